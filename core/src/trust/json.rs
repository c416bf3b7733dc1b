//! JSON descriptions of trust messages, for `wssx inspect`, Node's plain objects and
//! debugging. Fields that are not set are left out; URIs in the table appear by name
//! (`"requestType": "Issue"`), others as written. Secret bytes are never included: a
//! BinarySecret shows its type and length only.

use super::applies_to::{AppliesTo, Scope};
use super::collection::{
    IssuedTokens, RequestSecurityTokenCollection, RequestSecurityTokenResponseCollection,
};
use super::exchange::{Authenticator, BinaryExchange, Claims, SignChallenge, Status};
use super::holder::{Participants, TokenHolder, TokenRef, UseKey};
use super::lifetime::Lifetime;
use super::params::Params;
use super::secret::{BinarySecret, Entropy, KeyMaterial, ProofToken};
use super::{RequestSecurityToken, RequestSecurityTokenResponse};
use crate::json::Json;
use crate::xml::{self, Element, Node};

fn xml_json(e: &Element) -> Json {
    Json::object()
        .with("element", crate::soap::read::clark(e))
        .with("xml", xml::element_to_string(e))
}

/// An object builder that skips absent values.
struct Obj(Json);

impl Obj {
    fn new(kind: &str) -> Self {
        Obj(Json::object().with("type", kind))
    }
    fn plain() -> Self {
        Obj(Json::object())
    }
    fn set(mut self, key: &str, v: impl Into<Json>) -> Self {
        self.0 = self.0.with(key, v);
        self
    }
    fn opt<T>(self, key: &str, v: Option<T>, f: impl FnOnce(T) -> Json) -> Self {
        match v {
            Some(v) => self.set(key, f(v)),
            None => self,
        }
    }
    fn flag(self, key: &str, b: bool) -> Self {
        if b {
            self.set(key, true)
        } else {
            self
        }
    }
    fn list(self, key: &str, items: &[Element]) -> Self {
        if items.is_empty() {
            self
        } else {
            self.set(key, Json::Array(items.iter().map(xml_json).collect()))
        }
    }
}

impl TokenRef {
    /// A JSON description of the token or reference.
    pub fn to_json(&self) -> Json {
        match self {
            TokenRef::SecurityContext(t) => t.to_json(),
            TokenRef::Reference(s) => s.to_json(),
            TokenRef::EndpointReference(e) => e.to_json(),
            TokenRef::Xml(x) => xml_json(x),
        }
    }
}

fn holder(h: &TokenHolder) -> Json {
    h.token.to_json()
}

impl BinarySecret {
    /// Type and length (never the bytes).
    pub fn to_json(&self) -> Json {
        Obj::new("BinarySecret")
            .set("secretType", self.kind().name())
            .set("length", self.secret.len() as u64)
            .0
    }
}

impl Entropy {
    /// A JSON description.
    pub fn to_json(&self) -> Json {
        match &self.material {
            KeyMaterial::BinarySecret(b) => b.to_json(),
            KeyMaterial::EncryptedKey(e)
            | KeyMaterial::EncryptedData(e)
            | KeyMaterial::Other(e) => xml_json(e),
        }
    }
}

impl ProofToken {
    /// A JSON description.
    pub fn to_json(&self) -> Json {
        match self {
            ProofToken::BinarySecret(b) => b.to_json(),
            ProofToken::ComputedKey(a) => Obj::new("ComputedKey").set("algorithm", a.name()).0,
            ProofToken::EncryptedKey(e) | ProofToken::Other(e) => xml_json(e),
            ProofToken::Reference(s) => s.to_json(),
        }
    }
}

impl Lifetime {
    /// `{"created": ..., "expires": ...}` in UTC.
    pub fn to_json(&self) -> Json {
        Obj::plain()
            .opt("created", self.created, |c| c.to_xsd().into())
            .opt("expires", self.expires, |e| e.to_xsd().into())
            .0
    }
}

impl AppliesTo {
    /// The scopes (endpoint references typed, others as XML).
    pub fn to_json(&self) -> Json {
        let scopes: Vec<Json> = self
            .scopes
            .iter()
            .map(|s| match s {
                Scope::EndpointReference(e) => e.to_json(),
                Scope::Xml(x) => xml_json(x),
            })
            .collect();
        Obj::plain()
            .opt("address", self.endpoint_address(), Json::from)
            .set("scopes", Json::Array(scopes))
            .0
    }
}

impl Params {
    fn json_into(&self, o: Obj) -> Obj {
        o.opt("tokenType", self.token_type.as_ref(), |t| t.name().into())
            .opt("appliesTo", self.applies_to.as_ref(), AppliesTo::to_json)
            .opt("claims", self.claims.as_ref(), |c: &Claims| {
                let xml: Vec<Json> = c
                    .content
                    .iter()
                    .filter_map(|n| match n {
                        Node::Element(e) => Some(xml_json(e)),
                        _ => None,
                    })
                    .collect();
                Obj::plain()
                    .opt("dialect", c.dialect.as_deref(), Json::from)
                    .set("content", Json::Array(xml))
                    .0
            })
            .opt("entropy", self.entropy.as_ref(), Entropy::to_json)
            .opt("lifetime", self.lifetime.as_ref(), Lifetime::to_json)
            .flag("allowPostdating", self.allow_postdating)
            .opt("renewing", self.renewing.as_ref(), |r| {
                Obj::plain()
                    .set("allow", r.allows_renewal())
                    .set("ok", r.ok_after_expiry())
                    .0
            })
            .opt("onBehalfOf", self.on_behalf_of.as_ref(), holder)
            .opt("actAs", self.act_as.as_ref(), holder)
            .opt("issuer", self.issuer.as_ref(), |e| e.to_json())
            .opt(
                "authenticationType",
                self.authentication_type.as_deref(),
                Json::from,
            )
            .opt("keyType", self.key_type.as_ref(), |k| k.name().into())
            .opt("keySize", self.key_size, Json::from)
            .opt(
                "signatureAlgorithm",
                self.signature_algorithm.as_deref(),
                Json::from,
            )
            .opt(
                "encryptionAlgorithm",
                self.encryption_algorithm.as_deref(),
                Json::from,
            )
            .opt(
                "canonicalizationAlgorithm",
                self.canonicalization_algorithm.as_deref(),
                Json::from,
            )
            .opt(
                "computedKeyAlgorithm",
                self.computed_key_algorithm.as_ref(),
                |a| a.name().into(),
            )
            .opt(
                "keyWrapAlgorithm",
                self.key_wrap_algorithm.as_deref(),
                Json::from,
            )
            .opt("encryption", self.encryption.as_ref(), holder)
            .opt("proofEncryption", self.proof_encryption.as_ref(), holder)
            .opt("useKey", self.use_key.as_ref(), |u: &UseKey| {
                Obj::plain()
                    .opt("sig", u.sig.as_deref(), Json::from)
                    .opt("token", u.token.as_ref(), TokenRef::to_json)
                    .0
            })
            .opt("signWith", self.sign_with.as_deref(), Json::from)
            .opt("encryptWith", self.encrypt_with.as_deref(), Json::from)
            .opt("delegateTo", self.delegate_to.as_ref(), holder)
            .opt("forwardable", self.forwardable, Json::from)
            .opt("delegatable", self.delegatable, Json::from)
            .opt("policy", self.policy.as_ref(), xml_json)
            .opt("policyReference", self.policy_reference.as_ref(), xml_json)
            .opt(
                "participants",
                self.participants.as_ref(),
                |p: &Participants| {
                    Obj::plain()
                        .opt("primary", p.primary.as_ref(), holder)
                        .set(
                            "participants",
                            Json::Array(p.participants.iter().map(holder).collect()),
                        )
                        .0
                },
            )
            .opt(
                "signChallenge",
                self.sign_challenge.as_ref(),
                |s: &SignChallenge| Obj::plain().set("challenge", s.challenge.as_str()).0,
            )
            .opt(
                "signChallengeResponse",
                self.sign_challenge_response.as_ref(),
                |s: &SignChallenge| Obj::plain().set("challenge", s.challenge.as_str()).0,
            )
            .opt(
                "binaryExchange",
                self.binary_exchange.as_ref(),
                |b: &BinaryExchange| {
                    Obj::plain()
                        .set("valueType", b.value_type.as_str())
                        .opt("encodingType", b.encoding_type.as_deref(), Json::from)
                        .set("data", xml::encode_base64(&b.data))
                        .0
                },
            )
            .flag("requestKet", self.request_ket)
            .opt("keyExchangeToken", self.key_exchange_token.as_ref(), holder)
            .opt(
                "secondaryParameters",
                self.secondary_parameters.as_deref(),
                |p: &Params| p.json_into(Obj::plain()).0,
            )
            .list("extensions", &self.extensions)
    }
}

impl RequestSecurityToken {
    /// A JSON description.
    pub fn to_json(&self) -> Json {
        let o = Obj::new("RequestSecurityToken")
            .set("version", self.version.short_name())
            .opt("context", self.context.as_deref(), Json::from)
            .set("requestType", self.request_type.name())
            .opt("renewTarget", self.renew_target.as_ref(), holder)
            .opt("cancelTarget", self.cancel_target.as_ref(), holder)
            .opt("validateTarget", self.validate_target.as_ref(), holder);
        self.params.json_into(o).0
    }
}

impl RequestSecurityTokenResponse {
    /// A JSON description.
    pub fn to_json(&self) -> Json {
        let o = Obj::new("RequestSecurityTokenResponse")
            .set("version", self.version.short_name())
            .opt("context", self.context.as_deref(), Json::from)
            .opt("requestType", self.request_type.as_ref(), |t| {
                t.name().into()
            })
            .opt(
                "requestedSecurityToken",
                self.requested_security_token.as_ref(),
                holder,
            );
        let o = if self.requested_proof_tokens.is_empty() {
            o
        } else {
            o.set(
                "requestedProofTokens",
                Json::Array(
                    self.requested_proof_tokens
                        .iter()
                        .map(|p| p.token.to_json())
                        .collect(),
                ),
            )
        };
        let o = o
            .opt(
                "requestedAttachedReference",
                self.requested_attached_reference.as_ref(),
                |r| r.reference.to_json(),
            )
            .opt(
                "requestedUnattachedReference",
                self.requested_unattached_reference.as_ref(),
                |r| r.reference.to_json(),
            )
            .flag("requestedTokenCancelled", self.requested_token_cancelled)
            .opt("status", self.status.as_ref(), |s: &Status| {
                Obj::plain()
                    .set("code", s.code.name())
                    .opt("reason", s.reason.as_deref(), Json::from)
                    .0
            })
            .opt(
                "authenticator",
                self.authenticator.as_ref(),
                |a: &Authenticator| {
                    Obj::plain()
                        .opt("combinedHash", a.combined_hash.as_deref(), |h| {
                            xml::encode_base64(h).into()
                        })
                        .0
                },
            );
        self.params.json_into(o).0
    }
}

macro_rules! collection_json {
    ($t:ident, $field:ident, $key:literal) => {
        impl $t {
            /// A JSON description.
            pub fn to_json(&self) -> Json {
                Obj::new(stringify!($t))
                    .set("version", self.version.short_name())
                    .set(
                        $key,
                        Json::Array(self.$field.iter().map(|m| m.to_json()).collect()),
                    )
                    .0
            }
        }
    };
}

collection_json!(
    RequestSecurityTokenResponseCollection,
    responses,
    "responses"
);
collection_json!(RequestSecurityTokenCollection, requests, "requests");
collection_json!(IssuedTokens, responses, "responses");
