//! Factur-X / ZUGFeRD (EN 16931 profile): the invoice PDF as PDF/A-3b with its CII XML
//! embedded as `factur-x.xml`.
//!
//! Built on the plain PDF from [`super::pdf`] (the same bytes a person reads) and the CII
//! from [`super::cii`] (the same figures a machine reads), so the two can never disagree.
//! What PDF/A-3 and Factur-X add, printpdf cannot write, so it is added here with lopdf: the
//! embedded file with `/AFRelationship /Alternative`, the catalog's `/AF` and
//! `/Names/EmbeddedFiles`, XMP metadata declaring PDF/A-3B and the Factur-X schema, and an
//! sRGB OutputIntent. The `/ID` is again the hash of the file's own bytes.

use lopdf::{Dictionary, Object, Stream, StringFormat};

use super::{Document, cii, pdf, text};
use crate::sha256::Sha256Sum;

const SRGB: &[u8] = include_bytes!("../../assets/sRGB.icc");
const ATTACHMENT: &str = "factur-x.xml";

/// Renders `doc` as a Factur-X PDF/A-3b. Pure: same document → same bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    render_hashed(doc).0
}

/// [`render`], with the SHA-256 of the bytes (computed with the file's `/ID`).
pub fn render_hashed(doc: &Document) -> (Vec<u8>, Sha256Sum) {
    let plain = pdf::render(doc);
    let xml = cii::render(doc).into_bytes();
    let mut lo = lopdf::Document::load_mem(&plain).expect("our own PDF parses");
    lo.version = "1.7".into();
    let date = format!("D:{}000000Z", doc.issue_date.format("%Y%m%d"));

    // The embedded CII and its file specification.
    let mut params = Dictionary::new();
    params.set("ModDate", Object::String(date.clone().into_bytes(), StringFormat::Literal));
    params.set("Size", xml.len() as i64);
    let mut file_dict = Dictionary::new();
    file_dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    file_dict.set("Subtype", Object::Name(b"text/xml".to_vec()));
    file_dict.set("Params", params);
    let mut file_stream = Stream::new(file_dict, xml);
    let _ = file_stream.compress();
    let file_id = lo.add_object(file_stream);
    let mut ef = Dictionary::new();
    ef.set("F", file_id);
    ef.set("UF", file_id);
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", Object::String(ATTACHMENT.as_bytes().to_vec(), StringFormat::Literal));
    spec.set("UF", Object::String(ATTACHMENT.as_bytes().to_vec(), StringFormat::Literal));
    spec.set("Desc", Object::String(b"Factur-X invoice (EN 16931)".to_vec(), StringFormat::Literal));
    spec.set("AFRelationship", Object::Name(b"Alternative".to_vec()));
    spec.set("EF", ef);
    let spec_id = lo.add_object(spec);

    // sRGB output intent: every colour in the file is DeviceRGB.
    let mut icc_dict = Dictionary::new();
    icc_dict.set("N", 3);
    let mut icc = Stream::new(icc_dict, SRGB.to_vec());
    let _ = icc.compress();
    let icc_id = lo.add_object(icc);
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set("OutputConditionIdentifier", Object::String(b"sRGB IEC61966-2.1".to_vec(), StringFormat::Literal));
    intent.set("Info", Object::String(b"sRGB IEC61966-2.1".to_vec(), StringFormat::Literal));
    intent.set("DestOutputProfile", icc_id);
    let intent_id = lo.add_object(intent);

    // XMP: PDF/A-3B identification, Factur-X fields, and what the Info dictionary says.
    let title = format!("{} {}", text::title(doc), doc.number);
    let xmp = xmp(&title, &doc.seller.name, &doc.issue_date.format("%Y-%m-%dT00:00:00Z").to_string());
    let mut meta_dict = Dictionary::new();
    meta_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    meta_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let meta_id = lo.add_object(Stream::new(meta_dict, xmp.into_bytes()));

    let root = lo.trailer.get(b"Root").and_then(Object::as_reference).expect("a catalog");
    let catalog = lo.get_object_mut(root).and_then(Object::as_dict_mut).expect("a catalog dictionary");
    catalog.set("AF", Object::Array(vec![Object::Reference(spec_id)]));
    let mut embedded = Dictionary::new();
    embedded.set("Names", Object::Array(vec![Object::String(ATTACHMENT.as_bytes().to_vec(), StringFormat::Literal), Object::Reference(spec_id)]));
    let mut names = Dictionary::new();
    names.set("EmbeddedFiles", embedded);
    catalog.set("Names", names);
    catalog.set("OutputIntents", Object::Array(vec![Object::Reference(intent_id)]));
    catalog.set("Metadata", meta_id);

    // A content-derived /ID, as for the plain PDF.
    pdf::save(lo)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// XMP packet: PDF/A-3B, Dublin Core title/creator, dates, and the Factur-X extension schema
/// (with its PDF/A extension-schema description, which PDF/A requires for custom fields).
fn xmp(title: &str, author: &str, date: &str) -> String {
    let (title, author) = (escape(title), escape(author));
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>invoicesmith</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>invoicesmith</pdf:Producer>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
   <fx:DocumentType>INVOICE</fx:DocumentType>
   <fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
   <fx:Version>1.0</fx:Version>
   <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>fx</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentFileName</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentType</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The type of the hybrid document in capital letters, e.g. INVOICE or ORDER</pdfaProperty:description></rdf:li>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>Version</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The actual version of the standard applying to the embedded XML document</pdfaProperty:description></rdf:li>
        <rdf:li rdf:parseType="Resource"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description></rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#
    )
}
