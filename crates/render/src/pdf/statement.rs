//! A customer statement as PDF, with the invoice's type, page geometry, primitives and
//! writer (tagged: the statement's lines are a table, the balances a second one).
//!
//! Statements are in the customer's language, as their documents are; the words and formats
//! come from [`crate::text::statement`], shared with the HTML.

use super::file::About;
use super::tags::Part;
use super::{
    BAND, BODY, BOTTOM, Block, CAPS, DOC_NUMBER, FOOTER, FOOTER_BASELINE, FOOTER_RULE, HAIRLINE, INK, Item, LABEL, LEFT, NAME,
    PAD, RIGHT, SECONDARY, SELLER_NAME, TABLE_HEAD, TITLE, TOP, TOTAL, fit, left, printable, right, width, wrap,
};
use crate::text::{self, statement as words};
use domain::statement::Statement;

const ROW_H: f32 = 17.0;
/// The distance between the lines of a wrapped detail.
const DETAIL_LINE: f32 = 10.5;
/// The item's and the detail's columns: the cells wrapped lines belong to.
const ITEM_CELL: usize = 1;
const DETAIL_CELL: usize = 2;
const HEAD_H: f32 = 20.0;

/// The space between two columns.
const GAP: f32 = 12.0;
/// The narrowest the detail column gets before the item column wraps too.
const DETAIL_MIN: f32 = 110.0;
/// The narrowest an amount column gets.
const AMOUNT_MIN: f32 = 40.0;

/// The columns: date, item, detail (left), charged, paid (right edges).
struct Columns {
    date_x: f32,
    item_x: f32,
    item_w: f32,
    detail_x: f32,
    detail_w: f32,
    charged_r: f32,
    paid_r: f32,
}

/// The columns as wide as what they hold in this statement's language (a date is
/// `05.10.2026` in German, `14 Οκτωβρίου 2026` in Greek; an amount `-1.234,56 €`); the
/// detail, which wraps, takes what is left. The item (what a line is, and its number) is on
/// one line where the detail keeps [`DETAIL_MIN`], else it wraps between words: a document
/// number is never cut short.
fn columns(s: &Statement) -> Columns {
    let widest = |texts: &mut dyn Iterator<Item = String>, st: super::Style| texts.map(|t| width(&printable(&t, st.weight), st)).fold(0.0f32, f32::max);
    let [date, item, _, charged, paid] = words::headings(s).map(|h| width(&printable(h, TABLE_HEAD.weight), TABLE_HEAD));
    let date_w = date.max(widest(&mut s.entries.iter().map(|e| words::date(s, e.date)), BODY));
    let items: Vec<String> = s.entries.iter().map(|e| words::item(s, e)).collect();
    let item_w = item.max(widest(&mut items.iter().cloned(), BODY));
    let word_w = widest(&mut items.iter().flat_map(|i| i.split(' ').map(str::to_string).collect::<Vec<_>>()), BODY);
    let charged_w = charged.max(widest(&mut s.entries.iter().map(|e| words::amounts(s, e)[0].clone()), BODY)).max(AMOUNT_MIN);
    let paid_w = paid.max(widest(&mut s.entries.iter().map(|e| words::amounts(s, e)[1].clone()), BODY)).max(AMOUNT_MIN);
    let paid_r = RIGHT - PAD;
    let charged_r = paid_r - paid_w - GAP;
    let date_x = LEFT + PAD;
    let item_x = date_x + date_w + GAP;
    let detail_r = charged_r - charged_w - GAP;
    let item_w = item_w.min(detail_r - item_x - GAP - DETAIL_MIN).max(word_w);
    let detail_x = item_x + item_w + GAP;
    Columns { date_x, item_x, item_w, detail_x, detail_w: detail_r - detail_x, charged_r, paid_r }
}

fn header(s: &Statement) -> Block {
    let mut items = vec![
        left(LEFT, -17.5, words::title(s), TITLE),
        left(LEFT, -36.0, &words::period(s), DOC_NUMBER),
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
    items.push(left(LEFT, y, &text::caps_in(&s.language, words::customer_heading(s)), CAPS));
    y -= 15.0;
    items.push(left(LEFT, y, &s.customer.name, NAME));
    y -= 13.5;
    for line in words::customer_lines(s) {
        items.push(left(LEFT, y, &line, BODY));
        y -= 12.0;
    }
    items.push(left(LEFT, y, &words::customer_id(s), LABEL));
    y -= 12.0;
    if let Some(note) = words::documents_only(s) {
        for line in wrap(note, LABEL, RIGHT - LEFT) {
            items.push(left(LEFT, y, &line, LABEL));
            y -= 12.0;
        }
    }
    Block { items, height: -y + 10.0 }
}

fn table_header(s: &Statement, c: &Columns) -> Block {
    let y = -12.8;
    let [date, item, detail, charged, paid] = words::headings(s);
    Block {
        items: vec![
            Item::Band { x: LEFT, y: -HEAD_H, w: RIGHT - LEFT, h: HEAD_H, color: BAND },
            Item::Rule { x1: LEFT, x2: RIGHT, y: -HEAD_H, thickness: 0.6, color: INK },
            left(c.date_x, y, date, TABLE_HEAD),
            left(c.item_x, y, item, TABLE_HEAD),
            left(c.detail_x, y, &fit(detail, TABLE_HEAD, c.detail_w), TABLE_HEAD),
            right(c.charged_r, y, charged, TABLE_HEAD),
            right(c.paid_r, y, paid, TABLE_HEAD),
        ],
        height: HEAD_H,
    }
}

/// Renders `s` as an A4 PDF. Pure: the same statement gives the same bytes. A customer
/// named in Chinese, Japanese or Korean is set in the configured CJK font's face for the
/// statement's language, as their documents are.
pub fn render_statement(s: &Statement) -> Vec<u8> {
    super::fonts::with_cjk(super::cjk_for_record(&s.language, s), || write_statement(s))
}

/// [`render_statement`] with this thread's faces chosen.
fn write_statement(s: &Statement) -> Vec<u8> {
    let c = columns(s);
    let mut pages: Vec<Vec<(Item, Part)>> = Vec::new();
    let mut page: Vec<(Item, Part)> = Vec::new();
    let mut y = TOP;
    let place = |page: &mut Vec<(Item, Part)>, y: &mut f32, block: Block, part: Part| {
        let top = *y;
        page.extend(block.items.into_iter().map(|i| (i.shifted(top), part)));
        *y -= block.height;
    };
    place(&mut page, &mut y, header(s), Part::Header);
    place(&mut page, &mut y, table_header(s, &c), Part::TableHeader { repeated: false });
    for (n, e) in s.entries.iter().enumerate() {
        let [charged, paid] = words::amounts(s, e);
        let baseline = -11.5;
        // The detail names documents and payment ids the customer looks for: wrapped, never
        // cut short.
        let detail = wrap(&words::detail(s, e), LABEL, c.detail_w);
        let item = wrap(&words::item(s, e), BODY, c.item_w);
        let height = ROW_H + DETAIL_LINE * (detail.len().max(item.len()) - 1) as f32;
        if y - height < BOTTOM {
            pages.push(std::mem::take(&mut page));
            y = TOP;
            place(&mut page, &mut y, table_header(s, &c), Part::TableHeader { repeated: true });
        }
        // Five texts in column order: the table's five cells (an empty one stays a cell);
        // then the detail's further lines, in its cell; then the item's, in its.
        let mut items = vec![
            left(c.date_x, baseline, &words::date(s, e.date), BODY),
            left(c.item_x, baseline, &item[0], BODY),
            left(c.detail_x, baseline, &detail[0], LABEL),
            right(c.charged_r, baseline, &charged, BODY),
            right(c.paid_r, baseline, &paid, BODY),
        ];
        for (i, line) in detail.iter().enumerate().skip(1) {
            items.push(left(c.detail_x, baseline - DETAIL_LINE * i as f32, line, LABEL));
        }
        items.push(Item::Rule { x1: LEFT, x2: RIGHT, y: -height + 1.0, thickness: 0.4, color: HAIRLINE });
        place(&mut page, &mut y, Block { items, height: 0.0 }, Part::Row(n, DETAIL_CELL));
        let more = item.iter().enumerate().skip(1).map(|(i, line)| left(c.item_x, baseline - DETAIL_LINE * i as f32, line, BODY)).collect();
        place(&mut page, &mut y, Block { items: more, height }, Part::RowMore(n, ITEM_CELL));
    }
    // A balance's words wrap beside its amount, never cut short.
    let balances: Vec<(Vec<String>, String)> = s
        .balances
        .iter()
        .map(|b| {
            let (label, value) = words::balance(s, b);
            let value_w = width(&printable(&value, TOTAL.weight), TOTAL);
            (wrap(&label, TOTAL, RIGHT - PAD - value_w - GAP * 2.0 - LEFT), value)
        })
        .collect();
    let totals_h = 20.0 + balances.iter().map(|(lines, _)| 4.0 + 14.0 * lines.len() as f32).sum::<f32>();
    if y - totals_h < BOTTOM {
        pages.push(std::mem::take(&mut page));
        y = TOP;
    }
    y -= 20.0;
    for (lines, value) in &balances {
        // The label, then the amount: a row of the totals table; then the label's further
        // lines, in its cell.
        let row = vec![left(LEFT, 0.0, &lines[0], TOTAL), right(RIGHT - PAD, 0.0, value, TOTAL)];
        place(&mut page, &mut y, Block { items: row, height: 14.0 }, Part::Totals);
        let more: Vec<Item> = lines.iter().enumerate().skip(1).map(|(i, line)| left(LEFT, -14.0 * (i - 1) as f32, line, TOTAL)).collect();
        place(&mut page, &mut y, Block { items: more, height: 14.0 * (lines.len() - 1) as f32 + 4.0 }, Part::TotalsMore);
    }
    pages.push(page);
    let count = pages.len();
    for (i, items) in pages.iter_mut().enumerate() {
        let page_of = words::page_of(s, i + 1, count);
        let page_w = width(&printable(&page_of, FOOTER.weight), FOOTER);
        let ident = fit(&format!("{}  ·  {}", s.seller.name, words::footer(s)), FOOTER, RIGHT - LEFT - page_w - 24.0);
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
    let title = format!("{} {} {}", words::title(s), s.customer_id, words::period(s));
    let about = About { subject: format!("{title} — {}", s.customer.name), title, author: &s.seller.name, language: words::language(s), date: s.to };
    super::write_pages(&pages, &about, None, None, None, None)
}
