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

use crate::country::CountryCode;
use crate::document::{Document, DocumentKind, DocumentReference, Relation, Totals};
use crate::input::{parse_email, parse_language};
use crate::issue::{Draft, History, Numbered, number};
use crate::model::{Company, Customer, CustomerType, DataSet, VatIdStatus};
use crate::money::Money;
use crate::numbering::DocumentNumber;
use crate::tax::{self, calc, conversion, tax_id};

/// The customer fields a correction may set (the columns of `customers.csv`).
pub const FIELDS: &[&str] = &[
    "name", "email", "address_line1", "address_line2", "city", "postal_code", "region", "country",
    "vat_id", "vat_id_status", "language", "type",
];

/// What support asks for.
#[derive(Clone, Debug, Default)]
pub struct Correction {
    /// `field=value` pairs, applied in order.
    pub set: Vec<(String, String)>,
    pub reason: String,
    /// Issue date of the two new documents; default: the original's (never before the
    /// series' last document).
    pub date: Option<NaiveDate>,
}

/// The cancelling credit note and the replacement invoice, numbered.
pub fn reissue(
    company: &Company,
    history: &dyn History,
    number_to_fix: &DocumentNumber,
    correction: &Correction,
) -> Result<Vec<Numbered>, String> {
    let original = history.document(number_to_fix)?;
    if original.kind != DocumentKind::Invoice {
        return Err(format!("{number_to_fix} is a credit note; only invoices can be reissued"));
    }
    let referrers = history.referrers(number_to_fix);
    if let Some(r) = referrers.iter().find(|r| r.relation == Relation::Cancels) {
        return Err(format!(
            "{number_to_fix} was already cancelled by {} on {}; reissue its replacement instead (see `invoicesmith show {number_to_fix}`)",
            r.number, r.issue_date
        ));
    }
    if let Some(r) = referrers.iter().find(|r| r.relation == Relation::Credits) {
        return Err(format!(
            "{number_to_fix} has been credited by {} ({} {}); cancelling it in full would credit more than was invoiced",
            r.number, r.total, original.currency
        ));
    }
    if correction.reason.trim().is_empty() {
        return Err("--reason is required: say why the invoice is corrected".into());
    }
    let (customer, status) = corrected_customer(&original, &correction.set)?;
    let fingerprints: Vec<_> = original
        .source_transactions
        .iter()
        .filter_map(|t| history.issued_for(DocumentKind::Invoice, t).and_then(|(_, f)| f))
        .collect();
    let issue_date = correction.date.unwrap_or(original.issue_date);
    let reason = Some(correction.reason.trim().to_string());
    let sort_key = (issue_date.and_hms_opt(0, 0, 0).expect("midnight").and_utc(), original.number.to_string());

    // The credit note: the original as issued, cancelled in full.
    let mut credit = original.clone();
    credit.kind = DocumentKind::CreditNote;
    credit.issue_date = issue_date;
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
    replacement.customer = customer_party(&original, &customer);
    replacement.language = customer.language.clone();
    replacement.tax.customer_type = customer.kind;
    let _ = status;
    let determination = tax::determine(company, &customer, original.tax.evidence.card_country, original.tax.evidence.ip_country)
        .map_err(|e| format!("the corrected customer cannot be taxed: {e}"))?;
    if (determination.treatment, determination.jurisdiction) != (original.tax.treatment, original.tax.jurisdiction) {
        recompute(&mut replacement, &original, &determination, company)?;
    }
    replacement.references = vec![DocumentReference {
        number: original.number.clone(),
        issue_date: original.issue_date,
        relation: Relation::Replaces,
        reason,
    }];

    let data = DataSet::new(company.clone(), vec![], vec![], vec![]);
    let drafts = vec![
        Draft { kind: DocumentKind::CreditNote, fingerprints: vec![], sort_key: sort_key.clone(), document: credit },
        Draft { kind: DocumentKind::Invoice, fingerprints, sort_key, document: replacement },
    ];
    Ok(number(&data, drafts, history))
}

/// The original's customer with the correction applied, as a model customer the tax rules
/// can judge, and the VAT ID status it implies.
fn corrected_customer(original: &Document, set: &[(String, String)]) -> Result<(Customer, VatIdStatus), String> {
    let party = &original.customer;
    let mut c = Customer {
        id: original.customer_id.clone(),
        kind: original.tax.customer_type,
        name: party.name.clone(),
        email: party.email.clone().unwrap_or_default(),
        address: party.address.clone(),
        vat_id: party.tax_id.clone(),
        // The original was issued with this tax ID, so it was not known to be invalid; only
        // an invalid one changes the treatment (see `VatIdStatus`).
        vat_id_status: VatIdStatus::Unchecked,
        language: original.language.clone(),
    };
    let mut kind_set = false;
    for (field, value) in set {
        let value = value.trim();
        let bad = |reason: String| format!("--set {field}: '{value}' {reason}");
        match field.as_str() {
            "name" if !value.is_empty() => c.name = value.to_string(),
            "name" => return Err(bad("is empty; expected the customer's name".into())),
            "email" => c.email = if value.is_empty() { String::new() } else { parse_email(value).map_err(bad)? },
            "address_line1" => c.address.line1 = value.to_string(),
            "address_line2" => c.address.line2 = value.to_string(),
            "city" => c.address.city = value.to_string(),
            "postal_code" => c.address.postal_code = value.to_string(),
            "region" => c.address.region = value.to_string(),
            "country" => c.address.country = CountryCode::parse(value).map_err(bad)?,
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
            "type" => {
                kind_set = true;
                c.kind = match value {
                    "individual" => CustomerType::Individual,
                    "business" => CustomerType::Business,
                    _ => return Err(bad("is not a customer type; expected 'individual' or 'business'".into())),
                }
            }
            _ => return Err(format!("--set {field}: unknown field; expected one of {}", FIELDS.join(", "))),
        }
    }
    // The (possibly new) tax ID must pass the (possibly new) country's rules.
    if let (Some(id), true) = (&c.vat_id, c.vat_id_status != VatIdStatus::Invalid) {
        match tax_id::check_tax_id(c.address.country.as_str(), id) {
            Ok(Some(canonical)) => c.vat_id = Some(canonical.to_string()),
            Ok(None) => {}
            Err(reason) => return Err(format!("--set vat_id: '{id}' {reason}")),
        }
        // Only businesses have VAT IDs: supplying one makes the customer a business unless
        // the type was set explicitly.
        if !kind_set && set.iter().any(|(f, _)| f == "vat_id") {
            c.kind = CustomerType::Business;
        }
    }
    let status = c.vat_id_status;
    Ok((c, status))
}

fn customer_party(original: &Document, c: &Customer) -> crate::document::Party {
    crate::document::Party {
        name: c.name.clone(),
        address: c.address.clone(),
        tax_id: c.usable_tax_id().map(str::to_string),
        registration_id: original.customer.registration_id.clone(),
        email: Some(c.email.clone()).filter(|e| !e.is_empty()),
    }
}

/// Recomputes `replacement` under a new treatment: the original's net prices at the new
/// rate on the original tax point date. The card payment stays what it was, so the amount
/// due shows the difference (negative: to be refunded).
fn recompute(replacement: &mut Document, original: &Document, d: &tax::Determination, company: &Company) -> Result<(), String> {
    let currency = original.currency;
    let rate = d.rate_on(original.tax_point_date)?;
    let lines: Vec<calc::CalcLine> = original
        .lines
        .iter()
        .map(|l| calc::CalcLine {
            amount: Money::from_exact(l.net_amount, currency).expect("document amounts are exact"),
            category: d.category(),
            rate,
        })
        .collect();
    let c = calc::calculate(&lines, crate::model::AmountBasis::Net, currency);
    for (line, net) in replacement.lines.iter_mut().zip(&c.line_nets) {
        line.net_amount = net.amount();
        line.tax_category = d.category();
        line.tax_rate = rate;
    }
    replacement.tax_breakdown = c.breakdown.clone();
    let paid = original.totals.paid;
    replacement.totals = Totals { net: c.net.amount(), tax: c.tax.amount(), gross: c.gross.amount(), paid, due: c.gross.amount() - paid };
    replacement.tax = crate::document::Tax {
        treatment: d.treatment,
        jurisdiction: d.jurisdiction,
        tax_name: d.tax_name.clone(),
        seller_registration: d.seller_registration.clone(),
        customer_type: replacement.tax.customer_type,
        evidence: d.evidence.clone(),
    };
    replacement.legends = d.legends_in(&replacement.language);
    replacement.base_currency_tax = if d.is_eu_vat_charged() && currency != company.seller.base_currency {
        let original_rate = original.base_currency_tax.as_ref().ok_or_else(|| {
            format!(
                "the corrected invoice charges EU VAT in {currency}, which must also be stated in {}, but {} recorded no exchange rate to reuse",
                company.seller.base_currency, original.number
            )
        })?;
        Some(conversion::restate_like(original_rate, c.net, c.tax))
    } else {
        None
    };
    let _ = Decimal::ZERO;
    Ok(())
}
