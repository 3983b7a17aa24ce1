//! The seller's logo: its one XObject in a PDF (the file is read by `domain::brand`).
//!
//! A PNG is decoded and written as an image XObject (8 bits per component, RGB or grey, its
//! alpha channel as a soft mask); a JPEG is embedded as it is (`/DCTDecode`), the PDF
//! viewer decodes it; an SVG is parsed with `usvg` (which resolves styles, `use` and
//! transforms into plain paths) and drawn as vector paths in a form XObject. Each is
//! written once per PDF and drawn where the layout places it. A path filled with a linear
//! or radial gradient is drawn as a PDF shading (axial or radial, type 2 or 3) clipped to
//! the path, its stops an exponential (two stops) or stitching function, in the resources of
//! the form; usvg hands the gradients resolved (units and `href` chains applied, the
//! gradient's transform explicit). What is approximated: a gradient's stop opacity (drawn
//! opaque), `spreadMethod` reflect and repeat (drawn as pad: the end colours extend). A
//! gradient stroke is painted with a shading pattern (its matrix maps the gradient into the
//! form's space). SVG patterns, text and
//! embedded raster images are not drawn: a logo's lettering is expected as paths, as
//! exported by design tools for print.

use std::sync::{Arc, Mutex};

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

use domain::brand::{Logo, LogoFormat, jpeg_frame, png_pixels, svg_tree};
use domain::deflate::{Framing, deflate};
use domain::sha256::Sha256Sum;

/// The name pages use for the logo in their resources.
const NAME: &[u8] = b"Logo";

/// A logo's XObject streams, made once: a run draws the same logo on every document, and
/// decoding a PNG or parsing an SVG and compressing the result costs far more than writing
/// the rest of a one-page invoice (a 157 KB PNG made issuing 14 times slower when it was
/// redone for each PDF).
enum Encoded {
    /// The file itself is the stream (`/DCTDecode`).
    Jpeg { width: u32, height: u32, components: u8 },
    /// Deflated 8-bit pixels, and the deflated alpha channel if there is one.
    Png { width: u32, height: u32, components: i32, colour: Vec<u8>, alpha: Option<Vec<u8>> },
    /// The deflated content stream of the paths, the SVG's size and the gradients the
    /// stream paints with (`/Sh0`, `/Sh1`, … in the form's resources).
    Svg { width: f32, height: f32, stream: Vec<u8>, shadings: Vec<Shading>, patterns: Vec<(Shading, [f32; 6])> },
}

/// A gradient as a PDF shading: axial (`[x1 y1 x2 y2]`) or radial (`[fx fy fr cx cy r]`) in
/// the gradient's own space, and its stops (offset, RGB), from offset 0 to 1.
#[derive(Clone, Debug, PartialEq)]
struct Shading {
    radial: bool,
    coords: Vec<f32>,
    stops: Vec<(f32, [f32; 3])>,
}

impl Shading {
    /// The shading of `paint`, if it is a gradient with stops, and the gradient's transform.
    fn of(paint: &usvg::Paint) -> Option<(Shading, usvg::Transform)> {
        let (radial, coords, base): (bool, Vec<f32>, &usvg::BaseGradient) = match paint {
            usvg::Paint::LinearGradient(g) => (false, vec![g.x1(), g.y1(), g.x2(), g.y2()], g),
            usvg::Paint::RadialGradient(g) => (true, vec![g.fx(), g.fy(), g.fr().get(), g.cx(), g.cy(), g.r().get()], g),
            _ => return None,
        };
        let mut stops: Vec<(f32, [f32; 3])> = base.stops().iter().map(|s| (s.offset().get(), rgb(s.color()))).collect();
        let (first, last) = (*stops.first()?, *stops.last()?);
        // The function's domain is [0, 1]: the end colours extend to its ends.
        if first.0 > 0.0 {
            stops.insert(0, (0.0, first.1));
        }
        if last.0 < 1.0 {
            stops.push((1.0, last.1));
        }
        Some((Shading { radial, coords, stops }, base.transform()))
    }

    /// Writes the shading dictionary into `obj` (a direct object in the form's resources).
    fn write(&self, obj: pdf_writer::Obj<'_>) {
        self.fill(&mut obj.start::<pdf_writer::writers::FunctionShading>());
    }

    /// Writes the shading as a shading pattern into `obj`, its space mapped into the form's
    /// by `matrix` (a gradient stroke is painted with it).
    fn write_pattern(&self, obj: pdf_writer::Obj<'_>, matrix: [f32; 6]) {
        let mut pattern = obj.start::<pdf_writer::writers::ShadingPattern>();
        self.fill(&mut pattern.function_shading());
        pattern.matrix(matrix);
    }

    /// The shading dictionary's entries.
    fn fill(&self, shading: &mut pdf_writer::writers::FunctionShading<'_>) {
        use pdf_writer::types::FunctionShadingType;
        shading.shading_type(if self.radial { FunctionShadingType::Radial } else { FunctionShadingType::Axial });
        shading.color_space().device_rgb();
        shading.coords(self.coords.iter().copied());
        shading.extend([true, true]);
        // Intervals of zero width (a hard stop: two stops at one offset) are left out; the
        // colour changes at their bound.
        let pieces: Vec<_> = self.stops.windows(2).filter(|w| w[1].0 > w[0].0).collect();
        let function = shading.insert(Name(b"Function"));
        match pieces.as_slice() {
            [] => exponential(function, self.stops[0].1, self.stops[0].1),
            [one] => exponential(function, one[0].1, one[1].1),
            many => {
                let mut stitching = function.start::<pdf_writer::writers::StitchingFunction>();
                stitching.domain([0.0, 1.0]);
                let mut functions = stitching.insert(Name(b"Functions")).array();
                for w in many {
                    exponential(functions.push(), w[0].1, w[1].1);
                }
                functions.finish();
                stitching.bounds(many[1..].iter().map(|w| w[0].0));
                stitching.encode(many.iter().flat_map(|_| [0.0, 1.0]));
            }
        }
    }
}

/// A linear interpolation from `c0` to `c1` over [0, 1] (PDF type 2, N = 1).
fn exponential(obj: pdf_writer::Obj<'_>, c0: [f32; 3], c1: [f32; 3]) {
    let mut f = obj.start::<pdf_writer::writers::ExponentialFunction>();
    f.domain([0.0, 1.0]).c0(c0).c1(c1).n(1.0);
}

fn rgb(c: usvg::Color) -> [f32; 3] {
    [f32::from(c.red) / 255.0, f32::from(c.green) / 255.0, f32::from(c.blue) / 255.0]
}

impl Encoded {
    fn of(logo: &Logo) -> Encoded {
        match logo.format {
            LogoFormat::Jpeg => {
                let (width, height, components) = jpeg_frame(logo.bytes()).expect("checked when loaded");
                Encoded::Jpeg { width, height, components }
            }
            LogoFormat::Png => {
                let px = png_pixels(logo.bytes()).expect("checked when loaded");
                Encoded::Png {
                    width: px.width,
                    height: px.height,
                    components: px.components,
                    colour: deflate(&px.colour, Framing::Zlib),
                    alpha: px.alpha.as_deref().map(|alpha| deflate(alpha, Framing::Zlib)),
                }
            }
            LogoFormat::Svg => {
                let tree = svg_tree(logo.bytes()).expect("checked when loaded");
                let mut content = Content::new();
                let mut paints = Paints::default();
                draw_group(&mut content, tree.root(), &mut paints);
                let stream = deflate(&content.finish().into_vec(), Framing::Zlib);
                let Paints { shadings, patterns } = paints;
                Encoded::Svg { width: tree.size().width(), height: tree.size().height(), stream, shadings, patterns }
            }
        }
    }

    /// The encoding of `logo`, from the last one made if it is the same file (one logo per
    /// run in practice), known by its SHA-256 (checked against its bytes when it was read).
    fn cached(logo: &Logo) -> Arc<Encoded> {
        static LAST: Mutex<Option<(Sha256Sum, Arc<Encoded>)>> = Mutex::new(None);
        let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((sha256, encoded)) = last.as_ref()
            && *sha256 == logo.sha256
        {
            return encoded.clone();
        }
        let encoded = Arc::new(Encoded::of(logo));
        *last = Some((logo.sha256, encoded.clone()));
        encoded
    }
}

/// Writes `logo` as one XObject at `id` (plus its soft mask at `mask_id` when a PNG has
/// transparency). Every kind maps the unit square to the whole logo, so a page draws it
/// with `w 0 0 h x y cm /Logo Do` whatever its kind.
pub(crate) fn write(pdf: &mut Pdf, logo: &Logo, id: Ref, mask_id: Ref) {
    match &*Encoded::cached(logo) {
        Encoded::Jpeg { width, height, components } => {
            let mut image = pdf.image_xobject(id, logo.bytes());
            image.width(*width as i32).height(*height as i32).bits_per_component(8);
            image.filter(Filter::DctDecode);
            let space = image.color_space();
            if *components == 1 { space.device_gray() } else { space.device_rgb() };
            image.finish();
        }
        Encoded::Png { width, height, components, colour, alpha } => {
            if let Some(alpha) = alpha {
                let mut mask = pdf.image_xobject(mask_id, alpha);
                mask.width(*width as i32).height(*height as i32).bits_per_component(8);
                mask.filter(Filter::FlateDecode);
                mask.color_space().device_gray();
                mask.finish();
            }
            let mut image = pdf.image_xobject(id, colour);
            image.width(*width as i32).height(*height as i32).bits_per_component(8);
            image.filter(Filter::FlateDecode);
            let space = image.color_space();
            if *components == 1 { space.device_gray() } else { space.device_rgb() };
            if alpha.is_some() {
                image.s_mask(mask_id);
            }
            image.finish();
        }
        Encoded::Svg { width, height, stream, shadings, patterns } => {
            let mut form = pdf.form_xobject(id, stream);
            form.filter(Filter::FlateDecode);
            if !shadings.is_empty() || !patterns.is_empty() {
                let mut resources = form.resources();
                if !shadings.is_empty() {
                    let mut dict = resources.shadings();
                    for (i, shading) in shadings.iter().enumerate() {
                        shading.write(dict.insert(Name(shading_name(i).as_bytes())));
                    }
                }
                if !patterns.is_empty() {
                    let mut dict = resources.patterns();
                    for (i, (shading, matrix)) in patterns.iter().enumerate() {
                        shading.write_pattern(dict.insert(Name(pattern_name(i).as_bytes())), *matrix);
                    }
                }
            }
            form.bbox(Rect::new(0.0, 0.0, *width, *height));
            // SVG's y axis points down: flip it, and scale the logo to the unit square.
            form.matrix([1.0 / width, 0.0, 0.0, -1.0 / height, 0.0, 1.0]);
            form.finish();
        }
    }
}

/// The pages' resource entry for the logo.
pub(crate) fn resource_name() -> Name<'static> {
    Name(NAME)
}

/// The resource name of the form's `i`th shading.
fn shading_name(i: usize) -> String {
    format!("Sh{i}")
}

/// The resource name of the form's `i`th shading pattern.
fn pattern_name(i: usize) -> String {
    format!("P{i}")
}

/// The gradients an SVG's paths paint with: fills as shadings (drawn clipped to the path),
/// strokes as shading patterns (with their matrix into the form's space), each once.
#[derive(Default)]
struct Paints {
    shadings: Vec<Shading>,
    patterns: Vec<(Shading, [f32; 6])>,
}

impl Paints {
    fn shading(&mut self, shading: Shading) -> usize {
        index_once(&mut self.shadings, shading)
    }

    fn pattern(&mut self, pattern: (Shading, [f32; 6])) -> usize {
        index_once(&mut self.patterns, pattern)
    }
}

/// The index of `item` in `list`, added at its end if it is not there yet.
fn index_once<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    list.iter().position(|x| *x == item).unwrap_or_else(|| {
        list.push(item);
        list.len() - 1
    })
}

fn draw_group(content: &mut Content, group: &usvg::Group, paints: &mut Paints) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => draw_group(content, g, paints),
            usvg::Node::Path(p) if p.is_visible() => draw_path(content, p, paints),
            _ => {}
        }
    }
}

/// A paint's colour: a plain colour (a pattern has none; see the module's note).
fn colour(paint: &usvg::Paint) -> Option<(f32, f32, f32)> {
    let c = match paint {
        usvg::Paint::Color(c) => *c,
        usvg::Paint::LinearGradient(_) | usvg::Paint::RadialGradient(_) | usvg::Paint::Pattern(_) => return None,
    };
    Some((f32::from(c.red) / 255.0, f32::from(c.green) / 255.0, f32::from(c.blue) / 255.0))
}

fn draw_path(content: &mut Content, path: &usvg::Path, paints: &mut Paints) {
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
    let gradient = path.fill().and_then(|f| Some((Shading::of(f.paint())?, f.rule())));
    let fill = path.fill().and_then(|f| Some((colour(f.paint())?, f.rule())));
    let stroke_gradient = path.stroke().and_then(|s| Some((Shading::of(s.paint())?, s.width().get())));
    let stroke = path.stroke().and_then(|s| Some((colour(s.paint())?, s.width().get())));
    if let Some(((shading, t), rule)) = gradient {
        // Clipped to the path, the gradient's space mapped into the path's.
        let i = paints.shading(shading);
        content.save_state();
        outline(content);
        if rule == usvg::FillRule::EvenOdd { content.clip_even_odd() } else { content.clip_nonzero() };
        content.end_path();
        content.transform([t.sx, t.ky, t.kx, t.sy, t.tx, t.ty]);
        content.shading(Name(shading_name(i).as_bytes()));
        content.restore_state();
    }
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
    if let Some(((shading, g), width)) = stroke_gradient {
        // A shading pattern's space maps to the form's, not the current one: the gradient's
        // transform, then the path's.
        let m = path.abs_transform().pre_concat(g);
        let i = paints.pattern((shading, [m.sx, m.ky, m.kx, m.sy, m.tx, m.ty]));
        content.set_stroke_color_space(pdf_writer::types::ColorSpaceOperand::Pattern);
        content.set_stroke_pattern(None, Name(pattern_name(i).as_bytes()));
        content.set_line_width(width);
        outline(content);
        content.stroke();
    }
    content.restore_state();
}
