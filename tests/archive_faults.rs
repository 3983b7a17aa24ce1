//! Disk full and I/O errors at every write and sync of a batch, injected through the
//! archive's file-system seam (`archive::Fs`): the run fails with an I/O error, nothing
//! half-committed stays (the register and checkpoints parse to their last committed line,
//! every registered file verifies), and the next run completes the archive byte for byte as
//! an uninterrupted run does.

mod archive_support;

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use archive_support::*;
use invoicesmith::archive::{Archive, Fs, RealFs};
use invoicesmith::archive::VerifyOptions;
use invoicesmith::render::Format;
use invoicesmith::app::{IssueReport, run_issue};
use invoicesmith::{Error, Result};

/// HTML and the JSON record: every kind of write a batch makes, at a fraction of the PDF's
/// rendering time (the injected faults don't depend on the bytes).
fn issue_into(archive: &Archive) -> Result<IssueReport> {
    invoicesmith::app::run_issue_with(&samples(), archive, &[Format::Html, Format::Json], &mut |_, _| {}).map_err(|e| e.error)
}

fn intact(archive: &Archive) {
    let findings = archive.verify(&VerifyOptions::default()).unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
}

/// Fails the `fail_at`-th write or sync (0-based) with `errno`; everything else is real.
#[derive(Debug)]
struct Failing {
    fail_at: usize,
    errno: i32,
    calls: AtomicUsize,
    /// Use the portable write path (temporary names) instead of unnamed files.
    portable: bool,
}

impl Failing {
    fn new(fail_at: usize, errno: i32, portable: bool) -> Failing {
        Failing { fail_at, errno, calls: AtomicUsize::new(0), portable }
    }
    /// Whether this call is the one to fail.
    fn fails(&self) -> bool {
        self.calls.fetch_add(1, Ordering::SeqCst) == self.fail_at
    }
    fn step(&self) -> io::Result<()> {
        if self.fails() { Err(io::Error::from_raw_os_error(self.errno)) } else { Ok(()) }
    }
}

impl Fs for Failing {
    fn write(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        if self.fails() {
            // A disk that fills up mid-write takes part of the bytes, then fails.
            RealFs.write(file, &bytes[..bytes.len() / 2])?;
            return Err(io::Error::from_raw_os_error(self.errno));
        }
        RealFs.write(file, bytes)
    }
    fn sync(&self, file: &File) -> io::Result<()> {
        self.step()?;
        RealFs.sync(file)
    }
    fn sync_files(&self, lock: &File, files: &[PathBuf]) -> io::Result<()> {
        self.step()?;
        RealFs.sync_files(lock, files)
    }
    fn unnamed_files(&self) -> bool {
        !self.portable
    }
}

/// Register appends put half their bytes on disk and then fail.
#[derive(Debug)]
struct TornAppend {
    errno: i32,
}

impl Fs for TornAppend {
    fn write(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        if bytes.starts_with(b"{\"number\":") {
            RealFs.write(file, &bytes[..bytes.len() / 2])?;
            return Err(io::Error::from_raw_os_error(self.errno));
        }
        RealFs.write(file, bytes)
    }
}

const ENOSPC: i32 = 28;
const EIO: i32 = 5;

#[test]
fn every_write_and_sync_of_a_batch_can_fail_and_the_next_run_completes_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    issue_into(&Archive::open(&reference).init(true)).unwrap();
    let expected = register(&reference);
    let calls = {
        let counting = Arc::new(Failing::new(usize::MAX, 0, false));
        issue_into(&Archive::with_fs(tmp.path().join("counted"), counting.clone()).init(true)).unwrap();
        counting.calls.load(Ordering::SeqCst)
    };
    // The seller record, the company snapshot, the logo (once), 18 documents × 2 files, one
    // syncfs, register and checkpoint appends with their syncs.
    assert_eq!(calls, 1 + 1 + 1 + 18 * 2 + 1 + 2 + 2);
    let mut trial = 0;
    for errno in [ENOSPC, EIO] {
        for fail_at in 0..calls {
            trial += 1;
            let archive = tmp.path().join(format!("a{trial}"));
            let portable = fail_at % 2 == 1;
            let failing = Archive::with_fs(&archive, Arc::new(Failing::new(fail_at, errno, portable))).init(true);
            match issue_into(&failing) {
                Err(Error::Io { source, .. }) => assert_eq!(source.raw_os_error(), Some(errno), "call {fail_at}"),
                other => panic!("call {fail_at} failing with {errno}: expected an I/O error, got {other:?}"),
            }
            // Nothing half-committed: whatever the register holds is whole and verified,
            // and a prefix of the uninterrupted run's.
            let partial = register(&archive);
            assert!(expected.starts_with(&partial), "call {fail_at}: the register is not a prefix of the reference");
            assert!(partial.is_empty() || partial.ends_with(b"\n"), "call {fail_at}: a torn line was left");
            // And no file the register does not name: the failed run took back what it had
            // named since its last commit.
            let strays: Vec<String> = files(&archive).into_keys().filter(|f| f.starts_with("2026/") && !String::from_utf8_lossy(&partial).contains(&format!("\"path\":\"{f}\""))).collect();
            assert!(strays.is_empty(), "call {fail_at} failing with {errno}: {strays:?}");
            // The next run, on a healthy disk, completes it.
            let report = issue_into(&Archive::open(&archive).init(true)).unwrap();
            assert_eq!(register(&archive), expected, "call {fail_at}");
            assert!(report.checkpoint.is_some() || partial == expected, "call {fail_at}: no checkpoint");
            intact(&Archive::open(&archive));
        }
    }
}

#[test]
fn a_register_append_cut_short_is_cut_back_and_the_next_run_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    run_issue(&samples(), &Archive::open(&reference).init(true)).unwrap();
    for errno in [ENOSPC, EIO] {
        let archive = tmp.path().join(format!("torn{errno}"));
        let err = run_issue(&samples(), &Archive::with_fs(&archive, Arc::new(TornAppend { errno })).init(true)).unwrap_err();
        assert!(err.to_string().contains("register.jsonl"), "{err}");
        // The half line was cut back: the register is empty, not torn.
        assert_eq!(register(&archive), b"");
        run_issue(&samples(), &Archive::open(&archive).init(true)).unwrap();
        assert_eq!(register(&archive), register(&reference));
        assert_intact(&archive);
    }
}

#[test]
fn the_cli_exits_3_when_the_archive_cannot_be_written() {
    let out = run(&["issue", p(&samples()), "--archive", "/dev/full/archive", "--init", "--quiet"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// Fails the second commit's sync of its files with a full disk: the first commit (512
/// documents) has issued its documents by then.
#[derive(Debug, Default)]
struct FullAtSecondCommit {
    commits: AtomicUsize,
}

impl Fs for FullAtSecondCommit {
    fn sync_files(&self, lock: &File, files: &[PathBuf]) -> io::Result<()> {
        if self.commits.fetch_add(1, Ordering::SeqCst) == 1 {
            return Err(io::Error::from_raw_os_error(ENOSPC));
        }
        RealFs.sync_files(lock, files)
    }
}

#[test]
fn a_run_that_fails_after_a_commit_says_what_it_issued_and_the_next_run_issues_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    // 674 documents: one commit of 512, then the rest at the end of the run.
    let data = generated(tmp.path(), "data", 700, 7);
    let issue = |archive: &Archive| invoicesmith::app::run_issue_with(&data, archive, &[Format::Json], &mut |_, _| {});
    let reference = tmp.path().join("reference");
    assert_eq!(issue(&Archive::open(&reference).init(true)).unwrap().issued.len(), 674);

    let path = tmp.path().join("archive");
    let err = issue(&Archive::with_fs(&path, Arc::new(FullAtSecondCommit::default())).init(true)).unwrap_err();
    match &err.error {
        Error::Io { source, .. } => assert_eq!(source.raw_os_error(), Some(ENOSPC)),
        other => panic!("expected the full disk, got {other:?}"),
    }
    assert_eq!(err.issued.len(), 512);
    // A checkpoint covers them, of the register as it is (512 lines).
    let head = err.checkpoint.as_ref().expect("a checkpoint of what was issued").head.clone();
    assert!(head.starts_with("512:"), "{head}");
    let options = VerifyOptions { expect_head: Some(head.parse().unwrap()), ..VerifyOptions::default() };
    assert_eq!(Archive::open(&path).verify(&options).unwrap(), Vec::<String>::new());
    assert_eq!(
        err.issued_before().unwrap(),
        format!(
            "512 document(s) were issued before the failure, KL-INV-2026-000001 to KL-INV-2026-000512: they are archived and final (checkpoint {head}). \
         Nothing after KL-INV-2026-000512 was issued (the documents of the batch that failed got no register line, and their files were taken back). \
         Run the same command again once the cause is fixed: it issues the rest, each series numbered on from these without a gap"
        )
    );
    assert_eq!(err.to_string(), format!("{}\n{}", err.error, err.issued_before().unwrap()));
    // The register holds exactly the documents reported, and the archive no file besides
    // theirs: the failed batch's were taken back.
    let registered: Vec<String> = register_lines(&path).iter().map(|l| l["number"].as_str().unwrap().to_string()).collect();
    let reported: Vec<String> = err.issued.iter().map(|d| d.number().to_string()).collect();
    assert_eq!(registered, reported);
    let expected = register(&reference);
    let partial = register(&path);
    assert!(expected.starts_with(&partial), "not a prefix of the uninterrupted run's register");
    let mut named: Vec<String> = err.issued.iter().flat_map(|d| d.files()).collect();
    named.sort();
    let stored: Vec<String> = files(&path).into_keys().filter(|f| f.starts_with("2026/")).collect();
    assert_eq!(stored, named);
    intact(&Archive::open(&path));

    // Run again: the other 162, numbered on from the first run's, and the archive as one
    // uninterrupted run leaves it.
    let report = issue(&Archive::open(&path)).unwrap();
    assert_eq!(report.issued.len(), 162);
    assert_eq!(report.issued.first().unwrap().number(), "KL-INV-2026-000513");
    assert_eq!(report.issued.last().unwrap().number(), "KL-CN-2026-000018");
    assert_eq!(register(&path), expected);
    assert!(report.checkpoint.is_some());
    intact(&Archive::open(&path));
}
