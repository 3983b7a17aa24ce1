//! Mutational fuzzing of the data folder: the shipped samples (`company.toml` and the CSV
//! files), mutated the way real files go wrong and the way an attacker would try — flipped
//! bytes, truncation, huge fields, other encodings, extreme numbers, odd fields and lines —
//! are loaded, validated and planned in-process, and every hundredth case is issued in full
//! into a fresh archive.
//!
//! Each case must end (a time limit per case), without a panic, in either a plan or input
//! errors that are one line each; a full run that fails must leave no archive behind, and a
//! full run that succeeds must leave one that verifies. The run is seeded and deterministic
//! (`FUZZ_SEED`, `FUZZ_CASES` to explore further). A failing case is written to
//! `target/fuzz-failures/`; once fixed, copy it into `tests/fuzz-regressions/NAME/` and
//! [`every_kept_regression_replays_as_recorded`] replays it forever against its outcome in
//! `expected.txt` (`FUZZ_RECORD=1` writes the file where it is missing: read it before you
//! commit it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use invoicesmith::archive::Archive;
use invoicesmith::render::Format;
use invoicesmith::{input, issue};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const FILES: [&str; 4] = ["company.toml", "customers.csv", "transactions.csv", "exchange_rates.csv"];

/// A data folder: file name → bytes (a file missing from the map is missing from the folder).
type Folder = BTreeMap<&'static str, Vec<u8>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn samples() -> Folder {
    FILES.iter().map(|&f| (f, std::fs::read(root().join("samples").join(f)).unwrap())).collect()
}

fn write_folder(folder: &Folder, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for f in FILES {
        let path = dir.join(f);
        match folder.get(f) {
            Some(bytes) => std::fs::write(&path, bytes).unwrap(),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn read_folder(dir: &Path) -> Folder {
    FILES.iter().filter_map(|&f| std::fs::read(dir.join(f)).ok().map(|b| (f, b))).collect()
}

// ---------------------------------------------------------------------------------------
// What a case must do

/// What loading, validating and planning `folder` gave, as text: `ok: …` or the errors,
/// one per line. Panics (the harness catches them) if a property fails.
fn outcome(folder: &Folder, scratch: &Path) -> String {
    let texts: Option<Vec<String>> = FILES
        .iter()
        .filter_map(|f| folder.get(f).map(|b| String::from_utf8(b.clone()).ok()))
        .collect();
    let loaded = match texts {
        // Files that are not UTF-8 can only be read from disk: as the command would.
        None => {
            write_folder(folder, scratch);
            input::load(scratch)
        }
        Some(_) if FILES[..3].iter().any(|f| !folder.contains_key(f)) => {
            write_folder(folder, scratch);
            input::load(scratch)
        }
        Some(_) => {
            let text = |f: &str| folder.get(f).map(|b| String::from_utf8(b.clone()).unwrap());
            input::parse(&input::Sources {
                company: text("company.toml").unwrap(),
                customers: text("customers.csv").unwrap(),
                transactions: text("transactions.csv").unwrap(),
                exchange_rates: text("exchange_rates.csv"),
                logo: None,
            })
        }
    };
    let data = match loaded {
        Ok(data) => data,
        Err(diagnostics) => return errors(&diagnostics),
    };
    match issue::plan(&data, &issue::NoHistory) {
        Ok(plan) => {
            // Every planned document is assembled (assembly cannot fail).
            for i in 0..plan.len() {
                let n = plan.numbered(i);
                assert!(!n.document.number.as_str().is_empty());
            }
            format!("ok: {} document(s), {} skipped", plan.len(), plan.skipped.len())
        }
        Err(diagnostics) => errors(&diagnostics),
    }
}

/// Input errors as printed, one line each; never none, never a line break or control
/// character inside one (it would print differently in every terminal and log).
fn errors(diagnostics: &[invoicesmith::diag::Diagnostic]) -> String {
    assert!(!diagnostics.is_empty(), "rejected without a reason");
    let lines: Vec<String> = diagnostics.iter().map(|d| format!("error: {d}")).collect();
    for (d, line) in diagnostics.iter().zip(&lines) {
        assert!(FILES.contains(&d.file.as_str()), "{line}: names no file of the data folder");
        assert!(!line.contains(char::is_control), "{line:?}: a control character in an error");
    }
    lines.join("\n")
}

/// Issues `folder` into a new archive in `scratch` with the real command's library call:
/// on an error nothing may be left (not even the archive folder); on success the archive
/// must verify clean and hold what the plan said.
fn full_issue(folder: &Folder, scratch: &Path, planned: &str, formats: &[Format]) {
    let data = scratch.join("data");
    write_folder(folder, &data);
    let archive_dir = scratch.join("archive");
    let _ = std::fs::remove_dir_all(&archive_dir);
    let archive = Archive::open(&archive_dir).init(true);
    match invoicesmith::app::run_issue_with(&data, &archive, formats, &mut |_, _| {}) {
        Ok(report) => {
            assert!(planned.starts_with(&format!("ok: {} document(s)", report.issued.len())), "planned {planned}, issued {}", report.issued.len());
            if !report.issued.is_empty() {
                assert_eq!(archive.verify(&Default::default()).unwrap(), Vec::<String>::new(), "a fresh archive does not verify");
            }
        }
        Err(e) => {
            assert!(e.is_input(), "not an input error: {e}");
            assert!(!archive_dir.exists(), "an input error left {} behind: {e}", archive_dir.display());
        }
    }
    std::fs::remove_dir_all(&data).unwrap();
    let _ = std::fs::remove_dir_all(&archive_dir);
}

// ---------------------------------------------------------------------------------------
// Mutations

/// Numbers a parser may choke on.
const NUMBERS: &[&str] = &[
    "0", "-0", "+1", ".5", "5.", "1e3", "1E-7", "NaN", "inf", "-inf", "0x10", "1_000", "1,5", "١٢٣", "−1",
    "0.0000000000000000000000000001", "0.00000000000000000000000000001", "79228162514264337593543950335",
    "79228162514264337593543950336", "-79228162514264337593543950335", "18446744073709551616",
    "99999999999999999999999999999999999999999", "-9223372036854775808", "4294967296", "999999999.99", "-0.01",
];

/// Field values with a meaning somewhere.
const FIELDS: &[&str] = &[
    "", " ", "\"", "\"\"", ",", "'", "\\", "{year}", "{seq}", "{seq:00}", "{seq:013}", "=1+1", "@SUM(1+1)", "\0", "\t",
    "\u{1b}[2J", "\u{feff}", "\u{202e}", "𝕏", "漢字", "😀", "\u{fffd}", "9999-12-31T23:59:59-23:59",
    "0000-01-01T00:00:00+00:00", "2026-02-29T10:00:00+01:00", "2026-10-05T10:00:00Z", "2026-02-30", "+10000-01-01",
    "EUR", "JPY", "BHD", "XXX", "GB", "EL", "XI", "EU", "charge", "refund", "duplicate", "succeeded", "pending",
    "ch_1001", "rf_1016", "cus_de_01", "cus_fr_01", "true", "false", "gross", "net", "valid", "invalid", "individual",
    "business", "de", "zz-ZZZZZZZZZ", "EE101234568", "DE123456789", "GB980780684", "KL-INV-{year}-{seq:06}",
    "KL-CN-{year}-{seq:06}", "KL-{year}-{seq}", "Europe/Tallinn", "Mars/Olympus", "UTC",
];

/// TOML values of every type.
const TOML_VALUES: &[&str] = &[
    "\"\"", "\"x\"", "1", "-1", "1e400", "nan", "true", "[]", "[1, \"a\"]", "{}", "{ a = 1 }", "1979-05-27T07:32:00Z",
    "\"\\u0000\"", "\"\\t\"", "\"\"\"two\nlines\"\"\"", "'''{year}'''", "\"KL-{year}-{seq}\"", "\"KL-{year}-{seq:02}\"",
    "\"{seq}{year}\"", "\"{year}{seq}\"", "\"EUR\"", "\"GB\"",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Positions of `byte` in `bytes`.
fn positions(bytes: &[u8], byte: u8) -> Vec<usize> {
    bytes.iter().enumerate().filter(|(_, b)| **b == byte).map(|(i, _)| i).collect()
}

/// The byte range of a random field: between two separators of a random line.
fn random_field(rng: &mut ChaCha8Rng, bytes: &[u8], toml: bool) -> Option<(usize, usize)> {
    let separators: &[u8] = if toml { b"=\n" } else { b",\n" };
    let cuts: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| separators.contains(b)).map(|(i, _)| i).collect();
    if cuts.len() < 2 {
        return None;
    }
    let i = rng.random_range(0..cuts.len() - 1);
    let (start, end) = (cuts[i] + 1, cuts[i + 1]);
    // In TOML, a value: from after '=' to the line end.
    if toml && bytes[cuts[i]] != b'=' {
        return None;
    }
    Some((start, end))
}

fn mutate(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>, toml: bool) {
    let len = bytes.len();
    match rng.random_range(0..14) {
        // Flipped bits.
        0 => {
            for _ in 0..rng.random_range(1..=8) {
                if !bytes.is_empty() {
                    let i = rng.random_range(0..bytes.len());
                    bytes[i] ^= 1 << rng.random_range(0..8);
                }
            }
        }
        // Truncated: mid-line, mid-character.
        1 => bytes.truncate(rng.random_range(0..=len)),
        // A range deleted or repeated.
        2 | 3 if len > 0 => {
            let a = rng.random_range(0..len);
            let b = rng.random_range(a..=len.min(a + 200));
            if rng.random_bool(0.5) {
                bytes.drain(a..b);
            } else {
                let copy = bytes[a..b].to_vec();
                let at = rng.random_range(0..=bytes.len());
                bytes.splice(at..at, copy);
            }
        }
        // A huge field.
        4 => {
            let filler = *pick(rng, &["A", "9", "é", "\"", ",", "\n", " ", "0.", "{seq}"]);
            // Mostly large, sometimes beyond a 64 KiB buffer, rarely (they are slow in a
            // debug build) a third of a megabyte.
            let n = if rng.random_ratio(1, 20) { 300_000 } else { *pick(rng, &[1_000, 10_000, 70_000]) };
            let huge = filler.repeat(n / filler.len());
            match random_field(rng, bytes, toml) {
                Some((start, end)) => {
                    let huge = if toml { format!(" \"{huge}\"") } else { huge };
                    bytes.splice(start..end, huge.into_bytes());
                }
                None => bytes.extend_from_slice(huge.as_bytes()),
            }
        }
        // Another encoding.
        5 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            *bytes = match rng.random_range(0..6) {
                0 => [&[0xff, 0xfe][..], &text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<_>>()].concat(),
                1 => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
                // Latin-1: invalid UTF-8 wherever there is an accent.
                2 => text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect(),
                3 => [&[0xef, 0xbb, 0xbf][..], text.as_bytes()].concat(),
                4 => text.replace('\n', "\r").into_bytes(),
                _ => text.replace('\n', "\r\n").into_bytes(),
            };
        }
        // An extreme number in place of a number.
        6 => {
            let digits: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
            if let Some(&at) = digits.get(rng.random_range(0..digits.len().max(1))) {
                let mut start = at;
                while start > 0 && (bytes[start - 1].is_ascii_digit() || bytes[start - 1] == b'.') {
                    start -= 1;
                }
                let mut end = at;
                while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
                    end += 1;
                }
                bytes.splice(start..end, pick(rng, NUMBERS).bytes());
            }
        }
        // A field replaced (quoted or not).
        7 | 8 => {
            if let Some((start, end)) = random_field(rng, bytes, toml) {
                let value = if toml {
                    format!(" {}", pick(rng, TOML_VALUES))
                } else if rng.random_bool(0.3) {
                    format!("\"{}\"", pick(rng, FIELDS).replace('"', "\"\""))
                } else {
                    pick(rng, FIELDS).to_string()
                };
                bytes.splice(start..end, value.into_bytes());
            }
        }
        // A field copied from elsewhere in the file (an id, a date, an amount).
        9 => {
            if let (Some((a0, a1)), Some((b0, b1))) = (random_field(rng, bytes, toml), random_field(rng, bytes, toml)) {
                let value = bytes[a0..a1].to_vec();
                if b0 <= b1 {
                    bytes.splice(b0..b1, value);
                }
            }
        }
        // Lines duplicated, dropped, swapped.
        10 | 11 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<&str> = text.split('\n').collect();
            if lines.len() > 2 {
                let i = rng.random_range(1..lines.len());
                let j = rng.random_range(0..lines.len());
                match rng.random_range(0..3) {
                    0 => lines.insert(j, lines[i]),
                    1 => {
                        lines.remove(i);
                    }
                    _ => lines.swap(i, j),
                }
            }
            *bytes = lines.join("\n").into_bytes();
        }
        // A stray byte: NUL, CR, a quote, a lone UTF-8 lead byte.
        12 => {
            let at = rng.random_range(0..=len);
            bytes.insert(at, *pick(rng, &[0u8, b'\r', b'"', b'\n', 0xc3, 0xff, b',', b'=', b'[', b'{']));
        }
        // A TOML key or table repeated or unknown.
        _ => {
            let extra = *pick(rng, &["\n[seller]\n", "\nunknown = 1\n", "\n[numbering]\ninvoice = \"X-{year}-{seq}\"\n", "\n[[seller.tax_registrations]]\ncountry = \"NO\"\n"]);
            if toml {
                bytes.extend_from_slice(extra.as_bytes());
            } else if !positions(bytes, b'\n').is_empty() {
                let at = *pick(rng, &positions(bytes, b'\n'));
                bytes.splice(at..at, b",,,,".iter().copied());
            }
        }
    }
}

/// Case `n` of the run seeded `seed`: the samples with one to three mutations (or a file
/// left out).
fn case(seed: u64, n: u64, base: &Folder) -> Folder {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut folder = base.clone();
    for _ in 0..rng.random_range(1..=3) {
        let file = *pick(&mut rng, &FILES);
        if rng.random_ratio(1, 100) {
            folder.remove(file);
            continue;
        }
        if let Some(bytes) = folder.get_mut(file) {
            mutate(&mut rng, bytes, file.ends_with(".toml"));
        }
    }
    folder
}

// ---------------------------------------------------------------------------------------
// The harness

/// How long one case may take before it counts as a hang. Generous: the slowest real case
/// (a full issue of the samples in a debug build on a busy machine) takes about a second.
const CASE_LIMIT: Duration = Duration::from_secs(30);

/// Every `FULL_ISSUE_EVERY`-th case is also issued into an archive, writing the JSON record
/// (in a debug build, rendering every format of the samples takes a second), and every
/// `ALL_FORMATS_EVERY`-th in every default format.
const FULL_ISSUE_EVERY: u64 = 50;
const ALL_FORMATS_EVERY: u64 = 2_500;

/// A case that failed: why, and where its files were kept.
fn keep_failure(seed: u64, n: u64, folder: &Folder, why: &str) -> String {
    let dir = root().join("target").join("fuzz-failures").join(format!("seed-{seed}-case-{n}"));
    write_folder(folder, &dir);
    format!("case {n} of seed {seed}: {why}\n  its files: {}\n  once fixed, keep it: copy the folder into tests/fuzz-regressions/ (see tests/fuzz.rs)", dir.display())
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
}

/// Runs `check` for each case on a worker thread, so a hang is seen (and reported) after
/// [`CASE_LIMIT`] instead of stalling the suite.
fn run_cases(cases: impl Iterator<Item = (u64, Folder)> + Send + 'static, check: fn(&Folder, &Path, u64) -> String) -> Result<usize, String> {
    let (to_main, results) = mpsc::channel::<(u64, Folder, Result<String, String>)>();
    let (to_worker, work) = mpsc::sync_channel::<(u64, Folder)>(0);
    std::thread::spawn(move || {
        let scratch = tempfile::tempdir().unwrap();
        for (n, folder) in work {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&folder, scratch.path(), n)))
                .map_err(|p| format!("panicked: {}", panic_text(&*p)));
            if to_main.send((n, folder, result)).is_err() {
                return;
            }
        }
    });
    let mut done = 0;
    for (n, folder) in cases {
        let started = Instant::now();
        to_worker.send((n, folder.clone())).map_err(|_| "the worker stopped".to_string())?;
        match results.recv_timeout(CASE_LIMIT) {
            Ok((_, _, Ok(_))) => done += 1,
            Ok((n, folder, Err(why))) => return Err(keep_failure(seed(), n, &folder, &why)),
            Err(_) => return Err(keep_failure(seed(), n, &folder, &format!("no result after {:?}: a hang", started.elapsed()))),
        }
    }
    Ok(done)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x1A2B_3C4D)
}

fn check_case(folder: &Folder, scratch: &Path, n: u64) -> String {
    let got = outcome(folder, scratch);
    if n.is_multiple_of(ALL_FORMATS_EVERY) {
        full_issue(folder, scratch, &got, Format::DEFAULT);
    } else if n.is_multiple_of(FULL_ISSUE_EVERY) {
        full_issue(folder, scratch, &got, &[Format::Json]);
    }
    got
}

#[test]
fn mutated_data_folders_never_panic_hang_or_leave_a_partial_archive() {
    let count: u64 = std::env::var("FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let base = samples();
    let seed = seed();
    let started = Instant::now();
    let cases = (0..count).map(move |n| (n, case(seed, n, &base)));
    match run_cases(cases, check_case) {
        Ok(done) => {
            assert_eq!(done as u64, count);
            eprintln!("fuzz: {count} cases (seed {seed}) in {:.1} s", started.elapsed().as_secs_f64());
        }
        Err(failure) => panic!("{failure}"),
    }
}

/// Each kept input gives exactly the outcome recorded beside it, and a full issue of it
/// leaves no partial archive.
#[test]
fn every_kept_regression_replays_as_recorded() {
    let dir = root().join("tests").join("fuzz-regressions");
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    kept.sort();
    assert!(!kept.is_empty());
    let scratch = tempfile::tempdir().unwrap();
    for case in kept {
        let folder = read_folder(&case);
        let got = outcome(&folder, scratch.path());
        let expected_file = case.join("expected.txt");
        if !expected_file.exists() && std::env::var_os("FUZZ_RECORD").is_some() {
            std::fs::write(&expected_file, format!("{got}\n")).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        assert_eq!(got, expected.trim_end(), "{}", case.display());
        full_issue(&folder, scratch.path(), &got, Format::DEFAULT);
    }
}
