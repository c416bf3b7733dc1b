//! Specification versions and every URI that varies with them.
//!
//! URIs are never passed around as strings: code holds a [`ScVersion`] or
//! [`TrustVersion`] and asks it. Parsing detects the version from the namespace it
//! saw; writing takes the version to write.

/// WS-SecureConversation version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScVersion {
    /// February 2005 (`http://schemas.xmlsoap.org/ws/2005/02/sc`), WCF's wsHttpBinding.
    Feb2005,
    /// OASIS WS-SecureConversation 1.3 (also used unchanged by 1.4).
    V1_3,
}

impl ScVersion {
    /// Both versions, oldest first.
    pub const ALL: [ScVersion; 2] = [ScVersion::Feb2005, ScVersion::V1_3];

    /// The namespace URI of the `wsc:` elements.
    pub const fn namespace(self) -> &'static str {
        match self {
            ScVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/sc",
            ScVersion::V1_3 => "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512",
        }
    }

    /// Detect the version from a namespace URI.
    pub fn from_namespace(ns: &str) -> Option<ScVersion> {
        Self::ALL
            .into_iter()
            .find(|v| crate::xml::same_uri(v.namespace(), ns))
    }

    /// Token type URI of a SecurityContextToken.
    pub const fn sct_token_type(self) -> &'static str {
        match self {
            ScVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/sc/sct",
            ScVersion::V1_3 => "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/sct",
        }
    }

    /// Token type URI of a DerivedKeyToken.
    pub const fn dk_token_type(self) -> &'static str {
        match self {
            ScVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/sc/dk",
            ScVersion::V1_3 => "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk",
        }
    }

    /// The P_SHA1 key derivation algorithm URI.
    pub const fn p_sha1(self) -> &'static str {
        match self {
            ScVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/sc/dk/p_sha1",
            ScVersion::V1_3 => {
                "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk/p_sha1"
            }
        }
    }

    /// The short name used in JSON and the CLI: `2005/02` or `1.3`.
    pub const fn short_name(self) -> &'static str {
        match self {
            ScVersion::Feb2005 => "2005/02",
            ScVersion::V1_3 => "1.3",
        }
    }

    /// Parse a short name (`2005`, `2005/02`, `feb2005`, `1.3`, `1.4`, `200512`).
    pub fn from_short_name(s: &str) -> Option<ScVersion> {
        match s.to_ascii_lowercase().as_str() {
            "2005" | "2005/02" | "2005-02" | "feb2005" | "200502" => Some(ScVersion::Feb2005),
            "1.3" | "1.4" | "13" | "200512" | "v1_3" => Some(ScVersion::V1_3),
            _ => None,
        }
    }

    /// The WS-Trust version this SC version is used with by default.
    pub const fn trust(self) -> TrustVersion {
        match self {
            ScVersion::Feb2005 => TrustVersion::Feb2005,
            ScVersion::V1_3 => TrustVersion::V1_3,
        }
    }

    /// True when `uri` names the P_SHA1 algorithm in either version (peers mix them).
    pub fn is_p_sha1(uri: &str) -> bool {
        Self::ALL.into_iter().any(|v| v.p_sha1() == uri)
    }
}

/// WS-Trust version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrustVersion {
    /// February 2005 (`http://schemas.xmlsoap.org/ws/2005/02/trust`): WCF wsHttpBinding, ADFS.
    Feb2005,
    /// OASIS WS-Trust 1.3 (`.../ws-sx/ws-trust/200512`): WCF ws2007HttpBinding.
    V1_3,
    /// OASIS WS-Trust 1.4 (`.../ws-sx/ws-trust/200802`): only the new 1.4 elements (ActAs,
    /// ...) live in this namespace; 1.4 messages otherwise use the 1.3 namespace.
    V1_4,
}

impl TrustVersion {
    /// All versions, oldest first.
    pub const ALL: [TrustVersion; 3] = [
        TrustVersion::Feb2005,
        TrustVersion::V1_3,
        TrustVersion::V1_4,
    ];

    /// The namespace URI of the `wst:` elements.
    pub const fn namespace(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/trust",
            TrustVersion::V1_3 => "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
            TrustVersion::V1_4 => "http://docs.oasis-open.org/ws-sx/ws-trust/200802",
        }
    }

    /// Detect the version from a namespace URI.
    pub fn from_namespace(ns: &str) -> Option<TrustVersion> {
        Self::ALL
            .into_iter()
            .find(|v| crate::xml::same_uri(v.namespace(), ns))
    }

    /// The namespace that carries the core RST/RSTR elements: 1.4 reuses 1.3's.
    pub const fn core_namespace(self) -> &'static str {
        match self {
            TrustVersion::V1_4 => TrustVersion::V1_3.namespace(),
            v => v.namespace(),
        }
    }

    /// The URI prefix that request types, key types, binary secret types etc. are built on.
    const fn base(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/trust",
            TrustVersion::V1_3 | TrustVersion::V1_4 => {
                "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
            }
        }
    }

    /// The CK/PSHA1 computed key algorithm URI.
    pub const fn ck_psha1(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1",
            TrustVersion::V1_3 | TrustVersion::V1_4 => {
                "http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1"
            }
        }
    }

    /// The CK/HASH computed key algorithm URI (defined by the Feb 2005 text only, kept in
    /// every version's table for symmetry).
    pub const fn ck_hash(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => "http://schemas.xmlsoap.org/ws/2005/02/trust/CK/HASH",
            TrustVersion::V1_3 | TrustVersion::V1_4 => {
                "http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/HASH"
            }
        }
    }

    /// Build a version URI from its suffix (e.g. `/Issue`, `/SymmetricKey`).
    pub fn uri(self, suffix: &str) -> String {
        format!("{}{}", self.base(), suffix)
    }

    /// The short name used in JSON and the CLI.
    pub const fn short_name(self) -> &'static str {
        match self {
            TrustVersion::Feb2005 => "2005/02",
            TrustVersion::V1_3 => "1.3",
            TrustVersion::V1_4 => "1.4",
        }
    }

    /// Parse a short name.
    pub fn from_short_name(s: &str) -> Option<TrustVersion> {
        match s.to_ascii_lowercase().as_str() {
            "2005" | "2005/02" | "2005-02" | "feb2005" | "200502" => Some(TrustVersion::Feb2005),
            "1.3" | "13" | "200512" | "v1_3" => Some(TrustVersion::V1_3),
            "1.4" | "14" | "200802" | "v1_4" => Some(TrustVersion::V1_4),
            _ => None,
        }
    }

    /// The SC version that goes with this trust version.
    pub const fn sc(self) -> ScVersion {
        match self {
            TrustVersion::Feb2005 => ScVersion::Feb2005,
            _ => ScVersion::V1_3,
        }
    }

    /// True when `uri` names CK/PSHA1 in any version.
    pub fn is_ck_psha1(uri: &str) -> bool {
        Self::ALL.into_iter().any(|v| v.ck_psha1() == uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_round_trip() {
        for v in ScVersion::ALL {
            assert_eq!(ScVersion::from_namespace(v.namespace()), Some(v));
            assert_eq!(ScVersion::from_short_name(v.short_name()), Some(v));
            assert!(v.p_sha1().starts_with(v.namespace()));
            assert!(v.sct_token_type().starts_with(v.namespace()));
        }
        for v in TrustVersion::ALL {
            assert_eq!(TrustVersion::from_namespace(v.namespace()), Some(v));
            assert_eq!(TrustVersion::from_short_name(v.short_name()), Some(v));
            assert!(TrustVersion::is_ck_psha1(v.ck_psha1()));
        }
        assert_eq!(
            TrustVersion::V1_4.ck_psha1(),
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1"
        );
        assert_eq!(
            TrustVersion::Feb2005.uri("/Issue"),
            "http://schemas.xmlsoap.org/ws/2005/02/trust/Issue"
        );
    }
}
