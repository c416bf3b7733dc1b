//! Parsing bytes into an arena [`Doc`] (and from it the owned tree), under [`Limits`].
//!
//! The markup loop is this module's own: one pass over each tag finds its name, its
//! attributes and its end, which quick-xml's reader (an event per tag, then a second scan
//! of the attributes, and a copy of every start tag's name on a stack of its own) did in
//! three; quick-xml still unescapes references. `core/tests/wellformed_vs_libxml2.rs`
//! holds the result to libxml2's verdicts.
//!
//! DTDs (and with them every entity declaration) are refused outright: a SOAP message
//! must not contain one (SOAP 1.1 section 3, SOAP 1.2 part 1 section 5), and refusing them
//! closes entity-expansion and external-entity attacks at the door. Only the five
//! predefined entities and character references are expanded.

use super::arena::{AttrSlot, DeclSlot, Doc, ElSlot, Kind, NONE, NO_NS, XML_NS};
use super::spare::{self, relabel};
use super::tree::Document;
use super::view::ElementRef;
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use std::borrow::Cow;
use std::cell::RefCell;

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

/// Parse a document under the default limits into the owned tree.
pub fn parse(input: &[u8]) -> Result<Document> {
    parse_with(input, &Limits::default())
}

/// Parse a document under `limits` into the owned tree.
pub fn parse_with(input: &[u8], limits: &Limits) -> Result<Document> {
    Ok(parse_doc_with(input, limits)?.to_document())
}

/// Parse a document under the default limits into an arena [`Doc`] borrowing `input`.
pub fn parse_doc(input: &[u8]) -> Result<Doc<'_>> {
    parse_doc_with(input, &Limits::default())
}

/// Parse a document under `limits` into an arena [`Doc`] borrowing `input`.
pub fn parse_doc_with<'a>(input: &'a [u8], limits: &Limits) -> Result<Doc<'a>> {
    Parser::new(input, limits)?.run()
}

/// The parser's working stacks, kept per thread between parses (see [`super::spare`]).
#[derive(Default)]
struct ParserSpare {
    open: Vec<u32>,
    bindings: Vec<(Option<&'static str>, u32)>,
    marks: Vec<usize>,
    scratch: Vec<(Option<&'static str>, &'static str, Cow<'static, str>)>,
}

thread_local! {
    static PARSER_SPARE: RefCell<ParserSpare> = RefCell::new(ParserSpare::default());
}

struct Parser<'a, 'l> {
    /// Where the markup loop is (byte offset into `src`), for error messages.
    pos: usize,
    src: &'a str,
    limits: &'l Limits,
    doc: Doc<'a>,
    /// Open elements, outermost first (node numbers).
    open: Vec<u32>,
    /// In-scope namespace bindings, innermost last: (prefix, declaration); prefix None =
    /// default. A name refers to its declaration instead of carrying a copy of the URI.
    bindings: Vec<(Option<&'a str>, u32)>,
    /// `bindings.len()` before each open element's own declarations.
    marks: Vec<usize>,
    /// Reused buffer for an element's non-declaration attributes awaiting resolution.
    scratch: Vec<(Option<&'a str>, &'a str, Cow<'a, str>)>,
    elements: usize,
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
/// cover nearly all of them). A name like `e=1` or `1a` read as a name here but refused by
/// other parsers would be a parser differential.
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

/// Byte classes of XML names (ASCII exactly; every non-ASCII byte is let through as
/// [`is_name`] does): bit 0 may start a name, bit 1 may continue one. The colon is in
/// neither: [`scan_name`] counts it apart.
const NAME_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            t[i] = 3;
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            t[i] = 2;
        }
        i += 1;
    }
    t
};

/// The name starting at `at`: (its end, the position of its last colon, how many colons).
/// Stops at the first byte that is neither a name byte nor a colon.
#[inline]
fn scan_name(b: &[u8], at: usize) -> (usize, usize, usize) {
    let (mut end, mut colon, mut colons) = (at, 0, 0);
    while let Some(&c) = b.get(end) {
        if NAME_BYTES[c as usize] == 0 {
            if c != b':' {
                break;
            }
            colon = end;
            colons += 1;
        }
        end += 1;
    }
    (end, colon, colons)
}

/// The (prefix, local) parts of the name [`scan_name`] found at `at` (its result is
/// `scan`), when it is a Namespaces in XML [7] QName: each part an NCName. None when not.
#[inline]
fn qname_at(src: &str, at: usize, scan: (usize, usize, usize)) -> Option<(Option<&str>, &str)> {
    let (end, colon, colons) = scan;
    let b = src.as_bytes();
    let starts = |i: usize| i < end && NAME_BYTES[b[i] as usize] & 1 != 0;
    match colons {
        0 if starts(at) => Some((None, &src[at..end])),
        1 if starts(at) && starts(colon + 1) => Some((Some(&src[at..colon]), &src[colon + 1..end])),
        _ => None,
    }
}

/// True when `name` (an end tag's name) is the element's qualified name as written.
fn qname_is(prefix: Option<&str>, local: &str, name: &[u8]) -> bool {
    let local = local.as_bytes();
    match prefix {
        Some(p) => {
            let p = p.as_bytes();
            name.len() == p.len() + 1 + local.len()
                && super::scan::same_name(&name[..p.len()], p)
                && name[p.len()] == b':'
                && super::scan::same_name(&name[p.len() + 1..], local)
        }
        None => super::scan::same_name(name, local),
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

/// XML white space (S).
#[inline]
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Position of `needle` in `b` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(b.get(from..)?, needle).map(|i| from + i)
}

/// Character data as the document means it: line ends normalized, references expanded;
/// borrowed from the input when neither changes anything.
fn text_value(raw: &str) -> std::result::Result<Cow<'_, str>, String> {
    if !raw.as_bytes().iter().any(|&b| b == b'\r' || b == b'&') {
        return Ok(Cow::Borrowed(raw));
    }
    let norm = normalize_newlines(raw);
    Ok(Cow::Owned(unescape(&norm)?.into_owned()))
}

impl<'a, 'l> Parser<'a, 'l> {
    fn new(input: &'a [u8], limits: &'l Limits) -> Result<Self> {
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
        // any document (one pass here covers names, text, values, comments and PIs).
        if let Some(pos) = find_control(input) {
            return Err(Error::new(
                ErrorKind::MalformedXml,
                format!(
                    "control character 0x{:02x} is not allowed in XML (at byte {pos})",
                    input[pos]
                ),
            ));
        }
        let stacks = spare::take(&PARSER_SPARE);
        Ok(Parser {
            pos: 0,
            src,
            limits,
            // About one node per 40 bytes of a typical SOAP message.
            doc: Doc::with_capacity(input.len() / 40 + 4),
            open: relabel(stacks.open),
            bindings: relabel(stacks.bindings),
            marks: relabel(stacks.marks),
            scratch: relabel(stacks.scratch),
            elements: 0,
        })
    }

    /// An attribute value (or namespace declaration) as the document wrote it, white space
    /// normalized and references expanded. The start-tag scanner calls it only for the
    /// rare value its own scan found special (a call per value measured ~3% of verify).
    fn attr_value(&self, raw: &str) -> Result<Cow<'a, str>> {
        let norm = normalize_attr(raw);
        Ok(Cow::Owned(
            unescape(&norm).map_err(|e| self.err(e))?.into_owned(),
        ))
    }

    /// The declaration bound to `prefix` (None = the default namespace) in scope.
    fn lookup(&self, prefix: Option<&str>) -> Option<u32> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| match (p, prefix) {
                (Some(a), Some(b)) => super::scan::same_name(a.as_bytes(), b.as_bytes()),
                (None, None) => true,
                _ => false,
            })
            .map(|&(_, d)| d)
    }

    fn err(&self, msg: impl std::fmt::Display) -> Error {
        malformed(&self.open_names(8), self.pos as u64, msg)
    }

    /// The qualified names of the first `max` open elements, root first.
    fn open_names(&self, max: usize) -> Vec<String> {
        self.open
            .iter()
            .take(max)
            .filter_map(|&id| self.doc.element(id).map(|e| e.qname()))
            .collect()
    }

    fn run(mut self) -> Result<Doc<'a>> {
        let r = self.events();
        let kept = ParserSpare {
            open: relabel(std::mem::take(&mut self.open)),
            bindings: relabel(std::mem::take(&mut self.bindings)),
            marks: relabel(std::mem::take(&mut self.marks)),
            scratch: relabel(std::mem::take(&mut self.scratch)),
        };
        let caps = [
            kept.open.capacity(),
            kept.bindings.capacity(),
            kept.marks.capacity(),
            kept.scratch.capacity(),
        ];
        spare::keep(&PARSER_SPARE, kept, &caps);
        r.map(|()| self.doc)
    }

    /// The markup loop: text up to the next `<`, then the markup it starts (an end tag, a
    /// PI, a comment, CDATA, a refused DTD, or a start tag read by [`Parser::start`]).
    fn events(&mut self) -> Result<()> {
        let src = self.src;
        let b = src.as_bytes();
        // XML 1.0 [23]: the declaration, only at the very start.
        if b.starts_with(b"<?xml") && b.get(5).is_some_and(|&c| is_ws(c)) {
            let end =
                find(b, self.pos + 5, b"?>").ok_or_else(|| self.err("unclosed XML declaration"))?;
            self.declaration(&src[5..end])?;
            self.pos = end + 2;
        }
        loop {
            let at = self.pos;
            // Markup right after markup (no text between tags) is the common case in SOAP:
            // it needs no search.
            let lt = if b.get(at) == Some(&b'<') {
                at
            } else {
                memchr::memchr(b'<', b.get(at..).unwrap_or_default()).map_or(b.len(), |i| at + i)
            };
            if lt > at {
                self.on_text(&src[at..lt])?;
            }
            if lt == b.len() {
                break;
            }
            self.pos = lt;
            match b.get(lt + 1) {
                Some(b'/') => {
                    let gt = memchr::memchr(b'>', &b[lt + 2..])
                        .map(|i| lt + 2 + i)
                        .ok_or_else(|| self.err("unclosed end tag"))?;
                    let name =
                        src[lt + 2..gt].trim_end_matches(|c: char| is_ws(c as u8) && c.is_ascii());
                    self.end(name.as_bytes())?;
                    self.pos = gt + 1;
                }
                Some(b'?') => {
                    let end = find(b, lt + 2, b"?>")
                        .ok_or_else(|| self.err("unclosed processing instruction"))?;
                    self.pi(&src[lt + 2..end])?;
                    self.pos = end + 2;
                }
                Some(b'!') => {
                    let rest = &b[lt..];
                    if rest.starts_with(b"<!--") {
                        let end =
                            find(b, lt + 4, b"-->").ok_or_else(|| self.err("unclosed comment"))?;
                        let body = &src[lt + 4..end];
                        // XML 1.0 [15]: no `--` inside, and no `-` just before the end.
                        if body.contains("--") || body.ends_with('-') {
                            return Err(self.err("'--' is not allowed in a comment"));
                        }
                        self.misc(Kind::Comment(normalize_newlines(body)));
                        self.pos = end + 3;
                    } else if rest.starts_with(b"<![CDATA[") {
                        let end = find(b, lt + 9, b"]]>")
                            .ok_or_else(|| self.err("unclosed CDATA section"))?;
                        if self.open.is_empty() {
                            return Err(self.err("CDATA outside the document element"));
                        }
                        self.text(normalize_newlines(&src[lt + 9..end]))?;
                        self.pos = end + 3;
                    } else if rest.len() >= 9 && rest[2..9].eq_ignore_ascii_case(b"DOCTYPE") {
                        return Err(self.err("DTDs and entity declarations are refused"));
                    } else {
                        return Err(self.err("unknown markup after '<!'"));
                    }
                }
                _ => self.pos = self.start(lt + 1)?,
            }
        }
        if !self.open.is_empty() {
            return Err(self.err("document ended inside an element"));
        }
        if self.doc.root == NONE {
            return Err(self.err("no document element"));
        }
        Ok(())
    }

    /// Character data between markup.
    fn on_text(&mut self, raw: &'a str) -> Result<()> {
        let text = if super::scan::raw_text_special(raw.as_bytes()).is_none() {
            Cow::Borrowed(raw)
        } else {
            // XML 1.0 [14]: character data never contains `]]>`.
            if raw.contains("]]>") {
                return Err(self.err("']]>' is not allowed in text"));
            }
            text_value(raw).map_err(|e| self.err(e))?
        };
        self.text(text)
    }

    /// An end tag named `name`: it must close the open element.
    fn end(&mut self, name: &[u8]) -> Result<()> {
        let Some(&top) = self.open.last() else {
            return Err(self.err("unexpected end tag"));
        };
        let matches = match &self.doc.nodes[top as usize].kind {
            Kind::Element(el) => qname_is(el.prefix.as_deref(), &el.local, name),
            _ => false,
        };
        if !matches {
            return Err(self.err(format!(
                "end tag </{}> does not match the open element",
                String::from_utf8_lossy(name)
            )));
        }
        let mark = self.marks.pop().unwrap_or(0);
        self.bindings.truncate(mark);
        self.open.pop();
        Ok(())
    }

    /// A processing instruction (`raw`: between `<?` and `?>`).
    fn pi(&mut self, raw: &'a str) -> Result<()> {
        let raw = normalize_newlines(raw);
        let (target, data) = match raw.find(|c: char| c.is_ascii_whitespace()) {
            Some(i) => (&raw[..i], raw[i..].trim_start()),
            None => (&raw[..], ""),
        };
        if target.eq_ignore_ascii_case("xml") {
            return Err(self.err("misplaced XML declaration"));
        }
        if !is_name(target) {
            return Err(self.err(format!("'{target}' is not a processing instruction target")));
        }
        let kind = Kind::Pi(Cow::Owned(target.to_string()), Cow::Owned(data.to_string()));
        self.misc(kind);
        Ok(())
    }

    /// The XML declaration (`raw`: between `<?xml` and `?>`): XML 1.0 [23]-[25], [32],
    /// [80]: `version` first ("1." and digits), then an optional `encoding` (only UTF-8 is
    /// read) and an optional `standalone` (yes / no), each `name = "value"`.
    fn declaration(&mut self, raw: &str) -> Result<()> {
        let bad = |p: &Self| p.err("malformed XML declaration");
        let mut rest = raw;
        let mut seen: Vec<&str> = Vec::with_capacity(3);
        loop {
            let trimmed = rest.trim_start_matches(|c: char| c.is_ascii() && is_ws(c as u8));
            if trimmed.is_empty() {
                break;
            }
            if trimmed.len() == rest.len() {
                return Err(bad(self));
            }
            let eq = trimmed.find('=').ok_or_else(|| bad(self))?;
            let name = trimmed[..eq].trim_end_matches(|c: char| c.is_ascii() && is_ws(c as u8));
            let after =
                trimmed[eq + 1..].trim_start_matches(|c: char| c.is_ascii() && is_ws(c as u8));
            let q = after
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| bad(self))?;
            let close = after[1..].find(q).ok_or_else(|| bad(self))?;
            let value = &after[1..1 + close];
            rest = &after[close + 2..];
            let order_ok = match name {
                "version" => seen.is_empty(),
                "encoding" => seen == ["version"],
                "standalone" => seen.first() == Some(&"version") && !seen.contains(&"standalone"),
                _ => false,
            };
            if !order_ok {
                return Err(bad(self));
            }
            match name {
                "version" => {
                    let digits = value.strip_prefix("1.").unwrap_or("");
                    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                        return Err(bad(self));
                    }
                }
                "encoding" => {
                    let enc = value.to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" {
                        return Err(
                            self.err(format!("encoding {enc} is not supported; send UTF-8"))
                        );
                    }
                }
                _ => {
                    if value != "yes" && value != "no" {
                        return Err(bad(self));
                    }
                }
            }
            seen.push(name);
        }
        if seen.first() != Some(&"version") {
            return Err(self.err("the XML declaration has no version"));
        }
        Ok(())
    }

    fn misc(&mut self, kind: Kind<'a>) {
        let parent = self.open.last().copied().unwrap_or(0);
        self.doc.append(parent, kind);
    }

    fn text(&mut self, text: Cow<'a, str>) -> Result<()> {
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
        let Some(&top) = self.open.last() else {
            if super::tree::is_whitespace(&text) {
                return Ok(());
            }
            return Err(self.err("text outside the document element"));
        };
        let last = self.doc.nodes[top as usize].last;
        if last != NONE {
            if let Kind::Text(prev) = &mut self.doc.nodes[last as usize].kind {
                prev.to_mut().push_str(&text);
                return Ok(());
            }
        }
        self.doc.append(top, Kind::Text(text));
        Ok(())
    }

    /// Put a new element in its parent (or make it the root); `open` when its end tag is
    /// still to come. Inlined into [`Parser::start`], so the node is written once, in place.
    #[inline(always)]
    fn place(&mut self, el: ElSlot<'a>, open: bool) -> Result<()> {
        let parent = match self.open.last() {
            Some(&p) => p,
            None => {
                if self.doc.root != NONE {
                    return Err(self.err("more than one document element"));
                }
                0
            }
        };
        let id = self.doc.append(parent, Kind::Element(el));
        if parent == 0 {
            self.doc.root = id;
        }
        if open {
            self.open.push(id);
        }
        Ok(())
    }

    /// Read the start tag (or empty-element tag) whose name begins at byte `at`, place the
    /// element, and return where the tag ends. The name, the attributes and the tag's end
    /// are found in one pass (attribute values are scanned for their closing quote, so a
    /// `>` inside one does not end the tag).
    fn start(&mut self, at: usize) -> Result<usize> {
        let src = self.src;
        let b = src.as_bytes();
        let scan = scan_name(b, at);
        let qname = &src[at..scan.0];
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("more than {} elements", self.limits.max_elements),
            ));
        }
        if self.open.len() + 1 > self.limits.max_depth {
            let p = self.open_names(8);
            return Err(Error::at(
                ErrorKind::LimitExceeded,
                p.join("/") + "/...",
                format!("nesting deeper than {} elements", self.limits.max_depth),
            ));
        }
        let Some((prefix, local)) = qname_at(src, at, scan) else {
            return Err(self.name_error(qname));
        };
        let name_end = scan.0;
        self.marks.push(self.bindings.len());
        let decl_start = self.doc.decls.len() as u32;
        // Pass 1: namespace declarations bind before any name on the element is resolved;
        // the other attributes wait in `plain` as (prefix, local, value).
        let mut plain = std::mem::take(&mut self.scratch);
        plain.clear();
        let raw = src;
        let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        let mut i = name_end;
        let mut count = 0usize;
        let open = loop {
            let gap = i;
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            match b.get(i) {
                None => return Err(self.err("unclosed start tag")),
                Some(b'>') => {
                    i += 1;
                    break true;
                }
                Some(b'/') => {
                    if b.get(i + 1) != Some(&b'>') {
                        return Err(self.err(format!("'/' in <{qname}> is not followed by '>'")));
                    }
                    i += 2;
                    break false;
                }
                Some(_) => {}
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
            // The name, split at its colon in the same pass (Namespaces [7] QName).
            let name_start = i;
            let scan = scan_name(b, i);
            i = scan.0;
            let aname = &raw[name_start..i];
            let Some((ap, al)) = qname_at(src, name_start, scan) else {
                if aname.is_empty()
                    || i == b.len()
                    || !matches!(b[i], b'=' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    return Err(self.err(format!(
                        "bad attribute on <{qname}>: expected name=\"value\""
                    )));
                }
                return Err(self.err(format!("'{aname}' is not a qualified name")));
            };
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            if i == b.len() || b[i] != b'=' {
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
            let stop = super::scan::raw_attr_stop(&b[vstart..], quote).map(|n| vstart + n);
            let vend = match stop {
                Some(n) if b[n] == quote => Some(n),
                Some(n) => super::scan::find_byte(&b[n..], quote).map(|m| n + m),
                None => None,
            };
            let Some(vend) = vend else {
                return Err(self.err(format!(
                    "bad attribute {aname} on <{qname}>: unterminated value"
                )));
            };
            i = vend + 1;
            let rawv = &raw[vstart..vend];
            let value = if stop == Some(vend) {
                Cow::Borrowed(rawv)
            } else {
                // XML 1.0 [10] AttValue: a literal '<' is not allowed.
                if rawv.contains('<') {
                    return Err(self.err(format!(
                        "'<' is not allowed in an attribute value on <{qname}>"
                    )));
                }
                self.attr_value(rawv)?
            };
            let decl = match (ap, al) {
                (None, "xmlns") => Some(None),
                (Some("xmlns"), p) => Some(Some(p)),
                _ => None,
            };
            if let Some(dprefix) = decl {
                if let Some(p) = dprefix {
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
                if self.doc.decls[decl_start as usize..]
                    .iter()
                    .any(|d| d.prefix.as_deref() == dprefix)
                {
                    return Err(self.err(format!("duplicate namespace declaration on <{qname}>")));
                }
                let idx = self.doc.decls.len() as u32;
                self.bindings.push((dprefix, idx));
                // A well-known namespace becomes the crate's constant, so that every name
                // test against it (`ElementRef::is`) is a pointer comparison.
                let uri = match super::xstr::known(&value) {
                    Some(k) => Cow::Borrowed(k),
                    None => value,
                };
                self.doc.decls.push(DeclSlot {
                    prefix: dprefix.map(Cow::Borrowed),
                    uri,
                });
                continue;
            }
            plain.push((ap, al, value));
        };
        let decls = (decl_start, self.doc.decls.len() as u32);
        // The element's namespace.
        let ens = match prefix {
            None => match self.lookup(None) {
                Some(d) if !self.doc.decls[d as usize].uri.is_empty() => d,
                _ => NO_NS,
            },
            Some("xml") => XML_NS,
            Some(p) => match self.lookup(Some(p)) {
                Some(d) => d,
                None => return Err(self.err(format!("undeclared prefix '{p}' on element"))),
            },
        };
        // Pass 2: the other attributes, resolved (an unprefixed attribute is in no namespace).
        let attr_start = self.doc.attrs.len() as u32;
        for (aprefix, alocal, value) in plain.drain(..) {
            let ans = match aprefix {
                None => NO_NS,
                Some("xml") => XML_NS,
                Some(p) => match self.lookup(Some(p)) {
                    Some(d) => d,
                    None => return Err(self.err(format!("undeclared prefix '{p}' on attribute"))),
                },
            };
            let uri = self.doc.ns_uri(ans);
            if self.doc.attrs[attr_start as usize..]
                .iter()
                .any(|x| x.local == alocal && self.doc.ns_uri(x.ns) == uri)
            {
                return Err(self.err(format!("duplicate attribute {alocal} on <{qname}>")));
            }
            self.doc.attrs.push(AttrSlot {
                prefix: aprefix.map(Cow::Borrowed),
                local: Cow::Borrowed(alocal),
                ns: ans,
                value,
            });
        }
        self.scratch = plain;
        let el = ElSlot {
            prefix: prefix.map(Cow::Borrowed),
            local: Cow::Borrowed(local),
            ns: ens,
            attrs: (attr_start, self.doc.attrs.len() as u32),
            decls,
        };
        self.place(el, open)?;
        if !open {
            let mark = self.marks.pop().unwrap_or(0);
            self.bindings.truncate(mark);
        }
        Ok(i)
    }

    /// The error for a name that is not a QName: not an XML name at all, or one whose
    /// colons do not split it into two NCNames.
    fn name_error(&self, name: &str) -> Error {
        if is_name(name) {
            self.err(format!("'{name}' is not a qualified name"))
        } else {
            self.err(format!("'{name}' is not an XML name"))
        }
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
