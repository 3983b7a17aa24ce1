//! Text no configured font can draw is refused where it enters, before anything is written:
//! an issued PDF never shows empty boxes or '?' where a name was.
//!
//! Planning does not render. What a document can print comes from four places, and each is
//! checked against the fonts' coverage ([`render::pdf::unsupported_characters`]): the
//! translations read from the data folder (when they are loaded, [`translations`]; the
//! shipped ones are checked by a test), company.toml, and, per document the plan issues,
//! its customer's row and its transaction ([`documents`]). The rule is the renderer's: a
//! document whose text the shipped fonts lack is set in the configured CJK font (in the face
//! for its language, when the font is a collection of regional faces), so then all of its
//! text — its language's words included — must be in that face. A problem is
//! reported at the row and field the text comes from.

use crate::diag::Diagnostic;
use crate::model::{Company, Customer, DataSet, Transaction};
use crate::{input, issue, locale, render};

/// What to do about characters no font covers.
const FONT_HINT: &str = "configure a font covering them in company.toml ([resources] cjk_font, e.g. Debian's fonts-noto-cjk: /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc) or transliterate";
/// ...when some are of a script no configurable font adds (Arabic, Hebrew, Thai…).
const OTHER_SCRIPT_HINT: &str = "the shipped fonts cover Latin, Greek and Cyrillic, and [resources] cjk_font adds Chinese, Japanese and Korean, not other scripts: transliterate them";

/// What to do about `missing`: a CJK font helps only Chinese, Japanese and Korean.
fn hint(missing: &[char]) -> &'static str {
    let cjk = |c: char| {
        matches!(u32::from(c), 0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3130..=0x318F | 0x31C0..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
    };
    if missing.iter().all(|&c| cjk(c)) { FONT_HINT } else { OTHER_SCRIPT_HINT }
}


/// `'佐' (U+4F50), …`
fn listed(missing: &[char]) -> String {
    missing.iter().map(|c| format!("'{c}' (U+{:04X})", u32::from(*c))).collect::<Vec<_>>().join(", ")
}

/// Why `doc` cannot be printed as it stands: characters of it no configured font covers
/// (see [`render::pdf::uncovered`]), else `None`.
pub fn document(doc: &crate::document::Document) -> Option<String> {
    let missing = render::pdf::uncovered(doc);
    (!missing.is_empty()).then(|| format!("{} would be written in characters no configured font covers: {}; {}", doc.number, listed(&missing), hint(&missing)))
}

/// The translations `languages`, read from `dir` (`folder` as company.toml names it): one
/// diagnostic per file with characters no configured font covers, at the line of its first
/// such key.
pub fn translations(dir: &std::path::Path, folder: &str, languages: &[String]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for language in languages {
        let words = &locale::texts(language).words;
        let missing = render::pdf::unsupported_characters(language, words.iter().map(|(_, w)| w.as_str()));
        if let Some((key, _)) = words.iter().find(|(_, w)| w.chars().any(|c| missing.contains(&c))) {
            // The file was read a moment ago; should it be gone now, the key alone must do.
            let line = std::fs::read_to_string(dir.join(format!("{language}.toml"))).ok().and_then(|text| locale::line_of(&text, key));
            diagnostics.push(Diagnostic::new(
                &format!("{folder}/{language}.toml"),
                line,
                key,
                format!("is written in characters no configured font covers: {}; {}", listed(&missing), hint(&missing)),
            ));
        }
    }
    diagnostics
}

/// The texts of company.toml a document prints, by key.
fn company_texts(company: &Company) -> Vec<(String, &str)> {
    let seller = &company.seller;
    let a = &seller.address;
    let mut texts: Vec<(String, &str)> = [
        ("seller.legal_name", seller.legal_name.as_str()),
        ("seller.address_line1", &a.line1),
        ("seller.address_line2", &a.line2),
        ("seller.city", &a.city),
        ("seller.postal_code", &a.postal_code),
        ("seller.region", &a.region),
        ("seller.email", &seller.email),
        ("seller.contact_name", seller.contact_name.as_deref().unwrap_or("")),
        ("seller.phone", seller.phone.as_deref().unwrap_or("")),
        ("bank.account_holder", company.bank.as_ref().map_or("", |b| b.account_holder.as_str())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for line in company.brand.iter().flat_map(|b| &b.footer) {
        texts.push((format!("brand.footer.{}", line.key), &line.value));
    }
    texts
}

/// The texts of a customer's row a document prints, by column.
fn customer_texts(c: &Customer) -> [(&'static str, &str); 9] {
    let a = &c.address;
    [
        ("name", c.name.as_str()),
        ("address_line1", &a.line1),
        ("address_line2", &a.line2),
        ("city", &a.city),
        ("region", &a.region),
        ("postal_code", &a.postal_code),
        ("note", c.note.as_deref().unwrap_or("")),
        ("email", &c.email),
        ("buyer_reference", c.buyer_reference.as_deref().unwrap_or("")),
    ]
}

/// The texts of a transaction a document prints.
fn transaction_texts(t: &Transaction) -> impl Iterator<Item = &str> + Clone {
    let optional = [&t.note, &t.purchase_order, &t.card_brand, &t.card_last4, &t.payment_id];
    t.lines.iter().map(|l| l.description.as_str()).chain([t.reason.as_str()]).chain(optional.into_iter().flatten().map(String::as_str))
}

/// One diagnostic per row (or company.toml key) whose text a document of `plan` needs and no
/// configured font covers.
pub fn documents(data: &DataSet, plan: &issue::Plan) -> Vec<Diagnostic> {
    let company = company_texts(&data.company);
    // Every document prints them, each in the face for its language (a CJK collection's
    // regional faces may differ in what they cover): what any of the plan's languages lacks.
    let language = |i: usize| data.customer(&plan.transaction(i).customer_id).map_or("en", |c| c.language.as_str());
    let languages: std::collections::BTreeSet<&str> = (0..plan.len()).map(language).chain(plan.is_empty().then_some("en")).collect();
    let mut missing: Vec<char> = Vec::new();
    for language in languages {
        for c in render::pdf::unsupported_characters(language, company.iter().map(|(_, t)| *t)) {
            if !missing.contains(&c) {
                missing.push(c);
            }
        }
    }
    if let Some((key, _)) = company.iter().find(|(_, t)| t.chars().any(|c| missing.contains(&c))) {
        // Every document prints it: one diagnostic, at company.toml.
        let message = format!("is written in characters no configured font covers: {}; {}", listed(&missing), hint(&missing));
        return vec![Diagnostic::new(input::COMPANY, None, key, message)];
    }
    let mut diagnostics = Vec::new();
    // Per language: whether the shipped fonts cover all its words.
    let mut shipped_cover: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    for i in 0..plan.len() {
        let txn = plan.transaction(i);
        let customer = data.customer(&txn.customer_id);
        let language = language(i);
        let words = locale::texts(language).words.iter().map(|(_, w)| w.as_str());
        let own = customer.into_iter().flat_map(customer_texts).map(|(_, t)| t).chain(transaction_texts(txn));
        // The common case, cheaply: the shipped fonts cover the document's own text, the
        // company's (checked above) and its language's words; it is then set in them.
        let words_covered = *shipped_cover.entry(language).or_insert_with(|| render::pdf::missing_in_shipped_fonts(words.clone()).is_empty());
        if words_covered && render::pdf::missing_in_shipped_fonts(own.clone()).is_empty() {
            continue;
        }
        let missing = render::pdf::unsupported_characters(language, own.chain(company.iter().map(|(_, t)| *t)).chain(words));
        if missing.is_empty() {
            continue;
        }
        // Where the characters are: the customer's details (customers.csv, its row), else the
        // transaction's lines or note (transactions.csv).
        let field = customer.and_then(|c| customer_texts(c).into_iter().find(|(_, v)| v.chars().any(|ch| missing.contains(&ch))).map(|(f, _)| (c, f)));
        let chars = listed(&missing);
        diagnostics.push(match field {
            Some((c, field)) => Diagnostic::new(
                input::CUSTOMERS,
                Some(c.source_line),
                field,
                format!("customer '{}' ({}) is written in characters no configured font covers: {chars}; {}", c.id, c.name, hint(&missing)),
            ),
            None => Diagnostic::new(
                input::TRANSACTIONS,
                Some(txn.source_line),
                "description",
                format!(
                    "the document for '{}' ({}) needs characters no configured font covers: {chars}; {}",
                    txn.id,
                    customer.map_or("", |c| c.name.as_str()),
                    hint(&missing)
                ),
            ),
        });
    }
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cjk_font_is_suggested_only_for_chinese_japanese_and_korean() {
        assert_eq!(hint(&['佐', 'ひ', 'カ', '한', '，']), FONT_HINT);
        assert_eq!(hint(&['م']), OTHER_SCRIPT_HINT);
        assert_eq!(hint(&['佐', 'ש']), OTHER_SCRIPT_HINT);
        assert_eq!(hint(&['ก']), OTHER_SCRIPT_HINT);
    }
}
