//! `wssx_service`: a token service for the SCT bindings (issue, renew, amend, cancel,
//! validate) over a `wssx_store`, with an optional C authorizer. Sans I/O: request bytes
//! in, response bytes out.

use std::os::raw::{c_int, c_void};
use std::time::Duration;

use wssx::binding::{identity, AuthRequest, Operation, ServicePolicy, TokenService};
use wssx::message::KeyResolver;
use wssx::{Error, ErrorKind};

use crate::args::{bytes, handle, out_handle, out_value};
use crate::buf::{out_buf, put, wipe, wssx_buf};
use crate::status::{guard, guard_void, wssx_status, Failure};
use crate::store::wssx_store;
use crate::verify::wssx_verify_report;

/// The longest principal a `wssx_authorize_fn` may return, in bytes (the size of the
/// buffer it gets).
pub const WSSX_MAX_PRINCIPAL_LEN: usize = 1024;
/// Return value of a `wssx_authorize_fn`: the request is allowed.
pub const WSSX_AUTHORIZE_ALLOW: c_int = 0;
/// Return value of a `wssx_authorize_fn`: the request is refused (the service answers
/// with a wst:FailedAuthentication fault).
pub const WSSX_AUTHORIZE_DENY: c_int = 1;

/// The operations a token service performs.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_operation {
    /// Issue a new context.
    WSSX_OP_ISSUE = 0,
    /// Renew a context.
    WSSX_OP_RENEW = 1,
    /// Amend a context.
    WSSX_OP_AMEND = 2,
    /// Cancel a context.
    WSSX_OP_CANCEL = 3,
    /// Validate a context.
    WSSX_OP_VALIDATE = 4,
    /// Hand out the service's key exchange token (its certificate; a service without an
    /// identity in its policy answers such requests with wst:BadRequest).
    WSSX_OP_KEY_EXCHANGE = 5,
}

impl From<Operation> for wssx_operation {
    fn from(o: Operation) -> Self {
        match o {
            Operation::Issue => wssx_operation::WSSX_OP_ISSUE,
            Operation::Renew => wssx_operation::WSSX_OP_RENEW,
            Operation::Amend => wssx_operation::WSSX_OP_AMEND,
            Operation::Cancel => wssx_operation::WSSX_OP_CANCEL,
            Operation::Validate => wssx_operation::WSSX_OP_VALIDATE,
            Operation::KeyExchange => wssx_operation::WSSX_OP_KEY_EXCHANGE,
        }
    }
}

/// What a service allows and chooses. Always start from `wssx_service_policy_default`
/// and change the fields you need.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_service_policy {
    /// Lifetime of issued (and renewed) contexts, in seconds (at least 1); a request may
    /// ask for less. Default 1800 (30 minutes, CXF's default).
    pub lifetime_seconds: u64,
    /// Key size in bits when the request names none (a multiple of 8 within the range
    /// below). Default 256.
    pub default_key_size: u32,
    /// Smallest key size in bits a request may ask for. Default 128.
    pub min_key_size: u32,
    /// Largest key size in bits a request may ask for. Default 512.
    pub max_key_size: u32,
    /// Accept requestor entropy and answer with a CK/PSHA1 computed key (combined
    /// entropy, WCF's default); when false the service chooses the whole key. Default
    /// true.
    pub accept_requestor_entropy: bool,
    /// Renew contexts that have already expired (WS-SecureConversation leaves it to
    /// policy). Default false: they are refused with wsc:UnableToRenew.
    pub renew_expired: bool,
    /// Allowed clock skew in seconds for lifetimes and message timestamps. Default 300.
    pub clock_skew_seconds: u64,
    /// When the requestor sent entropy (and `accept_requestor_entropy` is set): add issuer
    /// entropy and answer with a CK/PSHA1 computed key (true, the default), or use the
    /// requestor's entropy as the key and return no proof token (false; the entropy must
    /// then have the key size). These are the two response variations of
    /// WS-SecureConversation Appendix A.1.
    pub issuer_entropy: bool,
    /// Answer an issue request with a wst:SignChallenge first (WS-SecureConversation
    /// Appendix A.2 / B): the context is issued only to a requestor that returns the
    /// challenge in a SignChallengeResponse (the authorizer sees that leg and can check
    /// who signed it). Default false. A C requestor answers with `wssx_pending_finish2` and
    /// `wssx_requestor_answer_challenge`.
    pub challenge: bool,
    /// How long an unfinished multi-leg exchange (a challenge) is kept, in seconds.
    /// Default 300.
    pub exchange_timeout_seconds: u64,
    /// Accept contexts a peer created and propagated in an unsolicited RSTR (direct key
    /// transfer, see `wssx_service_accept_unsolicited`). Default false.
    pub accept_unsolicited: bool,
    /// The service's X.509 certificate (PEM or DER, `certificate_len` bytes); NULL (the
    /// default) for none. With `private_key` it is the service's identity: requestor
    /// entropy encrypted for it (xenc:EncryptedKey) is decrypted, key exchange token
    /// requests (WSSX_OP_KEY_EXCHANGE) are answered with it, and propagated contexts
    /// encrypted for it are accepted. Set both or neither; `wssx_service_new` copies them.
    pub certificate: *const u8,
    /// Length of `certificate` in bytes.
    pub certificate_len: usize,
    /// The private key of `certificate` (PEM, PKCS#8 or traditional, or PKCS#8 DER;
    /// `private_key_len` bytes); NULL (the default) for none.
    pub private_key: *const u8,
    /// Length of `private_key` in bytes.
    pub private_key_len: usize,
    /// Accept binary negotiations (WS-Trust 8.4, wst:BinaryExchange): called with
    /// `negotiator_user_data` for the ValueType of each new negotiation, it makes the
    /// service side of the exchange (see `wssx_negotiator_fn`). NULL (the default): such
    /// requests are answered with wst:BadRequest. The context is issued once the handler
    /// completes, its proof key wrapped with the negotiated key and the exchange bound by
    /// an Authenticator (CombinedHash). Unfinished negotiations are kept (with their
    /// handlers) for `exchange_timeout_seconds`.
    pub negotiator: crate::negotiate::wssx_negotiator_fn,
    /// Handed back to `negotiator`.
    pub negotiator_user_data: *mut c_void,
}

impl wssx_service_policy {
    fn defaults() -> Self {
        let d = ServicePolicy::default();
        wssx_service_policy {
            lifetime_seconds: d.context_lifetime.as_secs(),
            default_key_size: d.default_key_size,
            min_key_size: d.key_size_range.0,
            max_key_size: d.key_size_range.1,
            accept_requestor_entropy: d.accept_requestor_entropy,
            renew_expired: d.renew_expired,
            clock_skew_seconds: d.clock_skew.as_secs(),
            issuer_entropy: d.issuer_entropy,
            challenge: d.challenge,
            exchange_timeout_seconds: d.exchange_timeout.as_secs(),
            accept_unsolicited: d.accept_unsolicited,
            certificate: std::ptr::null(),
            certificate_len: 0,
            private_key: std::ptr::null(),
            private_key_len: 0,
            negotiator: None,
            negotiator_user_data: std::ptr::null_mut(),
        }
    }

    /// The service's identity (certificate and private key), when the policy names one.
    ///
    /// # Safety
    /// The pointers must be NULL or valid for their lengths.
    unsafe fn identity(&self) -> Result<Option<KeyResolver>, Failure> {
        let cert = bytes(self.certificate, self.certificate_len, "policy.certificate")?;
        let key = bytes(self.private_key, self.private_key_len, "policy.private_key")?;
        match (cert.is_empty(), key.is_empty()) {
            (true, true) => Ok(None),
            (false, false) => Ok(Some(identity::identity(cert, key)?)),
            (false, true) => Err(Failure::invalid(
                "policy.private_key",
                "a certificate needs its private key",
            )),
            (true, false) => Err(Failure::invalid(
                "policy.certificate",
                "a private key needs its certificate",
            )),
        }
    }

    fn to_core(self) -> Result<ServicePolicy, Failure> {
        if self.lifetime_seconds == 0 {
            return Err(Failure::invalid(
                "policy.lifetime_seconds",
                "contexts must live at least one second",
            ));
        }
        if self.min_key_size > self.max_key_size {
            return Err(Failure::invalid(
                "policy.min_key_size",
                format!(
                    "the key size range {}..{} is empty",
                    self.min_key_size, self.max_key_size
                ),
            ));
        }
        let d = self.default_key_size;
        if d == 0 || d % 8 != 0 || d < self.min_key_size || d > self.max_key_size {
            return Err(Failure::invalid(
                "policy.default_key_size",
                format!(
                    "{d} bits is not a multiple of 8 within {}..{}",
                    self.min_key_size, self.max_key_size
                ),
            ));
        }
        Ok(ServicePolicy {
            context_lifetime: Duration::from_secs(self.lifetime_seconds),
            default_key_size: d,
            key_size_range: (self.min_key_size, self.max_key_size),
            accept_requestor_entropy: self.accept_requestor_entropy,
            renew_expired: self.renew_expired,
            clock_skew: Duration::from_secs(self.clock_skew_seconds),
            issuer_entropy: self.issuer_entropy,
            challenge: self.challenge,
            exchange_timeout: Duration::from_secs(self.exchange_timeout_seconds),
            accept_unsolicited: self.accept_unsolicited,
        })
    }
}

/// Fill `*policy` with the default policy (see `wssx_service_policy`).
#[no_mangle]
pub unsafe extern "C" fn wssx_service_policy_default(
    policy: *mut wssx_service_policy,
) -> wssx_status {
    guard("wssx_service_policy_default", || {
        out_value(policy, wssx_service_policy::defaults(), "policy")?;
        Ok(())
    })
}

/// What a `wssx_authorize_fn` is asked about. Everything it points to is valid only
/// during the callback; strings are UTF-8 and NUL-terminated too.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_auth_request {
    /// The operation requested.
    pub operation: wssx_operation,
    /// The request envelope as received (`envelope_len` bytes): check the request's own
    /// security here (a bootstrap signature, a token in its Security header).
    pub envelope: *const u8,
    /// Length of `envelope` in bytes.
    pub envelope_len: usize,
    /// The wsc:Identifier of the context the request acts on; NULL (length 0) for an
    /// issue.
    pub context_identifier: *const u8,
    /// Length of `context_identifier` in bytes.
    pub context_identifier_len: usize,
    /// Its wsc:Instance; NULL (length 0) when none.
    pub context_instance: *const u8,
    /// Length of `context_instance` in bytes.
    pub context_instance_len: usize,
    /// The principal recorded when the context was issued; NULL (length 0) when none.
    pub context_principal: *const u8,
    /// Length of `context_principal` in bytes.
    pub context_principal_len: usize,
}

/// Decides who may do what: called for every operation with the `user_data` given to
/// `wssx_service_new` and the request (see `wssx_auth_request`), before the service acts.
///
/// Return WSSX_AUTHORIZE_ALLOW (0) to allow it; for an issue you may also name the
/// principal to record with the new context, by writing it (UTF-8) to `principal_out`
/// (room for `principal_cap` bytes, which is WSSX_MAX_PRINCIPAL_LEN) and setting
/// `*principal_len` (0 on entry: no principal). Return WSSX_AUTHORIZE_DENY (1) to refuse
/// it: the service answers with a wst:FailedAuthentication fault. Any other value, a
/// `*principal_len` beyond `principal_cap` or a principal that is not UTF-8 is a failure:
/// the service answers with a wst:RequestFailed fault.
///
/// The callback runs on the thread that called `wssx_service_handle`, before it returns;
/// a service used from several threads calls it concurrently, so it must then be
/// thread-safe. It may call other wssx functions but must not unwind (C++ exceptions,
/// longjmp) through wssx.
pub type wssx_authorize_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        request: *const wssx_auth_request,
        principal_out: *mut u8,
        principal_cap: usize,
        principal_len: *mut usize,
    ) -> c_int,
>;

type AuthorizeFn = unsafe extern "C" fn(
    *mut c_void,
    *const wssx_auth_request,
    *mut u8,
    usize,
    *mut usize,
) -> c_int;

/// The authorizer's `user_data`; thread-safety is the caller's promise.
struct UserData(*mut c_void);

impl UserData {
    /// The pointer (a method, so that closures capture the whole `Send + Sync` wrapper).
    fn get(&self) -> *mut c_void {
        self.0
    }
}
// SAFETY: documented on wssx_authorize_fn / wssx_service: a service used from several
// threads needs a thread-safe callback; the pointer is only handed back to it.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// A token service (opaque): it processes RST envelopes (issue, renew, amend, cancel,
/// validate of security context tokens, in WS-Trust February 2005 and 1.3, SOAP 1.1 and
/// 1.2, recognised from the request) into RSTR envelopes or version-correct SOAP faults,
/// keeping contexts in its store, and verifies application messages protected with them.
///
/// Created by `wssx_service_new`; the caller owns the handle and releases it with
/// `wssx_service_free`. One service may be used from many threads at once
/// (`wssx_service_handle`, `wssx_service_verify_message`): it is safe as long as its
/// store's callbacks and its authorizer are thread-safe. `wssx_service_free` must not run
/// concurrently with any other use of it.
#[allow(non_camel_case_types)]
pub struct wssx_service {
    service: TokenService,
}

/// Ask the C authorizer.
///
/// # Safety
/// `f` must honour the `wssx_authorize_fn` contract.
unsafe fn call_authorize(
    f: AuthorizeFn,
    user_data: *mut c_void,
    r: &AuthRequest<'_>,
) -> wssx::Result<Option<String>> {
    let c = |s: Option<&str>| s.map(crate::verify::c_string_bytes);
    let identifier = c(r.context.map(|x| x.identifier.as_str()));
    let instance = c(r.context.and_then(|x| x.instance.as_deref()));
    let principal = c(r.context.and_then(|x| x.principal.as_deref()));
    let ptr = |v: &Option<Vec<u8>>| match v {
        Some(b) => (b.as_ptr(), b.len() - 1),
        None => (std::ptr::null(), 0),
    };
    let (context_identifier, context_identifier_len) = ptr(&identifier);
    let (context_instance, context_instance_len) = ptr(&instance);
    let (context_principal, context_principal_len) = ptr(&principal);
    let request = wssx_auth_request {
        operation: r.operation.into(),
        envelope: r.envelope.as_ptr(),
        envelope_len: r.envelope.len(),
        context_identifier,
        context_identifier_len,
        context_instance,
        context_instance_len,
        context_principal,
        context_principal_len,
    };
    let mut out = vec![0u8; WSSX_MAX_PRINCIPAL_LEN];
    let mut len: usize = 0;
    let rc = f(
        user_data,
        &request,
        out.as_mut_ptr(),
        WSSX_MAX_PRINCIPAL_LEN,
        &mut len,
    );
    let err = |m: String| Error::at(ErrorKind::Callback, "authorizer", m);
    let result = match rc {
        WSSX_AUTHORIZE_ALLOW if len > WSSX_MAX_PRINCIPAL_LEN => Err(err(format!(
            "the callback reported a {len}-byte principal; the buffer holds {WSSX_MAX_PRINCIPAL_LEN} bytes"
        ))),
        WSSX_AUTHORIZE_ALLOW if len == 0 => Ok(None),
        WSSX_AUTHORIZE_ALLOW => match std::str::from_utf8(&out[..len]) {
            Ok(p) => Ok(Some(p.to_string())),
            Err(_) => Err(err("the principal is not UTF-8".into())),
        },
        WSSX_AUTHORIZE_DENY => Err(Error::new(
            ErrorKind::FailedAuthentication,
            "the authorizer refused the request",
        )),
        other => Err(err(format!("the callback failed with return code {other}"))),
    };
    wipe(&mut out);
    result
}

/// A new token service keeping its contexts in `store` (the service takes its own
/// reference: the store handle may be freed afterwards), under `*policy` (copied; NULL
/// means `wssx_service_policy_default`). `authorize` (NULL: every request is allowed)
/// is called with `user_data` for every operation (see `wssx_authorize_fn`);
/// `user_data` must stay valid until the service is freed.
///
/// Errors: WSSX_NULL_ARGUMENT, WSSX_INVALID_ARGUMENT (a lifetime of 0, an empty key size
/// range, a default key size outside it or not a multiple of 8, a certificate or private
/// key that does not parse, one without the other, or a key that does not match the
/// certificate).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_service_free`);
/// on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_service_new(
    store: *const wssx_store,
    policy: *const wssx_service_policy,
    authorize: wssx_authorize_fn,
    user_data: *mut c_void,
    out: *mut *mut wssx_service,
) -> wssx_status {
    guard("wssx_service_new", || {
        let out = out_handle(out, "out")?;
        let store = handle(store, "store")?.store.clone();
        let (policy, keys, negotiator) = match policy.as_ref() {
            Some(p) => (
                p.to_core()?,
                p.identity()?,
                p.negotiator.map(|f| (f, p.negotiator_user_data)),
            ),
            None => (ServicePolicy::default(), None, None),
        };
        let mut service = TokenService::new(store, policy);
        if let Some((f, ud)) = negotiator {
            service = service.with_negotiation(crate::negotiate::factory(f, ud));
        }
        if let Some(keys) = keys {
            service = service.with_keys(keys);
        }
        if let Some(f) = authorize {
            let ud = UserData(user_data);
            service = service.with_authorizer(Box::new(move |r: &AuthRequest<'_>| {
                // SAFETY: the caller vouches for the callback.
                unsafe { call_authorize(f, ud.get(), r) }
            }));
        }
        *out = Box::into_raw(Box::new(wssx_service { service }));
        Ok(())
    })
}

/// Process one request envelope `request` (`request_len` bytes, as received over HTTP).
/// This never fails on account of the request: anything wrong with it (not XML, not an
/// RST, an unknown or cancelled context, a bad signature, a refusal by the authorizer or
/// the policy) becomes a SOAP fault in the request's SOAP and trust versions, with the
/// spec's fault code (wst:InvalidRequest, wsc:BadContextToken, ...).
///
/// Outputs (all required; the buffers must be distinct):
/// - `*response`: the response envelope (an RSTR or RSTRC, or a SOAP fault; UTF-8,
///   NUL-terminated; it may hold key material, which `wssx_buf_free` wipes);
/// - `*is_fault`: true when it is a fault (send it with HTTP status 500);
/// - `*action`: its wsa:Action; {NULL, 0} when the request had no addressing headers;
/// - `*content_type`: the HTTP Content-Type to send it with.
///
/// The caller owns the buffers and frees them with `wssx_buf_free`. The request is only
/// read during the call. Safe to call from several threads at once on one service.
#[no_mangle]
pub unsafe extern "C" fn wssx_service_handle(
    svc: *const wssx_service,
    request: *const u8,
    request_len: usize,
    response: *mut wssx_buf,
    is_fault: *mut bool,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_service_handle", || {
        let response = out_buf(response, "response")?;
        let is_fault = out_value(is_fault, false, "is_fault")?;
        let action = out_buf(action, "action")?;
        let content_type = out_buf(content_type, "content_type")?;
        let svc = handle(svc, "svc")?;
        let request = bytes(request, request_len, "request")?;
        let r = svc.service.handle(request);
        put(response, Some(r.envelope.as_bytes()));
        *is_fault = r.is_fault;
        put(action, r.action.as_deref().map(str::as_bytes));
        put(content_type, Some(r.content_type.as_bytes()));
        Ok(())
    })
}

/// Verify an application message `envelope` (`envelope_len` bytes) protected with a
/// context this service issued (by `wssx_context_protect` or `wssx_protect`): keys come
/// from the store, the Timestamp is checked with the policy's clock skew. As with
/// `wssx_verify`, success means everything the Security header claims held: ask the
/// report what was covered, and by which context.
///
/// Errors: those of `wssx_verify`; a context the store does not know, or one that was
/// cancelled, gives WSSX_BAD_CONTEXT_TOKEN; an expired one WSSX_RENEW_NEEDED; a store
/// callback failure WSSX_CALLBACK.
///
/// On success `*out` is a new report owned by the caller (free with
/// `wssx_verify_report_free`); on failure it is NULL. Safe to call from several threads
/// at once on one service.
#[no_mangle]
pub unsafe extern "C" fn wssx_service_verify_message(
    svc: *const wssx_service,
    envelope: *const u8,
    envelope_len: usize,
    out: *mut *mut wssx_verify_report,
) -> wssx_status {
    guard("wssx_service_verify_message", || {
        let out = out_handle(out, "out")?;
        let svc = handle(svc, "svc")?;
        let envelope = bytes(envelope, envelope_len, "envelope")?;
        let report = svc.service.verify_message(envelope)?;
        *out = Box::into_raw(Box::new(wssx_verify_report { report }));
        Ok(())
    })
}

/// Accept a context a peer created and propagated to this service (direct key transfer,
/// WS-SecureConversation 3 / WS-Trust 1.4 key exchange pattern 1): `envelope`
/// (`envelope_len` bytes) carries an unsolicited RSTR (as `wssx_context_propagate` makes)
/// with the SCT and its key encrypted for this service's certificate, in the Body or in a
/// wst:IssuedTokens header. With `require_signature` the message Body must be signed
/// with the new context's key (proof of possession). The authorizer is asked as for an
/// issue (WSSX_OP_ISSUE); the context is stored with the policy's lifetime (at most the
/// lifetime the RSTR states).
///
/// Errors: WSSX_UNSUPPORTED_CONTEXT_TOKEN (the policy does not set
/// `accept_unsolicited`), WSSX_INVALID_REQUEST (no RSTR with an SCT, no usable proof
/// token, a key shorter than 16 bytes, a key encrypted for a service without an
/// identity), WSSX_BAD_CONTEXT_TOKEN (the Identifier is already known),
/// WSSX_FAILED_AUTHENTICATION (not signed with the new context, or refused by the
/// authorizer), the errors of `wssx_verify`, WSSX_CALLBACK (a store callback failed).
///
/// On success `*identifier` is the new context's wsc:Identifier (UTF-8, NUL-terminated,
/// owned by the caller, free with `wssx_buf_free`); on failure it is {NULL, 0}. Safe to
/// call from several threads at once on one service.
#[no_mangle]
pub unsafe extern "C" fn wssx_service_accept_unsolicited(
    svc: *const wssx_service,
    envelope: *const u8,
    envelope_len: usize,
    require_signature: bool,
    identifier: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_service_accept_unsolicited", || {
        let identifier = out_buf(identifier, "identifier")?;
        let svc = handle(svc, "svc")?;
        let envelope = bytes(envelope, envelope_len, "envelope")?;
        let stored = svc
            .service
            .accept_unsolicited(envelope, require_signature)?;
        put(identifier, Some(stored.identifier.as_bytes()));
        Ok(())
    })
}

/// Release a service. NULL is a no-op. The handle must not be used afterwards; when it
/// was the last user of its store, the store goes too (a callback store's `release` is
/// called).
#[no_mangle]
pub unsafe extern "C" fn wssx_service_free(svc: *mut wssx_service) {
    guard_void(|| {
        if !svc.is_null() {
            drop(Box::from_raw(svc));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_core() {
        let d = wssx_service_policy::defaults().to_core().unwrap();
        assert_eq!(format!("{d:?}"), format!("{:?}", ServicePolicy::default()));
        let mut p = wssx_service_policy::defaults();
        p.lifetime_seconds = 0;
        assert!(p.to_core().is_err());
        let mut p = wssx_service_policy::defaults();
        p.default_key_size = 1024;
        assert!(p.to_core().is_err());
        let mut p = wssx_service_policy::defaults();
        p.min_key_size = 600;
        assert!(p.to_core().is_err());
    }
}
