//! Key material in trust messages: wst:BinarySecret, wst:Entropy and
//! wst:RequestedProofToken.
//!
//! Secret bytes are held as [`Secret`] (zeroized on drop, never printed). Encrypted key
//! material (xenc:EncryptedKey / xenc:EncryptedData) is kept as XML for the security
//! layer to decrypt; this layer does not hold keys to do it.

use super::field::Field;
use super::uris::{BinarySecretType, ComputedKeyAlgorithm};
use crate::crypto::Secret;
use crate::error::Result;
use crate::ns;
use crate::soap::read::{invalid, other_attrs, single_child, uri_ref};
use crate::token::SecurityTokenReference;
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef};

/// wst:BinarySecret: key bytes in the clear (only under transport or message encryption).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinarySecret {
    /// @Type as written; absent means SymmetricKey (see [`BinarySecret::kind`]).
    pub secret_type: Option<BinarySecretType>,
    /// The decoded bytes.
    pub secret: Secret,
    /// Other attributes, kept.
    pub other_attributes: Vec<Attribute>,
}

impl BinarySecret {
    /// A secret of `kind` (written with an explicit @Type).
    pub fn new(kind: BinarySecretType, secret: Secret) -> Self {
        BinarySecret {
            secret_type: Some(kind),
            secret,
            other_attributes: Vec::new(),
        }
    }

    /// The type, with the spec's default (SymmetricKey) for an absent attribute.
    pub fn kind(&self) -> BinarySecretType {
        self.secret_type
            .clone()
            .unwrap_or(BinarySecretType::DEFAULT)
    }

    /// Read a wst:BinarySecret element (any trust namespace; the caller checked it).
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`BinarySecret::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        if el.has_element_children() {
            return Err(invalid(el, "expected base64 text, found child elements"));
        }
        let bytes = xml::decode_base64(&el.text()).map_err(|m| invalid(el, m))?;
        Ok(BinarySecret {
            secret_type: el
                .attr(None, "Type")
                .map(|t| BinarySecretType::parse_uri(t.trim())),
            secret: Secret::new(bytes),
            other_attributes: other_attrs(el, &[(None, "Type")]),
        })
    }

    /// Build the element in `version`.
    pub fn to_element(&self, version: TrustVersion) -> Element {
        build::tree(|b| self.write(b, version))
    }

    /// Write the element in `version` into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        b.open(version.core_namespace(), "wst", "BinarySecret");
        if let Some(t) = &self.secret_type {
            b.attr("Type", t.uri(version));
        }
        b.attrs(&self.other_attributes);
        build::with_base64(self.secret.expose(), |t| b.text(t));
        b.close();
    }
}

fn is_binary_secret<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> bool {
    el.is(version.core_namespace(), "BinarySecret")
}

/// Key material in wst:Entropy (section 6.1): a binary secret, or encrypted material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// wst:BinarySecret.
    BinarySecret(BinarySecret),
    /// xenc:EncryptedKey, kept as XML.
    EncryptedKey(Element),
    /// xenc:EncryptedData, kept as XML.
    EncryptedData(Element),
    /// Anything else (the spec only says SHOULD for the two forms above), kept as XML.
    Other(Element),
}

impl KeyMaterial {
    fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        Ok(if is_binary_secret(el, version) {
            KeyMaterial::BinarySecret(BinarySecret::read(el)?)
        } else if el.is(ns::XENC, "EncryptedKey") {
            KeyMaterial::EncryptedKey(el.to_element())
        } else if el.is(ns::XENC, "EncryptedData") {
            KeyMaterial::EncryptedData(el.to_element())
        } else {
            KeyMaterial::Other(el.to_element())
        })
    }

    fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        match self {
            KeyMaterial::BinarySecret(s) => s.write(b, version),
            KeyMaterial::EncryptedKey(e)
            | KeyMaterial::EncryptedData(e)
            | KeyMaterial::Other(e) => b.element(e),
        }
    }

    /// The clear secret, when the material is a BinarySecret.
    pub fn binary_secret(&self) -> Option<&BinarySecret> {
        match self {
            KeyMaterial::BinarySecret(b) => Some(b),
            _ => None,
        }
    }
}

/// wst:Entropy: one side's contribution to a computed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entropy {
    /// The material.
    pub material: KeyMaterial,
    /// Attributes on wst:Entropy, kept.
    pub other_attributes: Vec<Attribute>,
}

impl Entropy {
    /// Entropy as a clear nonce-typed binary secret (what WCF sends under TLS).
    pub fn nonce(secret: Secret) -> Self {
        Entropy {
            material: KeyMaterial::BinarySecret(BinarySecret::new(BinarySecretType::Nonce, secret)),
            other_attributes: Vec::new(),
        }
    }

    /// Read a wst:Entropy element.
    pub fn from_element(el: &Element, version: TrustVersion) -> Result<Self> {
        Self::read(el, version)
    }

    /// [`Entropy::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        let c = single_child(el)?;
        let material = KeyMaterial::read(c, version).map_err(|e| e.within(&el.qname()))?;
        Ok(Entropy {
            material,
            other_attributes: other_attrs(el, &[]),
        })
    }

    /// Build the element in `version`.
    pub fn to_element(&self, version: TrustVersion) -> Element {
        build::tree(|b| self.write(b, version))
    }

    /// Write the element in `version` into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        Field::Entropy.open(b, version);
        b.attrs(&self.other_attributes);
        self.material.write(b, version);
        b.close();
    }
}

/// The content of a wst:RequestedProofToken (sections 6.2, 6.2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofToken {
    /// The key in the clear.
    BinarySecret(BinarySecret),
    /// wst:ComputedKey: compute the key from both entropies with this algorithm.
    ComputedKey(ComputedKeyAlgorithm),
    /// xenc:EncryptedKey for the requestor, kept as XML.
    EncryptedKey(Element),
    /// A reference to a proof token elsewhere in the message.
    Reference(SecurityTokenReference),
    /// Any other token, kept as XML.
    Other(Element),
}

/// wst:RequestedProofToken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedProofToken {
    /// What it holds.
    pub token: ProofToken,
    /// Attributes on the wrapper, kept.
    pub other_attributes: Vec<Attribute>,
}

impl RequestedProofToken {
    /// A proof token holding `token`.
    pub fn new(token: ProofToken) -> Self {
        RequestedProofToken {
            token,
            other_attributes: Vec::new(),
        }
    }

    /// Read a wst:RequestedProofToken element.
    pub fn from_element(el: &Element, version: TrustVersion) -> Result<Self> {
        Self::read(el, version)
    }

    /// [`RequestedProofToken::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        let path = el.lazy_qname();
        let c = single_child(el)?;
        let w = |e: crate::Error| e.within(&path);
        let token = if is_binary_secret(c, version) {
            ProofToken::BinarySecret(BinarySecret::read(c).map_err(w)?)
        } else if c.is(version.core_namespace(), "ComputedKey") {
            ProofToken::ComputedKey(ComputedKeyAlgorithm::parse_uri(&uri_ref(c).map_err(w)?))
        } else if c.is(ns::XENC, "EncryptedKey") {
            ProofToken::EncryptedKey(c.to_element())
        } else if c.is(ns::WSSE, "SecurityTokenReference") {
            ProofToken::Reference(SecurityTokenReference::read(c).map_err(w)?)
        } else {
            ProofToken::Other(c.to_element())
        };
        Ok(RequestedProofToken {
            token,
            other_attributes: other_attrs(el, &[]),
        })
    }

    /// Build the element in `version`.
    pub fn to_element(&self, version: TrustVersion) -> Element {
        build::tree(|b| self.write(b, version))
    }

    /// Write the element in `version` into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        Field::RequestedProofToken.open(b, version);
        b.attrs(&self.other_attributes);
        match &self.token {
            ProofToken::BinarySecret(s) => s.write(b, version),
            ProofToken::ComputedKey(a) => b.leaf(
                version.core_namespace(),
                "wst",
                "ComputedKey",
                a.uri(version),
            ),
            ProofToken::EncryptedKey(e) | ProofToken::Other(e) => b.element(e),
            ProofToken::Reference(s) => super::holder::write_str(s, b, version),
        }
        b.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::xml::parse;

    #[test]
    fn binary_secret_types_map_between_versions() {
        let x = format!(
            r#"<t:BinarySecret xmlns:t="{}" Type="http://schemas.xmlsoap.org/ws/2005/02/trust/Nonce">AAEC Aw==</t:BinarySecret>"#,
            TrustVersion::Feb2005.namespace()
        );
        let b = BinarySecret::from_element(&parse(x.as_bytes()).unwrap().root).unwrap();
        assert_eq!(b.kind(), BinarySecretType::Nonce);
        assert_eq!(b.secret.expose(), &[0, 1, 2, 3]);
        let out = xml::element_to_string(&b.to_element(TrustVersion::V1_3));
        assert!(
            out.contains(
                r#"Type="http://docs.oasis-open.org/ws-sx/ws-trust/200512/Nonce">AAECAw=="#
            ),
            "{out}"
        );
        let bad = format!(
            r#"<t:BinarySecret xmlns:t="{}">not*base64</t:BinarySecret>"#,
            TrustVersion::V1_3.namespace()
        );
        let e = BinarySecret::from_element(&parse(bad.as_bytes()).unwrap().root).unwrap_err();
        assert_eq!(
            (e.kind(), e.path()),
            (ErrorKind::InvalidRequest, "t:BinarySecret")
        );
        assert!(!format!("{b:?}").contains("AAEC"));
    }

    #[test]
    fn proof_token_forms() {
        let v = TrustVersion::V1_3;
        for (inner, check) in [
            (
                format!(r#"<t:ComputedKey>{}</t:ComputedKey>"#, v.ck_psha1()),
                0,
            ),
            (
                format!(r#"<xenc:EncryptedKey xmlns:xenc="{}" Id="k"/>"#, ns::XENC),
                1,
            ),
            (
                format!(
                    r##"<wsse:SecurityTokenReference xmlns:wsse="{}"><wsse:Reference URI="#x"/></wsse:SecurityTokenReference>"##,
                    ns::WSSE
                ),
                2,
            ),
        ] {
            let x = format!(
                r#"<t:RequestedProofToken xmlns:t="{}">{inner}</t:RequestedProofToken>"#,
                v.namespace()
            );
            let p =
                RequestedProofToken::from_element(&parse(x.as_bytes()).unwrap().root, v).unwrap();
            match (&p.token, check) {
                (ProofToken::ComputedKey(ComputedKeyAlgorithm::Psha1), 0)
                | (ProofToken::EncryptedKey(_), 1)
                | (ProofToken::Reference(_), 2) => {}
                other => panic!("{other:?}"),
            }
            let again = RequestedProofToken::from_element(&p.to_element(v), v).unwrap();
            assert_eq!(again.token, p.token);
        }
        let empty = format!(r#"<t:RequestedProofToken xmlns:t="{}"/>"#, v.namespace());
        let e = RequestedProofToken::from_element(&parse(empty.as_bytes()).unwrap().root, v)
            .unwrap_err();
        assert_eq!(e.path(), "t:RequestedProofToken");
    }
}
