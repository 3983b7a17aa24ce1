//! Assembly: a planned document put together, numbered, from its draft and the data.
//!
//! Everything that could fail was decided when the document was drafted (`draft.rs`),
//! so assembly returns a [`Document`], not a `Result`: it copies what the data says
//! (parties, lines, notes), states the decisions (tax, rates, settlement, exchange rate) and
//! calculates the amounts if planning did not need them (once either way).
//!
//! A credit note against an invoice of the same run takes that invoice from its draft: the
//! invoice's record is put together here from the decisions drafting made for it, which are
//! not made again (see DESIGN.md, "Drafting and assembly").

use std::borrow::Cow;

use domain::document::{
    CustomerType, Document, DocumentKind, DocumentLine, DocumentReference, GrossPrice, Legend, Party, Payment, Relation, SCHEMA, Tax, Totals,
};
use domain::model::{AmountBasis, Company, Customer};
use domain::money::Money;
use domain::numbering::DocumentNumber;
use tax::{calc, conversion};

use crate::draft::{Credited, Original, Restate};
use crate::{Numbered, Plan, payment, series};

impl Plan<'_> {
    /// The `i`-th document, numbered: invoices first, then credit notes, each in number order.
    pub fn numbered(&self, i: usize) -> Numbered {
        let (document, seq, fingerprint) = match i.checked_sub(self.invoices.len()) {
            None => (self.invoice_document(i), self.invoices[i].seq, self.invoices[i].draft.txn.fingerprint),
            Some(c) => (self.credit_note_document(c), self.credit_notes[c].seq, self.credit_notes[c].draft.refund.fingerprint),
        };
        Numbered { series: series(self.data, document.kind).clone(), seq, fingerprints: vec![fingerprint], document }
    }

    /// The planned invoice at `i`, numbered.
    fn invoice_document(&self, i: usize) -> Document {
        let data = self.data;
        let planned = &self.invoices[i];
        let d = &planned.draft;
        let (txn, customer) = (d.txn, d.customer);
        let tax_point = data.local_date(txn.timestamp);
        let (determination, rate) = self.taxes.get(d.tax);
        let own = (determination.category(), rate);
        let calculated;
        let calculation = match &d.calculation {
            Some(kept) => kept.as_ref(),
            None => {
                calculated = d.calculate(own);
                &calculated
            }
        };
        let lines = txn
            .lines
            .iter()
            .zip(&calculation.line_nets)
            .map(|(line, net)| {
                let (tax_category, tax_rate) = d.line_rate(line, own);
                DocumentLine {
                    description: line.description.clone(),
                    quantity: line.quantity,
                    unit_price: calc::unit_price(*net, line.quantity),
                    net_amount: net.amount(),
                    tax_category,
                    tax_rate,
                    service_start: line.service_start,
                    service_end: line.service_end,
                    proration: line.proration,
                    transaction_id: txn.id.clone(),
                    adjusts: line.refers_to.clone(),
                    gross: (txn.amount_basis == AmountBasis::Gross)
                        .then(|| GrossPrice { unit_price: line.unit_amount.amount(), amount: line.amount.amount() }),
                }
            })
            .collect();
        let totals = payment::invoice_totals(calculation, d.settlement);
        let payment = payment::invoice_payment(txn, d.settlement, totals.gross, tax_point);
        let restate = |r| Some(conversion::restate_at(r, data.company.seller.base_currency, calculation.net, calculation.tax));
        let (base_currency_tax, base_currency_booking) = match d.restate_at {
            Some(Restate::Art230(r)) => (restate(r), None),
            Some(Restate::Booking(r)) => (None, restate(r)),
            None => (None, None),
        };
        let originals = self.originals(i);
        let mut document = Document {
            schema: SCHEMA.into(),
            kind: DocumentKind::Invoice,
            number: self.invoice_number(i),
            issue_date: planned.issue_date,
            tax_point_date: tax_point,
            currency: txn.currency,
            language: customer.language.clone(),
            seller: seller_party(&data.company),
            customer: customer_party(customer),
            customer_id: customer.id.clone(),
            source_transactions: vec![txn.id.clone()],
            tax: tax_of(determination, customer.kind.into()),
            lines,
            tax_breakdown: calculation.breakdown.clone(),
            payment,
            totals,
            base_currency_tax,
            base_currency_booking,
            local_currency_tax: d.state_locally.map(|(to, r)| conversion::restate_at(r, to, calculation.net, calculation.tax)),
            return_currency_tax: d.for_return.map(|(to, r)| conversion::restate_at(r, to, calculation.net, calculation.tax)),
            legends: legends_with(legends(&customer.language, determination), originals.iter().map(|o| self.original_legends(o))),
            references: originals
                .iter()
                .map(|o| DocumentReference { number: self.original_number(o), issue_date: self.original_issue_date(o), relation: Relation::Adjusts, reason: None })
                .collect(),
            original_supply_date: None,
            buyer_reference: customer.buyer_reference.clone(),
            order_reference: txn.purchase_order.clone(),
            brand: data.company.brand.clone(),
            notes: customer.note.iter().chain(&txn.note).cloned().collect(),
        };
        domain::payment::terms::numbered(&mut document);
        document
    }

    /// The invoices the planned invoice at `i` adjusts, in the order its lines first refer
    /// to them.
    fn originals(&self, i: usize) -> Vec<&Original> {
        let d = &self.invoices[i].draft;
        let mut originals: Vec<(&Original, DocumentNumber)> = Vec::new();
        for line in d.txn.lines.iter().filter(|l| l.proration) {
            let Some(adjusted) = line.refers_to.as_deref().and_then(|id| d.adjusted.iter().find(|a| a.charge == id)) else {
                continue;
            };
            let number = self.original_number(&adjusted.original);
            if !originals.iter().any(|(_, n)| *n == number) {
                originals.push((&adjusted.original, number));
            }
        }
        originals.into_iter().map(|(o, _)| o).collect()
    }

    /// The number of the invoice `original`.
    fn original_number(&self, original: &Original) -> DocumentNumber {
        match original {
            Original::Planned(i) => self.invoice_number(*i),
            Original::Archived(doc) => doc.number.clone(),
        }
    }

    fn original_issue_date(&self, original: &Original) -> chrono::NaiveDate {
        match original {
            Original::Planned(i) => self.invoices[*i].issue_date,
            Original::Archived(doc) => doc.issue_date,
        }
    }

    /// The legends the invoice `original` carries.
    fn original_legends<'a>(&'a self, original: &'a Original) -> Cow<'a, [Legend]> {
        match original {
            Original::Archived(doc) => Cow::Borrowed(&doc.legends),
            Original::Planned(i) => {
                let d = &self.invoices[*i].draft;
                let own = legends(&d.customer.language, self.taxes.get(d.tax).0);
                Cow::Owned(legends_with(own, self.originals(*i).iter().map(|o| self.original_legends(o))))
            }
        }
    }

    /// The planned credit note at `c`, numbered: the invoice it credits (as issued, or as
    /// this run issues it) with the refund's lines and amounts.
    fn credit_note_document(&self, c: usize) -> Document {
        let planned = &self.credit_notes[c];
        let refund = planned.draft.refund;
        let original: Cow<Document> = match &planned.draft.original {
            Original::Archived(doc) => Cow::Borrowed(doc.as_ref()),
            Original::Planned(i) => Cow::Owned(self.invoice_document(*i)),
        };
        let currency = original.currency;
        let tax_point = self.data.local_date(refund.timestamp);
        let (lines, breakdown, net, tax, gross) = match &planned.draft.credited {
            Credited::Full => {
                let mut lines = original.lines.clone();
                for l in &mut lines {
                    l.transaction_id = refund.id.clone();
                }
                let t = &original.totals;
                (lines, original.tax_breakdown.clone(), t.net, t.tax, t.gross)
            }
            Credited::Partial(partial) => {
                let c = &partial.calculation;
                let lines = partial
                    .described
                    .iter()
                    .zip(&partial.lines)
                    .zip(&c.line_nets)
                    .map(|(((description, quantity, line), cl), net)| DocumentLine {
                        description: description.clone(),
                        quantity: *quantity,
                        unit_price: calc::unit_price(*net, *quantity),
                        net_amount: net.amount(),
                        tax_category: cl.category,
                        tax_rate: cl.rate,
                        service_start: line.service_start,
                        service_end: line.service_end,
                        proration: false,
                        transaction_id: refund.id.clone(),
                        adjusts: None,
                        // A refund line keeps its unit price; a share of one (quantity 1) is its amount.
                        gross: (refund.amount_basis == AmountBasis::Gross).then(|| GrossPrice {
                            unit_price: if *quantity == rust_decimal::Decimal::ONE { cl.amount.amount() } else { line.unit_amount.amount() },
                            amount: cl.amount.amount(),
                        }),
                    })
                    .collect();
                (lines, c.breakdown.clone(), c.net.amount(), c.tax.amount(), c.gross.amount())
            }
        };
        let money = |d: rust_decimal::Decimal| Money::from_exact(d, currency).expect("document amounts are exact");
        let mut doc = original.clone().into_owned();
        doc.kind = DocumentKind::CreditNote;
        doc.number = self.credit_note_number(c);
        doc.issue_date = planned.issue_date;
        doc.tax_point_date = tax_point;
        doc.source_transactions = vec![refund.id.clone()];
        doc.lines = lines;
        doc.tax_breakdown = breakdown;
        doc.totals = Totals { net, tax, gross, paid: gross, due: money(rust_decimal::Decimal::ZERO).amount() };
        // At the original's rate, so the two cancel in the base currency too.
        doc.base_currency_tax = original.base_currency_tax.as_ref().map(|b| conversion::restate_like(b, money(net), money(tax)));
        doc.base_currency_booking = original.base_currency_booking.as_ref().map(|b| conversion::restate_like(b, money(net), money(tax)));
        doc.local_currency_tax = original.local_currency_tax.as_ref().map(|b| conversion::restate_like(b, money(net), money(tax)));
        doc.return_currency_tax = original.return_currency_tax.as_ref().map(|b| conversion::restate_like(b, money(net), money(tax)));
        doc.original_supply_date = Some(original.tax_point_date);
        doc.order_reference = refund.purchase_order.clone().or_else(|| original.order_reference.clone());
        // The money goes back to the card the invoice was paid with, unless the refund says otherwise.
        doc.payment = Payment {
            method: original.payment.method.clone(),
            status: "refunded".into(),
            date: tax_point,
            amount: gross,
            card_brand: refund.card_brand.clone().or_else(|| original.payment.card_brand.clone()),
            card_last4: refund.card_last4.clone().or_else(|| original.payment.card_last4.clone()),
            payment_id: refund.payment_id.clone(),
            // A transfer refunded: the e-invoice names the account and reference it concerned.
            transfer: original.payment.transfer.clone(),
        };
        let customer_note = self.data.customer(&refund.customer_id).and_then(|c| c.note.clone());
        doc.notes = customer_note.into_iter().chain(refund.note.iter().cloned()).collect();
        doc.references = vec![DocumentReference {
            number: original.number.clone(),
            issue_date: original.issue_date,
            relation: Relation::Credits,
            reason: Some(refund.reason.clone()).filter(|r| !r.is_empty()),
        }];
        doc
    }

    /// The number of the planned credit note at `c`.
    fn credit_note_number(&self, c: usize) -> DocumentNumber {
        let p = &self.credit_notes[c];
        crate::number_in_series(self.data, DocumentKind::CreditNote, p.issue_date, p.seq)
    }
}

/// The seller as a document names them.
fn seller_party(company: &Company) -> Party {
    let seller = &company.seller;
    Party {
        name: seller.legal_name.clone(),
        address: (&seller.address).into(),
        tax_id: Some(seller.vat_id.clone()),
        registration_id: Some(seller.registration_id.clone()).filter(|s| !s.is_empty()),
        email: Some(seller.email.clone()),
        electronic_address: seller.peppol_id.clone(),
        contact_name: seller.contact_name.clone(),
        phone: seller.phone.clone(),
    }
}

/// The customer as a document names them.
pub(crate) fn customer_party(customer: &Customer) -> Party {
    Party {
        name: customer.name.clone(),
        address: (&customer.address).into(),
        tax_id: customer.usable_tax_id().map(str::to_string),
        registration_id: None,
        email: Some(customer.email.clone()).filter(|s| !s.is_empty()),
        electronic_address: customer.peppol_id.clone(),
        contact_name: None,
        phone: None,
    }
}

/// What a document says of its tax: the rule `determination` decided, for a customer taxed
/// as `customer_type`.
pub(crate) fn tax_of(determination: &tax::Determination, customer_type: CustomerType) -> Tax {
    Tax {
        treatment: determination.treatment,
        jurisdiction: determination.jurisdiction,
        tax_name: determination.tax_name.clone(),
        seller_registration: determination.seller_registration.clone(),
        customer_type,
        evidence: determination.evidence.clone(),
    }
}

/// The legends `determination` asks for, in `language`: tax decides which (by key), the
/// translation files say them.
pub(crate) fn legends(language: &str, determination: &tax::Determination) -> Vec<Legend> {
    let country = locale::country_name(language, determination.jurisdiction);
    let tax_id = determination.seller_registration.as_ref().map(|r| r.id.clone()).unwrap_or_default();
    let values = [("country", country.as_str()), ("tax", determination.tax_name.as_str()), ("tax_id", tax_id.as_str())];
    determination
        .legends
        .iter()
        .map(|l| Legend { code: l.code.to_string(), text: locale::legend(language, l.template, &values) })
        .collect()
}

/// `legends` and, after them, each legend of the adjusted invoices (`originals`, their
/// legends) it does not have yet: a line taxed as on its original invoice carries that
/// invoice's explanation.
fn legends_with<'a>(mut legends: Vec<Legend>, originals: impl Iterator<Item = Cow<'a, [Legend]>>) -> Vec<Legend> {
    for theirs in originals {
        for legend in theirs.iter() {
            if !legends.iter().any(|l| l.code == legend.code) {
                legends.push(legend.clone());
            }
        }
    }
    legends
}
