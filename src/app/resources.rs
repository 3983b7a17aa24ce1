//! What a command reads at run time besides the data: the translations folder and the CJK
//! font named in company.toml's `[resources]`. Every command that renders documents reads
//! them here, the same way ([`configure`]): `issue` from its data folder, `reissue` and
//! `render` of an archived record from the data folder given with `--data`, else from the
//! company.toml the document was issued under (as archived), `render` of a record file and
//! `snapshot` from `--data`, `statement` from its `--data`. So a language added or edited
//! in the folder prints the same words in a document issued, re-rendered or corrected.
//!
//! Paths are relative to company.toml's folder. An archived company.toml has lost its
//! folder, so only its absolute paths can be used: a relative one there is an error that
//! asks for `--data` (rendering silently with the built-in texts would print other words
//! than the document was issued with).

use std::path::Path;

use crate::diag::Diagnostic;
use crate::{Error, Result};
use crate::model::Resources;
use crate::{archive, input, locale, render};

/// Where a command finds the `[resources]` it renders with.
#[derive(Clone, Copy, Debug)]
pub enum Configured<'a> {
    /// Nothing configured: the built-in translations and fonts.
    BuiltIn,
    /// A data folder (`issue`'s, or `--data`): its company.toml, paths relative to it.
    Data(&'a Path),
    /// The company.toml a document was issued under, as the archive keeps it
    /// (`company/<sha256>.toml`, the name given for messages): only absolute paths are used.
    Archived { text: &'a str, name: &'a str },
}

/// Reads the resources `from` names (translations over the built-in ones, the CJK font)
/// for the rest of the process: the one way every rendering command configures them. Every
/// problem is a diagnostic naming company.toml's key or the file.
pub fn configure(from: Configured<'_>) -> Result<()> {
    match from {
        Configured::BuiltIn => Ok(()),
        Configured::Data(dir) => configure_data(dir, &read_company(dir)?),
        Configured::Archived { text, name } => {
            let company = input::parse_company(text).map_err(Error::Input)?;
            load(None, name, &company.resources).map_err(Error::Input)
        }
    }
}

/// The company.toml of the data folder `dir`.
fn read_company(dir: &Path) -> Result<String> {
    let path = dir.join(input::COMPANY);
    std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))
}

/// [`configure`] from the data folder `dir` whose company.toml reads `text`.
fn configure_data(dir: &Path, text: &str) -> Result<()> {
    let company = input::parse_company(text).map_err(Error::Input)?;
    load(Some(dir), input::COMPANY, &company.resources).map_err(Error::Input)
}

/// Reads `resources` (relative to `base`, company.toml's folder; `None` for an archived
/// company.toml, named `file` in messages), and checks that the fonts cover the translations
/// read ([`super::printable::translations`]).
pub(crate) fn load(base: Option<&Path>, file: &str, resources: &Resources) -> std::result::Result<(), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let resolve = |key: &str, value: &str, diagnostics: &mut Vec<Diagnostic>| match base {
        Some(base) => Some(base.join(value)),
        None if Path::new(value).is_absolute() => Some(Path::new(value).to_path_buf()),
        None => {
            diagnostics.push(Diagnostic::new(
                file,
                None,
                key,
                format!("'{value}' is relative to the folder of the company.toml the document was issued under, which the archive does not know; give --data DIR (the data folder whose company.toml names it), or write an absolute path"),
            ));
            None
        }
    };
    let mut languages = Vec::new();
    let mut translations = None;
    if let Some(folder) = &resources.translations
        && let Some(path) = resolve("resources.translations", folder, &mut diagnostics)
    {
        match locale::load_folder(&path, folder) {
            Ok(read) => languages = read,
            Err(found) => diagnostics.extend(found),
        }
        translations = Some((path, folder));
    }
    if let Some(font) = &resources.cjk_font
        && let Some(path) = resolve("resources.cjk_font", font, &mut diagnostics)
        && let Err(reason) = render::pdf::load_cjk_font(&path)
    {
        diagnostics.push(Diagnostic::new(file, None, "resources.cjk_font", format!("'{font}' {reason}")));
    }
    // With the fonts known: the translations read must be printable.
    if let (true, Some((dir, folder))) = (diagnostics.is_empty(), &translations) {
        diagnostics.extend(super::printable::translations(dir, folder, &languages));
    }
    if diagnostics.is_empty() { Ok(()) } else { Err(diagnostics) }
}

/// [`configure`] for a command on an archived document (`reissue`, `render` of an archived
/// record): the data folder given with `--data` (whose company.toml must be the archive's
/// seller's, when the archive is given), else the company.toml `entry` was issued under, read from `state` and checked
/// against its SHA-256.
pub fn configure_archived(archive: Option<&archive::Archive>, data: Option<&Path>, state: &archive::State, entry: &archive::RegisterEntry) -> Result<()> {
    match data {
        Some(dir) => {
            let text = read_company(dir)?;
            if let Some(archive) = archive {
                archive::seller::check(archive, &text)?;
            }
            configure_data(dir, &text)
        }
        None => {
            let text = state.company_text(entry)?;
            let name = archive::register::company_path(&entry.company);
            configure(Configured::Archived { text: &text, name: &name })
        }
    }
}
