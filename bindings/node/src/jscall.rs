//! Calling JavaScript synchronously, on the JS thread, from inside a core call.
//!
//! Core takes callbacks as Rust closures or trait objects (a re-proof step, a context
//! store, an authorizer) and calls them while it works. The JS functions behind them are
//! called here through raw N-API so that:
//! - an exception a JS function throws is taken off the env (N-API stays usable), kept,
//!   reported to core as an error that ends its work, and re-thrown unchanged once core
//!   has returned: the caller catches the very value the callback threw;
//! - a callback that answers with something unusable (a wrong type, a Promise) is
//!   recorded as an "InvalidArgument" error naming the callback, thrown once core has
//!   returned, instead of being turned into a protocol answer;
//! - after either, no JS is called again during that core call.
//!
//! A [`JsCalls`] lives for one native call on the JS thread; the `napi_value`s it handles
//! belong to that call's handle scope and are never kept past it.

use std::cell::{Cell, RefCell};
use std::ptr;

use napi::bindgen_prelude::Unknown;
use napi::{sys, Status};
use wssx::{Error, ErrorKind};

use crate::conv::{JsError, Result};

/// The state of the JS calls made during one native call.
pub(crate) struct JsCalls {
    env: sys::napi_env,
    thrown: Cell<Option<sys::napi_value>>,
    misuse: RefCell<Option<JsError>>,
}

/// The error core sees when a callback threw or misbehaved (never surfaces: `finish`
/// replaces it).
fn stopped(doing: &str) -> Error {
    Error::at(ErrorKind::Callback, doing, "the JavaScript callback failed")
}

impl JsCalls {
    pub(crate) fn new(env: sys::napi_env) -> Self {
        JsCalls {
            env,
            thrown: Cell::new(None),
            misuse: RefCell::new(None),
        }
    }

    /// Err once a callback threw or misbehaved: core must not call JS again.
    pub(crate) fn live(&self, doing: &str) -> wssx::Result<()> {
        if self.thrown.get().is_some() || self.misuse.borrow().is_some() {
            return Err(stopped(doing));
        }
        Ok(())
    }

    /// Take the pending exception, if any, and keep the first one.
    fn capture(&self) -> bool {
        let mut pending = false;
        // SAFETY: env is the live call's env.
        unsafe { sys::napi_is_exception_pending(self.env, &mut pending) };
        if !pending {
            return false;
        }
        let mut exc = ptr::null_mut();
        // SAFETY: as above; this clears the exception so that N-API stays usable.
        if unsafe { sys::napi_get_and_clear_last_exception(self.env, &mut exc) }
            == sys::Status::napi_ok
            && self.thrown.get().is_none()
        {
            self.thrown.set(Some(exc));
        }
        true
    }

    /// Ok for napi_ok; otherwise the pending exception is kept, or the failure recorded.
    pub(crate) fn check(&self, status: sys::napi_status, doing: &str) -> wssx::Result<()> {
        if status == sys::Status::napi_ok {
            return Ok(());
        }
        if !self.capture() {
            self.record(crate::conv::core_err(Error::at(
                ErrorKind::Callback,
                doing,
                format!("N-API failed: {}", Status::from(status)),
            )));
        }
        Err(stopped(doing))
    }

    /// Record a misuse (the first one wins) and return the error that stops core.
    pub(crate) fn misuse(&self, doing: &str, e: JsError) -> Error {
        self.record(e);
        stopped(doing)
    }

    fn record(&self, e: JsError) {
        let mut m = self.misuse.borrow_mut();
        if m.is_none() {
            *m = Some(e);
        }
    }

    /// A conversion result of this face: a pending exception (a throwing getter) is
    /// kept; any other error is recorded as a misuse.
    pub(crate) fn take<T>(&self, doing: &str, r: Result<T>) -> wssx::Result<T> {
        match r {
            Ok(v) => Ok(v),
            Err(e) => {
                if !self.capture() {
                    self.record(e);
                }
                Err(stopped(doing))
            }
        }
    }

    /// `value` as an Unknown of this call.
    pub(crate) fn unknown<'a>(&self, value: sys::napi_value) -> Unknown<'a> {
        // SAFETY: `value` is a live value of this call's scope.
        unsafe { Unknown::from_raw_unchecked(self.env, value) }
    }

    pub(crate) fn undefined(&self) -> wssx::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env is live.
        self.check(
            unsafe { sys::napi_get_undefined(self.env, &mut out) },
            "creating undefined",
        )?;
        Ok(out)
    }

    pub(crate) fn null(&self) -> wssx::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env is live.
        self.check(
            unsafe { sys::napi_get_null(self.env, &mut out) },
            "creating null",
        )?;
        Ok(out)
    }

    pub(crate) fn string(&self, s: &str) -> wssx::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env is live; the string is copied.
        let status = unsafe {
            sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), s.len() as isize, &mut out)
        };
        self.check(status, "creating a string")?;
        Ok(out)
    }

    pub(crate) fn opt_string(&self, s: Option<&str>) -> wssx::Result<sys::napi_value> {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }

    /// A JS value from a Rust value of this face (a Buffer, an object, ...).
    pub(crate) fn value<T: napi::bindgen_prelude::ToNapiValue>(
        &self,
        v: T,
        doing: &str,
    ) -> wssx::Result<sys::napi_value> {
        // SAFETY: env is live.
        match unsafe { T::to_napi_value(self.env, v) } {
            Ok(v) => Ok(v),
            Err(e) => {
                if !self.capture() {
                    self.record(crate::conv::core_err(Error::at(
                        ErrorKind::Callback,
                        doing,
                        e.reason.clone(),
                    )));
                }
                Err(stopped(doing))
            }
        }
    }

    /// Call `f` with `this` and `args`.
    pub(crate) fn call(
        &self,
        this: sys::napi_value,
        f: sys::napi_value,
        args: &[sys::napi_value],
        doing: &str,
    ) -> wssx::Result<sys::napi_value> {
        self.live(doing)?;
        let mut out = ptr::null_mut();
        // SAFETY: env, this, f and args are live values of this call.
        let status = unsafe {
            sys::napi_call_function(self.env, this, f, args.len(), args.as_ptr(), &mut out)
        };
        self.check(status, doing)?;
        if crate::conv::is_promise(self.env, out) {
            let e =
                crate::conv::arg_err(doing, "must answer synchronously (it returned a Promise)");
            return Err(self.misuse(doing, e));
        }
        Ok(out)
    }

    /// The function `obj[name]`, or None when the property is undefined or null.
    pub(crate) fn method(
        &self,
        obj: sys::napi_value,
        name: &str,
        doing: &str,
    ) -> wssx::Result<Option<sys::napi_value>> {
        self.live(doing)?;
        let key = self.string(name)?;
        let mut f = ptr::null_mut();
        // SAFETY: env, obj and key are live; a throwing getter leaves an exception.
        let status = unsafe { sys::napi_get_property(self.env, obj, key, &mut f) };
        self.check(status, doing)?;
        let t = self.take(doing, crate::conv::value_type(doing, &self.unknown(f)))?;
        match t {
            napi::ValueType::Undefined | napi::ValueType::Null => Ok(None),
            napi::ValueType::Function => Ok(Some(f)),
            _ => Err(self.misuse(doing, crate::conv::arg_err(doing, "is not a function"))),
        }
    }

    /// Call the method `obj[name]` (which must exist).
    pub(crate) fn call_method(
        &self,
        obj: sys::napi_value,
        name: &str,
        args: &[sys::napi_value],
        doing: &str,
    ) -> wssx::Result<sys::napi_value> {
        let f = self.method(obj, name, doing)?.ok_or_else(|| {
            self.misuse(
                doing,
                crate::conv::arg_err(doing, "is missing (it must be a function)"),
            )
        })?;
        self.call(obj, f, args, doing)
    }

    /// After core returned `r`: re-throw a kept exception unchanged, or throw a recorded
    /// misuse, or give `r`.
    pub(crate) fn finish<T>(&self, r: Result<T>) -> Result<T> {
        if let Some(exc) = self.thrown.take() {
            // SAFETY: env is the live call's env and `exc` the value JS threw during this
            // call. With it pending, napi-rs does not throw the error returned below.
            unsafe { sys::napi_throw(self.env, exc) };
            return Err(napi::Error::new(
                Status::PendingException.as_ref().to_string(),
                "a JavaScript callback threw an exception".to_string(),
            ));
        }
        if let Some(e) = self.misuse.borrow_mut().take() {
            return Err(e);
        }
        r
    }

    /// The value of the persistent reference `r`.
    pub(crate) fn reference(&self, r: sys::napi_ref, doing: &str) -> wssx::Result<sys::napi_value> {
        let mut v = ptr::null_mut();
        // SAFETY: env is live and `r` a reference created in it and not yet deleted.
        self.check(
            unsafe { sys::napi_get_reference_value(self.env, r, &mut v) },
            doing,
        )?;
        if v.is_null() {
            return Err(self.misuse(
                doing,
                crate::conv::arg_err(doing, "the referenced object is gone"),
            ));
        }
        Ok(v)
    }

    /// A persistent (strong) reference to `v`; the caller deletes it.
    pub(crate) fn create_reference(
        &self,
        v: sys::napi_value,
        doing: &str,
    ) -> wssx::Result<sys::napi_ref> {
        let mut r = ptr::null_mut();
        // SAFETY: env and v are live values of this call.
        self.check(
            unsafe { sys::napi_create_reference(self.env, v, 1, &mut r) },
            doing,
        )?;
        Ok(r)
    }
}
