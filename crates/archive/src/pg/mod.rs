//! The archive in a PostgreSQL database (15 or newer): the same register lines, checkpoint
//! lines, company snapshots, seller record and document bytes a folder archive holds, in
//! insert-only tables of the schema `invoicesmith` (see `schema.sql`).
//!
//! What the folder gets from a lock file and `fsync`, the database gets from transactions:
//! a batch of documents, their register lines and their "invoiced" rows are one
//! transaction, so a killed issuer leaves nothing (no torn line, no unregistered file) and
//! the next one simply goes on. Writers take a session-level advisory lock for the whole
//! run (the folder's exclusive lock) and, inside each batch's transaction, the row lock of
//! `invoicesmith.archive` with a check that the register is still where the run left it;
//! the database's own constraints refuse a second document for a transaction, a number
//! taken twice or out of order, and a line that does not follow the chain — whoever writes.
//!
//! Everything read is checked by the same code as the folder's: register lines are parsed
//! and hashed from the text the database returns (`State::add_line`),
//! files against the SHA-256 in the register.
//!
//! `archive copy` into a database writes everything — the schema, every batch, the
//! checkpoints — in one transaction ([`Db::begin_whole`]) and verifies the copy before it
//! commits: a copy killed or failed midway leaves the database as it found it, never a
//! register that looks like an archive but lacks the source's later documents.

mod audit;
mod batch;
mod schema;
mod writer;

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub use batch::Batch;
pub use writer::Writer;
use batch::Refusal;
use postgres::{Client, NoTls};
use schema::Found;

use super::checkpoint::{self, CHECKPOINTS, Checkpoints};
use super::register::{FileEntry, Observer, REGISTER, State};
use super::Store;
use domain::error::{Error, Result};
use domain::sha256::Sha256Sum;

/// Whether `archive` (as given to `--archive`) is a PostgreSQL connection URL.
pub fn is_url(archive: &str) -> bool {
    archive.starts_with("postgres://") || archive.starts_with("postgresql://")
}

/// The advisory lock that stands for the folder archive's `.lock`: held exclusively by a
/// run that writes, shared by `verify`. (An arbitrary constant: "invoic" in ASCII.)
const RUN_LOCK: i64 = 0x696e_766f_6963;

/// One archive database: its connection settings and one connection, opened on first use
/// and kept for the command's lifetime (the advisory lock lives on it).
pub struct Db {
    config: std::result::Result<postgres::Config, String>,
    /// The URL without a password, for messages.
    display: String,
    client: Mutex<Option<Client>>,
    /// The file read, prepared once per connection: `verify` and `export` read every file.
    read_file: Mutex<Option<postgres::Statement>>,
    /// Whether the schema was found to be this version's archive ([`Db::exists`]): checked
    /// once, not before every read.
    known: AtomicBool,
    /// Whether [`Db::begin_whole`]'s transaction is open: then every write goes into it
    /// instead of a transaction of its own, and the run lock is the transaction's.
    whole: AtomicBool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("url", &self.display).finish_non_exhaustive()
    }
}

impl Db {
    /// The database at `url` (libpq style: `postgresql://user@host/db`, a Unix socket with
    /// `?host=/run/postgresql`). Nothing is connected yet.
    pub fn new(url: &str) -> Db {
        let config = postgres::Config::from_str(url)
            .map(|mut c| {
                c.application_name("invoicesmith");
                if c.get_password().is_none()
                    && let Some(password) = password_from_environment(&c)
                {
                    c.password(password);
                }
                c
            })
            .map_err(|e| format!("not a PostgreSQL connection URL: {e}"));
        Db {
            config,
            display: without_password(url),
            client: Mutex::new(None),
            read_file: Mutex::new(None),
            known: AtomicBool::new(false),
            whole: AtomicBool::new(false),
        }
    }

    /// The URL as printed: without its password.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Where `what` (a table, a file's path) is, for messages: `URL#what`.
    pub fn at(&self, what: &str) -> PathBuf {
        PathBuf::from(format!("{}#{what}", self.display))
    }

    pub(super) fn error(&self, e: &postgres::Error) -> Error {
        let message = match e.as_db_error() {
            Some(db) => {
                let mut m = format!("{} (SQLSTATE {})", db.message(), db.code().code());
                if let Some(detail) = db.detail() {
                    m.push_str(&format!(": {detail}"));
                }
                m
            }
            None => match std::error::Error::source(e) {
                Some(source) => format!("{e}: {source}"),
                None => e.to_string(),
            },
        };
        Error::Database { at: self.display.clone(), message }
    }

    /// The connection, opened if this is the first use.
    fn client(&self) -> Result<MutexGuard<'_, Option<Client>>> {
        let mut guard = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let config = self.config.as_ref().map_err(|e| Error::Database { at: self.display.clone(), message: e.clone() })?;
            *guard = Some(config.connect(NoTls).map_err(|e| self.error(&e))?);
        }
        Ok(guard)
    }

    /// Runs `f` on the connection; a database error becomes [`Error::Database`].
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Client) -> std::result::Result<T, postgres::Error>) -> Result<T> {
        let mut guard = self.client()?;
        f(guard.as_mut().expect("connected")).map_err(|e| self.error(&e))
    }

    /// Whether the database holds an archive: no schema `invoicesmith` is none; one that is
    /// not this version's archive (another tool's, an unknown or newer version) is an
    /// error saying what differs, so that nothing reads or writes it as an archive.
    pub fn exists(&self) -> Result<bool> {
        if self.known.load(Ordering::Relaxed) {
            return Ok(true);
        }
        match self.with(schema::found)? {
            Found::Nothing => Ok(false),
            Found::Archive => {
                self.known.store(true, Ordering::Relaxed);
                Ok(true)
            }
            Found::Newer(version) => Err(Error::Database {
                at: self.display.clone(),
                message: format!(
                    "the archive here is of schema version {version}, newer than this build of invoicesmith knows ({}); nothing was read or written: use a newer invoicesmith",
                    schema::VERSION
                ),
            }),
            Found::Foreign(why) => Err(Error::Database {
                at: self.display.clone(),
                message: format!(
                    "the schema invoicesmith here is not an invoicesmith archive of schema version {}: {why}; nothing was read or written (give the database of an invoicesmith archive, or an empty one for a new archive)",
                    schema::VERSION
                ),
            }),
        }
    }

    /// Creates the archive's tables unless the schema exists (`--init`).
    pub fn migrate(&self) -> Result<()> {
        let whole = self.in_whole();
        self.with(|c| schema::migrate(c, whole))
    }

    /// Begins the one transaction an `archive copy` writes in: until [`Whole::commit`],
    /// nothing written is seen by anyone else, and a copy that stops (killed, failed, or
    /// dropping the guard) leaves nothing.
    pub fn begin_whole(self: &Arc<Db>) -> Result<Whole> {
        self.with(|c| c.batch_execute("BEGIN"))?;
        self.whole.store(true, Ordering::Relaxed);
        Ok(Whole { db: self.clone(), open: true })
    }

    fn in_whole(&self) -> bool {
        self.whole.load(Ordering::Relaxed)
    }

    /// Takes the run lock, exclusive (a writing run) or shared (`verify`), waiting for
    /// whoever holds it (telling `notice` once after two seconds); released when the
    /// returned guard is dropped or the connection ends (a killed process). Inside [`Db::begin_whole`]'s transaction it is the
    /// transaction's, held until it ends: a session's lock could not be let go once a failed
    /// statement has aborted the transaction.
    pub fn lock(self: &Arc<Db>, exclusive: bool, notice: Option<&super::WaitNotice>) -> Result<Lock> {
        let whole = self.in_whole();
        let sql = match (whole, exclusive) {
            (false, true) => "SELECT pg_advisory_lock($1)",
            (false, false) => "SELECT pg_advisory_lock_shared($1)",
            (true, true) => "SELECT pg_advisory_xact_lock($1)",
            (true, false) => "SELECT pg_advisory_xact_lock_shared($1)",
        };
        super::waiting_for(&self.display, notice, || self.with(|c| c.execute(sql, &[&RUN_LOCK])))?;
        Ok(Lock { db: self.clone(), exclusive, transaction: whole })
    }

    /// Reads the register, line by line as the database returns them, into a state whose
    /// files are read from `store`.
    pub fn read_register(&self, store: Store, observer: &mut dyn Observer) -> Result<State> {
        let path = self.at(REGISTER);
        let mut state = State::empty(store);
        let mut failed = None;
        // Audited (`verify`): the columns the constraints work from, read with the text.
        let audits = observer.audits();
        let sql = if audits { audit::REGISTER_COLUMNS } else { "SELECT text FROM invoicesmith.register ORDER BY line" };
        let mut before = 0;
        self.with(|c| {
            let mut rows = c.query_raw(sql, std::iter::empty::<&str>())?;
            while let Some(row) = postgres::fallible_iterator::FallibleIterator::next(&mut rows)? {
                if let Err(e) = state.add_line(row.get::<_, &str>(0).as_bytes(), &path, observer) {
                    failed = Some(e);
                    break;
                }
                if audits {
                    let (entry, hash) = (state.entries.last().expect("just added"), state.last_line_hash.as_ref().expect("just added"));
                    for finding in audit::register_row(&row, entry, hash, before) {
                        observer.differs(finding);
                    }
                    before = row.get(1);
                }
            }
            Ok(())
        })?;
        match failed {
            Some(e) => Err(e),
            None => Ok(state),
        }
    }

    /// The register's lines as stored, in order (for `archive copy`).
    pub fn register_texts(&self) -> Result<Vec<String>> {
        self.with(|c| c.query("SELECT text FROM invoicesmith.register ORDER BY line", &[]))
            .map(|rows| rows.iter().map(|r| r.get(0)).collect())
    }

    /// The checkpoint lines as stored, in order.
    pub fn checkpoint_texts(&self) -> Result<Vec<String>> {
        self.with(|c| c.query("SELECT text FROM invoicesmith.checkpoints ORDER BY n", &[]))
            .map(|rows| rows.iter().map(|r| r.get(0)).collect())
    }

    /// The checkpoints, parsed by the folder's reader from their lines.
    pub fn read_checkpoints(&self) -> Result<Checkpoints> {
        let mut bytes = Vec::new();
        for text in self.checkpoint_texts()? {
            bytes.extend_from_slice(text.as_bytes());
            bytes.push(b'\n');
        }
        checkpoint::parse(&bytes, true, &self.at(CHECKPOINTS))
    }

    /// The bytes stored as `rel`, if any.
    pub fn read(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        let mut statement = self.read_file.lock().unwrap_or_else(|p| p.into_inner());
        self.with(|c| {
            let read = match &*statement {
                Some(s) => s.clone(),
                None => statement.insert(c.prepare("SELECT bytes FROM invoicesmith.files WHERE path = $1")?).clone(),
            };
            c.query_opt(&read, &[&rel])
        })
        .map(|row| row.map(|r| r.get(0)))
    }

    /// The file `rel` checked against `sha256`: [`Error::Altered`] if it differs, a
    /// not-found [`Error::Io`] if it is missing (as a folder's read says).
    pub fn read_verified(&self, rel: &str, sha256: &Sha256Sum) -> Result<Vec<u8>> {
        let bytes = self.read(rel)?;
        self.checked(rel, sha256, bytes)
    }

    /// [`Db::read_verified`] of each of `files`, in order, with one query; a failed query
    /// fails every read.
    pub fn read_many<'f>(&self, files: impl Iterator<Item = &'f FileEntry>) -> Vec<Result<Vec<u8>>> {
        let files: Vec<&FileEntry> = files.collect();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let rows = self.with(|c| c.query("SELECT path, bytes FROM invoicesmith.files WHERE path = ANY($1)", &[&paths]));
        match rows {
            Ok(rows) => {
                let mut found: HashMap<String, Vec<u8>> = rows.into_iter().map(|r| (r.get(0), r.get(1))).collect();
                files.iter().map(|f| self.checked(&f.path, &f.sha256, found.remove(&f.path))).collect()
            }
            Err(e) => {
                let message = e.to_string();
                files.iter().map(|_| Err(Error::Database { at: self.display.clone(), message: message.clone() })).collect()
            }
        }
    }

    /// The bytes read as `rel`, if any, checked against `sha256`.
    fn checked(&self, rel: &str, sha256: &Sha256Sum, bytes: Option<Vec<u8>>) -> Result<Vec<u8>> {
        let at = self.at(rel);
        let Some(bytes) = bytes else {
            return Err(Error::io(at, std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the archive's database")));
        };
        if Sha256Sum::of(&bytes) != *sha256 {
            return Err(Error::Altered { path: at });
        }
        Ok(bytes)
    }

    /// `verify`'s findings in the rows of `invoicesmith.invoiced` and `invoicesmith.files`
    /// against the register `state` was read from (see `audit`): one query each.
    pub fn audit(&self, state: &State) -> Result<Vec<String>> {
        let mut findings = self.with(|c| audit::invoiced(c, state))?;
        findings.extend(self.with(|c| audit::files(c, state))?);
        Ok(findings)
    }

    /// Commits `batch` in one transaction, if the register still has `lines` lines and no
    /// file it holds is stored with other bytes ([`Error::WouldOverwrite`], naming it).
    pub fn commit(&self, batch: &Batch, lines: usize) -> Result<()> {
        let whole = self.in_whole();
        let committed = {
            let mut guard = self.client()?;
            batch.commit(guard.as_mut().expect("connected"), lines, whole).map_err(|e| self.commit_error(batch, &e))
        };
        match committed? {
            Ok(()) => Ok(()),
            Err(Refusal::Moved(found)) => Err(self.moved(REGISTER, lines, found)),
            Err(Refusal::Differs(path)) => Err(Error::WouldOverwrite { path: self.at(&path) }),
        }
    }

    /// The error a batch's commit failed with: a row of `invoicesmith.invoiced` already
    /// taking one of its transactions (which the register the run read does not list: a
    /// row written behind the application's back) named as such, any other as it is.
    fn commit_error(&self, batch: &Batch, e: &postgres::Error) -> Error {
        let Some(db) = e.as_db_error().filter(|db| db.code() == &postgres::error::SqlState::UNIQUE_VIOLATION && db.constraint() == Some("invoiced_once")) else {
            return self.error(e);
        };
        let which = match batch.transaction_in(db.detail().unwrap_or_default()) {
            Some((kind, transaction)) => format!("the {kind} of transaction {transaction}"),
            None => format!("a document of this batch ({})", db.detail().unwrap_or(db.message())),
        };
        Error::Database {
            at: self.display.clone(),
            message: format!(
                "{which} was refused: invoicesmith.invoiced already has a row for it, which no register line accounts for (written behind the application's back); nothing of this batch was written; run `invoicesmith verify --archive '{}'` to find such rows",
                self.display
            ),
        }
    }

    /// Appends checkpoint line `n` (1-based) with `text`, if it is the next.
    pub fn append_checkpoint(&self, n: usize, text: &str) -> Result<()> {
        let whole = self.in_whole();
        self.with(|c| batch::append_checkpoint(c, n, text, whole))?.map_err(|found| self.moved(CHECKPOINTS, n - 1, found))
    }

    fn moved(&self, what: &str, expected: usize, found: i64) -> Error {
        Error::Database {
            at: self.display.clone(),
            message: format!(
                "{what} has {found} line(s) where this run expected {expected}: another run wrote without holding the archive's lock; nothing of this batch was written"
            ),
        }
    }
}

/// The one transaction of an `archive copy` into a database (see [`Db::begin_whole`]):
/// rolled back when dropped uncommitted.
pub struct Whole {
    db: Arc<Db>,
    open: bool,
}

impl std::fmt::Debug for Whole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Whole").field("open", &self.open).finish()
    }
}

impl Whole {
    /// Commits everything written since [`Db::begin_whole`]. A transaction a failed
    /// statement aborted would answer `COMMIT` with a silent rollback, so it is asked a
    /// question first, which such a transaction refuses.
    pub fn commit(mut self) -> Result<()> {
        self.db.with(|c| c.batch_execute("SELECT 1"))?;
        self.db.with(|c| c.batch_execute("COMMIT"))?;
        self.open = false;
        self.db.whole.store(false, Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for Whole {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        // A failure here means the connection is gone, and the transaction with it.
        let _ = self.db.with(|c| c.batch_execute("ROLLBACK"));
        self.db.whole.store(false, Ordering::Relaxed);
        // What was found or prepared inside the transaction is gone with it.
        self.db.known.store(false, Ordering::Relaxed);
        *self.db.read_file.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// The run lock on a database (see [`Db::lock`]).
pub struct Lock {
    db: Arc<Db>,
    exclusive: bool,
    /// Held by [`Db::begin_whole`]'s transaction, which lets it go when it ends.
    transaction: bool,
}

impl std::fmt::Debug for Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lock").field("exclusive", &self.exclusive).finish()
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.transaction {
            return;
        }
        let sql = if self.exclusive { "SELECT pg_advisory_unlock($1)" } else { "SELECT pg_advisory_unlock_shared($1)" };
        // A failure here means the connection is gone, and the lock with it.
        let _ = self.db.with(|c| c.execute(sql, &[&RUN_LOCK]));
    }
}

/// A password for `config` (which names none) as libpq finds one, so that none need be written
/// in a URL (seen by `ps`) or in company.toml (archived for good): `PGPASSWORD`, else the
/// first matching line of the password file (`PGPASSFILE`, else `~/.pgpass`).
fn password_from_environment(config: &postgres::Config) -> Option<String> {
    if let Some(password) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        return Some(password);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".pgpass")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        // A Unix socket is "localhost" to the password file, as to libpq.
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().map(str::to_string).or_else(|| std::env::var("USER").ok()).unwrap_or_default();
    let database = config.get_dbname().map_or_else(|| user.clone(), str::to_string);
    pgpass_lookup(&text, [&host, &port, &database, &user])
}

/// The password of the first line of a password file's `text` (`host:port:database:user:
/// password`, `*` matching anything, `\:` and `\\` escaped) that matches `wanted`.
fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty()) {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() == 5 && fields[..4].iter().zip(wanted).all(|(f, w)| f == "*" || f == w) {
            return Some(fields.pop().expect("five fields"));
        }
    }
    None
}

/// `url` without a password (in the authority or as a `password=` parameter).
///
/// Read as the driver reads it: the user information runs to the first `@` after the scheme
/// (a password may hold `/`, `?`, `:` or `&` unencoded, and the driver connects with it), the
/// user is its part before the first `:`.
fn without_password(url: &str) -> String {
    let (head, rest) = match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((info, after)) => (format!("{scheme}://{}@", info.split_once(':').map_or(info, |(user, _)| user)), after),
            None => (format!("{scheme}://"), rest),
        },
        None => (String::new(), url),
    };
    let (base, query) = rest.split_once('?').map_or((rest, None), |(b, q)| (b, Some(q)));
    let mut out = format!("{head}{base}");
    if let Some(query) = query {
        let kept: Vec<&str> = query.split('&').filter(|kv| !kv.starts_with("password=")).collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_its_password() {
        assert_eq!(without_password("postgresql://app:s3cret@db.example/inv?sslmode=disable"), "postgresql://app@db.example/inv?sslmode=disable");
        assert_eq!(without_password("postgres:///inv?host=/tmp/pg&password=x&user=app"), "postgres:///inv?host=/tmp/pg&user=app");
        assert_eq!(without_password("postgresql://app@/inv?host=/tmp/pg"), "postgresql://app@/inv?host=/tmp/pg");
        // Unencoded, which the driver accepts: the password ends at the first '@'.
        assert_eq!(without_password("postgresql://app3:top/secret@127.0.0.1:55432/p1"), "postgresql://app3@127.0.0.1:55432/p1");
        assert_eq!(without_password("postgresql://app4:pa?ss@127.0.0.1:55432/a1?sslmode=disable"), "postgresql://app4@127.0.0.1:55432/a1?sslmode=disable");
        assert_eq!(without_password("postgresql://app:a:b&c@db/inv"), "postgresql://app@db/inv");
        assert_eq!(without_password("postgresql://db.example/inv"), "postgresql://db.example/inv");
        assert!(is_url("postgres://x") && is_url("postgresql://x") && !is_url("archive") && !is_url("/srv/postgres"));
    }

    #[test]
    fn a_password_file_gives_the_first_matching_lines_password() {
        let text = "# comment\ndb.example:5432:books:app:s3cret\n*:*:other:*:any\nlocalhost:55432:*:app:with\\:colon\\\\\n";
        assert_eq!(pgpass_lookup(text, ["db.example", "5432", "books", "app"]).as_deref(), Some("s3cret"));
        assert_eq!(pgpass_lookup(text, ["db.example", "5432", "other", "bob"]).as_deref(), Some("any"));
        assert_eq!(pgpass_lookup(text, ["localhost", "55432", "inv", "app"]).as_deref(), Some("with:colon\\"));
        assert_eq!(pgpass_lookup(text, ["db.example", "5433", "books", "app"]), None);
    }
}
