//! Small helpers shared by the typed readers of `soap` and `trust`.
//!
//! They take any [`ElementRef`], so the same readers run on the owned tree and on a
//! parsed arena document (which `trust` reads without building the tree).
//!
//! Every reader reports failures as an [`Error`] whose path names the element at fault as
//! it was written (`wst:Lifetime/wsu:Created`); callers add the outer names with
//! [`Error::within`] while unwinding, so the final path runs from the document element
//! down. Nothing here panics on any input.

use crate::error::{Error, ErrorKind, Result};
use crate::xml::{is_whitespace, Attribute, Element, ElementRef, Node, NodeRef, XStr};
use std::borrow::Cow;

/// An `InvalidRequest` error at `el` (the spec's fault for a malformed request).
pub(crate) fn invalid<'d, E: ElementRef<'d>>(el: E, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::InvalidRequest, el.qname(), msg)
}

/// Fail when `el` has non-white-space text among its children: element-only content
/// with stray text is malformed, and silently dropping text would hide data.
pub(crate) fn element_only<'d, E: ElementRef<'d>>(el: E) -> Result<()> {
    for n in el.children() {
        if let NodeRef::Text(t) = n {
            if !is_whitespace(t) {
                return Err(invalid(el, "unexpected text in element-only content"));
            }
        }
    }
    Ok(())
}

/// The trimmed text of a simple-content element (no child elements allowed).
pub(crate) fn text_of<'d, E: ElementRef<'d>>(el: E) -> Result<String> {
    text_ref(el).map(Cow::into_owned)
}

/// [`text_of`] without a copy when the element holds one text node (the common case):
/// for values that are parsed, not kept.
pub(crate) fn text_ref<'d, E: ElementRef<'d>>(el: E) -> Result<Cow<'d, str>> {
    if el.has_element_children() {
        return Err(invalid(el, "expected text, found child elements"));
    }
    Ok(match el.text() {
        Cow::Borrowed(t) => Cow::Borrowed(t.trim()),
        Cow::Owned(t) => Cow::Owned(t.trim().to_string()),
    })
}

/// The trimmed text of an element that must hold a URI (non-empty, no inner white space;
/// xs:anyURI collapses surrounding white space, so trimming is the schema's own rule).
pub(crate) fn uri_of<'d, E: ElementRef<'d>>(el: E) -> Result<String> {
    uri_ref(el).map(Cow::into_owned)
}

/// [`uri_of`] without a copy where the text is borrowed (see [`text_ref`]).
pub(crate) fn uri_ref<'d, E: ElementRef<'d>>(el: E) -> Result<Cow<'d, str>> {
    let t = text_ref(el)?;
    if t.is_empty() {
        return Err(invalid(el, "is empty; a URI is required"));
    }
    if t.chars().any(char::is_whitespace) {
        return Err(invalid(
            el,
            format!("'{t}' is not a URI (contains white space)"),
        ));
    }
    Ok(t)
}

/// Parse an xs:boolean lexical value (`true`, `false`, `1`, `0`, surrounding space allowed).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// An element's text as xs:boolean.
pub(crate) fn bool_of<'d, E: ElementRef<'d>>(el: E) -> Result<bool> {
    let t = text_of(el)?;
    parse_bool(&t).ok_or_else(|| invalid(el, format!("'{t}' is not an xs:boolean")))
}

/// An attribute value as xs:boolean, with the error naming `el/@name`.
pub(crate) fn bool_attr<'d, E: ElementRef<'d>>(el: E, name: &str) -> Result<Option<bool>> {
    match el.attr(None, name) {
        None => Ok(None),
        Some(v) => parse_bool(v).map(Some).ok_or_else(|| {
            Error::at(
                ErrorKind::InvalidRequest,
                format!("{}/@{name}", el.qname()),
                format!("'{v}' is not an xs:boolean"),
            )
        }),
    }
}

/// Store `value` in `slot`, failing when the field was already seen.
pub(crate) fn set_once<'d, T, E: ElementRef<'d>>(
    slot: &mut Option<T>,
    value: T,
    el: E,
) -> Result<()> {
    if slot.is_some() {
        return Err(invalid(el, "appears more than once"));
    }
    *slot = Some(value);
    Ok(())
}

/// Attributes of `el` other than `known` (`(namespace, local)`), kept for round trips.
/// Namespace declarations are not attributes here (see [`ElementRef::attrs`]).
pub(crate) fn other_attrs<'d, E: ElementRef<'d>>(
    el: E,
    known: &[(Option<&str>, &str)],
) -> Vec<Attribute> {
    el.attrs()
        .filter(|a| !known.iter().any(|(n, l)| a.is(*n, l)))
        .map(|a| Attribute {
            prefix: a.prefix.map(XStr::new),
            local: XStr::new(a.local),
            ns: a.ns.map(XStr::new),
            value: XStr::new(a.value),
        })
        .collect()
}

/// The only child element of `el`, failing when there is none or more than one.
pub(crate) fn single_child<'d, E: ElementRef<'d>>(el: E) -> Result<E> {
    element_only(el)?;
    let mut it = el.elements();
    let first = it
        .next()
        .ok_or_else(|| invalid(el, "is empty; expected one child element"))?;
    if it.next().is_some() {
        return Err(invalid(el, "expected exactly one child element"));
    }
    Ok(first)
}

/// A namespace-qualified name as `{ns}local`, for messages about unexpected elements.
pub(crate) fn clark<'d, E: ElementRef<'d>>(el: E) -> String {
    format!("{{{}}}{}", el.ns().unwrap_or(""), el.local())
}

/// Appending text that leaves no empty text node behind: an element built with empty
/// text must write (`<a/>`) and re-read the same way, or round trips are not idempotent.
pub(crate) trait TextChild {
    /// Append `text` unless it is empty.
    fn text_child(self, text: impl Into<String>) -> Self;
}

impl TextChild for Element {
    fn text_child(mut self, text: impl Into<String>) -> Self {
        let t = text.into();
        if !t.is_empty() {
            self.children.push(Node::Text(t.into()));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn helpers() {
        let d = parse(b"<a x='true' y='maybe'><b> urn:x </b><c>1</c><d>a b</d><e/></a>").unwrap();
        let kids: Vec<_> = d.root.elements().collect();
        assert_eq!(uri_of(kids[0]).unwrap(), "urn:x");
        assert!(bool_of(kids[1]).unwrap());
        assert_eq!(
            uri_of(kids[2]).unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
        assert_eq!(uri_of(kids[3]).unwrap_err().path(), "e");
        assert_eq!(bool_attr(&d.root, "x").unwrap(), Some(true));
        assert_eq!(bool_attr(&d.root, "y").unwrap_err().path(), "a/@y");
        assert!(single_child(&d.root).is_err());
        assert!(text_of(&d.root).is_err());
        let mut slot = None;
        set_once(&mut slot, 1, &d.root).unwrap();
        assert!(set_once(&mut slot, 2, &d.root).is_err());
        let t = parse(b"<a>x<b/></a>").unwrap();
        assert!(element_only(&t.root).is_err());
    }
}
