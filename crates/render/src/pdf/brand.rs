//! The brand and bank-transfer parts of the page: the logo above the letterhead, the
//! company's footer lines, and the request to pay with its EPC QR code.

use super::{Block, CAPS, Item, LABEL, LEFT, MM, RIGHT, Rgb3, Style, BODY, FOOTER, fit, left, printable, width, wrap};
use domain::document::Document;
use crate::{qr, text, transfer};

/// The largest printed logo: 14 mm high, 60 mm wide (the aspect ratio kept).
const LOGO_MAX_H: f32 = 14.0 * MM;
const LOGO_MAX_W: f32 = 60.0 * MM;
/// Space between the logo and the title under it.
const LOGO_GAP: f32 = 14.0;

/// Page 1's header with the logo above it, when the brand has one.
pub(super) fn with_logo(doc: &Document, header: Block) -> Block {
    let Some(logo) = doc.brand.as_ref().and_then(|b| b.logo.as_ref()) else { return header };
    let (w, h) = (logo.width.max(1) as f32, logo.height.max(1) as f32);
    let scale = (LOGO_MAX_H / h).min(LOGO_MAX_W / w);
    let (w, h) = (w * scale, h * scale);
    let shift = -(h + LOGO_GAP);
    let mut items = vec![Item::Logo { x: LEFT, y: -h, w, h }];
    items.extend(header.items.into_iter().map(|i| i.shifted(shift)));
    Block { items, height: header.height - shift }
}

/// The footer's brand lines under the seller's identification: joined by middle dots and
/// wrapped to at most three lines (the third shortened if it must be).
const BRAND_FOOTER: Style = Style { size: 6.5, ..FOOTER };
/// The most brand lines a footer holds: a registered office, register, managing directors,
/// support and a bank account (IBAN and BIC) take three in the longer languages, and a
/// shortened bank account is no use to a customer.
const BRAND_LINES: usize = 3;
/// From one footer line's baseline to the next.
pub(super) const FOOTER_LEADING: f32 = 8.5;

pub(super) fn footer_lines(doc: &Document) -> Vec<String> {
    let lines = crate::brand::footer_lines(doc);
    if lines.is_empty() {
        return Vec::new();
    }
    let mut wrapped = wrap(&lines.join("  ·  "), BRAND_FOOTER, RIGHT - LEFT);
    if wrapped.len() > BRAND_LINES {
        let rest = wrapped[BRAND_LINES - 1..].join(" ");
        wrapped.truncate(BRAND_LINES - 1);
        wrapped.push(fit(&rest, BRAND_FOOTER, RIGHT - LEFT));
    }
    wrapped
}

/// The brand lines placed under the identification line at `baseline`.
pub(super) fn footer(lines: &[String], baseline: f32) -> impl Iterator<Item = Item> + '_ {
    lines.iter().enumerate().map(move |(i, line)| left(LEFT, baseline - FOOTER_LEADING * (i as f32 + 1.0), line, BRAND_FOOTER))
}

/// The QR code's modules: black on the page's white, for the best contrast a scanner gets.
pub(super) const QR_DARK: Rgb3 = (0.0, 0.0, 0.0);
/// The code's printed width without its quiet zone: 30 mm (EPC069-12 asks for at least 2 cm).
const QR_SIZE: f32 = 30.0 * MM;

/// The account to pay to, beside the EPC QR code when the invoice is in euro: what a
/// customer needs to pay, after the request to pay.
pub(super) fn transfer_block(doc: &Document) -> Option<Block> {
    let account = transfer::account(doc);
    if account.is_empty() {
        return None;
    }
    let matrix = domain::payment::terms::epc_payload(doc).and_then(|payload| qr::matrix(&payload).ok());
    let gap = 8.0;
    let mut items = Vec::new();
    let mut text_x = LEFT;
    let mut qr_height = 0.0;
    if let Some(m) = &matrix {
        // A module size in whole hundredths of a point, so that rows meet exactly.
        let module = (QR_SIZE / m.width as f32 * 100.0).round() / 100.0;
        let quiet = 4.0 * module;
        let top = -gap - quiet;
        items.push(Item::Qr { x: LEFT + quiet, y: top - m.width as f32 * module, module, matrix: m.clone() });
        qr_height = m.width as f32 * module + 2.0 * quiet;
        text_x = LEFT + m.width as f32 * module + 2.0 * quiet + 10.0;
    }
    let mut y = -gap - 16.0;
    if matrix.is_some() {
        items.push(left(text_x, y, &text::caps(doc, transfer::scan_label(doc)), CAPS));
        y -= 16.0;
    }
    let label_w = account.iter().map(|(k, _)| width(&printable(k, LABEL.weight), LABEL)).fold(0.0, f32::max);
    for (label, value) in &account {
        items.push(left(text_x, y, label, LABEL));
        items.push(left(text_x + label_w + 12.0, y, value, BODY));
        y -= 13.0;
    }
    let amount = (text::labels(&doc.language).due.as_str(), text::money(doc, doc.totals.due));
    items.push(left(text_x, y, amount.0, LABEL));
    items.push(left(text_x + label_w + 12.0, y, &amount.1, BODY));
    y -= 13.0;
    let height = (gap + qr_height).max(-y) + 4.0;
    Some(Block { items, height })
}
