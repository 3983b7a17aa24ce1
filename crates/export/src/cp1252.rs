//! Windows-1252, the code page DATEV reads its import files in.
//!
//! ASCII and Latin-1 (U+00A0–U+00FF) map to themselves; 27 more characters (€, „, “, ”, –,
//! —, Š, Ž, Œ…) have the bytes 0x80–0x9F. Anything else (Polish, Greek, Cyrillic letters
//! in a customer's name) has no byte and is written as `?`: DATEV's own text fields can
//! hold nothing better, and the document number, account and amount identify the booking.

/// The characters of 0x80–0x9F, in byte order (`None`: the byte is unassigned).
const HIGH: [Option<char>; 32] = [
    Some('€'), None, Some('‚'), Some('ƒ'), Some('„'), Some('…'), Some('†'), Some('‡'),
    Some('ˆ'), Some('‰'), Some('Š'), Some('‹'), Some('Œ'), None, Some('Ž'), None,
    None, Some('‘'), Some('’'), Some('“'), Some('”'), Some('•'), Some('–'), Some('—'),
    Some('˜'), Some('™'), Some('š'), Some('›'), Some('œ'), None, Some('ž'), Some('Ÿ'),
];

/// Appends `text` in Windows-1252 to `out`; a character the code page lacks becomes `?`.
pub fn encode_into(out: &mut Vec<u8>, text: &str) {
    for c in text.chars() {
        let code = c as u32;
        let byte = match code {
            0..=0x7F | 0xA0..=0xFF => Some(code as u8),
            _ => HIGH.iter().position(|h| *h == Some(c)).map(|i| 0x80 + i as u8),
        };
        out.push(byte.unwrap_or(b'?'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_1_and_the_windows_extras_have_their_bytes_and_the_rest_is_a_question_mark() {
        let mut out = Vec::new();
        encode_into(&mut out, "Jürgen Weiß € „x“ – Łódź Ω");
        assert_eq!(out, b"J\xFCrgen Wei\xDF \x80 \x84x\x93 \x96 ?\xF3d? ?");
    }
}
