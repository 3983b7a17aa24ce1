//! The `invoicesmith` command: a thin shell over the library.
//!
//! Exit codes: 0 success, 1 input errors (nothing issued), 2 usage errors, 3 archive or
//! system errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Rendering allocates many small objects on every core, which mimalloc serves with less
/// contention than the system allocator (`bench/run.sh` measures the whole).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use invoicesmith::archive::Archive;
use invoicesmith::render::Format;
use invoicesmith::Error;
use invoicesmith::app::IssueReport;

#[derive(Parser)]
#[command(name = "invoicesmith", version, about = "Invoices and credit notes from a payment history: exact EU VAT, gap-free numbers, reproducible PDF and HTML")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Issue invoices for every succeeded charge in DATA_DIR that has none yet.
    ///
    /// DATA_DIR holds company.toml, customers.csv, transactions.csv and optionally
    /// exchange_rates.csv (see README.md). Any input error is reported with file, line and
    /// field, and then nothing is issued.
    Issue {
        /// Folder with company.toml, customers.csv, transactions.csv[, exchange_rates.csv].
        data_dir: PathBuf,
        /// Archive folder (default: $INVOICESMITH_ARCHIVE, else company.toml's [archive] path,
        /// relative to company.toml). Never the current folder by accident.
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Create the archive if it does not exist yet (refused otherwise, so a mistyped
        /// folder never starts a second archive with the numbers issued again).
        #[arg(long)]
        init: bool,
        /// Print the run's result as JSON on stdout instead of a summary.
        #[arg(long)]
        json: bool,
        /// No progress bar (it is shown only on a terminal anyway).
        #[arg(long, short)]
        quiet: bool,
        /// Formats to write, comma-separated: pdf, html, json, ubl (EN 16931 UBL 2.1), cii
        /// (EN 16931 CII D16B). The JSON record is always written.
        #[arg(long, default_value = "pdf,html,json,ubl,cii", value_delimiter = ',', value_parser = parse_format)]
        formats: Vec<Format>,
        /// Ed25519 key file to sign the run's checkpoint with (default:
        /// $INVOICESMITH_SIGNING_KEY, else company.toml's [archive] signing_key).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Finish what an interrupted run left: cut off and keep an unfinished register or
    /// checkpoint write (recovered/), move unregistered files to quarantine/, and checkpoint
    /// registered lines no checkpoint covers. Every writing run does this first on its own.
    Recover {
        /// Archive folder (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Ed25519 key file to sign the checkpoint with (default: $INVOICESMITH_SIGNING_KEY).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Make an Ed25519 key pair for signing checkpoints: the secret key is written to FILE
    /// (which must not exist; keep it outside the archive), the public key is printed for
    /// company.toml's [archive] public_key.
    Keygen {
        /// File to write the secret key to.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Render a document record (the JSON that `issue` writes) without an archive, e.g. to
    /// snapshot-test templates in CI. Output is byte-identical for the same record.
    Render {
        /// A document's JSON record.
        record: PathBuf,
        /// Folder to write the rendered files into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Formats, comma-separated: pdf, html, json, ubl, cii.
        #[arg(long, default_value = "pdf,html,json,ubl,cii", value_delimiter = ',', value_parser = parse_format)]
        formats: Vec<Format>,
    },
    /// Write a synthetic data folder: a realistic month of payment history of any size, for
    /// benchmarks and scale tests. The same seed gives the same files.
    Sample {
        /// Number of transactions.
        #[arg(long, default_value_t = 10_000)]
        transactions: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Month to fill (YYYY-MM).
        #[arg(long, default_value = "2026-10", value_parser = parse_month)]
        month: chrono::NaiveDate,
        /// Folder to write company.toml, customers.csv, transactions.csv and exchange_rates.csv into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write into a folder that is not empty, replacing those files (and the logo).
        #[arg(long)]
        force: bool,
    },
    /// Correct an issued invoice: a credit note cancels it in full and a replacement invoice
    /// with the corrected customer details states that it replaces it. The original's files
    /// stay byte for byte as they were.
    Reissue {
        /// Number of the invoice to correct, e.g. KL-INV-2026-000003.
        number: String,
        /// A customer field to correct, as FIELD=VALUE (repeatable). Fields: name, email,
        /// address_line1, address_line2, city, postal_code, region, country, vat_id,
        /// vat_id_status, language, type.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true, value_parser = parse_assignment)]
        set: Vec<(String, String)>,
        /// Why the invoice is corrected; printed on both new documents.
        #[arg(long)]
        reason: String,
        /// Issue date of the new documents (YYYY-MM-DD); default: today in the seller's time
        /// zone (or the series' latest date if later). It may only move the date later: not
        /// before today, nor before the latest date in the invoice or credit note series.
        #[arg(long, value_name = "DATE")]
        date: Option<chrono::NaiveDate>,
        /// Archive folder (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Ed25519 key file to sign the run's checkpoint with (default:
        /// $INVOICESMITH_SIGNING_KEY, else the archived company.toml's absolute signing_key).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Export a month or quarter for accounting: the documents (copied byte for byte), a
    /// journal, a VAT summary and, with --data, a reconciliation of every transaction. Also
    /// written as OUT.zip. Exits 1 if a succeeded transaction has no document.
    Export {
        /// Month to export (YYYY-MM).
        #[arg(long, conflicts_with = "quarter", required_unless_present = "quarter")]
        month: Option<String>,
        /// Quarter to export (YYYY-Qn), e.g. for the OSS return.
        #[arg(long)]
        quarter: Option<String>,
        /// Archive folder (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Data folder whose transactions.csv is reconciled against the archive.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Folder to create (must not exist); OUT.zip is written beside it.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Snapshot tests for rendered documents: a folder of document records (NAME.json) with
    /// their expected renders (NAME.pdf, NAME.html).
    Snapshot {
        #[command(subcommand)]
        action: SnapshotAction,
    },
    /// Show an issued document and its history: what it credits or replaces, and what
    /// credited, cancelled or replaced it.
    Show {
        /// Document number.
        number: String,
        /// Archive folder (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
    },
    /// Check the archive: every file and company snapshot against the SHA-256 in the
    /// register, unregistered files and links, the register's hash chain and checkpoints,
    /// gap-free numbers, and credit notes never crediting more than their invoice.
    Verify {
        /// Archive folder to check (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// A head recorded outside the archive (LINES:SHA256, as `issue` prints it or an
        /// export's register-head.txt holds): the register must still have it.
        #[arg(long, value_name = "LINES:SHA256")]
        expect_head: Option<invoicesmith::archive::Head>,
        /// Ed25519 public key (hex) the checkpoints must be signed with (default: the one in
        /// the company snapshot of the last document).
        #[arg(long, value_name = "HEX", value_parser = parse_public_key)]
        public_key: Option<ed25519_dalek::VerifyingKey>,
    },
}

#[derive(Subcommand)]
enum SnapshotAction {
    /// Re-render every record and report each file that differs, with what changed (text
    /// line by line, pages, metadata). Exits 1 on any difference.
    Check {
        /// The snapshot folder.
        dir: PathBuf,
    },
    /// Rewrite the expected renders after a deliberate change.
    Update {
        /// The snapshot folder.
        dir: PathBuf,
    },
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse_list(s).map(|f| f[0]).map_err(|e| format!("'{s}' {e}"))
}

fn parse_public_key(s: &str) -> Result<ed25519_dalek::VerifyingKey, String> {
    invoicesmith::archive::checkpoint::parse_public_key(s)
}

/// The archive a command uses: `--archive`, else `INVOICESMITH_ARCHIVE`, else the `[archive]
/// path` of `data`'s company.toml (relative to it). Never the current folder by default: a
/// run started elsewhere must not find, or start, another archive.
fn archive_path(flag: Option<PathBuf>, data: Option<&std::path::Path>) -> Result<PathBuf, ExitCode> {
    if let Some(path) = flag.or_else(|| std::env::var_os("INVOICESMITH_ARCHIVE").filter(|v| !v.is_empty()).map(PathBuf::from)) {
        return Ok(path);
    }
    if let Some(data) = data {
        let sources = match invoicesmith::input::read_sources(data) {
            Ok(s) => s,
            Err(diagnostics) => return Err(fail(Error::Input(diagnostics), false)),
        };
        let mut diagnostics = Vec::new();
        let settings = invoicesmith::archive::config::parse(&sources.company, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(fail(Error::Input(diagnostics), false));
        }
        if let Some(path) = settings.path {
            return Ok(data.join(path));
        }
    }
    eprintln!(
        "error: which archive? Give --archive DIR, set INVOICESMITH_ARCHIVE, or{} set [archive] path in company.toml",
        if data.is_some() { "" } else { " give --data DIR whose" }
    );
    Err(ExitCode::from(2))
}

/// The key file given with `--signing-key`, else in `INVOICESMITH_SIGNING_KEY`.
fn signing_key(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| std::env::var_os("INVOICESMITH_SIGNING_KEY").filter(|v| !v.is_empty()).map(PathBuf::from))
}

fn parse_month(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").map_err(|_| format!("'{s}' is not a month; expected YYYY-MM"))
}

fn parse_assignment(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| format!("'{s}' is not FIELD=VALUE"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Issue { data_dir, archive, init, json, quiet, formats, signing_key: key } => {
            let archive = match archive_path(archive, Some(&data_dir)) {
                Ok(path) => Archive::open(path).init(init).with_signing_key(signing_key(key)),
                Err(code) => return code,
            };
            let bar = progress_bar(quiet);
            let result = invoicesmith::app::run_issue_with(&data_dir, &archive, &formats, &mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            });
            bar.finish_and_clear();
            match result {
                Ok(report) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report).expect("report serialises"));
                    } else {
                        print_summary(&report, &archive, false);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, json),
            }
        }
        Command::Reissue { number, set, reason, date, archive, json, signing_key: key } => {
            let archive = match archive_path(archive, None) {
                Ok(path) => Archive::open(path).with_signing_key(signing_key(key)),
                Err(code) => return code,
            };
            let correction = invoicesmith::issue::correct::Correction { set, reason, date };
            // The one reading of the clock: the correction is dated the day it is made.
            match invoicesmith::app::run_reissue(&archive, &number, &correction, chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())) {
                Ok(report) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report).expect("report serialises"));
                    } else {
                        print_summary(&report, &archive, false);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, json),
            }
        }
        Command::Sample { transactions, seed, month, out, force } => {
            let spec = invoicesmith::app::synth::Spec { transactions, seed, month, months: 1, plan_changes: 3 };
            match invoicesmith::app::synth::write(&spec, &out, force) {
                Ok(()) => {
                    println!("wrote {transactions} transactions (seed {seed}) to {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, false),
            }
        }
        Command::Render { record, out, formats } => match invoicesmith::app::run_render(&record, &out, &formats) {
            Ok(paths) => {
                for p in paths {
                    println!("{}", p.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, false),
        },
        Command::Export { month, quarter, archive, data, out } => {
            let archive = match archive_path(archive, data.as_deref()) {
                Ok(path) => Archive::open(path),
                Err(code) => return code,
            };
            let text = month.or(quarter).expect("clap requires one");
            let period = match invoicesmith::export::Period::parse(&text) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: '{text}' {e}");
                    return ExitCode::from(2);
                }
            };
            let data = match data.map(|d| invoicesmith::input::load(&d)).transpose() {
                Ok(d) => d,
                Err(diagnostics) => return fail(Error::Input(diagnostics), false),
            };
            let with_data = data.is_some();
            if !archive.exists() {
                return fail(Error::NoArchive { path: archive.root().to_path_buf() }, false);
            }
            match invoicesmith::export::export(&archive, period, data, invoicesmith::input::parse_company, &out) {
                Ok(report) => {
                    println!("exported {} document(s) for {period} into {}", report.documents, out.display());
                    if let Some(zip) = &report.zip {
                        println!("  {}", zip.display());
                    }
                    if !with_data {
                        eprintln!("warning: no --data folder given: reconciliation.csv was not written");
                    }
                    for m in &report.missing {
                        eprintln!("error: {m}: succeeded in the payment history but has no document (missing invoice or credit note)");
                    }
                    if report.missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
                Err(e) => fail(e, false),
            }
        }
        Command::Snapshot { action: SnapshotAction::Check { dir } } => match invoicesmith::app::snapshot::check(&dir) {
            Ok(diffs) if diffs.is_empty() => {
                println!("{}: every render matches its snapshot", dir.display());
                ExitCode::SUCCESS
            }
            Ok(diffs) => {
                for d in &diffs {
                    println!("{} differs:", d.file.display());
                    for line in &d.details {
                        println!("    {line}");
                    }
                }
                eprintln!("error: {} render(s) differ from their snapshots; if the change is intended, run `invoicesmith snapshot update {}`", diffs.len(), dir.display());
                ExitCode::from(1)
            }
            Err(e) => fail(e, false),
        },
        Command::Snapshot { action: SnapshotAction::Update { dir } } => match invoicesmith::app::snapshot::update(&dir) {
            Ok(changed) => {
                for p in &changed {
                    println!("updated {}", p.display());
                }
                println!("{} file(s) updated", changed.len());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, false),
        },
        Command::Show { number, archive } => {
            let archive = match archive_path(archive, None) {
                Ok(path) => Archive::open(path),
                Err(code) => return code,
            };
            if !archive.exists() {
                return fail(Error::NoArchive { path: archive.root().to_path_buf() }, false);
            }
            match invoicesmith::app::show(&archive, &number) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, false),
            }
        }
        Command::Recover { archive, signing_key: key } => {
            let archive = match archive_path(archive, None) {
                Ok(path) => Archive::open(path).with_signing_key(signing_key(key)),
                Err(code) => return code,
            };
            match invoicesmith::app::run_recover(&archive) {
                Ok(report) => {
                    if report.notices.is_empty() && report.checkpoint.is_none() {
                        println!("{}: nothing to recover", archive.root().display());
                    }
                    print_summary(&report, &archive, true);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, false),
            }
        }
        Command::Keygen { out } => match invoicesmith::archive::checkpoint::write_key_pair(&out) {
            Ok(public) => {
                println!("wrote the secret key to {} (keep it outside the archive, readable only by whoever issues)", out.display());
                println!("add to company.toml:\n\n[archive]\npublic_key = \"{public}\"\nsigning_key = \"{}\"", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, false),
        },
        Command::Verify { archive, expect_head, public_key } => {
            let archive = match archive_path(archive, None) {
                Ok(path) => Archive::open(path),
                Err(code) => return code,
            };
            let options = invoicesmith::archive::VerifyOptions { expect_head, public_key };
            match archive.verify(&options) {
                Ok(problems) if problems.is_empty() => {
                    println!("{}: intact (every registered file matches its SHA-256, register chain and numbering consistent)", archive.root().display());
                    ExitCode::SUCCESS
                }
                Ok(problems) => {
                    for p in &problems {
                        eprintln!("error: {p}");
                    }
                    eprintln!("{} problem(s) in {}", problems.len(), archive.root().display());
                    ExitCode::from(1)
                }
                Err(e) => fail(e, false),
            }
        }
    }
}

/// A progress bar on stderr, drawn only on a terminal and without `--quiet`.
fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} documents  {per_sec}  eta {eta}")
            .expect("valid template"),
    );
    bar
}

/// Prints what a run did; `recovering`: a `recover` run, which issues nothing.
fn print_summary(report: &IssueReport, archive: &Archive, recovering: bool) {
    use std::io::Write;
    // Write through one lock and stop quietly if the reader goes away (`| head`).
    for n in &report.notices {
        eprintln!("notice: {n}");
    }
    let mut out = std::io::stdout().lock();
    let mut lines = Vec::new();
    if !recovering {
        lines.push(format!("issued {} document(s) into {}", report.issued.len(), archive.root().display()));
    }
    lines.extend(report.issued.iter().map(|d| {
        format!("  {}  {}  {}  {} {}  ({})", d.number, d.issue_date, d.customer_id, d.total, d.currency, d.transactions.join(", "))
    }));
    if !report.skipped.is_empty() {
        lines.push(format!("skipped {} transaction(s):", report.skipped.len()));
        lines.extend(report.skipped.iter().map(|s| format!("  {}: {}", s.transaction_id, s.reason)));
    }
    if let Some(c) = &report.checkpoint {
        let signed = if c.signed { "signed" } else { "unsigned: no key configured" };
        lines.push(format!(
            "checkpoint {} ({signed}); keep it outside the archive: `invoicesmith verify --archive {} --expect-head {}`",
            c.head,
            archive.root().display(),
            c.head
        ));
    }
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
    drop(out);
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
}

fn fail(e: Error, json: bool) -> ExitCode {
    if json {
        let body = serde_json::json!({ "error": e.to_string(), "diagnostics": e.diagnostics() });
        println!("{}", serde_json::to_string_pretty(&body).expect("serialises"));
    }
    for d in e.diagnostics() {
        eprintln!("error: {d}");
    }
    eprintln!("error: {e}");
    ExitCode::from(if e.is_input() { 1 } else { 3 })
}
