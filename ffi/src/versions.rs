//! The enums of the trust message model and the protocols: WS-Trust, SOAP and
//! WS-Addressing versions, and the int-typed C arguments that name them.
//!
//! As everywhere in the C API, an enum argument is received as a plain int (a value
//! outside the enum is WSSX_INVALID_ARGUMENT, never undefined behaviour); outputs are
//! written as the enum type.

use std::os::raw::c_int;

use wssx::message::SoapVersion;
use wssx::soap::WsaVersion;
use wssx::TrustVersion;

use crate::status::Failure;

/// A `wssx_trust_version` passed in by C, as a plain int; the header spells it
/// `enum wssx_trust_version`.
pub type TrustVersionArg = c_int;
/// A `wssx_soap_version` passed in by C, as a plain int; the header spells it
/// `enum wssx_soap_version`.
pub type SoapVersionArg = c_int;
/// A `wssx_wsa_version` passed in by C, as a plain int; the header spells it
/// `enum wssx_wsa_version`.
pub type WsaVersionArg = c_int;

/// WS-Trust version.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_trust_version {
    /// February 2005: `http://schemas.xmlsoap.org/ws/2005/02/trust` (WCF wsHttpBinding,
    /// ADFS). Goes with WS-SecureConversation February 2005.
    WSSX_TRUST_FEB2005 = 0,
    /// OASIS WS-Trust 1.3: `http://docs.oasis-open.org/ws-sx/ws-trust/200512` (WCF
    /// ws2007HttpBinding). Goes with WS-SecureConversation 1.3.
    WSSX_TRUST_1_3 = 1,
    /// OASIS WS-Trust 1.4: the 1.3 namespace plus the elements 1.4 added (ActAs) in
    /// `http://docs.oasis-open.org/ws-sx/ws-trust/200802`. A parsed 1.3-namespace message
    /// that carries one of them reports this version.
    WSSX_TRUST_1_4 = 2,
}

impl From<TrustVersion> for wssx_trust_version {
    fn from(v: TrustVersion) -> Self {
        match v {
            TrustVersion::Feb2005 => wssx_trust_version::WSSX_TRUST_FEB2005,
            TrustVersion::V1_3 => wssx_trust_version::WSSX_TRUST_1_3,
            TrustVersion::V1_4 => wssx_trust_version::WSSX_TRUST_1_4,
        }
    }
}

/// The core version named by `raw`.
pub(crate) fn trust_version(
    raw: TrustVersionArg,
    name: &'static str,
) -> Result<TrustVersion, Failure> {
    match raw {
        0 => Ok(TrustVersion::Feb2005),
        1 => Ok(TrustVersion::V1_3),
        2 => Ok(TrustVersion::V1_4),
        other => Err(Failure::invalid(
            name,
            format!("{other} is not a wssx_trust_version"),
        )),
    }
}

/// SOAP version.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_soap_version {
    /// SOAP 1.1 (`http://schemas.xmlsoap.org/soap/envelope/`), Content-Type `text/xml`.
    WSSX_SOAP_11 = 0,
    /// SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`), Content-Type
    /// `application/soap+xml`.
    WSSX_SOAP_12 = 1,
}

impl From<SoapVersion> for wssx_soap_version {
    fn from(v: SoapVersion) -> Self {
        match v {
            SoapVersion::Soap11 => wssx_soap_version::WSSX_SOAP_11,
            SoapVersion::Soap12 => wssx_soap_version::WSSX_SOAP_12,
        }
    }
}

/// The core version named by `raw`.
pub(crate) fn soap_version(
    raw: SoapVersionArg,
    name: &'static str,
) -> Result<SoapVersion, Failure> {
    match raw {
        0 => Ok(SoapVersion::Soap11),
        1 => Ok(SoapVersion::Soap12),
        other => Err(Failure::invalid(
            name,
            format!("{other} is not a wssx_soap_version"),
        )),
    }
}

/// WS-Addressing version of a message's headers, or none.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_wsa_version {
    /// No WS-Addressing headers.
    WSSX_WSA_NONE = 0,
    /// The 2004/08 member submission (`http://schemas.xmlsoap.org/ws/2004/08/addressing`),
    /// what WCF pairs with WS-Trust February 2005.
    WSSX_WSA_2004_08 = 1,
    /// W3C WS-Addressing 1.0 (`http://www.w3.org/2005/08/addressing`), what WCF pairs with
    /// WS-Trust 1.3.
    WSSX_WSA_2005_08 = 2,
}

impl From<Option<WsaVersion>> for wssx_wsa_version {
    fn from(v: Option<WsaVersion>) -> Self {
        match v {
            None => wssx_wsa_version::WSSX_WSA_NONE,
            Some(WsaVersion::V2004_08) => wssx_wsa_version::WSSX_WSA_2004_08,
            Some(WsaVersion::V2005_08) => wssx_wsa_version::WSSX_WSA_2005_08,
        }
    }
}

/// The core version named by `raw` (None for WSSX_WSA_NONE).
pub(crate) fn wsa_version(
    raw: WsaVersionArg,
    name: &'static str,
) -> Result<Option<WsaVersion>, Failure> {
    match raw {
        0 => Ok(None),
        1 => Ok(Some(WsaVersion::V2004_08)),
        2 => Ok(Some(WsaVersion::V2005_08)),
        other => Err(Failure::invalid(
            name,
            format!("{other} is not a wssx_wsa_version"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_round_trip() {
        for v in TrustVersion::ALL {
            assert_eq!(
                trust_version(wssx_trust_version::from(v) as c_int, "v").unwrap(),
                v
            );
        }
        for v in [SoapVersion::Soap11, SoapVersion::Soap12] {
            assert_eq!(
                soap_version(wssx_soap_version::from(v) as c_int, "v").unwrap(),
                v
            );
        }
        for v in [None, Some(WsaVersion::V2004_08), Some(WsaVersion::V2005_08)] {
            assert_eq!(
                wsa_version(wssx_wsa_version::from(v) as c_int, "v").unwrap(),
                v
            );
        }
        assert!(trust_version(3, "v").is_err() && trust_version(-1, "v").is_err());
        assert!(soap_version(2, "v").is_err() && wsa_version(3, "v").is_err());
    }
}
