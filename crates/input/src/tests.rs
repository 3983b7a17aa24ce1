//! Every input rejection, with its exact message.

use super::*;
use tax::registration::Scheme;

pub(crate) const COMPANY_TOML: &str = r#"
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

[numbering]
invoice = "KL-INV-{year}-{seq:06}"
credit_note = "KL-CN-{year}-{seq:06}"
"#;

pub(crate) const CUSTOMERS_CSV: &str = "\
customer_id,type,name,email,address_line1,address_line2,city,postal_code,region,country,vat_id,vat_id_status,language
c_de,individual,Jürgen Müller,j@example.de,Schönhauser Allee 12,,Berlin,10119,,DE,,,de
c_jp,individual,Sato Hanako,h@example.jp,1-2-3 Shibuya,,Tokyo,150-0002,,JP,,,ja
";

pub(crate) const TRANSACTIONS_HEADER: &str = "transaction_id,type,status,customer_id,timestamp,currency,description,quantity,unit_amount,amount_basis,proration,service_start,service_end,refers_to,reason,card_country,ip_country\n";

fn sources(transactions_rows: &str) -> Sources {
    Sources {
        company: COMPANY_TOML.into(),
        customers: CUSTOMERS_CSV.into(),
        transactions: format!("{TRANSACTIONS_HEADER}{transactions_rows}"),
        exchange_rates: None,
        logo: None,
    }
}

/// The diagnostics of parsing `s`, as printed.
fn errors(s: &Sources) -> Vec<String> {
    match parse(s) {
        Ok(_) => vec![],
        Err(d) => d.iter().map(|d| d.to_string()).collect(),
    }
}

const GOOD_ROW: &str = "ch_1,charge,succeeded,c_de,2026-10-05T10:00:00+02:00,EUR,Pro plan,1,11.99,gross,false,2026-10-05,2026-11-04,,,DE,DE\n";

#[test]
fn a_valid_data_set_parses() {
    let data = parse(&sources(GOOD_ROW)).unwrap();
    assert_eq!(data.transactions.len(), 1);
    assert_eq!(data.transactions[0].total().to_string(), "11.99 EUR");
    assert_eq!(data.company.seller.timezone, chrono_tz::Europe::Tallinn);
}

fn one_error(row: &str) -> String {
    let errs = errors(&sources(row));
    assert_eq!(errs.len(), 1, "expected exactly one error, got {errs:#?}");
    errs[0].clone()
}

#[test]
fn currency_must_be_iso_4217() {
    let row = GOOD_ROW.replace(",EUR,", ",EURO,");
    assert_eq!(one_error(&row), "transactions.csv:2: currency: 'EURO' is not an ISO 4217 code");
    // A code in lower case is one, written otherwise: said so, as for a country code.
    let row = GOOD_ROW.replace(",EUR,", ",eur,");
    assert_eq!(one_error(&row), "transactions.csv:2: currency: 'eur' is not an ISO 4217 code; use upper case: 'EUR'");
}

#[test]
fn errors_name_the_right_line_in_files_with_crlf_line_ends() {
    // Excel writes CRLF: the error on the third line is reported on line 3, as with LF.
    let rows = format!("{GOOD_ROW}{}", GOOD_ROW.replace("ch_1,", "ch_2,").replace(",EUR,", ",EURO,"));
    for crlf in [false, true] {
        let mut s = sources(&rows);
        if crlf {
            s.transactions = s.transactions.replace('\n', "\r\n");
            s.customers = s.customers.replace('\n', "\r\n");
        }
        assert_eq!(errors(&s), ["transactions.csv:3: currency: 'EURO' is not an ISO 4217 code"], "crlf: {crlf}");
    }
}

#[test]
fn errors_name_the_right_line_in_files_with_cr_line_ends() {
    // Excel for Mac's "CSV (Macintosh)" ends each line with a CR alone: the csv reader takes
    // it as a line end, and so must the line numbers (they all said line 1). A cell with two
    // lines (a quoted CR) counts as a line of the file, as a quoted LF does.
    let rows = format!("{}{}", GOOD_ROW.replace("Pro plan", "\"Pro\rplan\""), GOOD_ROW.replace("ch_1,", "ch_2,").replace(",EUR,", ",EURO,"));
    let mut s = sources(&rows);
    s.transactions = s.transactions.replace('\n', "\r");
    s.customers = s.customers.replace('\n', "\r");
    assert_eq!(errors(&s), ["transactions.csv:4: currency: 'EURO' is not an ISO 4217 code"]);
}

#[test]
fn amounts_must_fit_the_minor_unit() {
    let row = GOOD_ROW.replace(",11.99,", ",10.005,");
    assert_eq!(one_error(&row), "transactions.csv:2: unit_amount: '10.005' has more than 2 decimals, the minor unit of EUR");
    let row = GOOD_ROW.replace(",EUR,", ",JPY,").replace(",11.99,", ",1200.5,");
    assert_eq!(one_error(&row), "transactions.csv:2: unit_amount: '1200.5' has decimals, but JPY has no minor unit");
}

#[test]
fn countries_must_be_iso_3166() {
    let row = GOOD_ROW.replace(",DE,DE\n", ",UK,DE\n");
    assert_eq!(one_error(&row), "transactions.csv:2: card_country: 'UK' is not an ISO 3166-1 alpha-2 country code; say 'GB'");
    let mut s = sources(GOOD_ROW);
    s.customers = CUSTOMERS_CSV.replace(",DE,,,de", ",Germany,,,de");
    assert_eq!(errors(&s), ["customers.csv:2: country: 'Germany' is not an ISO 3166-1 alpha-2 country code; say 'DE'", "transactions.csv: customer_id: 1 transaction(s) of 'c_de' (line 2) were not checked further: its row, customers.csv:2, has errors; fix it and run again"]);
}

#[test]
fn negative_amounts_only_on_proration_lines() {
    let row = GOOD_ROW.replace(",1,11.99,", ",-1,11.99,");
    assert_eq!(one_error(&row), "transactions.csv:2: quantity: '-1' is negative; only proration lines may be negative");
    let row = GOOD_ROW.replace(",11.99,", ",-11.99,");
    assert_eq!(one_error(&row), "transactions.csv:2: unit_amount: '-11.99' is negative; only proration lines may be negative");
    // A proration credit may be negative, beside a larger new charge.
    let rows = format!(
        "{GOOD_ROW}{}",
        GOOD_ROW.replace(",Pro plan,1,11.99,gross,false,", ",Unused time on Basic,1,-4.00,gross,true,")
    );
    assert_eq!(errors(&sources(&rows)), Vec::<String>::new());
}

#[test]
fn unknown_and_duplicate_ids() {
    let row = GOOD_ROW.replace(",c_de,", ",c_xx,");
    assert_eq!(one_error(&row), "transactions.csv:2: customer_id: 'c_xx' is not a customer_id in customers.csv");
    let mut s = sources(GOOD_ROW);
    s.customers.push_str("c_de,individual,Other,o@example.de,Street 1,,Köln,50667,,DE,,,de\n");
    assert_eq!(errors(&s), ["customers.csv:4: customer_id: 'c_de' is a duplicate of line 2"]);
}

#[test]
fn rows_of_one_transaction_must_agree() {
    let second = GOOD_ROW.replace(",EUR,", ",USD,").replace("Pro plan", "Credits");
    let errs = errors(&sources(&format!("{GOOD_ROW}{second}")));
    assert_eq!(
        errs,
        ["transactions.csv:3: currency: 'USD' differs from 'EUR' on line 2 of the same transaction 'ch_1'; its rows must agree on everything but the line fields"]
    );
}

#[test]
fn a_row_repeated_in_full_is_refused_not_billed_twice() {
    // Rows sharing an id are one transaction's lines, so a row pasted twice (an export
    // appended again, a copied block) would double the invoice without a word.
    let second = GOOD_ROW.replace("ch_1,", "ch_2,");
    let errs = errors(&sources(&format!("{GOOD_ROW}{second}{GOOD_ROW}")));
    assert_eq!(
        errs,
        ["transactions.csv:4: repeats line 2 field for field: a second line of 'ch_1' the same in every field would bill it twice; delete the copy (for two of it, say quantity 2 on one line)"]
    );
    // Lines that differ in any field are lines of one transaction, as before.
    let other_line = GOOD_ROW.replace("Pro plan", "Credit pack");
    let data = parse(&sources(&format!("{GOOD_ROW}{other_line}"))).unwrap();
    assert_eq!(data.transactions[0].total().to_string(), "23.98 EUR");
}

#[test]
fn dates_and_timestamps() {
    let row = GOOD_ROW.replace("2026-10-05T10:00:00+02:00", "2026-10-05 10:00");
    assert_eq!(one_error(&row), "transactions.csv:2: timestamp: '2026-10-05 10:00' is not an RFC 3339 timestamp with offset, e.g. '2026-10-05T14:03:00+02:00'");
    let row = GOOD_ROW.replace(",2026-11-04,", ",2026-11-31,");
    assert_eq!(one_error(&row), "transactions.csv:2: service_end: '2026-11-31' is not a date; expected YYYY-MM-DD");
    let row = GOOD_ROW.replace(",2026-11-04,", ",2026-10-01,");
    assert_eq!(one_error(&row), "transactions.csv:2: service_end: '2026-10-01' is before service_start '2026-10-05'");
}

#[test]
fn references_must_name_a_known_charge() {
    let refund = "rf_1,refund,succeeded,c_de,2026-10-06T10:00:00+02:00,EUR,Refund,1,11.99,gross,false,,,ch_9,requested_by_customer,DE,DE\n";
    let errs = errors(&sources(&format!("{GOOD_ROW}{refund}")));
    assert_eq!(errs, ["transactions.csv:3: refers_to: 'ch_9' is not a transaction_id in transactions.csv"]);
    let refund = refund.replace(",ch_9,", ",,");
    let errs = errors(&sources(&format!("{GOOD_ROW}{refund}")));
    assert_eq!(errs, ["transactions.csv:3: refers_to: is empty; a refund, duplicate or payment must name the charge it concerns"]);
}

#[test]
fn references_name_a_transaction_of_the_same_customer() {
    // Another customer's refund of c_de's charge would credit c_de's invoice.
    let refund = "rf_1,refund,succeeded,c_jp,2026-10-06T10:00:00+02:00,EUR,Refund,1,11.99,gross,false,,,ch_1,requested_by_customer,JP,JP\n";
    let errs = errors(&sources(&format!("{GOOD_ROW}{refund}")));
    assert_eq!(errs, ["transactions.csv:3: refers_to: 'ch_1' is a charge of the customer 'c_de', not of 'c_jp'; a transaction refers only to its own customer's"]);
    // So would a plan change's line adjusting it.
    let plan_change = "ch_2,charge,succeeded,c_jp,2026-10-06T10:00:00+02:00,EUR,Pro plan,1,20.00,gross,false,,,,,JP,JP\n\
                       ch_2,charge,succeeded,c_jp,2026-10-06T10:00:00+02:00,EUR,Unused time,1,-1.00,gross,true,,,ch_1,,JP,JP\n";
    let errs = errors(&sources(&format!("{GOOD_ROW}{plan_change}")));
    assert_eq!(errs, ["transactions.csv:4: refers_to: 'ch_1' is a charge of the customer 'c_de', not of 'c_jp'; a transaction refers only to its own customer's"]);
}

#[test]
fn enumerations_say_what_they_accept() {
    let row = GOOD_ROW.replace(",succeeded,", ",paid,");
    assert_eq!(one_error(&row), "transactions.csv:2: status: 'paid' is not a status; expected 'succeeded', 'failed' or 'pending'");
    let row = GOOD_ROW.replace(",gross,", ",incl,");
    assert_eq!(one_error(&row), "transactions.csv:2: amount_basis: 'incl' is not an amount basis; expected 'gross' (tax included) or 'net'");
}

#[test]
fn all_errors_of_all_files_are_reported_together() {
    let mut s = sources(&GOOD_ROW.replace(",EUR,", ",EURO,").replace(",DE,DE\n", ",UK,DE\n"));
    s.company = COMPANY_TOML.replace("Europe/Tallinn", "Europe/Talinn");
    let errs = errors(&s);
    assert_eq!(
        errs,
        [
            "company.toml: seller.timezone: 'Europe/Talinn' is not an IANA time zone name, e.g. 'Europe/Tallinn'",
            "transactions.csv:2: card_country: 'UK' is not an ISO 3166-1 alpha-2 country code; say 'GB'",
            "transactions.csv:2: currency: 'EURO' is not an ISO 4217 code",
        ]
    );
}

#[test]
fn headers_must_have_exactly_the_documented_columns() {
    let mut s = sources(GOOD_ROW);
    s.transactions = s.transactions.replacen("currency", "curency", 1);
    assert_eq!(
        errors(&s),
        [
            "transactions.csv:1: curency: unknown column; expected the columns transaction_id, type, status, customer_id, timestamp, currency, description, quantity, unit_amount, amount_basis, proration, service_start, service_end, refers_to, reason, card_country, ip_country, card_brand, card_last4, payment_id, purchase_order, payment_method, note",
            "transactions.csv:1: currency: column is missing from the header",
        ]
    );
}

#[test]
fn empty_columns_a_spreadsheet_adds_are_ignored_but_not_a_value_in_one() {
    // Excel and Sheets write `,,,` after every line when cells right of the table were ever
    // touched: in the header (columns with no name), in the rows, or in some rows only.
    let mut s = sources(GOOD_ROW);
    s.transactions = s.transactions.replace('\n', ",,,\n");
    s.customers = format!("{}c_fr,individual,Élodie Durand,e@example.fr,3 rue Mercière,,Lyon,69002,,FR,,,fr,,\n", s.customers);
    let data = parse(&s).unwrap();
    assert_eq!((data.transactions[0].total().to_string(), data.customers.len()), ("11.99 EUR".to_string(), 3));
    // A value under a column with no name, or past the header's last column, is an error.
    let mut s = sources(&format!("{GOOD_ROW}{}", GOOD_ROW.replace("ch_1,", "ch_2,").replace('\n', ",,x\n")));
    s.transactions = s.transactions.replacen('\n', ",,\n", 1);
    s.customers = s.customers.replacen(",ja\n", ",ja,,,,5\n", 1);
    assert_eq!(
        errors(&s),
        [
            "customers.csv:3: has 17 fields; expected 13 as in the header (a value with a comma in it must be in double quotes)",
            "transactions.csv:3: has 'x' in column 19, which has no name in the header; expected it empty, or a column of the file named in the header",
        ]
    );
}

/// A file saved with `;` or tabs between the columns is one error saying so, whichever file;
/// a header with one unknown column that merely holds a `;` is not mistaken for one.
#[test]
fn a_file_separated_by_semicolons_or_tabs_is_named_as_such() {
    for (separator, said) in [(";", "';'"), ("\t", "a tab"), ("|", "'|'")] {
        let mut s = sources(GOOD_ROW);
        s.transactions = s.transactions.replace(',', separator);
        assert_eq!(
            errors(&s),
            [format!("transactions.csv:1: header: has the columns separated by {said}; expected ',' between them (in Excel: save as \"CSV UTF-8 (Comma delimited)\")")]
        );
        let mut s = sources(GOOD_ROW);
        s.customers = format!("\u{feff}{}", s.customers.replace(',', separator));
        assert_eq!(errors(&s).len(), 1, "{:?}", errors(&s));
        assert!(errors(&s)[0].starts_with(&format!("customers.csv:1: header: has the columns separated by {said};")), "{:?}", errors(&s));
    }
    let mut s = sources(GOOD_ROW);
    let rows: Vec<&str> = s.transactions.lines().skip(1).collect();
    s.transactions = format!("a;b\n{}\n", rows.join("\n"));
    assert!(errors(&s).iter().any(|e| e.starts_with("transactions.csv:1: a;b: unknown column")), "{:?}", errors(&s));
}

#[test]
fn company_keys_are_named_in_full() {
    let mut s = sources(GOOD_ROW);
    s.company = COMPANY_TOML.replace("country = \"EE\"", "country = \"UK\"").replace("eu_oss = true", "eu_oss = \"yes\"");
    assert_eq!(
        errors(&s),
        [
            "company.toml: seller.address.country: 'UK' is not an ISO 3166-1 alpha-2 country code; say 'GB'",
            "company.toml: seller.eu_oss: is a string; expected true or false",
        ]
    );
    s.company = COMPANY_TOML.replace("{seq:06}\"\ncredit", "{n}\"\ncredit");
    assert_eq!(
        errors(&s),
        ["company.toml: numbering.invoice: 'KL-INV-{year}-{n}' has an unknown placeholder '{n}'; expected {year}, {seq} or {seq:0N}"]
    );
}

#[test]
fn exchange_rates_are_checked() {
    let mut s = sources(GOOD_ROW);
    s.exchange_rates = Some("date,base,quote,rate,source\n2026-10-02,EUR,USD,1.0832,ECB\n2026-10-02,EUR,USD,1.09,ECB\n2026-10-03,EUR,USD,-1,ECB\n".into());
    assert_eq!(
        errors(&s),
        [
            "exchange_rates.csv:3: date: '2026-10-02' has a EUR/USD rate already on line 2",
            "exchange_rates.csv:4: rate: '-1' is not a positive number; expected e.g. 1.0832 (1 base = rate quote)",
        ]
    );
}

#[test]
fn a_rate_is_plain_decimal_notation_not_read_past_an_underscore() {
    // The decimal parser skips '_': '0_8565' was the rate 8565, silently.
    let mut s = sources(GOOD_ROW);
    s.exchange_rates = Some("date,base,quote,rate,source\n2026-10-02,EUR,GBP,0_8565,ECB\n2026-10-02,EUR,USD,\"1,0832\",ECB\n2026-10-02,EUR,JPY,1.6203e2,ECB\n".into());
    assert_eq!(
        errors(&s),
        [
            "exchange_rates.csv:2: rate: '0_8565' is not a positive number; expected e.g. 1.0832 (1 base = rate quote)",
            "exchange_rates.csv:3: rate: '1,0832' is not a positive number; expected e.g. 1.0832 (1 base = rate quote)",
            "exchange_rates.csv:4: rate: '1.6203e2' is not a positive number; expected e.g. 1.0832 (1 base = rate quote)",
        ]
    );
}

/// `transactions.csv` with the optional payment columns.
fn with_payment_columns(rows: &str) -> Sources {
    let mut s = sources("");
    s.transactions = format!("{}card_brand,card_last4,payment_id\n{rows}", TRANSACTIONS_HEADER.trim_end().to_string() + ",");
    s
}

#[test]
fn payment_details_are_optional_columns_and_last4_is_four_digits() {
    let row = GOOD_ROW.trim_end().to_string() + ",Visa,4242,pi_3QKx1001\n";
    let data = parse(&with_payment_columns(&row)).unwrap();
    let t = &data.transactions[0];
    assert_eq!((t.card_brand.as_deref(), t.card_last4.as_deref(), t.payment_id.as_deref()), (Some("Visa"), Some("4242"), Some("pi_3QKx1001")));
    // Left out of the header, or empty: none.
    let data = parse(&sources(GOOD_ROW)).unwrap();
    assert_eq!((data.transactions[0].card_last4.as_deref(), data.transactions[0].payment_id.as_deref()), (None, None));
    let empty = GOOD_ROW.trim_end().to_string() + ",,,\n";
    assert_eq!(parse(&with_payment_columns(&empty)).unwrap().transactions[0].card_brand, None);
    // A row may leave out the trailing optional columns, not a required one.
    assert_eq!(parse(&with_payment_columns(GOOD_ROW)).unwrap().transactions[0].card_brand, None);
    let short = GOOD_ROW.trim_end().rsplit_once(',').unwrap().0.to_string() + "\n";
    assert_eq!(errors(&with_payment_columns(&short)), ["transactions.csv:2: has 16 fields; expected 20 as in the header, or 17 to 19 leaving out optional columns at its end (is a field missing? an empty field still needs its comma)"]);
    // A field missing in between, or an unquoted comma, reads as leaving out the last ones:
    // the fields after it are under the wrong columns, and an error says how many there are.
    let shifted = GOOD_ROW.trim_end().replace(",Pro plan,", ",Pro plan, annual,") + ",Visa\n";
    let e = errors(&with_payment_columns(&shifted));
    assert_eq!(
        (e.len(), e[0].as_str(), e[1].as_str()),
        (
            6,
            "transactions.csv:2: has 19 fields; expected 20 as in the header, or 17 to 19 leaving out optional columns at its end: if a field is missing in between (an empty field still needs its comma) or a value holds an unquoted comma, the fields after it were read under the wrong columns",
            "transactions.csv:2: amount_basis: '11.99' is not an amount basis; expected 'gross' (tax included) or 'net'",
        )
    );
    for bad in ["424", "42424", "42a2", "**42"] {
        let row = GOOD_ROW.trim_end().to_string() + &format!(",Visa,{bad},pi_1\n");
        assert_eq!(
            errors(&with_payment_columns(&row)),
            [format!("transactions.csv:2: card_last4: '{bad}' is not the card's last four digits; expected four digits such as 4242")]
        );
    }
}

/// A file saved again by a spreadsheet writes the same amounts differently (`21.60` as `21.6`,
/// `149.00` as `149`): the transaction is the same and so is its fingerprint, so its
/// documents are not "changed". A file written in that form by an earlier version's user still
/// matches the fingerprint that version recorded (the rows as written), and a real change
/// matches neither.
#[test]
fn an_amount_written_another_way_keeps_the_fingerprint_and_the_one_recorded_before() {
    let row = |quantity: &str, amount: &str| GOOD_ROW.replace("Pro plan,1,11.99,", &format!("Pro plan,{quantity},{amount},"));
    let one = |quantity: &str, amount: &str| parse(&sources(&row(quantity, amount))).unwrap().transactions[0].clone();
    let canonical = one("1", "11.90");
    // Written in the canonical form, the two fingerprints are one: the archives earlier
    // versions wrote from such files keep matching.
    assert_eq!(canonical.earlier_fingerprint, None);
    for (quantity, amount) in [("1", "11.9"), ("1.0", "11.90"), ("1", "11.900"), ("1.00", "11.9")] {
        let t = one(quantity, amount);
        assert_eq!((t.lines[0].unit_amount, t.fingerprint), (canonical.lines[0].unit_amount, canonical.fingerprint), "{quantity} {amount}");
        let written = t.earlier_fingerprint.expect("written otherwise than canonically");
        assert_ne!(written, canonical.fingerprint);
        // The document an earlier version issued from this very file recorded `written`.
        assert!(t.issued_as_is(Some(written)) && t.issued_as_is(Some(canonical.fingerprint)), "{quantity} {amount}");
        assert!(!canonical.issued_as_is(Some(written)), "another file's writing is not this one's");
    }
    let changed = one("1", "11.91");
    assert!(!changed.issued_as_is(Some(canonical.fingerprint)) && !changed.issued_as_is(None));
    assert_ne!(one("2", "11.90").fingerprint, canonical.fingerprint);
    // JPY has no minor units: 1980 and 1980.0 are one amount.
    let yen = |amount: &str| parse(&sources(&row("1", amount).replace(",EUR,", ",JPY,"))).unwrap().transactions[0].clone();
    assert_eq!(yen("1980.0").fingerprint, yen("1980").fingerprint);
    assert_eq!(yen("1980").earlier_fingerprint, None);
}

#[test]
fn proration_in_a_spreadsheets_upper_case_reads_as_written_in_lower_case() {
    // Excel and Sheets turn `false` into `FALSE` when they save the file: the same value, the
    // same line, and the same fingerprint, so a transaction already invoiced is not "changed".
    let plain = parse(&sources(GOOD_ROW)).unwrap().transactions[0].clone();
    for written in ["FALSE", "False"] {
        let data = parse(&sources(&GOOD_ROW.replace(",false,", &format!(",{written},")))).unwrap();
        let t = &data.transactions[0];
        assert_eq!((t.lines[0].proration, t.fingerprint), (false, plain.fingerprint), "{written}");
    }
    let proration = "ch_2,charge,succeeded,c_de,2026-10-06T10:00:00+02:00,EUR,Unused time,1,-5.00,gross,TRUE,,,ch_1,,DE,DE\n";
    let upgrade = GOOD_ROW.replace("ch_1,", "ch_2,").replace("2026-10-05T10:00", "2026-10-06T11:00").replace("Pro plan,1,11.99", "Studio plan,1,29.99");
    let data = parse(&sources(&format!("{GOOD_ROW}{}{upgrade}", proration.replace("T10:00", "T11:00")))).unwrap();
    assert_eq!(data.transactions[1].lines.iter().map(|l| l.proration).collect::<Vec<_>>(), [true, false]);
    assert_eq!(one_error(&GOOD_ROW.replace(",false,", ",no,")), "transactions.csv:2: proration: 'no' is not a boolean; expected 'true' or 'false'");
}

#[test]
fn filling_payment_details_later_changes_the_fingerprint_but_leaving_them_out_does_not() {
    let plain = parse(&sources(GOOD_ROW)).unwrap().transactions[0].fingerprint;
    let empty = GOOD_ROW.trim_end().to_string() + ",,,\n";
    assert_eq!(parse(&with_payment_columns(&empty)).unwrap().transactions[0].fingerprint, plain);
    let filled = GOOD_ROW.trim_end().to_string() + ",Visa,4242,\n";
    assert_ne!(parse(&with_payment_columns(&filled)).unwrap().transactions[0].fingerprint, plain);
}

#[test]
fn number_series_that_can_produce_the_same_number_are_refused_naming_both() {
    let with = |invoice: &str, credit_note: &str| {
        let mut s = sources(GOOD_ROW);
        s.company = COMPANY_TOML
            .replace("invoice = \"KL-INV-{year}-{seq:06}\"", &format!("invoice = \"{invoice}\""))
            .replace("credit_note = \"KL-CN-{year}-{seq:06}\"", &format!("credit_note = \"{credit_note}\""));
        errors(&s)
    };
    // The issue's case: the 10th credit note would be the 10th invoice's number.
    assert_eq!(
        with("KL-{year}-{seq}", "KL-{year}-{seq:02}"),
        ["company.toml: numbering.credit_note: 'KL-{year}-{seq:02}' overlaps numbering.invoice 'KL-{year}-{seq}': both can be KL-2000-10; credit notes need a series of their own, e.g. another literal prefix"]
    );
    assert_eq!(
        with("KL/{year}/{seq}", "kl_{year}_{seq}"),
        ["company.toml: numbering.credit_note: 'kl_{year}_{seq}' overlaps numbering.invoice 'KL/{year}/{seq}': KL/2000/1 and kl_2000_1 would be the same file name ('/' is written as '_', and file systems may ignore case); credit notes need a series of their own, e.g. another literal prefix"]
    );
    // Disjoint although their literals overlap: a sequence never starts with a zero.
    assert_eq!(with("{year}-{seq}", "{year}-0{seq}"), Vec::<String>::new());
    assert_eq!(with("{year}-{seq}", "{year}-{seq}-CN"), Vec::<String>::new());
}

#[test]
fn timestamps_must_fall_in_years_a_number_can_carry() {
    let row = GOOD_ROW.replace("2026-10-05T10:00:00+02:00", "9999-12-31T10:00:00+02:00");
    assert_eq!(one_error(&row), "transactions.csv:2: timestamp: '9999-12-31T10:00:00+02:00' is outside 1000-01-02 to 9999-12-30 (UTC), the dates a document number's four-digit year can carry");
    let row = GOOD_ROW.replace("2026-10-05T10:00:00+02:00", "1000-01-02T00:30:00+02:00");
    assert_eq!(one_error(&row), "transactions.csv:2: timestamp: '1000-01-02T00:30:00+02:00' is outside 1000-01-02 to 9999-12-30 (UTC), the dates a document number's four-digit year can carry");
}

#[test]
fn a_line_break_in_a_quoted_field_is_valid_csv_and_read_as_one_space() {
    for line_break in ["\r", "\n", "\r\n"] {
        let row = GOOD_ROW.replace(",Pro plan,", &format!(",\"Pro{line_break}plan\","));
        let data = parse(&sources(&row)).unwrap_or_else(|e| panic!("{line_break:?}: {e:?}"));
        assert_eq!(data.transactions[0].lines[0].description, "Pro plan");
    }
    let mut s = sources(GOOD_ROW);
    s.customers = CUSTOMERS_CSV.replace(",Jürgen Müller,", ",\"Jürgen\rMüller\",");
    assert_eq!(parse(&s).unwrap().customers[0].name, "Jürgen Müller");
}

#[test]
fn control_characters_in_text_are_refused_naming_file_line_and_field() {
    let row = GOOD_ROW.replace(",Pro plan,", ",Pro\0plan,");
    assert_eq!(one_error(&row), "transactions.csv:2: description: contains the control character U+0000; expected printable text");
    let row = GOOD_ROW.replace(",Pro plan,", ",\"Pro\tplan\",");
    assert_eq!(one_error(&row), "transactions.csv:2: description: contains the control character U+0009; expected printable text");
    let mut s = sources(GOOD_ROW);
    s.customers = CUSTOMERS_CSV.replace("Jürgen Müller", "Jürgen\u{1b}Müller").replace(",Tokyo,", ",To\u{7}kyo,");
    assert_eq!(
        errors(&s),
        [
            "customers.csv:2: name: contains the control character U+001B; expected printable text",
            "customers.csv:3: city: contains the control character U+0007; expected printable text",
        ]
    );
    // A value that also fails its own check is quoted with the character made visible.
    s.customers = CUSTOMERS_CSV.replace(",DE,,,de", ",D\0E,,,de");
    assert_eq!(
        errors(&s),
        [
            "customers.csv:2: country: 'D\u{fffd}E' is not an ISO 3166-1 alpha-2 country code",
            "customers.csv:2: country: contains the control character U+0000; expected printable text",
            "transactions.csv: customer_id: 1 transaction(s) of 'c_de' (line 2) were not checked further: its row, customers.csv:2, has errors; fix it and run again",
        ]
    );
    let mut s = sources(GOOD_ROW);
    s.company = COMPANY_TOML.replace("legal_name = \"Kunstlicht OÜ\"", "legal_name = \"Kunstlicht\\u0000 OÜ\"");
    assert_eq!(errors(&s), ["company.toml: seller.legal_name: contains the control character U+0000; expected printable text"]);
}

#[test]
fn files_that_are_not_utf8_say_what_they_probably_are() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(GOOD_ROW);
    std::fs::write(dir.path().join(COMPANY), &s.company).unwrap();
    // Latin-1 (ü is 0xFC) on line 2; UTF-16 with its byte order mark.
    let latin1: Vec<u8> = s.customers.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    std::fs::write(dir.path().join(CUSTOMERS), latin1).unwrap();
    let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain(s.transactions.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(dir.path().join(TRANSACTIONS), utf16).unwrap();
    let printed: Vec<String> = load(dir.path()).unwrap_err().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        printed,
        [
            "customers.csv:2: is not UTF-8 text: byte 0xFC is not part of a UTF-8 character (Latin-1 or Windows-1252?); save the file as UTF-8",
            "transactions.csv: is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)",
        ]
    );
    // UTF-16 without a byte order mark is ASCII with NULs between: named at the header.
    let mut s = sources(GOOD_ROW);
    s.transactions = s.transactions.encode_utf16().flat_map(u16::to_le_bytes).map(char::from).collect();
    assert_eq!(errors(&s), ["transactions.csv:1: header: has NUL bytes between the letters: the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"]);
}

#[test]
fn a_logo_is_read_only_from_a_regular_file_and_no_further_than_a_logo_may_be() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(GOOD_ROW);
    std::fs::write(dir.path().join(CUSTOMERS), &s.customers).unwrap();
    std::fs::write(dir.path().join(TRANSACTIONS), &s.transactions).unwrap();
    let logo_error = |logo: &str| -> Vec<String> {
        std::fs::write(dir.path().join(COMPANY), format!("{}\n[brand]\nlogo = \"{logo}\"\n", s.company)).unwrap();
        load(dir.path()).unwrap_err().iter().map(|d| d.to_string()).collect()
    };
    // A device that never ends (read to its end, it took all memory), and a folder.
    let not_a_file = "is not a regular file (a device, a FIFO or a folder); expected a .png, .jpg/.jpeg or .svg file";
    assert_eq!(logo_error("/dev/zero"), [format!("company.toml: brand.logo: '/dev/zero' {not_a_file}")]);
    assert_eq!(logo_error("."), [format!("company.toml: brand.logo: '.' {not_a_file}")]);
    // A file far larger than a logo may be is refused by its size, not read whole.
    let big = std::fs::File::create(dir.path().join("big.png")).unwrap();
    big.set_len(1 << 40).unwrap();
    assert_eq!(logo_error("big.png"), ["company.toml: brand.logo: 'big.png' is 1099511627776 bytes; a logo may have at most 262144"]);
}

#[test]
fn amounts_quantities_and_rates_stay_within_what_is_computed_exactly() {
    let row = GOOD_ROW.replace(",1,11.99,", ",1,79228162514264337593543950335,");
    assert_eq!(one_error(&row), "transactions.csv:2: unit_amount: '79228162514264337593543950335' is larger than 1000000000, the largest unit amount accepted");
    let row = GOOD_ROW.replace(",1,11.99,", ",1000001,11.99,");
    assert_eq!(one_error(&row), "transactions.csv:2: quantity: '1000001' is larger than 1000000, the largest quantity accepted");
    // The largest of both is accepted, but not two such lines in one transaction.
    let big = GOOD_ROW.replace(",1,11.99,", ",1000000,1000000000,");
    assert_eq!(errors(&sources(&big)), Vec::<String>::new());
    assert_eq!(
        errors(&sources(&format!("{big}{}", big.replace("Pro plan", "Pro plan seats")))),
        ["transactions.csv:2: unit_amount: the lines of 'ch_1' sum to 2000000000000000.00 EUR, more than 1000000000000000, the largest total accepted"]
    );
    let mut s = sources(GOOD_ROW);
    s.exchange_rates = Some("date,base,quote,rate,source\n2026-10-02,EUR,USD,0.0000000001,ECB\n2026-10-02,EUR,JPY,1000000000,ECB\n".into());
    assert_eq!(errors(&s), ["exchange_rates.csv:2: rate: '0.0000000001' is outside 0.000000001 to 1000000000, the rates accepted"]);
}

#[test]
fn a_reference_to_a_transaction_with_errors_is_not_reported_twice() {
    let refund = "rf_1,refund,succeeded,c_de,2026-10-06T10:00:00+02:00,EUR,Refund,1,11.99,gross,false,,,ch_1,requested_by_customer,DE,DE\n";
    let errs = errors(&sources(&format!("{}{refund}", GOOD_ROW.replace(",EUR,", ",EURO,"))));
    assert_eq!(errs, ["transactions.csv:2: currency: 'EURO' is not an ISO 4217 code"]);
}

#[test]
fn a_header_with_far_too_many_columns_is_one_error() {
    let mut s = sources(GOOD_ROW);
    s.customers = format!("{}\n", ",".repeat(100_000));
    assert_eq!(
        errors(&s),
        ["customers.csv:1: header: has 100001 columns; expected the columns customer_id, type, name, email, address_line1, address_line2, city, postal_code, region, country, vat_id, vat_id_status, language, peppol_id, buyer_reference, note"]
    );
}

#[test]
fn seller_registrations_are_checked_by_their_scheme() {
    let with = |registration: &str| {
        let mut s = sources(GOOD_ROW);
        s.company = COMPANY_TOML.replace("scheme = \"vat\"\nnumber = \"GB980780684\"", registration);
        errors(&s)
    };
    // Each scheme's official examples pass and are kept in canonical form.
    let company = |registration: &str| {
        let mut s = sources(GOOD_ROW);
        s.company = COMPANY_TOML.replace("country = \"GB\"\nscheme = \"vat\"\nnumber = \"GB980780684\"", registration);
        parse(&s).unwrap_or_else(|d| panic!("{d:?}")).company.seller.tax_registrations[0].clone()
    };
    let r = company("country = \"NO\"\nscheme = \"voec\"\nnumber = \"VOEC 2034567\"");
    assert_eq!((r.scheme, r.number.as_str(), tax::registration::printed(&r, "en").id.as_str()), (Scheme::Voec, "2034567", "VOEC 2034567"));
    let r = company("country = \"AU\"\nscheme = \"arn\"\nnumber = \"ARN 300012345678\"");
    assert_eq!((r.scheme, tax::registration::printed(&r, "en").id.as_str()), (Scheme::Arn, "ARN 300012345678"));
    let r = company("country = \"CH\"\nscheme = \"mwst\"\nnumber = \"CHE-123.456.788 MWST\"");
    assert_eq!((r.number.as_str(), tax::registration::printed(&r, "de").id.as_str()), ("CHE123456788", "CHE-123.456.788 MWST"));
    let r = company("country = \"GB\"\nscheme = \"vat\"\nnumber = \"GB 980 7806 84\"");
    assert_eq!(tax::registration::printed(&r, "en").id, "GB980780684");
    // Wrong numbers, schemes and countries, each named.
    assert_eq!(with("scheme = \"vat\"\nnumber = \"GB980780685\""), [
        "company.toml: seller.tax_registrations[0].number: 'GB980780685' is not a valid British VAT ID: check digit does not match",
    ]);
    assert_eq!(with("scheme = \"voec\"\nnumber = \"VOEC 2034567\""), [
        "company.toml: seller.tax_registrations[0].scheme: 'voec' is not a registration scheme of GB; expected vat",
    ]);
    assert_eq!(with("scheme = \"gst\"\nnumber = \"1\""), [
        "company.toml: seller.tax_registrations[0].scheme: 'gst' is not a registration scheme; expected one of vat, mva, voec, mwst, abn, arn",
    ]);
    assert_eq!(with("tax_name = \"VAT\"\ntax_id = \"GB980780684\""), [
        "company.toml: seller.tax_registrations[0].number: is missing; expected the seller's number in that scheme, e.g. 'VOEC 2034567'",
        "company.toml: seller.tax_registrations[0].scheme: is missing; expected a registration scheme, e.g. 'vat', 'voec', 'mwst', 'arn'",
        "company.toml: seller.tax_registrations[0].tax_id: unknown key; expected one of country, scheme, number",
        "company.toml: seller.tax_registrations[0].tax_name: unknown key; expected one of country, scheme, number",
    ]);
    let mut s = sources(GOOD_ROW);
    s.company = COMPANY_TOML.replace("country = \"GB\"", "country = \"US\"");
    assert_eq!(errors(&s), [
        "company.toml: seller.tax_registrations[0].country: 'US' has no tax facts here (crates/tax/src/rates.rs); registrations are supported in AU, CH, GB, NO",
    ]);
}

#[test]
fn a_charge_cannot_be_negative() {
    let rows = format!(
        "{GOOD_ROW}{}",
        GOOD_ROW.replace(",Pro plan,1,11.99,gross,false,", ",Unused time on Basic,1,-12.00,gross,true,")
    );
    assert_eq!(errors(&sources(&rows)), ["transactions.csv:2: unit_amount: the lines of 'ch_1' sum to -0.01 EUR; a charge cannot be negative"]);
    // Summing to zero is allowed (a plan change that costs nothing).
    let rows = format!("{GOOD_ROW}{}", GOOD_ROW.replace(",Pro plan,1,11.99,gross,false,", ",Unused time on Basic,1,-11.99,gross,true,"));
    assert_eq!(errors(&sources(&rows)), Vec::<String>::new());
}

#[test]
fn a_refund_or_a_transfer_received_of_nothing_is_refused() {
    let refund = |amount: &str| format!("rf_1,refund,succeeded,c_de,2026-10-06T10:00:00+02:00,EUR,Refund,1,{amount},gross,false,,,ch_1,,DE,DE\n");
    assert_eq!(
        errors(&sources(&format!("{GOOD_ROW}{}", refund("0.00")))),
        ["transactions.csv:3: unit_amount: the lines of 'rf_1' sum to 0.00 EUR; a refund returns an amount (leave one of nothing out of transactions.csv)"]
    );
    assert_eq!(errors(&sources(&format!("{GOOD_ROW}{}", refund("0.01")))), Vec::<String>::new());
    let transfer = GOOD_ROW.replace("ch_1,charge,succeeded", "ch_2,charge,pending").replace(",DE,DE\n", ",DE,DE,,,,,,bank_transfer\n");
    let paid = "pm_1,payment,succeeded,c_de,2026-10-07T10:00:00+02:00,EUR,Transfer,1,0.00,net,false,,,ch_2,,DE,DE,,,,,,bank_transfer\n";
    let header_with_method = "transaction_id,type,status,customer_id,timestamp,currency,description,quantity,unit_amount,amount_basis,proration,service_start,service_end,refers_to,reason,card_country,ip_country,card_brand,card_last4,payment_id,purchase_order,note,payment_method\n";
    let mut s = sources("");
    s.transactions = format!("{header_with_method}{}{transfer}{paid}", GOOD_ROW.replace(",DE,DE\n", ",DE,DE,,,,,,\n"));
    assert_eq!(
        errors(&s),
        ["transactions.csv:4: unit_amount: the lines of 'pm_1' sum to 0.00 EUR; a transfer received pays an amount (leave one of nothing out of transactions.csv)"]
    );
}

/// The e-invoicing inputs are optional columns and keys; given, they reach the model, and
/// each bad value is an error naming its place.
#[test]
fn peppol_ids_buyer_references_and_purchase_orders_are_read_and_checked() {
    let mut s = sources(&GOOD_ROW.replace(",DE,DE\n", ",DE,DE,,,,PO-4711\n"));
    s.transactions = s.transactions.replace("ip_country\n", "ip_country,card_brand,card_last4,payment_id,purchase_order\n");
    s.customers = s
        .customers
        .replace("language\n", "language,peppol_id,buyer_reference\n")
        .replace(",DE,,,de\n", ",DE,,,de,0204:04011000-12345-34,04011000-12345-34\n");
    s.company = s.company.replace("eu_oss = true\n", "eu_oss = true\npeppol_id = \"0191:14123456\"\ncontact_name = \"Billing team\"\nphone = \"+372 600 1234\"\n");
    let data = parse(&s).unwrap();
    let seller = &data.company.seller;
    assert_eq!(seller.peppol_id.as_ref().map(ToString::to_string).as_deref(), Some("0191:14123456"));
    assert_eq!((seller.contact_name.as_deref(), seller.phone.as_deref()), (Some("Billing team"), Some("+372 600 1234")));
    let de = data.customer("c_de").unwrap();
    assert_eq!(de.peppol_id.as_ref().map(ToString::to_string).as_deref(), Some("0204:04011000-12345-34"));
    assert_eq!(de.buyer_reference.as_deref(), Some("04011000-12345-34"));
    assert_eq!(data.customer("c_jp").unwrap().peppol_id, None);
    assert_eq!(data.transactions[0].purchase_order.as_deref(), Some("PO-4711"));

    s.customers = s.customers.replace("0204:04011000-12345-34", "EM:j@example.de");
    s.company = s.company.replace("0191:14123456", "0208:0123456748").replace("+372 600 1234", "call us");
    assert_eq!(
        errors(&s),
        [
            "company.toml: seller.peppol_id: '0208:0123456748' is not a valid Belgian enterprise number (10 digits with a mod-97 check)",
            "company.toml: seller.phone: 'call us' is not a telephone number; expected digits with optional + ( ) - / . and spaces, e.g. '+372 600 1234'",
            "customers.csv:2: peppol_id: 'EM:j@example.de' is an e-mail address scheme, which Peppol does not route to; expected a numeric EAS scheme, e.g. '0208:0123456749'",

            "transactions.csv: customer_id: 1 transaction(s) of 'c_de' (line 2) were not checked further: its row, customers.csv:2, has errors; fix it and run again",
        ]
    );
}

#[test]
fn parse_taking_reads_what_parse_reads_and_leaves_only_the_small_texts() {
    let original = sources(GOOD_ROW);
    let mut taken = original.clone();
    let data = parse_taking(&mut taken).unwrap();
    assert_eq!(format!("{data:?}"), format!("{:?}", parse(&original).unwrap()));
    assert_eq!((taken.customers.as_str(), taken.transactions.as_str()), ("", ""));
    assert_eq!(taken.company, original.company);
    // Errors too: the same diagnostics, line numbers included.
    let bad = sources(&GOOD_ROW.replace(",EUR,", ",EURO,"));
    let expected = errors(&bad);
    let got = match parse_taking(&mut bad.clone()) {
        Ok(_) => panic!("EURO is not a currency"),
        Err(d) => d.iter().map(ToString::to_string).collect::<Vec<_>>(),
    };
    assert_eq!(got, expected);
    assert_eq!(got, ["transactions.csv:2: currency: 'EURO' is not an ISO 4217 code"]);
}

#[test]
fn a_transaction_more_than_a_year_ahead_of_the_clock_is_a_mistyped_year() {
    let data = crate::parse(&sources(GOOD_ROW)).unwrap();
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    // 2026-10-05T08:00Z is 366 days after 2025-10-04T08:00Z: the limit, accepted.
    assert!(crate::far_ahead(&data, at("2025-10-04T08:00:00Z")).is_empty());
    let errs: Vec<String> = crate::far_ahead(&data, at("2025-10-04T07:59:59Z")).iter().map(|d| d.to_string()).collect();
    assert_eq!(
        errs,
        ["transactions.csv:2: timestamp: '2026-10-05T10:00:00+02:00' is more than a year after today (2025-10-04); a payment is recorded after it happens (is the year right?)"]
    );
}

#[test]
fn an_eu_sellers_base_currency_is_its_national_currency() {
    let mut s = sources(GOOD_ROW);
    s.company = COMPANY_TOML.replace("base_currency = \"EUR\"", "base_currency = \"USD\"");
    let errs = errors(&s);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].ends_with("seller.base_currency: 'USD' is not the national currency of EE, the seller's country; VAT is stated and returned in it (Art. 230 VAT Directive): expected 'EUR'"),
        "{errs:?}"
    );
    // A Polish seller keeps its books in złoty, not in euro.
    let polish = |base: &str| {
        COMPANY_TOML
            .replace("base_currency = \"EUR\"", &format!("base_currency = \"{base}\""))
            .replace("country = \"EE\"", "country = \"PL\"")
            .replace("EE101234568", "PL5260250274")
    };
    s.company = polish("EUR");
    assert!(errors(&s).iter().any(|e| e.ends_with("'EUR' is not the national currency of PL, the seller's country; VAT is stated and returned in it (Art. 230 VAT Directive): expected 'PLN'")), "{:?}", errors(&s));
    s.company = polish("PLN");
    assert!(!errors(&s).iter().any(|e| e.contains("base_currency")), "{:?}", errors(&s));
}

#[test]
fn an_empty_file_is_one_error() {
    for empty in ["", "\n\n", "\u{feff}", "  \r\n"] {
        let mut s = sources(GOOD_ROW);
        s.transactions = empty.into();
        let errs = errors(&s);
        assert_eq!(errs.len(), 1, "{empty:?}: {errs:?}");
        assert!(errs[0].starts_with("transactions.csv:1: header: the file is empty; expected a header line with the columns transaction_id, type, status,"), "{errs:?}");
    }
}

/// A customer row with a wrong number of fields is one error for the row and one line
/// counting its transactions, not an "unknown customer" error for each of them; so is a
/// row with an error in a field.
#[test]
fn a_bad_customer_row_is_one_error_and_a_count_of_its_transactions() {
    let rows = format!(
        "{GOOD_ROW}{}{}",
        GOOD_ROW.replace("ch_1,", "ch_2,"),
        GOOD_ROW.replace("ch_1,", "ch_3,").replace(",c_de,", ",c_jp,").replace(",EUR,", ",JPY,").replace("11.99", "1200"),
    );
    let counted = "transactions.csv: customer_id: 2 transaction(s) of 'c_de' (lines 2, 3) were not checked further: its row, customers.csv:2, has errors; fix it and run again";
    let mut s = sources(&rows);
    s.customers = s.customers.replace("c_de,individual,Jürgen Müller,", "c_de,individual,");
    assert_eq!(errors(&s), ["customers.csv:2: has 12 fields; expected 13 as in the header (is a field missing? an empty field still needs its comma)", counted]);
    let mut s = sources(&rows);
    s.customers = s.customers.replace(",Berlin,10119,,DE,", ",Berlin,10119,,XX,");
    assert_eq!(errors(&s), ["customers.csv:2: country: 'XX' is not an ISO 3166-1 alpha-2 country code", counted]);
    // One transaction: "line", and a long list is cut short.
    let mut s = sources(GOOD_ROW);
    s.customers = s.customers.replace(",Berlin,10119,,DE,", ",Berlin,10119,,XX,");
    assert_eq!(errors(&s)[1], "transactions.csv: customer_id: 1 transaction(s) of 'c_de' (line 2) were not checked further: its row, customers.csv:2, has errors; fix it and run again");
    let many: String = (1..=7).map(|i| GOOD_ROW.replace("ch_1,", &format!("ch_{i}x,"))).collect();
    let mut s = sources(&many);
    s.customers = s.customers.replace(",Berlin,10119,,DE,", ",Berlin,10119,,XX,");
    assert_eq!(errors(&s)[1], "transactions.csv: customer_id: 7 transaction(s) of 'c_de' (lines 2, 3, 4, 5, 6, …) were not checked further: its row, customers.csv:2, has errors; fix it and run again");
}

/// A row missing a field, wherever it is, is one error naming the counts, and never read as
/// naming a customer by the column its fields shifted into: the transactions of the
/// customer it probably was are one line, not an "unknown customer" error each.
#[test]
fn a_short_customer_row_names_no_customer_of_its_own() {
    let rows = format!("{GOOD_ROW}{}", GOOD_ROW.replace("ch_1,", "ch_2,"));
    let short = "customers.csv:2: has 12 fields; expected 13 as in the header (is a field missing? an empty field still needs its comma)";
    // The customer_id itself missing: 'individual' is in its column; no row names c_de.
    let mut s = sources(&rows);
    s.customers = s.customers.replace("c_de,individual,", "individual,");
    assert_eq!(
        errors(&s),
        [short, "transactions.csv: customer_id: 2 transaction(s) of 'c_de' (lines 2, 3) were not checked further: no row of customers.csv names it, and customers.csv:2 has a wrong number of fields; fix that row and run again"]
    );
    // Two such rows: both named.
    s.customers = s.customers.replace("c_jp,individual,", "individual,");
    assert_eq!(
        errors(&s)[2],
        "transactions.csv: customer_id: 2 transaction(s) of 'c_de' (lines 2, 3) were not checked further: no row of customers.csv names it, and the rows on lines 2, 3 have a wrong number of fields; fix them and run again"
    );
    // A field missing before customer_id (here the second column): its column holds the
    // name, yet the row is found by the id it holds.
    let mut s = sources(&rows);
    s.customers = s.customers.replacen("customer_id,type,", "type,customer_id,", 1).replace("c_de,individual,", "c_de,").replace("c_jp,individual,", "individual,c_jp,");
    assert_eq!(errors(&s), [short.to_string(), "transactions.csv: customer_id: 2 transaction(s) of 'c_de' (lines 2, 3) were not checked further: its row, customers.csv:2, has errors; fix it and run again".to_string()]);
    // With optional columns, a row one field short may be read as leaving out the last:
    // its field errors come with one saying how many fields it has, and its transactions
    // are one line, found by the id it holds in another column, or else by its shape.
    let noted = "customers.csv:2: has 13 fields; expected 14 as in the header, or 13 leaving out the optional column at its end: if a field is missing in between (an empty field still needs its comma) or a value holds an unquoted comma, the fields after it were read under the wrong columns";
    let mut s = sources(&rows);
    s.customers = s.customers.replacen("customer_id,type,", "type,customer_id,", 1).replacen(",language\n", ",language,note\n", 1);
    s.customers = s.customers.replace("c_de,individual,", "c_de,").replace(",de\n", ",de,Kostenstelle 4711\n").replace("c_jp,individual,", "individual,c_jp,");
    let e = errors(&s);
    assert_eq!(
        (e.len(), e[0].as_str(), e[5].as_str(), e[7].as_str()),
        (
            8,
            noted,
            "customers.csv:2: type: 'c_de' is not a customer type; expected 'individual' or 'business'",
            "transactions.csv: customer_id: 2 transaction(s) of 'c_de' (lines 2, 3) were not checked further: its row, customers.csv:2, has errors; fix it and run again",
        )
    );
    let mut s = sources(&rows);
    s.customers = s.customers.replacen(",language\n", ",language,note\n", 1).replace("c_de,individual,", "individual,").replace(",de\n", ",de,Kostenstelle 4711\n");
    let e = errors(&s);
    assert_eq!(
        (e.len(), e[0].as_str(), e[e.len() - 1].as_str()),
        (
            8,
            noted,
            "transactions.csv: customer_id: 2 transaction(s) of 'c_de' (lines 2, 3) were not checked further: no row of customers.csv names it, and customers.csv:2 has a wrong number of fields; fix that row and run again",
        )
    );
}

/// Free text longer than a document can sensibly print is refused, naming the length and
/// the limit, in characters (not bytes: 1000 'ü' are 2000 bytes and accepted).
#[test]
fn free_text_longer_than_its_limit_is_refused() {
    let long = |n: usize, c: char| std::iter::repeat_n(c, n).collect::<String>();
    assert!(errors(&sources(&GOOD_ROW.replace("Pro plan", &long(1000, 'ü')))).is_empty());
    assert_eq!(
        errors(&sources(&GOOD_ROW.replace("Pro plan", &long(2_000_000, 'x')))),
        ["transactions.csv:2: description: is 2000000 characters long; expected at most 1000"]
    );
    let mut s = sources(GOOD_ROW);
    s.customers = s.customers.replace("Jürgen Müller", &long(256, 'M')).replace(",10119,", &format!(",{},", long(21, '1')));
    assert_eq!(
        errors(&s),
        [
            "customers.csv:2: name: is 256 characters long; expected at most 255",
            "customers.csv:2: postal_code: is 21 characters long; expected at most 20",
        ]
    );
}

/// Every company.toml string a document prints or an e-invoice carries has a length limit:
/// one character more than it is refused, naming the key, the length and the limit, and the
/// data set with it (nothing is issued). Each key of the table is set in a company.toml that
/// has all of them, so a key spelt wrong in the table fails here.
#[test]
fn every_printed_company_string_longer_than_its_limit_is_refused() {
    let mut full: toml::Table = COMPANY_TOML.parse().unwrap();
    let extra: toml::Table = r#"
        [seller]
        peppol_id = "0191:14123456"
        contact_name = "Billing team"
        phone = "+372 600 1234"
        [seller.address]
        line2 = "Hoov 2"
        region = "Harjumaa"
        [bank]
        iban = "EE38 2200 2210 2014 5685"
        bic = "HABAEE2X"
        account_holder = "Kunstlicht OÜ"
        [brand]
        registered_office = "Narva mnt 5, 10117 Tallinn"
        register_court = "Estonian Business Register"
        managing_directors = "Kadri Kask"
        website = "kunstlicht.example"
        support = "support@kunstlicht.example"
    "#
    .parse()
    .unwrap();
    for (section, keys) in extra {
        let toml::Value::Table(keys) = keys else { unreachable!() };
        let table = full.entry(section).or_insert_with(|| toml::Value::Table(toml::Table::new())).as_table_mut().unwrap();
        for (key, value) in keys {
            match value {
                toml::Value::Table(inner) => table[&key].as_table_mut().unwrap().extend(inner),
                value => drop(table.insert(key, value)),
            }
        }
    }
    let with = |company: &toml::Table| Sources { company: toml::to_string(company).unwrap(), ..sources(GOOD_ROW) };
    assert_eq!(errors(&with(&full)), Vec::<String>::new(), "every key at a real value");
    for &(key, max) in company::TEXT_LIMITS {
        let mut company = full.clone();
        let mut path: Vec<&str> = key.split('.').collect();
        let last = path.pop().unwrap();
        let mut table = &mut company;
        for part in path {
            table = match table.get_mut(part).unwrap() {
                toml::Value::Array(items) => items[0].as_table_mut().unwrap(),
                value => value.as_table_mut().unwrap(),
            };
        }
        assert!(table.contains_key(last), "{key} is in the company.toml");
        table.insert(last.into(), toml::Value::String("ü".repeat(max + 1)));
        let shown = key.replace("tax_registrations.", "tax_registrations[0].");
        assert_eq!(errors(&with(&company)), [format!("company.toml: {shown}: is {} characters long; expected at most {max}", max + 1)]);
    }
    assert_eq!(company::TEXT_LIMITS.len(), 23);
    // The customers' limits, in characters: 255 'ü' (510 bytes) are a name.
    let mut company = full.clone();
    company["seller"]["legal_name"] = toml::Value::String("ü".repeat(255));
    company["seller"]["address"]["postal_code"] = toml::Value::String("1".repeat(20));
    assert_eq!(errors(&with(&company)), Vec::<String>::new());
    let mut company = full;
    company["seller"]["legal_name"] = toml::Value::String("x".repeat(2_000_000));
    company["seller"]["address"]["postal_code"] = toml::Value::String("1".repeat(21));
    company["seller"]["email"] = toml::Value::String(format!("{}@kunstlicht.example", "b".repeat(236)));
    assert_eq!(
        errors(&with(&company)),
        [
            "company.toml: seller.address.postal_code: is 21 characters long; expected at most 20",
            "company.toml: seller.email: is 255 characters long; expected at most 254",
            "company.toml: seller.legal_name: is 2000000 characters long; expected at most 255",
        ]
    );
}

/// exchange_rates.csv's `source`, printed beside the rate, is one line of text; customers.csv's
/// `vat_id` likewise, also where no rules of its country check it (a US customer's).
#[test]
fn exchange_rate_sources_and_customer_tax_ids_longer_than_a_line_are_refused() {
    let mut s = sources(GOOD_ROW);
    s.exchange_rates = Some(format!("date,base,quote,rate,source\n2026-10-02,EUR,USD,1.0832,{}\n2026-10-03,EUR,USD,1.0832,{}\n", "E".repeat(255), "E".repeat(256)));
    assert_eq!(errors(&s), ["exchange_rates.csv:3: source: is 256 characters long; expected at most 255"]);
    let mut s = sources(GOOD_ROW);
    s.customers.push_str(&format!("c_us,business,Acme Inc,a@example.com,1 Main St,,Austin,73301,TX,US,{},,en\n", "9".repeat(255)));
    assert_eq!(errors(&s), Vec::<String>::new());
    s.customers = s.customers.replace(&"9".repeat(255), &"9".repeat(256));
    assert_eq!(errors(&s), ["customers.csv:4: vat_id: is 256 characters long; expected at most 255"]);
}
