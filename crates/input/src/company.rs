//! `company.toml`: the seller and the number series.
//!
//! Walked key by key rather than deserialised in one go, so each problem names its full key
//! (`seller.address.country`) and all of them are reported, not just the first.

use toml::{Table, Value};

use domain::brand::{Brand, FooterLine, Logo, Rgb};
use domain::country::CountryCode;
use domain::diag::{Diagnostic, Sink, is_a};
use domain::model::{Address, BankAccount, Company, Numbering, Resources, ReturnPeriod, Seller, TaxRegistration};
use domain::money::Currency;
use domain::numbering::NumberPattern;
use domain::payment::iban;
use tax::registration::{Scheme, SchemeRules};
use tax::{rates, tax_id};

use super::COMPANY;
use super::text::{self, limits::{EMAIL, LINE, POSTAL_CODE}};

/// The longest value accepted in each string a document prints or an e-invoice carries, in
/// characters (key as written, `[n]` left out): the seller's name, address and email as the
/// same customers.csv columns (`customers::TEXT_LIMITS`), ids, numbers and one-line footer
/// texts as any other line of text. A value that is not what the key means (a file pasted
/// into it) would otherwise be printed on every document; it is refused, and nothing is
/// issued. Values with a shape of their own (IBAN, BIC, phone, Peppol ID, tax IDs, number
/// patterns) are limited too, so that their errors never quote such a value.
pub(crate) const TEXT_LIMITS: &[(&str, usize)] = &[
    ("seller.legal_name", LINE),
    ("seller.vat_id", LINE),
    ("seller.registration_id", LINE),
    ("seller.email", EMAIL),
    ("seller.peppol_id", LINE),
    ("seller.contact_name", LINE),
    ("seller.phone", LINE),
    ("seller.address.line1", LINE),
    ("seller.address.line2", LINE),
    ("seller.address.city", LINE),
    ("seller.address.postal_code", POSTAL_CODE),
    ("seller.address.region", LINE),
    ("seller.tax_registrations.number", LINE),
    ("numbering.invoice", LINE),
    ("numbering.credit_note", LINE),
    ("bank.iban", LINE),
    ("bank.bic", LINE),
    ("bank.account_holder", LINE),
    ("brand.registered_office", LINE),
    ("brand.register_court", LINE),
    ("brand.managing_directors", LINE),
    ("brand.website", LINE),
    ("brand.support", LINE),
];

/// The limit of `key` (`seller.tax_registrations[0].number`) in [`TEXT_LIMITS`], if any.
fn text_limit(key: &str) -> Option<usize> {
    let mut plain = String::with_capacity(key.len());
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        plain.push_str(&rest[..open]);
        rest = rest[open..].find(']').map_or("", |close| &rest[open + close + 1..]);
    }
    plain.push_str(rest);
    TEXT_LIMITS.iter().find(|(k, _)| *k == plain).map(|&(_, max)| max)
}

pub fn parse(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Company> {
    parse_with_logo(text, None, diagnostics)
}

/// The logo file `[brand] logo` names, if any (read before the file is parsed; its errors
/// are reported when the company file is parsed with it).
pub fn logo_path(text: &str) -> Option<String> {
    let root: Table = text.parse().ok()?;
    root.get("brand")?.get("logo")?.as_str().map(str::to_string).filter(|s| !s.trim().is_empty())
}

/// [`parse`] with the logo file `[brand] logo` names, as read (see [`logo_path`]). Without
/// it (a company.toml on its own, as archived) a configured logo is left out.
pub fn parse_with_logo(text: &str, logo: Option<(String, Result<Vec<u8>, String>)>, diagnostics: &mut Vec<Diagnostic>) -> Option<Company> {
    let mut sink = Sink::new(COMPANY, diagnostics);
    let root: Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() as u64 + 1);
            // One line, as every diagnostic: the parser's message may span several.
            let message: Vec<&str> = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            sink.push(line, "", format!("is not valid TOML: {}", message.join("; ")));
            return None;
        }
    };
    let mut keys = Keys { sink };
    // `[archive]` belongs to the archive (`archive::config`), `[accounts]` to the export
    // (`export::accounts`); each checks its own.
    keys.only(&root, "", &["seller", "numbering", "archive", "accounts", "bank", "brand", "resources"]);
    let seller = keys.table(&root, "", "seller").and_then(|t| keys.seller(t));
    let numbering = keys.table(&root, "", "numbering").and_then(|t| keys.numbering(t));
    let bank = match root.get("bank") {
        None => Some(None),
        Some(_) => keys.table(&root, "", "bank").and_then(|t| keys.bank(t, seller.as_ref())).map(Some),
    };
    let brand = match root.get("brand") {
        None => Some(None),
        Some(_) => keys.table(&root, "", "brand").and_then(|t| keys.brand(t, logo, bank.as_ref().and_then(Option::as_ref))).map(Some),
    };
    let resources = match root.get("resources") {
        None => Some(Resources::default()),
        Some(_) => keys.table(&root, "", "resources").map(|t| {
            keys.only(t, "resources", &["translations", "cjk_font"]);
            Resources { translations: keys.string(t, "resources", "translations", None), cjk_font: keys.string(t, "resources", "cjk_font", None) }
        }),
    };
    Some(Company { seller: seller?, numbering: numbering?, bank: bank?, brand: brand?, resources: resources? })
}

struct Keys<'a> {
    sink: Sink<'a>,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

impl Keys<'_> {
    fn error(&mut self, key: &str, message: impl Into<String>) {
        self.sink.push(None, key, message);
    }

    /// Reports keys of `table` that are not in `allowed` (typos would otherwise be ignored).
    fn only(&mut self, table: &Table, prefix: &str, allowed: &[&str]) {
        for key in table.keys() {
            if !allowed.contains(&key.as_str()) {
                self.error(&join(prefix, key), format!("unknown key; expected one of {}", allowed.join(", ")));
            }
        }
    }

    fn table<'t>(&mut self, parent: &'t Table, prefix: &str, key: &str) -> Option<&'t Table> {
        match parent.get(key) {
            Some(Value::Table(t)) => Some(t),
            Some(other) => {
                self.error(&join(prefix, key), format!("{}; expected a table [{}]", is_a(other.type_str()), join(prefix, key)));
                None
            }
            None => {
                self.error(&join(prefix, key), format!("is missing; expected a table [{}]", join(prefix, key)));
                None
            }
        }
    }

    /// A string value; `None` (and a diagnostic if `required`) when absent or empty.
    fn string(&mut self, parent: &Table, prefix: &str, key: &str, required: Option<&str>) -> Option<String> {
        let full = join(prefix, key);
        match parent.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => match text::single_line(s.trim()) {
                Ok(value) => match text_limit(&full).map_or(Ok(()), |max| text::check_length(&value, max)) {
                    Ok(()) => Some(value.into_owned()),
                    Err(too_long) => {
                        self.error(&full, too_long.to_string());
                        None
                    }
                },
                Err(reason) => {
                    self.error(&full, reason.to_string());
                    None
                }
            },
            Some(Value::String(_)) | None => {
                if let Some(what) = required {
                    let state = if parent.contains_key(key) { "is empty" } else { "is missing" };
                    self.error(&full, format!("{state}; expected {what}"));
                }
                None
            }
            Some(other) => {
                self.error(&full, format!("{}; expected a string", is_a(other.type_str())));
                None
            }
        }
    }

    /// A required string parsed by `parse`, whose error completes `'<value>' …`.
    fn parsed<T, E: std::fmt::Display>(
        &mut self,
        parent: &Table,
        prefix: &str,
        key: &str,
        what: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.string(parent, prefix, key, Some(what))?;
        parse(&raw).map_err(|reason| self.error(&join(prefix, key), format!("'{raw}' {reason}"))).ok()
    }

    fn seller(&mut self, t: &Table) -> Option<Seller> {
        let p = "seller";
        self.only(t, p, &[
            "legal_name", "address", "vat_id", "registration_id", "email", "base_currency", "timezone",
            "eu_oss", "tax_registrations", "vat_return_period", "peppol_id", "contact_name", "phone",
        ]);
        let legal_name = self.string(t, p, "legal_name", Some("the seller's legal name"));
        let address = self.table(t, p, "address").and_then(|a| self.address(a, "seller.address"));
        let vat_id = self.string(t, p, "vat_id", Some("the seller's VAT ID, e.g. 'EE102345676'"));
        let registration_id = self.string(t, p, "registration_id", None).unwrap_or_default();
        let email = self.parsed(t, p, "email", "the billing contact email", parse_email);
        let base_currency = self.parsed(t, p, "base_currency", "an ISO 4217 code such as 'EUR'", Currency::parse);
        let timezone = self.parsed(t, p, "timezone", "an IANA time zone such as 'Europe/Tallinn'", |s| {
            s.parse::<chrono_tz::Tz>().map_err(|_| "is not an IANA time zone name, e.g. 'Europe/Tallinn'".to_string())
        });
        let eu_oss = match t.get("eu_oss") {
            Some(Value::Boolean(b)) => Some(*b),
            Some(other) => {
                self.error("seller.eu_oss", format!("{}; expected true or false", is_a(other.type_str())));
                None
            }
            None => {
                self.error("seller.eu_oss", "is missing; expected true or false (registered for the Union OSS)");
                None
            }
        };
        let tax_registrations = self.tax_registrations(t);
        // Optional: what the Peppol and XRechnung e-invoices need of the seller.
        let peppol_id = match self.string(t, p, "peppol_id", None) {
            None => Some(None),
            Some(raw) => super::peppol_id::participant(&raw).map(Some).map_err(|reason| self.error("seller.peppol_id", format!("'{raw}' {reason}"))).ok(),
        };
        let contact_name = self.string(t, p, "contact_name", None);
        let phone = match self.string(t, p, "phone", None) {
            None => Some(None),
            Some(raw) => parse_phone(&raw).map(Some).map_err(|reason| self.error("seller.phone", format!("'{raw}' {reason}"))).ok(),
        };
        let vat_return_period = match self.string(t, p, "vat_return_period", None).as_deref() {
            None | Some("month") => Some(ReturnPeriod::Month),
            Some("quarter") => Some(ReturnPeriod::Quarter),
            Some(other) => {
                self.error("seller.vat_return_period", format!("'{other}' is not a return period; expected 'month' or 'quarter'"));
                None
            }
        };

        // The books' currency of a seller in the EU is its member state's: the one VAT is
        // stated in (Art. 230) and the returns are made in.
        if let (Some(a), Some(base)) = (&address, base_currency)
            && let Some(national) = tax::rates::national_currencies(a.country.as_str())
            && !national.contains(&base.code())
        {
            self.error(
                "seller.base_currency",
                format!("'{}' is not the national currency of {}, the seller's country; VAT is stated and returned in it (Art. 230 VAT Directive): expected '{}'", base.code(), a.country, national[0]),
            );
        }
        // The seller's own VAT ID follows its country's rules.
        let vat_id = match (&address, vat_id) {
            (Some(a), Some(id)) => match tax_id::check_tax_id(a.country.as_str(), &id) {
                Ok(canonical) => Some(canonical.map_or(id, |c| c.to_string())),
                Err(reason) => {
                    self.error("seller.vat_id", format!("'{id}' {reason}"));
                    None
                }
            },
            (_, id) => id,
        };
        Some(Seller {
            legal_name: legal_name?,
            address: address?,
            vat_id: vat_id?,
            registration_id,
            email: email?,
            base_currency: base_currency?,
            timezone: timezone?,
            eu_oss: eu_oss?,
            tax_registrations: tax_registrations?,
            vat_return_period: vat_return_period?,
            peppol_id: peppol_id?,
            contact_name,
            phone: phone?,
        })
    }

    fn address(&mut self, t: &Table, p: &str) -> Option<Address> {
        self.only(t, p, &["line1", "line2", "city", "postal_code", "region", "country"]);
        let line1 = self.string(t, p, "line1", Some("the street address"));
        let line2 = self.string(t, p, "line2", None).unwrap_or_default();
        let city = self.string(t, p, "city", Some("the city"));
        let postal_code = self.string(t, p, "postal_code", None).unwrap_or_default();
        let region = self.string(t, p, "region", None).unwrap_or_default();
        let country = self.parsed(t, p, "country", "an ISO 3166-1 alpha-2 country code", str::parse::<CountryCode>);
        Some(Address { line1: line1?, line2, city: city?, postal_code, region, country: country? })
    }

    fn tax_registrations(&mut self, seller: &Table) -> Option<Vec<TaxRegistration>> {
        let items = match seller.get("tax_registrations") {
            None => return Some(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error("seller.tax_registrations", format!("{}; expected [[seller.tax_registrations]] tables", is_a(other.type_str())));
                return None;
            }
        };
        let mut out: Vec<TaxRegistration> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = format!("seller.tax_registrations[{i}]");
            let Value::Table(t) = item else {
                self.error(&p, "expected a table with country, scheme and number");
                ok = false;
                continue;
            };
            self.only(t, &p, &["country", "scheme", "number"]);
            let country = self.parsed(t, &p, "country", "an ISO 3166-1 alpha-2 country code", |s| {
                let c = s.parse::<CountryCode>().map_err(|e| e.to_string())?;
                if tax::is_eu(c) {
                    return Err("is an EU member state; EU sales to consumers are declared through the OSS (seller.eu_oss)".into());
                }
                match rates::jurisdiction(c.as_str()) {
                    Some(j) if !j.seller_schemes.is_empty() => Ok(c),
                    _ => Err(format!("has no tax facts here (crates/tax/src/rates.rs); registrations are supported in {}", supported_countries())),
                }
            });
            let scheme = self.parsed(t, &p, "scheme", "a registration scheme, e.g. 'vat', 'voec', 'mwst', 'arn'", |s| {
                Scheme::parse(s).ok_or_else(|| {
                    let names: Vec<_> = Scheme::ALL.iter().map(|s| s.name()).collect();
                    format!("is not a registration scheme; expected one of {}", names.join(", "))
                })
            });
            let number = self.string(t, &p, "number", Some("the seller's number in that scheme, e.g. 'VOEC 2034567'"));
            let (Some(country), Some(scheme), Some(number)) = (country, scheme, number) else {
                ok = false;
                continue;
            };
            let schemes = rates::jurisdiction(country.as_str()).map_or(&[][..], |j| j.seller_schemes);
            if !schemes.contains(&scheme) {
                let names: Vec<_> = schemes.iter().map(|s| s.name()).collect();
                self.error(&format!("{p}.scheme"), format!("'{}' is not a registration scheme of {country}; expected {}", scheme.name(), names.join(" or ")));
                ok = false;
                continue;
            }
            match scheme.check(country.as_str(), &number) {
                Ok(canonical) => {
                    if out.iter().any(|r| r.country == country) {
                        self.error(&format!("{p}.country"), format!("'{country}' is registered twice"));
                        ok = false;
                    }
                    out.push(TaxRegistration { country, scheme, number: canonical });
                }
                Err(reason) => {
                    self.error(&format!("{p}.number"), format!("'{number}' {reason}"));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// `[bank]`: the account bank-transfer invoices are paid to.
    fn bank(&mut self, t: &Table, seller: Option<&Seller>) -> Option<BankAccount> {
        let p = "bank";
        self.only(t, p, &["iban", "bic", "account_holder", "payment_terms_days"]);
        let iban = self.parsed(t, p, "iban", "the seller's IBAN, e.g. 'EE38 2200 2210 2014 5685'", iban::parse);
        let bic = match self.string(t, p, "bic", None) {
            None => Some(None),
            Some(raw) => iban::parse_bic(&raw).map(Some).map_err(|reason| self.error("bank.bic", format!("'{raw}' {reason}"))).ok(),
        };
        let account_holder = self.string(t, p, "account_holder", None).or_else(|| seller.map(|s| s.legal_name.clone()));
        let terms_days = match t.get("payment_terms_days") {
            None => Some(14),
            Some(Value::Integer(days)) if (0..=365).contains(days) => Some(*days as u32),
            Some(other) => {
                self.error("bank.payment_terms_days", format!("'{other}' is not a number of days; expected 0 to 365 (days from the invoice date to the due date)"));
                None
            }
        };
        Some(BankAccount { account_holder: account_holder?, iban: iban?, bic: bic?, terms_days: terms_days? })
    }

    /// `[brand]`: logo, accent colour and the footer lines of the company's business letters.
    fn brand(&mut self, t: &Table, logo: Option<(String, Result<Vec<u8>, String>)>, bank: Option<&BankAccount>) -> Option<Brand> {
        let p = "brand";
        const FOOTER: &[&str] = &["registered_office", "register_court", "managing_directors", "website", "support"];
        let mut allowed = vec!["logo", "accent"];
        allowed.extend(FOOTER);
        self.only(t, p, &allowed);
        let accent = match self.string(t, p, "accent", None) {
            None => Some(None),
            Some(raw) => Rgb::parse(&raw).map(Some).map_err(|reason| self.error("brand.accent", format!("'{raw}' {reason}"))).ok(),
        };
        let logo = match (self.string(t, p, "logo", None), logo) {
            (None, _) => Some(None),
            // A company.toml read on its own (an archived snapshot): the documents carry the logo.
            (Some(_), None) => Some(None),
            (Some(_), Some((name, Err(reason)))) => {
                self.error("brand.logo", format!("'{name}' {reason}"));
                None
            }
            (Some(_), Some((name, Ok(bytes)))) => Logo::load(&name, bytes).map(Some).map_err(|reason| self.error("brand.logo", format!("'{name}' {reason}"))).ok(),
        };
        // The footer lines in a fixed order; the bank account last, from [bank].
        let mut footer: Vec<FooterLine> =
            FOOTER.iter().filter_map(|key| Some(FooterLine { key: (*key).to_string(), value: self.string(t, p, key, None)? })).collect();
        if let Some(bank) = bank {
            let bic = bank.bic.as_deref().map(|b| format!(" · BIC {b}")).unwrap_or_default();
            footer.push(FooterLine { key: "bank_account".into(), value: format!("IBAN {}{bic}", iban::grouped(&bank.iban)) });
        }
        Some(Brand { accent: accent?, logo: logo?, footer })
    }

    fn numbering(&mut self, t: &Table) -> Option<Numbering> {
        let p = "numbering";
        self.only(t, p, &["invoice", "credit_note"]);
        let what = "a number pattern such as 'KL-INV-{year}-{seq:06}'";
        let invoice = self.parsed(t, p, "invoice", what, NumberPattern::parse);
        let credit_note = self.parsed(t, p, "credit_note", what, NumberPattern::parse);
        let (invoice, credit_note) = (invoice?, credit_note?);
        if let Some((credit, invoice_number)) = credit_note.shared_number(&invoice) {
            let example = if credit == invoice_number {
                format!("both can be {credit}")
            } else {
                format!("{invoice_number} and {credit} would be the same file name ('/' is written as '_', and file systems may ignore case)")
            };
            self.error(
                "numbering.credit_note",
                format!(
                    "'{}' overlaps numbering.invoice '{}': {example}; credit notes need a series of their own, e.g. another literal prefix",
                    credit_note.as_str(),
                    invoice.as_str()
                ),
            );
            return None;
        }
        Some(Numbering { invoice, credit_note })
    }
}

/// The countries where a seller registration can be declared, e.g. "AU, CH, GB, NO".
fn supported_countries() -> String {
    let countries: Vec<_> = rates::all().iter().filter(|j| !j.seller_schemes.is_empty()).map(|j| j.country).collect();
    countries.join(", ")
}

/// A plausible email address (one '@', something on both sides, a dot in the domain).
pub fn parse_email(s: &str) -> Result<String, String> {
    match s.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@') && !s.contains(char::is_whitespace) =>
        {
            Ok(s.to_string())
        }
        _ => Err("is not an email address".into()),
    }
}

/// A telephone number as printed: digits with at most the usual separators, at least three
/// digits (XRechnung BR-DE-27).
fn parse_phone(s: &str) -> Result<String, String> {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 3 && s.chars().all(|c| c.is_ascii_digit() || " +-()/.".contains(c)) {
        Ok(s.to_string())
    } else {
        Err("is not a telephone number; expected digits with optional + ( ) - / . and spaces, e.g. '+372 600 1234'".into())
    }
}
