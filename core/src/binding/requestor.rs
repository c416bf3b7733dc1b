//! Requestor (client) side of the WS-SecureConversation bindings of WS-Trust: issue,
//! renew, amend, cancel and validate a security context. Sans I/O: each operation returns
//! the request envelope to send and a pending state that turns the response bytes into a
//! result.

use super::context::SecurityContext;
use super::negotiate::{ExchangeHandler, Transcript};
use super::proof::{proof_key, KeyUnwrapper};
use crate::crypto::Secret;
use crate::error::{Error, ErrorKind, Result};
use crate::message::{self, ProtectOptions, Protection, SoapVersion};
use crate::soap::{Addressing, Envelope, WsaVersion};
use crate::time::Instant;
use crate::token::SecurityTokenReference;
use crate::trust::{
    Action, BinarySecret, BinarySecretType, ComputedKeyAlgorithm, Entropy, KeyMaterial, Lifetime,
    RequestSecurityToken, RequestSecurityTokenResponse, RequestType, StatusCode, TokenHolder,
    TokenRef, TokenType, TrustMessage,
};
use crate::version::TrustVersion;

use std::time::Duration;

/// How the requestor contributes key material to a new or renewed context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntropyMode {
    /// Send no entropy: the issuer chooses the key (BinarySecret or EncryptedKey).
    None,
    /// Send entropy and expect a CK/PSHA1 computed key (combined entropy, WCF's default).
    Combined,
}

/// What a requestor sends by default.
#[derive(Debug, Clone)]
pub struct RequestorConfig {
    /// WS-Trust version (Feb 2005 for wsHttpBinding / ADFS, 1.3 for ws2007HttpBinding).
    pub trust_version: TrustVersion,
    /// SOAP version of the envelopes.
    pub soap_version: SoapVersion,
    /// WS-Addressing version (None = no addressing headers).
    pub addressing: Option<WsaVersion>,
    /// The token service's address (wsa:To).
    pub to: String,
    /// Requested key size in bits.
    pub key_size: u32,
    /// Entropy mode.
    pub entropy: EntropyMode,
    /// Requested lifetime (None = the service's policy).
    pub lifetime: Option<Duration>,
    /// wsp:AppliesTo address.
    pub applies_to: Option<String>,
    /// How renew / amend / cancel requests are signed with the context key.
    pub protect: ProtectOptions,
    /// The token service's certificate: when set, requestor entropy travels encrypted for
    /// it (xenc:EncryptedKey, RSA-OAEP), as in WS-SC Appendix A.1.
    pub service_certificate: Option<openssl::x509::X509>,
    /// Re-key a context this long after it was issued (WCF's default: 15 hours).
    pub key_renewal_interval: Duration,
    /// Renew this long before a context expires (WCF's key rollover: 5 minutes).
    pub key_rollover: Duration,
}

impl RequestorConfig {
    /// Defaults for a service at `to` speaking `version`: SOAP 1.2 with the WS-Addressing
    /// version WCF pairs with it, 256-bit keys, combined entropy.
    pub fn new(version: TrustVersion, to: impl Into<String>) -> Self {
        RequestorConfig {
            trust_version: version,
            soap_version: SoapVersion::Soap12,
            addressing: Some(match version {
                TrustVersion::Feb2005 => WsaVersion::V2004_08,
                _ => WsaVersion::V2005_08,
            }),
            to: to.into(),
            key_size: 256,
            entropy: EntropyMode::Combined,
            lifetime: None,
            applies_to: None,
            protect: ProtectOptions::default(),
            service_certificate: None,
            key_renewal_interval: Duration::from_secs(15 * 3600),
            key_rollover: Duration::from_secs(300),
        }
    }
}

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    /// The SOAP envelope.
    pub envelope: String,
    /// The WS-Addressing / SOAP action.
    pub action: String,
    /// HTTP Content-Type for the envelope's SOAP version (with the action for SOAP 1.2).
    pub content_type: String,
    /// The SOAPAction HTTP header value for SOAP 1.1 (None for 1.2).
    pub soap_action: Option<String>,
}

/// What a completed exchange produced.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A new context (issue).
    Issued(SecurityContext),
    /// The renewed context: new Instance, new key when key material was exchanged.
    Renewed(SecurityContext),
    /// The amended context (same key).
    Amended(SecurityContext),
    /// The context was cancelled.
    Cancelled,
    /// The service answered with a challenge (WS-SC Appendix A.2 / B): answer it with
    /// [`Requestor::answer_challenge`].
    Challenge(Challenge),
    /// The service's key exchange token: encrypt key material for this certificate (set it
    /// as [`RequestorConfig::service_certificate`]).
    KeyExchangeToken(openssl::x509::X509),
    /// Validation status.
    Validated {
        /// True for the valid status code.
        valid: bool,
        /// wst:Reason.
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Ket,
    Issue,
    Renew,
    Amend,
    Cancel,
    Validate,
}

/// A challenge from the service, to answer with [`Requestor::answer_challenge`].
#[derive(Debug, Clone)]
pub struct Challenge {
    /// The wst:Challenge text (echoed exactly).
    pub challenge: String,
    pending: Pending,
}

/// A binary negotiation under way (WS-Trust 8.4), driven by the caller's handler.
pub struct Negotiation {
    handler: Box<dyn ExchangeHandler>,
    transcript: Transcript,
    context_attr: String,
    version: TrustVersion,
    key_size: u32,
    requestor: Requestor,
}

impl std::fmt::Debug for Negotiation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Negotiation")
            .field("context", &self.context_attr)
            .finish()
    }
}

/// What one negotiation response led to.
#[derive(Debug)]
pub enum NegotiationStep {
    /// Send this and call [`Negotiation::step`] with the answer.
    Continue(OutgoingRequest, Negotiation),
    /// The context is established.
    Done(SecurityContext),
}

/// A request that was sent and waits for its response.
#[derive(Debug, Clone)]
pub struct Pending {
    op: Op,
    version: TrustVersion,
    context_attr: String,
    entropy: Option<Secret>,
    key_size: u32,
    base: Option<SecurityContext>,
}

/// The requestor.
#[derive(Debug, Clone)]
pub struct Requestor {
    /// Its configuration.
    pub config: RequestorConfig,
}

impl Requestor {
    /// A requestor with `config`.
    pub fn new(config: RequestorConfig) -> Self {
        Requestor { config }
    }

    /// The same requestor speaking WS-Trust February 2005 (for services such as ADFS and
    /// WCF wsHttpBinding that answer 1.3 requests with a fault).
    pub fn fallback_feb2005(&self) -> Requestor {
        let mut c = self.config.clone();
        c.trust_version = TrustVersion::Feb2005;
        if c.addressing.is_some() {
            c.addressing = Some(WsaVersion::V2004_08);
        }
        Requestor::new(c)
    }

    fn new_rst(&self, request_type: RequestType) -> Result<(RequestSecurityToken, String)> {
        let v = self.config.trust_version;
        let mut rst = RequestSecurityToken::new(v, request_type);
        let ctx = crate::crypto::random_uuid_urn()?;
        rst.context = Some(ctx.clone());
        rst.params.token_type = Some(TokenType::SecurityContext);
        Ok((rst, ctx))
    }

    fn add_entropy(&self, rst: &mut RequestSecurityToken) -> Result<Option<Secret>> {
        rst.params.key_size = Some(self.config.key_size);
        if self.config.entropy == EntropyMode::None {
            return Ok(None);
        }
        let e = Secret::random((self.config.key_size / 8).max(16) as usize)?;
        let material = match &self.config.service_certificate {
            Some(cert) => KeyMaterial::EncryptedKey(
                message::EncryptedKey::encrypt_key(
                    &e,
                    cert,
                    message::KeyTransportAlgorithm::RsaOaepMgf1p,
                    message::ReferenceKind::Thumbprint,
                )?
                .to_element(),
            ),
            None => {
                KeyMaterial::BinarySecret(BinarySecret::new(BinarySecretType::Nonce, e.clone()))
            }
        };
        rst.params.entropy = Some(Entropy {
            material,
            other_attributes: Vec::new(),
        });
        rst.params.computed_key_algorithm = Some(ComputedKeyAlgorithm::Psha1);
        Ok(Some(e))
    }

    fn envelope(&self, rst: &RequestSecurityToken, action: &Action) -> Result<(String, String)> {
        let v = self.config.trust_version;
        let action_uri = action.uri(v).to_string();
        let addressing = match self.config.addressing {
            Some(wsa) => Some(Addressing::request(
                wsa,
                action_uri.clone(),
                self.config.to.clone(),
            )?),
            None => None,
        };
        let env =
            TrustMessage::Request(rst.clone()).to_envelope(v, self.config.soap_version, addressing);
        Ok((env.to_xml(), action_uri))
    }

    fn outgoing(&self, envelope: String, action: String) -> OutgoingRequest {
        let (content_type, soap_action) = match self.config.soap_version {
            SoapVersion::Soap11 => (
                "text/xml; charset=utf-8".to_string(),
                Some(format!("\"{action}\"")),
            ),
            SoapVersion::Soap12 => (
                format!("application/soap+xml; charset=utf-8; action=\"{action}\""),
                None,
            ),
        };
        OutgoingRequest {
            envelope,
            action,
            content_type,
            soap_action,
        }
    }

    /// True when a long-running client should renew `ctx` now, before the service has to
    /// answer RenewNeeded: the renewal interval has passed since it was issued, or less
    /// than the rollover margin of its lifetime is left.
    pub fn needs_renewal(&self, ctx: &SecurityContext, now: Instant) -> bool {
        let interval_due =
            matches!(ctx.created, Some(c) if now >= c.plus(self.config.key_renewal_interval));
        interval_due || ctx.should_renew(now, self.config.key_rollover)
    }

    /// Start obtaining a new context (WS-SC 3.1: RST/SCT).
    pub fn issue(&self) -> Result<(OutgoingRequest, Pending)> {
        let (mut rst, ctx) = self.new_rst(RequestType::Issue)?;
        let entropy = self.add_entropy(&mut rst)?;
        if let Some(d) = self.config.lifetime {
            rst.params.lifetime = Some(Lifetime::starting(Instant::now(), d));
        }
        if let Some(a) = &self.config.applies_to {
            let wsa = self.config.addressing.unwrap_or(WsaVersion::V2005_08);
            rst.params.applies_to = Some(crate::trust::AppliesTo::address(wsa, a.clone()));
        }
        let (env, action) = self.envelope(&rst, &Action::RstSct)?;
        let p = Pending {
            op: Op::Issue,
            version: self.config.trust_version,
            context_attr: ctx,
            entropy,
            key_size: self.config.key_size,
            base: None,
        };
        Ok((self.outgoing(env, action), p))
    }

    fn target(&self, ctx: &SecurityContext) -> TokenHolder {
        let sct = &ctx.sct;
        let r = SecurityTokenReference::to_identifier(
            sct.version,
            &sct.identifier,
            sct.instance.as_deref(),
        );
        TokenHolder::new(TokenRef::Reference(r))
    }

    /// Sign `env` with the context key (proof of possession), carrying the SCT.
    fn signed(&self, env: String, ctx: &SecurityContext) -> Result<String> {
        message::protect(
            env.as_bytes(),
            &ctx.key()?,
            Protection::Sign,
            &self.config.protect,
        )
    }

    /// Renew `ctx` (WS-SC 5). With `new_key_material` the requestor sends fresh entropy and
    /// the service re-keys; the new key is never protected with the old one. `reproof`
    /// lets the caller re-prove the original claims (e.g. add its own X.509 signature) on
    /// the envelope before it is signed with the context key.
    pub fn renew(
        &self,
        ctx: &SecurityContext,
        new_key_material: bool,
        reproof: Option<&dyn Fn(String) -> Result<String>>,
    ) -> Result<(OutgoingRequest, Pending)> {
        let (mut rst, c) = self.new_rst(RequestType::Renew)?;
        rst.renew_target = Some(self.target(ctx));
        rst.params.key_size = Some(self.config.key_size);
        let entropy = if new_key_material {
            self.add_entropy(&mut rst)?
        } else {
            None
        };
        let (env, action) = self.envelope(&rst, &Action::RstSctRenew)?;
        let env = match reproof {
            Some(f) => f(env)?,
            None => env,
        };
        let env = self.signed(env, ctx)?;
        let p = Pending {
            op: Op::Renew,
            version: self.config.trust_version,
            context_attr: c,
            entropy,
            key_size: self.config.key_size,
            base: Some(ctx.clone()),
        };
        Ok((self.outgoing(env, action), p))
    }

    /// Amend `ctx` (WS-SC 4): the request is signed with the context key; `add_claims`
    /// adds the additional tokens and their signatures to the envelope before that.
    pub fn amend(
        &self,
        ctx: &SecurityContext,
        add_claims: Option<&dyn Fn(String) -> Result<String>>,
    ) -> Result<(OutgoingRequest, Pending)> {
        let (rst, c) = self.new_rst(RequestType::Issue)?;
        let (env, action) = self.envelope(&rst, &Action::RstSctAmend)?;
        let env = match add_claims {
            Some(f) => f(env)?,
            None => env,
        };
        let env = self.signed(env, ctx)?;
        let p = Pending {
            op: Op::Amend,
            version: self.config.trust_version,
            context_attr: c,
            entropy: None,
            key_size: self.config.key_size,
            base: Some(ctx.clone()),
        };
        Ok((self.outgoing(env, action), p))
    }

    /// Cancel `ctx` (WS-SC 6).
    pub fn cancel(&self, ctx: &SecurityContext) -> Result<(OutgoingRequest, Pending)> {
        let (mut rst, c) = self.new_rst(RequestType::Cancel)?;
        rst.params.token_type = None;
        rst.cancel_target = Some(self.target(ctx));
        let (env, action) = self.envelope(&rst, &Action::RstSctCancel)?;
        let env = self.signed(env, ctx)?;
        let p = Pending {
            op: Op::Cancel,
            version: self.config.trust_version,
            context_attr: c,
            entropy: None,
            key_size: self.config.key_size,
            base: Some(ctx.clone()),
        };
        Ok((self.outgoing(env, action), p))
    }

    /// Answer a service's challenge: an RSTR with the SignChallengeResponse, passed through
    /// `sign` (the caller signs it with its own credentials) before it is sent.
    pub fn answer_challenge(
        &self,
        c: Challenge,
        sign: Option<&dyn Fn(String) -> Result<String>>,
    ) -> Result<(OutgoingRequest, Pending)> {
        let v = self.config.trust_version;
        let mut r = RequestSecurityTokenResponse::new(v);
        r.context = Some(c.pending.context_attr.clone());
        r.params.sign_challenge_response =
            Some(crate::trust::SignChallenge::new(c.challenge.clone()));
        let (env, action) = self.response_envelope(&r, &Action::RstrSct)?;
        let env = match sign {
            Some(f) => f(env)?,
            None => env,
        };
        Ok((self.outgoing(env, action), c.pending))
    }

    fn response_envelope(
        &self,
        r: &RequestSecurityTokenResponse,
        action: &Action,
    ) -> Result<(String, String)> {
        let v = self.config.trust_version;
        let action_uri = action.uri(v).to_string();
        let addressing = match self.config.addressing {
            Some(wsa) => Some(Addressing::request(
                wsa,
                action_uri.clone(),
                self.config.to.clone(),
            )?),
            None => None,
        };
        let env =
            TrustMessage::Response(r.clone()).to_envelope(v, self.config.soap_version, addressing);
        Ok((env.to_xml(), action_uri))
    }

    /// Start obtaining a context through a binary negotiation driven by `handler` (its
    /// first step produces the first blob).
    pub fn negotiate(
        &self,
        mut handler: Box<dyn ExchangeHandler>,
    ) -> Result<(OutgoingRequest, Negotiation)> {
        let (mut rst, ctx) = self.new_rst(RequestType::Issue)?;
        rst.params.key_size = Some(self.config.key_size);
        let first = handler.step(None)?;
        let blob = first.output.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                "the negotiation handler produced no first blob",
            )
        })?;
        rst.params.binary_exchange = Some(crate::trust::BinaryExchange::new(
            handler.value_type().to_string(),
            blob,
        ));
        let mut transcript = Transcript::default();
        transcript.add(&rst.to_element(self.config.trust_version));
        let (env, action) = self.envelope(&rst, &Action::RstSct)?;
        let n = Negotiation {
            handler,
            transcript,
            context_attr: ctx,
            version: self.config.trust_version,
            key_size: self.config.key_size,
            requestor: self.clone(),
        };
        Ok((self.outgoing(env, action), n))
    }

    /// Ask the service for its key exchange token (RequestType KET).
    pub fn key_exchange_token(&self) -> Result<(OutgoingRequest, Pending)> {
        let (mut rst, c) = self.new_rst(RequestType::Ket)?;
        rst.params.token_type = None;
        let (env, action) = self.envelope(&rst, &Action::RstKet)?;
        let p = Pending {
            op: Op::Ket,
            version: self.config.trust_version,
            context_attr: c,
            entropy: None,
            key_size: self.config.key_size,
            base: None,
        };
        Ok((self.outgoing(env, action), p))
    }

    /// Ask the service whether `ctx` is still valid (WS-Trust 9).
    pub fn validate(&self, ctx: &SecurityContext) -> Result<(OutgoingRequest, Pending)> {
        let (mut rst, c) = self.new_rst(RequestType::Validate)?;
        rst.params.token_type = Some(TokenType::Status);
        rst.validate_target = Some(self.target(ctx));
        let (env, action) = self.envelope(&rst, &Action::RstValidate)?;
        let p = Pending {
            op: Op::Validate,
            version: self.config.trust_version,
            context_attr: c,
            entropy: None,
            key_size: self.config.key_size,
            base: Some(ctx.clone()),
        };
        Ok((self.outgoing(env, action), p))
    }
}

/// The RSTR inside a response envelope (a fault becomes its typed error).
pub fn response_rstr(response: &[u8]) -> Result<RequestSecurityTokenResponse> {
    let env = Envelope::from_xml(response)?;
    if let Some(f) = env.fault() {
        return Err(f?.to_error());
    }
    let body = env
        .body_element()
        .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "the response has an empty Body"))?;
    match TrustMessage::from_element(body)? {
        TrustMessage::Response(r) => Ok(r),
        TrustMessage::ResponseCollection(mut c) if !c.responses.is_empty() => {
            Ok(c.responses.remove(0))
        }
        _ => Err(Error::new(
            ErrorKind::InvalidRequest,
            "the response carries no RequestSecurityTokenResponse",
        )),
    }
}

impl Negotiation {
    /// The @Context correlating the legs.
    pub fn context_attribute(&self) -> &str {
        &self.context_attr
    }

    /// Process the service's answer: another leg, or the issued context (its proof key
    /// unwrapped with the negotiated key and the Authenticator checked).
    pub fn step(mut self, response: &[u8]) -> Result<NegotiationStep> {
        let rstr = response_rstr(response)?;
        if rstr.context.as_deref() != Some(self.context_attr.as_str()) {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "the response's Context does not match the negotiation",
            ));
        }
        let blob = rstr.params.binary_exchange.as_ref().map(|b| b.data.clone());
        if rstr.requested_security_token.is_none() {
            // Another leg.
            self.transcript.add(&rstr.to_element(self.version));
            let step = self.handler.step(blob.as_deref())?;
            let out = step.output.ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "the negotiation handler has nothing to send",
                )
            })?;
            let mut r = RequestSecurityTokenResponse::new(self.version);
            r.context = Some(self.context_attr.clone());
            r.params.binary_exchange = Some(crate::trust::BinaryExchange::new(
                self.handler.value_type().to_string(),
                out,
            ));
            self.transcript.add(&r.to_element(self.version));
            let (env, action) = self.requestor.response_envelope(&r, &Action::RstrSct)?;
            let out = self.requestor.outgoing(env, action);
            return Ok(NegotiationStep::Continue(out, self));
        }
        // Final leg: the handler may still have a last blob to consume.
        let negotiated = match blob {
            Some(b) => self.handler.step(Some(&b))?.key,
            None => None,
        }
        .or_else(|| self.handler.step(None).ok().and_then(|s| s.key))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::FailedAuthentication,
                "the negotiation did not produce a key",
            )
        })?;
        let unwrap = |el: &crate::xml::Element| -> Result<Secret> {
            let cv = el
                .find(crate::ns::XENC, "CipherData")
                .and_then(|c| c.find(crate::ns::XENC, "CipherValue"))
                .ok_or_else(|| {
                    Error::new(ErrorKind::InvalidRequest, "EncryptedKey has no CipherValue")
                })?;
            super::negotiate::unwrap(&negotiated, &crate::xml::base64_of(cv)?)
        };
        let p = Pending {
            op: Op::Issue,
            version: self.version,
            context_attr: self.context_attr.clone(),
            entropy: None,
            key_size: self.key_size,
            base: None,
        };
        let ctx = p.new_context(&rstr, Some(&unwrap))?;
        let auth = rstr
            .authenticator
            .as_ref()
            .and_then(|a| a.combined_hash.as_ref())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::FailedAuthentication,
                    "the final response carries no Authenticator",
                )
            })?;
        self.transcript.check(&ctx.secret, auth)?;
        Ok(NegotiationStep::Done(ctx))
    }
}

impl Pending {
    /// The @Context the request carried.
    pub fn context_attribute(&self) -> &str {
        &self.context_attr
    }

    /// Process the response envelope.
    pub fn finish(self, response: &[u8]) -> Result<Outcome> {
        self.finish_with(response, None)
    }

    /// Process the response, unwrapping encrypted proof keys / entropy with `unwrap`.
    pub fn finish_with(self, response: &[u8], unwrap: Option<KeyUnwrapper<'_>>) -> Result<Outcome> {
        let rstr = response_rstr(response)?;
        if let Some(c) = &rstr.context {
            if *c != self.context_attr {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    format!("the response's Context '{c}' does not match the request"),
                ));
            }
        }
        match self.op {
            Op::Ket => {
                let el = match rstr.params.key_exchange_token.as_ref().map(|h| &h.token) {
                    Some(TokenRef::Xml(el)) if el.is(crate::ns::WSSE, "BinarySecurityToken") => el,
                    _ => {
                        return Err(Error::new(
                            ErrorKind::InvalidRequest,
                            "the response carries no X.509 KeyExchangeToken",
                        ))
                    }
                };
                let der = crate::xml::base64_of(el)?;
                let cert = openssl::x509::X509::from_der(&der).map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidSecurityToken,
                        "the KeyExchangeToken is not an X.509 certificate",
                    )
                })?;
                Ok(Outcome::KeyExchangeToken(cert))
            }
            Op::Issue if rstr.params.sign_challenge.is_some() => {
                let challenge = rstr
                    .params
                    .sign_challenge
                    .as_ref()
                    .map(|c| c.challenge.clone())
                    .unwrap_or_default();
                Ok(Outcome::Challenge(Challenge {
                    challenge,
                    pending: self,
                }))
            }
            Op::Issue => Ok(Outcome::Issued(self.new_context(&rstr, unwrap)?)),
            Op::Renew => Ok(Outcome::Renewed(self.renewed(&rstr, unwrap)?)),
            Op::Amend => {
                let mut ctx = self
                    .base
                    .clone()
                    .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no context"))?;
                if let Some(sct) = rstr.security_context_token() {
                    if sct.identifier != ctx.sct.identifier {
                        return Err(Error::new(
                            ErrorKind::BadContextToken,
                            "the amended token names another context",
                        ));
                    }
                    ctx.sct = sct.clone();
                }
                Ok(Outcome::Amended(ctx))
            }
            Op::Cancel => {
                if !rstr.requested_token_cancelled {
                    return Err(Error::new(
                        ErrorKind::InvalidRequest,
                        "the response does not confirm the cancellation",
                    ));
                }
                Ok(Outcome::Cancelled)
            }
            Op::Validate => {
                let st = rstr.status.as_ref().ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidRequest,
                        "the response carries no wst:Status",
                    )
                })?;
                Ok(Outcome::Validated {
                    valid: st.code == StatusCode::Valid,
                    reason: st.reason.clone(),
                })
            }
        }
    }

    fn new_context(
        &self,
        rstr: &RequestSecurityTokenResponse,
        unwrap: Option<KeyUnwrapper<'_>>,
    ) -> Result<SecurityContext> {
        let sct = rstr
            .security_context_token()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "the response carries no SecurityContextToken",
                )
            })?
            .clone();
        let secret = proof_key(rstr, self.entropy.as_ref(), self.key_size, unwrap)?;
        let lifetime = rstr.params.lifetime.as_ref();
        Ok(SecurityContext {
            sct,
            secret,
            trust_version: self.version,
            created: lifetime.and_then(|l| l.created),
            expires: lifetime.and_then(|l| l.expires),
            attached_reference: rstr
                .requested_attached_reference
                .as_ref()
                .map(|r| r.reference.clone()),
            unattached_reference: rstr
                .requested_unattached_reference
                .as_ref()
                .map(|r| r.reference.clone()),
            cancelled: false,
        })
    }

    fn renewed(
        &self,
        rstr: &RequestSecurityTokenResponse,
        unwrap: Option<KeyUnwrapper<'_>>,
    ) -> Result<SecurityContext> {
        let base = self
            .base
            .as_ref()
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no context"))?;
        let sct = rstr
            .security_context_token()
            .cloned()
            .unwrap_or_else(|| base.sct.clone());
        if sct.identifier != base.sct.identifier {
            return Err(Error::new(
                ErrorKind::UnableToRenew,
                "the renewed token names another context",
            ));
        }
        let rekeyed =
            self.entropy.is_some() || rstr.proof_token().is_some() || rstr.params.entropy.is_some();
        let secret = if rekeyed {
            proof_key(rstr, self.entropy.as_ref(), self.key_size, unwrap)?
        } else {
            base.secret.clone()
        };
        if rekeyed && sct.instance == base.sct.instance {
            // CXF-6468 / WSS-542: a new key must come with a new Instance.
            return Err(Error::new(
                ErrorKind::UnableToRenew,
                "the service re-keyed the context without a new wsc:Instance",
            ));
        }
        let lifetime = rstr.params.lifetime.as_ref();
        Ok(SecurityContext {
            sct,
            secret,
            trust_version: self.version,
            created: lifetime.and_then(|l| l.created).or(base.created),
            expires: lifetime.and_then(|l| l.expires).or(base.expires),
            attached_reference: rstr
                .requested_attached_reference
                .as_ref()
                .map(|r| r.reference.clone())
                .or_else(|| base.attached_reference.clone()),
            unattached_reference: rstr
                .requested_unattached_reference
                .as_ref()
                .map(|r| r.reference.clone())
                .or_else(|| base.unattached_reference.clone()),
            cancelled: false,
        })
    }
}
