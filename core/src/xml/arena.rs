//! [`Doc`]: a parsed document as one vector of nodes, with names and values borrowed from
//! the input wherever the input holds them verbatim.
//!
//! This is the receiver's representation. Parsing into it allocates a handful of vectors
//! per document instead of a few per element, and reading it ([`ArenaEl`] implements
//! [`ElementRef`]) hands out slices of the input. [`Doc::to_document`] makes the owned
//! tree when a caller wants one; [`super::parse()`] is exactly that.
//!
//! Nodes are linked (parent, first child, next sibling), so a receiver can splice in the
//! plaintext of an encrypted element without moving anything else ([`Doc::replace`]).

use super::spare::{self, relabel};
use super::tree::{Document, Element, Node};
use super::view::{to_owned_tree, AttrRef, ElementRef, NodeRef};
use super::xstr::XStr;
use crate::ns;
use std::borrow::Cow;
use std::cell::RefCell;

/// "No node" in a link.
pub(crate) const NONE: u32 = u32::MAX;
/// The namespace of an element or attribute: an index into `decls`, or one of these.
pub(crate) const NO_NS: u32 = u32::MAX;
pub(crate) const XML_NS: u32 = u32::MAX - 1;

/// One node with its links.
#[derive(Debug, Clone)]
pub(crate) struct Slot<'a> {
    pub(crate) kind: Kind<'a>,
    pub(crate) parent: u32,
    pub(crate) next: u32,
    pub(crate) first: u32,
    pub(crate) last: u32,
    /// Number of children (for sizing the owned copy's child lists).
    pub(crate) count: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind<'a> {
    /// The document node: the root element and the comments / PIs around it.
    Document,
    Element(ElSlot<'a>),
    Text(Cow<'a, str>),
    Comment(Cow<'a, str>),
    Pi(Cow<'a, str>, Cow<'a, str>),
}

#[derive(Debug, Clone)]
pub(crate) struct ElSlot<'a> {
    pub(crate) prefix: Option<Cow<'a, str>>,
    pub(crate) local: Cow<'a, str>,
    /// The declaration that binds the element's namespace (or NO_NS / XML_NS).
    pub(crate) ns: u32,
    pub(crate) attrs: (u32, u32),
    pub(crate) decls: (u32, u32),
}

#[derive(Debug, Clone)]
pub(crate) struct AttrSlot<'a> {
    pub(crate) prefix: Option<Cow<'a, str>>,
    pub(crate) local: Cow<'a, str>,
    pub(crate) ns: u32,
    pub(crate) value: Cow<'a, str>,
}

#[derive(Debug, Clone)]
pub(crate) struct DeclSlot<'a> {
    pub(crate) prefix: Option<Cow<'a, str>>,
    pub(crate) uri: Cow<'a, str>,
}

/// What [`Doc::el`] answers for a node that is not an element (it is never asked).
static NO_ELEMENT: ElSlot<'static> = ElSlot {
    prefix: None,
    local: Cow::Borrowed(""),
    ns: NO_NS,
    attrs: (0, 0),
    decls: (0, 0),
};

/// A parsed document (see the module documentation). `'a` is the input's lifetime.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub(crate) nodes: Vec<Slot<'a>>,
    pub(crate) attrs: Vec<AttrSlot<'a>>,
    pub(crate) decls: Vec<DeclSlot<'a>>,
    pub(crate) root: u32,
}

/// An element of a [`Doc`].
#[derive(Clone, Copy)]
pub struct ArenaEl<'d, 'a> {
    doc: &'d Doc<'a>,
    id: u32,
}

impl std::fmt::Debug for ArenaEl<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ArenaEl({} #{})", self.qname(), self.id)
    }
}

impl PartialEq for ArenaEl<'_, '_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.id == other.id
    }
}

/// A dropped document's vectors, kept for the next parse on the thread (see
/// [`super::spare`]).
#[derive(Default)]
struct DocSpare {
    nodes: Vec<Slot<'static>>,
    attrs: Vec<AttrSlot<'static>>,
    decls: Vec<DeclSlot<'static>>,
}

thread_local! {
    static DOC_SPARE: RefCell<DocSpare> = RefCell::new(DocSpare::default());
}

impl Drop for Doc<'_> {
    fn drop(&mut self) {
        if self.nodes.capacity() == 0 {
            return;
        }
        let kept = DocSpare {
            nodes: relabel(std::mem::take(&mut self.nodes)),
            attrs: relabel(std::mem::take(&mut self.attrs)),
            decls: relabel(std::mem::take(&mut self.decls)),
        };
        let caps = [
            kept.nodes.capacity(),
            kept.attrs.capacity(),
            kept.decls.capacity(),
        ];
        spare::keep(&DOC_SPARE, kept, &caps);
    }
}

impl<'a> Doc<'a> {
    /// An empty document (the parser fills it), on this thread's spare vectors.
    pub(crate) fn with_capacity(nodes: usize) -> Self {
        let s = spare::take(&DOC_SPARE);
        let mut d = Doc {
            nodes: relabel(s.nodes),
            attrs: relabel(s.attrs),
            decls: relabel(s.decls),
            root: NONE,
        };
        d.nodes.reserve(nodes);
        d.attrs.reserve(nodes / 2);
        d.decls.reserve(16);
        d.nodes.push(Slot {
            kind: Kind::Document,
            parent: NONE,
            next: NONE,
            first: NONE,
            last: NONE,
            count: 0,
        });
        d
    }

    /// The document element.
    pub fn root(&self) -> ArenaEl<'_, 'a> {
        ArenaEl {
            doc: self,
            id: self.root,
        }
    }

    /// The element with node number `id`, if `id` is an element.
    pub fn element(&self, id: u32) -> Option<ArenaEl<'_, 'a>> {
        match self.nodes.get(id as usize)?.kind {
            Kind::Element(_) => Some(ArenaEl { doc: self, id }),
            _ => None,
        }
    }

    /// Append `kind` as the last child of `parent`; its node number. Inlined so the node
    /// is written once where it lives (an out-of-line call copied it through the stack,
    /// reading back freshly written bytes: a store-forwarding stall at a tenth of parse).
    #[inline(always)]
    pub(crate) fn append(&mut self, parent: u32, kind: Kind<'a>) -> u32 {
        let id = self.detached(parent, kind);
        let p = &mut self.nodes[parent as usize];
        let prev = p.last;
        p.last = id;
        p.count += 1;
        if prev == NONE {
            p.first = id;
        } else {
            self.nodes[prev as usize].next = id;
        }
        id
    }

    /// Push `kind` as a node of `parent` not yet linked among its siblings.
    #[inline(always)]
    fn detached(&mut self, parent: u32, kind: Kind<'a>) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Slot {
            kind,
            parent,
            next: NONE,
            first: NONE,
            last: NONE,
            count: 0,
        });
        id
    }

    /// The namespace URI a slot's `ns` names.
    #[inline]
    pub(crate) fn ns_uri(&self, ns: u32) -> Option<&str> {
        match ns {
            NO_NS => None,
            XML_NS => Some(ns::XML),
            i => Some(&self.decls[i as usize].uri),
        }
    }

    fn el(&self, id: u32) -> &ElSlot<'a> {
        match self.nodes.get(id as usize).map(|n| &n.kind) {
            Some(Kind::Element(e)) => e,
            // An `ArenaEl` is only made for element nodes, and the document cannot change
            // while one borrows it: this arm is never taken.
            _ => &NO_ELEMENT,
        }
    }

    /// The owned tree of the whole document.
    pub fn to_document(&self) -> Document {
        // Each declaration's URI becomes one XStr, shared by every name it qualifies (for
        // a long URI the crate does not know, a copy per element would be an allocation).
        let mut cache: Vec<(usize, XStr)> = Vec::with_capacity(self.decls.len());
        let mut intern = |u: &str| -> XStr {
            let key = u.as_ptr() as usize;
            match cache.iter().find(|(k, s)| *k == key && s.len() == u.len()) {
                Some((_, s)) => s.clone(),
                None => {
                    let s = XStr::new(u);
                    cache.push((key, s.clone()));
                    s
                }
            }
        };
        let root = to_owned_tree(self.root(), &mut intern);
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut seen_root = false;
        let mut c = self.nodes[0].first;
        while c != NONE {
            let slot = &self.nodes[c as usize];
            let n = match &slot.kind {
                Kind::Comment(t) => Some(Node::Comment(t.to_string())),
                Kind::Pi(t, d) => Some(Node::Pi {
                    target: t.to_string(),
                    data: d.to_string(),
                }),
                Kind::Element(_) => {
                    seen_root = true;
                    None
                }
                _ => None,
            };
            if let Some(n) = n {
                if seen_root {
                    after.push(n);
                } else {
                    before.push(n);
                }
            }
            c = slot.next;
        }
        Document {
            before,
            root,
            after,
        }
    }

    /// The parent element of node `id` (None for the root and the document node).
    pub fn parent(&self, id: u32) -> Option<ArenaEl<'_, 'a>> {
        let p = self.nodes.get(id as usize)?.parent;
        self.element(p)
    }

    /// The node after node `id` among its siblings.
    pub fn next_sibling(&self, id: u32) -> Option<u32> {
        let n = self.nodes.get(id as usize)?.next;
        (n != NONE).then_some(n)
    }

    /// The value of attribute number `a` ([`ArenaEl::attr_number`]).
    pub fn attr_value(&self, a: u32) -> &str {
        self.attrs.get(a as usize).map_or("", |x| &x.value)
    }

    /// Number of nodes (of every kind, the document node included): node numbers run
    /// below it.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Never true: a parsed document has at least its document node and root.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Replace node `id` (not the root) by the top-level nodes of `fragment`'s root
    /// element content, copied into this document (their strings become owned). The
    /// replaced node stays in the vector, unlinked. Returns the node numbers inserted, or
    /// None (and changes nothing) when `id` is not a node inside the root element.
    pub fn replace(&mut self, id: u32, fragment: &Doc<'_>) -> Option<Vec<u32>> {
        let parent = self.nodes.get(id as usize)?.parent;
        if parent == NONE || parent == 0 || fragment.root == NONE {
            return None;
        }
        // Copy the fragment's declarations and attributes with a shift of their indices.
        let decl_base = self.decls.len() as u32;
        self.decls.extend(fragment.decls.iter().map(|d| DeclSlot {
            prefix: d.prefix.as_deref().map(owned),
            uri: owned(&d.uri),
        }));
        let attr_base = self.attrs.len() as u32;
        let shift = |ns: u32| if ns >= XML_NS { ns } else { ns + decl_base };
        self.attrs.extend(fragment.attrs.iter().map(|a| AttrSlot {
            prefix: a.prefix.as_deref().map(owned),
            local: owned(&a.local),
            ns: shift(a.ns),
            value: owned(&a.value),
        }));
        // Build the new nodes detached, then link them where `id` was.
        let mut inserted = Vec::new();
        let mut stack: Vec<(u32, u32)> = Vec::new(); // (fragment node, new parent)
        let mut c = fragment.nodes[fragment.root as usize].first;
        let bases = (decl_base, attr_base);
        while c != NONE {
            let n = self.copy_node(fragment, c, parent, bases, false, &mut stack);
            inserted.push(n);
            c = fragment.nodes[c as usize].next;
        }
        while let Some((fc, new_parent)) = stack.pop() {
            // Children of a copied element, appended in order.
            let mut k = fragment.nodes[fc as usize].first;
            while k != NONE {
                self.copy_node(fragment, k, new_parent, bases, true, &mut stack);
                k = fragment.nodes[k as usize].next;
            }
        }
        // Splice: prev -> inserted... -> next.
        let next = self.nodes[id as usize].next;
        let mut prev = NONE;
        let mut k = self.nodes[parent as usize].first;
        while k != id && k != NONE {
            prev = k;
            k = self.nodes[k as usize].next;
        }
        let link = |from: u32, to: u32, nodes: &mut Vec<Slot<'a>>| {
            if from == NONE {
                nodes[parent as usize].first = to;
            } else {
                nodes[from as usize].next = to;
            }
        };
        let mut at = prev;
        for &n in &inserted {
            link(at, n, &mut self.nodes);
            at = n;
        }
        link(at, next, &mut self.nodes);
        if next == NONE {
            self.nodes[parent as usize].last = at;
        }
        let p = &mut self.nodes[parent as usize];
        p.count = p.count + inserted.len() as u32 - 1;
        let old = &mut self.nodes[id as usize];
        old.parent = NONE;
        old.next = NONE;
        Some(inserted)
    }

    /// Copy fragment node `fc` under `parent`: appended as its last child when `append`,
    /// else detached (the caller links it); an element's children are queued on `stack`.
    /// `bases`: where the fragment's declarations and attributes start in this document.
    fn copy_node(
        &mut self,
        fragment: &Doc<'_>,
        fc: u32,
        parent: u32,
        (decl_base, attr_base): (u32, u32),
        append: bool,
        stack: &mut Vec<(u32, u32)>,
    ) -> u32 {
        let shift = |ns: u32| if ns >= XML_NS { ns } else { ns + decl_base };
        let kind = match &fragment.nodes[fc as usize].kind {
            Kind::Element(e) => Kind::Element(ElSlot {
                prefix: e.prefix.as_deref().map(owned),
                local: owned(&e.local),
                ns: shift(e.ns),
                attrs: (e.attrs.0 + attr_base, e.attrs.1 + attr_base),
                decls: (e.decls.0 + decl_base, e.decls.1 + decl_base),
            }),
            Kind::Text(t) => Kind::Text(owned(t)),
            Kind::Comment(t) => Kind::Comment(owned(t)),
            Kind::Pi(t, d) => Kind::Pi(owned(t), owned(d)),
            Kind::Document => Kind::Document,
        };
        let is_el = matches!(kind, Kind::Element(_));
        let n = if append {
            self.append(parent, kind)
        } else {
            self.detached(parent, kind)
        };
        if is_el {
            stack.push((fc, n));
        }
        n
    }
}

fn owned(s: &str) -> Cow<'static, str> {
    Cow::Owned(s.to_string())
}

impl<'d, 'a> ArenaEl<'d, 'a> {
    /// This element's node number in its document.
    pub fn node_id(self) -> u32 {
        self.id
    }

    /// The document this element belongs to.
    pub fn doc(self) -> &'d Doc<'a> {
        self.doc
    }

    /// The parent element (None for the root).
    pub fn parent(self) -> Option<ArenaEl<'d, 'a>> {
        self.doc.parent(self.id)
    }

    /// This element and every element below it, in document order.
    pub fn descendants(self) -> Descendants<'d, 'a> {
        Descendants {
            doc: self.doc,
            top: self.id,
            next: self.id,
        }
    }

    /// The document-wide number of this element's `k`-th attribute (see [`Doc::attr_value`]).
    pub fn attr_number(self, k: usize) -> u32 {
        self.doc.el(self.id).attrs.0 + k as u32
    }
}

/// [`ArenaEl::descendants`]: a pre-order walk along the links, without a stack.
pub struct Descendants<'d, 'a> {
    doc: &'d Doc<'a>,
    top: u32,
    next: u32,
}

impl<'d, 'a> Iterator for Descendants<'d, 'a> {
    type Item = ArenaEl<'d, 'a>;
    fn next(&mut self) -> Option<Self::Item> {
        let nodes = &self.doc.nodes;
        loop {
            let id = self.next;
            if id == NONE {
                return None;
            }
            // Advance: first child, else the next sibling of the nearest node (up to the
            // top) that has one.
            let slot = &nodes[id as usize];
            self.next = if slot.first != NONE {
                slot.first
            } else {
                let mut at = id;
                loop {
                    if at == self.top {
                        break NONE;
                    }
                    let s = &nodes[at as usize];
                    if s.next != NONE {
                        break s.next;
                    }
                    at = s.parent;
                    if at == NONE {
                        break NONE;
                    }
                }
            };
            if matches!(slot.kind, Kind::Element(_)) {
                return Some(ArenaEl { doc: self.doc, id });
            }
        }
    }
}

/// [`ElementRef::attrs`] of an [`ArenaEl`].
#[derive(Clone)]
pub struct ArenaAttrs<'d, 'a> {
    doc: &'d Doc<'a>,
    at: u32,
    end: u32,
}

impl<'d> Iterator for ArenaAttrs<'d, '_> {
    type Item = AttrRef<'d>;
    #[inline]
    fn next(&mut self) -> Option<AttrRef<'d>> {
        if self.at >= self.end {
            return None;
        }
        let a = &self.doc.attrs[self.at as usize];
        self.at += 1;
        Some(AttrRef {
            prefix: a.prefix.as_deref(),
            local: &a.local,
            ns: self.doc.ns_uri(a.ns),
            value: &a.value,
            plain: false,
        })
    }
}

/// [`ElementRef::ns_decls`] of an [`ArenaEl`].
pub struct ArenaDecls<'d, 'a> {
    doc: &'d Doc<'a>,
    at: u32,
    end: u32,
}

impl<'d> Iterator for ArenaDecls<'d, '_> {
    type Item = (Option<&'d str>, &'d str);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        let d = &self.doc.decls[self.at as usize];
        self.at += 1;
        Some((d.prefix.as_deref(), &d.uri))
    }
}

/// [`ElementRef::children`] of an [`ArenaEl`].
pub struct ArenaChildren<'d, 'a> {
    doc: &'d Doc<'a>,
    at: u32,
    left: u32,
}

impl<'d, 'a> Iterator for ArenaChildren<'d, 'a> {
    type Item = NodeRef<'d, ArenaEl<'d, 'a>>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.at == NONE {
            return None;
        }
        let id = self.at;
        let slot = &self.doc.nodes[id as usize];
        self.at = slot.next;
        self.left = self.left.saturating_sub(1);
        Some(match &slot.kind {
            Kind::Element(_) => NodeRef::Element(ArenaEl { doc: self.doc, id }),
            Kind::Text(t) => NodeRef::Text(t),
            Kind::Comment(c) => NodeRef::Comment(c),
            Kind::Pi(t, d) => NodeRef::Pi(t, d),
            Kind::Document => NodeRef::Comment(""),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl<'d, 'a> ElementRef<'d> for ArenaEl<'d, 'a> {
    type Attrs = ArenaAttrs<'d, 'a>;
    type Decls = ArenaDecls<'d, 'a>;
    type Children = ArenaChildren<'d, 'a>;

    #[inline]
    fn prefix(self) -> Option<&'d str> {
        self.doc.el(self.id).prefix.as_deref()
    }
    #[inline]
    fn local(self) -> &'d str {
        &self.doc.el(self.id).local
    }
    #[inline]
    fn ns(self) -> Option<&'d str> {
        self.doc.ns_uri(self.doc.el(self.id).ns)
    }
    #[inline]
    fn attrs(self) -> ArenaAttrs<'d, 'a> {
        let (at, end) = self.doc.el(self.id).attrs;
        ArenaAttrs {
            doc: self.doc,
            at,
            end,
        }
    }
    #[inline]
    fn ns_decls(self) -> ArenaDecls<'d, 'a> {
        let (at, end) = self.doc.el(self.id).decls;
        ArenaDecls {
            doc: self.doc,
            at,
            end,
        }
    }
    #[inline]
    fn children(self) -> ArenaChildren<'d, 'a> {
        let s = &self.doc.nodes[self.id as usize];
        ArenaChildren {
            doc: self.doc,
            at: s.first,
            left: s.count,
        }
    }
    fn to_element(self) -> Element {
        to_owned_tree(self, &mut XStr::new)
    }
}

#[cfg(test)]
mod tests {
    use crate::xml::{element_to_string, parse_doc, ElementRef};

    #[test]
    fn replace_splices_and_refuses_what_it_cannot_replace() {
        let mut doc = parse_doc(b"<r><a/><x/><c/></r>").unwrap();
        let frag = parse_doc(b"<w>t<b k='v'><i/></b></w>").unwrap();
        let x = doc.root().elements().nth(1).unwrap().node_id();
        let root = doc.root().node_id();
        assert!(doc.replace(root, &frag).is_none(), "the root");
        assert!(doc.replace(0, &frag).is_none(), "the document node");
        assert!(doc.replace(u32::MAX - 7, &frag).is_none(), "no such node");
        let new = doc.replace(x, &frag).unwrap();
        assert_eq!(new.len(), 2);
        assert_eq!(
            element_to_string(&doc.to_document().root),
            r#"<r><a/>t<b k="v"><i/></b><c/></r>"#
        );
        let names: Vec<_> = doc.root().descendants().map(|e| e.local()).collect();
        assert_eq!(names, ["r", "a", "b", "i", "c"]);
    }
}
