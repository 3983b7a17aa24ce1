//! Archives for the crate's unit tests, written through the archive's own writer ([`Locked`])
//! as a run of `issue` writes them, without rendering anything: a seller, one company
//! snapshot, and invoices `A-1`, `A-2`… of one series with one stand-in file each (the
//! series is `A-{year}-{seq}`; the numbers are kept short, as the archive never derives
//! one from the other).
//!
//! What the tests then change on disk (a file replaced, a torn append, a stray file, a
//! checkpoint written by hand) is what a crash or someone with write access leaves.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::checkpoint::{self, Head};
use super::register::{FileEntry, REGISTER, RegisterEntry, RegisteredReference};
use super::{Archive, Fs, Locked};
use domain::document::{DocumentKind, Relation};
use domain::numbering::DocumentNumber;
use domain::sha256::Sha256Sum;

/// The company.toml every test document is issued under.
pub const COMPANY: &str = "[seller]\nvat_id = \"DE123456789\"\n";

/// The bytes of invoice `A-seq`'s one file.
pub fn bytes_of(seq: u64) -> Vec<u8> {
    format!("the PDF of invoice A-{seq}\n").into_bytes()
}

/// Writes invoice `A-seq` (the file `2026/A-seq.pdf`), of 119.00 EUR, issued on the
/// `seq`th of January 2026, and queues its register line.
pub fn store(locked: &mut Locked<'_>, seq: u64) {
    store_document(locked, seq, DocumentKind::Invoice, Decimal::new(11900, 2), &[]);
}

/// A document number.
pub fn number(text: &str) -> DocumentNumber {
    serde_json::from_value(text.into()).unwrap()
}

/// Writes document `A-seq` of `kind` for `total` EUR, crediting `credits`, and queues its
/// register line.
pub fn store_document(locked: &mut Locked<'_>, seq: u64, kind: DocumentKind, total: Decimal, credits: &[&str]) {
    store_full(locked, seq, kind, total, credits, None);
}

/// Writes invoice `A-seq` as [`store`] does, naming the logo `logo`, stored once as
/// `logo/<sha256>` as `Locked::store` stores it.
pub fn store_with_logo(locked: &mut Locked<'_>, seq: u64, logo: &[u8]) {
    let sha256 = Sha256Sum::of(logo);
    if !locked.logos.contains(&sha256) {
        locked.copy_own(&super::register::logo_path(&sha256), logo.to_vec()).unwrap();
        locked.logos.insert(sha256);
    }
    store_full(locked, seq, DocumentKind::Invoice, Decimal::new(11900, 2), &[], Some(sha256));
}

fn store_full(locked: &mut Locked<'_>, seq: u64, kind: DocumentKind, total: Decimal, credits: &[&str], logo: Option<Sha256Sum>) {
    let company = locked.store_company(COMPANY).unwrap();
    let bytes = bytes_of(seq);
    let entry = RegisterEntry {
        number: number(&format!("A-{seq}")),
        kind,
        series: "A-{year}-{seq}".into(),
        year: 2026,
        seq,
        issue_date: NaiveDate::from_ymd_opt(2026, 1, seq as u32).unwrap(),
        currency: "EUR".into(),
        total,
        transactions: vec![format!("t{seq}")],
        fingerprints: Vec::new(),
        references: credits.iter().map(|n| RegisteredReference { number: number(n), relation: Relation::Credits }).collect(),
        overpaid: None,
        due: None,
        company,
        logo,
        files: vec![FileEntry { path: format!("2026/A-{seq}.pdf"), sha256: Sha256Sum::of(&bytes) }],
        prev: locked.state.last_line_hash,
    };
    let text = serde_json::to_string(&entry).unwrap();
    locked.copy_line(text, &entry, vec![bytes]).unwrap();
}

/// One run into the archive at `root` (created if needed) through `fs`: invoices `seqs`,
/// committed and checkpointed.
pub fn run_with(fs: Arc<dyn Fs>, root: &Path, seqs: impl IntoIterator<Item = u64>) {
    let archive = Archive::with_fs(root, fs).init(true);
    let mut locked = archive.lock().unwrap();
    for seq in seqs {
        store(&mut locked, seq);
    }
    locked.finish(None).unwrap();
}

/// [`run_with`] on the real file system.
pub fn run(root: &Path, seqs: impl IntoIterator<Item = u64>) {
    run_with(Arc::new(super::RealFs), root, seqs)
}

/// The register's lines' SHA-256s, in order: the heads a checkpoint may record.
pub fn line_hashes(root: &Path) -> Vec<Sha256Sum> {
    let text = std::fs::read_to_string(root.join(REGISTER)).unwrap();
    text.lines().map(|l| Sha256Sum::of(l.as_bytes())).collect()
}

/// Replaces `checkpoints.jsonl` with a correctly chained checkpoint of each head in
/// `heads` (register line counts), each signed with `key` where given.
pub fn write_checkpoints(root: &Path, heads: &[(usize, Option<&ed25519_dalek::SigningKey>)]) {
    let hashes = line_hashes(root);
    let mut text = String::new();
    let mut prev = None;
    for &(lines, key) in heads {
        let head = Head { lines, hash: lines.checked_sub(1).map(|i| hashes.get(i).copied().unwrap_or(Sha256Sum::of(b"no such line"))) };
        let line = checkpoint::line(&checkpoint::make(head, prev, key));
        prev = Some(Sha256Sum::of(line.as_bytes()));
        text += &line;
        text.push('\n');
    }
    std::fs::write(root.join(checkpoint::CHECKPOINTS), text).unwrap();
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}
