//! Synthetic data: a realistic month of payment history of any size, for benchmarks and
//! scale tests.
//!
//! Deterministic for a seed (ChaCha8), so a benchmark run can be repeated exactly. The mix
//! follows the platform: mostly card charges for plans and credit packs to consumers across
//! the EU and beyond, businesses with VAT IDs (reverse charge and domestic), failed and
//! pending payments, plan upgrades with proration, partial and full refunds, and duplicate
//! charges with their refunds. Businesses have Peppol IDs (their VAT number in its EAS
//! scheme) and purchase orders, and charges name the card, so a generated month exercises
//! the Peppol and XRechnung e-invoices too. Output is the text of a data folder (see
//! `input::Sources`).

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::input::Sources;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub transactions: usize,
    pub seed: u64,
    /// First day of the first month to fill.
    pub month: NaiveDate,
    /// How many consecutive months to fill (1 for a month-end run; more to cross a rate
    /// change, with plan changes adjusting charges of earlier months).
    pub months: u32,
    /// Percent of successful monthly-plan charges that are plan changes crediting unused
    /// time on an earlier charge of the same customer (3 in a realistic month).
    pub plan_changes: u32,
}

/// The seller: the same as the shipped samples.
const COMPANY: &str = include_str!("../../samples/company.toml");
/// The logo the samples' company.toml names (`[brand] logo`), written beside it.
const LOGO: (&str, &[u8]) = ("logo.svg", include_bytes!("../../samples/logo.svg"));

/// (country, weight, currencies with weights, business tax IDs valid by their country's rules)
struct Market {
    country: &'static str,
    weight: u32,
    currency: &'static [(&'static str, u32)],
    business_ids: &'static [&'static str],
    city: &'static str,
    postal: &'static str,
    first: &'static [&'static str],
    last: &'static [&'static str],
    language: &'static str,
}

const EUR: &[(&str, u32)] = &[("EUR", 95), ("USD", 5)];

macro_rules! market {
    ($c:expr, $w:expr, $cur:expr, $ids:expr, $city:expr, $postal:expr, $lang:expr, $first:expr, $last:expr) => {
        Market { country: $c, weight: $w, currency: $cur, business_ids: $ids, city: $city, postal: $postal, language: $lang, first: $first, last: $last }
    };
}

const LATIN_FIRST: &[&str] = &["Anna", "Lukas", "Sofia", "Mateo", "Emma", "Noah", "Mia", "Leon", "Clara", "Jonas"];
const LATIN_LAST: &[&str] = &["Novak", "Rossi", "Meyer", "Laurent", "García", "Jansen", "Horváth", "Nieminen", "Dubois", "Kovač"];

const MARKETS: &[Market] = &[
    market!("DE", 18, EUR, &["DE123456788", "DE876543219"], "Berlin", "10115", "de", &["Jürgen", "Lena", "Max", "Sophie"], &["Müller", "Schmidt", "Weiß", "Groß"]),
    market!("FR", 12, EUR, &["FR11123456782", "FR14987654324"], "Lyon", "69002", "fr", &["Élodie", "Théo", "Chloé", "Hugo"], &["Durand", "Lefèvre", "Moreau", "Bérard"]),
    market!("IT", 8, EUR, &["IT12345670017", "IT76543210157"], "Milano", "20121", "it", &["Giulia", "Luca", "Chiara", "Marco"], &["Rossi", "Bianchi", "Esposito", "Ricci"]),
    market!("ES", 7, EUR, &["ESB12345674", "ESA76543214"], "Madrid", "28013", "es", &["Lucía", "Hugo", "Martina", "Pablo"], &["García", "Martínez", "López", "Núñez"]),
    market!("NL", 5, EUR, &["NL123456782B01", "NL111222333B01"], "Utrecht", "3511 AA", "nl", &["Daan", "Sanne", "Bram", "Fleur"], &["de Vries", "Jansen", "Bakker", "Visser"]),
    market!("PL", 5, &[("EUR", 40), ("PLN", 60)], &["PL1234563218", "PL7654321235"], "Łódź", "90-006", "pl", &["Zofia", "Łukasz", "Agnieszka", "Paweł"], &["Kowalska", "Wiśniewski", "Wójcik", "Żak"]),
    market!("AT", 3, EUR, &["ATU12345675", "ATU76543215"], "Wien", "1010", "de", &["Lukas", "Anna", "Felix", "Hannah"], &["Gruber", "Huber", "Wagner", "Pichler"]),
    market!("IE", 2, EUR, &["IE1234567T", "IE3141592EA"], "Cork", "T12 X2Y3", "en", &["Aoife", "Seán", "Niamh", "Cian"], &["Byrne", "Ó Briain", "Murphy", "Kelly"]),
    market!("EE", 3, EUR, &["EE109876546"], "Tartu", "51004", "et", &["Mari", "Jaan", "Liis", "Mart"], &["Tamm", "Saar", "Sepp", "Mägi"]),
    market!("GR", 2, EUR, &["EL123456783", "EL098765430"], "Αθήνα", "105 63", "el", &["Νίκος", "Ελένη", "Γιώργος", "Μαρία"], &["Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Νικολάου"]),
    market!("SE", 3, &[("EUR", 50), ("SEK", 50)], &[], "Malmö", "211 20", "sv", LATIN_FIRST, &["Andersson", "Öberg", "Åkesson", "Lindqvist"]),
    market!("BE", 3, EUR, &[], "Gent", "9000", "nl", LATIN_FIRST, LATIN_LAST),
    market!("FI", 2, EUR, &[], "Helsinki", "00100", "fi", LATIN_FIRST, &["Virtanen", "Mäkinen", "Hämäläinen", "Nieminen"]),
    market!("PT", 2, EUR, &[], "Porto", "4000-123", "pt", LATIN_FIRST, &["Silva", "Gonçalves", "Conceição", "Araújo"]),
    market!("CZ", 2, EUR, &[], "Brno", "602 00", "cs", LATIN_FIRST, &["Dvořák", "Černý", "Procházka", "Růžička"]),
    market!("DK", 1, EUR, &[], "Aarhus", "8000", "da", LATIN_FIRST, LATIN_LAST),
    market!("RO", 1, EUR, &[], "Cluj-Napoca", "400001", "ro", LATIN_FIRST, LATIN_LAST),
    market!("HU", 1, EUR, &[], "Budapest", "1051", "hu", LATIN_FIRST, LATIN_LAST),
    market!("SK", 1, EUR, &[], "Bratislava", "811 01", "sk", LATIN_FIRST, LATIN_LAST),
    market!("HR", 1, EUR, &[], "Zagreb", "10000", "hr", LATIN_FIRST, LATIN_LAST),
    market!("LU", 1, EUR, &[], "Luxembourg", "1111", "fr", LATIN_FIRST, LATIN_LAST),
    market!("GB", 8, &[("GBP", 100)], &["GB123456782"], "London", "NW1 6XE", "en-GB", &["Oliver", "Amelia", "Harry", "Isla"], &["Smith", "Jones", "Taylor", "O'Brien"]),
    market!("NO", 1, &[("NOK", 100)], &["NO123456785MVA"], "Bergen", "5003", "nb", LATIN_FIRST, &["Hansen", "Johansen", "Bø", "Sæther"]),
    market!("CH", 1, &[("CHF", 100)], &["CHE123456788"], "Zürich", "8001", "de", LATIN_FIRST, LATIN_LAST),
    market!("AU", 2, &[("AUD", 100)], &["18123456789"], "Sydney", "2000", "en", LATIN_FIRST, LATIN_LAST),
    market!("US", 12, &[("USD", 100)], &[], "Austin", "78701", "en", &["James", "Olivia", "Liam", "Ava"], &["Johnson", "Williams", "Brown", "Davis"]),
    market!("CA", 2, &[("USD", 100)], &[], "Toronto", "M5V 2T6", "en", LATIN_FIRST, LATIN_LAST),
    market!("JP", 2, &[("JPY", 100)], &[], "Tokyo", "150-0001", "ja", &["Hanako", "Haruto", "Yui", "Sota"], &["Sato", "Suzuki", "Takahashi", "Tanaka"]),
    market!("BR", 1, &[("USD", 100)], &[], "São Paulo", "01310-100", "pt", LATIN_FIRST, &["Silva", "Souza", "Conceição", "Araújo"]),
];

/// (description, price in EUR-like currencies, price in JPY, service months or 0)
const PRODUCTS: &[(&str, &str, &str, u32)] = &[
    ("Pro plan (monthly)", "14.99", "1980", 1),
    ("Pro plan (annual)", "149.00", "19800", 12),
    ("Studio plan (monthly)", "29.99", "3980", 1),
    ("Studio plan (annual)", "299.00", "39800", 12),
    ("Credit pack 1000 credits", "9.99", "1280", 0),
    ("Credit pack 5000 credits", "39.00", "4980", 0),
];

struct Customer {
    id: String,
    market: &'static Market,
    business: bool,
    currency: &'static str,
}

struct Charge {
    id: String,
    customer: usize,
    amount: String,
    currency: &'static str,
    basis: &'static str,
    refunded: bool,
    /// What is left of it to refund or adjust, so generated credits never exceed it.
    left: rust_decimal::Decimal,
}

/// Writes a generated data folder into `out` (created if missing): `company.toml`,
/// `customers.csv`, `transactions.csv`, `exchange_rates.csv` and the logo company.toml names.
/// A folder that holds anything already is refused unless `force` (then those files are replaced and
/// anything else is left alone): a data folder is someone's work.
pub fn write(spec: &Spec, out: &std::path::Path, force: bool) -> crate::Result<()> {
    use crate::Error;
    let occupied = match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(out, e)),
    };
    if occupied && !force {
        return Err(Error::Refused(format!(
            "{}: is not empty; sample writes a new data folder (choose an empty or new folder, or pass --force to replace its data files)",
            out.display()
        )));
    }
    let files = generate(spec);
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let exchange_rates = files.exchange_rates.unwrap_or_default();
    for (name, text) in [
        (crate::input::COMPANY, &files.company),
        (crate::input::CUSTOMERS, &files.customers),
        (crate::input::TRANSACTIONS, &files.transactions),
        (crate::input::EXCHANGE_RATES, &exchange_rates),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    let path = out.join(LOGO.0);
    std::fs::write(&path, LOGO.1).map_err(|e| Error::io(&path, e))?;
    Ok(())
}

/// Generates a data folder's files.
pub fn generate(spec: &Spec) -> Sources {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let total_weight: u32 = MARKETS.iter().map(|m| m.weight).sum();
    let n_customers = (spec.transactions / 3).max(10);

    let mut customers_csv = csv::Writer::from_writer(Vec::new());
    customers_csv
        .write_record([
            "customer_id", "type", "name", "email", "address_line1", "address_line2", "city", "postal_code", "region", "country", "vat_id",
            "vat_id_status", "language", "peppol_id", "buyer_reference",
        ])
        .expect("in memory");
    let mut customers = Vec::with_capacity(n_customers);
    for i in 0..n_customers {
        let mut pick = rng.random_range(0..total_weight);
        let market = MARKETS.iter().find(|m| if pick < m.weight { true } else { pick -= m.weight; false }).expect("weights");
        let business = !market.business_ids.is_empty() && rng.random_range(0..100) < 15;
        let mut cpick = rng.random_range(0..100);
        let currency = market.currency.iter().find(|(_, w)| if cpick < *w { true } else { cpick -= w; false }).map_or("EUR", |c| c.0);
        let first = market.first[rng.random_range(0..market.first.len())];
        let last = market.last[rng.random_range(0..market.last.len())];
        let id = format!("cus_{i:07}");
        let (name, vat_id, status) = if business {
            let vat = market.business_ids[rng.random_range(0..market.business_ids.len())];
            (format!("{last} Studio {i}"), vat.to_string(), "valid")
        } else {
            (format!("{first} {last}"), String::new(), "")
        };
        customers_csv
            .write_record([
                id.as_str(),
                if business { "business" } else { "individual" },
                &name,
                &format!("{}@example.com", id),
                &format!("{} {}", last, 1 + i % 200),
                "",
                market.city,
                market.postal,
                "",
                market.country,
                &vat_id,
                status,
                market.language,
                &peppol_id(market.country, &vat_id).unwrap_or_default(),
                "",
            ])
            .expect("in memory");
        customers.push(Customer { id, market, business, currency });
    }

    let mut tx = csv::Writer::from_writer(Vec::new());
    tx.write_record([
        "transaction_id", "type", "status", "customer_id", "timestamp", "currency", "description", "quantity", "unit_amount",
        "amount_basis", "proration", "service_start", "service_end", "refers_to", "reason", "card_country", "ip_country", "card_brand",
        "card_last4", "payment_id", "purchase_order",
    ])
    .expect("in memory");
    let last_month = spec.month.checked_add_months(chrono::Months::new(spec.months.max(1) - 1)).expect("in range");
    let days = days_in_month(last_month);
    let span = (last_month + Duration::days(i64::from(days)) - spec.month).num_seconds();
    // Sorted instants across the month.
    let mut instants: Vec<i64> = (0..spec.transactions).map(|_| rng.random_range(0..span)).collect();
    instants.sort_unstable();
    let tallinn = chrono_tz::Europe::Tallinn;
    let start = tallinn.from_local_datetime(&spec.month.and_hms_opt(0, 0, 0).expect("midnight")).earliest().expect("valid");
    let mut charges: Vec<Charge> = Vec::new();
    for (k, offset) in instants.into_iter().enumerate() {
        let at = start + Duration::seconds(offset);
        let timestamp = at.fixed_offset().to_rfc3339();
        let date = at.date_naive();
        let id = format!("tx_{k:07}");
        let roll = rng.random_range(0..1000);
        // Refund of an earlier charge (3 %), duplicate (0.5 %), else a charge.
        if roll < 30 && !charges.is_empty() {
            let idx = rng.random_range(0..charges.len());
            if !charges[idx].refunded {
                let c = &mut charges[idx];
                c.refunded = true;
                let cust = &customers[c.customer];
                let left = amount_text(c.left, c.currency);
                let amount = if rng.random_bool(0.6) { left } else { half(&left, c.currency) };
                c.left -= decimal(&amount);
                let (card, ip) = (cust.market.country, cust.market.country);
                let reason = ["requested_by_customer", "technical_issue", "charged_after_cancellation"][rng.random_range(0..3)];
                let (brand, last4) = card_of(&c.id);
                tx.write_record([&id, "refund", "succeeded", &cust.id, &timestamp, c.currency, "Refund", "1", &amount, c.basis, "false", "", "", &c.id, reason, card, ip, brand, &last4, "", ""]).expect("in memory");
                continue;
            }
        }
        if (30..35).contains(&roll) && !charges.is_empty() {
            let idx = rng.random_range(0..charges.len());
            let (cid, amount, currency, basis, customer) = {
                let c = &charges[idx];
                (c.id.clone(), c.amount.clone(), c.currency, c.basis, c.customer)
            };
            let cust = &customers[customer];
            let country = cust.market.country;
            tx.write_record([&id, "duplicate", "succeeded", &cust.id, &timestamp, currency, "Duplicate charge", "1", &amount, basis, "false", "", "", &cid, "duplicate", country, country, "", "", "", ""]).expect("in memory");
            if rng.random_bool(0.8) {
                let rid = format!("{id}r");
                tx.write_record([&rid, "refund", "succeeded", &cust.id, &timestamp, currency, "Refund of duplicate charge", "1", &amount, basis, "false", "", "", &id, "duplicate", country, country, "", "", "", ""]).expect("in memory");
            }
            continue;
        }
        let ci = rng.random_range(0..customers.len());
        let cust = &customers[ci];
        let status = match rng.random_range(0..100) {
            0..4 => "failed",
            4 if date.day() + 2 > days => "pending",
            _ => "succeeded",
        };
        let (card, ip) = match rng.random_range(0..100) {
            0..3 => ("US", cust.market.country),
            3..5 => (cust.market.country, "NL"),
            _ => (cust.market.country, cust.market.country),
        };
        let basis = if cust.business { "net" } else { "gross" };
        let (desc, price, price_jpy, months) = PRODUCTS[rng.random_range(0..PRODUCTS.len())];
        let jpy = cust.currency == "JPY";
        let unit = if jpy { price_jpy } else { price };
        let qty = if cust.business && months > 0 { rng.random_range(1..6) } else { 1 };
        let (s_start, s_end) = if months > 0 {
            let end = date.checked_add_months(chrono::Months::new(months)).expect("in range") - Duration::days(1);
            (date.to_string(), end.to_string())
        } else {
            (String::new(), String::new())
        };
        let total = decimal(unit) * rust_decimal::Decimal::from(qty);
        let (brand, last4) = card_of(&id);
        let order = if cust.business { format!("PO-{k:07}") } else { String::new() };
        tx.write_record([&id, "charge", status, &cust.id, &timestamp, cust.currency, desc, &qty.to_string(), unit, basis, "false", &s_start, &s_end, "", "", card, ip, brand, &last4, "", &order]).expect("in memory");
        // An upgrade: credit for unused time on an earlier charge of the same customer.
        let mut line_total = total;
        if status == "succeeded" && months == 1 && rng.random_range(0..100) < spec.plan_changes {
            // Within a month only recent charges are searched, which keeps generating linear;
            // across months a plan change may adjust a charge of any earlier month.
            let window = if spec.months > 1 { charges.len() } else { 50 };
            if let Some(prev) = charges.iter_mut().rev().take(window).find(|c| c.customer == ci && c.currency == cust.currency && c.basis == basis) {
                let credit = half(&amount_text(prev.left, prev.currency), prev.currency);
                if decimal(&credit) < line_total && decimal(&credit) > rust_decimal::Decimal::ZERO {
                    line_total -= decimal(&credit);
                    prev.left -= decimal(&credit);
                    tx.write_record([&id, "charge", status, &cust.id, &timestamp, cust.currency, "Unused time on previous plan", "1", &format!("-{credit}"), basis, "true", &s_start, &s_end, &prev.id, "", card, ip, brand, &last4, "", &order]).expect("in memory");
                }
            }
        }
        if status == "succeeded" {
            let mut amount = line_total;
            if !jpy {
                amount.rescale(2);
            }
            charges.push(Charge { id, customer: ci, amount: amount.to_string(), currency: cust.currency, basis, refunded: false, left: amount });
        }
    }

    Sources {
        company: COMPANY.to_string(),
        customers: String::from_utf8(customers_csv.into_inner().expect("in memory")).expect("utf-8"),
        transactions: String::from_utf8(tx.into_inner().expect("in memory")).expect("utf-8"),
        exchange_rates: Some(exchange_rates(spec.month, spec.months)),
        logo: Some((LOGO.0.to_string(), Ok(LOGO.1.to_vec()))),
    }
}

/// A business's Peppol ID: its VAT number in the EAS scheme for that country's VAT numbers
/// (its organisation number in Norway, its ABN in Australia).
fn peppol_id(country: &str, vat_id: &str) -> Option<String> {
    let scheme = match country {
        "AT" => "9914",
        "DE" => "9930",
        "EE" => "9931",
        "ES" => "9920",
        "FR" => "9957",
        "GB" => "9932",
        "GR" => "9933",
        "IE" => "9935",
        "IT" => "0211",
        "NL" => "9944",
        "PL" => "9945",
        "CH" => "9927",
        "NO" => return vat_id.strip_prefix("NO").and_then(|n| n.strip_suffix("MVA")).map(|n| format!("0192:{n}")),
        "AU" => "0151",
        _ => return None,
    };
    (!vat_id.is_empty()).then(|| format!("{scheme}:{vat_id}"))
}

/// The card a payment was made with: a brand and four digits derived from its id, so the
/// same history always names the same card.
fn card_of(transaction_id: &str) -> (&'static str, String) {
    let n: u32 = transaction_id.bytes().filter(u8::is_ascii_digit).fold(0, |n, d| (n * 10 + u32::from(d - b'0')) % 10_000);
    (["Visa", "Mastercard"][n as usize % 2], format!("{:04}", (n * 7919 + 4242) % 10_000))
}

/// Consumers who later register a business and give a VAT ID: `customers` (a generated
/// customers.csv) with about one in `one_in` EU consumers of a market that has business IDs
/// turned into a business with one. (Outside the EU such a change can make a plan change
/// unissuable, e.g. GST-charged → not subject to GST in Australia, which is refused.) Their later purchases are reverse-charged while plan
/// changes keep adjusting their earlier, consumer-taxed charges.
pub fn vat_ids_supplied_later(customers: &str, seed: u64, one_in: u32) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut reader = csv::Reader::from_reader(customers.as_bytes());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(reader.headers().expect("generated header")).expect("in memory");
    for record in reader.records() {
        let mut row: Vec<String> = record.expect("generated row").iter().map(str::to_string).collect();
        let market = MARKETS.iter().find(|m| m.country == row[9]).expect("generated country");
        let eu = crate::tax::rates::jurisdiction(market.country).is_some_and(|j| j.eu_member);
        if row[1] == "individual" && eu && !market.business_ids.is_empty() && rng.random_range(0..one_in) == 0 {
            row[1] = "business".into();
            row[10] = market.business_ids[rng.random_range(0..market.business_ids.len())].into();
            row[11] = "valid".into();
        }
        out.write_record(&row).expect("in memory");
    }
    String::from_utf8(out.into_inner().expect("in memory")).expect("utf-8")
}

/// `amount` as written in `currency` (no decimals in JPY, two otherwise).
fn amount_text(mut amount: rust_decimal::Decimal, currency: &str) -> String {
    amount.rescale(if currency == "JPY" { 0 } else { 2 });
    amount.to_string()
}

fn decimal(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("generated amounts parse")
}

/// Half of an amount, rounded down to the minor unit.
fn half(amount: &str, currency: &str) -> String {
    let digits = if currency == "JPY" { 0 } else { 2 };
    let mut h = (decimal(amount) / rust_decimal::Decimal::TWO).round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::ToZero);
    h.rescale(digits);
    h.to_string()
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = first.checked_add_months(chrono::Months::new(1)).expect("in range");
    (next - first).num_days() as u32
}

/// ECB-style EUR reference rates for every business day from a week before the first month
/// to the end of the last.
fn exchange_rates(month: NaiveDate, months: u32) -> String {
    const QUOTES: &[(&str, &str)] = &[("AUD", "1.6412"), ("CHF", "0.9381"), ("GBP", "0.8571"), ("JPY", "162.45"), ("NOK", "11.562"), ("PLN", "4.2710"), ("SEK", "11.284"), ("USD", "1.0832")];
    let mut out = String::from("date,base,quote,rate,source\n");
    let mut day = month - Duration::days(7);
    let end = month.checked_add_months(chrono::Months::new(months.max(1))).expect("in range");
    let mut k: i64 = 0;
    while day < end {
        if day.weekday().number_from_monday() <= 5 {
            for (quote, base_rate) in QUOTES {
                // A small deterministic wobble, at the rate's own precision.
                let rate = decimal(base_rate);
                let step = rust_decimal::Decimal::new((k * 7) % 5 - 2, rate.scale());
                out.push_str(&format!("{day},EUR,{quote},{},ECB\n", rate + step));
            }
            k += 1;
        }
        day += Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_data_is_deterministic_and_valid() {
        let spec = Spec { transactions: 2000, seed: 7, month: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(), months: 1, plan_changes: 3 };
        let a = generate(&spec);
        let b = generate(&spec);
        assert_eq!(a.transactions, b.transactions);
        let data = crate::input::parse(&a).unwrap_or_else(|d| panic!("{:#?}", &d[..d.len().min(10)]));
        assert!(data.transactions.len() >= 1900);
        let plan = crate::issue::plan(&data, &crate::issue::NoHistory).unwrap_or_else(|d| panic!("{:#?}", &d[..d.len().min(10)]));
        let credit_notes = plan.documents().iter().filter(|n| n.document.kind == crate::document::DocumentKind::CreditNote).count();
        assert!(plan.len() > 1500, "{}", plan.len());
        assert!(credit_notes > 20, "{credit_notes}");
        let c = generate(&Spec { seed: 8, ..spec });
        assert_ne!(a.transactions, c.transactions);
    }
}
