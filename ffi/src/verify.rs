//! Message protection, receiving side: `wssx_verify` decrypts and verifies a secured
//! envelope, getting context secrets from a C callback, and returns a `wssx_verify_report`.

use std::os::raw::{c_int, c_void};
use std::time::Duration;

use wssx::message::{self, ContextId, Part, VerifyOptions, VerifyReport};
use wssx::time::Instant;
use wssx::{Error, ErrorKind, Secret};

use crate::args::{bytes, handle, out_handle, out_value};
use crate::buf::{out_buf, put, wipe, wssx_buf};
use crate::derive::wssx_derive_options;
use crate::status::{guard, guard_void, wssx_status, Failure};

/// The size of the buffer `wssx_verify` hands a `wssx_secret_lookup_fn` for the secret:
/// the longest context secret the C API accepts, in bytes.
pub const WSSX_MAX_SECRET_LEN: usize = 1024;

/// Return value of a `wssx_secret_lookup_fn`: the secret was found and written.
pub const WSSX_LOOKUP_FOUND: c_int = 0;
/// Return value of a `wssx_secret_lookup_fn`: the context is unknown (the message is then
/// refused with WSSX_BAD_CONTEXT_TOKEN).
pub const WSSX_LOOKUP_UNKNOWN: c_int = 1;

/// Where `wssx_verify` gets the secret of a security context from (a context store).
///
/// Called with the `user_data` given to `wssx_verify` and the context's wsc:Identifier
/// (`identifier_len` bytes of UTF-8; `identifier[identifier_len]` is a NUL byte, so it is
/// also a C string) and the key wsc:Instance the message asks for (likewise; NULL with
/// `instance_len` 0 when it names none). Both are only valid during the call.
///
/// To return the secret, write it to `secret_out` (room for `secret_cap` bytes, which is
/// WSSX_MAX_SECRET_LEN), set `*secret_len` (0 on entry) to its length and return
/// WSSX_LOOKUP_FOUND (0). Return WSSX_LOOKUP_UNKNOWN (1) for a context you do not know;
/// any other value is a failure, and `wssx_verify` returns WSSX_CALLBACK with a message
/// naming the value. A `*secret_len` larger than `secret_cap` is refused (WSSX_CALLBACK);
/// never write beyond `secret_cap` bytes. wssx wipes the buffer after copying the secret.
///
/// The callback runs on the thread that called `wssx_verify`, before it returns, once
/// for every key the message uses (so possibly several times per message). It may call
/// other wssx functions, but must not unwind (C++ exceptions, longjmp) through wssx.
pub type wssx_secret_lookup_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        identifier: *const u8,
        identifier_len: usize,
        instance: *const u8,
        instance_len: usize,
        secret_out: *mut u8,
        secret_cap: usize,
        secret_len: *mut usize,
    ) -> c_int,
>;

/// What `wssx_verify` enforces. Always start from `wssx_verify_options_default` and
/// change the fields you need. The struct only borrows what `derive` points to (label,
/// nonce); it must stay valid during the call that uses the options.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_verify_options {
    /// Allowed clock skew, in seconds, when checking the wsu:Timestamp. Default 300.
    pub clock_skew_seconds: u64,
    /// Refuse messages without a wsu:Timestamp (WSSX_INVALID_SECURITY_TOKEN). Default
    /// false.
    pub require_timestamp: bool,
    /// Shortest key, in bytes, accepted for a signature (else WSSX_INVALID_SIGNATURE) or a
    /// decryption (else WSSX_CRYPTO). Default 16.
    pub min_key_len: usize,
    /// The time to check the Timestamp against, in milliseconds since the Unix epoch,
    /// used when `has_now` is true; otherwise (the default) the system clock.
    pub now_unix_ms: i64,
    /// Use `now_unix_ms` instead of the system clock. Default false.
    pub has_now: bool,
    /// Derivation defaults and limits for the DerivedKeyTokens of the message (see
    /// `wssx_derive_options`; default `wssx_derive_options_default`).
    pub derive: wssx_derive_options,
    /// Largest envelope accepted, in bytes. Default 64 MiB.
    pub max_xml_size: usize,
    /// Deepest element nesting accepted. Default 128.
    pub max_xml_depth: usize,
    /// Most elements in one envelope. Default 1,000,000.
    pub max_xml_elements: usize,
    /// Most attributes (namespace declarations included) on one element. Default 256.
    pub max_xml_attributes: usize,
    /// Largest single text node, in bytes. Default 64 MiB.
    pub max_xml_text: usize,
    /// A decryption identity: the receiver's X.509 certificate (PEM or DER,
    /// `certificate_len` bytes) for messages protected with an ephemeral key in an
    /// xenc:EncryptedKey addressed to it (see `wssx_protect_for_recipient`) rather than
    /// with a security context. NULL (the default) for none. Set it together with
    /// `private_key`; the options only borrow both.
    pub certificate: *const u8,
    /// Length of `certificate` in bytes.
    pub certificate_len: usize,
    /// The private key of `certificate` (PEM, PKCS#8 or traditional, or PKCS#8 DER;
    /// `private_key_len` bytes); NULL (the default) for none.
    pub private_key: *const u8,
    /// Length of `private_key` in bytes.
    pub private_key_len: usize,
}

impl wssx_verify_options {
    /// The defaults (core's `VerifyOptions::default()`).
    pub fn defaults() -> Self {
        let d = VerifyOptions::default();
        wssx_verify_options {
            clock_skew_seconds: d.clock_skew.as_secs(),
            require_timestamp: d.require_timestamp,
            min_key_len: d.min_key_len,
            now_unix_ms: d.now.map_or(0, Instant::millis),
            has_now: d.now.is_some(),
            derive: wssx_derive_options::defaults(),
            max_xml_size: d.limits.max_size,
            max_xml_depth: d.limits.max_depth,
            max_xml_elements: d.limits.max_elements,
            max_xml_attributes: d.limits.max_attributes,
            max_xml_text: d.limits.max_text,
            certificate: std::ptr::null(),
            certificate_len: 0,
            private_key: std::ptr::null(),
            private_key_len: 0,
        }
    }

    /// The core options these describe.
    ///
    /// # Safety
    /// The pointers (and those in `derive`) must be NULL or valid for their lengths.
    pub(crate) unsafe fn to_core(self) -> Result<VerifyOptions, Failure> {
        let cert = bytes(self.certificate, self.certificate_len, "opts.certificate")?;
        let key = bytes(self.private_key, self.private_key_len, "opts.private_key")?;
        let keys = match (cert.is_empty(), key.is_empty()) {
            (true, true) => None,
            (false, false) => Some(std::sync::Arc::new(wssx::binding::identity::identity(
                cert, key,
            )?)),
            (false, true) => {
                return Err(Failure::invalid(
                    "opts.private_key",
                    "a certificate needs its private key",
                ))
            }
            (true, false) => {
                return Err(Failure::invalid(
                    "opts.certificate",
                    "a private key needs its certificate",
                ))
            }
        };
        Ok(VerifyOptions {
            clock_skew: Duration::from_secs(self.clock_skew_seconds),
            require_timestamp: self.require_timestamp,
            now: self.has_now.then_some(Instant(self.now_unix_ms)),
            derive: self.derive.to_core()?,
            min_key_len: self.min_key_len,
            limits: wssx::xml::Limits {
                max_size: self.max_xml_size,
                max_depth: self.max_xml_depth,
                max_elements: self.max_xml_elements,
                max_attributes: self.max_xml_attributes,
                max_text: self.max_xml_text,
            },
            keys,
        })
    }
}

/// Fill `*opts` with the default options (see `wssx_verify_options`).
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_options_default(
    opts: *mut wssx_verify_options,
) -> wssx_status {
    guard("wssx_verify_options_default", || {
        out_value(opts, wssx_verify_options::defaults(), "opts")?;
        Ok(())
    })
}

/// What `wssx_verify` learned from a secured envelope (opaque): the parts covered by a
/// verified signature and the context whose key signed them, the decrypted parts, the
/// Timestamp, and the envelope after decryption.
///
/// Created by `wssx_verify`; the caller owns the handle and releases it with
/// `wssx_verify_report_free`. A report is read-only: it may move between threads and be
/// read from several at once, but `wssx_verify_report_free` must not run concurrently
/// with any other use of it.
#[allow(non_camel_case_types)]
pub struct wssx_verify_report {
    pub(crate) report: VerifyReport,
}

/// `s` with a NUL byte after it (the callback's strings double as C strings).
pub(crate) fn c_string_bytes(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    v
}

/// The callback's secret buffer, wiped however the call ends.
struct Scratch(Vec<u8>);

impl Drop for Scratch {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

fn callback_error(id: &ContextId, message: String) -> Error {
    Error::at(
        ErrorKind::Callback,
        format!("secret lookup for {}", id.identifier),
        message,
    )
}

/// Ask the C callback for the secret of `id`.
///
/// # Safety
/// `f` must be a valid callback honouring the `wssx_secret_lookup_fn` contract.
unsafe fn call_lookup(
    f: unsafe extern "C" fn(
        *mut c_void,
        *const u8,
        usize,
        *const u8,
        usize,
        *mut u8,
        usize,
        *mut usize,
    ) -> c_int,
    user_data: *mut c_void,
    id: &ContextId,
) -> wssx::Result<Option<Secret>> {
    let identifier = c_string_bytes(&id.identifier);
    let instance = id.instance.as_deref().map(c_string_bytes);
    let (inst_ptr, inst_len) = match &instance {
        Some(i) => (i.as_ptr(), i.len() - 1),
        None => (std::ptr::null(), 0),
    };
    let mut scratch = Scratch(vec![0u8; WSSX_MAX_SECRET_LEN]);
    let mut len: usize = 0;
    let rc = f(
        user_data,
        identifier.as_ptr(),
        identifier.len() - 1,
        inst_ptr,
        inst_len,
        scratch.0.as_mut_ptr(),
        WSSX_MAX_SECRET_LEN,
        &mut len,
    );
    match rc {
        WSSX_LOOKUP_FOUND if len <= WSSX_MAX_SECRET_LEN => {
            Ok(Some(Secret::from_slice(&scratch.0[..len])))
        }
        WSSX_LOOKUP_FOUND => Err(callback_error(
            id,
            format!(
                "the callback reported a {len}-byte secret; the buffer holds \
                 {WSSX_MAX_SECRET_LEN} bytes"
            ),
        )),
        WSSX_LOOKUP_UNKNOWN => Ok(None),
        other => Err(callback_error(
            id,
            format!("the callback failed with return code {other}"),
        )),
    }
}

/// Process the secured SOAP envelope `envelope` (`envelope_len` bytes): resolve its
/// SecurityContextTokens and DerivedKeyTokens, getting each context's secret from
/// `lookup` (called with `user_data`; see `wssx_secret_lookup_fn`), decrypt what is
/// encrypted, verify the HMAC signatures and check the Timestamp, under `opts` (NULL
/// means the defaults, `wssx_verify_options_default`).
///
/// Success means everything the Security header claims held; it does not mean the Body
/// was protected: ask the report (`wssx_verify_report_body_signed`, `_body_decrypted`,
/// the signed parts and their contexts) what was covered, and by which context.
///
/// Errors: WSSX_MALFORMED_XML / WSSX_LIMIT_EXCEEDED (not XML, DTDs, limits),
/// WSSX_INVALID_REQUEST (not a SOAP Envelope), WSSX_INVALID_SECURITY_TOKEN (no
/// wsse:Security header, bad tokens, missing required Timestamp), WSSX_BAD_CONTEXT_TOKEN
/// (the callback does not know a context), WSSX_INVALID_SIGNATURE (a signature or digest
/// does not verify, signature wrapping, signature key too short), WSSX_CRYPTO
/// (decryption failed, decryption key too short), WSSX_EXPIRED_DATA /
/// WSSX_INVALID_TIME_RANGE (Timestamp), WSSX_CALLBACK (the callback failed or claimed too
/// long a secret).
///
/// On success `*out` is a new report owned by the caller (free with
/// `wssx_verify_report_free`); on failure it is NULL. The inputs are only read during the
/// call.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify(
    envelope: *const u8,
    envelope_len: usize,
    lookup: wssx_secret_lookup_fn,
    user_data: *mut c_void,
    opts: *const wssx_verify_options,
    out: *mut *mut wssx_verify_report,
) -> wssx_status {
    guard("wssx_verify", || {
        let out = out_handle(out, "out")?;
        let envelope = bytes(envelope, envelope_len, "envelope")?;
        let f = lookup.ok_or(Failure::Null("lookup"))?;
        let opts = match opts.as_ref() {
            Some(o) => o.to_core()?,
            None => VerifyOptions::default(),
        };
        let lookup = |id: &ContextId| -> wssx::Result<Option<Secret>> {
            // SAFETY: the caller of wssx_verify vouches for the callback.
            unsafe { call_lookup(f, user_data, id) }
        };
        let report = message::verify(envelope, &lookup, &opts)?;
        *out = Box::into_raw(Box::new(wssx_verify_report { report }));
        Ok(())
    })
}

/// Whether the envelope's own Body (the Envelope's direct child, not a copy moved
/// elsewhere) was covered by a verified signature, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_body_signed(
    report: *const wssx_verify_report,
    out: *mut bool,
) -> wssx_status {
    guard("wssx_verify_report_body_signed", || {
        let out = out_value(out, false, "out")?;
        *out = handle(report, "report")?.report.body_signed();
        Ok(())
    })
}

/// Whether the envelope's Body content was decrypted, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_body_decrypted(
    report: *const wssx_verify_report,
    out: *mut bool,
) -> wssx_status {
    guard("wssx_verify_report_body_decrypted", || {
        let out = out_value(out, false, "out")?;
        *out = handle(report, "report")?.report.body_decrypted();
        Ok(())
    })
}

/// The name of a part, as the report's JSON writes it.
///
/// Core's `Part::label` is private; this is the same mapping (the unit test
/// `part_labels_match_the_json` keeps the two in step).
fn part_label(part: &Part) -> String {
    match part {
        Part::Body => "Body".into(),
        Part::Timestamp => "Timestamp".into(),
        Part::Header { ns, local } => format!("Header {{{}}}{local}", ns.as_deref().unwrap_or("")),
        Part::SecurityHeaderElement { local } => format!("Security/{local}"),
        Part::Other { path } => path.clone(),
    }
}

/// Fill the context outputs (identifier, instance) from `ctx`.
fn put_context(identifier: &mut wssx_buf, instance: &mut wssx_buf, ctx: Option<&ContextId>) {
    put(identifier, ctx.map(|c| c.identifier.as_bytes()));
    put(
        instance,
        ctx.and_then(|c| c.instance.as_deref()).map(str::as_bytes),
    );
}

fn index_error(index: usize, count: usize, what: &str) -> Failure {
    Failure::invalid(
        "index",
        format!("index {index} is out of range: the report has {count} {what} parts"),
    )
}

/// The number of verified signature references (signed parts), in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_signed_count(
    report: *const wssx_verify_report,
    out: *mut usize,
) -> wssx_status {
    guard("wssx_verify_report_signed_count", || {
        let out = out_value(out, 0, "out")?;
        *out = handle(report, "report")?.report.signed.len();
        Ok(())
    })
}

/// Signed part number `index` (0-based, in processing order; else WSSX_INVALID_ARGUMENT):
/// - `*part`: which element, by where it is: "Body", "Timestamp", "Header {ns}local" (a
///   direct child of the SOAP Header), "Security/local" (an element of the Security
///   header), or a slash-separated path of local names for anything else;
/// - `*id`: the ID the signature referenced it by;
/// - `*context_identifier`, `*context_instance`: the context whose key made the signature
///   (its wsc:Identifier, and the wsc:Instance the message named); {NULL, 0} when absent
///   (the instance when none was named, both when the key came from no context).
///
/// The four buffers must be distinct. Each is NUL-terminated, owned by the caller and
/// freed with `wssx_buf_free`; on failure all are {NULL, 0}.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_signed_part(
    report: *const wssx_verify_report,
    index: usize,
    part: *mut wssx_buf,
    id: *mut wssx_buf,
    context_identifier: *mut wssx_buf,
    context_instance: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_verify_report_signed_part", || {
        let part = out_buf(part, "part")?;
        let id = out_buf(id, "id")?;
        let identifier = out_buf(context_identifier, "context_identifier")?;
        let instance = out_buf(context_instance, "context_instance")?;
        let signed = &handle(report, "report")?.report.signed;
        let s = signed
            .get(index)
            .ok_or_else(|| index_error(index, signed.len(), "signed"))?;
        put(part, Some(part_label(&s.part).as_bytes()));
        put(id, Some(s.id.as_bytes()));
        put_context(identifier, instance, s.context.as_ref());
        Ok(())
    })
}

/// The number of decrypted parts, in `*out`.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_decrypted_count(
    report: *const wssx_verify_report,
    out: *mut usize,
) -> wssx_status {
    guard("wssx_verify_report_decrypted_count", || {
        let out = out_value(out, 0, "out")?;
        *out = handle(report, "report")?.report.decrypted.len();
        Ok(())
    })
}

/// Decrypted part number `index` (0-based, in processing order; else
/// WSSX_INVALID_ARGUMENT):
/// - `*part`: where the plaintext now is, named as for `wssx_verify_report_signed_part`;
/// - `*content`: true when the element's content was encrypted (xenc#Content, e.g. the
///   Body), false when the whole element was (an encrypted header);
/// - `*context_identifier`, `*context_instance`: the context whose key decrypted it;
///   {NULL, 0} when absent.
///
/// The three buffers must be distinct. Each is NUL-terminated, owned by the caller and
/// freed with `wssx_buf_free`; on failure all are {NULL, 0} and `*content` is false.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_decrypted_part(
    report: *const wssx_verify_report,
    index: usize,
    part: *mut wssx_buf,
    content: *mut bool,
    context_identifier: *mut wssx_buf,
    context_instance: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_verify_report_decrypted_part", || {
        let part = out_buf(part, "part")?;
        let content = out_value(content, false, "content")?;
        let identifier = out_buf(context_identifier, "context_identifier")?;
        let instance = out_buf(context_instance, "context_instance")?;
        let decrypted = &handle(report, "report")?.report.decrypted;
        let d = decrypted
            .get(index)
            .ok_or_else(|| index_error(index, decrypted.len(), "decrypted"))?;
        put(part, Some(part_label(&d.part).as_bytes()));
        *content = d.content;
        put_context(identifier, instance, d.context.as_ref());
        Ok(())
    })
}

/// The wsu:Timestamp of the message: `*present` tells whether it had one; `*created_ms`
/// / `*expires_ms` are its wsu:Created / wsu:Expires in milliseconds since the Unix
/// epoch, valid when `*has_created` / `*has_expires` is true (0 otherwise).
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_timestamp(
    report: *const wssx_verify_report,
    present: *mut bool,
    created_ms: *mut i64,
    has_created: *mut bool,
    expires_ms: *mut i64,
    has_expires: *mut bool,
) -> wssx_status {
    guard("wssx_verify_report_timestamp", || {
        let present = out_value(present, false, "present")?;
        let created_ms = out_value(created_ms, 0, "created_ms")?;
        let has_created = out_value(has_created, false, "has_created")?;
        let expires_ms = out_value(expires_ms, 0, "expires_ms")?;
        let has_expires = out_value(has_expires, false, "has_expires")?;
        if let Some((created, expires)) = handle(report, "report")?.report.timestamp {
            *present = true;
            if let Some(c) = created {
                *created_ms = c.millis();
                *has_created = true;
            }
            if let Some(e) = expires {
                *expires_ms = e.millis();
                *has_expires = true;
            }
        }
        Ok(())
    })
}

/// The envelope after decryption (UTF-8 XML, NUL-terminated): what the application should
/// read, with the decrypted Body content and headers in place. The Security header is
/// kept. The caller owns `*xml` and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_envelope(
    report: *const wssx_verify_report,
    xml: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_verify_report_envelope", || {
        let xml = out_buf(xml, "xml")?;
        put(
            xml,
            Some(handle(report, "report")?.report.envelope_xml().as_bytes()),
        );
        Ok(())
    })
}

/// The report as compact JSON (the description the CLI's `verify-sct` and the other
/// faces give): `{"bodySigned":..,"bodyDecrypted":..,"signed":[{"part","id","context":
/// {"identifier","instance"},"signature","digest"}..],"decrypted":[{"part","content",
/// "context","algorithm"}..],"timestamp":{"created","expires"}|null}`. The caller owns
/// `*json` (UTF-8, NUL-terminated) and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_to_json(
    report: *const wssx_verify_report,
    json: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_verify_report_to_json", || {
        let json = out_buf(json, "json")?;
        put(
            json,
            Some(
                handle(report, "report")?
                    .report
                    .to_json()
                    .to_string_compact()
                    .as_bytes(),
            ),
        );
        Ok(())
    })
}

/// Release a report. NULL is a no-op. The handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wssx_verify_report_free(report: *mut wssx_verify_report) {
    guard_void(|| {
        if !report.is_null() {
            drop(Box::from_raw(report));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wssx::message::{protect, ContextKey, ProtectOptions, Protection};
    use wssx::SecurityContextToken;

    #[test]
    fn defaults_match_core() {
        let d = unsafe { wssx_verify_options::defaults().to_core() }.unwrap();
        assert_eq!(format!("{d:?}"), format!("{:?}", VerifyOptions::default()));
    }

    #[test]
    fn part_labels_match_the_json() {
        let sct = SecurityContextToken::new(wssx::ScVersion::V1_3, "urn:uuid:x").unwrap();
        let ctx = ContextKey {
            sct,
            secret: Secret::from_slice(&[7u8; 32]),
        };
        let env = concat!(
            r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>"#,
            r#"<a:To xmlns:a="urn:a">x</a:To></s:Header><s:Body><p>hi</p></s:Body></s:Envelope>"#
        )
        .as_bytes();
        let opts = ProtectOptions {
            signed_headers: vec![("urn:a".into(), "To".into())],
            ..Default::default()
        };
        let secured = protect(env, &ctx, Protection::SignAndEncrypt, &opts).unwrap();
        let lookup =
            |_: &ContextId| -> wssx::Result<Option<Secret>> { Ok(Some(ctx.secret.clone())) };
        let report =
            message::verify(secured.as_bytes(), &lookup, &VerifyOptions::default()).unwrap();
        let json = report.to_json().to_string_compact();
        let mut labels: Vec<String> = report.signed.iter().map(|s| part_label(&s.part)).collect();
        labels.extend(report.decrypted.iter().map(|d| part_label(&d.part)));
        assert!(labels.len() >= 4, "{json}");
        for l in labels {
            assert!(
                json.contains(&format!("\"part\":\"{l}\"")),
                "{l} not in {json}"
            );
        }
        // The other variants, against the same format.
        let h = Part::SecurityHeaderElement { local: "X".into() };
        assert_eq!(part_label(&h), "Security/X");
        assert_eq!(
            part_label(&Part::Other {
                path: "Envelope/Body/p".into()
            }),
            "Envelope/Body/p"
        );
    }
}
