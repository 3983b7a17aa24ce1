//! The PDF file: a document's drawn pages, fonts and structure written as objects with typst's
//! `pdf-writer`, with its metadata, and for Factur-X the PDF/A-3 parts and the attachment.
//!
//! Every file is tagged (PDF/UA-1): the catalog names the document's language, marks the file
//! as tagged and asks viewers to show the title; the structure tree comes from
//! [`super::tags`]; the XMP metadata carries the title and the PDF/UA identification. A Factur-X
//! file is the same file with more objects ([`Archival`]): the embedded XML with
//! `/AFRelationship`, the catalog's `/AF` and `/Names/EmbeddedFiles`, an sRGB OutputIntent,
//! and the PDF/A-3B identification in the XMP — written in the same pass, never by reading a
//! finished file back.
//!
//! The file is a pure function of the document: dates are the document's issue date, object
//! numbers follow the writing order, and the trailer's `/ID` (both entries) is the XXH3-128 of
//! everything before the cross-reference stream: derived from the content, as reproducible
//! builds expect, at memory speed (the SHA-256 the register keeps is the archive's to compute,
//! and rendering for `render` or `snapshot` needs none).

use chrono::Datelike;
use pdf_writer::types::{AssociationKind, OutputIntentSubtype, TabOrder};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use xmp_writer::pdfa::PdfAExtSchemasWriter;
use xmp_writer::{LangId, XmpWriter};

use super::fonts::{EmbeddedFont, Subsets};
use super::tags::{Kid, Structure};
use super::{PAGE_H, PAGE_W};
use domain::deflate::{Framing, deflate};

/// What the Info dictionary and the XMP metadata say about the document.
pub(super) struct About<'a> {
    pub(super) title: String,
    pub(super) subject: String,
    pub(super) author: &'a str,
    /// BCP 47, as the document records it.
    pub(super) language: &'a str,
    pub(super) date: chrono::NaiveDate,
}

/// A file carried inside the PDF.
pub(crate) struct Attachment<'a> {
    pub(crate) name: &'a str,
    pub(crate) description: &'a str,
    pub(crate) mime: &'a str,
    pub(crate) data: &'a [u8],
    pub(crate) relationship: AssociationKind,
}

/// What makes the file PDF/A-3B: an attachment, and what the XMP must say about it (its
/// properties, and the description of their schema that PDF/A asks for custom properties).
pub(crate) struct Archival<'a> {
    pub(crate) attachment: Attachment<'a>,
    pub(crate) xmp: fn(&mut XmpWriter<'static>),
    pub(crate) schemas: fn(&mut PdfAExtSchemasWriter<'_, 'static>),
}

const SRGB: &[u8] = include_bytes!("../../../../assets/sRGB.icc");
const SRGB_NAME: &str = "sRGB IEC61966-2.1";

/// Hands out object numbers in writing order.
struct Refs(Ref);

impl Refs {
    fn next(&mut self) -> Ref {
        let r = self.0;
        self.0 = r.next();
        r
    }
}

/// Writes the file.
pub(super) fn write(
    about: &About,
    contents: &[Vec<u8>],
    fonts: &Subsets,
    structure: &Structure,
    archival: Option<&Archival>,
    logo: Option<&domain::brand::Logo>,
) -> Vec<u8> {
    let mut pdf = Pdf::with_settings_and_capacity(
        pdf_writer::Settings { pretty: false },
        24 * 1024 + contents.iter().map(Vec::len).sum::<usize>(),
    );
    let mut refs = Refs(Ref::new(1));
    let catalog_ref = refs.next();
    let tree_ref = refs.next();
    let info_ref = refs.next();
    let root_ref = refs.next();
    let metadata_ref = refs.next();
    let page_refs: Vec<(Ref, Ref)> = contents.iter().map(|_| (refs.next(), refs.next())).collect();
    let element_refs: Vec<Ref> = structure.elements.iter().map(|_| refs.next()).collect();
    let parent_refs: Vec<Ref> = structure.parents.iter().map(|_| refs.next()).collect();

    // Fonts.
    let embedded: Vec<EmbeddedFont> = fonts.embed(&mut pdf, &mut || refs.next());

    // The logo: one XObject (and a soft mask), used by every page that draws it.
    let logo_ref = logo.map(|logo| {
        let (id, mask) = (refs.next(), refs.next());
        crate::logo::write(&mut pdf, logo, id, mask);
        id
    });

    // Pages.
    pdf.pages(tree_ref).kids(page_refs.iter().map(|(page, _)| *page)).count(contents.len() as i32);
    for (i, ((page_ref, content_ref), content)) in page_refs.iter().zip(contents).enumerate() {
        let mut page = pdf.page(*page_ref);
        page.parent(tree_ref).media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H)).contents(*content_ref);
        page.struct_parents(i as i32).tab_order(TabOrder::StructureOrder);
        let mut resources = page.resources();
        let mut font_dict = resources.fonts();
        for font in &embedded {
            font_dict.pair(Name(font.name.as_bytes()), font.reference);
        }
        font_dict.finish();
        if let Some(logo_ref) = logo_ref {
            resources.x_objects().pair(crate::logo::resource_name(), logo_ref);
        }
        resources.finish();
        page.finish();
        // Not deflated: see `Ops` (pdf.rs).
        pdf.stream(*content_ref, content);
    }

    // Structure: the root, the elements, and per page the elements of its marked content.
    let mut root = pdf.indirect(root_ref).start::<pdf_writer::writers::StructTreeRoot>();
    root.child(element_refs[0]);
    let mut parent_tree = root.parent_tree();
    let mut nums = parent_tree.nums();
    for (page, reference) in parent_refs.iter().enumerate() {
        nums.insert(page as i32, *reference);
    }
    nums.finish();
    parent_tree.finish();
    root.parent_tree_next_key(contents.len() as i32);
    root.finish();
    for (element, reference) in structure.elements.iter().zip(&element_refs) {
        let mut e = pdf.struct_element(*reference);
        e.kind(element.role);
        e.parent(element.parent.map_or(root_ref, |p| element_refs[p]));
        let first_page = element.kids.iter().find_map(|k| match k {
            Kid::Content { page, .. } => Some(*page),
            Kid::Element(_) => None,
        });
        if let Some(page) = first_page {
            e.page(page_refs[page].0);
        }
        if let Some(words) = &element.expansion {
            e.expanded(TextStr(words));
        }
        if let Some(scope) = element.scope {
            e.attributes().push().table().scope(scope);
        }
        let mut kids = e.children();
        for kid in &element.kids {
            match *kid {
                Kid::Element(child) => {
                    kids.struct_element(element_refs[child]);
                }
                Kid::Content { page, mcid } if Some(page) == first_page => {
                    kids.marked_content_id(mcid);
                }
                Kid::Content { page, mcid } => {
                    kids.marked_content_ref().page(page_refs[page].0).marked_content_id(mcid);
                }
            }
        }
    }
    for (parents, reference) in structure.parents.iter().zip(&parent_refs) {
        pdf.indirect(*reference).array().items(parents.iter().map(|e| element_refs[*e]));
    }

    // Metadata.
    let date = pdf_writer::Date::new(about.date.year() as u16)
        .month(about.date.month() as u8)
        .day(about.date.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0);
    pdf.document_info(info_ref)
        .title(TextStr(&about.title))
        .author(TextStr(about.author))
        .subject(TextStr(&about.subject))
        .creator(TextStr("invoicesmith"))
        .producer(TextStr("invoicesmith"))
        .creation_date(date)
        .modified_date(date);
    let xmp = xmp(about, archival);
    pdf.metadata(metadata_ref, xmp.as_bytes());

    // Factur-X: the attachment and the colour space the file's colours are in.
    let archive = archival.map(|a| {
        let a = &a.attachment;
        let file_ref = refs.next();
        let spec_ref = refs.next();
        let icc_ref = refs.next();
        let data = deflate(a.data, Framing::Zlib);
        let mut file = pdf.embedded_file(file_ref, &data);
        file.subtype(Name(a.mime.as_bytes()));
        file.filter(Filter::FlateDecode);
        file.params().size(a.data.len() as i32).modification_date(date);
        file.finish();
        pdf.file_spec(spec_ref)
            .path(Str(a.name.as_bytes()))
            .unic_file(TextStr(a.name))
            .description(TextStr(a.description))
            .association_kind(a.relationship)
            .embedded_file_with_unicode(file_ref);
        pdf.icc_profile(icc_ref, &deflate(SRGB, Framing::Zlib)).n(3).filter(Filter::FlateDecode);
        (a.name, spec_ref, icc_ref)
    });

    let mut catalog = pdf.catalog(catalog_ref);
    catalog.pages(tree_ref).lang(TextStr(about.language)).metadata(metadata_ref);
    catalog.viewer_preferences().display_doc_title(true);
    catalog.mark_info().marked(true);
    catalog.pair(Name(b"StructTreeRoot"), root_ref);
    if let Some((name, spec_ref, icc_ref)) = archive {
        catalog.insert(Name(b"AF")).array().item(spec_ref);
        catalog.names().embedded_files().names().insert(Str(name.as_bytes()), spec_ref);
        catalog
            .output_intents()
            .push()
            .subtype(OutputIntentSubtype::PDFA)
            .output_condition_identifier(TextStr(SRGB_NAME))
            .info(TextStr(SRGB_NAME))
            .dest_output_profile(icc_ref);
    }
    catalog.finish();

    finish(pdf, refs.next())
}

/// The cross-reference stream `xref_ref`, whose dictionary is the trailer, with the
/// content-derived `/ID`.
///
/// A stream (PDF 1.5) rather than a table: a table's entry is 20 bytes of text formatted per
/// object (`0000012345 00000 n\r\n`; writing them was 3% of `issue`'s CPU in `perf`), a
/// stream's 4–5 bytes of binary. PDF/A-3 allows either.
fn finish(mut pdf: Pdf, xref_ref: Ref) -> Vec<u8> {
    let id = id_of(pdf.as_bytes()).to_vec();
    pdf.set_file_id((id.clone(), id));
    pdf.finish_with_xref_stream(xref_ref)
}

/// The `/ID` of a file whose objects are `body`: its XXH3-128, big-endian.
pub(super) fn id_of(body: &[u8]) -> [u8; 16] {
    xxhash_rust::xxh3::xxh3_128(body).to_be_bytes()
}

/// The XMP packet: what the Info dictionary says (PDF/A asks that the two agree), the PDF/UA-1
/// identification, and for archival files PDF/A-3B and the attachment's properties, with the
/// descriptions of the schemas PDF/A does not predefine.
fn xmp(about: &About, archival: Option<&Archival>) -> String {
    let date = xmp_writer::DateTime::date(about.date.year() as u16, about.date.month() as u8, about.date.day() as u8);
    let date = xmp_writer::DateTime { hour: Some(0), minute: Some(0), second: Some(0), timezone: Some(xmp_writer::Timezone::Utc), ..date };
    let mut xmp = XmpWriter::new();
    xmp.format("application/pdf");
    xmp.title([(None, about.title.as_str())]);
    xmp.creator([about.author]);
    xmp.description([(None, about.subject.as_str())]);
    xmp.language([LangId(about.language)]);
    xmp.creator_tool("invoicesmith");
    xmp.producer("invoicesmith");
    xmp.create_date(date);
    xmp.modify_date(date);
    xmp.metadata_date(date);
    xmp.pdfua_part(1);
    if let Some(archival) = archival {
        xmp.pdfa_part(3);
        xmp.pdfa_conformance("B");
        (archival.xmp)(&mut xmp);
        let mut schemas = xmp.extension_schemas();
        schemas.pdfua_id().properties().describe_part();
        (archival.schemas)(&mut schemas);
        schemas.finish();
    }
    xmp.finish(None)
}
