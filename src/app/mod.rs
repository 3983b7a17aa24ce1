//! The application: what the `invoicesmith` commands do, on top of the stage crates — a run
//! (plan, then build, render and store in batches, then checkpoint), reissues, recovery,
//! `show`'s text and `render` without an archive. The binary (`main.rs`) parses arguments
//! and prints; everything it runs is here.

pub mod payments;
pub mod printable;
pub mod query;
pub mod resources;
pub mod snapshot;
pub mod statement;
pub mod synth;

use crate::{archive, document, input, issue, locale, model, money, numbering, render, sha256};
use crate::{Error, Result};
use issue::correct;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use archive::{Archive, Output};
use document::{Document, DocumentKind};
use issue::Skipped;

/// One document a run issued.
///
/// A run of 100,000 documents holds 100,000 of these until it reports, so they are compact:
/// the file paths are not stored but made from the number, year and the run's formats when
/// asked for ([`IssuedSummary::files`], and in the serialised report), and the texts share
/// one allocation (~110 bytes a document; four `String`s and a `Vec` were ~240).
#[derive(Clone, Debug)]
pub struct IssuedSummary {
    /// The number, the customer id, then the source transactions' ids, each after a `\n`
    /// (ids are single-line text); `ends` are where the first two end.
    text: Box<str>,
    ends: [u32; 2],
    pub kind: DocumentKind,
    pub issue_date: chrono::NaiveDate,
    pub currency: crate::domain::money::Currency,
    pub total: rust_decimal::Decimal,
    /// Extensions of the files stored, in order; one list shared by a run's documents.
    extensions: std::sync::Arc<[&'static str]>,
}

impl IssuedSummary {
    fn new(doc: &Document, extensions: std::sync::Arc<[&'static str]>) -> IssuedSummary {
        let mut text = String::with_capacity(
            doc.number.as_str().len() + doc.customer_id.len() + doc.source_transactions.iter().map(|t| t.len() + 1).sum::<usize>(),
        );
        let end = |text: &String| u32::try_from(text.len()).expect("a document's ids under 4 GB");
        text.push_str(doc.number.as_str());
        let number = end(&text);
        text.push_str(&doc.customer_id);
        let customer = end(&text);
        for t in &doc.source_transactions {
            debug_assert!(!t.contains('\n'), "transaction ids are single-line");
            text.push('\n');
            text.push_str(t);
        }
        IssuedSummary {
            text: text.into_boxed_str(),
            ends: [number, customer],
            kind: doc.kind,
            issue_date: doc.issue_date,
            currency: doc.currency,
            total: doc.totals.gross,
            extensions,
        }
    }

    /// The document's number.
    pub fn number(&self) -> &str {
        &self.text[..self.ends[0] as usize]
    }

    /// The customer's id.
    pub fn customer_id(&self) -> &str {
        &self.text[self.ends[0] as usize..self.ends[1] as usize]
    }

    /// The ids of the transactions it was issued for.
    pub fn transactions(&self) -> Vec<&str> {
        let rest = &self.text[self.ends[1] as usize..];
        rest.strip_prefix('\n').map_or_else(Vec::new, |ids| ids.split('\n').collect())
    }

    /// Archive-relative paths of the document's files (PDF, HTML, JSON, …), in the order
    /// they were stored.
    pub fn files(&self) -> Vec<String> {
        // As `DocumentNumber::file_stem`.
        let stem = self.number().replace('/', "_");
        let year = chrono::Datelike::year(&self.issue_date);
        self.extensions.iter().map(|ext| format!("{year:04}/{stem}.{ext}")).collect()
    }
}

impl Serialize for IssuedSummary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Record<'a> {
            number: &'a str,
            kind: DocumentKind,
            issue_date: chrono::NaiveDate,
            customer_id: &'a str,
            transactions: Vec<&'a str>,
            currency: &'a str,
            total: rust_decimal::Decimal,
            files: Vec<String>,
        }
        Record {
            number: self.number(),
            kind: self.kind,
            issue_date: self.issue_date,
            customer_id: self.customer_id(),
            transactions: self.transactions(),
            currency: self.currency.code(),
            total: self.total,
            files: self.files(),
        }
        .serialize(serializer)
    }
}

/// What a run did: documents issued and transactions that got none, with reasons.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IssueReport {
    pub issued: Vec<IssuedSummary>,
    pub skipped: Vec<Skipped>,
    /// Things worth a look that did not stop the run (e.g. a language without translation).
    pub warnings: Vec<String>,
    /// What taking the archive's lock tidied after an earlier crash (recovered appends,
    /// quarantined files).
    pub notices: Vec<String>,
    /// The checkpoint the run ended with, if it changed the archive.
    pub checkpoint: Option<CheckpointReport>,
    /// Files of an asked-for format that documents did not get because the customer or
    /// seller lacks what the format needs: one line per format and reason.
    pub not_written: Vec<String>,
}

/// A run of `issue` that failed: the error, and the documents the run had issued before it.
///
/// A run commits its documents a batch at a time, and each commit issues them for good (their
/// files durable, their register lines written): a failure after one leaves those documents
/// archived and final, with numbers taken, and accounting must learn which they are. The
/// documents after them were not issued: their batch's register lines were never written (a
/// database rolled their transaction back), and the files the run had named for them it
/// removed again. Planning against the register, the same command run again issues the rest,
/// numbered on from these without a gap.
#[derive(Debug)]
pub struct IssueError {
    pub error: Error,
    /// The documents committed before the failure, in the order they were numbered (empty:
    /// the run issued nothing).
    pub issued: Vec<IssuedSummary>,
    /// The checkpoint of those written after the failure, so that they verify as covered;
    /// `None` if it could not be written either (or nothing was issued).
    pub checkpoint: Option<CheckpointReport>,
}

impl IssueError {
    /// Whether the data was refused (exit code 1, as [`Error::is_input`]).
    pub fn is_input(&self) -> bool {
        self.error.is_input()
    }

    /// What the run issued before it failed, for the user; `None` if it issued nothing.
    pub fn issued_before(&self) -> Option<String> {
        let (first, last) = (self.issued.first()?, self.issued.last()?);
        let range = if self.issued.len() == 1 {
            first.number().to_string()
        } else {
            format!("{} to {}", first.number(), last.number())
        };
        let checkpoint = match &self.checkpoint {
            Some(c) => format!(" (checkpoint {})", c.head),
            None => ", though no checkpoint covers them yet (the next run, or `invoicesmith recover`, writes it)".to_string(),
        };
        Some(format!(
            "{} document(s) were issued before the failure, {range}: they are archived and final{checkpoint}. Nothing after {} was issued (the documents of the batch that failed got no register line, and their files were taken back). Run the same command again once the cause is fixed: it issues the rest, each series numbered on from these without a gap",
            self.issued.len(),
            last.number(),
        ))
    }
}

impl From<Error> for IssueError {
    fn from(error: Error) -> IssueError {
        IssueError { error, issued: Vec::new(), checkpoint: None }
    }
}

impl std::fmt::Display for IssueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        match self.issued_before() {
            Some(issued) => write!(f, "\n{issued}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for IssueError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// A run's checkpoint as reported: the register's head and whether it was signed.
#[derive(Clone, Debug, Serialize)]
pub struct CheckpointReport {
    /// `LINES:SHA256`, what `verify --expect-head` takes.
    pub head: String,
    pub signed: bool,
}

impl From<archive::Checkpoint> for CheckpointReport {
    fn from(c: archive::Checkpoint) -> CheckpointReport {
        CheckpointReport { head: c.head().to_string(), signed: c.signature.is_some() }
    }
}

/// Plans `data` against `history`, refusing documents with characters no configured font
/// covers ([`printable::documents`]): never empty boxes or dropped text in an issued PDF.
fn plan_printable<'d>(data: &'d model::DataSet, history: &dyn issue::History) -> Result<issue::Plan<'d>> {
    let plan = issue::plan(data, history).map_err(Error::Input)?;
    let diagnostics = printable::documents(data, &plan);
    if diagnostics.is_empty() { Ok(plan) } else { Err(Error::Input(diagnostics)) }
}

/// Issued documents worth a warning, counted per kind and key with the first one's number:
/// one line per key, however many documents a month has.
struct Noted {
    /// The seller's base currency.
    base: money::Currency,
    /// By language without a translation: issued in English.
    untranslated: BTreeMap<String, (usize, String)>,
    /// By currency: in another currency than the base currency, without a rate to state
    /// its amounts in the base currency for the books.
    unconverted: BTreeMap<String, (usize, String)>,
}

impl Noted {
    fn new(base: money::Currency) -> Noted {
        Noted { base, untranslated: BTreeMap::new(), unconverted: BTreeMap::new() }
    }

    fn note(&mut self, doc: &Document) {
        let add = |map: &mut BTreeMap<String, (usize, String)>, key: String| map.entry(key).or_insert((0, doc.number.to_string())).0 += 1;
        if !locale::is_supported(&doc.language) {
            add(&mut self.untranslated, doc.language.clone());
        }
        if doc.currency != self.base && doc.in_base_currency().is_none() {
            add(&mut self.unconverted, doc.currency.to_string());
        }
    }

    fn warnings(&self) -> impl Iterator<Item = String> + '_ {
        let base = self.base;
        let untranslated = self.untranslated.iter().map(|(language, (count, first))| {
            format!("language '{language}' has no translation (crates/locale/i18n/): {count} document(s) issued in English, the first {first}")
        });
        let unconverted = self.unconverted.iter().map(move |(currency, (count, first))| {
            format!(
                "{count} document(s) in {currency} issued without their amounts in {base} for the books, the first {first}: exchange_rates.csv has no {currency}/{base} rate on or before the tax point (or, for a credit note, the invoice it credits recorded none); the exports leave DATEV's Kurs and Basis-Umsatz empty for them"
            )
        });
        untranslated.chain(unconverted)
    }
}

/// The files of one document, in the order they are stored.
pub type Rendered = Vec<(render::Format, Vec<u8>)>;

/// Reissues `number` with corrected customer details: a credit note cancelling it and a
/// replacement invoice, both stored in `archive`. The original's files are not touched.
///
/// `now` is when support makes the correction (the caller reads the clock, once): the new
/// documents are dated that day in the seller's time zone (see [`correct::issue_date`]). The
/// report's warning names the customers.csv values to update.
///
/// The new documents are written in `formats`, else in the formats the original was issued
/// in (as its register entry lists them), so a customer who got a Factur-X, Peppol or
/// XRechnung invoice gets its correction the same way.
///
/// The translations and fonts are those `data`'s company.toml names (`--data`), else those
/// of the company.toml the original was issued under (see [`resources`]).
pub fn run_reissue(
    archive: &Archive,
    number: &str,
    correction: &correct::Correction,
    now: chrono::DateTime<chrono::Utc>,
    formats: Option<&[render::Format]>,
    data: Option<&Path>,
) -> Result<IssueReport> {
    use issue::History;
    // Before the lock, which would move a stray key file into quarantine.
    if let Some(key) = archive.signing_key() {
        archive::config::outside(key, archive.root())?;
    }
    let mut locked = archive.lock()?;
    let number = numbering_lookup(&locked.state, number)?;
    let entry = locked.state.entry(&number).expect("looked up").clone();
    let company_text = locked.state.company_text(&entry)?;
    let company = input::parse_company(&company_text).map_err(Error::Input)?;
    // The words and fonts the new documents are written with, as `issue` reads them.
    resources::configure_archived(Some(archive), data, &locked.state, &entry)?;
    // An archived snapshot's own relative key path means nothing without its folder.
    let key = signing_key(archive, &company_text, None)?;
    // Every file of the original checked first: a reissue never builds on altered bytes.
    locked.state.check_files(&entry)?;
    let today = now.with_timezone(&company.seller.timezone).date_naive();
    let original = locked.state.document(&number).map_err(|e| Error::Refused(e.to_string()))?;
    let correction = &correct::Correction { received: match data {
        Some(dir) => {
            let data = payments::read(archive, dir)?;
            Some(payments::Ledger::new(&data).received(&locked.state, &original, Some(today)))
        }
        None => None,
    }, ..correction.clone() };
    let mut documents = correct::reissue(&company, &locked.state, &number, correction, today).map_err(|e| Error::Refused(e.to_string()))?;
    // New records name the logo by SHA-256, also where the original (an older record)
    // carried it inline: the archive stores it once.
    for n in &mut documents {
        if let Some(logo) = n.document.brand.as_mut().and_then(|b| b.logo.as_mut()) {
            *logo = logo.clone().by_reference();
        }
    }
    // A corrected name or address in a script the fonts lack would print as '?' in an issued
    // PDF: refused, as `issue` refuses it in customers.csv.
    if let Some(why) = documents.iter().find_map(|n| printable::document(&n.document)) {
        return Err(Error::Refused(format!("--set: {why}")));
    }
    let mut report = IssueReport { notices: std::mem::take(&mut locked.notices), ..IssueReport::default() };
    if let Some(replacement) = documents.iter().find(|n| n.document.kind == DocumentKind::Invoice) {
        report.warnings.extend(correct::reminder(&original.customer_id, &correct::corrected_fields(&original, &replacement.document), &correction.set));
    }
    let formats = with_json(formats.map_or_else(|| issued_formats(&entry), <[render::Format]>::to_vec));
    let (mut extensions, mut not_written) = (ExtensionSets::default(), NotWritten::default());
    for n in &documents {
        let files = outputs(&n.document, &formats, &mut not_written);
        report.issued.push(store(&mut locked, n, &files, entry.company, &mut extensions)?);
    }
    report.not_written = not_written.lines();
    report.checkpoint = locked.finish(key.as_ref())?.map(CheckpointReport::from);
    Ok(report)
}

/// Tidies the archive after a crash (see [`archive::Locked`]) and checkpoints registered
/// lines no checkpoint covers: what every writing run does first, on its own. Returns what
/// it did and the checkpoint, if one was written.
pub fn run_recover(archive: &Archive) -> Result<IssueReport> {
    if let Some(key) = archive.signing_key() {
        archive::config::outside(key, archive.root())?;
    }
    let mut locked = archive.lock_recovering()?;
    let key = match locked.state.entries.last() {
        Some(last) => signing_key(archive, &locked.state.company_text(last)?, None)?,
        None => None,
    };
    let notices = std::mem::take(&mut locked.notices);
    let checkpoint = locked.finish(key.as_ref())?.map(CheckpointReport::from);
    Ok(IssueReport { notices, checkpoint, ..IssueReport::default() })
}

/// Reads `data_dir` for an issuing run (or its dry run): the data set, checked with the fonts
/// and translations its company.toml names (a CJK customer plans only with the font), and
/// company.toml's text, which the run archives. Its `[accounts]` must be what the export can
/// read: the export books a period by the company.toml archived with its last document, so
/// a mistake found only at month end would stop every export of the month without `--data`.
/// The other files' text is freed once parsed.
fn read_for_issue(data_dir: &Path) -> Result<(String, model::DataSet)> {
    let mut sources = input::read_sources(data_dir).map_err(Error::Input)?;
    let data = input::parse_taking(&mut sources).map_err(Error::Input)?;
    // The one reading of the clock, for a sanity check only: nothing issued carries it.
    let ahead = input::far_ahead(&data, chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()));
    if !ahead.is_empty() {
        return Err(Error::Input(ahead));
    }
    resources::load(Some(data_dir), input::COMPANY, &data.company.resources).map_err(Error::Input)?;
    let mut diagnostics: Vec<_> = archive::config::password_in_path(&sources.company).into_iter().collect();
    export::accounts::parse(&sources.company, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(Error::Input(diagnostics));
    }
    Ok((std::mem::take(&mut sources.company), data))
}

/// The key this run signs its checkpoint with, per `company_toml`'s `[archive]` settings
/// (relative to `base`, its folder) and the archive's explicit key.
fn signing_key(archive: &Archive, company_toml: &str, base: Option<&Path>) -> Result<Option<ed25519_dalek::SigningKey>> {
    let mut diagnostics = Vec::new();
    let settings = archive::config::parse(company_toml, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(Error::Input(diagnostics));
    }
    archive::config::signing_key(&settings, archive.signing_key(), base, archive.root())
}

fn numbering_lookup(state: &archive::State, number: &str) -> Result<numbering::DocumentNumber> {
    state
        .entries
        .iter()
        .find(|e| e.number.as_str() == number)
        .map(|e| e.number.clone())
        .ok_or_else(|| Error::Refused(format!("{number} is not in the archive's register")))
}

/// A document's summary and history: what it replaced or credited, and what credited,
/// cancelled or replaced it.
///
/// Its status as [`query::show`] counts it (`show --json` alike): with the payment history
/// (`ledger`), the transfers received and overpayments returned; an open invoice with what it
/// still asks for and by when, `overdue` once that day is before today where the seller is
/// (`now`), or before `on`, the day `show --on` asks about (then counting only the payments
/// received and documents issued by that day).
pub fn show(archive: &Archive, number: &str, ledger: Option<&payments::Ledger>, now: chrono::DateTime<chrono::Utc>, on: Option<chrono::NaiveDate>) -> Result<String> {
    let shown = query::show(archive, number, ledger, now, on)?;
    let doc = &shown.document;
    let kind = match doc.kind {
        DocumentKind::Invoice => "invoice",
        DocumentKind::CreditNote => "credit note",
    };
    let mut out = format!(
        "{} {kind}, issued {}, supply {}\n  customer: {} ({})\n  total: {} {} (net {}, tax {}), {}\n",
        doc.number,
        doc.issue_date,
        doc.supply_date(),
        doc.customer.name,
        doc.customer_id,
        doc.totals.gross,
        doc.currency,
        doc.totals.net,
        doc.totals.tax,
        doc.tax.treatment.code(),
    );
    let status = match on {
        Some(on) => format!("status on {on}"),
        None => "status".to_string(),
    };
    if shown.status == query::Status::Open {
        let word = if shown.overdue { "overdue" } else { "open" };
        let as_issued = if ledger.is_none() { " (as issued; --data DIR counts the transfers received)" } else { "" };
        out.push_str(&format!("  {status}: {word}, {}{as_issued}\n", query::owed(shown.outstanding, doc.currency.code(), shown.due_date)));
    } else {
        out.push_str(&format!("  {status}: {}\n", shown.status.code()));
    }
    for r in &doc.references {
        out.push_str(&format!("  {} {} of {}", r.relation.code(), r.number, r.issue_date));
        if let Some(reason) = &r.reason {
            // A refund's reason code (`charged_after_cancellation`) in words, as documents print it.
            out.push_str(&format!(" ({})", locale::texts("en").reasons.phrase(reason)));
        }
        out.push('\n');
    }
    for r in &shown.referenced_by {
        let verb = match r.relation {
            document::Relation::Credits => "credited by",
            document::Relation::Cancels => "cancelled by",
            document::Relation::Replaces => "replaced by",
            document::Relation::Adjusts => "adjusted by",
        };
        out.push_str(&format!("  {verb} {} of {} ({} {})\n", r.number, r.issue_date, r.total, doc.currency));
    }
    for f in &shown.files {
        out.push_str(&format!("  file: {}  sha256 {}\n", f.path, f.sha256));
    }
    Ok(out)
}

/// The formats of an issued document's files, in the order they were stored.
fn issued_formats(entry: &archive::RegisterEntry) -> Vec<render::Format> {
    let stem = entry.number.file_stem();
    entry
        .files
        .iter()
        .filter_map(|f| {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            name.strip_prefix(&stem).and_then(|rest| rest.strip_prefix('.')).and_then(render::Format::from_extension)
        })
        .collect()
}

/// `formats` with the JSON record, which the archive reads documents back from.
fn with_json(mut formats: Vec<render::Format>) -> Vec<render::Format> {
    if !formats.contains(&render::Format::Json) {
        formats.push(render::Format::Json);
    }
    formats
}

/// The distinct lists of file extensions a run's documents have, each kept once: most
/// documents share one, and a run of 100,000 keeps 100,000 summaries.
#[derive(Default)]
struct ExtensionSets(Vec<std::sync::Arc<[&'static str]>>);

impl ExtensionSets {
    fn of(&mut self, extensions: impl Iterator<Item = &'static str> + Clone) -> std::sync::Arc<[&'static str]> {
        if let Some(set) = self.0.iter().find(|set| set.iter().copied().eq(extensions.clone())) {
            return set.clone();
        }
        let set: std::sync::Arc<[&'static str]> = extensions.collect();
        self.0.push(set.clone());
        set
    }
}

/// Files not written, by format and reason: how many documents, and the first.
#[derive(Default)]
struct NotWritten(BTreeMap<(&'static str, &'static str), (usize, String)>);

impl NotWritten {
    fn add(&mut self, format: render::Format, reason: &'static str, doc: &Document) {
        self.0.entry((format.name(), reason)).or_insert((0, doc.number.to_string())).0 += 1;
    }

    fn lines(self) -> Vec<String> {
        self.0
            .into_iter()
            .map(|((format, reason), (count, first))| format!("{format}: {count} document(s), the first {first}: {reason}"))
            .collect()
    }
}

/// Stores a numbered document's rendered and hashed files in the locked archive.
fn store(
    locked: &mut archive::Locked<'_>,
    n: &issue::Numbered,
    files: &[Output],
    company: sha256::Sha256Sum,
    extensions: &mut ExtensionSets,
) -> Result<IssuedSummary> {
    let entry = locked.store(n, company, files)?;
    let summary = summary(&n.document, extensions.of(files.iter().map(|f| f.extension)));
    debug_assert!(entry.files.iter().map(|f| &f.path).eq(&summary.files()), "the paths a summary lists are those stored");
    Ok(summary)
}

/// What a run reports of a document it issued (or, dry, would issue).
fn summary(doc: &Document, extensions: std::sync::Arc<[&'static str]>) -> IssuedSummary {
    IssuedSummary::new(doc, extensions)
}

/// What [`run_issue_with`] would issue and skip, with the numbers it would give, without
/// writing anything: no archive is created, no lock taken, no file or line written.
pub fn run_issue_dry(data_dir: &Path, archive: &Archive, formats: &[render::Format]) -> Result<IssueReport> {
    let formats = with_json(formats.to_vec());
    let (company_toml, data) = read_for_issue(data_dir)?;
    if !archive.exists() && !archive.initialising() {
        return Err(Error::NoArchive { path: archive.root().to_path_buf() });
    }
    archive::seller::check(archive, &company_toml)?;
    let state = archive.state()?;
    let plan = plan_printable(&data, &state)?;
    let (mut extensions, mut not_written) = (ExtensionSets::default(), NotWritten::default());
    let issued = (0..plan.len())
        .map(|i| {
            let doc = plan.numbered(i).document;
            let written = writable(&doc, &formats, |f, reason| not_written.add(f, reason, &doc));
            summary(&doc, extensions.of(written.iter().map(|f| f.extension())))
        })
        .collect();
    let warnings = stale_customer_details(&state, &data)?;
    Ok(IssueReport { issued, skipped: plan.skipped, warnings, not_written: not_written.lines(), ..IssueReport::default() })
}

/// Whether a skipped transaction was skipped because it is invoiced already: a rerun over
/// an issued month reports those as one count, not one line each.
pub fn already_issued(skipped: &Skipped) -> bool {
    skipped.reason.starts_with(issue::ALREADY_ISSUED)
}

/// Those of `formats` `doc` can be written in; each other one is handed to `not_written`
/// with the reason (`issue` counts them, `render` names the files).
fn writable(doc: &Document, formats: &[render::Format], mut not_written: impl FnMut(render::Format, &'static str)) -> Vec<render::Format> {
    formats
        .iter()
        .copied()
        .filter(|&f| match f.missing(doc) {
            Some(reason) => {
                not_written(f, reason);
                false
            }
            None => true,
        })
        .collect()
}

/// `doc` rendered in those of `formats` it can be written in, each file with the SHA-256
/// rendering computed for it; the others are counted in `not_written`.
fn outputs(doc: &Document, formats: &[render::Format], not_written: &mut NotWritten) -> Vec<Output> {
    writable(doc, formats, |f, reason| not_written.add(f, reason, doc))
        .into_iter()
        .map(|f| {
            let (bytes, sha256) = f.render_hashed(doc);
            debug_assert_eq!(sha256, sha256::Sha256Sum::of(&bytes), "{} of {}", f.name(), doc.number);
            Output::new(f.extension(), bytes, sha256)
        })
        .collect()
}

/// Renders a document record (the JSON `issue` writes) in `formats` into `out`: a file, or
/// with `archive` the record at that archive-relative path, read from the archive and
/// checked against its register. For CI snapshots and template work. Returns the paths
/// written and, for each format the document cannot have, the file and why.
///
/// The translations and fonts are those `data`'s company.toml names (`--data`), else, for an
/// archived record, those of the company.toml it was issued under (see [`resources`]).
pub fn run_render(record: &Path, archive: Option<&Archive>, out: &Path, formats: &[render::Format], data: Option<&Path>) -> Result<RenderReport> {
    let (bytes, registered) = match archive {
        Some(archive) => {
            let registered = archive.read_registered(&record.to_string_lossy())?;
            (registered.bytes.clone(), Some(registered))
        }
        None => archive::read_record(record)?,
    };
    // The words and fonts it was issued with (see [`resources`]).
    match &registered {
        Some(r) => resources::configure_archived(archive, data, &r.state, &r.entry)?,
        None => resources::configure(data.map_or(resources::Configured::BuiltIn, resources::Configured::Data))?,
    }
    let doc = match &registered {
        Some(r) => r.state.document_from(&bytes, &record.display())?,
        None => loose_record(&bytes, &record.display(), data)?,
    };
    refuse_inside_archive(out, "render")?;
    // Never a PDF with '?' for what the fonts at hand lack (say, without the CJK font the
    // document was issued with).
    if formats.iter().any(|f| matches!(f, render::Format::Pdf | render::Format::Facturx))
        && let Some(why) = printable::document(&doc)
    {
        return Err(Error::Refused(why));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut report = RenderReport::default();
    let file = |format: render::Format| out.join(format!("{}.{}", doc.number.file_stem(), format.extension()));
    let formats = writable(&doc, formats, |format, reason| report.not_written.push((file(format), reason)));
    for (format, bytes) in render::render(&doc, &formats) {
        let path = file(format);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        report.written.push(path);
    }
    Ok(report)
}

/// Refuses `out` as `command`'s output folder if it lies inside an archive
/// ([`archive::enclosing`]).
pub(crate) fn refuse_inside_archive(out: &Path, command: &str) -> Result<()> {
    match archive::enclosing(out) {
        Some(root) => Err(Error::Refused(format!(
            "{}: lies inside the archive {}; {command} writes its files outside archives (only issue writes into one)",
            out.display(),
            root.display()
        ))),
        None => Ok(()),
    }
}

/// What [`run_render`] wrote, and what it could not.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// The files written, in the order of the formats asked for.
    pub written: Vec<std::path::PathBuf>,
    /// The files of formats the document cannot have, each with the reason (a Peppol file
    /// for a customer without a Peppol ID, …), as `issue` says it.
    pub not_written: Vec<(std::path::PathBuf, &'static str)>,
}

/// A record read outside an archive (`render` of a file, `snapshot`): one that names its
/// logo by SHA-256 gets it from `data`'s company.toml (`[brand] logo`) if that file has
/// that SHA-256; a record carrying its logo inline (written before logos were stored in the
/// archive) needs nothing.
pub fn loose_record(bytes: &[u8], source: &dyn std::fmt::Display, data: Option<&Path>) -> Result<Document> {
    let mut doc = Document::from_record(bytes, source)?;
    doc.attach_logo(|sha256| {
        let refused = |why: String| Error::Refused(format!("{source}: names its logo by SHA-256 ({sha256}), stored in the archive it was issued into: render it from there (--archive), or {why}"));
        let Some(dir) = data else { return Err(refused("give --data DIR whose company.toml's [brand] logo is that file".into())) };
        let company = dir.join(input::COMPANY);
        let text = std::fs::read_to_string(&company).map_err(|e| Error::io(&company, e))?;
        let Some(name) = input::logo_path(&text) else { return Err(refused(format!("name that file in {}'s [brand] logo", company.display()))) };
        let path = dir.join(&name);
        let logo = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        if sha256::Sha256Sum::of(&logo) != *sha256 {
            return Err(refused(format!("give --data DIR whose [brand] logo is that file ({} is another)", path.display())));
        }
        Ok(logo.into())
    })?;
    Ok(doc)
}

/// Renders a document in every default format. Pure.
pub fn render_all(doc: &Document) -> Rendered {
    render::render(doc, render::Format::DEFAULT)
}

/// Issues documents for every transaction in `data_dir` that needs one and has none in
/// `archive` yet.
///
/// Input problems return [`Error::Input`] with every diagnostic, before the archive is
/// touched. Issuing holds the archive's lock, so concurrent runs never both issue.
pub fn run_issue(data_dir: &Path, archive: &Archive) -> Result<IssueReport, IssueError> {
    run_issue_with(data_dir, archive, render::Format::DEFAULT, &mut |_, _| {})
}

/// Documents rendered at a time: enough to keep every core busy, few enough that memory
/// stays flat however many documents a run issues.
const RENDER_BATCH: usize = 64;

/// Documents made durable and registered at a time: each commit syncs the file system.
const COMMIT_EVERY: usize = 512;

/// [`run_issue`] in `formats` (the JSON record is always included: the archive reads
/// documents back from it), calling `progress(done, total)` as documents are stored.
///
/// Building, rendering and hashing run in parallel on all cores, a batch at a time, while
/// this thread writes the previous batch's files and register lines in number order, so the
/// register is written exactly as if one thread did everything. A document is issued once
/// its register line is committed: a failure returns, with the error, the documents
/// committed before it ([`IssueError`]); files of the failed batch stay unregistered, and a
/// repeated run accepts them when their bytes are the same.
pub fn run_issue_with(
    data_dir: &Path,
    archive: &Archive,
    formats: &[render::Format],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IssueReport, IssueError> {
    let formats = with_json(formats.to_vec());
    use rayon::prelude::*;
    let (company_toml, data) = read_for_issue(data_dir)?;
    // One archive per seller, never created by accident.
    if !archive.exists() && !archive.initialising() {
        return Err(Error::NoArchive { path: archive.root().to_path_buf() }.into());
    }
    archive::seller::check(archive, &company_toml)?;
    let key = signing_key(archive, &company_toml, Some(data_dir))?;
    // Plan once without the lock so bad data fails before the archive is even created.
    let unlocked = archive.state()?;
    let plan = plan_printable(&data, &unlocked)?;
    let mut stale = stale_customer_details(&unlocked, &data)?;
    stale.extend(misdirected_duplicate_refunds(&data));
    stale.extend(unconfirmed_tax_ids(&data, &plan));
    if plan.is_empty() && !archive.present() {
        return Ok(IssueReport { skipped: plan.skipped, warnings: stale, ..IssueReport::default() });
    }
    // Locked even with nothing to issue: the lock tidies what a crashed run left.
    let mut locked = archive.lock()?;
    let notices = std::mem::take(&mut locked.notices);
    // Another run may have issued meanwhile: then plan again against the locked state.
    let mut plan = if locked.state.same_as(&unlocked) { plan } else { plan_printable(&data, &locked.state)? };
    drop(unlocked);
    // Parsing and planning peaked well above what issuing keeps (the data set and the plan).
    release_freed_memory();
    if plan.is_empty() {
        let checkpoint = locked.finish(key.as_ref())?.map(CheckpointReport::from);
        return Ok(IssueReport { skipped: plan.skipped, notices, checkpoint, warnings: stale, ..IssueReport::default() });
    }
    let company = locked.store_company(&company_toml)?;
    let mut extensions = ExtensionSets::default();
    let total = plan.len();
    let mut report = IssueReport {
        issued: Vec::with_capacity(total),
        skipped: std::mem::take(&mut plan.skipped),
        notices,
        ..IssueReport::default()
    };
    // Build and render the next batch on all cores while this thread stores the previous
    // one; the channel holds at most one rendered batch and each is dropped once stored,
    // so memory stays flat however many documents the run issues.
    let mut noted = Noted::new(data.company.seller.base_currency);
    let mut not_written = NotWritten::default();
    // The rendering threads also write the files' bytes (staged: unnamed until stored).
    let stager = locked.stager();
    let stored = std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<(issue::Numbered, Result<Vec<Output>>, NotWritten)>>(1);
        let (formats, plan, stager) = (&formats, &plan, &stager);
        scope.spawn(move || {
            for start in (0..total).step_by(RENDER_BATCH) {
                let batch = (start..total.min(start + RENDER_BATCH))
                    .into_par_iter()
                    .map(|i| {
                        let n = plan.numbered(i);
                        let mut not_written = NotWritten::default();
                        let mut files = outputs(&n.document, formats, &mut not_written);
                        let staged = stager.stage(n.document.issue_date, &mut files).map(|()| files);
                        (n, staged, not_written)
                    })
                    .collect();
                if send.send(batch).is_err() {
                    return; // the storing side stopped on an error
                }
            }
        });
        for batch in receive {
            for (n, files, skipped) in batch {
                for (key, (count, first)) in skipped.0 {
                    not_written.0.entry(key).or_insert((0, first)).0 += count;
                }
                report.issued.push(store(&mut locked, &n, &files?, company, &mut extensions)?);
                noted.note(&n.document);
            }
            if report.issued.len() % COMMIT_EVERY < RENDER_BATCH {
                locked.commit()?;
            }
            progress(report.issued.len(), total);
        }
        report.checkpoint = locked.finish(key.as_ref())?.map(CheckpointReport::from);
        Ok(())
    });
    if let Err(error) = stored {
        // Documents are stored in number order, so the committed ones come first.
        report.issued.truncate(locked.committed());
        // What was issued verifies as covered; a checkpoint that cannot be written either
        // (the same full disk) is left to the next run, which the message says.
        let checkpoint = if report.issued.is_empty() { None } else { locked.checkpoint_committed(key.as_ref()).ok().flatten().map(CheckpointReport::from) };
        return Err(IssueError { error, issued: report.issued, checkpoint });
    }
    report.warnings = stale;
    report.warnings.extend(noted.warnings());
    report.not_written = not_written.lines();
    Ok(report)
}

/// Returns memory freed so far to the system now. mimalloc (the binary's allocator) keeps
/// freed pages for a while to reuse them; after a large structure is dropped (the parsing of
/// a data folder peaks at ~140 MB at 100,000 transactions) that would add it to the next
/// step's peak. With another global allocator this only tidies mimalloc's own, unused, heap.
pub fn release_freed_memory() {
    // SAFETY: mi_collect only walks the allocator's own free lists.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// One warning for the business customers whose tax ID this run's invoices rely on (reverse
/// charge, no GST) while customers.csv does not say it was confirmed (`vat_id_status`
/// empty): the seller may treat a customer as a taxable person only once it has confirmed the
/// number (VIES for an EU VAT ID: Art. 18(1)(a) Implementing Regulation 282/2011). Issued all
/// the same, as before the check was recorded; the run says so, with the first customer.
fn unconfirmed_tax_ids(data: &model::DataSet, plan: &issue::Plan) -> Option<String> {
    let mut unconfirmed: Vec<&str> = (0..plan.len())
        .map(|i| plan.transaction(i))
        .filter(|t| t.kind == model::TransactionType::Charge)
        .filter_map(|t| data.customer(&t.customer_id))
        .filter(|c| c.kind == model::CustomerType::Business && c.vat_id.is_some() && c.vat_id_status == model::VatIdStatus::Unchecked)
        .map(|c| c.id.as_str())
        .collect();
    unconfirmed.sort_unstable();
    unconfirmed.dedup();
    let first = unconfirmed.first()?;
    Some(format!(
        "{} business customer(s) are invoiced as taxable persons on a tax ID customers.csv does not record as confirmed (vat_id_status empty), the first {first}: confirm each (VIES for an EU VAT ID, Art. 18(1)(a) Implementing Regulation 282/2011) and set vat_id_status=valid, or invalid to tax them as consumers",
        unconfirmed.len()
    ))
}

/// Warnings for refunds whose reason is `duplicate` but which refer to the charge, not to
/// its duplicate that no refund returns: such a refund credits the charge's invoice (a credit
/// note), and the duplicate stays owed to the customer. Likely the refund meant the duplicate.
fn misdirected_duplicate_refunds(data: &model::DataSet) -> Vec<String> {
    use model::{Status, TransactionType};
    let succeeded = |t: &&model::Transaction| t.status == Status::Succeeded;
    let refunded: std::collections::HashSet<&str> =
        data.transactions.iter().filter(succeeded).filter(|t| t.kind == TransactionType::Refund).filter_map(|t| t.refers_to.as_deref()).collect();
    // The unrefunded duplicates of each charge, the first of each (one pass: a month has
    // 100,000s of transactions).
    let mut unrefunded: std::collections::HashMap<&str, &model::Transaction> = std::collections::HashMap::new();
    for t in data.transactions.iter().filter(succeeded).filter(|t| t.kind == TransactionType::Duplicate && !refunded.contains(t.id.as_str())) {
        if let Some(charge) = t.refers_to.as_deref() {
            unrefunded.entry(charge).or_insert(t);
        }
    }
    let mut warnings = Vec::new();
    for refund in data.transactions.iter().filter(succeeded).filter(|t| t.kind == TransactionType::Refund && t.reason == "duplicate") {
        let Some(charge) = refund.refers_to.as_deref() else { continue };
        if let Some(duplicate) = unrefunded.get(charge) {
            warnings.push(format!(
                "transactions.csv:{}: {}: its reason is duplicate, but it refers to the charge {charge}, not to the duplicate {} that no refund returns: it credits {charge}'s invoice and {} stays owed to the customer; if it returns the duplicate, set refers_to to {}",
                refund.source_line, refund.id, duplicate.id, duplicate.id, duplicate.id
            ));
        }
    }
    warnings
}

/// Warnings for customers whose details in `data` still equal what a reissue in `state`
/// corrected (see [`correct::stale_details`]). Reads back only replacement invoices and the
/// invoices they replace.
fn stale_customer_details(state: &archive::State, data: &model::DataSet) -> Result<Vec<String>> {
    use issue::History;
    let mut corrections = Vec::new();
    for entry in &state.entries {
        let Some(replaced) = entry.references.iter().find(|r| r.relation == document::Relation::Replaces) else {
            continue;
        };
        let replacement = state.document(&entry.number).map_err(|e| Error::Refused(e.to_string()))?;
        if data.customer(&replacement.customer_id).is_none() {
            continue;
        }
        let original = state.document(&replaced.number).map_err(|e| Error::Refused(e.to_string()))?;
        corrections.push((replacement.customer_id.clone(), entry.number.clone(), correct::corrected_fields(&original, &replacement)));
    }
    Ok(correct::stale_details(&data.customers, &corrections))
}
