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
use crate::render::Format;

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

fn load(record: &Path, data: Option<&Path>) -> Result<crate::document::Document> {
    let bytes = std::fs::read(record).map_err(|e| Error::io(record, e))?;
    super::loose_record(&bytes, &record.display(), data)
}

/// Re-renders every record in `dir` and returns the files that differ from their snapshot
/// (a missing expected file counts as a difference). A record naming its logo by SHA-256
/// gets it from `data`'s company.toml (see [`super::loose_record`]).
pub fn check(dir: &Path, data: Option<&Path>) -> Result<Vec<Difference>> {
    let mut diffs = Vec::new();
    for record in records(dir)? {
        let doc = load(&record, data)?;
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
pub fn update(dir: &Path, data: Option<&Path>) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for record in records(dir)? {
        let doc = load(&record, data)?;
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
            let (old, new) = (pdf_text(expected), pdf_text(actual));
            details.extend(pdf_structure(expected, actual, &old, &new));
            (old, new)
        }
        _ => (String::from_utf8_lossy(expected).into_owned(), String::from_utf8_lossy(actual).into_owned()),
    };
    details.extend(line_diff(&old_text, &new_text));
    if details.is_empty() {
        details.push(format!("bytes differ ({} → {} bytes) but the text and pages are the same", expected.len(), actual.len()));
    }
    details
}

/// Page count, the pages whose text changed, and metadata changes (as poppler's `pdfinfo`
/// reports them), given the two PDFs and their texts.
fn pdf_structure(expected: &[u8], actual: &[u8], old_text: &str, new_text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (old_pages, new_pages): (Vec<&str>, Vec<&str>) = (old_text.split('\u{c}').collect(), new_text.split('\u{c}').collect());
    if old_pages.len() != new_pages.len() {
        out.push(format!("pages: {} → {}", old_pages.len() - 1, new_pages.len() - 1));
    }
    for (n, (a, b)) in old_pages.iter().zip(&new_pages).enumerate() {
        if a != b {
            out.push(format!("page {} content changed", n + 1));
        }
    }
    let (old, new) = (pdf_info(expected), pdf_info(actual));
    for line in old.iter().filter(|l| !new.contains(l)) {
        out.push(format!("metadata - {line}"));
    }
    for line in new.iter().filter(|l| !old.contains(l)) {
        out.push(format!("metadata + {line}"));
    }
    out
}

/// `pdfinfo`'s entries for the PDF as `Key=value` (title, author, dates, …), if poppler is
/// installed; the file's size and page count are left out (see [`pdf_structure`]).
fn pdf_info(pdf: &[u8]) -> Vec<String> {
    poppler("pdfinfo", &[], &[], pdf)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| !["File size", "Pages"].contains(k))
        .map(|(k, v)| format!("{k}={}", v.trim()))
        .collect()
}

/// The output of poppler's `tool` run on `pdf` with `args` around the file's path, empty if it
/// cannot run.
fn poppler(tool: &str, args: &[&str], after: &[&str], pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("invoicesmith-snapshot-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}.pdf", crate::sha256::Sha256Sum::of(pdf)));
    if std::fs::write(&path, pdf).is_err() {
        return String::new();
    }
    let out = std::process::Command::new(tool).args(args).arg(&path).args(after).output();
    let _ = std::fs::remove_file(&path);
    out.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// The PDF's text in reading order, as `pdftotext` extracts it without `-layout` (one label
/// or value a line, rather than whole columns padded into one line), if poppler is installed.
fn pdf_text(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], &["-"], pdf)
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
