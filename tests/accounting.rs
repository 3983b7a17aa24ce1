//! What accounting and support work with: the DATEV batch re-read field by field, the Xero
//! and QuickBooks imports' exact headers, the revenue schedule against the journal, the
//! customer statement's balance, `list --json`, `issue --dry-run` and reruns, the Excel
//! dialects and every command's help.

mod archive_support;
use archive_support::{copy_samples, ok, run, samples, stderr};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("'{s}' is not a decimal"))
}

/// CSV rows as maps from header to value.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records().map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

struct Exported {
    tmp: tempfile::TempDir,
    archive: PathBuf,
    out: PathBuf,
}

fn issue_and_export(data: &Path, extra: &[&str]) -> Exported {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let out = tmp.path().join("export");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init", "--quiet"]));
    let mut args = vec!["export", "--month", "2026-10", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    ok(run(&args));
    Exported { tmp, archive, out }
}

/// A generated month of `n` transactions.
/// The shipped samples issued into a new archive in a temporary folder: the folder (the
/// archive lives as long as it does) and the archive's path.
fn samples_issued() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    ok(run(&["issue", samples().to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init", "--quiet"]));
    (tmp, archive)
}

fn generated(tmp: &Path, n: usize, seed: u64) -> PathBuf {
    let data = tmp.join(format!("month-{seed}"));
    ok(run(&["sample", "--transactions", &n.to_string(), "--seed", &seed.to_string(), "--out", data.to_str().unwrap()]));
    data
}

/// The DATEV file decoded from Windows-1252 by Python's codec (an implementation other
/// than the writer's), split into lines at CRLF.
fn datev_lines(out: &Path) -> Vec<String> {
    datev_file_lines(out, "EXTF_Buchungsstapel_2026-10.csv")
}

/// [`datev_lines`] of the batch `name` in `datev/`.
fn datev_file_lines(out: &Path, name: &str) -> Vec<String> {
    use std::io::Write;
    let bytes = fs::read(out.join("datev").join(name)).unwrap();
    assert!(bytes.ends_with(b"\r\n") && !bytes.replace_crlf().contains(&b'\n'), "every line ends in CRLF");
    let mut child = Command::new("python3")
        .args(["-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('cp1252').encode('utf-8'))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let text = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    text.split("\r\n").filter(|l| !l.is_empty()).map(str::to_string).collect()
}

trait ReplaceCrlf {
    fn replace_crlf(&self) -> Vec<u8>;
}

impl ReplaceCrlf for Vec<u8> {
    fn replace_crlf(&self) -> Vec<u8> {
        String::from_utf8_lossy(self).replace("\r\n", "").into_bytes()
    }
}

/// Fields of one `;`-separated DATEV line, quotes removed (no field here holds a `;`).
fn fields(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_reader(line.as_bytes());
    r.records().next().unwrap().unwrap().iter().map(str::to_string).collect()
}

/// A DATEV amount (`1200,00`) as a decimal.
fn datev_amount(s: &str) -> Decimal {
    assert!(!s.contains('.') && s.split(',').nth(1).is_some_and(|f| f.len() >= 2), "'{s}' is not a DATEV amount");
    d(&s.replace(',', "."))
}

/// The SKR03 revenue account of a VAT summary section (README, "Account mapping").
fn account_of_section(section: &str) -> &'static str {
    match section {
        "domestic" | "domestic_corrections" => "8400",
        "oss" | "oss_corrections" => "8339",
        "reverse_charge" => "8336",
        "outside_eu" | "non_eu_registrations" => "8338",
        other => panic!("unknown section {other}"),
    }
}

/// Whether `s` matches DATEV's pattern for Kurs (field 4), `^([1-9]\d{0,3}[,]\d{2,6})$`:
/// at least 1, at most four digits before the comma, two to six after.
fn is_datev_kurs(s: &str) -> bool {
    let Some((int, frac)) = s.split_once(',') else { return false };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    (1..=4).contains(&int.len()) && !int.starts_with('0') && digits(int) && (2..=6).contains(&frac.len()) && digits(frac)
}

/// A document record's amounts in the base currency for the books (its Art. 230 statement,
/// else its restatement), each breakdown row's share as the VAT summary takes it: taxable
/// and tax each rounded half away from zero to cents. Rows of zero gross book nothing.
fn base_currency_rows(record: &serde_json::Value) -> Vec<Decimal> {
    let b = if record["base_currency_tax"].is_object() { &record["base_currency_tax"] } else { &record["base_currency_booking"] };
    let v = |x: &serde_json::Value| d(x.as_str().unwrap_or_else(|| panic!("{x} is not an amount")));
    let share = |amount: Decimal, total: Decimal, base: Decimal| {
        if total.is_zero() { Decimal::ZERO } else { (amount * base / total).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero) }
    };
    record["tax_breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !(v(&r["taxable_amount"]) + v(&r["tax_amount"])).is_zero())
        .map(|r| share(v(&r["taxable_amount"]), v(&record["totals"]["net"]), v(&b["taxable_amount"])) + share(v(&r["tax_amount"]), v(&record["totals"]["tax"]), v(&b["tax_amount"])))
        .collect()
}

/// Re-reads the DATEV batch field by field against the journal, and its sums per account,
/// tax key and currency against the VAT summary.
fn check_datev(out: &Path) {
    let lines = datev_lines(out);
    let header = fields(&lines[0]);
    assert_eq!(header.len(), 31);
    assert_eq!(&header[..5], ["EXTF", "700", "21", "Buchungsstapel", "13"]);
    assert_eq!((header[12].as_str(), header[13].as_str(), header[14].as_str(), header[15].as_str()), ("20260101", "4", "20261001", "20261031"));
    assert_eq!((header[21].as_str(), header[26].as_str()), ("EUR", "03"));
    let columns = fields(&lines[1]);
    assert_eq!(columns.len(), 125);
    assert_eq!(
        &columns[..14],
        [
            "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto",
            "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext"
        ]
    );
    assert_eq!(columns[117], "Generalumkehr (GU)");
    let col = |name: &str| columns.iter().position(|c| c == name).unwrap();
    let journal: BTreeMap<String, BTreeMap<String, String>> = rows(&out.join("journal.csv")).into_iter().map(|r| (r["number"].clone(), r)).collect();
    // Per document: the gross of its bookings in its currency, signed.
    let mut gross: BTreeMap<String, Decimal> = BTreeMap::new();
    // Per document booked in the base currency (a rate DATEV's Kurs cannot hold): its
    // bookings' Umsatz in euros, unsigned, in order.
    let mut in_base: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
    // Per account, tax key and currency: signed amounts (Basis-Umsatz where given).
    let mut per_account: BTreeMap<(String, String, String), Decimal> = BTreeMap::new();
    for line in &lines[2..] {
        let f = fields(line);
        assert_eq!(f.len(), 125, "{line}");
        let number = &f[col("Belegfeld 1")];
        let j = journal.get(number).unwrap_or_else(|| panic!("{number} is not in the journal"));
        let credit_note = j["type"] == "credit_note";
        assert_eq!(f[col("Soll/Haben-Kennzeichen")], "S");
        assert_eq!(f[col("Generalumkehr (GU)")], if credit_note { "1" } else { "" }, "credit notes are reversals");
        // The card clearing account; a bank-transfer document is owed: trade receivables.
        let record: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("documents").join(format!("{number}.json"))).unwrap()).unwrap();
        let konto = if record["payment"]["method"] == "bank_transfer" { "1410" } else { "1360" };
        assert_eq!(f[col("Konto")], konto, "{number}");
        let bu = &f[col("BU-Schlüssel")];
        assert!(bu.is_empty() || (bu.len() == 4 && bu.bytes().all(|b| b.is_ascii_digit())), "{bu}");
        // Every Kurs written is one DATEV's pattern holds, beside the amount in the base currency.
        let kurs = &f[col("Kurs")];
        assert!(kurs.is_empty() || (is_datev_kurs(kurs) && !f[col("Basis-Umsatz")].is_empty()), "{line}");
        // A document in another currency is booked in it, or, where its rate is below 1 (no
        // Kurs DATEV takes), in euros with its own amount at the end of the Buchungstext.
        let booked_in_base = f[col("WKZ Umsatz")] != j["currency"];
        if booked_in_base {
            assert_eq!(f[col("WKZ Umsatz")], "EUR", "{line}");
            assert_eq!((kurs.as_str(), f[col("Basis-Umsatz")].as_str(), f[col("WKZ Basis-Umsatz")].as_str()), ("", "", ""), "{line}");
            let b = if record["base_currency_tax"].is_object() { &record["base_currency_tax"] } else { &record["base_currency_booking"] };
            assert_eq!((b["published_base"].as_str(), b["published_quote"].as_str()), (Some("EUR"), Some(j["currency"].as_str())), "{number}");
            assert!(d(b["published_rate"].as_str().unwrap()) < Decimal::ONE, "{number}: a rate of 1 or more is a Kurs");
        }
        let issued = &j["issue_date"]; // YYYY-MM-DD → TTMM
        assert_eq!(f[col("Belegdatum")], format!("{}{}", &issued[8..10], &issued[5..7]));
        let supply = &j["tax_point_date"];
        if !credit_note {
            assert_eq!(f[col("Leistungsdatum")], format!("{}{}{}", &supply[8..10], &supply[5..7], &supply[..4]));
        }
        assert!(f[col("Buchungstext")].chars().count() <= 60);
        let sign = if credit_note { -Decimal::ONE } else { Decimal::ONE };
        let umsatz = datev_amount(&f[0]);
        assert!(umsatz > Decimal::ZERO);
        // The booking's amount in the document's currency: Umsatz, or for one booked in the
        // base currency the amount the Buchungstext ends with (`Oliver Smith 12,99 GBP`).
        let (foreign, foreign_currency) = if booked_in_base {
            let text = &f[col("Buchungstext")];
            let mut words = text.rsplitn(3, ' ');
            let (currency, amount) = (words.next().unwrap(), words.next().unwrap_or_else(|| panic!("{number}: no amount in '{text}'")));
            assert_eq!(currency, j["currency"], "{number}: '{text}'");
            in_base.entry(number.clone()).or_default().push(umsatz);
            (datev_amount(amount), currency.to_string())
        } else {
            (umsatz, f[col("WKZ Umsatz")].clone())
        };
        assert!(foreign > Decimal::ZERO);
        *gross.entry(number.clone()).or_default() += foreign * sign;
        // The summary counts a non-EU registration's tax in its own currency (that country's
        // return) and the OSS in the document's (the OSS return converts at the quarter's
        // last rate), everything else in the base currency where the booking gives it:
        // Basis-Umsatz, or Umsatz booked in the base currency.
        let (amount, currency) = match f[col("Basis-Umsatz")].as_str() {
            _ if j["treatment"] == "non_eu_tax" || j["treatment"] == "oss" => (foreign, foreign_currency),
            base if !base.is_empty() => (datev_amount(base), f[col("WKZ Basis-Umsatz")].clone()),
            _ => (umsatz, f[col("WKZ Umsatz")].clone()),
        };
        // Every booking in another currency than the base currency states it in the base
        // currency, as the journal does (the data's rates cover every currency it bills in).
        // DATEV asks for Kurs, Basis-Umsatz and WKZ Basis-Umsatz with a foreign WKZ Umsatz.
        if f[col("WKZ Umsatz")] != "EUR" {
            assert_eq!(f[col("WKZ Basis-Umsatz")], "EUR", "{line}");
            assert!(!kurs.is_empty() && !f[col("Basis-Umsatz")].is_empty() && !j["exchange_rate"].is_empty(), "{line}");
        }
        if booked_in_base {
            assert!(!j["exchange_rate"].is_empty(), "{line}");
        }
        *per_account.entry((f[col("Gegenkonto (ohne BU-Schlüssel)")].clone(), f[col("BU-Schlüssel")].clone(), currency)).or_default() += amount * sign;
    }
    for (number, j) in &journal {
        assert_eq!(gross.get(number).copied().unwrap_or_default(), d(&j["gross"]), "{number}: the bookings' Umsatz is the document's gross");
    }
    // A booking in the base currency is the document's own figures there, exactly.
    for (number, umsatz) in &in_base {
        let record: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("documents").join(format!("{number}.json"))).unwrap()).unwrap();
        assert_eq!(umsatz, &base_currency_rows(&record), "{number}: Umsatz in euros is the record's base-currency amount");
    }
    let mut summary: BTreeMap<(String, String, String), Decimal> = BTreeMap::new();
    for r in rows(&out.join("vat-summary.csv")) {
        *summary.entry((account_of_section(&r["section"]).to_string(), String::new(), r["currency"].clone())).or_default() +=
            d(&r["taxable_amount"]) + d(&r["tax_amount"]);
    }
    summary.retain(|_, v| !v.is_zero());
    per_account.retain(|_, v| !v.is_zero());
    assert_eq!(per_account, summary, "sums per account and tax key equal the VAT summary");
}

#[test]
fn the_datev_batch_reads_back_field_by_field_and_ties_to_the_vat_summary() {
    let e = issue_and_export(&samples(), &[]);
    check_datev(&e.out);
    let lines = datev_lines(&e.out);
    // The bank-transfer invoice of 4,800.00 (reverse charge) is owed: 1410 Forderungen, not
    // the card clearing account; Xero and QuickBooks give its due date, 14 days on.
    let transfer = fields(lines.iter().find(|l| l.contains("\"KL-INV-2026-000015\"")).unwrap());
    assert_eq!((transfer[0].as_str(), transfer[6].as_str(), transfer[7].as_str()), ("4800,00", "1410", "8336"));
    let xero = rows(&e.out.join("xero/invoices.csv"));
    let row = xero.iter().find(|r| r["*InvoiceNumber"] == "KL-INV-2026-000015").unwrap();
    assert_eq!((row["*InvoiceDate"].as_str(), row["*DueDate"].as_str()), ("28/10/2026", "11/11/2026"));
    let card = xero.iter().find(|r| r["*InvoiceNumber"] == "KL-INV-2026-000001").unwrap();
    assert_eq!((card["*InvoiceDate"].as_str(), card["*DueDate"].as_str()), ("01/10/2026", "01/10/2026"));
    let quickbooks = rows(&e.out.join("quickbooks/invoices.csv"));
    let row = quickbooks.iter().find(|r| r["*InvoiceNo"] == "KL-INV-2026-000015").unwrap();
    assert_eq!((row["*DueDate"].as_str(), row["Terms"].as_str()), ("11/11/2026", ""));
    let card = quickbooks.iter().find(|r| r["*InvoiceNo"] == "KL-INV-2026-000001").unwrap();
    assert_eq!((card["*DueDate"].as_str(), card["Terms"].as_str()), ("01/10/2026", "Due on receipt"));
    // The samples' first booking, every field this export fills.
    let f = fields(&lines[2]);
    assert_eq!(
        (&f[0], &f[1], &f[2], &f[6], &f[7], &f[8], &f[9], &f[10], &f[13], &f[39], &f[40], &f[114]),
        (
            &"14,99".to_string(), &"S".to_string(), &"EUR".to_string(), &"1360".to_string(), &"8339".to_string(), &String::new(),
            &"0110".to_string(), &"KL-INV-2026-000001".to_string(), &"Jürgen Müller".to_string(), &"DE".to_string(),
            &"19,00".to_string(), &"01102026".to_string()
        )
    );
    // An OSS supply says where it comes from: the seller's VAT ID (DATEV would take Germany).
    assert_eq!(f[122], "EE101234568");
    // The USD invoice: Basis-Umsatz in EUR from its Art. 230 statement.
    let usd = lines.iter().map(|l| fields(l)).find(|f| f[10] == "KL-INV-2026-000003").unwrap();
    // Kurs as the ECB published it for the tax point (1 EUR = 1.0839 USD).
    assert_eq!((usd[0].as_str(), usd[2].as_str(), usd[3].as_str(), usd[4].as_str(), usd[5].as_str()), ("21,60", "USD", "1,0839", "19,93", "EUR"));
    // The reverse charge names the customer's VAT ID.
    let rc = lines.iter().map(|l| fields(l)).find(|f| f[10] == "KL-INV-2026-000005").unwrap();
    assert_eq!((rc[7].as_str(), rc[39].as_str(), rc[122].as_str()), ("8336", "IT00743110157", ""));
    // Windows-1252 on disk: "ü" is one byte.
    let bytes = fs::read(e.out.join("datev/EXTF_Buchungsstapel_2026-10.csv")).unwrap();
    assert!(bytes.windows(13).any(|w| w == b"J\xFCrgen M\xFCller"));
    // In the zip too.
    assert!(e.tmp.path().join("export.zip").is_file());
}

/// DATEV takes a batch within one fiscal year: with one beginning on 15 October, October is
/// two batches, each with its fiscal year and dates, holding between them the bookings the
/// calendar year's one batch holds, each document in the batch of its issue date.
#[test]
fn a_fiscal_year_beginning_inside_the_period_splits_the_datev_batch_at_its_start() {
    let calendar = issue_and_export(&samples(), &[]);
    let all = datev_lines(&calendar.out);
    let tmp = tempfile::tempdir().unwrap();
    let data = archive_support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), format!("{company}\n[accounts]\nfiscal_year_start = \"10-15\"\n")).unwrap();
    let e = issue_and_export(&data, &[]);
    let names: Vec<String> = fs::read_dir(e.out.join("datev")).unwrap().map(|f| f.unwrap().file_name().into_string().unwrap()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(names, ["EXTF_Buchungsstapel_2026-10_20261001-20261014.csv", "EXTF_Buchungsstapel_2026-10_20261015-20261031.csv"]);
    let mut bookings = Vec::new();
    for (name, fiscal_year, from, to, label) in [
        (&names[0], "20251015", "20261001", "20261014", "Ausgangsrechnungen 2026-10 1/2"),
        (&names[1], "20261015", "20261015", "20261031", "Ausgangsrechnungen 2026-10 2/2"),
    ] {
        let lines = datev_file_lines(&e.out, name);
        let header = fields(&lines[0]);
        assert_eq!((header[12].as_str(), header[14].as_str(), header[15].as_str(), header[16].as_str()), (fiscal_year, from, to, label), "{name}");
        // Everything else of the header is the calendar batch's.
        let whole = fields(&all[0]);
        for i in (0..31).filter(|i| ![12, 14, 15, 16].contains(i)) {
            assert_eq!(header[i], whole[i], "{name}: header field {}", i + 1);
        }
        assert_eq!(lines[1], all[1]);
        assert!(lines.len() > 2, "{name} has bookings");
        for line in &lines[2..] {
            // Belegdatum TTMM within the batch's days.
            let belegdatum = &fields(line)[9];
            let day = format!("2026{}{}", &belegdatum[2..], &belegdatum[..2]);
            assert!((from..=to).contains(&day.as_str()), "{name}: {line}");
        }
        bookings.extend_from_slice(&lines[2..]);
    }
    assert_eq!(bookings, all[2..]);
    // In the zip as any export file, byte for byte.
    let mut zip = zip::ZipArchive::new(fs::File::open(e.tmp.path().join("export.zip")).unwrap()).unwrap();
    for n in &names {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(&format!("datev/{n}")).unwrap(), &mut bytes).unwrap();
        assert_eq!(bytes, fs::read(e.out.join("datev").join(n)).unwrap(), "{n}");
    }
    // A fiscal year cannot begin on a day some years lack: refused when the export reads
    // it, and before, by the run that would archive that company.toml (an export without
    // --data books by the archived one).
    fs::write(data.join("company.toml"), format!("{company}\n[accounts]\nfiscal_year_start = \"02-29\"\n")).unwrap();
    let never = tmp.path().join("never");
    for args in [&["issue", data.to_str().unwrap(), "--archive", never.to_str().unwrap(), "--init"][..], &["issue", data.to_str().unwrap(), "--archive", never.to_str().unwrap(), "--init", "--dry-run"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("company.toml: accounts.fiscal_year_start: '02-29' is not a day every year has"), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!never.exists());
    }
    let refused = tmp.path().join("refused");
    let out = run(&["export", "--month", "2026-10", "--archive", e.archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", refused.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("company.toml: accounts.fiscal_year_start: '02-29' is not a day every year has; a fiscal year begins on a day that is, e.g. \"03-01\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!refused.exists());
}

#[test]
fn documents_in_another_currency_outside_eu_vat_are_booked_in_the_base_currency() {
    let e = issue_and_export(&samples(), &[]);
    let lines = datev_lines(&e.out);
    let booking = |number: &str| {
        let f = lines.iter().map(|l| fields(l)).find(|f| f[10] == number).unwrap();
        (f[0].clone(), f[2].clone(), f[3].clone(), f[4].clone(), f[5].clone())
    };
    let s = |a: &str, b: &str, c: &str, d: &str, e: &str| (a.to_string(), b.to_string(), c.to_string(), d.to_string(), e.to_string());
    // 49.00 USD outside scope, tax point 2026-10-09: 1 EUR = 1.0839 USD, 49.00 / 1.0839 = 45.207… → 45.21.
    assert_eq!(booking("KL-INV-2026-000007"), s("49,00", "USD", "1,0839", "45,21", "EUR"));
    // 1980 JPY: 1 EUR = 162.66 JPY, 1980 / 162.66 = 12.172… → 12.17.
    assert_eq!(booking("KL-INV-2026-000008"), s("1980,00", "JPY", "162,66", "12,17", "EUR"));
    // 12.99 GBP under the UK registration: 1 EUR = 0.8577 GBP, below the least Kurs DATEV
    // takes (1,00), so booked in euros: net 10.82 → 12.62, VAT 2.17 → 2.53, 15.15.
    assert_eq!(booking("KL-INV-2026-000006"), s("15,15", "EUR", "", "", ""));
    let journal: BTreeMap<String, BTreeMap<String, String>> = rows(&e.out.join("journal.csv")).into_iter().map(|r| (r["number"].clone(), r)).collect();
    let j = &journal["KL-INV-2026-000007"];
    assert_eq!((j["base_currency"].as_str(), j["vat_base_currency"].as_str(), j["exchange_rate"].as_str()), ("EUR", "0.00", "0.922594"));
    assert_eq!((journal["KL-INV-2026-000006"]["vat_base_currency"].as_str(), journal["KL-INV-2026-000006"]["exchange_rate"].as_str()), ("2.53", "1.165909"));
    // The VAT summary: outside the EU in the base currency (the seller's return counts it
    // there); the UK registration's own return in pounds.
    let summary: Vec<String> = fs::read_to_string(e.out.join("vat-summary.csv")).unwrap().lines().map(String::from).collect();
    for row in ["outside_eu,US,0,EUR,outside_scope,45.21,0.00,1", "outside_eu,JP,0,EUR,outside_scope,12.17,0.00,1", "non_eu_registrations,GB,20,GBP,UK VAT,10.82,2.17,1"] {
        assert!(summary.iter().any(|l| l == row), "{row} not in {summary:#?}");
    }
}

/// DATEV's Kurs (field 4) is `^([1-9]\d{0,3}[,]\d{2,6})$`, at least 1, and required with a
/// foreign Umsatz ("Wenn ein Umsatz in der Fremdwährung bei #1 angegeben wird, sind #4, #5
/// und #6 zu übergeben"). A document whose rate is below 1 (1 EUR = 0.8577 GBP) is booked in
/// euros, its amounts as the VAT summary and its record state them there, with the pound
/// amount in the Buchungstext; one whose rate DATEV takes keeps Umsatz in its currency.
#[test]
fn a_rate_below_one_is_booked_in_euros_and_every_kurs_matches_datevs_pattern() {
    let e = issue_and_export(&samples(), &[]);
    let lines = datev_lines(&e.out);
    let columns = fields(&lines[1]);
    let bookings: Vec<Vec<String>> = lines[2..].iter().map(|l| fields(l)).collect();
    let of = |number: &str| bookings.iter().find(|f| f[10] == number).unwrap_or_else(|| panic!("no booking of {number}"));
    // 12.99 GBP (net 10.82, UK VAT 2.17) at 1 EUR = 0.8577 GBP: 12.62 + 2.53 = 15.15 EUR.
    let gbp = of("KL-INV-2026-000006");
    assert_eq!(
        (gbp[0].as_str(), gbp[1].as_str(), gbp[2].as_str(), gbp[3].as_str(), gbp[4].as_str(), gbp[5].as_str(), gbp[6].as_str(), gbp[7].as_str(), gbp[13].as_str()),
        ("15,15", "S", "EUR", "", "", "", "1360", "8338", "Oliver Smith 12,99 GBP")
    );
    assert_eq!((columns[0].as_str(), columns[2].as_str(), columns[3].as_str(), columns[13].as_str()), ("Umsatz (ohne Soll/Haben-Kz)", "WKZ Umsatz", "Kurs", "Buchungstext"));
    // The same euros as the record's restatement for the books and the journal's rate.
    let record: serde_json::Value = serde_json::from_slice(&fs::read(e.out.join("documents/KL-INV-2026-000006.json")).unwrap()).unwrap();
    assert_eq!(base_currency_rows(&record), [d("15.15")]);
    let journal: BTreeMap<String, BTreeMap<String, String>> = rows(&e.out.join("journal.csv")).into_iter().map(|r| (r["number"].clone(), r)).collect();
    assert_eq!((journal["KL-INV-2026-000006"]["currency"].as_str(), journal["KL-INV-2026-000006"]["gross"].as_str()), ("GBP", "12.99"));
    // USD (1 EUR = 1.0839 USD) keeps its currency, Kurs and Basis-Umsatz.
    let usd = of("KL-INV-2026-000003");
    assert_eq!((usd[0].as_str(), usd[2].as_str(), usd[3].as_str(), usd[4].as_str(), usd[5].as_str()), ("21,60", "USD", "1,0839", "19,93", "EUR"));
    assert!(!usd[13].contains("USD"), "{}", usd[13]);
    // Every Kurs in the file is one DATEV takes, and every foreign Umsatz has one.
    let mut kurse = 0;
    for f in &bookings {
        if !f[3].is_empty() {
            assert!(is_datev_kurs(&f[3]), "{f:?}");
            kurse += 1;
        }
        if f[2] != "EUR" {
            assert!(!f[3].is_empty() && !f[4].is_empty() && f[5] == "EUR", "{f:?}");
        }
    }
    assert!(kurse >= 3, "USD, JPY and PLN bookings have a Kurs");
}

#[test]
fn a_currency_without_a_rate_is_issued_with_a_warning_and_booked_without_one() {
    let tmp = tempfile::tempdir().unwrap();
    let data = archive_support::copy_samples(tmp.path());
    let rates = fs::read_to_string(data.join("exchange_rates.csv")).unwrap();
    fs::write(data.join("exchange_rates.csv"), rates.lines().filter(|l| !l.contains(",JPY,")).map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let archive = tmp.path().join("archive");
    let o = run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init", "--quiet"]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: 1 document(s) in JPY issued without their amounts in EUR for the books, the first KL-INV-2026-000008: exchange_rates.csv has no JPY/EUR rate on or before the tax point (or, for a credit note, the invoice it credits recorded none); the exports leave DATEV's Kurs and Basis-Umsatz empty for them"),
        "{stderr}"
    );
    // Only the currency without a rate is named; the run's other warning is the Japanese
    // customer's language, the one of the samples without a translation.
    assert_eq!(stderr.matches("for the books").count(), 1, "{stderr}");
    assert!(stderr.contains("warning: language 'ja' has no translation (crates/locale/i18n/): 1 document(s) issued in English, the first KL-INV-2026-000008\n"), "{stderr}");
    assert_eq!(stderr.matches("has no translation").count(), 1, "{stderr}");
    let record = fs::read_to_string(archive.join("2026/KL-INV-2026-000008.json")).unwrap();
    assert!(!record.contains("base_currency_booking"), "{record}");
    let out = tmp.path().join("export");
    let o = run(&["export", "--month", "2026-10", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    // Whoever exports (the accountant) is told too: DATEV refuses such a row as it stands.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: datev: 1 document(s) in another currency were issued without their amounts in EUR (the first KL-INV-2026-000008, in JPY: exchange_rates.csv had no rate at its tax point), so their bookings carry the foreign amount without Kurs and Basis-Umsatz, which DATEV's import refuses; book them by hand at the rate of their tax point\n"),
        "{stderr}"
    );
    let f = datev_lines(&out).iter().map(|l| fields(l)).find(|f| f[10] == "KL-INV-2026-000008").unwrap();
    assert_eq!((f[0].as_str(), f[2].as_str(), f[3].as_str(), f[4].as_str(), f[5].as_str()), ("1980,00", "JPY", "", "", ""));
    assert!(fs::read_to_string(out.join("vat-summary.csv")).unwrap().lines().any(|l| l == "outside_eu,JP,0,JPY,outside_scope,1980,0,1"));
}

#[test]
fn a_generated_month_ties_out_in_datev_and_the_revenue_schedule() {
    let tmp = tempfile::tempdir().unwrap();
    for seed in [3, 11] {
        let data = generated(tmp.path(), 400, seed);
        let e = issue_and_export(&data, &[]);
        check_datev(&e.out);
        check_revenue(&e.out);
    }
}

/// The revenue schedule sums to each line of the line journal, and the line journal to the
/// document journal.
fn check_revenue(out: &Path) {
    let lines = rows(&out.join("journal-lines.csv"));
    let mut per_line: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in rows(&out.join("revenue.csv")) {
        assert_eq!(r["recognised"].split('.').nth(1).map_or(0, str::len), r["line_net"].split('.').nth(1).map_or(0, str::len));
        *per_line.entry((r["number"].clone(), r["line"].clone())).or_default() += d(&r["recognised"]);
    }
    assert_eq!(per_line.len(), lines.len(), "every line has its schedule");
    let mut per_document: BTreeMap<String, Decimal> = BTreeMap::new();
    for l in &lines {
        assert_eq!(per_line[&(l["number"].clone(), l["line"].clone())], d(&l["net"]), "{} line {}", l["number"], l["line"]);
        assert!(!l["transaction_id"].is_empty());
        *per_document.entry(l["number"].clone()).or_default() += d(&l["net"]);
    }
    for j in rows(&out.join("journal.csv")) {
        assert_eq!(per_document[&j["number"]], d(&j["net"]), "{}", j["number"]);
    }
}

#[test]
fn the_line_journal_and_revenue_schedule_of_the_samples() {
    let e = issue_and_export(&samples(), &[]);
    check_revenue(&e.out);
    let lines = rows(&e.out.join("journal-lines.csv"));
    let annual = lines.iter().find(|l| l["number"] == "KL-INV-2026-000002").unwrap();
    assert_eq!(
        (annual["payment_id"].as_str(), annual["service_start"].as_str(), annual["service_end"].as_str(), annual["net"].as_str(), annual["account"].as_str()),
        ("pi_3QKx1003", "2026-10-03", "2027-10-02", "120.16", "8400")
    );
    // 120.16 EUR over 365 days from 3 October: 29 days in October.
    let schedule: Vec<(String, String)> = rows(&e.out.join("revenue.csv"))
        .into_iter()
        .filter(|r| r["number"] == "KL-INV-2026-000002")
        .map(|r| (r["month"].clone(), r["recognised"].clone()))
        .collect();
    assert_eq!(schedule.len(), 13);
    assert_eq!(schedule[0], ("2026-10".to_string(), "9.55".to_string())); // 12016 × 29 / 365 = 954.7 → 954 + 1
    assert_eq!(schedule[12], ("2027-10".to_string(), "0.66".to_string())); // 12016 × 2 / 365 = 65.8 → 65 + 1
}

#[test]
fn xero_and_quickbooks_files_have_exactly_their_published_headers() {
    let e = issue_and_export(&samples(), &[]);
    let first_line = |p: &str| fs::read_to_string(e.out.join(p)).unwrap().lines().next().unwrap().to_string();
    assert_eq!(
        first_line("xero/invoices.csv"),
        "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,InventoryItemCode,*Description,*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,BrandingTheme"
    );
    let qb = "*InvoiceNo,*Customer,*InvoiceDate,*DueDate,Terms,Location,Memo,Item(Product/Service),ItemDescription,ItemQuantity,ItemRate,*ItemAmount,*ItemTaxCode,ItemTaxAmount,Currency,Service Date";
    assert_eq!(first_line("quickbooks/invoices.csv"), qb);
    // Credit notes in the credit-note import's columns: their own number and date, no due
    // date or terms (imported as invoices they would add a sale).
    assert_eq!(
        first_line("quickbooks/credit-notes.csv"),
        "*CreditNoteNo,*Customer,*CreditNoteDate,Location,Memo,Item(Product/Service),ItemDescription,ItemQuantity,ItemRate,*ItemAmount,*ItemTaxCode,ItemTaxAmount,Currency,Service Date"
    );
    // One row per document line; quantity × unit amount is the line's net, credit notes negative in Xero.
    let lines = rows(&e.out.join("journal-lines.csv"));
    let xero = rows(&e.out.join("xero/invoices.csv"));
    assert_eq!(xero.len(), lines.len());
    for (x, l) in xero.iter().zip(&lines) {
        assert_eq!(x["*InvoiceNumber"], l["number"]);
        assert_eq!(d(&x["*Quantity"]) * d(&x["*UnitAmount"]), d(&l["net"]), "{}", l["number"]);
        assert_eq!(x["*AccountCode"], l["account"]);
    }
    let first = &xero[0];
    assert_eq!((first["*InvoiceDate"].as_str(), first["*TaxType"].as_str(), first["Reference"].as_str()), ("01/10/2026", "OSS DE 19%", "pi_3QKx1001"));
    // Each regime its own tax code, its tax on its own return: Estonian VAT, German VAT under
    // the OSS, UK VAT under the UK registration.
    let tax_type = |number: &str| xero.iter().find(|r| r["*InvoiceNumber"] == number).unwrap()["*TaxType"].clone();
    assert_eq!(
        [tax_type("KL-INV-2026-000002"), tax_type("KL-INV-2026-000010"), tax_type("KL-INV-2026-000006"), tax_type("KL-INV-2026-000005")],
        ["VAT 24%", "OSS GR 24%", "UK VAT 20%", "Reverse Charge"]
    );
    // Addresses come from invoices only: a credit note (a reissue's carries the old one)
    // would put back an address Xero updated from the replacement.
    let address = |number: &str| {
        let r = xero.iter().find(|r| r["*InvoiceNumber"] == number).unwrap();
        [&r["POAddressLine1"], &r["POCity"], &r["POPostalCode"], &r["POCountry"]].map(|v| v.to_string())
    };
    assert_eq!(address("KL-INV-2026-000002"), ["Tartu mnt 14-7", "Tallinn", "10145", "EE"]);
    assert_eq!(address("KL-CN-2026-000001"), ["", "", "", ""]);
    let invoices = rows(&e.out.join("quickbooks/invoices.csv"));
    let credit_notes = rows(&e.out.join("quickbooks/credit-notes.csv"));
    assert_eq!(invoices.len() + credit_notes.len(), lines.len());
    assert!(credit_notes.iter().all(|r| r["*CreditNoteNo"].starts_with("KL-CN-") && d(&r["*ItemAmount"]) > Decimal::ZERO));
    assert_eq!((credit_notes[0]["*CreditNoteDate"].as_str(), credit_notes[0]["*ItemTaxCode"].as_str()), ("20/10/2026", "VAT 24%"));
    assert_eq!(credit_notes[0]["*Customer"], "Mari Tamm (cus_ee_01)");
}

#[test]
fn the_account_mapping_books_by_the_configured_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for f in ["company.toml", "customers.csv", "transactions.csv", "exchange_rates.csv", "logo.svg"] {
        fs::copy(samples().join(f), data.join(f)).unwrap();
    }
    let toml = fs::read_to_string(data.join("company.toml")).unwrap()
        + "\n[accounts]\nchart = \"skr04\"\ndatev_consultant = 4711\ndatev_client = 42\n\n[[accounts.revenue]]\ntreatment = \"domestic\"\nrate = \"24\"\naccount = \"4200\"\ntax_key = \"3\"\ntax_code = \"24% (VAT on Income)\"\n";
    fs::write(data.join("company.toml"), toml).unwrap();
    let e = issue_and_export(&data, &[]);
    let lines = datev_lines(&e.out);
    let header = fields(&lines[0]);
    assert_eq!((header[10].as_str(), header[11].as_str(), header[26].as_str()), ("4711", "42", "04"));
    let annual = lines.iter().map(|l| fields(l)).find(|f| f[10] == "KL-INV-2026-000002").unwrap();
    // The tax key in the format's four digits.
    assert_eq!((annual[6].as_str(), annual[7].as_str(), annual[8].as_str()), ("1460", "4200", "0003"));
    let oss = lines.iter().map(|l| fields(l)).find(|f| f[10] == "KL-INV-2026-000001").unwrap();
    assert_eq!(oss[7], "4339");
    let xero = rows(&e.out.join("xero/invoices.csv"));
    assert_eq!(xero[1]["*TaxType"], "24% (VAT on Income)");
    // A bad mapping is an input error naming its key, and nothing is left behind.
    let bad = fs::read_to_string(data.join("company.toml")).unwrap().replace("tax_key = \"3\"", "tax_key = \"3x\"");
    fs::write(data.join("company.toml"), bad).unwrap();
    let out = tmp.path().join("bad-export");
    let o = run(&["export", "--month", "2026-10", "--archive", e.archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("company.toml: accounts.revenue[0].tax_key: '3x' is not a DATEV tax key"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.exists());
}

#[test]
fn excel_dialects_write_a_bom_and_continental_excel_gets_semicolons_and_decimal_commas() {
    let e = issue_and_export(&samples(), &["--csv", "excel-semicolon"]);
    let journal = fs::read(e.out.join("journal.csv")).unwrap();
    assert!(journal.starts_with(b"\xEF\xBB\xBFnumber;type;issue_date;"));
    let text = String::from_utf8(journal).unwrap();
    assert!(
        text.contains("\nKL-CN-2026-000001;credit_note;2026-10-20;2026-10-20;cus_ee_01;Mari Tamm;EE;;EUR;-24,19;-5,81;-30,00;EUR;-5,81;1;domestic;EE;KL-INV-2026-000002\n"),
        "{text}"
    );
    // The importers' own files keep their format.
    assert!(fs::read(e.out.join("xero/invoices.csv")).unwrap().starts_with(b"*ContactName,"));
    let excel = issue_and_export(&samples(), &["--csv", "excel"]);
    assert!(fs::read(excel.out.join("journal.csv")).unwrap().starts_with(b"\xEF\xBB\xBFnumber,type,"));
    assert_eq!(run(&["export", "--month", "2026-10", "--csv", "xlsx", "--archive", "x", "--out", "y"]).status.code(), Some(2));
}

#[test]
fn the_statement_balances_payments_and_refunds_against_documents() {
    let e = issue_and_export(&samples(), &[]);
    let out = e.tmp.path().join("statements");
    let archive = e.archive.to_str().unwrap();
    let json = ok(run(&["statement", "cus_gr_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", archive, "--data", samples().to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((v["schema"].as_str(), v["command"].as_str()), (Some("invoicesmith.cli.v1"), Some("statement")));
    let kinds: Vec<&str> = v["statement"]["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["invoice", "payment", "duplicate", "duplicate_returned"]);
    // Every customer: balance = (payments − refunds) − (invoices − credit notes), from the lines.
    for customer in ["cus_de_01", "cus_ee_01", "cus_fr_01", "cus_gr_01", "cus_pl_01", "cus_jp_01"] {
        let folder = out.join(customer);
        let json = ok(run(&["statement", customer, "--from", "2026-10-01", "--to", "2026-10-31", "--archive", archive, "--data", samples().to_str().unwrap(), "--out", folder.to_str().unwrap(), "--json"]));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        for b in v["statement"]["balances"].as_array().unwrap() {
            let currency = b["currency"].as_str().unwrap();
            let (mut docs, mut money) = (Decimal::ZERO, Decimal::ZERO);
            for e in v["statement"]["entries"].as_array().unwrap().iter().filter(|e| e["currency"] == currency) {
                docs += e["charged"].as_str().map(d).unwrap_or_default();
                money += e["paid"].as_str().map(d).unwrap_or_default();
            }
            let balance = d(b["balance"].as_str().unwrap());
            assert_eq!(balance, money - docs, "{customer} {currency}");
            assert_eq!(d(b["payments"].as_str().unwrap()) - d(b["refunds"].as_str().unwrap()) - d(b["invoiced"].as_str().unwrap()) + d(b["credited"].as_str().unwrap()), balance);
            // Everything charged was invoiced, everything refunded credited or returned.
            assert_eq!(balance, Decimal::ZERO, "{customer} {currency}");
        }
        assert_eq!(v["files"].as_array().unwrap().len(), 3);
    }
    // The bank-transfer invoice and the transfer that paid it (a payment row, no document):
    // settled, the transfer listed by what it paid.
    let json = ok(run(&["statement", "cus_de_03", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", archive, "--data", samples().to_str().unwrap(), "--out", out.join("cus_de_03").to_str().unwrap(), "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let entries: Vec<(&str, &str, &str)> = v["statement"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["reference"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(entries, [("invoice", "KL-INV-2026-000015", "Enterprise plan (annual)"), ("payment", "pm_1022", "bank transfer received for ch_1021")]);
    assert_eq!((v["statement"]["balances"][0]["payments"].as_str(), v["statement"]["balances"][0]["balance"].as_str()), (Some("4800.00"), Some("0.00")));
    // The partial refund: Mari Tamm's statement lists the credit note and the refund.
    let out = out.join("cus_ee_01");
    let csv = fs::read_to_string(out.join("statement-cus_ee_01-2026-10-01-2026-10-31.csv")).unwrap();
    assert!(csv.contains("2026-10-20,credit_note,KL-CN-2026-000001,credits KL-INV-2026-000002,EUR,-30.00,\n"), "{csv}");
    assert!(csv.contains(",refund,KL-CN-2026-000001,"), "{csv}");
    assert!(csv.ends_with("2026-10-31,balance,,balance 0.00 EUR,EUR,119.00,119.00\n"), "{csv}");
    let pdf = out.join("statement-cus_ee_01-2026-10-01-2026-10-31.pdf");
    let text = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    // Mari Tamm's documents are in Estonian, and so is her statement (the CSV above is not:
    // it is a machine file, in the same words for every customer).
    assert!(text.contains("Kontoväljavõte") && text.contains("20.10.2026") && text.contains("Kreeditarve KL-CN-2026-000001"), "{text}");
    assert!(text.contains("Saldo 0,00 €: arveldused on tasakaalus, kummalgi poolel võlgnevust ei ole"), "{text}");
    let html = fs::read_to_string(out.join("statement-cus_ee_01-2026-10-01-2026-10-31.html")).unwrap();
    assert!(html.contains(r#"<html lang="et">"#) && html.contains("<td>Kreeditarve KL-CN-2026-000001</td>"), "{html}");
    assert!(html.contains("<td>20.10.2026</td>") && html.contains("-30,00\u{a0}€"), "{html}");
    // On the day of the duplicate charge, before its refund: paid more than invoiced.
    let early = e.tmp.path().join("early");
    let json = ok(run(&["statement", "cus_gr_01", "--from", "2026-10-01", "--to", "2026-10-14", "--archive", archive, "--data", samples().to_str().unwrap(), "--out", early.to_str().unwrap(), "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let b = &v["statement"]["balances"][0];
    assert_eq!(
        (b["invoiced"].as_str(), b["payments"].as_str(), b["refunds"].as_str(), b["balance"].as_str()),
        (Some("14.99"), Some("29.98"), Some("0.00"), Some("14.99"))
    );
    let text = ok(run(&["statement", "cus_gr_01", "--from", "2026-10-01", "--to", "2026-10-14", "--archive", archive, "--data", samples().to_str().unwrap(), "--out", early.join("text").to_str().unwrap()]));
    assert!(text.contains("  Balance 14.99 EUR in your favour: paid but not invoiced, to be refunded\n"), "{text}");
    // A range after the first documents opens with the balance brought forward, so money in
    // it for an earlier invoice (or a duplicate's refund) is not read as never invoiced.
    let ranged = |customer: &str, from: &str, to: &str| -> serde_json::Value {
        let folder = e.tmp.path().join(format!("ranged-{customer}-{from}"));
        let json = ok(run(&["statement", customer, "--from", from, "--to", to, "--archive", archive, "--data", samples().to_str().unwrap(), "--out", folder.to_str().unwrap(), "--json"]));
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["statement"].clone()
    };
    let lines = |s: &serde_json::Value| -> Vec<(String, String, String)> {
        let amount = |e: &serde_json::Value| match (e["charged"].as_str(), e["paid"].as_str()) {
            (Some(c), None) => format!("charged {c}"),
            (None, Some(p)) => format!("paid {p}"),
            other => panic!("{other:?}"),
        };
        s["entries"].as_array().unwrap().iter().map(|e| (e["date"].as_str().unwrap().into(), e["kind"].as_str().unwrap().into(), amount(e))).collect()
    };
    let balance = |s: &serde_json::Value| {
        let b = &s["balances"][0];
        [&b["brought_forward"], &b["invoiced"], &b["payments"], &b["refunds"], &b["balance"]].map(|v| v.as_str().unwrap().to_string())
    };
    // KL-INV-2026-000015 of 28 October asked for 4,800.00; the transfer came on the 30th.
    let transfer = ranged("cus_de_03", "2026-10-30", "2026-11-30");
    let line = |date: &str, kind: &str, amount: &str| (date.to_string(), kind.to_string(), amount.to_string());
    assert_eq!(lines(&transfer), [line("2026-10-30", "brought_forward", "charged 4800.00"), line("2026-10-30", "payment", "paid 4800.00")]);
    assert_eq!(balance(&transfer), ["-4800.00", "0.00", "4800.00", "0.00", "0.00"]);
    // Nikos's invoice, payment and duplicate charge before the 15th; the duplicate's refund on it.
    let returned = ranged("cus_gr_01", "2026-10-15", "2026-10-31");
    assert_eq!(lines(&returned), [line("2026-10-15", "brought_forward", "paid 14.99"), line("2026-10-15", "duplicate_returned", "paid -14.99")]);
    assert_eq!(balance(&returned), ["14.99", "0.00", "0.00", "14.99", "0.00"]);
    // From before the first document: nothing brought forward, no such line.
    assert!(lines(&ranged("cus_gr_01", "2026-09-01", "2026-10-31")).iter().all(|l| l.1 != "brought_forward"));
    // A statement is never written over.
    // Without the payment history, the terminal says what the balance leaves out, as the
    // statement does: Nikos's duplicate charge and its refund.
    let bare = e.tmp.path().join("bare");
    let text = ok(run(&["statement", "cus_gr_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", archive, "--out", bare.to_str().unwrap()]));
    assert!(
        text.contains("  Balance 0.00 EUR: settled, nothing is owed either way\n  from issued documents only: duplicate charges, their refunds and transfers received are in the payment history (--data DIR)\n"),
        "{text}"
    );
    let again = run(&["statement", "cus_ee_01", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", archive, "--out", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists; a statement never replaces a file"), "{}", String::from_utf8_lossy(&again.stderr));
}

#[test]
fn list_json_filters_by_customer_kind_status_and_dates() {
    let e = issue_and_export(&samples(), &[]);
    let archive = e.archive.to_str().unwrap();
    let list = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["list", "--archive", archive, "--json"];
        all.extend(args);
        serde_json::from_str(&ok(run(&all))).unwrap()
    };
    let v = list(&[]);
    assert_eq!((v["schema"].as_str(), v["command"].as_str()), (Some("invoicesmith.cli.v1"), Some("list")));
    assert_eq!(v["documents"].as_array().unwrap().len(), 18);
    let mari = list(&["--customer", "cus_ee_01"]);
    let numbers: Vec<(&str, &str)> = mari["documents"].as_array().unwrap().iter().map(|d| (d["number"].as_str().unwrap(), d["status"].as_str().unwrap())).collect();
    assert_eq!(numbers, [("KL-INV-2026-000002", "credited"), ("KL-CN-2026-000001", "paid")]);
    assert_eq!(mari["documents"][0]["credited"], "30.00");
    assert_eq!(mari["documents"][1]["credited"], "0.00");
    assert_eq!(mari["documents"][0]["referenced_by"], serde_json::json!(["KL-CN-2026-000001"]));
    // The text says how much of a credited invoice was credited.
    assert_eq!(
        ok(run(&["list", "--archive", archive, "--customer", "cus_ee_01"])),
        "KL-INV-2026-000002  2026-10-03  invoice      credited  cus_ee_01  149.00 EUR (30.00 credited)  Mari Tamm\n\
         KL-CN-2026-000001  2026-10-20  credit_note  paid      cus_ee_01  30.00 EUR  Mari Tamm\n\
         2 document(s)\n"
    );
    let credit_notes = list(&["--kind", "credit_note"]);
    assert!(credit_notes["documents"].as_array().unwrap().iter().all(|d| d["kind"] == "credit_note"));
    assert_eq!(credit_notes["documents"].as_array().unwrap().len(), 2);
    let credited = list(&["--status", "credited"]);
    assert_eq!(credited["documents"].as_array().unwrap().len(), 2);
    let early = list(&["--from", "2026-10-01", "--to", "2026-10-03"]);
    assert_eq!(early["documents"].as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap()).collect::<Vec<_>>(), ["KL-INV-2026-000001", "KL-INV-2026-000002"]);
    assert_eq!(run(&["list", "--archive", archive, "--status", "late"]).status.code(), Some(2));
    // A customer the archive has no document of is an error, not "0 document(s)"; one with
    // documents, none of them matching, is an empty list.
    let unknown = run(&["list", "--archive", archive, "--customer", "cus_xx_99"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(stderr(&unknown), "error: customer 'cus_xx_99' has no document in the archive (is the id right? `invoicesmith list` shows every document with its customer's id)\n");
    assert_eq!(ok(run(&["list", "--archive", archive, "--customer", "cus_ee_01", "--kind", "credit_note", "--from", "2026-12-01"])), "0 document(s)\n");
    // show, verify and export speak the same schema.
    let show: serde_json::Value = serde_json::from_str(&ok(run(&["show", "KL-INV-2026-000002", "--archive", archive, "--json"]))).unwrap();
    assert_eq!((show["schema"].as_str(), show["command"].as_str(), show["status"].as_str()), (Some("invoicesmith.cli.v1"), Some("show"), Some("credited")));
    assert_eq!(show["document"]["totals"]["gross"], "149.00");
    assert_eq!(show["referenced_by"][0]["relation"], "credits");
    // The transfer pm_1022 paid KL-INV-2026-000015; only the payment history says so.
    let status_of = |number: &str, data: &[&str]| {
        let mut args = vec!["show", number, "--archive", archive, "--json"];
        args.extend(data);
        serde_json::from_str::<serde_json::Value>(&ok(run(&args))).unwrap()["status"].as_str().unwrap().to_string()
    };
    let samples_dir = samples();
    let with_data = ["--data", samples_dir.to_str().unwrap()];
    assert_eq!(status_of("KL-INV-2026-000015", &[]), "open");
    assert_eq!(status_of("KL-INV-2026-000015", &with_data), "paid");
    assert_eq!(status_of("KL-INV-2026-000002", &with_data), "credited");
    let open = |data: &[&str]| {
        let mut args = vec!["list", "--archive", archive, "--status", "open", "--json"];
        args.extend(data);
        let v: serde_json::Value = serde_json::from_str(&ok(run(&args))).unwrap();
        v["documents"].as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert!(open(&[]).contains(&"KL-INV-2026-000015".to_string()), "{:?}", open(&[]));
    assert!(!open(&with_data).contains(&"KL-INV-2026-000015".to_string()), "{:?}", open(&with_data));
    // Support is sent a charge or the id on the customer's card statement: the one document
    // of it is shown; several are named; none says why there may be none.
    let number_of = |id: &str| serde_json::from_str::<serde_json::Value>(&ok(run(&["show", id, "--archive", archive, "--json"]))).unwrap()["document"]["number"].as_str().unwrap().to_string();
    assert_eq!(number_of("ch_1003"), "KL-INV-2026-000002");
    assert_eq!(number_of("pi_3QKx1003"), "KL-INV-2026-000002");
    assert_eq!(number_of("rf_1016"), "KL-CN-2026-000001");
    let none = run(&["show", "du_1014", "--archive", archive]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).starts_with("error: du_1014 is no document number, and no document's transaction or payment id; a failed or pending payment, a duplicate charge"), "{}", stderr(&none));
    // The text: both sides of the credit, each with the supply date its document prints (a
    // credit note's is the invoice's).
    let text = |number: &str| ok(run(&["show", number, "--archive", archive])).lines().filter(|l| !l.starts_with("  file: ")).collect::<Vec<_>>().join("\n");
    assert_eq!(
        text("KL-INV-2026-000002"),
        "KL-INV-2026-000002 invoice, issued 2026-10-03, supply 2026-10-03\n  customer: Mari Tamm (cus_ee_01)\n  total: 149.00 EUR (net 120.16, tax 28.84), domestic\n  status: credited\n  credited by KL-CN-2026-000001 of 2026-10-20 (30.00 EUR)"
    );
    assert_eq!(
        text("KL-CN-2026-000001"),
        "KL-CN-2026-000001 credit note, issued 2026-10-20, supply 2026-10-03\n  customer: Mari Tamm (cus_ee_01)\n  total: 30.00 EUR (net 24.19, tax 5.81), domestic\n  status: paid\n  credits KL-INV-2026-000002 of 2026-10-03 (technical issue)"
    );
    let verify: serde_json::Value = serde_json::from_str(&ok(run(&["verify", "--archive", archive, "--json"]))).unwrap();
    assert_eq!((verify["command"].as_str(), verify["intact"].as_bool()), (Some("verify"), Some(true)));
    let out = e.tmp.path().join("again");
    let export: serde_json::Value = serde_json::from_str(&ok(run(&["export", "--month", "2026-10", "--archive", archive, "--out", out.to_str().unwrap(), "--json"]))).unwrap();
    assert_eq!((export["command"].as_str(), export["report"]["documents"].as_u64()), (Some("export"), Some(18)));
    let missing: serde_json::Value = serde_json::from_slice(&run(&["show", "KL-INV-2026-999999", "--archive", archive, "--json"]).stdout).unwrap();
    assert_eq!(missing["schema"], "invoicesmith.cli.v1");
    assert!(missing["error"].as_str().unwrap().contains("KL-INV-2026-999999"));
}

/// A bank-transfer invoice paid in part: `show`'s text and `list`'s open rows say what is
/// still due and by when, counting the transfers in the payment history as `--json` does.
#[test]
fn show_and_list_say_what_an_open_invoice_still_asks_for() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(&tmp.path().join("data"));
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let part_paid = csv.replace("Bank transfer received,1,4800.00,net", "Bank transfer received,1,2000.00,net");
    assert_ne!(csv, part_paid);
    fs::write(data.join("transactions.csv"), part_paid).unwrap();
    let archive = tmp.path().join("archive");
    let (archive, data) = (archive.to_str().unwrap(), data.to_str().unwrap());
    ok(run(&["issue", data, "--archive", archive, "--init", "--quiet"]));
    let status_line = |args: &[&str]| {
        let mut all = vec!["show", "KL-INV-2026-000015", "--archive", archive];
        all.extend(args);
        ok(run(&all)).lines().find(|l| l.starts_with("  status: ")).unwrap().to_string()
    };
    // Due on 11 November 2026, before any day this test runs.
    assert_eq!(status_line(&["--data", data]), "  status: overdue, 2800.00 EUR due by 2026-11-11");
    assert_eq!(status_line(&[]), "  status: overdue, 4800.00 EUR due by 2026-11-11 (as issued; --data DIR counts the transfers received)");
    let samples_dir = samples();
    assert_eq!(status_line(&["--data", samples_dir.to_str().unwrap()]), "  status: paid");
    let show: serde_json::Value = serde_json::from_str(&ok(run(&["show", "KL-INV-2026-000015", "--archive", archive, "--data", data, "--json"]))).unwrap();
    assert_eq!((show["status"].as_str(), show["outstanding"].as_str()), (Some("open"), Some("2800.00")));
    assert_eq!(
        ok(run(&["list", "--archive", archive, "--data", data, "--status", "open"])),
        "KL-INV-2026-000015  2026-10-28  invoice      open      cus_de_03  4800.00 EUR (2800.00 EUR due by 2026-11-11)  Nordlicht Medien GmbH\n\
         KL-INV-2026-000016  2026-10-28  invoice      open      cus_ee_02  372.00 EUR (372.00 EUR due by 2026-11-11)  Põhjala Disain OÜ\n\
         2 document(s)\n"
    );
}

/// "Was this invoice overdue on 15 November?": `show --on DATE` counts only the transfers
/// received by that day where the seller is (Tallinn: a transfer at 00:30 local on the 16th
/// is the 15th in UTC, and not yet received on the 15th) and the credit notes issued by then,
/// and judges the due date against it; `--json` says the day and whether it was overdue. A
/// day before the issue date is refused.
#[test]
fn show_on_a_day_counts_what_had_happened_by_then() {
    let (tmp, archive) = samples_issued();
    let archive = archive.to_str().unwrap();
    // KL-INV-2026-000015 (4800.00 EUR due by 2026-11-11): 2000.00 on 30 October, the rest on
    // 16 November.
    let data = copy_samples(&tmp.path().join("data"));
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let paid_late = csv.replace("Bank transfer received,1,4800.00,net", "Bank transfer received,1,2000.00,net")
        + "pm_1030,payment,succeeded,cus_de_03,2026-11-16T00:30:00+02:00,EUR,Bank transfer received,1,2800.00,net,false,,,ch_1021,,,,,,,,bank_transfer,\n";
    fs::write(data.join("transactions.csv"), paid_late).unwrap();
    let data = data.to_str().unwrap();
    let status_line = |number: &str, args: &[&str]| {
        let mut all = vec!["show", number, "--archive", archive];
        all.extend(args);
        ok(run(&all)).lines().find(|l| l.starts_with("  status")).unwrap().to_string()
    };
    let invoice = "KL-INV-2026-000015";
    assert_eq!(status_line(invoice, &["--data", data]), "  status: paid");
    assert_eq!(status_line(invoice, &["--data", data, "--on", "2026-10-29"]), "  status on 2026-10-29: open, 4800.00 EUR due by 2026-11-11");
    assert_eq!(status_line(invoice, &["--data", data, "--on", "2026-11-11"]), "  status on 2026-11-11: open, 2800.00 EUR due by 2026-11-11");
    assert_eq!(status_line(invoice, &["--data", data, "--on", "2026-11-15"]), "  status on 2026-11-15: overdue, 2800.00 EUR due by 2026-11-11");
    assert_eq!(status_line(invoice, &["--data", data, "--on", "2026-11-16"]), "  status on 2026-11-16: paid");
    assert_eq!(
        status_line(invoice, &["--on", "2026-11-15"]),
        "  status on 2026-11-15: overdue, 4800.00 EUR due by 2026-11-11 (as issued; --data DIR counts the transfers received)"
    );
    // KL-INV-2026-000012 (paid by card on 25 October) was credited on 26 October.
    assert_eq!(status_line("KL-INV-2026-000012", &["--on", "2026-10-25"]), "  status on 2026-10-25: paid");
    assert_eq!(status_line("KL-INV-2026-000012", &["--on", "2026-10-26"]), "  status on 2026-10-26: credited");

    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["show", invoice, "--archive", archive, "--data", data, "--json"];
        all.extend(args);
        serde_json::from_str(&ok(run(&all))).unwrap()
    };
    let fields = |v: &serde_json::Value| (v["status"].clone(), v["outstanding"].clone(), v["on"].clone(), v["overdue"].clone());
    let expected = |status: &str, outstanding: &str, on: serde_json::Value, overdue: bool| (status.into(), outstanding.into(), on, overdue.into());
    assert_eq!(fields(&json(&["--on", "2026-11-11"])), expected("open", "2800.00", "2026-11-11".into(), false));
    assert_eq!(fields(&json(&["--on", "2026-11-15"])), expected("open", "2800.00", "2026-11-15".into(), true));
    assert_eq!(fields(&json(&[])), expected("paid", "0.00", serde_json::Value::Null, false));
    // Without --on, overdue as of today: KL-INV-2026-000016 was due on 11 November 2026,
    // before any day this test runs.
    let unpaid: serde_json::Value = serde_json::from_str(&ok(run(&["show", "KL-INV-2026-000016", "--archive", archive, "--data", data, "--json"]))).unwrap();
    assert_eq!(fields(&unpaid), expected("open", "372.00", serde_json::Value::Null, true));

    let before = run(&["show", invoice, "--archive", archive, "--on", "2026-10-27"]);
    assert_eq!(before.status.code(), Some(1));
    assert_eq!(stderr(&before), "error: --on 2026-10-27 is before KL-INV-2026-000015 was issued (2026-10-28): a document has no status before its issue date\n");
}

/// A duplicate charge has no document: `show` with the payment history says whose it is,
/// which charge and invoice it repeats, that a refund returned it, and a statement command
/// that runs as printed.
#[test]
fn show_explains_a_duplicate_charge_with_a_runnable_statement_command() {
    let (tmp, archive) = samples_issued();
    let archive = archive.to_str().unwrap();
    let samples_dir = samples();
    let data = samples_dir.to_str().unwrap();
    let command = format!("invoicesmith statement cus_gr_01 --from 2026-10-01 --to 2026-10-31 --archive {archive} --data {data} --out statements");
    for (id, named) in [("du_1014", "du_1014"), ("pi_3QKx1014", "pi_3QKx1014 (du_1014)")] {
        let out = run(&["show", id, "--archive", archive, "--data", data]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out),
            format!("error: {named} is a duplicate charge of 14.99 EUR on 2026-10-14 for Νίκος Παπαδόπουλος (cus_gr_01): it repeats ch_1010, invoiced as KL-INV-2026-000010, and issues no document of its own; refund rf_1015 of 2026-10-15 returned it. The customer's statement lists it: `{command}`\n")
        );
    }
    let out = tmp.path().join("statements");
    let args: Vec<&str> = command.split(' ').skip(1).map(|a| if a == "statements" { out.to_str().unwrap() } else { a }).collect();
    assert!(ok(run(&args)).starts_with("statement of cus_gr_01 from 2026-10-01 to 2026-10-31: 4 line(s)\n"));
    let csv = fs::read_to_string(out.join("statement-cus_gr_01-2026-10-01-2026-10-31.csv")).unwrap();
    assert_eq!(csv.lines().filter(|l| l.contains("du_1014")).count(), 2, "{csv}");
}

/// An invoice of several lines (a seat and a credit pack) is not shown on the statement as
/// its first line alone: the detail says how many more lines it has, in the statement's
/// language on the PDF and HTML, in English in the CSV.
#[test]
fn the_statement_says_an_invoice_has_more_lines_than_its_first() {
    let (tmp, archive) = samples_issued();
    let out = tmp.path().join("statements");
    ok(run(&["statement", "cus_ee_02", "--from", "2026-10-01", "--to", "2026-10-31", "--archive", archive.to_str().unwrap(), "--out", out.to_str().unwrap()]));
    let csv = fs::read_to_string(out.join("statement-cus_ee_02-2026-10-01-2026-10-31.csv")).unwrap();
    assert_eq!(csv.lines().nth(1), Some("2026-10-05,invoice,KL-INV-2026-000004,Team plan (monthly) seat + 1 more,EUR,142.60,"), "{csv}");
    let html = fs::read_to_string(out.join("statement-cus_ee_02-2026-10-01-2026-10-31.html")).unwrap();
    assert!(html.contains(">Team plan (monthly) seat + veel 1<"), "{html}");
}

#[test]
fn dry_run_writes_nothing_and_a_rerun_says_already_invoiced_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let a = archive.to_str().unwrap();
    let s = samples();
    let dry = ok(run(&["issue", s.to_str().unwrap(), "--archive", a, "--init", "--dry-run"]));
    assert!(dry.starts_with("dry run, nothing written: would issue 18 document(s) into "), "{dry}");
    assert!(dry.contains("  KL-CN-2026-000002  2026-10-26  cus_fr_01  14.99 EUR  (rf_1018)\n"), "{dry}");
    assert!(dry.contains("would skip 5 transaction(s):\n  ch_1012: payment failed: no document\n"), "{dry}");
    assert!(!archive.exists(), "a dry run creates nothing");
    ok(run(&["issue", s.to_str().unwrap(), "--archive", a, "--init"]));
    let register = fs::read(archive.join("register.jsonl")).unwrap();
    let rerun = ok(run(&["issue", s.to_str().unwrap(), "--archive", a]));
    assert!(rerun.contains("\n18 transaction(s) already invoiced\nskipped 5 transaction(s):\n"), "{rerun}");
    assert!(!rerun.contains("already issued as"), "{rerun}");
    let dry_again: serde_json::Value = serde_json::from_str(&ok(run(&["issue", s.to_str().unwrap(), "--archive", a, "--dry-run", "--json"]))).unwrap();
    assert_eq!((dry_again["dry_run"].as_bool(), dry_again["issued"].as_array().unwrap().len()), (Some(true), 0));
    assert_eq!(fs::read(archive.join("register.jsonl")).unwrap(), register);
}

#[test]
fn every_command_has_examples_and_one_line_descriptions() {
    let top = ok(run(&["--help"]));
    let commands = ["issue", "recover", "keygen", "render", "sample", "reissue", "export", "list", "statement", "snapshot", "show", "verify"];
    for c in commands {
        let line = top.lines().find(|l| l.trim_start().starts_with(&format!("{c} "))).unwrap_or_else(|| panic!("{c} is not listed: {top}"));
        assert!(line.chars().count() <= 80, "the description of {c} does not fit one 80-column line: {line}");
        let help = ok(run(&[c, "--help"]));
        assert!(help.contains("Example"), "{c} --help has no example: {help}");
        // Every command that reads an archive takes a folder or a PostgreSQL URL alike.
        if help.contains("--archive") {
            assert!(help.contains("--archive <DIR|URL>") && !help.contains("--archive <DIR>"), "{c} --help: {help}");
        }
    }
    assert!(top.lines().all(|l| l.chars().count() <= 80), "{top}");
}

/// The default accounts are a German chart: 8400 is an automatic account for German VAT at
/// 19 %. The samples' seller is Estonian, so its domestic sales at 24 % would be split by
/// DATEV at 19 %: the export says so, until company.toml maps them.
#[test]
fn the_default_accounts_warn_a_seller_outside_germany_about_its_domestic_sales() {
    let e = issue_and_export(&samples(), &[]);
    let archive = e.archive.to_str().unwrap();
    let out = e.tmp.path().join("again");
    let o = run(&["export", "--month", "2026-10", "--archive", archive, "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let warning = "warning: datev: the seller is in EE, and its domestic sales (24 %) fall to the German chart's default account 8400, which DATEV books with German VAT; give [[accounts.revenue]] rules for treatment \"domestic\" in company.toml (README, \"Account mapping\")";
    assert!(String::from_utf8_lossy(&o.stderr).contains(warning), "{}", String::from_utf8_lossy(&o.stderr));
    // OSS sales on the default account without a tax key: DATEV would book no OSS VAT.
    let oss = "warning: datev: OSS sales (the first to DE) fall to the default account 8339 without a tax key; DATEV books the OSS VAT only on the OSS account and tax key your tax adviser sets up";
    assert!(String::from_utf8_lossy(&o.stderr).contains(oss), "{}", String::from_utf8_lossy(&o.stderr));
    // UK VAT on the default third-country account, gross: booked as revenue, owed to HMRC.
    let uk = "warning: datev: 1 document(s) charge a non-EU tax under the seller's registration there (the first KL-INV-2026-000006: UK VAT, GB) and fall to the default account 8338, booked gross: DATEV has no tax key for another country's tax, so the tax owed to that country is booked as revenue; give [[accounts.revenue]] rules for treatment \"non_eu_tax\" in company.toml as your tax adviser sets them up, and book the tax to its liability account (vat-summary.csv states it per registration, in the return's currency)\n";
    assert!(String::from_utf8_lossy(&o.stderr).contains(uk), "{}", String::from_utf8_lossy(&o.stderr));
    // Mapped, no warning.
    let data = e.tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for f in ["company.toml", "customers.csv", "transactions.csv", "exchange_rates.csv", "logo.svg"] {
        std::fs::copy(samples().join(f), data.join(f)).unwrap();
    }
    let company = std::fs::read_to_string(data.join("company.toml")).unwrap();
    std::fs::write(data.join("company.toml"), format!("{company}\n[accounts]\n[[accounts.revenue]]\ntreatment = \"domestic\"\naccount = \"8200\"\n[[accounts.revenue]]\ntreatment = \"oss\"\naccount = \"8331\"\ntax_key = \"241\"\n[[accounts.revenue]]\ntreatment = \"non_eu_tax\"\naccount = \"8337\"\n")).unwrap();
    let out = e.tmp.path().join("mapped");
    let o = run(&["export", "--month", "2026-10", "--archive", archive, "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning: datev"), "{}", String::from_utf8_lossy(&o.stderr));
}
