//! Issue: validated transactions → complete documents, numbered.
//!
//! [`plan`] decides everything a run will issue before anything is written, so a run with
//! any problem changes nothing:
//!
//! 1. Each succeeded charge without an invoice becomes an invoice [`Draft`]: the tax rules
//!    applied, amounts calculated (everything but number and issue date). Why a transaction
//!    gets no document is recorded as [`Skipped`]; why it can't be issued (location evidence
//!    disagrees, a rate is missing, an invoiced transaction was edited) as a diagnostic.
//! 2. Drafts are numbered from the archive's counters in tax-point order ([`number`]).
//! 3. Each succeeded refund becomes a credit note against its charge's invoice (issued now
//!    or in an earlier run, read back from the archive via [`History`]), never crediting more
//!    than is left; credit notes are then numbered in their own series.
//!
//! Corrected reissues (a cancelling credit note plus a replacement invoice) are built by
//! [`crate::correct::reissue`].

pub mod correct;
pub mod payment;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use domain::diag::Diagnostic;
use rust_decimal::Decimal;

use domain::document::{
    Document, DocumentKind, DocumentLine, DocumentReference, GrossPrice, Party, Payment, Relation, SCHEMA, Tax, TaxCategory, Treatment,
};
use domain::model::TRANSACTIONS;
use domain::document::Totals;
use domain::model::{AmountBasis, Customer, DataSet, PaymentMethod, Status, Transaction, TransactionType};
use domain::money::Money;
use domain::numbering::{DocumentNumber, NumberPattern};
use tax::{self, calc, conversion};

pub use domain::history::{History, NoHistory, Numbered, Referrer, credited};

/// A document that is ready to be issued but has no number yet.
#[derive(Clone, Debug)]
pub struct Draft {
    pub kind: DocumentKind,
    /// Fingerprints of the transactions it is issued from (see `Transaction::fingerprint`).
    pub fingerprints: Vec<domain::sha256::Sha256Sum>,
    /// Orders drafts: tax point instant, then transaction id.
    pub sort_key: (chrono::DateTime<chrono::Utc>, String),
    /// The document, with a placeholder number and the tax point as issue date.
    pub document: Document,
}

/// How the reason of a transaction skipped because it has its document begins.
pub const ALREADY_ISSUED: &str = "already issued as ";

/// A transaction that gets no document in this run, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub transaction_id: String,
    pub reason: String,
}

/// Everything a run will issue, numbered, and what it won't, with reasons.
///
/// The plan holds what each document is made from, not the documents: a month of 100,000
/// invoices would otherwise sit in memory at once. [`Plan::numbered`] builds any one of them
/// again, in any thread, exactly as planning built it (drafting is a pure function of the
/// data), so issuing can build, render and store a batch at a time.
#[derive(Debug, Default)]
pub struct Plan {
    /// Invoices first, then credit notes, each in number order.
    pub items: Vec<Planned>,
    pub skipped: Vec<Skipped>,
}

/// One document of a [`Plan`]: its number, and what it is built from.
#[derive(Clone, Debug)]
pub struct Planned {
    pub kind: DocumentKind,
    pub issue_date: NaiveDate,
    /// Its place in the series' year.
    pub seq: u64,
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    /// An invoice for the charge at this index of `DataSet::transactions`; `adjusted` holds,
    /// per charge its plan-change lines adjust, the invoice that billed that charge.
    Invoice { charge: usize, adjusted: Vec<(String, Original)> },
    /// A credit note for the refund at this index, against `original`, of which
    /// `credited_before` (gross) had already been credited.
    CreditNote { refund: usize, original: Original, credited_before: Decimal },
}

#[derive(Clone, Debug)]
enum Original {
    /// An invoice of this plan, by its index in `Plan::items`.
    Planned(usize),
    /// An invoice of an earlier run, read back from the archive while planning.
    Archived(std::sync::Arc<Document>),
    /// While planning: the invoice this run issues for the charge at this index of
    /// `DataSet::transactions`, until the plan is numbered and it becomes `Planned`.
    ThisRun(usize),
}

impl Plan {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `i`-th document, numbered. `data` must be the data the plan was made from.
    pub fn numbered(&self, data: &DataSet, i: usize) -> Numbered {
        let planned = &self.items[i];
        let draft = match &planned.source {
            Source::Invoice { charge, adjusted } => {
                let originals: Vec<(String, std::borrow::Cow<Document>)> =
                    adjusted.iter().map(|(id, o)| (id.clone(), self.original(data, o))).collect();
                let refs: Vec<(&str, &Document)> = originals.iter().map(|(id, d)| (id.as_str(), d.as_ref())).collect();
                invoice_draft(data, &data.transactions[*charge], &refs)
            }
            Source::CreditNote { refund, original, credited_before } => {
                refund_credit_note(data, &data.transactions[*refund], &self.original(data, original), *credited_before)
            }
        };
        let draft = draft.unwrap_or_else(|DraftError { field, message: e }| panic!("a planned document no longer drafts ({field}: {e})"));
        let (mut document, draft_fingerprints) = (draft.document, draft.fingerprints);
        document.number = planned.number(data);
        document.issue_date = planned.issue_date;
        domain::payment::terms::numbered(&mut document);
        Numbered {
            document,
            series: series(data, planned.kind).clone(),
            seq: planned.seq,
            fingerprints: draft_fingerprints,
        }
    }

    /// The invoice a credit note credits: rebuilt if it is this plan's, else as archived.
    fn original<'p>(&'p self, data: &DataSet, original: &'p Original) -> std::borrow::Cow<'p, Document> {
        match original {
            Original::Planned(i) => std::borrow::Cow::Owned(self.numbered(data, *i).document),
            Original::Archived(doc) => std::borrow::Cow::Borrowed(doc),
            Original::ThisRun(charge) => unreachable!("charge {charge}: a plan's originals are resolved when it is numbered"),
        }
    }

    /// Every document of the plan, built at once: for small runs and tests.
    pub fn documents(&self, data: &DataSet) -> Vec<Numbered> {
        (0..self.len()).map(|i| self.numbered(data, i)).collect()
    }
}

impl Planned {
    /// Its number (kept as series, year and sequence: a plan holds many).
    pub fn number(&self, data: &DataSet) -> DocumentNumber {
        number_in_series(data, self.kind, self.issue_date, self.seq)
    }
}

/// The number of the `seq`-th document of `kind` in its issue date's year.
fn number_in_series(data: &DataSet, kind: DocumentKind, issue_date: NaiveDate, seq: u64) -> DocumentNumber {
    series(data, kind).format(chrono::Datelike::year(&issue_date), seq)
}

fn series(data: &DataSet, kind: DocumentKind) -> &NumberPattern {
    match kind {
        DocumentKind::Invoice => &data.company.numbering.invoice,
        DocumentKind::CreditNote => &data.company.numbering.credit_note,
    }
}

/// Decides what to issue for `data` given the archive's `history`. Pure: reads the archive
/// only through `history`, writes nothing.
pub fn plan(data: &DataSet, history: &dyn History) -> Result<Plan, Vec<Diagnostic>> {
    plan_inspecting(data, history, &mut |_| {})
}

/// [`plan`], showing every drafted document (before it is numbered) to `inspect`, e.g. to
/// check it can be printed, without keeping them all.
pub fn plan_inspecting(data: &DataSet, history: &dyn History, inspect: &mut dyn FnMut(&Document)) -> Result<Plan, Vec<Diagnostic>> {
    let mut skipped = Vec::new();
    let mut diagnostics = Vec::new();
    // Plan-change problems, merged into `diagnostics` at the end.
    let mut adjustment_errors: Vec<Diagnostic> = Vec::new();
    let mut invoices = Vec::new();
    let mut refunds = Vec::new();
    let mut error = |txn: &Transaction, field: &str, message: String| {
        diagnostics.push(Diagnostic::new(TRANSACTIONS, Some(txn.source_line), field, message))
    };
    for (index, txn) in data.transactions.iter().enumerate() {
        let skip = |reason: String| Skipped { transaction_id: txn.id.clone(), reason };
        let kind = match txn.kind {
            TransactionType::Refund => DocumentKind::CreditNote,
            _ => DocumentKind::Invoice,
        };
        if let Some((number, fingerprint)) = history.issued_for(kind, &txn.id) {
            if fingerprint != Some(txn.fingerprint) {
                error(txn, "transaction_id", format!(
                    "'{}' has changed since it was issued as {number}; issued documents are never changed: refund it (credit note) or use `invoicesmith reissue {number}`",
                    txn.id
                ));
            } else {
                skipped.push(skip(format!("{ALREADY_ISSUED}{number}")));
            }
            continue;
        }
        // A bank-transfer charge is invoiced before it is paid: pending means "invoice now".
        let invoiced_now = txn.status == Status::Succeeded || (txn.status == Status::Pending && txn.payment_method == PaymentMethod::BankTransfer);
        match (txn.kind, txn.status) {
            (TransactionType::Payment, status) => skipped.push(skip(domain::payment::terms::skipped_payment(txn, status))),
            (TransactionType::Charge, _) if invoiced_now => {
                let adjusted = match adjusted_invoices(data, history, txn) {
                    Ok(adjusted) => adjusted,
                    Err(found) => {
                        adjustment_errors.extend(found);
                        continue;
                    }
                };
                // Originals of this run are drafted (unnumbered) for their rates; the plan
                // references them by the numbers they get below.
                let drafted: Vec<(String, std::borrow::Cow<Document>)> = adjusted
                    .iter()
                    .filter_map(|(id, o)| match o {
                        Original::Archived(doc) => Some((id.clone(), std::borrow::Cow::Borrowed(doc.as_ref()))),
                        Original::ThisRun(c) => invoice_draft(data, &data.transactions[*c], &[]).ok().map(|d| (id.clone(), std::borrow::Cow::Owned(d.document))),
                        Original::Planned(_) => None,
                    })
                    .collect();
                let refs: Vec<(&str, &Document)> = drafted.iter().map(|(id, d)| (id.as_str(), d.as_ref())).collect();
                match invoice_draft(data, txn, &refs) {
                    Ok(draft) => {
                        inspect(&draft.document);
                        invoices.push(Unnumbered::of(&draft, Source::Invoice { charge: index, adjusted }));
                    }
                    Err(DraftError { field, message }) => error(txn, field, message),
                }
            }
            (_, Status::Failed) => skipped.push(skip("payment failed: no document".into())),
            (_, Status::Pending) => skipped.push(skip("payment pending: a document is issued once it succeeds".into())),
            (TransactionType::Charge, Status::Succeeded) => unreachable!("a succeeded charge is invoiced now"),
            (TransactionType::Duplicate, Status::Succeeded) => skipped.push(skip(format!(
                "duplicate of {}: not a second supply, no invoice",
                txn.refers_to.as_deref().unwrap_or("?")
            ))),
            (TransactionType::Refund, Status::Succeeded) => {
                let target = data.transaction(txn.refers_to.as_deref().expect("input checked refund references")).expect("input checked");
                match (target.kind, target.status) {
                    (TransactionType::Duplicate, _) => skipped.push(skip(format!(
                        "refund of duplicate charge {}: returns an overpayment, no credit note",
                        target.id
                    ))),
                    (_, Status::Succeeded) => refunds.push((index, txn)),
                    // An invoiced bank-transfer charge (issued before its payment arrived).
                    (_, Status::Pending) if target.payment_method == PaymentMethod::BankTransfer => refunds.push((index, txn)),
                    (_, status) => error(txn, "refers_to", format!(
                        "'{}' was never invoiced (its payment is {}); only an invoiced charge can be refunded with a credit note",
                        target.id,
                        if status == Status::Failed { "failed" } else { "pending" }
                    )),
                }
            }
        }
    }

    invoices.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    let mut plan = Plan { items: number_planned(data, invoices, history), skipped };
    resolve_this_run(&mut plan);
    let mut adjusted_now: BTreeMap<DocumentNumber, Decimal> = BTreeMap::new();
    for i in 0..plan.items.len() {
        if let Source::Invoice { charge, adjusted } = &plan.items[i].source
            && !adjusted.is_empty()
        {
            let txn = &data.transactions[*charge];
            let doc = plan.numbered(data, i).document;
            for (charge_id, original) in adjusted {
                let original = plan.original(data, original);
                let credit = -adjustment(&doc, charge_id);
                if credit <= Decimal::ZERO {
                    continue;
                }
                let referrers = history.referrers(&original.number);
                let before = credited(&referrers) + adjusted_before(history, &referrers, charge_id) + adjusted_now.get(&original.number).copied().unwrap_or_default();
                let left = original.totals.gross - before;
                if credit > left {
                    let line = txn.lines.iter().find(|l| l.proration && l.refers_to.as_deref() == Some(charge_id)).map_or(txn.source_line, |l| l.source_line);
                    adjustment_errors.push(Diagnostic::new(TRANSACTIONS, Some(line), "unit_amount", format!(
                        "the plan change would credit {credit} {} (gross) of '{charge_id}', more than is left on {}: {} invoiced, {before} already credited or adjusted, {left} left",
                        original.currency, original.number, original.totals.gross
                    )));
                }
                *adjusted_now.entry(original.number.clone()).or_default() += credit;
            }
        }
    }

    // Credit notes, in order of refund, against invoices of this run or earlier runs.
    refunds.sort_by_key(|(_, t)| (t.timestamp.to_utc(), t.id.clone()));
    let issued_now = invoice_positions(&plan);
    let mut credited_now: BTreeMap<DocumentNumber, Decimal> = BTreeMap::new();
    let mut credit_notes = Vec::new();
    for (index, refund) in refunds {
        let charge_id = refund.refers_to.as_deref().expect("checked above");
        let charge = data.transaction_index(charge_id).expect("input checked references");
        let found = match issued_now.get(&charge) {
            Some(&i) => Ok(Original::Planned(i)),
            None => match history.issued_for(DocumentKind::Invoice, charge_id) {
                Some((number, _)) => history.document(&number).map(|doc| Original::Archived(std::sync::Arc::new(doc))).map_err(|e| e.to_string()),
                None => Err(format!("'{charge_id}' has no invoice, so the refund has nothing to credit")),
            },
        };
        let source = match found {
            Ok(source) => source,
            Err(e) => {
                error(refund, "refers_to", e);
                continue;
            }
        };
        let original = plan.original(data, &source);
        if let Some(overpaid) = returned_overpayment(&original, refund) {
            let reason = format!("returns the overpayment of {overpaid} {} on {}: no credit note", original.currency, original.number);
            plan.skipped.push(Skipped { transaction_id: refund.id.clone(), reason });
            continue;
        }
        let referrers = history.referrers(&original.number);
        let adjusted = adjusted_before(history, &referrers, charge_id) + adjusted_now.get(&original.number).copied().unwrap_or_default();
        let before = credited(&referrers) + adjusted + credited_now.get(&original.number).copied().unwrap_or_default();
        match refund_credit_note(data, refund, &original, before) {
            Ok(draft) => {
                inspect(&draft.document);
                *credited_now.entry(original.number.clone()).or_default() += draft.document.totals.gross;
                credit_notes.push(Unnumbered::of(&draft, Source::CreditNote { refund: index, original: source, credited_before: before }));
            }
            Err(DraftError { field, message }) => error(refund, field, message),
        }
    }
    diagnostics.extend(adjustment_errors);
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    plan.items.extend(number_planned(data, credit_notes, history));
    Ok(plan)
}

/// A planned document before numbering.
struct Unnumbered {
    kind: DocumentKind,
    sort_key: (chrono::DateTime<chrono::Utc>, String),
    tax_point: NaiveDate,
    source: Source,
}

impl Unnumbered {
    fn of(draft: &Draft, source: Source) -> Unnumbered {
        Unnumbered {
            kind: draft.kind,
            sort_key: draft.sort_key.clone(),
            tax_point: draft.document.issue_date,
            source,
        }
    }
}

fn number_planned(data: &DataSet, unnumbered: Vec<Unnumbered>, counters: &dyn History) -> Vec<Planned> {
    let mut numberer = Numberer::new(data, counters);
    unnumbered
        .into_iter()
        .map(|u| {
            let (issue_date, seq) = numberer.next(u.kind, u.tax_point);
            Planned { kind: u.kind, issue_date, seq, source: u.source }
        })
        .collect()
}

/// Why a transaction cannot be drafted: the transactions.csv field at fault and what is wrong.
#[derive(Debug)]
struct DraftError {
    field: &'static str,
    message: String,
}

impl DraftError {
    fn at(field: &'static str, message: String) -> DraftError {
        DraftError { field, message }
    }
}

/// The invoices `txn`'s plan-change lines adjust, one per charge they refer to: archived, or
/// issued in this run. A line referring to a charge that was never invoiced (failed,
/// pending, a refund, or a charge after `txn`) is an error naming its row.
fn adjusted_invoices(data: &DataSet, history: &dyn History, txn: &Transaction) -> Result<Vec<(String, Original)>, Vec<Diagnostic>> {
    let mut adjusted: Vec<(String, Original)> = Vec::new();
    let mut errors = Vec::new();
    for line in txn.lines.iter().filter(|l| l.proration) {
        let Some(id) = line.refers_to.as_deref() else { continue };
        if adjusted.iter().any(|(a, _)| a == id) {
            continue;
        }
        let mut fail = |message: String| errors.push(Diagnostic::new(TRANSACTIONS, Some(line.source_line), "refers_to", message));
        let Some(index) = data.transaction_index(id) else {
            fail(format!("'{id}' is not a transaction_id in transactions.csv"));
            continue;
        };
        let target = &data.transactions[index];
        let status = match target.status {
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Pending => "pending",
        };
        if target.kind != TransactionType::Charge || target.status != Status::Succeeded {
            fail(format!(
                "'{id}' was never invoiced (a {} whose payment {status}); a plan change can only adjust an invoiced charge",
                match target.kind {
                    TransactionType::Charge => "charge",
                    TransactionType::Refund => "refund",
                    TransactionType::Duplicate => "duplicate",
                    TransactionType::Payment => "payment",
                }
            ));
            continue;
        }
        match history.issued_for(DocumentKind::Invoice, id) {
            Some((number, _)) => match history.document(&number) {
                Ok(doc) => adjusted.push((id.to_string(), Original::Archived(std::sync::Arc::new(doc)))),
                Err(e) => fail(e.to_string()),
            },
            None if (target.timestamp.to_utc(), &target.id) < (txn.timestamp.to_utc(), &txn.id) => {
                adjusted.push((id.to_string(), Original::ThisRun(index)))
            }
            None => fail(format!("'{id}' is charged after '{}', so it has no invoice yet to adjust", txn.id)),
        }
    }
    if errors.is_empty() { Ok(adjusted) } else { Err(errors) }
}

/// The plan position of each charge's invoice, by the charge's index.
fn invoice_positions(plan: &Plan) -> BTreeMap<usize, usize> {
    plan.items
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.source {
            Source::Invoice { charge, .. } => Some((charge, i)),
            Source::CreditNote { .. } => None,
        })
        .collect()
}

/// Turns each `Original::ThisRun(charge)` into the plan position of that charge's invoice.
fn resolve_this_run(plan: &mut Plan) {
    let position = invoice_positions(plan);
    for item in &mut plan.items {
        if let Source::Invoice { adjusted, .. } = &mut item.source {
            for (_, original) in adjusted.iter_mut() {
                if let Original::ThisRun(charge) = *original {
                    // Drafted above without error, so planned (an invoice that failed to
                    // draft leaves the run with diagnostics and no plan).
                    if let Some(&i) = position.get(&charge) {
                        *original = Original::Planned(i);
                    }
                }
            }
        }
    }
}

/// The gross amount by which `doc`'s plan-change lines adjust `charge` (negative for a
/// credit): each line's net plus its tax at its rate, rounded to the minor unit.
pub fn adjustment(doc: &Document, charge: &str) -> Decimal {
    doc.lines
        .iter()
        .filter(|l| l.proration && l.adjusts.as_deref() == Some(charge))
        .map(|l| {
            let tax = Money::round(l.net_amount * l.tax_rate / Decimal::ONE_HUNDRED, doc.currency).amount();
            l.net_amount + tax
        })
        .sum()
}

/// The gross amount earlier invoices' plan-change lines credited on `charge`'s invoice.
fn adjusted_before(history: &dyn History, referrers: &[Referrer], charge: &str) -> Decimal {
    referrers
        .iter()
        .filter(|r| r.relation == Relation::Adjusts)
        .filter_map(|r| history.document(&r.number).ok())
        .map(|d| -adjustment(&d, charge))
        .filter(|credit| *credit > Decimal::ZERO)
        .sum()
}

/// The invoice for charge `txn`. A plan-change line keeps the treatment, category and rate
/// of the invoice in `adjusted` that billed the charge it refers to (pairs of charge id and
/// invoice), and the invoice is referenced. Without an entry for its charge (only when a
/// charge is drafted for its own rates while planning) a line takes the current rate.
fn invoice_draft(data: &DataSet, txn: &Transaction, adjusted: &[(&str, &Document)]) -> Result<Draft, DraftError> {
    let company = &data.company;
    let seller = &company.seller;
    let customer = data.customer(&txn.customer_id).expect("input checked customer ids");
    let tax_point = data.local_date(txn.timestamp);
    let determination = tax::determine(company, customer, txn.card_country, txn.ip_country).map_err(|e| DraftError::at("card_country", e.to_string()))?;
    let category = determination.category();
    let rate = determination.rate_on(tax_point).map_err(|e| DraftError::at("timestamp", e.to_string()))?;

    // Each line's (category, rate): proration lines keep those of the invoice they adjust.
    let mut calc_lines = Vec::with_capacity(txn.lines.len());
    let mut originals: Vec<&Document> = Vec::new();
    for line in &txn.lines {
        let original = match (&line.refers_to, line.proration) {
            (Some(id), true) => adjusted.iter().find(|(c, _)| c == id),
            _ => None,
        };
        let (category, rate) = match original {
            Some((id, doc)) => {
                let taxed = charged_rate(doc, id);
                check_adjustable(doc, id, &determination, customer)?;
                if !originals.iter().any(|d| d.number == doc.number) {
                    originals.push(doc);
                }
                taxed
            }
            None => (category, rate),
        };
        calc_lines.push(calc::CalcLine { amount: line.amount, category, rate });
    }
    let calculation = calc::calculate(&calc_lines, txn.amount_basis, txn.currency);

    let eu_vat = determination.is_eu_vat_charged() || originals.iter().any(|d| matches!(d.tax.treatment, Treatment::Domestic | Treatment::Oss));
    let base_currency_tax = if eu_vat && txn.currency != seller.base_currency {
        Some(
            conversion::restate(&data.exchange_rates, seller.base_currency, calculation.net, calculation.tax, tax_point)
                .map_err(|e| DraftError::at("currency", e.to_string()))?,
        )
    } else {
        None
    };

    let lines = txn
        .lines
        .iter()
        .zip(&calc_lines)
        .zip(&calculation.line_nets)
        .map(|((line, c), net)| DocumentLine {
            description: line.description.clone(),
            quantity: line.quantity,
            unit_price: calc::unit_price(*net, line.quantity),
            net_amount: net.amount(),
            tax_category: c.category,
            tax_rate: c.rate,
            service_start: line.service_start,
            service_end: line.service_end,
            proration: line.proration,
            transaction_id: txn.id.clone(),
            adjusts: line.refers_to.clone(),
            gross: (txn.amount_basis == AmountBasis::Gross)
                .then(|| GrossPrice { unit_price: line.unit_amount.amount(), amount: line.amount.amount() }),
        })
        .collect();

    let (totals, payment) = crate::payment::invoice_payment(data, txn, &calculation, tax_point).map_err(|e| DraftError::at("payment_method", e))?;
    let document = Document {
        schema: SCHEMA.into(),
        kind: DocumentKind::Invoice,
        number: NumberPattern::parse("DRAFT-{year}-{seq}").expect("valid").format(0, 0),
        issue_date: tax_point,
        tax_point_date: tax_point,
        currency: txn.currency,
        language: customer.language.clone(),
        seller: Party {
            name: seller.legal_name.clone(),
            address: (&seller.address).into(),
            tax_id: Some(seller.vat_id.clone()),
            registration_id: Some(seller.registration_id.clone()).filter(|s| !s.is_empty()),
            email: Some(seller.email.clone()),
            electronic_address: seller.peppol_id.clone(),
            contact_name: seller.contact_name.clone(),
            phone: seller.phone.clone(),
        },
        customer: customer_party(customer),
        customer_id: customer.id.clone(),
        source_transactions: vec![txn.id.clone()],
        tax: tax_of(&determination, customer.kind.into()),
        lines,
        tax_breakdown: calculation.breakdown.clone(),
        payment,
        totals,
        base_currency_tax,
        legends: legends_with(legends(&customer.language, &determination), &originals),
        references: originals
            .iter()
            .map(|d| DocumentReference { number: d.number.clone(), issue_date: d.issue_date, relation: Relation::Adjusts, reason: None })
            .collect(),
        original_supply_date: None,
        buyer_reference: customer.buyer_reference.clone(),
        order_reference: txn.purchase_order.clone(),
        brand: data.company.brand.clone(),
        notes: customer.note.iter().chain(&txn.note).cloned().collect(),
    };
    Ok(Draft {
        kind: DocumentKind::Invoice,
        fingerprints: vec![txn.fingerprint],
        sort_key: (txn.timestamp.to_utc(), txn.id.clone()),
        document,
    })
}

/// The (category, rate) at which `invoice` billed `charge`'s own lines.
fn charged_rate(invoice: &Document, charge: &str) -> (TaxCategory, Decimal) {
    let line = invoice.lines.iter().find(|l| !l.proration && l.transaction_id == charge).or(invoice.lines.first());
    line.map_or((TaxCategory::O, Decimal::ZERO), |l| (l.tax_category, l.tax_rate))
}

/// Whether an adjustment of `charge`, billed on `invoice`, can sit on an invoice taxed as
/// `now`: one document has one place of supply, an outside-scope (O) document has no other
/// category (EN 16931 BR-O-11..14), and a reverse-charge line needs the customer's VAT ID.
fn check_adjustable(invoice: &Document, charge: &str, now: &tax::Determination, customer: &Customer) -> Result<(), DraftError> {
    if invoice.tax.jurisdiction != now.jurisdiction {
        return Err(DraftError::at("refers_to", format!(
            "'{charge}' was taxed in {} ({}), this charge in {}; one invoice has one place of supply: record the unused time as a refund of '{charge}' (a credit note keeps that invoice's treatment)",
            invoice.tax.jurisdiction, invoice.number, now.jurisdiction
        )));
    }
    let (billed, category) = (charged_rate(invoice, charge).0, now.category());
    if billed != category && (billed == TaxCategory::O || category == TaxCategory::O) {
        return Err(DraftError::at("refers_to", format!(
            "'{charge}' was billed under category {billed:?}, this charge is category {category:?}; an invoice with category O carries no other category (EN 16931 BR-O-11): record the unused time as a refund of '{charge}' (a credit note keeps that invoice's treatment)"
        )));
    }
    if billed == TaxCategory::AE && customer_party(customer).tax_id.is_none() {
        return Err(DraftError::at("refers_to", format!(
            "'{charge}' was reverse-charged ({}), but the customer has no usable VAT ID now; record the unused time as a refund of '{charge}' (a credit note keeps that invoice's treatment)",
            invoice.number
        )));
    }
    Ok(())
}

/// `legends` and, after them, each legend of the adjusted invoices it does not have yet: a
/// line taxed as on its original invoice carries that invoice's explanation.
fn legends_with(mut legends: Vec<domain::document::Legend>, originals: &[&Document]) -> Vec<domain::document::Legend> {
    for doc in originals {
        for legend in &doc.legends {
            if !legends.iter().any(|l| l.code == legend.code) {
                legends.push(legend.clone());
            }
        }
    }
    legends
}

/// The overpayment `refund` returns, if `original` is an invoice the card overpaid (a
/// replacement recomputed under a treatment with less tax) and the refund is exactly that
/// amount: money returned, not a supply credited, so no credit note.
pub fn returned_overpayment(original: &Document, refund: &Transaction) -> Option<Decimal> {
    let overpaid = -original.totals.due;
    (original.kind == DocumentKind::Invoice && overpaid > Decimal::ZERO && refund.total().amount() == overpaid).then_some(overpaid)
}

/// A credit note for `refund` against `original`, of which `credited_before` (gross) has
/// already been credited.
///
/// A refund of everything invoiced reverses the invoice line for line. A partial refund of
/// a single-rate invoice credits the refund's lines at the invoice's rate; of a multi-rate
/// invoice, it is split over the rates in proportion to each rate's share of the invoice
/// (by the refund's price basis), the remainder cent on the largest share. Either way the
/// credit note keeps the original's treatment, jurisdiction, rate, legends and VAT IDs.
fn refund_credit_note(data: &DataSet, refund: &Transaction, original: &Document, credited_before: Decimal) -> Result<Draft, DraftError> {
    let currency = original.currency;
    if refund.currency != currency {
        return Err(DraftError::at("currency", format!(
            "'{}' differs from {currency}, the currency of {}; a refund credits the invoice in its own currency",
            refund.currency, original.number
        )));
    }
    let tax_point = data.local_date(refund.timestamp);
    let amount = refund.total();
    let invoice_value = |basis: AmountBasis| match basis {
        AmountBasis::Gross => original.totals.gross,
        AmountBasis::Net => original.totals.net,
    };
    let full = credited_before.is_zero() && amount.amount() == invoice_value(refund.amount_basis);
    let (lines, breakdown, net, tax, gross) = if full {
        let mut lines = original.lines.clone();
        for l in &mut lines {
            l.transaction_id = refund.id.clone();
        }
        let t = &original.totals;
        (lines, original.tax_breakdown.clone(), t.net, t.tax, t.gross)
    } else {
        let (calc_lines, described) = partial_refund_lines(original, refund);
        let c = calc::calculate(&calc_lines, refund.amount_basis, currency);
        let lines = described
            .into_iter()
            .zip(&calc_lines)
            .zip(&c.line_nets)
            .map(|(((description, quantity, line), cl), net)| DocumentLine {
                description,
                quantity,
                unit_price: calc::unit_price(*net, quantity),
                net_amount: net.amount(),
                tax_category: cl.category,
                tax_rate: cl.rate,
                service_start: line.service_start,
                service_end: line.service_end,
                proration: false,
                transaction_id: refund.id.clone(),
                adjusts: None,
                // A refund line keeps its unit price; a share of one (quantity 1) is its amount.
                gross: (refund.amount_basis == AmountBasis::Gross).then(|| GrossPrice {
                    unit_price: if quantity == Decimal::ONE { cl.amount.amount() } else { line.unit_amount.amount() },
                    amount: cl.amount.amount(),
                }),
            })
            .collect();
        (lines, c.breakdown, c.net.amount(), c.tax.amount(), c.gross.amount())
    };
    let left = original.totals.gross - credited_before;
    if gross > left {
        return Err(DraftError::at("unit_amount", format!(
            "refund '{}' would credit {gross} {currency}, more than is left on {}: {} invoiced, {credited_before} already credited, {left} left",
            refund.id, original.number, original.totals.gross
        )));
    }
    let money = |d: Decimal| Money::from_exact(d, currency).expect("document amounts are exact");
    let mut doc = original.clone();
    doc.kind = DocumentKind::CreditNote;
    doc.issue_date = tax_point;
    doc.tax_point_date = tax_point;
    doc.source_transactions = vec![refund.id.clone()];
    doc.lines = lines;
    doc.tax_breakdown = breakdown;
    doc.totals = Totals { net, tax, gross, paid: gross, due: money(Decimal::ZERO).amount() };
    doc.base_currency_tax = original.base_currency_tax.as_ref().map(|b| conversion::restate_like(b, money(net), money(tax)));
    doc.original_supply_date = Some(original.tax_point_date);
    doc.order_reference = refund.purchase_order.clone().or_else(|| original.order_reference.clone());
    // The money goes back to the card the invoice was paid with, unless the refund says otherwise.
    doc.payment = Payment {
        method: original.payment.method.clone(),
        status: "refunded".into(),
        date: tax_point,
        amount: gross,
        card_brand: refund.card_brand.clone().or_else(|| original.payment.card_brand.clone()),
        card_last4: refund.card_last4.clone().or_else(|| original.payment.card_last4.clone()),
        payment_id: refund.payment_id.clone(),
        // A transfer refunded: the e-invoice names the account and reference it concerned.
        transfer: original.payment.transfer.clone(),
    };
    let customer_note = data.customer(&refund.customer_id).and_then(|c| c.note.clone());
    doc.notes = customer_note.into_iter().chain(refund.note.iter().cloned()).collect();
    doc.references = vec![DocumentReference {
        number: original.number.clone(),
        issue_date: original.issue_date,
        relation: Relation::Credits,
        reason: Some(refund.reason.clone()).filter(|r| !r.is_empty()),
    }];
    Ok(Draft {
        kind: DocumentKind::CreditNote,
        fingerprints: vec![refund.fingerprint],
        sort_key: (refund.timestamp.to_utc(), refund.id.clone()),
        document: doc,
    })
}

/// The lines of a partial refund: the refund's own lines at the invoice's rate when it has
/// one, otherwise each refund line split over the invoice's rates by their share.
fn partial_refund_lines<'t>(original: &Document, refund: &'t Transaction) -> (Vec<calc::CalcLine>, Vec<(String, Decimal, &'t domain::model::Line)>) {
    let rows = &original.tax_breakdown;
    let mut calc_lines = Vec::new();
    let mut described = Vec::new();
    if let [only] = rows.as_slice() {
        for line in &refund.lines {
            calc_lines.push(calc::CalcLine { amount: line.amount, category: only.tax_category, rate: only.tax_rate });
            described.push((line.description.clone(), line.quantity, line));
        }
        return (calc_lines, described);
    }
    let value = |r: &domain::document::TaxSubtotal| match refund.amount_basis {
        AmountBasis::Gross => r.taxable_amount + r.tax_amount,
        AmountBasis::Net => r.taxable_amount,
    };
    let total: Decimal = rows.iter().map(value).sum();
    let largest = (0..rows.len()).max_by_key(|&i| value(&rows[i]).abs()).unwrap_or(0);
    for line in &refund.lines {
        let currency = line.amount.currency();
        let shares: Vec<Money> = rows.iter().map(|r| Money::round(line.amount.amount() * value(r) / total, currency)).collect();
        let allocated = shares.iter().fold(Money::zero(currency), |s, m| s + *m);
        for (i, (row, share)) in rows.iter().zip(shares).enumerate() {
            let share = if i == largest { share + (line.amount - allocated) } else { share };
            calc_lines.push(calc::CalcLine { amount: share, category: row.tax_category, rate: row.tax_rate });
            described.push((format!("{} (share at {}%)", line.description, row.tax_rate.normalize()), Decimal::ONE, line));
        }
    }
    (calc_lines, described)
}

/// What a document says of its tax: the rule `determination` decided, for a customer taxed
/// as `customer_type`.
pub(crate) fn tax_of(determination: &tax::Determination, customer_type: domain::document::CustomerType) -> Tax {
    Tax {
        treatment: determination.treatment,
        jurisdiction: determination.jurisdiction,
        tax_name: determination.tax_name.clone(),
        seller_registration: determination.seller_registration.clone(),
        customer_type,
        evidence: determination.evidence.clone(),
    }
}

/// The customer as a document names them.
pub(crate) fn customer_party(customer: &Customer) -> Party {
    Party {
        name: customer.name.clone(),
        address: (&customer.address).into(),
        tax_id: customer.usable_tax_id().map(str::to_string),
        registration_id: None,
        email: Some(customer.email.clone()).filter(|s| !s.is_empty()),
        electronic_address: customer.peppol_id.clone(),
        contact_name: None,
        phone: None,
    }
}

/// Numbers `drafts` (already in tax-point order) gap-free per series and year.
pub fn number(data: &DataSet, drafts: Vec<Draft>, counters: &dyn History) -> Vec<Numbered> {
    let mut numberer = Numberer::new(data, counters);
    drafts
        .into_iter()
        .map(|draft| {
            let mut document = draft.document;
            let (issue_date, seq) = numberer.next(draft.kind, document.issue_date);
            document.number = number_in_series(data, draft.kind, issue_date, seq);
            document.issue_date = issue_date;
            domain::payment::terms::numbered(&mut document);
            Numbered { document, series: series(data, draft.kind).clone(), seq, fingerprints: draft.fingerprints }
        })
        .collect()
}

/// Hands out the next number of each series, starting after the archive's last.
///
/// A document is dated its tax point, except that it is never dated before the last
/// document of its series: numbers and dates then both ascend, as several member states
/// require (e.g. chronological numbering in FR).
struct Numberer<'a> {
    data: &'a DataSet,
    counters: &'a dyn History,
    last: BTreeMap<(DocumentKind, i32), u64>,
    last_date: BTreeMap<DocumentKind, NaiveDate>,
}

impl<'a> Numberer<'a> {
    fn new(data: &'a DataSet, counters: &'a dyn History) -> Numberer<'a> {
        Numberer { data, counters, last: BTreeMap::new(), last_date: BTreeMap::new() }
    }

    /// Issue date and sequence (in the issue date's year) of the next document of `kind`
    /// with `tax_point`.
    fn next(&mut self, kind: DocumentKind, tax_point: NaiveDate) -> (NaiveDate, u64) {
        let pattern = series(self.data, kind);
        let floor = self.last_date.get(&kind).copied().or_else(|| self.counters.last_date(pattern));
        let issue_date = floor.map_or(tax_point, |floor| tax_point.max(floor));
        let year = chrono::Datelike::year(&issue_date);
        let seq = self
            .last
            .entry((kind, year))
            .or_insert_with(|| self.counters.last(pattern, year).map_or(0, |(s, _)| s));
        *seq += 1;
        self.last_date.insert(kind, issue_date);
        (issue_date, *seq)
    }
}
/// The legends `determination` asks for, in `language`: tax decides which (by key), the
/// translation files say them.
pub(crate) fn legends(language: &str, determination: &tax::Determination) -> Vec<domain::document::Legend> {
    let country = locale::country_name(language, determination.jurisdiction);
    let tax_id = determination.seller_registration.as_ref().map(|r| r.id.clone()).unwrap_or_default();
    let values = [("country", country.as_str()), ("tax", determination.tax_name.as_str()), ("tax_id", tax_id.as_str())];
    determination
        .legends
        .iter()
        .map(|l| domain::document::Legend { code: l.code.to_string(), text: locale::legend(language, l.template, &values) })
        .collect()
}

