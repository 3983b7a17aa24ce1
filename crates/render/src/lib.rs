//! Rendering: an issued [`Document`] in, bytes out.
//!
//! Each format is a pure function of the document: no clock, no randomness, no machine
//! locale, no recomputation of amounts. The same document always gives the same bytes.

pub mod brand;
pub mod cii;
pub mod facturx;
pub mod html;
pub mod json;
pub mod logo;
pub mod payment_means;
pub mod qr;
pub mod pdf;
pub mod peppol;
pub mod text;
pub mod transfer;
pub mod ubl;
pub mod xml;
pub mod xrechnung;

use domain::document::Document;
use domain::sha256::Sha256Sum;

#[cfg(test)]
pub(crate) mod fixture;

/// A format a document can be rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    /// The document record; always stored, since the archive reads documents back from it.
    Json,
    /// EN 16931 e-invoice, UBL 2.1 syntax (`Invoice` or `CreditNote`).
    Ubl,
    /// EN 16931 e-invoice, UN/CEFACT CII D16B syntax.
    Cii,
    /// Factur-X (EN 16931 profile): the PDF as PDF/A-3b with the CII embedded. Beside the
    /// plain PDF, not instead of it (see README).
    Facturx,
    /// Peppol BIS Billing 3.0 (UBL), for customers with a Peppol ID.
    Peppol,
    /// XRechnung 3.0 in UBL, for German business and public customers.
    XrechnungUbl,
    /// XRechnung 3.0 in CII, for German business and public customers.
    XrechnungCii,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Pdf,
        Format::Html,
        Format::Json,
        Format::Ubl,
        Format::Cii,
        Format::Facturx,
        Format::Peppol,
        Format::XrechnungUbl,
        Format::XrechnungCii,
    ];

    /// What `issue` writes unless told otherwise: everything but the Factur-X copy, which
    /// doubles the PDF storage and is asked for per customer or run.
    pub const DEFAULT: &'static [Format] = &[Format::Pdf, Format::Html, Format::Json, Format::Ubl, Format::Cii];

    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Json => "json",
            Format::Ubl => "ubl",
            Format::Cii => "cii",
            Format::Facturx => "facturx",
            Format::Peppol => "peppol",
            Format::XrechnungUbl => "xrechnung-ubl",
            Format::XrechnungCii => "xrechnung-cii",
        }
    }

    /// The format whose files end in `extension`.
    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.extension() == extension)
    }

    /// Why `doc` cannot be written in this format (the customer or seller lacks what it
    /// needs, or its currency has more decimals than an e-invoice's amounts), if it cannot;
    /// every document can be written as PDF, HTML and JSON.
    pub fn missing(self, doc: &Document) -> Option<&'static str> {
        let e_invoice = !matches!(self, Format::Pdf | Format::Html | Format::Json);
        if e_invoice && doc.currency.minor_units() > 2 {
            return Some("its currency has three decimals, and EN 16931 writes amounts with at most two (BR-DEC-09 and others)");
        }
        match self {
            Format::Peppol => peppol::missing(doc),
            Format::XrechnungUbl | Format::XrechnungCii => xrechnung::missing(doc),
            _ => None,
        }
    }

    /// The file extension (after the document number).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ubl => "ubl.xml",
            Format::Cii => "cii.xml",
            Format::Facturx => "facturx.pdf",
            Format::Peppol => "peppol.xml",
            Format::XrechnungUbl => "xrechnung.ubl.xml",
            Format::XrechnungCii => "xrechnung.cii.xml",
            other => other.name(),
        }
    }

    /// Renders `doc` in this format.
    pub fn render(self, doc: &Document) -> Vec<u8> {
        match self {
            Format::Pdf => pdf::render(doc),
            Format::Html => html::render(doc).into_bytes(),
            Format::Json => json::render(doc).into_bytes(),
            Format::Ubl => ubl::render(doc).into_bytes(),
            Format::Cii => cii::render(doc).into_bytes(),
            Format::Facturx => facturx::render(doc),
            Format::Peppol => peppol::render(doc).into_bytes(),
            Format::XrechnungUbl => xrechnung::render_ubl(doc).into_bytes(),
            Format::XrechnungCii => xrechnung::render_cii(doc).into_bytes(),
        }
    }

    /// Renders `doc` in this format, with the SHA-256 of the bytes.
    pub fn render_hashed(self, doc: &Document) -> (Vec<u8>, Sha256Sum) {
        let bytes = self.render(doc);
        let sha256 = Sha256Sum::of(&bytes);
        (bytes, sha256)
    }

    /// Parses a comma-separated list such as `pdf,html,json`; `xrechnung` names both
    /// XRechnung syntaxes.
    pub fn parse_list(list: &str) -> Result<Vec<Format>, FormatListError> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let named: Vec<Format> = if name == "xrechnung" {
                vec![Format::XrechnungUbl, Format::XrechnungCii]
            } else {
                vec![Format::ALL.iter().copied().find(|f| f.name() == name).ok_or_else(|| FormatListError::Unknown(name.to_string()))?]
            };
            for f in named {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        if out.is_empty() {
            return Err(FormatListError::Empty);
        }
        Ok(out)
    }
}

/// Why a list of formats was refused; the text completes `'<list>' …`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatListError {
    /// A name that is no format's.
    Unknown(String),
    /// Nothing but commas and spaces.
    Empty,
}

impl std::fmt::Display for FormatListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatListError::Unknown(name) => {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                write!(f, "names an unknown format '{name}'; expected some of {},xrechnung", known.join(","))
            }
            FormatListError::Empty => f.write_str("names no format"),
        }
    }
}

impl std::error::Error for FormatListError {}

/// Renders `doc` in each of `formats`, in that order.
pub fn render(doc: &Document, formats: &[Format]) -> Vec<(Format, Vec<u8>)> {
    formats.iter().map(|&f| (f, f.render(doc))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_currency_with_three_decimals_gets_no_e_invoice() {
        let mut doc = fixture::oss_invoice();
        doc.currency = domain::money::Currency::parse("KWD").unwrap();
        for &format in Format::ALL {
            let missing = format.missing(&doc);
            match format {
                Format::Pdf | Format::Html | Format::Json => assert_eq!(missing, None, "{}", format.name()),
                _ => assert_eq!(
                    missing,
                    Some("its currency has three decimals, and EN 16931 writes amounts with at most two (BR-DEC-09 and others)"),
                    "{}",
                    format.name()
                ),
            }
        }
        assert_eq!(Format::Ubl.missing(&fixture::oss_invoice()), None, "EUR has two");
    }

    #[test]
    fn cii_names_one_preceding_invoice_and_ubl_every_one() {
        let mut doc = fixture::refund_credit_note("en");
        let mut second = doc.references[0].clone();
        second.number = domain::numbering::NumberPattern::parse("KL-INV-{year}-{seq:06}").unwrap().format(2026, 9);
        doc.references.push(second);
        let cii = Format::Cii.render(&doc);
        let cii = std::str::from_utf8(&cii).unwrap();
        assert_eq!(cii.matches("<ram:InvoiceReferencedDocument>").count(), 1, "{cii}");
        assert!(cii.contains("<ram:IssuerAssignedID>KL-INV-2026-000017</ram:IssuerAssignedID>"), "{cii}");
        let ubl = Format::Ubl.render(&doc);
        let ubl = std::str::from_utf8(&ubl).unwrap();
        assert_eq!(ubl.matches("<cac:BillingReference>").count(), 2, "{ubl}");
    }

    #[test]
    fn every_format_hashed_is_the_same_file_with_its_own_sha256() {
        let doc = fixture::long_invoice(3);
        for &format in Format::ALL {
            let (bytes, sha256) = format.render_hashed(&doc);
            assert_eq!(bytes, format.render(&doc), "{}", format.name());
            assert_eq!(sha256, Sha256Sum::of(&bytes), "{}", format.name());
        }
    }

    #[test]
    fn format_lists_name_known_formats() {
        assert_eq!(Format::parse_list(" pdf,,xrechnung,pdf "), Ok(vec![Format::Pdf, Format::XrechnungUbl, Format::XrechnungCii]));
        assert_eq!(Format::parse_list(" , "), Err(FormatListError::Empty));
        assert_eq!(Format::parse_list(" , ").unwrap_err().to_string(), "names no format");
        let unknown = Format::parse_list("pdf,docx").unwrap_err();
        assert_eq!(unknown, FormatListError::Unknown("docx".into()));
        let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(unknown.to_string(), format!("names an unknown format 'docx'; expected some of {},xrechnung", known.join(",")));
        assert!(unknown.to_string().starts_with("names an unknown format 'docx'; expected some of pdf,"));
    }
}
