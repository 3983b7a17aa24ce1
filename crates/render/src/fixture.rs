//! Example documents for renderer tests (a realistic OSS invoice, and a long one).

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::country::CountryCode;
use domain::document::*;
use domain::document::Address;
use domain::money::Currency;
use domain::numbering::NumberPattern;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

fn address(line1: &str, postal: &str, city: &str, country: &str) -> Address {
    Address {
        line1: line1.into(),
        line2: String::new(),
        city: city.into(),
        postal_code: postal.into(),
        region: String::new(),
        country: CountryCode::parse(country).unwrap(),
    }
}

/// An Estonian seller's OSS invoice to a German consumer: two lines at 19 %.
pub fn oss_invoice() -> Document {
    let de = CountryCode::parse("DE").unwrap();
    let line = |description: &str, unit: &str, qty: &str, net: &str| DocumentLine {
        description: description.into(),
        quantity: d(qty),
        unit_price: d(unit),
        net_amount: d(net),
        tax_category: TaxCategory::S,
        tax_rate: d("19"),
        service_start: Some(date("2026-10-05")),
        service_end: Some(date("2026-11-04")),
        proration: false,
        transaction_id: "ch_1001".into(),
        adjusts: None,
        gross: None,
    };
    Document {
        schema: SCHEMA.into(),
        kind: DocumentKind::Invoice,
        number: NumberPattern::parse("KL-INV-{year}-{seq:06}").unwrap().format(2026, 17),
        issue_date: date("2026-10-05"),
        tax_point_date: date("2026-10-05"),
        currency: Currency::parse("EUR").unwrap(),
        language: "en".into(),
        seller: Party {
            name: "Kunstlicht OÜ".into(),
            address: address("Narva mnt 5", "10117", "Tallinn", "EE"),
            tax_id: Some("EE102345676".into()),
            registration_id: Some("14123456".into()),
            email: Some("billing@kunstlicht.example".into()),
            electronic_address: None,
            contact_name: None,
            phone: None,
        },
        customer: Party {
            name: "Jürgen Müller".into(),
            address: address("Schönhauser Allee 12", "10119", "Berlin", "DE"),
            tax_id: None,
            registration_id: None,
            email: Some("juergen@example.de".into()),
            electronic_address: None,
            contact_name: None,
            phone: None,
        },
        customer_id: "cus_de_01".into(),
        source_transactions: vec!["ch_1001".into()],
        tax: Tax {
            treatment: Treatment::Oss,
            jurisdiction: de,
            tax_name: "VAT".into(),
            seller_registration: None,
            customer_type: domain::document::CustomerType::Individual,
            evidence: LocationEvidence {
                billing_country: de,
                card_country: Some(de),
                ip_country: Some(de),
                customer_country: de,
            },
        },
        lines: vec![
            line("Pro plan, monthly", "12.61", "1", "12.61"),
            line("Credit pack 500", "4.20", "2", "8.40"),
        ],
        tax_breakdown: vec![TaxSubtotal {
            tax_category: TaxCategory::S,
            tax_rate: d("19"),
            taxable_amount: d("21.01"),
            tax_amount: d("3.99"),
        }],
        totals: Totals { net: d("21.01"), tax: d("3.99"), gross: d("25.00"), paid: d("25.00"), due: d("0.00") },
        base_currency_tax: None,
        base_currency_booking: None,
        local_currency_tax: None,
        return_currency_tax: None,
        legends: vec![Legend {
            code: "oss".into(),
            text: "VAT of Germany charged under the Union One-Stop Shop (Art. 369a–369k Directive 2006/112/EC).".into(),
        }],
        payment: Payment {
            method: "card".into(),
            status: "paid".into(),
            date: date("2026-10-05"),
            amount: d("25.00"),
            card_brand: None,
            card_last4: None,
            payment_id: None,
            transfer: None,
        },
        references: vec![],
        original_supply_date: None,
        buyer_reference: None,
        order_reference: None,
        brand: None,
        notes: vec![],
    }
}

/// The same invoice with `n` lines, long wrapped descriptions and non-Latin names: for
/// pagination and font coverage.
pub fn long_invoice(n: usize) -> Document {
    let mut doc = oss_invoice();
    doc.customer.name = "Ελληνική Εταιρεία Λογισμικού — Łódź Müller GmbH".into();
    doc.customer.address.city = "Αθήνα".into();
    let template = doc.lines[0].clone();
    doc.lines = (1..=n)
        .map(|i| DocumentLine {
            description: format!(
                "Credit pack {i}: 500 render credits for the creative studio, valid twelve months from purchase, usable across all projects and team members"
            ),
            unit_price: d("1.00"),
            net_amount: d("1.00"),
            ..template.clone()
        })
        .collect();
    let net = Decimal::from(n as u64);
    let tax = (net * d("0.19")).round_dp(2);
    doc.tax_breakdown[0].taxable_amount = net;
    doc.tax_breakdown[0].tax_amount = tax;
    doc.totals = Totals { net, tax, gross: net + tax, paid: net + tax, due: d("0.00") };
    doc.payment.amount = net + tax;
    doc
}

/// The fixture invoice (KL-INV-2026-000017 of 5 October 2026, €25.00) refunded in full
/// on 26 October, by credit note KL-CN-2026-000002, to a Visa card.
pub fn refund_credit_note(language: &str) -> Document {
    let mut doc = oss_invoice();
    let invoice = doc.number.clone();
    doc.language = language.into();
    doc.kind = DocumentKind::CreditNote;
    doc.number = NumberPattern::parse("KL-CN-{year}-{seq:06}").unwrap().format(2026, 2);
    doc.issue_date = date("2026-10-26");
    doc.tax_point_date = date("2026-10-26");
    doc.original_supply_date = Some(date("2026-10-05"));
    doc.payment.status = "refunded".into();
    doc.payment.date = date("2026-10-26");
    doc.payment.card_brand = Some("Visa".into());
    doc.payment.card_last4 = Some("4242".into());
    doc.payment.payment_id = Some("re_3QKx1018".into());
    doc.references = vec![DocumentReference { number: invoice, issue_date: date("2026-10-05"), relation: Relation::Credits, reason: None }];
    doc
}

/// The fixture invoice's customer's statement for October 2026 in `language`: €10.00 owed
/// from September, the invoice (€1,234.50) and its card payment (€1,244.50), the credit
/// note KL-CN-2026-000002 and its refund, and a duplicate charge: €25.00 in their favour.
pub fn statement(language: &str) -> domain::statement::Statement {
    use domain::statement::{Balance, Detail, Entry, EntryKind, Statement};
    let doc = oss_invoice();
    let entry = |day: &str, kind, reference: &str, detail, charged: Option<&str>, paid: Option<&str>| Entry {
        date: date(day),
        kind,
        reference: reference.into(),
        detail,
        currency: "EUR".into(),
        charged: charged.map(d),
        paid: paid.map(d),
    };
    let card = |id: &str| Detail::Card { brand: Some("Visa".into()), last4: Some("4242".into()), payment_id: Some(id.into()) };
    let credits = Detail::Reference { relation: Relation::Credits, number: "KL-INV-2026-000017".into(), issue_date: date("2026-10-05") };
    Statement {
        customer_id: doc.customer_id.clone(),
        language: language.into(),
        customer: doc.customer.clone(),
        seller: doc.seller.clone(),
        from: date("2026-10-01"),
        to: date("2026-10-31"),
        entries: vec![
            entry("2026-10-01", EntryKind::BroughtForward, "", Detail::None, Some("10.00"), None),
            entry("2026-10-05", EntryKind::Invoice, "KL-INV-2026-000017", Detail::Description { text: "Pro plan (monthly)".into(), more_lines: 0 }, Some("1234.50"), None),
            entry("2026-10-05", EntryKind::Payment, "KL-INV-2026-000017", card("pi_3QKx1017"), None, Some("1244.50")),
            entry("2026-10-26", EntryKind::CreditNote, "KL-CN-2026-000002", credits, Some("-25.00"), None),
            entry("2026-10-26", EntryKind::Refund, "KL-CN-2026-000002", card("re_3QKx1018"), None, Some("-25.00")),
            entry("2026-10-28", EntryKind::Duplicate, "du_1020", Detail::DuplicateOf("ch_1019".into()), None, Some("25.00")),
        ],
        balances: vec![Balance {
            currency: "EUR".into(),
            brought_forward: d("-10.00"),
            invoiced: d("1234.50"),
            credited: d("25.00"),
            payments: d("1269.50"),
            refunds: d("25.00"),
            balance: d("25.00"),
        }],
        with_payment_history: true,
    }
}
