//! Malformed input gives a typed error naming the path, never a panic.
//!
//! The targeted cases cover each rule (wrong namespace, missing required element,
//! duplicates, bad timestamp, inverted lifetime, bad base64, bad numbers and booleans,
//! huge and deeply nested documents). `mutated_fixtures_never_panic` then feeds about
//! 20,000 mutations of the fixtures (bit flips, truncations, duplicated, deleted and
//! re-namespaced elements) through every parser, and checks that whatever is accepted
//! writes back in every version and re-reads to the same document, in bounded time.

use std::path::Path;
use std::time::{Duration, Instant};
use wssx::soap::{EndpointReference, Envelope, Fault};
use wssx::trust::*;
use wssx::xml::{self, Element, Limits, Node};
use wssx::{ErrorKind, TrustVersion};

const WST13: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
const WSTF: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust";
const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

fn rst_with(inner: &str) -> String {
    format!(
        r#"<wst:RequestSecurityToken xmlns:wst="{WST13}" xmlns:wsu="{WSU}"><wst:RequestType>{WST13}/Issue</wst:RequestType>{inner}</wst:RequestSecurityToken>"#
    )
}

fn rstr_with(inner: &str) -> String {
    format!(
        r#"<wst:RequestSecurityTokenResponse xmlns:wst="{WSTF}" xmlns:wsu="{WSU}">{inner}</wst:RequestSecurityTokenResponse>"#
    )
}

fn err(x: &str) -> wssx::Error {
    match TrustMessage::from_xml(x.as_bytes()) {
        Ok(m) => panic!("accepted: {x}\n{m:?}"),
        Err(e) => e,
    }
}

#[track_caller]
fn expect(x: &str, kind: ErrorKind, path: &str) {
    let e = err(x);
    assert_eq!((e.kind(), e.path()), (kind, path), "{e}\n{x}");
}

#[test]
fn wrong_namespace_and_missing_required_elements() {
    let ir = ErrorKind::InvalidRequest;
    expect(
        r#"<wst:RequestSecurityToken xmlns:wst="urn:not-trust"/>"#,
        ir,
        "wst:RequestSecurityToken",
    );
    expect(
        r#"<t:RequestSecurityToken xmlns:t="http://docs.oasis-open.org/ws-sx/ws-trust/200802"/>"#,
        ir,
        "t:RequestSecurityToken",
    );
    expect(
        &format!(
            r#"<wst:RequestSecurityToken xmlns:wst="{WST13}"><wst:TokenType>urn:x</wst:TokenType></wst:RequestSecurityToken>"#
        ),
        ir,
        "wst:RequestSecurityToken",
    );
    // A RequestType of another namespace is an extension, so the required one is missing.
    expect(
        &format!(
            r#"<wst:RequestSecurityToken xmlns:wst="{WST13}"><o:RequestType xmlns:o="{WSTF}">{WSTF}/Issue</o:RequestType></wst:RequestSecurityToken>"#
        ),
        ir,
        "wst:RequestSecurityToken",
    );
    expect(
        &format!(r#"<wst:RequestSecurityTokenResponseCollection xmlns:wst="{WST13}"/>"#),
        ir,
        "wst:RequestSecurityTokenResponseCollection",
    );
    expect(
        &format!(
            r#"<wst:RequestSecurityTokenResponseCollection xmlns:wst="{WST13}"><wst:RequestSecurityToken/></wst:RequestSecurityTokenResponseCollection>"#
        ),
        ir,
        "wst:RequestSecurityTokenResponseCollection/wst:RequestSecurityToken",
    );
    expect(
        &format!(
            r#"<wst:RequestSecurityTokenResponseCollection xmlns:wst="{WST13}"><x:RequestSecurityTokenResponse xmlns:x="{WSTF}"/></wst:RequestSecurityTokenResponseCollection>"#
        ),
        ir,
        "wst:RequestSecurityTokenResponseCollection/x:RequestSecurityTokenResponse",
    );
    expect(r#"<x:Other xmlns:x="urn:x"/>"#, ir, "x:Other");
    expect(
        &rstr_with("<wst:Status><wst:Reason>r</wst:Reason></wst:Status>"),
        ir,
        "wst:RequestSecurityTokenResponse/wst:Status",
    );
    expect(
        &rstr_with(
            "<wst:RequestedAttachedReference><x xmlns='urn:x'/></wst:RequestedAttachedReference>",
        ),
        ir,
        "wst:RequestSecurityTokenResponse/wst:RequestedAttachedReference/x",
    );
    expect(
        &rstr_with("<wst:RequestedProofToken/>"),
        ir,
        "wst:RequestSecurityTokenResponse/wst:RequestedProofToken",
    );
    expect(
        &rst_with("<wst:CancelTarget><a xmlns='urn:a'/><b xmlns='urn:a'/></wst:CancelTarget>"),
        ir,
        "wst:RequestSecurityToken/wst:CancelTarget",
    );
    expect(
        &rst_with("<wst:UseKey/>"),
        ir,
        "wst:RequestSecurityToken/wst:UseKey",
    );
    expect(
        &rst_with("<wst:BinaryExchange>AAAA</wst:BinaryExchange>"),
        ir,
        "wst:RequestSecurityToken/wst:BinaryExchange",
    );
    expect(
        &rst_with("<wst:SignChallenge/>"),
        ir,
        "wst:RequestSecurityToken/wst:SignChallenge",
    );
    expect(
        &rst_with(
            r#"<wst:Issuer><wsa:Other xmlns:wsa="http://www.w3.org/2005/08/addressing"/></wst:Issuer>"#,
        ),
        ir,
        "wst:RequestSecurityToken/wst:Issuer",
    );
}

#[test]
fn bad_values_name_their_element() {
    let ir = ErrorKind::InvalidRequest;
    expect(
        &rst_with("<wst:TokenType>urn:a</wst:TokenType><wst:TokenType>urn:b</wst:TokenType>"),
        ir,
        "wst:RequestSecurityToken/wst:TokenType",
    );
    expect(
        &rst_with("<wst:RequestType>urn:again</wst:RequestType>"),
        ir,
        "wst:RequestSecurityToken/wst:RequestType",
    );
    expect(
        &rst_with("<wst:TokenType>not a uri</wst:TokenType>"),
        ir,
        "wst:RequestSecurityToken/wst:TokenType",
    );
    expect(
        &rst_with("<wst:TokenType/>"),
        ir,
        "wst:RequestSecurityToken/wst:TokenType",
    );
    expect(
        &rst_with("<wst:KeySize>-1</wst:KeySize>"),
        ir,
        "wst:RequestSecurityToken/wst:KeySize",
    );
    expect(
        &rst_with("<wst:KeySize>99999999999</wst:KeySize>"),
        ir,
        "wst:RequestSecurityToken/wst:KeySize",
    );
    expect(
        &rst_with("<wst:Forwardable>yes</wst:Forwardable>"),
        ir,
        "wst:RequestSecurityToken/wst:Forwardable",
    );
    expect(
        &rst_with("<wst:Renewing Allow='sometimes'/>"),
        ir,
        "wst:RequestSecurityToken/wst:Renewing/@Allow",
    );
    expect(
        &rst_with("<wst:AllowPostdating>x</wst:AllowPostdating>"),
        ir,
        "wst:RequestSecurityToken/wst:AllowPostdating",
    );
    expect(
        &rst_with("<wst:Lifetime><wsu:Created>2005-13-01T00:00:00Z</wsu:Created></wst:Lifetime>"),
        ir,
        "wst:RequestSecurityToken/wst:Lifetime/wsu:Created",
    );
    expect(
        &rst_with("<wst:Lifetime><wsu:Expires>tomorrow</wsu:Expires></wst:Lifetime>"),
        ir,
        "wst:RequestSecurityToken/wst:Lifetime/wsu:Expires",
    );
    expect(
        &rst_with("<wst:Lifetime><wsu:Created>2005-02-01T10:00:00Z</wsu:Created><wsu:Expires>2005-02-01T09:59:59.999Z</wsu:Expires></wst:Lifetime>"),
        ErrorKind::InvalidTimeRange,
        "wst:RequestSecurityToken/wst:Lifetime",
    );
    expect(
        &rst_with("<wst:Lifetime><x xmlns='urn:x'/></wst:Lifetime>"),
        ir,
        "wst:RequestSecurityToken/wst:Lifetime/x",
    );
    expect(
        &rst_with("<wst:Entropy><wst:BinarySecret>!!!notbase64</wst:BinarySecret></wst:Entropy>"),
        ir,
        "wst:RequestSecurityToken/wst:Entropy/wst:BinarySecret",
    );
    expect(
        &rst_with("<wst:BinaryExchange ValueType='urn:v'>a=b</wst:BinaryExchange>"),
        ir,
        "wst:RequestSecurityToken/wst:BinaryExchange",
    );
    expect(
        &rstr_with(
            "<wst:Authenticator><wst:CombinedHash>%%</wst:CombinedHash></wst:Authenticator>",
        ),
        ir,
        "wst:RequestSecurityTokenResponse/wst:Authenticator/wst:CombinedHash",
    );
    expect(&rst_with("stray text"), ir, "wst:RequestSecurityToken");
    expect(
        &rstr_with("<wst:RequestedTokenCancelled/><wst:RequestedTokenCancelled/>"),
        ir,
        "wst:RequestSecurityTokenResponse/wst:RequestedTokenCancelled",
    );
    // A bad SCT keeps WS-SC's own fault kind.
    expect(
        &rstr_with(
            r#"<wst:RequestedSecurityToken><c:SecurityContextToken xmlns:c="http://schemas.xmlsoap.org/ws/2005/02/sc"/></wst:RequestedSecurityToken>"#,
        ),
        ErrorKind::BadContextToken,
        "wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/c:SecurityContextToken",
    );
}

#[test]
fn envelopes_and_faults() {
    let e = TrustMessage::from_xml(br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x xmlns="urn:x"/></s:Body></s:Envelope>"#).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (ErrorKind::InvalidRequest, "s:Envelope/s:Body")
    );
    let x = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>{}</s:Body></s:Envelope>"#,
        rst_with("<wst:KeySize>x</wst:KeySize>")
    );
    let e = TrustMessage::from_xml(x.as_bytes()).unwrap_err();
    assert_eq!(
        e.path(),
        "s:Envelope/s:Body/wst:RequestSecurityToken/wst:KeySize"
    );
    let f = br#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code></s:Fault></s:Body></s:Envelope>"#;
    let env = Envelope::from_xml(f).unwrap();
    let e = env.fault().unwrap().unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (ErrorKind::InvalidRequest, "s:Envelope/s:Body/s:Fault")
    );
    let e = Fault::from_element(&xml::parse(br#"<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>a:b:c</faultcode><faultstring/></s:Fault>"#).unwrap().root);
    assert!(e.is_ok(), "an odd QName still reads (prefix 'a')");
    let e = EndpointReference::from_xml(b"<wsa:EndpointReference xmlns:wsa='http://www.w3.org/2005/08/addressing'><wsa:Address/></wsa:EndpointReference>").unwrap_err();
    assert_eq!(e.path(), "wsa:EndpointReference/wsa:Address");
}

#[test]
fn huge_and_deep_documents() {
    // Deeper than the parser's limit: LimitExceeded naming where it happened.
    let deep = rst_with(&format!(
        "{}{}",
        "<x:a xmlns:x='urn:x'>".repeat(200),
        "</x:a>".repeat(200)
    ));
    let e = err(&deep);
    assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    assert!(
        e.path().starts_with("wst:RequestSecurityToken/x:a"),
        "{}",
        e.path()
    );
    // Deep but allowed: kept as XML and written back intact.
    let ok = rst_with(&format!(
        "{}{}",
        "<x:a xmlns:x='urn:x'>".repeat(120),
        "</x:a>".repeat(120)
    ));
    let m = TrustMessage::from_xml(ok.as_bytes()).unwrap();
    assert_eq!(
        TrustMessage::from_xml(m.to_xml(TrustVersion::V1_3).as_bytes()).unwrap(),
        m
    );
    // Size and count limits are the caller's to set.
    let big = rst_with(&"<x:e xmlns:x='urn:x'>0123456789</x:e>".repeat(50_000));
    let small = Limits {
        max_size: 64 << 10,
        ..Default::default()
    };
    assert_eq!(
        RequestSecurityToken::from_xml_with(big.as_bytes(), &small)
            .unwrap_err()
            .kind(),
        ErrorKind::LimitExceeded
    );
    let few = Limits {
        max_elements: 1000,
        ..Default::default()
    };
    assert_eq!(
        TrustMessage::from_xml_with(big.as_bytes(), &few)
            .unwrap_err()
            .kind(),
        ErrorKind::LimitExceeded
    );
    // Within the default limits a 2 MB request with 50,000 extensions parses in bounded time.
    let t = Instant::now();
    let m = RequestSecurityToken::from_xml(big.as_bytes()).unwrap();
    assert_eq!(m.params.extensions.len(), 50_000);
    let again = RequestSecurityToken::from_xml(m.to_xml(TrustVersion::V1_3).as_bytes()).unwrap();
    assert_eq!(again, m, "extensions written back");
    assert!(t.elapsed() < Duration::from_secs(20));
    // Not XML, or XML wssx refuses.
    for bad in [
        &b""[..],
        b"<",
        b"\xff\xfe",
        b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
    ] {
        assert_eq!(
            TrustMessage::from_xml(bad).unwrap_err().kind(),
            ErrorKind::MalformedXml
        );
    }
}

// ---------------------------------------------------------------------------------------
// Mutation testing.

#[path = "common/xorshift.rs"]
mod xorshift;
use xorshift::Rng;

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trust");
    let mut out = Vec::new();
    for dir in ["feb2005", "sc13", "peer"] {
        let mut v: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        for p in v {
            out.push(std::fs::read(p).unwrap());
        }
    }
    out
}

/// Every element of the tree, by pre-order index, as a path of child indices.
fn element_paths(el: &Element, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, n) in el.children.iter().enumerate() {
        if let Node::Element(c) = n {
            prefix.push(i);
            out.push(prefix.clone());
            element_paths(c, prefix, out);
            prefix.pop();
        }
    }
}

fn at_mut<'a>(el: &'a mut Element, path: &[usize]) -> &'a mut Element {
    let mut cur = el;
    for &i in path {
        cur = match &mut cur.children[i] {
            Node::Element(e) => e,
            _ => unreachable!(),
        };
    }
    cur
}

const NAMESPACES: &[&str] = &[
    WSTF,
    WST13,
    "http://docs.oasis-open.org/ws-sx/ws-trust/200802",
    "http://schemas.xmlsoap.org/ws/2005/02/sc",
    "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512",
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope",
    "http://www.w3.org/2005/08/addressing",
    "urn:bogus",
];

/// A structural mutation: duplicate, delete, empty or re-namespace an element, or replace
/// its text with something hostile.
fn mutate_tree(bytes: &[u8], r: &mut Rng) -> Option<Vec<u8>> {
    let mut doc = xml::parse(bytes).ok()?;
    let mut paths = Vec::new();
    element_paths(&doc.root, &mut Vec::new(), &mut paths);
    if paths.is_empty() {
        return None;
    }
    let path = paths[r.below(paths.len())].clone();
    let (parent_path, idx) = path.split_at(path.len() - 1);
    let idx = idx[0];
    match r.below(6) {
        0 => {
            let parent = at_mut(&mut doc.root, parent_path);
            let c = parent.children[idx].clone();
            parent.children.insert(idx, c);
        }
        1 => {
            at_mut(&mut doc.root, parent_path).children.remove(idx);
        }
        2 => at_mut(&mut doc.root, &path).children.clear(),
        3 => {
            let e = at_mut(&mut doc.root, &path);
            e.ns = Some(NAMESPACES[r.below(NAMESPACES.len())].to_string().into());
            e.ns_decls.clear();
            e.prefix = Some("m".into());
        }
        4 => {
            let texts = [
                "",
                " ",
                "-1",
                "18446744073709551616",
                "2005-02-30T00:00:00Z",
                "###",
                "true",
                "urn:x",
                "AAAA====",
                "\u{10FFFF}",
            ];
            let e = at_mut(&mut doc.root, &path);
            e.children = vec![Node::Text(texts[r.below(texts.len())].to_string().into())];
        }
        _ => {
            let e = at_mut(&mut doc.root, &path);
            let names = [
                "TokenType",
                "RequestType",
                "Lifetime",
                "Entropy",
                "BinarySecret",
                "RequestedProofToken",
                "Status",
                "Identifier",
                "Fault",
                "Address",
            ];
            e.local = names[r.below(names.len())].to_string().into();
        }
    }
    Some(xml::document_to_string(&doc).into_bytes())
}

fn mutate_bytes(bytes: &[u8], r: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    match r.below(4) {
        0 => {
            for _ in 0..1 + r.below(4) {
                let i = r.below(b.len());
                b[i] ^= 1 << r.below(8);
            }
        }
        1 => b.truncate(r.below(b.len())),
        2 => {
            let i = r.below(b.len());
            let junk: &[&[u8]] = &[
                b"<", b">", b"&", b"]]>", b"<x:y/>", b"\"", b"\0", b"<?pi?>", b"<!--", b"&#0;",
            ];
            let j = junk[r.below(junk.len())];
            b.splice(i..i, j.iter().copied());
        }
        _ => {
            let i = r.below(b.len());
            let j = (i + r.below(64)).min(b.len());
            let chunk = b[i..j].to_vec();
            b.splice(i..i, chunk);
        }
    }
    b
}

/// Run every parser on `input`; whatever parses must write back, re-read and write the
/// same bytes again.
fn exercise(input: &[u8]) {
    let Ok(doc) = xml::parse(input) else { return };
    let root = &doc.root;
    if let Ok(m) = TrustMessage::from_element(root) {
        for v in TrustVersion::ALL {
            let x = m.convert(v).to_xml(v);
            let back = TrustMessage::from_xml(x.as_bytes())
                .unwrap_or_else(|e| panic!("wrote what it cannot read: {e}\n{x}"));
            // Kept XML gains the declarations it needs on the first write, so compare from
            // the first written form on. (In another version, an extension that happens to
            // be in that version's namespace becomes a typed field, so only same-version
            // writes must be idempotent; other versions must still read back.)
            if v == m.version() {
                assert_eq!(back.convert(v).to_xml(v), x);
            }
        }
        let _ = m.to_json().to_string_compact();
    }
    let _ = RequestSecurityToken::from_element(root);
    let _ = RequestSecurityTokenResponse::from_element(root);
    let _ = RequestSecurityTokenResponseCollection::from_element(root);
    let _ = IssuedTokens::from_element(root);
    let _ = Fault::from_element(root);
    let _ = EndpointReference::from_content(root);
    let _ = wssx::token::Token::from_element(root);
    if let Ok(env) = Envelope::from_element(root) {
        let x = env.to_xml();
        let back = Envelope::from_xml(x.as_bytes())
            .unwrap_or_else(|e| panic!("envelope wrote what it cannot read: {e}\n{x}"));
        assert_eq!(back.to_xml(), x);
        if let Some(Ok(f)) = env.fault() {
            let _ = f.to_error();
        }
        let _ = TrustMessage::from_envelope(&env);
        let _ = wssx::trust::envelope_json(&env).to_string_compact();
    }
    for el in root.elements() {
        let _ = TrustMessage::from_element(el);
        for c in el.elements() {
            let _ = TrustMessage::from_element(c);
            for v in TrustVersion::ALL {
                let _ = Lifetime::from_element(c);
                let _ = Entropy::from_element(c, v);
                let _ = RequestedProofToken::from_element(c, v);
            }
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let corpus = corpus();
    let mut r = Rng(0xf022_5eed_0000_0001);
    let n = 20_000;
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 0..n {
        let base = &corpus[r.below(corpus.len())];
        let input = if r.below(2) == 0 {
            mutate_tree(base, &mut r).unwrap_or_else(|| mutate_bytes(base, &mut r))
        } else {
            mutate_bytes(base, &mut r)
        };
        let t = Instant::now();
        let res = std::panic::catch_unwind(|| exercise(&input));
        if res.is_err() {
            panic!("input #{i} panicked:\n{}", String::from_utf8_lossy(&input));
        }
        slowest = slowest.max(t.elapsed());
    }
    let total = start.elapsed();
    eprintln!("{n} mutated inputs in {total:?}, slowest {slowest:?}");
    assert!(
        slowest < Duration::from_secs(2),
        "one input took {slowest:?}"
    );
    assert!(total < Duration::from_secs(600));
}
