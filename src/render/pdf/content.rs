//! A page's content stream, written as bytes.
//!
//! A page draws a few dozen rules and bands and a few hundred text runs. Built as printpdf
//! operations, each became a list of lopdf objects and was then formatted through `fmt`: a
//! fifth of a PDF's time (callgrind, `examples/render_speed`) for a dozen kinds of operator.
//! Here each operator is written directly, in the form lopdf writes it (one operator per line,
//! operands separated by spaces, reals in their shortest form, literal strings escaped as
//! lopdf escapes them), so the streams are the bytes they were before.
//!
//! Positions come in whole hundredths of a point ([`Content::hundredths`]): they print as
//! decimals without a float conversion, and exactly.

use super::syntax;

/// A content stream being written.
pub(super) struct Content {
    bytes: Vec<u8>,
}

impl Content {
    pub(super) fn new() -> Content {
        Content { bytes: Vec::with_capacity(8 * 1024) }
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// An operator and the line break that ends it.
    fn op(&mut self, operator: &str) {
        self.bytes.extend_from_slice(operator.as_bytes());
        self.bytes.push(b'\n');
    }

    /// A real operand.
    fn real(&mut self, v: f32) {
        syntax::real(&mut self.bytes, v);
        self.bytes.push(b' ');
    }

    /// An operand of `n` hundredths: `12.5`, `-0.07`, `20`.
    fn hundredths(&mut self, n: i32) {
        syntax::decimal(&mut self.bytes, i64::from(n), 2);
        self.bytes.push(b' ');
    }

    fn rgb(&mut self, (r, g, b): (f32, f32, f32), operator: &str) {
        self.real(r);
        self.real(g);
        self.real(b);
        self.op(operator);
    }

    /// `rg`: the colour text and bands are filled with.
    pub(super) fn fill_color(&mut self, color: (f32, f32, f32)) {
        self.rgb(color, "rg");
    }

    /// `RG`: the colour rules are stroked with.
    pub(super) fn stroke_color(&mut self, color: (f32, f32, f32)) {
        self.rgb(color, "RG");
    }

    /// `w`: the width rules are stroked with.
    pub(super) fn line_width(&mut self, width: f32) {
        self.real(width);
        self.op("w");
    }

    /// A filled rectangle (`re`, `f`) from its bottom-left corner, in hundredths.
    pub(super) fn band(&mut self, [x, y, w, h]: [i32; 4]) {
        for v in [x, y, w, h] {
            self.hundredths(v);
        }
        self.op("re");
        self.op("f");
    }

    /// A straight, stroked line (`m`, `l`, `S`) between two points, in hundredths.
    pub(super) fn line(&mut self, from: (i32, i32), to: (i32, i32)) {
        self.hundredths(from.0);
        self.hundredths(from.1);
        self.op("m");
        self.hundredths(to.0);
        self.hundredths(to.1);
        self.op("l");
        self.op("S");
    }

    pub(super) fn begin_text(&mut self) {
        self.op("BT");
    }

    pub(super) fn end_text(&mut self) {
        // The last operator is not followed by a line break (as lopdf writes streams).
        self.bytes.extend_from_slice(b"ET");
    }

    /// `Tf`: the font resource `name` at `size` pt.
    pub(super) fn font(&mut self, name: &str, size: f32) {
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(b' ');
        self.real(size);
        self.op("Tf");
    }

    /// `Tc`: extra space after each character.
    pub(super) fn char_spacing(&mut self, spacing: f32) {
        self.real(spacing);
        self.op("Tc");
    }

    /// `Td`: the next run starts this far from where the last one started, in hundredths.
    pub(super) fn move_text(&mut self, dx: i32, dy: i32) {
        self.hundredths(dx);
        self.hundredths(dy);
        self.op("Td");
    }

    /// `Tj`: `codes` shown as a literal string.
    pub(super) fn show(&mut self, codes: &[u8]) {
        syntax::literal(&mut self.bytes, codes);
        self.bytes.push(b' ');
        self.op("Tj");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_written_as_lopdf_writes_them() {
        let mut c = Content::new();
        c.stroke_color((0.84, 0.86, 0.89));
        c.line_width(0.5);
        c.line((5669, 68337), (53858, 68337));
        c.fill_color((0.945, 0.955, 0.97));
        c.band([5669, 54637, 48189, 2000]);
        c.begin_text();
        c.font("NSBOLD", 6.8);
        c.char_spacing(0.7);
        c.move_text(-37430, -7);
        c.show(&[0, 40, 0, 41, 0, 41, 0, 92, 0, 13, 0, 40]);
        c.end_text();
        let expected = "0.84 0.86 0.89 RG\n0.5 w\n56.69 683.37 m\n538.58 683.37 l\nS\n\
                        0.945 0.955 0.97 rg\n56.69 546.37 481.89 20 re\nf\n\
                        BT\n/NSBOLD 6.8 Tf\n0.7 Tc\n-374.3 -0.07 Td\n";
        let mut want = expected.as_bytes().to_vec();
        // The pair stays; the second `)`, the backslash, the CR and the last `(` are escaped.
        want.extend_from_slice(b"(\x00(\x00)\x00\\)\x00\\\\\x00\\r\x00\\() Tj\nET");
        assert_eq!(c.into_bytes(), want);
    }
}
