//! The Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-UBL.sch, OpenPEPPOL) that concern data
//! invoicesmith writes, implemented over the parsed UBL, one function per rule id.
//!
//! The shared validators run the CEN, Factur-X and XRechnung rules but have no Peppol
//! artifacts, so these are the Peppol rules' assertions written out in Rust from the
//! published rule text. Rules about data this program never writes (allowances and
//! charges, R040–R046; direct-debit mandates, R061; price base quantities, R121, R130;
//! line object references, R100, R101; attachments, CL001; the national rules of
//! Denmark, Greece, Iceland, Italy, the Netherlands and Sweden, which fire only for a
//! seller established there) are left out and listed in DESIGN.md.

use roxmltree::{Document, Node};

pub const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
pub const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";

/// A rule's check: one message per violation.
pub type Check = fn(&Document) -> Vec<String>;

/// Every rule: its id and its check.
pub const RULES: &[(&str, Check)] = &[
    ("PEPPOL-EN16931-R001", r001),
    ("PEPPOL-EN16931-R002", r002),
    ("PEPPOL-EN16931-R003", r003),
    ("PEPPOL-EN16931-R004", r004),
    ("PEPPOL-EN16931-R005", r005),
    ("PEPPOL-EN16931-R007", r007),
    ("PEPPOL-EN16931-R008", r008),
    ("PEPPOL-EN16931-R010", r010),
    ("PEPPOL-EN16931-R020", r020),
    ("PEPPOL-EN16931-R051", r051),
    ("PEPPOL-EN16931-R053", r053),
    ("PEPPOL-EN16931-R054", r054),
    ("PEPPOL-EN16931-R055", r055),
    ("PEPPOL-EN16931-R110", r110),
    ("PEPPOL-EN16931-R111", r111),
    ("PEPPOL-EN16931-R120", r120),
    ("PEPPOL-EN16931-CL007", cl007),
    ("PEPPOL-EN16931-CL008", cl008),
    ("PEPPOL-EN16931-F001", f001),
    ("PEPPOL-EN16931-P0100", p0100),
    ("PEPPOL-EN16931-P0101", p0101),
    ("PEPPOL-EN16931-P0105", p0105),
    ("PEPPOL-EN16931-P0107", p0107),
    ("PEPPOL-EN16931-P0112", p0112),
    ("PEPPOL-COMMON-R040", common_r040),
    ("PEPPOL-COMMON-R041", common_r041),
    ("PEPPOL-COMMON-R042", common_r042),
    ("PEPPOL-COMMON-R043", common_r043),
    ("PEPPOL-COMMON-R047", common_r047),
    ("PEPPOL-COMMON-R049", common_r049),
    ("PEPPOL-COMMON-R050", common_r050),
    ("NO-R-001", no_r001),
    ("NO-R-002", no_r002),
];

/// The ids of the rules `xml` violates, each with its messages.
pub fn violations(xml: &str) -> Vec<(&'static str, Vec<String>)> {
    let doc = Document::parse(xml).expect("well-formed XML");
    RULES.iter().map(|(id, check)| (*id, check(&doc))).filter(|(_, v)| !v.is_empty()).collect()
}

/// PEPPOL-EN16931-R008 on any XML (UBL or CII): its empty elements.
#[allow(dead_code)] // each test crate uses part of this module
pub fn empty_elements(xml: &str) -> Vec<String> {
    r008(&Document::parse(xml).expect("well-formed XML"))
}

// ---- navigation -------------------------------------------------------------------------

fn is(n: &Node, ns: &str, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name
}

/// Children of `n` that are `prefix:name` (`cbc:` or `cac:`).
fn kids<'a, 'i>(n: Node<'a, 'i>, qname: &str) -> Vec<Node<'a, 'i>> {
    let (ns, name) = split(qname);
    n.children().filter(|c| is(c, ns, name)).collect()
}

fn kid<'a, 'i>(n: Node<'a, 'i>, qname: &str) -> Option<Node<'a, 'i>> {
    let (ns, name) = split(qname);
    n.children().find(|c| is(c, ns, name))
}

/// Follows a `/`-separated path of qualified names; the first match at each step.
fn at<'a, 'i>(n: Node<'a, 'i>, path: &str) -> Option<Node<'a, 'i>> {
    path.split('/').try_fold(n, kid)
}

fn split(qname: &str) -> (&'static str, &str) {
    match qname.split_once(':') {
        Some(("cbc", name)) => (CBC, name),
        Some(("cac", name)) => (CAC, name),
        _ => panic!("{qname}: expected cbc: or cac:"),
    }
}

fn text<'a>(n: Option<Node<'a, '_>>) -> Option<&'a str> {
    n.and_then(|n| n.text()).map(str::trim)
}

fn all<'a, 'i>(doc: &'a Document<'i>, qname: &str) -> Vec<Node<'a, 'i>> {
    let (ns, name) = split(qname);
    doc.descendants().filter(|n| is(n, ns, name)).collect()
}

fn root<'a, 'i>(doc: &'a Document<'i>) -> Node<'a, 'i> {
    doc.root_element()
}

fn is_credit_note(doc: &Document) -> bool {
    root(doc).tag_name().name() == "CreditNote"
}

fn dec(s: &str) -> Option<rust_decimal::Decimal> {
    s.trim().parse().ok()
}

fn fail(ok: bool, message: impl Into<String>) -> Vec<String> {
    if ok { vec![] } else { vec![message.into()] }
}

// ---- document level ---------------------------------------------------------------------

/// Business process MUST be provided.
fn r001(doc: &Document) -> Vec<String> {
    fail(kid(root(doc), "cbc:ProfileID").is_some(), "no cbc:ProfileID")
}

/// No more than one note is allowed on document level.
fn r002(doc: &Document) -> Vec<String> {
    let n = kids(root(doc), "cbc:Note").len();
    fail(n <= 1, format!("{n} notes"))
}

/// A buyer reference or purchase order reference MUST be provided.
fn r003(doc: &Document) -> Vec<String> {
    let r = root(doc);
    fail(kid(r, "cbc:BuyerReference").is_some() || at(r, "cac:OrderReference/cbc:ID").is_some(), "neither BuyerReference nor OrderReference/ID")
}

/// Specification identifier MUST start with the Peppol BIS Billing 3.0 identifier.
fn r004(doc: &Document) -> Vec<String> {
    let id = text(kid(root(doc), "cbc:CustomizationID")).unwrap_or("");
    fail(id.starts_with("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"), format!("CustomizationID {id}"))
}

/// VAT accounting currency code MUST be different from invoice currency code when provided.
fn r005(doc: &Document) -> Vec<String> {
    let r = root(doc);
    match (text(kid(r, "cbc:TaxCurrencyCode")), text(kid(r, "cbc:DocumentCurrencyCode"))) {
        (Some(tax), Some(document)) => fail(tax != document, format!("TaxCurrencyCode {tax} = DocumentCurrencyCode")),
        _ => vec![],
    }
}

/// Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.
fn r007(doc: &Document) -> Vec<String> {
    let p = text(kid(root(doc), "cbc:ProfileID")).unwrap_or("");
    let nn = p.strip_prefix("urn:fdc:peppol.eu:2017:poacc:billing:").and_then(|rest| rest.strip_suffix(":1.0"));
    fail(nn.is_some_and(|nn| nn.len() == 2 && nn.bytes().all(|b| b.is_ascii_digit())), format!("ProfileID '{p}'"))
}

/// Document MUST not contain empty elements.
fn r008(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.is_element() && !n.children().any(|c| c.is_element()) && n.text().is_none_or(|t| t.trim().is_empty()))
        .map(|n| format!("empty {}", n.tag_name().name()))
        .collect()
}

/// Buyer electronic address MUST be provided.
fn r010(doc: &Document) -> Vec<String> {
    fail(at(root(doc), "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID").is_some(), "no buyer EndpointID")
}

/// Seller electronic address MUST be provided.
fn r020(doc: &Document) -> Vec<String> {
    fail(at(root(doc), "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID").is_some(), "no seller EndpointID")
}

const AMOUNTS: &[&str] = &[
    "Amount", "BaseAmount", "PriceAmount", "TaxableAmount", "LineExtensionAmount", "TaxExclusiveAmount",
    "TaxInclusiveAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount", "PayableRoundingAmount", "PayableAmount",
];

/// Amounts other than BT-111 carry the document currency; BT-111 is the TaxAmount of a
/// TaxTotal without subtotals.
fn amounts<'a, 'i>(doc: &'a Document<'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    doc.descendants().filter(|n| {
        n.is_element()
            && n.tag_name().namespace() == Some(CBC)
            && (AMOUNTS.contains(&n.tag_name().name())
                || (n.tag_name().name() == "TaxAmount"
                    && n.parent().is_some_and(|p| is(&p, CAC, "TaxSubtotal") || (is(&p, CAC, "TaxTotal") && kid(p, "cac:TaxSubtotal").is_some()))))
    })
}

/// All currencyID attributes must be the invoice currency code, except BT-111.
fn r051(doc: &Document) -> Vec<String> {
    let currency = text(kid(root(doc), "cbc:DocumentCurrencyCode")).unwrap_or("");
    amounts(doc)
        .filter(|n| n.attribute("currencyID") != Some(currency))
        .map(|n| format!("{} in {:?}", n.tag_name().name(), n.attribute("currencyID")))
        .collect()
}

/// Only one tax total with tax subtotals MUST be provided.
fn r053(doc: &Document) -> Vec<String> {
    let n = kids(root(doc), "cac:TaxTotal").into_iter().filter(|t| kid(*t, "cac:TaxSubtotal").is_some()).count();
    fail(n == 1, format!("{n} TaxTotal with subtotals"))
}

/// Only one tax total without tax subtotals MUST be provided when tax currency code is provided.
fn r054(doc: &Document) -> Vec<String> {
    let r = root(doc);
    let n = kids(r, "cac:TaxTotal").into_iter().filter(|t| kid(*t, "cac:TaxSubtotal").is_none()).count();
    let expected = usize::from(kid(r, "cbc:TaxCurrencyCode").is_some());
    fail(n == expected, format!("{n} TaxTotal without subtotals, expected {expected}"))
}

/// Invoice total VAT amount and the one in accounting currency MUST have the same sign.
fn r055(doc: &Document) -> Vec<String> {
    let r = root(doc);
    let Some(tax_currency) = text(kid(r, "cbc:TaxCurrencyCode")) else { return vec![] };
    let document_currency = text(kid(r, "cbc:DocumentCurrencyCode")).unwrap_or("");
    let total_in = |currency: &str| {
        kids(r, "cac:TaxTotal").into_iter().filter_map(|t| kid(t, "cbc:TaxAmount")).find(|a| a.attribute("currencyID") == Some(currency)).and_then(|a| dec(a.text()?))
    };
    match (total_in(tax_currency), total_in(document_currency)) {
        (Some(a), Some(b)) => {
            let zero = rust_decimal::Decimal::ZERO;
            fail((a <= zero && b <= zero) || (a >= zero && b >= zero), format!("{a} and {b}"))
        }
        _ => vec!["a total VAT amount is missing".into()],
    }
}

fn lines<'a, 'i>(doc: &'a Document<'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    root(doc).children().filter(|n| is(n, CAC, "InvoiceLine") || is(n, CAC, "CreditNoteLine"))
}

/// Start date of line period MUST be within invoice period.
fn r110(doc: &Document) -> Vec<String> {
    let Some(start) = text(at(root(doc), "cac:InvoicePeriod/cbc:StartDate")) else { return vec![] };
    lines(doc)
        .filter_map(|l| text(at(l, "cac:InvoicePeriod/cbc:StartDate")))
        .filter(|s| *s < start)
        .map(|s| format!("line starts {s}, before {start}"))
        .collect()
}

/// End date of line period MUST be within invoice period.
fn r111(doc: &Document) -> Vec<String> {
    let Some(end) = text(at(root(doc), "cac:InvoicePeriod/cbc:EndDate")) else { return vec![] };
    lines(doc)
        .filter_map(|l| text(at(l, "cac:InvoicePeriod/cbc:EndDate")))
        .filter(|e| *e > end)
        .map(|e| format!("line ends {e}, after {end}"))
        .collect()
}

/// Invoice line net amount MUST equal quantity × (price / base quantity) ± 0.02 (no line
/// allowances or charges are written).
fn r120(doc: &Document) -> Vec<String> {
    let quantity_tag = if is_credit_note(doc) { "cbc:CreditedQuantity" } else { "cbc:InvoicedQuantity" };
    lines(doc)
        .filter_map(|l| {
            let net = text(kid(l, "cbc:LineExtensionAmount")).and_then(dec).unwrap_or_default();
            let quantity = text(kid(l, quantity_tag)).and_then(dec).unwrap_or(rust_decimal::Decimal::ONE);
            let price = text(at(l, "cac:Price/cbc:PriceAmount")).and_then(dec).unwrap_or_default();
            let base = text(at(l, "cac:Price/cbc:BaseQuantity")).and_then(dec).filter(|b| !b.is_zero()).unwrap_or(rust_decimal::Decimal::ONE);
            let expected = quantity * (price / base);
            ((net - expected).abs() > rust_decimal::Decimal::new(2, 2)).then(|| format!("line net {net}, quantity × price {expected}"))
        })
        .collect()
}

// ---- code lists and formats -------------------------------------------------------------

/// Currency code must be according to ISO 4217:2005.
fn cl007(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.is_element() && (AMOUNTS.contains(&n.tag_name().name()) || n.tag_name().name() == "TaxAmount"))
        .filter_map(|n| n.attribute("currencyID"))
        .filter(|c| invoicesmith::money::Currency::parse(c).is_err())
        .map(|c| format!("currency {c}"))
        .collect()
}

/// The Peppol EAS list of rule CL008 (BIS 3.0.15).
const EAID: &str = "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190 0191 0192 0193 0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215 0216 0218 0221 0230 9901 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959";

/// Electronic address identifier scheme must be from the EAS code list.
fn cl008(doc: &Document) -> Vec<String> {
    all(doc, "cbc:EndpointID")
        .into_iter()
        .filter_map(|n| n.attribute("schemeID"))
        .filter(|s| !EAID.split(' ').any(|c| c == *s))
        .map(|s| format!("scheme {s}"))
        .collect()
}

/// A date MUST be formatted YYYY-MM-DD.
fn f001(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| {
            n.is_element()
                && n.tag_name().namespace() == Some(CBC)
                && matches!(n.tag_name().name(), "IssueDate" | "DueDate" | "TaxPointDate" | "StartDate" | "EndDate" | "ActualDeliveryDate")
        })
        .filter_map(|n| n.text())
        .filter(|t| t.len() != 10 || chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_err())
        .map(|t| format!("date {t}"))
        .collect()
}

/// Invoice type code MUST be set according to the profile (billing process 01). 384 is
/// allowed since the rule P0112 was added, between German parties.
fn p0100(doc: &Document) -> Vec<String> {
    const CODES: &str = "71 80 82 84 102 218 219 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 875 876 877";
    all(doc, "cbc:InvoiceTypeCode").into_iter().filter_map(|n| n.text()).filter(|c| !CODES.split(' ').any(|k| k == c.trim())).map(|c| format!("type code {c}")).collect()
}

/// Credit note type code MUST be set according to the profile.
fn p0101(doc: &Document) -> Vec<String> {
    const CODES: &str = "381 396 81 83 532";
    all(doc, "cbc:CreditNoteTypeCode").into_iter().filter_map(|n| n.text()).filter(|c| !CODES.split(' ').any(|k| k == c.trim())).map(|c| format!("type code {c}")).collect()
}

fn exemption_category(doc: &Document, code: &str, category: &str) -> Vec<String> {
    all(doc, "cac:TaxCategory")
        .into_iter()
        .filter(|t| text(kid(*t, "cbc:TaxExemptionReasonCode")).is_some_and(|c| c.eq_ignore_ascii_case(code)))
        .filter(|t| text(kid(*t, "cbc:ID")) != Some(category))
        .map(|t| format!("{code} with category {:?}", text(kid(t, "cbc:ID"))))
        .collect()
}

/// Tax Category O MUST be used when exemption reason code is VATEX-EU-O.
fn p0105(doc: &Document) -> Vec<String> {
    exemption_category(doc, "VATEX-EU-O", "O")
}

/// Tax Category AE MUST be used when exemption reason code is VATEX-EU-AE.
fn p0107(doc: &Document) -> Vec<String> {
    exemption_category(doc, "VATEX-EU-AE", "AE")
}

/// Type code 384 only when seller and buyer are both in Germany.
fn p0112(doc: &Document) -> Vec<String> {
    let r = root(doc);
    let country = |party: &str| text(at(r, party)).unwrap_or("");
    let german = country("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "DE"
        && country("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "DE";
    fail(text(kid(r, "cbc:InvoiceTypeCode")) != Some("384") || german, "384 between parties not both in Germany")
}

// ---- identifier schemes (PEPPOL-COMMON) ---------------------------------------------------

/// Identifiers (EndpointID, PartyIdentification/ID, CompanyID) with `scheme`.
fn with_scheme<'a>(doc: &'a Document, scheme: &'static str) -> impl Iterator<Item = &'a str> {
    doc.descendants()
        .filter(move |n| {
            n.is_element()
                && n.attribute("schemeID") == Some(scheme)
                && (is(n, CBC, "EndpointID") || is(n, CBC, "CompanyID") || (is(n, CBC, "ID") && n.parent().is_some_and(|p| is(&p, CAC, "PartyIdentification"))))
        })
        .filter_map(|n| n.text())
        .map(str::trim)
}

fn digits(s: &str) -> Vec<u32> {
    s.bytes().map(|b| u32::from(b.wrapping_sub(b'0'))).collect()
}

fn check_scheme(doc: &Document, scheme: &'static str, valid: fn(&str) -> bool) -> Vec<String> {
    with_scheme(doc, scheme).filter(|id| !valid(id)).map(|id| format!("{scheme}:{id}")).collect()
}

/// GLN must have a valid format according to GS1 rules.
fn common_r040(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0088", |id| {
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && {
            let d = digits(id);
            let (body, check) = d.split_at(d.len() - 1);
            let sum: u32 = body.iter().rev().enumerate().map(|(i, x)| x * if i % 2 == 0 { 3 } else { 1 }).sum();
            (10 - sum % 10) % 10 == check[0]
        }
    })
}

fn mod11(id: &str) -> bool {
    let d = digits(id);
    let (body, check) = d.split_at(d.len() - 1);
    let sum: u32 = body.iter().rev().enumerate().map(|(i, x)| x * (i as u32 % 6 + 2)).sum();
    id.parse::<u64>().is_ok_and(|n| n > 0) && (11 - sum % 11) % 11 == check[0]
}

/// Norwegian organization number MUST be stated in the correct format.
fn common_r041(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0192", |id| id.len() == 9 && id.bytes().all(|b| b.is_ascii_digit()) && mod11(id))
}

/// Danish organization number (CVR) MUST be stated in the correct format.
fn common_r042(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0184", |id| id.len() == 10 && id.starts_with("DK") && id[2..].bytes().all(|b| b.is_ascii_digit()))
}

/// Belgian enterprise number MUST be stated in the correct format.
fn common_r043(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0208", |id| {
        id.len() == 10 && id.bytes().all(|b| b.is_ascii_digit()) && {
            let head: u64 = id[..8].parse().unwrap();
            97 - head % 97 == id[8..].parse::<u64>().unwrap()
        }
    })
}

/// Italian VAT Code (Partita Iva) must be stated in the correct format (a warning).
fn common_r047(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0211", |id| {
        let Some(code) = id.strip_prefix("IT").or_else(|| id.strip_prefix("it")) else { return true };
        const EVEN: &[u32] = &[0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
        code.len() == 11
            && code.bytes().all(|b| b.is_ascii_digit())
            && digits(code).iter().enumerate().map(|(i, &x)| if i % 2 == 0 { x } else { EVEN[x as usize] }).sum::<u32>() % 10 == 0
    })
}

/// Swedish organization number MUST be stated in the correct format.
fn common_r049(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0007", |id| {
        id.len() == 10 && id.bytes().all(|b| b.is_ascii_digit()) && {
            let d = digits(id);
            let sum: u32 = d[..9].iter().rev().enumerate().map(|(i, x)| if i % 2 == 0 { (x * 2) % 10 + (x * 2) / 10 } else { *x }).sum();
            (10 - sum % 10) % 10 == d[9]
        }
    })
}

/// Australian Business Number (ABN) MUST be stated in the correct format.
fn common_r050(doc: &Document) -> Vec<String> {
    check_scheme(doc, "0151", |id| {
        id.len() == 11 && id.bytes().all(|b| b.is_ascii_digit()) && {
            let d = digits(id);
            let weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
            let sum: i64 = (0..11).map(|i| (i64::from(d[i]) - i64::from(i == 0)) * weights[i]).sum();
            sum % 89 == 0
        }
    })
}

// ---- national rules that a document of a non-Norwegian seller can still trigger ----------

/// The supplier's country as the Peppol rules see it: BT-31's prefix, else the address.
fn supplier_country(doc: &Document) -> String {
    let party = at(root(doc), "cac:AccountingSupplierParty/cac:Party").expect("a seller");
    let vat = kids(party, "cac:PartyTaxScheme").into_iter().find(|t| text(at(*t, "cac:TaxScheme/cbc:ID")) == Some("VAT")).and_then(|t| text(kid(t, "cbc:CompanyID")));
    match vat {
        Some(id) if id.len() >= 2 => id[..2].to_ascii_uppercase(),
        _ => text(at(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")).unwrap_or("XX").to_ascii_uppercase(),
    }
}

fn seller_tax_id<'a>(doc: &'a Document, scheme: &str) -> Option<&'a str> {
    let party = at(root(doc), "cac:AccountingSupplierParty/cac:Party")?;
    kids(party, "cac:PartyTaxScheme").into_iter().find(|t| text(at(*t, "cac:TaxScheme/cbc:ID")) == Some(scheme)).and_then(|t| text(kid(t, "cbc:CompanyID")))
}

/// For Norwegian suppliers, a VAT number MUST be NO, nine digits (mod 11) and MVA.
fn no_r001(doc: &Document) -> Vec<String> {
    if supplier_country(doc) != "NO" {
        return vec![];
    }
    let id = seller_tax_id(doc, "VAT").unwrap_or("");
    let ok = id.strip_prefix("NO").and_then(|r| r.strip_suffix("MVA")).is_some_and(|n| n.len() == 9 && n.bytes().all(|b| b.is_ascii_digit()) && mod11(n));
    fail(ok, format!("VAT ID {id}"))
}

/// For Norwegian suppliers, "Foretaksregisteret" as the seller's tax registration (a warning).
fn no_r002(doc: &Document) -> Vec<String> {
    if supplier_country(doc) != "NO" {
        return vec![];
    }
    fail(seller_tax_id(doc, "TAX") == Some("Foretaksregisteret"), "no Foretaksregisteret")
}
