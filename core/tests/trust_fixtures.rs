//! Every example message of WS-Trust (February 2005, sections 6-12 and Appendix I) and of
//! WS-SecureConversation 1.3 (sections 3-6, 9), retyped under `fixtures/trust/`, plus
//! peer-shaped messages (WCF, ADFS, WIF) and SCTs produced by WSS4J, must:
//!
//! 1. parse into typed messages (with the checks below on what was read),
//! 2. write back to an equivalent document: the exclusive canonical forms (by
//!    `xmllint --exc-c14n`, an independent implementation) of the original and of the
//!    re-written document are equal after removing insignificant white space (white-space
//!    text between elements, and around simple values such as URIs, which the schema
//!    types collapse) and giving each namespace one prefix,
//! 3. survive conversion to every other version and back unchanged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wssx::soap::Envelope;
use wssx::trust::*;
use wssx::xml::{self, Element, Node};
use wssx::{ErrorKind, ScVersion, TrustVersion};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trust");
    let mut out = Vec::new();
    for dir in ["feb2005", "sc13", "peer"] {
        let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        v.sort();
        out.extend(v);
    }
    out
}

/// A prefix per namespace, so that documents differing only in prefix choice compare equal.
fn canon_prefix(ns: &str) -> String {
    match ns {
        "http://www.w3.org/XML/1998/namespace" => "xml".into(),
        _ => {
            let mut h: u32 = 0x811c9dc5;
            for b in ns.bytes() {
                h = (h ^ b as u32).wrapping_mul(0x01000193);
            }
            format!("n{h:08x}")
        }
    }
}

/// Remove what is not significant for these documents: comments, white-space text between
/// elements, white space around simple values, prefix choice, declaration placement.
fn normalize(el: &mut Element) {
    el.ns_decls.clear();
    el.prefix = el.ns.as_deref().map(canon_prefix).map(Into::into);
    for a in &mut el.attrs {
        a.prefix = a.ns.as_deref().map(canon_prefix).map(Into::into);
    }
    el.attrs
        .sort_by(|a, b| (&a.ns, &a.local).cmp(&(&b.ns, &b.local)));
    el.children
        .retain(|n| matches!(n, Node::Element(_) | Node::Text(_)));
    if el.has_element_children() {
        el.children
            .retain(|n| !matches!(n, Node::Text(t) if xml::is_whitespace(t)));
        for c in el.elements_mut() {
            normalize(c);
        }
    } else {
        let t = el.text().trim().to_string();
        el.children = if t.is_empty() {
            vec![]
        } else {
            vec![Node::Text(t.into())]
        };
    }
}

fn xmllint_c14n(doc: &str) -> Option<String> {
    let mut child = Command::new("xmllint")
        .args(["--exc-c14n", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(doc.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    assert!(
        out.status.success(),
        "xmllint failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

fn canonical(xml_text: &str) -> String {
    let mut doc = xml::parse(xml_text.as_bytes())
        .unwrap_or_else(|e| panic!("re-parse failed: {e}\n{xml_text}"));
    normalize(&mut doc.root);
    let s = xml::element_to_string(&doc.root);
    xmllint_c14n(&s).unwrap_or(s)
}

/// Re-write every trust message of a document (root message, or body children and
/// headers of an envelope) in `version` (None = the version it was read in).
fn rewrite(text: &str, version: Option<TrustVersion>) -> (String, Vec<TrustMessage>) {
    let doc = xml::parse(text.as_bytes()).unwrap();
    let mut seen = Vec::new();
    let mut redo = |el: &Element| -> Element {
        let m = TrustMessage::from_element(el).unwrap_or_else(|e| panic!("{e}"));
        let v = version.unwrap_or(m.version());
        let c = m.convert(v);
        let out = c.to_element(v);
        // Every fixture also holds the text writer to the tree writer, byte for byte.
        assert_eq!(c.to_xml(v), xml::element_to_string(&out));
        seen.push(m);
        out
    };
    if TrustMessage::is_trust_element(&doc.root) {
        let out = redo(&doc.root);
        return (xml::element_to_string(&out), seen);
    }
    let mut env = Envelope::from_element(&doc.root).unwrap_or_else(|e| panic!("{e}"));
    for b in env.body.iter_mut().chain(env.headers.iter_mut()) {
        if TrustMessage::is_trust_element(b) {
            *b = redo(b);
        }
    }
    (env.to_xml(), seen)
}

#[test]
fn every_fixture_round_trips_to_an_equivalent_document() {
    let mut count = 0;
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let (written, msgs) = rewrite(&text, None);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(
            canonical(&text),
            canonical(&written),
            "{name}\n--- written:\n{written}"
        );
        // The JSON description exists for every message.
        for m in &msgs {
            assert!(
                m.to_json().to_string_compact().starts_with("{\"type\":"),
                "{name}"
            );
        }
        count += 1;
    }
    assert!(count >= 55, "only {count} fixtures");
}

#[test]
fn every_fixture_survives_conversion_to_each_version_and_back() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (original, msgs) = rewrite(&text, None);
        if msgs.is_empty() {
            continue;
        }
        let home = msgs[0].version();
        for other in TrustVersion::ALL {
            let (there, _) = rewrite(&original, Some(other));
            // 1.3 and 1.4 share a namespace: only 1.4 elements differ between them.
            let same_family = home != TrustVersion::Feb2005 && other != TrustVersion::Feb2005;
            if other != home && !same_family {
                assert_ne!(
                    there, original,
                    "{name}: writing in {other:?} changed nothing"
                );
            }
            let (back, _) = rewrite(&there, Some(home));
            assert_eq!(
                canonical(&back),
                canonical(&original),
                "{name} via {other:?}\n{there}"
            );
        }
    }
}

fn load(rel: &str) -> TrustMessage {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trust")
        .join(rel);
    TrustMessage::from_xml(&std::fs::read(p).unwrap()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn rst(rel: &str) -> RequestSecurityToken {
    match load(rel) {
        TrustMessage::Request(r) => r,
        m => panic!("{rel}: {m:?}"),
    }
}

fn rstr(rel: &str) -> RequestSecurityTokenResponse {
    match load(rel) {
        TrustMessage::Response(r) => r,
        m => panic!("{rel}: {m:?}"),
    }
}

#[test]
fn feb2005_examples_read_as_typed_values() {
    let r = rst("feb2005/wst-06.1-issue-request.xml");
    assert_eq!(r.version, TrustVersion::Feb2005);
    assert_eq!(r.request_type, RequestType::Issue);
    assert_eq!(
        r.params.token_type,
        Some(TokenType::Other("http://example.org/mySpecialToken".into()))
    );

    let r = rstr("feb2005/wst-06.2.6-rstr-unencrypted-secret.xml");
    match r.proof_token() {
        Some(ProofToken::BinarySecret(b)) => {
            assert_eq!(b.kind(), BinarySecretType::SymmetricKey);
            assert_eq!(b.secret_type, None);
            assert_eq!(b.secret.len(), 25);
        }
        p => panic!("{p:?}"),
    }
    assert!(matches!(
        rstr("feb2005/wst-06.2.5-rstr-encrypted-secret.xml").proof_token(),
        Some(ProofToken::EncryptedKey(_))
    ));
    let r = rstr("feb2005/wst-06.2.7-rstr-token-reference.xml");
    assert_eq!(
        r.params.extensions.len(),
        1,
        "RequestedTokenReference is an extension"
    );
    assert!(matches!(r.token(), Some(TokenRef::Xml(_))));

    match load("feb2005/wst-06.3.2-rstrc-two-proofs.xml") {
        TrustMessage::ResponseCollection(c) => assert_eq!(c.responses.len(), 2),
        m => panic!("{m:?}"),
    }
    let r = rst("feb2005/wst-07-renewable-issue-request.xml");
    let renewing = r.params.renewing.as_ref().unwrap();
    assert!(renewing.allows_renewal() && !renewing.ok_after_expiry());
    let r = rst("feb2005/wst-07-renew-request.xml");
    assert_eq!(r.request_type, RequestType::Renew);
    assert!(r.renew_target.as_ref().unwrap().token.reference().is_some());
    let r = rstr("feb2005/wst-07-renew-response.xml");
    let l = r.params.lifetime.as_ref().unwrap();
    assert_eq!(
        l.expires.unwrap().millis() - l.created.unwrap().millis(),
        86_400_000
    );

    let r = rstr("feb2005/wst-09-validate-status-response.xml");
    assert_eq!(r.params.token_type, Some(TokenType::Status));
    assert!(r.status.as_ref().unwrap().is_valid());
    let r = rst("feb2005/wst-10.3-binary-exchange-request.xml");
    assert_eq!(r.params.token_type, Some(TokenType::SecurityContext));
    assert_eq!(r.params.binary_exchange.as_ref().unwrap().data.len(), 58);
    let r = rstr("feb2005/wst-10.4-key-exchange-token.xml");
    assert!(r.params.request_ket && r.params.key_exchange_token.is_some());
    let r = rstr("feb2005/wst-10.7-4-issued.xml");
    assert_eq!(r.requested_proof_tokens.len(), 2);
    match load("feb2005/wst-10.9-authenticator.xml") {
        TrustMessage::ResponseCollection(c) => {
            assert_eq!(
                c.responses[0].proof_token(),
                Some(&ProofToken::ComputedKey(ComputedKeyAlgorithm::Hash))
            );
            assert_eq!(
                c.responses[1]
                    .authenticator
                    .as_ref()
                    .unwrap()
                    .combined_hash
                    .as_ref()
                    .unwrap()
                    .len(),
                32
            );
            assert_eq!(c.responses[0].context, c.responses[1].context);
        }
        m => panic!("{m:?}"),
    }
    let r = rst("feb2005/wst-11.1-on-behalf-of-request.xml");
    assert!(
        matches!(&r.params.on_behalf_of.as_ref().unwrap().token, TokenRef::EndpointReference(e) if e.address == "http://example.org/users/alice")
    );
    assert_eq!(
        r.params.issuer.as_ref().unwrap().address,
        "http://example.org/sts"
    );
    let r = rst("feb2005/wst-11.2-key-parameters-request.xml");
    assert_eq!(r.params.key_type, Some(KeyType::PublicKey));
    assert_eq!(r.params.key_size, Some(1024));
    assert_eq!(
        r.params.use_key.as_ref().unwrap().sig.as_deref(),
        Some("#proofSignature")
    );
    assert!(r.params.encryption.is_some() && r.params.proof_encryption.is_some());
    let r = rst("feb2005/wst-11.3-delegate-request.xml");
    assert_eq!(r.params.delegatable, Some(true));
    assert!(rst("feb2005/wst-11.4-policy-request.xml")
        .params
        .policy
        .is_some());
    let p = rst("feb2005/wst-11.5-participants-request.xml")
        .params
        .participants
        .unwrap();
    assert!(p.primary.is_some());
    assert_eq!(p.participants.len(), 2);
    assert_eq!(
        rst("feb2005/wst-12-ket-request.xml").request_type,
        RequestType::Ket
    );
    let e = rst("feb2005/wst-I.2-requestor-entropy.xml")
        .params
        .entropy
        .unwrap();
    assert!(matches!(e.material, KeyMaterial::EncryptedData(_)));
    let e = rstr("feb2005/wst-I.4-composite-key.xml")
        .params
        .entropy
        .unwrap();
    assert_eq!(e.material.binary_secret().unwrap().secret.len(), 16);

    // The body is an application message: the trust message is the IssuedTokens header.
    assert!(matches!(
        load("feb2005/wst-06.4-issued-tokens.xml"),
        TrustMessage::IssuedTokens(_)
    ));
}

#[test]
fn issued_tokens_headers_and_challenges() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/trust/feb2005/wst-06.4-issued-tokens.xml"),
    )
    .unwrap();
    let env = Envelope::from_xml(text.as_bytes()).unwrap();
    let issued: Vec<IssuedTokens> = env
        .headers
        .iter()
        .map(|h| IssuedTokens::from_element(h).unwrap())
        .collect();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0].responses.len(), 2);
    assert_eq!(issued[1].other_attributes.len(), 1, "S:role is kept");
    assert!(matches!(
        issued[1].responses[0]
            .params
            .applies_to
            .as_ref()
            .unwrap()
            .scopes[0],
        Scope::Xml(_)
    ));

    let c = rstr("feb2005/wst-10.6-2-challenge.xml");
    let r = rstr("feb2005/wst-10.6-3-challenge-response.xml");
    assert_eq!(
        c.params.sign_challenge.as_ref().unwrap().challenge,
        r.params.sign_challenge_response.as_ref().unwrap().challenge
    );
}

#[test]
fn sc_binding_examples() {
    let env = |rel: &str| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/trust")
            .join(rel);
        Envelope::from_xml(&std::fs::read(p).unwrap()).unwrap()
    };
    let cases = [
        ("sc13/wsc-03.2-sct-request.xml", Action::RstSct),
        ("sc13/wsc-03.2-sct-response.xml", Action::RstrSct),
        ("sc13/wsc-04-amend-request.xml", Action::RstSctAmend),
        ("sc13/wsc-04-amend-response.xml", Action::RstrSctAmend),
        ("sc13/wsc-05-renew-request.xml", Action::RstSctRenew),
        ("sc13/wsc-05-renew-response.xml", Action::RstrSctRenew),
        ("sc13/wsc-06-cancel-request.xml", Action::RstSctCancel),
        ("sc13/wsc-06-cancel-response.xml", Action::RstrSctCancel),
    ];
    for (rel, action) in cases {
        let e = env(rel);
        let (a, v) = Action::from_uri(e.action().unwrap()).unwrap();
        assert_eq!(
            (a.clone(), v),
            (action.clone(), TrustVersion::V1_3),
            "{rel}"
        );
        let m = TrustMessage::from_envelope(&e).unwrap();
        assert_eq!(m.version(), TrustVersion::V1_3);
        if let TrustMessage::Request(r) = &m {
            // WS-SC 4: amend uses the issuance request type; the action tells them apart.
            assert_eq!(Some(r.request_type.clone()), a.request_type(), "{rel}");
        }
    }
    let r = rstr("sc13/wsc-05-renew-response.xml");
    let sct = r.security_context_token().unwrap();
    assert_eq!(sct.version, ScVersion::V1_3);
    assert_eq!(
        sct.instance.as_deref(),
        Some("uuid:0d8e7a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
    );
    let r = rst("sc13/wsc-05-renew-request.xml");
    assert_eq!(r.params.lifetime.as_ref().unwrap().created, None);
    assert!(rstr("sc13/wsc-06-cancel-response.xml").requested_token_cancelled);

    let f11 = env("sc13/wsc-09-fault-soap11.xml")
        .fault()
        .unwrap()
        .unwrap();
    assert_eq!(f11.to_error().kind(), ErrorKind::BadContextToken);
    let f12 = env("sc13/wsc-09-fault-soap12.xml");
    assert_eq!(
        f12.fault().unwrap().unwrap().to_error().kind(),
        ErrorKind::UnknownDerivationSource
    );
    assert_eq!(
        TrustMessage::from_envelope(&f12).unwrap_err().kind(),
        ErrorKind::UnknownDerivationSource
    );
}

#[test]
fn peer_messages() {
    let r = rst("peer/wcf-feb2005-sct-rst.xml");
    assert_eq!(
        r.context.as_deref(),
        Some("uuid-6f1b9c2e-3a4d-4e5f-9a7b-1c2d3e4f5a6b-1")
    );
    let b = r
        .params
        .entropy
        .as_ref()
        .unwrap()
        .material
        .binary_secret()
        .unwrap();
    assert_eq!(
        (b.kind(), b.secret.len(), b.other_attributes.len()),
        (BinarySecretType::Nonce, 32, 1)
    );
    assert_eq!(r.params.key_size, Some(256));

    let r = rstr("peer/wcf-feb2005-sct-rstr.xml");
    assert_eq!(
        r.security_context_token().unwrap().identifier,
        "urn:uuid:3d7c2e1f-8b9a-4c5d-a6e7-f8091a2b3c4d"
    );
    assert_eq!(
        r.proof_token(),
        Some(&ProofToken::ComputedKey(ComputedKeyAlgorithm::Psha1))
    );
    let unattached = &r.requested_unattached_reference.as_ref().unwrap().reference;
    assert_eq!(
        unattached.reference.as_ref().unwrap().value_type.as_deref(),
        Some(ScVersion::Feb2005.sct_token_type())
    );
    // Converting to 1.3 moves the SCT and the references' value types along.
    let x = r.to_xml(TrustVersion::V1_3);
    assert!(!x.contains("2005/02"), "{x}");
    let c = r.convert(TrustVersion::V1_3);
    assert_eq!(c.security_context_token().unwrap().version, ScVersion::V1_3);

    match load("peer/wcf-1.3-sct-rstrc.xml") {
        TrustMessage::ResponseCollection(c) => {
            assert_eq!(c.version, TrustVersion::V1_3);
            assert_eq!(
                c.responses[0]
                    .params
                    .lifetime
                    .as_ref()
                    .unwrap()
                    .created
                    .unwrap()
                    .to_xsd(),
                "2026-03-01T08:15:42.901Z"
            );
        }
        m => panic!("{m:?}"),
    }
    let r = rst("peer/wcf-1.3-issue-rst-secondary-parameters.xml");
    let sp = r.params.secondary_parameters.as_ref().unwrap();
    assert_eq!(
        sp.key_wrap_algorithm.as_deref(),
        Some("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p")
    );
    assert_eq!(r.params.claims.as_ref().unwrap().elements().count(), 2);
    assert_eq!(
        r.params.applies_to.as_ref().unwrap().endpoint_address(),
        Some("https://service.example.org/Orders.svc")
    );

    let r = rstr("peer/adfs-shape-feb2005-bearer-rstr.xml");
    assert_eq!(r.params.key_type, Some(KeyType::Bearer));
    assert_eq!(r.request_type, Some(RequestType::Issue));
    assert!(r
        .requested_attached_reference
        .as_ref()
        .unwrap()
        .reference
        .key_identifier
        .is_some());
    assert!(r
        .to_xml(TrustVersion::V1_3)
        .contains("http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer"));

    let r = rst("peer/wif-1.4-actas-rst.xml");
    assert_eq!(r.version, TrustVersion::V1_4);
    assert!(
        matches!(&r.params.act_as.as_ref().unwrap().token, TokenRef::Xml(e) if e.local == "UsernameToken")
    );

    for (rel, v) in [
        ("peer/wss4j-sct-feb2005-rstr.xml", ScVersion::Feb2005),
        ("peer/wss4j-sct-1.3-rstr.xml", ScVersion::V1_3),
    ] {
        let r = rstr(rel);
        assert_eq!(r.security_context_token().unwrap().version, v);
        assert!(r.security_context_token().unwrap().id.is_some());
    }
}
