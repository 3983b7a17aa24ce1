//! The EPC QR code of a bank-transfer invoice as dark rectangles, for the PDF to draw as
//! vector graphics (sharp at any zoom or print resolution, a few hundred bytes).
//!
//! Error correction level M, as EPC069-12 asks; the code's version follows from the payload
//! (≤ 331 bytes: version 13 at most). The quiet zone of four modules is left to the layout.

use qrcode::EcLevel;

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

/// The QR code of `payload`, made now: the `qrcode` crate encodes the data and draws the
/// modules; the mask is chosen here ([`best_mask`]), the same one the crate would choose.
fn encode(payload: &str) -> Result<Matrix, QrError> {
    use qrcode::canvas::Canvas;
    let bits = qrcode::bits::encode_auto(payload.as_bytes(), EcLevel::M).map_err(QrError)?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(QrError)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = version.width() as usize;
    let canvas = match best_mask(&canvas, width) {
        Some(mask) => {
            let mut c = canvas;
            c.apply_mask(mask);
            c
        }
        None => canvas.apply_best_mask(),
    };
    Ok(Matrix::of(&canvas.into_colors(), width))
}

/// The eight masks in the order the `qrcode` crate tries them: of equal scores, the first wins.
const MASKS: [qrcode::canvas::MaskPattern; 8] = {
    use qrcode::canvas::MaskPattern::*;
    [Checkerboard, HorizontalLines, VerticalLines, DiagonalLines, LargeCheckerboard, Fields, Diamonds, Meadow]
};

/// The mask with the lowest penalty (ISO/IEC 18004 §7.8.3, as the `qrcode` crate scores it),
/// or `None` for a code wider than 128 modules (version 24 and up: the crate chooses).
///
/// Why not the crate's own `apply_best_mask`: it reads the eight candidates module by module
/// through closures, and that was three quarters of a bank-transfer invoice's HTML time and a
/// fifth of its PDF's. Here each candidate's rows and columns are bit sets and the four
/// penalties are counted with shifts and population counts.
fn best_mask(canvas: &qrcode::canvas::Canvas, width: usize) -> Option<qrcode::canvas::MaskPattern> {
    if width > 128 {
        return None;
    }
    let mut best: Option<(u32, qrcode::canvas::MaskPattern)> = None;
    for mask in MASKS {
        let mut c = canvas.clone();
        c.apply_mask(mask);
        let score = Bits::of(&c.into_colors(), width).penalty();
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, mask));
        }
    }
    best.map(|(_, mask)| mask)
}

/// A square of modules as bit sets: bit `x` of `rows[y]` and bit `y` of `cols[x]` are the
/// module at column `x`, row `y` (1 = dark).
struct Bits {
    width: usize,
    rows: Vec<u128>,
    cols: Vec<u128>,
}

impl Bits {
    fn of(colors: &[qrcode::Color], width: usize) -> Bits {
        let mut rows = vec![0u128; width];
        let mut cols = vec![0u128; width];
        for (i, c) in colors.iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (y, x) = (i / width, i % width);
                rows[y] |= 1 << x;
                cols[x] |= 1 << y;
            }
        }
        Bits { width, rows, cols }
    }

    /// The total penalty without the crate's constant offset (it subtracts 360 per direction
    /// for the three finder patterns every code has), which changes no choice.
    fn penalty(&self) -> u32 {
        let lines = |lines: &[u128]| lines.iter().map(|&l| runs(l, self.width) + finders(l, self.width)).sum::<u32>();
        lines(&self.rows) + lines(&self.cols) + self.blocks() + self.balance()
    }

    /// 3 points for every 2×2 block of one colour, overlapping blocks counted.
    fn blocks(&self) -> u32 {
        let inner = (1u128 << (self.width - 1)) - 1;
        self.rows
            .windows(2)
            .map(|pair| {
                let (a, b) = (pair[0], pair[1]);
                let same_down = !(a ^ b);
                let same_right = !(a ^ (a >> 1));
                3 * (same_down & (same_down >> 1) & same_right & inner).count_ones()
            })
            .sum()
    }

    /// The distance of the dark share from one half, in half percent points, rounded down
    /// as the crate does (not in steps of 5 % as the standard does).
    fn balance(&self) -> u32 {
        let dark: u32 = self.rows.iter().map(|r| r.count_ones()).sum();
        let ratio = dark * 200 / (self.width * self.width) as u32;
        ratio.abs_diff(100)
    }
}

/// `L − 2` points for every run of `L ≥ 5` modules of one colour in a line.
fn runs(line: u128, width: usize) -> u32 {
    let mut score = 0;
    let mut x = 0;
    while x < width {
        let rest = line >> x;
        let len = if rest & 1 == 1 { rest.trailing_ones() } else { rest.trailing_zeros() } as usize;
        let len = len.min(width - x);
        if len >= 5 {
            score += len as u32 - 2;
        }
        x += len;
    }
    score
}

/// 40 points for every `dark light dark dark dark light dark` in a line that has no dark
/// module in the four before it, or none in the four after it (modules outside the code
/// count as light).
fn finders(line: u128, width: usize) -> u32 {
    let starts = (1u128 << (width - 6)) - 1;
    let mut found = line & !(line >> 1) & (line >> 2) & (line >> 3) & (line >> 4) & !(line >> 5) & (line >> 6) & starts;
    let mut score = 0;
    while found != 0 {
        let j = found.trailing_zeros() as usize;
        found &= found - 1;
        let before = if j >= 4 { (line >> (j - 4)) & 0xF } else { line & ((1 << j) - 1) };
        let after = (line >> (j + 7)) & 0xF;
        if before == 0 || after == 0 {
            score += 40;
        }
    }
    score
}

impl Matrix {
    /// The runs of dark modules of a square of `width` modules given row by row.
    fn of(colors: &[qrcode::Color], width: usize) -> Matrix {
        let mut runs = Vec::new();
        for row in 0..width {
            let line = &colors[row * width..(row + 1) * width];
            let mut col = 0;
            while col < width {
                if line[col] == qrcode::Color::Dark {
                    let first = col;
                    while col < width && line[col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    runs.push((row, first, col - first));
                } else {
                    col += 1;
                }
            }
        }
        Matrix { width, runs }
    }

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

    /// The mask chosen here is the one the `qrcode` crate chooses by its own scoring, for
    /// payloads of every length an EPC code can have (versions 3 to 13) and of one byte to
    /// 300 outside it, of varied text.
    #[test]
    fn the_chosen_mask_is_the_crates() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-/\nÄÖÜäöüßéèçñ€".chars().collect();
        let mut masks = std::collections::BTreeSet::new();
        for len in (1..=331).step_by(3) {
            let payload: String = if len % 2 == 0 {
                format!("BCD\n002\n1\nSCT\n\n{}", (0..len).map(|_| alphabet[next() as usize % alphabet.len()]).collect::<String>())
            } else {
                (0..len).map(|_| alphabet[next() as usize % alphabet.len()]).collect()
            };
            let Ok(theirs) = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M) else {
                assert!(encode(&payload).is_err(), "{payload:?}");
                continue;
            };
            let ours = encode(&payload).unwrap();
            assert_eq!(ours, Matrix::of(&theirs.to_colors(), theirs.width()), "{payload:?}");
            masks.insert(format!("{:?}", theirs.to_colors()[8 * theirs.width() + 2..8 * theirs.width() + 5].to_vec()));
        }
        assert!(masks.len() >= 4, "the payloads gave codes with several masks: {}", masks.len());
    }

    /// The four penalties of squares worked out by hand.
    #[test]
    fn the_penalties_counted_by_hand() {
        use qrcode::Color::{Dark as D, Light as L};
        // All light, 21 × 21: 21 runs of 21 in each direction (19 points each), 20 × 20
        // blocks (3 each), no finder-like pattern, no dark module (100 points).
        let light = Bits::of(&[L; 21 * 21], 21);
        assert_eq!((runs(light.rows[0], 21), light.blocks(), light.balance()), (19, 1200, 100));
        assert_eq!(light.penalty(), 2 * 21 * 19 + 1200 + 100);
        // A checkerboard: no run, no block, half dark rounded down (220 of 441: 99.77 → 99,
        // 1 point).
        let checker: Vec<_> = (0..21 * 21).map(|i| if (i / 21 + i % 21) % 2 == 0 { L } else { D }).collect();
        let checker = Bits::of(&checker, 21);
        assert_eq!((checker.blocks(), checker.balance(), checker.penalty()), (0, 1, 1));
        // Runs: 5 dark (3 points), 4 light (none), 6 dark (4 points), 6 light to the end (4).
        let line = 0b111_111_000_011_111u128;
        assert_eq!(runs(line, 21), 3 + 4 + 4);
        // A finder-like pattern with light on both sides counts 40; with dark modules both
        // four before and four after it, nothing; at the start of a line (nothing before it
        // inside the code), 40.
        let pattern = 0b1011101u128;
        assert_eq!(finders(pattern << 5, 21), 40);
        assert_eq!(finders((1 << 1) | (pattern << 5) | (1 << 15), 21), 0);
        assert_eq!(finders((1 << 4) | (pattern << 5), 21), 40, "dark before, light after");
        assert_eq!(finders(pattern | (1 << 10), 21), 40);
        assert_eq!(finders(pattern << 14, 21), 40, "ending at the last module");
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
