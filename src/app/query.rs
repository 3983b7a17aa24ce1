//! Queries for support: which documents a customer has, in which state (`list`), and one
//! document with its history as data (`show --json`).
//!
//! Everything is read from the archive as issued: the register says what exists and what
//! refers to what; each listed document's JSON record (checked against its SHA-256) gives
//! the customer and amounts.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::archive::{Archive, RegisterEntry, State};
use crate::document::{Document, DocumentKind, Relation};
use crate::error::{Error, Result};
use super::payments::Ledger;
use crate::domain::history::History;

/// Where a document stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An invoice with an amount still due, or an overpayment not yet returned.
    Open,
    /// An invoice paid in full (by card), nothing credited; a credit note whose refund was
    /// paid out.
    Paid,
    /// An invoice that one or more credit notes credited (in part or in full).
    Credited,
    /// An invoice cancelled and replaced by a corrected one (`reissue`), and the credit note
    /// that cancelled it.
    Replaced,
}

impl Status {
    /// Its name, as `--status` takes it and `--json` prints it.
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Paid => "paid",
            Status::Credited => "credited",
            Status::Replaced => "replaced",
        }
    }

    /// Parses `open`, `paid`, `credited` or `replaced`. The error completes `'<text>' …`.
    pub fn parse(s: &str) -> std::result::Result<Status, String> {
        match s {
            "open" => Ok(Status::Open),
            "paid" => Ok(Status::Paid),
            "credited" => Ok(Status::Credited),
            "replaced" => Ok(Status::Replaced),
            _ => Err("is not a status; expected open, paid, credited or replaced".into()),
        }
    }
}

/// Parses `invoice` or `credit_note` (also `credit-note`).
pub fn parse_kind(s: &str) -> std::result::Result<DocumentKind, String> {
    match s {
        "invoice" => Ok(DocumentKind::Invoice),
        "credit_note" | "credit-note" => Ok(DocumentKind::CreditNote),
        _ => Err("is not a document kind; expected invoice or credit_note".into()),
    }
}

/// What `list` selects; every condition given must hold.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub customer: Option<String>,
    /// Issue dates from and to, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<DocumentKind>,
    pub status: Option<Status>,
}

/// One listed document.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub number: String,
    pub kind: DocumentKind,
    pub issue_date: NaiveDate,
    pub customer_id: String,
    pub customer_name: String,
    pub currency: String,
    /// Gross total as on the document (positive on credit notes too).
    pub total: Decimal,
    /// On an invoice: the gross its credit notes credited or cancelled.
    pub credited: Decimal,
    pub status: Status,
    /// On an open invoice: what it still asks for (negative: an overpayment to return).
    pub outstanding: Decimal,
    /// On an invoice asking for a bank transfer: the day it is due.
    pub due_date: Option<NaiveDate>,
    pub payment_id: Option<String>,
    pub transactions: Vec<String>,
    /// Documents it refers to, and documents referring to it.
    pub references: Vec<String>,
    pub referenced_by: Vec<String>,
}

/// The status of the document `d` registered as `entry`, whose [`outstanding`] is
/// `outstanding`. With the payment history (`with_history`), an invoice the transfers
/// received settled, or whose overpayment a refund returned, is paid; without it, open as
/// the archive knows it. On the day `on` (`show --on`), only the documents issued by then
/// credit, cancel or replace it.
pub fn status(state: &State, entry: &RegisterEntry, d: &Document, outstanding: Decimal, with_history: bool, on: Option<NaiveDate>) -> Status {
    let mut referrers = state.referrers(&entry.number);
    referrers.retain(|r| on.is_none_or(|on| r.issue_date <= on));
    let open = || !outstanding.is_zero() || (!with_history && entry.overpaid.is_some());
    match d.kind {
        DocumentKind::CreditNote if d.references.iter().any(|r| r.relation == Relation::Cancels) => Status::Replaced,
        DocumentKind::CreditNote => Status::Paid,
        DocumentKind::Invoice if referrers.iter().any(|r| r.relation == Relation::Cancels) => Status::Replaced,
        DocumentKind::Invoice if referrers.iter().any(|r| r.relation == Relation::Credits) => Status::Credited,
        DocumentKind::Invoice if open() => Status::Open,
        DocumentKind::Invoice => Status::Paid,
    }
}

/// What the invoice `d` still asks for (positive) or owes back (negative): with the payment
/// history (`ledger`), after the transfers received and the overpayment a refund returned
/// (by the seller's day `on`, if given); without it, as issued. Zero on a credit note. In
/// the currency's minor units.
pub fn outstanding(state: &State, d: &Document, ledger: Option<&Ledger>, on: Option<NaiveDate>) -> Decimal {
    if d.kind != DocumentKind::Invoice {
        return Decimal::ZERO;
    }
    let mut left = match ledger {
        Some(ledger) => super::payments::left(d, &ledger.received(state, d, on)),
        None => d.totals.due,
    };
    left.rescale(d.minor_units());
    left
}

/// The documents `filter` selects, in register order.
pub fn list(archive: &Archive, filter: &Filter, ledger: Option<&Ledger>) -> Result<Vec<Listed>> {
    use rayon::prelude::*;
    let state = archive.checked_state()?;
    let candidates: Vec<&RegisterEntry> = state
        .entries
        .iter()
        .filter(|e| filter.from.is_none_or(|f| e.issue_date >= f) && filter.to.is_none_or(|t| e.issue_date <= t))
        .filter(|e| filter.kind.is_none_or(|k| e.kind == k))
        .collect();
    let listed = candidates
        .par_iter()
        .map(|entry| -> Result<Option<Listed>> {
            let d = state.read_document(&entry.number)?;
            if filter.customer.as_ref().is_some_and(|c| *c != d.customer_id) {
                return Ok(None);
            }
            let outstanding = outstanding(&state, &d, ledger, None);
            let status = status(&state, entry, &d, outstanding, ledger.is_some(), None);
            if filter.status.is_some_and(|s| s != status) {
                return Ok(None);
            }
            let referrers = state.referrers(&entry.number);
            let mut credited: Decimal = referrers
                .iter()
                .filter(|r| matches!(r.relation, Relation::Credits | Relation::Cancels))
                .map(|r| r.total)
                .sum();
            credited.rescale(d.minor_units());
            Ok(Some(Listed {
                number: d.number.to_string(),
                kind: d.kind,
                issue_date: d.issue_date,
                customer_id: d.customer_id.clone(),
                customer_name: d.customer.name.clone(),
                currency: d.currency.to_string(),
                total: d.totals.gross,
                credited,
                status,
                outstanding,
                due_date: crate::payment::terms::asks_transfer(&d).map(|t| t.due_date),
                payment_id: d.payment.payment_id.clone(),
                transactions: d.source_transactions.clone(),
                references: d.references.iter().map(|r| r.number.to_string()).collect(),
                referenced_by: referrers.iter().map(|r| r.number.to_string()).collect(),
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    let listed: Vec<Listed> = listed.into_iter().flatten().collect();
    // Nothing for a customer id: say whether the archive knows the customer at all, so a
    // mistyped id is not read as "no invoices" (read only when nothing matched).
    if let Some(customer) = filter.customer.as_ref().filter(|_| listed.is_empty()) {
        let known = state.entries.par_iter().map(|e| state.read_document(&e.number).map(|d| d.customer_id == *customer)).try_reduce(|| false, |a, b| Ok(a || b))?;
        if !known {
            return Err(Error::Refused(format!("customer '{customer}' has no document in the archive (is the id right? `invoicesmith list` shows every document with its customer's id)")));
        }
    }
    Ok(listed)
}

/// `list`'s table for a terminal: one line per document.
pub fn list_text(listed: &[Listed]) -> String {
    let mut out = String::new();
    for l in listed {
        let (kind, status) = (l.kind.code(), l.status.code());
        // What credit notes took off an invoice that is still in force (a replaced one was
        // cancelled in full).
        let credited = match l.status {
            Status::Credited => format!(" ({} credited)", l.credited),
            Status::Open => format!(" ({})", owed(l.outstanding, &l.currency, l.due_date)),
            _ => String::new(),
        };
        out.push_str(&format!("{}  {}  {kind:<11}  {status:<8}  {}  {} {}{credited}  {}\n", l.number, l.issue_date, l.customer_id, l.total, l.currency, l.customer_name));
    }
    out.push_str(&format!("{} document(s)\n", listed.len()));
    out
}

/// What an open invoice asks for, in words: `2800.00 EUR due by 2026-11-11`, or the
/// overpayment still to return.
pub fn owed(outstanding: Decimal, currency: &str, due_date: Option<NaiveDate>) -> String {
    if outstanding.is_sign_negative() {
        return format!("{} {currency} overpaid, to return", -outstanding);
    }
    match due_date {
        Some(date) => format!("{outstanding} {currency} due by {date}"),
        None => format!("{outstanding} {currency} due"),
    }
}

/// One document and its history, as `show --json` prints it.
#[derive(Debug, Serialize)]
pub struct Shown {
    pub document: Document,
    pub status: Status,
    /// What it still asks for (negative: owes back), as `status` counts it.
    pub outstanding: Decimal,
    /// The day `status` and `outstanding` are counted on (`show --on`): only the payments
    /// received and the documents issued by then. `None`: everything recorded.
    pub on: Option<NaiveDate>,
    /// An open invoice still asking for an amount whose due date is before `on`, else
    /// before today where the seller is.
    pub overdue: bool,
    /// On an invoice asking for a bank transfer: the day it is due (in the JSON, the
    /// record's `payment.transfer.due_date` says it already).
    #[serde(skip)]
    pub due_date: Option<NaiveDate>,
    /// Documents that credit, cancel, replace or adjust it.
    pub referenced_by: Vec<ShownReferrer>,
    pub files: Vec<ShownFile>,
}

#[derive(Debug, Serialize)]
pub struct ShownReferrer {
    pub number: String,
    pub relation: Relation,
    pub issue_date: NaiveDate,
    pub total: Decimal,
}

#[derive(Debug, Serialize)]
pub struct ShownFile {
    pub path: String,
    pub sha256: String,
}

/// The document `number` with its history, and its status on the day `on` (the seller's
/// date), else as everything recorded has it and overdue as of `now` (read by the caller)
/// where the seller is: the due date is a local date, so a seller west of UTC is not told an
/// invoice is overdue on the evening of its due date.
pub fn show(archive: &Archive, number: &str, ledger: Option<&Ledger>, now: DateTime<Utc>, on: Option<NaiveDate>) -> Result<Shown> {
    let state = archive.checked_state()?;
    let entry = entry_for(&state, number)?;
    let document = state.read_document(&entry.number)?;
    if let Some(on) = on.filter(|on| *on < document.issue_date) {
        return Err(Error::Refused(format!(
            "--on {on} is before {} was issued ({}): a document has no status before its issue date",
            entry.number, document.issue_date
        )));
    }
    let referenced_by = state
        .referrers(&entry.number)
        .iter()
        .map(|r| ShownReferrer { number: r.number.to_string(), relation: r.relation, issue_date: r.issue_date, total: r.total })
        .collect();
    let files = entry.files.iter().map(|f| ShownFile { path: f.path.clone(), sha256: f.sha256.to_string() }).collect();
    let outstanding = outstanding(&state, &document, ledger, on);
    let status = status(&state, entry, &document, outstanding, ledger.is_some(), on);
    let due_date = crate::payment::terms::asks_transfer(&document).map(|t| t.due_date);
    let overdue = match due_date {
        Some(due) if status == Status::Open && outstanding > Decimal::ZERO => {
            let day = match on {
                Some(on) => on,
                // The company.toml the document was issued under: its seller's time zone.
                None => {
                    let company = crate::input::parse_company(&state.company_text(entry)?).map_err(Error::Input)?;
                    now.with_timezone(&company.seller.timezone).date_naive()
                }
            };
            due < day
        }
        _ => false,
    };
    Ok(Shown { status, outstanding, on, overdue, due_date, document, referenced_by, files })
}

/// The register entry of a document number; else the one document of a transaction id
/// (`ch_1010`, `rf_1016`) or of a payment processor's id (`pi_3QKx1010`, as the customer's
/// card statement shows it): what support is sent when a customer asks about a charge. Several documents (an invoice, its cancellation and its
/// replacement) are named for the operator to choose; none is an error saying why there may be
/// none.
pub(crate) fn entry_for<'s>(state: &'s archive::State, id: &str) -> Result<&'s RegisterEntry> {
    use rayon::prelude::*;
    if let Some(entry) = state.entries.iter().find(|e| e.number.as_str() == id) {
        return Ok(entry);
    }
    let mut found: Vec<&RegisterEntry> = state.entries.iter().filter(|e| e.transactions.iter().any(|t| t == id)).collect();
    if found.is_empty() {
        let by_payment_id: Vec<Option<&RegisterEntry>> = state
            .entries
            .par_iter()
            .map(|e| state.read_document(&e.number).map(|d| (d.payment.payment_id.as_deref() == Some(id)).then_some(e)))
            .collect::<Result<_>>()?;
        found = by_payment_id.into_iter().flatten().collect();
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::Refused(format!(
            "{id} is no document number, and no document's transaction or payment id; a failed or pending payment, a duplicate charge, its refund and a transfer received have no document of their own (`show {id} --data DIR` says whose it is and what it concerns; `invoicesmith statement CUSTOMER --from DATE --to DATE --data DIR --out DIR` lists them)"
        ))),
        several => Err(Error::Refused(format!(
            "{id} is in {} documents: {}; show one of them",
            several.len(),
            several.iter().map(|e| e.number.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Why the transaction or payment id `id` of the payment history `data` has no document of
/// its own, for support: whose it is, what it concerns (a duplicate: the charge it repeats,
/// that charge's invoice and whether a refund returned it), and the statement command that
/// lists it, complete but for `statement_args` (`--archive … --data …`, quoted for a shell).
/// `None` when `data` has no such transaction or it has a document.
pub fn no_document(archive: &Archive, data: &crate::model::DataSet, id: &str, statement_args: &str) -> Result<Option<String>> {
    use crate::model::{Status as Outcome, TransactionType};
    let Some(t) = data.transaction(id).or_else(|| data.transactions.iter().find(|t| t.payment_id.as_deref() == Some(id))) else {
        return Ok(None);
    };
    let state = archive.checked_state()?;
    if state.entries.iter().any(|e| e.transactions.contains(&t.id)) {
        return Ok(None);
    }
    let date = data.local_date(t.timestamp);
    let name = data.customer(&t.customer_id).map_or(String::new(), |c| format!("{} ", c.name));
    let what = match (t.kind, t.status) {
        (TransactionType::Duplicate, _) => "duplicate charge",
        (TransactionType::Payment, Outcome::Succeeded) => "bank transfer received",
        (TransactionType::Refund, _) => "refund",
        (_, Outcome::Failed) => "failed payment",
        (_, Outcome::Pending) => "pending payment",
        _ => "transaction",
    };
    let named = if t.id == id { id.to_string() } else { format!("{id} ({})", t.id) };
    let mut out = format!("{named} is a {what} of {} {} on {date} for {name}({})", t.total().amount(), t.currency, t.customer_id);
    if let Some(charge) = t.refers_to.as_deref() {
        let invoices: Vec<&str> = state.entries.iter().filter(|e| e.kind == DocumentKind::Invoice && e.transactions.iter().any(|x| x == charge)).map(|e| e.number.as_str()).collect();
        let invoiced = if invoices.is_empty() { "not invoiced".to_string() } else { format!("invoiced as {}", invoices.join(", ")) };
        let verb = if t.kind == TransactionType::Duplicate { "repeats" } else { "concerns" };
        out.push_str(&format!(": it {verb} {charge}, {invoiced}"));
    }
    out.push_str(", and issues no document of its own");
    if t.kind == TransactionType::Duplicate {
        let refunds: Vec<String> = data
            .transactions
            .iter()
            .filter(|r| r.kind == TransactionType::Refund && r.status == Outcome::Succeeded && r.refers_to.as_deref() == Some(&t.id))
            .map(|r| format!("{} of {}", r.id, data.local_date(r.timestamp)))
            .collect();
        out.push_str(&if refunds.is_empty() { "; no refund has returned it yet".to_string() } else { format!("; refund {} returned it", refunds.join(", ")) });
    }
    let first = date.with_day(1).unwrap_or(date);
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(date);
    out.push_str(&format!(
        ". The customer's statement lists it: `invoicesmith statement {} --from {first} --to {last} {statement_args} --out statements`",
        t.customer_id
    ));
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_are_what_status_takes_and_json_prints() {
        for status in [Status::Open, Status::Paid, Status::Credited, Status::Replaced] {
            assert_eq!(Status::parse(status.code()), Ok(status));
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.code()));
        }
    }
}
