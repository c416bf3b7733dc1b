//! Finding signed and encrypted elements of a received message by ID, with the
//! information a receiver needs to defend against signature wrapping: where in the
//! envelope each element sits, and whether an ID occurs more than once.

use crate::error::{Error, ErrorKind, Result};
use crate::xml::{ArenaEl, AttrRef, Doc, Element, ElementRef};

/// True for an ID attribute: `wsu:Id`, unqualified `Id` or `ID` (SAML), `xml:id`. Every
/// one counts, not only the first that `ElementRef::id` returns.
fn is_id(a: &AttrRef<'_>) -> bool {
    (a.local == "Id" && matches!(a.ns, None | Some(crate::ns::WSU)))
        || (a.local == "ID" && a.ns.is_none())
        || (a.local == "id" && a.ns == Some(crate::ns::XML))
}

fn duplicate(at: String, id: &str) -> Error {
    Error::at(
        ErrorKind::InvalidSignature,
        at,
        format!("ID '{id}' occurs more than once in the message"),
    )
}

/// Refuse an owned tree in which an ID occurs twice (what [`IdIndex::build`] refuses in a
/// received message), for callers that canonicalize by ID.
pub(crate) fn unique_ids(root: &Element) -> Result<()> {
    let mut ids: Vec<(&str, &Element)> = Vec::new();
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        ids.extend(e.attrs().filter(is_id).map(|a| (a.value, e)));
        stack.extend(e.elements());
    }
    ids.sort_unstable_by(|a, b| a.0.cmp(b.0));
    match ids.windows(2).find(|w| w[0].0 == w[1].0) {
        Some(w) => Err(duplicate(w[1].1.qname(), w[1].0)),
        None => Ok(()),
    }
}

/// Every ID (`wsu:Id`, `Id`, `ID`, `xml:id`) of a document with its element's node number.
///
/// Built once per received message (again after each decryption), so it is kept flat: one
/// vector of (attribute, element) sorted by the attribute's value, looked up by binary
/// search — no per-ID allocation and no hashing (a hash map keyed by attacker-chosen IDs
/// needs a keyed hash, which costs more than the whole index for a typical message). It
/// names attributes by number rather than borrowing their values, so the document stays
/// free to change (decryption) while the index is kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    entries: Vec<(u32, u32)>,
}

impl IdIndex {
    /// Index every ID of `doc`. An ID that occurs twice is an error: a duplicate is the
    /// classic signature-wrapping vehicle (a signed copy elsewhere, an unsigned impostor
    /// where the receiver looks).
    pub(crate) fn build(doc: &Doc<'_>) -> Result<IdIndex> {
        let mut entries = Vec::new();
        for el in doc.root().descendants() {
            for (k, a) in el.attrs().enumerate() {
                if is_id(&a) {
                    entries.push((el.attr_number(k), el.node_id()));
                }
            }
        }
        let value = |a: u32| doc.attr_value(a);
        entries.sort_unstable_by(|x, y| value(x.0).cmp(value(y.0)));
        if let Some(w) = entries.windows(2).find(|w| value(w[0].0) == value(w[1].0)) {
            let (attr, node) = w[1];
            let at = doc.element(node).map(|e| e.qname()).unwrap_or_default();
            return Err(duplicate(at, value(attr)));
        }
        Ok(IdIndex { entries })
    }

    /// The node number of the element whose ID is `id`.
    pub(crate) fn get(&self, doc: &Doc<'_>, id: &str) -> Option<u32> {
        let i = self
            .entries
            .binary_search_by(|(a, _)| doc.attr_value(*a).cmp(id))
            .ok()?;
        Some(self.entries[i].1)
    }
}

/// The ancestors of `el`, document element first (excluding `el`).
pub(crate) fn ancestors<'d, 'a>(el: ArenaEl<'d, 'a>) -> Vec<ArenaEl<'d, 'a>> {
    let mut out = Vec::new();
    let mut at = el.parent();
    while let Some(p) = at {
        out.push(p);
        at = p.parent();
    }
    out.reverse();
    out
}

/// Namespace bindings in scope at (and including) `el`, as (prefix, uri) with "" for the
/// default namespace; later entries shadow earlier ones.
pub(crate) fn in_scope(el: ArenaEl<'_, '_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in ancestors(el).into_iter().chain([el]) {
        for (p, u) in e.ns_decls() {
            let p = p.unwrap_or("");
            out.retain(|(q, _)| q != p);
            out.push((p.to_string(), u.to_string()));
        }
    }
    out
}
