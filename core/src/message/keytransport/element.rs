//! The XML of an [`EncryptedKey`]: written as WCF writes it, read from WCF, WSS4J and
//! xmlsec1, with typed errors naming the path of the fault.

use super::{EncryptedKey, KeyTransportAlgorithm, X509Reference};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::xml::{self, Element};

const SHA1_URI: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
const MGF1_SHA1: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
/// Largest RSA cipher text accepted: a 16384-bit modulus.
const MAX_CIPHER_BYTES: usize = 2048;

impl EncryptedKey {
    /// Build the `xenc:EncryptedKey` element: EncryptionMethod (with ds:DigestMethod SHA-1
    /// for OAEP, as WCF writes it), ds:KeyInfo/wsse:SecurityTokenReference, CipherData,
    /// then ReferenceList and CarriedKeyName when present (xenc schema order).
    pub fn to_element(&self) -> Element {
        let mut ek = Element::new_static(ns::XENC, "xenc", "EncryptedKey");
        if let Some(id) = &self.id {
            ek.set_attr_static("Id", id.clone());
        }
        if let Some(r) = &self.recipient_name {
            ek.set_attr_static("Recipient", r.clone());
        }
        ek.push(self.method_element());
        if let Some(r) = &self.recipient {
            ek.push(
                Element::new_static(ns::DS, "ds", "KeyInfo")
                    .with_child(r.to_security_token_reference().to_element()),
            );
        }
        let cv = Element::child_of_static(ns::XENC, "xenc", "CipherValue")
            .with_text(xml::encode_base64(&self.cipher));
        ek.push(Element::child_of_static(ns::XENC, "xenc", "CipherData").with_child(cv));
        if !self.reference_list.is_empty() {
            let mut list = Element::child_of_static(ns::XENC, "xenc", "ReferenceList");
            for uri in &self.reference_list {
                let mut r = Element::child_of_static(ns::XENC, "xenc", "DataReference");
                r.set_attr_static("URI", uri.clone());
                list.push(r);
            }
            ek.push(list);
        }
        if let Some(n) = &self.carried_key_name {
            ek.push(
                Element::child_of_static(ns::XENC, "xenc", "CarriedKeyName").with_text(n.clone()),
            );
        }
        ek
    }

    /// Serialize to XML.
    pub fn to_xml(&self) -> String {
        xml::element_to_string(&self.to_element())
    }

    /// Parse from XML bytes whose document element is the EncryptedKey.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        Self::from_element(&xml::parse(bytes)?.root)
    }

    /// Read an `xenc:EncryptedKey`. Structural faults are InvalidSecurityToken, an
    /// algorithm wssx does not implement is Crypto, an oversized cipher LimitExceeded;
    /// each error's path names the element at fault.
    pub fn from_element(el: &Element) -> Result<Self> {
        if !el.is(ns::XENC, "EncryptedKey") {
            return Err(invalid(&el.qname(), "expected xenc:EncryptedKey"));
        }
        read(el).map_err(|e| e.within(&el.qname()))
    }

    fn method_element(&self) -> Element {
        let mut m = Element::child_of_static(ns::XENC, "xenc", "EncryptionMethod");
        m.set_attr_static("Algorithm", self.algorithm.uri());
        if self.algorithm == KeyTransportAlgorithm::RsaOaepMgf1p {
            let mut d = Element::new_static(ns::DS, "ds", "DigestMethod");
            d.set_attr_static("Algorithm", SHA1_URI);
            m.push(d);
            if let Some(p) = &self.oaep_params {
                m.push(
                    Element::child_of_static(ns::XENC, "xenc", "OAEPparams")
                        .with_text(xml::encode_base64(p)),
                );
            }
        }
        m
    }
}

fn invalid(path: &str, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::InvalidSecurityToken, path, msg)
}

/// The only child `{ns}local` of `el`, if any; twice is an error.
fn single<'a>(el: &'a Element, ns: &str, local: &str) -> Result<Option<&'a Element>> {
    let mut it = el.elements().filter(|c| c.is(ns, local));
    let first = it.next();
    match (first, it.next()) {
        (Some(_), Some(again)) => Err(invalid(&again.qname(), "appears more than once")),
        _ => Ok(first),
    }
}

fn required<'a>(el: &'a Element, ns: &str, prefix: &str, local: &str) -> Result<&'a Element> {
    single(el, ns, local)?.ok_or_else(|| invalid(&format!("{prefix}:{local}"), "is missing"))
}

fn read(el: &Element) -> Result<EncryptedKey> {
    let method = required(el, ns::XENC, "xenc", "EncryptionMethod")?;
    let (algorithm, oaep_params) = read_method(method).map_err(|e| e.within(&method.qname()))?;
    let recipient = match single(el, ns::DS, "KeyInfo")? {
        Some(ki) => Some(X509Reference::from_key_info(ki)?),
        None => None,
    };
    let cd = required(el, ns::XENC, "xenc", "CipherData")?;
    let cipher = read_cipher_data(cd).map_err(|e| e.within(&cd.qname()))?;
    let reference_list = match single(el, ns::XENC, "ReferenceList")? {
        Some(list) => read_reference_list(list).map_err(|e| e.within(&list.qname()))?,
        None => Vec::new(),
    };
    Ok(EncryptedKey {
        id: el
            .attr(None, "Id")
            .or_else(|| el.attr(Some(ns::WSU), "Id"))
            .map(str::to_string),
        algorithm,
        oaep_params,
        recipient,
        cipher,
        reference_list,
        carried_key_name: single(el, ns::XENC, "CarriedKeyName")?
            .map(|c| c.text_ref().trim().to_string()),
        recipient_name: el.attr(None, "Recipient").map(str::to_string),
    })
}

/// Algorithm, and the OAEP label. An OAEP DigestMethod or MGF other than SHA-1 is refused
/// (Crypto), not ignored: decrypting with the wrong one would only fail later, obscurely.
fn read_method(m: &Element) -> Result<(KeyTransportAlgorithm, Option<Vec<u8>>)> {
    let uri = m
        .attr(None, "Algorithm")
        .ok_or_else(|| invalid("@Algorithm", "is missing"))?;
    let alg = KeyTransportAlgorithm::from_uri(uri.trim())?;
    let mut params = None;
    if alg != KeyTransportAlgorithm::RsaOaepMgf1p {
        return Ok((alg, params));
    }
    for c in m.elements() {
        if c.is(ns::DS, "DigestMethod") {
            expect_algorithm(c, SHA1_URI, "OAEP digest")?;
        } else if c.is(ns::XENC11, "MGF") {
            expect_algorithm(c, MGF1_SHA1, "OAEP mask generation function")?;
        } else if c.is(ns::XENC, "OAEPparams") {
            if params.is_some() {
                return Err(invalid(&c.qname(), "appears more than once"));
            }
            params = Some(xml::decode_base64(&c.text_ref()).map_err(|e| invalid(&c.qname(), e))?);
        }
    }
    Ok((alg, params))
}

fn expect_algorithm(c: &Element, want: &str, what: &str) -> Result<()> {
    match c.attr(None, "Algorithm").map(str::trim) {
        Some(a) if a == want => Ok(()),
        Some(a) => Err(Error::at(
            ErrorKind::Crypto,
            c.qname(),
            format!("unsupported {what} {a} (only {want})"),
        )),
        None => Err(invalid(&format!("{}/@Algorithm", c.qname()), "is missing")),
    }
}

fn read_cipher_data(cd: &Element) -> Result<Vec<u8>> {
    if let Some(r) = single(cd, ns::XENC, "CipherReference")? {
        return Err(invalid(
            &r.qname(),
            "CipherReference is not supported for keys; use CipherValue",
        ));
    }
    let cv = required(cd, ns::XENC, "xenc", "CipherValue")?;
    let text = cv.text();
    // Base64 of MAX_CIPHER_BYTES plus generous line breaks: refuse before decoding.
    if text.len() > MAX_CIPHER_BYTES * 2 {
        return Err(Error::at(
            ErrorKind::LimitExceeded,
            cv.qname(),
            "cipher text longer than any RSA key's",
        ));
    }
    let cipher = xml::decode_base64(&text).map_err(|e| invalid(&cv.qname(), e))?;
    if cipher.is_empty() {
        return Err(invalid(&cv.qname(), "is empty"));
    }
    if cipher.len() > MAX_CIPHER_BYTES {
        return Err(Error::at(
            ErrorKind::LimitExceeded,
            cv.qname(),
            "cipher text longer than any RSA key's",
        ));
    }
    Ok(cipher)
}

fn read_reference_list(list: &Element) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for r in list.elements() {
        if r.is(ns::XENC, "DataReference") {
            let uri = r
                .attr(None, "URI")
                .ok_or_else(|| invalid(&format!("{}/@URI", r.qname()), "is missing"))?;
            out.push(uri.to_string());
        } else {
            return Err(invalid(
                &r.qname(),
                "only xenc:DataReference entries are supported",
            ));
        }
    }
    Ok(out)
}
