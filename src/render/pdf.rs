//! PDF rendering (printpdf): an A4 invoice or credit note, laid out here, drawn by printpdf.
//!
//! Two passes: [`layout`] measures every text with the font's own advance widths and places
//! blocks on pages (so the page count is known), then [`draw`] emits printpdf operations,
//! writing "Page N of M" on each page. Rendering is a pure function of the document:
//! fonts are registered under fixed ids, the PDF's dates come from the document, and the
//! trailer `/ID` is the SHA-256 of the file's own bytes (printpdf would put random ids
//! there), so the same document always gives the same bytes.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, Rect, Rgb, TextItem, WindingOrder,
};
use sha2::{Digest, Sha256};

use super::Document;
use super::text;

const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");

// A4 in points, and the frame everything sits in.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.7; // 20 mm
const RIGHT: f32 = PAGE_W - 56.7;
const TOP: f32 = PAGE_H - 50.0;
/// Lowest baseline for body content; the footer lives below it.
const BOTTOM: f32 = 78.0;

// Colours: one ink accent, near-black text, grey for secondary text and rules.
const INK: (f32, f32, f32) = (0.11, 0.20, 0.36);
const TEXT: (f32, f32, f32) = (0.10, 0.11, 0.13);
const MUTED: (f32, f32, f32) = (0.42, 0.45, 0.50);
const RULE: (f32, f32, f32) = (0.82, 0.84, 0.87);
const BAND: (f32, f32, f32) = (0.95, 0.96, 0.97);

/// Table columns: right edges of the numeric columns and their widths.
const COL_AMOUNT_R: f32 = RIGHT - 4.0;
const COL_VAT_R: f32 = RIGHT - 88.0;
const COL_UNIT_R: f32 = RIGHT - 140.0;
const COL_QTY_R: f32 = RIGHT - 218.0;
const DESC_X: f32 = LEFT + 4.0;
const DESC_W: f32 = COL_QTY_R - 44.0 - DESC_X;

/// A font face: printpdf's parsed font for embedding, ttf-parser metrics for measuring.
struct Face {
    id: &'static str,
    parsed: ParsedFont,
    advances: Vec<u16>,
    cmap: std::collections::HashMap<char, u16>,
    units_per_em: f32,
}

impl Face {
    fn load(id: &'static str, bytes: &'static [u8]) -> Face {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("shipped font parses");
        let face = ttf_parser::Face::parse(bytes, 0).expect("shipped font parses");
        let advances = (0..face.number_of_glyphs()).map(|g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0)).collect();
        let mut cmap = std::collections::HashMap::new();
        if let Some(table) = face.tables().cmap {
            for sub in table.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let (Some(ch), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                        cmap.entry(ch).or_insert(g.0);
                    }
                });
            }
        }
        Face { id, parsed, advances, cmap, units_per_em: f32::from(face.units_per_em()) }
    }

    fn covers(&self, ch: char) -> bool {
        self.cmap.contains_key(&ch)
    }

    /// Width of `s` at `size` pt: the sum of advances (printpdf applies no kerning).
    fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.cmap.get(&c).map_or(0, |&g| u32::from(self.advances[usize::from(g)]))).sum();
        units as f32 * size / self.units_per_em
    }
}

fn faces() -> &'static (Face, Face) {
    static FACES: OnceLock<(Face, Face)> = OnceLock::new();
    FACES.get_or_init(|| (Face::load("F1", REGULAR_TTF), Face::load("F2", BOLD_TTF)))
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

fn face(w: Weight) -> &'static Face {
    let (regular, bold) = faces();
    if w == Weight::Bold { bold } else { regular }
}

/// Characters the shipped fonts lack become '?' rather than invisible boxes. (Both faces
/// cover the same scripts: Latin, Greek, Cyrillic.)
fn printable(s: &str) -> String {
    let f = face(Weight::Regular);
    s.chars().map(|c| if f.covers(c) || c == ' ' { c } else { '?' }).collect()
}

/// Greedy word wrap to `width`; words longer than a line are broken by character.
fn wrap(s: &str, w: Weight, size: f32, width: f32) -> Vec<String> {
    let f = face(w);
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if f.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for ch in word.chars() {
                line.push(ch);
                if f.width(&line, size) > width {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(ch);
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// What is drawn: positioned primitives, in points from the bottom-left corner.
enum Item {
    Text { x: f32, y: f32, s: String, w: Weight, size: f32, color: (f32, f32, f32), align: Align },
    Rule { x1: f32, x2: f32, y: f32, thickness: f32, color: (f32, f32, f32) },
    Band { x: f32, y: f32, width: f32, height: f32, color: (f32, f32, f32) },
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

fn text(x: f32, y: f32, s: &str, w: Weight, size: f32, color: (f32, f32, f32)) -> Item {
    Item::Text { x, y, s: printable(s), w, size, color, align: Align::Left }
}

fn text_right(x: f32, y: f32, s: &str, w: Weight, size: f32, color: (f32, f32, f32)) -> Item {
    Item::Text { x, y, s: printable(s), w, size, color, align: Align::Right }
}

/// A vertical run of items, laid out from y = 0 downwards (negative y), `height` tall.
struct Block {
    items: Vec<Item>,
    height: f32,
}

impl Block {
    fn at(self, top: f32) -> impl Iterator<Item = Item> {
        self.items.into_iter().map(move |item| match item {
            Item::Text { x, y, s, w, size, color, align } => Item::Text { x, y: y + top, s, w, size, color, align },
            Item::Rule { x1, x2, y, thickness, color } => Item::Rule { x1, x2, y: y + top, thickness, color },
            Item::Band { x, y, width, height, color } => Item::Band { x, y: y + top, width, height, color },
        })
    }
}

/// The page-1 header: title and number, seller, customer, document facts.
fn header(doc: &Document) -> Block {
    let l = text::labels(&doc.language);
    let mut items = Vec::new();
    items.push(text(LEFT, -22.0, text::title(doc), Weight::Bold, 24.0, INK));
    items.push(text(LEFT, -40.0, doc.number.as_str(), Weight::Regular, 11.0, MUTED));

    // Seller, right-aligned at the top.
    let mut y = -10.0;
    items.push(text_right(RIGHT, y, &doc.seller.name, Weight::Bold, 10.0, TEXT));
    let mut seller_lines = text::address_lines(&doc.seller);
    if let Some(id) = &doc.seller.tax_id {
        seller_lines.push(format!("{} {id}", l.vat_id));
    }
    if let Some(id) = &doc.tax.seller_tax_id {
        seller_lines.push(format!("{} {} {id}", doc.tax.tax_name, doc.tax.jurisdiction));
    }
    if let Some(r) = &doc.seller.registration_id {
        seller_lines.push(format!("{} {r}", l.registration_id));
    }
    seller_lines.extend(doc.seller.email.iter().cloned());
    for line in seller_lines {
        y -= 11.5;
        items.push(text_right(RIGHT, y, &line, Weight::Regular, 8.5, MUTED));
    }
    let seller_bottom = y;

    // Customer (left) and document facts (right).
    let top = seller_bottom.min(-52.0) - 30.0;
    items.push(text(LEFT, top, &l.customer.to_uppercase(), Weight::Bold, 7.5, INK));
    let mut y = top - 15.0;
    for (i, line) in wrap(&doc.customer.name, Weight::Bold, 10.5, 250.0).into_iter().enumerate() {
        items.push(text(LEFT, y, &line, Weight::Bold, 10.5, TEXT));
        y -= if i == 0 { 13.0 } else { 13.0 };
    }
    for line in text::address_lines(&doc.customer) {
        for part in wrap(&line, Weight::Regular, 9.0, 250.0) {
            items.push(text(LEFT, y, &part, Weight::Regular, 9.0, TEXT));
            y -= 12.0;
        }
    }
    if let Some(id) = &doc.customer.tax_id {
        items.push(text(LEFT, y, &format!("{} {id}", l.vat_id), Weight::Regular, 9.0, TEXT));
        y -= 12.0;
    }
    let customer_bottom = y;

    let facts = [
        (l.number, doc.number.to_string()),
        (l.issue_date, text::date(doc.issue_date)),
        (l.tax_point_date, text::date(doc.tax_point_date)),
        (l.customer_id, doc.customer_id.clone()),
        (l.currency, doc.currency.to_string()),
    ];
    let mut y = top;
    for (label, value) in facts {
        items.push(text_right(RIGHT - 130.0, y, label, Weight::Regular, 8.5, MUTED));
        items.push(text_right(RIGHT, y, &value, Weight::Regular, 9.0, TEXT));
        y -= 13.0;
    }
    let bottom = customer_bottom.min(y) - 18.0;
    Block { items, height: -bottom }
}

/// The small heading of continuation pages.
fn continuation_header(doc: &Document) -> Block {
    let l = text::labels(&doc.language);
    let s = format!("{} {} ({})", text::title(doc), doc.number, l.continued);
    Block { items: vec![text(LEFT, -12.0, &s, Weight::Bold, 10.0, INK)], height: 28.0 }
}

fn table_header(doc: &Document) -> Block {
    let l = text::labels(&doc.language);
    let y = -13.0;
    let items = vec![
        Item::Band { x: LEFT, y: -19.0, width: RIGHT - LEFT, height: 19.0, color: BAND },
        text(DESC_X, y, l.description, Weight::Bold, 8.0, INK),
        text_right(COL_QTY_R, y, l.quantity, Weight::Bold, 8.0, INK),
        text_right(COL_UNIT_R, y, l.unit_price, Weight::Bold, 8.0, INK),
        text_right(COL_VAT_R, y, l.tax_rate, Weight::Bold, 8.0, INK),
        text_right(COL_AMOUNT_R, y, l.net_amount, Weight::Bold, 8.0, INK),
    ];
    Block { items, height: 19.0 }
}

fn line_row(doc: &Document, line: &crate::document::DocumentLine) -> Block {
    let l = text::labels(&doc.language);
    let mut items = Vec::new();
    let mut y = -14.0;
    let first = y;
    for part in wrap(&line.description, Weight::Regular, 9.0, DESC_W) {
        items.push(text(DESC_X, y, &part, Weight::Regular, 9.0, TEXT));
        y -= 11.5;
    }
    let mut notes = Vec::new();
    if let Some(p) = text::service_period(line) {
        notes.push(p);
    }
    if line.proration {
        let mut note = l.proration.to_string();
        if let Some(charge) = &line.adjusts {
            note.push_str(&format!(" ({charge})"));
        }
        notes.push(note);
    }
    for note in notes {
        for part in wrap(&note, Weight::Regular, 7.5, DESC_W) {
            items.push(text(DESC_X, y + 1.0, &part, Weight::Regular, 7.5, MUTED));
            y -= 10.0;
        }
    }
    items.push(text_right(COL_QTY_R, first, &text::quantity(line.quantity), Weight::Regular, 9.0, TEXT));
    items.push(text_right(COL_UNIT_R, first, &text::unit_price(doc, line.unit_price), Weight::Regular, 9.0, TEXT));
    items.push(text_right(COL_VAT_R, first, &text::line_tax(doc, line), Weight::Regular, 9.0, TEXT));
    items.push(text_right(COL_AMOUNT_R, first, &text::amount(doc, line.net_amount), Weight::Regular, 9.0, TEXT));
    let height = -y - 4.0;
    items.push(Item::Rule { x1: LEFT, x2: RIGHT, y: -height, thickness: 0.4, color: RULE });
    Block { items, height }
}

/// Totals, Art. 230 statement, legends, references and payment: one block that is never
/// split from the table.
fn closing(doc: &Document) -> Block {
    let l = text::labels(&doc.language);
    let mut items = Vec::new();
    let label_r = RIGHT - 100.0;
    let mut y = -18.0;
    let row = |items: &mut Vec<Item>, y: &mut f32, label: &str, value: String, w: Weight, size: f32| {
        items.push(text_right(label_r, *y, label, w, size, if w == Weight::Bold { TEXT } else { MUTED }));
        items.push(text_right(COL_AMOUNT_R, *y, &value, w, size, TEXT));
        *y -= size + 5.0;
    };
    row(&mut items, &mut y, l.subtotal, text::amount(doc, doc.totals.net), Weight::Regular, 9.0);
    for r in &doc.tax_breakdown {
        let label = text::subtotal_row(doc, r);
        row(&mut items, &mut y, &label, text::amount(doc, r.tax_amount), Weight::Regular, 9.0);
    }
    y -= 2.0;
    items.push(Item::Rule { x1: label_r - 150.0, x2: RIGHT, y: y + 9.0, thickness: 0.8, color: INK });
    y -= 6.0;
    row(&mut items, &mut y, l.total, text::money(doc, doc.totals.gross), Weight::Bold, 11.5);
    row(&mut items, &mut y, l.paid, text::money(doc, doc.totals.paid), Weight::Regular, 9.0);
    row(&mut items, &mut y, l.due, text::money(doc, doc.totals.due), Weight::Bold, 9.5);

    y -= 10.0;
    let mut notes: Vec<(String, Weight, (f32, f32, f32))> = Vec::new();
    for r in &doc.references {
        notes.push((text::reference(r), Weight::Bold, TEXT));
    }
    notes.push((text::payment(doc), Weight::Regular, TEXT));
    if let Some(b) = text::base_currency_tax(doc) {
        notes.push((b, Weight::Regular, TEXT));
    }
    for legend in &doc.legends {
        notes.push((legend.text.clone(), Weight::Regular, MUTED));
    }
    for (note, w, color) in notes {
        for part in wrap(&note, w, 8.5, RIGHT - LEFT) {
            items.push(text(LEFT, y, &part, w, 8.5, color));
            y -= 11.5;
        }
        y -= 3.0;
    }
    Block { items, height: -y }
}

/// One laid-out page: its items, drawn later with the page count known.
struct Page {
    items: Vec<Item>,
}

/// Places the document's blocks on pages: header, table rows (header repeated on each page),
/// and the closing block, which moves to a new page together with the last row if it
/// doesn't fit.
fn layout(doc: &Document) -> Vec<Page> {
    let mut pages: Vec<Vec<Block>> = vec![];
    let mut tops: Vec<f32> = vec![];
    // Blocks per page, each with its top y.
    let mut current: Vec<(Block, f32)> = Vec::new();
    let mut y = TOP;
    let place = |current: &mut Vec<(Block, f32)>, y: &mut f32, b: Block| {
        let h = b.height;
        current.push((b, *y));
        *y -= h;
    };
    place(&mut current, &mut y, header(doc));
    place(&mut current, &mut y, table_header(doc));
    let mut rows_on_page = 0;
    let mut finished: Vec<Vec<(Block, f32)>> = Vec::new();
    for line in &doc.lines {
        let row = line_row(doc, line);
        if y - row.height < BOTTOM && rows_on_page > 0 {
            finished.push(std::mem::take(&mut current));
            y = TOP;
            place(&mut current, &mut y, continuation_header(doc));
            place(&mut current, &mut y, table_header(doc));
            rows_on_page = 0;
        }
        place(&mut current, &mut y, row);
        rows_on_page += 1;
    }
    let closing = closing(doc);
    if y - closing.height < BOTTOM {
        // Carry the last row over so the totals are not alone on their page.
        let last = if rows_on_page > 1 { current.pop() } else { None };
        finished.push(std::mem::take(&mut current));
        y = TOP;
        place(&mut current, &mut y, continuation_header(doc));
        place(&mut current, &mut y, table_header(doc));
        if let Some((row, _)) = last {
            place(&mut current, &mut y, row);
        }
    }
    place(&mut current, &mut y, closing);
    finished.push(current);
    let _ = (&mut pages, &mut tops);
    finished
        .into_iter()
        .map(|blocks| Page { items: blocks.into_iter().flat_map(|(b, top)| b.at(top)).collect() })
        .collect()
}

fn footer(doc: &Document, page: usize, pages: usize) -> Vec<Item> {
    let mut parts = vec![doc.seller.name.clone()];
    parts.extend(doc.seller.tax_id.clone());
    parts.extend(doc.seller.email.clone());
    vec![
        Item::Rule { x1: LEFT, x2: RIGHT, y: 52.0, thickness: 0.4, color: RULE },
        text(LEFT, 40.0, &parts.join("  ·  "), Weight::Regular, 7.5, MUTED),
        text_right(RIGHT, 40.0, &text::page_of(doc, page, pages), Weight::Regular, 7.5, MUTED),
    ]
}

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb { r, g, b, icc_profile: None })
}

/// printpdf operations for one page's items.
fn draw(items: &[Item]) -> Vec<Op> {
    let mut ops = Vec::with_capacity(items.len() * 6);
    for item in items {
        match item {
            Item::Text { x, y, s, w, size, color, align } => {
                let f = face(*w);
                let x = match align {
                    Align::Left => *x,
                    Align::Right => x - f.width(s, *size),
                };
                ops.push(Op::SetFillColor { col: rgb(*color) });
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont { font: PdfFontHandle::External(FontId(f.id.into())), size: Pt(*size) });
                ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(*y) } });
                ops.push(Op::ShowText { items: vec![TextItem::Text(s.clone())] });
                ops.push(Op::EndTextSection);
            }
            Item::Rule { x1, x2, y, thickness, color } => {
                ops.push(Op::SetOutlineColor { col: rgb(*color) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                let p = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(*y) }, bezier: false };
                ops.push(Op::DrawLine { line: Line { points: vec![p(*x1), p(*x2)], is_closed: false } });
            }
            Item::Band { x, y, width, height, color } => {
                ops.push(Op::SetFillColor { col: rgb(*color) });
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(*y),
                        width: Pt(*width),
                        height: Pt(*height),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
        }
    }
    ops
}

/// Renders an issued document as PDF. Pure: same document → same bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    let pages = layout(doc);
    let count = pages.len();
    let mut pdf = PdfDocument::new(&format!("{} {}", text::title(doc), doc.number));
    for f in [face(Weight::Regular), face(Weight::Bold)] {
        pdf.resources.fonts.map.insert(FontId(f.id.into()), printpdf::PdfFont::new(f.parsed.clone()));
    }
    let date = pdf_date(doc.issue_date);
    let info = &mut pdf.metadata.info;
    info.creation_date = date.clone();
    info.modification_date = date.clone();
    info.metadata_date = date;
    info.author = doc.seller.name.clone();
    info.creator = "invoicesmith".into();
    info.producer = "invoicesmith".into();
    info.subject = format!("{} {} for {}", text::title(doc), doc.number, doc.customer.name);
    info.identifier = doc.number.to_string();
    let pdf_pages: Vec<PdfPage> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let mut ops = draw(&page.items);
            ops.extend(draw(&footer(doc, i + 1, count)));
            PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops)
        })
        .collect();
    pdf.with_pages(pdf_pages);
    let mut lo = pdf.to_lopdf_document(&PdfSaveOptions::default(), &mut Vec::new());
    // A fixed-length placeholder /ID, replaced below by the hash of the bytes around it.
    let placeholder = vec![0u8; 16];
    let id = lopdf::Object::String(placeholder.clone(), lopdf::StringFormat::Hexadecimal);
    lo.trailer.set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).expect("writing to memory");
    let hash = Sha256::digest(&bytes);
    let hex: String = hash[..16].iter().map(|b| format!("{b:02X}")).collect();
    let needle = format!("<{}>", "00".repeat(16));
    if let Some(pos) = find_last(&bytes, needle.as_bytes()) {
        let replacement = format!("<{hex}>");
        // Both /ID entries: the original and the current version are this one.
        bytes[pos..pos + replacement.len()].copy_from_slice(replacement.as_bytes());
        if let Some(first) = find_last(&bytes[..pos], needle.as_bytes()) {
            bytes[first..first + replacement.len()].copy_from_slice(replacement.as_bytes());
        }
    }
    bytes
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn pdf_date(d: chrono::NaiveDate) -> printpdf::OffsetDateTime {
    let ts = d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp();
    printpdf::OffsetDateTime::from_unix_timestamp(ts).expect("valid date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    fn pdftotext(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-layout", path.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext is required for the tests: install poppler-utils (.ci/run does)");
        assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn same_document_same_bytes_even_after_rendering_another() {
        let a = render(&fixture::oss_invoice());
        let _ = render(&fixture::long_invoice(30));
        let b = render(&fixture::oss_invoice());
        assert!(a.starts_with(b"%PDF-"));
        assert!(a == b, "two renders of the same document differ");
        // The /ID is derived from the content, not random.
        let text = String::from_utf8_lossy(&a);
        assert!(!text.contains(&"00".repeat(16)), "the /ID placeholder was not replaced");
    }

    #[test]
    fn text_is_extractable_and_complete() {
        let t = pdftotext(&render(&fixture::oss_invoice()));
        for needle in ["Invoice", "KL-INV-2026-000017", "Jürgen Müller", "Kunstlicht OÜ", "EE102345676", "VAT 19%", "3.99", "25.00", "Page 1 of 1", "One-Stop Shop", "Schönhauser Allee 12"] {
            assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
        }
    }

    #[test]
    fn long_invoices_flow_over_pages_with_repeated_headers() {
        let pdf = render(&fixture::long_invoice(60));
        let t = pdftotext(&pdf);
        let pages: Vec<&str> = t.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let n = pages.len();
        for (i, page) in pages.iter().enumerate() {
            assert!(page.contains(&format!("Page {} of {n}", i + 1)), "page {} lacks its number", i + 1);
            assert!(page.contains("Description"), "page {} lacks the table header", i + 1);
        }
        assert!(pages[n - 1].contains("Total"));
        assert!(t.contains("Ελληνική Εταιρεία Λογισμικού"), "Greek name lost");
        assert!(t.contains("Łódź Müller"), "Polish/German name lost");
        assert!(t.contains("Αθήνα"));
        // Every line made it, in order.
        let found: Vec<usize> = (1..=60).filter(|i| t.contains(&format!("Credit pack {i}:"))).collect();
        assert_eq!(found.len(), 60);
    }

    /// Writes the fixtures' PDFs to `$INVOICESMITH_LOOK` to render and look at:
    /// `INVOICESMITH_LOOK=/tmp/look cargo test --lib write_fixtures -- --ignored`, then
    /// `pdftoppm -r 70 -png /tmp/look/long.pdf /tmp/look/long`.
    #[test]
    #[ignore]
    fn write_fixtures() {
        let dir = std::path::PathBuf::from(std::env::var("INVOICESMITH_LOOK").unwrap_or("/tmp/look".into()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("oss.pdf"), render(&fixture::oss_invoice())).unwrap();
        std::fs::write(dir.join("long.pdf"), render(&fixture::long_invoice(60))).unwrap();
    }

    #[test]
    fn characters_without_a_glyph_become_question_marks_not_boxes() {
        let mut doc = fixture::oss_invoice();
        doc.customer.name = "佐藤 花子".into();
        let t = pdftotext(&render(&doc));
        assert!(t.contains("?? ??"), "{t}");
    }
}
