//! Certificates and private keys from bytes (PEM or DER), so that the faces can configure
//! X.509 features (encrypted entropy, key exchange tokens, propagated contexts) without
//! linking OpenSSL themselves.

use crate::error::{Error, ErrorKind, Result};
use crate::message::KeyResolver;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

/// An X.509 certificate from PEM or DER bytes.
pub fn certificate(bytes: &[u8]) -> Result<X509> {
    let pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    let r = if pem {
        X509::from_pem(bytes)
    } else {
        X509::from_der(bytes)
    };
    r.map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            "not an X.509 certificate (PEM or DER)",
        )
    })
}

/// A private key from PEM (PKCS#8 or traditional) or DER (PKCS#8) bytes.
pub fn private_key(bytes: &[u8]) -> Result<PKey<Private>> {
    let pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    let r = if pem {
        PKey::private_key_from_pem(bytes)
    } else {
        PKey::private_key_from_der(bytes)
    };
    r.map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            "not a private key (PEM or PKCS#8 DER)",
        )
    })
}

/// A key resolver holding one certificate and its private key (checked to match).
pub fn identity(certificate_bytes: &[u8], private_key_bytes: &[u8]) -> Result<KeyResolver> {
    KeyResolver::with(
        certificate(certificate_bytes)?,
        private_key(private_key_bytes)?,
    )
}

/// The DER encoding of a certificate (to hand a key exchange token to a face).
pub fn certificate_der(cert: &X509) -> Result<Vec<u8>> {
    Ok(cert.to_der()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_garbage() {
        assert_eq!(
            certificate(b"nope").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            private_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidArgument
        );
    }

    #[test]
    fn loads_the_fixture_pair() {
        let cert = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/keytransport/recipient-cert.pem"
        ));
        let key = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/keytransport/recipient-key.pem"
        ));
        let (c, k) = (cert.unwrap(), key.unwrap());
        let r = identity(&c, &k).unwrap();
        assert_eq!(r.len(), 1);
        let der = certificate_der(&certificate(&c).unwrap()).unwrap();
        assert!(certificate(&der).is_ok());
    }
}
