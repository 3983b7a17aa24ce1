//! Offline validation of customers' tax identifiers (VAT IDs and the like).
//!
//! Why: an invoice to a business customer in another EU member state (reverse
//! charge, intra-Community supply) must show the customer's VAT ID, and a
//! mistyped one makes the invoice defective. Every scheme below carries check
//! digits, so most typing errors can be caught before the invoice is issued,
//! without a network call. Whether a number is actually *registered* is a
//! different question (VIES, the national registers) and is not answered here.
//!
//! Which country writes its IDs how is a fact of that country and lives in its entry in
//! [`crate::rates`] ([`crate::rates::Jurisdiction::tax_id`], an [`IdRules`]: prefix, names,
//! expected shape and the check below that applies); this module holds the checks and the
//! procedure that applies an entry to a number. Covered: every jurisdiction there, i.e. the
//! 27 EU member states, the United Kingdom (GB, and XI for Northern Ireland), Switzerland,
//! Norway and Australia. Any other country has no rules here and [`check_tax_id`] returns
//! `Ok(None)`.
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

use crate::rates::{self, Jurisdiction};

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
    jurisdiction_of(country).is_some()
}

/// Check `raw` as a tax ID of `country`.
///
/// `Ok(Some(TaxId))` when the country has rules and the ID passes;
/// `Ok(None)` when the country has no rules here (the ID is then kept as written
/// by the caller); `Err(reason)` when it fails. The [`TaxIdError`] says why; its text is
/// an English phrase that completes the sentence `'<raw>' <reason>`, naming what was
/// expected, e.g. "is not a German VAT ID: expected 'DE' followed by 9 digits" or
/// "is a VAT ID of Austria, but the customer's country is DE".
pub fn check_tax_id(country: &str, raw: &str) -> Result<Option<TaxId>, TaxIdError> {
    let Some(jurisdiction) = jurisdiction_of(country) else {
        return Ok(None);
    };
    let rules = &jurisdiction.tax_id;
    let id = normalise(raw);
    let (prefix, rest) = split_prefix(jurisdiction, &id)?;
    let body = rules
        .suffixes
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
        .unwrap_or(rest);
    let verdict =
        ensure(body.is_ascii(), Fail::Shape).and_then(|()| (rules.check)(body.as_bytes()));
    let country = jurisdiction.country;
    match verdict {
        Ok(()) => Ok(Some(TaxId(format!("{prefix}{body}{}", rules.suffix)))),
        Err(Fail::Shape) => Err(TaxIdError::Shape { country }),
        Err(Fail::CheckDigit) => Err(TaxIdError::CheckDigit { country }),
        Err(Fail::Invalid(why)) => Err(TaxIdError::Invalid { country, why }),
    }
}

/// Why a tax ID was refused. Countries are the table's codes (`"GR"` for Greece); the text
/// completes `'<raw>' …` and names what was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaxIdError {
    /// Wrong length or characters for `country`'s IDs: "is not a German VAT ID: expected
    /// 'DE' followed by 9 digits".
    Shape { country: &'static str },
    /// Right shape, wrong check digit(s).
    CheckDigit { country: &'static str },
    /// Right shape, but a part of it is impossible (a date, an office code); `why` says
    /// which.
    Invalid { country: &'static str, why: &'static str },
    /// Written with the prefix of `id_country`'s IDs, for a customer in `customer`.
    OtherCountry { id_country: &'static str, customer: &'static str },
    /// Written with the country code where its IDs' prefix differs from it (Greece: `EL`,
    /// not `GR`).
    CountryCodeAsPrefix { country: &'static str },
}

impl TaxIdError {
    /// Whether the ID has the right shape but a wrong check digit (most likely a typing
    /// error in one digit).
    pub fn is_check_digit(&self) -> bool {
        matches!(self, TaxIdError::CheckDigit { .. })
    }
}

impl fmt::Display for TaxIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = |country| &rates::jurisdiction(country).expect("errors name countries of the table").tax_id;
        match *self {
            TaxIdError::Shape { country } => {
                let rules = rules(country);
                write!(f, "is not {}: expected {}", rules.one(), rules.expected)
            }
            TaxIdError::CheckDigit { country } => rules(country).invalid(f, "check digit does not match"),
            TaxIdError::Invalid { country, why } => rules(country).invalid(f, why),
            TaxIdError::OtherCountry { id_country, customer } => {
                let other = rules(id_country);
                write!(f, "is a {} of {}, but the customer's country is {customer}", other.kind, other.name)
            }
            TaxIdError::CountryCodeAsPrefix { country } => {
                let rules = rules(country);
                let (adjective, kind, prefix) = (rules.adjective, rules.kind, rules.prefix);
                write!(f, "is not {}: {adjective} {kind}s start with '{prefix}', not '{country}'", rules.one())
            }
        }
    }
}

impl std::error::Error for TaxIdError {}

/// Why a national number was rejected.
#[derive(Debug, PartialEq)]
pub(crate) enum Fail {
    /// Wrong length or characters: the message repeats the expected shape.
    Shape,
    /// Right shape, wrong check digit(s).
    CheckDigit,
    /// Right shape, but a part of it is impossible (e.g. a date or office code).
    Invalid(&'static str),
}

pub(crate) type Check = Result<(), Fail>;

/// How one country's tax IDs are written and checked: a field of the country's entry in
/// [`crate::rates`], built there with `vat_id` and struct update syntax.
#[derive(Clone, Copy, Debug)]
pub struct IdRules {
    /// As in "a VAT ID of Austria".
    pub(crate) name: &'static str,
    /// As in "a German VAT ID".
    pub(crate) adjective: &'static str,
    /// What the identifier is called: "VAT ID", "ABN".
    pub(crate) kind: &'static str,
    /// Prefix of the canonical form, "" for none: the VAT prefix ("EL" for Greece).
    pub(crate) prefix: &'static str,
    /// Another prefix accepted and kept: XI for Northern Ireland.
    pub(crate) alt_prefix: &'static str,
    /// Whether the prefix may be left out (it is then added).
    pub(crate) prefix_optional: bool,
    /// Accepted after the number, dropped before checking.
    pub(crate) suffixes: &'static [&'static str],
    /// Suffix of the canonical form.
    pub(crate) suffix: &'static str,
    /// The shape, completing "expected ...".
    pub(crate) expected: &'static str,
    /// Shape and check digits of the number alone (without prefix and suffix).
    pub(crate) check: fn(&[u8]) -> Check,
}

impl IdRules {
    /// The canonical prefix of these IDs ("EL" for Greece, "CHE" for Switzerland, "" for
    /// Australia's ABN).
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    fn prefixes(&self) -> impl Iterator<Item = &'static str> {
        [self.prefix, self.alt_prefix]
            .into_iter()
            .filter(|p| !p.is_empty())
    }

    /// "a German VAT ID", "an Austrian VAT ID".
    fn one(&self) -> String {
        let vowel = self.adjective.starts_with(['A', 'E', 'I', 'O', 'U']);
        let article = if vowel { "an" } else { "a" };
        format!("{article} {} {}", self.adjective, self.kind)
    }

    fn invalid(&self, f: &mut fmt::Formatter<'_>, why: &str) -> fmt::Result {
        write!(f, "is not a valid {} {}: {why}", self.adjective, self.kind)
    }
}

/// A VAT ID with a required prefix, as in every EU member state.
pub(crate) const fn vat_id(
    prefix: &'static str,
    name: &'static str,
    adjective: &'static str,
    expected: &'static str,
    check: fn(&[u8]) -> Check,
) -> IdRules {
    IdRules {
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

/// The jurisdiction of `country`, written in any case and with surrounding spaces.
fn jurisdiction_of(country: &str) -> Option<&'static Jurisdiction> {
    // A business in Monaco holds a French VAT number, one on the Isle of Man a British one.
    let country = crate::territory::vat_country_code(country.trim());
    rates::all()
        .iter()
        .find(|j| j.country.eq_ignore_ascii_case(country))
}

/// Removes whitespace, '.' and '-', and upper-cases ASCII letters.
fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Splits a normalised ID of `jurisdiction` into the prefix of its canonical form and the
/// rest.
fn split_prefix<'a>(
    jurisdiction: &'static Jurisdiction,
    id: &'a str,
) -> Result<(&'static str, &'a str), TaxIdError> {
    let (rules, country) = (&jurisdiction.tax_id, jurisdiction.country);
    let strip = |prefix| Some((prefix, id.strip_prefix(prefix)?));
    if let Some(found) = rules.prefixes().find_map(strip) {
        return Ok(found);
    }
    let foreign = |other: &&Jurisdiction| {
        other.country != country && other.tax_id.prefixes().any(|p| id.starts_with(p))
    };
    if let Some(other) = rates::all().iter().find(foreign) {
        return Err(TaxIdError::OtherCountry { id_country: other.country, customer: country });
    }
    if rules.prefix_optional {
        return Ok((rules.prefix, id));
    }
    // A required prefix that is not the country code (Greece's EL): say so to one who
    // wrote the country code instead.
    if rules.prefix != country && id.starts_with(country) {
        return Err(TaxIdError::CountryCodeAsPrefix { country });
    }
    Err(TaxIdError::Shape { country })
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
pub(crate) fn at(b: &[u8]) -> Check {
    let d = digits_n(b.strip_prefix(b"U").ok_or(Fail::Shape)?, 8)?;
    check_if((16 - luhn(&d[..7], false)) % 10 == d[7])
}

/// Belgium, stdnum/be/vat.py: first 8 digits + last 2 divisible by 97.
pub(crate) fn be(b: &[u8]) -> Check {
    let d = digits_n(b, 10)?;
    ensure(d[0] <= 1 && number(&d) > 0, Fail::Shape)?;
    check_if((number(&d[..8]) + number(&d[8..])).is_multiple_of(97))
}

/// Bulgaria, stdnum/bg/vat.py (+ egn.py, pnf.py): 9 digits for legal entities;
/// 10 digits for a citizen (EGN), a foreigner (PNF) or others.
pub(crate) fn bg(b: &[u8]) -> Check {
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
pub(crate) fn cy(b: &[u8]) -> Check {
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
pub(crate) fn cz(b: &[u8]) -> Check {
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
pub(crate) fn de(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 9)?;
    check_if(mod_11_10_valid(&d))
}

/// Denmark, stdnum/dk/cvr.py: weights 2,7,6,5,4,3,2,1, sum divisible by 11.
pub(crate) fn dk(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 8)?;
    check_if(weighted(&d, [2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0)
}

/// Estonia, stdnum/ee/kmkr.py: weights 3,7,1 repeated, sum divisible by 10.
pub(crate) fn ee(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    ensure(d[..2] == [1, 0], Fail::Shape)?;
    check_if(weighted(&d, [3, 7, 1].into_iter().cycle()) % 10 == 0)
}

/// Greece, stdnum/gr/vat.py: weights are powers of 2, sum × 2 mod 11 mod 10.
pub(crate) fn el(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    let sum = d[..8].iter().fold(0, |s, x| s * 2 + x);
    check_if(sum * 2 % 11 % 10 == d[8])
}

/// Spain, stdnum/es/nif.py (+ dni.py, nie.py, cif.py): DNI (8 digits + letter),
/// NIE (X/Y/Z + 7 digits + letter), K/L/M + 7 digits + letter, or CIF
/// (organisation letter + 7 digits + Luhn digit or its letter form).
pub(crate) fn es(b: &[u8]) -> Check {
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
pub(crate) fn fi(b: &[u8]) -> Check {
    let d = digits_n(b, 8)?;
    check_if(weighted(&d, [7, 9, 10, 5, 8, 4, 2, 1]) % 11 == 0)
}

/// France, stdnum/fr/tva.py: 2 key characters + SIREN (9 digits, Luhn unless it
/// starts with 000). Numeric key = (SIREN × 100 + 12) mod 97, i.e.
/// (12 + 3 × (SIREN mod 97)) mod 97; keys with letters (alphabet without I, O)
/// use the newer mod 11 scheme.
pub(crate) fn fr(b: &[u8]) -> Check {
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
pub(crate) fn hr(b: &[u8]) -> Check {
    check_if(mod_11_10_valid(&digits_n(b, 11)?))
}

/// Hungary, stdnum/hu/anum.py: weights 9,7,3,1 repeated, sum divisible by 10.
pub(crate) fn hu(b: &[u8]) -> Check {
    let d = digits_n(b, 8)?;
    check_if(weighted(&d, [9, 7, 3, 1].into_iter().cycle()) % 10 == 0)
}

/// Ireland, stdnum/ie/vat.py: mod 23 check letter over 7 digits weighted 8..2,
/// plus 9 × the optional second letter (2013 format); the old format is
/// digit, letter (or + or *), 5 digits, check letter.
pub(crate) fn ie(b: &[u8]) -> Check {
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
pub(crate) fn it(b: &[u8]) -> Check {
    let d = digits_n(b, 11)?;
    ensure(number(&d[..7]) > 0, Fail::Shape)?;
    let office = matches!(number(&d[7..10]), 1..=100 | 120 | 121 | 888 | 999);
    let why = "digits 8 to 10 are not a tax office code (001-100, 120, 121, 888 or 999)";
    ensure(office, Fail::Invalid(why))?;
    check_if(luhn_valid(&d))
}

/// Lithuania, stdnum/lt/pvm.py: weights 1..9,1,2 mod 11; if that gives 10, a
/// second pass with weights shifted by 2; 10 then counts as 0.
pub(crate) fn lt(b: &[u8]) -> Check {
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
pub(crate) fn lu(b: &[u8]) -> Check {
    let d = digits_n(b, 8)?;
    check_if(number(&d[..6]) % 89 == number(&d[6..]))
}

/// Latvia, stdnum/lv/pvn.py: legal entities (first digit > 3) weighted sum mod
/// 11 = 3; individuals: personal code (DDMMYY + century digit, or new codes
/// starting with 32) with check = (1 + weighted sum) mod 11 mod 10.
pub(crate) fn lv(b: &[u8]) -> Check {
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
pub(crate) fn mt(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 8)?;
    check_if(weighted(&d, [3, 4, 6, 7, 8, 9, 10, 1]) % 37 == 0)
}

/// Netherlands, stdnum/nl/btw.py: 9 digits + 'B' + 2 digits. The 9 digits pass
/// the mod 11 "elfproef" (weights 9..2, -1), or, for sole traders' numbers
/// issued since 2020, "NL" + the whole number passes ISO 7064 MOD 97-10.
pub(crate) fn nl(b: &[u8]) -> Check {
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
pub(crate) fn pl(b: &[u8]) -> Check {
    let d = digits_n(b, 10)?;
    // -1 ≡ 10 (mod 11)
    check_if(weighted(&d, [6, 5, 7, 2, 3, 4, 5, 6, 7, 10]) % 11 == 0)
}

/// Portugal, stdnum/pt/nif.py: check = (11 - weights 9..2 mod 11) mod 11 mod 10.
pub(crate) fn pt(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 9)?;
    check_if((11 - weighted(&d[..8], (2..=9).rev()) % 11) % 11 % 10 == d[8])
}

/// Romania, stdnum/ro/cui.py: weights 7,5,3,2,1,7,5,3,2 aligned to the right,
/// check = 10 × sum mod 11 mod 10.
pub(crate) fn ro(b: &[u8]) -> Check {
    const WEIGHTS: [u64; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];
    let d = digits(b).ok_or(Fail::Shape)?;
    ensure((2..=10).contains(&d.len()) && d[0] != 0, Fail::Shape)?;
    let (payload, last) = d.split_at(d.len() - 1);
    let weights = WEIGHTS[WEIGHTS.len() - payload.len()..].iter().copied();
    check_if(10 * weighted(payload, weights) % 11 % 10 == last[0])
}

/// Sweden, stdnum/se/vat.py: organisation number (10 digits, Luhn) + "01".
pub(crate) fn se(b: &[u8]) -> Check {
    let d = digits_n(b, 12)?;
    ensure(d[10..] == [0, 1], Fail::Shape)?;
    check_if(luhn_valid(&d[..10]))
}

/// Slovenia, stdnum/si/ddv.py: check = 11 - (weights 8..2 mod 11); 10 → 0,
/// 11 is impossible.
pub(crate) fn si(b: &[u8]) -> Check {
    let d = digits_n_no_lead_zero(b, 8)?;
    let check = 11 - weighted(&d[..7], (2..=8).rev()) % 11;
    check_if(check != 11 && check % 10 == d[7])
}

/// Slovakia, stdnum/sk/dph.py: a birth number, or a legal entity's number
/// divisible by 11 whose third digit is 2, 3, 4, 7, 8 or 9.
pub(crate) fn sk(b: &[u8]) -> Check {
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
pub(crate) fn gb(b: &[u8]) -> Check {
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
pub(crate) fn ch(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    check_if((11 - weighted(&d[..8], [5, 4, 3, 2, 7, 6, 5, 4]) % 11) % 11 == d[8])
}

/// Norway, stdnum/no/orgnr.py: weights 3,2,7,6,5,4,3,2,1, divisible by 11.
pub(crate) fn no(b: &[u8]) -> Check {
    let d = digits_n(b, 9)?;
    check_if(weighted(&d, [3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0)
}

/// Australia, the ATO's ABN check (as stdnum/au/abn.py): subtract 1 from the
/// first digit, weights 10,1,3,5,...,19, sum divisible by 89. (python-stdnum also
/// rejects the check digits "10", which the ATO's procedure never issues.)
pub(crate) fn au(b: &[u8]) -> Check {
    let d = digits_n(b, 11)?;
    check_if(d[0] != 0)?;
    // Subtracting 1 from the first digit takes 10 off the sum; -10 ≡ 79 (mod 89).
    check_if((weighted(&d, [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) + 79) % 89 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(country: &str, raw: &str) -> String {
        match check_tax_id(country, raw) {
            Ok(Some(id)) => id.to_string(),
            other => panic!("{country} '{raw}': expected a valid ID, got {other:?}"),
        }
    }

    fn reason(country: &str, raw: &str) -> String {
        match check_tax_id(country, raw) {
            Err(reason) => reason.to_string(),
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
        for j in rates::all() {
            assert!(has_rules(j.country) && CASES.iter().any(|c| c.0 == j.country));
        }
        for (country, raw, expected, _, _) in CASES {
            assert_eq!(canonical(country, raw), expected);
            assert_eq!(canonical(country, expected), expected);
        }
    }

    #[test]
    fn wrong_check_digits_are_rejected() {
        for (country, _, _, wrong, _) in CASES {
            assert!(check_tax_id(country, wrong).unwrap_err().is_check_digit(), "{wrong}");
            let reason = reason(country, wrong);
            assert!(reason.starts_with("is not a valid "), "{reason}");
            assert!(reason.ends_with(": check digit does not match"), "{reason}");
        }
    }

    #[test]
    fn wrong_shapes_name_the_expected_shape() {
        for (country, _, _, _, misshapen) in CASES {
            assert!(!check_tax_id(country, misshapen).unwrap_err().is_check_digit(), "{misshapen}");
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

    /// The calendar every embedded birth date is checked against: the Gregorian one
    /// (a year divisible by 4 is a leap year, except centuries not divisible by 400).
    #[test]
    fn dates_follow_the_gregorian_calendar() {
        #[rustfmt::skip]
        let cases = [
            (2000, 2, 29, true), (1900, 2, 29, false), (2004, 2, 29, true), (2003, 2, 29, false),
            (2003, 2, 28, true), (2003, 4, 30, true), (2003, 4, 31, false), (2003, 1, 31, true),
            (2003, 12, 31, true), (2003, 13, 1, false), (2003, 0, 1, false), (2003, 1, 0, false),
        ];
        for (year, month, day, valid) in cases {
            assert_eq!(valid_date(year, month, day), valid, "{year}-{month}-{day}");
        }
    }

    /// Bulgarian VAT IDs: the valid ones are python-stdnum's tests/test_bg_vat.doctest
    /// (9-digit, 9-digit with the fallback weights, EGN, foreigner, "others") and the EGNs
    /// "found online" in tests/test_bg_egn.doctest (months +20 for the 1800s, +40 for the
    /// 2000s); 175074751 is test_bg_vat.doctest's invalid check digit.
    #[test]
    fn bulgarian_vat_ids() {
        #[rustfmt::skip]
        let valid = [
            "BG103873594", "BG131272009", "BG7501020018", "BG8001010008", "BG8032056031",
            "BG7111042925", "BG7153849522", "BG0010100100", "BG7523169263", "BG7542011030",
            "BG7552010005",
        ];
        for id in valid {
            assert_eq!(canonical("BG", id), id);
        }
        assert!(reason("BG", "BG175074751").ends_with("check digit does not match"));
    }

    /// The EGN's date part (YYMMDD, month +20 for 1800-1899, +40 for 2000-2099, as
    /// stdnum/bg/egn.py's get_birth_date decodes it), on the days that tell the
    /// centuries apart: 29 February 1800 and 1900 do not exist, 29 February 2000 does.
    #[test]
    fn egn_dates_carry_the_century_in_the_month() {
        #[rustfmt::skip]
        let cases = [
            ("7523169263", true), ("7542011030", true), ("7552010005", true), ("8019010008", false),
            ("0022290000", false), ("0002290000", false), ("0042290000", true), ("0142290000", false),
            ("0422290000", true), ("0042300000", false), ("0022300000", false), ("0052010000", true),
            ("0053010000", false), ("0033010000", false),
        ];
        for (egn, valid) in cases {
            assert_eq!(bg_egn_date_valid(&digits(egn.as_bytes()).unwrap()), valid, "{egn}");
        }
    }

    /// Czech birth numbers (stdnum/cz/rc.py): its examples 710319/2745 (valid),
    /// 991231123 (9 digits, 1899), 7103192746 (check digit), 1103492745 (day 49),
    /// 590312/123 (9 digits after 1953), and 8801251680 from tests/test_cz_rc.doctest.
    /// The others are built by the rules rc.py states (10 digits: years before 1954 are
    /// 2000s, check = first 9 digits mod 11 mod 10; 9 digits: 1980-1999 are 1880-1899;
    /// month +50 for women, +20 when a day's serials ran out) on 29 February, which
    /// exists in 1880 and 2000 but not in 1900 or 2001.
    #[test]
    fn czech_birth_numbers() {
        #[rustfmt::skip]
        let cases: [(&str, Result<(), Fail>); 13] = [
            ("7103192745", Ok(())), ("991231123", Ok(())), ("8801251680", Ok(())),
            ("7103192746", Err(Fail::CheckDigit)),
            ("1103492745", Err(Fail::Invalid("the birth date in the number is not a date"))),
            ("590312123", Err(Fail::Invalid("9-digit birth numbers were issued only until 1953"))),
            // 2000-02-29; the same as a woman's (+50), and with the +20 overflow
            ("0002291234", Ok(())), ("0052291239", Ok(())), ("0022291236", Ok(())),
            // 2001-02-29 does not exist
            ("0102291233", Err(Fail::Invalid("the birth date in the number is not a date"))),
            // 9 digits: 1880-02-29 exists, 1900-02-29 does not
            ("800229123", Ok(())),
            ("000229123", Err(Fail::Invalid("the birth date in the number is not a date"))),
            // 10 digits, 1954 and later stay in the 1900s: 1960-02-29 exists
            ("6002291230", Ok(())),
        ];
        for (number, expected) in cases {
            assert_eq!(birth_number(&digits(number.as_bytes()).unwrap()), expected, "{number}");
        }
    }

    /// Latvian personal codes (DDMMYY, century digit 0 = 1800s, 1 = 1900s, 2 = 2000s, as
    /// stdnum/lv/pvn.py decodes them; check = (1 + weighted sum) mod 11 mod 10): 29
    /// February 2000 exists, 29 February 1900 does not.
    #[test]
    fn latvian_personal_codes_carry_the_century() {
        assert_eq!(canonical("LV", "LV29020021239"), "LV29020021239");
        assert!(reason("LV", "LV29020011233").contains("birth date"));
    }

    /// UK government departments GD000-GD499 and health authorities HA500-HA999: python-
    /// stdnum's tests/test_gb_vat.doctest (GD100 and HA501 valid; GD600 and HA201 are
    /// "InvalidComponent") and its list of standard numbers "that should all be valid"; GD499,
    /// HA499 and HA999 are the ends of the ranges stdnum/gb/vat.py states.
    #[test]
    fn uk_vat_ids() {
        for id in ["GBGD100", "GBHA501", "GBHA999", "GBGD499"] {
            assert_eq!(canonical("GB", id), id);
        }
        for id in ["GBGD600", "GBHA201", "GBHA499"] {
            assert!(reason("GB", id).contains("GD000-GD499"), "{id}");
        }
        #[rustfmt::skip]
        let valid = [
            "GB002425728", "GB003232345", "GB100195075", "GB100190874", "GB102675046",
            "GB232177091", "GB242338087388", "GB311405025", "GB362586629", "GB417228071",
            "GB436063072", "GB495278105", "GB507576825", "GB521676352", "GB586367295",
            "GB591937301", "GB605867815", "GB662856406", "GB698550577", "GB733442841",
            "GB770381235", "GB784911789", "GB808636512", "GB812833344", "GB818243334",
            "GB823531352", "GB829959459", "GB845788960", "GB879705662", "GB881375891",
            "GB913304168", "GB933210951", "GB975866450", "GB977487251", "GB980780684",
            "GB997709444", "GB260311213", "GB653599494", "GB974053902",
        ];
        for id in valid {
            assert_eq!(canonical("GB", id), id);
        }
        assert!(reason("GB", "GB001234567").ends_with("check digit does not match"));
    }

    /// Numbers whose digits are all zero in a part the scheme numbers from 1 are
    /// malformed even where the arithmetic passes (0 is divisible by anything): the Belgian
    /// enterprise number, the Italian company number (digits 1-7), the Dutch VAT number
    /// and its branch ("B01"-"B99"; NL009122746B00 is an "InvalidFormat" example of
    /// python-stdnum's tests/test_eu_vat.doctest). The Irish old form is exactly 8 characters: the
    /// valid old-form IE8D79739I (python-stdnum's stdnum/ie/vat.py) with a letter more is
    /// not one.
    #[test]
    fn zero_parts_and_overlong_old_forms_are_malformed() {
        for (country, id) in [
            ("BE", "BE0000000000"), ("IT", "IT00000000010"), ("NL", "NL000000000B01"),
            ("NL", "NL009122746B00"), ("IE", "IE8D79739IA"),
        ] {
            assert!(reason(country, id).contains(": expected "), "{id}");
        }
    }

    /// Without its prefix, a Greek VAT ID is asked for with its 'EL' prefix; the hint about
    /// 'GR' is only for IDs written with 'GR', and only for Greece.
    #[test]
    fn the_gr_hint_is_only_for_gr() {
        assert!(!reason("GR", "094259216").contains("'GR'"));
        assert!(reason("AU", "GR094259216").contains("ABN"));
    }

    /// python-stdnum's tests/test_eu_vat.doctest: the numbers "found online" that "should
    /// all be valid" and those "mangled so their check digit is wrong", written without the
    /// separators; left out are the 9-digit Belgian and 8- or fewer-digit Dutch numbers,
    /// which python-stdnum pads with zeros and this module does not, and the Romanian
    /// 13-digit personal number (CNP), which it does not accept.
    #[rustfmt::skip]
    static STDNUM_VALID: [(&str, &str); 629] = [
        ("AT", "ATU14243102"), ("AT", "ATU15159209"), ("AT", "ATU28560205"), ("AT", "ATU34172105"),
        ("AT", "ATU40698107"), ("AT", "ATU46276408"), ("AT", "ATU49362201"), ("AT", "ATU54299806"),
        ("AT", "ATU54300000"), ("AT", "ATU56377717"), ("AT", "ATU57194903"), ("AT", "ATU64487479"),
        ("AT", "ATU64762368"), ("AT", "ATU64938009"), ("AT", "ATU65020906"), ("AT", "ATU65033803"),
        ("AT", "ATU65034704"), ("AT", "ATU65480455"), ("AT", "ATU13585627"), ("AT", "ATU46080404"),
        ("AT", "ATU61195628"), ("BE", "BE0468561072"), ("BE", "BE0202239951"),
        ("BE", "BE0220764971"), ("BE", "BE0248015142"), ("BE", "BE0402918402"),
        ("BE", "BE0407139583"), ("BE", "BE0408299922"), ("BE", "BE0441928931"),
        ("BE", "BE0450118996"), ("BE", "BE0462423150"), ("BE", "BE0474621394"),
        ("BE", "BE0795013186"), ("BE", "BE0897290877"), ("BE", "BE0428759497"),
        ("BG", "BG103873594"), ("BG", "BG124551319"), ("BG", "BG130358310"), ("BG", "BG131272009"),
        ("BG", "BG131202360"), ("BG", "BG147137471"), ("BG", "BG175074752"), ("BG", "BG175186242"),
        ("BG", "BG200182590"), ("BG", "BG200950556"), ("BG", "BG130544585"), ("BG", "BG175074752"),
        ("BG", "BG7111042925"), ("BG", "BG7523169263"), ("BG", "BG7542011030"),
        ("BG", "BG8032056031"), ("BG", "BG200442771"), ("CY", "CY10246672X"), ("CY", "CY10263870R"),
        ("CY", "CY10274231F"), ("CY", "CY10285193Z"), ("CY", "CY10277198H"), ("CY", "CY10008489A"),
        ("CY", "CY10189098G"), ("CY", "CY10258074Y"), ("CY", "CY10259033P"), ("CY", "CY00632993F"),
        ("CZ", "CZ25123891"), ("CZ", "CZ25577581"), ("CZ", "CZ26852357"), ("CZ", "CZ60727772"),
        ("CZ", "CZ61467839"), ("CZ", "CZ6402294448"), ("CZ", "CZ640903926"), ("CZ", "CZ64628060"),
        ("CZ", "CZ654123789"), ("CZ", "CZ682127228"), ("CZ", "CZ6956220612"),
        ("CZ", "CZ7360285163"), ("CZ", "CZ8058012314"), ("CZ", "CZ00023205"), ("CZ", "CZ24158313"),
        ("CZ", "CZ26780259"), ("CZ", "CZ45033145"), ("CZ", "CZ48207926"), ("CZ", "CZ49620819"),
        ("CZ", "CZ6011270177"), ("CZ", "CZ6109220348"), ("CZ", "CZ61989100"),
        ("CZ", "CZ6306150004"), ("CZ", "CZ7205151536"), ("CZ", "CZ7652046248"),
        ("DE", "DE113866163"), ("DE", "DE231969187"), ("DE", "DE265265318"), ("DE", "DE267297673"),
        ("DE", "DE118619592"), ("DE", "DE125014955"), ("DE", "DE129304291"), ("DE", "DE168347747"),
        ("DE", "DE181207708"), ("DE", "DE195131068"), ("DE", "DE204760908"), ("DE", "DE213806597"),
        ("DE", "DE221304969"), ("DE", "DE246595415"), ("DE", "DE811363057"), ("DE", "DE811125440"),
        ("DE", "DE811305931"), ("DE", "DE813113875"), ("DE", "DE813184868"), ("DE", "DE119263782"),
        ("DE", "DE129390950"), ("DE", "DE136308783"), ("DE", "DE812847601"), ("DK", "DK10503280"),
        ("DK", "DK11975658"), ("DK", "DK12144822"), ("DK", "DK13202435"), ("DK", "DK13310459"),
        ("DK", "DK16895016"), ("DK", "DK25186311"), ("DK", "DK25766369"), ("DK", "DK25863526"),
        ("DK", "DK25662202"), ("DK", "DK26097789"), ("DK", "DK26576164"), ("DK", "DK28017634"),
        ("DK", "DK28107773"), ("DK", "DK29523215"), ("DK", "DK30060946"), ("DK", "DK32271502"),
        ("DK", "DK32329853"), ("DK", "DK65070413"), ("DK", "DK90301659"), ("DK", "DK20045272"),
        ("DK", "DK20646446"), ("DK", "DK27630308"), ("DK", "DK27926592"), ("DK", "DK28840926"),
        ("DK", "DK31882095"), ("DK", "DK33053266"), ("DK", "DK10150817"), ("DK", "DK10290813"),
        ("DK", "DK26210895"), ("DK", "DK36149213"), ("DK", "DK21599336"), ("EE", "EE100931558"),
        ("EE", "EE100523487"), ("EE", "EE100572933"), ("EE", "EE100578209"), ("EE", "EE100594102"),
        ("EE", "EE100594403"), ("EE", "EE100832107"), ("EE", "EE100834066"), ("EE", "EE101031389"),
        ("EE", "EE101286639"), ("EE", "EE101288941"), ("EE", "EE101256753"), ("ES", "ESQ0818001J"),
        ("ES", "ES54362315K"), ("ES", "ESA28184661"), ("ES", "ESA60631835"), ("ES", "ESA60997582"),
        ("ES", "ESA08370314"), ("ES", "ESA17028366"), ("ES", "ESB58378431"), ("ES", "ESB64240914"),
        ("ES", "ESB64717838"), ("ES", "ESB79110482"), ("ES", "ESB80975063"), ("ES", "ESF13005293"),
        ("ES", "ESJ99216582"), ("ES", "ESQ2818015F"), ("ES", "ESR9600075G"), ("ES", "ESU99216426"),
        ("ES", "ESU99216632"), ("ES", "ESV99218067"), ("ES", "ESW4003922D"), ("ES", "ESX5253868R"),
        ("ES", "ESX5277343Q"), ("ES", "ESY5277343F"), ("ES", "ESZ5277343K"), ("ES", "ESA84409408"),
        ("ES", "ESA08074908"), ("ES", "ESB60432291"), ("ES", "ESB18889204"), ("ES", "ESB55015432"),
        ("ES", "ESB64995111"), ("ES", "ESB96902531"), ("ES", "ESX2482300W"), ("ES", "ESA78109592"),
        ("ES", "ESA58951310"), ("GR", "EL039868210"), ("GR", "EL044824428"), ("GR", "EL072130053"),
        ("GR", "EL082499478"), ("GR", "EL094012834"), ("GR", "EL094064321"), ("GR", "EL094068633"),
        ("GR", "EL094237076"), ("GR", "EL094263543"), ("GR", "EL095217179"), ("GR", "EL095304080"),
        ("GR", "EL099548630"), ("GR", "EL998386804"), ("GR", "EL998408192"), ("GR", "EL998722134"),
        ("GR", "EL999038150"), ("GR", "EL999107669"), ("GR", "EL999533911"), ("GR", "EL999698730"),
        ("GR", "EL999715835"), ("GR", "EL082857563"), ("GR", "EL094501040"), ("GR", "EL098099809"),
        ("GR", "EL094279805"), ("GR", "EL800179925"), ("FI", "FI02459042"), ("FI", "FI09826511"),
        ("FI", "FI10320534"), ("FI", "FI18949388"), ("FI", "FI20194885"), ("FI", "FI20774740"),
        ("FI", "FI20946063"), ("FI", "FI24416318"), ("FI", "FI01968312"), ("FI", "FI22291259"),
        ("FI", "FI21495540"), ("FI", "FI22291240"), ("FI", "FI24163066"), ("FI", "FI18261444"),
        ("FR", "FR04409414364"), ("FR", "FR09434086930"), ("FR", "FR11424872836"),
        ("FR", "FR13393892815"), ("FR", "FR16304187701"), ("FR", "FR18349685099"),
        ("FR", "FR19552008443"), ("FR", "FR19552143273"), ("FR", "FR20329450738"),
        ("FR", "FR21448834911"), ("FR", "FR21432146546"), ("FR", "FR22326565603"),
        ("FR", "FR22379160070"), ("FR", "FR26495205213"), ("FR", "FR28337893168"),
        ("FR", "FR35592065536"), ("FR", "FR36380610451"), ("FR", "FR36502095094"),
        ("FR", "FR38353427495"), ("FR", "FR41343848552"), ("FR", "FR53418304010"),
        ("FR", "FR60391548955"), ("FR", "FR61954506077"), ("FR", "FR63334214293"),
        ("FR", "FR65444243075"), ("FR", "FR68378838692"), ("FR", "FR70492082151"),
        ("FR", "FR72483995197"), ("FR", "FR73483649166"), ("FR", "FR73622050318"),
        ("FR", "FR74397888330"), ("FR", "FR77055501902"), ("FR", "FR77384627170"),
        ("FR", "FR78528824428"), ("FR", "FR79410964837"), ("FR", "FR83404833048"),
        ("FR", "FR84323140392"), ("FR", "FR86394303796"), ("FR", "FR86542103569"),
        ("FR", "FR88775649726"), ("FR", "FR94016950842"), ("FR", "FRK7399859412"),
        ("FR", "FR01712030113"), ("FR", "FR64333266765"), ("FR", "FR82542065479"),
        ("FR", "FR83404833048"), ("FR", "FR86451397608"), ("FR", "FR95483929956"),
        ("FR", "FR40303265045"), ("FR", "FR96631620572"), ("FR", "FR71383076817"),
        ("FR", "FR16000063601"), ("FR", "FR23000047372"), ("FR", "FR26000040583"),
        ("FR", "FR28000113851"), ("FR", "FR30000017854"), ("FR", "FR32000000330"),
        ("FR", "FR36000006022"), ("FR", "FR40000066034"), ("FR", "FR43000020445"),
        ("FR", "FR48000052489"), ("FR", "FR54000065101"), ("FR", "FR64000063908"),
        ("FR", "FR65000100833"), ("FR", "FR79000030642"), ("FR", "FR83000065143"),
        ("FR", "FR83000113158"), ("FR", "FR84000082668"), ("FR", "FR87000018746"),
        ("FR", "FR88000008820"), ("FR", "FR88000053537"), ("FR", "FR96000110899"),
        ("HU", "HU12509403"), ("HU", "HU10672101"), ("HU", "HU10766172"), ("HU", "HU11444923"),
        ("HU", "HU12723650"), ("HU", "HU12840937"), ("HU", "HU13851909"), ("HU", "HU18206373"),
        ("HU", "HU23157653"), ("HU", "HU64241281"), ("HU", "HU10402434"), ("HU", "HU12892312"),
        ("HU", "HU14528114"), ("HU", "HU11377304"), ("HU", "HU12078503"), ("HU", "HU13852467"),
        ("IE", "IE0005306C"), ("IE", "IE4550159S"), ("IE", "IE4693875V"), ("IE", "IE4731823J"),
        ("IE", "IE6323420C"), ("IE", "IE6324720T"), ("IE", "IE6339273F"), ("IE", "IE6354305C"),
        ("IE", "IE6388047V"), ("IE", "IE6397893P"), ("IE", "IE6433435F"), ("IE", "IE6436390B"),
        ("IE", "IE6791517I"), ("IE", "IE8223200U"), ("IE", "IE9502346O"), ("IE", "IE9574173P"),
        ("IE", "IE9679477V"), ("IE", "IE9719156S"), ("IE", "IE9741812E"), ("IE", "IE9742129V"),
        ("IE", "IE9696131F"), ("IE", "IE6433435IH"), ("IE", "IE6433435OA"), ("IE", "IE6599001W"),
        ("IE", "IE8D79739I"), ("IE", "IE9Y71814N"), ("IT", "IT01404480202"),
        ("IT", "IT00618280499"), ("IT", "IT00595000217"), ("IT", "IT00118439991"),
        ("IT", "IT00193180932"), ("IT", "IT00520800319"), ("IT", "IT00571320076"),
        ("IT", "IT00687120980"), ("IT", "IT01189820689"), ("IT", "IT01413270396"),
        ("IT", "IT01465210449"), ("IT", "IT01501180333"), ("IT", "IT01606120226"),
        ("IT", "IT01687870137"), ("IT", "IT01720020344"), ("IT", "IT01822890388"),
        ("IT", "IT02100550264"), ("IT", "IT02109480976"), ("IT", "IT02153481201"),
        ("IT", "IT02359210354"), ("IT", "IT02408660211"), ("IT", "IT02829410980"),
        ("IT", "IT03274440241"), ("IT", "IT03367280363"), ("IT", "IT04894530635"),
        ("IT", "IT05366960010"), ("IT", "IT05460820961"), ("IT", "IT05617370969"),
        ("IT", "IT06075960010"), ("IT", "IT06729900966"), ("IT", "IT06863340961"),
        ("IT", "IT09596821000"), ("IT", "IT12920760159"), ("IT", "IT01626160210"),
        ("IT", "IT03700020104"), ("IT", "IT03827740402"), ("IT", "IT09159800011"),
        ("IT", "IT00743110157"), ("IT", "IT02087050155"), ("IT", "IT02331250163"),
        ("LT", "LT100001354118"), ("LT", "LT100001509912"), ("LT", "LT100001799517"),
        ("LT", "LT100001890913"), ("LT", "LT100001906711"), ("LT", "LT100001919017"),
        ("LT", "LT100002645517"), ("LT", "LT100002922012"), ("LT", "LT100003619917"),
        ("LT", "LT100005066013"), ("LT", "LT100005929611"), ("LT", "LT119511515"),
        ("LT", "LT235449811"), ("LT", "LT250266219"), ("LT", "LT258596610"), ("LT", "LT354991917"),
        ("LT", "LT616414610"), ("LT", "LT757118413"), ("LT", "LT100000979812"),
        ("LT", "LT100001251914"), ("LT", "LT100002894215"), ("LT", "LT100004801610"),
        ("LT", "LT290068995116"), ("LU", "LU10059929"), ("LU", "LU10590281"), ("LU", "LU10967628"),
        ("LU", "LU11082217"), ("LU", "LU13178262"), ("LU", "LU15027442"), ("LU", "LU18710830"),
        ("LU", "LU19184853"), ("LU", "LU19406747"), ("LU", "LU19979983"), ("LU", "LU20981643"),
        ("LU", "LU21989666"), ("LU", "LU22221268"), ("LU", "LU22690342"), ("LU", "LU22991225"),
        ("LU", "LU24870640"), ("LU", "LU20993674"), ("LU", "LU22944200"), ("LU", "LU19980500"),
        ("LV", "LV40003521600"), ("LV", "LV40003189718"), ("LV", "LV40003282138"),
        ("LV", "LV40003449366"), ("LV", "LV40003655379"), ("LV", "LV40003718068"),
        ("LV", "LV40003754957"), ("LV", "LV40003777428"), ("LV", "LV40003939038"),
        ("LV", "LV40008000102"), ("LV", "LV40103077610"), ("LV", "LV40103157009"),
        ("LV", "LV40103179665"), ("LV", "LV40103264016"), ("LV", "LV43603009384"),
        ("LV", "LV44103040262"), ("LV", "LV50003993021"), ("LV", "LV50003087101"),
        ("LV", "LV90000528023"), ("LV", "LV40003241337"), ("LV", "LV40003467376"),
        ("LV", "LV42103016370"), ("LV", "LV42103048183"), ("MT", "MT10396417"),
        ("MT", "MT11679112"), ("MT", "MT14658213"), ("MT", "MT16134207"), ("MT", "MT17025737"),
        ("MT", "MT18740407"), ("MT", "MT18940705"), ("MT", "MT19661023"), ("MT", "MT19784818"),
        ("MT", "MT20291423"), ("MT", "MT20630321"), ("NL", "NL001241643B01"),
        ("NL", "NL009122746B01"), ("NL", "NL806753742B01"), ("NL", "NL820605876B01"),
        ("NL", "NL822569759B01"), ("NL", "NL812421267B01"), ("NL", "NL819738116B01"),
        ("NL", "NL009410806B01"), ("NL", "NL814326584B01"), ("NL", "NL818643778B01"),
        ("NL", "NL001162938B28"), ("NL", "NL001309675B01"), ("NL", "NL001452330B47"),
        ("NL", "NL001545668B01"), ("NL", "NL001617419B92"), ("NL", "NL002455799B11"),
        ("NL", "NL003376734B77"), ("NL", "NL006375054B01"), ("NL", "NL006866049B01"),
        ("NL", "NL007394913B01"), ("NL", "NL009093503B01"), ("NL", "NL019077312B01"),
        ("NL", "NL066593931B01"), ("NL", "NL068357370B01"), ("NL", "NL117621729B01"),
        ("NL", "NL167647672B01"), ("NL", "NL802003217B01"), ("NL", "NL808373894B01"),
        ("NL", "NL811705262B01"), ("NL", "NL813411786B01"), ("PL", "PL5211355116"),
        ("PL", "PL5211754253"), ("PL", "PL5220205853"), ("PL", "PL5342152448"),
        ("PL", "PL5423074698"), ("PL", "PL5840304472"), ("PL", "PL5840154038"),
        ("PL", "PL5840304472"), ("PL", "PL5860224115"), ("PL", "PL6330005110"),
        ("PL", "PL6450006750"), ("PL", "PL6651344956"), ("PL", "PL6661913137"),
        ("PL", "PL6772320831"), ("PL", "PL6792831859"), ("PL", "PL6831810615"),
        ("PL", "PL6842599822"), ("PL", "PL6871626585"), ("PL", "PL7010098470"),
        ("PL", "PL7271676569"), ("PL", "PL7642305489"), ("PL", "PL7642305495"),
        ("PL", "PL7642305503"), ("PL", "PL7642305526"), ("PL", "PL7642305549"),
        ("PL", "PL7642305555"), ("PL", "PL7642305578"), ("PL", "PL7670000678"),
        ("PL", "PL7671325342"), ("PL", "PL7671425718"), ("PL", "PL7671447329"),
        ("PL", "PL7680002466"), ("PL", "PL7711598811"), ("PL", "PL7772668285"),
        ("PL", "PL7780104605"), ("PL", "PL7881154591"), ("PL", "PL7961373674"),
        ("PL", "PL8393173893"), ("PL", "PL8510206696"), ("PL", "PL8671619297"),
        ("PL", "PL8722342429"), ("PL", "PL8771130532"), ("PL", "PL8971772896"),
        ("PL", "PL8992708633"), ("PL", "PL9241826918"), ("PL", "PL9452174677"),
        ("PL", "PL9462485048"), ("PL", "PL9542705026"), ("PL", "PL9562197426"),
        ("PL", "PL7532365958"), ("PL", "PL9511577768"), ("PL", "PL5261025421"),
        ("PL", "PL6772135826"), ("PT", "PT500019720"), ("PT", "PT500135495"), ("PT", "PT501507930"),
        ("PT", "PT501519246"), ("PT", "PT501964843"), ("PT", "PT502448911"), ("PT", "PT502971142"),
        ("PT", "PT504141066"), ("PT", "PT506030636"), ("PT", "PT506835669"), ("PT", "PT507223730"),
        ("PT", "PT507757505"), ("PT", "PT507859146"), ("PT", "PT507297687"), ("PT", "PT508081327"),
        ("PT", "PT509250505"), ("PT", "PT509284930"), ("PT", "PT505856468"), ("PT", "PT503038083"),
        ("RO", "RO11358544"), ("RO", "RO13837330"), ("RO", "RO14840784"),
        ("RO", "RO16621241"), ("RO", "RO17832344"), ("RO", "RO1822964"), ("RO", "RO18341035"),
        ("RO", "RO18547290"), ("RO", "RO18779508"), ("RO", "RO20950021"), ("RO", "RO21356044"),
        ("RO", "RO21996566"), ("RO", "RO2413020"), ("RO", "RO24736200"), ("RO", "RO3087444"),
        ("RO", "RO4003786"), ("RO", "RO4019740"), ("RO", "RO4257679"), ("RO", "RO573768"),
        ("RO", "RO6010151"), ("RO", "RO6322498"), ("RO", "RO6655328"), ("RO", "RO23867797"),
        ("RO", "RO27849238"), ("RO", "RO16241790"), ("RO", "RO15071875"), ("SE", "SE202100500001"),
        ("SE", "SE390806051401"), ("SE", "SE556200077701"), ("SE", "SE556759324801"),
        ("SE", "SE556383740901"), ("SE", "SE556058115801"), ("SE", "SE556126249301"),
        ("SE", "SE556433592401"), ("SE", "SE556700355201"), ("SE", "SE556708202801"),
        ("SE", "SE556728341001"), ("SE", "SE556848115301"), ("SE", "SE720522241201"),
        ("SE", "SE502053602401"), ("SE", "SE556644662001"), ("SE", "SE556792355101"),
        ("SE", "SE556224519001"), ("SE", "SE556271210801"), ("SE", "SE556666443801"),
        ("SE", "SE556043606401"), ("SE", "SE556250398601"), ("SI", "SI26808498"),
        ("SI", "SI29664373"), ("SI", "SI36097152"), ("SI", "SI48673820"), ("SI", "SI50223054"),
        ("SI", "SI56633360"), ("SI", "SI56951442"), ("SI", "SI68297530"), ("SI", "SI70310815"),
        ("SI", "SI73567906"), ("SI", "SI85390518"), ("SI", "SI92351069"), ("SI", "SI83815201"),
        ("SI", "SI89036999"), ("SK", "SK1078449064"), ("SK", "SK2022749619"),
        ("SK", "SK2020237945"), ("SK", "SK2020257679"), ("SK", "SK2021685820"),
        ("SK", "SK2021853504"), ("SK", "SK2021998528"), ("SK", "SK2022193459"),
        ("SK", "SK2022193459"),
    ];
    static STDNUM_WRONG_CHECK: [(&str, &str); 54] = [
        ("AT", "ATU14343102"), ("AT", "ATU15169209"), ("AT", "ATU46080904"), ("AT", "ATU61191628"),
        ("BE", "BE0406139583"), ("BE", "BE0793013186"),
        ("BG", "BG1037735942"), ("BG", "BG131172009"), ("BG", "BG147147471"),
        ("BG", "BG200940556"), ("CY", "CY10246672F"), ("CY", "CY10009489A"), ("CY", "CY10257074Y"),
        ("CY", "CY00632893F"), ("CZ", "CZ25557481"), ("CZ", "CZ48207726"), ("CZ", "CZ640913926"),
        ("CZ", "CZ8058018314"), ("DE", "DE125014855"), ("DE", "DE246495415"), ("DE", "DE813913875"),
        ("DE", "DE266297673"), ("DK", "DK11965658"), ("DK", "DK25652202"), ("DK", "DK27996592"),
        ("DK", "DK10159817"), ("EE", "EE100941558"), ("EE", "EE100525487"), ("EE", "EE101586639"),
        ("EE", "EE101256754"), ("ES", "ES54362415K"), ("ES", "ESK2814015F"), ("ES", "ESX2322300W"),
        ("ES", "ESA48951310"), ("GR", "EL094013834"), ("GR", "EL094068733"), ("GR", "EL094501140"),
        ("GR", "EL094269805"), ("FR", "FR04409414264"), ("FR", "FR21326565603"),
        ("FR", "FRK7399859312"), ("FR", "FRL7399859412"), ("IE", "IE4731823H"),
        ("IE", "IE6323421C"), ("IE", "IE5339273F"), ("IE", "IE8D79729I"), ("LV", "LV40003189715"),
        ("LV", "LV90000528022"), ("LV", "LV10103241337"), ("LV", "LV42103048181"),
        ("SK", "SK1078449164"), ("SK", "SK3022749619"), ("SK", "SK2030237945"),
        ("SK", "SK2020457679"),
    ];

    #[test]
    fn python_stdnum_eu_vat_vectors() {
        for (country, id) in STDNUM_VALID {
            assert_eq!(canonical(country, id), id);
        }
        for (country, id) in STDNUM_WRONG_CHECK {
            let reason = reason(country, id);
            assert!(reason.ends_with("check digit does not match"), "{id}: {reason}");
        }
    }

    /// French keys of a digit and a letter: python-stdnum's only published one
    /// (4Z123456782, in `other_forms_are_accepted`) passes under both weightings of the
    /// first character, so these put the SIREN of the published FR40303265045 under keys
    /// computed with stdnum/fr/tva.py's formula ((first × 24 + second - 10), valid when
    /// (SIREN + 1 + check // 11) mod 11 = check mod 11): 1W is its key, 2H is not.
    #[test]
    fn french_digit_and_letter_keys() {
        assert_eq!(canonical("FR", "FR1W303265045"), "FR1W303265045");
        assert!(reason("FR", "FR2H303265045").ends_with("check digit does not match"));
    }

    /// python-stdnum's tests/test_eu_vat.doctest: numbers with "some formatting flaws" and
    /// with "some component that contains an invalid or unknown value", as written there
    /// (without the unknown country QQ; SK 012 274 96 19, a format error there, is refused
    /// here for its third digit, the check this module makes first).
    #[test]
    fn python_stdnum_malformed_and_invalid_components() {
        #[rustfmt::skip]
        let malformed = [
            ("AT", "AT1 142 43 102"), ("AT", "ATU 1515B209"), ("BE", "BE 02A2.239.951"),
            ("BE", "BE 0220,764.971"), ("BG", "BG 10X8735941"), ("CY", "CY-102590Z3P"),
            ("DE", "DE 246X595 415"), ("DE", "DE 011125440"), ("IE", "IE 4550C59S"),
            ("IE", "IE 069385V8"), ("NL", "NL 001241643801"), ("NL", "NL 009122746B00"),
            ("NL", "NL B06753742B01"), ("NL", "NL 82X569759b01"), ("SK", "SK A078449064"),
        ];
        for (country, id) in malformed {
            assert!(reason(country, id).contains(": expected "), "{id}");
        }
        #[rustfmt::skip]
        let invalid = [
            ("CY", "CY12259033P"), ("CZ", "CZ95123891"), ("IT", "IT00687129980"),
            ("LT", "LT 100001354"), ("LT", "LT100001509922"), ("SK", "SK2010237945"),
            ("SK", "SK0122749619"),
        ];
        for (country, id) in invalid {
            assert!(reason(country, id).starts_with("is not a valid "), "{id}");
        }
    }
}
