//! Cryptographic primitives: secrets, HMAC-SHA1, P_SHA1 key derivation, computed keys.
//!
//! OpenSSL provides randomness and the general algorithms; the P_SHA1 hot path runs on a
//! precomputed HMAC state (see [`hmac_sha1`]).

pub mod hmac_sha1;
pub mod psha1;
pub mod secret;

pub use psha1::{
    computed_key, derive_key, derive_key_with, p_sha1, p_sha1_checked, DerivationLimits, PSha1,
    DEFAULT_LABEL, DEFAULT_LABEL_PART, DEFAULT_LENGTH,
};
pub use secret::{ct_eq, Secret};

/// The most random bytes one call hands out (1 MiB): nonces and entropy are tens of bytes;
/// a larger request is a mistake or an attack on memory.
pub const MAX_RANDOM: usize = 1 << 20;

/// `len` random bytes from OpenSSL's CSPRNG (nonces, entropy, identifiers).
pub fn random_bytes(len: usize) -> crate::Result<Vec<u8>> {
    if len > MAX_RANDOM {
        return Err(crate::Error::new(
            crate::ErrorKind::LimitExceeded,
            format!("{len} random bytes requested; at most {MAX_RANDOM} per call"),
        ));
    }
    let mut v = vec![0u8; len];
    openssl::rand::rand_bytes(&mut v)?;
    Ok(v)
}

/// A fresh `urn:uuid:` URI (random, version 4), as WCF and WSS4J name contexts.
pub fn random_uuid_urn() -> crate::Result<String> {
    let mut b = [0u8; 16];
    openssl::rand::rand_bytes(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}
