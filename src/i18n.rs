//! Translations: the words and formats of a document in its customer's language.
//!
//! Texts live in `i18n/<language>.toml`, files a person can edit without touching code, and
//! are compiled into the binary so rendering never depends on files at run time. Each file
//! has the same keys (a test checks it, and a missing key fails to parse); a language
//! without a file falls back to English, and the issuing run says so.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::money::ROUNDING;

/// The shipped translation files, by primary language tag.
const FILES: &[(&str, &str)] = &[
    ("de", include_str!("../i18n/de.toml")),
    ("en", include_str!("../i18n/en.toml")),
    ("es", include_str!("../i18n/es.toml")),
    ("et", include_str!("../i18n/et.toml")),
    ("fr", include_str!("../i18n/fr.toml")),
    ("it", include_str!("../i18n/it.toml")),
    ("nl", include_str!("../i18n/nl.toml")),
    ("pl", include_str!("../i18n/pl.toml")),
    ("pt", include_str!("../i18n/pt.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub format: Format,
    pub labels: Labels,
    pub phrases: Phrases,
    pub legends: Legends,
    pub reasons: Reasons,
    pub sources: Sources,
    /// Bank-transfer invoices: the request to pay, the account, the reference.
    pub transfer: Transfer,
    /// The labels of the brand's footer lines and of the notes.
    pub brand: BrandLabels,
    /// Country names by ISO code (English names come from the country table).
    #[serde(default)]
    pub countries: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub decimal: String,
    pub group: String,
    pub money: String,
    /// Currency symbols by ISO code, as this language writes them (CLDR: `$` in English,
    /// `$US` in French). A currency without one, or whose symbol would be ambiguous in the
    /// language, prints its ISO code.
    pub symbols: BTreeMap<String, String>,
    pub date: String,
    pub months: [String; 12],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub invoice: String,
    pub credit_note: String,
    pub number: String,
    pub issue_date: String,
    pub tax_point_date: String,
    pub seller: String,
    pub customer: String,
    pub customer_id: String,
    pub vat_id: String,
    pub registration_id: String,
    pub description: String,
    pub service_period: String,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub net_amount: String,
    pub subtotal: String,
    pub tax_breakdown: String,
    pub taxable_amount: String,
    pub tax_amount: String,
    pub total: String,
    pub paid: String,
    pub due: String,
    pub currency: String,
    pub proration: String,
    pub references: String,
    pub page: String,
    pub continued: String,
    pub transactions: String,
    pub reverse_charge_short: String,
    pub not_subject: String,
    pub reverse_charge_row: String,
    /// "Issue date" on a credit note.
    pub credit_note_date: String,
    /// "Total" on a credit note.
    pub total_credited: String,
    /// A refund credit note's closing row: what went back to the card.
    pub refunded: String,
    /// A cancelling credit note's closing row: the payment moved to the replacement.
    pub offset: String,
    /// An invoice's closing row when the card paid more than it is for.
    pub overpaid: String,
    /// Column headings of a consumer invoice priced gross; `{tax}` is the tax's name.
    pub unit_price_gross: String,
    pub gross_amount: String,
    /// `Visa ending in 4242`.
    pub payment_card: String,
    pub payment_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    pub paid_in_full: String,
    pub paid_overpaid: String,
    pub paid_due: String,
    pub refunded: String,
    pub cancelled: String,
    pub credits: String,
    pub cancels: String,
    pub replaces: String,
    pub adjusts: String,
    pub reason: String,
    pub period_from: String,
    pub period_until: String,
    pub base_currency_tax: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Legends {
    pub reverse_charge: String,
    pub oss: String,
    pub reverse_charge_gb: String,
    pub reverse_charge_no: String,
    pub gst_not_charged_au: String,
    pub tax_registration: String,
    pub outside_scope_business: String,
    pub outside_scope_consumer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// A bank-transfer invoice paid before it was issued.
    pub paid: String,
    /// The request to pay: `{amount}`, `{date}` (due), `{reference}`.
    pub due: String,
    pub due_date: String,
    pub account_holder: String,
    pub iban: String,
    pub bic: String,
    pub reference: String,
    /// Beside the QR code.
    pub scan: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandLabels {
    pub registered_office: String,
    pub register_court: String,
    pub managing_directors: String,
    pub support: String,
    pub bank_account: String,
    /// The heading of the customer's and the transaction's notes.
    pub note: String,
}

/// Exchange-rate sources known by name, in the language (`source` of exchange_rates.csv).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// The ECB's euro foreign exchange reference rates.
    pub ecb: String,
}

impl Sources {
    /// `source` in words: the name of a known source, anything else as it is.
    pub fn name<'a>(&'a self, source: &'a str) -> &'a str {
        // The names the ECB's rates go by in exports of payment processors and accounting tools.
        const ECB: &[&str] = &["ECB", "ECB euro foreign exchange reference rate", "ECB euro reference rate", "European Central Bank"];
        if ECB.iter().any(|name| name.eq_ignore_ascii_case(source.trim())) { &self.ecb } else { source }
    }
}

/// How the billing history's refund reason codes read on a credit note. A reason given as
/// free text (support's `--reason` on a reissue) is printed as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reasons {
    pub requested_by_customer: String,
    pub duplicate: String,
    pub fraudulent: String,
    pub technical_issue: String,
    pub charged_after_cancellation: String,
}

impl Reasons {
    /// `reason` in words: the phrase for a known code, anything else as it is.
    pub fn phrase<'a>(&'a self, reason: &'a str) -> &'a str {
        match reason {
            "requested_by_customer" => &self.requested_by_customer,
            "duplicate" => &self.duplicate,
            "fraudulent" => &self.fraudulent,
            "technical_issue" => &self.technical_issue,
            "charged_after_cancellation" => &self.charged_after_cancellation,
            text => text,
        }
    }
}

fn all() -> &'static BTreeMap<&'static str, Texts> {
    static ALL: OnceLock<BTreeMap<&'static str, Texts>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(tag, text)| {
                let texts = toml::from_str(text).unwrap_or_else(|e| panic!("i18n/{tag}.toml is invalid: {e}"));
                (*tag, texts)
            })
            .collect()
    })
}

/// Whether `language` (a BCP 47 tag such as `de` or `pt-BR`) has its own texts.
pub fn is_supported(language: &str) -> bool {
    all().contains_key(primary(language))
}

/// The languages with texts, by primary tag.
pub fn supported() -> Vec<&'static str> {
    all().keys().copied().collect()
}

/// The texts for `language`, English if there are none.
pub fn texts(language: &str) -> &'static Texts {
    let all = all();
    all.get(primary(language)).unwrap_or_else(|| &all["en"])
}

fn primary(language: &str) -> &str {
    language.split('-').next().unwrap_or(language)
}

/// A country's name in `language` (English where the file has none).
pub fn country_name(language: &str, country: crate::country::CountryCode) -> String {
    texts(language).countries.get(country.as_str()).cloned().unwrap_or_else(|| country.name().to_string())
}

/// The legend `key` (of `[legends]`) in `language`, filled with `values`.
pub fn legend(language: &str, key: &str, values: &[(&str, &str)]) -> String {
    let l = &texts(language).legends;
    let template = match key {
        "reverse_charge" => &l.reverse_charge,
        "oss" => &l.oss,
        "reverse_charge_gb" => &l.reverse_charge_gb,
        "reverse_charge_no" => &l.reverse_charge_no,
        "gst_not_charged_au" => &l.gst_not_charged_au,
        "tax_registration" => &l.tax_registration,
        "outside_scope_business" => &l.outside_scope_business,
        "outside_scope_consumer" => &l.outside_scope_consumer,
        other => unreachable!("no legend '{other}' in the translation files"),
    };
    fill(template, values)
}

/// Fills `{name}` placeholders in `template`, in one pass: a `{` not opening a known name is
/// copied as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    fill_with(template, |name| values.iter().find(|(n, _)| *n == name).map(|(_, v)| Cow::Borrowed(*v)))
}

/// [`fill`] with each placeholder's value made when the template names it.
fn fill_with<'v>(template: &str, value: impl Fn(&str) -> Option<Cow<'v, str>>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((value(&after[..close])?, close))) {
            Some((value, close)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Format {
    /// `amount` with `digits` decimals in this language's separators: `1.234,56`.
    pub fn number(&self, amount: Decimal, digits: u32) -> String {
        let mut rounded = amount.round_dp_with_strategy(digits, ROUNDING);
        rounded.rescale(digits);
        let text = rounded.abs().to_string();
        let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
        let mut out = String::with_capacity(text.len() + int.len() / 3 * self.group.len() + 2);
        if rounded.is_sign_negative() && !rounded.is_zero() {
            out.push('-');
        }
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(&self.group);
            }
            out.push(ch);
        }
        if let Some(frac) = frac {
            out.push_str(&self.decimal);
            out.push_str(frac);
        }
        out
    }

    /// `amount` as money: `€1,234.56`, `1.234,56 €`, `CHF 12.50`.
    pub fn money(&self, amount: Decimal, digits: u32, code: &str) -> String {
        let symbol = self.symbols.get(code).map_or(code, String::as_str);
        let number = self.number(amount.abs(), digits);
        // A code written before the amount needs a space a symbol doesn't: CHF 12.50, €12.50.
        let template = if symbol == code { self.money.replace("{symbol}{amount}", "{symbol}\u{a0}{amount}") } else { self.money.clone() };
        let text = fill(&template, &[("amount", &number), ("symbol", symbol), ("code", code)]);
        if amount.is_sign_negative() && !amount.is_zero() { format!("-{text}") } else { text }
    }

    pub fn date(&self, date: NaiveDate) -> String {
        // Only the forms the template names are formatted (dates are on every line).
        fill_with(&self.date, |name| {
            Some(match name {
                "day2" => Cow::Owned(format!("{:02}", date.day())),
                "day" => Cow::Owned(date.day().to_string()),
                "month2" => Cow::Owned(format!("{:02}", date.month())),
                "month_name" => Cow::Borrowed(self.months[date.month0() as usize].as_str()),
                "month" => Cow::Owned(date.month().to_string()),
                "year" => Cow::Owned(format!("{:04}", date.year())),
                _ => return None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn every_file_has_every_key_and_the_same_placeholders() {
        // Parsing with deny_unknown_fields and no defaults proves the key sets; compare
        // placeholders against English so a translation cannot drop one.
        let placeholders = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|x| x.0.to_string())).collect();
            v.sort();
            v
        };
        let en: toml::Table = toml::from_str(FILES.iter().find(|f| f.0 == "en").unwrap().1).unwrap();
        for (tag, text) in FILES {
            let t: toml::Table = toml::from_str(text).unwrap();
            for section in ["labels", "phrases", "legends", "reasons", "sources", "transfer", "brand"] {
                for (key, value) in en[section].as_table().unwrap() {
                    let theirs = t[section].get(key).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("{tag}.toml lacks {section}.{key}"));
                    assert_eq!(placeholders(theirs), placeholders(value.as_str().unwrap()), "{tag}.toml {section}.{key}");
                }
            }
            assert!(!texts(tag).labels.invoice.is_empty());
            // Every translated file names the same countries, so no address falls back to English
            // in one language only.
            if *tag != "en" {
                assert_eq!(texts(tag).countries.keys().collect::<Vec<_>>(), texts("de").countries.keys().collect::<Vec<_>>(), "{tag}.toml [countries]");
            }
        }
    }

    #[test]
    fn numbers_money_and_dates_follow_the_language() {
        let d = Decimal::from_str("1234.5").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        assert_eq!(texts("en").format.money(d, 2, "EUR"), "€1,234.50");
        assert_eq!(texts("de").format.money(d, 2, "EUR"), "1.234,50\u{a0}€");
        assert_eq!(texts("fr").format.money(d, 2, "EUR"), "1\u{a0}234,50\u{a0}€");
        assert_eq!(texts("en").format.money(-d, 2, "CHF"), "-CHF\u{a0}1,234.50");
        assert_eq!(texts("en").format.money(Decimal::from(1980), 0, "JPY"), "¥1,980");
        assert_eq!(texts("en").format.date(date), "5 October 2026");
        assert_eq!(texts("de").format.date(date), "05.10.2026");
        assert_eq!(texts("de-AT").format.date(date), "05.10.2026");
        assert_eq!(texts("ja").labels.invoice, "Invoice");
        assert!(!is_supported("ja") && is_supported("pt-BR"));
    }

    #[test]
    fn currency_symbols_follow_cldr_per_language_and_ambiguous_ones_print_the_code() {
        let money = |language: &str, amount: &str, code: &str| {
            let digits = if code == "JPY" { 0 } else { 2 };
            texts(language).format.money(Decimal::from_str(amount).unwrap(), digits, code)
        };
        assert_eq!(money("fr", "21.60", "USD"), "21,60\u{a0}$US");
        assert_eq!(money("fr", "12.99", "GBP"), "12,99\u{a0}£GB");
        assert_eq!(money("fr", "1980", "JPY"), "1\u{a0}980\u{a0}JPY");
        assert_eq!(money("en", "21.60", "USD"), "$21.60");
        assert_eq!(money("de", "21.60", "USD"), "21,60\u{a0}$");
        assert_eq!(money("es", "21.60", "USD"), "21,60\u{a0}US$");
        assert_eq!(money("it", "21.60", "USD"), "21,60\u{a0}USD");
        assert_eq!(money("pl", "21.60", "USD"), "21,60\u{a0}USD");
        assert_eq!(money("pl", "98.00", "PLN"), "98,00\u{a0}zł");
        assert_eq!(money("en", "98.00", "PLN"), "PLN\u{a0}98.00");
        assert_eq!(money("nl", "21.60", "USD"), "US$\u{a0}21,60");
        // Every language names the euro by its symbol.
        for language in supported() {
            assert_eq!(texts(language).format.symbols.get("EUR").map(String::as_str), Some("€"), "{language}");
        }
    }

    #[test]
    fn known_rate_sources_are_named_per_language_and_others_kept() {
        assert_eq!(texts("fr").sources.name("ECB euro foreign exchange reference rate"), "taux de référence de l'euro de la BCE");
        assert_eq!(texts("de").sources.name("ecb"), "EZB-Referenzkurs");
        assert_eq!(texts("pl").sources.name("ECB"), "kurs referencyjny euro EBC");
        assert_eq!(texts("en").sources.name("European Central Bank"), "ECB euro reference rate");
        assert_eq!(texts("fr").sources.name("Eesti Pank"), "Eesti Pank");
    }

    #[test]
    fn fill_replaces_each_placeholder_once_and_leaves_other_braces() {
        assert_eq!(fill("{a} and {b}, {a}", &[("a", "x"), ("b", "{a}")]), "x and {a}, x");
        assert_eq!(fill("{unknown} {a", &[("a", "x")]), "{unknown} {a");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
    }
}
