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

const ATTACHMENT: &str = "factur-x.xml";

/// Renders `doc` as a Factur-X PDF/A-3b. Pure: same document → same bytes.
pub fn render(doc: &Document) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixture;
    use crate::pdf::read::{Read, name};

    /// The Factur-X file is the plain PDF's pages and structure with the CII attached and the
    /// PDF/A-3B parts added; the plain PDF has none of those.
    #[test]
    fn the_facturx_file_is_the_pdf_with_the_invoice_attached_and_archival_metadata() {
        let doc = fixture::oss_invoice();
        let plain = Read::new(&pdf::render(&doc));
        let fx = Read::new(&render(&doc));
        assert_eq!(plain.pages().len(), fx.pages().len());
        for (a, b) in plain.pages().iter().zip(fx.pages()) {
            let contents = |r: &Read, page: &str| r.stream(&r.get(&json!(page))["/Contents"]);
            assert!(contents(&plain, a) == contents(&fx, b), "the pages are drawn alike");
        }

        let catalog = fx.get(&fx.trailer()["/Root"]);
        let spec_ref = &catalog["/AF"][0];
        assert_eq!(catalog["/AF"].as_array().unwrap().len(), 1);
        assert_eq!(catalog["/Names"]["/EmbeddedFiles"]["/Names"], json!(["u:factur-x.xml", spec_ref]));
        let spec = fx.get(spec_ref);
        assert_eq!(name(&spec["/Type"]), "Filespec");
        assert_eq!(name(&spec["/AFRelationship"]), "Alternative");
        assert_eq!(spec["/F"], "u:factur-x.xml");
        assert_eq!(spec["/UF"], "u:factur-x.xml");
        let file = fx.get(&spec["/EF"]["/F"]);
        assert_eq!(name(&file["/Subtype"]), "text/xml");
        let xml = cii::render(&doc);
        assert_eq!(file["/Params"]["/Size"], xml.len());
        assert!(fx.stream(&spec["/EF"]["/F"]) == xml.as_bytes(), "the attachment is the CII");
        let intent = &catalog["/OutputIntents"][0];
        assert_eq!(name(&intent["/S"]), "GTS_PDFA1");
        assert_eq!(fx.get(&intent["/DestOutputProfile"])["/N"], 3);

        let xmp = String::from_utf8(fx.stream(&catalog["/Metadata"])).unwrap();
        for needle in [
            "<pdfaid:part>3</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
            "<pdfuaid:part>1</pdfuaid:part>",
            "<fx:DocumentType>INVOICE</fx:DocumentType>",
            "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
            "<fx:Version>1.0</fx:Version>",
            "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
            "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>",
            "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>",
            "<pdfaProperty:name>ConformanceLevel</pdfaProperty:name>",
        ] {
            assert!(xmp.contains(needle), "{needle} missing from\n{xmp}");
        }

        let plain_catalog = plain.get(&plain.trailer()["/Root"]);
        for key in ["/AF", "/Names", "/OutputIntents"] {
            assert!(plain_catalog.get(key).is_none(), "{key} in the plain PDF");
        }
        let plain_xmp = String::from_utf8(plain.stream(&plain_catalog["/Metadata"])).unwrap();
        assert!(plain_xmp.contains("<pdfuaid:part>1</pdfuaid:part>") && !plain_xmp.contains("pdfaid:") && !plain_xmp.contains("fx:"));
        // Both are tagged alike.
        assert_eq!(plain.get(&plain_catalog["/StructTreeRoot"])["/ParentTreeNextKey"], fx.get(&catalog["/StructTreeRoot"])["/ParentTreeNextKey"]);
        assert_eq!(plain_catalog["/Lang"], "u:en");
        assert_eq!(catalog["/Lang"], "u:en");
    }
}
