//! Security tokens of WS-SecureConversation and the reference that points at them.
//!
//! Each token is a typed struct over the XML tree: known fields are typed, everything else
//! (unknown attributes and child elements) is kept and written back, because WS-SC says
//! SCT content MUST be preserved and peers put their own extensions in tokens (WCF's
//! cookie, CXF's properties).

mod dkt;
mod sct;
mod str_ref;

pub use dkt::{DeriveOptions, DerivedKeyToken, DktProperties, KeySource, DEFAULT_NONCE_LEN};
pub use sct::SecurityContextToken;
pub use str_ref::{KeyIdentifier, Reference, ReferenceTarget, SecurityTokenReference};

use crate::error::{Error, ErrorKind, Result};
use crate::version::ScVersion;
use crate::xml::{self, Attribute, Element, ElementRef, XStr};

/// Any token wssx reads, for callers (and `wssx inspect`) that do not know which one
/// they hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A wsc:SecurityContextToken.
    SecurityContext(SecurityContextToken),
    /// A wsc:DerivedKeyToken.
    DerivedKey(DerivedKeyToken),
    /// A wsse:SecurityTokenReference.
    Reference(SecurityTokenReference),
}

impl Token {
    /// Parse whichever token `xml` holds.
    pub fn from_xml(bytes: &[u8]) -> Result<Token> {
        let doc = xml::parse(bytes)?;
        Token::from_element(&doc.root)
    }

    /// Read whichever token `el` is.
    pub fn from_element(el: &Element) -> Result<Token> {
        match el.local.as_str() {
            "SecurityContextToken" => Ok(Token::SecurityContext(
                SecurityContextToken::from_element(el)?,
            )),
            "DerivedKeyToken" => Ok(Token::DerivedKey(DerivedKeyToken::from_element(el)?)),
            "SecurityTokenReference" => {
                Ok(Token::Reference(SecurityTokenReference::from_element(el)?))
            }
            _ => Err(Error::at(
                ErrorKind::InvalidSecurityToken,
                el.qname(),
                format!(
                    "not a token wssx reads: {{{}}}{}",
                    el.ns.as_deref().unwrap_or(""),
                    el.local
                ),
            )),
        }
    }
}

/// The SC version of `el` when it is `wsc:{local}` in either WS-SecureConversation
/// namespace.
pub(crate) fn sc_element<'d, E: ElementRef<'d>>(el: E, local: &str) -> Option<ScVersion> {
    el.ns()
        .and_then(ScVersion::from_namespace)
        .filter(|_| el.local() == local)
}

/// The local `wsu:Id` wssx gives an SCT named by the `urn:uuid:` URI `uuid_urn`:
/// `uuid-<uuid>`, the form WCF writes.
pub(crate) fn local_id_for(uuid_urn: &str) -> String {
    format!(
        "uuid-{}",
        uuid_urn.strip_prefix("urn:uuid:").unwrap_or(uuid_urn)
    )
}

/// True when `s` is an absolute URI (has a scheme, RFC 3986 section 3.1).
pub(crate) fn is_absolute_uri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    !scheme.is_empty()
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !s.chars().any(|c| c.is_whitespace())
}

/// Attributes of `el` other than the `known` ones (and other than namespace declarations),
/// for round-tripping extensions.
pub(crate) fn other_attrs<'d, E: ElementRef<'d>>(
    el: E,
    known: &[(Option<&str>, &str)],
) -> Vec<Attribute> {
    el.attrs()
        .filter(|a| !known.iter().any(|(n, l)| a.is(*n, l)))
        .map(|a| Attribute {
            prefix: a.prefix.map(XStr::new),
            local: XStr::new(a.local),
            ns: a.ns.map(XStr::new),
            value: XStr::new(a.value),
        })
        .collect()
}

/// Fail when `slot` is already filled: a field that may appear once appeared twice.
pub(crate) fn once<'d, T, E: ElementRef<'d>>(slot: &Option<T>, el: E) -> Result<()> {
    if slot.is_some() {
        return Err(Error::at(
            ErrorKind::InvalidSecurityToken,
            el.qname(),
            "appears more than once",
        ));
    }
    Ok(())
}

/// Text of an element that must be non-empty after trimming.
pub(crate) fn required_text<'d, E: ElementRef<'d>>(el: E) -> Result<String> {
    let t = el.text();
    let t = t.trim();
    if t.is_empty() {
        return Err(Error::at(
            ErrorKind::InvalidSecurityToken,
            el.qname(),
            "is empty",
        ));
    }
    Ok(t.to_string())
}

use crate::json::Json;

impl SecurityContextToken {
    /// A JSON description: `{"type","version","identifier","instance","id","extensions"}`.
    pub fn to_json(&self) -> Json {
        Json::object()
            .with("type", "SecurityContextToken")
            .with("version", self.version.short_name())
            .with("identifier", self.identifier.as_str())
            .with("instance", self.instance.as_deref())
            .with("id", self.id.as_deref())
            .with(
                "extensions",
                self.extensions
                    .iter()
                    .map(|e| xml::element_to_string(e))
                    .collect::<Vec<_>>(),
            )
    }
}

impl SecurityTokenReference {
    /// A JSON description of the reference.
    pub fn to_json(&self) -> Json {
        let reference = match &self.reference {
            Some(r) => Json::object()
                .with("uri", r.uri.as_str())
                .with("valueType", r.value_type.as_deref())
                .with("instance", r.instance.as_deref()),
            None => Json::Null,
        };
        let key_identifier = match &self.key_identifier {
            Some(k) => Json::object()
                .with("valueType", k.value_type.as_deref())
                .with("encodingType", k.encoding_type.as_deref())
                .with("value", k.value.as_str()),
            None => Json::Null,
        };
        Json::object()
            .with("type", "SecurityTokenReference")
            .with("id", self.id.as_deref())
            .with("reference", reference)
            .with("keyIdentifier", key_identifier)
            .with("nonce", self.nonce.as_deref().map(xml::encode_base64))
            .with("length", self.length)
    }
}

impl DerivedKeyToken {
    /// A JSON description: type, version, id, algorithm, nonce (base64), label, offset,
    /// length, generation, reference (uri, valueType, instance) and properties.
    pub fn to_json(&self) -> Json {
        let s = self.token_reference.as_ref();
        let reference = match s.and_then(|s| s.reference.as_ref()) {
            Some(r) => Json::object()
                .with("uri", r.uri.as_str())
                .with("valueType", r.value_type.as_deref())
                .with("instance", r.instance.as_deref()),
            None => Json::Null,
        };
        let properties = match &self.properties {
            Some(p) => Json::object()
                .with("name", p.name.as_deref())
                .with("label", p.label.as_deref())
                .with("nonce", p.nonce.as_deref().map(xml::encode_base64)),
            None => Json::Null,
        };
        Json::object()
            .with("type", "DerivedKeyToken")
            .with("version", self.version.short_name())
            .with("id", self.id.as_deref())
            .with("algorithm", self.algorithm.as_deref())
            .with("nonce", self.nonce.as_deref().map(xml::encode_base64))
            .with("label", self.label.as_deref())
            .with("offset", self.offset)
            .with("length", self.length)
            .with("generation", self.generation)
            .with("reference", reference)
            .with("properties", properties)
    }
}

impl Token {
    /// The token's JSON description.
    pub fn to_json(&self) -> Json {
        match self {
            Token::SecurityContext(t) => t.to_json(),
            Token::DerivedKey(t) => t.to_json(),
            Token::Reference(t) => t.to_json(),
        }
    }
}
