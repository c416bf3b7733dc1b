//! Locating the parts of a SOAP envelope in the tree, for the security layer.
//!
//! The security layer works on the parsed tree itself (not on a typed envelope model) so
//! that what is signed is exactly what is sent, and so that a receiver can tell the real
//! Body from a copy moved elsewhere (signature wrapping).

use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::xml::{Document, Element, ElementRef};

/// SOAP version of an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1.
    Soap11,
    /// SOAP 1.2.
    Soap12,
}

impl SoapVersion {
    /// Envelope namespace.
    pub const fn namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => ns::SOAP11,
            SoapVersion::Soap12 => ns::SOAP12,
        }
    }

    /// Detect from the envelope's namespace.
    pub fn from_namespace(uri: &str) -> Option<Self> {
        match uri {
            ns::SOAP11 => Some(SoapVersion::Soap11),
            ns::SOAP12 => Some(SoapVersion::Soap12),
            _ => None,
        }
    }

    /// The lexical value of a true mustUnderstand attribute.
    pub const fn must_understand_true(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "1",
            SoapVersion::Soap12 => "true",
        }
    }
}

/// Check that `doc` is a SOAP envelope with exactly one Body (and at most one Header, which
/// precedes it) and return its version.
pub fn check_envelope(doc: &Document) -> Result<SoapVersion> {
    check_root(&doc.root)
}

/// [`check_envelope`] on the document element of either tree.
pub(crate) fn check_root<'d, E: ElementRef<'d>>(root: E) -> Result<SoapVersion> {
    let v = root
        .ns()
        .and_then(SoapVersion::from_namespace)
        .filter(|_| root.local() == "Envelope")
        .ok_or_else(|| {
            Error::at(
                ErrorKind::InvalidRequest,
                root.qname(),
                "not a SOAP 1.1 or 1.2 Envelope",
            )
        })?;
    let envns = v.namespace();
    let mut headers = 0;
    let mut bodies = 0;
    for c in root.elements() {
        if c.is(envns, "Header") {
            if bodies > 0 {
                return Err(Error::at(
                    ErrorKind::InvalidRequest,
                    c.qname(),
                    "Header after Body",
                ));
            }
            headers += 1;
        } else if c.is(envns, "Body") {
            bodies += 1;
        } else {
            return Err(Error::at(
                ErrorKind::InvalidRequest,
                c.qname(),
                "unexpected child of the Envelope",
            ));
        }
    }
    if headers > 1 || bodies != 1 {
        return Err(Error::at(
            ErrorKind::InvalidRequest,
            root.qname(),
            "an Envelope has at most one Header and exactly one Body",
        ));
    }
    Ok(v)
}

/// The Body element.
pub fn body(doc: &Document, v: SoapVersion) -> Option<&Element> {
    doc.root.find(v.namespace(), "Body")
}

/// The Body element, mutable.
pub fn body_mut(doc: &mut Document, v: SoapVersion) -> Option<&mut Element> {
    doc.root.find_mut(v.namespace(), "Body")
}

/// The Header element, created (before the Body) when absent.
pub fn header_mut(doc: &mut Document, v: SoapVersion) -> &mut Element {
    let envns = v.namespace();
    if doc.root.find(envns, "Header").is_none() {
        let prefix = doc.root.prefix.clone().unwrap_or_default();
        let h = Element::child_of(envns, &prefix, "Header");
        let at = doc
            .root
            .children
            .iter()
            .position(|n| matches!(n, crate::xml::Node::Element(e) if e.is(envns, "Body")))
            .unwrap_or(doc.root.children.len());
        doc.root.children.insert(at, crate::xml::Node::Element(h));
    }
    doc.root
        .find_mut(envns, "Header")
        .expect("header just ensured")
}

/// The Header element, if any.
pub fn header(doc: &Document, v: SoapVersion) -> Option<&Element> {
    doc.root.find(v.namespace(), "Header")
}
