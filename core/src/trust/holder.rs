//! Elements that hold "a security token or a reference to one": RequestedSecurityToken,
//! RenewTarget, CancelTarget, ValidateTarget, OnBehalfOf, ActAs, DelegateTo, Encryption,
//! ProofEncryption, KeyExchangeToken, UseKey and the Participants.
//!
//! The SCT and the STR are typed (so an SCT issued in an RSTR, or the reference in a
//! CancelTarget, can be used directly); an endpoint reference (OnBehalfOf, Participants)
//! is typed; any other token (SAML, X.509, an encrypted token) is kept as XML.
//!
//! When a message is written in another version, a typed SCT goes with it into the
//! matching WS-SC version, and an STR's SCT / DKT value types and `wsc:` attributes are
//! mapped too, so `convert` really moves the whole message.

use super::uris::TokenType;
use crate::error::Result;
use crate::soap::read::{element_only, invalid, other_attrs, single_child};
use crate::soap::{EndpointReference, WsaVersion};
use crate::token::{SecurityContextToken, SecurityTokenReference};
use crate::version::{ScVersion, TrustVersion};
use crate::xml::build::{self, Build};
use crate::xml::{Attribute, Element, ElementRef};

/// A token, or a reference to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRef {
    /// wsc:SecurityContextToken (either SC version).
    SecurityContext(SecurityContextToken),
    /// wsse:SecurityTokenReference.
    Reference(SecurityTokenReference),
    /// wsa:EndpointReference (either WS-Addressing version).
    EndpointReference(EndpointReference),
    /// Any other token, kept as XML.
    Xml(Element),
}

impl TokenRef {
    /// Read whichever of the forms `el` is.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`TokenRef::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`] (a token kept as XML is copied out with `to_element`).
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let ns = el.ns().unwrap_or("");
        Ok(match el.local() {
            "SecurityContextToken" if ScVersion::from_namespace(ns).is_some() => {
                TokenRef::SecurityContext(SecurityContextToken::read(el)?)
            }
            "SecurityTokenReference" if ns == crate::ns::WSSE => {
                TokenRef::Reference(SecurityTokenReference::read(el)?)
            }
            "EndpointReference" if WsaVersion::from_namespace(ns).is_some() => {
                TokenRef::EndpointReference(EndpointReference::read_content(el)?)
            }
            _ => TokenRef::Xml(el.to_element()),
        })
    }

    /// Build the element for a message in `version`.
    pub fn to_element(&self, version: TrustVersion) -> Element {
        build::tree(|b| self.write(b, version))
    }

    /// Write the element for a message in `version` into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        match self {
            TokenRef::SecurityContext(t) => write_sct(t, b, version),
            TokenRef::Reference(s) => write_str(s, b, version),
            TokenRef::EndpointReference(e) => e.write(b, e.version),
            TokenRef::Xml(x) => b.element(x),
        }
    }

    /// The SCT, when this is one.
    pub fn security_context_token(&self) -> Option<&SecurityContextToken> {
        match self {
            TokenRef::SecurityContext(t) => Some(t),
            _ => None,
        }
    }

    /// The STR, when this is one.
    pub fn reference(&self) -> Option<&SecurityTokenReference> {
        match self {
            TokenRef::Reference(s) => Some(s),
            _ => None,
        }
    }

    /// Move typed SC content to the SC version of `version`.
    pub(crate) fn set_version(&mut self, version: TrustVersion) {
        match self {
            TokenRef::SecurityContext(t) => t.version = version.sc(),
            TokenRef::Reference(s) => map_str(s, version.sc()),
            _ => {}
        }
    }
}

/// An SCT written in the SC version that goes with `version`.
pub(crate) fn write_sct<B: Build + ?Sized>(
    t: &SecurityContextToken,
    b: &mut B,
    version: TrustVersion,
) {
    if t.version == version.sc() {
        t.write(b);
    } else {
        t.to_version(version.sc()).write(b);
    }
}

fn map_type_uri(uri: &mut String, sc: ScVersion) -> bool {
    match TokenType::from_uri(uri) {
        Some((t @ (TokenType::SecurityContext | TokenType::DerivedKey), _)) => {
            let new = t.uri(sc.trust());
            if new != uri {
                *uri = new.to_string();
                return true;
            }
            false
        }
        _ => false,
    }
}

/// Map an STR's SC-versioned parts (wsc attributes, SCT / DKT value types) to `sc`.
pub(crate) fn map_str(s: &mut SecurityTokenReference, sc: ScVersion) {
    if s.sc_version.is_some() {
        s.sc_version = Some(sc);
    }
    if let Some(r) = &mut s.reference {
        if let Some(vt) = &mut r.value_type {
            map_type_uri(vt, sc);
        }
    }
    if let Some(k) = &mut s.key_identifier {
        if let Some(vt) = &mut k.value_type {
            map_type_uri(vt, sc);
        }
    }
    if let Some(tt) = &mut s.token_type {
        map_type_uri(tt, sc);
    }
}

/// An STR written for a message in `version` (its SC-versioned parts mapped; no copy when
/// nothing changes).
pub(crate) fn write_str<B: Build + ?Sized>(
    s: &SecurityTokenReference,
    b: &mut B,
    version: TrustVersion,
) {
    let sc = version.sc();
    let needs = |uri: &Option<String>| {
        uri.as_deref()
            .and_then(TokenType::from_uri)
            .is_some_and(|(t, _)| {
                matches!(t, TokenType::SecurityContext | TokenType::DerivedKey)
                    && Some(t.uri(sc.trust())) != uri.as_deref()
            })
    };
    let change = s.sc_version.is_some_and(|v| v != sc)
        || s.reference.as_ref().is_some_and(|r| needs(&r.value_type))
        || s.key_identifier
            .as_ref()
            .is_some_and(|k| needs(&k.value_type))
        || needs(&s.token_type);
    if change {
        let mut c = s.clone();
        map_str(&mut c, sc);
        c.write(b);
    } else {
        s.write(b);
    }
}

/// A wst element holding exactly one token (or reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    /// The token.
    pub token: TokenRef,
    /// Attributes on the holder element, kept.
    pub other_attributes: Vec<Attribute>,
}

impl TokenHolder {
    /// A holder for `token`.
    pub fn new(token: TokenRef) -> Self {
        TokenHolder {
            token,
            other_attributes: Vec::new(),
        }
    }

    /// Read a holder element (it must hold exactly one element).
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`TokenHolder::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let c = single_child(el)?;
        let token = TokenRef::read(c).map_err(|e| e.within(&el.qname()))?;
        Ok(TokenHolder {
            token,
            other_attributes: other_attrs(el, &[]),
        })
    }

    /// Write the attributes and the token into the open holder element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        b.attrs(&self.other_attributes);
        self.token.write(b, version);
    }
}

/// wst:UseKey: use an existing key, given as a token, or proven by the signature @Sig.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UseKey {
    /// @Sig: the ID of the signature that proves the key (the element may then be empty).
    pub sig: Option<String>,
    /// The token holding the key, if given.
    pub token: Option<TokenRef>,
    /// Other attributes, kept.
    pub other_attributes: Vec<Attribute>,
}

impl UseKey {
    /// Read a wst:UseKey element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`UseKey::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        element_only(el)?;
        let mut kids = el.elements();
        let token = match kids.next() {
            None => None,
            Some(c) => Some(TokenRef::read(c).map_err(|e| e.within(&el.qname()))?),
        };
        if kids.next().is_some() {
            return Err(invalid(el, "expected at most one token"));
        }
        let sig = el.attr(None, "Sig").map(str::to_string);
        if sig.is_none() && token.is_none() {
            return Err(invalid(el, "needs a token or a Sig attribute"));
        }
        Ok(UseKey {
            sig,
            token,
            other_attributes: other_attrs(el, &[(None, "Sig")]),
        })
    }

    /// Write the attributes and the token into the open wst:UseKey element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        if let Some(s) = &self.sig {
            b.attr("Sig", s);
        }
        b.attrs(&self.other_attributes);
        if let Some(t) = &self.token {
            t.write(b, version);
        }
    }
}

/// wst:Participants (section 11.5): who may use the token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Participants {
    /// wst:Primary: the primary user.
    pub primary: Option<TokenHolder>,
    /// wst:Participant, repeated.
    pub participants: Vec<TokenHolder>,
    /// Other children, kept.
    pub extensions: Vec<Element>,
}

impl Participants {
    /// Read a wst:Participants element of `version`.
    pub fn from_element(el: &Element, version: TrustVersion) -> Result<Self> {
        Self::read(el, version)
    }

    /// [`Participants::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let core = version.core_namespace();
        let mut p = Participants::default();
        for c in el.elements() {
            if c.is(core, "Primary") {
                if p.primary.is_some() {
                    return Err(invalid(c, "appears more than once").within(&path));
                }
                p.primary = Some(TokenHolder::read(c).map_err(|e| e.within(&path))?);
            } else if c.is(core, "Participant") {
                p.participants
                    .push(TokenHolder::read(c).map_err(|e| e.within(&path))?);
            } else {
                p.extensions.push(c.to_element());
            }
        }
        Ok(p)
    }

    /// Write the content into the open wst:Participants element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        let core = version.core_namespace();
        if let Some(h) = &self.primary {
            b.open(core, "wst", "Primary");
            h.write_body(b, version);
            b.close();
        }
        for h in &self.participants {
            b.open(core, "wst", "Participant");
            h.write_body(b, version);
            b.close();
        }
        for x in &self.extensions {
            b.element(x);
        }
    }

    pub(crate) fn set_version(&mut self, version: TrustVersion) {
        if let Some(h) = &mut self.primary {
            h.token.set_version(version);
        }
        for h in &mut self.participants {
            h.token.set_version(version);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{element_to_string, parse};

    #[test]
    fn str_value_types_follow_the_version() {
        let s =
            SecurityTokenReference::to_identifier(ScVersion::Feb2005, "urn:uuid:c1", Some("urn:i"));
        let out = build::text(256, |b| write_str(&s, b, TrustVersion::V1_3));
        assert!(out.contains(ScVersion::V1_3.sct_token_type()), "{out}");
        assert!(
            out.contains(&format!("xmlns:wsc=\"{}\"", ScVersion::V1_3.namespace())),
            "{out}"
        );
        let same = element_to_string(&build::tree(|b| write_str(&s, b, TrustVersion::Feb2005)));
        assert_eq!(same, s.to_xml());
    }

    #[test]
    fn holders_need_one_token() {
        let v = TrustVersion::V1_3;
        let two = format!(
            r#"<t:CancelTarget xmlns:t="{}"><a/><b/></t:CancelTarget>"#,
            v.namespace()
        );
        assert_eq!(
            TokenHolder::from_element(&parse(two.as_bytes()).unwrap().root)
                .unwrap_err()
                .path(),
            "t:CancelTarget"
        );
        let sct = format!(
            r#"<t:RequestedSecurityToken xmlns:t="{}"><c:SecurityContextToken xmlns:c="{}"><c:Identifier>urn:x</c:Identifier></c:SecurityContextToken></t:RequestedSecurityToken>"#,
            v.namespace(),
            ScVersion::Feb2005.namespace()
        );
        let h = TokenHolder::from_element(&parse(sct.as_bytes()).unwrap().root).unwrap();
        assert_eq!(
            h.token.security_context_token().unwrap().identifier,
            "urn:x"
        );
        let out = build::text(256, |b| {
            b.open(v.namespace(), "wst", "RequestedSecurityToken");
            h.write_body(b, v);
            b.close();
        });
        assert!(out.contains(ScVersion::V1_3.namespace()), "{out}");
        let bad = format!(r#"<t:UseKey xmlns:t="{}"/>"#, v.namespace());
        assert!(UseKey::from_element(&parse(bad.as_bytes()).unwrap().root).is_err());
    }
}
