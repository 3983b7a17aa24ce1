//! Three `issue` runs, a `reissue`, an `export` and a `verify` at once on one archive: one
//! writer at a time, no gap, no duplicate, no false finding.

mod archive_support;

use std::collections::BTreeSet;
use std::process::Stdio;

use archive_support::*;

#[test]
fn concurrent_runs_serialise_without_gap_duplicate_or_false_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    assert!(issue(&samples(), &archive).status.success());
    // The generated month continues the samples' series (same seller and patterns).
    let month = generated(tmp.path(), "month", 400, 3);
    let a = p(&archive);
    let export_out = tmp.path().join("export");
    let commands: Vec<Vec<&str>> = vec![
        vec!["issue", p(&month), "--archive", a, "--quiet"],
        vec!["issue", p(&month), "--archive", a, "--quiet"],
        vec!["issue", p(&month), "--archive", a, "--quiet"],
        vec!["reissue", "KL-INV-2026-000003", "--set", "name=Jana Novak", "--reason", "typo", "--archive", a],
        vec!["export", "--month", "2026-10", "--archive", a, "--out", p(&export_out)],
        vec!["verify", "--archive", a],
    ];
    let children: Vec<_> =
        commands.iter().map(|args| command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()).collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for (args, out) in commands.iter().zip(&outputs) {
        assert!(out.status.success(), "{args:?}: {}{}", stdout(out), stderr(out));
    }
    // Exactly one issue run issued the month; the others found nothing left.
    let issued: Vec<usize> = outputs[..3]
        .iter()
        .map(|o| stdout(o).lines().next().unwrap().split(' ').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(issued.iter().filter(|&&n| n > 0).count(), 1, "{issued:?}");

    let lines = register_lines(&archive);
    let numbers: BTreeSet<&str> = lines.iter().map(|l| l["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), lines.len(), "a number registered twice");
    for series in ["KL-INV-{year}-{seq:06}", "KL-CN-{year}-{seq:06}"] {
        let seqs: Vec<u64> = lines.iter().filter(|l| l["series"] == series).map(|l| l["seq"].as_u64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>(), "{series}: gap or disorder");
    }
    assert_eq!(lines.len(), 18 + issued.iter().sum::<usize>() + 2);
    assert_intact(&archive);
}
