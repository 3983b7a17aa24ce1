//! Walking the archive folder without following a single link: folders are entered only if
//! they are folders themselves (`symlink_metadata`, the directory entry's own type), so a
//! link — to a file, a folder outside or a loop — is seen as a link and never entered, and
//! the walk always ends.

use std::path::Path;

use domain::error::{Error, Result};

/// What is in an archive folder, by archive-relative `/`-separated path, each list sorted.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<String>,
    /// Symbolic links (never created by invoicesmith).
    pub links: Vec<String>,
    /// Anything else that is neither a file nor a folder (sockets, devices, fifos).
    pub others: Vec<String>,
}

/// Everything under `root`, except the top-level folders in `skip` (walked by whoever owns
/// them). An absent `root` is empty.
pub fn list(root: &Path, skip: &[&str]) -> Result<Listing> {
    let mut listing = Listing::default();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            // The entry's own type (d_type, or lstat): a link is never resolved.
            let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
            if kind.is_symlink() {
                listing.links.push(rel);
            } else if kind.is_dir() {
                if !(prefix.is_empty() && skip.contains(&rel.as_str())) {
                    stack.push((entry.path(), rel));
                }
            } else if kind.is_file() {
                listing.files.push(rel);
            } else {
                listing.others.push(rel);
            }
        }
    }
    listing.files.sort();
    listing.links.sort();
    listing.others.sort();
    Ok(listing)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_listed_never_followed_and_loops_end() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("2026/a")).unwrap();
        std::fs::write(r.join("2026/a/x.pdf"), b"x").unwrap();
        std::os::unix::fs::symlink(r.join("2026"), r.join("2026/a/loop")).unwrap();
        std::os::unix::fs::symlink(r.join("2027"), r.join("2027")).unwrap();
        std::os::unix::fs::symlink("/", r.join("root")).unwrap();
        std::fs::create_dir(r.join("quarantine")).unwrap();
        std::fs::write(r.join("quarantine/y"), b"y").unwrap();
        let listing = list(r, &["quarantine"]).unwrap();
        assert_eq!(listing.files, ["2026/a/x.pdf"]);
        assert_eq!(listing.links, ["2026/a/loop", "2027", "root"]);
        assert!(listing.others.is_empty());
        assert_eq!(list(r, &[]).unwrap().files, ["2026/a/x.pdf", "quarantine/y"]);
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn an_absent_root_is_empty_but_an_unreadable_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let absent = list(&dir.path().join("absent"), &[]).unwrap();
        assert!(absent.files.is_empty() && absent.links.is_empty() && absent.others.is_empty());
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(list(&file, &[]).is_err());
    }
}
