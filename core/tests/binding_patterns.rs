//! WS-SC Appendix A.1 (anonymous SCT, requestor key material encrypted for the service's
//! certificate; both response variations) and the four key exchange patterns of the
//! "Key Exchange Patterns" article (seed 000), requestor and services through real bytes.

use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509Builder, X509NameBuilder, X509};
use std::sync::Arc;
use wssx::binding::{
    MemoryStore, Outcome, Requestor, RequestorConfig, SecurityContext, ServicePolicy, TokenService,
};
use wssx::message::{
    protect, verify, ContextId, EncryptedKey, KeyResolver, Part, ProtectOptions, Protection,
    VerifyOptions,
};
use wssx::trust::{IssuedTokens, TrustMessage};
use wssx::{ErrorKind, Secret, TrustVersion};

fn identity(cn: &str) -> (X509, PKey<Private>) {
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

const APP: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body><m:Order xmlns:m="urn:shop">42 widgets</m:Order></s:Body></s:Envelope>"#;

fn issued(svc: &TokenService, req: &Requestor) -> SecurityContext {
    let (out, p) = req.issue().unwrap();
    let r = svc.handle(out.envelope.as_bytes());
    assert!(!r.is_fault, "{}", r.envelope);
    match p.finish(r.envelope.as_bytes()).unwrap() {
        Outcome::Issued(c) => c,
        o => panic!("{o:?}"),
    }
}

#[test]
fn appendix_a1_anonymous_sct_both_variations() {
    let (cert, key) = identity("sts.example");
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        for issuer_entropy in [true, false] {
            let policy = ServicePolicy {
                issuer_entropy,
                ..Default::default()
            };
            let svc = TokenService::new(Arc::new(MemoryStore::new(10)), policy)
                .with_keys(KeyResolver::with(cert.clone(), key.clone()).unwrap());
            let mut cfg = RequestorConfig::new(tv, "http://sts.example/");
            cfg.service_certificate = Some(cert.clone());
            let req = Requestor::new(cfg);
            let (out, p) = req.issue().unwrap();
            // The requestor's key material is not in the clear.
            assert!(
                out.envelope.contains("EncryptedKey") && !out.envelope.contains("BinarySecret"),
                "{}",
                out.envelope
            );
            let r = svc.handle(out.envelope.as_bytes());
            assert!(!r.is_fault, "{}", r.envelope);
            assert_eq!(r.envelope.contains("RequestedProofToken"), issuer_entropy);
            let Outcome::Issued(ctx) = p.finish(r.envelope.as_bytes()).unwrap() else {
                panic!()
            };
            let m = protect(
                APP.as_bytes(),
                &ctx.key().unwrap(),
                Protection::SignAndEncrypt,
                &ProtectOptions::default(),
            )
            .unwrap();
            assert!(svc.verify_message(m.as_bytes()).unwrap().body_signed());
            // Renewal with fresh (encrypted) entropy re-keys consistently in both variations.
            let (out, p) = req.renew(&ctx, true, None).unwrap();
            let r = svc.handle(out.envelope.as_bytes());
            let Outcome::Renewed(ctx2) = p.finish(r.envelope.as_bytes()).unwrap() else {
                panic!("{}", r.envelope)
            };
            assert_ne!(ctx2.secret, ctx.secret);
            let m = protect(
                APP.as_bytes(),
                &ctx2.key().unwrap(),
                Protection::Sign,
                &ProtectOptions::default(),
            )
            .unwrap();
            assert!(svc.verify_message(m.as_bytes()).unwrap().body_signed());
        }
    }
    // A service without the private key refuses encrypted entropy with a typed fault.
    let svc = TokenService::new(Arc::new(MemoryStore::new(10)), ServicePolicy::default());
    let mut cfg = RequestorConfig::new(TrustVersion::V1_3, "x:sts");
    cfg.service_certificate = Some(cert);
    let (out, p) = Requestor::new(cfg).issue().unwrap();
    let r = svc.handle(out.envelope.as_bytes());
    assert_eq!(
        p.finish(r.envelope.as_bytes()).unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
}

/// Wrap RSTRs in a wst:IssuedTokens header of an application message signed with `ctx`.
fn propagating_message(
    ctx: &SecurityContext,
    rstr: wssx::trust::RequestSecurityTokenResponse,
) -> String {
    let tokens = TrustMessage::IssuedTokens(IssuedTokens::new(ctx.trust_version, vec![rstr]))
        .to_element(ctx.trust_version);
    let header = wssx::xml::element_to_string(&tokens);
    let env = APP.replace("<s:Header/>", &format!("<s:Header>{header}</s:Header>"));
    protect(
        env.as_bytes(),
        &ctx.key().unwrap(),
        Protection::Sign,
        &ProtectOptions::default(),
    )
    .unwrap()
}

#[test]
fn pattern1_direct_key_transfer() {
    let (cert, key) = identity("service.example");
    let policy = ServicePolicy {
        accept_unsolicited: true,
        ..Default::default()
    };
    let svc = TokenService::new(Arc::new(MemoryStore::new(10)), policy)
        .with_keys(KeyResolver::with(cert.clone(), key.clone()).unwrap());
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        let ctx = SecurityContext::create(tv, 256, std::time::Duration::from_secs(600)).unwrap();
        let rstr = ctx.propagate(&cert).unwrap();
        assert!(!wssx::xml::element_to_string(&rstr.to_element(tv))
            .contains(&wssx::xml::encode_base64(ctx.secret.expose())));
        let msg = propagating_message(&ctx, rstr.clone());
        let stored = svc.accept_unsolicited(msg.as_bytes(), true).unwrap();
        assert_eq!(stored.secret, ctx.secret);
        let m = protect(
            APP.as_bytes(),
            &ctx.key().unwrap(),
            Protection::Sign,
            &ProtectOptions::default(),
        )
        .unwrap();
        assert_eq!(
            svc.verify_message(m.as_bytes())
                .unwrap()
                .signer_of(&Part::Body)
                .unwrap()
                .identifier,
            ctx.sct.identifier
        );
        // A replay of the same propagation is refused (the context exists).
        assert_eq!(
            svc.accept_unsolicited(msg.as_bytes(), true)
                .unwrap_err()
                .kind(),
            ErrorKind::BadContextToken
        );
        // A propagation not signed with the new context is refused.
        let other = SecurityContext::create(tv, 256, std::time::Duration::from_secs(600)).unwrap();
        let forged = propagating_message(&ctx, other.propagate(&cert).unwrap());
        assert_eq!(
            svc.accept_unsolicited(forged.as_bytes(), true)
                .unwrap_err()
                .kind(),
            ErrorKind::FailedAuthentication
        );
    }
    // By policy, refused.
    let strict = TokenService::new(Arc::new(MemoryStore::new(10)), ServicePolicy::default())
        .with_keys(KeyResolver::with(cert.clone(), key).unwrap());
    let ctx = SecurityContext::create(TrustVersion::V1_3, 256, std::time::Duration::from_secs(600))
        .unwrap();
    let msg = propagating_message(&ctx, ctx.propagate(&cert).unwrap());
    assert_eq!(
        strict
            .accept_unsolicited(msg.as_bytes(), true)
            .unwrap_err()
            .kind(),
        ErrorKind::UnsupportedContextToken
    );
}

#[test]
fn pattern2_brokered_key_distribution() {
    // The STS and the target service share the context store (the way a service scales past
    // one node): the STS issues, the service verifies with the same key.
    let store: Arc<MemoryStore> = Arc::new(MemoryStore::new(100));
    let sts = TokenService::new(store.clone(), ServicePolicy::default());
    let target = TokenService::new(store, ServicePolicy::default());
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        let ctx = issued(&sts, &Requestor::new(RequestorConfig::new(tv, "x:sts")));
        let m = protect(
            APP.as_bytes(),
            &ctx.key().unwrap(),
            Protection::SignAndEncrypt,
            &ProtectOptions::default(),
        )
        .unwrap();
        let r = target.verify_message(m.as_bytes()).unwrap();
        assert!(r.body_signed() && r.body_decrypted());
    }
}

#[test]
fn pattern3_delegated_key_transfer() {
    // A creates a session context S for B to use with T: the token for T carries S's key
    // encrypted for T, the proof token for B carries it encrypted for B. B proves itself to T
    // with S; A's own keys never leave A.
    let (t_cert, t_key) = identity("target.example");
    let (b_cert, b_key) = identity("delegate.example");
    let t = TokenService::new(
        Arc::new(MemoryStore::new(10)),
        ServicePolicy {
            accept_unsolicited: true,
            ..Default::default()
        },
    )
    .with_keys(KeyResolver::with(t_cert.clone(), t_key).unwrap());
    let s = SecurityContext::create(TrustVersion::V1_3, 256, std::time::Duration::from_secs(600))
        .unwrap();
    let for_t = s.propagate(&t_cert).unwrap();
    let for_b = s.propagate(&b_cert).unwrap();
    // B recovers the session key from its proof token.
    let Some(wssx::trust::ProofToken::EncryptedKey(el)) = for_b.proof_token() else {
        panic!()
    };
    let b_secret = EncryptedKey::from_element(el)
        .unwrap()
        .decrypt(&b_key)
        .unwrap();
    let b_ctx = SecurityContext {
        secret: b_secret,
        ..s.clone()
    };
    // B presents the token for T in a message signed with S.
    let msg = propagating_message(&b_ctx, for_t);
    t.accept_unsolicited(msg.as_bytes(), true).unwrap();
    let m = protect(
        APP.as_bytes(),
        &b_ctx.key().unwrap(),
        Protection::Sign,
        &ProtectOptions::default(),
    )
    .unwrap();
    assert!(t.verify_message(m.as_bytes()).unwrap().body_signed());
    // The token for B is useless to anyone without B's key (e.g. T).
    let Some(wssx::trust::ProofToken::EncryptedKey(el)) = for_b.proof_token() else {
        panic!()
    };
    assert!(
        KeyResolver::with(t_cert, identity("x").1).is_err()
            || EncryptedKey::from_element(el)
                .unwrap()
                .decrypt(&identity("y").1)
                .is_err()
    );
}

#[test]
fn pattern4_authenticated_request_reply_key_transfer() {
    // The requestor transfers key material only the service can read (encrypted for its
    // certificate); the service proves it holds the key by securing its reply with it.
    let (cert, key) = identity("service.example");
    let svc = TokenService::new(Arc::new(MemoryStore::new(10)), ServicePolicy::default())
        .with_keys(KeyResolver::with(cert.clone(), key).unwrap());
    let mut cfg = RequestorConfig::new(TrustVersion::V1_3, "x:sts");
    cfg.service_certificate = Some(cert);
    let ctx = issued(&svc, &Requestor::new(cfg));
    // Service side: secure the reply with the context it holds.
    let request = protect(
        APP.as_bytes(),
        &ctx.key().unwrap(),
        Protection::SignAndEncrypt,
        &ProtectOptions::default(),
    )
    .unwrap();
    let report = svc.verify_message(request.as_bytes()).unwrap();
    let who = report.signer_of(&Part::Body).unwrap().clone();
    let wssx::binding::Lookup::Found(held) = svc
        .store()
        .get(&who.identifier, who.instance.as_deref())
        .unwrap()
    else {
        panic!()
    };
    let reply_ctx = wssx::message::ContextKey {
        sct: ctx.sct.clone(),
        secret: held.secret,
    };
    let reply = protect(
        APP.as_bytes(),
        &reply_ctx,
        Protection::SignAndEncrypt,
        &ProtectOptions::default(),
    )
    .unwrap();
    // Requestor side: the reply verifies with the key it transferred.
    let mine = ctx.secret.clone();
    let lookup = move |_: &ContextId| -> wssx::Result<Option<Secret>> { Ok(Some(mine.clone())) };
    let r = verify(reply.as_bytes(), &lookup, &VerifyOptions::default()).unwrap();
    assert!(r.body_signed() && r.body_decrypted());
}

#[test]
fn key_exchange_token_then_encrypted_entropy() {
    let (cert, key) = identity("sts.example");
    let svc = TokenService::new(Arc::new(MemoryStore::new(10)), ServicePolicy::default())
        .with_keys(KeyResolver::with(cert.clone(), key).unwrap());
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        let mut req = Requestor::new(RequestorConfig::new(tv, "x:sts"));
        let (out, p) = req.key_exchange_token().unwrap();
        let r = svc.handle(out.envelope.as_bytes());
        assert!(!r.is_fault, "{}", r.envelope);
        let Outcome::KeyExchangeToken(ket) = p.finish(r.envelope.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(ket.to_der().unwrap(), cert.to_der().unwrap());
        req.config.service_certificate = Some(ket);
        let ctx = issued(&svc, &req);
        let m = protect(
            APP.as_bytes(),
            &ctx.key().unwrap(),
            Protection::Sign,
            &ProtectOptions::default(),
        )
        .unwrap();
        assert!(svc.verify_message(m.as_bytes()).unwrap().body_signed());
    }
    // A service without a certificate answers with a typed fault.
    let bare = TokenService::new(Arc::new(MemoryStore::new(10)), ServicePolicy::default());
    let (out, p) = Requestor::new(RequestorConfig::new(TrustVersion::V1_3, "x:sts"))
        .key_exchange_token()
        .unwrap();
    let r = bare.handle(out.envelope.as_bytes());
    assert_eq!(
        p.finish(r.envelope.as_bytes()).unwrap_err().kind(),
        ErrorKind::BadRequest
    );
}
