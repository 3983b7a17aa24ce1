//! `invoicesmith archive copy SRC DST`: an archive moved between backends (a folder and a
//! PostgreSQL database, either way, or folder to folder) line for line and byte for byte.
//!
//! The source must verify clean and is read under its shared lock, every file checked
//! against its SHA-256 as it is read; the destination must be new (a new or empty folder,
//! or a database without the schema `invoicesmith`). Company snapshots and logos are copied once
//! each, before the first line that names them. Register and checkpoint lines are copied as the
//! exact text that was hashed and signed, so heads, chains and signatures carry over; then
//! the destination is verified and its lines compared with the source's.
//!
//! A copy appears at its destination whole or not at all. Copied in pieces, a copy stopped
//! midway would leave the first part of the register there, a valid-looking archive
//! without the source's later documents: `recover` would checkpoint it, and issuing into it
//! would number again what the source numbered already. So a copy into a database is one
//! transaction (schema, register, files, checkpoints; [`Db::begin_whole`]), verified before
//! it commits, and a copy into a folder is made in a folder beside it (`Building`) and
//! renamed into place once verified.
//!
//! [`Db::begin_whole`]: super::pg::Db::begin_whole

use std::collections::BTreeSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::register::{State, company_path, logo_path};
use super::seller::SELLER;
use super::{Archive, VerifyOptions};
use domain::error::{Error, Result};

/// Register lines copied per commit.
const BATCH: usize = 256;

/// What a copy moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub lines: usize,
    /// Documents' files, company snapshots, logos and the seller record.
    pub files: usize,
    pub checkpoints: usize,
}

/// The source as read under its lock: what the copy must hold.
struct Source<'a> {
    archive: &'a Archive,
    state: State,
    lines: Vec<String>,
    checkpoints: Vec<String>,
}

/// Copies `src` into the new archive `dst` and verifies the result; on any failure, or if
/// stopped, `dst` is left as it was.
pub fn copy(src: &Archive, dst: &Archive) -> Result<Copied> {
    if !src.exists() {
        return Err(Error::NoArchive { path: src.root().to_path_buf() });
    }
    let findings = src.verify(&VerifyOptions::default())?;
    if !findings.is_empty() {
        return Err(Error::Refused(format!(
            "{}: {} problem(s), the first: {}; `invoicesmith verify` lists them; nothing was copied",
            src.root().display(),
            findings.len(),
            findings[0]
        )));
    }
    refuse_filled(dst)?;
    let _reading = src.lock_shared()?;
    let state = src.checked_state()?;
    let (lines, checkpoints) = src.raw_lines()?;
    if lines.len() != state.entries.len() {
        return Err(Error::Refused(format!("{}: the register changed while it was read; nothing was copied", src.root().display())));
    }
    let source = Source { archive: src, state, lines, checkpoints };
    match &dst.db {
        Some(db) => {
            let whole = db.begin_whole()?;
            let dst = dst.clone().init(true);
            let copied = fill(&source, &dst, dst.root())?;
            check(&source, &dst, dst.root())?;
            whole.commit()?;
            Ok(copied)
        }
        None => {
            let building = Building::start(dst.root())?;
            let into = Archive::with_fs(&building.path, dst.fs.clone()).init(true);
            let copied = fill(&source, &into, dst.root())?;
            check(&source, &into, dst.root())?;
            building.finish()?;
            Ok(copied)
        }
    }
}

/// Refuses a destination that holds an archive (saying so only if it does: a database
/// with another schema of the archive's name is that error), or a folder with files.
fn refuse_filled(dst: &Archive) -> Result<()> {
    if dst.exists_checked()? {
        return Err(Error::Refused(format!("{}: holds an archive already; `archive copy` fills only a new one; nothing was copied", dst.root().display())));
    }
    if !dst.is_database() && std::fs::read_dir(dst.root()).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(Error::Refused(format!(
            "{}: holds files but no archive; `archive copy` fills only a new or empty folder; nothing was copied",
            dst.root().display()
        )));
    }
    Ok(())
}

/// Writes the source into `into` under its lock (`shown`: the destination, for messages);
/// the lock is let go before returning, for [`check`]'s shared one.
fn fill(source: &Source<'_>, into: &Archive, shown: &Path) -> Result<Copied> {
    let mut locked = into.lock()?;
    if !locked.state.entries.is_empty() {
        return Err(Error::Refused(format!("{}: another run issued into it meanwhile; nothing was copied", shown.display())));
    }
    let Source { state, lines, checkpoints, .. } = source;
    let mut copied = Copied { lines: lines.len(), files: 0, checkpoints: checkpoints.len() };
    if let Some(seller) = source.archive.read_own(SELLER)? {
        locked.copy_own(SELLER, seller)?;
        copied.files += 1;
    }
    let (mut companies, mut logos) = (BTreeSet::new(), BTreeSet::new());
    for (i, (text, entry)) in lines.iter().zip(&state.entries).enumerate() {
        if companies.insert(entry.company) {
            locked.copy_own(&company_path(&entry.company), state.company_text(entry)?.into_bytes())?;
            copied.files += 1;
        }
        if let Some(logo) = entry.logo
            && logos.insert(logo)
        {
            locked.copy_own(&logo_path(&logo), state.logo(&logo)?.to_vec())?;
            copied.files += 1;
        }
        let files = entry.files.iter().map(|f| state.read(f)).collect::<Result<Vec<_>>>()?;
        copied.files += files.len();
        locked.copy_line(text.clone(), entry, files)?;
        if (i + 1) % BATCH == 0 {
            locked.commit()?;
        }
    }
    for text in checkpoints {
        locked.copy_checkpoint(text.clone())?;
    }
    locked.commit()?;
    locked.settle()?;
    Ok(copied)
}

/// Verifies the copy `copy` and compares its lines with the source's, before it is put in
/// place (`shown`: the destination, for messages).
fn check(source: &Source<'_>, copy: &Archive, shown: &Path) -> Result<()> {
    let findings = copy.verify(&VerifyOptions::default())?;
    if let Some(first) = findings.first() {
        return Err(Error::Refused(format!(
            "{}: the copy does not verify ({} problem(s), the first: {first}); nothing was copied",
            shown.display(),
            findings.len()
        )));
    }
    let (lines, checkpoints) = copy.raw_lines()?;
    if lines != source.lines || checkpoints != source.checkpoints {
        return Err(Error::Refused(format!("{}: the copy's register or checkpoints differ from the source's; nothing was copied", shown.display())));
    }
    Ok(())
}

/// The folder a copy into the folder `to` is made in: `.NAME.copying` beside it, on the same
/// file system, so that one rename puts the finished copy in place (replacing `to` if it is
/// an empty folder, refused if anything appeared in it meanwhile). A copy holds the
/// folder's own lock (`flock` on the folder) while it runs; a copy killed midway leaves it
/// unlocked, and the next copy to `to` removes it (it is no archive: only a complete,
/// verified copy is ever renamed). Removed when dropped unfinished.
struct Building {
    path: PathBuf,
    /// Where the copy goes; a link to a folder is replaced by the folder it names.
    to: PathBuf,
    /// Held for the copy's lifetime.
    _lock: File,
    finished: bool,
}

impl Building {
    fn start(to: &Path) -> Result<Building> {
        let to = if std::fs::symlink_metadata(to).is_ok() { to.canonicalize().map_err(|e| Error::io(to, e))? } else { to.to_path_buf() };
        let (Some(parent), Some(name)) = (to.parent(), to.file_name()) else {
            return Err(Error::Refused(format!("{}: not a folder a copy can be renamed into; nothing was copied", to.display())));
        };
        let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let path = parent.join(format!(".{}.copying", name.to_string_lossy()));
        match std::fs::create_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                remove_abandoned(&path, &to)?;
                std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
        let lock = File::open(&path).map_err(|e| Error::io(&path, e))?;
        if lock.try_lock().is_err() {
            return Err(running(&to, &path));
        }
        Ok(Building { path, to, _lock: lock, finished: false })
    }

    /// Renames the copy into place and makes the rename durable.
    fn finish(mut self) -> Result<()> {
        std::fs::rename(&self.path, &self.to).map_err(|e| match e.kind() {
            io::ErrorKind::DirectoryNotEmpty | io::ErrorKind::AlreadyExists => {
                Error::Refused(format!("{}: files appeared in it while the copy was made; nothing was copied", self.to.display()))
            }
            _ => Error::io(&self.to, e),
        })?;
        self.finished = true;
        let parent = self.to.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        File::open(parent).and_then(|d| d.sync_all()).map_err(|e| Error::io(parent, e))
    }
}

impl Drop for Building {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Removes `path`, the folder of a copy to `to` that was stopped (killed: nothing else
/// leaves it), unless a running copy holds it.
fn remove_abandoned(path: &Path, to: &Path) -> Result<()> {
    let is_folder = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if !is_folder {
        return Err(Error::Refused(format!("{}: in the way of the copy to {} and not a copy's folder; nothing was copied", path.display(), to.display())));
    }
    let folder = File::open(path).map_err(|e| Error::io(path, e))?;
    if folder.try_lock().is_err() {
        return Err(running(to, path));
    }
    std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e))
}

fn running(to: &Path, path: &Path) -> Error {
    Error::Refused(format!("{}: another `archive copy` into it is running (making the copy in {}); nothing was copied", to.display(), path.display()))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::testing::run;
    use domain::sha256::Sha256Sum;

    /// Every file under `root` but the lock, with its bytes.
    fn files(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let mut listed = crate::walk::list(root, &[]).unwrap().files;
        listed.retain(|f| f != crate::LOCK);
        listed.sort();
        listed.into_iter().map(|f| (f.clone(), fs::read(root.join(&f)).unwrap())).collect()
    }

    #[test]
    fn a_folder_archive_is_copied_line_for_line_and_byte_for_byte() {
        let tmp = tempfile::tempdir().unwrap();
        let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
        run(&src, 1..=2);
        {
            let archive = Archive::open(&src);
            let mut locked = archive.lock().unwrap();
            crate::testing::store_with_logo(&mut locked, 3, b"a PNG logo");
            crate::testing::store_with_logo(&mut locked, 4, b"a PNG logo");
            locked.finish(None).unwrap();
        }
        let copied = copy(&Archive::open(&src), &Archive::open(&dst)).unwrap();
        // The seller record, one company snapshot, the logo once and four documents' files.
        assert_eq!(copied, Copied { lines: 4, files: 7, checkpoints: 2 });
        assert_eq!(files(&dst), files(&src));
        // The archive's layout (see the crate's documentation), in the copy as in the source.
        let snapshot = format!("company/{}.toml", Sha256Sum::of(crate::testing::COMPANY.as_bytes()));
        let logo = format!("logo/{}", Sha256Sum::of(b"a PNG logo"));
        let names: Vec<String> = files(&dst).into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            ["2026/A-1.pdf", "2026/A-2.pdf", "2026/A-3.pdf", "2026/A-4.pdf", "checkpoints.jsonl", &snapshot, &logo, "register.jsonl", "seller.json"]
        );
        assert_eq!(Archive::open(&dst).verify(&VerifyOptions::default()).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_copy_needs_a_clean_source_and_a_new_destination() {
        let tmp = tempfile::tempdir().unwrap();
        let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
        let refused = |src: &std::path::Path, dst: &std::path::Path| match copy(&Archive::open(src), &Archive::open(dst)) {
            Err(Error::Refused(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(matches!(copy(&Archive::open(&src), &Archive::open(&dst)), Err(Error::NoArchive { path }) if path == src));
        run(&src, 1..=2);
        run(&dst, [1]);
        assert_eq!(refused(&src, &dst), format!("{}: holds an archive already; `archive copy` fills only a new one; nothing was copied", dst.display()));
        fs::write(src.join("2026/A-9.pdf"), b"stray").unwrap();
        let other = tmp.path().join("other");
        assert_eq!(
            refused(&src, &other),
            format!(
                "{}: 1 problem(s), the first: 2026/A-9.pdf: not in the register (not issued by invoicesmith, or its register line is missing); `invoicesmith verify` lists them; nothing was copied",
                src.display()
            )
        );
        assert!(!other.exists());
        // A folder with files of its own is no place for a copy either.
        fs::create_dir(&other).unwrap();
        fs::write(other.join("notes.txt"), b"mine").unwrap();
        fs::remove_file(src.join("2026/A-9.pdf")).unwrap();
        assert_eq!(
            refused(&src, &other),
            format!("{}: holds files but no archive; `archive copy` fills only a new or empty folder; nothing was copied", other.display())
        );
        assert_eq!(crate::testing::names(&other), ["notes.txt"]);
    }

    /// Appends of a checkpoint line fail from the `fail_at`th on (a disk that filled up
    /// while the copy's register was committed already).
    #[derive(Debug)]
    struct FullAtCheckpoint {
        fail_at: usize,
        seen: std::sync::atomic::AtomicUsize,
    }

    impl crate::Fs for FullAtCheckpoint {
        fn write(&self, file: &mut fs::File, bytes: &[u8]) -> std::io::Result<()> {
            if bytes.starts_with(b"{\"lines\":") && self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 >= self.fail_at {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            crate::RealFs.write(file, bytes)
        }
    }

    #[test]
    fn a_copy_into_a_folder_that_stops_midway_leaves_nothing_where_it_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
        run(&src, 1..=2);
        run(&src, 3..=4);
        // The register is committed whole before the second checkpoint fails: copied in
        // place, that would be an archive of 4 lines and 1 checkpoint, verifying clean.
        let full = std::sync::Arc::new(FullAtCheckpoint { fail_at: 2, seen: Default::default() });
        match copy(&Archive::open(&src), &Archive::with_fs(&dst, full.clone())) {
            Err(Error::Io { path, source }) => {
                assert_eq!(path, tmp.path().join(".dst.copying").join(crate::checkpoint::CHECKPOINTS));
                assert_eq!(source.raw_os_error(), Some(28));
            }
            other => panic!("expected the disk full, got {other:?}"),
        }
        assert_eq!(full.seen.load(std::sync::atomic::Ordering::SeqCst), 2, "the first checkpoint was written");
        assert_eq!(crate::testing::names(tmp.path()), ["src"], "no copy, whole or partial, and no folder it was made in");
        // A copy killed midway leaves its folder beside the destination, never the
        // destination: the next copy finds no archive there, removes the leftover and copies.
        let abandoned = tmp.path().join(".dst.copying");
        run(&abandoned, 1..=2);
        assert!(Archive::open(&dst).state().unwrap().entries.is_empty());
        assert_eq!(copy(&Archive::open(&src), &Archive::open(&dst)).unwrap(), Copied { lines: 4, files: 6, checkpoints: 2 });
        assert_eq!(files(&dst), files(&src));
        assert_eq!(crate::testing::names(tmp.path()), ["dst", "src"]);
    }

    #[test]
    fn a_copy_into_a_folder_another_copy_is_making_is_refused_and_the_other_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
        run(&src, 1..=2);
        let making = tmp.path().join(".dst.copying");
        run(&making, [1]);
        let held = fs::File::open(&making).unwrap();
        held.lock().unwrap();
        match copy(&Archive::open(&src), &Archive::open(&dst)) {
            Err(Error::Refused(message)) => assert_eq!(
                message,
                format!("{}: another `archive copy` into it is running (making the copy in {}); nothing was copied", dst.display(), making.display())
            ),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(crate::testing::names(&making), [crate::LOCK, "2026", crate::checkpoint::CHECKPOINTS, "company", crate::REGISTER, SELLER]);
        assert!(!dst.exists());
        // Into an empty folder (or through a link to one), the copy takes the folder's place.
        drop(held);
        fs::create_dir(&dst).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dst, &link).unwrap();
        assert_eq!(copy(&Archive::open(&src), &Archive::open(&link)).unwrap(), Copied { lines: 2, files: 4, checkpoints: 1 });
        assert_eq!(files(&dst), files(&src));
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(crate::testing::names(tmp.path()), ["dst", "link", "src"]);
    }
}
