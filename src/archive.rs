//! The archive: where issued documents live, written once and never changed.
//!
//! ```text
//! archive/
//!   register.jsonl        one JSON line per issued document, append-only, with SHA-256s
//!   .lock                 held exclusively while a run issues
//!   2026/KL-INV-2026-000001.{pdf,html,json}
//! ```
//!
//! This is the only module that writes to disk. Files are written to a temporary name and
//! hard-linked into place, which fails rather than replaces if the name exists; then the
//! register line is appended and synced. The register is the truth: numbering counters and
//! "already invoiced" are derived from it, so there is no second state file to drift. A run
//! takes an exclusive lock before reading the register, so two concurrent runs serialise
//! and the second sees what the first issued.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::document::{Document, DocumentKind};
use crate::error::{Error, Result};
use crate::issue::{Counters, Issued};
use crate::numbering::{DocumentNumber, NumberPattern};

pub const REGISTER: &str = "register.jsonl";
const LOCK: &str = ".lock";

/// One issued file and its SHA-256 (lower-case hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the archive root, `/`-separated.
    pub path: String,
    pub sha256: String,
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
    pub transactions: Vec<String>,
    /// Documents this one references (credit note → invoice).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<DocumentNumber>,
    pub files: Vec<FileEntry>,
}

/// What the register says has been issued.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub entries: Vec<RegisterEntry>,
    by_transaction: BTreeMap<(DocumentKind, String), usize>,
    by_series_year: BTreeMap<(String, i32), (u64, NaiveDate)>,
    last_date: BTreeMap<String, NaiveDate>,
}

impl State {
    fn push(&mut self, entry: RegisterEntry) {
        let i = self.entries.len();
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
        self.entries.iter().find(|e| &e.number == number)
    }
}

impl Issued for State {
    fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<DocumentNumber> {
        self.by_transaction.get(&(kind, transaction_id.to_string())).map(|&i| self.entries[i].number.clone())
    }
}

impl Counters for State {
    fn last(&self, pattern: &NumberPattern, year: i32) -> Option<(u64, NaiveDate)> {
        self.by_series_year.get(&(pattern.as_str().to_string(), year)).copied()
    }
    fn last_date(&self, pattern: &NumberPattern) -> Option<NaiveDate> {
        self.last_date.get(pattern.as_str()).copied()
    }
}

/// An archive folder. Opening it touches nothing.
#[derive(Clone, Debug)]
pub struct Archive {
    root: PathBuf,
}

/// The archive while this run holds its lock.
#[derive(Debug)]
pub struct Locked<'a> {
    archive: &'a Archive,
    _lock: File,
    pub state: State,
}

/// A rendered file to store: extension and bytes.
pub struct Output<'b> {
    pub extension: &'static str,
    pub bytes: &'b [u8],
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Archive {
    pub fn open(root: impl Into<PathBuf>) -> Archive {
        Archive { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads the register (an absent archive is empty). Takes no lock: for planning and
    /// look-ups; issuing re-reads under [`Archive::lock`].
    pub fn state(&self) -> Result<State> {
        let path = self.root.join(REGISTER);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut state = State::default();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: RegisterEntry = serde_json::from_str(line)
                .map_err(|e| Error::Register { path: path.clone(), line: i + 1, message: e.to_string() })?;
            if state.entry(&entry.number).is_some() {
                return Err(Error::Register { path, line: i + 1, message: format!("{} is registered twice", entry.number) });
            }
            state.push(entry);
        }
        Ok(state)
    }

    /// Creates the archive if needed and takes its exclusive lock, waiting for another run
    /// to finish; then reads the register.
    pub fn lock(&self) -> Result<Locked<'_>> {
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let path = self.root.join(LOCK);
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        let state = self.state()?;
        Ok(Locked { archive: self, _lock: file, state })
    }

    /// Re-hashes every registered file. Returns one line per problem (missing, changed);
    /// empty when the archive is intact.
    pub fn verify(&self) -> Result<Vec<String>> {
        let state = self.state()?;
        let mut problems = Vec::new();
        for entry in &state.entries {
            for file in &entry.files {
                let path = self.root.join(&file.path);
                match fs::read(&path) {
                    Ok(bytes) if sha256_hex(&bytes) == file.sha256 => {}
                    Ok(_) => problems.push(format!("{}: changed since {} was issued (SHA-256 differs from the register)", file.path, entry.number)),
                    Err(e) => problems.push(format!("{}: {} ({})", file.path, e, entry.number)),
                }
            }
        }
        Ok(problems)
    }
}

impl Locked<'_> {
    /// Stores `doc`'s rendered files and appends its register line. `series` is the number
    /// pattern that produced its number, `seq` its sequence in that series and year.
    pub fn store(&mut self, doc: &Document, series: &NumberPattern, seq: u64, outputs: &[Output<'_>]) -> Result<RegisterEntry> {
        let root = &self.archive.root;
        let year = doc.issue_date.year();
        let dir = root.join(format!("{year:04}"));
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut files = Vec::with_capacity(outputs.len());
        for out in outputs {
            let name = format!("{}.{}", doc.number.file_stem(), out.extension);
            write_once(&dir.join(&name), out.bytes)?;
            files.push(FileEntry { path: format!("{year:04}/{name}"), sha256: sha256_hex(out.bytes) });
        }
        let entry = RegisterEntry {
            number: doc.number.clone(),
            kind: doc.kind,
            series: series.as_str().to_string(),
            year,
            seq,
            issue_date: doc.issue_date,
            transactions: doc.source_transactions.clone(),
            references: doc.references.iter().map(|r| r.number.clone()).collect(),
            files,
        };
        let mut line = serde_json::to_string(&entry).expect("register entries serialise");
        line.push('\n');
        let path = root.join(REGISTER);
        let mut register = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| Error::io(&path, e))?;
        register.write_all(line.as_bytes()).map_err(|e| Error::io(&path, e))?;
        register.sync_all().map_err(|e| Error::io(&path, e))?;
        self.state.push(entry.clone());
        Ok(entry)
    }
}

/// Writes `bytes` to `path` unless it exists. An existing file with the same bytes is
/// accepted (a run interrupted after writing files but before registering them, repeated);
/// different bytes are refused.
fn write_once(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Ok(mut existing) = File::open(path) {
        let mut current = Vec::new();
        existing.read_to_end(&mut current).map_err(|e| Error::io(path, e))?;
        return if current == bytes { Ok(()) } else { Err(Error::WouldOverwrite { path: path.to_path_buf() }) };
    }
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    {
        let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    }
    // hard_link fails if `path` exists: no window in which a file could be replaced.
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    linked.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::WouldOverwrite { path: path.to_path_buf() }
        } else {
            Error::io(path, e)
        }
    })?;
    let mut perms = fs::metadata(path).map_err(|e| Error::io(path, e))?.permissions();
    perms.set_readonly(true);
    fs::set_permissions(path, perms).map_err(|e| Error::io(path, e))
}
