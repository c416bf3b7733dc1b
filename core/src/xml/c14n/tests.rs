//! Unit tests: the worked examples of the exc-c14n recommendation (section 2.2) and one
//! test per rule of its section 3. The corpus tests compare against libxml2.

use super::*;
use crate::xml::parse;
use crate::xml::tree::{Attribute, Node};
use crate::xml::XStr;

fn doc_c14n(src: &str, opts: &C14nOptions) -> String {
    document_to_string(&parse(src.as_bytes()).unwrap(), opts)
}

fn id_c14n(src: &str, id: &str, opts: &C14nOptions) -> String {
    let d = parse(src.as_bytes()).unwrap();
    let mut s = String::new();
    canonicalize_by_id(&d, id, opts, &mut s).unwrap();
    s
}

/// The element with local name `local` (first in document order) canonicalized as a subset.
fn local_c14n(src: &str, local: &str, opts: &C14nOptions) -> String {
    let d = parse(src.as_bytes()).unwrap();
    let mut target = None;
    d.root.walk(&mut |e| {
        if target.is_none() && e.local == local {
            target = Some(e);
        }
    });
    let t = target.unwrap();
    subtree_to_string(t, &InScope::locate(&d.root, t).unwrap(), opts)
}

const SPEC_2_2_FIRST: &str = "<n0:local xmlns:n0=\"foo:bar\" xmlns:n3=\"ftp://example.org\">
   <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">
       <n3:stuff xmlns:n3=\"ftp://example.org\"/>
   </n1:elem2>
</n0:local>";

const SPEC_2_2_SECOND: &str = "<n2:pdu xmlns:n1=\"http://example.com\"
           xmlns:n2=\"http://foo.example\"
           xml:lang=\"fr\"
           xml:space=\"retain\">
   <n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">
       <n3:stuff xmlns:n3=\"ftp://example.org\"/>
   </n1:elem2>
</n2:pdu>";

const SPEC_2_2_EXCLUSIVE: &str = "<n1:elem2 xmlns:n1=\"http://example.net\" xml:lang=\"en\">
       <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>
   </n1:elem2>";

#[test]
fn spec_2_2_exclusive_form_is_the_same_in_both_envelopes() {
    let o = C14nOptions::new();
    assert_eq!(local_c14n(SPEC_2_2_FIRST, "elem2", &o), SPEC_2_2_EXCLUSIVE);
    assert_eq!(local_c14n(SPEC_2_2_SECOND, "elem2", &o), SPEC_2_2_EXCLUSIVE);
}

#[test]
fn spec_2_2_prefix_list_gives_the_inclusive_namespace_rendering() {
    // Section 2.2 shows inclusive c14n of elem2 in the first document pulling n0 and n3
    // up to the apex; listing them in the PrefixList does the same for namespaces.
    let o = C14nOptions::new().prefixes("n0 n3");
    assert_eq!(
        local_c14n(SPEC_2_2_FIRST, "elem2", &o),
        "<n1:elem2 xmlns:n0=\"foo:bar\" xmlns:n1=\"http://example.net\" xmlns:n3=\"ftp://example.org\" xml:lang=\"en\">
       <n3:stuff></n3:stuff>
   </n1:elem2>"
    );
    // In the second, n2 comes up but xml:space does not: exclusive c14n never imports
    // xml:* attributes, whatever the list says.
    let o = C14nOptions::new().prefixes("n2");
    assert_eq!(
        local_c14n(SPEC_2_2_SECOND, "elem2", &o),
        "<n1:elem2 xmlns:n1=\"http://example.net\" xmlns:n2=\"http://foo.example\" xml:lang=\"en\">
       <n3:stuff xmlns:n3=\"ftp://example.org\"></n3:stuff>
   </n1:elem2>"
    );
}

#[test]
fn spec_2_2_whole_documents() {
    let o = C14nOptions::new();
    assert_eq!(
        doc_c14n(SPEC_2_2_FIRST, &o),
        format!(
            "<n0:local xmlns:n0=\"foo:bar\">\n   {}\n</n0:local>",
            SPEC_2_2_EXCLUSIVE
        )
    );
}

#[test]
fn sec3_unused_declarations_are_dropped_and_used_ones_pushed_down() {
    let src =
        r#"<r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:unused="urn:u"><a:x><b:y a:k="1"/></a:x></r>"#;
    assert_eq!(
        doc_c14n(src, &C14nOptions::new()),
        r#"<r><a:x xmlns:a="urn:a"><b:y xmlns:b="urn:b" a:k="1"></b:y></a:x></r>"#
    );
}

#[test]
fn sec3_a_binding_rendered_by_an_output_ancestor_is_not_repeated() {
    let src =
        r#"<a:r xmlns:a="urn:a"><a:x xmlns:a="urn:a"><a:y/></a:x><a:z xmlns:a="urn:other"/></a:r>"#;
    assert_eq!(
        doc_c14n(src, &C14nOptions::new()),
        r#"<a:r xmlns:a="urn:a"><a:x><a:y></a:y></a:x><a:z xmlns:a="urn:other"></a:z></a:r>"#
    );
}

#[test]
fn sec3_an_unrendered_ancestor_binding_does_not_suppress() {
    // p is in scope on r but r does not use it, so it was never rendered: y must declare it.
    let src = r#"<r xmlns:p="urn:p"><x><p:y/></x></r>"#;
    assert_eq!(
        doc_c14n(src, &C14nOptions::new()),
        r#"<r><x><p:y xmlns:p="urn:p"></p:y></x></r>"#
    );
}

#[test]
fn sec3_default_namespace_and_empty_undeclaration() {
    let o = C14nOptions::new();
    let src = r#"<a xmlns="urn:d"><b xmlns=""><c/></b><p:e xmlns:p="urn:p" xmlns=""/></a>"#;
    assert_eq!(
        doc_c14n(src, &o),
        r#"<a xmlns="urn:d"><b xmlns=""><c></c></b><p:e xmlns:p="urn:p"></p:e></a>"#
    );
    // As a subset, b has no output ancestor with a default: no xmlns="" at all.
    assert_eq!(local_c14n(src, "b", &o), "<b><c></c></b>");
    // A superfluous undeclaration is dropped.
    assert_eq!(
        doc_c14n(r#"<a xmlns=""><b xmlns=""/></a>"#, &o),
        "<a><b></b></a>"
    );
    // The default is inherited into a subset when the apex uses it.
    assert_eq!(
        local_c14n(r#"<a xmlns="urn:d"><b/></a>"#, "b", &o),
        r#"<b xmlns="urn:d"></b>"#
    );
}

#[test]
fn sec3_default_on_the_prefix_list() {
    let src = r#"<a xmlns="urn:d" xmlns:p="urn:p"><p:b><p:c xmlns=""/></p:b></a>"#;
    let o = C14nOptions::new().prefixes("#default");
    assert_eq!(
        local_c14n(src, "b", &o),
        r#"<p:b xmlns="urn:d" xmlns:p="urn:p"><p:c xmlns=""></p:c></p:b>"#
    );
    let o = C14nOptions::new();
    assert_eq!(
        local_c14n(src, "b", &o),
        r#"<p:b xmlns:p="urn:p"><p:c></p:c></p:b>"#
    );
}

#[test]
fn sec3_listed_prefix_not_in_scope_is_ignored_and_xml_is_never_declared() {
    let src = r#"<a:r xmlns:a="urn:a" xml:lang="en"><a:x xml:space="preserve"/></a:r>"#;
    let o = C14nOptions::new().prefixes("zz xml a");
    assert_eq!(
        local_c14n(src, "x", &o),
        r#"<a:x xmlns:a="urn:a" xml:space="preserve"></a:x>"#
    );
}

#[test]
fn attributes_sort_by_namespace_uri_then_local_name() {
    // b:* (urn:a) and c:* (urn:a) share a URI; z is unqualified and comes first.
    let src = r#"<e xmlns:b="urn:a" xmlns:c="urn:a" xmlns:a="urn:b" a:m="1" b:z="2" c:y="3" z="4" xml:lang="x" y="5"/>"#;
    assert_eq!(
        doc_c14n(src, &C14nOptions::new()),
        r#"<e xmlns:a="urn:b" xmlns:b="urn:a" xmlns:c="urn:a" y="5" z="4" xml:lang="x" c:y="3" b:z="2" a:m="1"></e>"#
    );
}

#[test]
fn escaping_of_text_and_attributes() {
    let src = "<a x='&lt;&amp;&gt;&quot;&apos;&#9;&#10;&#13; \"'>&lt;&amp;&gt;&quot;&apos;&#13;<![CDATA[<&>]]>\r\n</a>";
    assert_eq!(
        doc_c14n(src, &C14nOptions::new()),
        "<a x=\"&lt;&amp;>&quot;'&#x9;&#xA;&#xD; &quot;\">&lt;&amp;&gt;\"'&#xD;&lt;&amp;&gt;\n</a>"
    );
}

#[test]
fn comments_and_pis_around_the_root() {
    let src =
        "<?xml version='1.0'?>\n<!--c1-->\n<?p1 d?>\n<r><!--in--><?p2?></r>\n<!--c2--><?p3   d  ?>";
    assert_eq!(
        doc_c14n(src, &C14nOptions::new().with_comments(true)),
        "<!--c1-->\n<?p1 d?>\n<r><!--in--><?p2?></r>\n<!--c2-->\n<?p3 d  ?>"
    );
    assert_eq!(
        doc_c14n(src, &C14nOptions::new()),
        "<?p1 d?>\n<r><?p2?></r>\n<?p3 d  ?>"
    );
}

#[test]
fn by_id_finds_each_id_form_and_refuses_ambiguity() {
    let wsu = crate::ns::WSU;
    let src = format!(
        r#"<s:E xmlns:s="urn:s" xmlns:wsu="{wsu}"><s:H wsu:Id="h"/><s:B Id="b"><x ID="c"/><y xml:id="d"/></s:B></s:E>"#
    );
    let o = C14nOptions::new();
    assert_eq!(
        id_c14n(&src, "h", &o),
        format!(r#"<s:H xmlns:s="urn:s" xmlns:wsu="{wsu}" wsu:Id="h"></s:H>"#)
    );
    assert_eq!(id_c14n(&src, "c", &o), r#"<x ID="c"></x>"#);
    assert_eq!(id_c14n(&src, "d", &o), r#"<y xml:id="d"></y>"#);
    assert!(id_c14n(&src, "b", &o).starts_with(r#"<s:B xmlns:s="urn:s" Id="b"><x"#));
    let d = parse(src.as_bytes()).unwrap();
    let e = canonicalize_by_id(&d, "nope", &o, &mut String::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let dup = parse(br#"<r><a Id="x"/><b><c Id="x"/></b></r>"#).unwrap();
    let e = canonicalize_by_id(&dup, "x", &o, &mut String::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn every_sink_gets_the_same_bytes() {
    let body = format!(
        "<s:Body xmlns:s=\"urn:s\">{}</s:Body>",
        "<p a=\"1\">t&amp;x</p>".repeat(3000)
    );
    let d = parse(body.as_bytes()).unwrap();
    let o = C14nOptions::new();
    let s = document_to_string(&d, &o);
    let mut v = Vec::new();
    canonicalize_document(&d, &o, &mut v);
    assert_eq!(v, s.as_bytes());
    let mut streamed = Vec::new();
    stream_document(&d, &o, &mut |b| streamed.extend_from_slice(b));
    assert_eq!(streamed, v);
    let mut sub = Vec::new();
    stream_subtree(&d.root, &InScope::new(), &o, &mut |b| {
        sub.extend_from_slice(b)
    });
    assert_eq!(sub, v);
    let mut io = IoSink::new(Vec::new());
    canonicalize_document(&d, &o, &mut io);
    assert_eq!(io.finish().unwrap(), v);
}

#[test]
fn deep_trees_do_not_recurse() {
    let mut el = Element::unqualified("leaf");
    for _ in 0..200_000 {
        let mut p = Element::unqualified("d");
        p.push(el);
        el = p;
    }
    let mut out = Vec::new();
    canonicalize_subtree(&el, &InScope::new(), &C14nOptions::new(), &mut out);
    assert_eq!(out.len(), 200_000 * 7 + 13);
    // Dropping a tree this deep recurses in Drop; that is the tree's business, not c14n's.
    std::mem::forget(el);
}

#[test]
fn built_trees_canonicalize_like_their_serialization() {
    let wsu = crate::ns::WSU;
    let mut body = Element::new("urn:soap", "soap", "Body");
    body.set_attr_ns_static(wsu, "wsu", "Id", "body");
    let mut req = Element::new("urn:app", "", "Req");
    req.push(Element::unqualified("plain"));
    req.push(Element::child_of("urn:app", "", "same"));
    req.attrs.push(Attribute {
        prefix: None,
        local: "k".into(),
        ns: Some("urn:k".into()),
        value: "v".into(),
    });
    body.push(req);
    body.children.push(Node::Comment("a\rb".into()));
    let o = C14nOptions::new().with_comments(true);
    let direct = subtree_to_string(&body, &InScope::new(), &o);
    let reparsed = document_to_string(
        &parse(crate::xml::element_to_string(&body).as_bytes()).unwrap(),
        &o,
    );
    // The writer leaves the CR in the comment raw and the parser turns it into LF; otherwise equal.
    assert_eq!(direct.replace("&#xD;", "\n"), reparsed);
    assert_eq!(
        direct,
        format!(
            r#"<soap:Body xmlns:soap="urn:soap" xmlns:wsu="{wsu}" wsu:Id="body"><Req xmlns="urn:app" xmlns:ns0="urn:k" ns0:k="v"><plain xmlns=""></plain><same></same></Req><!--a&#xD;b--></soap:Body>"#
        )
    );
}

#[test]
fn prefix_list_parsing() {
    let l = PrefixList::parse("  soap #default wsse soap\txs ");
    assert!(l.includes_default());
    assert_eq!(l.prefixes().collect::<Vec<_>>(), ["soap", "wsse", "xs"]);
    assert_eq!(l.to_attr_value(), "#default soap wsse xs");
    assert!(PrefixList::parse(" ").is_empty());
}

#[test]
fn odd_built_trees_do_not_panic() {
    let attr = |prefix: Option<&str>, ns: Option<&str>, local: &str| Attribute {
        prefix: prefix.map(XStr::from),
        local: local.into(),
        ns: ns.map(XStr::from),
        value: "v\r\n\t<&\"".into(),
    };
    let mut el = Element {
        prefix: Some("p".into()),
        local: "x".into(),
        ns: None,
        ..Default::default()
    };
    el.ns_decls.push(crate::xml::NsDecl {
        prefix: Some("xml".into()),
        uri: "urn:nope".into(),
    });
    el.ns_decls.push(crate::xml::NsDecl {
        prefix: Some("xmlns".into()),
        uri: "urn:nope".into(),
    });
    el.ns_decls.push(crate::xml::NsDecl {
        prefix: None,
        uri: String::new().into(),
    });
    el.attrs.push(attr(Some("q"), None, "a"));
    el.attrs.push(attr(None, Some("urn:k"), "b"));
    el.attrs.push(attr(None, Some("urn:k2"), "c"));
    el.attrs.push(attr(Some("xml"), Some("urn:wrong"), "lang"));
    el.attrs.push(attr(Some("p"), Some("urn:conflict"), "d"));
    el.attrs.push(attr(None, None, ""));
    let mut child = Element {
        prefix: Some("xml".into()),
        local: String::new().into(),
        ..Default::default()
    };
    child.children.push(Node::Pi {
        target: String::new(),
        data: "\r".into(),
    });
    child.children.push(Node::Comment("--".into()));
    el.push(child);
    let doc = Document {
        before: vec![
            Node::Text("stray".into()),
            Node::Element(Element::unqualified("stray")),
        ],
        root: el.clone(),
        after: vec![Node::Pi {
            target: "t".into(),
            data: String::new(),
        }],
    };
    for o in [
        C14nOptions::new(),
        C14nOptions::new()
            .with_comments(true)
            .prefixes("#default p q xml xmlns ns0"),
    ] {
        let s = document_to_string(&doc, &o);
        assert!(s.starts_with("<p:x"), "{s}");
        assert!(s.ends_with("\n<?t?>"), "{s}");
        let _ = subtree_to_string(&el, &InScope::new(), &o);
        let mut scope = InScope::new();
        scope.bind("p", "urn:outer");
        scope.bind("", "urn:default");
        let _ = subtree_to_string(&el, &scope, &o);
    }
}

#[test]
fn a_sink_may_canonicalize_from_inside_its_callback() {
    // The engine borrows this thread's spare buffers; a nested call must get its own.
    let d = parse(
        format!(
            "<r xmlns:p=\"urn:p\">{}</r>",
            "<p:x a=\"1\">t</p:x>".repeat(2000)
        )
        .as_bytes(),
    )
    .unwrap();
    let o = C14nOptions::new();
    let inner = document_to_string(&d, &o);
    let mut outer = Vec::new();
    let mut nested_ok = true;
    stream_document(&d, &o, &mut |b| {
        outer.extend_from_slice(b);
        nested_ok &= document_to_string(&d, &o) == inner;
    });
    assert!(nested_ok);
    assert_eq!(outer, inner.as_bytes());
    // And the buffers are reused, not corrupted, across calls of different trees.
    let e = parse(br#"<q:y xmlns:q="urn:q"><z/></q:y>"#).unwrap();
    assert_eq!(
        document_to_string(&e, &o),
        r#"<q:y xmlns:q="urn:q"><z></z></q:y>"#
    );
    assert_eq!(document_to_string(&d, &o), inner);
}
