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
use zeroize::Zeroize;

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
    fill_random(&mut v)?;
    Ok(v)
}

/// Fill `out` from OpenSSL's CSPRNG. Requests of up to [`POOLED`] bytes are served from a
/// per-thread block drawn with one `RAND_bytes` call: on OpenSSL 3 each call costs about as
/// much as signing a small message's digests (DRBG locking and bookkeeping), and a signer
/// draws a nonce and an Id per message. Bytes handed out are wiped from the block at once;
/// the block is discarded after a `fork` (the process id is checked on every draw) so a
/// child never repeats its parent's bytes.
pub fn fill_random(out: &mut [u8]) -> crate::Result<()> {
    if out.len() > POOLED {
        openssl::rand::rand_bytes(out)?;
        return Ok(());
    }
    POOL.with(|p| p.borrow_mut().take(out))
}

/// Largest request served from the per-thread random block.
pub const POOLED: usize = 64;

struct Pool {
    buf: [u8; 1024],
    pos: usize,
    pid: u32,
}

impl Pool {
    fn take(&mut self, out: &mut [u8]) -> crate::Result<()> {
        let pid = std::process::id();
        if self.pid != pid || self.pos + out.len() > self.buf.len() {
            openssl::rand::rand_bytes(&mut self.buf)?;
            self.pos = 0;
            self.pid = pid;
        }
        let end = self.pos + out.len();
        out.copy_from_slice(&self.buf[self.pos..end]);
        self.buf[self.pos..end].zeroize();
        self.pos = end;
        Ok(())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

thread_local! {
    // pos = len: empty until the first draw fills it.
    static POOL: std::cell::RefCell<Pool> = const { std::cell::RefCell::new(Pool { buf: [0; 1024], pos: 1024, pid: 0 }) };
}

/// A fresh `urn:uuid:` URI (random, version 4), as WCF and WSS4J name contexts.
pub fn random_uuid_urn() -> crate::Result<String> {
    let mut b = [0u8; 16];
    fill_random(&mut b)?;
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
