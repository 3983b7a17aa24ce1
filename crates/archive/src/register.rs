//! The register: one JSON line per issued document, append-only, hash-chained, and the
//! state derived from it (numbering counters, what has been invoiced, who references whom).
//!
//! A line is committed once it and its newline are on disk. Bytes after the last newline
//! are a write that never finished (a crash or a full disk during an append): reading
//! leaves them out and keeps them in [`State::torn`] for recovery.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Store;
use super::fs::open_no_follow;
use domain::document::{Document, DocumentKind, Relation};
use domain::error::{Error, Result};
use domain::history::{History, Referrer};
use domain::numbering::{DocumentNumber, NumberPattern};
use domain::sha256::Sha256Sum;

pub const REGISTER: &str = "register.jsonl";

/// One issued file and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the archive root, `/`-separated.
    pub path: String,
    pub sha256: Sha256Sum,
}

/// A reference from one registered document to an earlier one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredReference {
    pub number: DocumentNumber,
    pub relation: Relation,
}

/// One register line: an issued document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub number: DocumentNumber,
    pub kind: DocumentKind,
    /// The number pattern of its series.
    pub series: String,
    pub year: i32,
    pub seq: u64,
    pub issue_date: NaiveDate,
    pub currency: String,
    /// Gross total, for the credited-total bound.
    pub total: Decimal,
    pub transactions: Vec<String>,
    /// Fingerprints of those transactions' rows, to refuse later edits.
    pub fingerprints: Vec<Sha256Sum>,
    /// Documents this one references (credit note → invoice, replacement → original).
    pub references: Vec<RegisteredReference>,
    /// An invoice's open overpayment (positive): the card paid more than the (replacement)
    /// invoice is for, to be refunded or credited. The export lists it until a refund
    /// returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overpaid: Option<rust_decimal::Decimal>,
    /// A bank-transfer invoice issued before it was paid: what is due, by when. The export's
    /// reconciliation reports it paid, open or overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Due>,
    /// SHA-256 of the company.toml it was issued under (stored in `company/`).
    pub company: Sha256Sum,
    /// SHA-256 of the logo its record names (stored once in `logo/`); none without a logo,
    /// or when the record carries it inline (records written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Sha256Sum>,
    pub files: Vec<FileEntry>,
    /// SHA-256 of the previous register line; none (written empty) for the first.
    #[serde(with = "domain::sha256::or_empty")]
    pub prev: Option<Sha256Sum>,
}

/// What a bank-transfer invoice asks to be paid, and by when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub amount: Decimal,
    pub date: NaiveDate,
}

/// The archive-relative path of the company snapshot `sha256`.
pub fn company_path(sha256: &Sha256Sum) -> String {
    format!("company/{sha256}.toml")
}

/// The archive-relative path of the logo file `sha256`: stored once, whatever number of
/// records name it.
pub fn logo_path(sha256: &Sha256Sum) -> String {
    format!("logo/{sha256}")
}

/// What the register says has been issued.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Where the registered files are read from.
    pub(super) store: Store,
    pub entries: Vec<RegisterEntry>,
    /// SHA-256 of the last register line, for the next line's `prev`.
    pub(super) last_line_hash: Option<Sha256Sum>,
    /// Length in bytes of the committed lines: where the next append starts.
    pub(super) committed_len: u64,
    /// Bytes after the last complete line: an append that never finished.
    pub torn: Option<Vec<u8>>,
    by_number: BTreeMap<DocumentNumber, usize>,
    referrers: BTreeMap<DocumentNumber, Vec<usize>>,
    by_transaction: BTreeMap<(DocumentKind, String), usize>,
    by_series_year: BTreeMap<(String, i32), (u64, NaiveDate)>,
    last_date: BTreeMap<String, NaiveDate>,
    /// Logo files read so far, by SHA-256: a month's records name one logo.
    logos: std::sync::Arc<std::sync::Mutex<BTreeMap<Sha256Sum, std::sync::Arc<[u8]>>>>,
}

impl State {
    /// Whether `other` is the same register: same length, same last line (the hash chain
    /// makes that the same history).
    pub fn same_as(&self, other: &State) -> bool {
        self.entries.len() == other.entries.len() && self.last_line_hash == other.last_line_hash
    }

    /// The register's head: its number of lines and the SHA-256 of the last.
    pub fn head(&self) -> super::Head {
        super::Head { lines: self.entries.len(), hash: self.last_line_hash }
    }

    fn push(&mut self, entry: RegisterEntry, line_hash: Sha256Sum) {
        let i = self.entries.len();
        self.last_line_hash = Some(line_hash);
        self.by_number.insert(entry.number.clone(), i);
        for r in &entry.references {
            self.referrers.entry(r.number.clone()).or_default().push(i);
        }
        for t in &entry.transactions {
            self.by_transaction.insert((entry.kind, t.clone()), i);
        }
        let last = self.by_series_year.entry((entry.series.clone(), entry.year)).or_insert((0, entry.issue_date));
        *last = (last.0.max(entry.seq), last.1.max(entry.issue_date));
        let date = self.last_date.entry(entry.series.clone()).or_insert(entry.issue_date);
        *date = (*date).max(entry.issue_date);
        self.entries.push(entry);
    }

    pub fn entry(&self, number: &DocumentNumber) -> Option<&RegisterEntry> {
        self.by_number.get(number).map(|&i| &self.entries[i])
    }

    /// The registered file of `entry` with `extension`.
    pub fn file<'e>(&self, entry: &'e RegisterEntry, extension: &str) -> Option<&'e FileEntry> {
        entry.files.iter().find(|f| f.path.ends_with(&format!(".{extension}")))
    }

    /// Reads an archived file, checked against the SHA-256 the register holds for it
    /// ([`Error::Altered`] if it differs): the one way an issued file is read back.
    pub fn read(&self, file: &FileEntry) -> Result<Vec<u8>> {
        self.store.read_verified(&file.path, &file.sha256)
    }

    /// Checks every file of `entry`, its company snapshot and its logo against the register.
    pub fn check_files(&self, entry: &RegisterEntry) -> Result<()> {
        for file in &entry.files {
            self.read(file)?;
        }
        if let Some(logo) = &entry.logo {
            self.logo(logo)?;
        }
        self.company_text(entry).map(drop)
    }

    /// The logo file `sha256` (`logo/<sha256>`), checked against it; read once per state.
    pub fn logo(&self, sha256: &Sha256Sum) -> Result<std::sync::Arc<[u8]>> {
        if let Some(bytes) = self.logos.lock().unwrap_or_else(|e| e.into_inner()).get(sha256) {
            return Ok(bytes.clone());
        }
        let bytes: std::sync::Arc<[u8]> = self.store.read_verified(&logo_path(sha256), sha256)?.into();
        self.logos.lock().unwrap_or_else(|e| e.into_inner()).insert(*sha256, bytes.clone());
        Ok(bytes)
    }

    /// A record of this archive read back: [`Document::from_record`], with the logo it names
    /// attached from `logo/` (checked against its SHA-256), so it renders as issued.
    pub fn document_from(&self, bytes: &[u8], source: &dyn std::fmt::Display) -> Result<Document> {
        let mut doc = Document::from_record(bytes, source)?;
        doc.attach_logo(|sha256| self.logo(sha256))?;
        Ok(doc)
    }

    /// The company.toml text `entry` was issued under, checked against its SHA-256.
    pub fn company_text(&self, entry: &RegisterEntry) -> Result<String> {
        let rel = company_path(&entry.company);
        let bytes = self.store.read_verified(&rel, &entry.company)?;
        String::from_utf8(bytes).map_err(|_| Error::Altered { path: self.store.at(&rel) })
    }

    /// An issued document read back from its JSON record, checked against its SHA-256, its
/// logo attached.
    pub fn read_document(&self, number: &DocumentNumber) -> Result<Document> {
        let entry = self.entry(number).ok_or_else(|| Error::Refused(format!("{number} is not in the archive's register")))?;
        let file = self.file(entry, "json").ok_or_else(|| Error::Refused(format!("{number} has no JSON record in the archive")))?;
        let bytes = self.read(file)?;
        self.document_from(&bytes, &file.path)
    }
}

impl History for State {
    fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<(DocumentNumber, Option<Sha256Sum>)> {
        let &i = self.by_transaction.get(&(kind, transaction_id.to_string()))?;
        let e = &self.entries[i];
        let k = e.transactions.iter().position(|t| t == transaction_id)?;
        Some((e.number.clone(), e.fingerprints.get(k).copied()))
    }

    fn document(&self, number: &DocumentNumber) -> Result<Document> {
        self.read_document(number)
    }

    fn referrers(&self, number: &DocumentNumber) -> Vec<Referrer> {
        let Some(indices) = self.referrers.get(number) else { return Vec::new() };
        indices
            .iter()
            .flat_map(|&i| {
                let e = &self.entries[i];
                e.references.iter().filter(|r| &r.number == number).map(move |r| Referrer {
                    number: e.number.clone(),
                    kind: e.kind,
                    relation: r.relation,
                    issue_date: e.issue_date,
                    total: e.total,
                })
            })
            .collect()
    }

    fn last(&self, pattern: &NumberPattern, year: i32) -> Option<(u64, NaiveDate)> {
        self.by_series_year.get(&(pattern.as_str().to_string(), year)).copied()
    }
    fn last_date(&self, pattern: &NumberPattern) -> Option<NaiveDate> {
        self.last_date.get(pattern.as_str()).copied()
    }
}

/// What reading the register reports besides the state, line by line (1-based).
pub trait Observer {
    /// `entry`'s `prev` is not the SHA-256 of the line before it.
    fn chain_broken(&mut self, _line: usize, _entry: &RegisterEntry) {}
    /// The SHA-256 of committed line `line`.
    fn line(&mut self, _line: usize, _hash: &Sha256Sum) {}
    /// Whether a database's register rows are to be checked against their text too
    /// (`verify`): their columns are read with it, and each difference is [`Observer::differs`].
    fn audits(&self) -> bool {
        false
    }
    /// A register row whose columns differ from its text (see [`Observer::audits`]).
    fn differs(&mut self, _finding: String) {}
}

impl Observer for () {}

/// Reads the register of the archive at `root` (an absent register is empty), line by line
/// (a year's register is tens of megabytes).
pub fn read(root: &Path, observer: &mut dyn Observer) -> Result<State> {
    let path = root.join(REGISTER);
    let mut state = State { store: Store::Dir(root.to_path_buf()), ..State::default() };
    let file: File = match open_no_follow(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(state),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(|e| Error::io(&path, e))?;
        if read == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            // An append cut short: not committed.
            state.torn = Some(std::mem::take(&mut line));
            break;
        }
        state.add_line(&line[..line.len() - 1], &path, observer)?;
        state.committed_len += line.len() as u64;
    }
    state.entries.shrink_to_fit();
    Ok(state)
}

impl State {
    /// An empty register whose files are read from `store`.
    pub(super) fn empty(store: Store) -> State {
        State { store, ..State::default() }
    }

    /// Adds the next committed line (`text`, without its newline) of the register at `path`,
    /// reporting a break in the chain to `observer`: the one reading of a line, whichever
    /// backend holds it.
    pub(super) fn add_line(&mut self, text: &[u8], path: &Path, observer: &mut dyn Observer) -> Result<()> {
        let number = self.entries.len() + 1;
        let damaged = |message: String| Error::Register { path: path.to_path_buf(), line: number, message };
        let mut entry: RegisterEntry = serde_json::from_slice(text).map_err(|e| damaged(e.to_string()))?;
        // A list read by serde grows 0 → 4 → 8: one transaction, one fingerprint and five
        // files took 4, 4 and 8 places, ~330 bytes per line more than they hold (~30 MB at
        // 100,000 lines, all kept for the run).
        exact(&mut entry.transactions);
        exact(&mut entry.fingerprints);
        exact(&mut entry.references);
        exact(&mut entry.files);
        if self.entry(&entry.number).is_some() {
            return Err(damaged(format!("{} is registered twice", entry.number)));
        }
        if entry.prev != self.last_line_hash {
            observer.chain_broken(number, &entry);
        }
        let hash = Sha256Sum::of(text);
        observer.line(number, &hash);
        self.push(entry, hash);
        Ok(())
    }
}

/// Moves `list` into an allocation of its length. (`shrink_to_fit` may keep the block: an
/// allocator can shrink in place without returning the rest.)
fn exact<T>(list: &mut Vec<T>) {
    if list.capacity() > list.len() {
        let mut exact = Vec::with_capacity(list.len());
        exact.append(list);
        *list = exact;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_needs_the_same_length_and_last_line() {
        let a = State { last_line_hash: Some(Sha256Sum::of(b"a")), ..State::default() };
        let b = State { last_line_hash: Some(Sha256Sum::of(b"b")), ..State::default() };
        assert!(a.same_as(&a.clone()));
        assert!(State::default().same_as(&State::default()));
        assert!(!a.same_as(&b));
        assert!(!a.same_as(&State::default()));
    }

    #[test]
    fn read_is_empty_only_when_the_register_is_absent() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path(), &mut ()).unwrap().entries.is_empty());
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(read(&file, &mut ()).is_err());
    }

    #[test]
    fn the_state_answers_from_the_register_what_was_issued() {
        use domain::document::DocumentKind::{CreditNote, Invoice};
        use crate::testing::{COMPANY, bytes_of, number};
        let tmp = tempfile::tempdir().unwrap();
        crate::testing::run(tmp.path(), 1..=3);
        let state = read(tmp.path(), &mut ()).unwrap();
        let series = NumberPattern::parse("A-{year}-{seq}").unwrap();
        let january = |day| NaiveDate::from_ymd_opt(2026, 1, day).unwrap();
        assert_eq!(state.last(&series, 2026), Some((3, january(3))));
        assert_eq!(state.last(&series, 2025), None);
        assert_eq!(state.last_date(&series), Some(january(3)));
        assert_eq!(state.issued_for(Invoice, "t2"), Some((number("A-2"), None)));
        assert_eq!(state.issued_for(CreditNote, "t2"), None);
        let a2 = state.entry(&number("A-2")).unwrap();
        let pdf = state.file(a2, "pdf").unwrap();
        assert_eq!(pdf.path, "2026/A-2.pdf");
        assert_eq!(state.file(a2, "json"), None);
        assert_eq!(state.read(pdf).unwrap(), bytes_of(2));
        assert_eq!(state.company_text(a2).unwrap(), COMPANY);
        state.check_files(a2).unwrap();
        std::fs::remove_file(tmp.path().join("2026/A-2.pdf")).unwrap();
        std::fs::write(tmp.path().join("2026/A-2.pdf"), b"edited").unwrap();
        assert!(matches!(state.check_files(a2), Err(Error::Altered { path }) if path == tmp.path().join("2026/A-2.pdf")));
    }
}
