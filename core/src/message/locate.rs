//! Finding signed and encrypted elements by ID, with the information a receiver needs to
//! defend against signature wrapping: where in the envelope each element sits, and whether
//! an ID occurs more than once.

use crate::error::{Error, ErrorKind, Result};
use crate::xml::{Document, Element, Node};
use std::collections::HashMap;

/// A path from the document element: child indices into `children` at each level.
pub type NodePath = Vec<usize>;

/// Every ID (`wsu:Id`, `Id`, `ID`, `xml:id`) in a document with the path of its element.
/// An ID that occurs twice is an error: a duplicate is the classic signature-wrapping
/// vehicle (a signed copy elsewhere, an unsigned impostor where the receiver looks).
pub fn index_ids(doc: &Document) -> Result<HashMap<String, NodePath>> {
    let mut map = HashMap::new();
    let mut path = Vec::new();
    index(&doc.root, &mut path, &mut map)?;
    Ok(map)
}

fn index(el: &Element, path: &mut NodePath, map: &mut HashMap<String, NodePath>) -> Result<()> {
    // Every ID attribute counts, not only the first one `Element::id()` would return.
    for a in &el.attrs {
        let is_id = (a.local == "Id"
            && (a.ns.is_none() || a.ns.as_deref() == Some(crate::ns::WSU)))
            || (a.local == "ID" && a.ns.is_none())
            || (a.local == "id" && a.ns.as_deref() == Some(crate::ns::XML));
        if is_id && map.insert(a.value.to_string(), path.clone()).is_some() {
            return Err(Error::at(
                ErrorKind::InvalidSignature,
                el.qname(),
                format!("ID '{}' occurs more than once in the message", a.value),
            ));
        }
    }
    for (i, c) in el.children.iter().enumerate() {
        if let Node::Element(e) = c {
            path.push(i);
            index(e, path, map)?;
            path.pop();
        }
    }
    Ok(())
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
