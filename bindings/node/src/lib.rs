//! `wssx` for Node.js: the napi-rs face of the wssx core.
//!
//! A thin layer: it converts JavaScript arguments to core types ([`conv`]), core results
//! back to JavaScript values, and every core error to a JS `Error` whose `code` is the
//! core `ErrorKind` name and whose message is `Kind: path: message`. Integers are JS
//! `number`s: inputs must be non-negative safe integers (anything else is an
//! `InvalidArgument` error, never a silent truncation).

#![deny(clippy::all)]

mod binding;
mod conv;
mod jscall;
mod message;
mod tokens;
mod trust;

use conv::{bytes, core, core_err, present, string, uint, Result};
use napi::bindgen_prelude::{Buffer, Unknown};
use napi_derive::napi;
use wssx::{DerivationLimits, Error, ErrorKind, Secret};

pub use binding::{
    AuthorizeRequest, Challenge, Exchange, MemoryStore, Negotiation, Outcome, OutgoingRequest,
    Pending, Requestor, SecurityContext, ServiceResponse, StoredContext, TokenService,
};
pub use message::{
    c14n, encrypt, sign, sign_and_encrypt, verify, C14nOptions, ContextId, DecryptedPart,
    MessageTimestamp, ProtectOptions, SignedPart, VerifyOptions, VerifyReport,
};
pub use tokens::{DerivedKeyToken, DktProperties, ScVersion, SecurityContextToken};
pub use trust::{
    inspect, Envelope, Fault, ProofToken, RequestSecurityToken, RequestSecurityTokenResponse,
    RequestSecurityTokenResponseCollection, TokenLifetime, TrustStatus, TrustVersion,
};

/// The default derivation label: client label + service label, both
/// "WS-SecureConversation" (WS-SecureConversation section 7).
#[napi]
pub const DEFAULT_LABEL: &str = wssx::crypto::DEFAULT_LABEL;

/// Derived key length in bytes used when a DerivedKeyToken has no wsc:Length.
#[napi]
pub const DEFAULT_LENGTH: u32 = wssx::crypto::DEFAULT_LENGTH as u32;

/// Length in bytes of the nonces `DerivedKeyToken.forContext` generates (WCF's choice).
#[napi]
pub const DEFAULT_NONCE_LENGTH: u32 = wssx::token::DEFAULT_NONCE_LEN as u32;

/// Most bytes `randomBytes` returns in one call (1 MiB).
#[napi]
pub const MAX_RANDOM_BYTES: u32 = wssx::crypto::MAX_RANDOM as u32;

/// The version of the native addon (the wssx crate version).
#[napi]
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every error `code` this module can throw: the core ErrorKind names, in core order.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.name()).collect()
}

/// Derive a key as WS-SecureConversation section 7 defines it:
/// `P_SHA1(secret, utf8(label) + nonce)[offset .. offset + length]`, under the default
/// derivation limits (offset at most 4096, length 1..1024 bytes, label and nonce at most
/// 128 bytes; beyond them the error code is "LimitExceeded").
///
/// `label` undefined or null means `DEFAULT_LABEL`.
#[napi]
pub fn derive_key(
    #[napi(ts_arg_type = "Buffer | Uint8Array")] secret: Unknown<'_>,
    #[napi(ts_arg_type = "string | undefined | null")] label: Option<Unknown<'_>>,
    #[napi(ts_arg_type = "Buffer | Uint8Array")] nonce: Unknown<'_>,
    #[napi(ts_arg_type = "number")] offset: Unknown<'_>,
    #[napi(ts_arg_type = "number")] length: Unknown<'_>,
) -> Result<Buffer> {
    let secret = Secret::new(bytes("secret", secret)?);
    let label = match present("label", label)? {
        Some(l) => string("label", l)?,
        None => wssx::crypto::DEFAULT_LABEL.to_string(),
    };
    let nonce = bytes("nonce", nonce)?;
    let offset = uint("offset", offset)?;
    let length = uint("length", length)?;
    let key = core(wssx::crypto::derive_key_with(
        secret.expose(),
        &label,
        &nonce,
        offset,
        length,
        &DerivationLimits::default(),
    ))?;
    Ok(key.expose().to_vec().into())
}

/// WS-Trust CK/PSHA1 computed key: `P_SHA1(requestorEntropy, issuerEntropy)` truncated to
/// `keySizeBits / 8` bytes. The key size must be a positive multiple of 8, at most 8192.
#[napi]
pub fn computed_key(
    #[napi(ts_arg_type = "Buffer | Uint8Array")] requestor_entropy: Unknown<'_>,
    #[napi(ts_arg_type = "Buffer | Uint8Array")] issuer_entropy: Unknown<'_>,
    #[napi(ts_arg_type = "number")] key_size_bits: Unknown<'_>,
) -> Result<Buffer> {
    let requestor = Secret::new(bytes("requestorEntropy", requestor_entropy)?);
    let issuer = Secret::new(bytes("issuerEntropy", issuer_entropy)?);
    let bits = uint("keySizeBits", key_size_bits)?;
    // Core takes the size as u32; anything larger is beyond every limit it has.
    let bits = u32::try_from(bits).map_err(|_| {
        core_err(Error::at(
            ErrorKind::LimitExceeded,
            "keySizeBits",
            format!("key size {bits} bits is too large"),
        ))
    })?;
    let key = core(wssx::crypto::computed_key(
        requestor.expose(),
        issuer.expose(),
        bits,
    ))?;
    Ok(key.expose().to_vec().into())
}

/// Raw P_SHA1 (RFC 2246 section 5): `length` bytes starting at `offset` (default 0) of
/// `P_SHA1(secret, seed)`. Offset and length are bounded like `deriveKey`'s (offset at most
/// 4096, length 1..1024 bytes; beyond them the code is "LimitExceeded").
#[napi]
pub fn p_sha1(
    #[napi(ts_arg_type = "Buffer | Uint8Array")] secret: Unknown<'_>,
    #[napi(ts_arg_type = "Buffer | Uint8Array")] seed: Unknown<'_>,
    #[napi(ts_arg_type = "number")] length: Unknown<'_>,
    #[napi(ts_arg_type = "number")] offset: Option<Unknown<'_>>,
) -> Result<Buffer> {
    let secret = Secret::new(bytes("secret", secret)?);
    let seed = bytes("seed", seed)?;
    let length = uint("length", length)?;
    let offset = match present("offset", offset)? {
        Some(o) => uint("offset", o)?,
        None => 0,
    };
    let out = core(wssx::crypto::p_sha1_checked(
        secret.expose(),
        &seed,
        offset,
        length,
        &DerivationLimits::default(),
    ))?;
    Ok(out.expose().to_vec().into())
}

/// `n` bytes from OpenSSL's CSPRNG (0 <= n <= MAX_RANDOM_BYTES; more is "LimitExceeded").
#[napi]
pub fn random_bytes(#[napi(ts_arg_type = "number")] n: Unknown<'_>) -> Result<Buffer> {
    let n = uint("n", n)?;
    // Past usize (never on 64-bit targets) is past core's limit too.
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    Ok(core(wssx::crypto::random_bytes(n))?.into())
}
