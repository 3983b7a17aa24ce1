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

pub mod app;

pub use domain::{country, deflate, diag, document, error, model, money, numbering, registration, sha256};
pub use domain::{Error, Result};
pub use {archive, domain, export, input, issue, locale, render, tax};
