//! How an xenc:EncryptedKey names the recipient's certificate: by SHA-1 thumbprint, by
//! issuer and serial number, by subject key identifier, or by carrying the certificate.

use super::{der, dn};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::token::{KeyIdentifier, SecurityTokenReference};
use crate::xml::{self, Element};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::x509::{X509Ref, X509};
use std::fmt;

/// KeyIdentifier ValueType of a SHA-1 certificate thumbprint (WSS 1.1; WCF's default).
pub const THUMBPRINT_SHA1: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1";
/// KeyIdentifier ValueType of an X.509 subject key identifier (X.509 token profile).
pub const X509_SKI: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier";
/// ValueType of a whole X.509 v3 certificate (BinarySecurityToken; WSS4J's X509KeyIdentifier).
pub const X509_V3: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
/// XML Signature 1.1 namespace (ds11:X509Digest).
const DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
const SHA1_URI: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
/// Longest serial number text accepted (RFC 5280 serials are at most 20 octets, 49 digits).
const MAX_SERIAL_CHARS: usize = 128;
/// Longest SKI accepted (a SHA-1 is 20 bytes; some CAs use 32).
const MAX_SKI_BYTES: usize = 64;

/// Which kind of reference to write for a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// `wsse:KeyIdentifier` ThumbprintSHA1 (WCF's default).
    Thumbprint,
    /// `ds:X509Data/ds:X509IssuerSerial` (WSS4J's default, and WS-Trust Appendix I.1).
    IssuerSerial,
    /// `wsse:KeyIdentifier` X509SubjectKeyIdentifier.
    SubjectKeyIdentifier,
    /// `wsse:KeyIdentifier` X509v3 carrying the certificate itself.
    Embedded,
}

/// A reference to a recipient's X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum X509Reference {
    /// SHA-1 of the certificate's DER encoding (20 bytes).
    Thumbprint(Vec<u8>),
    /// Issuer distinguished name (RFC 2253 text) and serial number (decimal).
    IssuerSerial {
        /// The issuer name as written.
        issuer: String,
        /// The serial number in decimal, as xs:integer.
        serial: String,
    },
    /// The subject key identifier: the extension's value, or RFC 3280 method 1.
    SubjectKeyIdentifier(Vec<u8>),
    /// The DER certificate itself.
    Embedded(Vec<u8>),
}

impl X509Reference {
    /// The reference of `kind` to `cert`.
    pub fn new(kind: ReferenceKind, cert: &X509Ref) -> Result<Self> {
        match kind {
            ReferenceKind::Thumbprint => Self::thumbprint(cert),
            ReferenceKind::IssuerSerial => Self::issuer_serial(cert),
            ReferenceKind::SubjectKeyIdentifier => Self::ski(cert),
            ReferenceKind::Embedded => Self::embedded(cert),
        }
    }

    /// By SHA-1 thumbprint of the DER certificate.
    pub fn thumbprint(cert: &X509Ref) -> Result<Self> {
        Ok(X509Reference::Thumbprint(
            cert.digest(MessageDigest::sha1())?.to_vec(),
        ))
    }

    /// By issuer name (RFC 2253, as xmlsec1 and WSS4J write it) and decimal serial number.
    pub fn issuer_serial(cert: &X509Ref) -> Result<Self> {
        let serial = cert.serial_number().to_bn()?.to_dec_str()?.to_string();
        Ok(X509Reference::IssuerSerial {
            issuer: dn::rfc2253(cert.issuer_name()),
            serial,
        })
    }

    /// By subject key identifier: the extension when present, else computed by RFC 3280
    /// method 1 (as WSS4J does for certificates without the extension).
    pub fn ski(cert: &X509Ref) -> Result<Self> {
        let ski = match cert.subject_key_id() {
            Some(s) => s.as_slice().to_vec(),
            None => computed_ski(cert)?,
        };
        Ok(X509Reference::SubjectKeyIdentifier(ski))
    }

    /// By carrying the whole certificate.
    pub fn embedded(cert: &X509Ref) -> Result<Self> {
        Ok(X509Reference::Embedded(cert.to_der()?))
    }

    /// Which kind of reference this is.
    pub fn kind(&self) -> ReferenceKind {
        match self {
            X509Reference::Thumbprint(_) => ReferenceKind::Thumbprint,
            X509Reference::IssuerSerial { .. } => ReferenceKind::IssuerSerial,
            X509Reference::SubjectKeyIdentifier(_) => ReferenceKind::SubjectKeyIdentifier,
            X509Reference::Embedded(_) => ReferenceKind::Embedded,
        }
    }

    /// True when this reference names `cert`. Issuer names are compared as names, not as
    /// strings (see the dn module); an SKI matches the extension or the computed value.
    pub fn matches(&self, cert: &X509Ref) -> bool {
        match self {
            X509Reference::Thumbprint(t) => cert
                .digest(MessageDigest::sha1())
                .is_ok_and(|d| d.as_ref() == t.as_slice()),
            X509Reference::IssuerSerial { issuer, serial } => {
                serial_matches(serial, cert) && dn::matches(issuer, cert.issuer_name())
            }
            X509Reference::SubjectKeyIdentifier(s) => {
                cert.subject_key_id()
                    .is_some_and(|x| x.as_slice() == s.as_slice())
                    || computed_ski(cert).is_ok_and(|c| c == *s)
            }
            X509Reference::Embedded(d) => cert.to_der().is_ok_and(|c| c == *d),
        }
    }

    /// The `wsse:SecurityTokenReference` that carries this reference.
    pub fn to_security_token_reference(&self) -> SecurityTokenReference {
        let key_id = |vt: &str, v: &[u8]| KeyIdentifier {
            value_type: Some(vt.to_string()),
            encoding_type: Some(ns::BASE64_ENCODING.to_string()),
            value: xml::encode_base64(v),
        };
        let mut s = SecurityTokenReference::default();
        match self {
            X509Reference::Thumbprint(t) => s.key_identifier = Some(key_id(THUMBPRINT_SHA1, t)),
            X509Reference::SubjectKeyIdentifier(k) => s.key_identifier = Some(key_id(X509_SKI, k)),
            X509Reference::Embedded(d) => s.key_identifier = Some(key_id(X509_V3, d)),
            X509Reference::IssuerSerial { issuer, serial } => {
                s.extensions.push(x509_data_issuer_serial(issuer, serial))
            }
        }
        s
    }

    /// Read the reference from a `ds:KeyInfo`: a `wsse:SecurityTokenReference` (KeyIdentifier,
    /// ds:X509Data, bare ds:X509IssuerSerial as in WS-Trust Appendix I.1, or wsse:Embedded
    /// BinarySecurityToken) or a `ds:X509Data` (X509IssuerSerial, X509SKI, X509Certificate,
    /// ds11:X509Digest), whichever comes first.
    pub fn from_key_info(key_info: &Element) -> Result<Self> {
        let path = key_info.qname();
        for c in key_info.elements() {
            let found = if c.is(ns::WSSE, "SecurityTokenReference") {
                Some(from_str(c))
            } else if c.is(ns::DS, "X509Data") {
                from_x509_data(c).transpose()
            } else {
                None
            };
            if let Some(r) = found {
                return r.map_err(|e| e.within(&path));
            }
        }
        Err(invalid(
            &path,
            "names no X.509 certificate (expected wsse:SecurityTokenReference or ds:X509Data)",
        ))
    }
}

impl fmt::Display for X509Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            X509Reference::Thumbprint(t) => {
                write!(f, "certificate with SHA-1 thumbprint {}", hex(t))
            }
            X509Reference::IssuerSerial { issuer, serial } => {
                write!(
                    f,
                    "certificate with issuer '{issuer}' and serial number {serial}"
                )
            }
            X509Reference::SubjectKeyIdentifier(s) => {
                write!(f, "certificate with subject key identifier {}", hex(s))
            }
            X509Reference::Embedded(d) => write!(f, "embedded certificate ({} bytes)", d.len()),
        }
    }
}

/// RFC 3280 section 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
pub fn computed_ski(cert: &X509Ref) -> Result<Vec<u8>> {
    let spki = cert.public_key()?.public_key_to_der()?;
    let bits = der::spki_key_bits(&spki).ok_or_else(|| {
        Error::new(
            ErrorKind::Crypto,
            "cannot read the certificate's SubjectPublicKeyInfo",
        )
    })?;
    Ok(openssl::hash::hash(MessageDigest::sha1(), bits)?.to_vec())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn invalid(path: &str, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::InvalidSecurityToken, path, msg)
}

fn serial_matches(serial: &str, cert: &X509Ref) -> bool {
    match (parse_serial(serial), cert.serial_number().to_bn()) {
        (Some(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A decimal xs:integer serial number (optional sign, digits only, bounded length).
fn parse_serial(text: &str) -> Option<BigNum> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty()
        || t.len() > MAX_SERIAL_CHARS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    BigNum::from_dec_str(t).ok()
}

fn x509_data_issuer_serial(issuer: &str, serial: &str) -> Element {
    let name = Element::child_of_static(ns::DS, "ds", "X509IssuerName").with_text(issuer);
    let number = Element::child_of_static(ns::DS, "ds", "X509SerialNumber").with_text(serial);
    let is = Element::child_of_static(ns::DS, "ds", "X509IssuerSerial")
        .with_child(name)
        .with_child(number);
    Element::new_static(ns::DS, "ds", "X509Data").with_child(is)
}

/// A wsse:SecurityTokenReference naming a certificate.
fn from_str(el: &Element) -> Result<X509Reference> {
    let path = el.lazy_qname();
    let s = SecurityTokenReference::from_element(el)?;
    if let Some(k) = &s.key_identifier {
        let kpath = format!("{path}/wsse:KeyIdentifier");
        return from_key_identifier(k, &kpath);
    }
    for x in &s.extensions {
        let found = if x.is(ns::DS, "X509Data") {
            from_x509_data(x).transpose()
        } else if x.is(ns::DS, "X509IssuerSerial") {
            Some(issuer_serial_of(x))
        } else if x.is(ns::WSSE, "Embedded") {
            Some(embedded_token(x))
        } else {
            None
        };
        if let Some(r) = found {
            return r.map_err(|e| e.within(&path));
        }
    }
    if s.reference.is_some() {
        return Err(invalid(
            &format!("{path}/wsse:Reference"),
            "a reference to a BinarySecurityToken needs the token: resolve it and use X509Reference::embedded",
        ));
    }
    Err(invalid(&path, "names no X.509 certificate"))
}

fn base64_at(text: &str, path: &str) -> Result<Vec<u8>> {
    let v = xml::decode_base64(text).map_err(|m| invalid(path, m))?;
    if v.is_empty() {
        return Err(invalid(path, "is empty"));
    }
    Ok(v)
}

fn from_key_identifier(k: &KeyIdentifier, path: &str) -> Result<X509Reference> {
    if let Some(enc) = k.encoding_type.as_deref() {
        if enc != ns::BASE64_ENCODING {
            return Err(invalid(path, format!("unsupported EncodingType {enc}")));
        }
    }
    let vt = k.value_type.as_deref().unwrap_or("");
    let value = base64_at(&k.value, path)?;
    match vt {
        THUMBPRINT_SHA1 => thumbprint_value(value, path),
        X509_SKI => ski_value(value, path),
        X509_V3 => certificate_value(value, path),
        "" => Err(invalid(path, "ValueType is missing")),
        other => Err(invalid(
            path,
            format!("unsupported KeyIdentifier ValueType {other}"),
        )),
    }
}

fn thumbprint_value(v: Vec<u8>, path: &str) -> Result<X509Reference> {
    if v.len() != 20 {
        return Err(invalid(
            path,
            format!("a SHA-1 thumbprint has 20 bytes, not {}", v.len()),
        ));
    }
    Ok(X509Reference::Thumbprint(v))
}

fn ski_value(v: Vec<u8>, path: &str) -> Result<X509Reference> {
    if v.len() > MAX_SKI_BYTES {
        return Err(invalid(
            path,
            format!("a {}-byte subject key identifier is implausible", v.len()),
        ));
    }
    Ok(X509Reference::SubjectKeyIdentifier(v))
}

fn certificate_value(v: Vec<u8>, path: &str) -> Result<X509Reference> {
    X509::from_der(&v).map_err(|_| invalid(path, "is not a DER X.509 certificate"))?;
    Ok(X509Reference::Embedded(v))
}

/// The first usable child of a ds:X509Data; None when it has none we can use
/// (X509SubjectName alone, X509CRL).
fn from_x509_data(el: &Element) -> Result<Option<X509Reference>> {
    let path = el.lazy_qname();
    for c in el.elements() {
        let cpath = || format!("{path}/{}", c.qname());
        let r = if c.is(ns::DS, "X509IssuerSerial") {
            issuer_serial_of(c).map_err(|e| e.within(&path))?
        } else if c.is(ns::DS, "X509SKI") {
            ski_value(base64_at(&c.text(), &cpath())?, &cpath())?
        } else if c.is(ns::DS, "X509Certificate") {
            certificate_value(base64_at(&c.text(), &cpath())?, &cpath())?
        } else if c.is(DSIG11, "X509Digest") {
            match c.attr(None, "Algorithm") {
                Some(SHA1_URI) => thumbprint_value(base64_at(&c.text(), &cpath())?, &cpath())?,
                _ => continue, // another digest: perhaps a later child is usable
            }
        } else {
            continue;
        };
        return Ok(Some(r));
    }
    Ok(None)
}

fn issuer_serial_of(el: &Element) -> Result<X509Reference> {
    let path = el.lazy_qname();
    let one = |local: &str| -> Result<String> {
        let mut it = el.elements().filter(|c| c.is(ns::DS, local));
        let c = it
            .next()
            .ok_or_else(|| invalid(&format!("{path}/ds:{local}"), "is missing"))?;
        if it.next().is_some() {
            return Err(invalid(
                &format!("{path}/ds:{local}"),
                "appears more than once",
            ));
        }
        Ok(c.text().trim().to_string())
    };
    let issuer = one("X509IssuerName")?;
    let serial = one("X509SerialNumber")?;
    if parse_serial(&serial).is_none() {
        return Err(invalid(
            &format!("{path}/ds:X509SerialNumber"),
            format!("'{serial}' is not a decimal integer"),
        ));
    }
    Ok(X509Reference::IssuerSerial { issuer, serial })
}

/// wsse:Embedded holding an X.509 wsse:BinarySecurityToken.
fn embedded_token(el: &Element) -> Result<X509Reference> {
    let path = el.lazy_qname();
    let bst = el
        .find(ns::WSSE, "BinarySecurityToken")
        .ok_or_else(|| invalid(&path, "holds no wsse:BinarySecurityToken"))?;
    let bpath = format!("{path}/{}", bst.qname());
    match bst.attr(None, "ValueType") {
        Some(X509_V3) => certificate_value(base64_at(&bst.text(), &bpath)?, &bpath),
        other => Err(invalid(
            &bpath,
            format!(
                "unsupported BinarySecurityToken ValueType {}",
                other.unwrap_or("(none)")
            ),
        )),
    }
}
