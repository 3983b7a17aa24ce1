//! The document as an EN 16931 e-invoice in OASIS UBL 2.1: an `Invoice`, or a `CreditNote`
//! for credit notes.
//!
//! A pure function of the issued [`Document`]: its stored amounts are printed, never
//! recomputed, so the e-invoice agrees with the PDF to the cent. The mapping decisions
//! shared with CII (identifiers per treatment, type codes, categories, negative lines) are
//! documented in [`super::xml`]. UBL specifics:
//!
//! * Credit notes use the `CreditNote` root, `CreditNoteTypeCode` 381, `CreditNoteLine`
//!   and `CreditedQuantity`, with amounts positive as stored.
//! * The VAT total in the VAT accounting currency (BT-111) is a second `TaxTotal` whose
//!   `TaxAmount` has that currency and no subtotals.
//! * A VAT identifier (BT-31/BT-48) is a `PartyTaxScheme` with scheme `VAT`; the seller tax
//!   registration identifier (BT-32) one with scheme `TAX`.
//! * The same writer serves Peppol BIS Billing 3.0 ([`super::peppol`]) and XRechnung 3.0
//!   ([`super::xrechnung`]) through [`render_profile`]: a profile changes identifiers and
//!   what must be filled in, never the mapping.

use chrono::NaiveDate;

use super::xml::{self, Profile, XmlWriter};
use domain::document::{Document, DocumentKind, Party};

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// Renders `doc` as UBL 2.1, UTF-8, ending with a newline.
pub fn render(doc: &Document) -> String {
    render_profile(doc, Profile::En16931)
}

/// Renders `doc` as UBL 2.1 for `profile`'s rules.
pub fn render_profile(doc: &Document, profile: Profile) -> String {
    let credit = doc.kind == DocumentKind::CreditNote;
    let (root, ns) = if credit { ("CreditNote", NS_CREDIT_NOTE) } else { ("Invoice", NS_INVOICE) };
    let currency = doc.currency.code();
    let cur = [("currencyID", currency)];
    let ids = xml::identifiers(doc);
    let mut w = XmlWriter::new();
    w.start(root, &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)]);
    w.leaf("cbc:CustomizationID", &[], profile.customization_id());
    w.leaf_opt("cbc:ProfileID", profile.business_process());
    w.leaf("cbc:ID", &[], doc.number.as_str());
    w.leaf("cbc:IssueDate", &[], &date(doc.issue_date));
    super::payment_means::ubl_due_date(&mut w, doc);
    // The two roots order these differently: the tax point date precedes the type code in
    // a CreditNote and follows the notes in an Invoice.
    if credit {
        if let Some(d) = xml::tax_point_date(doc) {
            w.leaf("cbc:TaxPointDate", &[], &date(d));
        }
        w.leaf("cbc:CreditNoteTypeCode", &[], xml::type_code(doc));
        w.leaf_opt("cbc:Note", xml::note(doc).as_deref());
    } else {
        w.leaf("cbc:InvoiceTypeCode", &[], xml::type_code(doc));
        w.leaf_opt("cbc:Note", xml::note(doc).as_deref());
        if let Some(d) = xml::tax_point_date(doc) {
            w.leaf("cbc:TaxPointDate", &[], &date(d));
        }
    }
    w.leaf("cbc:DocumentCurrencyCode", &[], currency);
    let accounting = xml::accounting_currency_tax(doc);
    if let Some((code, _)) = accounting {
        w.leaf("cbc:TaxCurrencyCode", &[], code);
    }
    w.leaf_opt("cbc:BuyerReference", profile.buyer_reference(doc).as_deref());
    if let Some((start, end)) = xml::invoicing_period(doc) {
        period(&mut w, Some(start), Some(end));
    }
    if let Some(order) = doc.order_reference.as_deref().filter(|o| !o.trim().is_empty()) {
        w.elem("cac:OrderReference", &[], |w| w.leaf("cbc:ID", &[], order));
    }
    for r in &doc.references {
        w.elem("cac:BillingReference", &[], |w| {
            w.elem("cac:InvoiceDocumentReference", &[], |w| {
                w.leaf("cbc:ID", &[], r.number.as_str());
                w.leaf("cbc:IssueDate", &[], &date(r.issue_date));
            });
        });
    }

    w.elem("cac:AccountingSupplierParty", &[], |w| {
        w.elem("cac:Party", &[], |w| {
            endpoint(w, profile.electronic_address(&doc.seller));
            if let Some(id) = &ids.seller_id {
                w.elem("cac:PartyIdentification", &[], |w| w.leaf("cbc:ID", &[], id));
            }
            address(w, &doc.seller);
            tax_scheme(w, ids.seller_vat_id.as_deref(), "VAT");
            tax_scheme(w, ids.seller_tax_registration.as_deref(), "TAX");
            legal_entity(w, &doc.seller, ids.seller_legal_id.as_deref());
            contact(w, &doc.seller);
        });
    });
    w.elem("cac:AccountingCustomerParty", &[], |w| {
        w.elem("cac:Party", &[], |w| {
            endpoint(w, profile.electronic_address(&doc.customer));
            if let Some(id) = &ids.buyer_id {
                w.elem("cac:PartyIdentification", &[], |w| w.leaf("cbc:ID", &[], id));
            }
            address(w, &doc.customer);
            tax_scheme(w, ids.buyer_vat_id.as_deref(), "VAT");
            legal_entity(w, &doc.customer, ids.buyer_legal_id.as_deref());
            contact(w, &doc.customer);
        });
    });

    if let Some(d) = xml::delivery_date(doc) {
        w.elem("cac:Delivery", &[], |w| w.leaf("cbc:ActualDeliveryDate", &[], &date(d)));
    }
    super::payment_means::ubl(&mut w, doc);
    w.elem("cac:PaymentTerms", &[], |w| w.leaf("cbc:Note", &[], &xml::payment_terms(doc)));

    w.elem("cac:TaxTotal", &[], |w| {
        w.leaf("cbc:TaxAmount", &cur, &xml::amount(doc.totals.tax));
        for row in &doc.tax_breakdown {
            w.elem("cac:TaxSubtotal", &[], |w| {
                w.leaf("cbc:TaxableAmount", &cur, &xml::amount(row.taxable_amount));
                w.leaf("cbc:TaxAmount", &cur, &xml::amount(row.tax_amount));
                w.elem("cac:TaxCategory", &[], |w| {
                    w.leaf("cbc:ID", &[], xml::category_code(row.tax_category));
                    if let Some(rate) = xml::category_rate(row.tax_category, row.tax_rate) {
                        w.leaf("cbc:Percent", &[], &rate);
                    }
                    if let Some((code, text)) = xml::exemption(doc, row.tax_category) {
                        w.leaf("cbc:TaxExemptionReasonCode", &[], code);
                        w.leaf("cbc:TaxExemptionReason", &[], &text);
                    }
                    vat_scheme(w);
                });
            });
        }
    });
    if let Some((code, tax)) = accounting {
        w.elem("cac:TaxTotal", &[], |w| w.leaf("cbc:TaxAmount", &[("currencyID", code)], &xml::amount(tax)));
    }
    w.elem("cac:LegalMonetaryTotal", &[], |w| {
        w.leaf("cbc:LineExtensionAmount", &cur, &xml::amount(doc.totals.net));
        w.leaf("cbc:TaxExclusiveAmount", &cur, &xml::amount(doc.totals.net));
        w.leaf("cbc:TaxInclusiveAmount", &cur, &xml::amount(doc.totals.gross));
        let (paid, due) = xml::paid_and_due(doc);
        w.leaf("cbc:PrepaidAmount", &cur, &xml::amount(paid));
        w.leaf("cbc:PayableAmount", &cur, &xml::amount(due));
    });

    let (line_tag, quantity_tag) =
        if credit { ("cac:CreditNoteLine", "cbc:CreditedQuantity") } else { ("cac:InvoiceLine", "cbc:InvoicedQuantity") };
    for (i, line) in doc.lines.iter().enumerate() {
        let (price, quantity) = xml::price_and_quantity(line);
        w.elem(line_tag, &[], |w| {
            w.leaf("cbc:ID", &[], &(i + 1).to_string());
            w.leaf(quantity_tag, &[("unitCode", xml::UNIT_CODE)], &xml::quantity(quantity));
            w.leaf("cbc:LineExtensionAmount", &cur, &xml::amount(line.net_amount));
            if line.service_start.is_some() || line.service_end.is_some() {
                period(w, line.service_start, line.service_end);
            }
            w.elem("cac:Item", &[], |w| {
                w.leaf("cbc:Name", &[], &line.description);
                w.elem("cac:ClassifiedTaxCategory", &[], |w| {
                    w.leaf("cbc:ID", &[], xml::category_code(line.tax_category));
                    if let Some(rate) = xml::category_rate(line.tax_category, line.tax_rate) {
                        w.leaf("cbc:Percent", &[], &rate);
                    }
                    vat_scheme(w);
                });
            });
            w.elem("cac:Price", &[], |w| w.leaf("cbc:PriceAmount", &cur, &xml::price(price)));
        });
    }
    w.end();
    w.finish()
}

fn date(d: NaiveDate) -> String {
    xml::date(d)
}

fn period(w: &mut XmlWriter, start: Option<NaiveDate>, end: Option<NaiveDate>) {
    w.elem("cac:InvoicePeriod", &[], |w| {
        if let Some(s) = start {
            w.leaf("cbc:StartDate", &[], &date(s));
        }
        if let Some(e) = end {
            w.leaf("cbc:EndDate", &[], &date(e));
        }
    });
}

fn address(w: &mut XmlWriter, party: &Party) {
    let a = &party.address;
    w.elem("cac:PostalAddress", &[], |w| {
        w.leaf_opt("cbc:StreetName", Some(a.line1.as_str()));
        w.leaf_opt("cbc:AdditionalStreetName", Some(a.line2.as_str()));
        w.leaf_opt("cbc:CityName", Some(a.city.as_str()));
        w.leaf_opt("cbc:PostalZone", Some(a.postal_code.as_str()));
        w.leaf_opt("cbc:CountrySubentity", Some(a.region.as_str()));
        w.elem("cac:Country", &[], |w| w.leaf("cbc:IdentificationCode", &[], a.country.as_str()));
    });
}

fn tax_scheme(w: &mut XmlWriter, id: Option<&str>, scheme: &str) {
    if let Some(id) = id {
        w.elem("cac:PartyTaxScheme", &[], |w| {
            w.leaf("cbc:CompanyID", &[], id);
            w.elem("cac:TaxScheme", &[], |w| w.leaf("cbc:ID", &[], scheme));
        });
    }
}

fn legal_entity(w: &mut XmlWriter, party: &Party, legal_id: Option<&str>) {
    w.elem("cac:PartyLegalEntity", &[], |w| {
        w.leaf("cbc:RegistrationName", &[], &party.name);
        w.leaf_opt("cbc:CompanyID", legal_id);
    });
}

/// BG-6 / BG-9: contact name (BT-41), telephone (BT-42) and e-mail (BT-43), those given.
fn contact(w: &mut XmlWriter, party: &Party) {
    let given = |s: &Option<String>| s.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_string);
    let (name, phone, email) = (given(&party.contact_name), given(&party.phone), given(&party.email));
    if name.is_some() || phone.is_some() || email.is_some() {
        w.elem("cac:Contact", &[], |w| {
            w.leaf_opt("cbc:Name", name.as_deref());
            w.leaf_opt("cbc:Telephone", phone.as_deref());
            w.leaf_opt("cbc:ElectronicMail", email.as_deref());
        });
    }
}

/// BT-34 / BT-49, the electronic address with its EAS scheme.
fn endpoint(w: &mut XmlWriter, address: Option<(String, String)>) {
    if let Some((scheme, id)) = address {
        w.leaf("cbc:EndpointID", &[("schemeID", &scheme)], &id);
    }
}

fn vat_scheme(w: &mut XmlWriter) {
    w.elem("cac:TaxScheme", &[], |w| w.leaf("cbc:ID", &[], "VAT"));
}
