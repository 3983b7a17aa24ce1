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

use crate::document::{Party, Relation};

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
}

/// What a line's detail column says, as data: the renderer words it in the statement's
/// language; the CSV and JSON write [`Detail::code_text`], which does not change with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Nothing (the balance brought forward).
    None,
    /// A document without references: its first line's description, as invoiced, and how
    /// many more lines it has (a seat and a credit pack on one invoice).
    Description { text: String, more_lines: usize },
    /// A credit note or replacement invoice: the document it credits, cancels, replaces or
    /// adjusts, with that document's issue date.
    Reference { relation: Relation, number: String, issue_date: NaiveDate },
    /// A card payment or refund: the card and the payment processor's id, as far as known.
    Card { brand: Option<String>, last4: Option<String>, payment_id: Option<String> },
    /// A charge the processor flagged as a duplicate of the transaction named.
    DuplicateOf(String),
    /// Money returned for the transaction named (a duplicate, an overpayment), no credit note.
    RefundOf(String),
    /// A charge that succeeded and has no invoice yet.
    NotInvoiced,
    /// A bank transfer received for the charge named.
    TransferFor(String),
}

impl Detail {
    /// The detail as the CSV and the JSON write it: `credits KL-INV-2026-000002`,
    /// `Visa 4242, pi_3Qx`, `duplicate of ch_1003`; English words of a machine format, the
    /// same whatever the customer's language.
    pub fn code_text(&self) -> String {
        match self {
            Detail::None => String::new(),
            Detail::Description { text, more_lines: 0 } => text.clone(),
            Detail::Description { text, more_lines } => format!("{text} + {more_lines} more"),
            Detail::Reference { relation, number, .. } => format!("{} {number}", relation.code()),
            Detail::Card { brand, last4, payment_id } => {
                let card = [brand.as_deref(), last4.as_deref().map(str::trim)].into_iter().flatten().collect::<Vec<_>>().join(" ");
                [Some(card).filter(|c| !c.is_empty()), payment_id.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ")
            }
            Detail::DuplicateOf(of) => format!("duplicate of {of}"),
            Detail::RefundOf(of) => format!("refund of {of}"),
            Detail::NotInvoiced => "not invoiced yet".into(),
            Detail::TransferFor(of) => format!("bank transfer received for {of}"),
        }
    }
}

impl Serialize for Detail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code_text())
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
    pub detail: Detail,
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
    /// The language the statement is printed in: the customer's, as their latest document
    /// up to `to` is printed (customers.csv's when they have none), like their invoices.
    pub language: String,
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

/// The balance in words, in English, as the terminal prints it for support (the statement's
/// PDF and HTML word it in the customer's language).
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

    /// The CSV's and JSON's detail is a machine text, the same in every customer's language.
    #[test]
    fn details_are_written_for_machines_as_before() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 3).unwrap();
        let card = |brand: Option<&str>, last4: Option<&str>, id: Option<&str>| Detail::Card { brand: brand.map(Into::into), last4: last4.map(Into::into), payment_id: id.map(Into::into) };
        let cases = [
            (Detail::None, ""),
            (Detail::Description { text: "Pro plan (monthly)".into(), more_lines: 0 }, "Pro plan (monthly)"),
            (Detail::Description { text: "Team plan (monthly) seat".into(), more_lines: 1 }, "Team plan (monthly) seat + 1 more"),
            (Detail::Reference { relation: Relation::Credits, number: "KL-INV-2026-000002".into(), issue_date: day }, "credits KL-INV-2026-000002"),
            (Detail::Reference { relation: Relation::Cancels, number: "KL-INV-2026-000002".into(), issue_date: day }, "cancels KL-INV-2026-000002"),
            (card(Some("Visa"), Some(" 4242"), Some("pi_3Qx")), "Visa 4242, pi_3Qx"),
            (card(None, None, Some("pi_3Qx")), "pi_3Qx"),
            (card(Some("Visa"), None, None), "Visa"),
            (Detail::DuplicateOf("ch_1003".into()), "duplicate of ch_1003"),
            (Detail::RefundOf("du_1004".into()), "refund of du_1004"),
            (Detail::NotInvoiced, "not invoiced yet"),
            (Detail::TransferFor("ch_1021".into()), "bank transfer received for ch_1021"),
        ];
        for (detail, text) in cases {
            assert_eq!(detail.code_text(), text);
            assert_eq!(serde_json::to_string(&detail).unwrap(), serde_json::to_string(text).unwrap());
        }
    }
}
