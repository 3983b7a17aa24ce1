//! The brand's words, shared by the PDF and the HTML: the footer lines labelled in the
//! document's language, and the notes.

use domain::document::Document;
use locale as i18n;

/// The footer lines as printed: `Registered office: Tallinn`, a website as it is.
pub fn footer_lines(doc: &Document) -> Vec<String> {
    let Some(brand) = &doc.brand else { return Vec::new() };
    let b = &i18n::texts(&doc.language).brand;
    brand
        .footer
        .iter()
        .map(|line| {
            let label = match line.key.as_str() {
                "registered_office" => Some(&b.registered_office),
                "register_court" => Some(&b.register_court),
                "managing_directors" => Some(&b.managing_directors),
                "support" => Some(&b.support),
                "bank_account" => Some(&b.bank_account),
                _ => None,
            };
            label.map_or_else(|| line.value.clone(), |label| format!("{label}: {}", line.value))
        })
        .collect()
}

/// The heading of the notes.
pub fn note_label(doc: &Document) -> &'static str {
    &i18n::texts(&doc.language).brand.note
}
