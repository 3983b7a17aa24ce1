//! A customer statement as HTML: the same askama machinery and look as the documents
//! (`templates/statement.html`), every text escaped by askama; its words and formats from
//! [`crate::text::statement`], shared with the PDF.

use askama::Template;

use crate::text::statement as words;
use domain::statement::Statement;

#[derive(Template)]
#[template(path = "statement.html")]
struct View<'a> {
    /// `<html lang>`: the language printed.
    language: &'a str,
    title: &'a str,
    period: String,
    seller_name: &'a str,
    seller_lines: Vec<&'a str>,
    customer_heading: &'a str,
    customer_name: &'a str,
    customer_lines: Vec<String>,
    customer_id: &'a str,
    /// `Customer ID cus_de_01`.
    customer_id_line: String,
    documents_only: Option<&'a str>,
    /// Date, item, detail, charged, paid.
    headings: [&'a str; 5],
    rows: Vec<[String; 5]>,
    balances: Vec<(String, String)>,
}

/// Renders `s` as one self-contained HTML file. Pure.
pub fn render_statement(s: &Statement) -> String {
    let rows = s
        .entries
        .iter()
        .map(|e| {
            let [charged, paid] = words::amounts(s, e);
            [words::date(s, e.date), words::item(s, e), words::detail(s, e), charged, paid]
        })
        .collect();
    View {
        language: words::language(s),
        title: words::title(s),
        period: words::period(s),
        seller_name: &s.seller.name,
        seller_lines: s.seller.tax_id.iter().chain(s.seller.email.iter()).map(String::as_str).collect(),
        customer_heading: words::customer_heading(s),
        customer_name: &s.customer.name,
        customer_lines: words::customer_lines(s),
        customer_id: &s.customer_id,
        customer_id_line: words::customer_id(s),
        documents_only: words::documents_only(s),
        headings: words::headings(s),
        rows,
        balances: s.balances.iter().map(|b| words::balance(s, b)).collect(),
    }
    .render()
    .expect("the template renders")
}

#[cfg(test)]
mod tests {
    use super::render_statement;
    use crate::fixture;

    /// A German customer's statement is German throughout: its words, its dates and its
    /// money as on their invoices, and it says so (`lang`).
    #[test]
    fn a_german_customers_statement_is_in_german() {
        let html = render_statement(&fixture::statement("de"));
        for needle in [
            r#"<html lang="de">"#,
            "<title>Kontoauszug cus_de_01 01.10.2026 – 31.10.2026</title>",
            "<h1>Kontoauszug</h1>",
            r#"<p class="period">01.10.2026 – 31.10.2026</p>"#,
            r#"<p class="caption">Kunde</p>"#,
            "Deutschland<br>",
            r#"<span class="muted">Kundennummer cus_de_01</span>"#,
            r#"<th scope="col">Datum</th><th scope="col">Vorgang</th><th scope="col">Details</th><th scope="col" class="num">Berechnet</th><th scope="col" class="num">Gezahlt</th>"#,
            "<tr><td>01.10.2026</td><td>Saldovortrag</td><td class=\"muted\"></td><td class=\"num\" data-label=\"Berechnet\">10,00\u{a0}€</td>",
            "<tr><td>05.10.2026</td><td>Rechnung KL-INV-2026-000017</td><td class=\"muted\">Pro plan (monthly)</td><td class=\"num\" data-label=\"Berechnet\">1.234,50\u{a0}€</td>",
            "<td>Zahlung KL-INV-2026-000017</td><td class=\"muted\">Visa mit Endziffern 4242 · Zahlungs-ID pi_3QKx1017</td><td class=\"num\" data-label=\"Berechnet\"></td><td class=\"num\" data-label=\"Gezahlt\">1.244,50\u{a0}€</td>",
            "<td>26.10.2026</td><td>Rechnungskorrektur KL-CN-2026-000002</td><td class=\"muted\">Korrigiert Rechnung Nr. KL-INV-2026-000017 vom 05.10.2026</td><td class=\"num\" data-label=\"Berechnet\">-25,00\u{a0}€</td>",
            "<td>Erstattung KL-CN-2026-000002</td>",
            "<td>28.10.2026</td><td>Doppelte Abbuchung du_1020</td><td class=\"muted\">Doppelte Abbuchung zu ch_1019</td>",
            "<tr><td>Saldo 25,00\u{a0}€ zu Ihren Gunsten: bezahlt, aber nicht in Rechnung gestellt; wird erstattet</td><td class=\"num\">25,00\u{a0}€</td></tr>",
        ] {
            assert!(html.contains(needle), "missing {needle:?} in {html}");
        }
        // No English word is left (the description is the invoice line's, as invoiced).
        for english in ["Statement", "Customer", ">Date<", ">Item<", "Charged", ">Paid<", "Balance", "Payment ", "Refund", "Duplicate", "favour", "ending in", "EUR"] {
            assert!(!html.contains(english), "{english:?} in {html}");
        }
    }

    #[test]
    fn an_estonian_customers_statement_is_in_estonian() {
        let mut s = fixture::statement("et");
        s.with_payment_history = false;
        let html = render_statement(&s);
        for needle in [
            r#"<html lang="et">"#,
            "<h1>Kontoväljavõte</h1>",
            r#"<p class="period">01.10.2026 – 31.10.2026</p>"#,
            "<td>Algsaldo</td>",
            "<td>Kreeditarve KL-CN-2026-000002</td><td class=\"muted\">Krediteerib 05.10.2026 väljastatud arvet nr KL-INV-2026-000017</td>",
            "<td>Makse KL-INV-2026-000017</td><td class=\"muted\">Visa, viimased numbrid 4242 · Makse ID pi_3QKx1017</td>",
            "1\u{a0}244,50\u{a0}€",
            "Saldo 25,00\u{a0}€ Teie kasuks: tasutud, kuid arvet esitamata; tagastatakse",
            "<p class=\"muted\">Koostatud ainult väljastatud dokumentide põhjal: topeltmakseid ja nende tagastusi ei kuvata.</p>",
        ] {
            assert!(html.contains(needle), "missing {needle:?} in {html}");
        }
    }

    /// A customer whose language has no translation reads English, declared English.
    #[test]
    fn without_a_translation_the_statement_is_english_and_says_so() {
        let html = render_statement(&fixture::statement("ja"));
        for needle in [
            r#"<html lang="en">"#,
            "<h1>Statement</h1>",
            r#"<p class="period">1 October 2026 – 31 October 2026</p>"#,
            "<td>Balance brought forward</td>",
            "<td>Payment KL-INV-2026-000017</td><td class=\"muted\">Visa ending in 4242 · Payment ID pi_3QKx1017</td>",
            "<td class=\"muted\">Credits invoice KL-INV-2026-000017 of 5 October 2026</td>",
            "<td class=\"muted\">Duplicate of ch_1019</td>",
            "<td>Balance €25.00 in your favour: paid but not invoiced, to be refunded</td><td class=\"num\">€25.00</td>",
        ] {
            assert!(html.contains(needle), "missing {needle:?} in {html}");
        }
    }
}
