//! The archive's settings in `company.toml`, table `[archive]`:
//!
//! ```toml
//! [archive]
//! path = "../archive"                # the seller's archive, relative to company.toml,
//!                                    # or a PostgreSQL URL ("postgresql://app@db/acme")
//! public_key = "3d4017c3…"           # Ed25519 public key (hex) that signs checkpoints
//! signing_key = "/etc/invoicesmith/kunstlicht.key"   # its secret key file, outside the archive
//! ```
//!
//! `path` is used when neither `--archive` nor `INVOICESMITH_ARCHIVE` is given: the
//! archive a run uses never depends on the current folder. `signing_key` is relative to the folder of `company.toml`; `--signing-key` or
//! `INVOICESMITH_SIGNING_KEY` override it. With a `public_key`, every run that changes the
//! archive must sign its checkpoint with the matching key, or it refuses before writing.

use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};

use super::checkpoint;
use domain::diag::{Diagnostic, is_a};
use domain::error::{Error, Result};
use domain::model::COMPANY;

/// Keys of the `[archive]` table.
pub const KEYS: &[&str] = &["path", "public_key", "signing_key"];

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The archive folder, as written (relative to company.toml's folder), or a database URL.
    pub path: Option<PathBuf>,
    pub public_key: Option<VerifyingKey>,
    /// As written, relative to company.toml's folder.
    pub signing_key: Option<PathBuf>,
}

/// Reads `[archive]` from a company.toml's text (absent: no settings), reporting problems
/// as diagnostics against `company.toml`.
pub fn parse(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Settings {
    let mut settings = Settings::default();
    let Ok(root) = text.parse::<toml::Table>() else { return settings };
    let Some(table) = root.get("archive") else { return settings };
    let Some(table) = table.as_table() else {
        diagnostics.push(Diagnostic::new(COMPANY, None, "archive", "is not a table; expected [archive]"));
        return settings;
    };
    for (key, value) in table {
        let field = format!("archive.{key}");
        let Some(text) = value.as_str() else {
            diagnostics.push(Diagnostic::new(COMPANY, None, &field, format!("{}; expected a string", is_a(value.type_str()))));
            continue;
        };
        match key.as_str() {
            "public_key" => match checkpoint::parse_public_key(text) {
                Ok(k) => settings.public_key = Some(k),
                Err(e) => diagnostics.push(Diagnostic::new(COMPANY, None, &field, e.to_string())),
            },
            "signing_key" => settings.signing_key = Some(PathBuf::from(text)),
            "path" => settings.path = Some(PathBuf::from(text)),
            _ => diagnostics.push(Diagnostic::new(COMPANY, None, &field, format!("unknown key; expected one of {}", KEYS.join(", ")))),
        }
    }
    settings
}

/// A diagnostic if company.toml's `[archive] path` is a PostgreSQL URL with a password: the
/// file is archived with the documents it issues (their company snapshot, kept for good and
/// copied with the archive), so the password would be too. `PGPASSWORD` or the password file
/// give it instead.
pub fn password_in_path(text: &str) -> Option<Diagnostic> {
    let root = text.parse::<toml::Table>().ok()?;
    let path = root.get("archive")?.as_table()?.get("path")?.as_str()?;
    if !crate::pg::is_url(path) {
        return None;
    }
    // Read by the driver that would connect with it, wherever the URL puts the password.
    let config: postgres::Config = path.parse().ok()?;
    config.get_password().is_some().then(|| {
        Diagnostic::new(
            COMPANY,
            None,
            "archive.path",
            "holds a password, which would be archived with every document issued under this file; leave it out and set PGPASSWORD or a password file (~/.pgpass)",
        )
    })
}

/// The key a run signs its checkpoint with: `explicit` (flag or environment), else the
/// configured `signing_key` (relative to `base`, company.toml's folder; `None` for an
/// archived snapshot, whose folder is gone). Refused if a public key is configured and the
/// key is missing or is not its pair, or if the key file lies inside the archive.
pub fn signing_key(settings: &Settings, explicit: Option<&Path>, base: Option<&Path>, archive: &Path) -> Result<Option<SigningKey>> {
    let path = match (explicit, &settings.signing_key, base) {
        (Some(p), _, _) => Some(p.to_path_buf()),
        (None, Some(p), Some(base)) => Some(base.join(p)),
        (None, Some(p), None) if p.is_absolute() => Some(p.clone()),
        _ => None,
    };
    let Some(path) = path else {
        return match settings.public_key {
            Some(_) => Err(Error::Refused(
                "company.toml: archive.public_key is set, so checkpoints must be signed, but no signing key was given (archive.signing_key, --signing-key or INVOICESMITH_SIGNING_KEY); nothing was written".into(),
            )),
            None => Ok(None),
        };
    };
    outside(&path, archive)?;
    let key = checkpoint::load_signing_key(&path)?;
    if let Some(public) = settings.public_key
        && public != key.verifying_key()
    {
        return Err(Error::Refused(format!(
            "{}: this signing key's public key is {}, not the archive.public_key of company.toml; nothing was written",
            path.display(),
            checkpoint::public_key_hex(&key.verifying_key())
        )));
    }
    Ok(Some(key))
}

/// Refuses a signing key file inside the archive: a copy of the archive would carry it, and
/// whoever can rewrite the archive could sign the rewrite.
pub fn outside(key: &Path, archive: &Path) -> Result<()> {
    if let (Ok(key_path), Ok(archive)) = (key.canonicalize(), archive.canonicalize())
        && key_path.starts_with(&archive)
    {
        return Err(Error::Refused(format!("{}: the signing key lies inside the archive; keep it outside, where a copy of the archive does not carry it", key.display())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_archive_path_is_refused_not_archived() {
        let with = |path: &str| password_in_path(&format!("[archive]\npath = \"{path}\"\n")).map(|d| d.to_string());
        let refused = "company.toml: archive.path: holds a password, which would be archived with every document issued under this file; leave it out and set PGPASSWORD or a password file (~/.pgpass)";
        assert_eq!(with("postgresql://app:s3cret@db.example/books").as_deref(), Some(refused));
        assert_eq!(with("postgres://app:top/secret@db/books").as_deref(), Some(refused));
        assert_eq!(with("postgresql://app@/books?host=/run/postgresql&password=x").as_deref(), Some(refused));
        assert_eq!(with("postgresql://app@db.example:5432/books"), None);
        assert_eq!(with("../archive"), None);
        assert_eq!(password_in_path("[seller]\n"), None);
    }

    #[test]
    fn a_snapshot_uses_only_an_absolute_signing_key() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        let key = dir.path().join("key");
        checkpoint::write_key_pair(&key).unwrap();
        let absolute = Settings { signing_key: Some(key.clone()), ..Settings::default() };
        assert!(signing_key(&absolute, None, None, &archive).unwrap().is_some());
        let relative = Settings { signing_key: Some(PathBuf::from("no-such-key")), ..Settings::default() };
        assert!(signing_key(&relative, None, None, &archive).unwrap().is_none());
    }

    fn texts(diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn archive_settings_are_read_and_every_bad_key_is_reported() {
        let public = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let hex = checkpoint::public_key_hex(&public);
        let mut diagnostics = Vec::new();
        let text = format!("[seller]\nvat_id = \"DE1\"\n[archive]\npath = \"../archive\"\npublic_key = \"{hex}\"\nsigning_key = \"keys/a.key\"\n");
        let settings = parse(&text, &mut diagnostics);
        assert_eq!(texts(&diagnostics), Vec::<String>::new());
        assert_eq!(settings.path, Some(PathBuf::from("../archive")));
        assert_eq!(settings.public_key, Some(public));
        assert_eq!(settings.signing_key, Some(PathBuf::from("keys/a.key")));
        let settings = parse("[archive]\npath = 3\npublic_key = \"abc\"\nsigning = \"a.key\"\n", &mut diagnostics);
        assert_eq!(
            texts(&diagnostics),
            [
                "company.toml: archive.path: is an integer; expected a string",
                "company.toml: archive.public_key: 'abc' is not an Ed25519 public key (64 hex digits)",
                "company.toml: archive.signing: unknown key; expected one of path, public_key, signing_key",
            ]
        );
        assert_eq!((settings.path, settings.public_key, settings.signing_key), (None, None, None));
    }

    #[test]
    fn the_signing_key_comes_from_outside_else_from_company_toml_and_must_match_the_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        std::fs::create_dir(&archive).unwrap();
        std::fs::create_dir(dir.path().join("keys")).unwrap();
        let (given, configured) = (dir.path().join("given.key"), dir.path().join("keys/configured.key"));
        let given_public = checkpoint::write_key_pair(&given).unwrap();
        let configured_public = checkpoint::write_key_pair(&configured).unwrap();
        let public = |key: Option<SigningKey>| checkpoint::public_key_hex(&key.expect("a key").verifying_key());
        let settings = Settings { signing_key: Some(PathBuf::from("keys/configured.key")), ..Settings::default() };
        // The flag or the environment wins over company.toml's key, which is relative to its folder.
        assert_eq!(public(signing_key(&settings, Some(&given), Some(dir.path()), &archive).unwrap()), given_public);
        assert_eq!(public(signing_key(&settings, None, Some(dir.path()), &archive).unwrap()), configured_public);
        // With a public key configured, only its pair signs, and some key must be given.
        let pinned = Settings { public_key: Some(checkpoint::parse_public_key(&configured_public).unwrap()), ..settings.clone() };
        assert_eq!(public(signing_key(&pinned, None, Some(dir.path()), &archive).unwrap()), configured_public);
        match signing_key(&pinned, Some(&given), Some(dir.path()), &archive) {
            Err(Error::Refused(message)) => assert_eq!(
                message,
                format!("{}: this signing key's public key is {given_public}, not the archive.public_key of company.toml; nothing was written", given.display())
            ),
            other => panic!("expected the other key refused, got {other:?}"),
        }
        let unkeyed = Settings { signing_key: None, ..pinned };
        assert!(matches!(signing_key(&unkeyed, None, Some(dir.path()), &archive), Err(Error::Refused(m)) if m.starts_with("company.toml: archive.public_key is set")));
        // A key inside the archive is refused, however it is named.
        let inside = archive.join("a.key");
        checkpoint::write_key_pair(&inside).unwrap();
        let roundabout = archive.join("../archive/a.key");
        match signing_key(&Settings::default(), Some(&roundabout), None, &archive) {
            Err(Error::Refused(message)) => assert_eq!(
                message,
                format!("{}: the signing key lies inside the archive; keep it outside, where a copy of the archive does not carry it", roundabout.display())
            ),
            other => panic!("expected the key inside the archive refused, got {other:?}"),
        }
    }
}
