//! The canonicalizer proper: one pass over a subtree, iterative (no recursion, so a deep
//! tree cannot overflow the stack), writing into a [`Sink`].
//!
//! Namespace handling follows exclusive c14n section 3 with two stacks of bindings:
//! `scope` (what the tree has in scope, from the ancestors down) and `rendered` (what
//! output ancestors actually wrote). A binding is written on an element when the element
//! visibly utilizes it (its own prefix, or a prefix of one of its attributes) or its
//! prefix is on the InclusiveNamespaces list and in scope, and the innermost rendered
//! binding of that prefix differs. The default namespace follows the same rule with "no
//! default" as the empty URI, which is where `xmlns=""` comes from: it is written only
//! when an output ancestor wrote a non-empty default.

use super::escape;
use super::scope::{same, InScope};
use super::sink::Sink;
use super::C14nOptions;
use crate::xml::spare::{self, relabel};
use crate::xml::tree::Node;
use crate::xml::view::{AttrRef, ElementRef, NodeRef};
use std::cell::RefCell;

/// The engine's buffers, kept per thread between calls so that canonicalizing a small
/// element (the signer's hot path: a Body, a Timestamp, a SignedInfo) allocates nothing
/// once warm. Stored empty, with `'static` standing in for the lifetime of whatever tree
/// they were last used on; see [`relabel`].
#[derive(Default)]
struct Spare {
    bindings: Vec<(&'static str, &'static str)>,
    rendered: Vec<(&'static str, &'static str)>,
    attrs: Vec<AttrRef<'static>>,
}

thread_local! {
    static SPARE: RefCell<Spare> = RefCell::new(Spare::default());
}

/// An element whose start tag is written and whose children are being written.
struct Frame<'a, E: ElementRef<'a>> {
    el: E,
    rest: E::Children,
    scope_mark: usize,
    rendered_mark: usize,
}

pub(super) struct Engine<'a, 'o, E: ElementRef<'a>, S: Sink + ?Sized> {
    opts: &'o C14nOptions,
    out: &'o mut S,
    scope: InScope<'a>,
    /// Bindings written by output ancestors, innermost last. The current element's own
    /// start at `rendered_mark` of its frame, sorted by prefix once collected: that tail
    /// is exactly the list of declarations its start tag writes.
    rendered: Vec<(&'a str, &'a str)>,
    /// Scratch: the current element's attributes in canonical order, when their
    /// document order is not already canonical.
    attrs: Vec<AttrRef<'a>>,
    /// Open elements. Not kept between calls: its layout depends on the tree type.
    frames: Vec<Frame<'a, E>>,
}

impl<'a, 'o, E: ElementRef<'a>, S: Sink + ?Sized> Engine<'a, 'o, E, S> {
    /// An engine starting inside `base` (the apex's inherited bindings), on this thread's
    /// spare buffers.
    pub(super) fn new(opts: &'o C14nOptions, base: &InScope<'a>, out: &'o mut S) -> Self {
        let spare = spare::take(&SPARE);
        let mut scope = InScope::from_vec(relabel(spare.bindings));
        scope.extend_from(base);
        Engine {
            opts,
            out,
            scope,
            rendered: relabel(spare.rendered),
            attrs: relabel(spare.attrs),
            frames: Vec::with_capacity(16),
        }
    }

    /// Hand the buffers back to this thread's spare set.
    pub(super) fn finish(self) {
        let kept = Spare {
            bindings: relabel(self.scope.into_vec()),
            rendered: relabel(self.rendered),
            attrs: relabel(self.attrs),
        };
        let caps = [
            kept.bindings.capacity(),
            kept.rendered.capacity(),
            kept.attrs.capacity(),
        ];
        spare::keep(&SPARE, kept, &caps);
    }

    /// A whole document: misc nodes before the root each followed by a newline, those
    /// after it each preceded by one (C14N section 2.1, "document order").
    pub(super) fn document(&mut self, before: &[Node], root: E, after: &[Node]) {
        fn misc<E>(n: &Node) -> Option<NodeRef<'_, E>> {
            match n {
                Node::Comment(c) => Some(NodeRef::Comment(c)),
                Node::Pi { target, data } => Some(NodeRef::Pi(target, data)),
                Node::Text(_) | Node::Element(_) => None,
            }
        }
        for n in before.iter().filter_map(misc::<E>) {
            if self.misc(n) {
                self.out.put("\n");
            }
        }
        self.subtree(root);
        for n in after.iter().filter_map(misc::<E>) {
            if self.is_output(&n) {
                self.out.put("\n");
                self.misc(n);
            }
        }
    }

    /// The apex and all its descendants: the node-set a `#id` reference selects.
    pub(super) fn subtree(&mut self, apex: E) {
        self.open(apex);
        while let Some(top) = self.frames.last_mut() {
            let Some(child) = top.rest.next() else {
                self.close();
                continue;
            };
            match child {
                NodeRef::Element(e) => self.open(e),
                NodeRef::Text(t) => escape::text(t, self.out),
                other => {
                    self.misc(other);
                }
            }
        }
    }

    fn is_output<X>(&self, n: &NodeRef<'_, X>) -> bool {
        match n {
            NodeRef::Comment(_) => self.opts.with_comments,
            NodeRef::Pi(..) => true,
            // Text and elements never stand beside the root; a built tree that puts them
            // there gets them ignored rather than a malformed output.
            NodeRef::Text(_) | NodeRef::Element(_) => false,
        }
    }

    /// Write a comment or PI if it is output; report whether it was.
    fn misc<X>(&mut self, n: NodeRef<'_, X>) -> bool {
        if !self.is_output(&n) {
            return false;
        }
        match n {
            NodeRef::Comment(c) => {
                self.out.put("<!--");
                escape::cr_only(c, self.out);
                self.out.put("-->");
            }
            NodeRef::Pi(target, data) => {
                self.out.put("<?");
                self.out.put(target);
                if !data.is_empty() {
                    self.out.put(" ");
                    escape::cr_only(data, self.out);
                }
                self.out.put("?>");
            }
            NodeRef::Text(_) | NodeRef::Element(_) => {}
        }
        true
    }

    fn open(&mut self, el: E) {
        let scope_mark = self.scope.mark();
        let rendered_mark = self.rendered.len();
        self.scope.enter(el);
        self.collect_namespaces(el, rendered_mark);
        let sorted = self.sort_attributes(el);
        self.start_tag(el, rendered_mark, sorted);
        self.frames.push(Frame {
            el,
            rest: el.children(),
            scope_mark,
            rendered_mark,
        });
    }

    fn close(&mut self) {
        let Some(f) = self.frames.pop() else { return };
        self.out.put("</");
        self.qname(f.el);
        self.out.put(">");
        self.scope.reset(f.scope_mark);
        self.rendered.truncate(f.rendered_mark);
    }

    /// Push onto `rendered` the declarations `el` must write, and sort them by prefix (the
    /// default namespace, whose XPath local name is empty, first).
    fn collect_namespaces(&mut self, el: E, mark: usize) {
        // URIs come from the scope, not from `el.ns` / `a.ns`: see `InScope::ensure`.
        let p = el.prefix().unwrap_or("");
        if p != "xml" {
            let (bp, bu) = self.scope.binding(p).unwrap_or(("", ""));
            if bp == p {
                self.consider(mark, bp, bu);
            }
        }
        for a in el.attrs() {
            if let (Some(ap), Some(_)) = (self.scope.attr_prefix(&a), a.ns) {
                if ap != "xml" {
                    if let Some((bp, bu)) = self.scope.binding(ap) {
                        self.consider(mark, bp, bu);
                    }
                }
            }
        }
        let list = &self.opts.inclusive;
        if list.includes_default() {
            // In scope or not: with no default in scope this writes `xmlns=""` exactly
            // when an output ancestor wrote a non-empty default (C14N's rule).
            let (dp, du) = self.scope.binding("").unwrap_or(("", ""));
            self.consider(mark, dp, du);
        }
        for prefix in list.prefixes() {
            if prefix == "xml" {
                continue;
            }
            if let Some((bp, bu)) = self.scope.binding(prefix) {
                self.consider(mark, bp, bu);
            }
        }
        let own = &mut self.rendered[mark..];
        if own.len() > 1 {
            own.sort_unstable_by(|a, b| a.0.cmp(b.0));
        }
    }

    /// Queue `xmlns:prefix="uri"` on the element whose declarations start at `mark`,
    /// unless the nearest output ancestor already wrote that binding. A prefix is queued
    /// once per element even if a built tree asks for two URIs: the first wins.
    fn consider(&mut self, mark: usize, prefix: &'a str, uri: &'a str) {
        let needed = match self.rendered.iter().rposition(|(p, _)| same(p, prefix)) {
            Some(i) => i < mark && !same(self.rendered[i].1, uri),
            // Nothing rendered yet: the default namespace starts out empty.
            None => !(prefix.is_empty() && uri.is_empty()),
        };
        if needed {
            self.rendered.push((prefix, uri));
        }
    }

    /// Attributes by (namespace URI, local name), unqualified ones (empty URI) first.
    /// Returns false when document order is already canonical (the common case for
    /// messages wssx builds) and `attrs` was left alone, true when `attrs` holds the order.
    fn sort_attributes(&mut self, el: E) -> bool {
        let scope = &self.scope;
        let key = |a: &AttrRef<'a>| (scope.attr_ns(a), a.local);
        let mut it = el.attrs();
        let Some(mut prev) = it.next() else {
            return false;
        };
        let mut ordered = true;
        for a in it {
            if key(&prev) > key(&a) {
                ordered = false;
                break;
            }
            prev = a;
        }
        if ordered {
            return false;
        }
        self.attrs.clear();
        self.attrs.extend(el.attrs());
        self.attrs.sort_by(|a, b| key(a).cmp(&key(b)));
        true
    }

    fn start_tag(&mut self, el: E, mark: usize, sorted: bool) {
        self.out.put("<");
        self.qname(el);
        for &(p, u) in &self.rendered[mark..] {
            if p.is_empty() {
                self.out.put(" xmlns=\"");
            } else {
                self.out.put(" xmlns:");
                self.out.put(p);
                self.out.put("=\"");
            }
            escape::attr(u, self.out);
            self.out.put("\"");
        }
        if sorted {
            for i in 0..self.attrs.len() {
                self.attribute(self.attrs[i]);
            }
        } else {
            for a in el.attrs() {
                self.attribute(a);
            }
        }
        self.out.put(">");
    }

    fn attribute(&mut self, a: AttrRef<'a>) {
        self.out.put(" ");
        if let Some(p) = self.scope.attr_prefix(&a) {
            self.out.put(p);
            self.out.put(":");
        }
        self.out.put(a.local);
        self.out.put("=\"");
        if a.plain {
            // Algorithm and type URIs: nothing to escape (see `XStr::is_well_known`).
            self.out.put(a.value);
        } else {
            escape::attr(a.value, self.out);
        }
        self.out.put("\"");
    }

    fn qname(&mut self, el: E) {
        if let Some(p) = el.prefix() {
            self.out.put(p);
            self.out.put(":");
        }
        self.out.put(el.local());
    }
}
