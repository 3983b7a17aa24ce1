//! invoicesmith: invoices and credit notes from a payment history, exact to the cent.
//!
//! The crate is a pipeline of stages, each a module, data flowing one way:
//!
//! ```text
//! input ──► tax ──► issue ──► render::{pdf, html, json} ──► archive
//! (files)   (rules)  (numbers)  (pure functions of a Document)  (the only writer)
//! ```
//!
//! - [`input`] reads a data folder into a validated [`model::DataSet`], collecting every
//!   problem as a [`diag::Diagnostic`] (file, line, field, value, what was expected).
//! - [`tax`] decides each transaction's VAT treatment and rates from dated tables.
//! - [`issue`] turns transactions into [`document::Document`]s with numbers from the archive.
//! - [`render`] prints a document as PDF, HTML and JSON, byte-identically for the same input.
//! - [`archive`] writes each file once, keeps a SHA-256 register and a lock.
//!
//! The `invoicesmith` binary is a thin shell over [`run_issue`].

pub mod archive;
pub mod country;
pub mod diag;
pub mod document;
pub mod input;
pub mod issue;
pub mod model;
pub mod money;
pub mod numbering;
pub mod render;
pub mod tax;
