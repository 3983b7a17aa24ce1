//! IBAN (ISO 13616) and BIC (ISO 9362): the seller's account on a bank-transfer invoice.
//!
//! An IBAN is checked by its country's length (the SWIFT IBAN registry) and its two check
//! digits (ISO 7064 MOD 97-10: the first four characters moved to the end, letters as
//! 10–35, the number mod 97 is 1). Written compact and upper case; printed in groups of four.

use super::mod97;

/// IBAN lengths by country (SWIFT IBAN registry), for the countries of the SEPA scheme:
/// a transfer to any other account is not a SEPA credit transfer.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AT", 20), ("BE", 16), ("BG", 22), ("CH", 21), ("CY", 28), ("CZ", 24), ("DE", 22),
    ("DK", 18), ("EE", 20), ("ES", 24), ("FI", 18), ("FR", 27), ("GB", 22), ("GI", 23), ("GR", 27),
    ("HR", 21), ("HU", 28), ("IE", 22), ("IS", 26), ("IT", 27), ("LI", 21), ("LT", 20), ("LU", 20),
    ("LV", 21), ("MC", 27), ("MT", 31), ("NL", 18), ("NO", 15), ("PL", 28), ("PT", 25), ("RO", 24),
    ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("VA", 22),
];

/// Why a text is not an IBAN a SEPA credit transfer can pay to, or not a BIC; the text
/// completes `'<text>' …`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// Too short, or characters other than letters and digits.
    #[error("is not an IBAN; expected a country code, two check digits and the account, e.g. 'DE89 3704 0044 0532 0130 00'")]
    NotIban,
    /// The first two characters, not a SEPA country.
    #[error("is not an IBAN of a SEPA country ('{0}'); a SEPA credit transfer needs one")]
    NotSepa(String),
    #[error("has {found} characters; an IBAN of {country} has {expected}")]
    Length { found: usize, country: String, expected: usize },
    #[error("is not an IBAN: the third and fourth characters are its check digits")]
    CheckDigitsNotDigits,
    #[error("is not a valid IBAN: its check digits do not match (ISO 13616); check for a typing error")]
    CheckDigits,
    #[error("is not a BIC; expected 8 or 11 characters such as 'COBADEFFXXX'")]
    NotBic,
}

/// `text` as a compact IBAN (`DE89370400440532013000`), or why it is not one. Spaces are
/// allowed between groups.
pub fn parse(text: &str) -> Result<String, AccountError> {
    let compact: String = text.chars().filter(|c| *c != ' ').collect::<String>().to_ascii_uppercase();
    if compact.len() < 5 || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AccountError::NotIban);
    }
    let country = &compact[..2];
    let Some(&(_, length)) = LENGTHS.iter().find(|(c, _)| *c == country) else {
        return Err(AccountError::NotSepa(country.to_string()));
    };
    if compact.len() != length {
        return Err(AccountError::Length { found: compact.len(), country: country.to_string(), expected: length });
    }
    if !compact[2..4].chars().all(|c| c.is_ascii_digit()) {
        return Err(AccountError::CheckDigitsNotDigits);
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    if mod97(&rearranged) != Some(1) {
        return Err(AccountError::CheckDigits);
    }
    Ok(compact)
}

/// A compact IBAN in groups of four, as printed: `DE89 3704 0044 0532 0130 00`.
pub fn grouped(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// `text` as a BIC (ISO 9362: 4 letters bank, 2 letters country, 2 alphanumerics location,
/// optionally 3 alphanumerics branch), upper case.
pub fn parse_bic(text: &str) -> Result<String, AccountError> {
    let bic = text.trim().to_ascii_uppercase();
    let ok = matches!(bic.len(), 8 | 11)
        && bic[..6].chars().all(|c| c.is_ascii_uppercase())
        && bic[6..].chars().all(|c| c.is_ascii_alphanumeric());
    if ok { Ok(bic) } else { Err(AccountError::NotBic) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_examples_are_valid() {
        // ISO 13616-1 / SWIFT IBAN registry examples.
        assert_eq!(parse("GB82 WEST 1234 5698 7654 32"), Ok("GB82WEST12345698765432".into()));
        assert_eq!(parse("DE89 3704 0044 0532 0130 00"), Ok("DE89370400440532013000".into()));
        assert_eq!(parse("fr1420041010050500013m02606"), Ok("FR1420041010050500013M02606".into()));
        assert_eq!(parse("EE38 2200 2210 2014 5685"), Ok("EE382200221020145685".into()));
        assert_eq!(parse("NO9386011117947"), Ok("NO9386011117947".into()));
        assert_eq!(grouped("DE89370400440532013000"), "DE89 3704 0044 0532 0130 00");
    }

    #[test]
    fn a_changed_digit_or_length_or_country_is_refused_with_the_reason() {
        assert!(parse("DE88 3704 0044 0532 0130 00").unwrap_err().to_string().contains("check digits do not match"));
        assert!(parse("DE89 3704 0044 0532 0130 01").unwrap_err().to_string().contains("check digits do not match"));
        // Two adjacent digits swapped: MOD 97-10 catches every transposition.
        assert!(parse("DE89 3704 0044 0532 0103 00").unwrap_err().to_string().contains("check digits do not match"));
        assert_eq!(parse("DE89 3704 0044 0532 0130 0").unwrap_err().to_string(), "has 21 characters; an IBAN of DE has 22");
        assert!(parse("US12 3456 7890").unwrap_err().to_string().contains("SEPA country ('US')"));
        assert!(parse("DE89-3704").unwrap_err().to_string().starts_with("is not an IBAN"));
    }

    #[test]
    fn bics_have_eight_or_eleven_characters() {
        assert_eq!(parse_bic("cobadeffxxx"), Ok("COBADEFFXXX".into()));
        assert_eq!(parse_bic("HABAEE2X"), Ok("HABAEE2X".into()));
        assert!(parse_bic("HABA EE2X").is_err());
        assert!(parse_bic("12BAEE2X").is_err());
    }
}
