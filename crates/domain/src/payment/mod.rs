//! Invoices paid by bank transfer: the seller's account, the structured payment reference
//! and the EPC QR code a banking app scans.
//!
//! - [`iban`]: IBAN check digits (ISO 13616, ISO 7064 MOD 97-10) and BIC form (ISO 9362).
//! - [`rf`]: the RF creditor reference (ISO 11649) made from a document number.
//! - [`epc`]: the payload of the EPC QR code (EPC069-12, "GiroCode").
//! - [`terms`]: what an invoice says about its payment: paid by card, paid by transfer, or
//!   due by a date to the seller's account with a reference.

pub mod epc;
pub mod iban;
pub mod rf;
pub mod terms;

/// ISO 7064 MOD 97-10 over an alphanumeric string: digits as they are, letters A–Z as
/// 10–35, the number taken mod 97. Shared by the IBAN and the RF reference, whose check
/// digits are both defined by it. `None` for any other character.
pub(crate) fn mod97(text: &str) -> Option<u32> {
    let mut rest = 0u32;
    for ch in text.chars() {
        let value = ch.to_digit(36)?;
        rest = if value < 10 { (rest * 10 + value) % 97 } else { (rest * 100 + value) % 97 };
    }
    Some(rest)
}
