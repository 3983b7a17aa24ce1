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

/// Why a text is not a number pattern; the text completes `'<pattern>' …`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    #[error("has an unclosed '{{'; expected placeholders {{year}} and {{seq}} or {{seq:06}}")]
    Unclosed,
    /// A placeholder other than `{year}`, `{seq}`, `{seq:0N}` (N 1 to 12); its name.
    #[error("has an unknown placeholder '{{{0}}}'; expected {{year}}, {{seq}} or {{seq:0N}}")]
    UnknownPlaceholder(String),
    #[error("must contain {{year}} and {{seq}} (or {{seq:06}}) exactly once each")]
    YearAndSeq,
    #[error("may only contain letters, digits, '-', '_', '/' and '.' outside placeholders")]
    Literal,
}

impl NumberPattern {
    /// Parses a pattern.
    pub fn parse(pattern: &str) -> Result<NumberPattern, PatternError> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            push_literal(&mut parts, &rest[..open]);
            let close = rest[open..]
                .find('}')
                .ok_or(PatternError::Unclosed)?;
            let name = &rest[open + 1..open + close];
            parts.push(match name {
                "year" => Part::Year,
                "seq" => Part::Seq { width: 1 },
                _ => match name.strip_prefix("seq:0").and_then(|w| w.parse::<usize>().ok()) {
                    Some(width) if (1..=12).contains(&width) => Part::Seq { width },
                    _ => return Err(PatternError::UnknownPlaceholder(name.to_string())),
                },
            });
            rest = &rest[open + close + 1..];
        }
        push_literal(&mut parts, rest);
        let count = |p: fn(&Part) -> bool| parts.iter().filter(|x| p(x)).count();
        if count(|p| matches!(p, Part::Year)) != 1 || count(|p| matches!(p, Part::Seq { .. })) != 1 {
            return Err(PatternError::YearAndSeq);
        }
        let literal_ok = parts.iter().all(|p| match p {
            Part::Literal(s) => s.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c)),
            _ => true,
        });
        if !literal_ok {
            return Err(PatternError::Literal);
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

/// The years a number can be formatted for: `{year}` is always four digits, which the proof
/// that two series are disjoint ([`NumberPattern::shared_number`]) relies on. Input refuses
/// dates outside it.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

impl NumberPattern {
    /// A number (or file name) that both `self` and `other` can produce, for some years in
    /// [`YEARS`] and sequences ≥ 1 (of any length: a superset of `u64`'s), as a pair (`self`'s number, `other`'s number); `None` if
    /// their series are disjoint.
    ///
    /// Decided exactly, not by sampling: each pattern is an automaton over characters (a
    /// literal accepts its characters, `{year}` four digits, `{seq:0N}` what `format` writes
    /// for some sequence ≥ 1), and the pair of automata is searched breadth-first for a string
    /// both accept. Characters are compared as the archive's file names are: `/` as `_` (see
    /// [`DocumentNumber::file_stem`]) and letters without case (file systems that ignore
    /// case), so two series never share a file either. The example is a shortest one.
    pub fn shared_number(&self, other: &NumberPattern) -> Option<(DocumentNumber, DocumentNumber)> {
        use std::collections::{BTreeMap, VecDeque};
        type Pair = (State, State);
        // How each pair was first reached: from which pair, by which characters of each.
        let mut reached: BTreeMap<Pair, Option<(Pair, u8, u8)>> = BTreeMap::new();
        let mut queue = VecDeque::new();
        for a in self.closure(State::START) {
            for b in other.closure(State::START) {
                reached.insert((a, b), None);
                queue.push_back((a, b));
            }
        }
        while let Some(pair @ (a, b)) = queue.pop_front() {
            if self.accepts(a) && other.accepts(b) {
                let (mut x, mut y) = (Vec::new(), Vec::new());
                let mut at = pair;
                while let Some((from, cx, cy)) = reached[&at] {
                    x.push(cx);
                    y.push(cy);
                    at = from;
                }
                let number = |mut bytes: Vec<u8>| {
                    bytes.reverse();
                    DocumentNumber(String::from_utf8(bytes).expect("ASCII"))
                };
                return Some((number(x), number(y)));
            }
            for cx in self.next_bytes(a) {
                let Some(cy) = other.next_bytes(b).into_iter().find(|&cy| same_in_file_name(cx, cy)) else { continue };
                for a2 in self.step(a, cx).map(|s| self.closure(s)).unwrap_or_default() {
                    for b2 in other.step(b, cy).map(|s| other.closure(s)).unwrap_or_default() {
                        if let std::collections::btree_map::Entry::Vacant(first) = reached.entry((a2, b2)) {
                            first.insert(Some((pair, cx, cy)));
                            queue.push_back((a2, b2));
                        }
                    }
                }
            }
        }
        None
    }

    /// Whether `state` is past the last part: a whole number has been read.
    fn accepts(&self, state: State) -> bool {
        state.part == self.parts.len()
    }

    /// `state` and the states reachable from it without reading a character: the start of
    /// the next part once this one may end.
    fn closure(&self, state: State) -> Vec<State> {
        let mut out = vec![state];
        let mut at = state;
        while let Some(part) = self.parts.get(at.part) {
            let may_end = match part {
                Part::Literal(s) => at.at == s.len(),
                Part::Year => at.at == 4,
                Part::Seq { width } => seq_may_end(*width, at),
            };
            if !may_end {
                break;
            }
            at = State { part: at.part + 1, ..State::START };
            out.push(at);
        }
        out
    }

    /// The characters `state` may read next, digits in the order the example prefers
    /// ([`NumberPattern::step`] decides which it can).
    fn next_bytes(&self, state: State) -> Vec<u8> {
        match self.parts.get(state.part) {
            Some(Part::Literal(s)) => s.as_bytes().get(state.at).copied().into_iter().collect(),
            Some(Part::Year) if state.at == 0 => b"2013456789".to_vec(),
            Some(Part::Year | Part::Seq { .. }) => DIGITS.to_vec(),
            _ => Vec::new(),
        }
    }

    /// The state after reading `byte` in `state`; `None` if the pattern cannot continue so.
    fn step(&self, state: State, byte: u8) -> Option<State> {
        let next = State { at: state.at + 1, ..state };
        match self.parts.get(state.part)? {
            Part::Literal(s) => (s.as_bytes().get(state.at) == Some(&byte)).then_some(next),
            // Four digits, the first not a zero (see `YEARS`).
            Part::Year => (state.at < 4 && byte.is_ascii_digit() && (state.at > 0 || byte != b'0')).then_some(next),
            Part::Seq { width } => {
                if !byte.is_ascii_digit() {
                    return None;
                }
                let nonzero = byte != b'0';
                let next = State {
                    // Only "fewer than, exactly or more than the width" matters.
                    at: (state.at + 1).min(width + 1),
                    first_nonzero: if state.at == 0 { nonzero } else { state.first_nonzero },
                    any_nonzero: state.any_nonzero || nonzero,
                    ..state
                };
                // Longer than the width means no padding: the first digit is not a zero.
                (next.at <= *width || next.first_nonzero).then_some(next)
            }
        }
    }
}

/// A position in a pattern: part `part`, `at` characters into it; for `{seq}`, whether its
/// first digit and any digit so far is not zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct State {
    part: usize,
    at: usize,
    first_nonzero: bool,
    any_nonzero: bool,
}

impl State {
    const START: State = State { part: 0, at: 0, first_nonzero: false, any_nonzero: false };
}

/// Digits in the order an example number prefers them: the smallest sequence (a year's first
/// digit prefers 2, for years like 2000).
const DIGITS: &[u8] = b"0123456789";

/// Whether `{seq:0<width>}` can end at `state`: what `format` writes for some sequence ≥ 1
/// has at least `width` digits, not all zero, and no leading zero beyond the padding.
fn seq_may_end(width: usize, state: State) -> bool {
    match state.at.cmp(&width) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => state.any_nonzero,
        std::cmp::Ordering::Greater => state.first_nonzero,
    }
}

/// Whether two characters name the same file: `/` is written as `_`, and some file systems
/// ignore case.
fn same_in_file_name(a: u8, b: u8) -> bool {
    let fold = |c: u8| if c == b'/' { b'_' } else { c.to_ascii_lowercase() };
    fold(a) == fold(b)
}

/// Appends the literal `text`, if any, to `parts`.
fn push_literal(parts: &mut Vec<Part>, text: &str) {
    if !text.is_empty() {
        parts.push(Part::Literal(text.to_string()));
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
    fn literals_before_between_and_after_the_placeholders_are_kept() {
        let p = NumberPattern::parse("{year}-{seq}-CN").unwrap();
        assert_eq!(p.format(2026, 7).as_str(), "2026-7-CN");
        assert_eq!(p.as_str(), "{year}-{seq}-CN");
        let p = NumberPattern::parse("A.{seq:03}_{year}/B").unwrap();
        assert_eq!(p.format(999, 12).to_string(), "A.012_0999/B");
        assert_eq!(p.format(2026, 12).file_stem(), "A.012_2026_B");
        assert_eq!(NumberPattern::parse("{year}{seq}").unwrap().format(2026, 1).as_str(), "20261");
    }

    #[test]
    fn widths_from_1_to_12() {
        assert_eq!(NumberPattern::parse("{year}-{seq:01}").unwrap().format(2026, 5).as_str(), "2026-5");
        assert_eq!(NumberPattern::parse("{year}-{seq:012}").unwrap().format(2026, 5).as_str(), "2026-000000000005");
        for bad in ["{seq:00}", "{seq:013}", "{seq:6}", "{seq:0x}", "{seq:}", "{Seq}", "{year:04}"] {
            assert_eq!(
                NumberPattern::parse(&format!("{{year}}-{bad}")).unwrap_err().to_string(),
                format!("has an unknown placeholder '{bad}'; expected {{year}}, {{seq}} or {{seq:0N}}"),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_patterns_that_cannot_be_gap_free_per_year() {
        assert_eq!(
            NumberPattern::parse("INV-{seq:06}").unwrap_err().to_string(),
            "must contain {year} and {seq} (or {seq:06}) exactly once each"
        );
        for twice in ["{year}-{year}-{seq}", "{year}-{seq}-{seq:02}", "{year}", "{seq}", "INV"] {
            assert_eq!(NumberPattern::parse(twice).unwrap_err().to_string(), "must contain {year} and {seq} (or {seq:06}) exactly once each", "{twice}");
        }
        assert!(NumberPattern::parse("INV-{year}-{n}").unwrap_err().to_string().contains("'{n}'"));
        assert_eq!(
            NumberPattern::parse("INV-{year}-{seq").unwrap_err().to_string(),
            "has an unclosed '{'; expected placeholders {year} and {seq} or {seq:06}"
        );
        for bad in ["INV {year}-{seq}", "INV#{year}-{seq}", "{year}-{seq}-é", "{year}-{seq}\\"] {
            assert_eq!(
                NumberPattern::parse(bad).unwrap_err().to_string(),
                "may only contain letters, digits, '-', '_', '/' and '.' outside placeholders",
                "{bad}"
            );
        }
        assert!(NumberPattern::parse("Ab-09_/.{year}{seq}").is_ok());
    }

    fn shared(a: &str, b: &str) -> Option<(String, String)> {
        let (a, b) = (NumberPattern::parse(a).unwrap(), NumberPattern::parse(b).unwrap());
        a.shared_number(&b).map(|(x, y)| (x.to_string(), y.to_string()))
    }

    fn same(number: &str) -> Option<(String, String)> {
        Some((number.to_string(), number.to_string()))
    }

    #[test]
    fn series_that_share_a_number_are_found_with_a_shortest_example() {
        // The collision: the 10th credit note and the 10th invoice.
        assert_eq!(shared("KL-{year}-{seq}", "KL-{year}-{seq:02}"), same("KL-2000-10"));
        assert_eq!(shared("KL-{year}-{seq}", "KL-{year}-{seq}"), same("KL-2000-1"));
        // Padding: the 100th of one is the 100th of the other.
        assert_eq!(shared("X{year}-{seq:03}", "X{year}-{seq:02}"), same("X2000-100"));
        // A literal zero against the padding of the other.
        assert_eq!(shared("{year}{seq:02}", "{year}0{seq}"), same("200001"));
        assert_eq!(shared("X{year}-{seq:03}", "X{year}-0{seq}"), same("X2000-010"));
        // Across years: invoice 1000 of 2000 is credit note 2000 of 1000.
        assert_eq!(shared("{year}.{seq}", "{seq}.{year}"), same("2000.1000"));
        assert_eq!(shared("A{year}{seq}", "A{seq}{year}"), same("A21001"));
        // The same file: '/' is written '_', and case may be ignored.
        assert_eq!(shared("KL/{year}/{seq}", "KL_{year}_{seq}"), Some(("KL/2000/1".into(), "KL_2000_1".into())));
        assert_eq!(shared("inv-{year}-{seq}", "INV-{year}-{seq}"), Some(("inv-2000-1".into(), "INV-2000-1".into())));
    }

    #[test]
    fn series_that_cannot_share_a_number_are_proven_disjoint() {
        assert_eq!(shared("KL-INV-{year}-{seq:06}", "KL-CN-{year}-{seq:06}"), None);
        // Only the trailing literal tells them apart.
        assert_eq!(shared("{year}-{seq}", "{year}-{seq}-CN"), None);
        assert_eq!(shared("{year}-{seq:04}", "{year}-{seq:04}CN"), None);
        // A sequence has no leading zero beyond its padding, and is never all zeros.
        assert_eq!(shared("{year}-{seq}", "{year}-0{seq}"), None);
        assert_eq!(shared("{year}-{seq:02}", "{year}-00{seq}"), None);
        // A year is four digits and does not start with a zero.
        assert_eq!(shared("X{year}{seq}", "X0{year}{seq}"), None);
        assert_eq!(shared("{year}-{seq}", "{year}0-{seq}"), None);
    }

    /// Whether `pattern` formats `number` for some year in `YEARS` and sequence ≥ 1: by
    /// trying every split, with `format!` as `NumberPattern::format` uses it. Independent of
    /// the automaton under test.
    fn formats(pattern: &NumberPattern, number: &str) -> bool {
        fn rest(parts: &[Part], s: &str) -> bool {
            let Some((part, more)) = parts.split_first() else { return s.is_empty() };
            match part {
                Part::Literal(l) => s.strip_prefix(l.as_str()).is_some_and(|s| rest(more, s)),
                Part::Year => s.get(..4).and_then(|y| y.parse::<i32>().ok()).is_some_and(|y| {
                    YEARS.contains(&y) && format!("{y:04}") == s[..4] && rest(more, &s[4..])
                }),
                Part::Seq { width } => (1..=s.len().min(19)).any(|n| {
                    s[..n].parse::<u64>().is_ok_and(|q| q >= 1 && format!("{q:0width$}") == s[..n] && rest(more, &s[n..]))
                }),
            }
        }
        rest(&pattern.parts, number)
    }

    #[test]
    fn shared_numbers_agree_with_brute_force_on_random_patterns() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
        // A pattern as five choices: prefix, order, middle, sequence, suffix. The second
        // pattern of a pair differs from the first in one choice, so that many pairs collide.
        const CHOICES: [&[&str]; 5] = [&["", "A", "a"], &["year", "seq"], &["", "0", "1", "-", "/", "_", "00", "-0"], &["{seq}", "{seq:02}", "{seq:03}"], &["", "0", "-", "1"]];
        let pattern = |c: &[&str; 5]| {
            let (first, second) = if c[1] == "year" { ("{year}", c[3]) } else { (c[3], "{year}") };
            NumberPattern::parse(&format!("{}{first}{}{second}{}", c[0], c[2], c[4])).unwrap()
        };
        let fold = |s: &str| s.replace('/', "_").to_ascii_lowercase();
        let years = [1000, 1001, 1010, 2000, 2010, 2026, 2100, 9999];
        let (mut found, mut disjoint) = (0, 0);
        for _ in 0..300 {
            let mut choices: [&str; 5] = CHOICES.map(|c| c[rng.random_range(0..c.len())]);
            let a = pattern(&choices);
            let k = rng.random_range(0..5);
            choices[k] = CHOICES[k][rng.random_range(0..CHOICES[k].len())];
            let b = pattern(&choices);
            let of_a: std::collections::HashSet<String> =
                years.iter().flat_map(|&y| (1..=150).map(move |q| (y, q))).map(|(y, q)| fold(a.format(y, q).as_str())).collect();
            let collides = years.iter().any(|&y| (1..=150).any(|q| of_a.contains(&fold(b.format(y, q).as_str()))));
            match a.shared_number(&b) {
                Some((x, y)) => {
                    found += 1;
                    assert!(formats(&a, x.as_str()), "{} does not format {x}", a.as_str());
                    assert!(formats(&b, y.as_str()), "{} does not format {y}", b.as_str());
                    assert_eq!(fold(x.as_str()), fold(y.as_str()));
                }
                None => {
                    disjoint += 1;
                    assert!(!collides, "{} and {} collide, but were found disjoint", a.as_str(), b.as_str());
                }
            }
        }
        // Both verdicts were exercised.
        assert!(found > 50 && disjoint > 50, "found {found}, disjoint {disjoint}");
    }
}
