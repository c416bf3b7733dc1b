//! `wssx_envelope` (SOAP 1.1 / 1.2 envelopes with typed WS-Addressing headers),
//! `wssx_fault` (SOAP faults with the wst / wsc fault codes) and `wssx_trust_inspect`.

use wssx::soap::{Addressing, Envelope, Fault, Header, RelatesTo};
use wssx::trust::{envelope_json, Action, TrustMessage};
use wssx::xml::{self, Element};
use wssx::{Error, ErrorKind};

use crate::args::{bytes, handle, handle_mut, opt_text, out_handle, out_value, text};
use crate::buf::{out_buf, put, wssx_buf};
use crate::rst::wssx_rst;
use crate::rstr::{wssx_rstr, wssx_rstrc};
use crate::status::{guard, guard_void, wssx_status, Failure, FfiResult, StatusArg};
use crate::versions::{
    soap_version, trust_version, wsa_version, wssx_soap_version, wssx_wsa_version, SoapVersionArg,
    TrustVersionArg, WsaVersionArg,
};

/// A SOAP envelope (opaque): its SOAP version, typed WS-Addressing headers (Action,
/// MessageID, To, RelatesTo, ReplyTo, in the 2004/08 or 2005/08 namespace), every other
/// header block (wsse:Security, ...) and the Body's children, kept as XML. For callers
/// without a SOAP stack: wssx builds and reads the bytes, sending them is the caller's.
///
/// Created by `wssx_envelope_parse`, `wssx_envelope_new`, `wssx_rst_to_envelope` or
/// `wssx_fault_to_envelope`; the caller owns the handle and releases it with
/// `wssx_envelope_free`. A handle may move between threads and may be read (`const`
/// functions) from several threads at once, but a setter or `wssx_envelope_free` must not
/// run concurrently with any other use of the same handle.
#[allow(non_camel_case_types)]
pub struct wssx_envelope {
    pub(crate) env: Envelope,
}

pub(crate) fn envelope_handle(env: Envelope) -> *mut wssx_envelope {
    Box::into_raw(Box::new(wssx_envelope { env }))
}

/// Parse a SOAP 1.1 or 1.2 envelope (`xml_len` bytes; the document element must be the
/// Envelope). Errors: WSSX_MALFORMED_XML / WSSX_LIMIT_EXCEEDED (not XML, DTDs, limits),
/// WSSX_INVALID_REQUEST (not a SOAP Envelope, no Body, duplicate or empty addressing
/// headers, bad mustUnderstand values; the message names the path).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_envelope_free`);
/// on failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_envelope,
) -> wssx_status {
    guard("wssx_envelope_parse", || {
        let out = out_handle(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        *out = envelope_handle(Envelope::from_xml(xml)?);
        Ok(())
    })
}

/// A new envelope in SOAP version `soap` with an empty Body. With `wsa` other than
/// WSSX_WSA_NONE it has WS-Addressing headers in that version, of which only a fresh
/// "urn:uuid:" MessageID is set (set the others with the `wssx_envelope_set_` functions).
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_envelope_free`);
/// on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_new(
    soap: SoapVersionArg,
    wsa: WsaVersionArg,
    out: *mut *mut wssx_envelope,
) -> wssx_status {
    guard("wssx_envelope_new", || {
        let out = out_handle(out, "out")?;
        let soap = soap_version(soap, "soap")?;
        let wsa = wsa_version(wsa, "wsa")?;
        let mut env = Envelope::new(soap);
        if let Some(v) = wsa {
            let mut a = Addressing::new(v);
            a.message_id = Some(Header::new(wssx::crypto::random_uuid_urn()?));
            env.addressing = Some(a);
        }
        *out = envelope_handle(env);
        Ok(())
    })
}

/// Serialize the envelope (UTF-8, no XML declaration; typed headers first unless the
/// envelope was parsed, in which case header blocks keep the order they came in).
///
/// On success `*out` holds the XML (NUL-terminated); the caller owns it and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_to_xml(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_to_xml", || {
        let out = out_buf(out, "out")?;
        put(out, Some(handle(env, "env")?.env.to_xml().as_bytes()));
        Ok(())
    })
}

/// The JSON description of the envelope, its addressing headers and the trust messages in
/// its Body and IssuedTokens headers (what `wssx_trust_inspect` gives for its XML).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_to_json(
    env: *const wssx_envelope,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        let json = envelope_json(&handle(env, "env")?.env).to_string_compact();
        put(out, Some(json.as_bytes()));
        Ok(())
    })
}

/// The SOAP version of the envelope, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_soap_version(
    env: *const wssx_envelope,
    out: *mut wssx_soap_version,
) -> wssx_status {
    guard("wssx_envelope_soap_version", || {
        let out = out_value(out, wssx_soap_version::WSSX_SOAP_12, "out")?;
        *out = handle(env, "env")?.env.version.into();
        Ok(())
    })
}

/// The WS-Addressing version of the envelope's addressing headers, in `*out`;
/// WSSX_WSA_NONE when it has none.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_wsa_version(
    env: *const wssx_envelope,
    out: *mut wssx_wsa_version,
) -> wssx_status {
    guard("wssx_envelope_wsa_version", || {
        let out = out_value(out, wssx_wsa_version::WSSX_WSA_NONE, "out")?;
        *out = handle(env, "env")?
            .env
            .addressing
            .as_ref()
            .map(|a| a.version)
            .into();
        Ok(())
    })
}

/// Give the envelope WS-Addressing headers in version `wsa` (the existing headers are
/// kept and moved to that version, anonymous addresses mapped), or remove every
/// addressing header with WSSX_WSA_NONE.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_wsa_version(
    env: *mut wssx_envelope,
    wsa: WsaVersionArg,
) -> wssx_status {
    guard("wssx_envelope_set_wsa_version", || {
        let env = handle_mut(env, "env")?;
        let wsa = wsa_version(wsa, "wsa")?;
        // A parsed envelope keeps the declaration of its old addressing namespace; it would
        // be left unused (elements declare what they need when written).
        if let Some(old) = env.env.addressing.as_ref().map(|a| a.version) {
            if Some(old) != wsa {
                env.env
                    .namespace_declarations
                    .retain(|d| d.uri != old.namespace());
            }
        }
        env.env.addressing = match (wsa, env.env.addressing.take()) {
            (None, _) => None,
            (Some(v), Some(a)) => Some(a.to_version(v)),
            (Some(v), None) => Some(Addressing::new(v)),
        };
        Ok(())
    })
}

/// A header value into `out` (absent: {NULL, 0}).
unsafe fn get_header(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
    value: impl FnOnce(&Addressing) -> Option<&str>,
) -> FfiResult {
    let out = out_buf(out, "out")?;
    let env = handle(env, "env")?;
    put(
        out,
        env.env
            .addressing
            .as_ref()
            .and_then(value)
            .map(str::as_bytes),
    );
    Ok(())
}

/// The addressing headers of `env` for a setter: they must exist.
fn addressing_mut(env: &mut wssx_envelope) -> Result<&mut Addressing, Failure> {
    env.env.addressing.as_mut().ok_or_else(|| {
        Failure::invalid(
            "env",
            "the envelope has no WS-Addressing headers: give it a version first \
             (wssx_envelope_set_wsa_version)",
        )
    })
}

/// Set or clear (NULL with length 0) one header value; empty values are refused (a peer
/// would refuse them).
unsafe fn set_header(
    env: *mut wssx_envelope,
    value: *const u8,
    value_len: usize,
    set: impl FnOnce(&mut Addressing, Option<String>),
) -> FfiResult {
    let env = handle_mut(env, "env")?;
    let value = opt_text(value, value_len, "value")?;
    if value == Some("") {
        return Err(Failure::invalid(
            "value",
            "an addressing header cannot be empty",
        ));
    }
    set(addressing_mut(env)?, value.map(str::to_string));
    Ok(())
}

/// The wsa:Action, NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when absent. The
/// caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_action(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_action", || {
        get_header(env, out, Addressing::action)
    })
}

/// The wsa:MessageID, NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when absent.
/// The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_message_id(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_message_id", || {
        get_header(env, out, Addressing::message_id)
    })
}

/// The wsa:To, NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when absent. The
/// caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_to(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_to", || get_header(env, out, Addressing::to))
}

/// The MessageID this message replies to (the first wsa:RelatesTo without a relationship
/// type or with the reply type), NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when
/// absent. The caller owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_relates_to(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_relates_to", || {
        get_header(env, out, Addressing::relates_to)
    })
}

/// Set the wsa:Action (UTF-8, not empty; written with mustUnderstand, as WCF sends it), or
/// remove it when `value` is NULL and `value_len` is 0. The envelope must have addressing
/// headers (else WSSX_INVALID_ARGUMENT).
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_action(
    env: *mut wssx_envelope,
    value: *const u8,
    value_len: usize,
) -> wssx_status {
    guard("wssx_envelope_set_action", || {
        set_header(env, value, value_len, |a, v| {
            a.action = v.map(Header::required)
        })
    })
}

/// Set the wsa:MessageID (UTF-8, not empty), or remove it when `value` is NULL and
/// `value_len` is 0. The envelope must have addressing headers.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_message_id(
    env: *mut wssx_envelope,
    value: *const u8,
    value_len: usize,
) -> wssx_status {
    guard("wssx_envelope_set_message_id", || {
        set_header(env, value, value_len, |a, v| {
            a.message_id = v.map(Header::new)
        })
    })
}

/// Set the wsa:To (UTF-8, not empty; written with mustUnderstand), or remove it when
/// `value` is NULL and `value_len` is 0. The envelope must have addressing headers.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_to(
    env: *mut wssx_envelope,
    value: *const u8,
    value_len: usize,
) -> wssx_status {
    guard("wssx_envelope_set_to", || {
        set_header(env, value, value_len, |a, v| a.to = v.map(Header::required))
    })
}

/// Set the envelope's wsa:RelatesTo headers to one reply relation to MessageID `value`
/// (UTF-8, not empty), or remove them all when `value` is NULL and `value_len` is 0. The
/// envelope must have addressing headers.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_relates_to(
    env: *mut wssx_envelope,
    value: *const u8,
    value_len: usize,
) -> wssx_status {
    guard("wssx_envelope_set_relates_to", || {
        set_header(env, value, value_len, |a, v| {
            a.relates_to = v
                .map(|id| {
                    Header::new(RelatesTo {
                        message_id: id,
                        relationship: None,
                    })
                })
                .into_iter()
                .collect();
        })
    })
}

/// The HTTP Content-Type to send the envelope with: "text/xml; charset=utf-8" (SOAP 1.1)
/// or "application/soap+xml; charset=utf-8; action=\"...\"" (SOAP 1.2, with the Action
/// when it has one), NUL-terminated in `*out`; the caller owns it and frees it with
/// `wssx_buf_free`. (For SOAP 1.1 the SOAPAction HTTP header is the Action in quotes.)
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_content_type(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_content_type", || {
        let out = out_buf(out, "out")?;
        put(out, Some(handle(env, "env")?.env.content_type().as_bytes()));
        Ok(())
    })
}

/// The first child of the Body (the payload: an RST, an RSTR, a Fault, an application
/// message) as standalone XML (the namespace declarations it needs are written on it),
/// NUL-terminated in `*out`; {NULL, 0} (status WSSX_OK) when the Body is empty. The caller
/// owns the buffer and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_body(
    env: *const wssx_envelope,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_envelope_body", || {
        let out = out_buf(out, "out")?;
        let body = handle(env, "env")?
            .env
            .body_element()
            .map(xml::element_to_string);
        put(out, body.as_deref().map(str::as_bytes));
        Ok(())
    })
}

/// Replace the Body's content with the document element of `xml` (`xml_len` bytes of
/// XML; WSSX_MALFORMED_XML when it is not), or empty the Body when `xml` is NULL and
/// `xml_len` is 0.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_body(
    env: *mut wssx_envelope,
    xml: *const u8,
    xml_len: usize,
) -> wssx_status {
    guard("wssx_envelope_set_body", || {
        let env = handle_mut(env, "env")?;
        let body = match crate::args::opt_bytes(xml, xml_len, "xml")? {
            None => Vec::new(),
            Some(x) => vec![xml::parse(x)?.root],
        };
        env.env.body = body;
        Ok(())
    })
}

fn set_body_element(env: &mut wssx_envelope, el: Element) {
    env.env.body = vec![el];
}

/// Replace the Body's content with the request `rst` written in `version` (`rst` is only
/// read).
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_body_rst(
    env: *mut wssx_envelope,
    rst: *const wssx_rst,
    version: TrustVersionArg,
) -> wssx_status {
    guard("wssx_envelope_set_body_rst", || {
        let env = handle_mut(env, "env")?;
        let rst = handle(rst, "rst")?;
        let version = trust_version(version, "version")?;
        set_body_element(env, rst.rst.to_element(version));
        Ok(())
    })
}

/// Replace the Body's content with the response `rstr` written in `version` (`rstr` is
/// only read).
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_body_rstr(
    env: *mut wssx_envelope,
    rstr: *const wssx_rstr,
    version: TrustVersionArg,
) -> wssx_status {
    guard("wssx_envelope_set_body_rstr", || {
        let env = handle_mut(env, "env")?;
        let rstr = handle(rstr, "rstr")?;
        let version = trust_version(version, "version")?;
        set_body_element(env, rstr.rstr.to_element(version));
        Ok(())
    })
}

/// Replace the Body's content with the collection `rstrc` written in `version` (`rstrc`
/// is only read).
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_set_body_rstrc(
    env: *mut wssx_envelope,
    rstrc: *const wssx_rstrc,
    version: TrustVersionArg,
) -> wssx_status {
    guard("wssx_envelope_set_body_rstrc", || {
        let env = handle_mut(env, "env")?;
        let rstrc = handle(rstrc, "rstrc")?;
        let version = trust_version(version, "version")?;
        set_body_element(env, rstrc.rstrc.to_element(version));
        Ok(())
    })
}

/// Wrap the request `rst` (written in `version`) in a new SOAP envelope in version `soap`,
/// ready to send to a token service. With `wsa` other than WSSX_WSA_NONE the envelope
/// gets the headers WCF sends with a request: wsa:Action (mustUnderstand), a fresh
/// "urn:uuid:" wsa:MessageID, an anonymous wsa:ReplyTo, and wsa:To (mustUnderstand) when
/// `to` is given. `action` (UTF-8) NULL with length 0 means the action of the generic
/// WS-Trust binding for the request type (e.g. ".../RST/Issue"; name the SCT binding's
/// actions, ".../RST/SCT" and so on, explicitly); `to` NULL with length 0 means no To.
/// Both are ignored with WSSX_WSA_NONE.
///
/// On success `*out` is a new envelope owned by the caller (free with
/// `wssx_envelope_free`); on failure it is NULL. `rst` is only read.
#[no_mangle]
pub unsafe extern "C" fn wssx_rst_to_envelope(
    rst: *const wssx_rst,
    version: TrustVersionArg,
    soap: SoapVersionArg,
    wsa: WsaVersionArg,
    action: *const u8,
    action_len: usize,
    to: *const u8,
    to_len: usize,
    out: *mut *mut wssx_envelope,
) -> wssx_status {
    guard("wssx_rst_to_envelope", || {
        let out = out_handle(out, "out")?;
        let rst = handle(rst, "rst")?;
        let version = trust_version(version, "version")?;
        let soap = soap_version(soap, "soap")?;
        let wsa = wsa_version(wsa, "wsa")?;
        let action = opt_text(action, action_len, "action")?;
        let to = opt_text(to, to_len, "to")?;
        let addressing = match wsa {
            None => None,
            Some(v) => {
                let action = match action {
                    Some("") => return Err(Failure::invalid("action", "cannot be empty")),
                    Some(a) => a.to_string(),
                    None => Action::for_request(&rst.rst.request_type)
                        .map(|a| a.uri(version).to_string())
                        .ok_or_else(|| {
                            Failure::invalid(
                                "action",
                                "the request type has no generic binding action: give one",
                            )
                        })?,
                };
                // Addressing::request writes every header; drop To when none was given.
                let mut a = Addressing::request(v, action, to.unwrap_or("urn:unused"))?;
                match to {
                    Some("") => return Err(Failure::invalid("to", "cannot be empty")),
                    Some(_) => {}
                    None => a.to = None,
                }
                Some(a)
            }
        };
        let env = TrustMessage::Request(rst.rst.clone()).to_envelope(version, soap, addressing);
        *out = envelope_handle(env);
        Ok(())
    })
}

/// Release an envelope handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_free(env: *mut wssx_envelope) {
    guard_void(|| {
        if !env.is_null() {
            drop(Box::from_raw(env));
        }
    })
}

/// A SOAP fault (opaque), independent of the SOAP version it is written in: the SOAP code
/// (Sender / Receiver ...), the spec's fault code (wst:InvalidRequest,
/// wsc:BadContextToken, ...), the reason text, and the rest kept.
///
/// Created by `wssx_fault_new`, `wssx_fault_parse` or `wssx_envelope_fault`; the caller
/// owns the handle and releases it with `wssx_fault_free`. A handle may move between
/// threads and may be read (`const` functions) from several threads at once, but
/// `wssx_fault_set_reason` or `wssx_fault_free` must not run concurrently with any other
/// use of the same handle.
#[allow(non_camel_case_types)]
pub struct wssx_fault {
    pub(crate) fault: Fault,
}

fn fault_handle(fault: Fault) -> *mut wssx_fault {
    Box::into_raw(Box::new(wssx_fault { fault }))
}

/// The fault a token service returns for an error of kind `kind` (a kind status,
/// WSSX_INVALID_REQUEST .. WSSX_CALLBACK; WSSX_OK, WSSX_NULL_ARGUMENT, WSSX_PANIC and
/// WSSX_INVALID_UTF8 are WSSX_INVALID_ARGUMENT): the spec fault code of that kind (the
/// wst codes in the namespace of `version`, the wsc codes in that of the
/// WS-SecureConversation version that goes with it; kinds without a code of their own map
/// as the other faces do, e.g. WSSX_MALFORMED_XML to wst:InvalidRequest), with the spec's
/// reason text. Set another reason with `wssx_fault_set_reason`.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_fault_free`); on
/// failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_new(
    kind: StatusArg,
    version: TrustVersionArg,
    out: *mut *mut wssx_fault,
) -> wssx_status {
    guard("wssx_fault_new", || {
        let out = out_handle(out, "out")?;
        let kind = wssx_status::from_raw(kind)
            .and_then(wssx_status::kind)
            .ok_or_else(|| {
                Failure::invalid(
                    "kind",
                    format!("{kind} is not the wssx_status of an error kind"),
                )
            })?;
        let version = trust_version(version, "version")?;
        *out = fault_handle(Fault::from_error(&Error::new(kind, ""), version));
        Ok(())
    })
}

/// Parse a SOAP 1.1 or 1.2 fault (`xml_len` bytes): the document element is the Fault, or
/// a SOAP Envelope whose Body holds one (an envelope with another Body is
/// WSSX_INVALID_REQUEST). Fault codes of either trust or SC version are recognised.
///
/// On success `*out` is a new handle owned by the caller (free with `wssx_fault_free`); on
/// failure it is NULL. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_parse(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut wssx_fault,
) -> wssx_status {
    guard("wssx_fault_parse", || {
        let out = out_handle(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        let doc = xml::parse(xml)?;
        let fault = if doc.root.local == "Envelope" {
            let env = Envelope::from_element(&doc.root)?;
            match env.fault() {
                Some(f) => f?,
                None => {
                    return Err(Failure::Core(Error::at(
                        ErrorKind::InvalidRequest,
                        "xml",
                        "the envelope's Body is not a SOAP Fault",
                    )))
                }
            }
        } else {
            Fault::from_element(&doc.root)?
        };
        *out = fault_handle(fault);
        Ok(())
    })
}

/// The fault in the Body of `env`, as a new handle in `*out`. When the Body is not a SOAP
/// Fault the status is still WSSX_OK and `*out` is NULL; a malformed Fault is
/// WSSX_INVALID_REQUEST. The caller owns the handle and frees it with `wssx_fault_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_envelope_fault(
    env: *const wssx_envelope,
    out: *mut *mut wssx_fault,
) -> wssx_status {
    guard("wssx_envelope_fault", || {
        let out = out_handle(out, "out")?;
        if let Some(f) = handle(env, "env")?.env.fault() {
            *out = fault_handle(f?);
        }
        Ok(())
    })
}

/// Set the reason text (faultstring / Reason/Text; UTF-8, copied). The specs warn that
/// detailed fault text can help an attacker: the default is the spec's text.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_set_reason(
    fault: *mut wssx_fault,
    reason: *const u8,
    reason_len: usize,
) -> wssx_status {
    guard("wssx_fault_set_reason", || {
        let fault = handle_mut(fault, "fault")?;
        fault.fault.reason = text(reason, reason_len, "reason")?.to_string();
        Ok(())
    })
}

/// The error the fault stands for, in `*out`: the status of its spec fault code when that
/// is a wst or wsc code of any version (e.g. WSSX_BAD_CONTEXT_TOKEN), else
/// WSSX_REQUEST_FAILED.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_kind(
    fault: *const wssx_fault,
    out: *mut wssx_status,
) -> wssx_status {
    guard("wssx_fault_kind", || {
        let out = out_value(out, wssx_status::WSSX_REQUEST_FAILED, "out")?;
        *out = wssx_status::from_kind(handle(fault, "fault")?.fault.error_kind());
        Ok(())
    })
}

/// The reason text, NUL-terminated in `*out`; the caller owns it and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_reason(
    fault: *const wssx_fault,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_fault_reason", || {
        let out = out_buf(out, "out")?;
        put(out, Some(handle(fault, "fault")?.fault.reason.as_bytes()));
        Ok(())
    })
}

/// The spec fault code (SOAP 1.2 Subcode/Value, SOAP 1.1 faultcode when it is not a SOAP
/// code): `*ns` its namespace URI (empty when the prefix did not resolve), `*local` its
/// local name (e.g. "BadContextToken"); both {NULL, 0} (status WSSX_OK) when the fault has
/// only a SOAP code. The buffers must be distinct; the caller owns them and frees them
/// with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_subcode(
    fault: *const wssx_fault,
    ns: *mut wssx_buf,
    local: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_fault_subcode", || {
        let ns = out_buf(ns, "ns")?;
        let local = out_buf(local, "local")?;
        if let Some(q) = &handle(fault, "fault")?.fault.subcode {
            put(ns, Some(q.ns.as_bytes()));
            put(local, Some(q.local.as_bytes()));
        }
        Ok(())
    })
}

/// The Fault element alone, written in SOAP version `soap` (SOAP 1.1: faultcode =
/// the spec code, faultstring; SOAP 1.2: Code/Value Sender, Subcode/Value the spec code,
/// Reason/Text), NUL-terminated in `*out`; the caller owns it and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_to_xml(
    fault: *const wssx_fault,
    soap: SoapVersionArg,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_fault_to_xml", || {
        let out = out_buf(out, "out")?;
        let fault = handle(fault, "fault")?;
        let soap = soap_version(soap, "soap")?;
        put(out, Some(fault.fault.to_xml(soap).as_bytes()));
        Ok(())
    })
}

/// A whole fault message: a new envelope in SOAP version `soap` whose Body is the fault
/// and, with `wsa` other than WSSX_WSA_NONE, whose wsa:Action is that version's fault
/// action (set wsa:RelatesTo with `wssx_envelope_set_relates_to` to answer a request).
///
/// On success `*out` is a new envelope owned by the caller (free with
/// `wssx_envelope_free`); on failure it is NULL.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_to_envelope(
    fault: *const wssx_fault,
    soap: SoapVersionArg,
    wsa: WsaVersionArg,
    out: *mut *mut wssx_envelope,
) -> wssx_status {
    guard("wssx_fault_to_envelope", || {
        let out = out_handle(out, "out")?;
        let fault = handle(fault, "fault")?;
        let soap = soap_version(soap, "soap")?;
        let addressing = wsa_version(wsa, "wsa")?.map(|v| {
            let mut a = Addressing::new(v);
            a.action = Some(Header::required(v.fault_action().to_string()));
            a
        });
        *out = envelope_handle(fault.fault.to_envelope(soap, addressing));
        Ok(())
    })
}

/// The JSON description of the fault (`{"type":"Fault","code":"Sender","subcode":
/// "{ns}local","kind":"BadContextToken","reason":...}`).
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_to_json(
    fault: *const wssx_fault,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_fault_to_json", || {
        let out = out_buf(out_json, "out_json")?;
        let json = handle(fault, "fault")?.fault.to_json().to_string_compact();
        put(out, Some(json.as_bytes()));
        Ok(())
    })
}

/// Release a fault handle. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_fault_free(fault: *mut wssx_fault) {
    guard_void(|| {
        if !fault.is_null() {
            drop(Box::from_raw(fault));
        }
    })
}

/// Parse whichever WS-Trust message `xml` holds (RequestSecurityToken,
/// RequestSecurityTokenResponse, their collections, IssuedTokens; any version) or a SOAP
/// envelope (with the trust messages of its Body and IssuedTokens headers, and a Fault
/// body described as a fault), and describe it as compact JSON: the description `wssx
/// inspect` and the other faces give (URIs of the version table by name, secrets by type
/// and length only). A trust message that does not parse inside an envelope is described
/// by its error; a document that is neither gives WSSX_INVALID_REQUEST.
///
/// On success `*out_json` holds the JSON (UTF-8, NUL-terminated); the caller owns it and
/// frees it with `wssx_buf_free`. The XML is only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_trust_inspect(
    xml: *const u8,
    xml_len: usize,
    out_json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_trust_inspect", || {
        let out = out_buf(out_json, "out_json")?;
        let xml = bytes(xml, xml_len, "xml")?;
        let doc = xml::parse(xml)?;
        let root = &doc.root;
        let is_envelope = root.local == "Envelope"
            && root
                .ns
                .as_deref()
                .and_then(wssx::message::SoapVersion::from_namespace)
                .is_some();
        let json = if is_envelope {
            envelope_json(&Envelope::from_element(root)?)
        } else {
            TrustMessage::from_element(root)?.to_json()
        };
        put(out, Some(json.to_string_compact().as_bytes()));
        Ok(())
    })
}
