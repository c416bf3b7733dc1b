//! Argument conversions shared by the functions and classes.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyInt, PyString};
use std::borrow::Cow;

/// A non-negative Python int as `u64`. Ints above `u64::MAX` saturate, so that an absurd
/// offset or length reaches core and fails there with `LimitExceeded` like any other value
/// over the limit; negative ints are a `ValueError`, non-ints a `TypeError`.
#[derive(Clone, Copy, Debug)]
pub struct Uint(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Uint {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match ob.extract::<u64>() {
            Ok(v) => Ok(Uint(v)),
            Err(e) => {
                if !ob.is_instance_of::<PyInt>() {
                    return Err(e);
                }
                if ob.lt(0)? {
                    Err(PyValueError::new_err(format!(
                        "expected a non-negative integer, got {}",
                        ob.repr()?
                    )))
                } else {
                    Ok(Uint(u64::MAX))
                }
            }
        }
    }
}

impl Uint {
    /// As `usize`, saturating.
    pub fn usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

/// A WS-SecureConversation version argument: a `ScVersion` member or a short name string
/// ("2005/02", "1.3", and the other spellings core's `ScVersion::from_short_name` knows).
#[derive(Clone, Copy, Debug)]
pub struct VersionArg(pub wssx::ScVersion);

impl<'a, 'py> FromPyObject<'a, 'py> for VersionArg {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(v) = ob.cast::<crate::tokens::PyScVersion>() {
            return Ok(VersionArg(v.get().core()));
        }
        if let Ok(s) = ob.cast::<PyString>() {
            let s = s.to_cow()?;
            return wssx::ScVersion::from_short_name(&s).map(VersionArg).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown WS-SecureConversation version {s:?}: use ScVersion.FEB2005 (\"2005/02\") or ScVersion.V1_3 (\"1.3\")"
                ))
            });
        }
        Err(PyTypeError::new_err(format!(
            "expected a ScVersion or a version string such as \"1.3\", got {}",
            ob.get_type().name()?
        )))
    }
}

/// A bytes-like argument: `bytes` (borrowed, no copy) or `bytearray` (copied, so the GIL can
/// be released while it is read). Anything else is a `TypeError` naming the type.
pub struct BytesArg<'a>(pub Cow<'a, [u8]>);

impl<'a, 'py> FromPyObject<'a, 'py> for BytesArg<'a> {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = <&'a [u8]>::extract(ob) {
            return Ok(BytesArg(Cow::Borrowed(b)));
        }
        if let Ok(b) = ob.cast::<PyByteArray>() {
            return Ok(BytesArg(Cow::Owned(b.to_vec())));
        }
        Err(PyTypeError::new_err(format!(
            "expected bytes or bytearray, got {}",
            ob.get_type().name()?
        )))
    }
}

impl std::ops::Deref for BytesArg<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}
