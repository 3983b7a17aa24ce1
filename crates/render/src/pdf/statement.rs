//! A customer statement as PDF, with the invoice's type, page geometry, primitives and
//! writer (tagged: the statement's lines are a table, the balances a second one).
//!
//! Statements are in English: they are support's answer to one customer, written on
//! request, not issued documents.

use super::file::About;
use super::tags::Part;
use super::{
    BAND, BODY, BOTTOM, Block, CAPS, DOC_NUMBER, FOOTER, FOOTER_BASELINE, FOOTER_RULE, HAIRLINE, INK, Item, LABEL, LEFT, NAME,
    PAD, RIGHT, SECONDARY, SELLER_NAME, TABLE_HEAD, TITLE, TOP, TOTAL, fit, left, printable, right, width, wrap,
};
use domain::statement::{Statement, amount, balance_text};

const ROW_H: f32 = 17.0;
/// The distance between the lines of a wrapped detail.
const DETAIL_LINE: f32 = 10.5;
/// The detail's column: the cell a wrapped detail's further lines belong to.
const DETAIL_CELL: usize = 2;
const HEAD_H: f32 = 20.0;

/// The columns: date, item, detail (left), charged, paid (right edges).
struct Columns {
    date_x: f32,
    item_x: f32,
    detail_x: f32,
    detail_w: f32,
    charged_r: f32,
    paid_r: f32,
}

fn columns() -> Columns {
    let paid_r = RIGHT - PAD;
    let charged_r = paid_r - 80.0;
    let date_x = LEFT + PAD;
    let item_x = date_x + 62.0;
    let detail_x = item_x + 150.0;
    Columns { date_x, item_x, detail_x, detail_w: charged_r - 70.0 - detail_x, charged_r, paid_r }
}

fn header(s: &Statement) -> Block {
    let mut items = vec![
        left(LEFT, -17.5, "Statement", TITLE),
        left(LEFT, -36.0, &format!("{} – {}", s.from, s.to), DOC_NUMBER),
    ];
    let mut y = -7.5;
    for part in wrap(&s.seller.name, SELLER_NAME, 220.0) {
        items.push(right(RIGHT, y, &part, SELLER_NAME));
        y -= 13.0;
    }
    for line in s.seller.tax_id.iter().chain(s.seller.email.iter()) {
        items.push(right(RIGHT, y, line, SECONDARY));
        y -= 11.5;
    }
    let rule_y = (y + 11.5 - 3.0).min(-40.0) - 16.0;
    items.push(Item::Rule { x1: LEFT, x2: RIGHT, y: rule_y, thickness: 0.5, color: HAIRLINE });
    let mut y = rule_y - 22.0;
    items.push(left(LEFT, y, "CUSTOMER", CAPS));
    y -= 15.0;
    items.push(left(LEFT, y, &s.customer.name, NAME));
    y -= 13.5;
    let a = &s.customer.address;
    for line in [a.line1.as_str(), a.line2.as_str(), &format!("{} {}", a.postal_code, a.city), a.country.as_str()] {
        if !line.trim().is_empty() {
            items.push(left(LEFT, y, line, BODY));
            y -= 12.0;
        }
    }
    let id = format!("Customer ID {}", s.customer_id);
    items.push(left(LEFT, y, &id, LABEL));
    y -= 12.0;
    if !s.with_payment_history {
        items.push(left(LEFT, y, "From issued documents only: duplicate charges and their refunds are not shown.", LABEL));
        y -= 12.0;
    }
    Block { items, height: -y + 10.0 }
}

fn table_header(c: &Columns) -> Block {
    let y = -12.8;
    Block {
        items: vec![
            Item::Band { x: LEFT, y: -HEAD_H, w: RIGHT - LEFT, h: HEAD_H, color: BAND },
            Item::Rule { x1: LEFT, x2: RIGHT, y: -HEAD_H, thickness: 0.6, color: INK },
            left(c.date_x, y, "Date", TABLE_HEAD),
            left(c.item_x, y, "Item", TABLE_HEAD),
            left(c.detail_x, y, "Detail", TABLE_HEAD),
            right(c.charged_r, y, "Charged", TABLE_HEAD),
            right(c.paid_r, y, "Paid", TABLE_HEAD),
        ],
        height: HEAD_H,
    }
}

/// Renders `s` as an A4 PDF. Pure: the same statement gives the same bytes.
pub fn render_statement(s: &Statement) -> Vec<u8> {
    let c = columns();
    let mut pages: Vec<Vec<(Item, Part)>> = Vec::new();
    let mut page: Vec<(Item, Part)> = Vec::new();
    let mut y = TOP;
    let place = |page: &mut Vec<(Item, Part)>, y: &mut f32, block: Block, part: Part| {
        let top = *y;
        page.extend(block.items.into_iter().map(|i| (i.shifted(top), part)));
        *y -= block.height;
    };
    place(&mut page, &mut y, header(s), Part::Header);
    place(&mut page, &mut y, table_header(&c), Part::TableHeader { repeated: false });
    for (n, e) in s.entries.iter().enumerate() {
        let opt = |d: Option<rust_decimal::Decimal>| d.map(|d| format!("{} {}", amount(&e.currency, d), e.currency)).unwrap_or_default();
        let baseline = -11.5;
        // The detail names documents and payment ids the customer looks for: wrapped, never
        // cut short.
        let detail = wrap(&e.detail, LABEL, c.detail_w);
        let height = ROW_H + DETAIL_LINE * (detail.len() - 1) as f32;
        if y - height < BOTTOM {
            pages.push(std::mem::take(&mut page));
            y = TOP;
            place(&mut page, &mut y, table_header(&c), Part::TableHeader { repeated: true });
        }
        // Five texts in column order: the table's five cells (an empty one stays a cell);
        // then the detail's further lines, in its cell.
        let mut items = vec![
            left(c.date_x, baseline, &e.date.to_string(), BODY),
            left(c.item_x, baseline, &fit(&format!("{} {}", e.kind.label(), e.reference), BODY, c.detail_x - c.item_x - 8.0), BODY),
            left(c.detail_x, baseline, &detail[0], LABEL),
            right(c.charged_r, baseline, &opt(e.charged), BODY),
            right(c.paid_r, baseline, &opt(e.paid), BODY),
        ];
        for (i, line) in detail.iter().enumerate().skip(1) {
            items.push(left(c.detail_x, baseline - DETAIL_LINE * i as f32, line, LABEL));
        }
        items.push(Item::Rule { x1: LEFT, x2: RIGHT, y: -height + 1.0, thickness: 0.4, color: HAIRLINE });
        place(&mut page, &mut y, Block { items, height }, Part::Row(n, DETAIL_CELL));
    }
    let totals_h = 20.0 + 18.0 * s.balances.len() as f32;
    if y - totals_h < BOTTOM {
        pages.push(std::mem::take(&mut page));
        y = TOP;
    }
    let mut items = Vec::new();
    let mut ty = -20.0;
    for b in &s.balances {
        let label = balance_text(b);
        items.push(left(LEFT, ty, &fit(&label, TOTAL, RIGHT - LEFT - 120.0), TOTAL));
        items.push(right(RIGHT - PAD, ty, &format!("{} {}", amount(&b.currency, b.balance), b.currency), TOTAL));
        ty -= 18.0;
    }
    place(&mut page, &mut y, Block { items, height: totals_h }, Part::Totals);
    pages.push(page);
    let count = pages.len();
    for (i, items) in pages.iter_mut().enumerate() {
        let page_of = format!("Page {} of {count}", i + 1);
        let page_w = width(&printable(&page_of, FOOTER.weight), FOOTER);
        let ident = fit(&format!("{}  ·  statement for {}", s.seller.name, s.customer_id), FOOTER, RIGHT - LEFT - page_w - 24.0);
        items.extend(
            [
                Item::Rule { x1: LEFT, x2: RIGHT, y: FOOTER_RULE, thickness: 0.5, color: HAIRLINE },
                left(LEFT, FOOTER_BASELINE, &ident, FOOTER),
                right(RIGHT, FOOTER_BASELINE, &page_of, FOOTER),
            ]
            .into_iter()
            .map(|item| (item, Part::Footer)),
        );
    }
    let title = format!("Statement {} {} – {}", s.customer_id, s.from, s.to);
    let about = About { subject: format!("{title} — {}", s.customer.name), title, author: &s.seller.name, language: "en", date: s.to };
    super::write_pages(&pages, &about, None, None, None, None)
}
