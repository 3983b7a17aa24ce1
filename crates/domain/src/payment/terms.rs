//! What an invoice says about its payment, and how a bank transfer received later settles it.
//!
//! The input says "invoice now, paid later" with two columns of transactions.csv: a charge
//! with `payment_method = bank_transfer` and `status = pending` is invoiced at once (its
//! timestamp is the date of supply), with nothing paid and the whole total due by the issue
//! date plus `[bank] payment_terms_days`; the transfer, when it arrives, is a row of
//! `type = payment` referring to the charge, which issues no document (the invoice already
//! says everything) and settles the invoice in the export's reconciliation. A bank-transfer
//! charge already `succeeded` (paid before it was invoiced) is invoiced as paid.

use chrono::{Days, NaiveDate};

use crate::document::{BankTransfer, Document, DocumentKind};
use crate::model::{Status, Transaction};

/// The `method` of a bank-transfer payment in the document record.
pub const BANK_TRANSFER: &str = "bank_transfer";
/// The `status` of an invoice issued before it is paid.
pub const DUE: &str = "due";

/// Completes a numbered invoice's payment terms: the RF reference from its number and the
/// due date from its issue date. A credit note keeps its invoice's account and reference (the
/// e-invoice names the transfer it refunds or cancels) and asks for nothing.
pub fn numbered(doc: &mut Document) {
    if doc.kind == DocumentKind::CreditNote {
        return;
    }
    if let Some(t) = &mut doc.payment.transfer {
        t.reference = super::rf::creditor_reference(doc.number.as_str()).unwrap_or_default();
        t.due_date = doc.issue_date.checked_add_days(Days::new(u64::from(t.terms_days))).unwrap_or(doc.issue_date);
        if doc.payment.status == DUE {
            doc.payment.date = t.due_date;
        }
    }
}

/// Why a `payment` row issues nothing.
pub fn skipped_payment(txn: &Transaction, status: Status) -> String {
    let charge = txn.refers_to.as_deref().unwrap_or("?");
    match status {
        Status::Succeeded => format!("bank transfer received for {charge}: paid towards its invoice, no second document"),
        Status::Failed => format!("bank transfer for {charge} failed: no document"),
        Status::Pending => format!("bank transfer for {charge} pending: no document"),
    }
}

/// Whether a document asks to be paid by transfer: an invoice with an amount due and the
/// seller's account.
pub fn asks_transfer(doc: &Document) -> Option<&BankTransfer> {
    (doc.kind == DocumentKind::Invoice && doc.payment.status == DUE && doc.totals.due > rust_decimal::Decimal::ZERO)
        .then_some(doc.payment.transfer.as_ref())
        .flatten()
}

/// The EPC QR code payload of a document that asks for a transfer in euro (a SEPA credit
/// transfer is in euro: other currencies get the account and reference, no code).
pub fn epc_payload(doc: &Document) -> Option<String> {
    let t = asks_transfer(doc)?;
    if doc.currency.code() != "EUR" {
        return None;
    }
    super::epc::payload(&super::epc::Transfer { name: &t.account_holder, iban: &t.iban, bic: t.bic.as_deref(), amount: doc.totals.due, reference: &t.reference }).ok()
}

/// Whether charge `txn` is settled on `day` by the bank transfers in `payments` (the data
/// set's `payment` rows, with their local dates): the sum received by then covers `amount`.
pub fn settled_by(amount: rust_decimal::Decimal, payments: &[(NaiveDate, rust_decimal::Decimal)], day: NaiveDate) -> bool {
    payments.iter().filter(|(d, _)| *d <= day).map(|(_, a)| *a).sum::<rust_decimal::Decimal>() >= amount
}
