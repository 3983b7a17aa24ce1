//! Peppol BIS Billing 3.0: the UBL invoice or credit note as the Peppol network carries it.
//!
//! The UBL writer ([`super::ubl`]) with [`Profile::Peppol`]: the Peppol specification and
//! business process identifiers (PEPPOL-EN16931-R001, R004, R007), both parties' electronic
//! addresses (R010, R020), a buyer or order reference (R003) and everything the plain
//! writer already does to meet the Peppol rules on shared data (one note, R002; no empty
//! element, R008; 384 only between German parties, P0112). DESIGN.md lists every Peppol
//! rule that concerns data this program writes and the test that checks it.
//!
//! Written only where the network can deliver it: both seller and customer need a Peppol
//! participant ID (company.toml `seller.peppol_id`, customers.csv `peppol_id`).

use super::xml::Profile;
use domain::document::Document;

/// Renders `doc` as a Peppol BIS Billing 3.0 UBL document.
pub fn render(doc: &Document) -> String {
    super::ubl::render_profile(doc, Profile::Peppol)
}

/// Why `doc` gets no Peppol document, if it does not.
pub fn missing(doc: &Document) -> Option<&'static str> {
    if doc.seller.electronic_address.is_none() {
        Some("the seller has no Peppol ID (company.toml seller.peppol_id)")
    } else if doc.customer.electronic_address.is_none() {
        Some("the customer has no Peppol ID (customers.csv peppol_id)")
    } else {
        None
    }
}
