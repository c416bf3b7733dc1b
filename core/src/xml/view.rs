//! [`ElementRef`]: read access to an element, whether it lives in the owned tree
//! ([`Element`]) or in a parsed document's arena ([`super::arena::Doc`]).
//!
//! Why two representations behind one trait: the owned tree is what builders, typed
//! tokens and callers hold and edit; the arena is what a receiver reads (one node vector,
//! strings borrowed from the input, no allocation per element). Canonicalization and the
//! typed token readers are written once, against this trait, and run on both.

use super::tree::{Attribute, Element, Node, NsDecl};
use super::xstr::XStr;
use crate::ns;
use std::borrow::Cow;

/// An attribute as read through [`ElementRef::attrs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrRef<'d> {
    /// Prefix as written; `None` for an unprefixed attribute.
    pub prefix: Option<&'d str>,
    /// Local name.
    pub local: &'d str,
    /// Resolved namespace URI; `None` for an unprefixed attribute.
    pub ns: Option<&'d str>,
    /// Normalized, unescaped value.
    pub value: &'d str,
    /// True when `value` is a well-known URI that needs no escaping (see [`XStr`]).
    pub plain: bool,
}

impl AttrRef<'_> {
    /// True when this attribute is `{ns}local` (`ns` None = no namespace).
    #[inline]
    pub fn is(&self, ns: Option<&str>, local: &str) -> bool {
        super::scan::same_name(self.local.as_bytes(), local.as_bytes())
            && match (self.ns, ns) {
                (Some(a), Some(b)) => same_uri(a, b),
                (a, b) => a == b,
            }
    }
}

/// A child node as read through [`ElementRef::children`].
#[derive(Debug, Clone, Copy)]
pub enum NodeRef<'d, E> {
    /// An element.
    Element(E),
    /// Character data.
    Text(&'d str),
    /// A comment.
    Comment(&'d str),
    /// A processing instruction: target and data.
    Pi(&'d str, &'d str),
}

/// Read access to one element and, through it, its subtree. `'d` is how long the strings
/// it hands out live (the tree or the arena document).
pub trait ElementRef<'d>: Copy + Sized {
    /// The iterator over attributes.
    type Attrs: Iterator<Item = AttrRef<'d>> + Clone;
    /// The iterator over namespace declarations: (prefix, URI), prefix None = default.
    type Decls: Iterator<Item = (Option<&'d str>, &'d str)>;
    /// The iterator over children.
    type Children: Iterator<Item = NodeRef<'d, Self>>;

    /// Prefix as written.
    fn prefix(self) -> Option<&'d str>;
    /// Local name.
    fn local(self) -> &'d str;
    /// Resolved namespace URI.
    fn ns(self) -> Option<&'d str>;
    /// Attributes in document order (namespace declarations excluded).
    fn attrs(self) -> Self::Attrs;
    /// Namespace declarations written on the element, in document order.
    fn ns_decls(self) -> Self::Decls;
    /// Children in document order.
    fn children(self) -> Self::Children;
    /// An owned copy of the subtree.
    fn to_element(self) -> Element;

    /// True when this element is in namespace `ns`.
    #[inline]
    fn in_ns(self, ns: &str) -> bool {
        self.ns().is_some_and(|u| same_uri(u, ns))
    }

    /// True when this element is `{ns}local`.
    #[inline]
    fn is(self, ns: &str, local: &str) -> bool {
        super::scan::same_name(self.local().as_bytes(), local.as_bytes()) && self.in_ns(ns)
    }

    /// The value of the attribute `{ns}local` (`ns` None = unprefixed).
    #[inline]
    fn attr(self, ns: Option<&str>, local: &str) -> Option<&'d str> {
        self.attrs().find(|a| a.is(ns, local)).map(|a| a.value)
    }

    /// The element's own ID: `wsu:Id`, else unqualified `Id`, else `ID`, else `xml:id`.
    fn id(self) -> Option<&'d str> {
        self.attr(Some(ns::WSU), "Id")
            .or_else(|| self.attr(None, "Id"))
            .or_else(|| self.attr(None, "ID"))
            .or_else(|| self.attr(Some(ns::XML), "id"))
    }

    /// Child elements, in order.
    fn elements(self) -> impl Iterator<Item = Self> {
        self.children().filter_map(|n| match n {
            NodeRef::Element(e) => Some(e),
            _ => None,
        })
    }

    /// True when the element has at least one child element.
    fn has_element_children(self) -> bool {
        self.elements().next().is_some()
    }

    /// The first child element `{ns}local`.
    fn find(self, ns: &str, local: &str) -> Option<Self> {
        self.elements().find(|e| e.is(ns, local))
    }

    /// The text of the direct text children: borrowed when there is one text node (the
    /// usual case for a value element), concatenated otherwise.
    fn text(self) -> Cow<'d, str> {
        let mut texts = self.children().filter_map(|n| match n {
            NodeRef::Text(t) => Some(t),
            _ => None,
        });
        match (texts.next(), texts.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(t), None) => Cow::Borrowed(t),
            (Some(a), Some(b)) => {
                let mut s = String::with_capacity(a.len() + b.len());
                s.push_str(a);
                s.push_str(b);
                texts.for_each(|t| s.push_str(t));
                Cow::Owned(s)
            }
        }
    }

    /// The qualified name as written (`prefix:local`).
    fn qname(self) -> String {
        match self.prefix() {
            Some(p) => format!("{p}:{}", self.local()),
            None => self.local().to_string(),
        }
    }

    /// The qualified name, formatted only if it is used: typed readers keep it for error
    /// paths, which a valid message never needs.
    fn lazy_qname(self) -> LazyQName<Self> {
        LazyQName::new(self)
    }
}

/// An element's qualified name, formatted on first use (see [`ElementRef::lazy_qname`]).
pub struct LazyQName<E> {
    el: E,
    s: once_cell::unsync::OnceCell<String>,
}

impl<E> LazyQName<E> {
    pub(crate) fn new(el: E) -> Self {
        LazyQName {
            el,
            s: once_cell::unsync::OnceCell::new(),
        }
    }
}

impl<'d, E: ElementRef<'d>> std::ops::Deref for LazyQName<E> {
    type Target = str;
    fn deref(&self) -> &str {
        self.s.get_or_init(|| self.el.qname())
    }
}

impl<'d, E: ElementRef<'d>> std::fmt::Display for LazyQName<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

/// URI equality with a pointer test first: a parsed well-known namespace shares the
/// crate's constant (see [`XStr`]), so the usual match costs no byte comparison.
#[inline]
pub fn same_uri(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

// ---- the owned tree ---------------------------------------------------------------------

/// [`ElementRef::attrs`] of an [`Element`].
#[derive(Clone)]
pub struct TreeAttrs<'d>(std::slice::Iter<'d, Attribute>);

impl<'d> Iterator for TreeAttrs<'d> {
    type Item = AttrRef<'d>;
    #[inline]
    fn next(&mut self) -> Option<AttrRef<'d>> {
        self.0.next().map(|a| AttrRef {
            prefix: a.prefix.as_deref(),
            local: &a.local,
            ns: a.ns.as_deref(),
            value: &a.value,
            plain: a.value.is_well_known(),
        })
    }
}

/// [`ElementRef::ns_decls`] of an [`Element`].
pub struct TreeDecls<'d>(std::slice::Iter<'d, NsDecl>);

impl<'d> Iterator for TreeDecls<'d> {
    type Item = (Option<&'d str>, &'d str);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|d| (d.prefix.as_deref(), d.uri.as_str()))
    }
}

/// [`ElementRef::children`] of an [`Element`].
pub struct TreeChildren<'d>(std::slice::Iter<'d, Node>);

impl<'d> Iterator for TreeChildren<'d> {
    type Item = NodeRef<'d, &'d Element>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|n| match n {
            Node::Element(e) => NodeRef::Element(e),
            Node::Text(t) => NodeRef::Text(t.as_str()),
            Node::Comment(c) => NodeRef::Comment(c.as_str()),
            Node::Pi { target, data } => NodeRef::Pi(target.as_str(), data.as_str()),
        })
    }
}

impl<'d> ElementRef<'d> for &'d Element {
    type Attrs = TreeAttrs<'d>;
    type Decls = TreeDecls<'d>;
    type Children = TreeChildren<'d>;

    #[inline]
    fn prefix(self) -> Option<&'d str> {
        self.prefix.as_deref()
    }
    #[inline]
    fn local(self) -> &'d str {
        &self.local
    }
    #[inline]
    fn ns(self) -> Option<&'d str> {
        self.ns.as_deref()
    }
    #[inline]
    fn attrs(self) -> TreeAttrs<'d> {
        TreeAttrs(self.attrs.iter())
    }
    #[inline]
    fn ns_decls(self) -> TreeDecls<'d> {
        TreeDecls(self.ns_decls.iter())
    }
    #[inline]
    fn children(self) -> TreeChildren<'d> {
        TreeChildren(self.children.iter())
    }
    fn to_element(self) -> Element {
        self.clone()
    }
}

/// An owned copy of `e`'s subtree, built without recursion (a deep document cannot
/// overflow the stack), with each child list allocated once at its final size. Each new
/// element is built in its place in its parent's list, found again by its index path
/// (moving finished subtrees up a stack instead measured as a tenth of a small parse).
pub(crate) fn to_owned_tree<'d, E: ElementRef<'d>>(
    e: E,
    intern: &mut dyn FnMut(&str) -> XStr,
) -> Element {
    fn shell<'d, E: ElementRef<'d>>(e: E, intern: &mut dyn FnMut(&str) -> XStr) -> Element {
        Element {
            prefix: e.prefix().map(XStr::new),
            local: XStr::new(e.local()),
            ns: e.ns().map(&mut *intern),
            ns_decls: e
                .ns_decls()
                .map(|(p, u)| NsDecl {
                    prefix: p.map(XStr::new),
                    uri: intern(u),
                })
                .collect(),
            attrs: e
                .attrs()
                .map(|a| Attribute {
                    prefix: a.prefix.map(XStr::new),
                    local: XStr::new(a.local),
                    ns: a.ns.map(&mut *intern),
                    value: XStr::new(a.value),
                })
                .collect(),
            children: Vec::with_capacity(e.children().size_hint().0),
        }
    }
    // Every index on a path was pushed as the position of an element: None cannot happen.
    fn at<'t>(root: &'t mut Element, path: &[usize]) -> Option<&'t mut Element> {
        let mut el = root;
        for &i in path {
            el = match el.children.get_mut(i)? {
                Node::Element(c) => c,
                _ => return None,
            };
        }
        Some(el)
    }
    let mut root = shell(e, intern);
    let mut path: Vec<usize> = Vec::new();
    let mut open: Vec<E::Children> = vec![e.children()];
    while let Some(rest) = open.last_mut() {
        let Some(next) = rest.next() else {
            open.pop();
            path.pop();
            continue;
        };
        let Some(parent) = at(&mut root, &path) else {
            break;
        };
        match next {
            NodeRef::Element(c) => {
                parent.children.push(Node::Element(shell(c, intern)));
                path.push(parent.children.len() - 1);
                open.push(c.children());
            }
            NodeRef::Text(t) => parent.children.push(Node::Text(XStr::new(t))),
            NodeRef::Comment(c) => parent.children.push(Node::Comment(c.to_string())),
            NodeRef::Pi(t, d) => parent.children.push(Node::Pi {
                target: t.to_string(),
                data: d.to_string(),
            }),
        }
    }
    root
}
