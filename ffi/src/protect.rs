//! Message protection, sending side: `wssx_protect` signs and/or encrypts a SOAP envelope
//! with the keys of a security context, under `wssx_protect_options`.

use std::os::raw::c_int;
use std::time::Duration;

use wssx::message::{
    self, AlgorithmSuite, ContextKey, ProtectOptions, Protection, ProtectionOrder, TokenReference,
};
use wssx::Secret;

use crate::args::{bytes, handle, opt_text, sc_version, text, ScVersionArg};
use crate::buf::{out_buf, put, wssx_buf};
use crate::sct::wssx_sct;
use crate::status::{guard, wssx_status, Failure};

/// A `wssx_protection` passed in by C, as a plain int (a value outside the enum is an
/// error, not undefined behaviour); the header spells it `enum wssx_protection`.
pub type ProtectionArg = c_int;
/// A `wssx_suite` passed in by C, as a plain int; the header spells it `enum wssx_suite`.
pub type SuiteArg = c_int;
/// A `wssx_token_reference` passed in by C, as a plain int; the header spells it
/// `enum wssx_token_reference`.
pub type TokenReferenceArg = c_int;
/// A `wssx_protection_order` passed in by C, as a plain int; the header spells it
/// `enum wssx_protection_order`.
pub type ProtectionOrderArg = c_int;

/// What `wssx_protect` does to the message.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_protection {
    /// Sign the Body, the Timestamp and the chosen headers (one HMAC signature).
    WSSX_SIGN = 0,
    /// Encrypt the Body content and the chosen headers.
    WSSX_ENCRYPT = 1,
    /// Both, in the order `wssx_protect_options.order` names.
    WSSX_SIGN_AND_ENCRYPT = 2,
}

/// WS-SecurityPolicy algorithm suite (for symmetric context keys).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_suite {
    /// Basic128: HMAC-SHA1, SHA-1, AES-128-CBC; 16-byte signature and encryption keys.
    WSSX_SUITE_BASIC128 = 0,
    /// Basic256 (WCF's default): HMAC-SHA1, SHA-1, AES-256-CBC; 24-byte signature key,
    /// 32-byte encryption key.
    WSSX_SUITE_BASIC256 = 1,
    /// Basic256Sha256: HMAC-SHA256, SHA-256, AES-256-CBC; 24-byte signature key, 32-byte
    /// encryption key.
    WSSX_SUITE_BASIC256_SHA256 = 2,
}

/// How the derived keys (or, with raw keys, the signature and encrypted data) point at
/// the SecurityContextToken.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_token_reference {
    /// `<wsse:Reference URI="#wsu:Id">` to the SCT carried in the Security header (needs
    /// `include_sct`).
    WSSX_REF_BY_ID = 0,
    /// `<wsse:Reference URI="{Identifier}" ValueType=".../sct">`, with or without the SCT
    /// in the message (what WCF does once the context is established).
    WSSX_REF_BY_IDENTIFIER = 1,
}

/// Order of signing and encrypting for WSSX_SIGN_AND_ENCRYPT.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_protection_order {
    /// Sign the plaintext, then encrypt (WCF's default; the receiver decrypts first).
    WSSX_SIGN_THEN_ENCRYPT = 0,
    /// Encrypt, then sign the ciphertext.
    WSSX_ENCRYPT_THEN_SIGN = 1,
}

pub(crate) fn protection(raw: ProtectionArg) -> Result<Protection, Failure> {
    match raw {
        0 => Ok(Protection::Sign),
        1 => Ok(Protection::Encrypt),
        2 => Ok(Protection::SignAndEncrypt),
        other => Err(Failure::invalid(
            "protection",
            format!("{other} is not a wssx_protection"),
        )),
    }
}

fn suite(raw: SuiteArg) -> Result<AlgorithmSuite, Failure> {
    match raw {
        0 => Ok(AlgorithmSuite::Basic128),
        1 => Ok(AlgorithmSuite::Basic256),
        2 => Ok(AlgorithmSuite::Basic256Sha256),
        other => Err(Failure::invalid(
            "opts.suite",
            format!("{other} is not a wssx_suite"),
        )),
    }
}

fn suite_arg(s: AlgorithmSuite) -> SuiteArg {
    match s {
        AlgorithmSuite::Basic128 => wssx_suite::WSSX_SUITE_BASIC128 as c_int,
        AlgorithmSuite::Basic256 => wssx_suite::WSSX_SUITE_BASIC256 as c_int,
        AlgorithmSuite::Basic256Sha256 => wssx_suite::WSSX_SUITE_BASIC256_SHA256 as c_int,
    }
}

fn token_reference(raw: TokenReferenceArg) -> Result<TokenReference, Failure> {
    match raw {
        0 => Ok(TokenReference::ById),
        1 => Ok(TokenReference::ByIdentifier),
        other => Err(Failure::invalid(
            "opts.reference",
            format!("{other} is not a wssx_token_reference"),
        )),
    }
}

fn token_reference_arg(r: TokenReference) -> TokenReferenceArg {
    match r {
        TokenReference::ById => wssx_token_reference::WSSX_REF_BY_ID as c_int,
        TokenReference::ByIdentifier => wssx_token_reference::WSSX_REF_BY_IDENTIFIER as c_int,
    }
}

fn order(raw: ProtectionOrderArg) -> Result<ProtectionOrder, Failure> {
    match raw {
        0 => Ok(ProtectionOrder::SignThenEncrypt),
        1 => Ok(ProtectionOrder::EncryptThenSign),
        other => Err(Failure::invalid(
            "opts.order",
            format!("{other} is not a wssx_protection_order"),
        )),
    }
}

fn order_arg(o: ProtectionOrder) -> ProtectionOrderArg {
    match o {
        ProtectionOrder::SignThenEncrypt => wssx_protection_order::WSSX_SIGN_THEN_ENCRYPT as c_int,
        ProtectionOrder::EncryptThenSign => wssx_protection_order::WSSX_ENCRYPT_THEN_SIGN as c_int,
    }
}

/// An XML qualified name by namespace URI and local name (both UTF-8, explicit lengths),
/// e.g. {"http://www.w3.org/2005/08/addressing", "To"}. Only borrowed by the call that
/// uses it.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_qname {
    /// Namespace URI (`ns_len` bytes). Only namespaced elements can be named: an element
    /// in no namespace never matches.
    pub ns: *const u8,
    /// Length of `ns` in bytes.
    pub ns_len: usize,
    /// Local name (`local_len` bytes).
    pub local: *const u8,
    /// Length of `local` in bytes.
    pub local_len: usize,
}

/// What `wssx_protect` writes. Always start from `wssx_protect_options_default` and
/// change the fields you need: the defaults are what WCF sends with an SCT on Basic256
/// (DerivedKeyTokens with a 16-byte nonce and no Label, a Timestamp valid five minutes,
/// the SCT in the Security header and referenced by wsu:Id, sign then encrypt, CBC).
///
/// The struct only borrows `label`, the header arrays and the names they point to; they
/// must stay valid during the call that uses the options.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_protect_options {
    /// Algorithm suite. Default WSSX_SUITE_BASIC256.
    pub suite: SuiteArg,
    /// How keys reference the SCT. Default WSSX_REF_BY_ID (which needs `include_sct`).
    pub reference: TokenReferenceArg,
    /// Put the SCT itself in the Security header. Default true.
    pub include_sct: bool,
    /// Write wsc:Instance on references when the SCT has an Instance. Default true.
    pub reference_instance: bool,
    /// Sign / encrypt with keys derived by DerivedKeyTokens (true, the default) or with
    /// the context secret itself (false, as gSOAP does).
    pub derived_keys: bool,
    /// A wsc:Label (UTF-8, `label_len` bytes) to write in and derive with each
    /// DerivedKeyToken. NULL (with `label_len` 0, the default) means no Label element and
    /// the default label WSSX_DEFAULT_LABEL.
    pub label: *const u8,
    /// Length of `label` in bytes.
    pub label_len: usize,
    /// Nonce length in bytes of new DerivedKeyTokens. Default 16 (WSSX_DEFAULT_NONCE_LEN).
    pub nonce_len: usize,
    /// Derived signature key length in bytes; 0 (the default) means the suite's.
    pub signature_key_len: u64,
    /// Derived encryption key length in bytes; 0 (the default) means the suite's. A length
    /// other than the suite's picks the AES variant (16, 24 or 32 bytes).
    pub encryption_key_len: u64,
    /// An explicit wsc:Offset for the DerivedKeyTokens, used when `has_offset` is true.
    pub offset: u64,
    /// Write `offset` as wsc:Offset (true) or no Offset element, i.e. 0 (false, default).
    pub has_offset: bool,
    /// Add a wsu:Timestamp valid for this many seconds; 0 means no Timestamp. Default 300.
    pub timestamp_ttl_seconds: u64,
    /// SOAP headers to sign too, when present (`signed_headers_len` names). NULL (with
    /// length 0, the default) means none.
    pub signed_headers: *const wssx_qname,
    /// Number of names in `signed_headers`.
    pub signed_headers_len: usize,
    /// SOAP headers to encrypt (as wsse11:EncryptedHeader), when present
    /// (`encrypted_headers_len` names). NULL (with length 0, the default) means none.
    pub encrypted_headers: *const wssx_qname,
    /// Number of names in `encrypted_headers`.
    pub encrypted_headers_len: usize,
    /// Order for WSSX_SIGN_AND_ENCRYPT. Default WSSX_SIGN_THEN_ENCRYPT.
    pub order: ProtectionOrderArg,
    /// Encrypt with AES-GCM (xmlenc 1.1) instead of the suite's CBC mode. Default false.
    pub gcm: bool,
}

impl wssx_protect_options {
    /// The defaults (core's `ProtectOptions::default()`).
    pub fn defaults() -> Self {
        let d = ProtectOptions::default();
        wssx_protect_options {
            suite: suite_arg(d.suite),
            reference: token_reference_arg(d.reference),
            include_sct: d.include_sct,
            reference_instance: d.reference_instance,
            derived_keys: d.derived_keys,
            label: std::ptr::null(),
            label_len: 0,
            nonce_len: d.nonce_len,
            signature_key_len: d.signature_key_len.unwrap_or(0),
            encryption_key_len: d.encryption_key_len.unwrap_or(0),
            offset: d.offset.unwrap_or(0),
            has_offset: d.offset.is_some(),
            timestamp_ttl_seconds: d.timestamp_ttl.map_or(0, |t| t.as_secs()),
            signed_headers: std::ptr::null(),
            signed_headers_len: 0,
            encrypted_headers: std::ptr::null(),
            encrypted_headers_len: 0,
            order: order_arg(d.order),
            gcm: d.gcm,
        }
    }

    /// The core options these describe.
    ///
    /// # Safety
    /// The pointers must be NULL or valid for their lengths.
    pub(crate) unsafe fn to_core(self) -> Result<ProtectOptions, Failure> {
        let nonzero = |n: u64| (n != 0).then_some(n);
        Ok(ProtectOptions {
            suite: suite(self.suite)?,
            reference: token_reference(self.reference)?,
            include_sct: self.include_sct,
            reference_instance: self.reference_instance,
            derived_keys: self.derived_keys,
            label: opt_text(self.label, self.label_len, "opts.label")?.map(str::to_string),
            nonce_len: self.nonce_len,
            signature_key_len: nonzero(self.signature_key_len),
            encryption_key_len: nonzero(self.encryption_key_len),
            offset: self.has_offset.then_some(self.offset),
            timestamp_ttl: nonzero(self.timestamp_ttl_seconds).map(Duration::from_secs),
            signed_headers: qnames(
                self.signed_headers,
                self.signed_headers_len,
                "opts.signed_headers",
            )?,
            encrypted_headers: qnames(
                self.encrypted_headers,
                self.encrypted_headers_len,
                "opts.encrypted_headers",
            )?,
            order: order(self.order)?,
            gcm: self.gcm,
        })
    }
}

/// The names `(ptr, len)`; NULL with length 0 is none.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` valid `wssx_qname`s whose strings are valid.
unsafe fn qnames(
    ptr: *const wssx_qname,
    len: usize,
    name: &'static str,
) -> Result<Vec<(String, String)>, Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(Vec::new())
        } else {
            Err(Failure::Null(name))
        };
    }
    if len > isize::MAX as usize / std::mem::size_of::<wssx_qname>() {
        return Err(Failure::invalid(
            name,
            format!("{len} names is not a valid array length"),
        ));
    }
    std::slice::from_raw_parts(ptr, len)
        .iter()
        .map(|q| {
            Ok((
                text(q.ns, q.ns_len, name)?.to_string(),
                text(q.local, q.local_len, name)?.to_string(),
            ))
        })
        .collect()
}

/// Fill `*opts` with the default options (see `wssx_protect_options`).
#[no_mangle]
pub unsafe extern "C" fn wssx_protect_options_default(
    opts: *mut wssx_protect_options,
) -> wssx_status {
    guard("wssx_protect_options_default", || {
        crate::args::out_value(opts, wssx_protect_options::defaults(), "opts")?;
        Ok(())
    })
}

/// Protect the SOAP 1.1 or 1.2 envelope `envelope` (`envelope_len` bytes of XML) with the
/// security context named by `sct` whose shared secret is `secret`: add (or extend) the
/// wsse:Security header with a wsu:Timestamp, the SCT, DerivedKeyTokens, and a
/// ds:Signature (HMAC) over the Body, the Timestamp and the chosen headers and / or an
/// xenc:ReferenceList for the encrypted Body content and headers, as `protection`
/// (WSSX_SIGN, WSSX_ENCRYPT or WSSX_SIGN_AND_ENCRYPT) asks.
///
/// `opts` NULL means the defaults (`wssx_protect_options_default`). The SCT's wsu:Id is
/// used when it has one, else one is made up; its Instance is referenced when
/// `reference_instance` is set.
///
/// Errors: WSSX_MALFORMED_XML / WSSX_LIMIT_EXCEEDED (not XML, DTDs, too deep),
/// WSSX_INVALID_REQUEST (not a SOAP Envelope with one Body), WSSX_INVALID_ARGUMENT (an
/// enum value out of range, WSSX_REF_BY_ID without `include_sct`, a key length no AES
/// variant takes), WSSX_LIMIT_EXCEEDED (key lengths, label, offset beyond the derivation
/// limits).
///
/// On success `*out` holds the secured envelope (UTF-8 XML, NUL-terminated); the caller
/// owns it and frees it with `wssx_buf_free`. All inputs are only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_protect(
    envelope: *const u8,
    envelope_len: usize,
    sct: *const wssx_sct,
    secret: *const u8,
    secret_len: usize,
    protection: ProtectionArg,
    opts: *const wssx_protect_options,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_protect", || {
        let out = out_buf(out, "out")?;
        let envelope = bytes(envelope, envelope_len, "envelope")?;
        let sct = handle(sct, "sct")?;
        let secret = bytes(secret, secret_len, "secret")?;
        let what = self::protection(protection)?;
        let opts = match opts.as_ref() {
            Some(o) => o.to_core()?,
            None => ProtectOptions::default(),
        };
        let ctx = ContextKey {
            sct: sct.token.clone(),
            secret: Secret::from_slice(secret),
        };
        let secured = message::protect(envelope, &ctx, what, &opts)?;
        put(out, Some(secured.as_bytes()));
        Ok(())
    })
}

/// Protect `envelope` for the holder of `recipient_certificate`'s private key, without a
/// security context (WCF's symmetric binding with an X.509 protection token, key
/// exchange pattern 4): a fresh random 32-byte key travels in an xenc:EncryptedKey
/// (RSA-OAEP, referenced by thumbprint) in the Security header, and DerivedKeyTokens of
/// WS-SecureConversation `version` (or the key itself) sign / encrypt as `protection`
/// and `opts` (NULL: the defaults) say. The recipient verifies it with `wssx_verify`,
/// its certificate and private key set in the `wssx_verify_options`.
///
/// Errors: those of `wssx_protect`; WSSX_INVALID_ARGUMENT for a certificate that is not
/// an X.509 (RSA) certificate.
///
/// On success `*out` holds the secured envelope and `*key` the ephemeral key (a reply may
/// be protected with it; `wssx_buf_free` wipes it), both owned by the caller; on failure
/// both are {NULL, 0}. `key` may be NULL when the caller does not want the key; the
/// buffers must be distinct. All inputs are only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_protect_for_recipient(
    envelope: *const u8,
    envelope_len: usize,
    recipient_certificate: *const u8,
    recipient_certificate_len: usize,
    version: ScVersionArg,
    protection: ProtectionArg,
    opts: *const wssx_protect_options,
    out: *mut wssx_buf,
    key: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_protect_for_recipient", || {
        let out = out_buf(out, "out")?;
        let key = if key.is_null() {
            None
        } else {
            Some(out_buf(key, "key")?)
        };
        let envelope = bytes(envelope, envelope_len, "envelope")?;
        let cert = bytes(
            recipient_certificate,
            recipient_certificate_len,
            "recipient_certificate",
        )?;
        let version = sc_version(version, "version")?;
        let what = self::protection(protection)?;
        let opts = match opts.as_ref() {
            Some(o) => o.to_core()?,
            None => ProtectOptions::default(),
        };
        let cert = wssx::binding::identity::certificate(cert)?;
        let (secured, secret) =
            message::protect_for_recipient(envelope, &cert, version, what, &opts)?;
        put(out, Some(secured.as_bytes()));
        if let Some(key) = key {
            put(key, Some(secret.expose()));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_core() {
        let d = unsafe { wssx_protect_options::defaults().to_core() }.unwrap();
        assert_eq!(format!("{d:?}"), format!("{:?}", ProtectOptions::default()));
    }

    #[test]
    fn enum_values_round_trip() {
        for s in [
            AlgorithmSuite::Basic128,
            AlgorithmSuite::Basic256,
            AlgorithmSuite::Basic256Sha256,
        ] {
            assert_eq!(suite(suite_arg(s)).unwrap(), s);
        }
        for r in [TokenReference::ById, TokenReference::ByIdentifier] {
            assert_eq!(token_reference(token_reference_arg(r)).unwrap(), r);
        }
        for o in [
            ProtectionOrder::SignThenEncrypt,
            ProtectionOrder::EncryptThenSign,
        ] {
            assert_eq!(order(order_arg(o)).unwrap(), o);
        }
        assert_eq!(protection(0).unwrap(), Protection::Sign);
        assert_eq!(protection(1).unwrap(), Protection::Encrypt);
        assert_eq!(protection(2).unwrap(), Protection::SignAndEncrypt);
        assert!(protection(3).is_err() && suite(-1).is_err());
        assert!(token_reference(2).is_err() && order(c_int::MIN).is_err());
    }

    #[test]
    fn qname_arrays() {
        let q = [wssx_qname {
            ns: b"urn:n".as_ptr(),
            ns_len: 5,
            local: b"L".as_ptr(),
            local_len: 1,
        }];
        unsafe {
            assert_eq!(
                qnames(q.as_ptr(), 1, "h").unwrap(),
                vec![("urn:n".to_string(), "L".to_string())]
            );
            assert!(qnames(std::ptr::null(), 0, "h").unwrap().is_empty());
            assert!(matches!(
                qnames(std::ptr::null(), 1, "h"),
                Err(Failure::Null("h"))
            ));
            assert!(qnames(q.as_ptr(), usize::MAX, "h").is_err());
        }
    }
}
