//! PDF's primitive objects as bytes (ISO 32000-1 §7.3), written the way lopdf writes them, so
//! that [`super::content`] and [`super::file`] produce the bytes lopdf's writer did, without
//! its per-value trip through `fmt`.

use std::cell::RefCell;
use std::io::Write;

/// `v` as the shortest decimal that reads back as the same `f32` (what `{v}` prints). Whole
/// thousandths (every colour, size and box in these files) are written from their integer,
/// anything else through `fmt`.
pub(super) fn real(out: &mut Vec<u8>, v: f32) {
    let thousandths = (v * 1000.0).round();
    // Below 10^4, distinct three-decimal numbers are distinct `f32`s, so the shortest decimal
    // of such a `v` is its three decimals without trailing zeros. Zero goes through `fmt`
    // for its sign.
    if v != 0.0 && thousandths.abs() < 1e7 && thousandths / 1000.0 == v {
        decimal(out, thousandths as i64, 3);
    } else {
        write!(out, "{v}").expect("writing to memory");
    }
}

/// `n / 10^places` without trailing zeros: `12.5`, `-0.07`, `20`.
pub(super) fn decimal(out: &mut Vec<u8>, n: i64, places: u32) {
    let scale = 10u64.pow(places);
    let (whole, mut fraction) = (n.unsigned_abs() / scale, n.unsigned_abs() % scale);
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
    if fraction != 0 {
        out.push(b'.');
        let mut digits = places;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        for place in (0..digits).rev() {
            out.push(b'0' + (fraction / 10u64.pow(place) % 10) as u8);
        }
    }
}

pub(super) fn integer(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A literal string. Parentheses that pair up stay as they are; unpaired ones, backslashes
/// and carriage returns are escaped.
pub(super) fn literal(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'(');
    if text.iter().any(|b| matches!(b, b'(' | b')' | b'\\' | b'\r')) {
        // Most runs of two-byte codes hold one of these bytes: which to escape is worked out
        // in this thread's scratch space, not in memory allocated per string.
        thread_local! {
            static SCRATCH: RefCell<(Vec<bool>, Vec<usize>)> = const { RefCell::new((Vec::new(), Vec::new())) };
        }
        SCRATCH.with_borrow_mut(|(escape, open)| {
            escape.clear();
            escape.resize(text.len(), false);
            open.clear();
            for (i, &b) in text.iter().enumerate() {
                match b {
                    b'(' => open.push(i),
                    b')' if open.pop().is_none() => escape[i] = true,
                    b'\\' | b'\r' => escape[i] = true,
                    _ => {}
                }
            }
            for &i in open.iter() {
                escape[i] = true;
            }
            for (&b, &escaped) in text.iter().zip(escape.iter()) {
                if escaped {
                    out.push(b'\\');
                    out.push(if b == b'\r' { b'r' } else { b });
                } else {
                    out.push(b);
                }
            }
        });
    } else {
        out.extend_from_slice(text);
    }
    out.push(b')');
}

/// A hexadecimal string, upper-case digits.
pub(super) fn hexadecimal(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'<');
    for &b in text {
        hex_byte(out, b);
    }
    out.push(b'>');
}

/// `b` as two upper-case hexadecimal digits.
fn hex_byte(out: &mut Vec<u8>, b: u8) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.push(DIGITS[usize::from(b >> 4)]);
    out.push(DIGITS[usize::from(b & 0xF)]);
}

/// A name: white space, delimiters, `#` and bytes outside `!`…`~` as `#XX`.
pub(super) fn name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' | b'#') || !(33..=126).contains(&b) {
            out.push(b'#');
            hex_byte(out, b);
        } else {
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reals_are_written_as_fmt_writes_them() {
        let mut values = vec![0.0f32, -0.0, 1.0, 0.5, 0.7, 0.945, 0.955, 0.97, 0.106, 6.8, 7.2, 8.5, 24.0, 0.1, 1.0 / 3.0, 595.276, 841.89, 1e-5, 123_456.79];
        values.extend((0..20_000).map(|n| n as f32 / 1000.0));
        values.extend((0..2_000).map(|n| -(n as f32) / 7.0));
        for v in values {
            assert_eq!(written(|o| real(o, v)), format!("{v}"), "{v:?}");
        }
    }

    #[test]
    fn hundredths_match_the_shortest_form_of_the_same_real() {
        for n in [-84189i64, -100, -7, -1, 0, 1, 10, 99, 100, 150, 1234, 59528, 84189] {
            assert_eq!(written(|o| decimal(o, n, 2)), format!("{}", n as f32 / 100.0), "{n}");
        }
    }
}
