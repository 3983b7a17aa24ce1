//! The seller's logo: its size read from the file, and its one XObject in a PDF.
//!
//! A PNG is decoded and written as an image XObject (8 bits per component, RGB or grey, its
//! alpha channel as a soft mask); a JPEG is embedded as it is (`/DCTDecode`), the PDF
//! viewer decodes it; an SVG is parsed with `usvg` (which resolves styles, `use` and
//! transforms into plain paths) and drawn as vector paths in a form XObject. Each is
//! written once per PDF and drawn where the layout places it. SVG paint servers
//! (gradients, patterns) are drawn in their first colour, and SVG text and embedded
//! raster images are not drawn: a logo's lettering is expected as paths, as exported by
//! design tools for print.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

use crate::brand::{Logo, LogoFormat};
use crate::deflate::{Framing, deflate};

/// The name pages use for the logo in their resources.
const NAME: &[u8] = b"Logo";

/// A PNG's size in pixels, after checking it decodes.
pub fn png_size(data: &[u8]) -> Result<(u32, u32), String> {
    let (info, _) = png_pixels(data)?;
    Ok((info.width, info.height))
}

/// The decoded pixels: colour (RGB or grey, 8 bits) and alpha, if any.
struct Pixels {
    width: u32,
    height: u32,
    colour: Vec<u8>,
    components: i32,
    alpha: Option<Vec<u8>>,
}

fn png_pixels(data: &[u8]) -> Result<(Pixels, ()), String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    // Palette and low-bit images become 8-bit; 16-bit becomes 8-bit.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| format!("is not a PNG image this program can read: {e}"))?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(|e| format!("is not a PNG image this program can read: {e}"))?;
    buffer.truncate(frame.buffer_size());
    let (components, has_alpha) = match frame.color_type {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (1, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (3, true),
        png::ColorType::Indexed => return Err("is a palette PNG that could not be expanded".into()),
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
    Ok((Pixels { width: frame.width, height: frame.height, colour, components: components as i32, alpha }, ()))
}

/// A JPEG's size and number of components, from its start-of-frame segment.
fn jpeg_frame(data: &[u8]) -> Result<(u32, u32, u8), String> {
    let bad = || "is not a JPEG image this program can read (no baseline or progressive frame header)".to_string();
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
                return Err("is a JPEG that is not greyscale or RGB (a CMYK logo: save it as RGB)".into());
            }
            return Ok((width, height, components));
        }
        at += 2 + length;
    }
    Err(bad())
}

/// A JPEG's size in pixels.
pub fn jpeg_size(data: &[u8]) -> Result<(u32, u32), String> {
    jpeg_frame(data).map(|(w, h, _)| (w, h))
}

fn svg_tree(data: &[u8]) -> Result<usvg::Tree, String> {
    usvg::Tree::from_data(data, &usvg::Options::default()).map_err(|e| format!("is not an SVG image this program can read: {e}"))
}

/// An SVG's size in user units (its `width` and `height`, or its `viewBox`), rounded up.
pub fn svg_size(data: &[u8]) -> Result<(u32, u32), String> {
    let size = svg_tree(data)?.size();
    Ok((size.width().ceil() as u32, size.height().ceil() as u32))
}

/// Writes `logo` as one XObject at `id` (plus its soft mask at `mask_id` when a PNG has
/// transparency). Every kind maps the unit square to the whole logo, so a page draws it
/// with `w 0 0 h x y cm /Logo Do` whatever its kind.
pub(crate) fn write(pdf: &mut Pdf, logo: &Logo, id: Ref, mask_id: Ref) {
    match logo.format {
        LogoFormat::Jpeg => {
            let (width, height, components) = jpeg_frame(&logo.data).expect("checked when loaded");
            let mut image = pdf.image_xobject(id, &logo.data);
            image.width(width as i32).height(height as i32).bits_per_component(8);
            image.filter(Filter::DctDecode);
            let space = image.color_space();
            if components == 1 { space.device_gray() } else { space.device_rgb() };
            image.finish();
        }
        LogoFormat::Png => {
            let (px, ()) = png_pixels(&logo.data).expect("checked when loaded");
            if let Some(alpha) = &px.alpha {
                let data = deflate(alpha, Framing::Zlib);
                let mut mask = pdf.image_xobject(mask_id, &data);
                mask.width(px.width as i32).height(px.height as i32).bits_per_component(8);
                mask.filter(Filter::FlateDecode);
                mask.color_space().device_gray();
                mask.finish();
            }
            let data = deflate(&px.colour, Framing::Zlib);
            let mut image = pdf.image_xobject(id, &data);
            image.width(px.width as i32).height(px.height as i32).bits_per_component(8);
            image.filter(Filter::FlateDecode);
            let space = image.color_space();
            if px.components == 1 { space.device_gray() } else { space.device_rgb() };
            if px.alpha.is_some() {
                image.s_mask(mask_id);
            }
            image.finish();
        }
        LogoFormat::Svg => {
            let tree = svg_tree(&logo.data).expect("checked when loaded");
            let (w, h) = (tree.size().width(), tree.size().height());
            let mut content = Content::new();
            draw_group(&mut content, tree.root());
            let stream = deflate(&content.finish().into_vec(), Framing::Zlib);
            let mut form = pdf.form_xobject(id, &stream);
            form.filter(Filter::FlateDecode);
            form.bbox(Rect::new(0.0, 0.0, w, h));
            // SVG's y axis points down: flip it, and scale the logo to the unit square.
            form.matrix([1.0 / w, 0.0, 0.0, -1.0 / h, 0.0, 1.0]);
            form.finish();
        }
    }
}

/// The pages' resource entry for the logo.
pub(crate) fn resource_name() -> Name<'static> {
    Name(NAME)
}

fn draw_group(content: &mut Content, group: &usvg::Group) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => draw_group(content, g),
            usvg::Node::Path(p) if p.is_visible() => draw_path(content, p),
            _ => {}
        }
    }
}

/// A paint's colour: a plain colour, or a gradient's first stop (see the module's note).
fn colour(paint: &usvg::Paint) -> Option<(f32, f32, f32)> {
    let c = match paint {
        usvg::Paint::Color(c) => *c,
        usvg::Paint::LinearGradient(g) => g.stops().first()?.color(),
        usvg::Paint::RadialGradient(g) => g.stops().first()?.color(),
        usvg::Paint::Pattern(_) => return None,
    };
    Some((f32::from(c.red) / 255.0, f32::from(c.green) / 255.0, f32::from(c.blue) / 255.0))
}

fn draw_path(content: &mut Content, path: &usvg::Path) {
    let t = path.abs_transform();
    content.save_state();
    content.transform([t.sx, t.ky, t.kx, t.sy, t.tx, t.ty]);
    let outline = |content: &mut Content| {
        use usvg::tiny_skia_path::PathSegment;
        // The current point and the start of the subpath (where a close returns to): a
        // quadratic curve becomes the cubic that equals it, whose controls lie 2/3 of the way
        // from each end to the quadratic's control.
        let (mut current, mut start) = ((0.0f32, 0.0f32), (0.0f32, 0.0f32));
        let third = |a: f32, b: f32| a + 2.0 * (b - a) / 3.0;
        for segment in path.data().segments() {
            match segment {
                PathSegment::MoveTo(p) => {
                    content.move_to(p.x, p.y);
                    (current, start) = ((p.x, p.y), (p.x, p.y));
                }
                PathSegment::LineTo(p) => {
                    content.line_to(p.x, p.y);
                    current = (p.x, p.y);
                }
                PathSegment::QuadTo(c, p) => {
                    content.cubic_to(third(current.0, c.x), third(current.1, c.y), third(p.x, c.x), third(p.y, c.y), p.x, p.y);
                    current = (p.x, p.y);
                }
                PathSegment::CubicTo(c1, c2, p) => {
                    content.cubic_to(c1.x, c1.y, c2.x, c2.y, p.x, p.y);
                    current = (p.x, p.y);
                }
                PathSegment::Close => {
                    content.close_path();
                    current = start;
                }
            }
        }
    };
    let fill = path.fill().and_then(|f| Some((colour(f.paint())?, f.rule())));
    let stroke = path.stroke().and_then(|s| Some((colour(s.paint())?, s.width().get())));
    if let Some(((r, g, b), rule)) = fill {
        content.set_fill_rgb(r, g, b);
        outline(content);
        if rule == usvg::FillRule::EvenOdd { content.fill_even_odd() } else { content.fill_nonzero() };
    }
    if let Some(((r, g, b), width)) = stroke {
        content.set_stroke_rgb(r, g, b).set_line_width(width);
        outline(content);
        content.stroke();
    }
    content.restore_state();
}
