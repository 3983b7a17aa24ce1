//! Free text from the input (CSV fields, `company.toml` strings, `reissue --set`): one line
//! of printable characters.
//!
//! Every field is printed on one line of a PDF, an HTML page, an XML e-invoice and a CSV
//! journal, and each of those treats control characters its own way (XML 1.0 cannot carry
//! most of them at all), so one document would say different things in different formats.
//! A line break inside a quoted CSV field is valid CSV (a spreadsheet cell with two lines):
//! it is read as one space. Any other control character (NUL, TAB, ESC, DEL, C1 controls…)
//! is refused, naming it, rather than printed differently by each format. So are the
//! invisible formatting characters: a browser obeys a right-to-left override (U+202E) and
//! shows `Anna Kommanda` for `Anna \u{202E}adnammoK`, or `10.0` for `0.01`, while the PDF
//! draws the character's glyph and an e-invoice viewer may do either; a soft hyphen is a
//! visible hyphen in the PDF and nothing in the HTML.

use std::borrow::Cow;

/// A control character other than a line break, or an invisible formatting character, in
/// free text; the text completes `"<field>: …"` and names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("contains the {} U+{:04X}; expected printable text", if .0.is_control() { "control character" } else { "invisible formatting character" }, u32::from(*.0))]
pub struct ControlCharacter(pub char);

/// Characters that draw nothing in a browser but change what is shown (bidirectional
/// overrides, embeddings and isolates, the Arabic letter mark) or how (soft hyphen,
/// zero-width space and joiners, word joiner, invisible operators, byte order mark,
/// interlinear annotation), and the line and paragraph separators.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{61C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// `raw` (already trimmed) as one line: each line break (CR, LF or CRLF, with the spaces
/// around it) becomes one space. The error names any other control character.
pub fn single_line(raw: &str) -> Result<Cow<'_, str>, ControlCharacter> {
    // Fast path, as every field of every row comes here: control characters are the bytes
    // below 0x20, 0x7F, and 0xC2 0x80–0x9F (C1).
    // below 0x20, 0x7F, and 0xC2 0x80–0x9F (C1); the invisible ones start with 0xC2, 0xD8,
    // 0xE1, 0xE2 or 0xEF.
    if !raw.bytes().any(|b| b < 0x20 || b == 0x7f || matches!(b, 0xc2 | 0xd8 | 0xe1 | 0xe2 | 0xef)) {
        return Ok(Cow::Borrowed(raw));
    }
    if let Some(c) = raw.chars().find(|&c| (c.is_control() && c != '\r' && c != '\n') || invisible(c)) {
        return Err(ControlCharacter(c));
    }
    if !raw.contains(['\r', '\n']) {
        return Ok(Cow::Borrowed(raw));
    }
    let lines: Vec<&str> = raw.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect();
    Ok(Cow::Owned(lines.join(" ")))
}

/// The length limits of free text, in characters, shared by every input carrying the same
/// kind of value (a customer's name in customers.csv and `reissue --set`, the seller's in
/// company.toml). Far above any real value, so only a value that is not what the field means
/// (a file pasted into a cell) is refused rather than printed over pages. Why each number,
/// at the tables that use them (`customers::TEXT_LIMITS`, `transactions::TEXT_LIMITS`).
pub mod limits {
    /// One line of text: a name, an address line, a city, a region, an id or a reference.
    pub const LINE: usize = 255;
    /// A postal code (the longest are 10 characters).
    pub const POSTAL_CODE: usize = 20;
    /// An email address: the longest SMTP can carry (RFC 5321, 4.5.3.1.3, less the brackets).
    pub const EMAIL: usize = 254;
    /// A note or a line's description, printed under or in the lines.
    pub const NOTE: usize = 1000;
}

/// A value longer than its limit; the text completes `"<field>: …"`. The value itself is not
/// quoted, being too long to read in an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is {length} characters long; expected at most {max}")]
pub struct TooLong {
    pub length: usize,
    pub max: usize,
}

/// `value` if it has at most `max` characters.
pub fn check_length(value: &str, max: usize) -> Result<(), TooLong> {
    // A value of at most `max` bytes has at most `max` characters: the count is needed only
    // for the rare longer one.
    if value.len() <= max {
        return Ok(());
    }
    let length = value.chars().count();
    if length > max { Err(TooLong { length, max }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_one_space() {
        assert_eq!(single_line("A\rB").unwrap(), "A B");
        assert_eq!(single_line("A\nB").unwrap(), "A B");
        assert_eq!(single_line("Hinterhaus\r\n  3. OG").unwrap(), "Hinterhaus 3. OG");
        assert_eq!(single_line("A\r\n\r\nB").unwrap(), "A B");
        assert!(matches!(single_line("Jürgen Müller").unwrap(), Cow::Borrowed("Jürgen Müller")));
    }

    #[test]
    fn other_control_characters_are_named() {
        assert_eq!(single_line("A\0B"), Err(ControlCharacter('\0')));
        assert_eq!(single_line("A\0B").unwrap_err().to_string(), "contains the control character U+0000; expected printable text");
        assert_eq!(single_line("Pro\tplan").unwrap_err().to_string(), "contains the control character U+0009; expected printable text");
        assert_eq!(single_line("\u{1b}[31mred").unwrap_err().to_string(), "contains the control character U+001B; expected printable text");
        assert_eq!(single_line("del\u{7f}").unwrap_err().to_string(), "contains the control character U+007F; expected printable text");
        assert_eq!(single_line("c1\u{85}").unwrap_err().to_string(), "contains the control character U+0085; expected printable text");
        // Not a control character: printed as it is.
        assert_eq!(single_line("non\u{a0}breaking").unwrap(), "non\u{a0}breaking");
        assert_eq!(single_line("1 200 € – 5 %").unwrap(), "1 200 € – 5 %");
        assert_eq!(single_line("Zoë’s “studio” ‹x›").unwrap(), "Zoë’s “studio” ‹x›");
    }

    #[test]
    fn invisible_formatting_characters_are_named() {
        let refused = |s: &str| single_line(s).unwrap_err().to_string();
        assert_eq!(refused("Anna \u{202e}adnammoK\u{202c}"), "contains the invisible formatting character U+202E; expected printable text");
        assert_eq!(refused("Anna\u{ad}Schmidt"), "contains the invisible formatting character U+00AD; expected printable text");
        for c in ['\u{61c}', '\u{180e}', '\u{200b}', '\u{200d}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{2060}', '\u{2064}', '\u{2066}', '\u{2069}', '\u{feff}', '\u{fff9}', '\u{fffb}'] {
            assert_eq!(single_line(&format!("a{c}b")), Err(ControlCharacter(c)), "U+{:04X}", u32::from(c));
        }
        // Their neighbours are printable.
        for c in ['\u{ac}', '\u{ae}', '\u{61b}', '\u{200a}', '\u{2027}', '\u{202f}', '\u{205f}', '\u{fefe}', '\u{fff8}', '\u{fffc}'] {
            assert!(single_line(&format!("a{c}b")).is_ok(), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert_eq!(check_length(&"ü".repeat(20), limits::POSTAL_CODE), Ok(()), "40 bytes, 20 characters");
        assert_eq!(check_length(&"ü".repeat(21), limits::POSTAL_CODE), Err(TooLong { length: 21, max: 20 }));
        assert_eq!(TooLong { length: 21, max: 20 }.to_string(), "is 21 characters long; expected at most 20");
    }
}
