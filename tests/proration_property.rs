//! Plan-change adjustments over generated histories: two months across a rate change
//! (DE 19 % → 16 % on 2020-07-01), issued month by month, with consumers who give a VAT ID
//! between the runs. Every adjustment must reference an issued invoice that billed the
//! charge it adjusts, keep that invoice's category and rate, and never credit more than the
//! invoice has left after its credit notes and earlier adjustments.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use invoicesmith::archive::Archive;
use invoicesmith::document::{Document, DocumentKind, Relation, TaxCategory};
use invoicesmith::render::Format;
use rust_decimal::Decimal;

fn write_data(dir: &Path, sources: &invoicesmith::input::Sources, customers: &str, transactions: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("company.toml"), &sources.company).unwrap();
    fs::write(dir.join("customers.csv"), customers).unwrap();
    fs::write(dir.join("transactions.csv"), transactions).unwrap();
    fs::write(dir.join("exchange_rates.csv"), sources.exchange_rates.as_deref().unwrap()).unwrap();
    let (logo, bytes) = sources.logo.as_ref().unwrap();
    fs::write(dir.join(logo), bytes.as_ref().unwrap()).unwrap();
}

fn documents(archive: &Path) -> Vec<Document> {
    let mut docs = Vec::new();
    for year in fs::read_dir(archive).unwrap() {
        let year = year.unwrap().path();
        if !year.is_dir() || year.file_name().unwrap() == "company" {
            continue;
        }
        for f in fs::read_dir(&year).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "json") {
                docs.push(serde_json::from_slice(&fs::read(&f).unwrap()).unwrap());
            }
        }
    }
    docs
}

/// The gross amount `doc`'s plan-change lines credit on `charge` (positive for a credit).
fn credit(doc: &Document, charge: &str) -> Decimal {
    -invoicesmith::issue::adjustment(doc, charge)
}

#[test]
fn adjustments_reference_their_invoice_keep_its_rate_and_never_over_credit() {
    let (mut adjustments, mut across_rates, mut after_vat_id) = (0, 0, 0);
    for seed in [3, 5, 8] {
        let tmp = tempfile::tempdir().unwrap();
        let spec = invoicesmith::app::synth::Spec {
            transactions: 1000,
            seed,
            month: chrono::NaiveDate::from_ymd_opt(2020, 6, 1).unwrap(),
            months: 2,
            plan_changes: 60,
        };
        let sources = invoicesmith::app::synth::generate(&spec);
        let data = tmp.path().join("data");
        let archive = Archive::open(tmp.path().join("archive")).init(true);
        // June alone, then June and July with some consumers now registered businesses.
        let in_july = |l: &&str| l.split(',').nth(4).is_some_and(|t| t.starts_with("2020-07-"));
        let june: String = sources.transactions.lines().filter(|l| !in_july(l)).map(|l| format!("{l}\n")).collect();
        write_data(&data, &sources, &sources.customers, &june);
        invoicesmith::app::run_issue_with(&data, &archive, &[Format::Json], &mut |_, _| {}).expect("June issues");
        let later = invoicesmith::app::synth::vat_ids_supplied_later(&sources.customers, seed, 3);
        write_data(&data, &sources, &later, &sources.transactions);
        invoicesmith::app::run_issue_with(&data, &archive, &[Format::Json], &mut |_, _| {}).expect("July issues");

        let docs = documents(archive.root());
        let by_number: BTreeMap<String, &Document> = docs.iter().map(|d| (d.number.to_string(), d)).collect();
        let invoice_of = |charge: &str| {
            docs.iter().find(|d| d.kind == DocumentKind::Invoice && d.source_transactions.iter().any(|t| t == charge) && d.references.iter().all(|r| r.relation != Relation::Replaces))
        };
        // (A credit note reversing such an invoice repeats its lines; it references the
        // invoice it credits.)
        for doc in docs.iter().filter(|d| d.kind == DocumentKind::Invoice) {
            for line in doc.lines.iter().filter(|l| l.proration) {
                let charge = line.adjusts.as_deref().expect("every generated plan change names its charge");
                let original = invoice_of(charge).unwrap_or_else(|| panic!("{}: adjusts {charge}, which has no invoice", doc.number));
                assert!(
                    doc.references.iter().any(|r| r.relation == Relation::Adjusts && r.number == original.number && r.issue_date == original.issue_date),
                    "{} does not reference {}",
                    doc.number,
                    original.number
                );
                assert!(by_number.contains_key(original.number.as_str()));
                let billed = original.lines.iter().find(|l| !l.proration && l.transaction_id == charge).unwrap();
                assert_eq!((line.tax_category, line.tax_rate), (billed.tax_category, billed.tax_rate), "{} line of {charge}", doc.number);
                adjustments += 1;
                if doc.lines.iter().any(|l| !l.proration && l.tax_rate != line.tax_rate) {
                    across_rates += 1;
                }
                if line.tax_category == TaxCategory::S && doc.lines.iter().any(|l| !l.proration && l.tax_category == TaxCategory::AE) {
                    after_vat_id += 1;
                }
            }
        }
        // No invoice is credited or adjusted beyond its total.
        for invoice in docs.iter().filter(|d| d.kind == DocumentKind::Invoice) {
            let mut taken = Decimal::ZERO;
            for d in &docs {
                for r in d.references.iter().filter(|r| r.number == invoice.number) {
                    match (d.kind, r.relation) {
                        (DocumentKind::CreditNote, _) => taken += d.totals.gross,
                        (DocumentKind::Invoice, Relation::Adjusts) => {
                            taken += invoice.source_transactions.iter().map(|c| credit(d, c)).sum::<Decimal>()
                        }
                        _ => {}
                    }
                }
            }
            assert!(taken <= invoice.totals.gross, "{}: {taken} credited of {}", invoice.number, invoice.totals.gross);
        }
    }
    println!("adjustments {adjustments}, across a rate change {across_rates}, after a VAT ID {after_vat_id}");
    assert!(adjustments >= 100, "{adjustments}");
    assert!(across_rates >= 5, "{across_rates}");
    assert!(after_vat_id >= 5, "{after_vat_id}");
}
