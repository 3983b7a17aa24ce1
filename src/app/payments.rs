//! What the payment history says about an issued invoice beyond its document: the bank
//! transfers received for it, and the refund that returned its overpayment.
//!
//! Neither issues a document (the invoice already says everything, and a returned
//! overpayment credits no supply), so the archive does not hold them: the data folder's
//! transactions.csv does. `reissue` reads them so a replacement neither asks again for money
//! received nor announces again an overpayment returned; `list` and `show` with `--data` so
//! an invoice they settled is `paid`, not `open`.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::document::{Document, DocumentKind};
use crate::error::{Error, Result};
use crate::issue::correct::Received;
use crate::issue::History;
use crate::model::{DataSet, Status, Transaction, TransactionType};
use crate::{archive, input};

/// The data folder `dir`, read and checked to be `archive`'s seller's.
pub fn read(archive: &archive::Archive, dir: &Path) -> Result<DataSet> {
    let sources = input::read_sources(dir).map_err(Error::Input)?;
    archive::seller::check(archive, &sources.company)?;
    input::parse(&sources).map_err(Error::Input)
}

/// The succeeded transfers and refunds of a payment history by the charge they refer to.
pub struct Ledger<'d> {
    data: &'d DataSet,
    by_charge: HashMap<&'d str, Vec<&'d Transaction>>,
}

impl<'d> Ledger<'d> {
    pub fn new(data: &'d DataSet) -> Ledger<'d> {
        let mut by_charge: HashMap<&str, Vec<&Transaction>> = HashMap::new();
        for t in data.transactions.iter().filter(|t| t.status == Status::Succeeded && matches!(t.kind, TransactionType::Payment | TransactionType::Refund)) {
            if let Some(charge) = t.refers_to.as_deref() {
                by_charge.entry(charge).or_default().push(t);
            }
        }
        // In the order they happened, as `issue` decides which refund returned an overpayment.
        for list in by_charge.values_mut() {
            list.sort_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)));
        }
        Ledger { data, by_charge }
    }

    /// What was received for `invoice`'s charges, and returned of its overpayment, up to
    /// `until` (the seller's local date; `None`: everything recorded). The refund that
    /// returned the overpayment is the first of exactly that amount `history` has no credit
    /// note for.
    pub fn received(&self, history: &dyn History, invoice: &Document, until: Option<NaiveDate>) -> Received {
        let mut received = Received { amount: Decimal::ZERO, last: None, returned: Decimal::ZERO };
        let overpaid = -invoice.totals.due;
        let mut ours: Vec<&Transaction> = invoice.source_transactions.iter().filter_map(|c| self.by_charge.get(c.as_str())).flatten().copied().collect();
        ours.sort_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)));
        for t in ours {
            let date = self.data.local_date(t.timestamp);
            if until.is_some_and(|u| date > u) {
                continue;
            }
            match t.kind {
                TransactionType::Payment => {
                    received.amount += t.total().amount();
                    received.last = received.last.max(Some(date));
                }
                TransactionType::Refund
                    if received.returned.is_zero()
                        && overpaid > Decimal::ZERO
                        && t.total().amount() == overpaid
                        && history.issued_for(DocumentKind::CreditNote, &t.id).is_none() =>
                {
                    received.returned = overpaid;
                }
                _ => {}
            }
        }
        received
    }
}

/// What `invoice` still asks for (positive) or owes back (negative) after what `received`
/// counts: zero once settled.
pub fn left(invoice: &Document, received: &Received) -> Decimal {
    invoice.totals.due - received.amount + received.returned
}
