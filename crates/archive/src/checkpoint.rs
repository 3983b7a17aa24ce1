//! Checkpoints: the register's head (its number of lines and the SHA-256 of the last),
//! written at the end of every run that changed the archive, signed with Ed25519 when a key
//! is configured, and appended to `checkpoints.jsonl` — itself a hash chain.
//!
//! The register's hash chain proves lines were not edited *relative to each other*; anyone
//! who can write the folder can still recompute every `prev`, cut the last lines, or add
//! some. A head kept outside the archive (printed by every run, carried by every export,
//! given back to `verify --expect-head`) or signed with a key that never enters the archive
//! pins history up to that point, as Certificate Transparency's signed tree heads do for a
//! log: `verify` recomputes the head at each checkpoint's line count and compares.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use domain::error::{Error, Result};
use domain::sha256::Sha256Sum;

pub const CHECKPOINTS: &str = "checkpoints.jsonl";

/// The register's head: how many lines it has and the SHA-256 of the last (`N:HASH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub lines: usize,
    pub hash: Option<Sha256Sum>,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.hash {
            Some(h) => write!(f, "{}:{h}", self.lines),
            None => write!(f, "{}:", self.lines),
        }
    }
}

/// A text that is not a register head (`--expect-head`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a register head; expected LINES:SHA256 as printed by `issue` (e.g. 14:3f2a…)")]
pub struct HeadError(pub String);

impl FromStr for Head {
    type Err = HeadError;

    fn from_str(s: &str) -> Result<Head, HeadError> {
        let bad = || HeadError(s.to_string());
        let (lines, hash) = s.split_once(':').ok_or_else(bad)?;
        let lines: usize = lines.parse().map_err(|_| bad())?;
        let hash = if hash.is_empty() && lines == 0 { None } else { Some(hash.parse().map_err(|_| bad())?) };
        Ok(Head { lines, hash })
    }
}

/// One line of `checkpoints.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Register lines covered.
    pub lines: usize,
    /// SHA-256 of register line `lines`.
    #[serde(with = "domain::sha256::or_empty")]
    pub head: Option<Sha256Sum>,
    /// Ed25519 signature of [`Checkpoint::message`], hex; absent without a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// SHA-256 of the previous checkpoint line; empty for the first.
    #[serde(with = "domain::sha256::or_empty")]
    pub prev: Option<Sha256Sum>,
}

impl Checkpoint {
    pub fn head(&self) -> Head {
        Head { lines: self.lines, hash: self.head }
    }

    /// What is signed: the head, with a domain separator so the signature can't be
    /// mistaken for one over anything else.
    pub fn message(head: &Head) -> Vec<u8> {
        format!("invoicesmith checkpoint v1\n{head}\n").into_bytes()
    }

    /// Whether the signature is `key`'s over this head: `Ok(false)` when unsigned.
    pub fn signed_by(&self, key: &VerifyingKey) -> std::result::Result<bool, SignatureError> {
        let Some(hex) = &self.signature else { return Ok(false) };
        let bytes: [u8; 64] = decode_hex(hex).and_then(|b| b.try_into().ok()).ok_or(SignatureError::NotHex)?;
        key.verify(&Self::message(&self.head()), &Signature::from_bytes(&bytes))
            .map(|()| true)
            .map_err(|_| SignatureError::DoesNotVerify)
    }
}

/// Why a checkpoint's signature is not its key's; the text completes `<checkpoint>: …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    #[error("its signature is not 64 hex-encoded bytes")]
    NotHex,
    #[error("its signature does not verify with the public key")]
    DoesNotVerify,
}

/// A text that is not an Ed25519 public key; the text names it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicKeyError {
    #[error("'{0}' is not an Ed25519 public key (64 hex digits)")]
    NotHex(String),
    /// 32 bytes that are not a point of the curve.
    #[error("'{0}' is not a valid Ed25519 public key")]
    Invalid(String),
}

/// The checkpoint of `head` after `prev`, signed by `key` if given.
pub fn make(head: Head, prev: Option<Sha256Sum>, key: Option<&SigningKey>) -> Checkpoint {
    let signature = key.map(|k| encode_hex(&k.sign(&Checkpoint::message(&head)).to_bytes()));
    Checkpoint { lines: head.lines, head: head.hash, signature, prev }
}

/// The line a checkpoint is written as (without its newline).
pub fn line(c: &Checkpoint) -> String {
    serde_json::to_string(c).expect("checkpoints serialise")
}

/// The checkpoints of the archive at `root`, each with its line's SHA-256, and the bytes
/// of an unfinished last line if a write was cut short.
pub struct Checkpoints {
    /// Whether `checkpoints.jsonl` exists (it is created with the archive).
    pub exists: bool,
    pub list: Vec<(Checkpoint, Sha256Sum)>,
    /// Line numbers (1-based) whose `prev` is not the line before.
    pub chain_broken: Vec<usize>,
    pub committed_len: u64,
    pub torn: Option<Vec<u8>>,
}

impl Checkpoints {
    pub fn last(&self) -> Option<&(Checkpoint, Sha256Sum)> {
        self.list.last()
    }
}

pub fn read(root: &Path) -> Result<Checkpoints> {
    let path = root.join(CHECKPOINTS);
    let (exists, bytes) = match super::fs::open_no_follow(&path) {
        Ok(mut f) => {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).map_err(|e| Error::io(&path, e))?;
            (true, b)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, Vec::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    parse(&bytes, exists, &path)
}

/// The checkpoints in `bytes`, the content of `checkpoints.jsonl` (or its lines as a
/// database holds them) at `path`.
pub fn parse(bytes: &[u8], exists: bool, path: &Path) -> Result<Checkpoints> {
    let committed = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let torn = (committed < bytes.len()).then(|| bytes[committed..].to_vec());
    let mut out = Checkpoints { exists, list: Vec::new(), chain_broken: Vec::new(), committed_len: committed as u64, torn };
    for (i, text) in bytes[..committed].split(|&b| b == b'\n').filter(|l| !l.is_empty()).enumerate() {
        let c: Checkpoint = serde_json::from_slice(text)
            .map_err(|e| Error::Register { path: path.to_path_buf(), line: i + 1, message: format!("not a checkpoint: {e}") })?;
        if c.prev != out.list.last().map(|(_, h)| *h) {
            out.chain_broken.push(i + 1);
        }
        out.list.push((c, Sha256Sum::of(text)));
    }
    Ok(out)
}

/// A signing key from its file: 64 hex digits (the Ed25519 secret seed), as `keygen` writes.
pub fn load_signing_key(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let seed: [u8; 32] = decode_hex(text.trim())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Refused(format!("{}: not a signing key (64 hex digits, as `invoicesmith keygen` writes)", path.display())))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key from its hex form (`[archive] public_key` in company.toml).
pub fn parse_public_key(hex: &str) -> std::result::Result<VerifyingKey, PublicKeyError> {
    let bytes: [u8; 32] = decode_hex(hex.trim())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| PublicKeyError::NotHex(hex.to_string()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| PublicKeyError::Invalid(hex.to_string()))
}

pub fn public_key_hex(key: &VerifyingKey) -> String {
    encode_hex(key.as_bytes())
}

/// A new key pair from the operating system's randomness: (secret seed hex, public key hex).
pub fn generate() -> Result<(String, String)> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::io("getrandom", std::io::Error::other(e.to_string())))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((encode_hex(&seed), public_key_hex(&key.verifying_key())))
}

/// Writes a new key pair's secret key to `path` (which must not exist; readable only by its
/// owner) and returns the public key, hex.
pub fn write_key_pair(path: &Path) -> Result<String> {
    let (secret, public) = generate()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    std::io::Write::write_all(&mut file, format!("{secret}\n").as_bytes()).map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(public)
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_reads_back_as_printed() {
        let head = Head { lines: 14, hash: Some(Sha256Sum::of(b"x")) };
        assert_eq!(head.to_string().parse::<Head>().unwrap(), head);
        assert_eq!("0:".parse::<Head>().unwrap(), Head { lines: 0, hash: None });
        for bad in ["14", "x:00", "14:abc", "3:"] {
            assert_eq!(bad.parse::<Head>(), Err(HeadError(bad.to_string())), "{bad}");
        }
        assert_eq!(
            "14".parse::<Head>().unwrap_err().to_string(),
            "'14' is not a register head; expected LINES:SHA256 as printed by `issue` (e.g. 14:3f2a…)"
        );
    }

    #[test]
    fn a_signature_verifies_only_for_its_head_and_key() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let head = Head { lines: 3, hash: Some(Sha256Sum::of(b"line")) };
        let c = make(head, None, Some(&key));
        assert_eq!(c.signed_by(&key.verifying_key()), Ok(true));
        assert_eq!(c.signed_by(&other.verifying_key()), Err(SignatureError::DoesNotVerify));
        let moved = Checkpoint { lines: 4, ..c.clone() };
        assert_eq!(moved.signed_by(&key.verifying_key()), Err(SignatureError::DoesNotVerify));
        assert_eq!(make(head, None, None).signed_by(&key.verifying_key()), Ok(false));
        let hex = public_key_hex(&key.verifying_key());
        assert_eq!(parse_public_key(&hex).unwrap(), key.verifying_key());
        assert_eq!(parse_public_key("00"), Err(PublicKeyError::NotHex("00".into())));
    }

    #[test]
    fn parse_keeps_the_torn_tail_and_numbers_lines_from_one() {
        let head = Head { lines: 1, hash: Some(Sha256Sum::of(b"a")) };
        let first = serde_json::to_string(&make(head, None, None)).unwrap();
        let bytes = format!("{first}\n{{\"half");
        let c = parse(bytes.as_bytes(), true, Path::new("c")).unwrap();
        assert_eq!(c.committed_len, first.len() as u64 + 1);
        assert_eq!(c.torn.as_deref(), Some(&b"{\"half"[..]));
        assert_eq!(c.list.len(), 1);
        let whole = format!("{first}\n");
        assert_eq!(parse(whole.as_bytes(), true, Path::new("c")).unwrap().torn, None);
        match parse(format!("{first}\nnot json\n").as_bytes(), true, Path::new("c")) {
            Err(Error::Register { line, .. }) => assert_eq!(line, 2),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("a broken line parsed"),
        }
    }

    #[test]
    fn decode_hex_refuses_odd_length_and_non_hex() {
        assert_eq!(decode_hex("0aff"), Some(vec![0x0a, 0xff]));
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("zz"), None);
    }

    #[test]
    fn read_is_empty_only_when_the_file_is_absent() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!read(dir.path()).unwrap().exists);
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(read(&file).is_err());
    }
}
