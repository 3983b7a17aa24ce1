//! The words and number formats shared by every human-readable format.
//!
//! PDF and HTML print the same strings from here, so the two never disagree about what a
//! document says. Words, number, money and date formats come from the document language's
//! translation file (the `locale` crate); nothing depends on the machine's locale.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::document::{Document, DocumentKind, DocumentLine, DocumentReference, Party, Relation, TaxSubtotal, Treatment};
use locale::{self, Texts, fill};

pub use locale::Labels;

pub mod statement;

fn texts(doc: &Document) -> &'static Texts {
    locale::texts(&doc.language)
}

/// The labels for a language (English where there is no translation).
pub fn labels(language: &str) -> &'static Labels {
    &locale::texts(language).labels
}

pub fn title(doc: &Document) -> &'static str {
    let l = &texts(doc).labels;
    match doc.kind {
        DocumentKind::Invoice => &l.invoice,
        DocumentKind::CreditNote => &l.credit_note,
    }
}

/// The facts beside the customer, labelled: number, issue date ("Credit note date" on a
/// credit note), date of supply (a credit note's is that of the supply it credits), currency.
pub fn facts(doc: &Document) -> Vec<(&'static str, String)> {
    let l = &texts(doc).labels;
    let issued = match doc.kind {
        DocumentKind::Invoice => &l.issue_date,
        DocumentKind::CreditNote => &l.credit_note_date,
    };
    let supplied = doc.supply_date();
    let mut facts = vec![
        (l.number.as_str(), doc.number.to_string()),
        (issued.as_str(), date(doc, doc.issue_date)),
        (l.tax_point_date.as_str(), date(doc, supplied)),
    ];
    facts.extend(super::transfer::due_fact(doc));
    facts.push((l.currency.as_str(), doc.currency.to_string()));
    facts
}

/// Whether the lines print tax-inclusive prices: a consumer's document priced gross that
/// charges tax, so the customer sees the 49.00 they paid per pack rather than a net 41.176.
/// Without tax (reverse charge, outside scope) gross and net are the same: no "incl. VAT".
pub fn shows_gross(doc: &Document) -> bool {
    doc.tax.customer_type == domain::document::CustomerType::Individual
        && matches!(doc.tax.treatment, Treatment::Domestic | Treatment::Oss | Treatment::NonEuTax)
        && !doc.lines.is_empty()
        && doc.lines.iter().all(|l| l.gross.is_some())
}

/// The tax's name in the document's language: `VAT`, `USt.`, `TVA`; other taxes (GST, MVA)
/// keep theirs. Also the line table's tax column heading.
pub fn tax_name(doc: &Document) -> &str {
    if doc.tax.tax_name == "VAT" { &texts(doc).labels.tax_rate } else { &doc.tax.tax_name }
}

/// The line table's price headings: `Unit price` and `Amount`, or on a gross-priced consumer
/// document `Unit price incl. VAT` and `Amount incl. VAT`.
pub fn price_headings(doc: &Document) -> (String, String) {
    let l = &texts(doc).labels;
    if shows_gross(doc) {
        let tax = [("tax", tax_name(doc))];
        (fill(&l.unit_price_gross, &tax), fill(&l.gross_amount, &tax))
    } else {
        (l.unit_price.clone(), l.net_amount.clone())
    }
}

/// A line's unit price as the table prints it (see [`price_headings`]).
pub fn line_unit_price(doc: &Document, line: &DocumentLine) -> String {
    match (&line.gross, shows_gross(doc)) {
        (Some(g), true) => unit_price(doc, g.unit_price),
        _ => unit_price(doc, line.unit_price),
    }
}

/// A line's amount as the table prints it (see [`price_headings`]).
pub fn line_amount(doc: &Document, line: &DocumentLine) -> String {
    match (&line.gross, shows_gross(doc)) {
        (Some(g), true) => amount(doc, g.amount),
        _ => amount(doc, line.net_amount),
    }
}

/// The label of the total: `Total`, on a credit note `Total credited`.
pub fn total_label(doc: &Document) -> &'static str {
    let l = &texts(doc).labels;
    match doc.kind {
        DocumentKind::Invoice => &l.total,
        DocumentKind::CreditNote => &l.total_credited,
    }
}

/// The rows under the total, the last one emphasised: an invoice's `Paid` and `Amount due`
/// (or what was overpaid, to be refunded or credited); a credit note's `Refunded to card`
/// or, cancelling an invoice, the payment `Applied to the replacement invoice`.
pub fn settlement_rows(doc: &Document) -> Vec<(String, String)> {
    if let Some(rows) = super::transfer::settlement_rows(doc) {
        return rows;
    }
    let l = &texts(doc).labels;
    let due = doc.totals.due;
    match (doc.kind, doc.payment.status.as_str()) {
        // Nothing paid for the cancelled invoice: nothing to apply (the sentence says so).
        (DocumentKind::CreditNote, "offset") if doc.totals.paid.is_zero() => Vec::new(),
        (DocumentKind::CreditNote, "offset") => vec![(l.offset.clone(), money(doc, doc.totals.paid))],
        (DocumentKind::CreditNote, _) => vec![(l.refunded.clone(), money(doc, doc.payment.amount))],
        (DocumentKind::Invoice, _) => {
            let last = if due.is_sign_negative() && !due.is_zero() { (l.overpaid.clone(), money(doc, -due)) } else { (l.due.clone(), money(doc, due)) };
            vec![(l.paid.clone(), money(doc, doc.totals.paid)), last]
        }
    }
}

/// `s` in capitals, as the small headings print it. Greek capitals drop their accents (the
/// tonos is not written on all-capital words), as browsers do for `text-transform: uppercase`.
pub fn caps(doc: &Document, s: &str) -> String {
    caps_in(&doc.language, s)
}

/// [`caps`] for text in `language`.
pub fn caps_in(language: &str, s: &str) -> String {
    let upper = s.to_uppercase();
    if !language.starts_with("el") {
        return upper;
    }
    upper
        .chars()
        .map(|c| match c {
            'Ά' => 'Α',
            'Έ' => 'Ε',
            'Ή' => 'Η',
            'Ί' => 'Ι',
            'Ό' => 'Ο',
            'Ύ' => 'Υ',
            'Ώ' => 'Ω',
            other => other,
        })
        .collect()
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

/// The tax column's abbreviation on this document's lines and what it stands for (`RC`,
/// "reverse charge"), for the PDF's `/E` and the HTML's `<abbr title>`: a screen reader
/// speaks the words, not the letters.
pub fn line_tax_abbreviation(doc: &Document) -> Option<(String, String)> {
    match doc.tax.treatment {
        Treatment::ReverseCharge | Treatment::NonEuReverseCharge => {
            let l = &texts(doc).labels;
            Some((l.reverse_charge_short.clone(), l.reverse_charge_expansion.clone()))
        }
        _ => None,
    }
}

/// The label of one breakdown row: `VAT 24%`, `GST 10%`, `VAT 0% (reverse charge)`, `Not subject to VAT`.
pub fn subtotal_label(doc: &Document, row: &TaxSubtotal) -> String {
    let l = &texts(doc).labels;
    // EU VAT gets its name in the document's language (USt., TVA…); GST, MVA keep theirs.
    let tax = tax_name(doc);
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
    if let Some(sentence) = super::transfer::sentence(doc) {
        return sentence;
    }
    let p = &texts(doc).phrases;
    let paid_on = date(doc, doc.payment.date);
    let paid = money(doc, doc.payment.amount);
    let difference = money(doc, doc.totals.due.abs());
    let values = [("date", paid_on.as_str()), ("amount", paid.as_str()), ("difference", difference.as_str())];
    match (doc.kind, doc.payment.status.as_str()) {
        // The invoice it cancels is named by the reference line above (`cancels`); the
        // sentence says only where its payment went.
        (DocumentKind::CreditNote, "offset") if doc.totals.paid.is_zero() => p.cancelled_unpaid.clone(),
        (DocumentKind::CreditNote, "offset") => fill(&p.cancelled, &[("amount", &money(doc, doc.totals.paid))]),
        (DocumentKind::CreditNote, _) => fill(&p.refunded, &values),
        (DocumentKind::Invoice, _) if doc.totals.due.is_zero() => fill(&p.paid_in_full, &values),
        (DocumentKind::Invoice, _) if doc.totals.due.is_sign_negative() => fill(&p.paid_overpaid, &values),
        (DocumentKind::Invoice, _) => fill(&p.paid_due, &values),
    }
}

/// The card and the processor's payment id, when the billing history gave them:
/// `Visa ending in 4242 · Payment ID pi_3QxY`, so the customer can find the payment on a
/// statement.
pub fn payment_details(doc: &Document) -> Option<String> {
    let p = &doc.payment;
    card_details(&doc.language, p.card_brand.as_deref(), p.card_last4.as_deref(), p.payment_id.as_deref())
}

/// [`payment_details`] of a card payment in `language`, from what is known of it.
pub fn card_details(language: &str, brand: Option<&str>, last4: Option<&str>, payment_id: Option<&str>) -> Option<String> {
    let l = &locale::texts(language).labels;
    let card = match (brand, last4) {
        (Some(brand), Some(last4)) => Some(fill(&l.payment_card, &[("brand", brand), ("last4", last4)])),
        (None, Some(last4)) => Some(format!("•••• {last4}")),
        (Some(brand), None) => Some(brand.to_string()),
        (None, None) => None,
    };
    let id = payment_id.map(|id| format!("{} {id}", l.payment_id));
    let parts: Vec<String> = card.into_iter().chain(id).collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// `Credits invoice KL-INV-2026-000003 of 4 October 2026 — reason: …`.
pub fn reference(doc: &Document, r: &DocumentReference) -> String {
    let texts = texts(doc);
    let p = &texts.phrases;
    let mut out = relation(&doc.language, r.relation, r.number.as_str(), r.issue_date);
    if let Some(reason) = &r.reason {
        out.push_str(" — ");
        out.push_str(&fill(&p.reason, &[("reason", texts.reasons.phrase(reason))]));
    }
    out
}

/// `Credits invoice KL-INV-2026-000003 of 4 October 2026`, in `language`: what a document
/// does to the one it refers to.
pub fn relation(language: &str, relation: Relation, number: &str, issued: NaiveDate) -> String {
    let texts = locale::texts(language);
    let p = &texts.phrases;
    let template = match relation {
        Relation::Credits => &p.credits,
        Relation::Cancels => &p.cancels,
        Relation::Replaces => &p.replaces,
        Relation::Adjusts => &p.adjusts,
    };
    fill(template, &[("number", number), ("date", &texts.format.date(issued))])
}

/// The postal address as printed, line by line, ending with the country's name.
/// Countries that put the city before the postal code get that order.
pub fn address_lines(doc: &Document, party: &Party) -> Vec<String> {
    address_lines_in(&doc.language, party)
}

/// [`address_lines`] with the country named in `language`.
pub fn address_lines_in(language: &str, party: &Party) -> Vec<String> {
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
    lines.push(locale::country_name(language, a.country));
    lines
}

/// The language the document's words are in, as its PDF and HTML declare it (`/Lang`,
/// `lang`): its customer's language where it has a translation, else English, which
/// [`locale::texts`] falls back to (a Japanese customer's invoice without a Japanese
/// translation is read in English, not with a Japanese voice).
pub fn rendered_language(doc: &Document) -> &str {
    rendered(&doc.language)
}

/// [`rendered_language`] of text asked for in `language`.
pub fn rendered(language: &str) -> &str {
    if locale::is_supported(language) { language } else { "en" }
}

/// `Page 2 of 3`.
pub fn page_of(doc: &Document, page: usize, pages: usize) -> String {
    fill(&texts(doc).labels.page, &[("page", &page.to_string()), ("pages", &pages.to_string())])
}

/// The Art. 230 statement: `VAT in EUR: €3.32 on €16.61 (rate 1 EUR = 1.0838 USD, ECB of 2 October 2026)`;
/// or UK VAT's in sterling.
pub fn base_currency_tax(doc: &Document) -> Option<String> {
    let b = doc.printed_tax_statement()?;
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
            ("source", texts(doc).sources.name(&b.source)),
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
    let registration = texts(doc).registration_label(doc.seller.address.country);
    lines.extend(doc.seller.registration_id.as_ref().map(|r| format!("{registration} {r}")));
    lines.extend(doc.seller.email.iter().cloned());
    lines
}

/// The registration the tax is charged under, in its official form: `CHE-123.456.788 MWST`,
/// `VOEC 2034567`, `ABN 51 824 753 556`, and a UK VAT number after the tax's name
/// (`UK VAT GB980780684`), as it names no scheme itself.
pub fn seller_registration(doc: &Document) -> Option<String> {
    let r = doc.tax.seller_registration.as_ref()?;
    Some(match r.scheme {
        domain::registration::Scheme::Vat => format!("{} {}", doc.tax.tax_name, r.id),
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
    use crate::fixture;

    #[test]
    fn greek_capitals_drop_the_tonos_and_others_keep_their_accents() {
        let mut doc = crate::fixture::oss_invoice();
        doc.language = "el".into();
        assert_eq!(caps(&doc, "Χρέωση σε"), "ΧΡΕΩΣΗ ΣΕ");
        doc.language = "de".into();
        assert_eq!(caps(&doc, "Rechnungsempfänger"), "RECHNUNGSEMPFÄNGER");
    }

    #[test]
    fn a_countrys_own_register_term_labels_only_a_seller_established_there() {
        let registration = |language: &str, country: &str| {
            let mut doc = fixture::oss_invoice();
            doc.language = language.into();
            doc.seller.address.country = domain::country::CountryCode::parse(country).unwrap();
            seller_lines(&doc).into_iter().find(|l| l.ends_with("14123456")).unwrap()
        };
        // The fixture's seller is Estonian: no Greek, Czech, Danish or Finnish register.
        assert_eq!(registration("el", "EE"), "Αρ. μητρώου 14123456");
        assert_eq!(registration("cs", "EE"), "Registrační číslo 14123456");
        assert_eq!(registration("da", "EE"), "Registreringsnr. 14123456");
        assert_eq!(registration("fi", "EE"), "Rekisterinumero 14123456");
        assert_eq!(registration("et", "EE"), "Registrikood 14123456");
        assert_eq!(registration("nb", "EE"), "Registreringsnummer 14123456");
        assert_eq!(registration("sv", "EE"), "Registreringsnummer 14123456");
        // A seller established in the language's country keeps its register's name.
        assert_eq!(registration("el", "GR"), "Αρ. ΓΕΜΗ 14123456");
        assert_eq!(registration("cs", "CZ"), "IČO 14123456");
        assert_eq!(registration("sk", "SK"), "IČO 14123456");
        assert_eq!(registration("fi", "FI"), "Y-tunnus 14123456");
        assert_eq!(registration("nb", "NO"), "Organisasjonsnummer 14123456");
        assert_eq!(registration("sv", "SE"), "Organisationsnummer 14123456");
        // ...in its own language only: an English invoice of a Danish seller.
        assert_eq!(registration("en", "DK"), "Company reg. no. 14123456");
    }

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
        let credits = |reason: &str| domain::document::DocumentReference {
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
    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cancelling_credit_note(language: &str) -> Document {
        let mut doc = fixture::refund_credit_note(language);
        doc.payment.status = "offset".into();
        doc.references[0].relation = Relation::Cancels;
        doc
    }

    fn pairs(v: Vec<(&str, String)>) -> Vec<(String, String)> {
        v.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    fn owned(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_credit_note_is_dated_as_one_with_the_original_supply_date() {
        let facts_in = |language: &str| pairs(facts(&fixture::refund_credit_note(language)));
        assert_eq!(facts_in("en"), owned(&[("Number", "KL-CN-2026-000002"), ("Credit note date", "26 October 2026"), ("Date of supply", "5 October 2026"), ("Currency", "EUR")]));
        assert_eq!(facts_in("de"), owned(&[("Nummer", "KL-CN-2026-000002"), ("Datum der Rechnungskorrektur", "26.10.2026"), ("Leistungsdatum", "05.10.2026"), ("Währung", "EUR")]));
        assert_eq!(facts_in("fr"), owned(&[("Numéro", "KL-CN-2026-000002"), ("Date de l'avoir", "26/10/2026"), ("Date de prestation", "05/10/2026"), ("Devise", "EUR")]));
        // An invoice keeps its own words.
        let invoice = fixture::oss_invoice();
        assert_eq!(pairs(facts(&invoice))[1], ("Issue date".to_string(), "5 October 2026".to_string()));
        for language in ["de", "en", "es", "et", "fr", "it", "nl", "pl", "pt"] {
            let cn = fixture::refund_credit_note(language);
            let l = labels(language);
            assert!(facts(&cn).iter().all(|(k, _)| *k != l.issue_date), "{language}: a credit note says 'issue date'");
            assert_ne!(l.credit_note_date, l.issue_date, "{language}");
            assert_ne!(total_label(&cn), l.total, "{language}");
        }
    }

    #[test]
    fn a_refund_credit_note_says_what_went_back_to_the_card_and_when() {
        let en = fixture::refund_credit_note("en");
        assert_eq!(total_label(&en), "Total credited");
        assert_eq!(settlement_rows(&en), owned(&[("Refunded to card", "€25.00")]));
        assert_eq!(payment(&en), "Refunded to card on 26 October 2026: €25.00.");
        assert_eq!(payment_details(&en).unwrap(), "Visa ending in 4242 · Payment ID re_3QKx1018");
        let de = fixture::refund_credit_note("de");
        assert_eq!(total_label(&de), "Gutgeschrieben");
        assert_eq!(settlement_rows(&de), owned(&[("Auf die Karte erstattet", "25,00\u{a0}€")]));
        assert_eq!(payment(&de), "Am 26.10.2026 auf die Karte erstattet: 25,00\u{a0}€.");
        assert_eq!(payment_details(&de).unwrap(), "Visa mit Endziffern 4242 · Zahlungs-ID re_3QKx1018");
        let fr = fixture::refund_credit_note("fr");
        assert_eq!(total_label(&fr), "Total de l'avoir TTC");
        assert_eq!(settlement_rows(&fr), owned(&[("Remboursé sur la carte", "25,00\u{a0}€")]));
        assert_eq!(payment(&fr), "Remboursé sur la carte le 26/10/2026\u{a0}: 25,00\u{a0}€.");
        assert_eq!(payment_details(&fr).unwrap(), "Visa se terminant par 4242 · Référence du paiement re_3QKx1018");
        // Only what is known is printed.
        let mut partial = en.clone();
        partial.payment.card_brand = None;
        partial.payment.payment_id = None;
        assert_eq!(payment_details(&partial).unwrap(), "•••• 4242");
        assert_eq!(payment_details(&fixture::oss_invoice()), None);
    }

    #[test]
    fn a_cancelling_credit_note_names_the_invoice_it_cancels() {
        let en = cancelling_credit_note("en");
        assert_eq!(reference(&en, &en.references[0]), "Cancels invoice KL-INV-2026-000017 of 5 October 2026");
        // The payment sentence under it does not say "Cancels invoice … of …" a second time.
        assert_eq!(payment(&en), "The €25.00 paid for the cancelled invoice is applied to the replacement invoice.");
        assert_eq!(settlement_rows(&en), owned(&[("Applied to the replacement invoice", "€25.00")]));
        let de = cancelling_credit_note("de");
        assert_eq!(reference(&de, &de.references[0]), "Storniert Rechnung Nr. KL-INV-2026-000017 vom 05.10.2026");
        assert_eq!(payment(&de), "Die für die stornierte Rechnung gezahlten 25,00\u{a0}€ werden auf die ersetzende Rechnung angerechnet.");
        assert_eq!(payment(&cancelling_credit_note("fr")), "Les 25,00\u{a0}€ réglés pour la facture annulée sont imputés sur la facture qui la remplace.");
        // In no language does the sentence repeat the reference line or name the invoice again.
        for (tag, _) in locale::shipped_files() {
            let doc = cancelling_credit_note(tag);
            let (sentence, cancels) = (payment(&doc), reference(&doc, &doc.references[0]));
            assert!(!sentence.contains("KL-INV-2026-000017") && !sentence.contains(&date(&doc, doc.references[0].issue_date)), "{tag}: {sentence}");
            assert!(!sentence.contains(&cancels), "{tag}: {sentence}");
        }
        assert_eq!(settlement_rows(&cancelling_credit_note("fr")), owned(&[("Imputé sur la facture de remplacement", "25,00\u{a0}€")]));
        // A cancelled invoice nothing was paid for (a transfer not received): no "€0.00 paid
        // … applied", and no row applying nothing.
        let mut unpaid = cancelling_credit_note("en");
        unpaid.totals.paid = Decimal::ZERO;
        assert_eq!(payment(&unpaid), "Nothing was paid for the cancelled invoice; it is no longer owed.");
        assert_eq!(settlement_rows(&unpaid), owned(&[]));
        unpaid.language = "de".into();
        assert_eq!(payment(&unpaid), "Für die stornierte Rechnung wurde nichts gezahlt; sie ist nicht mehr zu zahlen.");
    }

    #[test]
    fn an_overpaid_invoice_promises_no_refund_it_has_not_made() {
        let mut doc = fixture::oss_invoice();
        doc.totals.due = "-2.50".parse().unwrap();
        assert_eq!(settlement_rows(&doc), owned(&[("Paid", "€25.00"), ("Overpaid, to be refunded or credited", "€2.50")]));
        assert_eq!(payment(&doc), "Paid by card on 5 October 2026: €25.00. Overpaid by €2.50, to be refunded or credited.");
        doc.language = "de".into();
        assert_eq!(payment(&doc), "Am 05.10.2026 per Karte bezahlt: 25,00\u{a0}€. Zu viel gezahlt: 2,50\u{a0}€; der Betrag wird erstattet oder gutgeschrieben.");
        doc.language = "fr".into();
        assert_eq!(settlement_rows(&doc)[1], ("Trop-perçu, à rembourser ou à créditer".to_string(), "2,50\u{a0}€".to_string()));
        // Paid in full: nothing due.
        assert_eq!(settlement_rows(&fixture::oss_invoice()), owned(&[("Paid", "€25.00"), ("Amount due", "€0.00")]));
    }

    /// The fixture invoice as a consumer saw it: 15.00 and 2 × 5.00, 25.00 in all.
    fn priced_gross(language: &str) -> Document {
        let mut doc = fixture::oss_invoice();
        doc.language = language.into();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        doc.lines[0].gross = Some(domain::document::GrossPrice { unit_price: d("15.00"), amount: d("15.00") });
        doc.lines[1].gross = Some(domain::document::GrossPrice { unit_price: d("5.00"), amount: d("10.00") });
        doc
    }

    #[test]
    fn consumers_priced_gross_see_gross_prices_and_businesses_net() {
        let en = priced_gross("en");
        assert_eq!(price_headings(&en), ("Unit price incl. VAT".to_string(), "Amount incl. VAT".to_string()));
        assert_eq!((line_unit_price(&en, &en.lines[1]), line_amount(&en, &en.lines[1])), ("5.00".to_string(), "10.00".to_string()));
        let de = priced_gross("de");
        assert_eq!(price_headings(&de), ("Einzelpreis inkl. USt.".to_string(), "Betrag inkl. USt.".to_string()));
        assert_eq!((line_unit_price(&de, &de.lines[0]), line_amount(&de, &de.lines[0])), ("15,00".to_string(), "15,00".to_string()));
        let fr = priced_gross("fr");
        assert_eq!(price_headings(&fr), ("P.U. TVA incl.".to_string(), "Montant TVA incl.".to_string()));
        // The breakdown below stays net per rate.
        assert_eq!(subtotal_row(&fr, &fr.tax_breakdown[0]), "TVA 19% · Base HT 21,01");
        let mut business = priced_gross("en");
        business.tax.customer_type = domain::document::CustomerType::Business;
        assert_eq!(price_headings(&business), ("Unit price".to_string(), "Amount".to_string()));
        assert_eq!(line_unit_price(&business, &business.lines[1]), "4.20");
        // No tax charged, nothing to include: outside the scope of EU VAT, prices are net.
        let mut outside = priced_gross("en");
        outside.tax.treatment = Treatment::OutsideScope;
        assert_eq!(price_headings(&outside).0, "Unit price");
        // A document without gross prices (issued before they were recorded) prints net.
        assert_eq!(line_amount(&fixture::oss_invoice(), &fixture::oss_invoice().lines[1]), "8.40");
    }

    #[test]
    fn the_exchange_rate_source_is_named_in_the_documents_language() {
        let mut doc = fixture::oss_invoice();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let usd = domain::money::Currency::parse("USD").unwrap();
        let eur = doc.currency;
        doc.currency = usd;
        doc.base_currency_tax = Some(domain::document::BaseCurrencyTax {
            currency: eur,
            exchange_rate: d("0.92421"),
            published_rate: d("1.0820"),
            published_base: eur,
            published_quote: usd,
            rate_date: day("2026-10-02"),
            source: "ECB euro foreign exchange reference rate".into(),
            taxable_amount: d("14.52"),
            tax_amount: d("2.90"),
        });
        doc.language = "fr".into();
        assert_eq!(base_currency_tax(&doc).unwrap(), "TVA en EUR\u{a0}: 2,90\u{a0}€ sur 14,52\u{a0}€ (taux de change 1 EUR = 1,082 USD, taux de référence de l'euro de la BCE du 02/10/2026)");
        doc.language = "de".into();
        assert!(base_currency_tax(&doc).unwrap().ends_with("EZB-Referenzkurs vom 02.10.2026)"));
        doc.language = "en".into();
        assert!(base_currency_tax(&doc).unwrap().ends_with("ECB euro reference rate of 2 October 2026)"));
        doc.base_currency_tax.as_mut().unwrap().source = "Eesti Pank".into();
        assert!(base_currency_tax(&doc).unwrap().ends_with("Eesti Pank of 2 October 2026)"));
    }
}
