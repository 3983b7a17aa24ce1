//! The validated input: seller, customers, payment history and exchange rates.
//!
//! `input` builds these from the data folder and guarantees their invariants (known
//! countries and currencies, exact amounts, resolvable references), so `tax` and `issue`
//! can work on them without re-validating.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::money::{Currency, Money};
use crate::numbering::NumberPattern;

/// The data folder's files, named in diagnostics by every stage that reads one.
pub const COMPANY: &str = "company.toml";
pub const CUSTOMERS: &str = "customers.csv";
pub const TRANSACTIONS: &str = "transactions.csv";
pub const EXCHANGE_RATES: &str = "exchange_rates.csv";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub region: String,
    pub country: CountryCode,
}

/// A non-EU place where the seller collects tax from consumers: the scheme it is registered
/// under there and its number in that scheme's compact canonical form (checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxRegistration {
    pub country: CountryCode,
    pub scheme: crate::registration::Scheme,
    pub number: String,
}


#[derive(Clone, Debug)]
pub struct Seller {
    pub legal_name: String,
    pub address: Address,
    pub vat_id: String,
    pub registration_id: String,
    pub email: String,
    pub base_currency: Currency,
    pub timezone: chrono_tz::Tz,
    pub eu_oss: bool,
    pub tax_registrations: Vec<TaxRegistration>,
    /// How long the seller's domestic VAT return period is (the OSS return is always a
    /// calendar quarter).
    pub vat_return_period: ReturnPeriod,
    /// The seller's Peppol participant ID (optional; the Peppol and XRechnung formats
    /// need it or, for XRechnung, fall back to the e-mail address).
    pub peppol_id: Option<crate::document::ElectronicAddress>,
    /// The billing contact's name and telephone (optional; XRechnung requires both).
    pub contact_name: Option<String>,
    pub phone: Option<String>,
}

/// The length of a VAT return period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnPeriod {
    Month,
    Quarter,
}

impl Seller {
    pub fn registration_in(&self, country: CountryCode) -> Option<&TaxRegistration> {
        self.tax_registrations.iter().find(|r| r.country == country)
    }
}

#[derive(Clone, Debug)]
pub struct Numbering {
    pub invoice: NumberPattern,
    pub credit_note: NumberPattern,
}

#[derive(Clone, Debug)]
pub struct Company {
    pub seller: Seller,
    pub numbering: Numbering,
    /// The account bank-transfer invoices are paid to (`[bank]`), and their terms.
    pub bank: Option<BankAccount>,
    /// Logo, accent colour and footer lines (`[brand]`).
    pub brand: Option<crate::brand::Brand>,
    /// Folders read at run time (`[resources]`), as written: relative to company.toml.
    pub resources: Resources,
}

/// What a run reads besides the data: translations over the built-in ones, and fonts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// A folder of `<language>.toml` files.
    pub translations: Option<String>,
    /// A font file (TrueType/OpenType, or a collection with `#index`) for documents whose
    /// customer writes in a script the built-in fonts lack (CJK).
    pub cjk_font: Option<String>,
}

/// The seller's account for invoices paid by SEPA credit transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankAccount {
    pub account_holder: String,
    /// Compact and checked (ISO 13616).
    pub iban: String,
    pub bic: Option<String>,
    /// Days from the issue date to the due date.
    pub terms_days: u32,
}

/// How a charge is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Captured by the payment processor; invoiced once it succeeded.
    Card,
    /// Paid by the customer's SEPA credit transfer: a pending charge is invoiced at once,
    /// with the amount due, and the payment arrives later as a `payment` row.
    BankTransfer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerType {
    Individual,
    Business,
}

/// What the platform's upstream check (VIES, HMRC…) said of the customer's tax ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatIdStatus {
    Valid,
    Invalid,
    /// Empty in the CSV: not checked upstream. Only a tax ID known to be invalid disqualifies.
    Unchecked,
}

#[derive(Clone, Debug)]
pub struct Customer {
    pub id: String,
    pub kind: CustomerType,
    pub name: String,
    pub email: String,
    pub address: Address,
    /// Canonical form when the country's rules are known (`DE136695976`), else as written.
    pub vat_id: Option<String>,
    pub vat_id_status: VatIdStatus,
    pub language: String,
    /// The customer's Peppol participant ID (optional column `peppol_id`).
    pub peppol_id: Option<crate::document::ElectronicAddress>,
    /// The buyer reference (BT-10) the customer asks for, e.g. a Leitweg-ID (optional
    /// column `buyer_reference`).
    pub buyer_reference: Option<String>,
    /// Printed on every document of the customer (`note` in customers.csv).
    pub note: Option<String>,
    /// CSV line of the customer's row, for errors about the customer as a whole.
    pub source_line: u64,
}

impl Customer {
    /// A tax ID the seller may rely on for B2B treatment: present and not known to be invalid.
    pub fn usable_tax_id(&self) -> Option<&str> {
        match self.vat_id_status {
            VatIdStatus::Invalid => None,
            _ => self.vat_id.as_deref(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    Charge,
    Refund,
    Duplicate,
    /// A bank transfer received for an invoiced `bank_transfer` charge (`refers_to`): no
    /// document, it is paid towards the invoice.
    Payment,
}

impl TransactionType {
    /// The value of transactions.csv's `type` column (and of the serde name).
    pub fn name(self) -> &'static str {
        match self {
            TransactionType::Charge => "charge",
            TransactionType::Refund => "refund",
            TransactionType::Duplicate => "duplicate",
            TransactionType::Payment => "payment",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Succeeded,
    Failed,
    Pending,
}

impl Status {
    /// The value of transactions.csv's `status` column (and of the serde name).
    pub fn name(self) -> &'static str {
        match self {
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Pending => "pending",
        }
    }
}

/// Whether unit amounts include tax (consumer price lists) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountBasis {
    Gross,
    Net,
}

#[derive(Clone, Debug)]
pub struct Line {
    pub description: String,
    pub quantity: Decimal,
    pub unit_amount: Money,
    /// `quantity × unit_amount`, exact in the currency's minor unit.
    pub amount: Money,
    pub proration: bool,
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
    /// On a proration line: the charge whose period this line adjusts.
    pub refers_to: Option<String>,
    /// CSV line the row came from.
    pub source_line: u64,
}

#[derive(Clone, Debug)]
pub struct Transaction {
    pub id: String,
    pub kind: TransactionType,
    pub status: Status,
    pub customer_id: String,
    pub timestamp: DateTime<FixedOffset>,
    pub currency: Currency,
    pub amount_basis: AmountBasis,
    /// On a refund or duplicate: the charge it concerns.
    pub refers_to: Option<String>,
    pub reason: String,
    pub card_country: Option<CountryCode>,
    pub ip_country: Option<CountryCode>,
    /// Payment details for the documents (optional columns): card brand as the processor
    /// names it, the card's last four digits, the processor's payment id.
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub payment_id: Option<String>,
    /// The buyer's purchase order reference (optional column `purchase_order`).
    pub purchase_order: Option<String>,
    pub payment_method: PaymentMethod,
    /// Printed on the transaction's document (`note` in transactions.csv).
    pub note: Option<String>,
    pub lines: Vec<Line>,
    /// CSV line of the transaction's first row.
    pub source_line: u64,
    /// SHA-256 of the rows (see `input`: each value in one written form), recorded with the
    /// documents issued from it.
    pub fingerprint: crate::sha256::Sha256Sum,
    /// Where it differs from `fingerprint`: SHA-256 of the rows exactly as written, which
    /// documents issued by earlier versions recorded (`None` when built in memory).
    pub earlier_fingerprint: Option<crate::sha256::Sha256Sum>,
}

impl Transaction {
    /// Whether a document's recorded fingerprint is this transaction's, in either form.
    pub fn issued_as_is(&self, recorded: Option<crate::sha256::Sha256Sum>) -> bool {
        recorded.is_some() && (recorded == Some(self.fingerprint) || recorded == self.earlier_fingerprint)
    }

    /// What the card was charged: the sum of the lines as written.
    pub fn total(&self) -> Money {
        self.lines.iter().fold(Money::zero(self.currency), |sum, l| sum + l.amount)
    }
}

/// 1 `base` = `rate` `quote`, published on `date` (ECB style).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeRate {
    pub date: NaiveDate,
    pub base: Currency,
    pub quote: Currency,
    pub rate: Decimal,
    pub source: String,
    pub source_line: u64,
}

/// Everything a run reads from the data folder, validated.
#[derive(Clone, Debug)]
pub struct DataSet {
    pub company: Company,
    pub customers: Vec<Customer>,
    pub transactions: Vec<Transaction>,
    pub exchange_rates: Vec<ExchangeRate>,
    /// Positions in `customers` and `transactions`, sorted by id (equal ids in input order).
    /// Positions rather than a map from a copy of each id: a 100,000-transaction month's
    /// index is 400 KB instead of ~8 MB of copied ids and tree nodes.
    customer_index: Vec<u32>,
    transaction_index: Vec<u32>,
}

/// Sorts positions `0..len` by `id` of each, keeping equal ids in input order.
fn index_by_id<'a>(len: usize, id: impl Fn(usize) -> &'a str) -> Vec<u32> {
    let len = u32::try_from(len).expect("a data set holds fewer than 2^32 records");
    let mut index: Vec<u32> = (0..len).collect();
    index.sort_by(|&a, &b| id(a as usize).cmp(id(b as usize)));
    index
}

/// The position of the last record with `key` in an [`index_by_id`] index (the last one,
/// as a map built from the records in order would keep).
fn find_by_id<'a>(index: &[u32], key: &str, id: impl Fn(usize) -> &'a str) -> Option<usize> {
    let end = index.partition_point(|&i| id(i as usize) <= key);
    let last = *index[..end].last()? as usize;
    (id(last) == key).then_some(last)
}

impl DataSet {
    pub fn new(
        company: Company,
        customers: Vec<Customer>,
        transactions: Vec<Transaction>,
        exchange_rates: Vec<ExchangeRate>,
    ) -> DataSet {
        let customer_index = index_by_id(customers.len(), |i| &customers[i].id);
        let transaction_index = index_by_id(transactions.len(), |i| &transactions[i].id);
        DataSet { company, customers, transactions, exchange_rates, customer_index, transaction_index }
    }

    pub fn customer(&self, id: &str) -> Option<&Customer> {
        find_by_id(&self.customer_index, id, |i| &self.customers[i].id).map(|i| &self.customers[i])
    }

    pub fn transaction(&self, id: &str) -> Option<&Transaction> {
        self.transaction_index(id).map(|i| &self.transactions[i])
    }

    /// The position of transaction `id` in [`DataSet::transactions`].
    pub fn transaction_index(&self, id: &str) -> Option<usize> {
        find_by_id(&self.transaction_index, id, |i| &self.transactions[i].id)
    }

    /// The local calendar date of `timestamp` in the seller's time zone: the tax point date.
    pub fn local_date(&self, timestamp: DateTime<FixedOffset>) -> NaiveDate {
        timestamp.with_timezone(&self.company.seller.timezone).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::{Status, TransactionType, find_by_id, index_by_id};

    /// The names messages and exports print are the column values transactions.csv takes.
    #[test]
    fn a_type_and_a_status_are_named_as_the_csv_writes_them() {
        let kinds = [TransactionType::Charge, TransactionType::Refund, TransactionType::Duplicate, TransactionType::Payment];
        assert_eq!(kinds.map(TransactionType::name), ["charge", "refund", "duplicate", "payment"]);
        for kind in kinds {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.name()));
        }
        let statuses = [Status::Succeeded, Status::Failed, Status::Pending];
        assert_eq!(statuses.map(Status::name), ["succeeded", "failed", "pending"]);
        for status in statuses {
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.name()));
        }
    }

    #[test]
    fn the_id_index_finds_every_record_and_the_last_of_equal_ids() {
        let ids = ["ch_2", "ch_1", "ch_3", "ch_1", "ch_10"];
        let index = index_by_id(ids.len(), |i| ids[i]);
        assert_eq!(index, [1, 3, 4, 0, 2]);
        let find = |key: &str| find_by_id(&index, key, |i| ids[i]);
        assert_eq!(find("ch_2"), Some(0));
        assert_eq!(find("ch_1"), Some(3));
        assert_eq!(find("ch_3"), Some(2));
        assert_eq!(find("ch_10"), Some(4));
        assert_eq!(find("ch_0"), None);
        assert_eq!(find("ch_11"), None);
        assert_eq!(find("ch_4"), None);
        assert_eq!(find(""), None);
        assert_eq!(find_by_id(&[], "ch_1", |i| ids[i]), None);
    }
}
