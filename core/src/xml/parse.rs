//! Parsing bytes into the tree, on quick-xml, under [`Limits`].
//!
//! DTDs (and with them every entity declaration) are refused outright: a SOAP message
//! must not contain one (SOAP 1.1 section 3, SOAP 1.2 part 1 section 5), and refusing them
//! closes entity-expansion and external-entity attacks at the door. Only the five
//! predefined entities and character references are expanded.

use super::tree::{Attribute, Document, Element, Node, NsDecl};
use super::xstr::XStr;
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use std::borrow::Cow;

/// Bounds on what the parser accepts. The defaults fit any SOAP message a WS-SX peer sends,
/// with room for megabyte bodies; lower them for untrusted front doors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document in bytes. Default 64 MiB.
    pub max_size: usize,
    /// Deepest element nesting. Default 128.
    pub max_depth: usize,
    /// Most elements in one document. Default 1,000,000.
    pub max_elements: usize,
    /// Most attributes (including namespace declarations) on one element. Default 256.
    pub max_attributes: usize,
    /// Largest single text node in bytes. Default 64 MiB.
    pub max_text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_size: 64 << 20,
            max_depth: 128,
            max_elements: 1_000_000,
            max_attributes: 256,
            max_text: 64 << 20,
        }
    }
}

/// Parse a document under the default limits.
pub fn parse(input: &[u8]) -> Result<Document> {
    parse_with(input, &Limits::default())
}

/// Parse a document under `limits`.
pub fn parse_with(input: &[u8], limits: &Limits) -> Result<Document> {
    Parser::new(input, limits)?.run()
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    src: &'a str,
    limits: &'a Limits,
    /// Open elements below the root, as child indices from the root down: an element lives
    /// in its parent's `children` from its start tag on, so it is moved once, not once per
    /// level of a stack (a measured share of parse time at ~150 bytes per element).
    path: Vec<usize>,
    /// Number of open elements (the root counts; `path.len() + 1` when non-zero).
    depth: usize,
    /// In-scope namespace bindings, innermost last: (prefix, URI); prefix None = default.
    /// Resolved here rather than by quick-xml's NsReader: a binding is then an [`XStr`]
    /// shared by every element that uses it (no per-element URI copy).
    bindings: Vec<(Option<XStr>, XStr)>,
    /// `bindings.len()` before each open element's own declarations.
    marks: Vec<usize>,
    /// Reused buffer for an element's non-declaration attributes awaiting resolution.
    scratch: Vec<(Option<XStr>, XStr, XStr)>,
    elements: usize,
    before: Vec<Node>,
    after: Vec<Node>,
    root: Option<Element>,
}

fn malformed(path: &[String], pos: u64, msg: impl std::fmt::Display) -> Error {
    let p = path;
    Error::at(
        ErrorKind::MalformedXml,
        p.join("/"),
        format!("{msg} (at byte {pos})"),
    )
}

fn utf8(b: &[u8]) -> std::result::Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(b)
}

/// Position of the first C0 control other than tab, LF and CR. Eight bytes at a time: a
/// word with no byte below 0x20 is skipped with one test.
fn find_control(input: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let bad = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    let mut chunks = input.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // Classic "has a byte less than n" test with n = 0x20.
        if w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0 {
            if let Some(i) = c.iter().position(|&b| bad(b)) {
                return Some(base + i);
            }
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| bad(b))
        .map(|i| base + i)
}

/// XML 1.0 [5] Name, exactly for ASCII (a letter, `_` or `:` first; then also digits, `-`
/// and `.`); any non-ASCII character is let through (the ranges the production allows
/// cover nearly all of them). quick-xml does not check names, and a name like `e=1` or
/// `1a` read as a name here but refused by other parsers would be a parser differential.
fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    let start = |c: u8| c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80;
    match b.first() {
        Some(&c) if start(c) => b[1..]
            .iter()
            .all(|&c| start(c) || c.is_ascii_digit() || c == b'-' || c == b'.'),
        _ => false,
    }
}

/// True when `name` (an end tag's name) is `el`'s qualified name as written.
fn qname_is(el: &Element, name: &[u8]) -> bool {
    let local = el.local.as_bytes();
    match &el.prefix {
        Some(p) => {
            let p = p.as_bytes();
            name.len() == p.len() + 1 + local.len()
                && name.starts_with(p)
                && name[p.len()] == b':'
                && name.ends_with(local)
        }
        None => name == local,
    }
}

/// XML 1.0 section 2.11: CRLF and lone CR become LF.
fn normalize_newlines(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// XML 1.0 section 3.3.3 for CDATA-typed attributes: literal tab, LF, CR (after line-end
/// normalization) become spaces; character references survive.
fn normalize_attr(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", " ").replace(['\t', '\n', '\r'], " "))
}

fn unescape(s: &str) -> std::result::Result<Cow<'_, str>, String> {
    if !s.contains('&') {
        return Ok(Cow::Borrowed(s));
    }
    let out = quick_xml::escape::unescape(s)
        .map_err(|e| format!("bad character or entity reference: {e}"))?;
    // A character reference must name a Char (XML 1.0 section 4.1): no &#0; and friends.
    if out.chars().any(|c| {
        (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') || c == '\u{FFFE}' || c == '\u{FFFF}'
    }) {
        return Err("character reference to a character XML does not allow".to_string());
    }
    Ok(out)
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8], limits: &'a Limits) -> Result<Self> {
        if input.len() > limits.max_size {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "document of {} bytes exceeds the limit of {} bytes",
                    input.len(),
                    limits.max_size
                ),
            ));
        }
        let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        let src = match utf8(input) {
            Ok(s) => s,
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::MalformedXml,
                    format!("document is not UTF-8: {e}"),
                ))
            }
        };
        // XML 1.0 section 2.2: C0 controls other than tab, LF and CR are not characters of
        // any document (quick-xml does not check names or text for them).
        if let Some(pos) = find_control(input) {
            return Err(Error::new(
                ErrorKind::MalformedXml,
                format!(
                    "control character 0x{:02x} is not allowed in XML (at byte {pos})",
                    input[pos]
                ),
            ));
        }
        let mut reader = Reader::from_reader(input);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        // End tags are matched against the open element here (quick-xml's own check copies
        // every start tag's name into a buffer).
        cfg.check_end_names = false;
        cfg.check_comments = true;
        Ok(Parser {
            reader,
            src,
            limits,
            path: Vec::new(),
            depth: 0,
            bindings: Vec::new(),
            marks: Vec::new(),
            scratch: Vec::new(),
            elements: 0,
            before: Vec::new(),
            after: Vec::new(),
            root: None,
        })
    }

    /// `b` as text. Slices of the input (almost all of them) are taken from the already
    /// validated input string instead of being validated again.
    fn s<'b>(&self, b: &'b [u8]) -> Result<&'b str>
    where
        'a: 'b,
    {
        let start = (b.as_ptr() as usize).wrapping_sub(self.src.as_ptr() as usize);
        if start <= self.src.len() && b.len() <= self.src.len() - start {
            if let Some(t) = self.src.get(start..start + b.len()) {
                return Ok(t);
            }
        }
        utf8(b).map_err(|e| self.err(e))
    }

    /// An attribute value (or namespace declaration) as the document wrote it, white space
    /// normalized and references expanded. The start-tag scanner calls it only for the
    /// rare value its own scan found special (a call per value measured ~3% of verify).
    fn attr_value(&self, raw: &str) -> Result<XStr> {
        let norm = normalize_attr(raw);
        Ok(XStr::from(
            unescape(&norm).map_err(|e| self.err(e))?.into_owned(),
        ))
    }

    /// The URI bound to `prefix` (None = the default namespace) in scope.
    fn lookup(&self, prefix: Option<&str>) -> Option<&XStr> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p.as_deref() == prefix)
            .map(|(_, u)| u)
    }

    fn err(&self, msg: impl std::fmt::Display) -> Error {
        malformed(&self.open_names(8), self.reader.buffer_position(), msg)
    }

    /// The qualified names of the first `max` open elements, root first.
    fn open_names(&self, max: usize) -> Vec<String> {
        let mut out = Vec::new();
        if self.depth == 0 {
            return out;
        }
        let Some(mut el) = self.root.as_ref() else {
            return out;
        };
        out.push(el.qname());
        for &i in &self.path {
            if out.len() >= max {
                break;
            }
            match el.children.get(i) {
                Some(Node::Element(e)) => el = e,
                _ => break,
            }
            out.push(el.qname());
        }
        out
    }

    /// The innermost open element.
    fn top(&self) -> Option<&Element> {
        if self.depth == 0 {
            return None;
        }
        let mut el = self.root.as_ref()?;
        for &i in &self.path {
            el = match el.children.get(i) {
                Some(Node::Element(e)) => e,
                _ => return None,
            };
        }
        Some(el)
    }

    /// The innermost open element, mutable.
    fn top_mut(&mut self) -> Option<&mut Element> {
        if self.depth == 0 {
            return None;
        }
        let mut el = self.root.as_mut()?;
        for &i in &self.path {
            el = match el.children.get_mut(i) {
                Some(Node::Element(e)) => e,
                _ => return None,
            };
        }
        Some(el)
    }

    fn run(mut self) -> Result<Document> {
        loop {
            // Matched in place: moving the event out of the Result first made a wide load
            // of freshly written bytes (a store-forwarding stall worth a tenth of parse time).
            let ev = self.reader.read_event();
            let ev = match &ev {
                Ok(ev) => ev,
                Err(e) => return Err(self.err(e)),
            };
            match ev {
                Event::Start(s) => {
                    let el = self.start(&s)?;
                    self.place(el, true)?;
                }
                Event::Empty(s) => {
                    let el = self.start(&s)?;
                    let mark = self.marks.pop().unwrap_or(0);
                    self.bindings.truncate(mark);
                    self.place(el, false)?;
                }
                Event::End(e) => {
                    if self.depth == 0 {
                        return Err(self.err("unexpected end tag"));
                    }
                    let name = e.name().into_inner();
                    if !self.top().is_some_and(|top| qname_is(top, name)) {
                        return Err(self.err(format!(
                            "end tag </{}> does not match the open element",
                            String::from_utf8_lossy(name)
                        )));
                    }
                    let mark = self.marks.pop().unwrap_or(0);
                    self.bindings.truncate(mark);
                    self.depth -= 1;
                    if self.depth > 0 {
                        self.path.pop();
                    }
                }
                Event::Text(t) => {
                    let raw = self.s(t)?;
                    // XML 1.0 [14]: character data never contains `]]>` (quick-xml does not check).
                    if raw.as_bytes().contains(&b']') && raw.contains("]]>") {
                        return Err(self.err("']]>' is not allowed in text"));
                    }
                    let text = normalize_newlines(raw);
                    let text = unescape(&text).map_err(|e| self.err(e))?;
                    self.text(&text)?;
                }
                Event::CData(c) => {
                    let raw = self.s(&c)?;
                    let text = normalize_newlines(raw).into_owned();
                    if self.depth == 0 {
                        return Err(self.err("CDATA outside the document element"));
                    }
                    self.text(&text)?;
                }
                Event::Comment(c) => {
                    let raw = self.s(&c)?;
                    self.misc(Node::Comment(normalize_newlines(raw).into_owned()));
                }
                Event::PI(p) => {
                    let raw = self.s(&p)?;
                    let raw = normalize_newlines(raw);
                    let (target, data) = match raw.find(|c: char| c.is_ascii_whitespace()) {
                        Some(i) => (&raw[..i], raw[i..].trim_start()),
                        None => (&raw[..], ""),
                    };
                    if target.eq_ignore_ascii_case("xml") {
                        return Err(self.err("misplaced XML declaration"));
                    }
                    self.misc(Node::Pi {
                        target: target.to_string(),
                        data: data.to_string(),
                    });
                }
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            return Err(
                                self.err(format!("encoding {enc} is not supported; send UTF-8"))
                            );
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(self.err("DTDs and entity declarations are refused"));
                }
                Event::Eof => break,
            }
        }
        if self.depth != 0 {
            return Err(self.err("document ended inside an element"));
        }
        let root = self
            .root
            .take()
            .ok_or_else(|| self.err("no document element"))?;
        Ok(Document {
            before: self.before,
            root,
            after: self.after,
        })
    }

    fn misc(&mut self, node: Node) {
        if let Some(top) = self.top_mut() {
            top.children.push(node);
        } else if self.root.is_none() {
            self.before.push(node);
        } else {
            self.after.push(node);
        }
    }

    fn text(&mut self, text: &str) -> Result<()> {
        if text.len() > self.limits.max_text {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "text node of {} bytes exceeds the limit of {}",
                    text.len(),
                    self.limits.max_text
                ),
            ));
        }
        match self.top_mut() {
            Some(top) => {
                if let Some(Node::Text(prev)) = top.children.last_mut() {
                    prev.push_str(text);
                } else {
                    top.children.push(Node::Text(XStr::new(text)));
                }
                Ok(())
            }
            None if super::tree::is_whitespace(text) => Ok(()),
            None => Err(self.err("text outside the document element")),
        }
    }

    /// Put a new element in its parent (or make it the root); `open` when its end tag is
    /// still to come.
    fn place(&mut self, el: Element, open: bool) -> Result<()> {
        if self.depth == 0 {
            if self.root.is_some() {
                return Err(self.err("more than one document element"));
            }
            self.root = Some(el);
            if open {
                self.depth = 1;
            }
            return Ok(());
        }
        let parent = match self.top_mut() {
            Some(p) => p,
            None => return Err(self.err("lost the open element")),
        };
        parent.children.push(Node::Element(el));
        let idx = parent.children.len() - 1;
        if open {
            self.path.push(idx);
            self.depth += 1;
        }
        Ok(())
    }

    fn start(&mut self, s: &BytesStart<'_>) -> Result<Element> {
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("more than {} elements", self.limits.max_elements),
            ));
        }
        if self.depth + 1 > self.limits.max_depth {
            let p = self.open_names(8);
            return Err(Error::at(
                ErrorKind::LimitExceeded,
                p.join("/") + "/...",
                format!("nesting deeper than {} elements", self.limits.max_depth),
            ));
        }
        let qname = self.s(s.name().into_inner())?;
        let (prefix, local) = self.split_qname(qname)?;
        let mut el = Element {
            local: XStr::new(local),
            ..Default::default()
        };
        self.marks.push(self.bindings.len());
        // Pass 1: namespace declarations bind before any name on the element is resolved;
        // the other attributes wait in `plain` as (prefix, local, value).
        let mut plain = std::mem::take(&mut self.scratch);
        plain.clear();
        let raw = self.s(s.attributes_raw())?;
        let b = raw.as_bytes();
        let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        let mut i = 0;
        let mut count = 0usize;
        loop {
            let gap = i;
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            if i == b.len() {
                break;
            }
            if i == gap {
                return Err(self.err(format!(
                    "attributes of <{qname}> must be separated by white space"
                )));
            }
            count += 1;
            if count > self.limits.max_attributes {
                return Err(Error::at(
                    ErrorKind::LimitExceeded,
                    qname,
                    format!("more than {} attributes", self.limits.max_attributes),
                ));
            }
            let name_start = i;
            while i < b.len() && !ws(b[i]) && !matches!(b[i], b'=' | b'"' | b'\'' | b'<' | b'>') {
                i += 1;
            }
            let aname = &raw[name_start..i];
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            if aname.is_empty() || i == b.len() || b[i] != b'=' {
                return Err(self.err(format!(
                    "bad attribute on <{qname}>: expected name=\"value\""
                )));
            }
            i += 1;
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            let quote = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => {
                    return Err(self.err(format!(
                        "bad attribute {aname} on <{qname}>: value is not quoted"
                    )))
                }
            };
            let vstart = i + 1;
            let vend = match b[vstart..].iter().position(|&c| c == quote) {
                Some(n) => vstart + n,
                None => {
                    return Err(self.err(format!(
                        "bad attribute {aname} on <{qname}>: unterminated value"
                    )))
                }
            };
            i = vend + 1;
            let rawv = &raw[vstart..vend];
            let value = if super::scan::raw_attr_special(rawv.as_bytes()).is_none() {
                XStr::new(rawv)
            } else {
                // XML 1.0 [10] AttValue: a literal '<' is not allowed.
                if rawv.contains('<') {
                    return Err(self.err(format!(
                        "'<' is not allowed in an attribute value on <{qname}>"
                    )));
                }
                self.attr_value(rawv)?
            };
            let decl = if aname == "xmlns" {
                Some(None)
            } else {
                aname.strip_prefix("xmlns:").map(Some)
            };
            if let Some(dprefix) = decl {
                if let Some(p) = dprefix {
                    if p.is_empty() || p.contains(':') || !is_name(p) {
                        return Err(
                            self.err(format!("bad namespace declaration {aname} on <{qname}>"))
                        );
                    }
                    if value.is_empty() {
                        return Err(
                            self.err("a prefixed namespace declaration cannot be empty in XML 1.0")
                        );
                    }
                    if p == "xmlns" || (p == "xml" && value != ns::XML) {
                        return Err(self.err(format!("the prefix '{p}' cannot be declared")));
                    }
                }
                // Namespaces 1.0 section 3: only `xml` is bound to the XML namespace, and
                // nothing to the xmlns one.
                if (value == ns::XML && dprefix != Some("xml")) || value == ns::XMLNS {
                    return Err(self.err(format!(
                        "{aname} cannot bind the reserved namespace {value}"
                    )));
                }
                if el.ns_decls.iter().any(|d| d.prefix.as_deref() == dprefix) {
                    return Err(self.err(format!("duplicate namespace declaration on <{qname}>")));
                }
                let prefix = dprefix.map(XStr::new);
                self.bindings.push((prefix.clone(), value.clone()));
                el.ns_decls.push(NsDecl { prefix, uri: value });
                continue;
            }
            let (ap, al) = self.split_qname(aname)?;
            plain.push((ap.map(XStr::new), XStr::new(al), value));
        }
        // The element's namespace; the prefix is copied from its binding.
        match prefix {
            None => el.ns = self.lookup(None).filter(|u| !u.is_empty()).cloned(),
            Some("xml") => {
                el.prefix = Some(XStr::from_static("xml"));
                el.ns = Some(XStr::from_static(ns::XML));
            }
            Some(p) => match self.binding(p) {
                Some((bp, u)) => {
                    el.prefix = Some(bp.clone());
                    el.ns = Some(u.clone());
                }
                None => return Err(self.err(format!("undeclared prefix '{p}' on element"))),
            },
        }
        // Pass 2: the other attributes, resolved (an unprefixed attribute is in no namespace).
        el.attrs.reserve_exact(plain.len());
        for (aprefix, alocal, value) in plain.drain(..) {
            let ans = match aprefix.as_deref() {
                None => None,
                Some("xml") => Some(XStr::from_static(ns::XML)),
                Some(p) => match self.lookup(Some(p)) {
                    Some(u) => Some(u.clone()),
                    None => return Err(self.err(format!("undeclared prefix '{p}' on attribute"))),
                },
            };
            if el.attrs.iter().any(|x| x.local == alocal && x.ns == ans) {
                return Err(self.err(format!("duplicate attribute {alocal} on <{qname}>")));
            }
            el.attrs.push(Attribute {
                prefix: aprefix,
                local: alocal,
                ns: ans,
                value,
            });
        }
        self.scratch = plain;
        Ok(el)
    }

    /// Split `prefix:local`; an empty part or a second colon is not a QName.
    fn split_qname<'q>(&self, q: &'q str) -> Result<(Option<&'q str>, &'q str)> {
        if !is_name(q) {
            return Err(self.err(format!("'{q}' is not an XML name")));
        }
        // Byte search: `str::find(char)` goes through the general char searcher.
        let b = q.as_bytes();
        let r = match b.iter().position(|&c| c == b':') {
            None => (None, q),
            Some(i) => (Some(&q[..i]), &q[i + 1..]),
        };
        // Namespaces [7]: prefix and local part are each an NCName (a name without colons).
        if r.1.is_empty()
            || r.0 == Some("")
            || (r.0.is_some() && (r.1.as_bytes().contains(&b':') || !is_name(r.1)))
        {
            return Err(self.err(format!("'{q}' is not a qualified name")));
        }
        Ok(r)
    }

    /// The binding (prefix as declared, URI) of a named prefix in scope.
    fn binding(&self, prefix: &str) -> Option<(&XStr, &XStr)> {
        self.bindings.iter().rev().find_map(|(p, u)| match p {
            Some(p) if p == prefix => Some((p, u)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve() {
        let d = parse(br#"<?xml version="1.0" encoding="utf-8"?><a:x xmlns:a="urn:a" xmlns="urn:d" a:k="v" k2="w"><y/><a:z xmlns="">t &amp; &#x41;</a:z></a:x>"#).unwrap();
        assert!(d.root.is("urn:a", "x"));
        assert_eq!(d.root.attr(Some("urn:a"), "k"), Some("v"));
        assert_eq!(d.root.attr(None, "k2"), Some("w"));
        let kids: Vec<_> = d.root.elements().collect();
        assert!(kids[0].is("urn:d", "y"));
        assert!(kids[1].is("urn:a", "z"));
        assert_eq!(kids[1].text(), "t & A");
        assert_eq!(kids[1].ns_decls[0].uri, "");
    }

    #[test]
    fn refuses_dtd_and_entities() {
        let e = parse(b"<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MalformedXml);
        assert!(e.message().contains("DTD"));
        let e = parse(b"<x>&a;</x>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MalformedXml);
    }

    #[test]
    fn malformed_inputs_are_typed_errors() {
        for bad in [
            &b""[..],
            b"<",
            b"<a>",
            b"<a></b>",
            b"<a/><b/>",
            b"text",
            b"<p:a/>",
            b"<a p:x='1'/>",
            b"<a x='1' x='2'/>",
            b"<a xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>",
            b"\xff\xfe<a/>",
            b"<a>\xc3</a>",
            b"<?xml version='1.0' encoding='latin1'?><a/>",
            b"<a\0/>",
            b"<a>\x01</a>",
            b"<a>&#0;</a>",
            b"<a x='&#1;'/>",
            b"<a x='1'y='2'/>",
            b"<p:a xmlns:p='u' xmlns:q='u'></q:a>",
            b"<a><b></a></b>",
            b"<ab></a>",
            b"<p:a xmlns:p='u'></a>",
            b"<a x/>",
            b"<a x=1/>",
            b"<a =''/>",
            b"<a x='1/>",
            b"<a x=\"1'/>",
            b"<:a/>",
            b"<a:/>",
            b"<p:a:b xmlns:p='u'/>",
            b"<a xmlns:=''/>",
            b"<a xmlns:p='u' xmlns:p='v'/>",
            b"<a xmlns:xmlns='u'/>",
            b"<a x:='1'/>",
            b"<e=1/>",
            b"<a>x]]>y</a>",
            b"<p:1a xmlns:p='u'/>",
            b"<a xmlns:ml='http://www.w3.org/XML/1998/namespace'/>",
            b"<a xmlns='http://www.w3.org/XML/1998/namespace'/>",
            b"<a xmlns:p='http://www.w3.org/2000/xmlns/'/>",
            b"<a xmlns:p='u' p:-x='1'/>",
            b"<#e/>",
            b"<1a/>",
            b"<a 1x='1'/>",
            b"<a x$='1'/>",
            b"<a xmlns:3='u'/>",
            b"<-a/>",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::MalformedXml,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn limits_enforced() {
        let deep = "<a>".repeat(200) + &"</a>".repeat(200);
        assert_eq!(
            parse(deep.as_bytes()).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
        let l = Limits {
            max_elements: 10,
            ..Default::default()
        };
        let many = format!("<a>{}</a>", "<b/>".repeat(20));
        assert_eq!(
            parse_with(many.as_bytes(), &l).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
        let l = Limits {
            max_size: 10,
            ..Default::default()
        };
        assert_eq!(
            parse_with(b"<aaaaaaaaaaaaaaaa/>", &l).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
        let l = Limits {
            max_attributes: 2,
            ..Default::default()
        };
        assert_eq!(
            parse_with(b"<a x='1' y='2' z='3'/>", &l)
                .unwrap_err()
                .kind(),
            ErrorKind::LimitExceeded
        );
        let l = Limits {
            max_text: 4,
            ..Default::default()
        };
        assert_eq!(
            parse_with(b"<a>12345</a>", &l).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
    }

    #[test]
    fn escaped_namespace_uris_resolve_unescaped() {
        let d = parse(b"<a:x xmlns:a='urn:a&amp;b&#x9;c\td'><a:y a:k='v'/></a:x>").unwrap();
        assert_eq!(d.root.ns.as_deref(), Some("urn:a&b\tc d"));
        assert_eq!(d.root.ns_decls[0].uri, "urn:a&b\tc d");
        let y = d.root.elements().next().unwrap();
        assert_eq!(y.attrs[0].ns.as_deref(), Some("urn:a&b\tc d"));
        assert_eq!(
            parse(b"<a x='<'/>").unwrap_err().kind(),
            ErrorKind::MalformedXml
        );
        assert_eq!(
            parse(b"<a xmlns:p='u<v'/>").unwrap_err().kind(),
            ErrorKind::MalformedXml
        );
    }

    #[test]
    fn normalizes_attributes_and_newlines() {
        let d = parse(b"<a x='1\t2\r\n3&#10;4'>l1\r\nl2\rl3<![CDATA[<&>]]></a>").unwrap();
        assert_eq!(d.root.attr(None, "x"), Some("1 2 3\n4"));
        assert_eq!(d.root.text(), "l1\nl2\nl3<&>");
    }
}
