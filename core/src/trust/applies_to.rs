//! wsp:AppliesTo: the scope a token is for (WS-Trust section 6.2.1).
//!
//! The usual content is a WS-Addressing endpoint reference, in either WS-Addressing
//! namespace (peers mix them: ADFS puts a 2005/08 EPR in Feb 2005 requests); it is typed.
//! Any other scope element is kept as XML. The WS-Policy namespace of the wrapper is kept
//! as read, because it does not follow the trust version (every version uses 2004/09 in
//! practice; WS-Policy 1.5 is accepted).

use crate::error::Result;
use crate::ns;
use crate::soap::read::{element_only, other_attrs};
use crate::soap::{EndpointReference, WsaVersion};
use crate::xml::build::{self, Build};
use crate::xml::{Attribute, Element, ElementRef};

/// WS-Policy version of a wsp: element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WspVersion {
    /// `http://schemas.xmlsoap.org/ws/2004/09/policy`.
    V2004_09,
    /// `http://www.w3.org/ns/ws-policy` (WS-Policy 1.5).
    V1_5,
}

impl WspVersion {
    /// The namespace URI.
    pub const fn namespace(self) -> &'static str {
        match self {
            WspVersion::V2004_09 => ns::WSP_2004,
            WspVersion::V1_5 => ns::WSP_15,
        }
    }

    /// Detect from a namespace URI.
    pub fn from_namespace(uri: &str) -> Option<WspVersion> {
        match uri {
            ns::WSP_2004 => Some(WspVersion::V2004_09),
            ns::WSP_15 => Some(WspVersion::V1_5),
            _ => None,
        }
    }
}

/// One scope inside wsp:AppliesTo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// wsa:EndpointReference.
    EndpointReference(EndpointReference),
    /// Any other element, kept as XML.
    Xml(Element),
}

/// wsp:AppliesTo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliesTo {
    /// Namespace of the wrapper.
    pub wsp: WspVersion,
    /// The scopes, in order (usually one endpoint reference).
    pub scopes: Vec<Scope>,
    /// Attributes on the wrapper, kept.
    pub other_attributes: Vec<Attribute>,
}

impl AppliesTo {
    /// AppliesTo one endpoint address (WS-Policy 2004/09, the EPR in `wsa`).
    pub fn address(wsa: WsaVersion, address: impl Into<String>) -> Self {
        AppliesTo {
            wsp: WspVersion::V2004_09,
            scopes: vec![Scope::EndpointReference(EndpointReference::new(
                wsa, address,
            ))],
            other_attributes: Vec::new(),
        }
    }

    /// The address of the first endpoint reference, if any.
    pub fn endpoint_address(&self) -> Option<&str> {
        self.scopes.iter().find_map(|s| match s {
            Scope::EndpointReference(e) => Some(e.address.as_str()),
            Scope::Xml(_) => None,
        })
    }

    /// Read a wsp:AppliesTo element (either WS-Policy namespace).
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`AppliesTo::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        element_only(el)?;
        let wsp = el
            .ns()
            .and_then(WspVersion::from_namespace)
            .unwrap_or(WspVersion::V2004_09);
        let mut scopes = Vec::new();
        for c in el.elements() {
            let is_epr = c.local() == "EndpointReference"
                && c.ns().and_then(WsaVersion::from_namespace).is_some();
            scopes.push(if is_epr {
                Scope::EndpointReference(
                    EndpointReference::read_content(c).map_err(|e| e.within(&el.qname()))?,
                )
            } else {
                Scope::Xml(c.to_element())
            });
        }
        Ok(AppliesTo {
            wsp,
            scopes,
            other_attributes: other_attrs(el, &[]),
        })
    }

    /// Build the element.
    pub fn to_element(&self) -> Element {
        build::tree(|b| self.write(b))
    }

    /// Write the element into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B) {
        b.open(self.wsp.namespace(), "wsp", "AppliesTo");
        b.attrs(&self.other_attributes);
        for s in &self.scopes {
            match s {
                Scope::EndpointReference(e) => e.write(b, e.version),
                Scope::Xml(x) => b.element(x),
            }
        }
        b.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn reads_epr_in_either_wsa() {
        for wsa in WsaVersion::ALL {
            let a = AppliesTo::address(wsa, "https://rp.example.org/");
            let back = AppliesTo::from_element(
                &parse(crate::xml::element_to_string(&a.to_element()).as_bytes())
                    .unwrap()
                    .root,
            )
            .unwrap();
            assert_eq!(back.endpoint_address(), Some("https://rp.example.org/"));
            assert!(matches!(&back.scopes[0], Scope::EndpointReference(e) if e.version == wsa));
        }
        let x = format!(
            r#"<wsp:AppliesTo xmlns:wsp="{}"><x:SomeContext1 xmlns:x="urn:x"/></wsp:AppliesTo>"#,
            ns::WSP_15
        );
        let a = AppliesTo::from_element(&parse(x.as_bytes()).unwrap().root).unwrap();
        assert_eq!(a.wsp, WspVersion::V1_5);
        assert!(matches!(a.scopes[0], Scope::Xml(_)));
    }
}
