//! `invoicesmith archive copy SRC DST`: an archive moved between backends (a folder and a
//! PostgreSQL database, either way, or folder to folder) line for line and byte for byte.
//!
//! The source must verify clean and is read under its shared lock, every file checked
//! against its SHA-256 as it is read; the destination must be new (an empty folder, or a
//! database without the archive's tables). Company snapshots and logos are copied once
//! each, before the first line that names them. Register and checkpoint lines are copied as the
//! exact text that was hashed and signed, so heads, chains and signatures carry over; then
//! the destination is verified and its lines compared with the source's.

use std::collections::BTreeSet;

use super::register::{company_path, logo_path};
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

/// Copies `src` into the new archive `dst` and verifies the result.
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
    if dst.exists() {
        return Err(Error::Refused(format!("{}: holds an archive already; `archive copy` fills only a new one; nothing was copied", dst.root().display())));
    }
    let _reading = src.lock_shared()?;
    let state = src.checked_state()?;
    let (lines, checkpoints) = src.raw_lines()?;
    if lines.len() != state.entries.len() {
        return Err(Error::Refused(format!("{}: the register changed while it was read; nothing was copied", src.root().display())));
    }
    let dst = dst.clone().init(true);
    let mut locked = dst.lock()?;
    if !locked.state.entries.is_empty() {
        return Err(Error::Refused(format!("{}: another run issued into it meanwhile; nothing was copied", dst.root().display())));
    }
    let mut copied = Copied { lines: lines.len(), files: 0, checkpoints: checkpoints.len() };
    if let Some(seller) = src.read_own(SELLER)? {
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
    for text in &checkpoints {
        locked.copy_checkpoint(text.clone())?;
    }
    locked.commit()?;
    locked.settle()?;
    drop(locked);
    let findings = dst.verify(&VerifyOptions::default())?;
    if let Some(first) = findings.first() {
        return Err(Error::Refused(format!("{}: the copy does not verify ({} problem(s), the first: {first})", dst.root().display(), findings.len())));
    }
    if dst.raw_lines()? != (lines, checkpoints) {
        return Err(Error::Refused(format!("{}: the copy's register or checkpoints differ from the source's", dst.root().display())));
    }
    Ok(copied)
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
    }
}
