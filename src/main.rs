//! The `invoicesmith` command: a thin shell over the library.
//!
//! Exit codes: 0 success, 1 input errors (nothing issued), 2 usage errors, 3 archive or
//! system errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use invoicesmith::archive::Archive;
use invoicesmith::{Error, IssueReport};

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
        /// Archive folder where documents and the register are written (created if missing).
        #[arg(long, default_value = "archive", value_name = "DIR")]
        archive: PathBuf,
        /// Print the run's result as JSON on stdout instead of a summary.
        #[arg(long)]
        json: bool,
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
        /// Issue date of the new documents (YYYY-MM-DD); default: the original's issue date,
        /// or the series' latest date if later.
        #[arg(long, value_name = "DATE")]
        date: Option<chrono::NaiveDate>,
        /// Archive folder.
        #[arg(long, default_value = "archive", value_name = "DIR")]
        archive: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an issued document and its history: what it credits or replaces, and what
    /// credited, cancelled or replaced it.
    Show {
        /// Document number.
        number: String,
        /// Archive folder.
        #[arg(long, default_value = "archive", value_name = "DIR")]
        archive: PathBuf,
    },
    /// Check the archive: every file against the SHA-256 in the register, unregistered
    /// files, the register's hash chain, gap-free numbers, and credit notes never crediting
    /// more than their invoice.
    Verify {
        /// Archive folder to check.
        #[arg(long, default_value = "archive", value_name = "DIR")]
        archive: PathBuf,
    },
}

fn parse_assignment(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| format!("'{s}' is not FIELD=VALUE"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Issue { data_dir, archive, json } => {
            let archive = Archive::open(archive);
            match invoicesmith::run_issue(&data_dir, &archive) {
                Ok(report) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report).expect("report serialises"));
                    } else {
                        print_summary(&report, &archive);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, json),
            }
        }
        Command::Reissue { number, set, reason, date, archive, json } => {
            let archive = Archive::open(archive);
            let correction = invoicesmith::correct::Correction { set, reason, date };
            match invoicesmith::run_reissue(&archive, &number, &correction) {
                Ok(report) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report).expect("report serialises"));
                    } else {
                        print_summary(&report, &archive);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, json),
            }
        }
        Command::Show { number, archive } => match invoicesmith::show(&Archive::open(archive), &number) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e, false),
        },
        Command::Verify { archive } => {
            let archive = Archive::open(archive);
            match archive.verify() {
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

fn print_summary(report: &IssueReport, archive: &Archive) {
    println!("issued {} document(s) into {}", report.issued.len(), archive.root().display());
    for d in &report.issued {
        println!(
            "  {}  {}  {}  {} {}  ({})",
            d.number,
            d.issue_date,
            d.customer_id,
            d.total,
            d.currency,
            d.transactions.join(", ")
        );
    }
    if !report.skipped.is_empty() {
        println!("skipped {} transaction(s):", report.skipped.len());
        for s in &report.skipped {
            println!("  {}: {}", s.transaction_id, s.reason);
        }
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
