//! RSA key transport: OAEP (SHA-1 digest, MGF1 with SHA-1) and PKCS#1 v1.5, on OpenSSL.

use super::KeyTransportAlgorithm;
use crate::crypto::Secret;
use crate::error::{Error, ErrorKind, Result};
use openssl::encrypt::{Decrypter, Encrypter};
use openssl::hash::MessageDigest;
use openssl::pkey::{HasPublic, Id, PKeyRef, Private};
use openssl::rsa::Padding;
use zeroize::Zeroizing;

/// Smallest RSA modulus we encrypt to: anything shorter is factorable today.
pub(super) const MIN_RSA_BITS: u32 = 1024;

/// The one message for every failed decryption, so errors do not tell an attacker *why*.
const CANNOT_DECRYPT: &str = "the encrypted key cannot be decrypted with this private key";

fn require_rsa<T>(pkey: &PKeyRef<T>) -> Result<()> {
    if pkey.id() != Id::RSA {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "key transport needs an RSA key",
        ));
    }
    Ok(())
}

fn padding(alg: KeyTransportAlgorithm) -> Padding {
    match alg {
        KeyTransportAlgorithm::RsaOaepMgf1p => Padding::PKCS1_OAEP,
        KeyTransportAlgorithm::Rsa15 => Padding::PKCS1,
    }
}

/// Encrypt `plain` to `pkey`. `label` is the OAEP label (xenc:OAEPparams).
pub(super) fn encrypt<T: HasPublic>(
    pkey: &PKeyRef<T>,
    alg: KeyTransportAlgorithm,
    label: Option<&[u8]>,
    plain: &[u8],
) -> Result<Vec<u8>> {
    require_rsa(pkey)?;
    if pkey.bits() < MIN_RSA_BITS {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "a {}-bit RSA key is too weak for key transport (at least {MIN_RSA_BITS})",
                pkey.bits()
            ),
        ));
    }
    if plain.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "the key to transport is empty",
        ));
    }
    let mut enc = Encrypter::new(pkey)?;
    enc.set_rsa_padding(padding(alg))?;
    if alg == KeyTransportAlgorithm::RsaOaepMgf1p {
        enc.set_rsa_oaep_md(MessageDigest::sha1())?;
        enc.set_rsa_mgf1_md(MessageDigest::sha1())?;
        if let Some(l) = label {
            enc.set_rsa_oaep_label(l)?;
        }
    }
    let mut out = vec![0u8; enc.encrypt_len(plain)?];
    let n = enc.encrypt(plain, &mut out).map_err(|e| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "a {}-byte key does not fit {} with a {}-bit RSA key: {e}",
                plain.len(),
                alg.uri(),
                pkey.bits()
            ),
        )
    })?;
    out.truncate(n);
    Ok(out)
}

/// Decrypt `cipher` with `pkey`; every padding or size failure is the same error.
pub(super) fn decrypt(
    pkey: &PKeyRef<Private>,
    alg: KeyTransportAlgorithm,
    label: Option<&[u8]>,
    cipher: &[u8],
) -> Result<Secret> {
    require_rsa(pkey)?;
    let mut dec = Decrypter::new(pkey)?;
    dec.set_rsa_padding(padding(alg))?;
    if alg == KeyTransportAlgorithm::RsaOaepMgf1p {
        dec.set_rsa_oaep_md(MessageDigest::sha1())?;
        dec.set_rsa_mgf1_md(MessageDigest::sha1())?;
        if let Some(l) = label {
            dec.set_rsa_oaep_label(l)?;
        }
    }
    let failed = || Error::new(ErrorKind::FailedAuthentication, CANNOT_DECRYPT);
    let mut out = Zeroizing::new(vec![0u8; dec.decrypt_len(cipher).map_err(|_| failed())?]);
    let n = dec.decrypt(cipher, &mut out).map_err(|_| failed())?;
    out.truncate(n);
    Ok(Secret::new(std::mem::take(&mut *out)))
}

/// Decrypt a key that must be `len` bytes long.
///
/// For RSA-1.5 this never reports a padding failure. Bleichenbacher's attack (CRYPTO '98,
/// and its many revivals such as ROBOT) needs only one bit from the receiver: "was the
/// PKCS#1 v1.5 padding valid?" — from an error, a fault code or a timing difference — and
/// with enough queries recovers the key. As TLS does for its premaster secret (RFC 5246
/// section 7.4.7.1) and XML Encryption 1.1's security considerations advise, a bad padding (or a well-padded key of the wrong length)
/// instead yields a random key of the expected length, drawn *before* decrypting so both
/// paths do the same work. The forged message then fails later, at the symmetric layer,
/// exactly as a message encrypted under a wrong key does. OAEP has no such oracle problem
/// worth hiding (its check is all-or-nothing inside OpenSSL), so it fails with an error.
pub(super) fn decrypt_expecting(
    pkey: &PKeyRef<Private>,
    alg: KeyTransportAlgorithm,
    label: Option<&[u8]>,
    cipher: &[u8],
    len: usize,
) -> Result<Secret> {
    if len == 0 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "the expected key length is zero",
        ));
    }
    match alg {
        KeyTransportAlgorithm::RsaOaepMgf1p => {
            let key = decrypt(pkey, alg, label, cipher)?;
            if key.len() != len {
                return Err(Error::new(
                    ErrorKind::FailedAuthentication,
                    format!(
                        "the transported key has {} bytes, {len} expected",
                        key.len()
                    ),
                ));
            }
            Ok(key)
        }
        KeyTransportAlgorithm::Rsa15 => {
            require_rsa(pkey)?;
            let substitute = Secret::random(len)?;
            let real = decrypt(pkey, alg, None, cipher);
            let (ok, bytes) = match &real {
                Ok(k) => (k.len() == len, k.expose()),
                Err(_) => (false, &[][..]),
            };
            Ok(select(ok, bytes, substitute.expose()))
        }
    }
}

/// `real` when `ok`, else `substitute`, chosen byte by byte with a mask rather than a
/// branch on the secret-dependent condition.
fn select(ok: bool, real: &[u8], substitute: &[u8]) -> Secret {
    let mask = std::hint::black_box(0u8.wrapping_sub(ok as u8));
    let bytes: Vec<u8> = substitute
        .iter()
        .enumerate()
        .map(|(i, &s)| (real.get(i).copied().unwrap_or(0) & mask) | (s & !mask))
        .collect();
    Secret::new(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_by_mask() {
        assert_eq!(select(true, b"abcd", b"wxyz").expose(), b"abcd");
        assert_eq!(select(false, b"abcd", b"wxyz").expose(), b"wxyz");
        assert_eq!(select(false, b"", b"wxyz").expose(), b"wxyz");
    }

    #[test]
    fn refuses_non_rsa_and_weak_keys() {
        let ec = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap();
        let ec = openssl::pkey::PKey::from_ec_key(ec).unwrap();
        let alg = KeyTransportAlgorithm::RsaOaepMgf1p;
        assert_eq!(
            encrypt(&ec, alg, None, b"k").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            decrypt(&ec, alg, None, b"k").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            decrypt_expecting(&ec, KeyTransportAlgorithm::Rsa15, None, b"k", 16)
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidArgument
        );
        let weak =
            openssl::pkey::PKey::from_rsa(openssl::rsa::Rsa::generate(512).unwrap()).unwrap();
        assert_eq!(
            encrypt(&weak, alg, None, b"k").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }
}
