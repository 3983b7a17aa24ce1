//! The issued document: what an invoice or credit note says, once and for all.
//!
//! A [`Document`] is produced by `issue` and never changed afterwards. Every renderer (PDF,
//! HTML, JSON, later XML) is a pure function of it and prints its stored amounts, never
//! recomputing them, so all formats agree to the cent. Its JSON form is the archive's record
//! and the schema other tools read (documented in README.md, "Document JSON").

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::model;
use crate::money::Currency;
use crate::numbering::DocumentNumber;

/// Identifies the JSON record format; bumped on incompatible change.
pub const SCHEMA: &str = "invoicesmith.document.v1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

impl DocumentKind {
    /// Its name in the record, the register and the export's CSVs (`invoice`, `credit_note`).
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }
}

/// Which VAT rule applied, and therefore what the document must say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Customer in the seller's country: domestic rate, consumers and businesses alike.
    Domestic,
    /// EU consumer (or business without a usable VAT ID) in another member state: that
    /// state's rate, declared through the One-Stop Shop (Art. 58, 369a ff. VAT Directive).
    Oss,
    /// EU business in another member state with a VAT ID: no VAT, the customer accounts for
    /// it (Art. 196 VAT Directive).
    ReverseCharge,
    /// Consumer in a non-EU country where the seller is registered (GB, NO, CH, AU…):
    /// that country's tax.
    NonEuTax,
    /// Business in a non-EU country where the seller is registered: the customer
    /// self-accounts for the local tax.
    NonEuReverseCharge,
    /// Non-EU customer where the seller is not registered: outside the scope of EU VAT.
    OutsideScope,
}

impl Treatment {
    /// Its name in the record and the export's CSVs (`reverse_charge`, `non_eu_tax`…).
    pub fn code(self) -> &'static str {
        match self {
            Treatment::Domestic => "domestic",
            Treatment::Oss => "oss",
            Treatment::ReverseCharge => "reverse_charge",
            Treatment::NonEuTax => "non_eu_tax",
            Treatment::NonEuReverseCharge => "non_eu_reverse_charge",
            Treatment::OutsideScope => "outside_scope",
        }
    }
}

/// Which legend a document must carry: tax decides the key, the translation files
/// (`[legends]` of each language) say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LegendKey {
    /// EU reverse charge (Art. 196 VAT Directive).
    ReverseCharge,
    /// Taxed under the One-Stop Shop.
    Oss,
    /// The customer self-accounts for UK VAT.
    ReverseChargeGb,
    /// The customer self-accounts for Norwegian MVA.
    ReverseChargeNo,
    /// An Australian business customer is not charged GST.
    GstNotChargedAu,
    /// Taxed under the seller's registration in the customer's country.
    TaxRegistration,
    /// Outside the scope of EU VAT, to a business.
    OutsideScopeBusiness,
    /// Outside the scope of EU VAT, to a consumer.
    OutsideScopeConsumer,
}

/// EN 16931 VAT category codes (UNCL 5305) used per line and per breakdown row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TaxCategory {
    /// Standard rate.
    S,
    /// Reverse charge.
    AE,
    /// Not subject to VAT (outside scope).
    O,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub address: Address,
    /// VAT ID (or other tax ID) as printed.
    pub tax_id: Option<String>,
    /// Company register number, for the seller.
    pub registration_id: Option<String>,
    pub email: Option<String>,
    /// The party's electronic address for e-invoices (BT-34, BT-49): its Peppol participant
    /// ID. Given in company.toml and customers.csv, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electronic_address: Option<ElectronicAddress>,
    /// A contact person or department (BT-41), for the seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// A contact telephone number (BT-42), for the seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// An electronic address (a Peppol participant ID): a scheme of the Electronic Address
/// Scheme (EAS) code list and the identifier in it, e.g. `0208` and `0123456749`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectronicAddress {
    pub scheme: String,
    pub id: String,
}

impl std::fmt::Display for ElectronicAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.scheme, self.id)
    }
}

/// A postal address as the record keeps it: the record's own type, so a change to what the
/// input reads cannot silently change `document.v1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub region: String,
    pub country: CountryCode,
}

impl From<&model::Address> for Address {
    fn from(a: &model::Address) -> Address {
        let model::Address { line1, line2, city, postal_code, region, country } = a.clone();
        Address { line1, line2, city, postal_code, region, country }
    }
}

impl From<&Address> for model::Address {
    fn from(a: &Address) -> model::Address {
        let Address { line1, line2, city, postal_code, region, country } = a.clone();
        model::Address { line1, line2, city, postal_code, region, country }
    }
}

/// Whether the customer was taxed as a consumer or a business, as the record says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerType {
    Individual,
    Business,
}

impl From<model::CustomerType> for CustomerType {
    fn from(t: model::CustomerType) -> CustomerType {
        match t {
            model::CustomerType::Individual => CustomerType::Individual,
            model::CustomerType::Business => CustomerType::Business,
        }
    }
}

impl From<CustomerType> for model::CustomerType {
    fn from(t: CustomerType) -> model::CustomerType {
        match t {
            CustomerType::Individual => model::CustomerType::Individual,
            CustomerType::Business => model::CustomerType::Business,
        }
    }
}

/// The three pieces of location evidence and the country they decided (Art. 24b
/// Implementing Regulation 282/2011: two non-contradictory pieces suffice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationEvidence {
    pub billing_country: CountryCode,
    pub card_country: Option<CountryCode>,
    pub ip_country: Option<CountryCode>,
    pub customer_country: CountryCode,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tax {
    pub treatment: Treatment,
    /// Country whose tax applies (or, outside scope, where the supply takes place).
    pub jurisdiction: CountryCode,
    /// `VAT`, `GST`, `MWST`…
    pub tax_name: String,
    /// The seller's registration in that jurisdiction (scheme and official written form),
    /// when the tax is charged under it rather than the seller's own VAT ID.
    pub seller_registration: Option<crate::registration::PrintedRegistration>,
    /// Whether the customer was taxed as a consumer or a business.
    pub customer_type: CustomerType,
    pub evidence: LocationEvidence,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLine {
    pub description: String,
    pub quantity: Decimal,
    /// Unit price excluding tax (may carry more decimals than the currency when derived
    /// from a tax-inclusive price).
    pub unit_price: Decimal,
    /// Line amount excluding tax, in the currency's minor unit.
    pub net_amount: Decimal,
    pub tax_category: TaxCategory,
    /// Percent, e.g. `24` or `25.5`; `0` for reverse charge and outside scope.
    pub tax_rate: Decimal,
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
    /// A plan-change adjustment; it keeps the rate of the charge it adjusts.
    pub proration: bool,
    /// The transaction this line came from.
    pub transaction_id: String,
    /// On a proration line: the charge whose period it adjusts.
    pub adjusts: Option<String>,
    /// Priced tax-inclusive (consumer price lists): the unit price and line amount the
    /// customer saw, including tax. Printed instead of the net figures on consumer
    /// documents; the e-invoices keep the net prices EN 16931 requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross: Option<GrossPrice>,
}

/// A line's tax-inclusive price, as charged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrossPrice {
    pub unit_price: Decimal,
    pub amount: Decimal,
}

/// One row of the VAT breakdown: tax is computed once per rate on the summed base
/// (EN 16931 BR-CO-17), never per line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxSubtotal {
    pub tax_category: TaxCategory,
    pub tax_rate: Decimal,
    pub taxable_amount: Decimal,
    pub tax_amount: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of line net amounts.
    pub net: Decimal,
    /// Sum of the breakdown's tax amounts.
    pub tax: Decimal,
    /// `net + tax`.
    pub gross: Decimal,
    /// Already paid (by card).
    pub paid: Decimal,
    /// `gross − paid`.
    pub due: Decimal,
}

/// A document's taxable amount and tax restated in the seller's base currency at a published
/// rate: the Art. 230 statement of EU VAT charged in another currency
/// ([`Document::base_currency_tax`]), or the same figures kept for the books alone
/// ([`Document::base_currency_booking`]); or a non-EU tax's statement in the currency its
/// law wants ([`Document::local_currency_tax`], where `currency` is that one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseCurrencyTax {
    pub currency: Currency,
    /// 1 unit of the document currency = `exchange_rate` units of `currency`.
    pub exchange_rate: Decimal,
    /// The rate as published: 1 `published_base` = `published_rate` `published_quote`.
    pub published_rate: Decimal,
    pub published_base: Currency,
    pub published_quote: Currency,
    pub rate_date: NaiveDate,
    pub source: String,
    pub taxable_amount: Decimal,
    pub tax_amount: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Legend {
    /// Stable code for machines: `reverse_charge`, `outside_scope`, `oss`…
    pub code: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// `card` or `bank_transfer`.
    pub method: String,
    /// `paid`, `due` (a bank-transfer invoice issued before it is paid), or for credit
    /// notes `refunded` or `offset`.
    pub status: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    /// What lets a customer find the payment on a statement: card brand (`Visa`), the
    /// card's last four digits, and the payment processor's id of the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_last4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// A bank-transfer invoice: where and by when to pay (absent for card payments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<BankTransfer>,
}

/// The seller's account and the terms of an invoice paid by SEPA credit transfer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankTransfer {
    /// The account holder (the beneficiary's name in the EPC QR code).
    pub account_holder: String,
    /// Compact, checked (ISO 13616).
    pub iban: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// The RF creditor reference (ISO 11649) made from the document number.
    pub reference: String,
    /// Days from the issue date to `due_date`.
    pub terms_days: u32,
    pub due_date: NaiveDate,
}

/// How a document relates to an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// A credit note for a refund: credits (part of) the referenced invoice.
    Credits,
    /// A credit note that cancels the referenced invoice in full, for a corrected reissue.
    Cancels,
    /// A replacement invoice with corrected details, for the referenced (cancelled) invoice.
    Replaces,
    /// An invoice whose plan-change (proration) lines adjust the charge the referenced
    /// invoice billed, at that invoice's rate.
    Adjusts,
}

impl Relation {
    /// The relation as the record writes it (`credits`, `cancels`, `replaces`, `adjusts`):
    /// what `show` and the statement's CSV print.
    pub fn code(self) -> &'static str {
        match self {
            Relation::Credits => "credits",
            Relation::Cancels => "cancels",
            Relation::Replaces => "replaces",
            Relation::Adjusts => "adjusts",
        }
    }
}

/// A reference to an earlier document (Art. 219 VAT Directive; EN 16931 BG-3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentReference {
    pub number: DocumentNumber,
    pub issue_date: NaiveDate,
    pub relation: Relation,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub schema: String,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub issue_date: NaiveDate,
    /// Date of supply / payment (Art. 226(7)): the local date of the capture.
    pub tax_point_date: NaiveDate,
    pub currency: Currency,
    /// Customer's language (BCP 47), for rendering.
    pub language: String,
    pub seller: Party,
    pub customer: Party,
    pub customer_id: String,
    pub source_transactions: Vec<String>,
    pub tax: Tax,
    pub lines: Vec<DocumentLine>,
    pub tax_breakdown: Vec<TaxSubtotal>,
    pub totals: Totals,
    /// EU VAT charged in another currency than the seller's base currency, also stated in
    /// the base currency (Art. 230 VAT Directive): printed on the document.
    pub base_currency_tax: Option<BaseCurrencyTax>,
    /// Any other document in another currency than the base currency: its amounts in the
    /// base currency at the rate published for its tax point, by the rule of Art. 230, for
    /// the books alone (DATEV's Kurs and Basis-Umsatz, the journal, the VAT summary's
    /// reverse-charge and outside-EU sections): the seller's accounts and returns are kept
    /// in the base currency. Not printed. Absent where the input had no such rate (and in
    /// records written before this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_currency_booking: Option<BaseCurrencyTax>,
    /// A non-EU tax charged in another currency than the one its law wants it stated in:
    /// the same figures in that currency (UK VAT in sterling, VAT Regulations 1995 reg.
    /// 14(1)), printed as the Art. 230 statement is. Absent on other documents and in records
    /// written before this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_currency_tax: Option<BaseCurrencyTax>,
    /// A non-EU tax charged in another currency than its return's, where its law asks for
    /// no statement on the document (Swiss MWST in CHF, Norwegian MVA in NOK, Australian GST
    /// in AUD): the same figures in that currency at the rate published for the tax point,
    /// kept for that return (the VAT summary), not printed. Absent where the input had no
    /// such rate, on other documents, and in records written before this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_currency_tax: Option<BaseCurrencyTax>,
    pub legends: Vec<Legend>,
    pub payment: Payment,
    pub references: Vec<DocumentReference>,
    /// On a credit note: the date of supply of the invoice it credits or cancels (that
    /// invoice's tax point), printed as its date of supply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_supply_date: Option<NaiveDate>,
    /// The buyer's reference (BT-10) as customers.csv gives it, e.g. a German public
    /// buyer's Leitweg-ID. E-invoice formats that require one fall back to the customer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_reference: Option<String>,
    /// The buyer's purchase order reference (BT-13), from transactions.csv.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    /// The seller's logo, accent colour and footer lines, as configured when issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<crate::brand::Brand>,
    /// Notes printed on the document: the customer's (customers.csv), then the
    /// transaction's (transactions.csv).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Document {
    /// Its date of supply as it prints it: an invoice's tax point; a credit note's, that of
    /// the supply it credits (where recorded).
    pub fn supply_date(&self) -> NaiveDate {
        self.original_supply_date.unwrap_or(self.tax_point_date)
    }

    /// The JSON record (`document.v1`): pretty-printed in field order, amounts as decimal
    /// strings at the currency's scale, ending with a newline, so the bytes are stable and
    /// diff well.
    pub fn to_record(&self) -> String {
        // Room for a typical record (3–4 KB), so the text is not copied as it grows.
        let mut out = Vec::with_capacity(4 * 1024);
        serde_json::to_writer_pretty(&mut out, self).expect("documents always serialise");
        out.push(b'\n');
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    /// Reads a record back; the one reader of records. `source` names the record in the
    /// error (`<source>: not a document record: …`).
    pub fn from_record(bytes: &[u8], source: &dyn std::fmt::Display) -> crate::Result<Document> {
        let refuse = |e: &dyn std::fmt::Display| crate::Error::Refused(format!("{source}: not a document record: {e}"));
        let text = std::str::from_utf8(bytes).map_err(|e| refuse(&e))?;
        serde_json::from_str(text).map_err(|e| refuse(&e))
    }

    pub fn minor_units(&self) -> u32 {
        self.currency.minor_units()
    }

    /// The document's amounts in the seller's base currency, as the books take them: its
    /// Art. 230 statement, else the restatement kept for the books; `None` for a document in
    /// the base currency (or one issued without a rate).
    pub fn in_base_currency(&self) -> Option<&BaseCurrencyTax> {
        self.base_currency_tax.as_ref().or(self.base_currency_booking.as_ref())
    }

    /// A non-EU tax's amounts in the currency of its return: its printed statement (UK VAT
    /// in sterling) or the figures kept for that return.
    pub fn in_return_currency(&self) -> Option<&BaseCurrencyTax> {
        self.local_currency_tax.as_ref().or(self.return_currency_tax.as_ref())
    }

    /// The tax statement the document prints, in the currency the tax's law wants: the
    /// Art. 230 statement of EU VAT, or a non-EU tax's (UK VAT in sterling).
    pub fn printed_tax_statement(&self) -> Option<&BaseCurrencyTax> {
        self.base_currency_tax.as_ref().or(self.local_currency_tax.as_ref())
    }

    /// The SHA-256 of the logo the record names whose bytes are not attached yet (see
    /// [`crate::brand::Logo`]): what a reader must fetch from the archive before rendering.
    pub fn logo_to_attach(&self) -> Option<crate::sha256::Sha256Sum> {
        self.brand.as_ref().and_then(|b| b.logo.as_ref()).filter(|l| !l.is_attached()).map(|l| l.sha256)
    }

    /// Attaches the bytes of the logo the record names by SHA-256, fetched by `fetch` and
    /// checked against it (nothing to do for a document without one, or attached already).
    pub fn attach_logo(&mut self, fetch: impl FnOnce(&crate::sha256::Sha256Sum) -> crate::Result<std::sync::Arc<[u8]>>) -> crate::Result<()> {
        let number = self.number.clone();
        let Some(logo) = self.brand.as_mut().and_then(|b| b.logo.as_mut()).filter(|l| !l.is_attached()) else { return Ok(()) };
        let bytes = fetch(&logo.sha256)?;
        logo.attach(bytes).map_err(|e| crate::Error::Refused(format!("{number}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `show` and the statement print a relation as the record writes it.
    #[test]
    fn a_relation_is_printed_as_the_record_writes_it() {
        for r in [Relation::Credits, Relation::Cancels, Relation::Replaces, Relation::Adjusts] {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.code()));
        }
        assert_eq!(Relation::Cancels.code(), "cancels");
    }

    #[test]
    fn treatment_codes_are_the_record_names() {
        let all = [
            (Treatment::Domestic, "domestic"),
            (Treatment::Oss, "oss"),
            (Treatment::ReverseCharge, "reverse_charge"),
            (Treatment::NonEuTax, "non_eu_tax"),
            (Treatment::NonEuReverseCharge, "non_eu_reverse_charge"),
            (Treatment::OutsideScope, "outside_scope"),
        ];
        for (treatment, name) in all {
            assert_eq!(treatment.code(), name);
            assert_eq!(serde_json::to_string(&treatment).unwrap(), format!("\"{name}\""));
        }
    }

    #[test]
    fn document_kind_codes_are_the_record_names() {
        for (kind, name) in [(DocumentKind::Invoice, "invoice"), (DocumentKind::CreditNote, "credit_note")] {
            assert_eq!(kind.code(), name);
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{name}\""));
        }
    }
}
