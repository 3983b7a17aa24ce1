//! Deflate at the fast level, with one compressor per thread.
//!
//! Both the PDF writer (a dozen small streams per document) and the export's zip (hundreds of
//! thousands of small files) compress many small inputs. Setting up a compressor — its window
//! and hash tables — costs about as much as compressing a page, so each thread keeps one per
//! framing and resets it between inputs. The output depends only on the input and the framing,
//! never on the thread.
//!
//! The level is [`flate2::Compression::fast`]: measured on the sample invoices with zlib-rs,
//! level 1 is ~25 % faster than the default level for ~20 % more bytes, and both PDFs and
//! the export stay far below their size budgets.

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress, Status};

/// What wraps the deflate stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// zlib header and Adler-32 trailer: PDF's `FlateDecode`.
    Zlib,
    /// Bare deflate: a zip entry's data.
    Raw,
}

/// `input`, deflated at the fast level.
pub fn deflate(input: &[u8], framing: Framing) -> Vec<u8> {
    thread_local! {
        static ZLIB: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), true));
        static RAW: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
    }
    let compressor = match framing {
        Framing::Zlib => &ZLIB,
        Framing::Raw => &RAW,
    };
    compressor.with_borrow_mut(|deflate| {
        deflate.reset();
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        loop {
            let consumed = deflate.total_in() as usize;
            let status = deflate.compress_vec(&input[consumed..], &mut out, FlushCompress::Finish).expect("deflating to memory");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(4096));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adler-32 (RFC 1950), written out here: the zlib trailer is checked against it.
    fn adler32(bytes: &[u8]) -> [u8; 4] {
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in bytes {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        ((b << 16) | a).to_be_bytes()
    }

    /// Inputs of every shape: empty, one byte, text, repetitive, incompressible, larger than
    /// the 32 KB window and the output buffer's first size.
    fn inputs() -> Vec<Vec<u8>> {
        let mut noise = Vec::with_capacity(100_000);
        let mut x: u32 = 0x1234_5678;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push(x as u8);
        }
        vec![
            Vec::new(),
            b"x".to_vec(),
            "Rechnung KL-INV-2026-000001 · 19 % MwSt. ".repeat(200).into_bytes(),
            vec![0; 200_000],
            noise,
        ]
    }

    #[test]
    fn both_framings_inflate_back_to_the_input_with_another_implementation() {
        // miniz_oxide decodes: a different implementation from the zlib-rs encoder.
        for input in inputs() {
            let zlib = deflate(&input, Framing::Zlib);
            assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&zlib).unwrap(), input, "zlib, {} bytes", input.len());
            // The zlib frame: CMF 0x78 (deflate, 32 KB window), FLG 0x01 (fastest level, no
            // dictionary, header check), and the input's Adler-32 at the end.
            assert_eq!(zlib[..2], [0x78, 0x01]);
            assert_eq!(zlib[zlib.len() - 4..], adler32(&input));
            let raw = deflate(&input, Framing::Raw);
            assert_eq!(miniz_oxide::inflate::decompress_to_vec(&raw).unwrap(), input, "raw, {} bytes", input.len());
            // Bare deflate is the zlib stream without its 2-byte header and 4-byte trailer.
            assert_eq!(raw, zlib[2..zlib.len() - 4]);
        }
    }

    #[test]
    fn it_compresses_and_a_reused_compressor_does_not_remember_earlier_input() {
        let text = "Rechnung KL-INV-2026-000001 · 19 % MwSt. ".repeat(200);
        let first = deflate(text.as_bytes(), Framing::Raw);
        assert!(first.len() * 10 < text.len(), "repetitive text compresses: {} of {}", first.len(), text.len());
        // The same input after another one, in this thread and in a fresh one.
        deflate(b"something else entirely, which a dictionary would remember", Framing::Raw);
        assert_eq!(deflate(text.as_bytes(), Framing::Raw), first);
        let fresh = std::thread::spawn(move || deflate(text.as_bytes(), Framing::Raw)).join().unwrap();
        assert_eq!(fresh, first);
    }
}
