//! WS-Addressing versions and endpoint references.
//!
//! Two WS-Addressing namespaces are in use: the 2004/08 member submission (WCF's
//! wsHttpBinding with WS-Trust Feb 2005) and the W3C 1.0 recommendation, 2005/08
//! (ws2007HttpBinding, WS-Trust 1.3). An endpoint reference is read from any element of
//! the EPR type (`wsa:EndpointReference` inside `wsp:AppliesTo`, `wsa:ReplyTo`,
//! `wst:Issuer`), and its version comes from the namespace of its `wsa:Address`.

use super::read::{element_only, invalid, other_attrs, uri_of};
use crate::error::Result;
use crate::json::Json;
use crate::ns;
use crate::xml::build::{self, Build, TreeBuilder};
use crate::xml::{self, Attribute, Element, ElementRef};

/// WS-Addressing version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WsaVersion {
    /// `http://schemas.xmlsoap.org/ws/2004/08/addressing` (submission).
    V2004_08,
    /// `http://www.w3.org/2005/08/addressing` (W3C WS-Addressing 1.0).
    V2005_08,
}

impl WsaVersion {
    /// Both versions, oldest first.
    pub const ALL: [WsaVersion; 2] = [WsaVersion::V2004_08, WsaVersion::V2005_08];

    /// The namespace URI.
    pub const fn namespace(self) -> &'static str {
        match self {
            WsaVersion::V2004_08 => ns::WSA_2004,
            WsaVersion::V2005_08 => ns::WSA_2005,
        }
    }

    /// Detect the version from a namespace URI.
    pub fn from_namespace(uri: &str) -> Option<WsaVersion> {
        Self::ALL.into_iter().find(|v| v.namespace() == uri)
    }

    /// The anonymous address ("reply on the back channel").
    pub const fn anonymous(self) -> &'static str {
        match self {
            WsaVersion::V2004_08 => {
                "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
            }
            WsaVersion::V2005_08 => "http://www.w3.org/2005/08/addressing/anonymous",
        }
    }

    /// The Action of a SOAP fault message (WCF's default fault action per version).
    pub const fn fault_action(self) -> &'static str {
        match self {
            WsaVersion::V2004_08 => "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
            WsaVersion::V2005_08 => "http://www.w3.org/2005/08/addressing/soap/fault",
        }
    }

    /// The short name used in JSON: `2004/08` or `2005/08`.
    pub const fn short_name(self) -> &'static str {
        match self {
            WsaVersion::V2004_08 => "2004/08",
            WsaVersion::V2005_08 => "2005/08",
        }
    }

    /// Parse a short name (`2004/08`, `2004`, `2005/08`, `2005`, `1.0`).
    pub fn from_short_name(s: &str) -> Option<WsaVersion> {
        match s.to_ascii_lowercase().as_str() {
            "2004/08" | "2004" | "200408" | "submission" => Some(WsaVersion::V2004_08),
            "2005/08" | "2005" | "200508" | "1.0" | "10" => Some(WsaVersion::V2005_08),
            _ => None,
        }
    }

    /// True when `uri` is the anonymous address of either version.
    pub fn is_anonymous(uri: &str) -> bool {
        Self::ALL.into_iter().any(|v| v.anonymous() == uri)
    }
}

/// An endpoint reference: an address plus what the endpoint needs echoed back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointReference {
    /// The WS-Addressing version it was read in (or is to be written in by default).
    pub version: WsaVersion,
    /// wsa:Address (required).
    pub address: String,
    /// Children of wsa:ReferenceProperties (2004/08 only; written as reference parameters
    /// in 2005/08, which dropped properties).
    pub reference_properties: Vec<Element>,
    /// Children of wsa:ReferenceParameters.
    pub reference_parameters: Vec<Element>,
    /// Children of wsa:Metadata (2005/08; written as plain extensions in 2004/08).
    pub metadata: Vec<Element>,
    /// Attributes on the EPR element, kept.
    pub other_attributes: Vec<Attribute>,
    /// Other children (wsa:PortType, wsa:ServiceName, WCF's wsid:Identity, ...), kept.
    pub extensions: Vec<Element>,
}

impl EndpointReference {
    /// An EPR holding only an address.
    pub fn new(version: WsaVersion, address: impl Into<String>) -> Self {
        EndpointReference {
            version,
            address: address.into(),
            reference_properties: Vec::new(),
            reference_parameters: Vec::new(),
            metadata: Vec::new(),
            other_attributes: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// The anonymous EPR of `version`.
    pub fn anonymous(version: WsaVersion) -> Self {
        Self::new(version, version.anonymous())
    }

    /// True when the address is anonymous (either version's URI).
    pub fn is_anonymous(&self) -> bool {
        WsaVersion::is_anonymous(&self.address)
    }

    /// Parse a standalone `wsa:EndpointReference` document (read from the parsed arena,
    /// with no owned tree built first).
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        let doc = xml::parse_doc(bytes)?;
        let root = doc.root();
        if !WsaVersion::ALL
            .iter()
            .any(|v| root.is(v.namespace(), "EndpointReference"))
        {
            return Err(invalid(root, "expected wsa:EndpointReference"));
        }
        Self::read_content(root)
    }

    /// Read the EPR content of `el`, an element of the EPR type whatever its name.
    pub fn from_content(el: &Element) -> Result<Self> {
        Self::read_content(el)
    }

    /// [`EndpointReference::from_content`] for an element of the owned tree or of a
    /// parsed [`xml::Doc`] (kept children are copied out with `to_element`).
    pub fn read_content<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let addr = el
            .elements()
            .find(|c| {
                c.local() == "Address" && c.ns().and_then(WsaVersion::from_namespace).is_some()
            })
            .ok_or_else(|| invalid(el, "required wsa:Address is missing"))?;
        let version = addr
            .ns()
            .and_then(WsaVersion::from_namespace)
            .unwrap_or(WsaVersion::V2005_08);
        let wsa = version.namespace();
        let mut epr = EndpointReference::new(version, uri_of(addr).map_err(|e| e.within(&path))?);
        epr.other_attributes = other_attrs(el, &[]);
        let mut seen_address = false;
        for c in el.elements() {
            let own = c.in_ns(wsa);
            match c.local() {
                "Address" if own => {
                    if seen_address {
                        return Err(invalid(c, "appears more than once").within(&path));
                    }
                    seen_address = true;
                }
                "ReferenceProperties" if own => epr
                    .reference_properties
                    .extend(c.elements().map(ElementRef::to_element)),
                "ReferenceParameters" if own => epr
                    .reference_parameters
                    .extend(c.elements().map(ElementRef::to_element)),
                "Metadata" if own => epr
                    .metadata
                    .extend(c.elements().map(ElementRef::to_element)),
                _ => epr.extensions.push(c.to_element()),
            }
        }
        Ok(epr)
    }

    /// Write the EPR content into `into` (an element of the EPR type) in `version`.
    pub fn write_content(&self, into: &mut Element, version: WsaVersion) {
        self.write_content_with_prefix(into, version, "wsa")
    }

    /// [`EndpointReference::write_content`] with the prefix to write wsa elements with.
    pub fn write_content_with_prefix(&self, into: &mut Element, version: WsaVersion, prefix: &str) {
        let mut b = TreeBuilder::inside(std::mem::take(into));
        self.write_content_to(&mut b, version, prefix);
        *into = b.finish();
    }

    /// Write the EPR content (attributes and children) into the open element of `b`.
    pub fn write_content_to<B: Build + ?Sized>(
        &self,
        b: &mut B,
        version: WsaVersion,
        prefix: &str,
    ) {
        let wsa = version.namespace();
        b.attrs(&self.other_attributes);
        b.open_prefixed(wsa, prefix, "Address");
        b.text(self.address_in(version));
        b.close();
        let v2004 = version == WsaVersion::V2004_08;
        if v2004 && !self.reference_properties.is_empty() {
            b.open_prefixed(wsa, prefix, "ReferenceProperties");
            for x in &self.reference_properties {
                b.element(x);
            }
            b.close();
        }
        let params: Vec<&Element> = if v2004 {
            self.reference_parameters.iter().collect()
        } else {
            self.reference_properties
                .iter()
                .chain(&self.reference_parameters)
                .collect()
        };
        if !params.is_empty() {
            b.open_prefixed(wsa, prefix, "ReferenceParameters");
            for x in params {
                b.element(x);
            }
            b.close();
        }
        if !self.metadata.is_empty() {
            if v2004 {
                for m in &self.metadata {
                    b.element(m);
                }
            } else {
                b.open_prefixed(wsa, prefix, "Metadata");
                for m in &self.metadata {
                    b.element(m);
                }
                b.close();
            }
        }
        for x in &self.extensions {
            b.element(x);
        }
    }

    /// The address as written in `version`: the anonymous URI is mapped between versions.
    pub fn address_in(&self, version: WsaVersion) -> &str {
        if self.is_anonymous() {
            version.anonymous()
        } else {
            &self.address
        }
    }

    /// A `wsa:EndpointReference` element in `version`.
    pub fn to_element(&self, version: WsaVersion) -> Element {
        build::tree(|b| self.write(b, version))
    }

    /// Write a `wsa:EndpointReference` element in `version` into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: WsaVersion) {
        b.open_declared(version.namespace(), "wsa", "EndpointReference");
        self.write_content_to(b, version, "wsa");
        b.close();
    }

    /// Serialize as a `wsa:EndpointReference` in the version it was read in.
    pub fn to_xml(&self) -> String {
        build::text(256, |b| self.write(b, self.version))
    }

    /// The same EPR in another version (the anonymous address is mapped).
    pub fn to_version(&self, version: WsaVersion) -> Self {
        let mut e = self.clone();
        e.address = self.address_in(version).to_string();
        e.version = version;
        e
    }

    /// A JSON description.
    pub fn to_json(&self) -> Json {
        let list = |v: &[Element]| v.iter().map(xml::element_to_string).collect::<Vec<_>>();
        let mut j = Json::object()
            .with("type", "EndpointReference")
            .with("wsa", self.version.short_name())
            .with("address", self.address.as_str());
        if !self.reference_properties.is_empty() {
            j = j.with("referenceProperties", list(&self.reference_properties));
        }
        if !self.reference_parameters.is_empty() {
            j = j.with("referenceParameters", list(&self.reference_parameters));
        }
        if !self.metadata.is_empty() {
            j = j.with("metadata", list(&self.metadata));
        }
        if !self.extensions.is_empty() {
            j = j.with("extensions", list(&self.extensions));
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn reads_both_versions_and_converts() {
        let x = format!(
            r#"<wsa:EndpointReference xmlns:wsa="{}" xmlns:x="urn:x"><wsa:Address> http://example.org/sts </wsa:Address><wsa:ReferenceProperties><x:P>1</x:P></wsa:ReferenceProperties><x:Identity/></wsa:EndpointReference>"#,
            ns::WSA_2004
        );
        let e = EndpointReference::from_xml(x.as_bytes()).unwrap();
        assert_eq!(e.version, WsaVersion::V2004_08);
        assert_eq!(e.address, "http://example.org/sts");
        assert_eq!(e.reference_properties.len(), 1);
        assert_eq!(e.extensions.len(), 1);
        let once = EndpointReference::from_xml(e.to_xml().as_bytes()).unwrap();
        assert_eq!(once.to_xml(), e.to_xml());
        assert_eq!(
            EndpointReference::from_xml(once.to_xml().as_bytes()).unwrap(),
            once
        );
        let e10 = EndpointReference::from_xml(
            xml::element_to_string(&e.to_element(WsaVersion::V2005_08)).as_bytes(),
        )
        .unwrap();
        assert_eq!(e10.version, WsaVersion::V2005_08);
        assert_eq!(e10.reference_parameters.len(), 1);
        let anon =
            EndpointReference::anonymous(WsaVersion::V2004_08).to_version(WsaVersion::V2005_08);
        assert_eq!(
            anon.address,
            "http://www.w3.org/2005/08/addressing/anonymous"
        );
    }

    #[test]
    fn missing_address_is_typed() {
        let x = format!(
            r#"<wsa:EndpointReference xmlns:wsa="{}"><wsa:Other/></wsa:EndpointReference>"#,
            ns::WSA_2005
        );
        let e = EndpointReference::from_xml(x.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.path(), "wsa:EndpointReference");
    }
}
