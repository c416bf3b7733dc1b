//! The one public error type.
//!
//! Every failure in wssx is an [`Error`]: a [`ErrorKind`] that callers can match on, a
//! context path naming the element or field at fault, and a human message. Kinds that
//! correspond to a fault code of WS-Trust or WS-SecureConversation say so through
//! [`ErrorKind::fault_code`], so a token service turns any error into the right SOAP
//! fault with one call, and each face maps the kind to its own idiom (a C status code,
//! a Python exception subclass, a Node `Error.code`).

use std::fmt;

/// What went wrong, as a closed set. The names of the fault kinds are the specs' local
/// fault names, so `kind.name()` is also the stable code string the faces expose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    // --- WS-Trust faults (wst:) ---
    /// wst:InvalidRequest: the request was invalid or malformed.
    InvalidRequest,
    /// wst:FailedAuthentication: authentication failed.
    FailedAuthentication,
    /// wst:RequestFailed: the specified request failed.
    RequestFailed,
    /// wst:InvalidSecurityToken: security token has been revoked or is invalid.
    InvalidSecurityToken,
    /// wst:AuthenticationBadElements: insufficient digest elements.
    AuthenticationBadElements,
    /// wst:BadRequest: the specified RequestSecurityToken is not understood.
    BadRequest,
    /// wst:ExpiredData: the request data is out-of-date.
    ExpiredData,
    /// wst:InvalidTimeRange: the requested time range is invalid or unsupported.
    InvalidTimeRange,
    /// wst:InvalidScope: the request scope is invalid or unsupported.
    InvalidScope,
    /// wst:RenewNeeded / wsc:RenewNeeded: a renewable security token has expired.
    RenewNeeded,
    /// wst:UnableToRenew / wsc:UnableToRenew: the requested renewal failed.
    UnableToRenew,
    // --- WS-SecureConversation faults (wsc:) ---
    /// wsc:BadContextToken: the requested context elements are insufficient or unsupported.
    BadContextToken,
    /// wsc:UnsupportedContextToken: not all of the values associated with the SCT are supported.
    UnsupportedContextToken,
    /// wsc:UnknownDerivationSource: the specified source for the derivation is unknown.
    UnknownDerivationSource,
    // --- library errors without a fault code of their own ---
    /// The input is not well-formed XML, or is XML that wssx refuses (DTDs, entities).
    MalformedXml,
    /// A configured limit (depth, size, count, key length, offset, chain depth) was exceeded.
    LimitExceeded,
    /// A caller passed an argument that cannot be used (bad base64, bad URI, bad length).
    InvalidArgument,
    /// A cryptographic operation failed (OpenSSL error, bad key size, bad padding).
    Crypto,
    /// A signature or digest did not verify.
    InvalidSignature,
    /// A caller-supplied callback failed.
    Callback,
}

impl ErrorKind {
    /// Every kind, in declaration order (used by the faces to build their tables).
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidRequest,
        ErrorKind::FailedAuthentication,
        ErrorKind::RequestFailed,
        ErrorKind::InvalidSecurityToken,
        ErrorKind::AuthenticationBadElements,
        ErrorKind::BadRequest,
        ErrorKind::ExpiredData,
        ErrorKind::InvalidTimeRange,
        ErrorKind::InvalidScope,
        ErrorKind::RenewNeeded,
        ErrorKind::UnableToRenew,
        ErrorKind::BadContextToken,
        ErrorKind::UnsupportedContextToken,
        ErrorKind::UnknownDerivationSource,
        ErrorKind::MalformedXml,
        ErrorKind::LimitExceeded,
        ErrorKind::InvalidArgument,
        ErrorKind::Crypto,
        ErrorKind::InvalidSignature,
        ErrorKind::Callback,
    ];

    /// The stable name of this kind: the spec's fault local name where there is one.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "InvalidRequest",
            ErrorKind::FailedAuthentication => "FailedAuthentication",
            ErrorKind::RequestFailed => "RequestFailed",
            ErrorKind::InvalidSecurityToken => "InvalidSecurityToken",
            ErrorKind::AuthenticationBadElements => "AuthenticationBadElements",
            ErrorKind::BadRequest => "BadRequest",
            ErrorKind::ExpiredData => "ExpiredData",
            ErrorKind::InvalidTimeRange => "InvalidTimeRange",
            ErrorKind::InvalidScope => "InvalidScope",
            ErrorKind::RenewNeeded => "RenewNeeded",
            ErrorKind::UnableToRenew => "UnableToRenew",
            ErrorKind::BadContextToken => "BadContextToken",
            ErrorKind::UnsupportedContextToken => "UnsupportedContextToken",
            ErrorKind::UnknownDerivationSource => "UnknownDerivationSource",
            ErrorKind::MalformedXml => "MalformedXml",
            ErrorKind::LimitExceeded => "LimitExceeded",
            ErrorKind::InvalidArgument => "InvalidArgument",
            ErrorKind::Crypto => "Crypto",
            ErrorKind::InvalidSignature => "InvalidSignature",
            ErrorKind::Callback => "Callback",
        }
    }

    /// The spec fault this kind maps to, if any.
    pub fn fault_code(self) -> Option<FaultCode> {
        use FaultSpec::*;
        let (spec, local) = match self {
            ErrorKind::InvalidRequest => (Trust, "InvalidRequest"),
            ErrorKind::FailedAuthentication => (Trust, "FailedAuthentication"),
            ErrorKind::RequestFailed => (Trust, "RequestFailed"),
            ErrorKind::InvalidSecurityToken => (Trust, "InvalidSecurityToken"),
            ErrorKind::AuthenticationBadElements => (Trust, "AuthenticationBadElements"),
            ErrorKind::BadRequest => (Trust, "BadRequest"),
            ErrorKind::ExpiredData => (Trust, "ExpiredData"),
            ErrorKind::InvalidTimeRange => (Trust, "InvalidTimeRange"),
            ErrorKind::InvalidScope => (Trust, "InvalidScope"),
            ErrorKind::RenewNeeded => (SecureConversation, "RenewNeeded"),
            ErrorKind::UnableToRenew => (SecureConversation, "UnableToRenew"),
            ErrorKind::BadContextToken => (SecureConversation, "BadContextToken"),
            ErrorKind::UnsupportedContextToken => (SecureConversation, "UnsupportedContextToken"),
            ErrorKind::UnknownDerivationSource => (SecureConversation, "UnknownDerivationSource"),
            // Malformed input is an invalid request from the peer's point of view.
            ErrorKind::MalformedXml | ErrorKind::LimitExceeded | ErrorKind::InvalidArgument => {
                (Trust, "InvalidRequest")
            }
            ErrorKind::InvalidSignature => (Trust, "FailedAuthentication"),
            ErrorKind::Crypto | ErrorKind::Callback => (Trust, "RequestFailed"),
        };
        Some(FaultCode { spec, local })
    }

    /// Parse a kind from its stable name.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which specification's namespace a fault code lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultSpec {
    /// `wst:` fault codes.
    Trust,
    /// `wsc:` fault codes.
    SecureConversation,
}

/// A spec fault code: namespace family plus local name (the version picks the namespace URI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FaultCode {
    /// Trust or SecureConversation.
    pub spec: FaultSpec,
    /// Local name of the QName, e.g. `BadContextToken`.
    pub local: &'static str,
}

/// The wssx error: a kind, where it happened and what happened.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    path: String,
    message: String,
}

impl Error {
    /// A new error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            path: String::new(),
            message: message.into(),
        }
    }

    /// A new error of `kind` at `path` (e.g. `wsc:DerivedKeyToken/wsc:Offset`).
    pub fn at(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            kind,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The kind, for matching.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The context path (element / field) at fault; empty when not tied to an element.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The message without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefix the path with an outer element name (used while unwinding a parse).
    pub fn within(mut self, outer: &str) -> Self {
        if self.path.is_empty() {
            self.path = outer.to_string();
        } else {
            self.path = format!("{outer}/{}", self.path);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.kind, self.message)
        } else {
            write!(f, "{}: {}: {}", self.kind, self.path, self.message)
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

impl From<openssl::error::ErrorStack> for Error {
    fn from(e: openssl::error::ErrorStack) -> Self {
        Error::new(ErrorKind::Crypto, format!("openssl: {e}"))
    }
}

/// Result alias used throughout wssx.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(k.name()), Some(*k));
            assert!(k.fault_code().is_some());
        }
    }

    #[test]
    fn display_has_path() {
        let e = Error::at(ErrorKind::LimitExceeded, "wsc:Offset", "too big")
            .within("wsc:DerivedKeyToken");
        assert_eq!(
            e.to_string(),
            "LimitExceeded: wsc:DerivedKeyToken/wsc:Offset: too big"
        );
    }
}
