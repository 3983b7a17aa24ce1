//! Builds a customer statement ([`domain::statement::Statement`]) from the archive and, with
//! the data folder, the payment history; and writes it as CSV. See the record's module for
//! what a statement holds and how its balance is made.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::csv_out::{Column, Dialect, Rows, number, text};
use archive::Archive;
use domain::document::{DocumentKind, Party, Relation};
use domain::error::{Error, Result};
use domain::model::{DataSet, Status, TransactionType};
pub use domain::statement::*;

/// The statement of `customer` for issue and payment dates `from..=to`.
pub fn build(archive: &Archive, data: Option<&DataSet>, customer: &str, from: NaiveDate, to: NaiveDate) -> Result<Statement> {
    use rayon::prelude::*;
    if from > to {
        return Err(Error::Refused(format!("--from {from} is after --to {to}")));
    }
    let state = archive.checked_state()?;
    let in_range = |d: NaiveDate| d >= from && d <= to;
    // Every document of the customer: those before the range make the balance brought
    // forward, and any document (of whatever date) says its transactions are documented.
    let docs = state.entries.par_iter().map(|e| state.read_document(&e.number)).collect::<Result<Vec<_>>>()?;
    let docs: Vec<_> = docs.into_iter().filter(|d| d.customer_id == customer).collect();
    let documented: std::collections::BTreeSet<&str> = docs.iter().flat_map(|d| d.source_transactions.iter().map(String::as_str)).collect();
    let mut entries = Vec::new();
    // The customer as their latest document up to the range's end names them (a reissue's
    // corrected name), with the seller and the language it is printed in.
    let mut parties = docs
        .iter()
        .filter(|d| d.issue_date <= to)
        .max_by_key(|d| (d.issue_date, d.number.clone()))
        .map(|d| (d.customer.clone(), d.seller.clone(), d.language.clone()));
    for d in docs.iter().filter(|d| d.issue_date <= to) {
        let currency = d.currency.to_string();
        let (kind, sign) = if d.kind == DocumentKind::Invoice { (EntryKind::Invoice, Decimal::ONE) } else { (EntryKind::CreditNote, -Decimal::ONE) };
        let detail = match d.references.first() {
            Some(r) => Detail::Reference { relation: r.relation, number: r.number.to_string(), issue_date: r.issue_date },
            None => d.lines.first().map_or(Detail::None, |l| Detail::Description { text: l.description.clone(), more_lines: d.lines.len() - 1 }),
        };
        entries.push(Entry { date: d.issue_date, kind, reference: d.number.to_string(), detail, currency: currency.clone(), charged: Some(d.totals.gross * sign), paid: None });
        let replaces = d.references.iter().any(|r| r.relation == Relation::Replaces);
        let via = Detail::Card { brand: d.payment.card_brand.clone(), last4: d.payment.card_last4.clone(), payment_id: d.payment.payment_id.clone() };
        match (d.kind, d.payment.status.as_str()) {
            (DocumentKind::Invoice, "paid") if !replaces => entries.push(Entry {
                date: d.payment.date,
                kind: EntryKind::Payment,
                reference: d.number.to_string(),
                detail: via,
                currency,
                charged: None,
                paid: Some(d.payment.amount),
            }),
            (DocumentKind::CreditNote, "refunded") => entries.push(Entry {
                date: d.payment.date,
                kind: EntryKind::Refund,
                reference: d.number.to_string(),
                detail: via,
                currency,
                charged: None,
                paid: Some(-d.payment.amount),
            }),
            _ => {}
        }
    }
    if let Some(data) = data {
        for t in data.transactions.iter().filter(|t| t.customer_id == customer && t.status == Status::Succeeded) {
            let date = data.local_date(t.timestamp);
            if date > to || documented.contains(t.id.as_str()) {
                continue;
            }
            let refers = t.refers_to.clone().unwrap_or_default();
            let (kind, amount, detail) = match t.kind {
                TransactionType::Duplicate => (EntryKind::Duplicate, t.total().amount(), Detail::DuplicateOf(refers)),
                TransactionType::Refund => (EntryKind::DuplicateReturned, -t.total().amount(), Detail::RefundOf(refers)),
                // A succeeded charge without its invoice: money received, to be invoiced.
                TransactionType::Charge => (EntryKind::Payment, t.total().amount(), Detail::NotInvoiced),
                // A bank transfer received: pays the invoice of the charge it refers to (the
                // invoice itself asked for it and records no payment).
                TransactionType::Payment => (EntryKind::Payment, t.total().amount(), Detail::TransferFor(refers)),
            };
            entries.push(Entry { date, kind, reference: t.id.clone(), detail, currency: t.currency.to_string(), charged: None, paid: Some(amount) });
        }
        if parties.is_none() {
            let c = data.customer(customer).ok_or_else(|| Error::Refused(format!("customer '{customer}' is in neither the archive nor customers.csv")))?;
            let seller = &data.company.seller;
            let party = |name: &str, address: &domain::model::Address, tax_id: Option<String>, email: Option<String>| Party {
                name: name.to_string(),
                address: address.into(),
                tax_id,
                registration_id: None,
                email,
                electronic_address: None,
                contact_name: None,
                phone: None,
            };
            parties = Some((
                party(&c.name, &c.address, c.vat_id.clone(), Some(c.email.clone())),
                party(&seller.legal_name, &seller.address, Some(seller.vat_id.clone()), Some(seller.email.clone())),
                c.language.clone(),
            ));
        }
    }
    let Some((customer_party, seller, language)) = parties.filter(|_| entries.iter().any(|e| e.date <= to)) else {
        return Err(Error::Refused(format!("customer '{customer}' has no document up to {to}; give --data to include payments without one")));
    };
    // What came before the range is one line per currency, the balance brought forward.
    let mut before: std::collections::BTreeMap<String, Decimal> = std::collections::BTreeMap::new();
    for e in entries.iter().filter(|e| e.date < from) {
        *before.entry(e.currency.clone()).or_default() += e.paid.unwrap_or_default() - e.charged.unwrap_or_default();
    }
    entries.retain(|e| in_range(e.date));
    for (currency, balance) in before {
        // Owed by the customer: as charged; in their favour (or nothing): as paid.
        let (charged, paid) = if balance.is_sign_negative() && !balance.is_zero() { (Some(-balance), None) } else { (None, Some(balance)) };
        entries.push(Entry { date: from, kind: EntryKind::BroughtForward, reference: String::new(), detail: Detail::None, currency, charged, paid });
    }
    // On one day: the balance brought forward, documents, then money.
    entries.sort_by(|a, b| {
        let key = |e: &Entry| (e.date, e.kind != EntryKind::BroughtForward, e.paid.is_some(), e.reference.clone());
        key(a).cmp(&key(b))
    });
    let mut balances: std::collections::BTreeMap<String, Balance> = std::collections::BTreeMap::new();
    for e in &entries {
        let b = balances.entry(e.currency.clone()).or_insert_with(|| Balance { currency: e.currency.clone(), ..Balance::default() });
        match (e.charged, e.paid) {
            _ if e.kind == EntryKind::BroughtForward => b.brought_forward = e.paid.unwrap_or_default() - e.charged.unwrap_or_default(),
            (Some(c), _) if c.is_sign_negative() => b.credited -= c,
            (Some(c), _) => b.invoiced += c,
            (_, Some(p)) if p.is_sign_negative() => b.refunds -= p,
            (_, Some(p)) => b.payments += p,
            _ => {}
        }
    }
    let balances = balances
        .into_values()
        .map(|mut b| {
            b.balance = b.brought_forward + (b.payments - b.refunds) - (b.invoiced - b.credited);
            // Every amount at the currency's minor unit, as in the documents (sums of exact
            // amounts: the scale changes, never the value).
            let digits = domain::money::Currency::parse(&b.currency).map_or(2, |c| c.minor_units());
            for amount in [&mut b.brought_forward, &mut b.invoiced, &mut b.credited, &mut b.payments, &mut b.refunds, &mut b.balance] {
                amount.rescale(digits);
            }
            b
        })
        .collect();
    Ok(Statement {
        customer_id: customer.to_string(),
        language,
        customer: customer_party,
        seller,
        from,
        to,
        entries,
        balances,
        with_payment_history: data.is_some(),
    })
}

const COLUMNS: &[Column] = &[
    text("date"), text("kind"), text("reference"), text("detail"), text("currency"), number("charged"), number("paid"),
];

/// The statement as CSV: its lines, then a `balance` line per currency (charged: invoices
/// less credit notes; paid: payments less refunds; detail: the balance).
pub fn csv(s: &Statement, dialect: Dialect) -> Vec<u8> {
    let mut w = Rows::with_dialect(COLUMNS, dialect);
    for e in &s.entries {
        let kind = e.kind.code().to_string();
        let opt = |d: Option<Decimal>| d.map(|d| amount(&e.currency, d)).unwrap_or_default();
        w.row([e.date.to_string(), kind, e.reference.clone(), e.detail.code_text(), e.currency.clone(), opt(e.charged), opt(e.paid)]);
    }
    for b in &s.balances {
        w.row([
            s.to.to_string(),
            "balance".into(),
            String::new(),
            format!("balance {} {}", amount(&b.currency, b.balance), b.currency),
            b.currency.clone(),
            amount(&b.currency, b.invoiced - b.credited),
            amount(&b.currency, b.payments - b.refunds),
        ]);
    }
    w.take()
}

