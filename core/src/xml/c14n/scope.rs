//! In-scope namespace bindings: what an apex inherits from ancestors that are not output.
//!
//! The tree has no parent pointers, so canonicalizing a subtree needs the bindings its
//! ancestors put in scope, gathered on the way down. Only those bindings matter for
//! exclusive c14n (a visibly utilized prefix, or one on the InclusiveNamespaces list, is
//! declared at the apex); `xml:*` attributes are deliberately *not* inherited.

use crate::ns;
use crate::xml::tree::{Element, Node};
use crate::xml::view::{AttrRef, ElementRef};
use std::borrow::Cow;

/// The prefix an unprefixed attribute in a namespace is written with when no prefix is
/// bound to its URI; the same choice `xml::write` makes, so a tree built in code
/// canonicalizes as its serialization would.
const INVENTED_PREFIX: &str = "ns0";

/// Namespace bindings in scope at some point of a tree, innermost last. `""` is the
/// default namespace; an empty URI is `xmlns=""` (no default namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InScope<'a> {
    bindings: Vec<(&'a str, &'a str)>,
}

impl<'a> InScope<'a> {
    /// Nothing in scope (the document node's context).
    pub fn new() -> Self {
        InScope {
            bindings: Vec::new(),
        }
    }

    /// Bind `prefix` (`""` = the default namespace) to `uri`, shadowing an earlier binding.
    pub fn bind(&mut self, prefix: &'a str, uri: &'a str) {
        self.bindings.push((prefix, uri));
    }

    /// The URI bound to `prefix` (`""` = default), `None` when unbound. `xml` is always bound.
    pub fn lookup(&self, prefix: &str) -> Option<&'a str> {
        match self.binding(prefix) {
            Some((_, u)) => Some(u),
            None if prefix == "xml" => Some(ns::XML),
            None => None,
        }
    }

    /// The innermost binding of `prefix` as (prefix, URI), borrowed from the tree.
    pub(super) fn binding(&self, prefix: &str) -> Option<(&'a str, &'a str)> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| same(p, prefix))
            .copied()
    }

    /// A scope over `bindings` (the canonicalizer's recycled buffer).
    pub(super) fn from_vec(bindings: Vec<(&'a str, &'a str)>) -> Self {
        InScope { bindings }
    }

    /// Push all of `other`'s bindings, innermost last.
    pub(super) fn extend_from(&mut self, other: &InScope<'a>) {
        self.bindings.extend_from_slice(&other.bindings);
    }

    /// The buffer, for recycling.
    pub(super) fn into_vec(self) -> Vec<(&'a str, &'a str)> {
        self.bindings
    }

    /// Add the bindings `el` puts in scope for its content: its declarations, plus any its
    /// own prefix or its attributes' prefixes need and that are not in scope yet. The
    /// second part matters only for trees built in code, which may leave declarations to
    /// the writer; for a parsed tree it adds nothing.
    pub fn enter<E: ElementRef<'a>>(&mut self, el: E) {
        for (p, u) in el.ns_decls() {
            let p = p.unwrap_or("");
            if p != "xml" && p != "xmlns" {
                self.bind(p, u);
            }
        }
        let p = el.prefix().unwrap_or("");
        if p != "xml" {
            self.ensure(p, el.ns().unwrap_or(""));
        }
        for a in el.attrs() {
            match (a.prefix, a.ns) {
                (Some(ap), Some(ans)) if ap != "xml" => self.ensure(ap, ans),
                (None, Some(ans)) if self.bound_prefix_for(ans).is_none() => {
                    self.bind(INVENTED_PREFIX, ans)
                }
                _ => {}
            }
        }
    }

    /// Bind `prefix` to `uri` unless it is bound to it already. "Already" includes the
    /// declaration holding the decoded form of `uri`: the parser resolves element and
    /// attribute namespaces from the *raw* declaration value (`&amp;` and character
    /// references left in), while `ns_decls` holds the decoded value, which is the real
    /// namespace name. The declarations win, so such a document canonicalizes correctly.
    fn ensure(&mut self, prefix: &'a str, uri: &'a str) {
        match self.lookup(prefix) {
            Some(bound) if same(bound, uri) || bound == decoded(uri) => {}
            None if uri.is_empty() => {}
            _ => self.bind(prefix, uri),
        }
    }

    /// The scope inside the innermost of `ancestors` (outermost first).
    pub fn of_ancestors<E: ElementRef<'a>>(ancestors: &[E]) -> Self {
        let mut s = InScope::new();
        for &a in ancestors {
            s.enter(a);
        }
        s
    }

    /// The scope `target` inherits when it is found (by identity) in the tree under `root`:
    /// what a signer or verifier needs for an element it holds a reference to.
    pub fn locate(root: &'a Element, target: &Element) -> Option<Self> {
        let mut found = None;
        walk(root, &mut |el, ancestors| {
            if std::ptr::eq(el, target) {
                found = Some(InScope::of_ancestors(ancestors));
                return false;
            }
            true
        });
        found
    }

    /// The namespace URI an attribute is in, as its declaration gives it ("" for none).
    pub(super) fn attr_ns(&self, a: &AttrRef<'a>) -> &'a str {
        match (self.attr_prefix(a), a.ns) {
            (Some(p), Some(u)) => self.lookup(p).unwrap_or(u),
            _ => "",
        }
    }

    /// The prefix `a` is written with: its own, or for an unprefixed attribute in a
    /// namespace (only possible in a built tree) a prefix bound to that URI.
    pub(super) fn attr_prefix(&self, a: &AttrRef<'a>) -> Option<&'a str> {
        match (a.prefix, a.ns) {
            (Some(p), _) => Some(p),
            (None, Some(u)) => Some(self.bound_prefix_for(u).unwrap_or(INVENTED_PREFIX)),
            (None, None) => None,
        }
    }

    /// A non-default prefix whose innermost binding is `uri`.
    fn bound_prefix_for(&self, uri: &str) -> Option<&'a str> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, u)| !p.is_empty() && *u == uri && self.lookup(p) == Some(uri))
            .map(|(p, _)| *p)
    }

    pub(super) fn mark(&self) -> usize {
        self.bindings.len()
    }

    pub(super) fn reset(&mut self, mark: usize) {
        self.bindings.truncate(mark);
    }
}

/// String equality that skips the byte comparison when both sides are the same slice,
/// the usual case when bindings are compared with bindings copied from them.
#[inline]
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a.as_bytes() == b.as_bytes())
}

/// A namespace URI as a declaration's value decodes: attribute-value normalization (tab,
/// CR, LF to space) then references expanded. Undecodable input is returned as is.
fn decoded(raw: &str) -> Cow<'_, str> {
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Cow::Borrowed(raw);
    }
    // The parser's own order (XML 1.0 2.11 then 3.3.3): CRLF is one line end, one space.
    let spaced = raw.replace("\r\n", " ").replace(['\t', '\n', '\r'], " ");
    match quick_xml::escape::unescape(&spaced) {
        Ok(u) => Cow::Owned(u.into_owned()),
        Err(_) => Cow::Owned(spaced),
    }
}

/// Visit every element under `root` (itself first) in document order with its ancestors
/// (outermost first), until `visit` returns false. Iterative, so no tree depth can
/// overflow the stack.
pub(super) fn walk<'a>(
    root: &'a Element,
    visit: &mut dyn FnMut(&'a Element, &[&'a Element]) -> bool,
) {
    let mut path: Vec<&'a Element> = Vec::new();
    let mut next: Vec<usize> = Vec::new();
    if !visit(root, &path) {
        return;
    }
    path.push(root);
    next.push(0);
    while let (Some(top), Some(i)) = (path.last().copied(), next.last_mut()) {
        let child = top.children[*i..]
            .iter()
            .enumerate()
            .find_map(|(k, n)| match n {
                Node::Element(e) => Some((k, e)),
                _ => None,
            });
        match child {
            Some((k, e)) => {
                *i += k + 1;
                if !visit(e, &path) {
                    return;
                }
                path.push(e);
                next.push(0);
            }
            None => {
                path.pop();
                next.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{parse, Attribute};

    #[test]
    fn walk_visits_in_document_order_with_ancestors() {
        let d = parse(b"<a><b><c/>t<d/></b><e/></a>").unwrap();
        let mut seen = Vec::new();
        walk(&d.root, &mut |el, anc| {
            let p: Vec<&str> = anc.iter().map(|e| e.local.as_str()).collect();
            seen.push(format!("{}:{}", p.join("/"), el.local));
            true
        });
        assert_eq!(seen, [":a", "a:b", "a/b:c", "a/b:d", "a:e"]);
    }

    #[test]
    fn locate_gathers_ancestor_bindings() {
        let d =
            parse(br#"<a xmlns:p="urn:p" xmlns="urn:d"><b xmlns:p="urn:q"><c/></b></a>"#).unwrap();
        let b = d.root.elements().next().unwrap();
        let c = b.elements().next().unwrap();
        let s = InScope::locate(&d.root, c).unwrap();
        assert_eq!(s.lookup("p"), Some("urn:q"));
        assert_eq!(s.lookup(""), Some("urn:d"));
        assert_eq!(s.lookup("xml"), Some(ns::XML));
        assert_eq!(s.lookup("zz"), None);
        let other = Element::unqualified("c");
        assert!(InScope::locate(&d.root, &other).is_none());
    }

    #[test]
    fn built_elements_imply_their_bindings() {
        let mut e = Element::child_of_static("urn:a", "a", "x");
        e.attrs.push(Attribute {
            prefix: None,
            local: "k".into(),
            ns: Some("urn:k".into()),
            value: "v".into(),
        });
        let mut s = InScope::new();
        s.enter(&e);
        assert_eq!(s.lookup("a"), Some("urn:a"));
        assert_eq!(s.lookup("ns0"), Some("urn:k"));
        assert_eq!(s.attr_prefix(&(&e).attrs().next().unwrap()), Some("ns0"));
    }

    #[test]
    fn declarations_win_over_raw_resolved_namespaces() {
        let d = parse(br#"<c:e xmlns:c="urn:a?x=1&amp;y=&#x41;" c:k="1"/>"#).unwrap();
        let mut s = InScope::new();
        s.enter(&d.root);
        assert_eq!(s.lookup("c"), Some("urn:a?x=1&y=A"));
        assert_eq!(s.mark(), 1, "no second binding for c");
        assert_eq!(
            s.attr_ns(&(&d.root).attrs().next().unwrap()),
            "urn:a?x=1&y=A"
        );
    }
}
