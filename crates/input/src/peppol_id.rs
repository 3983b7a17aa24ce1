//! Peppol participant IDs (`scheme:identifier`) as company.toml and customers.csv give them.
//!
//! The scheme must be a numeric code of the Electronic Address Scheme (EAS) code list, the
//! list EN 16931 rule BR-CL-25 checks (CEN validation artifacts 1.3.16); the letter codes
//! (`EM` for e-mail, `AN`, `AQ`, `AS`, `AU`) are refused because Peppol BIS Billing 3.0
//! does not route to them (PEPPOL-EN16931-CL008). Identifiers of the schemes the Peppol
//! rules check are checked here too, so an ID that would fail a receiver's validation is
//! an input error naming the line instead of an e-invoice the network rejects:
//!
//! | scheme | what | rule |
//! |---|---|---|
//! | 0007 | Swedish organisation number: 10 digits, Luhn | PEPPOL-COMMON-R049 |
//! | 0088 | GLN: digits, GS1 check digit | PEPPOL-COMMON-R040 |
//! | 0151 | Australian Business Number: 11 digits, mod 89 | PEPPOL-COMMON-R050 |
//! | 0184 | Danish CVR: `DK` and 8 digits | PEPPOL-COMMON-R042 |
//! | 0192 | Norwegian organisation number: 9 digits, mod 11 | PEPPOL-COMMON-R041 |
//! | 0208 | Belgian enterprise number: 10 digits, mod 97 | PEPPOL-COMMON-R043 |

use domain::document::ElectronicAddress;

/// The numeric codes of the EAS code list (as in BR-CL-25 of the CEN artifacts 1.3.16).
pub const EAS: &[&str] = &[
    "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142", "0147", "0151",
    "0154", "0158", "0170", "0177", "0183", "0184", "0188", "0190", "0191", "0192", "0193", "0194", "0195", "0196",
    "0198", "0199", "0200", "0201", "0202", "0203", "0204", "0205", "0208", "0209", "0210", "0211", "0212", "0213",
    "0215", "0216", "0217", "0218", "0219", "0220", "0221", "0225", "0230", "0235", "0240", "0242", "0244", "0245",
    "0246", "0248", "9910", "9913", "9914", "9915", "9918", "9919", "9920", "9922", "9923", "9924", "9925", "9926",
    "9927", "9928", "9929", "9930", "9931", "9932", "9933", "9934", "9935", "9936", "9937", "9938", "9939", "9940",
    "9941", "9942", "9943", "9944", "9945", "9946", "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9957",
    "9959",
];

/// Why a text is not a Peppol participant ID; the text completes `'<raw>' …`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeppolIdError {
    /// No `:` between scheme and identifier.
    #[error("is not a Peppol participant ID; expected 'scheme:identifier' with an EAS scheme, e.g. '0208:0123456749'")]
    NotSchemeAndIdentifier,
    /// `EM:…`, an e-mail address.
    #[error("is an e-mail address scheme, which Peppol does not route to; expected a numeric EAS scheme, e.g. '0208:0123456749'")]
    EmailScheme,
    /// A scheme not in the EAS code list.
    #[error("has scheme '{0}', which is not in the EAS code list; expected a code such as 0088 (GLN), 0192 (NO), 0208 (BE), 0204 (Leitweg-ID)")]
    UnknownScheme(String),
    /// An empty identifier, or one with spaces or control characters, or over 100 characters.
    #[error("has no identifier after the scheme, or one with spaces; expected e.g. '0208:0123456749'")]
    BadIdentifier,
    /// An identifier that fails its scheme's check; the text names what it should be.
    #[error("is not a valid {0}")]
    Check(&'static str),
}

/// Reads `scheme:identifier` as the participant's electronic address.
pub fn participant(raw: &str) -> Result<ElectronicAddress, PeppolIdError> {
    let Some((scheme, id)) = raw.split_once(':') else {
        return Err(PeppolIdError::NotSchemeAndIdentifier);
    };
    let (scheme, id) = (scheme.trim(), id.trim());
    if scheme == "EM" {
        return Err(PeppolIdError::EmailScheme);
    }
    if !EAS.contains(&scheme) {
        return Err(PeppolIdError::UnknownScheme(scheme.to_string()));
    }
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) || id.len() > 100 {
        return Err(PeppolIdError::BadIdentifier);
    }
    check(scheme, id).map_err(PeppolIdError::Check)?;
    Ok(ElectronicAddress { scheme: scheme.to_string(), id: id.to_string() })
}

/// The checks the Peppol rules make on identifiers of some schemes; the error names what
/// the identifier should be.
fn check(scheme: &str, id: &str) -> Result<(), &'static str> {
    let digits = |n: usize| id.len() == n && id.bytes().all(|b| b.is_ascii_digit());
    let d = |i: usize| u32::from(id.as_bytes()[i] - b'0');
    let ok = match scheme {
        "0007" => digits(10) && luhn(id),
        "0088" => !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && gln(id),
        "0151" => digits(11) && d(0) >= 1 && {
            let weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
            let sum: u32 = (0..11).map(|i| (if i == 0 { d(0) - 1 } else { d(i) }) * weights[i]).sum();
            sum.is_multiple_of(89)
        },
        "0184" => id.len() == 10 && id.starts_with("DK") && id[2..].bytes().all(|b| b.is_ascii_digit()),
        "0192" => digits(9) && mod11(id),
        "0208" => digits(10) && {
            let head: u64 = id[..8].parse().expect("digits");
            let check: u64 = id[8..].parse().expect("digits");
            97 - head % 97 == check
        },
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(match scheme {
            "0007" => "Swedish organisation number (10 digits, Luhn check digit)",
            "0088" => "GLN (digits with a GS1 check digit)",
            "0151" => "Australian Business Number (11 digits)",
            "0184" => "Danish CVR number ('DK' and 8 digits)",
            "0192" => "Norwegian organisation number (9 digits with a mod-11 check digit)",
            _ => "Belgian enterprise number (10 digits with a mod-97 check)",
        })
    }
}

/// GS1 check digit: weights 3 and 1 from the right, excluding the check digit.
fn gln(id: &str) -> bool {
    let digits: Vec<u32> = id.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    (10 - sum % 10) % 10 == check[0]
}

/// Mod 11 with weights 2..7 from the right (Norwegian organisation numbers).
fn mod11(id: &str) -> bool {
    let digits: Vec<u32> = id.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| d * (i as u32 % 6 + 2)).sum();
    id.parse::<u64>().is_ok_and(|n| n > 0) && (11 - sum % 11) % 11 == check[0]
}

/// Luhn over the first nine digits, the tenth the check digit (Swedish organisation numbers).
fn luhn(id: &str) -> bool {
    let digits: Vec<u32> = id.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { (d * 2) / 10 + (d * 2) % 10 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == digits[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The participant, or the error's text as users read it.
    fn parse(raw: &str) -> Result<ElectronicAddress, String> {
        participant(raw).map_err(|e| e.to_string())
    }

    #[test]
    fn participant_ids_are_scheme_and_identifier_of_the_eas_list() {
        assert_eq!(participant("9999:1"), Err(PeppolIdError::UnknownScheme("9999".into())));
        assert_eq!(participant("0208:0123456748"), Err(PeppolIdError::Check("Belgian enterprise number (10 digits with a mod-97 check)")));
        let id = parse("0208:0123456749").unwrap();
        assert_eq!((id.scheme.as_str(), id.id.as_str()), ("0208", "0123456749"));
        assert_eq!(id.to_string(), "0208:0123456749");
        assert_eq!(parse("0204:04011000-12345-34").unwrap().id, "04011000-12345-34");
        assert!(parse("0208-0123456749").unwrap_err().starts_with("is not a Peppol participant ID"));
        assert!(parse("EM:ap@example.com").unwrap_err().contains("e-mail"));
        assert!(parse("9999:1").unwrap_err().contains("not in the EAS code list"));
        assert!(parse("0204:").unwrap_err().contains("no identifier"));
    }

    /// Each scheme the Peppol rules check, with a valid and an invalid identifier.
    #[test]
    fn identifiers_pass_the_peppol_common_rules() {
        for (valid, invalid) in [
            ("0007:5560360793", "0007:5560360794"),   // PEPPOL-COMMON-R049
            ("0088:7300010000001", "0088:7300010000002"), // PEPPOL-COMMON-R040
            ("0151:51824753556", "0151:51824753557"), // PEPPOL-COMMON-R050
            ("0184:DK12345678", "0184:12345678"),     // PEPPOL-COMMON-R042
            ("0192:995525828", "0192:995525829"),     // PEPPOL-COMMON-R041
            ("0208:0123456749", "0208:0123456748"),   // PEPPOL-COMMON-R043
        ] {
            assert!(parse(valid).is_ok(), "{valid}: {:?}", parse(valid));
            assert!(parse(invalid).unwrap_err().starts_with("is not a valid"), "{invalid}");
        }
    }
}
