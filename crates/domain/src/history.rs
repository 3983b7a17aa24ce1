//! What the archive already holds, as issuing sees it, and what issuing hands the archive.
//!
//! Why here and not in `issue` or `archive`: the archive answers these questions and issuing
//! asks them. With the trait in the domain, neither stage knows the other; the binary wires
//! an open archive into a run.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::document::{Document, DocumentKind, Relation};
use crate::numbering::{DocumentNumber, NumberPattern};

/// What the archive already holds, as far as issuing needs to know.
pub trait History {
    /// The document of `kind` last issued for `transaction_id`, with the fingerprint of the
    /// transaction it was issued from.
    fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<(DocumentNumber, Option<crate::sha256::Sha256Sum>)>;
    /// An issued document, read back from its record (and checked against its hash).
    fn document(&self, number: &DocumentNumber) -> crate::Result<Document>;
    /// The documents that reference `number` (credit notes, replacements).
    fn referrers(&self, number: &DocumentNumber) -> Vec<Referrer>;
    /// The last (sequence, issue date) issued in `pattern`'s series for `year`.
    fn last(&self, pattern: &NumberPattern, year: i32) -> Option<(u64, NaiveDate)>;
    /// The latest issue date in `pattern`'s series (any year).
    fn last_date(&self, pattern: &NumberPattern) -> Option<NaiveDate>;
}

/// A later document that references an earlier one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referrer {
    pub number: DocumentNumber,
    pub kind: DocumentKind,
    pub relation: Relation,
    pub issue_date: NaiveDate,
    /// Its gross total.
    pub total: Decimal,
}

/// The gross amount already credited on an invoice by the credit notes in `referrers`.
pub fn credited(referrers: &[Referrer]) -> Decimal {
    referrers.iter().filter(|r| r.kind == DocumentKind::CreditNote).map(|r| r.total).sum()
}

/// `number` and the invoices it replaces through `reissue`, itself first, then its
/// original, that one's original and so on. A replacement restates its original's supply:
/// a plan change that adjusted an earlier invoice of the chain reduced the same supply, so
/// it still bounds what a refund or another plan change may credit, and what a correction
/// may retax. A number the archive does not hold (an invoice of this run) is its own chain.
pub fn replacement_chain(history: &dyn History, number: &DocumentNumber) -> Vec<DocumentNumber> {
    let mut chain = vec![number.clone()];
    while let Ok(doc) = history.document(chain.last().expect("never empty")) {
        match doc.references.iter().find(|r| r.relation == Relation::Replaces) {
            // A register is checked for cycles by `verify`; a corrupt one still ends here.
            Some(r) if !chain.contains(&r.number) => chain.push(r.number.clone()),
            _ => break,
        }
    }
    chain
}

/// An empty archive.
pub struct NoHistory;

impl History for NoHistory {
    fn issued_for(&self, _: DocumentKind, _: &str) -> Option<(DocumentNumber, Option<crate::sha256::Sha256Sum>)> {
        None
    }
    fn document(&self, number: &DocumentNumber) -> crate::Result<Document> {
        Err(crate::Error::Refused(format!("{number} is not in the archive")))
    }
    fn referrers(&self, _: &DocumentNumber) -> Vec<Referrer> {
        Vec::new()
    }
    fn last(&self, _: &NumberPattern, _: i32) -> Option<(u64, NaiveDate)> {
        None
    }
    fn last_date(&self, _: &NumberPattern) -> Option<NaiveDate> {
        None
    }
}

/// A document with its number, and where that number sits in its series.
#[derive(Clone, Debug)]
pub struct Numbered {
    pub document: Document,
    pub series: NumberPattern,
    pub seq: u64,
    pub fingerprints: Vec<crate::sha256::Sha256Sum>,
}


#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::document::DocumentReference;

    /// An archive of whole documents by number, and nothing else.
    struct Documents(BTreeMap<String, Document>);

    /// An empty archive's answers, but for the documents it holds.
    impl History for Documents {
        fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<(DocumentNumber, Option<crate::sha256::Sha256Sum>)> {
            NoHistory.issued_for(kind, transaction_id)
        }
        fn document(&self, number: &DocumentNumber) -> crate::Result<Document> {
            self.0.get(number.as_str()).cloned().map_or_else(|| NoHistory.document(number), Ok)
        }
        fn referrers(&self, number: &DocumentNumber) -> Vec<Referrer> {
            NoHistory.referrers(number)
        }
        fn last(&self, pattern: &NumberPattern, year: i32) -> Option<(u64, NaiveDate)> {
            NoHistory.last(pattern, year)
        }
        fn last_date(&self, pattern: &NumberPattern) -> Option<NaiveDate> {
            NoHistory.last_date(pattern)
        }
    }

    fn number(s: &str) -> DocumentNumber {
        serde_json::from_value(serde_json::Value::String(s.into())).unwrap()
    }

    /// A sample invoice numbered `n`, replacing `replaces` if given.
    fn invoice(n: &str, replaces: Option<&str>) -> Document {
        let mut d: Document = serde_json::from_str(include_str!("../../../tests/snapshots/KL-INV-2026-000003.json")).unwrap();
        d.number = number(n);
        d.references = replaces
            .map(|r| DocumentReference { number: number(r), issue_date: d.issue_date, relation: Relation::Replaces, reason: None })
            .into_iter()
            .collect();
        d
    }

    fn chain(history: &Documents, n: &str) -> Vec<String> {
        replacement_chain(history, &number(n)).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_replacement_chain_runs_back_to_the_original_and_ends_on_a_cycle() {
        let archive = Documents(
            [("C", Some("B")), ("B", Some("A")), ("A", None), ("Y", Some("X")), ("X", Some("Y"))]
                .into_iter()
                .map(|(n, r)| (n.to_string(), invoice(n, r)))
                .collect(),
        );
        assert_eq!(chain(&archive, "C"), ["C", "B", "A"]);
        assert_eq!(chain(&archive, "A"), ["A"]);
        // Not in the archive (an invoice of this run): its own chain.
        assert_eq!(chain(&archive, "N"), ["N"]);
        // A corrupt register whose replacements loop (verify reports it) still ends.
        assert_eq!(chain(&archive, "Y"), ["Y", "X"]);
    }
}
