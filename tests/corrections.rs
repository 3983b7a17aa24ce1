//! Credit notes, refunds, duplicates and corrected reissues, with exact amounts and numbers,
//! and proof that issued files never change.

mod archive_support;
use archive_support::{ok, run};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    archive: PathBuf,
}

impl Fixture {
    /// A writable copy of the samples, optionally without some transaction ids.
    fn new(without: &[&str]) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let data = archive_support::copy_samples(tmp.path());
        let f = Fixture { archive: tmp.path().join("archive"), data, _tmp: tmp };
        let csv = f.transactions();
        let kept: Vec<&str> = csv.lines().filter(|l| !without.iter().any(|id| l.starts_with(&format!("{id},")))).collect();
        f.set_transactions(&(kept.join("\n") + "\n"));
        f
    }
    fn transactions(&self) -> String {
        fs::read_to_string(self.data.join("transactions.csv")).unwrap()
    }
    fn set_transactions(&self, csv: &str) {
        fs::write(self.data.join("transactions.csv"), csv).unwrap();
    }
    /// The German consumer of the samples registers a business and gives a VAT ID.
    fn german_consumer_becomes_a_business(&self) {
        let customers = fs::read_to_string(self.data.join("customers.csv")).unwrap().replace(
            "cus_de_01,individual,Jürgen Müller,juergen.mueller@example.de,Schönhauser Allee 12,Hinterhaus 3. OG,Berlin,10119,,DE,,,de",
            "cus_de_01,business,Müller Design GmbH,juergen.mueller@example.de,Schönhauser Allee 12,Hinterhaus 3. OG,Berlin,10119,,DE,DE136695976,valid,de",
        );
        fs::write(self.data.join("customers.csv"), customers).unwrap();
    }
    fn append(&self, row: &str) {
        self.set_transactions(&format!("{}{row}\n", self.transactions()));
    }
    fn issue(&self) -> Output {
        run(&["issue", self.data.to_str().unwrap(), "--archive", self.archive.to_str().unwrap(), "--init"])
    }
    fn cli(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--archive", self.archive.to_str().unwrap()]);
        run(&all)
    }
    fn doc(&self, number: &str) -> Value {
        serde_json::from_slice(&fs::read(self.archive.join("2026").join(format!("{number}.json"))).unwrap()).unwrap()
    }
    /// `reissue --data` through the library, made at the instant `now` (RFC 3339): the clock
    /// is an input, so the dates below are exact whenever the tests run.
    fn reissue(&self, number: &str, set: &[(&str, &str)], reason: &str, date: Option<&str>, now: &str) -> invoicesmith::Result<invoicesmith::app::IssueReport> {
        let correction = invoicesmith::issue::correct::Correction {
            set: set.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect(),
            reason: reason.into(),
            date: date.map(|d| d.parse().unwrap()),
            received: None,
        };
        let now = chrono::DateTime::parse_from_rfc3339(now).unwrap().to_utc();
        // With the data folder, as support runs it: what was paid or refunded since counts.
        invoicesmith::app::run_reissue(&invoicesmith::archive::Archive::open(&self.archive), number, &correction, now, None, Some(&self.data))
    }
    /// SHA-256 of every file of `number`.
    fn hashes(&self, number: &str) -> Vec<String> {
        ["pdf", "html", "json"]
            .iter()
            .map(|ext| invoicesmith::sha256::Sha256Sum::of(&fs::read(self.archive.join("2026").join(format!("{number}.{ext}"))).unwrap()).to_string())
            .collect()
    }
}

/// A record's VAT breakdown: (category, rate, taxable, tax) per row.
fn breakdown(doc: &Value) -> Vec<(&str, &str, &str, &str)> {
    fn text<'v>(r: &'v Value, key: &str) -> &'v str {
        r[key].as_str().unwrap()
    }
    doc["tax_breakdown"].as_array().unwrap().iter().map(|r| (text(r, "tax_category"), text(r, "tax_rate"), text(r, "taxable_amount"), text(r, "tax_amount"))).collect()
}

fn amounts(doc: &Value) -> (String, String, String) {
    let t = &doc["totals"];
    (t["net"].as_str().unwrap().into(), t["tax"].as_str().unwrap().into(), t["gross"].as_str().unwrap().into())
}

#[test]
fn refunds_become_credit_notes_in_their_own_series() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    // Partial refund of 30.00 (gross) on the EE annual plan at 24 %:
    // tax = round(30.00 × 24 / 124 = 5.806…) = 5.81, net 24.19.
    let cn = f.doc("KL-CN-2026-000001");
    assert_eq!(cn["kind"], "credit_note");
    assert_eq!(amounts(&cn), ("24.19".into(), "5.81".into(), "30.00".into()));
    assert_eq!(cn["tax"]["treatment"], "domestic");
    assert_eq!(cn["tax_breakdown"][0]["tax_rate"], "24");
    assert_eq!(cn["references"][0]["number"], "KL-INV-2026-000002");
    assert_eq!(cn["references"][0]["issue_date"], "2026-10-03");
    assert_eq!(cn["references"][0]["relation"], "credits");
    assert_eq!(cn["references"][0]["reason"], "technical_issue");
    assert_eq!(cn["payment"]["status"], "refunded");
    // A full refund of a charge after cancellation reverses its invoice line for line.
    let invoice = f.doc("KL-INV-2026-000012");
    let cn = f.doc("KL-CN-2026-000002");
    assert_eq!(amounts(&cn), amounts(&invoice));
    assert_eq!(cn["lines"][0]["net_amount"], invoice["lines"][0]["net_amount"]);
    assert_eq!(cn["references"][0]["number"], "KL-INV-2026-000012");
}

#[test]
fn duplicates_get_no_invoice_and_their_refunds_no_credit_note() {
    let f = Fixture::new(&[]);
    let out = ok(f.issue());
    assert!(out.contains("du_1014: duplicate of ch_1010: not a second supply, no invoice"), "{out}");
    assert!(out.contains("rf_1015: refund of duplicate charge du_1014: returns an overpayment, no credit note"), "{out}");
    // The genuine invoice is never credited by the duplicate's refund.
    assert!(ok(f.cli(&["show", "KL-INV-2026-000010"])).lines().all(|l| !l.contains("credited by")));
}

#[test]
fn a_refund_in_a_later_run_credits_the_earlier_invoice_without_touching_it() {
    let f = Fixture::new(&["rf_1016", "rf_1018"]);
    ok(f.issue());
    let before = f.hashes("KL-INV-2026-000002");
    f.append("rf_2001,refund,succeeded,cus_ee_01,2026-11-03T10:00:00+02:00,EUR,Refund,1,149.00,gross,false,,,ch_1003,requested_by_customer,EE,EE");
    let out = ok(f.issue());
    assert!(out.contains("issued 1 document(s)"), "{out}");
    let cn = f.doc("KL-CN-2026-000001");
    assert_eq!(amounts(&cn), ("120.16".into(), "28.84".into(), "149.00".into()));
    assert_eq!(cn["references"][0]["number"], "KL-INV-2026-000002");
    assert_eq!(f.hashes("KL-INV-2026-000002"), before, "the original's bytes changed");
    ok(f.cli(&["verify"]));
}

#[test]
fn credit_notes_never_add_up_to_more_than_the_invoice() {
    let f = Fixture::new(&[]);
    // 149.00 invoiced, 30.00 refunded by rf_1016: 119.00 left; 119.01 is too much.
    f.append("rf_2002,refund,succeeded,cus_ee_01,2026-10-28T10:00:00+02:00,EUR,Refund,1,119.01,gross,false,,,ch_1003,requested_by_customer,EE,EE");
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: transactions.csv:27: unit_amount: refund 'rf_2002' would credit 119.01 EUR, more than is left on KL-INV-2026-000002: 149.00 invoiced, 30.00 already credited, 119.00 left"),
        "{}",
        stderr(&out)
    );
    assert!(!f.archive.exists(), "nothing is issued");
    // Exactly what is left is fine.
    f.set_transactions(&f.transactions().replace(",119.01,", ",119.00,"));
    ok(f.issue());
    assert_eq!(f.doc("KL-CN-2026-000003")["totals"]["gross"], "119.00");
}

#[test]
fn refunds_of_unknown_or_uninvoiced_charges_are_errors() {
    let f = Fixture::new(&[]);
    f.append("rf_2003,refund,succeeded,cus_fr_01,2026-10-28T10:00:00+02:00,EUR,Refund,1,14.99,gross,false,,,ch_1012,x,FR,FR");
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("transactions.csv:27: refers_to: 'ch_1012' was never invoiced (its payment is failed); only an invoiced charge can be refunded with a credit note"), "{}", stderr(&out));
    // A card payment still pending has no invoice yet (a bank transfer's has: it is issued
    // before the money arrives).
    f.set_transactions(&f.transactions().replace(",cus_fr_01,2026-10-28T10:00:00+02:00,", ",cus_gb_01,2026-10-28T10:00:00+02:00,").replace(",ch_1012,x,", ",ch_1013,x,"));
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("transactions.csv:27: refers_to: 'ch_1013' was never invoiced (its payment is pending); only an invoiced charge can be refunded with a credit note"), "{}", stderr(&out));
    f.set_transactions(&f.transactions().replace(",ch_1013,x,", ",ch_9999,x,"));
    let out = f.issue();
    assert!(stderr(&out).contains("transactions.csv:27: refers_to: 'ch_9999' is not a transaction_id in transactions.csv"), "{}", stderr(&out));
}

#[test]
fn a_reverse_charge_credit_note_stays_reverse_charge() {
    let f = Fixture::new(&[]);
    f.append("rf_2004,refund,succeeded,cus_it_01,2026-10-28T10:00:00+01:00,EUR,Seat removed,1,240.00,net,false,,,ch_1005,seat_removed,IT,IT");
    ok(f.issue());
    let cn = f.doc("KL-CN-2026-000003");
    assert_eq!(cn["tax"]["treatment"], "reverse_charge");
    assert_eq!(amounts(&cn), ("240.00".into(), "0.00".into(), "240.00".into()));
    assert_eq!(cn["tax_breakdown"][0]["tax_category"], "AE");
    assert_eq!(cn["customer"]["tax_id"], "IT00743110157");
    assert_eq!(cn["seller"]["tax_id"], "EE101234568");
    assert_eq!(cn["legends"][0]["code"], "reverse_charge");
}

#[test]
fn a_credit_note_keeps_the_original_rate_after_a_rate_change() {
    // Estonia: 22 % until 2025-06-30, 24 % since. A June invoice refunded in August is
    // credited at 22 %.
    let f = Fixture::new(&[]);
    f.append("ch_2005,charge,succeeded,cus_ee_01,2025-06-20T10:00:00+03:00,EUR,Credit pack,1,12.20,gross,false,,,,,EE,EE");
    f.append("rf_2005,refund,succeeded,cus_ee_01,2025-08-05T10:00:00+03:00,EUR,Refund,1,6.10,gross,false,,,ch_2005,x,EE,EE");
    ok(f.issue());
    let cn: Value = serde_json::from_slice(&fs::read(f.archive.join("2025/KL-CN-2025-000001.json")).unwrap()).unwrap();
    // 6.10 × 22 / 122 = 1.10 exactly.
    assert_eq!(cn["tax_breakdown"][0]["tax_rate"], "22");
    assert_eq!(amounts(&cn), ("5.00".into(), "1.10".into(), "6.10".into()));
}

/// A partial refund of a plan change's invoice reduces what that invoice charged: the credit
/// for the earlier charge's unused time (at that charge's rate, a negative row) takes no
/// share. Split by shares, 12.45 would credit −3.05 at 22 % — adding to the June supply — and
/// 15.50 at 24 %.
#[test]
fn a_partial_refund_of_a_plan_change_credits_only_the_rate_the_invoice_charged() {
    // A June 2025 EE Basic charge at 22 % adjusted in July at 24 %: Pro 31.00 gross at 24 %,
    // credit −6.10 gross at 22 %.
    let f = Fixture::new(&[]);
    f.append("ch_3001,charge,succeeded,cus_ee_01,2025-06-10T10:00:00+03:00,EUR,Basic plan,1,12.20,gross,false,,,,,EE,EE");
    f.append("ch_3002,charge,succeeded,cus_ee_01,2025-07-10T10:00:00+03:00,EUR,Pro plan,1,31.00,gross,false,,,,,EE,EE");
    f.append("ch_3002,charge,succeeded,cus_ee_01,2025-07-10T10:00:00+03:00,EUR,Unused Basic time,1,-6.10,gross,true,,,ch_3001,,EE,EE");
    f.append("rf_3003,refund,succeeded,cus_ee_01,2025-07-20T10:00:00+03:00,EUR,Goodwill refund,1,12.45,gross,false,,,ch_3002,goodwill,EE,EE");
    ok(f.issue());
    let inv: Value = serde_json::from_slice(&fs::read(f.archive.join("2025/KL-INV-2025-000002.json")).unwrap()).unwrap();
    // 24 %: 31.00 → tax 6.00, net 25.00; 22 %: −6.10 → tax −1.10, net −5.00.
    assert_eq!(amounts(&inv), ("20.00".into(), "4.90".into(), "24.90".into()));
    let cn: Value = serde_json::from_slice(&fs::read(f.archive.join("2025/KL-CN-2025-000001.json")).unwrap()).unwrap();
    // 12.45 at 24 %: tax 2.41 (12.45 × 24 / 124 = 2.4097), net 10.04; the refund's own line.
    assert_eq!(breakdown(&cn), [("S", "24", "10.04", "2.41")]);
    assert_eq!(amounts(&cn), ("10.04".into(), "2.41".into(), "12.45".into()));
    assert_eq!(cn["lines"].as_array().unwrap().len(), 1);
    assert_eq!(cn["lines"][0]["description"], "Goodwill refund");
}

/// A partial refund of an invoice that charged at several rates (a plan change that adds to
/// earlier charges, each at its own rate) is split by each rate's share, and the shares'
/// rounding cent goes to the largest. Invoice of July 2025 (EE 24 %) with additions to a
/// 2023 charge (20 %) and a 2024 one (22 %), 43.10 gross; 1.02 refunded: 6.00, 6.10 and
/// 31.00 of 43.10 are 0.1420…, 0.1443… and 0.7336…, which round to 0.14, 0.14 and 0.73
/// (1.01): the 24 % share becomes 0.74.
#[test]
fn a_refund_split_over_three_rates_gives_the_rounding_cent_to_the_largest_share() {
    let f = Fixture::new(&[]);
    f.append("ch_3101,charge,succeeded,cus_ee_01,2023-12-10T10:00:00+02:00,EUR,Basic plan,1,12.00,gross,false,,,,,EE,EE");
    f.append("ch_3102,charge,succeeded,cus_ee_01,2024-06-10T10:00:00+03:00,EUR,Plus plan,1,12.20,gross,false,,,,,EE,EE");
    f.append("ch_3103,charge,succeeded,cus_ee_01,2025-07-10T10:00:00+03:00,EUR,Pro plan,1,31.00,gross,false,,,,,EE,EE");
    f.append("ch_3103,charge,succeeded,cus_ee_01,2025-07-10T10:00:00+03:00,EUR,Extra Basic seat,1,6.00,gross,true,,,ch_3101,,EE,EE");
    f.append("ch_3103,charge,succeeded,cus_ee_01,2025-07-10T10:00:00+03:00,EUR,Extra Plus seat,1,6.10,gross,true,,,ch_3102,,EE,EE");
    f.append("rf_3104,refund,succeeded,cus_ee_01,2025-07-20T10:00:00+03:00,EUR,Goodwill refund,1,1.02,gross,false,,,ch_3103,goodwill,EE,EE");
    ok(f.issue());
    let cn: Value = serde_json::from_slice(&fs::read(f.archive.join("2025/KL-CN-2025-000001.json")).unwrap()).unwrap();
    let lines: Vec<(String, String)> = cn["lines"].as_array().unwrap().iter().map(|l| (l["tax_rate"].as_str().unwrap().into(), l["net_amount"].as_str().unwrap().into())).collect();
    // Gross 0.14 at 20 %: tax 0.02 (0.0233), net 0.12; 0.14 at 22 %: tax 0.03 (0.0252), net
    // 0.11; 0.74 at 24 %: tax 0.14 (0.1432), net 0.60.
    assert_eq!(breakdown(&cn), [("S", "20", "0.12", "0.02"), ("S", "22", "0.11", "0.03"), ("S", "24", "0.60", "0.14")]);
    assert_eq!(lines, [("20".into(), "0.12".into()), ("22".into(), "0.11".into()), ("24".into(), "0.60".into())]);
    // Each share, a quantity of one, keeps its gross amount as its price.
    let gross: Vec<(&str, &str)> = cn["lines"].as_array().unwrap().iter().map(|l| (l["gross"]["unit_price"].as_str().unwrap(), l["gross"]["amount"].as_str().unwrap())).collect();
    assert_eq!(gross, [("0.14", "0.14"), ("0.14", "0.14"), ("0.74", "0.74")]);
    assert_eq!(amounts(&cn), ("0.83".into(), "0.19".into(), "1.02".into()));
    // A refund of two seats at 5.00 (DE 19 %) of a one-rate invoice keeps its unit price.
    f.append("rf_3105,refund,succeeded,cus_de_01,2026-10-20T10:00:00+02:00,EUR,Two seats removed,2,5.00,gross,false,,,ch_1011,seat_removed,DE,DE");
    let seats = f.doc(&issued_as(&ok(f.issue()), "rf_3105"));
    let line = &seats["lines"][0];
    assert_eq!(
        [&line["quantity"], &line["gross"]["unit_price"], &line["gross"]["amount"], &line["net_amount"]].map(|v| v.as_str().unwrap()),
        ["2", "5.00", "10.00", "8.40"]
    );
}

/// An invoiced transaction edited afterwards is refused, naming each field that differs
/// from what its document states, as it was issued and as it is now; where nothing the
/// document states differs, the fields it does not state.
#[test]
fn editing_an_invoiced_transaction_is_refused_naming_what_changed() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let register = fs::read(f.archive.join("register.jsonl")).unwrap();
    let edits = [
        // The price of a one-row invoice.
        ("ch_1001,charge,succeeded,cus_de_01,2026-10-01T09:12:44+02:00,EUR,Pro plan (monthly),1,14.99,", "ch_1001,charge,succeeded,cus_de_01,2026-10-01T09:12:44+02:00,EUR,Pro plan (monthly),1,15.99,"),
        // Two rows of one invoice: each difference names its row.
        ("EUR,Team plan (monthly) seat,3,25.00,net", "EUR,Team plan (monthly) seat,4,25.00,net"),
        ("EUR,Credit pack 5000 credits,1,40.00,net,false,,,", "EUR,Credit pack 5000 credits,1,40.00,net,false,2026-10-05,,"),
        // Only the time of day, which no document states.
        ("2026-10-07T20:01:33+01:00", "2026-10-07T20:02:33+01:00"),
        // A bank transfer's charge the processor later marks succeeded.
        ("ch_1021,charge,pending,", "ch_1021,charge,succeeded,"),
        // A refund's payment id: its credit note can only be matched again.
        (",re_3QKx1016", ",re_3QKx1016b"),
    ];
    let mut csv = f.transactions();
    for (from, to) in edits {
        assert_eq!(csv.matches(from).count(), 1, "{from}");
        csv = csv.replacen(from, to, 1);
    }
    f.set_transactions(&csv);
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: transactions.csv:2: transaction_id: 'ch_1001' has changed since it was issued as KL-INV-2026-000001: unit_amount was 14.99 when issued, is now 15.99; issued documents are never changed: refund it (credit note) or use `invoicesmith reissue KL-INV-2026-000001`\n\
         error: transactions.csv:5: transaction_id: 'ch_1004' has changed since it was issued as KL-INV-2026-000004: quantity on line 5 was 3 when issued, is now 4, service_start on line 6 was empty when issued, is now 2026-10-05; issued documents are never changed: refund it (credit note) or use `invoicesmith reissue KL-INV-2026-000004`\n\
         error: transactions.csv:8: transaction_id: 'ch_1006' has changed since it was issued as KL-INV-2026-000006: none of the fields its document states differs, so the change is in one it does not state: the time of day in timestamp or reason; issued documents are never changed: refund it (credit note) or use `invoicesmith reissue KL-INV-2026-000006`\n\
         error: transactions.csv:19: transaction_id: 'rf_1016' has changed since it was issued as KL-CN-2026-000001: payment_id was 're_3QKx1016' when issued, is now 're_3QKx1016b'; issued documents are never changed: put the refund's row back as it was issued\n\
         error: transactions.csv:24: transaction_id: 'ch_1021' has changed since it was issued as KL-INV-2026-000015: status was 'pending' when issued, is now 'succeeded'; issued documents are never changed: keep its status pending and record the money received as a row of type payment, status succeeded, refers_to ch_1021, payment_method bank_transfer (README, \"Invoice now, paid later\")\n\
         error: 5 input error(s); nothing was issued\n"
    );
    assert_eq!(fs::read(f.archive.join("register.jsonl")).unwrap(), register, "nothing issued");
}

/// The month's file saved again by a spreadsheet (Excel writes `149.00` as `149` and `21.60`
/// as `21.6`, and keeps `14.99`): the same transactions, nothing "changed", nothing issued
/// twice, the archive untouched; a new row is still issued.
#[test]
fn an_invoiced_month_saved_again_by_a_spreadsheet_is_not_changed() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let register = std::fs::read(f.archive.join("register.jsonl")).unwrap();
    let as_excel_writes: String = f
        .transactions()
        .lines()
        .map(|line| {
            let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
            if let Some(amount) = fields.get_mut(8).filter(|a| a.contains('.')) {
                *amount = amount.trim_end_matches('0').trim_end_matches('.').to_string();
            }
            fields.join(",") + "\n"
        })
        .collect();
    assert!(as_excel_writes.contains(",149,") && as_excel_writes.contains(",21.6,"), "{as_excel_writes}");
    f.set_transactions(&as_excel_writes);
    let out = f.issue();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("has changed"), "{}", stderr(&out));
    assert_eq!(std::fs::read(f.archive.join("register.jsonl")).unwrap(), register, "nothing issued again");
    // A real change in that form is still one.
    f.set_transactions(&as_excel_writes.replace(",21.6,", ",21.7,"));
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("'ch_1002' has changed since it was issued as KL-INV-2026-000003"), "{}", stderr(&out));
}

#[test]
fn reissue_cancels_and_replaces_leaving_the_original_untouched() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let before = f.hashes("KL-INV-2026-000001");
    let report = f
        .reissue("KL-INV-2026-000001", &[("address_line1", "Kastanienallee 7"), ("postal_code", "10435")], "customer moved before the invoice date", Some("2026-11-02"), "2026-11-02T08:00:00Z")
        .unwrap();
    let numbers: Vec<&str> = report.issued.iter().map(|d| d.number()).collect();
    assert_eq!(numbers, ["KL-CN-2026-000003", "KL-INV-2026-000017"]);
    let original = f.doc("KL-INV-2026-000001");
    let cancel = f.doc("KL-CN-2026-000003");
    let replacement = f.doc("KL-INV-2026-000017");
    // The credit note repeats the original as issued.
    assert_eq!(cancel["customer"], original["customer"]);
    assert_eq!(amounts(&cancel), amounts(&original));
    assert_eq!(cancel["references"][0]["relation"], "cancels");
    assert_eq!(cancel["issue_date"], "2026-11-02");
    // The replacement: new address, same supply, same rate and amounts.
    assert_eq!(replacement["customer"]["address"]["line1"], "Kastanienallee 7");
    assert_eq!(replacement["customer"]["address"]["postal_code"], "10435");
    assert_eq!(replacement["tax_point_date"], original["tax_point_date"]);
    assert_eq!(replacement["tax_breakdown"], original["tax_breakdown"]);
    assert_eq!(replacement["references"][0]["number"], "KL-INV-2026-000001");
    assert_eq!(replacement["references"][0]["relation"], "replaces");
    assert_eq!(replacement["references"][0]["reason"], "customer moved before the invoice date");
    assert_eq!(f.hashes("KL-INV-2026-000001"), before, "the original's bytes changed");

    // History.
    let show = ok(f.cli(&["show", "KL-INV-2026-000001"]));
    assert!(show.contains("cancelled by KL-CN-2026-000003 of 2026-11-02"), "{show}");
    assert!(show.contains("replaced by KL-INV-2026-000017 of 2026-11-02"), "{show}");
    let show = ok(f.cli(&["show", "KL-INV-2026-000017"]));
    assert!(show.contains("replaces KL-INV-2026-000001 of 2026-10-01 (customer moved before the invoice date)"), "{show}");

    // Cancelled documents and credit notes can't be reissued; the replacement can (a chain).
    let again = f.cli(&["reissue", "KL-INV-2026-000001", "--set", "city=Potsdam", "--reason", "x"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("KL-INV-2026-000001 was already cancelled by KL-CN-2026-000003 on 2026-11-02"), "{}", stderr(&again));
    let cn = f.cli(&["reissue", "KL-CN-2026-000001", "--set", "city=Tartu", "--reason", "x"]);
    assert!(stderr(&cn).contains("KL-CN-2026-000001 is a credit note; only invoices can be reissued"), "{}", stderr(&cn));
    f.reissue("KL-INV-2026-000017", &[("name", "Jürgen K. Müller")], "full name", None, "2026-11-05T09:00:00Z").unwrap();
    assert_eq!(f.doc("KL-INV-2026-000018")["issue_date"], "2026-11-05");
    assert_eq!(f.doc("KL-INV-2026-000018")["customer"]["name"], "Jürgen K. Müller");
    assert_eq!(f.doc("KL-INV-2026-000018")["references"][0]["number"], "KL-INV-2026-000017");
    ok(f.cli(&["verify"]));
    // Re-running issue afterwards issues nothing: the transactions are invoiced.
    assert!(ok(f.issue()).starts_with("issued 0 document(s)"));
}

#[test]
fn a_vat_id_supplied_later_turns_the_replacement_into_reverse_charge() {
    // KL-INV-2026-000012: 14.99 gross to a French consumer at 20 % (net 12.49, tax 2.50);
    // without its refund (a refunded invoice can't be cancelled again).
    let f = Fixture::new(&["rf_1018"]);
    ok(f.issue());
    assert_eq!(amounts(&f.doc("KL-INV-2026-000012")), ("12.49".into(), "2.50".into(), "14.99".into()));
    let refused = f.cli(&["reissue", "KL-INV-2026-000002", "--set", "city=Tartu", "--reason", "x"]);
    assert!(stderr(&refused).contains("KL-INV-2026-000002 has been credited by KL-CN-2026-000001 (30.00 EUR); cancelling it in full would credit more than was invoiced"), "{}", stderr(&refused));
    let set = [("vat_id", "FR40303265045"), ("vat_id_status", "valid"), ("name", "Durand Design SARL")];
    let report = f.reissue("KL-INV-2026-000012", &set, "business customer supplied VAT ID", None, "2026-11-10T12:00:00Z").unwrap();
    assert_eq!(report.issued[1].number(), "KL-INV-2026-000017");
    assert_eq!(
        report.warnings,
        ["customers.csv still holds the old details of cus_fr_01: set name=Durand Design SARL, vat_id=FR40303265045, type=business, vat_id_status=valid there, or the next invoice repeats the error"]
    );
    let r = f.doc("KL-INV-2026-000017");
    assert_eq!(r["tax"]["treatment"], "reverse_charge");
    assert_eq!(r["tax"]["customer_type"], "business");
    assert_eq!(r["customer"]["tax_id"], "FR40303265045");
    assert_eq!(r["tax_point_date"], "2026-10-25");
    // Net price unchanged, no VAT; the card paid 14.99, so 2.50 is overpaid.
    assert_eq!(amounts(&r), ("12.49".into(), "0.00".into(), "12.49".into()));
    assert_eq!(r["totals"]["paid"], "14.99");
    assert_eq!(r["totals"]["due"], "-2.50");
    assert_eq!(r["legends"][0]["code"], "reverse_charge");

    // No promise that it "is refunded": the overpayment is open, and recorded as such.
    let html = fs::read_to_string(f.archive.join("2026/KL-INV-2026-000017.html")).unwrap();
    assert!(html.contains("Trop-perçu de 2,50\u{a0}€, à rembourser ou à créditer."), "{html}");
    assert!(html.contains("<th scope=\"row\">Trop-perçu, à rembourser ou à créditer</th><td>2,50\u{a0}€</td>"), "{html}");
    assert!(!html.contains("remboursé."));
    let register = fs::read_to_string(f.archive.join("register.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(register.lines().find(|l| l.contains("\"KL-INV-2026-000017\"")).unwrap()).unwrap();
    assert_eq!(entry["overpaid"], "2.50");
    assert!(register.lines().filter(|l| !l.contains("\"KL-INV-2026-000017\"")).all(|l| !l.contains("overpaid")));

    // The month's reconciliation lists it while it is open.
    let export = |month: &str, out: &str| {
        let out = f._tmp.path().join(out);
        let o = f.cli(&["export", "--month", month, "--data", f.data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        fs::read_to_string(out.join("reconciliation.csv")).unwrap()
    };
    let open = export("2026-11", "export-open");
    assert!(open.contains("ch_1017,charge,succeeded,2026-11-10,EUR,2.50,overpaid,KL-INV-2026-000017,overpaid 2.50 EUR on KL-INV-2026-000017: to be refunded or credited"), "{open}");
    assert_eq!(open.matches(",overpaid,").count(), 1, "{open}");
    // Reissued again (a chain), the open overpayment is the new replacement's, listed once.
    f.reissue("KL-INV-2026-000017", &[("city", "Villeurbanne")], "moved", None, "2026-11-11T09:00:00Z").unwrap();
    let chained = export("2026-11", "export-chained");
    assert!(chained.contains(",2.50,overpaid,KL-INV-2026-000018,overpaid 2.50 EUR on KL-INV-2026-000018: to be refunded or credited"), "{chained}");
    assert_eq!(chained.matches(",overpaid,").count(), 1, "{chained}");

    // A refund of exactly the overpayment returns it: no credit note, and it is no longer open.
    f.append("rf_2001,refund,succeeded,cus_fr_01,2026-11-12T10:00:00+01:00,EUR,Refund of overpayment,1,2.50,gross,false,,,ch_1017,requested_by_customer,FR,FR");
    let out = ok(f.issue());
    assert!(out.contains("rf_2001: returns the overpayment of 2.50 EUR on KL-INV-2026-000018: no credit note"), "{out}");
    let closed = export("2026-11", "export-closed");
    assert!(!closed.contains(",overpaid,"), "{closed}");
    assert!(closed.contains("rf_2001,refund,succeeded,2026-11-12,EUR,2.50,no_document,,returns the overpayment on KL-INV-2026-000018"), "{closed}");
    // Any other refund of that charge credits the supply: a credit note.
    f.append("rf_2002,refund,succeeded,cus_fr_01,2026-11-13T10:00:00+01:00,EUR,Goodwill refund,1,4.00,gross,false,,,ch_1017,goodwill,FR,FR");
    let out = ok(f.issue());
    let credit_note = f.doc(&issued_as(&out, "rf_2002"));
    assert_eq!(amounts(&credit_note), ("4.00".into(), "0.00".into(), "4.00".into()));
    assert_eq!(credit_note["references"][0]["number"], "KL-INV-2026-000018");
    // So does a second refund of the overpaid amount: the overpayment was returned once.
    f.append("rf_2003,refund,succeeded,cus_fr_01,2026-11-14T10:00:00+01:00,EUR,Goodwill refund,1,2.50,gross,false,,,ch_1017,goodwill,FR,FR");
    let out = ok(f.issue());
    assert_eq!(amounts(&f.doc(&issued_as(&out, "rf_2003"))), ("2.50".into(), "0.00".into(), "2.50".into()));
    // And a rerun decides the same: the first returns the overpayment, the others are issued.
    let again = ok(f.issue());
    assert!(again.contains("rf_2001: returns the overpayment of 2.50 EUR on KL-INV-2026-000018: no credit note"), "{again}");
    assert!(again.starts_with("issued 0 document(s)"), "{again}");
}

/// A replacement of an overpaid invoice announces the overpayment only while it is open: once
/// a refund returned it, the next replacement asks for nothing and announces nothing.
#[test]
fn reissue_of_an_overpaid_invoice_counts_the_overpayment_returned() {
    let f = Fixture::new(&["rf_1018"]);
    ok(f.issue());
    let set = [("vat_id", "FR40303265045"), ("vat_id_status", "valid")];
    f.reissue("KL-INV-2026-000012", &set, "business customer supplied VAT ID", None, "2026-11-10T12:00:00Z").unwrap();
    assert_eq!(f.doc("KL-INV-2026-000017")["totals"]["due"], "-2.50");
    // Without the payment history it cannot know whether the 2.50 went back.
    let out = f.cli(&["reissue", "KL-INV-2026-000017", "--set", "city=Villeurbanne", "--reason", "moved"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("KL-INV-2026-000017 was overpaid, and whether the overpayment has been refunded since is in the payment history: give --data DIR"), "{}", stderr(&out));
    // Not returned yet: the replacement still announces it.
    f.reissue("KL-INV-2026-000017", &[("city", "Villeurbanne")], "moved", None, "2026-11-11T09:00:00Z").unwrap();
    let totals = |d: &Value| [&d["totals"]["gross"], &d["totals"]["paid"], &d["totals"]["due"]].map(|v| v.as_str().unwrap().to_string());
    assert_eq!(totals(&f.doc("KL-INV-2026-000018")), ["12.49", "14.99", "-2.50"]);
    // rf_2001 returns it...
    f.append("rf_2001,refund,succeeded,cus_fr_01,2026-11-12T10:00:00+01:00,EUR,Refund of overpayment,1,2.50,gross,false,,,ch_1017,requested_by_customer,FR,FR");
    let out = ok(f.issue());
    assert!(out.contains("rf_2001: returns the overpayment of 2.50 EUR on KL-INV-2026-000018: no credit note"), "{out}");
    // ...so the next replacement is paid exactly, and its credit note applies what stayed paid.
    let report = f.reissue("KL-INV-2026-000018", &[("city", "Lyon")], "moved back", None, "2026-11-13T09:00:00Z").unwrap();
    let numbers: Vec<&str> = report.issued.iter().map(|d| d.number()).collect();
    assert_eq!(numbers, ["KL-CN-2026-000004", "KL-INV-2026-000019"]);
    assert_eq!(totals(&f.doc("KL-INV-2026-000019")), ["12.49", "12.49", "0.00"]);
    assert_eq!(totals(&f.doc("KL-CN-2026-000004")), ["12.49", "12.49", "0.00"]);
    let html = fs::read_to_string(f.archive.join("2026/KL-INV-2026-000019.html")).unwrap();
    assert!(!html.contains("Trop-perçu"), "{html}");
    let register = fs::read_to_string(f.archive.join("register.jsonl")).unwrap();
    assert!(!register.lines().find(|l| l.contains("\"KL-INV-2026-000019\"")).unwrap().contains("overpaid"));
}

/// While an overpayment is open, a refund of another amount credits the supply (a credit
/// note) and leaves the overpayment open, to be returned by a refund of exactly it.
#[test]
fn a_refund_of_another_amount_than_an_open_overpayment_is_a_credit_note() {
    let f = Fixture::new(&["rf_1018"]);
    ok(f.issue());
    let set = [("vat_id", "FR40303265045"), ("vat_id_status", "valid")];
    f.reissue("KL-INV-2026-000012", &set, "business customer supplied VAT ID", None, "2026-11-10T12:00:00Z").unwrap();
    assert_eq!(f.doc("KL-INV-2026-000017")["totals"]["due"], "-2.50");
    f.append("rf_2002,refund,succeeded,cus_fr_01,2026-11-12T10:00:00+01:00,EUR,Goodwill refund,1,4.00,gross,false,,,ch_1017,goodwill,FR,FR");
    f.append("rf_2003,refund,succeeded,cus_fr_01,2026-11-13T10:00:00+01:00,EUR,Refund of overpayment,1,2.50,gross,false,,,ch_1017,requested_by_customer,FR,FR");
    let out = ok(f.issue());
    assert_eq!(amounts(&f.doc(&issued_as(&out, "rf_2002"))), ("4.00".into(), "0.00".into(), "4.00".into()));
    assert!(out.contains("rf_2003: returns the overpayment of 2.50 EUR on KL-INV-2026-000017: no credit note"), "{out}");
}

#[test]
fn a_foreign_currency_invoice_outside_eu_vat_is_restated_for_the_books_and_its_corrections_keep_the_rate() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let booking = |doc: &Value| {
        let b = &doc["base_currency_booking"];
        ["currency", "published_rate", "rate_date", "exchange_rate", "taxable_amount", "tax_amount"].map(|k| b[k].as_str().unwrap_or("-").to_string())
    };
    // KL-INV-2026-000007: 49.00 USD to a US business, outside scope, tax point 2026-10-09,
    // when the ECB published 1 EUR = 1.0839 USD: 49.00 / 1.0839 = 45.207… → 45.21 EUR.
    let invoice = f.doc("KL-INV-2026-000007");
    assert_eq!(invoice["base_currency_tax"], Value::Null, "no Art. 230 statement: no EU VAT");
    assert_eq!(booking(&invoice), ["EUR", "1.0839", "2026-10-09", "0.922594", "45.21", "0.00"]);
    // For the books only: the document does not print it.
    let html = fs::read_to_string(f.archive.join("2026/KL-INV-2026-000007.html")).unwrap();
    assert!(!html.contains("45.21") && !html.contains("1.0839"), "{html}");
    // An EUR invoice has none.
    assert_eq!(f.doc("KL-INV-2026-000001").get("base_currency_booking"), None);

    // Refunded in part on 2026-10-28 (1 EUR = 1.0846 USD that day), credited at the
    // invoice's rate so the two cancel in euros too: 19.00 / 1.0839 = 17.529… → 17.53.
    f.append("rf_2001,refund,succeeded,cus_us_01,2026-10-28T10:00:00-07:00,USD,Refund,1,19.00,net,false,,,ch_1007,requested_by_customer,US,US");
    ok(f.issue());
    let credit = f.doc("KL-CN-2026-000003");
    assert_eq!(credit["references"][0]["number"], "KL-INV-2026-000007");
    assert_eq!(booking(&credit), ["EUR", "1.0839", "2026-10-09", "0.922594", "17.53", "0.00"]);

    // KL-INV-2026-000003: 21.60 USD gross to a French consumer with French VAT under OSS,
    // stated in euros by Art. 230 at the rate of 2026-10-02 (1.0839). Reissued with a VAT ID
    // it is reverse charge: no EU VAT, so no Art. 230 statement, but the same rate for the
    // books (a correction reads no rates): net 18.00 / 1.0839 = 16.606… → 16.61.
    let original = f.doc("KL-INV-2026-000003");
    assert_eq!(original["base_currency_tax"]["published_rate"], "1.0839");
    assert_eq!(original.get("base_currency_booking"), None);
    let set = [("vat_id", "FR40303265045"), ("vat_id_status", "valid"), ("type", "business"), ("name", "Durand Design SARL")];
    let report = f.reissue("KL-INV-2026-000003", &set, "business customer supplied VAT ID", None, "2026-11-10T12:00:00Z").unwrap();
    let replacement = f.doc(report.issued[1].number());
    assert_eq!(replacement["tax"]["treatment"], "reverse_charge");
    assert_eq!(replacement["base_currency_tax"], Value::Null);
    assert_eq!(booking(&replacement), ["EUR", "1.0839", "2026-10-02", "0.922594", "16.61", "0.00"]);
    // The cancelling credit note restates what the original stated.
    assert_eq!(f.doc(report.issued[0].number())["base_currency_tax"], original["base_currency_tax"]);

    // The other way: 49.00 USD to an Italian business with a VAT ID on 2026-10-20 (1 EUR =
    // 1.0832 USD) is reverse charge, kept for the books at 49.00 / 1.0832 = 45.236… → 45.24.
    f.append("ch_2002,charge,succeeded,cus_it_01,2026-10-20T10:00:00+02:00,USD,Studio plan (monthly),1,49.00,net,false,2026-10-20,2026-11-19,,,IT,IT");
    let out = ok(f.issue());
    let number = issued_as(&out, "ch_2002");
    let reverse_charge = f.doc(&number);
    assert_eq!(reverse_charge["tax"]["treatment"], "reverse_charge");
    assert_eq!(booking(&reverse_charge), ["EUR", "1.0832", "2026-10-20", "0.923191", "45.24", "0.00"]);
    // Its VAT ID turns out invalid: the replacement charges Italian VAT (22 %: 10.78 USD),
    // which Art. 230 states in euros at the rate the books had: 45.24 and
    // 10.78 / 1.0832 = 9.951… → 9.95. (Before the books kept a rate, this was refused.)
    let report = f.reissue(&number, &[("vat_id", "")], "VAT ID invalid", None, "2026-11-11T12:00:00Z").unwrap();
    let replacement = f.doc(report.issued[1].number());
    assert_eq!((replacement["tax"]["treatment"].as_str(), replacement["totals"]["tax"].as_str()), (Some("oss"), Some("10.78")));
    let statement = &replacement["base_currency_tax"];
    assert_eq!(
        ["published_rate", "rate_date", "taxable_amount", "tax_amount"].map(|k| statement[k].as_str().unwrap()),
        ["1.0832", "2026-10-20", "45.24", "9.95"]
    );
    assert_eq!(replacement.get("base_currency_booking"), None);
}

#[test]
fn a_correction_is_dated_the_day_support_makes_it() {
    // The samples' latest documents: invoice 2026-10-28, credit note 2026-10-26.
    let f = Fixture::new(&[]);
    ok(f.issue());
    let fix = [("city", "Potsdam")];
    // 22:30 UTC on 2 November is already 3 November in Tallinn (UTC+2).
    let early = f.reissue("KL-INV-2026-000001", &fix, "x", Some("2026-11-02"), "2026-11-02T22:30:00Z").unwrap_err().to_string();
    assert_eq!(early, "--date 2026-11-02 is before today (2026-11-03 in Europe/Tallinn): a correction is dated the day it is made, or later");
    f.reissue("KL-INV-2026-000001", &fix, "moved", None, "2026-11-02T22:30:00Z").unwrap();
    assert_eq!(f.doc("KL-CN-2026-000003")["issue_date"], "2026-11-03");
    assert_eq!(f.doc("KL-INV-2026-000017")["issue_date"], "2026-11-03");
    // --date may move it later, never before the series' latest date.
    let before = f.reissue("KL-INV-2026-000003", &fix, "x", Some("2026-11-02"), "2026-10-30T10:00:00Z").unwrap_err().to_string();
    assert_eq!(before, "--date 2026-11-02 is before 2026-11-03, the latest issue date in the series KL-CN-{year}-{seq:06}: numbers and dates must ascend; use 2026-11-03 or later");
    // A month later at most: a mistyped year would date every later document of both series.
    let far = f.reissue("KL-INV-2026-000005", &fix, "x", Some("2026-12-06"), "2026-11-04T10:00:00Z").unwrap_err().to_string();
    assert_eq!(far, "--date 2026-12-06 is more than 31 days after today (2026-11-04 in Europe/Tallinn): a correction is dated the day it is made, or at most a month later");
    f.reissue("KL-INV-2026-000005", &fix, "x", Some("2026-11-30"), "2026-11-04T10:00:00Z").unwrap();
    assert_eq!(f.doc("KL-CN-2026-000004")["issue_date"], "2026-11-30");
    assert_eq!(f.doc("KL-INV-2026-000018")["issue_date"], "2026-11-30");
    // Made on a day before the series' latest date (a clock behind the archive), both
    // documents take that latest date: the replacement never precedes its credit note.
    f.reissue("KL-INV-2026-000006", &fix, "x", None, "2026-11-20T10:00:00Z").unwrap();
    assert_eq!(f.doc("KL-CN-2026-000005")["issue_date"], "2026-11-30");
    assert_eq!(f.doc("KL-INV-2026-000019")["issue_date"], "2026-11-30");
    // The boundaries are allowed: --date on the series' latest date, and on today.
    f.reissue("KL-INV-2026-000007", &fix, "x", Some("2026-11-30"), "2026-11-20T10:00:00Z").unwrap();
    assert_eq!(f.doc("KL-CN-2026-000006")["issue_date"], "2026-11-30");
    f.reissue("KL-INV-2026-000009", &fix, "x", Some("2026-12-01"), "2026-12-01T10:00:00Z").unwrap();
    assert_eq!(f.doc("KL-INV-2026-000021")["issue_date"], "2026-12-01");
    // And 31 days after today.
    f.reissue("KL-INV-2026-000010", &fix, "x", Some("2027-01-01"), "2026-12-01T10:00:00Z").unwrap();
    let cn: Value = serde_json::from_slice(&fs::read(f.archive.join("2027/KL-CN-2027-000001.json")).unwrap()).unwrap();
    assert_eq!(cn["issue_date"], "2027-01-01");
    ok(f.cli(&["verify"]));
}

#[test]
fn reissue_reminds_that_customers_csv_still_holds_the_old_details() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let report = f
        .reissue("KL-INV-2026-000001", &[("address_line1", "Kastanienallee 7"), ("postal_code", "10435")], "moved", None, "2026-11-02T08:00:00Z")
        .unwrap();
    assert_eq!(
        report.warnings,
        ["customers.csv still holds the old details of cus_de_01: set address_line1=Kastanienallee 7, postal_code=10435 there, or the next invoice repeats the error"]
    );
    // The next issue run warns while customers.csv is unchanged…
    let out = f.issue();
    let warnings = stderr(&out);
    assert!(warnings.contains("warning: customers.csv: cus_de_01: address_line1 is still 'Schönhauser Allee 12', which KL-INV-2026-000017 corrected to 'Kastanienallee 7'; update customers.csv or the next invoice repeats the error"), "{warnings}");
    assert!(warnings.contains("warning: customers.csv: cus_de_01: postal_code is still '10119', which KL-INV-2026-000017 corrected to '10435'"), "{warnings}");
    // …and not once it is updated.
    let path = f.data.join("customers.csv");
    let customers = fs::read_to_string(&path).unwrap().replace("Schönhauser Allee 12,Hinterhaus 3. OG,Berlin,10119", "Kastanienallee 7,Hinterhaus 3. OG,Berlin,10435");
    fs::write(&path, customers).unwrap();
    assert!(!stderr(&f.issue()).contains("customers.csv"));
}

/// Each field `--set` takes lands in the replacement's record as given, and only there: an
/// emptied optional field is gone, an emptied name is refused.
#[test]
fn every_field_reissue_sets_reaches_the_replacement() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    // The Belgian business: French, a Peppol ID, no second address line or region.
    let original = f.doc("KL-INV-2026-000013");
    assert_eq!(original["customer"]["electronic_address"], serde_json::json!({ "scheme": "0208", "id": "0123456749" }));
    let set = [
        ("name", "Atelier Lumière & Fils SRL"),
        ("email", "compta@atelier-lumiere.example"),
        ("address_line2", "Boîte 4"),
        ("region", "Bruxelles-Capitale"),
        ("language", "nl"),
        ("peppol_id", ""),
        ("buyer_reference", "PO-2026-77"),
    ];
    let report = f.reissue("KL-INV-2026-000013", &set, "new name and office", None, "2026-11-05T10:00:00Z").unwrap();
    let replacement = f.doc(report.issued[1].number());
    let c = &replacement["customer"];
    assert_eq!(
        (c["name"].as_str(), c["email"].as_str(), c["address"]["line2"].as_str(), c["address"]["region"].as_str()),
        (Some("Atelier Lumière & Fils SRL"), Some("compta@atelier-lumiere.example"), Some("Boîte 4"), Some("Bruxelles-Capitale"))
    );
    assert_eq!((replacement["language"].as_str(), replacement["buyer_reference"].as_str()), (Some("nl"), Some("PO-2026-77")));
    assert_eq!(c.get("electronic_address").filter(|v| !v.is_null()), None, "the Peppol ID was emptied");
    // The rest is the original's.
    assert_eq!((c["address"]["line1"].as_str(), c["tax_id"].as_str()), (Some("Rue de la Loi 16"), Some("BE0123456749")));
    // Set again, a Peppol ID; emptying the name is refused and writes nothing.
    let report = f.reissue(report.issued[1].number(), &[("peppol_id", "0208:0403019261")], "Peppol ID", None, "2026-11-05T11:00:00Z").unwrap();
    let again = f.doc(report.issued[1].number());
    assert_eq!(again["customer"]["electronic_address"], serde_json::json!({ "scheme": "0208", "id": "0403019261" }));
    assert_eq!(again["customer"]["name"], c["name"]);
    let files = fs::read_dir(f.archive.join("2026")).unwrap().count();
    let refused = f.reissue(report.issued[1].number(), &[("name", " ")], "x", None, "2026-11-05T12:00:00Z").unwrap_err().to_string();
    assert_eq!(refused, "--set name: '' is empty; expected the customer's name");
    assert_eq!(fs::read_dir(f.archive.join("2026")).unwrap().count(), files);
}

/// `vat_id_status` and `type` as support sets them: an invalid VAT ID makes the Italian
/// business's reverse charge Italian VAT (OSS), the VAT ID given again with an empty status
/// is unchecked (reverse charge again), and an explicit type wins over the VAT ID's "a business",
/// also in a later correction that sets something else.
#[test]
fn reissue_sets_the_vat_id_status_and_the_customer_type() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let treatment = |number: &str| {
        let d = f.doc(number);
        [&d["tax"]["treatment"], &d["tax"]["customer_type"], &d["totals"]["tax"]].map(|v| v.as_str().unwrap().to_string())
    };
    // KL-INV-2026-000005: 1,200.00 EUR to the Italian business, reverse charge.
    assert_eq!(treatment("KL-INV-2026-000005"), ["reverse_charge", "business", "0.00"]);
    let invalid = f.reissue("KL-INV-2026-000005", &[("vat_id_status", "invalid")], "VIES: invalid", None, "2026-11-05T10:00:00Z").unwrap();
    let invalid = invalid.issued[1].number().to_string();
    assert_eq!(treatment(&invalid), ["oss", "business", "264.00"]);
    // The invalid VAT ID is not printed (so not in the record): given again, with the status
    // emptied, it is unchecked, as every archived VAT ID.
    assert_eq!(f.doc(&invalid)["customer"].get("tax_id").filter(|v| !v.is_null()), None);
    let unchecked = f.reissue(&invalid, &[("vat_id", "IT00743110157"), ("vat_id_status", "")], "VIES: valid after all", None, "2026-11-05T11:00:00Z").unwrap();
    assert_eq!(treatment(unchecked.issued[1].number()), ["reverse_charge", "business", "0.00"]);
    // KL-INV-2026-000004: the Estonian business (domestic VAT). A VAT ID with an explicit
    // type=individual stays an individual; a later correction of the city keeps that.
    let report = f.reissue("KL-INV-2026-000004", &[("vat_id", "EE100247019"), ("type", "individual")], "sole trader", None, "2026-11-05T12:00:00Z").unwrap();
    let individual = report.issued[1].number().to_string();
    assert_eq!(treatment(&individual)[..2], ["domestic", "individual"]);
    let moved = f.reissue(&individual, &[("city", "Tartu")], "moved", None, "2026-11-05T13:00:00Z").unwrap();
    assert_eq!(treatment(moved.issued[1].number())[..2], ["domestic", "individual"]);
    assert_eq!(f.doc(moved.issued[1].number())["customer"]["tax_id"], "EE100247019");
}

/// An invoice that asked for a bank transfer is corrected with the payment history beside
/// it: a transfer received moves to the replacement, which then asks for nothing.
#[test]
fn reissue_of_a_transfer_invoice_counts_the_transfers_received() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let fix = ["reissue", "KL-INV-2026-000015", "--set", "address_line1=Torstraße 1", "--reason", "moved"];
    // Without the data folder it cannot know that pm_1022 paid the 4,800.00.
    let out = f.cli(&fix);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("KL-INV-2026-000015 asked to be paid by bank transfer, and what has been received since is in the payment history: give --data DIR"), "{}", stderr(&out));
    let mut with_data = fix.to_vec();
    with_data.extend(["--data", f.data.to_str().unwrap()]);
    let out = f.cli(&with_data);
    assert!(out.status.success(), "{}", stderr(&out));
    let (credit, replacement) = (f.doc("KL-CN-2026-000003"), f.doc("KL-INV-2026-000017"));
    let totals = |d: &Value| [&d["totals"]["gross"], &d["totals"]["paid"], &d["totals"]["due"]].map(|v| v.as_str().unwrap().to_string());
    // The credit note applies the 4,800.00 received to the replacement...
    assert_eq!(totals(&credit), ["4800.00", "4800.00", "0.00"]);
    // ...which is paid by that transfer, on its date, and asks for nothing.
    assert_eq!(totals(&replacement), ["4800.00", "4800.00", "0.00"]);
    assert_eq!((replacement["payment"]["method"].as_str(), replacement["payment"]["status"].as_str(), replacement["payment"]["date"].as_str()), (Some("bank_transfer"), Some("paid"), Some("2026-10-30")));
    let pdf = f.archive.join("2026/KL-INV-2026-000017.pdf");
    let text = String::from_utf8(std::process::Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().unwrap().stdout).unwrap();
    assert!(!text.contains("Bitte überweisen"), "{text}");
    let credit_pdf = f.archive.join("2026/KL-CN-2026-000003.pdf");
    let text = String::from_utf8(std::process::Command::new("pdftotext").args([credit_pdf.to_str().unwrap(), "-"]).output().unwrap().stdout).unwrap();
    assert!(text.contains("4.800,00"), "{text}");
    assert!(text.contains("Die für die stornierte Rechnung gezahlten 4.800,00 € werden auf die ersetzende Rechnung angerechnet."), "{text}");

    // Before the transfer arrived, the replacement asks for the whole amount, with its own
    // reference.
    let f = Fixture::new(&["pm_1022"]);
    ok(f.issue());
    let mut with_data = fix.to_vec();
    with_data.extend(["--data", f.data.to_str().unwrap()]);
    let out = f.cli(&with_data);
    assert!(out.status.success(), "{}", stderr(&out));
    let replacement = f.doc("KL-INV-2026-000017");
    assert_eq!(totals(&replacement), ["4800.00", "0.00", "4800.00"]);
    assert_eq!(replacement["payment"]["status"], "due");
    assert_eq!(replacement["payment"]["transfer"]["reference"], "RF62KLINV2026000017");
}

/// A business customer's VAT ID not recorded as confirmed still gets its reverse charge, and
/// the run says the seller must confirm it (Art. 18(1)(a) Implementing Regulation 282/2011).
#[test]
fn invoicing_on_an_unconfirmed_vat_id_is_warned_about() {
    let f = Fixture::new(&[]);
    let path = f.data.join("customers.csv");
    let customers = fs::read_to_string(&path).unwrap().replace("DE136695976,valid", "DE136695976,");
    fs::write(&path, customers).unwrap();
    let out = f.issue();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: 2 business customer(s) are invoiced as taxable persons on a tax ID customers.csv does not record as confirmed (vat_id_status empty), the first cus_de_02: confirm each (VIES for an EU VAT ID, Art. 18(1)(a) Implementing Regulation 282/2011) and set vat_id_status=valid, or invalid to tax them as consumers"),
        "{}",
        stderr(&out)
    );
    assert_eq!(f.doc("KL-INV-2026-000014")["tax"]["treatment"], "reverse_charge");
    // The samples record their checks: no warning.
    assert!(!stderr(&Fixture::new(&[]).issue()).contains("not record as confirmed"));
}

/// A refund marked as a duplicate's that refers to the charge while the duplicate stays
/// unrefunded is issued as it says (a credit note), with a warning naming the duplicate.
#[test]
fn a_duplicate_refund_of_the_charge_instead_of_its_duplicate_is_warned_about() {
    let f = Fixture::new(&["rf_1015"]);
    // Nikos's duplicate du_1014 of ch_1010, refunded against ch_1010 itself.
    f.append("rf_9001,refund,succeeded,cus_gr_01,2026-10-15T09:30:00+03:00,EUR,Refund of duplicate charge,1,14.99,gross,false,,,ch_1010,duplicate,GR,GR,Mastercard,3222,re_3QKx9001");
    let out = f.issue();
    assert!(out.status.success(), "{}", stderr(&out));
    let line = f.transactions().lines().position(|l| l.starts_with("rf_9001,")).unwrap() + 1;
    assert!(
        stderr(&out).contains(&format!("warning: transactions.csv:{line}: rf_9001: its reason is duplicate, but it refers to the charge ch_1010, not to the duplicate du_1014 that no refund returns: it credits ch_1010's invoice and du_1014 stays owed to the customer; if it returns the duplicate, set refers_to to du_1014")),
        "{}",
        stderr(&out)
    );
    // Refunded as the samples do it (refers_to = du_1014): no warning.
    let f = Fixture::new(&[]);
    let out = f.issue();
    assert!(!stderr(&out).contains("its reason is duplicate"), "{}", stderr(&out));
}

/// A correction that would issue the original again under new numbers, or leave a plan
/// change's credit of the old tax beside a replacement taxed otherwise, issues nothing.
#[test]
fn reissue_refuses_a_correction_of_nothing_and_a_retaxed_adjusted_invoice() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let head = fs::read_to_string(f.archive.join("register.jsonl")).unwrap();
    // cus_fr_01 lives in Lyon already; vat_id_status is not stated and changes no treatment.
    for set in [[("city", "Lyon")].as_slice(), &[("vat_id_status", "valid")]] {
        let err = f.reissue("KL-INV-2026-000003", set, "t", None, "2026-11-10T12:00:00Z").unwrap_err().to_string();
        assert_eq!(err, "the correction changes nothing KL-INV-2026-000003 states, nor how it is taxed: nothing is issued (check the --set values against `invoicesmith show KL-INV-2026-000003`)");
    }
    // KL-INV-2026-000011's plan change credited 7.74 of KL-INV-2026-000001 with German VAT; a
    // replacement reverse-charged in full would leave that VAT credit standing.
    let business = [("name", "Müller Design GmbH"), ("vat_id", "DE136695976"), ("vat_id_status", "valid"), ("type", "business")];
    let err = f.reissue("KL-INV-2026-000001", &business, "VAT ID supplied", None, "2026-11-10T12:00:00Z").unwrap_err().to_string();
    assert_eq!(err, "KL-INV-2026-000001 has been adjusted by KL-INV-2026-000011 (a plan change credited part of it at its present tax); a replacement taxed otherwise would leave that credit at the old tax, so it is not reissued: correct the customer in customers.csv, and their later invoices carry the new details");
    // Nor is the upgrade invoice whose plan change credits it: its credit would change tax.
    let err = f.reissue("KL-INV-2026-000011", &business, "VAT ID supplied", None, "2026-11-10T12:00:00Z").unwrap_err().to_string();
    assert_eq!(err, "KL-INV-2026-000011 credits part of KL-INV-2026-000001 (a plan change) at its present tax; a replacement taxed otherwise would credit that part at another tax than KL-INV-2026-000001 charged, so it is not reissued: correct the customer in customers.csv, and their later invoices carry the new details");
    assert_eq!(fs::read_to_string(f.archive.join("register.jsonl")).unwrap(), head, "nothing issued");
    // Taxed the same, it is corrected: the credit note and the replacement net to nothing.
    let report = f.reissue("KL-INV-2026-000001", &[("name", "Jürgen K. Müller")], "full name", None, "2026-11-10T12:00:00Z").unwrap();
    assert_eq!(report.issued.len(), 2);
}

#[test]
fn reissue_rejects_bad_fields_with_a_clear_error() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let out = f.cli(&["reissue", "KL-INV-2026-000001", "--set", "country=UK", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--set country: 'UK' is not an ISO 3166-1 alpha-2 country code; say 'GB'"), "{}", stderr(&out));
    let out = f.cli(&["reissue", "KL-INV-2026-000001", "--set", "colour=blue", "--reason", "x"]);
    assert!(stderr(&out).contains("--set colour: unknown field; expected one of name, email"), "{}", stderr(&out));
    let out = f.cli(&["reissue", "KL-INV-2026-009999", "--set", "city=X", "--reason", "x"]);
    assert!(stderr(&out).contains("KL-INV-2026-009999 is not in the archive's register"), "{}", stderr(&out));
    // Control characters are refused as in the data folder; a line break is one space.
    let out = f.cli(&["reissue", "KL-INV-2026-000001", "--set", "name=Jürgen\u{1b}[2J Müller", "--reason", "x"]);
    assert!(stderr(&out).contains("--set name: contains the control character U+001B; expected printable text"), "{}", stderr(&out));
    let out = f.cli(&["reissue", "KL-INV-2026-000001", "--set", "city=Berlin", "--reason", "moved\u{7}"]);
    assert!(stderr(&out).contains("--reason: contains the control character U+0007; expected printable text"), "{}", stderr(&out));
    // A year a number cannot carry is, before that, far more than a month ahead.
    let out = f.cli(&["reissue", "KL-INV-2026-000001", "--set", "city=Berlin", "--reason", "x", "--date", "+10000-01-01"]);
    assert!(stderr(&out).contains("--date +10000-01-01 is more than 31 days after today ("), "{}", stderr(&out));
    assert_eq!(fs::read_dir(f.archive.join("2026")).unwrap().count(), 18 * 5, "nothing was issued");
}

#[test]
fn verify_finds_modified_deleted_and_unregistered_files_and_edited_register_lines() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    ok(f.cli(&["verify"]));
    let writable = |p: &Path| {
        let mut perms = fs::metadata(p).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        fs::set_permissions(p, perms).unwrap();
    };
    let pdf = f.archive.join("2026/KL-INV-2026-000004.pdf");
    writable(&pdf);
    let mut bytes = fs::read(&pdf).unwrap();
    bytes.push(b'\n');
    fs::write(&pdf, bytes).unwrap();
    fs::remove_file(f.archive.join("2026/KL-INV-2026-000005.html")).unwrap();
    fs::write(f.archive.join("2026/KL-INV-2026-0000101.pdf"), b"forged").unwrap();
    let register = f.archive.join("register.jsonl");
    let text = fs::read_to_string(&register).unwrap();
    fs::write(&register, text.replacen("\"total\":\"1200.00\"", "\"total\":\"1000.00\"", 1)).unwrap();
    let out = f.cli(&["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for needle in [
        "2026/KL-INV-2026-000004.pdf: changed since KL-INV-2026-000004 was issued",
        "2026/KL-INV-2026-000005.html: missing (KL-INV-2026-000005 lists it)",
        "2026/KL-INV-2026-0000101.pdf: not in the register",
        "register.jsonl:6: KL-INV-2026-000006 does not follow the line before it (hash chain broken",
    ] {
        assert!(err.contains(needle), "verify missed: {needle}\n{err}");
    }
    // Deleting a register line is found too.
    let lines: Vec<&str> = text.lines().collect();
    let without_third = [&lines[..2], &lines[3..]].concat().join("\n") + "\n";
    fs::write(&register, without_third).unwrap();
    let err = stderr(&f.cli(&["verify"]));
    assert!(err.contains("register.jsonl:3: KL-INV-2026-000004 does not follow the line before it"), "{err}");
    assert!(err.contains("KL-INV-2026-000004: number 4 follows 2 in its series"), "{err}");
    // A line that is not an entry at all is named by its line, and verify still answers.
    let garbled = [&lines[..1], &["half a line {\"number\""], &lines[2..]].concat().join("\n") + "\n";
    fs::write(&register, garbled).unwrap();
    let out = f.cli(&["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("register.jsonl:2: the archive register is damaged: expected value at line 1 column 1"), "{err}");
}

/// The invoice number `issue` printed for `transaction`.
fn issued_as(stdout: &str, transaction: &str) -> String {
    let line = stdout.lines().find(|l| l.ends_with(&format!("({transaction})"))).unwrap_or_else(|| panic!("{transaction} not issued: {stdout}"));
    line.split_whitespace().next().unwrap().to_string()
}

#[test]
fn a_plan_change_after_a_vat_id_keeps_the_adjusted_invoices_oss_rate() {
    // November: a consumer in Germany buys Basic, 11.90 gross at DE 19 % under the OSS.
    let f = Fixture::new(&[]);
    f.append("ch_4001,charge,succeeded,cus_de_01,2026-11-02T10:00:00+01:00,EUR,Basic plan,1,11.90,gross,false,,,,,DE,DE");
    let basic = issued_as(&ok(f.issue()), "ch_4001");
    // The customer then registers its business and gives a VAT ID; the upgrade to Pro is a
    // reverse charge, but the credit for unused Basic time is a correction of the OSS supply:
    // 19 % on −5.95 gross = −5.00 net, −0.95 VAT.
    f.german_consumer_becomes_a_business();
    f.append("ch_4002,charge,succeeded,cus_de_01,2026-11-15T10:00:00+01:00,EUR,Pro plan,1,30.00,gross,false,,,,,DE,DE");
    f.append("ch_4002,charge,succeeded,cus_de_01,2026-11-15T10:00:00+01:00,EUR,Unused Basic time,1,-5.95,gross,true,,,ch_4001,,DE,DE");
    let pro = issued_as(&ok(f.issue()), "ch_4002");
    let doc = f.doc(&pro);
    assert_eq!(doc["tax"]["treatment"], "reverse_charge");
    assert_eq!(breakdown(&doc), [("S", "19", "-5.00", "-0.95"), ("AE", "0", "30.00", "0.00")]);
    assert_eq!(amounts(&doc), ("25.00".into(), "-0.95".into(), "24.05".into()));
    assert_eq!(doc["references"][0]["number"], basic.as_str());
    assert_eq!(doc["references"][0]["issue_date"], "2026-11-02");
    assert_eq!(doc["references"][0]["relation"], "adjusts");
    let codes: Vec<&str> = doc["legends"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["reverse_charge", "oss"]);
    // The export puts the OSS adjustment in the OSS section, the Pro plan in the recapitulative statement.
    let out = f._tmp.path().join("export-2026-11");
    ok(f.cli(&["export", "--month", "2026-11", "--out", out.to_str().unwrap()]));
    let summary = fs::read_to_string(out.join("vat-summary.csv")).unwrap();
    // Basic 10.00 net, 1.90 VAT; the adjustment −5.00, −0.95.
    assert!(summary.contains("oss,DE,19,EUR,,5.00,0.95,2\n"), "{summary}");
    assert!(summary.contains("reverse_charge,DE,0,EUR,DE136695976,30.00,0.00,1\n"), "{summary}");
    // Only 5.95 of Basic's 11.90 is left to credit: a second credit of 6.00 is refused.
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Team plan,1,90.00,gross,false,,,,,DE,DE");
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Unused Basic time,1,-6.00,gross,true,,,ch_4001,,DE,DE");
    let o = f.issue();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!(
        "transactions.csv:31: unit_amount: the plan change would credit 6.00 EUR (gross) of 'ch_4001', more than is left on {basic}: 11.90 invoiced, 5.95 already credited or adjusted, 5.95 left"
    )), "{}", stderr(&o));
}

/// An invoice whose first line is a plan change at another rate (the credit for Basic, kept
/// at the OSS rate) bills its own charge at its own line's rate (reverse charge): a later
/// plan change of that charge keeps the latter, whether the invoice is drafted in the same
/// run or read from the archive. Two plan changes in one invoice each adjust their own charge.
#[test]
fn a_plan_change_keeps_the_rate_of_the_adjusted_charges_own_line_not_the_invoices_first() {
    let f = Fixture::new(&[]);
    f.append("ch_4001,charge,succeeded,cus_de_01,2026-11-02T10:00:00+01:00,EUR,Basic plan,1,11.90,gross,false,,,,,DE,DE");
    f.append("ch_4000,charge,succeeded,cus_de_01,2026-11-01T10:00:00+01:00,EUR,Storage add-on,1,11.90,gross,false,,,,,DE,DE");
    let addon = issued_as(&ok(f.issue()), "ch_4000");
    f.german_consumer_becomes_a_business();
    // Pro, now a reverse charge, with the credit for Basic (OSS 19 %) as its FIRST line.
    f.append("ch_4002,charge,succeeded,cus_de_01,2026-11-15T10:00:00+01:00,EUR,Unused Basic time,1,-5.95,gross,true,,,ch_4001,,DE,DE");
    f.append("ch_4002,charge,succeeded,cus_de_01,2026-11-15T10:00:00+01:00,EUR,Pro plan,1,30.00,gross,false,,,,,DE,DE");
    // In the same run: Team, crediting unused Pro (reverse charged: 0 %) and, in full, the
    // add-on (OSS 19 %: −10.00 net, −1.90 VAT).
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Team plan,1,90.00,gross,false,,,,,DE,DE");
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Unused Pro time,1,-10.00,gross,true,,,ch_4002,,DE,DE");
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Storage add-on removed,1,-11.90,gross,true,,,ch_4000,,DE,DE");
    let out = ok(f.issue());
    let pro = f.doc(&issued_as(&out, "ch_4002"));
    assert_eq!(breakdown(&pro), [("S", "19", "-5.00", "-0.95"), ("AE", "0", "30.00", "0.00")]);
    let team = f.doc(&issued_as(&out, "ch_4003"));
    assert_eq!(breakdown(&team), [("S", "19", "-10.00", "-1.90"), ("AE", "0", "80.00", "0.00")]);
    // It names both invoices it adjusts, once each, in the order of its lines.
    let references: Vec<(&str, &str)> = team["references"].as_array().unwrap().iter().map(|r| (r["number"].as_str().unwrap(), r["relation"].as_str().unwrap())).collect();
    assert_eq!(references, [(pro["number"].as_str().unwrap(), "adjusts"), (addon.as_str(), "adjusts")]);
    // A later run reads Pro's invoice from the archive: the same rate.
    f.append("ch_4004,charge,succeeded,cus_de_01,2026-11-25T10:00:00+01:00,EUR,Max plan,1,100.00,gross,false,,,,,DE,DE");
    f.append("ch_4004,charge,succeeded,cus_de_01,2026-11-25T10:00:00+01:00,EUR,Unused Pro time,1,-5.00,gross,true,,,ch_4002,,DE,DE");
    let max = f.doc(&issued_as(&ok(f.issue()), "ch_4004"));
    assert_eq!(breakdown(&max), [("AE", "0", "95.00", "0.00")]);
}

/// A refund may credit only what plan changes have left of an invoice: those archived and
/// those of the same run count together. And a plan change that would credit too much is
/// named at its own line, not at another plan-change line of the same charge.
/// A replacement restates its original's supply, so what a plan change credited on the
/// original still counts: KL-INV-2026-000011's plan change credited 7.74 of
/// KL-INV-2026-000001, whose address is then corrected. Reissued, the 14.99 replacement must
/// not take a full refund of ch_1001 (7.25 is left of the supply, as before the correction),
/// nor be reissued under a tax that leaves that 7.74 credit at the old one.
#[test]
fn a_replacement_keeps_the_plan_change_that_adjusted_its_original() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    f.reissue("KL-INV-2026-000001", &[("address_line1", "Kastanienallee 7"), ("postal_code", "10435")], "customer moved", None, "2026-11-10T12:00:00Z").unwrap();
    let head = fs::read_to_string(f.archive.join("register.jsonl")).unwrap();
    let business = [("name", "Müller Design GmbH"), ("vat_id", "DE136695976"), ("vat_id_status", "valid"), ("type", "business")];
    let err = f.reissue("KL-INV-2026-000017", &business, "VAT ID supplied", None, "2026-11-10T12:00:00Z").unwrap_err().to_string();
    assert_eq!(err, "KL-INV-2026-000017 has been adjusted by KL-INV-2026-000011 (a plan change credited part of it at its present tax); a replacement taxed otherwise would leave that credit at the old tax, so it is not reissued: correct the customer in customers.csv, and their later invoices carry the new details");
    assert_eq!(fs::read_to_string(f.archive.join("register.jsonl")).unwrap(), head, "nothing issued");
    let refund = "rf_4100,refund,succeeded,cus_de_01,2026-11-12T10:00:00+01:00,EUR,Refund,1,14.99,gross,false,,,ch_1001,technical_issue,DE,DE";
    f.append(refund);
    let line = f.transactions().lines().position(|l| l == refund).unwrap() + 1;
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "error: transactions.csv:{line}: unit_amount: refund 'rf_4100' would credit 14.99 EUR, more than is left on KL-INV-2026-000017: 14.99 invoiced, 7.74 already credited, 7.25 left"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(f.archive.join("register.jsonl")).unwrap(), head, "nothing issued");
    // What is left of the supply is refunded against the replacement.
    f.set_transactions(&f.transactions().replace(refund, &refund.replace(",14.99,gross", ",7.25,gross")));
    let out = ok(f.issue());
    assert_eq!(amounts(&f.doc(&issued_as(&out, "rf_4100"))), ("6.09".into(), "1.16".into(), "7.25".into()));
}

#[test]
fn a_refund_counts_plan_changes_archived_and_of_the_same_run() {
    let f = Fixture::new(&[]);
    let line_of = |row: &str| f.transactions().lines().position(|l| l == row).unwrap() + 1;
    f.append("ch_4001,charge,succeeded,cus_de_01,2026-11-02T10:00:00+01:00,EUR,Basic plan,1,11.90,gross,false,,,,,DE,DE");
    f.append("ch_4000,charge,succeeded,cus_de_01,2026-11-01T10:00:00+01:00,EUR,Storage add-on,1,11.90,gross,false,,,,,DE,DE");
    let basic = issued_as(&ok(f.issue()), "ch_4001");
    // Archived: Pro credits 3.00 of Basic.
    f.append("ch_4002,charge,succeeded,cus_de_01,2026-11-10T10:00:00+01:00,EUR,Pro plan,1,30.00,gross,false,,,,,DE,DE");
    f.append("ch_4002,charge,succeeded,cus_de_01,2026-11-10T10:00:00+01:00,EUR,Unused Basic time,1,-3.00,gross,true,,,ch_4001,,DE,DE");
    ok(f.issue());
    // In one run: Team credits 2.95 more of Basic, and Basic is refunded in full.
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-15T10:00:00+01:00,EUR,Team plan,1,90.00,gross,false,,,,,DE,DE");
    f.append("ch_4003,charge,succeeded,cus_de_01,2026-11-15T10:00:00+01:00,EUR,Unused Basic time,1,-2.95,gross,true,,,ch_4001,,DE,DE");
    let refund = "rf_4004,refund,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Refund,1,11.90,gross,false,,,ch_4001,requested_by_customer,DE,DE";
    f.append(refund);
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "transactions.csv:{}: unit_amount: refund 'rf_4004' would credit 11.90 EUR, more than is left on {basic}: 11.90 invoiced, 5.95 already credited, 5.95 left",
            line_of(refund)
        )),
        "{}",
        stderr(&out)
    );
    // What is left, refunded: one credit note of 5.95.
    f.set_transactions(&f.transactions().replace(refund, &refund.replace(",11.90,gross", ",5.95,gross")));
    let out = ok(f.issue());
    assert_eq!(amounts(&f.doc(&issued_as(&out, "rf_4004"))), ("5.00".into(), "0.95".into(), "5.95".into()));
    // Nothing is left of Basic: a plan change crediting it, after one crediting the add-on,
    // is named at its own line.
    f.append("ch_4005,charge,succeeded,cus_de_01,2026-11-25T10:00:00+01:00,EUR,Max plan,1,150.00,gross,false,,,,,DE,DE");
    f.append("ch_4005,charge,succeeded,cus_de_01,2026-11-25T10:00:00+01:00,EUR,Storage add-on removed,1,-1.00,gross,true,,,ch_4000,,DE,DE");
    let over = "ch_4005,charge,succeeded,cus_de_01,2026-11-25T10:00:00+01:00,EUR,Unused Basic time,1,-0.01,gross,true,,,ch_4001,,DE,DE";
    f.append(over);
    let out = f.issue();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "transactions.csv:{}: unit_amount: the plan change would credit 0.01 EUR (gross) of 'ch_4001', more than is left on {basic}: 11.90 invoiced, 11.90 already credited or adjusted, 0.00 left",
            line_of(over)
        )),
        "{}",
        stderr(&out)
    );
}

/// A plan change's credit priced tax-inclusive counts as what it took off the charge: −1.10
/// at DE 19 % is −0.18 tax (−0.1756) and −0.92 net, and a gross rebuilt from the net
/// (−0.92 − 0.17) would be −1.09, leaving a cent more of the adjusted invoice to refund than
/// was paid for it. Whether the plan change is archived or drafted in the same run.
#[test]
fn a_plan_changes_tax_inclusive_credit_counts_at_its_gross_as_charged() {
    let basic = "ch_5001,charge,succeeded,cus_de_01,2026-11-02T10:00:00+01:00,EUR,Basic plan,1,11.90,gross,false,,,,,DE,DE";
    let pro = [
        "ch_5002,charge,succeeded,cus_de_01,2026-11-10T10:00:00+01:00,EUR,Pro plan,1,30.00,gross,false,,,,,DE,DE",
        "ch_5002,charge,succeeded,cus_de_01,2026-11-10T10:00:00+01:00,EUR,Unused Basic time,1,-1.10,gross,true,,,ch_5001,,DE,DE",
    ];
    let refund = |amount: &str| format!("rf_5003,refund,succeeded,cus_de_01,2026-11-20T10:00:00+01:00,EUR,Refund,1,{amount},gross,false,,,ch_5001,requested_by_customer,DE,DE");
    let refused = ": 11.90 invoiced, 1.10 already credited, 10.80 left";
    for same_run in [false, true] {
        let f = Fixture::new(&[]);
        f.append(basic);
        if !same_run {
            ok(f.issue());
        }
        f.append(pro[0]);
        f.append(pro[1]);
        if !same_run {
            let doc = f.doc(&issued_as(&ok(f.issue()), "ch_5002"));
            assert_eq!(breakdown(&doc), [("S", "19", "24.29", "4.61")], "30.00 − 1.10 = 28.90 at 19 %");
        }
        f.append(&refund("10.81"));
        let out = f.issue();
        assert_eq!(out.status.code(), Some(1), "same run: {same_run}: {}", stderr(&out));
        assert!(stderr(&out).contains("refund 'rf_5003' would credit 10.81 EUR, more than is left on KL-INV-2026-"), "{}", stderr(&out));
        assert!(stderr(&out).contains(refused), "same run: {same_run}: {}", stderr(&out));
        f.set_transactions(&f.transactions().replace(&refund("10.81"), &refund("10.80")));
        let cn = f.doc(&issued_as(&ok(f.issue()), "rf_5003"));
        assert_eq!(amounts(&cn), ("9.08".into(), "1.72".into(), "10.80".into()));
    }
}

#[test]
fn a_plan_change_cannot_mix_an_outside_scope_invoice_with_a_taxed_line() {
    // An Australian consumer pays GST on Basic, then gives the ABN of a GST-registered
    // business: its next invoice is not subject to GST (category O), and EN 16931 allows no
    // other category beside O (BR-O-11), so the adjustment is refused with the way out.
    let f = Fixture::new(&[]);
    let customers = fs::read_to_string(f.data.join("customers.csv")).unwrap();
    fs::write(f.data.join("customers.csv"), format!("{customers}cus_au_01,individual,Jack Jones,jack@example.com.au,1 George St,,Sydney,2000,NSW,AU,,,en\n")).unwrap();
    f.append("ch_5001,charge,succeeded,cus_au_01,2026-11-02T10:00:00+11:00,AUD,Basic plan,1,11.00,gross,false,,,,,AU,AU");
    ok(f.issue());
    let customers = fs::read_to_string(f.data.join("customers.csv")).unwrap().replace(
        "cus_au_01,individual,Jack Jones",
        "cus_au_01,business,Jones Pty Ltd",
    ).replace(",NSW,AU,,,en", ",NSW,AU,83 914 571 673,valid,en");
    fs::write(f.data.join("customers.csv"), customers).unwrap();
    f.append("ch_5002,charge,succeeded,cus_au_01,2026-11-15T10:00:00+11:00,AUD,Pro plan,1,30.00,gross,false,,,,,AU,AU");
    f.append("ch_5002,charge,succeeded,cus_au_01,2026-11-15T10:00:00+11:00,AUD,Unused Basic time,1,-5.50,gross,true,,,ch_5001,,AU,AU");
    let o = f.issue();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(
        "transactions.csv:28: refers_to: 'ch_5001' was billed under category S, this charge is category O; an invoice with category O carries no other category (EN 16931 BR-O-11): record the unused time as a refund of 'ch_5001' (a credit note keeps that invoice's treatment)"
    ), "{}", stderr(&o));
}

/// `show` says an unpaid transfer invoice is overdue once its due date has passed where the
/// seller is (Tallinn, UTC+2 in November), not in UTC: at 23:30 local on the due day it is
/// still open, at 00:30 the next day overdue, though both instants are the same UTC date.
#[test]
fn show_counts_overdue_from_the_sellers_day_not_utcs() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let archive = invoicesmith::archive::Archive::open(&f.archive);
    let status = |now: &str| {
        let now = chrono::DateTime::parse_from_rfc3339(now).unwrap().to_utc();
        let text = invoicesmith::app::show(&archive, "KL-INV-2026-000015", None, now, None).unwrap();
        text.lines().find(|l| l.starts_with("  status: ")).unwrap().to_string()
    };
    assert_eq!(status("2026-11-11T21:30:00Z"), "  status: open, 4800.00 EUR due by 2026-11-11 (as issued; --data DIR counts the transfers received)");
    assert_eq!(status("2026-11-11T22:30:00Z"), "  status: overdue, 4800.00 EUR due by 2026-11-11 (as issued; --data DIR counts the transfers received)");
}

/// A `--set` value has the limit of its customers.csv column: the corrected name is printed
/// on the replacement as a customers.csv name would be; `--reason` that of transactions.csv's
/// `reason`. Nothing is written.
#[test]
fn reissue_refuses_a_set_value_longer_than_its_column() {
    let f = Fixture::new(&[]);
    ok(f.issue());
    let register = fs::read_to_string(f.archive.join("register.jsonl")).unwrap();
    let name = format!("name={}", "ü".repeat(256));
    let out = f.cli(&["reissue", "KL-INV-2026-000001", "--set", &name, "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--set name: is 256 characters long; expected at most 255"), "{}", stderr(&out));
    let refused = f.reissue("KL-INV-2026-000001", &[("city", "Berlin"), ("postal_code", &"1".repeat(21))], "moved", None, "2026-11-05T10:00:00Z");
    assert_eq!(refused.unwrap_err().to_string(), "--set postal_code: is 21 characters long; expected at most 20");
    let refused = f.reissue("KL-INV-2026-000001", &[("email", &format!("{}@example.de", "j".repeat(300)))], "email", None, "2026-11-05T10:00:00Z");
    assert_eq!(refused.unwrap_err().to_string(), "--set email: is 311 characters long; expected at most 254");
    // The reason, printed on both documents, has transactions.csv's `reason` limit.
    let refused = f.reissue("KL-INV-2026-000001", &[("city", "Berlin")], &"r".repeat(256), None, "2026-11-05T10:00:00Z");
    assert_eq!(refused.unwrap_err().to_string(), "--reason: is 256 characters long; expected at most 255");
    assert_eq!(fs::read_to_string(f.archive.join("register.jsonl")).unwrap(), register, "nothing issued");
    assert_eq!(fs::read_dir(f.archive.join("2026")).unwrap().count(), 18 * 5, "nothing written");
    // At the limit, in characters (510 bytes), the name is the replacement's.
    let report = f.reissue("KL-INV-2026-000001", &[("name", &"ü".repeat(255))], "full name", None, "2026-11-05T10:00:00Z").unwrap();
    assert_eq!(f.doc(report.issued[1].number())["customer"]["name"].as_str().map(|n| n.chars().count()), Some(255));
}
