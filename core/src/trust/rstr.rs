//! wst:RequestSecurityTokenResponse (WS-Trust section 5.2 and the bindings).

use super::exchange::{Authenticator, Status};
use super::field::Field;
use super::holder::{write_str, TokenHolder, TokenRef};
use super::params::{message_version, open_message, uses_1_4, Params};
use super::secret::{ProofToken, RequestedProofToken};
use super::uris::RequestType;
use crate::error::Result;
use crate::soap::read::{element_only, invalid, other_attrs, set_once, single_child, uri_ref};
use crate::token::{SecurityContextToken, SecurityTokenReference};
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef, Limits};

/// wst:RequestedAttachedReference / wst:RequestedUnattachedReference: the STR to use
/// verbatim to refer to the issued token (section 6.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedReference {
    /// The reference.
    pub reference: SecurityTokenReference,
    /// Attributes on the wrapper, kept.
    pub other_attributes: Vec<Attribute>,
}

impl RequestedReference {
    /// A wrapper around `reference`.
    pub fn new(reference: SecurityTokenReference) -> Self {
        RequestedReference {
            reference,
            other_attributes: Vec::new(),
        }
    }

    fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let c = single_child(el)?;
        if !c.is(crate::ns::WSSE, "SecurityTokenReference") {
            return Err(invalid(c, "expected wsse:SecurityTokenReference").within(&el.qname()));
        }
        let reference = SecurityTokenReference::read(c).map_err(|e| e.within(&el.qname()))?;
        Ok(RequestedReference {
            reference,
            other_attributes: other_attrs(el, &[]),
        })
    }

    /// Write the attributes and the reference into the open wrapper element.
    fn write_body<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        b.attrs(&self.other_attributes);
        write_str(&self.reference, b, version);
    }
}

/// A token response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSecurityTokenResponse {
    /// The version read (1.4 when 1.4 elements are present), or to write by default.
    pub version: TrustVersion,
    /// @Context: echoes the request's Context.
    pub context: Option<String>,
    /// wst:RequestType, when the issuer echoes it (1.3 peers often do).
    pub request_type: Option<RequestType>,
    /// wst:RequestedSecurityToken.
    pub requested_security_token: Option<TokenHolder>,
    /// wst:RequestedProofToken, in order (WS-Trust 10.7 shows a response with two).
    pub requested_proof_tokens: Vec<RequestedProofToken>,
    /// wst:RequestedAttachedReference.
    pub requested_attached_reference: Option<RequestedReference>,
    /// wst:RequestedUnattachedReference.
    pub requested_unattached_reference: Option<RequestedReference>,
    /// wst:RequestedTokenCancelled (the cancel binding's success response).
    pub requested_token_cancelled: bool,
    /// wst:Status (the validation binding's result).
    pub status: Option<Status>,
    /// wst:Authenticator.
    pub authenticator: Option<Authenticator>,
    /// The parameters shared with requests (TokenType, Lifetime, Entropy, KeySize, ...),
    /// the extensions and the child order.
    pub params: Params,
    /// Attributes other than Context, kept.
    pub other_attributes: Vec<Attribute>,
}

impl RequestSecurityTokenResponse {
    /// An empty response.
    pub fn new(version: TrustVersion) -> Self {
        RequestSecurityTokenResponse {
            version,
            context: None,
            request_type: None,
            requested_security_token: None,
            requested_proof_tokens: Vec::new(),
            requested_attached_reference: None,
            requested_unattached_reference: None,
            requested_token_cancelled: false,
            status: None,
            authenticator: None,
            params: Params::default(),
            other_attributes: Vec::new(),
        }
    }

    /// The response to a cancel request.
    pub fn cancelled(version: TrustVersion) -> Self {
        let mut r = Self::new(version);
        r.requested_token_cancelled = true;
        r
    }

    /// The requested token when it is a security context token.
    pub fn security_context_token(&self) -> Option<&SecurityContextToken> {
        self.requested_security_token
            .as_ref()
            .and_then(|h| h.token.security_context_token())
    }

    /// The requested token, whatever it is.
    pub fn token(&self) -> Option<&TokenRef> {
        self.requested_security_token.as_ref().map(|h| &h.token)
    }

    /// The first proof token.
    pub fn proof_token(&self) -> Option<&ProofToken> {
        self.requested_proof_tokens.first().map(|p| &p.token)
    }

    /// Parse a document whose root is the RSTR, under the default limits.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        Self::from_xml_with(bytes, &Limits::default())
    }

    /// Parse under `limits`. The response is read from the parsed arena: no owned tree is
    /// built for it, only for the XML it keeps (extensions, tokens kept as XML).
    pub fn from_xml_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let doc = xml::parse_doc_with(bytes, limits)?;
        Self::read(doc.root())
    }

    /// Read an RSTR element, reporting the version seen in [`Self::version`].
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`RequestSecurityTokenResponse::from_element`] for an element of the owned tree or
    /// of a parsed [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let mut version = message_version(el, "RequestSecurityTokenResponse")?;
        // Filled in place: the response is kilobytes of optional fields, and each move of it
        // (a separate Params moved in, the value moved out) measured a tenth of a read.
        let mut r = Self::new(version);
        {
            let RequestSecurityTokenResponse {
                params,
                request_type,
                requested_security_token,
                requested_proof_tokens,
                requested_attached_reference,
                requested_unattached_reference,
                requested_token_cancelled,
                status,
                authenticator,
                ..
            } = &mut r;
            params.read_children(el, version, false, &mut |f, c| {
                match f {
                    Field::RequestType => {
                        set_once(request_type, RequestType::parse_uri(&uri_ref(c)?), c)?
                    }
                    Field::RequestedSecurityToken => {
                        set_once(requested_security_token, TokenHolder::read(c)?, c)?
                    }
                    Field::RequestedProofToken => {
                        requested_proof_tokens.push(RequestedProofToken::read(c, version)?)
                    }
                    Field::RequestedAttachedReference => set_once(
                        requested_attached_reference,
                        RequestedReference::read(c)?,
                        c,
                    )?,
                    Field::RequestedUnattachedReference => set_once(
                        requested_unattached_reference,
                        RequestedReference::read(c)?,
                        c,
                    )?,
                    Field::RequestedTokenCancelled => {
                        element_only(c)?;
                        if c.has_element_children() {
                            return Err(invalid(c, "must be empty"));
                        }
                        if std::mem::replace(requested_token_cancelled, true) {
                            return Err(invalid(c, "appears more than once"));
                        }
                    }
                    Field::Status => set_once(status, Status::read(c, version)?, c)?,
                    Field::Authenticator => {
                        set_once(authenticator, Authenticator::read(c, version)?, c)?
                    }
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
        }
        if version == TrustVersion::V1_3 && uses_1_4(&r.params) {
            version = TrustVersion::V1_4;
        }
        r.version = version;
        r.context = el.attr(None, "Context").map(str::to_string);
        r.other_attributes = other_attrs(el, &[(None, "Context")]);
        Ok(r)
    }

    /// Build the element in `version` (every versioned URI and namespace mapped).
    pub fn to_element(&self, version: TrustVersion) -> Element {
        build::tree(|b| self.write(b, version, true))
    }

    /// Serialize in `version`.
    pub fn to_xml(&self, version: TrustVersion) -> String {
        build::text(2048, |b| self.write(b, version, true))
    }

    /// Write the element in `version` into `b`; `declared`: declare `wst` on the element
    /// itself (a collection's members leave that to the collection).
    pub(crate) fn write<B: Build + ?Sized>(
        &self,
        b: &mut B,
        version: TrustVersion,
        declared: bool,
    ) {
        open_message(
            b,
            version,
            "RequestSecurityTokenResponse",
            declared,
            self.context.as_deref(),
            &self.other_attributes,
        );
        let reference = |b: &mut B, f: Field, r: &Option<RequestedReference>| {
            f.wrap_if(b, version, r.as_ref(), |r, b| r.write_body(b, version))
        };
        let mut own = |f: Field, n: usize, b: &mut B| -> bool {
            if f == Field::RequestedProofToken {
                return self
                    .requested_proof_tokens
                    .get(n)
                    .map(|p| p.write(b, version))
                    .is_some();
            }
            if n > 0 {
                return false;
            }
            match f {
                Field::RequestType => f.text_if(
                    b,
                    version,
                    self.request_type.as_ref().map(|t| t.uri(version)),
                ),
                Field::RequestedSecurityToken => f.wrap_if(
                    b,
                    version,
                    self.requested_security_token.as_ref(),
                    |h, b| h.write_body(b, version),
                ),
                Field::RequestedAttachedReference => {
                    reference(b, f, &self.requested_attached_reference)
                }
                Field::RequestedUnattachedReference => {
                    reference(b, f, &self.requested_unattached_reference)
                }
                Field::RequestedTokenCancelled => {
                    f.flag_if(b, version, self.requested_token_cancelled)
                }
                Field::Status => f.wrap_if(b, version, self.status.as_ref(), |s, b| {
                    s.write_body(b, version)
                }),
                Field::Authenticator => {
                    f.wrap_if(b, version, self.authenticator.as_ref(), |a, b| {
                        a.write_body(b, version)
                    })
                }
                _ => false,
            }
        };
        self.params.write_into(b, version, &mut own);
        b.close();
    }

    /// The same response in another version (see
    /// [`super::RequestSecurityToken::convert`]).
    pub fn convert(&self, version: TrustVersion) -> Self {
        let mut r = self.clone();
        r.set_version(version);
        r
    }

    pub(crate) fn set_version(&mut self, version: TrustVersion) {
        self.version = version;
        if let Some(h) = &mut self.requested_security_token {
            h.token.set_version(version);
        }
        for p in &mut self.requested_proof_tokens {
            if let ProofToken::Reference(s) = &mut p.token {
                super::holder::map_str(s, version.sc());
            }
        }
        for r in [
            &mut self.requested_attached_reference,
            &mut self.requested_unattached_reference,
        ]
        .into_iter()
        .flatten()
        {
            super::holder::map_str(&mut r.reference, version.sc());
        }
        self.params.set_version(version);
    }
}
