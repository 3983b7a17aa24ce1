//! The archive: where issued documents live, written once and never changed.
//!
//! ```text
//! archive/
//!   register.jsonl        one JSON line per issued document, append-only, with SHA-256s;
//!                         each line carries the SHA-256 of the line before (a hash chain)
//!   .lock                 held exclusively while a run issues
//!   company/<sha256>.toml the company.toml each document was issued under
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

use rust_decimal::Decimal;

use crate::document::{Document, DocumentKind, Relation};
use crate::error::{Error, Result};
use crate::issue::{History, Numbered, Referrer};
use crate::numbering::{DocumentNumber, NumberPattern};
use crate::sha256::Sha256Sum;

pub const REGISTER: &str = "register.jsonl";
const LOCK: &str = ".lock";

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
    pub overpaid: Option<Decimal>,
    /// SHA-256 of the company.toml it was issued under (stored in `company/`).
    pub company: Sha256Sum,
    pub files: Vec<FileEntry>,
    /// SHA-256 of the previous register line; none (written empty) for the first.
    #[serde(with = "crate::sha256::or_empty")]
    pub prev: Option<Sha256Sum>,
}

/// What the register says has been issued.
#[derive(Clone, Debug, Default)]
pub struct State {
    root: PathBuf,
    pub entries: Vec<RegisterEntry>,
    /// SHA-256 of the last register line, for the next line's `prev`.
    last_line_hash: Option<Sha256Sum>,
    by_number: BTreeMap<DocumentNumber, usize>,
    referrers: BTreeMap<DocumentNumber, Vec<usize>>,
    by_transaction: BTreeMap<(DocumentKind, String), usize>,
    by_series_year: BTreeMap<(String, i32), (u64, NaiveDate)>,
    last_date: BTreeMap<String, NaiveDate>,
}

impl State {
    /// Whether `other` is the same register: same length, same last line (the hash chain
    /// makes that the same history).
    pub fn same_as(&self, other: &State) -> bool {
        self.entries.len() == other.entries.len() && self.last_line_hash == other.last_line_hash
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

    /// The path of an entry's file with `extension`.
    pub fn file(&self, entry: &RegisterEntry, extension: &str) -> Option<PathBuf> {
        entry.files.iter().find(|f| f.path.ends_with(&format!(".{extension}"))).map(|f| self.root.join(&f.path))
    }

    /// The company.toml text `entry` was issued under.
    pub fn company_text(&self, entry: &RegisterEntry) -> Result<String> {
        let path = self.root.join("company").join(format!("{}.toml", entry.company));
        fs::read_to_string(&path).map_err(|e| Error::io(path, e))
    }
}

impl History for State {
    fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<(DocumentNumber, Option<Sha256Sum>)> {
        let &i = self.by_transaction.get(&(kind, transaction_id.to_string()))?;
        let e = &self.entries[i];
        let k = e.transactions.iter().position(|t| t == transaction_id)?;
        Some((e.number.clone(), e.fingerprints.get(k).copied()))
    }

    fn document(&self, number: &DocumentNumber) -> Result<Document, String> {
        let entry = self.entry(number).ok_or_else(|| format!("{number} is not in the archive's register"))?;
        let path = self.file(entry, "json").ok_or_else(|| format!("{number} has no JSON record in the archive"))?;
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        crate::render::json::parse(&text).map_err(|e| format!("{}: not a document record: {e}", path.display()))
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

/// An archive folder. Opening it touches nothing.
#[derive(Clone, Debug)]
pub struct Archive {
    root: PathBuf,
}

/// The archive while this run holds its lock.
///
/// [`Locked::store`] writes a document's files and queues its register line;
/// [`Locked::commit`] makes the files durable and only then appends the queued lines, so the
/// register never names a file that a crash could lose. Committing a batch at a time costs
/// two syncs per batch instead of four per document.
#[derive(Debug)]
pub struct Locked<'a> {
    archive: &'a Archive,
    lock: File,
    /// The register as it was when the lock was taken (documents registered since are in
    /// the register file, not here).
    pub state: State,
    /// Files written since the last commit.
    written: Vec<PathBuf>,
    /// Register lines waiting for their files to be durable.
    pending: String,
}

/// A rendered file to store: extension, bytes and their SHA-256.
pub struct Output {
    pub extension: &'static str,
    pub bytes: Vec<u8>,
    pub sha256: Sha256Sum,
}

impl Output {
    /// A file to store, hashed now (on whichever thread made it).
    pub fn new(extension: &'static str, bytes: Vec<u8>) -> Output {
        let sha256 = Sha256Sum::of(&bytes);
        Output { extension, bytes, sha256 }
    }
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
        self.read_state(|_, _| {})
    }

    /// [`Archive::state`], calling `chain_broken(line, entry)` for each entry whose `prev`
    /// is not the SHA-256 of the line before it.
    fn read_state(&self, mut chain_broken: impl FnMut(usize, &RegisterEntry)) -> Result<State> {
        use std::io::BufRead;
        let path = self.root.join(REGISTER);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(State { root: self.root.clone(), ..State::default() });
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut state = State { root: self.root.clone(), ..State::default() };
        // Line by line: a year's register is tens of megabytes.
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| Error::io(&path, e))?;
            let line = line.as_str();
            if line.trim().is_empty() {
                continue;
            }
            let entry: RegisterEntry = serde_json::from_str(line)
                .map_err(|e| Error::Register { path: path.clone(), line: i + 1, message: e.to_string() })?;
            if state.entry(&entry.number).is_some() {
                return Err(Error::Register { path, line: i + 1, message: format!("{} is registered twice", entry.number) });
            }
            if entry.prev != state.last_line_hash {
                chain_broken(i + 1, &entry);
            }
            state.push(entry, Sha256Sum::of(line.as_bytes()));
        }
        state.entries.shrink_to_fit();
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
        Ok(Locked { archive: self, lock: file, state, written: Vec::new(), pending: String::new() })
    }

    /// Checks the archive: every registered file against its SHA-256, files nobody
    /// registered, the register's hash chain, gap-free numbers per series and year, credit
    /// notes pointing at real invoices and never crediting more than invoiced. Returns one
    /// line per finding; empty when the archive is intact.
    pub fn verify(&self) -> Result<Vec<String>> {
        let mut findings = Vec::new();
        // The chain as the register is read: a deleted or edited line breaks it even if it
        // still parses.
        let state = self.read_state(|line, entry| {
            findings.push(format!(
                "{REGISTER}:{line}: {} does not follow the line before it (hash chain broken: a line was edited, removed or inserted)",
                entry.number
            ))
        });
        let state = match state {
            Ok(s) => s,
            Err(e) => {
                findings.push(e.to_string());
                return Ok(findings);
            }
        };
        let mut registered = std::collections::BTreeSet::new();
        let mut next_seq: BTreeMap<(String, i32), u64> = BTreeMap::new();
        for entry in &state.entries {
            for file in &entry.files {
                registered.insert(file.path.clone());
                let path = self.root.join(&file.path);
                match fs::read(&path) {
                    Ok(bytes) if Sha256Sum::of(&bytes) == file.sha256 => {}
                    Ok(_) => findings.push(format!("{}: changed since {} was issued (SHA-256 differs from the register)", file.path, entry.number)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        findings.push(format!("{}: missing ({} lists it)", file.path, entry.number))
                    }
                    Err(e) => findings.push(format!("{}: {e} ({})", file.path, entry.number)),
                }
            }
            registered.insert(format!("company/{}.toml", entry.company));
            let expected = next_seq.entry((entry.series.clone(), entry.year)).or_insert(1);
            if entry.seq != *expected {
                findings.push(format!("{}: number {} follows {} in its series; numbers must have no gaps", entry.number, entry.seq, *expected - 1));
            }
            *expected = entry.seq + 1;
            for r in &entry.references {
                match state.entry(&r.number) {
                    Some(target) if target.kind == DocumentKind::Invoice => {}
                    Some(_) => findings.push(format!("{}: references {}, which is not an invoice", entry.number, r.number)),
                    None => findings.push(format!("{}: references {}, which is not in the register", entry.number, r.number)),
                }
            }
        }
        for entry in state.entries.iter().filter(|e| e.kind == DocumentKind::Invoice) {
            let credited = crate::issue::credited(&state.referrers(&entry.number));
            if credited > entry.total {
                findings.push(format!("{}: credited {credited} {}, more than its total {}", entry.number, entry.currency, entry.total));
            }
        }
        for path in files_under(&self.root)? {
            let skip = path == REGISTER || path == LOCK || path.ends_with(".tmp");
            if !skip && !registered.contains(&path) {
                findings.push(format!("{path}: not in the register (not issued by invoicesmith, or its register line is missing)"));
            }
        }
        Ok(findings)
    }
}

/// Archive-relative `/`-separated paths of all files under `root`, sorted.
fn files_under(root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(dir, e)),
        };
        for e in entries {
            let path = e.map_err(|e| Error::io(&dir, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

impl Locked<'_> {
    /// Stores the company.toml text documents are issued under; returns its SHA-256.
    pub fn store_company(&mut self, company_toml: &str) -> Result<Sha256Sum> {
        let sha = Sha256Sum::of(company_toml.as_bytes());
        let dir = self.archive.root.join("company");
        let name = format!("{sha}.toml");
        write_once(&dir, &name, company_toml.as_bytes())?;
        self.written.push(dir.join(name));
        Ok(sha)
    }

    /// Stores a numbered document's rendered files and queues its register line for the next
    /// [`Locked::commit`]. `company` is the SHA-256 returned by [`Locked::store_company`].
    ///
    /// Render and hash on other threads; the files are created here, by one thread: ext4
    /// serialises creations in a folder, and two threads creating files in a year's folder
    /// spent a fifth of their time waiting on each other.
    pub fn store(&mut self, n: &Numbered, company: Sha256Sum, outputs: &[Output]) -> Result<RegisterEntry> {
        let doc = &n.document;
        let year = doc.issue_date.year();
        let dir = self.archive.root.join(format!("{year:04}"));
        let mut files = Vec::with_capacity(outputs.len());
        for out in outputs {
            let name = format!("{}.{}", doc.number.file_stem(), out.extension);
            write_once(&dir, &name, &out.bytes)?;
            self.written.push(dir.join(&name));
            files.push(FileEntry { path: format!("{year:04}/{name}"), sha256: out.sha256 });
        }
        Ok(self.register(n, company, files))
    }

    /// Queues the register line of `n`, whose `files` are written, for the next commit.
    fn register(&mut self, n: &Numbered, company: Sha256Sum, files: Vec<FileEntry>) -> RegisterEntry {
        let doc = &n.document;
        let year = doc.issue_date.year();
        let entry = RegisterEntry {
            number: doc.number.clone(),
            kind: doc.kind,
            series: n.series.as_str().to_string(),
            year,
            seq: n.seq,
            issue_date: doc.issue_date,
            currency: doc.currency.to_string(),
            total: doc.totals.gross,
            transactions: doc.source_transactions.clone(),
            fingerprints: n.fingerprints.clone(),
            references: doc.references.iter().map(|r| RegisteredReference { number: r.number.clone(), relation: r.relation }).collect(),
            overpaid: (doc.kind == DocumentKind::Invoice && doc.totals.due < Decimal::ZERO).then(|| -doc.totals.due),
            company,
            files,
            prev: self.state.last_line_hash,
        };
        let text = serde_json::to_string(&entry).expect("register entries serialise");
        let line_hash = Some(Sha256Sum::of(text.as_bytes()));
        self.pending.push_str(&text);
        self.pending.push('\n');
        // Only the chain moves on: `state` stays the register as the lock found it (a run
        // plans against that), and a 100,000-document run keeps no second copy of its lines.
        self.state.last_line_hash = line_hash;
        entry
    }

    /// Makes the files stored since the last commit durable, then appends their register
    /// lines and syncs the register. Until this returns, those documents are not issued.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        sync_files(&self.archive.root, &self.lock, &self.written)?;
        self.written.clear();
        let path = self.archive.root.join(REGISTER);
        let mut register = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| Error::io(&path, e))?;
        register.write_all(self.pending.as_bytes()).map_err(|e| Error::io(&path, e))?;
        register.sync_all().map_err(|e| Error::io(&path, e))?;
        self.pending.clear();
        Ok(())
    }
}

/// Writes `bytes` as `dir/name` unless that exists, creating `dir` if needed. An existing
/// file with the same bytes is accepted (a run interrupted after writing files but before
/// registering them, repeated); different bytes are refused.
///
/// The file is complete before its name appears, and the name is never replaced: the bytes
/// go to an unnamed file (`O_TMPFILE`, Linux) or a temporary name, which is then hard-linked
/// into place — a link fails if the name exists.
fn write_once(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let linked = match link_new(dir, &path, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            link_new(dir, &path, bytes)
        }
        other => other,
    };
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let mut current = Vec::new();
            File::open(&path).and_then(|mut f| f.read_to_end(&mut current)).map_err(|e| Error::io(&path, e))?;
            if current == bytes { Ok(()) } else { Err(Error::WouldOverwrite { path }) }
        }
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Creates `path` read-only with `bytes`; `AlreadyExists` if it exists, `NotFound` if `dir`
/// does not.
fn link_new(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(linked) = link_unnamed(dir, path, bytes) {
        return linked;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
    link_from_temporary(path, bytes)
}

/// Writes `bytes` to an unnamed file in `dir` (`O_TMPFILE`) and links it as `path` through
/// its `/proc/self/fd` name: no temporary name to create and delete (directory updates were
/// most of the cost of storing). `None` where the file system or `/proc` can't do it.
#[cfg(target_os = "linux")]
fn link_unnamed(dir: &Path, path: &Path, bytes: &[u8]) -> Option<std::io::Result<()>> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = match OpenOptions::new().write(true).mode(0o444).custom_flags(libc::O_TMPFILE).open(dir) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !dir.exists() => return Some(Err(e)),
        Err(_) => return None,
    };
    if let Err(e) = file.write_all(bytes) {
        return Some(Err(e));
    }
    let from = std::ffi::CString::new(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&file))).ok()?;
    let to = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: both are valid NUL-terminated paths for the duration of the call.
    if unsafe { libc::linkat(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::AT_SYMLINK_FOLLOW) } == 0 {
        return Some(Ok(()));
    }
    let e = std::io::Error::last_os_error();
    // A missing /proc also says NotFound: then the portable way.
    if e.kind() == std::io::ErrorKind::NotFound { None } else { Some(Err(e)) }
}

/// Writes `bytes` to a temporary name beside `path` and hard-links it into place.
fn link_from_temporary(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("{}.tmp", path.extension().and_then(|e| e.to_str()).unwrap_or("")));
    {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // Issued files are read-only from the start (the link below keeps the mode).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o444);
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
    }
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    linked?;
    #[cfg(not(unix))]
    {
        let mut perms = fs::metadata(path)?.permissions();
        perms.set_readonly(true);
        fs::set_permissions(path, perms)?;
    }
    Ok(())
}

/// Makes `files` durable: one `syncfs` of the archive's file system on Linux, one `fsync`
/// per file elsewhere.
fn sync_files(root: &Path, lock: &File, files: &[PathBuf]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let _ = files;
        // SAFETY: `lock` is an open file on the archive's file system for the whole call.
        if unsafe { libc::syncfs(lock.as_raw_fd()) } != 0 {
            return Err(Error::io(root, std::io::Error::last_os_error()));
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (root, lock);
        for path in files {
            File::open(path).and_then(|f| f.sync_all()).map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_written_once_read_only_and_never_replaced() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026");
        write_once(&dir, "A-1.pdf", b"first").unwrap();
        assert_eq!(fs::read(dir.join("A-1.pdf")).unwrap(), b"first");
        assert!(fs::metadata(dir.join("A-1.pdf")).unwrap().permissions().readonly());
        // The same bytes again (a repeated interrupted run): accepted, nothing changes.
        write_once(&dir, "A-1.pdf", b"first").unwrap();
        // Other bytes: refused, the file keeps its bytes.
        match write_once(&dir, "A-1.pdf", b"second") {
            Err(Error::WouldOverwrite { path }) => assert_eq!(path, dir.join("A-1.pdf")),
            other => panic!("expected WouldOverwrite, got {other:?}"),
        }
        assert_eq!(fs::read(dir.join("A-1.pdf")).unwrap(), b"first");
        // No temporary file is left behind.
        assert_eq!(names(&dir), ["A-1.pdf"]);
    }

    #[test]
    fn files_are_written_from_many_threads_at_once() {
        use rayon::prelude::*;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026");
        (0..200).into_par_iter().for_each(|i| write_once(&dir, &format!("A-{i}.json"), i.to_string().as_bytes()).unwrap());
        assert_eq!(names(&dir).len(), 200);
        for i in 0..200 {
            assert_eq!(fs::read_to_string(dir.join(format!("A-{i}.json"))).unwrap(), i.to_string());
        }
    }
}
