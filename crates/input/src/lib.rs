//! Input: the data folder → a validated [`DataSet`].
//!
//! Reading is split from parsing: [`load`] reads the files, [`parse`] is pure and works on
//! their text, so tests and other programs can feed data without touching the disk.
//!
//! Parsing never stops at the first problem. Every field is checked and every problem
//! becomes a [`Diagnostic`] naming file, line (CSV) or key (TOML), field, the bad value and
//! what was expected; a data set with any diagnostic is rejected as a whole, so a run on bad
//! input issues nothing.

mod company;
mod csv_table;
mod customers;
mod exchange_rates;
pub mod peppol_id;
mod text;
mod transactions;

use std::borrow::Cow;
use std::path::Path;

use domain::brand::{LogoError, MAX_LOGO_BYTES};
use domain::diag::Diagnostic;
use domain::model::DataSet;

pub use domain::model::{COMPANY, CUSTOMERS, EXCHANGE_RATES, TRANSACTIONS};

/// The text of the data folder's files. `exchange_rates` is optional.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub company: String,
    pub customers: String,
    pub transactions: String,
    pub exchange_rates: Option<String>,
    /// The logo file company.toml names (`[brand] logo`), as read: its name as written and
    /// its bytes, or why it could not be read.
    pub logo: Option<(String, Result<Vec<u8>, String>)>,
}

/// A number in plain decimal notation (digits, one `.`, a leading `-`), as every number of
/// the input is written: the decimal parser alone would also read `1.08e2` and skip `_`
/// (`0_8565` would be 8565).
pub(crate) fn plain_decimal(s: &str) -> Option<rust_decimal::Decimal> {
    use std::str::FromStr;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
        return None;
    }
    rust_decimal::Decimal::from_str(s).ok()
}

/// Reads the data folder. Missing or unreadable required files are diagnostics too.
pub fn read_sources(dir: &Path) -> Result<Sources, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut read = |name: &str, required: bool| -> Option<String> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => match text(name, bytes) {
                Ok(text) => Some(text),
                Err(d) => {
                    diagnostics.push(d);
                    None
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
            Err(e) => {
                let what = if e.kind() == std::io::ErrorKind::NotFound {
                    format!("file not found in {}", dir.display())
                } else {
                    format!("cannot be read: {e}")
                };
                diagnostics.push(Diagnostic::new(name, None, "", what));
                None
            }
        }
    };
    let company = read(COMPANY, true);
    let customers = read(CUSTOMERS, true);
    let transactions = read(TRANSACTIONS, true);
    let exchange_rates = read(EXCHANGE_RATES, false);
    let logo = company.as_deref().and_then(company::logo_path).map(|name| {
        // Relative to company.toml, as the archive path is; never a link's target.
        (name.clone(), read_logo(&dir.join(&name), dir))
    });
    match (company, customers, transactions) {
        (Some(company), Some(customers), Some(transactions)) if diagnostics.is_empty() => {
            Ok(Sources { company, customers, transactions, exchange_rates, logo })
        }
        _ => Err(diagnostics),
    }
}

/// The bytes of the logo file `path` (named in `dir`'s company.toml): a regular file of at
/// most [`MAX_LOGO_BYTES`], read no further than that. company.toml may name any path, and
/// reading `/dev/zero` to its end would take all memory, and a FIFO would never end; the
/// error completes `'<name>' …`.
fn read_logo(path: &Path, dir: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let unreadable = |e: std::io::Error| format!("cannot be read from {}: {e}", dir.display());
    let not_a_file = || "is not a regular file (a device, a FIFO or a folder); expected a .png, .jpg/.jpeg or .svg file".to_string();
    // Checked before opening it too: opening a FIFO waits for a writer.
    if !std::fs::metadata(path).map_err(unreadable)?.is_file() {
        return Err(not_a_file());
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(not_a_file());
    }
    let mut bytes = Vec::new();
    file.take(MAX_LOGO_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() > MAX_LOGO_BYTES {
        let size = usize::try_from(metadata.len()).unwrap_or(usize::MAX).max(bytes.len());
        return Err(LogoError::TooLarge { bytes: size }.to_string());
    }
    Ok(bytes)
}

/// A file's bytes as text: UTF-8 (with or without a BOM), or a diagnostic saying where it
/// is not and what it probably is.
fn text(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Diagnostic::new(name, None, "", "is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Diagnostic::new(
            name,
            Some(line),
            "",
            format!("is not UTF-8 text: byte 0x{:02X} is not part of a UTF-8 character (Latin-1 or Windows-1252?); save the file as UTF-8", bytes[at]),
        )
    })
}

/// Reads and validates the data folder.
pub fn load(dir: &Path) -> Result<DataSet, Vec<Diagnostic>> {
    parse_taking(&mut read_sources(dir)?)
}

/// Parses a `company.toml` on its own (as stored in the archive for later corrections).
pub fn parse_company(text: &str) -> Result<domain::model::Company, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    match company::parse(text, &mut diagnostics) {
        Some(c) if diagnostics.is_empty() => Ok(c),
        _ => Err(diagnostics),
    }
}

/// Transactions dated more than a year after `now`: a mistyped year (2062 for 2026), not a
/// payment. Issued, such a transaction's document would carry that date, and — dates ascend
/// within a number series — so would every later document of its series, in an archive that
/// never forgets. (Any nearer date is taken as given: test data and clocks differ by days to
/// months, never by a year.) `now` is the run's one reading of the clock.
pub fn far_ahead(data: &DataSet, now: chrono::DateTime<chrono::Utc>) -> Vec<Diagnostic> {
    let limit = now + chrono::Duration::days(366);
    data.transactions
        .iter()
        .filter(|t| t.timestamp > limit)
        .map(|t| {
            Diagnostic::new(
                TRANSACTIONS,
                Some(t.source_line),
                "timestamp",
                format!(
                    "'{}' is more than a year after today ({}); a payment is recorded after it happens (is the year right?)",
                    t.timestamp.to_rfc3339(),
                    now.date_naive()
                ),
            )
        })
        .collect()
}

pub use company::{logo_path, parse_email};
pub use customers::parse_language;
pub use customers::TEXT_LIMITS as CUSTOMER_TEXT_LIMITS;
pub use text::{ControlCharacter, TooLong, check_length, limits, single_line};

/// Validates the files' text into a data set, or returns every problem found.
pub fn parse(sources: &Sources) -> Result<DataSet, Vec<Diagnostic>> {
    parse_texts(sources, Cow::Borrowed(&sources.customers), Cow::Borrowed(&sources.transactions))
}

/// [`parse`], taking the customers' and transactions' text out of `sources` (left empty):
/// each is freed as soon as its rows are read, so a large month's text (18 MB at 100,000
/// transactions) is not held beside the data set being built. The rest of `sources`
/// (company.toml, exchange rates, logo) stays.
pub fn parse_taking(sources: &mut Sources) -> Result<DataSet, Vec<Diagnostic>> {
    let customers = std::mem::take(&mut sources.customers);
    let transactions = std::mem::take(&mut sources.transactions);
    parse_texts(sources, Cow::Owned(customers), Cow::Owned(transactions))
}

fn parse_texts(sources: &Sources, customers_text: Cow<'_, str>, transactions_text: Cow<'_, str>) -> Result<DataSet, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let company = company::parse_with_logo(&sources.company, sources.logo.clone(), &mut diagnostics);
    let (customers, customer_ids) = customers::parse(&customers_text, &mut diagnostics);
    drop(customers_text);
    let currency_rates = sources
        .exchange_rates
        .as_deref()
        .map(|text| exchange_rates::parse(text, &mut diagnostics))
        .unwrap_or_default();
    let transactions = transactions::parse(transactions_text, &customers, customer_ids.as_ref(), &mut diagnostics);
    match company {
        Some(company) if diagnostics.is_empty() => {
            Ok(DataSet::new(company, customers, transactions, currency_rates))
        }
        _ => {
            diagnostics.sort();
            diagnostics.dedup();
            Err(diagnostics)
        }
    }
}

#[cfg(test)]
mod tests;
