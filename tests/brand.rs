//! Documents customers expect: the company's brand, invoices paid by bank transfer (their EPC
//! QR code decoded from the rendered page), translations and fonts read at run time.

#[path = "archive_support/mod.rs"]
mod support;

use support::{ok, run};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use invoicesmith::payment::{iban, rf};

fn issue(data: &Path, archive: &Path) -> Output {
    run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--init"])
}

/// The samples issued into a new archive: (tempdir, data folder, archive).
fn issued_samples() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let archive = tmp.path().join("archive");
    ok(issue(&data, &archive));
    (tmp, data, archive)
}

fn record(archive: &Path, number: &str) -> serde_json::Value {
    serde_json::from_slice(&fs::read(archive.join(format!("2026/{number}.json"))).unwrap()).unwrap()
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils) runs");
    String::from_utf8(out.stdout).unwrap()
}

/// Page 1 of `pdf` rasterised in grey at `dpi`, decoded: (width, height, pixels).
fn page_pixels(pdf: &Path, dpi: u32) -> (usize, usize, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-gray", "-r", &dpi.to_string(), "-f", "1", "-l", "1", "-singlefile", pdf.to_str().unwrap(), stem.to_str().unwrap()])
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let decoder = png::Decoder::new(fs::File::open(stem.with_extension("png")).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let grey = match info.color_type {
        png::ColorType::Grayscale => buf,
        png::ColorType::Rgb => buf.chunks_exact(3).map(|p| ((u16::from(p[0]) + u16::from(p[1]) + u16::from(p[2])) / 3) as u8).collect(),
        other => panic!("pdftoppm wrote {other:?}"),
    };
    (info.width as usize, info.height as usize, grey)
}

/// Every QR code on page 1 of `pdf`, decoded by `rqrr` (not the encoder that drew it).
fn qr_codes(pdf: &Path) -> Vec<String> {
    let (w, h, px) = page_pixels(pdf, 150);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    image.detect_grids().iter().map(|g| g.decode().expect("the QR code decodes").1).collect()
}

#[test]
fn a_bank_transfer_invoice_asks_for_the_amount_due_with_an_epc_qr_code_a_banking_app_reads() {
    let (_tmp, _data, archive) = issued_samples();
    // ch_1021: Nordlicht Medien GmbH, reverse charge, 4,800.00 EUR, invoiced before it is paid.
    let doc = record(&archive, "KL-INV-2026-000015");
    assert_eq!(doc["source_transactions"], serde_json::json!(["ch_1021"]));
    assert_eq!(doc["totals"]["paid"], "0.00");
    assert_eq!(doc["totals"]["due"], "4800.00");
    assert_eq!(doc["payment"]["method"], "bank_transfer");
    assert_eq!(doc["payment"]["status"], "due");
    let transfer = &doc["payment"]["transfer"];
    assert_eq!(transfer["iban"], "EE382200221020145685");
    assert_eq!(transfer["bic"], "HABAEE2X");
    assert_eq!(transfer["reference"], "RF19KLINV2026000015");
    assert_eq!(transfer["due_date"], "2026-11-11");
    assert_eq!(transfer["terms_days"], 14);
    assert_eq!(doc["notes"], serde_json::json!(["Bestellnummer PO-2026-117 · Kostenstelle 4410", "Rahmenvertrag ENT-2026-04"]));

    let pdf = archive.join("2026/KL-INV-2026-000015.pdf");
    let codes = qr_codes(&pdf);
    assert_eq!(codes.len(), 1, "one QR code on the page");
    let payload = &codes[0];
    assert_eq!(payload, "BCD\n002\n1\nSCT\nHABAEE2X\nKunstlicht OÜ\nEE382200221020145685\nEUR4800.00\n\nRF19KLINV2026000015");
    // The EPC069-12 rules, line by line.
    let lines: Vec<&str> = payload.split('\n').collect();
    assert_eq!(&lines[..4], ["BCD", "002", "1", "SCT"]);
    assert!(lines[5].chars().count() <= 70);
    assert_eq!(iban::parse(lines[6]).as_deref(), Ok(lines[6]));
    let amount = lines[7].strip_prefix("EUR").unwrap();
    assert_eq!(amount.split_once('.').unwrap().1.len(), 2);
    assert!(lines[8].is_empty(), "no purpose code");
    assert!(rf::is_valid(lines[9]) && lines[9].len() <= 35);
    assert!(payload.len() <= 331);

    // "Amount due" instead of "Paid", and the request to pay.
    let text = pdftotext(&pdf);
    assert!(text.contains("Offener Betrag"), "{text}");
    assert!(!text.contains("Bezahlt "), "{text}");
    assert!(text.contains("Bitte überweisen Sie 4.800,00 € bis zum 11.11.2026"), "{text}");
    assert!(text.contains("EE38 2200 2210 2014 5685"), "{text}");
    assert!(text.contains("Fällig am"), "{text}");
}

#[test]
fn the_domestic_bank_transfer_invoice_has_its_own_code_and_card_invoices_none() {
    let (_tmp, _data, archive) = issued_samples();
    // ch_1023: Estonian business, 300.00 net + 24% = 372.00 EUR.
    let doc = record(&archive, "KL-INV-2026-000016");
    assert_eq!(doc["totals"]["due"], "372.00");
    let codes = qr_codes(&archive.join("2026/KL-INV-2026-000016.pdf"));
    assert_eq!(codes, ["BCD\n002\n1\nSCT\nHABAEE2X\nKunstlicht OÜ\nEE382200221020145685\nEUR372.00\n\nRF89KLINV2026000016"]);
    assert!(qr_codes(&archive.join("2026/KL-INV-2026-000001.pdf")).is_empty());
}

#[test]
fn the_e_invoices_name_the_sepa_credit_transfer_with_the_account() {
    let (_tmp, _data, archive) = issued_samples();
    let ubl = fs::read_to_string(archive.join("2026/KL-INV-2026-000015.ubl.xml")).unwrap();
    assert!(ubl.contains("<cbc:DueDate>2026-11-11</cbc:DueDate>"), "{ubl}");
    assert!(ubl.contains("<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"), "{ubl}");
    assert!(ubl.contains("<cbc:PaymentID>RF19KLINV2026000015</cbc:PaymentID>"), "{ubl}");
    assert!(ubl.contains("<cbc:ID>EE382200221020145685</cbc:ID>"), "{ubl}");
    assert!(ubl.contains("<cbc:PayableAmount currencyID=\"EUR\">4800.00</cbc:PayableAmount>"), "{ubl}");
    let cii = fs::read_to_string(archive.join("2026/KL-INV-2026-000015.cii.xml")).unwrap();
    assert!(cii.contains("<ram:TypeCode>58</ram:TypeCode>"), "{cii}");
    assert!(cii.contains("<ram:IBANID>EE382200221020145685</ram:IBANID>"), "{cii}");
    assert!(cii.contains("<ram:BICID>HABAEE2X</ram:BICID>"), "{cii}");
    assert!(cii.contains("<ram:PaymentReference>RF19KLINV2026000015</ram:PaymentReference>"), "{cii}");
    assert!(cii.contains("<udt:DateTimeString format=\"102\">20261111</udt:DateTimeString>"), "{cii}");
    // A card invoice keeps code 48.
    assert!(fs::read_to_string(archive.join("2026/KL-INV-2026-000001.ubl.xml")).unwrap().contains("<cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>"));
}

/// SEPA moves euros only: a transfer asked for in dollars is a credit transfer (UNCL 4461
/// code 30), with the same account, in both syntaxes.
#[test]
fn a_transfer_in_another_currency_than_the_euro_is_not_sepa() {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    fs::write(data.join("transactions.csv"), csv.replace("ch_1023,charge,pending,cus_ee_02,2026-10-28T12:00:00+02:00,EUR,", "ch_1023,charge,pending,cus_ee_02,2026-10-28T12:00:00+02:00,USD,")).unwrap();
    let archive = tmp.path().join("archive");
    ok(issue(&data, &archive));
    let ubl = fs::read_to_string(archive.join("2026/KL-INV-2026-000016.ubl.xml")).unwrap();
    assert!(ubl.contains("<cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>"), "{ubl}");
    assert!(ubl.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"), "{ubl}");
    assert!(ubl.contains("<cbc:ID>EE382200221020145685</cbc:ID>"), "{ubl}");
    let cii = fs::read_to_string(archive.join("2026/KL-INV-2026-000016.cii.xml")).unwrap();
    assert!(cii.contains("<ram:TypeCode>30</ram:TypeCode>") && !cii.contains("<ram:TypeCode>58</ram:TypeCode>"), "{cii}");
    assert!(cii.contains("<ram:IBANID>EE382200221020145685</ram:IBANID>"), "{cii}");
    // The euro transfer of the same run stays SEPA.
    assert!(fs::read_to_string(archive.join("2026/KL-INV-2026-000015.ubl.xml")).unwrap().contains("<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"));
}

/// `reconciliation.csv` rows as maps.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records().map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

#[test]
fn the_payment_issues_no_second_document_and_the_reconciliation_says_paid_open_or_overdue() {
    let (tmp, data, archive) = issued_samples();
    let json = ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap(), "--json"]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["issued"].as_array().unwrap().len(), 0);
    let skipped = report["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["transaction_id"] == "pm_1022" && s["reason"] == "bank transfer received for ch_1021: paid towards its invoice, no second document"), "{json}");

    let export = |month: &str| {
        let out = tmp.path().join(format!("export-{month}"));
        let o = run(&["export", "--month", month, "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        rows(&out.join("reconciliation.csv"))
    };
    let outcome = |rows: &[BTreeMap<String, String>], number: &str| {
        rows.iter().find(|r| r["documents"] == number && ["paid", "open", "overdue"].contains(&r["outcome"].as_str())).map(|r| (r["outcome"].clone(), r["amount"].clone(), r["detail"].clone()))
    };
    let october = export("2026-10");
    assert_eq!(outcome(&october, "KL-INV-2026-000015").unwrap(), ("paid".into(), "4800.00".into(), "4800.00 EUR due 2026-11-11 on KL-INV-2026-000015; 4800.00 received by 2026-10-31".into()));
    assert_eq!(outcome(&october, "KL-INV-2026-000016").unwrap().0, "open");
    let payment = october.iter().find(|r| r["transaction_id"] == "pm_1022").unwrap();
    assert_eq!((payment["outcome"].as_str(), payment["type"].as_str()), ("no_document", "payment"));
    let charge = october.iter().find(|r| r["transaction_id"] == "ch_1023" && r["outcome"] == "invoiced").unwrap();
    assert_eq!(charge["documents"], "KL-INV-2026-000016");
    // November: 372.00 was due on 11 November and nothing arrived.
    let november = export("2026-11");
    assert_eq!(outcome(&november, "KL-INV-2026-000016").unwrap().0, "overdue");
    assert_eq!(outcome(&november, "KL-INV-2026-000015").unwrap().0, "paid");
}

#[test]
fn a_bank_transfer_needs_the_sellers_account_and_a_valid_iban() {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), company.replace("EE38 2200 2210 2014 5685", "EE39 2200 2210 2014 5685")).unwrap();
    let out = issue(&data, &tmp.path().join("a"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("company.toml: bank.iban: 'EE39 2200 2210 2014 5685' is not a valid IBAN: its check digits do not match (ISO 13616)"), "{}", String::from_utf8_lossy(&out.stderr));

    // A payment row must pay a bank-transfer charge.
    let transactions = fs::read_to_string(data.join("transactions.csv")).unwrap();
    fs::write(data.join("company.toml"), &company).unwrap();
    fs::write(data.join("transactions.csv"), transactions.replace("pm_1022,payment,succeeded,cus_de_03,2026-10-30T09:15:00+01:00,EUR,Bank transfer received,1,4800.00,net,false,,,ch_1021", "pm_1022,payment,succeeded,cus_de_03,2026-10-30T09:15:00+01:00,EUR,Bank transfer received,1,4800.00,net,false,,,ch_1001")).unwrap();
    let out = issue(&data, &tmp.path().join("c"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("transactions.csv:25: refers_to: 'ch_1001' is not a charge paid by bank transfer"), "{}", String::from_utf8_lossy(&out.stderr));
    fs::write(data.join("transactions.csv"), transactions).unwrap();

    let without = company.replace("[bank]\n", "[unused]\n").replace("iban = ", "# iban = ").replace("bic = ", "# bic = ").replace("payment_terms_days = ", "# days = ").replace("[unused]\n", "");
    fs::write(data.join("company.toml"), without).unwrap();
    let out = issue(&data, &tmp.path().join("b"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("transactions.csv:24: payment_method: is 'bank_transfer', but company.toml has no [bank] account to pay to"), "{stderr}");
}

#[test]
fn brand_footer_logo_and_notes_are_printed_and_the_layout_stays_clean_without_them() {
    let (tmp, data, archive) = issued_samples();
    let text = pdftotext(&archive.join("2026/KL-INV-2026-000015.pdf"));
    for expected in ["Sitz der Gesellschaft: Narva mnt 5", "Geschäftsführer: Kadri Kask,", "kunstlicht.example", "HINWEIS", "Bestellnummer PO-2026-117"] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let html = fs::read_to_string(archive.join("2026/KL-INV-2026-000015.html")).unwrap();
    assert!(html.contains("data:image/svg+xml;base64,"), "the logo is embedded in the HTML");
    assert!(html.contains("#B45309"), "the accent colour");
    assert!(html.contains("Registergericht: Estonian Business Register"));
    // The PDF holds the logo once, as a vector form XObject.
    let pdf = fs::read(archive.join("2026/KL-INV-2026-000015.pdf")).unwrap();
    assert_eq!(count(&pdf, b"/Subtype/Form"), 1);
    // Named in the page's resources and drawn once by the page's content stream (not
    // deflated, so its bytes are in the file as written).
    assert_eq!(count(&pdf, b"/Logo"), 2, "named once in the resources, drawn once");
    assert_eq!(count(&pdf, b"/Logo Do"), 1, "drawn once");

    // Without [brand], [bank] and notes: the documents of before.
    let plain = tmp.path().join("plain");
    fs::create_dir(&plain).unwrap();
    for file in ["customers.csv", "transactions.csv", "exchange_rates.csv"] {
        fs::copy(data.join(file), plain.join(file)).unwrap();
    }
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    let cut = company.find("# The account bank-transfer").unwrap();
    let end = company.find("# Where this seller's archive").unwrap();
    fs::write(plain.join("company.toml"), format!("{}{}", &company[..cut], &company[end..])).unwrap();
    let transactions = fs::read_to_string(data.join("transactions.csv")).unwrap();
    let kept: Vec<&str> = transactions.lines().filter(|l| !l.contains("bank_transfer")).collect();
    fs::write(plain.join("transactions.csv"), kept.join("\n") + "\n").unwrap();
    let plain_archive = tmp.path().join("plain-archive");
    ok(issue(&plain, &plain_archive));
    let pdf = fs::read(plain_archive.join("2026/KL-INV-2026-000001.pdf")).unwrap();
    assert_eq!(count(&pdf, b"/XObject"), 0);
    assert!(!pdftotext(&plain_archive.join("2026/KL-INV-2026-000001.pdf")).contains("Sitz der Gesellschaft"));
}

/// A footer that needs three lines (French: the longer labels push the bank account onto a
/// third) prints all of it, bank account and BIC whole, and nothing below 7 mm from the page's
/// lower edge; the body's last text stays above the raised rule.
#[test]
fn a_three_line_brand_footer_prints_the_whole_bank_account() {
    let (_tmp, _data, archive) = issued_samples();
    let pdf = archive.join("2026/KL-INV-2026-000003.pdf");
    assert_eq!(record(&archive, "KL-INV-2026-000003")["language"], "fr");
    let text = pdftotext(&pdf);
    assert!(text.contains("Coordonnées bancaires: IBAN EE38 2200 2210 2014 5685 · BIC\nHABAEE2X\n"), "{text}");
    assert!(!text.contains('…'), "nothing shortened: {text}");
    // At 72 dpi a pixel is a point: the rows of the lowest 7 mm (19.8 pt) are white, and
    // the rows just above them are not (the third line is there).
    let (w, h, px) = page_pixels(&pdf, 72);
    let dark_in = |rows: std::ops::Range<usize>| rows.flat_map(|y| (0..w).map(move |x| y * w + x)).filter(|&i| px[i] < 230).count();
    assert_eq!(dark_in(h - 19..h), 0, "nothing within 7 mm of the lower edge");
    assert!(dark_in(h - 26..h - 19) > 0, "the third line sits above it");
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

#[test]
fn a_new_language_file_in_the_configured_folder_works_without_a_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), format!("{company}\n[resources]\ntranslations = \"i18n\"\n")).unwrap();
    fs::create_dir(data.join("i18n")).unwrap();
    // Icelandic, which is not built in: English with its own words for a few labels.
    let en = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/locale/i18n/en.toml")).unwrap();
    let is = en.replace("invoice = \"Invoice\"", "invoice = \"Reikningur\"").replace("customer = \"Bill to\"", "customer = \"Viðskiptavinur\"");
    fs::write(data.join("i18n/is.toml"), &is).unwrap();
    // An edited built-in language: Swedish's title changed.
    let sv = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/locale/i18n/sv.toml")).unwrap().replace("invoice = \"Faktura\"", "invoice = \"Faktura (redigerad)\"");
    fs::write(data.join("i18n/sv.toml"), sv).unwrap();
    let customers = fs::read_to_string(data.join("customers.csv")).unwrap();
    let customers = customers.replace("London,NW1 6XE,,GB,,,en-GB", "London,NW1 6XE,,GB,,,is").replace("Tokyo,JP,,,ja", "Tokyo,JP,,,sv");
    fs::write(data.join("customers.csv"), customers).unwrap();
    let archive = tmp.path().join("archive");
    let out = issue(&data, &archive);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Warnings go to stderr: none for Icelandic, now translated, nor for any other language.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("has no translation"), "{stderr}");
    let gb = pdftotext(&archive.join("2026/KL-INV-2026-000006.pdf"));
    assert!(gb.contains("Reikningur") && gb.contains("VIÐSKIPTAVINUR"), "{gb}");
    let jp = pdftotext(&archive.join("2026/KL-INV-2026-000008.pdf"));
    assert!(jp.contains("Faktura (redigerad)"), "{jp}");

    // A file that drops a placeholder is refused, naming file, line and key.
    let line_of = |text: &str, start: &str| text.lines().position(|l| l.starts_with(start)).unwrap() + 1;
    let refused = |text: &str| {
        fs::write(data.join("i18n/is.toml"), text).unwrap();
        let out = issue(&data, &tmp.path().join("b"));
        assert_eq!(out.status.code(), Some(1));
        assert!(!tmp.path().join("b").exists(), "nothing is issued");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let page = line_of(&is, "page = ");
    let stderr = refused(&is.replace("page = \"Page {page} of {pages}\"", "page = \"Page {page}\""));
    assert!(stderr.contains(&format!("i18n/is.toml:{page}: labels.page: has the placeholders {{page}}; expected {{page}}, {{pages}} as in en.toml")), "{stderr}");
    // A key English does not have, on the line it is on.
    let stderr = refused(&is.replace("page = ", "pgae = "));
    assert!(stderr.contains(&format!("i18n/is.toml:{page}: is not a translation file: unknown field `pgae`, expected ")), "{stderr}");
    // Not TOML: the line of the unclosed string.
    let stderr = refused(&is.replace("customer = \"Viðskiptavinur\"", "customer = \"Viðskiptavinur"));
    let customer = line_of(&is, "customer = \"Viðskiptavinur");
    assert!(stderr.contains(&format!("i18n/is.toml:{customer}: is not a translation file: ")), "{stderr}");
}

/// The samples with a translations folder `i18n` beside company.toml, named in its
/// `[resources]` as `folder` (relative or absolute): Icelandic added (English with its own
/// words for the titles, the customer caption and the correction phrases) and Swedish's
/// title edited; the GB customer writes Icelandic, the Japanese one Swedish. Issued.
fn issued_with_translations(tmp: &Path, folder: impl Fn(&Path) -> String) -> (PathBuf, PathBuf) {
    let data = support::copy_samples(tmp);
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), format!("{company}\n[resources]\ntranslations = \"{}\"\n", folder(&data))).unwrap();
    fs::create_dir(data.join("i18n")).unwrap();
    let i18n = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/locale/i18n");
    let en = fs::read_to_string(i18n.join("en.toml")).unwrap();
    let is = en
        .replace("invoice = \"Invoice\"", "invoice = \"Reikningur\"")
        .replace("credit_note = \"Credit note\"", "credit_note = \"Kreditreikningur\"")
        .replace("customer = \"Bill to\"", "customer = \"Viðskiptavinur\"")
        .replace("replaces = \"Replaces invoice {number} of {date}\"", "replaces = \"Kemur í stað reiknings {number} frá {date}\"");
    assert_ne!(is, en);
    fs::write(data.join("i18n/is.toml"), &is).unwrap();
    let sv = fs::read_to_string(i18n.join("sv.toml")).unwrap().replace("invoice = \"Faktura\"", "invoice = \"Faktura (redigerad)\"");
    fs::write(data.join("i18n/sv.toml"), sv).unwrap();
    let customers = fs::read_to_string(data.join("customers.csv")).unwrap();
    let customers = customers.replace("London,NW1 6XE,,GB,,,en-GB", "London,NW1 6XE,,GB,,,is").replace("Tokyo,JP,,,ja", "Tokyo,JP,,,sv");
    fs::write(data.join("customers.csv"), customers).unwrap();
    let archive = tmp.join("archive");
    ok(issue(&data, &archive));
    (data, archive)
}

/// `render` of an archived record into `out`: its PDF and HTML.
fn render_archived(archive: &Path, number: &str, out: &Path, data: Option<&Path>) -> Output {
    let record = format!("2026/{number}.json");
    let mut args = vec!["render", &record, "--archive", archive.to_str().unwrap(), "--out", out.to_str().unwrap(), "--formats", "pdf,html"];
    if let Some(data) = data {
        args.extend(["--data", data.to_str().unwrap()]);
    }
    run(&args)
}

/// What the archive holds of `number` in `ext`.
fn archived(archive: &Path, number: &str, ext: &str) -> Vec<u8> {
    fs::read(archive.join(format!("2026/{number}.{ext}"))).unwrap()
}

#[test]
fn render_and_reissue_use_the_translations_the_data_folder_names() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, archive) = issued_with_translations(tmp.path(), |_| "i18n".into());
    // The GB invoice in Icelandic, the JP one in edited Swedish, as issued.
    assert!(pdftotext(&archive.join("2026/KL-INV-2026-000006.pdf")).contains("Reikningur"));
    assert!(pdftotext(&archive.join("2026/KL-INV-2026-000008.pdf")).contains("Faktura (redigerad)"));

    // Re-rendered from the archive with the data folder: the same bytes, Icelandic and
    // edited Swedish included.
    for number in ["KL-INV-2026-000006", "KL-INV-2026-000008"] {
        let out = tmp.path().join(format!("render-{number}"));
        ok(render_archived(&archive, number, &out, Some(&data)));
        for ext in ["pdf", "html"] {
            assert!(fs::read(out.join(format!("{number}.{ext}"))).unwrap() == archived(&archive, number, ext), "{number}.{ext} as issued");
        }
    }
    // A record file outside the archive, rendered with --data, too.
    let loose = tmp.path().join("loose.json");
    fs::write(&loose, archived(&archive, "KL-INV-2026-000006", "json")).unwrap();
    let out = tmp.path().join("render-loose");
    ok(run(&["render", loose.to_str().unwrap(), "--out", out.to_str().unwrap(), "--formats", "pdf", "--data", data.to_str().unwrap()]));
    assert!(fs::read(out.join("KL-INV-2026-000006.pdf")).unwrap() == archived(&archive, "KL-INV-2026-000006", "pdf"));

    // Without --data the archived company.toml names a folder relative to a folder the
    // archive does not know: refused, saying so, rather than rendered in English.
    let out = render_archived(&archive, "KL-INV-2026-000006", &tmp.path().join("refused"), None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let company = fs::read_dir(archive.join("company")).unwrap().next().unwrap().unwrap().file_name();
    assert!(
        stderr.contains(&format!("error: company/{}: resources.translations: 'i18n' is relative to the folder of the company.toml the document was issued under, which the archive does not know; give --data DIR (the data folder whose company.toml names it), or write an absolute path", company.to_str().unwrap())),
        "{stderr}"
    );
    assert!(!tmp.path().join("refused").exists());

    // A reissue of the Icelandic invoice: credit note and replacement in Icelandic.
    ok(run(&["reissue", "KL-INV-2026-000006", "--archive", archive.to_str().unwrap(), "--set", "name=Jón Jónsson", "--reason", "nafn leiðrétt", "--data", data.to_str().unwrap()]));
    let credit_note = pdftotext(&archive.join("2026/KL-CN-2026-000003.pdf"));
    assert!(credit_note.contains("Kreditreikningur") && credit_note.contains("VIÐSKIPTAVINUR"), "{credit_note}");
    let html = String::from_utf8(archived(&archive, "KL-INV-2026-000017", "html")).unwrap();
    assert!(html.contains("Reikningur") && html.contains("Viðskiptavinur") && html.contains("Jón Jónsson"), "{html}");
    assert!(html.contains("Kemur í stað reiknings KL-INV-2026-000006 frá"), "{html}");
    support::assert_intact(&archive);
}

#[test]
fn an_absolute_translations_folder_is_used_by_render_and_reissue_without_data() {
    let tmp = tempfile::tempdir().unwrap();
    let (_data, archive) = issued_with_translations(tmp.path(), |data| data.join("i18n").to_str().unwrap().to_string());
    let out = tmp.path().join("render");
    ok(render_archived(&archive, "KL-INV-2026-000008", &out, None));
    assert!(fs::read(out.join("KL-INV-2026-000008.pdf")).unwrap() == archived(&archive, "KL-INV-2026-000008", "pdf"));
    assert!(pdftotext(&out.join("KL-INV-2026-000008.pdf")).contains("Faktura (redigerad)"));
    // The edited Swedish in the correction of the Swedish invoice, from the archived
    // company.toml alone.
    ok(run(&["reissue", "KL-INV-2026-000008", "--archive", archive.to_str().unwrap(), "--set", "city=Osaka", "--reason", "flyttat"]));
    let replacement = pdftotext(&archive.join("2026/KL-INV-2026-000017.pdf"));
    assert!(replacement.contains("Faktura (redigerad)") && replacement.contains("Osaka"), "{replacement}");
    assert!(pdftotext(&archive.join("2026/KL-CN-2026-000003.pdf")).contains("Kreditfaktura"));
}

/// Debian's Noto Sans CJK (`fonts-noto-cjk`, installed by scripts/test.sh when missing).
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

#[test]
fn a_cjk_customer_gets_a_document_in_the_configured_cjk_font() {
    assert!(Path::new(CJK_FONT).is_file(), "{CJK_FONT} missing: install fonts-noto-cjk (scripts/test.sh does)");
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), format!("{company}\n[resources]\ncjk_font = \"{CJK_FONT}\"\n")).unwrap();
    let customers = fs::read_to_string(data.join("customers.csv")).unwrap().replace("cus_jp_01,individual,Hanako Sato", "cus_jp_01,individual,佐藤 花子");
    fs::write(data.join("customers.csv"), customers).unwrap();
    let archive = tmp.path().join("archive");
    ok(issue(&data, &archive));
    let pdf = archive.join("2026/KL-INV-2026-000008.pdf");
    assert!(pdftotext(&pdf).contains("佐藤 花子"));
    let bytes = fs::read(&pdf).unwrap();
    assert!(count(&bytes, b"/FontFile3") == 2 && count(&bytes, b"/FontFile2") == 0, "both weights in the CJK font (CFF)");
    assert!(Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).status().unwrap().success());
    // Other customers keep the shipped Noto Sans.
    let other = fs::read(archive.join("2026/KL-INV-2026-000001.pdf")).unwrap();
    assert_eq!(count(&other, b"/FontFile2"), 2);
    // Their statement names them as their invoice does, in the same face (it printed '?').
    let out = tmp.path().join("statements");
    let args = ["statement", "cus_jp_01", "--archive", archive.to_str().unwrap(), "--data", data.to_str().unwrap(), "--from", "2026-10-01", "--to", "2026-10-31", "--out", out.to_str().unwrap()];
    ok(run(&args));
    let statement = out.join("statement-cus_jp_01-2026-10-01-2026-10-31.pdf");
    assert!(pdftotext(&statement).contains("佐藤 花子"), "{}", pdftotext(&statement));
    let bytes = fs::read(&statement).unwrap();
    assert_eq!(count(&bytes, b"/BaseFont/NSCJKR+NotoSansCJKjp-Regular"), 2);
    assert!(count(&bytes, b"/FontFile3") == 2 && count(&bytes, b"/FontFile2") == 0, "both weights in the CJK font (CFF)");
}

/// The same Chinese name for customers writing Chinese (simplified, Taiwan's, Hong Kong's),
/// Japanese, Korean and German: with Noto Sans CJK's collection configured, each document is
/// set in the face of its language's region (Han characters such as 骨 and 直 have regional
/// forms), the German one in the configured face, and the name reads back as written.
#[test]
fn a_cjk_name_is_set_in_the_face_of_the_customers_language() {
    assert!(Path::new(CJK_FONT).is_file(), "{CJK_FONT} missing: install fonts-noto-cjk (scripts/test.sh does)");
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), format!("{company}\n[resources]\ncjk_font = \"{CJK_FONT}\"\n")).unwrap();
    let name = "门店 骨直";
    // Customer → language; their names all become `name`.
    let languages = [("cus_gb_01", "zh"), ("cus_us_01", "zh-TW"), ("cus_fr_01", "zh-HK"), ("cus_jp_01", "ja"), ("cus_ee_01", "ko"), ("cus_de_01", "de")];
    let customers: Vec<String> = fs::read_to_string(data.join("customers.csv"))
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields: Vec<&str> = line.split(',').collect();
            if let Some((_, language)) = languages.iter().find(|(id, _)| *id == fields[0]) {
                fields[2] = name;
                fields[12] = language;
            }
            fields.join(",")
        })
        .collect();
    fs::write(data.join("customers.csv"), customers.join("\n") + "\n").unwrap();
    let archive = tmp.path().join("archive");
    ok(issue(&data, &archive));
    // Each document's fonts (`/BaseFont` of its Type0 fonts, the subset tag fixed) by its
    // record's language.
    let mut seen = BTreeMap::new();
    for entry in fs::read_dir(archive.join("2026")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let doc: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        if doc["customer"]["name"] != name {
            continue;
        }
        let language = doc["language"].as_str().unwrap().to_string();
        let pdf = path.with_extension("pdf");
        let bytes = fs::read(&pdf).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let mut fonts: Vec<&str> = text.match_indices("/BaseFont/").map(|(at, _)| text[at + 10..].split(['/', ' ', '\n', '>']).next().unwrap()).collect();
        fonts.sort();
        fonts.dedup();
        let extracted = pdftotext(&pdf);
        assert!(extracted.contains(name) && !extracted.contains('?'), "{}: {extracted}", pdf.display());
        assert!(seen.insert(language.clone(), fonts.join(" ")).is_none_or(|before| before == fonts.join(" ")), "{language}: documents differ");
    }
    let expected = |region: &str| format!("NSCJKB+NotoSansCJK{region}-Bold NSCJKR+NotoSansCJK{region}-Regular");
    assert_eq!(
        seen,
        BTreeMap::from([
            ("de".to_string(), expected("jp")),
            ("ja".to_string(), expected("jp")),
            ("ko".to_string(), expected("kr")),
            ("zh".to_string(), expected("sc")),
            ("zh-HK".to_string(), expected("hk")),
            ("zh-TW".to_string(), expected("tc")),
        ])
    );
    // A company.toml naming a face keeps it for the other languages: `#2`, the mainland
    // Chinese face, for German; Japanese still gets the Japanese face.
    let company = fs::read_to_string(data.join("company.toml")).unwrap().replace(".ttc\"", ".ttc#2\"");
    fs::write(data.join("company.toml"), company).unwrap();
    let out = tmp.path().join("render");
    for (language, region) in [("de", "sc"), ("ja", "jp")] {
        let number = seen_number(&archive, name, language);
        ok(render_archived(&archive, &number, &out, Some(&data)));
        let bytes = fs::read(out.join(format!("{number}.pdf"))).unwrap();
        assert_eq!(count(&bytes, format!("/BaseFont/NSCJKR+NotoSansCJK{region}-Regular").as_bytes()), 2, "{number}");
        assert_eq!(count(&bytes, b"/BaseFont/"), 4, "{number}: two fonts, each named by its Type0 and CID font");
    }
}

/// The number of a document in `archive` for a customer named `name` writing `language`.
fn seen_number(archive: &Path, name: &str, language: &str) -> String {
    fs::read_dir(archive.join("2026"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .find_map(|p| {
            let doc: serde_json::Value = serde_json::from_slice(&fs::read(&p).unwrap()).unwrap();
            (doc["customer"]["name"] == name && doc["language"] == language).then(|| doc["number"].as_str().unwrap().to_string())
        })
        .unwrap()
}

/// The samples with a Japanese title in `i18n/ja.toml` (read at run time) for their customer
/// writing in Japanese, and `extra` appended to company.toml.
fn samples_with_japanese_title(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap();
    fs::write(data.join("company.toml"), format!("{company}\n[resources]\ntranslations = \"i18n\"\n{extra}")).unwrap();
    fs::create_dir(data.join("i18n")).unwrap();
    let en = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/locale/i18n/en.toml")).unwrap();
    fs::write(data.join("i18n/ja.toml"), en.replace("invoice = \"Invoice\"", "invoice = \"請求書\"")).unwrap();
    (tmp, data)
}

#[test]
fn a_translation_no_configured_font_can_draw_is_refused_at_its_file_and_key() {
    let (tmp, data) = samples_with_japanese_title("");
    let archive = tmp.path().join("archive");
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // At the line the title is on in the file as written.
    let ja = fs::read_to_string(data.join("i18n/ja.toml")).unwrap();
    let line = ja.lines().position(|l| l == "invoice = \"請求書\"").unwrap() + 1;
    assert!(
        stderr.contains(&format!("i18n/ja.toml:{line}: labels.invoice: is written in characters no configured font covers: '請' (U+8ACB), '求' (U+6C42), '書' (U+66F8); configure a font")),
        "{stderr}"
    );
    assert!(!archive.exists());
}

#[test]
fn a_translation_in_cjk_sets_its_documents_in_the_configured_cjk_font() {
    assert!(Path::new(CJK_FONT).is_file(), "{CJK_FONT} missing: install fonts-noto-cjk (scripts/test.sh does)");
    let (tmp, data) = samples_with_japanese_title(&format!("cjk_font = \"{CJK_FONT}\"\n"));
    let archive = tmp.path().join("archive");
    ok(issue(&data, &archive));
    // KL-INV-2026-000008 is cus_jp_01's (language ja), whose name is in Latin letters: the
    // title alone needs the CJK font, and gets it.
    let pdf = archive.join("2026/KL-INV-2026-000008.pdf");
    let text = pdftotext(&pdf);
    assert!(text.contains("請求書") && text.contains("Hanako Sato"), "{text}");
    let bytes = fs::read(&pdf).unwrap();
    assert!(count(&bytes, b"/FontFile3") == 2 && count(&bytes, b"/FontFile2") == 0, "set in the CJK font");
    assert_eq!(count(&fs::read(archive.join("2026/KL-INV-2026-000001.pdf")).unwrap(), b"/FontFile2"), 2);
}

#[test]
fn a_seller_name_no_configured_font_can_draw_is_one_error_at_company_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    let company = fs::read_to_string(data.join("company.toml")).unwrap().replace("legal_name = \"Kunstlicht OÜ\"", "legal_name = \"光 OÜ\"");
    fs::write(data.join("company.toml"), company).unwrap();
    let archive = tmp.path().join("archive");
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("company.toml: seller.legal_name: is written in characters no configured font covers: '光' (U+5149); "), "{stderr}");
    assert_eq!(stderr.matches("no configured font covers").count(), 1, "{stderr}");
    assert!(!archive.exists());
}

/// The samples with `logo` (a file name and its bytes) as the brand's logo, issued.
fn issued_with_logo(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = support::copy_samples(tmp.path());
    fs::write(data.join(name), bytes).unwrap();
    let company = fs::read_to_string(data.join("company.toml")).unwrap().replace("logo = \"logo.svg\"", &format!("logo = \"{name}\""));
    fs::write(data.join("company.toml"), company).unwrap();
    let archive = tmp.path().join("archive");
    ok(issue(&data, &archive));
    (tmp, archive)
}

#[test]
fn png_logos_are_one_image_with_a_soft_mask_and_jpeg_logos_are_embedded_as_they_are() {
    // A 40 × 20 PNG with a transparent half.
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, 40, 20);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..40 * 20).flat_map(|i| if i % 40 < 20 { [180, 83, 9, 255] } else { [0, 0, 0, 0] }).collect();
        writer.write_image_data(&pixels).unwrap();
    }
    let (_tmp, archive) = issued_with_logo("logo.png", &png_bytes);
    let doc = record(&archive, "KL-INV-2026-000001");
    assert_eq!((doc["brand"]["logo"]["format"].as_str(), doc["brand"]["logo"]["width"].as_u64(), doc["brand"]["logo"]["height"].as_u64()), (Some("png"), Some(40), Some(20)));
    let pdf = fs::read(archive.join("2026/KL-INV-2026-000001.pdf")).unwrap();
    assert_eq!(count(&pdf, b"/Subtype/Image"), 2, "the image and its soft mask");
    assert_eq!(count(&pdf, b"/SMask"), 1);
    assert!(Command::new("qpdf").args(["--check", archive.join("2026/KL-INV-2026-000001.pdf").to_str().unwrap()]).status().unwrap().success());
    // The logo's orange shows at the top left of the rendered page.
    let (w, _, px) = page_pixels(&archive.join("2026/KL-INV-2026-000001.pdf"), 72);
    let top_left_dark = (50..80).flat_map(|y| (57..100).map(move |x| (x, y))).filter(|&(x, y)| px[y * w + x] < 160).count();
    assert!(top_left_dark > 200, "the logo is drawn ({top_left_dark} dark pixels)");

    // A JPEG, made from a rendered page by pdftoppm.
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("logo");
    let status = Command::new("pdftoppm")
        .args(["-jpeg", "-r", "8", "-singlefile", archive.join("2026/KL-INV-2026-000001.pdf").to_str().unwrap(), stem.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let jpeg = fs::read(stem.with_extension("jpg")).unwrap();
    let (_tmp2, archive) = issued_with_logo("logo.jpg", &jpeg);
    let pdf = fs::read(archive.join("2026/KL-INV-2026-000001.pdf")).unwrap();
    assert_eq!(count(&pdf, b"/DCTDecode"), 1);
    assert!(count(&pdf, &jpeg[..64]) == 1, "the JPEG's bytes as they are");
    assert!(Command::new("qpdf").args(["--check", archive.join("2026/KL-INV-2026-000001.pdf").to_str().unwrap()]).status().unwrap().success());
}

#[test]
fn a_refund_of_a_bank_transfer_invoice_says_it_went_back_by_transfer() {
    let (_tmp, data, archive) = issued_samples();
    let mut csv = fs::read_to_string(data.join("transactions.csv")).unwrap();
    csv.push_str("rf_2001,refund,succeeded,cus_de_03,2026-11-03T10:00:00+01:00,EUR,Refund: contract cancelled,1,4800.00,net,false,,,ch_1021,requested_by_customer,DE,DE,,,,,bank_transfer,\n");
    fs::write(data.join("transactions.csv"), csv).unwrap();
    ok(run(&["issue", data.to_str().unwrap(), "--archive", archive.to_str().unwrap()]));
    let cn = record(&archive, "KL-CN-2026-000003");
    assert_eq!((cn["payment"]["method"].as_str(), cn["payment"]["status"].as_str()), (Some("bank_transfer"), Some("refunded")));
    // It names the transfer it refunds (the e-invoice's payment means) and asks for nothing.
    assert_eq!(cn["payment"]["transfer"]["reference"], "RF19KLINV2026000015");
    assert_eq!(cn["totals"]["due"], "0.00");
    let ubl = fs::read_to_string(archive.join("2026/KL-CN-2026-000003.ubl.xml")).unwrap();
    assert!(ubl.contains("<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>") && !ubl.contains("cbc:DueDate"), "{ubl}");
    let pdf = archive.join("2026/KL-CN-2026-000003.pdf");
    let text = pdftotext(&pdf);
    assert!(text.contains("Am 03.11.2026 per Überweisung erstattet: 4.800,00 €."), "{text}");
    assert!(text.contains("Per Überweisung erstattet"), "{text}");
    assert!(!text.contains("Karte"), "{text}");
    assert!(qr_codes(&pdf).is_empty());
}

#[test]
fn the_html_carries_the_same_qr_code_as_an_svg_path() {
    let (_tmp, _data, archive) = issued_samples();
    let html = fs::read_to_string(archive.join("2026/KL-INV-2026-000015.html")).unwrap();
    let view_box = html.split("viewBox=\"0 0 ").nth(1).unwrap();
    let size: usize = view_box.split(' ').next().unwrap().parse().unwrap();
    let d = html.split("<path d=\"").nth(1).unwrap().split('"').next().unwrap();
    // Each run is `M x y h len v1h-len z`: rasterise at 4 pixels per module and decode.
    let scale = 4;
    let side = size * scale;
    let mut px = vec![255u8; side * side];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let len: usize = rest.split('v').next().unwrap().parse().unwrap();
        for py in y * scale..(y + 1) * scale {
            for pxx in x * scale..(x + len) * scale {
                px[py * side + pxx] = 0;
            }
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| px[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].decode().unwrap().1, "BCD\n002\n1\nSCT\nHABAEE2X\nKunstlicht OÜ\nEE382200221020145685\nEUR4800.00\n\nRF19KLINV2026000015");
}

/// `tests/fixtures/archive-inline-logo`: an archive written before logos were stored once
/// (the samples' first transaction, `issue --formats json` by the binary of commit bc70fe7),
/// whose record carries the logo inline as base64.
fn inline_logo_archive(tmp: &Path) -> PathBuf {
    let archive = tmp.join("old");
    support::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive-inline-logo"), &archive);
    archive
}

#[test]
fn an_archive_whose_records_carry_the_logo_inline_still_reads_renders_and_corrects() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = inline_logo_archive(tmp.path());
    let logo = fs::read(support::samples().join("logo.svg")).unwrap();
    let record = fs::read_to_string(archive.join("2026/KL-INV-2026-000001.json")).unwrap();
    assert!(record.contains("\"data\": \"") && !record.contains("\"sha256\""), "the old form");
    support::assert_intact(&archive);

    // The same data issued now: the PDF and HTML are the ones the old record renders to.
    let data = support::copy_samples(tmp.path());
    let transactions = fs::read_to_string(data.join("transactions.csv")).unwrap();
    fs::write(data.join("transactions.csv"), transactions.lines().take(2).map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let new = tmp.path().join("new");
    ok(run(&["issue", data.to_str().unwrap(), "--archive", new.to_str().unwrap(), "--init", "--formats", "pdf,html,json"]));
    let out = tmp.path().join("render");
    ok(render_archived(&archive, "KL-INV-2026-000001", &out, None));
    for ext in ["pdf", "html"] {
        assert!(fs::read(out.join(format!("KL-INV-2026-000001.{ext}"))).unwrap() == archived(&new, "KL-INV-2026-000001", ext), "{ext}");
    }
    // Its JSON re-renders as it was written, logo inline; the new one names it by SHA-256.
    ok(run(&["render", "2026/KL-INV-2026-000001.json", "--archive", archive.to_str().unwrap(), "--out", out.to_str().unwrap(), "--formats", "json"]));
    assert_eq!(fs::read_to_string(out.join("KL-INV-2026-000001.json")).unwrap(), record);
    let sha = sha256_hex(&logo);
    assert!(String::from_utf8(archived(&new, "KL-INV-2026-000001", "json")).unwrap().contains(&format!("\"sha256\": \"{sha}\"")));

    // A correction of the old invoice: its two new records name the logo, stored once.
    ok(run(&["reissue", "KL-INV-2026-000001", "--archive", archive.to_str().unwrap(), "--set", "city=Hamburg", "--reason", "moved"]));
    assert_eq!(fs::read(archive.join(format!("logo/{sha}"))).unwrap(), logo);
    let lines = support::register_lines(&archive);
    let logos: Vec<Option<&str>> = lines.iter().map(|l| l["logo"].as_str()).collect();
    assert_eq!(logos, [None, Some(sha.as_str()), Some(sha.as_str())]);
    for number in ["KL-CN-2026-000001", "KL-INV-2026-000002"] {
        let json = String::from_utf8(archived(&archive, number, "json")).unwrap();
        assert!(json.contains(&format!("\"sha256\": \"{sha}\"")) && !json.contains("\"data\""), "{number}");
    }
    support::assert_intact(&archive);
    // Copied with its logo, once: seller.json, the company snapshot, the logo and the three
    // records (the correction is written in the original's formats: JSON).
    let copy = tmp.path().join("copy");
    let copied = ok(run(&["archive", "copy", archive.to_str().unwrap(), copy.to_str().unwrap()]));
    assert!(copied.starts_with("copied 3 register line(s), 6 file(s) and 2 checkpoint(s)"), "{copied}");
    assert_eq!(fs::read(copy.join(format!("logo/{sha}"))).unwrap(), logo);
    support::assert_intact(&copy);
}

fn sha256_hex(bytes: &[u8]) -> String {
    invoicesmith::sha256::Sha256Sum::of(bytes).to_string()
}

/// Page 1 of `pdf` rasterised in colour at `dpi`: (width, RGB pixels).
fn page_rgb(pdf: &Path, dpi: u32) -> (usize, Vec<[u8; 3]>) {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", &dpi.to_string(), "-f", "1", "-l", "1", "-singlefile", pdf.to_str().unwrap(), stem.to_str().unwrap()])
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let mut reader = png::Decoder::new(fs::File::open(stem.with_extension("png")).unwrap()).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width as usize, buf.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect())
}

#[test]
fn svg_gradients_are_drawn_as_pdf_shadings() {
    // A bar from red through green to blue (objectBoundingBox units, three stops) and a disc
    // from white in its centre to black at its rim (user-space units).
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" viewBox="0 0 200 50">
  <defs>
    <linearGradient id="bar"><stop offset="0" stop-color="#ff0000"/><stop offset="0.5" stop-color="#00ff00"/><stop offset="1" stop-color="#0000ff"/></linearGradient>
    <radialGradient id="disc" cx="175" cy="25" r="25" gradientUnits="userSpaceOnUse"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#000000"/></radialGradient>
  </defs>
  <rect x="0" y="0" width="140" height="50" fill="url(#bar)"/>
  <circle cx="175" cy="25" r="25" fill="url(#disc)"/>
</svg>"##;
    let (_tmp, archive) = issued_with_logo("logo.svg", svg);
    let pdf = archive.join("2026/KL-INV-2026-000001.pdf");
    let bytes = fs::read(&pdf).unwrap();
    assert_eq!((count(&bytes, b"/ShadingType 2"), count(&bytes, b"/ShadingType 3")), (1, 1), "one axial, one radial shading");
    assert_eq!(count(&bytes, b"/FunctionType 3"), 1, "three stops: a stitching function of two");
    assert!(Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).status().unwrap().success());
    // At 72 dpi a pixel is a point: the logo is 14 mm (39.7 pt) high, so the bar is 111 pt
    // wide and the disc 39.7 pt across. Find them on the logo's middle row.
    let (w, px) = page_rgb(&pdf, 72);
    let y = (0..200).find(|&y| px[y * w..(y + 1) * w].iter().any(|p| p[0] > 200 && p[1] < 60 && p[2] < 60)).expect("red at the bar's left end") + 19;
    let row = &px[y * w..(y + 1) * w];
    let painted: Vec<usize> = (0..w).filter(|&x| row[x] != [255, 255, 255]).collect();
    let (left, right) = (painted[0], painted[0] + 110);
    let at = |x: usize| row[x];
    let [r, g, b] = at(left + 1);
    assert!(r > 220 && g < 40 && b < 40, "red at the left end: {:?}", at(left + 1));
    let [r, g, b] = at((left + right) / 2);
    assert!(r < 40 && g > 220 && b < 40, "green in the middle: {:?}", at((left + right) / 2));
    let [r, g, b] = at(right - 1);
    assert!(r < 40 && g < 40 && b > 220, "blue at the right end: {:?}", at(right - 1));
    // The disc: its centre 20 pt after the bar's end plus 8 pt of gap, light there, dark at the rim.
    let centre = left + 139;
    assert!(at(centre).iter().all(|&c| c > 200), "white in the disc's centre: {:?}", at(centre));
    assert!(at(centre + 18).iter().all(|&c| c < 60), "black at its rim: {:?}", at(centre + 18));
    // Solid colours elsewhere as before: the samples' logo has no shading.
    let (_tmp2, plain) = issued_with_logo("plain.svg", &fs::read(support::samples().join("logo.svg")).unwrap());
    assert_eq!(count(&fs::read(plain.join("2026/KL-INV-2026-000001.pdf")).unwrap(), b"/ShadingType"), 0);
}

#[test]
fn a_record_outside_its_archive_gets_its_logo_from_the_data_folder_or_says_where_it_is() {
    let (tmp, data, archive) = issued_samples();
    let loose = tmp.path().join("KL-INV-2026-000001.json");
    fs::write(&loose, archived(&archive, "KL-INV-2026-000001", "json")).unwrap();
    let sha = sha256_hex(&fs::read(data.join("logo.svg")).unwrap());
    let out = tmp.path().join("r");
    let refused = run(&["render", loose.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        format!("error: {}: names its logo by SHA-256 ({sha}), stored in the archive it was issued into: render it from there (--archive), or give --data DIR whose company.toml's [brand] logo is that file\n", loose.display())
    );
    assert!(!out.exists());
    // Another logo in the data folder is not taken for it.
    let mut changed = fs::read(data.join("logo.svg")).unwrap();
    changed.push(b' ');
    fs::write(data.join("logo.svg"), changed).unwrap();
    let other = run(&["render", loose.to_str().unwrap(), "--out", out.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert_eq!(other.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&other.stderr).contains(&format!("({} is another)", data.join("logo.svg").display())));
    // The snapshot command likewise, and with the data folder's (original) logo it renders as issued.
    fs::copy(support::samples().join("logo.svg"), data.join("logo.svg")).unwrap();
    let snapshots = tmp.path().join("snapshots");
    fs::create_dir(&snapshots).unwrap();
    fs::copy(&loose, snapshots.join("KL-INV-2026-000001.json")).unwrap();
    assert_eq!(run(&["snapshot", "update", snapshots.to_str().unwrap()]).status.code(), Some(1));
    ok(run(&["snapshot", "update", snapshots.to_str().unwrap(), "--data", data.to_str().unwrap()]));
    assert!(fs::read(snapshots.join("KL-INV-2026-000001.pdf")).unwrap() == archived(&archive, "KL-INV-2026-000001", "pdf"));
}

#[test]
fn an_svg_gradient_stroke_is_painted_with_a_shading_pattern() {
    // A thick horizontal line stroked from red to blue (user-space units), under a group
    // transform: the pattern's matrix must carry it.
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" viewBox="0 0 200 50">
  <defs><linearGradient id="line" x1="10" y1="0" x2="190" y2="0" gradientUnits="userSpaceOnUse"><stop offset="0" stop-color="#ff0000"/><stop offset="1" stop-color="#0000ff"/></linearGradient></defs>
  <g transform="translate(0 5)"><path d="M10 20 H190" fill="none" stroke="url(#line)" stroke-width="30"/></g>
</svg>"##;
    let (_tmp, archive) = issued_with_logo("logo.svg", svg);
    let pdf = archive.join("2026/KL-INV-2026-000001.pdf");
    let bytes = fs::read(&pdf).unwrap();
    assert_eq!((count(&bytes, b"/PatternType 2"), count(&bytes, b"/ShadingType 2")), (1, 1), "one shading pattern");
    assert!(Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).status().unwrap().success());
    let (w, px) = page_rgb(&pdf, 72);
    let y = (0..200).find(|&y| px[y * w..(y + 1) * w].iter().any(|p| p[0] > 200 && p[1] < 60 && p[2] < 60)).expect("red at the line's left end") + 10;
    let row = &px[y * w..(y + 1) * w];
    let painted: Vec<usize> = (0..w).filter(|&x| row[x] != [255, 255, 255]).collect();
    let (left, right) = (painted[0], *painted.last().unwrap());
    // 180 units of line at 39.7 / 50 pt per unit: 143 pt.
    assert!((141..=145).contains(&(right - left)), "{left}..{right}");
    let [r, g, b] = row[left + 1];
    assert!(r > 220 && g < 40 && b < 40, "red at the left end: {:?}", row[left + 1]);
    let [r, g, b] = row[right - 1];
    assert!(r < 40 && g < 40 && b > 220, "blue at the right end: {:?}", row[right - 1]);
    let [r, _, b] = row[(left + right) / 2];
    assert!((100..160).contains(&r) && (100..160).contains(&b), "half way between in the middle: {:?}", row[(left + right) / 2]);
}
