//! HTML rendering (askama): one self-contained file with inline CSS that prints on A4.
//!
//! The template (`templates/document.html`) only places text: every word and number comes
//! pre-formatted from [`super::text`], the same functions the PDF uses, so the two formats
//! never disagree. askama escapes everything it prints (the template's `.html` extension
//! turns HTML escaping on), so customer-supplied text cannot inject markup.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use askama::Template;
use domain::brand::{Logo, LogoFormat};

mod statement;
pub use statement::render_statement;

use super::Document;
use super::text::{self, Labels};

/// Everything the template prints, as ready strings in print order.
#[derive(Template)]
#[template(path = "document.html")]
struct View<'a> {
    /// `<html lang>`: the document's language.
    language: &'a str,
    /// `Invoice` / `Credit note`, in the document's language.
    title: &'static str,
    number: &'a str,
    /// Column headings and totals labels.
    labels: &'static Labels,
    /// `Unit price` / `Amount`, or their tax-inclusive forms (see `text::price_headings`).
    unit_price_heading: String,
    amount_heading: String,
    /// The tax column's heading (see `text::tax_name`).
    tax_heading: &'a str,
    seller_name: &'a str,
    /// Address, VAT ID, registration number, email.
    seller_lines: Vec<String>,
    customer_name: &'a str,
    customer_lines: Vec<String>,
    /// Labelled identifiers under the customer's address: VAT ID (if any), customer ID.
    customer_ids: Vec<(&'static str, &'a str)>,
    /// Number, issue date, date of supply, currency.
    facts: Vec<(&'static str, String)>,
    lines: Vec<LineView>,
    subtotal: String,
    tax_rows: Vec<TaxRowView>,
    total_label: &'static str,
    total: String,
    /// Paid and amount due, or what a credit note refunded or offset; the last is emphasised.
    settlement: Vec<(&'static str, String, String)>,
    /// The Art. 230 statement in the seller's base currency.
    base_currency_tax: Option<String>,
    legends: Vec<&'a str>,
    references: Vec<String>,
    payment: String,
    /// Card and payment id, when known.
    payment_details: Option<String>,
    /// Seller name · VAT ID · email.
    footer: String,
    /// The brand's accent colour (`#RRGGBB`, checked), in place of the ink colour.
    accent: Option<String>,
    /// The logo as a `data:` URL.
    logo: Option<Rc<str>>,
    /// The brand's footer lines, labelled.
    brand_footer: Vec<String>,
    /// "Note" and the customer's and transaction's notes.
    note_label: &'static str,
    notes: &'a [String],
    /// The account to pay to, labelled (a bank-transfer invoice with an amount due).
    account: Vec<(&'static str, String)>,
    /// The EPC QR code as an SVG path and its side in modules, with the words beside it.
    qr: Option<(String, usize)>,
    scan_label: &'static str,
}

struct LineView {
    description: String,
    /// Service period, plan-change note: small grey text under the description.
    notes: Vec<String>,
    quantity: String,
    unit_price: String,
    tax: String,
    /// What `tax` stands for where it is an abbreviation (`RC`): its `<abbr title>`.
    tax_expansion: Option<String>,
    amount: String,
}

/// One row of the tax breakdown: `VAT 19%`, under it `Taxable amount 21.01`, and `3.99`.
struct TaxRowView {
    label: String,
    base: String,
    amount: String,
}

/// Renders an issued document as one self-contained HTML file. Pure: same document → same bytes.
pub fn render(doc: &Document) -> String {
    let l = text::labels(&doc.language);
    let customer_ids = doc
        .customer
        .tax_id
        .as_deref()
        .map(|id| (l.vat_id.as_str(), id))
        .into_iter()
        .chain([(l.customer_id.as_str(), doc.customer_id.as_str())])
        .collect();
    let abbreviation = text::line_tax_abbreviation(doc);
    let lines = doc
        .lines
        .iter()
        .map(|line| LineView {
            description: line.description.clone(),
            notes: text::line_notes(doc, line),
            quantity: text::quantity(doc, line.quantity),
            unit_price: text::line_unit_price(doc, line),
            tax: text::line_tax(doc, line),
            tax_expansion: abbreviation.as_ref().map(|(_, words)| words.clone()),
            amount: text::line_amount(doc, line),
        })
        .collect();
    let tax_rows = doc
        .tax_breakdown
        .iter()
        .map(|row| TaxRowView {
            label: text::subtotal_label(doc, row),
            base: format!("{} {}", l.taxable_amount, text::amount(doc, row.taxable_amount)),
            amount: text::amount(doc, row.tax_amount),
        })
        .collect();
    let mut footer = vec![doc.seller.name.as_str()];
    footer.extend(doc.seller.tax_id.as_deref());
    footer.extend(doc.seller.email.as_deref());
    let (unit_price_heading, amount_heading) = text::price_headings(doc);
    let view = View {
        language: text::rendered_language(doc),
        title: text::title(doc),
        number: doc.number.as_str(),
        labels: l,
        unit_price_heading,
        amount_heading,
        tax_heading: text::tax_name(doc),
        seller_name: &doc.seller.name,
        seller_lines: text::seller_lines(doc),
        customer_name: &doc.customer.name,
        customer_lines: text::address_lines(doc, &doc.customer),
        customer_ids,
        facts: text::facts(doc),
        lines,
        subtotal: text::amount(doc, doc.totals.net),
        tax_rows,
        total_label: text::total_label(doc),
        total: text::money(doc, doc.totals.gross),
        settlement: settlement(doc),
        base_currency_tax: text::base_currency_tax(doc),
        legends: doc.legends.iter().map(|legend| legend.text.as_str()).collect(),
        references: doc.references.iter().map(|r| text::reference(doc, r)).collect(),
        payment: text::payment(doc),
        payment_details: text::payment_details(doc),
        footer: footer.join(" · "),
        accent: doc.brand.as_ref().and_then(|b| b.accent).map(|a| a.hex()),
        logo: doc.brand.as_ref().and_then(|b| b.logo.as_ref()).map(logo_url),
        brand_footer: super::brand::footer_lines(doc),
        note_label: super::brand::note_label(doc),
        notes: &doc.notes,
        account: super::transfer::account(doc),
        qr: domain::payment::terms::epc_payload(doc).and_then(|payload| super::qr::matrix(&payload).ok()).map(|m| (m.svg_path(), m.svg_size())),
        scan_label: super::transfer::scan_label(doc),
    };
    view.render().expect("the template renders every view")
}

/// The logo as a `data:` URL, encoded once per logo and thread: a run's documents share
/// their logo's bytes, and its base64 was made again for every document.
fn logo_url(logo: &Logo) -> Rc<str> {
    /// The last logo's bytes (held, so their address names them), format and URL.
    type Made = Option<(Arc<[u8]>, LogoFormat, Rc<str>)>;
    thread_local! {
        static LAST: RefCell<Made> = const { RefCell::new(None) };
    }
    let Some(bytes) = logo.shared_bytes() else { return logo.data_url().into() };
    LAST.with_borrow_mut(|last| {
        if let Some((last_bytes, format, url)) = last.as_ref()
            && Arc::ptr_eq(last_bytes, bytes)
            && *format == logo.format
        {
            return url.clone();
        }
        let url: Rc<str> = logo.data_url().into();
        *last = Some((bytes.clone(), logo.format, url.clone()));
        url
    })
}

/// The rows under the total with their classes: spaced from the total, the last emphasised.
fn settlement(doc: &Document) -> Vec<(&'static str, String, String)> {
    let rows = text::settlement_rows(doc);
    let n = rows.len();
    rows.into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let class = match (i == 0, i + 1 == n) {
                (true, true) => "after-total due",
                (true, false) => "after-total",
                (false, true) => "due",
                (false, false) => "",
            };
            (class, label, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    /// The HTML without its tags.
    fn visible_text(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn same_document_same_html_with_everything_the_law_asks() {
        let doc = fixture::oss_invoice();
        let html = render(&doc);
        assert_eq!(html, render(&doc));
        for needle in [
            "<!DOCTYPE html>",
            "<meta charset=\"utf-8\">",
            "lang=\"en\"",
            "<title>Invoice KL-INV-2026-000017</title>",
            "KL-INV-2026-000017",
            "Kunstlicht OÜ",
            "Narva mnt 5",
            "EE102345676",
            "14123456",
            "billing@kunstlicht.example",
            "Bill to",
            "Jürgen Müller",
            "Schönhauser Allee 12",
            "cus_de_01",
            "Date of supply",
            "EUR",
            "Pro plan, monthly",
            "5 October 2026 – 4 November 2026",
            "12.61",
            "19%",
            "Subtotal (excl. tax)",
            "21.01",
            "VAT 19%",
            "3.99",
            "€25.00",
            "Amount due",
            "Kunstlicht OÜ · EE102345676 · billing@kunstlicht.example",
        ] {
            assert!(html.contains(needle), "missing {needle:?}");
        }
        // The breakdown row: label, then its base on a line of its own.
        let visible = visible_text(&html);
        assert!(visible.contains("VAT 19% Taxable amount 21.01"), "{visible}");
        assert!(html.contains("VAT of Germany charged under the Union One-Stop Shop (Art. 369a–369k Directive 2006/112/EC)."), "missing the legend");
        assert!(html.contains("Paid by card on 5 October 2026: €25.00. Nothing is due."), "missing the payment line");

        // The document's language decides `lang` (and the words, through `text`).
        let mut de = doc.clone();
        de.language = "de".into();
        assert!(render(&de).contains("<html lang=\"de\">"));
    }

    /// The OSS invoice with everything optional: a plan-change line, a reference, the
    /// Art. 230 statement.
    fn with_extras() -> Document {
        let mut doc = fixture::oss_invoice();
        doc.lines[1].proration = true;
        doc.lines[1].adjusts = Some("ch_0999".into());
        doc.references.push(domain::document::DocumentReference {
            number: doc.number.clone(),
            issue_date: doc.issue_date,
            relation: domain::document::Relation::Replaces,
            reason: Some("corrected billing address".into()),
        });
        let dec = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let usd = domain::money::Currency::parse("USD").unwrap();
        doc.base_currency_tax = Some(domain::document::BaseCurrencyTax {
            currency: usd,
            exchange_rate: dec("1.0838"),
            published_rate: dec("1.0838"),
            published_base: doc.currency,
            published_quote: usd,
            rate_date: doc.issue_date,
            source: "ECB".into(),
            taxable_amount: dec("22.77"),
            tax_amount: dec("4.32"),
        });
        doc
    }

    #[test]
    fn proration_reference_and_base_currency_statement_are_printed() {
        let doc = with_extras();
        let html = render(&doc);
        assert!(html.contains("Plan change adjustment (ch_0999)"));
        assert!(html.contains("Replaces invoice KL-INV-2026-000017 of 5 October 2026 — reason: corrected billing address"));
        assert!(html.contains("VAT in USD: $4.32 on $22.77 (rate 1 EUR = 1.0838 USD, ECB euro reference rate of 5 October 2026)"));
    }

    #[test]
    fn customer_text_is_escaped() {
        let mut doc = fixture::oss_invoice();
        doc.customer.name = "<script>alert(1)</script>".into();
        doc.lines[0].description = "\"><img src=x onerror=alert(2)>".into();
        let html = render(&doc);
        assert!(!html.contains("<script"), "unescaped script tag");
        assert!(!html.contains("<img"), "unescaped img tag");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn self_contained_and_one_row_per_line() {
        for doc in [fixture::oss_invoice(), fixture::long_invoice(60)] {
            let html = render(&doc);
            for bad in ["http://", "https://", "<link", "src=", "<script", "url(", "@import"] {
                assert!(!html.contains(bad), "found {bad:?}");
            }
            assert!(html.contains("<style>"));
            assert_eq!(html.matches("<tr class=\"line\"").count(), doc.lines.len());
        }
        assert_eq!(render(&fixture::long_invoice(60)).matches("<tr class=\"line\"").count(), 60);
    }

    /// A reverse-charged line's "RC" is an `<abbr>` whose title says the words, in the
    /// document's language (escaped as any text); other documents have no `<abbr>`.
    #[test]
    fn the_reverse_charge_abbreviation_carries_its_words() {
        let mut doc = fixture::oss_invoice();
        doc.tax.treatment = domain::document::Treatment::ReverseCharge;
        let cell = r#"<td class="num"><abbr title="reverse charge">RC</abbr></td>"#;
        assert_eq!(render(&doc).matches(cell).count(), doc.lines.len());
        doc.language = "de".into();
        assert!(render(&doc).contains(r#"<td class="num"><abbr title="Reverse-Charge">RC</abbr></td>"#));
        doc.language = "fr".into();
        assert!(render(&doc).contains(r#"<td class="num"><abbr title="autoliquidation">Autoliq.</abbr></td>"#));
        assert!(!render(&fixture::oss_invoice()).contains("<abbr"));
    }

    /// Writes sample files for looking at: `HTML_SAMPLES=/tmp/htmlcheck cargo test --lib
    /// render::html::tests::write_samples -- --ignored`.
    #[test]
    #[ignore]
    fn write_samples() {
        let dir = std::path::PathBuf::from(std::env::var_os("HTML_SAMPLES").unwrap_or_else(|| "/tmp/htmlcheck".into()));
        std::fs::create_dir_all(&dir).unwrap();
        // A reverse-charge credit note to a business: RC column, customer VAT ID, negative amounts.
        let mut credit = fixture::oss_invoice();
        credit.kind = domain::document::DocumentKind::CreditNote;
        credit.tax.treatment = domain::document::Treatment::ReverseCharge;
        credit.customer.name = "Müller Software GmbH".into();
        credit.customer.tax_id = Some("DE123456789".into());
        for line in &mut credit.lines {
            line.net_amount = -line.net_amount;
            line.quantity = -line.quantity;
        }
        credit.tax_breakdown[0].taxable_amount = credit.totals.net * rust_decimal::Decimal::NEGATIVE_ONE;
        credit.tax_breakdown[0].tax_amount = rust_decimal::Decimal::ZERO;
        credit.totals.net = -credit.totals.net;
        credit.totals.tax = rust_decimal::Decimal::ZERO;
        credit.totals.gross = credit.totals.net;
        credit.totals.paid = credit.totals.net;
        credit.payment.status = "refunded".into();
        credit.payment.amount = -credit.totals.net;
        let samples = [("oss", fixture::oss_invoice()), ("long60", fixture::long_invoice(60)), ("extras", with_extras()), ("credit_rc", credit)];
        for (name, doc) in samples {
            std::fs::write(dir.join(format!("{name}.html")), render(&doc)).unwrap();
        }
    }
}

#[cfg(test)]
mod language_tests {
    use super::*;
    use crate::fixture;

    /// The logo's URL is made once per logo, but each document shows its own: another logo
    /// gets its own URL.
    #[test]
    fn each_document_shows_its_own_logo() {
        let svg = |fill: &str| format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"10\"><rect width=\"40\" height=\"10\" fill=\"{fill}\"/></svg>").into_bytes();
        let with_logo = |bytes: Vec<u8>| {
            let mut doc = fixture::oss_invoice();
            let logo = Logo::load("logo.svg", bytes).unwrap();
            doc.brand = Some(domain::brand::Brand { accent: None, logo: Some(logo), footer: Vec::new() });
            doc
        };
        let url = |base64: &str| format!("src=\"data:image/svg+xml;base64,{base64}\"");
        let (red_url, blue_url) = (url("PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI0MCIgaGVpZ2h0PSIxMCI+PHJlY3Qgd2lkdGg9IjQwIiBoZWlnaHQ9IjEwIiBmaWxsPSIjZjAwIi8+PC9zdmc+"), url("PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI0MCIgaGVpZ2h0PSIxMCI+PHJlY3Qgd2lkdGg9IjQwIiBoZWlnaHQ9IjEwIiBmaWxsPSIjMDBmIi8+PC9zdmc+"));
        let red_doc = with_logo(svg("#f00"));
        assert!(render(&red_doc).contains(&red_url));
        assert!(render(&red_doc).contains(&red_url), "again, from the remembered URL");
        let blue_html = render(&with_logo(svg("#00f")));
        assert!(blue_html.contains(&blue_url) && !blue_html.contains(&red_url));
        assert!(render(&red_doc).contains(&red_url));
        // No logo: no image.
        assert!(!render(&fixture::oss_invoice()).contains("<img"));
    }

    #[test]
    fn credit_notes_read_as_credit_notes_in_every_language() {
        // Each language's words for what a credit note must not say: issue date, amount due, paid.
        let cases = [
            ("en", ["Issue date", "Amount due", "Paid"], ["<th scope=\"row\">Credit note date</th><td>26 October 2026</td>", "<th scope=\"row\">Date of supply</th><td>5 October 2026</td>", "<th scope=\"row\">Total credited</th><td>€25.00</td>", "<tr class=\"after-total due\"><th scope=\"row\">Refunded to card</th><td>€25.00</td>", "Refunded to card on 26 October 2026: €25.00.<br>Visa ending in 4242 · Payment ID re_3QKx1018"]),
            ("de", ["Rechnungsdatum", "Offener Betrag", "Bezahlt"], ["<th scope=\"row\">Datum der Rechnungskorrektur</th><td>26.10.2026</td>", "<th scope=\"row\">Leistungsdatum</th><td>05.10.2026</td>", "<th scope=\"row\">Gutgeschrieben</th><td>25,00\u{a0}€</td>", "<th scope=\"row\">Auf die Karte erstattet</th><td>25,00\u{a0}€</td>", "Visa mit Endziffern 4242 · Zahlungs-ID re_3QKx1018"]),
            ("fr", ["Date d&#39;émission", "Reste à payer", "Payé"], ["<th scope=\"row\">Date de l&#39;avoir</th><td>26/10/2026</td>", "<th scope=\"row\">Date de prestation</th><td>05/10/2026</td>", "<th scope=\"row\">Total de l&#39;avoir TTC</th><td>25,00\u{a0}€</td>", "<th scope=\"row\">Remboursé sur la carte</th><td>25,00\u{a0}€</td>", "Visa se terminant par 4242 · Référence du paiement re_3QKx1018"]),
        ];
        for (language, absent, needles) in cases {
            let html = render(&fixture::refund_credit_note(language));
            for needle in needles {
                assert!(html.contains(needle), "{language}: missing {needle:?} in {html}");
            }
            for word in absent {
                assert!(!html.contains(&format!(">{word}<")), "{language}: a credit note says {word:?}");
            }
        }
    }

    #[test]
    fn consumers_priced_gross_see_what_they_paid_per_line() {
        let mut doc = fixture::oss_invoice();
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        doc.lines[0].gross = Some(domain::document::GrossPrice { unit_price: d("15.00"), amount: d("15.00") });
        doc.lines[1].gross = Some(domain::document::GrossPrice { unit_price: d("5.00"), amount: d("10.00") });
        doc.language = "de".into();
        let html = render(&doc);
        for needle in [
            "<th class=\"num\">Einzelpreis inkl. USt.</th>",
            "<th class=\"num\">Betrag inkl. USt.</th>",
            "<td class=\"num\">2</td>\n        <td class=\"num\">5,00</td>\n        <td class=\"num\">19%</td>\n        <td class=\"num\">10,00</td>",
            "<th scope=\"row\">Zwischensumme (netto)</th><td>21,01</td>",
        ] {
            assert!(html.contains(needle), "missing {needle:?} in {html}");
        }
    }

    #[test]
    fn german_and_french_documents_use_their_words_numbers_and_dates() {
        let mut doc = fixture::oss_invoice();
        doc.language = "de".into();
        let html = render(&doc);
        for needle in ["lang=\"de\"", "Rechnung", "Leistungsdatum", "USt. 19%", "25,00\u{a0}€", "05.10.2026", "Deutschland"] {
            assert!(html.contains(needle), "German: missing {needle:?}");
        }
        doc.language = "fr".into();
        let html = render(&doc);
        for needle in ["Facture", "Date de prestation", "TVA 19%", "25,00\u{a0}€", "05/10/2026", "Allemagne"] {
            assert!(html.contains(needle), "French: missing {needle:?}");
        }
    }
}
