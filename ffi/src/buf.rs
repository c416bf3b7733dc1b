//! `wssx_buf`: byte buffers the library allocates and the caller frees.

use std::ptr;
use std::sync::atomic::{compiler_fence, Ordering};

use crate::status::{guard_void, Failure};

/// A byte buffer owned by the caller once a wssx function has filled it.
///
/// wssx allocates `data`; release it with `wssx_buf_free` (never with `free()`), which
/// wipes the bytes first because buffers may hold keys. Do not change `data` or `len`.
///
/// For convenience `data[len]` is always a NUL byte (not counted in `len`), so text
/// outputs (XML, JSON, URIs, labels) can be used as C strings directly. A function that
/// reports an absent optional value sets `data` to NULL and `len` to 0; a present but
/// empty value has a non-NULL `data` pointing at the NUL byte and `len` 0.
///
/// Every function that takes a `wssx_buf *out` first sets it to {NULL, 0} (so a failed
/// call leaves nothing to free) without freeing what it held: pass an empty or already
/// freed buffer.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug)]
pub struct wssx_buf {
    /// The bytes, followed by one NUL byte; NULL when there is no value.
    pub data: *mut u8,
    /// Number of bytes, not counting the trailing NUL.
    pub len: usize,
}

impl wssx_buf {
    /// The empty buffer {NULL, 0}.
    pub const fn empty() -> wssx_buf {
        wssx_buf {
            data: ptr::null_mut(),
            len: 0,
        }
    }

    /// A copy of `bytes` (plus the trailing NUL) in a fresh allocation.
    pub fn copy_of(bytes: &[u8]) -> wssx_buf {
        // Exact capacity: no reallocation, so no unwiped copy of a key is left behind.
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        let boxed: Box<[u8]> = v.into_boxed_slice();
        wssx_buf {
            data: Box::into_raw(boxed) as *mut u8,
            len: bytes.len(),
        }
    }

    /// The contents (for tests and Rust callers of the rlib); `None` when absent.
    ///
    /// # Safety
    /// `self` must have been filled by wssx and not freed.
    pub unsafe fn as_bytes(&self) -> Option<&[u8]> {
        if self.data.is_null() {
            None
        } else {
            Some(std::slice::from_raw_parts(self.data, self.len))
        }
    }
}

/// Overwrite `bytes` with zeros in a way the optimizer does not remove.
pub(crate) fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, exclusive reference.
        unsafe { ptr::write_volatile(b, 0) };
    }
    compiler_fence(Ordering::SeqCst);
}

/// The out-parameter `out`, reset to {NULL, 0}.
///
/// # Safety
/// `out` must be NULL or point to a writable `wssx_buf`.
pub(crate) unsafe fn out_buf<'a>(
    out: *mut wssx_buf,
    name: &'static str,
) -> Result<&'a mut wssx_buf, Failure> {
    if out.is_null() {
        return Err(Failure::Null(name));
    }
    // Write without reading: the caller's struct may be uninitialized.
    ptr::write(out, wssx_buf::empty());
    Ok(&mut *out)
}

/// Fill `out` with a copy of `value`, or {NULL, 0} when absent.
pub(crate) fn put(out: &mut wssx_buf, value: Option<&[u8]>) {
    *out = match value {
        Some(v) => wssx_buf::copy_of(v),
        None => wssx_buf::empty(),
    };
}

/// Wipe and free a buffer filled by wssx, then set it to {NULL, 0}.
///
/// NULL `buf`, and a buffer whose `data` is NULL, are no-ops; freeing twice is therefore
/// safe as long as the caller does not copy the struct and free both copies.
#[no_mangle]
pub unsafe extern "C" fn wssx_buf_free(buf: *mut wssx_buf) {
    guard_void(|| {
        if buf.is_null() {
            return;
        }
        let b = &mut *buf;
        if !b.data.is_null() {
            // Allocated by `copy_of` as a Box<[u8]> of len + 1 bytes.
            let slice = ptr::slice_from_raw_parts_mut(b.data, b.len + 1);
            wipe(&mut *slice);
            drop(Box::from_raw(slice));
        }
        *b = wssx_buf::empty();
    })
}

/// Fill `*out` with a copy of the `len` bytes at `data` (plus the trailing NUL), to be
/// released with `wssx_buf_free`. This is how a callback hands bytes back to wssx (see
/// `wssx_envelope_edit_fn`); it is also a buffer that is wiped when freed. NULL `data` with
/// `len` 0 gives a present but empty buffer.
///
/// `*out` is first set to {NULL, 0} (without freeing what it held). The bytes are only
/// read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_buf_copy(
    data: *const u8,
    len: usize,
    out: *mut wssx_buf,
) -> crate::status::wssx_status {
    crate::status::guard("wssx_buf_copy", || {
        let out = out_buf(out, "out")?;
        let bytes = crate::args::bytes(data, len, "data")?;
        *out = wssx_buf::copy_of(bytes);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_and_free() {
        let mut b = wssx_buf::copy_of(b"abc");
        assert_eq!(unsafe { b.as_bytes() }, Some(&b"abc"[..]));
        assert_eq!(unsafe { *b.data.add(3) }, 0);
        unsafe { wssx_buf_free(&mut b) };
        assert!(b.data.is_null() && b.len == 0);
        unsafe { wssx_buf_free(&mut b) };
        unsafe { wssx_buf_free(ptr::null_mut()) };
        let mut e = wssx_buf::copy_of(b"");
        assert!(!e.data.is_null());
        assert_eq!(unsafe { e.as_bytes() }, Some(&b""[..]));
        unsafe { wssx_buf_free(&mut e) };
    }
}
