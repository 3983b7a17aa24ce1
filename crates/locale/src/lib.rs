//! Translations: the words and formats of a document in its customer's language.
//!
//! Texts live in `i18n/<language>.toml`, files a person can edit without touching code. The
//! shipped files are compiled into the binary; a folder named in company.toml
//! (`[resources] translations`) is read at run time and its files take the place of the
//! built-in ones of the same language, or add languages ([`load_folder`]): an edited
//! `sv.toml` or a new `is.toml` works without a rebuild. Every file, built in or not, has the
//! same keys and placeholders as English (checked when it is read); a language without a
//! file falls back to English, and the issuing run says so.
//!
//! Number, date and currency formats and the country names of the shipped files are
//! generated from the Unicode CLDR (`scripts/cldr_i18n.py`, with Babel's CLDR data); the
//! words are written by hand.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;

use domain::document::LegendKey;
use domain::money::ROUNDING;

/// The shipped translation files, by primary language tag.
const FILES: &[(&str, &str)] = &[
    ("bg", include_str!("../i18n/bg.toml")),
    ("cs", include_str!("../i18n/cs.toml")),
    ("da", include_str!("../i18n/da.toml")),
    ("de", include_str!("../i18n/de.toml")),
    ("el", include_str!("../i18n/el.toml")),
    ("en", include_str!("../i18n/en.toml")),
    ("es", include_str!("../i18n/es.toml")),
    ("et", include_str!("../i18n/et.toml")),
    ("fi", include_str!("../i18n/fi.toml")),
    ("fr", include_str!("../i18n/fr.toml")),
    ("ga", include_str!("../i18n/ga.toml")),
    ("hr", include_str!("../i18n/hr.toml")),
    ("hu", include_str!("../i18n/hu.toml")),
    ("it", include_str!("../i18n/it.toml")),
    ("lt", include_str!("../i18n/lt.toml")),
    ("lv", include_str!("../i18n/lv.toml")),
    ("mt", include_str!("../i18n/mt.toml")),
    ("nb", include_str!("../i18n/nb.toml")),
    ("nl", include_str!("../i18n/nl.toml")),
    ("pl", include_str!("../i18n/pl.toml")),
    ("pt", include_str!("../i18n/pt.toml")),
    ("ro", include_str!("../i18n/ro.toml")),
    ("sk", include_str!("../i18n/sk.toml")),
    ("sl", include_str!("../i18n/sl.toml")),
    ("sv", include_str!("../i18n/sv.toml")),
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
    /// A customer's statement: its headings, what its lines are, its balance.
    pub statement: StatementTexts,
    /// Country names by ISO code (English names come from the country table).
    #[serde(default)]
    pub countries: BTreeMap<String, String>,
    /// A country's own name for its company register number, by ISO code, where this
    /// language has one (Czech `IČO`, Danish `CVR-nr.`): only a seller established in that
    /// country is labelled by it. Any other seller's number is `labels.registration_id`, a
    /// term that names no country's register (a Czech invoice from an Estonian company does
    /// not say `IČO`).
    #[serde(default)]
    pub registers: BTreeMap<String, String>,
    /// Every text of the file, as (`section.key`, text), in key order: what the file can put
    /// on a document, e.g. to check a font covers it.
    #[serde(skip)]
    pub words: Vec<(String, String)>,
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
    /// What `reverse_charge_short` stands for, in words (a screen reader's expansion).
    pub reverse_charge_expansion: String,
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
    /// A cancelling credit note's sentence where nothing had been paid for the invoice.
    pub cancelled_unpaid: String,
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
    /// A credit note of a bank-transfer invoice: the refund went back by transfer.
    pub refunded: String,
    pub refunded_row: String,
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

/// A customer's statement (`invoicesmith statement`): every invoice, credit note, payment and
/// refund of a period, and the balance. A credit note's relation to its invoice is worded as
/// on the documents (`phrases.credits`…), and so is a card (`labels.payment_card`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementTexts {
    pub title: String,
    /// The heading over the customer's name and address.
    pub customer: String,
    /// Printed when the statement was made without the payment history.
    pub documents_only: String,
    /// The column headings.
    pub date: String,
    pub item: String,
    pub detail: String,
    pub charged: String,
    pub paid: String,
    /// What a line is: a document (its short name), or money.
    pub invoice: String,
    pub credit_note: String,
    pub payment: String,
    pub refund: String,
    pub duplicate: String,
    pub duplicate_returned: String,
    pub brought_forward: String,
    /// The detail of money without a document; `{reference}` is a transaction's id.
    pub duplicate_of: String,
    pub refund_of: String,
    pub not_invoiced: String,
    pub transfer_for: String,
    /// A document of several lines: `{description}` is its first line's, `{count}` how many
    /// more it has.
    pub more_lines: String,
    /// The balance of a currency, `{amount}` its money.
    pub settled: String,
    pub in_your_favour: String,
    pub due: String,
    /// The footer beside the page number: `{customer}` is the customer's id.
    pub footer: String,
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

/// Languages read at run time ([`load_folder`]), over the built-in ones. Each is leaked
/// once, so documents borrow texts for the whole run as they do built-in ones.
static LOADED: std::sync::RwLock<BTreeMap<String, &'static Texts>> = std::sync::RwLock::new(BTreeMap::new());

/// How many times [`LOADED`] changed: a thread's remembered lookup ([`texts`]) holds only
/// while this is what it was when the lookup was made.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Reads every `<language>.toml` of `dir` (not its subfolders) and uses it for that language
/// from now on, in place of a built-in file. Returns the languages read, or one diagnostic
/// per bad file or key (file names relative to the data folder as `display` says).
pub fn load_folder(dir: &std::path::Path, display: &str) -> Result<Vec<String>, Vec<domain::diag::Diagnostic>> {
    use domain::diag::Diagnostic;
    let entries = std::fs::read_dir(dir).map_err(|e| vec![Diagnostic::new(display, None, "", format!("cannot be read as a translations folder: {e}"))])?;
    let mut files: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
        .collect();
    files.sort();
    let mut diagnostics = Vec::new();
    let mut read = Vec::new();
    for (tag, path) in files {
        let name = format!("{display}/{tag}.toml");
        if !(2..=3).contains(&tag.len()) || !tag.bytes().all(|b| b.is_ascii_lowercase()) {
            diagnostics.push(Diagnostic::new(&name, None, "", "is not named by a language's primary tag, e.g. 'sv.toml' or 'is.toml'"));
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(Diagnostic::new(&name, None, "", format!("cannot be read: {e}")));
                continue;
            }
        };
        match parse_checked(&text) {
            Ok(texts) => read.push((tag, texts)),
            Err(refused) => diagnostics.push(Diagnostic::new(&name, refused.line, &refused.key, refused.message)),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut loaded = LOADED.write().unwrap_or_else(|e| e.into_inner());
    let tags = read.iter().map(|(t, _)| t.clone()).collect();
    for (tag, texts) in read {
        let texts: &'static Texts = Box::leak(Box::new(texts));
        loaded.insert(tag, texts);
    }
    // After the change, under the lock: a lookup that read the old generation looks again.
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Release);
    Ok(tags)
}

/// What is wrong with a translation file: where (the 1-based line, when known, and the
/// dotted key) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub line: Option<u64>,
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Parses a translation file and checks it against English: every key (parsing refuses
/// unknown and missing ones) and, per text, the same placeholders. The error names the line
/// and the key.
pub fn parse_checked(text: &str) -> Result<Texts, Refused> {
    // The text is parsed once, to a table; the texts are read from that table (so serde's
    // code is made for one deserializer, not two) and its strings are listed from it.
    let not_translations = |e: toml::de::Error| {
        // The message may span several lines; a diagnostic is one.
        let message: Vec<&str> = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        Refused { line: e.span().map(|s| line_at(text, s.start)), key: String::new(), message: format!("is not a translation file: {}", message.join("; ")) }
    };
    let table: toml::Table = toml::from_str(text).map_err(not_translations)?;
    let mut texts: Texts = match toml::Value::Table(table.clone()).try_into() {
        Ok(texts) => texts,
        // A table has no positions; the text read directly does, for the message's line
        // (the same refusal: the same type read from the same TOML).
        Err(e) => return Err(not_translations(toml::from_str::<Texts>(text).err().unwrap_or(e))),
    };
    words_of(&table, "", &mut texts.words);
    // English, the reference, is parsed once per process, not once per file checked.
    static EN: OnceLock<toml::Table> = OnceLock::new();
    let en = EN.get_or_init(|| toml::from_str(builtin("en")).expect("en.toml parses"));
    for section in SECTIONS {
        for (key, value) in en[*section].as_table().expect("a table") {
            let theirs = table[*section].get(key).and_then(|v| v.as_str()).unwrap_or_default();
            let (mine, english) = (placeholders(theirs), placeholders(value.as_str().unwrap_or_default()));
            if mine != english {
                return Err(Refused {
                    line: line_of_key(text, section, key),
                    key: format!("{section}.{key}"),
                    message: format!("has the placeholders {{{}}}; expected {{{}}} as in en.toml", mine.join("}, {"), english.join("}, {")),
                });
            }
        }
    }
    Ok(texts)
}

/// The 1-based line of byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The line `key` of `[section]` is on, in a file that parsed.
fn line_of_key(text: &str, section: &str, key: &str) -> Option<u64> {
    line_of(text, &format!("{section}.{key}"))
}

/// The 1-based line of the text a dotted key names (as [`Texts::words`] lists them:
/// `labels.page`, `months[2]`) in a translation file's `text`; `None` where the text does not
/// parse or has no such key. Diagnostics about one text of a file name its line with it.
pub fn line_of(text: &str, key: &str) -> Option<u64> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        // `name[i]…`: an array's element, possibly nested.
        let (name, indexes) = part.split_once('[').map_or((part, ""), |(n, rest)| (n, rest));
        let (found, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
        let mut at = (found.span().start, value);
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            let DeValue::Array(items) = at.1.get_ref() else { return None };
            let item = items.get(index.strip_suffix(']')?.parse::<usize>().ok()?)?;
            at = (item.span().start, item);
        }
        if parts.peek().is_none() {
            return Some(line_at(text, at.0));
        }
        let DeValue::Table(inner) = at.1.get_ref() else { return None };
        table = inner;
    }
    None
}

/// Every string of `table` (and its tables and arrays) with its dotted key, after `prefix`.
fn words_of(table: &toml::Table, prefix: &str, out: &mut Vec<(String, String)>) {
    fn walk(value: &toml::Value, key: String, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::String(s) => out.push((key, s.clone())),
            toml::Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(v, format!("{key}[{i}]"), out)),
            toml::Value::Table(t) => words_of(t, &key, out),
            _ => {}
        }
    }
    for (key, value) in table {
        walk(value, if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") }, out);
    }
}

/// The sections whose texts carry placeholders.
const SECTIONS: &[&str] = &["labels", "phrases", "legends", "reasons", "sources", "transfer", "brand", "statement"];

fn placeholders(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|x| x.0.to_string())).collect();
    v.sort();
    v
}

/// The shipped translation files' text, by primary tag.
pub fn shipped_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied()
}

fn builtin(tag: &str) -> &'static str {
    FILES.iter().find(|f| f.0 == tag).map(|f| f.1).expect("a shipped language")
}

fn all() -> &'static BTreeMap<&'static str, Texts> {
    static ALL: OnceLock<BTreeMap<&'static str, Texts>> = OnceLock::new();
    ALL.get_or_init(|| {
        let parse = |tag: &str, text: &str| parse_checked(text).unwrap_or_else(|e| panic!("i18n/{tag}.toml is invalid: {e}"));
        let mut all: BTreeMap<&'static str, Texts> = FILES.iter().map(|(tag, text)| (*tag, parse(tag, text))).collect();
        for r in REGIONAL {
            let mut texts = parse(r.language, builtin(r.language));
            texts.format.decimal = r.decimal.into();
            texts.format.group = r.group.into();
            texts.format.money = r.money.into();
            all.insert(r.tag, texts);
        }
        all
    })
}

/// A region whose numbers and money are written otherwise than its language's file says
/// (CLDR): the words are the language's.
struct Regional {
    tag: &'static str,
    language: &'static str,
    decimal: &'static str,
    group: &'static str,
    money: &'static str,
}

/// Switzerland and Liechtenstein write `CHF 1’234.50` in German and Italian (CLDR de-CH,
/// de-LI, it-CH); French in Switzerland writes as in France.
const REGIONAL: &[Regional] = &[
    Regional { tag: "de-CH", language: "de", decimal: ".", group: "\u{2019}", money: "{symbol}\u{a0}{amount}" },
    Regional { tag: "de-LI", language: "de", decimal: ".", group: "\u{2019}", money: "{symbol}\u{a0}{amount}" },
    Regional { tag: "it-CH", language: "it", decimal: ".", group: "\u{2019}", money: "{symbol}\u{a0}{amount}" },
];

/// Whether `language` (a BCP 47 tag such as `de` or `pt-BR`) has its own texts.
pub fn is_supported(language: &str) -> bool {
    loaded(primary(language)).is_some() || all().contains_key(primary(language))
}

/// A language read at run time.
fn loaded(tag: &str) -> Option<&'static Texts> {
    LOADED.read().unwrap_or_else(|e| e.into_inner()).get(tag).copied()
}

impl Texts {
    /// The label of a company registration number of a seller established in `country`.
    pub fn registration_label(&self, country: domain::country::CountryCode) -> &str {
        self.registers.get(country.as_str()).unwrap_or(&self.labels.registration_id)
    }
}

/// The texts for `language`: read at run time, else built in, else English.
///
/// A document asks for its language's texts dozens of times per format: each thread keeps
/// its last answer, valid while the same language is asked and no translations were loaded
/// since (the lookup otherwise takes a lock all rendering threads share).
pub fn texts(language: &str) -> &'static Texts {
    use std::cell::RefCell;
    use std::sync::atomic::Ordering;
    thread_local! {
        static LAST: RefCell<(u64, String, Option<&'static Texts>)> = const { RefCell::new((0, String::new(), None)) };
    }
    // Read before the lookup: a change after it makes the next call look again.
    let generation = GENERATION.load(Ordering::Acquire);
    LAST.with_borrow_mut(|(last_generation, last_language, last)| {
        if let Some(texts) = *last
            && *last_generation == generation
            && last_language == language
        {
            return texts;
        }
        let texts = look_up(language);
        *last_generation = generation;
        last_language.clear();
        last_language.push_str(language);
        *last = Some(texts);
        texts
    })
}

/// [`texts`] without the thread's remembered answer.
fn look_up(language: &str) -> &'static Texts {
    let tag = primary(language);
    if let Some(texts) = loaded(tag) {
        return texts;
    }
    let all = all();
    // A region with its own numbers (`de-CH`), as written in any case (`de-ch`).
    if let Some(r) = REGIONAL.iter().find(|r| r.tag.eq_ignore_ascii_case(language.trim())) {
        return &all[r.tag];
    }
    all.get(tag).unwrap_or_else(|| &all["en"])
}

/// The primary tag of `language`; Norwegian (`no`, and Nynorsk `nn`, which has no file) is
/// written in Bokmål (`nb`).
fn primary(language: &str) -> &str {
    match language.split('-').next().unwrap_or(language) {
        "no" | "nn" => "nb",
        tag => tag,
    }
}

/// A country's name in `language` (English where the file has none).
pub fn country_name(language: &str, country: domain::country::CountryCode) -> String {
    texts(language).countries.get(country.as_str()).cloned().unwrap_or_else(|| country.name().to_string())
}

/// The legend `key` (of `[legends]`) in `language`, filled with `values`.
pub fn legend(language: &str, key: LegendKey, values: &[(&str, &str)]) -> String {
    let l = &texts(language).legends;
    let template = match key {
        LegendKey::ReverseCharge => &l.reverse_charge,
        LegendKey::Oss => &l.oss,
        LegendKey::ReverseChargeGb => &l.reverse_charge_gb,
        LegendKey::ReverseChargeNo => &l.reverse_charge_no,
        LegendKey::GstNotChargedAu => &l.gst_not_charged_au,
        LegendKey::TaxRegistration => &l.tax_registration,
        LegendKey::OutsideScopeBusiness => &l.outside_scope_business,
        LegendKey::OutsideScopeConsumer => &l.outside_scope_consumer,
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
        // Parsing with deny_unknown_fields and no defaults proves the key sets; the
        // placeholders are compared against English.
        for (tag, text) in FILES {
            if let Err(e) = parse_checked(text) {
                panic!("{tag}.toml: {e}");
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
    fn a_refused_file_names_the_line_and_key() {
        let en = builtin("en");
        let line = |start: &str| en.lines().position(|l| l.starts_with(start)).unwrap() as u64 + 1;
        let page = line("page = ");
        let e = parse_checked(&en.replace("page = \"Page {page} of {pages}\"", "page = \"{pages}\"")).unwrap_err();
        assert_eq!(e, Refused { line: Some(page), key: "labels.page".into(), message: "has the placeholders {pages}; expected {page}, {pages} as in en.toml".into() });
        assert_eq!(e.to_string(), format!("line {page}: labels.page: has the placeholders {{pages}}; expected {{page}}, {{pages}} as in en.toml"));
        let e = parse_checked(&en.replace("page = ", "pgae = ")).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (Some(page), ""));
        assert!(e.message.starts_with("is not a translation file: unknown field `pgae`, expected "), "{}", e.message);
        // Not TOML at all: where the parser stopped, on one line.
        let e = parse_checked("[labels]\ninvoice = \"Invoice\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.starts_with("is not a translation file: ") && !e.message.contains('\n'), "{}", e.message);
        assert_eq!(Refused { line: None, key: String::new(), message: "m".into() }.to_string(), "m");
    }

    #[test]
    fn line_of_finds_a_text_by_its_dotted_key_as_words_lists_it() {
        let text = "# a comment\n[labels]\ninvoice = \"Invoice\"\n\n[formats]\nmonths = [\n  \"Jan\",\n  \"Feb\",\n]\n[countries]\nDE = \"Germany\"\n";
        assert_eq!(line_of(text, "labels.invoice"), Some(3));
        assert_eq!(line_of(text, "formats.months[0]"), Some(7));
        assert_eq!(line_of(text, "formats.months[1]"), Some(8));
        assert_eq!(line_of(text, "countries.DE"), Some(11));
        assert_eq!(line_of(text, "labels"), Some(2));
        for missing in ["labels.page", "formats.months[2]", "labels.invoice.x", "formats.months[x]", "nothing"] {
            assert_eq!(line_of(text, missing), None, "{missing}");
        }
        assert_eq!(line_of("[labels\n", "labels"), None);
        // Every text of the shipped English file is found on the line it starts on.
        let en = builtin("en");
        let words = &parse_checked(en).unwrap().words;
        assert!(words.len() > 100);
        for (key, value) in words {
            let line = line_of(en, key).unwrap_or_else(|| panic!("{key}"));
            let at = en.lines().nth(line as usize - 1).unwrap();
            let last = key.rsplit(['.', '[']).next().unwrap();
            assert!(at.contains(last.trim_end_matches(']')) || at.contains(value.as_str()), "{key} on line {line}: {at}");
        }
    }

    /// A thread keeps its last lookup, but a folder loaded since is seen at once, also for
    /// the language it asked last.
    #[test]
    fn translations_loaded_later_replace_what_a_thread_looked_up_before() {
        // `qq` (no language of ours, so no other test sees it) reads as English until loaded.
        assert_eq!(texts("qq").labels.invoice, "Invoice");
        assert_eq!(texts("qq-XX").labels.invoice, "Invoice");
        let dir = std::env::temp_dir().join(format!("invoicesmith-locale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let english = FILES.iter().find(|f| f.0 == "en").unwrap().1;
        std::fs::write(dir.join("qq.toml"), english.replacen("invoice = \"Invoice\"", "invoice = \"Qinvoice\"", 1)).unwrap();
        let loaded = load_folder(&dir, "i18n");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(loaded.unwrap(), ["qq"]);
        assert_eq!(texts("qq-XX").labels.invoice, "Qinvoice");
        assert_eq!(texts("qq").labels.invoice, "Qinvoice");
        assert_eq!(texts("en").labels.invoice, "Invoice");
    }

    #[test]
    fn numbers_money_and_dates_follow_the_language() {
        let d = Decimal::from_str("1234.5").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        assert_eq!(texts("en").format.money(d, 2, "EUR"), "€1,234.50");
        assert_eq!(texts("de").format.money(d, 2, "EUR"), "1.234,50\u{a0}€");
        assert_eq!(texts("fr").format.money(d, 2, "EUR"), "1\u{a0}234,50\u{a0}€");
        // Swiss German and Italian: the apostrophe groups, a point before the decimals, the
        // currency first (CLDR de-CH, it-CH); the words stay German or Italian.
        assert_eq!(texts("de-CH").format.money(d, 2, "CHF"), "CHF\u{a0}1\u{2019}234.50");
        assert_eq!(texts("de-ch").format.money(d, 2, "EUR"), "€\u{a0}1\u{2019}234.50");
        assert_eq!(texts("it-CH").format.money(-d, 2, "CHF"), "-CHF\u{a0}1\u{2019}234.50");
        assert_eq!(texts("de-CH").labels.invoice, "Rechnung");
        assert_eq!(texts("de-AT").format.money(d, 2, "EUR"), "1.234,50\u{a0}€", "Austria writes as Germany here");
        assert_eq!(texts("fr-CH").format.money(d, 2, "CHF"), texts("fr").format.money(d, 2, "CHF"));
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
        // Every language shipped before the CLDR-generated ones names the euro by its symbol
        // (CLDR gives Hungarian and Romanian the code).
        for language in ["de", "en", "es", "et", "fr", "it", "nl", "pl", "pt"] {
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
    fn the_romanian_reverse_charge_legend_is_the_mention_the_fiscal_code_requires() {
        // Codul fiscal art. 319 alin. (20) lit. m): the mention «taxare inversă» where the
        // client is the person liable for the VAT (see the comment in i18n/ro.toml).
        assert_eq!(
            legend("ro", domain::document::LegendKey::ReverseCharge, &[]),
            "Taxare inversă: clientul este persoana obligată la plata TVA (articolul 196 din Directiva 2006/112/CE a Consiliului)."
        );
    }

    #[test]
    fn fill_replaces_each_placeholder_once_and_leaves_other_braces() {
        assert_eq!(fill("{a} and {b}, {a}", &[("a", "x"), ("b", "{a}")]), "x and {a}, x");
        assert_eq!(fill("{unknown} {a", &[("a", "x")]), "{unknown} {a");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
    }
}
