//! The child elements of RST and RSTR that wssx types: their names, namespaces, the order
//! new messages are written in, and the ordered writer shared by RST, RSTR and
//! SecondaryParameters.
//!
//! The specs give RST and RSTR an open content model (`{any}*`), so classification is by
//! qualified name only: an element in the message's trust namespace (or in the 1.4
//! namespace for ActAs, or a WS-Policy namespace for AppliesTo / Policy /
//! PolicyReference) with a known local name is typed; everything else is an extension,
//! kept in order.

use crate::ns;
use crate::soap::Layout;
use crate::version::TrustVersion;
use crate::xml::build::Build;
use crate::xml::{Element, ElementRef};

/// Which namespace a field's element lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    /// The message's trust namespace (1.4 messages use 1.3's).
    Core,
    /// The WS-Trust 1.4 namespace (`.../ws-trust/200802`).
    Wst14,
    /// WS-Policy 2004/09 or 1.5.
    Policy,
}

macro_rules! fields {
    ($( $(#[$m:meta])* $var:ident = $local:literal in $space:ident ),+ $(,)?) => {
        /// A typed child element of RST / RSTR / SecondaryParameters. The declaration order
        /// is the order wssx writes fields that the message's [`Layout`] does not place:
        /// the order of the syntax listings of WS-Trust sections 5-12.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field {
            $( $(#[$m])* $var, )+
        }

        impl Field {
            /// Every field, in writing order.
            pub const ORDER: &'static [Field] = &[$(Field::$var),+];

            /// The element's local name.
            pub const fn local(self) -> &'static str {
                match self {
                    $( Field::$var => $local, )+
                }
            }

            const fn space(self) -> Space {
                match self {
                    $( Field::$var => Space::$space, )+
                }
            }

            fn by_local(local: &str) -> Option<Field> {
                match local {
                    $( $local => Some(Field::$var), )+
                    _ => None,
                }
            }
        }
    };
}

fields! {
    /// wst:TokenType
    TokenType = "TokenType" in Core,
    /// wst:RequestType
    RequestType = "RequestType" in Core,
    /// wst:RequestedSecurityToken (RSTR)
    RequestedSecurityToken = "RequestedSecurityToken" in Core,
    /// wsp:AppliesTo
    AppliesTo = "AppliesTo" in Policy,
    /// wst:RequestedAttachedReference (RSTR)
    RequestedAttachedReference = "RequestedAttachedReference" in Core,
    /// wst:RequestedUnattachedReference (RSTR)
    RequestedUnattachedReference = "RequestedUnattachedReference" in Core,
    /// wst:RequestedProofToken (RSTR; may repeat)
    RequestedProofToken = "RequestedProofToken" in Core,
    /// wst:Claims
    Claims = "Claims" in Core,
    /// wst:Entropy
    Entropy = "Entropy" in Core,
    /// wst:Lifetime
    Lifetime = "Lifetime" in Core,
    /// wst:Status (RSTR)
    Status = "Status" in Core,
    /// wst:RenewTarget (RST)
    RenewTarget = "RenewTarget" in Core,
    /// wst:AllowPostdating
    AllowPostdating = "AllowPostdating" in Core,
    /// wst:Renewing
    Renewing = "Renewing" in Core,
    /// wst:CancelTarget (RST)
    CancelTarget = "CancelTarget" in Core,
    /// wst:ValidateTarget (RST, 1.3+)
    ValidateTarget = "ValidateTarget" in Core,
    /// wst:RequestedTokenCancelled (RSTR)
    RequestedTokenCancelled = "RequestedTokenCancelled" in Core,
    /// wst:OnBehalfOf
    OnBehalfOf = "OnBehalfOf" in Core,
    /// wst14:ActAs (1.4 namespace)
    ActAs = "ActAs" in Wst14,
    /// wst:Issuer
    Issuer = "Issuer" in Core,
    /// wst:AuthenticationType
    AuthenticationType = "AuthenticationType" in Core,
    /// wst:KeyType
    KeyType = "KeyType" in Core,
    /// wst:KeySize
    KeySize = "KeySize" in Core,
    /// wst:SignatureAlgorithm
    SignatureAlgorithm = "SignatureAlgorithm" in Core,
    /// wst:EncryptionAlgorithm
    EncryptionAlgorithm = "EncryptionAlgorithm" in Core,
    /// wst:CanonicalizationAlgorithm
    CanonicalizationAlgorithm = "CanonicalizationAlgorithm" in Core,
    /// wst:ComputedKeyAlgorithm
    ComputedKeyAlgorithm = "ComputedKeyAlgorithm" in Core,
    /// wst:KeyWrapAlgorithm (1.3+)
    KeyWrapAlgorithm = "KeyWrapAlgorithm" in Core,
    /// wst:Encryption
    Encryption = "Encryption" in Core,
    /// wst:ProofEncryption
    ProofEncryption = "ProofEncryption" in Core,
    /// wst:UseKey
    UseKey = "UseKey" in Core,
    /// wst:SignWith
    SignWith = "SignWith" in Core,
    /// wst:EncryptWith
    EncryptWith = "EncryptWith" in Core,
    /// wst:DelegateTo
    DelegateTo = "DelegateTo" in Core,
    /// wst:Forwardable
    Forwardable = "Forwardable" in Core,
    /// wst:Delegatable
    Delegatable = "Delegatable" in Core,
    /// wsp:Policy
    Policy = "Policy" in Policy,
    /// wsp:PolicyReference
    PolicyReference = "PolicyReference" in Policy,
    /// wst:Participants
    Participants = "Participants" in Core,
    /// wst:SignChallenge
    SignChallenge = "SignChallenge" in Core,
    /// wst:SignChallengeResponse
    SignChallengeResponse = "SignChallengeResponse" in Core,
    /// wst:BinaryExchange
    BinaryExchange = "BinaryExchange" in Core,
    /// wst:RequestKET
    RequestKet = "RequestKET" in Core,
    /// wst:KeyExchangeToken
    KeyExchangeToken = "KeyExchangeToken" in Core,
    /// wst:Authenticator (RSTR)
    Authenticator = "Authenticator" in Core,
    /// wst:SecondaryParameters (1.3+)
    SecondaryParameters = "SecondaryParameters" in Core,
}

/// Number of fields (for per-field counters).
pub(crate) const FIELD_COUNT: usize = Field::ORDER.len();

impl Field {
    /// Which field `el` is in a message of `version`, if any.
    pub fn classify(el: &Element, version: TrustVersion) -> Option<Field> {
        Self::classify_ref(el, version)
    }

    /// [`Field::classify`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn classify_ref<'d, E: ElementRef<'d>>(el: E, version: TrustVersion) -> Option<Field> {
        let f = Field::by_local(el.local())?;
        let ok = match f.space() {
            Space::Core => el.in_ns(version.core_namespace()),
            Space::Wst14 => el.in_ns(TrustVersion::V1_4.namespace()),
            Space::Policy => el.in_ns(ns::WSP_2004) || el.in_ns(ns::WSP_15),
        };
        ok.then_some(f)
    }

    /// The namespace this field is written in for `version` (WS-Policy fields keep the
    /// namespace they carry, so this gives WS-Policy 2004/09 for them).
    pub fn namespace(self, version: TrustVersion) -> &'static str {
        match self.space() {
            Space::Core => version.core_namespace(),
            Space::Wst14 => TrustVersion::V1_4.namespace(),
            Space::Policy => ns::WSP_2004,
        }
    }

    /// The prefix wssx writes this field with.
    pub fn prefix(self) -> &'static str {
        match self.space() {
            Space::Core => "wst",
            Space::Wst14 => "wst14",
            Space::Policy => "wsp",
        }
    }

    /// Open this field's element for a message in `version`.
    pub(crate) fn open<B: Build + ?Sized>(self, b: &mut B, version: TrustVersion) {
        b.open(self.namespace(version), self.prefix(), self.local());
    }

    /// Write this field's element holding `text`.
    pub(crate) fn leaf<B: Build + ?Sized>(self, b: &mut B, version: TrustVersion, text: &str) {
        b.leaf(self.namespace(version), self.prefix(), self.local(), text);
    }

    /// Write this field's element holding `text` when there is one; whether there was.
    pub(crate) fn text_if<B: Build + ?Sized>(
        self,
        b: &mut B,
        version: TrustVersion,
        text: Option<&str>,
    ) -> bool {
        text.map(|t| self.leaf(b, version, t)).is_some()
    }

    /// Write this field's element, with `body` writing its attributes and content, when
    /// `value` is set; whether it was.
    pub(crate) fn wrap_if<B: Build + ?Sized, T>(
        self,
        b: &mut B,
        version: TrustVersion,
        value: Option<&T>,
        body: impl FnOnce(&T, &mut B),
    ) -> bool {
        let Some(value) = value else { return false };
        self.open(b, version);
        body(value, b);
        b.close();
        true
    }

    /// Write this field's empty element when `on`; `on`.
    pub(crate) fn flag_if<B: Build + ?Sized>(
        self,
        b: &mut B,
        version: TrustVersion,
        on: bool,
    ) -> bool {
        self.wrap_if(b, version, on.then_some(&()), |_, _| {})
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A position in a typed element's child list: a field or `extensions[i]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A typed field (repeated fields appear once per occurrence).
    Field(Field),
    /// The extension element at this index.
    Extension(usize),
}

/// Write children into `b`: first in `layout` order, then every field not yet written in
/// [`Field::ORDER`], then the remaining extensions. `emit(f, n, b)` writes the n-th element
/// of field `f` (n > 0 only for repeated fields) and says whether there was one.
pub(crate) fn write_children<B: Build + ?Sized>(
    b: &mut B,
    layout: &Layout<Slot>,
    extensions: &[Element],
    emit: &mut dyn FnMut(Field, usize, &mut B) -> bool,
) {
    let mut counts = [0u32; FIELD_COUNT];
    let mut done = vec![false; extensions.len()];
    for slot in layout.slots() {
        match *slot {
            Slot::Field(f) => {
                if emit(f, counts[f.index()] as usize, b) {
                    counts[f.index()] += 1;
                }
            }
            Slot::Extension(i) => {
                if let (Some(x), Some(false)) = (extensions.get(i), done.get(i).copied()) {
                    done[i] = true;
                    b.element(x);
                }
            }
        }
    }
    for &f in Field::ORDER {
        while emit(f, counts[f.index()] as usize, b) {
            counts[f.index()] += 1;
        }
    }
    for (i, x) in extensions.iter().enumerate() {
        if !done[i] {
            b.element(x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_by_namespace() {
        let v13 = TrustVersion::V1_3;
        let el = Element::child_of_static(v13.namespace(), "t", "Lifetime");
        assert_eq!(Field::classify(&el, v13), Some(Field::Lifetime));
        assert_eq!(
            Field::classify(&el, TrustVersion::V1_4),
            Some(Field::Lifetime)
        );
        assert_eq!(Field::classify(&el, TrustVersion::Feb2005), None);
        let act = Element::child_of_static(TrustVersion::V1_4.namespace(), "x", "ActAs");
        assert_eq!(
            Field::classify(&act, TrustVersion::Feb2005),
            Some(Field::ActAs)
        );
        let at = Element::child_of_static(crate::ns::WSP_15, "p", "AppliesTo");
        assert_eq!(Field::classify(&at, v13), Some(Field::AppliesTo));
        assert_eq!(
            Field::classify(&Element::child_of_static("urn:x", "x", "TokenType"), v13),
            None
        );
        assert_eq!(FIELD_COUNT, Field::ORDER.len());
        for (i, f) in Field::ORDER.iter().enumerate() {
            assert_eq!(f.index(), i);
        }
    }
}
