//! Each country's tax regime as data, one entry per country: EU membership, the tax's name,
//! its dated STANDARD VAT/GST rates for electronically supplied services (B2C), how its tax
//! IDs are written and checked (prefix and check procedure, [`crate::tax_id`]), the schemes
//! open to a foreign seller and what a registered business customer owes. Adding a country
//! is adding its entry here; the rules hold no country facts of their own.
//!
//! # Why dated
//! The rate that applies to a supply is the one in force on its tax point (the chargeable
//! event: when the service is performed, or an earlier payment), not the one in force when
//! the invoice is printed or re-rendered. Rates move, sometimes only for a few months
//! (DE 16 % in the second half of 2020, IE 21 % 2020-09..2021-02, LU 16 % in 2023), so every
//! rate here carries the date from which it applies and a lookup needs a date.
//! Under the EU One-Stop Shop (OSS) a B2C electronically supplied service is taxed where the
//! customer belongs, at that member state's rate: the table covers all 27 member states, plus
//! GB, NO, CH and AU, which oblige foreign sellers of digital services to register too.
//!
//! # Scope
//! Only the standard rate of each country's main territory. Reduced rates and regional rates
//! (Azores, Madeira, Greek islands, Corsica, ...) are not modelled; territories outside the
//! EU's VAT area (Canary Islands, Åland, Büsingen, ...) and Monaco and the Isle of Man, inside
//! France's and the UK's, are in [`crate::territory`]. Codes are
//! ISO 3166-1 alpha-2 in upper case: Greece is `GR` (its VAT prefix `EL` is not a key), the
//! United Kingdom `GB`. Every history starts on the date the rate in force on 2019-01-01
//! took effect; dates before that return `None` rather than a guess.
//!
//! # Adding a change
//! Once the change is law (published act, not an announcement), add one [`RateChange`] at the
//! TOP of that country's `history` (newest first) with its first day of application as
//! `since`, the percent written exactly (`pct(255, 1)` is 25.5) and a `source` naming the
//! legal act and an official URL. A temporary rate is two entries: the cut, and the return
//! on the day after it ends. The tests check order, range, codes and tax-ID prefixes.
//!
//! # Sources
//! Rates in force before 2020 and their start dates: European Commission, DG TAXUD,
//! "VAT rates applied in the Member States of the European Union", section VIII
//! ("The evolution of VAT rates"), edition 2021-06. Later changes: the national acts
//! cited per entry, cross-checked with the Commission's Taxes in Europe Database (TEDB).
//! Checked 2026-11 (against TEDB-derived data of 2026-09 and 2026 change summaries): no
//! standard rate changed in 2026; the 2026 changes in BE, CZ, DE, FI, IE, NL, SK concern
//! reduced rates or their scope. The Swiss proposal to raise MWST by 0.7 pt for the 13th
//! AHV pension needs a referendum and is not law, so it is not in the table.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::registration::Scheme;
use super::tax_id::{self, vat_id, IdRules};
use domain::document::LegendKey;

/// One value of a standard rate, in force from `since` (inclusive) until the next newer entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateChange {
    pub since: NaiveDate,
    pub percent: Decimal,
    pub source: &'static str,
}

/// A jurisdiction's tax facts: the tax's name, its standard rate history (newest first),
/// and for a non-EU country the registration schemes open to a foreign seller and what
/// happens when it sells to a registered business there. Everything the rules need to know
/// about a country is here, in one entry (compare GOBL's tax regimes).
#[derive(Clone, Copy, Debug)]
pub struct Jurisdiction {
    /// ISO 3166-1 alpha-2, upper case ("GR" for Greece, "GB" for the United Kingdom).
    pub country: &'static str,
    /// Name of the tax as it appears on invoices: "VAT", "UK VAT", "MVA" (NO), "MWST" (CH),
    /// "GST" (AU); [`Jurisdiction::tax_names`] may name it otherwise in some languages.
    pub tax_name: &'static str,
    /// The tax's name in other languages where it has an official one: (language, name).
    pub tax_names: &'static [(&'static str, &'static str)],
    pub eu_member: bool,
    pub history: &'static [RateChange],
    /// How the country's tax IDs (a customer's VAT ID, ABN, ...) are written and checked:
    /// prefix ("EL" for Greece), names for messages, the expected shape and the check-digit
    /// procedure ([`crate::tax_id`]). Outside the EU the prefix may be left out.
    pub tax_id: IdRules,
    /// Schemes under which a foreign seller registers here (empty for EU members, whose
    /// consumer sales go through the OSS).
    pub seller_schemes: &'static [Scheme],
    /// A sale to a business customer registered here with its tax ID, by a seller registered
    /// here (non-EU countries; EU members follow Art. 196 VAT Directive).
    pub business_customers: BusinessCustomers,
    /// Outside the EU, the currency of this country's tax return and whether its law also
    /// wants the tax stated in it on a document in another currency.
    pub local_currency: Option<LocalCurrency<&'static str>>,
}

/// A non-EU country's own currency as its tax treats a document in another currency. EU
/// VAT is stated in the seller's base currency by Art. 230 instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalCurrency<C> {
    /// Its law wants the net value and the tax also stated in this currency on the
    /// document, and its return is made in it: sterling for UK VAT (VAT Regulations 1995,
    /// reg. 14(1); HMRC, "Invoicing in foreign currencies").
    Stated(C),
    /// Its return is made in this currency, where a registration's sales are declared (the
    /// VAT summary states them in it, from each document's rate for that return); the
    /// document itself states nothing: CHF for MWST (MWSTV Art. 45), NOK, AUD.
    Declared(C),
}

/// How a registered seller's sale to a registered business customer is taxed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusinessCustomers {
    /// The customer self-accounts for the tax (reverse charge, category AE); `legend` is the
    /// key of the legend saying so (`crates/locale/i18n/*.toml`, `[legends]`).
    SelfAccounts { legend: LegendKey },
    /// No tax is charged and nobody reverse-charges it (category O): the supply is not one to
    /// a consumer there. `legend` says why no tax is charged.
    NotCharged { legend: LegendKey },
    /// The registered seller charges the tax to businesses as to consumers.
    Charged,
}

impl Jurisdiction {
    /// The tax's name on a document in `language`.
    pub fn tax_name_in(&self, language: &str) -> &'static str {
        self.tax_names.iter().find(|(l, _)| *l == language).map_or(self.tax_name, |(_, name)| name)
    }
}

/// The jurisdiction with this exact (upper-case ISO alpha-2) code.
pub fn jurisdiction(country: &str) -> Option<&'static Jurisdiction> {
    ALL.binary_search_by(|j| j.country.cmp(country))
        .ok()
        .map(|i| &ALL[i])
}

/// The member states that do not use the euro, with their national currency (Bulgaria has
/// used the euro since 2026-01-01; its lev stays accepted for books kept since before).
const NON_EURO: &[(&str, &[&str])] =
    &[("BG", &["EUR", "BGN"]), ("CZ", &["CZK"]), ("DK", &["DKK"]), ("HU", &["HUF"]), ("PL", &["PLN"]), ("RO", &["RON"]), ("SE", &["SEK"])];

/// The currency a seller established in member state `country` states VAT in (Art. 230 VAT
/// Directive: the national currency), the first being today's; `None` outside the EU.
pub fn national_currencies(country: &str) -> Option<&'static [&'static str]> {
    let member = jurisdiction(country).is_some_and(|j| j.eu_member);
    member.then(|| NON_EURO.iter().find(|(c, _)| *c == country).map_or(&["EUR"][..], |(_, currencies)| *currencies))
}

/// Standard rate in force on `date` (the newest entry with since <= date), None if country
/// unknown or date before the oldest entry.
pub fn standard_rate(country: &str, date: NaiveDate) -> Option<Decimal> {
    jurisdiction(country)?
        .history
        .iter()
        .find(|c| c.since <= date)
        .map(|c| c.percent)
}

/// Every jurisdiction, sorted by country code.
pub fn all() -> &'static [Jurisdiction] {
    ALL
}

/// `mantissa / 10^scale` percent, exact: `pct(255, 1)` is 25.5.
const fn pct(mantissa: u32, scale: u32) -> Decimal {
    Decimal::from_parts(mantissa, 0, 0, false, scale)
}

const fn ch(y: i32, m: u32, d: u32, percent: Decimal, source: &'static str) -> RateChange {
    let since = NaiveDate::from_ymd_opt(y, m, d).expect("valid date in rate table");
    RateChange {
        since,
        percent,
        source,
    }
}

const fn eu(country: &'static str, tax_id: IdRules, history: &'static [RateChange]) -> Jurisdiction {
    Jurisdiction {
        country,
        tax_name: "VAT",
        tax_names: &[],
        eu_member: true,
        history,
        tax_id,
        seller_schemes: &[],
        business_customers: BusinessCustomers::SelfAccounts { legend: LegendKey::ReverseCharge },
        local_currency: None,
    }
}

const fn other(
    country: &'static str,
    tax_name: &'static str,
    seller_schemes: &'static [Scheme],
    business_customers: BusinessCustomers,
    tax_id: IdRules,
    history: &'static [RateChange],
) -> Jurisdiction {
    Jurisdiction {
        country,
        tax_name,
        tax_names: &[],
        eu_member: false,
        history,
        tax_id,
        seller_schemes,
        business_customers,
        local_currency: None,
    }
}

const TAXUD: &str = "European Commission, DG TAXUD, 'VAT rates applied in the Member States of \
    the EU', 2021-06, sect. VIII: https://taxation-customs.ec.europa.eu/system/files/2021-06/vat_rates_en.pdf";
const DE_CORONA: &str = "Zweites Corona-Steuerhilfegesetz of 29.06.2020, BGBl. I 2020 S. 1512, \
    Art. 3 (§ 28(1) UStG: 16 % from 2020-07-01 to 2020-12-31): \
    https://www.bgbl.de/xaver/bgbl/start.xav?startbk=Bundesanzeiger_BGBl&jumpTo=bgbl120s1512.pdf";
const IE_COVID: &str = "Finance (COVID-19 and Miscellaneous Provisions) Act 2020, amending s. 46 \
    VAT Consolidation Act 2010 (21 % from 2020-09-01 to 2021-02-28); Revenue: \
    https://www.revenue.ie/en/vat/vat-rates/search-vat-rates/current-vat-rates.aspx";
const LU_2023: &str = "Loi du 26 octobre 2022 (bill n° 8083, 'Solidaritéitspak 2.0'), temporary \
    cut of the TVA rates for 2023-01-01..2023-12-31: https://wdocs-pub.chd.lu/docs/exped/0133/172/267720.pdf";

#[rustfmt::skip]
static ALL: &[Jurisdiction] = &[
    eu("AT", vat_id("AT", "Austria", "Austrian", "'ATU' followed by 8 digits", tax_id::at), &[ch(1984, 1, 1, pct(20, 0), TAXUD)]),
    // GST-registered business customers who give their ABN and say they are registered are
    // not Australian consumers: no GST, and no reverse charge for them as a rule (ATO, "GST
    // on imported services and digital products"; GST Act ss 9-25(5), 84-100).
    Jurisdiction { local_currency: Some(LocalCurrency::Declared("AUD")), ..other("AU", "GST", &[Scheme::Arn, Scheme::Abn], BusinessCustomers::NotCharged { legend: LegendKey::GstNotChargedAu },
        IdRules { kind: "ABN", prefix_optional: true, ..vat_id("", "Australia", "Australian",
            "11 digits (an ABN has no country prefix)", tax_id::au) }, &[
        ch(2000, 7, 1, pct(10, 0), "A New Tax System (Goods and Services Tax) Act 1999 (Cth), s 9-70: \
            https://www.legislation.gov.au/C2004A00446/latest/text"),
    ]) },
    eu("BE", vat_id("BE", "Belgium", "Belgian", "'BE' followed by 10 digits starting with 0 or 1", tax_id::be), &[ch(1996, 1, 1, pct(21, 0), TAXUD)]),
    eu("BG", vat_id("BG", "Bulgaria", "Bulgarian", "'BG' followed by 9 or 10 digits", tax_id::bg), &[ch(1999, 1, 1, pct(20, 0), TAXUD)]),
    // A seller in the Swiss VAT register charges MWST to businesses too: the recipient's
    // acquisition tax covers only suppliers not registered (MWSTG Art. 45(1)(a)).
    Jurisdiction { tax_names: &[("fr", "TVA"), ("it", "IVA")], local_currency: Some(LocalCurrency::Declared("CHF")), ..other("CH", "MWST", &[Scheme::Mwst], BusinessCustomers::Charged,
        IdRules { prefix_optional: true, suffixes: &["MWST", "TVA", "IVA", "TPV"], ..vat_id("CHE", "Switzerland", "Swiss",
            "'CHE' followed by 9 digits, optionally followed by MWST, TVA, IVA or TPV", tax_id::ch) }, &[
        ch(2024, 1, 1, pct(81, 1), "MWSTG (SR 641.20) art. 25(1) as raised by AHV 21 (federal \
            decree on additional VAT financing of the AHV, accepted by referendum 2022-09-25): \
            https://www.fedlex.admin.ch/eli/cc/2009/615/de"),
        ch(2018, 1, 1, pct(77, 1), "MWSTG (SR 641.20) art. 25(1): 8.0 -> 7.7 % when the IV \
            additional financing (0.4 pt) expired and FABI (+0.1 pt) began: \
            https://www.fedlex.admin.ch/eli/cc/2009/615/de"),
    ]) },
    eu("CY", vat_id("CY", "Cyprus", "Cypriot", "'CY' followed by 8 digits and a letter", tax_id::cy), &[ch(2014, 1, 13, pct(19, 0), TAXUD)]),
    eu("CZ", vat_id("CZ", "the Czech Republic", "Czech", "'CZ' followed by 8, 9 or 10 digits", tax_id::cz), &[ch(2013, 1, 1, pct(21, 0), TAXUD)]),
    eu("DE", vat_id("DE", "Germany", "German", "'DE' followed by 9 digits", tax_id::de), &[
        ch(2021, 1, 1, pct(19, 0), DE_CORONA),
        ch(2020, 7, 1, pct(16, 0), DE_CORONA),
        ch(2007, 1, 1, pct(19, 0), TAXUD),
    ]),
    eu("DK", vat_id("DK", "Denmark", "Danish", "'DK' followed by 8 digits, the first not 0", tax_id::dk), &[ch(1992, 1, 1, pct(25, 0), TAXUD)]),
    eu("EE", vat_id("EE", "Estonia", "Estonian", "'EE' followed by 9 digits starting with 10", tax_id::ee), &[
        ch(2025, 7, 1, pct(24, 0), "Käibemaksuseadus § 15(1): +2 pt from 2025-07-01, adopted \
            with the 2024 security-tax package and made permanent in 2025: \
            https://news.err.ee/1609687289/government-makes-vat-rise-permanent; \
            https://ec.europa.eu/taxation_customs/tedb/"),
        ch(2024, 1, 1, pct(22, 0), "Käibemaksuseadus § 15(1) as amended in 2023 (20 -> 22 % \
            from 2024-01-01): https://globaltaxnews.ey.com/news/2023-1256-estonia-significant-tax-changes-in-2024-and-2025; \
            https://ec.europa.eu/taxation_customs/tedb/"),
        ch(2009, 7, 1, pct(20, 0), TAXUD),
    ]),
    eu("ES", vat_id("ES", "Spain", "Spanish",
        "'ES' followed by a letter or digit, 7 digits and a control letter or digit", tax_id::es), &[ch(2012, 9, 1, pct(21, 0), TAXUD)]),
    eu("FI", vat_id("FI", "Finland", "Finnish", "'FI' followed by 8 digits", tax_id::fi), &[
        ch(2024, 9, 1, pct(255, 1), "Arvonlisäverolaki 1501/1993 § 84 as amended following \
            HE 61/2024 vp (in force 2024-09-01): \
            https://www.eduskunta.fi/FI/vaski/HallituksenEsitys/Sivut/HE_61+2024.aspx"),
        ch(2013, 1, 1, pct(24, 0), TAXUD),
    ]),
    eu("FR", vat_id("FR", "France", "French", "'FR' followed by 2 check characters and 9 digits", tax_id::fr), &[ch(2014, 1, 1, pct(20, 0), TAXUD)]),
    // B2B services from a seller belonging abroad: the UK business customer accounts for the
    // VAT (reverse charge, VATA 1994 s. 8).
    Jurisdiction { local_currency: Some(LocalCurrency::Stated("GBP")), ..other("GB", "UK VAT", &[Scheme::Vat], BusinessCustomers::SelfAccounts { legend: LegendKey::ReverseChargeGb },
        IdRules { alt_prefix: "XI", prefix_optional: true, ..vat_id("GB", "the United Kingdom", "British",
            "9 digits, 12 digits, or 'GD' or 'HA' followed by 3 digits, \
             optionally after 'GB' (or 'XI' for Northern Ireland)", tax_id::gb) }, &[
        ch(2011, 1, 4, pct(20, 0), "Finance (No. 2) Act 2010, s. 3 (VATA 1994 s. 2(1)): \
            https://www.legislation.gov.uk/ukpga/2010/31/section/3"),
    ]) },
    eu("GR", vat_id("EL", "Greece", "Greek", "'EL' followed by 9 digits", tax_id::el), &[ch(2016, 6, 1, pct(24, 0), TAXUD)]),
    eu("HR", vat_id("HR", "Croatia", "Croatian", "'HR' followed by 11 digits", tax_id::hr), &[ch(2012, 3, 1, pct(25, 0), TAXUD)]),
    eu("HU", vat_id("HU", "Hungary", "Hungarian", "'HU' followed by 8 digits", tax_id::hu), &[ch(2012, 1, 1, pct(27, 0), TAXUD)]),
    eu("IE", vat_id("IE", "Ireland", "Irish", "'IE' followed by 7 digits and 1 or 2 letters \
        (old form: a digit, a letter, 5 digits and a letter)", tax_id::ie), &[
        ch(2021, 3, 1, pct(23, 0), IE_COVID),
        ch(2020, 9, 1, pct(21, 0), IE_COVID),
        ch(2012, 1, 1, pct(23, 0), TAXUD),
    ]),
    eu("IT", vat_id("IT", "Italy", "Italian", "'IT' followed by 11 digits", tax_id::it), &[ch(2013, 10, 1, pct(22, 0), TAXUD)]),
    eu("LT", vat_id("LT", "Lithuania", "Lithuanian", "'LT' followed by 9 or 12 digits", tax_id::lt), &[ch(2009, 9, 1, pct(21, 0), TAXUD)]),
    eu("LU", vat_id("LU", "Luxembourg", "Luxembourgish", "'LU' followed by 8 digits", tax_id::lu), &[
        ch(2024, 1, 1, pct(17, 0), LU_2023),
        ch(2023, 1, 1, pct(16, 0), LU_2023),
        ch(2015, 1, 1, pct(17, 0), TAXUD),
    ]),
    eu("LV", vat_id("LV", "Latvia", "Latvian", "'LV' followed by 11 digits", tax_id::lv), &[ch(2012, 7, 1, pct(21, 0), TAXUD)]),
    eu("MT", vat_id("MT", "Malta", "Maltese", "'MT' followed by 8 digits, the first not 0", tax_id::mt), &[ch(2004, 1, 1, pct(18, 0), TAXUD)]),
    eu("NL", vat_id("NL", "the Netherlands", "Dutch", "'NL' followed by 9 digits, 'B' and 2 digits", tax_id::nl), &[ch(2012, 10, 1, pct(21, 0), TAXUD)]),
    // VOEC covers sales to consumers only; a Norwegian business customer calculates the
    // MVA itself (merverdiavgiftsloven § 11-3).
    Jurisdiction { local_currency: Some(LocalCurrency::Declared("NOK")), ..other("NO", "MVA", &[Scheme::Voec, Scheme::Mva], BusinessCustomers::SelfAccounts { legend: LegendKey::ReverseChargeNo },
        IdRules { prefix_optional: true, suffixes: &["MVA"], suffix: "MVA", ..vat_id("NO", "Norway", "Norwegian",
            "'NO' followed by 9 digits and 'MVA'", tax_id::no) }, &[
        ch(2005, 1, 1, pct(25, 0), "Merverdiavgiftsloven § 5-1 and Stortingets vedtak om \
            merverdiavgift (alminnelig sats): https://www.skatteetaten.no/satser/merverdiavgift"),
    ]) },
    eu("PL", vat_id("PL", "Poland", "Polish", "'PL' followed by 10 digits", tax_id::pl), &[ch(2011, 1, 1, pct(23, 0), TAXUD)]),
    eu("PT", vat_id("PT", "Portugal", "Portuguese", "'PT' followed by 9 digits, the first not 0", tax_id::pt), &[ch(2011, 1, 1, pct(23, 0), TAXUD)]),
    eu("RO", vat_id("RO", "Romania", "Romanian", "'RO' followed by 2 to 10 digits, the first not 0", tax_id::ro), &[
        ch(2025, 8, 1, pct(21, 0), "Legea nr. 141/2025, Monitorul Oficial nr. 699/2025-07-25, \
            amending art. 291(1) Codul fiscal: https://legislatie.just.ro/; \
            https://ec.europa.eu/taxation_customs/tedb/"),
        ch(2017, 1, 1, pct(19, 0), TAXUD),
    ]),
    eu("SE", vat_id("SE", "Sweden", "Swedish", "'SE' followed by 12 digits ending in 01", tax_id::se), &[ch(1990, 7, 1, pct(25, 0), TAXUD)]),
    eu("SI", vat_id("SI", "Slovenia", "Slovenian", "'SI' followed by 8 digits, the first not 0", tax_id::si), &[ch(2013, 7, 1, pct(22, 0), TAXUD)]),
    eu("SK", vat_id("SK", "Slovakia", "Slovak", "'SK' followed by 10 digits", tax_id::sk), &[
        ch(2025, 1, 1, pct(23, 0), "Zákon č. 278/2024 Z. z. (consolidation package), amending \
            § 27 zákona č. 222/2004 Z. z. o DPH: https://www.slov-lex.sk/pravne-predpisy/SK/ZZ/2024/278/; \
            https://ec.europa.eu/taxation_customs/tedb/"),
        ch(2011, 1, 1, pct(20, 0), TAXUD),
    ]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rate(country: &str, date: NaiveDate) -> Option<Decimal> {
        standard_rate(country, date)
    }

    const EU27: [&str; 27] = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ];

    #[test]
    fn table_is_well_formed() {
        assert!(
            all().windows(2).all(|w| w[0].country < w[1].country),
            "sorted, codes unique"
        );
        let (lo, hi) = (Decimal::ZERO, Decimal::from(30));
        for j in all() {
            assert!(j.country.len() == 2 && j.country.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!j.history.is_empty(), "{}", j.country);
            assert!(
                j.history.windows(2).all(|w| w[0].since > w[1].since),
                "{} newest first",
                j.country
            );
            for c in j.history {
                assert!(
                    c.percent > lo && c.percent < hi,
                    "{} {}",
                    j.country,
                    c.since
                );
                assert!(
                    c.source.contains("http"),
                    "{} {} needs a URL",
                    j.country,
                    c.since
                );
            }
            assert!(
                j.history.windows(2).all(|w| w[0].percent != w[1].percent),
                "{} no no-op change",
                j.country
            );
            assert!(
                rate(j.country, d(2019, 1, 1)).is_some(),
                "{} covers 2019",
                j.country
            );
        }
    }

    /// A tax ID's prefix names one country: an ID written with another country's prefix is
    /// told apart by it (`tax_id`'s "is a VAT ID of ..."). EU members' VAT prefixes are their
    /// codes, required, except Greece's EL; outside the EU the prefix may be left out.
    #[test]
    fn tax_id_prefixes() {
        let mut prefixes: Vec<&str> = all()
            .iter()
            .flat_map(|j| [j.tax_id.prefix, j.tax_id.alt_prefix])
            .filter(|p| !p.is_empty())
            .collect();
        assert_eq!(prefixes.len(), 31, "30 countries, AU none, GB also XI");
        prefixes.sort_unstable();
        assert!(prefixes.windows(2).all(|w| !w[1].starts_with(w[0])), "{prefixes:?}");
        for j in all() {
            let vat_prefix = if j.country == "GR" { "EL" } else { j.country };
            if j.eu_member {
                assert_eq!((j.tax_id.prefix(), j.tax_id.prefix_optional), (vat_prefix, false));
            } else {
                assert!(j.tax_id.prefix_optional, "{}", j.country);
            }
        }
        let prefix = |c| jurisdiction(c).unwrap().tax_id.prefix();
        assert_eq!([prefix("CH"), prefix("AU"), prefix("NO"), prefix("GB")], ["CHE", "", "NO", "GB"]);
    }

    #[test]
    fn membership_and_tax_names() {
        assert_eq!(all().len(), 31);
        for c in EU27 {
            let j = jurisdiction(c).unwrap_or_else(|| panic!("{c} missing"));
            assert!(j.eu_member && j.tax_name == "VAT", "{c}");
        }
        for (c, name) in [("GB", "UK VAT"), ("NO", "MVA"), ("CH", "MWST"), ("AU", "GST")] {
            let j = jurisdiction(c).unwrap();
            assert!(!j.eu_member, "{c}");
            assert_eq!(j.tax_name, name);
        }
        assert_eq!(all().iter().filter(|j| j.eu_member).count(), 27);
        let code = |c| domain::country::CountryCode::parse(c).unwrap();
        assert!(crate::is_eu(code("GR")) && crate::is_eu(code("DE")));
        assert!(!crate::is_eu(code("GB")) && !crate::is_eu(code("CH")) && !crate::is_eu(code("US")));
        assert!(all().iter().all(|j| domain::country::CountryCode::parse(j.country).is_ok()));
    }

    /// The Swiss tax is named in the language of the document: Mehrwertsteuer (MWST),
    /// taxe sur la valeur ajoutée (TVA), imposta sul valore aggiunto (IVA), as the federal
    /// act (SR 641.20) is titled in German, French and Italian; languages without a name of
    /// their own, and every other jurisdiction, keep the default name.
    #[test]
    fn national_currencies_of_member_states() {
        assert_eq!(national_currencies("EE"), Some(&["EUR"][..]));
        assert_eq!(national_currencies("PL"), Some(&["PLN"][..]));
        assert_eq!(national_currencies("SE"), Some(&["SEK"][..]));
        assert_eq!(national_currencies("BG"), Some(&["EUR", "BGN"][..]), "the euro since 2026, the lev before");
        assert_eq!(national_currencies("GB"), None, "not a member state");
        assert_eq!(national_currencies("US"), None);
    }

    #[test]
    fn tax_names_by_language() {
        let ch = jurisdiction("CH").unwrap();
        #[rustfmt::skip]
        let cases = [(ch, "fr", "TVA"), (ch, "it", "IVA"), (ch, "de", "MWST"), (ch, "en", "MWST"),
            (jurisdiction("DE").unwrap(), "fr", "VAT"), (jurisdiction("AU").unwrap(), "en", "GST")];
        for (j, language, name) in cases {
            assert_eq!(j.tax_name_in(language), name, "{} {language}", j.country);
        }
    }

    #[test]
    fn boundaries() {
        let p = |m: i64, s: u32| Some(Decimal::new(m, s));
        assert_eq!(rate("FI", d(2024, 8, 31)), p(24, 0));
        assert_eq!(rate("FI", d(2024, 9, 1)), p(255, 1));
        assert_eq!(rate("FI", d(2024, 9, 1)).unwrap().to_string(), "25.5");
        assert_eq!(rate("SK", d(2024, 12, 31)), p(20, 0));
        assert_eq!(rate("SK", d(2025, 1, 1)), p(23, 0));
        assert_eq!(rate("EE", d(2023, 12, 31)), p(20, 0));
        assert_eq!(rate("EE", d(2024, 1, 1)), p(22, 0));
        assert_eq!(rate("EE", d(2025, 6, 30)), p(22, 0));
        assert_eq!(rate("EE", d(2025, 7, 1)), p(24, 0));
        assert_eq!(rate("RO", d(2025, 7, 31)), p(19, 0));
        assert_eq!(rate("RO", d(2025, 8, 1)), p(21, 0));
        assert_eq!(rate("DE", d(2020, 6, 30)), p(19, 0));
        assert_eq!(rate("DE", d(2020, 7, 1)), p(16, 0));
        assert_eq!(rate("DE", d(2020, 12, 31)), p(16, 0));
        assert_eq!(rate("DE", d(2021, 1, 1)), p(19, 0));
        assert_eq!(rate("IE", d(2020, 8, 31)), p(23, 0));
        assert_eq!(rate("IE", d(2020, 9, 1)), p(21, 0));
        assert_eq!(rate("IE", d(2021, 2, 28)), p(21, 0));
        assert_eq!(rate("IE", d(2021, 3, 1)), p(23, 0));
        assert_eq!(rate("LU", d(2022, 12, 31)), p(17, 0));
        assert_eq!(rate("LU", d(2023, 1, 1)), p(16, 0));
        assert_eq!(rate("LU", d(2023, 12, 31)), p(16, 0));
        assert_eq!(rate("LU", d(2024, 1, 1)), p(17, 0));
        assert_eq!(rate("CH", d(2023, 12, 31)), p(77, 1));
        assert_eq!(rate("CH", d(2024, 1, 1)), p(81, 1));
        assert_eq!(rate("CZ", d(2026, 11, 22)), p(21, 0));
        assert_eq!(rate("GB", d(2026, 11, 22)), p(20, 0));
        assert_eq!(rate("NO", d(2026, 11, 22)), p(25, 0));
        assert_eq!(rate("AU", d(2026, 11, 22)), p(10, 0));
    }

    #[test]
    fn unknown_or_too_early() {
        assert_eq!(rate("US", d(2025, 1, 1)), None);
        assert_eq!(rate("EL", d(2025, 1, 1)), None, "Greece is GR");
        assert_eq!(rate("de", d(2025, 1, 1)), None, "codes are upper case");
        assert_eq!(rate("", d(2025, 1, 1)), None);
        assert_eq!(rate("DE", d(2006, 12, 31)), None);
        assert_eq!(rate("DE", d(2007, 1, 1)), Some(Decimal::from(19)));
        for j in all() {
            let oldest = j.history.last().unwrap().since;
            assert_eq!(
                rate(j.country, oldest.pred_opt().unwrap()),
                None,
                "{}",
                j.country
            );
        }
    }
}
