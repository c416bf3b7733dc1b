//! `wssx._native`: the Python face of wssx.
//!
//! A thin layer: it converts Python arguments to core types, core results back to Python
//! objects and core errors to the exception classes of `wssx._errors` (one per
//! [`wssx::ErrorKind`]). Everything that takes time (key derivation, parsing, message
//! protection and verification) runs with the GIL released; `verify` re-attaches only to
//! call the caller's secret lookup. The pure-Python package `wssx` re-exports what is defined here.

mod binding;
mod convert;
mod crypto;
mod errors;
mod message;
mod tokens;
mod trust;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// The native half of the `wssx` package. Import `wssx`, not this module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_LABEL", wssx::crypto::DEFAULT_LABEL)?;
    m.add("DEFAULT_LENGTH", wssx::crypto::DEFAULT_LENGTH)?;
    m.add("DEFAULT_NONCE_LENGTH", wssx::token::DEFAULT_NONCE_LEN)?;

    // (kind name, fault prefix, fault local name) for every core error kind, in core order:
    // wssx._errors builds one exception class per entry.
    let kinds = wssx::ErrorKind::ALL
        .iter()
        .map(|k| {
            let (spec, local) = match k.fault_code() {
                Some(f) => (
                    Some(match f.spec {
                        wssx::FaultSpec::Trust => "wst",
                        wssx::FaultSpec::SecureConversation => "wsc",
                    }),
                    Some(f.local),
                ),
                None => (None, None),
            };
            (k.name(), spec, local)
        })
        .collect::<Vec<_>>();
    m.add("ERROR_KINDS", PyTuple::new(py, kinds)?)?;

    m.add_function(wrap_pyfunction!(crypto::derive_key, m)?)?;
    m.add_function(wrap_pyfunction!(crypto::computed_key, m)?)?;
    m.add_function(wrap_pyfunction!(crypto::p_sha1, m)?)?;
    m.add_function(wrap_pyfunction!(crypto::random_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(tokens::inspect_json, m)?)?;
    m.add_class::<tokens::PyScVersion>()?;
    m.add_class::<tokens::PySecurityContextToken>()?;
    m.add_class::<tokens::PyDerivedKeyToken>()?;
    m.add_function(wrap_pyfunction!(message::protect, m)?)?;
    m.add_function(wrap_pyfunction!(message::verify, m)?)?;
    m.add_function(wrap_pyfunction!(message::c14n, m)?)?;
    m.add_class::<message::PyAlgorithmSuite>()?;
    m.add_class::<message::PyVerifyReport>()?;
    m.add_class::<message::PySignedPart>()?;
    m.add_class::<message::PyDecryptedPart>()?;
    m.add_class::<trust::PyTrustVersion>()?;
    m.add_class::<trust::PySecurityTokenReference>()?;
    m.add_class::<trust::PyRequestSecurityToken>()?;
    m.add_class::<trust::PyRequestSecurityTokenResponse>()?;
    m.add_class::<trust::PyRequestSecurityTokenResponseCollection>()?;
    m.add_class::<trust::PyEnvelope>()?;
    m.add_class::<trust::PyFault>()?;
    m.add_function(wrap_pyfunction!(trust::trust_inspect_json, m)?)?;
    m.add_class::<binding::PyRequestorConfig>()?;
    m.add_class::<binding::PyRequestor>()?;
    m.add_class::<binding::PyOutgoingRequest>()?;
    m.add_class::<binding::PyPending>()?;
    m.add_class::<binding::PyNegotiation>()?;
    m.add_class::<binding::PyOutcome>()?;
    m.add_class::<binding::PySecurityContext>()?;
    m.add_class::<binding::PyStoredContext>()?;
    m.add_class::<binding::PyMemoryStore>()?;
    m.add_class::<binding::PyTokenService>()?;
    m.add_class::<binding::PyServiceResponse>()?;
    Ok(())
}
