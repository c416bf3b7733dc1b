//! Finding signed and encrypted elements by ID, with the information a receiver needs to
//! defend against signature wrapping: where in the envelope each element sits, and whether
//! an ID occurs more than once.

use crate::error::{Error, ErrorKind, Result};
use crate::xml::{Document, Element, Node, XStr};

/// A path from the document element: child indices into `children` at each level.
pub type NodePath = Vec<usize>;

/// Every ID (`wsu:Id`, `Id`, `ID`, `xml:id`) of a document with the path of its element.
///
/// Built once per received message, so it is kept flat: one vector of paths end to end and
/// one of (ID, range) sorted by ID, looked up by binary search — no per-ID allocation and
/// no hashing (a hash map keyed by attacker-chosen IDs needs a keyed hash, which costs more
/// than the whole index for a typical message).
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    entries: Vec<(XStr, u32, u32)>,
    paths: Vec<usize>,
}

impl IdIndex {
    /// The path of the element whose ID is `id`.
    pub fn get(&self, id: &str) -> Option<&[usize]> {
        let i = self
            .entries
            .binary_search_by(|(k, _, _)| k.as_str().cmp(id))
            .ok()?;
        let (_, start, len) = &self.entries[i];
        Some(&self.paths[*start as usize..(*start + *len) as usize])
    }
}

/// Index every ID of `doc`. An ID that occurs twice is an error: a duplicate is the classic
/// signature-wrapping vehicle (a signed copy elsewhere, an unsigned impostor where the
/// receiver looks).
pub fn index_ids(doc: &Document) -> Result<IdIndex> {
    let mut idx = IdIndex::default();
    let mut path = Vec::new();
    index(&doc.root, &mut path, &mut idx);
    idx.entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = idx.entries.windows(2).find(|w| w[0].0 == w[1].0) {
        let (id, start, len) = &w[1];
        let el = at(doc, &idx.paths[*start as usize..(*start + *len) as usize]);
        return Err(Error::at(
            ErrorKind::InvalidSignature,
            el.map(|e| e.qname()).unwrap_or_default(),
            format!("ID '{id}' occurs more than once in the message"),
        ));
    }
    Ok(idx)
}

fn index(el: &Element, path: &mut NodePath, idx: &mut IdIndex) {
    // Every ID attribute counts, not only the first one `Element::id()` would return.
    for a in &el.attrs {
        let is_id = (a.local == "Id"
            && (a.ns.is_none() || a.ns.as_deref() == Some(crate::ns::WSU)))
            || (a.local == "ID" && a.ns.is_none())
            || (a.local == "id" && a.ns.as_deref() == Some(crate::ns::XML));
        if is_id {
            let start = idx.paths.len() as u32;
            idx.paths.extend_from_slice(path);
            idx.entries
                .push((a.value.clone(), start, path.len() as u32));
        }
    }
    for (i, c) in el.children.iter().enumerate() {
        if let Node::Element(e) = c {
            path.push(i);
            index(e, path, idx);
            path.pop();
        }
    }
}

/// The element at `path`.
pub fn at<'a>(doc: &'a Document, path: &[usize]) -> Option<&'a Element> {
    let mut el = &doc.root;
    for &i in path {
        match el.children.get(i) {
            Some(Node::Element(e)) => el = e,
            _ => return None,
        }
    }
    Some(el)
}

/// The element at `path`, mutable.
pub fn at_mut<'a>(doc: &'a mut Document, path: &[usize]) -> Option<&'a mut Element> {
    let mut el = &mut doc.root;
    for &i in path {
        match el.children.get_mut(i) {
            Some(Node::Element(e)) => el = e,
            _ => return None,
        }
    }
    Some(el)
}

/// The ancestors of the element at `path`, document element first (excluding the element).
pub fn ancestors<'a>(doc: &'a Document, path: &[usize]) -> Vec<&'a Element> {
    let mut out = Vec::with_capacity(path.len());
    let mut el = &doc.root;
    for &i in path {
        out.push(el);
        match el.children.get(i) {
            Some(Node::Element(e)) => el = e,
            _ => break,
        }
    }
    out
}

/// Namespace bindings in scope at (and including) the element at `path`, as
/// (prefix, uri) with "" for the default namespace; later entries shadow earlier ones.
pub fn in_scope(doc: &Document, path: &[usize]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |el: &Element| {
        for d in &el.ns_decls {
            let p = d.prefix.clone().unwrap_or_default();
            out.retain(|(q, _)| *q != p);
            out.push((p.to_string(), d.uri.to_string()));
        }
    };
    for a in ancestors(doc, path) {
        push(a);
    }
    if let Some(e) = at(doc, path) {
        push(e);
    }
    out
}
