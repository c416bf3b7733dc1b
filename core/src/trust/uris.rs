//! The one table of every URI that differs between WS-Trust versions.
//!
//! Each enum below is a row set: one variant per predefined value, with its URI in the
//! February 2005 namespace family and in the OASIS 1.3 family (1.4 defines no new URIs
//! for these and reuses 1.3's). Code never spells these URIs; it holds a variant and asks
//! for `uri(version)`, so converting a message between versions is a lookup per URI.
//! Values the spec lets profiles extend keep unknown URIs as `Other`, written back as is.
//!
//! Sources: WS-Trust Feb 2005 sections 5.3, 6-12; WS-Trust 1.3 (OASIS, 19 March 2007);
//! WS-SecureConversation Feb 2005 and 1.3 sections 3-6 for the SCT actions. Two rows are
//! not in the Feb 2005 text: the Bearer key type, for which WIF and ADFS use the
//! WS-Identity URI `.../2005/05/identity/NoProofKey`, and the 1.3-only values (STSCancel,
//! the `...Final` actions), which have no Feb 2005 URI.

use crate::version::TrustVersion;

/// Column of the table for a version: Feb 2005, or 1.3 (also used by 1.4).
const fn column(v: TrustVersion) -> usize {
    match v {
        TrustVersion::Feb2005 => 0,
        TrustVersion::V1_3 | TrustVersion::V1_4 => 1,
    }
}

macro_rules! uri_table {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $var:ident = $label:literal [$feb:expr, $v13:expr] ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $var, )+
            /// A URI not in the table, kept as written.
            Other(String),
        }

        impl $name {
            /// Every predefined value (not `Other`).
            pub const KNOWN: &'static [$name] = &[$($name::$var),+];

            /// The row: (name, Feb 2005 URI, 1.3 URI); None for `Other`.
            fn row(&self) -> Option<(&'static str, [Option<&'static str>; 2])> {
                match self {
                    $( $name::$var => Some(($label, [$feb, $v13])), )+
                    $name::Other(_) => None,
                }
            }

            /// Every URI of the table's rows (for the tree's string interning).
            pub(crate) fn table_uris(out: &mut Vec<&'static str>) {
                for v in Self::KNOWN {
                    if let Some((_, cols)) = v.row() {
                        out.extend(cols.iter().flatten().copied());
                    }
                }
            }

            /// The URI in `version`. A value that only one version defines is written with
            /// that version's URI whatever `version` asks for (there is nothing to map to).
            pub fn uri(&self, version: TrustVersion) -> &str {
                match (self.row(), self) {
                    (Some((_, cols)), _) => cols[column(version)].or(cols[0]).or(cols[1]).unwrap_or(""),
                    (None, $name::Other(s)) => s,
                    (None, _) => "",
                }
            }

            /// The URI in `version`, None when `version` does not define this value.
            pub fn uri_in(&self, version: TrustVersion) -> Option<&str> {
                match self {
                    $name::Other(s) => Some(s),
                    _ => self.row().and_then(|(_, c)| c[column(version)]),
                }
            }

            /// The value a URI names and the version family it belongs to (`V1_3` for the
            /// OASIS URIs, which 1.4 shares). None for URIs not in the table.
            pub fn from_uri(uri: &str) -> Option<(Self, TrustVersion)> {
                for v in Self::KNOWN {
                    if let Some((_, cols)) = v.row() {
                        if cols[0] == Some(uri) {
                            return Some((v.clone(), TrustVersion::Feb2005));
                        }
                        if cols[1] == Some(uri) {
                            return Some((v.clone(), TrustVersion::V1_3));
                        }
                    }
                }
                None
            }

            /// The value a URI names, or `Other(uri)`.
            pub fn parse_uri(uri: &str) -> Self {
                Self::from_uri(uri).map(|(v, _)| v).unwrap_or_else(|| $name::Other(uri.to_string()))
            }

            /// The short name (`Issue`, `SymmetricKey`, ...) or, for `Other`, the URI.
            pub fn name(&self) -> &str {
                match (self.row(), self) {
                    (Some((n, _)), _) => n,
                    (None, $name::Other(s)) => s,
                    (None, _) => "",
                }
            }

            /// The value with this short name (as [`Self::name`] gives), or a URI
            /// (`from_uri`), or `Other` for any other absolute URI; None otherwise.
            pub fn from_name(name: &str) -> Option<Self> {
                if let Some(v) = Self::KNOWN.iter().find(|v| v.name() == name) {
                    return Some(v.clone());
                }
                if name.contains(':') {
                    return Some(Self::parse_uri(name));
                }
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

/// Build a table cell at compile time from a base and a suffix.
macro_rules! u {
    (F, $s:literal) => {
        Some(concat!("http://schemas.xmlsoap.org/ws/2005/02/trust", $s))
    };
    (O, $s:literal) => {
        Some(concat!(
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
            $s
        ))
    };
}

uri_table! {
    /// wst:RequestType: the class of function requested (sections 6-9, 12). The SCT Amend
    /// binding has no request type of its own: WS-SC section 4 says it "uses the request
    /// type from the issuance binding", so an amend is `Issue` with the
    /// [`Action::RstSctAmend`] action.
    pub enum RequestType {
        /// Issue a new token.
        Issue = "Issue" [u!(F, "/Issue"), u!(O, "/Issue")],
        /// Renew a token.
        Renew = "Renew" [u!(F, "/Renew"), u!(O, "/Renew")],
        /// Cancel a token.
        Cancel = "Cancel" [u!(F, "/Cancel"), u!(O, "/Cancel")],
        /// Validate a token.
        Validate = "Validate" [u!(F, "/Validate"), u!(O, "/Validate")],
        /// Request a key exchange token.
        Ket = "KET" [u!(F, "/KET"), u!(O, "/KET")],
        /// STS-initiated cancel (1.3 only).
        StsCancel = "STSCancel" [None, u!(O, "/STSCancel")],
    }
}

uri_table! {
    /// wst:KeyType (section 11.2; Bearer from 1.3 and, for Feb 2005, WS-Identity).
    pub enum KeyType {
        /// A public key token.
        PublicKey = "PublicKey" [u!(F, "/PublicKey"), u!(O, "/PublicKey")],
        /// A symmetric key token (the default).
        SymmetricKey = "SymmetricKey" [u!(F, "/SymmetricKey"), u!(O, "/SymmetricKey")],
        /// No proof key (bearer token).
        Bearer = "Bearer" [Some("http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey"), u!(O, "/Bearer")],
    }
}

uri_table! {
    /// wst:BinarySecret/@Type (section 5.3).
    pub enum BinarySecretType {
        /// The private part of a public key.
        AsymmetricKey = "AsymmetricKey" [u!(F, "/AsymmetricKey"), u!(O, "/AsymmetricKey")],
        /// A symmetric key (the default when the attribute is absent).
        SymmetricKey = "SymmetricKey" [u!(F, "/SymmetricKey"), u!(O, "/SymmetricKey")],
        /// A raw nonce (entropy).
        Nonce = "Nonce" [u!(F, "/Nonce"), u!(O, "/Nonce")],
    }
}

uri_table! {
    /// wst:Status/wst:Code (section 9).
    pub enum StatusCode {
        /// The request validated the input.
        Valid = "valid" [u!(F, "/status/valid"), u!(O, "/status/valid")],
        /// The request did not validate the input.
        Invalid = "invalid" [u!(F, "/status/invalid"), u!(O, "/status/invalid")],
    }
}

uri_table! {
    /// wst:ComputedKey and wst:ComputedKeyAlgorithm values (sections 6.2.4, 10.8).
    pub enum ComputedKeyAlgorithm {
        /// key = P_SHA1(EntREQ, EntRES).
        Psha1 = "PSHA1" [u!(F, "/CK/PSHA1"), u!(O, "/CK/PSHA1")],
        /// The exchange-bound hash key of section 10.8.
        Hash = "HASH" [u!(F, "/CK/HASH"), u!(O, "/CK/HASH")],
    }
}

uri_table! {
    /// wst:TokenType values that vary by version. Token profile URIs (SAML, X.509,
    /// Kerberos) are the same in every version and stay `Other`.
    pub enum TokenType {
        /// wsc:SecurityContextToken (the SC version goes with the trust version).
        SecurityContext = "SecurityContextToken" [
            Some("http://schemas.xmlsoap.org/ws/2005/02/sc/sct"),
            Some("http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/sct")
        ],
        /// wsc:DerivedKeyToken.
        DerivedKey = "DerivedKeyToken" [
            Some("http://schemas.xmlsoap.org/ws/2005/02/sc/dk"),
            Some("http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk")
        ],
        /// Only a validation status is wanted (section 9).
        Status = "Status" [u!(F, "/RSTR/Status"), u!(O, "/RSTR/Status")],
    }
}

uri_table! {
    /// WS-Addressing actions of every binding: the WS-Trust bindings (sections 6-9, 12;
    /// 1.3 adds the `...Final` actions for the last response of an exchange and
    /// STS-initiated cancel) and the WS-SecureConversation SCT bindings (issue, amend,
    /// renew, cancel), whose URIs live under the trust namespace of the same generation.
    pub enum Action {
        /// RST/Issue
        RstIssue = "RST/Issue" [u!(F, "/RST/Issue"), u!(O, "/RST/Issue")],
        /// RSTR/Issue
        RstrIssue = "RSTR/Issue" [u!(F, "/RSTR/Issue"), u!(O, "/RSTR/Issue")],
        /// RSTRC/IssueFinal (1.3)
        RstrcIssueFinal = "RSTRC/IssueFinal" [None, u!(O, "/RSTRC/IssueFinal")],
        /// RST/Renew
        RstRenew = "RST/Renew" [u!(F, "/RST/Renew"), u!(O, "/RST/Renew")],
        /// RSTR/Renew
        RstrRenew = "RSTR/Renew" [u!(F, "/RSTR/Renew"), u!(O, "/RSTR/Renew")],
        /// RSTR/RenewFinal (1.3)
        RstrRenewFinal = "RSTR/RenewFinal" [None, u!(O, "/RSTR/RenewFinal")],
        /// RST/Cancel
        RstCancel = "RST/Cancel" [u!(F, "/RST/Cancel"), u!(O, "/RST/Cancel")],
        /// RSTR/Cancel
        RstrCancel = "RSTR/Cancel" [u!(F, "/RSTR/Cancel"), u!(O, "/RSTR/Cancel")],
        /// RSTR/CancelFinal (1.3)
        RstrCancelFinal = "RSTR/CancelFinal" [None, u!(O, "/RSTR/CancelFinal")],
        /// RST/STSCancel (1.3)
        RstStsCancel = "RST/STSCancel" [None, u!(O, "/RST/STSCancel")],
        /// RST/Validate
        RstValidate = "RST/Validate" [u!(F, "/RST/Validate"), u!(O, "/RST/Validate")],
        /// RSTR/Validate
        RstrValidate = "RSTR/Validate" [u!(F, "/RSTR/Validate"), u!(O, "/RSTR/Validate")],
        /// RSTR/ValidateFinal (1.3)
        RstrValidateFinal = "RSTR/ValidateFinal" [None, u!(O, "/RSTR/ValidateFinal")],
        /// RST/KET
        RstKet = "RST/KET" [u!(F, "/RST/KET"), u!(O, "/RST/KET")],
        /// RSTR/KET
        RstrKet = "RSTR/KET" [u!(F, "/RSTR/KET"), u!(O, "/RSTR/KET")],
        /// RSTR/KETFinal (1.3)
        RstrKetFinal = "RSTR/KETFinal" [None, u!(O, "/RSTR/KETFinal")],
        /// RST/SCT: request a security context token (WS-SC 3.1).
        RstSct = "RST/SCT" [u!(F, "/RST/SCT"), u!(O, "/RST/SCT")],
        /// RSTR/SCT
        RstrSct = "RSTR/SCT" [u!(F, "/RSTR/SCT"), u!(O, "/RSTR/SCT")],
        /// RST/SCT/Amend (WS-SC 4)
        RstSctAmend = "RST/SCT/Amend" [u!(F, "/RST/SCT/Amend"), u!(O, "/RST/SCT/Amend")],
        /// RSTR/SCT/Amend
        RstrSctAmend = "RSTR/SCT/Amend" [u!(F, "/RSTR/SCT/Amend"), u!(O, "/RSTR/SCT/Amend")],
        /// RST/SCT/Renew (WS-SC 5)
        RstSctRenew = "RST/SCT/Renew" [u!(F, "/RST/SCT/Renew"), u!(O, "/RST/SCT/Renew")],
        /// RSTR/SCT/Renew
        RstrSctRenew = "RSTR/SCT/Renew" [u!(F, "/RSTR/SCT/Renew"), u!(O, "/RSTR/SCT/Renew")],
        /// RST/SCT/Cancel (WS-SC 6)
        RstSctCancel = "RST/SCT/Cancel" [u!(F, "/RST/SCT/Cancel"), u!(O, "/RST/SCT/Cancel")],
        /// RSTR/SCT/Cancel
        RstrSctCancel = "RSTR/SCT/Cancel" [u!(F, "/RSTR/SCT/Cancel"), u!(O, "/RSTR/SCT/Cancel")],
    }
}

impl Action {
    /// True for the actions of request messages (RST).
    pub fn is_request(&self) -> bool {
        self.name().starts_with("RST/")
    }

    /// True for the SCT bindings of WS-SecureConversation.
    pub fn is_sct(&self) -> bool {
        self.name().contains("SCT")
    }

    /// The request type the binding of this action uses (for requests and responses
    /// alike): SCT issue and amend use Issue (WS-SC 3.1, 4), SCT renew Renew, SCT cancel
    /// Cancel. None for `Other`.
    pub fn request_type(&self) -> Option<RequestType> {
        use Action::*;
        Some(match self {
            RstIssue | RstrIssue | RstrcIssueFinal | RstSct | RstrSct | RstSctAmend
            | RstrSctAmend => RequestType::Issue,
            RstRenew | RstrRenew | RstrRenewFinal | RstSctRenew | RstrSctRenew => {
                RequestType::Renew
            }
            RstCancel | RstrCancel | RstrCancelFinal | RstSctCancel | RstrSctCancel => {
                RequestType::Cancel
            }
            RstStsCancel => RequestType::StsCancel,
            RstValidate | RstrValidate | RstrValidateFinal => RequestType::Validate,
            RstKet | RstrKet | RstrKetFinal => RequestType::Ket,
            Other(_) => return None,
        })
    }

    /// The action of the response to this request action (`RST/SCT` gives `RSTR/SCT`).
    /// None for responses, `Other` and STSCancel (which has no response).
    pub fn response(&self) -> Option<Action> {
        use Action::*;
        Some(match self {
            RstIssue => RstrIssue,
            RstRenew => RstrRenew,
            RstCancel => RstrCancel,
            RstValidate => RstrValidate,
            RstKet => RstrKet,
            RstSct => RstrSct,
            RstSctAmend => RstrSctAmend,
            RstSctRenew => RstrSctRenew,
            RstSctCancel => RstrSctCancel,
            _ => return None,
        })
    }

    /// The final-response action of a 1.3 exchange for this request action
    /// (`RST/Issue` gives `RSTRC/IssueFinal`), None where the binding defines none.
    pub fn final_response(&self) -> Option<Action> {
        use Action::*;
        Some(match self {
            RstIssue => RstrcIssueFinal,
            RstRenew => RstrRenewFinal,
            RstCancel => RstrCancelFinal,
            RstValidate => RstrValidateFinal,
            RstKet => RstrKetFinal,
            _ => return None,
        })
    }

    /// The request action of a binding for a request type (the generic trust bindings).
    pub fn for_request(request_type: &RequestType) -> Option<Action> {
        Some(match request_type {
            RequestType::Issue => Action::RstIssue,
            RequestType::Renew => Action::RstRenew,
            RequestType::Cancel => Action::RstCancel,
            RequestType::Validate => Action::RstValidate,
            RequestType::Ket => Action::RstKet,
            RequestType::StsCancel => Action::RstStsCancel,
            RequestType::Other(_) => return None,
        })
    }

    /// The request action of the SCT binding for a request type (issue, renew, cancel).
    pub fn for_sct_request(request_type: &RequestType) -> Option<Action> {
        Some(match request_type {
            RequestType::Issue => Action::RstSct,
            RequestType::Renew => Action::RstSctRenew,
            RequestType::Cancel => Action::RstSctCancel,
            _ => return None,
        })
    }
}

impl TokenType {
    /// The token type of a security context token in `version` (the SC version paired
    /// with it).
    pub fn sct_uri(version: TrustVersion) -> &'static str {
        version.sc().sct_token_type()
    }
}

impl BinarySecretType {
    /// The type an absent `@Type` means (section 5.3: SymmetricKey).
    pub const DEFAULT: BinarySecretType = BinarySecretType::SymmetricKey;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::ScVersion;

    #[test]
    fn table_agrees_with_versions_module() {
        for v in TrustVersion::ALL {
            assert_eq!(ComputedKeyAlgorithm::Psha1.uri(v), v.ck_psha1());
            assert_eq!(ComputedKeyAlgorithm::Hash.uri(v), v.ck_hash());
            assert_eq!(RequestType::Issue.uri(v), v.uri("/Issue"));
            assert_eq!(TokenType::SecurityContext.uri(v), v.sc().sct_token_type());
            assert_eq!(TokenType::DerivedKey.uri(v), v.sc().dk_token_type());
        }
        for sc in ScVersion::ALL {
            assert_eq!(
                TokenType::from_uri(sc.sct_token_type()).map(|t| t.0),
                Some(TokenType::SecurityContext)
            );
        }
    }

    #[test]
    fn every_uri_maps_back_and_between_versions() {
        fn check<T: Clone + PartialEq + std::fmt::Debug>(
            known: &[T],
            uri: impl Fn(&T, TrustVersion) -> Option<String>,
            from: impl Fn(&str) -> Option<(T, TrustVersion)>,
        ) {
            for k in known {
                for v in TrustVersion::ALL {
                    if let Some(u) = uri(k, v) {
                        let (back, bv) = from(&u).unwrap();
                        assert_eq!(&back, k, "{u}");
                        assert_eq!(
                            bv,
                            if v == TrustVersion::Feb2005 {
                                TrustVersion::Feb2005
                            } else {
                                TrustVersion::V1_3
                            },
                            "{u}"
                        );
                    }
                }
            }
        }
        check(
            RequestType::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            RequestType::from_uri,
        );
        check(
            KeyType::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            KeyType::from_uri,
        );
        check(
            BinarySecretType::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            BinarySecretType::from_uri,
        );
        check(
            StatusCode::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            StatusCode::from_uri,
        );
        check(
            ComputedKeyAlgorithm::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            ComputedKeyAlgorithm::from_uri,
        );
        check(
            TokenType::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            TokenType::from_uri,
        );
        check(
            Action::KNOWN,
            |k, v| k.uri_in(v).map(String::from),
            Action::from_uri,
        );
    }

    #[test]
    fn spec_uris() {
        let f = TrustVersion::Feb2005;
        let o = TrustVersion::V1_3;
        assert_eq!(
            Action::RstrcIssueFinal.uri(o),
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal"
        );
        assert_eq!(Action::RstrcIssueFinal.uri_in(f), None);
        assert_eq!(
            Action::RstSct.uri(f),
            "http://schemas.xmlsoap.org/ws/2005/02/trust/RST/SCT"
        );
        assert_eq!(
            Action::RstrSctAmend.uri(TrustVersion::V1_4),
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT/Amend"
        );
        assert_eq!(
            KeyType::Bearer.uri(f),
            "http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey"
        );
        assert_eq!(
            StatusCode::Valid.uri(o),
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/status/valid"
        );
        assert_eq!(
            TokenType::Status.uri(f),
            "http://schemas.xmlsoap.org/ws/2005/02/trust/RSTR/Status"
        );
        assert_eq!(
            BinarySecretType::Nonce.uri(o),
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Nonce"
        );
        assert_eq!(
            RequestType::StsCancel.uri(f),
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/STSCancel"
        );
        assert_eq!(
            KeyType::parse_uri("urn:custom"),
            KeyType::Other("urn:custom".into())
        );
        assert_eq!(KeyType::Other("urn:custom".into()).uri(f), "urn:custom");
        assert_eq!(RequestType::from_name("KET"), Some(RequestType::Ket));
        assert_eq!(Action::RstSctAmend.request_type(), Some(RequestType::Issue));
        assert_eq!(Action::RstSct.response(), Some(Action::RstrSct));
        assert!(Action::RstSctCancel.is_request() && Action::RstSctCancel.is_sct());
        assert!(!Action::RstrcIssueFinal.is_request());
    }
}
