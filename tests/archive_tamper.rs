//! Tampering, as someone with write access to the archive folder would: every kind of file
//! × a flipped byte, deletion, a symbolic link to an identical copy outside, a stray file;
//! and the register edited, cut, reordered or rechained behind a checkpoint's back.
//! `verify` exits 1 naming it; `reissue` and `export` refuse (exit 3) rather than build on
//! it. A stray file is not a change to what was issued: `export` leaves it out and the next
//! writing run moves it to quarantine/.

mod archive_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use archive_support::*;

struct Pristine {
    _tmp: tempfile::TempDir,
    archive: PathBuf,
    outside: PathBuf,
    head: String,
}

fn pristine() -> Pristine {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("pristine");
    let out = issue(&samples(), &archive);
    assert!(out.status.success(), "{}", stderr(&out));
    let head = stdout(&out).split("--expect-head ").nth(1).unwrap().trim_end_matches(['`', '\n']).to_string();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    Pristine { archive, outside, head, _tmp: tmp }
}

impl Pristine {
    /// A fresh copy of the archive to tamper with.
    fn copy(&self, name: &str) -> PathBuf {
        let to = self.archive.with_file_name(name);
        copy_dir(&self.archive, &to);
        to
    }
}

fn reissue(archive: &Path) -> Output {
    run(&["reissue", "KL-INV-2026-000003", "--set", "name=Mallory", "--reason", "test", "--archive", p(archive)])
}

fn export(archive: &Path) -> (Output, PathBuf) {
    let out = archive.with_file_name(format!("{}-export", archive.file_name().unwrap().to_str().unwrap()));
    (run(&["export", "--month", "2026-10", "--archive", p(archive), "--out", p(&out)]), out)
}

fn company_snapshot(archive: &Path) -> String {
    let name = fs::read_dir(archive.join("company")).unwrap().next().unwrap().unwrap().file_name();
    format!("company/{}", name.to_str().unwrap())
}

/// The one logo file of the samples' archive (`logo/<sha256>`).
fn logo_file(archive: &Path) -> String {
    let names: Vec<_> = fs::read_dir(archive.join("logo")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.len(), 1, "one logo, stored once: {names:?}");
    format!("logo/{}", names[0])
}

#[test]
fn the_logo_is_stored_once_and_a_change_to_it_is_a_finding_naming_it() {
    let pristine = pristine();
    let logo = logo_file(&pristine.archive);
    let bytes = fs::read(pristine.archive.join(&logo)).unwrap();
    assert_eq!(bytes, fs::read(samples().join("logo.svg")).unwrap(), "the file as configured");
    assert_eq!(logo, format!("logo/{}", sha256_hex(&bytes)));
    // Every register line and record names it by that SHA-256; no record carries it.
    let lines = String::from_utf8(register(&pristine.archive)).unwrap();
    assert_eq!(lines.lines().filter(|l| l.contains(&format!("\"logo\":\"{}\"", sha256_hex(&bytes)))).count(), 18);
    let record = fs::read_to_string(pristine.archive.join("2026/KL-INV-2026-000001.json")).unwrap();
    assert!(record.contains(&format!("\"sha256\": \"{}\"", sha256_hex(&bytes))) && !record.contains("\"data\""), "{record}");

    let archive = pristine.copy("flipped-logo");
    flip_byte(&archive.join(&logo), 40);
    let out = verify(&archive);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), format!("error: {logo}: changed since the logo of KL-INV-2026-000001 was issued (SHA-256 differs from the register)\n1 problem(s) in {}\n", archive.display()));
    let out = run(&["render", "2026/KL-INV-2026-000005.json", "--archive", p(&archive), "--out", p(&pristine.outside.join("r"))]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{}: differs from the SHA-256", archive.join(&logo).display())), "{}", stderr(&out));
    assert!(!pristine.outside.join("r").exists());

    let archive = pristine.copy("deleted-logo");
    fs::remove_file(archive.join(&logo)).unwrap();
    let out = verify(&archive);
    assert_eq!(stderr(&out), format!("error: {logo}: missing (the logo of KL-INV-2026-000001 lists it)\n1 problem(s) in {}\n", archive.display()));
}

fn flip_byte(path: &Path, at: usize) {
    writable(path);
    let mut bytes = fs::read(path).unwrap();
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

/// Replaces the hex digit at byte `at` of `path` with another one.
fn other_hex_digit(path: &Path, at: usize) {
    writable(path);
    let mut bytes = fs::read(path).unwrap();
    assert!(bytes[at].is_ascii_hexdigit(), "byte {at} of {} is a hex digit", path.display());
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    fs::write(path, bytes).unwrap();
}

fn assert_found(archive: &Path, what: &str, expected: &str) {
    let out = verify(archive);
    assert_eq!(out.status.code(), Some(1), "{what}: verify should fail: {}", stdout(&out));
    assert!(stderr(&out).contains(expected), "{what}: expected a finding with '{expected}':\n{}", stderr(&out));
}

fn assert_refused(archive: &Path, what: &str) {
    let before = register(archive);
    let out = reissue(archive);
    assert_eq!(out.status.code(), Some(3), "{what}: reissue should refuse: {}{}", stdout(&out), stderr(&out));
    assert_eq!(register(archive), before, "{what}: reissue wrote to the register");
    let (out, folder) = export(archive);
    assert_eq!(out.status.code(), Some(3), "{what}: export should refuse: {}{}", stdout(&out), stderr(&out));
    assert!(!folder.exists() && !folder.with_extension("zip").exists(), "{what}: export left files");
}

#[test]
fn every_file_kind_flipped_deleted_or_linked_is_found_and_refused() {
    let pristine = pristine();
    let kinds = [
        "2026/KL-INV-2026-000003.pdf",
        "2026/KL-INV-2026-000003.html",
        "2026/KL-INV-2026-000003.json",
        "2026/KL-INV-2026-000003.ubl.xml",
        "2026/KL-INV-2026-000003.cii.xml",
        "company",
        "logo",
        "checkpoints.jsonl",
    ];
    for (k, kind) in kinds.iter().enumerate() {
        let rel = match *kind {
            "company" => company_snapshot(&pristine.archive),
            "logo" => logo_file(&pristine.archive),
            _ => kind.to_string(),
        };
        // A byte flipped (in the middle; in a checkpoint, a digit of its head changed to
        // another hex digit: flipping a bit of `f` gives `g`, which is no longer a SHA-256
        // at all, and whether the head holds an `f` there depends on every document's bytes).
        let archive = pristine.copy(&format!("flip{k}"));
        if *kind == "checkpoints.jsonl" {
            other_hex_digit(&archive.join(&rel), 20);
        } else {
            flip_byte(&archive.join(&rel), fs::metadata(archive.join(&rel)).unwrap().len() as usize / 2);
        }
        let finding = if *kind == "checkpoints.jsonl" { "history before it was rewritten".to_string() } else { format!("{rel}: changed since") };
        assert_found(&archive, &format!("flipped {rel}"), &finding);
        assert_refused(&archive, &format!("flipped {rel}"));

        // Deleted.
        let archive = pristine.copy(&format!("delete{k}"));
        fs::remove_file(archive.join(&rel)).unwrap();
        let finding = if *kind == "checkpoints.jsonl" { "covered by no checkpoint".to_string() } else { format!("{rel}: missing") };
        assert_found(&archive, &format!("deleted {rel}"), &finding);
        assert_refused(&archive, &format!("deleted {rel}"));

        // Replaced by a link to an identical copy outside.
        let archive = pristine.copy(&format!("link{k}"));
        let copy = pristine.outside.join(format!("copy{k}"));
        fs::copy(archive.join(&rel), &copy).unwrap();
        fs::remove_file(archive.join(&rel)).unwrap();
        std::os::unix::fs::symlink(&copy, archive.join(&rel)).unwrap();
        assert_found(&archive, &format!("linked {rel}"), &format!("{rel}: a symbolic link"));
        assert_refused(&archive, &format!("linked {rel}"));

        // A stray beside it.
        let archive = pristine.copy(&format!("stray{k}"));
        let stray = format!("{rel}.stray");
        fs::write(archive.join(&stray), b"not issued").unwrap();
        assert_found(&archive, &format!("stray {stray}"), &format!("{stray}: not in the register"));
        let (out, folder) = export(&archive);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(files(&folder).keys().all(|name| !name.contains("stray")));
        let out = reissue(&archive);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("moved to quarantine/18-"), "{}", stderr(&out));
        assert_intact(&archive);
    }
}

#[test]
fn loops_and_linked_folders_end_as_findings_and_nothing_is_written_through_them() {
    let pristine = pristine();
    let archive = pristine.copy("loops");
    std::os::unix::fs::symlink(archive.join("2026"), archive.join("2026/loop")).unwrap();
    std::os::unix::fs::symlink(archive.join("a"), archive.join("b")).unwrap();
    std::os::unix::fs::symlink(archive.join("b"), archive.join("a")).unwrap();
    assert_found(&archive, "loops", "2026/loop: a symbolic link");
    assert_found(&archive, "loops", "a: a symbolic link");

    // A year folder linked outside: issue refuses, writing nothing there.
    let archive = pristine.copy("linked-year");
    let year = pristine.outside.join("2026");
    fs::rename(archive.join("2026"), &year).unwrap();
    std::os::unix::fs::symlink(&year, archive.join("2026")).unwrap();
    let before = files(&year);
    let data = copy_samples(&pristine.outside);
    let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    csv.push_str("ch_3001,charge,succeeded,cus_de_01,2026-10-30T09:00:00+01:00,EUR,Pro plan (monthly),1,14.99,gross,false,2026-10-30,2026-11-29,,,DE,DE\n");
    fs::write(data.join("transactions.csv"), csv).unwrap();
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(files(&year), before, "nothing written through the link");
    assert_found(&archive, "linked year", "2026: a symbolic link");


    // A lock file linked elsewhere: no run, not even verify, creates or opens what it names.
    let archive = pristine.copy("linked-lock");
    let target = pristine.outside.join("created-by-verify");
    fs::remove_file(archive.join(".lock")).unwrap();
    std::os::unix::fs::symlink(&target, archive.join(".lock")).unwrap();
    for out in [run(&["verify", "--archive", p(&archive)]), issue(&data, &archive)] {
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(stderr(&out).contains(".lock: a symbolic link; the archive never follows links"), "{}", stderr(&out));
    }
    assert!(!target.exists(), "nothing created through the link");
}

/// Rewrites the register's lines with `edit`, recomputing every `prev` if `rechain`.
fn rewrite_register(archive: &Path, rechain: bool, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
    let mut lines = register_lines(archive);
    edit(&mut lines);
    let mut text = String::new();
    let mut prev = String::new();
    for mut line in lines {
        if rechain {
            line["prev"] = serde_json::Value::String(prev.clone());
        }
        let s = serde_json::to_string(&line).unwrap();
        prev = sha256_hex(s.as_bytes());
        text.push_str(&s);
        text.push('\n');
    }
    fs::write(archive.join("register.jsonl"), text).unwrap();
}

fn sha256_hex(bytes: &[u8]) -> String {
    invoicesmith::sha256::Sha256Sum::of(bytes).to_string()
}

fn credit_notes(lines: &mut [serde_json::Value]) -> Vec<&mut serde_json::Value> {
    lines.iter_mut().filter(|l| l["kind"] == "credit_note").collect()
}

/// A change to the register's lines.
type Edit = Box<dyn FnOnce(&mut Vec<serde_json::Value>)>;

#[test]
fn register_edits_behind_a_checkpoint_are_found_and_refused() {
    let pristine = pristine();
    let cases: Vec<(&str, bool, Edit, &str)> = vec![
        ("edit", false, Box::new(|l| l[4]["total"] = "1.00".into()), "register.jsonl:6: "),
        ("delete", false, Box::new(|l| drop(l.remove(4))), "hash chain broken"),
        ("reorder", false, Box::new(|l| l.swap(3, 4)), "hash chain broken"),
        ("truncate", false, Box::new(|l| drop(l.pop())), "history after it was cut"),
        ("rechain", true, Box::new(|l| l[4]["total"] = "1.00".into()), "history before it was rewritten"),
        ("rechain-truncate", true, Box::new(|l| drop(l.pop())), "history after it was cut"),
        ("rechain-extend", true, Box::new(|l| {
            let mut extra = l[17].clone();
            extra["number"] = "KL-CN-2026-000003".into();
            extra["seq"] = 3.into();
            extra["files"] = serde_json::json!([]);
            l.push(extra);
        }), "lines 19–19 are covered by no checkpoint"),
        // Rechained lines that break the register's own rules.
        ("overcredit", true, Box::new(|l| credit_notes(l)[0]["total"] = "99999.00".into()), "more than its total"),
        ("non-invoice", true, Box::new(|l| {
            let first = credit_notes(l)[0]["number"].clone();
            credit_notes(l)[1]["references"][0]["number"] = first;
        }), "which is not an invoice"),
        ("gap", true, Box::new(|l| l[6]["seq"] = 9.into()), "number 9 follows 6 in its series"),
    ];
    for (name, rechain, edit, finding) in cases {
        let archive = pristine.copy(name);
        rewrite_register(&archive, rechain, edit);
        assert_found(&archive, name, finding);
        if name == "rechain-extend" {
            // Lines added behind its back look like a run stopped before its checkpoint:
            // a writing run would cover them, so only the head kept outside catches them.
            continue;
        }
        assert_refused(&archive, name);
    }
}

#[test]
fn a_head_kept_outside_catches_what_the_archive_alone_cannot() {
    let pristine = pristine();
    // Rewrite history, then remove the checkpoints too: inside the archive nothing
    // contradicts it any more but the missing file; a writing run refuses it and `recover`
    // would start new checkpoints — the head printed by the original run still says no.
    let archive = pristine.copy("rewritten");
    rewrite_register(&archive, true, |l| l[4]["total"] = "1.00".into());
    fs::remove_file(archive.join("checkpoints.jsonl")).unwrap();
    assert_eq!(reissue(&archive).status.code(), Some(3));
    assert!(run(&["recover", "--archive", p(&archive)]).status.success());
    let out = run(&["verify", "--archive", p(&archive), "--expect-head", &pristine.head]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 18 is not the expected head"), "{}", stderr(&out));
    // The untouched archive matches its head; a made-up head does not.
    let out = run(&["verify", "--archive", p(&pristine.archive), "--expect-head", &pristine.head]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["verify", "--archive", p(&pristine.archive), "--expect-head", "19:0000000000000000000000000000000000000000000000000000000000000000"]);
    assert!(stderr(&out).contains("fewer than the 19 of the expected head"), "{}", stderr(&out));
    // The export carries the head.
    let (out, folder) = export(&pristine.archive);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(folder.join("register-head.txt")).unwrap(), format!("{}\n", pristine.head));
}

#[test]
fn reads_stop_at_altered_bytes_with_exit_3_naming_the_file() {
    let pristine = pristine();
    let archive = pristine.copy("forged");
    let json = archive.join("2026/KL-INV-2026-000001.json");
    writable(&json);
    let forged = fs::read_to_string(&json).unwrap().replacen("\"name\": \"", "\"name\": \"Mallory Forged ", 1);
    fs::write(&json, forged).unwrap();
    let show = run(&["show", "KL-INV-2026-000001", "--archive", p(&archive)]);
    assert_eq!(show.status.code(), Some(3));
    assert!(stderr(&show).contains("KL-INV-2026-000001.json: differs from the SHA-256"), "{}", stderr(&show));
    assert!(!stdout(&show).contains("Mallory"));
    let out = pristine.outside.join("render");
    let render = run(&["render", p(&json), "--out", p(&out)]);
    assert_eq!(render.status.code(), Some(3), "{}", stderr(&render));
    assert!(!out.exists());
    let clean = run(&["render", p(&pristine.archive.join("2026/KL-INV-2026-000001.json")), "--out", p(&out)]);
    assert!(clean.status.success(), "{}", stderr(&clean));
}
