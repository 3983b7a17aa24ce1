//! `transactions.csv`: the payment history, one row per line item.
//!
//! Rows sharing a `transaction_id` are the lines of one transaction and must agree on every
//! transaction-level field; only the line fields (description, quantity, unit_amount,
//! proration, service period, a proration line's `refers_to`) may differ.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

use domain::country::CountryCode;
use domain::diag::{Diagnostic, Sink};
use domain::model::{AmountBasis, Customer, Line, PaymentMethod, Status, Transaction, TransactionType};
use domain::money::{Currency, Money};

use super::TRANSACTIONS;
use super::csv_table::{self, Row, field, required_text};
use super::customers::{Named, RowOf};
use super::text::limits::{LINE, NOTE};

const COLUMNS: &[&str] = &[
    "transaction_id", "type", "status", "customer_id", "timestamp", "currency", "description",
    "quantity", "unit_amount", "amount_basis", "proration", "service_start", "service_end",
    "refers_to", "reason", "card_country", "ip_country", "card_brand", "card_last4", "payment_id", "purchase_order",
    "payment_method", "note",
];

/// Columns a file may leave out: payment details, printed on the documents when given so a
/// customer can match an invoice to a card statement, and the buyer's purchase order
/// reference, printed on the e-invoices (BT-13).
/// `payment_method` (empty: card) and `note` (printed on the document) likewise.
const OPTIONAL: &[&str] = &["card_brand", "card_last4", "payment_id", "purchase_order", "payment_method", "note"];

/// The longest value accepted in each free-text column a document prints or an export
/// carries, in characters. Far above any real value (a product name, a processor's id), so
/// only a value that is not what the column means is refused — an export pasted into a cell,
/// a whole contract as a description — instead of being printed over hundreds of pages:
///
/// - `description` 1000: a line's description sits in a column of the PDF's line table,
///   ~50 characters a line; 1000 is 20 lines, still a readable line on one page. Twice what
///   a card processor sends: Stripe caps an invoice line item's description at 500
///   characters (API changelog, 2018-10-31).
/// - `note` 1000, the same: printed under the lines.
/// - `reason` 255: printed beside the reference on a credit note; processors' reason codes
///   are short words (`requested_by_customer`).
/// - `purchase_order` 255: the buyer's reference (EN 16931 BT-13), printed and sent in the
///   e-invoices; order numbers are tens of characters.
/// - `card_brand` 50, `payment_id` and `transaction_id` 255, `refers_to` 255: names and ids
///   (`Mastercard`, `pi_3QKx1001`); 255 is the common bound of an id column in billing
///   systems' exports.
pub const TEXT_LIMITS: &[(&str, usize)] = &[
    ("transaction_id", LINE),
    ("description", NOTE),
    ("refers_to", LINE),
    ("reason", LINE),
    ("card_brand", 50),
    ("payment_id", LINE),
    ("purchase_order", LINE),
    ("note", NOTE),
];

/// Transaction-level columns: every row of a transaction must repeat the same value.
const SHARED: &[&str] = &[
    "type", "status", "customer_id", "timestamp", "currency", "amount_basis", "reason", "card_country", "ip_country",
    "card_brand", "card_last4", "payment_id", "purchase_order", "payment_method", "note",
];

/// Parses `transactions.csv`; `named` is what `customers.csv` says about customer ids other
/// than its valid customers' (`None` if it could not be read, then customer ids are not
/// checked against it).
///
/// An owned `text` is freed once its rows are read: they hold its fields, and the
/// transactions built from them would otherwise sit beside both (15 MB of text at 100,000
/// transactions).
///
/// The transactions of a customer whose row has errors, or may be a row with a wrong number
/// of fields, are not checked further (not taxed, not checked against each other): one line per
/// such customer, naming the row, says how many there are, instead of an error for each.
pub fn parse(text: Cow<'_, str>, customers: &[Customer], named: Option<&Named>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Transaction> {
    let mut sink = Sink::new(TRANSACTIONS, diagnostics);
    let from = sink.diagnostics.len();
    let rows = csv_table::read_with_optional(&text, COLUMNS, OPTIONAL, &mut sink);
    drop(text);
    let Some(rows) = rows else {
        return Vec::new();
    };

    // Group rows by transaction, in order of first appearance.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in &rows {
        csv_table::check_lengths(&mut sink, row, TEXT_LIMITS);
        let id = row.get("transaction_id");
        if id.is_empty() {
            sink.push(Some(row.line), "transaction_id", "is empty; expected the transaction's id");
            continue;
        }
        groups.entry(id).or_insert_with(|| {
            order.push(id);
            Vec::new()
        }).push(row);
    }

    let valid: BTreeSet<&str> = customers.iter().map(|c| c.id.as_str()).collect();
    let mut transactions = Vec::with_capacity(order.len());
    // The transactions of each customer whose row has errors: the lines of their first rows.
    let mut unchecked: BTreeMap<&str, (RowOf, Vec<u64>)> = BTreeMap::new();
    for id in &order {
        let rows = &groups[id];
        let customer = rows[0].get("customer_id");
        if !customer.is_empty()
            && !valid.contains(customer)
            && let Some(row) = named.and_then(|named| named.row_of(customer))
        {
            unchecked.entry(customer).or_insert_with(|| (row, Vec::new())).1.push(rows[0].line);
        }
        if let Some(t) = transaction(&mut sink, id, rows, named) {
            if !valid.contains(t.customer_id.as_str()) {
                continue; // its customer's row has errors, reported there and counted below
            }
            transactions.push(t);
        }
    }
    for (customer, (row, lines)) in unchecked {
        sink.push(None, "customer_id", unchecked_message(customer, &row, &lines));
    }
    check_references(&mut sink, &transactions, &groups);
    csv_table::note_short_rows(&mut sink, &rows, from);
    transactions
}

/// How many transactions of `customer` (first rows on `lines`) were not checked because the
/// customer's row has errors, or may be one of the rows with a wrong number of fields; a few of
/// their lines, so the message stays one line. Without a line number, it is printed after
/// every error of customers.csv, before those of single rows of transactions.csv.
fn unchecked_message(customer: &str, row: &RowOf, lines: &[u64]) -> String {
    const SHOWN: usize = 5;
    let shorten = |lines: &[u64]| {
        let mut shown: Vec<String> = lines.iter().take(SHOWN).map(u64::to_string).collect();
        if lines.len() > SHOWN {
            shown.push("…".into());
        }
        shown.join(", ")
    };
    let s = if lines.len() == 1 { "" } else { "s" };
    let why = match row {
        RowOf::Line(line) => format!("its row, {}:{line}, has errors; fix it", super::CUSTOMERS),
        RowOf::Misshapen(rows) if rows.len() == 1 => format!("no row of {0} names it, and {0}:{1} has a wrong number of fields; fix that row", super::CUSTOMERS, rows[0]),
        RowOf::Misshapen(rows) => format!("no row of {} names it, and the rows on lines {} have a wrong number of fields; fix them", super::CUSTOMERS, shorten(rows)),
    };
    format!("{} transaction(s) of '{customer}' (line{s} {}) were not checked further: {why} and run again", lines.len(), shorten(lines))
}

fn transaction(sink: &mut Sink<'_>, id: &str, rows: &[&Row], customers: Option<&Named>) -> Option<Transaction> {
    let first = rows[0];
    // A row the same in every field as an earlier one is a row pasted twice (an export
    // appended again), not a second line: taken as one, it would bill the line twice.
    let mut repeated = false;
    let mut seen: BTreeMap<Vec<&str>, u64> = BTreeMap::new();
    for row in if rows.len() > 1 { rows } else { &[] } {
        if let Some(&earlier) = seen.get(&COLUMNS.iter().map(|c| row.get(c)).collect::<Vec<_>>()) {
            sink.push(
                Some(row.line),
                "",
                format!(
                    "repeats line {} field for field: a second line of '{id}' the same in every field would bill it twice; delete the copy (for two of it, say quantity 2 on one line)",
                    earlier
                ),
            );
            repeated = true;
        } else {
            seen.insert(COLUMNS.iter().map(|c| row.get(c)).collect(), row.line);
        }
    }
    for row in &rows[1..] {
        for column in SHARED {
            if row.get(column) != first.get(column) {
                sink.push(
                    Some(row.line),
                    column,
                    format!(
                        "'{}' differs from '{}' on line {} of the same transaction '{id}'; its rows must agree on everything but the line fields",
                        row.get(column),
                        first.get(column),
                        first.line
                    ),
                );
            }
        }
    }
    let kind = field(sink, first, "type", |s| match s {
        "charge" => Ok(TransactionType::Charge),
        "refund" => Ok(TransactionType::Refund),
        "duplicate" => Ok(TransactionType::Duplicate),
        "payment" => Ok(TransactionType::Payment),
        _ => Err("is not a transaction type; expected 'charge', 'refund', 'duplicate' or 'payment'".into()),
    });
    let status = field(sink, first, "status", |s| match s {
        "succeeded" => Ok(Status::Succeeded),
        "failed" => Ok(Status::Failed),
        "pending" => Ok(Status::Pending),
        _ => Err("is not a status; expected 'succeeded', 'failed' or 'pending'".into()),
    });
    let customer_id = field(sink, first, "customer_id", |s| {
        if s.is_empty() {
            Err("is empty; expected a customer_id from customers.csv".into())
        } else if customers.is_none_or(|named| named.row_of(s).is_some()) {
            Ok(s.to_string())
        } else {
            Err("is not a customer_id in customers.csv".into())
        }
    });
    let timestamp = field(sink, first, "timestamp", parse_timestamp);
    let currency = field(sink, first, "currency", |s| Currency::parse(s).map_err(|e| e.to_string()));
    let amount_basis = field(sink, first, "amount_basis", |s| match s {
        "gross" => Ok(AmountBasis::Gross),
        "net" => Ok(AmountBasis::Net),
        _ => Err("is not an amount basis; expected 'gross' (tax included) or 'net'".into()),
    });
    let card_country = field(sink, first, "card_country", optional_country);
    let ip_country = field(sink, first, "ip_country", optional_country);
    let card_last4 = field(sink, first, "card_last4", |s| match s {
        "" => Ok(None),
        s if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(s.to_string())),
        _ => Err("is not the card's last four digits; expected four digits such as 4242".into()),
    });
    let payment_method = field(sink, first, "payment_method", |s| match s {
        "" | "card" => Ok(PaymentMethod::Card),
        "bank_transfer" => Ok(PaymentMethod::BankTransfer),
        _ => Err("is not a payment method; expected 'card' (or empty) or 'bank_transfer'".into()),
    });
    let text = |column: &str| Some(first.get(column).to_string()).filter(|s| !s.is_empty());

    let lines: Vec<Option<Line>> = rows.iter().map(|row| line(sink, row, currency, kind)).collect();

    // refund/duplicate: the transaction-level reference, the same on every row.
    let refers_to = match kind {
        Some(TransactionType::Refund | TransactionType::Duplicate | TransactionType::Payment) => {
            for row in &rows[1..] {
                if row.get("refers_to") != first.get("refers_to") {
                    sink.push(Some(row.line), "refers_to", format!("'{}' differs from '{}' on line {}; a refund's rows must refer to the same charge", row.get("refers_to"), first.get("refers_to"), first.line));
                }
            }
            match first.get("refers_to") {
                "" => {
                    sink.push(Some(first.line), "refers_to", "is empty; a refund, duplicate or payment must name the charge it concerns");
                    None
                }
                r => Some(r.to_string()),
            }
        }
        _ => None,
    };

    let lines: Vec<Line> = lines.into_iter().collect::<Option<_>>()?;
    if repeated {
        return None;
    }
    let canonical = fingerprint(rows, As::Canonical);
    let t = Transaction {
        fingerprint: canonical,
        earlier_fingerprint: Some(fingerprint(rows, As::Written)).filter(|&f| f != canonical),
        id: id.to_string(),
        kind: kind?,
        status: status?,
        customer_id: customer_id?,
        timestamp: timestamp?,
        currency: currency?,
        amount_basis: amount_basis?,
        refers_to,
        reason: first.get("reason").to_string(),
        card_country: card_country?,
        ip_country: ip_country?,
        card_brand: text("card_brand"),
        card_last4: card_last4?,
        payment_id: text("payment_id"),
        purchase_order: text("purchase_order"),
        payment_method: payment_method?,
        note: text("note"),
        lines,
        source_line: first.line,
    };
    if t.total().amount().abs() > MAX_TOTAL {
        sink.push(Some(first.line), "unit_amount", format!("the lines of '{id}' sum to {}, more than {MAX_TOTAL}, the largest total accepted", t.total()));
        return None;
    }
    if t.kind == TransactionType::Payment && t.payment_method != PaymentMethod::BankTransfer {
        sink.push(Some(first.line), "payment_method", format!("is '{}' on a payment; a payment row records a bank transfer received: expected 'bank_transfer'", first.get("payment_method")));
        return None;
    }
    // A refund (or a transfer received) of nothing returns (or pays) nothing: no processor
    // records one, and a credit note of 0.00 would credit nothing.
    if matches!(t.kind, TransactionType::Refund | TransactionType::Payment) && t.total().amount().is_zero() {
        let what = if t.kind == TransactionType::Refund { "a refund returns" } else { "a transfer received pays" };
        sink.push(Some(first.line), "unit_amount", format!("the lines of '{id}' sum to {}; {what} an amount (leave one of nothing out of transactions.csv)", t.total()));
        return None;
    }
    if t.kind == TransactionType::Charge && t.total().is_negative() {
        sink.push(Some(first.line), "unit_amount", format!("the lines of '{id}' sum to {}; a charge cannot be negative", t.total()));
        return None;
    }
    Some(t)
}

/// The largest quantity of a line, unit amount and transaction total accepted (in units of
/// the currency). Far above any real sale, and far enough below `Decimal`'s range (7.9 ×
/// 10^28) that no sum, tax or conversion of them can overflow: a total times the largest
/// exchange rate is at most 10^24.
const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const MAX_UNIT_AMOUNT: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
const MAX_TOTAL: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0); // 10^15

fn line(sink: &mut Sink<'_>, row: &Row, currency: Option<Currency>, kind: Option<TransactionType>) -> Option<Line> {
    let description = required_text(sink, row, "description", "what was sold");
    let proration = field(sink, row, "proration", |s| match boolean(s) {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        _ => Err("is not a boolean; expected 'true' or 'false'".into()),
    });
    let may_be_negative = proration == Some(true);
    let quantity = field(sink, row, "quantity", |s| {
        let q = parse_decimal(s, "a quantity such as 1 or 2.5")?;
        if q.is_sign_negative() && !q.is_zero() && !may_be_negative {
            return Err("is negative; only proration lines may be negative".into());
        }
        if q.is_zero() {
            return Err("is zero; expected a quantity other than 0".into());
        }
        if q.abs() > MAX_QUANTITY {
            return Err(format!("is larger than {MAX_QUANTITY}, the largest quantity accepted"));
        }
        Ok(q)
    });
    let unit_amount = currency.and_then(|currency| {
        field(sink, row, "unit_amount", |s| {
            let a = parse_decimal(s, "an amount such as 12.50")?;
            if a.is_sign_negative() && !a.is_zero() && !may_be_negative {
                return Err("is negative; only proration lines may be negative".into());
            }
            if a.abs() > MAX_UNIT_AMOUNT {
                return Err(format!("is larger than {MAX_UNIT_AMOUNT}, the largest unit amount accepted"));
            }
            Money::from_exact(a, currency).ok_or_else(|| match currency.minor_units() {
                0 => format!("has decimals, but {currency} has no minor unit"),
                n => format!("has more than {n} decimals, the minor unit of {currency}"),
            })
        })
    });
    let service_start = field(sink, row, "service_start", optional_date);
    let service_end = field(sink, row, "service_end", optional_date);
    if let (Some(Some(start)), Some(Some(end))) = (service_start, service_end)
        && end < start
    {
        sink.push(Some(row.line), "service_end", format!("'{end}' is before service_start '{start}'"));
    }
    let refers_to = match row.get("refers_to") {
        "" => None,
        r => Some(r.to_string()),
    };
    if kind == Some(TransactionType::Charge) && refers_to.is_some() && proration == Some(false) {
        sink.bad_value(Some(row.line), "refers_to", row.get("refers_to"), "is set on a charge line that is not a proration; only proration lines, refunds and duplicates refer to a charge");
    }
    let (quantity, unit_amount) = (quantity?, unit_amount?);
    let amount = unit_amount.amount() * quantity;
    let Some(amount) = Money::from_exact(amount, unit_amount.currency()) else {
        sink.push(Some(row.line), "quantity", format!("'{quantity}' × unit_amount {} = {amount}, which is not a whole number of the currency's minor unit", unit_amount.amount()));
        return None;
    };
    Some(Line {
        description: description?,
        quantity,
        unit_amount,
        amount,
        proration: proration?,
        service_start: service_start?,
        service_end: service_end?,
        refers_to: if kind == Some(TransactionType::Charge) { refers_to } else { None },
        source_line: row.line,
    })
}

/// References must name a transaction that exists in the file and can be referred to: a
/// proration line or a duplicate refers to a charge; a refund to a charge or a duplicate
/// (whose refund returns an overpayment).
/// Checks what each `refers_to` names, among the valid `transactions`; an id the file
/// names (`named`) whose rows have errors is not reported again here.
fn check_references<T>(sink: &mut Sink<'_>, transactions: &[Transaction], named: &BTreeMap<&str, T>) {
    let kinds: BTreeMap<&str, TransactionType> = transactions.iter().map(|t| (t.id.as_str(), t.kind)).collect();
    let customers: BTreeMap<&str, &str> = transactions.iter().map(|t| (t.id.as_str(), t.customer_id.as_str())).collect();
    let bank_transfers: BTreeSet<&str> =
        transactions.iter().filter(|t| t.kind == TransactionType::Charge && t.payment_method == PaymentMethod::BankTransfer).map(|t| t.id.as_str()).collect();
    let mut check = |line: u64, target: &str, own: &Transaction| {
        let allowed: &[TransactionType] = match own.kind {
            TransactionType::Refund => &[TransactionType::Charge, TransactionType::Duplicate],
            _ => &[TransactionType::Charge],
        };
        match kinds.get(target) {
            None if named.contains_key(target) => {}
            None => sink.bad_value(Some(line), "refers_to", target, "is not a transaction_id in transactions.csv"),
            Some(_) if target == own.id => sink.bad_value(Some(line), "refers_to", target, "refers to its own transaction"),
            // A bank transfer received pays an invoice issued for a bank-transfer charge.
            Some(_) if own.kind == TransactionType::Payment && !bank_transfers.contains(target) => {
                sink.bad_value(Some(line), "refers_to", target, "is not a charge paid by bank transfer; a payment row records a transfer received for a charge with payment_method 'bank_transfer'")
            }
            // A refund, a plan change, a duplicate or a transfer concerns its own customer's
            // charge: one of another customer's would credit or adjust that customer's invoice.
            Some(kind) if allowed.contains(kind) && customers.get(target) != Some(&own.customer_id.as_str()) => sink.bad_value(
                Some(line),
                "refers_to",
                target,
                &format!(
                    "is a {} of the customer '{}', not of '{}'; a transaction refers only to its own customer's",
                    kind.name(),
                    customers.get(target).copied().unwrap_or_default(),
                    own.customer_id
                ),
            ),
            Some(kind) if allowed.contains(kind) => {}
            Some(kind) => sink.bad_value(
                Some(line),
                "refers_to",
                target,
                &format!("is a {}; expected {}", kind.name(), if allowed.len() == 2 { "a charge or a duplicate" } else { "a charge" }),
            ),
        }
    };
    for t in transactions {
        if let Some(target) = &t.refers_to {
            check(t.source_line, target, t);
        }
        for l in &t.lines {
            if let Some(target) = &l.refers_to {
                check(l.source_line, target, t);
            }
        }
    }
}

/// A boolean as Excel and Sheets write it when they save a file (`TRUE`, `FALSE`) in the
/// lower case the file documents; any other text as it is.
fn boolean(s: &str) -> &str {
    ["true", "false"].into_iter().find(|b| s.eq_ignore_ascii_case(b)).unwrap_or(s)
}

/// SHA-256 over the rows' fields: what an issued document was made from, so a later edit of
/// an invoiced transaction is noticed. An optional column counts only when filled (with its
/// name), so a file without those columns keeps the fingerprints its archive recorded.
///
/// `As::Canonical` (recorded with new documents) takes each value in one written form, so a
/// file saved again by a spreadsheet, which writes the same values differently, keeps its
/// fingerprints: a boolean in lower case (Excel saves `FALSE`), `unit_amount` at its
/// currency's minor units (Excel saves `21.60` as `21.6` and `149.00` as `149`), `quantity`
/// without trailing zeros. `As::Written` takes the fields as written, as versions before this
/// one recorded them; for the files those versions wrote (amounts at their minor units, as
/// billing systems export them) the two are the same.
fn fingerprint(rows: &[&Row], form: As) -> domain::sha256::Sha256Sum {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for row in rows {
        let minor_units = domain::money::Currency::parse(row.get("currency")).ok().map(|c| c.minor_units());
        for column in COLUMNS {
            let written = row.get(column);
            let canonical;
            let value = match (form, *column) {
                (_, "proration") => boolean(written),
                (As::Canonical, "unit_amount") => {
                    canonical = canonical_decimal(written, minor_units);
                    canonical.as_deref().unwrap_or(written)
                }
                (As::Canonical, "quantity") => {
                    canonical = canonical_decimal(written, Some(0));
                    canonical.as_deref().unwrap_or(written)
                }
                _ => written,
            };
            if OPTIONAL.contains(column) {
                if !value.is_empty() {
                    h.update(column.as_bytes());
                    h.update([b'=']);
                    h.update(value.as_bytes());
                    h.update([0x1f]);
                }
                continue;
            }
            h.update(value.as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    }
    domain::sha256::Sha256Sum::from_hasher(h)
}

/// Which form of the fields a [`fingerprint`] takes.
#[derive(Clone, Copy)]
enum As {
    Canonical,
    Written,
}

/// A number in plain decimal notation written with at least `digits` decimals and no
/// trailing zeros beyond them (`21.6` → `21.60`, `149` → `149.00` at 2; `1.0` → `1` at 0);
/// `None` where `s` is no such number or `digits` is unknown (the field's own error says why).
fn canonical_decimal(s: &str, digits: Option<u32>) -> Option<String> {
    let digits = digits?;
    let mut d = super::plain_decimal(s)?.normalize();
    if d.scale() < digits {
        d.rescale(digits);
    }
    Some(d.to_string())
}

fn parse_decimal(s: &str, what: &str) -> Result<Decimal, String> {
    if s.is_empty() {
        return Err(format!("is empty; expected {what}"));
    }
    // Plain decimal notation only: no exponents, thousands separators or signs like '+'.
    super::plain_decimal(s).ok_or_else(|| format!("is not a number; expected {what}"))
}

fn parse_timestamp(s: &str) -> Result<DateTime<FixedOffset>, String> {
    let timestamp = DateTime::parse_from_rfc3339(s)
        .map_err(|_| "is not an RFC 3339 timestamp with offset, e.g. '2026-10-05T14:03:00+02:00'".to_string())?;
    // A document's year is four digits (numbering::YEARS) in the seller's time zone, less than
    // a day from UTC.
    let years = domain::numbering::YEARS;
    let first = NaiveDate::from_ymd_opt(*years.start(), 1, 2).expect("a date");
    let last = NaiveDate::from_ymd_opt(*years.end(), 12, 30).expect("a date");
    if !(first..=last).contains(&timestamp.naive_utc().date()) {
        return Err(format!("is outside {first} to {last} (UTC), the dates a document number's four-digit year can carry"));
    }
    Ok(timestamp)
}

fn optional_date(s: &str) -> Result<Option<NaiveDate>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "is not a date; expected YYYY-MM-DD".to_string())
}

fn optional_country(s: &str) -> Result<Option<CountryCode>, String> {
    if s.is_empty() { Ok(None) } else { s.parse().map(Some).map_err(|e: domain::country::CountryCodeError| e.to_string()) }
}
