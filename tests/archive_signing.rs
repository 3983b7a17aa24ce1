//! Signed checkpoints: `keygen` makes a pair, company.toml's `[archive]` names the public key
//! and the key file (outside the archive); every run that changes the archive signs its
//! checkpoint, and `verify` checks every signature. Rewriting history and forging a new
//! checkpoint needs the key.

mod archive_support;

use std::fs;
use std::path::{Path, PathBuf};

use archive_support::*;

/// A copy of the samples whose company.toml configures `public_key` (and `signing_key` if
/// given); returns the data folder.
fn configured(dir: &Path, public_key: &str, signing_key: Option<&Path>) -> PathBuf {
    let data = copy_samples(dir);
    let mut company = fs::read_to_string(data.join("company.toml")).unwrap();
    company.push_str(&format!("public_key = \"{public_key}\"\n"));
    if let Some(key) = signing_key {
        company.push_str(&format!("signing_key = \"{}\"\n", key.display()));
    }
    fs::write(data.join("company.toml"), company).unwrap();
    data
}

fn keygen(path: &Path) -> String {
    let out = run(&["keygen", "--out", p(path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let public = text.split("public_key = \"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(public.len(), 64);
    #[cfg(unix)]
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&fs::metadata(path).unwrap().permissions()) & 0o777, 0o600);
    public
}

#[test]
fn runs_sign_their_checkpoints_and_verify_checks_every_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("seller.key");
    let public = keygen(&key);
    assert_eq!(run(&["keygen", "--out", p(&key)]).status.code(), Some(3), "an existing key is never overwritten");
    let data = configured(tmp.path(), &public, Some(&key));
    let archive = tmp.path().join("archive");
    let out = issue(&data, &archive);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(" (signed); keep it outside the archive"), "{}", stdout(&out));
    let checkpoints = fs::read_to_string(archive.join("checkpoints.jsonl")).unwrap();
    assert_eq!(checkpoints.lines().count(), 1);
    assert!(checkpoints.contains("\"signature\":\""));
    assert_intact(&archive);
    let out = run(&["verify", "--archive", p(&archive), "--public-key", &public]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Another key: every signature fails.
    let other = keygen(&tmp.path().join("other.key"));
    let out = run(&["verify", "--archive", p(&archive), "--public-key", &other]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("checkpoints.jsonl:1: its signature does not verify with the public key"), "{}", stderr(&out));

    // History rewritten and a new, unsigned checkpoint chained on: found with the key.
    let lines: Vec<String> = fs::read_to_string(archive.join("register.jsonl")).unwrap().lines().map(String::from).collect();
    let last = lines.last().unwrap();
    let head = invoicesmith::sha256::Sha256Sum::of(last.as_bytes());
    let prev = invoicesmith::sha256::Sha256Sum::of(checkpoints.trim_end().as_bytes());
    let mut forged = checkpoints.clone();
    forged.push_str(&format!("{{\"lines\":{},\"head\":\"{head}\",\"prev\":\"{prev}\"}}\n", lines.len()));
    writable(&archive.join("checkpoints.jsonl"));
    fs::write(archive.join("checkpoints.jsonl"), &forged).unwrap();
    let out = run(&["verify", "--archive", p(&archive), "--public-key", &public]);
    assert!(stderr(&out).contains("checkpoints.jsonl:2: unsigned, after signed checkpoints"), "{}", stderr(&out));
    // A forged signature.
    let bad = forged.replace(&format!(",\"prev\":\"{prev}\"}}"), &format!(",\"signature\":\"{}\",\"prev\":\"{prev}\"}}", "ab".repeat(64)));
    fs::write(archive.join("checkpoints.jsonl"), bad).unwrap();
    let out = run(&["verify", "--archive", p(&archive), "--public-key", &public]);
    assert!(stderr(&out).contains("checkpoints.jsonl:2: its signature does not verify"), "{}", stderr(&out));
}

#[test]
fn a_configured_public_key_without_its_signing_key_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let public = keygen(&tmp.path().join("seller.key"));
    let other = tmp.path().join("other.key");
    keygen(&other);
    let archive = tmp.path().join("archive");

    let data = configured(&tmp.path().join("a"), &public, None);
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("archive.public_key is set, so checkpoints must be signed, but no signing key was given"), "{}", stderr(&out));
    assert!(!archive.exists());

    let data = configured(&tmp.path().join("b"), &public, Some(&other));
    let out = issue(&data, &archive);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("this signing key's public key is"), "{}", stderr(&out));
    assert!(!archive.exists());

    // The flag overrides the configured file; a key inside the archive is refused.
    let out = run(&["issue", p(&data), "--archive", p(&archive), "--init", "--quiet", "--signing-key", p(&tmp.path().join("seller.key"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let inside = archive.join("seller.key");
    fs::copy(tmp.path().join("seller.key"), &inside).unwrap();
    let out = run(&["reissue", "KL-INV-2026-000003", "--set", "name=X", "--reason", "r", "--archive", p(&archive), "--signing-key", p(&inside)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the signing key lies inside the archive"), "{}", stderr(&out));
}
