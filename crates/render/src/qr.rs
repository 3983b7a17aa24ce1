//! The EPC QR code of a bank-transfer invoice as dark rectangles, for the PDF to draw as
//! vector graphics (sharp at any zoom or print resolution, a few hundred bytes).
//!
//! Error correction level M, as EPC069-12 asks; the code's version follows from the payload
//! (≤ 331 bytes: version 13 at most). The quiet zone of four modules is left to the layout.

use qrcode::{EcLevel, QrCode};

/// The code's modules: its width in modules, and its dark modules as runs per row
/// `(row, first column, length)` (one rectangle per run rather than per module).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    pub width: usize,
    pub runs: Vec<(usize, usize, usize)>,
}

/// Why a payload has no QR code (too long for one); the encoder says which limit it met.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no QR code for the payment details: {0}")]
pub struct QrError(qrcode::types::QrError);

/// The QR code of `payload`, or why there can be none (too long for a QR code).
///
/// The last code made on this thread is kept: a document's PDF and HTML are rendered one
/// after the other on one thread, and choosing a code's mask (eight candidates scored) was
/// a fifth of a bank-transfer invoice's PDF time, paid twice.
pub fn matrix(payload: &str) -> Result<std::sync::Arc<Matrix>, QrError> {
    use std::cell::RefCell;
    use std::sync::Arc;
    thread_local! {
        static LAST: RefCell<Option<(String, Arc<Matrix>)>> = const { RefCell::new(None) };
    }
    if let Some(m) = LAST.with_borrow(|last| last.as_ref().filter(|(p, _)| p == payload).map(|(_, m)| m.clone())) {
        return Ok(m);
    }
    let m = Arc::new(encode(payload)?);
    LAST.set(Some((payload.to_string(), m.clone())));
    Ok(m)
}

/// The QR code of `payload`, made now.
fn encode(payload: &str) -> Result<Matrix, QrError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(QrError)?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == qrcode::Color::Dark {
                let first = col;
                while col < width && colors[row * width + col] == qrcode::Color::Dark {
                    col += 1;
                }
                runs.push((row, first, col - first));
            } else {
                col += 1;
            }
        }
    }
    Ok(Matrix { width, runs })
}

impl Matrix {
    /// The dark modules as one SVG path (`M x y h len v 1 h -len z` per run), in module units
    /// with a quiet zone of four modules: for a `viewBox` of [`Matrix::svg_size`].
    pub fn svg_path(&self) -> String {
        use std::fmt::Write;
        let mut d = String::with_capacity(self.runs.len() * 16);
        for &(row, col, len) in &self.runs {
            let _ = write!(d, "M{} {}h{len}v1h-{len}z", col + 4, row + 4);
        }
        d
    }

    /// The side of the code with its quiet zone, in modules.
    pub fn svg_size(&self) -> usize {
        self.width + 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_has_the_finder_patterns_and_decodes_to_the_payload() {
        let payload = "BCD\n002\n1\nSCT\n\nKunstlicht OÜ\nEE382200221020145685\nEUR12.30\n\nRF09KLINV2026000001";
        let m = matrix(payload).unwrap();
        // The top-left finder pattern: a row of seven dark modules at row 0, column 0.
        assert_eq!(m.runs[0], (0, 0, 7));
        // Rasterise at 4 pixels per module with a quiet zone of 4 modules and decode with a
        // decoder other than the encoder.
        let scale = 4;
        let size = (m.width + 8) * scale;
        let mut pixels = vec![255u8; size * size];
        for &(row, col, len) in &m.runs {
            for y in (row + 4) * scale..(row + 5) * scale {
                for x in (col + 4) * scale..(col + 4 + len) * scale {
                    pixels[y * size + x] = 0;
                }
            }
        }
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| pixels[y * size + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, payload);
    }

    #[test]
    fn the_kept_code_is_only_that_of_the_same_payload() {
        let (a, b) = ("BCD\n002\n1\nSCT\n\nA\nEE382200221020145685\nEUR1.00", "BCD\n002\n1\nSCT\n\nB\nEE382200221020145685\nEUR2.00");
        let first = matrix(a).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &matrix(a).unwrap()), "the same payload again: the kept code");
        let other = matrix(b).unwrap();
        assert_eq!(*other, encode(b).unwrap());
        assert_ne!(*other, *first);
        assert_eq!(*matrix(a).unwrap(), encode(a).unwrap());
    }
}
