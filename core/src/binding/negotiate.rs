//! Multi-leg issuance: challenges (WS-Trust 8.1-8.3, WS-SC Appendix A.2 and B) and binary
//! negotiation (WS-Trust 8.4: SPNEGO, TLSNEGO or any blob protocol the caller plugs in),
//! correlated by @Context, ending with an Authenticator/CombinedHash over the exchange.
//!
//! CombinedHash (WS-Trust 8.7): H = SHA-1 of the exclusive canonical forms of every RST and
//! RSTR exchanged, then the first 256 bits of P_SHA1(key, ...). The Feb 2005 text writes the
//! seed as H + "AUTH-HASH"; WCF (the deployed peer: `Psha1DerivedKeyGenerator` with label
//! "AUTH-HASH") computes P_SHA1(key, "AUTH-HASH" + H). wssx writes WCF's order and accepts
//! either on receipt.

use crate::crypto::{ct_eq, p_sha1, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::xml::Element;

/// What one step of a binary negotiation produced.
#[derive(Debug, Default)]
pub struct ExchangeStep {
    /// The blob to send to the peer, if any.
    pub output: Option<Vec<u8>>,
    /// True when this side considers the negotiation complete.
    pub complete: bool,
    /// The negotiated key (16, 24 or 32 bytes), once complete.
    pub key: Option<Secret>,
}

/// One side of a binary negotiation (the caller's: SPNEGO, TLS, ...). wssx carries the
/// blobs in wst:BinaryExchange elements and keeps the legs together by @Context.
pub trait ExchangeHandler: Send {
    /// The BinaryExchange ValueType URI (e.g. `http://schemas.xmlsoap.org/ws/2005/02/trust/spnego`).
    fn value_type(&self) -> &str;
    /// Process the peer's blob (None on the requestor's first leg).
    fn step(&mut self, incoming: Option<&[u8]>) -> Result<ExchangeStep>;
}

/// The order of the P_SHA1 seed of a CombinedHash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthHashOrder {
    /// P_SHA1(key, "AUTH-HASH" + H): what WCF computes.
    LabelFirst,
    /// P_SHA1(key, H + "AUTH-HASH"): the Feb 2005 text.
    HashFirst,
}

const AUTH_HASH: &[u8] = b"AUTH-HASH";

/// The running transcript of an exchange: the canonical forms of every RST / RSTR.
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    sha: Vec<u8>,
}

impl Transcript {
    /// Add an RST or RSTR element (exclusive c14n, as sent or received).
    pub fn add(&mut self, el: &Element) {
        crate::xml::c14n::canonicalize_subtree(
            el,
            &crate::xml::c14n::InScope::new(),
            &Default::default(),
            &mut self.sha,
        );
    }

    /// H: SHA-1 of everything added.
    pub fn hash(&self) -> Result<Vec<u8>> {
        Ok(openssl::hash::hash(openssl::hash::MessageDigest::sha1(), &self.sha)?.to_vec())
    }

    /// The CombinedHash for `key`.
    pub fn combined_hash(&self, key: &Secret, order: AuthHashOrder) -> Result<Vec<u8>> {
        let h = self.hash()?;
        let seed = match order {
            AuthHashOrder::LabelFirst => [AUTH_HASH, &h].concat(),
            AuthHashOrder::HashFirst => [&h[..], AUTH_HASH].concat(),
        };
        Ok(p_sha1(key.expose(), &seed, 0, 32).expose().to_vec())
    }

    /// Check a received CombinedHash in either order, in constant time.
    pub fn check(&self, key: &Secret, received: &[u8]) -> Result<()> {
        let a = self.combined_hash(key, AuthHashOrder::LabelFirst)?;
        let b = self.combined_hash(key, AuthHashOrder::HashFirst)?;
        if ct_eq(&a, received) | ct_eq(&b, received) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::FailedAuthentication,
                "the Authenticator's CombinedHash does not match the exchange",
            ))
        }
    }
}

/// Wrap `key` with the negotiated key (AES key wrap, RFC 3394), for the final proof token.
pub fn wrap(negotiated: &Secret, key: &Secret) -> Result<Vec<u8>> {
    let kek = openssl::aes::AesKey::new_encrypt(negotiated.expose()).map_err(|_| {
        Error::new(
            ErrorKind::Crypto,
            "the negotiated key is not an AES key (16, 24 or 32 bytes)",
        )
    })?;
    let mut out = vec![0u8; key.len() + 8];
    let n = openssl::aes::wrap_key(&kek, None, &mut out, key.expose())
        .map_err(|_| Error::new(ErrorKind::Crypto, "cannot wrap the proof key"))?;
    out.truncate(n);
    Ok(out)
}

/// Unwrap a proof key wrapped with [`wrap`].
pub fn unwrap(negotiated: &Secret, wrapped: &[u8]) -> Result<Secret> {
    if wrapped.len() < 24 || wrapped.len() % 8 != 0 {
        return Err(Error::new(
            ErrorKind::Crypto,
            "a wrapped key is a multiple of 8 bytes, at least 24",
        ));
    }
    let kek = openssl::aes::AesKey::new_decrypt(negotiated.expose()).map_err(|_| {
        Error::new(
            ErrorKind::Crypto,
            "the negotiated key is not an AES key (16, 24 or 32 bytes)",
        )
    })?;
    let mut out = vec![0u8; wrapped.len() - 8];
    let n = openssl::aes::unwrap_key(&kek, None, &mut out, wrapped).map_err(|_| {
        Error::new(
            ErrorKind::FailedAuthentication,
            "the proof key does not unwrap with the negotiated key",
        )
    })?;
    out.truncate(n);
    Ok(Secret::new(out))
}

/// The xmlenc URI of AES key wrap for a key-encryption key of `len` bytes.
pub fn kw_uri(len: usize) -> Option<&'static str> {
    match len {
        16 => Some("http://www.w3.org/2001/04/xmlenc#kw-aes128"),
        24 => Some("http://www.w3.org/2001/04/xmlenc#kw-aes192"),
        32 => Some("http://www.w3.org/2001/04/xmlenc#kw-aes256"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_hash_orders_and_wrap() {
        let mut t = Transcript::default();
        t.add(&Element::new_static("urn:x", "x", "A").with_text("1"));
        let key = Secret::from_slice(&[5; 32]);
        let wcf = t.combined_hash(&key, AuthHashOrder::LabelFirst).unwrap();
        let spec = t.combined_hash(&key, AuthHashOrder::HashFirst).unwrap();
        assert_ne!(wcf, spec);
        assert_eq!(wcf.len(), 32);
        // WCF's order is P_SHA1(key, "AUTH-HASH" + SHA1(<x:A xmlns:x="urn:x">1</x:A>)).
        let h = openssl::hash::hash(
            openssl::hash::MessageDigest::sha1(),
            br#"<x:A xmlns:x="urn:x">1</x:A>"#,
        )
        .unwrap();
        assert_eq!(
            wcf,
            p_sha1(&[5; 32], &[AUTH_HASH, &h].concat(), 0, 32).expose()
        );
        t.check(&key, &wcf).unwrap();
        t.check(&key, &spec).unwrap();
        assert!(t.check(&key, &[0; 32]).is_err());
        let kek = Secret::from_slice(&[9; 16]);
        let w = wrap(&kek, &key).unwrap();
        assert_eq!(unwrap(&kek, &w).unwrap(), key);
        assert!(unwrap(&Secret::from_slice(&[8; 16]), &w).is_err());
    }
}
