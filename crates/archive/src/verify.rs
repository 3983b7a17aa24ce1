//! `verify`: the archive checked as an auditor would, reading nothing but the archive (and
//! what the caller pins from outside: a head, a public key).
//!
//! Findings: every registered file, company snapshot and logo against its SHA-256 (a link where
//! a file should be counts as changed), files and links nobody registered, the register's
//! hash chain, gap-free numbers per series and year, references to real invoices, credits
//! never above an invoice's total, the checkpoints' own chain, the register against every
//! checkpoint (cut, rewritten or extended behind one's back), their signatures, and the
//! head given with `--expect-head`.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::VerifyingKey;

use super::checkpoint::{CHECKPOINTS, Head};
use super::housekeeping::is_own;
use super::Archive;
use super::register::{Observer, REGISTER, RegisterEntry, company_path, logo_path};
use domain::document::DocumentKind;
use domain::error::{Error, Result};
use domain::history::History;
use domain::sha256::Sha256Sum;

/// What `verify` is told from outside the archive.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// A head recorded earlier (`N:HASH`): the register must still have it at line N.
    pub expect_head: Option<Head>,
    /// The key checkpoints must be signed with. Without it, the public key of the company
    /// snapshot the last document was issued under is used, which catches edits by someone
    /// without the key but not a rewrite of the whole archive, snapshot included.
    pub public_key: Option<VerifyingKey>,
}

/// The register read for `verify`: chain breaks as findings, every line's SHA-256 kept
/// (32 bytes a line) to check the checkpoints against.
struct Audit<'a> {
    findings: &'a mut Vec<String>,
    hashes: Vec<Sha256Sum>,
}

impl Observer for Audit<'_> {
    fn chain_broken(&mut self, line: usize, entry: &RegisterEntry) {
        self.findings.push(format!(
            "{REGISTER}:{line}: {} does not follow the line before it (hash chain broken: a line was edited, removed or inserted)",
            entry.number
        ));
    }
    fn line(&mut self, _: usize, hash: &Sha256Sum) {
        self.hashes.push(*hash);
    }
    fn audits(&self) -> bool {
        true
    }
    fn differs(&mut self, finding: String) {
        self.findings.push(finding);
    }
}

pub(super) fn verify(archive: &Archive, options: &VerifyOptions) -> Result<Vec<String>> {
    let mut findings = Vec::new();
    let mut audit = Audit { findings: &mut findings, hashes: Vec::new() };
    let state = archive.read_register(&mut audit);
    let hashes = std::mem::take(&mut audit.hashes);
    let state = match state {
        Ok(s) => s,
        Err(e) => {
            findings.push(e.to_string());
            return Ok(findings);
        }
    };
    if let Some(torn) = &state.torn {
        findings.push(format!(
            "{REGISTER}: {} byte(s) after its last complete line: a write that never finished (the next `issue` or `invoicesmith recover` keeps them under recovered/ and cuts them off)",
            torn.len()
        ));
    }
    let mut registered = BTreeSet::new();
    let mut next_seq: BTreeMap<(String, i32), u64> = BTreeMap::new();
    let (mut companies, mut logos) = (BTreeMap::new(), BTreeMap::new());
    let store = archive.store();
    // Read a group of documents' files at a time: one query per group from a database.
    for group in state.entries.chunks(READ_GROUP) {
        let mut read = store.read_many(group.iter().flat_map(|e| &e.files)).into_iter();
        for entry in group {
            for file in &entry.files {
                registered.insert(file.path.clone());
                report_file(read.next().expect("one read per file"), &file.path, &entry.number.to_string(), &mut findings);
            }
            companies.entry(entry.company).or_insert_with(|| entry.number.to_string());
            if let Some(logo) = entry.logo {
                logos.entry(logo).or_insert_with(|| entry.number.to_string());
            }
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
    }
    let seller = match super::seller::read(archive) {
        Ok(s) => s,
        Err(e) => {
            findings.push(e.to_string());
            None
        }
    };
    if seller.is_none() && !state.entries.is_empty() {
        findings.push(format!("{}: missing; the archive does not say which seller it belongs to", super::seller::SELLER));
    }
    for (sha, first) in &companies {
        let path = company_path(sha);
        let owner = format!("the company snapshot of {first}");
        if let Some(bytes) = check_file(archive, &path, sha, &owner, &mut findings)
            && let Some(seller) = &seller
            && let Some(vat_id) = std::str::from_utf8(&bytes).ok().and_then(super::seller::vat_id_of)
            && vat_id != seller.vat_id
        {
            findings.push(format!("{}: names the seller {}, but {first} was issued by {vat_id} ({path})", super::seller::SELLER, seller.vat_id));
        }
        registered.insert(path);
    }
    for (sha, first) in &logos {
        let path = logo_path(sha);
        check_file(archive, &path, sha, &format!("the logo of {first}"), &mut findings);
        registered.insert(path);
    }
    for entry in state.entries.iter().filter(|e| e.kind == DocumentKind::Invoice) {
        let credited = domain::history::credited(&state.referrers(&entry.number));
        if credited > entry.total {
            findings.push(format!("{}: credited {credited} {}, more than its total {}", entry.number, entry.currency, entry.total));
        }
    }
    let public_key = match options.public_key {
        Some(k) => Some(k),
        None => state.entries.last().and_then(|last| state.company_text(last).ok()).and_then(|text| {
            super::config::parse(&text, &mut Vec::new()).public_key
        }),
    };
    check_checkpoints(archive, &hashes, public_key.as_ref(), &mut findings)?;
    if let Some(head) = &options.expect_head {
        let found = head.lines.checked_sub(1).and_then(|i| hashes.get(i)).copied();
        if head.lines > hashes.len() {
            findings.push(format!("{REGISTER}: has {} line(s), fewer than the {} of the expected head {head}: history was cut", hashes.len(), head.lines));
        } else if found != head.hash {
            findings.push(format!("{REGISTER}: line {} is not the expected head {head}: history was rewritten", head.lines));
        }
    }
    if let Some(db) = &archive.db {
        // A database holds no links, and none of a folder's own files but seller.json.
        findings.extend(db.audit(&state)?);
        return Ok(findings);
    }
    let listing = archive.listing()?;
    for link in &listing.links {
        findings.push(format!("{link}: a symbolic link; the archive holds none (never followed)"));
    }
    for other in &listing.others {
        findings.push(format!("{other}: not a regular file"));
    }
    for path in listing.files {
        if !is_own(&path) && !registered.contains(&path) {
            findings.push(format!("{path}: not in the register (not issued by invoicesmith, or its register line is missing)"));
        }
    }
    Ok(findings)
}

/// Checks one registered file against its SHA-256, through the same read every command
/// uses; its bytes if they match.
fn check_file(archive: &Archive, rel: &str, sha256: &Sha256Sum, owner: &str, findings: &mut Vec<String>) -> Option<Vec<u8>> {
    report_file(archive.store().read_verified(rel, sha256), rel, owner, findings)
}

/// Register lines whose files are read at once.
const READ_GROUP: usize = 128;

/// A finding for the file `rel` of `owner` if its read failed; its bytes if not.
fn report_file(read: Result<Vec<u8>>, rel: &str, owner: &str, findings: &mut Vec<String>) -> Option<Vec<u8>> {
    match read {
        Ok(bytes) => return Some(bytes),
        Err(Error::Altered { .. }) => findings.push(format!("{rel}: changed since {owner} was issued (SHA-256 differs from the register)")),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            findings.push(format!("{rel}: missing ({owner} lists it)"))
        }
        Err(Error::Io { source, .. }) if is_link_error(&source) => {
            findings.push(format!("{rel}: a symbolic link where {owner}'s file should be (never followed)"))
        }
        Err(e) => findings.push(format!("{rel}: {e} ({owner})")),
    }
    None
}

fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return true;
    }
    e.to_string().contains("symbolic link")
}

/// The checkpoints against their own chain, the register's line hashes and the key.
fn check_checkpoints(archive: &Archive, hashes: &[Sha256Sum], key: Option<&VerifyingKey>, findings: &mut Vec<String>) -> Result<()> {
    let checkpoints = match archive.read_checkpoints() {
        Ok(c) => c,
        Err(e) => {
            findings.push(e.to_string());
            return Ok(());
        }
    };
    if let Some(torn) = &checkpoints.torn {
        findings.push(format!("{CHECKPOINTS}: {} byte(s) after its last complete line: a write that never finished", torn.len()));
    }
    for line in &checkpoints.chain_broken {
        findings.push(format!("{CHECKPOINTS}:{line}: does not follow the line before it (a checkpoint was edited, removed or inserted)"));
    }
    let mut covered = 0;
    let mut signed_before = false;
    for (i, (c, _)) in checkpoints.list.iter().enumerate() {
        let at = format!("{CHECKPOINTS}:{}", i + 1);
        if c.lines < covered {
            findings.push(format!("{at}: covers {} register line(s), fewer than the checkpoint before it ({covered})", c.lines));
        }
        covered = covered.max(c.lines);
        if c.lines > hashes.len() {
            findings.push(format!("{REGISTER}: has {} line(s), but {at} covers {}: history after it was cut", hashes.len(), c.lines));
        } else if c.lines.checked_sub(1).and_then(|l| hashes.get(l)).copied() != c.head {
            findings.push(format!("{REGISTER}: line {} is not the head {at} recorded ({}): history before it was rewritten", c.lines, c.head()));
        }
        match key.map(|k| c.signed_by(k)) {
            Some(Ok(true)) => signed_before = true,
            Some(Ok(false)) if signed_before => findings.push(format!("{at}: unsigned, after signed checkpoints")),
            Some(Err(e)) => findings.push(format!("{at}: {e}")),
            _ => {}
        }
    }
    if hashes.len() > covered {
        findings.push(format!(
            "{REGISTER}: lines {}–{} are covered by no checkpoint (a run stopped before its checkpoint, or the register or checkpoints.jsonl was changed behind its back: first compare with a head kept outside the archive, `invoicesmith verify --expect-head LINES:SHA256` with the head `issue` printed or an export's register-head.txt; only if it matches, `invoicesmith recover` checkpoints them)",
            covered + 1,
            hashes.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::testing::{run, write_checkpoints};

    fn verify(root: &std::path::Path, options: &VerifyOptions) -> Vec<String> {
        Archive::open(root).verify(options).unwrap()
    }

    fn findings(root: &std::path::Path) -> Vec<String> {
        verify(root, &VerifyOptions::default())
    }

    const UNCOVERED: &str = "are covered by no checkpoint (a run stopped before its checkpoint, or the register or checkpoints.jsonl was changed behind its back: first compare with a head kept outside the archive, `invoicesmith verify --expect-head LINES:SHA256` with the head `issue` printed or an export's register-head.txt; only if it matches, `invoicesmith recover` checkpoints them)";

    #[test]
    fn an_archive_as_written_has_no_findings() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=2);
        run(tmp.path(), [3]);
        assert_eq!(findings(tmp.path()), Vec::<String>::new());
        // A new archive nothing was issued into has no seller record yet, and needs none.
        let empty = tmp.path().join("empty");
        run(&empty, []);
        assert!(!empty.join(crate::seller::SELLER).exists());
        assert_eq!(findings(&empty), Vec::<String>::new());
    }

    #[test]
    fn a_missing_changed_or_linked_file_is_named_with_its_document() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("archive");
        run(&root, 1..=4);
        let outside = tmp.path().join("outside.pdf");
        fs::write(&outside, crate::testing::bytes_of(1)).unwrap();
        fs::remove_file(root.join("2026/A-1.pdf")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("2026/A-1.pdf")).unwrap();
        fs::remove_file(root.join("2026/A-2.pdf")).unwrap();
        fs::remove_file(root.join("2026/A-3.pdf")).unwrap();
        fs::write(root.join("2026/A-3.pdf"), b"edited").unwrap();
        // Neither missing nor a link: a folder where the file should be.
        fs::remove_file(root.join("2026/A-4.pdf")).unwrap();
        fs::create_dir(root.join("2026/A-4.pdf")).unwrap();
        assert_eq!(
            findings(&root),
            [
                "2026/A-1.pdf: a symbolic link where A-1's file should be (never followed)",
                "2026/A-2.pdf: missing (A-2 lists it)",
                "2026/A-3.pdf: changed since A-3 was issued (SHA-256 differs from the register)",
                &format!("2026/A-4.pdf: {}: Is a directory (os error 21) (A-4)", root.join("2026/A-4.pdf").display()),
                "2026/A-1.pdf: a symbolic link; the archive holds none (never followed)",
            ]
        );
    }

    #[test]
    fn a_linked_year_folder_is_reported_as_a_link_for_each_of_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("archive");
        run(&root, 1..=2);
        fs::rename(root.join("2026"), tmp.path().join("2026")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("2026"), root.join("2026")).unwrap();
        assert_eq!(
            findings(&root),
            [
                "2026/A-1.pdf: a symbolic link where A-1's file should be (never followed)",
                "2026/A-2.pdf: a symbolic link where A-2's file should be (never followed)",
                "2026: a symbolic link; the archive holds none (never followed)",
            ]
        );
    }

    #[test]
    fn a_gap_in_the_numbers_a_missing_seller_and_a_stray_file_are_findings() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), [1, 2, 4]);
        fs::remove_file(tmp.path().join(crate::seller::SELLER)).unwrap();
        fs::write(tmp.path().join("2026/A-9.pdf"), b"not issued").unwrap();
        // The archive's own folders hold files no line names, by design.
        fs::create_dir_all(tmp.path().join("recovered")).unwrap();
        fs::write(tmp.path().join("recovered/register.jsonl-0"), b"{").unwrap();
        assert_eq!(
            findings(tmp.path()),
            [
                "A-4: number 4 follows 2 in its series; numbers must have no gaps",
                "seller.json: missing; the archive does not say which seller it belongs to",
                "2026/A-9.pdf: not in the register (not issued by invoicesmith, or its register line is missing)",
            ]
        );
    }

    #[test]
    fn checkpoints_are_checked_against_each_other_and_the_register() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=3);
        // The same head twice is no contradiction; a head after it with fewer lines is.
        write_checkpoints(tmp.path(), &[(1, None), (1, None), (3, None), (2, None)]);
        assert_eq!(findings(tmp.path()), ["checkpoints.jsonl:4: covers 2 register line(s), fewer than the checkpoint before it (3)"]);
        // Lines after the last checkpoint.
        write_checkpoints(tmp.path(), &[(1, None)]);
        assert_eq!(findings(tmp.path()), [format!("register.jsonl: lines 2–3 {UNCOVERED}")]);
        // Emptied with the register cut or rewritten: the archive alone cannot tell, so
        // `recover` must not be the first advice.
        write_checkpoints(tmp.path(), &[]);
        assert_eq!(findings(tmp.path()), [format!("register.jsonl: lines 1–3 {UNCOVERED}")]);
        write_checkpoints(tmp.path(), &[(2, None)]);
        assert_eq!(findings(tmp.path()), [format!("register.jsonl: lines 3–3 {UNCOVERED}")]);
        // A checkpoint of more lines than the register has: its end was cut.
        write_checkpoints(tmp.path(), &[(3, None), (4, None)]);
        assert_eq!(findings(tmp.path()), ["register.jsonl: has 3 line(s), but checkpoints.jsonl:2 covers 4: history after it was cut"]);
    }

    #[test]
    fn an_unsigned_checkpoint_after_signed_ones_and_a_bad_signature_are_findings() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=3);
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let options = VerifyOptions { public_key: Some(key.verifying_key()), ..VerifyOptions::default() };
        // Unsigned before the key was configured: fine.
        write_checkpoints(tmp.path(), &[(1, None), (2, Some(&key)), (3, Some(&key))]);
        assert_eq!(verify(tmp.path(), &options), Vec::<String>::new());
        write_checkpoints(tmp.path(), &[(1, None), (2, Some(&key)), (3, None)]);
        assert_eq!(verify(tmp.path(), &options), ["checkpoints.jsonl:3: unsigned, after signed checkpoints"]);
        // Signed with another key.
        let other = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        write_checkpoints(tmp.path(), &[(1, None), (3, Some(&other))]);
        assert_eq!(verify(tmp.path(), &options), ["checkpoints.jsonl:2: its signature does not verify with the public key"]);
    }

    #[test]
    fn an_expected_head_must_still_be_in_the_register() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=3);
        let hashes = crate::testing::line_hashes(tmp.path());
        let expect = |lines: usize, hash: Sha256Sum| VerifyOptions { expect_head: Some(Head { lines, hash: Some(hash) }), ..VerifyOptions::default() };
        assert_eq!(verify(tmp.path(), &expect(2, hashes[1])), Vec::<String>::new());
        assert_eq!(verify(tmp.path(), &expect(3, hashes[2])), Vec::<String>::new());
        assert_eq!(
            verify(tmp.path(), &expect(3, hashes[1])),
            [format!("register.jsonl: line 3 is not the expected head 3:{}: history was rewritten", hashes[1])]
        );
        assert_eq!(
            verify(tmp.path(), &expect(4, hashes[2])),
            [format!("register.jsonl: has 3 line(s), fewer than the 4 of the expected head 4:{}: history was cut", hashes[2])]
        );
    }

    #[test]
    fn an_edited_line_breaks_the_chain_at_the_line_after_it() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=3);
        let register = fs::read_to_string(tmp.path().join(REGISTER)).unwrap();
        let lines: Vec<&str> = register.lines().collect();
        let edited = lines[1].replace("\"t2\"", "\"t2-edited\"");
        assert_ne!(edited, lines[1]);
        fs::write(tmp.path().join(REGISTER), format!("{}\n{edited}\n{}\n", lines[0], lines[2])).unwrap();
        assert_eq!(
            findings(tmp.path()),
            ["register.jsonl:3: A-3 does not follow the line before it (hash chain broken: a line was edited, removed or inserted)"]
        );
    }

    #[test]
    fn credit_notes_must_credit_registered_invoices_and_never_more_than_their_total() {
        use crate::testing::store_document;
        use domain::document::DocumentKind::{CreditNote, Invoice};
        use rust_decimal::Decimal;
        let tmp = tempfile::tempdir().unwrap();
        let archive = Archive::open(tmp.path()).init(true);
        let mut locked = archive.lock().unwrap();
        store_document(&mut locked, 1, Invoice, Decimal::new(11900, 2), &[]);
        // Credited in full, in two parts: no finding.
        store_document(&mut locked, 2, CreditNote, Decimal::new(11800, 2), &["A-1"]);
        store_document(&mut locked, 3, CreditNote, Decimal::new(100, 2), &["A-1"]);
        store_document(&mut locked, 4, Invoice, Decimal::new(5000, 2), &[]);
        // A credit note of a credit note, of a number never issued, and one cent too many.
        store_document(&mut locked, 5, CreditNote, Decimal::new(100, 2), &["A-2"]);
        store_document(&mut locked, 6, CreditNote, Decimal::new(100, 2), &["A-99"]);
        store_document(&mut locked, 7, CreditNote, Decimal::new(5001, 2), &["A-4"]);
        locked.finish(None).unwrap();
        drop(locked);
        assert_eq!(
            findings(tmp.path()),
            [
                "A-5: references A-2, which is not an invoice",
                "A-6: references A-99, which is not in the register",
                "A-4: credited 50.01 EUR, more than its total 50.00",
            ]
        );
    }

    #[test]
    fn each_company_snapshot_must_be_there_and_name_the_archive_s_seller() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=2);
        let snapshot = crate::register::company_path(&Sha256Sum::of(crate::testing::COMPANY.as_bytes()));
        fs::write(tmp.path().join(crate::seller::SELLER), "{\"vat_id\":\"DE999999999\"}\n").unwrap();
        assert_eq!(findings(tmp.path()), [format!("seller.json: names the seller DE999999999, but A-1 was issued by DE123456789 ({snapshot})")]);
        fs::remove_file(tmp.path().join(&snapshot)).unwrap();
        assert_eq!(findings(tmp.path()), [format!("{snapshot}: missing (the company snapshot of A-1 lists it)")]);
    }

    #[test]
    fn a_linked_seller_record_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("archive");
        run(&root, 1..=2);
        let seller = root.join(crate::seller::SELLER);
        fs::rename(&seller, tmp.path().join("seller.json")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("seller.json"), &seller).unwrap();
        assert_eq!(
            findings(&root),
            [
                format!("{}: a symbolic link; the archive never follows links", seller.display()),
                "seller.json: missing; the archive does not say which seller it belongs to".to_string(),
                "seller.json: a symbolic link; the archive holds none (never followed)".to_string(),
            ]
        );
    }

    #[test]
    fn an_edited_or_inserted_checkpoint_breaks_their_chain() {
        let tmp = tempfile::tempdir().unwrap();
        run(tmp.path(), 1..=3);
        write_checkpoints(tmp.path(), &[(1, None), (2, None), (3, None)]);
        let text = fs::read_to_string(tmp.path().join(crate::checkpoint::CHECKPOINTS)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Line 2 replaced by one that claims to be the first.
        let hashes = crate::testing::line_hashes(tmp.path());
        let forged = crate::checkpoint::line(&crate::checkpoint::make(Head { lines: 2, hash: Some(hashes[1]) }, None, None));
        fs::write(tmp.path().join(crate::checkpoint::CHECKPOINTS), format!("{}\n{forged}\n{}\n", lines[0], lines[2])).unwrap();
        let broken = |line: usize| format!("checkpoints.jsonl:{line}: does not follow the line before it (a checkpoint was edited, removed or inserted)");
        assert_eq!(findings(tmp.path()), [broken(2), broken(3)]);
    }
}
