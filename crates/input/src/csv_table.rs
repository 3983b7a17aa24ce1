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
    /// How many fields the row has, how many columns the header has, and how many of them a
    /// row must reach (the rest are optional columns it may leave out at its end).
    widths: [u16; 3],
}

impl Row {
    /// The trimmed value of `column`, which must be one of the table's declared columns.
    pub fn get(&self, column: &str) -> &str {
        let i = self.columns.iter().position(|c| *c == column).expect("declared column");
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.values[start..self.ends[i] as usize]
    }

    /// Its non-empty values, in declared column order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| &self.values[if i == 0 { 0 } else { self.ends[i - 1] as usize }..self.ends[i] as usize]).filter(|v| !v.is_empty())
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
    read_refusing(text, columns, optional, sink).map(|(rows, _)| rows)
}

/// A row refused as a whole: its line, and its non-empty values in the order of the file.
pub type Refused = (u64, Vec<String>);

/// [`read_with_optional`], also returning each row refused as a whole (a wrong number of
/// fields, a value in an unnamed column): its line and its non-empty values. Which of them
/// is which column is not known (a missing or extra field shifts every one after it), so
/// the caller can only match the values against what other files name, never read a column.
pub fn read_refusing(text: &str, columns: &'static [&'static str], optional: &[&str], sink: &mut Sink<'_>) -> Option<(Vec<Row>, Vec<Refused>)> {
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
    let mut refuse = |line: u64, fields: &csv::StringRecord| {
        refused.push((line, fields.iter().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()));
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
                    sink.push(Some(line), "", wrong_width(fields.len(), width, required_width));
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
                let widths = [given, width, required_width].map(|n| u16::try_from(n).expect("a header of at most twice the declared columns"));
                rows.push(Row { line, columns, values: values.into_boxed_str(), ends: ends.into_boxed_slice(), widths });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                sink.push(Some(line), "", format!("cannot be read as CSV: {e}"));
            }
        }
    }
    Some((rows, refused))
}

/// A row of `given` fields where the header has `width` columns and a row must reach the
/// `required` first ones (the rest are optional columns a row may leave out at its end);
/// completes `"<file>:<line>: …"`. It names no column: every field after a missing or extra
/// one is shifted, so none of them can be read as what its column says.
fn wrong_width(given: usize, width: usize, required: usize) -> String {
    let cause = if given > width {
        "a value with a comma in it must be in double quotes"
    } else {
        "is a field missing? an empty field still needs its comma"
    };
    format!("{} ({cause})", fields_expected(given, width, required))
}

/// `has N fields; expected …`, as [`wrong_width`].
fn fields_expected(given: usize, width: usize, required: usize) -> String {
    if required + 1 == width {
        format!("has {given} fields; expected {width} as in the header, or {required} leaving out the optional column at its end")
    } else if required < width {
        format!("has {given} fields; expected {width} as in the header, or {required} to {} leaving out optional columns at its end", width - 1)
    } else {
        format!("has {given} fields; expected {width} as in the header")
    }
}

/// Adds to each row shorter than the header (read as leaving out optional columns at its
/// end) that has errors in two or more fields among `sink`'s diagnostics from index `from`
/// on, one more saying how many fields it has: a field missing in between, or an unquoted
/// comma, shifts every field after it under the wrong column (a date under `currency`, an
/// amount under `amount_basis`), and the field errors alone would not say so. One field
/// in error is taken as what it says, a typo: rows that leave out the optional columns
/// are common, and each of their errors would otherwise come with this one.
/// Returns their lines.
pub fn note_short_rows(sink: &mut Sink<'_>, rows: &[Row], from: usize) -> Vec<u64> {
    let file = sink.file();
    let mut fields: std::collections::BTreeMap<u64, std::collections::BTreeSet<&str>> = std::collections::BTreeMap::new();
    for d in sink.diagnostics[from..].iter().filter(|d| d.file == file) {
        if let Some(line) = d.line {
            fields.entry(line).or_default().insert(d.field.as_str());
        }
    }
    let with_errors: std::collections::BTreeSet<u64> = fields.into_iter().filter(|(_, f)| f.len() >= 2).map(|(line, _)| line).collect();
    let mut noted = Vec::new();
    for row in rows {
        let [given, width, required] = row.widths.map(usize::from);
        if given < width && with_errors.contains(&row.line) {
            noted.push(row.line);
            sink.push(
                Some(row.line),
                "",
                format!(
                    "{}: if a field is missing in between (an empty field still needs its comma) or a value holds an unquoted comma, the fields after it were read under the wrong columns",
                    fields_expected(given, width, required)
                ),
            );
        }
    }
    noted
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
        if let Err(too_long) = super::text::check_length(row.get(column), max) {
            sink.push(Some(row.line), column, too_long.to_string());
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
