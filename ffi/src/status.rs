//! Status codes, the thread-local last error, and the panic boundary every export runs in.

use std::cell::RefCell;
use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};

use wssx::ErrorKind;

/// The result of every wssx call that can fail.
///
/// `WSSX_OK` is success. The next three codes are specific to the C API; the rest map one
/// to one, in declaration order, onto the kinds of `wssx::ErrorKind` that the Python
/// (exception classes) and Node (`Error.code`) faces expose, and `wssx_status_name`
/// returns the same stable names ("BadContextToken", "LimitExceeded", ...).
/// The numeric values are part of the ABI and never change.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum wssx_status {
    /// Success.
    WSSX_OK = 0,
    /// A pointer that must not be NULL was NULL (a NULL data pointer with length 0 is an
    /// empty input and is accepted).
    WSSX_NULL_ARGUMENT = 1,
    /// wssx panicked (a bug in wssx); the call had no effect on its outputs.
    WSSX_PANIC = 2,
    /// A string argument was not valid UTF-8.
    WSSX_INVALID_UTF8 = 3,
    /// wst:InvalidRequest: the request was invalid or malformed.
    WSSX_INVALID_REQUEST = 4,
    /// wst:FailedAuthentication: authentication failed.
    WSSX_FAILED_AUTHENTICATION = 5,
    /// wst:RequestFailed: the specified request failed.
    WSSX_REQUEST_FAILED = 6,
    /// wst:InvalidSecurityToken: security token has been revoked or is invalid.
    WSSX_INVALID_SECURITY_TOKEN = 7,
    /// wst:AuthenticationBadElements: insufficient digest elements.
    WSSX_AUTHENTICATION_BAD_ELEMENTS = 8,
    /// wst:BadRequest: the specified RequestSecurityToken is not understood.
    WSSX_BAD_REQUEST = 9,
    /// wst:ExpiredData: the request data is out-of-date.
    WSSX_EXPIRED_DATA = 10,
    /// wst:InvalidTimeRange: the requested time range is invalid or unsupported.
    WSSX_INVALID_TIME_RANGE = 11,
    /// wst:InvalidScope: the request scope is invalid or unsupported.
    WSSX_INVALID_SCOPE = 12,
    /// wst:RenewNeeded / wsc:RenewNeeded: a renewable security token has expired.
    WSSX_RENEW_NEEDED = 13,
    /// wst:UnableToRenew / wsc:UnableToRenew: the requested renewal failed.
    WSSX_UNABLE_TO_RENEW = 14,
    /// wsc:BadContextToken: the requested context elements are insufficient or unsupported.
    WSSX_BAD_CONTEXT_TOKEN = 15,
    /// wsc:UnsupportedContextToken: not all of the values associated with the SCT are supported.
    WSSX_UNSUPPORTED_CONTEXT_TOKEN = 16,
    /// wsc:UnknownDerivationSource: the specified source for the derivation is unknown.
    WSSX_UNKNOWN_DERIVATION_SOURCE = 17,
    /// The input is not well-formed XML, or is XML that wssx refuses (DTDs, entities).
    WSSX_MALFORMED_XML = 18,
    /// A configured limit (depth, size, count, key length, offset, chain depth) was exceeded.
    WSSX_LIMIT_EXCEEDED = 19,
    /// An argument cannot be used (bad URI, bad length, unknown enum value).
    WSSX_INVALID_ARGUMENT = 20,
    /// A cryptographic operation failed (OpenSSL error, bad key size).
    WSSX_CRYPTO = 21,
    /// A signature or digest did not verify.
    WSSX_INVALID_SIGNATURE = 22,
    /// A caller-supplied callback failed.
    WSSX_CALLBACK = 23,
}

use wssx_status::*;

impl wssx_status {
    /// The status of a core error kind.
    pub fn from_kind(kind: ErrorKind) -> wssx_status {
        match kind {
            ErrorKind::InvalidRequest => WSSX_INVALID_REQUEST,
            ErrorKind::FailedAuthentication => WSSX_FAILED_AUTHENTICATION,
            ErrorKind::RequestFailed => WSSX_REQUEST_FAILED,
            ErrorKind::InvalidSecurityToken => WSSX_INVALID_SECURITY_TOKEN,
            ErrorKind::AuthenticationBadElements => WSSX_AUTHENTICATION_BAD_ELEMENTS,
            ErrorKind::BadRequest => WSSX_BAD_REQUEST,
            ErrorKind::ExpiredData => WSSX_EXPIRED_DATA,
            ErrorKind::InvalidTimeRange => WSSX_INVALID_TIME_RANGE,
            ErrorKind::InvalidScope => WSSX_INVALID_SCOPE,
            ErrorKind::RenewNeeded => WSSX_RENEW_NEEDED,
            ErrorKind::UnableToRenew => WSSX_UNABLE_TO_RENEW,
            ErrorKind::BadContextToken => WSSX_BAD_CONTEXT_TOKEN,
            ErrorKind::UnsupportedContextToken => WSSX_UNSUPPORTED_CONTEXT_TOKEN,
            ErrorKind::UnknownDerivationSource => WSSX_UNKNOWN_DERIVATION_SOURCE,
            ErrorKind::MalformedXml => WSSX_MALFORMED_XML,
            ErrorKind::LimitExceeded => WSSX_LIMIT_EXCEEDED,
            ErrorKind::InvalidArgument => WSSX_INVALID_ARGUMENT,
            ErrorKind::Crypto => WSSX_CRYPTO,
            ErrorKind::InvalidSignature => WSSX_INVALID_SIGNATURE,
            ErrorKind::Callback => WSSX_CALLBACK,
            // ErrorKind is non_exhaustive; the unit test `every_kind_has_its_own_code`
            // fails as soon as core adds a kind this table does not know.
            _ => WSSX_REQUEST_FAILED,
        }
    }

    /// The core error kind a kind code stands for (None for WSSX_OK, WSSX_NULL_ARGUMENT,
    /// WSSX_PANIC and WSSX_INVALID_UTF8): the inverse of [`wssx_status::from_kind`].
    pub fn kind(self) -> Option<ErrorKind> {
        (self as usize)
            .checked_sub(4)
            .and_then(|i| ErrorKind::ALL.get(i).copied())
    }

    /// The status with numeric value `raw`, if there is one.
    pub fn from_raw(raw: c_int) -> Option<wssx_status> {
        // Every status, in numeric order (local: cbindgen would warn about a private const).
        const ALL_STATUSES: [wssx_status; 24] = [
            WSSX_OK,
            WSSX_NULL_ARGUMENT,
            WSSX_PANIC,
            WSSX_INVALID_UTF8,
            WSSX_INVALID_REQUEST,
            WSSX_FAILED_AUTHENTICATION,
            WSSX_REQUEST_FAILED,
            WSSX_INVALID_SECURITY_TOKEN,
            WSSX_AUTHENTICATION_BAD_ELEMENTS,
            WSSX_BAD_REQUEST,
            WSSX_EXPIRED_DATA,
            WSSX_INVALID_TIME_RANGE,
            WSSX_INVALID_SCOPE,
            WSSX_RENEW_NEEDED,
            WSSX_UNABLE_TO_RENEW,
            WSSX_BAD_CONTEXT_TOKEN,
            WSSX_UNSUPPORTED_CONTEXT_TOKEN,
            WSSX_UNKNOWN_DERIVATION_SOURCE,
            WSSX_MALFORMED_XML,
            WSSX_LIMIT_EXCEEDED,
            WSSX_INVALID_ARGUMENT,
            WSSX_CRYPTO,
            WSSX_INVALID_SIGNATURE,
            WSSX_CALLBACK,
        ];
        usize::try_from(raw)
            .ok()
            .and_then(|i| ALL_STATUSES.get(i).copied())
    }

    /// The stable name, NUL-terminated.
    fn c_name(self) -> &'static [u8] {
        match self {
            WSSX_OK => b"Ok\0",
            WSSX_NULL_ARGUMENT => b"NullArgument\0",
            WSSX_PANIC => b"Panic\0",
            WSSX_INVALID_UTF8 => b"InvalidUtf8\0",
            WSSX_INVALID_REQUEST => b"InvalidRequest\0",
            WSSX_FAILED_AUTHENTICATION => b"FailedAuthentication\0",
            WSSX_REQUEST_FAILED => b"RequestFailed\0",
            WSSX_INVALID_SECURITY_TOKEN => b"InvalidSecurityToken\0",
            WSSX_AUTHENTICATION_BAD_ELEMENTS => b"AuthenticationBadElements\0",
            WSSX_BAD_REQUEST => b"BadRequest\0",
            WSSX_EXPIRED_DATA => b"ExpiredData\0",
            WSSX_INVALID_TIME_RANGE => b"InvalidTimeRange\0",
            WSSX_INVALID_SCOPE => b"InvalidScope\0",
            WSSX_RENEW_NEEDED => b"RenewNeeded\0",
            WSSX_UNABLE_TO_RENEW => b"UnableToRenew\0",
            WSSX_BAD_CONTEXT_TOKEN => b"BadContextToken\0",
            WSSX_UNSUPPORTED_CONTEXT_TOKEN => b"UnsupportedContextToken\0",
            WSSX_UNKNOWN_DERIVATION_SOURCE => b"UnknownDerivationSource\0",
            WSSX_MALFORMED_XML => b"MalformedXml\0",
            WSSX_LIMIT_EXCEEDED => b"LimitExceeded\0",
            WSSX_INVALID_ARGUMENT => b"InvalidArgument\0",
            WSSX_CRYPTO => b"Crypto\0",
            WSSX_INVALID_SIGNATURE => b"InvalidSignature\0",
            WSSX_CALLBACK => b"Callback\0",
        }
    }

    /// The stable name: `wssx::ErrorKind::name()` for the kind codes, "Ok",
    /// "NullArgument", "Panic" and "InvalidUtf8" for the others.
    pub fn name(self) -> &'static str {
        let n = self.c_name();
        std::str::from_utf8(&n[..n.len() - 1]).unwrap_or("Unknown")
    }
}

/// Why a call failed, before it is turned into a status and a message.
#[derive(Debug)]
pub enum Failure {
    /// The named pointer argument was NULL.
    Null(&'static str),
    /// The named string argument was not UTF-8.
    Utf8(&'static str, std::str::Utf8Error),
    /// An error from wssx itself.
    Core(wssx::Error),
}

impl From<wssx::Error> for Failure {
    fn from(e: wssx::Error) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    /// A core `InvalidArgument` error about argument `arg`.
    pub fn invalid(arg: &str, message: impl Into<String>) -> Failure {
        Failure::Core(wssx::Error::at(ErrorKind::InvalidArgument, arg, message))
    }

    /// The status and the "Kind: path: message" text for a failure in function `func`.
    fn describe(self, func: &str) -> (wssx_status, String) {
        match self {
            Failure::Null(arg) => (
                WSSX_NULL_ARGUMENT,
                format!("NullArgument: {func}/{arg}: must not be NULL"),
            ),
            Failure::Utf8(arg, e) => (WSSX_INVALID_UTF8, format!("InvalidUtf8: {func}/{arg}: {e}")),
            Failure::Core(e) => (wssx_status::from_kind(e.kind()), e.to_string()),
        }
    }
}

/// What a function body returns inside the boundary.
pub type FfiResult = Result<(), Failure>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn set_last_error(message: &str) {
    // Messages quote caller input, which may contain NUL bytes: make them visible instead.
    let c = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            *s = c;
        }
    });
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            if !s.as_bytes().is_empty() {
                *s = CString::default();
            }
        }
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic payload"
    }
}

/// Run the body of the export `func`: clear the last error, catch panics, turn a failure
/// into its status and record its message.
pub fn guard<F: FnOnce() -> FfiResult>(func: &'static str, body: F) -> wssx_status {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => WSSX_OK,
        Ok(Err(failure)) => {
            let (status, message) = failure.describe(func);
            set_last_error(&message);
            status
        }
        Err(payload) => {
            set_last_error(&format!("Panic: {func}: {}", panic_message(&*payload)));
            // Dropping a payload could itself panic; never let that unwind into C.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            WSSX_PANIC
        }
    }
}

/// Run a function that returns nothing (the `_free` functions): panics are caught and
/// swallowed, the last error is left alone.
pub fn guard_void<F: FnOnce()>(body: F) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// The message of the most recent wssx call on this thread that returned a status, if it
/// failed: "Kind: path: message" (e.g. "LimitExceeded: wsc:DerivedKeyToken: derivation
/// offset 99999 exceeds the limit of 4096 bytes"). An empty string when that call
/// succeeded or no call was made yet. Never NULL.
///
/// Ownership: the string belongs to wssx. It stays valid until the next wssx call on the
/// same thread; copy it to keep it. Each thread has its own message.
#[no_mangle]
pub extern "C" fn wssx_last_error() -> *const c_char {
    static EMPTY: &[u8] = b"\0";
    catch_unwind(|| LAST_ERROR.try_with(|slot| slot.try_borrow().map(|s| s.as_ptr()).ok()))
        .ok()
        .and_then(|r| r.ok().flatten())
        .unwrap_or(EMPTY.as_ptr() as *const c_char)
}

/// The stable name of a status: the name the other faces use for the same error
/// ("BadContextToken", "LimitExceeded", ...), "Ok", "NullArgument", "Panic",
/// "InvalidUtf8", or "Unknown" for a value that is not a `wssx_status`. Never NULL.
///
/// Ownership: a static string; never free it.
#[no_mangle]
pub extern "C" fn wssx_status_name(status: StatusArg) -> *const c_char {
    match wssx_status::from_raw(status) {
        Some(s) => s.c_name().as_ptr() as *const c_char,
        None => b"Unknown\0".as_ptr() as *const c_char,
    }
}

/// A `wssx_status` passed in by C. It is received as a plain int so that a value outside
/// the enum is not undefined behaviour; the header spells it `wssx_status` (see
/// `[export.rename]` in cbindgen.toml).
pub type StatusArg = c_int;

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last() -> String {
        unsafe { CStr::from_ptr(wssx_last_error()) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn every_kind_has_its_own_code() {
        assert_eq!(
            ErrorKind::ALL.len(),
            20,
            "core added or removed an ErrorKind: update wssx_status"
        );
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            let s = wssx_status::from_kind(*k);
            assert_eq!(s as usize, 4 + i, "{k:?} out of declaration order");
            assert_eq!(s.name(), k.name());
        }
        for k in ErrorKind::ALL {
            assert_eq!(wssx_status::from_kind(*k).kind(), Some(*k));
        }
        for s in [WSSX_OK, WSSX_NULL_ARGUMENT, WSSX_PANIC, WSSX_INVALID_UTF8] {
            assert_eq!(s.kind(), None);
        }
        for i in 0..24 {
            let s = wssx_status::from_raw(i).unwrap();
            assert_eq!(s as c_int, i);
            let n = unsafe { CStr::from_ptr(wssx_status_name(i as c_int)) };
            assert_eq!(n.to_str().unwrap(), s.name());
        }
        for bad in [-1, 24, c_int::MAX, c_int::MIN] {
            assert_eq!(
                unsafe { CStr::from_ptr(wssx_status_name(bad)) }.to_bytes(),
                b"Unknown"
            );
        }
    }

    #[test]
    fn boundary_catches_panics_and_records_errors() {
        assert_eq!(guard("f", || Ok(())), WSSX_OK);
        assert_eq!(last(), "");
        assert_eq!(guard("f", || Err(Failure::Null("out"))), WSSX_NULL_ARGUMENT);
        assert_eq!(last(), "NullArgument: f/out: must not be NULL");
        assert_eq!(guard("g", || panic!("boom")), WSSX_PANIC);
        assert_eq!(last(), "Panic: g: boom");
        assert_eq!(
            guard("g", || panic!("{}", String::from("dyn boom"))),
            WSSX_PANIC
        );
        assert_eq!(last(), "Panic: g: dyn boom");
        let e = wssx::Error::at(ErrorKind::LimitExceeded, "p", "m\0x");
        assert_eq!(guard("h", || Err(e.into())), WSSX_LIMIT_EXCEEDED);
        assert_eq!(last(), "LimitExceeded: p: m\\0x");
        // A successful call clears the message.
        assert_eq!(guard("f", || Ok(())), WSSX_OK);
        assert_eq!(last(), "");
        guard_void(|| panic!("swallowed"));
    }

    #[test]
    fn last_error_is_per_thread() {
        assert_eq!(guard("f", || Err(Failure::Null("x"))), WSSX_NULL_ARGUMENT);
        std::thread::spawn(|| assert_eq!(last(), ""))
            .join()
            .unwrap();
        assert!(!last().is_empty());
    }
}
