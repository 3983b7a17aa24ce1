//! XRechnung 3.0, the German CIUS of EN 16931, in UBL and in CII.
//!
//! The UBL and CII writers ([`super::ubl`], [`super::cii`]) with [`Profile::XRechnung`]: the
//! XRechnung specification identifier (BR-DE-21), Peppol's business process, the buyer
//! reference (BR-DE-15: the Leitweg-ID of a public buyer, else the customer id), both
//! electronic addresses (the e-mail address where a party has no Peppol ID), the seller's
//! contact with name, telephone and e-mail (BR-DE-2, 5, 6, 7) and the payment instructions
//! (BR-DE-1) with the payment card for a card payment (BR-DE-24-a) or the seller's account for
//! a bank transfer (BR-DE-23-a).
//!
//! Written for German business and public customers, when the data has what the rules
//! require and the writers cannot make up: the seller's contact name and telephone
//! (company.toml), both postal codes (BR-DE-4, BR-DE-9) and, for a card payment, the card's
//! last four digits.

use super::xml::Profile;
use domain::document::{Document, Party};
use domain::document::CustomerType;
use domain::payment::terms;

/// Renders `doc` as XRechnung 3.0 in UBL.
pub fn render_ubl(doc: &Document) -> String {
    super::ubl::render_profile(doc, Profile::XRechnung)
}

/// Renders `doc` as XRechnung 3.0 in CII.
pub fn render_cii(doc: &Document) -> String {
    super::cii::render_profile(doc, Profile::XRechnung)
}

/// Why `doc` gets no XRechnung, if it does not.
pub fn missing(doc: &Document) -> Option<&'static str> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    let no_postcode = |p: &Party| p.address.postal_code.trim().is_empty();
    if doc.customer.address.country.as_str() != "DE" || doc.tax.customer_type != CustomerType::Business {
        Some("the customer is not a German business or public buyer")
    } else if blank(&doc.seller.contact_name) || blank(&doc.seller.phone) || blank(&doc.seller.email) {
        Some("the seller has no contact name, phone and e-mail (company.toml seller.contact_name, seller.phone, seller.email; BR-DE-5, 6, 7)")
    } else if no_postcode(&doc.seller) {
        Some("the seller has no postal code (company.toml seller.address.postal_code; BR-DE-4)")
    } else if no_postcode(&doc.customer) {
        Some("the customer has no postal code (customers.csv postal_code; BR-DE-9)")
    } else if super::xml::Profile::XRechnung.electronic_address(&doc.customer).is_none() {
        // The seller's is its e-mail, required above.
        Some("the customer has no electronic address, neither a Peppol ID nor an e-mail (customers.csv peppol_id or email; PEPPOL-EN16931-R010)")
    } else if doc.payment.method == terms::BANK_TRANSFER {
        // A transfer names the seller's account instead (BR-DE-23-a); there is no card.
        doc.payment.transfer.is_none().then_some("the bank transfer names no account (company.toml [bank]), and a credit transfer needs one (BR-DE-23-a)")
    } else if super::xml::payment_card(doc).is_none() {
        Some("the card's last four digits are not known (transactions.csv card_last4), and a card payment needs them (BR-DE-24-a)")
    } else {
        None
    }
}
