//! Writes a customer statement: the CSV from the export stage, the PDF and HTML from the
//! render stage.

use std::path::{Path, PathBuf};

use crate::export::statement::{Statement, csv};
use crate::export::Dialect;
use crate::{Error, Result};

/// Writes `statement-<customer>-<from>-<to>.{pdf,html,csv}` into `out` (created if needed;
/// an existing file is never overwritten). Returns the paths written.
pub fn write(s: &Statement, out: &Path, dialect: Dialect) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let safe: String = s.customer_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let stem = format!("statement-{safe}-{}-{}", s.from, s.to);
    let files = [
        (format!("{stem}.pdf"), crate::render::pdf::render_statement(s)),
        (format!("{stem}.html"), crate::render::html::render_statement(s).into_bytes()),
        (format!("{stem}.csv"), csv(s, dialect)),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = out.join(name);
        let mut file = std::fs::File::create_new(&path).map_err(|e| Error::io(&path, e))?;
        std::io::Write::write_all(&mut file, &bytes).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
