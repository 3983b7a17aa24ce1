//! The shipped faces: measured once per process, embedded per document as subsets.
//!
//! A document's text is first collected ([`GlyphUse`]), the glyphs of each face renumbered
//! densely in the full font's order (so `/CIDToGIDMap` is `/Identity`), then encoded to those
//! ids as it is drawn, and [`Subsets::embed`] writes the fonts' objects; typst's `subsetter`
//! cuts the programs. The deflated subset program is cached by its glyph set: documents of one
//! run draw their labels, amounts and titles from the same glyphs, and every subset holds the
//! capitals ([`ALWAYS`]), in which names differ most.
//!
//! The objects are those of PDF 32000-1 §9.7 for a TrueType-based CID font (Type0 font,
//! CIDFontType2 with `/W` from the font's own advances, FontDescriptor, FontFile2, a
//! ToUnicode CMap for text extraction), which PDF/A-3 also asks for.

use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use rustc_hash::FxHashMap;

const REGULAR_TTF: &[u8] = include_bytes!("../../../../fonts/NotoSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../../fonts/NotoSans-Bold.ttf");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    const ALL: [Weight; 2] = [Weight::Regular, Weight::Bold];
}

/// A glyph of a face: its id in the shipped font and its advance width in font units.
#[derive(Clone, Copy, Debug)]
struct Glyph {
    id: u16,
    advance: u16,
}

/// A font face: a shipped one, or the configured CJK font.
pub(super) struct Face {
    /// Fixed resource name, also the subset tag (`NSREGU+NotoSans-Regular`): six capitals.
    pub(super) id: &'static str,
    pub(super) bytes: &'static [u8],
    /// The face's index in a font collection (`.ttc`), 0 for a single font.
    index: u32,
    /// Outlines in a CFF table (OpenType/CFF, as Noto Sans CJK): embedded as a CIDFontType0
    /// with `/FontFile3 /OpenType`, where TrueType outlines are a CIDFontType2 with `/FontFile2`.
    cff: bool,
    /// Its slot in the stream cache: 0–1 the shipped faces, 2–3 the CJK ones.
    slot: usize,
    /// PostScript name.
    pub(super) name: String,
    /// Glyphs of ASCII characters, looked up for nearly every character drawn.
    ascii: [Option<Glyph>; 128],
    /// Glyphs of every other character the font maps.
    other: FxHashMap<char, Glyph>,
    units_per_em: u16,
    glyph_count: u16,
    /// The FontDescriptor's metrics, in the PDF's 1/1000 em glyph space.
    ascent: i64,
    descent: i64,
    cap_height: i64,
    bbox: [i64; 4],
    stem_v: i64,
}

impl Face {
    fn load(id: &'static str, bytes: &'static [u8]) -> Face {
        let slot = if id == "NSBOLD" { 1 } else { 0 };
        Face::parse(id, bytes, 0, slot).expect("shipped font parses")
    }

    /// A face of `bytes` (face `index` of a collection); the error says why it is no font.
    fn parse(id: &'static str, bytes: &'static [u8], index: u32, slot: usize) -> Result<Face, FontError> {
        let face = ttf_parser::Face::parse(bytes, index).map_err(|error| FontError::NotAFont { index, error })?;
        let mut ascii = [None; 128];
        let mut other = FxHashMap::default();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let (Some(ch), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp))
                        && g.0 != 0
                    {
                        let glyph = Glyph { id: g.0, advance: face.glyph_hor_advance(g).unwrap_or(0) };
                        match ascii.get_mut(cp as usize) {
                            Some(slot @ None) => *slot = Some(glyph),
                            Some(Some(_)) => {}
                            None => {
                                other.entry(ch).or_insert(glyph);
                            }
                        }
                    }
                });
            }
        }
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .ok_or(FontError::NoPostScriptName)?;
        let cff = face.tables().cff.is_some();
        let units_per_em = face.units_per_em();
        let scale = |v: i16| i64::from(v) * 1000 / i64::from(units_per_em);
        let b = face.global_bounding_box();
        // The usual estimate of the dominant stem from the weight class (no font states it).
        let weight = i64::from(face.weight().to_number());
        Ok(Face {
            id,
            bytes,
            index,
            cff,
            slot,
            name,
            ascii,
            other,
            units_per_em,
            glyph_count: face.number_of_glyphs(),
            ascent: scale(face.ascender()),
            descent: scale(face.descender()),
            cap_height: scale(face.capital_height().unwrap_or(face.ascender())),
            bbox: [scale(b.x_min), scale(b.y_min), scale(b.x_max), scale(b.y_max)],
            stem_v: 50 + weight * weight / (65 * 65),
        })
    }

    #[inline] // hot: once per character of every string the layout measures
    fn glyph(&self, ch: char) -> Option<Glyph> {
        match self.ascii.get(ch as usize) {
            Some(g) => *g,
            None => self.other.get(&ch).copied(),
        }
    }

    pub(super) fn covers(&self, ch: char) -> bool {
        self.glyph(ch).is_some()
    }

    /// Width of `s` at `size` pt: the sum of the glyphs' advances (the content stream applies no
    /// kerning, and neither do we).
    pub(super) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| u32::from(self.glyph(c).map_or(0, |g| g.advance))).sum();
        units as f32 * size / f32::from(self.units_per_em)
    }

    /// An advance in the PDF's glyph space (1/1000 em), as `/W` states it.
    fn pdf_width(&self, advance: u16) -> i64 {
        i64::from(advance) * 1000 / i64::from(self.units_per_em)
    }
}

fn faces() -> &'static [Face; 2] {
    static FACES: OnceLock<[Face; 2]> = OnceLock::new();
    FACES.get_or_init(|| [Face::load("NSREGU", REGULAR_TTF), Face::load("NSBOLD", BOLD_TTF)])
}

/// The configured CJK faces (regular, bold), once loaded.
static CJK: OnceLock<[Face; 2]> = OnceLock::new();

thread_local! {
    /// Whether the document this thread is rendering is set in the CJK font.
    static CJK_DOCUMENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Why a font file cannot be used; the text completes `'<path>' …`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FontError {
    /// The text after `#` in `file.ttc#2` is not a face number.
    #[error("has '#{0}' where a face number of the collection was expected")]
    FaceNumber(String),
    #[error("cannot be read: {0}")]
    Read(std::io::Error),
    /// Face `index` of the file is not a TrueType or OpenType font.
    #[error("is not a TrueType or OpenType font (face {index}): {error}")]
    NotAFont { index: u32, error: ttf_parser::FaceParsingError },
    #[error("has no PostScript name")]
    NoPostScriptName,
}

/// Loads the CJK font for this process: `path` names the regular face (`file.ttc#2` for the
/// third face of a collection); the bold face is `path` with `Regular` replaced by `Bold`
/// when that file exists (as Debian's `NotoSansCJK-Bold.ttc`), else the regular one.
/// Loading again is a no-op: one CJK font per process.
pub fn load_cjk_font(path: &std::path::Path) -> Result<(), FontError> {
    if CJK.get().is_some() {
        return Ok(());
    }
    let text = path.to_string_lossy();
    let (file, index) = match text.rsplit_once('#') {
        Some((file, index)) => (file.to_string(), index.parse::<u32>().map_err(|_| FontError::FaceNumber(index.to_string()))?),
        None => (text.to_string(), 0),
    };
    let read = |file: &str| -> Result<&'static [u8], FontError> {
        std::fs::read(file).map(|b| &*Box::leak(b.into_boxed_slice())).map_err(FontError::Read)
    };
    let regular = Face::parse("NSCJKR", read(&file)?, index, 2)?;
    let bold_file = file.replace("Regular", "Bold");
    let bold = if bold_file != file && std::path::Path::new(&bold_file).is_file() {
        Face::parse("NSCJKB", read(&bold_file)?, index, 3)?
    } else {
        Face::parse("NSCJKB", regular.bytes, index, 3)?
    };
    let _ = CJK.set([regular, bold]);
    Ok(())
}

/// The configured CJK regular face, if any.
pub(super) fn cjk_face() -> Option<&'static Face> {
    CJK.get().map(|f| &f[0])
}

/// Runs `f` with this thread's faces being the CJK ones (when `cjk` and one is loaded).
pub(super) fn with_cjk<T>(cjk: bool, f: impl FnOnce() -> T) -> T {
    let before = CJK_DOCUMENT.with(|c| c.replace(cjk && CJK.get().is_some()));
    let out = f();
    CJK_DOCUMENT.with(|c| c.set(before));
    out
}

/// The shipped face of weight `w`, whichever this thread's document uses.
pub(super) fn shipped_face(w: Weight) -> &'static Face {
    &faces()[w as usize]
}

pub(super) fn face(w: Weight) -> &'static Face {
    match CJK.get() {
        Some(cjk) if CJK_DOCUMENT.with(std::cell::Cell::get) => &cjk[w as usize],
        _ => &faces()[w as usize],
    }
}

/// The glyphs one document draws from one face, being collected.
struct Collecting {
    face: &'static Face,
    /// Which of the font's glyph ids are used: one bit each (a few hundred bytes to clear per
    /// document, where a slot per glyph was tens of kilobytes).
    seen: Vec<u64>,
    /// The used glyphs in the order first drawn, each with the character it was drawn for.
    used: Vec<UsedGlyph>,
}

/// A glyph a document uses: its id in the shipped font, the character it stands for (for
/// ToUnicode) and its advance.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct UsedGlyph {
    id: u16,
    ch: char,
    advance: u16,
}

/// Characters both subsets hold whether a document uses them or not: the capital letters.
/// Documents differ most in the capitals of names and addresses; with all of them, most
/// documents of a run share their subsets, so the programs come from the cache rather than
/// being cut and deflated per document. Measured on a generated month (callgrind,
/// `render_speed`): −30% rendering time for +1.4 KB per PDF; all printable ASCII, or the
/// small letters too, gained less and cost more.
const ALWAYS: std::ops::RangeInclusive<char> = 'A'..='Z';

/// The glyphs a document uses, being collected: [`GlyphUse::add`] every text, then
/// [`GlyphUse::seal`] to number the subsets' glyphs.
pub(super) struct GlyphUse {
    faces: [Collecting; 2],
}

impl GlyphUse {
    pub(super) fn new() -> GlyphUse {
        let mut glyphs = GlyphUse {
            faces: Weight::ALL.map(|w| Collecting {
                face: face(w),
                seen: vec![0; usize::from(face(w).glyph_count).div_ceil(64)],
                used: Vec::with_capacity(96),
            }),
        };
        for w in Weight::ALL {
            glyphs.add_chars(w, ALWAYS);
        }
        glyphs
    }

    /// Notes the glyphs of printable text `s`: characters the face lacks are not drawn.
    pub(super) fn add(&mut self, w: Weight, s: &str) {
        self.add_chars(w, s.chars());
    }

    fn add_chars(&mut self, w: Weight, chars: impl IntoIterator<Item = char>) {
        let collecting = &mut self.faces[w as usize];
        for ch in chars {
            if let Some(g) = collecting.face.glyph(ch) {
                let (word, bit) = (usize::from(g.id) / 64, 1u64 << (g.id % 64));
                if collecting.seen[word] & bit == 0 {
                    collecting.seen[word] |= bit;
                    collecting.used.push(UsedGlyph { id: g.id, ch, advance: g.advance });
                }
            }
        }
    }

    /// Numbers the glyphs collected: .notdef stays 0, the rest 1, 2, … in the font's order.
    pub(super) fn seal(self) -> Subsets {
        Subsets {
            subsets: self.faces.map(|mut collecting| {
                collecting.used.sort_unstable_by_key(|g| g.id);
                let mut ascii = [0; 128];
                for (g, code) in collecting.used.iter().zip(1..) {
                    if let Some(slot) = ascii.get_mut(g.ch as usize) {
                        *slot = code;
                    }
                }
                let ascii_hex = ascii.map(|code| if code == 0 { [0; 4] } else { hex(code) });
                Subset { face: collecting.face, glyphs: collecting.used, ascii, ascii_hex }
            }),
        }
    }
}

/// The glyphs one document draws from one face, numbered.
struct Subset {
    face: &'static Face,
    /// In the shipped font's order: the glyph with code `n` is at `n - 1`.
    glyphs: Vec<UsedGlyph>,
    /// The code of each ASCII character drawn (0: none), the characters nearly every run is
    /// made of.
    ascii: [u16; 128],
    /// The same codes as four hex digits, as the content stream writes them (zeros: none).
    ascii_hex: [[u8; 4]; 128],
}

/// `code` as four lowercase hex digits.
fn hex(code: u16) -> [u8; 4] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    [12, 8, 4, 0].map(|shift| DIGITS[usize::from((code >> shift) & 0xf)])
}

impl Subset {
    /// The code of `ch`'s glyph, if the face has it (then the document drew it, so it is here).
    fn code(&self, ch: char) -> Option<u16> {
        match self.ascii.get(ch as usize) {
            Some(&code) if code != 0 => Some(code),
            _ => {
                let g = self.face.glyph(ch)?;
                let at = self.glyphs.binary_search_by_key(&g.id, |u| u.id).ok()?;
                Some(at as u16 + 1)
            }
        }
    }
}

/// The font subsets of one document, their glyphs numbered: text is encoded for them with
/// [`Subsets::encode_hex`] and they are written into the file with [`Subsets::embed`].
pub(super) struct Subsets {
    subsets: [Subset; 2],
}

impl Subsets {
    /// `s` as two-byte character codes of the subset, in hexadecimal (four digits a glyph),
    /// appended to `out`.
    pub(super) fn encode_hex(&self, w: Weight, s: &str, out: &mut Vec<u8>) {
        let subset = &self.subsets[w as usize];
        out.reserve(4 * s.len());
        for ch in s.chars() {
            match subset.ascii_hex.get(ch as usize) {
                Some(hex) if hex[0] != 0 => out.extend_from_slice(hex),
                _ => out.extend(subset.code(ch).map(hex).into_iter().flatten()),
            }
        }
    }

    /// Writes both faces' font objects into `pdf` (every subset holds at least [`ALWAYS`]),
    /// numbered by `next`; returns the fonts to name in the pages' resources.
    pub(super) fn embed(&self, pdf: &mut Pdf, next: &mut impl FnMut() -> Ref) -> Vec<EmbeddedFont> {
        self.subsets.iter().map(|subset| EmbeddedFont { name: subset.face.id, reference: subset.embed(pdf, next) }).collect()
    }
}

/// A font written into a file: its resource name and its object.
pub(super) struct EmbeddedFont {
    pub(super) name: &'static str,
    pub(super) reference: Ref,
}

impl Subset {
    fn embed(&self, pdf: &mut Pdf, next: &mut impl FnMut() -> Ref) -> Ref {
        let face = self.face;
        let tagged = format!("{}+{}", face.id, face.name);
        let streams = font_streams(self);
        let [font_ref, cid_ref, descriptor_ref, file_ref, to_unicode_ref] = [(); 5].map(|_| next());

        pdf.type0_font(font_ref)
            .base_font(Name(tagged.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(to_unicode_ref);

        // Codes 1…n are the subset's glyphs 1…n: one run of widths.
        let mut cid_font = pdf.cid_font(cid_ref);
        cid_font
            .subtype(if face.cff { CidFontType::Type0 } else { CidFontType::Type2 })
            .base_font(Name(tagged.as_bytes()))
            .system_info(SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 })
            .font_descriptor(descriptor_ref)
            .default_width(1000.0);
        cid_font.widths().consecutive(1, self.glyphs.iter().map(|g| face.pdf_width(g.advance) as f32));
        if !face.cff {
            cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        cid_font.finish();

        let [left, bottom, right, top] = face.bbox.map(|v| v as f32);
        let mut descriptor = pdf.font_descriptor(descriptor_ref);
        descriptor
            .name(Name(tagged.as_bytes()))
            // Nonsymbolic: the Latin standard character set.
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(left, bottom, right, top))
            .italic_angle(0.0)
            .ascent(face.ascent as f32)
            .descent(face.descent as f32)
            .cap_height(face.cap_height as f32)
            .stem_v(face.stem_v as f32);
        if face.cff {
            descriptor.font_file3(file_ref);
            descriptor.finish();
            pdf.stream(file_ref, &streams.program).filter(Filter::FlateDecode).pair(Name(b"Subtype"), Name(b"OpenType"));
        } else {
            descriptor.font_file2(file_ref);
            descriptor.finish();
            pdf.stream(file_ref, &streams.program).filter(Filter::FlateDecode).pair(Name(b"Length1"), streams.program_len as i32);
        }
        pdf.stream(to_unicode_ref, &streams.to_unicode).filter(Filter::FlateDecode);
        font_ref
    }

    /// The ToUnicode CMap: each code to its character (UTF-16BE), at most 100 per block as
    /// the CMap format allows.
    fn to_unicode(&self) -> Vec<u8> {
        use std::fmt::Write;
        let chars: Vec<char> = self.glyphs.iter().map(|g| g.ch).collect();
        let mut s = String::with_capacity(400 + 20 * chars.len());
        s.push_str(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        for (block, chunk) in chars.chunks(100).enumerate() {
            let _ = writeln!(s, "{} beginbfchar", chunk.len());
            for (i, ch) in chunk.iter().enumerate() {
                let _ = write!(s, "<{:04X}> <", block * 100 + i + 1);
                for unit in ch.encode_utf16(&mut [0; 2]) {
                    let _ = write!(s, "{unit:04X}");
                }
                s.push_str(">\n");
            }
            s.push_str("endbfchar\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s.into_bytes()
    }
}

/// A subset's streams, deflated (cheap to clone: the bytes are shared).
#[derive(Clone)]
struct FontStreams {
    program: Arc<[u8]>,
    /// The program's length before deflating (`/Length1`).
    program_len: usize,
    to_unicode: Arc<[u8]>,
}

/// Made streams by glyph set, shared by the rendering threads, for one face.
///
/// Documents of a run share a few popular glyph sets and have a long tail of sets seen once.
/// When the cache is full, the sets not used again since the last sweep go and the rest are
/// kept; emptying it instead (as it first did) threw the popular sets away every few hundred
/// documents. One cache serves both threads, so a set made by one is a hit for the other.
/// Measured on generated months: of the look-ups, 21% missed with a cache per thread emptied
/// when full, 11–13% with this one (10,000 transactions) and 8% over 100,000.
#[derive(Default)]
struct StreamCache {
    /// The streams and whether they were used since the last sweep.
    sets: FxHashMap<Vec<UsedGlyph>, (FontStreams, bool)>,
}

impl StreamCache {
    /// Glyph sets kept per face (about 8 KB each).
    const CAPACITY: usize = 1024;

    fn get(&mut self, glyphs: &[UsedGlyph]) -> Option<FontStreams> {
        let (streams, used) = self.sets.get_mut(glyphs)?;
        *used = true;
        Some(streams.clone())
    }

    fn insert(&mut self, glyphs: &[UsedGlyph], streams: &FontStreams) {
        if self.sets.len() >= Self::CAPACITY {
            self.sets.retain(|_, (_, used)| std::mem::take(used));
            if self.sets.len() >= Self::CAPACITY / 2 {
                self.sets.clear();
            }
        }
        self.sets.insert(glyphs.to_vec(), (streams.clone(), false));
    }
}

/// The deflated program and ToUnicode map of `subset`, from the cache or made now (outside
/// the lock: two threads may make the same set at once, and both get the same bytes).
/// The key is the glyphs with their characters: the program depends on the glyphs, the map
/// also on the characters (a glyph drawn for two characters is mapped to the one drawn first),
/// so a hit is exactly what would have been made.
fn font_streams(subset: &Subset) -> FontStreams {
    static CACHE: LazyLock<Mutex<[StreamCache; 4]>> = LazyLock::new(Mutex::default);
    let cache = || CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let slot = subset.face.slot;
    if let Some(streams) = cache()[slot].get(&subset.glyphs) {
        return streams;
    }
    let ids: Vec<u16> = std::iter::once(0).chain(subset.glyphs.iter().map(|g| g.id)).collect();
    let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&ids);
    let plain = subsetter::subset(subset.face.bytes, subset.face.index, &remapper).expect("the fonts subset");
    let deflate = |bytes: &[u8]| -> Arc<[u8]> { domain::deflate::deflate(bytes, domain::deflate::Framing::Zlib).into() };
    let streams = FontStreams { program: deflate(&plain), program_len: plain.len(), to_unicode: deflate(&subset.to_unicode()) };
    cache()[slot].insert(&subset.glyphs, &streams);
    streams
}
