//! `wssx_dkt`: wsc:DerivedKeyToken handles, and deriving their keys.

use std::os::raw::c_int;

use wssx::token::{DeriveOptions, KeySource, Reference};
use wssx::{DerivedKeyToken, Secret, SecurityTokenReference};

use crate::args::{
    bytes, handle, handle_mut, opt_bytes, opt_text, out_handle, out_value, sc_version,
    wssx_sc_version, ScVersionArg,
};
use crate::buf::{out_buf, put, wssx_buf};
use crate::derive::wssx_derive_options;
use crate::sct::wssx_sct;
use crate::status::{guard, guard_void, wssx_status, Failure, FfiResult};

/// A wsc:DerivedKeyToken (opaque): the parameters (nonce, label, offset or generation,
/// length) of a key derived from the secret of the token its SecurityTokenReference names.
/// Unknown attributes and children are kept and written back by `wssx_dkt_to_xml`.
///
/// Created by `wssx_dkt_parse` or `wssx_dkt_new_for_sct`; the caller owns the handle and
/// releases it with `wssx_dkt_free`. A handle may move between threads and may be read
/// (`const` functions, including the derive functions) from several threads at once, but
/// a setter or `wssx_dkt_free` must not run concurrently with any other use of it.
#[allow(non_camel_case_types)]
pub struct wssx_dkt {
    pub(crate) token: DerivedKeyToken,
}

fn into_handle(token: DerivedKeyToken) -> *mut wssx_dkt {
    Box::into_raw(Box::new(wssx_dkt { token }))
}

/// Parse a DerivedKeyToken from XML (`xml_len` bytes, the document element must be the
/// token, in either namespace version). Errors: WSSX_MALFORMED_XML (not XML, DTDs),
/// WSSX_LIMIT_EXCEEDED (nesting, size), WSSX_INVALID_SECURITY_TOKEN (not a DKT, bad
/// numbers or base64, duplicate fields, both Generation and Offset).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_dkt_free`); on
/// failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_dkt,
) -> wssx_status {
    guard("wssx_dkt_parse", || {
        let out = out_handle(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        *out = into_handle(DerivedKeyToken::from_xml(xml)?);
        Ok(())
    })
}

/// A new DerivedKeyToken in namespace `version` that derives from `sct`, written the way
/// WCF writes one: a fresh 16-byte random nonce, no Label, no Offset, and a Length only
/// when `length` is not 32.
///
/// The SecurityTokenReference names the SCT, with the SCT's token type as ValueType:
/// - `by_identifier` non-zero: by its wsc:Identifier (and its wsc:Instance, if any);
/// - `by_identifier` 0: by "#" + its wsu:Id, which it must have (else
///   WSSX_INVALID_ARGUMENT; see `wssx_sct_set_id`).
///
/// `sct` is only read during the call. On success `*out` is a new handle owned by the
/// caller (free with `wssx_dkt_free`); on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_new_for_sct(
    sct: *const wssx_sct,
    version: ScVersionArg,
    by_identifier: c_int,
    length: u64,
    out: *mut *mut wssx_dkt,
) -> wssx_status {
    guard("wssx_dkt_new_for_sct", || {
        let out = out_handle(out, "out")?;
        let sct = &handle(sct, "sct")?.token;
        let version = sc_version(version, "version")?;
        let source = if by_identifier != 0 {
            SecurityTokenReference::to_identifier(
                sct.version,
                &sct.identifier,
                sct.instance.as_deref(),
            )
        } else {
            let id = sct.id.as_deref().ok_or_else(|| {
                Failure::invalid(
                    "sct",
                    "the token has no wsu:Id to reference; set one or reference it by identifier",
                )
            })?;
            SecurityTokenReference::to_id(id, Some(sct.version.sct_token_type()))
        };
        *out = into_handle(DerivedKeyToken::generate(version, source, length)?);
        Ok(())
    })
}

/// Serialize the token to XML (UTF-8, prefix `wsc`, children in schema order).
///
/// On success `*out` holds the XML (NUL-terminated); the caller owns it and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_to_xml(dkt: *const wssx_dkt, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_dkt_to_xml", || {
        let out = out_buf(out, "out")?;
        put(out, Some(handle(dkt, "dkt")?.token.to_xml().as_bytes()));
        Ok(())
    })
}

/// The namespace version of the token, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_version(
    dkt: *const wssx_dkt,
    out: *mut wssx_sc_version,
) -> wssx_status {
    guard("wssx_dkt_version", || {
        let out = out_value(out, wssx_sc_version::WSSX_SC_1_3, "out")?;
        *out = handle(dkt, "dkt")?.token.version.into();
        Ok(())
    })
}

/// A string field of a DKT into `out` (absent: {NULL, 0}).
unsafe fn get_field(
    dkt: *const wssx_dkt,
    out: *mut wssx_buf,
    field: impl FnOnce(&DerivedKeyToken) -> Option<&[u8]>,
) -> FfiResult {
    let out = out_buf(out, "out")?;
    put(out, field(&handle(dkt, "dkt")?.token));
    Ok(())
}

/// The wsu:Id, NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when absent. The
/// caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_id(dkt: *const wssx_dkt, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_dkt_id", || {
        get_field(dkt, out, |t| t.id.as_deref().map(str::as_bytes))
    })
}

/// The wsc:Nonce, decoded (raw bytes, not base64), in `*out`; {NULL, 0} (status WSSX_OK)
/// when absent. The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_nonce(dkt: *const wssx_dkt, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_dkt_nonce", || {
        get_field(dkt, out, |t| t.nonce.as_deref())
    })
}

/// The wsc:Label as written, NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when
/// absent (the derivation then uses the default label). The caller owns the buffer and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_label(dkt: *const wssx_dkt, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_dkt_label", || {
        get_field(dkt, out, |t| t.label.as_deref().map(str::as_bytes))
    })
}

/// The Algorithm attribute, NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when
/// absent (P_SHA1). The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_algorithm(
    dkt: *const wssx_dkt,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_algorithm", || {
        get_field(dkt, out, |t| t.algorithm.as_deref().map(str::as_bytes))
    })
}

fn reference(t: &DerivedKeyToken) -> Option<&Reference> {
    t.token_reference
        .as_ref()
        .and_then(|s| s.reference.as_ref())
}

/// The URI of the token's wsse:Reference ("#id" for a local reference, else e.g. the SCT
/// Identifier), NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when the token has
/// no SecurityTokenReference or it holds no wsse:Reference. The caller owns the buffer
/// and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_reference_uri(
    dkt: *const wssx_dkt,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_reference_uri", || {
        get_field(dkt, out, |t| reference(t).map(|r| r.uri.as_bytes()))
    })
}

/// The ValueType of the token's wsse:Reference, NUL-terminated in `*out`; {NULL, 0}
/// (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_reference_value_type(
    dkt: *const wssx_dkt,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_reference_value_type", || {
        get_field(dkt, out, |t| {
            reference(t)
                .and_then(|r| r.value_type.as_deref())
                .map(str::as_bytes)
        })
    })
}

/// The wsc:Instance attribute of the token's wsse:Reference, NUL-terminated in `*out`;
/// {NULL, 0} (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_reference_instance(
    dkt: *const wssx_dkt,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_reference_instance", || {
        get_field(dkt, out, |t| {
            reference(t)
                .and_then(|r| r.instance.as_deref())
                .map(str::as_bytes)
        })
    })
}

/// A number field of a DKT into `value` / `present` (absent: 0 / false).
unsafe fn get_number(
    dkt: *const wssx_dkt,
    value: *mut u64,
    present: *mut bool,
    field: impl FnOnce(&DerivedKeyToken) -> Option<u64>,
) -> FfiResult {
    let value = out_value(value, 0, "value")?;
    let present = out_value(present, false, "present")?;
    if let Some(v) = field(&handle(dkt, "dkt")?.token) {
        *value = v;
        *present = true;
    }
    Ok(())
}

/// The wsc:Offset: `*present` tells whether the token has one, `*value` is it (0 when
/// absent; the derivation then uses offset 0, or Generation x Length).
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_offset(
    dkt: *const wssx_dkt,
    value: *mut u64,
    present: *mut bool,
) -> wssx_status {
    guard("wssx_dkt_offset", || {
        get_number(dkt, value, present, |t| t.offset)
    })
}

/// The wsc:Length: `*present` tells whether the token has one, `*value` is it (0 when
/// absent; the derivation then uses the default length, 32).
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_length(
    dkt: *const wssx_dkt,
    value: *mut u64,
    present: *mut bool,
) -> wssx_status {
    guard("wssx_dkt_length", || {
        get_number(dkt, value, present, |t| t.length)
    })
}

/// The wsc:Generation: `*present` tells whether the token has one, `*value` is it (0 when
/// absent). A generation means offset = generation x length.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_generation(
    dkt: *const wssx_dkt,
    value: *mut u64,
    present: *mut bool,
) -> wssx_status {
    guard("wssx_dkt_generation", || {
        get_number(dkt, value, present, |t| t.generation)
    })
}

/// Set (when `present` is true) or remove (false; `value` is ignored) the wsc:Offset.
/// A token must not have both Offset and Generation: deriving from one fails with
/// WSSX_INVALID_SECURITY_TOKEN.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_offset(
    dkt: *mut wssx_dkt,
    value: u64,
    present: bool,
) -> wssx_status {
    guard("wssx_dkt_set_offset", || {
        handle_mut(dkt, "dkt")?.token.offset = present.then_some(value);
        Ok(())
    })
}

/// Set (when `present` is true) or remove (false; `value` is ignored) the wsc:Length.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_length(
    dkt: *mut wssx_dkt,
    value: u64,
    present: bool,
) -> wssx_status {
    guard("wssx_dkt_set_length", || {
        handle_mut(dkt, "dkt")?.token.length = present.then_some(value);
        Ok(())
    })
}

/// Set (when `present` is true) or remove (false; `value` is ignored) the wsc:Generation.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_generation(
    dkt: *mut wssx_dkt,
    value: u64,
    present: bool,
) -> wssx_status {
    guard("wssx_dkt_set_generation", || {
        handle_mut(dkt, "dkt")?.token.generation = present.then_some(value);
        Ok(())
    })
}

/// Set the wsc:Label to `label` (UTF-8, copied), or remove it when `label` is NULL and
/// `label_len` is 0 (a non-NULL pointer with length 0 sets the empty label).
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_label(
    dkt: *mut wssx_dkt,
    label: *const u8,
    label_len: usize,
) -> wssx_status {
    guard("wssx_dkt_set_label", || {
        let dkt = handle_mut(dkt, "dkt")?;
        dkt.token.label = opt_text(label, label_len, "label")?.map(str::to_string);
        Ok(())
    })
}

/// Set the wsc:Nonce to the raw bytes `nonce` (copied; written as base64), or remove it
/// when `nonce` is NULL and `nonce_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_nonce(
    dkt: *mut wssx_dkt,
    nonce: *const u8,
    nonce_len: usize,
) -> wssx_status {
    guard("wssx_dkt_set_nonce", || {
        let dkt = handle_mut(dkt, "dkt")?;
        dkt.token.nonce = opt_bytes(nonce, nonce_len, "nonce")?.map(<[u8]>::to_vec);
        Ok(())
    })
}

/// Set the wsu:Id to `id` (UTF-8, copied), or remove it when `id` is NULL and `id_len`
/// is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_id(
    dkt: *mut wssx_dkt,
    id: *const u8,
    id_len: usize,
) -> wssx_status {
    guard("wssx_dkt_set_id", || {
        let dkt = handle_mut(dkt, "dkt")?;
        dkt.token.id = opt_text(id, id_len, "id")?.map(str::to_string);
        Ok(())
    })
}

/// Set the Algorithm attribute to `algorithm` (a URI, UTF-8, copied), or remove it (which
/// means P_SHA1) when `algorithm` is NULL and `algorithm_len` is 0. Deriving with an
/// algorithm other than P_SHA1 fails with WSSX_INVALID_SECURITY_TOKEN.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_set_algorithm(
    dkt: *mut wssx_dkt,
    algorithm: *const u8,
    algorithm_len: usize,
) -> wssx_status {
    guard("wssx_dkt_set_algorithm", || {
        let dkt = handle_mut(dkt, "dkt")?;
        dkt.token.algorithm = opt_text(algorithm, algorithm_len, "algorithm")?.map(str::to_string);
        Ok(())
    })
}

/// The key of `token` derived from `secret`, the secret of its source.
///
/// Through core's one-link `derive_chain` rather than `derive_with`: only the chain applies
/// the rule on the reference form (a KeyIdentifier source is refused unless
/// `allow_key_identifier`), as the Python and Node faces do.
fn derive(token: &DerivedKeyToken, secret: &[u8], opts: &DeriveOptions) -> Result<Secret, Failure> {
    let mut resolve =
        |_: Option<&SecurityTokenReference>| Ok(KeySource::Secret(Secret::from_slice(secret)));
    Ok(token.derive_chain(&mut resolve, opts)?)
}

/// Derive this token's key from the source `secret` (the secret of the token its
/// reference names) under the default options: absent Label means WSSX_DEFAULT_LABEL,
/// absent Length 32, absent Offset 0 (or Generation x Length); a token without a Nonce
/// is refused (WSSX_INVALID_SECURITY_TOKEN); offsets beyond 4096 and lengths beyond 1024
/// give WSSX_LIMIT_EXCEEDED; a reference by wsse:KeyIdentifier is refused
/// (WSSX_UNKNOWN_DERIVATION_SOURCE, WS-SC 7). Only the one link is derived: when the
/// reference names another DerivedKeyToken, pass that token's derived key as `secret`
/// (the source's wsc:Properties are then not inherited).
///
/// On success `*out` holds the key; the caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_derive(
    dkt: *const wssx_dkt,
    secret: *const u8,
    secret_len: usize,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_derive", || {
        let out = out_buf(out, "out")?;
        let dkt = handle(dkt, "dkt")?;
        let secret = bytes(secret, secret_len, "secret")?;
        let key = derive(&dkt.token, secret, &DeriveOptions::default())?;
        put(out, Some(key.expose()));
        Ok(())
    })
}

/// `wssx_dkt_derive` under the options `*opts` (defaults for absent fields, limits),
/// which must be filled by `wssx_derive_options_default` first. `opts` and the memory it
/// points to are only read during the call.
///
/// On success `*out` holds the key; the caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_derive_with(
    dkt: *const wssx_dkt,
    secret: *const u8,
    secret_len: usize,
    opts: *const wssx_derive_options,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_dkt_derive_with", || {
        let out = out_buf(out, "out")?;
        let dkt = handle(dkt, "dkt")?;
        let secret = bytes(secret, secret_len, "secret")?;
        let opts = handle(opts, "opts")?.to_core()?;
        let key = derive(&dkt.token, secret, &opts)?;
        put(out, Some(key.expose()));
        Ok(())
    })
}

/// Release a token handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_dkt_free(dkt: *mut wssx_dkt) {
    guard_void(|| {
        if !dkt.is_null() {
            drop(Box::from_raw(dkt));
        }
    })
}
