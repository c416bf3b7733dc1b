//! The proof key of an issued token: WS-Trust section 6.2.3 (Feb 2005 section 6.2.4's
//! table) — who supplied key material and how the requestor gets the key.
//!
//! | requestor entropy | RSTR carries                     | key                          |
//! |-------------------|----------------------------------|------------------------------|
//! | none              | BinarySecret / EncryptedKey      | the issuer's key             |
//! | sent              | nothing                          | the requestor's entropy      |
//! | sent              | Entropy + ComputedKey (CK/PSHA1) | P_SHA1(req entropy, iss ent.)|
//! | sent              | BinarySecret / EncryptedKey      | the issuer's key (override)  |

use crate::crypto::{computed_key, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::trust::{ComputedKeyAlgorithm, KeyMaterial, ProofToken, RequestSecurityTokenResponse};

/// Unwraps an xenc:EncryptedKey proof token or entropy with the requestor's private key.
pub type KeyUnwrapper<'a> = &'a dyn Fn(&crate::xml::Element) -> Result<Secret>;

/// The proof key the RSTR gives the requestor, given the entropy it sent and the key size
/// it asked for (used when the RSTR omits KeySize: never guess from nothing).
pub fn proof_key(
    rstr: &RequestSecurityTokenResponse,
    requestor_entropy: Option<&Secret>,
    requested_key_bits: u32,
    unwrap: Option<KeyUnwrapper<'_>>,
) -> Result<Secret> {
    let key_bits = rstr.params.key_size.unwrap_or(requested_key_bits);
    let issuer_entropy = match rstr.params.entropy.as_ref().map(|e| &e.material) {
        Some(KeyMaterial::BinarySecret(b)) => Some(b.secret.clone()),
        Some(KeyMaterial::EncryptedKey(el)) => match unwrap {
            Some(u) => Some(u(el)?),
            None => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "issuer entropy is encrypted and no private key was given",
                ))
            }
        },
        Some(_) => {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "unsupported issuer entropy",
            ))
        }
        None => None,
    };
    let key = match rstr.proof_token() {
        Some(ProofToken::ComputedKey(ComputedKeyAlgorithm::Psha1)) => {
            let req = requestor_entropy.ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "the issuer announced a computed key but no requestor entropy was sent",
                )
            })?;
            let iss = issuer_entropy.ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    "the issuer announced a computed key without issuer entropy",
                )
            })?;
            computed_key(req.expose(), iss.expose(), key_bits)?
        }
        Some(ProofToken::ComputedKey(other)) => {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("unsupported computed key algorithm {}", other.name()),
            ))
        }
        Some(ProofToken::BinarySecret(b)) => b.secret.clone(),
        Some(ProofToken::EncryptedKey(el)) => match unwrap {
            Some(u) => u(el)?,
            None => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "the proof key is encrypted and no private key was given",
                ))
            }
        },
        Some(_) => {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "unsupported RequestedProofToken content",
            ))
        }
        None => match (requestor_entropy, issuer_entropy) {
            (Some(req), None) => req.clone(),
            (_, Some(_)) => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "issuer entropy without a ComputedKey proof token",
                ))
            }
            (None, None) => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "the response carries no proof token",
                ))
            }
        },
    };
    if let Some(bits) = rstr.params.key_size {
        if matches!(rstr.proof_token(), Some(ProofToken::BinarySecret(_)))
            && key.len() * 8 != bits as usize
        {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "the proof key has {} bits but the response says KeySize {bits}",
                    key.len() * 8
                ),
            ));
        }
    }
    if key.len() < 16 {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("a {}-byte proof key is too short", key.len()),
        ));
    }
    Ok(key)
}
