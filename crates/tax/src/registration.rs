//! The seller's tax registrations outside the EU: which scheme, which number, and how that
//! number is written on an invoice.
//!
//! Why a type of its own: a seller's registration abroad is not a customer's VAT ID. Norway
//! registers foreign sellers of consumer services under VOEC with a VOEC number (no
//! organisation number), Australia's simplified GST gives non-residents an ARN instead of an
//! ABN, and each scheme has its own official written form (MWSTG Art. 26 wants the Swiss UID
//! with its `MWST`/`TVA`/`IVA` suffix). Which schemes a country has is jurisdiction data
//! ([`super::rates::Jurisdiction::seller_schemes`]); this module knows each scheme's shape,
//! check digit and printed form.
//!
//! Check digits follow python-stdnum (`gb/vat.py`, `no/mva.py`, `ch/vat.py`, `au/abn.py`),
//! through [`super::tax_id`]. VOEC numbers and ARNs have no published check digit: only their
//! shape is checked (7 and 12 digits).

use super::{rates, tax_id};

pub use domain::registration::{PrintedRegistration, Scheme};
use domain::model::TaxRegistration;

/// What tax knows about each scheme: how its numbers are checked and written.
pub trait SchemeRules {
    /// Checks `raw` as a number of this scheme in `country` and returns its compact
    /// canonical form (`GB980780684`, `NO995525828MVA`, `2034567`, `CHE123456788`,
    /// `51824753556`, `300012345678`). The error's text completes `'<raw>' …`.
    fn check(self, country: &str, raw: &str) -> Result<String, RegistrationError>;

    /// The official written form of the canonical `number`, as printed on an invoice in
    /// `language`: `GB980780684`, `NO 995 525 828 MVA`, `VOEC 2034567`,
    /// `CHE-123.456.788 MWST` (TVA in French, IVA in Italian), `ABN 51 824 753 556`,
    /// `ARN 300012345678`.
    fn official(self, number: &str, language: &str) -> String;
}

impl SchemeRules for Scheme {
    fn check(self, country: &str, raw: &str) -> Result<String, RegistrationError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-')).collect::<String>().to_ascii_uppercase();
        match self {
            Scheme::Vat | Scheme::Mva | Scheme::Mwst | Scheme::Abn => match tax_id::check_tax_id(country, raw)? {
                Some(id) => Ok(id.to_string()),
                None => Err(RegistrationError::NoRules { scheme: self, country: country.to_string() }),
            },
            Scheme::Voec => digits_after(&compact, "VOEC", 7).ok_or(RegistrationError::NotVoec),
            Scheme::Arn => digits_after(&compact, "ARN", 12).ok_or(RegistrationError::NotArn),
        }
    }

    fn official(self, number: &str, language: &str) -> String {
        let group = |digits: &str, sizes: &[usize], sep: &str| {
            let mut parts = Vec::new();
            let mut rest = digits;
            for &n in sizes {
                let (head, tail) = rest.split_at(n.min(rest.len()));
                parts.push(head);
                rest = tail;
            }
            parts.join(sep)
        };
        match self {
            Scheme::Vat => number.to_string(),
            Scheme::Mva => {
                let digits = number.trim_start_matches("NO").trim_end_matches("MVA");
                format!("NO {} MVA", group(digits, &[3, 3, 3], " "))
            }
            Scheme::Voec => format!("VOEC {number}"),
            Scheme::Mwst => {
                // The suffix is the tax's name in the document's language (MWSTG Art. 26).
                let swiss = rates::jurisdiction("CH").expect("the table has Switzerland, whose scheme this is");
                let suffix = swiss.tax_name_in(language);
                let digits = number.trim_start_matches("CHE");
                format!("CHE-{} {suffix}", group(digits, &[3, 3, 3], "."))
            }
            Scheme::Abn => format!("ABN {}", group(number, &[2, 3, 3, 3], " ")),
            Scheme::Arn => format!("ARN {number}"),
        }
    }
}


/// Why a seller's registration number was refused; the text completes `'<raw>' …`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// A VAT number (UK VAT, MVA, MWST) or ABN that fails its country's tax-ID rules.
    #[error(transparent)]
    TaxId(#[from] tax_id::TaxIdError),
    /// The scheme's numbers are tax IDs of `country`, which has no tax-ID rules here.
    #[error("cannot be checked: there are no {} rules for {country}", scheme.name())]
    NoRules { scheme: Scheme, country: String },
    #[error("is not a VOEC number: expected 'VOEC' and 7 digits, e.g. 'VOEC 2034567'")]
    NotVoec,
    #[error("is not an ARN: expected 12 digits, e.g. 'ARN 300012345678'")]
    NotArn,
}

/// The seller's registration `registration` as printed on a document in `language`.
pub fn printed(registration: &TaxRegistration, language: &str) -> PrintedRegistration {
    PrintedRegistration { scheme: registration.scheme, id: registration.scheme.official(&registration.number, language) }
}

/// `compact` with an optional `prefix`, then exactly `len` digits.
fn digits_after(compact: &str, prefix: &str, len: usize) -> Option<String> {
    let digits = compact.strip_prefix(prefix).unwrap_or(compact);
    (digits.len() == len && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Valid and invalid numbers from python-stdnum 2.2's published examples (the module
    /// docstrings of gb/vat.py, no/mva.py, no/orgnr.py, ch/uid.py, ch/vat.py, au/abn.py), with
    /// the canonical and the official form.
    #[rustfmt::skip]
    const STDNUM: [(Scheme, &str, &str, &str, &str); 8] = [
        (Scheme::Vat, "GB", "GB 980 7806 84", "GB980780684", "GB980780684"),
        (Scheme::Mva, "NO", "NO 995 525 828 MVA", "NO995525828MVA", "NO 995 525 828 MVA"),
        (Scheme::Mva, "NO", "988 077 917", "NO988077917MVA", "NO 988 077 917 MVA"),
        (Scheme::Mwst, "CH", "CHE-107.787.577 IVA", "CHE107787577", "CHE-107.787.577 MWST"),
        (Scheme::Mwst, "CH", "CHE-100.155.212", "CHE100155212", "CHE-100.155.212 MWST"),
        (Scheme::Mwst, "CH", "100.155.212", "CHE100155212", "CHE-100.155.212 MWST"),
        (Scheme::Abn, "AU", "83 914 571 673", "83914571673", "ABN 83 914 571 673"),
        (Scheme::Abn, "AU", "51824753556", "51824753556", "ABN 51 824 753 556"),
    ];

    #[rustfmt::skip]
    const STDNUM_INVALID: [(Scheme, &str, &str); 5] = [
        (Scheme::Vat, "GB", "802311781"),
        (Scheme::Mva, "NO", "NO 995 525 829 MVA"),
        (Scheme::Mva, "NO", "988 077 918"),
        (Scheme::Mwst, "CH", "CHE-107.787.578 IVA"),
        (Scheme::Abn, "AU", "99 999 999 999"),
    ];

    #[test]
    fn published_vectors() {
        for (scheme, country, raw, canonical, official) in STDNUM {
            assert_eq!(scheme.check(country, raw).as_deref(), Ok(canonical), "{raw}");
            assert_eq!(scheme.official(canonical, "en"), official);
        }
        for (scheme, country, raw) in STDNUM_INVALID {
            let e = scheme.check(country, raw).unwrap_err();
            assert!(e.to_string().ends_with("check digit does not match"), "{raw}: {e}");
            assert!(matches!(e, RegistrationError::TaxId(id) if id.is_check_digit()), "{raw}");
        }
    }

    #[test]
    fn schemes_without_check_digits_check_their_shape() {
        assert_eq!(Scheme::Voec.check("NO", "VOEC 2034567").as_deref(), Ok("2034567"));
        assert_eq!(Scheme::Voec.check("NO", "2034567").as_deref(), Ok("2034567"));
        assert_eq!(Scheme::Voec.official("2034567", "nb"), "VOEC 2034567");
        assert_eq!(Scheme::Voec.check("NO", "VOEC 203456").unwrap_err().to_string(), "is not a VOEC number: expected 'VOEC' and 7 digits, e.g. 'VOEC 2034567'");
        assert!(Scheme::Voec.check("NO", "VOEC 2034567A").is_err());
        assert!(Scheme::Voec.check("NO", "NO923609016MVA").is_err());
        assert_eq!(Scheme::Arn.check("AU", "ARN 3000 1234 5678").as_deref(), Ok("300012345678"));
        assert_eq!(Scheme::Arn.official("300012345678", "en"), "ARN 300012345678");
        assert_eq!(Scheme::Arn.check("AU", "30001234567").unwrap_err().to_string(), "is not an ARN: expected 12 digits, e.g. 'ARN 300012345678'");
        assert!(Scheme::Arn.check("AU", "51 824 753 556").is_err(), "an ABN is not an ARN");
    }

    #[test]
    fn swiss_suffix_follows_the_language() {
        let f = |language| Scheme::Mwst.official("CHE123456788", language);
        assert_eq!((f("de"), f("fr"), f("it"), f("en")), (
            "CHE-123.456.788 MWST".to_string(), "CHE-123.456.788 TVA".to_string(),
            "CHE-123.456.788 IVA".to_string(), "CHE-123.456.788 MWST".to_string(),
        ));
    }
}
