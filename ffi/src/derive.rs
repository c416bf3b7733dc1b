//! Key derivation: P_SHA1, WS-SC derived keys, WS-Trust computed keys, randomness, and the
//! options struct the DKT functions take.

use wssx::crypto::{self, DerivationLimits};
use wssx::token::DeriveOptions;

use crate::args::{bytes, opt_bytes, out_value, text};
use crate::buf::{out_buf, put, wssx_buf};
use crate::status::{guard, wssx_status, Failure};

// WSSX_DEFAULT_LABEL (a string, which cbindgen cannot export) is defined in
// cbindgen.toml's `after_includes`; `constants_match_core` checks it against core.
/// The default derived key length in bytes when a token has no wsc:Length.
pub const WSSX_DEFAULT_LENGTH: u64 = 32;
/// The length in bytes of the nonces wssx generates (WCF's choice).
pub const WSSX_DEFAULT_NONCE_LEN: usize = 16;
/// The most bytes `wssx_random` returns in one call.
pub const WSSX_MAX_RANDOM: usize = 1 << 20;

/// What `wssx_dkt_derive_with` assumes where a token is silent, and the bounds it enforces
/// (the receiver's protection against derivation requests that are attacks).
///
/// Always start from `wssx_derive_options_default` and change the fields you need: the
/// defaults accept everything WCF and WSS4J send. The struct only borrows `label` and
/// `nonce`; they must stay valid during the call that uses the options.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wssx_derive_options {
    /// Largest accepted offset in bytes (after Generation x Length). Default 4096.
    pub max_offset: u64,
    /// Largest accepted key length in bytes. Default 1024.
    pub max_length: u64,
    /// Largest accepted label in bytes. Default 128 (WCF's receive limit).
    pub max_label: usize,
    /// Largest accepted nonce in bytes. Default 128 (WCF's receive limit).
    pub max_nonce: usize,
    /// Most DerivedKeyTokens in a chain (a DKT derived from a DKT). Default 4.
    pub max_chain: usize,
    /// Key length in bytes when the token has no wsc:Length. Default 32.
    pub default_length: u64,
    /// Label (UTF-8, `label_len` bytes) when the token has none. NULL (with `label_len` 0)
    /// means WSSX_DEFAULT_LABEL; a non-NULL pointer with length 0 is the empty label.
    pub label: *const u8,
    /// Length of `label` in bytes.
    pub label_len: usize,
    /// Nonce (`nonce_len` bytes) when the token has none, e.g. one known from policy.
    /// NULL (with `nonce_len` 0, the default) means none: such a token is refused.
    pub nonce: *const u8,
    /// Length of `nonce` in bytes.
    pub nonce_len: usize,
    /// Accept a wsse:KeyIdentifier as the derivation source (WS-SC forbids it; some WCF
    /// non-SC bindings need it). Default false.
    pub allow_key_identifier: bool,
}

impl wssx_derive_options {
    /// The defaults.
    pub fn defaults() -> Self {
        let l = DerivationLimits::default();
        wssx_derive_options {
            max_offset: l.max_offset,
            max_length: l.max_length,
            max_label: l.max_label,
            max_nonce: l.max_nonce,
            max_chain: l.max_chain,
            default_length: WSSX_DEFAULT_LENGTH,
            label: std::ptr::null(),
            label_len: 0,
            nonce: std::ptr::null(),
            nonce_len: 0,
            allow_key_identifier: false,
        }
    }

    /// The core options these describe.
    ///
    /// # Safety
    /// `label` and `nonce` must be NULL or valid for their lengths.
    pub(crate) unsafe fn to_core(self) -> Result<DeriveOptions, Failure> {
        let label = if self.label.is_null() && self.label_len == 0 {
            crypto::DEFAULT_LABEL.to_string()
        } else {
            text(self.label, self.label_len, "opts.label")?.to_string()
        };
        Ok(DeriveOptions {
            limits: DerivationLimits {
                max_offset: self.max_offset,
                max_length: self.max_length,
                max_label: self.max_label,
                max_nonce: self.max_nonce,
                max_chain: self.max_chain,
            },
            label,
            length: self.default_length,
            nonce: opt_bytes(self.nonce, self.nonce_len, "opts.nonce")?.map(<[u8]>::to_vec),
            allow_key_identifier: self.allow_key_identifier,
        })
    }
}

/// Fill `*opts` with the default options (default limits, label WSSX_DEFAULT_LABEL,
/// length 32, no default nonce, KeyIdentifier sources refused).
#[no_mangle]
pub unsafe extern "C" fn wssx_derive_options_default(
    opts: *mut wssx_derive_options,
) -> wssx_status {
    guard("wssx_derive_options_default", || {
        out_value(opts, wssx_derive_options::defaults(), "opts")?;
        Ok(())
    })
}

/// Derive a key as WS-SecureConversation section 7 defines it:
/// `P_SHA1(secret, label + nonce)[offset .. offset + length]`, under the default
/// derivation limits (offset at most 4096, length 1..1024 bytes, label and nonce at most
/// 128 bytes each; beyond them WSSX_LIMIT_EXCEEDED, length 0 WSSX_INVALID_ARGUMENT).
///
/// `label` is UTF-8 (`label_len` bytes, no NUL needed); pass WSSX_DEFAULT_LABEL for the
/// default. NULL with length 0 is an empty input for `secret`, `label` and `nonce`.
/// On success `*out` holds the `length` key bytes; the caller owns it and frees it with
/// `wssx_buf_free`. The inputs are only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_derive_key(
    secret: *const u8,
    secret_len: usize,
    label: *const u8,
    label_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    offset: u64,
    length: u64,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_derive_key", || {
        let out = out_buf(out, "out")?;
        let secret = bytes(secret, secret_len, "secret")?;
        let label = text(label, label_len, "label")?;
        let nonce = bytes(nonce, nonce_len, "nonce")?;
        let key = wssx::derive_key(secret, label, nonce, offset, length)?;
        put(out, Some(key.expose()));
        Ok(())
    })
}

/// The WS-Trust CK/PSHA1 computed key: `P_SHA1(requestor entropy, issuer entropy)`
/// truncated to `key_size_bits / 8` bytes. `key_size_bits` must be a positive multiple of
/// 8 (else WSSX_INVALID_ARGUMENT) and at most 8192 (else WSSX_LIMIT_EXCEEDED); both
/// entropies must be non-empty (else WSSX_INVALID_ARGUMENT).
///
/// On success `*out` holds the key; the caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_computed_key(
    requestor_entropy: *const u8,
    requestor_entropy_len: usize,
    issuer_entropy: *const u8,
    issuer_entropy_len: usize,
    key_size_bits: u32,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_computed_key", || {
        let out = out_buf(out, "out")?;
        let req = bytes(
            requestor_entropy,
            requestor_entropy_len,
            "requestor_entropy",
        )?;
        let iss = bytes(issuer_entropy, issuer_entropy_len, "issuer_entropy")?;
        let key = wssx::computed_key(req, iss, key_size_bits)?;
        put(out, Some(key.expose()));
        Ok(())
    })
}

/// Raw P_SHA1 (RFC 2246 section 5): bytes `offset .. offset + length` of
/// `P_SHA1(secret, seed)`. The offset and length are bounded like `wssx_derive_key`'s
/// (offset at most 4096, length 1..1024; else WSSX_LIMIT_EXCEEDED / WSSX_INVALID_ARGUMENT).
///
/// On success `*out` holds `length` bytes; the caller owns it and frees it with
/// `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_p_sha1(
    secret: *const u8,
    secret_len: usize,
    seed: *const u8,
    seed_len: usize,
    offset: u64,
    length: u64,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_p_sha1", || {
        let out = out_buf(out, "out")?;
        let secret = bytes(secret, secret_len, "secret")?;
        let seed = bytes(seed, seed_len, "seed")?;
        // core's p_sha1 has no bounds of its own; apply the default derivation limits.
        DerivationLimits::default().check(&[], &[], offset, length)?;
        let key = crypto::p_sha1(secret, seed, offset as usize, length as usize);
        put(out, Some(key.expose()));
        Ok(())
    })
}

/// `len` random bytes from OpenSSL's CSPRNG (entropy, nonces). `len` 0 gives an empty
/// buffer; more than WSSX_MAX_RANDOM gives WSSX_LIMIT_EXCEEDED.
///
/// On success `*out` holds the bytes; the caller owns it and frees it with `wssx_buf_free`.
#[no_mangle]
pub unsafe extern "C" fn wssx_random(len: usize, out: *mut wssx_buf) -> wssx_status {
    guard("wssx_random", || {
        let out = out_buf(out, "out")?;
        if len > WSSX_MAX_RANDOM {
            return Err(wssx::Error::at(
                wssx::ErrorKind::LimitExceeded,
                "len",
                format!("{len} random bytes requested, the limit is {WSSX_MAX_RANDOM}"),
            )
            .into());
        }
        let r = wssx::Secret::random(len)?;
        put(out, Some(r.expose()));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wssx::token::DEFAULT_NONCE_LEN;

    #[test]
    fn constants_match_core() {
        let define = format!("#define WSSX_DEFAULT_LABEL \"{}\"", crypto::DEFAULT_LABEL);
        assert!(
            include_str!("../cbindgen.toml").contains(&define),
            "cbindgen.toml must contain {define}"
        );
        assert_eq!(WSSX_DEFAULT_LENGTH, crypto::DEFAULT_LENGTH as u64);
        assert_eq!(WSSX_DEFAULT_NONCE_LEN, DEFAULT_NONCE_LEN);
        let d = unsafe { wssx_derive_options::defaults().to_core() }.unwrap();
        assert_eq!(d, DeriveOptions::default());
    }

    #[test]
    fn null_and_limits() {
        let mut b = wssx_buf::empty();
        unsafe {
            assert_eq!(
                wssx_random(16, std::ptr::null_mut()),
                wssx_status::WSSX_NULL_ARGUMENT
            );
            assert_eq!(
                wssx_random(WSSX_MAX_RANDOM + 1, &mut b),
                wssx_status::WSSX_LIMIT_EXCEEDED
            );
            assert_eq!(
                wssx_random(usize::MAX, &mut b),
                wssx_status::WSSX_LIMIT_EXCEEDED
            );
            assert_eq!(
                wssx_derive_key(
                    std::ptr::null(),
                    1,
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    0,
                    32,
                    &mut b
                ),
                wssx_status::WSSX_NULL_ARGUMENT
            );
            assert_eq!(
                wssx_derive_key(
                    b"s".as_ptr(),
                    usize::MAX,
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    0,
                    32,
                    &mut b
                ),
                wssx_status::WSSX_INVALID_ARGUMENT
            );
            assert_eq!(
                wssx_p_sha1(
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    u64::MAX,
                    20,
                    &mut b
                ),
                wssx_status::WSSX_LIMIT_EXCEEDED
            );
            assert!(b.data.is_null());
            assert_eq!(
                wssx_derive_key(
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    std::ptr::null(),
                    0,
                    5,
                    3,
                    &mut b
                ),
                wssx_status::WSSX_OK
            );
            assert_eq!(
                b.as_bytes().unwrap(),
                crypto::p_sha1(b"", b"", 5, 3).expose()
            );
            crate::buf::wssx_buf_free(&mut b);
        }
    }
}
