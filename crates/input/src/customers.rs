//! `customers.csv`: who is billed, where, and under which tax ID.

use std::collections::BTreeMap;

use domain::country::CountryCode;
use domain::diag::{Diagnostic, Sink};
use domain::model::{Address, Customer, CustomerType, VatIdStatus};
use tax::tax_id;

use super::CUSTOMERS;
use super::company::parse_email;
use super::csv_table::{self, field, required_text};
use super::text::limits::{EMAIL, LINE, NOTE, POSTAL_CODE};

const COLUMNS: &[&str] = &[
    "customer_id", "type", "name", "email", "address_line1", "address_line2", "city", "postal_code",
    "region", "country", "vat_id", "vat_id_status", "language", "peppol_id", "buyer_reference", "note",
];

/// Columns a file may leave out: what only e-invoices need, and a note printed on every
/// document of the customer.
const OPTIONAL: &[&str] = &["peppol_id", "buyer_reference", "note"];

/// The longest value accepted in each free-text column printed on a document, in
/// characters. Far above any real value, so only a value that is not what the column means
/// (a file pasted into a cell) is refused rather than printed over pages. Postal addresses
/// are short by nature (UPU S42 and EDIFACT address lines are 35 characters); the limits
/// are those of the contact records the export's accounting imports fill (Xero: a contact
/// name and city 255, QuickBooks Online likewise), and none would fit the address block of
/// a PDF if longer:
///
/// - `name`, `address_line1`, `address_line2`, `city`, `region` 255;
/// - `postal_code` 20 (the longest postal codes are 10 characters);
/// - `email` 254, the longest address SMTP can carry (RFC 5321, 4.5.3.1.3, less the brackets);
/// - `customer_id`, `vat_id` 255 (checked by its country's rules where they are known, and
///   taken as written elsewhere), `buyer_reference` 255 (a Leitweg-ID is at most 46);
/// - `note` 1000, as transactions.csv's note: printed under the lines.
pub const TEXT_LIMITS: &[(&str, usize)] = &[
    ("customer_id", LINE),
    ("name", LINE),
    ("email", EMAIL),
    ("address_line1", LINE),
    ("address_line2", LINE),
    ("city", LINE),
    ("postal_code", POSTAL_CODE),
    ("region", LINE),
    ("vat_id", LINE),
    ("buyer_reference", LINE),
    ("note", NOTE),
];

/// What customers.csv says about the customer ids transactions.csv names, beyond its valid
/// customers: which rows have errors, so that the transactions of such a customer are
/// counted in one line instead of an error each.
#[derive(Debug, Default)]
pub struct Named {
    /// Every id in the `customer_id` column of a row read field by field (valid or not), with
    /// the line of its first row.
    ids: BTreeMap<String, u64>,
    /// The rows with errors other than those: refused as a whole (a wrong number of fields),
    /// or read but not a customer. Their lines and non-empty values; a missing or extra field
    /// shifts the values after it, so a row's id may be in any column (or missing).
    bad: Vec<(u64, Vec<String>)>,
    /// The lines of the rows with a wrong number of fields: refused as a whole, or shorter
    /// than the header and with errors (read as leaving out optional columns at its end).
    /// A row's id may be the field that is missing.
    misshapen: Vec<u64>,
}

/// Where customers.csv has the row of a customer id that is not a valid customer's.
#[derive(Debug, PartialEq, Eq)]
pub enum RowOf {
    /// The row on this line names it, and has errors.
    Line(u64),
    /// No row names it, and the rows on these lines have a wrong number of fields (it may be
    /// one of them).
    Misshapen(Vec<u64>),
}

impl Named {
    /// Where the row of customer `id` is, if it is not a valid customer's: the row with `id`
    /// in its `customer_id` column, else a row with errors holding `id` in another (its
    /// fields shifted), else the rows with a wrong number of fields; `None` if no row is or
    /// may be its row.
    pub fn row_of(&self, id: &str) -> Option<RowOf> {
        if let Some(&line) = self.ids.get(id) {
            return Some(RowOf::Line(line));
        }
        if let Some((line, _)) = self.bad.iter().find(|(_, values)| values.iter().any(|v| v == id)) {
            return Some(RowOf::Line(*line));
        }
        (!self.misshapen.is_empty()).then(|| RowOf::Misshapen(self.misshapen.clone()))
    }
}

/// The valid customers, and what the file says about other customer ids; `None` if the
/// file's rows could not be read at all (then no customer id can be checked).
pub fn parse(text: &str, diagnostics: &mut Vec<Diagnostic>) -> (Vec<Customer>, Option<Named>) {
    let mut sink = Sink::new(CUSTOMERS, diagnostics);
    let Some((rows, refused)) = csv_table::read_refusing(text, COLUMNS, OPTIONAL, &mut sink) else {
        return (Vec::new(), None);
    };
    let from = sink.diagnostics.len();
    let mut first_line: BTreeMap<String, u64> = BTreeMap::new();
    let mut customers = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    for row in &rows {
        let before = customers.len();
        csv_table::check_lengths(&mut sink, row, TEXT_LIMITS);
        let id = required_text(&mut sink, row, "customer_id", "a customer id");
        if let Some(id) = &id {
            if let Some(first) = first_line.get(id) {
                sink.push(Some(row.line), "customer_id", format!("'{id}' is a duplicate of line {first}"));
                continue;
            }
            first_line.insert(id.clone(), row.line);
        }
        let kind = field(&mut sink, row, "type", |s| match s {
            "individual" => Ok(CustomerType::Individual),
            "business" => Ok(CustomerType::Business),
            _ => Err("is not a customer type; expected 'individual' or 'business'".into()),
        });
        let name = required_text(&mut sink, row, "name", "the customer's name");
        let email = field(&mut sink, row, "email", |s| if s.is_empty() { Ok(String::new()) } else { parse_email(s) });
        let line1 = required_text(&mut sink, row, "address_line1", "the street address");
        let city = required_text(&mut sink, row, "city", "the city");
        let country = field(&mut sink, row, "country", |s| s.parse::<CountryCode>().map_err(|e| e.to_string()));
        let status = field(&mut sink, row, "vat_id_status", |s| match s {
            "valid" => Ok(VatIdStatus::Valid),
            "invalid" => Ok(VatIdStatus::Invalid),
            "" => Ok(VatIdStatus::Unchecked),
            _ => Err("is not a VAT ID status; expected 'valid', 'invalid' or empty (not checked)".into()),
        });
        let language = field(&mut sink, row, "language", parse_language);
        let peppol_id = field(&mut sink, row, "peppol_id", |s| if s.is_empty() { Ok(None) } else { super::peppol_id::participant(s).map(Some).map_err(|e| e.to_string()) });
        let buyer_reference = Some(row.get("buyer_reference").to_string()).filter(|s| !s.is_empty());
        let vat_id = match (country, status) {
            (Some(country), Some(status)) => check_vat_id(&mut sink, row, country, status),
            _ => None,
        };
        if let (Some(id), Some(kind), Some(name), Some(email), Some(line1), Some(city), Some(country), Some(status), Some(language), Some(vat_id)) =
            (id, kind, name, email, line1, city, country, status, language, vat_id)
            && let Some(peppol_id) = peppol_id
        {
            customers.push(Customer {
                id,
                kind,
                name,
                email,
                address: Address {
                    line1,
                    line2: row.get("address_line2").to_string(),
                    city,
                    postal_code: row.get("postal_code").to_string(),
                    region: row.get("region").to_string(),
                    country,
                },
                vat_id,
                vat_id_status: status,
                language,
                peppol_id,
                buyer_reference,
                note: Some(row.get("note").to_string()).filter(|s| !s.is_empty()),
                source_line: row.line,
            });
        }
        if customers.len() == before {
            bad.push((row.line, row.values().map(str::to_string).collect()));
        }
    }
    let mut misshapen = csv_table::note_short_rows(&mut sink, &rows, from);
    misshapen.extend(refused.iter().map(|(line, _)| *line));
    misshapen.sort_unstable();
    bad.extend(refused);
    bad.sort_by_key(|(line, _)| *line);
    (customers, Some(Named { ids: first_line, bad, misshapen }))
}

/// The tax ID in canonical form when the country's rules are known. An ID that upstream
/// already found invalid is kept as written (it will not be relied on); otherwise a
/// malformed ID or a wrong check digit is an error. `Some(None)` = no ID; `None` = error.
fn check_vat_id(sink: &mut Sink<'_>, row: &csv_table::Row, country: CountryCode, status: VatIdStatus) -> Option<Option<String>> {
    let raw = row.get("vat_id");
    if raw.is_empty() {
        if status == VatIdStatus::Valid {
            sink.push(Some(row.line), "vat_id_status", "'valid' but vat_id is empty; expected the ID that was checked");
            return None;
        }
        return Some(None);
    }
    if status == VatIdStatus::Invalid {
        return Some(Some(raw.to_string()));
    }
    match tax_id::check_tax_id(country.as_str(), raw) {
        Ok(Some(canonical)) => Some(Some(canonical.to_string())),
        Ok(None) => Some(Some(raw.to_string())),
        Err(reason) => {
            sink.bad_value(Some(row.line), "vat_id", raw, &reason.to_string());
            None
        }
    }
}

/// A BCP 47 language tag of the simple kind (`de`, `en-GB`, `pt-BR`); empty means English.
pub fn parse_language(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Ok("en".into());
    }
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(s.to_string())
    } else {
        Err("is not a language tag; expected e.g. 'de', 'en' or 'pt-BR'".into())
    }
}
