//! The protocols (core `binding`): `Requestor` (issue, renew, amend, cancel, validate a
//! security context; answer a challenge), `Pending`, `SecurityContext`, `Challenge`,
//! `MemoryStore` and `TokenService`.
//!
//! Sans I/O, as core: a requestor operation returns the request to send and a `Pending`
//! that turns the response bytes into an `Outcome`; a token service turns request bytes
//! into response bytes. `Requestor.prototype.obtain` / `send` (index.js) add the async
//! loop over a caller-supplied transport.
//!
//! ## JavaScript hooks of a token service, and threads
//!
//! Core's `TokenService` is `Send + Sync` and keeps its store (`Arc<dyn ContextStore>`) and
//! authorizer for its whole life. A JS-backed store or an `authorize` function can only be
//! called on the JS thread that owns them, while that thread is inside a native call. So
//! the core service is given *proxies* that hold no JS value at all: only a service id.
//! Each `handle` / `verifyMessage` / `acceptUnsolicited` / `purge` call pushes a frame on a
//! thread-local stack (the service id, the JS store object, the authorize function and
//! the [`JsCalls`] state of this call, all valid in the current handle scope) and pops it
//! before returning. A proxy looks up its frame on the current thread; outside such a
//! call, or on another thread, there is none and core gets an error, never a dangling
//! value. The JS objects themselves are held by `napi_ref`s owned by the JS TokenService
//! object and released when it is finalized (so a store that itself holds its service
//! keeps both alive). A service with JS hooks must therefore be
//! used through `handle` on its own thread; `handleAsync` (core on the libuv pool) is only
//! for services over a `MemoryStore` without an `authorize` hook, whose core service
//! touches no JS.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{AsyncTask, Buffer, Either, Object, ObjectFinalize, Unknown};
use napi::{sys, Env, JsValue, Task, ValueType};
use napi_derive::napi;
use wssx::binding::{
    AuthRequest, ContextStore, EntropyMode, ExchangeHandler as CoreExchangeHandler, ExchangeStep,
    Lookup, MemoryStore as CoreMemoryStore, Negotiation as CoreNegotiation, NegotiationStep,
    Operation, Outcome as CoreOutcome, Pending as CorePending, Requestor as CoreRequestor,
    RequestorConfig as CoreConfig, SecurityContext as CoreContext, ServicePolicy,
    ServiceResponse as CoreResponse, StoredContext as CoreStored, TokenService as CoreService,
};
use wssx::json::Json;
use wssx::message::{self, Protection};
use wssx::soap::WsaVersion;
use wssx::time::Instant;
use wssx::{Error, ErrorKind, Secret, TrustVersion as Tv};

use crate::conv::{
    arg_err, array, boolean, bytes, core, core_err, instant, member, napi_err, nullable_member,
    opt_bytes, opt_string, options, present, sc_version, seconds, soap_name, soap_version, string,
    strings, u32_of, uint, usize_of, value_type, with_class, wsa_version, xml_input, JsDate,
    JsonValue, Result,
};
use crate::jscall::JsCalls;
use crate::message::{protect_options, verify_options_from, ProtectOptions, VerifyReport};
use crate::tokens::{known_keys, ScVersion, SecurityContextToken};
use crate::trust::{trust_version_or, TrustVersion};

// ---------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------

/// A request ready to send: POST `envelope` with `contentType` (and, for SOAP 1.1, the
/// `SOAPAction` header `soapAction`).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct OutgoingRequest {
    /// The SOAP envelope (UTF-8 XML).
    pub envelope: Buffer,
    /// The WS-Addressing / SOAP action URI.
    pub action: String,
    /// HTTP Content-Type (SOAP 1.2 with the action parameter).
    pub content_type: String,
    /// The SOAPAction HTTP header value for SOAP 1.1 (quoted); null for SOAP 1.2.
    pub soap_action: Option<String>,
}

/// A started exchange: send `request`, then give the response to `pending.finish()`.
#[napi(object, object_from_js = false)]
pub struct Exchange {
    /// The request to send.
    pub request: OutgoingRequest,
    /// Turns the response into an Outcome.
    pub pending: Pending,
}

/// What a completed exchange produced. `kind` says which fields are set:
/// "issued" / "renewed" / "amended" (`context`: the new or updated context),
/// "cancelled" (`context`: the cancelled context, now unusable),
/// "validated" (`valid`, `reason`, and `context`: the context asked about),
/// "challenge" (`challenge`: answer it with `requestor.answerChallenge`),
/// "keyExchangeToken" (`certificate`: the service's certificate, DER; give it to a
/// Requestor as `serviceCertificate`).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Outcome {
    /// Which outcome.
    #[napi(
        ts_type = "'issued' | 'renewed' | 'amended' | 'cancelled' | 'validated' | 'challenge' | 'keyExchangeToken'"
    )]
    pub kind: String,
    /// The context.
    pub context: Option<SecurityContext>,
    /// The validation result (validated).
    pub valid: Option<bool>,
    /// wst:Reason of the validation status (validated).
    pub reason: Option<String>,
    /// The service's challenge (challenge).
    pub challenge: Option<Challenge>,
    /// The service's key exchange token, an X.509 certificate in DER (keyExchangeToken).
    pub certificate: Option<Buffer>,
}

/// A context as a token service stores it (one key instance). This is also what a
/// JS-backed store receives and returns.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct StoredContext {
    /// wsc:Identifier.
    pub identifier: String,
    /// wsc:Instance (null for the first instance, which the service writes without one).
    pub instance: Option<String>,
    /// The context key.
    pub secret: Buffer,
    /// The WS-SecureConversation version the context was issued in.
    pub version: ScVersion,
    /// When this instance was created.
    #[napi(ts_type = "Date")]
    pub created: JsDate,
    /// When it expires.
    #[napi(ts_type = "Date")]
    pub expires: JsDate,
    /// Who obtained it (what the authorize hook returned).
    pub principal: Option<String>,
    /// Tokens added by amendments (WS-SC 4), as XML.
    pub amendments: Vec<String>,
}

/// A stored context given to a store (`MemoryStore.insert`, or returned by a JS store's
/// `get`): `identifier`, `secret` and `expires` are required; `version` defaults to "1.3",
/// `created` to now.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct StoredContextInit {
    /// wsc:Identifier.
    pub identifier: String,
    /// wsc:Instance.
    #[napi(ts_type = "string | null")]
    pub instance: Option<String>,
    /// The context key (at least 16 bytes for use).
    #[napi(ts_type = "Buffer | Uint8Array")]
    pub secret: Buffer,
    /// The WS-SecureConversation version.
    #[napi(ts_type = "ScVersion | string")]
    pub version: Option<String>,
    /// When this instance was created.
    #[napi(ts_type = "Date | number | string")]
    pub created: Option<f64>,
    /// When it expires.
    #[napi(ts_type = "Date | number | string")]
    pub expires: f64,
    /// Who obtained it.
    #[napi(ts_type = "string | null")]
    pub principal: Option<String>,
    /// Tokens added by amendments, as XML.
    pub amendments: Option<Vec<String>>,
}

/// A context store implemented in JavaScript (for a service's own storage: a database
/// cache, a shared map). Every method is called synchronously, on the JS thread, during
/// `TokenService.handle` (and `verifyMessage`, `acceptUnsolicited`, `purge`), and must
/// answer synchronously: a returned Promise is an "InvalidArgument" error. An exception a
/// method throws ends the processing and is re-thrown unchanged by the `TokenService`
/// call (no fault is produced: the caller decides what to answer). The methods must not
/// call back into the same service.
///
/// The contract is core's `ContextStore`:
/// - `get(identifier, instance)`: the key instance named `instance` (null names the
///   instance issued without a wsc:Instance) while it is current or within the rollover
///   window after a renewal; when no such instance is usable, `instance` null gives the
///   current one. The string "cancelled" once the context was cancelled; null / undefined
///   when unknown.
/// - `insert(ctx)`: a new context, or a new key instance of an existing one (renewal): the
///   new instance becomes current; the previous one should stay usable for a rollover
///   window (MemoryStore: 5 minutes). The service never inserts into a context `get`
///   reported cancelled.
/// - `update(ctx)`: replace the stored instance named `ctx.instance` without re-keying
///   (amendments).
/// - `cancel(identifier)`: every later `get` answers "cancelled"; returns false when the
///   context was unknown.
/// - `purge(now)` (optional): drop what expired before `now`; returns how many went.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct ContextStoreHooks {
    /// Look up a context.
    #[napi(
        ts_type = "(identifier: string, instance: string | null) => StoredContext | StoredContextInit | 'cancelled' | null | undefined"
    )]
    pub get: f64,
    /// Store a new context or key instance.
    #[napi(ts_type = "(ctx: StoredContext) => void")]
    pub insert: f64,
    /// Replace the current instance.
    #[napi(ts_type = "(ctx: StoredContext) => void")]
    pub update: f64,
    /// Cancel a context.
    #[napi(ts_type = "(identifier: string) => boolean | void")]
    pub cancel: f64,
    /// Drop expired contexts.
    #[napi(ts_type = "(now: Date) => number | void")]
    pub purge: Option<f64>,
}

/// What the `authorize` hook of a token service sees.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuthorizeRequest {
    /// The operation asked for.
    #[napi(ts_type = "'issue' | 'renew' | 'amend' | 'cancel' | 'validate' | 'keyExchange'")]
    pub operation: String,
    /// The request envelope as received (check its own security here).
    pub envelope: Buffer,
    /// The context the request is about (renew, amend, cancel, validate).
    pub context: Option<StoredContext>,
}

/// A certificate and its private key (PEM or DER bytes, or PEM text), checked to match.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct X509Identity {
    /// The X.509 certificate (PEM or DER).
    #[napi(ts_type = "Buffer | Uint8Array | string")]
    pub certificate: Buffer,
    /// Its private key (PEM, PKCS#8 or traditional; or PKCS#8 DER).
    #[napi(ts_type = "Buffer | Uint8Array | string")]
    pub private_key: Buffer,
}

/// Options of `new TokenService(store, opts)`: the service policy (core's ServicePolicy;
/// durations in seconds) and the authorize hook.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct TokenServiceOptions {
    /// Lifetime of issued and renewed contexts (default 1800 s, CXF's).
    pub context_lifetime: Option<f64>,
    /// Key size in bits when the request names none (default 256).
    pub default_key_size: Option<f64>,
    /// Smallest and largest key size accepted (default [128, 512]).
    #[napi(ts_type = "[number, number]")]
    pub key_size_range: Option<Vec<f64>>,
    /// Accept requestor entropy and answer with a CK/PSHA1 computed key (default true).
    pub accept_requestor_entropy: Option<bool>,
    /// Renew contexts that already expired (default false: UnableToRenew).
    pub renew_expired: Option<bool>,
    /// Allowed clock skew (default 300 s).
    pub clock_skew: Option<f64>,
    /// Answer issue requests with a wst:SignChallenge first (WS-SC Appendix A.2 / B).
    pub challenge: Option<bool>,
    /// How long an unfinished multi-leg exchange is kept (default 300 s).
    pub exchange_timeout: Option<f64>,
    /// With requestor entropy: add issuer entropy and a computed key (true, default), or
    /// use the requestor's entropy as the key (false).
    pub issuer_entropy: Option<bool>,
    /// Accept contexts propagated in unsolicited RSTRs (`acceptUnsolicited`; default false).
    pub accept_unsolicited: Option<bool>,
    /// The service's certificate and private key: decrypts key material encrypted for it
    /// (requestor entropy, WS-SC A.1; propagated contexts) and is its key exchange token.
    pub identity: Option<X509Identity>,
    /// Decides who may do what, called synchronously on the JS thread during `handle`:
    /// return a principal string (recorded with an issued context) or null / undefined /
    /// true to allow, false to refuse (a FailedAuthentication fault). An exception it
    /// throws is re-thrown by `handle`.
    #[napi(ts_type = "(request: AuthorizeRequest) => string | boolean | null | undefined")]
    pub authorize: Option<f64>,
    /// Accept binary negotiations (WS-Trust 8.4, wst:BinaryExchange): called synchronously
    /// on the JS thread during `handle` with the ValueType a requestor asks for; answer a
    /// new ExchangeHandler for that negotiation, or null / undefined to refuse it (a
    /// BadRequest fault). The handler is kept (by this service) until its negotiation ends.
    /// An exception it (or a handler) throws is re-thrown by `handle`.
    #[napi(ts_type = "(valueType: string) => ExchangeHandler | null | undefined")]
    pub negotiator: Option<f64>,
}

/// What `TokenService.handle` produced: the response to send.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ServiceResponse {
    /// The response envelope (an RSTR / RSTRC, or a SOAP fault), UTF-8 XML.
    pub envelope: Buffer,
    /// True when the envelope is a SOAP fault.
    pub is_fault: bool,
    /// The HTTP status to answer with: 500 for a fault, else 200.
    pub status: u32,
    /// The response action.
    pub action: Option<String>,
    /// HTTP Content-Type.
    pub content_type: String,
    /// The operation, when the request was understood.
    #[napi(ts_type = "'issue' | 'renew' | 'amend' | 'cancel' | 'validate' | 'keyExchange' | null")]
    pub operation: Option<String>,
    /// The Identifier of the context the request created or acted on.
    pub context: Option<String>,
}

fn operation_name(o: Operation) -> &'static str {
    match o {
        Operation::Issue => "issue",
        Operation::Renew => "renew",
        Operation::Amend => "amend",
        Operation::Cancel => "cancel",
        Operation::Validate => "validate",
        Operation::KeyExchange => "keyExchange",
    }
}

fn service_response(r: CoreResponse) -> ServiceResponse {
    ServiceResponse {
        status: if r.is_fault { 500 } else { 200 },
        envelope: r.envelope.into_bytes().into(),
        is_fault: r.is_fault,
        action: r.action,
        content_type: r.content_type,
        operation: r.operation.map(|o| operation_name(o).to_string()),
        context: r.context,
    }
}

fn stored_js(c: &CoreStored) -> StoredContext {
    StoredContext {
        identifier: c.identifier.clone(),
        instance: c.instance.clone(),
        secret: c.secret.expose().to_vec().into(),
        version: c.version.into(),
        created: JsDate(c.created.millis()),
        expires: JsDate(c.expires.millis()),
        principal: c.principal.clone(),
        amendments: c.amendments.clone(),
    }
}

/// A StoredContext read from a JS object (StoredContextInit).
fn stored_arg(what: &str, v: Unknown<'_>) -> Result<CoreStored> {
    let o =
        options(what, Some(v))?.ok_or_else(|| arg_err(what, "expected a stored context object"))?;
    known_keys(
        &o,
        what,
        &[
            "identifier",
            "instance",
            "secret",
            "version",
            "created",
            "expires",
            "principal",
            "amendments",
        ],
    )?;
    let req = |k: &str| {
        member(&o, what, k)?.ok_or_else(|| arg_err(what, format!("the stored context has no {k}")))
    };
    let identifier = string(&format!("{what}.identifier"), req("identifier")?)?;
    let secret = Secret::new(bytes(&format!("{what}.secret"), req("secret")?)?);
    let expires = instant(&format!("{what}.expires"), req("expires")?)?;
    let version = match member(&o, what, "version")? {
        Some(v) => sc_version(&format!("{what}.version"), v)?,
        None => wssx::ScVersion::V1_3,
    };
    let created = match member(&o, what, "created")? {
        Some(v) => instant(&format!("{what}.created"), v)?,
        None => Instant::now(),
    };
    let amendments = match member(&o, what, "amendments")? {
        Some(v) => strings(&format!("{what}.amendments"), v)?,
        None => Vec::new(),
    };
    Ok(CoreStored {
        identifier,
        instance: opt_string(&format!("{what}.instance"), member(&o, what, "instance")?)?,
        secret,
        version,
        created,
        expires,
        principal: opt_string(&format!("{what}.principal"), member(&o, what, "principal")?)?,
        amendments,
    })
}

// ---------------------------------------------------------------------------------------
// X.509 material (parsed by core: this crate links no OpenSSL of its own)
// ---------------------------------------------------------------------------------------

/// The bytes of a certificate or key argument: a Buffer / Uint8Array (PEM or DER) or a
/// PEM string.
pub(crate) fn x509_bytes(what: &str, v: Unknown<'_>) -> Result<Vec<u8>> {
    xml_input(what, v).map_err(|_| {
        arg_err(
            what,
            "expected a Buffer or Uint8Array (PEM or DER) or a PEM string",
        )
    })
}

/// Core's parse error about `what`, as an InvalidArgument error naming it.
pub(crate) fn x509_err(what: &str) -> impl Fn(Error) -> crate::conv::JsError + '_ {
    move |e| arg_err(what, e.message().to_string())
}

/// `{certificate, privateKey}` as core's key resolver (one certificate and its key).
pub(crate) fn identity_arg(what: &str, v: Unknown<'_>) -> Result<wssx::message::KeyResolver> {
    let o = options(what, Some(v))?
        .ok_or_else(|| arg_err(what, "expected {certificate, privateKey}"))?;
    known_keys(&o, what, &["certificate", "privateKey"])?;
    let get = |k: &str| -> Result<Vec<u8>> {
        let path = format!("{what}.{k}");
        let v = member(&o, what, k)?
            .ok_or_else(|| arg_err(what, format!("the identity has no {k}")))?;
        x509_bytes(&path, v)
    };
    let (cert, key) = (get("certificate")?, get("privateKey")?);
    wssx::binding::identity::identity(&cert, &key).map_err(x509_err(what))
}

// ---------------------------------------------------------------------------------------
// SecurityContext
// ---------------------------------------------------------------------------------------

/// An established security context as the requestor holds it: the SCT, its key, its
/// lifetime and the references the issuer said to use. A context object is shared with
/// the exchanges started from it: once a cancel of it completes, `cancelled` is true and
/// every use throws "BadContextToken".
#[napi]
pub struct SecurityContext {
    pub(crate) inner: Arc<Mutex<CoreContext>>,
}

impl SecurityContext {
    fn wrap(c: CoreContext) -> Self {
        SecurityContext {
            inner: Arc::new(Mutex::new(c)),
        }
    }

    /// A copy of the core context (never held across JS calls).
    pub(crate) fn get(&self) -> CoreContext {
        match self.inner.lock() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn set_cancelled(&self) {
        match self.inner.lock() {
            Ok(mut c) => c.cancelled = true,
            Err(p) => p.into_inner().cancelled = true,
        }
    }

    fn protect(
        &self,
        envelope: Unknown<'_>,
        opts: Option<Unknown<'_>>,
        what: Protection,
    ) -> Result<Buffer> {
        let envelope = xml_input("envelope", envelope)?;
        let opts = protect_options("opts", opts, what == Protection::SignAndEncrypt)?;
        let key = core(self.get().key())?;
        Ok(core(message::protect(&envelope, &key, what, &opts))?
            .into_bytes()
            .into())
    }
}

/// The SecurityContext `v` (a new handle on the same shared context).
fn context_arg(what: &str, v: &Unknown<'_>) -> Result<SecurityContext> {
    with_class(v, |c: &SecurityContext| SecurityContext {
        inner: c.inner.clone(),
    })
    .ok_or_else(|| arg_err(what, "expected a SecurityContext"))
}

fn now_arg(what: &str, v: Option<Unknown<'_>>) -> Result<Instant> {
    match present(what, v)? {
        Some(v) => instant(what, v),
        None => Ok(Instant::now()),
    }
}

/// Options of `SecurityContext.create(opts)`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct CreateContextOptions {
    /// The WS-Trust version (default "1.3").
    #[napi(ts_type = "TrustVersion | string")]
    pub trust_version: Option<String>,
    /// Key size in bits (default 256; a multiple of 8, 128..=8192).
    pub key_bits: Option<f64>,
    /// Lifetime in seconds (default 3600).
    pub lifetime: Option<f64>,
}

/// Options of `TokenService.acceptUnsolicited(envelope, opts)`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct AcceptUnsolicitedOptions {
    /// Require the message to be signed with the propagated context's key (default true).
    pub require_signature: Option<bool>,
}

/// Fields of `new SecurityContext(fields)`: restore a context kept elsewhere.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct SecurityContextFields {
    /// The SCT.
    #[napi(ts_type = "SecurityContextToken")]
    pub sct: f64,
    /// The context key (at least 16 bytes).
    #[napi(ts_type = "Buffer | Uint8Array")]
    pub secret: Buffer,
    /// The WS-Trust version it was obtained with (default: the one of the SCT's version).
    #[napi(ts_type = "TrustVersion | string")]
    pub trust_version: Option<String>,
    /// When it was created.
    #[napi(ts_type = "Date | number | string | null")]
    pub created: Option<f64>,
    /// When it expires.
    #[napi(ts_type = "Date | number | string | null")]
    pub expires: Option<f64>,
    /// wst:RequestedAttachedReference ("#id" or an Identifier).
    #[napi(ts_type = "string | null")]
    pub attached_reference: Option<String>,
    /// wst:RequestedUnattachedReference.
    #[napi(ts_type = "string | null")]
    pub unattached_reference: Option<String>,
}

fn str_ref_arg(
    what: &str,
    v: Option<Unknown<'_>>,
    sc: wssx::ScVersion,
) -> Result<Option<wssx::SecurityTokenReference>> {
    Ok(opt_string(what, v)?.map(|s| match s.strip_prefix('#') {
        Some(id) => {
            let mut r = wssx::SecurityTokenReference::to_id(id, Some(sc.sct_token_type()));
            r.sc_version = Some(sc);
            r
        }
        None => wssx::SecurityTokenReference::to_identifier(sc, &s, None),
    }))
}

fn str_ref_js(r: &Option<wssx::SecurityTokenReference>) -> Option<String> {
    r.as_ref().map(|r| match &r.reference {
        Some(x) => x.uri.clone(),
        None => r.to_xml(),
    })
}

#[napi]
impl SecurityContext {
    /// Restore a context (its SCT and key kept elsewhere, e.g. across restarts). Contexts
    /// normally come from `pending.finish()` or `SecurityContext.create`.
    #[napi(constructor)]
    pub fn new(#[napi(ts_arg_type = "SecurityContextFields")] fields: Unknown<'_>) -> Result<Self> {
        let what = "fields";
        let o = options(what, Some(fields))?
            .ok_or_else(|| arg_err(what, "expected the context's fields"))?;
        known_keys(
            &o,
            what,
            &[
                "sct",
                "secret",
                "trustVersion",
                "created",
                "expires",
                "attachedReference",
                "unattachedReference",
            ],
        )?;
        let sct =
            member(&o, what, "sct")?.ok_or_else(|| arg_err(what, "the context needs its sct"))?;
        let sct = with_class(&sct, |t: &SecurityContextToken| t.inner.clone())
            .ok_or_else(|| arg_err("fields.sct", "expected a SecurityContextToken"))?;
        let secret = member(&o, what, "secret")?
            .ok_or_else(|| arg_err(what, "the context needs its secret"))?;
        let secret = Secret::new(bytes("fields.secret", secret)?);
        if secret.len() < 16 {
            return Err(arg_err(
                "fields.secret",
                format!(
                    "a {}-byte context key is too short (at least 16)",
                    secret.len()
                ),
            ));
        }
        let trust = trust_version_or(
            "fields.trustVersion",
            member(&o, what, "trustVersion")?,
            sct.version.trust(),
        )?;
        let when = |k: &str| -> Result<Option<Instant>> {
            member(&o, what, k)?
                .map(|v| instant(&format!("fields.{k}"), v))
                .transpose()
        };
        let sc = sct.version;
        Ok(SecurityContext::wrap(CoreContext {
            created: when("created")?,
            expires: when("expires")?,
            attached_reference: str_ref_arg(
                "fields.attachedReference",
                member(&o, what, "attachedReference")?,
                sc,
            )?,
            unattached_reference: str_ref_arg(
                "fields.unattachedReference",
                member(&o, what, "unattachedReference")?,
                sc,
            )?,
            sct,
            secret,
            trust_version: trust,
            cancelled: false,
        }))
    }

    /// A new context created locally (the initiator of a direct key transfer): a fresh SCT
    /// (with a wsu:Id) and a random key of `keyBits` bits (default 256), valid for
    /// `lifetime` seconds (default 3600), in `trustVersion` (default "1.3"). Takes
    /// `{trustVersion, keyBits, lifetime}`, or the same positionally
    /// (`create(trustVersion, keyBits, lifetimeSeconds)`).
    #[napi(factory)]
    pub fn create(
        #[napi(ts_arg_type = "CreateContextOptions | TrustVersion | string")] trust_version: Option<
            Unknown<'_>,
        >,
        #[napi(ts_arg_type = "number")] key_bits: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "number")] lifetime_seconds: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let (trust_version, key_bits, lifetime_seconds, names) =
            match present("opts", trust_version)? {
                Some(v) if value_type("opts", &v)? == ValueType::Object => {
                    if present("keyBits", key_bits)?.is_some()
                        || present("lifetimeSeconds", lifetime_seconds)?.is_some()
                    {
                        return Err(arg_err(
                            "opts",
                            "with an options object, give keyBits and lifetime in it",
                        ));
                    }
                    let o = options("opts", Some(v))?
                        .ok_or_else(|| arg_err("opts", "expected an options object"))?;
                    known_keys(&o, "opts", &["trustVersion", "keyBits", "lifetime"])?;
                    (
                        member(&o, "opts", "trustVersion")?,
                        member(&o, "opts", "keyBits")?,
                        member(&o, "opts", "lifetime")?,
                        ["opts.trustVersion", "opts.keyBits", "opts.lifetime"],
                    )
                }
                v => (
                    v,
                    key_bits,
                    lifetime_seconds,
                    ["trustVersion", "keyBits", "lifetimeSeconds"],
                ),
            };
        let v = trust_version_or(names[0], trust_version, Tv::V1_3)?;
        let bits = present(names[1], key_bits)?
            .map(|b| u32_of(names[1], b))
            .transpose()?
            .unwrap_or(256);
        if bits < 128 || bits % 8 != 0 || bits > 8192 {
            return Err(arg_err(
                names[1],
                format!("{bits} is not a key size (a multiple of 8, 128..=8192)"),
            ));
        }
        let life = present(names[2], lifetime_seconds)?
            .map(|l| seconds(names[2], l))
            .transpose()?
            .unwrap_or(std::time::Duration::from_secs(3600));
        Ok(SecurityContext::wrap(core(CoreContext::create(
            v, bits, life,
        ))?))
    }

    /// Direct key transfer (WS-SC 3): an unsolicited RSTR (XML, in this context's trust
    /// version) carrying the SCT and its key encrypted for `certificate` (PEM or DER; RSA-OAEP),
    /// to send in a message body or a wst:IssuedTokens header of a message signed with
    /// this context. The recipient accepts it with `TokenService.acceptUnsolicited`.
    #[napi]
    pub fn propagate(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] certificate: Unknown<'_>,
    ) -> Result<Buffer> {
        let b = x509_bytes("certificate", certificate)?;
        let cert = wssx::binding::identity::certificate(&b).map_err(x509_err("certificate"))?;
        let c = self.get();
        if c.cancelled {
            return Err(core_err(Error::new(
                ErrorKind::BadContextToken,
                "the context was cancelled",
            )));
        }
        let rstr = core(c.propagate(&cert))?;
        Ok(rstr.to_xml(c.trust_version).into_bytes().into())
    }

    /// The SecurityContextToken (a copy): Identifier, Instance, wsu:Id as issued.
    #[napi(getter)]
    pub fn sct(&self) -> SecurityContextToken {
        SecurityContextToken {
            inner: self.get().sct,
        }
    }

    /// wsc:Identifier of the context.
    #[napi(getter)]
    pub fn identifier(&self) -> String {
        self.get().sct.identifier
    }

    /// wsc:Instance of the current key; null when the SCT has none.
    #[napi(getter)]
    pub fn instance(&self) -> Option<String> {
        self.get().sct.instance
    }

    /// The context key (the proof key).
    #[napi(getter)]
    pub fn secret(&self) -> Buffer {
        self.get().secret.expose().to_vec().into()
    }

    /// wst:Lifetime Created, if the issuer said; null otherwise.
    #[napi(getter, ts_return_type = "Date | null")]
    pub fn created(&self) -> Option<JsDate> {
        self.get().created.map(|c| JsDate(c.millis()))
    }

    /// wst:Lifetime Expires, if the issuer said; null otherwise.
    #[napi(getter, ts_return_type = "Date | null")]
    pub fn expires(&self) -> Option<JsDate> {
        self.get().expires.map(|c| JsDate(c.millis()))
    }

    /// The WS-Trust version the context was obtained with.
    #[napi(getter)]
    pub fn trust_version(&self) -> TrustVersion {
        self.get().trust_version.into()
    }

    /// True once a cancel of this context completed: it must not be used again.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.get().cancelled
    }

    /// The URI of the issuer's wst:RequestedAttachedReference ("#id"); null when absent.
    #[napi(getter)]
    pub fn attached_reference(&self) -> Option<String> {
        str_ref_js(&self.get().attached_reference)
    }

    /// The URI of the issuer's wst:RequestedUnattachedReference (the Identifier); null when
    /// absent.
    #[napi(getter)]
    pub fn unattached_reference(&self) -> Option<String> {
        str_ref_js(&self.get().unattached_reference)
    }

    /// Sign a SOAP envelope with this context (as `sign(envelope, ctx.sct, ctx.secret,
    /// opts)`). A cancelled context throws "BadContextToken".
    #[napi]
    pub fn sign(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
        #[napi(ts_arg_type = "ProtectOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        self.protect(envelope, opts, Protection::Sign)
    }

    /// Encrypt a SOAP envelope with this context (as `encrypt`).
    #[napi]
    pub fn encrypt(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
        #[napi(ts_arg_type = "ProtectOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        self.protect(envelope, opts, Protection::Encrypt)
    }

    /// Sign and encrypt a SOAP envelope with this context (as `signAndEncrypt`).
    #[napi]
    pub fn sign_and_encrypt(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
        #[napi(
            ts_arg_type = "ProtectOptions & { order?: 'sign-then-encrypt' | 'encrypt-then-sign' }"
        )]
        opts: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        self.protect(envelope, opts, Protection::SignAndEncrypt)
    }

    /// Verify a message protected with this context (a reply from the service it was
    /// obtained from), under `opts` as `verify` takes them: only this context's key
    /// (and, when the message names one, its wsc:Instance) is known. Errors as `verify`;
    /// a cancelled context throws "BadContextToken".
    #[napi]
    pub fn verify(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
        #[napi(ts_arg_type = "VerifyOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<VerifyReport> {
        let envelope = xml_input("envelope", envelope)?;
        let opts = verify_options_from(wssx::message::VerifyOptions::default(), opts)?;
        let key = core(self.get().key())?;
        let lookup = move |id: &wssx::message::ContextId| -> wssx::Result<Option<Secret>> {
            let instance_ok = id.instance.is_none() || id.instance == key.sct.instance;
            Ok((id.identifier == key.sct.identifier && instance_ok).then(|| key.secret.clone()))
        };
        Ok(VerifyReport {
            inner: core(message::verify(&envelope, &lookup, &opts))?,
        })
    }

    /// True when less than `marginSeconds` of the lifetime is left at `now` (default: the
    /// clock): a long-running client renews then, instead of after a RenewNeeded fault.
    /// False when the issuer gave no expiry.
    #[napi]
    pub fn should_renew(
        &self,
        #[napi(ts_arg_type = "number")] margin_seconds: Unknown<'_>,
        #[napi(ts_arg_type = "Date | number")] now: Option<Unknown<'_>>,
    ) -> Result<bool> {
        let margin = seconds("marginSeconds", margin_seconds)?;
        Ok(self.get().should_renew(now_arg("now", now)?, margin))
    }

    /// True when the context has expired at `now` (default: the clock), allowing
    /// `skewSeconds` (default 0). False when the issuer gave no expiry.
    #[napi]
    pub fn is_expired(
        &self,
        #[napi(ts_arg_type = "number")] skew_seconds: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "Date | number")] now: Option<Unknown<'_>>,
    ) -> Result<bool> {
        let skew = present("skewSeconds", skew_seconds)?
            .map(|s| seconds("skewSeconds", s))
            .transpose()?
            .unwrap_or_default();
        Ok(self.get().is_expired(now_arg("now", now)?, skew))
    }

    /// A JSON description without the key: identifier, instance, trustVersion, created,
    /// expires (xsd:dateTime), cancelled.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        let c = self.get();
        JsonValue(
            Json::object()
                .with("type", "SecurityContext")
                .with("identifier", c.sct.identifier.as_str())
                .with("instance", c.sct.instance.as_deref())
                .with("trustVersion", c.trust_version.short_name())
                .with("created", c.created.map(|t| t.to_xsd()))
                .with("expires", c.expires.map(|t| t.to_xsd()))
                .with("cancelled", c.cancelled),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Requestor
// ---------------------------------------------------------------------------------------

/// Configuration of a Requestor (core's RequestorConfig; durations in seconds).
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct RequestorConfig {
    /// The token service's address (wsa:To). Required.
    pub to: String,
    /// WS-Trust version: "2005/02" (wsHttpBinding, ADFS) or "1.3" (default).
    #[napi(ts_type = "TrustVersion | string")]
    pub trust_version: Option<String>,
    /// SOAP version (default "1.2").
    #[napi(ts_type = "'1.1' | '1.2'")]
    pub soap_version: Option<String>,
    /// WS-Addressing version, or null for none (default: "2004/08" with Feb 2005, else
    /// "2005/08", as WCF pairs them).
    #[napi(ts_type = "'2005/08' | '2004/08' | null")]
    pub addressing: Option<String>,
    /// Requested key size in bits (default 256).
    pub key_size: Option<f64>,
    /// "combined" (default, WCF's: send entropy, expect a CK/PSHA1 computed key) or "none"
    /// (the issuer chooses the key).
    #[napi(ts_type = "'combined' | 'none'")]
    pub entropy: Option<String>,
    /// Requested lifetime in seconds (default: the service's policy).
    #[napi(ts_type = "number | null")]
    pub lifetime: Option<f64>,
    /// wsp:AppliesTo address.
    #[napi(ts_type = "string | null")]
    pub applies_to: Option<String>,
    /// How renew, amend and cancel requests are signed with the context key (as `sign`).
    pub protect: Option<ProtectOptions>,
    /// Re-key a context this long after it was issued (default 54000 s = 15 h, WCF's).
    pub key_renewal_interval: Option<f64>,
    /// Renew this long before a context expires (default 300 s, WCF's key rollover).
    pub key_rollover: Option<f64>,
    /// The token service's X.509 certificate (PEM or DER bytes, or PEM text; e.g. the
    /// `certificate` of a "keyExchangeToken" outcome): requestor entropy then travels
    /// encrypted for it (xenc:EncryptedKey, RSA-OAEP), as in WS-SC Appendix A.1.
    #[napi(ts_type = "Buffer | Uint8Array | string | null")]
    pub service_certificate: Option<Buffer>,
}

/// Options of `requestor.renew`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct RenewOptions {
    /// Send new requestor entropy (default true: the new key is then computed from both
    /// sides' entropy). Without it the service chooses the new key alone (core's service
    /// re-keys on every renewal). The new key is never protected with the old one; the
    /// renewed context has a new wsc:Instance.
    pub new_key: Option<bool>,
    /// Re-prove the original claims (e.g. add your own signature) on the request envelope
    /// before it is signed with the context key; called synchronously during `renew`.
    #[napi(ts_type = "(envelope: Buffer) => Buffer | Uint8Array | string")]
    pub reproof: Option<f64>,
}

/// Options of `requestor.amend`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct AmendOptions {
    /// Add the additional tokens (and their signatures) to the request envelope before it
    /// is signed with the context key; called synchronously during `amend`.
    #[napi(ts_type = "(envelope: Buffer) => Buffer | Uint8Array | string")]
    pub add_claims: Option<f64>,
}

fn config_arg(what: &str, v: Unknown<'_>) -> Result<CoreConfig> {
    let o =
        options(what, Some(v))?.ok_or_else(|| arg_err(what, "expected a configuration object"))?;
    known_keys(
        &o,
        what,
        &[
            "to",
            "trustVersion",
            "soapVersion",
            "addressing",
            "keySize",
            "entropy",
            "lifetime",
            "appliesTo",
            "protect",
            "keyRenewalInterval",
            "keyRollover",
            "serviceCertificate",
        ],
    )?;
    let p = |k: &str| format!("{what}.{k}");
    let to = member(&o, what, "to")?
        .ok_or_else(|| arg_err(&p("to"), "the token service's address is required"))?;
    let to = string(&p("to"), to)?;
    let version = trust_version_or(
        &p("trustVersion"),
        member(&o, what, "trustVersion")?,
        Tv::V1_3,
    )?;
    let mut c = CoreConfig::new(version, to);
    if let Some(v) = member(&o, what, "soapVersion")? {
        c.soap_version = soap_version(&p("soapVersion"), v)?;
    }
    if let Some(a) = nullable_member(&o, what, "addressing")? {
        c.addressing = a.map(|a| wsa_version(&p("addressing"), a)).transpose()?;
    }
    if let Some(v) = member(&o, what, "keySize")? {
        let bits = u32_of(&p("keySize"), v)?;
        if bits < 128 || bits % 8 != 0 {
            return Err(arg_err(
                &p("keySize"),
                format!("{bits} is not a key size (a multiple of 8, at least 128)"),
            ));
        }
        c.key_size = bits;
    }
    if let Some(v) = member(&o, what, "entropy")? {
        c.entropy = match string(&p("entropy"), v)?.as_str() {
            "combined" => EntropyMode::Combined,
            "none" => EntropyMode::None,
            other => {
                return Err(arg_err(
                    &p("entropy"),
                    format!("expected 'combined' or 'none', got '{other}'"),
                ))
            }
        };
    }
    if let Some(v) = member(&o, what, "lifetime")? {
        c.lifetime = Some(seconds(&p("lifetime"), v)?);
    }
    c.applies_to = opt_string(&p("appliesTo"), member(&o, what, "appliesTo")?)?;
    if let Some(v) = member(&o, what, "protect")? {
        c.protect = protect_options(&p("protect"), Some(v), false)?;
    }
    if let Some(v) = member(&o, what, "keyRenewalInterval")? {
        c.key_renewal_interval = seconds(&p("keyRenewalInterval"), v)?;
    }
    if let Some(v) = member(&o, what, "keyRollover")? {
        c.key_rollover = seconds(&p("keyRollover"), v)?;
    }
    if let Some(v) = member(&o, what, "serviceCertificate")? {
        let path = p("serviceCertificate");
        let b = x509_bytes(&path, v)?;
        c.service_certificate =
            Some(wssx::binding::identity::certificate(&b).map_err(x509_err(&path))?);
    }
    Ok(c)
}

fn outgoing(o: wssx::binding::OutgoingRequest) -> OutgoingRequest {
    OutgoingRequest {
        envelope: o.envelope.into_bytes().into(),
        action: o.action,
        content_type: o.content_type,
        soap_action: o.soap_action,
    }
}

/// An envelope-rewriting callback (re-proof, additional claims, challenge signature) as
/// core's `Fn(String) -> Result<String>`: the JS function gets the envelope as a Buffer and
/// returns the new one (Buffer, Uint8Array or string).
struct Rewrite<'c> {
    calls: &'c JsCalls,
    f: sys::napi_value,
    what: &'static str,
}

impl Rewrite<'_> {
    fn run(&self, envelope: String) -> wssx::Result<String> {
        let calls = self.calls;
        let arg = calls.value(Buffer::from(envelope.into_bytes()), self.what)?;
        let undefined = calls.undefined()?;
        let out = calls.call(undefined, self.f, &[arg], self.what)?;
        let what = format!("the result of {}", self.what);
        let b = calls.take(self.what, xml_input(&what, calls.unknown(out)))?;
        String::from_utf8(b)
            .map_err(|_| calls.misuse(self.what, arg_err(&what, "the envelope is not UTF-8")))
    }
}

fn function_arg(what: &str, v: Option<Unknown<'_>>) -> Result<Option<sys::napi_value>> {
    let Some(v) = present(what, v)? else {
        return Ok(None);
    };
    if value_type(what, &v)? != ValueType::Function {
        return Err(arg_err(what, "expected a function"));
    }
    Ok(Some(v.value().value))
}

/// The requestor (client) side of the WS-SecureConversation bindings of WS-Trust. Each
/// operation returns `{request, pending}`: send `request.envelope` to the token service and
/// give the response bytes to `pending.finish()`.
#[napi]
pub struct Requestor {
    inner: CoreRequestor,
}

fn exchange(
    r: wssx::Result<(wssx::binding::OutgoingRequest, CorePending)>,
    op: Op,
    base: Option<&SecurityContext>,
) -> Result<Exchange> {
    let (req, p) = core(r)?;
    Ok(Exchange {
        request: outgoing(req),
        pending: Pending {
            inner: Some(p),
            op,
            base: base.map(|b| b.inner.clone()),
        },
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Issue,
    Renew,
    Amend,
    Cancel,
    Validate,
    Challenge,
    KeyExchangeToken,
}

#[napi]
impl Requestor {
    /// A requestor for the token service at `config.to`.
    #[napi(constructor)]
    pub fn new(#[napi(ts_arg_type = "RequestorConfig")] config: Unknown<'_>) -> Result<Self> {
        Ok(Requestor {
            inner: CoreRequestor::new(config_arg("config", config)?),
        })
    }

    /// The same requestor speaking WS-Trust February 2005 (WS-Addressing 2004/08), for
    /// services such as ADFS and WCF wsHttpBinding that answer 1.3 requests with a fault.
    #[napi]
    pub fn fallback_feb2005(&self) -> Requestor {
        Requestor {
            inner: self.inner.fallback_feb2005(),
        }
    }

    /// The WS-Trust version requests are written in.
    #[napi(getter)]
    pub fn trust_version(&self) -> TrustVersion {
        self.inner.config.trust_version.into()
    }

    /// The SOAP version of the envelopes.
    #[napi(getter, ts_return_type = "'1.1' | '1.2'")]
    pub fn soap_version(&self) -> &'static str {
        soap_name(self.inner.config.soap_version)
    }

    /// The WS-Addressing version of the headers; null for none.
    #[napi(getter, ts_return_type = "'2005/08' | '2004/08' | null")]
    pub fn addressing(&self) -> Option<&'static str> {
        self.inner.config.addressing.map(WsaVersion::short_name)
    }

    /// The token service's address.
    #[napi(getter)]
    pub fn to(&self) -> String {
        self.inner.config.to.clone()
    }

    /// Start obtaining a new context (WS-SC 3.1: RST/SCT with the configured entropy, key
    /// size, lifetime and AppliesTo).
    #[napi]
    pub fn issue(&self) -> Result<Exchange> {
        exchange(self.inner.issue(), Op::Issue, None)
    }

    /// Renew `ctx` (WS-SC 5): the request is signed with the context key (proof of
    /// possession). The Outcome's context is a new object with a new wsc:Instance and, with
    /// `newKey` (default), a new key; `ctx` stays usable during the service's rollover
    /// window. A `reproof` exception is re-thrown unchanged.
    #[napi]
    pub fn renew(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "SecurityContext")] ctx: Unknown<'_>,
        #[napi(ts_arg_type = "RenewOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Exchange> {
        let ctx = context_arg("ctx", &ctx)?;
        let (mut new_key, mut reproof) = (true, None);
        if let Some(o) = options("opts", opts)? {
            known_keys(&o, "opts", &["newKey", "reproof"])?;
            if let Some(v) = member(&o, "opts", "newKey")? {
                new_key = boolean("opts.newKey", v)?;
            }
            reproof = function_arg("opts.reproof", member(&o, "opts", "reproof")?)?;
        }
        let base = ctx.get();
        let calls = JsCalls::new(env.raw());
        let r = match reproof {
            Some(f) => {
                let rw = Rewrite {
                    calls: &calls,
                    f,
                    what: "opts.reproof",
                };
                let cb = |e: String| rw.run(e);
                self.inner.renew(&base, new_key, Some(&cb))
            }
            None => self.inner.renew(&base, new_key, None),
        };
        calls.finish(exchange(r, Op::Renew, Some(&ctx)))
    }

    /// Amend `ctx` (WS-SC 4): a request signed with the context key, carrying the tokens
    /// `opts.addClaims` adds; the key is unchanged.
    #[napi]
    pub fn amend(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "SecurityContext")] ctx: Unknown<'_>,
        #[napi(ts_arg_type = "AmendOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Exchange> {
        let ctx = context_arg("ctx", &ctx)?;
        let mut add = None;
        if let Some(o) = options("opts", opts)? {
            known_keys(&o, "opts", &["addClaims"])?;
            add = function_arg("opts.addClaims", member(&o, "opts", "addClaims")?)?;
        }
        let base = ctx.get();
        let calls = JsCalls::new(env.raw());
        let r = match add {
            Some(f) => {
                let rw = Rewrite {
                    calls: &calls,
                    f,
                    what: "opts.addClaims",
                };
                let cb = |e: String| rw.run(e);
                self.inner.amend(&base, Some(&cb))
            }
            None => self.inner.amend(&base, None),
        };
        calls.finish(exchange(r, Op::Amend, Some(&ctx)))
    }

    /// Cancel `ctx` (WS-SC 6): a request signed with the context key. Once the Outcome is
    /// "cancelled", `ctx` is marked cancelled and throws "BadContextToken" on use.
    #[napi]
    pub fn cancel(
        &self,
        #[napi(ts_arg_type = "SecurityContext")] ctx: Unknown<'_>,
    ) -> Result<Exchange> {
        let ctx = context_arg("ctx", &ctx)?;
        exchange(self.inner.cancel(&ctx.get()), Op::Cancel, Some(&ctx))
    }

    /// Ask the service whether `ctx` is still valid (WS-Trust 9): the Outcome is
    /// "validated" with `valid` and `reason`.
    #[napi]
    pub fn validate(
        &self,
        #[napi(ts_arg_type = "SecurityContext")] ctx: Unknown<'_>,
    ) -> Result<Exchange> {
        let ctx = context_arg("ctx", &ctx)?;
        exchange(self.inner.validate(&ctx.get()), Op::Validate, Some(&ctx))
    }

    /// Answer a service's challenge (WS-SC Appendix A.2 / B): an RSTR echoing the
    /// challenge, passed through `sign` (your own signature over it, called synchronously)
    /// before it is sent. Its pending Outcome is the issued context.
    #[napi]
    pub fn answer_challenge(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Challenge")] challenge: Unknown<'_>,
        #[napi(ts_arg_type = "(envelope: Buffer) => Buffer | Uint8Array | string")] sign: Option<
            Unknown<'_>,
        >,
    ) -> Result<Exchange> {
        let c = with_class(&challenge, |c: &Challenge| c.inner.clone())
            .ok_or_else(|| arg_err("challenge", "expected a Challenge (outcome.challenge)"))?;
        let sign = function_arg("sign", sign)?;
        let calls = JsCalls::new(env.raw());
        let r = match sign {
            Some(f) => {
                let rw = Rewrite {
                    calls: &calls,
                    f,
                    what: "sign",
                };
                let cb = |e: String| rw.run(e);
                self.inner.answer_challenge(c, Some(&cb))
            }
            None => self.inner.answer_challenge(c, None),
        };
        calls.finish(exchange(r, Op::Challenge, None))
    }

    /// Ask the service for its key exchange token (a RequestType KET request). The Outcome
    /// is "keyExchangeToken" with the service's `certificate` (DER): configure a Requestor
    /// with it as `serviceCertificate` to send entropy encrypted for the service.
    #[napi]
    pub fn key_exchange_token(&self) -> Result<Exchange> {
        exchange(self.inner.key_exchange_token(), Op::KeyExchangeToken, None)
    }

    /// Start obtaining a context through a binary negotiation (WS-Trust 8.4) driven by
    /// `handler` (its first `step(null)` produces the first blob). Send `request` and give
    /// the response to `negotiation.step()`. The handler is called synchronously, during
    /// this call and those `step` calls; an exception it throws is re-thrown unchanged.
    #[napi]
    pub fn negotiate(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "ExchangeHandler")] handler: Unknown<'_>,
    ) -> Result<NegotiationStart> {
        let raw = handler.value().value;
        let value_type = handler_arg("handler", handler, None)?;
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let hid = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let handlers = Rc::new(HandlerRefs::default());
        handlers
            .refs
            .borrow_mut()
            .insert(hid, make_ref(env, raw, "handler")?);
        let standin = Box::new(JsExchange {
            owner: id,
            handler: hid,
            value_type,
            dropped: handlers.dropped.clone(),
        });
        let r = with_handlers(env, id, &handlers, || core(self.inner.negotiate(standin)));
        match r {
            Ok((req, n)) => Ok(NegotiationStart {
                request: outgoing(req),
                negotiation: Negotiation {
                    inner: Some(n),
                    id,
                    handlers,
                },
            }),
            Err(e) => {
                handlers.release_all(env);
                Err(e)
            }
        }
    }

    /// True when a long-running client should renew `ctx` at `now` (default: the clock):
    /// the key renewal interval has passed since it was issued, or less than the key
    /// rollover margin of its lifetime is left.
    #[napi]
    pub fn needs_renewal(
        &self,
        #[napi(ts_arg_type = "SecurityContext")] ctx: Unknown<'_>,
        #[napi(ts_arg_type = "Date | number")] now: Option<Unknown<'_>>,
    ) -> Result<bool> {
        let ctx = context_arg("ctx", &ctx)?;
        Ok(self.inner.needs_renewal(&ctx.get(), now_arg("now", now)?))
    }
}

// ---------------------------------------------------------------------------------------
// Pending, Challenge
// ---------------------------------------------------------------------------------------

/// A request that was sent and waits for its response. `finish` may be called once.
#[napi]
pub struct Pending {
    inner: Option<CorePending>,
    op: Op,
    base: Option<Arc<Mutex<CoreContext>>>,
}

#[napi]
impl Pending {
    /// Not for use: a Pending comes from a Requestor operation.
    #[napi(constructor, skip_typescript)]
    pub fn new() -> Result<Self> {
        Err(arg_err(
            "Pending",
            "no public constructor: a Pending comes from a Requestor operation",
        ))
    }

    /// The @Context the request carried (its response must echo it).
    #[napi(getter)]
    pub fn context_attribute(&self) -> Option<String> {
        self.inner
            .as_ref()
            .map(|p| p.context_attribute().to_string())
    }

    /// True once `finish` was called.
    #[napi(getter)]
    pub fn finished(&self) -> bool {
        self.inner.is_none()
    }

    /// Process the response envelope (bytes or string). A SOAP fault throws its typed
    /// error (e.g. "BadContextToken", "InvalidRequest", "FailedAuthentication"); a response
    /// that does not fit the request (another @Context, a computed key without issuer
    /// entropy, a wrong key size, a re-key without a new Instance, ...) throws
    /// "InvalidRequest" / "UnableToRenew".
    #[napi]
    pub fn finish(
        &mut self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] response: Unknown<'_>,
    ) -> Result<Outcome> {
        let response = xml_input("response", response)?;
        let p = self
            .inner
            .take()
            .ok_or_else(|| arg_err("pending", "finish() was already called"))?;
        let base = || self.base.clone().map(|inner| SecurityContext { inner });
        let out = |kind: &str, context: Option<SecurityContext>| Outcome {
            kind: kind.to_string(),
            context,
            valid: None,
            reason: None,
            challenge: None,
            certificate: None,
        };
        Ok(match core(p.finish(&response))? {
            CoreOutcome::Issued(c) => out("issued", Some(SecurityContext::wrap(c))),
            CoreOutcome::Renewed(c) => out("renewed", Some(SecurityContext::wrap(c))),
            CoreOutcome::Amended(c) => {
                // Same key, possibly an updated SCT: the caller's context object follows.
                if let Some(b) = &self.base {
                    if let Ok(mut g) = b.lock() {
                        g.sct = c.sct.clone();
                    }
                }
                out(
                    "amended",
                    Some(base().unwrap_or_else(|| SecurityContext::wrap(c))),
                )
            }
            CoreOutcome::Cancelled => {
                let ctx = base();
                if let Some(c) = &ctx {
                    c.set_cancelled();
                }
                out("cancelled", ctx)
            }
            CoreOutcome::Validated { valid, reason } => {
                let mut o = out("validated", base());
                o.valid = Some(valid);
                o.reason = reason;
                o
            }
            CoreOutcome::Challenge(c) => {
                let mut o = out("challenge", None);
                o.challenge = Some(Challenge { inner: c });
                o
            }
            CoreOutcome::KeyExchangeToken(cert) => {
                let mut o = out("keyExchangeToken", None);
                o.certificate = Some(core(wssx::binding::identity::certificate_der(&cert))?.into());
                o
            }
        })
    }

    /// The operation this pending request belongs to.
    #[napi(
        getter,
        ts_return_type = "'issue' | 'renew' | 'amend' | 'cancel' | 'validate' | 'challenge' | 'keyExchangeToken'"
    )]
    pub fn operation(&self) -> &'static str {
        match self.op {
            Op::Issue => "issue",
            Op::Renew => "renew",
            Op::Amend => "amend",
            Op::Cancel => "cancel",
            Op::Validate => "validate",
            Op::Challenge => "challenge",
            Op::KeyExchangeToken => "keyExchangeToken",
        }
    }
}

/// A challenge from the token service (wst:SignChallenge): answer it with
/// `requestor.answerChallenge(challenge, sign)`.
#[napi]
pub struct Challenge {
    inner: wssx::binding::Challenge,
}

#[napi]
impl Challenge {
    /// Not for use: a Challenge comes from an Outcome.
    #[napi(constructor, skip_typescript)]
    pub fn new() -> Result<Self> {
        Err(arg_err(
            "Challenge",
            "no public constructor: a Challenge comes from an Outcome",
        ))
    }

    /// The wst:Challenge text (echoed exactly in the answer).
    #[napi(getter)]
    pub fn text(&self) -> String {
        self.inner.challenge.clone()
    }
}

// ---------------------------------------------------------------------------------------
// MemoryStore
// ---------------------------------------------------------------------------------------

/// Options of `new MemoryStore(maxContexts, opts)`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct MemoryStoreOptions {
    /// How long a previous key instance stays usable after a renewal (default 300 s).
    pub rollover: Option<f64>,
}

/// Core's in-memory context store: safe under concurrent use (a service over it can run
/// `handleAsync` on the thread pool), expires entries by lifetime, keeps the previous key
/// instance for a rollover window after a renewal, bounds its size. Its methods have the
/// same shapes as a JS-backed store's.
#[napi]
pub struct MemoryStore {
    inner: Arc<CoreMemoryStore>,
}

fn lookup_js(l: Lookup) -> Option<Either<StoredContext, &'static str>> {
    match l {
        Lookup::Found(c) => Some(Either::A(stored_js(&c))),
        Lookup::Cancelled => Some(Either::B("cancelled")),
        Lookup::Unknown => None,
    }
}

#[napi]
impl MemoryStore {
    /// A store for at most `maxContexts` contexts (default 100000).
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "number")] max_contexts: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "MemoryStoreOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let max = present("maxContexts", max_contexts)?
            .map(|m| usize_of("maxContexts", m))
            .transpose()?
            .unwrap_or(100_000);
        let mut store = CoreMemoryStore::new(max);
        if let Some(o) = options("opts", opts)? {
            known_keys(&o, "opts", &["rollover"])?;
            if let Some(r) = member(&o, "opts", "rollover")? {
                store = store.with_rollover(seconds("opts.rollover", r)?);
            }
        }
        Ok(MemoryStore {
            inner: Arc::new(store),
        })
    }

    /// How many contexts are stored (cancelled ones included until purged).
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len().min(u32::MAX as usize) as u32
    }

    /// The key instance named `instance` (null or absent names the instance issued without
    /// a wsc:Instance) while current or within the rollover window, else for null the
    /// current one; "cancelled" once the context was cancelled; null when unknown.
    #[napi(ts_return_type = "StoredContext | 'cancelled' | null")]
    pub fn get(
        &self,
        #[napi(ts_arg_type = "string")] identifier: Unknown<'_>,
        #[napi(ts_arg_type = "string | null")] instance: Option<Unknown<'_>>,
    ) -> Result<Option<Either<StoredContext, &'static str>>> {
        let id = string("identifier", identifier)?;
        let instance = opt_string("instance", instance)?;
        Ok(lookup_js(core(self.inner.get(&id, instance.as_deref()))?))
    }

    /// Store a new context, or a new key instance of an existing one ("BadContextToken"
    /// when it was cancelled, "RequestFailed" when the store is full).
    #[napi]
    pub fn insert(
        &self,
        #[napi(ts_arg_type = "StoredContext | StoredContextInit")] ctx: Unknown<'_>,
    ) -> Result<()> {
        core(self.inner.insert(stored_arg("ctx", ctx)?))
    }

    /// Replace the stored instance named `ctx.instance` of a context ("BadContextToken" when
    /// the context or instance is unknown, or the context cancelled).
    #[napi]
    pub fn update(
        &self,
        #[napi(ts_arg_type = "StoredContext | StoredContextInit")] ctx: Unknown<'_>,
    ) -> Result<()> {
        core(self.inner.update(stored_arg("ctx", ctx)?))
    }

    /// Cancel a context: every later lookup answers "cancelled" and its key is dropped.
    /// False when the context was unknown.
    #[napi]
    pub fn cancel(&self, #[napi(ts_arg_type = "string")] identifier: Unknown<'_>) -> Result<bool> {
        core(self.inner.cancel(&string("identifier", identifier)?))
    }

    /// Drop what expired before `now` (default: the clock); returns how many went.
    #[napi]
    pub fn purge(
        &self,
        #[napi(ts_arg_type = "Date | number")] now: Option<Unknown<'_>>,
    ) -> Result<u32> {
        Ok(self
            .inner
            .purge(now_arg("now", now)?)
            .min(u32::MAX as usize) as u32)
    }
}

// ---------------------------------------------------------------------------------------
// JS hooks of a token service
// ---------------------------------------------------------------------------------------

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The JS values of one TokenService call (see the module documentation).
struct Frame {
    id: u64,
    calls: Rc<JsCalls>,
    store: Option<sys::napi_value>,
    authorize: Option<sys::napi_value>,
    /// The `negotiator` function of a service.
    negotiator: Option<sys::napi_value>,
    /// The JS exchange handlers of this service / negotiation, by handler id.
    handlers: Option<Rc<HandlerRefs>>,
}

thread_local! {
    static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

/// Pops the frame it pushed.
struct FrameGuard;

impl Drop for FrameGuard {
    fn drop(&mut self) {
        FRAMES.with(|f| f.borrow_mut().pop());
    }
}

fn push_frame(frame: Frame) -> FrameGuard {
    FRAMES.with(|f| f.borrow_mut().push(frame));
    FrameGuard
}

/// The current frame of service `id` on this thread: its calls and the hook asked for.
fn frame_of(
    id: u64,
    doing: &str,
    hook: fn(&Frame) -> Option<sys::napi_value>,
) -> wssx::Result<(Rc<JsCalls>, sys::napi_value)> {
    let found = FRAMES.with(|f| {
        f.borrow()
            .iter()
            .rev()
            .find(|fr| fr.id == id)
            .map(|fr| (fr.calls.clone(), hook(fr)))
    });
    match found {
        Some((calls, Some(v))) => {
            calls.live(doing)?;
            Ok((calls, v))
        }
        _ => Err(Error::at(
            ErrorKind::Callback,
            doing,
            "a JavaScript hook of a TokenService can only run during a call of that service on its JS thread",
        )),
    }
}

/// Core's ContextStore over the JS store of the current frame. Holds no JS value.
struct JsStore {
    id: u64,
}

impl JsStore {
    fn frame(&self, doing: &str) -> wssx::Result<(Rc<JsCalls>, sys::napi_value)> {
        frame_of(self.id, doing, |f| f.store)
    }

    fn stored_arg(
        &self,
        calls: &JsCalls,
        doing: &str,
        c: &CoreStored,
    ) -> wssx::Result<sys::napi_value> {
        calls.value(stored_js(c), doing)
    }
}

impl ContextStore for JsStore {
    fn get(&self, identifier: &str, instance: Option<&str>) -> wssx::Result<Lookup> {
        let doing = "store.get";
        let (calls, store) = self.frame(doing)?;
        let args = [calls.string(identifier)?, calls.opt_string(instance)?];
        let r = calls.call_method(store, "get", &args, doing)?;
        let v = calls.unknown(r);
        let what = format!("the result of store.get('{identifier}')");
        match calls.take(doing, value_type(&what, &v))? {
            ValueType::Undefined | ValueType::Null => Ok(Lookup::Unknown),
            ValueType::String => {
                let s = calls.take(doing, string(&what, v))?;
                if s == "cancelled" {
                    Ok(Lookup::Cancelled)
                } else {
                    Err(calls.misuse(
                        doing,
                        arg_err(
                            &what,
                            format!("expected a stored context, 'cancelled' or null, got '{s}'"),
                        ),
                    ))
                }
            }
            ValueType::Object => Ok(Lookup::Found(calls.take(doing, stored_arg(&what, v))?)),
            _ => Err(calls.misuse(
                doing,
                arg_err(&what, "expected a stored context, 'cancelled' or null"),
            )),
        }
    }

    fn insert(&self, ctx: CoreStored) -> wssx::Result<()> {
        let doing = "store.insert";
        let (calls, store) = self.frame(doing)?;
        let arg = self.stored_arg(&calls, doing, &ctx)?;
        calls.call_method(store, "insert", &[arg], doing).map(drop)
    }

    fn update(&self, ctx: CoreStored) -> wssx::Result<()> {
        let doing = "store.update";
        let (calls, store) = self.frame(doing)?;
        let arg = self.stored_arg(&calls, doing, &ctx)?;
        calls.call_method(store, "update", &[arg], doing).map(drop)
    }

    fn cancel(&self, identifier: &str) -> wssx::Result<bool> {
        let doing = "store.cancel";
        let (calls, store) = self.frame(doing)?;
        let arg = calls.string(identifier)?;
        let r = calls.call_method(store, "cancel", &[arg], doing)?;
        let v = calls.unknown(r);
        // `false` means unknown; anything else (true, undefined) that it was cancelled.
        match calls.take(doing, value_type(doing, &v))? {
            ValueType::Boolean => calls.take(doing, boolean(doing, v)),
            _ => Ok(true),
        }
    }

    fn purge(&self, now: Instant) -> usize {
        let doing = "store.purge";
        let Ok((calls, store)) = self.frame(doing) else {
            return 0;
        };
        let Ok(Some(f)) = calls.method(store, "purge", doing) else {
            return 0;
        };
        let Ok(arg) = calls.value(JsDate(now.millis()), doing) else {
            return 0;
        };
        let Ok(r) = calls.call(store, f, &[arg], doing) else {
            return 0;
        };
        let v = calls.unknown(r);
        match value_type(doing, &v) {
            Ok(ValueType::Number) => calls
                .take(doing, uint("the result of store.purge", v))
                .map(|n| n as usize)
                .unwrap_or(0),
            _ => 0,
        }
    }
}

/// Core's Authorizer over the authorize function of the current frame.
fn js_authorize(id: u64, req: &AuthRequest<'_>) -> wssx::Result<Option<String>> {
    let doing = "opts.authorize";
    let (calls, f) = frame_of(id, doing, |fr| fr.authorize)?;
    let arg = calls.value(
        AuthorizeRequest {
            operation: operation_name(req.operation).to_string(),
            envelope: req.envelope.to_vec().into(),
            context: req.context.map(stored_js),
        },
        doing,
    )?;
    let undefined = calls.undefined()?;
    let r = calls.call(undefined, f, &[arg], doing)?;
    let v = calls.unknown(r);
    let what = "the result of opts.authorize";
    match calls.take(doing, value_type(what, &v))? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::String => calls.take(doing, string(what, v)).map(Some),
        ValueType::Boolean => {
            if calls.take(doing, boolean(what, v))? {
                Ok(None)
            } else {
                Err(Error::new(
                    ErrorKind::FailedAuthentication,
                    format!("the {} request was refused", operation_name(req.operation)),
                ))
            }
        }
        _ => Err(calls.misuse(
            doing,
            arg_err(
                what,
                "expected a principal string, a boolean, null or undefined",
            ),
        )),
    }
}

/// The persistent references a service with JS hooks keeps to them.
struct Hooks {
    id: u64,
    store: Option<sys::napi_ref>,
    authorize: Option<sys::napi_ref>,
    negotiator: Option<sys::napi_ref>,
    handlers: Rc<HandlerRefs>,
}

fn make_ref(env: &Env, v: sys::napi_value, what: &str) -> Result<sys::napi_ref> {
    let mut r = std::ptr::null_mut();
    // SAFETY: env and v are live values of the current call.
    let status = unsafe { sys::napi_create_reference(env.raw(), v, 1, &mut r) };
    if status != sys::Status::napi_ok {
        return Err(napi_err(
            what,
            napi::Error::from_status(napi::Status::from(status)),
        ));
    }
    Ok(r)
}

fn ref_value(env: &Env, r: sys::napi_ref, what: &str) -> Result<sys::napi_value> {
    let mut v = std::ptr::null_mut();
    // SAFETY: env is live and `r` a reference this service created and still owns.
    let status = unsafe { sys::napi_get_reference_value(env.raw(), r, &mut v) };
    if status != sys::Status::napi_ok || v.is_null() {
        return Err(napi_err(
            what,
            napi::Error::from_status(napi::Status::from(status)),
        ));
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------
// TokenService
// ---------------------------------------------------------------------------------------

/// A token service: processes RST messages into RSTR / RSTRC messages or SOAP faults for
/// the SCT bindings (issue, amend, renew, cancel), validation and challenges, over a
/// context store. Holds core's `Arc<TokenService>`.
///
/// The store is a `MemoryStore` (thread-safe; the service may also run on the thread pool
/// with `handleAsync`) or a JS object implementing `ContextStoreHooks`, whose methods run
/// synchronously on the JS thread during `handle` (see ContextStoreHooks). An `authorize`
/// hook runs the same way. A service with JS hooks is used through `handle` on the thread
/// that created it; each worker thread creates its own service.
#[napi(custom_finalize)]
pub struct TokenService {
    inner: Arc<CoreService>,
    hooks: Option<Hooks>,
}

impl ObjectFinalize for TokenService {
    fn finalize(self, env: Env) -> napi::Result<()> {
        if let Some(h) = self.hooks {
            h.handlers.release_all(&env);
            for r in [h.store, h.authorize, h.negotiator].into_iter().flatten() {
                // SAFETY: the references were created by this service in this env and are
                // deleted once, here.
                unsafe { sys::napi_delete_reference(env.raw(), r) };
            }
        }
        Ok(())
    }
}

fn policy_arg(o: &Object<'_>, what: &str) -> Result<ServicePolicy> {
    let mut p = ServicePolicy::default();
    let path = |k: &str| format!("{what}.{k}");
    if let Some(v) = member(o, what, "contextLifetime")? {
        p.context_lifetime = seconds(&path("contextLifetime"), v)?;
    }
    if let Some(v) = member(o, what, "defaultKeySize")? {
        p.default_key_size = u32_of(&path("defaultKeySize"), v)?;
    }
    if let Some(v) = member(o, what, "keySizeRange")? {
        let r = array(&path("keySizeRange"), v)?;
        let [lo, hi] = <[Unknown<'_>; 2]>::try_from(r)
            .map_err(|_| arg_err(&path("keySizeRange"), "expected [min, max]"))?;
        p.key_size_range = (
            u32_of(&path("keySizeRange[0]"), lo)?,
            u32_of(&path("keySizeRange[1]"), hi)?,
        );
    }
    if let Some(v) = member(o, what, "acceptRequestorEntropy")? {
        p.accept_requestor_entropy = boolean(&path("acceptRequestorEntropy"), v)?;
    }
    if let Some(v) = member(o, what, "renewExpired")? {
        p.renew_expired = boolean(&path("renewExpired"), v)?;
    }
    if let Some(v) = member(o, what, "clockSkew")? {
        p.clock_skew = seconds(&path("clockSkew"), v)?;
    }
    if let Some(v) = member(o, what, "challenge")? {
        p.challenge = boolean(&path("challenge"), v)?;
    }
    if let Some(v) = member(o, what, "exchangeTimeout")? {
        p.exchange_timeout = seconds(&path("exchangeTimeout"), v)?;
    }
    if let Some(v) = member(o, what, "issuerEntropy")? {
        p.issuer_entropy = boolean(&path("issuerEntropy"), v)?;
    }
    if let Some(v) = member(o, what, "acceptUnsolicited")? {
        p.accept_unsolicited = boolean(&path("acceptUnsolicited"), v)?;
    }
    Ok(p)
}

/// Runs `handle` on the libuv thread pool (MemoryStore services without JS hooks).
pub struct HandleTask {
    service: Arc<CoreService>,
    request: Vec<u8>,
}

impl Task for HandleTask {
    type Output = CoreResponse;
    type JsValue = ServiceResponse;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.service.handle(&self.request))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(service_response(output))
    }
}

impl TokenService {
    /// Run `f` with this service's hooks in a frame (when it has any), then re-throw what a
    /// hook threw or report its misuse.
    fn with_hooks<T>(&self, env: &Env, f: impl FnOnce(&CoreService) -> Result<T>) -> Result<T> {
        let Some(h) = &self.hooks else {
            return f(&self.inner);
        };
        let calls = Rc::new(JsCalls::new(env.raw()));
        let store = h.store.map(|r| ref_value(env, r, "store")).transpose()?;
        let authorize = h
            .authorize
            .map(|r| ref_value(env, r, "authorize"))
            .transpose()?;
        let negotiator = h
            .negotiator
            .map(|r| ref_value(env, r, "negotiator"))
            .transpose()?;
        h.handlers.release_dropped(env);
        let guard = push_frame(Frame {
            id: h.id,
            calls: calls.clone(),
            store,
            authorize,
            negotiator,
            handlers: Some(h.handlers.clone()),
        });
        let r = f(&self.inner);
        drop(guard);
        calls.finish(r)
    }
}

#[napi]
impl TokenService {
    /// A token service over `store` (a MemoryStore, or a JS object implementing
    /// ContextStoreHooks) with the policy and `authorize` hook of `opts`.
    #[napi(constructor)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "MemoryStore | ContextStoreHooks")] store: Unknown<'_>,
        #[napi(ts_arg_type = "TokenServiceOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut policy = ServicePolicy::default();
        let mut authorize = None;
        let mut negotiator = None;
        let mut keys = None;
        if let Some(o) = options("opts", opts)? {
            known_keys(
                &o,
                "opts",
                &[
                    "contextLifetime",
                    "defaultKeySize",
                    "keySizeRange",
                    "acceptRequestorEntropy",
                    "renewExpired",
                    "clockSkew",
                    "challenge",
                    "exchangeTimeout",
                    "issuerEntropy",
                    "acceptUnsolicited",
                    "identity",
                    "authorize",
                    "negotiator",
                ],
            )?;
            policy = policy_arg(&o, "opts")?;
            keys = member(&o, "opts", "identity")?
                .map(|v| identity_arg("opts.identity", v))
                .transpose()?;
            authorize = function_arg("opts.authorize", member(&o, "opts", "authorize")?)?;
            negotiator = function_arg("opts.negotiator", member(&o, "opts", "negotiator")?)?;
        }
        let (core_store, js_store): (Arc<dyn ContextStore>, Option<sys::napi_value>) =
            match with_class(&store, |m: &MemoryStore| m.inner.clone()) {
                Some(m) => (m, None),
                None => {
                    let o = options("store", Some(store))
                        .map_err(|_| arg_err("store", "expected a MemoryStore or a store object"))?
                        .ok_or_else(|| {
                            arg_err("store", "expected a MemoryStore or a store object")
                        })?;
                    for m in ["get", "insert", "update", "cancel"] {
                        let f = member(&o, "store", m)?;
                        if !matches!(
                            f.map(|f| value_type("store", &f)).transpose()?,
                            Some(ValueType::Function)
                        ) {
                            return Err(arg_err(
                                &format!("store.{m}"),
                                "a store object needs a get, insert, update and cancel method",
                            ));
                        }
                    }
                    (Arc::new(JsStore { id }), Some(store.value().value))
                }
            };
        let mut service = CoreService::new(core_store, policy);
        if let Some(k) = keys {
            service = service.with_keys(k);
        }
        if authorize.is_some() {
            service = service
                .with_authorizer(Box::new(move |req: &AuthRequest<'_>| js_authorize(id, req)));
        }
        let handlers = Rc::new(HandlerRefs::default());
        if negotiator.is_some() {
            let dropped = handlers.dropped.clone();
            service =
                service.with_negotiation(Box::new(move |vt: &str| js_negotiator(id, &dropped, vt)));
        }
        let hooks = if js_store.is_some() || authorize.is_some() || negotiator.is_some() {
            Some(Hooks {
                id,
                store: js_store.map(|s| make_ref(env, s, "store")).transpose()?,
                authorize: authorize
                    .map(|a| make_ref(env, a, "opts.authorize"))
                    .transpose()?,
                negotiator: negotiator
                    .map(|a| make_ref(env, a, "opts.negotiator"))
                    .transpose()?,
                handlers,
            })
        } else {
            None
        };
        Ok(TokenService {
            inner: Arc::new(service),
            hooks,
        })
    }

    /// True when the service calls JavaScript (a JS store or an authorize hook): it must be
    /// used through `handle` on its own thread.
    #[napi(getter)]
    pub fn uses_javascript(&self) -> bool {
        self.hooks.is_some()
    }

    /// Process one request envelope (an RST, or an RSTR answering a challenge) into the
    /// response to send. Protocol errors become version-correct SOAP faults (`isFault`,
    /// HTTP 500), never exceptions. Exceptions: an exception a JS store method or the
    /// authorize hook throws is re-thrown unchanged; a hook answering with something
    /// unusable is "InvalidArgument"; a request that is not bytes or a string is
    /// "InvalidArgument".
    #[napi]
    pub fn handle(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] request: Unknown<'_>,
    ) -> Result<ServiceResponse> {
        let request = xml_input("request", request)?;
        self.with_hooks(env, |s| Ok(service_response(s.handle(&request))))
    }

    /// `handle` on the libuv thread pool, for services over a MemoryStore without an
    /// authorize hook ("InvalidArgument" otherwise: JS hooks run on the JS thread).
    #[napi(ts_return_type = "Promise<ServiceResponse>")]
    pub fn handle_async(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] request: Unknown<'_>,
    ) -> Result<AsyncTask<HandleTask>> {
        if self.hooks.is_some() {
            return Err(arg_err(
                "handleAsync",
                "this service calls JavaScript (a JS store or an authorize hook): use handle() on its thread",
            ));
        }
        let request = xml_input("request", request)?;
        Ok(AsyncTask::new(HandleTask {
            service: self.inner.clone(),
            request,
        }))
    }

    /// Verify an application message protected with a context this service issued (keys
    /// from the store), under `opts` as `verify` takes them (the clock skew defaults to the
    /// service policy's). Errors: "RenewNeeded" (the context expired), "BadContextToken"
    /// (cancelled or unknown), and those of `verify`.
    #[napi]
    pub fn verify_message(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
        #[napi(ts_arg_type = "VerifyOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<VerifyReport> {
        let envelope = xml_input("envelope", envelope)?;
        let base = wssx::message::VerifyOptions {
            clock_skew: self.inner.policy().clock_skew,
            ..Default::default()
        };
        let opts = verify_options_from(base, opts)?;
        self.with_hooks(env, |s| {
            Ok(VerifyReport {
                inner: core(s.verify_message_with(&envelope, opts))?,
            })
        })
    }

    /// Accept a context a peer created and propagated (direct key transfer,
    /// `SecurityContext.propagate`): an unsolicited RSTR carrying the SCT and its key (a
    /// BinarySecret proof token, or an EncryptedKey one for the service's `identity`), in
    /// the Body or a wst:IssuedTokens header, in a message signed with that context's key
    /// (unless `requireSignature` is false: `{requireSignature: false}`, or `false`). The
    /// policy must allow it (`acceptUnsolicited`). Returns the stored context.
    #[napi]
    pub fn accept_unsolicited(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
        #[napi(ts_arg_type = "AcceptUnsolicitedOptions | boolean")] opts: Option<Unknown<'_>>,
    ) -> Result<StoredContext> {
        let envelope = xml_input("envelope", envelope)?;
        let require = match present("opts", opts)? {
            Some(v) if value_type("opts", &v)? == ValueType::Boolean => {
                boolean("requireSignature", v)?
            }
            v => match options("opts", v)? {
                Some(o) => {
                    known_keys(&o, "opts", &["requireSignature"])?;
                    member(&o, "opts", "requireSignature")?
                        .map(|b| boolean("opts.requireSignature", b))
                        .transpose()?
                        .unwrap_or(true)
                }
                None => true,
            },
        };
        self.with_hooks(env, |s| {
            Ok(stored_js(&core(s.accept_unsolicited(&envelope, require))?))
        })
    }

    /// Drop what expired before `now` (default: the clock) from the store; returns how many
    /// entries went.
    #[napi]
    pub fn purge(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Date | number")] now: Option<Unknown<'_>>,
    ) -> Result<u32> {
        let now = now_arg("now", now)?;
        self.with_hooks(env, |s| {
            Ok(s.store().purge(now).min(u32::MAX as usize) as u32)
        })
    }
}

// ---------------------------------------------------------------------------------------
// Binary negotiation (WS-Trust 8.4)
// ---------------------------------------------------------------------------------------
//
// Core keeps the `Box<dyn ExchangeHandler>` of a negotiation between legs (in a requestor's
// Negotiation, or in the service's pending exchanges) and may drop it on any thread. The
// box is a stand-in (`JsExchange`) holding ids only: the JS handler object is held by a
// `napi_ref` in a registry (`HandlerRefs`) owned by the JS TokenService / Negotiation
// object, and looked up in the current frame during a `handle` / `negotiate` / `step` call
// on the JS thread. Outside such a call the stand-in gets no frame and core an error. A
// dropped stand-in queues its id; the reference is released at the owner's next call (or
// when the owner is finalized).

/// The JS exchange handlers an owner keeps between legs, by handler id.
#[derive(Default)]
struct HandlerRefs {
    refs: RefCell<HashMap<u64, sys::napi_ref>>,
    /// Ids whose stand-in core dropped (perhaps on another thread), not yet released.
    dropped: Arc<Mutex<Vec<u64>>>,
}

impl HandlerRefs {
    fn release_dropped(&self, env: &Env) {
        let ids = self
            .dropped
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or_default();
        for id in ids {
            if let Some(r) = self.refs.borrow_mut().remove(&id) {
                // SAFETY: a reference this registry created in this env, deleted once.
                unsafe { sys::napi_delete_reference(env.raw(), r) };
            }
        }
    }

    fn release_all(&self, env: &Env) {
        for (_, r) in self.refs.borrow_mut().drain() {
            // SAFETY: as in release_dropped.
            unsafe { sys::napi_delete_reference(env.raw(), r) };
        }
        if let Ok(mut d) = self.dropped.lock() {
            d.clear();
        }
    }
}

/// Run `f` (a core call that may step handlers of `handlers`) in a frame of owner `id`,
/// then re-throw what a handler threw or report its misuse.
fn with_handlers<T>(
    env: &Env,
    id: u64,
    handlers: &Rc<HandlerRefs>,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let calls = Rc::new(JsCalls::new(env.raw()));
    let guard = push_frame(Frame {
        id,
        calls: calls.clone(),
        store: None,
        authorize: None,
        negotiator: None,
        handlers: Some(handlers.clone()),
    });
    let r = f();
    drop(guard);
    handlers.release_dropped(env);
    calls.finish(r)
}

/// One side of a binary negotiation implemented in JavaScript (SPNEGO, TLS, a key
/// agreement, ...). `step` is called synchronously on the JS thread with the peer's blob
/// (null on the requestor's first step) and must answer synchronously with the blob to
/// send (`output`), whether this side is done (`complete`) and, once done, the negotiated
/// key (`key`: 16, 24 or 32 bytes). An exception it throws is re-thrown unchanged by the
/// call that stepped it (`Requestor.negotiate`, `Negotiation.step`, `TokenService.handle`).
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct ExchangeHandler {
    /// The wst:BinaryExchange ValueType URI (e.g.
    /// `http://schemas.xmlsoap.org/ws/2005/02/trust/spnego`). Optional for a handler a
    /// service's negotiator returns (default: the ValueType asked for).
    pub value_type: Option<String>,
    /// Process the peer's blob.
    #[napi(ts_type = "(incoming: Buffer | null) => ExchangeStepResult")]
    pub step: f64,
}

/// What one step of an ExchangeHandler produced.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct ExchangeStepResult {
    /// The blob to send to the peer, if any.
    #[napi(ts_type = "Buffer | Uint8Array | null")]
    pub output: Option<Buffer>,
    /// True when this side considers the negotiation complete (default false).
    pub complete: Option<bool>,
    /// The negotiated key (16, 24 or 32 bytes), once complete.
    #[napi(ts_type = "Buffer | Uint8Array | null")]
    pub key: Option<Buffer>,
}

/// The ValueType of the handler object `v` (checking its `step` method).
fn handler_arg(what: &str, v: Unknown<'_>, default_vt: Option<&str>) -> Result<String> {
    let expected = "expected an ExchangeHandler object { valueType, step }";
    if value_type(what, &v)? != ValueType::Object {
        return Err(arg_err(what, expected));
    }
    // SAFETY: env and value come from the live call and the value is an object.
    let o = Object::from_raw(v.value().env, v.value().value);
    let step = member(&o, what, "step")?;
    if !matches!(
        step.map(|f| value_type(what, &f)).transpose()?,
        Some(ValueType::Function)
    ) {
        return Err(arg_err(&format!("{what}.step"), "expected a function"));
    }
    match member(&o, what, "valueType")? {
        Some(t) => string(&format!("{what}.valueType"), t),
        None => default_vt
            .map(str::to_string)
            .ok_or_else(|| arg_err(&format!("{what}.valueType"), "expected a string")),
    }
}

/// What a handler's `step` answered.
fn exchange_step(what: &str, v: Unknown<'_>) -> Result<ExchangeStep> {
    let o = options(what, Some(v))?
        .ok_or_else(|| arg_err(what, "expected { output, complete, key }"))?;
    known_keys(&o, what, &["output", "complete", "key"])?;
    let output = opt_bytes(&format!("{what}.output"), member(&o, what, "output")?)?;
    let complete = member(&o, what, "complete")?
        .map(|b| boolean(&format!("{what}.complete"), b))
        .transpose()?
        .unwrap_or(false);
    let key = opt_bytes(&format!("{what}.key"), member(&o, what, "key")?)?.map(Secret::new);
    Ok(ExchangeStep {
        output,
        complete,
        key,
    })
}

/// Core's ExchangeHandler over a JS handler of the current frame. Holds no JS value.
struct JsExchange {
    owner: u64,
    handler: u64,
    value_type: String,
    dropped: Arc<Mutex<Vec<u64>>>,
}

impl Drop for JsExchange {
    fn drop(&mut self) {
        if let Ok(mut d) = self.dropped.lock() {
            d.push(self.handler);
        }
    }
}

impl CoreExchangeHandler for JsExchange {
    fn value_type(&self) -> &str {
        &self.value_type
    }

    fn step(&mut self, incoming: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
        let doing = "handler.step";
        let found = FRAMES.with(|f| {
            f.borrow()
                .iter()
                .rev()
                .find(|fr| fr.id == self.owner)
                .map(|fr| (fr.calls.clone(), fr.handlers.clone()))
        });
        let (calls, r) = match found {
            Some((calls, Some(h))) => {
                let r = h.refs.borrow().get(&self.handler).copied();
                match r {
                    Some(r) => (calls, r),
                    None => return Err(Error::at(ErrorKind::Callback, doing, "the exchange handler was released")),
                }
            }
            _ => {
                return Err(Error::at(
                    ErrorKind::Callback,
                    doing,
                    "a JavaScript exchange handler can only run during a call of its TokenService or Negotiation on its JS thread",
                ))
            }
        };
        calls.live(doing)?;
        let obj = calls.reference(r, doing)?;
        let arg = match incoming {
            Some(b) => calls.value(Buffer::from(b.to_vec()), doing)?,
            None => calls.null()?,
        };
        let out = calls.call_method(obj, "step", &[arg], doing)?;
        calls.take(
            doing,
            exchange_step("the result of handler.step", calls.unknown(out)),
        )
    }
}

/// Core's negotiator factory over the `negotiator` function of service `id`'s frame.
fn js_negotiator(
    id: u64,
    dropped: &Arc<Mutex<Vec<u64>>>,
    vt: &str,
) -> Option<Box<dyn CoreExchangeHandler>> {
    let doing = "opts.negotiator";
    let found = FRAMES.with(|f| {
        f.borrow()
            .iter()
            .rev()
            .find(|fr| fr.id == id)
            .map(|fr| (fr.calls.clone(), fr.negotiator, fr.handlers.clone()))
    });
    let Some((calls, Some(f), Some(handlers))) = found else {
        return None;
    };
    calls.live(doing).ok()?;
    let arg = calls.string(vt).ok()?;
    let undefined = calls.undefined().ok()?;
    let r = calls.call(undefined, f, &[arg], doing).ok()?;
    let v = calls.unknown(r);
    let what = "the result of opts.negotiator";
    match calls.take(doing, value_type(what, &v)).ok()? {
        ValueType::Undefined | ValueType::Null => None,
        _ => {
            let value_type = calls.take(doing, handler_arg(what, v, Some(vt))).ok()?;
            let rf = calls.create_reference(r, doing).ok()?;
            let hid = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            handlers.refs.borrow_mut().insert(hid, rf);
            Some(Box::new(JsExchange {
                owner: id,
                handler: hid,
                value_type,
                dropped: dropped.clone(),
            }))
        }
    }
}

/// A started binary negotiation: send `request`, then give the response to
/// `negotiation.step()`.
#[napi(object, object_from_js = false)]
pub struct NegotiationStart {
    pub request: OutgoingRequest,
    pub negotiation: Negotiation,
}

/// What a negotiation response led to: "continue" (send `request`, then give its response
/// to `negotiation.step()`) or "done" (`context`: the established context, its proof key
/// unwrapped with the negotiated key and the Authenticator's CombinedHash checked).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct NegotiationResult {
    #[napi(ts_type = "'continue' | 'done'")]
    pub kind: String,
    pub request: Option<OutgoingRequest>,
    pub negotiation: Option<Negotiation>,
    pub context: Option<SecurityContext>,
}

/// A binary negotiation under way (WS-Trust 8.4). `step` may be called once; a "continue"
/// result carries the next Negotiation. Keeps the JS handler until the negotiation ends.
#[napi(custom_finalize)]
pub struct Negotiation {
    inner: Option<CoreNegotiation>,
    id: u64,
    handlers: Rc<HandlerRefs>,
}

impl ObjectFinalize for Negotiation {
    fn finalize(self, env: Env) -> napi::Result<()> {
        // The registry is shared by the Negotiations of one exchange: the last one releases.
        if Rc::strong_count(&self.handlers) == 1 {
            self.handlers.release_all(&env);
        }
        Ok(())
    }
}

#[napi]
impl Negotiation {
    /// Not for use: a Negotiation comes from `Requestor.negotiate`.
    #[napi(constructor, skip_typescript)]
    pub fn new() -> Result<Self> {
        Err(arg_err(
            "Negotiation",
            "no public constructor: a Negotiation comes from Requestor.negotiate",
        ))
    }

    /// The @Context correlating the legs.
    #[napi(getter)]
    pub fn context_attribute(&self) -> Option<String> {
        self.inner
            .as_ref()
            .map(|n| n.context_attribute().to_string())
    }

    /// True once `step` was called.
    #[napi(getter)]
    pub fn finished(&self) -> bool {
        self.inner.is_none()
    }

    /// Process the service's response (bytes or string): the handler steps with the
    /// service's blob. A SOAP fault throws its typed error ("BadRequest" for a negotiation
    /// type the service does not accept); a wrong CombinedHash is "FailedAuthentication".
    #[napi]
    pub fn step(
        &mut self,
        env: &Env,
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] response: Unknown<'_>,
    ) -> Result<NegotiationResult> {
        let response = xml_input("response", response)?;
        let n = self
            .inner
            .take()
            .ok_or_else(|| arg_err("negotiation", "step() was already called"))?;
        let r = with_handlers(env, self.id, &self.handlers, || core(n.step(&response)))?;
        Ok(match r {
            NegotiationStep::Continue(req, next) => NegotiationResult {
                kind: "continue".to_string(),
                request: Some(outgoing(req)),
                negotiation: Some(Negotiation {
                    inner: Some(next),
                    id: self.id,
                    handlers: self.handlers.clone(),
                }),
                context: None,
            },
            NegotiationStep::Done(c) => NegotiationResult {
                kind: "done".to_string(),
                request: None,
                negotiation: None,
                context: Some(SecurityContext::wrap(c)),
            },
        })
    }
}
