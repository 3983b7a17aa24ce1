//! Customer statements (the record; `export::statement` builds one from the archive): what support sends for "I was charged twice" and "where is my
//! refund" — every invoice, credit note, payment and refund of one customer in a date range,
//! and the balance.
//!
//! Documents come from the archive as issued. Money comes from the documents (an invoice's
//! card payment, a credit note's refund) and, with the data folder, from the payment history
//! for what has no document: duplicate charges, their refunds, refunds of an overpayment.
//!
//! **The balance**, per currency: the balance brought forward from before the range, plus
//! (payments − refunds) − (invoices − credit notes) within it. Zero:
//! everything charged was invoiced and everything refunded was credited. Positive: the
//! customer paid more than was invoiced (a duplicate not yet refunded, an overpaid
//! replacement). A replacement invoice is paid by its original's payment (the cancelling
//! credit note offsets it), so neither is counted as money twice. A range that starts after
//! the customer's first document opens with the balance brought forward: without it, a
//! payment in the range for an invoice of the month before reads as money never invoiced.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::document::Party;

/// What a statement line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Invoice,
    CreditNote,
    /// A card payment of an invoice.
    Payment,
    /// A refund paid out with a credit note.
    Refund,
    /// A charge the processor flagged as a duplicate: money received, no supply.
    Duplicate,
    /// A refund of a duplicate charge, or of an overpayment: money returned, no credit note.
    DuplicateReturned,
    /// The balance of everything before the range, as its first line: in `charged` what the
    /// customer owed, else in `paid` what was in their favour (or nothing).
    BroughtForward,
}

impl EntryKind {
    /// Its name in the statement's CSV and JSON (`credit_note`, `duplicate_returned`…).
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::CreditNote => "credit_note",
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
            EntryKind::Duplicate => "duplicate",
            EntryKind::DuplicateReturned => "duplicate_returned",
            EntryKind::BroughtForward => "brought_forward",
        }
    }

    /// Its name on the statement's PDF and HTML.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Invoice => "Invoice",
            EntryKind::CreditNote => "Credit note",
            EntryKind::Payment => "Payment",
            EntryKind::Refund => "Refund",
            EntryKind::Duplicate => "Duplicate charge",
            EntryKind::DuplicateReturned => "Returned to you",
            EntryKind::BroughtForward => "Balance brought forward",
        }
    }
}

/// One line of the statement. Exactly one of `charged` (documents: invoices positive,
/// credit notes negative) and `paid` (money: payments positive, refunds negative) is set.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    /// The document number, or the transaction id of money without a document.
    pub reference: String,
    pub detail: String,
    pub currency: String,
    pub charged: Option<Decimal>,
    pub paid: Option<Decimal>,
}

/// The totals of one currency.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Balance {
    pub currency: String,
    /// The balance before the range (see [`EntryKind::BroughtForward`]).
    pub brought_forward: Decimal,
    pub invoiced: Decimal,
    pub credited: Decimal,
    pub payments: Decimal,
    pub refunds: Decimal,
    /// brought_forward + (payments − refunds) − (invoiced − credited): positive is in the
    /// customer's favour.
    pub balance: Decimal,
}

#[derive(Clone, Debug, Serialize)]
pub struct Statement {
    pub customer_id: String,
    pub customer: Party,
    pub seller: Party,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// In date order; on one day documents before money, then by reference.
    pub entries: Vec<Entry>,
    pub balances: Vec<Balance>,
    /// Whether the payment history was read (duplicates are known only from it).
    pub with_payment_history: bool,
}

/// An amount of `currency` at its minor unit (`12.60`, `1980`).
pub fn amount(currency: &str, d: Decimal) -> String {
    let digits = crate::money::Currency::parse(currency).map_or(2, |c| c.minor_units());
    let mut d = d;
    d.rescale(digits);
    d.to_string()
}

/// The balance in words: what support tells the customer.
pub fn balance_text(b: &Balance) -> String {
    let a = amount(&b.currency, b.balance.abs());
    if b.balance.is_zero() {
        format!("Balance {} {}: settled, nothing is owed either way", amount(&b.currency, Decimal::ZERO), b.currency)
    } else if b.balance.is_sign_positive() {
        format!("Balance {a} {} in your favour: paid but not invoiced, to be refunded", b.currency)
    } else {
        format!("Balance {a} {} due: invoiced but not paid", b.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_kind_codes_are_the_json_names() {
        let all = [
            (EntryKind::Invoice, "invoice"),
            (EntryKind::CreditNote, "credit_note"),
            (EntryKind::Payment, "payment"),
            (EntryKind::Refund, "refund"),
            (EntryKind::Duplicate, "duplicate"),
            (EntryKind::DuplicateReturned, "duplicate_returned"),
            (EntryKind::BroughtForward, "brought_forward"),
        ];
        for (kind, name) in all {
            assert_eq!(kind.code(), name);
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{name}\""));
        }
    }
}
