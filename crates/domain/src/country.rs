//! ISO 3166-1 country codes.
//!
//! [`CountryCode`] is the only way a country enters the program, so `UK`, `EL` or an empty
//! field are rejected at the boundary with a hint, and nothing downstream re-checks. What
//! tax law says of a country (EU membership, VAT prefix, rates) is tax's, in one entry per
//! country (`invoicesmith_tax::rates`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An assigned ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// Why a text is not a country code; the text completes `'<value>' …` and says what to write
/// instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CountryCodeError {
    #[error("is empty; expected an ISO 3166-1 alpha-2 country code")]
    Empty,
    /// `UK` (say `GB`).
    #[error("is not an ISO 3166-1 alpha-2 country code; say 'GB'")]
    Uk,
    /// `EL`, Greece's VAT prefix (say `GR`).
    #[error("is not an ISO 3166-1 alpha-2 country code; 'EL' is Greece's VAT prefix, the country code is 'GR'")]
    VatPrefixEl,
    /// Two lower-case letters.
    #[error("is not an ISO 3166-1 alpha-2 country code; use upper case")]
    LowerCase,
    #[error("is not an ISO 3166-1 alpha-2 country code")]
    Unknown,
    /// A country's English name or three-letter code (`Germany`, `DEU`) for its two-letter
    /// code: the one meant is said.
    #[error("is not an ISO 3166-1 alpha-2 country code; say '{0}'")]
    Spelled(CountryCode),
}

impl FromStr for CountryCode {
    type Err = CountryCodeError;

    /// Parses an alpha-2 code.
    fn from_str(code: &str) -> Result<CountryCode, CountryCodeError> {
        let refused = match code {
            "" => return Err(CountryCodeError::Empty),
            "UK" => Some(CountryCodeError::Uk),
            "EL" => Some(CountryCodeError::VatPrefixEl),
            c if c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase()) => Some(CountryCodeError::LowerCase),
            _ => None,
        };
        match iso_country::Country::from_str(code) {
            Ok(c) if c != iso_country::Country::Unspecified && refused.is_none() => {
                let b = code.as_bytes();
                Ok(CountryCode([b[0], b[1]]))
            }
            _ => Err(refused.or_else(|| spelled(code).map(CountryCodeError::Spelled)).unwrap_or(CountryCodeError::Unknown)),
        }
    }
}

/// The country whose English name (ISO's or the one addresses print) or alpha-3 code `s` is,
/// in any letter case: what someone writing `Germany` or `DEU` meant.
fn spelled(s: &str) -> Option<CountryCode> {
    let s = s.trim();
    iso_country::data::all()
        .into_iter()
        .filter_map(|c| {
            let code = CountryCode(c.alpha2.as_bytes().try_into().ok()?);
            [c.name, c.alpha3, code.name()].iter().any(|n| n.eq_ignore_ascii_case(s)).then_some(code)
        })
        .next()
}

impl CountryCode {
    /// Parses an alpha-2 code, as [`str::parse`] does.
    pub fn parse(code: &str) -> Result<CountryCode, CountryCodeError> {
        code.parse()
    }

    pub fn as_str(&self) -> &str {
        // Constructed only from validated ASCII.
        std::str::from_utf8(&self.0).expect("country codes are ASCII")
    }

    /// The country's English short name, as printed in addresses.
    pub fn name(&self) -> &'static str {
        match self.as_str() {
            "GB" => "United Kingdom",
            "US" => "United States",
            "CZ" => "Czechia",
            "KR" => "South Korea",
            "RU" => "Russia",
            "TW" => "Taiwan",
            "VN" => "Vietnam",
            "IR" => "Iran",
            "BO" => "Bolivia",
            "VE" => "Venezuela",
            "TZ" => "Tanzania",
            "MD" => "Moldova",
            code => iso_country::Country::from_str(code).map(|c| c.name()).unwrap_or("?"),
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse::<CountryCode>().map_err(|e| serde::de::Error::custom(format!("'{code}' {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_typed() {
        let e = |code: &str| code.parse::<CountryCode>().unwrap_err();
        assert_eq!([e(""), e("UK"), e("EL"), e("de"), e("XX"), e("DEU"), e("el")], [
            CountryCodeError::Empty, CountryCodeError::Uk, CountryCodeError::VatPrefixEl, CountryCodeError::LowerCase,
            CountryCodeError::Unknown, CountryCodeError::Spelled(CountryCode(*b"DE")), CountryCodeError::LowerCase,
        ]);
        assert_eq!("GR".parse::<CountryCode>().map(|c| c.to_string()), Ok("GR".to_string()));
    }

    #[test]
    fn rejects_non_iso_codes_with_a_hint() {
        assert_eq!(CountryCode::parse("UK").unwrap_err().to_string(), "is not an ISO 3166-1 alpha-2 country code; say 'GB'");
        assert!(CountryCode::parse("EL").unwrap_err().to_string().contains("'GR'"));
        assert!(CountryCode::parse("de").unwrap_err().to_string().contains("upper case"));
        assert!(CountryCode::parse("").unwrap_err().to_string().contains("empty"));
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("DEU").is_err());
    }

    /// A name or a three-letter code is refused (the column holds codes), saying which code
    /// was meant; a name no country has stays plainly unknown.
    #[test]
    fn a_countrys_name_or_alpha_3_code_is_answered_with_its_code() {
        let hint = |s: &str| CountryCode::parse(s).unwrap_err().to_string();
        assert_eq!(hint("Germany"), "is not an ISO 3166-1 alpha-2 country code; say 'DE'");
        assert_eq!(hint("germany"), "is not an ISO 3166-1 alpha-2 country code; say 'DE'");
        assert_eq!(hint("DEU"), "is not an ISO 3166-1 alpha-2 country code; say 'DE'");
        // The names addresses print, besides ISO's longer ones.
        assert_eq!(hint("United Kingdom"), "is not an ISO 3166-1 alpha-2 country code; say 'GB'");
        assert_eq!(hint("Czechia"), "is not an ISO 3166-1 alpha-2 country code; say 'CZ'");
        assert_eq!(hint("Estonia"), "is not an ISO 3166-1 alpha-2 country code; say 'EE'");
        assert_eq!(CountryCode::parse("Narnia"), Err(CountryCodeError::Unknown));
        assert_eq!(CountryCode::parse("UK"), Err(CountryCodeError::Uk));
    }

    #[test]
    fn knows_english_names() {
        assert_eq!(CountryCode::parse("DE").unwrap().name(), "Germany");
        assert_eq!(CountryCode::parse("GB").unwrap().name(), "United Kingdom");
    }
}
