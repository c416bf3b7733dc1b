//! Token service side: turn RST messages into RSTR / RSTRC messages or SOAP faults for the
//! SCT bindings (issue, amend, renew, cancel) and validation, with policy hooks and a
//! [`ContextStore`].

use super::store::{ContextStore, Lookup, StoredContext};
use crate::crypto::{computed_key, random_uuid_urn, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::message::{self, ContextId, Part, SoapVersion, VerifyOptions, VerifyReport};
use crate::soap::{Addressing, Envelope, Fault};
use crate::time::Instant;
use crate::token::{ReferenceTarget, SecurityContextToken, SecurityTokenReference};
use crate::trust::{
    Action, BinarySecret, BinarySecretType, ComputedKeyAlgorithm, Entropy, KeyMaterial, Lifetime, ProofToken,
    RequestSecurityToken, RequestSecurityTokenResponse, RequestSecurityTokenResponseCollection, RequestType,
    RequestedProofToken, RequestedReference, Status, StatusCode, TokenHolder, TokenRef, TokenType, TrustMessage,
};
use crate::version::TrustVersion;
use std::sync::Arc;
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
}

struct Parsed {
    soap: SoapVersion,
    addressing: Option<Addressing>,
    action: Option<Action>,
    rst: RequestSecurityToken,
    version: TrustVersion,
}

impl TokenService {
    /// A service over `store` with `policy`; every request is allowed until an authorizer
    /// is set.
    pub fn new(store: Arc<dyn ContextStore>, policy: ServicePolicy) -> Self {
        TokenService { store, policy, authorizer: None }
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

    fn authorize(&self, operation: Operation, envelope: &[u8], context: Option<&StoredContext>) -> Result<Option<String>> {
        match &self.authorizer {
            Some(f) => f(&AuthRequest { operation, envelope, context }),
            None => Ok(None),
        }
    }

    fn dispatch(&self, request: &[u8], p: Parsed) -> Result<(Envelope, Operation, Option<String>)> {
        let is_amend = matches!(p.action, Some(Action::RstSctAmend));
        let op = match (&p.rst.request_type, is_amend) {
            (RequestType::Issue, true) => Operation::Amend,
            (RequestType::Issue, false) => Operation::Issue,
            (RequestType::Renew, _) => Operation::Renew,
            (RequestType::Cancel, _) => Operation::Cancel,
            (RequestType::Validate, _) => Operation::Validate,
            (other, _) => {
                return Err(Error::new(ErrorKind::BadRequest, format!("request type {} is not supported here", other.name())))
            }
        };
        let (rstr, ctx) = match op {
            Operation::Issue => self.issue(request, &p)?,
            Operation::Renew => self.renew(request, &p)?,
            Operation::Amend => self.amend(request, &p)?,
            Operation::Cancel => self.cancel(request, &p)?,
            Operation::Validate => self.validate(request, &p)?,
        };
        let response_action = response_action(&p, op);
        let reply = p.addressing.as_ref().map(|a| a.reply(response_action.uri(p.version).to_string()));
        let body = if p.version != TrustVersion::Feb2005 && op == Operation::Issue {
            TrustMessage::ResponseCollection(RequestSecurityTokenResponseCollection::new(p.version, vec![rstr]))
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
            return Err(Error::new(ErrorKind::InvalidRequest, format!("key size {bits} is outside the policy ({lo}..={hi} bits)")));
        }
        Ok(bits)
    }

    fn lifetime(&self, rst: &RequestSecurityToken, now: Instant) -> Result<(Instant, Instant)> {
        let mut expires = now.plus(self.policy.context_lifetime);
        if let Some(l) = &rst.params.lifetime {
            if let Some(e) = l.expires {
                if e.plus(self.policy.clock_skew) < now {
                    return Err(Error::new(ErrorKind::InvalidTimeRange, "the requested lifetime ends in the past"));
                }
                expires = expires.min(e);
            }
        }
        Ok((now, expires))
    }

    /// Key material for a new key: (key, issuer entropy to return, proof token).
    fn new_key(&self, rst: &RequestSecurityToken, bits: u32) -> Result<(Secret, Option<Secret>, ProofToken)> {
        let requestor = match rst.params.entropy.as_ref().map(|e| &e.material) {
            Some(KeyMaterial::BinarySecret(b)) if self.policy.accept_requestor_entropy => Some(b.secret.clone()),
            Some(KeyMaterial::BinarySecret(_)) | None => None,
            Some(_) => return Err(Error::new(ErrorKind::InvalidRequest, "encrypted requestor entropy needs the service's private key")),
        };
        match requestor {
            Some(req) => {
                if req.len() < 16 {
                    return Err(Error::new(ErrorKind::InvalidRequest, "requestor entropy shorter than 16 bytes"));
                }
                let iss = Secret::random((bits / 8) as usize)?;
                let key = computed_key(req.expose(), iss.expose(), bits)?;
                Ok((key, Some(iss), ProofToken::ComputedKey(ComputedKeyAlgorithm::Psha1)))
            }
            None => {
                let key = Secret::random((bits / 8) as usize)?;
                Ok((key.clone(), None, ProofToken::BinarySecret(BinarySecret::new(BinarySecretType::SymmetricKey, key))))
            }
        }
    }

    fn issued_rstr(&self, p: &Parsed, sct: &SecurityContextToken, issuer_entropy: Option<Secret>, proof: ProofToken, bits: u32, created: Instant, expires: Instant) -> RequestSecurityTokenResponse {
        let v = p.version;
        let mut r = RequestSecurityTokenResponse::new(v);
        r.context = p.rst.context.clone();
        r.params.token_type = Some(TokenType::SecurityContext);
        r.requested_security_token = Some(TokenHolder::new(TokenRef::SecurityContext(sct.clone())));
        if let Ok(att) = SecurityTokenReference::to_sct(sct, false) {
            r.requested_attached_reference = Some(RequestedReference::new(att));
        }
        r.requested_unattached_reference = Some(RequestedReference::new(SecurityTokenReference::to_identifier(sct.version, &sct.identifier, None)));
        r.requested_proof_tokens.push(RequestedProofToken { token: proof, other_attributes: Vec::new() });
        if let Some(e) = issuer_entropy {
            r.params.entropy = Some(Entropy { material: KeyMaterial::BinarySecret(BinarySecret::new(BinarySecretType::Nonce, e)), other_attributes: Vec::new() });
        }
        r.params.lifetime = Lifetime::between(created, expires).ok();
        r.params.key_size = Some(bits);
        r
    }

    fn issue(&self, request: &[u8], p: &Parsed) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        if let Some(t) = &p.rst.params.token_type {
            if *t != TokenType::SecurityContext {
                return Err(Error::new(ErrorKind::BadRequest, format!("this service issues only security context tokens, not {}", t.name())));
            }
        }
        let principal = self.authorize(Operation::Issue, request, None)?;
        let bits = self.key_size(&p.rst)?;
        let now = Instant::now();
        let (created, expires) = self.lifetime(&p.rst, now)?;
        let (key, iss, proof) = self.new_key(&p.rst, bits)?;
        let mut sct = SecurityContextToken::new(p.version.sc(), random_uuid_urn()?)?;
        sct.id = Some(format!("uuid-{}", &sct.identifier["urn:uuid:".len()..]));
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
        Ok((self.issued_rstr(p, &sct, iss, proof, bits, created, expires), Some(id)))
    }

    // ---- operations on an existing context -------------------------------------------

    /// Verify the request with the store's keys and return the context the target names,
    /// after checking that this context signed the Body.
    fn proven(&self, request: &[u8], target: Option<&TokenHolder>) -> Result<(StoredContext, VerifyReport)> {
        let target = target.ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "the request names no target context"))?;
        let (identifier, instance) = target_of(target)?;
        let store = self.store.clone();
        let lookup = move |id: &ContextId| -> Result<Option<Secret>> {
            match store.get(&id.identifier, id.instance.as_deref())? {
                Lookup::Found(c) => Ok(Some(c.secret)),
                Lookup::Cancelled => Err(Error::new(ErrorKind::BadContextToken, format!("context {} was cancelled", id.identifier))),
                Lookup::Unknown => Ok(None),
            }
        };
        let opts = VerifyOptions { clock_skew: self.policy.clock_skew, ..Default::default() };
        let report = message::verify(request, &lookup, &opts)?;
        let signer = report
            .signer_of(&Part::Body)
            .ok_or_else(|| Error::new(ErrorKind::FailedAuthentication, "the request Body is not signed with a security context"))?;
        if signer.identifier != identifier {
            return Err(Error::new(ErrorKind::FailedAuthentication, "the request is signed with another context than its target"));
        }
        let ctx = match self.store.get(&identifier, instance.as_deref().or(signer.instance.as_deref()))? {
            Lookup::Found(c) => c,
            Lookup::Cancelled => return Err(Error::new(ErrorKind::BadContextToken, "the context was cancelled")),
            Lookup::Unknown => return Err(Error::new(ErrorKind::BadContextToken, format!("unknown context {identifier}"))),
        };
        Ok((ctx, report))
    }

    fn renew(&self, request: &[u8], p: &Parsed) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let (ctx, _) = self.proven(request, p.rst.renew_target.as_ref())?;
        self.authorize(Operation::Renew, request, Some(&ctx))?;
        let now = Instant::now();
        if ctx.expires.plus(self.policy.clock_skew) < now && !self.policy.renew_expired {
            return Err(Error::new(ErrorKind::UnableToRenew, "the context has expired and this service does not renew expired contexts"));
        }
        let bits = self.key_size(&p.rst)?;
        let (created, expires) = self.lifetime(&p.rst, now)?;
        let (key, iss, proof) = self.new_key(&p.rst, bits)?;
        let mut sct = SecurityContextToken::new(ctx.version, ctx.identifier.clone())?;
        sct.instance = Some(random_uuid_urn()?);
        sct.id = Some(format!("uuid-{}", &random_uuid_urn()?["urn:uuid:".len()..]));
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

    fn amend(&self, request: &[u8], p: &Parsed) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        // The amend request is signed with the context key; the target is the signing context.
        let report = {
            let store = self.store.clone();
            let lookup = move |id: &ContextId| -> Result<Option<Secret>> {
                match store.get(&id.identifier, id.instance.as_deref())? {
                    Lookup::Found(c) => Ok(Some(c.secret)),
                    Lookup::Cancelled => Err(Error::new(ErrorKind::BadContextToken, "the context was cancelled")),
                    Lookup::Unknown => Ok(None),
                }
            };
            message::verify(request, &lookup, &VerifyOptions { clock_skew: self.policy.clock_skew, ..Default::default() })?
        };
        let signer = report
            .signer_of(&Part::Body)
            .ok_or_else(|| Error::new(ErrorKind::FailedAuthentication, "an amend request must be signed with the context"))?
            .clone();
        let mut ctx = match self.store.get(&signer.identifier, signer.instance.as_deref())? {
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

    fn cancel(&self, request: &[u8], p: &Parsed) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let (ctx, _) = self.proven(request, p.rst.cancel_target.as_ref())?;
        self.authorize(Operation::Cancel, request, Some(&ctx))?;
        self.store.cancel(&ctx.identifier)?;
        let mut r = RequestSecurityTokenResponse::cancelled(p.version);
        r.context = p.rst.context.clone();
        Ok((r, Some(ctx.identifier)))
    }

    fn validate(&self, request: &[u8], p: &Parsed) -> Result<(RequestSecurityTokenResponse, Option<String>)> {
        let target = p.rst.validate_target.as_ref().ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no ValidateTarget"))?;
        let (identifier, instance) = target_of(target)?;
        let now = Instant::now();
        let looked = self.store.get(&identifier, instance.as_deref())?;
        if let Lookup::Found(c) = &looked {
            self.authorize(Operation::Validate, request, Some(c))?;
        }
        let (code, reason) = match looked {
            Lookup::Found(c) if c.expires.plus(self.policy.clock_skew) >= now => (StatusCode::Valid, None),
            Lookup::Found(_) => (StatusCode::Invalid, Some("the context has expired".to_string())),
            Lookup::Cancelled => (StatusCode::Invalid, Some("the context was cancelled".to_string())),
            Lookup::Unknown => (StatusCode::Invalid, Some("unknown context".to_string())),
        };
        let mut r = RequestSecurityTokenResponse::new(p.version);
        r.context = p.rst.context.clone();
        r.params.token_type = Some(TokenType::Status);
        r.status = Some(Status { code, reason });
        Ok((r, Some(identifier)))
    }

    /// Verify an application message protected with a context this service issued: keys
    /// come from the store; an expired context gives wsc:RenewNeeded, a cancelled or
    /// unknown one wsc:BadContextToken.
    pub fn verify_message(&self, envelope: &[u8]) -> Result<VerifyReport> {
        let store = self.store.clone();
        let skew = self.policy.clock_skew;
        let lookup = move |id: &ContextId| -> Result<Option<Secret>> {
            match store.get(&id.identifier, id.instance.as_deref())? {
                Lookup::Found(c) if c.expires.plus(skew) < Instant::now() => {
                    Err(Error::new(ErrorKind::RenewNeeded, format!("context {} has expired", id.identifier)))
                }
                Lookup::Found(c) => Ok(Some(c.secret)),
                Lookup::Cancelled => Err(Error::new(ErrorKind::BadContextToken, format!("context {} was cancelled", id.identifier))),
                Lookup::Unknown => Ok(None),
            }
        };
        message::verify(envelope, &lookup, &VerifyOptions { clock_skew: skew, ..Default::default() })
    }
}

/// Identifier and Instance of the context a target names (an SCT or an STR by Identifier).
fn target_of(h: &TokenHolder) -> Result<(String, Option<String>)> {
    match &h.token {
        TokenRef::SecurityContext(t) => Ok((t.identifier.clone(), t.instance.clone())),
        TokenRef::Reference(s) => match s.reference.as_ref().map(|r| (r.target(), r.instance.clone())) {
            Some((ReferenceTarget::Uri(u), i)) => Ok((u.to_string(), i)),
            _ => Err(Error::new(ErrorKind::BadContextToken, "the target must reference the context by its Identifier")),
        },
        _ => Err(Error::new(ErrorKind::UnsupportedContextToken, "the target is not a security context token")),
    }
}

fn parse_request(request: &[u8]) -> Result<Parsed> {
    let env = Envelope::from_xml(request)?;
    let action = env.action().map(|a| Action::parse_uri(a));
    let body = env.body_element().ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "empty Body"))?;
    let rst = match TrustMessage::from_element(body)? {
        TrustMessage::Request(r) => r,
        _ => return Err(Error::new(ErrorKind::InvalidRequest, "the Body is not a RequestSecurityToken")),
    };
    let version = match rst.version {
        TrustVersion::V1_4 => TrustVersion::V1_3,
        v => v,
    };
    Ok(Parsed { soap: env.version, addressing: env.addressing.clone(), action, rst, version })
}

/// Best effort for a request that did not parse: SOAP and trust versions from the raw text.
fn guess_versions(request: &[u8]) -> (SoapVersion, TrustVersion, Option<Addressing>) {
    let s = String::from_utf8_lossy(request);
    let soap = if s.contains(crate::ns::SOAP12) { SoapVersion::Soap12 } else { SoapVersion::Soap11 };
    let trust = if s.contains(TrustVersion::Feb2005.namespace()) { TrustVersion::Feb2005 } else { TrustVersion::V1_3 };
    (soap, trust, None)
}

fn fault_action(a: &Addressing) -> &'static str {
    match a.version {
        crate::soap::WsaVersion::V2004_08 => "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
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
