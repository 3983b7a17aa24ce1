//! Factur-X PDFs: valid by the harness's PDF and Factur-X EN 16931 checks, structurally
//! sound (qpdf), reproducible, and carrying exactly the CII file as `factur-x.xml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn render(record: &Path, out: &Path, formats: &str) {
    let ok = Command::new(env!("CARGO_BIN_EXE_invoicesmith"))
        .args(["render", record.to_str().unwrap(), "--out", out.to_str().unwrap(), "--formats", formats])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
}

#[test]
fn facturx_pdfs_validate_and_embed_the_cii_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    // Every golden document named by its number: OSS in EUR and USD, reverse charge, non-EU
    // registration, outside scope in JPY, a plan change, a credit note, bank transfers (the
    // language goldens `lang-*` are one of these in other languages).
    let mut stems: Vec<String> = fs::read_dir(root().join("tests/snapshots"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|stem| stem.starts_with("KL-"))
        .collect();
    stems.sort();
    assert!(stems.len() >= 7);
    for stem in &stems {
        render(&root().join(format!("tests/snapshots/{stem}.json")), tmp.path(), "facturx,cii");
    }
    let pdfs: Vec<PathBuf> = stems.iter().map(|s| tmp.path().join(format!("{s}.facturx.pdf"))).collect();

    // Reproducible.
    let again = tmp.path().join("again");
    render(&root().join("tests/snapshots/KL-INV-2026-000005.json"), &again, "facturx");
    assert!(fs::read(tmp.path().join("KL-INV-2026-000005.facturx.pdf")).unwrap() == fs::read(again.join("KL-INV-2026-000005.facturx.pdf")).unwrap());

    // The embedded XML is the CII file.
    for (stem, pdf) in stems.iter().zip(&pdfs) {
        let stem = stem.as_str();
        let out = tmp.path().join(format!("{stem}.extracted.xml"));
        let status = Command::new("pdfdetach")
            .args(["-savefile", "factur-x.xml", "-o", out.to_str().unwrap(), pdf.to_str().unwrap()])
            .status()
            .expect("pdfdetach (poppler-utils) is required: scripts/test.sh installs it");
        assert!(status.success());
        assert!(fs::read(&out).unwrap() == fs::read(tmp.path().join(format!("{stem}.cii.xml"))).unwrap(), "{stem}: embedded XML differs from the CII file");
    }

    // qpdf, where installed, finds no structural error.
    if let Ok(out) = Command::new("qpdf").arg("--check").arg(&pdfs[0]).output() {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }

    // The official harness: PDF/A-3 + Factur-X container checks and EN 16931 on the XML.
    let python = root().join("target/validators-venv/bin/python");
    assert!(python.exists(), "no validators venv: run scripts/test.sh (it creates target/validators-venv for ../shared/validators)");
    let out = Command::new(python)
        .arg(root().join("../shared/validators/validate.py"))
        .args(&pdfs)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "fatal findings:\n{report}{}", String::from_utf8_lossy(&out.stderr));
    for pdf in &pdfs {
        assert!(report.contains(&format!("{}: 0 fatal", pdf.display())), "{report}");
    }
    assert!(report.contains("pdfaid:part=3 conformance=B"), "{report}");
    assert!(report.contains("AFRelationship=Alternative"), "{report}");
}
