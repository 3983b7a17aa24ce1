//! The JSON record of an issued document: its archive form and the schema other tools read
//! ([`Document::to_record`], which also reads it back).

use super::Document;

/// Serialises `doc`, ending with a newline.
pub fn render(doc: &Document) -> String {
    doc.to_record()
}
