//! HMAC-SHA1 with the key schedule done once.
//!
//! P_SHA1 runs HMAC four times for a 32-byte key, always with the same key; a token
//! service derives many keys from one context secret. Keeping the compressed inner and
//! outer pad states per key removes two of every five compressions, and driving the SHA-1
//! compression function directly (RustCrypto's `sha1::compress`, which uses the SHA-NI
//! instructions when the CPU has them) removes the buffering of a streaming API. The
//! benchmark in `benches/derive.rs` keeps the measurement against OpenSSL's HMAC.

use sha1::digest::generic_array::GenericArray;
use zeroize::Zeroize;

const BLOCK: usize = 64;
const IV: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// Length of an HMAC-SHA1 output.
pub const OUTPUT_LEN: usize = 20;

fn compress(state: &mut [u32; 5], block: &[u8; BLOCK]) {
    sha1::compress(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

/// SHA-1 of `data` (the digest of `ds:DigestMethod` sha1). Same compression function as
/// the HMAC; measured about 10x cheaper than a one-shot OpenSSL 3 EVP digest on the
/// few-hundred-byte canonical forms a signature references (no provider fetch per call).
pub fn sha1(data: &[u8]) -> [u8; OUTPUT_LEN] {
    let mut st = IV;
    let mut buf = [0u8; BLOCK];
    let out = finish(&mut st, &[data], 0, &mut buf);
    buf.zeroize();
    out
}

/// Hash the concatenation of `parts` into `state`, which has already absorbed
/// `prefix_len` bytes (a whole number of blocks), and return the digest. `buf` is scratch
/// space the caller wipes when done (once per derivation rather than once per block).
#[inline]
fn finish(
    state: &mut [u32; 5],
    parts: &[&[u8]],
    prefix_len: usize,
    buf: &mut [u8; BLOCK],
) -> [u8; OUTPUT_LEN] {
    let mut fill = 0usize;
    let mut total = prefix_len;
    for part in parts {
        let mut p: &[u8] = part;
        total += p.len();
        if fill > 0 {
            let take = (BLOCK - fill).min(p.len());
            buf[fill..fill + take].copy_from_slice(&p[..take]);
            fill += take;
            p = &p[take..];
            if fill == BLOCK {
                compress(state, buf);
                fill = 0;
            }
        }
        while p.len() >= BLOCK {
            let (head, rest) = p.split_at(BLOCK);
            compress(state, head.try_into().expect("64-byte block"));
            p = rest;
        }
        if !p.is_empty() {
            buf[..p.len()].copy_from_slice(p);
            fill = p.len();
        }
    }
    buf[fill] = 0x80;
    buf[fill + 1..].fill(0);
    if fill + 1 > BLOCK - 8 {
        compress(state, buf);
        buf.fill(0);
    }
    buf[BLOCK - 8..].copy_from_slice(&((total as u64) * 8).to_be_bytes());
    compress(state, buf);
    digest(state)
}

#[inline]
fn digest(state: &[u32; 5]) -> [u8; OUTPUT_LEN] {
    let mut out = [0u8; OUTPUT_LEN];
    for (i, w) in state.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// Scratch space for HMAC computations; wiped on drop.
pub struct Scratch {
    buf: [u8; BLOCK],
}

impl Scratch {
    /// Fresh zeroed scratch space.
    pub fn new() -> Self {
        Scratch { buf: [0u8; BLOCK] }
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

/// An HMAC-SHA1 key with its inner and outer pad states precomputed. Zeroized on drop.
#[derive(Clone)]
pub struct HmacSha1Key {
    inner: [u32; 5],
    outer: [u32; 5],
}

impl HmacSha1Key {
    /// Run the HMAC key schedule once for `key` (any length, per RFC 2104).
    pub fn new(key: &[u8]) -> Self {
        let mut k = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut h = sha1(key);
            k[..OUTPUT_LEN].copy_from_slice(&h);
            h.zeroize();
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut pad = [0u8; BLOCK];
        for (p, b) in pad.iter_mut().zip(k.iter()) {
            *p = b ^ 0x36;
        }
        let mut inner = IV;
        compress(&mut inner, &pad);
        for (p, b) in pad.iter_mut().zip(k.iter()) {
            *p = b ^ 0x5c;
        }
        let mut outer = IV;
        compress(&mut outer, &pad);
        pad.zeroize();
        k.zeroize();
        HmacSha1Key { inner, outer }
    }

    /// HMAC over the concatenation of `parts`.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; OUTPUT_LEN] {
        let mut scratch = Scratch::new();
        self.mac_with(parts, &mut scratch)
    }

    /// HMAC over the concatenation of `parts`, using `scratch` (wiped when it is dropped).
    #[inline]
    pub fn mac_with(&self, parts: &[&[u8]], scratch: &mut Scratch) -> [u8; OUTPUT_LEN] {
        let mut st = self.inner;
        let ih = finish(&mut st, parts, BLOCK, &mut scratch.buf);
        // Outer hash: one block, digest + padding + length (64 + 20 bytes).
        let buf = &mut scratch.buf;
        buf[..OUTPUT_LEN].copy_from_slice(&ih);
        buf[OUTPUT_LEN] = 0x80;
        buf[OUTPUT_LEN + 1..BLOCK - 8].fill(0);
        buf[BLOCK - 8..].copy_from_slice(&(((BLOCK + OUTPUT_LEN) as u64) * 8).to_be_bytes());
        let mut ost = self.outer;
        compress(&mut ost, buf);
        digest(&ost)
    }
}

impl Drop for HmacSha1Key {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl std::fmt::Debug for HmacSha1Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSha1Key(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::{hash::MessageDigest, pkey::PKey, sign::Signer};

    fn openssl_hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
        let k = PKey::hmac(key).unwrap();
        let mut s = Signer::new(MessageDigest::sha1(), &k).unwrap();
        s.update(data).unwrap();
        s.sign_to_vec().unwrap()
    }

    #[test]
    fn rfc2202_vectors() {
        // RFC 2202 test cases 1, 2 and 6 (key longer than a block).
        let k = HmacSha1Key::new(&[0x0b; 20]);
        assert_eq!(
            hex(&k.mac(&[b"Hi There"])),
            "b617318655057264e28bc0b6fb378c8ef146be00"
        );
        let k = HmacSha1Key::new(b"Jefe");
        assert_eq!(
            hex(&k.mac(&[b"what do ya want ", b"for nothing?"])),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        // Empty key and message (OpenSSL 3 refuses an empty HMAC key, so a known value).
        assert_eq!(
            hex(&HmacSha1Key::new(b"").mac(&[])),
            "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"
        );
        let k = HmacSha1Key::new(&[0xaa; 80]);
        assert_eq!(
            hex(&k.mac(&[b"Test Using Larger Than Block-Size Key - Hash Key First"])),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        );
    }

    #[test]
    fn matches_openssl_on_all_lengths() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for klen in [1usize, 20, 63, 64, 65, 130] {
            let key: Vec<u8> = (0..klen).map(|i| i as u8).collect();
            let k = HmacSha1Key::new(&key);
            for dlen in 0..data.len() {
                let d = &data[..dlen];
                let split = dlen / 3;
                assert_eq!(
                    k.mac(&[&d[..split], &d[split..]]).to_vec(),
                    openssl_hmac(&key, d),
                    "k{klen} d{dlen}"
                );
            }
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
