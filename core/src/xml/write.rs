//! Serializing the tree.
//!
//! The writer emits the declarations an element carries and, on top of those, any
//! declaration its own prefix or its attributes' prefixes need that is not in scope. So a
//! subtree cut out of a document writes standalone, and elements built in code need not
//! declare anything themselves.

use super::tree::{Document, Element, Node};
use super::xstr::XStr;
use crate::ns;

/// Serialize a document (no XML declaration).
pub fn document_to_string(doc: &Document) -> String {
    let mut out = String::with_capacity(1024);
    write_document(doc, &mut out);
    out
}

/// Append a serialized document to `out` (size `out` for the result to avoid regrowing).
pub fn write_document(doc: &Document, out: &mut String) {
    for n in &doc.before {
        write_node(n, &mut Scope::default(), out);
    }
    write_element(&doc.root, out);
    for n in &doc.after {
        write_node(n, &mut Scope::default(), out);
    }
}

/// Serialize an element and its subtree standalone.
pub fn element_to_string(el: &Element) -> String {
    let mut out = String::with_capacity(512);
    write_element(el, &mut out);
    out
}

/// Append an element standalone to `out`.
pub fn write_element(el: &Element, out: &mut String) {
    let mut scope = Scope::default();
    write_el(el, &mut scope, out);
}

/// Append `el` written inside an element where `scope` (prefix, URI; innermost last) is
/// in force: declarations already in scope are not repeated.
pub(crate) fn write_element_in(el: &Element, scope: &[(&str, &str)], out: &mut String) {
    let mut s = Scope {
        bindings: scope.to_vec(),
    };
    write_el(el, &mut s, out);
}

/// Prefix bindings in force while writing: a stack of (prefix, uri); "" prefix = default.
#[derive(Default)]
struct Scope<'a> {
    bindings: Vec<(&'a str, &'a str)>,
}

impl<'a> Scope<'a> {
    fn lookup(&self, prefix: &str) -> Option<&'a str> {
        if prefix == "xml" {
            return Some(ns::XML);
        }
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, u)| *u)
    }
}

fn write_node<'a>(n: &'a Node, scope: &mut Scope<'a>, out: &mut String) {
    match n {
        Node::Element(e) => write_el(e, scope, out),
        Node::Text(t) => escape_text(t, out),
        Node::Comment(c) => {
            out.push_str("<!--");
            out.push_str(c);
            out.push_str("-->");
        }
        Node::Pi { target, data } => {
            out.push_str("<?");
            out.push_str(target);
            if !data.is_empty() {
                out.push(' ');
                out.push_str(data);
            }
            out.push_str("?>");
        }
    }
}

fn write_el<'a>(el: &'a Element, scope: &mut Scope<'a>, out: &mut String) {
    let mark = scope.bindings.len();
    out.push('<');
    if let Some(p) = &el.prefix {
        out.push_str(p);
        out.push(':');
    }
    out.push_str(&el.local);
    for d in &el.ns_decls {
        let p = d.prefix.as_deref().unwrap_or("");
        if p == "xml" {
            continue;
        }
        write_decl(p, &d.uri, d.uri.is_well_known(), out);
        scope.bindings.push((p, &d.uri));
    }
    // The element's own prefix.
    let p = el.prefix.as_deref().unwrap_or("");
    let want = el.ns.as_deref().unwrap_or("");
    if scope.lookup(p).unwrap_or("") != want {
        write_decl(
            p,
            want,
            el.ns.as_ref().is_some_and(XStr::is_well_known),
            out,
        );
        scope.bindings.push((p, want));
    }
    for a in &el.attrs {
        if let (Some(ap), Some(ans)) = (a.prefix.as_deref(), a.ns.as_deref()) {
            if scope.lookup(ap) != Some(ans) {
                write_decl(ap, ans, a.ns.as_ref().is_some_and(XStr::is_well_known), out);
                scope.bindings.push((ap, ans));
            }
        }
    }
    for a in &el.attrs {
        out.push(' ');
        match (a.prefix.as_deref(), a.ns.as_deref()) {
            (Some(ap), _) => {
                out.push_str(ap);
                out.push(':');
            }
            (None, Some(_)) => {
                // A namespaced attribute built without a prefix: find or invent one.
                let ans = a.ns.as_deref().unwrap_or("");
                let found = scope
                    .bindings
                    .iter()
                    .rev()
                    .find(|(p, u)| !p.is_empty() && *u == ans)
                    .map(|(p, _)| *p);
                match found {
                    Some(p) => {
                        out.push_str(p);
                        out.push(':');
                    }
                    None => {
                        // Declaring inside the attribute list is fine in XML.
                        out.push_str("xmlns:ns0=\"");
                        escape_attr(ans, out);
                        out.push_str("\" ns0:");
                    }
                }
            }
            (None, None) => {}
        }
        out.push_str(&a.local);
        out.push_str("=\"");
        if a.value.is_well_known() {
            out.push_str(&a.value);
        } else {
            escape_attr(&a.value, out);
        }
        out.push('"');
    }
    if el.children.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        for c in &el.children {
            write_node(c, scope, out);
        }
        out.push_str("</");
        // The start tag's qname again (written from the element: copying it out of `out`
        // would cost an allocation per element).
        if let Some(p) = &el.prefix {
            out.push_str(p);
            out.push(':');
        }
        out.push_str(&el.local);
        out.push('>');
    }
    scope.bindings.truncate(mark);
}

/// `clean`: the URI is known to hold nothing to escape.
fn write_decl(prefix: &str, uri: &str, clean: bool, out: &mut String) {
    if prefix.is_empty() {
        out.push_str(" xmlns=\"");
    } else {
        out.push_str(" xmlns:");
        out.push_str(prefix);
        out.push_str("=\"");
    }
    if clean {
        out.push_str(uri);
    } else {
        escape_attr(uri, out);
    }
    out.push('"');
}

/// Escape character data: `&`, `<`, `>` and CR.
pub fn escape_text(s: &str, out: &mut String) {
    let mut last = 0;
    while let Some(i) = super::scan::text_special(&s.as_bytes()[last..]) {
        let i = last + i;
        out.push_str(&s[last..i]);
        out.push_str(match s.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&#xD;",
        });
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Escape an attribute value (double-quoted): `&`, `<`, `"`, tab, LF, CR.
pub fn escape_attr(s: &str, out: &mut String) {
    let mut last = 0;
    while let Some(i) = super::scan::attr_special(&s.as_bytes()[last..]) {
        let i = last + i;
        out.push_str(&s[last..i]);
        out.push_str(match s.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'"' => "&quot;",
            b'\t' => "&#x9;",
            b'\n' => "&#xA;",
            _ => "&#xD;",
        });
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn round_trip_preserves_meaning() {
        let src = r#"<a:x xmlns:a="urn:a" xmlns="urn:d" a:k="v&amp;&quot;&#10;" k2="w"><y>1 &lt; 2</y><a:z xmlns="">t</a:z><!--c--><?pi data?></a:x>"#;
        let d = parse(src.as_bytes()).unwrap();
        let out = document_to_string(&d);
        assert_eq!(
            out,
            r#"<a:x xmlns:a="urn:a" xmlns="urn:d" a:k="v&amp;&quot;&#xA;" k2="w"><y>1 &lt; 2</y><a:z xmlns="">t</a:z><!--c--><?pi data?></a:x>"#
        );
        assert_eq!(parse(out.as_bytes()).unwrap(), d);
    }

    #[test]
    fn subtree_declares_what_it_uses() {
        let d = parse(br#"<r xmlns:a="urn:a" xmlns:b="urn:b"><a:x b:attr="1"><a:y/></a:x></r>"#)
            .unwrap();
        let x = d.root.elements().next().unwrap();
        assert_eq!(
            element_to_string(x),
            r#"<a:x xmlns:a="urn:a" xmlns:b="urn:b" b:attr="1"><a:y/></a:x>"#
        );
    }

    #[test]
    fn built_elements_declare_prefixes() {
        let mut e = Element::new_static("urn:a", "a", "x");
        let mut c = Element::child_of_static("urn:a", "a", "c");
        c.set_attr_ns_static(crate::ns::WSU, "wsu", "Id", "id-1");
        e.push(c);
        e.push(Element::unqualified("plain"));
        assert_eq!(
            element_to_string(&e),
            format!(
                r#"<a:x xmlns:a="urn:a"><a:c xmlns:wsu="{}" wsu:Id="id-1"/><plain/></a:x>"#,
                crate::ns::WSU
            )
        );
        let mut d = Element::new_static("urn:d", "", "x");
        d.push(Element::unqualified("plain"));
        assert_eq!(
            element_to_string(&d),
            r#"<x xmlns="urn:d"><plain xmlns=""/></x>"#
        );
    }
}
