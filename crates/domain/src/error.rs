//! The library's error type: input diagnostics, or a problem with the archive.

use std::path::PathBuf;

use crate::diag::Diagnostic;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The data folder has problems; nothing was issued or written.
    #[error("{} input error(s); nothing was issued", .0.len())]
    Input(Vec<Diagnostic>),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The register is not what this program wrote; refuse to guess.
    #[error("{}:{line}: the archive register is damaged: {message}", path.display())]
    Register { path: PathBuf, line: usize, message: String },
    /// A correction or look-up that cannot be done as asked (already cancelled, unknown
    /// number, bad field…). Nothing was issued.
    #[error("{0}")]
    Refused(String),
    /// An issued file whose bytes no longer match the SHA-256 registered for it.
    #[error("{}: differs from the SHA-256 the register holds for it; an issued file was changed (see `invoicesmith verify`)", path.display())]
    Altered { path: PathBuf },
    /// The archive folder does not exist (or is not a folder).
    #[error("{}: no archive here (give the right --archive, or --init to create a new one)", path.display())]
    NoArchive { path: PathBuf },
    /// A file with this name exists with other content: issued documents are never replaced.
    #[error("{}: already exists with different content; issued documents are never overwritten", path.display())]
    WouldOverwrite { path: PathBuf },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    pub fn is_input(&self) -> bool {
        matches!(self, Error::Input(_) | Error::Refused(_))
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Input(d) => d,
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
