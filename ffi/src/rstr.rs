//! `wssx_rstr` and `wssx_rstrc`: wst:RequestSecurityTokenResponse and
//! wst:RequestSecurityTokenResponseCollection handles.

use wssx::trust::{
    ComputedKeyAlgorithm, ProofToken, RequestSecurityTokenResponse,
    RequestSecurityTokenResponseCollection, RequestedProofToken, RequestedReference, Status,
    StatusCode, TokenHolder, TokenRef, TrustMessage,
};
use wssx::SecurityTokenReference;

use crate::args::{bytes, handle, handle_mut, opt_text, out_handle, out_value};
use crate::buf::{out_buf, put, wssx_buf};
use crate::params::{self, wssx_binary_secret_type, wssx_key_material, BinarySecretTypeArg};
use crate::rst::wrong_message;
use crate::sct::wssx_sct;
use crate::status::{guard, guard_void, wssx_status, Failure};
use crate::versions::{trust_version, wssx_trust_version, TrustVersionArg, WsaVersionArg};

use std::os::raw::c_int;

/// A `wssx_validity` passed in by C, as a plain int; the header spells it
/// `enum wssx_validity`.
pub type ValidityArg = c_int;

/// What a wst:RequestedProofToken holds.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_proof_kind {
    /// The response has no RequestedProofToken.
    WSSX_PROOF_NONE = 0,
    /// The key itself, as a wst:BinarySecret.
    WSSX_PROOF_BINARY_SECRET = 1,
    /// wst:ComputedKey: the key is computed from both entropies with the named algorithm.
    WSSX_PROOF_COMPUTED_KEY = 2,
    /// An xenc:EncryptedKey for the requestor (kept as XML).
    WSSX_PROOF_ENCRYPTED_KEY = 3,
    /// A wsse:SecurityTokenReference to a proof token elsewhere.
    WSSX_PROOF_REFERENCE = 4,
    /// Anything else (kept as XML).
    WSSX_PROOF_OTHER = 5,
}

/// The result of a validation (wst:Status/wst:Code).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_validity {
    /// No wst:Status.
    WSSX_VALIDITY_NONE = 0,
    /// `.../status/valid`.
    WSSX_VALIDITY_VALID = 1,
    /// `.../status/invalid`.
    WSSX_VALIDITY_INVALID = 2,
    /// A code URI wssx does not know (outputs only).
    WSSX_VALIDITY_OTHER = 3,
}

/// A wst:RequestSecurityTokenResponse (opaque): a typed WS-Trust response in any version.
/// Every element is kept (including those this API has no accessor for) and written back
/// by `wssx_rstr_to_xml`.
///
/// Created by `wssx_rstr_parse`, `wssx_rstr_new`, `wssx_rstr_convert` or
/// `wssx_rstrc_get`; the caller owns the handle and releases it with `wssx_rstr_free`. A
/// handle may move between threads and may be read (`const` functions) from several
/// threads at once, but a setter or `wssx_rstr_free` must not run concurrently with any
/// other use of the same handle.
#[allow(non_camel_case_types)]
pub struct wssx_rstr {
    pub(crate) rstr: RequestSecurityTokenResponse,
}

fn into_handle(rstr: RequestSecurityTokenResponse) -> *mut wssx_rstr {
    Box::into_raw(Box::new(wssx_rstr { rstr }))
}

/// Parse a RequestSecurityTokenResponse from XML (`xml_len` bytes): the document element
/// is the RSTR, or a SOAP Envelope whose Body holds one. Any WS-Trust version is accepted
/// (`wssx_rstr_version` reports it). A collection is not an RSTR: parse it with
/// `wssx_rstrc_parse`.
///
/// Errors: as `wssx_rst_parse` (an envelope whose Body is a SOAP Fault gives the status
/// of the fault's code, e.g. WSSX_BAD_CONTEXT_TOKEN).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rstr_free`); on
/// failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_rstr,
) -> wssx_status {
    guard("wssx_rstr_parse", || {
        let out = out_handle(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        match TrustMessage::from_xml(xml)? {
            TrustMessage::Response(r) => *out = into_handle(r),
            other => return Err(wrong_message("RequestSecurityTokenResponse", &other)),
        }
        Ok(())
    })
}

/// A new, empty response in `version`.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rstr_free`); on
/// failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_new(
    version: TrustVersionArg,
    out: *mut *mut wssx_rstr,
) -> wssx_status {
    guard("wssx_rstr_new", || {
        let out = out_handle(out, "out")?;
        let version = trust_version(version, "version")?;
        *out = into_handle(RequestSecurityTokenResponse::new(version));
        Ok(())
    })
}

/// Serialize the response in `version`, every namespace and versioned URI mapped (see
/// `wssx_rst_to_xml`).
///
/// On success `*out` holds the XML (UTF-8, NUL-terminated); the caller owns it and frees
/// it with `wssx_buf_free` (it may hold key material, which that wipes).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_to_xml(
    rstr: *const wssx_rstr,
    version: TrustVersionArg,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_to_xml", || {
        let out = out_buf(out, "out")?;
        let rstr = handle(rstr, "rstr")?;
        let version = trust_version(version, "version")?;
        put(out, Some(rstr.rstr.to_xml(version).as_bytes()));
        Ok(())
    })
}

/// The same response in another version, as a new handle (see `wssx_rst_convert`).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rstr_free`); on
/// failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_convert(
    rstr: *const wssx_rstr,
    version: TrustVersionArg,
    out: *mut *mut wssx_rstr,
) -> wssx_status {
    guard("wssx_rstr_convert", || {
        let out = out_handle(out, "out")?;
        let rstr = handle(rstr, "rstr")?;
        let version = trust_version(version, "version")?;
        *out = into_handle(rstr.rstr.convert(version));
        Ok(())
    })
}

/// The version the response was read in (or created with, or converted to), in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_version(
    rstr: *const wssx_rstr,
    out: *mut wssx_trust_version,
) -> wssx_status {
    guard("wssx_rstr_version", || {
        let out = out_value(out, wssx_trust_version::WSSX_TRUST_1_3, "out")?;
        *out = handle(rstr, "rstr")?.rstr.version.into();
        Ok(())
    })
}

/// The JSON description of the response (what `wssx_trust_inspect` gives for its XML;
/// secrets by type and length only).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_to_json(
    rstr: *const wssx_rstr,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        let json = handle(rstr, "rstr")?.rstr.to_json().to_string_compact();
        put(out, Some(json.as_bytes()));
        Ok(())
    })
}

/// The @Context attribute (echoing the request's), NUL-terminated in `*out`; {NULL, 0}
/// (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_context(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_context", || {
        let out = out_buf(out, "out")?;
        put(
            out,
            handle(rstr, "rstr")?
                .rstr
                .context
                .as_deref()
                .map(str::as_bytes),
        );
        Ok(())
    })
}

/// Set the @Context attribute to `context` (UTF-8, copied), or remove it when `context`
/// is NULL and `context_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_context(
    rstr: *mut wssx_rstr,
    context: *const u8,
    context_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_context", || {
        let rstr = handle_mut(rstr, "rstr")?;
        rstr.rstr.context = opt_text(context, context_len, "context")?.map(str::to_string);
        Ok(())
    })
}

/// wst:TokenType as a URI in the response's version, NUL-terminated in `*out`; {NULL, 0}
/// (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_token_type(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_token_type", || {
        let r = &handle(rstr, "rstr")?.rstr;
        params::token_type(&r.params, r.version, out)
    })
}

/// Set wst:TokenType (a URI or a short name, as `wssx_rst_set_token_type`); NULL with
/// length 0 removes it.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_token_type(
    rstr: *mut wssx_rstr,
    token_type: *const u8,
    token_type_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_token_type", || {
        let rstr = handle_mut(rstr, "rstr")?;
        params::set_token_type(&mut rstr.rstr.params, token_type, token_type_len)
    })
}

/// wst:KeySize in bits: `*present` tells whether the response has one, `*bits` is its
/// value (0 when absent).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_key_size(
    rstr: *const wssx_rstr,
    bits: *mut u32,
    present: *mut bool,
) -> wssx_status {
    guard("wssx_rstr_key_size", || {
        params::key_size(&handle(rstr, "rstr")?.rstr.params, bits, present)
    })
}

/// Set wst:KeySize to `bits` when `present` is true, remove it when false.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_key_size(
    rstr: *mut wssx_rstr,
    bits: u32,
    present: bool,
) -> wssx_status {
    guard("wssx_rstr_set_key_size", || {
        params::set_key_size(&mut handle_mut(rstr, "rstr")?.rstr.params, bits, present);
        Ok(())
    })
}

/// wst:KeyType as a URI in the response's version, NUL-terminated in `*out`; {NULL, 0}
/// (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_key_type(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_key_type", || {
        let r = &handle(rstr, "rstr")?.rstr;
        params::key_type(&r.params, r.version, out)
    })
}

/// Set wst:KeyType (a URI or a short name, as `wssx_rst_set_key_type`); NULL with length
/// 0 removes it.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_key_type(
    rstr: *mut wssx_rstr,
    key_type: *const u8,
    key_type_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_key_type", || {
        let rstr = handle_mut(rstr, "rstr")?;
        params::set_key_type(&mut rstr.rstr.params, key_type, key_type_len)
    })
}

/// wst:Lifetime of the issued token (see `wssx_rst_lifetime` for the outputs).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_lifetime(
    rstr: *const wssx_rstr,
    present: *mut bool,
    created_ms: *mut i64,
    has_created: *mut bool,
    expires_ms: *mut i64,
    has_expires: *mut bool,
) -> wssx_status {
    guard("wssx_rstr_lifetime", || {
        params::lifetime(
            &handle(rstr, "rstr")?.rstr.params,
            present,
            created_ms,
            has_created,
            expires_ms,
            has_expires,
        )
    })
}

/// Set or remove wst:Lifetime (see `wssx_rst_set_lifetime`).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_lifetime(
    rstr: *mut wssx_rstr,
    created_ms: i64,
    has_created: bool,
    expires_ms: i64,
    has_expires: bool,
) -> wssx_status {
    guard("wssx_rstr_set_lifetime", || {
        let rstr = handle_mut(rstr, "rstr")?;
        params::set_lifetime(
            &mut rstr.rstr.params,
            created_ms,
            has_created,
            expires_ms,
            has_expires,
        )
    })
}

/// wst:Entropy (the issuer's key material; see `wssx_rst_entropy` for the outputs).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_entropy(
    rstr: *const wssx_rstr,
    material: *mut wssx_key_material,
    secret_type: *mut wssx_binary_secret_type,
    secret: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_entropy", || {
        params::entropy(
            &handle(rstr, "rstr")?.rstr.params,
            material,
            secret_type,
            secret,
        )
    })
}

/// Set wst:Entropy to a clear binary secret, or remove it (see `wssx_rst_set_entropy`).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_entropy(
    rstr: *mut wssx_rstr,
    secret: *const u8,
    secret_len: usize,
    secret_type: BinarySecretTypeArg,
) -> wssx_status {
    guard("wssx_rstr_set_entropy", || {
        let rstr = handle_mut(rstr, "rstr")?;
        params::set_entropy(&mut rstr.rstr.params, secret, secret_len, secret_type)
    })
}

/// wst:ComputedKeyAlgorithm (the parameter, not the proof token's; see
/// `wssx_rstr_proof_token`) as a URI in the response's version; {NULL, 0} (status
/// WSSX_OK) when absent. The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_computed_key_algorithm(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_computed_key_algorithm", || {
        let r = &handle(rstr, "rstr")?.rstr;
        params::computed_key_algorithm(&r.params, r.version, out)
    })
}

/// Set wst:ComputedKeyAlgorithm (as `wssx_rst_set_computed_key_algorithm`); NULL with
/// length 0 removes it.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_computed_key_algorithm(
    rstr: *mut wssx_rstr,
    algorithm: *const u8,
    algorithm_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_computed_key_algorithm", || {
        let rstr = handle_mut(rstr, "rstr")?;
        params::set_computed_key_algorithm(&mut rstr.rstr.params, algorithm, algorithm_len)
    })
}

/// The address of the first endpoint reference in wsp:AppliesTo; {NULL, 0} (status
/// WSSX_OK) when absent. The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_applies_to(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_applies_to", || {
        params::applies_to(&handle(rstr, "rstr")?.rstr.params, out)
    })
}

/// Set or remove wsp:AppliesTo (see `wssx_rst_set_applies_to`).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_applies_to(
    rstr: *mut wssx_rstr,
    wsa: WsaVersionArg,
    address: *const u8,
    address_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_applies_to", || {
        let rstr = handle_mut(rstr, "rstr")?;
        params::set_applies_to(&mut rstr.rstr.params, wsa, address, address_len)
    })
}

/// The wsc:SecurityContextToken in wst:RequestedSecurityToken, as a new `wssx_sct`
/// handle (a copy, in the SC version it was read in) in `*out`. When the response
/// requests no token, or another kind of token, the status is still WSSX_OK and `*out`
/// is NULL. The caller owns the handle and frees it with `wssx_sct_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_requested_sct(
    rstr: *const wssx_rstr,
    out: *mut *mut wssx_sct,
) -> wssx_status {
    guard("wssx_rstr_requested_sct", || {
        let out = out_handle(out, "out")?;
        if let Some(t) = handle(rstr, "rstr")?.rstr.security_context_token() {
            *out = crate::sct::into_handle(t.clone());
        }
        Ok(())
    })
}

/// Set wst:RequestedSecurityToken to a copy of `sct` (written in the SC version that goes
/// with the version the response is written in), or remove it when `sct` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_requested_sct(
    rstr: *mut wssx_rstr,
    sct: *const wssx_sct,
) -> wssx_status {
    guard("wssx_rstr_set_requested_sct", || {
        let rstr = handle_mut(rstr, "rstr")?;
        rstr.rstr.requested_security_token = sct
            .as_ref()
            .map(|s| TokenHolder::new(TokenRef::SecurityContext(s.token.clone())));
        Ok(())
    })
}

/// The first wst:RequestedProofToken:
/// - `*kind`: what it holds (WSSX_PROOF_NONE when the response has none);
/// - `*secret`: for WSSX_PROOF_BINARY_SECRET, the key bytes; else {NULL, 0};
/// - `*algorithm`: for WSSX_PROOF_COMPUTED_KEY, the algorithm URI in the response's
///   version (e.g. CK/PSHA1: compute the key from both entropies with
///   `wssx_computed_key`); else {NULL, 0}.
///
/// The buffers must be distinct; each is owned by the caller and freed with
/// `wssx_buf_free` (which wipes the key).
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_proof_token(
    rstr: *const wssx_rstr,
    kind: *mut wssx_proof_kind,
    secret: *mut wssx_buf,
    algorithm: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_proof_token", || {
        let kind = out_value(kind, wssx_proof_kind::WSSX_PROOF_NONE, "kind")?;
        let secret = out_buf(secret, "secret")?;
        let algorithm = out_buf(algorithm, "algorithm")?;
        let r = &handle(rstr, "rstr")?.rstr;
        *kind = match r.proof_token() {
            None => wssx_proof_kind::WSSX_PROOF_NONE,
            Some(ProofToken::BinarySecret(b)) => {
                put(secret, Some(b.secret.expose()));
                wssx_proof_kind::WSSX_PROOF_BINARY_SECRET
            }
            Some(ProofToken::ComputedKey(a)) => {
                put(algorithm, Some(a.uri(r.version).as_bytes()));
                wssx_proof_kind::WSSX_PROOF_COMPUTED_KEY
            }
            Some(ProofToken::EncryptedKey(_)) => wssx_proof_kind::WSSX_PROOF_ENCRYPTED_KEY,
            Some(ProofToken::Reference(_)) => wssx_proof_kind::WSSX_PROOF_REFERENCE,
            Some(ProofToken::Other(_)) => wssx_proof_kind::WSSX_PROOF_OTHER,
        };
        Ok(())
    })
}

/// Replace the response's proof tokens with one wst:RequestedProofToken holding the key
/// `secret` (`secret_len` bytes, copied, not empty) as a wst:BinarySecret of type
/// SymmetricKey; NULL with length 0 removes every proof token.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_proof_secret(
    rstr: *mut wssx_rstr,
    secret: *const u8,
    secret_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_proof_secret", || {
        let rstr = handle_mut(rstr, "rstr")?;
        let b = params::binary_secret(secret, secret_len, 0)?;
        rstr.rstr.requested_proof_tokens = b
            .map(|b| RequestedProofToken::new(ProofToken::BinarySecret(b)))
            .into_iter()
            .collect();
        Ok(())
    })
}

/// Replace the response's proof tokens with one wst:RequestedProofToken holding
/// wst:ComputedKey `algorithm` (a URI, or "PSHA1" / "HASH"; any version's URI is mapped);
/// NULL with length 0 removes every proof token.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_proof_computed_key(
    rstr: *mut wssx_rstr,
    algorithm: *const u8,
    algorithm_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_proof_computed_key", || {
        let rstr = handle_mut(rstr, "rstr")?;
        let a = match opt_text(algorithm, algorithm_len, "algorithm")? {
            None => None,
            Some(s) => Some(ComputedKeyAlgorithm::from_name(s).ok_or_else(|| {
                Failure::invalid(
                    "algorithm",
                    format!("'{s}' is neither a URI nor the name of a computed key algorithm"),
                )
            })?),
        };
        rstr.rstr.requested_proof_tokens = a
            .map(|a| RequestedProofToken::new(ProofToken::ComputedKey(a)))
            .into_iter()
            .collect();
        Ok(())
    })
}

fn reference_uri(r: Option<&RequestedReference>) -> Option<&[u8]> {
    r.and_then(|r| r.reference.reference.as_ref())
        .map(|r| r.uri.as_bytes())
}

/// The URI of the wsse:Reference in wst:RequestedAttachedReference (how to refer to the
/// token inside a message that carries it, usually "#" + its wsu:Id), NUL-terminated in
/// `*out`; {NULL, 0} (status WSSX_OK) when absent or not a wsse:Reference. The caller owns
/// the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_attached_reference(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_attached_reference", || {
        let out = out_buf(out, "out")?;
        let r = &handle(rstr, "rstr")?.rstr;
        put(out, reference_uri(r.requested_attached_reference.as_ref()));
        Ok(())
    })
}

/// The URI of the wsse:Reference in wst:RequestedUnattachedReference (how to refer to the
/// token from elsewhere, e.g. the SCT's Identifier), NUL-terminated in `*out`; {NULL, 0}
/// (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_unattached_reference(
    rstr: *const wssx_rstr,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_unattached_reference", || {
        let out = out_buf(out, "out")?;
        let r = &handle(rstr, "rstr")?.rstr;
        put(
            out,
            reference_uri(r.requested_unattached_reference.as_ref()),
        );
        Ok(())
    })
}

/// A reference for a RequestedAttached/UnattachedReference: "#id" refers by wsu:Id,
/// anything else by URI (an SCT Identifier), with the SCT token type as ValueType.
fn reference_to(uri: &str, rstr: &RequestSecurityTokenResponse) -> RequestedReference {
    let sc = rstr.version.sc();
    let mut s = match uri.strip_prefix('#') {
        Some(id) => SecurityTokenReference::to_id(id, Some(sc.sct_token_type())),
        None => SecurityTokenReference::to_identifier(sc, uri, None),
    };
    s.sc_version = Some(sc);
    RequestedReference::new(s)
}

/// Set wst:RequestedAttachedReference to a SecurityTokenReference with one wsse:Reference
/// to `uri` (UTF-8; "#" + wsu:Id for a local reference) and the SCT token type of the
/// response's version as ValueType; NULL with length 0 removes it.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_attached_reference(
    rstr: *mut wssx_rstr,
    uri: *const u8,
    uri_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_attached_reference", || {
        let rstr = handle_mut(rstr, "rstr")?;
        let uri = opt_text(uri, uri_len, "uri")?;
        rstr.rstr.requested_attached_reference = uri.map(|u| reference_to(u, &rstr.rstr));
        Ok(())
    })
}

/// Set wst:RequestedUnattachedReference (as `wssx_rstr_set_attached_reference`; usually
/// the SCT's Identifier); NULL with length 0 removes it.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_unattached_reference(
    rstr: *mut wssx_rstr,
    uri: *const u8,
    uri_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_unattached_reference", || {
        let rstr = handle_mut(rstr, "rstr")?;
        let uri = opt_text(uri, uri_len, "uri")?;
        rstr.rstr.requested_unattached_reference = uri.map(|u| reference_to(u, &rstr.rstr));
        Ok(())
    })
}

/// Whether the response carries wst:RequestedTokenCancelled (the cancel binding's success
/// response), in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_requested_token_cancelled(
    rstr: *const wssx_rstr,
    out: *mut bool,
) -> wssx_status {
    guard("wssx_rstr_requested_token_cancelled", || {
        let out = out_value(out, false, "out")?;
        *out = handle(rstr, "rstr")?.rstr.requested_token_cancelled;
        Ok(())
    })
}

/// Add (true) or remove (false) wst:RequestedTokenCancelled.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_requested_token_cancelled(
    rstr: *mut wssx_rstr,
    cancelled: bool,
) -> wssx_status {
    guard("wssx_rstr_set_requested_token_cancelled", || {
        handle_mut(rstr, "rstr")?.rstr.requested_token_cancelled = cancelled;
        Ok(())
    })
}

/// wst:Status (the validation binding's result):
/// - `*code`: WSSX_VALIDITY_NONE when the response has no Status, else the code;
/// - `*code_uri`: the code as a URI in the response's version;
/// - `*reason`: wst:Reason.
///
/// The buffers must be distinct; absent values are {NULL, 0}. Each is NUL-terminated,
/// owned by the caller and freed with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_status(
    rstr: *const wssx_rstr,
    code: *mut wssx_validity,
    code_uri: *mut wssx_buf,
    reason: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstr_status", || {
        let code = out_value(code, wssx_validity::WSSX_VALIDITY_NONE, "code")?;
        let code_uri = out_buf(code_uri, "code_uri")?;
        let reason = out_buf(reason, "reason")?;
        let r = &handle(rstr, "rstr")?.rstr;
        if let Some(s) = &r.status {
            *code = match s.code {
                StatusCode::Valid => wssx_validity::WSSX_VALIDITY_VALID,
                StatusCode::Invalid => wssx_validity::WSSX_VALIDITY_INVALID,
                StatusCode::Other(_) => wssx_validity::WSSX_VALIDITY_OTHER,
            };
            put(code_uri, Some(s.code.uri(r.version).as_bytes()));
            put(reason, s.reason.as_deref().map(str::as_bytes));
        }
        Ok(())
    })
}

/// Set wst:Status to code `code` (WSSX_VALIDITY_VALID or WSSX_VALIDITY_INVALID) with
/// wst:Reason `reason` (UTF-8; NULL with length 0 for none), or remove it with
/// WSSX_VALIDITY_NONE. WSSX_VALIDITY_OTHER and other values are WSSX_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_set_status(
    rstr: *mut wssx_rstr,
    code: ValidityArg,
    reason: *const u8,
    reason_len: usize,
) -> wssx_status {
    guard("wssx_rstr_set_status", || {
        let rstr = handle_mut(rstr, "rstr")?;
        let reason = opt_text(reason, reason_len, "reason")?.map(str::to_string);
        rstr.rstr.status = match code {
            0 => None,
            1 => Some(Status {
                code: StatusCode::Valid,
                reason,
            }),
            2 => Some(Status {
                code: StatusCode::Invalid,
                reason,
            }),
            other => {
                return Err(Failure::invalid(
                    "code",
                    format!("{other} is not a wssx_validity that can be written"),
                ))
            }
        };
        Ok(())
    })
}

/// Release a response handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstr_free(rstr: *mut wssx_rstr) {
    guard_void(|| {
        if !rstr.is_null() {
            drop(Box::from_raw(rstr));
        }
    })
}

/// A wst:RequestSecurityTokenResponseCollection (opaque): one or more responses, the
/// final response of a WS-Trust 1.3 issuance (WCF ws2007HttpBinding wraps its SCT
/// response in one).
///
/// Created by `wssx_rstrc_parse` or `wssx_rstrc_new`; the caller owns the handle and
/// releases it with `wssx_rstrc_free`. A collection is read-only: it may move between
/// threads and be read from several at once, but `wssx_rstrc_free` must not run
/// concurrently with any other use of it.
#[allow(non_camel_case_types)]
pub struct wssx_rstrc {
    pub(crate) rstrc: RequestSecurityTokenResponseCollection,
}

/// Parse a RequestSecurityTokenResponseCollection from XML (`xml_len` bytes): the
/// document element is the collection, or a SOAP Envelope whose Body holds one. It must
/// hold at least one RSTR (else WSSX_INVALID_REQUEST). Other errors as `wssx_rst_parse`.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rstrc_free`);
/// on failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_rstrc,
) -> wssx_status {
    guard("wssx_rstrc_parse", || {
        let out = out_handle(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        match TrustMessage::from_xml(xml)? {
            TrustMessage::ResponseCollection(c) => {
                *out = Box::into_raw(Box::new(wssx_rstrc { rstrc: c }))
            }
            other => {
                return Err(wrong_message(
                    "RequestSecurityTokenResponseCollection",
                    &other,
                ))
            }
        }
        Ok(())
    })
}

/// A new collection in `version` of copies of the `count` responses `items[0..count]`
/// (`count` at least 1, else WSSX_INVALID_ARGUMENT; no item may be NULL). The items are
/// only read.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rstrc_free`);
/// on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_new(
    version: TrustVersionArg,
    items: *const *const wssx_rstr,
    count: usize,
    out: *mut *mut wssx_rstrc,
) -> wssx_status {
    guard("wssx_rstrc_new", || {
        let out = out_handle(out, "out")?;
        let version = trust_version(version, "version")?;
        if items.is_null() {
            return Err(Failure::Null("items"));
        }
        if count == 0 || count > isize::MAX as usize / std::mem::size_of::<*const wssx_rstr>() {
            return Err(Failure::invalid(
                "count",
                format!("{count} is not a valid number of responses (at least 1)"),
            ));
        }
        let responses = std::slice::from_raw_parts(items, count)
            .iter()
            .map(|p| handle(*p, "items").map(|r| r.rstr.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        let rstrc = RequestSecurityTokenResponseCollection::new(version, responses);
        *out = Box::into_raw(Box::new(wssx_rstrc { rstrc }));
        Ok(())
    })
}

/// The number of responses in the collection (at least 1), in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_count(
    rstrc: *const wssx_rstrc,
    out: *mut usize,
) -> wssx_status {
    guard("wssx_rstrc_count", || {
        let out = out_value(out, 0, "out")?;
        *out = handle(rstrc, "rstrc")?.rstrc.responses.len();
        Ok(())
    })
}

/// A copy of response number `index` (0-based; else WSSX_INVALID_ARGUMENT), as a new
/// handle in `*out` owned by the caller (free with `wssx_rstr_free`); NULL on failure.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_get(
    rstrc: *const wssx_rstrc,
    index: usize,
    out: *mut *mut wssx_rstr,
) -> wssx_status {
    guard("wssx_rstrc_get", || {
        let out = out_handle(out, "out")?;
        let responses = &handle(rstrc, "rstrc")?.rstrc.responses;
        let r = responses.get(index).ok_or_else(|| {
            Failure::invalid(
                "index",
                format!(
                    "index {index} is out of range: the collection has {} responses",
                    responses.len()
                ),
            )
        })?;
        *out = into_handle(r.clone());
        Ok(())
    })
}

/// The version the collection was read in (the highest of its members) or created with,
/// in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_version(
    rstrc: *const wssx_rstrc,
    out: *mut wssx_trust_version,
) -> wssx_status {
    guard("wssx_rstrc_version", || {
        let out = out_value(out, wssx_trust_version::WSSX_TRUST_1_3, "out")?;
        *out = handle(rstrc, "rstrc")?.rstrc.version.into();
        Ok(())
    })
}

/// Serialize the collection in `version` (every member mapped; see `wssx_rst_to_xml`).
///
/// On success `*out` holds the XML (UTF-8, NUL-terminated); the caller owns it and frees
/// it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_to_xml(
    rstrc: *const wssx_rstrc,
    version: TrustVersionArg,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstrc_to_xml", || {
        let out = out_buf(out, "out")?;
        let rstrc = handle(rstrc, "rstrc")?;
        let version = trust_version(version, "version")?;
        put(out, Some(rstrc.rstrc.to_xml(version).as_bytes()));
        Ok(())
    })
}

/// The JSON description of the collection (what `wssx_trust_inspect` gives for its XML).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_to_json(
    rstrc: *const wssx_rstrc,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rstrc_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        let json = handle(rstrc, "rstrc")?.rstrc.to_json().to_string_compact();
        put(out, Some(json.as_bytes()));
        Ok(())
    })
}

/// Release a collection handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_rstrc_free(rstrc: *mut wssx_rstrc) {
    guard_void(|| {
        if !rstrc.is_null() {
            drop(Box::from_raw(rstrc));
        }
    })
}
