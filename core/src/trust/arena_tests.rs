//! The readers are generic over [`ElementRef`] and the `from_xml*` entry points read the
//! parsed arena; these tests check that the arena reads exactly as the owned tree does
//! (same values, same errors: kind, path and message), on every element of the trust
//! fixtures and of mutated copies of them, so moving the entry points changed nothing a
//! caller can see.

use super::*;
use crate::soap::EndpointReference;
use crate::xml::{ArenaEl, Node, XStr};
use std::fmt::Debug;
use std::path::Path;

fn same<T: PartialEq + Debug>(what: &str, el: &Element, tree: Result<T>, arena: Result<T>) {
    assert_eq!(tree, arena, "{what} on {}", el.qname());
}

/// Every reader, on `t` (owned tree) and `a` (the same element in the arena), then on
/// their children pairwise.
fn compare(t: &Element, a: ArenaEl<'_, '_>) {
    same(
        "TrustMessage",
        t,
        TrustMessage::from_element(t),
        TrustMessage::read(a),
    );
    same("TokenRef", t, TokenRef::from_element(t), TokenRef::read(a));
    same(
        "TokenHolder",
        t,
        TokenHolder::from_element(t),
        TokenHolder::read(a),
    );
    same("UseKey", t, UseKey::from_element(t), UseKey::read(a));
    same(
        "AppliesTo",
        t,
        AppliesTo::from_element(t),
        AppliesTo::read(a),
    );
    same("Lifetime", t, Lifetime::from_element(t), Lifetime::read(a));
    same("Claims", t, Claims::from_element(t), Claims::read(a));
    same("Renewing", t, Renewing::from_element(t), Renewing::read(a));
    same(
        "BinaryExchange",
        t,
        BinaryExchange::from_element(t),
        BinaryExchange::read(a),
    );
    same(
        "BinarySecret",
        t,
        BinarySecret::from_element(t),
        BinarySecret::read(a),
    );
    same(
        "EndpointReference",
        t,
        EndpointReference::from_content(t),
        EndpointReference::read_content(a),
    );
    for v in TrustVersion::ALL {
        assert_eq!(Field::classify(t, v), Field::classify_ref(a, v));
        same(
            "Entropy",
            t,
            Entropy::from_element(t, v),
            Entropy::read(a, v),
        );
        same(
            "RequestedProofToken",
            t,
            RequestedProofToken::from_element(t, v),
            RequestedProofToken::read(a, v),
        );
        same("Status", t, Status::from_element(t, v), Status::read(a, v));
        same(
            "SignChallenge",
            t,
            SignChallenge::from_element(t, v),
            SignChallenge::read(a, v),
        );
        same(
            "Authenticator",
            t,
            Authenticator::from_element(t, v),
            Authenticator::read(a, v),
        );
        same(
            "Participants",
            t,
            Participants::from_element(t, v),
            Participants::read(a, v),
        );
    }
    let (tk, ak): (Vec<_>, Vec<_>) = (t.elements().collect(), a.elements().collect());
    assert_eq!(tk.len(), ak.len());
    for (tc, ac) in tk.into_iter().zip(ak) {
        compare(tc, ac);
    }
}

/// What `TrustMessage::from_xml_with` did before it read the arena.
fn from_xml_via_tree(bytes: &[u8]) -> Result<TrustMessage> {
    let doc = xml::parse(bytes)?;
    if doc.root.local == "Envelope"
        && doc
            .root
            .ns
            .as_deref()
            .and_then(SoapVersion::from_namespace)
            .is_some()
    {
        return TrustMessage::from_envelope(&Envelope::from_element(&doc.root)?);
    }
    TrustMessage::from_element(&doc.root)
}

fn check(bytes: &[u8]) {
    assert_eq!(
        TrustMessage::from_xml(bytes),
        from_xml_via_tree(bytes),
        "{}",
        String::from_utf8_lossy(bytes)
    );
    let as_tree = xml::parse(bytes);
    let as_rst = (
        RequestSecurityToken::from_xml(bytes),
        RequestSecurityTokenResponse::from_xml(bytes),
        RequestSecurityTokenResponseCollection::from_xml(bytes),
        RequestSecurityTokenCollection::from_xml(bytes),
        IssuedTokens::from_xml(bytes),
    );
    let Ok(tree) = as_tree else {
        // A document the parser refuses is refused the same way by every entry point.
        let e = as_tree.err();
        assert_eq!(as_rst.0.err(), e);
        assert_eq!(as_rst.1.err(), e);
        assert_eq!(as_rst.2.err(), e);
        assert_eq!(as_rst.3.err(), e);
        assert_eq!(as_rst.4.err(), e);
        return;
    };
    let root = &tree.root;
    assert_eq!(as_rst.0, RequestSecurityToken::from_element(root));
    assert_eq!(as_rst.1, RequestSecurityTokenResponse::from_element(root));
    assert_eq!(
        as_rst.2,
        RequestSecurityTokenResponseCollection::from_element(root)
    );
    assert_eq!(as_rst.3, RequestSecurityTokenCollection::from_element(root));
    assert_eq!(as_rst.4, IssuedTokens::from_element(root));
    let Ok(doc) = xml::parse_doc(bytes) else {
        panic!("the tree parsed, the arena did not");
    };
    compare(root, doc.root());
}

fn fixtures() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trust");
    let mut out = Vec::new();
    for dir in ["feb2005", "sc13", "peer"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut v: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        v.sort();
        for p in v {
            if let Ok(b) = std::fs::read(p) {
                out.push(b);
            }
        }
    }
    out
}

/// xorshift64: deterministic mutations.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn count(el: &Element) -> usize {
    1 + el.elements().map(count).sum::<usize>()
}

const NAMESPACES: &[&str] = &[
    "http://schemas.xmlsoap.org/ws/2005/02/trust",
    "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
    "http://docs.oasis-open.org/ws-sx/ws-trust/200802",
    "http://schemas.xmlsoap.org/ws/2005/02/sc",
    "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512",
    "http://www.w3.org/2005/08/addressing",
    "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "urn:bogus",
];

const TEXTS: &[&str] = &[
    "",
    "  ",
    "x y",
    "urn:a",
    "-1",
    "4294967296",
    "true",
    "maybe",
    "AAAA",
    "*",
    "2005-01-01T00:00:00Z",
];

const LOCALS: &[&str] = &[
    "RequestSecurityToken",
    "RequestSecurityTokenResponse",
    "Lifetime",
    "Created",
    "Entropy",
    "BinarySecret",
    "Status",
    "Code",
    "Address",
    "EndpointReference",
    "SecurityContextToken",
    "Participants",
    "Primary",
    "SecondaryParameters",
];

/// Apply one structural mutation to the `k`-th element (pre-order) of `root`: empty it,
/// add stray text, a comment or an attribute, move it to another namespace, rename it,
/// replace its text, or delete or duplicate it.
fn mutate(root: &mut Element, r: &mut Rng) {
    let mut k = r.below(count(root));
    let op = r.below(9);
    mutate_at(root, &mut k, op, r);
}

fn mutate_at(el: &mut Element, k: &mut usize, op: usize, r: &mut Rng) -> bool {
    let text = |r: &mut Rng| Node::Text(XStr::new(TEXTS[r.below(TEXTS.len())]));
    if *k == 0 {
        match op {
            0 => el.children.clear(),
            1 => el.children.push(text(r)),
            2 => el.children.push(Node::Comment("c".into())),
            3 => {
                let name = ["Junk", "Allow", "OK", "Sig", "Type", "ValueType", "Context"];
                el.set_attr(name[r.below(name.len())], TEXTS[r.below(TEXTS.len())]);
            }
            4 => el.ns = Some(XStr::new(NAMESPACES[r.below(NAMESPACES.len())])),
            5 => el.local = XStr::new(LOCALS[r.below(LOCALS.len())]),
            // 7 and 8 (delete, duplicate) are done by the parent; on the root, replace text.
            _ => {
                el.children.retain(|n| matches!(n, Node::Element(_)));
                el.children.push(text(r));
            }
        }
        return true;
    }
    *k -= 1;
    let mut i = 0;
    while i < el.children.len() {
        if let Node::Element(c) = &mut el.children[i] {
            if *k == 0 && op >= 7 {
                if op == 7 {
                    el.children.remove(i);
                } else {
                    let dup = el.children[i].clone();
                    el.children.insert(i, dup);
                }
                return true;
            }
            if mutate_at(c, k, op, r) {
                return true;
            }
        }
        i += 1;
    }
    false
}

#[test]
fn arena_reads_as_the_tree_on_fixtures() {
    let all = fixtures();
    assert!(!all.is_empty(), "no trust fixtures found");
    for b in &all {
        check(b);
    }
}

#[test]
fn arena_reads_as_the_tree_on_mutations() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for b in fixtures() {
        let Ok(doc) = xml::parse(&b) else { continue };
        for _ in 0..40 {
            let mut root = doc.root.clone();
            for _ in 0..1 + r.below(3) {
                mutate(&mut root, &mut r);
            }
            let x = xml::element_to_string(&root);
            check(x.as_bytes());
        }
        // Byte-level damage: both paths share the parser, so errors must agree too.
        for _ in 0..10 {
            let mut m = b.clone();
            let i = r.below(m.len());
            match r.below(3) {
                0 => m.truncate(i),
                1 => m[i] ^= 1 << r.below(8),
                _ => {
                    m.splice(i..i, *b"<x:y/>");
                }
            }
            check(&m);
        }
    }
}
