//! invoicesmith: invoices and credit notes from a payment history, exact to the cent.
//!
//! A map of the stages, one crate each, data flowing one way (DESIGN.md, "Crates", says why
//! each wall is where it is):
//!
//! ```text
//! input ──► issue ──► render ──► archive ──► export
//!   │         │  (tax, locale)
//!   └── domain: money, countries, the data set, the document record, digests
//! ```
//!
//! - [`domain`]: the types every stage shares.
//! - [`tax`]: which rule applies to a sale, at which rate; country facts as data.
//! - [`locale`]: translations and number, money and date formats.
//! - [`input`]: a data folder read into a validated [`domain::model::DataSet`].
//! - [`issue`]: plans, drafts and numbers documents; reissues corrections.
//! - [`render`]: PDF, HTML, JSON, UBL, CII, Factur-X, byte-identical for the same document.
//! - [`archive`]: the write-once archive and its register.
//! - [`export`]: a period's documents and CSVs for the accountant.
//! - [`app`]: the application the binary runs: a run, its batches, `show`'s text.

//! # Embedding
//!
//! A program that already holds its sales can issue and render without files: build a
//! [`domain::model::DataSet`] from typed values, plan it against an archive's history (here
//! none), and render each document to bytes.
//!
//! ```
//! use chrono::{DateTime, NaiveDate};
//! use invoicesmith::domain::country::CountryCode;
//! use invoicesmith::domain::model::*;
//! use invoicesmith::domain::money::{Currency, Money};
//! use invoicesmith::domain::numbering::NumberPattern;
//! use invoicesmith::domain::sha256::Sha256Sum;
//! use invoicesmith::{issue, render};
//! use rust_decimal::Decimal;
//!
//! let de = CountryCode::parse("DE").unwrap();
//! let eur = Currency::parse("EUR").unwrap();
//! let address = |line1: &str, city: &str| Address {
//!     line1: line1.into(), line2: String::new(), city: city.into(),
//!     postal_code: "10115".into(), region: String::new(), country: de,
//! };
//! let company = Company {
//!     seller: Seller {
//!         legal_name: "Example GmbH".into(),
//!         address: address("Invalidenstraße 1", "Berlin"),
//!         vat_id: "DE136695976".into(),
//!         registration_id: String::new(),
//!         email: "billing@example.com".into(),
//!         base_currency: eur,
//!         timezone: chrono_tz::Europe::Berlin,
//!         eu_oss: true,
//!         tax_registrations: Vec::<TaxRegistration>::new(),
//!         vat_return_period: ReturnPeriod::Month,
//!         peppol_id: None,
//!         contact_name: None,
//!         phone: None,
//!     },
//!     numbering: Numbering {
//!         invoice: NumberPattern::parse("INV-{year}-{seq:04}").unwrap(),
//!         credit_note: NumberPattern::parse("CN-{year}-{seq:04}").unwrap(),
//!     },
//!     bank: None,
//!     brand: None,
//!     resources: Resources::default(),
//! };
//! let customer = Customer {
//!     id: "c1".into(),
//!     kind: CustomerType::Individual,
//!     name: "Erika Mustermann".into(),
//!     email: "erika@example.org".into(),
//!     address: address("Heidestraße 17", "Berlin"),
//!     vat_id: None,
//!     vat_id_status: VatIdStatus::Unchecked,
//!     language: "de".into(),
//!     peppol_id: None,
//!     buyer_reference: None,
//!     note: None,
//!     source_line: 2,
//! };
//! // 119.00 EUR paid, tax included: a German consumer pays German VAT at 19 %.
//! let paid = Money::from_exact(Decimal::new(11900, 2), eur).unwrap();
//! let charge = Transaction {
//!     id: "t1".into(),
//!     kind: TransactionType::Charge,
//!     status: Status::Succeeded,
//!     customer_id: "c1".into(),
//!     timestamp: DateTime::parse_from_rfc3339("2026-10-05T10:00:00+02:00").unwrap(),
//!     currency: eur,
//!     amount_basis: AmountBasis::Gross,
//!     refers_to: None,
//!     reason: String::new(),
//!     card_country: Some(de),
//!     ip_country: Some(de),
//!     card_brand: None,
//!     card_last4: None,
//!     payment_id: None,
//!     purchase_order: None,
//!     payment_method: PaymentMethod::Card,
//!     note: None,
//!     lines: vec![Line {
//!         description: "Pro plan, October".into(),
//!         quantity: Decimal::ONE,
//!         unit_amount: paid,
//!         amount: paid,
//!         proration: false,
//!         service_start: None,
//!         service_end: None,
//!         refers_to: None,
//!         source_line: 2,
//!     }],
//!     source_line: 2,
//!     fingerprint: Sha256Sum::of(b"t1"),
//!     earlier_fingerprint: None,
//! };
//! let data = DataSet::new(company, vec![customer], vec![charge], Vec::new());
//!
//! let plan = issue::plan(&data, &issue::NoHistory).expect("the data set issues");
//! let documents = plan.documents();
//! let invoice = &documents[0].document;
//! assert_eq!(invoice.number.as_str(), "INV-2026-0001");
//! assert_eq!(invoice.issue_date, NaiveDate::from_ymd_opt(2026, 10, 5).unwrap());
//! assert_eq!((invoice.totals.net, invoice.totals.tax), (Decimal::new(10000, 2), Decimal::new(1900, 2)));
//!
//! let pdf: Vec<u8> = render::Format::Pdf.render(invoice);
//! assert!(pdf.starts_with(b"%PDF-"));
//! ```

pub mod app;

pub use domain::{brand, country, deflate, diag, document, error, model, money, numbering, payment, registration, sha256};
pub use domain::{Error, Result};
pub use {archive, domain, export, input, issue, locale, render, tax};
