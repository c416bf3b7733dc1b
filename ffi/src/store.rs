//! `wssx_store`: where a token service keeps its security contexts: wssx's embedded
//! in-memory store, or the caller's own storage behind C callbacks.

use std::os::raw::{c_int, c_void};
use std::sync::Arc;

use wssx::binding::{ContextStore, Lookup, MemoryStore, StoredContext};
use wssx::time::Instant;
use wssx::{Error, ErrorKind, Secret};

use crate::args::{
    bytes, handle, handle_mut, opt_text, out_handle, out_value, sc_version, text, ScVersionArg,
};
use crate::status::{guard, guard_void, wssx_status, Failure};
use crate::verify::c_string_bytes;

/// Return value of the store callbacks: success (`get`: found, and answered with
/// `wssx_store_answer_found`).
pub const WSSX_STORE_OK: c_int = 0;
/// Return value of the store callbacks: no such context (or instance).
pub const WSSX_STORE_UNKNOWN: c_int = 1;
/// Return value of the store callbacks: the context was cancelled; it must be refused
/// from now on (WSSX_BAD_CONTEXT_TOKEN).
pub const WSSX_STORE_CANCELLED: c_int = 2;

/// One key instance of a security context, as a token service stores it: a flat view for
/// the store callbacks. Every pointer is a `(pointer, length)` pair; strings are UTF-8.
///
/// When wssx passes one to a callback (`insert`, `update`), the strings are also
/// NUL-terminated, and everything it points to is valid only during the call: copy what
/// you keep. When a `get` callback passes one to `wssx_store_answer_found`, wssx copies it
/// during that call.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_stored_context {
    /// wsc:Identifier of the context (not empty).
    pub identifier: *const u8,
    /// Length of `identifier` in bytes.
    pub identifier_len: usize,
    /// wsc:Instance of this key instance; NULL (with length 0) for the first instance of
    /// a context, which has none.
    pub instance: *const u8,
    /// Length of `instance` in bytes.
    pub instance_len: usize,
    /// The context key. A secret: keep it as such.
    pub secret: *const u8,
    /// Length of `secret` in bytes.
    pub secret_len: usize,
    /// The WS-SecureConversation version the context was issued in.
    pub sc_version: ScVersionArg,
    /// When this instance was created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it expires, in milliseconds since the Unix epoch.
    pub expires_ms: i64,
    /// Who obtained the context (what the service's authorizer said); NULL (with length
    /// 0) for nobody in particular.
    pub principal: *const u8,
    /// Length of `principal` in bytes.
    pub principal_len: usize,
}

/// Where a `get` callback puts the context it found (opaque; see
/// `wssx_store_answer_found`). Valid only during the callback.
#[allow(non_camel_case_types)]
pub struct wssx_store_answer {
    identifier: String,
    instance: Option<String>,
    found: Option<StoredContext>,
}

/// Look up a context: the instance `instance` (UTF-8, `instance_len` bytes) of the
/// context `identifier` (UTF-8, `identifier_len` bytes), or its current instance when
/// `instance` is NULL (with `instance_len` 0). Both are NUL-terminated too, and valid
/// during the call.
///
/// Found: call `wssx_store_answer_found(answer, &ctx)` and return WSSX_STORE_OK. A
/// previous instance should stay findable for a while after a renewal (wssx's memory store
/// keeps it five minutes) so that messages in flight still verify. Not found: return
/// WSSX_STORE_UNKNOWN. Cancelled: return WSSX_STORE_CANCELLED. Any other value (or
/// WSSX_STORE_OK without an answer) is a failure, which the service reports as a
/// wst:RequestFailed fault (or WSSX_CALLBACK from `wssx_service_verify_message`).
pub type wssx_store_get_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        identifier: *const u8,
        identifier_len: usize,
        instance: *const u8,
        instance_len: usize,
        answer: *mut wssx_store_answer,
    ) -> c_int,
>;

/// Store a context (`insert`, `update`): `ctx` and everything it points to is valid only
/// during the call (copy what you keep).
///
/// `insert`: a new context, or a new key instance of an existing one (a renewal: it
/// becomes the current instance; keep the previous one findable for a rollover window).
/// Return WSSX_STORE_OK, or WSSX_STORE_CANCELLED when the context exists and was
/// cancelled (the service then refuses the renewal with wsc:BadContextToken).
///
/// `update`: replace the current instance of an existing context without re-keying (an
/// amendment). Return WSSX_STORE_OK, WSSX_STORE_UNKNOWN or WSSX_STORE_CANCELLED.
///
/// Any other value is a failure.
pub type wssx_store_put_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, ctx: *const wssx_stored_context) -> c_int>;

/// Cancel the context `identifier` (UTF-8, NUL-terminated too, valid during the call):
/// from now on every `get` of it must return WSSX_STORE_CANCELLED (forget its keys; keep
/// a tombstone at least until it would have expired). Return WSSX_STORE_OK, or
/// WSSX_STORE_UNKNOWN when there is no such context; any other value is a failure.
pub type wssx_store_cancel_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        identifier: *const u8,
        identifier_len: usize,
    ) -> c_int,
>;

/// Drop every context that expired before `now_ms` (milliseconds since the Unix epoch),
/// keeping cancelled ones long enough to keep answering them consistently; return how many
/// entries went.
pub type wssx_store_purge_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, now_ms: i64) -> usize>;

/// Called once with the `user_data` when it is no longer needed (see
/// `wssx_store_callbacks.release`).
pub type wssx_release_fn = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// The callbacks of a caller-implemented context store (a shared database, so that any
/// node can verify, renew or cancel any context). `get`, `insert`, `update` and `cancel`
/// are required; `purge` and `release` may be NULL.
///
/// Every callback gets the `user_data` given to `wssx_store_new_callbacks`, runs on the
/// thread of the wssx call that needs it, may call other wssx functions, and must not
/// unwind (C++ exceptions, longjmp) through wssx. A store is shared by the services that
/// use it and they may be used from several threads at once: the callbacks must then be
/// thread-safe (callable concurrently, with their own locking).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_store_callbacks {
    /// Look up a context (see `wssx_store_get_fn`).
    pub get: wssx_store_get_fn,
    /// Store a new context or a new key instance (see `wssx_store_put_fn`).
    pub insert: wssx_store_put_fn,
    /// Replace the current instance without re-keying (see `wssx_store_put_fn`).
    pub update: wssx_store_put_fn,
    /// Cancel a context (see `wssx_store_cancel_fn`).
    pub cancel: wssx_store_cancel_fn,
    /// Drop expired contexts (see `wssx_store_purge_fn`); NULL when the storage expires
    /// entries itself (`wssx_store_purge` then removes nothing).
    pub purge: wssx_store_purge_fn,
    /// Called once with `user_data` when the store is destroyed: when the last of the
    /// store handle and the services using it has been freed. NULL for none.
    pub release: wssx_release_fn,
}

/// A context store (opaque), shared by the services that use it.
///
/// Created by `wssx_store_new_memory` or `wssx_store_new_callbacks`; the caller owns the
/// handle and releases it with `wssx_store_free`. A service keeps its own reference, so
/// the handle may be freed while services still use the store. A store may be used by
/// any number of services and threads at once (a callback store: if its callbacks are
/// thread-safe); `wssx_store_free` must not run concurrently with another use of the
/// same handle.
#[allow(non_camel_case_types)]
pub struct wssx_store {
    pub(crate) store: Arc<dyn ContextStore>,
}

/// A new in-memory store for at most `max_contexts` contexts (at least 1; else
/// WSSX_INVALID_ARGUMENT): safe under concurrent use, expires entries by lifetime (see
/// `wssx_store_purge`), keeps the previous key instance usable for five minutes after a
/// renewal, and keeps cancelled contexts as tombstones for an hour so that they are
/// refused consistently. When full, a new context is refused (wst:RequestFailed) after
/// expired entries are dropped.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_store_free`);
/// on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_store_new_memory(
    max_contexts: usize,
    out: *mut *mut wssx_store,
) -> wssx_status {
    guard("wssx_store_new_memory", || {
        let out = out_handle(out, "out")?;
        if max_contexts == 0 {
            return Err(Failure::invalid(
                "max_contexts",
                "a store must hold at least one context",
            ));
        }
        *out = Box::into_raw(Box::new(wssx_store {
            store: Arc::new(MemoryStore::new(max_contexts)),
        }));
        Ok(())
    })
}

/// The `user_data` of a callback store (the callbacks' thread-safety is the caller's
/// promise, documented on `wssx_store_callbacks`).
struct UserData(*mut c_void);
// SAFETY: see wssx_store_callbacks: callbacks that may run on several threads must be
// thread-safe; the pointer is only handed back to them.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

type GetFn = unsafe extern "C" fn(
    *mut c_void,
    *const u8,
    usize,
    *const u8,
    usize,
    *mut wssx_store_answer,
) -> c_int;
type PutFn = unsafe extern "C" fn(*mut c_void, *const wssx_stored_context) -> c_int;
type CancelFn = unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int;

/// A [`ContextStore`] over C callbacks.
struct CallbackStore {
    get: GetFn,
    insert: PutFn,
    update: PutFn,
    cancel: CancelFn,
    purge: wssx_store_purge_fn,
    release: wssx_release_fn,
    user_data: UserData,
}

impl Drop for CallbackStore {
    fn drop(&mut self) {
        if let Some(f) = self.release {
            // SAFETY: the caller's callback, called once, as documented.
            unsafe { f(self.user_data.0) }
        }
    }
}

fn callback_error(what: &str, message: String) -> Error {
    Error::at(
        ErrorKind::Callback,
        format!("context store {what}"),
        message,
    )
}

fn unexpected(what: &str, rc: c_int) -> Error {
    callback_error(what, format!("the callback failed with return code {rc}"))
}

/// A `wssx_stored_context` view of `ctx`, with the NUL-terminated copies it points into.
struct View {
    identifier: Vec<u8>,
    instance: Option<Vec<u8>>,
    principal: Option<Vec<u8>>,
}

impl View {
    fn new(ctx: &StoredContext) -> View {
        View {
            identifier: c_string_bytes(&ctx.identifier),
            instance: ctx.instance.as_deref().map(c_string_bytes),
            principal: ctx.principal.as_deref().map(c_string_bytes),
        }
    }

    fn flat(&self, ctx: &StoredContext) -> wssx_stored_context {
        let opt = |v: &Option<Vec<u8>>| match v {
            Some(b) => (b.as_ptr(), b.len() - 1),
            None => (std::ptr::null(), 0),
        };
        let (instance, instance_len) = opt(&self.instance);
        let (principal, principal_len) = opt(&self.principal);
        wssx_stored_context {
            identifier: self.identifier.as_ptr(),
            identifier_len: self.identifier.len() - 1,
            instance,
            instance_len,
            secret: ctx.secret.expose().as_ptr(),
            secret_len: ctx.secret.len(),
            sc_version: crate::args::wssx_sc_version::from(ctx.version) as c_int,
            created_ms: ctx.created.millis(),
            expires_ms: ctx.expires.millis(),
            principal,
            principal_len,
        }
    }
}

impl CallbackStore {
    fn put(&self, f: PutFn, what: &str, ctx: &StoredContext) -> wssx::Result<c_int> {
        let view = View::new(ctx);
        let flat = view.flat(ctx);
        // SAFETY: the caller's callback; `flat` points into `view` and `ctx`, alive here.
        match unsafe { f(self.user_data.0, &flat) } {
            rc @ (WSSX_STORE_OK | WSSX_STORE_UNKNOWN | WSSX_STORE_CANCELLED) => Ok(rc),
            other => Err(unexpected(what, other)),
        }
    }
}

impl ContextStore for CallbackStore {
    fn get(&self, identifier: &str, instance: Option<&str>) -> wssx::Result<Lookup> {
        let id = c_string_bytes(identifier);
        let inst = instance.map(c_string_bytes);
        let (inst_ptr, inst_len) = match &inst {
            Some(i) => (i.as_ptr(), i.len() - 1),
            None => (std::ptr::null(), 0),
        };
        let mut answer = wssx_store_answer {
            identifier: identifier.to_string(),
            instance: instance.map(str::to_string),
            found: None,
        };
        // SAFETY: the caller's callback; the strings live until the end of this function.
        let rc = unsafe {
            (self.get)(
                self.user_data.0,
                id.as_ptr(),
                id.len() - 1,
                inst_ptr,
                inst_len,
                &mut answer,
            )
        };
        match rc {
            WSSX_STORE_OK => answer.found.map(Lookup::Found).ok_or_else(|| {
                callback_error(
                    "get",
                    "returned WSSX_STORE_OK without a successful wssx_store_answer_found".into(),
                )
            }),
            WSSX_STORE_UNKNOWN => Ok(Lookup::Unknown),
            WSSX_STORE_CANCELLED => Ok(Lookup::Cancelled),
            other => Err(unexpected("get", other)),
        }
    }

    fn insert(&self, ctx: StoredContext) -> wssx::Result<()> {
        match self.put(self.insert, "insert", &ctx)? {
            WSSX_STORE_OK => Ok(()),
            WSSX_STORE_CANCELLED => Err(Error::new(
                ErrorKind::BadContextToken,
                "the context was cancelled",
            )),
            other => Err(unexpected("insert", other)),
        }
    }

    fn update(&self, ctx: StoredContext) -> wssx::Result<()> {
        match self.put(self.update, "update", &ctx)? {
            WSSX_STORE_OK => Ok(()),
            WSSX_STORE_CANCELLED => Err(Error::new(
                ErrorKind::BadContextToken,
                "the context was cancelled",
            )),
            _ => Err(Error::new(ErrorKind::BadContextToken, "unknown context")),
        }
    }

    fn cancel(&self, identifier: &str) -> wssx::Result<bool> {
        let id = c_string_bytes(identifier);
        // SAFETY: the caller's callback; `id` lives until the end of this function.
        match unsafe { (self.cancel)(self.user_data.0, id.as_ptr(), id.len() - 1) } {
            WSSX_STORE_OK => Ok(true),
            WSSX_STORE_UNKNOWN => Ok(false),
            other => Err(unexpected("cancel", other)),
        }
    }

    fn purge(&self, now: Instant) -> usize {
        match self.purge {
            // SAFETY: the caller's callback.
            Some(f) => unsafe { f(self.user_data.0, now.millis()) },
            None => 0,
        }
    }
}

/// A new store over the caller's own storage: wssx calls `cb`'s functions (copied from
/// `*cb`) with `user_data` whenever a service needs a context (see
/// `wssx_store_callbacks`). `user_data` must stay valid until `cb->release` is called (or,
/// without `release`, until the store handle and every service using it are freed).
///
/// Errors: WSSX_NULL_ARGUMENT (`cb`, `out`, or a required callback is NULL).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_store_free`);
/// on failure it is NULL (and `release` is not called).
#[no_mangle]
pub unsafe extern "C" fn wssx_store_new_callbacks(
    cb: *const wssx_store_callbacks,
    user_data: *mut c_void,
    out: *mut *mut wssx_store,
) -> wssx_status {
    guard("wssx_store_new_callbacks", || {
        let out = out_handle(out, "out")?;
        let cb = *handle(cb, "cb")?;
        let store = CallbackStore {
            get: cb.get.ok_or(Failure::Null("cb.get"))?,
            insert: cb.insert.ok_or(Failure::Null("cb.insert"))?,
            update: cb.update.ok_or(Failure::Null("cb.update"))?,
            cancel: cb.cancel.ok_or(Failure::Null("cb.cancel"))?,
            purge: cb.purge,
            release: cb.release,
            user_data: UserData(user_data),
        };
        *out = Box::into_raw(Box::new(wssx_store {
            store: Arc::new(store),
        }));
        Ok(())
    })
}

/// Answer a `get` callback with the context it found: `*ctx` is copied (the identifier
/// must be the one asked for and, when an instance was asked for, the instance too; else
/// WSSX_INVALID_ARGUMENT). Only valid inside the `get` callback that received `answer`.
/// A failed call leaves the answer unset (the callback should then return a failure
/// code).
#[no_mangle]
pub unsafe extern "C" fn wssx_store_answer_found(
    answer: *mut wssx_store_answer,
    ctx: *const wssx_stored_context,
) -> wssx_status {
    guard("wssx_store_answer_found", || {
        let answer = handle_mut(answer, "answer")?;
        let c = handle(ctx, "ctx")?;
        let identifier = text(c.identifier, c.identifier_len, "ctx.identifier")?;
        if identifier != answer.identifier {
            return Err(Failure::invalid(
                "ctx.identifier",
                format!(
                    "the answer names context '{identifier}', the lookup asked for '{}'",
                    answer.identifier
                ),
            ));
        }
        let instance = opt_text(c.instance, c.instance_len, "ctx.instance")?;
        if answer.instance.is_some() && answer.instance.as_deref() != instance {
            return Err(Failure::invalid(
                "ctx.instance",
                format!(
                    "the answer is instance {:?}, the lookup asked for {:?}",
                    instance,
                    answer.instance.as_deref().unwrap_or_default()
                ),
            ));
        }
        let secret = bytes(c.secret, c.secret_len, "ctx.secret")?;
        let found = StoredContext {
            identifier: identifier.to_string(),
            instance: instance.map(str::to_string),
            secret: Secret::from_slice(secret),
            version: sc_version(c.sc_version, "ctx.sc_version")?,
            created: Instant(c.created_ms),
            expires: Instant(c.expires_ms),
            principal: opt_text(c.principal, c.principal_len, "ctx.principal")?.map(str::to_string),
            amendments: Vec::new(),
        };
        answer.found = Some(found);
        Ok(())
    })
}

/// Drop the contexts that expired (cancelled ones after their tombstone period), in
/// `*removed` how many went. For a callback store this is its `purge` callback (0 without
/// one). Services do not purge by themselves: call this now and then.
#[no_mangle]
pub unsafe extern "C" fn wssx_store_purge(
    store: *const wssx_store,
    removed: *mut usize,
) -> wssx_status {
    guard("wssx_store_purge", || {
        let removed = out_value(removed, 0, "removed")?;
        *removed = handle(store, "store")?.store.purge(Instant::now());
        Ok(())
    })
}

/// Release a store handle. NULL is a no-op. The handle must not be used afterwards;
/// services created with it keep working (the store goes, and a callback store's
/// `release` is called, when the last of them is freed too).
#[no_mangle]
pub unsafe extern "C" fn wssx_store_free(store: *mut wssx_store) {
    guard_void(|| {
        if !store.is_null() {
            drop(Box::from_raw(store));
        }
    })
}
