//! The archive: where issued documents live, written once and never changed.
//!
//! ```text
//! archive/
//!   register.jsonl        one JSON line per issued document, append-only, with SHA-256s;
//!                         each line carries the SHA-256 of the line before (a hash chain)
//!   checkpoints.jsonl     the register's head after every run that changed it, signed when
//!                         a key is configured; itself a hash chain
//!   .lock                 held exclusively while a run writes, shared while `verify` reads
//!   seller.json           the seller (VAT ID) the archive belongs to
//!   company/<sha256>.toml the company.toml each document was issued under
//!   2026/KL-INV-2026-000001.{pdf,html,json,ubl.xml,cii.xml}
//!   .tmp/                 temporary names of the portable write path
//!   recovered/            the bytes of register or checkpoint appends a crash cut short
//!   quarantine/<run>/     files a crashed run wrote but never registered
//! ```
//!
//! Modules: [`fs`] is the one way to the disk (writes through a seam tests can fail, reads
//! checked against the register, no link followed), [`register`] the register and the state
//! derived from it, [`checkpoint`] the anchored heads, `housekeeping` what a locked run
//! tidies after a crash, `verify` the audit, [`walk`] the link-safe listing.
//!
//! Files are written to an unnamed or temporary file and hard-linked into place, which
//! fails rather than replaces if the name exists; then the register lines are appended and
//! synced. The register is the truth: numbering counters and "already invoiced" are derived
//! from it, so there is no second state file to drift. A run takes an exclusive lock before
//! reading the register, so two concurrent runs serialise and the second sees what the first
//! issued.

pub mod checkpoint;
pub mod config;
pub mod fs;
mod housekeeping;
pub mod register;
pub mod seller;
mod verify;
pub mod walk;

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Datelike;

use domain::error::{Error, Result};
use domain::history::Numbered;
use domain::sha256::Sha256Sum;
pub use checkpoint::{Checkpoint, Head};
pub use fs::{Fs, RealFs};
pub use register::{FileEntry, REGISTER, RegisterEntry, RegisteredReference, State};
pub use verify::VerifyOptions;

pub const LOCK: &str = ".lock";
pub const QUARANTINE: &str = "quarantine";
pub const RECOVERED: &str = "recovered";

/// An archive folder. Opening it touches nothing.
#[derive(Clone, Debug)]
pub struct Archive {
    root: PathBuf,
    fs: Arc<dyn Fs>,
    /// The key file to sign checkpoints with, given from outside (flag, environment); else
    /// company.toml's `[archive] signing_key`.
    signing_key: Option<PathBuf>,
    /// Whether a run may create the archive (`--init`); otherwise a missing one is refused.
    init: bool,
}

/// The archive while this run holds its lock.
///
/// [`Locked::store`] writes a document's files and queues its register line;
/// [`Locked::commit`] makes the files durable and only then appends the queued lines, so the
/// register never names a file that a crash could lose; [`Locked::finish`] commits and
/// writes the run's checkpoint. Committing a batch at a time costs two syncs per batch
/// instead of four per document.
#[derive(Debug)]
pub struct Locked<'a> {
    archive: &'a Archive,
    lock: File,
    /// The register as it was when the lock was taken (documents registered since are in
    /// the register file, not here).
    pub state: State,
    /// What taking the lock tidied up (recovered appends, quarantined files), for the user.
    pub notices: Vec<String>,
    /// Files written since the last commit.
    written: Vec<PathBuf>,
    /// Register lines waiting for their files to be durable.
    pending: String,
    pending_lines: usize,
    /// Register lines committed, and the register's committed length in bytes.
    lines: usize,
    committed_len: u64,
    /// The last checkpoint's line SHA-256 and the checkpoints' committed length.
    last_checkpoint: Option<Sha256Sum>,
    checkpoints_len: u64,
    /// Whether the register holds lines no checkpoint covers (this run's, or a crashed one's).
    uncovered: bool,
}

/// A rendered file to store: extension, bytes and their SHA-256.
pub struct Output {
    pub extension: &'static str,
    pub bytes: Vec<u8>,
    pub sha256: Sha256Sum,
}

impl Archive {
    pub fn open(root: impl Into<PathBuf>) -> Archive {
        Archive::with_fs(root, Arc::new(RealFs))
    }

    /// An archive whose writes go through `fs` (tests inject failures with it).
    pub fn with_fs(root: impl Into<PathBuf>, fs: Arc<dyn Fs>) -> Archive {
        Archive { root: root.into(), fs, signing_key: None, init: false }
    }

    /// Lets a run create the archive if it does not exist yet (`--init`).
    pub fn init(mut self, init: bool) -> Archive {
        self.init = init;
        self
    }

    /// Whether a run may create the archive.
    pub fn initialising(&self) -> bool {
        self.init
    }

    /// Whether the folder holds an archive (its register, checkpoints or seller file).
    pub fn exists(&self) -> bool {
        [REGISTER, checkpoint::CHECKPOINTS, seller::SELLER].iter().any(|f| std::fs::symlink_metadata(self.root.join(f)).is_ok())
    }

    /// Signs this archive's checkpoints with the key in `path` (see [`config`]).
    pub fn with_signing_key(mut self, path: Option<PathBuf>) -> Archive {
        self.signing_key = path;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn signing_key(&self) -> Option<&Path> {
        self.signing_key.as_deref()
    }

    /// Reads the register (an absent archive is empty; an unfinished last line is left
    /// out). Takes no lock: for planning and look-ups; issuing re-reads under
    /// [`Archive::lock`].
    pub fn state(&self) -> Result<State> {
        register::read(&self.root, &mut ())
    }

    /// Reads the register, refusing one that contradicts its hash chain or checkpoints (see
    /// `housekeeping::read_consistent`): for commands that read without writing (`show`,
    /// `export`, `render`). Takes no lock; lines a running issue appends meanwhile are
    /// simply not seen.
    pub fn checked_state(&self) -> Result<State> {
        let checkpoints = checkpoint::read(&self.root)?;
        housekeeping::read_consistent(self, &checkpoints, false)
    }

    /// Creates the archive if needed and takes its exclusive lock, waiting for another run
    /// to finish; then tidies what a crashed run left (`housekeeping`: an unfinished
    /// append is cut off and kept under `recovered/`, unregistered files are moved to
    /// `quarantine/`) and reads the register.
    pub fn lock(&self) -> Result<Locked<'_>> {
        self.lock_tidying(false)
    }

    /// [`Archive::lock`] for `recover`: also starts the checkpoints again if their file is
    /// gone (which a writing run refuses).
    pub fn lock_recovering(&self) -> Result<Locked<'_>> {
        self.lock_tidying(true)
    }

    fn lock_tidying(&self, recovering: bool) -> Result<Locked<'_>> {
        if !self.exists() {
            if !self.init {
                return Err(Error::NoArchive { path: self.root.clone() });
            }
            // The first run would move every file it finds into quarantine/. (A lock file
            // alone is a run that stopped before it wrote anything.)
            if std::fs::read_dir(&self.root).is_ok_and(|entries| entries.flatten().any(|e| e.file_name() != LOCK)) {
                return Err(Error::Refused(format!(
                    "{}: holds files but no archive; --init creates an archive only in a new or empty folder",
                    self.root.display()
                )));
            }
        }
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let path = self.root.join(LOCK);
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        let tidy = housekeeping::tidy(self, recovering)?;
        Ok(Locked {
            archive: self,
            lock: file,
            lines: tidy.state.entries.len(),
            committed_len: tidy.state.committed_len,
            state: tidy.state,
            notices: tidy.notices,
            written: Vec::new(),
            pending: String::new(),
            pending_lines: 0,
            last_checkpoint: tidy.last_checkpoint,
            checkpoints_len: tidy.checkpoints_len,
            uncovered: tidy.uncovered,
        })
    }

    /// Takes the lock shared: no run writes while it is held. An absent archive is an error.
    fn lock_shared(&self) -> Result<File> {
        if !self.exists() {
            return Err(Error::NoArchive { path: self.root.clone() });
        }
        let path = self.root.join(LOCK);
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
        file.lock_shared().map_err(|e| Error::io(&path, e))?;
        Ok(file)
    }

    /// Checks the archive (see the `verify` module): one line per finding, empty when intact.
    pub fn verify(&self, options: &VerifyOptions) -> Result<Vec<String>> {
        let _lock = self.lock_shared()?;
        verify::verify(self, options)
    }
}

/// Reads a document record for `render`: if it lies inside an archive (a folder above it
/// holds a register), only as a registered file checked against its SHA-256.
pub fn read_record(record: &Path) -> Result<Vec<u8>> {
    let parent = record.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = record.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let Ok(dir) = parent.canonicalize() else {
        return std::fs::read(record).map_err(|e| Error::io(record, e));
    };
    let Some(root) = dir.ancestors().find(|a| a.join(REGISTER).is_file()) else {
        return std::fs::read(record).map_err(|e| Error::io(record, e));
    };
    let rel = dir.strip_prefix(root).expect("an ancestor").join(&name);
    let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let state = Archive::open(root).checked_state()?;
    let file = state.entries.iter().flat_map(|e| &e.files).find(|f| f.path == rel).ok_or_else(|| {
        Error::Refused(format!("{}: lies in the archive {} but no register line names it", record.display(), root.display()))
    })?;
    state.read(file)
}

impl Locked<'_> {
    fn fs(&self) -> &dyn Fs {
        &*self.archive.fs
    }

    /// Stores the company.toml text documents are issued under; returns its SHA-256.
    pub fn store_company(&mut self, company_toml: &str) -> Result<Sha256Sum> {
        let sha = Sha256Sum::of(company_toml.as_bytes());
        let root = &self.archive.root;
        seller::record(self.archive, &self.state, company_toml)?;
        let dir = root.join("company");
        let name = format!("{sha}.toml");
        fs::write_once(self.fs(), root, &dir, &name, company_toml.as_bytes())?;
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
        let root = &self.archive.root;
        let dir = root.join(format!("{year:04}"));
        let mut files = Vec::with_capacity(outputs.len());
        for out in outputs {
            let name = format!("{}.{}", doc.number.file_stem(), out.extension);
            fs::write_once(&*self.archive.fs, root, &dir, &name, &out.bytes)?;
            self.written.push(dir.join(&name));
            files.push(FileEntry { path: format!("{year:04}/{name}"), sha256: out.sha256 });
        }
        Ok(self.register(n, company, files))
    }

    /// Queues the register line of `n`, whose `files` are written, for the next commit.
    fn register(&mut self, n: &Numbered, company: Sha256Sum, files: Vec<FileEntry>) -> RegisterEntry {
        let doc = &n.document;
        let entry = RegisterEntry {
            number: doc.number.clone(),
            kind: doc.kind,
            series: n.series.as_str().to_string(),
            year: doc.issue_date.year(),
            seq: n.seq,
            issue_date: doc.issue_date,
            currency: doc.currency.to_string(),
            total: doc.totals.gross,
            transactions: doc.source_transactions.clone(),
            fingerprints: n.fingerprints.clone(),
            references: doc.references.iter().map(|r| RegisteredReference { number: r.number.clone(), relation: r.relation }).collect(),
            overpaid: (doc.kind == domain::document::DocumentKind::Invoice && doc.totals.due < rust_decimal::Decimal::ZERO).then(|| -doc.totals.due),
            due: domain::payment::terms::asks_transfer(doc).map(|t| register::Due { amount: doc.totals.due, date: t.due_date }),
            company,
            files,
            prev: self.state.last_line_hash,
        };
        let text = serde_json::to_string(&entry).expect("register entries serialise");
        let line_hash = Some(Sha256Sum::of(text.as_bytes()));
        self.pending.push_str(&text);
        self.pending.push('\n');
        self.pending_lines += 1;
        // Only the chain moves on: `state` stays the register as the lock found it (a run
        // plans against that), and a 100,000-document run keeps no second copy of its lines.
        self.state.last_line_hash = line_hash;
        entry
    }

    /// Makes the files stored since the last commit durable, then appends their register
    /// lines and syncs the register. Until this returns, those documents are not issued; if
    /// it fails, the register is cut back to its last committed length.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let root = &self.archive.root;
        self.archive.fs.sync_files(&self.lock, &self.written).map_err(|e| Error::io(root, e))?;
        self.written.clear();
        append(&*self.archive.fs, &root.join(REGISTER), self.committed_len, self.pending.as_bytes())?;
        self.committed_len += self.pending.len() as u64;
        self.lines += self.pending_lines;
        self.pending.clear();
        self.pending_lines = 0;
        self.uncovered = true;
        Ok(())
    }


    /// Commits, then, if the register holds lines no checkpoint covers, appends a checkpoint
    /// of its head (signed with `key` if given) to `checkpoints.jsonl`. Returns it.
    pub fn finish(&mut self, key: Option<&ed25519_dalek::SigningKey>) -> Result<Option<Checkpoint>> {
        self.commit()?;
        if !self.uncovered {
            return Ok(None);
        }
        // Committed: the chain's last hash is the last line's on disk.
        let head = Head { lines: self.lines, hash: self.state.last_line_hash };
        let checkpoint = checkpoint::make(head, self.last_checkpoint, key);
        let mut line = checkpoint::line(&checkpoint);
        let hash = Sha256Sum::of(line.as_bytes());
        line.push('\n');
        let path = self.archive.root.join(checkpoint::CHECKPOINTS);
        append(&*self.archive.fs, &path, self.checkpoints_len, line.as_bytes())?;
        self.checkpoints_len += line.len() as u64;
        self.last_checkpoint = Some(hash);
        self.uncovered = false;
        Ok(Some(checkpoint))
    }
}

/// Appends `bytes` to the file at `path`, whose committed length is `committed`, and syncs
/// it. On any failure the file is cut back to `committed`, so a write that did not finish
/// leaves nothing behind (if even that fails, the next locked run finds the unfinished line
/// and recovers it).
fn append(fs: &dyn Fs, path: &Path, committed: u64, bytes: &[u8]) -> Result<()> {
    let mut file = open_append(path)?;
    let written = fs.write(&mut file, bytes).and_then(|()| fs.sync(&file));
    if let Err(e) = written {
        let _ = file.set_len(committed).and_then(|()| file.sync_all());
        return Err(Error::io(path, e));
    }
    Ok(())
}

fn open_append(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    options.open(path).map_err(|e| Error::io(path, e))
}
