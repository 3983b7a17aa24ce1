//! PDF rendering (printpdf). Placeholder until the layout lands.
use super::Document;
pub fn render(_doc: &Document) -> Vec<u8> { Vec::new() }
