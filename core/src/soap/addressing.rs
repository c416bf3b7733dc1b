//! WS-Addressing message headers: Action, MessageID, To, RelatesTo, ReplyTo.
//!
//! Each header keeps its `mustUnderstand` flag as a typed bool (the attribute's namespace
//! and lexical form differ between SOAP 1.1 and 1.2, so it is re-written for the envelope's
//! version) and every other attribute as read (a `wsu:Id` that a signature points at must
//! survive a round trip).

use super::epr::{EndpointReference, WsaVersion};
use super::read::{invalid, other_attrs, parse_bool, text_of, uri_of, TextChild};
use crate::error::{Error, ErrorKind, Result};
use crate::json::Json;
use crate::message::SoapVersion;
use crate::xml::{Attribute, Element};

/// One addressing header: its value, its mustUnderstand flag and its other attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<T> {
    /// The typed value.
    pub value: T,
    /// `mustUnderstand` (written as `1` in SOAP 1.1 and `true` in SOAP 1.2).
    pub must_understand: bool,
    /// Other attributes (`wsu:Id`, SOAP role / actor, ...), kept as read.
    pub other_attributes: Vec<Attribute>,
}

impl<T> Header<T> {
    /// A header without mustUnderstand.
    pub fn new(value: T) -> Self {
        Header {
            value,
            must_understand: false,
            other_attributes: Vec::new(),
        }
    }

    /// A header marked mustUnderstand.
    pub fn required(value: T) -> Self {
        Header {
            value,
            must_understand: true,
            other_attributes: Vec::new(),
        }
    }
}

/// wsa:RelatesTo: the MessageID of a related message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatesTo {
    /// The related message's MessageID.
    pub message_id: String,
    /// @RelationshipType as written (absent means "reply").
    pub relationship: Option<String>,
}

/// Which addressing header a header block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressingHeader {
    /// wsa:Action
    Action,
    /// wsa:MessageID
    MessageId,
    /// wsa:To
    To,
    /// wsa:RelatesTo
    RelatesTo,
    /// wsa:ReplyTo
    ReplyTo,
}

impl AddressingHeader {
    /// Every typed header, in the order wssx writes them into a new message.
    pub const ALL: [AddressingHeader; 5] = [
        AddressingHeader::Action,
        AddressingHeader::MessageId,
        AddressingHeader::RelatesTo,
        AddressingHeader::ReplyTo,
        AddressingHeader::To,
    ];

    /// The element's local name.
    pub const fn local(self) -> &'static str {
        match self {
            AddressingHeader::Action => "Action",
            AddressingHeader::MessageId => "MessageID",
            AddressingHeader::To => "To",
            AddressingHeader::RelatesTo => "RelatesTo",
            AddressingHeader::ReplyTo => "ReplyTo",
        }
    }

    /// Which typed header `el` is, if it is one of `version`.
    pub fn of(el: &Element, version: WsaVersion) -> Option<AddressingHeader> {
        if el.ns.as_deref() != Some(version.namespace()) {
            return None;
        }
        Self::ALL.into_iter().find(|h| h.local() == el.local)
    }
}

/// The WS-Addressing headers of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressing {
    /// The namespace version all of these headers are in.
    pub version: WsaVersion,
    /// wsa:Action.
    pub action: Option<Header<String>>,
    /// wsa:MessageID.
    pub message_id: Option<Header<String>>,
    /// wsa:To.
    pub to: Option<Header<String>>,
    /// wsa:RelatesTo (may repeat with different relationship types).
    pub relates_to: Vec<Header<RelatesTo>>,
    /// wsa:ReplyTo.
    pub reply_to: Option<Header<EndpointReference>>,
}

fn must_understand_of(el: &Element, soap: SoapVersion) -> Result<bool> {
    match el.attr(Some(soap.namespace()), "mustUnderstand") {
        None => Ok(false),
        Some(v) => parse_bool(v).ok_or_else(|| {
            Error::at(
                ErrorKind::InvalidRequest,
                format!("{}/@mustUnderstand", el.qname()),
                format!("'{v}' is not a boolean"),
            )
        }),
    }
}

impl Addressing {
    /// No headers yet.
    pub fn new(version: WsaVersion) -> Self {
        Addressing {
            version,
            action: None,
            message_id: None,
            to: None,
            relates_to: Vec::new(),
            reply_to: None,
        }
    }

    /// Headers for a request: Action and To (both mustUnderstand, as WCF sends them), a
    /// fresh `urn:uuid:` MessageID and an anonymous ReplyTo.
    pub fn request(
        version: WsaVersion,
        action: impl Into<String>,
        to: impl Into<String>,
    ) -> Result<Self> {
        let mut a = Addressing::new(version);
        a.action = Some(Header::required(action.into()));
        a.message_id = Some(Header::new(crate::crypto::random_uuid_urn()?));
        a.reply_to = Some(Header::new(EndpointReference::anonymous(version)));
        a.to = Some(Header::required(to.into()));
        Ok(a)
    }

    /// Headers for the reply to a message carrying `self`: the Action given (mustUnderstand),
    /// RelatesTo the request's MessageID, and To the request's ReplyTo address unless that
    /// is anonymous (the reply then travels on the back channel and needs no To).
    pub fn reply(&self, action: impl Into<String>) -> Self {
        let mut a = Addressing::new(self.version);
        a.action = Some(Header::required(action.into()));
        if let Some(id) = &self.message_id {
            a.relates_to.push(Header::new(RelatesTo {
                message_id: id.value.clone(),
                relationship: None,
            }));
        }
        if let Some(r) = &self.reply_to {
            if !r.value.is_anonymous() {
                a.to = Some(Header::required(r.value.address.clone()));
            }
        }
        a
    }

    /// The Action value.
    pub fn action(&self) -> Option<&str> {
        self.action.as_ref().map(|h| h.value.as_str())
    }

    /// The MessageID value.
    pub fn message_id(&self) -> Option<&str> {
        self.message_id.as_ref().map(|h| h.value.as_str())
    }

    /// The To value.
    pub fn to(&self) -> Option<&str> {
        self.to.as_ref().map(|h| h.value.as_str())
    }

    /// The MessageID this message is a reply to (the first RelatesTo without a relationship
    /// type or with the reply type).
    pub fn relates_to(&self) -> Option<&str> {
        self.relates_to
            .iter()
            .find(|h| match h.value.relationship.as_deref() {
                None => true,
                Some(r) => r.ends_with("reply") || r.ends_with("Reply"),
            })
            .map(|h| h.value.message_id.as_str())
    }

    /// The ReplyTo address.
    pub fn reply_to(&self) -> Option<&str> {
        self.reply_to.as_ref().map(|h| h.value.address.as_str())
    }

    /// Read one header block into `self` (it must be `kind`, in `self.version`).
    pub(crate) fn read(
        &mut self,
        kind: AddressingHeader,
        el: &Element,
        soap: SoapVersion,
    ) -> Result<()> {
        let mu = must_understand_of(el, soap)?;
        let attrs = other_attrs(el, &[(Some(soap.namespace()), "mustUnderstand")]);
        let dup = || invalid(el, "appears more than once");
        match kind {
            AddressingHeader::Action | AddressingHeader::MessageId | AddressingHeader::To => {
                let v = if kind == AddressingHeader::MessageId {
                    text_of(el)?
                } else {
                    uri_of(el)?
                };
                if v.is_empty() {
                    return Err(invalid(el, "is empty"));
                }
                let slot = match kind {
                    AddressingHeader::Action => &mut self.action,
                    AddressingHeader::MessageId => &mut self.message_id,
                    _ => &mut self.to,
                };
                if slot.is_some() {
                    return Err(dup());
                }
                *slot = Some(Header {
                    value: v,
                    must_understand: mu,
                    other_attributes: attrs,
                });
            }
            AddressingHeader::RelatesTo => {
                let id = text_of(el)?;
                if id.is_empty() {
                    return Err(invalid(el, "is empty"));
                }
                let relationship = el.attr(None, "RelationshipType").map(str::to_string);
                let attrs = attrs
                    .into_iter()
                    .filter(|a| !a.is(None, "RelationshipType"))
                    .collect();
                self.relates_to.push(Header {
                    value: RelatesTo {
                        message_id: id,
                        relationship,
                    },
                    must_understand: mu,
                    other_attributes: attrs,
                });
            }
            AddressingHeader::ReplyTo => {
                if self.reply_to.is_some() {
                    return Err(dup());
                }
                let mut epr = EndpointReference::from_content(el)?;
                // The EPR reader keeps the wrapper's attributes; they belong to the header here.
                epr.other_attributes.clear();
                self.reply_to = Some(Header {
                    value: epr,
                    must_understand: mu,
                    other_attributes: attrs,
                });
            }
        }
        Ok(())
    }

    /// The `n`-th header block of `kind` (n > 0 only for RelatesTo), written in `soap` with
    /// `env_prefix` (the envelope's prefix) on mustUnderstand and `wsa_prefix` on the
    /// addressing elements.
    pub(crate) fn write(
        &self,
        kind: AddressingHeader,
        n: usize,
        soap: SoapVersion,
        env_prefix: &str,
        wsa_prefix: &str,
    ) -> Option<Element> {
        let wsa = self.version.namespace();
        let start = |h_mu: bool, attrs: &[Attribute]| {
            let mut el = Element::child_of(wsa, wsa_prefix, kind.local());
            if h_mu {
                el.set_attr_ns(
                    soap.namespace(),
                    env_prefix,
                    "mustUnderstand",
                    soap.must_understand_true(),
                );
            }
            el.attrs.extend(attrs.iter().cloned());
            el
        };
        let simple = |h: &Option<Header<String>>| {
            let h = h.as_ref().filter(|_| n == 0)?;
            Some(start(h.must_understand, &h.other_attributes).text_child(h.value.clone()))
        };
        match kind {
            AddressingHeader::Action => simple(&self.action),
            AddressingHeader::MessageId => simple(&self.message_id),
            AddressingHeader::To => simple(&self.to),
            AddressingHeader::RelatesTo => {
                let h = self.relates_to.get(n)?;
                let mut el = start(h.must_understand, &h.other_attributes);
                if let Some(r) = &h.value.relationship {
                    el.set_attr_static("RelationshipType", r.clone());
                }
                Some(el.text_child(h.value.message_id.clone()))
            }
            AddressingHeader::ReplyTo => {
                let h = self.reply_to.as_ref().filter(|_| n == 0)?;
                let mut el = start(h.must_understand, &h.other_attributes);
                h.value
                    .write_content_with_prefix(&mut el, self.version, wsa_prefix);
                Some(el)
            }
        }
    }

    /// The same headers in another WS-Addressing version (anonymous addresses mapped).
    pub fn to_version(&self, version: WsaVersion) -> Self {
        let mut a = self.clone();
        a.version = version;
        if let Some(r) = &mut a.reply_to {
            r.value = r.value.to_version(version);
        }
        a
    }

    /// A JSON description.
    pub fn to_json(&self) -> Json {
        let mut j = Json::object().with("wsa", self.version.short_name());
        j = j.with("action", self.action());
        j = j.with("messageId", self.message_id());
        j = j.with("to", self.to());
        let rel: Vec<Json> = self
            .relates_to
            .iter()
            .map(|h| {
                Json::object()
                    .with("messageId", h.value.message_id.as_str())
                    .with("relationship", h.value.relationship.as_deref())
            })
            .collect();
        j = j.with("relatesTo", Json::Array(rel));
        j.with(
            "replyTo",
            self.reply_to
                .as_ref()
                .map(|h| h.value.to_json())
                .unwrap_or(Json::Null),
        )
    }
}
