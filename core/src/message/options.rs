//! What a sender chooses when protecting a message with a security context.

use super::algorithms::AlgorithmSuite;
use crate::crypto::Secret;
use crate::token::SecurityContextToken;
use std::time::Duration;

/// A security context as the message layer needs it: the token and its secret.
#[derive(Debug, Clone)]
pub struct ContextKey {
    /// The SCT naming the context.
    pub sct: SecurityContextToken,
    /// The context's shared secret.
    pub secret: Secret,
}

/// How derived keys (or the signature, with a raw key) point at the context token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenReference {
    /// `<wsse:Reference URI="#wsu:Id">` to the SCT carried in the Security header.
    ById,
    /// `<wsse:Reference URI="{Identifier}" ValueType=".../sct">` (the SCT may or may not be
    /// in the message; WCF uses this once the context is established).
    ByIdentifier,
}

/// Order of signing and encryption when both are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectionOrder {
    /// Sign the plaintext, then encrypt (WCF's default; the receiver decrypts first).
    SignThenEncrypt,
    /// Encrypt, then sign the ciphertext.
    EncryptThenSign,
}

/// Options for [`super::protect`]. The defaults are what WCF sends with an SCT on
/// Basic256: DKTs with a 16-byte nonce, no Label, Length only when not 32, a Timestamp
/// valid five minutes, the SCT in the header and referenced by wsu:Id.
#[derive(Debug, Clone)]
pub struct ProtectOptions {
    /// Algorithm suite: signature / digest / encryption algorithms and key lengths.
    pub suite: AlgorithmSuite,
    /// How DKTs reference the SCT.
    pub reference: TokenReference,
    /// Put the SCT itself in the Security header (needed for `ById`).
    pub include_sct: bool,
    /// Write `wsc:Instance` on references when the SCT has an Instance.
    pub reference_instance: bool,
    /// Sign / encrypt with keys derived by DKTs (true) or with the SCT secret itself, as
    /// gSOAP does (false). With the raw secret, its length picks the AES variant (a
    /// 32-byte secret encrypts with AES-256 whatever the suite says).
    pub derived_keys: bool,
    /// A Label to write in (and derive with) each DKT; None = no Label element and the
    /// default label.
    pub label: Option<String>,
    /// Nonce length for new DKTs.
    pub nonce_len: usize,
    /// Override the suite's derived signature key length.
    pub signature_key_len: Option<u64>,
    /// Override the suite's derived encryption key length.
    pub encryption_key_len: Option<u64>,
    /// Write an explicit wsc:Offset (None = no Offset element, i.e. 0).
    pub offset: Option<u64>,
    /// Add a wsu:Timestamp valid for this long (None = no Timestamp).
    pub timestamp_ttl: Option<Duration>,
    /// Sign these SOAP headers too (namespace, local name), when present.
    pub signed_headers: Vec<(String, String)>,
    /// Encrypt these SOAP headers as wsse11:EncryptedHeader (namespace, local name).
    pub encrypted_headers: Vec<(String, String)>,
    /// Order when both signing and encrypting.
    pub order: ProtectionOrder,
    /// Use AES-GCM (xmlenc 1.1) instead of the suite's CBC mode.
    pub gcm: bool,
}

impl Default for ProtectOptions {
    fn default() -> Self {
        ProtectOptions {
            suite: AlgorithmSuite::Basic256,
            reference: TokenReference::ById,
            include_sct: true,
            reference_instance: true,
            derived_keys: true,
            label: None,
            nonce_len: crate::token::DEFAULT_NONCE_LEN,
            signature_key_len: None,
            encryption_key_len: None,
            offset: None,
            timestamp_ttl: Some(Duration::from_secs(300)),
            signed_headers: Vec::new(),
            encrypted_headers: Vec::new(),
            order: ProtectionOrder::SignThenEncrypt,
            gcm: false,
        }
    }
}

/// What a receiver enforces.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Allowed clock skew for Timestamp checks.
    pub clock_skew: Duration,
    /// Refuse messages without a wsu:Timestamp.
    pub require_timestamp: bool,
    /// The time to check against (None = the system clock).
    pub now: Option<crate::time::Instant>,
    /// Derivation defaults and limits for received DKTs.
    pub derive: crate::token::DeriveOptions,
    /// Shortest key accepted for a signature or encryption (bytes). Default 16.
    pub min_key_len: usize,
    /// XML parsing limits.
    pub limits: crate::xml::Limits,
    /// Private keys for xenc:EncryptedKey tokens addressed to this receiver (messages
    /// protected with an ephemeral key rather than a security context).
    pub keys: Option<std::sync::Arc<super::keytransport::KeyResolver>>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            clock_skew: Duration::from_secs(300),
            require_timestamp: false,
            now: None,
            derive: crate::token::DeriveOptions::default(),
            min_key_len: 16,
            limits: crate::xml::Limits::default(),
            keys: None,
        }
    }
}
