//! A seller's tax registration as the document records it: the scheme and the number's
//! printed form. What each scheme's numbers look like, and how they are checked and written,
//! is tax's (`invoicesmith_tax::registration`); this module holds only the types a document
//! and the data set carry.

use serde::{Deserialize, Serialize};

/// A registration scheme: how a tax authority numbers the sellers registered with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// UK VAT registration number, `GB` + 9 digits (mod 97 or the 9755 scheme).
    Vat,
    /// Norway's VAT register, organisation number + `MVA` (mod 11).
    Mva,
    /// Norway's simplified scheme for foreign sellers to consumers: `VOEC` + 7 digits.
    Voec,
    /// Switzerland's VAT number: the UID `CHE` + 9 digits (mod 11) + `MWST`/`TVA`/`IVA`.
    Mwst,
    /// Australian Business Number, 11 digits (mod 89).
    Abn,
    /// ATO Reference Number of the simplified GST registration, 12 digits.
    Arn,
}

impl Scheme {
    pub const ALL: [Scheme; 6] = [Scheme::Vat, Scheme::Mva, Scheme::Voec, Scheme::Mwst, Scheme::Abn, Scheme::Arn];

    /// Its name in `company.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Vat => "vat",
            Scheme::Mva => "mva",
            Scheme::Voec => "voec",
            Scheme::Mwst => "mwst",
            Scheme::Abn => "abn",
            Scheme::Arn => "arn",
        }
    }

    pub fn parse(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether a number of this scheme is the seller's VAT identifier in its country (EN 16931
    /// BT-31, with a country prefix), rather than another tax registration (BT-32).
    pub fn is_vat_id(self) -> bool {
        matches!(self, Scheme::Vat | Scheme::Mva | Scheme::Mwst)
    }
}

/// The registration a document's tax is charged under, as printed on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedRegistration {
    pub scheme: Scheme,
    /// The official written form (`SchemeRules::official` in the tax crate).
    pub id: String,
}

impl PrintedRegistration {
    /// The form an e-invoice carries: the VAT identifier without spaces, dots or dashes
    /// (`CHE123456788MWST`, `NO995525828MVA`), any other registration as printed.
    pub fn einvoice_id(&self) -> String {
        if self.scheme.is_vat_id() {
            self.id.chars().filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-')).collect()
        } else {
            self.id.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn einvoice_forms() {
        let p = |scheme, id: &str| PrintedRegistration { scheme, id: id.into() }.einvoice_id();
        assert_eq!(p(Scheme::Mwst, "CHE-123.456.788 TVA"), "CHE123456788TVA");
        assert_eq!(p(Scheme::Mva, "NO 995 525 828 MVA"), "NO995525828MVA");
        assert_eq!(p(Scheme::Vat, "GB980780684"), "GB980780684");
        assert_eq!(p(Scheme::Voec, "VOEC 2034567"), "VOEC 2034567");
        assert_eq!(p(Scheme::Abn, "ABN 51 824 753 556"), "ABN 51 824 753 556");
        assert_eq!(p(Scheme::Arn, "ARN 300012345678"), "ARN 300012345678");
    }

    #[test]
    fn names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::parse(s.name()), Some(s));
        }
        assert_eq!(Scheme::parse("VAT"), None);
        assert_eq!(Scheme::parse("uid"), None);
    }
}
