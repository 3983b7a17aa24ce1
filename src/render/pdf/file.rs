//! The PDF file: a document's objects written out with a cross-reference table.
//!
//! This writes what lopdf's `save_to` writes for these documents — the same bytes, which the
//! golden files and [`tests`] check — without its route through `dyn Write` and `fmt` for
//! every object header, reference, number and cross-reference line (17% of a PDF's
//! instructions in callgrind, `examples/render_speed`). Only the classic form is written:
//! one revision, no object or cross-reference streams, nothing encrypted.

use lopdf::{Dictionary, Object};

use super::syntax;

/// The file of `lo`. Sets the trailer's `/Size`, as writing it does.
pub(super) fn write(lo: &mut lopdf::Document) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(lo.version.as_bytes());
    out.push(b'\n');
    assert!(lo.binary_mark.iter().all(|&b| b >= 128), "the binary mark is four bytes above 127");
    out.push(b'%');
    out.extend_from_slice(&lo.binary_mark);
    out.push(b'\n');

    // Offsets by object number; 0 where there is no object.
    let size = lo.max_id as usize + 1;
    let mut offsets = vec![None; size];
    for (&(id, generation), object) in &lo.objects {
        let kind = object.type_name().ok();
        if kind.is_some_and(|k| [&b"ObjStm"[..], b"XRef", b"Linearized"].contains(&k)) {
            continue;
        }
        offsets[id as usize] = Some((out.len(), generation));
        syntax::integer(&mut out, id);
        out.push(b' ');
        syntax::integer(&mut out, generation);
        out.extend_from_slice(b" obj\n");
        if needs_separator(object) {
            out.push(b' ');
        }
        write_object(&mut out, object);
        if needs_end_separator(object) {
            out.push(b' ');
        }
        out.extend_from_slice(b"\nendobj\n");
    }

    let xref_start = out.len();
    out.extend_from_slice(b"xref\n");
    // Sections of consecutive numbers; the first holds the free entry of object 0.
    let mut section: Vec<Option<(usize, u16)>> = vec![None];
    let mut start = 0;
    for (id, entry) in offsets.iter().enumerate().skip(1) {
        if section.is_empty() {
            start = id;
        }
        match entry {
            Some(entry) => section.push(Some(*entry)),
            None if !section.is_empty() => {
                write_section(&mut out, start, &section);
                section.clear();
                start = id;
            }
            None => {}
        }
    }
    if !section.is_empty() {
        write_section(&mut out, start, &section);
    }

    lo.trailer.set("Size", size as i64);
    out.extend_from_slice(b"trailer\n");
    write_dictionary(&mut out, &lo.trailer);
    out.extend_from_slice(b"\nstartxref\n");
    syntax::integer(&mut out, xref_start);
    out.extend_from_slice(b"\n%%EOF");
    out
}

/// One cross-reference section: `start count`, then a 20-byte line per entry (`None`: the
/// free head of the list, object 0).
fn write_section(out: &mut Vec<u8>, start: usize, entries: &[Option<(usize, u16)>]) {
    syntax::integer(out, start);
    out.push(b' ');
    syntax::integer(out, entries.len());
    out.push(b'\n');
    for entry in entries {
        match entry {
            Some((offset, generation)) => {
                padded(out, *offset as u64, 10);
                out.push(b' ');
                padded(out, u64::from(*generation), 5);
                out.extend_from_slice(b" n \n");
            }
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
}

/// `n` in `width` digits, zeros in front.
fn padded(out: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    out.extend(std::iter::repeat_n(b'0', width.saturating_sub(digits.len())));
    out.extend_from_slice(digits.as_bytes());
}

/// Whether a space must come before `object` after a name or keyword.
fn needs_separator(object: &Object) -> bool {
    matches!(object, Object::Null | Object::Boolean(_) | Object::Integer(_) | Object::Real(_) | Object::Reference(_))
}

/// Whether a space must come after `object` before `endobj`.
fn needs_end_separator(object: &Object) -> bool {
    needs_separator(object) || matches!(object, Object::Name(_) | Object::Stream(_))
}

fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(n) => syntax::integer(out, *n),
        Object::Real(v) => syntax::real(out, *v),
        Object::Name(name) => syntax::name(out, name),
        Object::String(text, lopdf::StringFormat::Literal) => syntax::literal(out, text),
        Object::String(text, lopdf::StringFormat::Hexadecimal) => syntax::hexadecimal(out, text),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && needs_separator(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            write_dictionary(out, &stream.dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            syntax::integer(out, *id);
            out.push(b' ');
            syntax::integer(out, *generation);
            out.extend_from_slice(b" R");
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        syntax::name(out, key);
        if needs_separator(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, StringFormat};

    /// Our bytes and lopdf's for the same document.
    fn both(lo: &lopdf::Document) -> (Vec<u8>, Vec<u8>) {
        let ours = write(&mut lo.clone());
        let mut theirs = Vec::new();
        lo.clone().save_to(&mut theirs).unwrap();
        (ours, theirs)
    }

    #[test]
    fn every_kind_of_object_is_written_as_lopdf_writes_it() {
        let mut lo = lopdf::Document::with_version("1.7");
        // The form this module writes (and printpdf asks lopdf for).
        lo.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let mut dict = Dictionary::new();
        dict.set("Type", "Test");
        dict.set("Null", Object::Null);
        dict.set("Yes", true);
        dict.set("No", false);
        dict.set("Int", -42);
        dict.set("Reals", vec![Object::Real(0.0), Object::Real(-0.0), Object::Real(595.276), Object::Real(1.0 / 3.0), Object::Real(-8.5)]);
        dict.set("Odd name#(x)", Object::Name("Café A/B".as_bytes().to_vec()));
        for (i, text) in [&b"plain"[..], b"(paired)", b"a)b(c", b"back\\slash\rcr", b"\x00(\x00)\x00)\x00\\\x00\r\x00(", b""].into_iter().enumerate() {
            dict.set(format!("L{i}"), Object::String(text.to_vec(), StringFormat::Literal));
            dict.set(format!("H{i}"), Object::String(text.to_vec(), StringFormat::Hexadecimal));
        }
        dict.set("Nested", vec![Object::Array(vec![1.into(), Object::Name(b"N".to_vec()), Object::Reference((3, 0))]), Object::Dictionary(Dictionary::new())]);
        let first = lo.add_object(dict);
        lo.add_object(Stream::new(Dictionary::from_iter([("Filter", Object::Name(b"FlateDecode".to_vec()))]), b"x\x00y\nz".to_vec()));
        lo.add_object(Object::Integer(7));
        lo.add_object(Object::Name(b"Alone".to_vec()));
        // A gap in the numbers: two cross-reference sections.
        lo.max_id += 2;
        lo.add_object(Object::Reference(first));
        lo.trailer.set("Root", first);
        lo.trailer.set("ID", vec![Object::String(vec![0; 16], StringFormat::Hexadecimal); 2]);
        let (ours, theirs) = both(&lo);
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_rendered_invoice_is_written_as_lopdf_writes_it() {
        let doc = crate::render::fixture::long_invoice(40);
        let pdf = super::super::render(&doc);
        let lo = lopdf::Document::load_mem(&pdf).unwrap();
        let (ours, theirs) = both(&lo);
        assert_eq!(ours, theirs);
    }
}
