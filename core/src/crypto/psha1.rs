//! P_SHA1 (RFC 2246 section 5), WS-SecureConversation key derivation and WS-Trust
//! computed keys.
//!
//! ```text
//! P_SHA1(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
//! A(0) = seed, A(i) = HMAC(secret, A(i-1))
//! derived key = P_SHA1(secret, utf8(label) + nonce)[offset .. offset + length]
//! CK/PSHA1    = P_SHA1(requestor entropy, issuer entropy)[0 .. key size / 8]
//! ```

use super::hmac_sha1::{HmacSha1Key, Scratch, OUTPUT_LEN};
use super::secret::Secret;
use crate::error::{Error, ErrorKind, Result};
use zeroize::Zeroize;

/// The default label half: "WS-SecureConversation" (client and service label each).
pub const DEFAULT_LABEL_PART: &str = "WS-SecureConversation";
/// The default full label: client label + service label, both defaulted.
pub const DEFAULT_LABEL: &str = "WS-SecureConversationWS-SecureConversation";
/// Default derived key length in bytes when neither Length nor policy says otherwise.
pub const DEFAULT_LENGTH: usize = 32;

/// A P_SHA1 generator keyed with one secret. Create it once per context secret and derive
/// as many keys as needed: the HMAC key schedule is not repeated.
#[derive(Clone, Debug)]
pub struct PSha1 {
    key: HmacSha1Key,
}

impl PSha1 {
    /// Key the generator with `secret`.
    pub fn new(secret: &[u8]) -> Self {
        PSha1 {
            key: HmacSha1Key::new(secret),
        }
    }

    /// Bytes `offset .. offset + out.len()` of P_SHA1(secret, seed), where the seed is the
    /// concatenation of `seed_parts`. Output blocks before `offset` are not computed (only
    /// the A(i) chain is advanced).
    pub fn fill(&self, seed_parts: &[&[u8]], offset: usize, out: &mut [u8]) {
        if out.is_empty() {
            return;
        }
        let mut sc = Scratch::new();
        // A(1) = HMAC(seed)
        let mut a = self.key.mac_with(seed_parts, &mut sc);
        let first_block = offset / OUTPUT_LEN;
        for _ in 0..first_block {
            a = self.key.mac_with(&[&a], &mut sc);
        }
        let mut skip = offset % OUTPUT_LEN;
        let mut written = 0;
        loop {
            let mut block = self.mac_after(&a, seed_parts, &mut sc);
            let take = (OUTPUT_LEN - skip).min(out.len() - written);
            out[written..written + take].copy_from_slice(&block[skip..skip + take]);
            block.zeroize();
            written += take;
            skip = 0;
            if written == out.len() {
                break;
            }
            a = self.key.mac_with(&[&a], &mut sc);
        }
        a.zeroize();
    }

    /// HMAC(secret, a + seed parts) without allocating for the common part counts.
    fn mac_after(&self, a: &[u8], seed_parts: &[&[u8]], sc: &mut Scratch) -> [u8; OUTPUT_LEN] {
        match seed_parts {
            [] => self.key.mac_with(&[a], sc),
            [s0] => self.key.mac_with(&[a, s0], sc),
            [s0, s1] => self.key.mac_with(&[a, s0, s1], sc),
            many => {
                let mut v: Vec<&[u8]> = Vec::with_capacity(many.len() + 1);
                v.push(a);
                v.extend_from_slice(many);
                self.key.mac_with(&v, sc)
            }
        }
    }

    /// Derive `length` bytes at `offset` with `label` and `nonce` (WS-SC section 7).
    pub fn derive(&self, label: &[u8], nonce: &[u8], offset: usize, length: usize) -> Secret {
        let mut out = vec![0u8; length];
        self.fill(&[label, nonce], offset, &mut out);
        Secret::new(out)
    }
}

/// Raw P_SHA1 output: `length` bytes starting at `offset` of P_SHA1(secret, seed).
pub fn p_sha1(secret: &[u8], seed: &[u8], offset: usize, length: usize) -> Secret {
    let mut out = vec![0u8; length];
    PSha1::new(secret).fill(&[seed], offset, &mut out);
    Secret::new(out)
}

/// [`p_sha1`] with `offset` and `length` checked against `limits` (for callers that take
/// them from the outside, e.g. the faces).
pub fn p_sha1_checked(
    secret: &[u8],
    seed: &[u8],
    offset: u64,
    length: u64,
    limits: &DerivationLimits,
) -> Result<Secret> {
    limits.check(b"", b"", offset, length)?;
    Ok(p_sha1(secret, seed, offset as usize, length as usize))
}

/// Bounds that protect a receiver from derivation requests that are attacks (an offset of
/// gigabytes costs that many HMACs). The defaults accept everything WCF and WSS4J send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivationLimits {
    /// Largest accepted offset in bytes (after Generation x Length). Default 4096.
    pub max_offset: u64,
    /// Largest accepted key length in bytes. Default 1024 (8192 bits).
    pub max_length: u64,
    /// Largest accepted label in bytes (UTF-8). Default 128, WCF's receive limit.
    pub max_label: usize,
    /// Largest accepted nonce in bytes. Default 128, WCF's receive limit.
    pub max_nonce: usize,
    /// How many DerivedKeyTokens may be chained (a DKT derived from a DKT ...). Default 4.
    pub max_chain: usize,
}

impl Default for DerivationLimits {
    fn default() -> Self {
        DerivationLimits {
            max_offset: 4096,
            max_length: 1024,
            max_label: 128,
            max_nonce: 128,
            max_chain: 4,
        }
    }
}

impl DerivationLimits {
    /// Check a derivation request against the limits.
    pub fn check(&self, label: &[u8], nonce: &[u8], offset: u64, length: u64) -> Result<()> {
        if length == 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "derived key length must be at least 1 byte",
            ));
        }
        if length > self.max_length {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "derived key length {length} exceeds the limit of {} bytes",
                    self.max_length
                ),
            ));
        }
        if offset > self.max_offset {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "derivation offset {offset} exceeds the limit of {} bytes",
                    self.max_offset
                ),
            ));
        }
        if label.len() > self.max_label {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "label of {} bytes exceeds the limit of {}",
                    label.len(),
                    self.max_label
                ),
            ));
        }
        if nonce.len() > self.max_nonce {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "nonce of {} bytes exceeds the limit of {}",
                    nonce.len(),
                    self.max_nonce
                ),
            ));
        }
        Ok(())
    }
}

/// Derive a key as WS-SecureConversation section 7 defines it:
/// `P_SHA1(secret, utf8(label) + nonce)[offset .. offset + length]`, after checking the
/// request against `limits`.
pub fn derive_key_with(
    secret: &[u8],
    label: &str,
    nonce: &[u8],
    offset: u64,
    length: u64,
    limits: &DerivationLimits,
) -> Result<Secret> {
    limits.check(label.as_bytes(), nonce, offset, length)?;
    Ok(PSha1::new(secret).derive(label.as_bytes(), nonce, offset as usize, length as usize))
}

/// [`derive_key_with`] under the default limits.
pub fn derive_key(
    secret: &[u8],
    label: &str,
    nonce: &[u8],
    offset: u64,
    length: u64,
) -> Result<Secret> {
    derive_key_with(
        secret,
        label,
        nonce,
        offset,
        length,
        &DerivationLimits::default(),
    )
}

/// WS-Trust CK/PSHA1 computed key: `P_SHA1(requestor entropy, issuer entropy)` truncated to
/// `key_size_bits / 8` bytes. The key size must be a positive multiple of 8 and at most 8192.
pub fn computed_key(
    requestor_entropy: &[u8],
    issuer_entropy: &[u8],
    key_size_bits: u32,
) -> Result<Secret> {
    if key_size_bits == 0 || key_size_bits % 8 != 0 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("key size {key_size_bits} bits is not a positive multiple of 8"),
        ));
    }
    if key_size_bits > 8192 {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("key size {key_size_bits} bits exceeds 8192"),
        ));
    }
    if requestor_entropy.is_empty() || issuer_entropy.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "computed key needs both requestor and issuer entropy",
        ));
    }
    Ok(p_sha1(
        requestor_entropy,
        issuer_entropy,
        0,
        (key_size_bits / 8) as usize,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::{hash::MessageDigest, pkey::PKey, sign::Signer};

    /// A deliberately naive P_SHA1 straight from RFC 2246 on OpenSSL's HMAC: an
    /// independent implementation for cross-checking (the real peers are in tests/interop).
    fn naive(secret: &[u8], seed: &[u8], n: usize) -> Vec<u8> {
        let hmac = |d: &[u8]| {
            let k = PKey::hmac(secret).unwrap();
            let mut s = Signer::new(MessageDigest::sha1(), &k).unwrap();
            s.update(d).unwrap();
            s.sign_to_vec().unwrap()
        };
        let mut out = Vec::new();
        let mut a = hmac(seed);
        while out.len() < n {
            let mut x = a.clone();
            x.extend_from_slice(seed);
            out.extend(hmac(&x));
            a = hmac(&a);
        }
        out.truncate(n);
        out
    }

    #[test]
    fn matches_naive_at_every_offset() {
        let secret = b"\x01\x02\x03 a context secret";
        let seed = b"WS-SecureConversationWS-SecureConversation\x10\x11\x12";
        let full = naive(secret, seed, 200);
        let g = PSha1::new(secret);
        for off in 0..120 {
            for len in [1usize, 16, 19, 20, 21, 24, 32, 40, 61] {
                let mut out = vec![0u8; len];
                g.fill(&[&seed[..10], &seed[10..]], off, &mut out);
                assert_eq!(out, full[off..off + len], "off {off} len {len}");
            }
        }
    }

    #[test]
    fn tls_prf_sha1_half_vector() {
        // P_SHA1 as used in the TLS 1.0 PRF; vector cross-checked with Python's hmac module:
        // P_SHA1(b"secret", b"seed")[0:20]
        let out = p_sha1(b"secret", b"seed", 0, 20);
        let expect = naive(b"secret", b"seed", 20);
        assert_eq!(out.expose(), &expect[..]);
    }

    #[test]
    fn computed_key_sizes() {
        let k = computed_key(b"req-entropy-0123", b"iss-entropy-4567", 256).unwrap();
        assert_eq!(
            k.expose(),
            &naive(b"req-entropy-0123", b"iss-entropy-4567", 32)[..]
        );
        assert_eq!(
            computed_key(b"a", b"b", 12).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            computed_key(b"a", b"b", 0).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            computed_key(b"", b"b", 128).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            computed_key(b"a", b"b", 1 << 20).unwrap_err().kind(),
            ErrorKind::LimitExceeded
        );
    }

    #[test]
    fn limits_refuse_attacks() {
        let e = derive_key(b"s", DEFAULT_LABEL, b"n", 1 << 30, 32).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        let e = derive_key(b"s", DEFAULT_LABEL, b"n", 0, 1 << 30).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        let e = derive_key(b"s", &"x".repeat(129), b"n", 0, 32).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        let e = derive_key(b"s", "", &[0; 129], 0, 32).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
        assert_eq!(
            derive_key(b"s", "", b"", 0, 0).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        // WCF's receive limits are accepted.
        assert!(derive_key(b"s", &"x".repeat(128), &[0; 128], 64, 32).is_ok());
    }
}
