//! The words of a customer statement, shared by its PDF and HTML: in the language the
//! customer's documents are printed in ([`Statement::language`]), with that language's
//! dates and money, as on their invoices. The record holds data (kinds, relations, ids);
//! everything here words it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::statement::{Balance, Detail, Entry, EntryKind, Statement};
use locale::{StatementTexts, Texts, fill};

fn texts(s: &Statement) -> &'static Texts {
    locale::texts(&s.language)
}

fn words(s: &Statement) -> &'static StatementTexts {
    &texts(s).statement
}

/// The language the statement is printed in, as its PDF and HTML declare it (English where
/// the customer's language has no translation).
pub fn language(s: &Statement) -> &str {
    super::rendered(&s.language)
}

/// `Statement`, `Kontoauszug`.
pub fn title(s: &Statement) -> &'static str {
    &words(s).title
}

/// The range, `1 October 2026 – 31 October 2026`.
pub fn period(s: &Statement) -> String {
    format!("{} – {}", date(s, s.from), date(s, s.to))
}

/// The heading over the customer, as written (the PDF prints it in capitals).
pub fn customer_heading(s: &Statement) -> &'static str {
    &words(s).customer
}

/// The customer's address lines, the country named in the statement's language.
pub fn customer_lines(s: &Statement) -> Vec<String> {
    super::address_lines_in(&s.language, &s.customer)
}

/// `Customer ID cus_de_01`.
pub fn customer_id(s: &Statement) -> String {
    format!("{} {}", texts(s).labels.customer_id, s.customer_id)
}

/// What a statement made without the payment history leaves out, when it was.
pub fn documents_only(s: &Statement) -> Option<&'static str> {
    (!s.with_payment_history).then(|| words(s).documents_only.as_str())
}

/// The column headings: date, item, detail, charged, paid.
pub fn headings(s: &Statement) -> [&'static str; 5] {
    let w = words(s);
    [&w.date, &w.item, &w.detail, &w.charged, &w.paid]
}

/// A date in the statement's language: `5 October 2026`, `05.10.2026`.
pub fn date(s: &Statement, d: NaiveDate) -> String {
    texts(s).format.date(d)
}

/// An amount of `currency` (an ISO code) with its symbol, at its minor unit: `€12.60`,
/// `12,60 €`.
pub fn money(s: &Statement, currency: &str, amount: Decimal) -> String {
    let digits = domain::money::Currency::parse(currency).map_or(2, |c| c.minor_units());
    texts(s).format.money(amount, digits, currency)
}

/// What a line is, with its document number or transaction id: `Invoice KL-INV-2026-000003`,
/// `Payment KL-INV-2026-000003`, `Balance brought forward`.
pub fn item(s: &Statement, e: &Entry) -> String {
    let w = words(s);
    let kind = match e.kind {
        EntryKind::Invoice => &w.invoice,
        EntryKind::CreditNote => &w.credit_note,
        EntryKind::Payment => &w.payment,
        EntryKind::Refund => &w.refund,
        EntryKind::Duplicate => &w.duplicate,
        EntryKind::DuplicateReturned => &w.duplicate_returned,
        EntryKind::BroughtForward => &w.brought_forward,
    };
    if e.reference.is_empty() { kind.clone() } else { format!("{kind} {}", e.reference) }
}

/// The line's detail in words: `Credits invoice KL-INV-2026-000002 of 5 October 2026`,
/// `Visa ending in 4242 · Payment ID pi_3Qx`, `Duplicate of ch_1003`.
pub fn detail(s: &Statement, e: &Entry) -> String {
    let w = words(s);
    let named = |template: &str, reference: &str| fill(template, &[("reference", reference)]);
    match &e.detail {
        Detail::None => String::new(),
        Detail::Description { text, more_lines: 0 } => text.clone(),
        Detail::Description { text, more_lines } => fill(&w.more_lines, &[("description", text), ("count", &more_lines.to_string())]),
        Detail::Reference { relation, number, issue_date } => super::relation(&s.language, *relation, number, *issue_date),
        Detail::Card { brand, last4, payment_id } => {
            super::card_details(&s.language, brand.as_deref(), last4.as_deref().map(str::trim), payment_id.as_deref()).unwrap_or_default()
        }
        Detail::DuplicateOf(of) => named(&w.duplicate_of, of),
        Detail::RefundOf(of) => named(&w.refund_of, of),
        Detail::NotInvoiced => w.not_invoiced.clone(),
        Detail::TransferFor(of) => named(&w.transfer_for, of),
    }
}

/// The line's charged and paid columns (one of them empty).
pub fn amounts(s: &Statement, e: &Entry) -> [String; 2] {
    [e.charged, e.paid].map(|a| a.map(|a| money(s, &e.currency, a)).unwrap_or_default())
}

/// A currency's balance in words, and as money: `Balance €0.00: settled, nothing is owed
/// either way`, `€0.00`.
pub fn balance(s: &Statement, b: &Balance) -> (String, String) {
    let w = words(s);
    let template = if b.balance.is_zero() {
        &w.settled
    } else if b.balance.is_sign_positive() {
        &w.in_your_favour
    } else {
        &w.due
    };
    (fill(template, &[("amount", &money(s, &b.currency, b.balance.abs()))]), money(s, &b.currency, b.balance))
}

/// `Page 2 of 3`.
pub fn page_of(s: &Statement, page: usize, pages: usize) -> String {
    fill(&texts(s).labels.page, &[("page", &page.to_string()), ("pages", &pages.to_string())])
}

/// The footer beside the page number: `Statement for customer cus_de_01`.
pub fn footer(s: &Statement) -> String {
    fill(&words(s).footer, &[("customer", &s.customer_id)])
}
