//! wsc:SecurityContextToken (WS-SC section 2).

use super::{is_absolute_uri, once, other_attrs, required_text};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::version::ScVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef};

/// A security context token: the wire name of a security context.
///
/// The secret is not part of the token (it travels in a RequestedProofToken or is known
/// to both sides); a context store maps Identifier + Instance to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityContextToken {
    /// Namespace version the token is written in.
    pub version: ScVersion,
    /// wsc:Identifier: the absolute URI naming the context (required).
    pub identifier: String,
    /// wsc:Instance: names one key instance of the context (after renewal / re-keying).
    pub instance: Option<String>,
    /// wsu:Id, for local references (`#id`).
    pub id: Option<String>,
    /// Attributes wssx does not interpret, kept for round trips.
    pub other_attributes: Vec<Attribute>,
    /// Child elements wssx does not interpret (e.g. WCF's wsc:Cookie), kept in order.
    pub extensions: Vec<Element>,
}

impl SecurityContextToken {
    /// A new token for `identifier` (must be an absolute URI).
    pub fn new(version: ScVersion, identifier: impl Into<String>) -> Result<Self> {
        let identifier = identifier.into();
        if !is_absolute_uri(&identifier) {
            return Err(Error::at(
                ErrorKind::InvalidArgument,
                "wsc:Identifier",
                format!("'{identifier}' is not an absolute URI"),
            ));
        }
        Ok(SecurityContextToken {
            version,
            identifier,
            instance: None,
            id: None,
            other_attributes: Vec::new(),
            extensions: Vec::new(),
        })
    }

    /// A new token with a random `urn:uuid:` identifier.
    pub fn generate(version: ScVersion) -> Result<Self> {
        Self::new(version, crate::crypto::random_uuid_urn()?)
    }

    /// Parse a token from XML bytes (the document element must be the SCT).
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        let doc = xml::parse(bytes)?;
        Self::from_element(&doc.root)
    }

    /// Read a token from an element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// Read a token from an element of the owned tree or of a parsed [`xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let version = super::sc_element(el, "SecurityContextToken")
            .ok_or_else(|| {
                Error::at(
                    ErrorKind::BadContextToken,
                    el.qname(),
                    format!(
                        "expected wsc:SecurityContextToken in a WS-SecureConversation namespace, found {{{}}}{}",
                        el.ns().unwrap_or(""),
                        el.local()
                    ),
                )
            })?;
        let path = el.lazy_qname();
        let mut identifier = None;
        let mut instance = None;
        let mut extensions = Vec::new();
        for c in el.elements() {
            let in_sc = c.ns().and_then(ScVersion::from_namespace).is_some();
            match c.local() {
                "Identifier" if c.in_ns(version.namespace()) => {
                    once(&identifier, c).map_err(|e| e.within(&path))?;
                    let id = required_text(c).map_err(|e| e.within(&path))?;
                    if !is_absolute_uri(&id) {
                        return Err(Error::at(
                            ErrorKind::BadContextToken,
                            format!("{path}/{}", c.qname()),
                            format!("'{id}' is not an absolute URI"),
                        ));
                    }
                    identifier = Some(id);
                }
                // WCF writes Instance in the Feb 2005 namespace too: accept either SC namespace.
                "Instance" if in_sc => {
                    once(&instance, c).map_err(|e| e.within(&path))?;
                    instance = Some(required_text(c).map_err(|e| e.within(&path))?);
                }
                _ => extensions.push(c.to_element()),
            }
        }
        let identifier = identifier.ok_or_else(|| {
            Error::at(
                ErrorKind::BadContextToken,
                path.to_string(),
                "required wsc:Identifier is missing",
            )
        })?;
        Ok(SecurityContextToken {
            version,
            identifier,
            instance,
            id: el.attr(Some(ns::WSU), "Id").map(str::to_string),
            other_attributes: other_attrs(el, &[(Some(ns::WSU), "Id")]),
            extensions,
        })
    }

    /// Build the element (prefix `wsc`).
    pub fn to_element(&self) -> Element {
        build::tree(|b| self.write(b))
    }

    /// Serialize to XML.
    pub fn to_xml(&self) -> String {
        build::text(256, |b| self.write(b))
    }

    /// Write the element (prefix `wsc`) into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B) {
        let ns = self.version.namespace();
        b.open_declared(ns, "wsc", "SecurityContextToken");
        if let Some(id) = &self.id {
            b.attr_ns(ns::WSU, "wsu", "Id", id);
        }
        b.attrs(&self.other_attributes);
        b.leaf(ns, "wsc", "Identifier", &self.identifier);
        if let Some(i) = &self.instance {
            b.leaf(ns, "wsc", "Instance", i);
        }
        for x in &self.extensions {
            b.element(x);
        }
        b.close();
    }

    /// The same token in another namespace version (extensions are kept as they are).
    pub fn to_version(&self, version: ScVersion) -> Self {
        SecurityContextToken {
            version,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = r#"<wsc:SecurityContextToken wsu:Id="SecurityToken-1" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"><wsc:Identifier>uuid:...</wsc:Identifier><x:Ext xmlns:x="urn:ext" a="1">keep<x:deep/></x:Ext></wsc:SecurityContextToken>"#;

    #[test]
    fn parse_and_round_trip() {
        let t = SecurityContextToken::from_xml(SPEC_EXAMPLE.as_bytes()).unwrap();
        assert_eq!(t.version, ScVersion::V1_3);
        assert_eq!(t.identifier, "uuid:...");
        assert_eq!(t.id.as_deref(), Some("SecurityToken-1"));
        assert_eq!(t.extensions.len(), 1);
        let again = SecurityContextToken::from_xml(t.to_xml().as_bytes()).unwrap();
        assert_eq!(again, t);
        assert!(t
            .to_xml()
            .contains(r#"<x:Ext xmlns:x="urn:ext" a="1">keep<x:deep/></x:Ext>"#));
    }

    #[test]
    fn wcf_instance_in_feb2005() {
        let x = r#"<c:SecurityContextToken xmlns:c="http://schemas.xmlsoap.org/ws/2005/02/sc"><c:Identifier>urn:uuid:1</c:Identifier><c:Instance>urn:uuid:2</c:Instance></c:SecurityContextToken>"#;
        let t = SecurityContextToken::from_xml(x.as_bytes()).unwrap();
        assert_eq!(t.version, ScVersion::Feb2005);
        assert_eq!(t.instance.as_deref(), Some("urn:uuid:2"));
    }

    #[test]
    fn errors_are_typed() {
        let cases = [
            r#"<wsc:SecurityContextToken xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"/>"#,
            r#"<wsc:SecurityContextToken xmlns:wsc="urn:wrong"><wsc:Identifier>urn:a</wsc:Identifier></wsc:SecurityContextToken>"#,
            r#"<wsc:SecurityContextToken xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"><wsc:Identifier>not a uri</wsc:Identifier></wsc:SecurityContextToken>"#,
        ];
        for c in cases {
            let e = SecurityContextToken::from_xml(c.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadContextToken, "{c}");
            assert!(e.path().contains("SecurityContextToken"), "{e}");
        }
        let dup = r#"<wsc:SecurityContextToken xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"><wsc:Identifier>urn:a</wsc:Identifier><wsc:Identifier>urn:b</wsc:Identifier></wsc:SecurityContextToken>"#;
        assert_eq!(
            SecurityContextToken::from_xml(dup.as_bytes())
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidSecurityToken
        );
    }
}
