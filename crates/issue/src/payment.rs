//! The payment an invoice states: paid by card, paid by transfer, or due by transfer to the
//! seller's account (see `domain::payment::terms` for the input's "invoice now, paid later").
//!
//! Split as the rest of the crate is: [`settlement`] is the decision, made once while
//! planning, and the only step that can fail (a transfer needs company.toml's `[bank]`);
//! [`invoice_totals`] and [`invoice_payment`] state what it decided and cannot fail, since a
//! [`Settlement::Transfer`] holds the account it was decided with.

use chrono::NaiveDate;

use domain::document::{BankTransfer, Payment, Totals};
use domain::model::{BankAccount, DataSet, PaymentMethod, Status, Transaction};
use domain::payment::terms::{BANK_TRANSFER, DUE};
use tax::calc::Calculation;

/// How the invoice of a charge is settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settlement<'d> {
    /// Paid by card.
    Card,
    /// By transfer to `bank`: already received, or `due` (invoiced before it was paid).
    Transfer { bank: &'d BankAccount, due: bool },
}

/// A bank-transfer charge, but company.toml names no account to pay to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoBankAccount;

impl std::fmt::Display for NoBankAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("is 'bank_transfer', but company.toml has no [bank] account to pay to; add [bank] with iban (and bic) to company.toml")
    }
}

impl std::error::Error for NoBankAccount {}

/// How the invoice of charge `txn` is settled. The error is what company.toml lacks.
pub fn settlement<'d>(data: &'d DataSet, txn: &Transaction) -> Result<Settlement<'d>, NoBankAccount> {
    if txn.payment_method == PaymentMethod::Card {
        return Ok(Settlement::Card);
    }
    let bank = data.company.bank.as_ref().ok_or(NoBankAccount)?;
    Ok(Settlement::Transfer { bank, due: txn.status == Status::Pending })
}

/// The totals of an invoice of `calculation` settled as `settlement`: paid in full, or due.
pub fn invoice_totals(calculation: &Calculation, settlement: Settlement) -> Totals {
    let mut totals = calculation.totals_paid();
    if let Settlement::Transfer { due: true, .. } = settlement {
        totals.due = totals.paid;
        totals.paid -= totals.due;
    }
    totals
}

/// The payment the invoice of charge `txn` states, of `gross`, issued on `tax_point` (the due
/// date and reference are completed once it has its number and date:
/// [`domain::payment::terms::numbered`]).
pub fn invoice_payment(txn: &Transaction, settlement: Settlement, gross: rust_decimal::Decimal, tax_point: NaiveDate) -> Payment {
    let card = Payment {
        method: "card".into(),
        status: "paid".into(),
        date: tax_point,
        amount: gross,
        card_brand: txn.card_brand.clone(),
        card_last4: txn.card_last4.clone(),
        payment_id: txn.payment_id.clone(),
        transfer: None,
    };
    let Settlement::Transfer { bank, due } = settlement else {
        return card;
    };
    let transfer = BankTransfer {
        account_holder: bank.account_holder.clone(),
        iban: bank.iban.clone(),
        bic: bank.bic.clone(),
        reference: String::new(),
        terms_days: bank.terms_days,
        due_date: tax_point,
    };
    Payment { method: BANK_TRANSFER.into(), status: if due { DUE } else { "paid" }.into(), transfer: Some(transfer), ..card }
}
