//! The words and number formats shared by every human-readable format.
//!
//! PDF and HTML print the same strings from here, so the two never disagree about what a
//! document says. Formats are fixed and locale-free (ISO dates, `1,234.50`), because the
//! machine's locale must never change a document's bytes.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::document::{Document, DocumentKind, DocumentLine, Party, TaxSubtotal, Treatment};
use crate::money::format_amount;

/// Every label a document prints.
#[derive(Debug)]
pub struct Labels {
    pub invoice: &'static str,
    pub credit_note: &'static str,
    pub number: &'static str,
    pub issue_date: &'static str,
    pub tax_point_date: &'static str,
    pub seller: &'static str,
    pub customer: &'static str,
    pub customer_id: &'static str,
    pub vat_id: &'static str,
    pub registration_id: &'static str,
    pub description: &'static str,
    pub service_period: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub tax_rate: &'static str,
    pub net_amount: &'static str,
    pub subtotal: &'static str,
    pub tax_breakdown: &'static str,
    pub taxable_amount: &'static str,
    pub tax_amount: &'static str,
    pub total: &'static str,
    pub paid: &'static str,
    pub due: &'static str,
    pub currency: &'static str,
    pub proration: &'static str,
    pub references: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub continued: &'static str,
    pub base_currency_tax: &'static str,
    pub transactions: &'static str,
}

pub const ENGLISH: Labels = Labels {
    invoice: "Invoice",
    credit_note: "Credit note",
    number: "Number",
    issue_date: "Issue date",
    tax_point_date: "Date of supply",
    seller: "From",
    customer: "Bill to",
    customer_id: "Customer ID",
    vat_id: "VAT ID",
    registration_id: "Company reg. no.",
    description: "Description",
    service_period: "Service period",
    quantity: "Qty",
    unit_price: "Unit price",
    tax_rate: "VAT",
    net_amount: "Amount",
    subtotal: "Subtotal (excl. tax)",
    tax_breakdown: "Tax breakdown",
    taxable_amount: "Taxable amount",
    tax_amount: "Tax",
    total: "Total",
    paid: "Paid",
    due: "Amount due",
    currency: "Currency",
    proration: "Plan change adjustment",
    references: "References",
    page: "Page",
    of: "of",
    continued: "continued",
    base_currency_tax: "VAT in",
    transactions: "Transactions",
};

/// The labels for a document's language (English until translations exist).
pub fn labels(_language: &str) -> &'static Labels {
    &ENGLISH
}

pub fn title(doc: &Document) -> &'static str {
    let l = labels(&doc.language);
    match doc.kind {
        DocumentKind::Invoice => l.invoice,
        DocumentKind::CreditNote => l.credit_note,
    }
}

/// `2026-10-05`: ISO 8601 reads the same in every country.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An amount at the document currency's minor unit: `1,234.50`.
pub fn amount(doc: &Document, value: Decimal) -> String {
    format_amount(value, doc.minor_units())
}

/// An amount with its currency code: `1,234.50 EUR`.
pub fn money(doc: &Document, value: Decimal) -> String {
    format!("{} {}", amount(doc, value), doc.currency)
}

/// A unit price: at least the currency's minor units, more only if the price has them.
pub fn unit_price(doc: &Document, value: Decimal) -> String {
    let digits = value.normalize().scale().max(doc.minor_units());
    format_amount(value, digits)
}

/// `1`, `2.5`: quantities without trailing zeros.
pub fn quantity(q: Decimal) -> String {
    q.normalize().to_string()
}

/// `24%`, `25.5%`.
pub fn percent(rate: Decimal) -> String {
    format!("{}%", rate.normalize())
}

/// The tax column of a line: `24%`, or the category for zero-rated treatments.
pub fn line_tax(doc: &Document, line: &DocumentLine) -> String {
    match doc.tax.treatment {
        Treatment::ReverseCharge | Treatment::NonEuReverseCharge => "RC".into(),
        Treatment::OutsideScope => "—".into(),
        _ => percent(line.tax_rate),
    }
}

/// The label of one breakdown row: `VAT 24%`, `GST 10%`, `Reverse charge`, `Outside scope`.
pub fn subtotal_label(doc: &Document, row: &TaxSubtotal) -> String {
    match doc.tax.treatment {
        Treatment::ReverseCharge | Treatment::NonEuReverseCharge => {
            format!("{} 0% (reverse charge)", doc.tax.tax_name)
        }
        Treatment::OutsideScope => "Not subject to VAT".into(),
        _ => format!("{} {}", doc.tax.tax_name, percent(row.tax_rate)),
    }
}

/// The label of one breakdown row with its base: `VAT 19% on 21.01`.
pub fn subtotal_row(doc: &Document, row: &TaxSubtotal) -> String {
    format!("{} on {}", subtotal_label(doc, row), amount(doc, row.taxable_amount))
}

/// `2026-10-05 – 2026-11-04`, if the line has a service period.
pub fn service_period(line: &DocumentLine) -> Option<String> {
    match (line.service_start, line.service_end) {
        (Some(s), Some(e)) => Some(format!("{} – {}", date(s), date(e))),
        (Some(s), None) => Some(format!("from {}", date(s))),
        (None, Some(e)) => Some(format!("until {}", date(e))),
        (None, None) => None,
    }
}

/// `Paid by card on 2026-10-05.`
pub fn payment(doc: &Document) -> String {
    let paid = format!("{} on {}: {}", doc.payment.method, date(doc.payment.date), money(doc, doc.payment.amount));
    match (doc.kind, doc.payment.status.as_str()) {
        (DocumentKind::CreditNote, "offset") => {
            "Cancels the invoice referenced above in full; the payment received for it is applied to its replacement invoice.".into()
        }
        (DocumentKind::CreditNote, _) => format!("Refunded to {paid}."),
        (DocumentKind::Invoice, _) if doc.totals.due.is_zero() => format!("Paid by {paid}. Nothing is due."),
        (DocumentKind::Invoice, _) if doc.totals.due.is_sign_negative() => format!(
            "Paid by {paid}. Overpaid by {}, which is refunded.",
            money(doc, -doc.totals.due)
        ),
        (DocumentKind::Invoice, _) => format!("Paid by {paid}. Amount due: {}.", money(doc, doc.totals.due)),
    }
}

/// `Credits invoice KL-INV-2026-000003 of 2026-10-04 (reason)`, one per reference.
pub fn reference(r: &crate::document::DocumentReference) -> String {
    let verb = match r.relation {
        crate::document::Relation::Credits => "Credits invoice",
        crate::document::Relation::Cancels => "Cancels invoice",
        crate::document::Relation::Replaces => "Replaces invoice",
    };
    let mut out = format!("{verb} {} of {}", r.number, date(r.issue_date));
    if let Some(reason) = &r.reason {
        out.push_str(&format!(" — reason: {reason}"));
    }
    out
}

/// The postal address as printed, line by line, ending with the country's name.
/// Countries that put the city before the postal code get that order.
pub fn address_lines(party: &Party) -> Vec<String> {
    let a = &party.address;
    let mut lines: Vec<String> = [&a.line1, &a.line2]
        .into_iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect();
    let joined = |parts: &[&str], sep: &str| {
        parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(sep)
    };
    match a.country.as_str() {
        "US" | "CA" | "AU" => {
            let region_postal = joined(&[&a.region, &a.postal_code], " ");
            lines.push(joined(&[&a.city, &region_postal], ", "));
        }
        "GB" | "IE" => {
            lines.extend([&a.city, &a.region, &a.postal_code].into_iter().filter(|s| !s.is_empty()).cloned());
        }
        // Italy and Spain print the province after the city: 20121 Milano MI.
        "IT" | "ES" => lines.push(joined(&[&a.postal_code, &a.city, &a.region], " ")),
        _ => {
            lines.push(joined(&[&a.postal_code, &a.city], " "));
            if !a.region.is_empty() {
                lines.push(a.region.clone());
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    lines.push(a.country.name().to_string());
    lines
}

/// `Page 2 of 3`.
pub fn page_of(doc: &Document, page: usize, pages: usize) -> String {
    let l = labels(&doc.language);
    format!("{} {page} {} {pages}", l.page, l.of)
}

/// Art. 230 line: `VAT in EUR: 12.34 EUR (1 USD = 0.9200 EUR, ECB 2026-10-02)`.
pub fn base_currency_tax(doc: &Document) -> Option<String> {
    let b = doc.base_currency_tax.as_ref()?;
    Some(format!(
        "{} {}: {} {} on {} {} (rate 1 {} = {} {}, {} of {})",
        labels(&doc.language).base_currency_tax,
        b.currency,
        format_amount(b.tax_amount, b.currency.minor_units()),
        b.currency,
        format_amount(b.taxable_amount, b.currency.minor_units()),
        b.currency,
        b.published_base,
        b.published_rate.normalize(),
        b.published_quote,
        b.source,
        date(b.rate_date),
    ))
}
