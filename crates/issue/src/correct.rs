//! Corrected reissue: a credit note that cancels an invoice in full, and a replacement
//! invoice with corrected customer details that says what it replaces.
//!
//! Issued documents are never edited. Support's "please fix the address on my invoice" is
//! two new documents: the credit note repeats the original exactly as issued (so the two
//! net to zero), and the replacement keeps the original's supply, tax point date and rate.
//! Only when the correction changes the VAT treatment itself (a VAT ID supplied later turns a
//! consumer sale into a reverse charge, a corrected country moves the place of supply) is the
//! replacement recomputed, under the new treatment, still for the original supply date.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::country::CountryCode;
use domain::document::{Document, DocumentKind, DocumentReference, Relation, Totals};
use input::{parse_email, parse_language};
use crate::{Draft, History, Numbered, number};
use domain::model::{Company, Customer, CustomerType, DataSet, VatIdStatus};
use domain::money::Money;
use domain::numbering::DocumentNumber;
use tax::rates::LocalCurrency;
use tax::{self, calc, conversion, tax_id};

/// The customer fields a correction may set (the columns of `customers.csv`).
pub const FIELDS: &[&str] = &[
    "name", "email", "address_line1", "address_line2", "city", "postal_code", "region", "country",
    "vat_id", "vat_id_status", "language", "type", "peppol_id", "buyer_reference",
];

/// What support asks for.
#[derive(Clone, Debug, Default)]
pub struct Correction {
    /// `field=value` pairs, applied in order.
    pub set: Vec<(String, String)>,
    pub reason: String,
    /// Issue date of the two new documents; default: the day the correction is made (see
    /// [`issue_date`]).
    pub date: Option<NaiveDate>,
    /// What the payment history (the data folder) says was paid for the invoice, or paid
    /// back without a credit note, since it was issued, by the day of the correction; `None`
    /// where it was not read. An invoice not settled exactly when issued (one that asked for
    /// a transfer, one overpaid) cannot be corrected without it: its replacement would ask
    /// again for money already paid, or announce again an overpayment already returned.
    pub received: Option<Received>,
}

/// Money for an invoice that issued no document of its own, from the payment history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// Bank transfers received for its charges.
    pub amount: Decimal,
    /// The latest transfer's date.
    pub last: Option<NaiveDate>,
    /// Refunds of its charges that issued no credit note: an overpayment returned.
    pub returned: Decimal,
}

/// Why a correction cannot be made as asked. Nothing is issued.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The invoice to correct cannot be read back from the archive (why).
    Unreadable(String),
    /// The number given is a credit note's.
    NotAnInvoice(DocumentNumber),
    /// The invoice was cancelled `on` that day, `by` that credit note.
    Cancelled { number: DocumentNumber, by: DocumentNumber, on: NaiveDate },
    /// The invoice has been credited (partly or in full) `by` that credit note, of `total`.
    Credited { number: DocumentNumber, by: DocumentNumber, total: Decimal, currency: domain::money::Currency },
    /// A plan change billed `by` that invoice has credited part of the invoice under its
    /// treatment, which the correction would change.
    Adjusted { number: DocumentNumber, by: DocumentNumber },
    /// The invoice's plan-change line credits part of `adjusted` under its treatment, which
    /// the correction would change.
    AdjustsAnother { number: DocumentNumber, adjusted: DocumentNumber },
    /// The correction states nothing other than the invoice does, and taxes it the same.
    NothingToCorrect(DocumentNumber),
    /// The invoice asked for a bank transfer, or was overpaid, and the payment history (the
    /// data folder) was not given to say what has been received or returned since.
    PaymentsUnknown { number: DocumentNumber, overpaid: bool },
    /// No `--reason` was given.
    NoReason,
    /// The `--reason` is not one line of text (why).
    Reason(String),
    /// `--date` is before the day the correction is made (the seller's `today`).
    BeforeToday { date: NaiveDate, today: NaiveDate, timezone: String },
    /// `--date` is more than [`LATER_AT_MOST`] days after the day the correction is made.
    FarAhead { date: NaiveDate, today: NaiveDate, timezone: String },
    /// `--date` is before the latest issue date of `series`.
    BeforeSeries { date: NaiveDate, latest: NaiveDate, series: String },
    /// The issue date's year cannot be carried by a document number.
    YearOutOfRange(NaiveDate),
    /// A `--set field=value` that is refused: the field, and why (starting with the value
    /// when the value is at fault).
    Set { field: String, message: String },
    /// The corrected customer cannot be taxed.
    Untaxable(tax::Refusal),
    /// The corrected treatment has no rate on the original's tax point.
    NoRate(tax::Refusal),
    /// The replacement charges `tax` (EU VAT, UK VAT) in `currency`, to be stated in `base`,
    /// but the original `number` recorded no exchange rate to it to reuse.
    NoExchangeRate { tax: String, currency: domain::money::Currency, base: domain::money::Currency, number: DocumentNumber },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Unreadable(why) => f.write_str(why),
            Error::NotAnInvoice(number) => write!(f, "{number} is a credit note; only invoices can be reissued"),
            Error::Cancelled { number, by, on } => write!(
                f,
                "{number} was already cancelled by {by} on {on}; reissue its replacement instead (see `invoicesmith show {number}`)"
            ),
            Error::Credited { number, by, total, currency } => write!(
                f,
                "{number} has been credited by {by} ({total} {currency}); cancelling it in full would credit more than was invoiced, so it is not reissued: correct the customer in customers.csv, and their later invoices carry the new details"
            ),
            Error::Adjusted { number, by } => write!(
                f,
                "{number} has been adjusted by {by} (a plan change credited part of it at its present tax); a replacement taxed otherwise would leave that credit at the old tax, so it is not reissued: correct the customer in customers.csv, and their later invoices carry the new details"
            ),
            Error::PaymentsUnknown { number, overpaid: false } => write!(
                f,
                "{number} asked to be paid by bank transfer, and what has been received since is in the payment history: give --data DIR (the data folder whose transactions.csv records the transfers), or its replacement would ask again for money already paid"
            ),
            Error::PaymentsUnknown { number, overpaid: true } => write!(
                f,
                "{number} was overpaid, and whether the overpayment has been refunded since is in the payment history: give --data DIR (the data folder whose transactions.csv records the refunds), or its replacement would announce again an overpayment already returned"
            ),
            Error::AdjustsAnother { number, adjusted } => write!(
                f,
                "{number} credits part of {adjusted} (a plan change) at its present tax; a replacement taxed otherwise would credit that part at another tax than {adjusted} charged, so it is not reissued: correct the customer in customers.csv, and their later invoices carry the new details"
            ),
            Error::NothingToCorrect(number) => write!(
                f,
                "the correction changes nothing {number} states, nor how it is taxed: nothing is issued (check the --set values against `invoicesmith show {number}`)"
            ),
            Error::NoReason => f.write_str("--reason is required: say why the invoice is corrected"),
            Error::Reason(why) => write!(f, "--reason: {why}"),
            Error::BeforeToday { date, today, timezone } => {
                write!(f, "--date {date} is before today ({today} in {timezone}): a correction is dated the day it is made, or later")
            }
            Error::BeforeSeries { date, latest, series } => write!(
                f,
                "--date {date} is before {latest}, the latest issue date in the series {series}: numbers and dates must ascend; use {latest} or later"
            ),
            Error::FarAhead { date, today, timezone } => write!(
                f,
                "--date {date} is more than {LATER_AT_MOST} days after today ({today} in {timezone}): a correction is dated the day it is made, or at most a month later"
            ),
            Error::YearOutOfRange(date) => write!(f, "--date {date} is not a date whose year a document number can carry (1000 to 9999)"),
            Error::Set { field, message } => write!(f, "--set {field}: {message}"),
            Error::Untaxable(refusal) => write!(f, "the corrected customer cannot be taxed: {refusal}"),
            Error::NoRate(refusal) => write!(f, "{refusal}"),
            Error::NoExchangeRate { tax, currency, base, number } => write!(
                f,
                "the corrected invoice charges {tax} in {currency}, which must also be stated in {base}, but {number} recorded no exchange rate to {base} to reuse"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// How many days after the day it is made a correction may be dated (`--date`).
pub const LATER_AT_MOST: u64 = 31;

/// The issue date of a correction made on `today` (the seller's local date): a correction
/// is dated when support makes it, never backdated. `requested` may move it later (by at
/// most [`LATER_AT_MOST`] days: a mistyped year would date every later document), but not
/// before today nor before the latest date in either series, so numbers and dates keep
/// ascending and the replacement is never dated before the credit note that cancels its
/// original (both get this date). Without `requested`, a series dated past today (a
/// transaction's local date ahead of the clock) lifts the date to its latest.
pub fn issue_date(company: &Company, history: &dyn History, today: NaiveDate, requested: Option<NaiveDate>) -> Result<NaiveDate, Error> {
    if let Some(date) = requested
        && date > today + chrono::Days::new(LATER_AT_MOST)
    {
        // Every later document of both series would have to carry that date or a later one.
        return Err(Error::FarAhead { date, today, timezone: company.seller.timezone.to_string() });
    }
    let series = [&company.numbering.invoice, &company.numbering.credit_note];
    // On a tie, the credit note series: the one a correction opens with.
    let latest = series.iter().filter_map(|p| history.last_date(p).map(|d| (d, p.as_str()))).max_by_key(|(d, _)| *d);
    match (requested, latest) {
        (Some(date), _) if date < today => Err(Error::BeforeToday { date, today, timezone: company.seller.timezone.to_string() }),
        (Some(date), Some((latest, pattern))) if date < latest => Err(Error::BeforeSeries { date, latest, series: pattern.to_string() }),
        (Some(date), _) => Ok(date),
        (None, latest) => Ok(latest.map_or(today, |(latest, _)| today.max(latest))),
    }
}

/// The cancelling credit note and the replacement invoice, numbered and dated `today` (the
/// seller's local date when support makes the correction; see [`issue_date`]).
pub fn reissue(
    company: &Company,
    history: &dyn History,
    number_to_fix: &DocumentNumber,
    correction: &Correction,
    today: NaiveDate,
) -> Result<Vec<Numbered>, Error> {
    let original = history.document(number_to_fix).map_err(|e| Error::Unreadable(e.to_string()))?;
    if original.kind != DocumentKind::Invoice {
        return Err(Error::NotAnInvoice(number_to_fix.clone()));
    }
    let referrers = history.referrers(number_to_fix);
    if let Some(r) = referrers.iter().find(|r| r.relation == Relation::Cancels) {
        return Err(Error::Cancelled { number: number_to_fix.clone(), by: r.number.clone(), on: r.issue_date });
    }
    if let Some(r) = referrers.iter().find(|r| r.relation == Relation::Credits) {
        return Err(Error::Credited { number: number_to_fix.clone(), by: r.number.clone(), total: r.total, currency: original.currency });
    }
    if correction.reason.trim().is_empty() {
        return Err(Error::NoReason);
    }
    let customer = corrected_customer(&original, &correction.set)?;
    let fingerprints: Vec<_> = original
        .source_transactions
        .iter()
        .filter_map(|t| history.issued_for(DocumentKind::Invoice, t).and_then(|(_, f)| f))
        .collect();
    let issue_date = issue_date(company, history, today, correction.date)?;
    if !domain::numbering::YEARS.contains(&chrono::Datelike::year(&issue_date)) {
        return Err(Error::YearOutOfRange(issue_date));
    }
    let reason = input::single_line(correction.reason.trim()).map_err(|e| Error::Reason(e.to_string()))?.into_owned();
    // As long as transactions.csv's `reason` may be: both are a credit note's stated reason.
    input::check_length(&reason, input::limits::LINE).map_err(|e| Error::Reason(e.to_string()))?;
    let reason = Some(reason);
    let sort_key = (issue_date.and_hms_opt(0, 0, 0).expect("midnight").and_utc(), original.number.to_string());

    // The credit note: the original as issued, cancelled in full.
    let mut credit = original.clone();
    credit.kind = DocumentKind::CreditNote;
    credit.issue_date = issue_date;
    credit.original_supply_date = Some(original.tax_point_date);
    credit.payment.status = "offset".into();
    credit.references = vec![DocumentReference {
        number: original.number.clone(),
        issue_date: original.issue_date,
        relation: Relation::Cancels,
        reason: reason.clone(),
    }];

    // The replacement: corrected customer, same supply.
    let mut replacement = original.clone();
    replacement.issue_date = issue_date;
    replacement.customer = replacement_party(&original, &customer);
    replacement.buyer_reference = customer.buyer_reference.clone();
    replacement.language = customer.language.clone();
    replacement.tax.customer_type = customer.kind.into();
    let determination = tax::determine(company, &customer, original.tax.evidence.card_country, original.tax.evidence.ip_country)
        .map_err(Error::Untaxable)?;
    if (determination.treatment, determination.jurisdiction) != (original.tax.treatment, original.tax.jurisdiction) {
        // A plan change credited part of the original under its treatment: replaced under
        // another, the supply would keep that credit of the old tax (e.g. German VAT credited
        // for time now reverse-charged in full).
        // The invoices it replaces count as it: the plan change may have adjusted, or
        // been billed on, an earlier invoice of its chain (see `replacement_chain`).
        let chain = crate::replacement_chain(history, number_to_fix);
        if let Some(r) = chain.iter().flat_map(|n| history.referrers(n)).find(|r| r.relation == Relation::Adjusts) {
            return Err(Error::Adjusted { number: number_to_fix.clone(), by: r.number.clone() });
        }
        let earlier = chain[1..].iter().filter_map(|n| history.document(n).ok());
        if let Some(r) = std::iter::once(original.clone()).chain(earlier).find_map(|d| d.references.into_iter().find(|r| r.relation == Relation::Adjusts)) {
            return Err(Error::AdjustsAnother { number: number_to_fix.clone(), adjusted: r.number });
        }
        recompute(&mut replacement, &original, &determination, company)?;
    }
    replacement.references = vec![DocumentReference {
        number: original.number.clone(),
        issue_date: original.issue_date,
        relation: Relation::Replaces,
        reason,
    }];
    // A credit note and an invoice identical to the original but for their numbers correct
    // nothing (a --set of the value it already has, or of vat_id_status alone where the
    // treatment stays).
    if corrected_fields(&original, &replacement).is_empty() && replacement.tax == original.tax && replacement.totals == original.totals {
        return Err(Error::NothingToCorrect(number_to_fix.clone()));
    }
    // An invoice not settled exactly: what was received or returned since moves to the
    // replacement, which asks only for the rest (nothing, once paid) and announces only an
    // overpayment not yet returned.
    let asked_transfer = domain::payment::terms::asks_transfer(&original).is_some();
    let overpaid = original.totals.due.is_sign_negative() && !original.totals.due.is_zero();
    if asked_transfer || overpaid {
        let received = correction.received.ok_or_else(|| Error::PaymentsUnknown { number: number_to_fix.clone(), overpaid })?;
        apply_received(&mut credit, &mut replacement, received);
    }

    let data = DataSet::new(company.clone(), vec![], vec![], vec![]);
    let drafts = vec![
        Draft { kind: DocumentKind::CreditNote, fingerprints: vec![], sort_key: sort_key.clone(), document: credit },
        Draft { kind: DocumentKind::Invoice, fingerprints, sort_key, document: replacement },
    ];
    Ok(number(&data, drafts, history))
}

/// Counts transfers `received` for a cancelled invoice, and its overpayment returned: its
/// cancelling `credit` note applies what stays paid to the `replacement`; one that asked for
/// a transfer is paid (by transfer, on the latest's date) once they cover it, and otherwise
/// still asks for the rest.
fn apply_received(credit: &mut Document, replacement: &mut Document, received: Received) {
    // At the currency's minor unit, as every amount of a document (`4800.00`, not `4800`).
    let digits = credit.minor_units();
    let exact = |mut d: Decimal| {
        d.rescale(digits);
        d
    };
    let moved = received.amount - received.returned;
    credit.totals.paid = exact(credit.totals.paid + moved);
    credit.totals.due = exact(Decimal::ZERO);
    let t = &mut replacement.totals;
    t.paid = exact(t.paid + moved);
    t.due = exact(t.gross - t.paid);
    if replacement.payment.status != domain::payment::terms::DUE {
        return;
    }
    if let (Some(last), false) = (received.last, t.due.is_sign_positive() && !t.due.is_zero()) {
        replacement.payment.status = "paid".into();
        replacement.payment.date = last;
        replacement.payment.amount = t.paid;
    }
}

/// The original's customer with the correction applied, as a model customer the tax rules
/// can judge.
fn corrected_customer(original: &Document, set: &[(String, String)]) -> Result<Customer, Error> {
    let party = &original.customer;
    let mut c = Customer {
        id: original.customer_id.clone(),
        kind: original.tax.customer_type.into(),
        name: party.name.clone(),
        email: party.email.clone().unwrap_or_default(),
        address: (&party.address).into(),
        vat_id: party.tax_id.clone(),
        // The original was issued with this tax ID, so it was not known to be invalid; only
        // an invalid one changes the treatment (see `VatIdStatus`).
        vat_id_status: VatIdStatus::Unchecked,
        language: original.language.clone(),
        peppol_id: party.electronic_address.clone(),
        buyer_reference: original.buyer_reference.clone(),
        // The notes stay as the original printed them (`Document::notes`).
        note: None,
        source_line: 0,
    };
    let mut kind_set = false;
    for (field, value) in set {
        let value = input::single_line(value.trim()).map_err(|reason| Error::Set { field: field.clone(), message: reason.to_string() })?;
        let value = value.as_ref();
        // As long as the customers.csv column may be: the same value on the same documents.
        if let Some(&(_, max)) = input::CUSTOMER_TEXT_LIMITS.iter().find(|(column, _)| column == field) {
            input::check_length(value, max).map_err(|too_long| Error::Set { field: field.clone(), message: too_long.to_string() })?;
        }
        let bad = |reason: String| Error::Set { field: field.clone(), message: format!("'{value}' {reason}") };
        match field.as_str() {
            "name" if !value.is_empty() => c.name = value.to_string(),
            "name" => return Err(bad("is empty; expected the customer's name".into())),
            "email" => c.email = if value.is_empty() { String::new() } else { parse_email(value).map_err(bad)? },
            "address_line1" => c.address.line1 = value.to_string(),
            "address_line2" => c.address.line2 = value.to_string(),
            "city" => c.address.city = value.to_string(),
            "postal_code" => c.address.postal_code = value.to_string(),
            "region" => c.address.region = value.to_string(),
            "country" => c.address.country = CountryCode::parse(value).map_err(|e| bad(e.to_string()))?,
            "vat_id" => c.vat_id = Some(value.to_string()).filter(|v| !v.is_empty()),
            "vat_id_status" => {
                c.vat_id_status = match value {
                    "valid" => VatIdStatus::Valid,
                    "invalid" => VatIdStatus::Invalid,
                    "" => VatIdStatus::Unchecked,
                    _ => return Err(bad("is not a VAT ID status; expected 'valid', 'invalid' or empty".into())),
                }
            }
            "language" => c.language = parse_language(value).map_err(bad)?,
            "peppol_id" if value.is_empty() => c.peppol_id = None,
            "peppol_id" => c.peppol_id = Some(input::peppol_id::participant(value).map_err(|e| bad(e.to_string()))?),
            "buyer_reference" => c.buyer_reference = Some(value.to_string()).filter(|v| !v.is_empty()),
            "type" => {
                kind_set = true;
                c.kind = match value {
                    "individual" => CustomerType::Individual,
                    "business" => CustomerType::Business,
                    _ => return Err(bad("is not a customer type; expected 'individual' or 'business'".into())),
                }
            }
            _ => return Err(Error::Set { field: field.clone(), message: format!("unknown field; expected one of {}", FIELDS.join(", ")) }),
        }
    }
    // The (possibly new) tax ID must pass the (possibly new) country's rules.
    if let (Some(id), true) = (&c.vat_id, c.vat_id_status != VatIdStatus::Invalid) {
        match tax_id::check_tax_id(c.address.country.as_str(), id) {
            Ok(Some(canonical)) => c.vat_id = Some(canonical.to_string()),
            Ok(None) => {}
            Err(reason) => return Err(Error::Set { field: "vat_id".into(), message: format!("'{id}' {reason}") }),
        }
        // Only businesses have VAT IDs: supplying one makes the customer a business unless
        // the type was set explicitly.
        if !kind_set && set.iter().any(|(f, _)| f == "vat_id") {
            c.kind = CustomerType::Business;
        }
    }
    Ok(c)
}

/// The corrected customer as the replacement names them; the register number stays the
/// original's.
fn replacement_party(original: &Document, c: &Customer) -> domain::document::Party {
    domain::document::Party { registration_id: original.customer.registration_id.clone(), ..crate::assemble::customer_party(c) }
}

/// Recomputes `replacement` under a new treatment: the original's net prices at the new
/// rate on the original tax point date. The card payment stays what it was, so the amount
/// due shows the difference (negative: to be refunded).
fn recompute(replacement: &mut Document, original: &Document, d: &tax::Determination, company: &Company) -> Result<(), Error> {
    let currency = original.currency;
    let rate = d.rate_on(original.tax_point_date).map_err(Error::NoRate)?;
    let lines: Vec<calc::CalcLine> = original
        .lines
        .iter()
        .map(|l| calc::CalcLine {
            amount: Money::from_exact(l.net_amount, currency).expect("document amounts are exact"),
            category: d.category(),
            rate,
        })
        .collect();
    let c = calc::calculate(&lines, domain::model::AmountBasis::Net, currency);
    for (line, net) in replacement.lines.iter_mut().zip(&c.line_nets) {
        line.net_amount = net.amount();
        line.tax_category = d.category();
        line.tax_rate = rate;
        // The net price stays; the tax-inclusive price the customer saw no longer holds.
        line.gross = None;
    }
    replacement.tax_breakdown = c.breakdown.clone();
    let paid = original.totals.paid;
    replacement.totals = Totals { net: c.net.amount(), tax: c.tax.amount(), gross: c.gross.amount(), paid, due: c.gross.amount() - paid };
    replacement.tax = crate::assemble::tax_of(d, replacement.tax.customer_type);
    replacement.legends = crate::assemble::legends(&replacement.language, d);
    // At the rate the original was stated at (for its VAT or for the books): a correction
    // does not read exchange rates, and the supply is the same.
    let restated = original.in_base_currency().map(|b| conversion::restate_like(b, c.net, c.tax));
    (replacement.base_currency_tax, replacement.base_currency_booking) = if currency == company.seller.base_currency {
        (None, None)
    } else if d.is_eu_vat_charged() {
        let statement = restated.ok_or_else(|| Error::NoExchangeRate {
            tax: "EU VAT".into(),
            currency,
            base: company.seller.base_currency,
            number: original.number.clone(),
        })?;
        (Some(statement), None)
    } else {
        (None, restated)
    };
    // A non-EU tax's figures in another currency, at the rate the original had them at: its
    // law's statement (required), or those kept for its return (where the original had them).
    let again_in = |to: domain::money::Currency, kept: &Option<domain::document::BaseCurrencyTax>| {
        kept.as_ref().filter(|b| b.currency == to).map(|b| conversion::restate_like(b, c.net, c.tax))
    };
    (replacement.local_currency_tax, replacement.return_currency_tax) = match d.local_currency() {
        Some(LocalCurrency::Stated(to)) if to != currency => (
            Some(again_in(to, &original.local_currency_tax).ok_or_else(|| Error::NoExchangeRate { tax: d.tax_name.clone(), currency, base: to, number: original.number.clone() })?),
            None,
        ),
        Some(LocalCurrency::Declared(to)) if to != currency => (None, again_in(to, &original.return_currency_tax)),
        _ => (None, None),
    };
    Ok(())
}

/// The customer columns (as in customers.csv) a document states, in [`FIELDS`] order,
/// without `vat_id_status` (a document does not state it).
fn stated_fields(c: &Customer) -> Vec<(&'static str, String)> {
    let a = &c.address;
    let kind = match c.kind {
        CustomerType::Individual => "individual",
        CustomerType::Business => "business",
    };
    vec![
        ("name", c.name.clone()),
        ("email", c.email.clone()),
        ("address_line1", a.line1.clone()),
        ("address_line2", a.line2.clone()),
        ("city", a.city.clone()),
        ("postal_code", a.postal_code.clone()),
        ("region", a.region.clone()),
        ("country", a.country.to_string()),
        ("vat_id", c.vat_id.clone().unwrap_or_default()),
        ("language", c.language.clone()),
        ("type", kind.to_string()),
        ("peppol_id", c.peppol_id.as_ref().map(ToString::to_string).unwrap_or_default()),
        ("buyer_reference", c.buyer_reference.clone().unwrap_or_default()),
    ]
}

/// One customer field a replacement corrected: `(field, old value, corrected value)`.
pub type Corrected = (&'static str, String, String);

/// The customer fields `replacement` states differently from `original`, the invoice it
/// replaces.
pub fn corrected_fields(original: &Document, replacement: &Document) -> Vec<Corrected> {
    let before = corrected_customer(original, &[]).map(|c| stated_fields(&c)).unwrap_or_default();
    let after = corrected_customer(replacement, &[]).map(|c| stated_fields(&c)).unwrap_or_default();
    before.into_iter().zip(after).filter(|(b, a)| b.1 != a.1).map(|((field, old), (_, new))| (field, old, new)).collect()
}

/// What to tell the operator after a reissue: customers.csv still holds the old details, and
/// the values to copy there (what the documents now state differently, then any other
/// `--set` field, e.g. `vat_id_status`), so the next invoice does not repeat the error.
pub fn reminder(customer_id: &str, corrected: &[Corrected], set: &[(String, String)]) -> Option<String> {
    let mut sets: Vec<String> = corrected.iter().map(|(field, _, new)| format!("{field}={new}")).collect();
    for (field, value) in set {
        if !corrected.iter().any(|(f, _, _)| f == field) {
            sets.push(format!("{field}={}", value.trim()));
        }
    }
    if sets.is_empty() {
        return None;
    }
    Some(format!(
        "customers.csv still holds the old details of {customer_id}: set {} there, or the next invoice repeats the error",
        sets.join(", ")
    ))
}

/// Customers whose current details (customers.csv) still equal what a reissue corrected:
/// one warning per such field, naming the replacement. `corrections` are `(customer id,
/// replacement number, corrected fields)` in issue order; a later correction of a field
/// supersedes an earlier one.
pub fn stale_details(customers: &[Customer], corrections: &[(String, DocumentNumber, Vec<Corrected>)]) -> Vec<String> {
    let mut latest: std::collections::BTreeMap<(&str, &str), (&DocumentNumber, &str, &str)> = std::collections::BTreeMap::new();
    for (customer, number, fields) in corrections {
        for (field, old, new) in fields {
            latest.insert((customer.as_str(), *field), (number, old.as_str(), new.as_str()));
        }
    }
    let mut warnings = Vec::new();
    for c in customers {
        for (field, value) in stated_fields(c) {
            if let Some((number, old, new)) = latest.get(&(c.id.as_str(), field))
                && value == *old
                && value != *new
            {
                warnings.push(format!(
                    "customers.csv: {}: {field} is still '{old}', which {number} corrected to '{new}'; update customers.csv or the next invoice repeats the error",
                    c.id
                ));
            }
        }
    }
    warnings
}
