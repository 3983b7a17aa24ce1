//! Writes a customer statement: the CSV from the export stage, the PDF and HTML from the
//! render stage.

use std::path::{Path, PathBuf};

use crate::export::statement::{Statement, csv};
use crate::export::Dialect;
use crate::{Error, Result};

/// Writes `statement-<customer>-<from>-<to>.{pdf,html,csv}` into `out` (created if needed;
/// an existing file is never overwritten). Returns the paths written.
pub fn write(s: &Statement, out: &Path, dialect: Dialect) -> Result<Vec<PathBuf>> {
    super::refuse_inside_archive(out, "statement")?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let safe: String = s.customer_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let stem = format!("statement-{safe}-{}-{}", s.from, s.to);
    let files = [
        (format!("{stem}.pdf"), crate::render::pdf::render_statement(s)),
        (format!("{stem}.html"), crate::render::html::render_statement(s).into_bytes()),
        (format!("{stem}.csv"), csv(s, dialect)),
    ];
    // All three or none: a name taken is refused before anything is written, and a failure
    // part way removes what this call wrote.
    if let Some((name, _)) = files.iter().find(|(name, _)| std::fs::symlink_metadata(out.join(name)).is_ok()) {
        return Err(Error::Refused(format!("{}: already exists; a statement never replaces a file", out.join(name).display())));
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = out.join(name);
        let wrote = std::fs::File::create_new(&path).and_then(|mut file| std::io::Write::write_all(&mut file, &bytes));
        if let Err(e) = wrote {
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                let _ = std::fs::remove_file(&path);
            }
            for path in &written {
                let _ = std::fs::remove_file(path);
            }
            return Err(Error::io(&path, e));
        }
        written.push(path);
    }
    Ok(written)
}
