//! The XML tree: owned elements with resolved namespaces.
//!
//! An element keeps its resolved namespace URI *and* the prefix it was written with, the
//! namespace declarations written on it, its attributes (resolved + prefix) and its
//! children in order. That is what exclusive c14n, `wsu:Id` references and preserving
//! unknown extensions need. The tree is owned (children inside their parent) so that a
//! typed token can hold an unknown child as a plain value and a message builder can move
//! subtrees between documents without re-indexing. A received document is read from the
//! arena ([`super::arena::Doc`]) instead; this tree is made from it when asked for.

use super::view::{same_uri, ElementRef, LazyQName};
use super::xstr::XStr;

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data (CDATA sections are folded into text, as the XPath data model does).
    Text(XStr),
    /// A comment.
    Comment(String),
    /// A processing instruction.
    Pi {
        /// The target name.
        target: String,
        /// Everything after the target and its separating white space.
        data: String,
    },
}

/// A namespace declaration written on an element: `xmlns:p="uri"` or `xmlns="uri"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsDecl {
    /// The declared prefix; `None` for the default namespace.
    pub prefix: Option<XStr>,
    /// The URI; empty only for `xmlns=""` (undeclaring the default namespace).
    pub uri: XStr,
}

/// An attribute (not a namespace declaration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Prefix as written; `None` for an unprefixed attribute (which is in no namespace).
    pub prefix: Option<XStr>,
    /// Local name.
    pub local: XStr,
    /// Resolved namespace URI; `None` for unprefixed attributes.
    pub ns: Option<XStr>,
    /// Normalized, unescaped value.
    pub value: XStr,
}

impl Attribute {
    /// True when this attribute has namespace `ns` (None = no namespace) and local name `local`.
    pub fn is(&self, ns: Option<&str>, local: &str) -> bool {
        self.local == local
            && match (self.ns.as_deref(), ns) {
                (Some(a), Some(b)) => same_uri(a, b),
                (a, b) => a == b,
            }
    }
}

/// An element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Prefix as written; `None` when the element uses the default namespace (or none).
    pub prefix: Option<XStr>,
    /// Local name.
    pub local: XStr,
    /// Resolved namespace URI; `None` for an element in no namespace.
    pub ns: Option<XStr>,
    /// Namespace declarations written on this element, in document order.
    pub ns_decls: Vec<NsDecl>,
    /// Attributes, in document order.
    pub attrs: Vec<Attribute>,
    /// Children, in document order.
    pub children: Vec<Node>,
}

/// A whole document: the root element and any comments / PIs around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Comments and processing instructions before the root element.
    pub before: Vec<Node>,
    /// The document element.
    pub root: Element,
    /// Comments and processing instructions after the root element.
    pub after: Vec<Node>,
}

impl Document {
    /// A document holding only `root`.
    pub fn new(root: Element) -> Self {
        Document {
            before: Vec::new(),
            root,
            after: Vec::new(),
        }
    }
}

impl Element {
    /// A new element `prefix:local` in namespace `ns`, declaring the prefix on itself.
    /// An empty prefix means the default namespace.
    pub fn new(ns: &str, prefix: &str, local: &str) -> Self {
        Self::named(
            XStr::new(ns),
            prefix_of(prefix, XStr::new),
            XStr::new(local),
            true,
        )
    }

    /// A new element `prefix:local` in `ns` that does not declare its prefix itself (the
    /// writer declares it where needed). Use for children of an element that declares it.
    pub fn child_of(ns: &str, prefix: &str, local: &str) -> Self {
        Self::named(
            XStr::new(ns),
            prefix_of(prefix, XStr::new),
            XStr::new(local),
            false,
        )
    }

    /// [`Element::new`] for names known at compile time: no copying or interning (the
    /// crate's own builders; measured at about 5% of signing a small message).
    pub fn new_static(ns: &'static str, prefix: &'static str, local: &'static str) -> Self {
        Self::named(
            XStr::from_static(ns),
            prefix_of(prefix, XStr::from_static),
            XStr::from_static(local),
            true,
        )
    }

    /// [`Element::child_of`] for names known at compile time: no copying or interning.
    pub fn child_of_static(ns: &'static str, prefix: &'static str, local: &'static str) -> Self {
        Self::named(
            XStr::from_static(ns),
            prefix_of(prefix, XStr::from_static),
            XStr::from_static(local),
            false,
        )
    }

    fn named(ns: XStr, prefix: Option<XStr>, local: XStr, declare: bool) -> Self {
        let ns_decls = if declare {
            vec![NsDecl {
                prefix: prefix.clone(),
                uri: ns.clone(),
            }]
        } else {
            Vec::new()
        };
        Element {
            prefix,
            local,
            ns: Some(ns),
            ns_decls,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// A new element in no namespace.
    pub fn unqualified(local: &str) -> Self {
        Element {
            local: XStr::new(local),
            ..Default::default()
        }
    }

    /// True when this element is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        ElementRef::is(self, ns, local)
    }

    /// The qualified name as written (`prefix:local`).
    pub fn qname(&self) -> String {
        ElementRef::qname(self)
    }

    /// The qualified name, formatted only if it is used: typed readers keep it for error
    /// paths, which a valid message never needs.
    pub fn lazy_qname(&self) -> LazyQName<&Element> {
        LazyQName::new(self)
    }

    /// The element's text without a copy when it is a single text node (the usual case
    /// for a value element), else the concatenation of its text children.
    pub fn text_ref(&self) -> std::borrow::Cow<'_, str> {
        ElementRef::text(self)
    }

    /// The value of the attribute `{ns}local` (`ns` None = unprefixed).
    pub fn attr(&self, ns: Option<&str>, local: &str) -> Option<&str> {
        ElementRef::attr(self, ns, local)
    }

    /// [`Element::set_attr`] with a name known at compile time (no copy of the name).
    pub fn set_attr_static(&mut self, local: &'static str, value: impl Into<XStr>) {
        self.put_attr(None, None, local, XStr::from_static, value.into());
    }

    /// [`Element::set_attr_ns`] with names known at compile time (no copies).
    pub fn set_attr_ns_static(
        &mut self,
        ns: &'static str,
        prefix: &'static str,
        local: &'static str,
        value: impl Into<XStr>,
    ) {
        self.put_attr(
            Some(ns),
            Some(prefix),
            local,
            XStr::from_static,
            value.into(),
        );
    }

    /// Set (replace or add) an unprefixed attribute.
    pub fn set_attr(&mut self, local: &str, value: impl Into<XStr>) {
        self.put_attr(None, None, local, XStr::new, value.into());
    }

    /// Set (replace or add) a namespaced attribute written with `prefix`.
    pub fn set_attr_ns(&mut self, ns: &str, prefix: &str, local: &str, value: impl Into<XStr>) {
        self.put_attr(Some(ns), Some(prefix), local, XStr::new, value.into());
    }

    /// Replace the value of `{ns}local` or add it, making names with `mk`.
    fn put_attr<'s>(
        &mut self,
        ns: Option<&'s str>,
        prefix: Option<&'s str>,
        local: &'s str,
        mk: fn(&'s str) -> XStr,
        value: XStr,
    ) {
        if let Some(a) = self.attrs.iter_mut().find(|a| a.is(ns, local)) {
            a.value = value;
        } else {
            self.attrs.push(Attribute {
                prefix: prefix.map(mk),
                local: mk(local),
                ns: ns.map(mk),
                value,
            });
        }
    }

    /// Remove the attribute `{ns}local`, returning its value.
    pub fn remove_attr(&mut self, ns: Option<&str>, local: &str) -> Option<String> {
        let i = self.attrs.iter().position(|a| a.is(ns, local))?;
        Some(self.attrs.remove(i).value.into_string())
    }

    /// Declare `prefix` (empty = default namespace) for `uri` on this element.
    pub fn declare(&mut self, prefix: &str, uri: &str) {
        let p = prefix_of(prefix, XStr::new);
        if !self.ns_decls.iter().any(|d| d.prefix == p) {
            self.ns_decls.push(NsDecl {
                prefix: p,
                uri: XStr::new(uri),
            });
        }
    }

    /// The element's own ID: `wsu:Id`, else unqualified `Id`, else `ID` (SAML), else `xml:id`.
    pub fn id(&self) -> Option<&str> {
        ElementRef::id(self)
    }

    /// Append a child element, returning `self` for chaining.
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Append text, returning `self` for chaining.
    pub fn with_text(mut self, text: impl Into<XStr>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// Append a child element.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// Append text.
    pub fn push_text(&mut self, text: impl Into<XStr>) {
        self.children.push(Node::Text(text.into()));
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements, mutable.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element `{ns}local`.
    pub fn find(&self, ns: &str, local: &str) -> Option<&Element> {
        ElementRef::find(self, ns, local)
    }

    /// The first child element `{ns}local`, mutable.
    pub fn find_mut(&mut self, ns: &str, local: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.is(ns, local))
    }

    /// The concatenated text of the direct text children.
    pub fn text(&self) -> String {
        ElementRef::text(self).into_owned()
    }

    /// True when the element has at least one child element.
    pub fn has_element_children(&self) -> bool {
        ElementRef::has_element_children(self)
    }

    /// Depth-first search (pre-order, this element first) for an element matching `pred`.
    pub fn descendant(&self, pred: &dyn Fn(&Element) -> bool) -> Option<&Element> {
        if pred(self) {
            return Some(self);
        }
        self.elements().find_map(|c| c.descendant(pred))
    }

    /// Visit every element of the subtree in document order.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Element)) {
        f(self);
        for c in self.elements() {
            c.walk(f);
        }
    }
}

/// `Some(mk(prefix))`, or None for the empty prefix (the default namespace).
fn prefix_of<'s>(prefix: &'s str, mk: fn(&'s str) -> XStr) -> Option<XStr> {
    (!prefix.is_empty()).then(|| mk(prefix))
}

/// True for XML white space only (the spaces between elements that typed parsers skip).
pub fn is_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}
