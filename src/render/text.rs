//! The words and number formats shared by every human-readable format.
//!
//! PDF and HTML print the same strings from here, so the two never disagree about what a
//! document says. Words, number, money and date formats come from the document language's
//! translation file ([`crate::i18n`]); nothing depends on the machine's locale.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::document::{Document, DocumentKind, DocumentLine, DocumentReference, Party, Relation, TaxSubtotal, Treatment};
use crate::i18n::{self, Texts, fill};

pub use crate::i18n::Labels;

fn texts(doc: &Document) -> &'static Texts {
    i18n::texts(&doc.language)
}

/// The labels for a language (English where there is no translation).
pub fn labels(language: &str) -> &'static Labels {
    &i18n::texts(language).labels
}

pub fn title(doc: &Document) -> &'static str {
    let l = &texts(doc).labels;
    match doc.kind {
        DocumentKind::Invoice => &l.invoice,
        DocumentKind::CreditNote => &l.credit_note,
    }
}

/// A date in the document's language: `5 October 2026`, `05.10.2026`.
pub fn date(doc: &Document, d: NaiveDate) -> String {
    texts(doc).format.date(d)
}

/// An amount at the document currency's minor unit: `1,234.50`, `1.234,50`.
pub fn amount(doc: &Document, value: Decimal) -> String {
    texts(doc).format.number(value, doc.minor_units())
}

/// An amount with its currency: `€1,234.50`, `1.234,50 €`.
pub fn money(doc: &Document, value: Decimal) -> String {
    texts(doc).format.money(value, doc.minor_units(), doc.currency.code())
}

/// A unit price: at least the currency's minor units, more only if the price has them.
pub fn unit_price(doc: &Document, value: Decimal) -> String {
    let digits = value.normalize().scale().max(doc.minor_units());
    texts(doc).format.number(value, digits)
}

/// `1`, `2.5` / `2,5`: quantities without trailing zeros.
pub fn quantity(doc: &Document, q: Decimal) -> String {
    let q = q.normalize();
    texts(doc).format.number(q, q.scale())
}

/// `24%`, `25.5%` / `25,5%`.
pub fn percent(doc: &Document, rate: Decimal) -> String {
    let r = rate.normalize();
    format!("{}%", texts(doc).format.number(r, r.scale()))
}

/// The tax column of a line: `24%`, or the category for zero-rated treatments.
pub fn line_tax(doc: &Document, line: &DocumentLine) -> String {
    match doc.tax.treatment {
        Treatment::ReverseCharge | Treatment::NonEuReverseCharge => texts(doc).labels.reverse_charge_short.clone(),
        Treatment::OutsideScope => "—".into(),
        _ => percent(doc, line.tax_rate),
    }
}

/// The label of one breakdown row: `VAT 24%`, `GST 10%`, `VAT 0% (reverse charge)`, `Not subject to VAT`.
pub fn subtotal_label(doc: &Document, row: &TaxSubtotal) -> String {
    let l = &texts(doc).labels;
    // EU VAT gets its name in the document's language (USt., TVA…); GST, MVA keep theirs.
    let tax = if doc.tax.tax_name == "VAT" { &l.tax_rate } else { &doc.tax.tax_name };
    match doc.tax.treatment {
        Treatment::ReverseCharge | Treatment::NonEuReverseCharge => fill(&l.reverse_charge_row, &[("tax", tax)]),
        Treatment::OutsideScope => l.not_subject.clone(),
        _ => format!("{tax} {}", percent(doc, row.tax_rate)),
    }
}

/// A breakdown row with its base: `VAT 19% · Taxable amount 21.01`.
pub fn subtotal_row(doc: &Document, row: &TaxSubtotal) -> String {
    format!("{} · {} {}", subtotal_label(doc, row), texts(doc).labels.taxable_amount, amount(doc, row.taxable_amount))
}

/// `5 October 2026 – 4 November 2026`, if the line has a service period.
pub fn service_period(doc: &Document, line: &DocumentLine) -> Option<String> {
    let p = &texts(doc).phrases;
    match (line.service_start, line.service_end) {
        (Some(s), Some(e)) => Some(format!("{} – {}", date(doc, s), date(doc, e))),
        (Some(s), None) => Some(fill(&p.period_from, &[("date", &date(doc, s))])),
        (None, Some(e)) => Some(fill(&p.period_until, &[("date", &date(doc, e))])),
        (None, None) => None,
    }
}

/// How the document was settled: `Paid by card on 5 October 2026: €25.00. Nothing is due.`
pub fn payment(doc: &Document) -> String {
    let p = &texts(doc).phrases;
    let paid_on = date(doc, doc.payment.date);
    let paid = money(doc, doc.payment.amount);
    let difference = money(doc, doc.totals.due.abs());
    let values = [("date", paid_on.as_str()), ("amount", paid.as_str()), ("difference", difference.as_str())];
    match (doc.kind, doc.payment.status.as_str()) {
        (DocumentKind::CreditNote, "offset") => p.cancelled.clone(),
        (DocumentKind::CreditNote, _) => fill(&p.refunded, &values),
        (DocumentKind::Invoice, _) if doc.totals.due.is_zero() => fill(&p.paid_in_full, &values),
        (DocumentKind::Invoice, _) if doc.totals.due.is_sign_negative() => fill(&p.paid_overpaid, &values),
        (DocumentKind::Invoice, _) => fill(&p.paid_due, &values),
    }
}

/// `Credits invoice KL-INV-2026-000003 of 4 October 2026 — reason: …`.
pub fn reference(doc: &Document, r: &DocumentReference) -> String {
    let texts = texts(doc);
    let p = &texts.phrases;
    let template = match r.relation {
        Relation::Credits => &p.credits,
        Relation::Cancels => &p.cancels,
        Relation::Replaces => &p.replaces,
        Relation::Adjusts => &p.adjusts,
    };
    let mut out = fill(template, &[("number", r.number.as_str()), ("date", &date(doc, r.issue_date))]);
    if let Some(reason) = &r.reason {
        out.push_str(" — ");
        out.push_str(&fill(&p.reason, &[("reason", texts.reasons.phrase(reason))]));
    }
    out
}

/// The postal address as printed, line by line, ending with the country's name.
/// Countries that put the city before the postal code get that order.
pub fn address_lines(doc: &Document, party: &Party) -> Vec<String> {
    let a = &party.address;
    let mut lines: Vec<String> = [&a.line1, &a.line2]
        .into_iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect();
    let joined = |parts: &[&str], sep: &str| {
        parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(sep)
    };
    match a.country.as_str() {
        "US" | "CA" | "AU" => {
            let region_postal = joined(&[&a.region, &a.postal_code], " ");
            lines.push(joined(&[&a.city, &region_postal], ", "));
        }
        "GB" | "IE" => {
            lines.extend([&a.city, &a.region, &a.postal_code].into_iter().filter(|s| !s.is_empty()).cloned());
        }
        // Italy and Spain print the province after the city: 20121 Milano MI.
        "IT" | "ES" => lines.push(joined(&[&a.postal_code, &a.city, &a.region], " ")),
        _ => {
            lines.push(joined(&[&a.postal_code, &a.city], " "));
            if !a.region.is_empty() {
                lines.push(a.region.clone());
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    lines.push(i18n::country_name(&doc.language, a.country));
    lines
}

/// `Page 2 of 3`.
pub fn page_of(doc: &Document, page: usize, pages: usize) -> String {
    fill(&texts(doc).labels.page, &[("page", &page.to_string()), ("pages", &pages.to_string())])
}

/// The Art. 230 statement: `VAT in EUR: €3.32 on €16.61 (rate 1 EUR = 1.0838 USD, ECB of 2 October 2026)`.
pub fn base_currency_tax(doc: &Document) -> Option<String> {
    let b = doc.base_currency_tax.as_ref()?;
    let f = &texts(doc).format;
    let digits = b.currency.minor_units();
    Some(fill(
        &texts(doc).phrases.base_currency_tax,
        &[
            ("currency", b.currency.code()),
            ("tax", &f.money(b.tax_amount, digits, b.currency.code())),
            ("taxable", &f.money(b.taxable_amount, digits, b.currency.code())),
            ("from", b.published_base.code()),
            ("rate", &f.number(b.published_rate, b.published_rate.normalize().scale())),
            ("to", b.published_quote.code()),
            ("source", &b.source),
            ("date", &date(doc, b.rate_date)),
        ],
    ))
}

/// The seller's lines under its name: address, VAT ID, the tax ID of the jurisdiction when
/// it is not the seller's own, company registration number, email.
pub fn seller_lines(doc: &Document) -> Vec<String> {
    let l = &texts(doc).labels;
    let mut lines = address_lines(doc, &doc.seller);
    lines.extend(doc.seller.tax_id.as_ref().map(|id| format!("{} {id}", l.vat_id)));
    lines.extend(seller_registration(doc));
    lines.extend(doc.seller.registration_id.as_ref().map(|r| format!("{} {r}", l.registration_id)));
    lines.extend(doc.seller.email.iter().cloned());
    lines
}

/// The registration the tax is charged under, in its official form: `CHE-123.456.788 MWST`,
/// `VOEC 2034567`, `ABN 51 824 753 556`, and a UK VAT number after the tax's name
/// (`UK VAT GB980780684`), as it names no scheme itself.
pub fn seller_registration(doc: &Document) -> Option<String> {
    let r = doc.tax.seller_registration.as_ref()?;
    Some(match r.scheme {
        crate::tax::registration::Scheme::Vat => format!("{} {}", doc.tax.tax_name, r.id),
        _ => r.id.clone(),
    })
}

/// The small print under a line's description: its service period, and for a plan-change
/// adjustment `Plan change adjustment (ch_1001)`.
pub fn line_notes(doc: &Document, line: &DocumentLine) -> Vec<String> {
    let l = &texts(doc).labels;
    let mut notes: Vec<String> = service_period(doc, line).into_iter().collect();
    if line.proration {
        notes.push(match &line.adjusts {
            Some(charge) => format!("{} ({charge})", l.proration),
            None => l.proration.clone(),
        });
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn eu_vat_is_named_in_the_documents_language_on_every_breakdown_row() {
        let labels = |language: &str, treatment: Treatment| {
            let mut doc = fixture::oss_invoice();
            doc.language = language.into();
            doc.tax.treatment = treatment;
            subtotal_label(&doc, &doc.tax_breakdown[0])
        };
        assert_eq!(labels("it", Treatment::Oss), "IVA 19%");
        assert_eq!(labels("it", Treatment::ReverseCharge), "IVA 0% (inversione contabile)");
        assert_eq!(labels("de", Treatment::ReverseCharge), "USt. 0% (Reverse-Charge)");
        assert_eq!(labels("en", Treatment::ReverseCharge), "VAT 0% (reverse charge)");
        // Other taxes keep their own name.
        let mut gst = fixture::oss_invoice();
        gst.tax.tax_name = "GST".into();
        gst.tax.treatment = Treatment::NonEuReverseCharge;
        assert_eq!(subtotal_label(&gst, &gst.tax_breakdown[0]), "GST 0% (reverse charge)");
    }

    #[test]
    fn a_refund_reason_code_reads_as_words_and_free_text_as_written() {
        let mut doc = fixture::oss_invoice();
        let number = doc.number.clone();
        let credits = |reason: &str| crate::document::DocumentReference {
            number: number.clone(),
            issue_date: NaiveDate::from_ymd_opt(2026, 10, 3).unwrap(),
            relation: Relation::Credits,
            reason: Some(reason.into()),
        };
        let (code, free) = (credits("technical_issue"), credits("corrected billing address"));
        doc.language = "et".into();
        assert_eq!(reference(&doc, &code), "Krediteerib 03.10.2026 väljastatud arvet nr KL-INV-2026-000017 — põhjus: tehniline probleem");
        assert!(reference(&doc, &free).ends_with("— põhjus: corrected billing address"));
        doc.language = "en".into();
        assert!(reference(&doc, &code).ends_with("— reason: technical issue"));
    }
}
