//! The VAT rules, case by case, with exact amounts.
//!
//! Each case builds a one-transaction data set in memory, assesses it, and checks the
//! document's treatment, rates and amounts to the cent.

use invoicesmith::document::{Document, Relation, TaxCategory, Treatment};
use invoicesmith::input::{self, Sources};
use invoicesmith::issue;

const EE_SELLER: &str = r#"
[seller]
legal_name = "Kunstlicht OÜ"
vat_id = "EE101234568"
registration_id = "14123456"
email = "billing@kunstlicht.example"
base_currency = "EUR"
timezone = "Europe/Tallinn"
eu_oss = true
[seller.address]
line1 = "Narva mnt 5"
city = "Tallinn"
postal_code = "10117"
country = "EE"
[[seller.tax_registrations]]
country = "GB"
scheme = "vat"
number = "GB980780684"
[[seller.tax_registrations]]
country = "AU"
scheme = "abn"
number = "51824753556"
[[seller.tax_registrations]]
country = "NO"
scheme = "voec"
number = "VOEC 2034567"
[[seller.tax_registrations]]
country = "CH"
scheme = "mwst"
number = "CHE-116.281.710 MWST"
[numbering]
invoice = "KL-INV-{year}-{seq:06}"
credit_note = "KL-CN-{year}-{seq:06}"
"#;

fn ie_seller() -> String {
    EE_SELLER
        .replace("Kunstlicht OÜ", "Kunstlicht Ltd")
        .replace("EE101234568", "IE6388047V")
        .replace("Europe/Tallinn", "Europe/Dublin")
        .replace("Narva mnt 5", "1 Grand Canal Square")
        .replace("\"Tallinn\"", "\"Dublin\"")
        .replace("\"10117\"", "\"D02 P820\"")
        .replace("country = \"EE\"", "country = \"IE\"")
}

const CUSTOMERS: &str = "\
customer_id,type,name,email,address_line1,address_line2,city,postal_code,region,country,vat_id,vat_id_status,language
de,individual,Jürgen Müller,j@example.de,Schönhauser Allee 12,,Berlin,10119,,DE,,,de
fr,individual,Élodie Durand,e@example.fr,3 rue Mercière,,Lyon,69002,,FR,,,fr
ee,individual,Mari Tamm,m@example.ee,Tartu mnt 1,,Tallinn,10145,,EE,,,et
ee_b,business,Põhjala Disain OÜ,a@pohjala.example,Telliskivi 60a,,Tallinn,10412,,EE,EE100247019,valid,et
ie,individual,Aoife Byrne,a@example.ie,12 Main Street,,Cork,T12 X2Y3,,IE,,,en
it_b,business,Studio Grafico Rossi S.r.l.,r@rossi.example,Via Roma 1,,Milano,20121,MI,IT,IT00743110157,valid,it
it_bad,business,Rossi Bad S.r.l.,b@rossi.example,Via Roma 2,,Milano,20121,MI,IT,IT00743110158,invalid,it
it_unchecked,business,Rossi Unchecked S.r.l.,u@rossi.example,Via Roma 3,,Milano,20121,MI,IT,IT00743110157,,it
fi,individual,Aino Virtanen,a@example.fi,Mannerheimintie 1,,Helsinki,00100,,FI,,,fi
gb,individual,Oliver Smith,o@example.co.uk,10 Downing Street,,London,SW1A 2AA,,GB,,,en
gb_b,business,Brush & Co Ltd,b@brush.example,1 Canal St,,Manchester,M1 3HE,,GB,GB980780684,valid,en
no,individual,Ola Nordmann,o@example.no,Karl Johans gate 1,,Oslo,0154,,NO,,,en
no_b,business,Fjord Design AS,f@fjord.example,Bryggen 1,,Bergen,5003,,NO,NO923609016MVA,valid,en
ch,individual,Luca Bernasconi,l@example.ch,Via Nassa 1,,Lugano,6900,,CH,,,it
ch_b,business,Atelier Rhône SA,a@rhone.example,Rue du Rhône 1,,Genève,1204,,CH,CHE-107.787.577 TVA,valid,fr
au,individual,Jack Jones,j@example.com.au,1 George St,,Sydney,2000,NSW,AU,,,en
au_b,business,Kookaburra Pty Ltd,k@kookaburra.example,1 Collins St,,Melbourne,3000,VIC,AU,83 914 571 673,valid,en
us_b,business,Acme Inc,a@acme.example,1 Main St,,Austin,78701,TX,US,,,en
us,individual,Jane Doe,j@example.com,1 Market St,,San Francisco,94105,CA,US,,,en
jp,individual,佐藤 花子,h@example.jp,1-2-3 Shibuya,,Tokyo,150-0002,,JP,,,ja
mc,individual,Louise Bianchi,l@example.mc,1 Avenue Princesse Grace,,Monaco,98000,,MC,,,fr
mc_b,business,Riviera Studio SARL,r@riviera.example,2 Boulevard Albert 1er,,Monaco,98000,,MC,FR40303265045,valid,fr
im,individual,Ewan Quayle,e@example.im,1 Prospect Hill,,Douglas,IM1 1EU,,IM,,,en
canary,individual,Ana Pérez,a@example.es,Calle Triana 1,,Las Palmas de Gran Canaria,35002,,ES,,,es
madrid,individual,Pablo Ruiz,p@example.es,Calle Mayor 1,,Madrid,28013,,ES,,,es
vaduz,individual,Anna Frick,a@example.li,Städtle 1,,Vaduz,9490,,LI,,,de
buesingen,individual,Jonas Keller,j@example.de,Junkerstrasse 1,,Büsingen am Hochrhein,78266,,DE,,,de
svalbard,individual,Ola Nordmann,o@example.no,Vei 1,,Longyearbyen,9170,,NO,,,nb
christmas,individual,Mia Lee,m@example.cx,1 Gaze Rd,,Christmas Island,6798,WA,AU,,,en
";

const HEADER: &str = "transaction_id,type,status,customer_id,timestamp,currency,description,quantity,unit_amount,amount_basis,proration,service_start,service_end,refers_to,reason,card_country,ip_country\n";

const RATES: &str = "date,base,quote,rate,source\n2026-10-02,EUR,USD,1.0800,ECB\n2026-10-02,EUR,GBP,0.8500,ECB\n2026-10-02,EUR,CHF,0.9400,ECB\n2026-10-02,GBP,USD,1.2700,Bank of England\n2026-10-05,EUR,USD,1.2000,ECB\n";

struct Case {
    company: String,
    rows: Vec<String>,
}

impl Case {
    fn ee() -> Case {
        Case { company: EE_SELLER.into(), rows: vec![] }
    }
    fn ie() -> Case {
        Case { company: ie_seller(), rows: vec![] }
    }
    /// Adds a one-line succeeded charge of `(currency, amount, basis)`.
    fn charge(mut self, id: &str, customer: &str, when: &str, (currency, amount, basis): (&str, &str, &str), evidence: &str) -> Case {
        self.rows.push(format!("{id},charge,succeeded,{customer},{when},{currency},Pro plan,1,{amount},{basis},false,,,,,{evidence}\n"));
        self
    }
    fn row(mut self, row: &str) -> Case {
        self.rows.push(format!("{row}\n"));
        self
    }
    fn sources(&self) -> Sources {
        Sources {
            company: self.company.clone(),
            customers: CUSTOMERS.into(),
            transactions: format!("{HEADER}{}", self.rows.concat()),
            exchange_rates: Some(RATES.into()),
            logo: None,
        }
    }
    fn documents(&self) -> Result<Vec<Document>, Vec<String>> {
        let data = input::parse(&self.sources()).map_err(|d| d.iter().map(|d| d.to_string()).collect::<Vec<_>>())?;
        let plan = issue::plan(&data, &issue::NoHistory).map_err(|d| d.iter().map(|d| d.to_string()).collect::<Vec<_>>())?;
        Ok(plan.documents().into_iter().map(|n| n.document).collect())
    }
    fn invoice(&self) -> Document {
        let docs = self.documents().unwrap_or_else(|e| panic!("unexpected errors: {e:#?}"));
        assert_eq!(docs.len(), 1);
        docs.into_iter().next().unwrap()
    }
    fn error(&self) -> String {
        let errs = self.documents().expect_err("expected an error");
        assert_eq!(errs.len(), 1, "{errs:#?}");
        errs[0].clone()
    }
}

/// A breakdown row: (category, rate, taxable, tax).
type Row = (TaxCategory, String, String, String);

/// (treatment, jurisdiction, breakdown rows, net, tax, gross)
fn summary(doc: &Document) -> (Treatment, String, Vec<Row>, String, String, String) {
    (
        doc.tax.treatment,
        doc.tax.jurisdiction.to_string(),
        doc.tax_breakdown
            .iter()
            .map(|r| (r.tax_category, r.tax_rate.to_string(), r.taxable_amount.to_string(), r.tax_amount.to_string()))
            .collect(),
        doc.totals.net.to_string(),
        doc.totals.tax.to_string(),
        doc.totals.gross.to_string(),
    )
}

fn row(cat: TaxCategory, rate: &str, taxable: &str, tax: &str) -> Row {
    (cat, rate.into(), taxable.into(), tax.into())
}

const OCT: &str = "2026-10-05T10:00:00+03:00";
use TaxCategory::{AE, O, S};
use invoicesmith::tax::registration::Scheme;

#[test]
fn eu_consumer_pays_their_member_states_rate_under_oss() {
    // 11.99 gross at DE 19 %: tax = round(11.99 × 19 / 119 = 1.9143…) = 1.91.
    let doc = Case::ee().charge("c1", "de", OCT, ("EUR", "11.99", "gross"), "DE,DE").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "DE".into(), vec![row(S, "19", "10.08", "1.91")], "10.08".into(), "1.91".into(), "11.99".into()));
    assert_eq!(doc.legends[0].code, "oss");
    assert_eq!(doc.totals.paid.to_string(), "11.99");
    assert_eq!(doc.totals.due.to_string(), "0.00");
    // Priced tax-inclusive: the line keeps the price the consumer paid beside its net.
    let gross = doc.lines[0].gross.as_ref().expect("a gross-priced line keeps its gross price");
    assert_eq!((gross.unit_price.to_string(), gross.amount.to_string(), doc.lines[0].net_amount.to_string()), ("11.99".into(), "11.99".into(), "10.08".into()));
    // Net price: FR 20 % on 10.00, and no gross price on the line.
    let doc = Case::ee().charge("c2", "fr", OCT, ("EUR", "10.00", "net"), "FR,FR").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "FR".into(), vec![row(S, "20", "10.00", "2.00")], "10.00".into(), "2.00".into(), "12.00".into()));
    assert!(doc.lines[0].gross.is_none());
}

#[test]
fn same_country_is_domestic_for_consumers_and_businesses() {
    let doc = Case::ee().charge("c1", "ee", OCT, ("EUR", "12.40", "gross"), "EE,EE").invoice();
    // The seller as company.toml names it: the registry code where there is one.
    assert_eq!((doc.seller.tax_id.as_deref(), doc.seller.registration_id.as_deref()), (Some("EE101234568"), Some("14123456")));
    let without = Case { company: EE_SELLER.replace("registration_id = \"14123456\"", "registration_id = \"\""), rows: vec![] };
    assert_eq!(without.charge("c1", "ee", OCT, ("EUR", "12.40", "gross"), "EE,EE").invoice().seller.registration_id, None);
    assert_eq!(summary(&doc), (Treatment::Domestic, "EE".into(), vec![row(S, "24", "10.00", "2.40")], "10.00".into(), "2.40".into(), "12.40".into()));
    assert!(doc.legends.is_empty());
    let doc = Case::ee().charge("c1", "ee_b", OCT, ("EUR", "100.00", "net"), "EE,EE").invoice();
    assert_eq!(summary(&doc).0, Treatment::Domestic);
    assert_eq!(doc.totals.tax.to_string(), "24.00");
    assert_eq!(doc.customer.tax_id.as_deref(), Some("EE100247019"));
}

#[test]
fn eu_business_with_a_vat_id_is_reverse_charged() {
    let doc = Case::ee().charge("c1", "it_b", OCT, ("EUR", "120.00", "net"), "IT,IT").invoice();
    assert_eq!(summary(&doc), (Treatment::ReverseCharge, "IT".into(), vec![row(AE, "0", "120.00", "0.00")], "120.00".into(), "0.00".into(), "120.00".into()));
    assert_eq!(doc.seller.tax_id.as_deref(), Some("EE101234568"));
    assert_eq!(doc.customer.tax_id.as_deref(), Some("IT00743110157"));
    assert_eq!(doc.legends[0].code, "reverse_charge");
    // The Italian customer's legend is in Italian: "articolo 196".
    assert!(doc.legends[0].text.contains("196"), "{}", doc.legends[0].text);
    // Not checked upstream is not invalid: still reverse charge.
    let doc = Case::ee().charge("c1", "it_unchecked", OCT, ("EUR", "120.00", "net"), "IT,IT").invoice();
    assert_eq!(doc.tax.treatment, Treatment::ReverseCharge);
    // A gross price charged to a reverse-charge customer is all net: the card amount stays.
    let doc = Case::ee().charge("c1", "it_b", OCT, ("EUR", "11.99", "gross"), "IT,IT").invoice();
    assert_eq!((doc.totals.net.to_string(), doc.totals.gross.to_string()), ("11.99".into(), "11.99".into()));
}

#[test]
fn business_with_an_invalid_vat_id_is_a_consumer() {
    // IT 22 % on 100.00 net.
    let doc = Case::ee().charge("c1", "it_bad", OCT, ("EUR", "100.00", "net"), "IT,IT").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "IT".into(), vec![row(S, "22", "100.00", "22.00")], "100.00".into(), "22.00".into(), "122.00".into()));
    assert_eq!(doc.customer.tax_id, None);
}

#[test]
fn non_eu_where_registered_charges_local_tax_to_consumers_only() {
    // GB VAT 20 % on 11.99 gross: round(1.99833) = 2.00.
    let doc = Case::ee().charge("c1", "gb", OCT, ("GBP", "11.99", "gross"), "GB,GB").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuTax, "GB".into(), vec![row(S, "20", "9.99", "2.00")], "9.99".into(), "2.00".into(), "11.99".into()));
    let registration = doc.tax.seller_registration.as_ref().expect("charged under the UK registration");
    assert_eq!((registration.scheme, registration.id.as_str()), (Scheme::Vat, "GB980780684"));
    assert_eq!(doc.tax.tax_name, "UK VAT");
    assert_eq!(doc.legends[0].text, "UK VAT (United Kingdom) charged under the seller's registration GB980780684.");
    // Non-EU tax needs no statement in EUR (Art. 230 is about EU VAT).
    assert_eq!(doc.base_currency_tax, None);
    let doc = Case::ee().charge("c1", "gb_b", OCT, ("GBP", "100.00", "net"), "GB,GB").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuReverseCharge, "GB".into(), vec![row(AE, "0", "100.00", "0.00")], "100.00".into(), "0.00".into(), "100.00".into()));
    assert_eq!(doc.tax.seller_registration, None);
    assert_eq!(legends(&doc), vec![("reverse_charge".into(), "Reverse charge: the customer accounts for the UK VAT on this supply to HMRC (Value Added Tax Act 1994, section 8).".into())]);
}

fn legends(doc: &Document) -> Vec<(String, String)> {
    doc.legends.iter().map(|l| (l.code.clone(), l.text.clone())).collect()
}

#[test]
fn norway_voec_charges_consumers_and_a_business_self_accounts() {
    // MVA 25 % on 125.00 NOK gross: 25.00.
    let doc = Case::ee().charge("c1", "no", OCT, ("NOK", "125.00", "gross"), "NO,NO").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuTax, "NO".into(), vec![row(S, "25", "100.00", "25.00")], "100.00".into(), "25.00".into(), "125.00".into()));
    let registration = doc.tax.seller_registration.as_ref().unwrap();
    assert_eq!((registration.scheme, registration.id.as_str()), (Scheme::Voec, "VOEC 2034567"));
    assert_eq!(legends(&doc), vec![("tax_registration".into(), "MVA (Norway) charged under the seller's registration VOEC 2034567.".into())]);
    // VOEC covers consumer sales only: the business accounts for the MVA, nothing names VOEC.
    let doc = Case::ee().charge("c1", "no_b", OCT, ("NOK", "100.00", "net"), "NO,NO").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuReverseCharge, "NO".into(), vec![row(AE, "0", "100.00", "0.00")], "100.00".into(), "0.00".into(), "100.00".into()));
    assert_eq!((doc.tax.tax_name.as_str(), doc.tax.seller_registration.as_ref()), ("MVA", None));
    assert_eq!(legends(&doc), vec![("reverse_charge".into(), "Reverse charge: the customer accounts for the Norwegian VAT (MVA) on this supply (merverdiavgiftsloven § 11-3).".into())]);
    assert!(!serde_json::to_string(&doc).unwrap().contains("VOEC"));
}

#[test]
fn switzerland_charges_mwst_to_consumers_and_businesses_in_their_language() {
    // MWST 8.1 % on 100.00 CHF net: 8.10. A registered seller charges businesses too
    // (acquisition tax covers unregistered suppliers only, MWSTG Art. 45).
    let doc = Case::ee().charge("c1", "ch_b", OCT, ("CHF", "100.00", "net"), "CH,CH").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuTax, "CH".into(), vec![row(S, "8.1", "100.00", "8.10")], "100.00".into(), "8.10".into(), "108.10".into()));
    assert_eq!(doc.tax.tax_name, "TVA");
    let registration = doc.tax.seller_registration.as_ref().unwrap();
    assert_eq!((registration.scheme, registration.id.as_str()), (Scheme::Mwst, "CHE-116.281.710 TVA"));
    // The tax named once ("Taxe TVA" said it twice).
    assert_eq!(legends(&doc)[0].1, "TVA (Suisse) facturée sous le numéro d'immatriculation du prestataire CHE-116.281.710 TVA.");
    // The line table's tax column is headed by the tax's name, not the word for VAT.
    let html = String::from_utf8(invoicesmith::render::Format::Html.render(&doc)).unwrap();
    assert!(html.contains("<th class=\"num\">TVA</th>"), "{html}");
    let doc = Case::ee().charge("c1", "ch", OCT, ("CHF", "108.10", "gross"), "CH,CH").invoice();
    assert_eq!(legends(&doc)[0].1, "IVA (Svizzera) applicata con il numero di registrazione del fornitore CHE-116.281.710 IVA.");
    let html = String::from_utf8(invoicesmith::render::Format::Html.render(&doc)).unwrap();
    assert!(html.contains("<th class=\"num\">IVA</th>") && html.contains("Prezzo unit. IVA incl."), "{html}");
    assert_eq!((doc.tax.tax_name.as_str(), doc.tax.seller_registration.as_ref().unwrap().id.as_str()), ("IVA", "CHE-116.281.710 IVA"));
}

#[test]
fn australia_charges_gst_to_consumers_and_not_to_a_registered_business() {
    // GST 10 % on 11.00 AUD gross: 1.00.
    let doc = Case::ee().charge("c1", "au", OCT, ("AUD", "11.00", "gross"), "AU,AU").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuTax, "AU".into(), vec![row(S, "10", "10.00", "1.00")], "10.00".into(), "1.00".into(), "11.00".into()));
    assert_eq!(doc.tax.seller_registration.as_ref().unwrap().id, "ABN 51 824 753 556");
    // A GST-registered business: no GST and no reverse charge, and the legend says why.
    let doc = Case::ee().charge("c1", "au_b", OCT, ("AUD", "100.00", "net"), "AU,AU").invoice();
    assert_eq!(summary(&doc), (Treatment::OutsideScope, "AU".into(), vec![row(O, "0", "100.00", "0.00")], "100.00".into(), "0.00".into(), "100.00".into()));
    assert_eq!(legends(&doc), vec![
        ("outside_scope".into(), "Outside the scope of EU VAT: the service is supplied in Australia (Article 44 of Council Directive 2006/112/EC); no VAT charged.".into()),
        ("tax_not_charged".into(), "No GST charged: the customer has given its ABN and stated that it is registered for Australian GST, so this is not a sale to an Australian consumer.".into()),
    ]);
    assert!(legends(&doc).iter().all(|(_, text)| !text.to_lowercase().contains("reverse charge")));
}

#[test]
fn non_eu_where_not_registered_is_outside_scope() {
    let doc = Case::ee().charge("c1", "us", OCT, ("USD", "20.00", "gross"), "US,US").invoice();
    assert_eq!(summary(&doc), (Treatment::OutsideScope, "US".into(), vec![row(O, "0", "20.00", "0.00")], "20.00".into(), "0.00".into(), "20.00".into()));
    assert_eq!(doc.legends[0].code, "outside_scope");
    assert!(doc.legends[0].text.contains("United States"));
    // JPY has no minor unit.
    let doc = Case::ee().charge("c1", "jp", OCT, ("JPY", "1980", "gross"), "JP,JP").invoice();
    assert_eq!((doc.totals.net.to_string(), doc.totals.tax.to_string(), doc.totals.gross.to_string()), ("1980".into(), "0".into(), "1980".into()));
}

#[test]
fn outside_the_eu_a_business_is_art_44_and_a_consumer_art_58() {
    let text = |customer: &str| Case::ee().charge("c1", customer, OCT, ("USD", "20.00", "net"), "US,US").invoice().legends[0].text.clone();
    assert_eq!(text("us"), "Outside the scope of EU VAT: the service is supplied in United States (Article 58 of Council Directive 2006/112/EC); no VAT charged.");
    // A business is one by its type, with or without a tax ID.
    assert_eq!(text("us_b"), "Outside the scope of EU VAT: the service is supplied in United States (Article 44 of Council Directive 2006/112/EC); no VAT charged.");
}

#[test]
fn two_agreeing_pieces_of_evidence_decide_the_country() {
    // Billing DE, card and IP FR: France, 20 %.
    let doc = Case::ee().charge("c1", "de", OCT, ("EUR", "12.00", "gross"), "FR,FR").invoice();
    assert_eq!(summary(&doc).1, "FR");
    assert_eq!(doc.totals.tax.to_string(), "2.00");
    // Billing DE and IP DE outvote the card.
    let doc = Case::ee().charge("c1", "de", OCT, ("EUR", "11.90", "gross"), "AT,DE").invoice();
    assert_eq!(summary(&doc).1, "DE");
    assert_eq!(doc.tax.evidence.card_country.map(|c| c.to_string()).as_deref(), Some("AT"));
    // No two agree: rejected, not guessed.
    let err = Case::ee().charge("c1", "de", OCT, ("EUR", "11.90", "gross"), "FR,US").error();
    assert_eq!(
        err,
        "transactions.csv:2: card_country: location evidence does not agree (billing DE, card FR, IP US); two of the three must name the same country"
    );
}

/// A business with a VAT ID receives the service where it is established (Art. 44): its
/// card and IP address say where someone paid from, not where the business is.
#[test]
fn a_business_is_taxed_where_it_is_established_whatever_its_card_and_ip() {
    // An Italian business paying with an Estonian card from Estonia: reverse charge in Italy,
    // not Estonian VAT.
    let doc = Case::ee().charge("c1", "it_b", OCT, ("EUR", "100.00", "net"), "EE,EE").invoice();
    assert_eq!(summary(&doc), (Treatment::ReverseCharge, "IT".into(), vec![row(AE, "0", "100.00", "0.00")], "100.00".into(), "0.00".into(), "100.00".into()));
    assert_eq!(doc.tax.evidence.card_country.map(|c| c.to_string()).as_deref(), Some("EE"), "the evidence is kept as given");
    // An Estonian business paying from Finland: domestic, EE 24 % on 100.00 (it cannot
    // self-account for an Estonian seller's supply).
    let doc = Case::ee().charge("c1", "ee_b", OCT, ("EUR", "100.00", "net"), "FI,FI").invoice();
    assert_eq!(summary(&doc), (Treatment::Domestic, "EE".into(), vec![row(S, "24", "100.00", "24.00")], "100.00".into(), "24.00".into(), "124.00".into()));
    // Card and IP disagreeing with each other and the address do not refuse a business.
    let doc = Case::ee().charge("c1", "it_b", OCT, ("EUR", "100.00", "net"), "FR,US").invoice();
    assert_eq!(doc.tax.treatment, Treatment::ReverseCharge);
    // A business without a usable VAT ID is a consumer, located by the evidence: the Italian
    // address outvoted by an Austrian card and IP: AT 20 % under the OSS.
    let doc = Case::ee().charge("c1", "it_bad", OCT, ("EUR", "100.00", "net"), "AT,AT").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "AT".into(), vec![row(S, "20", "100.00", "20.00")], "100.00".into(), "20.00".into(), "120.00".into()));
}

/// Monaco is in the French VAT area and the Isle of Man in the UK's; the Canary Islands are
/// Spain but outside the EU's VAT territory (Art. 6, 7 of the Directive).
#[test]
fn territories_follow_their_vat_area_not_their_country_code() {
    // A consumer in Monaco: FR 20 % under the OSS, 12.00 gross = 10.00 + 2.00.
    let doc = Case::ee().charge("c1", "mc", OCT, ("EUR", "12.00", "gross"), "MC,MC").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "FR".into(), vec![row(S, "20", "10.00", "2.00")], "10.00".into(), "2.00".into(), "12.00".into()));
    assert_eq!(doc.tax.evidence.customer_country.to_string(), "MC", "the evidence keeps where the customer is");
    // A business in Monaco with its French VAT number: reverse charge.
    let doc = Case::ee().charge("c1", "mc_b", OCT, ("EUR", "100.00", "net"), "MC,MC").invoice();
    assert_eq!(summary(&doc).0, Treatment::ReverseCharge);
    assert_eq!(doc.customer.tax_id.as_deref(), Some("FR40303265045"));
    // The Isle of Man: UK VAT 20 % under the seller's UK registration, 12.00 gross.
    let doc = Case::ee().charge("c1", "im", OCT, ("GBP", "12.00", "gross"), "IM,IM").invoice();
    assert_eq!(summary(&doc), (Treatment::NonEuTax, "GB".into(), vec![row(S, "20", "10.00", "2.00")], "10.00".into(), "2.00".into(), "12.00".into()));
    // Las Palmas (35002): outside the scope of EU VAT, 12.00 with no VAT; Madrid: ES 21 %.
    let doc = Case::ee().charge("c1", "canary", OCT, ("EUR", "12.00", "gross"), "ES,ES").invoice();
    assert_eq!(summary(&doc), (Treatment::OutsideScope, "ES".into(), vec![row(TaxCategory::O, "0", "12.00", "0.00")], "12.00".into(), "0.00".into(), "12.00".into()));
    assert_eq!(doc.legends[0].code, "outside_scope");
    let doc = Case::ee().charge("c1", "madrid", OCT, ("EUR", "12.10", "gross"), "ES,ES").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "ES".into(), vec![row(S, "21", "10.00", "2.10")], "10.00".into(), "2.10".into(), "12.10".into()));
}

#[test]
fn rates_follow_the_tax_point_date_in_the_sellers_time_zone() {
    // EE 22 % until 2025-06-30, 24 % from 2025-07-01. 21:30 UTC on 30 June is 00:30 on
    // 1 July in Tallinn (UTC+3).
    let doc = Case::ee().charge("c1", "ee", "2025-06-30T21:30:00Z", ("EUR", "12.40", "gross"), "EE,EE").invoice();
    assert_eq!(doc.tax_point_date.to_string(), "2025-07-01");
    assert_eq!(summary(&doc).2, vec![row(S, "24", "10.00", "2.40")]);
    let doc = Case::ee().charge("c1", "ee", "2025-06-30T20:30:00Z", ("EUR", "12.40", "gross"), "EE,EE").invoice();
    assert_eq!(doc.tax_point_date.to_string(), "2025-06-30");
    // 12.40 × 22 / 122 = 2.2360… → 2.24.
    assert_eq!(summary(&doc).2, vec![row(S, "22", "10.16", "2.24")]);
    // FI 24 % → 25.5 % on 2024-09-01.
    let doc = Case::ee().charge("c1", "fi", "2024-08-31T12:00:00+03:00", ("EUR", "100.00", "net"), "FI,FI").invoice();
    assert_eq!(doc.totals.tax.to_string(), "24.00");
    let doc = Case::ee().charge("c1", "fi", "2024-09-01T12:00:00+03:00", ("EUR", "100.00", "net"), "FI,FI").invoice();
    assert_eq!(summary(&doc).2, vec![row(S, "25.5", "100.00", "25.50")]);
}

#[test]
fn proration_lines_keep_the_rate_of_the_charge_they_adjust() {
    // June: Basic at EE 22 %. July: upgrade to Pro at 24 %, with a credit for June's unused
    // Basic time, which keeps 22 %.
    let doc = Case::ee()
        .charge("june", "ee", "2025-06-10T12:00:00+03:00", ("EUR", "10.00", "net"), "EE,EE")
        .row("july,charge,succeeded,ee,2025-07-10T12:00:00+03:00,EUR,Pro plan,1,30.00,net,false,2025-07-10,2025-08-09,,,EE,EE")
        .row("july,charge,succeeded,ee,2025-07-10T12:00:00+03:00,EUR,Unused Basic time,1,-5.00,net,true,2025-07-10,2025-08-09,june,,EE,EE")
        .documents()
        .unwrap()
        .into_iter()
        .find(|d| d.source_transactions == ["july"])
        .unwrap();
    assert_eq!(summary(&doc).2, vec![row(S, "22", "-5.00", "-1.10"), row(S, "24", "30.00", "7.20")]);
    assert_eq!((doc.totals.net.to_string(), doc.totals.tax.to_string(), doc.totals.gross.to_string()), ("25.00".into(), "6.10".into(), "31.10".into()));
    assert_eq!(doc.lines[1].adjusts.as_deref(), Some("june"));
    assert!(doc.lines[1].proration);
    // June's invoice, issued in the same run, is referenced by the number it got (Art. 219).
    let refs: Vec<_> = doc.references.iter().map(|r| (r.number.to_string(), r.issue_date.to_string(), r.relation)).collect();
    assert_eq!(refs, [("KL-INV-2025-000001".to_string(), "2025-06-10".to_string(), Relation::Adjusts)]);
}

#[test]
fn a_plan_change_can_only_adjust_an_invoiced_charge_and_never_more_than_it_charged() {
    let july = |refers_to: &str, amount: &str| {
        format!("july,charge,succeeded,ee,2025-07-10T12:00:00+03:00,EUR,Unused Basic time,1,{amount},gross,true,,,{refers_to},,EE,EE")
    };
    let pro = "july,charge,succeeded,ee,2025-07-10T12:00:00+03:00,EUR,Pro plan,1,600.00,gross,false,,,,,EE,EE";
    let err = Case::ee()
        .row("june,charge,failed,ee,2025-06-10T12:00:00+03:00,EUR,Basic plan,1,12.20,gross,false,,,,,EE,EE")
        .row(pro)
        .row(&july("june", "-6.10"))
        .error();
    assert_eq!(err, "transactions.csv:4: refers_to: 'june' was never invoiced (a charge whose payment failed); a plan change can only adjust an invoiced charge");
    let err = Case::ee()
        .row("june,charge,pending,ee,2025-06-10T12:00:00+03:00,EUR,Basic plan,1,12.20,gross,false,,,,,EE,EE")
        .row(pro)
        .row(&july("june", "-6.10"))
        .error();
    assert_eq!(err, "transactions.csv:4: refers_to: 'june' was never invoiced (a charge whose payment pending); a plan change can only adjust an invoiced charge");
    // A credit of 500.00 on an invoice of 20.00 (EE 22 %: −409.84 net, −90.16 tax).
    let err = Case::ee()
        .row("june,charge,succeeded,ee,2025-06-10T12:00:00+03:00,EUR,Basic plan,1,20.00,gross,false,,,,,EE,EE")
        .row(pro)
        .row(&july("june", "-500.00"))
        .error();
    assert_eq!(err, "transactions.csv:4: unit_amount: the plan change would credit 500.00 EUR (gross) of 'june', more than is left on KL-INV-2025-000001: 20.00 invoiced, 0 already credited or adjusted, 20.00 left");
    // Two plan changes together may credit all of it, not more.
    let aug = |amount: &str| format!("aug,charge,succeeded,ee,2025-08-10T12:00:00+03:00,EUR,Unused Basic time,1,{amount},gross,true,,,june,,EE,EE");
    let case = |second: &str| {
        Case::ee()
            .row("june,charge,succeeded,ee,2025-06-10T12:00:00+03:00,EUR,Basic plan,1,20.00,gross,false,,,,,EE,EE")
            .row(pro)
            .row(&july("june", "-12.20"))
            .row("aug,charge,succeeded,ee,2025-08-10T12:00:00+03:00,EUR,Pro plan,1,600.00,gross,false,,,,,EE,EE")
            .row(&aug(second))
    };
    assert_eq!(case("-7.80").documents().map(|d| d.len()), Ok(3));
    assert_eq!(case("-7.81").error(), "transactions.csv:6: unit_amount: the plan change would credit 7.81 EUR (gross) of 'june', more than is left on KL-INV-2025-000001: 20.00 invoiced, 12.20 already credited or adjusted, 7.80 left");
}

/// A plan change adjusts an earlier charge: one charged later (even a second later), or the
/// charge itself, has no invoice yet to adjust.
#[test]
fn a_plan_change_adjusts_only_a_charge_made_before_it() {
    let basic = |when: &str| format!("basic,charge,succeeded,ee,{when},EUR,Basic plan,1,12.20,gross,false,,,,,EE,EE");
    let pro = |refers_to: &str| {
        [
            "pro,charge,succeeded,ee,2025-07-10T12:00:00+03:00,EUR,Pro plan,1,31.00,gross,false,,,,,EE,EE".to_string(),
            format!("pro,charge,succeeded,ee,2025-07-10T12:00:00+03:00,EUR,Unused Basic time,1,-6.10,gross,true,,,{refers_to},,EE,EE"),
        ]
    };
    let case = |basic_at: &str, refers_to: &str| {
        let [own, change] = pro(refers_to);
        Case::ee().row(&basic(basic_at)).row(&own).row(&change)
    };
    assert_eq!(case("2025-07-10T11:59:59+03:00", "basic").documents().map(|d| d.len()), Ok(2));
    assert_eq!(case("2025-07-10T12:00:01+03:00", "basic").error(), "transactions.csv:4: refers_to: 'basic' is charged after 'pro', so it has no invoice yet to adjust");
    // At the same instant, the transaction ids order them (as issuing does).
    assert_eq!(case("2025-07-10T12:00:00+03:00", "basic").documents().map(|d| d.len()), Ok(2));
    let [own, change] = pro("zbasic");
    let same_instant = Case::ee().row(&basic("2025-07-10T12:00:00+03:00").replacen("basic", "zbasic", 1)).row(&own).row(&change);
    assert_eq!(same_instant.error(), "transactions.csv:4: refers_to: 'zbasic' is charged after 'pro', so it has no invoice yet to adjust");
    // Itself: refused when the file is read.
    assert_eq!(case("2025-07-10T11:59:59+03:00", "pro").error(), "transactions.csv:4: refers_to: 'pro' refers to its own transaction");
}

#[test]
fn eu_vat_in_a_foreign_currency_is_restated_in_the_base_currency() {
    // FR 20 % on 21.60 USD gross: tax 3.60, net 18.00. Tax point Sunday 2026-10-04 → the
    // Friday 2026-10-02 ECB rate 1.08: 3.60 / 1.08 = 3.33 EUR, 18.00 / 1.08 = 16.67 EUR.
    let doc = Case::ee().charge("c1", "fr", "2026-10-04T12:00:00+02:00", ("USD", "21.60", "gross"), "FR,FR").invoice();
    assert_eq!(doc.totals.tax.to_string(), "3.60");
    let b = doc.base_currency_tax.expect("Art. 230 statement");
    assert_eq!(
        (b.currency.to_string(), b.tax_amount.to_string(), b.taxable_amount.to_string(), b.rate_date.to_string(), b.source),
        ("EUR".into(), "3.33".into(), "16.67".into(), "2026-10-02".into(), "ECB".into())
    );
    // No rate on or before the tax point: an error, never a later rate.
    let err = Case::ee().charge("c1", "fr", "2026-10-01T12:00:00+02:00", ("USD", "21.60", "gross"), "FR,FR").error();
    assert_eq!(
        err,
        "transactions.csv:2: currency: no EUR/USD exchange rate on or before 2026-10-01 in exchange_rates.csv; EU VAT invoiced in USD must also be stated in EUR (Art. 230 Directive 2006/112/EC)"
    );
}

/// UK VAT invoiced in another currency states the net value and the VAT in sterling too
/// (VAT Regulations 1995 reg. 14(1); HMRC, "Invoicing in foreign currencies").
#[test]
fn uk_vat_in_another_currency_is_also_stated_in_sterling() {
    let sunday = "2026-10-04T12:00:00+01:00";
    let stated = |doc: &Document| {
        doc.local_currency_tax.as_ref().map(|b| {
            (b.currency.to_string(), b.taxable_amount.to_string(), b.tax_amount.to_string(), b.exchange_rate.to_string(), b.rate_date.to_string(), b.source.clone())
        })
    };
    let s = |v: [&str; 6]| Some(v.map(String::from).into());
    // 12.00 EUR gross at 20 %: 10.00 + 2.00; at 1 EUR = 0.85 GBP (Friday's rate), 8.50 and 1.70.
    let eur = Case::ee().charge("c1", "gb", sunday, ("EUR", "12.00", "gross"), "GB,GB").invoice();
    assert_eq!((eur.totals.net.to_string(), eur.totals.tax.to_string()), ("10.00".into(), "2.00".into()));
    assert_eq!(stated(&eur), s(["GBP", "8.50", "1.70", "0.85", "2026-10-02", "ECB"]));
    // Not an Art. 230 statement, and a euro invoice needs no restatement for the books.
    assert_eq!((eur.base_currency_tax.as_ref(), eur.base_currency_booking.as_ref()), (None, None));
    assert_eq!(
        render::text::base_currency_tax(&eur).as_deref(),
        Some("VAT in GBP: £1.70 on £8.50 (rate 1 EUR = 0.85 GBP, ECB euro reference rate of 2 October 2026)")
    );
    // BT-6 and the VAT total in it (BR-53) in both syntaxes.
    let ubl = render::ubl::render(&eur);
    assert!(ubl.contains("<cbc:TaxCurrencyCode>GBP</cbc:TaxCurrencyCode>"), "{ubl}");
    assert!(ubl.contains(r#"<cbc:TaxAmount currencyID="GBP">1.70</cbc:TaxAmount>"#), "{ubl}");
    let cii = render::cii::render(&eur);
    assert!(cii.contains("<ram:TaxCurrencyCode>GBP</ram:TaxCurrencyCode>"), "{cii}");
    assert!(cii.contains(r#"<ram:TaxTotalAmount currencyID="GBP">1.70</ram:TaxTotalAmount>"#), "{cii}");

    // 24.00 USD gross: 20.00 + 4.00; the published GBP/USD rate 1.27 read the other way:
    // 20.00 / 1.27 = 15.748 → 15.75, 4.00 / 1.27 = 3.1496 → 3.15. The books still get euros.
    let usd = Case::ee().charge("c1", "gb", sunday, ("USD", "24.00", "gross"), "GB,GB").invoice();
    assert_eq!(stated(&usd), s(["GBP", "15.75", "3.15", "0.787402", "2026-10-02", "Bank of England"]));
    let booked = usd.base_currency_booking.as_ref().expect("a restatement for the books");
    assert_eq!((booked.currency.to_string(), booked.taxable_amount.to_string(), booked.tax_amount.to_string()), ("EUR".into(), "18.52".into(), "3.70".into()));

    // A refund's credit note states its share at the invoice's rate, so the two cancel in
    // sterling too: 6.00 EUR gross is 5.00 + 1.00, 4.25 and 0.85 GBP.
    let refunded = Case::ee()
        .charge("c1", "gb", sunday, ("EUR", "12.00", "gross"), "GB,GB")
        .row("r1,refund,succeeded,gb,2026-10-20T12:00:00+01:00,EUR,Refund,1,6.00,gross,false,,,c1,requested_by_customer,GB,GB")
        .documents()
        .unwrap();
    assert_eq!(refunded.len(), 2);
    assert_eq!(stated(&refunded[1]), s(["GBP", "4.25", "0.85", "0.85", "2026-10-02", "ECB"]));

    // In sterling already, or no UK VAT charged (a business reverse-charges it): nothing to state.
    assert_eq!(stated(&Case::ee().charge("c1", "gb", sunday, ("GBP", "12.00", "gross"), "GB,GB").invoice()), None);
    assert_eq!(stated(&Case::ee().charge("c1", "gb_b", sunday, ("EUR", "100.00", "net"), "GB,GB").invoice()), None);
    // EU VAT keeps its Art. 230 statement alone.
    assert_eq!(stated(&Case::ee().charge("c1", "fr", sunday, ("USD", "21.60", "gross"), "FR,FR").invoice()), None);

    // No published rate to sterling: refused, as Art. 230's statement is.
    assert_eq!(
        Case::ee().charge("c1", "gb", sunday, ("PLN", "60.00", "gross"), "GB,GB").error(),
        "transactions.csv:2: currency: no GBP/PLN exchange rate on or before 2026-10-04 in exchange_rates.csv; UK VAT invoiced in PLN must also be stated in GBP (its law asks for the net value and the tax in GBP)"
    );
}

/// VAT areas are not country codes: Liechtenstein and Büsingen am Hochrhein (a German town)
/// are in the Swiss one; Svalbard is outside Norway's, Christmas Island outside Australia's
/// GST zone.
#[test]
fn liechtenstein_and_buesingen_pay_swiss_vat_svalbard_and_christmas_island_none() {
    let treated = |customer: &str, evidence: &str| {
        let doc = Case::ee().charge("c1", customer, OCT, ("EUR", "108.10", "gross"), evidence).invoice();
        (doc.tax.treatment, doc.tax.jurisdiction.to_string(), doc.totals.tax.to_string())
    };
    // MWST 8.1 % of 108.10 gross: 100.00 + 8.10, under the seller's Swiss registration.
    assert_eq!(treated("vaduz", "LI,LI"), (Treatment::NonEuTax, "CH".into(), "8.10".into()));
    assert_eq!(treated("buesingen", "DE,DE"), (Treatment::NonEuTax, "CH".into(), "8.10".into()));
    assert_eq!(treated("svalbard", "NO,NO"), (Treatment::OutsideScope, "NO".into(), "0.00".into()));
    assert_eq!(treated("christmas", "AU,AU"), (Treatment::OutsideScope, "AU".into(), "0.00".into()));
}

/// A non-EU registration's tax in its return's currency, kept for that return: Swiss MWST
/// invoiced in euros is declared in francs (MWSTV Art. 45). Not printed: Swiss law asks no
/// statement on the invoice (unlike UK VAT's in sterling).
#[test]
fn swiss_mwst_invoiced_in_euros_is_kept_in_francs_for_the_swiss_return() {
    let sunday = "2026-10-04T12:00:00+02:00";
    // 108.10 EUR gross at 8.1 %: 100.00 + 8.10; at 1 EUR = 0.94 CHF, 94.00 and 7.61 (7.614).
    let doc = Case::ee().charge("c1", "ch", sunday, ("EUR", "108.10", "gross"), "CH,CH").invoice();
    let kept = doc.return_currency_tax.as_ref().expect("kept for the Swiss return");
    assert_eq!(
        (kept.currency.to_string(), kept.taxable_amount.to_string(), kept.tax_amount.to_string(), kept.rate_date.to_string()),
        ("CHF".into(), "94.00".into(), "7.61".into(), "2026-10-02".into())
    );
    assert_eq!(doc.in_return_currency(), Some(kept));
    assert_eq!(render::text::base_currency_tax(&doc), None, "not printed");
    // In francs already: nothing to keep. UK VAT: its printed statement serves the return.
    assert_eq!(Case::ee().charge("c1", "ch", sunday, ("CHF", "108.10", "gross"), "CH,CH").invoice().return_currency_tax, None);
    let uk = Case::ee().charge("c1", "gb", sunday, ("EUR", "12.00", "gross"), "GB,GB").invoice();
    assert_eq!((uk.return_currency_tax.as_ref(), uk.in_return_currency().map(|b| b.currency.to_string())), (None, Some("GBP".into())));
    // Without a published rate it is issued all the same (the return converts it then).
    assert_eq!(Case::ee().charge("c1", "ch", sunday, ("USD", "108.10", "gross"), "CH,CH").invoice().return_currency_tax, None);
}

#[test]
fn an_irish_seller_applies_the_same_rules_from_ireland() {
    let doc = Case::ie().charge("c1", "ie", OCT, ("EUR", "12.30", "gross"), "IE,IE").invoice();
    assert_eq!(summary(&doc), (Treatment::Domestic, "IE".into(), vec![row(S, "23", "10.00", "2.30")], "10.00".into(), "2.30".into(), "12.30".into()));
    let doc = Case::ie().charge("c1", "ee", OCT, ("EUR", "12.40", "gross"), "EE,EE").invoice();
    assert_eq!(summary(&doc), (Treatment::Oss, "EE".into(), vec![row(S, "24", "10.00", "2.40")], "10.00".into(), "2.40".into(), "12.40".into()));
    let doc = Case::ie().charge("c1", "ee_b", OCT, ("EUR", "50.00", "net"), "EE,EE").invoice();
    assert_eq!(doc.tax.treatment, Treatment::ReverseCharge);
    assert_eq!(doc.seller.tax_id.as_deref(), Some("IE6388047V"));
}

#[test]
fn without_oss_registration_eu_consumer_sales_are_refused() {
    let mut case = Case::ee().charge("c1", "fr", OCT, ("EUR", "10.00", "net"), "FR,FR");
    case.company = case.company.replace("eu_oss = true", "eu_oss = false");
    assert_eq!(
        case.error(),
        "transactions.csv:2: card_country: the customer is a consumer in FR, but the seller is not registered for the Union One-Stop Shop (company.toml seller.eu_oss = false) and cannot charge FR VAT"
    );
}
