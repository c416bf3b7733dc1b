//! xenc:EncryptedData carrying its own key (WS-Trust Appendix I.1, "ephemeral encryption
//! keys"): a fresh symmetric key encrypts the data and travels, RSA-encrypted, as an
//! xenc:EncryptedKey inside the EncryptedData's ds:KeyInfo. This is XML Encryption's
//! self-contained form, the one xmlsec1 and most toolkits produce and consume.

use super::{EncryptedKey, KeyResolver, KeyTransportAlgorithm, ReferenceKind};
use crate::crypto::Secret;
use crate::error::{Error, ErrorKind, Result};
use crate::message::algorithms::{EncryptionAlgorithm, XENC_ELEMENT};
use crate::message::cipher;
use crate::ns;
use crate::xml::{self, Element};
use openssl::x509::X509Ref;

/// A fresh data key and the EncryptedKey that carries it to one recipient.
#[derive(Debug, Clone)]
pub struct EphemeralKey {
    key: Secret,
    algorithm: EncryptionAlgorithm,
    encrypted_key: EncryptedKey,
}

impl EphemeralKey {
    /// A random key for `algorithm`, encrypted to `cert` with `transport`, naming the
    /// certificate by `reference`.
    pub fn generate(
        algorithm: EncryptionAlgorithm,
        cert: &X509Ref,
        transport: KeyTransportAlgorithm,
        reference: ReferenceKind,
    ) -> Result<Self> {
        let key = Secret::random(algorithm.key_len())?;
        let encrypted_key = EncryptedKey::encrypt_key(&key, cert, transport, reference)?;
        Ok(EphemeralKey {
            key,
            algorithm,
            encrypted_key,
        })
    }

    /// The data key.
    pub fn key(&self) -> &Secret {
        &self.key
    }

    /// The data encryption algorithm.
    pub fn algorithm(&self) -> EncryptionAlgorithm {
        self.algorithm
    }

    /// The EncryptedKey carrying the data key.
    pub fn encrypted_key(&self) -> &EncryptedKey {
        &self.encrypted_key
    }

    /// The EncryptedKey, to set its Id, ReferenceList or CarriedKeyName.
    pub fn encrypted_key_mut(&mut self) -> &mut EncryptedKey {
        &mut self.encrypted_key
    }

    /// An `xenc:EncryptedData` of `plain` with the optional `Type` URI, the EncryptedKey
    /// inline in its ds:KeyInfo.
    pub fn encrypt(&self, plain: &[u8], type_uri: Option<&str>) -> Result<Element> {
        let ct = cipher::encrypt(self.algorithm, self.key.expose(), plain)?;
        let mut ed = Element::new_static(ns::XENC, "xenc", "EncryptedData");
        if let Some(t) = type_uri {
            ed.set_attr_static("Type", t);
        }
        let mut m = Element::child_of_static(ns::XENC, "xenc", "EncryptionMethod");
        m.set_attr_static("Algorithm", self.algorithm.uri());
        ed.push(m);
        ed.push(
            Element::new_static(ns::DS, "ds", "KeyInfo")
                .with_child(self.encrypted_key.to_element()),
        );
        let cv = Element::child_of_static(ns::XENC, "xenc", "CipherValue")
            .with_text(xml::encode_base64(&ct));
        ed.push(Element::child_of_static(ns::XENC, "xenc", "CipherData").with_child(cv));
        Ok(ed)
    }

    /// Encrypt a whole element (Type `xmlenc#Element`); the EncryptedData replaces it.
    pub fn encrypt_element(&self, el: &Element) -> Result<Element> {
        self.encrypt(xml::element_to_string(el).as_bytes(), Some(XENC_ELEMENT))
    }
}

/// Decrypt an `xenc:EncryptedData` whose ds:KeyInfo holds an inline xenc:EncryptedKey,
/// with the private key `resolver` finds for it. The data key is decrypted expecting the
/// data algorithm's key length, so an RSA-1.5 padding failure surfaces exactly like a
/// wrong key (see [`EncryptedKey::decrypt_expecting`]).
pub fn decrypt_data(encrypted_data: &Element, resolver: &KeyResolver) -> Result<Vec<u8>> {
    let (alg, _) = read_encrypted_data(encrypted_data)?;
    let ek = inline_key(encrypted_data)?;
    let key = resolver.decrypt_expecting(&ek, alg.key_len())?;
    decrypt_data_with_key(encrypted_data, &key)
}

/// Decrypt an `xenc:EncryptedData` with a data key the caller already holds (for example
/// one found through a ReferenceList of an EncryptedKey in a wsse:Security header).
pub fn decrypt_data_with_key(encrypted_data: &Element, key: &Secret) -> Result<Vec<u8>> {
    let (alg, ct) = read_encrypted_data(encrypted_data)?;
    cipher::decrypt(alg, key.expose(), &ct).map_err(|e| e.within(&encrypted_data.qname()))
}

fn invalid(path: &str, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::InvalidSecurityToken, path, msg)
}

/// The data algorithm and cipher text of an EncryptedData.
fn read_encrypted_data(ed: &Element) -> Result<(EncryptionAlgorithm, Vec<u8>)> {
    let path = ed.qname();
    if !ed.is(ns::XENC, "EncryptedData") {
        return Err(invalid(&path, "expected xenc:EncryptedData"));
    }
    let m = ed
        .find(ns::XENC, "EncryptionMethod")
        .ok_or_else(|| invalid(&format!("{path}/xenc:EncryptionMethod"), "is missing"))?;
    let uri = m
        .attr(None, "Algorithm")
        .ok_or_else(|| invalid(&format!("{path}/{}/@Algorithm", m.qname()), "is missing"))?;
    let alg = EncryptionAlgorithm::from_uri(uri.trim())
        .map_err(|e| e.within(&format!("{path}/{}", m.qname())))?;
    let cv = ed
        .find(ns::XENC, "CipherData")
        .and_then(|c| c.find(ns::XENC, "CipherValue"))
        .ok_or_else(|| {
            invalid(
                &format!("{path}/xenc:CipherData/xenc:CipherValue"),
                "is missing",
            )
        })?;
    let ct = xml::decode_base64(&cv.text_ref())
        .map_err(|e| invalid(&format!("{path}/xenc:CipherData/{}", cv.qname()), e))?;
    Ok((alg, ct))
}

fn inline_key(ed: &Element) -> Result<EncryptedKey> {
    let path = ed.qname();
    let ek = ed
        .find(ns::DS, "KeyInfo")
        .and_then(|ki| ki.find(ns::XENC, "EncryptedKey"))
        .ok_or_else(|| {
            invalid(
                &format!("{path}/ds:KeyInfo"),
                "holds no xenc:EncryptedKey; resolve the key and use decrypt_data_with_key",
            )
        })?;
    EncryptedKey::from_element(ek).map_err(|e| e.within(&format!("{path}/ds:KeyInfo")))
}
