//! `xenc:EncryptedKey` with RSA key transport: how a proof key or entropy travels to a
//! party with a certificate (WS-Trust 6.2.5 and Appendix I.2-I.5), and how an ephemeral
//! message key travels with the data it encrypts (Appendix I.1).
//!
//! - [`EncryptedKey`]: the element, its RSA-OAEP (SHA-1, MGF1-SHA1) or RSA-1.5 cipher, the
//!   recipient reference and the optional ReferenceList. [`EncryptedKey::encrypt_key`] and
//!   [`EncryptedKey::decrypt`] / [`EncryptedKey::decrypt_expecting`] do the cryptography;
//!   `to_element` / `from_element` the XML, written the way WCF writes it.
//! - [`X509Reference`]: thumbprint, issuer and serial, SKI or embedded certificate, built
//!   from a certificate and matched against one.
//! - [`KeyResolver`]: the receiver's certificates and private keys; finds the one an
//!   EncryptedKey names and decrypts with it.
//! - [`EphemeralKey`], [`decrypt_data`]: an xenc:EncryptedData whose key travels inline as
//!   an EncryptedKey — the self-contained form xmlsec1 and other XML Encryption tools use.

mod data;
mod der;
mod dn;
mod element;
mod reference;
mod resolver;
mod rsa;

pub use data::{decrypt_data, decrypt_data_with_key, EphemeralKey};
pub use reference::{
    computed_ski, ReferenceKind, X509Reference, THUMBPRINT_SHA1, X509_SKI, X509_V3,
};
pub use resolver::KeyResolver;

use crate::crypto::Secret;
use crate::error::{Error, ErrorKind, Result};
use openssl::hash::MessageDigest;
use openssl::pkey::{HasPublic, PKeyRef, Private};
use openssl::x509::X509Ref;

/// ValueType of a wsse:KeyIdentifier naming an EncryptedKey by the SHA-1 of its cipher
/// value (WSS 1.1 EncryptedKeySHA1, how WCF and WSS4J refer back to a transported key).
pub const ENCRYPTED_KEY_SHA1: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKeySHA1";
/// ValueType of a wsse:Reference to an EncryptedKey token (WSS 1.1).
pub const ENCRYPTED_KEY_TOKEN: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey";

/// Key transport algorithm of an EncryptedKey's xenc:EncryptionMethod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyTransportAlgorithm {
    /// RSA-OAEP with SHA-1 and MGF1 with SHA-1 (`xmlenc#rsa-oaep-mgf1p`): the default of
    /// every WS-SecurityPolicy suite of WCF and WSS4J.
    RsaOaepMgf1p,
    /// RSAES-PKCS1-v1_5 (`xmlenc#rsa-1_5`): legacy (the `...Rsa15` suites); decrypt with
    /// [`EncryptedKey::decrypt_expecting`].
    Rsa15,
}

impl KeyTransportAlgorithm {
    /// The algorithm URI.
    pub const fn uri(self) -> &'static str {
        match self {
            KeyTransportAlgorithm::RsaOaepMgf1p => {
                "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
            }
            KeyTransportAlgorithm::Rsa15 => "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
        }
    }

    /// Parse a URI (Crypto error for an algorithm wssx does not implement).
    pub fn from_uri(uri: &str) -> Result<Self> {
        [
            KeyTransportAlgorithm::RsaOaepMgf1p,
            KeyTransportAlgorithm::Rsa15,
        ]
        .into_iter()
        .find(|a| a.uri() == uri)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Crypto,
                format!("unsupported key transport algorithm {uri}"),
            )
        })
    }
}

/// An `xenc:EncryptedKey` transporting a symmetric key to the holder of an RSA key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedKey {
    /// The `Id` attribute (WS-Trust names proof keys this way: `Id="newProof"`).
    pub id: Option<String>,
    /// Key transport algorithm.
    pub algorithm: KeyTransportAlgorithm,
    /// xenc:OAEPparams: the OAEP label (RSA-OAEP only; almost always absent).
    pub oaep_params: Option<Vec<u8>>,
    /// Whose key encrypted it, from ds:KeyInfo. XML Encryption lets KeyInfo be omitted
    /// when the recipient knows which key to use; then this is None.
    pub recipient: Option<X509Reference>,
    /// The RSA cipher text (xenc:CipherData/xenc:CipherValue).
    pub cipher: Vec<u8>,
    /// URIs of the xenc:DataReference entries of the ReferenceList: what this key encrypts.
    pub reference_list: Vec<String>,
    /// xenc:CarriedKeyName.
    pub carried_key_name: Option<String>,
    /// The `Recipient` attribute (a hint naming the intended party).
    pub recipient_name: Option<String>,
}

impl EncryptedKey {
    /// Encrypt `key` to `cert`'s RSA public key, naming the certificate by `reference`.
    pub fn encrypt_key(
        key: &Secret,
        cert: &X509Ref,
        algorithm: KeyTransportAlgorithm,
        reference: ReferenceKind,
    ) -> Result<Self> {
        let recipient = X509Reference::new(reference, cert)?;
        let public_key = cert.public_key()?;
        Self::encrypt_to(key, &public_key, algorithm, Some(recipient))
    }

    /// Encrypt `key` to a bare RSA public key, with the reference (if any) the caller chose.
    pub fn encrypt_to<T: HasPublic>(
        key: &Secret,
        public_key: &PKeyRef<T>,
        algorithm: KeyTransportAlgorithm,
        recipient: Option<X509Reference>,
    ) -> Result<Self> {
        Self::encrypt_with(key, public_key, algorithm, None, recipient)
    }

    /// RSA-OAEP with an OAEP label, written as xenc:OAEPparams (rarely used; xmlsec1 and
    /// WSS4J read it).
    pub fn encrypt_with_oaep_params<T: HasPublic>(
        key: &Secret,
        public_key: &PKeyRef<T>,
        oaep_params: &[u8],
        recipient: Option<X509Reference>,
    ) -> Result<Self> {
        let alg = KeyTransportAlgorithm::RsaOaepMgf1p;
        Self::encrypt_with(key, public_key, alg, Some(oaep_params.to_vec()), recipient)
    }

    fn encrypt_with<T: HasPublic>(
        key: &Secret,
        public_key: &PKeyRef<T>,
        algorithm: KeyTransportAlgorithm,
        oaep_params: Option<Vec<u8>>,
        recipient: Option<X509Reference>,
    ) -> Result<Self> {
        let cipher = rsa::encrypt(public_key, algorithm, oaep_params.as_deref(), key.expose())?;
        Ok(EncryptedKey {
            id: None,
            algorithm,
            oaep_params,
            recipient,
            cipher,
            reference_list: Vec::new(),
            carried_key_name: None,
            recipient_name: None,
        })
    }

    /// Decrypt with `private_key`. Any failure is one FailedAuthentication error.
    ///
    /// For RSA-1.5 that error is a padding oracle if an attacker can observe it; when the
    /// key length is known (it always is when the key feeds a known algorithm), use
    /// [`EncryptedKey::decrypt_expecting`] instead. (OpenSSL 3.2 and later apply implicit
    /// rejection themselves: a bad RSA-1.5 padding then decrypts to a pseudo-random
    /// message rather than failing.)
    pub fn decrypt(&self, private_key: &PKeyRef<Private>) -> Result<Secret> {
        rsa::decrypt(private_key, self.algorithm, self.label(), &self.cipher)
    }

    /// Decrypt a key that must be `len` bytes long. With RSA-1.5, a bad padding or a key
    /// of another length yields a *random* key of `len` bytes instead of an error, so the
    /// receiver is no Bleichenbacher oracle (the forgery then fails where a wrong key
    /// would). With RSA-OAEP, both are errors.
    pub fn decrypt_expecting(&self, private_key: &PKeyRef<Private>, len: usize) -> Result<Secret> {
        rsa::decrypt_expecting(private_key, self.algorithm, self.label(), &self.cipher, len)
    }

    /// The EncryptedKeySHA1 identifier of this key: SHA-1 of the cipher text (WSS 1.1).
    pub fn encrypted_key_sha1(&self) -> Result<Vec<u8>> {
        Ok(openssl::hash::hash(MessageDigest::sha1(), &self.cipher)?.to_vec())
    }

    fn label(&self) -> Option<&[u8]> {
        self.oaep_params.as_deref()
    }
}
