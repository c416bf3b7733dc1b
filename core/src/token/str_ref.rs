//! wsse:SecurityTokenReference, with the WS-SC additions: the `wsc:Instance` attribute on
//! Reference and the implied-derived-key attributes `wsc:Nonce` / `wsc:Length` (WS-SC 7.3).

use super::{once, other_attrs};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::version::ScVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef};

/// wsse:Reference: by `#wsu:Id` or by URI (an SCT's Identifier, a DKT's Properties/Name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The URI attribute as written.
    pub uri: String,
    /// ValueType (e.g. the SCT token type URI).
    pub value_type: Option<String>,
    /// `wsc:Instance` attribute: which key instance of the context is meant.
    pub instance: Option<String>,
}

/// What a Reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceTarget<'a> {
    /// A token in the same message with this `wsu:Id` (the `#` removed).
    Local(&'a str),
    /// A token named by this URI (SCT Identifier, DKT Name).
    Uri(&'a str),
}

impl Reference {
    /// What the URI names.
    pub fn target(&self) -> ReferenceTarget<'_> {
        match self.uri.strip_prefix('#') {
            Some(id) => ReferenceTarget::Local(id),
            None => ReferenceTarget::Uri(&self.uri),
        }
    }
}

/// wsse:KeyIdentifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIdentifier {
    /// ValueType.
    pub value_type: Option<String>,
    /// EncodingType.
    pub encoding_type: Option<String>,
    /// The identifier text as written.
    pub value: String,
}

/// A security token reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecurityTokenReference {
    /// wsu:Id of the reference itself.
    pub id: Option<String>,
    /// wsse11:TokenType attribute.
    pub token_type: Option<String>,
    /// A direct reference.
    pub reference: Option<Reference>,
    /// A key identifier (refused as a derivation source, see [`super::DeriveOptions`]).
    pub key_identifier: Option<KeyIdentifier>,
    /// `wsc:Nonce` attribute: the reference means a key derived from the referenced token.
    pub nonce: Option<Vec<u8>>,
    /// `wsc:Length` attribute of an implied derived key.
    pub length: Option<u64>,
    /// Namespace version of the wsc attributes (Instance, Nonce, Length) when written.
    pub sc_version: Option<ScVersion>,
    /// Other attributes, kept for round trips.
    pub other_attributes: Vec<Attribute>,
    /// Other children (embedded tokens, ds:X509Data, ...), kept in order.
    pub extensions: Vec<Element>,
}

/// The attributes [`SecurityTokenReference::read`] types (the rest are kept as they are).
const KNOWN_ATTRS: [(Option<&str>, &str); 6] = [
    (Some(ns::WSU), "Id"),
    (Some(ns::WSSE11), "TokenType"),
    (Some(ScVersion::ALL[0].namespace()), "Nonce"),
    (Some(ScVersion::ALL[0].namespace()), "Length"),
    (Some(ScVersion::ALL[1].namespace()), "Nonce"),
    (Some(ScVersion::ALL[1].namespace()), "Length"),
];

// The list above names every SC version.
const _: () = assert!(ScVersion::ALL.len() == 2);

fn wsc_attr<'d, E: ElementRef<'d>>(el: E, local: &str) -> Option<(ScVersion, &'d str)> {
    ScVersion::ALL
        .into_iter()
        .find_map(|v| el.attr(Some(v.namespace()), local).map(|x| (v, x)))
}

impl SecurityTokenReference {
    /// A reference to a local token by its `wsu:Id`.
    pub fn to_id(id: &str, value_type: Option<&str>) -> Self {
        SecurityTokenReference {
            reference: Some(Reference {
                uri: format!("#{id}"),
                value_type: value_type.map(str::to_string),
                instance: None,
            }),
            ..Default::default()
        }
    }

    /// A reference by URI (an SCT Identifier), with the SCT ValueType of `version` and an
    /// optional Instance.
    pub fn to_identifier(version: ScVersion, identifier: &str, instance: Option<&str>) -> Self {
        SecurityTokenReference {
            reference: Some(Reference {
                uri: identifier.to_string(),
                value_type: Some(version.sct_token_type().to_string()),
                instance: instance.map(str::to_string),
            }),
            sc_version: Some(version),
            ..Default::default()
        }
    }

    /// A reference to `sct` the way WCF and WSS4J write one, with the SCT token type as
    /// ValueType: by `#wsu:Id` (the SCT must have one) or by its Identifier (with its
    /// Instance, if any, as `wsc:Instance`).
    pub fn to_sct(sct: &super::SecurityContextToken, by_identifier: bool) -> Result<Self> {
        if by_identifier {
            return Ok(Self::to_identifier(
                sct.version,
                &sct.identifier,
                sct.instance.as_deref(),
            ));
        }
        let id = sct.id.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                "the SecurityContextToken has no wsu:Id to reference",
            )
        })?;
        let mut s = Self::to_id(id, Some(sct.version.sct_token_type()));
        s.sc_version = Some(sct.version);
        Ok(s)
    }

    /// Parse from XML bytes.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        let doc = xml::parse(bytes)?;
        Self::from_element(&doc.root)
    }

    /// Read from an element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// Read from an element of the owned tree or of a parsed [`xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        if !el.is(ns::WSSE, "SecurityTokenReference") {
            return Err(Error::at(
                ErrorKind::InvalidSecurityToken,
                el.qname(),
                "expected wsse:SecurityTokenReference",
            ));
        }
        let path = el.lazy_qname();
        let mut s = SecurityTokenReference {
            id: el.attr(Some(ns::WSU), "Id").map(str::to_string),
            ..Default::default()
        };
        s.token_type = el.attr(Some(ns::WSSE11), "TokenType").map(str::to_string);
        if let Some((v, n)) = wsc_attr(el, "Nonce") {
            s.sc_version = Some(v);
            s.nonce = Some(xml::decode_base64(n).map_err(|m| {
                Error::at(
                    ErrorKind::InvalidSecurityToken,
                    format!("{path}/@wsc:Nonce"),
                    m,
                )
            })?);
        }
        if let Some((v, l)) = wsc_attr(el, "Length") {
            s.sc_version = Some(v);
            s.length = Some(l.trim().parse().map_err(|_| {
                Error::at(
                    ErrorKind::InvalidSecurityToken,
                    format!("{path}/@wsc:Length"),
                    format!("'{l}' is not an unsigned integer"),
                )
            })?);
        }
        s.other_attributes = other_attrs(el, &KNOWN_ATTRS);
        for c in el.elements() {
            if c.is(ns::WSSE, "Reference") {
                once(&s.reference, c).map_err(|e| e.within(&path))?;
                let uri = c.attr(None, "URI").ok_or_else(|| {
                    Error::at(
                        ErrorKind::InvalidSecurityToken,
                        format!("{path}/{}", c.qname()),
                        "URI attribute is missing",
                    )
                })?;
                let inst = wsc_attr(c, "Instance");
                if let Some((v, _)) = inst {
                    s.sc_version.get_or_insert(v);
                }
                s.reference = Some(Reference {
                    uri: uri.to_string(),
                    value_type: c.attr(None, "ValueType").map(str::to_string),
                    instance: inst.map(|(_, i)| i.to_string()),
                });
            } else if c.is(ns::WSSE, "KeyIdentifier") {
                once(&s.key_identifier, c).map_err(|e| e.within(&path))?;
                s.key_identifier = Some(KeyIdentifier {
                    value_type: c.attr(None, "ValueType").map(str::to_string),
                    encoding_type: c.attr(None, "EncodingType").map(str::to_string),
                    value: c.text().trim().to_string(),
                });
            } else {
                s.extensions.push(c.to_element());
            }
        }
        Ok(s)
    }

    /// Build the element (prefix `wsse`).
    pub fn to_element(&self) -> Element {
        build::tree(|b| self.write(b))
    }

    /// Serialize to XML.
    pub fn to_xml(&self) -> String {
        build::text(256, |b| self.write(b))
    }

    /// Write the element (prefix `wsse`) into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B) {
        b.open_declared(ns::WSSE, "wsse", "SecurityTokenReference");
        let scns = self.sc_version.unwrap_or(ScVersion::V1_3).namespace();
        if let Some(id) = &self.id {
            b.attr_ns(ns::WSU, "wsu", "Id", id);
        }
        if let Some(t) = &self.token_type {
            b.attr_ns(ns::WSSE11, "wsse11", "TokenType", t);
        }
        if let Some(n) = &self.nonce {
            build::with_base64(n, |t| b.attr_ns(scns, "wsc", "Nonce", t));
        }
        if let Some(l) = self.length {
            build::with_decimal(l, |t| b.attr_ns(scns, "wsc", "Length", t));
        }
        b.attrs(&self.other_attributes);
        if let Some(r) = &self.reference {
            b.open(ns::WSSE, "wsse", "Reference");
            b.attr("URI", &r.uri);
            if let Some(vt) = &r.value_type {
                b.attr("ValueType", vt);
            }
            if let Some(i) = &r.instance {
                b.attr_ns(scns, "wsc", "Instance", i);
            }
            b.close();
        }
        if let Some(k) = &self.key_identifier {
            b.open(ns::WSSE, "wsse", "KeyIdentifier");
            if let Some(vt) = &k.value_type {
                b.attr("ValueType", vt);
            }
            if let Some(et) = &k.encoding_type {
                b.attr("EncodingType", et);
            }
            b.text(&k.value);
            b.close();
        }
        for x in &self.extensions {
            b.element(x);
        }
        b.close();
    }

    /// WS-SC 7.3: when this reference carries `wsc:Nonce`, the key it names is derived from
    /// the referenced token's secret. Returns the equivalent explicit DerivedKeyToken.
    pub fn implied_derived_key(&self) -> Option<super::DerivedKeyToken> {
        let nonce = self.nonce.clone()?;
        let version = self.sc_version.unwrap_or(ScVersion::V1_3);
        let mut base = self.clone();
        base.nonce = None;
        base.length = None;
        base.id = None;
        let mut dkt = super::DerivedKeyToken::new(version, base);
        dkt.nonce = Some(nonce);
        dkt.length = self.length;
        Some(dkt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_forms() {
        let x = format!(
            r#"<wsse:SecurityTokenReference xmlns:wsse="{}" xmlns:wsc="{}" wsc:Nonce="AAECAw==" wsc:Length="24"><wsse:Reference URI="urn:uuid:ctx" ValueType="{}" wsc:Instance="urn:i2"/></wsse:SecurityTokenReference>"#,
            ns::WSSE,
            ScVersion::Feb2005.namespace(),
            ScVersion::Feb2005.sct_token_type()
        );
        let s = SecurityTokenReference::from_xml(x.as_bytes()).unwrap();
        assert_eq!(s.sc_version, Some(ScVersion::Feb2005));
        let r = s.reference.as_ref().unwrap();
        assert_eq!(r.target(), ReferenceTarget::Uri("urn:uuid:ctx"));
        assert_eq!(r.instance.as_deref(), Some("urn:i2"));
        assert_eq!(s.nonce.as_deref(), Some(&[0u8, 1, 2, 3][..]));
        let dkt = s.implied_derived_key().unwrap();
        assert_eq!(dkt.length, Some(24));
        assert_eq!(dkt.token_reference.as_ref().unwrap().nonce, None);
        assert_eq!(
            SecurityTokenReference::from_xml(s.to_xml().as_bytes()).unwrap(),
            s
        );
        assert_eq!(
            SecurityTokenReference::to_id("x", None)
                .reference
                .unwrap()
                .target(),
            ReferenceTarget::Local("x")
        );
    }

    #[test]
    fn bad_reference() {
        let x = format!(
            r#"<wsse:SecurityTokenReference xmlns:wsse="{}"><wsse:Reference/></wsse:SecurityTokenReference>"#,
            ns::WSSE
        );
        let e = SecurityTokenReference::from_xml(x.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidSecurityToken);
        assert!(e.path().ends_with("wsse:Reference"));
    }
}
