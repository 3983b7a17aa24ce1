//! A CSV file with a fixed set of named columns, read leniently enough to report every
//! problem: a wrong header or a short row is a diagnostic, not an abort.

use domain::diag::Sink;

/// One data row: its 1-based line in the file and its trimmed fields in declared column order.
///
/// The fields share one buffer (a transactions file of 100,000 rows is read whole before its
/// rows are grouped; a `String` per field made that several times the file's size).
pub struct Row {
    pub line: u64,
    columns: &'static [&'static str],
    values: Box<str>,
    /// Where each field ends in `values`.
    ends: Box<[u32]>,
}

impl Row {
    /// The trimmed value of `column`, which must be one of the table's declared columns.
    pub fn get(&self, column: &str) -> &str {
        let i = self.columns.iter().position(|c| *c == column).expect("declared column");
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.values[start..self.ends[i] as usize]
    }
}

/// Reads `text` as a CSV file with exactly `columns` (in any order), returning its rows, or
/// `None` if the header is unusable. Each problem is pushed to `sink`.
pub fn read(text: &str, columns: &'static [&'static str], sink: &mut Sink<'_>) -> Option<Vec<Row>> {
    read_with_optional(text, columns, &[], sink)
}

/// [`read`] where the columns named in `optional` (a subset of `columns`) may be left out
/// of the header, and a row may leave out optional columns at its end (rows appended by a
/// tool that predates them): their fields then read as empty.
pub fn read_with_optional(text: &str, columns: &'static [&'static str], optional: &[&str], sink: &mut Sink<'_>) -> Option<Vec<Row>> {
    read_keyed(text, columns, optional, None, sink).map(|(rows, _)| rows)
}

/// A row refused as a whole: its line, and its value in the key column.
pub type Refused = (u64, String);

/// [`read_with_optional`], also returning, for each row refused as a whole (a wrong number of
/// fields, a value in an unnamed column), its line and what it holds in the `key` column
/// where that is not empty: what the row was probably about (its customer id), so the rows
/// of other files that name it are reported once, not one error each.
pub fn read_keyed(text: &str, columns: &'static [&'static str], optional: &[&str], key: Option<&str>, sink: &mut Sink<'_>) -> Option<(Vec<Row>, Vec<Refused>)> {
    // An empty file (or only blank lines, a BOM): one error, not one per missing column.
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        sink.push(Some(1), "header", format!("the file is empty; expected a header line with the columns {}", columns.join(", ")));
        return None;
    }
    // Position of each declared column in the file.
    let mut index: Vec<Option<usize>> = vec![None; columns.len()];
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            sink.push(Some(1), "header", format!("cannot be read as CSV: {e}"));
            return None;
        }
    };
    if headers.len() > 2 * columns.len() {
        // Not this file's header (a data row, another file, a broken line): one error, not
        // one per field.
        sink.push(Some(1), "header", format!("has {} columns; expected the columns {}", headers.len(), columns.join(", ")));
        return None;
    }
    // A spreadsheet saved with another separator (Excel in many European locales writes
    // `;`): the header is one unknown column holding the names. One error that says so, not
    // one per column.
    if headers.len() == 1
        && let Some(separator) = [';', '\t', '|'].into_iter().find(|&d| headers[0].split(d).filter(|n| columns.contains(&n.trim().trim_start_matches('\u{feff}'))).count() >= 2)
    {
        let shown = if separator == '\t' { "a tab".to_string() } else { format!("'{separator}'") };
        sink.push(Some(1), "header", format!("has the columns separated by {shown}; expected ',' between them (in Excel: save as \"CSV UTF-8 (Comma delimited)\")"));
        return None;
    }
    let mut ok = true;
    // Columns with no name (a spreadsheet writes `,,,` after every line when cells right of
    // the table were ever touched): read only to check they are empty.
    let mut unnamed = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}');
        if name.is_empty() {
            unnamed.push(i);
            continue;
        }
        if name.contains('\0') {
            // ASCII column names with NULs between the letters: UTF-16 text without a BOM.
            sink.push(Some(1), "header", "has NUL bytes between the letters: the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)");
            return None;
        }
        match columns.iter().position(|c| *c == name) {
            Some(k) if index[k].is_some() => {
                sink.push(Some(1), name, "column appears twice");
                ok = false;
            }
            Some(k) => index[k] = Some(i),
            None => {
                sink.push(Some(1), name, format!("unknown column; expected the columns {}", columns.join(", ")));
                ok = false;
            }
        }
    }
    for (c, i) in columns.iter().zip(&index) {
        if i.is_none() && !optional.contains(c) {
            sink.push(Some(1), c, "column is missing from the header");
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let width = headers.len();
    // A row must reach the header's last required column (a column with no name is not).
    let required_width = headers
        .iter()
        .enumerate()
        .filter(|(_, name)| {
            let name = name.trim().trim_start_matches('\u{feff}');
            !name.is_empty() && !optional.contains(&name)
        })
        .map(|(i, _)| i + 1)
        .max()
        .unwrap_or(0);
    let mut rows = Vec::new();
    let mut refused = Vec::new();
    let key_at = key.and_then(|key| columns.iter().position(|c| *c == key)).and_then(|k| index[k]);
    let mut refuse = |line: u64, fields: &csv::StringRecord| {
        if let Some(value) = key_at.and_then(|i| fields.get(i)).map(str::trim).filter(|v| !v.is_empty()) {
            refused.push((line, value.to_string()));
        }
    };
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        match record {
            Ok(fields) => {
                let line = fields.position().map_or(0, |p| lines.line_at(p.byte()));
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                // Empty fields past the header's last column: the same `,,,` in the rows only.
                let given = (width..fields.len()).rev().find(|&i| !fields[i].trim().is_empty()).map_or(fields.len().min(width), |i| i + 1);
                if given > width || fields.len() < required_width {
                    sink.push(Some(line), "", format!("has {} fields; expected {width} as in the header", fields.len()));
                    refuse(line, &fields);
                    continue;
                }
                if let Some((i, value)) = unnamed.iter().find_map(|&i| fields.get(i).map(str::trim).filter(|f| !f.is_empty()).map(|f| (i, f))) {
                    sink.push(Some(line), "", format!("has '{value}' in column {}, which has no name in the header; expected it empty, or a column of the file named in the header", i + 1));
                    refuse(line, &fields);
                    continue;
                }
                let mut values = String::with_capacity(fields.as_slice().len());
                let mut ends = Vec::with_capacity(columns.len());
                for (column, i) in columns.iter().zip(&index) {
                    let raw = i.and_then(|i| fields.get(i)).unwrap_or("").trim();
                    match super::text::single_line(raw) {
                        Ok(value) => values.push_str(&value),
                        Err(reason) => {
                            sink.push(Some(line), column, reason.to_string());
                            // Kept visible for the other checks, which may quote it.
                            values.push_str(&domain::diag::printable(raw, false));
                        }
                    }
                    ends.push(u32::try_from(values.len()).expect("a CSV row under 4 GB"));
                }
                rows.push(Row { line, columns, values: values.into_boxed_str(), ends: ends.into_boxed_slice() });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                sink.push(Some(line), "", format!("cannot be read as CSV: {e}"));
            }
        }
    }
    Some((rows, refused))
}

/// Parses `raw` with `parse`, recording `'<raw>' <reason>` on failure.
pub fn field<T>(
    sink: &mut Sink<'_>,
    row: &Row,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let raw = row.get(column);
    match parse(raw) {
        Ok(value) => Some(value),
        Err(reason) => {
            sink.bad_value(Some(row.line), column, raw, &reason);
            None
        }
    }
}

/// Refuses each of `limits`' columns whose value is longer than its limit (in characters),
/// naming the length found and the limit; the value itself is not quoted, being too long
/// to read in an error.
pub fn check_lengths(sink: &mut Sink<'_>, row: &Row, limits: &[(&str, usize)]) {
    for &(column, max) in limits {
        let value = row.get(column);
        // A value of at most `max` bytes has at most `max` characters: the count is needed
        // only for the rare longer one.
        if value.len() > max {
            let length = value.chars().count();
            if length > max {
                sink.push(Some(row.line), column, format!("is {length} characters long; expected at most {max}"));
            }
        }
    }
}

/// A required free-text field.
pub fn required_text(sink: &mut Sink<'_>, row: &Row, column: &str, what: &str) -> Option<String> {
    let raw = row.get(column);
    if raw.is_empty() {
        sink.push(Some(row.line), column, format!("is empty; expected {what}"));
        None
    } else {
        Some(raw.to_string())
    }
}

/// Line numbers from byte offsets. With CRLF line ends (as Excel and Windows tools write
/// them) the csv reader places each record after the header at the `\n` ending the line
/// before, so its line count is one short and errors would name the line above the bad one.
/// Here the record starts at its first byte that is not a line end, and its line is one more
/// than the line ends before that. A line ends in LF, CRLF or a CR alone (Excel for Mac's
/// "CSV (Macintosh)", which the csv reader reads as line ends too). Records come in order, so
/// the count only moves forward.
struct LineCounter<'t> {
    text: &'t [u8],
    byte: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> LineCounter<'t> {
        LineCounter { text: text.as_bytes(), byte: 0, line: 1 }
    }

    /// The 1-based line of the record the reader placed at byte `offset`.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        while matches!(self.text.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset < self.byte {
            (self.byte, self.line) = (0, 1);
        }
        // A CR counts unless an LF follows it (then the LF does).
        let text = self.text;
        self.line += (self.byte..offset).filter(|&i| text[i] == b'\n' || (text[i] == b'\r' && text.get(i + 1) != Some(&b'\n'))).count() as u64;
        self.byte = offset;
        self.line
    }
}
