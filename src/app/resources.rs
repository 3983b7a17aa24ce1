//! What a run reads at run time besides the data: the translations folder and the CJK font
//! named in company.toml's `[resources]`, relative to company.toml.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::model::Resources;
use crate::{input, locale, render};

/// Reads the configured translations (over the built-in ones) and font. Every problem is a
/// diagnostic naming company.toml's key or the file.
pub fn load(data_dir: &Path, resources: &Resources) -> Result<(), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if let Some(folder) = &resources.translations
        && let Err(found) = locale::load_folder(&data_dir.join(folder), folder)
    {
        diagnostics.extend(found);
    }
    if let Some(font) = &resources.cjk_font
        && let Err(reason) = render::pdf::load_cjk_font(&data_dir.join(font))
    {
        diagnostics.push(Diagnostic::new(input::COMPANY, None, "resources.cjk_font", format!("'{font}' {reason}")));
    }
    if diagnostics.is_empty() { Ok(()) } else { Err(diagnostics) }
}
