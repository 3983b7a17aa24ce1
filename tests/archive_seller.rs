//! One archive per seller, never by accident: the archive comes from `--archive`,
//! `INVOICESMITH_ARCHIVE` or company.toml's `[archive] path` (never the current folder);
//! creating one takes `--init`; a data folder of another seller is refused.

mod archive_support;

use std::fs;

use archive_support::*;

#[test]
fn the_archive_never_depends_on_the_current_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    // company.toml says `path = "../archive"`: tmp/archive, wherever the run starts.
    let first = command(&["issue", p(&data), "--init", "--quiet"]).current_dir(&elsewhere).output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(tmp.path().join("archive/register.jsonl").exists());
    assert!(!elsewhere.join("archive").exists());
    // Again from another folder: the same archive, nothing issued twice.
    let again = command(&["issue", p(&data), "--quiet"]).current_dir(tmp.path()).output().unwrap();
    assert!(stdout(&again).starts_with("issued 0 document(s)"), "{}", stdout(&again));
    // The environment names it for commands without a data folder.
    let show = command(&["show", "KL-INV-2026-000001"]).env("INVOICESMITH_ARCHIVE", tmp.path().join("archive")).output().unwrap();
    assert!(show.status.success(), "{}", stderr(&show));
    // Without it: a usage error, not a guess.
    for args in [&["verify"][..], &["show", "KL-INV-2026-000001"], &["export", "--month", "2026-10", "--out", "x"]] {
        let out = command(args).current_dir(tmp.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("which archive? Give --archive DIR|URL") && err.contains("INVOICESMITH_ARCHIVE"), "{err}");
    }
}

#[test]
fn a_new_archive_needs_init_and_a_missing_one_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("typo");
    let out = run(&["issue", p(&samples()), "--archive", p(&archive)]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("typo: no archive here (give the right --archive, or --init to create a new one)"), "{}", stderr(&out));
    assert!(!archive.exists());
    // --init never adopts a folder that holds other things (their files would be moved).
    let busy = tmp.path().join("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("notes.txt"), "mine").unwrap();
    let out = run(&["issue", p(&samples()), "--archive", p(&busy), "--init"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("busy: holds files but no archive; --init creates an archive only in a new or empty folder"), "{}", stderr(&out));
    assert_eq!(files(&busy).into_keys().collect::<Vec<_>>(), ["notes.txt"]);
    for args in [
        &["verify", "--archive", "/no/such/dir"][..],
        &["show", "KL-INV-2026-000001", "--archive", "/no/such/dir"],
        &["reissue", "KL-INV-2026-000001", "--set", "name=X", "--reason", "r", "--archive", "/no/such/dir"],
        &["export", "--month", "2026-10", "--archive", "/no/such/dir", "--out", p(&tmp.path().join("e"))],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("/no/such/dir: no archive here"), "{}", stderr(&out));
    }
}

/// `seller.json` is read without following a link, like every archive file: a link there
/// (even to a file saying the same) stops a writing run before anything is planned.
#[test]
fn a_linked_seller_record_is_refused_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    let outside = tmp.path().join("seller.json");
    fs::copy(archive.join("seller.json"), &outside).unwrap();
    writable(&archive.join("seller.json"));
    fs::remove_file(archive.join("seller.json")).unwrap();
    std::os::unix::fs::symlink(&outside, archive.join("seller.json")).unwrap();
    let before = register(&archive);
    let data = copy_samples(&tmp.path().join("more"));
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        format!("error: {}: a symbolic link; the archive never follows links", archive.join("seller.json").display())
    );
    assert_eq!(register(&archive), before);
}

/// A run with nothing to issue still needs an archive: without `--init` a missing one is
/// the same exit 3, not "issued 0 document(s)" into nowhere.
#[test]
fn nothing_to_issue_into_a_missing_archive_is_still_exit_3() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let transactions = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let only_failed: Vec<&str> = transactions.lines().filter(|l| l.starts_with("transaction_id,") || l.contains(",failed,")).collect();
    assert_eq!(only_failed.len(), 2, "the samples have one failed payment");
    fs::write(data.join("transactions.csv"), only_failed.join("\n") + "\n").unwrap();
    let archive = tmp.path().join("typo");
    let out = run(&["issue", p(&data), "--archive", p(&archive)]);
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("typo: no archive here"), "{}", stderr(&out));
    assert!(!archive.exists());
    // With --init the same run succeeds and, having nothing to store, creates nothing.
    let out = run(&["issue", p(&data), "--archive", p(&archive), "--init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("issued 0 document(s); nothing to store, so no archive was created at {}", archive.display())), "{}", stdout(&out));
    assert!(!archive.exists(), "an archive was created with nothing to store");
}

#[test]
fn an_archive_refuses_another_sellers_data_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    assert_eq!(fs::read_to_string(archive.join("seller.json")).unwrap(), "{\"vat_id\":\"EE101234568\"}\n");
    let other = copy_samples(&tmp.path().join("other"));
    let company = fs::read_to_string(other.join("company.toml")).unwrap().replace("EE101234568", "EE100247019");
    fs::write(other.join("company.toml"), company).unwrap();
    let before = files(&archive);
    let out = issue(&other, &archive);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("this archive belongs to the seller EE101234568, but company.toml is the seller EE100247019's"), "{}", stderr(&out));
    assert_eq!(files(&archive), before);
    // So are a correction, an export and a statement given that folder: the one would be
    // issued under another seller's company.toml, the others reconciled with its payments
    // (and the export booked with its accounts).
    let export = tmp.path().join("export");
    let statements = tmp.path().join("statements");
    for args in [
        &["reissue", "KL-INV-2026-000001", "--set", "name=X", "--reason", "r", "--archive", p(&archive), "--data", p(&other)][..],
        &["export", "--month", "2026-10", "--archive", p(&archive), "--data", p(&other), "--out", p(&export)],
        &["statement", "cus_fr_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", p(&archive), "--data", p(&other), "--out", p(&statements)],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).trim_end(),
            format!("error: {}: this archive belongs to the seller EE101234568, but company.toml is the seller EE100247019's; nothing was written (one archive per seller: give that seller's --archive)", archive.display()),
            "{args:?}"
        );
        assert_eq!(files(&archive), before);
    }
    assert!(!export.exists() && !tmp.path().join("export.zip").exists() && !statements.exists());
    // The seller's own folder exports.
    let out = run(&["export", "--month", "2026-10", "--archive", p(&archive), "--data", p(&samples()), "--out", p(&export)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The seller record is checked against the registered snapshots.
    writable(&archive.join("seller.json"));
    fs::write(archive.join("seller.json"), "{\"vat_id\":\"EE100247019\"}\n").unwrap();
    let out = verify(&archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("seller.json: names the seller EE100247019, but KL-INV-2026-000001 was issued by EE101234568"), "{}", stderr(&out));
}

/// A company.toml that does not read names no archive, and what is wrong with it is the
/// error: its line, not "which archive?".
#[test]
fn a_company_toml_that_does_not_read_is_the_error_not_which_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    // A second [archive] table: TOML refuses it at its header.
    let twice = format!("{company}\n[archive]\npath = \"elsewhere\"\n");
    let header = twice.lines().enumerate().filter(|(_, l)| *l == "[archive]").last().unwrap().0 + 1;
    fs::write(data.join("company.toml"), &twice).unwrap();
    for args in [&["issue", p(&data), "--init"][..], &["export", "--month", "2026-10", "--data", p(&data), "--out", p(&tmp.path().join("e"))]] {
        let out = command(args).current_dir(tmp.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("error: company.toml:{header}: is not valid TOML: duplicate key")), "{}", stderr(&out));
        assert!(!stderr(&out).contains("which archive"), "{}", stderr(&out));
    }
    // A key of the wrong type is named with its type.
    fs::write(data.join("company.toml"), company.replace("[archive]\n", "[archive]\nsigning_key = 5\n")).unwrap();
    let out = command(&["issue", p(&data), "--init"]).current_dir(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error: company.toml: archive.signing_key: is an integer; expected a string"), "{}", stderr(&out));
    assert!(!tmp.path().join("archive").exists() && !tmp.path().join("e").exists());
}
