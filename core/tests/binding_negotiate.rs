//! Multi-leg issuance through real bytes: WS-SC Appendix A.2 / B challenges and a binary
//! negotiation (an X25519 key agreement standing in for SPNEGO / TLSNEGO) with the
//! Authenticator's CombinedHash checked.

use openssl::derive::Deriver;
use openssl::pkey::{Id, PKey, Private};
use std::sync::Arc;
use wssx::binding::{
    ExchangeHandler, ExchangeStep, MemoryStore, NegotiationStep, Outcome, Requestor,
    RequestorConfig, ServicePolicy, TokenService,
};
use wssx::message::{protect, ProtectOptions, Protection};
use wssx::{ErrorKind, Secret, TrustVersion};

const VT: &str = "urn:wssx:test:x25519";

fn shared_key(mine: &PKey<Private>, peer: &[u8]) -> wssx::Result<Secret> {
    let peer = PKey::public_key_from_raw_bytes(peer, Id::X25519)?;
    let mut d = Deriver::new(mine)?;
    d.set_peer(&peer)?;
    let z = d.derive_to_vec()?;
    Ok(Secret::new(openssl::sha::sha256(&z).to_vec()))
}

/// Requestor side: send our public key; the key is ready once the service's arrives.
/// With `confirm`, a third leg proves possession before the service issues.
struct Client {
    key: PKey<Private>,
    confirm: bool,
    secret: Option<Secret>,
}

impl ExchangeHandler for Client {
    fn value_type(&self) -> &str {
        VT
    }
    fn step(&mut self, incoming: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
        match (incoming, &self.secret) {
            (None, None) => Ok(ExchangeStep {
                output: Some(self.key.raw_public_key()?),
                ..Default::default()
            }),
            (Some(peer), None) => {
                let k = shared_key(&self.key, peer)?;
                let output = self.confirm.then(|| {
                    wssx::crypto::hmac_sha1::HmacSha1Key::new(k.expose())
                        .mac(&[b"confirm"])
                        .to_vec()
                });
                self.secret = Some(k.clone());
                Ok(ExchangeStep {
                    output,
                    complete: true,
                    key: Some(k),
                })
            }
            (_, Some(k)) => Ok(ExchangeStep {
                output: None,
                complete: true,
                key: Some(k.clone()),
            }),
        }
    }
}

struct Server {
    key: PKey<Private>,
    confirm: bool,
    secret: Option<Secret>,
}

impl ExchangeHandler for Server {
    fn value_type(&self) -> &str {
        VT
    }
    fn step(&mut self, incoming: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
        let incoming =
            incoming.ok_or_else(|| wssx::Error::new(ErrorKind::InvalidRequest, "no blob"))?;
        match &self.secret {
            None => {
                let k = shared_key(&self.key, incoming)?;
                self.secret = Some(k.clone());
                let out = Some(self.key.raw_public_key()?);
                if self.confirm {
                    Ok(ExchangeStep {
                        output: out,
                        complete: false,
                        key: None,
                    })
                } else {
                    Ok(ExchangeStep {
                        output: out,
                        complete: true,
                        key: Some(k),
                    })
                }
            }
            Some(k) => {
                let want = wssx::crypto::hmac_sha1::HmacSha1Key::new(k.expose()).mac(&[b"confirm"]);
                if !wssx::crypto::ct_eq(&want, incoming) {
                    return Err(wssx::Error::new(
                        ErrorKind::FailedAuthentication,
                        "bad confirmation",
                    ));
                }
                Ok(ExchangeStep {
                    output: None,
                    complete: true,
                    key: Some(k.clone()),
                })
            }
        }
    }
}

fn negotiating_service(confirm: bool) -> TokenService {
    TokenService::new(Arc::new(MemoryStore::new(100)), ServicePolicy::default()).with_negotiation(
        Box::new(move |vt: &str| {
            (vt == VT).then(|| {
                Box::new(Server {
                    key: PKey::generate_x25519().unwrap(),
                    confirm,
                    secret: None,
                }) as Box<dyn ExchangeHandler>
            })
        }),
    )
}

#[test]
fn negotiation_two_and_three_legs_every_version() {
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        for confirm in [false, true] {
            let svc = negotiating_service(confirm);
            let req = Requestor::new(RequestorConfig::new(tv, "x:sts"));
            let client = Box::new(Client {
                key: PKey::generate_x25519().unwrap(),
                confirm,
                secret: None,
            });
            let (mut out, mut neg) = req.negotiate(client).unwrap();
            let mut legs = 0;
            let ctx = loop {
                legs += 1;
                let resp = svc.handle(out.envelope.as_bytes());
                assert!(!resp.is_fault, "{}", resp.envelope);
                match neg.step(resp.envelope.as_bytes()).unwrap() {
                    NegotiationStep::Continue(o, n) => {
                        out = o;
                        neg = n;
                    }
                    NegotiationStep::Done(c) => break c,
                }
                assert!(legs < 5);
            };
            assert_eq!(legs, if confirm { 2 } else { 1 });
            // The context works against the service.
            let env = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a/></s:Body></s:Envelope>"#;
            let m = protect(
                env.as_bytes(),
                &ctx.key().unwrap(),
                Protection::Sign,
                &ProtectOptions::default(),
            )
            .unwrap();
            assert!(svc.verify_message(m.as_bytes()).unwrap().body_signed());
        }
    }
}

#[test]
fn negotiation_refuses_tampering() {
    let svc = negotiating_service(false);
    let req = Requestor::new(RequestorConfig::new(TrustVersion::V1_3, "x:sts"));
    let (out, neg) = req
        .negotiate(Box::new(Client {
            key: PKey::generate_x25519().unwrap(),
            confirm: false,
            secret: None,
        }))
        .unwrap();
    let resp = svc.handle(out.envelope.as_bytes());
    // Flip the CombinedHash.
    let i = resp.envelope.find("CombinedHash>").unwrap() + "CombinedHash>".len();
    let mut bad = resp.envelope.clone();
    let ch = if &bad[i..i + 1] == "A" { "B" } else { "A" };
    bad.replace_range(i..i + 1, ch);
    assert_eq!(
        neg.step(bad.as_bytes()).unwrap_err().kind(),
        ErrorKind::FailedAuthentication
    );
    // Unknown negotiation type.
    struct Other;
    impl ExchangeHandler for Other {
        fn value_type(&self) -> &str {
            "urn:other"
        }
        fn step(&mut self, _: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
            Ok(ExchangeStep {
                output: Some(vec![1]),
                ..Default::default()
            })
        }
    }
    let (out, neg) = req.negotiate(Box::new(Other)).unwrap();
    let resp = svc.handle(out.envelope.as_bytes());
    assert!(resp.is_fault);
    assert_eq!(
        neg.step(resp.envelope.as_bytes()).unwrap_err().kind(),
        ErrorKind::BadRequest
    );
}

#[test]
fn challenge_then_token_a2_and_b() {
    for tv in [TrustVersion::Feb2005, TrustVersion::V1_3] {
        let policy = ServicePolicy {
            challenge: true,
            ..Default::default()
        };
        let svc = TokenService::new(Arc::new(MemoryStore::new(100)), policy).with_authorizer(
            Box::new(|r| {
                // The leg answering the challenge must carry the requestor's proof (here: a marker
                // a real deployment would replace with a signature check).
                if r.operation == wssx::binding::Operation::Issue
                    && !String::from_utf8_lossy(r.envelope).contains("urn:proof")
                {
                    return Err(wssx::Error::new(
                        ErrorKind::FailedAuthentication,
                        "who are you?",
                    ));
                }
                Ok(Some("alice".into()))
            }),
        );
        let req = Requestor::new(RequestorConfig::new(tv, "x:sts"));
        let (out, p) = req.issue().unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        assert!(!resp.is_fault, "{}", resp.envelope);
        let challenge = match p.finish(resp.envelope.as_bytes()).unwrap() {
            Outcome::Challenge(c) => c,
            o => panic!("{o:?}"),
        };
        assert!(!challenge.challenge.is_empty());
        // Echoing something else fails.
        let mut wrong = challenge.clone();
        wrong.challenge.push('x');
        let sign = |env: String| -> wssx::Result<String> {
            Ok(env.replacen("<s:Body", "<s:Body xmlns:proof=\"urn:proof\"", 1))
        };
        let (o2, p2) = req.answer_challenge(wrong, Some(&sign)).unwrap();
        let r2 = svc.handle(o2.envelope.as_bytes());
        assert_eq!(
            p2.finish(r2.envelope.as_bytes()).unwrap_err().kind(),
            ErrorKind::FailedAuthentication
        );
        // A fresh exchange answered correctly gets the token.
        let (out, p) = req.issue().unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        let Outcome::Challenge(c) = p.finish(resp.envelope.as_bytes()).unwrap() else {
            panic!()
        };
        let (o2, p2) = req.answer_challenge(c.clone(), Some(&sign)).unwrap();
        let r2 = svc.handle(o2.envelope.as_bytes());
        assert!(
            matches!(
                p2.finish(r2.envelope.as_bytes()).unwrap(),
                Outcome::Issued(_)
            ),
            "{}",
            r2.envelope
        );
        // Without the requestor's proof the authorizer refuses.
        let (out, p) = req.issue().unwrap();
        let resp = svc.handle(out.envelope.as_bytes());
        let Outcome::Challenge(c) = p.finish(resp.envelope.as_bytes()).unwrap() else {
            panic!()
        };
        let (o3, p3) = req.answer_challenge(c, None).unwrap();
        let r3 = svc.handle(o3.envelope.as_bytes());
        assert_eq!(
            p3.finish(r3.envelope.as_bytes()).unwrap_err().kind(),
            ErrorKind::FailedAuthentication
        );
    }
}
