//! Round-trip properties on generated messages, in all three versions.
//!
//! A small deterministic generator builds RST, RSTR, RSTRC, RSTC and IssuedTokens values
//! with random subsets of every typed field (known and unknown URIs, secrets, lifetimes,
//! SCTs, STRs, EPRs in both WS-Addressing versions, extension elements and attributes,
//! text that needs escaping). For each value `m` in version `v`:
//! - `parse(write(m, v)) == m` (typed equality) and writing again gives the same bytes;
//! - writing in any other version `w` and converting back gives `write(m, v)` again;
//! - the same holds through a SOAP 1.1 / 1.2 envelope with WS-Addressing headers.

use wssx::crypto::Secret;
use wssx::soap::{Addressing, EndpointReference, Envelope, Header, SoapVersion, WsaVersion};
use wssx::time::Instant;
use wssx::token::{SecurityContextToken, SecurityTokenReference};
use wssx::trust::*;
use wssx::xml::{Attribute, Element, Node};
use wssx::{ScVersion, TrustVersion};

#[path = "common/xorshift.rs"]
mod xorshift;
use xorshift::Rng;

/// What this generator draws beyond the shared generator's numbers.
trait Draw {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T;
    fn bytes(&mut self, max: usize) -> Vec<u8>;
}

impl Draw for Rng {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const URIS: &[&str] = &[
    "http://example.org/mySpecialToken",
    "urn:oasis:names:tc:SAML:1.0:assertion",
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "urn:x:a&b<c>\"q\"",
    "urn:ünïcödé:ok",
];
const TEXTS: &[&str] = &[
    "plain",
    "a & b < c > d \"e\" 'f'",
    "ünïcödé ✓",
    "multi\nline",
    "tab\there",
    "]]>",
];

fn uri(r: &mut Rng) -> String {
    format!(
        "{}{}",
        r.pick(URIS),
        if r.chance(50) {
            format!("/{}", r.below(1000))
        } else {
            String::new()
        }
    )
}

fn instant(r: &mut Rng) -> Instant {
    Instant(1_100_000_000_000 + (r.below(2_000_000_000_000)) as i64)
}

fn ext_element(r: &mut Rng) -> Element {
    let n = r.below(1000);
    let mut e = Element::new(
        &format!("urn:ext:{}", r.below(3)),
        &format!("x{}", r.below(3)),
        "Ext",
    );
    e.set_attr("n", n.to_string());
    if r.chance(50) {
        e.push_text(*r.pick(TEXTS));
    }
    if r.chance(30) {
        let mut c = Element::new("urn:ext:child", "c", "Child");
        c.push_text("deep");
        e.push(c);
    }
    e
}

fn other_attrs(r: &mut Rng) -> Vec<Attribute> {
    let mut v = Vec::new();
    if r.chance(25) {
        v.push(Attribute {
            prefix: None,
            local: "xAttr".into(),
            ns: None,
            value: (*r.pick(TEXTS)).into(),
        });
    }
    if r.chance(15) {
        v.push(Attribute {
            prefix: Some("e".into()),
            local: "flag".into(),
            ns: Some("urn:ext:attr".into()),
            value: "1".into(),
        });
    }
    v
}

fn sct(r: &mut Rng, v: TrustVersion) -> SecurityContextToken {
    let mut t = SecurityContextToken::new(
        v.sc(),
        format!(
            "urn:uuid:{:08x}-0000-4000-8000-{:012x}",
            r.next() as u32,
            r.below(1 << 40)
        ),
    )
    .unwrap();
    if r.chance(40) {
        t.instance = Some(format!("urn:i:{}", r.below(99)));
    }
    if r.chance(50) {
        t.id = Some(format!("sct-{}", r.below(99)));
    }
    if r.chance(20) {
        t.extensions.push(ext_element(r));
    }
    t
}

fn str_ref(r: &mut Rng, v: TrustVersion) -> SecurityTokenReference {
    match r.below(3) {
        0 => SecurityTokenReference::to_id(
            &format!("id-{}", r.below(50)),
            r.chance(50).then(|| v.sc().sct_token_type()),
        ),
        1 => {
            let mut s = SecurityTokenReference::to_identifier(
                v.sc(),
                &format!("urn:uuid:ctx-{}", r.below(50)),
                r.chance(50).then_some("urn:inst"),
            );
            // The wsc namespace version is only on the wire when a wsc attribute is.
            if s.reference.as_ref().is_some_and(|x| x.instance.is_none()) {
                s.sc_version = None;
            }
            s
        }
        _ => {
            let mut s = SecurityTokenReference::to_id("x", None);
            s.reference = None;
            s.key_identifier = Some(wssx::token::KeyIdentifier {
                value_type: Some("http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID".into()),
                encoding_type: None,
                value: format!("_a{}", r.below(1000)),
            });
            s
        }
    }
}

fn epr(r: &mut Rng) -> EndpointReference {
    let mut e = EndpointReference::new(*r.pick(&WsaVersion::ALL), uri(r));
    if r.chance(20) {
        e.reference_parameters.push(ext_element(r));
    }
    e
}

fn token(r: &mut Rng, v: TrustVersion) -> TokenRef {
    match r.below(4) {
        0 => TokenRef::SecurityContext(sct(r, v)),
        1 => TokenRef::Reference(str_ref(r, v)),
        2 => TokenRef::EndpointReference(epr(r)),
        _ => TokenRef::Xml(ext_element(r)),
    }
}

fn holder(r: &mut Rng, v: TrustVersion) -> TokenHolder {
    let mut h = TokenHolder::new(token(r, v));
    h.other_attributes = other_attrs(r);
    h
}

fn pick_uri<T: Clone>(r: &mut Rng, known: &[T], other: impl Fn(String) -> T) -> T {
    if r.chance(80) {
        r.pick(known).clone()
    } else {
        other(format!("urn:custom:{}", r.below(100)))
    }
}

fn binary_secret(r: &mut Rng) -> BinarySecret {
    BinarySecret {
        secret_type: r
            .chance(70)
            .then(|| pick_uri(r, BinarySecretType::KNOWN, BinarySecretType::Other)),
        secret: Secret::new(r.bytes(48)),
        other_attributes: other_attrs(r),
    }
}

fn params(r: &mut Rng, v: TrustVersion, depth: u32) -> Params {
    let mut p = Params::default();
    let c = |r: &mut Rng| r.chance(30);
    if c(r) {
        p.token_type = Some(pick_uri(r, TokenType::KNOWN, TokenType::Other));
    }
    if c(r) {
        let mut a = AppliesTo::address(*r.pick(&WsaVersion::ALL), uri(r));
        if r.chance(30) {
            a.wsp = WspVersion::V1_5;
        }
        if r.chance(20) {
            a.scopes.push(Scope::Xml(ext_element(r)));
        }
        p.applies_to = Some(a);
    }
    if c(r) {
        p.claims = Some(Claims {
            dialect: r.chance(50).then(|| uri(r)),
            content: vec![Node::Element(ext_element(r))],
            other_attributes: vec![],
        });
    }
    if c(r) {
        p.entropy = Some(Entropy {
            material: if r.chance(70) {
                KeyMaterial::BinarySecret(binary_secret(r))
            } else {
                KeyMaterial::Other(ext_element(r))
            },
            other_attributes: other_attrs(r),
        });
    }
    if c(r) {
        let a = instant(r);
        let b = Instant(a.millis() + r.below(100_000_000) as i64);
        p.lifetime = Some(Lifetime {
            created: r.chance(80).then_some(a),
            expires: r.chance(80).then_some(b),
            other_attributes: vec![],
        });
    }
    p.allow_postdating = r.chance(10);
    if c(r) {
        p.renewing = Some(Renewing {
            allow: r.chance(50).then(|| r.chance(50)),
            ok: r.chance(50).then(|| r.chance(50)),
            other_attributes: vec![],
        });
    }
    if c(r) {
        p.on_behalf_of = Some(holder(r, v));
    }
    if v == TrustVersion::V1_4 && (depth == 0 || r.chance(50)) {
        // A 1.4 message is recognized by its 1.4 elements.
        p.act_as = Some(holder(r, v));
    }
    if c(r) {
        p.issuer = Some(epr(r));
    }
    for slot in [
        &mut p.authentication_type,
        &mut p.signature_algorithm,
        &mut p.encryption_algorithm,
        &mut p.canonicalization_algorithm,
        &mut p.key_wrap_algorithm,
        &mut p.sign_with,
        &mut p.encrypt_with,
    ] {
        if r.chance(20) {
            *slot = Some(uri(r));
        }
    }
    if c(r) {
        p.key_type = Some(pick_uri(r, KeyType::KNOWN, KeyType::Other));
    }
    if c(r) {
        p.key_size = Some(r.next() as u32);
    }
    if c(r) {
        p.computed_key_algorithm = Some(pick_uri(
            r,
            ComputedKeyAlgorithm::KNOWN,
            ComputedKeyAlgorithm::Other,
        ));
    }
    for slot in [
        &mut p.encryption,
        &mut p.proof_encryption,
        &mut p.delegate_to,
        &mut p.key_exchange_token,
    ] {
        if r.chance(15) {
            *slot = Some(holder(r, v));
        }
    }
    if c(r) {
        let sig = r.chance(50).then(|| format!("#sig-{}", r.below(9)));
        let token = (sig.is_none() || r.chance(50)).then(|| token(r, v));
        p.use_key = Some(UseKey {
            sig,
            token,
            other_attributes: vec![],
        });
    }
    if c(r) {
        p.forwardable = Some(r.chance(50));
    }
    if c(r) {
        p.delegatable = Some(r.chance(50));
    }
    if r.chance(15) {
        p.policy =
            Some(Element::new(wssx::ns::WSP_2004, "wsp", "Policy").with_child(ext_element(r)));
    }
    if r.chance(15) {
        let mut e = Element::new(wssx::ns::WSP_15, "wsp15", "PolicyReference");
        e.set_attr("URI", uri(r));
        p.policy_reference = Some(e);
    }
    if c(r) {
        p.participants = Some(Participants {
            primary: r.chance(50).then(|| holder(r, v)),
            participants: (0..r.below(3)).map(|_| holder(r, v)).collect(),
            extensions: vec![],
        });
    }
    if c(r) {
        p.sign_challenge = Some(SignChallenge::new(*r.pick(TEXTS)));
    }
    if c(r) {
        let mut s = SignChallenge::new(format!(" {} ", r.pick(TEXTS)));
        s.extensions.push(ext_element(r));
        p.sign_challenge_response = Some(s);
    }
    if c(r) {
        p.binary_exchange = Some(if r.chance(70) {
            BinaryExchange::new(uri(r), r.bytes(64))
        } else {
            BinaryExchange {
                value_type: uri(r),
                encoding_type: Some("urn:hex".into()),
                data: b"0a1b2c".to_vec(),
                other_attributes: vec![],
            }
        });
    }
    p.request_ket = r.chance(10);
    if depth == 0 && v != TrustVersion::Feb2005 && r.chance(15) {
        let mut s = params(r, v, 1);
        s.other_attributes = other_attrs(r);
        p.secondary_parameters = Some(Box::new(s));
    }
    for _ in 0..r.below(3) {
        p.extensions.push(ext_element(r));
    }
    p
}

fn gen_rst(r: &mut Rng, v: TrustVersion) -> RequestSecurityToken {
    let rt = pick_uri(r, RequestType::KNOWN, RequestType::Other);
    let mut m = RequestSecurityToken::new(v, rt);
    m.context = r.chance(40).then(|| format!("uuid-{}", r.below(1 << 30)));
    if r.chance(20) {
        m.renew_target = Some(holder(r, v));
    }
    if r.chance(20) {
        m.cancel_target = Some(holder(r, v));
    }
    if r.chance(20) {
        m.validate_target = Some(holder(r, v));
    }
    m.params = params(r, v, 0);
    m.other_attributes = other_attrs(r);
    m
}

fn gen_rstr(r: &mut Rng, v: TrustVersion) -> RequestSecurityTokenResponse {
    let mut m = RequestSecurityTokenResponse::new(v);
    m.context = r.chance(40).then(|| format!("uuid-{}", r.below(1 << 30)));
    m.request_type = r
        .chance(30)
        .then(|| pick_uri(r, RequestType::KNOWN, RequestType::Other));
    if r.chance(60) {
        m.requested_security_token = Some(holder(r, v));
    }
    for _ in 0..r.below(3) {
        let token = match r.below(5) {
            0 => ProofToken::BinarySecret(binary_secret(r)),
            1 => ProofToken::ComputedKey(pick_uri(
                r,
                ComputedKeyAlgorithm::KNOWN,
                ComputedKeyAlgorithm::Other,
            )),
            2 => ProofToken::EncryptedKey(
                Element::new(wssx::ns::XENC, "xenc", "EncryptedKey").with_child(ext_element(r)),
            ),
            3 => ProofToken::Reference(str_ref(r, v)),
            _ => ProofToken::Other(ext_element(r)),
        };
        m.requested_proof_tokens.push(RequestedProofToken {
            token,
            other_attributes: other_attrs(r),
        });
    }
    if r.chance(30) {
        m.requested_attached_reference = Some(RequestedReference::new(str_ref(r, v)));
    }
    if r.chance(30) {
        m.requested_unattached_reference = Some(RequestedReference::new(str_ref(r, v)));
    }
    m.requested_token_cancelled = r.chance(10);
    if r.chance(20) {
        m.status = Some(Status {
            code: pick_uri(r, StatusCode::KNOWN, StatusCode::Other),
            reason: r.chance(50).then(|| "expired token".to_string()),
        });
    }
    if r.chance(15) {
        m.authenticator = Some(Authenticator {
            combined_hash: Some(r.bytes(32)),
            extensions: vec![],
        });
    }
    m.params = params(r, v, 0);
    m.other_attributes = other_attrs(r);
    m
}

fn gen_message(r: &mut Rng, v: TrustVersion) -> TrustMessage {
    match r.below(10) {
        0..=3 => TrustMessage::Request(gen_rst(r, v)),
        4..=7 => TrustMessage::Response(gen_rstr(r, v)),
        8 => {
            let n = 1 + r.below(3);
            let items: Vec<_> = (0..n).map(|_| gen_rstr(r, v)).collect();
            if r.chance(50) {
                TrustMessage::ResponseCollection(RequestSecurityTokenResponseCollection::new(
                    v, items,
                ))
            } else {
                TrustMessage::IssuedTokens(IssuedTokens::new(v, items))
            }
        }
        _ => TrustMessage::RequestCollection(RequestSecurityTokenCollection::new(
            v,
            (0..1 + r.below(3)).map(|_| gen_rst(r, v)).collect(),
        )),
    }
}

const PER_VERSION: usize = 1500;

/// Assert equality, printing only the neighbourhood of the first difference.
fn same<T: PartialEq + std::fmt::Debug>(got: &T, want: &T, what: &str) {
    if got == want {
        return;
    }
    let (a, b) = (format!("{got:?}"), format!("{want:?}"));
    let at = a
        .chars()
        .zip(b.chars())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    let window = |s: &str| {
        s.chars()
            .skip(at.saturating_sub(300))
            .take(500)
            .collect::<String>()
    };
    panic!("{what}\n got: ...{}\nwant: ...{}", window(&a), window(&b));
}

#[test]
fn generated_messages_round_trip_in_every_version() {
    let mut r = Rng(0x5eed_1234_abcd_0001);
    for v in TrustVersion::ALL {
        for i in 0..PER_VERSION {
            let m = gen_message(&mut r, v);
            let x = m.to_xml(v);
            // The text writer and the tree writer are one description written twice: the
            // bytes must be the same.
            assert_eq!(
                x,
                wssx::xml::element_to_string(&m.to_element(v)),
                "{v:?} #{i}: to_xml and to_element disagree"
            );
            let back = TrustMessage::from_xml(x.as_bytes())
                .unwrap_or_else(|e| panic!("{v:?} #{i}: {e}\n{x}"));
            assert_eq!(back.version(), v, "#{i}\n{x}");
            same(&back, &m, &format!("{v:?} #{i}\n{x}"));
            assert_eq!(back.to_xml(v), x, "{v:?} #{i}: not idempotent");
            let _ = back.to_json().to_string_compact();
        }
    }
}

#[test]
fn generated_messages_convert_between_versions() {
    let mut r = Rng(0x5eed_1234_abcd_0002);
    for v in TrustVersion::ALL {
        for i in 0..PER_VERSION / 3 {
            let m = gen_message(&mut r, v);
            let home = m.to_xml(v);
            for w in TrustVersion::ALL {
                let there = m.convert(w).to_xml(w);
                if v == TrustVersion::Feb2005 && w != v {
                    assert!(
                        !there.contains("http://schemas.xmlsoap.org/ws/2005/02/trust\""),
                        "{w:?} #{i}\n{there}"
                    );
                }
                let parsed = TrustMessage::from_xml(there.as_bytes())
                    .unwrap_or_else(|e| panic!("{v:?}->{w:?} #{i}: {e}\n{there}"));
                assert_eq!(
                    parsed.convert(v).to_xml(v),
                    home,
                    "{v:?}->{w:?} #{i}\n{there}"
                );
            }
        }
    }
}

#[test]
fn generated_messages_round_trip_through_envelopes() {
    let mut r = Rng(0x5eed_1234_abcd_0003);
    for v in TrustVersion::ALL {
        for i in 0..PER_VERSION / 3 {
            let m = gen_message(&mut r, v);
            let soap = *r.pick(&[SoapVersion::Soap11, SoapVersion::Soap12]);
            let wsa = *r.pick(&WsaVersion::ALL);
            let mut a = Addressing::request(wsa, Action::RstSct.uri(v), "https://sts.example.org/")
                .unwrap();
            if r.chance(50) {
                a.relates_to.push(Header::new(wssx::soap::RelatesTo {
                    message_id: "urn:uuid:prev".into(),
                    relationship: None,
                }));
            }
            let env = m.to_envelope(v, soap, Some(a.clone()));
            let x = env.to_xml();
            let back =
                Envelope::from_xml(x.as_bytes()).unwrap_or_else(|e| panic!("#{i}: {e}\n{x}"));
            assert_eq!(back.addressing.as_ref(), Some(&a), "#{i}\n{x}");
            assert_eq!(back.version, soap);
            let got =
                TrustMessage::from_envelope(&back).unwrap_or_else(|e| panic!("#{i}: {e}\n{x}"));
            same(&got, &m, &format!("#{i}\n{x}"));
            assert_eq!(back.to_xml(), x, "#{i}: envelope not idempotent");
            let _ = wssx::trust::envelope_json(&back).to_string_compact();
        }
    }
}

#[test]
fn every_known_uri_survives_each_version() {
    for v in TrustVersion::ALL {
        for rt in RequestType::KNOWN {
            let m = RequestSecurityToken::new(v, rt.clone());
            let mut m = m;
            m.params.key_type = Some(KeyType::Bearer);
            m.params.token_type = Some(TokenType::Status);
            let back = RequestSecurityToken::from_xml(m.to_xml(v).as_bytes()).unwrap();
            assert_eq!(&back.request_type, rt);
            assert_eq!(back.params.key_type, Some(KeyType::Bearer));
        }
    }
    let sc = SecurityContextToken::new(ScVersion::Feb2005, "urn:x").unwrap();
    let mut r = RequestSecurityTokenResponse::new(TrustVersion::Feb2005);
    r.requested_security_token = Some(TokenHolder::new(TokenRef::SecurityContext(sc)));
    let x = r.to_xml(TrustVersion::V1_3);
    assert!(
        x.contains(ScVersion::V1_3.namespace()) && !x.contains(ScVersion::Feb2005.namespace()),
        "{x}"
    );
}
