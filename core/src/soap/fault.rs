//! SOAP faults carrying the WS-Trust and WS-SecureConversation fault codes.
//!
//! Both specs define their faults for SOAP 1.1 (`faultcode` = `wst:InvalidRequest`,
//! `faultstring` = the table's text) and say how they map to SOAP 1.2: Code/Value is
//! `env:Sender`, Code/Subcode/Value is the spec's QName and Reason/Text the faultstring
//! (WS-Trust section 13, WS-SC section 9). [`Fault`] holds the version-free content, so
//! one value writes either form, and reading either form gives the same value back.
//!
//! A QName in element content needs its prefix declared in scope; the writer does not see
//! content, so the fault writer declares the prefix on the element that holds the QName.

use super::read::{element_only, invalid, text_of, TextChild};
use crate::error::{Error, ErrorKind, FaultSpec, Result};
use crate::json::Json;
use crate::message::SoapVersion;
use crate::ns;
use crate::version::{ScVersion, TrustVersion};
use crate::xml::{self, Element, NsDecl};

/// A namespace-qualified name: a fault code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QName {
    /// Namespace URI; empty when the prefix could not be resolved (kept for diagnosis).
    pub ns: String,
    /// Local name.
    pub local: String,
}

impl QName {
    /// A new QName.
    pub fn new(ns: impl Into<String>, local: impl Into<String>) -> Self {
        QName {
            ns: ns.into(),
            local: local.into(),
        }
    }

    /// The spec family this QName's namespace belongs to (any version), if any.
    pub fn spec(&self) -> Option<FaultSpec> {
        if TrustVersion::from_namespace(&self.ns).is_some() {
            Some(FaultSpec::Trust)
        } else if ScVersion::from_namespace(&self.ns).is_some() {
            Some(FaultSpec::SecureConversation)
        } else {
            None
        }
    }

    /// The prefix wssx writes this QName with.
    fn prefix(&self) -> &'static str {
        match self.spec() {
            Some(FaultSpec::Trust) => "wst",
            Some(FaultSpec::SecureConversation) => "wsc",
            None => "q",
        }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{}}}{}", self.ns, self.local)
    }
}

/// The SOAP-level fault code (SOAP 1.2 names; SOAP 1.1 writes Sender as `Client` and
/// Receiver as `Server`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoapCode {
    /// The envelope's namespace was not understood.
    VersionMismatch,
    /// A mustUnderstand header was not understood.
    MustUnderstand,
    /// SOAP 1.2 DataEncodingUnknown (written as `Client` in SOAP 1.1).
    DataEncodingUnknown,
    /// The sender is at fault (every wst and wsc fault).
    Sender,
    /// The receiver failed.
    Receiver,
}

impl SoapCode {
    /// The local name in `soap`.
    pub const fn local(self, soap: SoapVersion) -> &'static str {
        match (self, soap) {
            (SoapCode::VersionMismatch, _) => "VersionMismatch",
            (SoapCode::MustUnderstand, _) => "MustUnderstand",
            (SoapCode::DataEncodingUnknown, SoapVersion::Soap12) => "DataEncodingUnknown",
            (SoapCode::Sender, SoapVersion::Soap12) => "Sender",
            (SoapCode::Receiver, SoapVersion::Soap12) => "Receiver",
            (SoapCode::DataEncodingUnknown | SoapCode::Sender, SoapVersion::Soap11) => "Client",
            (SoapCode::Receiver, SoapVersion::Soap11) => "Server",
        }
    }

    /// Read a local name of either SOAP version (`Client.Authentication` style dotted
    /// SOAP 1.1 codes map to their first part).
    pub fn from_local(local: &str) -> Option<SoapCode> {
        let head = local.split('.').next().unwrap_or(local);
        match head {
            "VersionMismatch" => Some(SoapCode::VersionMismatch),
            "MustUnderstand" => Some(SoapCode::MustUnderstand),
            "DataEncodingUnknown" => Some(SoapCode::DataEncodingUnknown),
            "Sender" | "Client" => Some(SoapCode::Sender),
            "Receiver" | "Server" => Some(SoapCode::Receiver),
            _ => None,
        }
    }
}

/// The reason text the specs' fault tables recommend for a fault code's local name
/// (WS-Trust section 13, WS-SC section 9). RenewNeeded and UnableToRenew appear in both
/// tables with different texts; `spec` picks the table.
pub fn default_reason(spec: FaultSpec, local: &str) -> Option<&'static str> {
    let t = match (spec, local) {
        (FaultSpec::Trust, "InvalidRequest") => "The request was invalid or malformed",
        (FaultSpec::Trust, "FailedAuthentication") => "Authentication failed",
        (FaultSpec::Trust, "RequestFailed") => "The specified request failed",
        (FaultSpec::Trust, "InvalidSecurityToken") => {
            "Security token has been revoked or is invalid"
        }
        (FaultSpec::Trust, "AuthenticationBadElements") => "Insufficient Digest Elements",
        (FaultSpec::Trust, "BadRequest") => "The specified RequestSecurityToken is not understood.",
        (FaultSpec::Trust, "ExpiredData") => "The request data is out-of-date",
        (FaultSpec::Trust, "InvalidTimeRange") => {
            "The requested time range is invalid or unsupported"
        }
        (FaultSpec::Trust, "InvalidScope") => "The request scope is invalid or unsupported",
        (FaultSpec::Trust, "RenewNeeded") => "A renewable security token has expired",
        (FaultSpec::Trust, "UnableToRenew") => "The requested renewal failed",
        (FaultSpec::SecureConversation, "BadContextToken") => {
            "The requested context elements are insufficient or unsupported."
        }
        (FaultSpec::SecureConversation, "UnsupportedContextToken") => {
            "Not all of the values associated with the SCT are supported."
        }
        (FaultSpec::SecureConversation, "UnknownDerivationSource") => {
            "The specified source for the derivation is unknown."
        }
        (FaultSpec::SecureConversation, "RenewNeeded") => "The provided context token has expired",
        (FaultSpec::SecureConversation, "UnableToRenew") => {
            "The specified context token could not be renewed."
        }
        _ => return None,
    };
    Some(t)
}

/// The fault codes each spec defines (local names), for mapping received faults back.
const TRUST_CODES: &[&str] = &[
    "InvalidRequest",
    "FailedAuthentication",
    "RequestFailed",
    "InvalidSecurityToken",
    "AuthenticationBadElements",
    "BadRequest",
    "ExpiredData",
    "InvalidTimeRange",
    "InvalidScope",
    "RenewNeeded",
    "UnableToRenew",
];
const SC_CODES: &[&str] = &[
    "BadContextToken",
    "UnsupportedContextToken",
    "UnknownDerivationSource",
    "RenewNeeded",
    "UnableToRenew",
];

/// A SOAP fault, independent of the SOAP version it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The SOAP-level code.
    pub code: SoapCode,
    /// The spec's fault QName (`wst:InvalidRequest`): SOAP 1.2 Subcode/Value, SOAP 1.1
    /// faultcode.
    pub subcode: Option<QName>,
    /// Human-readable reason (faultstring / Reason/Text).
    pub reason: String,
    /// xml:lang of the reason; written as `en` when absent (SOAP 1.2 requires one).
    pub lang: Option<String>,
    /// SOAP 1.1 faultactor / SOAP 1.2 Role.
    pub role: Option<String>,
    /// SOAP 1.2 Node (not written in SOAP 1.1).
    pub node: Option<String>,
    /// Children of detail / env:Detail, kept as XML.
    pub detail: Vec<Element>,
}

impl Fault {
    /// A Sender fault with the spec code `subcode` and the spec's reason text for it.
    pub fn spec(subcode: QName) -> Self {
        let reason = subcode
            .spec()
            .and_then(|s| default_reason(s, &subcode.local))
            .unwrap_or("The specified request failed")
            .to_string();
        Fault {
            code: SoapCode::Sender,
            subcode: Some(subcode),
            reason,
            lang: None,
            role: None,
            node: None,
            detail: Vec::new(),
        }
    }

    /// The fault a token service returns for `err`: the spec fault code of its kind
    /// ([`ErrorKind::fault_code`]) in the namespace of `trust` (wst codes) or of
    /// `trust.sc()` (wsc codes), with the spec's reason text.
    ///
    /// The error's own message is not copied into the fault: the specs warn that detailed
    /// fault text can help an attacker. Use [`Fault::with_reason`] to send it deliberately.
    pub fn from_error(err: &Error, trust: TrustVersion) -> Self {
        let code = err.kind().fault_code().unwrap_or(crate::error::FaultCode {
            spec: FaultSpec::Trust,
            local: "RequestFailed",
        });
        let ns = match code.spec {
            FaultSpec::Trust => trust.core_namespace(),
            FaultSpec::SecureConversation => trust.sc().namespace(),
        };
        Fault::spec(QName::new(ns, code.local))
    }

    /// The same fault with another reason text.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    /// The typed error a received fault stands for: the spec code's kind when the subcode
    /// (SOAP 1.1 faultcode) is a wst or wsc fault of any version, else `RequestFailed`. The
    /// message is the fault's reason; the path is `Fault`.
    pub fn to_error(&self) -> Error {
        Error::at(self.error_kind(), "Fault", self.reason.clone())
    }

    /// The error kind of [`Fault::to_error`].
    pub fn error_kind(&self) -> ErrorKind {
        let Some(q) = &self.subcode else {
            return ErrorKind::RequestFailed;
        };
        let known = |codes: &[&str]| codes.contains(&q.local.as_str());
        let ok = match q.spec() {
            Some(FaultSpec::Trust) => known(TRUST_CODES),
            Some(FaultSpec::SecureConversation) => known(SC_CODES),
            // An unresolvable prefix: trust the local name only when it is a spec code.
            None if q.ns.is_empty() => known(TRUST_CODES) || known(SC_CODES),
            None => false,
        };
        if ok {
            ErrorKind::from_name(&q.local).unwrap_or(ErrorKind::RequestFailed)
        } else {
            ErrorKind::RequestFailed
        }
    }

    /// Parse a standalone Fault element (QName prefixes resolve against its own
    /// declarations; inside an envelope use [`super::Envelope::fault`]).
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::from_element_in(el, &[])
    }

    /// Parse a Fault element with `scope` holding the namespace declarations in force
    /// above it (outermost first).
    pub fn from_element_in(el: &Element, scope: &[NsDecl]) -> Result<Self> {
        let soap = el
            .ns
            .as_deref()
            .and_then(SoapVersion::from_namespace)
            .filter(|_| el.local == "Fault")
            .ok_or_else(|| invalid(el, "expected a SOAP 1.1 or 1.2 Fault"))?;
        let mut scope: Vec<NsDecl> = scope.to_vec();
        scope.extend(el.ns_decls.iter().cloned());
        match soap {
            SoapVersion::Soap11 => Self::read11(el, &scope),
            SoapVersion::Soap12 => Self::read12(el, &mut scope),
        }
    }

    fn read11(el: &Element, scope: &[NsDecl]) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let w = |e: Error| e.within(&path);
        let mut f = Fault {
            code: SoapCode::Sender,
            subcode: None,
            reason: String::new(),
            lang: None,
            role: None,
            node: None,
            detail: Vec::new(),
        };
        let mut code = None;
        let mut reason = None;
        for c in el.elements() {
            // SOAP 1.1 fault children are unqualified; some stacks qualify them anyway.
            let ok_ns = c.ns.is_none() || c.ns.as_deref() == Some(ns::SOAP11);
            match c.local.as_str() {
                "faultcode" if ok_ns => {
                    let q = resolve_qname(c, scope).map_err(w)?;
                    if q.ns == ns::SOAP11 {
                        f.code = SoapCode::from_local(&q.local).ok_or_else(|| {
                            w(invalid(
                                c,
                                format!("unknown SOAP 1.1 fault code '{}'", q.local),
                            ))
                        })?;
                    } else {
                        f.code = SoapCode::Sender;
                        f.subcode = Some(q);
                    }
                    code = Some(());
                }
                "faultstring" if ok_ns => {
                    reason = Some(text_of(c).map_err(w)?);
                    f.lang = c.attr(Some(ns::XML), "lang").map(str::to_string);
                }
                "faultactor" if ok_ns => f.role = Some(text_of(c).map_err(w)?),
                "detail" if ok_ns => f.detail = c.elements().cloned().collect(),
                _ => return Err(w(invalid(c, "unexpected child of a SOAP 1.1 Fault"))),
            }
        }
        code.ok_or_else(|| invalid(el, "required faultcode is missing"))?;
        f.reason = reason.ok_or_else(|| invalid(el, "required faultstring is missing"))?;
        Ok(f)
    }

    fn read12(el: &Element, scope: &mut Vec<NsDecl>) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let w = |e: Error| e.within(&path);
        let env = ns::SOAP12;
        let mut f = Fault {
            code: SoapCode::Sender,
            subcode: None,
            reason: String::new(),
            lang: None,
            role: None,
            node: None,
            detail: Vec::new(),
        };
        let mut code = None;
        let mut reason = None;
        for c in el.elements() {
            if c.ns.as_deref() != Some(env) {
                return Err(w(invalid(c, "unexpected child of a SOAP 1.2 Fault")));
            }
            match c.local.as_str() {
                "Code" => {
                    let mark = scope.len();
                    scope.extend(c.ns_decls.iter().cloned());
                    let cw = |e: Error| w(e.within(&c.qname()));
                    let value = c
                        .find(env, "Value")
                        .ok_or_else(|| w(invalid(c, "required env:Value is missing")))?;
                    let q = resolve_qname(value, scope).map_err(cw)?;
                    f.code = SoapCode::from_local(&q.local)
                        .filter(|_| q.ns == env)
                        .ok_or_else(|| {
                            cw(invalid(
                                value,
                                format!("'{}' is not a SOAP 1.2 fault code", q.local),
                            ))
                        })?;
                    if let Some(sub) = c.find(env, "Subcode") {
                        scope.extend(sub.ns_decls.iter().cloned());
                        let v = sub
                            .find(env, "Value")
                            .ok_or_else(|| cw(invalid(sub, "required env:Value is missing")))?;
                        f.subcode =
                            Some(resolve_qname(v, scope).map_err(|e| cw(e.within(&sub.qname())))?);
                    }
                    scope.truncate(mark);
                    code = Some(());
                }
                "Reason" => {
                    // Several Text elements in different languages: keep the first.
                    let t = c
                        .find(env, "Text")
                        .ok_or_else(|| w(invalid(c, "required env:Text is missing")))?;
                    reason = Some(text_of(t).map_err(|e| w(e.within(&c.qname())))?);
                    f.lang = t.attr(Some(ns::XML), "lang").map(str::to_string);
                }
                "Node" => f.node = Some(text_of(c).map_err(w)?),
                "Role" => f.role = Some(text_of(c).map_err(w)?),
                "Detail" => f.detail = c.elements().cloned().collect(),
                _ => return Err(w(invalid(c, "unexpected child of a SOAP 1.2 Fault"))),
            }
        }
        code.ok_or_else(|| invalid(el, "required env:Code is missing"))?;
        f.reason = reason.ok_or_else(|| invalid(el, "required env:Reason is missing"))?;
        Ok(f)
    }

    /// The Fault element in `soap`, with `prefix` for the envelope namespace.
    pub fn to_element_with_prefix(&self, soap: SoapVersion, prefix: &str) -> Element {
        let env = soap.namespace();
        let mut el = Element::new(env, prefix, "Fault");
        let qname_el = |mut holder: Element, q: &QName| {
            let p = q.prefix();
            holder.ns_decls.push(NsDecl {
                prefix: Some(p.to_string().into()),
                uri: q.ns.clone().into(),
            });
            holder.text_child(format!("{p}:{}", q.local))
        };
        let lang = self.lang.clone().unwrap_or_else(|| "en".to_string());
        match soap {
            SoapVersion::Soap11 => {
                let fc = Element::unqualified("faultcode");
                el.push(match &self.subcode {
                    Some(q) => qname_el(fc, q),
                    None => fc.text_child(format!("{prefix}:{}", self.code.local(soap))),
                });
                let mut fs = Element::unqualified("faultstring");
                if self.lang.is_some() {
                    fs.set_attr_ns_static(ns::XML, "xml", "lang", lang);
                }
                el.push(fs.text_child(self.reason.clone()));
                if let Some(r) = &self.role {
                    el.push(Element::unqualified("faultactor").text_child(r.clone()));
                }
                if !self.detail.is_empty() {
                    let mut d = Element::unqualified("detail");
                    d.children
                        .extend(self.detail.iter().cloned().map(xml::Node::Element));
                    el.push(d);
                }
            }
            SoapVersion::Soap12 => {
                let mut code = Element::child_of(env, prefix, "Code");
                code.push(
                    Element::child_of(env, prefix, "Value")
                        .text_child(format!("{prefix}:{}", self.code.local(soap))),
                );
                if let Some(q) = &self.subcode {
                    let mut sub = Element::child_of(env, prefix, "Subcode");
                    sub.push(qname_el(Element::child_of(env, prefix, "Value"), q));
                    code.push(sub);
                }
                el.push(code);
                let mut text = Element::child_of(env, prefix, "Text");
                text.set_attr_ns_static(ns::XML, "xml", "lang", lang);
                el.push(
                    Element::child_of(env, prefix, "Reason")
                        .with_child(text.text_child(self.reason.clone())),
                );
                if let Some(n) = &self.node {
                    el.push(Element::child_of(env, prefix, "Node").text_child(n.clone()));
                }
                if let Some(r) = &self.role {
                    el.push(Element::child_of(env, prefix, "Role").text_child(r.clone()));
                }
                if !self.detail.is_empty() {
                    let mut d = Element::child_of(env, prefix, "Detail");
                    d.children
                        .extend(self.detail.iter().cloned().map(xml::Node::Element));
                    el.push(d);
                }
            }
        }
        el
    }

    /// The Fault element in `soap` (prefix `s`).
    pub fn to_element(&self, soap: SoapVersion) -> Element {
        self.to_element_with_prefix(soap, "s")
    }

    /// A whole fault message: an envelope in `soap` with this fault as its body and, when
    /// `addressing` is given, those headers (callers usually pass
    /// `request.reply(wsa.fault_action())`).
    pub fn to_envelope(
        &self,
        soap: SoapVersion,
        addressing: Option<super::Addressing>,
    ) -> super::Envelope {
        let mut e = super::Envelope::new(soap);
        e.addressing = addressing;
        e.body.push(self.to_element_with_prefix(soap, &e.prefix));
        e
    }

    /// Serialize the Fault element alone.
    pub fn to_xml(&self, soap: SoapVersion) -> String {
        xml::element_to_string(&self.to_element(soap))
    }

    /// A JSON description.
    pub fn to_json(&self) -> Json {
        Json::object()
            .with("type", "Fault")
            .with("code", self.code.local(SoapVersion::Soap12))
            .with("subcode", self.subcode.as_ref().map(|q| q.to_string()))
            .with("kind", self.error_kind().name())
            .with("reason", self.reason.as_str())
            .with("lang", self.lang.as_deref())
            .with("role", self.role.as_deref())
            .with("node", self.node.as_deref())
            .with(
                "detail",
                self.detail
                    .iter()
                    .map(xml::element_to_string)
                    .collect::<Vec<_>>(),
            )
    }
}

/// Resolve the QName text of `el` against `scope` plus `el`'s own declarations.
fn resolve_qname(el: &Element, scope: &[NsDecl]) -> Result<QName> {
    let t = text_of(el)?;
    let (prefix, local) = match t.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, t.as_str()),
    };
    if local.is_empty() || prefix == Some("") {
        return Err(invalid(el, format!("'{t}' is not a QName")));
    }
    let found = el
        .ns_decls
        .iter()
        .rev()
        .chain(scope.iter().rev())
        .find(|d| d.prefix.as_deref() == prefix)
        .map(|d| d.uri.clone());
    Ok(QName {
        ns: found.unwrap_or_default().to_string(),
        local: local.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_both_soap_versions() {
        for k in ErrorKind::ALL {
            for tv in TrustVersion::ALL {
                let f = Fault::from_error(&Error::new(*k, "detail not sent"), tv);
                assert!(!f.reason.contains("detail not sent"));
                for soap in [SoapVersion::Soap11, SoapVersion::Soap12] {
                    let x = f.to_xml(soap);
                    let back =
                        Fault::from_element(&xml::parse(x.as_bytes()).unwrap().root).unwrap();
                    assert_eq!(back.subcode, f.subcode, "{x}");
                    assert_eq!(back.reason, f.reason);
                    let expect = k.fault_code().map(|c| c.local).unwrap();
                    assert_eq!(back.error_kind().name(), expect, "{k:?} {x}");
                }
            }
        }
    }

    #[test]
    fn soap12_shape() {
        let f = Fault::from_error(
            &Error::new(ErrorKind::BadContextToken, ""),
            TrustVersion::V1_3,
        );
        let x = f.to_xml(SoapVersion::Soap12);
        assert!(x.contains("<s:Value>s:Sender</s:Value><s:Subcode><s:Value xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">wsc:BadContextToken</s:Value>"), "{x}");
        assert!(x.contains("xml:lang=\"en\">The requested context elements are insufficient or unsupported.</s:Text>"), "{x}");
        let x11 = f.to_xml(SoapVersion::Soap11);
        assert!(x11.contains("<faultcode xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">wsc:BadContextToken</faultcode>"), "{x11}");
    }

    #[test]
    fn reads_foreign_faults() {
        let x = br#"<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>s:Server</faultcode><faultstring>boom</faultstring></s:Fault>"#;
        let f = Fault::from_element(&xml::parse(x).unwrap().root).unwrap();
        assert_eq!(f.code, SoapCode::Receiver);
        assert_eq!(f.error_kind(), ErrorKind::RequestFailed);
        let x = br#"<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>t:RenewNeeded</faultcode><faultstring>x</faultstring></s:Fault>"#;
        let f = Fault::from_element(&xml::parse(x).unwrap().root).unwrap();
        assert_eq!(f.error_kind(), ErrorKind::RenewNeeded);
        let bad = br#"<s:Fault xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Reason><s:Text>x</s:Text></s:Reason></s:Fault>"#;
        let e = Fault::from_element(&xml::parse(bad).unwrap().root).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.path(), "s:Fault");
    }
}
