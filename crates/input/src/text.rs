//! Free text from the input (CSV fields, `company.toml` strings, `reissue --set`): one line
//! of printable characters.
//!
//! Every field is printed on one line of a PDF, an HTML page, an XML e-invoice and a CSV
//! journal, and each of those treats control characters its own way (XML 1.0 cannot carry
//! most of them at all), so one document would say different things in different formats.
//! A line break inside a quoted CSV field is valid CSV (a spreadsheet cell with two lines):
//! it is read as one space. Any other control character (NUL, TAB, ESC, DEL, C1 controls…)
//! is refused, naming it, rather than printed differently by each format.

use std::borrow::Cow;

/// A control character other than a line break in free text; the text completes
/// `"<field>: …"` and names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("contains the control character U+{:04X}; expected printable text", u32::from(*.0))]
pub struct ControlCharacter(pub char);

/// `raw` (already trimmed) as one line: each line break (CR, LF or CRLF, with the spaces
/// around it) becomes one space. The error names any other control character.
pub fn single_line(raw: &str) -> Result<Cow<'_, str>, ControlCharacter> {
    // Fast path, as every field of every row comes here: control characters are the bytes
    // below 0x20, 0x7F, and 0xC2 0x80–0x9F (C1).
    if !raw.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        return Ok(Cow::Borrowed(raw));
    }
    if let Some(c) = raw.chars().find(|&c| c.is_control() && c != '\r' && c != '\n') {
        return Err(ControlCharacter(c));
    }
    if !raw.contains(['\r', '\n']) {
        return Ok(Cow::Borrowed(raw));
    }
    let lines: Vec<&str> = raw.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect();
    Ok(Cow::Owned(lines.join(" ")))
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
    }
}
