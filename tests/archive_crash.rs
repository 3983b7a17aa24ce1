//! kill -9 at chosen moments of an `issue` of a generated month: after the next run (which
//! recovers on its own), the register is byte for byte the register of an uninterrupted run
//! and `verify` finds nothing. The moments are spread over the run's duration from a fixed
//! seed; `crash_soak` (ignored: `cargo test --test archive_crash -- --ignored`) tries many more.

mod archive_support;

use std::path::Path;
use std::time::{Duration, Instant};

use archive_support::*;

/// A deterministic sequence in [0, 1) (SplitMix64), so every CI run tries the same moments.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    }
}

fn crash_trials(trials: usize, transactions: usize, seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let data = generated(tmp.path(), "month", transactions, 7);
    let reference = tmp.path().join("reference");
    let started = Instant::now();
    let out = issue_html_json(&data, &reference);
    let duration = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = register(&reference);
    let documents = register_lines(&reference).len();
    assert!(documents > 512, "a month of several commits: {documents} documents");
    let mut moments = Moments(seed);
    // The run's duration on a shared machine varies by several times: the moments are
    // fractions of the shortest run seen so far, and the test goes on until `trials` runs
    // were killed (a run that finished first is checked too, and shortens the estimate).
    let mut duration = duration;
    let (mut interrupted, mut trial) = (0, 0);
    while interrupted < trials {
        assert!(trial < trials * 3, "only {interrupted} of {trial} runs could be interrupted");
        let archive = tmp.path().join(format!("trial{trial}"));
        let at = duration.mul_f64(moments.next());
        match kill_at(&data, &archive, at) {
            None => interrupted += 1,
            Some(finished) => duration = duration.min(finished),
        }
        let rerun = issue_html_json(&data, &archive);
        assert!(rerun.status.success(), "trial {trial} (killed at {at:?}): {}", stderr(&rerun));
        assert!(register(&archive) == expected, "trial {trial} (killed at {at:?}): the register differs from an uninterrupted run's");
        assert_intact(&archive);
        // Kept until the end: deleting thousands of files slows the next creations on ext4.
        trial += 1;
    }
}

/// HTML and the JSON record: the same writes, commits and register as every format, in a
/// fraction of the time and space (a trial's archive is kept until the test ends).
const FORMATS: &str = "html,json";

fn issue_html_json(data: &Path, archive: &Path) -> std::process::Output {
    run(&["issue", p(data), "--archive", p(archive), "--init", "--quiet", "--formats", FORMATS])
}

/// Starts `issue` and sends it SIGKILL after `at`; `None` if it was killed, else how long it
/// took to finish.
fn kill_at(data: &Path, archive: &Path, at: Duration) -> Option<Duration> {
    let mut child = command(&["issue", p(data), "--archive", p(archive), "--init", "--quiet", "--formats", FORMATS])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let deadline = started + at;
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(started.elapsed());
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(2)));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    None
}

#[test]
fn kill_9_at_any_moment_of_an_issue_then_a_rerun_gives_the_uninterrupted_register() {
    crash_trials(20, 600, 15);
}

#[test]
#[ignore = "a soak: minutes; run before a release"]
fn crash_soak() {
    crash_trials(300, 2000, 1515);
}
