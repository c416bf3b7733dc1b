//! ScVersion, SecurityContextToken, DerivedKeyToken and inspect.

use crate::convert::{BytesArg, Uint, VersionArg};
use crate::errors::OrRaise;
use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyString, PyTuple, PyType};
use std::borrow::Cow;
use wssx::crypto::Secret;
use wssx::token::{DeriveOptions, KeySource};
use wssx::{DerivedKeyToken, ScVersion, SecurityContextToken, SecurityTokenReference, Token};

/// Python `repr()` of an optional string.
fn repr_opt(py: Python<'_>, s: Option<&str>) -> PyResult<String> {
    match s {
        Some(s) => Ok(PyString::new(py, s).repr()?.to_cow()?.into_owned()),
        None => Ok("None".to_string()),
    }
}

/// A strict optional u64 for attribute setters: negative is a `ValueError`, too large an
/// `OverflowError` (a stored field must keep the value it was given).
fn opt_u64(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<u64>> {
    let Some(v) = v else { return Ok(None) };
    if v.is_none() {
        return Ok(None);
    }
    match v.extract::<u64>() {
        Ok(x) => Ok(Some(x)),
        Err(_) if v.is_instance_of::<PyInt>() => {
            if v.lt(0)? {
                Err(PyValueError::new_err(format!(
                    "expected a non-negative integer, got {}",
                    v.repr()?
                )))
            } else {
                Err(PyOverflowError::new_err(format!(
                    "{} does not fit in 64 bits",
                    v.repr()?
                )))
            }
        }
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------------------------------
// ScVersion

/// WS-SecureConversation namespace version.
///
/// ``FEB2005`` is ``http://schemas.xmlsoap.org/ws/2005/02/sc`` (WCF's wsHttpBinding),
/// ``V1_3`` is OASIS WS-SecureConversation 1.3 (also used by 1.4). Wherever wssx takes a
/// version it also accepts the strings ``"2005/02"`` and ``"1.3"``; ``ScVersion("1.3")``
/// converts one.
#[pyclass(
    name = "ScVersion",
    module = "wssx",
    eq,
    hash,
    frozen,
    skip_from_py_object
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PyScVersion {
    /// February 2005 (``http://schemas.xmlsoap.org/ws/2005/02/sc``).
    #[pyo3(name = "FEB2005")]
    Feb2005,
    /// OASIS WS-SecureConversation 1.3 (``.../ws-sx/ws-secureconversation/200512``).
    V1_3,
}

impl PyScVersion {
    /// The core version.
    pub fn core(self) -> ScVersion {
        match self {
            PyScVersion::Feb2005 => ScVersion::Feb2005,
            PyScVersion::V1_3 => ScVersion::V1_3,
        }
    }

    /// From the core version.
    pub fn from_core(v: ScVersion) -> Self {
        match v {
            ScVersion::Feb2005 => PyScVersion::Feb2005,
            ScVersion::V1_3 => PyScVersion::V1_3,
        }
    }
}

#[pymethods]
impl PyScVersion {
    /// `ScVersion("1.3")`: the member for a version string (or member); members are
    /// singletons, so `is` comparisons work as with `enum.Enum`.
    #[new]
    fn py_new(py: Python<'_>, value: VersionArg) -> PyResult<Py<Self>> {
        Ok(version_obj(py, value.0)?.unbind())
    }

    /// The member name: ``"FEB2005"`` or ``"V1_3"``.
    #[getter]
    fn name(&self) -> &'static str {
        match self {
            PyScVersion::Feb2005 => "FEB2005",
            PyScVersion::V1_3 => "V1_3",
        }
    }

    /// The short name: ``"2005/02"`` or ``"1.3"``.
    #[getter]
    fn value(&self) -> &'static str {
        self.core().short_name()
    }

    /// Namespace URI of the ``wsc:`` elements.
    #[getter]
    fn namespace(&self) -> &'static str {
        self.core().namespace()
    }

    /// Token type URI of a SecurityContextToken in this version.
    #[getter]
    fn sct_token_type(&self) -> &'static str {
        self.core().sct_token_type()
    }

    /// Token type URI of a DerivedKeyToken in this version.
    #[getter]
    fn dk_token_type(&self) -> &'static str {
        self.core().dk_token_type()
    }

    /// The P_SHA1 key derivation algorithm URI of this version.
    #[getter]
    fn p_sha1_algorithm(&self) -> &'static str {
        self.core().p_sha1()
    }

    fn __str__(&self) -> &'static str {
        self.core().short_name()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let value = slf.get().core().short_name();
        PyTuple::new(
            py,
            [
                py.get_type::<Self>().into_any(),
                PyTuple::new(py, [value])?.into_any(),
            ],
        )
    }
}

/// The class attribute (singleton) for a version.
fn version_obj(py: Python<'_>, v: ScVersion) -> PyResult<Bound<'_, PyScVersion>> {
    let name = PyScVersion::from_core(v).name();
    Ok(py
        .get_type::<PyScVersion>()
        .getattr(name)?
        .cast_into::<PyScVersion>()?)
}

// ------------------------------------------------------------------------------------------
// SecurityContextToken

/// A WS-SecureConversation security context token (``wsc:SecurityContextToken``): the wire
/// name of a security context. The secret is not part of the token.
///
/// ``SecurityContextToken(identifier, version=ScVersion.V1_3)`` makes one for an absolute
/// URI identifier (else :class:`InvalidArgumentError`); :meth:`generate` makes one with a
/// random ``urn:uuid:`` identifier and :meth:`from_xml` parses one. Unknown attributes and
/// child elements (e.g. WCF's cookie) are kept and written back by :meth:`to_xml`.
#[pyclass(
    name = "SecurityContextToken",
    module = "wssx",
    eq,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PySecurityContextToken {
    pub inner: SecurityContextToken,
}

#[pymethods]
impl PySecurityContextToken {
    #[new]
    #[pyo3(signature = (identifier, version = VersionArg(ScVersion::V1_3)), text_signature = "(identifier, version='1.3')")]
    fn py_new(py: Python<'_>, identifier: String, version: VersionArg) -> PyResult<Self> {
        Ok(PySecurityContextToken {
            inner: SecurityContextToken::new(version.0, identifier).or_raise(py)?,
        })
    }

    /// A new token with a random ``urn:uuid:`` identifier.
    #[classmethod]
    #[pyo3(signature = (version = VersionArg(ScVersion::V1_3)), text_signature = "($cls, version='1.3')")]
    fn generate(_cls: &Bound<'_, PyType>, py: Python<'_>, version: VersionArg) -> PyResult<Self> {
        Ok(PySecurityContextToken {
            inner: SecurityContextToken::generate(version.0).or_raise(py)?,
        })
    }

    /// Parse a token from XML bytes whose document element is the token.
    ///
    /// Raises :class:`MalformedXmlError` for bytes that are not well-formed XML (or contain
    /// a DTD), :class:`LimitExceededError` for documents over the parser's limits and
    /// :class:`BadContextTokenError` / :class:`InvalidSecurityTokenError` for XML that is
    /// not a valid token.
    #[classmethod]
    fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
        let inner = py
            .detach(|| SecurityContextToken::from_xml(&xml))
            .or_raise(py)?;
        Ok(PySecurityContextToken { inner })
    }

    /// Serialize to XML (UTF-8 bytes).
    fn to_xml<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let s = self.inner.to_xml();
        PyBytes::new(py, s.as_bytes())
    }

    /// The same token in another namespace version (extensions are kept as they are).
    fn to_version(&self, version: VersionArg) -> Self {
        PySecurityContextToken {
            inner: self.inner.to_version(version.0),
        }
    }

    /// A JSON description: type, version, identifier, instance, id, extensions.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string_compact()
    }

    /// ``wsc:Identifier``: the absolute URI naming the context.
    #[getter]
    fn identifier(&self) -> &str {
        &self.inner.identifier
    }

    /// ``wsc:Instance``: names one key instance of the context; ``None`` when absent.
    #[getter]
    fn instance(&self) -> Option<&str> {
        self.inner.instance.as_deref()
    }

    #[setter]
    fn set_instance(&mut self, value: Option<String>) {
        self.inner.instance = value;
    }

    /// ``wsu:Id`` of the token, for local references (``#id``); ``None`` when absent.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    #[setter]
    fn set_id(&mut self, value: Option<String>) {
        self.inner.id = value;
    }

    /// The namespace version the token is written in.
    #[getter]
    fn version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyScVersion>> {
        version_obj(py, self.inner.version)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "SecurityContextToken({}, version=ScVersion.{}, instance={}, id={})",
            repr_opt(py, Some(&self.inner.identifier))?,
            PyScVersion::from_core(self.inner.version).name(),
            repr_opt(py, self.inner.instance.as_deref())?,
            repr_opt(py, self.inner.id.as_deref())?,
        ))
    }
}

// ------------------------------------------------------------------------------------------
// DerivedKeyToken

/// A WS-SecureConversation derived key token (``wsc:DerivedKeyToken``).
///
/// Parse one with :meth:`from_xml` or make one for a context with :meth:`for_context`;
/// :meth:`derive` computes its key from the source secret. Absent fields are ``None``: an
/// absent Length means the receiver's default (32), an absent Offset means 0, an absent
/// Label the default label; Generation means offset = generation * length.
#[pyclass(name = "DerivedKeyToken", module = "wssx", eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct PyDerivedKeyToken {
    pub inner: DerivedKeyToken,
}

impl PyDerivedKeyToken {
    fn reference(&self) -> Option<&wssx::token::Reference> {
        self.inner
            .token_reference
            .as_ref()
            .and_then(|s| s.reference.as_ref())
    }
}

#[pymethods]
impl PyDerivedKeyToken {
    /// Parse a token from XML bytes whose document element is the token.
    ///
    /// Raises :class:`MalformedXmlError`, :class:`LimitExceededError` or
    /// :class:`InvalidSecurityTokenError` (bad or repeated fields) on bad input.
    #[classmethod]
    fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
        let inner = py.detach(|| DerivedKeyToken::from_xml(&xml)).or_raise(py)?;
        Ok(PyDerivedKeyToken { inner })
    }

    /// A new token deriving from ``sct``, the way WCF writes one: a fresh 16-byte nonce, no
    /// Label, no Offset, Length only when it is not 32.
    ///
    /// ``by="id"`` references the SCT by its ``wsu:Id`` (``#id``; the SCT must have an id),
    /// ``by="identifier"`` by its Identifier URI (and Instance, if any). ``version`` defaults
    /// to the SCT's.
    #[classmethod]
    #[pyo3(
        signature = (sct, *, by = Cow::Borrowed("id"), length = Uint(32), version = None),
        text_signature = "($cls, sct, *, by='id', length=32, version=None)"
    )]
    fn for_context(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        sct: PyRef<'_, PySecurityContextToken>,
        by: Cow<'_, str>,
        length: Uint,
        version: Option<VersionArg>,
    ) -> PyResult<Self> {
        let s = &sct.inner;
        let source = match &*by {
            "id" => {
                let id = s.id.as_deref().ok_or_else(|| {
                    PyValueError::new_err(
                        "the SecurityContextToken has no id: set sct.id, or use by='identifier'",
                    )
                })?;
                SecurityTokenReference::to_id(id, Some(s.version.sct_token_type()))
            }
            "identifier" => SecurityTokenReference::to_identifier(
                s.version,
                &s.identifier,
                s.instance.as_deref(),
            ),
            other => {
                return Err(PyValueError::new_err(format!(
                    "by must be 'id' or 'identifier', not {other:?}"
                )))
            }
        };
        let v = version.map(|v| v.0).unwrap_or(s.version);
        let inner = DerivedKeyToken::generate(v, source, length.0).or_raise(py)?;
        Ok(PyDerivedKeyToken { inner })
    }

    /// Serialize to XML (UTF-8 bytes).
    fn to_xml<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let s = self.inner.to_xml();
        PyBytes::new(py, s.as_bytes())
    }

    /// A JSON description: type, version, id, algorithm, nonce (base64), label, offset,
    /// length, generation, reference and properties.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string_compact()
    }

    /// Derive this token's key from the source ``secret`` (the SCT's key, or the key of the
    /// token it references).
    ///
    /// ``label``, ``length`` and ``nonce`` are what the receiver assumes where the token is
    /// silent (defaults: the default label, 32, and no nonce: a token without one is
    /// refused); the token's own values win. ``max_offset`` (4096), ``max_length`` (1024),
    /// ``max_label`` (128) and ``max_nonce`` (128) override the default limits; a request
    /// over one raises :class:`LimitExceededError`. A token that names its source by a
    /// KeyIdentifier is refused (:class:`UnknownDerivationSourceError`, WS-SC 7) unless
    /// ``allow_key_identifier`` is true.
    #[pyo3(
        signature = (secret, *, label = None, length = None, nonce = None, max_offset = None, max_length = None, max_label = None, max_nonce = None, allow_key_identifier = false)
    )]
    #[allow(clippy::too_many_arguments)]
    fn derive<'py>(
        &self,
        py: Python<'py>,
        secret: BytesArg<'_>,
        label: Option<String>,
        length: Option<Uint>,
        nonce: Option<BytesArg<'_>>,
        max_offset: Option<Uint>,
        max_length: Option<Uint>,
        max_label: Option<Uint>,
        max_nonce: Option<Uint>,
        allow_key_identifier: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let mut opts = DeriveOptions {
            allow_key_identifier,
            ..DeriveOptions::default()
        };
        if let Some(l) = label {
            opts.label = l;
        }
        if let Some(l) = length {
            opts.length = l.0;
        }
        opts.nonce = nonce.map(|n| n.0.into_owned());
        if let Some(x) = max_offset {
            opts.limits.max_offset = x.0;
        }
        if let Some(x) = max_length {
            opts.limits.max_length = x.0;
        }
        if let Some(x) = max_label {
            opts.limits.max_label = x.usize();
        }
        if let Some(x) = max_nonce {
            opts.limits.max_nonce = x.usize();
        }
        let tok = &self.inner;
        let r = py.detach(|| {
            // The caller hands us the source secret itself: a one-link chain, which also
            // applies core's check of the reference form (KeyIdentifier).
            let mut resolve = |_: Option<&SecurityTokenReference>| {
                Ok(KeySource::Secret(Secret::from_slice(&secret)))
            };
            tok.derive_chain(&mut resolve, &opts)
        });
        let k = r.or_raise(py)?;
        Ok(PyBytes::new(py, k.expose()))
    }

    /// The namespace version the token is written in.
    #[getter]
    fn version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyScVersion>> {
        version_obj(py, self.inner.version)
    }

    /// ``wsu:Id``; ``None`` when absent.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    #[setter]
    fn set_id(&mut self, value: Option<String>) {
        self.inner.id = value;
    }

    /// The Algorithm attribute; ``None`` when absent (P_SHA1).
    #[getter]
    fn algorithm(&self) -> Option<&str> {
        self.inner.algorithm.as_deref()
    }

    #[setter]
    fn set_algorithm(&mut self, value: Option<String>) {
        self.inner.algorithm = value;
    }

    /// ``wsc:Nonce`` (decoded bytes); ``None`` when absent.
    #[getter]
    fn nonce<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner.nonce.as_deref().map(|n| PyBytes::new(py, n))
    }

    #[setter]
    fn set_nonce(&mut self, value: Option<BytesArg<'_>>) {
        self.inner.nonce = value.map(|n| n.0.into_owned());
    }

    /// ``wsc:Label``; ``None`` when absent.
    #[getter]
    fn label(&self) -> Option<&str> {
        self.inner.label.as_deref()
    }

    #[setter]
    fn set_label(&mut self, value: Option<String>) {
        self.inner.label = value;
    }

    /// ``wsc:Offset`` in bytes; ``None`` when absent.
    #[getter]
    fn offset(&self) -> Option<u64> {
        self.inner.offset
    }

    #[setter]
    fn set_offset(&mut self, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.inner.offset = opt_u64(value)?;
        Ok(())
    }

    /// ``wsc:Length`` in bytes; ``None`` when absent.
    #[getter]
    fn length(&self) -> Option<u64> {
        self.inner.length
    }

    #[setter]
    fn set_length(&mut self, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.inner.length = opt_u64(value)?;
        Ok(())
    }

    /// ``wsc:Generation``; ``None`` when absent.
    #[getter]
    fn generation(&self) -> Option<u64> {
        self.inner.generation
    }

    #[setter]
    fn set_generation(&mut self, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.inner.generation = opt_u64(value)?;
        Ok(())
    }

    /// URI of the ``wsse:Reference`` naming the derivation source (``#id`` or a URI);
    /// ``None`` when the token has no such reference.
    #[getter]
    fn reference_uri(&self) -> Option<&str> {
        self.reference().map(|r| r.uri.as_str())
    }

    /// ValueType of the source reference; ``None`` when absent.
    #[getter]
    fn reference_value_type(&self) -> Option<&str> {
        self.reference().and_then(|r| r.value_type.as_deref())
    }

    /// ``wsc:Instance`` of the source reference; ``None`` when absent.
    #[getter]
    fn reference_instance(&self) -> Option<&str> {
        self.reference().and_then(|r| r.instance.as_deref())
    }

    /// ``wsc:Properties`` as ``{"name": str | None, "label": str | None, "nonce": bytes |
    /// None}``; ``None`` when the token has none.
    #[getter]
    fn properties<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(p) = &self.inner.properties else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("name", p.name.as_deref())?;
        d.set_item("label", p.label.as_deref())?;
        d.set_item("nonce", p.nonce.as_deref().map(|n| PyBytes::new(py, n)))?;
        Ok(Some(d))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let n = |v: Option<u64>| v.map_or_else(|| "None".to_string(), |x| x.to_string());
        Ok(format!(
            "DerivedKeyToken(id={}, version=ScVersion.{}, reference={}, label={}, offset={}, length={}, generation={})",
            repr_opt(py, self.inner.id.as_deref())?,
            PyScVersion::from_core(self.inner.version).name(),
            repr_opt(py, self.reference().map(|r| r.uri.as_str()))?,
            repr_opt(py, self.inner.label.as_deref())?,
            n(self.inner.offset),
            n(self.inner.length),
            n(self.inner.generation),
        ))
    }
}

// ------------------------------------------------------------------------------------------
// inspect

/// Parse whichever token ``xml`` holds (SecurityContextToken, DerivedKeyToken or
/// SecurityTokenReference) and describe it as a JSON string. ``wssx.inspect`` returns it
/// decoded.
#[pyfunction]
pub fn inspect_json(py: Python<'_>, xml: BytesArg<'_>) -> PyResult<String> {
    py.detach(|| Token::from_xml(&xml).map(|t| t.to_json().to_string_compact()))
        .or_raise(py)
}
