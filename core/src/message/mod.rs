//! WS-Security message protection with security context keys: sign, verify, encrypt and
//! decrypt SOAP envelopes with an SCT and DerivedKeyTokens, the way WCF and WSS4J do.
//!
//! Sending: [`protect`] adds a wsse:Security header (Timestamp, SCT, DKTs, Signature,
//! ReferenceList) to an envelope. Receiving: [`verify`] resolves the keys through a
//! caller-supplied [`SecretLookup`], decrypts, verifies, and returns a [`VerifyReport`]
//! naming every covered element by position and the context that covered it.
//!
//! Encrypt without signing only where you must: xmlenc's CBC padding lets a receiver check
//! one byte, so a wrong key occasionally decrypts a tiny Body into harmless-looking text.
//! Sign (or sign and encrypt), or use GCM, when the receiver must know who wrote it.

pub mod algorithms;
mod canon;
mod cipher;
pub mod envelope;
pub mod keytransport;
mod locate;
mod options;
mod protect;
mod report;
mod verify;

pub use algorithms::{AlgorithmSuite, DigestAlgorithm, EncryptionAlgorithm, SignatureAlgorithm};
pub use envelope::SoapVersion;
pub use keytransport::{
    EncryptedKey, EphemeralKey, KeyResolver, KeyTransportAlgorithm, ReferenceKind, X509Reference,
};
pub use options::{ContextKey, ProtectOptions, ProtectionOrder, TokenReference, VerifyOptions};
pub use protect::{protect, protect_document, protect_for_recipient, Protection};
pub use report::{Association, ContextId, DecryptedPart, Part, SignedPart, VerifyReport};
pub use verify::{verify, verify_document, SecretLookup};

/// Exclusive canonical form of the element with ID `id` in `doc` (what a signature
/// reference `#id` covers), or of the whole document when `id` is None.
pub fn canonical_form(
    doc: &crate::xml::Document,
    id: Option<&str>,
    with_comments: bool,
    prefixes: &[String],
) -> crate::Result<Vec<u8>> {
    let mut out = Vec::new();
    match id {
        None => canon::document(doc, prefixes, with_comments, &mut out),
        Some(id) => {
            // Any duplicate ID makes every reference ambiguous (as for a signature).
            locate::unique_ids(&doc.root)?;
            let (el, scope) = crate::xml::c14n::find_by_id(doc, id)?;
            canon::exc_c14n_scoped(el, &scope, prefixes, with_comments, &mut out);
        }
    }
    Ok(out)
}
