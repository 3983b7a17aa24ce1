//! The account mapping: which ledger accounts and tax keys the export books documents to.
//!
//! Read from company.toml's `[accounts]` table; every key is optional and the defaults are a
//! German chart of accounts (DATEV SKR03, or SKR04 with `chart = "skr04"`), so a seller with
//! a DATEV-keeping tax adviser gets an importable file without configuring anything:
//!
//! ```toml
//! [accounts]
//! chart = "skr03"            # skr03 or skr04: which defaults apply
//! clearing = "1360"          # card payments in transit (Geldtransit): the Konto of a card document
//! receivable = "1410"        # trade receivables without Kontokorrent: the Konto of a bank-transfer document
//! datev_consultant = 1001    # DATEV Beraternummer (1001–9999999)
//! datev_client = 1           # DATEV Mandantennummer (1–99999)
//! fiscal_year_start = "01-01"
//! account_length = 4         # Sachkontenlänge (4–8)
//!
//! [[accounts.revenue]]       # the first rule that matches a document's treatment, rate and country wins
//! treatment = "domestic"     # domestic, oss, reverse_charge, non_eu_tax, non_eu_reverse_charge, outside_scope
//! rate = "19"                # optional: any rate when absent
//! country = "DE"             # optional: the taxing country (an OSS member state, a non-EU registration's); any when absent
//! account = "8400"           # revenue account (DATEV Gegenkonto; Xero AccountCode)
//! tax_key = ""               # DATEV BU-Schlüssel; empty on an automatic account (Automatikkonto)
//! tax_code = "20% (VAT on Income)"   # Xero TaxType / QuickBooks tax code (optional)
//! ```
//!
//! Why a clearing account rather than one receivable per customer: a card document was paid
//! (or refunded) at once, so the processor's payout, not a customer, settles it; the clearing
//! account is what the payout is matched against. A bank-transfer invoice is owed until the
//! transfer arrives: it is booked on the receivables account, where the bank statement's
//! line settles it.

use rust_decimal::Decimal;

use domain::diag::{Diagnostic, is_a};
use domain::document::Treatment;
/// The file the mapping is read from, as diagnostics name it.
const COMPANY: &str = "company.toml";

/// Keys of the `[accounts]` table.
pub const KEYS: &[&str] = &["chart", "clearing", "receivable", "datev_consultant", "datev_client", "fiscal_year_start", "account_length", "revenue"];
const RULE_KEYS: &[&str] = &["treatment", "rate", "country", "account", "tax_key", "tax_code"];

/// The DATEV standard chart of accounts the defaults come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    Skr03,
    Skr04,
}

impl Chart {
    /// DATEV header field 27, Sachkontenrahmen.
    pub fn code(self) -> &'static str {
        match self {
            Chart::Skr03 => "03",
            Chart::Skr04 => "04",
        }
    }
}

/// Where a document's revenue of one treatment and rate is booked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevenueRule {
    /// `None`: any treatment.
    pub treatment: Option<Treatment>,
    /// `None`: any rate.
    pub rate: Option<Decimal>,
    /// The taxing country (the document's jurisdiction: an OSS member state, a non-EU
    /// registration's country); `None`: any. OSS sales to France and Austria are both 20 %,
    /// and each member state is its own line of the OSS return.
    pub country: Option<String>,
    pub account: String,
    /// DATEV BU-Schlüssel, up to four digits; empty for an automatic account.
    pub tax_key: String,
    /// The tax rate's name in Xero or QuickBooks; empty: a name made from the treatment.
    pub tax_code: String,
}

/// The account mapping, defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accounts {
    pub chart: Chart,
    pub clearing: String,
    /// The Konto of a bank-transfer document: trade receivables.
    pub receivable: String,
    pub datev_consultant: u32,
    pub datev_client: u32,
    /// (month, day) the fiscal year begins.
    pub fiscal_year_start: (u32, u32),
    pub account_length: u32,
    /// Configured rules first, then the chart's defaults (which match everything).
    pub revenue: Vec<RevenueRule>,
    /// How many of `revenue` were configured (the rest are the chart's defaults).
    pub configured: usize,
}

impl Default for Accounts {
    fn default() -> Accounts {
        Accounts::for_chart(Chart::Skr03)
    }
}

impl Accounts {
    /// The defaults of `chart`: a German seller's accounts for electronically supplied
    /// services (SKR03 / SKR04 numbers; see README, "Account mapping").
    pub fn for_chart(chart: Chart) -> Accounts {
        let (clearing, receivable, domestic, oss, reverse_charge, third_country) = match chart {
            // 1360 Geldtransit; 1410 Forderungen aus Lieferungen und Leistungen ohne
            // Kontokorrent (1400 is the collective account the debtors feed, which DATEV does
            // not let a booking post to directly; SKR04: 1210, not 1200); 8400 Erlöse
            // 19 % USt (automatic); 8339 Erlöse aus im anderen EU-Land steuerbaren Leistungen;
            // 8336 … für die der Leistungsempfänger die Umsatzsteuer schuldet; 8338 Erlöse
            // aus im Drittland steuerbaren Leistungen.
            Chart::Skr03 => ("1360", "1410", "8400", "8339", "8336", "8338"),
            Chart::Skr04 => ("1460", "1210", "4400", "4339", "4336", "4338"),
        };
        let rule = |treatment, account: &str| RevenueRule {
            treatment: Some(treatment),
            rate: None,
            country: None,
            account: account.into(),
            tax_key: String::new(),
            tax_code: String::new(),
        };
        Accounts {
            chart,
            clearing: clearing.into(),
            receivable: receivable.into(),
            datev_consultant: 1001,
            datev_client: 1,
            fiscal_year_start: (1, 1),
            account_length: 4,
            revenue: vec![
                rule(Treatment::Domestic, domestic),
                rule(Treatment::Oss, oss),
                rule(Treatment::ReverseCharge, reverse_charge),
                rule(Treatment::NonEuTax, third_country),
                rule(Treatment::NonEuReverseCharge, third_country),
                rule(Treatment::OutsideScope, third_country),
            ],
            configured: 0,
        }
    }

    /// The rule revenue of `treatment` at `rate` is booked by: the first that matches.
    pub fn revenue(&self, treatment: Treatment, rate: Decimal, country: &str) -> &RevenueRule {
        self.revenue.iter().find(|r| r.matches(treatment, rate, country)).expect("the chart's defaults cover every treatment")
    }
}

impl Accounts {
    /// Whether a document's revenue of `treatment` at `rate` falls to the German chart's
    /// defaults, configured rules matching none of it.
    pub fn by_default(&self, treatment: Treatment, rate: Decimal, country: &str) -> bool {
        !self.revenue[..self.configured].iter().any(|r| r.matches(treatment, rate, country))
    }
}

impl RevenueRule {
    fn matches(&self, treatment: Treatment, rate: Decimal, country: &str) -> bool {
        self.treatment.is_none_or(|t| t == treatment) && self.rate.is_none_or(|x| x == rate) && self.country.as_deref().is_none_or(|c| c == country)
    }
}

/// The tax code a rule gives a line in Xero or QuickBooks: the configured name, else one
/// made from the treatment, each regime its own (its tax lands on its own return): `VAT 19%`
/// (domestic), `OSS FR 20%`, `UK VAT 20%` (a non-EU registration's tax by its name),
/// `Reverse Charge`, `No VAT`.
pub fn tax_code(rule: &RevenueRule, treatment: Treatment, rate: Decimal, country: &str) -> String {
    if !rule.tax_code.is_empty() {
        return rule.tax_code.clone();
    }
    let rate = rate.normalize();
    match treatment {
        Treatment::Domestic => format!("VAT {rate}%"),
        Treatment::Oss => format!("OSS {country} {rate}%"),
        Treatment::NonEuTax => format!("{} {rate}%", tax::rates::jurisdiction(country).map_or("VAT", |j| j.tax_name)),
        Treatment::ReverseCharge | Treatment::NonEuReverseCharge => "Reverse Charge".into(),
        Treatment::OutsideScope => "No VAT".into(),
    }
}

/// Reads `[accounts]` from a company.toml's text (absent: the SKR03 defaults), reporting
/// problems as diagnostics against `company.toml`.
pub fn parse(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Accounts {
    let Ok(root) = text.parse::<toml::Table>() else { return Accounts::default() };
    let Some(table) = root.get("accounts") else { return Accounts::default() };
    let mut error = |field: &str, message: String| diagnostics.push(Diagnostic::new(COMPANY, None, field, message));
    let Some(table) = table.as_table() else {
        error("accounts", "is not a table; expected [accounts]".into());
        return Accounts::default();
    };
    let chart = match table.get("chart").map(|v| v.as_str()) {
        None | Some(Some("skr03")) => Chart::Skr03,
        Some(Some("skr04")) => Chart::Skr04,
        Some(_) => {
            error("accounts.chart", "expected \"skr03\" or \"skr04\"".into());
            Chart::Skr03
        }
    };
    let mut accounts = Accounts::for_chart(chart);
    let mut rules = Vec::new();
    for (key, value) in table {
        let field = format!("accounts.{key}");
        match key.as_str() {
            "chart" => {}
            "clearing" => match account_number(value) {
                Ok(a) => accounts.clearing = a,
                Err(e) => error(&field, e),
            },
            "receivable" => match account_number(value) {
                Ok(a) => accounts.receivable = a,
                Err(e) => error(&field, e),
            },
            "datev_consultant" => match integer(value, 1001, 9_999_999) {
                Ok(n) => accounts.datev_consultant = n,
                Err(e) => error(&field, e),
            },
            "datev_client" => match integer(value, 1, 99_999) {
                Ok(n) => accounts.datev_client = n,
                Err(e) => error(&field, e),
            },
            "account_length" => match integer(value, 4, 8) {
                Ok(n) => accounts.account_length = n,
                Err(e) => error(&field, e),
            },
            "fiscal_year_start" => {
                let parsed = value
                    .as_str()
                    .and_then(|s| chrono::NaiveDate::parse_from_str(&format!("2000-{s}"), "%Y-%m-%d").ok())
                    .map(|d| (chrono::Datelike::month(&d), chrono::Datelike::day(&d)));
                match parsed {
                    // Not every year has the day to begin on.
                    Some((2, 29)) => error(&field, "'02-29' is not a day every year has; a fiscal year begins on a day that is, e.g. \"03-01\"".into()),
                    Some(md) => accounts.fiscal_year_start = md,
                    None => error(&field, "expected a month and day, \"MM-DD\" (e.g. \"01-01\")".into()),
                }
            }
            "revenue" => {
                let Some(list) = value.as_array() else {
                    error(&field, "expected [[accounts.revenue]] tables".into());
                    continue;
                };
                for (i, item) in list.iter().enumerate() {
                    let field = format!("accounts.revenue[{i}]");
                    match item.as_table().ok_or_else(|| (field.clone(), "is not a table".to_string())).and_then(|t| rule(t, &field)) {
                        Ok(r) => rules.push(r),
                        Err((f, e)) => error(&f, e),
                    }
                }
            }
            _ => error(&field, format!("unknown key; expected one of {}", KEYS.join(", "))),
        }
    }
    // Account numbers longer than the ledger's account length are personal accounts in
    // DATEV (debtors), not revenue or clearing accounts.
    let length = accounts.account_length as usize;
    for (key, account) in [("accounts.clearing", &accounts.clearing), ("accounts.receivable", &accounts.receivable)] {
        if account.len() > length {
            error(key, format!("'{account}' has more digits than account_length ({length})"));
        }
    }
    for (i, r) in rules.iter().enumerate() {
        if r.account.len() > length {
            error(&format!("accounts.revenue[{i}].account"), format!("'{}' has more digits than account_length ({length})", r.account));
        }
    }
    accounts.configured = rules.len();
    rules.append(&mut accounts.revenue);
    accounts.revenue = rules;
    accounts
}

fn account_number(value: &toml::Value) -> Result<String, String> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(n) => n.to_string(),
        _ => return Err(format!("{}; expected an account number such as \"1360\"", is_a(value.type_str()))),
    };
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) || text.bytes().all(|b| b == b'0') {
        return Err(format!("'{text}' is not an account number: 1 to 9 digits, not all zero"));
    }
    Ok(text)
}

fn integer(value: &toml::Value, min: u32, max: u32) -> Result<u32, String> {
    value
        .as_integer()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("expected a whole number from {min} to {max}"))
}

fn rule(t: &toml::Table, field: &str) -> Result<RevenueRule, (String, String)> {
    let at = |key: &str| format!("{field}.{key}");
    for key in t.keys() {
        if !RULE_KEYS.contains(&key.as_str()) {
            return Err((at(key), format!("unknown key; expected one of {}", RULE_KEYS.join(", "))));
        }
    }
    let string = |key: &str| -> Result<Option<String>, (String, String)> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err((at(key), format!("{}; expected a string", is_a(v.type_str())))),
        }
    };
    let treatment = string("treatment")?
        .map(|s| serde_json::from_value::<Treatment>(serde_json::Value::String(s.clone())).map_err(|_| {
            (at("treatment"), format!("'{s}' is not a treatment; expected domestic, oss, reverse_charge, non_eu_tax, non_eu_reverse_charge or outside_scope"))
        }))
        .transpose()?;
    let rate = string("rate")?
        .map(|s| s.parse::<Decimal>().map(|d| d.normalize()).map_err(|_| (at("rate"), format!("'{s}' is not a rate in percent such as \"19\""))))
        .transpose()?;
    let account = account_number(t.get("account").ok_or_else(|| (at("account"), "is missing".to_string()))?).map_err(|e| (at("account"), e))?;
    let tax_key = string("tax_key")?.unwrap_or_default();
    if tax_key.len() > 4 || !tax_key.bytes().all(|b| b.is_ascii_digit()) {
        return Err((at("tax_key"), format!("'{tax_key}' is not a DATEV tax key (BU-Schlüssel): up to 4 digits, or empty")));
    }
    let country = string("country")?
        .map(|s| {
            let code = s.trim().to_ascii_uppercase();
            (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code).ok_or_else(|| (at("country"), format!("'{s}' is not a country code such as \"FR\"")))
        })
        .transpose()?;
    Ok(RevenueRule { treatment, rate, country, account, tax_key, tax_code: string("tax_code")?.unwrap_or_default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Accounts, Vec<String>) {
        let mut diagnostics = Vec::new();
        let accounts = parse(text, &mut diagnostics);
        (accounts, diagnostics.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn without_a_table_the_skr03_defaults_apply() {
        let (a, errors) = parsed("[seller]\n");
        assert!(errors.is_empty());
        assert_eq!((a.clearing.as_str(), a.receivable.as_str()), ("1360", "1410"));
        assert_eq!(a.revenue(Treatment::Domestic, Decimal::from(19), "DE").account, "8400");
        assert_eq!(a.revenue(Treatment::Oss, Decimal::from(21), "BE").account, "8339");
        assert_eq!(a.revenue(Treatment::ReverseCharge, Decimal::ZERO, "FR").account, "8336");
        assert_eq!(a.revenue(Treatment::OutsideScope, Decimal::ZERO, "US").account, "8338");
    }

    #[test]
    fn skr04_and_configured_rules_come_before_the_defaults() {
        let (a, errors) = parsed(
            "[accounts]\nchart = \"skr04\"\ndatev_consultant = 4711\n[[accounts.revenue]]\ntreatment = \"domestic\"\nrate = \"7\"\naccount = \"4300\"\n[[accounts.revenue]]\ntreatment = \"oss\"\naccount = \"4320\"\ntax_key = \"240\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((a.clearing.as_str(), a.datev_consultant), ("1460", 4711));
        assert_eq!(a.revenue(Treatment::Domestic, Decimal::new(70, 1), "DE").account, "4300");
        assert_eq!(a.revenue(Treatment::Domestic, Decimal::from(19), "DE").account, "4400");
        assert_eq!(a.revenue(Treatment::Oss, Decimal::from(20), "FR").tax_key, "240");
    }

    #[test]
    fn a_rule_may_name_the_taxing_country() {
        let (a, errors) = parsed(
            "[accounts]\n[[accounts.revenue]]\ntreatment = \"oss\"\ncountry = \"fr\"\naccount = \"8341\"\ntax_code = \"OSS France\"\n[[accounts.revenue]]\ntreatment = \"oss\"\ncountry = \"France\"\naccount = \"8342\"\n",
        );
        assert_eq!(errors, ["company.toml: accounts.revenue[1].country: 'France' is not a country code such as \"FR\""]);
        let (a2, _) = parsed("[accounts]\n[[accounts.revenue]]\ntreatment = \"oss\"\ncountry = \"fr\"\naccount = \"8341\"\ntax_code = \"OSS France\"\n");
        for a in [&a, &a2] {
            // France and Austria are both 20 %: only the country tells them apart.
            let fr = a.revenue(Treatment::Oss, Decimal::from(20), "FR");
            assert_eq!((fr.account.as_str(), tax_code(fr, Treatment::Oss, Decimal::from(20), "FR").as_str()), ("8341", "OSS France"));
            let at = a.revenue(Treatment::Oss, Decimal::from(20), "AT");
            assert_eq!((at.account.as_str(), tax_code(at, Treatment::Oss, Decimal::from(20), "AT").as_str()), ("8339", "OSS AT 20%"));
        }
        assert!(!a2.by_default(Treatment::Oss, Decimal::from(20), "FR"));
        assert!(a2.by_default(Treatment::Oss, Decimal::from(20), "AT"));
    }

    #[test]
    fn mistakes_name_their_key() {
        let (_, errors) = parsed(
            "[accounts]\nclearing = \"13a0\"\ndatev_client = 0\nfiscal_year_start = \"13-01\"\ncolour = 1\n[[accounts.revenue]]\ntreatment = \"export\"\naccount = \"8400\"\n[[accounts.revenue]]\naccount = \"84000\"\ntax_key = \"12345\"\n",
        );
        assert_eq!(
            errors,
            [
                "company.toml: accounts.clearing: '13a0' is not an account number: 1 to 9 digits, not all zero",
                "company.toml: accounts.colour: unknown key; expected one of chart, clearing, receivable, datev_consultant, datev_client, fiscal_year_start, account_length, revenue",
                "company.toml: accounts.datev_client: expected a whole number from 1 to 99999",
                "company.toml: accounts.fiscal_year_start: expected a month and day, \"MM-DD\" (e.g. \"01-01\")",
                "company.toml: accounts.revenue[0].treatment: 'export' is not a treatment; expected domestic, oss, reverse_charge, non_eu_tax, non_eu_reverse_charge or outside_scope",
                "company.toml: accounts.revenue[1].tax_key: '12345' is not a DATEV tax key (BU-Schlüssel): up to 4 digits, or empty",
            ]
        );
    }
}
