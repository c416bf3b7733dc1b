//! Turning C arguments into Rust values: byte ranges, UTF-8 strings, handles, enums.

use std::os::raw::c_int;

use wssx::ScVersion;

use crate::status::Failure;

/// A `wssx_sc_version` passed in by C. It is received as a plain int so that a value
/// outside the enum is an error instead of undefined behaviour; the header spells it
/// `wssx_sc_version` (see `[export.rename]` in cbindgen.toml).
pub type ScVersionArg = c_int;

/// WS-SecureConversation namespace version.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_sc_version {
    /// February 2005: `http://schemas.xmlsoap.org/ws/2005/02/sc` (WCF wsHttpBinding).
    WSSX_SC_FEB2005 = 0,
    /// OASIS WS-SecureConversation 1.3 (and 1.4):
    /// `http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512`.
    WSSX_SC_1_3 = 1,
}

impl From<ScVersion> for wssx_sc_version {
    fn from(v: ScVersion) -> Self {
        match v {
            ScVersion::Feb2005 => wssx_sc_version::WSSX_SC_FEB2005,
            ScVersion::V1_3 => wssx_sc_version::WSSX_SC_1_3,
        }
    }
}

/// The core version named by `raw`.
pub(crate) fn sc_version(raw: ScVersionArg, name: &'static str) -> Result<ScVersion, Failure> {
    match raw {
        0 => Ok(ScVersion::Feb2005),
        1 => Ok(ScVersion::V1_3),
        other => Err(Failure::invalid(
            name,
            format!("{other} is not a wssx_sc_version"),
        )),
    }
}

/// The byte range `(ptr, len)`; NULL with length 0 is the empty range.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::Null(name))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(
            name,
            format!("length {len} is not a valid buffer size"),
        ));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// The UTF-8 string `(ptr, len)`; NULL with length 0 is the empty string.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a str, Failure> {
    std::str::from_utf8(bytes(ptr, len, name)?).map_err(|e| Failure::Utf8(name, e))
}

/// An optional byte range: NULL with length 0 is `None` (the setters' "clear").
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn opt_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() && len == 0 {
        Ok(None)
    } else {
        bytes(ptr, len, name).map(Some)
    }
}

/// An optional UTF-8 string: NULL with length 0 is `None`.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn opt_text<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    match opt_bytes(ptr, len, name)? {
        None => Ok(None),
        Some(b) => std::str::from_utf8(b)
            .map(Some)
            .map_err(|e| Failure::Utf8(name, e)),
    }
}

/// A shared reference to the object behind a handle.
///
/// # Safety
/// Unless NULL, `p` must be a live handle, not modified for `'a`.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &'static str) -> Result<&'a T, Failure> {
    p.as_ref().ok_or(Failure::Null(name))
}

/// An exclusive reference to the object behind a handle.
///
/// # Safety
/// Unless NULL, `p` must be a live handle that nothing else uses for `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(
    p: *mut T,
    name: &'static str,
) -> Result<&'a mut T, Failure> {
    p.as_mut().ok_or(Failure::Null(name))
}

/// A plain out-parameter (`T *out`): checked for NULL and set to `init` (it may point at
/// uninitialized memory, so it is written before a reference to it is made).
///
/// # Safety
/// Unless NULL, `p` must be valid for writes of `T`.
pub(crate) unsafe fn out_value<'a, T>(
    p: *mut T,
    init: T,
    name: &'static str,
) -> Result<&'a mut T, Failure> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    std::ptr::write(p, init);
    Ok(&mut *p)
}

/// A handle out-parameter (`T **out`): checked for NULL and set to NULL.
///
/// # Safety
/// Unless NULL, `p` must be valid for writes of a pointer.
pub(crate) unsafe fn out_handle<'a, T>(
    p: *mut *mut T,
    name: &'static str,
) -> Result<&'a mut *mut T, Failure> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    std::ptr::write(p, std::ptr::null_mut());
    Ok(&mut *p)
}
