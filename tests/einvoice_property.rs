//! Property test: random valid payment histories (the synthetic generator, several seeds)
//! → issued documents → every UBL and CII file passes the official EN 16931 validation, and
//! the e-invoices' totals are the JSON record's.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use invoicesmith::render::Format;

/// The text of the first `<tag ...>value</tag>` in `xml`.
fn value<'a>(xml: &'a str, tag: &str) -> &'a str {
    let start = xml.find(&format!("<{tag}")).unwrap_or_else(|| panic!("no {tag}"));
    let open_end = start + xml[start..].find('>').unwrap() + 1;
    let close = open_end + xml[open_end..].find('<').unwrap();
    &xml[open_end..close]
}

#[test]
fn random_histories_give_valid_e_invoices_with_the_records_totals() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/validators-venv/bin/python");
    assert!(python.exists(), "no validators venv: run scripts/test.sh (it creates target/validators-venv for ../shared/validators)");
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for seed in [11, 23, 37] {
        let spec = invoicesmith::app::synth::Spec {
            transactions: 120,
            seed,
            month: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            months: 1,
            plan_changes: 3,
        };
        let data = invoicesmith::input::parse(&invoicesmith::app::synth::generate(&spec)).expect("generated data is valid");
        let plan = invoicesmith::issue::plan(&data, &invoicesmith::issue::NoHistory).expect("generated data issues");
        for n in plan.documents(&data) {
            let doc = n.document;
            let ubl = String::from_utf8(Format::Ubl.render(&doc)).unwrap();
            let cii = String::from_utf8(Format::Cii.render(&doc)).unwrap();
            let amount = |d: rust_decimal::Decimal| d.to_string();
            assert_eq!(value(&ubl, "cbc:TaxExclusiveAmount"), amount(doc.totals.net), "{}", doc.number);
            assert_eq!(value(&ubl, "cbc:PayableAmount"), amount(doc.totals.due), "{}", doc.number);
            assert_eq!(value(&cii, "ram:TaxBasisTotalAmount"), amount(doc.totals.net), "{}", doc.number);
            assert_eq!(value(&cii, "ram:DuePayableAmount"), amount(doc.totals.due), "{}", doc.number);
            for (ext, text) in [("ubl.xml", ubl), ("cii.xml", cii)] {
                let path = tmp.path().join(format!("{seed}-{}.{ext}", doc.number.file_stem()));
                fs::write(&path, text).unwrap();
                files.push(path);
            }
        }
    }
    assert!(files.len() > 500, "{} files", files.len());
    let out = Command::new(python).arg(root.join("../shared/validators/validate.py")).args(&files).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let fatal: Vec<&str> = report.lines().filter(|l| l.contains("[fatal]")).take(20).collect();
    assert!(out.status.success() && fatal.is_empty(), "fatal findings:\n{}", fatal.join("\n"));
}
