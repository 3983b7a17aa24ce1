//! A batch of register lines and files, written to the database in one transaction: the
//! row lock of `invoicesmith.archive`, a check that the register is where the run left it,
//! then the lines, the "invoiced" rows and the files, each with one binary `COPY`. (Inside
//! an `archive copy`'s one transaction, [`super::Db::begin_whole`], the same statements run
//! in that transaction instead.)
//!
//! The documents' bytes are copied into one buffer, reserved once for a full batch and used
//! again by the batch after next ([`Batch::clear`]): a run holds two such buffers (the batch
//! being stored, the one being committed) whatever its length, where the rendered files
//! kept one by one held a third more in allocation slack and scattered pages.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient};

use crate::register::RegisterEntry;
use domain::document::Relation;
use domain::sha256::Sha256Sum;

/// The documents' bytes at which a batch is full and commits on its own: about fifty
/// documents, so memory stays flat whatever the caller's commit interval.
const FULL: usize = 2 << 20;

/// Room for the document that makes a batch full, so that it rarely has to grow.
const SLACK: usize = 512 << 10;

/// What the next commit writes.
#[derive(Default)]
pub struct Batch {
    lines: Vec<Line>,
    files: Vec<File>,
    /// The files' bytes, one after the other.
    data: Vec<u8>,
    /// Company snapshots, logos and the seller record: written unless stored already.
    own: Vec<Own>,
}

/// Why a batch was not written (nothing of it was).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The register has this many lines, not the number the run expected.
    Moved(i64),
    /// A file no register line names is stored at this path with other bytes.
    Differs(String),
}

struct Line {
    line: i64,
    number: String,
    kind: String,
    series: String,
    year: i32,
    seq: i64,
    prev: Option<Sha256Sum>,
    hash: Sha256Sum,
    text: String,
    transactions: Vec<String>,
    /// A cancelling credit note or a replacement invoice: names transactions again.
    correction: bool,
}

/// A document file: its bytes are `data[start..end]`.
struct File {
    path: String,
    line: i64,
    start: usize,
    end: usize,
}

struct Own {
    path: String,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("lines", &self.lines.len()).field("files", &self.files.len()).finish()
    }
}

impl Batch {
    /// Register lines queued.
    pub fn lines(&self) -> usize {
        self.lines.len()
    }

    /// Whether the documents' bytes queued make a full batch, to be committed now.
    pub fn is_full(&self) -> bool {
        self.data.len() >= FULL
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.files.is_empty() && self.own.is_empty()
    }

    /// Empties the batch, keeping its buffers for the next one.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.files.clear();
        self.data.clear();
        self.own.clear();
    }

    /// Queues register line `line` (1-based): `entry`, written as `text`, hashing to `hash`.
    pub fn line(&mut self, line: usize, entry: &RegisterEntry, text: String, hash: Sha256Sum) {
        self.lines.push(Line {
            line: line as i64,
            number: entry.number.to_string(),
            kind: entry.kind.code().to_string(),
            series: entry.series.clone(),
            year: entry.year,
            seq: entry.seq as i64,
            prev: entry.prev,
            hash,
            text,
            transactions: entry.transactions.clone(),
            correction: is_correction(entry),
        });
    }

    /// The (kind, transaction) of this batch that a duplicate-key error's `detail` names
    /// (`Key (kind, transaction_id)=(invoice, ch_1001) already exists.`), if any.
    pub(super) fn transaction_in(&self, detail: &str) -> Option<(&str, &str)> {
        self.lines
            .iter()
            .flat_map(|l| l.transactions.iter().map(move |t| (l.kind.as_str(), t.as_str())))
            .find(|(kind, t)| detail.contains(&format!("=({kind}, {t})")))
    }

    /// Queues a document file of register line `line`: a copy of `bytes`.
    pub fn file(&mut self, path: String, line: usize, bytes: &[u8]) {
        if self.data.capacity() == 0 {
            self.data.reserve_exact(FULL + SLACK);
        }
        if self.data.capacity() - self.data.len() < bytes.len() {
            // Exact: doubling a full batch's buffer would hold twice what it needs.
            self.data.reserve_exact(bytes.len());
        }
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        self.files.push(File { path, line: line as i64, start, end: self.data.len() });
    }

    /// Queues a file no line names (a company snapshot, a logo, the seller record), kept as
    /// it is if the path is stored already with the same bytes: each is written once and
    /// named by what it holds (see `write_own`).
    pub fn own(&mut self, path: String, bytes: Vec<u8>) {
        self.own.push(Own { path, bytes });
    }

    /// Writes the batch in one transaction if the register has `expected` lines and no file
    /// it holds is stored with other bytes; else nothing, and `Ok(Err(why))`. `whole`: inside
    /// the transaction open on `c` (an `archive copy`'s), which its caller then ends.
    pub(super) fn commit(&self, c: &mut Client, expected: usize, whole: bool) -> Result<Result<(), Refusal>, postgres::Error> {
        if whole {
            return self.write(c, expected);
        }
        let mut tx = c.transaction()?;
        let written = self.write(&mut tx, expected)?;
        if written.is_ok() {
            tx.commit()?;
        }
        Ok(written)
    }

    /// The statements of [`Batch::commit`], in the transaction open on `c`.
    fn write(&self, c: &mut impl GenericClient, expected: usize) -> Result<Result<(), Refusal>, postgres::Error> {
        c.execute("SELECT id FROM invoicesmith.archive FOR UPDATE", &[])?;
        let found: i64 = c.query_one("SELECT coalesce(max(line), 0) FROM invoicesmith.register", &[])?.get(0);
        if found != expected as i64 {
            return Ok(Err(Refusal::Moved(found)));
        }
        for f in &self.own {
            if !write_own(c, f)? {
                return Ok(Err(Refusal::Differs(f.path.clone())));
            }
        }
        let types = [Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT, Type::INT4, Type::INT8, Type::BYTEA, Type::BYTEA, Type::TEXT];
        let sink = c.copy_in("COPY invoicesmith.register (line, number, kind, series, year, seq, prev, hash, text) FROM STDIN (FORMAT binary)")?;
        let mut w = BinaryCopyInWriter::new(sink, &types);
        for l in &self.lines {
            let prev = l.prev.as_ref().map(|p| &p.as_bytes()[..]);
            let hash = &l.hash.as_bytes()[..];
            let row: [&(dyn ToSql + Sync); 9] = [&l.line, &l.number, &l.kind, &l.series, &l.year, &l.seq, &prev, &hash, &l.text];
            w.write(&row)?;
        }
        w.finish()?;
        let sink = c.copy_in("COPY invoicesmith.invoiced (kind, transaction_id, line, correction) FROM STDIN (FORMAT binary)")?;
        let mut w = BinaryCopyInWriter::new(sink, &[Type::TEXT, Type::TEXT, Type::INT8, Type::BOOL]);
        for l in &self.lines {
            for t in &l.transactions {
                w.write(&[&l.kind, t, &l.line, &l.correction])?;
            }
        }
        w.finish()?;
        let sink = c.copy_in("COPY invoicesmith.files (path, line, bytes) FROM STDIN (FORMAT binary)")?;
        let mut w = BinaryCopyInWriter::new(sink, &[Type::TEXT, Type::INT8, Type::BYTEA]);
        for f in &self.files {
            w.write(&[&f.path, &f.line, &&self.data[f.start..f.end]])?;
        }
        w.finish()?;
        Ok(Ok(()))
    }
}

/// Whether `entry` names its transactions again (a cancelling credit note, a replacement
/// invoice): its "invoiced" rows are corrections, which the database's `invoiced_once`
/// leaves out.
pub(crate) fn is_correction(entry: &RegisterEntry) -> bool {
    entry.references.iter().any(|r| matches!(r.relation, Relation::Cancels | Relation::Replaces))
}

/// Stores `f` unless its path is stored already; whether what is stored there now is `f`'s
/// bytes. A folder's write-once accepts an existing name only with the same bytes, and so
/// must this: these paths are named by their SHA-256 (or, for `seller.json`, written once),
/// so other bytes there are a row someone wrote by hand or another tool's, and taking the
/// path as stored would issue documents whose snapshot or logo never verifies. Compared by
/// the server, so the bytes stored are not sent back.
fn write_own(c: &mut impl GenericClient, f: &Own) -> Result<bool, postgres::Error> {
    let inserted = c.execute("INSERT INTO invoicesmith.files (path, line, bytes) VALUES ($1, NULL, $2) ON CONFLICT (path) DO NOTHING", &[&f.path, &f.bytes])?;
    if inserted == 1 {
        return Ok(true);
    }
    c.query_one("SELECT bytes = $2 FROM invoicesmith.files WHERE path = $1", &[&f.path, &f.bytes]).map(|r| r.get(0))
}

/// Appends checkpoint `n` (1-based) if the checkpoints have `n - 1` lines; else nothing, and
/// `Ok(Err(lines found))`. `whole`: as for [`Batch::commit`].
pub(super) fn append_checkpoint(c: &mut Client, n: usize, text: &str, whole: bool) -> Result<Result<(), i64>, postgres::Error> {
    if whole {
        return insert_checkpoint(c, n, text);
    }
    let mut tx = c.transaction()?;
    let appended = insert_checkpoint(&mut tx, n, text)?;
    if appended.is_ok() {
        tx.commit()?;
    }
    Ok(appended)
}

fn insert_checkpoint(c: &mut impl GenericClient, n: usize, text: &str) -> Result<Result<(), i64>, postgres::Error> {
    c.execute("SELECT id FROM invoicesmith.archive FOR UPDATE", &[])?;
    let found: i64 = c.query_one("SELECT coalesce(max(n), 0) FROM invoicesmith.checkpoints", &[])?.get(0);
    if found != n as i64 - 1 {
        return Ok(Err(found));
    }
    let hash = Sha256Sum::of(text.as_bytes());
    c.execute("INSERT INTO invoicesmith.checkpoints (n, hash, text) VALUES ($1, $2, $3)", &[&(n as i64), &&hash.as_bytes()[..], &text])?;
    Ok(Ok(()))
}
