//! QuickBooks Online's imports of sales (Settings → Import data): invoices, with the columns
//! of its sample file for VAT/GST companies, one row per document line; and credit notes,
//! with its credit-note import's (Import credit notes: Intuit, "How to import credit notes"):
//! the same but for the credit note's own number and date, and no due date or terms, which a
//! credit note has none of. Amounts are positive, as on the document: the import makes each a
//! credit note (credit memo), which reduces the sale. (Imported through the invoice import, as
//! an earlier version's file would have been, it would have added a sale.)
//!
//! ItemAmount is the line's net amount; QuickBooks computes the tax from ItemTaxCode
//! (ItemTaxAmount is left to it). Dates are DD/MM/YYYY (chosen when importing); an invoice's
//! due date is its issue date (paid by card) or a transfer's due date.

use super::accounts::Accounts;
use super::amt;
use super::xero::{line_account, quantity_and_unit, reference};
use crate::csv_out::{Column, Rows, number, text};
use domain::document::Document;

/// QuickBooks Online's published column set, in order; `*` marks what it requires.
pub const COLUMNS: &[Column] = &[
    text("*InvoiceNo"), text("*Customer"), text("*InvoiceDate"), text("*DueDate"), text("Terms"), text("Location"),
    text("Memo"), text("Item(Product/Service)"), text("ItemDescription"), number("ItemQuantity"), number("ItemRate"),
    number("*ItemAmount"), text("*ItemTaxCode"), number("ItemTaxAmount"), text("Currency"), text("Service Date"),
];

/// The credit-note import's columns, in order: the invoice's without `*DueDate` and `Terms`.
pub const CREDIT_NOTE_COLUMNS: &[Column] = &[
    text("*CreditNoteNo"), text("*Customer"), text("*CreditNoteDate"), text("Location"), text("Memo"),
    text("Item(Product/Service)"), text("ItemDescription"), number("ItemQuantity"), number("ItemRate"), number("*ItemAmount"),
    text("*ItemTaxCode"), number("ItemTaxAmount"), text("Currency"), text("Service Date"),
];

/// Appends the rows of `d`: an invoice's in [`COLUMNS`] to `invoices.csv`, a credit note's in
/// [`CREDIT_NOTE_COLUMNS`] to `credit-notes.csv`.
pub fn write(w: &mut Rows, d: &Document, accounts: &Accounts) {
    let invoice = d.kind == domain::document::DocumentKind::Invoice;
    let date = d.issue_date.format("%d/%m/%Y").to_string();
    // A card document is paid when issued; a transfer is due on the invoice's due date.
    let due = domain::payment::terms::asks_transfer(d).map_or(d.issue_date, |t| t.due_date).format("%d/%m/%Y").to_string();
    // A customer is one QuickBooks customer per id: names repeat, ids do not.
    let customer = format!("{} ({})", d.customer.name, d.customer_id);
    for line in &d.lines {
        let (quantity, rate) = quantity_and_unit(line, d.minor_units());
        let (account, tax_code) = line_account(d, line, accounts);
        let service = line.service_start.map(|s| s.format("%d/%m/%Y").to_string()).unwrap_or_default();
        // QuickBooks' own term for a card payment; a transfer's due date stands alone.
        let terms = if due == date { "Due on receipt" } else { "" };
        let head: &[&str] = if invoice { &[d.number.as_str(), &customer, &date, &due, terms] } else { &[d.number.as_str(), &customer, &date] };
        w.row(head.iter().copied().chain([
            "",
            &reference(d),
            &account,
            &line.description,
            &quantity.normalize().to_string(),
            &rate,
            &amt(line.net_amount, d.minor_units()),
            &tax_code,
            "",
            d.currency.code(),
            &service,
        ]));
    }
}
