//! `wssx_inspect` (any token to JSON), the JSON descriptions of token handles, and the
//! library version.

use std::os::raw::c_char;

use crate::args::{bytes, handle};
use crate::buf::{out_buf, put, wssx_buf};
use crate::dkt::wssx_dkt;
use crate::sct::wssx_sct;
use crate::status::{guard, wssx_status};

/// Parse whichever token `xml` holds (wsc:SecurityContextToken, wsc:DerivedKeyToken or
/// wsse:SecurityTokenReference) and describe it as compact JSON, the same description
/// `wssx inspect` and the other faces give (e.g. `{"type":"SecurityContextToken",
/// "version":"1.3","identifier":"urn:...","instance":null,"id":null,"extensions":[]}`).
/// Errors are those of the token's `_parse` function; another document element gives
/// WSSX_INVALID_SECURITY_TOKEN.
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_inspect(
    xml: *const u8,
    xml_len: usize,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_inspect", || {
        let out = out_buf(out_json, "out_json")?;
        let xml = bytes(xml, xml_len, "xml")?;
        let json = wssx::Token::from_xml(xml)?.to_json().to_string_compact();
        put(out, Some(json.as_bytes()));
        Ok(())
    })
}

/// The JSON description of an SCT handle (what `wssx_inspect` gives for its XML).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_to_json(
    sct: *const wssx_sct,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_sct_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        put(
            out,
            Some(
                handle(sct, "sct")?
                    .token
                    .to_json()
                    .to_string_compact()
                    .as_bytes(),
            ),
        );
        Ok(())
    })
}

/// The JSON description of a DKT handle (what `wssx_inspect` gives for its XML; the nonce
/// in base64).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_to_json(
    dkt: *const wssx_dkt,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        put(
            out,
            Some(
                handle(dkt, "dkt")?
                    .token
                    .to_json()
                    .to_string_compact()
                    .as_bytes(),
            ),
        );
        Ok(())
    })
}

/// The wssx version, e.g. "0.1.0": a static NUL-terminated string (never free it).
#[no_mangle]
pub extern "C" fn wssx_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr::{null, null_mut};

    #[test]
    fn version_is_the_crate_version() {
        let v = unsafe { CStr::from_ptr(wssx_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn inspect_nulls_and_garbage() {
        let mut b = wssx_buf::empty();
        unsafe {
            assert_eq!(
                wssx_inspect(null(), 0, null_mut()),
                wssx_status::WSSX_NULL_ARGUMENT
            );
            assert_eq!(
                wssx_inspect(null(), 5, &mut b),
                wssx_status::WSSX_NULL_ARGUMENT
            );
            assert_eq!(
                wssx_inspect(null(), 0, &mut b),
                wssx_status::WSSX_MALFORMED_XML
            );
            assert_eq!(
                wssx_inspect(b"<a/>".as_ptr(), 4, &mut b),
                wssx_status::WSSX_INVALID_SECURITY_TOKEN
            );
            assert!(b.data.is_null());
        }
    }
}
