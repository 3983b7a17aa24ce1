//! Where an address puts a customer for VAT, where that is not simply its country code.
//!
//! Two kinds of exception, as data (compare GOBL's regimes, which carry the same facts):
//!
//! - **Inside another country's VAT area**: Monaco is treated as France (Art. 7(1) of the
//!   VAT Directive), the Isle of Man as the United Kingdom (the UK's VAT area includes it),
//!   Liechtenstein as Switzerland (one VAT area by their 1994 treaty; MWSTG Art. 3 lit. a).
//!   Such a customer is taxed as a French, British or Swiss one, and a business there holds
//!   a French, British or Swiss number. So is Büsingen am Hochrhein, a German town inside the
//!   Swiss customs and VAT area (MWSTG Art. 3 lit. a with ZG Art. 3(2)), told by its postal
//!   code.
//! - **Outside a country's VAT area though in it**, told apart by postal code: of the EU's
//!   (Art. 6 of the Directive) the Canary Islands, Ceuta and Melilla (ES), Åland (FI),
//!   Heligoland (DE), Livigno and Campione d'Italia (IT), Mount Athos (GR), and France's
//!   overseas departments and collectivities (postal codes 97…, 986–988); of Norway's,
//!   Svalbard and Jan Mayen (merverdiavgiftsloven § 1-2(2)); of Australia's GST zone, its
//!   external territories Christmas Island, the Cocos (Keeling) Islands and Norfolk Island
//!   (GST Act s 195-1, "indirect tax zone"). A supply there is outside the scope of that VAT.
//!   (Their own taxes — the Canary IGIC, Ceuta and Melilla's IPSI, the overseas octroi de
//!   mer — are not modelled.)

use domain::country::CountryCode;

/// Country codes whose addresses lie in another country's VAT area: (code, that country).
const INSIDE: &[(&str, &str)] = &[("IM", "GB"), ("LI", "CH"), ("MC", "FR")];

/// Places of one country in another's VAT area, by postal code: (country, postal code
/// prefixes, the other country, name).
const INSIDE_BY_POSTAL_CODE: &[(&str, &[&str], &str, &str)] = &[("DE", &["78266"], "CH", "Büsingen am Hochrhein")];

/// Territories outside their country's VAT area: (country, postal code prefixes, name).
const OUTSIDE: &[(&str, &[&str], &str)] = &[
    ("AU", &["6798", "6799", "2899"], "an Australian external territory (Christmas Island, the Cocos (Keeling) Islands, Norfolk Island)"),
    ("DE", &["27498"], "Heligoland"),
    ("ES", &["35", "38"], "the Canary Islands"),
    ("ES", &["51"], "Ceuta"),
    ("ES", &["52"], "Melilla"),
    ("FI", &["22"], "Åland"),
    ("FR", &["97", "986", "987", "988"], "a French overseas department or collectivity"),
    ("GR", &["63086"], "Mount Athos"),
    ("IT", &["23041"], "Livigno"),
    ("IT", &["22061"], "Campione d'Italia"),
    ("NO", &["917", "8099"], "Svalbard or Jan Mayen"),
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

/// The country whose VAT area an address in `country` with `postal_code` lies in: as
/// [`vat_country`], and Switzerland for Büsingen.
pub fn vat_country_at(country: CountryCode, postal_code: &str) -> CountryCode {
    let digits = digits(postal_code);
    INSIDE_BY_POSTAL_CODE
        .iter()
        .find(|(code, prefixes, _, _)| *code == country.as_str() && !digits.is_empty() && prefixes.iter().any(|p| digits.starts_with(p)))
        .and_then(|(_, _, area, _)| area.parse().ok())
        .unwrap_or_else(|| vat_country(country))
}

/// The territory outside its country's VAT area that an address in `country` with
/// `postal_code` lies in, if any (its name). Only the postal code's digits count: `630 86`
/// is Mount Athos.
pub fn outside_vat_area(country: CountryCode, postal_code: &str) -> Option<&'static str> {
    let digits = digits(postal_code);
    if digits.is_empty() {
        return None;
    }
    OUTSIDE
        .iter()
        .find(|(code, prefixes, _)| *code == country.as_str() && prefixes.iter().any(|p| digits.starts_with(p)))
        .map(|(_, _, name)| *name)
}

fn digits(postal_code: &str) -> String {
    postal_code.chars().filter(char::is_ascii_digit).collect()
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
    fn territories_outside_their_vat_area_are_told_by_postal_code() {
        assert_eq!(outside_vat_area(c("ES"), "35001"), Some("the Canary Islands"));
        assert_eq!(outside_vat_area(c("ES"), "38300"), Some("the Canary Islands"));
        assert_eq!(outside_vat_area(c("ES"), "28001"), None, "Madrid");
        assert_eq!(outside_vat_area(c("ES"), "51001"), Some("Ceuta"));
        assert_eq!(outside_vat_area(c("ES"), "52001"), Some("Melilla"));
        assert_eq!(outside_vat_area(c("FI"), "22100"), Some("Åland"));
        assert_eq!(outside_vat_area(c("FI"), "AX-22100"), Some("Åland"));
        assert_eq!(outside_vat_area(c("FI"), "00100"), None, "Helsinki");
        assert_eq!(outside_vat_area(c("DE"), "78266"), None, "Büsingen: in the Swiss area");
        assert_eq!(outside_vat_area(c("DE"), "27498"), Some("Heligoland"));
        assert_eq!(outside_vat_area(c("DE"), "78267"), None, "Aach, beside Büsingen");
        assert_eq!(outside_vat_area(c("IT"), "23041"), Some("Livigno"));
        assert_eq!(outside_vat_area(c("IT"), "22061"), Some("Campione d'Italia"));
        assert_eq!(outside_vat_area(c("GR"), "630 86"), Some("Mount Athos"));
        assert_eq!(outside_vat_area(c("FR"), "97400"), Some("a French overseas department or collectivity"));
        assert_eq!(outside_vat_area(c("FR"), "98713"), Some("a French overseas department or collectivity"));
        assert_eq!(outside_vat_area(c("FR"), "98000"), None, "Monaco's postal code: in the French VAT area");
        assert_eq!(outside_vat_area(c("FR"), "20000"), None, "Corsica is inside");
        assert_eq!(outside_vat_area(c("ES"), ""), None);
        assert_eq!(outside_vat_area(c("PT"), "35001"), None);
        assert_eq!(outside_vat_area(c("NO"), "9170"), Some("Svalbard or Jan Mayen"), "Longyearbyen");
        assert_eq!(outside_vat_area(c("NO"), "9173"), Some("Svalbard or Jan Mayen"), "Ny-Ålesund");
        assert_eq!(outside_vat_area(c("NO"), "8099"), Some("Svalbard or Jan Mayen"), "Jan Mayen");
        assert_eq!(outside_vat_area(c("NO"), "9180"), None, "Skjervøy, on the mainland");
        assert_eq!(outside_vat_area(c("NO"), "0150"), None, "Oslo");
        assert_eq!(outside_vat_area(c("AU"), "6798").map(|n| n.starts_with("an Australian external")), Some(true), "Christmas Island");
        assert!(outside_vat_area(c("AU"), "6799").is_some(), "Cocos (Keeling) Islands");
        assert!(outside_vat_area(c("AU"), "2899").is_some(), "Norfolk Island");
        assert_eq!(outside_vat_area(c("AU"), "2000"), None, "Sydney");
        assert_eq!(outside_vat_area(c("AU"), "6797"), None, "Perth's GPO boxes");
    }

    #[test]
    fn liechtenstein_and_buesingen_are_in_the_swiss_vat_area() {
        assert_eq!(vat_country(c("LI")), c("CH"));
        assert_eq!(vat_country_at(c("LI"), "9490"), c("CH"));
        assert_eq!(vat_country_at(c("DE"), "78266"), c("CH"), "Büsingen");
        assert_eq!(vat_country_at(c("DE"), "78267"), c("DE"), "Aach");
        assert_eq!(vat_country_at(c("DE"), ""), c("DE"));
        assert_eq!(vat_country_at(c("MC"), "98000"), c("FR"));
    }
}
