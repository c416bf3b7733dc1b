//! Namespace URIs that do not vary with a WS-SX version.

/// WS-Security 1.0 secext.
pub const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// WS-Security 1.1 secext (wsse11:TokenType and friends).
pub const WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
/// WS-Security utility (wsu:Id, wsu:Timestamp, wsu:Created, wsu:Expires).
pub const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
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

/// Every well-known URI of the crate: namespaces of both SC and all trust versions, the
/// trust URI table, algorithms and WSS value types. The XML tree shares these instead of
/// copying them (see [`crate::xml::XStr`]).
pub(crate) fn known_uris() -> Vec<&'static str> {
    use crate::message::{
        keytransport as kt, DigestAlgorithm as D, EncryptionAlgorithm as E, SignatureAlgorithm as S,
    };
    use crate::trust::uris::*;
    use crate::version::{ScVersion, TrustVersion};
    let mut out = vec![
        WSSE,
        WSSE11,
        WSU,
        DS,
        XENC,
        XENC11,
        XML,
        XMLNS,
        SOAP11,
        SOAP12,
        WSA_2004,
        WSA_2005,
        WSP_2004,
        WSP_15,
        BASE64_ENCODING,
        crate::message::algorithms::EXC_C14N,
        crate::message::algorithms::EXC_C14N_WITH_COMMENTS,
        crate::message::algorithms::XENC_CONTENT,
        crate::message::algorithms::XENC_ELEMENT,
        kt::ENCRYPTED_KEY_SHA1,
        kt::ENCRYPTED_KEY_TOKEN,
        kt::THUMBPRINT_SHA1,
        kt::X509_SKI,
        kt::X509_V3,
        kt::KeyTransportAlgorithm::RsaOaepMgf1p.uri(),
        kt::KeyTransportAlgorithm::Rsa15.uri(),
        S::HmacSha1.uri(),
        S::HmacSha256.uri(),
        D::Sha1.uri(),
        D::Sha256.uri(),
    ];
    for e in [
        E::Aes128Cbc,
        E::Aes192Cbc,
        E::Aes256Cbc,
        E::Aes128Gcm,
        E::Aes256Gcm,
    ] {
        out.push(e.uri());
    }
    for v in ScVersion::ALL {
        out.extend([
            v.namespace(),
            v.sct_token_type(),
            v.dk_token_type(),
            v.p_sha1(),
        ]);
    }
    for v in TrustVersion::ALL {
        out.extend([v.namespace(), v.ck_psha1(), v.ck_hash()]);
    }
    RequestType::table_uris(&mut out);
    KeyType::table_uris(&mut out);
    BinarySecretType::table_uris(&mut out);
    StatusCode::table_uris(&mut out);
    ComputedKeyAlgorithm::table_uris(&mut out);
    TokenType::table_uris(&mut out);
    Action::table_uris(&mut out);
    out
}
