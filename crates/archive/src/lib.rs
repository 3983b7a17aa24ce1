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
//!   logo/<sha256>         the logo file records name by its SHA-256, stored once
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
//!
//! The same archive can live in a PostgreSQL database instead of a folder ([`pg`]): an
//! `--archive` that is a `postgres://` URL. The two differ only below this module's
//! interface — where register lines, checkpoint lines and file bytes are appended and read
//! back (the [`Archive`]'s methods that dispatch on its database, [`Store`], [`Locked`]'s
//! appends) and how a run is locked — so every command reads and checks them with the same
//! code.

pub mod checkpoint;
pub mod config;
pub mod copy;
pub mod fs;
mod housekeeping;
pub mod pg;
pub mod register;
pub mod seller;
#[cfg(test)]
mod testing;
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

/// What a run is told when it waits for another run's lock: called once, with the
/// archive's name (a database's URL without its password), when the wait has lasted
/// [`WAIT_NOTICE`]. The library prints nothing itself; the binary says it on stderr.
pub type WaitNotice = Arc<dyn Fn(&str) + Send + Sync>;

/// An archive: a folder, or a PostgreSQL database. Opening it touches nothing.
#[derive(Clone)]
pub struct Archive {
    /// The folder; for a database, its URL without a password (what messages show).
    root: PathBuf,
    /// The database, for an archive in PostgreSQL.
    db: Option<Arc<pg::Db>>,
    fs: Arc<dyn Fs>,
    /// The key file to sign checkpoints with, given from outside (flag, environment); else
    /// company.toml's `[archive] signing_key`.
    signing_key: Option<PathBuf>,
    /// Whether a run may create the archive (`--init`); otherwise a missing one is refused.
    init: bool,
    /// Told when a lock is long in coming ([`Archive::with_wait_notice`]).
    wait_notice: Option<WaitNotice>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("root", &self.root)
            .field("db", &self.db)
            .field("fs", &self.fs)
            .field("signing_key", &self.signing_key)
            .field("init", &self.init)
            .field("wait_notice", &self.wait_notice.is_some())
            .finish()
    }
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
    /// A database archive's committing thread, started by the first commit (see
    /// [`Locked::commit`]). Before `hold`: a batch in flight ends before the lock is let go.
    writer: Option<pg::Writer>,
    hold: Hold,
    /// A database archive's next transaction.
    batch: pg::Batch,
    /// The register as it was when the lock was taken (documents registered since are in
    /// the register file, not here).
    pub state: State,
    /// What taking the lock tidied up (recovered appends, quarantined files), for the user.
    pub notices: Vec<String>,
    /// Files written since the last commit.
    written: Vec<PathBuf>,
    /// The folders written to, by archive-relative path (`""` for the root), each opened
    /// once for the run.
    dirs: Arc<fs::Dirs>,
    /// Register lines waiting for their files to be durable.
    pending: String,
    pending_lines: usize,
    /// Register lines committed, and the register's committed length in bytes.
    lines: usize,
    committed_len: u64,
    /// Register lines when the lock was taken: `lines` less these are this run's.
    lines_at_lock: usize,
    /// A database archive's lines handed to the writer whose transaction has not yet
    /// answered (counted in `lines` already), and those whose transaction failed.
    in_flight: usize,
    not_committed: usize,
    /// The chain hash of the last committed line, and (a database's) of the last line in
    /// flight: `state.last_line_hash` runs ahead to the last line queued.
    committed_hash: Option<Sha256Sum>,
    in_flight_hash: Option<Sha256Sum>,
    /// The last checkpoint's line SHA-256, the number of checkpoints and their committed
    /// length.
    last_checkpoint: Option<Sha256Sum>,
    checkpoints: usize,
    checkpoints_len: u64,
    /// Whether the register holds lines no checkpoint covers (this run's, or a crashed one's).
    uncovered: bool,
    /// Logo files stored: registered before this run, or by it.
    logos: std::collections::BTreeSet<Sha256Sum>,
}

/// The run's lock: the folder's `.lock`, or the database's advisory lock.
#[derive(Debug)]
enum Hold {
    File(File),
    /// Held, never read: dropping it unlocks.
    Db(#[allow(dead_code)] pg::Lock),
}

/// Where an archive's registered files are read from, each checked against its SHA-256.
#[derive(Clone, Debug)]
pub enum Store {
    Dir(PathBuf),
    Db(Arc<pg::Db>),
}

impl Default for Store {
    fn default() -> Store {
        Store::Dir(PathBuf::new())
    }
}

impl Store {
    /// The archived file `rel` (archive-relative, `/`-separated) checked against `sha256`:
    /// the one way every command reads an issued file, from either backend.
    pub fn read_verified(&self, rel: &str, sha256: &Sha256Sum) -> Result<Vec<u8>> {
        match self {
            Store::Dir(root) => fs::read_verified(root, rel, sha256),
            Store::Db(db) => db.read_verified(rel, sha256),
        }
    }

    /// [`Store::read_verified`] of each of `files`, in order: from a database with one query.
    pub fn read_many<'f>(&self, files: impl Iterator<Item = &'f FileEntry>) -> Vec<Result<Vec<u8>>> {
        match self {
            Store::Dir(root) => files.map(|f| fs::read_verified(root, &f.path, &f.sha256)).collect(),
            Store::Db(db) => db.read_many(files),
        }
    }

    /// Where `rel` is, for messages.
    pub fn at(&self, rel: &str) -> PathBuf {
        match self {
            Store::Dir(root) => root.join(rel),
            Store::Db(db) => db.at(rel),
        }
    }
}

/// A rendered file to store: extension, SHA-256 and bytes, which a [`Stager`] may have
/// written to an unnamed file already.
pub struct Output {
    pub extension: &'static str,
    pub sha256: Sha256Sum,
    content: Content,
}

enum Content {
    Bytes(Vec<u8>),
    /// Written, not named yet (see [`Stager`]).
    Unnamed(fs::Unnamed),
}

impl Output {
    /// `bytes` to be stored with the extension `extension`; `sha256` is theirs.
    pub fn new(extension: &'static str, bytes: Vec<u8>, sha256: Sha256Sum) -> Output {
        Output { extension, sha256, content: Content::Bytes(bytes) }
    }
}

/// Writes documents' files ahead of [`Locked::store`], on the threads that render them: in
/// a folder archive (on Linux) each file's bytes go to an unnamed file of its year's folder
/// and are freed, and `store` only names the file. Writing the bytes was most of the
/// storing thread's time, and that one thread set the pace of a run on two cores; names are
/// still given by one thread, in register order (see [`Locked::store`]). A run that fails
/// leaves nothing of what it staged and did not store: an unnamed file is gone once closed.
///
/// For a database archive staging does nothing: its files travel as bytes to the server.
pub struct Stager<'a> {
    archive: &'a Archive,
    /// The run's open folders, shared with its [`Locked`].
    dirs: Arc<fs::Dirs>,
}

impl Stager<'_> {
    /// Writes the files of a document issued on `issue_date` (`outputs`, still bytes) to
    /// unnamed files where that can be done; the others stay bytes for `store`.
    pub fn stage(&self, issue_date: chrono::NaiveDate, outputs: &mut [Output]) -> Result<()> {
        if self.archive.db.is_some() {
            return Ok(());
        }
        let dir = self.dirs.get(&self.archive.root, &year_folder(issue_date.year()))?;
        for out in outputs {
            let Content::Bytes(bytes) = &out.content else { continue };
            match dir.write_unnamed(&*self.archive.fs, bytes) {
                Some(Ok(file)) => out.content = Content::Unnamed(file),
                Some(Err(e)) => return Err(Error::io(dir.path(), e)),
                // Left as bytes: `store` writes them the way it can.
                None => return Ok(()),
            }
        }
        Ok(())
    }
}

/// The folder of the documents issued in `year`: `2026`.
fn year_folder(year: i32) -> String {
    format!("{year:04}")
}

impl Archive {
    pub fn open(root: impl Into<PathBuf>) -> Archive {
        Archive::with_fs(root, Arc::new(RealFs))
    }

    /// An archive whose writes go through `fs` (tests inject failures with it).
    ///
    /// A `root` that is a `postgres://` or `postgresql://` URL is a database archive.
    pub fn with_fs(root: impl Into<PathBuf>, fs: Arc<dyn Fs>) -> Archive {
        let root = root.into();
        let db = root.to_str().filter(|s| pg::is_url(s)).map(|url| Arc::new(pg::Db::new(url)));
        let root = db.as_ref().map_or(root, |db| PathBuf::from(db.display()));
        Archive { root, db, fs, signing_key: None, init: false, wait_notice: None }
    }

    /// Calls `notice` with the archive's name when a run has waited [`WAIT_NOTICE`] for
    /// another run's lock (a second run otherwise waits without a word). Without one, a run
    /// waits silently: a library does not write to its embedder's stderr.
    pub fn with_wait_notice(mut self, notice: impl Fn(&str) + Send + Sync + 'static) -> Archive {
        self.wait_notice = Some(Arc::new(notice));
        self
    }

    /// Whether this archive lives in a database.
    pub fn is_database(&self) -> bool {
        self.db.is_some()
    }

    /// Where its registered files are read from.
    pub fn store(&self) -> Store {
        match &self.db {
            Some(db) => Store::Db(db.clone()),
            None => Store::Dir(self.root.clone()),
        }
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

    /// Whether the folder holds an archive (its register, checkpoints or seller file), or the
    /// database the archive's tables.
    pub fn exists(&self) -> bool {
        if let Some(db) = &self.db {
            // An unreachable database is reported by the first read, with its error.
            return db.exists().unwrap_or(true);
        }
        [REGISTER, checkpoint::CHECKPOINTS, seller::SELLER].iter().any(|f| std::fs::symlink_metadata(self.root.join(f)).is_ok())
    }

    /// [`Archive::exists`], with the error that makes a database's answer unknown: one that
    /// is unreachable, or holds a schema `invoicesmith` that is not this version's archive
    /// (which `exists` counts as present, for the first read to report).
    pub(crate) fn exists_checked(&self) -> Result<bool> {
        match &self.db {
            Some(db) => db.exists(),
            None => Ok(self.exists()),
        }
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
        self.read_register(&mut ())
    }

    /// Whether there is anything yet where the archive is to be: a folder (maybe empty), or
    /// a database with the archive's tables.
    pub fn present(&self) -> bool {
        if self.db.is_some() { self.exists() } else { self.root.exists() }
    }

    /// Reads the register, reporting each line to `observer`.
    pub(crate) fn read_register(&self, observer: &mut dyn register::Observer) -> Result<State> {
        match &self.db {
            // An absent archive is empty, in a database as in a folder.
            Some(db) if !db.exists()? => Ok(State::empty(self.store())),
            Some(db) => db.read_register(self.store(), observer),
            None => register::read(&self.root, observer),
        }
    }

    /// Reads the checkpoints.
    pub(crate) fn read_checkpoints(&self) -> Result<checkpoint::Checkpoints> {
        match &self.db {
            Some(db) if !db.exists()? => checkpoint::parse(&[], false, &db.at(checkpoint::CHECKPOINTS)),
            Some(db) => db.read_checkpoints(),
            None => checkpoint::read(&self.root),
        }
    }

    /// The bytes of a file the archive keeps unhashed beside its documents (`seller.json`),
    /// if present; never through a link.
    pub(crate) fn read_own(&self, name: &str) -> Result<Option<Vec<u8>>> {
        if let Some(db) = &self.db {
            return if db.exists()? { db.read(name) } else { Ok(None) };
        }
        let path = self.root.join(name);
        let mut bytes = Vec::new();
        match fs::open_no_follow(&path) {
            Ok(mut f) => std::io::Read::read_to_end(&mut f, &mut bytes).map_err(|e| Error::io(&path, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        Ok(Some(bytes))
    }

    /// Everything stored in a folder archive, by archive-relative path (for `verify`; a
    /// database's rows are checked by `pg::audit`).
    pub(crate) fn listing(&self) -> Result<walk::Listing> {
        walk::list(&self.root, &[])
    }

    /// The register's and the checkpoints' lines exactly as stored, without newlines (for
    /// `archive copy`).
    pub(crate) fn raw_lines(&self) -> Result<(Vec<String>, Vec<String>)> {
        if let Some(db) = &self.db {
            return Ok((db.register_texts()?, db.checkpoint_texts()?));
        }
        let lines = |name: &str| -> Result<Vec<String>> {
            let bytes = self.read_own(name)?.unwrap_or_default();
            let text = String::from_utf8(bytes).map_err(|_| Error::Register { path: self.root.join(name), line: 0, message: "not UTF-8".into() })?;
            Ok(text.lines().map(str::to_string).collect())
        };
        Ok((lines(REGISTER)?, lines(checkpoint::CHECKPOINTS)?))
    }

    /// The registered file `rel` (archive-relative, e.g. `2026/KL-INV-2026-000001.json`),
    /// checked against the register and its SHA-256 (`render --archive`), with the register
    /// line that names it.
    pub fn read_registered(&self, rel: &str) -> Result<Registered> {
        let state = self.checked_state()?;
        Registered::read(state, rel).ok_or_else(|| Error::Refused(format!("{rel}: no register line of the archive {} names it", self.root.display())))?
    }

    /// Reads the register, refusing one that contradicts its hash chain or checkpoints (see
    /// `housekeeping::read_consistent`): for commands that read without writing (`show`,
    /// `export`, `render`). Takes no lock; lines a running issue appends meanwhile are
    /// simply not seen.
    pub fn checked_state(&self) -> Result<State> {
        let checkpoints = self.read_checkpoints()?;
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
        let hold = match &self.db {
            Some(db) => self.lock_db(db, true)?,
            None => self.lock_folder()?,
        };
        let tidy = housekeeping::tidy(self, recovering)?;
        let logos = tidy.state.entries.iter().filter_map(|e| e.logo).collect();
        Ok(Locked {
            logos,
            archive: self,
            hold,
            writer: None,
            batch: pg::Batch::default(),
            lines: tidy.state.entries.len(),
            lines_at_lock: tidy.state.entries.len(),
            in_flight: 0,
            not_committed: 0,
            committed_hash: tidy.state.last_line_hash,
            in_flight_hash: None,
            committed_len: tidy.state.committed_len,
            state: tidy.state,
            notices: tidy.notices,
            written: Vec::new(),
            dirs: Arc::default(),
            pending: String::new(),
            pending_lines: 0,
            last_checkpoint: tidy.last_checkpoint,
            checkpoints: tidy.checkpoints,
            checkpoints_len: tidy.checkpoints_len,
            uncovered: tidy.uncovered,
        })
    }

    /// Creates the database's tables with `--init` (refuses a database without them
    /// otherwise) and takes the run lock.
    fn lock_db(&self, db: &Arc<pg::Db>, exclusive: bool) -> Result<Hold> {
        if !db.exists()? {
            if !(exclusive && self.init) {
                return Err(Error::NoArchive { path: self.root.clone() });
            }
            db.migrate()?;
        }
        Ok(Hold::Db(db.lock(exclusive, self.wait_notice.as_ref())?))
    }

    fn lock_folder(&self) -> Result<Hold> {
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
        let file = fs::open_lock(&path, false).map_err(|e| Error::io(&path, e))?;
        lock_file(&file, &self.root, false, self.wait_notice.as_ref()).map_err(|e| Error::io(&path, e))?;
        Ok(Hold::File(file))
    }

    /// Takes the lock shared: no run writes while it is held. An absent archive is an error.
    fn lock_shared(&self) -> Result<Hold> {
        if let Some(db) = &self.db {
            return self.lock_db(db, false);
        }
        if !self.exists() {
            return Err(Error::NoArchive { path: self.root.clone() });
        }
        let path = self.root.join(LOCK);
        let file = fs::open_lock(&path, true).map_err(|e| Error::io(&path, e))?;
        lock_file(&file, &self.root, true, self.wait_notice.as_ref()).map_err(|e| Error::io(&path, e))?;
        Ok(Hold::File(file))
    }

    /// Checks the archive (see the `verify` module): one line per finding, empty when intact.
    pub fn verify(&self, options: &VerifyOptions) -> Result<Vec<String>> {
        let _lock = self.lock_shared()?;
        verify::verify(self, options)
    }
}

/// How long a run waits for another's lock before it says so.
pub const WAIT_NOTICE: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs `wait` (taking a lock another run may hold), calling `notice` with `on` (the
/// archive's name) if it has not returned after [`WAIT_NOTICE`].
pub(crate) fn waiting_for<T>(on: &str, notice: Option<&WaitNotice>, wait: impl FnOnce() -> T) -> T {
    let Some(notice) = notice.cloned() else { return wait() };
    let (done, waited) = std::sync::mpsc::channel::<()>();
    let on = on.to_string();
    let notice = std::thread::spawn(move || {
        if waited.recv_timeout(WAIT_NOTICE) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
            notice(&on);
        }
    });
    let out = wait();
    drop(done);
    // The notice, if due, is out before the run says anything else.
    let _ = notice.join();
    out
}

/// Locks the folder archive `root`'s lock `file`, shared or exclusive: at once if free, else
/// waiting for the run that holds it ([`waiting_for`]).
fn lock_file(file: &File, root: &Path, shared: bool, notice: Option<&WaitNotice>) -> std::io::Result<()> {
    let tried = if shared { file.try_lock_shared() } else { file.try_lock() };
    match tried {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting_for(&root.display().to_string(), notice, || if shared { file.lock_shared() } else { file.lock() })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// A registered file read back (checked against its SHA-256), with the register it was
/// read from and the line that names it: what rendering an archived record needs besides
/// its bytes (the company.toml it was issued under, its logo).
#[derive(Debug)]
pub struct Registered {
    pub bytes: Vec<u8>,
    pub state: State,
    /// The register line that names the file.
    pub entry: RegisterEntry,
}

impl Registered {
    /// The file `rel` of `state`, if a line names it.
    fn read(state: State, rel: &str) -> Option<Result<Registered>> {
        let entry = state.entries.iter().find(|e| e.files.iter().any(|f| f.path == rel))?.clone();
        let file = entry.files.iter().find(|f| f.path == rel).expect("found by it");
        Some(state.read(file).map(|bytes| Registered { bytes, state, entry }))
    }
}

/// The archive folder `path` lies in, if any: `path` itself or a folder above it holds an
/// archive's register, checkpoints or seller file. `path` need not exist yet: its nearest
/// existing folder is looked at, symbolic links resolved. Commands that write files of their
/// own (`render`, `export`, `statement`) refuse an output folder inside an archive: only
/// issuing writes there, and anything else would be a stray that `verify` reports and the
/// next run moves to quarantine — or, under an issued document's name, would replace it.
///
/// A path that goes through a symbolic link inside an archive (`ARCHIVE/2026/out` where
/// `2026` was replaced by a link to a folder elsewhere) lies in that archive too: resolving
/// the link would put it outside, and a command would write through the archive's link.
pub fn enclosing(path: &Path) -> Option<PathBuf> {
    if let Some((_, root)) = link_inside_archive(path) {
        return Some(root);
    }
    let existing = path.ancestors().find(|a| !a.as_os_str().is_empty() && a.exists()).unwrap_or(Path::new("."));
    let dir = existing.canonicalize().ok()?;
    dir.ancestors().find(|a| holds_archive(a)).map(Path::to_path_buf)
}

/// Whether the folder `dir` holds an archive's register, checkpoints or seller file.
fn holds_archive(dir: &Path) -> bool {
    [REGISTER, checkpoint::CHECKPOINTS, seller::SELLER].iter().any(|f| std::fs::symlink_metadata(dir.join(f)).is_ok())
}

/// The first symbolic link that `path` (as written, followed from its first component on)
/// goes through inside an archive, and that archive (its canonical folder). A link to the
/// archive itself, or anywhere outside archives, is the user's own and is not one.
fn link_inside_archive(path: &Path) -> Option<(PathBuf, PathBuf)> {
    let path = std::path::absolute(path).ok()?;
    let mut prefix = PathBuf::new();
    for component in path.components() {
        prefix.push(component);
        if !std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink()) {
            continue;
        }
        let Some(parent) = prefix.parent().and_then(|p| p.canonicalize().ok()) else { continue };
        if let Some(root) = parent.ancestors().find(|a| holds_archive(a)) {
            return Some((prefix, root.to_path_buf()));
        }
    }
    None
}

/// Reads a document record for `render`: if it lies inside an archive (a folder above it
/// holds a register), only as a registered file checked against its SHA-256 (and returned
/// with its register line); otherwise as the file it is.
///
/// A path through a symbolic link inside an archive (`ARCHIVE/2026/A-1.json` with `2026` a
/// link) is refused: resolved, it would lead out of the archive, where the file would be
/// read as a loose record with no hash to check it against.
pub fn read_record(record: &Path) -> Result<(Vec<u8>, Option<Registered>)> {
    if let Some((link, _)) = link_inside_archive(record) {
        return Err(Error::io(record, fs::linked(&link)));
    }
    let parent = record.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = record.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let loose = || std::fs::read(record).map(|bytes| (bytes, None)).map_err(|e| Error::io(record, e));
    let Ok(dir) = parent.canonicalize() else {
        return loose();
    };
    let Some(root) = dir.ancestors().find(|a| a.join(REGISTER).is_file()) else {
        return loose();
    };
    let rel = dir.strip_prefix(root).expect("an ancestor").join(&name);
    let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let state = Archive::open(root).checked_state()?;
    let registered = Registered::read(state, &rel).ok_or_else(|| {
        Error::Refused(format!("{}: lies in the archive {} but no register line names it", record.display(), root.display()))
    })??;
    Ok((registered.bytes.clone(), Some(registered)))
}

/// A run that stops before committing (an error: a full disk, a refused document) takes back
/// the files it named since its last commit: no register line names them, so they were never
/// issued, and the archive is left as the run found it — not with strays for `verify` to
/// report and the next run to quarantine. (A crash runs no destructor: that is what the next
/// run's tidying is for.)
impl Drop for Locked<'_> {
    fn drop(&mut self) {
        self.take_back_written();
    }
}

impl<'a> Locked<'a> {
    /// A [`Stager`] for the documents this run will store.
    pub fn stager(&self) -> Stager<'a> {
        Stager { archive: self.archive, dirs: self.dirs.clone() }
    }
}

impl Locked<'_> {
    /// Stores the company.toml text documents are issued under; returns its SHA-256.
    pub fn store_company(&mut self, company_toml: &str) -> Result<Sha256Sum> {
        let sha = Sha256Sum::of(company_toml.as_bytes());
        if let Some(seller) = seller::record(self.archive, &self.state, company_toml)? {
            self.put(seller::SELLER, None, seller.as_bytes())?;
        }
        self.put(&register::company_path(&sha), None, company_toml.as_bytes())?;
        Ok(sha)
    }

    /// Writes the file `rel` once, or for a database queues it for the next commit: a
    /// document of register line `line`, or (`None`) a file no line names.
    fn put(&mut self, rel: &str, line: Option<usize>, bytes: &[u8]) -> Result<()> {
        if self.archive.db.is_some() {
            match line {
                Some(line) => self.batch.file(rel.to_string(), line, bytes),
                None => self.batch.own(rel.to_string(), bytes.to_vec()),
            }
            return Ok(());
        }
        let (dir, name) = self.dir(rel)?;
        dir.write_once(&*self.archive.fs, &self.archive.root, name, bytes)?;
        self.written.push(dir.path().join(name));
        Ok(())
    }

    /// Stores `out` as the file `rel` of register line `line`: names it if staged, else
    /// writes its bytes ([`Locked::put`]).
    fn put_output(&mut self, rel: &str, line: usize, out: &Output) -> Result<()> {
        let file = match &out.content {
            Content::Bytes(bytes) => return self.put(rel, Some(line), bytes),
            Content::Unnamed(file) => file,
        };
        if self.archive.db.is_some() {
            // Not staged for a database (see `Stager::stage`); read back should it happen.
            let bytes = file.bytes().map_err(|e| Error::io(self.archive.root.join(rel), e))?;
            return self.put(rel, Some(line), &bytes);
        }
        let (dir, name) = self.dir(rel)?;
        dir.link_once(&*self.archive.fs, &self.archive.root, file, name, &out.sha256)?;
        self.written.push(dir.path().join(name));
        Ok(())
    }

    /// The open folder of the archive-relative file `rel` (opened once a run), and the
    /// file's name.
    fn dir<'r>(&self, rel: &'r str) -> Result<(Arc<fs::Dir>, &'r str)> {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        Ok((self.dirs.get(&self.archive.root, dir)?, name))
    }

    /// The number the next queued register line gets.
    fn next_line(&self) -> usize {
        self.lines + self.pending_lines + self.batch.lines() + 1
    }

    /// Stores a numbered document's rendered files and queues its register line for the next
    /// [`Locked::commit`]. `company` is the SHA-256 returned by [`Locked::store_company`].
    ///
    /// Render, hash and [stage](Stager) on other threads; the files are named here, by one
    /// thread: ext4 serialises creations in a folder, and two threads creating files in a
    /// year's folder spent a fifth of their time waiting on each other.
    ///
    /// A logo the record names by SHA-256 is stored once, as `logo/<sha256>`, before the
    /// first line that names it.
    pub fn store(&mut self, n: &Numbered, company: Sha256Sum, outputs: &[Output]) -> Result<RegisterEntry> {
        let doc = &n.document;
        let year = doc.issue_date.year();
        let logo = doc.brand.as_ref().and_then(|b| b.logo.as_ref()).filter(|l| !l.is_inline());
        if let Some(logo) = logo
            && !self.logos.contains(&logo.sha256)
        {
            let bytes = logo.shared_bytes().ok_or_else(|| Error::Refused(format!("{}: its logo {} is not attached; nothing was written", doc.number, logo.sha256)))?;
            self.put(&register::logo_path(&logo.sha256), None, bytes)?;
            self.logos.insert(logo.sha256);
        }
        let logo = logo.map(|l| l.sha256);
        let line = self.next_line();
        let mut files = Vec::with_capacity(outputs.len());
        for out in outputs {
            let path = format!("{}/{}.{}", year_folder(year), doc.number.file_stem(), out.extension);
            self.put_output(&path, line, out)?;
            files.push(FileEntry { path, sha256: out.sha256 });
        }
        let entry = self.register(n, company, logo, files);
        // A database batch holds its documents' bytes until it commits: bounded by size, so
        // memory stays flat whatever the caller's commit interval.
        if self.batch.is_full() {
            self.commit()?;
        }
        Ok(entry)
    }

    /// Queues the register line of `n`, whose `files` are written, for the next commit.
    fn register(&mut self, n: &Numbered, company: Sha256Sum, logo: Option<Sha256Sum>, files: Vec<FileEntry>) -> RegisterEntry {
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
            logo,
            files,
            prev: self.state.last_line_hash,
        };
        let text = serde_json::to_string(&entry).expect("register entries serialise");
        self.queue_line(&entry, text);
        entry
    }

    /// Queues register line `text` (of `entry`) for the next commit.
    fn queue_line(&mut self, entry: &RegisterEntry, text: String) {
        let line_hash = Sha256Sum::of(text.as_bytes());
        if self.archive.db.is_some() {
            self.batch.line(self.next_line(), entry, text, line_hash);
        } else {
            self.pending.push_str(&text);
            self.pending.push('\n');
            self.pending_lines += 1;
        }
        // Only the chain moves on: `state` stays the register as the lock found it (a run
        // plans against that), and a 100,000-document run keeps no second copy of its lines.
        self.state.last_line_hash = Some(line_hash);
    }

    /// Makes the files stored since the last commit durable, then appends their register
    /// lines and syncs the register. Until this returns, those documents are not issued; if
    /// it fails, the register is cut back to its last committed length. In a database, the
    /// files and lines are one transaction.
    ///
    /// A database's transaction runs on another thread while this one goes on storing the
    /// next batch (the server writes while the next documents render); the next commit, the
    /// checkpoint and [`Locked::finish`] wait for it first, so its failure stops the run.
    pub fn commit(&mut self) -> Result<()> {
        if let Some(db) = &self.archive.db {
            self.settle()?;
            if self.batch.is_empty() {
                return Ok(());
            }
            let writer = self.writer.get_or_insert_with(|| pg::Writer::start(db.clone()));
            let (batch, lines) = (std::mem::replace(&mut self.batch, writer.recycled()), self.lines);
            self.lines += batch.lines();
            self.in_flight = batch.lines();
            self.in_flight_hash = self.state.last_line_hash;
            writer.commit(batch, lines);
            self.uncovered = true;
            return Ok(());
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let root = &self.archive.root;
        let Hold::File(lock) = &self.hold else { unreachable!("a folder archive holds its lock file") };
        self.archive.fs.sync_files(lock, &self.written).map_err(|e| Error::io(root, e))?;
        append(&*self.archive.fs, &root.join(REGISTER), self.committed_len, self.pending.as_bytes())?;
        // Issued now: named by register lines, no longer this run's to take back.
        self.written.clear();
        self.committed_len += self.pending.len() as u64;
        self.lines += self.pending_lines;
        self.committed_hash = self.state.last_line_hash;
        self.pending.clear();
        self.pending_lines = 0;
        self.uncovered = true;
        Ok(())
    }

    /// Commits, then, if the register holds lines no checkpoint covers, appends a checkpoint
    /// of its head (signed with `key` if given) to `checkpoints.jsonl`. Returns it.
    pub fn finish(&mut self, key: Option<&ed25519_dalek::SigningKey>) -> Result<Option<Checkpoint>> {
        self.commit()?;
        self.settle()?;
        if !self.uncovered {
            return Ok(None);
        }
        // Committed: the chain's last hash is the last line's on disk.
        let head = Head { lines: self.lines, hash: self.state.last_line_hash };
        let checkpoint = checkpoint::make(head, self.last_checkpoint, key);
        self.append_checkpoint(checkpoint::line(&checkpoint))?;
        self.uncovered = false;
        Ok(Some(checkpoint))
    }

    /// After a failure: appends a checkpoint of the lines committed so far (signed with
    /// `key` if given), leaving what is queued uncommitted, so that what the run did issue
    /// verifies as covered. Returns it, or `None` if every line was covered already.
    ///
    /// Takes back the files named since the last commit first, as dropping the lock would:
    /// on a full disk that frees the room the checkpoint needs.
    pub fn checkpoint_committed(&mut self, key: Option<&ed25519_dalek::SigningKey>) -> Result<Option<Checkpoint>> {
        let lines = self.lines_at_lock + self.committed();
        self.take_back_written();
        if !self.uncovered || lines == 0 {
            return Ok(None);
        }
        let checkpoint = checkpoint::make(Head { lines, hash: self.committed_hash }, self.last_checkpoint, key);
        self.append_checkpoint(checkpoint::line(&checkpoint))?;
        self.uncovered = false;
        Ok(Some(checkpoint))
    }

    /// Removes the files named since the last commit: no register line names them, so they
    /// were never issued (a run that stops without committing them leaves none behind).
    fn take_back_written(&mut self) {
        for path in self.written.drain(..) {
            let _ = std::fs::remove_file(&path);
        }
    }

    /// Waits for a database batch being committed, if any.
    fn settle(&mut self) -> Result<()> {
        let Some(writer) = &mut self.writer else { return Ok(()) };
        let landed = writer.settle();
        if landed.is_err() {
            self.not_committed += self.in_flight;
        } else if self.in_flight > 0 {
            self.committed_hash = self.in_flight_hash;
        }
        self.in_flight = 0;
        landed
    }

    /// How many register lines this run has committed: documents issued, archived and
    /// final whatever becomes of the rest of the run. For a caller whose run failed, to
    /// say what it did issue; the lines are the first this many it stored.
    ///
    /// Waits for a database batch in flight first: it commits whole or not at all, and
    /// counts only if it did (its own error, if any, is for the run's next commit to
    /// report; after a failure there is none).
    pub fn committed(&mut self) -> usize {
        let _ = self.settle();
        self.lines - self.lines_at_lock - self.not_committed
    }

    /// Appends checkpoint line `text` (without its newline).
    fn append_checkpoint(&mut self, text: String) -> Result<()> {
        self.settle()?;
        let hash = Sha256Sum::of(text.as_bytes());
        if let Some(db) = &self.archive.db {
            db.append_checkpoint(self.checkpoints + 1, &text)?;
        } else {
            let line = text + "\n";
            let path = self.archive.root.join(checkpoint::CHECKPOINTS);
            append(&*self.archive.fs, &path, self.checkpoints_len, line.as_bytes())?;
            self.checkpoints_len += line.len() as u64;
        }
        self.checkpoints += 1;
        self.last_checkpoint = Some(hash);
        Ok(())
    }

    /// Copies one register line as it is (`archive copy`): its files from `files` (checked
    /// against the line's SHA-256s by the caller), queued for the next commit.
    pub(crate) fn copy_line(&mut self, text: String, entry: &RegisterEntry, files: Vec<Vec<u8>>) -> Result<()> {
        let line = self.next_line();
        for (file, bytes) in entry.files.iter().zip(files) {
            self.put(&file.path, Some(line), &bytes)?;
        }
        self.queue_line(entry, text);
        Ok(())
    }

    /// Copies a file no register line names (a company snapshot, a logo, the seller record).
    pub(crate) fn copy_own(&mut self, rel: &str, bytes: Vec<u8>) -> Result<()> {
        self.put(rel, None, &bytes)
    }

    /// Copies checkpoint line `text` as it is, after committing what is queued.
    pub(crate) fn copy_checkpoint(&mut self, text: String) -> Result<()> {
        self.commit()?;
        self.append_checkpoint(text)?;
        self.uncovered = false;
        Ok(())
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

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::testing::{line_hashes, store};

    /// Appends to the register or the checkpoints put half their bytes on disk and fail
    /// while `full` is set (a disk that filled up); documents are written whole.
    #[derive(Debug, Default)]
    struct FullDisk {
        full: AtomicBool,
    }

    impl Fs for FullDisk {
        fn write(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
            if self.full.load(Ordering::SeqCst) && bytes.ends_with(b"\n") {
                RealFs.write(file, &bytes[..bytes.len() / 2])?;
                return Err(io::Error::from_raw_os_error(28));
            }
            RealFs.write(file, bytes)
        }
    }

    #[test]
    fn a_failed_commit_keeps_the_lines_committed_earlier_in_the_same_run() {
        let tmp = tempfile::tempdir().unwrap();
        let disk = Arc::new(FullDisk::default());
        let archive = Archive::with_fs(tmp.path(), disk.clone()).init(true);
        let mut locked = archive.lock().unwrap();
        store(&mut locked, 1);
        locked.commit().unwrap();
        store(&mut locked, 2);
        locked.commit().unwrap();
        let committed = std::fs::read(tmp.path().join(REGISTER)).unwrap();
        assert_eq!(committed.iter().filter(|&&b| b == b'\n').count(), 2);
        store(&mut locked, 3);
        disk.full.store(true, Ordering::SeqCst);
        assert!(matches!(locked.commit(), Err(Error::Io { .. })));
        // Cut back to the end of line 2, not to where the run began.
        assert_eq!(std::fs::read(tmp.path().join(REGISTER)).unwrap(), committed);
    }

    #[test]
    fn a_checkpoint_covers_every_line_committed_before_it() {
        let tmp = tempfile::tempdir().unwrap();
        let archive = Archive::open(tmp.path()).init(true);
        let mut locked = archive.lock().unwrap();
        store(&mut locked, 1);
        locked.commit().unwrap();
        store(&mut locked, 2);
        let first = locked.finish(None).unwrap().expect("a checkpoint");
        store(&mut locked, 3);
        let second = locked.finish(None).unwrap().expect("a checkpoint");
        assert_eq!(locked.finish(None).unwrap(), None, "nothing new to cover");
        drop(locked);
        let hashes = line_hashes(tmp.path());
        assert_eq!(first.head(), Head { lines: 2, hash: Some(hashes[1]) });
        assert_eq!(second.head(), Head { lines: 3, hash: Some(hashes[2]) });
        // The next run goes on from the register's end.
        let mut locked = archive.lock().unwrap();
        store(&mut locked, 4);
        store(&mut locked, 5);
        let third = locked.finish(None).unwrap().expect("a checkpoint");
        assert_eq!(third.head(), Head { lines: 5, hash: Some(line_hashes(tmp.path())[4]) });
        assert_eq!(third.prev, Some(Sha256Sum::of(checkpoint::line(&second).as_bytes())));
    }

    #[test]
    fn a_failed_checkpoint_keeps_the_checkpoints_written_earlier_in_the_same_run() {
        let tmp = tempfile::tempdir().unwrap();
        let disk = Arc::new(FullDisk::default());
        let archive = Archive::with_fs(tmp.path(), disk.clone()).init(true);
        let mut locked = archive.lock().unwrap();
        store(&mut locked, 1);
        locked.finish(None).unwrap();
        store(&mut locked, 2);
        locked.finish(None).unwrap();
        let written = std::fs::read(tmp.path().join(checkpoint::CHECKPOINTS)).unwrap();
        assert_eq!(written.iter().filter(|&&b| b == b'\n').count(), 2);
        store(&mut locked, 3);
        locked.commit().unwrap();
        disk.full.store(true, Ordering::SeqCst);
        assert!(matches!(locked.finish(None), Err(Error::Io { .. })));
        assert_eq!(std::fs::read(tmp.path().join(checkpoint::CHECKPOINTS)).unwrap(), written);
    }

    /// Document files fail as the disk fills; the register and checkpoints are written.
    #[derive(Debug, Default)]
    struct NoRoomForDocuments;

    impl Fs for NoRoomForDocuments {
        fn write(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
            if bytes.starts_with(b"%PDF") {
                return Err(io::Error::from_raw_os_error(28));
            }
            RealFs.write(file, bytes)
        }
    }

    fn pdf(text: &str) -> Output {
        let bytes = format!("%PDF {text}").into_bytes();
        let sha256 = Sha256Sum::of(&bytes);
        Output::new("pdf", bytes, sha256)
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn staged_files_are_stored_as_their_bytes_and_those_never_stored_leave_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let archive = Archive::open(tmp.path()).init(true);
        let mut locked = archive.lock().unwrap();
        let stager = locked.stager();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let mut outputs = [pdf("one"), pdf("two"), Output::new("json", b"{}".to_vec(), Sha256Sum::of(b"{}"))];
        stager.stage(date, &mut outputs).unwrap();
        assert!(outputs.iter().all(|o| matches!(o.content, Content::Unnamed(_))), "each written ahead");
        assert!(!tmp.path().join("2026").read_dir().unwrap().any(|_| true), "nothing named yet");
        locked.put_output("2026/A-1.pdf", 1, &outputs[0]).unwrap();
        locked.put_output("2026/A-1.json", 1, &outputs[2]).unwrap();
        assert_eq!(locked.written, [tmp.path().join("2026/A-1.pdf"), tmp.path().join("2026/A-1.json")], "synced at the next commit");
        drop(outputs); // as a run that fails before storing the second
        let mut names: Vec<_> = tmp.path().join("2026").read_dir().unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["A-1.json", "A-1.pdf"]);
        assert_eq!(std::fs::read(tmp.path().join("2026/A-1.pdf")).unwrap(), b"%PDF one");
        assert_eq!(std::fs::read(tmp.path().join("2026/A-1.json")).unwrap(), b"{}");
        // Each year's folder is opened once, for staging and naming alike.
        let mut next_year = [pdf("three")];
        stager.stage(chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap(), &mut next_year).unwrap();
        stager.stage(date, &mut [pdf("four")]).unwrap();
        assert_eq!(locked.dirs.opened(), ["2026", "2027"], "one folder per year, shared with the lock");
    }

    #[test]
    fn a_document_that_can_not_be_staged_stops_the_run_with_its_folder_named() {
        let tmp = tempfile::tempdir().unwrap();
        let archive = Archive::with_fs(tmp.path(), Arc::new(NoRoomForDocuments)).init(true);
        let locked = archive.lock().unwrap();
        let mut outputs = [pdf("one")];
        let staged = locked.stager().stage(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), &mut outputs);
        if cfg!(target_os = "linux") {
            assert_eq!(staged.unwrap_err().to_string(), format!("{}: No space left on device (os error 28)", tmp.path().join("2026").display()));
        } else {
            // Left for `store` where unnamed files can't be made.
            assert!(staged.is_ok() && matches!(outputs[0].content, Content::Bytes(_)));
        }
    }

    #[test]
    fn documents_are_issued_only_when_committed() {
        let tmp = tempfile::tempdir().unwrap();
        let archive = Archive::open(tmp.path()).init(true);
        let mut locked = archive.lock().unwrap();
        store(&mut locked, 1);
        store(&mut locked, 2);
        // Written, but not registered: a crash now leaves files the next run quarantines.
        assert_eq!(std::fs::read(tmp.path().join("2026/A-1.pdf")).unwrap(), crate::testing::bytes_of(1));
        assert_eq!(Archive::open(tmp.path()).state().unwrap().entries.len(), 0);
        locked.commit().unwrap();
        let state = Archive::open(tmp.path()).state().unwrap();
        let numbers: Vec<String> = state.entries.iter().map(|e| e.number.to_string()).collect();
        assert_eq!(numbers, ["A-1", "A-2"]);
    }

    #[test]
    fn a_missing_archive_is_created_only_when_asked_and_only_in_an_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("archive");
        let archive = Archive::open(&missing);
        assert!(!archive.exists() && !archive.present());
        assert!(matches!(archive.lock(), Err(Error::NoArchive { path }) if path == missing));
        assert!(matches!(archive.verify(&VerifyOptions::default()), Err(Error::NoArchive { path }) if path == missing));
        assert!(!missing.exists());
        // Reading an absent archive finds nothing issued.
        assert_eq!(archive.state().unwrap().entries.len(), 0);
        // A folder with files of its own is no place for a new archive; a lock file left by
        // a run that stopped before writing anything is.
        std::fs::create_dir(&missing).unwrap();
        assert!(archive.present() && !archive.exists());
        std::fs::write(missing.join(LOCK), b"").unwrap();
        std::fs::write(missing.join("notes.txt"), b"mine").unwrap();
        match archive.clone().init(true).lock() {
            Err(Error::Refused(message)) => assert_eq!(
                message,
                format!("{}: holds files but no archive; --init creates an archive only in a new or empty folder", missing.display())
            ),
            other => panic!("expected a refusal, got {:?}", other.map(|mut l| std::mem::take(&mut l.notices))),
        }
        std::fs::remove_file(missing.join("notes.txt")).unwrap();
        drop(archive.clone().init(true).lock().unwrap());
        assert!(archive.exists());
        assert_eq!(crate::testing::names(&missing), [LOCK, checkpoint::CHECKPOINTS]);
    }

    #[test]
    fn a_file_is_read_from_an_archive_only_as_its_register_names_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("archive");
        crate::testing::run(&root, 1..=2);
        let archive = Archive::open(&root);
        assert_eq!(archive.checked_state().unwrap().entries.len(), 2);
        let registered = archive.read_registered("2026/A-2.pdf").unwrap();
        assert_eq!((registered.bytes, registered.entry.number.to_string()), (crate::testing::bytes_of(2), "A-2".to_string()));
        let (bytes, registered) = read_record(&root.join("2026/A-1.pdf")).unwrap();
        assert_eq!((bytes, registered.map(|r| r.entry.number.to_string())), (crate::testing::bytes_of(1), Some("A-1".to_string())));
        std::fs::write(root.join("2026/A-9.pdf"), b"stray").unwrap();
        match archive.read_registered("2026/A-9.pdf") {
            Err(Error::Refused(message)) => assert_eq!(message, format!("2026/A-9.pdf: no register line of the archive {} names it", root.display())),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let canonical = root.canonicalize().unwrap();
        match read_record(&root.join("2026/A-9.pdf")) {
            Err(Error::Refused(message)) => {
                assert_eq!(message, format!("{}: lies in the archive {} but no register line names it", root.join("2026/A-9.pdf").display(), canonical.display()))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Outside any archive a record is just a file.
        std::fs::write(tmp.path().join("A-9.json"), b"{}").unwrap();
        let (bytes, registered) = read_record(&tmp.path().join("A-9.json")).unwrap();
        assert_eq!(bytes, b"{}");
        assert!(registered.is_none());
        // An edited file is refused, read either way.
        std::fs::remove_file(root.join("2026/A-1.pdf")).unwrap();
        std::fs::write(root.join("2026/A-1.pdf"), b"edited").unwrap();
        assert!(matches!(read_record(&root.join("2026/A-1.pdf")), Err(Error::Altered { path }) if path == canonical.join("2026/A-1.pdf")));
        assert!(matches!(archive.read_registered("2026/A-1.pdf"), Err(Error::Altered { path }) if path == root.join("2026/A-1.pdf")));
        // And nothing is read from a register that contradicts its checkpoints.
        let register = std::fs::read_to_string(root.join(REGISTER)).unwrap();
        std::fs::write(root.join(REGISTER), register.lines().next().unwrap().to_string() + "\n").unwrap();
        assert!(matches!(archive.checked_state(), Err(Error::Register { path, line: 1, .. }) if path == root.join(REGISTER)));
        assert!(matches!(archive.read_registered("2026/A-2.pdf"), Err(Error::Register { .. })));
    }

    #[test]
    fn a_record_is_never_read_or_written_through_a_link_inside_the_archive() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("archive");
        crate::testing::run(&root, 1..=2);
        // The year folder moved out of the archive and linked back, a record edited there
        // (a folder without a register: read on its own, it would be a loose file).
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::rename(root.join("2026"), outside.join("2026")).unwrap();
        std::os::unix::fs::symlink(outside.join("2026"), root.join("2026")).unwrap();
        std::fs::remove_file(outside.join("2026/A-1.pdf")).unwrap();
        std::fs::write(outside.join("2026/A-1.pdf"), b"forged").unwrap();
        let record = root.join("2026/A-1.pdf");
        match read_record(&record) {
            Err(e) => assert_eq!(e.to_string(), format!("{}: {} is a symbolic link; the archive never follows links", record.display(), root.join("2026").display())),
            Ok((bytes, _)) => panic!("read through the link: {:?}", String::from_utf8_lossy(&bytes)),
        }
        // Nor is an output folder through it outside the archive.
        let canonical = root.canonicalize().unwrap();
        assert_eq!(enclosing(&root.join("2026/statements")), Some(canonical.clone()));
        assert_eq!(enclosing(&root.join("2026")), Some(canonical));
        // A link to the archive itself is the user's own: read through it as before.
        std::fs::remove_file(root.join("2026")).unwrap();
        std::fs::rename(outside.join("2026"), root.join("2026")).unwrap();
        std::fs::remove_file(root.join("2026/A-1.pdf")).unwrap();
        std::fs::write(root.join("2026/A-1.pdf"), crate::testing::bytes_of(1)).unwrap();
        std::os::unix::fs::symlink(&root, tmp.path().join("mine")).unwrap();
        let (bytes, registered) = read_record(&tmp.path().join("mine/2026/A-1.pdf")).unwrap();
        assert_eq!((bytes, registered.map(|r| r.entry.number.to_string())), (crate::testing::bytes_of(1), Some("A-1".to_string())));
        assert_eq!(enclosing(&tmp.path().join("elsewhere")), None);
    }

    #[test]
    fn an_archive_takes_the_documents_of_its_own_seller_only() {
        let tmp = tempfile::tempdir().unwrap();
        crate::testing::run(tmp.path(), [1]);
        let before = crate::walk::list(tmp.path(), &[]).unwrap().files;
        let archive = Archive::open(tmp.path());
        let mut locked = archive.lock().unwrap();
        match locked.store_company("[seller]\nvat_id = \"FR12345678901\"\n") {
            Err(Error::Refused(message)) => assert_eq!(
                message,
                format!(
                    "{}: this archive belongs to the seller DE123456789, but company.toml is the seller FR12345678901's; nothing was written (one archive per seller: give that seller's --archive)",
                    tmp.path().display()
                )
            ),
            other => panic!("expected another seller refused, got {other:?}"),
        }
        drop(locked);
        assert_eq!(crate::walk::list(tmp.path(), &[]).unwrap().files, before);
    }

    /// The lock-wait notice goes to whoever opened the archive, once, with its name, after
    /// the wait has lasted [`WAIT_NOTICE`]; a lock taken at once tells nobody, and an
    /// archive opened without a notice waits without a word (the library prints nothing).
    #[test]
    fn a_long_wait_for_the_lock_is_told_to_the_notice_once() {
        let tmp = tempfile::tempdir().unwrap();
        crate::testing::run(tmp.path(), [1]);
        let told = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let notice = {
            let told = told.clone();
            move |on: &str| told.lock().unwrap().push(on.to_string())
        };
        let archive = Archive::open(tmp.path()).with_wait_notice(notice);
        drop(archive.lock().unwrap());
        assert!(told.lock().unwrap().is_empty(), "a free lock is taken without a notice");

        let held = std::fs::File::open(tmp.path().join(LOCK)).unwrap();
        held.lock().unwrap();
        let waiting = std::thread::spawn(move || archive.verify(&VerifyOptions::default()).map(|findings| findings.is_empty()));
        std::thread::sleep(WAIT_NOTICE + std::time::Duration::from_millis(500));
        held.unlock().unwrap();
        assert!(matches!(waiting.join().unwrap(), Ok(true)));
        assert_eq!(*told.lock().unwrap(), [tmp.path().display().to_string()]);
    }
}
