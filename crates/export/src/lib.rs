//! Month-end export: what accounting hands to the bookkeeper and the tax return.
//!
//! Everything comes from the archive as issued: documents are copied byte for byte (never
//! re-rendered) and every figure is read from the documents' JSON records, so the export
//! agrees with the PDFs to the cent. One folder, and the same as one `.zip`:
//!
//! - `documents/` and `manifest.csv` (path, number, SHA-256), and `logo/<sha256>`: the logo
//!   file the documents' JSON records name by its SHA-256 (as the archive stores it);
//! - `journal.csv` (one row per document, credit notes negative), `journal-vat.csv` (per
//!   document and rate) and `journal-totals.csv` (per currency);
//! - `vat-summary.csv` and `vat-summary.md`: domestic VAT, OSS by member state and rate in the
//!   base currency, OSS corrections against the period of the original supply, reverse-charge
//!   supplies per customer VAT ID, supplies outside the EU, non-EU registrations;
//! - `reconciliation.csv` (with the data folder): every transaction of the period and what
//!   became of it; a succeeded transaction without its document is reported as missing;
//! - for the books: `datev/` (DATEV Buchungsstapel, [`datev`]), `xero/` and `quickbooks/`
//!   (their invoice imports, [`xero`], [`quickbooks`]), booked by the account mapping
//!   ([`accounts`]); `journal-lines.csv` and `revenue.csv` (per line, with the payment and
//!   service period, and the revenue schedule, [`revenue`]).
//!
//! The program's own CSV files can be written for Excel ([`crate::csv_out::Dialect`]); the
//! DATEV, Xero and QuickBooks files always have the form their importers require.

mod csv_out;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use domain::sha256::Sha256Sum;

pub mod accounts;
mod cp1252;
pub mod datev;
pub mod quickbooks;
pub mod revenue;
pub mod statement;
pub mod xero;

use archive::{Archive, RegisterEntry, State};
pub use crate::csv_out::{Dialect, DialectError};
use crate::csv_out::{Column, Rows, number, text};
use domain::document::{Document, DocumentKind, TaxCategory, Treatment};
use domain::error::{Error, Result};
use domain::history::History;
use domain::diag::Diagnostic;
use domain::model::{Company, DataSet, ReturnPeriod, Status, TransactionType};

/// A month or a calendar quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

/// A text that is not a month or a quarter; the text completes `'<text>' …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not a period; expected a month (2026-10) or a quarter (2026-Q4)")]
pub struct PeriodError;

impl Period {
    /// Parses `2026-10` or `2026-Q4`.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError;
        // Exactly as written in the examples: `2026-1` is refused, not read as January (or
        // taken for the year 2026's first quarter by a reader of the command line).
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        let (y, rest) = s.split_once('-').ok_or_else(bad)?;
        if !digits(y, 4) || !(digits(rest, 2) || rest.strip_prefix('Q').is_some_and(|q| digits(q, 1))) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        if let Some(q) = rest.strip_prefix('Q') {
            let quarter: u32 = q.parse().map_err(|_| bad())?;
            return (1..=4).contains(&quarter).then_some(Period::Quarter { year, quarter }).ok_or_else(bad);
        }
        let month: u32 = rest.parse().map_err(|_| bad())?;
        (1..=12).contains(&month).then_some(Period::Month { year, month }).ok_or_else(bad)
    }

    pub fn first_day(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2),
        };
        NaiveDate::from_ymd_opt(y, m, 1).expect("valid period")
    }

    pub fn last_day(self) -> NaiveDate {
        let months = match self {
            Period::Month { .. } => 1,
            Period::Quarter { .. } => 3,
        };
        self.first_day().checked_add_months(chrono::Months::new(months)).and_then(|d| d.pred_opt()).expect("valid period")
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        match self {
            Period::Month { year, month } => date.year() == year && date.month() == month,
            Period::Quarter { year, quarter } => date.year() == year && (date.month() - 1) / 3 + 1 == quarter,
        }
    }
}

impl Period {
    /// The return period of `length` that contains `date`.
    pub fn containing(length: ReturnPeriod, date: NaiveDate) -> Period {
        match length {
            ReturnPeriod::Month => Period::Month { year: date.year(), month: date.month() },
            ReturnPeriod::Quarter => Period::Quarter { year: date.year(), quarter: (date.month() - 1) / 3 + 1 },
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
        }
    }
}

/// How an export is written.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The dialect of the program's own CSV files.
    pub dialect: Dialect,
    /// The company.toml whose `[accounts]` books the documents (the data folder's); `None`:
    /// the one the period's last document was issued under.
    pub company_toml: Option<String>,
    /// Called when a large part of what the export held was freed (the register's indexes,
    /// then its entries): the binary returns the memory to the system there, so the next
    /// step's peak does not add it. The allocator is the binary's choice, hence a hook.
    pub release_memory: Option<fn()>,
}

/// What an export found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ExportReport {
    pub documents: usize,
    pub files: ExportedFiles,
    /// Succeeded transactions of the period without their document.
    pub missing: Vec<String>,
    pub zip: Option<PathBuf>,
    /// What the exporter should look at (the default accounts booking another country's
    /// domestic VAT).
    pub warnings: Vec<String>,
}

/// Every file of an export by its path in it, in the zip's order: kept as the export held
/// them for copying, each path made when listed (as `String`s, the 478,185 paths of a
/// 100,000-document month added ~27 MB at the end of the run).
#[derive(Clone, Default)]
pub struct ExportedFiles(FileList);

impl ExportedFiles {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The paths, in order.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.len()).map(|i| self.0.get(i).0)
    }
}

impl fmt::Debug for ExportedFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.paths()).finish()
    }
}

/// A list of the paths.
impl serde::Serialize for ExportedFiles {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.paths())
    }
}

/// A document of the period, read back from its JSON record.
struct Item {
    doc: Document,
}

impl Item {
    /// +1 for invoices, −1 for credit notes: the journal's sign convention.
    fn sign(&self) -> Decimal {
        if self.doc.kind == DocumentKind::CreditNote { -Decimal::ONE } else { Decimal::ONE }
    }
}

/// Reads a `company.toml` text: the input stage's `parse_company`.
pub type ReadCompany = fn(&str) -> std::result::Result<Company, Vec<Diagnostic>>;

/// Exports `period` from `archive` into `out` (which must not exist yet) and `out.zip`.
///
/// Memory is what a month needs, not a multiple of it: the data set is reduced to the
/// period's payments ([`Reconciling`]) before the register is read, generated files go to
/// disk as each is finished, and documents are streamed (see `write_files`).
///
/// Without `data`, the base currency and return period come from the `company.toml` the
/// period's first document was issued under, read by `read_company` (the input stage's
/// parser: export does not parse input itself).
pub fn export(archive: &Archive, period: Period, data: Option<Reconciling>, read_company: ReadCompany, out: &Path, options: &Options) -> Result<ExportReport> {
    let zip_path = out.with_extension("zip");
    if let Some(root) = archive::enclosing(out) {
        return Err(Error::Refused(format!(
            "{}: lies inside the archive {}; exports are written outside archives (only issue writes into one)",
            out.display(),
            root.display()
        )));
    }
    for path in [out, zip_path.as_path()] {
        if path.exists() {
            return Err(Error::Refused(format!("{}: already exists; exports are written to a new folder", path.display())));
        }
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::create_dir(out).map_err(|e| Error::io(out, e))?;
    let written = write_export(archive, period, data, read_company, out, &zip_path, options);
    if written.is_err() {
        // Nothing half-written is left to be mistaken for an export.
        let _ = std::fs::remove_dir_all(out);
        let _ = std::fs::remove_file(&zip_path);
    }
    written
}

/// [`export`] into the new folder `out`.
fn write_export(
    archive: &Archive,
    period: Period,
    data: Option<Reconciling>,
    read_company: ReadCompany,
    out: &Path,
    zip_path: &Path,
    options: &Options,
) -> Result<ExportReport> {
    use rayon::prelude::*;
    let (base, payments) = match data {
        Some(r) => (Some(r.base), Some((r.payments, r.returned, r.received))),
        None => (None, None),
    };
    let mut state = archive.checked_state()?;
    let mut entries: Vec<&RegisterEntry> = state.entries.iter().filter(|e| period.contains(e.issue_date)).collect();
    // Number order within each series: invoices, then credit notes.
    entries.sort_by_key(|e| (e.kind, e.year, e.seq));
    // The base currency and domestic return period: the data's company.toml, else the one
    // the period's first document was issued under.
    let (base, domestic_period) = match (base, entries.first()) {
        (Some(base), _) => base,
        (None, Some(first)) => read_company(&state.company_text(first)?)
            .map(|c| (c.seller.base_currency.to_string(), c.seller.vat_return_period))
            .map_err(Error::Input)?,
        (None, None) => ("EUR".into(), ReturnPeriod::Month),
    };
    let accounts = {
        let text = match (&options.company_toml, entries.iter().max_by_key(|e| e.issue_date)) {
            (Some(text), _) => Some(text.clone()),
            (None, Some(last)) => Some(state.company_text(last)?),
            (None, None) => None,
        };
        let mut diagnostics = Vec::new();
        let accounts = text.map(|t| accounts::parse(&t, &mut diagnostics)).unwrap_or_default();
        if !diagnostics.is_empty() {
            return Err(Error::Input(diagnostics));
        }
        accounts
    };
    let dialect = options.dialect;
    let mut report = ExportReport { documents: entries.len(), ..ExportReport::default() };
    // A seller outside Germany whose domestic sales fall to the German chart's defaults.
    let mut foreign_domestic = None;
    // An OSS sale booked by the chart's default (no tax key): the first one's member state.
    let mut oss_by_default: Option<String> = None;
    // Documents in another currency issued without their amounts in the base currency (no
    // rate was known): how many, and the first one's number and currency.
    let mut without_rate: (usize, Option<(String, String)>) = (0, None);
    // Documents whose non-EU tax (UK VAT, MWST, MVA, GST) falls to the default account, booked
    // with their revenue, gross (DATEV has no tax key for it): how many, and the first one's
    // number, country and tax.
    let mut foreign_tax_gross: (usize, Option<(String, String, String)>) = (0, None);
    // Generated files go to the folder as they are written and are zipped from there.
    let mut generated: Vec<String> = Vec::new();
    if let Some((payments, returned, received)) = payments {
        let mut csv = CsvFile::create(out, "reconciliation.csv", RECONCILIATION_COLUMNS, dialect)?;
        report.missing = reconciliation(&mut csv, &payments, &returned, &state, period)?;
        bank_transfer_invoices(&mut csv, &received, &state, period);
        generated.push(csv.finish()?);
    }
    for dir in ["datev", "xero", "quickbooks"] {
        let path = out.join(dir);
        std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
    }
    // The batch counts as made on the period's last issue date: never the clock, so the
    // same archive gives the same bytes.
    let created = entries.iter().map(|e| e.issue_date).max().unwrap_or_else(|| period.first_day());
    let mut datev = datev::Batches::create(&out.join("datev"), period, &accounts, &base, created)?;
    let mut xero = CsvFile::create(out, "xero/invoices.csv", xero::COLUMNS, Dialect::Plain)?;
    let mut qb_invoices = CsvFile::create(out, "quickbooks/invoices.csv", quickbooks::COLUMNS, Dialect::Plain)?;
    let mut qb_credit_notes = CsvFile::create(out, "quickbooks/credit-notes.csv", quickbooks::CREDIT_NOTE_COLUMNS, Dialect::Plain)?;
    let mut lines = CsvFile::create(out, "journal-lines.csv", revenue::LINE_COLUMNS, dialect)?;
    let mut schedule = CsvFile::create(out, "revenue.csv", revenue::REVENUE_COLUMNS, dialect)?;

    // The documents are read a chunk at a time (in parallel) and folded into the journals
    // and the summary, so memory does not grow with the month. While one chunk is written
    // the next one is read, and the files a chunk goes to are written by separate tasks:
    // one thread writing every file in turn left the other core mostly idle.
    let mut journal = CsvFile::create(out, "journal.csv", JOURNAL_COLUMNS, dialect)?;
    let mut journal_vat = CsvFile::create(out, "journal-vat.csv", JOURNAL_VAT_COLUMNS, dialect)?;
    let mut totals = Totals::new();
    let mut summary = Summary::new();
    let read = |chunk: &[&RegisterEntry]| chunk.par_iter().map(|entry| Ok(Item { doc: state.read_document(&entry.number)? })).collect::<Result<Vec<_>>>();
    let chunks: Vec<&[&RegisterEntry]> = entries.chunks(DOCUMENTS_AT_ONCE).collect();
    let mut items = match chunks.first() {
        Some(chunk) => read(chunk)?,
        None => Vec::new(),
    };
    for k in 0..chunks.len() {
        let items_now = &items;
        let docs = || items_now.iter().map(|i| &i.doc);
        let (mut next, mut journals, mut datev_done, mut xero_done, mut revenue_done) = (None, Ok(()), Ok(()), Ok(()), Ok(()));
        rayon::scope(|s| {
            if let Some(chunk) = chunks.get(k + 1) {
                let next = &mut next;
                s.spawn(move |_| *next = Some(read(chunk)));
            }
            s.spawn(|_| {
                write_journal(&mut journal.rows, items_now, &base);
                write_journal_vat(&mut journal_vat.rows, items_now);
                journals = journal.drain().and_then(|()| journal_vat.drain());
            });
            s.spawn(|_| datev_done = datev.write(docs()));
            s.spawn(|_| {
                for d in docs() {
                    xero::write(&mut xero.rows, d, &accounts);
                    let qb = if d.kind == DocumentKind::Invoice { &mut qb_invoices } else { &mut qb_credit_notes };
                    quickbooks::write(&mut qb.rows, d, &accounts);
                }
                xero_done = [&mut xero, &mut qb_invoices, &mut qb_credit_notes].into_iter().try_for_each(|csv| csv.drain());
            });
            s.spawn(|_| {
                for d in docs() {
                    revenue::write_lines(&mut lines.rows, d, &accounts);
                    revenue::write_schedule(&mut schedule.rows, d);
                }
                revenue_done = lines.drain().and_then(|()| schedule.drain());
            });
            add_totals(&mut totals, items_now);
            add_to_summary(&mut summary, items_now, &state, domestic_period);
            if oss_by_default.is_none() {
                oss_by_default = docs().find_map(|d| {
                    let country = d.tax.jurisdiction.as_str();
                    d.tax_breakdown
                        .iter()
                        .any(|r| row_treatment(d, r) == Treatment::Oss && accounts.by_default(Treatment::Oss, r.tax_rate.normalize(), country))
                        .then(|| country.to_string())
                });
            }
            for d in docs().filter(|d| d.currency.code() != base && d.in_base_currency().is_none()) {
                without_rate.0 += 1;
                without_rate.1.get_or_insert_with(|| (d.number.to_string(), d.currency.to_string()));
            }
            for d in docs() {
                let country = d.tax.jurisdiction.as_str();
                let gross = d.tax_breakdown.iter().any(|r| {
                    row_treatment(d, r) == Treatment::NonEuTax && !r.tax_amount.is_zero() && accounts.by_default(Treatment::NonEuTax, r.tax_rate.normalize(), country)
                });
                if gross {
                    foreign_tax_gross.0 += 1;
                    foreign_tax_gross.1.get_or_insert_with(|| (d.number.to_string(), country.to_string(), d.tax.tax_name.clone()));
                }
            }
            if foreign_domestic.is_none() {
                foreign_domestic = docs().find_map(|d| {
                    let country = d.seller.address.country;
                    let rate = d.tax_breakdown.iter().find(|r| row_treatment(d, r) == Treatment::Domestic)?.tax_rate.normalize();
                    (country.as_str() != "DE" && accounts.by_default(Treatment::Domestic, rate, country.as_str())).then_some((country, rate))
                });
            }
        });
        journals?;
        datev_done?;
        xero_done?;
        revenue_done?;
        if let Some(next) = next {
            items = next?;
        }
    }
    drop(items);
    generated.extend(datev.finish()?.into_iter().map(|name| format!("datev/{name}")));
    for csv in [journal, journal_vat, xero, qb_invoices, qb_credit_notes, lines, schedule] {
        generated.push(csv.finish()?);
    }
    let small = [
        // The register's head as exported: pins the archive's history from outside it
        // (`invoicesmith verify --expect-head`).
        ("register-head.txt", format!("{}\n", state.head()).into_bytes()),
        ("journal-totals.csv", totals_csv(totals, dialect)),
        ("vat-summary.md", summary_markdown(&summary, period, &base).into_bytes()),
        ("vat-summary.csv", summary_csv(&summary, dialect)),
    ];
    for (name, bytes) in small {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        generated.push(name.to_string());
    }

    let mut manifest = CsvFile::create(out, "manifest.csv", MANIFEST_COLUMNS, dialect)?;
    for chunk in entries.chunks(1024) {
        for entry in chunk {
            for f in &entry.files {
                manifest.rows.row([format!("documents/{}", file_name(&f.path)).as_str(), entry.number.as_str(), &f.sha256.to_string()]);
            }
        }
        manifest.drain()?;
    }
    // The logo files the records name, once each, listed with the first document naming it.
    let mut logos = BTreeMap::new();
    for entry in &entries {
        if let Some(logo) = entry.logo {
            logos.entry(logo).or_insert_with(|| entry.number.to_string());
        }
    }
    for (sha, number) in &logos {
        manifest.rows.row([archive::register::logo_path(sha).as_str(), number.as_str(), &sha.to_string()]);
    }
    if !logos.is_empty() {
        let path = out.join("logo");
        std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
    }
    generated.push(manifest.finish()?);
    // Copying needs only the list of files: the register (~100 MB at 100,000 documents) goes,
    // its indexes first, then each entry as its files' paths are moved (not copied) out of it.
    drop(entries);
    let registered = std::mem::take(&mut state.entries);
    drop(state);
    let release = || options.release_memory.iter().for_each(|f| f());
    release();
    // Every file of the export by its path in it, sorted: the zip's order. The documents'
    // files (five per document) are held compactly, by their register paths in one text.
    let mut others: Vec<(String, Source)> = logos
        .into_keys()
        .map(|sha256| {
            let path = archive::register::logo_path(&sha256);
            (path.clone(), Source::Archived { from: path.into_boxed_str(), sha256 })
        })
        .collect();
    others.extend(generated.into_iter().map(|name| (name, Source::Generated)));
    let mut documents = Documents::default();
    let period_entries = || registered.iter().filter(|e| period.contains(e.issue_date));
    documents.list.reserve_exact(period_entries().map(|e| e.files.len()).sum());
    documents.text.reserve_exact(period_entries().flat_map(|e| &e.files).map(|f| f.path.len()).sum());
    for entry in registered.into_iter().filter(|e| period.contains(e.issue_date)) {
        for f in entry.files {
            documents.push(&f.path, f.sha256);
        }
    }
    release();
    let files = FileList::new(others, documents);

    let zip_file = std::fs::File::create_new(zip_path).map_err(|e| Error::io(zip_path, e))?;
    write_files(archive, out, zip_file, zip_path, &files, period)?;
    report.files = ExportedFiles(files);
    report.zip = Some(zip_path.to_path_buf());
    if let Some(country) = oss_by_default {
        let account = &accounts.revenue(Treatment::Oss, Decimal::ZERO, &country).account;
        report.warnings.push(format!(
            "datev: OSS sales (the first to {country}) fall to the default account {account} without a tax key; DATEV books the OSS VAT only on the OSS account and tax key your tax adviser sets up (DATEV: a non-automatic account with an OSS key such as 240 or 241, or per member state): give [[accounts.revenue]] rules for treatment \"oss\" in company.toml, with country for each member state if they differ (README, \"Account mapping\")"
        ));
    }
    if let (count, Some((number, currency))) = without_rate {
        report.warnings.push(format!(
            "datev: {count} document(s) in another currency were issued without their amounts in {base} (the first {number}, in {currency}: exchange_rates.csv had no rate at its tax point), so their bookings carry the foreign amount without Kurs and Basis-Umsatz, which DATEV's import refuses; book them by hand at the rate of their tax point"
        ));
    }
    if let (count, Some((number, country, tax))) = foreign_tax_gross {
        let account = &accounts.revenue(Treatment::NonEuTax, Decimal::ZERO, &country).account;
        report.warnings.push(format!(
            "datev: {count} document(s) charge a non-EU tax under the seller's registration there (the first {number}: {tax}, {country}) and fall to the default account {account}, booked gross: DATEV has no tax key for another country's tax, so the tax owed to that country is booked as revenue; give [[accounts.revenue]] rules for treatment \"non_eu_tax\" in company.toml as your tax adviser sets them up, and book the tax to its liability account (vat-summary.csv states it per registration, in the return's currency)"
        ));
    }
    if let Some((country, rate)) = foreign_domestic {
        let account = &accounts.revenue(Treatment::Domestic, rate, country.as_str()).account;
        report.warnings.push(format!(
            "datev: the seller is in {country}, and its domestic sales ({rate} %) fall to the German chart's default account {account}, which DATEV books with German VAT; give [[accounts.revenue]] rules for treatment \"domestic\" in company.toml (README, \"Account mapping\")"
        ));
    }
    Ok(report)
}

/// Writes the export folder and its zip (`zip_file`, at `zip_path`): `files` by their paths
/// in the export.
///
/// Three stages run at once, a group of files at a time: archived files are read, checked
/// and (text) deflated on all cores; this thread appends them to the zip in order (streaming
/// the generated files from the folder); one more thread creates the copies in the folder. The zip is written in one pass (entries carry data
/// descriptors), its central directory kept as compact records, so memory does not grow with
/// the files' sizes. One thread creating the copies keeps ext4 from serialising creations in
/// `documents/` between threads. The zip's bytes depend only on the files, not on the cores.
fn write_files(
    archive: &Archive,
    out: &Path,
    zip_file: std::fs::File,
    zip_path: &Path,
    files: &FileList,
    period: Period,
) -> Result<()> {
    use rayon::prelude::*;
    use std::sync::{Arc, mpsc::sync_channel};
    let documents = out.join("documents");
    std::fs::create_dir(&documents).map_err(|e| Error::io(&documents, e))?;
    // The documents' copies are written by the threads that read them, as unnamed files of
    // this folder, and named by the copying thread (see `Prepared::copy`).
    let documents = &archive::fs::Dir::open(out, &documents)?.writable_files();
    let zip_error = |e: rawzip::Error| Error::io(zip_path, std::io::Error::other(e));
    let mut zip = rawzip::ZipArchiveWriter::builder()
        .with_capacity(files.len())
        .build(std::io::BufWriter::with_capacity(1 << 20, zip_file));
    // Fixed timestamps (the period's first day) keep the same export the same bytes.
    let time = rawzip::time::UtcDateTime::from_unix(period.first_day().and_time(chrono::NaiveTime::MIN).and_utc().timestamp());

    type Group = Arc<Vec<Prepared>>;
    std::thread::scope(|scope| -> Result<()> {
        let (to_zip, zip_queue) = sync_channel::<Result<Group>>(1);
        let (to_copy, copy_queue) = sync_channel::<Group>(1);
        scope.spawn(move || {
            for start in (0..files.len()).step_by(EXPORT_GROUP) {
                let group = start..(start + EXPORT_GROUP).min(files.len());
                let prepared = group.into_par_iter().map(|i| Prepared::new(archive, files.get(i), documents)).collect::<Result<Vec<_>>>();
                let failed = prepared.is_err();
                if to_zip.send(prepared.map(Arc::new)).is_err() || failed {
                    return;
                }
            }
        });
        let copier = scope.spawn(move || -> Result<()> {
            for group in copy_queue {
                for file in group.iter() {
                    match (&file.content, &file.copy) {
                        (Content::Read { .. }, Some((unnamed, sha256))) => {
                            documents.link_once(&archive::RealFs, out, unnamed, file_name(&file.path), sha256)?;
                        }
                        (Content::Read { bytes, .. }, None) => {
                            let target = out.join(&file.path);
                            std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
                        }
                        (Content::InFolder, _) => {}
                    }
                }
            }
            Ok(())
        });
        let zipped = (|| -> Result<()> {
            for group in zip_queue {
                let group = group?;
                for file in group.iter() {
                    let method = match &file.content {
                        Content::Read { deflated: None, .. } => rawzip::CompressionMethod::STORE,
                        _ => rawzip::CompressionMethod::DEFLATE,
                    };
                    let (mut entry, config) = zip
                        .new_file(&file.path)
                        .compression_method(method)
                        .last_modified(time)
                        .unix_permissions(0o100644) // a regular file, rw-r--r--
                        .start()
                        .map_err(zip_error)?;
                    let io_error = |e| Error::io(zip_path, e);
                    match &file.content {
                        Content::Read { bytes, crc32, deflated } => {
                            entry.write_all(deflated.as_ref().unwrap_or(bytes)).map_err(io_error)?;
                            entry.finish(rawzip::DataDescriptorOutput::new(*crc32, bytes.len() as u64)).map_err(zip_error)?;
                        }
                        Content::InFolder => {
                            // Streamed: the journals and the manifest are tens of megabytes at scale.
                            let from = out.join(&file.path);
                            let mut reader = std::fs::File::open(&from).map_err(|e| Error::io(&from, e))?;
                            let mut writer = config.wrap(flate2::write::DeflateEncoder::new(&mut entry, flate2::Compression::fast()));
                            std::io::copy(&mut reader, &mut writer).map_err(io_error)?;
                            let (encoder, output) = writer.finish().map_err(zip_error)?;
                            encoder.finish().map_err(io_error)?;
                            entry.finish(output).map_err(zip_error)?;
                        }
                    }
                }
                if to_copy.send(group).is_err() {
                    break; // the copier failed; its error is reported below
                }
            }
            Ok(())
        })();
        drop(to_copy);
        let copied = copier.join().expect("the copying thread does not panic");
        zipped.and(copied)
    })?;
    let mut zip_file = zip.finish().map_err(zip_error)?;
    zip_file.flush().map_err(|e| Error::io(zip_path, e))?;
    Ok(())
}

/// Documents read back (in parallel) and folded into the journals at a time: a record and
/// the document read from it are ~20 KB, so 1,024 at once held ~20 MB more than these.
const DOCUMENTS_AT_ONCE: usize = 256;

/// Files read and compressed together (see [`write_files`]): enough to keep both cores busy,
/// few enough that the groups in flight stay a few megabytes.
const EXPORT_GROUP: usize = 256;

/// One file of the export, ready for the zip and the folder.
struct Prepared {
    /// Path in the export.
    path: String,
    content: Content,
    /// A document's copy for the folder, written already as an unnamed file of `documents/`
    /// (with its SHA-256) where the system can: writing the copies was most of the time of
    /// the one thread that creates them (ext4 serialises creations in a folder, so names
    /// are still given by that one thread). Otherwise the copy is written from `bytes`.
    copy: Option<(archive::fs::Unnamed, Sha256Sum)>,
}

enum Content {
    /// An archived file, read and checked, for the zip and to be copied into the folder.
    Read {
        bytes: Vec<u8>,
        crc32: u32,
        /// The zip's data for text files; PDFs are compressed already and are stored as
        /// they are.
        deflated: Option<Vec<u8>>,
    },
    /// A generated file, in the folder already: streamed into the zip from there.
    InFolder,
}

impl Prepared {
    fn new(archive: &Archive, (path, source): (String, SourceRef<'_>), documents: &archive::fs::Dir) -> Result<Prepared> {
        let SourceRef::Archived { from, sha256 } = source else {
            return Ok(Prepared { path, content: Content::InFolder, copy: None });
        };
        let bytes = archive.store().read_verified(from, sha256)?;
        let copy = match path.starts_with(DOCUMENTS).then(|| documents.write_unnamed(&archive::RealFs, &bytes)).flatten() {
            Some(Ok(unnamed)) => Some((unnamed, *sha256)),
            Some(Err(e)) => return Err(Error::io(documents.path().join(file_name(&path)), e)),
            None => None,
        };
        let deflated = (!path.ends_with(".pdf")).then(|| domain::deflate::deflate(&bytes, domain::deflate::Framing::Raw));
        Ok(Prepared { path, content: Content::Read { crc32: crc32fast::hash(&bytes), bytes, deflated }, copy })
    }
}

/// Where an exported file's bytes come from.
#[derive(Clone)]
enum Source {
    /// A file of the archive, by its register path, with the SHA-256 it was issued with:
    /// checked as it is copied, so the export never ships an altered document.
    Archived { from: Box<str>, sha256: Sha256Sum },
    /// A file the export generated, already in the folder.
    Generated,
}

/// A [`Source`] borrowed from a [`FileList`].
#[derive(Clone, Copy)]
enum SourceRef<'l> {
    Archived { from: &'l str, sha256: &'l Sha256Sum },
    Generated,
}

/// The documents' files of an export: their register paths (`2026/KL-INV-2026-000001.pdf`)
/// one after the other in one text, and each one's end in it and SHA-256. At 100,000
/// documents these are half a million files: as `(String, Source)` pairs they took ~70 MB
/// beside the zip's directory; so they take ~35 MB.
#[derive(Clone, Default)]
struct Documents {
    text: String,
    /// Where each path ends in `text`, and the file's SHA-256.
    list: Vec<(u32, Sha256Sum)>,
}

impl Documents {
    fn push(&mut self, path: &str, sha256: Sha256Sum) {
        self.text.push_str(path);
        self.list.push((u32::try_from(self.text.len()).expect("an export's paths under 4 GB"), sha256));
    }

    /// The register path of file `i` (in push order).
    fn path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.list[i - 1].0 as usize };
        &self.text[start..self.list[i].0 as usize]
    }
}

/// Every file of an export in the zip's order (sorted by path in the export): the generated
/// files and logos sorting before `documents/`, the documents' files (`documents/` and the
/// file name of their register path) sorted by name, then the other files sorting after.
#[derive(Clone, Default)]
struct FileList {
    before: Vec<(String, Source)>,
    documents: Documents,
    /// Indices into `documents`, sorted by file name.
    order: Vec<u32>,
    after: Vec<(String, Source)>,
}

/// The folder of the documents' files in an export.
const DOCUMENTS: &str = "documents/";

impl FileList {
    fn new(mut others: Vec<(String, Source)>, documents: Documents) -> FileList {
        others.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // No other path starts with `documents/`: each sorts before all of its files or after.
        let split = others.partition_point(|(path, _)| path.as_str() < DOCUMENTS);
        let after = others.split_off(split);
        let mut order: Vec<u32> = (0..u32::try_from(documents.list.len()).expect("under 4 billion files")).collect();
        order.sort_unstable_by(|&a, &b| file_name(documents.path(a as usize)).cmp(file_name(documents.path(b as usize))));
        FileList { before: others, documents, order, after }
    }

    fn len(&self) -> usize {
        self.before.len() + self.order.len() + self.after.len()
    }

    /// File `i` in the zip's order: its path in the export and where its bytes come from.
    fn get(&self, i: usize) -> (String, SourceRef<'_>) {
        fn other((path, source): &(String, Source)) -> (String, SourceRef<'_>) {
            let source = match source {
                Source::Archived { from, sha256 } => SourceRef::Archived { from, sha256 },
                Source::Generated => SourceRef::Generated,
            };
            (path.clone(), source)
        }
        if i < self.before.len() {
            return other(&self.before[i]);
        }
        let i = i - self.before.len();
        match self.order.get(i) {
            Some(&k) => {
                let from = self.documents.path(k as usize);
                (format!("{DOCUMENTS}{}", file_name(from)), SourceRef::Archived { from, sha256: &self.documents.list[k as usize].1 })
            }
            None => other(&self.after[i - self.order.len()]),
        }
    }
}

/// A CSV file of the export written a chunk of rows at a time: rows go to an in-memory
/// writer that [`CsvFile::drain`] appends to the file, so a month's journal (tens of
/// megabytes at 100,000 documents) is never all in memory.
struct CsvFile {
    name: &'static str,
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    rows: Rows,
}

impl CsvFile {
    fn create(out: &Path, name: &'static str, columns: &'static [Column], dialect: Dialect) -> Result<CsvFile> {
        let path = out.join(name);
        let file = std::fs::File::create_new(&path).map_err(|e| Error::io(&path, e))?;
        Ok(CsvFile { name, path, file: std::io::BufWriter::new(file), rows: Rows::with_dialect(columns, dialect) })
    }

    /// Appends the rows written so far to the file.
    fn drain(&mut self) -> Result<()> {
        self.file.write_all(&self.rows.take()).map_err(|e| Error::io(&self.path, e))
    }

    /// Drains and closes the file; returns its name in the export.
    fn finish(mut self) -> Result<String> {
        self.drain()?;
        self.file.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.name.to_string())
    }
}

/// The file name of an archived file's register path (`2026/KL-INV-2026-000001.pdf`).
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Plain, locale-free decimal: `-1234.50`.
fn num(d: Decimal) -> String {
    d.to_string()
}

/// An amount at `digits` decimals, whatever arithmetic did to its scale: `0.00`, `-12.60`.
pub fn amt(d: Decimal, digits: u32) -> String {
    let mut d = d;
    d.rescale(digits);
    d.to_string()
}

const JOURNAL_COLUMNS: &[Column] = &[
    text("number"), text("type"), text("issue_date"), text("tax_point_date"), text("customer_id"), text("customer_name"),
    text("customer_country"), text("customer_vat_id"), text("currency"), number("net"), number("vat"), number("gross"),
    text("base_currency"), number("vat_base_currency"), number("exchange_rate"), text("treatment"), text("jurisdiction"),
    text("references"),
];

fn write_journal(w: &mut Rows, items: &[Item], base: &str) {
    for item in items {
        let d = &item.doc;
        let s = item.sign();
        let (vat_base, rate) = match d.in_base_currency() {
            Some(b) => (amt(b.tax_amount * s, b.currency.minor_units()), num(b.exchange_rate)),
            None if d.currency.to_string() == base => (amt(d.totals.tax * s, d.minor_units()), "1".into()),
            None => (String::new(), String::new()),
        };
        let refs: Vec<String> = d.references.iter().map(|r| r.number.to_string()).collect();
        w.row([
            d.number.as_str(),
            d.kind.code(),
            &d.issue_date.to_string(),
            &d.tax_point_date.to_string(),
            &d.customer_id,
            &d.customer.name,
            d.customer.address.country.as_str(),
            d.customer.tax_id.as_deref().unwrap_or(""),
            &d.currency.to_string(),
            &amt(d.totals.net * s, d.minor_units()),
            &amt(d.totals.tax * s, d.minor_units()),
            &amt(d.totals.gross * s, d.minor_units()),
            base,
            &vat_base,
            &rate,
            d.tax.treatment.code(),
            d.tax.jurisdiction.as_str(),
            &refs.join(" "),
        ]);
    }
}

const JOURNAL_VAT_COLUMNS: &[Column] = &[
    text("number"), text("type"), text("currency"), text("tax_category"), number("tax_rate"), number("taxable_amount"),
    number("tax_amount"),
];

fn write_journal_vat(w: &mut Rows, items: &[Item]) {
    for item in items {
        let d = &item.doc;
        for r in &d.tax_breakdown {
            let category = format!("{:?}", r.tax_category);
            w.row([
                d.number.as_str(),
                d.kind.code(),
                &d.currency.to_string(),
                &category,
                &num(r.tax_rate.normalize()),
                &amt(r.taxable_amount * item.sign(), d.minor_units()),
                &amt(r.tax_amount * item.sign(), d.minor_units()),
            ]);
        }
    }
}

/// Per currency: documents, net, VAT, gross, minor units.
type Totals = BTreeMap<String, (usize, Decimal, Decimal, Decimal, u32)>;

fn add_totals(totals: &mut Totals, items: &[Item]) {
    for item in items {
        let t = totals.entry(item.doc.currency.to_string()).or_default();
        t.4 = item.doc.minor_units();
        t.0 += 1;
        t.1 += item.doc.totals.net * item.sign();
        t.2 += item.doc.totals.tax * item.sign();
        t.3 += item.doc.totals.gross * item.sign();
    }
}

const TOTALS_COLUMNS: &[Column] = &[text("currency"), number("documents"), number("net"), number("vat"), number("gross")];

fn totals_csv(totals: Totals, dialect: Dialect) -> Vec<u8> {
    let mut w = Rows::with_dialect(TOTALS_COLUMNS, dialect);
    for (currency, (n, net, vat, gross, digits)) in totals {
        w.row([currency, n.to_string(), amt(net, digits), amt(vat, digits), amt(gross, digits)]);
    }
    w.take()
}

/// One row of the VAT summary.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SummaryKey {
    section: &'static str,
    /// Where the supply is taxed (member state, non-EU country).
    country: String,
    rate: String,
    currency: String,
    /// Customer VAT ID (reverse charge) or original period (corrections).
    detail: String,
}

#[derive(Clone, Debug, Default)]
struct SummaryRow {
    taxable: Decimal,
    vat: Decimal,
    documents: usize,
    digits: u32,
}

type Summary = BTreeMap<SummaryKey, SummaryRow>;

/// The treatment a breakdown row was taxed under: the document's, except on an invoice whose
/// plan-change lines keep the category of the invoice they adjust (an OSS supply adjusted on
/// a reverse-charge invoice after the customer gave a VAT ID).
pub(crate) fn row_treatment(d: &Document, row: &domain::document::TaxSubtotal) -> Treatment {
    let eu = tax::is_eu(d.tax.jurisdiction);
    match (row.tax_category, d.tax.treatment) {
        (TaxCategory::S, t @ (Treatment::Domestic | Treatment::Oss | Treatment::NonEuTax)) => t,
        (TaxCategory::AE, t @ (Treatment::ReverseCharge | Treatment::NonEuReverseCharge)) => t,
        (TaxCategory::O, Treatment::OutsideScope) => Treatment::OutsideScope,
        (TaxCategory::S, _) if !eu => Treatment::NonEuTax,
        (TaxCategory::S, _) if d.tax.jurisdiction == d.seller.address.country => Treatment::Domestic,
        (TaxCategory::S, _) => Treatment::Oss,
        (TaxCategory::AE, _) if eu => Treatment::ReverseCharge,
        (TaxCategory::AE, _) => Treatment::NonEuReverseCharge,
        (TaxCategory::O, _) => Treatment::OutsideScope,
    }
}

/// A breakdown row's taxable amount and tax in the base currency where the document is in
/// another currency and states its amounts in the base currency (each its share of the
/// document's Art. 230 statement or restatement for the books, rounded half away from zero
/// to cents), else as they are; with the currency they are in.
pub(crate) fn in_base(d: &Document, taxable: Decimal, tax: Decimal) -> (Decimal, Decimal, String) {
    stated(d, d.in_base_currency(), taxable, tax)
}

/// A breakdown row's taxable amount and tax as `statement` states the document's (each its
/// share, rounded half away from zero to the statement currency's minor units), else as
/// they are; with the currency they are in.
fn stated(d: &Document, statement: Option<&domain::document::BaseCurrencyTax>, taxable: Decimal, tax: Decimal) -> (Decimal, Decimal, String) {
    let digits = statement.map_or(2, |b| b.currency.minor_units());
    let factor = |amount: Decimal, total: Decimal, base_total: Decimal| {
        if total.is_zero() { Decimal::ZERO } else { (amount * base_total / total).round_dp_with_strategy(digits, domain::money::ROUNDING) }
    };
    match statement {
        Some(b) => (factor(taxable, d.totals.net, b.taxable_amount), factor(tax, d.totals.tax, b.tax_amount), b.currency.to_string()),
        None => (taxable, tax, d.currency.to_string()),
    }
}

fn add_to_summary(out: &mut Summary, items: &[Item], state: &State, domestic_period: ReturnPeriod) {
    for item in items {
        let d = &item.doc;
        let s = item.sign();
        let in_base = |taxable: Decimal, tax: Decimal| in_base(d, taxable, tax);
        // The supply a document's VAT belongs to: a credit note's or a replacement's
        // (`reissue`) is its original's; an invoice's its own, which may lie in an earlier
        // return period than its issue date (numbering never dates a document before the
        // series' last, so a payment recorded late is invoiced in a later month).
        let corrects = d.kind == DocumentKind::CreditNote || d.references.iter().any(|r| r.relation == domain::document::Relation::Replaces);
        let supply = if corrects {
            d.references.first().and_then(|r| state.document(&r.number).ok()).map(|o| o.tax_point_date)
        } else {
            Some(d.tax_point_date)
        };
        // The earlier return period of that supply, if it lies in one.
        let earlier = |return_period: ReturnPeriod| {
            supply
                .map(|o| (Period::containing(return_period, o), Period::containing(return_period, d.issue_date)))
                .filter(|(of_supply, now)| of_supply.first_day() < now.first_day())
                .map(|(of_supply, _)| of_supply)
        };
        for r in &d.tax_breakdown {
            let (section, country, detail, currency, taxable, vat) = match row_treatment(d, r) {
                // A supply invoiced after its return period ended is that period's (the VAT
                // became chargeable then: Art. 63, 250 VAT Directive), with the period in
                // `detail`; a credit note or a correction is the return's of the period it is
                // made in (Art. 90 as the member states apply it: EE KMS § 29(7), DE UStG
                // § 17(1)), with this period's sales.
                Treatment::Domestic => {
                    let (t, v, c) = in_base(r.taxable_amount, r.tax_amount);
                    match earlier(domestic_period).filter(|_| !corrects) {
                        Some(p) => ("domestic_corrections", d.tax.jurisdiction.to_string(), p.to_string(), c, t, v),
                        None => ("domestic", d.tax.jurisdiction.to_string(), String::new(), c, t, v),
                    }
                }
                // In the document's currency: the OSS return converts other currencies at the
                // ECB rate of the quarter's last day (Art. 369h(2) VAT Directive), not at each
                // invoice's Art. 230 rate, so a sum converted invoice by invoice would be
                // another figure than the return's.
                Treatment::Oss => {
                    let (t, v, c) = (r.taxable_amount, r.tax_amount, d.currency.to_string());
                    // A change to an earlier quarter's supply, or a supply invoiced after its
                    // quarter, goes in a later return naming that quarter (Art. 369g(4)).
                    match earlier(ReturnPeriod::Quarter) {
                        Some(p) => ("oss_corrections", d.tax.jurisdiction.to_string(), p.to_string(), c, t, v),
                        None => ("oss", d.tax.jurisdiction.to_string(), String::new(), c, t, v),
                    }
                }
                // The seller's own return and recapitulative statement count these in the
                // base currency too (the EU return's currency).
                Treatment::ReverseCharge => {
                    let (t, v, c) = in_base(r.taxable_amount, r.tax_amount);
                    ("reverse_charge", d.tax.jurisdiction.to_string(), d.customer.tax_id.clone().unwrap_or_default(), c, t, v)
                }
                Treatment::NonEuReverseCharge | Treatment::OutsideScope => {
                    let (t, v, c) = in_base(r.taxable_amount, r.tax_amount);
                    ("outside_eu", d.tax.jurisdiction.to_string(), d.tax.treatment.code().to_string(), c, t, v)
                }
                // A non-EU registration's return is filed in that country's currency: the
                // document's figures in it (printed for UK VAT, kept for the others), else
                // as invoiced (no rate in the input). The tax by its one name (the document names it in the
                // customer's language: MWST, TVA, IVA are one Swiss return line).
                Treatment::NonEuTax => {
                    let tax = tax::rates::jurisdiction(d.tax.jurisdiction.as_str()).map_or_else(|| d.tax.tax_name.clone(), |j| j.tax_name.to_string());
                    let (t, v, c) = stated(d, d.in_return_currency(), r.taxable_amount, r.tax_amount);
                    ("non_eu_registrations", d.tax.jurisdiction.to_string(), tax, c, t, v)
                }
            };
            let row_currency = currency.clone();
            let row = out
                .entry(SummaryKey { section, country, rate: num(r.tax_rate.normalize()), currency, detail })
                .or_default();
            row.taxable += taxable * s;
            row.vat += vat * s;
            row.documents += 1;
            row.digits = domain::money::Currency::parse(&row_currency).map_or(2, |c| c.minor_units());
        }
    }
}

const SUMMARY_COLUMNS: &[Column] = &[
    text("section"), text("country"), number("tax_rate"), text("currency"), text("detail"), number("taxable_amount"),
    number("tax_amount"), number("documents"),
];

fn summary_csv(summary: &Summary, dialect: Dialect) -> Vec<u8> {
    let mut w = Rows::with_dialect(SUMMARY_COLUMNS, dialect);
    for (k, r) in summary {
        w.row([k.section, &k.country, &k.rate, &k.currency, &k.detail, &amt(r.taxable, r.digits), &amt(r.vat, r.digits), &r.documents.to_string()]);
    }
    w.take()
}

fn summary_markdown(summary: &Summary, period: Period, base: &str) -> String {
    let titles = [
        ("domestic", "Domestic VAT", "detail"),
        ("domestic_corrections", "Domestic supplies of an earlier return period, invoiced late", "supply period"),
        ("oss", "Union OSS by member state and rate", "detail"),
        ("oss_corrections", "OSS corrections to earlier quarters", "supply quarter"),
        ("reverse_charge", "EU reverse-charge supplies (recapitulative statement)", "customer VAT ID"),
        ("outside_eu", "Supplies outside the EU", "treatment"),
        ("non_eu_registrations", "Non-EU registrations", "tax"),
    ];
    let mut md = format!(
        "# VAT summary {period}\n\nAmounts in {base} where EU VAT was charged, but for the OSS in each document's currency (the OSS return converts amounts in other currencies at the ECB rate of the quarter's last day, Art. 369h(2) VAT Directive); otherwise in the document currency. Credit notes are negative.\n"
    );
    for (section, title, detail) in titles {
        md.push_str(&format!("\n## {title}\n\n"));
        let rows: Vec<_> = summary.iter().filter(|(k, _)| k.section == section).collect();
        if rows.is_empty() {
            md.push_str("None.\n");
            continue;
        }
        md.push_str(&format!("| country | rate % | currency | {detail} | taxable | tax | documents |\n|---|---:|---|---|---:|---:|---:|\n"));
        for (k, r) in rows {
            md.push_str(&format!("| {} | {} | {} | {} | {} | {} | {} |\n", k.country, k.rate, k.currency, k.detail, amt(r.taxable, r.digits), amt(r.vat, r.digits), r.documents));
        }
    }
    md
}

/// What the export needs of a data set: its base currency and domestic return period, and
/// the period's payments. Made before the register is read, so the data set (several times
/// the size of its files while it is parsed) can be gone by then.
pub struct Reconciling {
    base: (String, ReturnPeriod),
    payments: Payments,
    returned: Returned,
    received: Received,
}

impl Reconciling {
    pub fn of(data: &DataSet, period: Period) -> Reconciling {
        Reconciling {
            base: (data.company.seller.base_currency.to_string(), data.company.seller.vat_return_period),
            payments: payments(data, period),
            returned: returned_overpayments(data, period),
            received: received_transfers(data, period),
        }
    }
}

/// A transaction of the period as the reconciliation lists it: what it needs of the data
/// set, so the data set can be dropped before the register is read. Its texts are spans of
/// [`Payments::text`]: a few large allocations, not 100,000s of small ones between the data
/// set's, so the data set's memory is returned whole when it goes.
struct Payment {
    id: Span,
    kind: TransactionType,
    status: Status,
    /// Local date at the seller.
    date: NaiveDate,
    currency: domain::money::Currency,
    /// The charged total.
    amount: Decimal,
    refers_to: Option<Span>,
    /// A refund of a duplicate charge (returns an overpayment; no credit note).
    refunds_duplicate: bool,
    /// Paid by bank transfer: a pending charge is invoiced before it is paid.
    bank_transfer: bool,
}

/// A text's place in [`Payments::text`].
#[derive(Clone, Copy)]
struct Span(u32, u32);

/// The period's payments and their texts.
struct Payments {
    text: String,
    list: Vec<Payment>,
}

impl Payments {
    fn str(&self, span: Span) -> &str {
        &self.text[span.0 as usize..span.1 as usize]
    }

    fn push_str(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span(start, self.text.len() as u32)
    }
}

impl Payment {
    /// The charged total at the currency's minor units.
    fn amount_text(&self) -> String {
        amt(self.amount, self.currency.minor_units())
    }
}

/// The data set's transactions dated in `period`, in file order.
fn payments(data: &DataSet, period: Period) -> Payments {
    let mut payments = Payments { text: String::new(), list: Vec::new() };
    for t in &data.transactions {
        let date = data.local_date(t.timestamp);
        if !period.contains(date) {
            continue;
        }
        let id = payments.push_str(&t.id);
        let refers_to = t.refers_to.as_deref().map(|r| payments.push_str(r));
        payments.list.push(Payment {
            id,
            kind: t.kind,
            status: t.status,
            date,
            currency: t.currency,
            amount: t.total().amount(),
            refers_to,
            refunds_duplicate: t.kind == TransactionType::Refund
                && t.refers_to.as_deref().and_then(|r| data.transaction(r)).is_some_and(|o| o.kind == TransactionType::Duplicate),
            bank_transfer: t.payment_method == domain::model::PaymentMethod::BankTransfer,
        });
    }
    payments.text.shrink_to_fit();
    payments
}

/// Refunds up to the end of the period, by the charge they refer to and their amount: what
/// can return an invoice's overpayment.
type Returned = std::collections::BTreeSet<(String, Decimal)>;

fn returned_overpayments(data: &DataSet, period: Period) -> Returned {
    data.transactions
        .iter()
        .filter(|t| t.kind == TransactionType::Refund && t.status == Status::Succeeded)
        .filter(|t| {
            let date = data.local_date(t.timestamp);
            date < period.first_day() || period.contains(date)
        })
        .filter_map(|t| Some((t.refers_to.clone()?, t.total().amount().normalize())))
        .collect()
}

/// Bank transfers received up to the end of the period, by the charge they pay: their local
/// dates and amounts.
type Received = BTreeMap<String, Vec<(NaiveDate, Decimal)>>;

fn received_transfers(data: &DataSet, period: Period) -> Received {
    let mut received = Received::new();
    for t in data.transactions.iter().filter(|t| t.kind == TransactionType::Payment && t.status == Status::Succeeded) {
        let date = data.local_date(t.timestamp);
        if let Some(charge) = &t.refers_to
            && (date < period.first_day() || period.contains(date))
        {
            received.entry(charge.clone()).or_default().push((date, t.total().amount()));
        }
    }
    received
}

/// Appends every bank-transfer invoice issued up to the period's end, as it stands on the
/// period's last day: `paid` (the transfers received by then cover what it asked), `open`
/// (not yet due) or `overdue` (due before that day and not covered).
fn bank_transfer_invoices(csv: &mut CsvFile, received: &Received, state: &State, period: Period) {
    let last_day = period.last_day();
    // An invoice a `reissue` replaced by the period's end is owed no more: its replacement,
    // for the same charge and with the same payments counted, is (both listed, the debt and
    // the transfers received showed twice).
    let replacement = |number: &domain::numbering::DocumentNumber| {
        state.referrers(number).into_iter().find(|r| r.relation == domain::document::Relation::Replaces && r.issue_date <= last_day)
    };
    for e in state.entries.iter().filter(|e| e.issue_date <= last_day) {
        let (Some(due), Some(charge)) = (e.due, e.transactions.first()) else { continue };
        if let Some(mut r) = replacement(&e.number) {
            // The last of its replacements by the period's end.
            while let Some(next) = replacement(&r.number) {
                r = next;
            }
            // Listed in its stead when it asks for what is left; one the transfers received
            // had paid when it was issued asks for nothing and is listed here, paid.
            if state.entry(&r.number).is_none_or(|x| x.due.is_some()) {
                continue;
            }
            let detail = format!("{} {} due on {}, replaced by {} of {}, which the transfers received had paid", due.amount, e.currency, e.number, r.number, r.issue_date);
            csv.rows.row([charge.as_str(), "charge", "pending", &e.issue_date.to_string(), &e.currency, &due.amount.to_string(), "paid", r.number.as_str(), &detail]);
            continue;
        }
        let payments = received.get(charge).map_or(&[][..], Vec::as_slice);
        let paid: Decimal = payments.iter().filter(|(d, _)| *d <= last_day).map(|(_, a)| *a).sum();
        let outcome = if domain::payment::terms::settled_by(due.amount, payments, last_day) {
            "paid"
        } else if due.date < last_day {
            "overdue"
        } else {
            "open"
        };
        let amount = due.amount.to_string();
        let detail = format!("{amount} {} due {} on {}; {paid} received by {last_day}", e.currency, due.date, e.number);
        csv.rows.row([charge.as_str(), "charge", "pending", &e.issue_date.to_string(), &e.currency, &amount, outcome, e.number.as_str(), &detail]);
    }
}

const RECONCILIATION_COLUMNS: &[Column] = &[
    text("transaction_id"), text("type"), text("status"), text("date"), text("currency"), number("amount"), text("outcome"),
    text("documents"), text("detail"),
];

const MANIFEST_COLUMNS: &[Column] = &[text("path"), text("number"), text("sha256")];

/// Writes `reconciliation.csv` into `csv`; returns the succeeded payments without their
/// document.
///
/// After the period's transactions come the open overpayments: every invoice issued up to
/// the period's end that the card overpaid (a replacement with less tax than was charged),
/// as outcome `overpaid`, until a refund of exactly that amount refers to its charge.
fn reconciliation(csv: &mut CsvFile, payments: &Payments, returned: &Returned, state: &State, period: Period) -> Result<Vec<String>> {
    let mut missing = Vec::new();
    // Documents by source transaction, built once: a month has 100,000s of both.
    let last_day = period.last_day();
    let mut by_transaction: BTreeMap<&str, Vec<&RegisterEntry>> = BTreeMap::new();
    for e in &state.entries {
        for t in &e.transactions {
            by_transaction.entry(t.as_str()).or_default().push(e);
        }
    }
    for (i, t) in payments.list.iter().enumerate() {
        let id = payments.str(t.id);
        let refers_to = t.refers_to.map(|r| payments.str(r));
        if i % 1024 == 1023 {
            csv.drain()?;
        }
        // As they stood at the period's end: a re-export of a closed month names no later
        // correction. A transaction invoiced only after the period (a payment recorded late)
        // is named by that document all the same: it is invoiced, not missing.
        let all_docs: &[&RegisterEntry] = by_transaction.get(id).map_or(&[], Vec::as_slice);
        // Mostly all of them: a list of its own only when some came later.
        let by_end: Vec<&RegisterEntry> = if all_docs.iter().all(|e| e.issue_date <= last_day) {
            Vec::new()
        } else {
            all_docs.iter().copied().filter(|e| e.issue_date <= last_day).collect()
        };
        let docs: &[&RegisterEntry] = if by_end.is_empty() { all_docs } else { &by_end };
        let numbers: Vec<&str> = docs.iter().map(|e| e.number.as_str()).collect();
        let (outcome, detail) = match (t.kind, t.status) {
            (_, Status::Failed) => ("no_document", "payment failed".to_string()),
            (TransactionType::Payment, Status::Succeeded) => {
                ("no_document", format!("bank transfer received for {}: paid towards its invoice", refers_to.unwrap_or("")))
            }
            (TransactionType::Charge, Status::Pending) if t.bank_transfer && !docs.is_empty() => ("invoiced", "bank transfer: invoiced before it is paid".to_string()),
            (TransactionType::Charge, Status::Pending) if t.bank_transfer => {
                missing.push(id.to_string());
                ("missing", "a bank-transfer charge is invoiced before it is paid, but has no document in the archive: run `invoicesmith issue`".to_string())
            }
            (_, Status::Pending) => ("no_document", "payment pending".to_string()),
            // A duplicate charge no refund has returned by the period's end is money the
            // customer is owed back: its own outcome, for the accountant to follow up.
            (TransactionType::Duplicate, _)
                if returned.range((id.to_string(), Decimal::MIN)..).next().is_none_or(|(charge, _)| charge != id) =>
            {
                ("not_refunded", format!("duplicate of {}, not refunded by {}: owed back to the customer", refers_to.unwrap_or(""), period.last_day()))
            }
            (TransactionType::Duplicate, _) => ("no_document", format!("duplicate of {}", refers_to.unwrap_or(""))),
            (TransactionType::Refund, _) if t.refunds_duplicate => ("no_document", "refund of a duplicate charge".to_string()),
            (TransactionType::Charge, _) if !docs.is_empty() => {
                // What became of its invoices by the period's end, each by what it did.
                let detail: Vec<String> = docs
                    .iter()
                    .flat_map(|e| state.referrers(&e.number).into_iter().map(move |r| (e, r)))
                    .filter(|(_, r)| r.issue_date <= last_day)
                    .map(|(e, r)| {
                        let did = match r.relation {
                            domain::document::Relation::Credits => "credited by",
                            domain::document::Relation::Cancels => "cancelled by",
                            domain::document::Relation::Replaces => "replaced by",
                            domain::document::Relation::Adjusts => "partly credited by the plan change on",
                        };
                        format!("{} {did} {}", e.number, r.number)
                    })
                    .collect();
                ("invoiced", detail.join("; "))
            }
            (TransactionType::Refund, _) if !docs.is_empty() => ("credited", String::new()),
            (TransactionType::Refund, _) if overpaid_invoice(&by_transaction, t, refers_to).is_some() => {
                let number = overpaid_invoice(&by_transaction, t, refers_to).expect("checked");
                ("no_document", format!("returns the overpayment on {number}"))
            }
            _ => {
                missing.push(id.to_string());
                ("missing", "succeeded but no document in the archive: run `invoicesmith issue`".to_string())
            }
        };
        // What moved: a charge priced net was charged its invoice's gross (the first invoice
        // of the charge; a replacement's may differ, the money did not), which a payout
        // matches; anything else, its amount as written.
        let invoiced = docs.iter().find(|e| e.kind == DocumentKind::Invoice);
        let amount = match (t.kind, invoiced) {
            (TransactionType::Charge, Some(e)) => amt(e.total, t.currency.minor_units()),
            _ => t.amount_text(),
        };
        csv.rows.row([
            id,
            t.kind.name(),
            t.status.name(),
            &t.date.to_string(),
            t.currency.code(),
            &amount,
            outcome,
            &numbers.join(" "),
            &detail,
        ]);
    }
    for e in state.entries.iter().filter(|e| e.issue_date < period.first_day() || period.contains(e.issue_date)) {
        let (Some(overpaid), Some(charge)) = (e.overpaid, e.transactions.first()) else { continue };
        // A cancelled invoice's overpayment moved to its replacement, which states its own.
        let cancelled = || state.referrers(&e.number).iter().any(|r| r.relation == domain::document::Relation::Cancels);
        if returned.contains(&(charge.clone(), overpaid.normalize())) || cancelled() {
            continue;
        }
        let amount = overpaid.to_string();
        let detail = format!("overpaid {amount} {} on {}: to be refunded or credited", e.currency, e.number);
        csv.rows.row([charge.as_str(), "charge", "succeeded", &e.issue_date.to_string(), &e.currency, &amount, "overpaid", e.number.as_str(), &detail]);
    }
    Ok(missing)
}

/// The invoice whose overpayment refund `t` returns: the latest invoice of the charge it
/// refers to, overpaid by exactly the refund's amount.
fn overpaid_invoice<'s>(by_transaction: &BTreeMap<&str, Vec<&'s RegisterEntry>>, t: &Payment, refers_to: Option<&str>) -> Option<&'s str> {
    let charge = refers_to?;
    let latest = by_transaction.get(charge)?.iter().rfind(|e| e.kind == DocumentKind::Invoice)?;
    (latest.overpaid.map(|o| amt(o, o.scale())) == Some(t.amount_text())).then_some(latest.number.as_str())
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn periods_are_months_or_quarters() {
        assert_eq!(Period::parse("2026-10"), Ok(Period::Month { year: 2026, month: 10 }));
        assert_eq!(Period::parse("2026-Q4"), Ok(Period::Quarter { year: 2026, quarter: 4 }));
        assert_eq!(Period::parse("2026-01"), Ok(Period::Month { year: 2026, month: 1 }));
        for bad in ["2026", "2026-13", "2026-0", "2026-00", "2026-Q5", "2026-Q0", "x-10", "2026-Qx", "2026-1", "2026-+1", "26-10", "2026-010", "2026-Q04", "+2026-10"] {
            assert_eq!(Period::parse(bad), Err(PeriodError), "{bad}");
        }
        assert_eq!(PeriodError.to_string(), "is not a period; expected a month (2026-10) or a quarter (2026-Q4)");
    }
}
