//! `wssx_sct`: wsc:SecurityContextToken handles.

use wssx::SecurityContextToken;

use crate::args::{
    handle, handle_mut, opt_text, out_handle, out_value, sc_version, text, wssx_sc_version,
    ScVersionArg,
};
use crate::buf::{out_buf, put, wssx_buf};
use crate::status::{guard, guard_void, wssx_status};

/// A wsc:SecurityContextToken (opaque): the wire name of a security context. Its
/// Identifier, Instance and wsu:Id are typed; unknown attributes and children (WCF's
/// cookie, ...) are kept and written back by `wssx_sct_to_xml`. The secret is not part of
/// the token.
///
/// Created by `wssx_sct_parse`, `wssx_sct_new` or `wssx_sct_generate`; the caller owns the
/// handle and releases it with `wssx_sct_free`. A handle may move between threads and
/// may be read (`const` functions) from several threads at once, but a setter or
/// `wssx_sct_free` must not run concurrently with any other use of the same handle.
#[allow(non_camel_case_types)]
pub struct wssx_sct {
    pub(crate) token: SecurityContextToken,
}

pub(crate) fn into_handle(token: SecurityContextToken) -> *mut wssx_sct {
    Box::into_raw(Box::new(wssx_sct { token }))
}

/// Parse a SecurityContextToken from XML (`xml_len` bytes, the document element must be
/// the token, in either namespace version). Errors: WSSX_MALFORMED_XML (not XML, DTDs),
/// WSSX_LIMIT_EXCEEDED (nesting, size), WSSX_BAD_CONTEXT_TOKEN (not an SCT, missing or
/// non-URI Identifier), WSSX_INVALID_SECURITY_TOKEN (duplicate fields).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_sct_free`); on
/// failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_sct,
) -> wssx_status {
    guard("wssx_sct_parse", || {
        let out = out_handle(out, "out")?;
        let xml = crate::args::bytes(xml, xml_len, "xml")?;
        *out = into_handle(SecurityContextToken::from_xml(xml)?);
        Ok(())
    })
}

/// A new token in namespace `version` named by `identifier` (UTF-8, must be an absolute
/// URI such as "urn:uuid:..."; else WSSX_INVALID_ARGUMENT), without Instance or wsu:Id.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_sct_free`); on
/// failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_new(
    version: ScVersionArg,
    identifier: *const u8,
    identifier_len: usize,
    out: *mut *mut wssx_sct,
) -> wssx_status {
    guard("wssx_sct_new", || {
        let out = out_handle(out, "out")?;
        let version = sc_version(version, "version")?;
        let identifier = text(identifier, identifier_len, "identifier")?;
        *out = into_handle(SecurityContextToken::new(version, identifier)?);
        Ok(())
    })
}

/// A new token in namespace `version` with a fresh random "urn:uuid:" Identifier.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_sct_free`); on
/// failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_generate(
    version: ScVersionArg,
    out: *mut *mut wssx_sct,
) -> wssx_status {
    guard("wssx_sct_generate", || {
        let out = out_handle(out, "out")?;
        let version = sc_version(version, "version")?;
        *out = into_handle(SecurityContextToken::generate(version)?);
        Ok(())
    })
}

/// Serialize the token to XML (UTF-8, prefix `wsc`, extensions kept in order).
///
/// On success `*out` holds the XML (NUL-terminated); the caller owns it and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_to_xml(sct: *const wssx_sct, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_sct_to_xml", || {
        let out = out_buf(out, "out")?;
        let sct = handle(sct, "sct")?;
        put(out, Some(sct.token.to_xml().as_bytes()));
        Ok(())
    })
}

/// The namespace version of the token, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_version(
    sct: *const wssx_sct,
    out: *mut wssx_sc_version,
) -> wssx_status {
    guard("wssx_sct_version", || {
        let out = out_value(out, wssx_sc_version::WSSX_SC_1_3, "out")?;
        *out = handle(sct, "sct")?.token.version.into();
        Ok(())
    })
}

/// The wsc:Identifier (an absolute URI, always present), NUL-terminated in `*out`; the
/// caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_identifier(
    sct: *const wssx_sct,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_sct_identifier", || {
        let out = out_buf(out, "out")?;
        put(out, Some(handle(sct, "sct")?.token.identifier.as_bytes()));
        Ok(())
    })
}

/// The wsc:Instance, NUL-terminated in `*out`. When the token has none the status is
/// still WSSX_OK and `*out` is {NULL, 0}. The caller owns the buffer and frees it with
/// `wssx_buf_free` (a no-op for {NULL, 0}).
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_instance(
    sct: *const wssx_sct,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_sct_instance", || {
        let out = out_buf(out, "out")?;
        put(
            out,
            handle(sct, "sct")?
                .token
                .instance
                .as_deref()
                .map(str::as_bytes),
        );
        Ok(())
    })
}

/// The wsu:Id, NUL-terminated in `*out`. When the token has none the status is still
/// WSSX_OK and `*out` is {NULL, 0}. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_id(sct: *const wssx_sct, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_sct_id", || {
        let out = out_buf(out, "out")?;
        put(
            out,
            handle(sct, "sct")?.token.id.as_deref().map(str::as_bytes),
        );
        Ok(())
    })
}

/// Set the wsc:Instance to `instance` (UTF-8, copied), or remove it when `instance` is
/// NULL and `instance_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_set_instance(
    sct: *mut wssx_sct,
    instance: *const u8,
    instance_len: usize,
) -> wssx_status {
    guard("wssx_sct_set_instance", || {
        let sct = handle_mut(sct, "sct")?;
        sct.token.instance = opt_text(instance, instance_len, "instance")?.map(str::to_string);
        Ok(())
    })
}

/// Set the wsu:Id to `id` (UTF-8, copied), or remove it when `id` is NULL and `id_len` is
/// 0. A DerivedKeyToken can reference the token by "#" + this Id
/// (`wssx_dkt_new_for_sct` with `by_identifier` 0).
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_set_id(
    sct: *mut wssx_sct,
    id: *const u8,
    id_len: usize,
) -> wssx_status {
    guard("wssx_sct_set_id", || {
        let sct = handle_mut(sct, "sct")?;
        sct.token.id = opt_text(id, id_len, "id")?.map(str::to_string);
        Ok(())
    })
}

/// Release a token handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_sct_free(sct: *mut wssx_sct) {
    guard_void(|| {
        if !sct.is_null() {
            drop(Box::from_raw(sct));
        }
    })
}
