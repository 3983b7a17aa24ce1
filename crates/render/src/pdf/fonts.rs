//! The shipped faces: measured once per process, embedded per document as subsets.
//!
//! A document's text is first collected ([`GlyphUse`]), the glyphs of each face renumbered
//! densely in the full font's order (so `/CIDToGIDMap` is `/Identity`), then encoded to those
//! ids as it is drawn, and [`Subsets::embed`] writes the fonts' objects; typst's `subsetter`
//! cuts the programs. The deflated subset program is cached by its glyph set: documents of one
//! run draw their labels, amounts and titles from the same glyphs, and every subset holds the
//! capitals and digits ([`ALWAYS`]), in which names and amounts differ most.
//!
//! The configured CJK font (`load_cjk_font`) may be a collection of regional faces, as Noto
//! Sans CJK's `.ttc` (JP, KR, SC, TC, HK): Han characters unified in Unicode are drawn in
//! each region's forms, so a document set in it gets the face of its language's region
//! ([`Region::of_language`]), found by the faces' names, and the configured face otherwise.
//! All are loaded once per process; each document picks one pair (regular, bold).
//!
//! The objects are those of PDF 32000-1 §9.7 for a TrueType-based CID font (Type0 font,
//! CIDFontType2 with `/W` from the font's own advances, FontDescriptor, FontFile2, a
//! ToUnicode CMap for text extraction), which PDF/A-3 also asks for.

use std::sync::{Arc, Mutex, OnceLock};

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
    pub(super) index: u32,
    /// Outlines in a CFF table (OpenType/CFF, as Noto Sans CJK): embedded as a CIDFontType0
    /// with `/FontFile3 /OpenType`, where TrueType outlines are a CIDFontType2 with `/FontFile2`.
    cff: bool,
    /// Its slot in the stream cache: 0–1 the shipped faces, 2… the CJK ones (two per face
    /// loaded).
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

/// The configured CJK font, once loaded.
static CJK: OnceLock<Cjk> = OnceLock::new();

thread_local! {
    /// The CJK faces (regular, bold) the document this thread is rendering is set in, if any.
    static CJK_DOCUMENT: std::cell::Cell<Option<&'static [Face; 2]>> = const { std::cell::Cell::new(None) };
}

/// The region a CJK face is made for. Han characters unified in Unicode have regional forms
/// (门, 骨, 直 are drawn differently in Japan, mainland China, Taiwan and Hong Kong), and a
/// collection such as Noto Sans CJK has a face for each: a document's language picks one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Region {
    /// Japanese.
    Jp,
    /// Korean.
    Kr,
    /// Simplified Chinese (mainland China, Singapore).
    Sc,
    /// Traditional Chinese (Taiwan).
    Tc,
    /// Traditional Chinese as written in Hong Kong (and Macau).
    Hk,
}

impl Region {
    const ALL: [Region; 5] = [Region::Jp, Region::Kr, Region::Sc, Region::Tc, Region::Hk];

    /// How a face's family name says the region: `Noto Sans CJK JP`.
    fn code(self) -> &'static str {
        match self {
            Region::Jp => "JP",
            Region::Kr => "KR",
            Region::Sc => "SC",
            Region::Tc => "TC",
            Region::Hk => "HK",
        }
    }

    /// The region whose forms a reader of `language` (a BCP 47 tag as customers.csv accepts
    /// it, in any case) expects: `ja` Japanese, `ko` Korean; Chinese by its script subtag
    /// (`zh-Hans` simplified, `zh-Hant` traditional, Hong Kong's with `-HK`/`-MO`), else by
    /// its region (`zh-TW` traditional, `zh-HK`, `zh-MO` Hong Kong's, `zh`, `zh-CN`, `zh-SG`
    /// and any other simplified). None for every other language.
    pub(super) fn of_language(language: &str) -> Option<Region> {
        let mut subtags = language.trim().split(['-', '_']);
        let primary = subtags.next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ja") {
            return Some(Region::Jp);
        }
        if primary.eq_ignore_ascii_case("ko") {
            return Some(Region::Kr);
        }
        if !primary.eq_ignore_ascii_case("zh") {
            return None;
        }
        let (mut script, mut region) = (None, None);
        for subtag in subtags {
            match subtag.len() {
                4 if script.is_none() && region.is_none() => script = Some(subtag),
                2 | 3 if region.is_none() => region = Some(subtag),
                _ => {}
            }
        }
        let is = |subtag: Option<&str>, of: &[&str]| subtag.is_some_and(|s| of.iter().any(|o| s.eq_ignore_ascii_case(o)));
        let hong_kong = is(region, &["HK", "MO"]);
        Some(if is(script, &["Hans"]) {
            Region::Sc
        } else if is(script, &["Hant"]) {
            if hong_kong { Region::Hk } else { Region::Tc }
        } else if hong_kong {
            Region::Hk
        } else if is(region, &["TW"]) {
            Region::Tc
        } else {
            Region::Sc
        })
    }
}

/// The configured CJK font: the face the configuration names and, when it is one face of a
/// collection whose faces say their regions, the collection's other regional faces of its
/// family.
struct Cjk {
    /// Regular and bold of each face loaded; the configured face first.
    faces: Vec<[Face; 2]>,
    /// The face (index into `faces`) for each region of [`Region::ALL`], where there is one.
    regions: [Option<usize>; 5],
}

impl Cjk {
    /// The faces a document in `language` is set in when it is set in the CJK font: its
    /// region's face (Hong Kong's falls back to Taiwan's), else the configured one.
    fn for_language(&self, language: &str) -> &[Face; 2] {
        &self.faces[face_for(&self.regions, language)]
    }
}

/// Which of the faces `regions` names (by [`Region::ALL`]) a document in `language` is set
/// in: its region's (Hong Kong's falls back to Taiwan's), else the configured one, 0.
fn face_for(regions: &[Option<usize>; 5], language: &str) -> usize {
    let face = |r: Region| regions[r as usize];
    let chosen = match Region::of_language(language) {
        Some(Region::Hk) => face(Region::Hk).or(face(Region::Tc)),
        Some(r) => face(r),
        None => None,
    };
    chosen.unwrap_or(0)
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

/// A face's family (the typographic family, name 16, else name 1, in English) split into
/// the family without its region and the region: `Noto Sans CJK JP` is (`Noto Sans CJK`,
/// JP). None when the name ends in no region [`Region::code`].
fn family_region(face: &ttf_parser::Face) -> Option<(String, Region)> {
    let english = |id: u16| {
        face.names().into_iter().filter(|n| n.name_id == id && n.is_unicode() && n.language() == ttf_parser::Language::English_UnitedStates).find_map(|n| n.to_string())
    };
    let family = english(ttf_parser::name_id::TYPOGRAPHIC_FAMILY).or_else(|| english(ttf_parser::name_id::FAMILY))?;
    let (stem, last) = family.trim().rsplit_once(' ')?;
    let region = Region::ALL.into_iter().find(|r| r.code() == last)?;
    Some((stem.trim_end().to_string(), region))
}

/// The faces of collection `bytes` whose family is `stem` with a region, by region (the first
/// face of each region, in the collection's order).
fn regional_faces(bytes: &[u8], stem: &str) -> [Option<u32>; 5] {
    let mut found = [None; 5];
    for index in 0..ttf_parser::fonts_in_collection(bytes).unwrap_or(1) {
        if let Ok(face) = ttf_parser::Face::parse(bytes, index)
            && let Some((family, region)) = family_region(&face)
            && family == stem
        {
            found[region as usize].get_or_insert(index);
        }
    }
    found
}

/// Loads the CJK font for this process: `path` names the regular face (`file.ttc#2` for the
/// third face of a collection); the bold face is `path` with `Regular` replaced by `Bold`
/// when that file exists (as Debian's `NotoSansCJK-Bold.ttc`), else the regular one.
///
/// When the named face's family ends in a region (`Noto Sans CJK JP`), the collection's faces
/// of the same family for the other regions (`… KR`, `SC`, `TC`, `HK`) are loaded too, and
/// each document is set in its language's (`ja` JP, `ko` KR, `zh` SC, TC or HK); the bold file's faces
/// are matched by their names, not their numbers. Any other document, and every document of a
/// font without such names, is set in the named face.
/// Loading again is a no-op: one CJK font per process.
pub fn load_cjk_font(path: &std::path::Path) -> Result<(), FontError> {
    if CJK.get().is_some() {
        return Ok(());
    }
    let cjk = Cjk::load(path)?;
    let _ = CJK.set(cjk);
    Ok(())
}

/// The next CJK face's slot in the stream cache: each face loaded has its own (a process
/// loads one CJK font; the tests load some beside it).
static NEXT_SLOT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(2);

impl Cjk {
    /// The CJK font `path` names, as [`load_cjk_font`] describes.
    fn load(path: &std::path::Path) -> Result<Cjk, FontError> {
        let text = path.to_string_lossy();
        let (file, index) = match text.rsplit_once('#') {
            Some((file, index)) => (file.to_string(), index.parse::<u32>().map_err(|_| FontError::FaceNumber(index.to_string()))?),
            None => (text.to_string(), 0),
        };
        let read = |file: &str| -> Result<&'static [u8], FontError> {
            std::fs::read(file).map(|b| &*Box::leak(b.into_boxed_slice())).map_err(FontError::Read)
        };
        let regular_bytes = read(&file)?;
        let bold_file = file.replace("Regular", "Bold");
        let bold_bytes = if bold_file != file && std::path::Path::new(&bold_file).is_file() { read(&bold_file)? } else { regular_bytes };
        // The configured face's family and region, if its name says one.
        let named = ttf_parser::Face::parse(regular_bytes, index).map_err(|error| FontError::NotAFont { index, error })?;
        let family = family_region(&named);
        // The faces to load: (regular's index, bold's index, if any) each, the configured one first.
        let mut pairs = Vec::new();
        let mut regions = [None; 5];
        match &family {
            Some((stem, region)) => {
                let (regular, bold) = (regional_faces(regular_bytes, stem), regional_faces(bold_bytes, stem));
                // The configured face, and its bold by name (else by number, as without names).
                pairs.push((index, Some(bold[*region as usize].unwrap_or(index))));
                regions[*region as usize] = Some(0);
                for r in Region::ALL {
                    if let (None, Some(regular)) = (regions[r as usize], regular[r as usize]) {
                        // A region the bold file lacks by name is drawn in its regular face for
                        // bold too, rather than in another region's bold.
                        regions[r as usize] = Some(pairs.len());
                        pairs.push((regular, bold[r as usize]));
                    }
                }
            }
            None => pairs.push((index, Some(index))),
        }
        let mut faces = Vec::with_capacity(pairs.len());
        for (regular, bold) in pairs {
            let slot = NEXT_SLOT.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
            let bold = match bold {
                Some(bold) => Face::parse(CJK_IDS[1], bold_bytes, bold, slot + 1)?,
                None => Face::parse(CJK_IDS[1], regular_bytes, regular, slot + 1)?,
            };
            let regular = Face::parse(CJK_IDS[0], regular_bytes, regular, slot)?;
            faces.push([regular, bold]);
        }
        Ok(Cjk { faces, regions })
    }
}

/// The CJK faces' resource names and subset tags (regular, bold): a document has one CJK face.
const CJK_IDS: [&str; 2] = ["NSCJKR", "NSCJKB"];

/// The configured CJK faces (regular, bold) a document in `language` is set in when it needs
/// them, if a CJK font is loaded.
pub(super) fn cjk_faces(language: &str) -> Option<&'static [Face; 2]> {
    CJK.get().map(|cjk| cjk.for_language(language))
}

/// [`cjk_faces`] of the CJK font `path` names, loaded for the tests beside (not as) the
/// process's, once per path: the tests of the shipped fonts need a process without one.
#[cfg(test)]
pub(super) fn test_cjk_faces(path: &str, language: &str) -> &'static [Face; 2] {
    static LOADED: Mutex<Vec<(String, &'static Cjk)>> = Mutex::new(Vec::new());
    let mut loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let cjk = match loaded.iter().find(|(p, _)| p == path) {
        Some((_, cjk)) => *cjk,
        None => {
            let cjk: &'static Cjk = Box::leak(Box::new(Cjk::load(std::path::Path::new(path)).expect("the CJK font loads")));
            loaded.push((path.to_string(), cjk));
            cjk
        }
    };
    cjk.for_language(language)
}

/// Runs `f` with this thread's faces being `cjk` (or the shipped ones, when `None`).
pub(super) fn with_cjk<T>(cjk: Option<&'static [Face; 2]>, f: impl FnOnce() -> T) -> T {
    let before = CJK_DOCUMENT.with(|c| c.replace(cjk));
    let out = f();
    CJK_DOCUMENT.with(|c| c.set(before));
    out
}

/// The shipped face of weight `w`, whichever this thread's document uses.
pub(super) fn shipped_face(w: Weight) -> &'static Face {
    &faces()[w as usize]
}

pub(super) fn face(w: Weight) -> &'static Face {
    match CJK_DOCUMENT.with(std::cell::Cell::get) {
        Some(cjk) => &cjk[w as usize],
        None => &faces()[w as usize],
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

/// Characters both subsets hold whether a document uses them or not: the capital letters and
/// the digits. Documents differ most in the capitals of names and addresses and in the
/// digits of their amounts, numbers and dates; with all of them, most documents of a run
/// share their subsets, so the programs come from the cache rather than being cut and
/// deflated per document. Measured on generated months: the capitals, −30% rendering time
/// for +1.4 KB per PDF (callgrind, `render_speed`); the digits then took the cache's misses
/// on a 10,000-transaction month from 2,445 to 623 of 19,168 look-ups for +0.19 KB per PDF,
/// and `issue` 7% less CPU (bench/RESULTS.md). All printable ASCII, or the small letters too,
/// gained less and cost more.
const ALWAYS: [std::ops::RangeInclusive<char>; 2] = ['A'..='Z', '0'..='9'];

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
            glyphs.add_chars(w, ALWAYS.into_iter().flatten());
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
                let ascii_literal = ascii.map(|code| if code == 0 { ([0; 4], 0) } else { literal(code) });
                Subset { face: collecting.face, glyphs: collecting.used, ascii, ascii_literal }
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
    /// The same codes as a literal string's bytes ([`literal`]; length 0: none), the form
    /// the content stream writes them in.
    ascii_literal: [([u8; 4], u8); 128],
}

/// `code` as the bytes of a literal string (PDF 32000-1 §7.3.4.2): its two bytes, big-endian,
/// as they are, but for those a reader would take as syntax (`\`, `(`, `)`) or as a line end
/// (CR, and CR LF, are read as LF), which are escaped. Up to four bytes, and how many.
fn literal(code: u16) -> ([u8; 4], u8) {
    let mut out = [0; 4];
    let mut len = 0;
    for byte in code.to_be_bytes() {
        let escaped: &[u8] = match byte {
            b'\\' => b"\\\\",
            b'(' => b"\\(",
            b')' => b"\\)",
            b'\r' => b"\\r",
            b'\n' => b"\\n",
            _ => std::slice::from_ref(&byte),
        };
        out[len..len + escaped.len()].copy_from_slice(escaped);
        len += escaped.len();
    }
    (out, len as u8)
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
/// [`Subsets::encode`] and they are written into the file with [`Subsets::embed`].
pub(super) struct Subsets {
    subsets: [Subset; 2],
}

impl Subsets {
    /// `s` as two-byte character codes of the subset (big-endian, as `Identity-H` reads
    /// them), appended to `out` as the bytes of a literal string, between its parentheses.
    ///
    /// The codes are written as they are, two bytes a glyph, rather than as four hex digits:
    /// PDF 32000-1 §7.3.4.2 lets a literal string hold any byte, so only the backslash and
    /// the parentheses are escaped, and the end-of-line bytes, which a reader would take as
    /// a line end (CR, and CR LF, are read as LF).
    pub(super) fn encode(&self, w: Weight, s: &str, out: &mut Vec<u8>) {
        let subset = &self.subsets[w as usize];
        out.reserve(2 * s.len());
        for ch in s.chars() {
            let (bytes, len) = match subset.ascii_literal.get(ch as usize) {
                Some(&(bytes, len)) if len != 0 => (bytes, len),
                _ => match subset.code(ch) {
                    Some(code) => literal(code),
                    None => continue,
                },
            };
            out.extend_from_slice(&bytes[..usize::from(len)]);
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
    static CACHE: Mutex<Vec<StreamCache>> = Mutex::new(Vec::new());
    let cache = || CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let slot = subset.face.slot;
    {
        let mut cache = cache();
        if cache.len() <= slot {
            cache.resize_with(slot + 1, StreamCache::default);
        }
        if let Some(streams) = cache[slot].get(&subset.glyphs) {
            return streams;
        }
    }
    let ids: Vec<u16> = std::iter::once(0).chain(subset.glyphs.iter().map(|g| g.id)).collect();
    let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&ids);
    let plain = subsetter::subset(subset.face.bytes, subset.face.index, &remapper).expect("the fonts subset");
    let deflate = |bytes: &[u8]| -> Arc<[u8]> { domain::deflate::deflate(bytes, domain::deflate::Framing::Zlib).into() };
    let streams = FontStreams { program: deflate(&plain), program_len: plain.len(), to_unicode: deflate(&subset.to_unicode()) };
    cache()[slot].insert(&subset.glyphs, &streams);
    streams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_tag_says_which_regional_forms_its_readers_expect() {
        use Region::*;
        for (language, region) in [
            ("ja", Some(Jp)),
            ("ja-JP", Some(Jp)),
            ("ko", Some(Kr)),
            ("ko-KR", Some(Kr)),
            ("zh", Some(Sc)),
            ("zh-CN", Some(Sc)),
            ("zh-SG", Some(Sc)),
            ("zh-Hans", Some(Sc)),
            ("zh-Hans-CN", Some(Sc)),
            // Simplified script wins over the region.
            ("zh-Hans-HK", Some(Sc)),
            ("zh-TW", Some(Tc)),
            ("zh-Hant", Some(Tc)),
            ("zh-Hant-TW", Some(Tc)),
            ("zh-hant", Some(Tc)),
            ("zh-tw", Some(Tc)),
            ("zh-HK", Some(Hk)),
            ("zh-MO", Some(Hk)),
            ("zh-Hant-HK", Some(Hk)),
            ("zh-hk", Some(Hk)),
            ("de", None),
            ("en-GB", None),
            ("", None),
            ("jam", None),
            ("kok", None),
            ("zha", None),
        ] {
            assert_eq!(Region::of_language(language), region, "{language}");
        }
    }

    #[test]
    fn a_language_without_its_regional_face_gets_the_configured_one_and_hong_kong_taiwans() {
        // Faces: 0 the configured (here KR), 1 SC, 2 TC; no JP, no HK.
        let regions = [None, Some(0), Some(1), Some(2), None];
        for (language, face) in [("ja", 0), ("ko", 0), ("zh", 1), ("zh-TW", 2), ("zh-HK", 2), ("zh-Hant-MO", 2), ("de", 0), ("en", 0)] {
            assert_eq!(face_for(&regions, language), face, "{language}");
        }
        // A font whose faces say no region: every document in the configured face.
        for language in ["ja", "ko", "zh", "zh-TW", "zh-HK", "de"] {
            assert_eq!(face_for(&[None; 5], language), 0, "{language}");
        }
    }
}
