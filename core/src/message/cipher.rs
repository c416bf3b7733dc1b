//! Block encryption as XML Encryption uses it: the IV is prefixed to the cipher text;
//! CBC uses ISO 10126 padding (random bytes, last byte = pad length) on write and a
//! tolerant check on read (only the last byte is trusted, as xmlenc requires); GCM
//! appends the 16-byte tag.

use super::algorithms::EncryptionAlgorithm;
use crate::crypto::random_bytes;
use crate::error::{Error, ErrorKind, Result};
use openssl::symm::{Cipher, Crypter, Mode};

const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;

fn key_check(alg: EncryptionAlgorithm, key: &[u8]) -> Result<()> {
    if key.len() != alg.key_len() {
        return Err(Error::new(
            ErrorKind::Crypto,
            format!(
                "{} needs a {}-byte key, got {} bytes",
                alg.uri(),
                alg.key_len(),
                key.len()
            ),
        ));
    }
    Ok(())
}

/// Encrypt `plain` with `key`, returning IV || cipher text (|| tag for GCM).
pub fn encrypt(alg: EncryptionAlgorithm, key: &[u8], plain: &[u8]) -> Result<Vec<u8>> {
    key_check(alg, key)?;
    let cipher = alg.cipher();
    if alg.is_gcm() {
        let iv = random_bytes(GCM_IV)?;
        let mut tag = [0u8; GCM_TAG];
        let ct = openssl::symm::encrypt_aead(cipher, key, Some(&iv), &[], plain, &mut tag)?;
        let mut out = iv;
        out.extend_from_slice(&ct);
        out.extend_from_slice(&tag);
        return Ok(out);
    }
    let bs = cipher.block_size();
    let pad = bs - plain.len() % bs;
    let mut padded = Vec::with_capacity(plain.len() + pad);
    padded.extend_from_slice(plain);
    padded.extend_from_slice(&random_bytes(pad - 1)?);
    padded.push(pad as u8);
    let iv = random_bytes(bs)?;
    let mut out = iv.clone();
    out.extend_from_slice(&raw_cbc(cipher, Mode::Encrypt, key, &iv, &padded)?);
    Ok(out)
}

fn raw_cbc(cipher: Cipher, mode: Mode, key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    let mut c = Crypter::new(cipher, mode, key, Some(iv))?;
    c.pad(false);
    let mut out = vec![0u8; data.len() + cipher.block_size()];
    let mut n = c.update(data, &mut out)?;
    n += c.finalize(&mut out[n..])?;
    out.truncate(n);
    Ok(out)
}

/// Decrypt IV || cipher text (|| tag) with `key`.
pub fn decrypt(alg: EncryptionAlgorithm, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    key_check(alg, key)?;
    let cipher = alg.cipher();
    let bad = |m: &str| Error::new(ErrorKind::Crypto, format!("cannot decrypt: {m}"));
    if alg.is_gcm() {
        if data.len() < GCM_IV + GCM_TAG {
            return Err(bad("cipher text shorter than IV and tag"));
        }
        let (iv, rest) = data.split_at(GCM_IV);
        let (ct, tag) = rest.split_at(rest.len() - GCM_TAG);
        return openssl::symm::decrypt_aead(cipher, key, Some(iv), &[], ct, tag)
            .map_err(|_| bad("wrong key or tampered cipher text"));
    }
    let bs = cipher.block_size();
    if data.len() < 2 * bs || data.len() % bs != 0 {
        return Err(bad(
            "cipher text is not a whole number of blocks after the IV",
        ));
    }
    let (iv, ct) = data.split_at(bs);
    let mut plain = raw_cbc(cipher, Mode::Decrypt, key, iv, ct)?;
    let pad = *plain.last().unwrap_or(&0) as usize;
    if pad == 0 || pad > bs {
        return Err(bad("wrong key or tampered cipher text"));
    }
    plain.truncate(plain.len() - pad);
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects() {
        for alg in [
            EncryptionAlgorithm::Aes128Cbc,
            EncryptionAlgorithm::Aes256Cbc,
            EncryptionAlgorithm::Aes128Gcm,
            EncryptionAlgorithm::Aes256Gcm,
        ] {
            let key = vec![7u8; alg.key_len()];
            for n in [0usize, 1, 15, 16, 17, 1000] {
                let p: Vec<u8> = (0..n).map(|i| i as u8).collect();
                let c = encrypt(alg, &key, &p).unwrap();
                assert_eq!(decrypt(alg, &key, &c).unwrap(), p);
            }
            assert!(encrypt(alg, &[0u8; 5], b"x").is_err());
            assert!(decrypt(alg, &key, b"short").is_err());
        }
        let key = [1u8; 16];
        let mut c = encrypt(EncryptionAlgorithm::Aes128Gcm, &key, b"hello").unwrap();
        let n = c.len();
        c[n - 1] ^= 1;
        assert!(decrypt(EncryptionAlgorithm::Aes128Gcm, &key, &c).is_err());
    }

    #[test]
    fn cbc_matches_openssl_standard_when_padding_is_pkcs7_shaped() {
        // Decrypt something OpenSSL encrypted with PKCS#7 padding (a valid ISO 10126 pad).
        let key = [3u8; 32];
        let iv = [4u8; 16];
        let ct = openssl::symm::encrypt(Cipher::aes_256_cbc(), &key, Some(&iv), b"interop text")
            .unwrap();
        let mut data = iv.to_vec();
        data.extend(ct);
        assert_eq!(
            decrypt(EncryptionAlgorithm::Aes256Cbc, &key, &data).unwrap(),
            b"interop text"
        );
    }
}
