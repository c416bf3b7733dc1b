//! Requestor against token service through real bytes: issue, use, renew, amend, validate
//! and cancel a security context, in both trust versions, both SOAP versions, both entropy
//! modes; faults come back typed; many threads at once lose or resurrect nothing.

use std::sync::Arc;
use wssx::binding::{
    EntropyMode, Lookup, MemoryStore, Outcome, Requestor, RequestorConfig, SecurityContext,
    ServicePolicy, TokenService,
};
use wssx::message::{protect, ContextId, Part, ProtectOptions, Protection, SoapVersion};
use wssx::{ErrorKind, TrustVersion};

const APP: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:Ping xmlns:m="urn:app">hello</m:Ping></s:Body></s:Envelope>"#;

fn service() -> TokenService {
    TokenService::new(Arc::new(MemoryStore::new(10_000)), ServicePolicy::default())
}

fn issue(svc: &TokenService, req: &Requestor) -> SecurityContext {
    let (out, pending) = req.issue().unwrap();
    let resp = svc.handle(out.envelope.as_bytes());
    assert!(!resp.is_fault, "{}", resp.envelope);
    match pending.finish(resp.envelope.as_bytes()).unwrap() {
        Outcome::Issued(c) => c,
        o => panic!("{o:?}"),
    }
}

fn use_ctx(svc: &TokenService, ctx: &SecurityContext) -> wssx::Result<ContextId> {
    let msg = protect(
        APP.as_bytes(),
        &ctx.key()?,
        Protection::SignAndEncrypt,
        &ProtectOptions::default(),
    )?;
    let r = svc.verify_message(msg.as_bytes())?;
    assert!(r.body_signed() && r.body_decrypted());
    Ok(r.signer_of(&Part::Body).cloned().unwrap())
}

fn configs() -> Vec<RequestorConfig> {
    let mut v = Vec::new();
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        for soap in [SoapVersion::Soap11, SoapVersion::Soap12] {
            for entropy in [EntropyMode::Combined, EntropyMode::None] {
                let mut c = RequestorConfig::new(tv, "http://localhost/sts");
                c.soap_version = soap;
                c.entropy = entropy;
                v.push(c);
            }
        }
    }
    v
}

#[test]
fn full_lifecycle_every_version() {
    for cfg in configs() {
        let svc = service();
        let req = Requestor::new(cfg.clone());
        let ctx = issue(&svc, &req);
        assert_eq!(ctx.secret.len(), 32, "{cfg:?}");
        assert_eq!(ctx.sct.version, cfg.trust_version.sc());
        assert!(
            ctx.expires.is_some()
                && ctx.attached_reference.is_some()
                && ctx.unattached_reference.is_some()
        );
        // The requestor's key is the service's key.
        match svc.store().get(&ctx.sct.identifier, None).unwrap() {
            Lookup::Found(s) => assert_eq!(s.secret, ctx.secret),
            other => panic!("{other:?}"),
        }
        assert_eq!(use_ctx(&svc, &ctx).unwrap().identifier, ctx.sct.identifier);

        // Renew with new key material: new Instance, new key; both instances work during rollover.
        let (out, p) = req.renew(&ctx, true, None).unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        assert!(!resp.is_fault, "{}", resp.envelope);
        let renewed = match p.finish(resp.envelope.as_bytes()).unwrap() {
            Outcome::Renewed(c) => c,
            o => panic!("{o:?}"),
        };
        assert_eq!(renewed.sct.identifier, ctx.sct.identifier);
        assert!(renewed.sct.instance.is_some() && renewed.sct.instance != ctx.sct.instance);
        assert_ne!(renewed.secret, ctx.secret);
        let signer = use_ctx(&svc, &renewed).unwrap();
        assert_eq!(signer.instance, renewed.sct.instance);

        // Amend: same key.
        let (out, p) = req.amend(&renewed, None).unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        assert!(!resp.is_fault, "{}", resp.envelope);
        assert!(
            matches!(p.finish(resp.envelope.as_bytes()).unwrap(), Outcome::Amended(c) if c.secret == renewed.secret)
        );

        // Validate.
        let (out, p) = req.validate(&renewed).unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        assert!(
            matches!(
                p.finish(resp.envelope.as_bytes()).unwrap(),
                Outcome::Validated { valid: true, .. }
            ),
            "{}",
            resp.envelope
        );

        // Cancel: unusable at once, and consistently so.
        let (out, p) = req.cancel(&renewed).unwrap();
        let cancel_bytes = out.envelope.clone();
        let resp = svc.handle(cancel_bytes.as_bytes());
        assert!(
            matches!(
                p.finish(resp.envelope.as_bytes()).unwrap(),
                Outcome::Cancelled
            ),
            "{}",
            resp.envelope
        );
        assert_eq!(
            use_ctx(&svc, &renewed).unwrap_err().kind(),
            ErrorKind::BadContextToken
        );
        assert_eq!(
            use_ctx(&svc, &ctx).unwrap_err().kind(),
            ErrorKind::BadContextToken
        );
        for _ in 0..2 {
            let replay = svc.handle(cancel_bytes.as_bytes());
            assert!(replay.is_fault);
            let e = wssx::binding::response_rstr(replay.envelope.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadContextToken, "{}", replay.envelope);
        }
        let (out, p) = req.validate(&renewed).unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        assert!(matches!(
            p.finish(resp.envelope.as_bytes()).unwrap(),
            Outcome::Validated { valid: false, .. }
        ));
        // Renewing a cancelled context fails the same way.
        let (out, p) = req.renew(&renewed, true, None).unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        assert_eq!(
            p.finish(resp.envelope.as_bytes()).unwrap_err().kind(),
            ErrorKind::BadContextToken
        );
    }
}

#[test]
fn faults_come_back_typed() {
    let svc = service();
    let req = Requestor::new(RequestorConfig::new(
        TrustVersion::V1_3,
        "http://localhost/sts",
    ));
    // Garbage.
    let r = svc.handle(b"<not-soap/>");
    assert!(r.is_fault);
    assert_eq!(
        wssx::binding::response_rstr(r.envelope.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
    // An out-of-policy key size.
    let mut cfg = RequestorConfig::new(TrustVersion::Feb2005, "x:sts");
    cfg.key_size = 4096;
    let (out, p) = Requestor::new(cfg).issue().unwrap();
    let r = svc.handle(out.envelope.as_bytes());
    assert!(
        r.is_fault
            && r.envelope
                .contains("http://schemas.xmlsoap.org/ws/2005/02/trust"),
        "{}",
        r.envelope
    );
    assert_eq!(
        p.finish(r.envelope.as_bytes()).unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
    // Renew of a context the service never issued.
    let other = issue(&service(), &req);
    let (out, p) = req.renew(&other, false, None).unwrap();
    let r = svc.handle(out.envelope.as_bytes());
    assert_eq!(
        p.finish(r.envelope.as_bytes()).unwrap_err().kind(),
        ErrorKind::BadContextToken
    );
    // A renew signed by one context for another is refused.
    let a = issue(&svc, &req);
    let b = issue(&svc, &req);
    let mut forged = b.clone();
    forged.sct = a.sct.clone();
    forged.secret = b.secret.clone();
    let (out, p) = req.renew(&forged, false, None).unwrap();
    let r = svc.handle(out.envelope.as_bytes());
    assert!(p.finish(r.envelope.as_bytes()).is_err());
}

#[test]
fn expired_context_needs_renewal() {
    let policy = ServicePolicy {
        context_lifetime: std::time::Duration::from_millis(1),
        clock_skew: std::time::Duration::ZERO,
        ..Default::default()
    };
    let svc = TokenService::new(Arc::new(MemoryStore::new(100)), policy);
    let req = Requestor::new(RequestorConfig::new(TrustVersion::V1_3, "x:sts"));
    let ctx = issue(&svc, &req);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(
        use_ctx(&svc, &ctx).unwrap_err().kind(),
        ErrorKind::RenewNeeded
    );
    let (out, p) = req.renew(&ctx, true, None).unwrap();
    let r = svc.handle(out.envelope.as_bytes());
    assert!(p.finish(r.envelope.as_bytes()).is_err());
}

#[test]
fn many_threads_no_lost_or_resurrected_contexts() {
    let svc = Arc::new(service());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let svc = svc.clone();
            std::thread::spawn(move || {
                let tv = if t % 2 == 0 {
                    TrustVersion::Feb2005
                } else {
                    TrustVersion::V1_3
                };
                let req = Requestor::new(RequestorConfig::new(tv, "x:sts"));
                for _ in 0..15 {
                    let ctx = issue(&svc, &req);
                    use_ctx(&svc, &ctx).unwrap();
                    let (out, p) = req.renew(&ctx, true, None).unwrap();
                    let r = svc.handle(out.envelope.as_bytes());
                    let ctx = match p.finish(r.envelope.as_bytes()).unwrap() {
                        Outcome::Renewed(c) => c,
                        o => panic!("{o:?}"),
                    };
                    use_ctx(&svc, &ctx).unwrap();
                    let (out, p) = req.cancel(&ctx).unwrap();
                    let r = svc.handle(out.envelope.as_bytes());
                    assert!(matches!(
                        p.finish(r.envelope.as_bytes()).unwrap(),
                        Outcome::Cancelled
                    ));
                    assert_eq!(
                        use_ctx(&svc, &ctx).unwrap_err().kind(),
                        ErrorKind::BadContextToken
                    );
                    assert_eq!(
                        svc.store().get(&ctx.sct.identifier, None).unwrap(),
                        Lookup::Cancelled
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn renew_replay_answered_consistently() {
    let svc = service();
    let req = Requestor::new(RequestorConfig::new(TrustVersion::V1_3, "x:sts"));
    let ctx = issue(&svc, &req);
    let (out, p) = req.renew(&ctx, true, None).unwrap();
    let first = svc.handle(out.envelope.as_bytes());
    let again = svc.handle(out.envelope.as_bytes());
    assert!(!first.is_fault && !again.is_fault);
    let a = match p.clone().finish(first.envelope.as_bytes()).unwrap() {
        Outcome::Renewed(c) => c,
        o => panic!("{o:?}"),
    };
    let b = match p.finish(again.envelope.as_bytes()).unwrap() {
        Outcome::Renewed(c) => c,
        o => panic!("{o:?}"),
    };
    assert_eq!(a.sct.instance, b.sct.instance);
    assert_eq!(a.secret, b.secret);
    assert!(req.needs_renewal(&a, a.expires.unwrap()));
    assert!(!req.needs_renewal(&a, a.created.unwrap()));
}

#[test]
fn associating_a_context_with_an_action() {
    // Two contexts in one message (WS-SC 8): the Body names B with an STR; B signs the Body.
    let svc = service();
    let req = Requestor::new(RequestorConfig::new(TrustVersion::V1_3, "x:sts"));
    let a = issue(&svc, &req);
    let b = issue(&svc, &req);
    let env = format!(
        r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:Transfer xmlns:m="urn:bank"><wsse:SecurityTokenReference xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:Reference URI="{}"/></wsse:SecurityTokenReference><m:Amount>5</m:Amount></m:Transfer></s:Body></s:Envelope>"#,
        b.sct.identifier
    );
    let signed_by_a = protect(
        env.as_bytes(),
        &a.key().unwrap(),
        Protection::Sign,
        &ProtectOptions::default(),
    )
    .unwrap();
    let both = protect(
        signed_by_a.as_bytes(),
        &b.key().unwrap(),
        Protection::Sign,
        &ProtectOptions::default(),
    )
    .unwrap();
    let r = svc.verify_message(both.as_bytes()).unwrap();
    let assoc = r.associations();
    assert_eq!(assoc.len(), 1);
    assert_eq!(assoc[0].context.identifier, b.sct.identifier);
    assert!(assoc[0].covered);
    // Signed by A only: the Body names B but B did not sign it.
    let r = svc.verify_message(signed_by_a.as_bytes()).unwrap();
    assert!(!r.associations()[0].covered);
}
