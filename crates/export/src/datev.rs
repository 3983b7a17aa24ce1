//! DATEV-Format "Buchungsstapel" (EXTF, header version 700, format category 21, format
//! version 13): the booking batch German tax advisers import into DATEV.
//!
//! The file follows DATEV's published format description (developer.datev.de, "DATEV-Format
//! → Buchungsstapel"; see DESIGN.md for the field list checked): Windows-1252, CRLF, fields
//! separated by `;`, text in double quotes, amounts with a decimal comma and no thousands
//! separator. Line 1 is the header record (31 fields), line 2 the 125 column names, then one
//! booking per document and VAT rate:
//!
//! - Umsatz: the rate's gross amount (taxable + tax), always positive, in the document's
//!   currency (WKZ Umsatz); for a document in another currency, Kurs, Basis-Umsatz and WKZ
//!   Basis-Umsatz give the rate and the amount in the base currency, as the VAT summary
//!   counts it: from its Art. 230 statement where EU VAT was charged, else from the
//!   restatement kept for the books (DATEV asks for all three with a foreign WKZ Umsatz:
//!   "Wenn ein Umsatz in der Fremdwährung bei #1 angegeben wird, sind #4, #5 und #6 zu
//!   übergeben"). Where the rate is one Kurs cannot hold (below 1, as 1 EUR = 0.8571 GBP or
//!   0.9381 CHF: see `kurs`), the booking is in the base currency instead: Umsatz is that
//!   same base-currency amount, WKZ Umsatz the base currency, Kurs, Basis-Umsatz and WKZ
//!   Basis-Umsatz empty, and the Buchungstext ends with the amount in the document's
//!   currency (`Oliver Smith 12,99 GBP`), so the adviser still sees what was invoiced.
//! - Konto: the clearing account of card payments, the receivables account of a bank-transfer
//!   document (owed until the transfer arrives); Gegenkonto: the revenue account of the
//!   treatment and rate; BU-Schlüssel: the mapping's tax key (empty on automatic accounts);
//!   Soll/Haben-Kennzeichen `S` (the clearing account is debited).
//! - A credit note is the reversal of such a booking: the same Konto, Gegenkonto, tax key and
//!   `S`, with Generalumkehr (field 118) `1`, which DATEV books on the same side with a minus
//!   ("Stornobuchung") so the accounts' turnover is not inflated.
//! - Belegdatum: the issue date (TTMM; the year is the batch's); Belegfeld 1: the document
//!   number; Buchungstext: the customer (an invoice) or the invoice credited (a credit note);
//!   Leistungsdatum: the date of supply; EU-Land u. UStID and EU-Steuersatz (Bestimmung):
//!   the member state and rate of an OSS supply, the customer's VAT ID of a reverse charge;
//!   EU-Land u. UStID (Ursprung): the seller's VAT ID on an OSS supply.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::accounts::Accounts;
use super::{Period, amt, cp1252, in_base, row_treatment};
use domain::document::{Document, DocumentKind, Treatment};
use domain::error::{Error, Result};

/// The 125 column names of format version 13, in order (line 2 of the file).
pub const COLUMNS: [&str; 125] = [
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz", "WKZ Basis-Umsatz",
    "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto",
    "Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt", "Zinssperre",
    "Beleglink", "Beleginfo - Art 1", "Beleginfo - Inhalt 1", "Beleginfo - Art 2", "Beleginfo - Inhalt 2",
    "Beleginfo - Art 3", "Beleginfo - Inhalt 3", "Beleginfo - Art 4", "Beleginfo - Inhalt 4", "Beleginfo - Art 5",
    "Beleginfo - Inhalt 5", "Beleginfo - Art 6", "Beleginfo - Inhalt 6", "Beleginfo - Art 7", "Beleginfo - Inhalt 7",
    "Beleginfo - Art 8", "Beleginfo - Inhalt 8", "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)", "EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart", "Sachverhalt L+L",
    "Funktionsergänzung L+L", "BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
    "Zusatzinformation - Art 1", "Zusatzinformation- Inhalt 1", "Zusatzinformation - Art 2", "Zusatzinformation- Inhalt 2",
    "Zusatzinformation - Art 3", "Zusatzinformation- Inhalt 3", "Zusatzinformation - Art 4", "Zusatzinformation- Inhalt 4",
    "Zusatzinformation - Art 5", "Zusatzinformation- Inhalt 5", "Zusatzinformation - Art 6", "Zusatzinformation- Inhalt 6",
    "Zusatzinformation - Art 7", "Zusatzinformation- Inhalt 7", "Zusatzinformation - Art 8", "Zusatzinformation- Inhalt 8",
    "Zusatzinformation - Art 9", "Zusatzinformation- Inhalt 9", "Zusatzinformation - Art 10", "Zusatzinformation- Inhalt 10",
    "Zusatzinformation - Art 11", "Zusatzinformation- Inhalt 11", "Zusatzinformation - Art 12", "Zusatzinformation- Inhalt 12",
    "Zusatzinformation - Art 13", "Zusatzinformation- Inhalt 13", "Zusatzinformation - Art 14", "Zusatzinformation- Inhalt 14",
    "Zusatzinformation - Art 15", "Zusatzinformation- Inhalt 15", "Zusatzinformation - Art 16", "Zusatzinformation- Inhalt 16",
    "Zusatzinformation - Art 17", "Zusatzinformation- Inhalt 17", "Zusatzinformation - Art 18", "Zusatzinformation- Inhalt 18",
    "Zusatzinformation - Art 19", "Zusatzinformation- Inhalt 19", "Zusatzinformation - Art 20", "Zusatzinformation- Inhalt 20",
    "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit", "Skontotyp",
    "Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)", "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz", "Buchungs GUID",
    "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername", "Beteiligtennummer",
    "Identifikationsnummer", "Zeichnernummer", "Postensperre bis", "Bezeichnung SoBil-Sachverhalt",
    "Kennzeichen SoBil-Buchung", "Festschreibung", "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit",
    "Generalumkehr (GU)", "Steuersatz", "Land", "Abrechnungsreferenz", "BVV-Position", "EU-Land u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
];

/// Whether column `i` (0-based) holds text: written in double quotes even when empty, as
/// the format description's sample file does (its fields 2, 3, 6, 9, 11, 12, 14, 16, 20–38,
/// 40, 42, 48–87, 91, 95, 96, 98, 102, 103, 105, 107, 109, 110, 112, 118, 120, 121, 123).
/// The rest are amounts, numbers and dates, never quoted.
fn is_text(i: usize) -> bool {
    matches!(i + 1, 2 | 3 | 6 | 9 | 11 | 12 | 14 | 16 | 20..=38 | 40 | 42 | 48..=87 | 91 | 95 | 96 | 98 | 102 | 103 | 105 | 107 | 109 | 110 | 112 | 118 | 120 | 121 | 123)
}

// The columns this export fills (0-based).
const UMSATZ: usize = 0;
const SOLL_HABEN: usize = 1;
const WKZ: usize = 2;
const KURS: usize = 3;
const BASIS_UMSATZ: usize = 4;
const WKZ_BASIS: usize = 5;
const KONTO: usize = 6;
const GEGENKONTO: usize = 7;
const BU: usize = 8;
const BELEGDATUM: usize = 9;
const BELEGFELD_1: usize = 10;
const BUCHUNGSTEXT: usize = 13;
const EU_LAND: usize = 39;
const EU_STEUERSATZ: usize = 40;
const LEISTUNGSDATUM: usize = 114;
const EU_LAND_URSPRUNG: usize = 122;
const GENERALUMKEHR: usize = 117;

/// One batch's dates: DATEV takes a batch within one fiscal year, so a period a fiscal year
/// begins in (a quarter, or a month with a start on another day than the 1st) is booked in
/// one batch per fiscal year it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// The first and last day of the batch ("Datum vom", "Datum bis").
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The first day of its fiscal year ("WJ-Beginn").
    pub fiscal_year: NaiveDate,
}

/// The parts of `period`, one per fiscal year it touches, for fiscal years starting on
/// `(month, day)` (never 29 February: company.toml refuses it).
pub fn parts(period: Period, (month, day): (u32, u32)) -> Vec<Part> {
    let start_in = |year: i32| NaiveDate::from_ymd_opt(year, month, day).expect("a day every year has");
    let last = period.last_day();
    let mut first = period.first_day();
    let mut parts = Vec::new();
    loop {
        let fiscal_year = if start_in(first.year()) <= first { start_in(first.year()) } else { start_in(first.year() - 1) };
        let next = start_in(fiscal_year.year() + 1);
        let end = last.min(next.pred_opt().expect("a day before"));
        parts.push(Part { first, last: end, fiscal_year });
        if end == last {
            return parts;
        }
        first = next;
    }
}

/// The file names in `datev/` of `period`'s batches `parts` (DATEV's import expects `EXTF_`
/// at the start): `EXTF_Buchungsstapel_<period>.csv`, or, with a fiscal year beginning
/// inside the period, one per part with its dates
/// (`EXTF_Buchungsstapel_2026-Q3_20260701-20260731.csv`).
fn file_names(period: Period, parts: &[Part]) -> Vec<String> {
    let ymd = |d: NaiveDate| d.format("%Y%m%d").to_string();
    match parts {
        [_] => vec![format!("EXTF_Buchungsstapel_{period}.csv")],
        parts => parts.iter().map(|p| format!("EXTF_Buchungsstapel_{period}_{}-{}.csv", ymd(p.first), ymd(p.last))).collect(),
    }
}

/// The period's booking batches (one per fiscal year it touches), written as documents come.
pub struct Batches {
    /// Each batch's days, file name and file.
    batches: Vec<(Part, String, Batch)>,
}

impl Batches {
    /// Creates the batches' files in `dir`, named by their dates where there are several,
    /// with their header records and column names. `created` is when the batches count as
    /// made: the export takes the latest issue date of the period's documents (midnight), not
    /// the clock, so the same archive gives the same files.
    pub fn create(dir: &Path, period: Period, accounts: &Accounts, base: &str, created: NaiveDate) -> Result<Batches> {
        let parts = parts(period, accounts.fiscal_year_start);
        let names = file_names(period, &parts);
        let count = parts.len();
        let batches = parts
            .into_iter()
            .zip(names)
            .enumerate()
            .map(|(i, (part, name))| {
                // "Bezeichnung" holds at most 30 characters: "Ausgangsrechnungen 2026-Q3 1/2".
                let label = if count == 1 { format!("Ausgangsrechnungen {period}") } else { format!("Ausgangsrechnungen {period} {}/{count}", i + 1) };
                let batch = Batch::create(&dir.join(&name), part, &label, accounts, base, created)?;
                Ok((part, name, batch))
            })
            .collect::<Result<_>>()?;
        Ok(Batches { batches })
    }

    /// Appends the bookings of `docs`, each to the batch of its issue date (Belegdatum).
    pub fn write<'d>(&mut self, docs: impl IntoIterator<Item = &'d Document>) -> Result<()> {
        for d in docs {
            let (_, _, batch) = self
                .batches
                .iter_mut()
                .find(|(part, _, _)| (part.first..=part.last).contains(&d.issue_date))
                .expect("the export's documents are issued in its period");
            batch.write(d)?;
        }
        Ok(())
    }

    /// Flushes the files; returns their names, in date order.
    pub fn finish(self) -> Result<Vec<String>> {
        self.batches.into_iter().map(|(_, name, batch)| batch.finish().map(|()| name)).collect()
    }
}

/// One booking batch file.
struct Batch {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    accounts: Accounts,
    line: Vec<u8>,
}

impl Batch {
    fn create(path: &Path, part: Part, label: &str, accounts: &Accounts, base: &str, created: NaiveDate) -> Result<Batch> {
        let file = std::fs::File::create_new(path).map_err(|e| Error::io(path, e))?;
        let mut batch = Batch { path: path.to_path_buf(), file: std::io::BufWriter::new(file), accounts: accounts.clone(), line: Vec::new() };
        let header = header(part, label, accounts, base, created);
        batch.write_fields(header.iter().map(|(v, quoted)| (v.as_str(), *quoted)))?;
        batch.write_fields(COLUMNS.iter().map(|c| (*c, false)))?;
        Ok(batch)
    }

    /// Appends the bookings of `d`.
    fn write(&mut self, d: &Document) -> Result<()> {
        for row in bookings(d, &self.accounts) {
            let mut fields: [&str; 125] = [""; 125];
            for (column, value) in &row {
                fields[*column] = value.as_str();
            }
            self.write_fields(fields.iter().enumerate().map(|(i, v)| (*v, is_text(i))))?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.file.flush().map_err(|e| Error::io(&self.path, e))
    }

    /// One line: `;` between fields, CRLF at the end, quoted fields with `"` doubled.
    fn write_fields<'v>(&mut self, fields: impl Iterator<Item = (&'v str, bool)>) -> Result<()> {
        self.line.clear();
        for (i, (value, quoted)) in fields.enumerate() {
            if i > 0 {
                self.line.push(b';');
            }
            if quoted {
                self.line.push(b'"');
                cp1252::encode_into(&mut self.line, &value.replace('"', "\"\""));
                self.line.push(b'"');
            } else {
                cp1252::encode_into(&mut self.line, value);
            }
        }
        self.line.extend_from_slice(b"\r\n");
        self.file.write_all(&self.line).map_err(|e| Error::io(&self.path, e))
    }
}

/// The header record's 31 fields of the batch `part`, each with whether it is quoted.
fn header(part: Part, label: &str, accounts: &Accounts, base: &str, created: NaiveDate) -> Vec<(String, bool)> {
    let ymd = |d: NaiveDate| d.format("%Y%m%d").to_string();
    let t = |s: &str| (s.to_string(), true);
    let n = |s: String| (s, false);
    vec![
        t("EXTF"),                                   // 1 Kennzeichen
        n("700".into()),                             // 2 Versionsnummer
        n("21".into()),                              // 3 Formatkategorie: Buchungsstapel
        t("Buchungsstapel"),                         // 4 Formatname
        n("13".into()),                              // 5 Formatversion
        n(format!("{}000000000", ymd(created))),     // 6 Erzeugt am (YYYYMMDDHHMMSSFFF)
        n(String::new()),                            // 7 Importiert
        t("RE"),                                     // 8 Herkunft: Rechnungswesen
        t("invoicesmith"),                           // 9 Exportiert von
        t(""),                                       // 10 Importiert von
        n(accounts.datev_consultant.to_string()),    // 11 Berater
        n(accounts.datev_client.to_string()),        // 12 Mandant
        n(ymd(part.fiscal_year)),                    // 13 WJ-Beginn
        n(accounts.account_length.to_string()),      // 14 Sachkontenlänge
        n(ymd(part.first)),                          // 15 Datum vom
        n(ymd(part.last)),                           // 16 Datum bis
        t(label),                                    // 17 Bezeichnung (≤ 30)
        t(""),                                       // 18 Diktatkürzel
        n("1".into()),                               // 19 Buchungstyp: Finanzbuchführung
        n("0".into()),                               // 20 Rechnungslegungszweck
        n("0".into()),                               // 21 Festschreibung: no, the adviser checks first
        t(base),                                     // 22 WKZ
        n(String::new()),                            // 23 reserviert
        t(""),                                       // 24 Derivatskennzeichen
        n(String::new()),                            // 25 reserviert
        n(String::new()),                            // 26 reserviert
        t(accounts.chart.code()),                    // 27 Sachkontenrahmen
        n(String::new()),                            // 28 ID der Branchenlösung
        n(String::new()),                            // 29 reserviert
        t(""),                                       // 30 reserviert
        t(""),                                       // 31 Anwendungsinformation
    ]
}

/// A DATEV amount: at least two decimals, a decimal comma, no sign (`1980,00`, `12,60`).
pub fn datev_amount(d: Decimal, digits: u32) -> String {
    amt(d.abs(), digits.max(2)).replace('.', ",")
}

/// The bookings of one document: (column, value) pairs of each line.
fn bookings(d: &Document, accounts: &Accounts) -> Vec<Vec<(usize, String)>> {
    let mut rows = Vec::new();
    let digits = d.minor_units();
    for r in &d.tax_breakdown {
        let gross = r.taxable_amount + r.tax_amount;
        if gross.is_zero() {
            continue; // DATEV refuses an Umsatz of 0,00; a zero row books nothing
        }
        let treatment = row_treatment(d, r);
        let rate = r.tax_rate.normalize();
        let rule = accounts.revenue(treatment, rate, d.tax.jurisdiction.as_str());
        // An invoice debits the clearing account; a negative row (a plan change's credit on
        // an invoice) credits it. A credit note reverses the same booking.
        let side = if gross.is_sign_negative() { "H" } else { "S" };
        // A document in another currency is booked in it with Kurs, Basis-Umsatz and WKZ
        // Basis-Umsatz (DATEV asks for all three with a foreign WKZ Umsatz); where its rate is
        // not one DATEV's Kurs can hold (below 1: 1 EUR = 0.8571 GBP), in the base currency
        // instead, with the amount in the document's currency in the Buchungstext. The
        // base-currency amount is the VAT summary's (`in_base`) either way.
        let in_base_currency = d.in_base_currency().map(|b| {
            let (taxable, tax, currency) = in_base(d, r.taxable_amount, r.tax_amount);
            (kurs(b, d.currency), datev_amount(taxable + tax, 2), currency)
        });
        let (umsatz, wkz, text) = match &in_base_currency {
            Some((None, amount, currency)) => {
                (amount.clone(), currency.clone(), with_amount(&booking_text(d), &format!("{} {}", datev_amount(gross, digits), d.currency)))
            }
            _ => (datev_amount(gross, digits), d.currency.to_string(), booking_text(d)),
        };
        let mut row = vec![
            (UMSATZ, umsatz),
            (SOLL_HABEN, side.to_string()),
            (WKZ, wkz),
            (KONTO, if d.payment.method == domain::payment::terms::BANK_TRANSFER { accounts.receivable.clone() } else { accounts.clearing.clone() }),
            (GEGENKONTO, rule.account.clone()),
            (BU, bu_key(&rule.tax_key)),
            (BELEGDATUM, d.issue_date.format("%d%m").to_string()),
            (BELEGFELD_1, belegfeld(d.number.as_str())),
            (BUCHUNGSTEXT, text),
            (LEISTUNGSDATUM, d.supply_date().format("%d%m%Y").to_string()),
        ];
        if let Some((Some(kurs), amount, currency)) = in_base_currency {
            row.push((KURS, kurs));
            row.push((BASIS_UMSATZ, amount));
            row.push((WKZ_BASIS, currency));
        }
        match treatment {
            Treatment::Oss => {
                row.push((EU_LAND, d.tax.jurisdiction.to_string()));
                row.push((EU_STEUERSATZ, format!("{:0>5}", datev_amount(rate, 2))));
                // Where the supply comes from, by the seller's VAT ID: DATEV otherwise takes
                // Germany (its OSS note: member state and rate of the customer, and of the
                // sender "anhand UStID").
                row.push((EU_LAND_URSPRUNG, d.seller.tax_id.clone().unwrap_or_default().replace(' ', "")));
            }
            Treatment::ReverseCharge => row.push((EU_LAND, d.customer.tax_id.clone().unwrap_or_default().replace(' ', ""))),
            _ => {}
        }
        if d.kind == DocumentKind::CreditNote {
            row.push((GENERALUMKEHR, "1".into()));
        }
        rows.push(row);
    }
    rows
}

/// The BU-Schlüssel as the format writes it: four digits (`3` → `0003`), or empty.
fn bu_key(key: &str) -> String {
    if key.is_empty() { String::new() } else { format!("{key:0>4}") }
}

/// Kurs (field 4): foreign currency units per unit of the base currency, as the rate the
/// document's base-currency amounts (Art. 230 statement or the books' restatement) were made
/// with was published (the ECB's form: 1 EUR = 1.0870 USD); the inverse of a rate published
/// the other way round, at six decimals (rounded half away from zero).
///
/// `None` where DATEV's pattern for the field, `^([1-9]\d{0,3}[,]\d{2,6})$`, cannot hold it:
/// a rate below 1 ("Der Wert 0 ist unzulässig", and no leading 0 either: 1 EUR = 0.8571 GBP),
/// 10,000 or more, or more than six decimals. A foreign Umsatz without a Kurs is a booking
/// DATEV's import refuses (#4, #5 and #6 are required with it), and the format has no way to
/// write the rate the other way round, so [`bookings`] books such a document in the base
/// currency (the amounts it states there) rather than in its own.
fn kurs(b: &domain::document::BaseCurrencyTax, currency: domain::money::Currency) -> Option<String> {
    let rate = if b.published_base == b.currency && b.published_quote == currency {
        b.published_rate
    } else if b.published_base == currency && b.published_quote == b.currency && !b.published_rate.is_zero() {
        (Decimal::ONE / b.published_rate).round_dp_with_strategy(6, domain::money::ROUNDING)
    } else {
        return None;
    };
    let rate = rate.normalize();
    let digits = rate.scale().clamp(2, 6);
    (rate >= Decimal::ONE && rate < Decimal::from(10_000) && rate.scale() <= 6).then(|| amt(rate, digits).replace('.', ","))
}

/// Belegfeld 1: the document number in the characters DATEV allows there (letters, digits,
/// `_ $ & % * + - /`; at most 36). Number patterns are made of these in practice; any other
/// character is left out rather than failing the import.
fn belegfeld(number: &str) -> String {
    number.chars().filter(|c| c.is_ascii_alphanumeric() || "_$&%*+-/".contains(*c)).take(36).collect()
}

/// Buchungstext (at most 60 characters): the customer on an invoice, the invoice credited
/// on a credit note. A customer's name that a spreadsheet would take for a formula
/// (`=HYPERLINK(…)`) gets a leading `'`, as in every other CSV of the export: accountants
/// open this file in Excel too.
fn booking_text(d: &Document) -> String {
    let text = match (d.kind, d.references.first()) {
        (DocumentKind::CreditNote, Some(r)) => format!("Gutschrift zu {} {}", r.number, d.customer.name),
        _ if crate::csv_out::could_start_a_formula(&d.customer.name) => format!("'{}", d.customer.name),
        _ => d.customer.name.clone(),
    };
    text.chars().take(60).collect()
}

/// A Buchungstext `text` followed by `amount` (`12,99 GBP`: a booking's amount in the
/// document's currency where Umsatz is the base currency's), `text` shortened so that the
/// amount stays within the field's 60 characters.
fn with_amount(text: &str, amount: &str) -> String {
    let room = 60usize.saturating_sub(amount.chars().count() + 1);
    let text: String = text.chars().take(room).collect();
    format!("{text} {amount}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_a_decimal_comma_two_decimals_at_least_and_no_sign() {
        assert_eq!(datev_amount(Decimal::new(-1260, 2), 2), "12,60");
        assert_eq!(datev_amount(Decimal::from(1980), 0), "1980,00");
        assert_eq!(datev_amount(Decimal::new(12345, 3), 3), "12,345");
    }

    #[test]
    fn tax_keys_have_four_digits_and_belegfeld_only_the_allowed_characters() {
        assert_eq!(bu_key("3"), "0003");
        assert_eq!(bu_key("240"), "0240");
        assert_eq!(bu_key(""), "");
        assert_eq!(belegfeld("KL-INV-2026-000001"), "KL-INV-2026-000001");
        assert_eq!(belegfeld("R.2026 #7/ü"), "R20267/");
    }

    /// Whether `s` matches DATEV's pattern for Kurs, `^([1-9]\d{0,3}[,]\d{2,6})$`.
    fn is_datev_kurs(s: &str) -> bool {
        let Some((int, frac)) = s.split_once(',') else { return false };
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        (1..=4).contains(&int.len()) && !int.starts_with('0') && digits(int) && (2..=6).contains(&frac.len()) && digits(frac)
    }

    /// A statement in euros made at `1 base = rate quote`.
    fn statement(base: &str, quote: &str, rate: &str) -> domain::document::BaseCurrencyTax {
        let c = |code: &str| domain::money::Currency::parse(code).unwrap();
        domain::document::BaseCurrencyTax {
            currency: c("EUR"),
            exchange_rate: Decimal::ONE,
            published_rate: rate.parse().unwrap(),
            published_base: c(base),
            published_quote: c(quote),
            rate_date: day(2026, 10, 2),
            source: "ECB".into(),
            taxable_amount: Decimal::ZERO,
            tax_amount: Decimal::ZERO,
        }
    }

    #[test]
    fn kurs_is_written_only_where_datevs_pattern_holds_it() {
        let c = |code: &str| domain::money::Currency::parse(code).unwrap();
        let kurs_of = |currency: &str, base: &str, quote: &str, rate: &str| kurs(&statement(base, quote, rate), c(currency));
        // Foreign units per euro, as the ECB publishes them.
        assert_eq!(kurs_of("USD", "EUR", "USD", "1.0839").as_deref(), Some("1,0839"));
        assert_eq!(kurs_of("JPY", "EUR", "JPY", "162.66").as_deref(), Some("162,66"));
        assert_eq!(kurs_of("SEK", "EUR", "SEK", "11.2840").as_deref(), Some("11,284"));
        assert_eq!(kurs_of("USD", "EUR", "USD", "2").as_deref(), Some("2,00"));
        // A rate published the other way round: its inverse at six decimals.
        assert_eq!(kurs_of("USD", "USD", "EUR", "0.9226").as_deref(), Some("1,083893"));
        // Below 1 (GBP, CHF), 10,000 or more, more than six decimals, or a rate of another
        // pair: the pattern cannot hold it.
        assert_eq!(kurs_of("GBP", "EUR", "GBP", "0.8571"), None);
        assert_eq!(kurs_of("CHF", "EUR", "CHF", "0.9381"), None);
        assert_eq!(kurs_of("GBP", "GBP", "EUR", "1.1667"), None);
        assert_eq!(kurs_of("IDR", "EUR", "IDR", "17500.5"), None);
        assert_eq!(kurs_of("USD", "EUR", "USD", "1.0839123"), None);
        assert_eq!(kurs_of("USD", "EUR", "GBP", "0.8571"), None);
        // A pair that shares one currency with the document's is still another pair, and
        // 10,000 itself is beyond the pattern's four digits.
        assert_eq!(kurs_of("USD", "EUR", "JPY", "162.66"), None);
        assert_eq!(kurs_of("USD", "USD", "JPY", "0.5"), None);
        assert_eq!(kurs_of("IDR", "EUR", "IDR", "10000"), None);
        assert_eq!(kurs_of("IDR", "EUR", "IDR", "9999.5").as_deref(), Some("9999,50"));
        for (currency, base, quote, rate) in [("USD", "EUR", "USD", "1.0839"), ("JPY", "EUR", "JPY", "162.66"), ("USD", "USD", "EUR", "0.9226"), ("NOK", "EUR", "NOK", "11.562"), ("HUF", "EUR", "HUF", "9999.99")] {
            let k = kurs_of(currency, base, quote, rate).unwrap();
            assert!(is_datev_kurs(&k), "{k}");
        }
        for bad in ["0,8571", "1", "1,0", "10000,00", "1,0839123", "01,50"] {
            assert!(!is_datev_kurs(bad), "{bad}");
        }
    }

    #[test]
    fn an_amount_added_to_the_buchungstext_stays_within_its_60_characters() {
        assert_eq!(with_amount("Oliver Smith", "12,99 GBP"), "Oliver Smith 12,99 GBP");
        let long = with_amount(&"x".repeat(60), "1234,50 CHF");
        assert_eq!((long.chars().count(), long.ends_with(" 1234,50 CHF")), (60, true));
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_period_is_one_batch_per_fiscal_year_it_touches() {
        let part = |first, last, fiscal_year| Part { first, last, fiscal_year };
        let q3 = Period::Quarter { year: 2026, quarter: 3 };
        // The calendar year, or one beginning on the first of a quarter: one batch.
        assert_eq!(parts(q3, (1, 1)), [part(day(2026, 7, 1), day(2026, 9, 30), day(2026, 1, 1))]);
        assert_eq!(parts(q3, (7, 1)), [part(day(2026, 7, 1), day(2026, 9, 30), day(2026, 7, 1))]);
        assert_eq!(parts(q3, (10, 1)), [part(day(2026, 7, 1), day(2026, 9, 30), day(2025, 10, 1))]);
        // A fiscal year beginning on 1 August: July closes the old one.
        assert_eq!(parts(q3, (8, 1)), [part(day(2026, 7, 1), day(2026, 7, 31), day(2025, 8, 1)), part(day(2026, 8, 1), day(2026, 9, 30), day(2026, 8, 1))]);
        // On the 15th: a month is split too; December and January around a year's end.
        let july = Period::Month { year: 2026, month: 7 };
        assert_eq!(parts(july, (7, 15)), [part(day(2026, 7, 1), day(2026, 7, 14), day(2025, 7, 15)), part(day(2026, 7, 15), day(2026, 7, 31), day(2026, 7, 15))]);
        let q1 = Period::Quarter { year: 2027, quarter: 1 };
        assert_eq!(parts(q1, (2, 1)), [part(day(2027, 1, 1), day(2027, 1, 31), day(2026, 2, 1)), part(day(2027, 2, 1), day(2027, 3, 31), day(2027, 2, 1))]);
        assert_eq!(parts(Period::Month { year: 2028, month: 2 }, (1, 1)), [part(day(2028, 2, 1), day(2028, 2, 29), day(2028, 1, 1))]);
        assert_eq!(parts(Period::Month { year: 2026, month: 12 }, (12, 31)), [part(day(2026, 12, 1), day(2026, 12, 30), day(2025, 12, 31)), part(day(2026, 12, 31), day(2026, 12, 31), day(2026, 12, 31))]);
        assert_eq!(file_names(q3, &parts(q3, (1, 1))), ["EXTF_Buchungsstapel_2026-Q3.csv"]);
        assert_eq!(file_names(q3, &parts(q3, (8, 1))), ["EXTF_Buchungsstapel_2026-Q3_20260701-20260731.csv", "EXTF_Buchungsstapel_2026-Q3_20260801-20260930.csv"]);
    }

    #[test]
    fn the_header_record_has_31_fields_and_the_fiscal_year_of_the_period() {
        let accounts = Accounts { fiscal_year_start: (7, 1), ..Accounts::default() };
        let [part] = parts(Period::Month { year: 2026, month: 3 }, accounts.fiscal_year_start)[..] else { panic!("one part") };
        let h = header(part, "Ausgangsrechnungen 2026-03", &accounts, "EUR", day(2026, 3, 31));
        assert_eq!(h.len(), 31);
        let line: Vec<String> = h.iter().map(|(v, q)| if *q { format!("\"{v}\"") } else { v.clone() }).collect();
        assert_eq!(
            line.join(";"),
            "\"EXTF\";700;21;\"Buchungsstapel\";13;20260331000000000;;\"RE\";\"invoicesmith\";\"\";1001;1;20250701;4;20260301;20260331;\"Ausgangsrechnungen 2026-03\";\"\";1;0;0;\"EUR\";;\"\";;;\"03\";;;\"\";\"\""
        );
        assert_eq!(COLUMNS.len(), 125);
    }
}
