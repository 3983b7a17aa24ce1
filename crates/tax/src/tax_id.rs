//! Offline validation of customers' tax identifiers (VAT IDs and the like).
//!
//! Why: an invoice to a business customer in another EU member state (reverse
//! charge, intra-Community supply) must show the customer's VAT ID, and a
//! mistyped one makes the invoice defective. Every scheme below carries check
//! digits, so most typing errors can be caught before the invoice is issued,
//! without a network call. Whether a number is actually *registered* is a
//! different question (VIES, the national registers) and is not answered here.
//!
//! Covered: the 27 EU member states, the United Kingdom (GB, and XI for
//! Northern Ireland), Switzerland, Norway and Australia. Any other country has no
//! rules here and [`check_tax_id`] returns `Ok(None)`.
//!
//! Input is normalised first: surrounding and inner whitespace, `.` and `-` are
//! removed and ASCII letters are upper-cased. Canonical forms held by [`TaxId`]:
//!
//! * EU: the VAT prefix followed by the national number, e.g. `DE136695976`,
//!   `ATU13585627`, `NL004495445B01`. The prefix is required and equals the ISO
//!   code, except Greece, whose prefix is `EL` (a `GR` prefix is rejected).
//! * GB: `GB` + 9 digits, 12 digits (branch) or `GD`/`HA` + 3 digits; the prefix
//!   may be omitted. `XI` (Northern Ireland) is accepted for customers in GB,
//!   checked the same way and kept, e.g. `GB980780684`, `XI980780684`.
//! * CH: `CHE` + 9 digits, e.g. `CHE116281710`; the prefix may be omitted and a
//!   trailing `MWST`/`TVA`/`IVA`/`TPV` is accepted and dropped.
//! * NO: `NO` + 9 digits + `MVA`, e.g. `NO923609016MVA`; both the `NO` prefix and
//!   the `MVA` suffix may be omitted on input.
//! * AU: the 11 digits of the ABN with no prefix, e.g. `51824753556`.
//!
//! Algorithms follow python-stdnum by Arthur de Jong (the `stdnum/<cc>/vat.py`
//! modules and those they use), which in turn follows the EU Commission's VIES
//! and TIN validation routines and the national tax authorities' publications.
//! Each country's function names its module. Shared building blocks: weighted
//! digit sums, Luhn, ISO 7064 MOD 11,10 and ISO 7064 MOD 97-10.

use std::fmt;

/// A tax ID that passed its country's shape and check-digit rules, in canonical
/// form: upper case, without spaces, dots or dashes, with the VAT prefix for EU
/// VAT IDs. Examples: "DE136695976", "EL094259216", "CHE116281710",
/// "GB980780684", "NO923609016MVA", "51824753556" (an Australian ABN has no
/// prefix). The module documentation lists every canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxId(String);

impl TaxId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `country` (ISO 3166-1 alpha-2 of the customer, upper case: "GR" for
/// Greece, "DE", "GB", "CH", "NO", "AU", "US", ...) has rules here.
pub fn has_rules(country: &str) -> bool {
    rules_for(country).is_some()
}

/// Check `raw` as a tax ID of `country`.
///
/// `Ok(Some(TaxId))` when the country has rules and the ID passes;
/// `Ok(None)` when the country has no rules here (the ID is then kept as written
/// by the caller); `Err(reason)` when it fails. `reason` is an English phrase
/// that completes the sentence `'<raw>' <reason>`, naming what was expected, e.g.
/// "is not a German VAT ID: expected 'DE' followed by 9 digits" or
/// "is a VAT ID of Austria, but the customer's country is DE".
pub fn check_tax_id(country: &str, raw: &str) -> Result<Option<TaxId>, String> {
    let Some(rules) = rules_for(country) else {
        return Ok(None);
    };
    let id = normalise(raw);
    let (prefix, rest) = split_prefix(rules, &id)?;
    let body = rules
        .suffixes
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
        .unwrap_or(rest);
    let verdict =
        ensure(body.is_ascii(), Fail::Shape).and_then(|()| (rules.check)(body.as_bytes()));
    match verdict {
        Ok(()) => Ok(Some(TaxId(format!("{prefix}{body}{}", rules.suffix)))),
        Err(Fail::Shape) => Err(rules.shape_error()),
        Err(Fail::CheckDigit) => Err(rules.invalid("check digit does not match")),
        Err(Fail::Invalid(why)) => Err(rules.invalid(why)),
    }
}

/// Why a national number was rejected.
#[derive(Debug)]
enum Fail {
    /// Wrong length or characters: the message repeats the expected shape.
    Shape,
    /// Right shape, wrong check digit(s).
    CheckDigit,
    /// Right shape, but a part of it is impossible (e.g. a date or office code).
    Invalid(&'static str),
}

type Check = Result<(), Fail>;

/// One country's rules.
struct Rules {
    country: &'static str,    // ISO 3166-1 alpha-2 code of the customer's country
    name: &'static str,       // as in "a VAT ID of Austria"
    adjective: &'static str,  // as in "a German VAT ID"
    kind: &'static str,       // what the identifier is called: "VAT ID", "ABN"
    prefix: &'static str,     // prefix of the canonical form, "" for none
    alt_prefix: &'static str, // another prefix accepted and kept: XI for Northern Ireland
    prefix_optional: bool,    // whether the prefix may be left out (it is then added)
    suffixes: &'static [&'static str], // accepted after the number, dropped before checking
    suffix: &'static str,     // suffix of the canonical form
    expected: &'static str,   // the shape, completing "expected ..."
    check: fn(&[u8]) -> Check, // shape and check digits of the number alone
}

impl Rules {
    fn prefixes(&self) -> impl Iterator<Item = &'static str> {
        [self.prefix, self.alt_prefix]
            .into_iter()
            .filter(|p| !p.is_empty())
    }

    fn shape_error(&self) -> String {
        let vowel = self.adjective.starts_with(['A', 'E', 'I', 'O', 'U']);
        let (article, adjective) = (if vowel { "an" } else { "a" }, self.adjective);
        format!(
            "is not {article} {adjective} {}: expected {}",
            self.kind, self.expected
        )
    }

    fn invalid(&self, why: &str) -> String {
        format!("is not a valid {} {}: {why}", self.adjective, self.kind)
    }
}

/// A VAT ID with a required prefix, as in every EU member state.
const fn eu(
    country: &'static str,
    prefix: &'static str,
    name: &'static str,
    adjective: &'static str,
    expected: &'static str,
    check: fn(&[u8]) -> Check,
) -> Rules {
    Rules {
        country,
        name,
        adjective,
        kind: "VAT ID",
        prefix,
        alt_prefix: "",
        prefix_optional: false,
        suffixes: &[],
        suffix: "",
        expected,
        check,
    }
}

#[rustfmt::skip]
static RULES: [Rules; 31] = [
    eu("AT", "AT", "Austria", "Austrian", "'ATU' followed by 8 digits", at),
    eu("BE", "BE", "Belgium", "Belgian", "'BE' followed by 10 digits starting with 0 or 1", be),
    eu("BG", "BG", "Bulgaria", "Bulgarian", "'BG' followed by 9 or 10 digits", bg),
    eu("CY", "CY", "Cyprus", "Cypriot", "'CY' followed by 8 digits and a letter", cy),
    eu("CZ", "CZ", "the Czech Republic", "Czech", "'CZ' followed by 8, 9 or 10 digits", cz),
    eu("DE", "DE", "Germany", "German", "'DE' followed by 9 digits", de),
    eu("DK", "DK", "Denmark", "Danish", "'DK' followed by 8 digits, the first not 0", dk),
    eu("EE", "EE", "Estonia", "Estonian", "'EE' followed by 9 digits starting with 10", ee),
    eu("GR", "EL", "Greece", "Greek", "'EL' followed by 9 digits", el),
    eu("ES", "ES", "Spain", "Spanish",
       "'ES' followed by a letter or digit, 7 digits and a control letter or digit", es),
    eu("FI", "FI", "Finland", "Finnish", "'FI' followed by 8 digits", fi),
    eu("FR", "FR", "France", "French", "'FR' followed by 2 check characters and 9 digits", fr),
    eu("HR", "HR", "Croatia", "Croatian", "'HR' followed by 11 digits", hr),
    eu("HU", "HU", "Hungary", "Hungarian", "'HU' followed by 8 digits", hu),
    eu("IE", "IE", "Ireland", "Irish", "'IE' followed by 7 digits and 1 or 2 letters \
       (old form: a digit, a letter, 5 digits and a letter)", ie),
    eu("IT", "IT", "Italy", "Italian", "'IT' followed by 11 digits", it),
    eu("LT", "LT", "Lithuania", "Lithuanian", "'LT' followed by 9 or 12 digits", lt),
    eu("LU", "LU", "Luxembourg", "Luxembourgish", "'LU' followed by 8 digits", lu),
    eu("LV", "LV", "Latvia", "Latvian", "'LV' followed by 11 digits", lv),
    eu("MT", "MT", "Malta", "Maltese", "'MT' followed by 8 digits, the first not 0", mt),
    eu("NL", "NL", "the Netherlands", "Dutch", "'NL' followed by 9 digits, 'B' and 2 digits", nl),
    eu("PL", "PL", "Poland", "Polish", "'PL' followed by 10 digits", pl),
    eu("PT", "PT", "Portugal", "Portuguese", "'PT' followed by 9 digits, the first not 0", pt),
    eu("RO", "RO", "Romania", "Romanian", "'RO' followed by 2 to 10 digits, the first not 0", ro),
    eu("SE", "SE", "Sweden", "Swedish", "'SE' followed by 12 digits ending in 01", se),
    eu("SI", "SI", "Slovenia", "Slovenian", "'SI' followed by 8 digits, the first not 0", si),
    eu("SK", "SK", "Slovakia", "Slovak", "'SK' followed by 10 digits", sk),
    // Outside the EU the prefix may be left out.
    Rules { alt_prefix: "XI", prefix_optional: true, ..eu("GB", "GB", "the United Kingdom", "British",
        "9 digits, 12 digits, or 'GD' or 'HA' followed by 3 digits, \
         optionally after 'GB' (or 'XI' for Northern Ireland)", gb) },
    Rules { prefix_optional: true, suffixes: &["MWST", "TVA", "IVA", "TPV"], ..eu("CH", "CHE",
        "Switzerland", "Swiss",
        "'CHE' followed by 9 digits, optionally followed by MWST, TVA, IVA or TPV", ch) },
    Rules { prefix_optional: true, suffixes: &["MVA"], suffix: "MVA", ..eu("NO", "NO", "Norway",
        "Norwegian", "'NO' followed by 9 digits and 'MVA'", no) },
    Rules { kind: "ABN", prefix_optional: true, ..eu("AU", "", "Australia", "Australian",
        "11 digits (an ABN has no country prefix)", au) },
];

fn rules_for(country: &str) -> Option<&'static Rules> {
    let country = country.trim();
    RULES
        .iter()
        .find(|rules| rules.country.eq_ignore_ascii_case(country))
}

/// Removes whitespace, '.' and '-', and upper-cases ASCII letters.
fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Splits a normalised ID into the prefix of its canonical form and the rest.
fn split_prefix<'a>(rules: &Rules, id: &'a str) -> Result<(&'static str, &'a str), String> {
    let strip = |prefix| Some((prefix, id.strip_prefix(prefix)?));
    if let Some(found) = rules.prefixes().find_map(strip) {
        return Ok(found);
    }
    let foreign = |other: &&Rules| {
        other.country != rules.country && other.prefixes().any(|p| id.starts_with(p))
    };
    if let Some(other) = RULES.iter().find(foreign) {
        let (kind, name, country) = (other.kind, other.name, rules.country);
        return Err(format!(
            "is a {kind} of {name}, but the customer's country is {country}"
        ));
    }
    if rules.country == "GR" && id.starts_with("GR") {
        return Err("is not a Greek VAT ID: Greek VAT IDs start with 'EL', not 'GR'".to_owned());
    }
    if !rules.prefix_optional {
        return Err(rules.shape_error());
    }
    Ok((rules.prefix, id))
}

// ---------------------------------------------------------------------------
// Shared arithmetic. Digits are u64 so sums and numbers never need converting.

/// The digit values of `b`, or `None` if any byte is not an ASCII digit.
fn digits(b: &[u8]) -> Option<Vec<u64>> {
    let digit = |c: &u8| c.is_ascii_digit().then(|| u64::from(c - b'0'));
    b.iter().map(digit).collect()
}

/// Exactly `len` digits, or a shape failure.
fn digits_n(b: &[u8], len: usize) -> Result<Vec<u64>, Fail> {
    digits(b).filter(|d| d.len() == len).ok_or(Fail::Shape)
}

/// Exactly `len` digits, the first not 0, or a shape failure.
fn digits_n_no_lead_zero(b: &[u8], len: usize) -> Result<Vec<u64>, Fail> {
    digits_n(b, len).and_then(|d| if d[0] == 0 { Err(Fail::Shape) } else { Ok(d) })
}

/// Sum of digit × weight, pairing digits and weights from the left.
fn weighted(d: &[u64], weights: impl IntoIterator<Item = u64>) -> u64 {
    d.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// The digits read as a decimal number.
fn number(d: &[u64]) -> u64 {
    d.iter().fold(0, |n, d| n * 10 + d)
}

/// Luhn sum mod 10, doubling every second digit from the right; `double_rightmost`
/// says whether that starts with the rightmost digit (a payload without its check
/// digit) or the one before it (a complete number, valid when the sum is 0).
fn luhn(d: &[u64], double_rightmost: bool) -> u64 {
    let mut sum = 0;
    for (i, &x) in d.iter().rev().enumerate() {
        let double = (i % 2 == 0) == double_rightmost;
        sum += if double { 2 * x / 10 + 2 * x % 10 } else { x };
    }
    sum % 10
}

fn luhn_valid(d: &[u64]) -> bool {
    luhn(d, false) == 0
}

/// The Luhn check digit to append to `payload`.
fn luhn_check_digit(payload: &[u64]) -> u64 {
    (10 - luhn(payload, true)) % 10
}

/// ISO 7064 MOD 11,10 (hybrid system), check digit included.
fn mod_11_10_valid(d: &[u64]) -> bool {
    let step = |c: u64, x: &u64| ((if c == 0 { 10 } else { c }) * 2 % 11 + x) % 10;
    d.iter().fold(5, step) == 1
}

/// ISO 7064 MOD 97-10 remainder of digits and upper-case letters (A = 10 ... Z = 35).
fn mod_97_10(chars: impl IntoIterator<Item = u8>) -> u64 {
    chars.into_iter().fold(0, |r, c| match c {
        b'0'..=b'9' => (r * 10 + u64::from(c - b'0')) % 97,
        _ => (r * 100 + u64::from(c.saturating_sub(b'A')) + 10) % 97,
    })
}

fn ensure(ok: bool, fail: Fail) -> Check {
    if ok { Ok(()) } else { Err(fail) }
}

fn check_if(ok: bool) -> Check {
    ensure(ok, Fail::CheckDigit)
}

fn valid_date(year: u64, month: u64, day: u64) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    (1..=days).contains(&day)
}

// ---------------------------------------------------------------------------
// Countries: each gets the number without prefix (and suffix), ASCII upper case.

/// Austria, stdnum/at/uid.py: 'U' + 7 digits + check = (6 - Luhn sum) mod 10.
fn at(b: &[u8]) -> Check {
    let d = digits_n(b.strip_prefix(b"U").ok_or(Fail::Shape)?, 8)?;
    check_if((16 - luhn(&d[..7], false)) % 10 == d[7])
}

/// Belgium, stdnum/be/vat.py: first 8 digits + last 2 divisible by 97.
fn be(b: &[u8]) -> Check {
    let d = digits_n(b, 10)?;
    ensure(d[0] <= 1 && number(&d) > 0, Fail::Shape)?;
    check_if((number(&d[..8]) + number(&d[8..])).is_multiple_of(97))
}

/// Bulgaria, stdnum/bg/vat.py (+ egn.py, pnf.py): 9 digits for legal entities;
/// 10 digits for a citizen (EGN), a foreigner (PNF) or others.
fn bg(b: &[u8]) -> Check {
    let d = digits(b).ok_or(Fail::Shape)?;
    match d.len() {
        9 => {
            let mut check = weighted(&d[..8], 1..) % 11;
            if check == 10 {
                check = weighted(&d[..8], 3..) % 11;
            }
            check_if(check % 10 == d[8])
        }
        10 => {
            let (payload, last) = (&d[..9], d[9]);
            let egn = weighted(payload, [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10 == last
                && bg_egn_date_valid(&d);
            let foreigner = weighted(payload, [21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10 == last;
            let other = (11 - weighted(payload, [4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11 == last;
            check_if(egn || foreigner || other)
        }
        _ => Err(Fail::Shape),
    }
}

/// An EGN starts with YYMMDD; the month carries +20 for 1800s, +40 for 2000s.
fn bg_egn_date_valid(d: &[u64]) -> bool {
    let (year, month) = match number(&d[2..4]) {
        m @ 41..=52 => (2000, m - 40),
        m @ 21..=32 => (1800, m - 20),
        m => (1900, m),
    };
    valid_date(year + number(&d[..2]), month, number(&d[4..6]))
}

/// Cyprus, stdnum/cy/vat.py: 8 digits + check letter; must not start with 12.
fn cy(b: &[u8]) -> Check {
    const EVEN_POSITION_VALUES: [u64; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
    let (&letter, rest) = b.split_last().ok_or(Fail::Shape)?;
    let d = digits_n(rest, 8)?;
    ensure(letter.is_ascii_uppercase(), Fail::Shape)?;
    let why = "Cypriot VAT IDs do not start with 12";
    ensure(d[..2] != [1, 2], Fail::Invalid(why))?;
    let value = |&x: &u64| EVEN_POSITION_VALUES[x as usize];
    let even: u64 = d.iter().step_by(2).map(value).sum();
    let odd: u64 = d.iter().skip(1).step_by(2).sum();
    check_if(u64::from(letter - b'A') == (even + odd) % 26)
}

/// Czech Republic, stdnum/cz/dic.py: 8 digits for legal entities (mod 11),
/// 9 digits starting with 6 for special cases, otherwise a birth number.
fn cz(b: &[u8]) -> Check {
    let d = digits(b).ok_or(Fail::Shape)?;
    match d.len() {
        8 if d[0] == 9 => Err(Fail::Invalid("8-digit Czech VAT IDs do not start with 9")),
        8 => {
            let check = (11 - weighted(&d[..7], (2..=8).rev()) % 11) % 11;
            check_if(if check == 0 { 1 } else { check % 10 } == d[7])
        }
        9 if d[0] == 6 => {
            let sum = weighted(&d[1..8], (2..=8).rev()) % 11;
            check_if((18 - (10 - sum) % 11) % 10 == d[8])
        }
        9 | 10 => birth_number(&d),
        _ => Err(Fail::Shape),
    }
}

/// Czech and Slovak birth number (rodné číslo), stdnum/cz/rc.py: YYMMDD with
/// month +50 for women (+20 extra when a day ran out), then 3 digits, then
/// (10 digits, from 1954 on) a check digit: the first 9 digits mod 11 mod 10.
fn birth_number(d: &[u64]) -> Check {
    let mut year = 1900 + number(&d[..2]);
    if d.len() == 9 {
        if year >= 1980 {
            year -= 100;
        }
        let why = "9-digit birth numbers were issued only until 1953";
        ensure(year <= 1953, Fail::Invalid(why))?;
    } else if year < 1954 {
        year += 100;
    }
    let date_ok = valid_date(year, number(&d[2..4]) % 50 % 20, number(&d[4..6]));
    ensure(
        date_ok,
        Fail::Invalid("the birth date in the number is not a date"),
    )?;
    check_if(d.len() == 9 || number(&d[..9]) % 11 % 10 == d[9])
}

/// Germany, stdnum/de/vat.py: 9 digits, first not 0, ISO 7064 MOD 11,10.
fn de(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 9)?;
    check_if(mod_11_10_valid(&d))
}

/// Denmark, stdnum/dk/cvr.py: weights 2,7,6,5,4,3,2,1, sum divisible by 11.
fn dk(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 8)?;
    check_if(weighted(&d, [2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0)
}

/// Estonia, stdnum/ee/kmkr.py: weights 3,7,1 repeated, sum divisible by 10.
fn ee(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    ensure(d[..2] == [1, 0], Fail::Shape)?;
    check_if(weighted(&d, [3, 7, 1].into_iter().cycle()) % 10 == 0)
}

/// Greece, stdnum/gr/vat.py: weights are powers of 2, sum × 2 mod 11 mod 10.
fn el(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    let sum = d[..8].iter().fold(0, |s, x| s * 2 + x);
    check_if(sum * 2 % 11 % 10 == d[8])
}

/// Spain, stdnum/es/nif.py (+ dni.py, nie.py, cif.py): DNI (8 digits + letter),
/// NIE (X/Y/Z + 7 digits + letter), K/L/M + 7 digits + letter, or CIF
/// (organisation letter + 7 digits + Luhn digit or its letter form).
fn es(b: &[u8]) -> Check {
    const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let [first, middle @ .., last] = b else {
        return Err(Fail::Shape);
    };
    let middle = digits_n(middle, 7)?;
    let dni_letter = |lead: u64| DNI_LETTERS[((lead * 10_000_000 + number(&middle)) % 23) as usize];
    match *first {
        b'0'..=b'9' => check_if(*last == dni_letter(u64::from(first - b'0'))),
        b'X' | b'Y' | b'Z' => check_if(*last == dni_letter(u64::from(first - b'X'))),
        b'K' | b'L' | b'M' => check_if(*last == dni_letter(0)),
        c if b"ABCDEFGHJNPQRSUVW".contains(&c) => {
            let check = luhn_check_digit(&middle) as u8;
            check_if(*last == b'0' + check || *last == b"JABCDEFGHI"[usize::from(check)])
        }
        _ => Err(Fail::Shape),
    }
}

/// Finland, stdnum/fi/alv.py: weights 7,9,10,5,8,4,2,1, sum divisible by 11.
fn fi(b: &[u8]) -> Check {
    let d = digits_n(b, 8)?;
    check_if(weighted(&d, [7, 9, 10, 5, 8, 4, 2, 1]) % 11 == 0)
}

/// France, stdnum/fr/tva.py: 2 key characters + SIREN (9 digits, Luhn unless it
/// starts with 000). Numeric key = (SIREN × 100 + 12) mod 97, i.e.
/// (12 + 3 × (SIREN mod 97)) mod 97; keys with letters (alphabet without I, O)
/// use the newer mod 11 scheme.
fn fr(b: &[u8]) -> Check {
    const KEY_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let key_value = |c: &u8| KEY_ALPHABET.iter().position(|a| a == c).map(|p| p as u64);
    let [k0, k1, siren @ ..] = b else {
        return Err(Fail::Shape);
    };
    let (k0, k1) = key_value(k0).zip(key_value(k1)).ok_or(Fail::Shape)?;
    let siren = digits_n(siren, 9)?;
    check_if(siren[..3] == [0, 0, 0] || luhn_valid(&siren))?;
    let siren = number(&siren);
    let letter_key = |check: u64| check_if((siren + 1 + check / 11) % 11 == check % 11);
    match (k0, k1) {
        (0..=9, 0..=9) => check_if(k0 * 10 + k1 == (siren * 100 + 12) % 97),
        (0..=9, _) => letter_key(k0 * 24 + k1 - 10),
        _ => letter_key(k0 * 34 + k1 - 100),
    }
}

/// Croatia, stdnum/hr/oib.py: OIB, ISO 7064 MOD 11,10.
fn hr(b: &[u8]) -> Check {
    check_if(mod_11_10_valid(&digits_n(b, 11)?))
}

/// Hungary, stdnum/hu/anum.py: weights 9,7,3,1 repeated, sum divisible by 10.
fn hu(b: &[u8]) -> Check {
    let d = digits_n(b, 8)?;
    check_if(weighted(&d, [9, 7, 3, 1].into_iter().cycle()) % 10 == 0)
}

/// Ireland, stdnum/ie/vat.py: mod 23 check letter over 7 digits weighted 8..2,
/// plus 9 × the optional second letter (2013 format); the old format is
/// digit, letter (or + or *), 5 digits, check letter.
fn ie(b: &[u8]) -> Check {
    const ALPHABET: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).ok_or(Fail::Shape);
    let check_letter =
        |d: &[u64], extra: usize| ALPHABET[(weighted(d, (2..=8).rev()) as usize + 9 * extra) % 23];
    ensure(matches!(b.len(), 8 | 9), Fail::Shape)?;
    value(b[7])?;
    if let Some(d) = digits(&b[..7]) {
        let extra = b.get(8).map_or(Ok(0), |&c| value(c))?;
        return check_if(b[7] == check_letter(&d, extra));
    }
    let old = b.len() == 8 && (b[1].is_ascii_uppercase() || matches!(b[1], b'+' | b'*'));
    let (Some(first), Some(middle), true) = (digits(&b[..1]), digits(&b[2..7]), old) else {
        return Err(Fail::Shape);
    };
    let d: Vec<u64> = [0].into_iter().chain(middle).chain(first).collect();
    check_if(b[7] == check_letter(&d, 0))
}

/// Italy, stdnum/it/iva.py: 7-digit number, 3-digit office code, Luhn digit.
fn it(b: &[u8]) -> Check {
    let d = digits_n(b, 11)?;
    ensure(number(&d[..7]) > 0, Fail::Shape)?;
    let office = matches!(number(&d[7..10]), 1..=100 | 120 | 121 | 888 | 999);
    let why = "digits 8 to 10 are not a tax office code (001-100, 120, 121, 888 or 999)";
    ensure(office, Fail::Invalid(why))?;
    check_if(luhn_valid(&d))
}

/// Lithuania, stdnum/lt/pvm.py: weights 1..9,1,2 mod 11; if that gives 10, a
/// second pass with weights shifted by 2; 10 then counts as 0.
fn lt(b: &[u8]) -> Check {
    let d = digits(b).ok_or(Fail::Shape)?;
    let marker = match d.len() {
        9 => 7,
        12 => 10,
        _ => return Err(Fail::Shape),
    };
    let why = "the second-to-last digit must be 1";
    ensure(d[marker] == 1, Fail::Invalid(why))?;
    let (payload, last) = d.split_at(d.len() - 1);
    let mut check = weighted(payload, (0..).map(|i| 1 + i % 9)) % 11;
    if check == 10 {
        check = weighted(payload, (0..).map(|i| 1 + (i + 2) % 9)) % 11;
    }
    check_if(check % 10 == last[0])
}

/// Luxembourg, stdnum/lu/tva.py: first 6 digits mod 89 = last 2.
fn lu(b: &[u8]) -> Check {
    let d = digits_n(b, 8)?;
    check_if(number(&d[..6]) % 89 == number(&d[6..]))
}

/// Latvia, stdnum/lv/pvn.py: legal entities (first digit > 3) weighted sum mod
/// 11 = 3; individuals: personal code (DDMMYY + century digit, or new codes
/// starting with 32) with check = (1 + weighted sum) mod 11 mod 10.
fn lv(b: &[u8]) -> Check {
    let d = digits_n(b, 11)?;
    if d[0] > 3 {
        return check_if(weighted(&d, [9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3);
    }
    if d[..2] != [3, 2] {
        let year = 1800 + 100 * d[6] + number(&d[4..6]);
        let why = "the birth date in the personal code is not a date";
        let born = valid_date(year, number(&d[2..4]), number(&d[..2]));
        ensure(born, Fail::Invalid(why))?;
    }
    check_if((1 + weighted(&d[..10], [10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10 == d[10])
}

/// Malta, stdnum/mt/vat.py: weights 3,4,6,7,8,9,10,1, sum divisible by 37.
fn mt(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 8)?;
    check_if(weighted(&d, [3, 4, 6, 7, 8, 9, 10, 1]) % 37 == 0)
}

/// Netherlands, stdnum/nl/btw.py: 9 digits + 'B' + 2 digits. The 9 digits pass
/// the mod 11 "elfproef" (weights 9..2, -1), or, for sole traders' numbers
/// issued since 2020, "NL" + the whole number passes ISO 7064 MOD 97-10.
fn nl(b: &[u8]) -> Check {
    let (Some(main), Some(b'B'), Some(branch)) = (b.get(..9), b.get(9), b.get(10..)) else {
        return Err(Fail::Shape);
    };
    let d = digits_n(main, 9)?;
    let branch = number(&digits_n(branch, 2)?);
    ensure(number(&d) > 0 && branch > 0, Fail::Shape)?;
    // -1 ≡ 10 (mod 11)
    let elfproef = weighted(&d, [9, 8, 7, 6, 5, 4, 3, 2, 10]) % 11 == 0;
    check_if(elfproef || mod_97_10(b"NL".iter().chain(b).copied()) == 1)
}

/// Poland, stdnum/pl/nip.py: weights 6,5,7,2,3,4,5,6,7 mod 11 = last digit.
fn pl(b: &[u8]) -> Check {
    let d = digits_n(b, 10)?;
    // -1 ≡ 10 (mod 11)
    check_if(weighted(&d, [6, 5, 7, 2, 3, 4, 5, 6, 7, 10]) % 11 == 0)
}

/// Portugal, stdnum/pt/nif.py: check = (11 - weights 9..2 mod 11) mod 11 mod 10.
fn pt(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 9)?;
    check_if((11 - weighted(&d[..8], (2..=9).rev()) % 11) % 11 % 10 == d[8])
}

/// Romania, stdnum/ro/cui.py: weights 7,5,3,2,1,7,5,3,2 aligned to the right,
/// check = 10 × sum mod 11 mod 10.
fn ro(b: &[u8]) -> Check {
    const WEIGHTS: [u64; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];
    let d = digits(b).ok_or(Fail::Shape)?;
    ensure((2..=10).contains(&d.len()) && d[0] != 0, Fail::Shape)?;
    let (payload, last) = d.split_at(d.len() - 1);
    let weights = WEIGHTS[WEIGHTS.len() - payload.len()..].iter().copied();
    check_if(10 * weighted(payload, weights) % 11 % 10 == last[0])
}

/// Sweden, stdnum/se/vat.py: organisation number (10 digits, Luhn) + "01".
fn se(b: &[u8]) -> Check {
    let d = digits_n(b, 12)?;
    ensure(d[10..] == [0, 1], Fail::Shape)?;
    check_if(luhn_valid(&d[..10]))
}

/// Slovenia, stdnum/si/ddv.py: check = 11 - (weights 8..2 mod 11); 10 → 0,
/// 11 is impossible.
fn si(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 8)?;
    let check = 11 - weighted(&d[..7], (2..=8).rev()) % 11;
    check_if(check != 11 && check % 10 == d[7])
}

/// Slovakia, stdnum/sk/dph.py: a birth number, or a legal entity's number
/// divisible by 11 whose third digit is 2, 3, 4, 7, 8 or 9.
fn sk(b: &[u8]) -> Check {
    let d = digits_n(b, 10)?;
    if birth_number(&d).is_ok() {
        return Ok(());
    }
    let why = "the third digit must be 2, 3, 4, 7, 8 or 9";
    let legal_entity = d[0] != 0 && matches!(d[2], 2 | 3 | 4 | 7 | 8 | 9);
    ensure(legal_entity, Fail::Invalid(why))?;
    check_if(number(&d).is_multiple_of(11))
}

/// United Kingdom, stdnum/gb/vat.py: weights 8..2,10,1 on the first 9 digits,
/// sum mod 97 = 0, or (since 2009, numbers from 100 on, the "9755" scheme) 42;
/// python-stdnum also accepts 55. 12 digits = 9 + a branch number.
/// GD000-GD499: government departments, HA500-HA999: health authorities.
fn gb(b: &[u8]) -> Check {
    if let [kind @ (b'G' | b'H'), letter, rest @ ..] = b {
        let n = number(&digits_n(rest, 3)?);
        return match (*kind, *letter) {
            (b'G', b'D') if n < 500 => Ok(()),
            (b'H', b'A') if n >= 500 => Ok(()),
            (b'G', b'D') | (b'H', b'A') => Err(Fail::Invalid(
                "government departments are GD000-GD499, health authorities HA500-HA999",
            )),
            _ => Err(Fail::Shape),
        };
    }
    let d = digits(b).ok_or(Fail::Shape)?;
    ensure(matches!(d.len(), 9 | 12), Fail::Shape)?;
    let sum = weighted(&d[..9], [8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97;
    check_if(sum == 0 || (number(&d[..3]) >= 100 && matches!(sum, 42 | 55)))
}

/// Switzerland, stdnum/ch/uid.py: UID digits, weights 5,4,3,2,7,6,5,4,
/// check = (11 - sum mod 11) mod 11 (10 is never issued).
fn ch(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    check_if((11 - weighted(&d[..8], [5, 4, 3, 2, 7, 6, 5, 4]) % 11) % 11 == d[8])
}

/// Norway, stdnum/no/orgnr.py: weights 3,2,7,6,5,4,3,2,1, divisible by 11.
fn no(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    check_if(weighted(&d, [3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0)
}

/// Australia, the ATO's ABN check (as stdnum/au/abn.py): subtract 1 from the
/// first digit, weights 10,1,3,5,...,19, sum divisible by 89. (python-stdnum also
/// rejects the check digits "10", which the ATO's procedure never issues.)
fn au(b: &[u8]) -> Check {
    let d = digits_n(b, 11)?;
    check_if(d[0] != 0)?;
    // Subtracting 1 from the first digit takes 10 off the sum; -10 ≡ 79 (mod 89).
    check_if((weighted(&d, [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) + 79) % 89 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tax-ID rules and the jurisdictions' facts (rates.rs) are two tables keyed by the
    /// same country codes: neither may name a country the other lacks.
    #[test]
    fn rules_cover_exactly_the_jurisdictions() {
        let mut rules: Vec<&str> = RULES.iter().map(|r| r.country).collect();
        let mut facts: Vec<&str> = crate::rates::all().iter().map(|j| j.country).collect();
        rules.sort_unstable();
        facts.sort_unstable();
        assert_eq!(rules, facts);
    }

    fn canonical(country: &str, raw: &str) -> String {
        match check_tax_id(country, raw) {
            Ok(Some(id)) => id.to_string(),
            other => panic!("{country} '{raw}': expected a valid ID, got {other:?}"),
        }
    }

    fn reason(country: &str, raw: &str) -> String {
        match check_tax_id(country, raw) {
            Err(reason) => reason,
            other => panic!("{country} '{raw}': expected an error, got {other:?}"),
        }
    }

    /// Per country: a valid published ID as it may be written, its canonical form,
    /// a wrong check digit, a wrong shape. All agree with python-stdnum 2.2.
    #[rustfmt::skip]
    const CASES: [(&str, &str, &str, &str, &str); 31] = [
        ("AT", "ATU13585627", "ATU13585627", "ATU13585626", "AT13585627"),
        ("BE", "BE0403019261", "BE0403019261", "BE0403019262", "BE2403019261"),
        ("BG", "BG175074752", "BG175074752", "BG175074751", "BG17507475"),
        ("CY", "CY10259033P", "CY10259033P", "CY10259033Z", "CY102590331"),
        ("CZ", "CZ25123891", "CZ25123891", "CZ25123890", "CZ2512389"),
        ("DE", "DE136695976", "DE136695976", "DE136695978", "DE13669597"),
        ("DK", "DK 13 58 56 28", "DK13585628", "DK13585627", "DK1358562"),
        ("EE", "EE100247019", "EE100247019", "EE100594103", "EE200594102"),
        ("GR", "EL094259216", "EL094259216", "EL123456781", "EL09425921"),
        ("ES", "ES A13585625", "ESA13585625", "ESB64717839", "ESI64717838"),
        ("FI", "FI20774740", "FI20774740", "FI20774741", "FI2077474"),
        ("FR", "FR 40 303 265 045", "FR40303265045", "FR41303265045", "FR4030326504"),
        ("HR", "HR33392005961", "HR33392005961", "HR33392005962", "HR3339200596"),
        ("HU", "HU12892312", "HU12892312", "HU12892313", "HU1289231"),
        ("IE", "IE6388047V", "IE6388047V", "IE6388047W", "IE63880477"),
        ("IT", "IT00743110157", "IT00743110157", "IT00743110158", "IT0074311015"),
        ("LT", "LT119511515", "LT119511515", "LT119511516", "LT11951151"),
        ("LU", "LU15027442", "LU15027442", "LU15027443", "LU1502744"),
        ("LV", "LV40003521600", "LV40003521600", "LV40003521601", "LV4000352160"),
        ("MT", "MT 1167-9112", "MT11679112", "MT11679113", "MT01679112"),
        ("NL", "NL004495445B01", "NL004495445B01", "NL004495446B01", "NL004495445X01"),
        ("PL", "PL 856-734-62-15", "PL8567346215", "PL8567346216", "PL856734621"),
        ("PT", "PT501964843", "PT501964843", "PT501964842", "PT50196484"),
        ("RO", "RO18547290", "RO18547290", "RO18547291", "RO1"),
        ("SE", "SE123456789701", "SE123456789701", "SE123456789101", "SE123456789702"),
        ("SI", "SI50223054", "SI50223054", "SI50223055", "SI5022305"),
        ("SK", "SK2022749619", "SK2022749619", "SK2022749618", "SK202274961"),
        ("GB", "GB 980 7806 84", "GB980780684", "GB802311781", "GB98078068"),
        ("CH", "CHE-116.281.710 MWST", "CHE116281710", "CHE116281711", "CHE11628171"),
        ("NO", "923 609 016", "NO923609016MVA", "NO923609017MVA", "NO92360901MVA"),
        ("AU", "51 824 753 556", "51824753556", "51824753557", "AU51824753556"),
    ];

    #[test]
    fn valid_ids_pass_in_canonical_form() {
        for rules in &RULES {
            assert!(has_rules(rules.country) && CASES.iter().any(|c| c.0 == rules.country));
        }
        for (country, raw, expected, _, _) in CASES {
            assert_eq!(canonical(country, raw), expected);
            assert_eq!(canonical(country, expected), expected);
        }
    }

    #[test]
    fn wrong_check_digits_are_rejected() {
        for (country, _, _, wrong, _) in CASES {
            let reason = reason(country, wrong);
            assert!(reason.starts_with("is not a valid "), "{reason}");
            assert!(reason.ends_with(": check digit does not match"), "{reason}");
        }
    }

    #[test]
    fn wrong_shapes_name_the_expected_shape() {
        for (country, _, _, _, misshapen) in CASES {
            let reason = reason(country, misshapen);
            assert!(reason.starts_with("is not a"), "{reason}");
            assert!(reason.contains(": expected "), "{reason}");
        }
    }

    #[test]
    fn messages_read_as_documented() {
        #[rustfmt::skip]
        let cases = [
            ("DE", "DE13669597", "is not a German VAT ID: expected 'DE' followed by 9 digits"),
            ("DE", "136695976", "is not a German VAT ID: expected 'DE' followed by 9 digits"),
            ("DE", "DE136695978", "is not a valid German VAT ID: check digit does not match"),
            ("FR", "FR4030326504",
             "is not a French VAT ID: expected 'FR' followed by 2 check characters and 9 digits"),
            ("AT", "AT13585627", "is not an Austrian VAT ID: expected 'ATU' followed by 8 digits"),
            ("AU", "5182475355", "is not an Australian ABN: expected 11 digits (an ABN has no country prefix)"),
            ("GR", "GR094259216", "is not a Greek VAT ID: Greek VAT IDs start with 'EL', not 'GR'"),
            ("DE", "ATU13585627", "is a VAT ID of Austria, but the customer's country is DE"),
            ("AT", "EL094259216", "is a VAT ID of Greece, but the customer's country is AT"),
            ("FR", "XI980780684", "is a VAT ID of the United Kingdom, but the customer's country is FR"),
            ("GB", "DE136695976", "is a VAT ID of Germany, but the customer's country is GB"),
            ("AU", "CHE116281710", "is a VAT ID of Switzerland, but the customer's country is AU"),
            ("SE", "NO923609016MVA", "is a VAT ID of Norway, but the customer's country is SE"),
        ];
        for (country, raw, expected) in cases {
            assert_eq!(reason(country, raw), expected);
        }
    }

    #[test]
    fn input_is_normalised() {
        #[rustfmt::skip]
        let cases = [
            ("DE", "  de 136.695-976 ", "DE136695976"), ("DE", "DE\u{a0}136\t695\u{a0}976", "DE136695976"),
            ("GR", "el 094 259 216", "EL094259216"), ("NL", "nl0044.95.445.b01", "NL004495445B01"),
            ("IE", "ie 6388047v", "IE6388047V"), ("CH", "che-116.281.710 tva", "CHE116281710"),
            ("NO", "no 923 609 016 mva", "NO923609016MVA"), ("de", "DE136695976", "DE136695976"),
        ];
        for (country, raw, expected) in cases {
            assert_eq!(canonical(country, raw), expected);
        }
    }

    #[test]
    fn other_forms_are_accepted() {
        #[rustfmt::skip]
        let cases = [
            ("BG", "BG8032056031", "citizen (EGN)"), ("BG", "BG7111042925", "foreigner (PNF)"),
            ("CZ", "CZ7103192745", "10-digit birth no."), ("CZ", "CZ991231123", "9-digit birth no."),
            ("CZ", "CZ640903926", "special 9-digit form"), ("ES", "ES54362315K", "DNI"),
            ("ES", "ESX5253868R", "NIE"), ("ES", "ESM1234567L", "no NIE"), ("ES", "ESB58378431", "CIF"),
            ("FR", "FRK7399859412", "letter key"), ("FR", "FR4Z123456782", "digit and letter key"),
            ("IE", "IE6433435OA", "2013 form"), ("IE", "IE8D79739I", "old form"),
            ("LT", "LT100001919017", "12 digits"), ("LT", "LT100004801610", "second pass"),
            ("LV", "LV16117519997", "old personal code"), ("LV", "LV32867300679", "new personal code"),
            ("NL", "NL002455799B11", "sole trader, mod 97"), ("RO", "RO27", "short"),
            ("SK", "SK7103192745", "birth number"), ("GB", "GB980780684001", "branch"),
            ("GB", "GB340804329", "9755 scheme"), ("GB", "GBGD001", "government"),
            ("GB", "GBHA500", "health authority"), ("GB", "XI980780684", "Northern Ireland"),
            ("AU", "83914571673", "ABN"),
        ];
        for (country, raw, what) in cases {
            assert_eq!(canonical(country, raw), raw, "{what}");
        }
        assert_eq!(canonical("GB", "HA500"), "GBHA500");
        assert_eq!(canonical("CH", "CHE107787577IVA"), "CHE107787577");
    }

    #[test]
    fn impossible_parts_are_named() {
        #[rustfmt::skip]
        let cases = [
            ("CZ", "CZ1103492745", "birth date"), ("CZ", "CZ590312123", "until 1953"),
            ("CZ", "CZ91234567", "do not start with 9"), ("CY", "CY12000001A", "do not start with 12"),
            ("LV", "LV16137519997", "birth date"), ("LT", "LT119511525", "must be 1"),
            ("SK", "SK2012749619", "third digit"), ("GB", "GBGD500", "GD000-GD499"),
            ("IT", "IT00743111157", "not a tax office code"),
        ];
        for (country, raw, fragment) in cases {
            let reason = reason(country, raw);
            assert!(reason.starts_with("is not a valid "), "{reason}");
            assert!(reason.contains(fragment), "{reason}");
        }
    }

    #[test]
    fn odd_input_is_rejected_without_panicking() {
        #[rustfmt::skip]
        let odd = ["", "ÄÖÜ", "DE13669597６", "ATÜ1358562", "NL00449544ßB01", "IE+*", "GBGD", "FRÉ30326504"];
        for (country, raw, ..) in CASES {
            for (end, _) in raw.char_indices() {
                let _ = check_tax_id(country, &raw[..end]);
            }
            for odd in odd {
                assert!(check_tax_id(country, odd).is_err(), "{country} {odd}");
            }
        }
    }

    #[test]
    fn countries_without_rules_keep_the_id() {
        assert!(!has_rules("US") && !has_rules("EL") && !has_rules(""));
        assert_eq!(check_tax_id("US", "12-3456789"), Ok(None));
        assert_eq!(check_tax_id("JP", "anything at all"), Ok(None));
        let id = TaxId("DE136695976".to_owned());
        assert_eq!(
            (id.as_str(), id.to_string().as_str()),
            ("DE136695976", "DE136695976")
        );
    }

    /// Made-up IDs with computed check digits (each also valid in python-stdnum)
    /// for sample data, each with a one-character typo in its check digit.
    #[test]
    fn sample_ids() {
        #[rustfmt::skip]
        let samples = [
            ("DE", "DE123456788", "DE123456787"), ("DE", "DE876543219", "DE876543218"),
            ("FR", "FR11123456782", "FR12123456782"), ("FR", "FR14987654324", "FR14987654325"),
            ("IT", "IT12345670017", "IT12345670018"), ("IT", "IT76543210157", "IT76543210158"),
            ("EE", "EE101234568", "EE101234567"), ("EE", "EE109876546", "EE109876547"),
            ("IE", "IE1234567T", "IE1234567W"), ("IE", "IE3141592EA", "IE3141592FA"),
            ("AT", "ATU12345675", "ATU12345676"), ("AT", "ATU76543215", "ATU76543216"),
            ("NL", "NL123456782B01", "NL123456783B01"), ("NL", "NL111222333B01", "NL111222334B01"),
            ("ES", "ESB12345674", "ESB12345675"), ("ES", "ESA76543214", "ESA76543215"),
            ("PL", "PL1234563218", "PL1234563219"), ("PL", "PL7654321235", "PL7654321236"),
            ("GR", "EL123456783", "EL123456784"), ("GR", "EL098765430", "EL098765431"),
            ("GB", "GB123456782", "GB123456783"), ("CH", "CHE123456788", "CHE123456789"),
            ("NO", "NO123456785MVA", "NO123456786MVA"), ("AU", "18123456789", "18123456788"),
        ];
        for (country, valid, typo) in samples {
            assert_eq!(canonical(country, valid), valid);
            assert!(
                reason(country, typo).ends_with("check digit does not match"),
                "{typo}"
            );
        }
    }
}
