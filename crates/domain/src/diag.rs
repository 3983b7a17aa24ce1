//! Diagnostics: what is wrong with the input, and where.
//!
//! Loading never stops at the first problem: every check pushes a [`Diagnostic`] and the run
//! reports them all together, so a user fixes a file in one pass. Each names the file, the
//! line (CSV) or key (TOML), the field, the value and what was expected, in one line:
//! `transactions.csv:14: currency: 'EURO' is not an ISO 4217 code`.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// File name relative to the data folder, e.g. `transactions.csv`.
    pub file: String,
    /// 1-based line where known: a CSV file's row; in a TOML file, where the parser or the key puts it.
    pub line: Option<u64>,
    /// Column or dotted key, e.g. `currency` or `seller.address.country`.
    pub field: String,
    /// What is wrong, naming the bad value and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic; any control character in `field` or `message` (which may quote the
    /// input) is shown as U+FFFD, so each prints as one line and no escape sequence from a
    /// data file reaches the terminal.
    pub fn new(file: &str, line: Option<u64>, field: &str, message: impl Into<String>) -> Self {
        let one_line = |s: String| printable(&s, false).into_owned();
        Diagnostic { file: file.to_string(), line, field: one_line(field.to_string()), message: one_line(message.into()) }
    }
}

/// `text` with every control character shown as U+FFFD, so no escape sequence from input or
/// from the command line reaches a terminal; line breaks too unless `line_breaks` (a
/// message that may span lines, such as another library's).
pub fn printable(text: &str, line_breaks: bool) -> std::borrow::Cow<'_, str> {
    let control = |c: char| c.is_control() && !(line_breaks && c == '\n');
    if text.contains(control) { text.replace(control, "\u{fffd}").into() } else { text.into() }
}

/// "is a string", "is an integer": what a value is, as a diagnostic says it (`noun` as
/// `toml::Value::type_str` names the type).
pub fn is_a(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("is {article} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_is_named_with_its_article() {
        let named: Vec<String> = ["string", "integer", "float", "boolean", "datetime", "array", "table"].map(is_a).into();
        assert_eq!(named, ["is a string", "is an integer", "is a float", "is a boolean", "is a datetime", "is an array", "is a table"]);
    }

    #[test]
    fn a_diagnostic_is_one_printable_line() {
        let d = Diagnostic::new("customers.csv", Some(3), "na\u{1b}me", "'a\nb\u{0}' is not\r\nvalid");
        assert_eq!(d.to_string(), "customers.csv:3: na\u{fffd}me: 'a\u{fffd}b\u{fffd}' is not\u{fffd}\u{fffd}valid");
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub struct Sink<'a> {
    file: &'a str,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a str, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Sink { file, diagnostics }
    }

    pub fn push(&mut self, line: Option<u64>, field: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(self.file, line, field, message));
    }

    /// Records `'<value>' <reason>` for a value that failed a parser returning such a reason.
    pub fn bad_value(&mut self, line: Option<u64>, field: &str, value: &str, reason: &str) {
        self.push(line, field, format!("'{value}' {reason}"));
    }

    pub fn file(&self) -> &'a str {
        self.file
    }
}
