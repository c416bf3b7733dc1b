//! Sign / verify / encrypt / decrypt round trips through real bytes, and the attacks a
//! receiver must refuse. (Interop with WSS4J and gSOAP lives in tests/interop/wss.)

use std::time::Duration;
use wssx::message::{
    protect, verify, AlgorithmSuite, ContextId, ContextKey, Part, ProtectOptions, Protection,
    ProtectionOrder, TokenReference, VerifyOptions,
};
use wssx::{ErrorKind, ScVersion, Secret, SecurityContextToken};

const ENV11: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsa:To xmlns:wsa="http://www.w3.org/2005/08/addressing">http://example.org/svc</wsa:To></soap:Header><soap:Body><m:Echo xmlns:m="urn:example"><m:Text>hello &amp; welcome</m:Text></m:Echo></soap:Body></soap:Envelope>"#;
const ENV12: &str = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><Echo xmlns="urn:example"><Text>hi</Text></Echo></env:Body></env:Envelope>"#;

fn ctx(v: ScVersion) -> ContextKey {
    let mut sct =
        SecurityContextToken::new(v, "urn:uuid:5b3a2c1e-0000-4000-8000-000000000001").unwrap();
    sct.instance = Some("urn:uuid:instance-1".into());
    ContextKey {
        sct,
        secret: Secret::from_slice(&[0x42; 32]),
    }
}

fn lookup_for(secret: Secret) -> impl Fn(&ContextId) -> wssx::Result<Option<Secret>> {
    move |id: &ContextId| {
        Ok(
            (id.identifier == "urn:uuid:5b3a2c1e-0000-4000-8000-000000000001")
                .then(|| secret.clone()),
        )
    }
}

fn all_options() -> Vec<ProtectOptions> {
    let mut v = Vec::new();
    for suite in [
        AlgorithmSuite::Basic128,
        AlgorithmSuite::Basic256,
        AlgorithmSuite::Basic256Sha256,
    ] {
        for reference in [TokenReference::ById, TokenReference::ByIdentifier] {
            for derived in [true, false] {
                v.push(ProtectOptions {
                    suite,
                    reference,
                    derived_keys: derived,
                    ..Default::default()
                });
            }
        }
    }
    v.push(ProtectOptions {
        label: Some("custom label".into()),
        signature_key_len: Some(40),
        ..Default::default()
    });
    v.push(ProtectOptions {
        offset: Some(7),
        nonce_len: 32,
        ..Default::default()
    });
    v.push(ProtectOptions {
        include_sct: false,
        reference: TokenReference::ByIdentifier,
        ..Default::default()
    });
    v.push(ProtectOptions {
        gcm: true,
        ..Default::default()
    });
    v
}

#[test]
fn sign_encrypt_round_trips() {
    for v in ScVersion::ALL {
        let c = ctx(v);
        let lookup = lookup_for(c.secret.clone());
        for env in [ENV11, ENV12] {
            for opts in all_options() {
                for what in [
                    Protection::Sign,
                    Protection::Encrypt,
                    Protection::SignAndEncrypt,
                ] {
                    for order in [
                        ProtectionOrder::SignThenEncrypt,
                        ProtectionOrder::EncryptThenSign,
                    ] {
                        let o = ProtectOptions {
                            order,
                            ..opts.clone()
                        };
                        let secured = protect(env.as_bytes(), &c, what, &o).unwrap();
                        let r = verify(secured.as_bytes(), &lookup, &VerifyOptions::default())
                            .unwrap_or_else(|e| panic!("{what:?} {o:?}: {e}\n{secured}"));
                        let id = ContextId {
                            identifier: c.sct.identifier.clone(),
                            instance: c.sct.instance.clone(),
                        };
                        if what != Protection::Encrypt {
                            assert!(r.body_signed(), "{secured}");
                            assert!(r.is_signed(&Part::Timestamp));
                            assert_eq!(r.signer_of(&Part::Body), Some(&id));
                        }
                        if what != Protection::Sign {
                            assert!(r.body_decrypted());
                            assert!(!secured.contains("welcome") && !secured.contains(">hi<"));
                            let plain = r.envelope_xml();
                            assert!(
                                plain.contains("hello &amp; welcome") || plain.contains(">hi<"),
                                "{plain}"
                            );
                        }
                    }
                }
            }
        }
    }
}

fn signed() -> (String, ContextKey) {
    let c = ctx(ScVersion::V1_3);
    (
        protect(
            ENV11.as_bytes(),
            &c,
            Protection::Sign,
            &ProtectOptions::default(),
        )
        .unwrap(),
        c,
    )
}

fn verify_kind(msg: &str, c: &ContextKey) -> ErrorKind {
    verify(
        msg.as_bytes(),
        &lookup_for(c.secret.clone()),
        &VerifyOptions::default(),
    )
    .unwrap_err()
    .kind()
}

#[test]
fn tampering_is_detected() {
    let (m, c) = signed();
    // Body text.
    assert_eq!(
        verify_kind(&m.replace("hello &amp; welcome", "hello &amp; welcomE"), &c),
        ErrorKind::InvalidSignature
    );
    // A signed attribute added.
    assert_eq!(
        verify_kind(&m.replace("<m:Text>", "<m:Text a=\"1\">"), &c),
        ErrorKind::InvalidSignature
    );
    // Timestamp changed.
    let created = m.find("<wsu:Created>").unwrap() + "<wsu:Created>".len();
    let mut t = m.clone();
    let ch = if &t[created..created + 1] == "2" {
        "3"
    } else {
        "2"
    };
    t.replace_range(created..created + 1, ch);
    assert!(matches!(
        verify_kind(&t, &c),
        ErrorKind::InvalidSignature | ErrorKind::InvalidTimeRange | ErrorKind::InvalidSecurityToken
    ));
    // Wrong key.
    let other = lookup_for(Secret::from_slice(&[1; 32]));
    assert_eq!(
        verify(m.as_bytes(), &other, &VerifyOptions::default())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    // Unknown context.
    let none = |_: &ContextId| -> wssx::Result<Option<Secret>> { Ok(None) };
    assert_eq!(
        verify(m.as_bytes(), &none, &VerifyOptions::default())
            .unwrap_err()
            .kind(),
        ErrorKind::BadContextToken
    );
    // Signature value and digest value tampered.
    let sv = m.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let mut t = m.clone();
    let ch = if &t[sv..sv + 1] == "A" { "B" } else { "A" };
    t.replace_range(sv..sv + 1, ch);
    assert_eq!(verify_kind(&t, &c), ErrorKind::InvalidSignature);
    let dv = m.find("<ds:DigestValue>").unwrap() + "<ds:DigestValue>".len();
    let mut t = m.clone();
    let ch = if &t[dv..dv + 1] == "A" { "B" } else { "A" };
    t.replace_range(dv..dv + 1, ch);
    assert_eq!(verify_kind(&t, &c), ErrorKind::InvalidSignature);
    // Truncated HMAC.
    let t = m.replace(
        "xmldsig#hmac-sha1\"/>",
        "xmldsig#hmac-sha1\"><ds:HMACOutputLength>80</ds:HMACOutputLength></ds:SignatureMethod>",
    );
    assert_eq!(verify_kind(&t, &c), ErrorKind::InvalidSignature);
    // DKT nonce changed => different key.
    let n = m.find("<wsc:Nonce>").unwrap() + "<wsc:Nonce>".len();
    let mut t = m.clone();
    let ch = if &t[n..n + 1] == "A" { "B" } else { "A" };
    t.replace_range(n..n + 1, ch);
    assert_eq!(verify_kind(&t, &c), ErrorKind::InvalidSignature);
}

#[test]
fn signature_wrapping_is_refused() {
    let (m, c) = signed();
    let body_start = m.find("<soap:Body").unwrap();
    let body_end = m.find("</soap:Body>").unwrap() + "</soap:Body>".len();
    let body = &m[body_start..body_end];
    // 1. Move the signed Body into a header wrapper and put an unsigned Body in its place
    //    with the same ID: duplicate IDs.
    let evil_body = body.replace("hello &amp; welcome", "transfer all funds");
    let wrapped = m.replacen(body, &evil_body, 1).replacen(
        "<soap:Header>",
        &format!("<soap:Header><w:Wrapper xmlns:w=\"urn:w\">{body}</w:Wrapper>"),
        1,
    );
    assert_eq!(verify_kind(&wrapped, &c), ErrorKind::InvalidSignature);
    // 2. Same, but the impostor Body has no ID: the reference resolves to the moved Body.
    let id_attr_start = evil_body.find(" wsu:Id=").unwrap();
    let id_attr_end = evil_body[id_attr_start + 9..].find('"').unwrap() + id_attr_start + 10;
    let mut impostor = evil_body.clone();
    impostor.replace_range(id_attr_start..id_attr_end, "");
    let wrapped = m.replacen(body, &impostor, 1).replacen(
        "<soap:Header>",
        &format!("<soap:Header><w:Wrapper xmlns:w=\"urn:w\">{body}</w:Wrapper>"),
        1,
    );
    assert_eq!(verify_kind(&wrapped, &c), ErrorKind::InvalidSignature);
    // 3. An unsigned message body claimed by a signature of another message is caught by
    //    the digest; and an unsigned Body is reported as not signed.
    let unsigned = m.replacen(
        &m[m.find("<ds:Signature").unwrap()..m.find("</ds:Signature>").unwrap() + 15],
        "",
        1,
    );
    let r = verify(
        unsigned.as_bytes(),
        &lookup_for(c.secret.clone()),
        &VerifyOptions::default(),
    )
    .unwrap();
    assert!(!r.body_signed());
}

#[test]
fn timestamp_freshness() {
    let (m, c) = signed();
    let lookup = lookup_for(c.secret.clone());
    let later = wssx::time::Instant::now().plus(Duration::from_secs(3600));
    let o = VerifyOptions {
        now: Some(later),
        ..Default::default()
    };
    assert_eq!(
        verify(m.as_bytes(), &lookup, &o).unwrap_err().kind(),
        ErrorKind::ExpiredData
    );
    let earlier = wssx::time::Instant::now().minus(Duration::from_secs(3600));
    let o = VerifyOptions {
        now: Some(earlier),
        ..Default::default()
    };
    assert_eq!(
        verify(m.as_bytes(), &lookup, &o).unwrap_err().kind(),
        ErrorKind::InvalidTimeRange
    );
    let no_ts = protect(
        ENV11.as_bytes(),
        &c,
        Protection::Sign,
        &ProtectOptions {
            timestamp_ttl: None,
            ..Default::default()
        },
    )
    .unwrap();
    let o = VerifyOptions {
        require_timestamp: true,
        ..Default::default()
    };
    assert_eq!(
        verify(no_ts.as_bytes(), &lookup, &o).unwrap_err().kind(),
        ErrorKind::InvalidSecurityToken
    );
}

#[test]
fn short_and_mismatched_keys_refused() {
    let c = ctx(ScVersion::V1_3);
    let lookup = lookup_for(c.secret.clone());
    let m = protect(
        ENV11.as_bytes(),
        &c,
        Protection::Sign,
        &ProtectOptions {
            signature_key_len: Some(8),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        verify(m.as_bytes(), &lookup, &VerifyOptions::default())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    // An encryption key whose length does not match the announced AES variant.
    let m = protect(
        ENV11.as_bytes(),
        &c,
        Protection::Encrypt,
        &ProtectOptions::default(),
    )
    .unwrap();
    let t = m.replace("aes256-cbc", "aes128-cbc");
    assert_eq!(
        verify(t.as_bytes(), &lookup, &VerifyOptions::default())
            .unwrap_err()
            .kind(),
        ErrorKind::Crypto
    );
}

#[test]
fn garbage_never_panics() {
    let (m, c) = signed();
    let lookup = lookup_for(c.secret.clone());
    let bytes = m.as_bytes();
    let mut seed = 12345u64;
    for i in 0..3000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut b = bytes.to_vec();
        match i % 3 {
            0 => {
                let p = (seed >> 33) as usize % b.len();
                b[p] ^= 1 << (seed % 8);
            }
            1 => b.truncate((seed >> 33) as usize % b.len()),
            _ => {
                let p = (seed >> 33) as usize % b.len();
                let q = (seed >> 13) as usize % b.len();
                let (lo, hi) = (p.min(q), p.max(q));
                let chunk = b[lo..hi].to_vec();
                b.splice(lo..lo, chunk);
            }
        }
        let _ = verify(&b, &lookup, &VerifyOptions::default());
    }
}

fn identity(
    cn: &str,
) -> (
    openssl::x509::X509,
    openssl::pkey::PKey<openssl::pkey::Private>,
) {
    use openssl::{asn1::Asn1Time, hash::MessageDigest, pkey::PKey, rsa::Rsa, x509::*};
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

#[test]
fn ephemeral_key_for_a_recipient_certificate() {
    use std::sync::Arc;
    use wssx::message::{protect_for_recipient, KeyResolver};
    let (cert, key) = identity("service.example");
    let keys = Arc::new(KeyResolver::with(cert.clone(), key).unwrap());
    let none = |_: &ContextId| -> wssx::Result<Option<Secret>> { Ok(None) };
    for v in ScVersion::ALL {
        for derived in [true, false] {
            for what in [
                Protection::Sign,
                Protection::Encrypt,
                Protection::SignAndEncrypt,
            ] {
                let o = ProtectOptions {
                    derived_keys: derived,
                    ..Default::default()
                };
                let (m, k) = protect_for_recipient(ENV11.as_bytes(), &cert, v, what, &o).unwrap();
                assert_eq!(k.len(), 32);
                assert!(
                    m.contains("EncryptedKey") && !m.contains("SecurityContextToken"),
                    "{m}"
                );
                let r = verify(
                    m.as_bytes(),
                    &none,
                    &VerifyOptions {
                        keys: Some(keys.clone()),
                        ..Default::default()
                    },
                )
                .unwrap_or_else(|e| panic!("{v:?} {derived} {what:?}: {e}\n{m}"));
                assert_eq!(r.body_signed(), what != Protection::Encrypt);
                assert_eq!(r.body_decrypted(), what != Protection::Sign);
                // No private key, or the wrong one: refused.
                assert!(verify(m.as_bytes(), &none, &VerifyOptions::default()).is_err());
                let (_, other) = identity("other.example");
                let wrong = Arc::new(
                    KeyResolver::with(cert.clone(), other)
                        .ok()
                        .unwrap_or_default(),
                );
                assert!(verify(
                    m.as_bytes(),
                    &none,
                    &VerifyOptions {
                        keys: Some(wrong),
                        ..Default::default()
                    }
                )
                .is_err());
            }
        }
    }
}

#[test]
fn nonce_lengths_from_none_to_absurd() {
    // The first DKT nonce is drawn with the Id stem; every length must still work or be
    // refused with a typed error (an overflowing length once wrapped around there).
    let c = ctx(ScVersion::V1_3);
    for n in [0usize, 7] {
        let o = ProtectOptions {
            nonce_len: n,
            ..Default::default()
        };
        let e = protect(ENV11.as_bytes(), &c, Protection::Sign, &o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "nonce_len {n}");
    }
    for n in [8usize, 16, 58, 59, 64, 100, 128] {
        let o = ProtectOptions {
            nonce_len: n,
            ..Default::default()
        };
        for what in [Protection::Sign, Protection::SignAndEncrypt] {
            let signed = protect(ENV11.as_bytes(), &c, what, &o).unwrap();
            let r = verify(
                signed.as_bytes(),
                &lookup_for(c.secret.clone()),
                &VerifyOptions::default(),
            );
            assert!(r.is_ok(), "nonce_len {n}: {r:?}");
        }
    }
    for n in [129usize, 4096, usize::MAX, usize::MAX - 5, 1 << 40] {
        let o = ProtectOptions {
            nonce_len: n,
            ..Default::default()
        };
        let e = protect(ENV11.as_bytes(), &c, Protection::Sign, &o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded, "nonce_len {n}");
    }
}

/// A wrong key on encrypted content is one error kind, whatever the garbage decrypts to
/// (not UTF-8, not XML, a DTD): a receiver must not tell the cases apart (no oracle).
#[test]
fn wrong_key_on_encrypted_content_is_always_a_crypto_error() {
    let c = ctx(ScVersion::V1_3);
    for protection in [Protection::Encrypt, Protection::SignAndEncrypt] {
        let msg = protect(ENV11.as_bytes(), &c, protection, &ProtectOptions::default()).unwrap();
        for i in 0..64u8 {
            let wrong = Secret::from_slice(&[i.wrapping_mul(37).wrapping_add(1); 32]);
            let kind = verify(
                msg.as_bytes(),
                &lookup_for(wrong),
                &VerifyOptions::default(),
            )
            .unwrap_err()
            .kind();
            assert_eq!(kind, ErrorKind::Crypto, "{protection:?} key #{i}");
        }
    }
}

/// Canonicalizing by ID refuses a document in which any ID occurs twice, for every ID
/// (an ambiguous document, as a signature reference would see it).
#[test]
fn canonical_form_by_id_refuses_duplicate_ids_anywhere() {
    let doc = wssx::xml::parse(
        br#"<r xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><a u:Id="x"/><b u:Id="x"/><c Id="y"/></r>"#,
    )
    .unwrap();
    for id in ["x", "y"] {
        let e = wssx::message::canonical_form(&doc, Some(id), false, &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidSignature, "{id}");
    }
    assert!(wssx::message::canonical_form(&doc, None, false, &[]).is_ok());
}
