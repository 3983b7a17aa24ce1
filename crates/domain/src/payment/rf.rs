//! The RF creditor reference (ISO 11649): a payment reference with its own check digits,
//! so a banking app can refuse a mistyped one and the seller's bank can match the transfer
//! to the invoice.
//!
//! `RF` + two check digits + the reference (1–21 letters and digits). The check digits make
//! the reference + `RF` + the check digits ≡ 1 (mod 97), letters counting as 10–35.

use super::mod97;

/// The RF reference for `reference` (its letters and digits, upper case; at most the last 21
/// of them, where the year and sequence of a document number are). `None` if it has none.
pub fn creditor_reference(reference: &str) -> Option<String> {
    let chars: Vec<char> = reference.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    if chars.is_empty() {
        return None;
    }
    let body: String = chars[chars.len().saturating_sub(21)..].iter().collect();
    let rest = mod97(&format!("{body}RF00")).expect("alphanumeric");
    Some(format!("RF{:02}{body}", 98 - rest))
}

/// Whether `text` (spaces allowed) is a valid RF reference.
pub fn is_valid(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| *c != ' ').collect::<String>().to_ascii_uppercase();
    compact.len() >= 5
        && compact.len() <= 25
        && compact.starts_with("RF")
        && compact[2..4].chars().all(|c| c.is_ascii_digit())
        && mod97(&format!("{}{}", &compact[4..], &compact[..4])) == Some(1)
}

/// A compact RF reference in groups of four, as printed: `RF18 5390 0754 7034`.
pub fn grouped(reference: &str) -> String {
    super::iban::grouped(reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_example_is_reproduced_and_valid() {
        // ISO 11649's example: reference 539007547034 → RF18 5390 0754 7034.
        assert_eq!(creditor_reference("539007547034").as_deref(), Some("RF18539007547034"));
        assert!(is_valid("RF18 5390 0754 7034"));
        assert!(is_valid("RF18539007547034"));
        assert_eq!(grouped("RF18539007547034"), "RF18 5390 0754 7034");
    }

    #[test]
    fn a_document_number_becomes_a_reference_that_checks() {
        let rf = creditor_reference("KL-INV-2026-000001").unwrap();
        assert_eq!(rf, "RF09KLINV2026000001");
        assert!(is_valid(&rf));
        // Longer than 21 characters: the last 21 (year and sequence) are kept.
        let long = creditor_reference("ACME-EUROPE-INVOICE-2026-0000012").unwrap();
        assert_eq!(long, "RF04OPEINVOICE20260000012");
        assert!(is_valid(&long));
        assert_eq!(creditor_reference("--"), None);
    }

    #[test]
    fn a_changed_character_fails_the_check() {
        assert!(!is_valid("RF18 5390 0754 7035"));
        assert!(!is_valid("RF19 5390 0754 7034"));
        assert!(!is_valid("RF18"));
        assert!(!is_valid("XX18 5390 0754 7034"));
    }
}
