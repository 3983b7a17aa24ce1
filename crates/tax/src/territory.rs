//! Where an address puts a customer for VAT, where that is not simply its country code.
//!
//! Two kinds of exception, as data (compare GOBL's regimes, which carry the same facts):
//!
//! - **Inside another country's VAT area**: Monaco is treated as France (Art. 7(1) of the
//!   VAT Directive), the Isle of Man as the United Kingdom (the UK's VAT area includes it).
//!   Such a customer is taxed as a French or British one, and a business there holds a
//!   French or British VAT number.
//! - **Outside the EU's VAT territory though in a member state** (Art. 6 of the Directive),
//!   told apart by postal code: the Canary Islands, Ceuta and Melilla (ES), Åland (FI),
//!   Büsingen and Heligoland (DE), Livigno and Campione d'Italia (IT), Mount Athos (GR), and
//!   France's overseas departments and collectivities (postal codes 97…, 986–988). A supply
//!   there is outside the scope of EU VAT, as outside the EU. (Their own taxes — the Canary
//!   IGIC, Ceuta and Melilla's IPSI, the overseas octroi de mer — are not modelled.)

use domain::country::CountryCode;

/// Country codes whose addresses lie in another country's VAT area: (code, that country).
const INSIDE: &[(&str, &str)] = &[("IM", "GB"), ("MC", "FR")];

/// Territories of member states outside the EU's VAT territory: (country, postal code
/// prefixes, name).
const OUTSIDE: &[(&str, &[&str], &str)] = &[
    ("DE", &["78266"], "Büsingen am Hochrhein"),
    ("DE", &["27498"], "Heligoland"),
    ("ES", &["35", "38"], "the Canary Islands"),
    ("ES", &["51"], "Ceuta"),
    ("ES", &["52"], "Melilla"),
    ("FI", &["22"], "Åland"),
    ("FR", &["97", "986", "987", "988"], "a French overseas department or collectivity"),
    ("GR", &["63086"], "Mount Athos"),
    ("IT", &["23041"], "Livigno"),
    ("IT", &["22061"], "Campione d'Italia"),
];

/// The country whose VAT area `country` lies in: itself, or France for Monaco and the United
/// Kingdom for the Isle of Man.
pub fn vat_country(country: CountryCode) -> CountryCode {
    vat_country_code(country.as_str()).parse().unwrap_or(country)
}

/// The same for a country code as written (a tax ID's checks look it up by text).
pub fn vat_country_code(country: &str) -> &str {
    INSIDE.iter().find(|(code, _)| code.eq_ignore_ascii_case(country.trim())).map_or(country, |(_, area)| area)
}

/// The territory outside the EU's VAT territory that an address in `country` with
/// `postal_code` lies in, if any (its name). Only the postal code's digits count: `630 86`
/// is Mount Athos.
pub fn outside_eu_vat(country: CountryCode, postal_code: &str) -> Option<&'static str> {
    let digits: String = postal_code.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    OUTSIDE
        .iter()
        .find(|(code, prefixes, _)| *code == country.as_str() && prefixes.iter().any(|p| digits.starts_with(p)))
        .map(|(_, _, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> CountryCode {
        code.parse().unwrap()
    }

    #[test]
    fn monaco_is_france_and_the_isle_of_man_the_uk() {
        assert_eq!(vat_country(c("MC")), c("FR"));
        assert_eq!(vat_country(c("IM")), c("GB"));
        assert_eq!(vat_country(c("FR")), c("FR"));
        assert_eq!(vat_country(c("SM")), c("SM"), "San Marino is outside");
        assert_eq!(vat_country_code("mc"), "FR");
        assert_eq!(vat_country_code("DE"), "DE");
    }

    #[test]
    fn territories_outside_eu_vat_are_told_by_postal_code() {
        assert_eq!(outside_eu_vat(c("ES"), "35001"), Some("the Canary Islands"));
        assert_eq!(outside_eu_vat(c("ES"), "38300"), Some("the Canary Islands"));
        assert_eq!(outside_eu_vat(c("ES"), "28001"), None, "Madrid");
        assert_eq!(outside_eu_vat(c("ES"), "51001"), Some("Ceuta"));
        assert_eq!(outside_eu_vat(c("ES"), "52001"), Some("Melilla"));
        assert_eq!(outside_eu_vat(c("FI"), "22100"), Some("Åland"));
        assert_eq!(outside_eu_vat(c("FI"), "AX-22100"), Some("Åland"));
        assert_eq!(outside_eu_vat(c("FI"), "00100"), None, "Helsinki");
        assert_eq!(outside_eu_vat(c("DE"), "78266"), Some("Büsingen am Hochrhein"));
        assert_eq!(outside_eu_vat(c("DE"), "27498"), Some("Heligoland"));
        assert_eq!(outside_eu_vat(c("DE"), "78267"), None, "Aach, beside Büsingen");
        assert_eq!(outside_eu_vat(c("IT"), "23041"), Some("Livigno"));
        assert_eq!(outside_eu_vat(c("IT"), "22061"), Some("Campione d'Italia"));
        assert_eq!(outside_eu_vat(c("GR"), "630 86"), Some("Mount Athos"));
        assert_eq!(outside_eu_vat(c("FR"), "97400"), Some("a French overseas department or collectivity"));
        assert_eq!(outside_eu_vat(c("FR"), "98713"), Some("a French overseas department or collectivity"));
        assert_eq!(outside_eu_vat(c("FR"), "98000"), None, "Monaco's postal code: in the French VAT area");
        assert_eq!(outside_eu_vat(c("FR"), "20000"), None, "Corsica is inside");
        assert_eq!(outside_eu_vat(c("ES"), ""), None);
        assert_eq!(outside_eu_vat(c("PT"), "35001"), None);
    }
}
