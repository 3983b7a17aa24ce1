//! What changed in a transaction since its document was issued, for the error that refuses
//! the edit.
//!
//! The archive records a fingerprint of the rows a document was issued from, not the rows:
//! a fingerprint that differs says *that* a row was edited, not *which* field. A user facing
//! a row 23 columns wide needs the field, so on that (rare) error the planner reads the issued
//! document back and compares the transaction with what the document states. The comparison
//! is of values, never of how they are written: `149` and `149.00` are the same amount (a
//! file saved again by a spreadsheet has the same fingerprint anyway, see
//! `Transaction::issued_as_is`).
//!
//! The document does not state every field of its rows. An invoice states its charge's lines
//! (description, quantity, unit amount, basis, service period, the charge a plan-change line
//! adjusts), its customer, currency, tax point date, card and IP country, payment details,
//! purchase order and note; not the transaction's `reason` nor the time of day of its
//! `timestamp`. A credit note is built from the invoice it credits, so it states less of its
//! refund: the customer, currency, tax point date, payment id, reason and what it credited.
//! Where nothing the document states differs, the error says which fields it could not
//! compare rather than guessing one.

use rust_decimal::Decimal;

use domain::document::{Document, DocumentKind};
use domain::model::{AmountBasis, DataSet, PaymentMethod, Status, Transaction};
use domain::payment::terms::{BANK_TRANSFER, DUE};

/// What differs between `txn` and `doc`, the document issued from it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// `field was X when issued, is now Y`, one per difference, in column order.
    pub differ: Vec<String>,
    /// Fields (or parts of one) the document does not state, so not compared.
    pub not_compared: Vec<&'static str>,
    /// A bank-transfer charge invoiced while pending is now marked succeeded.
    transfer_marked_paid: bool,
}

impl Changes {
    /// Whether the one difference is a bank-transfer charge invoiced while pending that is
    /// now marked succeeded: its money arriving, written onto the charge.
    pub(crate) fn is_transfer_marked_paid(&self) -> bool {
        self.transfer_marked_paid && self.differ.len() == 1
    }

    /// The explanation completing "'<id>' has changed since it was issued as <number>".
    pub(crate) fn explain(&self) -> String {
        if self.differ.is_empty() {
            let (last, rest) = self.not_compared.split_last().expect("a document never states the time of day");
            let fields = if rest.is_empty() { last.to_string() } else { format!("{} or {last}", rest.join(", ")) };
            format!(": none of the fields its document states differs, so the change is in one it does not state: {fields}")
        } else {
            format!(": {}", self.differ.join(", "))
        }
    }
}

/// A text value as the message quotes it.
fn text(s: &str) -> String {
    if s.is_empty() { "empty".into() } else { format!("'{s}'") }
}

fn optional(s: Option<&str>) -> String {
    text(s.unwrap_or(""))
}

/// An amount at (at least) `minor_units` decimals, as a billing export writes it.
fn amount(d: Decimal, minor_units: u32) -> String {
    let mut d = d.normalize();
    if d.scale() < minor_units {
        d.rescale(minor_units);
    }
    d.to_string()
}

/// Compares `txn` with `doc`, the document issued from it (an invoice of a charge, a credit
/// note of a refund).
pub(crate) fn changes(data: &DataSet, txn: &Transaction, doc: &Document) -> Changes {
    let mut c = Changes::default();
    let mut differ = |field: &str, was: String, now: String| {
        if was != now {
            c.differ.push(format!("{field} was {was} when issued, is now {now}"));
        }
    };
    let type_was = match doc.kind {
        DocumentKind::Invoice => "charge",
        DocumentKind::CreditNote => "refund",
    };
    differ("type", text(type_was), text(txn.kind.name()));
    differ("customer_id", text(&doc.customer_id), text(&txn.customer_id));
    differ("currency", text(doc.currency.code()), text(txn.currency.code()));
    // Only the date is recorded: the tax point, the timestamp's local date.
    differ("timestamp", format!("dated {}", doc.tax_point_date), format!("dated {}", data.local_date(txn.timestamp)));
    let mut not_compared = vec!["the time of day in timestamp"];
    let transfer_marked_paid = match doc.kind {
        DocumentKind::Invoice => invoice(txn, doc, &mut differ, &mut not_compared),
        DocumentKind::CreditNote => {
            credit_note(txn, doc, &mut differ, &mut not_compared);
            false
        }
    };
    c.not_compared = not_compared;
    c.transfer_marked_paid = transfer_marked_paid;
    c
}

/// Returns whether the charge, a bank transfer invoiced while pending, is now marked succeeded.
fn invoice(txn: &Transaction, doc: &Document, differ: &mut impl FnMut(&str, String, String), not_compared: &mut Vec<&'static str>) -> bool {
    let minor = txn.currency.minor_units();
    // A bank-transfer invoice issued before its payment states it due: the charge was pending.
    let status_was = match doc.payment.method.as_str() {
        BANK_TRANSFER if doc.payment.status == DUE => "pending",
        _ => "succeeded",
    };
    let status_now = txn.status.name();
    differ("status", text(status_was), text(status_now));
    let transfer_marked_paid = status_was == "pending" && txn.status == Status::Succeeded && txn.payment_method == PaymentMethod::BankTransfer;
    let method_now = match txn.payment_method {
        PaymentMethod::Card => "card",
        PaymentMethod::BankTransfer => BANK_TRANSFER,
    };
    differ("payment_method", text(&doc.payment.method), text(method_now));
    // Every line of a tax-inclusive invoice keeps its gross price; a net one none.
    let basis_was = if doc.lines.iter().any(|l| l.gross.is_some()) { "gross" } else { "net" };
    let basis_now = match txn.amount_basis {
        AmountBasis::Gross => "gross",
        AmountBasis::Net => "net",
    };
    differ("amount_basis", text(basis_was), text(basis_now));
    let country = |c: Option<domain::country::CountryCode>| optional(c.as_ref().map(|c| c.as_str()));
    differ("card_country", country(doc.tax.evidence.card_country), country(txn.card_country));
    differ("ip_country", country(doc.tax.evidence.ip_country), country(txn.ip_country));
    differ("card_brand", optional(doc.payment.card_brand.as_deref()), optional(txn.card_brand.as_deref()));
    differ("card_last4", optional(doc.payment.card_last4.as_deref()), optional(txn.card_last4.as_deref()));
    differ("payment_id", optional(doc.payment.payment_id.as_deref()), optional(txn.payment_id.as_deref()));
    differ("purchase_order", optional(doc.order_reference.as_deref()), optional(txn.purchase_order.as_deref()));
    note(txn, doc, differ, not_compared);
    not_compared.push("reason");
    if doc.lines.len() != txn.lines.len() {
        differ("the number of rows", format!("{}", doc.lines.len()), format!("{}", txn.lines.len()));
        return transfer_marked_paid;
    }
    let several = txn.lines.len() > 1;
    for (was, now) in doc.lines.iter().zip(&txn.lines) {
        let field = |name: &str| if several { format!("{name} on line {}", now.source_line) } else { name.to_string() };
        differ(&field("description"), text(&was.description), text(&now.description));
        differ(&field("quantity"), was.quantity.normalize().to_string(), now.quantity.normalize().to_string());
        // The price as charged: the gross price of a tax-inclusive line, else the net one
        // (exact: a net line's net amount is its amount as charged).
        let unit_was = was.gross.as_ref().map_or(was.unit_price, |g| g.unit_price);
        differ(&field("unit_amount"), amount(unit_was, minor), amount(now.unit_amount.amount(), minor));
        differ(&field("proration"), was.proration.to_string(), now.proration.to_string());
        let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "empty".to_string(), |d| d.to_string());
        differ(&field("service_start"), date(was.service_start), date(now.service_start));
        differ(&field("service_end"), date(was.service_end), date(now.service_end));
        differ(&field("refers_to"), optional(was.adjusts.as_deref()), optional(now.refers_to.as_deref()));
    }
    transfer_marked_paid
}

fn credit_note(txn: &Transaction, doc: &Document, differ: &mut impl FnMut(&str, String, String), not_compared: &mut Vec<&'static str>) {
    differ("payment_id", optional(doc.payment.payment_id.as_deref()), optional(txn.payment_id.as_deref()));
    let reason_was = doc.references.first().and_then(|r| r.reason.as_deref());
    differ("reason", optional(reason_was), text(&txn.reason));
    note(txn, doc, differ, not_compared);
    // A refund credits its amount: the credit note's gross for a tax-inclusive refund, its
    // net for a net one. Which basis it had is not stated, so only an amount that is
    // neither is known to have changed.
    let minor = txn.currency.minor_units();
    let now = txn.total().amount();
    if now != doc.totals.gross && now != doc.totals.net {
        differ(
            "unit_amount",
            format!("{} (gross; {} net) in total", amount(doc.totals.gross, minor), amount(doc.totals.net, minor)),
            format!("{} in total", amount(now, minor)),
        );
    }
    not_compared.extend(["status", "description", "quantity", "amount_basis", "card_brand", "card_last4", "purchase_order", "card_country", "ip_country"]);
}

/// The transaction's note: the document's notes are the customer's note (customers.csv, as
/// it was then) followed by the transaction's. Two notes, or none, say what the
/// transaction's was; one could be either's, and is not compared.
fn note(txn: &Transaction, doc: &Document, differ: &mut impl FnMut(&str, String, String), not_compared: &mut Vec<&'static str>) {
    let was = match doc.notes.as_slice() {
        [] => None,
        [_, transaction] => Some(transaction.as_str()),
        _ => {
            not_compared.push("note");
            return;
        }
    };
    differ("note", optional(was), optional(txn.note.as_deref()));
}
