//! The requestor (client) side of the WS-SecureConversation bindings: `wssx_requestor`
//! builds issue / renew / amend / cancel / validate requests, `wssx_pending` turns the
//! service's response into a `wssx_context` (the established security context) or a
//! result. Sans I/O: the caller sends the envelopes and brings back the responses.

use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wssx::binding::{
    Challenge, EntropyMode, Outcome, OutgoingRequest, Pending, Requestor, RequestorConfig,
    SecurityContext,
};
use wssx::message::{self, ProtectOptions};
use wssx::time::Instant;
use wssx::{Error, ErrorKind, Secret};

use crate::args::{bytes, handle, opt_text, out_handle, out_value};
use crate::buf::{out_buf, put, wssx_buf, wssx_buf_free};
use crate::params::put_lifetime;
use crate::protect::{protection, wssx_protect_options, ProtectionArg};
use crate::sct::wssx_sct;
use crate::status::{guard, guard_void, wssx_status, Failure, FfiResult};
use crate::versions::{
    soap_version, trust_version, wsa_version, wssx_trust_version, SoapVersionArg, TrustVersionArg,
    WsaVersionArg,
};

/// A `wssx_entropy_mode` passed in by C, as a plain int; the header spells it
/// `enum wssx_entropy_mode`.
pub type EntropyModeArg = c_int;

/// How the requestor contributes key material to a new or renewed context.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_entropy_mode {
    /// Send no entropy: the service chooses the key (returned as a BinarySecret).
    WSSX_ENTROPY_NONE = 0,
    /// Send entropy and expect a CK/PSHA1 computed key from both sides' entropy (WCF's
    /// default, "combined entropy").
    WSSX_ENTROPY_COMBINED = 1,
}

/// What a finished exchange produced (see `wssx_pending_finish`).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_outcome {
    /// Nothing: the call failed.
    WSSX_OUTCOME_NONE = 0,
    /// A new context (issue).
    WSSX_OUTCOME_ISSUED = 1,
    /// The renewed context: a new wsc:Instance, and a new key when key material was
    /// exchanged.
    WSSX_OUTCOME_RENEWED = 2,
    /// The amended context (same key).
    WSSX_OUTCOME_AMENDED = 3,
    /// The context was cancelled.
    WSSX_OUTCOME_CANCELLED = 4,
    /// The validation status.
    WSSX_OUTCOME_VALIDATED = 5,
    /// The service answered an issue request with a wst:SignChallenge
    /// (WS-SecureConversation Appendix A.2 / B): `*reason` holds the challenge text, and
    /// `wssx_pending_finish2` hands out a `wssx_challenge` to answer it with
    /// `wssx_requestor_answer_challenge`.
    WSSX_OUTCOME_CHALLENGE = 6,
    /// The service's key exchange token (`wssx_requestor_key_exchange_token`): `*reason`
    /// holds the service's certificate, DER-encoded (binary; pass it as
    /// `service_certificate` of a `wssx_requestor_config`).
    WSSX_OUTCOME_KEY_EXCHANGE_TOKEN = 7,
}

/// What a requestor sends. Always start from `wssx_requestor_config_default` and change
/// the fields you need. The struct only borrows `to`, `applies_to`, `service_certificate`
/// and what `protect` points to; `wssx_requestor_new` copies them.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_requestor_config {
    /// WS-Trust version of the requests (and of the SCTs: the WS-SecureConversation
    /// version that goes with it).
    pub trust_version: TrustVersionArg,
    /// SOAP version of the envelopes. Default WSSX_SOAP_12.
    pub soap_version: SoapVersionArg,
    /// WS-Addressing version of the request headers, or WSSX_WSA_NONE for none. Default:
    /// what WCF pairs with the trust version (2004/08 with February 2005, 2005/08 with
    /// 1.3 and 1.4).
    pub wsa_version: WsaVersionArg,
    /// The token service's address (wsa:To; UTF-8, `to_len` bytes). Required (not empty)
    /// unless `wsa_version` is WSSX_WSA_NONE. Default NULL.
    pub to: *const u8,
    /// Length of `to` in bytes.
    pub to_len: usize,
    /// Requested key size in bits: a positive multiple of 8, at most 8192. Default 256.
    pub key_size: u32,
    /// Whether to send entropy. Default WSSX_ENTROPY_COMBINED.
    pub entropy: EntropyModeArg,
    /// Requested lifetime of issued contexts in seconds; 0 (the default) leaves it to the
    /// service's policy.
    pub lifetime_seconds: u64,
    /// wsp:AppliesTo address of issue requests (UTF-8, `applies_to_len` bytes); NULL (the
    /// default) means none.
    pub applies_to: *const u8,
    /// Length of `applies_to` in bytes.
    pub applies_to_len: usize,
    /// How renew, amend and cancel requests are signed with the context key (proof of
    /// possession; see `wssx_protect_options`). Default `wssx_protect_options_default`.
    pub protect: wssx_protect_options,
    /// Re-key a context this many seconds after it was issued (see
    /// `wssx_requestor_needs_renewal`). Default 54000 (WCF's 15 hours).
    pub key_renewal_interval_seconds: u64,
    /// Renew this many seconds before a context expires (see
    /// `wssx_requestor_needs_renewal`). Default 300 (WCF's key rollover, 5 minutes).
    pub key_rollover_seconds: u64,
    /// The token service's X.509 certificate (PEM or DER, `service_certificate_len`
    /// bytes; e.g. the DER from WSSX_OUTCOME_KEY_EXCHANGE_TOKEN): when set, requestor
    /// entropy travels encrypted for it (xenc:EncryptedKey, RSA-OAEP), as in
    /// WS-SecureConversation Appendix A.1. NULL (the default) sends it in the clear.
    pub service_certificate: *const u8,
    /// Length of `service_certificate` in bytes.
    pub service_certificate_len: usize,
}

impl wssx_requestor_config {
    fn defaults(version: wssx::TrustVersion) -> Self {
        let d = RequestorConfig::new(version, "");
        wssx_requestor_config {
            trust_version: wssx_trust_version::from(version) as c_int,
            soap_version: crate::versions::wssx_soap_version::from(d.soap_version) as c_int,
            wsa_version: crate::versions::wssx_wsa_version::from(d.addressing) as c_int,
            to: std::ptr::null(),
            to_len: 0,
            key_size: d.key_size,
            entropy: match d.entropy {
                EntropyMode::None => wssx_entropy_mode::WSSX_ENTROPY_NONE as c_int,
                EntropyMode::Combined => wssx_entropy_mode::WSSX_ENTROPY_COMBINED as c_int,
            },
            lifetime_seconds: d.lifetime.map_or(0, |l| l.as_secs()),
            applies_to: std::ptr::null(),
            applies_to_len: 0,
            protect: wssx_protect_options::defaults(),
            key_renewal_interval_seconds: d.key_renewal_interval.as_secs(),
            key_rollover_seconds: d.key_rollover.as_secs(),
            service_certificate: std::ptr::null(),
            service_certificate_len: 0,
        }
    }

    /// The core configuration these describe.
    ///
    /// # Safety
    /// The pointers must be NULL or valid for their lengths.
    unsafe fn to_core(self) -> Result<RequestorConfig, Failure> {
        let version = trust_version(self.trust_version, "cfg.trust_version")?;
        let wsa = wsa_version(self.wsa_version, "cfg.wsa_version")?;
        let to = opt_text(self.to, self.to_len, "cfg.to")?.unwrap_or("");
        if wsa.is_some() && to.is_empty() {
            return Err(Failure::invalid(
                "cfg.to",
                "the token service's address is required with WS-Addressing",
            ));
        }
        if self.key_size == 0 || self.key_size % 8 != 0 || self.key_size > 8192 {
            return Err(Failure::invalid(
                "cfg.key_size",
                format!(
                    "{} bits is not a key size (a positive multiple of 8, at most 8192)",
                    self.key_size
                ),
            ));
        }
        let mut c = RequestorConfig::new(version, to);
        c.soap_version = soap_version(self.soap_version, "cfg.soap_version")?;
        c.addressing = wsa;
        c.key_size = self.key_size;
        c.entropy = match self.entropy {
            0 => EntropyMode::None,
            1 => EntropyMode::Combined,
            other => {
                return Err(Failure::invalid(
                    "cfg.entropy",
                    format!("{other} is not a wssx_entropy_mode"),
                ))
            }
        };
        c.lifetime =
            (self.lifetime_seconds != 0).then(|| Duration::from_secs(self.lifetime_seconds));
        c.applies_to =
            opt_text(self.applies_to, self.applies_to_len, "cfg.applies_to")?.map(str::to_string);
        c.protect = self.protect.to_core()?;
        c.key_renewal_interval = Duration::from_secs(self.key_renewal_interval_seconds);
        c.key_rollover = Duration::from_secs(self.key_rollover_seconds);
        let cert = bytes(
            self.service_certificate,
            self.service_certificate_len,
            "cfg.service_certificate",
        )?;
        if !cert.is_empty() {
            c.service_certificate = Some(wssx::binding::identity::certificate(cert)?);
        }
        Ok(c)
    }
}

/// Fill `*cfg` with the defaults for a requestor speaking WS-Trust `version` (see
/// `wssx_requestor_config`). `cfg->to` must then be set.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_config_default(
    version: TrustVersionArg,
    cfg: *mut wssx_requestor_config,
) -> wssx_status {
    guard("wssx_requestor_config_default", || {
        if cfg.is_null() {
            return Err(Failure::Null("cfg"));
        }
        let version = trust_version(version, "version")?;
        out_value(cfg, wssx_requestor_config::defaults(version), "cfg")?;
        Ok(())
    })
}

/// A requestor (opaque): the client side of the SCT bindings, with its configuration.
///
/// Created by `wssx_requestor_new` or `wssx_requestor_fallback_feb2005`; the caller owns
/// the handle and releases it with `wssx_requestor_free`. A requestor is never changed
/// after creation: it may move between threads and be used by several threads at once
/// (each operation gives its own `wssx_pending`), but `wssx_requestor_free` must not run
/// concurrently with any other use of it.
#[allow(non_camel_case_types)]
pub struct wssx_requestor {
    pub(crate) requestor: Requestor,
}

/// A new requestor configured by `*cfg` (copied; see `wssx_requestor_config`). Errors:
/// WSSX_NULL_ARGUMENT, WSSX_INVALID_ARGUMENT (an enum value out of range, no `to` with
/// WS-Addressing, a bad key size, bad protect options, a service certificate that is not
/// an X.509 certificate), WSSX_INVALID_UTF8.
///
/// On success `*out` is a new handle owned by the caller (free with
/// `wssx_requestor_free`); on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_new(
    cfg: *const wssx_requestor_config,
    out: *mut *mut wssx_requestor,
) -> wssx_status {
    guard("wssx_requestor_new", || {
        let out = out_handle(out, "out")?;
        let cfg = handle(cfg, "cfg")?.to_core()?;
        *out = Box::into_raw(Box::new(wssx_requestor {
            requestor: Requestor::new(cfg),
        }));
        Ok(())
    })
}

/// The same requestor speaking WS-Trust February 2005 (and WS-Addressing 2004/08 when it
/// uses addressing), for services such as ADFS and WCF wsHttpBinding that answer 1.3
/// requests with a fault.
///
/// On success `*out` is a new handle owned by the caller (free with
/// `wssx_requestor_free`); on failure it is NULL. `req` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_fallback_feb2005(
    req: *const wssx_requestor,
    out: *mut *mut wssx_requestor,
) -> wssx_status {
    guard("wssx_requestor_fallback_feb2005", || {
        let out = out_handle(out, "out")?;
        let requestor = handle(req, "req")?.requestor.fallback_feb2005();
        *out = Box::into_raw(Box::new(wssx_requestor { requestor }));
        Ok(())
    })
}

/// Whether a long-running client should renew `ctx` now, before the service has to
/// answer wsc:RenewNeeded, in `*out`: true when the configuration's key renewal interval
/// has passed since the context was issued, or less than its key rollover margin of the
/// context's lifetime is left.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_needs_renewal(
    req: *const wssx_requestor,
    ctx: *const wssx_context,
    out: *mut bool,
) -> wssx_status {
    guard("wssx_requestor_needs_renewal", || {
        let out = out_value(out, false, "out")?;
        let req = handle(req, "req")?;
        let ctx = handle(ctx, "ctx")?;
        *out = req.requestor.needs_renewal(&ctx.ctx, Instant::now());
        Ok(())
    })
}

/// Release a requestor. NULL is a no-op. The handle must not be used afterwards; the
/// pending requests and contexts it made stay valid.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_free(req: *mut wssx_requestor) {
    guard_void(|| {
        if !req.is_null() {
            drop(Box::from_raw(req));
        }
    })
}

/// An established security context (opaque), as the requestor holds it: the SCT, its key,
/// its lifetime, and whether it was cancelled.
///
/// Created by `wssx_pending_finish` (issue, renew, amend) or `wssx_context_new`; the
/// caller owns the handle and releases it with `wssx_context_free`. A context may move
/// between threads and be used by several threads at once (protecting messages,
/// building requests); `wssx_context_free` must not run concurrently with any other use
/// of it. The handles of one context (the issued one and those renew and amend give)
/// share its cancellation: once a cancel of any of them succeeds, all refuse to protect
/// or sign with WSSX_BAD_CONTEXT_TOKEN.
#[allow(non_camel_case_types)]
pub struct wssx_context {
    ctx: SecurityContext,
    cancelled: Arc<AtomicBool>,
}

impl wssx_context {
    /// The context as core should see it: cancelled when any handle of it was.
    fn current(&self) -> SecurityContext {
        let mut c = self.ctx.clone();
        c.cancelled |= self.cancelled.load(Ordering::SeqCst);
        c
    }
}

pub(crate) fn context_handle(
    ctx: SecurityContext,
    cancelled: Arc<AtomicBool>,
) -> *mut wssx_context {
    Box::into_raw(Box::new(wssx_context { ctx, cancelled }))
}

/// A request in progress (opaque): what `wssx_pending_finish` needs to process the
/// response (the request's @Context, the entropy sent, the context acted on).
///
/// Created by the `wssx_requestor_` operations; consumed by `wssx_pending_finish`, or
/// released unused with `wssx_pending_free`. It holds key material (the entropy sent):
/// do not keep it longer than the exchange. A pending request may move between threads;
/// it must not be used by two threads at once.
#[allow(non_camel_case_types)]
pub struct wssx_pending {
    pending: Pending,
    /// The cancellation flag of the context the request acts on (renew, amend, cancel,
    /// validate).
    base: Option<Arc<AtomicBool>>,
}

/// A C callback that edits an outgoing request envelope before wssx signs it: the
/// re-proof step of a renewal (e.g. adding a signature with the credentials that
/// obtained the context) or the additional tokens of an amendment.
///
/// Called with the `user_data` given to the operation and the envelope (`envelope_len`
/// bytes of UTF-8 XML, NUL-terminated, valid during the call). To change the envelope,
/// fill `*out` (which is {NULL, 0} on entry) with `wssx_buf_copy` and return 0; leave it
/// {NULL, 0} and return 0 to send the envelope unchanged. Any other return value is a
/// failure: the operation returns WSSX_CALLBACK. wssx frees `*out` in every case. The
/// edited envelope must be UTF-8 XML (else WSSX_CALLBACK).
///
/// The callback runs on the thread of the operation, before it returns. It may call
/// other wssx functions but must not unwind (C++ exceptions, longjmp) through wssx.
pub type wssx_envelope_edit_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        envelope: *const u8,
        envelope_len: usize,
        out: *mut wssx_buf,
    ) -> c_int,
>;

type EditFn = unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut wssx_buf) -> c_int;

/// Run the C edit callback on `env`.
///
/// # Safety
/// `f` must honour the `wssx_envelope_edit_fn` contract.
unsafe fn call_edit(f: EditFn, user_data: *mut c_void, env: String) -> wssx::Result<String> {
    let err = |m: String| Error::at(ErrorKind::Callback, "envelope edit callback", m);
    let mut input = env.into_bytes();
    let len = input.len();
    input.push(0);
    let mut out = wssx_buf::empty();
    let rc = f(user_data, input.as_ptr(), len, &mut out);
    let edited = out.as_bytes().map(<[u8]>::to_vec);
    wssx_buf_free(&mut out);
    if rc != 0 {
        return Err(err(format!("the callback failed with return code {rc}")));
    }
    input.pop();
    match edited {
        None => String::from_utf8(input).map_err(|_| err("unreachable: not UTF-8".into())),
        Some(b) => {
            String::from_utf8(b).map_err(|_| err("the edited envelope is not UTF-8".to_string()))
        }
    }
}

/// Fill the four outputs of an operation.
unsafe fn finish_operation(
    result: wssx::Result<(OutgoingRequest, Pending)>,
    base: Option<Arc<AtomicBool>>,
    envelope: &mut wssx_buf,
    action: &mut wssx_buf,
    content_type: &mut wssx_buf,
    pending: &mut *mut wssx_pending,
) -> FfiResult {
    let (request, p) = result?;
    put(envelope, Some(request.envelope.as_bytes()));
    put(action, Some(request.action.as_bytes()));
    put(content_type, Some(request.content_type.as_bytes()));
    *pending = Box::into_raw(Box::new(wssx_pending { pending: p, base }));
    Ok(())
}

/// The outputs every operation has, reset.
struct Outputs<'a> {
    envelope: &'a mut wssx_buf,
    action: &'a mut wssx_buf,
    content_type: &'a mut wssx_buf,
    pending: &'a mut *mut wssx_pending,
}

unsafe fn outputs<'a>(
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> Result<Outputs<'a>, Failure> {
    Ok(Outputs {
        envelope: out_buf(envelope, "envelope")?,
        action: out_buf(action, "action")?,
        content_type: out_buf(content_type, "content_type")?,
        pending: out_handle(pending, "pending")?,
    })
}

impl Outputs<'_> {
    unsafe fn fill(
        self,
        result: wssx::Result<(OutgoingRequest, Pending)>,
        base: Option<Arc<AtomicBool>>,
    ) -> FfiResult {
        finish_operation(
            result,
            base,
            self.envelope,
            self.action,
            self.content_type,
            self.pending,
        )
    }
}

/// Start obtaining a new security context (WS-SecureConversation 3.1: an RST with the SCT
/// token type, the `.../RST/SCT` action, the configured key size, entropy, lifetime and
/// AppliesTo). The request is not signed: secure the channel (TLS) or the message as the
/// service's policy requires.
///
/// Outputs (all required; the buffers must be distinct; on failure all are {NULL, 0} /
/// NULL):
/// - `*envelope`: the SOAP envelope to send (UTF-8, NUL-terminated);
/// - `*action`: its action URI (the SOAPAction for SOAP 1.1);
/// - `*content_type`: the HTTP Content-Type to send it with;
/// - `*pending`: the state that processes the response (`wssx_pending_finish`).
///
/// The caller owns the buffers (free with `wssx_buf_free`; the envelope holds the
/// entropy sent) and the pending handle.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_issue(
    req: *const wssx_requestor,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_issue", || {
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        o.fill(req.requestor.issue(), None)
    })
}

/// Start renewing `ctx` (WS-SecureConversation 5): an RST/SCT/Renew naming the context,
/// signed with the context key (proof of possession) as the configuration's `protect`
/// options say. With `new_key_material` the request carries fresh entropy (never
/// protected with the old key) and the service re-keys: the renewed context has a new
/// wsc:Instance and a new key. `reproof` (NULL for none) edits the envelope before it is
/// signed, to re-prove the original claims (see `wssx_envelope_edit_fn`; called with
/// `user_data`).
///
/// Errors: WSSX_BAD_CONTEXT_TOKEN (the context was cancelled), WSSX_CALLBACK (`reproof`
/// failed), and the errors of `wssx_protect`. Outputs as for `wssx_requestor_issue`.
/// `ctx` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_renew(
    req: *const wssx_requestor,
    ctx: *const wssx_context,
    new_key_material: bool,
    reproof: wssx_envelope_edit_fn,
    user_data: *mut c_void,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_renew", || {
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        let ctx = handle(ctx, "ctx")?;
        let edit = reproof.map(|f| {
            move |env: String| -> wssx::Result<String> {
                // SAFETY: the caller vouches for the callback.
                unsafe { call_edit(f, user_data, env) }
            }
        });
        let edit_ref = edit
            .as_ref()
            .map(|e| e as &dyn Fn(String) -> wssx::Result<String>);
        let result = req
            .requestor
            .renew(&ctx.current(), new_key_material, edit_ref);
        o.fill(result, Some(ctx.cancelled.clone()))
    })
}

/// Start amending `ctx` (WS-SecureConversation 4): an RST/SCT/Amend signed with the
/// context key; `add_claims` (NULL for none) edits the envelope before it is signed, to
/// add the additional tokens and their signatures (see `wssx_envelope_edit_fn`; called
/// with `user_data`). The key does not change.
///
/// Errors and outputs as for `wssx_requestor_renew`. `ctx` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_amend(
    req: *const wssx_requestor,
    ctx: *const wssx_context,
    add_claims: wssx_envelope_edit_fn,
    user_data: *mut c_void,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_amend", || {
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        let ctx = handle(ctx, "ctx")?;
        let edit = add_claims.map(|f| {
            move |env: String| -> wssx::Result<String> {
                // SAFETY: the caller vouches for the callback.
                unsafe { call_edit(f, user_data, env) }
            }
        });
        let edit_ref = edit
            .as_ref()
            .map(|e| e as &dyn Fn(String) -> wssx::Result<String>);
        let result = req.requestor.amend(&ctx.current(), edit_ref);
        o.fill(result, Some(ctx.cancelled.clone()))
    })
}

/// Start cancelling `ctx` (WS-SecureConversation 6): an RST/SCT/Cancel naming the context,
/// signed with its key. When `wssx_pending_finish` confirms the cancellation, every
/// handle of the context is marked cancelled.
///
/// Errors: WSSX_BAD_CONTEXT_TOKEN (already cancelled) and those of `wssx_protect`.
/// Outputs as for `wssx_requestor_issue`. `ctx` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_cancel(
    req: *const wssx_requestor,
    ctx: *const wssx_context,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_cancel", || {
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        let ctx = handle(ctx, "ctx")?;
        let result = req.requestor.cancel(&ctx.current());
        o.fill(result, Some(ctx.cancelled.clone()))
    })
}

/// Start asking the service whether `ctx` is still valid (WS-Trust 9: an RST/Validate
/// for a status, naming the context; not signed). A cancelled context may be validated
/// (the answer is "invalid"). Outputs as for `wssx_requestor_issue`. `ctx` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_validate(
    req: *const wssx_requestor,
    ctx: *const wssx_context,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_validate", || {
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        let ctx = handle(ctx, "ctx")?;
        let result = req.requestor.validate(&ctx.ctx);
        o.fill(result, Some(ctx.cancelled.clone()))
    })
}

/// Start asking the service for its key exchange token (WS-Trust 1.3 section 10: an RST
/// with RequestType KET, not signed). `wssx_pending_finish` then reports
/// WSSX_OUTCOME_KEY_EXCHANGE_TOKEN with the service's certificate (DER) in `*reason`: set
/// it as the `service_certificate` of a requestor configuration so that the requestor's
/// entropy travels encrypted for the service. Outputs as for `wssx_requestor_issue`.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_key_exchange_token(
    req: *const wssx_requestor,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_key_exchange_token", || {
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        o.fill(req.requestor.key_exchange_token(), None)
    })
}

/// The @Context the request carried (the responses echo it), NUL-terminated in `*out`;
/// the caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_pending_context_attribute(
    pending: *const wssx_pending,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_pending_context_attribute", || {
        let out = out_buf(out, "out")?;
        let p = handle(pending, "pending")?;
        put(out, Some(p.pending.context_attribute().as_bytes()));
        Ok(())
    })
}

/// Process the service's response envelope `response` (`response_len` bytes) to the
/// request `pending` was made for.
///
/// **This consumes `pending`**: whatever the outcome (success, a fault, garbage, a NULL
/// out-pointer), the handle is released by this call and must not be used or freed
/// afterwards. (Only a NULL `pending` is not consumed: there is nothing to consume.)
///
/// On success `*kind` says what the exchange produced:
/// - WSSX_OUTCOME_ISSUED / _RENEWED / _AMENDED: `*ctx_out` is the new or updated context
///   (a new handle owned by the caller, free with `wssx_context_free`; a renewed or
///   amended context shares the cancellation of the one it came from). The key is
///   worked out from the response as WS-Trust's proof-key table says (issuer key,
///   requestor entropy, or CK/PSHA1 of both; the requested key size is used when the
///   response has none);
/// - WSSX_OUTCOME_CANCELLED: the service confirmed the cancellation; every handle of the
///   context is now marked cancelled;
/// - WSSX_OUTCOME_VALIDATED: `*valid` is the status and `*reason` its wst:Reason
///   (UTF-8, NUL-terminated, owned by the caller, free with `wssx_buf_free`; {NULL, 0}
///   when absent);
/// - WSSX_OUTCOME_CHALLENGE: the service challenged the issue request; `*reason` is the
///   challenge text (UTF-8, NUL-terminated, owned by the caller). `wssx_pending_finish`
///   drops the challenge itself: use `wssx_pending_finish2` to get a `wssx_challenge`
///   and answer it;
/// - WSSX_OUTCOME_KEY_EXCHANGE_TOKEN: `*reason` is the service's certificate, DER
///   (binary, owned by the caller).
///
/// Outputs not used by the outcome are NULL / false / {NULL, 0}; on failure `*kind` is
/// WSSX_OUTCOME_NONE and all are reset.
///
/// Errors: a SOAP fault from the service gives the status of its fault code
/// (WSSX_BAD_CONTEXT_TOKEN for a cancelled or unknown context, WSSX_RENEW_NEEDED,
/// WSSX_INVALID_REQUEST, WSSX_FAILED_AUTHENTICATION, ...); WSSX_MALFORMED_XML /
/// WSSX_INVALID_REQUEST for a response that is not a well-formed RSTR envelope, whose
/// @Context does not match the request's, or whose proof token does not fit the request
/// (computed key without issuer entropy, wrong key size, no proof key);
/// WSSX_UNABLE_TO_RENEW for a renewal that names another context or re-keys without a
/// new Instance.
#[no_mangle]
pub unsafe extern "C" fn wssx_pending_finish(
    pending: *mut wssx_pending,
    response: *const u8,
    response_len: usize,
    kind: *mut wssx_outcome,
    ctx_out: *mut *mut wssx_context,
    valid: *mut bool,
    reason: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_pending_finish", || {
        finish_pending(
            pending,
            response,
            response_len,
            kind,
            ctx_out,
            valid,
            reason,
            None,
        )
    })
}

/// `wssx_pending_finish` with one more output, for exchanges that may be challenged:
/// when `*kind` is WSSX_OUTCOME_CHALLENGE, `*challenge` is a new handle owned by the
/// caller, to answer with `wssx_requestor_answer_challenge` (which consumes it) or
/// release with `wssx_challenge_free`; it is NULL for every other outcome and on failure.
/// `challenge` may be NULL (the challenge is then dropped, as `wssx_pending_finish`
/// does). Consumes `pending` exactly as `wssx_pending_finish` does; everything else is
/// as documented there.
#[no_mangle]
pub unsafe extern "C" fn wssx_pending_finish2(
    pending: *mut wssx_pending,
    response: *const u8,
    response_len: usize,
    kind: *mut wssx_outcome,
    ctx_out: *mut *mut wssx_context,
    valid: *mut bool,
    reason: *mut wssx_buf,
    challenge: *mut *mut wssx_challenge,
) -> wssx_status {
    guard("wssx_pending_finish2", || {
        let challenge = if challenge.is_null() {
            None
        } else {
            Some(out_handle(challenge, "challenge")?)
        };
        finish_pending(
            pending,
            response,
            response_len,
            kind,
            ctx_out,
            valid,
            reason,
            challenge,
        )
    })
}

#[allow(clippy::too_many_arguments)]
unsafe fn finish_pending(
    pending: *mut wssx_pending,
    response: *const u8,
    response_len: usize,
    kind: *mut wssx_outcome,
    ctx_out: *mut *mut wssx_context,
    valid: *mut bool,
    reason: *mut wssx_buf,
    challenge_out: Option<&mut *mut wssx_challenge>,
) -> FfiResult {
    if pending.is_null() {
        return Err(Failure::Null("pending"));
    }
    // Consumed from here on, whatever happens next.
    let p = *Box::from_raw(pending);
    let kind = out_value(kind, wssx_outcome::WSSX_OUTCOME_NONE, "kind")?;
    let ctx_out = out_handle(ctx_out, "ctx_out")?;
    let valid = out_value(valid, false, "valid")?;
    let reason = out_buf(reason, "reason")?;
    let response = bytes(response, response_len, "response")?;
    let shared = p.base.clone();
    let context = |c: SecurityContext| {
        let flag = shared.clone().unwrap_or_default();
        context_handle(c, flag)
    };
    match p.pending.finish(response)? {
        Outcome::Issued(c) => {
            *ctx_out = context(c);
            *kind = wssx_outcome::WSSX_OUTCOME_ISSUED;
        }
        Outcome::Renewed(c) => {
            *ctx_out = context(c);
            *kind = wssx_outcome::WSSX_OUTCOME_RENEWED;
        }
        Outcome::Amended(c) => {
            *ctx_out = context(c);
            *kind = wssx_outcome::WSSX_OUTCOME_AMENDED;
        }
        Outcome::Cancelled => {
            if let Some(flag) = &p.base {
                flag.store(true, Ordering::SeqCst);
            }
            *kind = wssx_outcome::WSSX_OUTCOME_CANCELLED;
        }
        Outcome::Validated {
            valid: v,
            reason: r,
        } => {
            *valid = v;
            put(reason, r.as_deref().map(str::as_bytes));
            *kind = wssx_outcome::WSSX_OUTCOME_VALIDATED;
        }
        Outcome::Challenge(c) => {
            put(reason, Some(c.challenge.as_bytes()));
            if let Some(out) = challenge_out {
                *out = Box::into_raw(Box::new(wssx_challenge {
                    challenge: c,
                    base: p.base.clone(),
                }));
            }
            *kind = wssx_outcome::WSSX_OUTCOME_CHALLENGE;
        }
        Outcome::KeyExchangeToken(cert) => {
            let der = wssx::binding::identity::certificate_der(&cert)?;
            put(reason, Some(&der));
            *kind = wssx_outcome::WSSX_OUTCOME_KEY_EXCHANGE_TOKEN;
        }
    }
    Ok(())
}

/// A service's challenge (opaque), from `wssx_pending_finish2`: the wst:SignChallenge
/// text and the state of the issue request it answers.
///
/// Consumed by `wssx_requestor_answer_challenge`, or released unanswered with
/// `wssx_challenge_free`. It holds key material (the entropy of the issue request). A
/// challenge may move between threads; it must not be used by two threads at once.
#[allow(non_camel_case_types)]
pub struct wssx_challenge {
    challenge: Challenge,
    base: Option<Arc<AtomicBool>>,
}

/// The challenge text (the wst:Challenge, echoed exactly in the answer), NUL-terminated
/// in `*out`; the caller owns it and frees it with `wssx_buf_free`. `c` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_challenge_text(
    c: *const wssx_challenge,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_challenge_text", || {
        let out = out_buf(out, "out")?;
        let c = handle(c, "c")?;
        put(out, Some(c.challenge.challenge.as_bytes()));
        Ok(())
    })
}

/// Release a challenge without answering it. NULL is a no-op. The handle must not be
/// used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_challenge_free(c: *mut wssx_challenge) {
    guard_void(|| {
        if !c.is_null() {
            drop(Box::from_raw(c));
        }
    })
}

/// Answer the service's challenge `c` (WS-SecureConversation Appendix A.2 / B): an RSTR
/// with the wst:SignChallengeResponse echoing the challenge, under the issue request's
/// @Context. `sign` (NULL for none) edits the envelope before it is sent, to sign it with
/// the requestor's own credentials (see `wssx_envelope_edit_fn`; called with
/// `user_data`).
///
/// **This consumes `c`**: whatever the outcome, the handle is released by this call and
/// must not be used or freed afterwards (only a NULL `c` is not consumed). The new
/// `*pending` processes the service's answer (`wssx_pending_finish2`: normally
/// WSSX_OUTCOME_ISSUED). Errors: WSSX_CALLBACK (`sign` failed). Outputs as for
/// `wssx_requestor_issue`.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_answer_challenge(
    req: *const wssx_requestor,
    c: *mut wssx_challenge,
    sign: wssx_envelope_edit_fn,
    user_data: *mut c_void,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    pending: *mut *mut wssx_pending,
) -> wssx_status {
    guard("wssx_requestor_answer_challenge", || {
        if c.is_null() {
            return Err(Failure::Null("c"));
        }
        // Consumed from here on, whatever happens next.
        let c = *Box::from_raw(c);
        let o = outputs(envelope, action, content_type, pending)?;
        let req = handle(req, "req")?;
        let edit = sign.map(|f| {
            move |env: String| -> wssx::Result<String> {
                // SAFETY: the caller vouches for the callback.
                unsafe { call_edit(f, user_data, env) }
            }
        });
        let edit_ref = edit
            .as_ref()
            .map(|e| e as &dyn Fn(String) -> wssx::Result<String>);
        let result = req.requestor.answer_challenge(c.challenge, edit_ref);
        o.fill(result, c.base)
    })
}

/// Release a pending request without processing a response (the exchange was
/// abandoned). NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_pending_free(pending: *mut wssx_pending) {
    guard_void(|| {
        if !pending.is_null() {
            drop(Box::from_raw(pending));
        }
    })
}

/// A context from its parts, for a client that kept them (e.g. across a restart): a copy
/// of `sct` and the key `secret` (`secret_len` bytes, at least 16, else
/// WSSX_INVALID_ARGUMENT), obtained with WS-Trust `version`. Its lifetime is unknown and
/// it is not cancelled.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_context_free`);
/// on failure it is NULL. The inputs are only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_new(
    sct: *const wssx_sct,
    secret: *const u8,
    secret_len: usize,
    version: TrustVersionArg,
    out: *mut *mut wssx_context,
) -> wssx_status {
    guard("wssx_context_new", || {
        let out = out_handle(out, "out")?;
        let sct = handle(sct, "sct")?;
        let secret = bytes(secret, secret_len, "secret")?;
        if secret.len() < 16 {
            return Err(Failure::invalid(
                "secret",
                format!(
                    "a {}-byte context key is too short (at least 16)",
                    secret.len()
                ),
            ));
        }
        let version = trust_version(version, "version")?;
        let ctx = SecurityContext {
            sct: sct.token.clone(),
            secret: Secret::from_slice(secret),
            trust_version: version,
            created: None,
            expires: None,
            attached_reference: None,
            unattached_reference: None,
            cancelled: false,
        };
        *out = context_handle(ctx, Arc::default());
        Ok(())
    })
}

/// The context's SecurityContextToken (Identifier, Instance, wsu:Id as issued), as a new
/// `wssx_sct` handle (a copy) in `*out`, owned by the caller (free with `wssx_sct_free`).
#[no_mangle]
pub unsafe extern "C" fn wssx_context_sct(
    ctx: *const wssx_context,
    out: *mut *mut wssx_sct,
) -> wssx_status {
    guard("wssx_context_sct", || {
        let out = out_handle(out, "out")?;
        *out = crate::sct::into_handle(handle(ctx, "ctx")?.ctx.sct.clone());
        Ok(())
    })
}

/// The context key (the proof key), in `*out`; the caller owns it and frees it with
/// `wssx_buf_free`, which wipes it.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_secret(
    ctx: *const wssx_context,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_context_secret", || {
        let out = out_buf(out, "out")?;
        put(out, Some(handle(ctx, "ctx")?.ctx.secret.expose()));
        Ok(())
    })
}

/// Direct key transfer (WS-SecureConversation 3, WS-Trust 1.4 key exchange pattern 1):
/// an unsolicited RSTR carrying this context's SCT (without its wsu:Id) and its key
/// encrypted for `recipient_certificate` (PEM or DER, `recipient_certificate_len` bytes;
/// RSA-OAEP, referenced by thumbprint), with the context's lifetime when known, in the
/// context's WS-Trust version. Put it in the Body (or a wst:IssuedTokens header) of a
/// message, sign that message with this context (`wssx_context_protect`) and send it: the
/// recipient accepts it with `wssx_service_accept_unsolicited`.
///
/// Errors: WSSX_INVALID_ARGUMENT (not an X.509 certificate, or not an RSA one),
/// WSSX_BAD_CONTEXT_TOKEN (the context was cancelled).
///
/// On success `*rstr_xml` is the RSTR element (UTF-8 XML, NUL-terminated; it carries the
/// key only encrypted), owned by the caller (free with `wssx_buf_free`); on failure it is
/// {NULL, 0}. The inputs are only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_propagate(
    ctx: *const wssx_context,
    recipient_certificate: *const u8,
    recipient_certificate_len: usize,
    rstr_xml: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_context_propagate", || {
        let out = out_buf(rstr_xml, "rstr_xml")?;
        let ctx = handle(ctx, "ctx")?.current();
        let cert = bytes(
            recipient_certificate,
            recipient_certificate_len,
            "recipient_certificate",
        )?;
        let cert = wssx::binding::identity::certificate(cert)?;
        ctx.key()?;
        let rstr = ctx.propagate(&cert)?;
        put(out, Some(rstr.to_xml(ctx.trust_version).as_bytes()));
        Ok(())
    })
}

/// The WS-Trust version the context was obtained with, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_trust_version(
    ctx: *const wssx_context,
    out: *mut wssx_trust_version,
) -> wssx_status {
    guard("wssx_context_trust_version", || {
        let out = out_value(out, wssx_trust_version::WSSX_TRUST_1_3, "out")?;
        *out = handle(ctx, "ctx")?.ctx.trust_version.into();
        Ok(())
    })
}

/// The context's lifetime as the service stated it: `*created_ms` / `*expires_ms` in
/// milliseconds since the Unix epoch, valid when `*has_created` / `*has_expires` is true
/// (0 otherwise).
#[no_mangle]
pub unsafe extern "C" fn wssx_context_lifetime(
    ctx: *const wssx_context,
    created_ms: *mut i64,
    has_created: *mut bool,
    expires_ms: *mut i64,
    has_expires: *mut bool,
) -> wssx_status {
    guard("wssx_context_lifetime", || {
        let mut present = false;
        // Reset the outputs before the handle is looked at.
        put_lifetime(
            None,
            &mut present,
            created_ms,
            has_created,
            expires_ms,
            has_expires,
        )?;
        let c = &handle(ctx, "ctx")?.ctx;
        put_lifetime(
            Some((c.created, c.expires)),
            &mut present,
            created_ms,
            has_created,
            expires_ms,
            has_expires,
        )
    })
}

/// Whether the context was cancelled (through this handle or another of the same
/// context), in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_cancelled(
    ctx: *const wssx_context,
    out: *mut bool,
) -> wssx_status {
    guard("wssx_context_cancelled", || {
        let out = out_value(out, false, "out")?;
        *out = handle(ctx, "ctx")?.current().cancelled;
        Ok(())
    })
}

/// Whether a long-running client should renew the context now, in `*out`: true when less
/// than `margin_seconds` of its lifetime is left (or it has expired); false when the
/// service stated no expiry.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_should_renew(
    ctx: *const wssx_context,
    margin_seconds: u64,
    out: *mut bool,
) -> wssx_status {
    guard("wssx_context_should_renew", || {
        let out = out_value(out, false, "out")?;
        *out = handle(ctx, "ctx")?
            .ctx
            .should_renew(Instant::now(), Duration::from_secs(margin_seconds));
        Ok(())
    })
}

/// `wssx_protect` with this context's token and key: protect the SOAP envelope
/// `envelope` (`envelope_len` bytes) as `protection` and `opts` (NULL: the defaults) say.
/// A cancelled context gives WSSX_BAD_CONTEXT_TOKEN; other errors as `wssx_protect`.
///
/// On success `*out` holds the secured envelope (UTF-8 XML, NUL-terminated); the caller
/// owns it and frees it with `wssx_buf_free`. The inputs are only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_protect(
    ctx: *const wssx_context,
    envelope: *const u8,
    envelope_len: usize,
    protection: ProtectionArg,
    opts: *const wssx_protect_options,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_context_protect", || {
        let out = out_buf(out, "out")?;
        let ctx = handle(ctx, "ctx")?;
        let envelope = bytes(envelope, envelope_len, "envelope")?;
        let what = self::protection(protection)?;
        let opts = match opts.as_ref() {
            Some(o) => o.to_core()?,
            None => ProtectOptions::default(),
        };
        let key = ctx.current().key()?;
        let secured = message::protect(envelope, &key, what, &opts)?;
        put(out, Some(secured.as_bytes()));
        Ok(())
    })
}

/// Release a context handle (its key is wiped). NULL is a no-op. The handle must not be
/// used afterwards; other handles of the same context stay valid.
#[no_mangle]
pub unsafe extern "C" fn wssx_context_free(ctx: *mut wssx_context) {
    guard_void(|| {
        if !ctx.is_null() {
            drop(Box::from_raw(ctx));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_core() {
        for v in wssx::TrustVersion::ALL {
            let mut d = wssx_requestor_config::defaults(v);
            d.to = b"x:sts".as_ptr();
            d.to_len = 5;
            let c = unsafe { d.to_core() }.unwrap();
            assert_eq!(
                format!("{c:?}"),
                format!("{:?}", RequestorConfig::new(v, "x:sts"))
            );
        }
    }
}
