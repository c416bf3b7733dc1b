//! [`Params`]: the request parameters RST and RSTR share.
//!
//! WS-Trust section 5.2: "any type of parameter specified as input to a token request MAY
//! be present on response in order to specify the exact parameters used by the issuer",
//! and section 11.2 says the key and encryption options "can also be returned in a
//! RequestSecurityTokenResponse". So both messages carry one `Params`; what only a request
//! carries (RequestType, the targets) and only a response carries (the requested token,
//! proof, references, status) lives on [`super::RequestSecurityToken`] and
//! [`super::RequestSecurityTokenResponse`]. WS-Trust 1.3's SecondaryParameters holds a
//! `Params` too.
//!
//! `Params` also owns the message's extension elements and its [`Layout`], because the
//! same reader loop fills all three.

use super::applies_to::AppliesTo;
use super::exchange::{BinaryExchange, Claims, Renewing, SignChallenge};
use super::field::{write_children, Field, Slot};
use super::holder::{Participants, TokenHolder, UseKey};
use super::lifetime::Lifetime;
use super::secret::Entropy;
use super::uris::{ComputedKeyAlgorithm, KeyType, TokenType};
use crate::error::Result;
use crate::soap::read::{
    bool_of, element_only, invalid, other_attrs, set_once, text_ref, uri_of, uri_ref,
};
use crate::soap::{EndpointReference, Layout};
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{Attribute, Element, ElementRef};

/// Token request parameters (sections 6.1, 7, 10, 11), shared by RST and RSTR.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// wst:TokenType.
    pub token_type: Option<TokenType>,
    /// wsp:AppliesTo.
    pub applies_to: Option<AppliesTo>,
    /// wst:Claims.
    pub claims: Option<Claims>,
    /// wst:Entropy.
    pub entropy: Option<Entropy>,
    /// wst:Lifetime.
    pub lifetime: Option<Lifetime>,
    /// wst:AllowPostdating (an empty flag element).
    pub allow_postdating: bool,
    /// wst:Renewing.
    pub renewing: Option<Renewing>,
    /// wst:OnBehalfOf.
    pub on_behalf_of: Option<TokenHolder>,
    /// wst14:ActAs (WS-Trust 1.4; always written in the 1.4 namespace).
    pub act_as: Option<TokenHolder>,
    /// wst:Issuer (an endpoint reference).
    pub issuer: Option<EndpointReference>,
    /// wst:AuthenticationType.
    pub authentication_type: Option<String>,
    /// wst:KeyType.
    pub key_type: Option<KeyType>,
    /// wst:KeySize, in bits.
    pub key_size: Option<u32>,
    /// wst:SignatureAlgorithm.
    pub signature_algorithm: Option<String>,
    /// wst:EncryptionAlgorithm.
    pub encryption_algorithm: Option<String>,
    /// wst:CanonicalizationAlgorithm.
    pub canonicalization_algorithm: Option<String>,
    /// wst:ComputedKeyAlgorithm.
    pub computed_key_algorithm: Option<ComputedKeyAlgorithm>,
    /// wst:KeyWrapAlgorithm (1.3+).
    pub key_wrap_algorithm: Option<String>,
    /// wst:Encryption.
    pub encryption: Option<TokenHolder>,
    /// wst:ProofEncryption.
    pub proof_encryption: Option<TokenHolder>,
    /// wst:UseKey.
    pub use_key: Option<UseKey>,
    /// wst:SignWith.
    pub sign_with: Option<String>,
    /// wst:EncryptWith.
    pub encrypt_with: Option<String>,
    /// wst:DelegateTo.
    pub delegate_to: Option<TokenHolder>,
    /// wst:Forwardable (absent means true).
    pub forwardable: Option<bool>,
    /// wst:Delegatable (absent means false).
    pub delegatable: Option<bool>,
    /// wsp:Policy, kept as XML.
    pub policy: Option<Element>,
    /// wsp:PolicyReference, kept as XML.
    pub policy_reference: Option<Element>,
    /// wst:Participants.
    pub participants: Option<Participants>,
    /// wst:SignChallenge.
    pub sign_challenge: Option<SignChallenge>,
    /// wst:SignChallengeResponse.
    pub sign_challenge_response: Option<SignChallenge>,
    /// wst:BinaryExchange.
    pub binary_exchange: Option<BinaryExchange>,
    /// wst:RequestKET (an empty flag element).
    pub request_ket: bool,
    /// wst:KeyExchangeToken.
    pub key_exchange_token: Option<TokenHolder>,
    /// wst:SecondaryParameters (1.3+): parameters the requestor passes on from a policy.
    pub secondary_parameters: Option<Box<Params>>,
    /// Attributes of the SecondaryParameters element when this is one (unused otherwise).
    pub other_attributes: Vec<Attribute>,
    /// Child elements wssx does not type, in order.
    pub extensions: Vec<Element>,
    /// The order children were read in (serialization hint; ignored by `==`).
    pub layout: Layout<Slot>,
}

fn flag<'d, E: ElementRef<'d>>(el: E) -> Result<()> {
    element_only(el)?;
    if el.has_element_children() {
        return Err(invalid(el, "must be empty"));
    }
    Ok(())
}

fn key_size<'d, E: ElementRef<'d>>(el: E) -> Result<u32> {
    let t = text_ref(el)?;
    t.parse::<u32>()
        .map_err(|_| invalid(el, format!("'{t}' is not an unsigned 32-bit integer")))
}

/// The version of the document element `el`, which must be `{trust ns}local`.
pub(crate) fn message_version<'d, E: ElementRef<'d>>(el: E, local: &str) -> Result<TrustVersion> {
    el.ns()
        .and_then(TrustVersion::from_namespace)
        .filter(|v| *v != TrustVersion::V1_4 && el.local() == local)
        .ok_or_else(|| {
            invalid(
                el,
                format!(
                    "expected wst:{local} in a WS-Trust namespace, found {}",
                    crate::soap::read::clark(el)
                ),
            )
        })
}

/// Open an RST or RSTR (`local`) in `version` with its @Context and kept attributes;
/// `declared`: declare `wst` on it (a collection's members leave that to the collection).
pub(crate) fn open_message<B: Build + ?Sized>(
    b: &mut B,
    version: TrustVersion,
    local: &'static str,
    declared: bool,
    context: Option<&str>,
    other_attributes: &[Attribute],
) {
    let core = version.core_namespace();
    if declared {
        b.open_declared(core, "wst", local);
    } else {
        b.open(core, "wst", local);
    }
    if let Some(c) = context {
        b.attr("Context", c);
    }
    b.attrs(other_attributes);
}

/// True when anything typed or kept in `p` is specific to WS-Trust 1.4.
pub(crate) fn uses_1_4(p: &Params) -> bool {
    let ns14 = TrustVersion::V1_4.namespace();
    p.act_as.is_some() || p.extensions.iter().any(|e| e.ns.as_deref() == Some(ns14))
}

impl Params {
    /// Read the children of `el` (an RST, RSTR or SecondaryParameters of `version`):
    /// `own` gets first go at each typed child (returning Ok(true) when it took it), then
    /// `Params`; the rest become extensions. Errors are prefixed with `el`'s name.
    pub(crate) fn read_children<'d, E: ElementRef<'d>>(
        &mut self,
        el: E,
        version: TrustVersion,
        nested: bool,
        own: &mut dyn FnMut(Field, E) -> Result<bool>,
    ) -> Result<()> {
        element_only(el)?;
        let path = el.lazy_qname();
        // One slot per child: sized once (children count text nodes too; close enough).
        self.layout.0.reserve(el.children().size_hint().0);
        for c in el.elements() {
            let field = Field::classify_ref(c, version)
                .filter(|f| !(nested && *f == Field::SecondaryParameters));
            let taken = match field {
                Some(f) => {
                    let took = own(f, c).and_then(|t| {
                        if t {
                            Ok(true)
                        } else {
                            self.read(f, c, version)
                        }
                    });
                    took.map_err(|e| e.within(&path))?.then_some(f)
                }
                None => None,
            };
            match taken {
                Some(f) => self.layout.push(Slot::Field(f)),
                None => {
                    self.layout.push(Slot::Extension(self.extensions.len()));
                    self.extensions.push(c.to_element());
                }
            }
        }
        Ok(())
    }

    /// Read one child of field `f`; Ok(false) when `f` is not a shared parameter.
    fn read<'d, E: ElementRef<'d>>(&mut self, f: Field, c: E, v: TrustVersion) -> Result<bool> {
        match f {
            Field::TokenType => {
                set_once(&mut self.token_type, TokenType::parse_uri(&uri_ref(c)?), c)?
            }
            Field::AppliesTo => set_once(&mut self.applies_to, AppliesTo::read(c)?, c)?,
            Field::Claims => set_once(&mut self.claims, Claims::read(c)?, c)?,
            Field::Entropy => set_once(&mut self.entropy, Entropy::read(c, v)?, c)?,
            Field::Lifetime => set_once(&mut self.lifetime, Lifetime::read(c)?, c)?,
            Field::AllowPostdating => {
                flag(c)?;
                if std::mem::replace(&mut self.allow_postdating, true) {
                    return Err(invalid(c, "appears more than once"));
                }
            }
            Field::Renewing => set_once(&mut self.renewing, Renewing::read(c)?, c)?,
            Field::OnBehalfOf => set_once(&mut self.on_behalf_of, TokenHolder::read(c)?, c)?,
            Field::ActAs => set_once(&mut self.act_as, TokenHolder::read(c)?, c)?,
            Field::Issuer => set_once(&mut self.issuer, EndpointReference::read_content(c)?, c)?,
            Field::AuthenticationType => set_once(&mut self.authentication_type, uri_of(c)?, c)?,
            Field::KeyType => set_once(&mut self.key_type, KeyType::parse_uri(&uri_ref(c)?), c)?,
            Field::KeySize => set_once(&mut self.key_size, key_size(c)?, c)?,
            Field::SignatureAlgorithm => set_once(&mut self.signature_algorithm, uri_of(c)?, c)?,
            Field::EncryptionAlgorithm => set_once(&mut self.encryption_algorithm, uri_of(c)?, c)?,
            Field::CanonicalizationAlgorithm => {
                set_once(&mut self.canonicalization_algorithm, uri_of(c)?, c)?
            }
            Field::ComputedKeyAlgorithm => set_once(
                &mut self.computed_key_algorithm,
                ComputedKeyAlgorithm::parse_uri(&uri_ref(c)?),
                c,
            )?,
            Field::KeyWrapAlgorithm => set_once(&mut self.key_wrap_algorithm, uri_of(c)?, c)?,
            Field::Encryption => set_once(&mut self.encryption, TokenHolder::read(c)?, c)?,
            Field::ProofEncryption => {
                set_once(&mut self.proof_encryption, TokenHolder::read(c)?, c)?
            }
            Field::UseKey => set_once(&mut self.use_key, UseKey::read(c)?, c)?,
            Field::SignWith => set_once(&mut self.sign_with, uri_of(c)?, c)?,
            Field::EncryptWith => set_once(&mut self.encrypt_with, uri_of(c)?, c)?,
            Field::DelegateTo => set_once(&mut self.delegate_to, TokenHolder::read(c)?, c)?,
            Field::Forwardable => set_once(&mut self.forwardable, bool_of(c)?, c)?,
            Field::Delegatable => set_once(&mut self.delegatable, bool_of(c)?, c)?,
            Field::Policy => set_once(&mut self.policy, c.to_element(), c)?,
            Field::PolicyReference => set_once(&mut self.policy_reference, c.to_element(), c)?,
            Field::Participants => set_once(&mut self.participants, Participants::read(c, v)?, c)?,
            Field::SignChallenge => {
                set_once(&mut self.sign_challenge, SignChallenge::read(c, v)?, c)?
            }
            Field::SignChallengeResponse => set_once(
                &mut self.sign_challenge_response,
                SignChallenge::read(c, v)?,
                c,
            )?,
            Field::BinaryExchange => {
                set_once(&mut self.binary_exchange, BinaryExchange::read(c)?, c)?
            }
            Field::RequestKet => {
                flag(c)?;
                if std::mem::replace(&mut self.request_ket, true) {
                    return Err(invalid(c, "appears more than once"));
                }
            }
            Field::KeyExchangeToken => {
                set_once(&mut self.key_exchange_token, TokenHolder::read(c)?, c)?
            }
            Field::SecondaryParameters => {
                let mut p = Params {
                    other_attributes: other_attrs(c, &[]),
                    ..Default::default()
                };
                p.read_children(c, v, true, &mut |_, _| Ok(false))?;
                set_once(&mut self.secondary_parameters, Box::new(p), c)?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Write the element of shared field `f` for a message in `v` (n must be 0: no shared
    /// field repeats); false when it is not set or not a shared field.
    pub(crate) fn emit<B: Build + ?Sized>(
        &self,
        f: Field,
        n: usize,
        v: TrustVersion,
        b: &mut B,
    ) -> bool {
        if n > 0 {
            return false;
        }
        let text = |b: &mut B, s: &Option<String>| f.text_if(b, v, s.as_deref());
        let holder = |b: &mut B, h: &Option<TokenHolder>| {
            f.wrap_if(b, v, h.as_ref(), |h, b| h.write_body(b, v))
        };
        let boolean = |b: &mut B, x: Option<bool>| {
            f.text_if(b, v, x.map(|x| if x { "true" } else { "false" }))
        };
        let whole = |b: &mut B, x: &Option<Element>| x.as_ref().map(|x| b.element(x)).is_some();
        match f {
            Field::TokenType => f.text_if(b, v, self.token_type.as_ref().map(|t| t.uri(v))),
            Field::AppliesTo => self.applies_to.as_ref().map(|a| a.write(b)).is_some(),
            Field::Claims => f.wrap_if(b, v, self.claims.as_ref(), |c, b| c.write_body(b)),
            Field::Entropy => self.entropy.as_ref().map(|e| e.write(b, v)).is_some(),
            Field::Lifetime => self.lifetime.as_ref().map(|l| l.write(b, v)).is_some(),
            Field::AllowPostdating => f.flag_if(b, v, self.allow_postdating),
            Field::Renewing => f.wrap_if(b, v, self.renewing.as_ref(), |r, b| r.write_body(b)),
            Field::OnBehalfOf => holder(b, &self.on_behalf_of),
            Field::ActAs => holder(b, &self.act_as),
            Field::Issuer => f.wrap_if(b, v, self.issuer.as_ref(), |e, b| {
                e.write_content_to(b, e.version, "wsa")
            }),
            Field::AuthenticationType => text(b, &self.authentication_type),
            Field::KeyType => f.text_if(b, v, self.key_type.as_ref().map(|k| k.uri(v))),
            Field::KeySize => match self.key_size {
                Some(k) => {
                    build::with_decimal(u64::from(k), |t| f.leaf(b, v, t));
                    true
                }
                None => false,
            },
            Field::SignatureAlgorithm => text(b, &self.signature_algorithm),
            Field::EncryptionAlgorithm => text(b, &self.encryption_algorithm),
            Field::CanonicalizationAlgorithm => text(b, &self.canonicalization_algorithm),
            Field::ComputedKeyAlgorithm => {
                f.text_if(b, v, self.computed_key_algorithm.as_ref().map(|a| a.uri(v)))
            }
            Field::KeyWrapAlgorithm => text(b, &self.key_wrap_algorithm),
            Field::Encryption => holder(b, &self.encryption),
            Field::ProofEncryption => holder(b, &self.proof_encryption),
            Field::UseKey => f.wrap_if(b, v, self.use_key.as_ref(), |u, b| u.write_body(b, v)),
            Field::SignWith => text(b, &self.sign_with),
            Field::EncryptWith => text(b, &self.encrypt_with),
            Field::DelegateTo => holder(b, &self.delegate_to),
            Field::Forwardable => boolean(b, self.forwardable),
            Field::Delegatable => boolean(b, self.delegatable),
            Field::Policy => whole(b, &self.policy),
            Field::PolicyReference => whole(b, &self.policy_reference),
            Field::Participants => {
                f.wrap_if(b, v, self.participants.as_ref(), |p, b| p.write_body(b, v))
            }
            Field::SignChallenge => f.wrap_if(b, v, self.sign_challenge.as_ref(), |s, b| {
                s.write_body(b, v)
            }),
            Field::SignChallengeResponse => {
                f.wrap_if(b, v, self.sign_challenge_response.as_ref(), |s, b| {
                    s.write_body(b, v)
                })
            }
            Field::BinaryExchange => {
                f.wrap_if(b, v, self.binary_exchange.as_ref(), |x, b| x.write_body(b))
            }
            Field::RequestKet => f.flag_if(b, v, self.request_ket),
            Field::KeyExchangeToken => holder(b, &self.key_exchange_token),
            Field::SecondaryParameters => {
                f.wrap_if(b, v, self.secondary_parameters.as_deref(), |p, b| {
                    b.attrs(&p.other_attributes);
                    p.write_into(b, v, &mut |_, _, _| false);
                })
            }
            _ => false,
        }
    }

    /// Write the children of a message: `own` first (the message's own fields), then the
    /// shared parameters, in layout order.
    pub(crate) fn write_into<B: Build + ?Sized>(
        &self,
        b: &mut B,
        v: TrustVersion,
        own: &mut dyn FnMut(Field, usize, &mut B) -> bool,
    ) {
        write_children(b, &self.layout, &self.extensions, &mut |f, n, b| {
            own(f, n, b) || self.emit(f, n, v, b)
        });
    }

    /// Move typed version-dependent content (SCTs, STR value types) to `version`.
    pub(crate) fn set_version(&mut self, version: TrustVersion) {
        for h in [
            &mut self.on_behalf_of,
            &mut self.act_as,
            &mut self.encryption,
            &mut self.proof_encryption,
            &mut self.delegate_to,
            &mut self.key_exchange_token,
        ]
        .into_iter()
        .flatten()
        {
            h.token.set_version(version);
        }
        if let Some(u) = &mut self.use_key {
            if let Some(t) = &mut u.token {
                t.set_version(version);
            }
        }
        if let Some(p) = &mut self.participants {
            p.set_version(version);
        }
        if let Some(p) = &mut self.secondary_parameters {
            p.set_version(version);
        }
    }
}
