//! Document numbers: patterns from `company.toml` and the numbers they produce.
//!
//! A series is one pattern (invoices, credit notes) in one year; its sequence starts at 1
//! each year and has no gaps. This module only formats and parses; the archive owns the
//! counters, because only what is issued may consume a number.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A number pattern such as `KL-INV-{year}-{seq:06}`.
///
/// Placeholders: `{year}` (four digits) and `{seq}` or `{seq:0N}` (zero-padded to N digits).
/// Both are required: without `{year}` two years would produce the same numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberPattern {
    parts: Vec<Part>,
    source: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Year,
    Seq { width: usize },
}

impl NumberPattern {
    /// Parses a pattern. The error completes "'<pattern>' …".
    pub fn parse(pattern: &str) -> Result<NumberPattern, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or("has an unclosed '{'; expected placeholders {year} and {seq} or {seq:06}")?;
            let name = &rest[open + 1..open + close];
            parts.push(match name {
                "year" => Part::Year,
                "seq" => Part::Seq { width: 1 },
                _ => match name.strip_prefix("seq:0").and_then(|w| w.parse::<usize>().ok()) {
                    Some(width) if (1..=12).contains(&width) => Part::Seq { width },
                    _ => {
                        return Err(format!(
                            "has an unknown placeholder '{{{name}}}'; expected {{year}}, {{seq}} or {{seq:0N}}"
                        ));
                    }
                },
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        let count = |p: fn(&Part) -> bool| parts.iter().filter(|x| p(x)).count();
        if count(|p| matches!(p, Part::Year)) != 1 || count(|p| matches!(p, Part::Seq { .. })) != 1 {
            return Err("must contain {year} and {seq} (or {seq:06}) exactly once each".into());
        }
        let literal_ok = parts.iter().all(|p| match p {
            Part::Literal(s) => s.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c)),
            _ => true,
        });
        if !literal_ok {
            return Err("may only contain letters, digits, '-', '_', '/' and '.' outside placeholders".into());
        }
        Ok(NumberPattern { parts, source: pattern.to_string() })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The number with sequence `seq` in `year`.
    pub fn format(&self, year: i32, seq: u64) -> DocumentNumber {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Year => out.push_str(&format!("{year:04}")),
                Part::Seq { width } => out.push_str(&format!("{seq:0width$}")),
            }
        }
        DocumentNumber(out)
    }
}

/// An issued document's number, e.g. `KL-INV-2026-000042`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A file-system-safe stem for the document's files (`/` becomes `_`).
    pub fn file_stem(&self) -> String {
        self.0.replace('/', "_")
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_year_and_padded_sequence() {
        let p = NumberPattern::parse("KL-INV-{year}-{seq:06}").unwrap();
        assert_eq!(p.format(2026, 42).as_str(), "KL-INV-2026-000042");
        assert_eq!(p.format(2026, 1234567).as_str(), "KL-INV-2026-1234567");
        let p = NumberPattern::parse("{year}/{seq}").unwrap();
        assert_eq!(p.format(2025, 7).as_str(), "2025/7");
        assert_eq!(p.format(2025, 7).file_stem(), "2025_7");
    }

    #[test]
    fn rejects_patterns_that_cannot_be_gap_free_per_year() {
        assert_eq!(
            NumberPattern::parse("INV-{seq:06}").unwrap_err(),
            "must contain {year} and {seq} (or {seq:06}) exactly once each"
        );
        assert!(NumberPattern::parse("INV-{year}-{n}").unwrap_err().contains("'{n}'"));
        assert!(NumberPattern::parse("INV-{year}-{seq").unwrap_err().contains("unclosed"));
        assert!(NumberPattern::parse("INV {year}-{seq}").unwrap_err().contains("may only"));
    }
}
