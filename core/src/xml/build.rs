//! [`Build`]: where typed writers put XML — into the owned tree ([`TreeBuilder`]) or
//! straight into text ([`TextBuilder`]).
//!
//! A typed message (an RSTR, a token) is written once, against this trait. Building the
//! tree and then serializing it costs an allocation or three per element (child, attribute
//! and declaration lists) that the text never needed: for a typical RSTR that was most of
//! the time of `to_xml`. The text builder writes exactly the bytes the tree's writer
//! ([`super::write`]) would write for the same calls, so the two paths cannot drift apart.

use super::tree::{Attribute, Element, Node};
use super::write::{escape_attr, escape_text};
use super::xstr::XStr;
use crate::ns;

/// A sink for XML built in document order. Element names are the crate's constants.
pub trait Build {
    /// Open `prefix:local` in `ns`, declaring the prefix on the element itself (what
    /// [`Element::new`] makes: the declaration is written even where it is in scope).
    fn open_declared(&mut self, ns: &'static str, prefix: &'static str, local: &'static str);
    /// Open `prefix:local` in `ns`; the prefix is declared only where it is not in scope
    /// (what [`Element::child_of`] makes). An empty prefix is the default namespace.
    fn open(&mut self, ns: &'static str, prefix: &'static str, local: &'static str);
    /// [`Build::open`] with a prefix chosen at run time (a peer's, kept for a reply).
    fn open_prefixed(&mut self, ns: &'static str, prefix: &str, local: &'static str);
    /// Declare `prefix` for `uri` on the open element (even where it is in scope), so
    /// that its children need not each declare it.
    fn declare(&mut self, prefix: &'static str, uri: &'static str);
    /// An unqualified attribute on the open element.
    fn attr(&mut self, local: &'static str, value: &str);
    /// A namespaced attribute on the open element.
    fn attr_ns(&mut self, ns: &'static str, prefix: &'static str, local: &'static str, value: &str);
    /// Attributes kept from a parsed message, written as they were.
    fn attrs(&mut self, attrs: &[Attribute]);
    /// Character data in the open element (nothing for the empty string: an empty text
    /// node would write `<a></a>` and read back as `<a/>`).
    fn text(&mut self, text: &str);
    /// A complete subtree (kept XML: extensions, policies, tokens wssx does not type).
    fn element(&mut self, el: &Element);
    /// Close the innermost open element.
    fn close(&mut self);

    /// `open` + `text` + `close`.
    fn leaf(&mut self, ns: &'static str, prefix: &'static str, local: &'static str, text: &str) {
        self.open(ns, prefix, local);
        self.text(text);
        self.close();
    }
}

/// Builds the owned tree.
#[derive(Default)]
pub struct TreeBuilder {
    open: Vec<Element>,
    done: Option<Element>,
}

impl TreeBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        TreeBuilder::default()
    }

    /// A builder that writes into `el` (attributes and children appended): `finish`
    /// gives it back.
    pub fn inside(el: Element) -> Self {
        TreeBuilder {
            open: vec![el],
            done: None,
        }
    }

    /// The element built (the first one opened and closed at the top level), or an empty
    /// unqualified element when nothing was built.
    pub fn finish(mut self) -> Element {
        while !self.open.is_empty() {
            self.close();
        }
        self.done.unwrap_or_default()
    }

    fn push(&mut self, el: Element) {
        self.open.push(el);
    }

    fn top(&mut self) -> Option<&mut Element> {
        self.open.last_mut()
    }
}

impl Build for TreeBuilder {
    fn open_declared(&mut self, ns: &'static str, prefix: &'static str, local: &'static str) {
        self.push(Element::new_static(ns, prefix, local));
    }

    fn open(&mut self, ns: &'static str, prefix: &'static str, local: &'static str) {
        self.push(Element::child_of_static(ns, prefix, local));
    }

    fn open_prefixed(&mut self, ns: &'static str, prefix: &str, local: &'static str) {
        self.push(Element::child_of(ns, prefix, local));
    }

    fn declare(&mut self, prefix: &'static str, uri: &'static str) {
        if let Some(t) = self.top() {
            t.declare(prefix, uri);
        }
    }

    fn attr(&mut self, local: &'static str, value: &str) {
        if let Some(t) = self.top() {
            t.set_attr_static(local, XStr::new(value));
        }
    }

    fn attr_ns(
        &mut self,
        ns: &'static str,
        prefix: &'static str,
        local: &'static str,
        value: &str,
    ) {
        if let Some(t) = self.top() {
            t.set_attr_ns_static(ns, prefix, local, XStr::new(value));
        }
    }

    fn attrs(&mut self, attrs: &[Attribute]) {
        if let Some(t) = self.top() {
            t.attrs.extend(attrs.iter().cloned());
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(t) = self.top() {
            t.children.push(Node::Text(XStr::new(text)));
        }
    }

    fn element(&mut self, el: &Element) {
        match self.top() {
            Some(t) => t.children.push(Node::Element(el.clone())),
            None => {
                if self.done.is_none() {
                    self.done = Some(el.clone());
                }
            }
        }
    }

    fn close(&mut self) {
        let Some(el) = self.open.pop() else { return };
        match self.top() {
            Some(parent) => parent.children.push(Node::Element(el)),
            None => {
                if self.done.is_none() {
                    self.done = Some(el);
                }
            }
        }
    }
}

/// An element being written by a [`TextBuilder`].
struct Frame {
    prefix: XStr,
    local: &'static str,
    ns: &'static str,
    /// `bindings.len()` before the element's declarations.
    mark: usize,
    /// The element's own prefix is declared if it had to be (after explicit
    /// declarations: the order the tree writer uses).
    settled: bool,
    /// Something (text or a child) was written inside: the start tag is closed.
    content: bool,
}

/// Writes XML text, byte for byte what [`super::write::write_element`] writes for the tree
/// [`TreeBuilder`] builds from the same calls.
pub struct TextBuilder {
    out: String,
    /// The open element's attributes, written after its declarations when its start tag
    /// closes (the tree writer puts every declaration first).
    attrs: String,
    bindings: Vec<(XStr, XStr)>,
    frames: Vec<Frame>,
}

impl Default for TextBuilder {
    fn default() -> Self {
        TextBuilder::with_capacity(1024)
    }
}

impl TextBuilder {
    /// A builder whose output starts with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        TextBuilder {
            out: String::with_capacity(n),
            attrs: String::with_capacity(128),
            bindings: Vec::with_capacity(8),
            frames: Vec::with_capacity(8),
        }
    }

    /// The text written (open elements are closed first).
    pub fn finish(mut self) -> String {
        while !self.frames.is_empty() {
            self.close();
        }
        self.out
    }

    fn lookup(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(ns::XML);
        }
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| super::scan::same_name(p.as_bytes(), prefix.as_bytes()))
            .map(|(_, u)| u.as_str())
    }

    fn write_decl(&mut self, prefix: XStr, uri: XStr) {
        if prefix.is_empty() {
            self.out.push_str(" xmlns=\"");
        } else {
            self.out.push_str(" xmlns:");
            self.out.push_str(&prefix);
            self.out.push_str("=\"");
        }
        escape_attr(&uri, &mut self.out);
        self.out.push('"');
        self.bindings.push((prefix, uri));
    }

    /// Declare the open element's own prefix if it must be, once its explicit
    /// declarations are written. Most elements share their parent's prefix and namespace:
    /// then only the declarations made since the parent's start need a look.
    fn settle(&mut self) {
        let n = self.frames.len();
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        if f.settled {
            return;
        }
        f.settled = true;
        let f = &self.frames[n - 1];
        let (prefix, ns) = (&f.prefix, f.ns);
        let bound = match n.checked_sub(2).map(|i| &self.frames[i]) {
            Some(parent) => {
                let recent = self.bindings[parent.mark..]
                    .iter()
                    .rev()
                    .find(|(p, _)| super::scan::same_name(p.as_bytes(), prefix.as_bytes()));
                match recent {
                    Some((_, u)) => Some(u.as_str()),
                    // The parent is settled: its prefix is bound to its namespace.
                    None if super::scan::same_name(parent.prefix.as_bytes(), prefix.as_bytes()) => {
                        Some(parent.ns)
                    }
                    None => self.lookup(prefix),
                }
            }
            None => self.lookup(prefix),
        };
        let bound = bound.unwrap_or("");
        if !(std::ptr::eq(bound, ns) || bound == ns) {
            let prefix = prefix.clone();
            self.write_decl(prefix, XStr::from_static(ns));
        }
    }

    /// Close the open start tag, if any, before content.
    fn content(&mut self) {
        self.settle();
        if let Some(f) = self.frames.last_mut() {
            if !f.content {
                f.content = true;
                self.out.push_str(&self.attrs);
                self.attrs.clear();
                self.out.push('>');
            }
        }
    }

    fn start(&mut self, ns: &'static str, prefix: XStr, local: &'static str, declared: bool) {
        self.content();
        let mark = self.bindings.len();
        self.out.push('<');
        if !prefix.is_empty() {
            self.out.push_str(&prefix);
            self.out.push(':');
        }
        self.out.push_str(local);
        if declared && prefix != "xml" {
            self.write_decl(prefix.clone(), XStr::from_static(ns));
        }
        self.frames.push(Frame {
            prefix,
            local,
            ns,
            mark,
            settled: false,
            content: false,
        });
    }

    fn attribute(&mut self, prefix: &str, local: &str, value: &str) {
        self.attrs.push(' ');
        if !prefix.is_empty() {
            self.attrs.push_str(prefix);
            self.attrs.push(':');
        }
        self.attrs.push_str(local);
        self.attrs.push_str("=\"");
        escape_attr(value, &mut self.attrs);
        self.attrs.push('"');
    }
}

impl Build for TextBuilder {
    fn open_declared(&mut self, ns: &'static str, prefix: &'static str, local: &'static str) {
        self.start(ns, XStr::from_static(prefix), local, true);
    }

    fn open(&mut self, ns: &'static str, prefix: &'static str, local: &'static str) {
        self.start(ns, XStr::from_static(prefix), local, false);
    }

    fn open_prefixed(&mut self, ns: &'static str, prefix: &str, local: &'static str) {
        self.start(ns, XStr::new(prefix), local, false);
    }

    fn declare(&mut self, prefix: &'static str, uri: &'static str) {
        // The tree keeps one declaration per prefix on an element.
        let mark = self.frames.last().map_or(0, |f| f.mark);
        if self.bindings[mark..]
            .iter()
            .any(|(p, _)| p.as_str() == prefix)
        {
            return;
        }
        self.write_decl(XStr::from_static(prefix), XStr::from_static(uri));
    }

    fn attr(&mut self, local: &'static str, value: &str) {
        self.settle();
        self.attribute("", local, value);
    }

    fn attr_ns(
        &mut self,
        ns: &'static str,
        prefix: &'static str,
        local: &'static str,
        value: &str,
    ) {
        self.settle();
        if self.lookup(prefix) != Some(ns) {
            self.write_decl(XStr::from_static(prefix), XStr::from_static(ns));
        }
        self.attribute(prefix, local, value);
    }

    fn attrs(&mut self, attrs: &[Attribute]) {
        self.settle();
        for a in attrs {
            if let (Some(p), Some(u)) = (a.prefix.as_deref(), a.ns.as_deref()) {
                if self.lookup(p) != Some(u) {
                    // Written like `declare`, for a name that is not a constant.
                    self.out.push_str(" xmlns:");
                    self.out.push_str(p);
                    self.out.push_str("=\"");
                    escape_attr(u, &mut self.out);
                    self.out.push('"');
                    self.bindings.push((XStr::new(p), XStr::new(u)));
                }
            }
        }
        for a in attrs {
            match (a.prefix.as_deref(), a.ns.as_deref()) {
                (Some(p), _) => self.attribute(p, &a.local, &a.value),
                (None, None) => self.attribute("", &a.local, &a.value),
                (None, Some(u)) => {
                    // Kept attributes come from parsed documents and have prefixes; a built
                    // one without gets the tree writer's rule: a prefix bound to its
                    // namespace, else `ns0` declared in the attribute list.
                    let bound = self
                        .bindings
                        .iter()
                        .rev()
                        .find(|(p, b)| !p.is_empty() && b.as_str() == u)
                        .map(|(p, _)| p.clone());
                    match bound {
                        Some(p) => self.attribute(&p, &a.local, &a.value),
                        None => {
                            self.attrs.push_str(" xmlns:ns0=\"");
                            escape_attr(u, &mut self.attrs);
                            self.attrs.push('"');
                            self.attribute("ns0", &a.local, &a.value);
                        }
                    }
                }
            }
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.content();
        escape_text(text, &mut self.out);
    }

    fn element(&mut self, el: &Element) {
        self.content();
        let scope: Vec<(&str, &str)> = self
            .bindings
            .iter()
            .map(|(p, u)| (p.as_str(), u.as_str()))
            .collect();
        super::write::write_element_in(el, &scope, &mut self.out);
    }

    fn close(&mut self) {
        self.settle();
        let Some(f) = self.frames.pop() else { return };
        if f.content {
            self.out.push_str("</");
            if !f.prefix.is_empty() {
                self.out.push_str(&f.prefix);
                self.out.push(':');
            }
            self.out.push_str(f.local);
            self.out.push('>');
        } else {
            self.out.push_str(&self.attrs);
            self.attrs.clear();
            self.out.push_str("/>");
        }
        self.bindings.truncate(f.mark);
    }
}

/// The element `write` builds.
pub fn tree(write: impl FnOnce(&mut TreeBuilder)) -> Element {
    let mut b = TreeBuilder::new();
    write(&mut b);
    b.finish()
}

/// The text `write` builds (`capacity`: the expected size, to write without regrowing).
pub fn text(capacity: usize, write: impl FnOnce(&mut TextBuilder)) -> String {
    let mut b = TextBuilder::with_capacity(capacity);
    write(&mut b);
    b.finish()
}

/// `bytes` as base64, handed to `f` without an allocation for the short values XML
/// messages carry (keys, nonces, digests).
pub fn with_base64<R>(bytes: &[u8], f: impl FnOnce(&str) -> R) -> R {
    use base64::Engine;
    let mut buf = [0u8; 256];
    let engine = &base64::engine::general_purpose::STANDARD;
    match engine.encode_slice(bytes, &mut buf) {
        Ok(n) => match std::str::from_utf8(&buf[..n]) {
            Ok(s) => f(s),
            Err(_) => f(&super::encode_base64(bytes)),
        },
        Err(_) => f(&super::encode_base64(bytes)),
    }
}

/// `n` in decimal, handed to `f` without an allocation.
pub fn with_decimal<R>(n: u64, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    match std::str::from_utf8(&buf[i..]) {
        Ok(s) => f(s),
        Err(_) => f(&n.to_string()),
    }
}

/// Write with `write` into both builders; used by tests to hold the two paths equal.
#[cfg(test)]
pub(crate) fn both(write: &dyn Fn(&mut dyn Build)) -> (Element, String) {
    let mut t = TreeBuilder::new();
    write(&mut t);
    let mut x = TextBuilder::default();
    write(&mut x);
    (t.finish(), x.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_equals_the_tree_written() {
        let kept = crate::xml::parse(br#"<q:k xmlns:q="urn:q" a="1"><q:z/>t</q:k>"#)
            .unwrap()
            .root;
        let (tree, text) = both(&|b| {
            b.open_declared(ns::WSSE, "wsse", "SecurityTokenReference");
            b.attr_ns(ns::WSU, "wsu", "Id", "s-1");
            b.attr("Usage", "a<b&\"c\"");
            b.open(ns::WSSE, "wsse", "Reference");
            b.attr("URI", "#x");
            b.close();
            b.leaf(ns::WSSE, "wsse", "KeyIdentifier", "AAA=");
            b.leaf(ns::WSSE, "wsse", "Empty", "");
            b.open(ns::DS, "ds", "KeyInfo");
            b.attr_ns(ns::WSU, "wsu", "Id", "k");
            b.element(&kept);
            b.open_declared(ns::WSSE, "wsse", "Again");
            b.close();
            b.close();
            b.open("urn:default", "", "d");
            b.text("1 < 2 & 3 > 2\r");
            b.close();
            b.open(ns::WSSE, "wsse", "Declaring");
            b.declare("wsu", ns::WSU);
            b.declare("wsu", ns::WSU);
            b.attr("A", "1");
            b.open(ns::WSU, "wsu", "Created");
            b.close();
            b.open_prefixed(ns::WSU, "u", "Expires");
            b.text("x");
            b.close();
            b.close();
            b.open("urn:other", "o", "Own");
            b.declare("wsu", ns::WSU);
            let unprefixed = |uri: &str| Attribute {
                prefix: None,
                local: "u".into(),
                ns: Some(uri.into()),
                value: "v".into(),
            };
            b.attrs(&[unprefixed(ns::WSU), unprefixed("urn:nowhere")]);
            b.close();
            b.close();
        });
        assert_eq!(text, crate::xml::element_to_string(&tree));
        assert!(text.contains("<wsse:Empty/>"), "{text}");
    }

    #[test]
    fn numbers_and_base64_without_allocation() {
        for n in [0u64, 7, 10, 32, 1234567890, u64::MAX] {
            assert_eq!(with_decimal(n, str::to_string), n.to_string());
        }
        for len in [0usize, 1, 16, 32, 190, 191, 192, 400] {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert_eq!(
                with_base64(&bytes, str::to_string),
                crate::xml::encode_base64(&bytes)
            );
        }
    }
}
