//! Exclusive XML Canonicalization 1.0 (W3C REC xml-exc-c14n, 18 July 2002), with and
//! without comments, with the InclusiveNamespaces PrefixList.
//!
//! Two kinds of input, matching what WS-Security signs:
//! - a whole [`Document`] ([`canonicalize_document`]): comments and PIs around the root
//!   are kept, with the newlines C14N puts between them and the root;
//! - a document subset made of an element and all its descendants
//!   ([`canonicalize_subtree`], [`canonicalize_by_id`]), which is what a `ds:Reference`
//!   to `#id` selects. The tree has no parent pointers, so the caller hands in the
//!   namespace bindings the apex inherits as an [`InScope`] (see [`InScope::locate`]).
//!
//! Output goes to any [`Sink`]: a caller's `Vec<u8>` or `String` (reused across calls, no
//! allocation once warm), a [`Chunked`] callback that feeds a digest without building the
//! canonical form in memory, or an [`IoSink`].
//!
//! What is checked against libxml2 (`xmllint --exc-c14n`) in `tests/c14n_corpus.rs`, and
//! against libxml2's node-set API for subsets in `tests/c14n_subsets.rs`: every rule below.
//! - A namespace declaration is written on an element only for a prefix the element
//!   *visibly utilizes* (its own prefix, or the prefix of one of its attributes; never
//!   `xml`) or one on the PrefixList that is in scope, and only if the nearest output
//!   ancestor did not already write the same binding. `xmlns=""` is written only when an
//!   output ancestor wrote a non-empty default.
//! - Declarations are sorted by prefix (default first); attributes by namespace URI then
//!   local name, unqualified ones first. `xml:*` attributes are not inherited from
//!   ancestors outside the subset (that is inclusive c14n).
//! - Escaping per C14N 2.3; empty elements as start/end tag pairs; no XML declaration.
//!
//! Whatever the parser already did is relied on: newlines normalized, attribute values
//! normalized and unescaped, CDATA folded into text, character references expanded.
//! Namespace URIs are taken from the declarations (`ns_decls`), which the parser decodes,
//! rather than from `Element::ns` / `Attribute::ns`, which it resolves from the raw
//! declaration text (see `InScope::enter`). An element built in code that leaves its
//! declarations to the writer canonicalizes as its serialization would.
//!
//! One deliberate difference from libxml2: a namespace URI is escaped like any attribute
//! value (`&` as `&amp;`), as C14N 1.0 section 2.3 says and Santuario (WSS4J) and .NET do;
//! libxml2 writes it raw. The tests count such documents separately.

mod engine;
mod escape;
mod scope;
mod sink;

pub use scope::InScope;
pub use sink::{Chunked, IoSink, Sink};

use crate::error::{Error, ErrorKind, Result};
use crate::xml::tree::{Document, Element};
use crate::xml::view::ElementRef;
use engine::Engine;

/// The `InclusiveNamespaces PrefixList` of an exclusive c14n transform: prefixes treated
/// as inclusive c14n treats every prefix (declared at the apex when in scope, even if not
/// used there). `#default` stands for the default namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrefixList {
    default: bool,
    prefixes: Vec<String>,
}

impl PrefixList {
    /// An empty list (plain exclusive c14n).
    pub fn new() -> Self {
        PrefixList::default()
    }

    /// Parse the attribute syntax: prefixes separated by white space, `#default` for the
    /// default namespace. Duplicates are dropped.
    pub fn parse(list: &str) -> Self {
        let mut l = PrefixList::new();
        for p in list.split_ascii_whitespace() {
            l.add(p);
        }
        l
    }

    /// Add one prefix (`#default` or `""` = the default namespace).
    pub fn add(&mut self, prefix: &str) {
        if prefix == "#default" || prefix.is_empty() {
            self.default = true;
        } else if !self.prefixes.iter().any(|p| p == prefix) {
            self.prefixes.push(prefix.to_string());
        }
    }

    /// True when the list holds no prefix at all.
    pub fn is_empty(&self) -> bool {
        !self.default && self.prefixes.is_empty()
    }

    /// True when `#default` is on the list.
    pub fn includes_default(&self) -> bool {
        self.default
    }

    /// The named prefixes on the list (without `#default`), in the order added.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        self.prefixes.iter().map(String::as_str)
    }

    /// The list in attribute syntax, for writing an `ec:InclusiveNamespaces` element.
    pub fn to_attr_value(&self) -> String {
        let mut parts: Vec<&str> = Vec::with_capacity(self.prefixes.len() + 1);
        if self.default {
            parts.push("#default");
        }
        parts.extend(self.prefixes());
        parts.join(" ")
    }
}

/// How to canonicalize. The default is the `http://www.w3.org/2001/10/xml-exc-c14n#`
/// algorithm: no comments, empty PrefixList.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct C14nOptions {
    /// Keep comments (the `#WithComments` algorithm).
    pub with_comments: bool,
    /// The InclusiveNamespaces PrefixList.
    pub inclusive: PrefixList,
}

impl C14nOptions {
    /// Exclusive c14n without comments and with an empty PrefixList.
    pub fn new() -> Self {
        C14nOptions::default()
    }

    /// Keep (or drop) comments.
    pub fn with_comments(mut self, on: bool) -> Self {
        self.with_comments = on;
        self
    }

    /// Set the PrefixList from its attribute syntax (`"wsse soap #default"`).
    pub fn prefixes(mut self, list: &str) -> Self {
        self.inclusive = PrefixList::parse(list);
        self
    }
}

/// Canonicalize a whole document into `out`.
pub fn canonicalize_document<S: Sink + ?Sized>(doc: &Document, opts: &C14nOptions, out: &mut S) {
    let mut engine = Engine::new(opts, &InScope::new(), out);
    engine.document(&doc.before, &doc.root, &doc.after);
    engine.finish();
}

/// Canonicalize the document subset made of `apex` and its descendants into `out`.
/// `in_scope` holds the namespace bindings `apex` inherits from its ancestors
/// ([`InScope::new`] for a root or a detached element).
pub fn canonicalize_subtree<'a, E: ElementRef<'a>, S: Sink + ?Sized>(
    apex: E,
    in_scope: &InScope<'a>,
    opts: &C14nOptions,
    out: &mut S,
) {
    let mut engine = Engine::new(opts, in_scope, out);
    engine.subtree(apex);
    engine.finish();
}

/// Canonicalize the element whose ID (as [`Element::id`] reads it: `wsu:Id`, `Id`, `ID`,
/// `xml:id`) is `id`, with its descendants: what a signature Reference to `#id` covers.
/// Fails with `InvalidArgument` when no element has that ID, and with `InvalidSignature`
/// when more than one has.
pub fn canonicalize_by_id<S: Sink + ?Sized>(
    doc: &Document,
    id: &str,
    opts: &C14nOptions,
    out: &mut S,
) -> Result<()> {
    let (el, scope) = find_by_id(doc, id)?;
    canonicalize_subtree(el, &scope, opts, out);
    Ok(())
}

/// The element whose ID is `id`, with the bindings it inherits. More than one match is an
/// error, not "the first": a reference that could mean two elements is the shape of a
/// signature-wrapping attack.
pub fn find_by_id<'a>(doc: &'a Document, id: &str) -> Result<(&'a Element, InScope<'a>)> {
    let mut hit: Option<(&'a Element, InScope<'a>)> = None;
    let mut duplicate = false;
    scope::walk(&doc.root, &mut |el, ancestors| {
        if el.id() != Some(id) {
            return true;
        }
        if hit.is_some() {
            duplicate = true;
            return false;
        }
        hit = Some((el, InScope::of_ancestors(ancestors)));
        true
    });
    if duplicate {
        // The kind the message layer uses for the same finding (`message::locate`).
        return Err(Error::new(
            ErrorKind::InvalidSignature,
            format!("more than one element has the ID '{id}' (the shape of a signature-wrapping attack)"),
        ));
    }
    hit.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("no element has the ID '{id}'"),
        )
    })
}

/// Canonicalize a whole document, feeding the output to `sink` in chunks (e.g. a digest).
pub fn stream_document(doc: &Document, opts: &C14nOptions, sink: &mut dyn FnMut(&[u8])) {
    let mut out = Chunked::new(sink);
    canonicalize_document(doc, opts, &mut out);
    out.finish();
}

/// Canonicalize `apex` and its descendants, feeding the output to `sink` in chunks.
pub fn stream_subtree<'a>(
    apex: &'a Element,
    in_scope: &InScope<'a>,
    opts: &C14nOptions,
    sink: &mut dyn FnMut(&[u8]),
) {
    let mut out = Chunked::new(sink);
    canonicalize_subtree(apex, in_scope, opts, &mut out);
    out.finish();
}

/// The canonical form of a whole document as a new `String`.
pub fn document_to_string(doc: &Document, opts: &C14nOptions) -> String {
    let mut s = String::with_capacity(1024);
    canonicalize_document(doc, opts, &mut s);
    s
}

/// The canonical form of `apex` and its descendants as a new `String`.
pub fn subtree_to_string<'a>(
    apex: &'a Element,
    in_scope: &InScope<'a>,
    opts: &C14nOptions,
) -> String {
    let mut s = String::with_capacity(512);
    canonicalize_subtree(apex, in_scope, opts, &mut s);
    s
}

#[cfg(test)]
mod tests;
