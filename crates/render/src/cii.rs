//! The document as an EN 16931 e-invoice in UN/CEFACT Cross Industry Invoice (CII) D16B.
//!
//! A pure function of the issued [`Document`]: its stored amounts are printed, never
//! recomputed. The mapping decisions shared with UBL (identifiers per treatment, type codes,
//! categories, negative lines) are documented in [`super::xml`]. CII specifics:
//!
//! * BT-24 is `urn:cen.eu:en16931:2017`, which is also the Factur-X / ZUGFeRD EN 16931
//!   profile id; the output stays within the Factur-X 1.09 EN 16931 schema and schematron,
//!   so it can be embedded in a PDF as `factur-x.xml` unchanged.
//! * Credit notes have the same structure with type code 381 and positive amounts.
//! * The VAT total in the VAT accounting currency (BT-111) is a second `TaxTotalAmount`
//!   with that currency (BT-6 is `TaxCurrencyCode`).
//! * VAT identifiers are `SpecifiedTaxRegistration` IDs with scheme `VA`; the seller tax
//!   registration identifier (BT-32) uses scheme `FC`.
//! * The tax point date (BT-7) sits in each VAT breakdown row.
//! * XRechnung 3.0 in CII ([`super::xrechnung`]) is this writer with [`Profile::XRechnung`].

use chrono::NaiveDate;

use super::xml::{self, Profile, XmlWriter};
use domain::document::{Document, Party};

const NS_RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const NS_RAM: &str = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const NS_QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
const NS_UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

/// Renders `doc` as a CII D16B `CrossIndustryInvoice`, UTF-8, ending with a newline.
pub fn render(doc: &Document) -> String {
    render_profile(doc, Profile::En16931)
}

/// Renders `doc` as CII for `profile`'s rules.
pub fn render_profile(doc: &Document, profile: Profile) -> String {
    let currency = doc.currency.code();
    let ids = xml::identifiers(doc);
    let mut w = XmlWriter::new();
    w.start(
        "rsm:CrossIndustryInvoice",
        &[("xmlns:rsm", NS_RSM), ("xmlns:ram", NS_RAM), ("xmlns:qdt", NS_QDT), ("xmlns:udt", NS_UDT)],
    );
    w.elem("rsm:ExchangedDocumentContext", &[], |w| {
        if let Some(process) = profile.business_process() {
            w.elem("ram:BusinessProcessSpecifiedDocumentContextParameter", &[], |w| w.leaf("ram:ID", &[], process));
        }
        w.elem("ram:GuidelineSpecifiedDocumentContextParameter", &[], |w| {
            w.leaf("ram:ID", &[], profile.customization_id());
        });
    });
    w.elem("rsm:ExchangedDocument", &[], |w| {
        w.leaf("ram:ID", &[], doc.number.as_str());
        w.leaf("ram:TypeCode", &[], xml::type_code(doc));
        date_time(w, "ram:IssueDateTime", doc.issue_date);
        if let Some(note) = xml::note(doc) {
            w.elem("ram:IncludedNote", &[], |w| w.leaf("ram:Content", &[], &note));
        }
    });

    w.start("rsm:SupplyChainTradeTransaction", &[]);
    for (i, line) in doc.lines.iter().enumerate() {
        let (price, quantity) = xml::price_and_quantity(line);
        w.elem("ram:IncludedSupplyChainTradeLineItem", &[], |w| {
            w.elem("ram:AssociatedDocumentLineDocument", &[], |w| w.leaf("ram:LineID", &[], &(i + 1).to_string()));
            w.elem("ram:SpecifiedTradeProduct", &[], |w| w.leaf("ram:Name", &[], &line.description));
            w.elem("ram:SpecifiedLineTradeAgreement", &[], |w| {
                w.elem("ram:NetPriceProductTradePrice", &[], |w| w.leaf("ram:ChargeAmount", &[], &xml::price(price)));
            });
            w.elem("ram:SpecifiedLineTradeDelivery", &[], |w| {
                w.leaf("ram:BilledQuantity", &[("unitCode", xml::UNIT_CODE)], &xml::quantity(quantity));
            });
            w.elem("ram:SpecifiedLineTradeSettlement", &[], |w| {
                w.elem("ram:ApplicableTradeTax", &[], |w| {
                    w.leaf("ram:TypeCode", &[], "VAT");
                    w.leaf("ram:CategoryCode", &[], xml::category_code(line.tax_category));
                    if let Some(rate) = xml::category_rate(line.tax_category, line.tax_rate) {
                        w.leaf("ram:RateApplicablePercent", &[], &rate);
                    }
                });
                if line.service_start.is_some() || line.service_end.is_some() {
                    period(w, line.service_start, line.service_end);
                }
                w.elem("ram:SpecifiedTradeSettlementLineMonetarySummation", &[], |w| {
                    w.leaf("ram:LineTotalAmount", &[], &xml::amount(line.net_amount));
                });
            });
        });
    }

    w.elem("ram:ApplicableHeaderTradeAgreement", &[], |w| {
        w.leaf_opt("ram:BuyerReference", profile.buyer_reference(doc).as_deref());
        w.elem("ram:SellerTradeParty", &[], |w| {
            w.leaf_opt("ram:ID", ids.seller_id.as_deref());
            w.leaf("ram:Name", &[], &doc.seller.name);
            legal_organization(w, ids.seller_legal_id.as_deref());
            contact(w, &doc.seller);
            address(w, &doc.seller);
            endpoint(w, profile.electronic_address(&doc.seller));
            tax_registration(w, ids.seller_vat_id.as_deref(), "VA");
            tax_registration(w, ids.seller_tax_registration.as_deref(), "FC");
        });
        w.elem("ram:BuyerTradeParty", &[], |w| {
            w.leaf_opt("ram:ID", ids.buyer_id.as_deref());
            w.leaf("ram:Name", &[], &doc.customer.name);
            legal_organization(w, ids.buyer_legal_id.as_deref());
            contact(w, &doc.customer);
            address(w, &doc.customer);
            endpoint(w, profile.electronic_address(&doc.customer));
            tax_registration(w, ids.buyer_vat_id.as_deref(), "VA");
        });
        if let Some(order) = doc.order_reference.as_deref().filter(|o| !o.trim().is_empty()) {
            w.elem("ram:BuyerOrderReferencedDocument", &[], |w| w.leaf("ram:IssuerAssignedID", &[], order));
        }
    });
    // Required; a credit note's date is that of the supply it credits.
    w.elem("ram:ApplicableHeaderTradeDelivery", &[], |w| {
        if let Some(d) = xml::delivery_date(doc) {
            w.elem("ram:ActualDeliverySupplyChainEvent", &[], |w| date_time(w, "ram:OccurrenceDateTime", d));
        }
    });

    w.elem("ram:ApplicableHeaderTradeSettlement", &[], |w| {
        let accounting = xml::accounting_currency_tax(doc);
        super::payment_means::cii_reference(w, doc);
        if let Some((code, _)) = accounting {
            w.leaf("ram:TaxCurrencyCode", &[], code);
        }
        w.leaf("ram:InvoiceCurrencyCode", &[], currency);
        super::payment_means::cii(w, doc);
        let tax_point = xml::tax_point_date(doc);
        for row in &doc.tax_breakdown {
            w.elem("ram:ApplicableTradeTax", &[], |w| {
                w.leaf("ram:CalculatedAmount", &[], &xml::amount(row.tax_amount));
                w.leaf("ram:TypeCode", &[], "VAT");
                let exemption = xml::exemption(doc, row.tax_category);
                if let Some((_, text)) = &exemption {
                    w.leaf("ram:ExemptionReason", &[], text);
                }
                w.leaf("ram:BasisAmount", &[], &xml::amount(row.taxable_amount));
                w.leaf("ram:CategoryCode", &[], xml::category_code(row.tax_category));
                if let Some((code, _)) = exemption {
                    w.leaf("ram:ExemptionReasonCode", &[], code);
                }
                if let Some(d) = tax_point {
                    w.elem("ram:TaxPointDate", &[], |w| w.leaf("udt:DateString", &[("format", "102")], &yyyymmdd(d)));
                }
                if let Some(rate) = xml::category_rate(row.tax_category, row.tax_rate) {
                    w.leaf("ram:RateApplicablePercent", &[], &rate);
                }
            });
        }
        if let Some((start, end)) = xml::invoicing_period(doc) {
            period(w, Some(start), Some(end));
        }
        w.elem("ram:SpecifiedTradePaymentTerms", &[], |w| {
            w.leaf("ram:Description", &[], &xml::payment_terms(doc));
            super::payment_means::cii_due_date(w, doc);
        });
        w.elem("ram:SpecifiedTradeSettlementHeaderMonetarySummation", &[], |w| {
            w.leaf("ram:LineTotalAmount", &[], &xml::amount(doc.totals.net));
            w.leaf("ram:TaxBasisTotalAmount", &[], &xml::amount(doc.totals.net));
            w.leaf("ram:TaxTotalAmount", &[("currencyID", currency)], &xml::amount(doc.totals.tax));
            if let Some((code, tax)) = accounting {
                w.leaf("ram:TaxTotalAmount", &[("currencyID", code)], &xml::amount(tax));
            }
            w.leaf("ram:GrandTotalAmount", &[], &xml::amount(doc.totals.gross));
            let (paid, due) = xml::paid_and_due(doc);
            w.leaf("ram:TotalPrepaidAmount", &[], &xml::amount(paid));
            w.leaf("ram:DuePayableAmount", &[], &xml::amount(due));
        });
        // BG-3 may repeat in EN 16931, and UBL writes every reference; the CII D16B schema
        // (and Factur-X's) takes one here. The first is what the document is about: the
        // invoice credited or replaced, else the first one a plan change adjusts.
        if let Some(r) = doc.references.first() {
            w.elem("ram:InvoiceReferencedDocument", &[], |w| {
                w.leaf("ram:IssuerAssignedID", &[], r.number.as_str());
                w.elem("ram:FormattedIssueDateTime", &[], |w| {
                    w.leaf("qdt:DateTimeString", &[("format", "102")], &yyyymmdd(r.issue_date));
                });
            });
        }
    });
    w.end();
    w.end();
    w.finish()
}

/// UNTDID 2379 format 102: `20261005`.
fn yyyymmdd(d: NaiveDate) -> String {
    xml::date_102(d)
}

fn date_time(w: &mut XmlWriter, name: &'static str, d: NaiveDate) {
    w.elem(name, &[], |w| w.leaf("udt:DateTimeString", &[("format", "102")], &yyyymmdd(d)));
}

fn period(w: &mut XmlWriter, start: Option<NaiveDate>, end: Option<NaiveDate>) {
    w.elem("ram:BillingSpecifiedPeriod", &[], |w| {
        if let Some(s) = start {
            date_time(w, "ram:StartDateTime", s);
        }
        if let Some(e) = end {
            date_time(w, "ram:EndDateTime", e);
        }
    });
}

fn legal_organization(w: &mut XmlWriter, id: Option<&str>) {
    if let Some(id) = id {
        w.elem("ram:SpecifiedLegalOrganization", &[], |w| w.leaf("ram:ID", &[], id));
    }
}

/// BG-6 / BG-9: contact name (BT-41), telephone (BT-42) and e-mail (BT-43), those given.
fn contact(w: &mut XmlWriter, party: &Party) {
    let given = |s: &Option<String>| s.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_string);
    let (name, phone, email) = (given(&party.contact_name), given(&party.phone), given(&party.email));
    if name.is_some() || phone.is_some() || email.is_some() {
        w.elem("ram:DefinedTradeContact", &[], |w| {
            w.leaf_opt("ram:PersonName", name.as_deref());
            if let Some(phone) = &phone {
                w.elem("ram:TelephoneUniversalCommunication", &[], |w| w.leaf("ram:CompleteNumber", &[], phone));
            }
            if let Some(email) = &email {
                w.elem("ram:EmailURIUniversalCommunication", &[], |w| w.leaf("ram:URIID", &[], email));
            }
        });
    }
}

/// BT-34 / BT-49, the electronic address with its EAS scheme.
fn endpoint(w: &mut XmlWriter, address: Option<(String, String)>) {
    if let Some((scheme, id)) = address {
        w.elem("ram:URIUniversalCommunication", &[], |w| w.leaf("ram:URIID", &[("schemeID", &scheme)], &id));
    }
}

fn address(w: &mut XmlWriter, party: &Party) {
    let a = &party.address;
    w.elem("ram:PostalTradeAddress", &[], |w| {
        w.leaf_opt("ram:PostcodeCode", Some(a.postal_code.as_str()));
        w.leaf_opt("ram:LineOne", Some(a.line1.as_str()));
        w.leaf_opt("ram:LineTwo", Some(a.line2.as_str()));
        w.leaf_opt("ram:CityName", Some(a.city.as_str()));
        w.leaf("ram:CountryID", &[], a.country.as_str());
        w.leaf_opt("ram:CountrySubDivisionName", Some(a.region.as_str()));
    });
}

fn tax_registration(w: &mut XmlWriter, id: Option<&str>, scheme: &str) {
    if let Some(id) = id {
        w.elem("ram:SpecifiedTaxRegistration", &[], |w| w.leaf("ram:ID", &[("schemeID", scheme)], id));
    }
}
