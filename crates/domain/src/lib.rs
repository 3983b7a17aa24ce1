//! invoicesmith's domain: the types every stage shares and nothing of ours underneath.
//!
//! - [`money`]: currencies and exact amounts, with every rounding named.
//! - [`country`]: ISO country codes and EU membership.
//! - [`model`]: the validated data set a run reads (company, customers, transactions, rates).
//! - [`document`]: the issued record (`document.v1`), what every renderer prints.
//! - [`registration`]: a seller's tax registration as a document records it.
//! - [`numbering`]: number patterns and document numbers.
//! - [`sha256`], [`deflate`]: the digest and the compressor the archive, PDFs and exports share.
//! - [`history`]: what the archive holds, as issuing asks for it.
//! - [`diag`], [`error`]: input diagnostics and the error type stages return.
//!
//! Why a crate of its own: these are the words the stages speak to one another. Keeping them
//! below every stage, depending on none, means a stage can change its rules without another
//! stage's types moving under it.

pub mod brand;
pub mod country;
pub mod deflate;
pub mod diag;
pub mod document;
pub mod error;
pub mod history;
pub mod model;
pub mod money;
pub mod numbering;
pub mod payment;
pub mod registration;
pub mod sha256;
pub mod statement;

pub use error::{Error, Result};
