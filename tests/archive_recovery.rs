//! What a crash leaves never blocks the archive: an unfinished register line is cut off and
//! kept under `recovered/`, files no register line names are moved to `quarantine/<run>/`,
//! and registered lines without a checkpoint get one — by the next locked run (with a
//! notice) or by `invoicesmith recover`.

mod archive_support;

use std::fs;
use std::io::Write;

use archive_support::*;

const NEW_CHARGE: &str = "ch_3001,charge,succeeded,cus_de_01,2026-10-30T09:00:00+01:00,EUR,Pro plan (monthly),1,14.99,gross,false,2026-10-30,2026-11-29,,,DE,DE\n";

#[test]
fn a_torn_register_line_is_kept_under_recovered_and_cut_off_by_recover() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    let before = register(&archive);
    let torn = b"{\"number\":\"KL-INV-2026-000019\",\"kind\":\"inv";
    fs::OpenOptions::new().append(true).open(archive.join("register.jsonl")).unwrap().write_all(torn).unwrap();

    // Readers leave the unfinished line out; verify names it.
    let show = run(&["show", "KL-INV-2026-000003", "--archive", p(&archive)]);
    assert!(show.status.success(), "{}", stderr(&show));
    let out = verify(&archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("register.jsonl: {} byte(s) after its last complete line", torn.len())), "{}", stderr(&out));

    let out = run(&["recover", "--archive", p(&archive)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let saved = format!("recovered/register.jsonl-{}", before.len());
    assert!(stderr(&out).contains(&saved), "{}", stderr(&out));
    assert_eq!(register(&archive), before);
    assert_eq!(fs::read(archive.join(&saved)).unwrap(), torn);
    assert_intact(&archive);
    let again = run(&["recover", "--archive", p(&archive)]);
    assert_eq!(stdout(&again), format!("{}: nothing to recover\n", archive.display()));
}

#[test]
fn the_next_issue_recovers_on_its_own_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let data = copy_samples(tmp.path());
    assert!(issue(&data, &archive).status.success());
    fs::OpenOptions::new().append(true).open(archive.join("register.jsonl")).unwrap().write_all(b"{\"num").unwrap();
    let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    csv.push_str(NEW_CHARGE);
    fs::write(data.join("transactions.csv"), csv).unwrap();
    let out = issue(&data, &archive);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("notice: register.jsonl: an unfinished write of 5 byte(s)"), "{}", stderr(&out));
    assert!(stdout(&out).contains("KL-INV-2026-000017"), "{}", stdout(&out));
    assert_intact(&archive);
}

/// Issue #15, item 2: a crash, then a changed input — the crashed batch's files, which no
/// register line names, no longer block their numbers.
#[test]
fn leftovers_of_a_crashed_batch_are_quarantined_not_deleted_and_never_block() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let data = copy_samples(tmp.path());
    assert!(issue(&data, &archive).status.success());
    // What a run killed before its commit leaves: the next number's files with other
    // content than the next run will render, and a temporary file.
    let leftovers = [
        ("2026/KL-INV-2026-000017.pdf", &b"%PDF-1.7 from a run that never committed"[..]),
        ("2026/KL-INV-2026-000017.json", b"{}"),
        (".tmp/KL-INV-2026-000018.pdf.4242", b"%PDF half"),
    ];
    for (rel, bytes) in leftovers {
        fs::create_dir_all(archive.join(rel).parent().unwrap()).unwrap();
        fs::write(archive.join(rel), bytes).unwrap();
    }
    let lines = register_lines(&archive).len();
    let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    csv.push_str(NEW_CHARGE);
    fs::write(data.join("transactions.csv"), csv).unwrap();

    let out = issue(&data, &archive);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("KL-INV-2026-000017"));
    let notice = stderr(&out);
    assert!(notice.contains("3 file(s) no register line names (1 of them temporary)"), "{notice}");
    let quarantine = fs::read_dir(archive.join("quarantine")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect::<Vec<_>>();
    assert_eq!(quarantine.len(), 1);
    assert!(quarantine[0].starts_with(&format!("{lines}-")), "{quarantine:?}");
    assert!(notice.contains(&format!("moved to quarantine/{}/", quarantine[0])), "{notice}");
    for (rel, bytes) in leftovers {
        assert_eq!(fs::read(archive.join("quarantine").join(&quarantine[0]).join(rel)).unwrap(), bytes, "{rel}");
    }
    assert_intact(&archive);
}
