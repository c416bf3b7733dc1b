//! The receiver's side: which of my private keys does this EncryptedKey need?

use super::{EncryptedKey, X509Reference};
use crate::crypto::Secret;
use crate::error::{Error, ErrorKind, Result};
use crate::xml::Element;
use openssl::pkey::{PKey, PKeyRef, Private};
use openssl::x509::{X509Ref, X509};
use std::fmt;

/// Certificates with their private keys, looked up by the reference an EncryptedKey
/// carries. A service holds one or a few (current and next during a key rollover).
#[derive(Default)]
pub struct KeyResolver {
    entries: Vec<(X509, PKey<Private>)>,
}

impl KeyResolver {
    /// An empty resolver.
    pub fn new() -> Self {
        KeyResolver::default()
    }

    /// A resolver holding one certificate and its key.
    pub fn with(cert: X509, key: PKey<Private>) -> Result<Self> {
        let mut r = KeyResolver::new();
        r.add(cert, key)?;
        Ok(r)
    }

    /// Add a certificate and its private key; refused (InvalidArgument) when the key is
    /// not the certificate's, which would otherwise surface later as a baffling
    /// decryption failure.
    pub fn add(&mut self, cert: X509, key: PKey<Private>) -> Result<()> {
        if !cert.public_key()?.public_eq(&key) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "the private key does not belong to the certificate",
            ));
        }
        self.entries.push((cert, key));
        Ok(())
    }

    /// The first certificate (the one a service hands out as its key exchange token).
    pub fn first_certificate(&self) -> Option<&X509Ref> {
        self.entries.first().map(|(c, _)| c.as_ref())
    }

    /// How many certificates the resolver holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The certificate and key `reference` names, if held.
    pub fn find(&self, reference: &X509Reference) -> Option<(&X509Ref, &PKeyRef<Private>)> {
        self.entries
            .iter()
            .find(|(c, _)| reference.matches(c))
            .map(|(c, k)| (c.as_ref(), k.as_ref()))
    }

    /// The private key for `ek`: the one its reference names, or the only one held when
    /// it names none. InvalidSecurityToken when no held certificate fits.
    pub fn key_for(&self, ek: &EncryptedKey) -> Result<&PKeyRef<Private>> {
        match &ek.recipient {
            Some(r) => self.find(r).map(|(_, k)| k).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidSecurityToken,
                    format!("the key was encrypted for a {r} we hold no private key for"),
                )
            }),
            None => match self.entries.as_slice() {
                [(_, k)] => Ok(k),
                _ => Err(Error::new(
                    ErrorKind::InvalidSecurityToken,
                    format!(
                        "the EncryptedKey names no recipient and {} private keys are held",
                        self.entries.len()
                    ),
                )),
            },
        }
    }

    /// Find the key and decrypt ([`EncryptedKey::decrypt`]).
    pub fn decrypt(&self, ek: &EncryptedKey) -> Result<Secret> {
        ek.decrypt(self.key_for(ek)?)
    }

    /// Find the key and decrypt a key of `len` bytes ([`EncryptedKey::decrypt_expecting`]).
    pub fn decrypt_expecting(&self, ek: &EncryptedKey, len: usize) -> Result<Secret> {
        ek.decrypt_expecting(self.key_for(ek)?, len)
    }

    /// Parse an `xenc:EncryptedKey` element and decrypt it: the shape of an unwrap callback
    /// for an encrypted proof token or entropy in an RSTR.
    pub fn decrypt_element(&self, el: &Element) -> Result<Secret> {
        self.decrypt(&EncryptedKey::from_element(el)?)
    }
}

impl fmt::Debug for KeyResolver {
    /// Names the certificates by thumbprint; never prints key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .entries
            .iter()
            .map(|(c, _)| {
                X509Reference::thumbprint(c)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|_| "?".into())
            })
            .collect();
        f.debug_struct("KeyResolver")
            .field("certificates", &names)
            .finish()
    }
}
