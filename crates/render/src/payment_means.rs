//! The payment means of the e-invoices (EN 16931 BG-16, BG-17): a card payment (UNCL 4461
//! code 48, with the payment card group BG-18 when the card is known), or a credit transfer
//! (SEPA, code 58, in euros; code 30 in any other currency) with the seller's account (BT-84 IBAN,
//! BT-85 account holder, BT-86 BIC) and the RF creditor reference (BT-83), and the due date
//! (BT-9) of an invoice issued before it is paid. One place for both syntaxes, so the UBL
//! and CII writers each call one function per spot.

use super::xml::{self, XmlWriter};
use domain::document::{BankTransfer, Document};
use domain::payment::terms;

/// UNCL 4461 "SEPA credit transfer": euro only.
pub const SEPA_CREDIT_TRANSFER: &str = "58";

/// UNCL 4461 "Credit transfer", non-SEPA: a transfer in any other currency.
pub const CREDIT_TRANSFER: &str = "30";

/// The code of a transfer asked for in the document's currency: SEPA (58) moves euros only,
/// so an invoice in pounds or dollars asks for a credit transfer (30).
fn transfer_code(doc: &Document) -> &'static str {
    if doc.currency.code() == "EUR" { SEPA_CREDIT_TRANSFER } else { CREDIT_TRANSFER }
}

/// The account of a bank-transfer document (on a paid one too: it says where it was paid).
fn transfer(doc: &Document) -> Option<&BankTransfer> {
    (doc.payment.method == terms::BANK_TRANSFER).then_some(doc.payment.transfer.as_ref()).flatten()
}

fn yyyymmdd(d: chrono::NaiveDate) -> String {
    xml::date_102(d)
}

/// UBL `cbc:DueDate` (BT-9), after `cbc:IssueDate` of an invoice that asks for a transfer.
pub fn ubl_due_date(w: &mut XmlWriter, doc: &Document) {
    if let Some(t) = terms::asks_transfer(doc) {
        w.leaf("cbc:DueDate", &[], &xml::date(t.due_date));
    }
}

/// UBL `cac:PaymentMeans`.
pub fn ubl(w: &mut XmlWriter, doc: &Document) {
    w.elem("cac:PaymentMeans", &[], |w| match transfer(doc) {
        None => {
            w.leaf("cbc:PaymentMeansCode", &[], xml::PAYMENT_MEANS_CARD);
            if let Some((number, network)) = xml::payment_card(doc) {
                w.elem("cac:CardAccount", &[], |w| {
                    w.leaf("cbc:PrimaryAccountNumberID", &[], &number);
                    w.leaf("cbc:NetworkID", &[], &network);
                });
            }
        }
        Some(t) => {
            w.leaf("cbc:PaymentMeansCode", &[], transfer_code(doc));
            w.leaf_opt("cbc:PaymentID", Some(t.reference.as_str()));
            w.elem("cac:PayeeFinancialAccount", &[], |w| {
                w.leaf("cbc:ID", &[], &t.iban);
                w.leaf("cbc:Name", &[], &t.account_holder);
                if let Some(bic) = &t.bic {
                    w.elem("cac:FinancialInstitutionBranch", &[], |w| w.leaf("cbc:ID", &[], bic));
                }
            });
        }
    });
}

/// CII `ram:PaymentReference` (BT-83), first in the header trade settlement.
pub fn cii_reference(w: &mut XmlWriter, doc: &Document) {
    if let Some(t) = transfer(doc) {
        w.leaf_opt("ram:PaymentReference", Some(t.reference.as_str()));
    }
}

/// CII `ram:SpecifiedTradeSettlementPaymentMeans`.
pub fn cii(w: &mut XmlWriter, doc: &Document) {
    w.elem("ram:SpecifiedTradeSettlementPaymentMeans", &[], |w| match transfer(doc) {
        None => {
            w.leaf("ram:TypeCode", &[], xml::PAYMENT_MEANS_CARD);
            if let Some((number, _)) = xml::payment_card(doc) {
                w.elem("ram:ApplicableTradeSettlementFinancialCard", &[], |w| w.leaf("ram:ID", &[], &number));
            }
        }
        Some(t) => {
            w.leaf("ram:TypeCode", &[], transfer_code(doc));
            w.elem("ram:PayeePartyCreditorFinancialAccount", &[], |w| {
                w.leaf("ram:IBANID", &[], &t.iban);
                w.leaf("ram:AccountName", &[], &t.account_holder);
            });
            if let Some(bic) = &t.bic {
                w.elem("ram:PayeeSpecifiedCreditorFinancialInstitution", &[], |w| w.leaf("ram:BICID", &[], bic));
            }
        }
    });
}

/// CII `ram:DueDateDateTime` (BT-9) inside `ram:SpecifiedTradePaymentTerms`, after the
/// description.
pub fn cii_due_date(w: &mut XmlWriter, doc: &Document) {
    if let Some(t) = terms::asks_transfer(doc) {
        w.elem("ram:DueDateDateTime", &[], |w| w.leaf("udt:DateTimeString", &[("format", "102")], &yyyymmdd(t.due_date)));
    }
}
