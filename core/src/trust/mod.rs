//! The WS-Trust message model: RST, RSTR, RSTRC, RSTC and IssuedTokens in WS-Trust
//! February 2005, 1.3 and 1.4, as typed values.
//!
//! Every element reads from an XML element and reports the version it saw: `read` takes
//! any [`ElementRef`] (the owned [`Element`] or an element of a parsed [`xml::Doc`]) and
//! `from_element` is `read` on the owned tree; `from_xml` reads the parsed arena directly,
//! since building the owned tree first cost about a third of a typed parse (see
//! `benches/trust.rs`). Every element writes to any version, mapping each versioned URI
//! through the table in [`uris`] and each namespace through [`TrustVersion`], so a WCF
//! wsHttpBinding (Feb 2005) request becomes a ws2007HttpBinding (1.3) one with `convert`
//! or `to_xml(version)`.
//!
//! Known children are typed fields; unknown children and attributes are kept in order and
//! written back, and the order children came in is kept (see [`crate::soap::Layout`]), so
//! a parsed message writes back to an equivalent document. Malformed input gives an
//! [`crate::Error`] with a spec fault kind (`InvalidRequest` for malformed requests,
//! `InvalidTimeRange` for an inverted Lifetime, `BadContextToken` for a bad SCT) and the
//! path of the element at fault; no input panics.
//!
//! Version notes:
//! - 1.4 messages use the 1.3 namespace for everything except the elements 1.4 added
//!   (ActAs); a 1.3-namespace message carrying one of them is reported as 1.4.
//! - A URI of another version inside a message (a Feb 2005 key type in a 1.3 request) is
//!   understood, and written back in the message's version.
//! - SCTs inside a message are written in the WS-SC version paired with the trust version
//!   (Feb 2005 with Feb 2005, 1.3 and 1.4 with 1.3).

mod applies_to;
#[cfg(test)]
mod arena_tests;
mod collection;
mod exchange;
mod field;
mod holder;
mod json;
mod lifetime;
mod params;
mod rst;
mod rstr;
mod secret;
pub mod uris;

pub use applies_to::{AppliesTo, Scope, WspVersion};
pub use collection::{
    IssuedTokens, RequestSecurityTokenCollection, RequestSecurityTokenResponseCollection,
};
pub use exchange::{
    Authenticator, BinaryExchange, Claims, Renewing, SignChallenge, Status, BASE64_ENCODING,
};
pub use field::{Field, Slot};
pub use holder::{Participants, TokenHolder, TokenRef, UseKey};
pub use lifetime::Lifetime;
pub use params::Params;
pub use rst::RequestSecurityToken;
pub use rstr::{RequestSecurityTokenResponse, RequestedReference};
pub use secret::{BinarySecret, Entropy, KeyMaterial, ProofToken, RequestedProofToken};
pub use uris::{
    Action, BinarySecretType, ComputedKeyAlgorithm, KeyType, RequestType, StatusCode, TokenType,
};

use crate::error::Result;
use crate::json::Json;
use crate::soap::read::{clark, invalid};
use crate::soap::{Addressing, Envelope, SoapVersion};
use crate::version::TrustVersion;
use crate::xml::{self, Element, ElementRef, Limits};

/// Any WS-Trust message element, for callers (and `wssx inspect`) that do not know which
/// one they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustMessage {
    /// wst:RequestSecurityToken.
    Request(RequestSecurityToken),
    /// wst:RequestSecurityTokenResponse.
    Response(RequestSecurityTokenResponse),
    /// wst:RequestSecurityTokenResponseCollection.
    ResponseCollection(RequestSecurityTokenResponseCollection),
    /// wst:RequestSecurityTokenCollection.
    RequestCollection(RequestSecurityTokenCollection),
    /// wst:IssuedTokens.
    IssuedTokens(IssuedTokens),
}

impl TrustMessage {
    /// True when `el` is a WS-Trust message element of any version.
    pub fn is_trust_element(el: &Element) -> bool {
        el.ns
            .as_deref()
            .and_then(TrustVersion::from_namespace)
            .is_some()
            && matches!(
                el.local.as_str(),
                "RequestSecurityToken"
                    | "RequestSecurityTokenResponse"
                    | "RequestSecurityTokenResponseCollection"
                    | "RequestSecurityTokenCollection"
                    | "IssuedTokens"
            )
    }

    /// Read whichever message `el` is.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`TrustMessage::from_element`] for an element of the owned tree or of a parsed
    /// [`xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        Ok(match el.local() {
            "RequestSecurityToken" => TrustMessage::Request(RequestSecurityToken::read(el)?),
            "RequestSecurityTokenResponse" => {
                TrustMessage::Response(RequestSecurityTokenResponse::read(el)?)
            }
            "RequestSecurityTokenResponseCollection" => {
                TrustMessage::ResponseCollection(RequestSecurityTokenResponseCollection::read(el)?)
            }
            "RequestSecurityTokenCollection" => {
                TrustMessage::RequestCollection(RequestSecurityTokenCollection::read(el)?)
            }
            "IssuedTokens" => TrustMessage::IssuedTokens(IssuedTokens::read(el)?),
            _ => {
                return Err(invalid(
                    el,
                    format!("not a WS-Trust message: {}", clark(el)),
                ))
            }
        })
    }

    /// Parse bytes holding a trust message, or a SOAP envelope whose body (or, for
    /// IssuedTokens, header) holds one.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        Self::from_xml_with(bytes, &Limits::default())
    }

    /// [`TrustMessage::from_xml`] under `limits`. A bare message is read from the parsed
    /// arena; an envelope is read into the owned tree first, because the envelope reader
    /// works on [`Envelope`] (whose headers and body are owned elements).
    pub fn from_xml_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let doc = xml::parse_doc_with(bytes, limits)?;
        let root = doc.root();
        if root.local() == "Envelope" && root.ns().and_then(SoapVersion::from_namespace).is_some() {
            return Self::from_envelope(&Envelope::from_element(&doc.to_document().root)?);
        }
        Self::read(root)
    }

    /// The trust message of an envelope: the first body element when it is one, else the
    /// first trust message among the headers (IssuedTokens). A Fault body gives the
    /// fault's typed error.
    pub fn from_envelope(env: &Envelope) -> Result<Self> {
        if let Some(f) = env.fault() {
            return Err(f?.to_error());
        }
        let body_path = format!("{}:Envelope/{}:Body", env.prefix, env.prefix);
        if let Some(b) = env.body_element().filter(|b| Self::is_trust_element(b)) {
            return Self::from_element(b).map_err(|e| e.within(&body_path));
        }
        if let Some(h) = env.headers.iter().find(|h| Self::is_trust_element(h)) {
            return Self::from_element(h)
                .map_err(|e| e.within(&format!("{}:Envelope/{}:Header", env.prefix, env.prefix)));
        }
        Err(crate::Error::at(
            crate::ErrorKind::InvalidRequest,
            body_path,
            "the body holds no WS-Trust message",
        ))
    }

    /// The version read.
    pub fn version(&self) -> TrustVersion {
        match self {
            TrustMessage::Request(m) => m.version,
            TrustMessage::Response(m) => m.version,
            TrustMessage::ResponseCollection(m) => m.version,
            TrustMessage::RequestCollection(m) => m.version,
            TrustMessage::IssuedTokens(m) => m.version,
        }
    }

    /// Build the element in `version`.
    pub fn to_element(&self, version: TrustVersion) -> Element {
        match self {
            TrustMessage::Request(m) => m.to_element(version),
            TrustMessage::Response(m) => m.to_element(version),
            TrustMessage::ResponseCollection(m) => m.to_element(version),
            TrustMessage::RequestCollection(m) => m.to_element(version),
            TrustMessage::IssuedTokens(m) => m.to_element(version),
        }
    }

    /// Serialize in `version`.
    pub fn to_xml(&self, version: TrustVersion) -> String {
        match self {
            TrustMessage::Request(m) => m.to_xml(version),
            TrustMessage::Response(m) => m.to_xml(version),
            TrustMessage::ResponseCollection(m) => m.to_xml(version),
            TrustMessage::RequestCollection(m) => m.to_xml(version),
            TrustMessage::IssuedTokens(m) => m.to_xml(version),
        }
    }

    /// The same message in another version.
    pub fn convert(&self, version: TrustVersion) -> Self {
        match self {
            TrustMessage::Request(m) => TrustMessage::Request(m.convert(version)),
            TrustMessage::Response(m) => TrustMessage::Response(m.convert(version)),
            TrustMessage::ResponseCollection(m) => {
                TrustMessage::ResponseCollection(m.convert(version))
            }
            TrustMessage::RequestCollection(m) => {
                TrustMessage::RequestCollection(m.convert(version))
            }
            TrustMessage::IssuedTokens(m) => TrustMessage::IssuedTokens(m.convert(version)),
        }
    }

    /// A JSON description.
    pub fn to_json(&self) -> Json {
        match self {
            TrustMessage::Request(m) => m.to_json(),
            TrustMessage::Response(m) => m.to_json(),
            TrustMessage::ResponseCollection(m) => m.to_json(),
            TrustMessage::RequestCollection(m) => m.to_json(),
            TrustMessage::IssuedTokens(m) => m.to_json(),
        }
    }

    /// A SOAP envelope in `soap` carrying this message written in `version` as its body
    /// (IssuedTokens, a header, goes into the header with an empty body).
    pub fn to_envelope(
        &self,
        version: TrustVersion,
        soap: SoapVersion,
        addressing: Option<Addressing>,
    ) -> Envelope {
        let mut env = Envelope::new(soap);
        env.addressing = addressing;
        match self {
            TrustMessage::IssuedTokens(_) => env.headers.push(self.to_element(version)),
            _ => env.body.push(self.to_element(version)),
        }
        env
    }
}

/// A JSON description of an envelope with its trust messages (body and IssuedTokens
/// headers) described in full.
pub fn envelope_json(env: &Envelope) -> Json {
    let describe = |el: &Element| {
        if TrustMessage::is_trust_element(el) {
            Some(
                TrustMessage::from_element(el)
                    .map(|m| m.to_json())
                    .unwrap_or_else(|e| Json::object().with("error", e.to_string())),
            )
        } else {
            None
        }
    };
    let mut j = env.to_json_with(&describe);
    let issued: Vec<Json> = env
        .headers
        .iter()
        .filter(|h| TrustMessage::is_trust_element(h))
        .filter_map(describe)
        .collect();
    if !issued.is_empty() {
        j = j.with("issuedTokens", Json::Array(issued));
    }
    j
}
