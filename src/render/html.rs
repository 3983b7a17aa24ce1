//! HTML rendering (askama): one self-contained file with inline CSS that prints on A4.
//!
//! The template (`templates/document.html`) only places text: every word and number comes
//! pre-formatted from [`super::text`], the same functions the PDF uses, so the two formats
//! never disagree. askama escapes everything it prints.

use askama::Template;

use super::Document;
use super::text::{self, Labels};

#[derive(Template)]
#[template(path = "document.html")]
struct View<'a> {
    language: &'a str,
    title: &'static str,
    number: &'a str,
    labels: &'static Labels,
    seller_name: &'a str,
    seller_lines: Vec<String>,
    customer_name: &'a str,
    customer_lines: Vec<String>,
    facts: Vec<(&'static str, String)>,
    lines: Vec<LineView>,
    subtotal: String,
    tax_rows: Vec<(String, String)>,
    total: String,
    paid: String,
    due: String,
    references: Vec<String>,
    payment: String,
    base_currency_tax: Option<String>,
    legends: Vec<&'a str>,
    footer: String,
}

struct LineView {
    description: String,
    notes: Vec<String>,
    quantity: String,
    unit_price: String,
    tax: String,
    amount: String,
}

/// Renders an issued document as one self-contained HTML file. Pure: same document → same bytes.
pub fn render(doc: &Document) -> String {
    let l = text::labels(&doc.language);
    let mut seller_lines = text::address_lines(doc, &doc.seller);
    seller_lines.extend(doc.seller.tax_id.as_ref().map(|id| format!("{} {id}", l.vat_id)));
    seller_lines.extend(doc.tax.seller_tax_id.as_ref().map(|id| format!("{} {} {id}", doc.tax.tax_name, doc.tax.jurisdiction)));
    seller_lines.extend(doc.seller.registration_id.as_ref().map(|r| format!("{} {r}", l.registration_id)));
    seller_lines.extend(doc.seller.email.iter().cloned());
    let mut customer_lines = text::address_lines(doc, &doc.customer);
    customer_lines.extend(doc.customer.tax_id.as_ref().map(|id| format!("{} {id}", l.vat_id)));
    let lines = doc
        .lines
        .iter()
        .map(|line| {
            let mut notes: Vec<String> = text::service_period(doc, line).into_iter().collect();
            if line.proration {
                notes.push(match &line.adjusts {
                    Some(charge) => format!("{} ({charge})", l.proration),
                    None => l.proration.clone(),
                });
            }
            LineView {
                description: line.description.clone(),
                notes,
                quantity: text::quantity(doc, line.quantity),
                unit_price: text::unit_price(doc, line.unit_price),
                tax: text::line_tax(doc, line),
                amount: text::amount(doc, line.net_amount),
            }
        })
        .collect();
    let mut footer = vec![doc.seller.name.clone()];
    footer.extend(doc.seller.tax_id.clone());
    footer.extend(doc.seller.email.clone());
    let view = View {
        language: &doc.language,
        title: text::title(doc),
        number: doc.number.as_str(),
        labels: l,
        seller_name: &doc.seller.name,
        seller_lines,
        customer_name: &doc.customer.name,
        customer_lines,
        facts: vec![
            (&l.number, doc.number.to_string()),
            (&l.issue_date, text::date(doc, doc.issue_date)),
            (&l.tax_point_date, text::date(doc, doc.tax_point_date)),
            (&l.customer_id, doc.customer_id.clone()),
            (&l.currency, doc.currency.to_string()),
        ],
        lines,
        subtotal: text::amount(doc, doc.totals.net),
        tax_rows: doc
            .tax_breakdown
            .iter()
            .map(|r| (text::subtotal_row(doc, r), text::amount(doc, r.tax_amount)))
            .collect(),
        total: text::money(doc, doc.totals.gross),
        paid: text::money(doc, doc.totals.paid),
        due: text::money(doc, doc.totals.due),
        references: doc.references.iter().map(|r| text::reference(doc, r)).collect(),
        payment: text::payment(doc),
        base_currency_tax: text::base_currency_tax(doc),
        legends: doc.legends.iter().map(|l| l.text.as_str()).collect(),
        footer: footer.join(" · "),
    };
    view.render().expect("the template renders every view")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn same_document_same_html_with_everything_the_law_asks() {
        let doc = fixture::oss_invoice();
        let html = render(&doc);
        assert_eq!(html, render(&doc));
        for needle in [
            "<!DOCTYPE html>", "lang=\"en\"", "KL-INV-2026-000017", "Jürgen Müller", "Kunstlicht OÜ", "EE102345676",
            "€25.00", "VAT 19% · Taxable amount 21.01", "3.99", "One-Stop Shop", "5 October 2026",
        ] {
            assert!(html.contains(needle), "missing {needle:?}");
        }
        assert!(html.contains(&text::payment(&doc)));
    }

    #[test]
    fn customer_text_is_escaped() {
        let mut doc = fixture::oss_invoice();
        doc.customer.name = "<script>alert(1)</script>".into();
        let html = render(&doc);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn self_contained() {
        let html = render(&fixture::long_invoice(60));
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<link") && !html.contains("src="));
        assert_eq!(html.matches("<tr class=\"line\"").count(), 60);
    }
}
