//! The JSON record of an issued document: its archive form and the schema other tools read.
//!
//! Pretty-printed with struct field order, amounts as decimal strings at the currency's
//! scale (`"119.00"`), so the bytes are stable and the file diffs well.

use super::Document;

/// Serialises `doc`, ending with a newline.
pub fn render(doc: &Document) -> String {
    let mut out = serde_json::to_string_pretty(doc).expect("documents always serialise");
    out.push('\n');
    out
}

/// Reads a record back (the archive uses this to know what was issued).
pub fn parse(text: &str) -> Result<Document, serde_json::Error> {
    serde_json::from_str(text)
}
