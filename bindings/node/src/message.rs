//! Message protection (core's `message` module): `sign`, `encrypt`, `signAndEncrypt` and
//! `verify` of SOAP envelopes with the keys of a security context, the `VerifyReport`
//! class, and `c14n`.
//!
//! `verify` resolves context secrets through a JS lookup (a function, a `Map` or a plain
//! object) called synchronously on the JS thread while core processes the message. The
//! lookup is called through raw N-API so that an exception it throws is taken off the env,
//! kept, and re-thrown unchanged once core has returned: the caller catches the very value
//! the lookup threw, not a wrapper.

use std::cell::RefCell;
use std::ptr;
use std::time::Duration;

use napi::bindgen_prelude::{Buffer, Either, Unknown};
use napi::{sys, JsValue, Status, ValueType};
use napi_derive::napi;
use wssx::message::{
    self, AlgorithmSuite, ContextKey, Part, ProtectOptions as CoreProtectOptions, Protection,
    ProtectionOrder, SecretLookup, TokenReference, VerifyOptions as CoreVerifyOptions,
};
use wssx::{Error, ErrorKind, Secret};

use crate::conv::{
    arg_err, array, boolean, bytes, core, member, millis, napi_err, options, string, strings, uint,
    usize_of, xml_input, JsDate, JsonValue, Result,
};
use crate::tokens::{
    derive_options, known_keys, security_context_token, DeriveOptions, SecurityContextToken,
};

// ---------------------------------------------------------------------------------------
// Option interfaces
// ---------------------------------------------------------------------------------------

// As in tokens.rs, these structs only declare the TypeScript interfaces; the options are
// read key by key (`protect_options`, `verify_options`, `c14n`) so that every bad value is
// an InvalidArgument error naming the option and unknown keys are refused.

/// Options of `sign`, `encrypt` and `signAndEncrypt`. The defaults are what WCF sends with
/// an SCT on Basic256: DerivedKeyTokens with a 16-byte nonce and no Label, a Timestamp
/// valid five minutes, the SCT in the Security header and referenced by wsu:Id, AES-CBC.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct ProtectOptions {
    /// WS-SecurityPolicy algorithm suite (default "Basic256"; case-insensitive).
    /// Basic128: HMAC-SHA1, SHA-1, AES-128, 16-byte keys. Basic256: HMAC-SHA1, SHA-1,
    /// AES-256, 24-byte signature key, 32-byte encryption key. Basic256Sha256: as Basic256
    /// with HMAC-SHA256 and SHA-256.
    #[napi(ts_type = "'Basic128' | 'Basic256' | 'Basic256Sha256'")]
    pub suite: Option<String>,
    /// How keys point at the SCT: by its wsu:Id (`#id`, default; needs `includeSct`) or by
    /// its wsc:Identifier, as WCF does once the context is established.
    #[napi(ts_type = "'id' | 'identifier'")]
    pub reference: Option<String>,
    /// Put the SCT itself in the Security header (default true). The SCT's wsu:Id is used
    /// when it has one, else one is made up.
    pub include_sct: Option<bool>,
    /// Write wsc:Instance on references when the SCT has an Instance (default true).
    pub reference_instance: Option<bool>,
    /// Sign / encrypt with keys derived by DerivedKeyTokens (default true) or with the
    /// context secret itself (false, as gSOAP does).
    pub derived_keys: Option<bool>,
    /// A wsc:Label to write in and derive with each DerivedKeyToken (default: no Label
    /// element, and DEFAULT_LABEL).
    pub label: Option<String>,
    /// Nonce length in bytes of new DerivedKeyTokens (default 16).
    pub nonce_length: Option<f64>,
    /// Derived signature key length in bytes (default: the suite's).
    pub signature_key_length: Option<f64>,
    /// Derived encryption key length in bytes (default: the suite's). A length other than
    /// the suite's picks the AES variant (16, 24 or 32 bytes; GCM: 16 or 32).
    pub encryption_key_length: Option<f64>,
    /// An explicit wsc:Offset in bytes for the DerivedKeyTokens (default: no Offset
    /// element, i.e. 0).
    pub offset: Option<f64>,
    /// Add a wsu:Timestamp valid this many seconds (default 300); null: no Timestamp.
    #[napi(ts_type = "number | null")]
    pub timestamp_ttl: Option<f64>,
    /// SOAP headers to sign too, when present, as [namespace, local name] pairs (the Body
    /// and the Timestamp are always signed).
    #[napi(ts_type = "Array<[string, string]>")]
    pub signed_headers: Option<Vec<Vec<String>>>,
    /// SOAP headers to encrypt (as wsse11:EncryptedHeader), when present, as
    /// [namespace, local name] pairs (the Body content is always encrypted).
    #[napi(ts_type = "Array<[string, string]>")]
    pub encrypted_headers: Option<Vec<Vec<String>>>,
    /// Encrypt with AES-GCM (xmlenc 1.1) instead of the suite's CBC mode (default false).
    pub gcm: Option<bool>,
}

/// Options of `verify`: what the receiver enforces.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct VerifyOptions {
    /// Allowed clock skew in seconds for the Timestamp checks (default 300).
    pub clock_skew: Option<f64>,
    /// Refuse a message without a wsu:Timestamp (default false).
    pub require_timestamp: Option<bool>,
    /// The time to check the Timestamp against: a Date or milliseconds since the epoch
    /// (default: the system clock).
    #[napi(ts_type = "Date | number")]
    pub now: Option<f64>,
    /// Shortest signature or encryption key accepted, in bytes (default 16).
    pub min_key_length: Option<f64>,
    /// Defaults and limits for deriving the keys of the message's DerivedKeyTokens.
    pub derive: Option<DeriveOptions>,
    /// This receiver's certificate and private key, for messages protected for it with an
    /// ephemeral key (xenc:EncryptedKey; `protectForRecipient`) rather than a context.
    #[napi(ts_type = "X509Identity | null")]
    pub identity: Option<f64>,
}

/// Options of `c14n`.
#[allow(dead_code)]
#[napi(object, object_to_js = false, js_name = "C14nOptions")]
pub struct C14nOptions {
    /// Canonicalize only the element whose ID (wsu:Id, Id, ID or xml:id) is this, without
    /// the '#': exactly what a ds:Reference to "#id" digests. Default: the whole document.
    pub id: Option<String>,
    /// Keep comments (`xml-exc-c14n#WithComments`; default false).
    pub with_comments: Option<bool>,
    /// The InclusiveNamespaces PrefixList: prefixes rendered as in inclusive c14n
    /// ("#default" for the default namespace). Default none.
    pub prefixes: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------------------
// Protection
// ---------------------------------------------------------------------------------------

const PROTECT_KEYS: [&str; 14] = [
    "suite",
    "reference",
    "includeSct",
    "referenceInstance",
    "derivedKeys",
    "label",
    "nonceLength",
    "signatureKeyLength",
    "encryptionKeyLength",
    "offset",
    "timestampTtl",
    "signedHeaders",
    "encryptedHeaders",
    "gcm",
];

/// One `[ns, local]` pair.
fn qname(what: &str, pair: Unknown<'_>) -> Result<(String, String)> {
    let pair =
        array(what, pair).map_err(|_| arg_err(what, "expected a [namespace, localName] pair"))?;
    let [ns, local] = <[Unknown<'_>; 2]>::try_from(pair).map_err(|p| {
        arg_err(
            what,
            format!(
                "expected a [namespace, localName] pair, got {} elements",
                p.len()
            ),
        )
    })?;
    let ns = string(&format!("{what}[0]"), ns)?;
    let local = string(&format!("{what}[1]"), local)?;
    if local.is_empty() {
        return Err(arg_err(what, "the local name is empty"));
    }
    Ok((ns, local))
}

/// `[ns, local][]`.
fn qnames(what: &str, v: Unknown<'_>) -> Result<Vec<(String, String)>> {
    array(what, v)?
        .into_iter()
        .enumerate()
        .map(|(i, pair)| qname(&format!("{what}[{i}]"), pair))
        .collect()
}

/// ProtectOptions read from the options object `opts` (named `what` in errors).
pub(crate) fn protect_options(
    what: &str,
    opts: Option<Unknown<'_>>,
    with_order: bool,
) -> Result<CoreProtectOptions> {
    let mut p = CoreProtectOptions::default();
    let Some(o) = options(what, opts)? else {
        return Ok(p);
    };
    let mut allowed = PROTECT_KEYS.to_vec();
    if with_order {
        allowed.push("order");
    }
    known_keys(&o, what, &allowed)?;
    if let Some(v) = member(&o, what, "suite")? {
        let s = string(&format!("{what}.suite"), v)?;
        p.suite = AlgorithmSuite::from_name(&s).ok_or_else(|| {
            let known = "use 'Basic128', 'Basic256' or 'Basic256Sha256'";
            arg_err(
                &format!("{what}.suite"),
                format!("unknown algorithm suite '{s}' ({known})"),
            )
        })?;
    }
    if let Some(v) = member(&o, what, "reference")? {
        p.reference = match string(&format!("{what}.reference"), v)?.as_str() {
            "id" => TokenReference::ById,
            "identifier" => TokenReference::ByIdentifier,
            other => {
                return Err(arg_err(
                    &format!("{what}.reference"),
                    format!("expected 'id' or 'identifier', got '{other}'"),
                ))
            }
        };
    }
    if let Some(v) = member(&o, what, "includeSct")? {
        p.include_sct = boolean(&format!("{what}.includeSct"), v)?;
    }
    if let Some(v) = member(&o, what, "referenceInstance")? {
        p.reference_instance = boolean(&format!("{what}.referenceInstance"), v)?;
    }
    if let Some(v) = member(&o, what, "derivedKeys")? {
        p.derived_keys = boolean(&format!("{what}.derivedKeys"), v)?;
    }
    if let Some(v) = member(&o, what, "label")? {
        p.label = Some(string(&format!("{what}.label"), v)?);
    }
    if let Some(v) = member(&o, what, "nonceLength")? {
        p.nonce_len = usize_of(&format!("{what}.nonceLength"), v)?;
    }
    if let Some(v) = member(&o, what, "signatureKeyLength")? {
        p.signature_key_len = Some(uint(&format!("{what}.signatureKeyLength"), v)?);
    }
    if let Some(v) = member(&o, what, "encryptionKeyLength")? {
        p.encryption_key_len = Some(uint(&format!("{what}.encryptionKeyLength"), v)?);
    }
    if let Some(v) = member(&o, what, "offset")? {
        p.offset = Some(uint(&format!("{what}.offset"), v)?);
    }
    // undefined keeps the default; null (unlike elsewhere) means "no Timestamp".
    let ttl: Option<Unknown<'_>> = o
        .get("timestampTtl")
        .map_err(|e| napi_err(&format!("{what}.timestampTtl"), e))?;
    if let Some(v) = ttl {
        p.timestamp_ttl = match v
            .get_type()
            .map_err(|e| napi_err(&format!("{what}.timestampTtl"), e))?
        {
            ValueType::Null => None,
            _ => Some(Duration::from_secs(uint(
                &format!("{what}.timestampTtl"),
                v,
            )?)),
        };
    }
    if let Some(v) = member(&o, what, "signedHeaders")? {
        p.signed_headers = qnames(&format!("{what}.signedHeaders"), v)?;
    }
    if let Some(v) = member(&o, what, "encryptedHeaders")? {
        p.encrypted_headers = qnames(&format!("{what}.encryptedHeaders"), v)?;
    }
    if let Some(v) = member(&o, what, "gcm")? {
        p.gcm = boolean(&format!("{what}.gcm"), v)?;
    }
    if with_order {
        if let Some(v) = member(&o, what, "order")? {
            p.order =
                match string(&format!("{what}.order"), v)?.as_str() {
                    "sign-then-encrypt" => ProtectionOrder::SignThenEncrypt,
                    "encrypt-then-sign" => ProtectionOrder::EncryptThenSign,
                    other => return Err(arg_err(
                        &format!("{what}.order"),
                        format!(
                            "expected 'sign-then-encrypt' or 'encrypt-then-sign', got '{other}'"
                        ),
                    )),
                };
        }
    }
    Ok(p)
}

fn protect(
    envelope: Unknown<'_>,
    sct: Either<&SecurityContextToken, Unknown<'_>>,
    secret: Unknown<'_>,
    opts: Option<Unknown<'_>>,
    what: Protection,
) -> Result<Buffer> {
    let envelope = xml_input("envelope", envelope)?;
    let sct = security_context_token("sct", sct)?;
    let secret = Secret::new(bytes("secret", secret)?);
    let opts = protect_options("opts", opts, what == Protection::SignAndEncrypt)?;
    let ctx = ContextKey {
        sct: sct.clone(),
        secret,
    };
    Ok(core(message::protect(&envelope, &ctx, what, &opts))?
        .into_bytes()
        .into())
}

/// What `protectForRecipient` produced.
#[napi(object, object_from_js = false)]
pub struct RecipientProtected {
    /// The secured envelope (UTF-8 XML).
    pub envelope: Buffer,
    /// The ephemeral key the message was protected with (encrypted for the recipient in
    /// the Security header's xenc:EncryptedKey); keep it to check a reply protected with it.
    pub key: Buffer,
}

/// Protect the SOAP envelope for the holder of the X.509 `certificate` (PEM or DER; no
/// security context needed): a fresh 256-bit key, encrypted for the certificate's public
/// key (xenc:EncryptedKey, RSA-OAEP, by thumbprint) in the Security header, from which the
/// signature and encryption keys are derived (DerivedKeyTokens in the `scVersion`
/// namespace, default "1.3"). `protection` is "sign", "encrypt" or "signAndEncrypt"
/// (default; `opts.order` only with it). The recipient verifies with `verify(envelope,
/// lookup, {identity})`. Errors as `sign`; "InvalidArgument" for a certificate that is
/// not one.
#[napi]
pub fn protect_for_recipient(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] certificate: Unknown<'_>,
    #[napi(ts_arg_type = "'sign' | 'encrypt' | 'signAndEncrypt'")] protection: Option<Unknown<'_>>,
    #[napi(ts_arg_type = "ProtectOptions & { order?: 'sign-then-encrypt' | 'encrypt-then-sign' }")]
    opts: Option<Unknown<'_>>,
    #[napi(ts_arg_type = "ScVersion | string")] sc_version: Option<Unknown<'_>>,
) -> Result<RecipientProtected> {
    let envelope = xml_input("envelope", envelope)?;
    let b = crate::binding::x509_bytes("certificate", certificate)?;
    let cert = wssx::binding::identity::certificate(&b)
        .map_err(crate::binding::x509_err("certificate"))?;
    let what = match crate::conv::present("protection", protection)? {
        None => Protection::SignAndEncrypt,
        Some(v) => match string("protection", v)?.as_str() {
            "sign" => Protection::Sign,
            "encrypt" => Protection::Encrypt,
            "signAndEncrypt" => Protection::SignAndEncrypt,
            other => {
                return Err(arg_err(
                    "protection",
                    format!("expected 'sign', 'encrypt' or 'signAndEncrypt', got '{other}'"),
                ))
            }
        },
    };
    let opts = protect_options("opts", opts, what == Protection::SignAndEncrypt)?;
    let version = match crate::conv::present("scVersion", sc_version)? {
        Some(v) => crate::conv::sc_version("scVersion", v)?,
        None => wssx::ScVersion::V1_3,
    };
    let (secured, key) = core(message::protect_for_recipient(
        &envelope, &cert, version, what, &opts,
    ))?;
    Ok(RecipientProtected {
        envelope: secured.into_bytes().into(),
        key: key.expose().to_vec().into(),
    })
}

/// Sign the SOAP 1.1 or 1.2 envelope `envelope` with the security context named by `sct`
/// whose shared secret is `secret`: add (or extend) the wsse:Security header with a
/// wsu:Timestamp, the SCT, a DerivedKeyToken and an HMAC ds:Signature over the Body, the
/// Timestamp and `opts.signedHeaders`. Returns the secured envelope (UTF-8 XML).
///
/// Errors: "MalformedXml" / "LimitExceeded" (not XML, DTDs, limits), "InvalidRequest" (not
/// a SOAP Envelope with one Body), "InvalidArgument" (options, `reference: 'id'` without
/// `includeSct`), "LimitExceeded" (key lengths, label, offset beyond the derivation limits).
#[napi]
pub fn sign(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
    #[napi(ts_arg_type = "SecurityContextToken")] sct: Either<&SecurityContextToken, Unknown<'_>>,
    #[napi(ts_arg_type = "Buffer | Uint8Array")] secret: Unknown<'_>,
    #[napi(ts_arg_type = "ProtectOptions")] opts: Option<Unknown<'_>>,
) -> Result<Buffer> {
    protect(envelope, sct, secret, opts, Protection::Sign)
}

/// Encrypt the Body content (and `opts.encryptedHeaders`) of the SOAP envelope with a key
/// of the security context named by `sct` whose shared secret is `secret`, adding the
/// Timestamp, the SCT, a DerivedKeyToken and an xenc:ReferenceList to the Security header.
/// Returns the secured envelope (UTF-8 XML). Errors as `sign`.
#[napi]
pub fn encrypt(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
    #[napi(ts_arg_type = "SecurityContextToken")] sct: Either<&SecurityContextToken, Unknown<'_>>,
    #[napi(ts_arg_type = "Buffer | Uint8Array")] secret: Unknown<'_>,
    #[napi(ts_arg_type = "ProtectOptions")] opts: Option<Unknown<'_>>,
) -> Result<Buffer> {
    protect(envelope, sct, secret, opts, Protection::Encrypt)
}

/// Sign and encrypt the SOAP envelope (see `sign` and `encrypt`), with separate derived
/// keys, in `opts.order`: "sign-then-encrypt" (default, as WCF: the signature covers the
/// plaintext) or "encrypt-then-sign" (the signature covers the ciphertext). Errors as
/// `sign`.
#[napi]
pub fn sign_and_encrypt(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
    #[napi(ts_arg_type = "SecurityContextToken")] sct: Either<&SecurityContextToken, Unknown<'_>>,
    #[napi(ts_arg_type = "Buffer | Uint8Array")] secret: Unknown<'_>,
    #[napi(ts_arg_type = "ProtectOptions & { order?: 'sign-then-encrypt' | 'encrypt-then-sign' }")]
    opts: Option<Unknown<'_>>,
) -> Result<Buffer> {
    protect(envelope, sct, secret, opts, Protection::SignAndEncrypt)
}

// ---------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------

/// Where the secrets come from: a JS function, a Map or a plain object.
#[derive(Clone, Copy)]
enum LookupKind {
    Function(sys::napi_value),
    Map(sys::napi_value),
    Record(sys::napi_value),
}

/// The JS lookup, as core's [`SecretLookup`]. Only used during the `verify` call that
/// made it, on the JS thread: the raw values stay valid in that call's handle scope.
struct JsLookup {
    env: sys::napi_env,
    kind: LookupKind,
    /// The first exception the lookup threw (re-thrown when core returns).
    thrown: RefCell<Option<sys::napi_value>>,
}

fn lookup_err(msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::InvalidArgument, "lookup", msg)
}

impl JsLookup {
    fn new(what: &str, v: Unknown<'_>) -> Result<Self> {
        let raw = v.value();
        let (env, value) = (raw.env, raw.value);
        let kind = match v.get_type().map_err(|e| napi_err(what, e))? {
            ValueType::Function => LookupKind::Function(value),
            ValueType::Object => {
                if is_map(env, value).map_err(|e| napi_err(what, e))? {
                    LookupKind::Map(value)
                } else {
                    // A plain object; arrays, Dates, binary data are refused by `options`.
                    options(what, Some(v)).map_err(|_| {
                        arg_err(what, "expected a function, a Map or an object of secrets")
                    })?;
                    LookupKind::Record(value)
                }
            }
            _ => {
                return Err(arg_err(
                    what,
                    "expected a function, a Map or an object of secrets",
                ))
            }
        };
        Ok(JsLookup {
            env,
            kind,
            thrown: RefCell::new(None),
        })
    }

    /// Ok for napi_ok; otherwise the pending exception is kept (the first one only) and
    /// the failure reported to core as an error that ends the verification.
    fn check(&self, status: sys::napi_status, doing: &str) -> wssx::Result<()> {
        if status == sys::Status::napi_ok {
            return Ok(());
        }
        let mut pending = false;
        // SAFETY: env is the live call's env.
        unsafe { sys::napi_is_exception_pending(self.env, &mut pending) };
        if pending {
            let mut exc = ptr::null_mut();
            // SAFETY: as above; this clears the exception so that N-API stays usable.
            if unsafe { sys::napi_get_and_clear_last_exception(self.env, &mut exc) }
                == sys::Status::napi_ok
            {
                self.thrown.borrow_mut().get_or_insert(exc);
            }
            return Err(lookup_err(format!("{doing} threw")));
        }
        Err(lookup_err(format!(
            "{doing} failed: {}",
            Status::from(status)
        )))
    }

    fn js_string(&self, s: &str) -> wssx::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env is live; the string is copied.
        let status = unsafe {
            sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), s.len() as isize, &mut out)
        };
        self.check(status, "creating a string")?;
        Ok(out)
    }

    fn call(
        &self,
        this: sys::napi_value,
        f: sys::napi_value,
        args: &[sys::napi_value],
        doing: &str,
    ) -> wssx::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        // SAFETY: env, this, f and args are live values of this call.
        let status = unsafe {
            sys::napi_call_function(self.env, this, f, args.len(), args.as_ptr(), &mut out)
        };
        self.check(status, doing)?;
        Ok(out)
    }

    /// What the lookup gives for `id`, as a JS value.
    fn fetch(&self, id: &message::ContextId) -> wssx::Result<sys::napi_value> {
        let identifier = self.js_string(&id.identifier)?;
        match self.kind {
            LookupKind::Function(f) => {
                let instance = match &id.instance {
                    Some(i) => self.js_string(i)?,
                    None => {
                        let mut null = ptr::null_mut();
                        // SAFETY: env is live.
                        self.check(
                            unsafe { sys::napi_get_null(self.env, &mut null) },
                            "creating null",
                        )?;
                        null
                    }
                };
                let mut undefined = ptr::null_mut();
                // SAFETY: env is live.
                self.check(
                    unsafe { sys::napi_get_undefined(self.env, &mut undefined) },
                    "creating undefined",
                )?;
                self.call(undefined, f, &[identifier, instance], "the lookup function")
            }
            LookupKind::Map(map) => {
                let mut get = ptr::null_mut();
                // SAFETY: env and map are live; a throwing getter leaves an exception.
                let status = unsafe {
                    sys::napi_get_named_property(self.env, map, c"get".as_ptr(), &mut get)
                };
                self.check(status, "reading the Map's get")?;
                self.call(map, get, &[identifier], "the Map's get")
            }
            LookupKind::Record(obj) => {
                let mut own = false;
                // SAFETY: env, obj and key are live. Only own properties count, so that
                // "constructor" or "__proto__" never find Object.prototype's members.
                let status =
                    unsafe { sys::napi_has_own_property(self.env, obj, identifier, &mut own) };
                self.check(status, "the lookup object")?;
                let mut out = ptr::null_mut();
                if own {
                    // SAFETY: as above; a throwing getter leaves an exception.
                    let status =
                        unsafe { sys::napi_get_property(self.env, obj, identifier, &mut out) };
                    self.check(status, "reading the lookup object")?;
                } else {
                    // SAFETY: env is live.
                    self.check(
                        unsafe { sys::napi_get_undefined(self.env, &mut out) },
                        "creating undefined",
                    )?;
                }
                Ok(out)
            }
        }
    }
}

fn is_map(env: sys::napi_env, v: sys::napi_value) -> napi::Result<bool> {
    // SAFETY: env and v come from the live call; these only read the global Map and
    // check the prototype chain.
    unsafe {
        let mut global = ptr::null_mut();
        napi::check_status!(sys::napi_get_global(env, &mut global))?;
        let mut map_ctor = ptr::null_mut();
        napi::check_status!(sys::napi_get_named_property(
            env,
            global,
            c"Map".as_ptr(),
            &mut map_ctor
        ))?;
        let mut yes = false;
        napi::check_status!(sys::napi_instanceof(env, v, map_ctor, &mut yes))?;
        Ok(yes)
    }
}

impl SecretLookup for JsLookup {
    fn secret(&self, id: &message::ContextId) -> wssx::Result<Option<Secret>> {
        if self.thrown.borrow().is_some() {
            // Never call back into JS after it threw.
            return Err(lookup_err("the lookup threw"));
        }
        let v = self.fetch(id)?;
        // SAFETY: `v` is a live value of this call.
        let v = unsafe { Unknown::from_raw_unchecked(self.env, v) };
        let what = format!("lookup('{}')", id.identifier);
        // Reading the result runs no JS (typeof, then the bytes of a typed array).
        let bad = || {
            Error::at(
                ErrorKind::InvalidArgument,
                what.clone(),
                "expected a Buffer, Uint8Array, null or undefined",
            )
        };
        match v.get_type().map_err(|_| bad())? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            _ => Ok(Some(Secret::new(bytes(&what, v).map_err(|_| bad())?))),
        }
    }
}

fn verify_options(opts: Option<Unknown<'_>>) -> Result<CoreVerifyOptions> {
    verify_options_from(CoreVerifyOptions::default(), opts)
}

/// VerifyOptions read from the options object `opts` over the defaults `v`.
pub(crate) fn verify_options_from(
    mut v: CoreVerifyOptions,
    opts: Option<Unknown<'_>>,
) -> Result<CoreVerifyOptions> {
    let Some(o) = options("opts", opts)? else {
        return Ok(v);
    };
    known_keys(
        &o,
        "opts",
        &[
            "clockSkew",
            "requireTimestamp",
            "now",
            "minKeyLength",
            "derive",
            "identity",
        ],
    )?;
    if let Some(x) = member(&o, "opts", "clockSkew")? {
        v.clock_skew = Duration::from_secs(uint("opts.clockSkew", x)?);
    }
    if let Some(x) = member(&o, "opts", "requireTimestamp")? {
        v.require_timestamp = boolean("opts.requireTimestamp", x)?;
    }
    if let Some(x) = member(&o, "opts", "now")? {
        v.now = Some(wssx::time::Instant(millis("opts.now", x)?));
    }
    if let Some(x) = member(&o, "opts", "minKeyLength")? {
        v.min_key_len = usize_of("opts.minKeyLength", x)?;
    }
    if let Some(x) = member(&o, "opts", "derive")? {
        v.derive = derive_options("opts.derive", Some(x))?;
    }
    if let Some(x) = member(&o, "opts", "identity")? {
        v.keys = Some(std::sync::Arc::new(crate::binding::identity_arg(
            "opts.identity",
            x,
        )?));
    }
    Ok(v)
}

/// Process the secured SOAP envelope `envelope`: resolve its SecurityContextTokens and
/// DerivedKeyTokens, decrypt what was encrypted, verify every signature and the Timestamp,
/// and report what was covered and by which context.
///
/// `lookup` gives a context's shared secret, and runs synchronously, on this thread,
/// during the call: a function `(identifier, instance) => secret` (instance is null when
/// the message names none), a Map or a plain object keyed by the context Identifier (own
/// properties only; the instance is not consulted). A secret is a Buffer or Uint8Array;
/// null or undefined means "unknown context" (code "BadContextToken"). An exception the
/// lookup throws ends the verification and is re-thrown unchanged.
///
/// Errors: "InvalidSignature" (a digest or signature value that does not match, a wrong
/// key, signature wrapping, duplicate IDs, unsupported algorithms), "BadContextToken" (an
/// unknown context), "ExpiredData" / "InvalidTimeRange" (the Timestamp), "Crypto" (a
/// decryption that fails), "InvalidSecurityToken" (no or bad Security header, tokens),
/// "UnknownDerivationSource", "MalformedXml", "LimitExceeded", "InvalidRequest" (not an
/// Envelope), "InvalidArgument" (options, a lookup returning something else than bytes).
#[napi]
pub fn verify(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] envelope: Unknown<'_>,
    #[napi(
        ts_arg_type = "((identifier: string, instance: string | null) => Buffer | Uint8Array | null | undefined) | Map<string, Buffer | Uint8Array> | Record<string, Buffer | Uint8Array>"
    )]
    lookup: Unknown<'_>,
    #[napi(ts_arg_type = "VerifyOptions")] opts: Option<Unknown<'_>>,
) -> Result<VerifyReport> {
    let envelope = xml_input("envelope", envelope)?;
    let lookup = JsLookup::new("lookup", lookup)?;
    let opts = verify_options(opts)?;
    let result = message::verify(&envelope, &lookup, &opts);
    if let Some(exc) = lookup.thrown.take() {
        // SAFETY: env is the live call's env and `exc` the value the lookup threw during
        // this call. With it pending, napi-rs does not throw the error returned below.
        unsafe { sys::napi_throw(lookup.env, exc) };
        return Err(napi::Error::new(
            Status::PendingException.as_ref().to_string(),
            "the lookup threw an exception".to_string(),
        ));
    }
    Ok(VerifyReport {
        inner: core(result)?,
    })
}

// ---------------------------------------------------------------------------------------
// VerifyReport
// ---------------------------------------------------------------------------------------

/// A security context: wsc:Identifier and the key wsc:Instance (null when none).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ContextId {
    /// wsc:Identifier.
    pub identifier: String,
    /// wsc:Instance; null when the message names none.
    pub instance: Option<String>,
}

/// One verified signature reference.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct SignedPart {
    /// The element covered, by where it is: "Body" (the Envelope's own Body), "Timestamp"
    /// (the Security header's), "Header {ns}local" (a direct child of the SOAP Header),
    /// "Security/local" (a token in the Security header), or a path of local names.
    pub part: String,
    /// The ID the reference named it by (without '#').
    pub id: String,
    /// The context whose key made the signature; null when the key came from no context.
    pub context: Option<ContextId>,
    /// The MAC algorithm URI (hmac-sha1 or hmac-sha256).
    pub signature_algorithm: String,
    /// The reference's digest algorithm URI (sha1 or sha256).
    pub digest_algorithm: String,
}

/// One decrypted element.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct DecryptedPart {
    /// Where the plaintext now is (as `SignedPart.part`).
    pub part: String,
    /// True when the element's content was encrypted (xenc#Content), false for the whole
    /// element (xenc#Element, e.g. an EncryptedHeader).
    pub content: bool,
    /// The context whose key decrypted it; null when the key came from no context.
    pub context: Option<ContextId>,
    /// The encryption algorithm URI.
    pub algorithm: String,
}

/// wsu:Created and wsu:Expires of the message's Timestamp.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct MessageTimestamp {
    /// wsu:Created; null when absent.
    #[napi(ts_type = "Date")]
    pub created: Option<JsDate>,
    /// wsu:Expires; null when absent.
    #[napi(ts_type = "Date")]
    pub expires: Option<JsDate>,
}

fn context(c: &Option<message::ContextId>) -> Option<ContextId> {
    c.as_ref().map(|c| ContextId {
        identifier: c.identifier.clone(),
        instance: c.instance.clone(),
    })
}

/// A part named by JS: a label string, or a [namespace, localName] pair for a SOAP header.
fn part_matcher(what: &str, v: Unknown<'_>) -> Result<String> {
    let expected = || {
        arg_err(
            what,
            "expected a part name or a [namespace, localName] pair",
        )
    };
    match v.get_type().map_err(|e| napi_err(what, e))? {
        ValueType::String => string(what, v),
        ValueType::Object => {
            let (ns, local) = qname(what, v)?;
            let ns = (!ns.is_empty()).then_some(ns);
            Ok(Part::Header { ns, local }.label())
        }
        _ => Err(expected()),
    }
}

/// What `verify` found: the parts covered by verified signatures and the context of each,
/// the decrypted parts, the Timestamp, and the decrypted envelope.
#[napi]
pub struct VerifyReport {
    pub(crate) inner: message::VerifyReport,
}

#[napi]
impl VerifyReport {
    /// Not for use: a VerifyReport comes from `verify`. (Defined so that
    /// `new VerifyReport()` fails with an InvalidArgument error like every other misuse.)
    #[napi(constructor, skip_typescript)]
    pub fn new() -> Result<Self> {
        Err(arg_err(
            "VerifyReport",
            "no public constructor: a VerifyReport comes from verify()",
        ))
    }

    /// True when the envelope's own Body was covered by a verified signature.
    #[napi(getter)]
    pub fn body_signed(&self) -> bool {
        self.inner.body_signed()
    }

    /// True when the envelope's Body content was decrypted.
    #[napi(getter)]
    pub fn body_decrypted(&self) -> bool {
        self.inner.body_decrypted()
    }

    /// Every verified signature reference, in processing order.
    #[napi(getter)]
    pub fn signed(&self) -> Vec<SignedPart> {
        self.inner
            .signed
            .iter()
            .map(|s| SignedPart {
                part: s.part.label(),
                id: s.id.clone(),
                context: context(&s.context),
                signature_algorithm: s.signature.uri().to_string(),
                digest_algorithm: s.digest.uri().to_string(),
            })
            .collect()
    }

    /// Every decrypted element, in processing order.
    #[napi(getter)]
    pub fn decrypted(&self) -> Vec<DecryptedPart> {
        self.inner
            .decrypted
            .iter()
            .map(|d| DecryptedPart {
                part: d.part.label(),
                content: d.content,
                context: context(&d.context),
                algorithm: d.algorithm.uri().to_string(),
            })
            .collect()
    }

    /// The message's wsu:Timestamp; null when it has none.
    #[napi(getter)]
    pub fn timestamp(&self) -> Option<MessageTimestamp> {
        self.inner.timestamp.map(|(c, e)| MessageTimestamp {
            created: c.map(|i| JsDate(i.millis())),
            expires: e.map(|i| JsDate(i.millis())),
        })
    }

    /// The SecurityContextTokens carried in the Security header.
    #[napi(getter)]
    pub fn tokens(&self) -> Vec<SecurityContextToken> {
        self.inner
            .tokens
            .iter()
            .map(|t| SecurityContextToken { inner: t.clone() })
            .collect()
    }

    /// SOAP version of the envelope.
    #[napi(getter, ts_return_type = "'1.1' | '1.2'")]
    pub fn soap_version(&self) -> &'static str {
        match self.inner.soap_version {
            message::SoapVersion::Soap11 => "1.1",
            message::SoapVersion::Soap12 => "1.2",
        }
    }

    /// The processed envelope (decrypted; Security header kept) as UTF-8 XML.
    #[napi(getter)]
    pub fn envelope(&self) -> Buffer {
        self.inner.envelope_xml().into_bytes().into()
    }

    /// True when `part` was covered by a verified signature: a part name as in
    /// `SignedPart.part` ("Body", "Timestamp", "Header {ns}local", ...) or a
    /// [namespace, localName] pair naming a SOAP header.
    #[napi]
    pub fn is_signed(
        &self,
        #[napi(ts_arg_type = "string | [string, string]")] part: Unknown<'_>,
    ) -> Result<bool> {
        let label = part_matcher("part", part)?;
        Ok(self.inner.signed.iter().any(|s| s.part.label() == label))
    }

    /// The context whose key signed `part` (named as for `isSigned`; the first signature
    /// covering it); null when the part was not signed, or signed with a key from no context.
    #[napi]
    pub fn signer_of(
        &self,
        #[napi(ts_arg_type = "string | [string, string]")] part: Unknown<'_>,
    ) -> Result<Option<ContextId>> {
        let label = part_matcher("part", part)?;
        Ok(self
            .inner
            .signed
            .iter()
            .find(|s| s.part.label() == label)
            .and_then(|s| context(&s.context)))
    }

    /// Core's JSON summary (without the envelope): `{bodySigned, bodyDecrypted, signed:
    /// [{part, id, context, signature, digest}], decrypted: [{part, content, context,
    /// algorithm}], timestamp: {created, expires} | null}`, times as xsd:dateTime strings.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        JsonValue(self.inner.to_json())
    }
}

// ---------------------------------------------------------------------------------------
// c14n
// ---------------------------------------------------------------------------------------

/// Exclusive XML canonicalization 1.0 (`http://www.w3.org/2001/10/xml-exc-c14n#`, or
/// `#WithComments`) of the document `xml`, or, with `opts.id`, of its element with that
/// ID: exactly the bytes a ds:Reference to "#id" digests. Returns UTF-8.
///
/// Errors: "MalformedXml" / "LimitExceeded" (not XML, DTDs, limits), "InvalidArgument" (no
/// element has ID `opts.id`), "InvalidSignature" (duplicate IDs, when `opts.id` is given).
#[napi(js_name = "c14n")]
pub fn c14n(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    #[napi(ts_arg_type = "C14nOptions")] opts: Option<Unknown<'_>>,
) -> Result<Buffer> {
    let xml = xml_input("xml", xml)?;
    let mut id = None;
    let mut with_comments = false;
    let mut prefixes = Vec::new();
    if let Some(o) = options("opts", opts)? {
        known_keys(&o, "opts", &["id", "withComments", "prefixes"])?;
        if let Some(v) = member(&o, "opts", "id")? {
            id = Some(string("opts.id", v)?);
        }
        if let Some(v) = member(&o, "opts", "withComments")? {
            with_comments = boolean("opts.withComments", v)?;
        }
        if let Some(v) = member(&o, "opts", "prefixes")? {
            prefixes = strings("opts.prefixes", v)?;
        }
    }
    let doc = core(wssx::xml::parse(&xml))?;
    Ok(core(message::canonical_form(
        &doc,
        id.as_deref(),
        with_comments,
        &prefixes,
    ))?
    .into())
}
