//! The archive's one way to the disk: every byte it writes and every sync it asks for goes
//! through an [`Fs`], and every archived file it reads is opened without following links.
//!
//! The seam exists so tests can make any single write or sync fail (disk full, I/O error)
//! and check that nothing half-done is left; production uses [`RealFs`], whose methods are
//! the plain system calls (one virtual call per file, nothing measurable beside creating it).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use domain::error::{Error, Result};
use domain::sha256::Sha256Sum;

/// Where the archive's writes go.
pub trait Fs: std::fmt::Debug + Send + Sync {
    /// Writes all of `bytes` to `file`: a document's content, or an append to the register
    /// or the checkpoints.
    fn write(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        file.write_all(bytes)
    }
    /// Makes one file durable (the register, the checkpoints).
    fn sync(&self, file: &File) -> io::Result<()> {
        file.sync_all()
    }
    /// Makes the documents written since the last call durable: one `syncfs` of the
    /// archive's file system on Linux (through `lock`, a file on it), one `fsync` per file
    /// elsewhere.
    fn sync_files(&self, lock: &File, files: &[PathBuf]) -> io::Result<()> {
        sync_files(lock, files)
    }
    /// Whether documents may be written as unnamed files (`O_TMPFILE`) and linked into
    /// place; otherwise they go through a temporary name in the archive's `.tmp/`.
    fn unnamed_files(&self) -> bool {
        true
    }
}

/// The file system as it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFs;

impl Fs for RealFs {}

/// The archive's folder for temporary names (the portable write path): the only place an
/// unregistered file is expected, and emptied by the next locked run.
pub const TEMPORARY: &str = ".tmp";

fn sync_files(lock: &File, files: &[PathBuf]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let _ = files;
        // SAFETY: `lock` is an open file on the archive's file system for the whole call.
        if unsafe { libc::syncfs(lock.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = lock;
        for path in files {
            File::open(path).and_then(|f| f.sync_all())?;
        }
        Ok(())
    }
}

/// Opens an archived file for reading, refusing a symbolic link in its last component
/// (`O_NOFOLLOW`; the folders above are checked by [`no_link_below`]).
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    open_not_through_link(OpenOptions::new().read(true), path)
}

/// Opens (creating) the archive's lock file, refusing a symbolic link: one planted as
/// `.lock` would have any run, even a read-only `verify` by another user, create or open
/// the file it points to. Where this process may not write (a read-only copy, an auditor's
/// access) and the file exists, a `shared` lock opens it for reading, which locks as well.
pub fn open_lock(path: &Path, shared: bool) -> io::Result<File> {
    match open_not_through_link(OpenOptions::new().write(true).create(true).truncate(false), path) {
        Err(e) if shared && matches!(e.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem) => {
            open_not_through_link(OpenOptions::new().read(true), path).map_err(|_| e)
        }
        other => other,
    }
}

/// Opens `path` with `options` and `O_NOFOLLOW`: a symbolic link in its last component is an
/// error saying so (the flag reports it as ELOOP, "too many levels of symbolic links").
fn open_not_through_link(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW);
    options.open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => io::Error::other("a symbolic link; the archive never follows links"),
        _ => e,
    })
}

/// Refuses `root/rel` if any folder between `root` and it is a symbolic link, so nothing
/// is read or written through a linked year folder.
pub fn no_link_below(root: &Path, rel: &str) -> io::Result<()> {
    let mut path = root.to_path_buf();
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            break;
        }
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(linked(&path));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads the archived file `rel` (archive-relative, `/`-separated) and checks it against
/// the SHA-256 the register holds for it: the one way every command reads an issued file.
/// A link, a missing file or other bytes stop the read with the file named.
pub fn read_verified(root: &Path, rel: &str, sha256: &Sha256Sum) -> Result<Vec<u8>> {
    let path = root.join(rel);
    no_link_below(root, rel).map_err(|e| Error::io(&path, e))?;
    let mut bytes = Vec::new();
    open_no_follow(&path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| Error::io(&path, e))?;
    if Sha256Sum::of(&bytes) != *sha256 {
        return Err(Error::Altered { path });
    }
    Ok(bytes)
}

/// Writes `bytes` as `dir/name` unless that exists, creating `dir` if needed. An existing
/// file with the same bytes is accepted (a company snapshot stored again); different bytes
/// are refused.
///
/// The file is complete before its name appears, and the name is never replaced: the bytes
/// go to an unnamed file (`O_TMPFILE`, Linux) or a temporary name, which is then hard-linked
/// into place — a link fails if the name exists. `dir` may not be a link (nor, when it is
/// created, any folder between `root` and it).
///
/// For many files in one folder, open it once ([`Dir::open`]) and write through it.
pub fn write_once(fs: &dyn Fs, root: &Path, dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    Dir::open(root, dir)?.write_once(fs, root, name, bytes)
}

/// A folder of the archive, checked (not a link, created if missing) and held open, so that
/// the files written into it are created relative to it: no path is looked up again per
/// file, and no link put in its place later is followed (the open folder is the one that
/// was checked). A run keeps one per folder it writes to.
#[derive(Debug)]
pub struct Dir {
    path: PathBuf,
    /// The folder itself (`O_DIRECTORY`, `O_NOFOLLOW` below the root).
    #[cfg(target_os = "linux")]
    fd: File,
    /// The permissions of unnamed files made in it: read-only, unless
    /// [`Dir::writable_files`].
    #[cfg(target_os = "linux")]
    mode: libc::c_uint,
}

impl Dir {
    /// Opens `dir` inside `root`, creating it (and its parents) if needed; refuses a link
    /// (the root itself may be one: it is where the user says the archive is).
    pub fn open(root: &Path, dir: &Path) -> Result<Dir> {
        match fs::symlink_metadata(dir) {
            Ok(_) if dir == root => {}
            Ok(m) if m.file_type().is_symlink() => return Err(Error::io(dir, linked(dir))),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => create_dir_no_link(root, dir).map_err(|e| Error::io(dir, e))?,
            Err(e) => return Err(Error::io(dir, e)),
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let no_follow = if dir == root { 0 } else { libc::O_NOFOLLOW };
            let fd = OpenOptions::new().read(true).custom_flags(libc::O_DIRECTORY | no_follow).open(dir).map_err(|e| match e.raw_os_error() {
                // Replaced by a link since the check above.
                Some(libc::ELOOP) => Error::io(dir, linked(dir)),
                _ => Error::io(dir, e),
            })?;
            Ok(Dir { path: dir.to_path_buf(), fd, mode: 0o444 })
        }
        #[cfg(not(target_os = "linux"))]
        Ok(Dir { path: dir.to_path_buf() })
    }

    /// Unnamed files made in this folder ([`Dir::write_unnamed`]) are `rw-r--r--` (less the
    /// umask), as `std::fs::write` makes them, not read-only: for folders outside an
    /// archive, such as an export's.
    pub fn writable_files(self) -> Dir {
        #[cfg(target_os = "linux")]
        return Dir { mode: 0o644, ..self };
        #[cfg(not(target_os = "linux"))]
        self
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` as `name` in this folder unless that exists, as [`write_once`] does.
    pub fn write_once(&self, fs: &dyn Fs, root: &Path, name: &str, bytes: &[u8]) -> Result<()> {
        self.created(name, self.link_new(fs, root, name, bytes), |current| current == bytes)
    }

    /// The outcome of creating `name` in this folder: a name that exists already is
    /// accepted if its bytes are the `same` as those meant for it, and refused otherwise.
    fn created(&self, name: &str, created: io::Result<()>, same: impl FnOnce(&[u8]) -> bool) -> Result<()> {
        let path = self.path.join(name);
        match created {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let mut current = Vec::new();
                open_no_follow(&path).and_then(|mut f| f.read_to_end(&mut current)).map_err(|e| Error::io(&path, e))?;
                if same(&current) { Ok(()) } else { Err(Error::WouldOverwrite { path }) }
            }
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Creates `name` read-only with `bytes` in this folder; `AlreadyExists` if it exists.
    fn link_new(&self, fs: &dyn Fs, root: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if fs.unnamed_files()
            && let Some(linked) = self.link_unnamed(fs, name, bytes)
        {
            return linked;
        }
        // A temporary name is linked by path: the folder is checked again, as when opened.
        if self.path != root && fs::symlink_metadata(&self.path)?.file_type().is_symlink() {
            return Err(linked(&self.path));
        }
        link_from_temporary(fs, root, &self.path.join(name), bytes)
    }

    /// Writes `bytes` to an unnamed file in this folder (`O_TMPFILE`) and links it as `name`:
    /// no temporary name to create and delete (directory updates were most of the cost of
    /// storing). `None` where the file system or `/proc` can't do it.
    #[cfg(target_os = "linux")]
    fn link_unnamed(&self, fs: &dyn Fs, name: &str, bytes: &[u8]) -> Option<io::Result<()>> {
        match self.create_unnamed(fs, bytes)? {
            Ok(file) => self.link(&file, name),
            Err(e) => Some(Err(e)),
        }
    }

    /// A new unnamed file in this folder holding `bytes`; `None` where one can't be made
    /// (no `O_TMPFILE` on this file system, or no descriptor left).
    #[cfg(target_os = "linux")]
    fn create_unnamed(&self, fs: &dyn Fs, bytes: &[u8]) -> Option<io::Result<File>> {
        use std::os::fd::{AsRawFd, FromRawFd};
        // Readable too: should it have to be linked the portable way, its bytes are read back.
        // SAFETY: a valid folder descriptor and a NUL-terminated path; the result is checked.
        let fd = unsafe { libc::openat(self.fd.as_raw_fd(), c".".as_ptr(), libc::O_TMPFILE | libc::O_RDWR | libc::O_CLOEXEC, self.mode) };
        if fd < 0 {
            return None;
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        let mut file = unsafe { File::from_raw_fd(fd) };
        Some(fs.write(&mut file, bytes).map(|()| file))
    }

    /// Links the unnamed `file` into this folder as `name`: from the open file itself
    /// (`AT_EMPTY_PATH`, Linux 6.10 or `CAP_DAC_READ_SEARCH`), else through its
    /// `/proc/self/fd` name. `None` where neither can be done.
    #[cfg(target_os = "linux")]
    fn link(&self, file: &File, name: &str) -> Option<io::Result<()>> {
        use std::os::fd::AsRawFd;
        use std::sync::atomic::{AtomicBool, Ordering};
        /// Set once linking an open file failed where its `/proc` name worked: the kernel
        /// refuses `AT_EMPTY_PATH` to this process, so later files go through `/proc` at once.
        static NO_EMPTY_PATH: AtomicBool = AtomicBool::new(false);
        let (dir, fd) = (self.fd.as_raw_fd(), file.as_raw_fd());
        let to = std::ffi::CString::new(name).ok()?;
        let empty_path_failed = !NO_EMPTY_PATH.load(Ordering::Relaxed) && {
            // SAFETY: valid descriptors and NUL-terminated paths for the duration of the call.
            if unsafe { libc::linkat(fd, c"".as_ptr(), dir, to.as_ptr(), libc::AT_EMPTY_PATH) } == 0 {
                return Some(Ok(()));
            }
            let e = io::Error::last_os_error();
            // Refused (ENOENT) is tried again through /proc; anything else is the answer.
            if e.kind() != io::ErrorKind::NotFound {
                return Some(Err(e));
            }
            true
        };
        let from = std::ffi::CString::new(format!("/proc/self/fd/{fd}")).ok()?;
        // SAFETY: valid descriptors and NUL-terminated paths for the duration of the call.
        if unsafe { libc::linkat(libc::AT_FDCWD, from.as_ptr(), dir, to.as_ptr(), libc::AT_SYMLINK_FOLLOW) } == 0 {
            if empty_path_failed {
                NO_EMPTY_PATH.store(true, Ordering::Relaxed);
            }
            return Some(Ok(()));
        }
        let e = io::Error::last_os_error();
        // A missing /proc also says NotFound: then the portable way.
        if e.kind() == io::ErrorKind::NotFound { None } else { Some(Err(e)) }
    }

    /// Writes `bytes` to a new unnamed file of this folder, to be named later by
    /// [`Dir::link_once`]: the write, most of the cost of storing a file, can then run on
    /// any thread, while names are still given by one. `None` where unnamed files can't be
    /// made (another system, the portable [`Fs`], no descriptor left): then
    /// [`Dir::write_once`] the bytes.
    pub fn write_unnamed(&self, fs: &dyn Fs, bytes: &[u8]) -> Option<io::Result<Unnamed>> {
        #[cfg(target_os = "linux")]
        if fs.unnamed_files() {
            let held = Held::take()?;
            return self.create_unnamed(fs, bytes).map(|r| r.map(|file| Unnamed { file, _held: held }));
        }
        let _ = (fs, bytes);
        None
    }

    /// Names the unnamed `file` (made by [`Dir::write_unnamed`] on this folder) `name`
    /// unless that exists, as [`Dir::write_once`] does with bytes: a file there already
    /// with the same SHA-256 is accepted, other bytes are refused.
    pub fn link_once(&self, fs: &dyn Fs, root: &Path, file: &Unnamed, name: &str, sha256: &Sha256Sum) -> Result<()> {
        #[cfg(target_os = "linux")]
        let linked = match self.link(&file.file, name) {
            Some(linked) => linked,
            // Neither way of linking an open file works here: its bytes, read back, go the
            // portable way.
            None => file.bytes().and_then(|bytes| link_from_temporary(fs, root, &self.path.join(name), &bytes)),
        };
        #[cfg(not(target_os = "linux"))]
        let linked: io::Result<()> = match file.never {};
        self.created(name, linked, |current| Sha256Sum::of(current) == *sha256)
    }
}

/// The folders of an archive a run writes to, each opened once ([`Dir::open`]) and shared
/// by the threads that write into it: the one that names files and those that stage them
/// (an unnamed file is made in the very folder it is then linked into).
#[derive(Debug, Default)]
pub struct Dirs(std::sync::Mutex<Vec<(String, std::sync::Arc<Dir>)>>);

impl Dirs {
    /// The open folder `dir` of `root` (archive-relative, `""` for the root itself), opened
    /// (and created) on first use.
    pub fn get(&self, root: &Path, dir: &str) -> Result<std::sync::Arc<Dir>> {
        let mut dirs = self.0.lock().expect("no thread panics holding the folders");
        if let Some((_, open)) = dirs.iter().find(|(d, _)| d == dir) {
            return Ok(open.clone());
        }
        let path = if dir.is_empty() { root.to_path_buf() } else { root.join(dir) };
        let open = std::sync::Arc::new(Dir::open(root, &path)?);
        dirs.push((dir.to_string(), open.clone()));
        Ok(open)
    }

    /// The folders opened so far, by archive-relative path, in the order first used.
    pub fn opened(&self) -> Vec<String> {
        self.0.lock().expect("no thread panics holding the folders").iter().map(|(d, _)| d.clone()).collect()
    }
}

/// A file's bytes written to an unnamed file of a folder ([`Dir::write_unnamed`]), not
/// named yet. Dropped unnamed (a run that failed before naming it) it is gone without a
/// trace: the kernel frees a file no folder names once it is closed.
#[derive(Debug)]
pub struct Unnamed {
    #[cfg(target_os = "linux")]
    file: File,
    /// Its place among the unnamed files held open at once.
    #[cfg(target_os = "linux")]
    _held: Held,
    #[cfg(not(target_os = "linux"))]
    never: std::convert::Infallible,
}

/// One of the unnamed files a process holds open at once: at most half of its limit of open
/// files (`RLIMIT_NOFILE`'s soft limit, often 1,024), so that however many are staged, every
/// other file the run opens (an archived file read back, the register) still opens. Past
/// that, [`Dir::write_unnamed`] says `None` and the bytes are written when named.
#[cfg(target_os = "linux")]
#[derive(Debug)]
struct Held;

#[cfg(target_os = "linux")]
static HELD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[cfg(target_os = "linux")]
impl Held {
    /// How many may be held: half the soft limit when first asked.
    fn limit() -> usize {
        static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        *LIMIT.get_or_init(|| {
            let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            // SAFETY: `getrlimit` writes the struct it is given; the result is checked.
            let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 { limit.rlim_cur } else { 256 };
            usize::try_from(soft / 2).unwrap_or(usize::MAX)
        })
    }

    fn take() -> Option<Held> {
        use std::sync::atomic::Ordering;
        if HELD.fetch_add(1, Ordering::Relaxed) < Held::limit() {
            Some(Held)
        } else {
            HELD.fetch_sub(1, Ordering::Relaxed);
            None
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for Held {
    fn drop(&mut self) {
        HELD.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Unnamed {
    /// The bytes written, read back.
    pub(crate) fn bytes(&self) -> io::Result<Vec<u8>> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileExt;
            let len = self.file.metadata()?.len();
            let mut bytes = vec![0; usize::try_from(len).map_err(io::Error::other)?];
            self.file.read_exact_at(&mut bytes, 0)?;
            Ok(bytes)
        }
        #[cfg(not(target_os = "linux"))]
        match self.never {}
    }
}

pub(crate) fn linked(path: &Path) -> io::Error {
    io::Error::other(format!("{} is a symbolic link; the archive never follows links", path.display()))
}

/// Creates `dir` (inside `root`) and its parents, refusing to go through a link.
pub fn create_dir_no_link(root: &Path, dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let rel = dir.strip_prefix(root).map_err(|_| io::Error::other(format!("{} is outside the archive", dir.display())))?;
    let mut path = root.to_path_buf();
    for part in rel.components() {
        path.push(part);
        if fs::symlink_metadata(&path)?.file_type().is_symlink() {
            return Err(linked(&path));
        }
    }
    Ok(())
}

/// Writes `bytes` to a temporary name in the archive's [`TEMPORARY`] folder and hard-links
/// it into place. A crash may leave the temporary file; the next locked run removes it.
fn link_from_temporary(fs: &dyn Fs, root: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = root.join(TEMPORARY);
    create_dir_no_link(root, &temporary)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = temporary.join(format!("{name}.{}", std::process::id()));
    {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        // Issued files are read-only from the start (the link below keeps the mode).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o444);
        let mut f = match options.open(&tmp) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // Left by a crashed run of a process with our id: it was never linked.
                fs::remove_file(&tmp)?;
                options.open(&tmp)?
            }
            other => other?,
        };
        if let Err(e) = fs.write(&mut f, bytes) {
            drop(f);
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    /// The portable path: no unnamed files.
    #[derive(Debug)]
    struct Portable;
    impl Fs for Portable {
        fn unnamed_files(&self) -> bool {
            false
        }
    }

    fn written_once_read_only_never_replaced(fs: &dyn Fs) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026");
        write_once(fs, root.path(), &dir, "A-1.pdf", b"first").unwrap();
        assert_eq!(fs::read(dir.join("A-1.pdf")).unwrap(), b"first");
        assert!(fs::metadata(dir.join("A-1.pdf")).unwrap().permissions().readonly());
        // The same bytes again (a repeated interrupted run): accepted, nothing changes.
        write_once(fs, root.path(), &dir, "A-1.pdf", b"first").unwrap();
        // Other bytes: refused, the file keeps its bytes.
        match write_once(fs, root.path(), &dir, "A-1.pdf", b"second") {
            Err(Error::WouldOverwrite { path }) => assert_eq!(path, dir.join("A-1.pdf")),
            other => panic!("expected WouldOverwrite, got {other:?}"),
        }
        assert_eq!(fs::read(dir.join("A-1.pdf")).unwrap(), b"first");
        // No temporary file is left behind.
        assert_eq!(names(&dir), ["A-1.pdf"]);
        if root.path().join(TEMPORARY).exists() {
            assert!(names(&root.path().join(TEMPORARY)).is_empty());
        }
    }

    /// Whether this file system and `/proc` let `dir` take unnamed files and link them.
    #[cfg(target_os = "linux")]
    fn takes_unnamed_files(dir: &Path) -> bool {
        use std::os::unix::fs::OpenOptionsExt;
        OpenOptions::new().write(true).mode(0o600).custom_flags(libc::O_TMPFILE).open(dir).is_ok() && Path::new("/proc/self/fd").is_dir()
    }

    #[test]
    fn a_file_is_written_once_read_only_and_never_replaced() {
        written_once_read_only_never_replaced(&RealFs);
    }

    /// Where unnamed files work, documents never pass through a temporary name: not even
    /// when the name exists already, with the same bytes or other ones.
    #[cfg(target_os = "linux")]
    #[test]
    fn unnamed_files_need_no_temporary_folder() {
        let root = tempfile::tempdir().unwrap();
        if !takes_unnamed_files(root.path()) {
            eprintln!("skipped: {} takes no unnamed files", root.path().display());
            return;
        }
        let dir = root.path().join("2026");
        write_once(&RealFs, root.path(), &dir, "A-1.pdf", b"first").unwrap();
        write_once(&RealFs, root.path(), &dir, "A-1.pdf", b"first").unwrap();
        assert!(matches!(write_once(&RealFs, root.path(), &dir, "A-1.pdf", b"second"), Err(Error::WouldOverwrite { .. })));
        assert_eq!(names(root.path()), ["2026"]);
        // The portable path leaves its (emptied) folder of temporary names.
        write_once(&Portable, root.path(), &dir, "A-2.pdf", b"second").unwrap();
        assert_eq!(names(root.path()), [TEMPORARY, "2026"]);
        assert!(names(&root.path().join(TEMPORARY)).is_empty());
    }

    /// A disk that fills up halfway through every document.
    #[derive(Debug)]
    struct Full {
        unnamed: bool,
    }
    impl Fs for Full {
        fn write(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
            RealFs.write(file, &bytes[..bytes.len() / 2])?;
            Err(io::Error::from_raw_os_error(28))
        }
        fn unnamed_files(&self) -> bool {
            self.unnamed
        }
    }

    #[test]
    fn a_failed_write_is_reported_as_it_failed_and_leaves_no_name() {
        for unnamed in [true, false] {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path().join("2026");
            match write_once(&Full { unnamed }, root.path(), &dir, "A-1.pdf", b"the whole PDF") {
                Err(Error::Io { path, source }) => {
                    assert_eq!(path, dir.join("A-1.pdf"));
                    assert_eq!(source.raw_os_error(), Some(28), "{source}");
                }
                other => panic!("expected the disk-full error, got {other:?}"),
            }
            assert!(names(&dir).is_empty());
            if root.path().join(TEMPORARY).exists() {
                assert!(names(&root.path().join(TEMPORARY)).is_empty());
            }
        }
    }

    #[test]
    fn a_temporary_file_left_by_a_crashed_run_with_our_process_id_is_replaced() {
        let root = tempfile::tempdir().unwrap();
        let temporary = root.path().join(TEMPORARY);
        fs::create_dir(&temporary).unwrap();
        let left = temporary.join(format!("A-1.pdf.{}", std::process::id()));
        fs::write(&left, b"half a PDF").unwrap();
        let dir = root.path().join("2026");
        write_once(&Portable, root.path(), &dir, "A-1.pdf", b"the whole PDF").unwrap();
        assert_eq!(fs::read(dir.join("A-1.pdf")).unwrap(), b"the whole PDF");
        assert!(names(&temporary).is_empty());
    }

    /// The archive's root is the folder the user names, a link or not; only folders inside
    /// it may not be links.
    #[cfg(unix)]
    #[test]
    fn the_root_may_be_a_link() {
        let real = tempfile::tempdir().unwrap();
        let holder = tempfile::tempdir().unwrap();
        let root = holder.path().join("archive");
        std::os::unix::fs::symlink(real.path(), &root).unwrap();
        for (fs, name) in [(&RealFs as &dyn Fs, "seller.json"), (&Portable, "other.json")] {
            write_once(fs, &root, &root, name, b"{}").unwrap();
            assert_eq!(fs::read(real.path().join(name)).unwrap(), b"{}");
        }
        write_once(&RealFs, &root, &root.join("2026"), "A-1.pdf", b"x").unwrap();
        assert_eq!(fs::read(real.path().join("2026/A-1.pdf")).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn no_link_below_refuses_only_a_linked_folder() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        fs::create_dir_all(root.join("2026/sub")).unwrap();
        fs::write(root.join("2026/A-1.pdf"), b"x").unwrap();
        std::os::unix::fs::symlink(root.join("2026"), root.join("2027")).unwrap();
        // A file directly in the root, or in real folders: nothing to refuse.
        no_link_below(root, "seller.json").unwrap();
        no_link_below(root, "2026/A-1.pdf").unwrap();
        no_link_below(root, "2026/sub/A-1.pdf").unwrap();
        // The last component is not looked at (the read refuses a link there itself).
        no_link_below(root, "2027").unwrap();
        // Folders that do not exist are no links; the read then finds the file missing.
        no_link_below(root, "2028/sub/A-1.pdf").unwrap();
        let err = no_link_below(root, "2027/A-1.pdf").unwrap_err();
        assert_eq!(err.to_string(), format!("{} is a symbolic link; the archive never follows links", root.join("2027").display()));
        let err = no_link_below(root, "2027/sub/A-1.pdf").unwrap_err();
        assert_eq!(err.to_string(), format!("{} is a symbolic link; the archive never follows links", root.join("2027").display()));
        // A file where a folder should be: that error, not silence.
        let err = no_link_below(root, "2026/A-1.pdf/sub/A-2.pdf").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotADirectory);
    }

    /// A folder held open keeps taking files as the folder it was when checked: a link put
    /// in its place afterwards is never written through.
    #[cfg(unix)]
    #[test]
    fn an_open_folder_replaced_by_a_link_is_not_written_through() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026");
        for fs in [&RealFs as &dyn Fs, &Portable] {
            let open = Dir::open(root.path(), &dir).unwrap();
            open.write_once(fs, root.path(), "A-1.pdf", b"first").unwrap();
            fs::rename(&dir, root.path().join("moved")).unwrap();
            std::os::unix::fs::symlink(outside.path(), &dir).unwrap();
            let written = open.write_once(fs, root.path(), "A-2.pdf", b"second");
            if fs.unnamed_files() {
                // Unnamed files are linked into the open folder, wherever it now is.
                written.unwrap();
                assert_eq!(names(&root.path().join("moved")), ["A-1.pdf", "A-2.pdf"]);
            } else {
                // The portable path names the file by its path: it checks the folder again.
                let err = written.unwrap_err();
                assert!(err.to_string().contains("symbolic link"), "{err}");
                assert_eq!(names(&root.path().join("moved")), ["A-1.pdf"]);
            }
            assert!(names(outside.path()).is_empty(), "written through the link");
            // Opening the folder again refuses the link.
            let err = Dir::open(root.path(), &dir).unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
            fs::remove_file(&dir).unwrap();
            fs::remove_dir_all(root.path().join("moved")).unwrap();
        }
    }

    #[test]
    fn the_portable_path_writes_once_read_only_and_never_replaces() {
        written_once_read_only_never_replaced(&Portable);
    }

    #[test]
    fn files_are_written_from_many_threads_at_once() {
        use rayon::prelude::*;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026");
        (0..200).into_par_iter().for_each(|i| write_once(&RealFs, root.path(), &dir, &format!("A-{i}.json"), i.to_string().as_bytes()).unwrap());
        assert_eq!(names(&dir).len(), 200);
        for i in 0..200 {
            assert_eq!(fs::read_to_string(dir.join(format!("A-{i}.json"))).unwrap(), i.to_string());
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_unnamed_file_is_written_on_any_thread_and_named_once() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = Dir::open(root.path(), &root.path().join("2026")).unwrap();
        // Written on other threads, named here in the order given.
        let staged: Vec<Unnamed> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|i| s.spawn({ let dir = &dir; move || dir.write_unnamed(&RealFs, format!("file {i}").as_bytes()).unwrap().unwrap() })).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(names(&root.path().join("2026")).is_empty(), "nothing has a name before it is linked");
        for (i, file) in staged.iter().enumerate().take(3) {
            dir.link_once(&RealFs, root.path(), file, &format!("A-{i}.pdf"), &Sha256Sum::of(format!("file {i}").as_bytes())).unwrap();
        }
        drop(staged); // the fourth is never named
        assert_eq!(names(&root.path().join("2026")), ["A-0.pdf", "A-1.pdf", "A-2.pdf"]);
        for i in 0..3 {
            let path = root.path().join(format!("2026/A-{i}.pdf"));
            assert_eq!(fs::read_to_string(&path).unwrap(), format!("file {i}"));
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
        }
        // A name taken by the same bytes is accepted, by other bytes refused and kept.
        let same = dir.write_unnamed(&RealFs, b"file 0").unwrap().unwrap();
        dir.link_once(&RealFs, root.path(), &same, "A-0.pdf", &Sha256Sum::of(b"file 0")).unwrap();
        let other = dir.write_unnamed(&RealFs, b"other").unwrap().unwrap();
        let err = dir.link_once(&RealFs, root.path(), &other, "A-1.pdf", &Sha256Sum::of(b"other")).unwrap_err();
        assert!(matches!(&err, Error::WouldOverwrite { path } if path == &root.path().join("2026/A-1.pdf")), "{err}");
        assert_eq!(fs::read_to_string(root.path().join("2026/A-1.pdf")).unwrap(), "file 1");
        // Outside an archive (an export's folder) files are the owner's to change.
        let export = Dir::open(root.path(), &root.path().join("export")).unwrap().writable_files();
        let file = export.write_unnamed(&RealFs, b"copy").unwrap().unwrap();
        export.link_once(&RealFs, root.path(), &file, "A-0.pdf", &Sha256Sum::of(b"copy")).unwrap();
        assert_eq!(fs::metadata(root.path().join("export/A-0.pdf")).unwrap().permissions().mode() & 0o200, 0o200);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_unnamed_file_reads_back_its_bytes_and_gives_back_its_place_when_dropped() {
        let root = tempfile::tempdir().unwrap();
        let dir = Dir::open(root.path(), &root.path().join("2026")).unwrap();
        let file = dir.write_unnamed(&RealFs, b"the bytes").unwrap().unwrap();
        assert_eq!(file.bytes().unwrap(), b"the bytes");
        drop(file);
        // More than may be held at once, one after the other: each place comes back.
        let limit = Held::limit().min(20_000);
        for i in 0..limit + 8 {
            assert!(dir.write_unnamed(&RealFs, b"x").is_some(), "file {i} of {limit} held at most");
        }
    }

    #[test]
    fn the_portable_path_makes_no_unnamed_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = Dir::open(root.path(), &root.path().join("2026")).unwrap();
        assert!(dir.write_unnamed(&Portable, b"x").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_through_a_linked_folder_or_read_through_a_link() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("2026")).unwrap();
        for fs in [&RealFs as &dyn Fs, &Portable] {
            let err = write_once(fs, root.path(), &root.path().join("2026"), "A-1.pdf", b"x").unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
        assert!(names(outside.path()).is_empty());
        fs::write(outside.path().join("A-1.pdf"), b"x").unwrap();
        let err = read_verified(root.path(), "2026/A-1.pdf", &Sha256Sum::of(b"x")).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        fs::create_dir(root.path().join("2027")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("A-1.pdf"), root.path().join("2027/A-1.pdf")).unwrap();
        // Said as what it is, not as the system's "too many levels of symbolic links".
        let err = read_verified(root.path(), "2027/A-1.pdf", &Sha256Sum::of(b"x")).unwrap_err();
        assert_eq!(err.to_string(), format!("{}: a symbolic link; the archive never follows links", root.path().join("2027/A-1.pdf").display()));
    }
}
