//! Describe any document wssx reads as JSON: a SOAP envelope (with its trust messages and
//! security tokens), a WS-Trust message, or a token. One place for `wssx inspect` and the
//! faces' inspect functions.

use crate::error::{Error, ErrorKind, Result};
use crate::json::Json;
use crate::message::SoapVersion;
use crate::soap::Envelope;
use crate::token::Token;
use crate::trust::{envelope_json, TrustMessage};
use crate::xml::{self, Element};

/// Parse `bytes` and describe what they hold.
pub fn inspect(bytes: &[u8]) -> Result<Json> {
    let doc = xml::parse(bytes)?;
    inspect_element(&doc.root)
}

/// Describe an element: envelope, trust message or token.
pub fn inspect_element(el: &Element) -> Result<Json> {
    if el.local == "Envelope"
        && el
            .ns
            .as_deref()
            .and_then(SoapVersion::from_namespace)
            .is_some()
    {
        let env = Envelope::from_element(el)?;
        let mut j = envelope_json(&env);
        // Tokens carried in a wsse:Security header, described too.
        let tokens: Vec<Json> = env
            .headers
            .iter()
            .filter(|h| h.is(crate::ns::WSSE, "Security"))
            .flat_map(|h| h.elements())
            .filter_map(|t| Token::from_element(t).ok().map(|t| t.to_json()))
            .collect();
        if !tokens.is_empty() {
            j = j.with("securityTokens", Json::Array(tokens));
        }
        return Ok(j);
    }
    if TrustMessage::is_trust_element(el) {
        return Ok(TrustMessage::from_element(el)?.to_json());
    }
    match Token::from_element(el) {
        Ok(t) => Ok(t.to_json()),
        Err(_) => Err(Error::at(
            ErrorKind::InvalidRequest,
            el.qname(),
            "not a SOAP envelope, WS-Trust message or security token",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_each_kind() {
        let sct = r#"<c:SecurityContextToken xmlns:c="http://schemas.xmlsoap.org/ws/2005/02/sc"><c:Identifier>urn:x</c:Identifier></c:SecurityContextToken>"#;
        assert_eq!(
            inspect(sct.as_bytes()).unwrap().get("type"),
            Some(&Json::from("SecurityContextToken"))
        );
        let rst = r#"<t:RequestSecurityToken xmlns:t="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType></t:RequestSecurityToken>"#;
        assert!(inspect(rst.as_bytes())
            .unwrap()
            .to_string_compact()
            .contains("Issue"));
        let env = format!(
            r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>{rst}</s:Body></s:Envelope>"#
        );
        assert!(inspect(env.as_bytes())
            .unwrap()
            .to_string_compact()
            .contains("Issue"));
        assert_eq!(
            inspect(b"<x/>").unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
    }
}
