//! Binary negotiation (WS-Trust 8.4, wst:BinaryExchange) with the exchange implemented in
//! C: `wssx_exchange_handler` is one side of the exchange (SPNEGO, TLSNEGO, a key
//! agreement...), `wssx_negotiation` drives it on the requestor side, and a service
//! accepts negotiations through the `negotiator` of its `wssx_service_policy`.

use std::os::raw::{c_int, c_void};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use wssx::binding::{ExchangeHandler, ExchangeStep, Negotiation, NegotiationStep};
use wssx::{Error, ErrorKind, Secret};

use crate::args::{bytes, handle, out_handle, out_value, text};
use crate::buf::{out_buf, put, wipe, wssx_buf, wssx_buf_free};
use crate::requestor::{context_handle, wssx_context, wssx_requestor};
use crate::status::{guard, guard_void, wssx_status, Failure, FfiResult};

/// The room a `wssx_exchange_step_fn` gets for the negotiated key, in bytes. A service
/// needs a key of 16, 24 or 32 bytes (it wraps the proof key with it, AES key wrap).
pub const WSSX_MAX_NEGOTIATED_KEY_LEN: usize = 64;

/// One step of a binary exchange, called with the handler's `user_data`.
///
/// `incoming` (`incoming_len` bytes, valid during the call) is the peer's last blob; it is
/// NULL (length 0) on the requestor's first step, which produces the blob the exchange
/// opens with. Outputs (reset on entry):
/// - `*output`: the blob to send to the peer: fill it with `wssx_buf_copy`, or leave it
///   {NULL, 0} to send nothing (wssx frees it in every case);
/// - `*complete`: set it to true once this side has finished the exchange;
/// - the negotiated key, once known (at the latest with `*complete`): write it to
///   `key_out` (room for `key_cap` bytes, which is WSSX_MAX_NEGOTIATED_KEY_LEN) and set
///   `*key_len` (0 on entry: no key). wssx wipes its copy of the buffer after the call.
///
/// Return 0 on success. Any other value is a failure: on the requestor side the call that
/// stepped the exchange returns WSSX_CALLBACK, on the service side the request is
/// answered with a fault. A `*key_len` beyond `key_cap` is a failure too.
///
/// The callback runs on the thread that called into wssx (`wssx_requestor_negotiate`,
/// `wssx_negotiation_step`, `wssx_service_handle`), before that call returns: the
/// handler's data must be usable from that thread, which for a service may be a different
/// thread for each leg. It may call other wssx functions but must not unwind (C++
/// exceptions, longjmp) through wssx.
pub type wssx_exchange_step_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        incoming: *const u8,
        incoming_len: usize,
        output: *mut wssx_buf,
        complete: *mut bool,
        key_out: *mut u8,
        key_cap: usize,
        key_len: *mut usize,
    ) -> c_int,
>;

/// Releases a handler's `user_data` when wssx no longer needs it.
pub type wssx_exchange_free_fn = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

type StepFn = unsafe extern "C" fn(
    *mut c_void,
    *const u8,
    usize,
    *mut wssx_buf,
    *mut bool,
    *mut u8,
    usize,
    *mut usize,
) -> c_int;

/// One side of a binary exchange, implemented in C.
///
/// wssx copies the struct; from then on it owns `user_data`: `free` (when not NULL) is
/// called with it exactly once, when the exchange is over (finished, failed, or its
/// `wssx_negotiation` freed; for a service: finished, failed, timed out, or the service
/// freed). `free` runs on the thread that made wssx drop the handler.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_exchange_handler {
    /// The wst:BinaryExchange ValueType the handler speaks (a URI, UTF-8,
    /// `value_type_len` bytes; copied). Required on the requestor side; a negotiator may
    /// leave it NULL to keep the requested one.
    pub value_type: *const u8,
    /// Length of `value_type` in bytes.
    pub value_type_len: usize,
    /// The step function. Required.
    pub step: wssx_exchange_step_fn,
    /// Handed back to `step` and `free`.
    pub user_data: *mut c_void,
    /// Releases `user_data`; NULL when there is nothing to release.
    pub free: wssx_exchange_free_fn,
}

impl wssx_exchange_handler {
    fn empty() -> Self {
        wssx_exchange_handler {
            value_type: std::ptr::null(),
            value_type_len: 0,
            step: None,
            user_data: std::ptr::null_mut(),
            free: None,
        }
    }
}

/// A C exchange handler as core sees it. Dropping it releases the C side's data.
struct CHandler {
    value_type: String,
    step: Option<StepFn>,
    user_data: *mut c_void,
    free: wssx_exchange_free_fn,
}

// SAFETY: documented on wssx_exchange_step_fn: the callbacks run on whatever thread calls
// into wssx, and the caller promises its data is usable there; the handler is never used
// by two threads at once (core's ExchangeHandler is Send, not Sync).
unsafe impl Send for CHandler {}

impl CHandler {
    /// Take ownership of `h`'s data: from here on `free` runs when the result is dropped,
    /// even when the fields turn out to be invalid.
    fn adopt(h: &wssx_exchange_handler) -> Self {
        CHandler {
            value_type: String::new(),
            step: h.step,
            user_data: h.user_data,
            free: h.free,
        }
    }
}

impl Drop for CHandler {
    fn drop(&mut self) {
        if let Some(f) = self.free.take() {
            // SAFETY: the caller handed this pair over for exactly this call.
            unsafe { f(self.user_data) }
        }
    }
}

impl ExchangeHandler for CHandler {
    fn value_type(&self) -> &str {
        &self.value_type
    }

    fn step(&mut self, incoming: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
        let err = |m: String| Error::at(ErrorKind::Callback, "exchange handler", m);
        let f = self
            .step
            .ok_or_else(|| err("the handler has no step function".into()))?;
        let (ptr, len) = match incoming {
            Some(b) => (
                if b.is_empty() {
                    [0u8].as_ptr()
                } else {
                    b.as_ptr()
                },
                b.len(),
            ),
            None => (std::ptr::null(), 0),
        };
        let mut output = wssx_buf::empty();
        let mut complete = false;
        let mut key = [0u8; WSSX_MAX_NEGOTIATED_KEY_LEN];
        let mut key_len: usize = 0;
        // SAFETY: the caller vouches for the callback.
        let rc = unsafe {
            f(
                self.user_data,
                ptr,
                len,
                &mut output,
                &mut complete,
                key.as_mut_ptr(),
                WSSX_MAX_NEGOTIATED_KEY_LEN,
                &mut key_len,
            )
        };
        // SAFETY: filled by wssx_buf_copy (or left empty).
        let out = unsafe { output.as_bytes() }.map(<[u8]>::to_vec);
        unsafe { wssx_buf_free(&mut output) };
        let result = if rc != 0 {
            Err(err(format!("the callback failed with return code {rc}")))
        } else if key_len > WSSX_MAX_NEGOTIATED_KEY_LEN {
            Err(err(format!(
                "the callback reported a {key_len}-byte key; the buffer holds {WSSX_MAX_NEGOTIATED_KEY_LEN} bytes"
            )))
        } else {
            Ok(ExchangeStep {
                output: out,
                complete,
                key: (key_len > 0).then(|| Secret::new(key[..key_len].to_vec())),
            })
        };
        wipe(&mut key);
        result
    }
}

/// The handler a failed negotiator stands for: its first step fails, so the service
/// answers with a fault.
struct Failed(String, c_int);

impl ExchangeHandler for Failed {
    fn value_type(&self) -> &str {
        &self.0
    }
    fn step(&mut self, _: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
        Err(Error::at(
            ErrorKind::Callback,
            "negotiator",
            format!("the callback failed with return code {}", self.1),
        ))
    }
}

/// Return value of a `wssx_negotiator_fn`: the value type is supported and `*out` holds
/// its handler.
pub const WSSX_NEGOTIATE_ACCEPT: c_int = 0;
/// Return value of a `wssx_negotiator_fn`: the value type is not supported (the service
/// answers with a wst:BadRequest fault).
pub const WSSX_NEGOTIATE_UNSUPPORTED: c_int = 1;

/// Makes the service side of a binary negotiation: called with the `negotiator_user_data`
/// of the service policy and the ValueType of the requestor's wst:BinaryExchange
/// (`value_type_len` bytes of UTF-8, NUL-terminated, valid during the call).
///
/// Return WSSX_NEGOTIATE_ACCEPT (0) after filling `*out` (zeroed on entry; see
/// `wssx_exchange_handler`: `step` is required, `value_type` may stay NULL), or
/// WSSX_NEGOTIATE_UNSUPPORTED (1): the service answers with a wst:BadRequest fault. Any
/// other value is a failure: the service answers with a fault. wssx takes `*out` (and
/// calls its `free`) only when the callback returns 0.
///
/// The callback runs on the thread that called `wssx_service_handle`, before it returns;
/// a service used from several threads calls it concurrently, so it must then be
/// thread-safe. It must not unwind (C++ exceptions, longjmp) through wssx.
pub type wssx_negotiator_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        value_type: *const u8,
        value_type_len: usize,
        out: *mut wssx_exchange_handler,
    ) -> c_int,
>;

type NegotiatorFn =
    unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut wssx_exchange_handler) -> c_int;

/// The negotiator's `user_data`; thread-safety is the caller's promise.
struct UserData(*mut c_void);

impl UserData {
    fn get(&self) -> *mut c_void {
        self.0
    }
}
// SAFETY: documented on wssx_negotiator_fn.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// The core negotiator factory for a C negotiator.
pub(crate) fn factory(
    f: NegotiatorFn,
    user_data: *mut c_void,
) -> Box<wssx::binding::NegotiatorFactory> {
    let ud = UserData(user_data);
    Box::new(move |vt: &str| -> Option<Box<dyn ExchangeHandler>> {
        let c = crate::verify::c_string_bytes(vt);
        let mut h = wssx_exchange_handler::empty();
        // SAFETY: the caller vouches for the callback.
        let rc = unsafe { f(ud.get(), c.as_ptr(), c.len() - 1, &mut h) };
        match rc {
            WSSX_NEGOTIATE_ACCEPT => {
                let mut ch = CHandler::adopt(&h);
                // SAFETY: the negotiator promises a valid pointer and length.
                match unsafe { crate::args::opt_text(h.value_type, h.value_type_len, "value_type") }
                {
                    Ok(Some(v)) => ch.value_type = v.to_string(),
                    Ok(None) => ch.value_type = vt.to_string(),
                    Err(_) => return Some(Box::new(Failed(vt.to_string(), rc))),
                }
                // A NULL step function fails at the first step (WSSX_CALLBACK).
                Some(Box::new(ch))
            }
            WSSX_NEGOTIATE_UNSUPPORTED => None,
            other => Some(Box::new(Failed(vt.to_string(), other))),
        }
    })
}

/// A binary negotiation in progress on the requestor side (opaque): the exchange handler,
/// the transcript of the legs so far (for the final CombinedHash check) and the @Context.
///
/// Created by `wssx_requestor_negotiate` and `wssx_negotiation_step`; consumed by
/// `wssx_negotiation_step`, or released unused with `wssx_negotiation_free` (which
/// releases the handler). A negotiation may move between threads together with what its
/// handler's data needs; it must not be used by two threads at once.
#[allow(non_camel_case_types)]
pub struct wssx_negotiation {
    negotiation: Negotiation,
}

/// Start a binary negotiation (WS-Trust 8.4) for a new security context: the handler's
/// first step (called with `incoming` NULL) gives the blob of a wst:BinaryExchange with
/// the handler's ValueType, sent in an issue RST with the configured key size.
///
/// `*h` is copied and wssx owns its `user_data` from the start of the call (see
/// `wssx_exchange_handler`): its `free` runs when the negotiation ends, also when this
/// call fails (for any reason once `h` is not NULL).
///
/// Outputs (all required; the buffers must be distinct; on failure all are {NULL, 0} /
/// NULL): `*envelope`, `*action`, `*content_type` as for `wssx_requestor_issue`, and
/// `*out`: the negotiation, owned by the caller, to step with the response
/// (`wssx_negotiation_step`) or release with `wssx_negotiation_free`.
///
/// Errors: WSSX_NULL_ARGUMENT, WSSX_INVALID_UTF8 / WSSX_INVALID_ARGUMENT (the value type
/// is not UTF-8 or empty), WSSX_NULL_ARGUMENT for a NULL `step`, WSSX_CALLBACK (the first
/// step failed). `req` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_requestor_negotiate(
    req: *const wssx_requestor,
    h: *const wssx_exchange_handler,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    out: *mut *mut wssx_negotiation,
) -> wssx_status {
    guard("wssx_requestor_negotiate", || {
        // Adopted first: released on every failure below.
        let adopted = h.as_ref().map(CHandler::adopt);
        let envelope = out_buf(envelope, "envelope")?;
        let action = out_buf(action, "action")?;
        let content_type = out_buf(content_type, "content_type")?;
        let out = out_handle(out, "out")?;
        let (h, mut ch) = match adopted {
            Some(ch) => (&*h, ch),
            None => return Err(Failure::Null("h")),
        };
        let req = handle(req, "req")?;
        let vt = text(h.value_type, h.value_type_len, "h->value_type")?;
        if vt.is_empty() {
            return Err(Failure::invalid(
                "h->value_type",
                "the value type is required",
            ));
        }
        ch.value_type = vt.to_string();
        if ch.step.is_none() {
            return Err(Failure::Null("h->step"));
        }
        let (request, negotiation) = req.requestor.negotiate(Box::new(ch))?;
        put(envelope, Some(request.envelope.as_bytes()));
        put(action, Some(request.action.as_bytes()));
        put(content_type, Some(request.content_type.as_bytes()));
        *out = Box::into_raw(Box::new(wssx_negotiation { negotiation }));
        Ok(())
    })
}

/// Process the service's answer `response` (`response_len` bytes) to the last leg of
/// negotiation `n`. Consumes `n` whatever the result (like `wssx_pending_finish`), except
/// when `n` itself is NULL.
///
/// Outputs (all required; on failure all are reset: false / NULL / {NULL, 0}):
/// - `*done`: true when the context is established: `*ctx_out` is the new context (owned
///   by the caller, free with `wssx_context_free`) and the other outputs are empty / NULL;
/// - otherwise the exchange goes on: `*envelope`, `*action`, `*content_type` are the next
///   request to send (as for `wssx_requestor_issue`) and `*next` the negotiation to step
///   with its answer; `*ctx_out` is NULL.
///
/// Errors: a SOAP fault from the service gives the status of its fault code
/// (WSSX_BAD_REQUEST for a value type the service does not negotiate,
/// WSSX_FAILED_AUTHENTICATION, ...); WSSX_FAILED_AUTHENTICATION when the final
/// response's Authenticator (CombinedHash) does not match the exchange;
/// WSSX_MALFORMED_XML / WSSX_INVALID_REQUEST for a response that is not an RSTR of this
/// negotiation; WSSX_CALLBACK when the handler failed.
#[no_mangle]
pub unsafe extern "C" fn wssx_negotiation_step(
    n: *mut wssx_negotiation,
    response: *const u8,
    response_len: usize,
    done: *mut bool,
    ctx_out: *mut *mut wssx_context,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    next: *mut *mut wssx_negotiation,
) -> wssx_status {
    guard("wssx_negotiation_step", || {
        step(
            n,
            response,
            response_len,
            done,
            ctx_out,
            envelope,
            action,
            content_type,
            next,
        )
    })
}

#[allow(clippy::too_many_arguments)]
unsafe fn step(
    n: *mut wssx_negotiation,
    response: *const u8,
    response_len: usize,
    done: *mut bool,
    ctx_out: *mut *mut wssx_context,
    envelope: *mut wssx_buf,
    action: *mut wssx_buf,
    content_type: *mut wssx_buf,
    next: *mut *mut wssx_negotiation,
) -> FfiResult {
    if n.is_null() {
        return Err(Failure::Null("n"));
    }
    // Consumed from here on, whatever happens next.
    let n = *Box::from_raw(n);
    let done = out_value(done, false, "done")?;
    let ctx_out = out_handle(ctx_out, "ctx_out")?;
    let envelope = out_buf(envelope, "envelope")?;
    let action = out_buf(action, "action")?;
    let content_type = out_buf(content_type, "content_type")?;
    let next = out_handle(next, "next")?;
    let response = bytes(response, response_len, "response")?;
    match n.negotiation.step(response)? {
        NegotiationStep::Continue(request, negotiation) => {
            put(envelope, Some(request.envelope.as_bytes()));
            put(action, Some(request.action.as_bytes()));
            put(content_type, Some(request.content_type.as_bytes()));
            *next = Box::into_raw(Box::new(wssx_negotiation { negotiation }));
        }
        NegotiationStep::Done(c) => {
            *ctx_out = context_handle(c, Arc::new(AtomicBool::new(false)));
            *done = true;
        }
    }
    Ok(())
}

/// Release a negotiation unused (and its handler: its `free` runs). NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn wssx_negotiation_free(n: *mut wssx_negotiation) {
    guard_void(|| {
        if !n.is_null() {
            drop(Box::from_raw(n));
        }
    })
}
