//! Snapshot testing of rendered documents, for CI.
//!
//! A snapshot folder holds document records (`NAME.json`, as `issue` writes them) and the
//! expected renders beside them (`NAME.pdf`, `NAME.html`). [`check`] re-renders every record
//! and compares bytes; rendering is deterministic, so any difference is a real change of the
//! template, the layout or the code. For each difference it says what changed in terms a
//! reviewer can read: the text, line by line, and which page or metadata changed.
//! [`update`] rewrites the expected files after a deliberate change.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::{self, Format};

/// The formats kept in snapshots.
const FORMATS: &[Format] = &[Format::Pdf, Format::Html];

/// One rendered file that differs from its snapshot.
#[derive(Clone, Debug)]
pub struct Difference {
    pub file: PathBuf,
    /// Readable lines: what changed.
    pub details: Vec<String>,
}

fn records(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    Ok(out)
}

fn load(record: &Path) -> Result<crate::document::Document> {
    let text = std::fs::read_to_string(record).map_err(|e| Error::io(record, e))?;
    render::json::parse(&text).map_err(|e| Error::Refused(format!("{}: not a document record: {e}", record.display())))
}

/// Re-renders every record in `dir` and returns the files that differ from their snapshot
/// (a missing expected file counts as a difference).
pub fn check(dir: &Path) -> Result<Vec<Difference>> {
    let mut diffs = Vec::new();
    for record in records(dir)? {
        let doc = load(&record)?;
        for &format in FORMATS {
            let path = record.with_extension(format.extension());
            let actual = format.render(&doc);
            match std::fs::read(&path) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => diffs.push(Difference { details: describe(format, &expected, &actual), file: path }),
                Err(_) => diffs.push(Difference { file: path, details: vec!["no snapshot yet (run `snapshot update`)".into()] }),
            }
        }
    }
    Ok(diffs)
}

/// Rewrites the expected renders of every record in `dir`; returns the files changed.
pub fn update(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for record in records(dir)? {
        let doc = load(&record)?;
        for &format in FORMATS {
            let path = record.with_extension(format.extension());
            let actual = format.render(&doc);
            if std::fs::read(&path).ok().as_deref() != Some(&actual[..]) {
                std::fs::write(&path, &actual).map_err(|e| Error::io(&path, e))?;
                changed.push(path);
            }
        }
    }
    Ok(changed)
}

/// What differs between two renders, readably.
fn describe(format: Format, expected: &[u8], actual: &[u8]) -> Vec<String> {
    let mut details = Vec::new();
    let (old_text, new_text) = match format {
        Format::Pdf => {
            details.extend(pdf_structure(expected, actual));
            (pdf_text(expected), pdf_text(actual))
        }
        _ => (String::from_utf8_lossy(expected).into_owned(), String::from_utf8_lossy(actual).into_owned()),
    };
    details.extend(line_diff(&old_text, &new_text));
    if details.is_empty() {
        details.push(format!("bytes differ ({} → {} bytes) but the text and pages are the same", expected.len(), actual.len()));
    }
    details
}

/// Page count, metadata and per-page content changes (via lopdf).
fn pdf_structure(expected: &[u8], actual: &[u8]) -> Vec<String> {
    let (Ok(old), Ok(new)) = (lopdf::Document::load_mem(expected), lopdf::Document::load_mem(actual)) else {
        return vec!["one of the PDFs cannot be parsed".into()];
    };
    let mut out = Vec::new();
    let (op, np) = (old.get_pages(), new.get_pages());
    if op.len() != np.len() {
        out.push(format!("pages: {} → {}", op.len(), np.len()));
    }
    for (n, (oid, nid)) in op.values().zip(np.values()).enumerate() {
        if old.get_page_content(*oid) != new.get_page_content(*nid) {
            out.push(format!("page {} content changed", n + 1));
        }
    }
    let info = |d: &lopdf::Document| {
        d.trailer
            .get(b"Info")
            .ok()
            .and_then(|r| r.as_reference().ok())
            .and_then(|id| d.get_dictionary(id).ok())
            .map(|dict| {
                dict.iter()
                    .map(|(k, v)| format!("{}={}", String::from_utf8_lossy(k), readable(v)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let (oi, ni) = (info(&old), info(&new));
    for line in oi.iter().filter(|l| !ni.contains(l)) {
        out.push(format!("metadata - {line}"));
    }
    for line in ni.iter().filter(|l| !oi.contains(l)) {
        out.push(format!("metadata + {line}"));
    }
    out
}

/// A PDF object as text: strings decoded (UTF-16BE with BOM, else Latin-1).
fn readable(object: &lopdf::Object) -> String {
    match object {
        lopdf::Object::String(bytes, _) if bytes.starts_with(&[0xfe, 0xff]) => {
            let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
            String::from_utf16_lossy(&units)
        }
        lopdf::Object::String(bytes, _) => bytes.iter().map(|&b| char::from(b)).collect(),
        other => format!("{other:?}"),
    }
}

/// The PDF's text in reading order, as `pdftotext` extracts it without `-layout` (one label
/// or value a line, rather than whole columns padded into one line), if poppler is installed.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("invoicesmith-snapshot-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}.pdf", crate::sha256::Sha256Sum::of(pdf)));
    if std::fs::write(&path, pdf).is_err() {
        return String::new();
    }
    let out = std::process::Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    out.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// Lines of context shown around each change.
const CONTEXT: usize = 2;

/// A unified diff of the two texts' lines (trimmed, as layout spaces are no change): per
/// change a `@@ -old +new @@` header, then the lines removed (`- `) before those added
/// (`+ `), with [`CONTEXT`] unchanged lines (`  `) around them.
fn line_diff(old: &str, new: &str) -> Vec<String> {
    let a: Vec<&str> = old.lines().map(str::trim).collect();
    let b: Vec<&str> = new.lines().map(str::trim).collect();
    let diff = similar::TextDiff::configure().algorithm(similar::Algorithm::Myers).diff_slices(&a, &b);
    let mut out = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let (old_range, new_range) = (first.old_range().start..last.old_range().end, first.new_range().start..last.new_range().end);
        out.push(format!("@@ -{},{} +{},{} @@", old_range.start + 1, old_range.len(), new_range.start + 1, new_range.len()));
        for op in &group {
            for change in diff.iter_changes(op) {
                let mark = match change.tag() {
                    similar::ChangeTag::Delete => "- ",
                    similar::ChangeTag::Insert => "+ ",
                    similar::ChangeTag::Equal => "  ",
                };
                out.push(format!("{mark}{}", change.value()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_is_removed_then_added_with_context() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(d, ["@@ -1,3 +1,4 @@", "  a", "- b", "+ B", "  c", "+ d"]);
    }

    #[test]
    fn distant_changes_are_separate_hunks_with_two_lines_of_context() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 3\n", "line three\n").replace("line 17\n", "").replace("line 20\n", "line 20\nline 21\n");
        assert_eq!(
            line_diff(&old, &new),
            [
                "@@ -1,5 +1,5 @@", "  line 1", "  line 2", "- line 3", "+ line three", "  line 4", "  line 5",
                "@@ -15,6 +15,6 @@", "  line 15", "  line 16", "- line 17", "  line 18", "  line 19", "  line 20", "+ line 21",
            ]
        );
        // Layout spaces are no change; equal texts have no diff.
        assert_eq!(line_diff("  a  \nb", "a\nb"), Vec::<String>::new());
    }
}
