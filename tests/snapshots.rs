//! Golden documents (tests/snapshots): every record renders to exactly its expected bytes,
//! a change is reported readably, and rendering does not depend on the machine's time
//! zone, locale or thread count.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

fn invoicesmith() -> Command {
    Command::new(env!("CARGO_BIN_EXE_invoicesmith"))
}

#[test]
fn golden_documents_render_byte_for_byte() {
    let out = invoicesmith().args(["snapshot", "check", snapshots().to_str().unwrap()]).output().unwrap();
    assert!(
        out.status.success(),
        "renders changed; if intended, run `cargo run -- snapshot update tests/snapshots`:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_changed_document_is_reported_with_a_readable_diff() {
    let tmp = tempfile::tempdir().unwrap();
    for e in fs::read_dir(snapshots()).unwrap() {
        let p = e.unwrap().path();
        if p.file_stem().unwrap() == "KL-INV-2026-000005" {
            fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let record = tmp.path().join("KL-INV-2026-000005.json");
    let text = fs::read_to_string(&record).unwrap().replace("Studio Grafico Rossi S.r.l.", "Studio Grafico Rossi S.p.A.");
    fs::write(&record, text).unwrap();
    let out = invoicesmith().args(["snapshot", "check", tmp.path().to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("KL-INV-2026-000005.pdf differs"), "{report}");
    assert!(report.contains("page 1 content changed"), "{report}");
    // The PDF's text in reading order: the one changed name is one changed line, the
    // removed line before the added one, with unchanged lines around them.
    let pdf_report = report.split("KL-INV-2026-000005.pdf differs:").nth(1).unwrap().split(" differs:").next().unwrap();
    let changed: Vec<&str> = pdf_report.lines().map(str::trim).filter(|l| l.starts_with("- ") || l.starts_with("+ ")).collect();
    assert_eq!(changed, ["- Studio Grafico Rossi S.r.l.", "+ Studio Grafico Rossi S.p.A."], "{report}");
    assert!(pdf_report.contains("\n      CLIENTE\n"), "context lines are shown: {report}");
    // The customer is Italian: the document (and its metadata) is in Italian.
    assert!(report.contains("metadata + Subject=Fattura KL-INV-2026-000005 — Studio Grafico Rossi S.p.A."), "{report}");
    // update makes it pass again.
    assert!(invoicesmith().args(["snapshot", "update", tmp.path().to_str().unwrap()]).status().unwrap().success());
    assert!(invoicesmith().args(["snapshot", "check", tmp.path().to_str().unwrap()]).status().unwrap().success());
}

#[test]
fn renders_do_not_depend_on_time_zone_locale_or_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let record = snapshots().join("KL-INV-2026-000011.json");
    let render = |dir: &str, env: &[(&str, &str)]| {
        let out = tmp.path().join(dir);
        let mut cmd = invoicesmith();
        cmd.args(["render", record.to_str().unwrap(), "--out", out.to_str().unwrap(), "--formats", "pdf,html,json"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        assert!(cmd.status().unwrap().success());
        ["pdf", "html", "json"].map(|ext| fs::read(out.join(format!("KL-INV-2026-000011.{ext}"))).unwrap())
    };
    let a = render("a", &[("TZ", "UTC"), ("LANG", "C"), ("RAYON_NUM_THREADS", "1")]);
    let b = render("b", &[("TZ", "Pacific/Kiritimati"), ("LANG", "de_DE.UTF-8"), ("LC_ALL", "fr_FR.UTF-8"), ("RAYON_NUM_THREADS", "7")]);
    assert!(a == b, "renders differ between environments");
    // And the record round-trips: rendering its JSON gives the record itself.
    assert_eq!(a[2], fs::read(&record).unwrap());
}
