//! Rendering: an issued [`Document`] in, bytes out.
//!
//! Each format is a pure function of the document: no clock, no randomness, no machine
//! locale, no recomputation of amounts. The same document always gives the same bytes.

pub mod html;
pub mod json;
pub mod pdf;
pub mod text;

use crate::document::Document;

#[cfg(test)]
pub(crate) mod fixture;
