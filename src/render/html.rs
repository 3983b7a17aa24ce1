//! HTML rendering (askama). Placeholder until the template lands.
use super::Document;
pub fn render(_doc: &Document) -> String { String::new() }
