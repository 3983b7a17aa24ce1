//! The logical structure of a document's PDF (tagged PDF, PDF/UA-1): what each drawn text is —
//! title, heading, paragraph, table cell — and what is only decoration or repetition.
//!
//! Screen readers, reflow and text export read the structure tree, not the page: the title is
//! an `H1`; the small capital labels above a group (the customer, the references) are `H2`;
//! the line table is a `Table` whose header row holds `TH` cells (scope Column) and whose
//! rows hold one `TD` per column, the description's wrapped lines and notes in its cell; the
//! totals are a second table whose row labels are `TH` cells (scope Row); everything else is
//! a `P` (under the panel's own heading, the account to pay to, one `P` per line of label
//! and value). What a reader should skip is an artifact: rules and bands (layout), the
//! heading of continuation pages, the table header repeated on them, and the footer
//! (pagination), but on the last page: there its lines (the seller's registered office,
//! register, directors, account, which nothing else states) are read once, as paragraphs.
//!
//! The layout says which part of the document each item belongs to ([`Part`]); [`Structure::of`]
//! turns that into elements. The order of the elements is the layout's order of the items,
//! which is the reading order. Drawing then marks each run of text with the element's
//! marked-content id ([`Structure::mark`]), and the file writes the tree and the parent tree
//! that maps those ids back to their elements.

use pdf_writer::types::{StructRole, TableHeaderScope};

use super::{CAPS, Item, TITLE};

/// The part of the document an item was placed for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Part {
    /// Page 1's letterhead, customer and facts.
    Header,
    /// "Invoice … (continued)" at the top of later pages.
    Continuation,
    /// The line table's header row: its first occurrence, or repeated on a later page.
    TableHeader { repeated: bool },
    /// The table row of line `n`: its texts are its cells in column order, then further
    /// lines of the cell given second (the invoice's description, the statement's detail).
    Row(usize, usize),
    /// Further lines of another cell of row `n` that wraps (a statement's item, after its
    /// detail's): in the cell given second.
    RowMore(usize, usize),
    Totals,
    /// Further lines of the last totals row's label (a statement's balance in words, wrapped):
    /// more of its `TH`, not rows of their own.
    TotalsMore,
    /// The `n`th note after the totals.
    Note(usize),
    Footer,
    /// The footer's lines on the last page: the seller's registered office, register,
    /// directors and account, which a business letter must state (and nothing else on the
    /// page does), read once at the document's end; on other pages they are the footer,
    /// repeated, an artifact.
    Colophon,
}

/// How an element's content is skipped by a reader.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Artifact {
    /// Rules and bands.
    Layout,
    /// Running headings repeated on pages.
    Header,
    Footer,
}

impl Artifact {
    /// The tag and property list of its marked-content sequence (PDF 32000-1 §14.8.2.2):
    /// layout, or pagination with its subtype.
    pub(super) fn properties(self) -> &'static [u8] {
        match self {
            Artifact::Layout => b"/Artifact<</Type/Layout>>",
            Artifact::Header => b"/Artifact<</Type/Pagination/Subtype/Header>>",
            Artifact::Footer => b"/Artifact<</Type/Pagination/Subtype/Footer>>",
        }
    }
}

/// What an item is in the structure.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mark {
    Artifact(Artifact),
    /// Content of the element with this index.
    Element(usize),
}

/// A child of an element: an element, or a marked-content sequence on a page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kid {
    Element(usize),
    Content { page: usize, mcid: i32 },
}

#[derive(Clone, Debug)]
pub(super) struct Element {
    pub(super) role: StructRole,
    /// `None` for the root, the `Document`.
    pub(super) parent: Option<usize>,
    pub(super) kids: Vec<Kid>,
    /// For `TH` cells.
    pub(super) scope: Option<TableHeaderScope>,
    /// What the element's abbreviation stands for (`/E`): a line's tax cell reading `RC`.
    pub(super) expansion: Option<String>,
}

/// The elements of a document and, page by page, the element each marked-content id belongs to.
pub(super) struct Structure {
    pub(super) elements: Vec<Element>,
    /// Per page, per item: the item's mark.
    pub(super) marks: Vec<Vec<Mark>>,
    /// Per page, indexed by marked-content id: the element.
    pub(super) parents: Vec<Vec<usize>>,
}

/// The line table's columns: the description and four numbers.
const COLUMNS: usize = 5;

/// Builds the tree while the placed items are walked in order.
struct Builder {
    elements: Vec<Element>,
    /// The line table, its header row, its body, the current row (line index, its cells).
    table: Option<usize>,
    head_row: Option<usize>,
    body: Option<usize>,
    row: Option<(usize, [usize; COLUMNS])>,
    /// The totals table and its current row.
    totals: Option<usize>,
    totals_row: Option<usize>,
    /// The element the last text went into, with its part and baseline.
    last: Option<(Part, f32, usize)>,
    /// Whether the note being walked opened with its own heading: a panel of label and
    /// value lines (the account to pay to), one paragraph per line.
    panel: bool,
}

impl Builder {
    fn add(&mut self, role: StructRole, parent: usize) -> usize {
        let id = self.elements.len();
        self.elements.push(Element { role, parent: Some(parent), kids: Vec::new(), scope: None, expansion: None });
        self.elements[parent].kids.push(Kid::Element(id));
        id
    }

    fn table(&mut self) -> usize {
        match self.table {
            Some(t) => t,
            None => {
                let t = self.add(StructRole::Table, 0);
                self.table = Some(t);
                t
            }
        }
    }

    /// The element text `s` in `st` at baseline `y` of `part` goes into, `k` counting the texts
    /// of the part so far.
    fn element(&mut self, part: Part, item: &Item, k: usize) -> usize {
        let Item::Text { y, st, .. } = item else { unreachable!("only texts have elements") };
        let same_line = matches!(self.last, Some((p, ly, _)) if p == part && ly == *y);
        let id = match part {
            Part::Header if *st == TITLE => self.add(StructRole::H1, 0),
            Part::Header if *st == CAPS => self.add(StructRole::H2, 0),
            // Label and value of one line (a fact, an ID) are one paragraph.
            Part::Header if same_line => self.last.map(|(_, _, e)| e).expect("same line"),
            Part::Header => self.add(StructRole::P, 0),
            Part::TableHeader { .. } => {
                let tr = match self.head_row {
                    Some(tr) => tr,
                    None => {
                        let table = self.table();
                        let head = self.add(StructRole::THead, table);
                        let tr = self.add(StructRole::TR, head);
                        self.head_row = Some(tr);
                        tr
                    }
                };
                let th = self.add(StructRole::TH, tr);
                self.elements[th].scope = Some(TableHeaderScope::Column);
                th
            }
            Part::Row(line, wraps_in) => {
                if self.row.is_none_or(|(l, _)| l != line) {
                    let table = self.table();
                    let body = match self.body {
                        Some(b) => b,
                        None => {
                            let b = self.add(StructRole::TBody, table);
                            self.body = Some(b);
                            b
                        }
                    };
                    let tr = self.add(StructRole::TR, body);
                    let cells = [(); COLUMNS].map(|_| self.add(StructRole::TD, tr));
                    self.row = Some((line, cells));
                }
                let (_, cells) = self.row.expect("a row");
                // The first texts of a row are its cells in column order (on an invoice the
                // description, then one per number column); the further lines of the cell
                // that wraps follow (the description's lines and notes).
                cells[if k < COLUMNS { k } else { wraps_in }]
            }
            Part::Totals => {
                let table = match self.totals {
                    Some(t) => t,
                    None => {
                        let t = self.add(StructRole::Table, 0);
                        self.totals = Some(t);
                        t
                    }
                };
                match self.totals_row {
                    Some(tr) if same_line => self.add(StructRole::TD, tr),
                    _ => {
                    let tr = self.add(StructRole::TR, table);
                    self.totals_row = Some(tr);
                    let th = self.add(StructRole::TH, tr);
                    self.elements[th].scope = Some(TableHeaderScope::Row);
                    th
                    }
                }
            }
            Part::RowMore(line, cell) => match self.row {
                Some((l, cells)) if l == line => cells[cell],
                _ => unreachable!("a row's further lines come after its cells"),
            },
            Part::TotalsMore => match self.totals_row.map(|tr| &self.elements[tr].kids[0]) {
                Some(Kid::Element(th)) => *th,
                _ => unreachable!("a totals row's label comes before its further lines"),
            },
            Part::Note(_) if k == 0 => {
                self.panel = *st == CAPS;
                self.add(if self.panel { StructRole::H2 } else { StructRole::P }, 0)
            }
            // A panel's heading on two lines stays one heading; each further line of it (a
            // label and its value) is a paragraph of its own, not more of the heading.
            Part::Note(_) if self.panel && !same_line && *st != CAPS => self.add(StructRole::P, 0),
            // A paragraph's wrapped lines, a label's value: the same element.
            Part::Note(_) => self.last.map(|(_, _, e)| e).expect("the note's element"),
            // One paragraph per line, as the header's facts.
            Part::Colophon if same_line => self.last.map(|(_, _, e)| e).expect("same line"),
            Part::Colophon => self.add(StructRole::P, 0),
            Part::Continuation | Part::Footer => unreachable!("artifacts have no element"),
        };
        self.last = Some((part, *y, id));
        id
    }
}

impl Structure {
    /// The structure of pages of placed items, in their order. A line table's cell whose
    /// whole text is `abbreviation`'s first gets its second as its expansion.
    pub(super) fn of(pages: &[Vec<(Item, Part)>], abbreviation: Option<(&str, &str)>) -> Structure {
        let root = Element { role: StructRole::Document, parent: None, kids: Vec::new(), scope: None, expansion: None };
        let mut b = Builder { elements: vec![root], table: None, head_row: None, body: None, row: None, totals: None, totals_row: None, last: None, panel: false };
        let mut marks = Vec::with_capacity(pages.len());
        // The part being walked and how many of its texts came before.
        let mut current: Option<Part> = None;
        let mut k = 0;
        for page in pages {
            let mut page_marks = Vec::with_capacity(page.len());
            for (item, part) in page {
                let part = *part;
                let mark = match (item, part) {
                    (_, Part::Continuation | Part::TableHeader { repeated: true }) => Mark::Artifact(Artifact::Header),
                    (_, Part::Footer) => Mark::Artifact(Artifact::Footer),
                    // The logo repeats the seller's name, printed as text beside it: decoration.
                    (Item::Rule { .. } | Item::Band { .. } | Item::Logo { .. } | Item::Qr { .. }, _) => Mark::Artifact(Artifact::Layout),
                    // Nothing is drawn for it; only a row's cells count empty texts.
                    (Item::Text { s, .. }, _) if s.is_empty() && !matches!(part, Part::Row(..)) => Mark::Artifact(Artifact::Layout),
                    (Item::Text { s, .. }, _) => {
                        if current != Some(part) {
                            current = Some(part);
                            k = 0;
                        }
                        let e = b.element(part, item, k);
                        if let (Part::Row(..), Some((short, words))) = (part, abbreviation)
                            && s == short
                            && k < COLUMNS
                        {
                            b.elements[e].expansion = Some(words.to_string());
                        }
                        k += 1;
                        Mark::Element(e)
                    }
                };
                page_marks.push(mark);
            }
            marks.push(page_marks);
        }
        Structure { elements: b.elements, parents: vec![Vec::new(); pages.len()], marks }
    }

    /// Records that marked-content sequence `mcid` of `page` holds content of `element`.
    pub(super) fn mark(&mut self, page: usize, element: usize) -> i32 {
        let mcid = self.parents[page].len() as i32;
        self.parents[page].push(element);
        self.elements[element].kids.push(Kid::Content { page, mcid });
        mcid
    }
}
