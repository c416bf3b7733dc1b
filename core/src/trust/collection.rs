//! The collections: RequestSecurityTokenResponseCollection (section 6.3.2; the 1.3 final
//! issuance response), RequestSecurityTokenCollection (1.3 batch requests) and the
//! IssuedTokens header (section 6.4), which has the RSTRC's type.

use super::params::message_version;
use super::{RequestSecurityToken, RequestSecurityTokenResponse};
use crate::error::Result;
use crate::soap::read::{element_only, invalid, other_attrs};
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef, Limits};

/// Read the children of a collection: each must be `{ns}child`, at least one.
fn members<'d, T, E: ElementRef<'d>>(
    el: E,
    version: TrustVersion,
    child: &str,
    read: fn(E) -> Result<T>,
) -> Result<Vec<T>> {
    element_only(el)?;
    let path = el.lazy_qname();
    let ns = version.core_namespace();
    let mut out = Vec::new();
    for c in el.elements() {
        if !c.is(ns, child) {
            return Err(invalid(c, format!("expected wst:{child}")).within(&path));
        }
        out.push(read(c).map_err(|e| e.within(&path))?);
    }
    if out.is_empty() {
        return Err(invalid(el, format!("needs at least one wst:{child}")));
    }
    Ok(out)
}

macro_rules! collection {
    ($(#[$m:meta])* $name:ident, $local:literal, $field:ident: $item:ident, $child:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// The version read (1.4 when any member is), or to write by default.
            pub version: TrustVersion,
            /// The members, in order (at least one).
            pub $field: Vec<$item>,
            /// Attributes, kept.
            pub other_attributes: Vec<Attribute>,
        }

        impl $name {
            /// A collection of `items`.
            pub fn new(version: TrustVersion, $field: Vec<$item>) -> Self {
                $name { version, $field, other_attributes: Vec::new() }
            }

            /// Parse a document whose root is the collection, under the default limits.
            pub fn from_xml(bytes: &[u8]) -> Result<Self> {
                Self::from_xml_with(bytes, &Limits::default())
            }

            /// Parse under `limits`, reading from the parsed arena (no owned tree is built
            /// but for the XML the members keep).
            pub fn from_xml_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
                let doc = xml::parse_doc_with(bytes, limits)?;
                Self::read(doc.root())
            }

            /// Read the collection element.
            pub fn from_element(el: &Element) -> Result<Self> {
                Self::read(el)
            }

            /// [`Self::from_element`] for an element of the owned tree or of a parsed
            /// [`xml::Doc`].
            pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
                let version = message_version(el, $local)?;
                let $field = members(el, version, $child, $item::read)?;
                let version = $field.iter().map(|m| m.version).max().unwrap_or(version);
                Ok($name { version, $field, other_attributes: other_attrs(el, &[]) })
            }

            /// Build the element in `version`.
            pub fn to_element(&self, version: TrustVersion) -> Element {
                build::tree(|b| self.write(b, version))
            }

            /// Serialize in `version`.
            pub fn to_xml(&self, version: TrustVersion) -> String {
                build::text(4096, |b| self.write(b, version))
            }

            /// Write the element in `version` into `b`.
            pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
                b.open_declared(version.core_namespace(), "wst", $local);
                b.attrs(&self.other_attributes);
                for m in &self.$field {
                    // The member sits under an element that already declares wst.
                    m.write(b, version, false);
                }
                b.close();
            }

            /// The same collection in another version.
            pub fn convert(&self, version: TrustVersion) -> Self {
                let mut c = self.clone();
                c.version = version;
                for m in &mut c.$field {
                    m.set_version(version);
                }
                c
            }
        }
    };
}

collection!(
    /// wst:RequestSecurityTokenResponseCollection.
    RequestSecurityTokenResponseCollection,
    "RequestSecurityTokenResponseCollection",
    responses: RequestSecurityTokenResponse,
    "RequestSecurityTokenResponse"
);

collection!(
    /// wst:RequestSecurityTokenCollection (WS-Trust 1.3 batch requests; the February
    /// 2005 text has no such element, but the namespace is accepted as read).
    RequestSecurityTokenCollection,
    "RequestSecurityTokenCollection",
    requests: RequestSecurityToken,
    "RequestSecurityToken"
);

collection!(
    /// wst:IssuedTokens: a SOAP header carrying issued tokens in RSTRs (section 6.4).
    IssuedTokens,
    "IssuedTokens",
    responses: RequestSecurityTokenResponse,
    "RequestSecurityTokenResponse"
);
