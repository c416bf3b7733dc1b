//! wst:RequestSecurityToken (WS-Trust section 5.1 and the bindings of sections 6-12).

use super::field::Field;
use super::holder::TokenHolder;
use super::params::{message_version, open_message, uses_1_4, Params};
use super::uris::{RequestType, TokenType};
use crate::error::Result;
use crate::soap::read::{invalid, other_attrs, set_once, uri_ref};
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef, Limits};

/// A token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSecurityToken {
    /// The version read (1.4 when the 1.3 namespace carries 1.4 elements such as ActAs),
    /// or the version to write by default.
    pub version: TrustVersion,
    /// @Context: correlates the request with its responses.
    pub context: Option<String>,
    /// wst:RequestType (required).
    pub request_type: RequestType,
    /// wst:RenewTarget (renewal binding).
    pub renew_target: Option<TokenHolder>,
    /// wst:CancelTarget (cancel binding).
    pub cancel_target: Option<TokenHolder>,
    /// wst:ValidateTarget (validation binding, 1.3+).
    pub validate_target: Option<TokenHolder>,
    /// The parameters shared with responses, the extensions and the child order.
    pub params: Params,
    /// Attributes other than Context, kept.
    pub other_attributes: Vec<Attribute>,
}

impl RequestSecurityToken {
    /// A request of `request_type` with nothing else set.
    pub fn new(version: TrustVersion, request_type: RequestType) -> Self {
        RequestSecurityToken {
            version,
            context: None,
            request_type,
            renew_target: None,
            cancel_target: None,
            validate_target: None,
            params: Params::default(),
            other_attributes: Vec::new(),
        }
    }

    /// An Issue request for a security context token (the SCT binding, WS-SC 3.1).
    pub fn issue_sct(version: TrustVersion) -> Self {
        let mut r = Self::new(version, RequestType::Issue);
        r.params.token_type = Some(TokenType::SecurityContext);
        r
    }

    /// A Cancel request for the token `target` (e.g. a reference to an SCT).
    pub fn cancel(version: TrustVersion, target: TokenHolder) -> Self {
        let mut r = Self::new(version, RequestType::Cancel);
        r.cancel_target = Some(target);
        r
    }

    /// A Renew request for the token `target`.
    pub fn renew(version: TrustVersion, target: TokenHolder) -> Self {
        let mut r = Self::new(version, RequestType::Renew);
        r.renew_target = Some(target);
        r
    }

    /// Parse a document whose root is the RST, under the default limits.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        Self::from_xml_with(bytes, &Limits::default())
    }

    /// Parse under `limits`. The request is read from the parsed arena: no owned tree is
    /// built for it, only for the XML it keeps (extensions, tokens kept as XML).
    pub fn from_xml_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let doc = xml::parse_doc_with(bytes, limits)?;
        Self::read(doc.root())
    }

    /// Read an RST element, reporting the version seen in [`Self::version`].
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`RequestSecurityToken::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let mut version = message_version(el, "RequestSecurityToken")?;
        let mut request_type = None;
        // Filled in place (see `RequestSecurityTokenResponse::read`); the request type is
        // set once it is known to be there.
        let mut r = RequestSecurityToken::new(version, RequestType::Issue);
        {
            let RequestSecurityToken {
                params,
                renew_target,
                cancel_target,
                validate_target,
                ..
            } = &mut r;
            params.read_children(el, version, false, &mut |f, c| {
                match f {
                    Field::RequestType => {
                        set_once(&mut request_type, RequestType::parse_uri(&uri_ref(c)?), c)?
                    }
                    Field::RenewTarget => set_once(renew_target, TokenHolder::read(c)?, c)?,
                    Field::CancelTarget => set_once(cancel_target, TokenHolder::read(c)?, c)?,
                    Field::ValidateTarget => set_once(validate_target, TokenHolder::read(c)?, c)?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
        }
        r.request_type =
            request_type.ok_or_else(|| invalid(el, "required wst:RequestType is missing"))?;
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
            "RequestSecurityToken",
            declared,
            self.context.as_deref(),
            &self.other_attributes,
        );
        let mut own = |f: Field, n: usize, b: &mut B| -> bool {
            if n > 0 {
                return false;
            }
            let holder = |b: &mut B, h: &Option<TokenHolder>| {
                f.wrap_if(b, version, h.as_ref(), |h, b| h.write_body(b, version))
            };
            match f {
                Field::RequestType => f.text_if(b, version, Some(self.request_type.uri(version))),
                Field::RenewTarget => holder(b, &self.renew_target),
                Field::CancelTarget => holder(b, &self.cancel_target),
                Field::ValidateTarget => holder(b, &self.validate_target),
                _ => false,
            }
        };
        self.params.write_into(b, version, &mut own);
        b.close();
    }

    /// The same request in another version: typed SCTs and STR value types move to the
    /// matching WS-SC version; URIs are mapped when written.
    pub fn convert(&self, version: TrustVersion) -> Self {
        let mut r = self.clone();
        r.set_version(version);
        r
    }

    pub(crate) fn set_version(&mut self, version: TrustVersion) {
        self.version = version;
        for h in [
            &mut self.renew_target,
            &mut self.cancel_target,
            &mut self.validate_target,
        ]
        .into_iter()
        .flatten()
        {
            h.token.set_version(version);
        }
        self.params.set_version(version);
    }
}
