//! Factur-X / ZUGFeRD (EN 16931 profile): the invoice PDF as PDF/A-3b with its CII XML
//! embedded as `factur-x.xml`.
//!
//! The same pages as [`super::pdf`] (what a person reads) with the CII from [`super::cii`]
//! (the same figures a machine reads) attached, so the two can never disagree. The PDF writer
//! adds what PDF/A-3 asks for in the same pass (see `pdf/file.rs`); this module says what
//! Factur-X adds: the attachment, related to the invoice as its `/Alternative`, and the
//! Factur-X properties in the XMP metadata with the description of their schema.

use pdf_writer::types::AssociationKind;
use xmp_writer::pdfa::PdfAExtSchemasWriter;
use xmp_writer::{CustomNamespace, Namespace, XmpWriter};

use super::pdf::{Archival, Attachment};
use super::{Document, cii, pdf};
use crate::sha256::Sha256Sum;

const ATTACHMENT: &str = "factur-x.xml";

/// Renders `doc` as a Factur-X PDF/A-3b. Pure: same document → same bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    render_hashed(doc).0
}

/// [`render`], with the SHA-256 of the bytes (computed with the file's `/ID`).
pub fn render_hashed(doc: &Document) -> (Vec<u8>, Sha256Sum) {
    let xml = cii::render(doc);
    let archival = Archival {
        attachment: Attachment {
            name: ATTACHMENT,
            description: "Factur-X invoice (EN 16931)",
            mime: "text/xml",
            data: xml.as_bytes(),
            relationship: AssociationKind::Alternative,
        },
        xmp: facturx_properties,
        schemas: facturx_schema,
    };
    pdf::write(doc, Some(&archival))
}

/// The Factur-X XMP namespace.
fn fx() -> Namespace<'static> {
    Namespace::Custom(Box::new(CustomNamespace::new("Factur-X PDFA Extension", "fx", "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#")))
}

/// The properties Factur-X readers look for.
const PROPERTIES: [(&str, &str, &str); 4] = [
    ("DocumentType", "INVOICE", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("DocumentFileName", ATTACHMENT, "The name of the embedded XML document"),
    ("Version", "1.0", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "EN 16931", "The conformance level of the embedded XML document"),
];

fn facturx_properties(xmp: &mut XmpWriter<'static>) {
    for (name, value, _) in PROPERTIES {
        xmp.element(name, fx()).value(value);
    }
}

/// The description PDF/A asks for the properties of a schema it does not define.
fn facturx_schema(schemas: &mut PdfAExtSchemasWriter<'_, 'static>) {
    let mut schema = schemas.add_schema();
    schema.namespace(fx());
    let mut properties = schema.properties();
    for (name, _, description) in PROPERTIES {
        properties.add_property().name(name).value_type("Text").category(false).description(description);
    }
}
