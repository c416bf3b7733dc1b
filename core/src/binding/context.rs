//! A security context as the requestor holds it.

use crate::crypto::Secret;
use crate::message::ContextKey;
use crate::time::Instant;
use crate::token::{SecurityContextToken, SecurityTokenReference};
use crate::version::TrustVersion;
use std::time::Duration;

/// An established security context: the token, its key, its lifetime and the references
/// the issuer said to use for it.
#[derive(Debug, Clone)]
pub struct SecurityContext {
    /// The SCT (its Identifier, Instance, wsu:Id and any extensions, as issued).
    pub sct: SecurityContextToken,
    /// The context key (the proof key).
    pub secret: Secret,
    /// The WS-Trust version the context was obtained with.
    pub trust_version: TrustVersion,
    /// wst:Lifetime Created, if the issuer said.
    pub created: Option<Instant>,
    /// wst:Lifetime Expires, if the issuer said.
    pub expires: Option<Instant>,
    /// wst:RequestedAttachedReference (how to refer to the SCT inside a message that
    /// carries it).
    pub attached_reference: Option<SecurityTokenReference>,
    /// wst:RequestedUnattachedReference (how to refer to it from elsewhere).
    pub unattached_reference: Option<SecurityTokenReference>,
    /// Set once the context was cancelled: it must not be used again.
    pub cancelled: bool,
}

impl SecurityContext {
    /// The token and key, as the message layer wants them.
    pub fn key(&self) -> crate::Result<ContextKey> {
        if self.cancelled {
            return Err(crate::Error::new(
                crate::ErrorKind::BadContextToken,
                "the context was cancelled",
            ));
        }
        Ok(ContextKey {
            sct: self.sct.clone(),
            secret: self.secret.clone(),
        })
    }

    /// True when the context has expired at `now` (allowing `skew`).
    pub fn is_expired(&self, now: Instant, skew: Duration) -> bool {
        matches!(self.expires, Some(e) if e.plus(skew) < now)
    }

    /// Direct key transfer (WS-SC 3, key exchange pattern 1): an unsolicited RSTR carrying
    /// this context's SCT and its key encrypted for `recipient` (RSA-OAEP), to send in a
    /// message body or a wst:IssuedTokens header — sign that message with this context.
    pub fn propagate(
        &self,
        recipient: &openssl::x509::X509Ref,
    ) -> crate::Result<crate::trust::RequestSecurityTokenResponse> {
        use crate::message::{EncryptedKey, KeyTransportAlgorithm, ReferenceKind};
        use crate::trust::{
            ProofToken, RequestSecurityTokenResponse, RequestedProofToken, TokenHolder, TokenRef,
            TokenType,
        };
        let v = self.trust_version;
        let mut r = RequestSecurityTokenResponse::new(v);
        r.params.token_type = Some(TokenType::SecurityContext);
        // The copy in the RSTR carries no wsu:Id: the message that propagates it also carries
        // the SCT in its Security header, and an ID may occur only once in a message.
        let mut sct = self.sct.clone();
        sct.id = None;
        r.requested_security_token = Some(TokenHolder::new(TokenRef::SecurityContext(sct)));
        let ek = EncryptedKey::encrypt_key(
            &self.secret,
            recipient,
            KeyTransportAlgorithm::RsaOaepMgf1p,
            ReferenceKind::Thumbprint,
        )?;
        r.requested_proof_tokens.push(RequestedProofToken {
            token: ProofToken::EncryptedKey(ek.to_element()),
            other_attributes: Vec::new(),
        });
        if let (Some(c), Some(e)) = (self.created, self.expires) {
            r.params.lifetime = crate::trust::Lifetime::between(c, e).ok();
        }
        Ok(r)
    }

    /// A new context created locally (the initiator of a direct key transfer): a fresh
    /// SCT with a random key of `key_bits` bits, valid for `lifetime`.
    pub fn create(version: TrustVersion, key_bits: u32, lifetime: Duration) -> crate::Result<Self> {
        let mut sct = SecurityContextToken::generate(version.sc())?;
        sct.id = Some(crate::token::local_id_for(&sct.identifier));
        let now = Instant::now();
        Ok(SecurityContext {
            sct,
            secret: Secret::random((key_bits / 8) as usize)?,
            trust_version: version,
            created: Some(now),
            expires: Some(now.plus(lifetime)),
            attached_reference: None,
            unattached_reference: None,
            cancelled: false,
        })
    }

    /// True when a long-running client should renew now: less than `margin` of the
    /// lifetime is left (renew before expiry instead of after a RenewNeeded fault).
    pub fn should_renew(&self, now: Instant, margin: Duration) -> bool {
        matches!(self.expires, Some(e) if now.plus(margin) >= e)
    }
}
