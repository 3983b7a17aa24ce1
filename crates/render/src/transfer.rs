//! The words of a bank-transfer invoice, shared by the PDF and the HTML: the request to pay,
//! the account and reference, the due date, and the settlement rows ("Amount due" in place
//! of "Paid").

use domain::document::Document;
use locale::{self as i18n, fill};
use domain::payment::{iban, rf, terms};

use super::text;

/// The payment sentence of a bank-transfer invoice or of the refund credit note of one, or
/// `None` for a card payment.
pub fn sentence(doc: &Document) -> Option<String> {
    if doc.payment.method != terms::BANK_TRANSFER {
        return None;
    }
    let t = &i18n::texts(&doc.language).transfer;
    if doc.kind == domain::document::DocumentKind::CreditNote {
        let refunded = doc.payment.status == "refunded";
        return refunded.then(|| fill(&t.refunded, &[("date", &text::date(doc, doc.payment.date)), ("amount", &text::money(doc, doc.payment.amount))]));
    }
    Some(match terms::asks_transfer(doc) {
        Some(transfer) => fill(&t.due, &[
            ("amount", &text::money(doc, doc.totals.due)),
            ("date", &text::date(doc, transfer.due_date)),
            ("reference", &rf::grouped(&transfer.reference)),
        ]),
        None => fill(&t.paid, &[("date", &text::date(doc, doc.payment.date)), ("amount", &text::money(doc, doc.payment.amount))]),
    })
}

/// The account to pay to, labelled: holder, IBAN, BIC, reference (empty unless the
/// document asks for a transfer).
pub fn account(doc: &Document) -> Vec<(&'static str, String)> {
    let Some(transfer) = terms::asks_transfer(doc) else { return Vec::new() };
    let t = &i18n::texts(&doc.language).transfer;
    let mut rows = vec![(t.account_holder.as_str(), transfer.account_holder.clone()), (t.iban.as_str(), iban::grouped(&transfer.iban))];
    rows.extend(transfer.bic.as_ref().map(|bic| (t.bic.as_str(), bic.clone())));
    rows.push((t.reference.as_str(), rf::grouped(&transfer.reference)));
    rows
}

/// The words beside the QR code.
pub fn scan_label(doc: &Document) -> &'static str {
    &i18n::texts(&doc.language).transfer.scan
}

/// The due date among the document's facts, when it asks for a transfer.
pub fn due_fact(doc: &Document) -> Option<(&'static str, String)> {
    let transfer = terms::asks_transfer(doc)?;
    Some((i18n::texts(&doc.language).transfer.due_date.as_str(), text::date(doc, transfer.due_date)))
}

/// The rows under the total of an invoice issued before it is paid: only what is due
/// (nothing was paid yet, so no "Paid 0.00"); of a bank-transfer refund: what went back by
/// transfer.
pub fn settlement_rows(doc: &Document) -> Option<Vec<(String, String)>> {
    if doc.payment.method == terms::BANK_TRANSFER && doc.kind == domain::document::DocumentKind::CreditNote && doc.payment.status == "refunded" {
        return Some(vec![(i18n::texts(&doc.language).transfer.refunded_row.clone(), text::money(doc, doc.payment.amount))]);
    }
    terms::asks_transfer(doc)?;
    Some(vec![(i18n::texts(&doc.language).labels.due.clone(), text::money(doc, doc.totals.due))])
}
