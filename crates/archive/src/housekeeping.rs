//! What a locked run tidies before it writes, so that no crash, full disk or failed write
//! ever leaves the archive blocked:
//!
//! - an **unfinished append** (bytes after the register's or the checkpoints' last newline:
//!   never committed) is cut off, its bytes kept as `recovered/<file>-<offset>`;
//! - **files no register line names** (written by a run that crashed before committing
//!   them, or a temporary file) are moved, never deleted, to `quarantine/<run>/`, where
//!   `<run>` is the register's line count and the first 12 digits of its head (plus `-2`,
//!   `-3`… if that folder exists): named by the archive's state, not the clock;
//! - register lines **no checkpoint covers** (a run that crashed after committing) are
//!   noted, and the run's checkpoint will cover them.
//!
//! Each of these is reported as a notice. What it refuses instead: a symbolic link anywhere
//! in the archive, and a register that contradicts its last checkpoint (history rewritten
//! or cut): a run must not checkpoint over tampering. `verify` says what is wrong.

use std::collections::HashSet;
use super::checkpoint::{self, CHECKPOINTS};
use super::fs::TEMPORARY;
use super::register::{self, Observer, REGISTER, State, company_path, logo_path};
use super::{Archive, LOCK, QUARANTINE, RECOVERED, walk};
use domain::error::{Error, Result};
use domain::sha256::Sha256Sum;

pub(super) struct Tidy {
    pub state: State,
    pub notices: Vec<String>,
    pub last_checkpoint: Option<Sha256Sum>,
    pub checkpoints: usize,
    pub checkpoints_len: u64,
    pub uncovered: bool,
}

/// Top-level files the archive keeps beside its documents.
pub(super) const OWN_FILES: &[&str] = &[REGISTER, CHECKPOINTS, LOCK, super::seller::SELLER];

/// The hash of one register line and the first break in the chain, caught as the
/// register is read.
struct LineAt {
    line: usize,
    hash: Option<Sha256Sum>,
    broken: Option<usize>,
}

impl Observer for LineAt {
    fn chain_broken(&mut self, line: usize, _: &register::RegisterEntry) {
        self.broken.get_or_insert(line);
    }
    fn line(&mut self, line: usize, hash: &Sha256Sum) {
        if line == self.line {
            self.hash = Some(*hash);
        }
    }
}

/// Tidies the locked archive. `recovering`: an explicit `recover`, which may also start the
/// checkpoints again if `checkpoints.jsonl` is gone (an archive from before checkpoints).
pub(super) fn tidy(archive: &Archive, recovering: bool) -> Result<Tidy> {
    let root = archive.root();
    let mut notices = Vec::new();
    let checkpoints = archive.read_checkpoints()?;
    if let Some(torn) = &checkpoints.torn {
        recover(archive, CHECKPOINTS, checkpoints.committed_len, torn, &mut notices)?;
    }
    let state = read_consistent(archive, &checkpoints, recovering)?;
    if let Some(torn) = &state.torn {
        recover(archive, REGISTER, state.committed_len, torn, &mut notices)?;
    }
    if !checkpoints.exists {
        // Created with the archive, so that its absence later means it was removed.
        super::open_append(&root.join(CHECKPOINTS))?;
    }
    let last = checkpoints.last().map(|(c, _)| c.clone());
    let covered = last.as_ref().map_or(0, |c| c.lines);
    let uncovered = state.entries.len() > covered;
    if uncovered {
        notices.push(format!(
            "register lines {}–{} are covered by no checkpoint (a run stopped after committing them); this run's checkpoint covers them",
            covered + 1,
            state.entries.len()
        ));
    }
    // A database has nothing to quarantine: files and their register lines are one
    // transaction, and its rows are never links.
    if !archive.is_database() {
        quarantine(archive, &state, &mut notices)?;
    }
    Ok(Tidy {
        state,
        notices,
        last_checkpoint: checkpoints.last().map(|(_, h)| *h),
        checkpoints: checkpoints.list.len(),
        checkpoints_len: checkpoints.committed_len,
        uncovered,
    })
}

/// Reads the register and refuses it if it contradicts itself or its checkpoints: a broken
/// hash chain, a head other than the last checkpoint's, a broken chain of checkpoints, or
/// no checkpoints file beside registered lines (unless `missing_checkpoints_allowed`). What
/// every command that builds on the register reads; `verify` says what exactly is wrong.
pub(super) fn read_consistent(archive: &Archive, checkpoints: &checkpoint::Checkpoints, missing_checkpoints_allowed: bool) -> Result<State> {
    let root = archive.root();
    let last = checkpoints.last().map(|(c, _)| c);
    let mut at = LineAt { line: last.map_or(0, |c| c.lines), hash: None, broken: None };
    let state = archive.read_register(&mut at)?;
    let register_path = archive.store().at(REGISTER);
    let damaged = |line: usize, message: String| Error::Register { path: register_path.clone(), line, message };
    if let Some(line) = at.broken {
        return Err(damaged(line, "the hash chain is broken here (a line was edited, removed or inserted); nothing was written, run `invoicesmith verify`".into()));
    }
    if let Some(c) = last
        && (c.lines > state.entries.len() || at.hash != c.head)
    {
        return Err(damaged(
            c.lines.min(state.entries.len()),
            format!(
                "the register does not match its last checkpoint ({}; the register has {} line(s)): history was rewritten or cut; nothing was written, run `invoicesmith verify`",
                c.head(),
                state.entries.len()
            ),
        ));
    }
    if let Some(line) = checkpoints.chain_broken.first() {
        return Err(Error::Register {
            path: archive.store().at(CHECKPOINTS),
            line: *line,
            message: "the checkpoints' chain is broken here; nothing was written, run `invoicesmith verify`".into(),
        });
    }
    if !checkpoints.exists && !state.entries.is_empty() && !missing_checkpoints_allowed {
        return Err(Error::Register {
            path: root.join(CHECKPOINTS),
            line: 0,
            message: format!(
                "is missing, but the register has {} line(s): removed (perhaps with the register changed behind its back), or an archive from before checkpoints. Nothing was written; first compare with a head kept outside the archive (`invoicesmith verify --expect-head LINES:SHA256` with the head `issue` printed, or an export's register-head.txt); only if it matches, or the archive is from before checkpoints, `invoicesmith recover` starts the checkpoints again",
                state.entries.len()
            ),
        });
    }
    Ok(state)
}

/// Keeps the unfinished tail `torn` of `name` (committed up to `committed` bytes) under
/// `recovered/`, then cuts the file back to its committed length.
fn recover(archive: &Archive, name: &str, committed: u64, torn: &[u8], notices: &mut Vec<String>) -> Result<()> {
    let root = archive.root();
    let dir = root.join(RECOVERED);
    // Another crash at the same length may have left other bytes there before.
    let mut saved = format!("{name}-{committed}");
    let mut k = 1;
    loop {
        match super::fs::write_once(&*archive.fs, root, &dir, &saved, torn) {
            Err(Error::WouldOverwrite { .. }) => {
                k += 1;
                saved = format!("{name}-{committed}-{k}");
            }
            other => break other?,
        }
    }
    let path = root.join(name);
    let file = std::fs::OpenOptions::new().write(true).open(&path).map_err(|e| Error::io(&path, e))?;
    file.set_len(committed).and_then(|()| file.sync_all()).map_err(|e| Error::io(&path, e))?;
    notices.push(format!(
        "{name}: an unfinished write of {} byte(s) after its last complete line was never committed; cut off and kept as {RECOVERED}/{saved}",
        torn.len()
    ));
    Ok(())
}

/// Moves every file no register line names to `quarantine/<run>/`; refuses links.
fn quarantine(archive: &Archive, state: &State, notices: &mut Vec<String>) -> Result<()> {
    let root = archive.root();
    let listing = walk::list(root, &[QUARANTINE, RECOVERED])?;
    if let Some(link) = listing.links.first().or(listing.others.first()) {
        let path = root.join(link);
        let message = "not a regular file or folder (a symbolic link?); the archive never follows links. Nothing was written; run `invoicesmith verify`";
        return Err(Error::io(path, std::io::Error::other(message)));
    }
    let registered: HashSet<&str> = state.entries.iter().flat_map(|e| e.files.iter().map(|f| f.path.as_str())).collect();
    let companies: HashSet<String> =
        state.entries.iter().map(|e| company_path(&e.company)).chain(state.entries.iter().filter_map(|e| e.logo.as_ref()).map(logo_path)).collect();
    let strays: Vec<&String> = listing
        .files
        .iter()
        .filter(|p| !OWN_FILES.contains(&p.as_str()) && !registered.contains(p.as_str()) && !companies.contains(p.as_str()))
        .collect();
    if strays.is_empty() {
        return Ok(());
    }
    let head = state.head();
    let base = format!("{}-{}", head.lines, head.hash.map_or("0".to_string(), |h| h.to_string()[..12].to_string()));
    let quarantine = root.join(QUARANTINE);
    let mut run = base.clone();
    let mut k = 1;
    while quarantine.join(&run).exists() {
        k += 1;
        run = format!("{base}-{k}");
    }
    for rel in &strays {
        let to = quarantine.join(&run).join(rel);
        let parent = to.parent().expect("has a parent");
        super::fs::create_dir_no_link(root, parent).map_err(|e| Error::io(parent, e))?;
        std::fs::rename(root.join(rel), &to).map_err(|e| Error::io(root.join(rel), e))?;
    }
    let temporary = strays.iter().filter(|p| p.starts_with(&format!("{TEMPORARY}/"))).count();
    notices.push(format!(
        "{} file(s) no register line names ({} of them temporary) were left by an interrupted run; moved to {QUARANTINE}/{run}/",
        strays.len(),
        temporary
    ));
    Ok(())
}

/// Whether `rel` is somewhere the archive keeps things no register line names.
pub(super) fn is_own(rel: &str) -> bool {
    OWN_FILES.contains(&rel) || [QUARANTINE, RECOVERED, TEMPORARY].iter().any(|d| rel.starts_with(&format!("{d}/")))
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io::Write;
    use std::path::Path;

    use super::*;
    use crate::Head;
    use crate::testing::{line_hashes, names, run};

    fn append(path: &Path, bytes: &[u8]) {
        fs::OpenOptions::new().append(true).open(path).unwrap().write_all(bytes).unwrap();
    }

    /// Takes the lock (which tidies) and lets it go without writing: the notices.
    fn tidied(root: &Path) -> Vec<String> {
        std::mem::take(&mut Archive::open(root).lock().unwrap().notices)
    }

    #[test]
    fn each_unfinished_append_is_kept_under_its_own_name_and_cut_off() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        run(root, 1..=2);
        let register = fs::read(root.join(REGISTER)).unwrap();
        let checkpoints = fs::read(root.join(CHECKPOINTS)).unwrap();
        let (r, c) = (register.len(), checkpoints.len());
        // Three crashes at the same length, each leaving other bytes; then the first bytes again.
        for (i, torn) in [&b"{\"number\":\"A-3\""[..], b"{\"num", b"{\"number\":\"A-3\",\"kind\"", b"{\"number\":\"A-3\""].iter().enumerate() {
            append(&root.join(REGISTER), torn);
            append(&root.join(CHECKPOINTS), &torn[..3]);
            let kept = ["", "-2", "-3", ""][i];
            assert_eq!(
                tidied(root),
                [
                    format!("checkpoints.jsonl: an unfinished write of 3 byte(s) after its last complete line was never committed; cut off and kept as recovered/checkpoints.jsonl-{c}"),
                    format!(
                        "register.jsonl: an unfinished write of {} byte(s) after its last complete line was never committed; cut off and kept as recovered/register.jsonl-{r}{kept}",
                        torn.len()
                    ),
                ],
                "crash {i}"
            );
            assert_eq!(fs::read(root.join(REGISTER)).unwrap(), register);
            assert_eq!(fs::read(root.join(CHECKPOINTS)).unwrap(), checkpoints);
        }
        let recovered = root.join(RECOVERED);
        assert_eq!(
            names(&recovered),
            [format!("checkpoints.jsonl-{c}"), format!("register.jsonl-{r}"), format!("register.jsonl-{r}-2"), format!("register.jsonl-{r}-3")]
        );
        assert_eq!(fs::read(recovered.join(format!("register.jsonl-{r}"))).unwrap(), b"{\"number\":\"A-3\"");
        assert_eq!(fs::read(recovered.join(format!("register.jsonl-{r}-2"))).unwrap(), b"{\"num");
        assert_eq!(fs::read(recovered.join(format!("register.jsonl-{r}-3"))).unwrap(), b"{\"number\":\"A-3\",\"kind\"");
        assert_eq!(fs::read(recovered.join(format!("checkpoints.jsonl-{c}"))).unwrap(), b"{\"n");
    }

    #[test]
    fn files_no_line_names_are_moved_to_a_quarantine_named_by_the_register_head() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        run(root, 1..=2);
        let head = &line_hashes(root)[1].to_string()[..12];
        let before = crate::walk::list(root, &[]).unwrap().files;
        // A crashed run's document and a temporary file, three times over.
        for (i, run) in [format!("2-{head}"), format!("2-{head}-2"), format!("2-{head}-3")].iter().enumerate() {
            fs::write(root.join("2026/A-3.pdf"), format!("crash {i}")).unwrap();
            fs::write(root.join("2026/A-3.json"), format!("crash {i}")).unwrap();
            fs::create_dir_all(root.join(TEMPORARY)).unwrap();
            fs::write(root.join(TEMPORARY).join("A-3.pdf.4242"), format!("crash {i}")).unwrap();
            assert_eq!(
                tidied(root),
                [format!("3 file(s) no register line names (1 of them temporary) were left by an interrupted run; moved to quarantine/{run}/")]
            );
            let moved = root.join(QUARANTINE).join(run);
            assert_eq!(names(&moved.join("2026")), ["A-3.json", "A-3.pdf"]);
            assert_eq!(names(&moved.join(TEMPORARY)), ["A-3.pdf.4242"]);
            assert_eq!(fs::read_to_string(moved.join("2026/A-3.pdf")).unwrap(), format!("crash {i}"));
        }
        assert_eq!(names(&root.join(QUARANTINE)), [format!("2-{head}"), format!("2-{head}-2"), format!("2-{head}-3")]);
        // What the register names, and the archive's own files, stay where they were.
        let mut after = crate::walk::list(root, &[QUARANTINE]).unwrap().files;
        after.retain(|f| f != LOCK);
        assert_eq!(after, before.into_iter().filter(|f| f != LOCK).collect::<Vec<_>>());
        assert_eq!(tidied(root), Vec::<String>::new());
    }

    #[test]
    fn lines_no_checkpoint_covers_are_noted_and_the_run_checkpoints_them() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        run(root, 1..=2);
        assert_eq!(tidied(root), Vec::<String>::new());
        // A run that stopped after committing line 3, before its checkpoint.
        let archive = Archive::open(root);
        let mut locked = archive.lock().unwrap();
        crate::testing::store(&mut locked, 3);
        locked.commit().unwrap();
        drop(locked);
        let mut locked = archive.lock().unwrap();
        assert_eq!(
            locked.notices,
            ["register lines 3–3 are covered by no checkpoint (a run stopped after committing them); this run's checkpoint covers them"]
        );
        let checkpoint = locked.finish(None).unwrap().expect("a checkpoint");
        assert_eq!(checkpoint.head(), Head { lines: 3, hash: Some(line_hashes(root)[2]) });
        drop(locked);
        assert_eq!(tidied(root), Vec::<String>::new());
    }

    #[test]
    fn a_register_that_contradicts_its_last_checkpoint_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        run(root, 1..=3);
        let register = fs::read_to_string(root.join(REGISTER)).unwrap();
        let lines: Vec<&str> = register.lines().collect();
        let refused = |root: &Path| match Archive::open(root).lock() {
            Err(Error::Register { line, message, .. }) => (line, message),
            other => panic!("expected the register refused, got {:?}", other.map(|mut l| std::mem::take(&mut l.notices))),
        };
        // The last line cut.
        fs::write(root.join(REGISTER), format!("{}\n{}\n", lines[0], lines[1])).unwrap();
        let (line, message) = refused(root);
        assert_eq!(line, 2);
        assert!(message.starts_with("the register does not match its last checkpoint (3:"), "{message}");
        // As many lines as the checkpoint covers, chained, but the last one another.
        let mut other: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
        other["total"] = "1190.00".into();
        fs::write(root.join(REGISTER), format!("{}\n{}\n{other}\n", lines[0], lines[1])).unwrap();
        let (line, message) = refused(root);
        assert_eq!(line, 3);
        assert!(message.starts_with("the register does not match its last checkpoint (3:"), "{message}");
        fs::write(root.join(REGISTER), &register).unwrap();
        assert_eq!(tidied(root), Vec::<String>::new());
    }

    #[test]
    fn an_edited_line_stops_a_run() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        run(root, 1..=3);
        let register = fs::read_to_string(root.join(REGISTER)).unwrap();
        let edited = register.replacen("\"t2\"", "\"t2-edited\"", 1);
        assert_ne!(edited, register);
        fs::write(root.join(REGISTER), edited).unwrap();
        match Archive::open(root).lock() {
            Err(Error::Register { line, message, .. }) => {
                assert_eq!(line, 3);
                assert!(message.starts_with("the hash chain is broken here"), "{message}");
            }
            other => panic!("expected the register refused, got {:?}", other.map(|mut l| std::mem::take(&mut l.notices))),
        }
    }

    #[test]
    fn only_recover_starts_removed_checkpoints_again() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        run(root, 1..=2);
        fs::remove_file(root.join(CHECKPOINTS)).unwrap();
        match Archive::open(root).lock() {
            Err(Error::Register { path, line, message }) => {
                assert_eq!((path, line), (root.join(CHECKPOINTS), 0));
                assert_eq!(
                    message,
                    "is missing, but the register has 2 line(s): removed (perhaps with the register changed behind its back), or an archive from before checkpoints. Nothing was written; first compare with a head kept outside the archive (`invoicesmith verify --expect-head LINES:SHA256` with the head `issue` printed, or an export's register-head.txt); only if it matches, or the archive is from before checkpoints, `invoicesmith recover` starts the checkpoints again"
                );
            }
            other => panic!("expected the missing checkpoints refused, got {:?}", other.map(|mut l| std::mem::take(&mut l.notices))),
        }
        assert!(!root.join(CHECKPOINTS).exists());
        let archive = Archive::open(root);
        let mut locked = archive.lock_recovering().unwrap();
        assert_eq!(
            locked.notices,
            ["register lines 1–2 are covered by no checkpoint (a run stopped after committing them); this run's checkpoint covers them"]
        );
        let checkpoint = locked.finish(None).unwrap().expect("a checkpoint");
        assert_eq!(checkpoint.head(), Head { lines: 2, hash: Some(line_hashes(root)[1]) });
        drop(locked);
        assert_eq!(tidied(root), Vec::<String>::new());
    }
}
