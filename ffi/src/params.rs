//! The request parameters RST and RSTR share (wssx::trust::Params): the enums that
//! describe them to C and the accessors behind `wssx_rst_*` and `wssx_rstr_*`.

use std::os::raw::c_int;

use wssx::time::Instant;
use wssx::trust::{
    AppliesTo, BinarySecret, BinarySecretType, ComputedKeyAlgorithm, Entropy, KeyMaterial, KeyType,
    Lifetime, Params, TokenType,
};
use wssx::{ErrorKind, Secret, TrustVersion};

use crate::args::{opt_bytes, opt_text, out_value};
use crate::buf::{out_buf, put, wssx_buf};
use crate::status::{Failure, FfiResult};
use crate::versions::{wsa_version, WsaVersionArg};

/// A `wssx_binary_secret_type` passed in by C, as a plain int; the header spells it
/// `enum wssx_binary_secret_type`.
pub type BinarySecretTypeArg = c_int;

/// The @Type of a wst:BinarySecret (WS-Trust section 5.3).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_binary_secret_type {
    /// A symmetric key (also what an absent @Type means).
    WSSX_SECRET_SYMMETRIC_KEY = 0,
    /// The private part of a public key.
    WSSX_SECRET_ASYMMETRIC_KEY = 1,
    /// A nonce (the usual type of entropy).
    WSSX_SECRET_NONCE = 2,
    /// A @Type URI wssx does not know (outputs only).
    WSSX_SECRET_OTHER = 3,
}

impl From<&BinarySecretType> for wssx_binary_secret_type {
    fn from(t: &BinarySecretType) -> Self {
        match t {
            BinarySecretType::SymmetricKey => wssx_binary_secret_type::WSSX_SECRET_SYMMETRIC_KEY,
            BinarySecretType::AsymmetricKey => wssx_binary_secret_type::WSSX_SECRET_ASYMMETRIC_KEY,
            BinarySecretType::Nonce => wssx_binary_secret_type::WSSX_SECRET_NONCE,
            BinarySecretType::Other(_) => wssx_binary_secret_type::WSSX_SECRET_OTHER,
        }
    }
}

/// The core type named by `raw` (WSSX_SECRET_OTHER is refused: it has no URI to write).
pub(crate) fn binary_secret_type(
    raw: BinarySecretTypeArg,
    name: &'static str,
) -> Result<BinarySecretType, Failure> {
    match raw {
        0 => Ok(BinarySecretType::SymmetricKey),
        1 => Ok(BinarySecretType::AsymmetricKey),
        2 => Ok(BinarySecretType::Nonce),
        other => Err(Failure::invalid(
            name,
            format!("{other} is not a wssx_binary_secret_type that can be written"),
        )),
    }
}

/// What a wst:Entropy holds.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum wssx_key_material {
    /// The message has no wst:Entropy.
    WSSX_MATERIAL_NONE = 0,
    /// A wst:BinarySecret in the clear: its bytes and @Type are available.
    WSSX_MATERIAL_BINARY_SECRET = 1,
    /// An xenc:EncryptedKey (kept as XML; see the message's XML or JSON).
    WSSX_MATERIAL_ENCRYPTED_KEY = 2,
    /// An xenc:EncryptedData (kept as XML).
    WSSX_MATERIAL_ENCRYPTED_DATA = 3,
    /// Anything else (kept as XML).
    WSSX_MATERIAL_OTHER = 4,
}

/// A URI-valued parameter named by a setter argument: a URI, or the short name of a
/// predefined value (`from_name`); None clears.
fn named<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    arg: &'static str,
    what: &str,
) -> Result<Option<T>, Failure> {
    match value {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| {
            Failure::invalid(
                arg,
                format!("'{s}' is neither a URI nor the name of a predefined {what}"),
            )
        }),
    }
}

/// Fill `out` with the URI of an optional parameter, in the message's version.
unsafe fn put_uri(out: *mut wssx_buf, value: Option<&str>) -> FfiResult {
    let out = out_buf(out, "out")?;
    put(out, value.map(str::as_bytes));
    Ok(())
}

/// wst:TokenType, as a URI in version `v`.
pub(crate) unsafe fn token_type(p: &Params, v: TrustVersion, out: *mut wssx_buf) -> FfiResult {
    put_uri(out, p.token_type.as_ref().map(|t| t.uri(v)))
}

/// Set or clear wst:TokenType.
pub(crate) unsafe fn set_token_type(p: &mut Params, value: *const u8, len: usize) -> FfiResult {
    let value = opt_text(value, len, "token_type")?;
    p.token_type = named(value, TokenType::from_name, "token_type", "token type")?;
    Ok(())
}

/// wst:KeyType, as a URI in version `v`.
pub(crate) unsafe fn key_type(p: &Params, v: TrustVersion, out: *mut wssx_buf) -> FfiResult {
    put_uri(out, p.key_type.as_ref().map(|t| t.uri(v)))
}

/// Set or clear wst:KeyType.
pub(crate) unsafe fn set_key_type(p: &mut Params, value: *const u8, len: usize) -> FfiResult {
    let value = opt_text(value, len, "key_type")?;
    p.key_type = named(value, KeyType::from_name, "key_type", "key type")?;
    Ok(())
}

/// wst:ComputedKeyAlgorithm, as a URI in version `v`.
pub(crate) unsafe fn computed_key_algorithm(
    p: &Params,
    v: TrustVersion,
    out: *mut wssx_buf,
) -> FfiResult {
    put_uri(out, p.computed_key_algorithm.as_ref().map(|a| a.uri(v)))
}

/// Set or clear wst:ComputedKeyAlgorithm.
pub(crate) unsafe fn set_computed_key_algorithm(
    p: &mut Params,
    value: *const u8,
    len: usize,
) -> FfiResult {
    let value = opt_text(value, len, "algorithm")?;
    p.computed_key_algorithm = named(
        value,
        ComputedKeyAlgorithm::from_name,
        "algorithm",
        "computed key algorithm",
    )?;
    Ok(())
}

/// wst:KeySize.
pub(crate) unsafe fn key_size(p: &Params, bits: *mut u32, present: *mut bool) -> FfiResult {
    let bits = out_value(bits, 0, "bits")?;
    let present = out_value(present, false, "present")?;
    if let Some(b) = p.key_size {
        *bits = b;
        *present = true;
    }
    Ok(())
}

/// Set or clear wst:KeySize.
pub(crate) fn set_key_size(p: &mut Params, bits: u32, present: bool) {
    p.key_size = present.then_some(bits);
}

/// An instant from C, within the years xsd:dateTime writes with four digits.
pub(crate) fn instant(ms: i64, name: &'static str) -> Result<Instant, Failure> {
    // 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999Z, in ms since the epoch (local:
    // cbindgen would warn about private consts).
    const MIN_MS: i64 = -62_135_596_800_000;
    const MAX_MS: i64 = 253_402_300_799_999;
    if (MIN_MS..=MAX_MS).contains(&ms) {
        Ok(Instant(ms))
    } else {
        Err(Failure::invalid(
            name,
            format!("{ms} ms is outside the years 0001-9999"),
        ))
    }
}

/// Write an optional lifetime to the outputs of a `_lifetime` getter.
pub(crate) unsafe fn put_lifetime(
    lifetime: Option<(Option<Instant>, Option<Instant>)>,
    present: *mut bool,
    created_ms: *mut i64,
    has_created: *mut bool,
    expires_ms: *mut i64,
    has_expires: *mut bool,
) -> FfiResult {
    let present = out_value(present, false, "present")?;
    let created_ms = out_value(created_ms, 0, "created_ms")?;
    let has_created = out_value(has_created, false, "has_created")?;
    let expires_ms = out_value(expires_ms, 0, "expires_ms")?;
    let has_expires = out_value(has_expires, false, "has_expires")?;
    if let Some((created, expires)) = lifetime {
        *present = true;
        if let Some(c) = created {
            *created_ms = c.millis();
            *has_created = true;
        }
        if let Some(e) = expires {
            *expires_ms = e.millis();
            *has_expires = true;
        }
    }
    Ok(())
}

/// wst:Lifetime.
pub(crate) unsafe fn lifetime(
    p: &Params,
    present: *mut bool,
    created_ms: *mut i64,
    has_created: *mut bool,
    expires_ms: *mut i64,
    has_expires: *mut bool,
) -> FfiResult {
    put_lifetime(
        p.lifetime.as_ref().map(|l| (l.created, l.expires)),
        present,
        created_ms,
        has_created,
        expires_ms,
        has_expires,
    )
}

/// Set or clear (neither end given) wst:Lifetime.
pub(crate) fn set_lifetime(
    p: &mut Params,
    created_ms: i64,
    has_created: bool,
    expires_ms: i64,
    has_expires: bool,
) -> FfiResult {
    if !has_created && !has_expires {
        p.lifetime = None;
        return Ok(());
    }
    let created = has_created
        .then(|| instant(created_ms, "created_ms"))
        .transpose()?;
    let expires = has_expires
        .then(|| instant(expires_ms, "expires_ms"))
        .transpose()?;
    if let (Some(c), Some(e)) = (created, expires) {
        if e < c {
            return Err(Failure::Core(wssx::Error::at(
                ErrorKind::InvalidTimeRange,
                "expires_ms",
                format!("Expires {e} is before Created {c}"),
            )));
        }
    }
    p.lifetime = Some(Lifetime {
        created,
        expires,
        other_attributes: Vec::new(),
    });
    Ok(())
}

/// wst:Entropy: the form of its material and, for a clear binary secret, its bytes and
/// type.
pub(crate) unsafe fn entropy(
    p: &Params,
    material: *mut wssx_key_material,
    secret_type: *mut wssx_binary_secret_type,
    secret: *mut wssx_buf,
) -> FfiResult {
    let material = out_value(material, wssx_key_material::WSSX_MATERIAL_NONE, "material")?;
    let secret_type = out_value(
        secret_type,
        wssx_binary_secret_type::WSSX_SECRET_SYMMETRIC_KEY,
        "secret_type",
    )?;
    let secret = out_buf(secret, "secret")?;
    match p.entropy.as_ref().map(|e| &e.material) {
        None => {}
        Some(KeyMaterial::BinarySecret(b)) => {
            *material = wssx_key_material::WSSX_MATERIAL_BINARY_SECRET;
            *secret_type = (&b.kind()).into();
            put(secret, Some(b.secret.expose()));
        }
        Some(KeyMaterial::EncryptedKey(_)) => {
            *material = wssx_key_material::WSSX_MATERIAL_ENCRYPTED_KEY
        }
        Some(KeyMaterial::EncryptedData(_)) => {
            *material = wssx_key_material::WSSX_MATERIAL_ENCRYPTED_DATA
        }
        Some(_) => *material = wssx_key_material::WSSX_MATERIAL_OTHER,
    }
    Ok(())
}

/// A clear binary secret from C arguments; None for NULL with length 0.
pub(crate) unsafe fn binary_secret(
    secret: *const u8,
    len: usize,
    secret_type: BinarySecretTypeArg,
) -> Result<Option<BinarySecret>, Failure> {
    match opt_bytes(secret, len, "secret")? {
        None => Ok(None),
        Some([]) => Err(Failure::invalid(
            "secret",
            "a binary secret cannot be empty",
        )),
        Some(b) => Ok(Some(BinarySecret::new(
            binary_secret_type(secret_type, "secret_type")?,
            Secret::from_slice(b),
        ))),
    }
}

/// Set (a clear binary secret) or clear wst:Entropy.
pub(crate) unsafe fn set_entropy(
    p: &mut Params,
    secret: *const u8,
    len: usize,
    secret_type: BinarySecretTypeArg,
) -> FfiResult {
    p.entropy = binary_secret(secret, len, secret_type)?.map(|b| Entropy {
        material: KeyMaterial::BinarySecret(b),
        other_attributes: Vec::new(),
    });
    Ok(())
}

/// The address of wsp:AppliesTo's first endpoint reference.
pub(crate) unsafe fn applies_to(p: &Params, out: *mut wssx_buf) -> FfiResult {
    put_uri(
        out,
        p.applies_to.as_ref().and_then(AppliesTo::endpoint_address),
    )
}

/// Set wsp:AppliesTo to one endpoint reference in `wsa`, or clear it.
pub(crate) unsafe fn set_applies_to(
    p: &mut Params,
    wsa: WsaVersionArg,
    address: *const u8,
    len: usize,
) -> FfiResult {
    let wsa = wsa_version(wsa, "wsa")?;
    p.applies_to = match opt_text(address, len, "address")? {
        None => None,
        Some(a) => {
            let wsa = wsa.ok_or_else(|| {
                Failure::invalid(
                    "wsa",
                    "an endpoint reference needs a WS-Addressing version, not WSSX_WSA_NONE",
                )
            })?;
            Some(AppliesTo::address(wsa, a))
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values() {
        for t in BinarySecretType::KNOWN {
            let c = wssx_binary_secret_type::from(t);
            assert_eq!(&binary_secret_type(c as c_int, "t").unwrap(), t);
        }
        assert!(binary_secret_type(3, "t").is_err());
        assert_eq!(
            wssx_binary_secret_type::from(&BinarySecretType::Other("urn:x".into())),
            wssx_binary_secret_type::WSSX_SECRET_OTHER
        );
    }

    #[test]
    fn instants_stay_in_four_digit_years() {
        let (min, max) = (-62_135_596_800_000, 253_402_300_799_999);
        assert_eq!(instant(min, "t").unwrap().to_xsd(), "0001-01-01T00:00:00Z");
        assert_eq!(
            instant(max, "t").unwrap().to_xsd(),
            "9999-12-31T23:59:59.999Z"
        );
        assert!(instant(min - 1, "t").is_err() && instant(max + 1, "t").is_err());
        assert!(instant(i64::MIN, "t").is_err() && instant(i64::MAX, "t").is_err());
    }
}
