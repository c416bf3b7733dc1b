//! Token service side: turn RST messages into RSTR / RSTRC messages or SOAP faults for the
//! SCT bindings (issue, amend, renew, cancel) and validation, with policy hooks and a
//! [`ContextStore`].

use super::negotiate::{AuthHashOrder, ExchangeHandler, Transcript};
use super::store::{ContextStore, Lookup, StoredContext};
use crate::crypto::{computed_key, random_uuid_urn, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::message::KeyResolver;
use crate::message::{self, ContextId, Part, SoapVersion, VerifyOptions, VerifyReport};
use crate::soap::{Addressing, Envelope, Fault};
use crate::time::Instant;
use crate::token::{ReferenceTarget, SecurityContextToken, SecurityTokenReference};
use crate::trust::{
    Action, BinarySecret, BinarySecretType, ComputedKeyAlgorithm, Entropy, KeyMaterial, Lifetime,
    ProofToken, RequestSecurityToken, RequestSecurityTokenResponse,
    RequestSecurityTokenResponseCollection, RequestType, RequestedProofToken, RequestedReference,
    Status, StatusCode, TokenHolder, TokenRef, TokenType, TrustMessage,
};
use crate::version::TrustVersion;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

/// What the service allows and chooses.
#[derive(Debug, Clone)]
pub struct ServicePolicy {
    /// Lifetime of issued contexts (and of renewed ones). Default 30 minutes (CXF's; WCF
    /// uses its issued-token lifetime).
    pub context_lifetime: Duration,
    /// Key size in bits when the request names none. Default 256.
    pub default_key_size: u32,
    /// Smallest and largest key size accepted in a request.
    pub key_size_range: (u32, u32),
    /// Accept requestor entropy and answer with a CK/PSHA1 computed key (combined
    /// entropy, WCF's default). When false the issuer chooses the whole key.
    pub accept_requestor_entropy: bool,
    /// Renew contexts that have already expired (WS-SC 5 leaves it to policy).
    pub renew_expired: bool,
    /// Allowed clock skew for lifetimes and timestamps.
    pub clock_skew: Duration,
    /// Answer an issue request with a wst:SignChallenge first (WS-SC Appendix A.2 / B):
    /// the token is issued only to a requestor that returns the challenge (the
    /// authorizer sees that leg and can check who signed it).
    pub challenge: bool,
    /// How long an unfinished multi-leg exchange is kept.
    pub exchange_timeout: Duration,
    /// Add issuer entropy and answer with a computed key when the requestor sent entropy
    /// (true), or use the requestor's entropy as the key and return no proof token
    /// (false): the two response variations of WS-SC Appendix A.1.
    pub issuer_entropy: bool,
    /// Accept contexts a peer created and propagated in an unsolicited RSTR (direct key
    /// transfer, WS-SC 3 / WS-Trust 1.4 key exchange pattern 1).
    pub accept_unsolicited: bool,
}

impl Default for ServicePolicy {
    fn default() -> Self {
        ServicePolicy {
            context_lifetime: Duration::from_secs(30 * 60),
            default_key_size: 256,
            key_size_range: (128, 512),
            accept_requestor_entropy: true,
            renew_expired: false,
            clock_skew: Duration::from_secs(300),
            challenge: false,
            exchange_timeout: Duration::from_secs(300),
            issuer_entropy: true,
            accept_unsolicited: false,
        }
    }
}

/// The operations a policy hook is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Obtain a new context.
    Issue,
    /// Renew a context.
    Renew,
    /// Amend a context.
    Amend,
    /// Cancel a context.
    Cancel,
    /// Validate a context.
    Validate,
    /// Hand out the service's key exchange token (WS-Trust 10.x KET binding).
    KeyExchange,
}

/// What an authorizer sees.
#[derive(Debug)]
pub struct AuthRequest<'a> {
    /// The operation.
    pub operation: Operation,
    /// The request envelope as received (the authenticator checks the request's own
    /// security here: a bootstrap signature, a transport identity passed by the caller...).
    pub envelope: &'a [u8],
    /// The context the request is about (renew, amend, cancel, validate).
    pub context: Option<&'a StoredContext>,
}

/// Decides who may do what: returns the principal to record (issue) or an error (e.g.
/// FailedAuthentication) to refuse.
pub type Authorizer = dyn Fn(&AuthRequest<'_>) -> Result<Option<String>> + Send + Sync;

/// A processed request: the envelope to send back.
#[derive(Debug, Clone)]
pub struct ServiceResponse {
    /// The response envelope (an RSTR / RSTRC, or a SOAP fault).
    pub envelope: String,
    /// True when the envelope is a fault (HTTP 500).
    pub is_fault: bool,
    /// The response action.
    pub action: Option<String>,
    /// HTTP Content-Type.
    pub content_type: String,
    /// The operation, when the request was understood.
    pub operation: Option<Operation>,
    /// The context the request created or acted on.
    pub context: Option<String>,
}

/// The token service.
pub struct TokenService {
    store: Arc<dyn ContextStore>,
    policy: ServicePolicy,
    authorizer: Option<Box<Authorizer>>,
    negotiators: Option<Box<NegotiatorFactory>>,
    legs: Mutex<HashMap<String, Leg>>,
    keys: Option<KeyResolver>,
    renewals: Mutex<HashMap<(String, String), (RequestSecurityTokenResponse, Instant)>>,
}

/// Makes the service side of a binary negotiation for a BinaryExchange ValueType (None:
/// not supported).
pub type NegotiatorFactory = dyn Fn(&str) -> Option<Box<dyn ExchangeHandler>> + Send + Sync;

/// An unfinished multi-leg issuance, keyed by @Context.
struct Leg {
    rst: RequestSecurityToken,
    challenge: Option<String>,
    handler: Option<Box<dyn ExchangeHandler>>,
    transcript: Transcript,
    expires: Instant,
}

/// At most this many unfinished exchanges are kept (the oldest expire first).
const MAX_LEGS: usize = 10_000;

struct Parsed {
    soap: SoapVersion,
    addressing: Option<Addressing>,
    action: Option<Action>,
    rst: RequestSecurityToken,
    version: TrustVersion,
    /// Set when the Body is an RSTR: the requestor's next leg of an exchange.
    leg: Option<RequestSecurityTokenResponse>,
    /// The Body's message element, for the exchange transcript.
    body: crate::xml::Element,
}

impl TokenService {
    /// A service over `store` with `policy`; every request is allowed until an authorizer
    /// is set.
    pub fn new(store: Arc<dyn ContextStore>, policy: ServicePolicy) -> Self {
        TokenService {
            store,
            policy,
            authorizer: None,
            negotiators: None,
            legs: Mutex::new(HashMap::new()),
            keys: None,
            renewals: Mutex::new(HashMap::new()),
        }
    }

    /// The service's certificates and private keys, for key material encrypted for it
    /// (requestor entropy, unsolicited RSTRs).
    pub fn with_keys(mut self, keys: KeyResolver) -> Self {
        self.keys = Some(keys);
        self
    }

    fn decrypt_key(&self, el: &crate::xml::Element) -> Result<Secret> {
        self.keys
            .as_ref()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "key material is encrypted but this service has no private key",
                )
            })?
            .decrypt_element(el)
    }

    /// Accept binary negotiations (wst:BinaryExchange) through handlers made by `f`.
    pub fn with_negotiation(mut self, f: Box<NegotiatorFactory>) -> Self {
        self.negotiators = Some(f);
        self
    }

    /// Set the authorizer consulted for every operation.
    pub fn with_authorizer(mut self, f: Box<Authorizer>) -> Self {
        self.authorizer = Some(f);
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn ContextStore> {
        &self.store
    }

    /// The policy.
    pub fn policy(&self) -> &ServicePolicy {
        &self.policy
    }

    /// Process one request envelope. Never fails: errors become version-correct SOAP
    /// faults (wst / wsc fault codes).
    pub fn handle(&self, request: &[u8]) -> ServiceResponse {
        let parsed = parse_request(request);
        let (soap, trust, addressing) = match &parsed {
            Ok(p) => (p.soap, p.version, p.addressing.clone()),
            Err(_) => guess_versions(request),
        };
        let result = parsed.and_then(|p| self.dispatch(request, p));
        match result {
            Ok((resp, op, ctx)) => resp_with(resp, Some(op), ctx),
            Err(e) => {
                let fault = Fault::from_error(&e, trust);
                let reply = addressing.as_ref().map(|a| a.reply(fault_action(a)));
                let env = fault.to_envelope(soap, reply);
                ServiceResponse {
                    content_type: env.content_type(),
                    envelope: env.to_xml(),
                    is_fault: true,
                    action: addressing.as_ref().map(|a| fault_action(a).to_string()),
                    operation: None,
                    context: None,
                }
            }
        }
    }

    fn authorize(
        &self,
        operation: Operation,
        envelope: &[u8],
        context: Option<&StoredContext>,
    ) -> Result<Option<String>> {
        match &self.authorizer {
            Some(f) => f(&AuthRequest {
                operation,
                envelope,
                context,
            }),
            None => Ok(None),
        }
    }

    fn dispatch(&self, request: &[u8], p: Parsed) -> Result<(Envelope, Operation, Option<String>)> {
        if p.leg.is_some()
            || p.rst.params.binary_exchange.is_some()
            || (self.policy.challenge
                && p.rst.request_type == RequestType::Issue
                && p.action != Some(Action::RstSctAmend))
        {
            let (rstr, ctx) = self.exchange(request, &p)?;
            let response_action = response_action(&p, Operation::Issue);
            let reply = p
                .addressing
                .as_ref()
                .map(|a| a.reply(response_action.uri(p.version).to_string()));
            let body = TrustMessage::Response(rstr);
            return Ok((
                body.to_envelope(p.version, p.soap, reply),
                Operation::Issue,
                ctx,
            ));
        }
        let is_amend = matches!(p.action, Some(Action::RstSctAmend));
        let op = match (&p.rst.request_type, is_amend) {
            (RequestType::Issue, true) => Operation::Amend,
            (RequestType::Issue, false) => Operation::Issue,
            (RequestType::Renew, _) => Operation::Renew,
            (RequestType::Cancel, _) => Operation::Cancel,
            (RequestType::Validate, _) => Operation::Validate,
            (RequestType::Ket, _) => Operation::KeyExchange,
            (other, _) => {
                return Err(Error::new(
                    ErrorKind::BadRequest,
                    format!("request type {} is not supported here", other.name()),
                ))
            }
        };
        let (rstr, ctx) = match op {
            Operation::Issue => self.issue(request, &p)?,
            Operation::Renew => self.renew(request, &p)?,
            Operation::Amend => self.amend(request, &p)?,
            Operation::Cancel => self.cancel(request, &p)?,
            Operation::Validate => self.validate(request, &p)?,
            Operation::KeyExchange => self.key_exchange(&p)?,
        };
        let response_action = response_action(&p, op);
        let reply = p
            .addressing
            .as_ref()
            .map(|a| a.reply(response_action.uri(p.version).to_string()));
        let body = if p.version != TrustVersion::Feb2005 && op == Operation::Issue {
            TrustMessage::ResponseCollection(RequestSecurityTokenResponseCollection::new(
                p.version,
                vec![rstr],
            ))
        } else {
            TrustMessage::Response(rstr)
        };
        Ok((body.to_envelope(p.version, p.soap, reply), op, ctx))
    }

    // ---- issue ----------------------------------------------------------------------

    fn key_size(&self, rst: &RequestSecurityToken) -> Result<u32> {
        let bits = rst.params.key_size.unwrap_or(self.policy.default_key_size);
        let (lo, hi) = self.policy.key_size_range;
        if bits < lo || bits > hi || bits % 8 != 0 {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("key size {bits} is outside the policy ({lo}..={hi} bits)"),
            ));
        }
        Ok(bits)
    }

    fn lifetime(&self, rst: &RequestSecurityToken, now: Instant) -> Result<(Instant, Instant)> {
        let mut expires = now.plus(self.policy.context_lifetime);
        if let Some(l) = &rst.params.lifetime {
            if let Some(e) = l.expires {
                if e.plus(self.policy.clock_skew) < now {
                    return Err(Error::new(
                        ErrorKind::InvalidTimeRange,
                        "the requested lifetime ends in the past",
                    ));
                }
                expires = expires.min(e);
            }
        }
        Ok((now, expires))
    }

    /// Key material for a new key: (key, issuer entropy to return, proof token).
    fn new_key(
        &self,
        rst: &RequestSecurityToken,
        bits: u32,
    ) -> Result<(Secret, Option<Secret>, Option<ProofToken>)> {
        let requestor = match rst.params.entropy.as_ref().map(|e| &e.material) {
            _ if !self.policy.accept_requestor_entropy => None,
            Some(KeyMaterial::BinarySecret(b)) => Some(b.secret.clone()),
            Some(KeyMaterial::EncryptedKey(el)) => Some(self.decrypt_key(el)?),
            None => None,
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "unsupported requestor entropy",
                ))
            }
        };
        match requestor {
            Some(req) => {
                if req.len() < 16 {
                    return Err(Error::new(
                        ErrorKind::InvalidRequest,
                        "requestor entropy shorter than 16 bytes",
                    ));
                }
                if !self.policy.issuer_entropy {
                    if req.len() * 8 != bits as usize {
                        return Err(Error::new(
                            ErrorKind::InvalidRequest,
                            "the requestor's key does not have the requested size",
                        ));
                    }
                    return Ok((req, None, None));
                }
                let iss = Secret::random((bits / 8) as usize)?;
                let key = computed_key(req.expose(), iss.expose(), bits)?;
                Ok((
                    key,
                    Some(iss),
                    Some(ProofToken::ComputedKey(ComputedKeyAlgorithm::Psha1)),
                ))
            }
            None => {
                let key = Secret::random((bits / 8) as usize)?;
                Ok((
                    key.clone(),
                    None,
                    Some(ProofToken::BinarySecret(BinarySecret::new(
                        BinarySecretType::SymmetricKey,
                        key,
                    ))),
                ))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn issued_rstr(
        &self,
        p: &Parsed,
        sct: &SecurityContextToken,
        issuer_entropy: Option<Secret>,
        proof: Option<ProofToken>,
        bits: u32,
        created: Instant,
        expires: Instant,
    ) -> RequestSecurityTokenResponse {
        let v = p.version;
        let mut r = RequestSecurityTokenResponse::new(v);
        r.context = p.rst.context.clone();
        r.params.token_type = Some(TokenType::SecurityContext);
        r.requested_security_token = Some(TokenHolder::new(TokenRef::SecurityContext(sct.clone())));
        if let Ok(att) = SecurityTokenReference::to_sct(sct, false) {
            r.requested_attached_reference = Some(RequestedReference::new(att));
        }
        r.requested_unattached_reference = Some(RequestedReference::new(
            SecurityTokenReference::to_identifier(sct.version, &sct.identifier, None),
        ));
        if let Some(proof) = proof {
            r.requested_proof_tokens.push(RequestedProofToken {
                token: proof,
                other_attributes: Vec::new(),
            });
        }
        if let Some(e) = issuer_entropy {
            r.params.entropy = Some(Entropy {
                material: KeyMaterial::BinarySecret(BinarySecret::new(BinarySecretType::Nonce, e)),
                other_attributes: Vec::new(),
            });
        }
        r.params.lifetime = Lifetime::between(created, expires).ok();
        r.params.key_size = Some(bits);
        r
    }

    fn issue(
        &self,
        request: &[u8],
        p: &Parsed,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        if let Some(t) = &p.rst.params.token_type {
            if *t != TokenType::SecurityContext {
                return Err(Error::new(
                    ErrorKind::BadRequest,
                    format!(
                        "this service issues only security context tokens, not {}",
                        t.name()
                    ),
                ));
            }
        }
        let principal = self.authorize(Operation::Issue, request, None)?;
        let bits = self.key_size(&p.rst)?;
        let now = Instant::now();
        let (created, expires) = self.lifetime(&p.rst, now)?;
        let (key, iss, proof) = self.new_key(&p.rst, bits)?;
        let mut sct = SecurityContextToken::new(p.version.sc(), random_uuid_urn()?)?;
        sct.id = Some(crate::token::local_id_for(&sct.identifier));
        self.store.insert(StoredContext {
            identifier: sct.identifier.clone(),
            instance: None,
            secret: key,
            version: sct.version,
            created,
            expires,
            principal,
            amendments: Vec::new(),
        })?;
        let id = sct.identifier.clone();
        Ok((
            self.issued_rstr(p, &sct, iss, proof, bits, created, expires),
            Some(id),
        ))
    }

    /// KET: the certificate requestors encrypt key material for (as a
    /// wsse:BinarySecurityToken in wst:KeyExchangeToken).
    fn key_exchange(&self, p: &Parsed) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let cert = self
            .keys
            .as_ref()
            .and_then(|k| k.first_certificate())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadRequest,
                    "this service has no key exchange token",
                )
            })?;
        let mut r = RequestSecurityTokenResponse::new(p.version);
        r.context = p.rst.context.clone();
        r.params.key_exchange_token = Some(TokenHolder::new(TokenRef::Xml(binary_security_token(
            cert,
        )?)));
        Ok((r, None))
    }

    // ---- multi-leg issuance (challenge, negotiation) ----------------------------------

    fn legs(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Leg>>> {
        self.legs
            .lock()
            .map_err(|_| Error::new(ErrorKind::RequestFailed, "exchange state lock poisoned"))
    }

    fn start_leg(&self, context: &str, leg: Leg) -> Result<()> {
        let mut legs = self.legs()?;
        let now = Instant::now();
        legs.retain(|_, l| l.expires >= now);
        if legs.len() >= MAX_LEGS {
            return Err(Error::new(
                ErrorKind::RequestFailed,
                "too many unfinished exchanges",
            ));
        }
        if legs.insert(context.to_string(), leg).is_some() {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "an exchange with this Context is already under way",
            ));
        }
        Ok(())
    }

    fn exchange(
        &self,
        request: &[u8],
        p: &Parsed,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let context = p
            .rst
            .context
            .clone()
            .or_else(|| p.leg.as_ref().and_then(|r| r.context.clone()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "a multi-leg exchange needs a Context attribute",
                )
            })?;
        let mut reply = RequestSecurityTokenResponse::new(p.version);
        reply.context = Some(context.clone());
        match &p.leg {
            None => {
                // First leg: an RST.
                let mut transcript = Transcript::default();
                transcript.add(&p.body);
                if let Some(bx) = &p.rst.params.binary_exchange {
                    let f = self.negotiators.as_ref().ok_or_else(|| {
                        Error::new(ErrorKind::BadRequest, "this service does not negotiate")
                    })?;
                    let mut h = f(&bx.value_type).ok_or_else(|| {
                        Error::new(
                            ErrorKind::BadRequest,
                            format!("unsupported negotiation {}", bx.value_type),
                        )
                    })?;
                    let step = h.step(Some(&bx.data))?;
                    if step.complete {
                        let key = step.key.ok_or_else(|| {
                            Error::new(
                                ErrorKind::RequestFailed,
                                "negotiation completed without a key",
                            )
                        })?;
                        return self.finish_negotiation(
                            request,
                            p,
                            &p.rst,
                            &mut transcript,
                            key,
                            step.output,
                            &context,
                        );
                    }
                    let out = step.output.ok_or_else(|| {
                        Error::new(
                            ErrorKind::RequestFailed,
                            "negotiation step produced nothing to send",
                        )
                    })?;
                    reply.params.binary_exchange = Some(crate::trust::BinaryExchange::new(
                        h.value_type().to_string(),
                        out,
                    ));
                    transcript.add(&reply.to_element(p.version));
                    self.start_leg(
                        &context,
                        Leg {
                            rst: p.rst.clone(),
                            challenge: None,
                            handler: Some(h),
                            transcript,
                            expires: Instant::now().plus(self.policy.exchange_timeout),
                        },
                    )?;
                    return Ok((reply, None));
                }
                // A challenge (WS-SC A.2 / B).
                let challenge = random_uuid_urn()?;
                reply.params.sign_challenge =
                    Some(crate::trust::SignChallenge::new(challenge.clone()));
                transcript.add(&reply.to_element(p.version));
                self.start_leg(
                    &context,
                    Leg {
                        rst: p.rst.clone(),
                        challenge: Some(challenge),
                        handler: None,
                        transcript,
                        expires: Instant::now().plus(self.policy.exchange_timeout),
                    },
                )?;
                Ok((reply, None))
            }
            Some(rstr) => {
                let mut leg = self
                    .legs()?
                    .remove(&context)
                    .filter(|l| l.expires >= Instant::now())
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidRequest,
                            "no exchange under way with this Context (expired or unknown)",
                        )
                    })?;
                leg.transcript.add(&p.body);
                if let Some(expected) = &leg.challenge {
                    let answer = rstr
                        .params
                        .sign_challenge_response
                        .as_ref()
                        .ok_or_else(|| {
                            Error::new(
                                ErrorKind::FailedAuthentication,
                                "expected a SignChallengeResponse",
                            )
                        })?;
                    // The response MUST echo the challenge exactly.
                    if !crate::crypto::ct_eq(answer.challenge.as_bytes(), expected.as_bytes()) {
                        return Err(Error::new(
                            ErrorKind::FailedAuthentication,
                            "the challenge response does not match",
                        ));
                    }
                    let (mut r, ctx) = self.issue(
                        request,
                        &Parsed {
                            leg: None,
                            ..clone_parsed(p, leg.rst.clone())
                        },
                    )?;
                    r.context = Some(context);
                    return Ok((r, ctx));
                }
                let bx = rstr.params.binary_exchange.as_ref().ok_or_else(|| {
                    Error::new(ErrorKind::InvalidRequest, "expected a BinaryExchange")
                })?;
                let mut h = leg.handler.take().ok_or_else(|| {
                    Error::new(ErrorKind::InvalidRequest, "no negotiation under way")
                })?;
                let step = h.step(Some(&bx.data))?;
                if step.complete {
                    let key = step.key.ok_or_else(|| {
                        Error::new(
                            ErrorKind::RequestFailed,
                            "negotiation completed without a key",
                        )
                    })?;
                    let rst = leg.rst.clone();
                    return self.finish_negotiation(
                        request,
                        p,
                        &rst,
                        &mut leg.transcript,
                        key,
                        step.output,
                        &context,
                    );
                }
                let out = step.output.ok_or_else(|| {
                    Error::new(
                        ErrorKind::RequestFailed,
                        "negotiation step produced nothing to send",
                    )
                })?;
                reply.params.binary_exchange = Some(crate::trust::BinaryExchange::new(
                    h.value_type().to_string(),
                    out,
                ));
                leg.transcript.add(&reply.to_element(p.version));
                leg.handler = Some(h);
                self.start_leg(&context, leg)?;
                Ok((reply, None))
            }
        }
    }

    /// Issue the context at the end of a negotiation: the proof key travels wrapped with
    /// the negotiated key, and the Authenticator's CombinedHash binds the exchange.
    #[allow(clippy::too_many_arguments)]
    fn finish_negotiation(
        &self,
        request: &[u8],
        p: &Parsed,
        rst: &RequestSecurityToken,
        transcript: &mut Transcript,
        negotiated: Secret,
        last_blob: Option<Vec<u8>>,
        context: &str,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let mut plain = rst.clone();
        plain.params.binary_exchange = None;
        plain.params.entropy = None; // the negotiated key protects the proof key instead
        let (mut r, ctx) = self.issue(request, &clone_parsed(p, plain))?;
        r.context = Some(context.to_string());
        let id = ctx.clone().unwrap_or_default();
        let key = match self.store.get(&id, None)? {
            Lookup::Found(c) => c.secret,
            _ => {
                return Err(Error::new(
                    ErrorKind::RequestFailed,
                    "the new context vanished",
                ))
            }
        };
        let uri = super::negotiate::kw_uri(negotiated.len()).ok_or_else(|| {
            Error::new(
                ErrorKind::RequestFailed,
                "the negotiated key is not 16, 24 or 32 bytes",
            )
        })?;
        let wrapped = super::negotiate::wrap(&negotiated, &key)?;
        let mut ek = crate::xml::Element::new_static(crate::ns::XENC, "xenc", "EncryptedKey");
        let mut m =
            crate::xml::Element::child_of_static(crate::ns::XENC, "xenc", "EncryptionMethod");
        m.set_attr_static("Algorithm", uri);
        ek.push(m);
        let cv = crate::xml::Element::child_of_static(crate::ns::XENC, "xenc", "CipherValue")
            .with_text(crate::xml::encode_base64(&wrapped));
        ek.push(
            crate::xml::Element::child_of_static(crate::ns::XENC, "xenc", "CipherData")
                .with_child(cv),
        );
        r.requested_proof_tokens = vec![RequestedProofToken {
            token: ProofToken::EncryptedKey(ek),
            other_attributes: Vec::new(),
        }];
        if let Some(b) = last_blob {
            r.params.binary_exchange = Some(crate::trust::BinaryExchange::new(
                rst.params
                    .binary_exchange
                    .as_ref()
                    .map(|b| b.value_type.clone())
                    .unwrap_or_default(),
                b,
            ));
        }
        let hash = transcript.combined_hash(&key, AuthHashOrder::LabelFirst)?;
        r.authenticator = Some(crate::trust::Authenticator {
            combined_hash: Some(hash),
            extensions: Vec::new(),
        });
        Ok((r, ctx))
    }

    // ---- operations on an existing context -------------------------------------------

    /// Verify the request with the store's keys and return the context the target names,
    /// after checking that this context signed the Body.
    fn proven(
        &self,
        request: &[u8],
        target: Option<&TokenHolder>,
    ) -> Result<(StoredContext, VerifyReport)> {
        let target = target.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                "the request names no target context",
            )
        })?;
        let (identifier, instance) = target_of(target)?;
        let opts = VerifyOptions {
            clock_skew: self.policy.clock_skew,
            ..Default::default()
        };
        let report = message::verify(request, &self.store_lookup(false), &opts)?;
        let signer = report.signer_of(&Part::Body).ok_or_else(|| {
            Error::new(
                ErrorKind::FailedAuthentication,
                "the request Body is not signed with a security context",
            )
        })?;
        if signer.identifier != identifier {
            return Err(Error::new(
                ErrorKind::FailedAuthentication,
                "the request is signed with another context than its target",
            ));
        }
        let ctx = match self.store.get(
            &identifier,
            instance.as_deref().or(signer.instance.as_deref()),
        )? {
            Lookup::Found(c) => c,
            Lookup::Cancelled => {
                return Err(Error::new(
                    ErrorKind::BadContextToken,
                    "the context was cancelled",
                ))
            }
            Lookup::Unknown => {
                return Err(Error::new(
                    ErrorKind::BadContextToken,
                    format!("unknown context {identifier}"),
                ))
            }
        };
        Ok((ctx, report))
    }

    fn renew(
        &self,
        request: &[u8],
        p: &Parsed,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let (ctx, _) = self.proven(request, p.rst.renew_target.as_ref())?;
        // A replayed renew (same context, same RST @Context) gets the same answer instead of
        // yet another key instance.
        let replay_key = p.rst.context.clone().map(|c| (ctx.identifier.clone(), c));
        if let Some(k) = &replay_key {
            let now = Instant::now();
            let mut cache = self
                .renewals
                .lock()
                .map_err(|_| Error::new(ErrorKind::RequestFailed, "renewal cache lock poisoned"))?;
            cache.retain(|_, (_, until)| *until >= now);
            if let Some((r, _)) = cache.get(k) {
                return Ok((r.clone(), Some(ctx.identifier)));
            }
        }
        let (r, id) = self.renew_now(request, p, ctx)?;
        if let Some(k) = replay_key {
            if let Ok(mut cache) = self.renewals.lock() {
                if cache.len() < MAX_LEGS {
                    cache.insert(
                        k,
                        (r.clone(), Instant::now().plus(self.policy.exchange_timeout)),
                    );
                }
            }
        }
        Ok((r, id))
    }

    fn renew_now(
        &self,
        request: &[u8],
        p: &Parsed,
        ctx: StoredContext,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        self.authorize(Operation::Renew, request, Some(&ctx))?;
        let now = Instant::now();
        if ctx.expires.plus(self.policy.clock_skew) < now && !self.policy.renew_expired {
            return Err(Error::new(
                ErrorKind::UnableToRenew,
                "the context has expired and this service does not renew expired contexts",
            ));
        }
        let bits = self.key_size(&p.rst)?;
        let (created, expires) = self.lifetime(&p.rst, now)?;
        let (key, iss, proof) = self.new_key(&p.rst, bits)?;
        let mut sct = SecurityContextToken::new(ctx.version, ctx.identifier.clone())?;
        sct.instance = Some(random_uuid_urn()?);
        sct.id = Some(crate::token::local_id_for(&random_uuid_urn()?));
        self.store.insert(StoredContext {
            identifier: ctx.identifier.clone(),
            instance: sct.instance.clone(),
            secret: key,
            version: ctx.version,
            created,
            expires,
            principal: ctx.principal.clone(),
            amendments: ctx.amendments.clone(),
        })?;
        let mut r = self.issued_rstr(p, &sct, iss, proof, bits, created, expires);
        r.request_type = None;
        Ok((r, Some(ctx.identifier)))
    }

    fn amend(
        &self,
        request: &[u8],
        p: &Parsed,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        // The amend request is signed with the context key; the target is the signing context.
        let report = {
            message::verify(
                request,
                &self.store_lookup(false),
                &VerifyOptions {
                    clock_skew: self.policy.clock_skew,
                    ..Default::default()
                },
            )?
        };
        let signer = report
            .signer_of(&Part::Body)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::FailedAuthentication,
                    "an amend request must be signed with the context",
                )
            })?
            .clone();
        let mut ctx = match self
            .store
            .get(&signer.identifier, signer.instance.as_deref())?
        {
            Lookup::Found(c) => c,
            _ => return Err(Error::new(ErrorKind::BadContextToken, "unknown context")),
        };
        self.authorize(Operation::Amend, request, Some(&ctx))?;
        // Additional tokens carried in the Security header (beyond the SCT) amend the claims.
        for t in &report.tokens {
            if t.identifier != ctx.identifier {
                ctx.amendments.push(t.to_xml());
            }
        }
        self.store.update(ctx.clone())?;
        let mut sct = SecurityContextToken::new(ctx.version, ctx.identifier.clone())?;
        sct.instance = ctx.instance.clone();
        let mut r = RequestSecurityTokenResponse::new(p.version);
        r.context = p.rst.context.clone();
        r.params.token_type = Some(TokenType::SecurityContext);
        r.requested_security_token = Some(TokenHolder::new(TokenRef::SecurityContext(sct)));
        Ok((r, Some(ctx.identifier)))
    }

    fn cancel(
        &self,
        request: &[u8],
        p: &Parsed,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let (ctx, _) = self.proven(request, p.rst.cancel_target.as_ref())?;
        self.authorize(Operation::Cancel, request, Some(&ctx))?;
        self.store.cancel(&ctx.identifier)?;
        let mut r = RequestSecurityTokenResponse::cancelled(p.version);
        r.context = p.rst.context.clone();
        Ok((r, Some(ctx.identifier)))
    }

    fn validate(
        &self,
        request: &[u8],
        p: &Parsed,
    ) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let target = p
            .rst
            .validate_target
            .as_ref()
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no ValidateTarget"))?;
        let (identifier, instance) = target_of(target)?;
        let now = Instant::now();
        let looked = self.store.get(&identifier, instance.as_deref())?;
        if let Lookup::Found(c) = &looked {
            self.authorize(Operation::Validate, request, Some(c))?;
        }
        let (code, reason) = match looked {
            Lookup::Found(c) if c.expires.plus(self.policy.clock_skew) >= now => {
                (StatusCode::Valid, None)
            }
            Lookup::Found(_) => (
                StatusCode::Invalid,
                Some("the context has expired".to_string()),
            ),
            Lookup::Cancelled => (
                StatusCode::Invalid,
                Some("the context was cancelled".to_string()),
            ),
            Lookup::Unknown => (StatusCode::Invalid, Some("unknown context".to_string())),
        };
        let mut r = RequestSecurityTokenResponse::new(p.version);
        r.context = p.rst.context.clone();
        r.params.token_type = Some(TokenType::Status);
        r.status = Some(Status { code, reason });
        Ok((r, Some(identifier)))
    }

    /// Accept a context a peer created and propagated (direct key transfer): an unsolicited
    /// RSTR carrying the SCT and its key encrypted for this service, in the Body or in a
    /// wst:IssuedTokens header of `envelope`. The message must be signed with the new
    /// context's key (proof of possession) unless `require_signature` is false; the policy
    /// must allow unsolicited contexts. Returns the stored context.
    pub fn accept_unsolicited(
        &self,
        envelope: &[u8],
        require_signature: bool,
    ) -> Result<StoredContext> {
        if !self.policy.accept_unsolicited {
            return Err(Error::new(
                ErrorKind::UnsupportedContextToken,
                "this service does not accept propagated contexts",
            ));
        }
        let env = Envelope::from_xml(envelope)?;
        let mut found = None;
        for el in env.body.iter().chain(env.headers.iter()) {
            let rstrs: Vec<RequestSecurityTokenResponse> = match TrustMessage::from_element(el) {
                Ok(TrustMessage::Response(r)) => vec![r],
                Ok(TrustMessage::IssuedTokens(t)) => t.responses,
                Ok(TrustMessage::ResponseCollection(c)) => c.responses,
                _ => continue,
            };
            found = rstrs
                .into_iter()
                .find(|r| r.security_context_token().is_some());
            if found.is_some() {
                break;
            }
        }
        let rstr = found.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                "no RSTR carrying a SecurityContextToken",
            )
        })?;
        let sct = rstr
            .security_context_token()
            .cloned()
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no SCT"))?;
        let secret = match rstr.proof_token() {
            Some(ProofToken::EncryptedKey(el)) => self.decrypt_key(el)?,
            Some(ProofToken::BinarySecret(b)) => b.secret.clone(),
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "the propagated context carries no usable proof token",
                ))
            }
        };
        if secret.len() < 16 {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "the propagated key is shorter than 16 bytes",
            ));
        }
        if let Lookup::Found(_) | Lookup::Cancelled = self.store.get(&sct.identifier, None)? {
            return Err(Error::new(
                ErrorKind::BadContextToken,
                "a context with this Identifier already exists",
            ));
        }
        if require_signature {
            let s = secret.clone();
            let id = sct.identifier.clone();
            let lookup = move |c: &ContextId| -> Result<Option<Secret>> {
                if c.identifier == id {
                    Ok(Some(s.clone()))
                } else {
                    Err(Error::new(
                        ErrorKind::FailedAuthentication,
                        "the propagating message is signed with another context",
                    ))
                }
            };
            let report = message::verify(
                envelope,
                &lookup,
                &VerifyOptions {
                    clock_skew: self.policy.clock_skew,
                    ..Default::default()
                },
            )?;
            if report.signer_of(&Part::Body).map(|c| c.identifier.as_str())
                != Some(sct.identifier.as_str())
            {
                return Err(Error::new(
                    ErrorKind::FailedAuthentication,
                    "the propagating message is not signed with the new context",
                ));
            }
        }
        self.authorize(Operation::Issue, envelope, None)?;
        let now = Instant::now();
        let lifetime = rstr.params.lifetime.as_ref();
        let expires = lifetime
            .and_then(|l| l.expires)
            .unwrap_or_else(|| now.plus(self.policy.context_lifetime))
            .min(now.plus(self.policy.context_lifetime));
        let stored = StoredContext {
            identifier: sct.identifier.clone(),
            instance: sct.instance.clone(),
            secret,
            version: sct.version,
            created: now,
            expires,
            principal: None,
            amendments: Vec::new(),
        };
        self.store.insert(stored.clone())?;
        Ok(stored)
    }

    /// Keys for the message layer from the store: a cancelled context is refused with
    /// wsc:BadContextToken, and with `expiry` an expired one with wsc:RenewNeeded (for
    /// application messages; protocol requests about an expired context are judged by
    /// the operation's own policy).
    fn store_lookup(&self, expiry: bool) -> impl Fn(&ContextId) -> Result<Option<Secret>> {
        let store = self.store.clone();
        let skew = self.policy.clock_skew;
        move |id: &ContextId| match store.get(&id.identifier, id.instance.as_deref())? {
            Lookup::Found(c) if expiry && c.expires.plus(skew) < Instant::now() => Err(Error::new(
                ErrorKind::RenewNeeded,
                format!("context {} has expired", id.identifier),
            )),
            Lookup::Found(c) => Ok(Some(c.secret)),
            Lookup::Cancelled => Err(Error::new(
                ErrorKind::BadContextToken,
                format!("context {} was cancelled", id.identifier),
            )),
            Lookup::Unknown => Ok(None),
        }
    }

    /// Verify an application message protected with a context this service issued: keys
    /// come from the store; an expired context gives wsc:RenewNeeded, a cancelled or
    /// unknown one wsc:BadContextToken.
    pub fn verify_message(&self, envelope: &[u8]) -> Result<VerifyReport> {
        self.verify_message_with(
            envelope,
            VerifyOptions {
                clock_skew: self.policy.clock_skew,
                ..Default::default()
            },
        )
    }

    /// [`TokenService::verify_message`] under `opts` (timestamp requirement, limits, ...);
    /// the keys always come from the store.
    pub fn verify_message_with(
        &self,
        envelope: &[u8],
        opts: VerifyOptions,
    ) -> Result<VerifyReport> {
        message::verify(envelope, &self.store_lookup(true), &opts)
    }
}

/// A wsse:BinarySecurityToken holding an X.509 certificate.
pub(crate) fn binary_security_token(cert: &openssl::x509::X509Ref) -> Result<crate::xml::Element> {
    let mut bst = crate::xml::Element::new_static(crate::ns::WSSE, "wsse", "BinarySecurityToken");
    bst.set_attr_static("ValueType", crate::message::keytransport::X509_V3);
    bst.set_attr_static("EncodingType", crate::ns::BASE64_ENCODING);
    bst.push_text(crate::xml::encode_base64(&cert.to_der()?));
    Ok(bst)
}

/// Identifier and Instance of the context a target names (an SCT or an STR by Identifier).
fn target_of(h: &TokenHolder) -> Result<(String, Option<String>)> {
    match &h.token {
        TokenRef::SecurityContext(t) => Ok((t.identifier.clone(), t.instance.clone())),
        TokenRef::Reference(s) => match s
            .reference
            .as_ref()
            .map(|r| (r.target(), r.instance.clone()))
        {
            Some((ReferenceTarget::Uri(u), i)) => Ok((u.to_string(), i)),
            _ => Err(Error::new(
                ErrorKind::BadContextToken,
                "the target must reference the context by its Identifier",
            )),
        },
        _ => Err(Error::new(
            ErrorKind::UnsupportedContextToken,
            "the target is not a security context token",
        )),
    }
}

fn clone_parsed(p: &Parsed, rst: RequestSecurityToken) -> Parsed {
    Parsed {
        soap: p.soap,
        addressing: p.addressing.clone(),
        action: p.action.clone(),
        rst,
        version: p.version,
        leg: None,
        body: p.body.clone(),
    }
}

fn parse_request(request: &[u8]) -> Result<Parsed> {
    let env = Envelope::from_xml(request)?;
    let action = env.action().map(|a| Action::parse_uri(a));
    let body = env
        .body_element()
        .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "empty Body"))?;
    let (rst, leg) = match TrustMessage::from_element(body)? {
        TrustMessage::Request(r) => (r, None),
        TrustMessage::Response(r) => (
            RequestSecurityToken::new(r.version, RequestType::Issue),
            Some(r),
        ),
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "the Body is not a RequestSecurityToken",
            ))
        }
    };
    let version = match rst.version {
        TrustVersion::V1_4 => TrustVersion::V1_3,
        v => v,
    };
    Ok(Parsed {
        soap: env.version,
        addressing: env.addressing.clone(),
        action,
        rst,
        version,
        leg,
        body: body.clone(),
    })
}

/// Best effort for a request that did not parse: SOAP and trust versions from the raw text.
fn guess_versions(request: &[u8]) -> (SoapVersion, TrustVersion, Option<Addressing>) {
    let s = String::from_utf8_lossy(request);
    let soap = if s.contains(crate::ns::SOAP12) {
        SoapVersion::Soap12
    } else {
        SoapVersion::Soap11
    };
    let trust = if s.contains(TrustVersion::Feb2005.namespace()) {
        TrustVersion::Feb2005
    } else {
        TrustVersion::V1_3
    };
    (soap, trust, None)
}

fn fault_action(a: &Addressing) -> &'static str {
    match a.version {
        crate::soap::WsaVersion::V2004_08 => {
            "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
        }
        crate::soap::WsaVersion::V2005_08 => "http://www.w3.org/2005/08/addressing/soap/fault",
    }
}

fn response_action(p: &Parsed, op: Operation) -> Action {
    let sct_binding = p.action.as_ref().map(|a| a.is_sct()).unwrap_or(true);
    match (op, sct_binding) {
        (Operation::Issue, true) => Action::RstrSct,
        (Operation::Issue, false) => Action::RstrIssue,
        (Operation::Amend, _) => Action::RstrSctAmend,
        (Operation::Renew, true) => Action::RstrSctRenew,
        (Operation::Renew, false) => Action::RstrRenew,
        (Operation::Cancel, true) => Action::RstrSctCancel,
        (Operation::Cancel, false) => Action::RstrCancel,
        (Operation::Validate, _) => Action::RstrValidate,
        (Operation::KeyExchange, _) => Action::RstrKet,
    }
}

fn resp_with(env: Envelope, op: Option<Operation>, ctx: Option<String>) -> ServiceResponse {
    ServiceResponse {
        content_type: env.content_type(),
        action: env.action().map(str::to_string),
        envelope: env.to_xml(),
        is_fault: false,
        operation: op,
        context: ctx,
    }
}
