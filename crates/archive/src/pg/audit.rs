//! What `verify` checks in a database beyond what a folder holds: that the rows the
//! database's constraints work from say what the register's text says. A row a superuser
//! wrote, changed or removed with the triggers off (or, for `invoiced` and `files`, one the
//! issuing role inserted by hand) is a finding naming the table, the row and what differs:
//!
//! - `register`: each row's columns (line, number, kind, series, year, seq, prev, hash)
//!   against its text (checked as the register is read, [`register_row`]);
//! - `invoiced`: each row against the line it names, and each transaction a line lists
//!   against its row ([`invoiced`]): a row no line accounts for makes the database refuse
//!   that transaction's document for good, a missing one lets it be issued twice;
//! - `files`: each path against the line that names it ([`files`]). A database has no
//!   `quarantine/`, `recovered/` or temporary files: every row but `seller.json` is a
//!   registered document, company snapshot or logo.
//!
//! One query per table, its rows streamed.

use std::collections::{HashMap, HashSet};

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::batch::is_correction;
use crate::register::{RegisterEntry, State, company_path, logo_path};
use crate::seller::SELLER;
use domain::sha256::Sha256Sum;

/// The columns read with each register line's text when it is audited.
pub(super) const REGISTER_COLUMNS: &str = "SELECT text, line, number, kind, series, year, seq, prev, hash FROM invoicesmith.register ORDER BY line";

/// What differs between the register row just read (`row`, of [`REGISTER_COLUMNS`]) and its
/// text, read as `entry` hashing to `hash`; `before` is the line number of the row before it
/// (0 for the first).
pub(super) fn register_row(row: &postgres::Row, entry: &RegisterEntry, hash: &Sha256Sum, before: i64) -> Vec<String> {
    let line: i64 = row.get(1);
    let mut findings = Vec::new();
    if line != before + 1 {
        findings.push(format!("invoicesmith.register line {line}: follows line {before} (lines are numbered 1, 2, 3… without gaps)"));
    }
    let mut differs = Vec::new();
    let mut compare = |column: &str, found: String, said: String| {
        if found != said {
            differs.push(format!("{column} is {found} where its text says {said}"));
        }
    };
    compare("number", row.get::<_, String>(2), entry.number.to_string());
    compare("kind", row.get::<_, String>(3), entry.kind.code().to_string());
    compare("series", row.get::<_, String>(4), entry.series.clone());
    compare("year", row.get::<_, i32>(5).to_string(), entry.year.to_string());
    compare("seq", row.get::<_, i64>(6).to_string(), entry.seq.to_string());
    compare("prev", hex(row.get::<_, Option<&[u8]>>(7)), hex(entry.prev.as_ref().map(|p| &p.as_bytes()[..])));
    if row.get::<_, &[u8]>(8) != &hash.as_bytes()[..] {
        differs.push("hash is not the SHA-256 of its text".to_string());
    }
    if !differs.is_empty() {
        findings.push(format!(
            "invoicesmith.register line {line} ({}): its columns differ from its text: {} (changed with the database's triggers off)",
            entry.number,
            differs.join(", ")
        ));
    }
    findings
}

fn hex(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "NULL".to_string(),
        Some(b) => b.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

fn line_text(line: Option<i64>) -> String {
    line.map_or("NULL".to_string(), |l| l.to_string())
}

/// The rows of `invoicesmith.invoiced` against the register `state` was read from.
pub(super) fn invoiced(c: &mut Client, state: &State) -> Result<Vec<String>, postgres::Error> {
    let mut findings = Vec::new();
    let mut seen: HashSet<(String, String, i64)> = HashSet::new();
    let mut rows = c.query_raw(
        "SELECT kind, transaction_id, line, correction FROM invoicesmith.invoiced ORDER BY line, kind COLLATE \"C\", transaction_id COLLATE \"C\"",
        std::iter::empty::<&str>(),
    )?;
    while let Some(row) = rows.next()? {
        let (kind, transaction, line, correction): (String, String, i64, bool) = (row.get(0), row.get(1), row.get(2), row.get(3));
        let described = format!(
            "invoicesmith.invoiced: row ({kind}, {transaction}, line {line}, {})",
            if correction { "a correction" } else { "not a correction" }
        );
        let entry = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)).and_then(|i| state.entries.get(i));
        let why = match entry {
            None => Some(format!("names register line {line}, which does not exist")),
            Some(e) if e.kind.code() != kind => Some(format!("register line {line} ({}) is a {}, not a {kind}", e.number, e.kind.code())),
            Some(e) if !e.transactions.contains(&transaction) => Some(format!("register line {line} ({}) does not list {transaction}", e.number)),
            Some(e) if is_correction(e) != correction => {
                Some(format!("register line {line} ({}) is {}a correction", e.number, if correction { "not " } else { "" }))
            }
            Some(_) if !seen.insert((kind.clone(), transaction.clone(), line)) => Some("repeats the row before it".to_string()),
            Some(_) => None,
        };
        if let Some(why) = why {
            let blocks = if correction { String::new() } else { format!("; it makes the database refuse every later {kind} of {transaction}") };
            findings.push(format!("{described}: {why} (written behind the application's back{blocks})"));
        }
    }
    for (i, entry) in state.entries.iter().enumerate() {
        let line = i as i64 + 1;
        let correction = is_correction(entry);
        for transaction in &entry.transactions {
            let kind = entry.kind.code();
            if !seen.contains(&(kind.to_string(), transaction.clone(), line)) {
                let again = if correction { String::new() } else { format!("; the database would take another {kind} of {transaction}") };
                findings.push(format!(
                    "invoicesmith.invoiced: no row ({kind}, {transaction}, line {line}, {}) though register line {line} ({}) lists {transaction} (removed behind the application's back{again})",
                    if correction { "a correction" } else { "not a correction" },
                    entry.number
                ));
            }
        }
    }
    Ok(findings)
}

/// The rows of `invoicesmith.files` against the register `state` was read from: every path
/// a line names, with that line (documents) or none (company snapshots, logos,
/// `seller.json`).
pub(super) fn files(c: &mut Client, state: &State) -> Result<Vec<String>, postgres::Error> {
    let mut expected: HashMap<String, Option<(i64, &RegisterEntry)>> = HashMap::new();
    expected.insert(SELLER.to_string(), None);
    for (i, entry) in state.entries.iter().enumerate() {
        for f in &entry.files {
            expected.insert(f.path.clone(), Some((i as i64 + 1, entry)));
        }
        expected.entry(company_path(&entry.company)).or_insert(None);
        if let Some(logo) = &entry.logo {
            expected.entry(logo_path(logo)).or_insert(None);
        }
    }
    let mut findings = Vec::new();
    let mut rows = c.query_raw("SELECT path, line FROM invoicesmith.files ORDER BY path COLLATE \"C\"", std::iter::empty::<&str>())?;
    while let Some(row) = rows.next()? {
        let (path, line): (String, Option<i64>) = (row.get(0), row.get(1));
        let described = format!("invoicesmith.files: row '{path}' (line {})", line_text(line));
        match expected.get(&path) {
            None => findings.push(format!(
                "{described}: no register line names this path (a database archive holds only registered files and {SELLER}, no quarantine/, recovered/ or temporary files: not issued by invoicesmith, or its register line is missing)"
            )),
            Some(Some((l, entry))) if line != Some(*l) => {
                findings.push(format!("{described}: register line {l} ({}) names this path; its line should be {l}", entry.number))
            }
            Some(None) if line.is_some() => findings.push(format!(
                "{described}: a company snapshot, logo or {SELLER}, named by no one register line; its line should be NULL"
            )),
            Some(_) => {}
        }
    }
    Ok(findings)
}
