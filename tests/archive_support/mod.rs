//! What the archive tests share: running the binary with a clean environment, making data
//! folders, copying archives, reading registers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The binary, with none of the caller's `INVOICESMITH_*` settings.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_invoicesmith"));
    c.args(args).env_remove("INVOICESMITH_ARCHIVE").env_remove("INVOICESMITH_SIGNING_KEY");
    c
}

pub fn run(args: &[&str]) -> Output {
    command(args).output().expect("binary runs")
}

/// The run's standard output, after asserting it succeeded (else its stderr and stdout).
pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&o.stderr), String::from_utf8_lossy(&o.stdout));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

pub fn issue(data: &Path, archive: &Path) -> Output {
    run(&["issue", p(data), "--archive", p(archive), "--init", "--quiet"])
}

pub fn verify(archive: &Path) -> Output {
    run(&["verify", "--archive", p(archive)])
}

/// Asserts `verify` finds nothing.
pub fn assert_intact(archive: &Path) {
    let out = verify(archive);
    assert!(out.status.success(), "verify: {}{}", stdout(&out), stderr(&out));
}

/// A generated month of `transactions` (`invoicesmith sample`) in `dir/name`.
pub fn generated(dir: &Path, name: &str, transactions: usize, seed: u64) -> PathBuf {
    let out = dir.join(name);
    let o = run(&["sample", "--transactions", &transactions.to_string(), "--seed", &seed.to_string(), "--out", p(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// A writable copy of the samples.
pub fn copy_samples(to: &Path) -> PathBuf {
    let data = to.join("data");
    fs::create_dir_all(&data).unwrap();
    for e in fs::read_dir(samples()).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
    }
    data
}

/// A copy of folder `from` at `to`, files keeping their read-only mode.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by relative path (the lock file left out).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries {
            let e = e.unwrap();
            let path = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if e.file_name() != ".lock" {
                out.insert(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

pub fn register(archive: &Path) -> Vec<u8> {
    fs::read(archive.join("register.jsonl")).unwrap_or_default()
}

pub fn register_lines(archive: &Path) -> Vec<serde_json::Value> {
    String::from_utf8(register(archive)).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Makes a read-only archived file writable (to tamper with it).
pub fn writable(path: &Path) {
    let mut perms = fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(path, perms).unwrap();
}
