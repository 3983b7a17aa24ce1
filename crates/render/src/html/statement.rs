//! A customer statement as HTML: the same askama machinery and look as the documents
//! (`templates/statement.html`), every text escaped by askama.

use askama::Template;

use domain::statement::{Statement, amount, balance_text};

#[derive(Template)]
#[template(path = "statement.html")]
struct View<'a> {
    seller_name: &'a str,
    seller_lines: Vec<&'a str>,
    customer_name: &'a str,
    customer_lines: Vec<String>,
    customer_id: &'a str,
    from: String,
    to: String,
    documents_only: bool,
    rows: Vec<[String; 5]>,
    balances: Vec<(String, String)>,
}

/// Renders `s` as one self-contained HTML file. Pure.
pub fn render_statement(s: &Statement) -> String {
    let a = &s.customer.address;
    let customer_lines = [a.line1.clone(), a.line2.clone(), format!("{} {}", a.postal_code, a.city), a.country.to_string()]
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let rows = s
        .entries
        .iter()
        .map(|e| {
            let opt = |d: Option<rust_decimal::Decimal>| d.map(|d| format!("{} {}", amount(&e.currency, d), e.currency)).unwrap_or_default();
            [e.date.to_string(), format!("{} {}", e.kind.label(), e.reference), e.detail.clone(), opt(e.charged), opt(e.paid)]
        })
        .collect();
    let balances = s.balances.iter().map(|b| (balance_text(b), format!("{} {}", amount(&b.currency, b.balance), b.currency))).collect();
    View {
        seller_name: &s.seller.name,
        seller_lines: s.seller.tax_id.iter().chain(s.seller.email.iter()).map(String::as_str).collect(),
        customer_name: &s.customer.name,
        customer_lines,
        customer_id: &s.customer_id,
        from: s.from.to_string(),
        to: s.to.to_string(),
        documents_only: !s.with_payment_history,
        rows,
        balances,
    }
    .render()
    .expect("the template renders")
}
