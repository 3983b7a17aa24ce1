//! Xero's sales-invoice import (Business → Invoices → Import): the columns of Xero's own
//! template, `SalesInvoiceTemplate.csv`, one row per document line.
//!
//! Amounts are the lines' net amounts (import them as "Tax Exclusive"); Xero computes the
//! tax from each line's TaxType, per line, so its rounding may differ from the documents'
//! (one rounding per rate, EN 16931 BR-CO-17) by a cent: the archived PDF stays the
//! invoice. A credit note's lines have a negative quantity, which Xero imports as a credit
//! note. Dates are DD/MM/YYYY, the template's format; the due date is a bank transfer's due
//! date, else the issue date (paid by card). AccountCode and TaxType come from the account
//! mapping.

use rust_decimal::Decimal;

use super::accounts::{self, Accounts};
use super::{amt, row_treatment};
use crate::csv_out::{Column, Rows, number, text};
use domain::document::{Document, DocumentKind, DocumentLine, TaxSubtotal};

/// Xero's published column set, in order; `*` marks what Xero requires.
pub const COLUMNS: &[Column] = &[
    text("*ContactName"), text("EmailAddress"), text("POAddressLine1"), text("POAddressLine2"), text("POAddressLine3"),
    text("POAddressLine4"), text("POCity"), text("PORegion"), text("POPostalCode"), text("POCountry"), text("*InvoiceNumber"),
    text("Reference"), text("*InvoiceDate"), text("*DueDate"), text("InventoryItemCode"), text("*Description"),
    number("*Quantity"), number("*UnitAmount"), number("Discount"), text("*AccountCode"), text("*TaxType"),
    text("TrackingName1"), text("TrackingOption1"), text("TrackingName2"), text("TrackingOption2"), text("Currency"),
    text("BrandingTheme"),
];

/// Appends the rows of `d`.
pub fn write(w: &mut Rows, d: &Document, accounts: &Accounts) {
    let date = d.issue_date.format("%d/%m/%Y").to_string();
    // A card document is paid when issued; a transfer is due on the invoice's due date.
    let due = domain::payment::terms::asks_transfer(d).map_or(d.issue_date, |t| t.due_date).format("%d/%m/%Y").to_string();
    // The contact's address comes from invoices only: a credit note carries its invoice's
    // (for a reissue, the old one), and Xero's "update contacts with imported address
    // details" would put it back after the replacement's corrected one.
    let invoice_address = (d.kind == DocumentKind::Invoice).then_some(&d.customer.address);
    let field = |f: fn(&domain::document::Address) -> &str| invoice_address.map_or("", f);
    for line in &d.lines {
        let (quantity, unit) = quantity_and_unit(line, d.minor_units());
        let quantity = if d.kind == DocumentKind::CreditNote { -quantity } else { quantity };
        let (account, tax_type) = line_account(d, line, accounts);
        w.row([
            d.customer.name.as_str(),
            d.customer.email.as_deref().unwrap_or(""),
            field(|a| &a.line1),
            field(|a| &a.line2),
            "",
            "",
            field(|a| &a.city),
            field(|a| &a.region),
            field(|a| &a.postal_code),
            field(|a| a.country.as_str()),
            d.number.as_str(),
            &reference(d),
            &date,
            &due,
            "",
            &line.description,
            &quantity.normalize().to_string(),
            &unit,
            "",
            &account,
            &tax_type,
            "",
            "",
            "",
            "",
            d.currency.code(),
            "",
        ]);
    }
}

/// A line's quantity and net unit amount such that quantity × unit amount is its net
/// amount exactly: its own when they multiply out at the currency's minor unit, else one of
/// the line's net amount (a unit price derived from a tax-inclusive price has more decimals).
pub(crate) fn quantity_and_unit(line: &DocumentLine, digits: u32) -> (Decimal, String) {
    let exact = line.unit_price.round_dp(digits) == line.unit_price && line.unit_price * line.quantity == line.net_amount;
    if exact && !line.quantity.is_zero() {
        (line.quantity, amt(line.unit_price, digits))
    } else {
        (Decimal::ONE, amt(line.net_amount, digits))
    }
}

/// The revenue account and tax code of a line, by the breakdown row of its category and rate.
pub(crate) fn line_account(d: &Document, line: &DocumentLine, accounts: &Accounts) -> (String, String) {
    let row = d
        .tax_breakdown
        .iter()
        .find(|r| r.tax_category == line.tax_category && r.tax_rate == line.tax_rate)
        .cloned()
        .unwrap_or(TaxSubtotal { tax_category: line.tax_category, tax_rate: line.tax_rate, taxable_amount: Decimal::ZERO, tax_amount: Decimal::ZERO });
    let treatment = row_treatment(d, &row);
    let rate = line.tax_rate.normalize();
    let country = d.tax.jurisdiction.as_str();
    let rule = accounts.revenue(treatment, rate, country);
    (rule.account.clone(), accounts::tax_code(rule, treatment, rate, country))
}

/// What identifies the payment: the processor's payment id, else the transactions.
pub(crate) fn reference(d: &Document) -> String {
    d.payment.payment_id.clone().unwrap_or_else(|| d.source_transactions.join(" "))
}
