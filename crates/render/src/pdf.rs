//! PDF rendering: an A4 invoice or credit note, laid out and drawn here, written with typst's
//! `pdf-writer`.
//!
//! Four passes: `layout` measures every text with the font's own advance widths (nothing is
//! shaped or kerned, so the sum of advances is exact), wraps what is too wide and places
//! blocks on pages, each item with the part of the document it belongs to, so the page count
//! is known, and adds each page's footer with "Page N of M"; the document's glyphs are
//! collected into font subsets (`fonts`); the parts become the structure tree (`tags`);
//! then `draw` writes each page's content stream, every run of text marked as the structure
//! element (or artifact) it belongs to and already encoded for the subsets, and `file`
//! writes the objects.
//!
//! The plain PDF and the Factur-X PDF/A-3 are one writer (`write`): Factur-X only adds
//! objects and metadata, in the same pass.
//!
//! Rendering is a pure function of the document: fonts under fixed names, dates from the
//! document's issue date, object numbers in writing order, and the trailer `/ID` derived from
//! the file's own bytes, so the same document always gives the same bytes, alone or inside a
//! batch. The fonts, the logo and Factur-X's attachment are deflated at the fast level (the
//! font streams are cached); the pages' content streams and the XMP metadata are not.
//!
//! Every word and number printed comes from [`super::text`], as in the HTML.

mod brand;
mod file;
mod fonts;
#[cfg(test)]
pub(super) mod read;
mod statement;
mod tags;

use pdf_writer::Name;


pub(super) use file::{Archival, Attachment};
pub use fonts::{FontError, load_cjk_font};
pub use statement::render_statement;
use fonts::{GlyphUse, Subsets, Weight, cjk_faces, face, shipped_face, with_cjk};
use tags::{Artifact, Mark, Part, Structure};

use super::text;
use domain::document::{Document, DocumentLine};

// ---------------------------------------------------------------------------------------------
// Page geometry, in points from the bottom-left corner.

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
/// 20 mm side margins.
const LEFT: f32 = 20.0 * MM;
const RIGHT: f32 = PAGE_W - 20.0 * MM;
/// 18 mm top margin: the top of the first line's capitals.
const TOP: f32 = PAGE_H - 18.0 * MM;
/// Body content never goes below this; the footer lives underneath.
const BOTTOM: f32 = 25.0 * MM;
const FOOTER_RULE: f32 = 18.0 * MM;
const FOOTER_BASELINE: f32 = 13.5 * MM;
/// Horizontal inset of table cells from the table's edges.
const PAD: f32 = 6.0;

// ---------------------------------------------------------------------------------------------
// Colours: one ink-blue accent (title, labels, strong rules), near-black text, grey for what
// is secondary.

type Rgb3 = (f32, f32, f32);
const INK: Rgb3 = (0.106, 0.196, 0.345);
const TEXT: Rgb3 = (0.10, 0.11, 0.13);
const MUTED: Rgb3 = (0.42, 0.45, 0.50);
const HAIRLINE: Rgb3 = (0.84, 0.86, 0.89);
const BAND: Rgb3 = (0.945, 0.955, 0.97);

// ---------------------------------------------------------------------------------------------
// Type styles.

#[derive(Clone, Copy, PartialEq, Debug)]
struct Style {
    weight: Weight,
    size: f32,
    color: Rgb3,
    /// Extra space after each character (PDF `Tc`), for the small capital labels.
    tracking: f32,
}

const fn style(weight: Weight, size: f32, color: Rgb3) -> Style {
    Style { weight, size, color, tracking: 0.0 }
}

const TITLE: Style = style(Weight::Bold, 24.0, INK);
const DOC_NUMBER: Style = style(Weight::Regular, 11.0, MUTED);
const SELLER_NAME: Style = style(Weight::Bold, 10.0, TEXT);
const SECONDARY: Style = style(Weight::Regular, 8.5, MUTED);
const CAPS: Style = Style { weight: Weight::Bold, size: 6.8, color: INK, tracking: 0.7 };
const NAME: Style = style(Weight::Bold, 10.5, TEXT);
const BODY: Style = style(Weight::Regular, 9.0, TEXT);
const LABEL: Style = style(Weight::Regular, 8.5, MUTED);
const TABLE_HEAD: Style = style(Weight::Bold, 7.8, INK);
const LINE_NOTE: Style = style(Weight::Regular, 7.5, MUTED);
const TOTAL: Style = style(Weight::Bold, 11.0, TEXT);
const DUE: Style = style(Weight::Bold, 9.0, TEXT);
const PARAGRAPH: Style = style(Weight::Regular, 8.5, TEXT);
const LEGEND: Style = style(Weight::Regular, 8.5, MUTED);
const CONTINUED: Style = style(Weight::Bold, 9.5, INK);
const FOOTER: Style = style(Weight::Regular, 7.2, MUTED);

/// The characters of `texts`, the text of one document in `language`, that no configured
/// font can draw, in order of first appearance: those the shipped fonts lack, or, when a CJK
/// font is loaded and they lack any (the document is then set in it, see `cjk_for`), those
/// the CJK face for `language` lacks. Issuing refuses text with such characters where it
/// enters (there is no glyph fallback: they would print as empty boxes or '?'); see
/// `fonts/README.md` for adding a font that covers them.
pub fn unsupported_characters<'a>(language: &str, texts: impl Iterator<Item = &'a str> + Clone) -> Vec<char> {
    let missing = missing_in_texts(texts.clone(), shipped_face(Weight::Regular));
    match cjk_faces(language) {
        Some(cjk) if !missing.is_empty() => missing_in_texts(texts, &cjk[Weight::Regular as usize]),
        _ => missing,
    }
}

/// The characters of `doc` (its record and its language's words) no configured font covers:
/// what its PDF would print as `?`. None for a document `issue` lets through, whose texts
/// were checked as input; a document made otherwise (a correction's new details, a record
/// rendered with other fonts than it was issued with) is checked with this.
pub fn uncovered(doc: &Document) -> Vec<char> {
    let record = serde_json::to_string(doc).expect("documents serialise");
    let words = locale::texts(&doc.language).words.iter().map(|(_, w)| w.as_str());
    unsupported_characters(&doc.language, std::iter::once(record.as_str()).chain(words))
}

/// The characters of `texts` the shipped fonts lack, in order of first appearance: none
/// means a document of these texts is set in them.
pub fn missing_in_shipped_fonts<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<char> {
    missing_in_texts(texts, shipped_face(Weight::Regular))
}

/// The CJK faces `doc` is set in, if it is: it has characters the shipped fonts lack (a
/// customer writing in Chinese, Japanese or Korean, or a translation read at run time in
/// their script) and a CJK font is loaded. The whole document is then set in it (Noto Sans
/// CJK covers Latin, Greek and Cyrillic too), so one document has one typeface: the face
/// for its language's region when the font is a collection of regional faces (门 in the
/// forms of mainland China for `zh`, of Japan for `ja`; see `fonts::Region`), else the
/// configured one. The record alone decides.
fn cjk_for(doc: &Document) -> Option<&'static [fonts::Face; 2]> {
    cjk_for_record(&doc.language, doc)
}

/// The CJK faces a record in `language` is set in, where the configuration has them and the
/// shipped fonts lack a character of the record (its JSON: every text of it is one of its
/// strings) or of the language's words: a document's, a statement's. Without a CJK font
/// (the usual case) the record is not serialised: this runs for every document rendered.
fn cjk_for_record(language: &str, record: &impl serde::Serialize) -> Option<&'static [fonts::Face; 2]> {
    let cjk = cjk_faces(language)?;
    let record = serde_json::to_string(record).expect("records serialise");
    (!missing_in_texts(std::iter::once(record.as_str()), shipped_face(Weight::Regular)).is_empty() || !shipped_fonts_cover_language(language)).then_some(cjk)
}

/// Whether the shipped fonts cover every word of `language`'s translation; asked once per
/// language and process (translations are read once, before anything is rendered).
fn shipped_fonts_cover_language(language: &str) -> bool {
    static COVERED: std::sync::Mutex<std::collections::BTreeMap<String, bool>> = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let mut covered = COVERED.lock().unwrap_or_else(|e| e.into_inner());
    *covered.entry(language.to_string()).or_insert_with(|| {
        let words = &locale::texts(language).words;
        missing_in_texts(words.iter().map(|(_, w)| w.as_str()), shipped_face(Weight::Regular)).is_empty()
    })
}

/// The characters of `texts` that `f` cannot draw, in order of first appearance.
fn missing_in_texts<'a>(texts: impl Iterator<Item = &'a str>, f: &fonts::Face) -> Vec<char> {
    let mut out = Vec::new();
    for c in texts.flat_map(str::chars) {
        if !c.is_ascii() && !c.is_whitespace() && !c.is_control() && !f.covers(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The text as the font can show it: characters it lacks become '?' (a PDF viewer would draw an
/// empty box that also vanishes from text extraction), control characters a space.
fn printable(s: &str, w: Weight) -> String {
    let f = face(w);
    s.chars()
        .map(|c| {
            if f.covers(c) {
                c
            } else if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                '?'
            }
        })
        .collect()
}

/// Width of already printable text in `st`.
fn width(s: &str, st: Style) -> f32 {
    let w = face(st.weight).width(s, st.size);
    if st.tracking == 0.0 { w } else { w + st.tracking * s.chars().count().saturating_sub(1) as f32 }
}

/// Greedy word wrap of `s` (made printable) to `max` points; words longer than a line are
/// broken between characters. Always returns at least one line.
fn wrap(s: &str, st: Style, max: f32) -> Vec<String> {
    let s = printable(s, st.weight);
    let space = width(" ", st);
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let word_w = width(word, st);
            if line.is_empty() && word_w <= max {
                line.push_str(word);
                line_w = word_w;
            } else if !line.is_empty() && line_w + space + word_w <= max {
                line.push(' ');
                line.push_str(word);
                line_w += space + word_w;
            } else {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if word_w <= max {
                    line.push_str(word);
                    line_w = word_w;
                } else {
                    for ch in word.chars() {
                        let ch_w = width(ch.encode_utf8(&mut [0; 4]), st);
                        if !line.is_empty() && line_w + ch_w > max {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        line.push(ch);
                        line_w += ch_w;
                    }
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Shortens `s` with an ellipsis until it fits `max` points (for the one-line footer).
fn fit(s: &str, st: Style, max: f32) -> String {
    let mut s = printable(s, st.weight);
    if width(&s, st) <= max {
        return s;
    }
    while !s.is_empty() && width(&s, st) + width("…", st) > max {
        s.pop();
    }
    s.push('…');
    s
}

// ---------------------------------------------------------------------------------------------
// What is drawn: positioned primitives.

#[derive(Clone, Debug)]
enum Item {
    /// `x` is the left edge of the text, `y` its baseline.
    Text { x: f32, y: f32, s: String, st: Style },
    Rule { x1: f32, x2: f32, y: f32, thickness: f32, color: Rgb3 },
    /// A filled rectangle from its bottom-left corner.
    Band { x: f32, y: f32, w: f32, h: f32, color: Rgb3 },
    /// The seller's logo (the file's one XObject), from its bottom-left corner.
    Logo { x: f32, y: f32, w: f32, h: f32 },
    /// A QR code's dark modules, `module` points wide, its bottom-left corner (without the
    /// quiet zone) at `x, y`.
    Qr { x: f32, y: f32, module: f32, matrix: std::sync::Arc<crate::qr::Matrix> },
}

impl Item {
    fn shifted(mut self, dy: f32) -> Item {
        match &mut self {
            Item::Text { y, .. } | Item::Rule { y, .. } | Item::Band { y, .. } | Item::Logo { y, .. } | Item::Qr { y, .. } => *y += dy,
        }
        self
    }
}

/// Left-aligned text at `x`.
fn left(x: f32, y: f32, s: &str, st: Style) -> Item {
    Item::Text { x, y, s: printable(s, st.weight), st }
}

/// Right-aligned text ending at `x`.
fn right(x: f32, y: f32, s: &str, st: Style) -> Item {
    let s = printable(s, st.weight);
    Item::Text { x: x - width(&s, st), y, s, st }
}

/// A label and its value on one line: `VAT ID EE102345676`, label in grey.
fn labelled(items: &mut Vec<Item>, x: f32, y: f32, label: &str, value: &str) {
    let label = format!("{label} ");
    let label_w = width(&printable(&label, LABEL.weight), LABEL);
    items.push(left(x, y, &label, LABEL));
    items.push(left(x + label_w, y, value, BODY));
}

/// A vertical run of items laid out from y = 0 downwards, `height` tall.
#[derive(Default)]
struct Block {
    items: Vec<Item>,
    height: f32,
}

// ---------------------------------------------------------------------------------------------
// Layout: the blocks of a document.

/// The line table's columns, sized to the document's widest numbers.
struct Columns {
    desc_x: f32,
    desc_w: f32,
    qty_r: f32,
    unit_r: f32,
    vat_r: f32,
    amount_r: f32,
    /// The numbers' style: body text, smaller only if extreme amounts would not fit.
    num: Style,
}

impl Columns {
    fn new(doc: &Document) -> Columns {
        let l = text::labels(&doc.language);
        const GAP: f32 = 14.0;
        const MIN_DESC: f32 = 170.0;
        let mut num = BODY;
        let cell = |s: &str, num: Style| width(&printable(s, num.weight), num);
        let head = |s: &str| width(&printable(s, TABLE_HEAD.weight), TABLE_HEAD);
        let (unit_price, amount) = text::price_headings(doc);
        let measure = |num: Style| {
            // Minimum widths keep the table's rhythm steady across documents.
            let mut w = [head(&l.quantity).max(20.0), head(&unit_price).max(44.0), head(text::tax_name(doc)).max(26.0), head(&amount).max(48.0)];
            for line in &doc.lines {
                w[0] = w[0].max(cell(&text::quantity(doc, line.quantity), num));
                w[1] = w[1].max(cell(&text::line_unit_price(doc, line), num));
                w[2] = w[2].max(cell(&text::line_tax(doc, line), num));
                w[3] = w[3].max(cell(&text::line_amount(doc, line), num));
            }
            w
        };
        let mut w = measure(num);
        let numbers = |w: &[f32; 4]| w.iter().sum::<f32>() + 3.0 * GAP + 20.0;
        let available = RIGHT - LEFT - 2.0 * PAD - MIN_DESC;
        if numbers(&w) > available {
            num.size *= available / numbers(&w);
            w = measure(num);
        }
        let amount_r = RIGHT - PAD;
        let vat_r = amount_r - w[3] - GAP;
        let unit_r = vat_r - w[2] - GAP;
        let qty_r = unit_r - w[1] - GAP;
        let desc_x = LEFT + PAD;
        let desc_w = qty_r - w[0] - 20.0 - desc_x;
        Columns { desc_x, desc_w, qty_r, unit_r, vat_r, amount_r, num }
    }
}

/// Page 1's top: title and number on the left, the seller on the right; under a hairline,
/// the customer ("Bill to") on the left and the document's facts on the right.
fn header(doc: &Document) -> Block {
    let l = text::labels(&doc.language);
    let mut items = Vec::new();

    // Title and number. Baselines sit below the block top by the capitals' height.
    items.push(left(LEFT, -17.5, text::title(doc), TITLE));
    items.push(left(LEFT, -36.0, doc.number.as_str(), DOC_NUMBER));

    // Seller, right-aligned; long lines wrap within its column.
    const SELLER_W: f32 = 220.0;
    let mut y = -7.5;
    for part in wrap(&doc.seller.name, SELLER_NAME, SELLER_W) {
        items.push(right(RIGHT, y, &part, SELLER_NAME));
        y -= 13.0;
    }
    y += 1.0;
    for line in text::seller_lines(doc) {
        for part in wrap(&line, SECONDARY, SELLER_W) {
            items.push(right(RIGHT, y, &part, SECONDARY));
            y -= 11.5;
        }
    }
    let top_bottom = (y + 11.5 - 3.0).min(-40.0);

    // Hairline between the letterhead and the parties.
    let rule_y = top_bottom - 16.0;
    items.push(Item::Rule { x1: LEFT, x2: RIGHT, y: rule_y, thickness: 0.5, color: HAIRLINE });
    let top = rule_y - 22.0;

    // Facts, right column: grey labels, values flush right.
    let facts = text::facts(doc);
    let label_w = facts.iter().map(|(k, _)| width(&printable(k, LABEL.weight), LABEL)).fold(0.0, f32::max);
    let value_w = facts.iter().map(|(_, v)| width(&printable(v, BODY.weight), BODY)).fold(0.0, f32::max);
    let facts_w = (label_w + 24.0 + value_w).max(180.0);
    let facts_x = RIGHT - facts_w;

    // Customer, left column, wrapping before the facts.
    let cust_w = facts_x - 28.0 - LEFT;
    items.push(left(LEFT, top, &text::caps(doc, &l.customer), CAPS));
    let mut y = top - 15.0;
    for part in wrap(&doc.customer.name, NAME, cust_w) {
        items.push(left(LEFT, y, &part, NAME));
        y -= 13.5;
    }
    y += 0.5;
    for line in text::address_lines(doc, &doc.customer) {
        for part in wrap(&line, BODY, cust_w) {
            items.push(left(LEFT, y, &part, BODY));
            y -= 12.0;
        }
    }
    y -= 3.0;
    let ids = doc
        .customer
        .tax_id
        .as_ref()
        .map(|id| (l.vat_id.as_str(), id.as_str()))
        .into_iter()
        .chain([(l.customer_id.as_str(), doc.customer_id.as_str())]);
    for (label, value) in ids {
        let label_w = width(&printable(&format!("{label} "), LABEL.weight), LABEL);
        for (i, part) in wrap(value, BODY, (cust_w - label_w).max(40.0)).into_iter().enumerate() {
            if i == 0 {
                labelled(&mut items, LEFT, y, label, &part);
            } else {
                items.push(left(LEFT + label_w, y, &part, BODY));
            }
            y -= 12.0;
        }
    }
    // The facts after the customer, so that text extraction reads them in that order.
    let mut fy = top - 15.0;
    for (label, value) in &facts {
        items.push(left(facts_x, fy, label, LABEL));
        items.push(right(RIGHT, fy, value, BODY));
        fy -= 13.5;
    }
    let bottom = y.min(fy) - 16.0;
    let header = Block { items, height: -bottom };
    brand::with_logo(doc, header)
}

/// The small heading of continuation pages: "Invoice KL-INV-2026-000017 (continued)".
fn continuation_header(doc: &Document) -> Block {
    let l = text::labels(&doc.language);
    let s = format!("{} {} ({})", text::title(doc), doc.number, l.continued);
    let mut items = Vec::new();
    for (i, part) in wrap(&s, CONTINUED, RIGHT - LEFT).into_iter().enumerate() {
        items.push(left(LEFT, -7.0 - 12.0 * i as f32, &part, CONTINUED));
    }
    let height = 7.0 + 12.0 * items.len() as f32 + 8.0;
    Block { items, height }
}

const TABLE_HEAD_H: f32 = 20.0;

fn table_header(doc: &Document, c: &Columns) -> Block {
    let l = text::labels(&doc.language);
    let (unit_price, amount) = text::price_headings(doc);
    let y = -12.8;
    let items = vec![
        Item::Band { x: LEFT, y: -TABLE_HEAD_H, w: RIGHT - LEFT, h: TABLE_HEAD_H, color: BAND },
        Item::Rule { x1: LEFT, x2: RIGHT, y: -TABLE_HEAD_H, thickness: 0.6, color: INK },
        left(c.desc_x, y, &l.description, TABLE_HEAD),
        right(c.qty_r, y, &l.quantity, TABLE_HEAD),
        right(c.unit_r, y, &unit_price, TABLE_HEAD),
        right(c.vat_r, y, text::tax_name(doc), TABLE_HEAD),
        right(c.amount_r, y, &amount, TABLE_HEAD),
    ];
    Block { items, height: TABLE_HEAD_H }
}

/// One table row as slices that may go on different pages only if the row is taller than
/// a page: the first holds the numbers and the description's first line, the last the rule.
fn line_row(doc: &Document, line: &DocumentLine, c: &Columns) -> Vec<Block> {
    let l = text::labels(&doc.language);
    const TOP_PAD: f32 = 8.0;
    const BOTTOM_PAD: f32 = 7.0;
    let mut slices: Vec<Block> = Vec::new();
    for (i, part) in wrap(&line.description, BODY, c.desc_w).into_iter().enumerate() {
        let mut b = Block::default();
        if i == 0 {
            let y = -(TOP_PAD + 6.5);
            b.items.push(left(c.desc_x, y, &part, BODY));
            b.items.push(right(c.qty_r, y, &text::quantity(doc, line.quantity), c.num));
            b.items.push(right(c.unit_r, y, &text::line_unit_price(doc, line), c.num));
            b.items.push(right(c.vat_r, y, &text::line_tax(doc, line), c.num));
            b.items.push(right(c.amount_r, y, &text::line_amount(doc, line), c.num));
            b.height = TOP_PAD + 6.5;
        } else {
            b.items.push(left(c.desc_x, -12.0, &part, BODY));
            b.height = 12.0;
        }
        slices.push(b);
    }
    let mut notes: Vec<String> = text::service_period(doc, line).into_iter().collect();
    if line.proration {
        notes.push(match &line.adjusts {
            Some(charge) => format!("{} ({charge})", l.proration),
            None => l.proration.to_string(),
        });
    }
    for note in notes {
        for part in wrap(&note, LINE_NOTE, c.desc_w) {
            slices.push(Block { items: vec![left(c.desc_x, -10.5, &part, LINE_NOTE)], height: 10.5 });
        }
    }
    slices.push(Block {
        items: vec![Item::Rule { x1: LEFT, x2: RIGHT, y: -BOTTOM_PAD - 2.0, thickness: 0.4, color: HAIRLINE }],
        height: BOTTOM_PAD + 2.0,
    });
    slices
}

/// The totals, flush right under the amounts: subtotal, one row per tax rate, total, paid,
/// amount due.
fn totals(doc: &Document, c: &Columns) -> Block {
    let l = text::labels(&doc.language);
    let mut rows: Vec<(String, String, Style, Style)> = vec![(l.subtotal.clone(), text::amount(doc, doc.totals.net), LABEL, BODY)];
    for r in &doc.tax_breakdown {
        rows.push((text::subtotal_row(doc, r), text::amount(doc, r.tax_amount), LABEL, BODY));
    }
    let total_row = (text::total_label(doc).to_string(), text::money(doc, doc.totals.gross), TOTAL, TOTAL);
    let settlement = text::settlement_rows(doc);
    let last = settlement.len().saturating_sub(1);
    let after: Vec<_> = settlement
        .into_iter()
        .enumerate()
        .map(|(i, (k, v))| if i == last { (k, v, DUE, DUE) } else { (k, v, LABEL, BODY) })
        .collect();
    let all = || rows.iter().chain([&total_row]).chain(after.iter());
    let label_w = all().map(|(k, _, st, _)| width(&printable(k, st.weight), *st)).fold(0.0, f32::max);
    let value_w = all().map(|(_, v, _, st)| width(&printable(v, st.weight), *st)).fold(0.0, f32::max);
    let box_w = (label_w + 28.0 + value_w + 2.0 * PAD).clamp(230.0, RIGHT - LEFT);
    let x0 = RIGHT - box_w;
    let label_x = x0 + PAD;

    let mut items = Vec::new();
    let mut y = -6.0;
    let row = |items: &mut Vec<Item>, y: &mut f32, (k, v, ks, vs): &(String, String, Style, Style), lead: f32| {
        *y -= lead;
        items.push(left(label_x, *y, k, *ks));
        items.push(right(c.amount_r, *y, v, *vs));
    };
    for r in &rows {
        row(&mut items, &mut y, r, 14.0);
    }
    y -= 8.0;
    items.push(Item::Rule { x1: x0, x2: RIGHT, y, thickness: 0.8, color: INK });
    row(&mut items, &mut y, &total_row, 17.0);
    y -= 6.0;
    for r in &after {
        row(&mut items, &mut y, r, 14.0);
    }
    Block { items, height: -y + 4.0 }
}

/// One paragraph of the closing notes, full width.
fn paragraph(s: &str, st: Style, gap_before: f32) -> Block {
    let mut items = Vec::new();
    let mut y = -gap_before - 6.5;
    for part in wrap(s, st, RIGHT - LEFT) {
        items.push(left(LEFT, y, &part, st));
        y -= 11.5;
    }
    Block { items, height: -y - 11.5 + 3.0 }
}

/// The height of `b` down to just below its first line of text: what must fit beside a
/// heading kept with it.
fn first_line_height(b: &Block) -> f32 {
    b.items.iter().find_map(|i| match i {
        Item::Text { y, .. } => Some(-y + DESCENT),
        _ => None,
    }).unwrap_or(b.height).min(b.height)
}

/// Below a baseline, what a line of text takes: where a paragraph may be cut.
const DESCENT: f32 = 5.0;

/// A paragraph cut between its lines, each slice placed as the paragraph placed it (the
/// first keeps the gap above it); a block that is not only text (the transfer panel) stays
/// whole.
fn line_slices(b: Block) -> Vec<Block> {
    let Block { items, height } = b;
    let ys: Option<Vec<f32>> = items.iter().map(|i| if let Item::Text { y, .. } = i { Some(*y) } else { None }).collect();
    let Some(ys) = ys.filter(|ys| ys.len() > 1) else { return vec![Block { items, height }] };
    let tops: Vec<f32> = std::iter::once(0.0).chain(ys.iter().map(|y| y - DESCENT)).collect();
    items
        .into_iter()
        .enumerate()
        .map(|(k, item)| {
            let bottom = if k + 1 < ys.len() { tops[k + 1] } else { -height };
            Block { items: vec![item.shifted(-tops[k])], height: tops[k] - bottom }
        })
        .collect()
}

/// A small capital heading above a group of notes.
fn note_heading(doc: &Document, s: &str, gap_before: f32) -> Block {
    let mut b = paragraph(&text::caps(doc, s), CAPS, gap_before);
    b.height += 1.0;
    b
}

/// The notes after the totals, in order: Art. 230 base-currency statement, legends,
/// references, payment. Each is a paragraph that may start a new page; each comes with
/// whether it keeps with the next (a heading with what it heads, the payment sentence with
/// the card and payment id under it).
fn notes(doc: &Document) -> Vec<(Block, bool)> {
    let l = text::labels(&doc.language);
    let mut out = Vec::new();
    let mut gap = 20.0;
    if let Some(b) = text::base_currency_tax(doc) {
        out.push((paragraph(&b, PARAGRAPH, gap), false));
        gap = 6.0;
    }
    for legend in &doc.legends {
        out.push((paragraph(&legend.text, LEGEND, gap), false));
        gap = 6.0;
    }
    if !doc.references.is_empty() {
        out.push((note_heading(doc, &l.references, gap.max(12.0)), true));
        for r in &doc.references {
            out.push((paragraph(&text::reference(doc, r), PARAGRAPH, 2.0), false));
        }
    }
    if !doc.notes.is_empty() {
        out.push((note_heading(doc, super::brand::note_label(doc), 12.0), true));
        for note in &doc.notes {
            out.push((paragraph(note, PARAGRAPH, 2.0), false));
        }
    }
    let details = text::payment_details(doc);
    out.push((paragraph(&text::payment(doc), PARAGRAPH, 12.0), details.is_some()));
    if let Some(details) = details {
        out.push((paragraph(&details, PARAGRAPH, 2.0), false));
    }
    out.extend(brand::transfer_block(doc).map(|b| (b, false)));
    out
}

/// Pages being filled: items in page coordinates and the cursor's y.
struct Pager<'a> {
    doc: &'a Document,
    cols: &'a Columns,
    pages: Vec<Vec<(Item, Part)>>,
    page: Vec<(Item, Part)>,
    y: f32,
}

impl Pager<'_> {
    fn fits(&self, height: f32) -> bool {
        self.y - height >= BOTTOM
    }

    fn place(&mut self, block: Block, part: Part) {
        let top = self.y;
        self.page.extend(block.items.into_iter().map(|i| (i.shifted(top), part)));
        self.y -= block.height;
    }

    fn new_page(&mut self, with_table_header: bool) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = TOP;
        self.place(continuation_header(self.doc), Part::Continuation);
        if with_table_header {
            self.place(table_header(self.doc, self.cols), Part::TableHeader { repeated: true });
        }
    }

    /// Height available on a fresh page below the continuation heading and table header.
    fn fresh_page_room(&self) -> f32 {
        TOP - continuation_header(self.doc).height - TABLE_HEAD_H - BOTTOM
    }
}

/// Places the document on pages: page 1's header; the table, its header repeated on each
/// page with rows; the totals, which take the last row with them to a new page if they don't
/// fit; then the notes, a new page for any that doesn't fit. Each item comes with the part of
/// the document it was placed for, from which its tags are made.
fn layout(doc: &Document) -> Vec<Vec<(Item, Part)>> {
    let cols = Columns::new(doc);
    let mut p = Pager { doc, cols: &cols, pages: Vec::new(), page: Vec::new(), y: TOP };
    p.place(header(doc), Part::Header);
    p.place(table_header(doc, &cols), Part::TableHeader { repeated: false });

    let fresh = p.fresh_page_room();
    let mut rows_on_page = 0;
    // Where the last row starts in `p.page`, and its top, if it sits whole on this page.
    let mut last_row: Option<(usize, f32, f32)> = None;
    for (n, line) in doc.lines.iter().enumerate() {
        let slices = line_row(doc, line, &cols);
        let height: f32 = slices.iter().map(|s| s.height).sum();
        if !p.fits(height) && rows_on_page > 0 && height <= fresh {
            p.new_page(true);
            rows_on_page = 0;
        }
        if p.fits(height) {
            last_row = Some((p.page.len(), p.y, height));
            for s in slices {
                p.place(s, Part::Row(n, 0));
            }
        } else {
            // Taller than a page: split between its text lines.
            last_row = None;
            for s in slices {
                if !p.fits(s.height) {
                    p.new_page(true);
                }
                p.place(s, Part::Row(n, 0));
            }
        }
        rows_on_page += 1;
    }

    let totals = totals(doc, &cols);
    if !p.fits(totals.height) {
        // Take the last row along so the totals don't open a page on their own.
        let carried = match last_row {
            Some((start, top, height)) if rows_on_page > 1 => Some((p.page.split_off(start), top, height)),
            _ => None,
        };
        p.new_page(true);
        if let Some((items, top, height)) = carried {
            let dy = p.y - top;
            p.page.extend(items.into_iter().map(|(i, part)| (i.shifted(dy), part)));
            p.y -= height;
        }
    }
    p.place(totals, Part::Totals);
    let notes = notes(doc);
    let first_lines: Vec<f32> = notes.iter().map(|(b, _)| first_line_height(b)).collect();
    let note_room = TOP - continuation_header(doc).height - BOTTOM;
    for (n, (note, keep_with_next)) in notes.into_iter().enumerate() {
        // A heading never ends a page without the first line of what it heads.
        let needed = note.height + if keep_with_next { first_lines.get(n + 1).copied().unwrap_or(0.0) } else { 0.0 };
        if p.fits(needed) {
            p.place(note, Part::Note(n));
        } else if needed <= note_room {
            p.new_page(false);
            p.place(note, Part::Note(n));
        } else {
            // Taller than a page (a long customer note): split between its lines, never
            // run past the footer or off the page.
            for line in line_slices(note) {
                if !p.fits(line.height) {
                    p.new_page(false);
                }
                p.place(line, Part::Note(n));
            }
        }
    }
    p.pages.push(p.page);
    p.pages
}

/// The footer of every page: seller name · VAT ID · email, and "Page N of M"; under them the
/// brand's lines. Two brand lines fit under the rule's usual place; a third raises the rule,
/// the identification and the lines above it by one line (the body's bottom margin leaves the
/// room), so the last line stays 7.5 mm above the page's edge.
fn footer(doc: &Document, page: usize, pages: usize) -> Vec<Item> {
    let page_of = text::page_of(doc, page, pages);
    let page_w = width(&printable(&page_of, FOOTER.weight), FOOTER);
    let mut parts = vec![doc.seller.name.as_str()];
    parts.extend(doc.seller.tax_id.as_deref());
    parts.extend(doc.seller.email.as_deref());
    let ident = fit(&parts.join("  ·  "), FOOTER, RIGHT - LEFT - page_w - 24.0);
    let lines = brand::footer_lines(doc);
    let lift = brand::FOOTER_LEADING * lines.len().saturating_sub(2) as f32;
    let baseline = FOOTER_BASELINE + lift;
    let mut items = vec![
        Item::Rule { x1: LEFT, x2: RIGHT, y: FOOTER_RULE + lift, thickness: 0.5, color: HAIRLINE },
        left(LEFT, baseline, &ident, FOOTER),
        right(RIGHT, baseline, &page_of, FOOTER),
    ];
    items.extend(brand::footer(&lines, baseline));
    items
}

// ---------------------------------------------------------------------------------------------
// Drawing.

/// `v` rounded to whole hundredths of a point: two decimals are plenty and keep the content
/// streams short, and a move between two such positions is exact.
fn hundredths(v: f32) -> i32 {
    (v * 100.0).round() as i32
}


/// A page's content stream, written here rather than by pdf-writer's `Content`: marked-content
/// sequences, colours, fonts, moves and strings of glyphs, rules, bands and the logo.
/// pdf-writer would write the numbers through float formatting and our two-byte glyph codes
/// as a literal string with an octal escape for nearly every byte (`(\\000\\020\\000,)` for
/// two glyphs), checking each byte as it goes. Here numbers are whole hundredths (positions,
/// sizes, widths) or thousandths (colours) written as decimals, and glyphs their two code
/// bytes as they are, escaped only where PDF's syntax needs it ([`Subsets::encode`]). The
/// stream is not deflated: at the fast level deflating it cost 8% of `issue`'s CPU for 2.3 KB
/// less per PDF (bench/RESULTS.md); two bytes a glyph rather than four hex digits keep it
/// short.
#[derive(Default)]
struct Ops(Vec<u8>);

impl Ops {
    /// A space between two operations of a run (none at a line's start).
    fn next(&mut self) {
        if !matches!(self.0.last(), None | Some(b'\n')) {
            self.0.push(b' ');
        }
    }

    /// A line break before an operation that starts something (none before the first).
    fn line(&mut self) {
        if !self.0.is_empty() {
            self.0.push(b'\n');
        }
    }

    /// `op` on its own line: `BT`, `ET`, `EMC`.
    fn keyword(&mut self, op: &[u8]) {
        self.line();
        self.0.extend_from_slice(op);
    }

    /// Opens a marked-content sequence of an artifact of `kind`.
    fn artifact(&mut self, kind: Artifact) {
        self.line();
        self.0.extend_from_slice(kind.properties());
        self.0.extend_from_slice(b"BDC");
    }

    /// Numbers `n / 10^places` ([`Ops::decimal`]), each followed by a space.
    fn numbers(&mut self, values: &[i32], places: u32) {
        for &v in values {
            self.decimal(v, places);
            self.0.push(b' ');
        }
    }

    /// Numbers in hundredths of a point, each followed by a space.
    fn hundredths(&mut self, values: &[i32]) {
        self.numbers(values, 2);
    }

    /// `x y w h re f`: a filled rectangle, in hundredths of a point.
    fn band(&mut self, [x, y, w, h]: [i32; 4]) {
        self.next();
        self.hundredths(&[x, y, w, h]);
        self.0.extend_from_slice(b"re f");
    }

    /// `width w`, in hundredths of a point.
    fn line_width(&mut self, width: i32) {
        self.next();
        self.hundredths(&[width]);
        self.0.push(b'w');
    }

    /// `x1 y m x2 y l S`: a horizontal rule, in hundredths of a point.
    fn rule(&mut self, x1: i32, x2: i32, y: i32) {
        self.next();
        self.hundredths(&[x1, y]);
        self.0.extend_from_slice(b"m ");
        self.hundredths(&[x2, y]);
        self.0.extend_from_slice(b"l S");
    }

    /// `q w 0 0 h x y cm /Logo Do Q`: the logo's image or form, scaled into its box. The
    /// box is written as computed (Rust's shortest form of each `f32`, as pdf-writer did).
    fn logo(&mut self, [x, y, w, h]: [f32; 4]) {
        use std::io::Write;
        self.line();
        let _ = write!(self.0, "q {w} 0 0 {h} {x} {y} cm ");
        self.name(crate::logo::resource_name().0);
        self.0.extend_from_slice(b" Do Q");
    }

    /// `n / 10^places` as the shortest decimal: `-373, 2` as `-3.73`, `1850, 2` as `18.5`,
    /// `700, 2` as `7`, `35, 3` as `0.035`.
    fn decimal(&mut self, n: i32, places: u32) {
        if n < 0 {
            self.0.push(b'-');
        }
        let scale = 10u32.pow(places);
        let (whole, mut frac) = (n.unsigned_abs() / scale, n.unsigned_abs() % scale);
        let mut digits = [0u8; 10];
        let mut at = digits.len();
        let mut rest = whole;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.0.extend_from_slice(&digits[at..]);
        if frac != 0 {
            self.0.push(b'.');
            let mut unit = scale / 10;
            while frac != 0 {
                self.0.push(b'0' + (frac / unit) as u8);
                frac %= unit;
                unit /= 10;
            }
        }
    }

    /// `/role<</MCID mcid>>BDC`: a marked-content sequence of a structure element.
    fn mark(&mut self, role: Name, mcid: i32) {
        self.line();
        self.name(role.0);
        self.0.extend_from_slice(b"<</MCID ");
        self.decimal(mcid, 0);
        self.0.extend_from_slice(b">>BDC");
    }

    /// `/id size Tf`, the size in whole hundredths of a point.
    fn font(&mut self, id: &str, size: f32) {
        self.next();
        self.name(id.as_bytes());
        self.0.push(b' ');
        self.hundredths(&[hundredths(size)]);
        self.0.extend_from_slice(b"Tf");
    }

    /// `/name`, for our own names (fonts, structure roles): letters and digits, which need no
    /// escape.
    fn name(&mut self, name: &[u8]) {
        assert!(name.iter().all(u8::is_ascii_alphanumeric), "a name that needs no escape");
        self.0.push(b'/');
        self.0.extend_from_slice(name);
    }

    /// `r g b rg` (fill) or `r g b RG` (stroke), each component in thousandths: exact for
    /// any 8-bit colour (the steps of 1/255 are wider than 1/1000), as the brand's accent is.
    fn colour(&mut self, c: Rgb3, op: &[u8]) {
        self.next();
        self.numbers(&[c.0, c.1, c.2].map(|v| (v * 1000.0).round() as i32), 3);
        self.0.extend_from_slice(op);
    }

    /// `spacing Tc`, in whole hundredths of a point.
    fn spacing(&mut self, spacing: f32) {
        self.next();
        self.hundredths(&[hundredths(spacing)]);
        self.0.extend_from_slice(b"Tc");
    }

    /// `dx dy Td`, in hundredths of a point.
    fn offset(&mut self, dx: i32, dy: i32) {
        self.next();
        self.hundredths(&[dx, dy]);
        self.0.extend_from_slice(b"Td");
    }

    /// `q m 0 0 m x y cm … f Q`: a QR code's dark modules in a coordinate system of one unit a
    /// module (origin at the code's bottom-left corner), so each run of dark modules in a row
    /// is a rectangle of whole numbers (`col row len 1 re`), all filled at once: about 12
    /// bytes a run instead of 30, and no seams between rows where a viewer's anti-aliasing
    /// would meet two fills. Position and module size in hundredths of a point.
    fn qr(&mut self, x: i32, y: i32, module: i32, matrix: &crate::qr::Matrix) {
        self.next();
        self.0.extend_from_slice(b"q ");
        self.hundredths(&[module, 0, 0, module, x, y]);
        self.0.extend_from_slice(b"cm");
        for &(row, col, len) in &matrix.runs {
            self.0.push(b'\n');
            let [col, row, len] = [col, matrix.width - 1 - row, len].map(|v| i32::try_from(v).expect("a QR code is at most 177 modules wide"));
            self.numbers(&[col, row, len, 1], 0);
            self.0.extend_from_slice(b"re");
        }
        self.0.extend_from_slice(b"\nf Q");
    }

    /// `(codes)Tj`: the glyphs of `s` in `w`'s subset.
    fn show(&mut self, fonts: &Subsets, w: Weight, s: &str) {
        self.0.push(b'(');
        fonts.encode(w, s, &mut self.0);
        self.0.extend_from_slice(b")Tj");
    }
}

/// One page's content stream: rules and bands first, as one layout artifact; then all text in
/// one text object, each run placed by its offset from the last (`Td`), state changes only
/// when they change, each run of consecutive texts of one element (or one kind of artifact)
/// marked as such. Text is set in the document's font subsets, already encoded for them.
fn draw(page: usize, items: &[(Item, Part)], structure: &mut Structure, fonts: &Subsets, accent: Option<Rgb3>) -> Vec<u8> {
    // The brand's accent takes the place of the ink colour, wherever it is used.
    let colour = |c: Rgb3| if c == INK { accent.unwrap_or(INK) } else { c };
    let marks = std::mem::take(&mut structure.marks[page]);
    let mut ops = Ops(Vec::with_capacity(8 * 1024));
    if items.iter().any(|(i, _)| !matches!(i, Item::Text { .. })) {
        ops.artifact(Artifact::Layout);
        let mut stroke: Option<(Rgb3, f32)> = None;
        for (item, _) in items {
            match item {
                Item::Band { x, y, w, h, color } => {
                    ops.line();
                    ops.colour(colour(*color), b"rg");
                    ops.band([*x, *y, *w, *h].map(hundredths));
                }
                Item::Rule { x1, x2, y, thickness, color } => {
                    ops.line();
                    let color = &colour(*color);
                    if stroke != Some((*color, *thickness)) {
                        ops.colour(*color, b"RG");
                        ops.line_width(hundredths(*thickness));
                        stroke = Some((*color, *thickness));
                    }
                    ops.rule(hundredths(*x1), hundredths(*x2), hundredths(*y));
                }
                Item::Logo { x, y, w, h } => ops.logo([*x, *y, *w, *h]),
                Item::Qr { x, y, module, matrix } => {
                    ops.line();
                    ops.colour(brand::QR_DARK, b"rg");
                    ops.qr(hundredths(*x), hundredths(*y), hundredths(*module), matrix);
                }
                Item::Text { .. } => {}
            }
        }
        ops.keyword(b"EMC");
    }
    ops.keyword(b"BT");
    let mut fill: Option<Rgb3> = None;
    let mut font: Option<(Weight, f32)> = None;
    let mut tracking = 0.0;
    // What the open marked-content sequence holds.
    let mut open: Option<Mark> = None;
    // Where the last run started, in 1/100 pt: each run moves from there (`Td`, two numbers
    // where `Tm` takes six; exact, as both positions are whole hundredths).
    let mut at = (0i32, 0i32);
    for ((item, _), mark) in items.iter().zip(marks) {
        let Item::Text { x, y, s, st } = item else { continue };
        if s.is_empty() {
            continue;
        }
        if open != Some(mark) {
            if open.is_some() {
                ops.keyword(b"EMC");
            }
            match mark {
                Mark::Artifact(kind) => ops.artifact(kind),
                Mark::Element(e) => {
                    let role = structure.elements[e].role;
                    ops.mark(role.to_name(), structure.mark(page, e));
                }
            }
            open = Some(mark);
        } else {
            ops.line();
        }
        let color = colour(st.color);
        if fill != Some(color) {
            ops.colour(color, b"rg");
            fill = Some(color);
        }
        if font != Some((st.weight, st.size)) {
            ops.font(face(st.weight).id, st.size);
            font = Some((st.weight, st.size));
        }
        if tracking != st.tracking {
            ops.spacing(st.tracking);
            tracking = st.tracking;
        }
        let to = (hundredths(*x), hundredths(*y));
        ops.offset(to.0 - at.0, to.1 - at.1);
        ops.show(fonts, st.weight, s);
        at = to;
    }
    if open.is_some() {
        ops.keyword(b"EMC");
    }
    ops.keyword(b"ET");
    ops.0
}

// ---------------------------------------------------------------------------------------------
// The file.

/// Renders an issued document as PDF. Pure: same document → same bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    write(doc, None)
}

/// Lays `doc` out, draws its pages and writes the file, with `archival`'s additions when given
/// (Factur-X: PDF/A-3 and the embedded invoice XML) — one pass, whichever the file.
pub(super) fn write(doc: &Document, archival: Option<&file::Archival>) -> Vec<u8> {
    with_cjk(cjk_for(doc), || write_with_faces(doc, archival))
}

/// [`write`] with this thread's faces chosen.
fn write_with_faces(doc: &Document, archival: Option<&file::Archival>) -> Vec<u8> {
    let mut pages = layout(doc);
    let count = pages.len();
    for (i, items) in pages.iter_mut().enumerate() {
        // The last page's footer is read as the document's closing lines, its page number
        // still an artifact.
        let page_of = printable(&text::page_of(doc, i + 1, count), FOOTER.weight);
        let part = |item: &Item| match item {
            Item::Text { s, .. } if i + 1 == count && *s != page_of => Part::Colophon,
            _ => Part::Footer,
        };
        items.extend(footer(doc, i + 1, count).into_iter().map(|item| (part(&item), item)).map(|(part, item)| (item, part)));
    }
    let title = format!("{} {}", text::title(doc), doc.number);
    let about = file::About {
        subject: format!("{title} — {}", doc.customer.name),
        title,
        author: &doc.seller.name,
        language: text::rendered_language(doc),
        date: doc.issue_date,
    };
    let accent = doc.brand.as_ref().and_then(|b| b.accent).map(|a| a.fractions());
    let logo = doc.brand.as_ref().and_then(|b| b.logo.as_ref());
    let abbreviation = text::line_tax_abbreviation(doc);
    write_pages(&pages, &about, archival, accent, logo, abbreviation.as_ref().map(|(s, w)| (s.as_str(), w.as_str())))
}

/// Draws laid-out pages (footers included) into a file: font subsets of the glyphs used,
/// the structure tree from the parts, one content stream per page, in the brand's accent
/// colour and with its logo when given.
fn write_pages(
    pages: &[Vec<(Item, Part)>],
    about: &file::About<'_>,
    archival: Option<&file::Archival>,
    accent: Option<Rgb3>,
    logo: Option<&domain::brand::Logo>,
    abbreviation: Option<(&str, &str)>,
) -> Vec<u8> {
    let mut glyphs = GlyphUse::new();
    for (item, _) in pages.iter().flatten() {
        if let Item::Text { s, st, .. } = item {
            glyphs.add(st.weight, s);
        }
    }
    let fonts = glyphs.seal();
    let mut structure = Structure::of(pages, abbreviation);
    let contents: Vec<Vec<u8>> = pages.iter().enumerate().map(|(i, items)| draw(i, items, &mut structure, &fonts, accent)).collect();
    file::write(about, &contents, &fonts, &structure, archival, logo)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use serde_json::Value;

    use super::*;
    use domain::document::{BaseCurrencyTax, DocumentKind, DocumentReference, Legend, Relation, TaxCategory, Treatment};
    use domain::money::Currency;
    use domain::numbering::NumberPattern;
    use crate::fixture;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::from_str(s).unwrap()
    }

    /// `pdftotext -layout` of the PDF, pages separated by form feeds.
    fn pdftotext(pdf: &[u8]) -> String {
        use std::io::Write;
        let child = std::process::Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8", "-", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => panic!("pdftotext could not be run ({e}): install poppler-utils (apt-get install poppler-utils) to run the PDF tests"),
        };
        child.stdin.take().unwrap().write_all(pdf).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn pages_of(text: &str) -> Vec<&str> {
        let mut pages: Vec<&str> = text.split('\u{c}').collect();
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        pages
    }

    fn page_count(pdf: &[u8]) -> usize {
        read::Read::new(pdf).pages().len()
    }

    /// A USD invoice to a French business: reverse charge, with the Art. 230 statement in EUR.
    fn reverse_charge_usd() -> Document {
        let mut doc = fixture::oss_invoice();
        let fr = domain::country::CountryCode::parse("FR").unwrap();
        doc.currency = Currency::parse("USD").unwrap();
        doc.customer.name = "Atelier Lumière SARL".into();
        doc.customer.address.line1 = "14 rue de la Fontaine au Roi".into();
        doc.customer.address.postal_code = "75011".into();
        doc.customer.address.city = "Paris".into();
        doc.customer.address.country = fr;
        doc.customer.tax_id = Some("FR40303265045".into());
        doc.customer_id = "cus_fr_07".into();
        doc.tax.treatment = Treatment::ReverseCharge;
        doc.tax.jurisdiction = fr;
        doc.tax.customer_type = domain::document::CustomerType::Business;
        for line in &mut doc.lines {
            line.tax_category = TaxCategory::AE;
            line.tax_rate = Decimal::ZERO;
        }
        doc.tax_breakdown[0].tax_category = TaxCategory::AE;
        doc.tax_breakdown[0].tax_rate = Decimal::ZERO;
        doc.tax_breakdown[0].tax_amount = d("0.00");
        doc.totals.tax = d("0.00");
        doc.totals.gross = d("21.01");
        doc.totals.paid = d("21.01");
        doc.payment.amount = d("21.01");
        doc.base_currency_tax = Some(BaseCurrencyTax {
            currency: Currency::parse("EUR").unwrap(),
            exchange_rate: d("0.9200"),
            published_rate: d("1.0870"),
            published_base: Currency::parse("EUR").unwrap(),
            published_quote: Currency::parse("USD").unwrap(),
            rate_date: day("2026-10-02"),
            source: "ECB".into(),
            taxable_amount: d("19.33"),
            tax_amount: d("0.00"),
        });
        doc.legends = vec![Legend {
            code: "reverse_charge".into(),
            text: "Reverse charge: VAT to be accounted for by the customer (Art. 196 Directive 2006/112/EC). \
                   The supplier is established in Estonia; the customer's VAT ID was validated on the date of supply."
                .into(),
        }];
        doc
    }

    /// A credit note for a partial refund, with a proration line and its reference.
    fn credit_note() -> Document {
        let mut doc = fixture::oss_invoice();
        doc.kind = DocumentKind::CreditNote;
        doc.number = NumberPattern::parse("KL-CN-{year}-{seq:06}").unwrap().format(2026, 4);
        doc.lines.truncate(1);
        doc.lines[0].description = "Pro plan, monthly — unused part after downgrade to Starter".into();
        doc.lines[0].proration = true;
        doc.lines[0].adjusts = Some("ch_1001".into());
        doc.lines[0].quantity = d("-1");
        doc.lines[0].net_amount = d("-6.30");
        doc.lines[0].unit_price = d("6.30");
        doc.tax_breakdown[0].taxable_amount = d("-6.30");
        doc.tax_breakdown[0].tax_amount = d("-1.20");
        doc.totals = domain::document::Totals { net: d("-6.30"), tax: d("-1.20"), gross: d("-7.50"), paid: d("-7.50"), due: d("0.00") };
        doc.payment.status = "refunded".into();
        doc.payment.amount = d("7.50");
        doc.references = vec![DocumentReference {
            number: NumberPattern::parse("KL-INV-{year}-{seq:06}").unwrap().format(2026, 17),
            issue_date: day("2026-10-05"),
            relation: Relation::Credits,
            reason: Some("plan downgraded mid-period".into()),
        }];
        doc
    }

    /// What [`Ops`] wrote, as text.
    fn ops_text(ops: Ops) -> String {
        String::from_utf8(ops.0).unwrap()
    }

    #[test]
    fn hand_written_numbers_are_the_shortest_exact_decimals() {
        let cases = [
            (0, 2, "0"),
            (700, 2, "7"),
            (1850, 2, "18.5"),
            (-373, 2, "-3.73"),
            (5, 2, "0.05"),
            (-5, 2, "-0.05"),
            (84200, 2, "842"),
            (35, 3, "0.035"),
            (1000, 3, "1"),
            (12, 0, "12"),
        ];
        for (n, places, written) in cases {
            let mut ops = Ops::default();
            ops.decimal(n, places);
            assert_eq!(ops_text(ops), written, "{n} / 10^{places}");
        }
    }

    #[test]
    fn hand_written_colours_keep_every_8_bit_value() {
        let mut ops = Ops::default();
        ops.colour((0.106, 0.196, 0.345), b"rg");
        ops.colour((180.0 / 255.0, 83.0 / 255.0, 9.0 / 255.0), b"RG");
        assert_eq!(ops_text(ops), "0.106 0.196 0.345 rg 0.706 0.325 0.035 RG");
        // Read back as a viewer does (× 255, to the nearest), every byte value is the same.
        for v in 0..=255u8 {
            let mut ops = Ops::default();
            ops.colour((f32::from(v) / 255.0, 0.0, 1.0), b"rg");
            let text = ops_text(ops);
            let red: f64 = text.split(' ').next().unwrap().parse().unwrap();
            assert_eq!((red * 255.0).round() as u8, v, "{text}");
        }
    }

    #[test]
    fn a_text_run_is_one_literal_string_of_two_byte_glyph_codes_escaped_where_syntax_needs() {
        let mut glyphs = GlyphUse::new();
        glyphs.add(Weight::Regular, "abcdefghijklmnopqrstuvwxyz€");
        let fonts = glyphs.seal();
        let mut ops = Ops::default();
        ops.keyword(b"BT");
        ops.mark(Name(b"TD"), 7);
        ops.colour((0.1, 0.11, 0.13), b"rg");
        ops.font("NSREGU", 6.8);
        ops.spacing(0.7);
        ops.offset(-373, 1850);
        // Codes number the subset's glyphs in Noto Sans's order (read with fontTools): the
        // digits every subset holds first (1–10), then the capitals it holds (11–36), the
        // small letters drawn (37–62), € (63), whatever order they were drawn in.
        ops.show(&fonts, Weight::Regular, "ABBA");
        ops.line();
        // A character beyond ASCII takes the slower way to its code; one the font lacks
        // (a control character here) is not drawn.
        ops.show(&fonts, Weight::Regular, "€\u{7}A");
        ops.line();
        // Bytes a literal string reads as syntax are escaped: 9 is code 10 (LF), C 13 (CR),
        // d 40 `(` and e 41 `)`.
        ops.show(&fonts, Weight::Regular, "9Cde");
        ops.keyword(b"ET");
        // And the backslash: with the 94 printable ASCII characters but the space, `|` is
        // code 92, `\\` (and `*` 10, `-` 13, `H` 40, `I` 41).
        let mut glyphs = GlyphUse::new();
        glyphs.add(Weight::Regular, &(0x21u8..0x7f).map(char::from).collect::<String>());
        let all = glyphs.seal();
        let mut escaped = Ops::default();
        escaped.show(&all, Weight::Regular, "|*-HI");
        assert_eq!(escaped.0, b"(\x00\\\\\x00\\n\x00\\r\x00\\(\x00\\))Tj");
        assert_eq!(
            ops.0,
            b"BT\n/TD<</MCID 7>>BDC 0.1 0.11 0.13 rg /NSREGU 6.8 Tf 0.7 Tc -3.73 18.5 Td(\x00\x0b\x00\x0c\x00\x0c\x00\x0b)Tj\n\
              (\x00?\x00\x0b)Tj\n(\x00\\n\x00\\r\x00\\(\x00\\))Tj\nET"
        );
    }

    #[test]
    fn the_shipped_fonts_draw_every_shipped_language() {
        // Greek and Bulgarian included: every character of every translation file.
        for (tag, text) in locale::shipped_files() {
            for weight in [Weight::Regular, Weight::Bold] {
                let missing: Vec<char> = text.chars().filter(|c| !c.is_ascii() && !c.is_control() && !face(weight).covers(*c)).collect();
                assert!(missing.is_empty(), "{tag}.toml: {weight:?} lacks {missing:?}");
            }
        }
    }

    #[test]
    fn same_document_same_bytes_even_after_rendering_others() {
        let a = render(&fixture::oss_invoice());
        let _ = render(&fixture::long_invoice(30));
        let _ = render(&reverse_charge_usd());
        let b = render(&fixture::oss_invoice());
        assert!(a.starts_with(b"%PDF-"), "not a PDF header");
        assert!(a == b, "two renders of the same document differ");
        assert!(a != render(&credit_note()));
    }

    #[test]
    fn oss_invoice_text_is_extractable_in_reading_order() {
        let doc = fixture::oss_invoice();
        let t = pdftotext(&render(&doc));
        let legend_start = &doc.legends[0].text[..40];
        for needle in [
            "Invoice", "KL-INV-2026-000017", "Jürgen Müller", "Schönhauser Allee 12", "Kunstlicht OÜ", "EE102345676",
            "cus_de_01", "Pro plan, monthly", "5 October 2026 – 4 November 2026", "€25.00", "VAT 19%", "3.99", legend_start,
            "Paid by card on 5 October 2026: €25.00. Nothing is due.", "Page 1 of 1",
        ] {
            assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
        }
        let at = |s: &str| t.find(s).unwrap_or_else(|| panic!("{s:?} missing"));
        let order = ["Invoice", "KL-INV-2026-000017", "Jürgen Müller", "Description", "Pro plan", "Credit pack 500", "Total", "Page 1 of 1"];
        for w in order.windows(2) {
            assert!(at(w[0]) < at(w[1]), "{:?} should come before {:?} in:\n{t}", w[0], w[1]);
        }
    }

    #[test]
    fn long_invoices_flow_over_pages_with_repeated_headers() {
        let pdf = render(&fixture::long_invoice(60));
        let n = page_count(&pdf);
        assert!(n > 1, "{n} page");
        let t = pdftotext(&pdf);
        let pages = pages_of(&t);
        assert_eq!(pages.len(), n);
        for (i, page) in pages.iter().enumerate() {
            assert!(page.contains(&format!("Page {} of {n}", i + 1)), "page {} lacks its number:\n{page}", i + 1);
            assert!(page.contains("Description"), "page {} lacks the table header:\n{page}", i + 1);
            if i > 0 {
                assert!(page.contains("Invoice KL-INV-2026-000017 (continued)"), "page {} lacks its heading", i + 1);
            }
        }
        assert!(pages[n - 1].contains("Total"));
        assert!(pages[n - 1].contains("€71.40"));
        assert!(t.contains("Ελληνική Εταιρεία Λογισμικού"), "Greek name lost:\n{t}");
        assert!(t.contains("Łódź Müller"), "Polish/German name lost:\n{t}");
        assert!(t.contains("10119 Αθήνα"));
        // Every line made it, once and in order.
        let mut from = 0;
        for i in 1..=60 {
            let needle = format!("Credit pack {i}:");
            let at = t[from..].find(&needle).unwrap_or_else(|| panic!("{needle:?} missing or out of order"));
            from += at + needle.len();
        }
    }

    #[test]
    fn a_cjk_name_becomes_question_marks_but_the_pdf_is_complete() {
        let mut doc = fixture::oss_invoice();
        doc.customer.name = "株式会社 佐藤".into();
        doc.customer.address.city = "東京".into();
        let pdf = render(&doc);
        assert!(pdf.starts_with(b"%PDF-"));
        let t = pdftotext(&pdf);
        assert!(t.contains("???? ??"), "{t}");
        assert!(t.contains("10119 ??"), "{t}");
        assert!(t.contains("€25.00") && t.contains("Page 1 of 1"), "{t}");
    }

    #[test]
    fn the_shipped_fonts_cover_text_the_shipped_translations_put_on_a_document_but_not_cjk() {
        // Issuing checks translations read at run time; the shipped ones are checked here.
        for (tag, _) in locale::shipped_files() {
            let words = &locale::texts(tag).words;
            assert!(words.len() > 100, "{tag}: {} words", words.len());
            let missing = missing_in_shipped_fonts(words.iter().map(|(_, w)| w.as_str()));
            assert_eq!(missing, Vec::<char>::new(), "{tag}.toml");
        }
        // What is missing, in order of first appearance, once each; ASCII, spaces and control
        // characters never are.
        assert_eq!(missing_in_shipped_fonts(["Łódź Αθήνα Москва\t\u{a0}", "株式会社 佐藤", "佐藤"].into_iter()), vec!['株', '式', '会', '社', '佐', '藤']);
        assert_eq!(unsupported_characters("el", ["€ 10 — Ελληνική"].into_iter()), Vec::<char>::new());
    }

    /// The embedded fonts hold only the glyphs used, numbered 1…n (`/CIDToGIDMap /Identity`),
    /// and each code's glyph has the outline, in the full font, of the character ToUnicode
    /// gives for it, and the width `/W` declares (PDF/A demands the latter).
    #[test]
    fn embedded_fonts_are_subsets_whose_codes_are_the_characters_drawn() {
        use read::{name, string};
        let pdf = render(&reverse_charge_usd());
        let r = read::Read::new(&pdf);
        let mut checked = 0;
        let mut fonts = 0;
        for (_, font) in r.objects() {
            if font.get("/Subtype").map(name) != Some("Type0") {
                continue;
            }
            fonts += 1;
            let base = name(&font["/BaseFont"]);
            let full = [Weight::Regular, Weight::Bold].map(face).into_iter().find(|f| base == format!("{}+{}", f.id, f.name)).unwrap();
            let full_face = ttf_parser::Face::parse(full.bytes, 0).unwrap();
            assert_eq!(name(&font["/Encoding"]), "Identity-H");
            let cid_font = r.get(&font["/DescendantFonts"][0]);
            assert_eq!(name(&cid_font["/Subtype"]), "CIDFontType2");
            assert_eq!(name(&cid_font["/CIDToGIDMap"]), "Identity");
            assert_eq!(string(&cid_font["/CIDSystemInfo"]["/Ordering"]), b"Identity");
            let widths = cid_font["/W"].as_array().unwrap();
            assert_eq!(widths.len(), 2, "{base}: one run of widths");
            assert_eq!(widths[0], 1);
            let widths = widths[1].as_array().unwrap();
            let cmap = String::from_utf8(r.stream(&font["/ToUnicode"])).unwrap();
            let mut in_bfchar = false;
            let chars: Vec<(usize, char)> = cmap
                .lines()
                .filter(|l| {
                    in_bfchar = (in_bfchar || l.ends_with("beginbfchar")) && *l != "endbfchar";
                    in_bfchar
                })
                .filter_map(|l| {
                    let (code, unicode) = l.strip_prefix('<')?.split_once("> <")?;
                    let unicode = u32::from_str_radix(unicode.strip_suffix('>')?, 16).ok()?;
                    Some((usize::from_str_radix(code, 16).ok()?, char::from_u32(unicode)?))
                })
                .collect();
            assert_eq!(chars.len(), widths.len(), "{base}: a character for every code");
            let descriptor = r.get(&cid_font["/FontDescriptor"]);
            assert_eq!(name(&descriptor["/FontName"]), base);
            let program = r.stream(&descriptor["/FontFile2"]);
            assert!(program.len() * 4 < full.bytes.len(), "{base}: {} bytes embedded", program.len());
            let subset = ttf_parser::Face::parse(&program, 0).unwrap();
            // The glyphs used, .notdef, and the parts of composite glyphs (accented letters).
            let glyphs = usize::from(subset.number_of_glyphs());
            assert!((widths.len() + 1..widths.len() + 10).contains(&glyphs), "{base}: {glyphs} glyphs for {} codes", widths.len());
            for (k, (code, ch)) in chars.into_iter().enumerate() {
                assert_eq!(code, k + 1, "{base}: codes are 1…n");
                let gid = ttf_parser::GlyphId(code as u16);
                let original = full_face.glyph_index(ch).unwrap();
                let advance = i64::from(subset.glyph_hor_advance(gid).unwrap()) * 1000 / i64::from(subset.units_per_em());
                assert_eq!(advance, widths[k].as_i64().unwrap(), "{base}: width of {ch:?}");
                assert_eq!(advance, i64::from(full_face.glyph_hor_advance(original).unwrap()) * 1000 / i64::from(full_face.units_per_em()));
                assert_eq!(subset.glyph_bounding_box(gid), full_face.glyph_bounding_box(original), "{base}: outline of {ch:?}");
                checked += 1;
            }
        }
        assert_eq!(fonts, 2);
        assert!(checked > 40, "only {checked} glyphs checked");
    }

    /// Debian's Noto Sans CJK (`fonts-noto-cjk`, installed by scripts/test.sh when missing):
    /// faces 0–4 Noto Sans CJK JP, KR, SC, TC, HK, 5–9 Noto Sans Mono CJK in the same order.
    const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

    /// The PostScript names of the CJK faces (regular, bold) a document in `language` is set
    /// in with the CJK font `path` configured.
    fn cjk_names(path: &str, language: &str) -> [String; 2] {
        fonts::test_cjk_faces(path, language).each_ref().map(|f| f.name.clone())
    }

    #[test]
    fn a_cjk_collection_sets_each_language_in_its_regional_face_bold_found_by_name() {
        assert!(std::path::Path::new(NOTO_CJK).is_file(), "{NOTO_CJK} missing: install fonts-noto-cjk (scripts/test.sh does)");
        let pair = |region: &str| [format!("NotoSansCJK{region}-Regular"), format!("NotoSansCJK{region}-Bold")];
        for (language, region) in [
            ("ja", "jp"),
            ("ko", "kr"),
            ("zh", "sc"),
            ("zh-CN", "sc"),
            ("zh-SG", "sc"),
            ("zh-Hans", "sc"),
            ("zh-TW", "tc"),
            ("zh-Hant", "tc"),
            ("zh-HK", "hk"),
            ("zh-MO", "hk"),
            // Other languages: the configured face, face 0.
            ("de", "jp"),
            ("en", "jp"),
        ] {
            assert_eq!(cjk_names(NOTO_CJK, language), pair(region), "{language}");
        }
        // A face named with `#N` is the default for other languages; CJK languages still get
        // their region's face of its family.
        let sc = format!("{NOTO_CJK}#2");
        for (language, region) in [("de", "sc"), ("en", "sc"), ("ja", "jp"), ("ko", "kr"), ("zh-TW", "tc"), ("zh", "sc")] {
            assert_eq!(cjk_names(&sc, language), pair(region), "#2, {language}");
        }
        // The Mono family's faces for the Mono family, not Noto Sans CJK's.
        let mono = format!("{NOTO_CJK}#5");
        assert_eq!(cjk_names(&mono, "zh"), ["NotoSansMonoCJKsc-Regular", "NotoSansMonoCJKsc-Bold"]);
        assert_eq!(cjk_names(&mono, "de"), ["NotoSansMonoCJKjp-Regular", "NotoSansMonoCJKjp-Bold"]);
    }

    /// A glyph's outline as drawing commands, to tell regional forms apart.
    fn outline(face: &ttf_parser::Face, glyph: ttf_parser::GlyphId) -> String {
        use std::fmt::Write;
        struct Path(String);
        impl ttf_parser::OutlineBuilder for Path {
            fn move_to(&mut self, x: f32, y: f32) {
                let _ = write!(self.0, "M{x} {y}");
            }
            fn line_to(&mut self, x: f32, y: f32) {
                let _ = write!(self.0, "L{x} {y}");
            }
            fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
                let _ = write!(self.0, "Q{x1} {y1} {x} {y}");
            }
            fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
                let _ = write!(self.0, "C{x1} {y1} {x2} {y2} {x} {y}");
            }
            fn close(&mut self) {
                self.0.push('Z');
            }
        }
        let mut path = Path(String::new());
        face.outline_glyph(glyph, &mut path).expect("the glyph has an outline");
        path.0
    }

    /// The same Chinese name in a Chinese, Japanese, Korean, Taiwanese and German customer's
    /// document: each embeds its region's face (the configured one for German), draws the
    /// name's characters in that face's forms, and the text reads back as written.
    #[test]
    fn a_chinese_name_is_drawn_in_the_forms_of_the_documents_language() {
        use read::name;
        assert!(std::path::Path::new(NOTO_CJK).is_file(), "{NOTO_CJK} missing: install fonts-noto-cjk (scripts/test.sh does)");
        // 骨 and 直 differ between the Japanese, mainland Chinese and Taiwanese forms.
        let customer = "门店 骨直";
        for (language, region) in [("zh", "sc"), ("ja", "jp"), ("ko", "kr"), ("zh-TW", "tc"), ("zh-HK", "hk"), ("de", "jp")] {
            let mut doc = fixture::oss_invoice();
            doc.customer.name = customer.into();
            doc.language = language.into();
            let faces = fonts::test_cjk_faces(NOTO_CJK, language);
            let pdf = with_cjk(Some(faces), || write_with_faces(&doc, None));
            let r = read::Read::new(&pdf);
            let mut bases: Vec<String> = r.objects().filter(|(_, o)| o.get("/Subtype").map(name) == Some("Type0")).map(|(_, o)| name(&o["/BaseFont"]).to_string()).collect();
            bases.sort();
            assert_eq!(bases, [format!("NSCJKB+NotoSansCJK{region}-Bold"), format!("NSCJKR+NotoSansCJK{region}-Regular")], "{language}");
            // The name (bold) is drawn with the region's glyphs: the embedded program's outline
            // of each character is the regional face's.
            let bold = &faces[Weight::Bold as usize];
            let full = ttf_parser::Face::parse(bold.bytes, bold.index).unwrap();
            let font = r.objects().map(|(_, o)| o).find(|o| o.get("/BaseFont").is_some_and(|b| name(b).ends_with("-Bold")) && o.get("/Subtype").map(name) == Some("Type0")).unwrap();
            let cid_font = r.get(&font["/DescendantFonts"][0]);
            assert_eq!(name(&cid_font["/Subtype"]), "CIDFontType0", "{language}: CFF outlines");
            let program = r.stream(&r.get(&cid_font["/FontDescriptor"])["/FontFile3"]);
            let subset = ttf_parser::Face::parse(&program, 0).unwrap();
            let cmap = String::from_utf8(r.stream(&font["/ToUnicode"])).unwrap();
            for ch in customer.chars().filter(|c| !c.is_whitespace()) {
                let code = cmap
                    .lines()
                    .find_map(|l| {
                        let (code, unicode) = l.strip_prefix('<')?.split_once("> <")?;
                        (u32::from_str_radix(unicode.strip_suffix('>')?, 16).ok()? == u32::from(ch)).then(|| u16::from_str_radix(code, 16).unwrap())
                    })
                    .unwrap_or_else(|| panic!("{language}: {ch} not in the bold subset"));
                assert_eq!(outline(&subset, ttf_parser::GlyphId(code)), outline(&full, full.glyph_index(ch).unwrap()), "{language}: {ch}");
            }
            // Text extraction: the repo's reader (ToUnicode of the marked content) and poppler.
            let marked: String = r.pages().iter().flat_map(|p| r.marked_content(p)).map(|m| m.text).collect::<Vec<_>>().join("\n");
            assert!(marked.contains(customer), "{language}: {marked}");
            let t = pdftotext(&pdf);
            assert!(t.contains(customer) && !t.contains('?'), "{language}: {t}");
        }
        // The regional forms do differ: 骨 in the Japanese face is not the mainland Chinese one,
        // nor the Taiwanese one.
        let bone = |language: &str| {
            let f = &fonts::test_cjk_faces(NOTO_CJK, language)[Weight::Regular as usize];
            let face = ttf_parser::Face::parse(f.bytes, f.index).unwrap();
            outline(&face, face.glyph_index('骨').unwrap())
        };
        assert_ne!(bone("ja"), bone("zh"));
        assert_ne!(bone("zh"), bone("zh-TW"));
    }

    #[test]
    fn no_clock_or_random_value_in_the_file() {
        use read::string;
        let mut doc = fixture::oss_invoice();
        doc.issue_date = day("2001-02-03");
        let pdf = render(&doc);
        let r = read::Read::new(&pdf);
        // The /ID is the hash of everything before the cross-reference stream, the last object.
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).into_owned();
        let xref: usize = tail.split("startxref\n").nth(1).unwrap().trim_end_matches("\n%%EOF").trim().parse().unwrap();
        let last = r.objects().map(|(reference, _)| reference.split(' ').next().unwrap().parse::<usize>().unwrap()).max().unwrap();
        assert!(pdf[xref..].starts_with(format!("{last} 0 obj").as_bytes()), "startxref points at {xref}");
        assert_eq!(r.get(&Value::String(format!("{last} 0 R")))["/Type"], "/XRef");
        let id = r.trailer()["/ID"].as_array().unwrap();
        assert_eq!(id[0], id[1]);
        assert_eq!(string(&id[0]), &xxhash_rust::xxh3::xxh3_128(&pdf[..xref]).to_be_bytes()[..]);
        // Rendered again: the same bytes.
        assert_eq!(render(&doc), pdf);
        // Dates: the issue date, nothing else, in the Info dictionary and the XMP.
        let info = r.get(&r.trailer()["/Info"]);
        assert_eq!(string(&info["/CreationDate"]), b"D:20010203000000Z");
        assert_eq!(string(&info["/ModDate"]), b"D:20010203000000Z");
        let catalog = r.get(&r.trailer()["/Root"]);
        let xmp = String::from_utf8(r.stream(&catalog["/Metadata"])).unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        let year = chrono::DateTime::from_timestamp(now.as_secs() as i64, 0).unwrap().format("%Y").to_string();
        let dates: Vec<&str> = xmp.match_indices("Date>").map(|(i, _)| &xmp[i + 5..]).filter(|d| d.starts_with(|c: char| c.is_ascii_digit())).map(|d| &d[..20]).collect();
        assert_eq!(dates, ["2001-02-03T00:00:00Z"; 3], "{xmp}");
        let all = format!("{:?} {xmp}", r.objects().collect::<Vec<_>>());
        assert!(!all.contains(&format!("D:{year}")) && !xmp.contains(&format!(">{year}-")), "a current date is in the file");
    }

    /// An element of the structure tree read back: its role, the table scope of a header cell,
    /// its text (its marked content's, in order) and its children.
    #[derive(Debug)]
    struct Node {
        reference: String,
        role: String,
        scope: Option<String>,
        /// What the element's abbreviation stands for (`/E`).
        expansion: Option<String>,
        text: String,
        kids: Vec<Node>,
    }

    impl Node {
        fn roles(&self) -> Vec<&str> {
            self.kids.iter().map(|k| k.role.as_str()).collect()
        }

        fn texts(&self) -> Vec<&str> {
            self.kids.iter().map(|k| k.text.as_str()).collect()
        }

        fn walk<'a>(&'a self, out: &mut Vec<&'a Node>) {
            out.push(self);
            for k in &self.kids {
                k.walk(out);
            }
        }
    }

    /// The structure tree of `pdf`, with the marked content of every page by (page, MCID), and
    /// the artifacts' texts.
    struct Tagged {
        root: Node,
        /// (page index, MCID) → the element's reference, as the parent tree says.
        parents: std::collections::HashMap<(usize, i64), String>,
        /// (page index, MCID) → the elements claiming it.
        claimed: std::collections::HashMap<(usize, i64), Vec<String>>,
        artifacts: Vec<String>,
        lang: String,
    }

    fn tagged(pdf: &[u8]) -> Tagged {
        use read::name;
        let r = read::Read::new(pdf);
        let pages: Vec<String> = r.pages().to_vec();
        let marked: Vec<Vec<read::Marked>> = pages.iter().map(|p| r.marked_content(p)).collect();
        let catalog = r.get(&r.trailer()["/Root"]);
        assert_eq!(catalog["/MarkInfo"]["/Marked"], true);
        assert_eq!(catalog["/ViewerPreferences"]["/DisplayDocTitle"], true);
        let tree = r.get(&catalog["/StructTreeRoot"]);
        assert_eq!(name(&tree["/Type"]), "StructTreeRoot");
        let mut parents = std::collections::HashMap::new();
        let nums = tree["/ParentTree"]["/Nums"].as_array().unwrap();
        for pair in nums.chunks(2) {
            let page = pair[0].as_u64().unwrap() as usize;
            let page_ref = r.pages()[page].as_str();
            assert_eq!(r.get(&Value::String(page_ref.into()))["/StructParents"], page as u64);
            for (mcid, e) in r.get(&pair[1]).as_array().unwrap().iter().enumerate() {
                parents.insert((page, mcid as i64), e.as_str().unwrap().to_string());
            }
        }
        let mut claimed: std::collections::HashMap<(usize, i64), Vec<String>> = std::collections::HashMap::new();
        fn node(r: &read::Read, reference: &Value, pages: &[String], marked: &[Vec<read::Marked>], claimed: &mut std::collections::HashMap<(usize, i64), Vec<String>>) -> Node {
            let e = r.get(reference);
            assert_eq!(name(&e["/Type"]), "StructElem");
            let page_of = |v: &Value| pages.iter().position(|p| p == v.as_str().unwrap()).unwrap();
            let own_page = e.get("/Pg").map(page_of);
            let kids: Vec<Value> = match &e["/K"] {
                Value::Array(a) => a.clone(),
                Value::Null => Vec::new(),
                one => vec![one.clone()],
            };
            let mut n = Node {
                reference: reference.as_str().unwrap().to_string(),
                role: name(&e["/S"]).to_string(),
                scope: e.get("/A").map(|a| {
                    let a = a.as_array().map_or(a, |list| &list[0]);
                    assert_eq!(name(&a["/O"]), "Table");
                    name(&a["/Scope"]).to_string()
                }),
                expansion: e.get("/E").map(|v| String::from_utf8(read::string(v)).unwrap()),
                text: String::new(),
                kids: Vec::new(),
            };
            for kid in kids {
                let (page, mcid) = match &kid {
                    Value::Number(m) => (own_page.expect("an element with content names its page"), m.as_i64().unwrap()),
                    Value::Object(mcr) => (page_of(&mcr["/Pg"]), mcr["/MCID"].as_i64().unwrap()),
                    _ => {
                        n.kids.push(node(r, &kid, pages, marked, claimed));
                        continue;
                    }
                };
                claimed.entry((page, mcid)).or_default().push(n.reference.clone());
                let m = marked[page].iter().find(|m| m.mcid == Some(mcid)).expect("the MCID is in the page's content");
                assert_eq!(m.tag, n.role, "a sequence is tagged with its element's role");
                if !n.text.is_empty() && !n.text.ends_with(' ') {
                    n.text.push(' ');
                }
                n.text.push_str(&m.text);
            }
            n
        }
        let root = node(&r, &tree["/K"], &pages, &marked, &mut claimed);
        assert_eq!(root.role, "Document");
        for (page, seqs) in marked.iter().enumerate() {
            for m in seqs.iter().filter(|m| m.mcid.is_some()) {
                let key = (page, m.mcid.unwrap());
                assert_eq!(claimed.get(&key).map(Vec::len), Some(1), "page {page} MCID {key:?} belongs to one element");
            }
        }
        // The texts of artifacts (rules and bands have none).
        let artifacts = marked.iter().flatten().filter(|m| m.mcid.is_none() && !m.text.is_empty()).map(|m| m.text.clone()).collect();
        let lang = String::from_utf8(read::string(&catalog["/Lang"])).unwrap();
        Tagged { root, parents, claimed, artifacts, lang }
    }

    /// A reverse-charged line's tax cell reads "RC" and says what it stands for (`/E`), in
    /// the document's language; no other element carries an expansion, and a document
    /// taxed otherwise has none.
    #[test]
    fn the_reverse_charge_abbreviation_is_expanded_in_its_cell() {
        let expansions = |doc: &Document| {
            let t = tagged(&render(doc));
            let mut all = Vec::new();
            t.root.walk(&mut all);
            all.iter().filter_map(|n| n.expansion.as_ref().map(|e| (n.role.clone(), n.text.clone(), e.clone()))).collect::<Vec<_>>()
        };
        let mut doc = reverse_charge_usd();
        let cells = [("TD".to_string(), "RC".to_string(), "reverse charge".to_string())];
        assert_eq!(expansions(&doc), vec![cells[0].clone(); doc.lines.len()]);
        doc.language = "fr".into();
        assert_eq!(expansions(&doc), vec![("TD".to_string(), "Autoliq.".to_string(), "autoliquidation".to_string()); doc.lines.len()]);
        assert_eq!(expansions(&fixture::oss_invoice()), []);
    }

    /// A customer note taller than a page runs on over pages between its lines, inside the
    /// body: nothing past the footer or off the page; and no page ends with a heading.
    #[test]
    fn a_note_taller_than_a_page_is_split_between_its_lines() {
        let mut doc = fixture::oss_invoice();
        let clauses: Vec<String> = (1..=160).map(|i| format!("Clause {i} of the framework agreement applies to this invoice as agreed.")).collect();
        doc.notes = vec![clauses.join(" ")];
        let pages = layout(&doc);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let mut text = String::new();
        for page in &pages {
            for (item, part) in page {
                if let (Item::Text { y, s, .. }, Part::Note(_)) = (item, part) {
                    assert!(*y >= BOTTOM && *y <= TOP, "{s:?} at {y} is outside the body");
                    text.push_str(s);
                    text.push(' ');
                }
            }
            let last = page.iter().rev().find_map(|(i, part)| matches!(part, Part::Note(_)).then_some(i));
            if let Some(Item::Text { st, s, .. }) = last {
                assert!(*st != CAPS, "a page ends with the heading {s:?}");
            }
        }
        for i in 1..=160 {
            assert!(text.contains(&format!("Clause {i} of")), "clause {i} is missing");
        }
        // And the PDF's text has it all, in order, ending with the last clause.
        let pdf = render(&doc);
        let t = tagged(&pdf);
        let note = t.root.kids.iter().find(|k| k.text.starts_with("Clause 1 of")).expect("the note's paragraph");
        assert!(note.text.ends_with("Clause 160 of the framework agreement applies to this invoice as agreed."), "{}", &note.text[note.text.len() - 80..]);
    }

    /// A statement's detail (the document credited, the payment id the customer looks for)
    /// and its item (what a line is, and its number) wrap in their cells; neither is cut
    /// short with an ellipsis. A Greek statement is declared Greek and says it in Greek,
    /// with Greek dates and money: its long dates leave the item two lines.
    #[test]
    fn a_statement_is_in_its_customers_language_and_its_cells_wrap() {
        let t = tagged(&render_statement(&fixture::statement("el")));
        assert_eq!(t.lang, "el");
        let h1 = t.root.kids.iter().find(|k| k.role == "H1").expect("the title");
        assert_eq!(h1.text, "Κατάσταση λογαριασμού");
        let table = t.root.kids.iter().find(|k| k.role == "Table").expect("the lines' table");
        let head = &table.kids.iter().find(|k| k.role == "THead").expect("a head").kids[0];
        assert_eq!(head.texts(), ["Ημερομηνία", "Κίνηση", "Αιτιολογία", "Χρέωση", "Πληρωμή"]);
        let rows = &table.kids.iter().find(|k| k.role == "TBody").expect("a body").kids;
        assert_eq!(rows[0].texts(), ["1 Οκτωβρίου 2026", "Υπόλοιπο από μεταφορά", "", "10,00\u{a0}€", ""]);
        assert_eq!(rows[2].roles(), ["TD"; 5]);
        assert_eq!(
            rows[2].texts(),
            ["5 Οκτωβρίου 2026", "Πληρωμή KL-INV-2026-000017", "Visa με κατάληξη 4242 · Αναγνωριστικό πληρωμής pi_3QKx1017", "", "1.244,50\u{a0}€"]
        );
        assert_eq!(rows[3].texts()[..2], ["26 Οκτωβρίου 2026", "Πιστωτικό τιμολόγιο KL-CN-2026-000002"]);
        assert_eq!(rows[3].texts()[2], "Πιστώνει το τιμολόγιο KL-INV-2026-000017 της 5 Οκτωβρίου 2026");
        assert_eq!(rows[5].texts()[1..3], ["Διπλή χρέωση du_1020", "Διπλή χρέωση της συναλλαγής ch_1019"]);
        // The balance, its words wrapped or not, is one row: its label and its amount.
        let totals = t.root.kids.iter().filter(|k| k.role == "Table").nth(1).expect("the balances' table");
        assert_eq!(totals.kids.len(), 1);
        assert_eq!(totals.kids[0].roles(), ["TH", "TD"]);
        assert_eq!(totals.kids[0].texts(), ["Υπόλοιπο 25,00\u{a0}€ υπέρ σας: πληρώθηκε αλλά δεν τιμολογήθηκε, θα σας επιστραφεί", "25,00\u{a0}€"]);
        // In every language: every cell and balance whole, no word of it cut short.
        for (language, _) in locale::shipped_files() {
            let s = fixture::statement(language);
            let t = tagged(&render_statement(&s));
            let table = t.root.kids.iter().find(|k| k.role == "Table").unwrap();
            let rows = &table.kids.iter().find(|k| k.role == "TBody").unwrap().kids;
            for (row, e) in rows.iter().zip(&s.entries) {
                let texts = row.texts();
                assert_eq!(texts[1], crate::text::statement::item(&s, e), "{language}");
                assert_eq!(texts[2], crate::text::statement::detail(&s, e), "{language}");
            }
            let totals = t.root.kids.iter().filter(|k| k.role == "Table").nth(1).unwrap();
            assert_eq!(totals.kids[0].texts()[0], crate::text::statement::balance(&s, &s.balances[0]).0, "{language}");
            assert!(!pdftotext(&render_statement(&s)).contains('…'), "{language}");
        }
    }

    /// A language without a translation is printed in English, and declared so.
    #[test]
    fn the_declared_language_is_the_language_printed() {
        let mut doc = fixture::oss_invoice();
        for (language, declared) in [("ja", "en"), ("de", "de"), ("pt-BR", "pt-BR"), ("en-GB", "en-GB")] {
            doc.language = language.into();
            assert_eq!(tagged(&render(&doc)).lang, declared, "{language}");
        }
        doc.language = "ja".into();
        let html = crate::html::render(&doc);
        assert!(html.contains(r#"<html lang="en">"#), "{}", &html[..200]);
    }

    /// The account to pay to is a heading and one paragraph per line, label with value: not
    /// one heading holding the IBAN, the reference and the amount.
    #[test]
    fn the_transfer_panel_is_a_heading_and_a_paragraph_per_line() {
        let mut doc = fixture::oss_invoice();
        doc.payment.method = "bank_transfer".into();
        doc.payment.status = "due".into();
        doc.totals.due = doc.totals.gross;
        doc.totals.paid = Decimal::ZERO;
        doc.payment.transfer = Some(domain::document::BankTransfer {
            account_holder: "Kunstlicht OÜ".into(),
            iban: "EE382200221020145685".into(),
            bic: Some("HABAEE2X".into()),
            reference: "RF19KLINV2026000015".into(),
            terms_days: 14,
            due_date: day("2026-10-19"),
        });
        let t = tagged(&render(&doc));
        let kids = &t.root.kids;
        let at = kids.iter().position(|k| k.text == "SCAN WITH YOUR BANKING APP TO PAY").unwrap_or_else(|| panic!("{:#?}", t.root.texts()));
        let panel: Vec<(&str, &str)> = kids[at..at + 6].iter().map(|k| (k.role.as_str(), k.text.as_str())).collect();
        assert_eq!(
            panel,
            [
                ("H2", "SCAN WITH YOUR BANKING APP TO PAY"),
                ("P", "Account holder Kunstlicht OÜ"),
                ("P", "IBAN EE38 2200 2210 2014 5685"),
                ("P", "BIC HABAEE2X"),
                ("P", "Reference RF19 KLIN V202 6000 015"),
                ("P", "Amount due €25.00"),
            ]
        );
        // A note without a heading stays one paragraph over its lines.
        assert_eq!(kids[at - 1].role, "P");
    }

    #[test]
    fn the_structure_tree_reads_as_the_invoice() {
        let t = tagged(&render(&fixture::oss_invoice()));
        assert_eq!(t.lang, "en");
        // The parent tree sends every marked sequence back to the element that holds it.
        assert!(!t.parents.is_empty());
        for (key, elements) in &t.claimed {
            assert_eq!(t.parents.get(key), Some(&elements[0]), "{key:?}");
        }
        let doc = &t.root;
        assert_eq!(doc.kids[0].role, "H1");
        assert_eq!(doc.kids[0].text, "Invoice");
        assert_eq!(doc.kids[1].role, "P");
        assert_eq!(doc.kids[1].text, "KL-INV-2026-000017");
        let kid = |text: &str| doc.kids.iter().find(|k| k.text == text).unwrap_or_else(|| panic!("no element {text:?} in {:#?}", doc.texts()));
        assert_eq!(kid("BILL TO").role, "H2");
        assert_eq!(kid("Customer ID cus_de_01").role, "P");
        assert_eq!(kid("Issue date 5 October 2026").role, "P");
        assert_eq!(kid("VAT ID EE102345676").role, "P");

        let tables: Vec<&Node> = doc.kids.iter().filter(|k| k.role == "Table").collect();
        assert_eq!(tables.len(), 2);
        let lines = tables[0];
        assert_eq!(lines.roles(), ["THead", "TBody"]);
        let head = &lines.kids[0].kids;
        assert_eq!(head.len(), 1);
        assert_eq!(head[0].roles(), ["TH"; 5]);
        assert_eq!(head[0].texts(), ["Description", "Qty", "Unit price", "VAT", "Amount"]);
        assert!(head[0].kids.iter().all(|th| th.scope.as_deref() == Some("Column")));
        let rows = &lines.kids[1];
        assert_eq!(rows.roles(), ["TR"; 2]);
        assert_eq!(rows.kids[0].roles(), ["TD"; 5]);
        assert_eq!(rows.kids[0].texts(), ["Pro plan, monthly 5 October 2026 – 4 November 2026", "1", "12.61", "19%", "12.61"]);
        assert_eq!(rows.kids[1].texts(), ["Credit pack 500 5 October 2026 – 4 November 2026", "2", "4.20", "19%", "8.40"]);

        let totals = tables[1];
        assert_eq!(totals.roles(), ["TR"; 5]);
        let cells: Vec<Vec<&str>> = totals.kids.iter().map(Node::texts).collect();
        assert_eq!(
            cells,
            [
                ["Subtotal (excl. tax)", "21.01"],
                ["VAT 19% · Taxable amount 21.01", "3.99"],
                ["Total", "€25.00"],
                ["Paid", "€25.00"],
                ["Amount due", "€0.00"]
            ]
        );
        assert!(totals.kids.iter().all(|tr| tr.roles() == ["TH", "TD"] && tr.kids[0].scope.as_deref() == Some("Row")));

        // The notes follow the tables, in order.
        let after: Vec<&Node> = doc.kids.iter().skip_while(|k| k.role != "Table").filter(|k| k.role != "Table").collect();
        assert!(after.iter().all(|k| k.role == "P"));
        assert!(after[0].text.starts_with("VAT of Germany charged under the Union One-Stop Shop"), "{}", after[0].text);
        assert_eq!(after[after.len() - 2].text, "Paid by card on 5 October 2026: €25.00. Nothing is due.");

        // The last page's footer is read once, at the end, as paragraphs (the seller's
        // details a business letter states); its page number is an artifact.
        assert_eq!(after.last().unwrap().text, "Kunstlicht OÜ  ·  EE102345676  ·  billing@kunstlicht.example");
        assert_eq!(t.artifacts, ["Page 1 of 1"]);
        let mut all = Vec::new();
        doc.walk(&mut all);
        assert!(all.iter().all(|n| !n.text.contains("Page 1 of")));
    }

    #[test]
    fn on_later_pages_the_running_heading_and_table_header_are_artifacts() {
        let t = tagged(&render(&fixture::long_invoice(60)));
        let mut all = Vec::new();
        t.root.walk(&mut all);
        let th: Vec<&str> = all.iter().filter(|n| n.role == "TH" && n.scope.as_deref() == Some("Column")).map(|n| n.text.as_str()).collect();
        assert_eq!(th, ["Description", "Qty", "Unit price", "VAT", "Amount"], "the header cells, once");
        let rows = &t.root.kids.iter().find(|k| k.role == "Table").unwrap().kids[1];
        assert_eq!(rows.kids.len(), 60);
        for (i, row) in rows.kids.iter().enumerate() {
            assert!(row.kids[0].text.starts_with(&format!("Credit pack {}: 500 render credits", i + 1)), "{}", row.kids[0].text);
            assert_eq!(row.texts()[1..], ["1", "1.00", "19%", "1.00"]);
        }
        let pages = t.artifacts.iter().filter(|a| a.contains("Page ")).count();
        assert!(pages > 1);
        for (i, a) in t.artifacts.iter().filter(|a| a.contains("Page ")).enumerate() {
            assert!(a.ends_with(&format!("Page {} of {pages}", i + 1)), "{a}");
        }
        // The identification line is an artifact on every page but the last, where it is read.
        let ident = "Kunstlicht OÜ  ·  EE102345676  ·  billing@kunstlicht.example";
        assert_eq!(t.artifacts.iter().filter(|a| a.starts_with(ident)).count(), pages - 1);
        assert_eq!(t.root.kids.last().unwrap().text, ident);
        // One running heading per later page: the continuation line and the table's header.
        let continued = "Invoice KL-INV-2026-000017 (continued) Description Qty Unit price VAT Amount";
        assert_eq!(t.artifacts.iter().filter(|a| a.as_str() == continued).count(), pages - 1, "{:#?}", t.artifacts);
        assert!(all.iter().all(|n| !n.text.contains("(continued)") && !n.text.contains("Page ")));
    }

    /// Every text item of every page stays inside the frame, descriptions inside their
    /// column, body above the footer.
    fn assert_within_frame(doc: &Document) {
        let cols = Columns::new(doc);
        for (n, page) in layout(doc).iter().enumerate() {
            for (item, _) in page {
                if let Item::Text { x, y, s, st } = item {
                    let w = width(s, *st);
                    assert!(*x >= LEFT - 0.01 && x + w <= RIGHT + 0.01, "page {}: {s:?} leaves the frame", n + 1);
                    assert!(*y >= BOTTOM, "page {}: {s:?} runs into the footer", n + 1);
                    if (*x - cols.desc_x).abs() < 0.01 && *y < TOP - 150.0 {
                        assert!(x + w <= cols.desc_x + cols.desc_w + 0.01, "page {}: {s:?} leaves its column", n + 1);
                    }
                }
            }
        }
    }

    /// Long names, an unbreakable word and a twelve-digit amount.
    fn extreme() -> Document {
        let mut doc = fixture::long_invoice(25);
        doc.customer.name = "Ελληνική Εταιρεία Λογισμικού και Υπηρεσιών Νέφους Ανώνυμη Εταιρεία — Łódź Müller GmbH & Co. KG".into();
        doc.customer.address.line1 = "Leoforos Vasilissis Sofias 123, Building C, 4th floor, Office 17, Kolonaki District".into();
        doc.seller.name = "Kunstlicht Digitale Bildbearbeitung und Rendering Dienstleistungen OÜ".into();
        doc.lines[3].description = "Supercalifragilisticexpialidocious".repeat(6);
        doc.lines[4].net_amount = d("123456789012.34");
        doc.lines[4].unit_price = d("123456789012.3456");
        doc.lines[4].quantity = d("1234.5");
        doc
    }

    #[test]
    fn nothing_overflows_even_with_long_words_names_and_amounts() {
        let doc = extreme();
        assert_within_frame(&doc);
        let t = pdftotext(&render(&doc));
        assert!(t.contains("123,456,789,012.34"), "{t}");
        assert_within_frame(&reverse_charge_usd());
        assert_within_frame(&credit_note());
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_not_lost() {
        let mut doc = fixture::oss_invoice();
        doc.lines[0].description = (1..=400).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ");
        assert_within_frame(&doc);
        let t = pdftotext(&render(&doc));
        assert!(t.contains("word1 ") && t.contains("word400"), "{t}");
        assert!(t.contains("Credit pack 500") && t.contains("Amount due"));
    }

    #[test]
    fn totals_never_open_a_page_alone() {
        let has_total = |page: &[(Item, Part)]| page.iter().any(|(i, _)| matches!(i, Item::Text { s, .. } if s == "Total"));
        let has_row = |page: &[(Item, Part)]| page.iter().any(|(i, _)| matches!(i, Item::Text { s, .. } if s.starts_with("Credit pack")));
        for n in 1..=45 {
            let pages = layout(&fixture::long_invoice(n));
            let with_totals: Vec<_> = pages.iter().filter(|p| has_total(p)).collect();
            assert_eq!(with_totals.len(), 1, "{n} lines");
            assert!(has_row(with_totals[0]), "{n} lines: the totals are on a page without rows");
        }
    }

    #[test]
    fn variants_print_their_statements() {
        let doc = reverse_charge_usd();
        let t = pdftotext(&render(&doc));
        for needle in ["VAT 0% (reverse charge)", "RC", "FR40303265045", "Atelier Lumière SARL", "$21.01", "Reverse charge: VAT to be"] {
            assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
        }
        assert!(t.contains("VAT in EUR: €0.00 on €19.33"), "Art. 230 line missing:\n{t}");
        let doc = credit_note();
        let t = pdftotext(&render(&doc));
        for needle in ["Credit note", "KL-CN-2026-000004", "Plan change adjustment (ch_1001)", "REFERENCES", "Credits invoice KL-INV-2026-000017", "-€7.50"] {
            assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
        }
        // It reads as a credit note: its own date label, what went back to the card.
        for needle in ["Credit note date", "Total credited", "Refunded to card", "Refunded to card on 5 October 2026: €7.50."] {
            assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
        }
        for word in ["Issue date", "Amount due", "Paid"] {
            assert!(!t.contains(word), "a credit note says {word:?}:\n{t}");
        }
        // A consumer's gross-priced invoice shows what was paid per unit, with the net below.
        let mut gross = fixture::oss_invoice();
        gross.lines[0].gross = Some(domain::document::GrossPrice { unit_price: d("15.00"), amount: d("15.00") });
        gross.lines[1].gross = Some(domain::document::GrossPrice { unit_price: d("5.00"), amount: d("10.00") });
        gross.payment.card_brand = Some("Visa".into());
        gross.payment.card_last4 = Some("4242".into());
        gross.payment.payment_id = Some("pi_3QKx1001".into());
        let t = pdftotext(&render(&gross));
        for needle in ["Unit price incl. VAT", "Amount incl. VAT", "5.00", "10.00", "Subtotal (excl. tax)", "21.01", "Visa ending in 4242 · Payment ID pi_3QKx1001"] {
            assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
        }
        assert!(!t.contains("4.20"), "net unit price printed:\n{t}");
    }

    /// Writes PDFs to look at: `INVOICESMITH_LOOK=/tmp/pdfcheck cargo test --lib
    /// render::pdf::tests::write_fixtures -- --ignored`, then
    /// `pdftoppm -r 80 -png /tmp/pdfcheck/long.pdf /tmp/pdfcheck/long`.
    #[test]
    #[ignore]
    fn write_fixtures() {
        let dir = std::path::PathBuf::from(std::env::var("INVOICESMITH_LOOK").unwrap_or("/tmp/pdfcheck".into()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cjk = fixture::oss_invoice();
        cjk.customer.name = "株式会社 佐藤".into();
        for (name, doc) in [
            ("oss", fixture::oss_invoice()),
            ("long", fixture::long_invoice(60)),
            ("rc", reverse_charge_usd()),
            ("cn", credit_note()),
            ("cjk", cjk),
            ("extreme", extreme()),
        ] {
            std::fs::write(dir.join(format!("{name}.pdf")), render(&doc)).unwrap();
        }
    }

    /// `cargo test --release --lib render::pdf::tests::speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn speed() {
        let docs = [fixture::oss_invoice(), reverse_charge_usd(), credit_note()];
        let _ = render(&docs[0]);
        let rounds = 1000;
        for (name, doc) in [("oss", &docs[0]), ("rc", &docs[1]), ("cn", &docs[2])] {
            let start = std::time::Instant::now();
            let mut bytes = 0;
            for _ in 0..rounds {
                bytes += render(doc).len();
            }
            let el = start.elapsed();
            println!("{name}: {:.3} ms/render, {} bytes", el.as_secs_f64() * 1000.0 / rounds as f64, bytes / rounds);
        }
        let long = fixture::long_invoice(60);
        let start = std::time::Instant::now();
        let n = 100;
        let mut bytes = 0;
        for _ in 0..n {
            bytes += render(&long).len();
        }
        println!("long(60): {:.3} ms/render, {} bytes", start.elapsed().as_secs_f64() * 1000.0 / n as f64, bytes / n);
    }
}

