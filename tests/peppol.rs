//! Peppol BIS Billing 3.0 and XRechnung 3.0: the shipped samples issued in every format,
//! corrected (a VAT ID supplied later, a VAT ID changed, an address changed) with `reissue`
//! writing the formats the originals were issued in, and every e-invoice file checked:
//!
//! * every Peppol file against each Peppol rule that concerns data we write (`peppol_rules`,
//!   each rule also shown to catch a violation, one test per rule id);
//! * every UBL, CII, Factur-X, Peppol and XRechnung file by the official validators in
//!   `../shared/validators` (XRechnung with `--xrechnung`): 0 fatal.

mod archive_support;
mod peppol_rules;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use archive_support::{copy_samples, p, run, stderr, stdout};
use invoicesmith::render::Format;

/// The samples issued in every format into a new archive, then three corrections:
/// the German consumer supplies a VAT ID (consumer OSS → reverse charge, now a German
/// business: XRechnung), the Belgian business changes its VAT ID (Peppol), the German
/// public buyer moves (XRechnung). Returns the archive's year folder and the three runs'
/// outputs. Built once for all tests of this file.
fn issued() -> &'static (tempfile::TempDir, PathBuf, Vec<String>) {
    static ISSUED: OnceLock<(tempfile::TempDir, PathBuf, Vec<String>)> = OnceLock::new();
    ISSUED.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let data = copy_samples(&tmp.path().join("data"));
        // Without the upgrade's credit of unused Pro time on KL-INV-2026-000001: a plan change
        // credited at German VAT, it would keep that credit beside a replacement reverse-charged
        // in full, and `reissue` refuses to retax an adjusted invoice (tests/corrections.rs).
        let transactions = data.join("transactions.csv");
        let kept: String = std::fs::read_to_string(&transactions).unwrap().lines().filter(|l| !l.contains(",true,") || !l.contains(",ch_1001,")).map(|l| format!("{l}\n")).collect();
        std::fs::write(&transactions, kept).unwrap();
        let archive = tmp.path().join("archive");
        let out = run(&["issue", p(&data), "--archive", p(&archive), "--init", "--quiet", "--formats", "pdf,html,json,ubl,cii,facturx,peppol,xrechnung"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let mut outputs = vec![stdout(&out)];
        // The first with --formats (its original, an OSS consumer invoice, had no XRechnung),
        // the others in the formats their originals were issued in.
        for (number, set, formats) in [
            ("KL-INV-2026-000001", "vat_id=DE136695976", Some("pdf,html,json,ubl,cii,facturx,xrechnung")),
            ("KL-INV-2026-000013", "vat_id=BE0403019261", None),
            ("KL-INV-2026-000014", "address_line1=Marktplatz 2", None),
        ] {
            let mut args = vec!["reissue", number, "--archive", p(&archive), "--set", set, "--reason", "customer's correction"];
            args.extend(formats.iter().flat_map(|f| ["--formats", *f]));
            let out = run(&args);
            assert!(out.status.success(), "{number}: {}", stderr(&out));
            outputs.push(stdout(&out));
        }
        let year = archive.join("2026");
        (tmp, year, outputs)
    })
}

fn files(suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&issued().1)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|f| f.file_name().unwrap().to_str().unwrap().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn name(f: &Path) -> &str {
    f.file_name().unwrap().to_str().unwrap()
}

#[test]
fn issue_writes_peppol_and_xrechnung_where_the_customer_has_what_they_need_and_says_why_not_elsewhere() {
    let peppol: Vec<String> = files(".peppol.xml").iter().map(|f| name(f).to_string()).collect();
    // Estonian (by card and by bank transfer), Italian and Belgian businesses with Peppol
    // IDs, the German public buyer
    // (Leitweg-ID 0204), and the replacements and cancelling credit notes of the corrected
    // Belgian and German invoices.
    assert_eq!(
        peppol,
        [
            "KL-CN-2026-000004.peppol.xml",
            "KL-CN-2026-000005.peppol.xml",
            "KL-INV-2026-000004.peppol.xml",
            "KL-INV-2026-000005.peppol.xml",
            "KL-INV-2026-000013.peppol.xml",
            "KL-INV-2026-000014.peppol.xml",
            "KL-INV-2026-000016.peppol.xml",
            "KL-INV-2026-000018.peppol.xml",
            "KL-INV-2026-000019.peppol.xml",
        ]
    );
    let xrechnung: Vec<String> = files(".xml").iter().map(|f| name(f).to_string()).filter(|n| n.contains(".xrechnung.")).collect();
    // The German public buyer's invoice, its cancellation and replacement, and the German
    // consumer's replacement after the VAT ID made it a business (its original was an OSS
    // consumer invoice: no XRechnung, and neither for the credit note that cancels it).
    assert_eq!(
        xrechnung,
        [
            "KL-CN-2026-000005.xrechnung.cii.xml",
            "KL-CN-2026-000005.xrechnung.ubl.xml",
            "KL-INV-2026-000014.xrechnung.cii.xml",
            "KL-INV-2026-000014.xrechnung.ubl.xml",
            "KL-INV-2026-000015.xrechnung.cii.xml",
            "KL-INV-2026-000015.xrechnung.ubl.xml",
            "KL-INV-2026-000017.xrechnung.cii.xml",
            "KL-INV-2026-000017.xrechnung.ubl.xml",
            "KL-INV-2026-000019.xrechnung.cii.xml",
            "KL-INV-2026-000019.xrechnung.ubl.xml",
        ]
    );
    let outputs = &issued().2;
    assert!(
        outputs[0].contains("not written: peppol: 13 document(s), the first KL-INV-2026-000001: the customer has no Peppol ID (customers.csv peppol_id)\n"),
        "{}",
        outputs[0]
    );
    assert!(outputs[0].contains("not written: xrechnung-ubl: 16 document(s), the first KL-INV-2026-000001: the customer is not a German business or public buyer\n"));
    // Reissue wrote the original's formats, the Factur-X copy included, or those asked for.
    for number in ["KL-CN-2026-000003", "KL-INV-2026-000017", "KL-CN-2026-000004", "KL-INV-2026-000018", "KL-CN-2026-000005", "KL-INV-2026-000019"] {
        assert!(issued().1.join(format!("{number}.facturx.pdf")).exists(), "{number}");
    }
    assert!(!issued().1.join("KL-INV-2026-000017.peppol.xml").exists());
    assert!(
        outputs[1].contains("not written: xrechnung-ubl: 1 document(s), the first KL-CN-2026-000003: the customer is not a German business or public buyer\n"),
        "{}",
        outputs[1]
    );
    assert!(!outputs[2].contains("not written"), "{}", outputs[2]);
}

/// `render` of an archived record writes the formats it can have, byte for byte the archived
/// files, and names each file it cannot write with the reason, on stderr (stdout stays the
/// list of files written).
#[test]
fn render_says_which_formats_a_record_cannot_have_and_why() {
    let (tmp, year, _) = issued();
    let archive = year.parent().unwrap();
    let out = tmp.path().join("render");
    for (number, written, not_written) in [
        // The French consumer: neither network's file.
        (
            "KL-INV-2026-000003",
            &[][..],
            &[
                ("peppol.xml", "the customer has no Peppol ID (customers.csv peppol_id)"),
                ("xrechnung.ubl.xml", "the customer is not a German business or public buyer"),
                ("xrechnung.cii.xml", "the customer is not a German business or public buyer"),
            ][..],
        ),
        // The German public buyer (Peppol ID and Leitweg-ID): both.
        ("KL-INV-2026-000014", &["peppol.xml", "xrechnung.ubl.xml", "xrechnung.cii.xml"][..], &[][..]),
    ] {
        let record = format!("2026/{number}.json");
        let result = run(&["render", &record, "--archive", p(archive), "--out", p(&out), "--formats", "peppol,xrechnung"]);
        assert!(result.status.success(), "{}", stderr(&result));
        let listed: Vec<String> = written.iter().map(|x| format!("{}\n", out.join(format!("{number}.{x}")).display())).collect();
        assert_eq!(stdout(&result), listed.concat());
        for x in written {
            let name = format!("{number}.{x}");
            assert_eq!(std::fs::read(out.join(&name)).unwrap(), std::fs::read(year.join(&name)).unwrap(), "{name}");
        }
        let said: Vec<String> = not_written.iter().map(|(x, why)| format!("not written: {}: {why}\n", out.join(format!("{number}.{x}")).display())).collect();
        assert_eq!(stderr(&result), said.concat());
        for (x, _) in not_written {
            assert!(!out.join(format!("{number}.{x}")).exists());
        }
    }
}

#[test]
fn peppol_files_meet_every_peppol_rule_on_data_we_write() {
    let files = files(".peppol.xml");
    assert!(!files.is_empty());
    for f in &files {
        let violations = peppol_rules::violations(&std::fs::read_to_string(f).unwrap());
        assert!(violations.is_empty(), "{}: {violations:#?}", name(f));
    }
}

/// Runs the validators on `files` with `args`; returns the fatal findings, and checks that
/// there is one report per file.
fn validate(files: &[PathBuf], args: &[&str]) -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/validators-venv/bin/python");
    assert!(python.exists(), "no validators venv: run scripts/test.sh (it creates target/validators-venv for ../shared/validators)");
    let output = Command::new(python).arg(root.join("../shared/validators/validate.py")).arg("--json").args(args).args(files).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the harness prints JSON");
    let reports = report["reports"].as_array().unwrap();
    assert_eq!(reports.len(), files.len());
    let mut fatal = Vec::new();
    for r in reports {
        for f in r["findings"].as_array().unwrap() {
            if f["flag"] == "fatal" {
                fatal.push(format!("{} {}: {}", r["file"], f["rule"], f["text"]));
            }
        }
    }
    fatal
}

#[test]
fn every_e_invoice_of_the_samples_and_their_corrections_passes_the_official_validators() {
    let plain: Vec<PathBuf> = [".ubl.xml", ".cii.xml", ".facturx.pdf", ".peppol.xml"]
        .iter()
        .flat_map(|s| files(s))
        .filter(|f| !name(f).contains(".xrechnung."))
        .collect();
    assert_eq!(plain.len(), 3 * 24 + 9, "UBL, CII and Factur-X of 24 documents, 9 Peppol files");
    let fatal = validate(&plain, &[]);
    assert!(fatal.is_empty(), "{fatal:#?}");
    let mut xrechnung: Vec<PathBuf> = files(".xml").into_iter().filter(|f| name(f).contains(".xrechnung.")).collect();
    assert_eq!(xrechnung.len(), 10);
    // The German buyer's replacement as a German seller would issue it: a 384 (corrected
    // invoice), which Peppol allows between German parties and XRechnung wants with BG-3.
    let record = issued().1.join("KL-INV-2026-000019.json");
    let mut german = invoicesmith::document::Document::from_record(&std::fs::read(&record).unwrap(), &record.display()).unwrap();
    german.seller.address.country = invoicesmith::country::CountryCode::parse("DE").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut corrected = Vec::new();
    for format in [Format::Peppol, Format::XrechnungUbl, Format::XrechnungCii] {
        let bytes = format.render(&german);
        assert!(String::from_utf8_lossy(&bytes).contains(">384</"), "{}", format.name());
        let path = tmp.path().join(format!("german.{}", format.extension()));
        std::fs::write(&path, bytes).unwrap();
        corrected.push(path);
    }
    assert_eq!(peppol_rules::violations(&std::fs::read_to_string(&corrected[0]).unwrap()), vec![]);
    assert!(validate(&corrected[..1], &[]).is_empty());
    xrechnung.extend(corrected.into_iter().skip(1));
    let fatal = validate(&xrechnung, &["--xrechnung"]);
    assert!(fatal.is_empty(), "{fatal:#?}");
}

/// The XRechnung of the German public buyer: its Leitweg-ID as buyer reference and
/// electronic address, the seller's contact, the payment card, and no BT-10 fallback.
#[test]
fn the_xrechnung_carries_the_leitweg_id_the_seller_contact_and_the_payment_card() {
    let ubl = std::fs::read_to_string(issued().1.join("KL-INV-2026-000014.xrechnung.ubl.xml")).unwrap();
    for needle in [
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>",
        "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>",
        "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>",
        "<cbc:EndpointID schemeID=\"0191\">14123456</cbc:EndpointID>",
        "<cbc:EndpointID schemeID=\"0204\">04011000-12345-03</cbc:EndpointID>",
        "<cbc:Name>Kunstlicht billing team</cbc:Name>\n        <cbc:Telephone>+372 600 1234</cbc:Telephone>\n        <cbc:ElectronicMail>billing@kunstlicht.example</cbc:ElectronicMail>",
        "<cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>\n    <cac:CardAccount>\n      <cbc:PrimaryAccountNumberID>******5454</cbc:PrimaryAccountNumberID>\n      <cbc:NetworkID>Mastercard</cbc:NetworkID>",
        "<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>\n        <cbc:TaxExemptionReason>Steuerschuldnerschaft des Leistungsempfängers",
    ] {
        assert!(ubl.contains(needle), "{needle} missing from\n{ubl}");
    }
    // The reverse-charge legend is the exemption reason, not a document note.
    assert!(!ubl.contains("\n  <cbc:Note>"), "{ubl}");
    let cii = std::fs::read_to_string(issued().1.join("KL-INV-2026-000014.xrechnung.cii.xml")).unwrap();
    for needle in [
        "<ram:BuyerReference>04011000-12345-03</ram:BuyerReference>",
        "<ram:URIID schemeID=\"0204\">04011000-12345-03</ram:URIID>",
        "<ram:PersonName>Kunstlicht billing team</ram:PersonName>",
        "<ram:CompleteNumber>+372 600 1234</ram:CompleteNumber>",
        "<ram:ApplicableTradeSettlementFinancialCard>\n          <ram:ID>******5454</ram:ID>",
    ] {
        assert!(cii.contains(needle), "{needle} missing from\n{cii}");
    }
    // The consumer who supplied a VAT ID has no buyer reference: XRechnung carries the
    // customer id (BR-DE-15), and its e-mail address as electronic address (EM).
    let replacement = std::fs::read_to_string(issued().1.join("KL-INV-2026-000017.xrechnung.ubl.xml")).unwrap();
    assert!(replacement.contains("<cbc:BuyerReference>cus_de_01</cbc:BuyerReference>"), "{replacement}");
    assert!(replacement.contains("<cbc:EndpointID schemeID=\"EM\">juergen.mueller@example.de</cbc:EndpointID>"), "{replacement}");
    // A replacement between an Estonian seller and a German buyer is a 380 naming what it replaces.
    assert!(replacement.contains("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"), "{replacement}");
    assert!(replacement.contains("<cac:InvoiceDocumentReference>\n      <cbc:ID>KL-INV-2026-000001</cbc:ID>"), "{replacement}");
}

/// The Peppol credit note cancelling the Belgian business's invoice: the purchase order, the
/// one note naming the invoice, the delivery date of the supply it credits.
#[test]
fn the_peppol_credit_note_keeps_the_order_reference_and_has_one_note() {
    let xml = std::fs::read_to_string(issued().1.join("KL-CN-2026-000004.peppol.xml")).unwrap();
    for needle in [
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>",
        "<cac:OrderReference>\n    <cbc:ID>PO-2026-118</cbc:ID>",
        "<cbc:EndpointID schemeID=\"0208\">0123456749</cbc:EndpointID>",
        "<cbc:ActualDeliveryDate>2026-10-27</cbc:ActualDeliveryDate>",
    ] {
        assert!(xml.contains(needle), "{needle} missing from\n{xml}");
    }
    // An order reference meets PEPPOL-EN16931-R003 on its own: no BT-10 fallback.
    assert!(!xml.contains("BuyerReference"), "{xml}");
    assert_eq!(xml.matches("\n  <cbc:Note>").count(), 1, "one document note (BT-22), besides the payment terms' (BT-20)");
}

/// Each rule is checked, not assumed: a Peppol file of the samples made to break the rule
/// fails exactly that rule (a missing business process also fails its format, R007).
fn breaks(rule: &str, file: &str, edit: impl Fn(&str) -> String) {
    let good = std::fs::read_to_string(issued().1.join(file)).unwrap();
    assert!(peppol_rules::violations(&good).is_empty());
    let bad = edit(&good);
    assert_ne!(bad, good, "{rule}: the edit changed nothing");
    let ids: Vec<&str> = peppol_rules::violations(&bad).into_iter().map(|(id, _)| id).collect();
    let expected: &[&str] = if rule == "PEPPOL-EN16931-R001" { &[rule, "PEPPOL-EN16931-R007"] } else { &[rule] };
    assert_eq!(ids, expected, "{rule}");
}

const INVOICE: &str = "KL-INV-2026-000013.peppol.xml";
const CREDIT_NOTE: &str = "KL-CN-2026-000004.peppol.xml";
const CUSTOMIZATION: &str = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";

macro_rules! rule {
    ($test:ident, $rule:literal, $file:expr, $edit:expr) => {
        #[test]
        fn $test() {
            breaks($rule, $file, $edit);
        }
    };
}

rule!(peppol_en16931_r001_business_process, "PEPPOL-EN16931-R001", INVOICE, |x| x.replace("  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>\n", ""));
rule!(peppol_en16931_r002_one_note, "PEPPOL-EN16931-R002", CREDIT_NOTE, |x| x.replace("<cbc:DocumentCurrencyCode>", "<cbc:Note>second</cbc:Note><cbc:DocumentCurrencyCode>"));
rule!(peppol_en16931_r003_buyer_or_order_reference, "PEPPOL-EN16931-R003", CREDIT_NOTE, |x| x.replace("<cac:OrderReference>", "<cac:OrderReferenceX>").replace("</cac:OrderReference>", "</cac:OrderReferenceX>"));
rule!(peppol_en16931_r004_specification_identifier, "PEPPOL-EN16931-R004", INVOICE, |x| x.replace(CUSTOMIZATION, "urn:cen.eu:en16931:2017"));
rule!(peppol_en16931_r005_tax_currency_differs, "PEPPOL-EN16931-R005", INVOICE, |x| {
    x.replace("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>")
        .replace("</cac:TaxTotal>\n  <cac:LegalMonetaryTotal>", "</cac:TaxTotal><cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">0.00</cbc:TaxAmount></cac:TaxTotal>\n  <cac:LegalMonetaryTotal>")
});
rule!(peppol_en16931_r007_business_process_format, "PEPPOL-EN16931-R007", INVOICE, |x| x.replace("billing:01:1.0", "billing:1:1.0"));
rule!(peppol_en16931_r008_no_empty_elements, "PEPPOL-EN16931-R008", INVOICE, |x| x.replace("<cbc:CityName>Tallinn</cbc:CityName>", "<cbc:CityName> </cbc:CityName>"));
rule!(peppol_en16931_r010_buyer_electronic_address, "PEPPOL-EN16931-R010", INVOICE, |x| x.replace("<cbc:EndpointID schemeID=\"0208\">0123456749</cbc:EndpointID>", ""));
rule!(peppol_en16931_r020_seller_electronic_address, "PEPPOL-EN16931-R020", INVOICE, |x| x.replace("<cbc:EndpointID schemeID=\"0191\">14123456</cbc:EndpointID>", ""));
rule!(peppol_en16931_r051_one_currency, "PEPPOL-EN16931-R051", INVOICE, |x| x.replacen("<cbc:PayableAmount currencyID=\"EUR\">", "<cbc:PayableAmount currencyID=\"USD\">", 1));
rule!(peppol_en16931_r053_one_tax_total_with_subtotals, "PEPPOL-EN16931-R053", INVOICE, |x| {
    let start = x.find("  <cac:TaxTotal>").unwrap();
    let end = x.find("  <cac:LegalMonetaryTotal>").unwrap();
    format!("{}{}{}", &x[..end], &x[start..end], &x[end..])
});
rule!(peppol_en16931_r054_tax_total_in_accounting_currency, "PEPPOL-EN16931-R054", INVOICE, |x| {
    x.replace("</cac:TaxTotal>\n  <cac:LegalMonetaryTotal>", "</cac:TaxTotal><cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">0.00</cbc:TaxAmount></cac:TaxTotal>\n  <cac:LegalMonetaryTotal>")
});
rule!(peppol_en16931_r055_same_sign_in_both_currencies, "PEPPOL-EN16931-R055", INVOICE, |x| {
    x.replace("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>")
        .replace("</cac:TaxTotal>\n  <cac:LegalMonetaryTotal>", "</cac:TaxTotal><cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">-1.00</cbc:TaxAmount></cac:TaxTotal>\n  <cac:LegalMonetaryTotal>")
        .replacen("<cbc:TaxAmount currencyID=\"EUR\">0.00</cbc:TaxAmount>", "<cbc:TaxAmount currencyID=\"EUR\">1.00</cbc:TaxAmount>", 1)
});
rule!(peppol_en16931_r110_line_starts_within_the_invoice_period, "PEPPOL-EN16931-R110", INVOICE, |x| x.replacen("<cbc:StartDate>2026-10-27</cbc:StartDate>", "<cbc:StartDate>2026-10-28</cbc:StartDate>", 1));
rule!(peppol_en16931_r111_line_ends_within_the_invoice_period, "PEPPOL-EN16931-R111", INVOICE, |x| x.replacen("<cbc:EndDate>2026-11-26</cbc:EndDate>", "<cbc:EndDate>2026-11-25</cbc:EndDate>", 1));
rule!(peppol_en16931_r120_line_net_is_quantity_times_price, "PEPPOL-EN16931-R120", INVOICE, |x| x.replace("<cbc:PriceAmount currencyID=\"EUR\">25.00</cbc:PriceAmount>", "<cbc:PriceAmount currencyID=\"EUR\">25.01</cbc:PriceAmount>"));
rule!(peppol_en16931_cl007_iso_4217_currencies, "PEPPOL-EN16931-CL007", INVOICE, |x| {
    x.replace("currencyID=\"EUR\"", "currencyID=\"XEU\"").replace("<cbc:DocumentCurrencyCode>EUR<", "<cbc:DocumentCurrencyCode>XEU<")
});
rule!(peppol_en16931_cl008_eas_schemes, "PEPPOL-EN16931-CL008", INVOICE, |x| x.replace("schemeID=\"0191\"", "schemeID=\"EM\""));
rule!(peppol_en16931_f001_dates, "PEPPOL-EN16931-F001", INVOICE, |x| x.replace("<cbc:IssueDate>2026-10-27</cbc:IssueDate>", "<cbc:IssueDate>27.10.2026</cbc:IssueDate>"));
rule!(peppol_en16931_p0100_invoice_type_codes, "PEPPOL-EN16931-P0100", INVOICE, |x| x.replace("<cbc:InvoiceTypeCode>380<", "<cbc:InvoiceTypeCode>381<"));
rule!(peppol_en16931_p0101_credit_note_type_codes, "PEPPOL-EN16931-P0101", CREDIT_NOTE, |x| x.replace("<cbc:CreditNoteTypeCode>381<", "<cbc:CreditNoteTypeCode>380<"));
rule!(peppol_en16931_p0105_category_o_for_vatex_eu_o, "PEPPOL-EN16931-P0105", INVOICE, |x| x.replace("VATEX-EU-AE", "VATEX-EU-O"));
rule!(peppol_en16931_p0107_category_ae_for_vatex_eu_ae, "PEPPOL-EN16931-P0107", INVOICE, |x| {
    x.replace("<cbc:ID>AE</cbc:ID>\n        <cbc:Percent>0</cbc:Percent>\n        <cbc:TaxExemptionReasonCode>", "<cbc:ID>Z</cbc:ID>\n        <cbc:Percent>0</cbc:Percent>\n        <cbc:TaxExemptionReasonCode>")
});
rule!(peppol_en16931_p0112_384_only_between_german_parties, "PEPPOL-EN16931-P0112", INVOICE, |x| x.replace("<cbc:InvoiceTypeCode>380<", "<cbc:InvoiceTypeCode>384<"));
rule!(peppol_common_r040_gln, "PEPPOL-COMMON-R040", INVOICE, |x| x.replace("schemeID=\"0191\">14123456<", "schemeID=\"0088\">7300010000002<"));
rule!(peppol_common_r041_norwegian_organisation_number, "PEPPOL-COMMON-R041", INVOICE, |x| x.replace("schemeID=\"0191\">14123456<", "schemeID=\"0192\">995525829<"));
rule!(peppol_common_r042_danish_cvr, "PEPPOL-COMMON-R042", INVOICE, |x| x.replace("schemeID=\"0191\">14123456<", "schemeID=\"0184\">12345678<"));
rule!(peppol_common_r043_belgian_enterprise_number, "PEPPOL-COMMON-R043", INVOICE, |x| x.replace(">0123456749</cbc:EndpointID>", ">0123456748</cbc:EndpointID>"));
rule!(peppol_common_r047_italian_vat_number, "PEPPOL-COMMON-R047", "KL-INV-2026-000005.peppol.xml", |x| x.replace("schemeID=\"0211\">IT00743110157<", "schemeID=\"0211\">IT00743110158<"));
rule!(peppol_common_r049_swedish_organisation_number, "PEPPOL-COMMON-R049", INVOICE, |x| x.replace("schemeID=\"0191\">14123456<", "schemeID=\"0007\">5560360794<"));
rule!(peppol_common_r050_australian_business_number, "PEPPOL-COMMON-R050", INVOICE, |x| x.replace("schemeID=\"0191\">14123456<", "schemeID=\"0151\">51824753557<"));
rule!(no_r001_norwegian_vat_number, "NO-R-001", INVOICE, |x| {
    x.replace("<cbc:CompanyID>EE101234568</cbc:CompanyID>", "<cbc:CompanyID>NO995525829MVA</cbc:CompanyID>")
        .replace("    <cac:PartyLegalEntity>\n        <cbc:RegistrationName>Kunstlicht", "    <cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyLegalEntity>\n        <cbc:RegistrationName>Kunstlicht")
});
rule!(no_r002_foretaksregisteret, "NO-R-002", INVOICE, |x| x.replace("<cbc:CompanyID>EE101234568</cbc:CompanyID>", "<cbc:CompanyID>NO995525828MVA</cbc:CompanyID>"));

/// Every rule the checker has is tested above by name.
#[test]
fn every_rule_has_its_test() {
    let source = include_str!("peppol.rs");
    for (id, _) in peppol_rules::RULES {
        assert!(source.contains(&format!("\"{id}\", ")), "{id} has no test");
    }
}

/// XRechnung requires the buyer's electronic address (PEPPOL-EN16931-R010): a German
/// business with neither a Peppol ID nor an e-mail gets no XRechnung, and the run says why.
#[test]
fn a_german_business_without_an_electronic_address_gets_no_xrechnung() {
    let tmp = tempfile::tempdir().unwrap();
    let data = copy_samples(tmp.path());
    let customers = std::fs::read_to_string(data.join("customers.csv")).unwrap();
    std::fs::write(data.join("customers.csv"), customers.replace("Nordlicht Medien GmbH,rechnung@nordlicht-medien.example,", "Nordlicht Medien GmbH,,")).unwrap();
    let archive = tmp.path().join("archive");
    let out = run(&["issue", p(&data), "--archive", p(&archive), "--init", "--formats", "json,xrechnung"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        said.contains("the customer has no electronic address, neither a Peppol ID nor an e-mail (customers.csv peppol_id or email; PEPPOL-EN16931-R010)"),
        "{said}"
    );
    let json = std::fs::read_to_string(archive.join("2026/KL-INV-2026-000015.json")).unwrap();
    assert!(json.contains("Nordlicht Medien GmbH"), "the sample's customer");
    assert!(!archive.join("2026/KL-INV-2026-000015.xrechnung.ubl.xml").exists());
    assert!(!archive.join("2026/KL-INV-2026-000015.xrechnung.cii.xml").exists());
}
