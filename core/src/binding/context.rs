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
            return Err(crate::Error::new(crate::ErrorKind::BadContextToken, "the context was cancelled"));
        }
        Ok(ContextKey { sct: self.sct.clone(), secret: self.secret.clone() })
    }

    /// True when the context has expired at `now` (allowing `skew`).
    pub fn is_expired(&self, now: Instant, skew: Duration) -> bool {
        matches!(self.expires, Some(e) if e.plus(skew) < now)
    }

    /// True when a long-running client should renew now: less than `margin` of the
    /// lifetime is left (renew before expiry instead of after a RenewNeeded fault).
    pub fn should_renew(&self, now: Instant, margin: Duration) -> bool {
        matches!(self.expires, Some(e) if now.plus(margin) >= e)
    }
}
