//! The seller an archive belongs to: `seller.json`, written when the archive gets its first
//! documents. One archive per seller: a data folder of another seller is refused, whatever
//! folder the run starts in. The file is checked against the register by `verify`: every
//! registered company snapshot (hashed in the register) names this VAT ID.

use serde::{Deserialize, Serialize};

use super::register::State;
use super::{Archive, fs};
use domain::error::{Error, Result};

pub const SELLER: &str = "seller.json";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    pub vat_id: String,
}

/// The VAT ID in a company.toml's text (`seller.vat_id`), trimmed as the input reads it.
pub fn vat_id_of(company_toml: &str) -> Option<String> {
    let table: toml::Table = company_toml.parse().ok()?;
    Some(table.get("seller")?.get("vat_id")?.as_str()?.trim().to_string())
}

/// The seller recorded in the archive, if any.
pub fn read(archive: &Archive) -> Result<Option<Seller>> {
    let path = archive.root().join(SELLER);
    let mut bytes = Vec::new();
    match fs::open_no_follow(&path) {
        Ok(mut f) => std::io::Read::read_to_end(&mut f, &mut bytes).map_err(|e| Error::io(&path, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::Register { path, line: 1, message: format!("not a seller record: {e}") })
}

/// Refuses `company_toml` if it is another seller's than the archive's.
pub fn check(archive: &Archive, company_toml: &str) -> Result<()> {
    let (Some(recorded), Some(vat_id)) = (read(archive)?, vat_id_of(company_toml)) else { return Ok(()) };
    if recorded.vat_id != vat_id {
        return Err(Error::Refused(format!(
            "{}: this archive belongs to the seller {}, but company.toml is the seller {vat_id}'s; nothing was written (one archive per seller: give that seller's --archive)",
            archive.root().display(),
            recorded.vat_id
        )));
    }
    Ok(())
}

/// Records the seller of `company_toml` if the archive has none yet (a new archive, or one
/// from before the seller was recorded: then the seller of its registered documents).
pub(super) fn record(archive: &Archive, state: &State, company_toml: &str) -> Result<()> {
    check(archive, company_toml)?;
    if read(archive)?.is_some() {
        return Ok(());
    }
    let vat_id = match state.entries.last() {
        Some(last) => vat_id_of(&state.company_text(last)?),
        None => vat_id_of(company_toml),
    };
    let Some(vat_id) = vat_id else { return Ok(()) };
    let text = serde_json::to_string(&Seller { vat_id }).expect("serialises") + "\n";
    fs::write_once(&*archive.fs, archive.root(), archive.root(), SELLER, text.as_bytes())
}
