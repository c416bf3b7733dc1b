//! Namespace URIs that do not vary with a WS-SX version.

/// WS-Security 1.0 secext.
pub const WSSE: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// WS-Security 1.1 secext (wsse11:TokenType and friends).
pub const WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
/// WS-Security utility (wsu:Id, wsu:Timestamp, wsu:Created, wsu:Expires).
pub const WSU: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/// XML Signature.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// XML Encryption.
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
/// XML Encryption 1.1.
pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
/// The `xml:` prefix namespace (always bound, never declared).
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// The `xmlns:` namespace of namespace declarations themselves.
pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
/// SOAP 1.1 envelope.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope.
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// WS-Addressing 2004/08 (submission; WCF's Feb 2005 bindings).
pub const WSA_2004: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
/// WS-Addressing 1.0 (2005/08).
pub const WSA_2005: &str = "http://www.w3.org/2005/08/addressing";
/// WS-Policy 2004/09 (used for wsp:AppliesTo in every trust version).
pub const WSP_2004: &str = "http://schemas.xmlsoap.org/ws/2004/09/policy";
/// WS-Policy 1.5.
pub const WSP_15: &str = "http://www.w3.org/ns/ws-policy";

/// Value type of a wsse:Reference / KeyIdentifier to an X.509 token etc. are version-free.
pub const BASE64_ENCODING: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
