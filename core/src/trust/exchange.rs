//! Small typed elements of the bindings: Claims, Status (validation), Renewing (renewal),
//! the negotiation elements of section 10 (SignChallenge, SignChallengeResponse,
//! BinaryExchange, Authenticator) and the ordered-element helpers they share.

use super::uris::StatusCode;
use crate::error::Result;
use crate::ns;
use crate::soap::read::{bool_attr, element_only, invalid, other_attrs, text_of, uri_of};
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef, Node, NodeRef, XStr};

/// wst:Claims: the claims requested, in a dialect the spec leaves to profiles; the
/// content is kept as XML.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    /// @Dialect.
    pub dialect: Option<String>,
    /// The content, as read (elements and text).
    pub content: Vec<Node>,
    /// Other attributes, kept.
    pub other_attributes: Vec<Attribute>,
}

impl Claims {
    /// Read a wst:Claims element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`Claims::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`] (the content is copied out as owned nodes).
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        Ok(Claims {
            dialect: el.attr(None, "Dialect").map(str::to_string),
            content: el
                .children()
                .filter_map(|n| match n {
                    NodeRef::Element(e) => Some(Node::Element(e.to_element())),
                    NodeRef::Text(t) => Some(Node::Text(XStr::new(t))),
                    NodeRef::Comment(_) | NodeRef::Pi(..) => None,
                })
                .collect(),
            other_attributes: other_attrs(el, &[(None, "Dialect")]),
        })
    }

    /// Write the attributes and content into the open wst:Claims element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B) {
        if let Some(d) = &self.dialect {
            b.attr("Dialect", d);
        }
        b.attrs(&self.other_attributes);
        for n in &self.content {
            match n {
                Node::Element(e) => b.element(e),
                Node::Text(t) => b.text(t),
                Node::Comment(_) | Node::Pi { .. } => {}
            }
        }
    }

    /// The claim elements (white space between them skipped).
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.content.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }
}

/// wst:Status: the result of a validation (section 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// wst:Code.
    pub code: StatusCode,
    /// wst:Reason.
    pub reason: Option<String>,
}

impl Status {
    /// True for the `valid` code.
    pub fn is_valid(&self) -> bool {
        self.code == StatusCode::Valid
    }

    /// Read a wst:Status element of `version`.
    pub fn from_element(el: &Element, version: TrustVersion) -> Result<Self> {
        Self::read(el, version)
    }

    /// [`Status::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let core = version.core_namespace();
        let (mut code, mut reason) = (None, None);
        for c in el.elements() {
            if c.is(core, "Code") && code.is_none() {
                code = Some(StatusCode::parse_uri(
                    &uri_of(c).map_err(|e| e.within(&path))?,
                ));
            } else if c.is(core, "Reason") && reason.is_none() {
                reason = Some(text_of(c).map_err(|e| e.within(&path))?);
            } else {
                return Err(invalid(c, "unexpected element in wst:Status").within(&path));
            }
        }
        let code = code.ok_or_else(|| invalid(el, "required wst:Code is missing"))?;
        Ok(Status { code, reason })
    }

    /// Write the content into the open wst:Status element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        let core = version.core_namespace();
        b.leaf(core, "wst", "Code", self.code.uri(version));
        if let Some(r) = &self.reason {
            b.leaf(core, "wst", "Reason", r);
        }
    }
}

/// wst:Renewing: renewal semantics requested (section 7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Renewing {
    /// @Allow as written (absent means true: a renewable token is requested).
    pub allow: Option<bool>,
    /// @OK as written (absent means false: no renewal after expiry).
    pub ok: Option<bool>,
    /// Other attributes, kept.
    pub other_attributes: Vec<Attribute>,
}

impl Renewing {
    /// Whether a renewable token is requested (default true).
    pub fn allows_renewal(&self) -> bool {
        self.allow.unwrap_or(true)
    }

    /// Whether renewal after expiry is acceptable (default false).
    pub fn ok_after_expiry(&self) -> bool {
        self.ok.unwrap_or(false)
    }

    /// Read a wst:Renewing element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`Renewing::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        element_only(el)?;
        if el.has_element_children() {
            return Err(invalid(el, "must be empty"));
        }
        Ok(Renewing {
            allow: bool_attr(el, "Allow")?,
            ok: bool_attr(el, "OK")?,
            other_attributes: other_attrs(el, &[(None, "Allow"), (None, "OK")]),
        })
    }

    /// Write the attributes into the open wst:Renewing element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B) {
        if let Some(a) = self.allow {
            b.attr("Allow", if a { "true" } else { "false" });
        }
        if let Some(o) = self.ok {
            b.attr("OK", if o { "true" } else { "false" });
        }
        b.attrs(&self.other_attributes);
    }
}

/// wst:SignChallenge / wst:SignChallengeResponse (section 10.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignChallenge {
    /// wst:Challenge text, exactly as read (the response MUST echo it exactly).
    pub challenge: String,
    /// Attributes on wst:Challenge, kept.
    pub challenge_attributes: Vec<Attribute>,
    /// Attributes on the SignChallenge element, kept.
    pub other_attributes: Vec<Attribute>,
    /// Other children (other negotiation types), kept.
    pub extensions: Vec<Element>,
}

impl SignChallenge {
    /// A challenge with this text.
    pub fn new(challenge: impl Into<String>) -> Self {
        SignChallenge {
            challenge: challenge.into(),
            ..Default::default()
        }
    }

    /// Read a SignChallenge or SignChallengeResponse element of `version`.
    pub fn from_element(el: &Element, version: TrustVersion) -> Result<Self> {
        Self::read(el, version)
    }

    /// [`SignChallenge::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let core = version.core_namespace();
        let mut s = SignChallenge {
            other_attributes: other_attrs(el, &[]),
            ..Default::default()
        };
        let mut seen = false;
        for c in el.elements() {
            if c.is(core, "Challenge") && !seen {
                if c.has_element_children() {
                    return Err(invalid(c, "expected text").within(&path));
                }
                seen = true;
                s.challenge = c.text().into_owned();
                s.challenge_attributes = other_attrs(c, &[]);
            } else {
                s.extensions.push(c.to_element());
            }
        }
        if !seen {
            return Err(invalid(el, "required wst:Challenge is missing"));
        }
        Ok(s)
    }

    /// Write the attributes and content into the open element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        b.attrs(&self.other_attributes);
        b.open(version.core_namespace(), "wst", "Challenge");
        b.attrs(&self.challenge_attributes);
        b.text(&self.challenge);
        b.close();
        for x in &self.extensions {
            b.element(x);
        }
    }
}

/// The WS-Security Base64Binary encoding type URI.
pub const BASE64_ENCODING: &str = ns::BASE64_ENCODING;

/// wst:BinaryExchange: one leg of a binary negotiation (SPNEGO, TLSNEGO; section 10.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryExchange {
    /// @ValueType: the negotiation protocol (required).
    pub value_type: String,
    /// @EncodingType as written; absent or Base64Binary means the content is base64.
    pub encoding_type: Option<String>,
    /// The blob: decoded when base64-encoded, else the text's UTF-8 bytes as written.
    pub data: Vec<u8>,
    /// Other attributes, kept.
    pub other_attributes: Vec<Attribute>,
}

impl BinaryExchange {
    /// A base64-encoded leg of `value_type` (EncodingType written explicitly, as the spec
    /// requires).
    pub fn new(value_type: impl Into<String>, data: Vec<u8>) -> Self {
        BinaryExchange {
            value_type: value_type.into(),
            encoding_type: Some(BASE64_ENCODING.to_string()),
            data,
            other_attributes: Vec::new(),
        }
    }

    fn is_base64(&self) -> bool {
        match self.encoding_type.as_deref() {
            None => true,
            Some(e) => e == BASE64_ENCODING || e.ends_with("#Base64Binary"),
        }
    }

    /// Read a wst:BinaryExchange element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`BinaryExchange::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        if el.has_element_children() {
            return Err(invalid(el, "expected encoded text, found child elements"));
        }
        let value_type = el
            .attr(None, "ValueType")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(el, "required ValueType attribute is missing"))?;
        let mut b = BinaryExchange {
            value_type,
            encoding_type: el.attr(None, "EncodingType").map(str::to_string),
            data: Vec::new(),
            other_attributes: other_attrs(el, &[(None, "ValueType"), (None, "EncodingType")]),
        };
        let text = el.text();
        b.data = if b.is_base64() {
            xml::decode_base64(&text).map_err(|m| invalid(el, m))?
        } else {
            text.into_owned().into_bytes()
        };
        Ok(b)
    }

    /// Write the attributes and content into the open wst:BinaryExchange element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B) {
        b.attr("ValueType", &self.value_type);
        if let Some(e) = &self.encoding_type {
            b.attr("EncodingType", e);
        }
        b.attrs(&self.other_attributes);
        if self.is_base64() {
            b.text(&xml::encode_base64(&self.data));
        } else {
            b.text(&String::from_utf8_lossy(&self.data));
        }
    }
}

/// wst:Authenticator (section 10.9): proof that the issuer knows the computed key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authenticator {
    /// wst:CombinedHash: the first 256 bits of P_SHA1(computed-key, H + "AUTH-HASH").
    pub combined_hash: Option<Vec<u8>>,
    /// Other authenticators (open content), kept.
    pub extensions: Vec<Element>,
}

impl Authenticator {
    /// Read a wst:Authenticator element of `version`.
    pub fn from_element(el: &Element, version: TrustVersion) -> Result<Self> {
        Self::read(el, version)
    }

    /// [`Authenticator::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Result<Self> {
        element_only(el)?;
        let core = version.core_namespace();
        let mut a = Authenticator::default();
        for c in el.elements() {
            if c.is(core, "CombinedHash") && a.combined_hash.is_none() {
                a.combined_hash = Some(
                    xml::decode_base64(&c.text()).map_err(|m| invalid(c, m).within(&el.qname()))?,
                );
            } else {
                a.extensions.push(c.to_element());
            }
        }
        Ok(a)
    }

    /// Write the content into the open wst:Authenticator element.
    pub(crate) fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        if let Some(h) = &self.combined_hash {
            build::with_base64(h, |t| {
                b.leaf(version.core_namespace(), "wst", "CombinedHash", t)
            });
        }
        for x in &self.extensions {
            b.element(x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::xml::parse;

    fn wrap(v: TrustVersion, x: &str) -> Element {
        let s = x.replace("NS", v.namespace());
        parse(s.as_bytes()).unwrap().root
    }

    #[test]
    fn renewing_defaults_and_errors() {
        let v = TrustVersion::Feb2005;
        let r = Renewing::from_element(&wrap(v, r#"<t:Renewing xmlns:t="NS"/>"#)).unwrap();
        assert!(r.allows_renewal() && !r.ok_after_expiry());
        let r = Renewing::from_element(&wrap(
            v,
            r#"<t:Renewing xmlns:t="NS" Allow="false" OK="1"/>"#,
        ))
        .unwrap();
        assert!(!r.allows_renewal() && r.ok_after_expiry());
        let e =
            Renewing::from_element(&wrap(v, r#"<t:Renewing xmlns:t="NS" OK="yes"/>"#)).unwrap_err();
        assert_eq!(
            (e.kind(), e.path()),
            (ErrorKind::InvalidRequest, "t:Renewing/@OK")
        );
    }

    #[test]
    fn challenge_text_is_kept_exactly() {
        let v = TrustVersion::V1_3;
        let s = SignChallenge::from_element(&wrap(v, "<t:SignChallenge xmlns:t=\"NS\"><t:Challenge> Huehf...\n</t:Challenge></t:SignChallenge>"), v).unwrap();
        assert_eq!(s.challenge, " Huehf...\n");
        let e = SignChallenge::from_element(&wrap(v, r#"<t:SignChallenge xmlns:t="NS"/>"#), v)
            .unwrap_err();
        assert_eq!(e.path(), "t:SignChallenge");
    }

    #[test]
    fn binary_exchange_and_status() {
        let v = TrustVersion::V1_3;
        let b = BinaryExchange::from_element(&wrap(v, r#"<t:BinaryExchange xmlns:t="NS" ValueType="http://schemas.xmlsoap.org/ws/2005/02/trust/spnego" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">YQ==</t:BinaryExchange>"#)).unwrap();
        assert_eq!(b.data, b"a");
        let e = BinaryExchange::from_element(&wrap(
            v,
            r#"<t:BinaryExchange xmlns:t="NS">YQ==</t:BinaryExchange>"#,
        ))
        .unwrap_err();
        assert!(e.message().contains("ValueType"));
        let s = Status::from_element(&wrap(v, r#"<t:Status xmlns:t="NS"><t:Code>http://schemas.xmlsoap.org/ws/2005/02/trust/status/invalid</t:Code><t:Reason>expired</t:Reason></t:Status>"#), v).unwrap();
        assert_eq!(s.code, StatusCode::Invalid);
        let e = Status::from_element(
            &wrap(
                v,
                r#"<t:Status xmlns:t="NS"><t:Reason>x</t:Reason></t:Status>"#,
            ),
            v,
        )
        .unwrap_err();
        assert_eq!(e.path(), "t:Status");
    }
}
