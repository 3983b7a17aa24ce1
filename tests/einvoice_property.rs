//! Property test: random valid payment histories (the synthetic generator, several seeds,
//! and two months across a rate change with many plan changes) → issued documents → every
//! UBL, CII, Factur-X, Peppol and XRechnung file passes the official validation (Peppol
//! files also each Peppol rule on data we write), and every e-invoice's totals, VAT
//! breakdown and lines are the JSON record's.
//!
//! The histories reach documents with several lines, several VAT rates on one document (a
//! plan change in July 2020 adjusting a June charge, across Germany's 19 % → 16 %),
//! proration lines, every currency the generator sells in and every VAT treatment; the test
//! checks that they do.

mod peppol_rules;

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

use invoicesmith::document::{Document, Treatment};
use invoicesmith::render::Format;
use roxmltree::Node;
use rust_decimal::Decimal;

const CBC: &str = peppol_rules::CBC;
const CAC: &str = peppol_rules::CAC;
const RAM: &str = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";

fn named<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Vec<Node<'a, 'i>> {
    n.descendants().filter(|c| c.is_element() && c.tag_name().namespace() == Some(ns) && c.tag_name().name() == name).collect()
}

fn children<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Vec<Node<'a, 'i>> {
    n.children().filter(|c| c.is_element() && c.tag_name().namespace() == Some(ns) && c.tag_name().name() == name).collect()
}

fn dec(n: Node) -> Decimal {
    n.text().unwrap().trim().parse().unwrap()
}

/// The one `name` under `n` (in `ns`), as a decimal.
fn one(n: Node, ns: &str, name: &str) -> Decimal {
    let found = named(n, ns, name);
    assert_eq!(found.len(), 1, "{name}");
    dec(found[0])
}

/// A UBL document's totals, breakdown and lines against the record.
fn check_ubl(xml: &str, record: &Document) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    let t = &record.totals;
    let totals = children(root, CAC, "LegalMonetaryTotal")[0];
    assert_eq!(one(totals, CBC, "LineExtensionAmount"), t.net, "{}", record.number);
    assert_eq!(one(totals, CBC, "TaxExclusiveAmount"), t.net, "{}", record.number);
    assert_eq!(one(totals, CBC, "TaxInclusiveAmount"), t.gross, "{}", record.number);
    assert_eq!(one(totals, CBC, "PrepaidAmount"), t.paid, "{}", record.number);
    assert_eq!(one(totals, CBC, "PayableAmount"), t.due, "{}", record.number);
    let tax_total = children(root, CAC, "TaxTotal")[0];
    assert_eq!(dec(children(tax_total, CBC, "TaxAmount")[0]), t.tax, "{}", record.number);
    let rows: Vec<(Decimal, Decimal)> =
        named(tax_total, CAC, "TaxSubtotal").into_iter().map(|s| (dec(children(s, CBC, "TaxableAmount")[0]), dec(children(s, CBC, "TaxAmount")[0]))).collect();
    let expected: Vec<(Decimal, Decimal)> = record.tax_breakdown.iter().map(|r| (r.taxable_amount, r.tax_amount)).collect();
    assert_eq!(rows, expected, "{}", record.number);
    let lines: Vec<Decimal> = root
        .children()
        .filter(|c| c.is_element() && matches!(c.tag_name().name(), "InvoiceLine" | "CreditNoteLine"))
        .map(|l| dec(children(l, CBC, "LineExtensionAmount")[0]))
        .collect();
    assert_eq!(lines, record.lines.iter().map(|l| l.net_amount).collect::<Vec<_>>(), "{}", record.number);
}

/// A CII document's totals, breakdown and lines against the record.
fn check_cii(xml: &str, record: &Document) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    let t = &record.totals;
    let sum = named(root, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")[0];
    assert_eq!(one(sum, RAM, "LineTotalAmount"), t.net, "{}", record.number);
    assert_eq!(one(sum, RAM, "TaxBasisTotalAmount"), t.net, "{}", record.number);
    assert_eq!(dec(children(sum, RAM, "TaxTotalAmount")[0]), t.tax, "{}", record.number);
    assert_eq!(one(sum, RAM, "GrandTotalAmount"), t.gross, "{}", record.number);
    assert_eq!(one(sum, RAM, "TotalPrepaidAmount"), t.paid, "{}", record.number);
    assert_eq!(one(sum, RAM, "DuePayableAmount"), t.due, "{}", record.number);
    let settlement = named(root, RAM, "ApplicableHeaderTradeSettlement")[0];
    let rows: Vec<(Decimal, Decimal)> = children(settlement, RAM, "ApplicableTradeTax")
        .into_iter()
        .map(|r| (dec(children(r, RAM, "BasisAmount")[0]), dec(children(r, RAM, "CalculatedAmount")[0])))
        .collect();
    assert_eq!(rows, record.tax_breakdown.iter().map(|r| (r.taxable_amount, r.tax_amount)).collect::<Vec<_>>(), "{}", record.number);
    let lines: Vec<Decimal> = named(root, RAM, "SpecifiedTradeSettlementLineMonetarySummation").into_iter().map(|s| one(s, RAM, "LineTotalAmount")).collect();
    assert_eq!(lines, record.lines.iter().map(|l| l.net_amount).collect::<Vec<_>>(), "{}", record.number);
}

/// What a record read back is called in an error.
fn record_name(doc: &Document) -> String {
    format!("{}.json", doc.number)
}

/// Runs the validators on `files` with `args`; the fatal findings.
fn validate(files: &[PathBuf], args: &[&str]) -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/validators-venv/bin/python");
    assert!(python.exists(), "no validators venv: run scripts/test.sh (it creates target/validators-venv for ../shared/validators)");
    let out = Command::new(python).arg(root.join("../shared/validators/validate.py")).arg("--json").args(args).args(files).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the harness prints JSON");
    assert_eq!(report["reports"].as_array().unwrap().len(), files.len());
    let mut fatal = Vec::new();
    for r in report["reports"].as_array().unwrap() {
        for f in r["findings"].as_array().unwrap().iter().filter(|f| f["flag"] == "fatal") {
            fatal.push(format!("{} {}: {}", r["file"], f["rule"], f["text"]));
        }
    }
    fatal
}

#[test]
fn random_histories_give_valid_e_invoices_with_the_records_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut plain, mut xrechnung) = (Vec::new(), Vec::new());
    let (mut treatments, mut currencies) = (BTreeSet::new(), BTreeSet::new());
    let (mut multi_line, mut multi_rate, mut prorations, mut peppol) = (0, 0, 0, 0);
    // (seed, first month, months, transactions, plan changes %, with Factur-X)
    let runs = [(11, (2026, 10), 1, 250, 3, true), (40, (2026, 10), 1, 250, 3, false), (3, (2020, 6), 2, 1000, 60, false)];
    for (seed, (year, month), months, transactions, plan_changes, facturx) in runs {
        let spec = invoicesmith::app::synth::Spec { transactions, seed, month: chrono::NaiveDate::from_ymd_opt(year, month, 1).unwrap(), months, plan_changes };
        let data = invoicesmith::input::parse(&invoicesmith::app::synth::generate(&spec)).expect("generated data is valid");
        let plan = invoicesmith::issue::plan(&data, &invoicesmith::issue::NoHistory).expect("generated data issues");
        for n in plan.documents() {
            // The record as the archive stores it, read back: what the e-invoices must say.
            let json = String::from_utf8(Format::Json.render(&n.document)).unwrap();
            let mut record = Document::from_record(json.as_bytes(), &record_name(&n.document)).unwrap();
            // As the archive reads it back: the logo the record names, attached by its hash.
            let logo = n.document.brand.as_ref().and_then(|b| b.logo.as_ref()).and_then(|l| l.shared_bytes().cloned());
            record.attach_logo(|_| Ok(logo.expect("the record names a logo the document had"))).unwrap();
            let ubl = String::from_utf8(Format::Ubl.render(&record)).unwrap();
            let cii = String::from_utf8(Format::Cii.render(&record)).unwrap();
            check_ubl(&ubl, &record);
            check_cii(&cii, &record);
            // No empty element in either syntax (PEPPOL-EN16931-R008; the Factur-X rules warn
            // about it too), credit notes' delivery group included.
            for xml in [&ubl, &cii] {
                assert_eq!(peppol_rules::empty_elements(xml), Vec::<String>::new(), "{}", record.number);
            }
            treatments.insert(format!("{:?}", record.tax.treatment));
            currencies.insert(record.currency.code());
            multi_line += usize::from(record.lines.len() > 1);
            multi_rate += usize::from(record.tax_breakdown.iter().map(|r| r.tax_rate).collect::<BTreeSet<_>>().len() > 1);
            prorations += usize::from(record.lines.iter().any(|l| l.proration));
            let stem = format!("{seed}-{}", record.number.file_stem());
            let write = |ext: &str, bytes: &[u8], to: &mut Vec<PathBuf>| {
                let path = tmp.path().join(format!("{stem}.{ext}"));
                fs::write(&path, bytes).unwrap();
                to.push(path);
            };
            write("ubl.xml", ubl.as_bytes(), &mut plain);
            write("cii.xml", cii.as_bytes(), &mut plain);
            if facturx {
                write("facturx.pdf", &Format::Facturx.render(&record), &mut plain);
            }
            if Format::Peppol.missing(&record).is_none() {
                let xml = String::from_utf8(Format::Peppol.render(&record)).unwrap();
                check_ubl(&xml, &record);
                let violations = peppol_rules::violations(&xml);
                assert!(violations.is_empty(), "{}: {violations:#?}", record.number);
                write("peppol.xml", xml.as_bytes(), &mut plain);
                peppol += 1;
            }
            if Format::XrechnungUbl.missing(&record).is_none() {
                let (u, c) = (Format::XrechnungUbl.render(&record), Format::XrechnungCii.render(&record));
                check_ubl(std::str::from_utf8(&u).unwrap(), &record);
                check_cii(std::str::from_utf8(&c).unwrap(), &record);
                write("xrechnung.ubl.xml", &u, &mut xrechnung);
                write("xrechnung.cii.xml", &c, &mut xrechnung);
            }
        }
    }
    let every_treatment: BTreeSet<String> = [
        Treatment::Domestic,
        Treatment::Oss,
        Treatment::ReverseCharge,
        Treatment::NonEuTax,
        Treatment::NonEuReverseCharge,
        Treatment::OutsideScope,
    ]
    .iter()
    .map(|t| format!("{t:?}"))
    .collect();
    assert_eq!(treatments, every_treatment);
    assert_eq!(currencies, ["AUD", "CHF", "EUR", "GBP", "JPY", "NOK", "PLN", "SEK", "USD"].into_iter().collect());
    assert!(multi_line > 10 && multi_rate > 1 && prorations > 10, "{multi_line} multi-line, {multi_rate} multi-rate, {prorations} with prorations");
    assert!(peppol > 20 && xrechnung.len() > 4, "{peppol} Peppol, {} XRechnung files", xrechnung.len());
    eprintln!(
        "{} plain, {peppol} Peppol and {} XRechnung files; {multi_line} documents with several lines, {multi_rate} with several rates, {prorations} with prorations",
        plain.len(),
        xrechnung.len()
    );
    let fatal = validate(&plain, &[]);
    assert!(fatal.is_empty(), "{} fatal findings:\n{}", fatal.len(), fatal[..fatal.len().min(20)].join("\n"));
    let fatal = validate(&xrechnung, &["--xrechnung"]);
    assert!(fatal.is_empty(), "{} fatal findings:\n{}", fatal.len(), fatal[..fatal.len().min(20)].join("\n"));
}
