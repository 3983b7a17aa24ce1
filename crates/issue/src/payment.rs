//! The payment an invoice states: paid by card, paid by transfer, or due by transfer to the
//! seller's account (see `domain::payment::terms` for the input's "invoice now, paid later").

use chrono::NaiveDate;

use domain::document::{BankTransfer, Payment, Totals};
use domain::model::{DataSet, PaymentMethod, Status, Transaction};
use domain::payment::terms::{BANK_TRANSFER, DUE};
use tax::calc::Calculation;

/// The totals and payment of the invoice of charge `txn`, issued on `tax_point` (the due
/// date and reference are completed once it has its number and date:
/// [`domain::payment::terms::numbered`]). The error names what company.toml lacks.
pub fn invoice_payment(data: &DataSet, txn: &Transaction, calculation: &Calculation, tax_point: NaiveDate) -> Result<(Totals, Payment), String> {
    let mut totals = calculation.totals_paid();
    let card = Payment {
        method: "card".into(),
        status: "paid".into(),
        date: tax_point,
        amount: totals.gross,
        card_brand: txn.card_brand.clone(),
        card_last4: txn.card_last4.clone(),
        payment_id: txn.payment_id.clone(),
        transfer: None,
    };
    if txn.payment_method == PaymentMethod::Card {
        return Ok((totals, card));
    }
    let Some(bank) = &data.company.bank else {
        return Err("is 'bank_transfer', but company.toml has no [bank] account to pay to; add [bank] with iban (and bic) to company.toml".into());
    };
    let due = txn.status == Status::Pending;
    if due {
        totals.due = totals.paid;
        totals.paid -= totals.due;
    }
    let transfer = BankTransfer {
        account_holder: bank.account_holder.clone(),
        iban: bank.iban.clone(),
        bic: bank.bic.clone(),
        reference: String::new(),
        terms_days: bank.terms_days,
        due_date: tax_point,
    };
    Ok((totals, Payment { method: BANK_TRANSFER.into(), status: if due { DUE } else { "paid" }.into(), transfer: Some(transfer), ..card }))
}

