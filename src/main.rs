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
use invoicesmith::app::{IssueReport, release_freed_memory};

#[derive(Parser)]
#[command(
    name = "invoicesmith",
    version,
    about = "Invoices and credit notes from a payment history: exact EU VAT, gap-free numbers",
    after_help = "Examples:\n  invoicesmith issue samples --init\n  invoicesmith list --customer cus_de_01 --archive archive\n  invoicesmith export --month 2026-10 --data samples --out export-2026-10\n\n--json prints one object of schema invoicesmith.cli.v1 (README, \"JSON output\")."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Issue documents for every transaction in DATA_DIR that has none yet
    ///
    /// DATA_DIR holds company.toml, customers.csv, transactions.csv and optionally
    /// exchange_rates.csv (see README.md). Any input error is reported with file, line and
    /// field, and then nothing is issued.
    #[command(after_help = "Examples:\n  invoicesmith issue samples --init                 # the first run creates the archive\n  invoicesmith issue samples --dry-run              # what would be issued and skipped; nothing written\n  invoicesmith issue samples --json --formats pdf,json")]
    Issue {
        /// Folder with company.toml, customers.csv, transactions.csv[, exchange_rates.csv].
        data_dir: PathBuf,
        /// Archive folder, or PostgreSQL URL (postgres://…, libpq style; a Unix socket with
        /// ?host=/path) (default: $INVOICESMITH_ARCHIVE, else company.toml's [archive] path,
        /// relative to company.toml). Never the current folder by accident.
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Create the archive if it does not exist yet (refused otherwise, so a mistyped
        /// folder never starts a second archive with the numbers issued again).
        #[arg(long)]
        init: bool,
        /// Print the run's result as JSON on stdout instead of a summary.
        #[arg(long)]
        json: bool,
        /// Show what would be issued (with the numbers it would get) and skipped, and write
        /// nothing: no archive, no file, no register line.
        #[arg(long)]
        dry_run: bool,
        /// No progress bar (it is shown only on a terminal anyway).
        #[arg(long, short)]
        quiet: bool,
        /// Formats to write, comma-separated: pdf, html, json, ubl (EN 16931 UBL 2.1), cii
        /// (EN 16931 CII D16B), facturx (PDF/A-3 with the CII), peppol (Peppol BIS Billing 3.0,
        /// for customers with a Peppol ID), xrechnung (XRechnung 3.0 in UBL and CII, for
        /// German business customers; or xrechnung-ubl, xrechnung-cii). The JSON record is
        /// always written.
        #[arg(long, default_value = "pdf,html,json,ubl,cii", value_parser = parse_formats)]
        formats: Formats,
        /// Ed25519 key file to sign the run's checkpoint with (default:
        /// $INVOICESMITH_SIGNING_KEY, else company.toml's [archive] signing_key).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Finish what an interrupted run left (every writing run does too)
    ///
    /// Cuts off and keeps an unfinished register or checkpoint write (recovered/), moves
    /// unregistered files to quarantine/, and checkpoints registered lines no checkpoint covers.
    #[command(after_help = "Example:\n  invoicesmith recover --archive archive")]
    Recover {
        /// Archive folder or postgres:// URL (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Ed25519 key file to sign the checkpoint with (default: $INVOICESMITH_SIGNING_KEY).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Make an Ed25519 key pair for signing checkpoints
    ///
    /// The secret key is written to FILE (which must not exist; keep it outside the
    /// archive), the public key is printed for company.toml's [archive] public_key.
    #[command(after_help = "Example:\n  invoicesmith keygen --out /etc/invoicesmith/seller.key")]
    Keygen {
        /// File to write the secret key to.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Render a document record (its JSON) without an archive
    ///
    /// For snapshot tests of templates in CI. Output is byte-identical for the same record.
    #[command(after_help = "Example:\n  invoicesmith render archive/2026/KL-INV-2026-000005.json --out /tmp/render --formats pdf,html")]
    Render {
        /// A document's JSON record; with --archive, its path in the archive (e.g.
        /// 2026/KL-INV-2026-000001.json), read from there and checked against the register.
        record: PathBuf,
        /// Archive folder or PostgreSQL URL to read the record from.
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Folder to write the rendered files into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Formats, comma-separated: pdf, html, json, ubl, cii, facturx, peppol, xrechnung.
        #[arg(long, default_value = "pdf,html,json,ubl,cii", value_parser = parse_formats)]
        formats: Formats,
        /// Data folder whose company.toml's [resources] (translations, CJK font) to render
        /// with; default: for an archived record, those of the company.toml it was issued
        /// under (absolute paths only), else the built-in ones.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Write a synthetic month of payment history of any size
    ///
    /// For benchmarks and scale tests. The same seed gives the same files.
    #[command(after_help = "Example:\n  invoicesmith sample --transactions 100000 --seed 7 --out /tmp/month")]
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
    /// Correct an invoice: a cancelling credit note and a replacement
    ///
    /// A credit note cancels the invoice in full and a replacement invoice with the corrected
    /// customer details states that it replaces it. The original's files stay byte for byte.
    #[command(after_help = "Example:\n  invoicesmith reissue KL-INV-2026-000003 --archive archive --set address_line1=\"Kastanienallee 7\" --set postal_code=10435 --reason \"customer moved\"")]
    Reissue {
        /// Number of the invoice to correct, e.g. KL-INV-2026-000003.
        number: String,
        /// A customer field to correct, as FIELD=VALUE (repeatable). Fields: name, email,
        /// address_line1, address_line2, city, postal_code, region, country, vat_id,
        /// vat_id_status, language, type, peppol_id, buyer_reference.
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
        /// Archive folder or postgres:// URL (default: $INVOICESMITH_ARCHIVE, else --data's company.toml).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Formats of the new documents, comma-separated (as for `issue`); default: the
        /// formats the original was issued in.
        #[arg(long, value_parser = parse_formats)]
        formats: Option<Formats>,
        /// Ed25519 key file to sign the run's checkpoint with (default:
        /// $INVOICESMITH_SIGNING_KEY, else the archived company.toml's absolute signing_key).
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
        /// Data folder whose company.toml's [resources] (translations, CJK font) to render
        /// with; default: those of the company.toml the document was issued under (absolute
        /// paths only).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Export a month or quarter: journals, VAT, DATEV, Xero, QuickBooks
    ///
    /// Writes the documents (copied byte for byte), journals (per document, rate and line),
    /// the VAT summary, the revenue schedule, a DATEV Buchungsstapel, Xero and QuickBooks
    /// imports booked by company.toml's [accounts] and, with --data, a reconciliation of
    /// every transaction. Also written as OUT.zip. Exits 1 if a succeeded transaction has no
    /// document.
    #[command(after_help = "Examples:\n  invoicesmith export --month 2026-10 --data samples --out export-2026-10\n  invoicesmith export --quarter 2026-Q4 --archive archive --out oss-2026-Q4 --csv excel-semicolon")]
    Export {
        /// Month to export (YYYY-MM).
        #[arg(long, conflicts_with = "quarter", required_unless_present = "quarter")]
        month: Option<String>,
        /// Quarter to export (YYYY-Qn), e.g. for the OSS return.
        #[arg(long)]
        quarter: Option<String>,
        /// Archive folder or postgres:// URL (default: $INVOICESMITH_ARCHIVE, else --data's company.toml).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Data folder whose transactions.csv is reconciled against the archive.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Folder to create (must not exist); OUT.zip is written beside it.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// How the program's own CSV files are written: plain (RFC 4180, UTF-8), excel (UTF-8
        /// with BOM) or excel-semicolon (BOM, `;` and decimal commas, for continental Excel).
        /// The DATEV, Xero and QuickBooks files keep their importers' format.
        #[arg(long, value_name = "DIALECT", default_value = "plain", value_parser = parse_dialect)]
        csv: invoicesmith::export::Dialect,
        /// Print what was exported as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Work on whole archives (copy between a folder and PostgreSQL)
    #[command(after_help = "Example:\n  invoicesmith archive copy archive postgresql:///invoices?host=/run/postgresql")]
    Archive {
        #[command(subcommand)]
        action: ArchiveAction,
    },
    /// List documents by customer, issue date, kind and status
    ///
    /// Status: open (amount due or overpayment open), paid, credited (a credit note credits
    /// it), replaced (cancelled and reissued). Reads the archive only.
    #[command(after_help = "Examples:\n  invoicesmith list --archive archive --customer cus_de_01\n  invoicesmith list --archive archive --from 2026-10-01 --to 2026-10-31 --kind credit_note\n  invoicesmith list --archive archive --status open --json")]
    List {
        /// Archive folder or postgres:// URL (default: $INVOICESMITH_ARCHIVE, else --data's company.toml).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Only this customer's documents (its id in customers.csv).
        #[arg(long, value_name = "ID")]
        customer: Option<String>,
        /// Issued on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<chrono::NaiveDate>,
        /// Issued on or before this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<chrono::NaiveDate>,
        /// invoice or credit_note.
        #[arg(long, value_parser = invoicesmith::app::query::parse_kind)]
        kind: Option<invoicesmith::document::DocumentKind>,
        /// open, paid, credited or replaced.
        #[arg(long, value_parser = invoicesmith::app::query::Status::parse)]
        status: Option<invoicesmith::app::query::Status>,
        /// The data folder: bank transfers received and overpayments refunded, which issue no
        /// document, settle their invoices (paid, not open).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Print the documents as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a customer's statement (PDF, HTML, CSV) with its balance
    ///
    /// Lists the customer's invoices, credit notes, card payments and refunds from FROM to TO
    /// and, with --data, duplicate charges and the money returned for them; then the
    /// balance per currency: (payments − refunds) − (invoices − credit notes).
    #[command(after_help = "Example:\n  invoicesmith statement cus_de_01 --from 2026-10-01 --to 2026-10-31 --data samples --out statements")]
    Statement {
        /// The customer's id (customers.csv).
        customer: String,
        /// First day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: chrono::NaiveDate,
        /// Last day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: chrono::NaiveDate,
        /// Folder to write the statement into (created if needed; files are never replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Archive folder or postgres:// URL (default: $INVOICESMITH_ARCHIVE, else --data's company.toml).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Data folder: its payment history adds duplicate charges and their refunds, and
        /// its company.toml's [resources] the fonts.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// CSV dialect: plain, excel or excel-semicolon.
        #[arg(long, value_name = "DIALECT", default_value = "plain", value_parser = parse_dialect)]
        csv: invoicesmith::export::Dialect,
        /// Print the statement as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Snapshot tests of rendered documents
    ///
    /// A snapshot folder holds document records (NAME.json) with their expected renders
    /// (NAME.pdf, NAME.html).
    #[command(after_help = "Examples:\n  invoicesmith snapshot check tests/snapshots\n  invoicesmith snapshot update tests/snapshots")]
    Snapshot {
        #[command(subcommand)]
        action: SnapshotAction,
    },
    /// Show an issued document and its history
    ///
    /// What it credits or replaces, and what credited, cancelled or replaced it.
    #[command(after_help = "Examples:\n  invoicesmith show KL-INV-2026-000003 --archive archive\n  invoicesmith show KL-INV-2026-000003 --archive archive --json   # the document record, status and history\n  invoicesmith show KL-INV-2026-000016 --data samples --on 2026-11-15   # was it overdue then?")]
    Show {
        /// Document number; or a transaction id (ch_1010) or the payment processor's id
        /// (pi_3QKx1010) of its one document.
        number: String,
        /// The data folder: the status counts bank transfers received and overpayments
        /// refunded, which issue no document.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// The status on this day (YYYY-MM-DD, where the seller is; not before the issue
        /// date): only payments received and documents issued by then count, and an invoice
        /// is overdue if its due date is before it (default: today, with everything recorded).
        #[arg(long, value_name = "DATE")]
        on: Option<chrono::NaiveDate>,
        /// Archive folder or postgres:// URL (default: $INVOICESMITH_ARCHIVE, else --data's company.toml).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// Print the document, its status and history as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check every archived file, the register's chain and numbering
    ///
    /// Checks every file and company snapshot against the SHA-256 in the register,
    /// unregistered files and links, the register's hash chain and checkpoints, gap-free
    /// numbers, and credit notes never crediting more than their invoice.
    #[command(after_help = "Examples:\n  invoicesmith verify --archive archive\n  invoicesmith verify --archive archive --expect-head 14:5b1e…  # the head kept outside the archive")]
    Verify {
        /// Archive folder or postgres:// URL to check (default: $INVOICESMITH_ARCHIVE).
        #[arg(long, value_name = "DIR|URL")]
        archive: Option<PathBuf>,
        /// A head recorded outside the archive (LINES:SHA256, as `issue` prints it or an
        /// export's register-head.txt holds): the register must still have it.
        #[arg(long, value_name = "LINES:SHA256")]
        expect_head: Option<invoicesmith::archive::Head>,
        /// Ed25519 public key (hex) the checkpoints must be signed with (default: the one in
        /// the company snapshot of the last document).
        #[arg(long, value_name = "HEX", value_parser = parse_public_key)]
        public_key: Option<ed25519_dalek::VerifyingKey>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ArchiveAction {
    /// Copy an archive into a new one, folder or PostgreSQL database either way, byte for
    /// byte (register, checkpoints, company snapshots, documents), then verify the copy.
    /// SRC must verify clean; DST must be an empty folder or a database without an archive.
    Copy {
        /// The archive to copy: a folder or a postgres:// URL.
        src: PathBuf,
        /// The new archive: a folder or a postgres:// URL.
        dst: PathBuf,
    },
}

#[derive(Subcommand)]
enum SnapshotAction {
    /// Re-render every record and report each file that differs, with what changed (text
    /// line by line, pages, metadata). Exits 1 on any difference.
    Check {
        /// The snapshot folder.
        dir: PathBuf,
        /// Data folder whose company.toml's [resources] (translations, CJK font) to render
        /// with (default: the built-in ones), and whose [brand] logo records name by SHA-256.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Rewrite the expected renders after a deliberate change.
    Update {
        /// The snapshot folder.
        dir: PathBuf,
        /// Data folder whose company.toml's [resources] (translations, CJK font) to render
        /// with (default: the built-in ones), and whose [brand] logo records name by SHA-256.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
}

/// A `--formats` list.
#[derive(Clone, Debug)]
struct Formats(Vec<Format>);

fn parse_formats(s: &str) -> Result<Formats, String> {
    Format::parse_list(s).map(Formats).map_err(|e| format!("'{s}' {e}"))
}

fn parse_dialect(s: &str) -> Result<invoicesmith::export::Dialect, String> {
    invoicesmith::export::Dialect::parse(s).map_err(|e| format!("'{s}' {e}"))
}

/// The schema every `--json` output names: one object per run, with `schema` and, on
/// success, `command` beside the command's fields; on failure `error` and `diagnostics`.
const JSON_SCHEMA: &str = "invoicesmith.cli.v1";

/// Prints `body` (an object) as a command's JSON result.
fn print_json(command: &str, body: impl serde::Serialize) {
    let mut value = serde_json::to_value(body).expect("results serialise");
    if let Some(map) = value.as_object_mut() {
        map.insert("schema".into(), JSON_SCHEMA.into());
        map.insert("command".into(), command.into());
    }
    println!("{}", serde_json::to_string_pretty(&value).expect("serialises"));
}

fn parse_public_key(s: &str) -> Result<ed25519_dalek::VerifyingKey, invoicesmith::archive::checkpoint::PublicKeyError> {
    invoicesmith::archive::checkpoint::parse_public_key(s)
}

/// Whether a command may take its archive from a data folder's company.toml.
#[derive(Clone, Copy)]
enum FromData<'a> {
    /// It may: every command that takes a data folder (`issue`'s DATA_DIR, `--data` of
    /// `show`, `list`, `statement`, `reissue` and `export`), if one was given. The folder is
    /// one seller's, and its company.toml names that seller's archive, whatever else the
    /// command reads there (payment history, resources).
    Yes(Option<&'a std::path::Path>),
    /// It never does: `recover` and `verify` take no data folder.
    No,
}

/// The archive a command uses: `--archive`, else `INVOICESMITH_ARCHIVE`, else the `[archive]
/// path` of `data`'s company.toml (relative to it). Never the current folder by default: a
/// run started elsewhere must not find, or start, another archive. The "which archive?"
/// error names only the ways that command has.
fn archive_path(flag: Option<PathBuf>, from: FromData, json: bool) -> Result<PathBuf, ExitCode> {
    let data = match from {
        FromData::Yes(data) => data,
        FromData::No => None,
    };
    if let Some(path) = flag.or_else(|| std::env::var_os("INVOICESMITH_ARCHIVE").filter(|v| !v.is_empty()).map(PathBuf::from)) {
        return Ok(path);
    }
    if let Some(data) = data {
        let sources = match invoicesmith::input::read_sources(data) {
            Ok(s) => s,
            Err(diagnostics) => return Err(fail(Error::Input(diagnostics), json)),
        };
        let mut diagnostics = Vec::new();
        let settings = invoicesmith::archive::config::parse(&sources.company, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(fail(Error::Input(diagnostics), json));
        }
        if let Some(path) = settings.path {
            // A database URL is where it says; a folder is relative to company.toml.
            let url = path.to_str().is_some_and(invoicesmith::archive::pg::is_url);
            return Ok(if url { path } else { data.join(path) });
        }
        // A company.toml that does not read (not TOML, a table twice) says nothing of an
        // archive either: what is wrong with it is the error to give, not "which archive?".
        if let Err(diagnostics) = invoicesmith::input::parse_company(&sources.company) {
            return Err(fail(Error::Input(diagnostics), json));
        }
    }
    let message = match from {
        FromData::Yes(Some(data)) => {
            format!("which archive? Give --archive DIR|URL, set INVOICESMITH_ARCHIVE, or set [archive] path in {}", data.join("company.toml").display())
        }
        FromData::Yes(None) => "which archive? Give --archive DIR|URL, set INVOICESMITH_ARCHIVE, or give --data DIR whose company.toml sets [archive] path".to_string(),
        FromData::No => "which archive? Give --archive DIR|URL or set INVOICESMITH_ARCHIVE to it; this command does not take it from a data folder".to_string(),
    };
    Err(usage(message, json))
}

/// A usage error found after parsing (exit 2): on stderr, and with `json` also as the JSON
/// object on stdout.
fn usage(message: String, json: bool) -> ExitCode {
    if json {
        print_json_error(&message, &[] as &[String]);
    }
    eprintln!("error: {}", printable(&message));
    ExitCode::from(2)
}

/// An error message as the terminal gets it: a control character (an ESC, a CR) in what it
/// quotes of the command line (a customer id, a document number) is shown as U+FFFD, as
/// input diagnostics show theirs, so no escape sequence typed or pasted reaches the terminal.
/// A line break stays: messages of other libraries (a database's) may have several lines.
fn printable(message: &str) -> std::borrow::Cow<'_, str> {
    invoicesmith::diag::printable(message, true)
}

/// Reads the translations and fonts `data`'s company.toml names, if a data folder is given.
fn configure(data: Option<&std::path::Path>) -> Result<(), Error> {
    use invoicesmith::app::resources::{Configured, configure};
    configure(data.map_or(Configured::BuiltIn, Configured::Data))
}

/// The key file given with `--signing-key`, else in `INVOICESMITH_SIGNING_KEY`.
/// The archive at `path`, saying on stderr when a run waits for another's lock (the
/// archive crate itself prints nothing).
fn open_archive(path: impl Into<PathBuf>) -> Archive {
    Archive::open(path).with_wait_notice(|on| eprintln!("waiting for another run on {on} to finish…"))
}

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

/// Asks Linux for no transparent huge pages in this process (`PR_SET_THP_DISABLE`).
///
/// mimalloc asks for huge pages on its arenas (`madvise(MADV_HUGEPAGE)`), so a page it has
/// purged comes back as 2 MiB, zeroed and often compacted first, and a partly used 2 MiB
/// stays resident whole. A run's working set is many small, short-lived objects: with huge
/// pages the 100,000-transaction month's `issue` peaked ~14 MiB higher, and zeroing them
/// was 5 % of a profile's samples (`bench/RESULTS.md`, "Transparent huge pages"). This is
/// what `MIMALLOC_ALLOW_THP=0` does, in the binary so that every run gets it.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process; it takes no
    // pointers. Its result is ignored on purpose: an older kernel without it keeps THP.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1 as libc::c_ulong, 0 as libc::c_ulong, 0 as libc::c_ulong, 0 as libc::c_ulong);
    }
}

/// Raises this process's soft limit of open files to its hard limit, as Go's runtime does
/// for every program: `issue` and `export` write files' bytes on the rendering threads and
/// hold them open, unnamed, until one thread names them in order (the archive's `Stager`).
/// They hold at most half the soft limit at once (past it, the bytes are written when named,
/// on the one thread); with the usual soft limit of 1,024 that is 512, under what their
/// pipelines keep in flight (up to 960 files in `issue`, 1,280 in `export`).
fn raise_open_files_limit() {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit and setrlimit read and write the struct given; results checked.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max {
                limit.rlim_cur = limit.rlim_max;
                // Ignored if refused: the lower limit only means fewer files written ahead.
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            }
        }
    }
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    raise_open_files_limit();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match cli.command {
        Command::Issue { data_dir, archive, init, json, dry_run, quiet, formats, signing_key: key } => {
            let archive = match archive_path(archive, FromData::Yes(Some(&data_dir)), json) {
                Ok(path) => open_archive(path).init(init).with_signing_key(signing_key(key)),
                Err(code) => return code,
            };
            if dry_run {
                return match invoicesmith::app::run_issue_dry(&data_dir, &archive, &formats.0) {
                    Ok(report) if json => {
                        print_json("issue", serde_json::json!({ "dry_run": true, "issued": report.issued, "skipped": report.skipped, "warnings": report.warnings }));
                        ExitCode::SUCCESS
                    }
                    Ok(report) => {
                        print_summary(&report, &archive, false, true);
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e, json),
                };
            }
            let bar = progress_bar(quiet);
            let result = invoicesmith::app::run_issue_with(&data_dir, &archive, &formats.0, &mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            });
            bar.finish_and_clear();
            match result {
                Ok(report) => {
                    if json {
                        print_json("issue", &report);
                    } else {
                        print_summary(&report, &archive, false, false);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail_issue(e, json),
            }
        }
        Command::Reissue { number, set, reason, date, archive, json, formats, signing_key: key, data } => {
            let archive = match archive_path(archive, FromData::Yes(data.as_deref()), json) {
                Ok(path) => open_archive(path).with_signing_key(signing_key(key)),
                Err(code) => return code,
            };
            let correction = invoicesmith::issue::correct::Correction { set, reason, date, received: None };
            // The one reading of the clock: the correction is dated the day it is made.
            let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
            match invoicesmith::app::run_reissue(&archive, &number, &correction, now, formats.as_ref().map(|f| f.0.as_slice()), data.as_deref()) {
                Ok(report) => {
                    if json {
                        print_json("reissue", &report);
                    } else {
                        print_summary(&report, &archive, false, false);
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
        Command::Render { record, archive, out, formats, data } => match invoicesmith::app::run_render(&record, archive.map(open_archive).as_ref(), &out, &formats.0, data.as_deref()) {
            Ok(report) => {
                for p in report.written {
                    println!("{}", p.display());
                }
                // On stderr: stdout stays the list of files written.
                for (p, reason) in report.not_written {
                    eprintln!("not written: {}: {reason}", p.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, false),
        },
        Command::Export { month, quarter, archive, data, out, csv, json } => {
            let archive = match archive_path(archive, FromData::Yes(data.as_deref()), json) {
                Ok(path) => open_archive(path),
                Err(code) => return code,
            };
            let text = month.or(quarter).expect("clap requires one");
            let period = match invoicesmith::export::Period::parse(&text) {
                Ok(p) => p,
                Err(e) => return usage(format!("'{text}' {e}"), json),
            };
            let loaded = match data.as_deref().map(invoicesmith::input::load).transpose() {
                Ok(d) => d,
                Err(diagnostics) => return fail(Error::Input(diagnostics), json),
            };
            // Its [accounts] book the export (loading read and checked it already).
            let company_toml = data.map(|d| d.join(invoicesmith::input::COMPANY)).map(|p| std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e)));
            let company_toml = match company_toml.transpose() {
                Ok(text) => text,
                Err(e) => return fail(e, json),
            };
            // Only the period's payments are kept: the data set goes before the register is
            // read, and its memory with it.
            let data = loaded.as_ref().map(|d| invoicesmith::export::Reconciling::of(d, period));
            drop(loaded);
            release_freed_memory();
            let with_data = data.is_some();
            if !archive.exists() {
                return fail(Error::NoArchive { path: archive.root().to_path_buf() }, false);
            }
            // Another seller's data folder would reconcile and book this archive's documents
            // against that seller's payments and accounts.
            if let Some(text) = &company_toml
                && let Err(e) = invoicesmith::archive::seller::check(&archive, text)
            {
                return fail(e, json);
            }
            let options = invoicesmith::export::Options { dialect: csv, company_toml, release_memory: Some(release_freed_memory) };
            match invoicesmith::export::export(&archive, period, data, invoicesmith::input::parse_company, &out, &options) {
                Ok(report) => {
                    if json {
                        print_json("export", serde_json::json!({ "period": period.to_string(), "out": out, "report": report }));
                    } else {
                        println!("exported {} document(s) for {period} into {}", report.documents, out.display());
                        if let Some(zip) = &report.zip {
                            println!("  {}", zip.display());
                        }
                    }
                    if !with_data {
                        eprintln!("warning: no --data folder given: reconciliation.csv was not written");
                    }
                    for w in &report.warnings {
                        eprintln!("warning: {w}");
                    }
                    for m in &report.missing {
                        eprintln!("error: {m}: succeeded in the payment history but has no document (missing invoice or credit note)");
                    }
                    if report.missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
                Err(e) => fail(e, json),
            }
        }
        Command::List { archive, customer, from, to, kind, status, data, json } => {
            let archive = match archive_path(archive, FromData::Yes(data.as_deref()), json) {
                Ok(path) => open_archive(path),
                Err(code) => return code,
            };
            if !archive.exists() {
                return fail(Error::NoArchive { path: archive.root().to_path_buf() }, json);
            }
            let filter = invoicesmith::app::query::Filter { customer, from, to, kind, status };
            let data = match data.as_deref().map(|dir| invoicesmith::app::payments::read(&archive, dir)).transpose() {
                Ok(data) => data,
                Err(e) => return fail(e, json),
            };
            let ledger = data.as_ref().map(invoicesmith::app::payments::Ledger::new);
            match invoicesmith::app::query::list(&archive, &filter, ledger.as_ref()) {
                Ok(listed) if json => {
                    print_json("list", serde_json::json!({ "documents": listed }));
                    ExitCode::SUCCESS
                }
                Ok(listed) => {
                    print!("{}", invoicesmith::app::query::list_text(&listed));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, json),
            }
        }
        Command::Statement { customer, from, to, out, archive, data, csv, json } => {
            let archive = match archive_path(archive, FromData::Yes(data.as_deref()), json) {
                Ok(path) => open_archive(path),
                Err(code) => return code,
            };
            if !archive.exists() {
                return fail(Error::NoArchive { path: archive.root().to_path_buf() }, json);
            }
            if let Err(e) = configure(data.as_deref()) {
                return fail(e, json);
            }
            // Another seller's data folder would set this archive's documents against that
            // seller's payments.
            if let Some(dir) = &data {
                let company = dir.join(invoicesmith::input::COMPANY);
                let checked = std::fs::read_to_string(&company)
                    .map_err(|e| Error::io(&company, e))
                    .and_then(|text| invoicesmith::archive::seller::check(&archive, &text));
                if let Err(e) = checked {
                    return fail(e, json);
                }
            }
            let data = match data.map(|d| invoicesmith::input::load(&d)).transpose() {
                Ok(d) => d,
                Err(diagnostics) => return fail(Error::Input(diagnostics), json),
            };
            let written = invoicesmith::export::statement::build(&archive, data.as_ref(), &customer, from, to)
                .and_then(|s| invoicesmith::app::statement::write(&s, &out, csv).map(|files| (s, files)));
            match written {
                Ok((statement, files)) if json => {
                    print_json("statement", serde_json::json!({ "statement": statement, "files": files }));
                    ExitCode::SUCCESS
                }
                Ok((statement, files)) => {
                    println!("statement of {customer} from {from} to {to}: {} line(s)", statement.entries.len());
                    for b in &statement.balances {
                        println!("  {}", invoicesmith::export::statement::balance_text(b));
                    }
                    if !statement.with_payment_history {
                        // As the statement itself says: a balance without the duplicates.
                        println!("  from issued documents only: duplicate charges, their refunds and transfers received are in the payment history (--data DIR)");
                    }
                    for f in files {
                        println!("  {}", f.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, json),
            }
        }
        Command::Archive { action: ArchiveAction::Copy { src, dst } } => {
            let (src, dst) = (open_archive(src), open_archive(dst));
            match invoicesmith::archive::copy::copy(&src, &dst) {
                Ok(c) => {
                    println!(
                        "copied {} register line(s), {} file(s) and {} checkpoint(s) from {} to {}; the copy verifies and its lines are the source's, byte for byte",
                        c.lines,
                        c.files,
                        c.checkpoints,
                        src.root().display(),
                        dst.root().display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, false),
            }
        }
        Command::Snapshot { action: SnapshotAction::Check { dir, data } } => match configure(data.as_deref()).and_then(|()| invoicesmith::app::snapshot::check(&dir, data.as_deref())) {
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
        Command::Snapshot { action: SnapshotAction::Update { dir, data } } => match configure(data.as_deref()).and_then(|()| invoicesmith::app::snapshot::update(&dir, data.as_deref())) {
            Ok(changed) => {
                for p in &changed {
                    println!("updated {}", p.display());
                }
                println!("{} file(s) updated", changed.len());
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, false),
        },
        Command::Show { number, archive, data: data_dir, on, json } => {
            let archive = match archive_path(archive, FromData::Yes(data_dir.as_deref()), json) {
                Ok(path) => open_archive(path),
                Err(code) => return code,
            };
            if !archive.exists() {
                return fail(Error::NoArchive { path: archive.root().to_path_buf() }, json);
            }
            let data = match data_dir.as_deref().map(|dir| invoicesmith::app::payments::read(&archive, dir)).transpose() {
                Ok(data) => data,
                Err(e) => return fail(e, json),
            };
            let ledger = data.as_ref().map(invoicesmith::app::payments::Ledger::new);
            // A transaction or payment id with no document: with the payment history, say
            // what it is and how to see it.
            let explained = |e: Error| -> Error {
                let (Some(data), Some(dir)) = (data.as_ref(), data_dir.as_deref()) else { return e };
                let args = format!("--archive {} --data {}", shell_quoted(&archive.root().display().to_string()), shell_quoted(&dir.display().to_string()));
                match invoicesmith::app::query::no_document(&archive, data, &number, &args) {
                    Ok(Some(why)) => Error::Refused(why),
                    _ => e,
                }
            };
            // The one reading of the clock: whether an open invoice is overdue now.
            let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
            if json {
                return match invoicesmith::app::query::show(&archive, &number, ledger.as_ref(), now, on).map_err(explained) {
                    Ok(shown) => {
                        print_json("show", &shown);
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e, true),
                };
            }
            match invoicesmith::app::show(&archive, &number, ledger.as_ref(), now, on).map_err(explained) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, false),
            }
        }
        Command::Recover { archive, signing_key: key } => {
            let archive = match archive_path(archive, FromData::No, false) {
                Ok(path) => open_archive(path).with_signing_key(signing_key(key)),
                Err(code) => return code,
            };
            match invoicesmith::app::run_recover(&archive) {
                Ok(report) => {
                    if report.notices.is_empty() && report.checkpoint.is_none() {
                        println!("{}: nothing to recover", archive.root().display());
                    }
                    print_summary(&report, &archive, true, false);
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
        Command::Verify { archive, expect_head, public_key, json } => {
            let archive = match archive_path(archive, FromData::No, json) {
                Ok(path) => open_archive(path),
                Err(code) => return code,
            };
            let options = invoicesmith::archive::VerifyOptions { expect_head, public_key };
            match archive.verify(&options) {
                Ok(problems) if json => {
                    print_json("verify", serde_json::json!({ "archive": archive.root(), "intact": problems.is_empty(), "problems": problems }));
                    if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
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
                Err(e) => fail(e, json),
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

/// Prints what a run did; `recovering`: a `recover` run, which issues nothing; `dry`: what a
/// run would do.
fn print_summary(report: &IssueReport, archive: &Archive, recovering: bool, dry: bool) {
    use std::io::Write;
    for n in &report.notices {
        eprintln!("notice: {n}");
    }
    // Written through one lock as it is formatted (a 100,000-document run's lines collected
    // first were 10 MB on top of the run's peak), and stopped quietly if the reader goes away
    // (`| head`).
    let mut out = std::io::stdout().lock();
    let written = (|| -> std::io::Result<()> {
        if dry {
            writeln!(out, "dry run, nothing written: would issue {} document(s) into {}", report.issued.len(), archive.root().display())?;
        } else if !recovering && report.issued.is_empty() && !archive.exists() {
            // `--init` with nothing to store creates nothing: say so, or the next run's "no
            // archive here" would surprise.
            writeln!(out, "issued 0 document(s); nothing to store, so no archive was created at {}", archive.root().display())?;
        } else if !recovering {
            writeln!(out, "issued {} document(s) into {}", report.issued.len(), archive.root().display())?;
        }
        for d in &report.issued {
            writeln!(out, "  {}  {}  {}  {} {}  ({})", d.number(), d.issue_date, d.customer_id(), d.total, d.currency, d.transactions().join(", "))?;
        }
        // Transactions invoiced by an earlier run are one count: a rerun over a month of
        // 100,000 transactions is one line, not 100,000.
        let (already, other): (Vec<_>, Vec<_>) = report.skipped.iter().partition(|s| invoicesmith::app::already_issued(s));
        if !already.is_empty() {
            writeln!(out, "{} transaction(s) already invoiced", already.len())?;
        }
        if !other.is_empty() {
            writeln!(out, "{} {} transaction(s):", if dry { "would skip" } else { "skipped" }, other.len())?;
            for s in &other {
                writeln!(out, "  {}: {}", s.transaction_id, s.reason)?;
            }
        }
        for n in &report.not_written {
            writeln!(out, "not written: {n}")?;
        }
        if let Some(c) = &report.checkpoint {
            let signed = if c.signed { "signed" } else { "unsigned: no key configured" };
            writeln!(
                out,
                "checkpoint {} ({signed}); keep it outside the archive: `invoicesmith verify --archive {} --expect-head {}`",
                c.head,
                shell_quoted(&archive.root().display().to_string()),
                c.head
            )?;
        }
        Ok(())
    })();
    drop(out);
    if written.is_err() {
        return;
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
}

/// A command line clap refuses (exit 2), or help and version (exit 0). With `--json` among
/// the arguments, a refusal is also the one JSON object on stdout that `--json` promises, its
/// `error` clap's message.
fn usage_error(e: clap::Error) -> ExitCode {
    if e.use_stderr() && std::env::args_os().any(|a| a == "--json") {
        let message = e.render().to_string();
        print_json_error(message.lines().next().unwrap_or_default().trim_start_matches("error: "), &[] as &[String]);
    }
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

/// `s` as one word of a POSIX shell command line, for a command printed to be pasted: as
/// it is when it holds nothing the shell reads specially, else in single quotes (a
/// PostgreSQL URL's `&` would otherwise end the command there).
fn shell_quoted(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c);
    if !s.is_empty() && s.chars().all(plain) { s.to_string() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// The one JSON object `--json` prints on a failure: the error and its input problems.
fn print_json_error(error: &str, diagnostics: impl serde::Serialize) {
    print_json_error_with(error, diagnostics, serde_json::Map::new());
}

/// [`print_json_error`] with `more` fields beside the error.
fn print_json_error_with(error: &str, diagnostics: impl serde::Serialize, more: serde_json::Map<String, serde_json::Value>) {
    let mut body = serde_json::json!({ "schema": JSON_SCHEMA, "error": error, "diagnostics": diagnostics });
    body.as_object_mut().expect("an object").extend(more);
    println!("{}", serde_json::to_string_pretty(&body).expect("serialises"));
}

/// [`fail`] for a run of `issue`, saying also what it issued before it failed: on stderr
/// after the error, and with `json` as `issued_before` (the message), `issued` (the
/// documents, as a successful run lists them) and `checkpoint`.
fn fail_issue(e: invoicesmith::app::IssueError, json: bool) -> ExitCode {
    let Some(issued_before) = e.issued_before() else { return fail(e.error, json) };
    let more = serde_json::Map::from_iter([
        ("issued_before".to_string(), serde_json::Value::from(issued_before.as_str())),
        ("issued".to_string(), serde_json::to_value(&e.issued).expect("serialises")),
        ("checkpoint".to_string(), serde_json::to_value(&e.checkpoint).expect("serialises")),
    ]);
    fail_then(e.error, json, more, Some(&issued_before))
}

fn fail(e: Error, json: bool) -> ExitCode {
    fail_then(e, json, serde_json::Map::new(), None)
}

/// Reports `e` (with `json`, also `more` fields), then the line `then` if given.
fn fail_then(e: Error, json: bool, more: serde_json::Map<String, serde_json::Value>, then: Option<&str>) -> ExitCode {
    if json {
        print_json_error_with(&e.to_string(), e.diagnostics(), more);
    }
    for d in e.diagnostics() {
        eprintln!("error: {d}");
    }
    eprintln!("error: {}", printable(&e.to_string()));
    if let Some(then) = then {
        eprintln!("error: {}", printable(then));
    }
    ExitCode::from(if e.is_input() { 1 } else { 3 })
}

#[cfg(test)]
mod tests {
    use super::{printable, shell_quoted};

    #[test]
    fn an_error_prints_no_control_character_but_line_breaks() {
        assert_eq!(printable("customer 'c\u{1b}[31m' has no document"), "customer 'c\u{fffd}[31m' has no document");
        assert_eq!(printable("a\rb\u{0}c\nd"), "a\u{fffd}b\u{fffd}c\nd");
        assert_eq!(printable("plain"), "plain");
    }

    #[test]
    fn a_printed_archive_is_one_shell_word() {
        assert_eq!(shell_quoted("archive"), "archive");
        assert_eq!(shell_quoted("/srv/books/archive-2026"), "/srv/books/archive-2026");
        assert_eq!(shell_quoted("postgresql://app@db.example:5432/inv"), "postgresql://app@db.example:5432/inv");
        assert_eq!(shell_quoted("postgresql://app@/inv?host=/tmp/pg&port=55432"), "'postgresql://app@/inv?host=/tmp/pg&port=55432'");
        assert_eq!(shell_quoted("my books"), "'my books'");
        assert_eq!(shell_quoted("o'brien"), r"'o'\''brien'");
        assert_eq!(shell_quoted(""), "''");
    }
}
