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
                "is missing, but the register has {} line(s): removed, or an archive from before checkpoints. Nothing was written; `invoicesmith recover` starts the checkpoints again",
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
