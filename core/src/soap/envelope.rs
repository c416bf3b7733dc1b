//! A typed SOAP 1.1 / 1.2 envelope, for callers that have no SOAP stack of their own.
//!
//! The envelope model is deliberately shallow: header blocks and body children are XML
//! elements, except the WS-Addressing headers, which are typed ([`Addressing`]). The
//! security layer (`message`) works on the parsed tree instead, because what it signs must
//! be exactly what is sent; this type is for building and reading messages.

use super::addressing::{Addressing, AddressingHeader};
use super::epr::WsaVersion;
use super::fault::Fault;
use super::order::Layout;
use super::read::{element_only, invalid, other_attrs};
use crate::error::Result;
use crate::json::Json;
use crate::message::SoapVersion;
use crate::xml::{self, Attribute, Document, Element, Limits, Node, NsDecl};

/// Where a header block was, for writing headers back in the order they were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSlot {
    /// A typed WS-Addressing header (the n-th of its kind, counting from 0 in order).
    Addressing(AddressingHeader),
    /// `headers[i]`.
    Other(usize),
}

/// A SOAP envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// SOAP version (from the Envelope namespace).
    pub version: SoapVersion,
    /// The prefix the envelope namespace is written with (as read; `s` for new envelopes).
    pub prefix: String,
    /// The typed WS-Addressing headers, if the message has any.
    pub addressing: Option<Addressing>,
    /// Every other header block (wsse:Security, wst:IssuedTokens, ...), in order.
    pub headers: Vec<Element>,
    /// The Body's children, in order.
    pub body: Vec<Element>,
    /// Attributes and extra namespace declarations of the Envelope element, kept.
    pub envelope_attributes: Vec<Attribute>,
    /// Attributes of the Header element, kept.
    pub header_attributes: Vec<Attribute>,
    /// Attributes of the Body element (e.g. the `wsu:Id` a signature points at), kept.
    pub body_attributes: Vec<Attribute>,
    /// Namespace declarations on Envelope / Header / Body other than the envelope's own,
    /// kept so that QNames in content (fault codes, xsi:type) still resolve when written.
    pub namespace_declarations: Vec<NsDecl>,
    /// Order the header blocks were read in; ignored by `==`.
    pub layout: Layout<HeaderSlot>,
}

/// The short name of a SOAP version (`1.1` / `1.2`).
pub fn soap_short_name(v: SoapVersion) -> &'static str {
    match v {
        SoapVersion::Soap11 => "1.1",
        SoapVersion::Soap12 => "1.2",
    }
}

impl Envelope {
    /// An empty envelope.
    pub fn new(version: SoapVersion) -> Self {
        Envelope {
            version,
            prefix: "s".to_string(),
            addressing: None,
            headers: Vec::new(),
            body: Vec::new(),
            envelope_attributes: Vec::new(),
            header_attributes: Vec::new(),
            body_attributes: Vec::new(),
            namespace_declarations: Vec::new(),
            layout: Layout::default(),
        }
    }

    /// An envelope whose body is `body`, with `addressing` headers if given.
    pub fn with_body(version: SoapVersion, addressing: Option<Addressing>, body: Element) -> Self {
        let mut e = Envelope::new(version);
        e.addressing = addressing;
        e.body.push(body);
        e
    }

    /// Parse an envelope under the default parser limits.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        Self::from_xml_with(bytes, &Limits::default())
    }

    /// Parse an envelope under `limits`.
    pub fn from_xml_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let doc = xml::parse_with(bytes, limits)?;
        Self::from_element(&doc.root)
    }

    /// Read an envelope from its element.
    pub fn from_element(root: &Element) -> Result<Self> {
        let version = root
            .ns
            .as_deref()
            .and_then(SoapVersion::from_namespace)
            .filter(|_| root.local == "Envelope")
            .ok_or_else(|| invalid(root, "not a SOAP 1.1 or 1.2 Envelope"))?;
        let env = version.namespace();
        let path = root.qname();
        element_only(root).map_err(|e| Self::root_path(e, &path))?;
        let mut e = Envelope::new(version);
        e.prefix = root
            .prefix
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "s".to_string().into())
            .to_string();
        e.envelope_attributes = other_attrs(root, &[]);
        let keep_decls = |el: &Element, out: &mut Vec<NsDecl>| {
            for d in &el.ns_decls {
                if d.uri != env && !out.iter().any(|x| x.prefix == d.prefix) {
                    out.push(d.clone());
                }
            }
        };
        keep_decls(root, &mut e.namespace_declarations);
        let (mut header, mut body) = (None, None);
        for c in root.elements() {
            if c.is(env, "Header") && header.is_none() && body.is_none() {
                header = Some(c);
            } else if c.is(env, "Body") && body.is_none() {
                body = Some(c);
            } else {
                return Err(invalid(
                    c,
                    "unexpected child of the Envelope (at most one Header, then exactly one Body)",
                )
                .within(&path));
            }
        }
        let body = body.ok_or_else(|| invalid(root, "required Body is missing"))?;
        if let Some(h) = header {
            let hp = format!("{path}/{}", h.qname());
            element_only(h).map_err(|er| er.within(&path))?;
            e.header_attributes = other_attrs(h, &[]);
            keep_decls(h, &mut e.namespace_declarations);
            for c in h.elements() {
                let wsa = e.addressing.as_ref().map(|a| a.version).or_else(|| {
                    let v = c.ns.as_deref().and_then(WsaVersion::from_namespace)?;
                    AddressingHeader::of(c, v).map(|_| v)
                });
                let kind = wsa.and_then(|v| AddressingHeader::of(c, v));
                match (kind, wsa) {
                    (Some(kind), Some(v)) => {
                        let a = e.addressing.get_or_insert_with(|| Addressing::new(v));
                        a.read(kind, c, version).map_err(|er| er.within(&hp))?;
                        e.layout.push(HeaderSlot::Addressing(kind));
                    }
                    _ => {
                        e.layout.push(HeaderSlot::Other(e.headers.len()));
                        e.headers.push(c.clone());
                    }
                }
            }
        }
        element_only(body).map_err(|er| er.within(&path))?;
        e.body_attributes = other_attrs(body, &[]);
        keep_decls(body, &mut e.namespace_declarations);
        e.body = body.elements().cloned().collect();
        Ok(e)
    }

    fn root_path(e: crate::Error, path: &str) -> crate::Error {
        if e.path() == path {
            e
        } else {
            e.within(path)
        }
    }

    /// The first Body child (the message payload).
    pub fn body_element(&self) -> Option<&Element> {
        self.body.first()
    }

    /// The fault, when the body is a SOAP Fault of this envelope's version.
    pub fn fault(&self) -> Option<Result<Fault>> {
        let b = self.body.first()?;
        if !b.is(self.version.namespace(), "Fault") {
            return None;
        }
        // The fault's QNames may use the envelope's own prefix (`env:Sender`).
        let mut scope = Vec::with_capacity(self.namespace_declarations.len() + 1);
        scope.push(NsDecl {
            prefix: Some(self.prefix.clone().into()),
            uri: self.version.namespace().to_string().into(),
        });
        scope.extend(self.namespace_declarations.iter().cloned());
        let path = format!("{}:Envelope/{}:Body", self.prefix, self.prefix);
        Some(Fault::from_element_in(b, &scope).map_err(|e| e.within(&path)))
    }

    /// The wsa:Action, if any.
    pub fn action(&self) -> Option<&str> {
        self.addressing.as_ref().and_then(|a| a.action())
    }

    /// The HTTP Content-Type for this envelope: `text/xml; charset=utf-8` (SOAP 1.1) or
    /// `application/soap+xml; charset=utf-8; action="..."` (SOAP 1.2, action when known).
    pub fn content_type(&self) -> String {
        match (self.version, self.action()) {
            (SoapVersion::Soap11, _) => "text/xml; charset=utf-8".to_string(),
            (SoapVersion::Soap12, Some(a)) => {
                format!("application/soap+xml; charset=utf-8; action=\"{a}\"")
            }
            (SoapVersion::Soap12, None) => "application/soap+xml; charset=utf-8".to_string(),
        }
    }

    /// The HTTP SOAPAction header value for SOAP 1.1 (the quoted action), None for 1.2.
    pub fn soap_action(&self) -> Option<String> {
        match self.version {
            SoapVersion::Soap11 => Some(format!("\"{}\"", self.action().unwrap_or(""))),
            SoapVersion::Soap12 => None,
        }
    }

    /// The header blocks in the order they will be written (`wsa` = the addressing prefix).
    fn header_elements(&self, wsa: &str) -> Vec<Element> {
        let soap = self.version;
        let mut out = Vec::with_capacity(self.headers.len() + 4);
        let mut counts = [0usize; AddressingHeader::ALL.len()];
        let idx = |k: AddressingHeader| {
            AddressingHeader::ALL
                .iter()
                .position(|x| *x == k)
                .unwrap_or(0)
        };
        let mut done = vec![false; self.headers.len()];
        let a = self.addressing.as_ref();
        for slot in self.layout.slots() {
            match *slot {
                HeaderSlot::Addressing(k) => {
                    if let Some(el) =
                        a.and_then(|a| a.write(k, counts[idx(k)], soap, &self.prefix, wsa))
                    {
                        counts[idx(k)] += 1;
                        out.push(el);
                    }
                }
                HeaderSlot::Other(i) => {
                    if let (Some(h), Some(false)) = (self.headers.get(i), done.get(i).copied()) {
                        done[i] = true;
                        out.push(h.clone());
                    }
                }
            }
        }
        // Typed headers not placed by the layout go first: Action leads, as peers expect.
        let mut first = Vec::new();
        if let Some(a) = a {
            for k in AddressingHeader::ALL {
                while let Some(el) = a.write(k, counts[idx(k)], soap, &self.prefix, wsa) {
                    counts[idx(k)] += 1;
                    first.push(el);
                }
            }
        }
        first.extend(out);
        for (i, h) in self.headers.iter().enumerate() {
            if !done[i] {
                first.push(h.clone());
            }
        }
        first
    }

    /// Build the Envelope element.
    pub fn to_element(&self) -> Element {
        let env = self.version.namespace();
        let p = self.prefix.as_str();
        let mut root = Element::new(env, p, "Envelope");
        for d in &self.namespace_declarations {
            if !root.ns_decls.iter().any(|x| x.prefix == d.prefix) {
                root.ns_decls.push(d.clone());
            }
        }
        root.attrs.extend(self.envelope_attributes.iter().cloned());
        // Addressing headers use the prefix the envelope already binds to their namespace,
        // or `wsa` declared once on the Envelope.
        let mut wsa = "wsa".to_string();
        if let Some(a) = &self.addressing {
            let uri = a.version.namespace();
            match root
                .ns_decls
                .iter()
                .find(|d| d.uri == uri && d.prefix.is_some())
            {
                Some(d) => wsa = d.prefix.clone().unwrap_or_default().to_string(),
                None => {
                    if root
                        .ns_decls
                        .iter()
                        .any(|d| d.prefix.as_deref() == Some("wsa"))
                    {
                        wsa = "wsa0".to_string();
                    }
                    root.declare(&wsa, uri);
                }
            }
        }
        let headers = self.header_elements(&wsa);
        if !headers.is_empty() || !self.header_attributes.is_empty() {
            let mut h = Element::child_of(env, p, "Header");
            h.attrs.extend(self.header_attributes.iter().cloned());
            h.children.extend(headers.into_iter().map(Node::Element));
            root.push(h);
        }
        let mut b = Element::child_of(env, p, "Body");
        b.attrs.extend(self.body_attributes.iter().cloned());
        b.children
            .extend(self.body.iter().cloned().map(Node::Element));
        root.push(b);
        root
    }

    /// The envelope as a document.
    pub fn to_document(&self) -> Document {
        Document::new(self.to_element())
    }

    /// Serialize (no XML declaration).
    pub fn to_xml(&self) -> String {
        xml::element_to_string(&self.to_element())
    }

    /// The same envelope in another SOAP version: mustUnderstand flags and the prefix carry
    /// over; a Fault body is re-written in the new version's form.
    pub fn to_soap_version(&self, version: SoapVersion) -> Result<Self> {
        let mut e = self.clone();
        if let Some(f) = self.fault() {
            let f = f?;
            e.body[0] = f.to_element_with_prefix(version, &e.prefix);
        }
        e.version = version;
        Ok(e)
    }

    /// A JSON description; `describe` may describe a body element (return None to fall
    /// back to its qualified name). `trust::envelope_json` passes the trust messages.
    pub fn to_json_with(&self, describe: &dyn Fn(&Element) -> Option<Json>) -> Json {
        let body: Vec<Json> = self
            .body
            .iter()
            .map(|b| {
                if b.is(self.version.namespace(), "Fault") {
                    if let Some(Ok(f)) = self.fault() {
                        return f.to_json();
                    }
                }
                describe(b).unwrap_or_else(|| Json::object().with("element", super::read::clark(b)))
            })
            .collect();
        let headers: Vec<Json> = self
            .headers
            .iter()
            .map(|h| Json::from(super::read::clark(h)))
            .collect();
        Json::object()
            .with("type", "Envelope")
            .with("soap", soap_short_name(self.version))
            .with(
                "addressing",
                self.addressing
                    .as_ref()
                    .map(|a| a.to_json())
                    .unwrap_or(Json::Null),
            )
            .with("headers", Json::Array(headers))
            .with("body", Json::Array(body))
    }

    /// A JSON description with body elements named only.
    pub fn to_json(&self) -> Json {
        self.to_json_with(&|_| None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::addressing::Header;
    use super::*;
    use crate::error::{Error, ErrorKind};
    use crate::version::TrustVersion;

    const WCF_REQ: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><a:Action s:mustUnderstand="1" u:Id="_2">http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT</a:Action><a:MessageID>urn:uuid:1b0e7d5e-0000-4000-8000-000000000001</a:MessageID><a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo><x:Other xmlns:x="urn:x"/><a:To s:mustUnderstand="1">https://sts.example.org/sc</a:To></s:Header><s:Body u:Id="_0"><x:Payload xmlns:x="urn:x"/></s:Body></s:Envelope>"#;

    #[test]
    fn reads_and_writes_back_in_order() {
        let e = Envelope::from_xml(WCF_REQ.as_bytes()).unwrap();
        assert_eq!(e.version, SoapVersion::Soap12);
        let a = e.addressing.as_ref().unwrap();
        assert_eq!(a.version, WsaVersion::V2005_08);
        assert_eq!(
            a.action(),
            Some("http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT")
        );
        assert!(a.action.as_ref().unwrap().must_understand);
        assert_eq!(a.action.as_ref().unwrap().other_attributes.len(), 1);
        assert!(a.reply_to.as_ref().unwrap().value.is_anonymous());
        assert_eq!(e.headers.len(), 1);
        assert_eq!(e.body_attributes.len(), 1);
        let out = e.to_xml();
        let again = Envelope::from_xml(out.as_bytes()).unwrap();
        assert_eq!(again, e);
        let doc = xml::parse(out.as_bytes()).unwrap();
        let hdr: Vec<String> = doc
            .root
            .elements()
            .next()
            .unwrap()
            .elements()
            .map(|h| h.local.to_string())
            .collect();
        assert_eq!(hdr, ["Action", "MessageID", "ReplyTo", "Other", "To"]);
        assert!(
            out.contains(r#"<a:Action s:mustUnderstand="true" u:Id="_2">"#),
            "{out}"
        );
    }

    #[test]
    fn reply_and_soap11() {
        let e = Envelope::from_xml(WCF_REQ.as_bytes()).unwrap();
        let reply = e
            .addressing
            .as_ref()
            .unwrap()
            .reply("http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT");
        assert_eq!(
            reply.relates_to(),
            Some("urn:uuid:1b0e7d5e-0000-4000-8000-000000000001")
        );
        assert_eq!(reply.to(), None);
        let mut r = Envelope::with_body(
            SoapVersion::Soap11,
            Some(reply.to_version(WsaVersion::V2004_08)),
            Element::new_static("urn:x", "x", "R"),
        );
        r.addressing.as_mut().unwrap().message_id = Some(Header::new("urn:uuid:2".to_string()));
        let x = r.to_xml();
        assert!(x.contains(r#"s:mustUnderstand="1""#), "{x}");
        let back = Envelope::from_xml(x.as_bytes()).unwrap();
        assert_eq!(
            back.addressing.as_ref().unwrap().version,
            WsaVersion::V2004_08
        );
        assert_eq!(back.content_type(), "text/xml; charset=utf-8");
        assert_eq!(
            back.soap_action().unwrap(),
            "\"http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT\""
        );
    }

    #[test]
    fn fault_envelopes_both_versions() {
        let err = Error::new(ErrorKind::UnknownDerivationSource, "no such context");
        for soap in [SoapVersion::Soap11, SoapVersion::Soap12] {
            let f = Fault::from_error(&err, TrustVersion::Feb2005);
            let env = f.to_envelope(soap, Some(Addressing::new(WsaVersion::V2004_08)));
            let back = Envelope::from_xml(env.to_xml().as_bytes()).unwrap();
            let got = back.fault().unwrap().unwrap();
            let mut want = f.clone();
            if soap == SoapVersion::Soap12 {
                want.lang = Some("en".into()); // SOAP 1.2 always writes a language
            }
            assert_eq!(got, want);
            assert_eq!(got.to_error().kind(), ErrorKind::UnknownDerivationSource);
            let other = back.to_soap_version(match soap {
                SoapVersion::Soap11 => SoapVersion::Soap12,
                SoapVersion::Soap12 => SoapVersion::Soap11,
            });
            let other = Envelope::from_xml(other.unwrap().to_xml().as_bytes()).unwrap();
            assert_eq!(
                other.fault().unwrap().unwrap().error_kind(),
                ErrorKind::UnknownDerivationSource
            );
        }
    }

    #[test]
    fn malformed_envelopes() {
        for (x, path) in [
            (
                r#"<s:Envelope xmlns:s="urn:not-soap"><s:Body/></s:Envelope>"#,
                "s:Envelope",
            ),
            (
                r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>"#,
                "s:Envelope",
            ),
            (
                r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/><s:Header/></s:Envelope>"#,
                "s:Envelope/s:Header",
            ),
            (
                r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">text<s:Body/></s:Envelope>"#,
                "s:Envelope",
            ),
            (
                r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>x</a:Action><a:Action>y</a:Action></s:Header><s:Body/></s:Envelope>"#,
                "s:Envelope/s:Header/a:Action",
            ),
            (
                r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:To s:mustUnderstand="maybe">x</a:To></s:Header><s:Body/></s:Envelope>"#,
                "s:Envelope/s:Header/a:To/@mustUnderstand",
            ),
        ] {
            let e = Envelope::from_xml(x.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{x}");
            assert_eq!(e.path(), path, "{x}");
        }
    }
}
