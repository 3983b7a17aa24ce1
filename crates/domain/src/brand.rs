//! The seller's brand on its documents: a logo, an accent colour and the footer lines a
//! company prints on its business letters (registered office, register court, managing
//! directors, website, support contact, bank account).
//!
//! The brand is part of the issued document (`brand` in its JSON record): the logo by its
//! format, size and SHA-256, its file stored once in the archive beside the records
//! (`logo/<sha256>`), so `invoicesmith render` of an archived record gives the same bytes
//! years later, whatever happened to the logo file since, while a record stays small. A
//! logo is limited to [`MAX_LOGO_BYTES`]. The image files are read
//! here (PNG with the `png` crate, JPEG's frame header by hand, SVG with `usvg`), once for
//! checking them and again by the renderer, which writes them into the PDF.

use std::sync::Arc;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::sha256::Sha256Sum;

/// The largest logo file accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// The accent colour of titles and rules, `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<Rgb>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Logo>,
    /// Footer lines, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footer: Vec<FooterLine>,
}

/// One footer line: what it is (`registered_office`, `register_court`, `managing_directors`,
/// `website`, `support`, `bank_account`), labelled in the document's language when printed,
/// and the company's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FooterLine {
    pub key: String,
    pub value: String,
}

/// A colour, written `#RRGGBB` in company.toml and the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub [u8; 3]);

/// A text that is not a `#RRGGBB` colour; the text completes `'<text>' …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not a colour; expected '#RRGGBB', e.g. '#0B5FFF'")]
pub struct ColourError;

impl Rgb {
    /// `#0B5FFF` (either case) as a colour.
    pub fn parse(text: &str) -> Result<Rgb, ColourError> {
        let hex = text.strip_prefix('#').filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let hex = hex.ok_or(ColourError)?;
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits");
        Ok(Rgb([byte(0), byte(2), byte(4)]))
    }

    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0[0], self.0[1], self.0[2])
    }

    /// The components as fractions of 1, for PDF colour operators.
    pub fn fractions(self) -> (f32, f32, f32) {
        let f = |c: u8| f32::from(c) / 255.0;
        (f(self.0[0]), f(self.0[1]), f(self.0[2]))
    }
}

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rgb::parse(&text).map_err(|e| serde::de::Error::custom(format!("'{text}' {e}")))
    }
}

/// The image formats a logo may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogoFormat {
    Png,
    Jpeg,
    /// Drawn as vector paths in the PDF, embedded as it is in the HTML.
    Svg,
}

impl LogoFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Jpeg => "image/jpeg",
            LogoFormat::Svg => "image/svg+xml",
        }
    }
}

/// A logo: its format, its intrinsic size in pixels (or SVG user units), from which the
/// printed size keeps the aspect ratio, the SHA-256 of its file and the file's bytes.
///
/// The record names the file by its SHA-256 (`sha256`); the archive stores the file once,
/// as `logo/<sha256>`, and whoever reads a record from the archive attaches the bytes
/// ([`Logo::attach`], which checks them against the SHA-256) before it is rendered. A record
/// written before that carries the file inline (`data`, base64, in every record): it is
/// still read, attached at once, and written back the same way, so it re-renders byte for
/// byte, JSON included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub format: LogoFormat,
    pub width: u32,
    pub height: u32,
    pub sha256: Sha256Sum,
    /// The file's bytes once known: always for a logo read from its file or an inline
    /// record; for a record naming it by SHA-256, once attached.
    bytes: Option<Arc<[u8]>>,
    /// Whether the record carries the file inline (records written before logos were stored
    /// in the archive).
    inline: bool,
}

/// Bytes offered for a record's logo that are not the file it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the logo's bytes have the SHA-256 {found}, not the {named} the record names")]
pub struct NotTheLogo {
    pub found: Sha256Sum,
    pub named: Sha256Sum,
}

/// Why a file is not a logo this program reads; the text completes `'<file name>' …`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LogoError {
    /// More than [`MAX_LOGO_BYTES`].
    #[error("is {bytes} bytes; a logo may have at most {MAX_LOGO_BYTES}")]
    TooLarge { bytes: usize },
    /// Not `.png`, `.jpg`/`.jpeg` or `.svg`.
    #[error("is not a logo file this program reads; expected a .png, .jpg/.jpeg or .svg file")]
    Format,
    /// The PNG decoder's complaint.
    #[error("is not a PNG image this program can read: {0}")]
    Png(String),
    #[error("is a palette PNG that could not be expanded")]
    PngPalette,
    /// No start-of-frame segment a baseline or progressive decoder reads.
    #[error("is not a JPEG image this program can read (no baseline or progressive frame header)")]
    JpegFrame,
    /// CMYK or another colour model than grey and RGB (or a zero size).
    #[error("is a JPEG that is not greyscale or RGB (a CMYK logo: save it as RGB)")]
    JpegColour,
    /// The SVG parser's complaint.
    #[error("is not an SVG image this program can read: {0}")]
    Svg(String),
}

impl Logo {
    /// Checks a logo file (`name` decides the format by its extension) and reads its size.
    pub fn load(name: &str, data: Vec<u8>) -> Result<Logo, LogoError> {
        if data.len() > MAX_LOGO_BYTES {
            return Err(LogoError::TooLarge { bytes: data.len() });
        }
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let (format, (width, height)) = match extension.as_str() {
            "png" => (LogoFormat::Png, png_size(&data)?),
            "jpg" | "jpeg" => (LogoFormat::Jpeg, jpeg_size(&data)?),
            "svg" => (LogoFormat::Svg, svg_size(&data)?),
            _ => return Err(LogoError::Format),
        };
        Ok(Logo { format, width, height, sha256: Sha256Sum::of(&data), bytes: Some(data.into()), inline: false })
    }

    /// The file's bytes.
    ///
    /// # Panics
    /// If the record named the logo by SHA-256 and nobody attached its bytes
    /// ([`Logo::attach`]): a reader of archived records attaches them before rendering.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_deref().unwrap_or_else(|| panic!("logo {} not attached: read the record through the archive, which attaches it", self.sha256))
    }

    /// The file's bytes, shared (cheap to clone), if known.
    pub fn shared_bytes(&self) -> Option<&Arc<[u8]>> {
        self.bytes.as_ref()
    }

    /// Whether the bytes are known (see [`Logo::attach`]).
    pub fn is_attached(&self) -> bool {
        self.bytes.is_some()
    }

    /// Whether the record carries the file inline (written before logos were stored once in
    /// the archive).
    pub fn is_inline(&self) -> bool {
        self.inline
    }

    /// Attaches the file's bytes, checked against the SHA-256 the record names; the error
    /// says what differs.
    pub fn attach(&mut self, bytes: Arc<[u8]>) -> Result<(), NotTheLogo> {
        let found = Sha256Sum::of(&bytes);
        if found != self.sha256 {
            return Err(NotTheLogo { found, named: self.sha256 });
        }
        self.bytes = Some(bytes);
        Ok(())
    }

    /// The same logo, written into records by its SHA-256 (a new document of an old
    /// record's brand: its correction).
    pub fn by_reference(mut self) -> Logo {
        self.inline = false;
        self
    }

    /// The `data:` URL of the file, for the HTML.
    pub fn data_url(&self) -> String {
        format!("data:{};base64,{}", self.format.media_type(), base64::engine::general_purpose::STANDARD.encode(self.bytes()))
    }
}

/// A logo as the record writes it: by SHA-256, or (older records) inline.
#[derive(Serialize, Deserialize)]
struct LogoRecord {
    format: LogoFormat,
    width: u32,
    height: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<Sha256Sum>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "base64_bytes")]
    data: Option<Vec<u8>>,
}

impl Serialize for Logo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let data = self.inline.then(|| self.bytes().to_vec());
        let sha256 = (!self.inline).then_some(self.sha256);
        LogoRecord { format: self.format, width: self.width, height: self.height, sha256, data }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Logo {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = LogoRecord::deserialize(d)?;
        let (sha256, bytes, inline) = match (r.sha256, r.data) {
            (Some(sha256), None) => (sha256, None, false),
            (None, Some(data)) => (Sha256Sum::of(&data), Some(Arc::from(data)), true),
            (Some(_), Some(_)) => return Err(serde::de::Error::custom("a logo has either its sha256 or its data, not both")),
            (None, None) => return Err(serde::de::Error::custom("a logo needs its sha256 (or, in older records, its data)")),
        };
        Ok(Logo { format: r.format, width: r.width, height: r.height, sha256, bytes, inline })
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the image files: what a logo is, for checking it when company.toml is read and for
// drawing it (the renderer writes the PDF objects).

/// A PNG's size in pixels, after checking it decodes.
pub fn png_size(data: &[u8]) -> Result<(u32, u32), LogoError> {
    let px = png_pixels(data)?;
    Ok((px.width, px.height))
}

/// The decoded pixels: colour (RGB or grey, 8 bits) and alpha, if any.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// 8 bits per component, `components` per pixel.
    pub colour: Vec<u8>,
    pub components: i32,
    /// 8 bits per pixel; `None` when fully opaque.
    pub alpha: Option<Vec<u8>>,
}

/// The decoded pixels of a PNG.
pub fn png_pixels(data: &[u8]) -> Result<Pixels, LogoError> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    // Palette and low-bit images become 8-bit; 16-bit becomes 8-bit.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| LogoError::Png(e.to_string()))?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(|e| LogoError::Png(e.to_string()))?;
    buffer.truncate(frame.buffer_size());
    let (components, has_alpha) = match frame.color_type {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (1, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (3, true),
        png::ColorType::Indexed => return Err(LogoError::PngPalette),
    };
    let (colour, alpha) = if has_alpha {
        let stride = components + 1;
        let mut colour = Vec::with_capacity(buffer.len());
        let mut alpha = Vec::with_capacity(buffer.len() / stride);
        for px in buffer.chunks_exact(stride) {
            colour.extend_from_slice(&px[..components]);
            alpha.push(px[components]);
        }
        // A fully opaque alpha channel needs no mask.
        let alpha = alpha.iter().any(|&a| a != 255).then_some(alpha);
        (colour, alpha)
    } else {
        (buffer, None)
    };
    Ok(Pixels { width: frame.width, height: frame.height, colour, components: components as i32, alpha })
}

/// A JPEG's size and number of components, from its start-of-frame segment.
pub fn jpeg_frame(data: &[u8]) -> Result<(u32, u32, u8), LogoError> {
    let bad = || LogoError::JpegFrame;
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err(bad());
    }
    let mut at = 2;
    while at + 4 <= data.len() {
        if data[at] != 0xFF {
            return Err(bad());
        }
        let marker = data[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        // SOF0–SOF3, SOF5–SOF7, SOF9–SOF11, SOF13–SOF15 (not DHT C4, JPG C8, DAC CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let segment = data.get(at + 4..at + 2 + length).ok_or_else(bad)?;
            if segment.len() < 6 {
                return Err(bad());
            }
            let height = u32::from(u16::from_be_bytes([segment[1], segment[2]]));
            let width = u32::from(u16::from_be_bytes([segment[3], segment[4]]));
            let components = segment[5];
            if width == 0 || height == 0 || !matches!(components, 1 | 3) {
                return Err(LogoError::JpegColour);
            }
            return Ok((width, height, components));
        }
        at += 2 + length;
    }
    Err(bad())
}

/// A JPEG's size in pixels.
pub fn jpeg_size(data: &[u8]) -> Result<(u32, u32), LogoError> {
    jpeg_frame(data).map(|(w, h, _)| (w, h))
}

/// The parsed SVG, from its own bytes only.
///
/// An `<image href="…">` that names a file (`/etc/passwd`, `../secret.png`, a FIFO,
/// `/dev/zero`) is never opened: usvg's default resolver would read it from the current
/// folder or the file system whenever the logo is checked or drawn, so a logo (untrusted:
/// an SVG is a document) could make every run read, block on or exhaust memory with any
/// file it names. Such an image is left out, as a browser leaves it out of the HTML's
/// `<img>`; images inside the file (`data:` URLs) are read as usual.
pub fn svg_tree(data: &[u8]) -> Result<usvg::Tree, LogoError> {
    let options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(data, &options).map_err(|e| LogoError::Svg(e.to_string()))
}

/// An SVG's size in user units (its `width` and `height`, or its `viewBox`), rounded up.
pub fn svg_size(data: &[u8]) -> Result<(u32, u32), LogoError> {
    let size = svg_tree(data)?.size();
    Ok((size.width().ceil() as u32, size.height().ceil() as u32))
}

mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes.as_deref().unwrap_or_default()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hash_and_six_hex_digits() {
        assert_eq!(Rgb::parse("#0b5fff"), Ok(Rgb([0x0B, 0x5F, 0xFF])));
        assert_eq!(Rgb([0x0B, 0x5F, 0xFF]).hex(), "#0B5FFF");
        for bad in ["0B5FFF", "#0B5FF", "#0B5FFG", "blue", "#0B5FFF0"] {
            assert!(Rgb::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_brand_round_trips_through_its_record_form_with_the_logo_by_sha256() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>"#;
        let brand = Brand {
            accent: Some(Rgb([1, 2, 3])),
            logo: Some(Logo::load("logo.svg", svg.to_vec()).unwrap()),
            footer: vec![FooterLine { key: "registered_office".into(), value: "Tallinn".into() }],
        };
        let json = serde_json::to_string(&brand).unwrap();
        // SHA-256 of the 63 bytes above (sha256sum).
        assert_eq!(
            json,
            r##"{"accent":"#010203","logo":{"format":"svg","width":10,"height":5,"sha256":"SHA"},"footer":[{"key":"registered_office","value":"Tallinn"}]}"##.replace("SHA", SVG_SHA256)
        );
        let mut read: Brand = serde_json::from_str(&json).unwrap();
        let logo = read.logo.as_mut().unwrap();
        assert!(!logo.is_attached());
        assert_eq!(logo.attach(Arc::from(&b"<svg/>"[..])).unwrap_err().to_string(), format!("the logo's bytes have the SHA-256 {}, not the {SVG_SHA256} the record names", Sha256Sum::of(b"<svg/>")));
        logo.attach(Arc::from(&svg[..])).unwrap();
        assert_eq!(read, brand);
    }

    /// `printf '%s' '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>' | sha256sum`
    const SVG_SHA256: &str = "0afac2adcf168af7fae4dee5d96d3d6c296370f55858eca9ffc37643df944407";

    #[test]
    fn an_older_record_with_the_logo_inline_reads_and_writes_back_the_same() {
        let json = r##"{"logo":{"format":"svg","width":10,"height":5,"data":"PHN2Zy8+"}}"##;
        let brand: Brand = serde_json::from_str(json).unwrap();
        let logo = brand.logo.as_ref().unwrap();
        assert!(logo.is_inline() && logo.bytes() == b"<svg/>");
        assert_eq!(logo.sha256, Sha256Sum::of(b"<svg/>"));
        assert_eq!(serde_json::to_string(&brand).unwrap(), json);
        let by_reference = Brand { logo: Some(logo.clone().by_reference()), ..brand.clone() };
        assert_eq!(serde_json::to_string(&by_reference).unwrap(), format!(r##"{{"logo":{{"format":"svg","width":10,"height":5,"sha256":"{}"}}}}"##, Sha256Sum::of(b"<svg/>")));
        let both = r##"{"logo":{"format":"svg","width":10,"height":5,"data":"PHN2Zy8+","sha256":"ZEROS"}}"##.replace("ZEROS", &"0".repeat(64));
        assert!(serde_json::from_str::<Brand>(&both).unwrap_err().to_string().contains("either its sha256 or its data, not both"));
    }

    #[test]
    fn unknown_or_oversized_logo_files_are_refused() {
        let refused = |name: &str, data: &[u8]| Logo::load(name, data.to_vec()).unwrap_err();
        assert_eq!(refused("logo.gif", &[1, 2, 3]), LogoError::Format);
        assert!(refused("logo.gif", &[1, 2, 3]).to_string().contains("expected a .png"));
        let oversized = refused("logo.png", &[0; MAX_LOGO_BYTES + 1]);
        assert_eq!(oversized, LogoError::TooLarge { bytes: MAX_LOGO_BYTES + 1 });
        assert_eq!(oversized.to_string(), "is 262145 bytes; a logo may have at most 262144");
        assert!(matches!(refused("logo.png", b"not a png"), LogoError::Png(_)));
        assert_eq!(refused("logo.jpg", b"not a jpeg"), LogoError::JpegFrame);
        assert!(matches!(refused("logo.svg", b"<nope"), LogoError::Svg(_)));
    }

    /// The images drawn anywhere in `group`.
    fn images(group: &usvg::Group) -> usize {
        group.children().iter().map(|node| match node {
            usvg::Node::Image(_) => 1,
            usvg::Node::Group(g) => images(g),
            _ => 0,
        }).sum()
    }

    #[test]
    fn an_svg_logo_never_reads_a_file_it_names() {
        // A readable SVG file outside the logo, named by absolute path: usvg's default
        // resolver would read it and draw it as an image.
        let outside = std::env::temp_dir().join(format!("invoicesmith-logo-outside-{}.svg", std::process::id()));
        std::fs::write(&outside, br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#).unwrap();
        let logo = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><image href="{}" width="4" height="4"/><rect width="10" height="5"/></svg>"#,
            outside.display()
        );
        let tree = svg_tree(logo.as_bytes());
        std::fs::remove_file(&outside).unwrap();
        let tree = tree.unwrap();
        assert_eq!(images(tree.root()), 0, "the file the logo names was read");
        assert_eq!((tree.size().width(), tree.size().height()), (10.0, 5.0));
        // An image inside the file itself (a data: URL) is still an image.
        let inline = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><image href="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI0IiBoZWlnaHQ9IjQiPjxyZWN0IHdpZHRoPSI0IiBoZWlnaHQ9IjQiLz48L3N2Zz4=" width="4" height="4"/></svg>"#;
        assert_eq!(images(svg_tree(inline).unwrap().root()), 1);
    }
}
