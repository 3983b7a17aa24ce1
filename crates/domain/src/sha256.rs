//! SHA-256 sums as values: 32 bytes in memory, 64 lower-case hex digits on disk.
//!
//! The register holds six sums per document (files, company, fingerprint, hash chain); as hex
//! strings they were most of its memory (a 100,000-document register took ~140 MB). As
//! [`Sha256Sum`]s they are compared as bytes and formatted only where they are written, and the
//! register's text stays exactly what it was.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The SHA-256 of some bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha256Sum([u8; 32]);

impl Sha256Sum {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256Sum {
        Sha256Sum(Sha256::digest(bytes).into())
    }

    /// The sum a finished hasher stands for.
    pub fn from_hasher(hasher: Sha256) -> Sha256Sum {
        Sha256Sum(hasher.finalize().into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Sha256Sum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 64];
        for (pair, byte) in text.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0xf)];
        }
        f.write_str(std::str::from_utf8(&text).expect("hex digits are ASCII"))
    }
}

impl fmt::Debug for Sha256Sum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Sum({self})")
    }
}

/// Why a text is not a SHA-256 sum.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a SHA-256 sum (64 lower-case hex digits)")]
pub struct NotASha256Sum(String);

impl FromStr for Sha256Sum {
    type Err = NotASha256Sum;

    fn from_str(text: &str) -> Result<Sha256Sum, NotASha256Sum> {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(NotASha256Sum(text.to_string()));
        }
        let mut sum = [0u8; 32];
        for (byte, pair) in sum.iter_mut().zip(bytes.chunks_exact(2)) {
            *byte = match (digit(pair[0]), digit(pair[1])) {
                (Some(high), Some(low)) => high << 4 | low,
                _ => return Err(NotASha256Sum(text.to_string())),
            };
        }
        Ok(Sha256Sum(sum))
    }
}

impl Serialize for Sha256Sum {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sha256Sum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sha256Sum, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `Option<Sha256Sum>` as a string that is empty for `None` (the register's first `prev`).
pub mod or_empty {
    use super::*;

    pub fn serialize<S: Serializer>(sum: &Option<Sha256Sum>, serializer: S) -> Result<S::Ok, S::Error> {
        match sum {
            Some(sum) => sum.serialize(serializer),
            None => serializer.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Sha256Sum>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        if text.is_empty() { Ok(None) } else { text.parse().map(Some).map_err(serde::de::Error::custom) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_prints_as_sha256sum_does_and_parses_back() {
        let sum = Sha256Sum::of(b"abc");
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sum.to_string(), hex);
        assert_eq!(hex.parse::<Sha256Sum>(), Ok(sum));
        assert_eq!(serde_json::to_string(&sum).unwrap(), format!("\"{hex}\""));
        assert_eq!(serde_json::from_str::<Sha256Sum>(&format!("\"{hex}\"")).unwrap(), sum);
    }

    #[test]
    fn anything_but_64_lower_case_hex_digits_is_refused() {
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        for bad in [&hex[..62], &format!("{hex}00"), &hex.to_uppercase(), &hex.replacen('b', "g", 1), ""] {
            assert_eq!(bad.parse::<Sha256Sum>(), Err(NotASha256Sum(bad.to_string())), "{bad}");
        }
        assert!(serde_json::from_str::<Sha256Sum>("\"xyz\"").unwrap_err().to_string().contains("not a SHA-256 sum"));
    }

    #[test]
    fn an_empty_string_is_no_sum_and_stays_empty() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Line {
            #[serde(with = "or_empty")]
            prev: Option<Sha256Sum>,
        }
        assert_eq!(serde_json::from_str::<Line>(r#"{"prev":""}"#).unwrap(), Line { prev: None });
        assert_eq!(serde_json::to_string(&Line { prev: None }).unwrap(), r#"{"prev":""}"#);
        let sum = Sha256Sum::of(b"line");
        assert_eq!(serde_json::to_string(&Line { prev: Some(sum) }).unwrap(), format!(r#"{{"prev":"{sum}"}}"#));
    }
}
