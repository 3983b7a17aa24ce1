//! The EPC QR code payload (EPC069-12 "Quick Response Code: Guidelines to Enable Data
//! Capture for the Initiation of a SEPA Credit Transfer", version 2.1; "GiroCode").
//!
//! Lines separated by LF, in this order: service tag `BCD`, version `002` (the BIC optional
//! within the EEA), character set `1` (UTF-8), identification `SCT`, BIC, beneficiary name
//! (≤ 70), IBAN, amount (`EUR` and 0.01–999999999.99 with a `.`), purpose (empty), the
//! structured reference (≤ 35; an RF reference), the unstructured text (empty: one or the
//! other, never both), and the beneficiary-to-originator information (empty, left out).
//! At most 331 bytes. Only euro amounts: a SEPA credit transfer is in euro.

use rust_decimal::Decimal;

/// What a bank-transfer invoice asks the customer to pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer<'a> {
    pub name: &'a str,
    pub iban: &'a str,
    pub bic: Option<&'a str>,
    /// In euro.
    pub amount: Decimal,
    /// A structured creditor reference (ISO 11649).
    pub reference: &'a str,
}

/// The largest payload the guidelines allow, in bytes.
pub const MAX_BYTES: usize = 331;

/// The payload, or why there can be none (an amount outside what a SEPA credit transfer
/// accepts).
pub fn payload(t: &Transfer<'_>) -> Result<String, String> {
    let cents = t.amount.round_dp_with_strategy(2, crate::money::ROUNDING);
    if cents != t.amount || cents < Decimal::new(1, 2) || cents > Decimal::new(99_999_999_999, 2) {
        return Err(format!("{} is not an amount an EPC QR code can carry (0.01 to 999999999.99 euro)", t.amount));
    }
    // The name is cut at 70 characters (a legal name may be longer); never inside a character.
    let name: String = t.name.chars().take(70).collect();
    let mut amount = cents;
    amount.rescale(2);
    let text = [
        "BCD",
        "002",
        "1",
        "SCT",
        t.bic.unwrap_or(""),
        name.as_str(),
        t.iban,
        &format!("EUR{amount}"),
        "",
        t.reference,
    ]
    .join("\n");
    if text.len() > MAX_BYTES {
        return Err(format!("the payment details take {} bytes, more than the {MAX_BYTES} an EPC QR code may carry", text.len()));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_payload_follows_epc069_12_line_by_line() {
        // The guidelines' example beneficiary (Red Cross Belgium) with an RF reference.
        let t = Transfer {
            name: "Red Cross of Belgium",
            iban: "BE72000000001616",
            bic: Some("BPOTBEB1"),
            amount: Decimal::from_str("1.00").unwrap(),
            reference: "RF18539007547034",
        };
        assert_eq!(payload(&t).unwrap(), "BCD\n002\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR1.00\n\nRF18539007547034");
        let no_bic = Transfer { bic: None, amount: Decimal::from_str("1234.5").unwrap(), ..t.clone() };
        assert_eq!(payload(&no_bic).unwrap().lines().nth(4), Some(""));
        assert_eq!(payload(&no_bic).unwrap().lines().nth(7), Some("EUR1234.50"));
    }

    #[test]
    fn amounts_outside_a_credit_transfer_are_refused() {
        let t = |amount: &str| Transfer { name: "A", iban: "BE72000000001616", bic: None, amount: Decimal::from_str(amount).unwrap(), reference: "RF18539007547034" };
        assert!(payload(&t("0")).is_err());
        assert!(payload(&t("1.005")).is_err());
        assert!(payload(&t("1000000000.00")).is_err());
        assert!(payload(&t("999999999.99")).is_ok());
        let long = "Ä".repeat(100);
        let named = Transfer { name: &long, ..t("5") };
        assert_eq!(payload(&named).unwrap().lines().nth(5).unwrap().chars().count(), 70);
    }
}
