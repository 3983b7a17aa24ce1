//! EN 16931 e-invoices (UBL 2.1 and CII D16B) for every treatment, checked by the official
//! CEN/TC 434 validation artifacts through the harness in `../shared/validators`.
//!
//! The documents come from the library itself: the shipped samples plus a few extra
//! customers and transactions (so every treatment, both kinds and all three relations
//! occur), corrected reissues through `correct::reissue`, and hand-built variants. Every
//! document is rendered in both syntaxes into one temporary folder and the harness runs once
//! on all files (it compiles the XSLTs once per process, the slow part). CII is checked
//! against the Factur-X EN 16931 profile as well (`--facturx en16931`).
//!
//! The harness needs a Python venv at `target/validators-venv` (`scripts/test.sh` creates it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use invoicesmith::issue::correct::{self, Correction};
use invoicesmith::document::{Document, DocumentKind, DocumentReference, Relation, TaxCategory, Treatment};
use invoicesmith::issue::{self, History, Referrer};
use invoicesmith::numbering::{DocumentNumber, NumberPattern};
use invoicesmith::render::{cii, ubl};
use invoicesmith::{input, model};
use rust_decimal::Decimal;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Customers that, with the samples', reach every treatment.
const EXTRA_CUSTOMERS: &str = "\
cus_gb_02,business,Brush & Co <Ltd>,accounts@brush.example,1 Canal St,,Manchester,M1 3HE,,GB,GB980780684,valid,en-GB
cus_au_01,individual,Charlotte Nguyen,charlotte@example.au,1 George Street,,Sydney,2000,NSW,AU,,,en
cus_au_02,business,Koala Design Pty Ltd,ap@koala.example,2 Pitt Street,,Sydney,2000,NSW,AU,51824753556,valid,en
cus_no_01,individual,Ola Nordmann,ola@example.no,Karl Johans gate 1,,Oslo,0154,,NO,,,en
cus_ch_01,individual,Heidi Muster,heidi@example.ch,Bahnhofstrasse 1,,Zürich,8001,ZH,CH,,,de
cus_gr_02,business,Αθηναϊκή Σχεδίαση Α.Ε.,info@athens-design.example,Οδός Σταδίου 10,,Αθήνα,105 64,,GR,EL094259216,valid,el
";

/// Transactions for the extra customers, and a refund of an outside-scope sale.
const EXTRA_TRANSACTIONS: &str = "\
x_2001,charge,succeeded,cus_gb_02,2026-10-21T10:00:00+01:00,GBP,Team plan (monthly) seat,2,20.00,net,false,2026-10-21,2026-11-20,,,GB,GB
x_2002,charge,succeeded,cus_au_01,2026-10-22T10:00:00+11:00,AUD,Pro plan (monthly),1,21.99,gross,false,2026-10-22,2026-11-21,,,AU,AU
x_2003,charge,succeeded,cus_au_02,2026-10-22T11:00:00+11:00,AUD,Studio plan (annual),1,490.00,net,false,2026-10-22,2027-10-21,,,AU,AU
x_2004,charge,succeeded,cus_no_01,2026-10-23T10:00:00+02:00,NOK,Credit pack 1000 credits,1,249.00,gross,false,,,,,NO,NO
x_2005,charge,succeeded,cus_ch_01,2026-10-23T11:00:00+02:00,CHF,Pro plan (monthly),1,14.90,gross,false,2026-10-23,2026-11-22,,,CH,CH
x_2006,charge,succeeded,cus_gr_02,2026-10-24T10:00:00+03:00,EUR,Team plan (annual) seat,4,240.00,net,false,2026-10-24,2027-10-23,,,GR,GR
rf_2007,refund,succeeded,cus_us_01,2026-10-27T09:00:00-07:00,USD,Refund: Studio plan (monthly),1,49.00,net,false,,,ch_1007,requested_by_customer,US,US
";

/// The samples with the extras, as the library reads them.
fn data() -> model::DataSet {
    let mut sources = input::read_sources(&manifest_dir().join("samples")).unwrap_or_else(|d| panic!("samples: {d:#?}"));
    for (text, extra) in [(&mut sources.customers, EXTRA_CUSTOMERS), (&mut sources.transactions, EXTRA_TRANSACTIONS)] {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(extra);
    }
    input::parse(&sources).unwrap_or_else(|d| panic!("input: {:#?}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>()))
}

/// An archive in memory: the documents issued so far.
struct Issued(Vec<Document>);

impl History for Issued {
    fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<(DocumentNumber, Option<invoicesmith::sha256::Sha256Sum>)> {
        self.0
            .iter()
            .rev()
            .find(|d| d.kind == kind && d.source_transactions.iter().any(|t| t == transaction_id))
            .map(|d| (d.number.clone(), None))
    }
    fn document(&self, number: &DocumentNumber) -> invoicesmith::Result<Document> {
        self.0.iter().find(|d| &d.number == number).cloned().ok_or_else(|| invoicesmith::Error::Refused(format!("{number} not issued")))
    }
    fn referrers(&self, number: &DocumentNumber) -> Vec<Referrer> {
        self.0
            .iter()
            .flat_map(|d| {
                d.references.iter().filter(|r| &r.number == number).map(|r| Referrer {
                    number: d.number.clone(),
                    kind: d.kind,
                    relation: r.relation,
                    issue_date: d.issue_date,
                    total: d.totals.gross,
                })
            })
            .collect()
    }
    fn last(&self, pattern: &NumberPattern, year: i32) -> Option<(u64, NaiveDate)> {
        (1..=self.0.len() as u64).rev().find_map(|seq| {
            let number = pattern.format(year, seq);
            self.0.iter().find(|d| d.number == number).map(|d| (seq, d.issue_date))
        })
    }
    fn last_date(&self, pattern: &NumberPattern) -> Option<NaiveDate> {
        let years: Vec<i32> = self.0.iter().map(|d| d.issue_date.year()).collect();
        years.iter().filter_map(|&y| self.last(pattern, y)).map(|(_, date)| date).max()
    }
}

fn find<'a>(docs: &'a [Document], transaction: &str, kind: DocumentKind) -> &'a Document {
    docs.iter()
        .find(|d| d.kind == kind && d.source_transactions.iter().any(|t| t == transaction))
        .unwrap_or_else(|| panic!("no {kind:?} for {transaction}"))
}

/// Every document the test validates, each with a short label for file names.
fn documents() -> Vec<(String, Document)> {
    let data = data();
    let plan = issue::plan(&data, &issue::NoHistory).unwrap_or_else(|d| panic!("plan: {d:#?}"));
    let mut issued: Vec<Document> = plan.documents().into_iter().map(|n| n.document).collect();
    let mut out: Vec<(String, Document)> = issued.iter().map(|d| (d.source_transactions.join("+"), d.clone())).collect();

    // Corrected reissues: a cancelling credit note and a replacement invoice each.
    // (the invoice's transaction, what is corrected, the fields set)
    // The transfers received for an invoice that asked for one: (amount, latest date).
    type Reissue = (&'static str, &'static str, &'static [(&'static str, &'static str)], Option<(&'static str, Option<NaiveDate>)>);
    let reissues: [Reissue; 5] = [
        // Same treatment: the replacement repeats the original (with its negative proration line).
        ("ch_1011", "address", &[("address_line1", "Kastanienallee 7")], None),
        // A VAT ID supplied later: OSS consumer sale (USD, VAT restated in EUR) → reverse
        // charge; the card paid more than the replacement's total, so the amount due is negative.
        ("ch_1002", "vat-id", &[("vat_id", "FR40303265045")], None),
        // The reverse: a business without VAT ID → consumer with Italian VAT; an amount is due.
        ("ch_1005", "consumer", &[("vat_id", ""), ("type", "individual")], None),
        // Invoices that asked for a bank transfer, corrected before it was paid in full: the
        // credit note applies what was received (nothing; 1,000.00 of 4,800.00) to the
        // replacement, and the rest of its credit offsets the cancelled invoice (BR-CO-16).
        ("ch_1023", "unpaid-transfer", &[("address_line1", "Telliskivi 60b")], Some(("0.00", None))),
        ("ch_1021", "part-paid-transfer", &[("address_line1", "Torstraße 1")], Some(("1000.00", NaiveDate::from_ymd_opt(2026, 10, 30)))),
    ];
    for (transaction, label, set, received) in reissues {
        let original = find(&issued, transaction, DocumentKind::Invoice).number.clone();
        let correction = Correction {
            set: set.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect(),
            reason: format!("corrected {label}"),
            date: None,
            received: received.map(|(amount, last)| correct::Received { amount: amount.parse().unwrap(), last, returned: Decimal::ZERO }),
        };
        let history = Issued(issued.clone());
        // Made by support on 2 November 2026.
        let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let numbered = correct::reissue(&data.company, &history, &original, &correction, today)
            .unwrap_or_else(|e| panic!("reissue {original}: {e}"));
        for n in numbered {
            let tag = if n.document.kind == DocumentKind::CreditNote { "cancel" } else { "replace" };
            out.push((format!("reissue-{label}-{tag}"), n.document.clone()));
            issued.push(n.document);
        }
    }

    // Hand-built: a credit note for the GB invoice (non-EU tax) and a replacement of the
    // outside-scope JPY invoice, cloned from the issued invoices.
    let gb = find(&issued, "ch_1006", DocumentKind::Invoice);
    let mut credit = gb.clone();
    credit.kind = DocumentKind::CreditNote;
    credit.number = data.company.numbering.credit_note.format(2026, 900_001);
    credit.payment.status = "refunded".into();
    credit.references = vec![DocumentReference {
        number: gb.number.clone(),
        issue_date: gb.issue_date,
        relation: Relation::Credits,
        reason: Some("requested_by_customer".into()),
    }];
    out.push(("hand-credit-gb".into(), credit));
    let jp = find(&issued, "ch_1008", DocumentKind::Invoice);
    let mut replacement = jp.clone();
    replacement.number = data.company.numbering.invoice.format(2026, 900_002);
    replacement.customer.address.line1 = "4-5-6 Jingumae".into();
    replacement.references = vec![DocumentReference {
        number: jp.number.clone(),
        issue_date: jp.issue_date,
        relation: Relation::Replaces,
        reason: Some("wrong address".into()),
    }];
    out.push(("hand-replace-jp".into(), replacement));
    out
}

/// What the test set covers; fails if a change to the samples loses a case.
fn assert_coverage(docs: &[(String, Document)]) {
    use Treatment::*;
    for t in [Domestic, Oss, ReverseCharge, NonEuTax, NonEuReverseCharge, OutsideScope] {
        for kind in [DocumentKind::Invoice, DocumentKind::CreditNote] {
            if kind == DocumentKind::CreditNote && matches!(t, NonEuReverseCharge) {
                continue; // no refund of such a sale in the data
            }
            assert!(docs.iter().any(|(_, d)| d.tax.treatment == t && d.kind == kind), "no {kind:?} with treatment {t:?}");
        }
    }
    for r in [Relation::Credits, Relation::Cancels, Relation::Replaces] {
        assert!(docs.iter().any(|(_, d)| d.references.iter().any(|x| x.relation == r)), "no document that {r:?}");
    }
    for c in [TaxCategory::S, TaxCategory::AE, TaxCategory::O] {
        assert!(docs.iter().any(|(_, d)| d.lines.iter().any(|l| l.tax_category == c)), "no {c:?} line");
    }
    let any = |f: &dyn Fn(&Document) -> bool| docs.iter().any(|(_, d)| f(d));
    assert!(any(&|d| d.base_currency_tax.is_some()), "no VAT in an accounting currency");
    assert!(any(&|d| d.lines.iter().any(|l| l.net_amount.is_sign_negative())), "no negative line");
    assert!(any(&|d| d.kind == DocumentKind::CreditNote && d.lines.iter().any(|l| l.net_amount.is_sign_negative())), "no credit note with a negative line");
    assert!(any(&|d| d.totals.due.is_sign_negative() && !d.totals.due.is_zero()), "no negative amount due");
    assert!(any(&|d| d.totals.due > Decimal::ZERO), "no positive amount due");
    assert!(any(&|d| d.currency.minor_units() == 0), "no currency without minor unit");
    assert!(any(&|d| d.tax.seller_registration.as_ref().is_some_and(|r| !r.scheme.is_vat_id())), "no seller registration that is not a VAT ID");
    assert!(any(&|d| d.customer.tax_id.as_deref().is_some_and(|id| id.starts_with("EL"))), "no Greek VAT ID");
}

/// The text of every `<tag ...>text</tag>` in `xml`, with the opening tag's attributes.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with('>') && !after.starts_with(' ') {
            rest = after;
            continue;
        }
        let gt = after.find('>').expect("tag ends");
        let attrs = after[..gt].trim();
        let body = &after[gt + 1..];
        let end = body.find(&close).expect("element closes");
        out.push((attrs, &body[..end]));
        rest = &body[end..];
    }
    out
}

fn one<'a>(xml: &'a str, tag: &str) -> &'a str {
    let all = elements(xml, tag);
    assert_eq!(all.len(), 1, "expected one <{tag}>, found {all:?}");
    all[0].1
}

#[test]
fn renders_are_deterministic_and_print_the_stored_amounts() {
    let docs = documents();
    for (label, doc) in &docs {
        for render in [ubl::render, cii::render] {
            let a = render(doc);
            assert_eq!(a, render(doc), "{label}: not deterministic");
            assert!(a.ends_with("</Invoice>\n") || a.ends_with("</CreditNote>\n") || a.ends_with("</rsm:CrossIndustryInvoice>\n"), "{label}");
        }
    }
    let by = |label: &str| &docs.iter().find(|(l, _)| l == label).unwrap_or_else(|| panic!("no {label}")).1;

    // USD OSS invoice with its VAT restated in EUR.
    let doc = by("ch_1002");
    let base = doc.base_currency_tax.as_ref().expect("EUR restatement");
    let u = ubl::render(doc);
    assert_eq!(one(&u, "cbc:InvoiceTypeCode"), "380");
    assert_eq!(one(&u, "cbc:PayableAmount"), doc.totals.due.to_string());
    assert_eq!(one(&u, "cbc:PrepaidAmount"), doc.totals.paid.to_string());
    assert_eq!(one(&u, "cbc:TaxInclusiveAmount"), doc.totals.gross.to_string());
    assert_eq!(one(&u, "cbc:TaxExclusiveAmount"), doc.totals.net.to_string());
    assert_eq!(one(&u, "cbc:TaxCurrencyCode"), "EUR");
    let tax_amounts = elements(&u, "cbc:TaxAmount");
    assert!(tax_amounts.contains(&("currencyID=\"USD\"", &doc.totals.tax.to_string())), "{tax_amounts:?}");
    assert!(tax_amounts.contains(&("currencyID=\"EUR\"", &base.tax_amount.to_string())), "{tax_amounts:?}");
    let c = cii::render(doc);
    assert_eq!(one(&c, "ram:DuePayableAmount"), doc.totals.due.to_string());
    assert_eq!(one(&c, "ram:GrandTotalAmount"), doc.totals.gross.to_string());
    assert_eq!(
        elements(&c, "ram:TaxTotalAmount"),
        vec![("currencyID=\"USD\"", doc.totals.tax.to_string().as_str()), ("currencyID=\"EUR\"", base.tax_amount.to_string().as_str())]
    );
    assert_eq!(one(&c, "ram:TaxCurrencyCode"), "EUR");

    // Negative proration line: positive price, negative quantity, net amount as stored.
    let doc = by("ch_1011");
    let line = doc.lines.iter().find(|l| l.net_amount.is_sign_negative()).expect("proration line");
    let u = ubl::render(doc);
    assert!(elements(&u, "cbc:InvoicedQuantity").contains(&("unitCode=\"C62\"", "-1")));
    assert!(elements(&u, "cbc:PriceAmount").contains(&("currencyID=\"EUR\"", &(-line.unit_price).to_string())));
    assert!(elements(&u, "cbc:LineExtensionAmount").contains(&("currencyID=\"EUR\"", &line.net_amount.to_string())));

    // Type codes and references: a replacement is a 380 naming the invoice it replaces,
    // a 384 (corrected invoice) only between German parties (PEPPOL-EN16931-P0112).
    let replace = by("reissue-address-replace");
    let mut german = replace.clone();
    german.seller.address.country = invoicesmith::country::CountryCode::parse("DE").unwrap();
    german.customer.address.country = invoicesmith::country::CountryCode::parse("DE").unwrap();
    assert_eq!(one(&ubl::render(&german), "cbc:InvoiceTypeCode"), "384");
    assert!(cii::render(&german).contains("<ram:TypeCode>384</ram:TypeCode>"));
    let u = ubl::render(replace);
    assert_eq!(one(&u, "cbc:InvoiceTypeCode"), "380");
    let reference = one(&u, "cac:BillingReference");
    assert_eq!(one(reference, "cbc:ID"), replace.references[0].number.as_str());
    assert_eq!(one(reference, "cbc:IssueDate"), replace.references[0].issue_date.to_string());
    let c = cii::render(replace);
    assert!(one(&c, "rsm:ExchangedDocument").contains("<ram:TypeCode>380</ram:TypeCode>"));
    assert_eq!(one(one(&c, "ram:InvoiceReferencedDocument"), "ram:IssuerAssignedID"), replace.references[0].number.as_str());
    let cancel = by("reissue-address-cancel");
    let u = ubl::render(cancel);
    assert!(u.contains("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""));
    assert_eq!(one(&u, "cbc:CreditNoteTypeCode"), "381");
    assert!(elements(&u, "cbc:CreditedQuantity").contains(&("unitCode=\"C62\"", "-1")));
    // Cancelling an invoice paid in full: the payment moves to the replacement, nothing is due.
    assert_eq!((one(&u, "cbc:PrepaidAmount"), one(&u, "cbc:PayableAmount")), (cancel.totals.gross.to_string().as_str(), "0.00"));

    // Cancelling an invoice that asked for a transfer not (fully) received: what was
    // received is paid (moved to the replacement), the rest of the credit is due, the open
    // credit set against the cancelled invoice (BR-CO-16: due = total − paid). The record
    // keeps due at zero: nothing is refunded.
    for (label, gross, paid, due) in [("reissue-unpaid-transfer-cancel", "372.00", "0.00", "372.00"), ("reissue-part-paid-transfer-cancel", "4800.00", "1000.00", "3800.00")] {
        let cancel = by(label);
        assert_eq!((cancel.totals.gross.to_string(), cancel.totals.paid.to_string(), cancel.totals.due.to_string()), (gross.into(), paid.into(), "0.00".into()), "{label}");
        let u = ubl::render(cancel);
        assert_eq!(one(&u, "cbc:CreditNoteTypeCode"), "381");
        assert_eq!(one(&u, "cbc:TaxInclusiveAmount"), gross, "{label}");
        assert_eq!(elements(&u, "cbc:PrepaidAmount"), vec![("currencyID=\"EUR\"", paid)], "{label}");
        assert_eq!(elements(&u, "cbc:PayableAmount"), vec![("currencyID=\"EUR\"", due)], "{label}");
        let c = cii::render(cancel);
        assert_eq!(one(&c, "ram:GrandTotalAmount"), gross, "{label}");
        assert_eq!(one(&c, "ram:TotalPrepaidAmount"), paid, "{label}");
        assert_eq!(one(&c, "ram:DuePayableAmount"), due, "{label}");
        // Its replacement asks for the rest.
        let replace = by(&label.replace("-cancel", "-replace"));
        assert_eq!((replace.totals.paid.to_string(), replace.totals.due.to_string()), (paid.into(), due.into()), "{label}");
        assert_eq!(one(&ubl::render(replace), "cbc:PayableAmount"), due, "{label}");
    }

    // Outside scope: no VAT identifier anywhere (BR-O-02), no rate.
    let doc = by("ch_1007");
    let u = ubl::render(doc);
    assert!(!u.contains("<cac:PartyTaxScheme>") && !u.contains("<cbc:Percent>"), "{u}");
    assert_eq!(one(&u, "cbc:CompanyID"), "14123456");
    let c = cii::render(doc);
    assert!(!c.contains("SpecifiedTaxRegistration") && !c.contains("RateApplicablePercent"), "{c}");
    assert!(u.contains("<cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>"));

    // Non-EU tax: the registration the tax is charged under is the seller's VAT identifier
    // where it is that country's VAT ID, else its tax registration identifier (an ARN).
    let u = ubl::render(by("ch_1006"));
    let seller_tax = one(one(&u, "cac:AccountingSupplierParty"), "cac:PartyTaxScheme");
    assert_eq!((one(seller_tax, "cbc:CompanyID"), one(seller_tax, "cbc:ID")), ("GB980780684", "VAT"));
    assert!(!u.contains("EE101234568"));
    let au = by("x_2002");
    let abn = au.tax.seller_registration.as_ref().expect("AU registration").id.as_str();
    assert_eq!(abn, "ARN 300012345678");
    let c = cii::render(au);
    let seller = one(&c, "ram:SellerTradeParty");
    assert_eq!(elements(one(seller, "ram:SpecifiedTaxRegistration"), "ram:ID"), vec![("schemeID=\"FC\"", abn)]);
    let u = ubl::render(au);
    let seller_tax = one(one(&u, "cac:AccountingSupplierParty"), "cac:PartyTaxScheme");
    assert_eq!((one(seller_tax, "cbc:CompanyID"), one(seller_tax, "cbc:ID")), (abn, "TAX"));
    // Reverse charge: both VAT IDs, exemption code, and the reverse-charge legend as the
    // exemption reason (BT-120) rather than a document note.
    let rc = by("ch_1005");
    let u = ubl::render(rc);
    assert!(u.contains("<cbc:CompanyID>EE101234568</cbc:CompanyID>") && u.contains("<cbc:CompanyID>IT00743110157</cbc:CompanyID>"));
    let category = one(one(&u, "cac:TaxSubtotal"), "cac:TaxCategory");
    assert_eq!(one(category, "cbc:TaxExemptionReasonCode"), "VATEX-EU-AE");
    assert_eq!(one(category, "cbc:TaxExemptionReason"), rc.legends.iter().find(|l| l.code == "reverse_charge").unwrap().text);
    assert_eq!(one(category, "cbc:TaxExemptionReason"), "Inversione contabile: imposta dovuta dal committente (articolo 196 della direttiva 2006/112/CE del Consiglio).");
    assert!(!u.contains("\n  <cbc:Note>"), "{u}");
    assert_eq!(one(category, "cbc:Percent"), "0");
    // Escaping.
    assert!(ubl::render(by("x_2001")).contains("Brush &amp; Co &lt;Ltd&gt;"));
}

#[test]
fn every_document_passes_the_official_en16931_validation() {
    let root = manifest_dir();
    let harness = root.join("../shared/validators/validate.py");
    let python = root.join("target/validators-venv/bin/python");
    assert!(harness.is_file(), "validation harness missing: {}", harness.display());
    assert!(
        python.is_file(),
        "no Python venv for the validation harness at {}; run scripts/test.sh (it creates it) or create it yourself: \
         python3 -m venv target/validators-venv && target/validators-venv/bin/pip install -r ../shared/validators/requirements.txt",
        python.display()
    );
    let docs = documents();
    assert_coverage(&docs);
    let keep = std::env::var_os("EINVOICE_KEEP").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let dir: &Path = keep.as_deref().unwrap_or(tmp.path());
    std::fs::create_dir_all(dir).unwrap();
    let mut files = Vec::new();
    for (i, (label, doc)) in docs.iter().enumerate() {
        for (syntax, xml) in [("ubl", ubl::render(doc)), ("cii", cii::render(doc))] {
            let path = dir.join(format!("{i:02}-{}-{label}.{syntax}.xml", doc.number.as_str()));
            std::fs::write(&path, xml).unwrap();
            files.push(path);
        }
    }
    let started = Instant::now();
    let output = Command::new(&python)
        .arg(&harness)
        .args(["--json", "--facturx", "en16931"])
        .args(&files)
        .output()
        .expect("the validation harness runs");
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("harness output is not JSON ({e}); status {}\nstderr:\n{}\nstdout:\n{stdout}", output.status, String::from_utf8_lossy(&output.stderr))
    });
    let reports = report["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), files.len());
    let mut fatal = Vec::new();
    let mut warnings = 0;
    for r in reports {
        let file = Path::new(r["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
        for f in r["findings"].as_array().unwrap() {
            let line = format!(
                "{file} [{}] {}:{}: {} @ {}",
                f["flag"].as_str().unwrap_or(""),
                f["source"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or(""),
                f["text"].as_str().unwrap_or(""),
                f["location"].as_str().unwrap_or("")
            );
            match f["flag"].as_str() {
                Some("fatal") => fatal.push(line),
                Some("warning") => {
                    warnings += 1;
                    eprintln!("{line}");
                }
                _ => {}
            }
        }
        assert!(r["kind"].as_str().is_some_and(|k| k.starts_with("UBL") || k.contains("Factur-X EN16931")), "{file}: {}", r["kind"]);
    }
    eprintln!("validated {} files ({} documents) in {seconds:.1} s: {} fatal, {warnings} warnings", files.len(), docs.len(), fatal.len());
    assert!(fatal.is_empty(), "{} fatal finding(s):\n{}", fatal.len(), fatal.join("\n"));
    assert!(output.status.success(), "harness exit status {}", output.status);
}
