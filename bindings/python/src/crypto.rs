//! Key derivation functions: P_SHA1, WS-SC derived keys, WS-Trust computed keys, randomness.

use crate::convert::{BytesArg, Uint};
use crate::errors::OrRaise;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::borrow::Cow;
use wssx::crypto::{DerivationLimits, Secret, DEFAULT_LABEL};

fn secret_bytes<'py>(py: Python<'py>, r: wssx::Result<Secret>) -> PyResult<Bound<'py, PyBytes>> {
    let s = r.or_raise(py)?;
    Ok(PyBytes::new(py, s.expose()))
}

/// Derive a key as WS-SecureConversation section 7 defines it:
/// ``P_SHA1(secret, label.encode("utf-8") + nonce)[offset:offset + length]``.
///
/// The request is checked against the default derivation limits (offset up to 4096 bytes,
/// length 1 to 1024 bytes, label and nonce up to 128 bytes each); a request over a limit
/// raises :class:`LimitExceededError`, a zero length :class:`InvalidArgumentError`.
#[pyfunction]
#[pyo3(
    signature = (secret, label = Cow::Borrowed(DEFAULT_LABEL), nonce = BytesArg(Cow::Borrowed(&b""[..])), offset = Uint(0), length = Uint(32)),
    text_signature = "(secret, label='WS-SecureConversationWS-SecureConversation', nonce=b'', offset=0, length=32)"
)]
pub fn derive_key<'py>(
    py: Python<'py>,
    secret: BytesArg<'_>,
    label: Cow<'_, str>,
    nonce: BytesArg<'_>,
    offset: Uint,
    length: Uint,
) -> PyResult<Bound<'py, PyBytes>> {
    let r = py.detach(|| wssx::crypto::derive_key(&secret, &label, &nonce, offset.0, length.0));
    secret_bytes(py, r)
}

/// WS-Trust CK/PSHA1 computed key: ``P_SHA1(requestor_entropy, issuer_entropy)`` truncated to
/// ``key_size_bits // 8`` bytes. The key size must be a positive multiple of 8 (else
/// :class:`InvalidArgumentError`) and at most 8192 (else :class:`LimitExceededError`); both
/// entropies must be non-empty.
#[pyfunction]
#[pyo3(signature = (requestor_entropy, issuer_entropy, key_size_bits))]
pub fn computed_key<'py>(
    py: Python<'py>,
    requestor_entropy: BytesArg<'_>,
    issuer_entropy: BytesArg<'_>,
    key_size_bits: Uint,
) -> PyResult<Bound<'py, PyBytes>> {
    // A size beyond u32 becomes the largest multiple of 8 that fits, which core refuses as
    // over its limit (the same answer it gives for any other size above 8192).
    let bits = u32::try_from(key_size_bits.0).unwrap_or(u32::MAX - 7);
    let r = py.detach(|| wssx::crypto::computed_key(&requestor_entropy, &issuer_entropy, bits));
    secret_bytes(py, r)
}

/// Raw P_SHA1 (RFC 2246 section 5): ``length`` bytes starting at ``offset`` of
/// ``P_SHA1(secret, seed)``. Offset and length are held to the default derivation limits
/// (offset up to 4096, length 1 to 1024 bytes).
#[pyfunction]
#[pyo3(signature = (secret, seed, length, offset = Uint(0)), text_signature = "(secret, seed, length, offset=0)")]
pub fn p_sha1<'py>(
    py: Python<'py>,
    secret: BytesArg<'_>,
    seed: BytesArg<'_>,
    length: Uint,
    offset: Uint,
) -> PyResult<Bound<'py, PyBytes>> {
    let r = py.detach(|| {
        DerivationLimits::default().check(b"", b"", offset.0, length.0)?;
        Ok(wssx::crypto::p_sha1(
            &secret,
            &seed,
            offset.0 as usize,
            length.0 as usize,
        ))
    });
    secret_bytes(py, r)
}

/// ``n`` bytes from OpenSSL's CSPRNG (nonces, entropy).
#[pyfunction]
#[pyo3(signature = (n))]
pub fn random_bytes<'py>(py: Python<'py>, n: Uint) -> PyResult<Bound<'py, PyBytes>> {
    // OpenSSL's RAND_bytes takes an int: larger requests cannot be served in one call.
    if n.0 > i32::MAX as u64 {
        return Err(PyValueError::new_err(format!(
            "random_bytes: n = {} is too large",
            n.0
        )));
    }
    let v = py
        .detach(|| wssx::crypto::random_bytes(n.usize()))
        .or_raise(py)?;
    Ok(PyBytes::new(py, &v))
}
