//! `wssx_rst`: wst:RequestSecurityToken handles (WS-Trust February 2005, 1.3 and 1.4).

use std::os::raw::c_int;

use wssx::trust::{RequestSecurityToken, RequestType, TokenHolder, TokenRef, TrustMessage};
use wssx::{ErrorKind, SecurityTokenReference};

use crate::args::{bytes, handle, handle_mut, opt_text, out_handle, out_value, text};
use crate::buf::{out_buf, put, wssx_buf};
use crate::params::{self, wssx_binary_secret_type, wssx_key_material, BinarySecretTypeArg};
use crate::sct::wssx_sct;
use crate::status::{guard, guard_void, wssx_status, Failure, FfiResult};
use crate::versions::{trust_version, wssx_trust_version, TrustVersionArg, WsaVersionArg};

/// A `wssx_request_type` passed in by C, as a plain int; the header spells it
/// `enum wssx_request_type`.
pub type RequestTypeArg = c_int;
/// A `wssx_target_kind` passed in by C, as a plain int; the header spells it
/// `enum wssx_target_kind`.
pub type TargetKindArg = c_int;

/// wst:RequestType: the class of function requested. The SCT Amend binding has no
/// request type of its own (it uses Issue with the `.../RST/SCT/Amend` action).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_request_type {
    /// `.../Issue`: issue a new token.
    WSSX_REQUEST_ISSUE = 0,
    /// `.../Renew`: renew a token.
    WSSX_REQUEST_RENEW = 1,
    /// `.../Cancel`: cancel a token.
    WSSX_REQUEST_CANCEL = 2,
    /// `.../Validate`: validate a token.
    WSSX_REQUEST_VALIDATE = 3,
    /// `.../KET`: request a key exchange token.
    WSSX_REQUEST_KET = 4,
    /// `.../STSCancel`: STS-initiated cancel (WS-Trust 1.3 only; written with its 1.3 URI
    /// in every version).
    WSSX_REQUEST_STS_CANCEL = 5,
    /// A request type URI wssx does not know (outputs only; get it with
    /// `wssx_rst_request_type_uri`).
    WSSX_REQUEST_OTHER = 6,
}

impl From<&RequestType> for wssx_request_type {
    fn from(t: &RequestType) -> Self {
        use wssx_request_type::*;
        match t {
            RequestType::Issue => WSSX_REQUEST_ISSUE,
            RequestType::Renew => WSSX_REQUEST_RENEW,
            RequestType::Cancel => WSSX_REQUEST_CANCEL,
            RequestType::Validate => WSSX_REQUEST_VALIDATE,
            RequestType::Ket => WSSX_REQUEST_KET,
            RequestType::StsCancel => WSSX_REQUEST_STS_CANCEL,
            RequestType::Other(_) => WSSX_REQUEST_OTHER,
        }
    }
}

/// The core request type named by `raw` (WSSX_REQUEST_OTHER is refused: name the URI
/// with `wssx_rst_set_request_type_uri`).
pub(crate) fn request_type(
    raw: RequestTypeArg,
    name: &'static str,
) -> Result<RequestType, Failure> {
    Ok(match raw {
        0 => RequestType::Issue,
        1 => RequestType::Renew,
        2 => RequestType::Cancel,
        3 => RequestType::Validate,
        4 => RequestType::Ket,
        5 => RequestType::StsCancel,
        other => {
            return Err(Failure::invalid(
                name,
                format!("{other} is not a wssx_request_type that can be written"),
            ))
        }
    })
}

/// Which target element of a request.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_target_kind {
    /// wst:RenewTarget (renewal binding).
    WSSX_RENEW_TARGET = 0,
    /// wst:CancelTarget (cancel binding).
    WSSX_CANCEL_TARGET = 1,
    /// wst:ValidateTarget (validation binding, 1.3+).
    WSSX_VALIDATE_TARGET = 2,
}

/// How a target (or another token holder) names its token.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_target_form {
    /// No such target in the message.
    WSSX_FORM_NONE = 0,
    /// The token itself, a wsc:SecurityContextToken: the URI is its Identifier.
    WSSX_FORM_SCT = 1,
    /// A wsse:SecurityTokenReference: the URI is its wsse:Reference URI ("#id" or an
    /// SCT Identifier); absent when the STR holds no wsse:Reference (a KeyIdentifier).
    WSSX_FORM_REFERENCE = 2,
    /// Any other token (an endpoint reference, SAML, ...): see the XML or JSON.
    WSSX_FORM_OTHER = 3,
}

/// A wst:RequestSecurityToken (opaque): a typed WS-Trust request in any version. Every
/// element of the spec is kept (the ones this API has no accessor for included) and
/// written back by `wssx_rst_to_xml`, in the order read.
///
/// Created by `wssx_rst_parse`, `wssx_rst_new` or `wssx_rst_convert`; the caller owns the
/// handle and releases it with `wssx_rst_free`. A handle may move between threads and may
/// be read (`const` functions) from several threads at once, but a setter or
/// `wssx_rst_free` must not run concurrently with any other use of the same handle.
#[allow(non_camel_case_types)]
pub struct wssx_rst {
    pub(crate) rst: RequestSecurityToken,
}

pub(crate) fn into_handle(rst: RequestSecurityToken) -> *mut wssx_rst {
    Box::into_raw(Box::new(wssx_rst { rst }))
}

/// What a parsed document holds, by name, for "expected X, found Y" messages.
pub(crate) fn message_name(m: &TrustMessage) -> &'static str {
    match m {
        TrustMessage::Request(_) => "RequestSecurityToken",
        TrustMessage::Response(_) => "RequestSecurityTokenResponse",
        TrustMessage::ResponseCollection(_) => "RequestSecurityTokenResponseCollection",
        TrustMessage::RequestCollection(_) => "RequestSecurityTokenCollection",
        TrustMessage::IssuedTokens(_) => "IssuedTokens",
    }
}

/// The error for a document that holds another trust message than `want`.
pub(crate) fn wrong_message(want: &str, found: &TrustMessage) -> Failure {
    Failure::Core(wssx::Error::at(
        ErrorKind::InvalidRequest,
        "xml",
        format!("expected a wst:{want}, found a wst:{}", message_name(found)),
    ))
}

/// Parse a RequestSecurityToken from XML (`xml_len` bytes): either the document element
/// is the RST, or it is a SOAP 1.1 / 1.2 Envelope whose Body holds one. Any WS-Trust
/// version is accepted; `wssx_rst_version` reports the one read.
///
/// Errors: WSSX_MALFORMED_XML / WSSX_LIMIT_EXCEEDED (not XML, DTDs, limits),
/// WSSX_INVALID_REQUEST (not a WS-Trust RST, missing RequestType, bad values; the message
/// names the path of the element at fault), WSSX_INVALID_TIME_RANGE (a Lifetime that ends
/// before it starts), WSSX_BAD_CONTEXT_TOKEN (a malformed SCT inside), or, for an
/// envelope whose Body is a SOAP Fault, the status of the fault's code.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rst_free`); on
/// failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_rst,
) -> wssx_status {
    guard("wssx_rst_parse", || {
        let out = out_handle(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        match TrustMessage::from_xml(xml)? {
            TrustMessage::Request(r) => *out = into_handle(r),
            other => return Err(wrong_message("RequestSecurityToken", &other)),
        }
        Ok(())
    })
}

/// A new request in `version` with request type `request_type` (not WSSX_REQUEST_OTHER;
/// else WSSX_INVALID_ARGUMENT) and nothing else set.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_rst_free`); on
/// failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_new(
    version: TrustVersionArg,
    request_type: RequestTypeArg,
    out: *mut *mut wssx_rst,
) -> wssx_status {
    guard("wssx_rst_new", || {
        let out = out_handle(out, "out")?;
        let version = trust_version(version, "version")?;
        let request_type = self::request_type(request_type, "request_type")?;
        *out = into_handle(RequestSecurityToken::new(version, request_type));
        Ok(())
    })
}

/// Serialize the request in `version` (whatever version it was read in): every namespace
/// and every versioned URI (request type, token and key types, computed key algorithm,
/// binary secret types, SCT namespaces and STR value types) is written for `version`.
///
/// On success `*out` holds the XML (UTF-8, NUL-terminated); the caller owns it and frees
/// it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_to_xml(
    rst: *const wssx_rst,
    version: TrustVersionArg,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_to_xml", || {
        let out = out_buf(out, "out")?;
        let rst = handle(rst, "rst")?;
        let version = trust_version(version, "version")?;
        put(out, Some(rst.rst.to_xml(version).as_bytes()));
        Ok(())
    })
}

/// The same request in another version, as a new handle: a parsed February 2005 request
/// becomes a 1.3 one (and back) in one call; its version is then `version` and its SCTs
/// and references move to the matching WS-SecureConversation version.
///
/// `rst` is only read. On success `*out` is a new handle owned by the caller (free with
/// `wssx_rst_free`); on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_convert(
    rst: *const wssx_rst,
    version: TrustVersionArg,
    out: *mut *mut wssx_rst,
) -> wssx_status {
    guard("wssx_rst_convert", || {
        let out = out_handle(out, "out")?;
        let rst = handle(rst, "rst")?;
        let version = trust_version(version, "version")?;
        *out = into_handle(rst.rst.convert(version));
        Ok(())
    })
}

/// The version the request was read in (or created with, or converted to), in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_version(
    rst: *const wssx_rst,
    out: *mut wssx_trust_version,
) -> wssx_status {
    guard("wssx_rst_version", || {
        let out = out_value(out, wssx_trust_version::WSSX_TRUST_1_3, "out")?;
        *out = handle(rst, "rst")?.rst.version.into();
        Ok(())
    })
}

/// The JSON description of the request (what `wssx_trust_inspect` gives for its XML; URIs
/// of the version table by name, secrets by type and length only).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_to_json(
    rst: *const wssx_rst,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        let json = handle(rst, "rst")?.rst.to_json().to_string_compact();
        put(out, Some(json.as_bytes()));
        Ok(())
    })
}

/// The @Context attribute (correlates the request with its responses), NUL-terminated in
/// `*out`; {NULL, 0} (status WSSX_OK) when absent. The caller owns the buffer and frees it
/// with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_context(rst: *const wssx_rst, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_rst_context", || {
        let out = out_buf(out, "out")?;
        put(
            out,
            handle(rst, "rst")?
                .rst
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
pub unsafe extern "C" fn wssx_rst_set_context(
    rst: *mut wssx_rst,
    context: *const u8,
    context_len: usize,
) -> wssx_status {
    guard("wssx_rst_set_context", || {
        let rst = handle_mut(rst, "rst")?;
        rst.rst.context = opt_text(context, context_len, "context")?.map(str::to_string);
        Ok(())
    })
}

/// The request type, in `*out`: WSSX_REQUEST_OTHER for a URI wssx does not know.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_request_type(
    rst: *const wssx_rst,
    out: *mut wssx_request_type,
) -> wssx_status {
    guard("wssx_rst_request_type", || {
        let out = out_value(out, wssx_request_type::WSSX_REQUEST_OTHER, "out")?;
        *out = (&handle(rst, "rst")?.rst.request_type).into();
        Ok(())
    })
}

/// The request type as its URI in the request's version (e.g.
/// "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue"), NUL-terminated in `*out`;
/// the caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_request_type_uri(
    rst: *const wssx_rst,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_request_type_uri", || {
        let out = out_buf(out, "out")?;
        let r = &handle(rst, "rst")?.rst;
        put(out, Some(r.request_type.uri(r.version).as_bytes()));
        Ok(())
    })
}

/// Set the request type (not WSSX_REQUEST_OTHER; else WSSX_INVALID_ARGUMENT).
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_request_type(
    rst: *mut wssx_rst,
    request_type: RequestTypeArg,
) -> wssx_status {
    guard("wssx_rst_set_request_type", || {
        let rst = handle_mut(rst, "rst")?;
        rst.rst.request_type = self::request_type(request_type, "request_type")?;
        Ok(())
    })
}

/// Set the request type by URI (UTF-8; a URI of the table in any version is understood
/// and written in the message's version, any other URI is kept as is) or by the short
/// name of a predefined type ("Issue", "Renew", "Cancel", "Validate", "KET",
/// "STSCancel"). Anything else is WSSX_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_request_type_uri(
    rst: *mut wssx_rst,
    uri: *const u8,
    uri_len: usize,
) -> wssx_status {
    guard("wssx_rst_set_request_type_uri", || {
        let rst = handle_mut(rst, "rst")?;
        let uri = text(uri, uri_len, "uri")?;
        rst.rst.request_type = RequestType::from_name(uri).ok_or_else(|| {
            Failure::invalid(
                "uri",
                format!("'{uri}' is neither a URI nor the name of a request type"),
            )
        })?;
        Ok(())
    })
}

/// wst:TokenType as a URI in the request's version (e.g. the SCT token type),
/// NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when absent. The caller owns the
/// buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_token_type(
    rst: *const wssx_rst,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_token_type", || {
        let r = &handle(rst, "rst")?.rst;
        params::token_type(&r.params, r.version, out)
    })
}

/// Set wst:TokenType to a URI (UTF-8; the SCT, DKT and Status token types of any version
/// are mapped to the message's version, other URIs kept) or to a predefined short name
/// ("SecurityContextToken", "DerivedKeyToken", "Status"); NULL with length 0 removes it.
/// Anything else is WSSX_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_token_type(
    rst: *mut wssx_rst,
    token_type: *const u8,
    token_type_len: usize,
) -> wssx_status {
    guard("wssx_rst_set_token_type", || {
        let rst = handle_mut(rst, "rst")?;
        params::set_token_type(&mut rst.rst.params, token_type, token_type_len)
    })
}

/// wst:KeySize in bits: `*present` tells whether the request has one, `*bits` is its value
/// (0 when absent).
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_key_size(
    rst: *const wssx_rst,
    bits: *mut u32,
    present: *mut bool,
) -> wssx_status {
    guard("wssx_rst_key_size", || {
        params::key_size(&handle(rst, "rst")?.rst.params, bits, present)
    })
}

/// Set wst:KeySize to `bits` when `present` is true, remove it when false.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_key_size(
    rst: *mut wssx_rst,
    bits: u32,
    present: bool,
) -> wssx_status {
    guard("wssx_rst_set_key_size", || {
        params::set_key_size(&mut handle_mut(rst, "rst")?.rst.params, bits, present);
        Ok(())
    })
}

/// wst:KeyType as a URI in the request's version, NUL-terminated in `*out`; {NULL, 0}
/// (status WSSX_OK) when absent. The caller owns the buffer and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_key_type(
    rst: *const wssx_rst,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_key_type", || {
        let r = &handle(rst, "rst")?.rst;
        params::key_type(&r.params, r.version, out)
    })
}

/// Set wst:KeyType to a URI (UTF-8, any version's URI of a predefined type is mapped) or
/// a short name ("PublicKey", "SymmetricKey", "Bearer"); NULL with length 0 removes it.
/// Anything else is WSSX_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_key_type(
    rst: *mut wssx_rst,
    key_type: *const u8,
    key_type_len: usize,
) -> wssx_status {
    guard("wssx_rst_set_key_type", || {
        let rst = handle_mut(rst, "rst")?;
        params::set_key_type(&mut rst.rst.params, key_type, key_type_len)
    })
}

/// wst:Lifetime: `*present` tells whether the request has one; `*created_ms` /
/// `*expires_ms` are its wsu:Created / wsu:Expires in milliseconds since the Unix epoch,
/// valid when `*has_created` / `*has_expires` is true (0 otherwise).
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_lifetime(
    rst: *const wssx_rst,
    present: *mut bool,
    created_ms: *mut i64,
    has_created: *mut bool,
    expires_ms: *mut i64,
    has_expires: *mut bool,
) -> wssx_status {
    guard("wssx_rst_lifetime", || {
        params::lifetime(
            &handle(rst, "rst")?.rst.params,
            present,
            created_ms,
            has_created,
            expires_ms,
            has_expires,
        )
    })
}

/// Set wst:Lifetime: wsu:Created `created_ms` when `has_created`, wsu:Expires `expires_ms`
/// when `has_expires` (milliseconds since the Unix epoch, written as UTC xsd:dateTime;
/// years 0001-9999, else WSSX_INVALID_ARGUMENT). Neither removes the Lifetime. Expires
/// before Created is WSSX_INVALID_TIME_RANGE.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_lifetime(
    rst: *mut wssx_rst,
    created_ms: i64,
    has_created: bool,
    expires_ms: i64,
    has_expires: bool,
) -> wssx_status {
    guard("wssx_rst_set_lifetime", || {
        let rst = handle_mut(rst, "rst")?;
        params::set_lifetime(
            &mut rst.rst.params,
            created_ms,
            has_created,
            expires_ms,
            has_expires,
        )
    })
}

/// wst:Entropy (the requestor's key material): `*material` says what it holds
/// (WSSX_MATERIAL_NONE when the request has none); for WSSX_MATERIAL_BINARY_SECRET,
/// `*secret_type` is the BinarySecret's @Type (SymmetricKey when absent) and `*secret` its
/// decoded bytes, else `*secret` is {NULL, 0}. The caller owns `*secret` (key material:
/// `wssx_buf_free` wipes it) and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_entropy(
    rst: *const wssx_rst,
    material: *mut wssx_key_material,
    secret_type: *mut wssx_binary_secret_type,
    secret: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_entropy", || {
        params::entropy(
            &handle(rst, "rst")?.rst.params,
            material,
            secret_type,
            secret,
        )
    })
}

/// Set wst:Entropy to a clear wst:BinarySecret of `secret_len` bytes (copied; not empty)
/// with @Type `secret_type` (not WSSX_SECRET_OTHER), or remove it when `secret` is NULL
/// and `secret_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_entropy(
    rst: *mut wssx_rst,
    secret: *const u8,
    secret_len: usize,
    secret_type: BinarySecretTypeArg,
) -> wssx_status {
    guard("wssx_rst_set_entropy", || {
        let rst = handle_mut(rst, "rst")?;
        params::set_entropy(&mut rst.rst.params, secret, secret_len, secret_type)
    })
}

/// wst:ComputedKeyAlgorithm as a URI in the request's version (e.g. CK/PSHA1),
/// NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when absent. The caller owns the
/// buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_computed_key_algorithm(
    rst: *const wssx_rst,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_computed_key_algorithm", || {
        let r = &handle(rst, "rst")?.rst;
        params::computed_key_algorithm(&r.params, r.version, out)
    })
}

/// Set wst:ComputedKeyAlgorithm to a URI (any version's CK/PSHA1 or CK/HASH is mapped) or
/// a short name ("PSHA1", "HASH"); NULL with length 0 removes it. Anything else is
/// WSSX_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_computed_key_algorithm(
    rst: *mut wssx_rst,
    algorithm: *const u8,
    algorithm_len: usize,
) -> wssx_status {
    guard("wssx_rst_set_computed_key_algorithm", || {
        let rst = handle_mut(rst, "rst")?;
        params::set_computed_key_algorithm(&mut rst.rst.params, algorithm, algorithm_len)
    })
}

/// The address of the first endpoint reference in wsp:AppliesTo, NUL-terminated in
/// `*out`; {NULL, 0} (status WSSX_OK) when the request has no AppliesTo or it names no
/// endpoint reference. The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_applies_to(
    rst: *const wssx_rst,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_applies_to", || {
        params::applies_to(&handle(rst, "rst")?.rst.params, out)
    })
}

/// Set wsp:AppliesTo to one wsa:EndpointReference with address `address` (UTF-8) in
/// WS-Addressing version `wsa` (not WSSX_WSA_NONE), or remove it when `address` is NULL
/// and `address_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_applies_to(
    rst: *mut wssx_rst,
    wsa: WsaVersionArg,
    address: *const u8,
    address_len: usize,
) -> wssx_status {
    guard("wssx_rst_set_applies_to", || {
        let rst = handle_mut(rst, "rst")?;
        params::set_applies_to(&mut rst.rst.params, wsa, address, address_len)
    })
}

fn target_arg(raw: TargetKindArg) -> Result<wssx_target_kind, Failure> {
    match raw {
        0 => Ok(wssx_target_kind::WSSX_RENEW_TARGET),
        1 => Ok(wssx_target_kind::WSSX_CANCEL_TARGET),
        2 => Ok(wssx_target_kind::WSSX_VALIDATE_TARGET),
        other => Err(Failure::invalid(
            "which",
            format!("{other} is not a wssx_target_kind"),
        )),
    }
}

fn target_slot(
    rst: &mut RequestSecurityToken,
    which: wssx_target_kind,
) -> &mut Option<TokenHolder> {
    match which {
        wssx_target_kind::WSSX_RENEW_TARGET => &mut rst.renew_target,
        wssx_target_kind::WSSX_CANCEL_TARGET => &mut rst.cancel_target,
        wssx_target_kind::WSSX_VALIDATE_TARGET => &mut rst.validate_target,
    }
}

/// Describe the token a holder names: its form, URI and wsc:Instance.
pub(crate) unsafe fn put_holder(
    holder: Option<&TokenHolder>,
    form: *mut wssx_target_form,
    uri: *mut wssx_buf,
    instance: *mut wssx_buf,
) -> FfiResult {
    let form = out_value(form, wssx_target_form::WSSX_FORM_NONE, "form")?;
    let uri = out_buf(uri, "uri")?;
    let instance = out_buf(instance, "instance")?;
    match holder.map(|h| &h.token) {
        None => {}
        Some(TokenRef::SecurityContext(t)) => {
            *form = wssx_target_form::WSSX_FORM_SCT;
            put(uri, Some(t.identifier.as_bytes()));
            put(instance, t.instance.as_deref().map(str::as_bytes));
        }
        Some(TokenRef::Reference(s)) => {
            *form = wssx_target_form::WSSX_FORM_REFERENCE;
            let r = s.reference.as_ref();
            put(uri, r.map(|r| r.uri.as_bytes()));
            put(
                instance,
                r.and_then(|r| r.instance.as_deref()).map(str::as_bytes),
            );
        }
        Some(_) => *form = wssx_target_form::WSSX_FORM_OTHER,
    }
    Ok(())
}

/// The token the request's RenewTarget, CancelTarget or ValidateTarget (`which`) names:
/// - `*form`: WSSX_FORM_NONE when the request has no such target, WSSX_FORM_SCT when it
///   holds the SecurityContextToken itself, WSSX_FORM_REFERENCE for a
///   SecurityTokenReference, WSSX_FORM_OTHER for any other token;
/// - `*uri`: the SCT's Identifier, or the reference's URI ("#id" for a local reference);
/// - `*instance`: the SCT's or the reference's wsc:Instance.
///
/// The buffers must be distinct; absent values are {NULL, 0}. Each is NUL-terminated,
/// owned by the caller and freed with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_target(
    rst: *const wssx_rst,
    which: TargetKindArg,
    form: *mut wssx_target_form,
    uri: *mut wssx_buf,
    instance: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_rst_target", || {
        // Reset the outputs before anything can fail.
        out_value(form, wssx_target_form::WSSX_FORM_NONE, "form")?;
        out_buf(uri, "uri")?;
        out_buf(instance, "instance")?;
        let rst = handle(rst, "rst")?;
        let which = target_arg(which)?;
        let holder = match which {
            wssx_target_kind::WSSX_RENEW_TARGET => rst.rst.renew_target.as_ref(),
            wssx_target_kind::WSSX_CANCEL_TARGET => rst.rst.cancel_target.as_ref(),
            wssx_target_kind::WSSX_VALIDATE_TARGET => rst.rst.validate_target.as_ref(),
        };
        put_holder(holder, form, uri, instance)
    })
}

/// Set the RenewTarget, CancelTarget or ValidateTarget (`which`) to the context `sct`
/// (only read; copied): with `by_reference` true, a SecurityTokenReference to its
/// Identifier (and Instance, if any) with the SCT token type as ValueType, which is how
/// WCF and wssx's requestor name a context; with `by_reference` false, the token itself.
/// NULL `sct` removes the target. Either way the token is written in the SC version that
/// goes with the message's trust version.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_set_target(
    rst: *mut wssx_rst,
    which: TargetKindArg,
    sct: *const wssx_sct,
    by_reference: bool,
) -> wssx_status {
    guard("wssx_rst_set_target", || {
        let rst = handle_mut(rst, "rst")?;
        let which = target_arg(which)?;
        let holder = sct.as_ref().map(|s| {
            let t = &s.token;
            TokenHolder::new(if by_reference {
                TokenRef::Reference(SecurityTokenReference::to_identifier(
                    t.version,
                    &t.identifier,
                    t.instance.as_deref(),
                ))
            } else {
                TokenRef::SecurityContext(t.clone())
            })
        });
        let version = rst.rst.version;
        let slot = target_slot(&mut rst.rst, which);
        *slot = holder;
        // Keep the token in the SC version of the message (as convert would).
        if slot.is_some() {
            rst.rst = rst.rst.convert(version);
        }
        Ok(())
    })
}

/// Release a request handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_free(rst: *mut wssx_rst) {
    guard_void(|| {
        if !rst.is_null() {
            drop(Box::from_raw(rst));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_types_round_trip() {
        for t in RequestType::KNOWN {
            let c = wssx_request_type::from(t);
            assert_eq!(&request_type(c as c_int, "t").unwrap(), t);
        }
        assert!(request_type(6, "t").is_err() && request_type(-1, "t").is_err());
        assert_eq!(
            wssx_request_type::from(&RequestType::Other("urn:x".into())),
            wssx_request_type::WSSX_REQUEST_OTHER
        );
        assert!(target_arg(3).is_err());
    }
}
