//! What the two EN 16931 syntaxes ([`super::ubl`], [`super::cii`]) share: a small XML writer
//! and every mapping decision that is not about syntax, so UBL and CII can never disagree.
//!
//! Both renderers print the document's stored amounts; nothing here computes an amount.
//! The decisions, checked against the CEN/TC 434 validation artifacts (schematron 1.3.16):
//!
//! * **Profiles** ([`Profile`]): plain EN 16931, Peppol BIS Billing 3.0 and XRechnung 3.0
//!   are one mapping; a profile only names itself (BT-23, BT-24) and adds what its rules
//!   require of data the document already holds (BT-10 and the electronic addresses).
//! * **Type code (BT-3)**: 380 invoice, 381 credit note, 384 (corrected invoice) for a
//!   replacement invoice, i.e. one with a `replaces` reference, only when seller and buyer
//!   are both in Germany: Peppol allows 384 only there (PEPPOL-EN16931-P0112), where the
//!   Rechnungskorrektur is a known document. Elsewhere a replacement is a 380 that names the
//!   invoice it replaces in BG-3, which is how the rest of the EU reads a corrected invoice.
//! * **Notes (BT-22)**: one note (PEPPOL-EN16931-R002): the legends that do not explain a
//!   VAT category and one sentence per reference, one per line. A legend that explains why
//!   no VAT is charged (reverse charge, outside scope) is the VAT exemption reason (BT-120)
//!   of its category instead, next to the code (BT-121), where EN 16931 puts it.
//! * **Buyer reference (BT-10)**: customers.csv's `buyer_reference` (a Leitweg-ID for a German
//!   public buyer); Peppol (PEPPOL-EN16931-R003, when there is no order reference) and
//!   XRechnung (BR-DE-15) require one, and without one given they carry the customer id,
//!   the reference by which the buyer finds the seller's account. Order reference (BT-13):
//!   the transaction's `purchase_order`.
//! * **Electronic addresses (BT-34, BT-49)**: the parties' Peppol IDs. XRechnung requires
//!   both (PEPPOL-EN16931-R010/R020 in its rules) and accepts the e-mail scheme `EM` where
//!   a party has no Peppol ID; Peppol does not (its documents are written only for parties
//!   with one).
//! * **Seller identifiers**: the VAT identifier (BT-31) must carry an ISO 3166 country
//!   prefix (BR-CO-09), a tax registration identifier (BT-32) need not; either satisfies the
//!   standard-rate and reverse-charge rules (BR-S-02, BR-AE-02). So:
//!   - EU treatments (domestic, OSS, reverse charge, non-EU reverse charge): BT-31 = the
//!     seller's own VAT ID. OSS VAT is declared under it; a non-EU reverse charge document
//!     records no local registration.
//!   - Non-EU tax (`Treatment::NonEuTax`, e.g. GB VAT on a UK consumer sale): the tax is
//!     charged under the seller's registration in that country (`doc.tax.seller_registration`),
//!     which is what that country requires on the invoice. Where that registration is the
//!     seller's VAT ID of that country (schemes `vat`, `mva`, `mwst`: `GB980780684`,
//!     `NO995525828MVA`, `CHE123456788MWST`) it is BT-31, written without spaces and dots;
//!     any other registration (a VOEC number, an ARN, an ABN) is a tax registration, BT-32,
//!     as printed (`VOEC 2034567`). The EU VAT ID is then left out: UBL and CII allow one
//!     BT-31, and the EU VAT ID is not the registration this tax is charged under. BT-63
//!     (tax representative) does not apply: the seller is registered itself.
//!   - Outside scope (category O): BR-O-02 forbids BT-31, BT-63 and BT-48 on a document
//!     with an O line, so no VAT identifier is printed at all. The seller stays identified
//!     by its legal registration ID (BT-30), as BR-CO-26 requires; a seller without one is
//!     identified by its VAT ID as seller identifier (BT-29), which BR-O-02 does not cover.
//! * **Buyer identifiers**: `doc.customer.tax_id` is the buyer VAT identifier (BT-48) when
//!   it has a country prefix, else (an ABN) the buyer legal registration identifier
//!   (BT-47), which BR-AE-02 accepts as well. On an O document neither is printed (BR-O-02).
//!   The customer id is the buyer identifier (BT-46).
//! * **Categories**: S with its rate; AE with rate 0, exemption reason code `VATEX-EU-AE`
//!   and text "Reverse charge" (BR-AE-05, BR-AE-10); O without any rate (BR-O-05), code
//!   `VATEX-EU-O` and text "Not subject to VAT" (BR-O-10).
//! * **Negative lines** (plan-change adjustments): the item net price must not be negative
//!   (BR-27), so a negative unit price is printed positive with the quantity negated:
//!   −1 × 6.50 = −6.50, the stored line net amount.
//! * **Periods**: each line's service period is its line period (BG-26); when every line has
//!   a complete one, their span is also the invoicing period (BG-14).
//! * **Payment**: card, UNCL 4461 code 48, also on credit notes (refunded to the card), with
//!   the payment card group (BG-18) when the card's last four digits are known: the primary
//!   account number masked to them (BT-87; card security rules and BR-51 forbid more), the network
//!   (the card brand) in UBL. XRechnung requires the group for a card payment (BR-DE-24-a).
//!   Paid (BT-113) and due (BT-115) as stored, due may be negative (overpaid replacement);
//!   BR-CO-16 holds for them (due = total − paid) but on one document: a credit note that
//!   cancels an invoice for its replacement stores as paid only what was received for that
//!   invoice (moved to the replacement) and nothing as due (nothing is refunded). Of an
//!   invoice that asked for a transfer not (fully) received, the rest of the credit offsets
//!   what the cancelled invoice still asks: that is its amount due in the e-invoice (total −
//!   paid, see [`paid_and_due`]), the open credit the buyer sets against the cancelled
//!   invoice, as BR-CO-16 requires.
//!   The payment sentence the PDF prints is the payment terms (BT-20), which also meets
//!   BR-CO-25 when an amount is due.
//! * **Dates**: the tax point date (BT-7) is printed only when it differs from the issue
//!   date, as Art. 226(7) VAT Directive asks. On invoices it is also the actual delivery
//!   date (BT-72, the date of supply). A credit note's delivery date is that of the supply
//!   it credits (the invoice's date of supply), so CII's mandatory delivery group is never
//!   empty (PEPPOL-EN16931-R008: no empty elements).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::country::CountryCode;
use domain::document::{Document, DocumentKind, DocumentLine, Party, Relation, TaxCategory, Treatment};

/// BT-24: plain EN 16931, which is also the Factur-X / ZUGFeRD EN 16931 profile id.
pub const SPECIFICATION_ID: &str = "urn:cen.eu:en16931:2017";

/// UNCL 4461 "Bank card".
pub const PAYMENT_MEANS_CARD: &str = "48";

/// UN/ECE Rec. 20 "one": every line is counted in units.
pub const UNIT_CODE: &str = "C62";

/// An indented XML document written in order; no escaping mistakes, no namespaces magic.
pub struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

/// Room for a whole e-invoice (UBL ~5 KB, CII ~7 KB for a one-line document), so the text
/// is not copied as it grows.
const CAPACITY: usize = 8 * 1024;

/// Indentation, two spaces a level, sliced rather than pushed space by space.
const SPACES: &str = "                                                                ";

impl XmlWriter {
    pub fn new() -> XmlWriter {
        let mut out = String::with_capacity(CAPACITY);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        XmlWriter { out, open: Vec::with_capacity(16) }
    }

    fn indent(&mut self) {
        let mut n = 2 * self.open.len();
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.push_str(&SPACES[..k]);
            n -= k;
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// `</name>` and a line break.
    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// Opens `name`; every `start` needs its [`end`](Self::end).
    pub fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.indent();
        self.tag(name, attrs);
        self.out.push('\n');
        self.open.push(name);
    }

    pub fn end(&mut self) {
        let name = self.open.pop().expect("end without start");
        self.indent();
        self.close(name);
    }

    /// `<name>children</name>`, the children written by `body`.
    pub fn elem(&mut self, name: &'static str, attrs: &[(&str, &str)], body: impl FnOnce(&mut XmlWriter)) {
        self.start(name, attrs);
        body(self);
        self.end();
    }

    /// `<name attrs>text</name>` on one line.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.tag(name, attrs);
        escape_into(&mut self.out, text, false);
        self.close(name);
    }

    /// A leaf when `text` is present and not blank.
    pub fn leaf_opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            self.leaf(name, &[], text);
        }
    }

    pub fn finish(self) -> String {
        assert!(self.open.is_empty(), "unclosed elements: {:?}", self.open);
        self.out
    }
}

impl Default for XmlWriter {
    fn default() -> Self {
        XmlWriter::new()
    }
}

/// Escapes markup characters. Whitespace that XML would normalise away (CR anywhere; tab
/// and newline in attributes) is written as a character reference so it survives parsing.
/// Characters XML 1.0 cannot carry at all (other C0 controls, U+FFFE/U+FFFF) are dropped.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    // Most text has nothing to escape: copied at once. A byte below 0x20, a markup
    // character, or 0xEF (the lead byte of U+F000–U+FFFF, which includes U+FFFE/U+FFFF)
    // sends it through the character by character path.
    if !text.bytes().any(|b| b < 0x20 || matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF)) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// A date as XML Schema's `xs:date` (chrono's `%Y-%m-%d`): `2026-10-05`.
pub fn date(d: NaiveDate) -> String {
    date_with(d, "-", "%Y-%m-%d")
}

/// A date as UNTDID 2379 format 102 (chrono's `%Y%m%d`): `20261005`.
pub fn date_102(d: NaiveDate) -> String {
    date_with(d, "", "%Y%m%d")
}

/// `d`'s digits with `separator` between year, month and day; what chrono's `pattern` gives,
/// without parsing the pattern for every date.
fn date_with(d: NaiveDate, separator: &str, pattern: &str) -> String {
    use chrono::Datelike;
    let year = d.year();
    if !(0..=9999).contains(&year) {
        // Signed or wider years, as chrono writes them (never issued: years are 1000–9999).
        return d.format(pattern).to_string();
    }
    let mut out = String::with_capacity(10);
    for (value, width) in [(year as u32, 4), (d.month(), 2), (d.day(), 2)] {
        if !out.is_empty() {
            out.push_str(separator);
        }
        let mut unit = 10u32.pow(width - 1);
        while unit > 0 {
            out.push(char::from(b'0' + (value / unit % 10) as u8));
            unit /= 10;
        }
    }
    out
}

/// A stored amount as EN 16931 wants it: as stored (`12.90`, `1980`, `-6.50`), never `-0`.
/// Amounts are stored at the currency's minor unit; EN 16931 allows at most 2 decimals
/// (BR-DEC-*), so trailing zeros beyond 2 decimals (a 3-decimal currency) are dropped when
/// that loses nothing. An amount that really has 3 decimals is printed as it is: rounding it
/// here would be a second calculation.
pub fn amount(value: Decimal) -> String {
    let mut v = value;
    if v.scale() > 2 {
        let n = v.normalize();
        if n.scale() <= 2 {
            v = n;
            v.rescale(2);
        }
    }
    if v.is_zero() {
        v.set_sign_positive(true);
    }
    v.to_string()
}

/// A percentage without trailing zeros: `20`, `25.5`, `0`.
pub fn percent(rate: Decimal) -> String {
    let mut r = rate.normalize();
    if r.is_zero() {
        r.set_sign_positive(true);
    }
    r.to_string()
}

/// A quantity or unit price without trailing zeros beyond what it carries: `1`, `2.5`.
pub fn quantity(q: Decimal) -> String {
    percent(q)
}

/// A unit price as stored (it may carry more decimals than the currency), never negative.
pub fn price(p: Decimal) -> String {
    let mut p = p;
    if p.is_zero() {
        p.set_sign_positive(true);
    }
    p.to_string()
}

/// BT-146 and BT-129 of a line: a negative unit price is printed positive with the quantity
/// negated (BR-27), so price × quantity still gives the stored line net amount.
pub fn price_and_quantity(line: &DocumentLine) -> (Decimal, Decimal) {
    if line.unit_price.is_sign_negative() && !line.unit_price.is_zero() {
        (-line.unit_price, -line.quantity)
    } else {
        (line.unit_price, line.quantity)
    }
}

/// Which rules an e-invoice is written for (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Plain EN 16931 (also the Factur-X EN 16931 profile).
    En16931,
    /// Peppol BIS Billing 3.0 (UBL).
    Peppol,
    /// XRechnung 3.0, the German CIUS (UBL and CII).
    XRechnung,
}

impl Profile {
    /// BT-24, the specification identifier.
    pub fn customization_id(self) -> &'static str {
        match self {
            Profile::En16931 => SPECIFICATION_ID,
            Profile::Peppol => "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
            Profile::XRechnung => "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
        }
    }

    /// BT-23, the business process: Peppol's billing process 01, which XRechnung uses too.
    pub fn business_process(self) -> Option<&'static str> {
        match self {
            Profile::En16931 => None,
            Profile::Peppol | Profile::XRechnung => Some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"),
        }
    }

    /// BT-10: as given, else the customer id where the profile requires one.
    pub fn buyer_reference(self, doc: &Document) -> Option<String> {
        let given = non_blank(doc.buyer_reference.as_ref());
        match self {
            Profile::En16931 => given,
            Profile::Peppol if doc.order_reference.is_some() => given,
            Profile::Peppol | Profile::XRechnung => given.or_else(|| Some(doc.customer_id.clone())),
        }
    }

    /// BT-34 / BT-49 as `(scheme, identifier)`: the party's Peppol ID, else for XRechnung
    /// its e-mail address (scheme `EM`).
    pub fn electronic_address(self, party: &Party) -> Option<(String, String)> {
        if let Some(a) = &party.electronic_address {
            return Some((a.scheme.clone(), a.id.clone()));
        }
        match self {
            Profile::XRechnung => non_blank(party.email.as_ref()).map(|e| ("EM".to_string(), e)),
            Profile::En16931 | Profile::Peppol => None,
        }
    }
}

/// BT-3 (UNTDID 1001).
pub fn type_code(doc: &Document) -> &'static str {
    let german = |p: &Party| p.address.country.as_str() == "DE";
    match doc.kind {
        DocumentKind::CreditNote => "381",
        DocumentKind::Invoice
            if doc.references.iter().any(|r| r.relation == Relation::Replaces) && german(&doc.seller) && german(&doc.customer) =>
        {
            "384"
        }
        DocumentKind::Invoice => "380",
    }
}

pub fn category_code(c: TaxCategory) -> &'static str {
    match c {
        TaxCategory::S => "S",
        TaxCategory::AE => "AE",
        TaxCategory::O => "O",
    }
}

/// The rate to print for a category: none for "not subject to VAT" (BR-O-05).
pub fn category_rate(c: TaxCategory, rate: Decimal) -> Option<String> {
    match c {
        TaxCategory::O => None,
        TaxCategory::S | TaxCategory::AE => Some(percent(rate)),
    }
}

/// The legends that explain a category's exemption, by legend code.
fn explains(c: TaxCategory, legend_code: &str) -> bool {
    match c {
        TaxCategory::S => false,
        TaxCategory::AE => legend_code == "reverse_charge",
        TaxCategory::O => matches!(legend_code, "outside_scope" | "tax_not_charged"),
    }
}

/// VAT exemption reason code (BT-121, CEF VATEX) and text (BT-120) of a category in `doc`:
/// the document's legends that explain it, in its language, else a generic text.
pub fn exemption(doc: &Document, c: TaxCategory) -> Option<(&'static str, String)> {
    let (code, generic) = match c {
        TaxCategory::S => return None,
        TaxCategory::AE => ("VATEX-EU-AE", "Reverse charge"),
        TaxCategory::O => ("VATEX-EU-O", "Not subject to VAT"),
    };
    let texts: Vec<&str> = doc.legends.iter().filter(|l| explains(c, &l.code) && !l.text.trim().is_empty()).map(|l| l.text.as_str()).collect();
    Some((code, if texts.is_empty() { generic.to_string() } else { texts.join(" ") }))
}

/// Whether `id` starts with a country prefix BR-CO-09 accepts: an ISO 3166-1 alpha-2 code,
/// `EL` (Greece) or `XI` (Northern Ireland).
pub fn has_country_prefix(id: &str) -> bool {
    let Some(prefix) = id.get(..2) else { return false };
    prefix.bytes().all(|b| b.is_ascii_uppercase())
        && (matches!(prefix, "EL" | "XI") || prefix.parse::<CountryCode>().is_ok())
}

/// The identifiers a document may and must carry (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identifiers {
    /// BT-29
    pub seller_id: Option<String>,
    /// BT-30
    pub seller_legal_id: Option<String>,
    /// BT-31
    pub seller_vat_id: Option<String>,
    /// BT-32
    pub seller_tax_registration: Option<String>,
    /// BT-46
    pub buyer_id: Option<String>,
    /// BT-47
    pub buyer_legal_id: Option<String>,
    /// BT-48
    pub buyer_vat_id: Option<String>,
}

fn non_blank(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

pub fn identifiers(doc: &Document) -> Identifiers {
    let not_subject = doc.lines.iter().any(|l| l.tax_category == TaxCategory::O)
        || doc.tax_breakdown.iter().any(|r| r.tax_category == TaxCategory::O);
    let seller_legal_id = non_blank(doc.seller.registration_id.as_ref());
    let seller_tax_id = non_blank(doc.seller.tax_id.as_ref());
    let mut ids = Identifiers {
        seller_legal_id: seller_legal_id.clone(),
        buyer_id: Some(doc.customer_id.clone()).filter(|s| !s.trim().is_empty()),
        ..Identifiers::default()
    };
    if not_subject {
        if seller_legal_id.is_none() {
            ids.seller_id = seller_tax_id;
        }
        return ids;
    }
    match (doc.tax.treatment, &doc.tax.seller_registration) {
        (Treatment::NonEuTax, Some(r)) if r.scheme.is_vat_id() => ids.seller_vat_id = Some(r.einvoice_id()),
        (Treatment::NonEuTax, Some(r)) => ids.seller_tax_registration = Some(r.einvoice_id()),
        _ => ids.seller_vat_id = seller_tax_id,
    }
    match non_blank(doc.customer.tax_id.as_ref()) {
        Some(id) if has_country_prefix(&id) => ids.buyer_vat_id = Some(id),
        Some(id) => ids.buyer_legal_id = Some(id),
        None => {}
    }
    ids
}

/// BG-14: the span of the lines' service periods, when every line has a complete one.
pub fn invoicing_period(doc: &Document) -> Option<(NaiveDate, NaiveDate)> {
    let mut span: Option<(NaiveDate, NaiveDate)> = None;
    for line in &doc.lines {
        let (Some(start), Some(end)) = (line.service_start, line.service_end) else { return None };
        span = Some(match span {
            None => (start, end),
            Some((s, e)) => (s.min(start), e.max(end)),
        });
    }
    span
}

/// The one BT-22 note: the legends no category's exemption reason carries, then one
/// sentence per reference (with its reason), one per line, in the document's language as
/// the PDF prints them.
pub fn note(doc: &Document) -> Option<String> {
    let categories: Vec<TaxCategory> = doc.tax_breakdown.iter().map(|r| r.tax_category).collect();
    let mut notes: Vec<String> =
        doc.legends.iter().filter(|l| !categories.iter().any(|&c| explains(c, &l.code))).map(|l| l.text.clone()).collect();
    notes.extend(doc.references.iter().map(|r| super::text::reference(doc, r)));
    notes.retain(|n| !n.trim().is_empty());
    (!notes.is_empty()).then(|| notes.join("\n"))
}

/// BG-18: the payment card as an e-invoice may show it, when its last four digits are
/// known: the number masked but for those digits, `******4242` (BT-87; card security rules
/// allow at most the first six and the last four digits, and BR-51 at most ten characters),
/// and the network, the card brand (UBL requires one; `unknown` when the history names none).
pub fn payment_card(doc: &Document) -> Option<(String, String)> {
    let last4 = doc.payment.card_last4.as_deref().filter(|l| !l.trim().is_empty())?;
    let network = non_blank(doc.payment.card_brand.as_ref()).unwrap_or_else(|| "unknown".to_string());
    Some((format!("******{last4}"), network))
}

/// BT-113 and BT-115: the paid amount and the amount due, as stored, except on a credit
/// note that cancels an invoice (payment status `offset`): what was paid for the invoice
/// moves to the replacement (paid), and the rest of the credit (total − paid), which the
/// stored record keeps at zero because nothing is refunded, offsets what the cancelled
/// invoice still asks for, so it is the credit's amount due (BR-CO-16). Zero once the
/// invoice was paid in full, as for a card payment.
pub fn paid_and_due(doc: &Document) -> (Decimal, Decimal) {
    let t = &doc.totals;
    if doc.kind == DocumentKind::CreditNote && doc.payment.status == "offset" {
        return (t.paid, t.gross - t.paid);
    }
    (t.paid, t.due)
}

/// BT-20: how the document was settled, as the PDF says it.
pub fn payment_terms(doc: &Document) -> String {
    super::text::payment(doc)
}

/// BT-7, when it differs from the issue date.
pub fn tax_point_date(doc: &Document) -> Option<NaiveDate> {
    (doc.tax_point_date != doc.issue_date).then_some(doc.tax_point_date)
}

/// BT-72, the actual delivery date: an invoice's date of supply, its tax point date; a
/// credit note's, the date of supply of the invoice it credits (its own tax point date is
/// when the refund was made, not a supply), else that invoice's date.
pub fn delivery_date(doc: &Document) -> Option<NaiveDate> {
    match doc.kind {
        DocumentKind::Invoice => Some(doc.tax_point_date),
        DocumentKind::CreditNote => doc.original_supply_date.or_else(|| doc.references.first().map(|r| r.issue_date)),
    }
}

/// BT-6 and BT-111: the VAT accounting currency and the VAT total in it, when the document
/// states its VAT in another currency than its own.
pub fn accounting_currency_tax(doc: &Document) -> Option<(&'static str, Decimal)> {
    doc.printed_tax_statement()
        .filter(|b| b.currency != doc.currency)
        .map(|b| (b.currency.code(), b.tax_amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_print_as_stored_within_two_decimals() {
        assert_eq!(amount(d("12.90")), "12.90");
        assert_eq!(amount(d("1980")), "1980");
        assert_eq!(amount(d("-6.50")), "-6.50");
        assert_eq!(amount(d("-0.00")), "0.00");
        assert_eq!(amount(d("1.230")), "1.23");
        assert_eq!(amount(d("1.200")), "1.20");
        assert_eq!(amount(d("1.235")), "1.235");
        assert_eq!(percent(d("25.50")), "25.5");
        assert_eq!(percent(d("20")), "20");
        assert_eq!(percent(d("0.00")), "0");
        assert_eq!(price(d("10.8264")), "10.8264");
    }

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date(on(2026, 10, 5)), "2026-10-05");
        assert_eq!(date_102(on(2026, 10, 5)), "20261005");
        assert_eq!(date(on(999, 1, 31)), "0999-01-31");
        assert_eq!(date_102(on(2024, 12, 31)), "20241231");
        // Outside four digits, chrono's own forms.
        assert_eq!(date(on(10000, 1, 1)), "+10000-01-01");
        assert_eq!(date_102(on(-1, 1, 1)), "-00010101");
    }

    #[test]
    fn prefixes() {
        assert!(has_country_prefix("EE101234568"));
        assert!(has_country_prefix("EL094259216"));
        assert!(has_country_prefix("CHE-116.281.710 MWST"));
        assert!(has_country_prefix("XI123456789"));
        assert!(!has_country_prefix("51 824 753 556"));
        assert!(!has_country_prefix("UK123"));
        assert!(!has_country_prefix("ee101234568"));
        assert!(!has_country_prefix("E"));
    }

    use domain::document::{DocumentReference, ElectronicAddress, Legend};
    use crate::fixture;

    #[test]
    fn a_replacement_is_384_only_between_german_parties() {
        let mut doc = fixture::oss_invoice();
        let original = DocumentReference { number: doc.number.clone(), issue_date: doc.issue_date, relation: Relation::Replaces, reason: None };
        assert_eq!(type_code(&doc), "380");
        doc.references = vec![original];
        assert_eq!(type_code(&doc), "380", "an Estonian seller's replacement");
        doc.seller.address.country = CountryCode::parse("DE").unwrap();
        assert_eq!(type_code(&doc), "384");
        doc.customer.address.country = CountryCode::parse("AT").unwrap();
        assert_eq!(type_code(&doc), "380");
        assert_eq!(type_code(&fixture::refund_credit_note("en")), "381");
    }

    /// A legend explaining a category is its exemption reason; the others and the references
    /// make the one note, a line each.
    #[test]
    fn legends_go_to_their_category_and_the_rest_to_one_note() {
        let mut doc = fixture::refund_credit_note("en");
        let legend = |code: &str, text: &str| Legend { code: code.into(), text: text.into() };
        doc.legends = vec![legend("reverse_charge", "Reverse charge: Art. 196."), legend("oss", "OSS.")];
        // The breakdown has no AE row, so the reverse-charge legend stays a note; an AE row
        // takes it as its reason.
        assert_eq!(note(&doc).unwrap(), "Reverse charge: Art. 196.\nOSS.\nCredits invoice KL-INV-2026-000017 of 5 October 2026");
        assert_eq!(exemption(&doc, TaxCategory::S), None);
        doc.tax_breakdown[0].tax_category = TaxCategory::AE;
        assert_eq!(note(&doc).unwrap(), "OSS.\nCredits invoice KL-INV-2026-000017 of 5 October 2026");
        assert_eq!(exemption(&doc, TaxCategory::AE), Some(("VATEX-EU-AE", "Reverse charge: Art. 196.".to_string())));
        doc.legends = vec![legend("outside_scope", "Outside scope."), legend("tax_not_charged", "No GST.")];
        assert_eq!(exemption(&doc, TaxCategory::O), Some(("VATEX-EU-O", "Outside scope. No GST.".to_string())));
        doc.legends.clear();
        doc.references.clear();
        assert_eq!(note(&doc), None);
        assert_eq!(exemption(&doc, TaxCategory::O), Some(("VATEX-EU-O", "Not subject to VAT".to_string())));
    }

    #[test]
    fn a_credit_notes_delivery_date_is_the_supply_it_credits() {
        let mut doc = fixture::refund_credit_note("en");
        assert_eq!(delivery_date(&doc), Some(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()));
        doc.original_supply_date = None;
        assert_eq!(delivery_date(&doc), Some(doc.references[0].issue_date));
        assert_eq!(delivery_date(&fixture::oss_invoice()), Some(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()));
    }

    /// BR-CO-16 (due = total − paid) on a credit note cancelling an invoice: the record keeps
    /// due at zero (nothing is refunded); the e-invoice's due is the credit not covered by
    /// what was paid for the invoice.
    #[test]
    fn a_cancelling_credit_note_is_due_what_the_payment_moved_does_not_cover() {
        let mut doc = fixture::refund_credit_note("en");
        let t = doc.totals.clone();
        assert_eq!(paid_and_due(&doc), (t.paid, t.due), "a refund: as stored");
        doc.payment.status = "offset".into();
        doc.totals.due = d("0.00");
        for (gross, paid, due) in [("25.00", "25.00", "0.00"), ("25.00", "0.00", "25.00"), ("25.00", "10.00", "15.00"), ("25.00", "30.00", "-5.00")] {
            (doc.totals.gross, doc.totals.paid) = (d(gross), d(paid));
            assert_eq!(paid_and_due(&doc), (d(paid), d(due)), "{gross} paid {paid}");
            assert_eq!(amount(paid_and_due(&doc).1), due);
        }
        let mut invoice = fixture::oss_invoice();
        invoice.payment.status = "offset".into();
        assert_eq!(paid_and_due(&invoice), (invoice.totals.paid, invoice.totals.due), "an invoice: as stored");
    }

    #[test]
    fn the_card_is_masked_to_its_last_four_digits() {
        let mut doc = fixture::refund_credit_note("en");
        assert_eq!(payment_card(&doc), Some(("******4242".to_string(), "Visa".to_string())));
        doc.payment.card_brand = None;
        assert_eq!(payment_card(&doc), Some(("******4242".to_string(), "unknown".to_string())));
        assert_eq!(payment_card(&fixture::oss_invoice()), None);
    }

    #[test]
    fn profiles_fill_the_buyer_reference_and_electronic_addresses_they_require() {
        let mut doc = fixture::oss_invoice();
        assert_eq!(Profile::En16931.buyer_reference(&doc), None);
        assert_eq!(Profile::XRechnung.buyer_reference(&doc).as_deref(), Some(doc.customer_id.as_str()));
        assert_eq!(Profile::Peppol.buyer_reference(&doc).as_deref(), Some(doc.customer_id.as_str()));
        doc.order_reference = Some("PO-1".into());
        assert_eq!(Profile::Peppol.buyer_reference(&doc), None, "an order reference meets R003");
        doc.buyer_reference = Some("04011000-12345-03".into());
        for profile in [Profile::En16931, Profile::Peppol, Profile::XRechnung] {
            assert_eq!(profile.buyer_reference(&doc).as_deref(), Some("04011000-12345-03"));
        }
        let email = ("EM".to_string(), "juergen@example.de".to_string());
        assert_eq!(Profile::XRechnung.electronic_address(&doc.customer), Some(email));
        assert_eq!(Profile::Peppol.electronic_address(&doc.customer), None);
        doc.customer.electronic_address = Some(ElectronicAddress { scheme: "0204".into(), id: "04011000-12345-03".into() });
        assert_eq!(Profile::Peppol.electronic_address(&doc.customer), Some(("0204".into(), "04011000-12345-03".into())));
        assert_eq!(Profile::En16931.business_process(), None);
        assert_eq!(Profile::XRechnung.customization_id(), "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0");
    }

    #[test]
    fn escaping_keeps_text_and_drops_what_xml_cannot_carry() {
        let mut w = XmlWriter::new();
        w.elem("a", &[("x", "\"<&>\"\n")], |w| w.leaf("b", &[], "Brush & Co <Ltd>\r\u{1}é"));
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"&quot;&lt;&amp;&gt;&quot;&#10;\">\n  <b>Brush &amp; Co &lt;Ltd&gt;&#13;é</b>\n</a>\n"
        );
    }
}
