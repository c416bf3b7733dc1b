//! The WS-Trust message model: TrustVersion, SecurityTokenReference,
//! RequestSecurityToken, RequestSecurityTokenResponse, RequestSecurityTokenResponseCollection,
//! Envelope, Fault and trust_inspect.
//!
//! Conventions of this module (documented on the classes):
//! - whole messages serialize to UTF-8 `bytes` (`to_xml`), as tokens do;
//! - XML fragments held in a message (extension elements, claims, encrypted key material,
//!   tokens wssx does not type, header and body blocks) are `str` when read and `str` or
//!   `bytes` when set; each fragment writes standalone (it declares what it uses);
//! - URI-valued fields from the version table (request type, token type, key type,
//!   computed-key algorithm, binary secret type, status code, action) read as their short
//!   name (`"Issue"`, `"SymmetricKey"`, `"PSHA1"`) or, for a URI not in the table, the URI;
//!   they are set by name or URI, and written in whichever version the message is written
//!   in. The `*_uri` properties give the URI in the message's own version.
//! - parsing and writing run with the GIL released.

use crate::convert::{BytesArg, VersionArg};
use crate::errors::{to_py, OrRaise};
use crate::message::{to_datetime, Seconds, When};
use crate::tokens::{PyScVersion, PySecurityContextToken};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyList, PyString, PyTuple, PyType};
use std::borrow::Cow;
use wssx::soap::{
    Addressing, EndpointReference, Envelope, Fault, Header, RelatesTo, SoapVersion, WsaVersion,
};
use wssx::time::Instant;
use wssx::trust::{
    Action, AppliesTo, BinarySecret, BinarySecretType, Claims, ComputedKeyAlgorithm, Entropy,
    KeyMaterial, KeyType, Lifetime, Params, ProofToken, RequestSecurityToken,
    RequestSecurityTokenResponse, RequestSecurityTokenResponseCollection, RequestType,
    RequestedProofToken, RequestedReference, Status, StatusCode, TokenHolder, TokenRef, TokenType,
    TrustMessage,
};
use wssx::xml::{self, Element, Node};
use wssx::{ScVersion, SecurityTokenReference, TrustVersion};

// ------------------------------------------------------------------------------------------
// Small conversions

fn repr_opt(py: Python<'_>, s: Option<&str>) -> PyResult<String> {
    match s {
        Some(s) => Ok(PyString::new(py, s).repr()?.to_cow()?.into_owned()),
        None => Ok("None".to_string()),
    }
}

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.loads(s)`.
pub(crate) fn json_loads<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyAny>> {
    let f = JSON_LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr("loads")?.unbind())
    })?;
    f.bind(py).call1((s,))
}

/// A bytes-or-str XML argument, as owned bytes.
pub(crate) fn xml_bytes(ob: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = ob.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = ob.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = ob.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "expected XML as str or bytes, got {}",
        ob.get_type().name()?
    )))
}

/// Parse one XML element (a standalone fragment) from str or bytes.
pub(crate) fn xml_element(py: Python<'_>, ob: &Bound<'_, PyAny>) -> PyResult<Element> {
    let b = xml_bytes(ob)?;
    let doc = py.detach(|| xml::parse(&b)).or_raise(py)?;
    Ok(doc.root)
}

/// A standalone element as a str.
pub(crate) fn xml_str(el: &Element) -> String {
    xml::element_to_string(el)
}

/// A sequence of XML elements (never a single str / bytes).
fn xml_elements(py: Python<'_>, ob: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Element>> {
    let Some(ob) = ob.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    if ob.is_instance_of::<PyString>() || ob.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "expected a sequence of XML elements, got a single str / bytes (wrap it in a list)",
        ));
    }
    ob.try_iter()?.map(|x| xml_element(py, &x?)).collect()
}

/// Mixed content (elements and text), written standalone, as one str.
fn content_str(nodes: &[Node]) -> String {
    let mut w = Element::unqualified("w");
    w.children = nodes.to_vec();
    let s = xml::element_to_string(&w);
    s.strip_prefix("<w>")
        .and_then(|r| r.strip_suffix("</w>"))
        .map(str::to_string)
        .unwrap_or_default()
}

/// Parse mixed content (any number of elements and text) from str or bytes.
fn parse_content(py: Python<'_>, ob: &Bound<'_, PyAny>) -> PyResult<Vec<Node>> {
    let b = xml_bytes(ob)?;
    let mut doc = Vec::with_capacity(b.len() + 32);
    doc.extend_from_slice(b"<wssx-content>");
    doc.extend_from_slice(&b);
    doc.extend_from_slice(b"</wssx-content>");
    let d = py.detach(|| xml::parse(&doc)).or_raise(py)?;
    Ok(d.root.children)
}

fn opt_time(py: Python<'_>, t: Option<Instant>) -> PyResult<Bound<'_, PyAny>> {
    match t {
        Some(t) => to_datetime(py, t),
        None => Ok(py.None().into_bound(py)),
    }
}

// ------------------------------------------------------------------------------------------
// Version arguments

/// A WS-Trust version argument: a `TrustVersion` member or a short name ("2005/02", "1.3",
/// "1.4" and the spellings core's `TrustVersion::from_short_name` knows).
#[derive(Clone, Copy, Debug)]
pub struct TrustVersionArg(pub TrustVersion);

impl<'a, 'py> FromPyObject<'a, 'py> for TrustVersionArg {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(v) = ob.cast::<PyTrustVersion>() {
            return Ok(TrustVersionArg(v.get().core()));
        }
        if let Ok(s) = ob.cast::<PyString>() {
            let s = s.to_cow()?;
            return TrustVersion::from_short_name(&s).map(TrustVersionArg).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown WS-Trust version {s:?}: use TrustVersion.FEB2005 (\"2005/02\"), TrustVersion.V1_3 (\"1.3\") or TrustVersion.V1_4 (\"1.4\")"
                ))
            });
        }
        Err(PyTypeError::new_err(format!(
            "expected a TrustVersion or a version string such as \"1.3\", got {}",
            ob.get_type().name()?
        )))
    }
}

/// A SOAP version argument: "1.1" or "1.2".
#[derive(Clone, Copy, Debug)]
pub struct SoapArg(pub SoapVersion);

impl<'a, 'py> FromPyObject<'a, 'py> for SoapArg {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s: Cow<'_, str> = match ob.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned().into(),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "expected a SOAP version \"1.1\" or \"1.2\", got {}",
                    ob.get_type().name()?
                )))
            }
        };
        match s.to_ascii_lowercase().as_str() {
            "1.1" | "11" | "soap11" => Ok(SoapArg(SoapVersion::Soap11)),
            "1.2" | "12" | "soap12" => Ok(SoapArg(SoapVersion::Soap12)),
            _ => Err(PyValueError::new_err(format!(
                "unknown SOAP version {s:?}: use \"1.1\" or \"1.2\""
            ))),
        }
    }
}

/// A WS-Addressing version argument: "2004/08" or "2005/08".
#[derive(Clone, Copy, Debug)]
pub struct WsaArg(pub WsaVersion);

impl<'a, 'py> FromPyObject<'a, 'py> for WsaArg {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = ob.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err("expected a WS-Addressing version \"2004/08\" or \"2005/08\"")
        })?;
        let s = s.to_cow()?;
        WsaVersion::from_short_name(&s).map(WsaArg).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown WS-Addressing version {s:?}: use \"2004/08\" or \"2005/08\""
            ))
        })
    }
}

pub(crate) fn soap_name(v: SoapVersion) -> &'static str {
    wssx::soap::soap_short_name(v)
}

// ------------------------------------------------------------------------------------------
// TrustVersion

/// WS-Trust version.
///
/// ``FEB2005`` is ``http://schemas.xmlsoap.org/ws/2005/02/trust`` (WCF's wsHttpBinding,
/// ADFS), ``V1_3`` is OASIS WS-Trust 1.3 (ws2007HttpBinding), ``V1_4`` is 1.4 (the 1.3
/// namespace plus the 1.4 elements such as ActAs). Wherever wssx takes a trust version it
/// also accepts ``"2005/02"``, ``"1.3"`` and ``"1.4"``; ``TrustVersion("1.3")`` converts one.
#[pyclass(
    name = "TrustVersion",
    module = "wssx",
    eq,
    hash,
    frozen,
    skip_from_py_object
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PyTrustVersion {
    /// February 2005 (``http://schemas.xmlsoap.org/ws/2005/02/trust``).
    #[pyo3(name = "FEB2005")]
    Feb2005,
    /// OASIS WS-Trust 1.3 (``.../ws-sx/ws-trust/200512``).
    V1_3,
    /// OASIS WS-Trust 1.4 (``.../ws-sx/ws-trust/200802`` for its new elements).
    V1_4,
}

impl PyTrustVersion {
    pub fn core(self) -> TrustVersion {
        match self {
            PyTrustVersion::Feb2005 => TrustVersion::Feb2005,
            PyTrustVersion::V1_3 => TrustVersion::V1_3,
            PyTrustVersion::V1_4 => TrustVersion::V1_4,
        }
    }

    pub fn from_core(v: TrustVersion) -> Self {
        match v {
            TrustVersion::Feb2005 => PyTrustVersion::Feb2005,
            TrustVersion::V1_3 => PyTrustVersion::V1_3,
            TrustVersion::V1_4 => PyTrustVersion::V1_4,
        }
    }

    fn member_name(self) -> &'static str {
        match self {
            PyTrustVersion::Feb2005 => "FEB2005",
            PyTrustVersion::V1_3 => "V1_3",
            PyTrustVersion::V1_4 => "V1_4",
        }
    }
}

/// The class attribute (singleton) for a trust version.
pub(crate) fn trust_version_obj(
    py: Python<'_>,
    v: TrustVersion,
) -> PyResult<Bound<'_, PyTrustVersion>> {
    Ok(py
        .get_type::<PyTrustVersion>()
        .getattr(PyTrustVersion::from_core(v).member_name())?
        .cast_into::<PyTrustVersion>()?)
}

pub(crate) fn sc_version_obj(py: Python<'_>, v: ScVersion) -> PyResult<Bound<'_, PyScVersion>> {
    let name = match v {
        ScVersion::Feb2005 => "FEB2005",
        ScVersion::V1_3 => "V1_3",
    };
    Ok(py
        .get_type::<PyScVersion>()
        .getattr(name)?
        .cast_into::<PyScVersion>()?)
}

#[pymethods]
impl PyTrustVersion {
    /// `TrustVersion("1.3")`: the member for a version string (or member); members are
    /// singletons.
    #[new]
    fn py_new(py: Python<'_>, value: TrustVersionArg) -> PyResult<Py<Self>> {
        Ok(trust_version_obj(py, value.0)?.unbind())
    }

    /// The member name: ``"FEB2005"``, ``"V1_3"`` or ``"V1_4"``.
    #[getter]
    fn name(&self) -> &'static str {
        self.member_name()
    }

    /// The short name: ``"2005/02"``, ``"1.3"`` or ``"1.4"``.
    #[getter]
    fn value(&self) -> &'static str {
        self.core().short_name()
    }

    /// The namespace URI of this version (1.4's own namespace for ``V1_4``).
    #[getter]
    fn namespace(&self) -> &'static str {
        self.core().namespace()
    }

    /// The namespace RST / RSTR elements are written in (1.4 uses 1.3's).
    #[getter]
    fn core_namespace(&self) -> &'static str {
        self.core().core_namespace()
    }

    /// The WS-SecureConversation version used with this trust version.
    #[getter]
    fn sc_version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyScVersion>> {
        sc_version_obj(py, self.core().sc())
    }

    /// The URI of an action of the version table in this version, by name
    /// (``"RST/SCT"``, ``"RSTR/SCT/Renew"``, ``"RSTRC/IssueFinal"``, ...). Raises
    /// ``ValueError`` for an unknown name.
    fn action(&self, name: &str) -> PyResult<String> {
        let a = Action::KNOWN
            .iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown action {name:?}; known: {}",
                    Action::KNOWN
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        Ok(a.uri(self.core()).to_string())
    }

    fn __str__(&self) -> &'static str {
        self.core().short_name()
    }

    fn __repr__(&self) -> String {
        format!("TrustVersion.{}", self.member_name())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        PyTuple::new(
            py,
            [
                py.get_type::<Self>().into_any(),
                PyTuple::new(py, [slf.get().core().short_name()])?.into_any(),
            ],
        )
    }
}

// ------------------------------------------------------------------------------------------
// SecurityTokenReference

/// A ``wsse:SecurityTokenReference`` (with the WS-SC ``wsc:Instance`` attribute).
///
/// Build one with :meth:`for_identifier` (a reference to a context by its Identifier URI,
/// as the renew / cancel / validate targets use), :meth:`for_id` (a local ``#wsu:Id``
/// reference) or :meth:`for_context`; parse one with :meth:`from_xml`. Everything else a
/// reference may hold (KeyIdentifier, embedded tokens, extra attributes) is kept.
#[pyclass(
    name = "SecurityTokenReference",
    module = "wssx",
    eq,
    frozen,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PySecurityTokenReference {
    pub inner: SecurityTokenReference,
}

#[pymethods]
impl PySecurityTokenReference {
    /// A reference to a security context by its Identifier (and Instance), with the SCT
    /// ValueType of ``version``.
    #[classmethod]
    #[pyo3(signature = (identifier, instance = None, *, version = VersionArg(ScVersion::V1_3)), text_signature = "($cls, identifier, instance=None, *, version='1.3')")]
    fn for_identifier(
        _cls: &Bound<'_, PyType>,
        identifier: &str,
        instance: Option<&str>,
        version: VersionArg,
    ) -> Self {
        PySecurityTokenReference {
            inner: SecurityTokenReference::to_identifier(version.0, identifier, instance),
        }
    }

    /// A reference to a token in the same message by its ``wsu:Id`` (without ``#``).
    #[classmethod]
    #[pyo3(signature = (id, value_type = None))]
    fn for_id(_cls: &Bound<'_, PyType>, id: &str, value_type: Option<&str>) -> Self {
        PySecurityTokenReference {
            inner: SecurityTokenReference::to_id(id.trim_start_matches('#'), value_type),
        }
    }

    /// A reference to ``sct`` the way WCF writes one: ``by="identifier"`` (its Identifier
    /// and Instance) or ``by="id"`` (its ``wsu:Id``, which it must have).
    #[classmethod]
    #[pyo3(signature = (sct, *, by = Cow::Borrowed("identifier")), text_signature = "($cls, sct, *, by='identifier')")]
    fn for_context(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        sct: PyRef<'_, PySecurityContextToken>,
        by: Cow<'_, str>,
    ) -> PyResult<Self> {
        let by_identifier = match &*by {
            "identifier" => true,
            "id" => false,
            other => {
                return Err(PyValueError::new_err(format!(
                    "by must be 'identifier' or 'id', not {other:?}"
                )))
            }
        };
        Ok(PySecurityTokenReference {
            inner: SecurityTokenReference::to_sct(&sct.inner, by_identifier).or_raise(py)?,
        })
    }

    /// Parse a ``wsse:SecurityTokenReference`` document.
    #[classmethod]
    fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
        let inner = py
            .detach(|| SecurityTokenReference::from_xml(&xml))
            .or_raise(py)?;
        Ok(PySecurityTokenReference { inner })
    }

    /// Serialize to XML (UTF-8 bytes).
    fn to_xml<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.to_xml().as_bytes())
    }

    /// A JSON description.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string_compact()
    }

    /// The URI of the ``wsse:Reference`` (``#id`` or an Identifier); ``None`` when the
    /// reference has no Reference child (e.g. a KeyIdentifier).
    #[getter]
    fn uri(&self) -> Option<&str> {
        self.inner.reference.as_ref().map(|r| r.uri.as_str())
    }

    /// The referenced context's Identifier: the Reference URI when it is not a local
    /// ``#id`` reference; ``None`` otherwise.
    #[getter]
    fn identifier(&self) -> Option<&str> {
        self.inner
            .reference
            .as_ref()
            .map(|r| r.uri.as_str())
            .filter(|u| !u.starts_with('#'))
    }

    /// ValueType of the Reference.
    #[getter]
    fn value_type(&self) -> Option<&str> {
        self.inner
            .reference
            .as_ref()
            .and_then(|r| r.value_type.as_deref())
    }

    /// ``wsc:Instance`` of the Reference.
    #[getter]
    fn instance(&self) -> Option<&str> {
        self.inner
            .reference
            .as_ref()
            .and_then(|r| r.instance.as_deref())
    }

    /// ``wsu:Id`` of the reference itself.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    /// The ``wsse11:TokenType`` attribute.
    #[getter]
    fn token_type(&self) -> Option<&str> {
        self.inner.token_type.as_deref()
    }

    /// The text of a ``wsse:KeyIdentifier``, if the reference is one.
    #[getter]
    fn key_identifier(&self) -> Option<&str> {
        self.inner.key_identifier.as_ref().map(|k| k.value.as_str())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "SecurityTokenReference(uri={}, instance={})",
            repr_opt(py, self.uri())?,
            repr_opt(py, self.instance())?
        ))
    }
}

// ------------------------------------------------------------------------------------------
// Token, proof and table conversions

/// A token in a message as Python: SecurityContextToken, SecurityTokenReference or XML str.
fn token_py<'py>(py: Python<'py>, t: &TokenRef, v: TrustVersion) -> PyResult<Bound<'py, PyAny>> {
    Ok(match t {
        TokenRef::SecurityContext(s) => {
            Bound::new(py, PySecurityContextToken { inner: s.clone() })?.into_any()
        }
        TokenRef::Reference(r) => {
            Bound::new(py, PySecurityTokenReference { inner: r.clone() })?.into_any()
        }
        other => PyString::new(py, &xml_str(&other.to_element(v))).into_any(),
    })
}

/// A token argument: SecurityContextToken, SecurityTokenReference, an Identifier URI (a
/// reference by Identifier in `sc`) or XML (str starting with `<`, or bytes).
fn token_arg(py: Python<'_>, ob: &Bound<'_, PyAny>, sc: ScVersion) -> PyResult<TokenRef> {
    if let Ok(s) = ob.cast::<PySecurityContextToken>() {
        return Ok(TokenRef::SecurityContext(s.borrow().inner.clone()));
    }
    if let Ok(s) = ob.cast::<PySecurityTokenReference>() {
        return Ok(TokenRef::Reference(s.get().inner.clone()));
    }
    if let Ok(s) = ob.cast::<PyString>() {
        let t = s.to_cow()?;
        if !t.trim_start().starts_with('<') {
            let id = t.trim();
            if id.is_empty() {
                return Err(PyValueError::new_err("an empty context identifier"));
            }
            return Ok(TokenRef::Reference(SecurityTokenReference::to_identifier(
                sc, id, None,
            )));
        }
    } else if !(ob.is_instance_of::<PyBytes>() || ob.is_instance_of::<PyByteArray>()) {
        return Err(PyTypeError::new_err(format!(
            "expected a SecurityContextToken, a SecurityTokenReference, an identifier str or XML, got {}",
            ob.get_type().name()?
        )));
    }
    let el = xml_element(py, ob)?;
    TokenRef::from_element(&el).or_raise(py)
}

fn holder_py<'py>(
    py: Python<'py>,
    h: &Option<TokenHolder>,
    v: TrustVersion,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    h.as_ref().map(|h| token_py(py, &h.token, v)).transpose()
}

fn holder_arg(
    py: Python<'_>,
    v: Option<&Bound<'_, PyAny>>,
    version: TrustVersion,
) -> PyResult<Option<TokenHolder>> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(v) => Ok(Some(TokenHolder::new(token_arg(py, v, version.sc())?))),
    }
}

/// A table value from a name or URI.
macro_rules! table_arg {
    ($t:ident, $v:expr, $what:literal) => {{
        let s: &str = $v;
        $t::from_name(s.trim()).ok_or_else(|| {
            PyValueError::new_err(format!(
                concat!("unknown ", $what, " {:?}: use one of {} or an absolute URI"),
                s,
                $t::KNOWN
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }};
}

fn proof_py<'py>(py: Python<'py>, p: &ProofToken) -> PyResult<Bound<'py, PyAny>> {
    Ok(match p {
        ProofToken::BinarySecret(b) => PyBytes::new(py, b.secret.expose()).into_any(),
        ProofToken::ComputedKey(a) => PyString::new(py, a.name()).into_any(),
        ProofToken::EncryptedKey(e) | ProofToken::Other(e) => {
            PyString::new(py, &xml_str(e)).into_any()
        }
        ProofToken::Reference(s) => {
            Bound::new(py, PySecurityTokenReference { inner: s.clone() })?.into_any()
        }
    })
}

fn proof_arg(py: Python<'_>, ob: &Bound<'_, PyAny>) -> PyResult<ProofToken> {
    if let Ok(b) = ob.cast::<PyBytes>() {
        return Ok(ProofToken::BinarySecret(BinarySecret::new(
            BinarySecretType::SymmetricKey,
            wssx::Secret::from_slice(b.as_bytes()),
        )));
    }
    if let Ok(b) = ob.cast::<PyByteArray>() {
        return Ok(ProofToken::BinarySecret(BinarySecret::new(
            BinarySecretType::SymmetricKey,
            wssx::Secret::new(b.to_vec()),
        )));
    }
    if let Ok(s) = ob.cast::<PySecurityTokenReference>() {
        return Ok(ProofToken::Reference(s.get().inner.clone()));
    }
    let s = ob.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err("a proof is bytes (BinarySecret), a computed-key algorithm name such as \"PSHA1\", XML (EncryptedKey) or a SecurityTokenReference")
    })?;
    let t = s.to_cow()?;
    if !t.trim_start().starts_with('<') {
        return Ok(ProofToken::ComputedKey(table_arg!(
            ComputedKeyAlgorithm,
            &t,
            "computed key algorithm"
        )?));
    }
    let el = xml_element(py, ob)?;
    let trust = el.ns.as_deref().and_then(TrustVersion::from_namespace);
    Ok(if el.is(wssx::ns::XENC, "EncryptedKey") {
        ProofToken::EncryptedKey(el)
    } else if el.is(wssx::ns::WSSE, "SecurityTokenReference") {
        ProofToken::Reference(SecurityTokenReference::from_element(&el).or_raise(py)?)
    } else if trust.is_some() && el.local == "BinarySecret" {
        ProofToken::BinarySecret(BinarySecret::from_element(&el).or_raise(py)?)
    } else if trust.is_some() && el.local == "ComputedKey" {
        ProofToken::ComputedKey(ComputedKeyAlgorithm::parse_uri(el.text().trim()))
    } else {
        ProofToken::Other(el)
    })
}

fn reference_arg(
    py: Python<'_>,
    v: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<RequestedReference>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = v.cast::<PySecurityTokenReference>() {
        return Ok(Some(RequestedReference::new(s.get().inner.clone())));
    }
    let el = xml_element(py, v)?;
    Ok(Some(RequestedReference::new(
        SecurityTokenReference::from_element(&el).or_raise(py)?,
    )))
}

fn reference_py<'py>(
    py: Python<'py>,
    r: &Option<RequestedReference>,
) -> PyResult<Option<Bound<'py, PySecurityTokenReference>>> {
    r.as_ref()
        .map(|r| {
            Bound::new(
                py,
                PySecurityTokenReference {
                    inner: r.reference.clone(),
                },
            )
        })
        .transpose()
}

// ------------------------------------------------------------------------------------------
// Shared parameter accessors (RST and RSTR carry one `Params`)

fn lifetime_py<'py>(py: Python<'py>, p: &Params) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let Some(l) = &p.lifetime else {
        return Ok(None);
    };
    Ok(Some(PyTuple::new(
        py,
        [opt_time(py, l.created)?, opt_time(py, l.expires)?],
    )?))
}

fn set_lifetime(py: Python<'_>, p: &mut Params, v: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        p.lifetime = None;
        return Ok(());
    };
    if let Ok(t) = v.cast::<PyTuple>() {
        if t.len() != 2 {
            return Err(PyValueError::new_err("a lifetime is (created, expires)"));
        }
        let when = |i: usize| -> PyResult<Option<Instant>> {
            let x = t.get_item(i)?;
            if x.is_none() {
                Ok(None)
            } else {
                Ok(Some(x.extract::<When>()?.0))
            }
        };
        let (created, expires) = (when(0)?, when(1)?);
        let l = match (created, expires) {
            (Some(c), Some(e)) => Lifetime::between(c, e).or_raise(py)?,
            (c, e) => Lifetime {
                created: c,
                expires: e,
                other_attributes: Vec::new(),
            },
        };
        p.lifetime = Some(l);
        return Ok(());
    }
    let d: Seconds = v.extract().map_err(|_| {
        PyTypeError::new_err("a lifetime is (created, expires) (datetimes, Unix seconds or None), a duration from now (seconds or timedelta), or None")
    })?;
    p.lifetime = Some(Lifetime::starting(Instant::now(), d.0));
    Ok(())
}

fn entropy_bytes<'py>(py: Python<'py>, p: &Params) -> Option<Bound<'py, PyBytes>> {
    match p.entropy.as_ref().map(|e| &e.material) {
        Some(KeyMaterial::BinarySecret(b)) => Some(PyBytes::new(py, b.secret.expose())),
        _ => None,
    }
}

fn set_entropy(p: &mut Params, v: Option<BytesArg<'_>>) {
    match v {
        None => p.entropy = None,
        Some(b) => {
            let kind = match p.entropy.as_ref().map(|e| &e.material) {
                Some(KeyMaterial::BinarySecret(old)) => old.secret_type.clone(),
                _ => Some(BinarySecretType::Nonce),
            };
            let bs = BinarySecret {
                secret_type: kind,
                secret: wssx::Secret::from_slice(&b),
                other_attributes: Vec::new(),
            };
            let attrs = p
                .entropy
                .take()
                .map(|e| e.other_attributes)
                .unwrap_or_default();
            p.entropy = Some(Entropy {
                material: KeyMaterial::BinarySecret(bs),
                other_attributes: attrs,
            });
        }
    }
}

fn entropy_type(p: &Params) -> Option<String> {
    match p.entropy.as_ref().map(|e| &e.material) {
        Some(KeyMaterial::BinarySecret(b)) => b.secret_type.as_ref().map(|t| t.name().to_string()),
        _ => None,
    }
}

fn set_entropy_type(p: &mut Params, v: Option<String>) -> PyResult<()> {
    let t = v
        .map(|v| table_arg!(BinarySecretType, &v, "binary secret type"))
        .transpose()?;
    match p.entropy.as_mut().map(|e| &mut e.material) {
        Some(KeyMaterial::BinarySecret(b)) => {
            b.secret_type = t;
            Ok(())
        }
        _ if t.is_none() => Ok(()),
        _ => Err(PyValueError::new_err(
            "set entropy (bytes) before its type: the message carries no BinarySecret entropy",
        )),
    }
}

fn entropy_xml(p: &Params) -> Option<String> {
    match p.entropy.as_ref().map(|e| &e.material) {
        Some(
            KeyMaterial::EncryptedKey(e) | KeyMaterial::EncryptedData(e) | KeyMaterial::Other(e),
        ) => Some(xml_str(e)),
        _ => None,
    }
}

fn set_entropy_xml(py: Python<'_>, p: &mut Params, v: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        if !matches!(
            p.entropy.as_ref().map(|e| &e.material),
            Some(KeyMaterial::BinarySecret(_))
        ) {
            p.entropy = None;
        }
        return Ok(());
    };
    let el = xml_element(py, v)?;
    let is_trust = el
        .ns
        .as_deref()
        .and_then(TrustVersion::from_namespace)
        .is_some();
    let material = if el.is(wssx::ns::XENC, "EncryptedKey") {
        KeyMaterial::EncryptedKey(el)
    } else if el.is(wssx::ns::XENC, "EncryptedData") {
        KeyMaterial::EncryptedData(el)
    } else if is_trust && el.local == "BinarySecret" {
        KeyMaterial::BinarySecret(BinarySecret::from_element(&el).or_raise(py)?)
    } else {
        KeyMaterial::Other(el)
    };
    p.entropy = Some(Entropy {
        material,
        other_attributes: Vec::new(),
    });
    Ok(())
}

fn applies_to_xml(p: &Params) -> Option<String> {
    p.applies_to.as_ref().map(|a| xml_str(&a.to_element()))
}

fn set_applies_to(p: &mut Params, v: Option<String>, version: TrustVersion) {
    p.applies_to = v.map(|a| {
        let wsa = if version == TrustVersion::Feb2005 {
            WsaVersion::V2004_08
        } else {
            WsaVersion::V2005_08
        };
        AppliesTo::address(wsa, a)
    });
}

fn set_applies_to_xml(
    py: Python<'_>,
    p: &mut Params,
    v: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        p.applies_to = None;
        return Ok(());
    };
    let el = xml_element(py, v)?;
    let wsp = el
        .ns
        .as_deref()
        .and_then(wssx::trust::WspVersion::from_namespace);
    if el.local != "AppliesTo" || wsp.is_none() {
        return Err(PyValueError::new_err(
            "expected a wsp:AppliesTo element (WS-Policy 2004/09 or 1.5)",
        ));
    }
    p.applies_to = Some(AppliesTo::from_element(&el).or_raise(py)?);
    Ok(())
}

fn set_claims(py: Python<'_>, p: &mut Params, v: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        p.claims = None;
        return Ok(());
    };
    let content = parse_content(py, v)?;
    let c = p.claims.get_or_insert_with(Claims::default);
    c.content = content;
    Ok(())
}

fn set_claims_dialect(p: &mut Params, v: Option<String>) {
    match (&mut p.claims, v) {
        (Some(c), d) => c.dialect = d,
        (None, Some(d)) => {
            p.claims = Some(Claims {
                dialect: Some(d),
                ..Default::default()
            })
        }
        (None, None) => {}
    }
}

/// `(message version, Python class name)` of an RST / RSTR for `from_xml` and repr.
trait Message: Sized {
    const NAME: &'static str;
    fn from_message(m: TrustMessage) -> Option<Self>;
}

impl Message for RequestSecurityToken {
    const NAME: &'static str = "RequestSecurityToken";
    fn from_message(m: TrustMessage) -> Option<Self> {
        match m {
            TrustMessage::Request(r) => Some(r),
            _ => None,
        }
    }
}

impl Message for RequestSecurityTokenResponse {
    const NAME: &'static str = "RequestSecurityTokenResponse";
    fn from_message(m: TrustMessage) -> Option<Self> {
        match m {
            TrustMessage::Response(r) => Some(r),
            _ => None,
        }
    }
}

impl Message for RequestSecurityTokenResponseCollection {
    const NAME: &'static str = "RequestSecurityTokenResponseCollection";
    fn from_message(m: TrustMessage) -> Option<Self> {
        match m {
            TrustMessage::ResponseCollection(r) => Some(r),
            _ => None,
        }
    }
}

fn parse_message<T: Message>(py: Python<'_>, xml: &[u8]) -> PyResult<T> {
    let m = py.detach(|| TrustMessage::from_xml(xml)).or_raise(py)?;
    let found = m
        .to_json()
        .get("type")
        .map(|t| t.to_string_compact())
        .unwrap_or_default();
    T::from_message(m).ok_or_else(|| {
        to_py(
            py,
            wssx::Error::new(
                wssx::ErrorKind::InvalidRequest,
                format!("expected a {}, found {}", T::NAME, found.trim_matches('"')),
            ),
        )
    })
}

/// The RST / RSTR class body: the shared parameters plus `$extra`.
macro_rules! message_class {
    ($ty:ident, $core:ident, { $($extra:tt)* }) => {
        #[pymethods]
        impl $ty {
            /// Parse the message from XML: a document whose root is the message, or a SOAP
            /// envelope whose Body holds it. A SOAP Fault body raises its typed error.
            #[classmethod]
            fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
                Ok($ty { inner: parse_message::<$core>(py, &xml)? })
            }

            /// Serialize (UTF-8 bytes) in ``version`` (default: the message's own version);
            /// every versioned URI and namespace is mapped.
            #[pyo3(signature = (version = None))]
            fn to_xml<'py>(&self, py: Python<'py>, version: Option<TrustVersionArg>) -> Bound<'py, PyBytes> {
                let v = version.map(|v| v.0).unwrap_or(self.inner.version);
                let m = &self.inner;
                let s = py.detach(|| if v == m.version { m.to_xml(v) } else { m.convert(v).to_xml(v) });
                PyBytes::new(py, s.as_bytes())
            }

            /// The same message in another version (typed tokens and references move to the
            /// matching WS-SC version; URIs are mapped when written).
            fn convert(&self, version: TrustVersionArg) -> Self {
                $ty { inner: self.inner.convert(version.0) }
            }

            /// A JSON description (table URIs by name; secrets by type and length only).
            fn to_json(&self) -> String {
                self.inner.to_json().to_string_compact()
            }

            /// :meth:`to_json`, decoded.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                json_loads(py, &self.to_json())
            }

            /// The version the message was read in (or is written in by default).
            #[getter]
            fn version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTrustVersion>> {
                trust_version_obj(py, self.inner.version)
            }

            /// ``@Context``: correlates requests and responses.
            #[getter]
            fn context(&self) -> Option<&str> {
                self.inner.context.as_deref()
            }

            #[setter]
            fn set_context(&mut self, value: Option<String>) {
                self.inner.context = value;
            }

            /// ``wst:TokenType`` by name (``"SecurityContextToken"``, ``"DerivedKeyToken"``,
            /// ``"Status"``) or URI.
            #[getter]
            fn token_type(&self) -> Option<&str> {
                self.inner.params.token_type.as_ref().map(|t| t.name())
            }

            #[setter]
            fn set_token_type(&mut self, value: Option<String>) -> PyResult<()> {
                self.inner.params.token_type = value.map(|v| table_arg!(TokenType, &v, "token type")).transpose()?;
                Ok(())
            }

            /// ``wst:TokenType`` as a URI in the message's version.
            #[getter]
            fn token_type_uri(&self) -> Option<String> {
                self.inner.params.token_type.as_ref().map(|t| t.uri(self.inner.version).to_string())
            }

            /// ``wst:KeySize`` in bits.
            #[getter]
            fn key_size(&self) -> Option<u32> {
                self.inner.params.key_size
            }

            #[setter]
            fn set_key_size(&mut self, value: Option<u32>) {
                self.inner.params.key_size = value;
            }

            /// ``wst:KeyType`` by name (``"SymmetricKey"``, ``"PublicKey"``, ``"Bearer"``) or URI.
            #[getter]
            fn key_type(&self) -> Option<&str> {
                self.inner.params.key_type.as_ref().map(|t| t.name())
            }

            #[setter]
            fn set_key_type(&mut self, value: Option<String>) -> PyResult<()> {
                self.inner.params.key_type = value.map(|v| table_arg!(KeyType, &v, "key type")).transpose()?;
                Ok(())
            }

            /// ``wst:KeyType`` as a URI in the message's version.
            #[getter]
            fn key_type_uri(&self) -> Option<String> {
                self.inner.params.key_type.as_ref().map(|t| t.uri(self.inner.version).to_string())
            }

            /// ``wst:Lifetime`` as ``(created, expires)`` aware UTC datetimes (either may be
            /// ``None``), or ``None``. Set a tuple of datetimes / Unix seconds / ``None``, a
            /// duration from now (seconds or timedelta), or ``None``; an inverted window
            /// raises :class:`InvalidTimeRangeError`.
            #[getter]
            fn lifetime<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
                lifetime_py(py, &self.inner.params)
            }

            #[setter]
            fn set_lifetime(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
                set_lifetime(py, &mut self.inner.params, value)
            }

            /// ``wst:Entropy`` as bytes when it is a clear ``wst:BinarySecret``; ``None``
            /// otherwise (see :attr:`entropy_xml`). Setting bytes keeps the current
            /// BinarySecret type (``Nonce`` for new entropy).
            #[getter]
            fn entropy<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
                entropy_bytes(py, &self.inner.params)
            }

            #[setter]
            fn set_entropy(&mut self, value: Option<BytesArg<'_>>) {
                set_entropy(&mut self.inner.params, value)
            }

            /// The entropy BinarySecret's ``@Type`` by name (``"Nonce"``, ``"SymmetricKey"``,
            /// ``"AsymmetricKey"``) or URI, as written (``None`` when absent, which means
            /// SymmetricKey).
            #[getter]
            fn entropy_type(&self) -> Option<String> {
                entropy_type(&self.inner.params)
            }

            #[setter]
            fn set_entropy_type(&mut self, value: Option<String>) -> PyResult<()> {
                set_entropy_type(&mut self.inner.params, value)
            }

            /// Entropy that is not a clear BinarySecret (``xenc:EncryptedKey``,
            /// ``xenc:EncryptedData``, other) as XML; ``None`` otherwise.
            #[getter]
            fn entropy_xml(&self) -> Option<String> {
                entropy_xml(&self.inner.params)
            }

            #[setter]
            fn set_entropy_xml(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
                set_entropy_xml(py, &mut self.inner.params, value)
            }

            /// ``wst:ComputedKeyAlgorithm`` by name (``"PSHA1"``, ``"HASH"``) or URI.
            #[getter]
            fn computed_key_algorithm(&self) -> Option<&str> {
                self.inner.params.computed_key_algorithm.as_ref().map(|a| a.name())
            }

            #[setter]
            fn set_computed_key_algorithm(&mut self, value: Option<String>) -> PyResult<()> {
                self.inner.params.computed_key_algorithm =
                    value.map(|v| table_arg!(ComputedKeyAlgorithm, &v, "computed key algorithm")).transpose()?;
                Ok(())
            }

            /// The address of the first endpoint reference in ``wsp:AppliesTo``. Setting an
            /// address writes a WS-Policy 2004/09 AppliesTo with one endpoint reference
            /// (WS-Addressing 2004/08 in Feb 2005 messages, 2005/08 otherwise).
            #[getter]
            fn applies_to(&self) -> Option<&str> {
                self.inner.params.applies_to.as_ref().and_then(|a| a.endpoint_address())
            }

            #[setter]
            fn set_applies_to(&mut self, value: Option<String>) {
                let v = self.inner.version;
                set_applies_to(&mut self.inner.params, value, v)
            }

            /// The whole ``wsp:AppliesTo`` element as XML.
            #[getter]
            fn applies_to_xml(&self) -> Option<String> {
                applies_to_xml(&self.inner.params)
            }

            #[setter]
            fn set_applies_to_xml(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
                set_applies_to_xml(py, &mut self.inner.params, value)
            }

            /// The content of ``wst:Claims`` (claim elements, as XML); ``None`` without
            /// Claims. Set any number of elements (str or bytes).
            #[getter]
            fn claims(&self) -> Option<String> {
                self.inner.params.claims.as_ref().map(|c| content_str(&c.content))
            }

            #[setter]
            fn set_claims(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
                set_claims(py, &mut self.inner.params, value)
            }

            /// ``wst:Claims/@Dialect``.
            #[getter]
            fn claims_dialect(&self) -> Option<&str> {
                self.inner.params.claims.as_ref().and_then(|c| c.dialect.as_deref())
            }

            #[setter]
            fn set_claims_dialect(&mut self, value: Option<String>) {
                set_claims_dialect(&mut self.inner.params, value)
            }

            /// Child elements wssx does not type, as XML (a list copy; assign a list to
            /// change them). They are written back in place.
            #[getter]
            fn extensions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
                PyList::new(py, self.inner.params.extensions.iter().map(xml_str))
            }

            #[setter]
            fn set_extensions(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
                self.inner.params.extensions = xml_elements(py, value)?;
                Ok(())
            }

            $($extra)*
        }
    };
}

// ------------------------------------------------------------------------------------------
// RequestSecurityToken

/// ``wst:RequestSecurityToken``: a token request, in WS-Trust Feb 2005, 1.3 or 1.4.
///
/// ``RequestSecurityToken(request_type="Issue", *, version="1.3", ...)`` builds one (every
/// property can be given as a keyword); :meth:`from_xml` parses one (bare or in an
/// envelope) and reports the version it saw. Every element wssx does not expose as a
/// property (OnBehalfOf, ActAs, Renewing, Participants, SignChallenge, ...) is kept and
/// written back, and appears in :meth:`to_dict`.
///
/// Targets (``renew_target``, ``cancel_target``, ``validate_target``) read as a
/// :class:`SecurityContextToken`, a :class:`SecurityTokenReference` or XML (str); they are
/// set from any of those, or from a context Identifier (a URI str), which becomes a
/// reference by Identifier.
#[pyclass(
    name = "RequestSecurityToken",
    module = "wssx",
    eq,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PyRequestSecurityToken {
    pub inner: RequestSecurityToken,
}

message_class!(PyRequestSecurityToken, RequestSecurityToken, {
    #[new]
    #[pyo3(
        signature = (request_type = Cow::Borrowed("Issue"), *, version = TrustVersionArg(TrustVersion::V1_3), context = None, token_type = None, key_size = None, key_type = None, lifetime = None, entropy = None, entropy_type = None, computed_key_algorithm = None, applies_to = None, renew_target = None, cancel_target = None, validate_target = None, claims = None, claims_dialect = None, extensions = None),
        text_signature = "(request_type='Issue', *, version='1.3', context=None, token_type=None, key_size=None, key_type=None, lifetime=None, entropy=None, entropy_type=None, computed_key_algorithm=None, applies_to=None, renew_target=None, cancel_target=None, validate_target=None, claims=None, claims_dialect=None, extensions=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        request_type: Cow<'_, str>,
        version: TrustVersionArg,
        context: Option<String>,
        token_type: Option<String>,
        key_size: Option<u32>,
        key_type: Option<String>,
        lifetime: Option<&Bound<'_, PyAny>>,
        entropy: Option<BytesArg<'_>>,
        entropy_type: Option<String>,
        computed_key_algorithm: Option<String>,
        applies_to: Option<String>,
        renew_target: Option<&Bound<'_, PyAny>>,
        cancel_target: Option<&Bound<'_, PyAny>>,
        validate_target: Option<&Bound<'_, PyAny>>,
        claims: Option<&Bound<'_, PyAny>>,
        claims_dialect: Option<String>,
        extensions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let rt = table_arg!(RequestType, &request_type, "request type")?;
        let mut s = PyRequestSecurityToken {
            inner: RequestSecurityToken::new(version.0, rt),
        };
        s.inner.context = context;
        s.set_token_type(token_type)?;
        s.inner.params.key_size = key_size;
        s.set_key_type(key_type)?;
        s.set_lifetime(py, lifetime)?;
        s.set_entropy(entropy);
        if entropy_type.is_some() {
            s.set_entropy_type(entropy_type)?;
        }
        s.set_computed_key_algorithm(computed_key_algorithm)?;
        s.set_applies_to(applies_to);
        s.set_renew_target(py, renew_target)?;
        s.set_cancel_target(py, cancel_target)?;
        s.set_validate_target(py, validate_target)?;
        s.set_claims(py, claims)?;
        s.set_claims_dialect(claims_dialect);
        s.set_extensions(py, extensions)?;
        Ok(s)
    }

    /// ``wst:RequestType`` by name (``"Issue"``, ``"Renew"``, ``"Cancel"``, ``"Validate"``,
    /// ``"KET"``, ``"STSCancel"``) or URI. (An SCT Amend is an ``"Issue"`` sent with the
    /// ``RST/SCT/Amend`` action.)
    #[getter]
    fn request_type(&self) -> &str {
        self.inner.request_type.name()
    }

    #[setter]
    fn set_request_type(&mut self, value: Option<String>) -> PyResult<()> {
        let v = value.ok_or_else(|| PyValueError::new_err("wst:RequestType is required"))?;
        self.inner.request_type = table_arg!(RequestType, &v, "request type")?;
        Ok(())
    }

    /// ``wst:RequestType`` as a URI in the message's version.
    #[getter]
    fn request_type_uri(&self) -> String {
        self.inner.request_type.uri(self.inner.version).to_string()
    }

    /// ``wst:RenewTarget``.
    #[getter]
    fn renew_target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        holder_py(py, &self.inner.renew_target, self.inner.version)
    }

    #[setter]
    fn set_renew_target(
        &mut self,
        py: Python<'_>,
        value: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.inner.renew_target = holder_arg(py, value, self.inner.version)?;
        Ok(())
    }

    /// ``wst:CancelTarget``.
    #[getter]
    fn cancel_target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        holder_py(py, &self.inner.cancel_target, self.inner.version)
    }

    #[setter]
    fn set_cancel_target(
        &mut self,
        py: Python<'_>,
        value: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.inner.cancel_target = holder_arg(py, value, self.inner.version)?;
        Ok(())
    }

    /// ``wst:ValidateTarget`` (1.3+).
    #[getter]
    fn validate_target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        holder_py(py, &self.inner.validate_target, self.inner.version)
    }

    #[setter]
    fn set_validate_target(
        &mut self,
        py: Python<'_>,
        value: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.inner.validate_target = holder_arg(py, value, self.inner.version)?;
        Ok(())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "RequestSecurityToken({}, version=TrustVersion.{}, context={}, token_type={})",
            PyString::new(py, self.inner.request_type.name()).repr()?,
            PyTrustVersion::from_core(self.inner.version).member_name(),
            repr_opt(py, self.inner.context.as_deref())?,
            repr_opt(py, self.inner.params.token_type.as_ref().map(|t| t.name()))?,
        ))
    }
});

// ------------------------------------------------------------------------------------------
// RequestSecurityTokenResponse

/// ``wst:RequestSecurityTokenResponse``, in WS-Trust Feb 2005, 1.3 or 1.4.
///
/// ``requested_token`` reads as a :class:`SecurityContextToken`, a
/// :class:`SecurityTokenReference` or XML (str, e.g. a SAML assertion). ``proof`` (the
/// first ``wst:RequestedProofToken``) reads as bytes for a ``wst:BinarySecret``, the
/// algorithm name (``"PSHA1"``) for a ``wst:ComputedKey``, XML (str) for an
/// ``xenc:EncryptedKey`` or any other token, or a :class:`SecurityTokenReference`; it is
/// set from the same forms. ``status`` is ``(code, reason)`` with code ``"valid"`` or
/// ``"invalid"``.
#[pyclass(
    name = "RequestSecurityTokenResponse",
    module = "wssx",
    eq,
    skip_from_py_object
)]
#[derive(Clone, PartialEq)]
pub struct PyRequestSecurityTokenResponse {
    pub inner: RequestSecurityTokenResponse,
}

message_class!(
    PyRequestSecurityTokenResponse,
    RequestSecurityTokenResponse,
    {
        #[new]
        #[pyo3(
        signature = (*, version = TrustVersionArg(TrustVersion::V1_3), context = None, token_type = None, request_type = None, requested_token = None, proof = None, entropy = None, entropy_type = None, lifetime = None, key_size = None, key_type = None, computed_key_algorithm = None, applies_to = None, attached_reference = None, unattached_reference = None, cancelled = false, status = None, extensions = None),
        text_signature = "(*, version='1.3', context=None, token_type=None, request_type=None, requested_token=None, proof=None, entropy=None, entropy_type=None, lifetime=None, key_size=None, key_type=None, computed_key_algorithm=None, applies_to=None, attached_reference=None, unattached_reference=None, cancelled=False, status=None, extensions=None)"
    )]
        #[allow(clippy::too_many_arguments)]
        fn py_new(
            py: Python<'_>,
            version: TrustVersionArg,
            context: Option<String>,
            token_type: Option<String>,
            request_type: Option<String>,
            requested_token: Option<&Bound<'_, PyAny>>,
            proof: Option<&Bound<'_, PyAny>>,
            entropy: Option<BytesArg<'_>>,
            entropy_type: Option<String>,
            lifetime: Option<&Bound<'_, PyAny>>,
            key_size: Option<u32>,
            key_type: Option<String>,
            computed_key_algorithm: Option<String>,
            applies_to: Option<String>,
            attached_reference: Option<&Bound<'_, PyAny>>,
            unattached_reference: Option<&Bound<'_, PyAny>>,
            cancelled: bool,
            status: Option<&Bound<'_, PyAny>>,
            extensions: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<Self> {
            let mut s = PyRequestSecurityTokenResponse {
                inner: RequestSecurityTokenResponse::new(version.0),
            };
            s.inner.context = context;
            s.set_token_type(token_type)?;
            s.set_request_type(request_type)?;
            s.set_requested_token(py, requested_token)?;
            s.set_proof(py, proof)?;
            s.set_entropy(entropy);
            if entropy_type.is_some() {
                s.set_entropy_type(entropy_type)?;
            }
            s.set_lifetime(py, lifetime)?;
            s.inner.params.key_size = key_size;
            s.set_key_type(key_type)?;
            s.set_computed_key_algorithm(computed_key_algorithm)?;
            s.set_applies_to(applies_to);
            s.set_attached_reference(py, attached_reference)?;
            s.set_unattached_reference(py, unattached_reference)?;
            s.inner.requested_token_cancelled = cancelled;
            s.set_status(status)?;
            s.set_extensions(py, extensions)?;
            Ok(s)
        }

        /// ``wst:RequestType`` when the issuer echoes it, by name or URI.
        #[getter]
        fn request_type(&self) -> Option<&str> {
            self.inner.request_type.as_ref().map(|t| t.name())
        }

        #[setter]
        fn set_request_type(&mut self, value: Option<String>) -> PyResult<()> {
            self.inner.request_type = value
                .map(|v| table_arg!(RequestType, &v, "request type"))
                .transpose()?;
            Ok(())
        }

        /// ``wst:RequestedSecurityToken``.
        #[getter]
        fn requested_token<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
            holder_py(py, &self.inner.requested_security_token, self.inner.version)
        }

        #[setter]
        fn set_requested_token(
            &mut self,
            py: Python<'_>,
            value: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<()> {
            self.inner.requested_security_token = holder_arg(py, value, self.inner.version)?;
            Ok(())
        }

        /// The first ``wst:RequestedProofToken`` (see the class docstring); setting replaces
        /// all of them with one (``None`` removes them).
        #[getter]
        fn proof<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
            self.inner
                .proof_token()
                .map(|p| proof_py(py, p))
                .transpose()
        }

        #[setter]
        fn set_proof(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
            self.inner.requested_proof_tokens.clear();
            if let Some(v) = value.filter(|v| !v.is_none()) {
                self.inner
                    .requested_proof_tokens
                    .push(RequestedProofToken::new(proof_arg(py, v)?));
            }
            Ok(())
        }

        /// Every ``wst:RequestedProofToken`` in order (a response may carry several), in the
        /// forms of :attr:`proof`.
        #[getter]
        fn proofs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
            let items = self
                .inner
                .requested_proof_tokens
                .iter()
                .map(|p| proof_py(py, &p.token))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)
        }

        /// ``wst:RequestedAttachedReference`` (a :class:`SecurityTokenReference`).
        #[getter]
        fn attached_reference<'py>(
            &self,
            py: Python<'py>,
        ) -> PyResult<Option<Bound<'py, PySecurityTokenReference>>> {
            reference_py(py, &self.inner.requested_attached_reference)
        }

        #[setter]
        fn set_attached_reference(
            &mut self,
            py: Python<'_>,
            value: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<()> {
            self.inner.requested_attached_reference = reference_arg(py, value)?;
            Ok(())
        }

        /// ``wst:RequestedUnattachedReference`` (a :class:`SecurityTokenReference`).
        #[getter]
        fn unattached_reference<'py>(
            &self,
            py: Python<'py>,
        ) -> PyResult<Option<Bound<'py, PySecurityTokenReference>>> {
            reference_py(py, &self.inner.requested_unattached_reference)
        }

        #[setter]
        fn set_unattached_reference(
            &mut self,
            py: Python<'_>,
            value: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<()> {
            self.inner.requested_unattached_reference = reference_arg(py, value)?;
            Ok(())
        }

        /// ``wst:RequestedTokenCancelled``: True in the response to a cancel.
        #[getter]
        fn cancelled(&self) -> bool {
            self.inner.requested_token_cancelled
        }

        #[setter]
        fn set_cancelled(&mut self, value: Option<bool>) {
            self.inner.requested_token_cancelled = value.unwrap_or(false);
        }

        /// ``wst:Status`` as ``(code, reason)``: code ``"valid"`` / ``"invalid"`` (or a URI),
        /// reason a str or ``None``. Set a tuple, a code alone, a bool (True = valid) or ``None``.
        #[getter]
        fn status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
            self.inner
                .status
                .as_ref()
                .map(|s| {
                    PyTuple::new(
                        py,
                        [
                            PyString::new(py, s.code.name()).into_any(),
                            match &s.reason {
                                Some(r) => PyString::new(py, r).into_any(),
                                None => py.None().into_bound(py),
                            },
                        ],
                    )
                })
                .transpose()
        }

        #[setter]
        fn set_status(&mut self, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
            let Some(v) = value.filter(|v| !v.is_none()) else {
                self.inner.status = None;
                return Ok(());
            };
            let code_of = |c: &Bound<'_, PyAny>| -> PyResult<StatusCode> {
                if let Ok(b) = c.cast::<PyBool>() {
                    return Ok(if b.is_true() {
                        StatusCode::Valid
                    } else {
                        StatusCode::Invalid
                    });
                }
                let s: String = c.extract()?;
                table_arg!(StatusCode, &s, "status code")
            };
            let (code, reason) = if let Ok(t) = v.cast::<PyTuple>() {
                if t.len() != 2 {
                    return Err(PyValueError::new_err("a status is (code, reason)"));
                }
                (
                    code_of(&t.get_item(0)?)?,
                    t.get_item(1)?.extract::<Option<String>>()?,
                )
            } else {
                (code_of(v)?, None)
            };
            self.inner.status = Some(Status { code, reason });
            Ok(())
        }

        /// ``wst:Status`` code as a URI in the message's version.
        #[getter]
        fn status_uri(&self) -> Option<String> {
            self.inner
                .status
                .as_ref()
                .map(|s| s.code.uri(self.inner.version).to_string())
        }

        fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
            let token = match self.inner.token() {
                Some(TokenRef::SecurityContext(s)) => PyString::new(py, &s.identifier)
                    .repr()?
                    .to_cow()?
                    .into_owned(),
                Some(_) => "<token>".to_string(),
                None => "None".to_string(),
            };
            Ok(format!(
            "RequestSecurityTokenResponse(version=TrustVersion.{}, context={}, requested_token={}, cancelled={})",
            PyTrustVersion::from_core(self.inner.version).member_name(),
            repr_opt(py, self.inner.context.as_deref())?,
            token,
            if self.inner.requested_token_cancelled { "True" } else { "False" },
        ))
        }
    }
);

// ------------------------------------------------------------------------------------------
// RequestSecurityTokenResponseCollection

/// ``wst:RequestSecurityTokenResponseCollection``: a list of
/// :class:`RequestSecurityTokenResponse` (the WS-Trust 1.3 final issuance response).
///
/// List-like: ``len(c)``, ``c[i]``, ``c[i] = rstr``, ``del c[i]``, iteration and
/// :meth:`append`. Items are copies: modify one and assign it back.
#[pyclass(
    name = "RequestSecurityTokenResponseCollection",
    module = "wssx",
    eq,
    skip_from_py_object,
    sequence
)]
#[derive(Clone, PartialEq)]
pub struct PyRequestSecurityTokenResponseCollection {
    pub inner: RequestSecurityTokenResponseCollection,
}

impl PyRequestSecurityTokenResponseCollection {
    fn index(&self, i: isize) -> PyResult<usize> {
        let n = self.inner.responses.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return Err(PyIndexError::new_err("collection index out of range"));
        }
        Ok(j as usize)
    }
}

#[pymethods]
impl PyRequestSecurityTokenResponseCollection {
    /// A collection of ``responses``; ``version`` defaults to the first response's (1.3
    /// when empty).
    #[new]
    #[pyo3(signature = (responses = None, *, version = None))]
    fn py_new(
        responses: Option<&Bound<'_, PyAny>>,
        version: Option<TrustVersionArg>,
    ) -> PyResult<Self> {
        let items: Vec<RequestSecurityTokenResponse> = match responses.filter(|r| !r.is_none()) {
            None => Vec::new(),
            Some(r) => r
                .try_iter()?
                .map(|x| {
                    Ok(x?
                        .cast::<PyRequestSecurityTokenResponse>()?
                        .borrow()
                        .inner
                        .clone())
                })
                .collect::<PyResult<_>>()?,
        };
        let v = version
            .map(|v| v.0)
            .or_else(|| items.first().map(|r| r.version))
            .unwrap_or(TrustVersion::V1_3);
        Ok(PyRequestSecurityTokenResponseCollection {
            inner: RequestSecurityTokenResponseCollection::new(v, items),
        })
    }

    /// Parse a collection: a document whose root is one, or an envelope whose Body holds one.
    #[classmethod]
    fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
        Ok(PyRequestSecurityTokenResponseCollection {
            inner: parse_message(py, &xml)?,
        })
    }

    /// Serialize (UTF-8 bytes) in ``version`` (default: the collection's).
    #[pyo3(signature = (version = None))]
    fn to_xml<'py>(
        &self,
        py: Python<'py>,
        version: Option<TrustVersionArg>,
    ) -> Bound<'py, PyBytes> {
        let v = version.map(|v| v.0).unwrap_or(self.inner.version);
        let m = &self.inner;
        let s = py.detach(|| {
            if v == m.version {
                m.to_xml(v)
            } else {
                m.convert(v).to_xml(v)
            }
        });
        PyBytes::new(py, s.as_bytes())
    }

    /// The same collection in another version.
    fn convert(&self, version: TrustVersionArg) -> Self {
        PyRequestSecurityTokenResponseCollection {
            inner: self.inner.convert(version.0),
        }
    }

    /// A JSON description.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string_compact()
    }

    /// :meth:`to_json`, decoded.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.to_json())
    }

    /// The version read (or written by default).
    #[getter]
    fn version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTrustVersion>> {
        trust_version_obj(py, self.inner.version)
    }

    /// The responses (a list of copies).
    #[getter]
    fn responses(&self) -> Vec<PyRequestSecurityTokenResponse> {
        self.inner
            .responses
            .iter()
            .map(|r| PyRequestSecurityTokenResponse { inner: r.clone() })
            .collect()
    }

    /// Append a response.
    fn append(&mut self, response: PyRef<'_, PyRequestSecurityTokenResponse>) {
        self.inner.responses.push(response.inner.clone());
    }

    fn __len__(&self) -> usize {
        self.inner.responses.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<PyRequestSecurityTokenResponse> {
        let i = self.index(index)?;
        Ok(PyRequestSecurityTokenResponse {
            inner: self.inner.responses[i].clone(),
        })
    }

    fn __setitem__(
        &mut self,
        index: isize,
        value: PyRef<'_, PyRequestSecurityTokenResponse>,
    ) -> PyResult<()> {
        let i = self.index(index)?;
        self.inner.responses[i] = value.inner.clone();
        Ok(())
    }

    fn __delitem__(&mut self, index: isize) -> PyResult<()> {
        let i = self.index(index)?;
        self.inner.responses.remove(i);
        Ok(())
    }

    fn __iter__<'py>(slf: PyRef<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        PyList::new(py, slf.responses())?
            .into_any()
            .try_iter()
            .map(|i| i.into_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "RequestSecurityTokenResponseCollection(<{} responses>, version=TrustVersion.{})",
            self.inner.responses.len(),
            PyTrustVersion::from_core(self.inner.version).member_name()
        )
    }
}

// ------------------------------------------------------------------------------------------
// Envelope

/// A trust message (or fault) as the Python object for it.
fn message_py<'py>(py: Python<'py>, m: TrustMessage) -> PyResult<Bound<'py, PyAny>> {
    Ok(match m {
        TrustMessage::Request(r) => Bound::new(py, PyRequestSecurityToken { inner: r })?.into_any(),
        TrustMessage::Response(r) => Bound::new(py, PyRequestSecurityTokenResponse { inner: r })?.into_any(),
        TrustMessage::ResponseCollection(r) => {
            Bound::new(py, PyRequestSecurityTokenResponseCollection { inner: r })?.into_any()
        }
        other => {
            return Err(to_py(
                py,
                wssx::Error::new(
                    wssx::ErrorKind::InvalidRequest,
                    format!(
                        "the envelope holds a {} (not modeled as a Python class; use wssx.trust_inspect)",
                        other.to_json().get("type").map(|t| t.to_string_compact()).unwrap_or_default().trim_matches('"')
                    ),
                ),
            ))
        }
    })
}

/// A SOAP 1.1 / 1.2 envelope with typed WS-Addressing headers (2004/08 or 2005/08), for
/// callers without a SOAP stack.
///
/// :meth:`from_xml` reads one, :meth:`wrap` builds one around a trust message or fault;
/// :meth:`message` gives the trust message of the Body as its class. Header blocks other
/// than the addressing ones (``wsse:Security``, ``wst:IssuedTokens``, ...) are
/// :attr:`headers`, the Body's children :attr:`body`, both lists of XML str; attributes and
/// namespace declarations of Envelope / Header / Body and the header order are kept.
/// Setting an addressing header on an envelope without addressing starts WS-Addressing
/// 2005/08.
#[pyclass(name = "Envelope", module = "wssx", eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct PyEnvelope {
    pub inner: Envelope,
}

impl PyEnvelope {
    fn addressing_mut(&mut self) -> &mut Addressing {
        self.inner
            .addressing
            .get_or_insert_with(|| Addressing::new(WsaVersion::V2005_08))
    }
}

/// The action URI for `name` (a table name such as `RST/SCT`, or any URI) in `v`.
fn action_arg(name: &str, v: TrustVersion) -> PyResult<String> {
    match Action::from_name(name.trim()) {
        Some(a) => Ok(a.uri(v).to_string()),
        None => Err(PyValueError::new_err(format!(
            "unknown action {name:?}: give a URI or a name such as \"RST/SCT\", \"RSTR/SCT/Renew\""
        ))),
    }
}

/// The action a message is sent with when the caller names none.
fn default_action(m: &TrustMessage, v: TrustVersion) -> Action {
    match m {
        TrustMessage::Request(r) => {
            let sct = r.params.token_type == Some(TokenType::SecurityContext);
            let a = if sct {
                Action::for_sct_request(&r.request_type)
            } else {
                None
            };
            a.or_else(|| Action::for_request(&r.request_type))
                .unwrap_or(Action::RstIssue)
        }
        TrustMessage::Response(r) => {
            if r.requested_token_cancelled {
                Action::RstrCancel
            } else if r.status.is_some() {
                Action::RstrValidate
            } else if r.params.token_type == Some(TokenType::SecurityContext) {
                Action::RstrSct
            } else {
                r.request_type
                    .as_ref()
                    .and_then(Action::for_request)
                    .and_then(|a| a.response())
                    .unwrap_or(Action::RstrIssue)
            }
        }
        TrustMessage::ResponseCollection(_) if v != TrustVersion::Feb2005 => {
            Action::RstrcIssueFinal
        }
        _ => Action::RstrIssue,
    }
}

#[allow(clippy::too_many_arguments)]
fn build_addressing(
    wsa: WsaVersion,
    action: Option<String>,
    to: Option<String>,
    relates_to: Option<String>,
    request: bool,
) -> wssx::Result<Addressing> {
    let mut a = Addressing::new(wsa);
    a.action = action.map(Header::required);
    a.message_id = Some(Header::new(wssx::crypto::random_uuid_urn()?));
    if let Some(r) = relates_to {
        a.relates_to.push(Header::new(RelatesTo {
            message_id: r,
            relationship: None,
        }));
    }
    if request {
        a.reply_to = Some(Header::new(EndpointReference::anonymous(wsa)));
    }
    a.to = to.map(Header::required);
    Ok(a)
}

#[pymethods]
impl PyEnvelope {
    /// An empty envelope of ``soap_version`` (``"1.1"`` or ``"1.2"``) with ``body`` and
    /// ``headers`` (sequences of XML elements) and, with ``addressing``, no addressing
    /// headers yet.
    #[new]
    #[pyo3(signature = (soap_version = SoapArg(SoapVersion::Soap12), *, body = None, headers = None, addressing = None), text_signature = "(soap_version='1.2', *, body=(), headers=(), addressing=None)")]
    fn py_new(
        py: Python<'_>,
        soap_version: SoapArg,
        body: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        addressing: Option<WsaArg>,
    ) -> PyResult<Self> {
        let mut e = Envelope::new(soap_version.0);
        e.body = xml_elements(py, body)?;
        e.headers = xml_elements(py, headers)?;
        e.addressing = addressing.map(|a| Addressing::new(a.0));
        Ok(PyEnvelope { inner: e })
    }

    /// Parse a SOAP 1.1 or 1.2 envelope.
    #[classmethod]
    fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
        let inner = py.detach(|| Envelope::from_xml(&xml)).or_raise(py)?;
        Ok(PyEnvelope { inner })
    }

    /// An envelope carrying ``message``: a :class:`RequestSecurityToken`,
    /// :class:`RequestSecurityTokenResponse` or :class:`RequestSecurityTokenResponseCollection`
    /// (written in ``version``, default its own), a :class:`Fault`, or any XML element for
    /// the Body.
    ///
    /// With ``addressing`` (``"2005/08"``, ``"2004/08"``; ``None`` for none) the envelope
    /// gets wsa:Action (mustUnderstand), a fresh wsa:MessageID, wsa:RelatesTo
    /// ``relates_to`` when given, wsa:ReplyTo anonymous for requests, and wsa:To ``to``
    /// (mustUnderstand) when given. ``action`` is a URI or a table name (``"RST/SCT"``,
    /// ``"RSTR/SCT/Amend"``, ...), mapped to ``version``; by default it follows the message:
    /// the SCT binding's action for SCT requests (``RST/SCT``, ``RST/SCT/Renew``,
    /// ``RST/SCT/Cancel``), the generic binding's otherwise, ``RSTR/SCT``,
    /// ``RSTR/Cancel``, ``RSTR/Validate`` or ``RSTR/Issue`` for responses,
    /// ``RSTRC/IssueFinal`` for a 1.3 collection and the WS-Addressing fault action for a
    /// Fault. (An amend request has no action of its own: pass ``action="RST/SCT/Amend"``.)
    #[classmethod]
    #[pyo3(
        signature = (message, version = None, soap_version = SoapArg(SoapVersion::Soap12), addressing = Some(WsaArg(WsaVersion::V2005_08)), action = None, to = None, relates_to = None),
        text_signature = "($cls, message, version=None, soap_version='1.2', addressing='2005/08', action=None, to=None, relates_to=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn wrap(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        version: Option<TrustVersionArg>,
        soap_version: SoapArg,
        addressing: Option<WsaArg>,
        action: Option<String>,
        to: Option<String>,
        relates_to: Option<String>,
    ) -> PyResult<Self> {
        let soap = soap_version.0;
        let trust: Option<TrustMessage> = if let Ok(m) = message.cast::<PyRequestSecurityToken>() {
            Some(TrustMessage::Request(m.borrow().inner.clone()))
        } else if let Ok(m) = message.cast::<PyRequestSecurityTokenResponse>() {
            Some(TrustMessage::Response(m.borrow().inner.clone()))
        } else if let Ok(m) = message.cast::<PyRequestSecurityTokenResponseCollection>() {
            Some(TrustMessage::ResponseCollection(m.borrow().inner.clone()))
        } else {
            None
        };
        if let Some(m) = trust {
            let v = version.map(|v| v.0).unwrap_or_else(|| m.version());
            let m = if v == m.version() { m } else { m.convert(v) };
            let action_uri = match &action {
                Some(a) => action_arg(a, v)?,
                None => default_action(&m, v).uri(v).to_string(),
            };
            let is_request = matches!(m, TrustMessage::Request(_));
            let a = addressing
                .map(|w| build_addressing(w.0, Some(action_uri), to, relates_to, is_request))
                .transpose()
                .or_raise(py)?;
            let env = py.detach(|| m.to_envelope(v, soap, a));
            return Ok(PyEnvelope { inner: env });
        }
        let v = version.map(|v| v.0).unwrap_or(TrustVersion::V1_3);
        if let Ok(f) = message.cast::<PyFault>() {
            let a = addressing
                .map(|w| {
                    let act = match &action {
                        Some(x) => x.clone(),
                        None => w.0.fault_action().to_string(),
                    };
                    build_addressing(w.0, Some(act), to, relates_to, false)
                })
                .transpose()
                .or_raise(py)?;
            return Ok(PyEnvelope {
                inner: f.get().inner.to_envelope(soap, a),
            });
        }
        let body = xml_element(py, message)?;
        let action_uri = action.map(|a| action_arg(&a, v)).transpose()?;
        if addressing.is_some() && action_uri.is_none() {
            return Err(PyValueError::new_err(
                "wrapping a plain XML body with addressing needs an action",
            ));
        }
        let a = addressing
            .map(|w| build_addressing(w.0, action_uri, to, relates_to, false))
            .transpose()
            .or_raise(py)?;
        Ok(PyEnvelope {
            inner: Envelope::with_body(soap, a, body),
        })
    }

    /// Serialize (UTF-8 bytes, no XML declaration).
    fn to_xml<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let e = &self.inner;
        let s = py.detach(|| e.to_xml());
        PyBytes::new(py, s.as_bytes())
    }

    /// The same envelope in another SOAP version (a Fault body is rewritten in that
    /// version's form).
    fn to_soap_version(&self, py: Python<'_>, soap_version: SoapArg) -> PyResult<Self> {
        Ok(PyEnvelope {
            inner: self.inner.to_soap_version(soap_version.0).or_raise(py)?,
        })
    }

    /// The trust message of the envelope as its class: the first Body child when it is a
    /// trust message, else the first trust message among the headers. A Fault body raises
    /// the fault's typed error (e.g. :class:`BadContextTokenError`); no trust message, or
    /// one without a Python class (RequestSecurityTokenCollection, IssuedTokens), raises
    /// :class:`InvalidRequestError`.
    fn message<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let e = &self.inner;
        let m = py.detach(|| TrustMessage::from_envelope(e)).or_raise(py)?;
        message_py(py, m)
    }

    /// The Body's SOAP Fault as a :class:`Fault`; ``None`` when the Body is not a fault.
    #[getter]
    fn fault(&self, py: Python<'_>) -> PyResult<Option<PyFault>> {
        match self.inner.fault() {
            None => Ok(None),
            Some(f) => Ok(Some(PyFault {
                inner: f.or_raise(py)?,
            })),
        }
    }

    /// ``"1.1"`` or ``"1.2"``.
    #[getter]
    fn soap_version(&self) -> &'static str {
        soap_name(self.inner.version)
    }

    /// The WS-Addressing version of the addressing headers (``"2004/08"``,
    /// ``"2005/08"``), or ``None`` without any. Setting converts them (``None`` removes
    /// them all).
    #[getter]
    fn addressing(&self) -> Option<&'static str> {
        self.inner
            .addressing
            .as_ref()
            .map(|a| a.version.short_name())
    }

    #[setter]
    fn set_addressing(&mut self, value: Option<WsaArg>) {
        self.inner.addressing = match (value, self.inner.addressing.take()) {
            (None, _) => None,
            (Some(w), Some(a)) => Some(a.to_version(w.0)),
            (Some(w), None) => Some(Addressing::new(w.0)),
        };
    }

    /// wsa:Action.
    #[getter]
    fn action(&self) -> Option<&str> {
        self.inner.action()
    }

    #[setter]
    fn set_action(&mut self, value: Option<String>) {
        match value {
            Some(v) => self.addressing_mut().action = Some(Header::required(v)),
            None => {
                if let Some(a) = &mut self.inner.addressing {
                    a.action = None;
                }
            }
        }
    }

    /// wsa:MessageID.
    #[getter]
    fn message_id(&self) -> Option<&str> {
        self.inner.addressing.as_ref().and_then(|a| a.message_id())
    }

    #[setter]
    fn set_message_id(&mut self, value: Option<String>) {
        match value {
            Some(v) => self.addressing_mut().message_id = Some(Header::new(v)),
            None => {
                if let Some(a) = &mut self.inner.addressing {
                    a.message_id = None;
                }
            }
        }
    }

    /// wsa:To.
    #[getter]
    fn to(&self) -> Option<&str> {
        self.inner.addressing.as_ref().and_then(|a| a.to())
    }

    #[setter]
    fn set_to(&mut self, value: Option<String>) {
        match value {
            Some(v) => self.addressing_mut().to = Some(Header::required(v)),
            None => {
                if let Some(a) = &mut self.inner.addressing {
                    a.to = None;
                }
            }
        }
    }

    /// wsa:RelatesTo: the MessageID this message replies to. Setting replaces every
    /// RelatesTo header with one.
    #[getter]
    fn relates_to(&self) -> Option<&str> {
        self.inner.addressing.as_ref().and_then(|a| a.relates_to())
    }

    #[setter]
    fn set_relates_to(&mut self, value: Option<String>) {
        match value {
            Some(v) => {
                let a = self.addressing_mut();
                a.relates_to = vec![Header::new(RelatesTo {
                    message_id: v,
                    relationship: None,
                })];
            }
            None => {
                if let Some(a) = &mut self.inner.addressing {
                    a.relates_to.clear();
                }
            }
        }
    }

    /// The address of wsa:ReplyTo.
    #[getter]
    fn reply_to(&self) -> Option<&str> {
        self.inner.addressing.as_ref().and_then(|a| a.reply_to())
    }

    #[setter]
    fn set_reply_to(&mut self, value: Option<String>) {
        match value {
            Some(v) => {
                let a = self.addressing_mut();
                let w = a.version;
                a.reply_to = Some(Header::new(EndpointReference::new(w, v)));
            }
            None => {
                if let Some(a) = &mut self.inner.addressing {
                    a.reply_to = None;
                }
            }
        }
    }

    /// The header blocks other than the typed addressing headers, as XML (a list copy).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.headers.iter().map(xml_str))
    }

    #[setter]
    fn set_headers(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.inner.headers = xml_elements(py, value)?;
        Ok(())
    }

    /// The Body's child elements, as XML (a list copy).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.body.iter().map(xml_str))
    }

    #[setter]
    fn set_body(&mut self, py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.inner.body = xml_elements(py, value)?;
        Ok(())
    }

    /// The HTTP Content-Type for this envelope (with the action for SOAP 1.2).
    #[getter]
    fn content_type(&self) -> String {
        self.inner.content_type()
    }

    /// The SOAPAction HTTP header value (quoted) for SOAP 1.1; ``None`` for SOAP 1.2.
    #[getter]
    fn soap_action(&self) -> Option<String> {
        self.inner.soap_action()
    }

    /// A JSON description, with the trust messages of the Body and IssuedTokens headers
    /// described in full.
    fn to_json(&self) -> String {
        wssx::trust::envelope_json(&self.inner).to_string_compact()
    }

    /// :meth:`to_json`, decoded.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Envelope(soap_version={}, action={}, body={})",
            PyString::new(py, soap_name(self.inner.version)).repr()?,
            repr_opt(py, self.inner.action())?,
            self.inner
                .body
                .iter()
                .map(|b| b.local.clone())
                .collect::<Vec<_>>()
                .join(","),
        ))
    }
}

// ------------------------------------------------------------------------------------------
// Fault

/// The error kind of a Python value: a kind name, a WssxError instance or class; any
/// other exception is `RequestFailed`.
fn kind_arg(ob: &Bound<'_, PyAny>) -> PyResult<wssx::ErrorKind> {
    if let Ok(s) = ob.cast::<PyString>() {
        let s = s.to_cow()?;
        let name = s
            .strip_suffix("Error")
            .filter(|_| wssx::ErrorKind::from_name(&s).is_none())
            .unwrap_or(&s);
        return wssx::ErrorKind::from_name(name)
            .ok_or_else(|| PyValueError::new_err(format!("unknown error kind {s:?}")));
    }
    let kind = if ob.is_instance_of::<PyType>()
        || ob.is_instance_of::<pyo3::exceptions::PyBaseException>()
    {
        ob.getattr("kind").ok().filter(|k| !k.is_none())
    } else {
        return Err(PyTypeError::new_err(format!(
            "expected an exception, an exception class or an error kind name, got {}",
            ob.get_type().name()?
        )));
    };
    match kind {
        Some(k) => {
            let k: String = k.extract()?;
            Ok(wssx::ErrorKind::from_name(&k).unwrap_or(wssx::ErrorKind::RequestFailed))
        }
        None => Ok(wssx::ErrorKind::RequestFailed),
    }
}

/// A SOAP Fault carrying a WS-Trust (``wst:``) or WS-SecureConversation (``wsc:``) fault
/// code, independent of the SOAP version: one value writes either form, and reading
/// either gives the same value.
///
/// ``Fault(kind, trust_version="1.3", *, reason=None)`` or :meth:`from_error` builds the
/// fault a token service sends for an error kind (the spec's code in the trust version's
/// namespace, the spec's reason text; the error's own message is not copied, as the specs
/// advise; pass ``reason`` to send one). :meth:`from_xml` reads a Fault element or an
/// envelope whose Body is one; :meth:`to_error` gives the matching :class:`WssxError`.
#[pyclass(name = "Fault", module = "wssx", eq, frozen, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct PyFault {
    pub inner: Fault,
}

#[pymethods]
impl PyFault {
    #[new]
    #[pyo3(signature = (kind = None, trust_version = TrustVersionArg(TrustVersion::V1_3), *, reason = None), text_signature = "(kind='RequestFailed', trust_version='1.3', *, reason=None)")]
    fn py_new(
        kind: Option<&Bound<'_, PyAny>>,
        trust_version: TrustVersionArg,
        reason: Option<String>,
    ) -> PyResult<Self> {
        let k = match kind.filter(|k| !k.is_none()) {
            Some(k) => kind_arg(k)?,
            None => wssx::ErrorKind::RequestFailed,
        };
        let mut f = Fault::from_error(&wssx::Error::new(k, ""), trust_version.0);
        if let Some(r) = reason {
            f = f.with_reason(r);
        }
        Ok(PyFault { inner: f })
    }

    /// The fault for ``error``: a :class:`WssxError` (its kind; any other exception is
    /// ``RequestFailed``), a WssxError subclass, or a kind name (``"BadContextToken"``).
    #[classmethod]
    #[pyo3(signature = (error, trust_version = TrustVersionArg(TrustVersion::V1_3), *, reason = None), text_signature = "($cls, error, trust_version='1.3', *, reason=None)")]
    fn from_error(
        _cls: &Bound<'_, PyType>,
        error: &Bound<'_, PyAny>,
        trust_version: TrustVersionArg,
        reason: Option<String>,
    ) -> PyResult<Self> {
        Self::py_new(Some(error), trust_version, reason)
    }

    /// Parse a SOAP 1.1 / 1.2 Fault element, or an envelope whose Body is one.
    #[classmethod]
    fn from_xml(_cls: &Bound<'_, PyType>, py: Python<'_>, xml: BytesArg<'_>) -> PyResult<Self> {
        let r = py.detach(|| -> wssx::Result<Fault> {
            let doc = xml::parse(&xml)?;
            let is_env = doc.root.local == "Envelope"
                && doc
                    .root
                    .ns
                    .as_deref()
                    .and_then(SoapVersion::from_namespace)
                    .is_some();
            if is_env {
                let env = Envelope::from_element(&doc.root)?;
                return env.fault().unwrap_or_else(|| {
                    Err(wssx::Error::at(
                        wssx::ErrorKind::InvalidRequest,
                        "Envelope/Body",
                        "the Body is not a SOAP Fault",
                    ))
                });
            }
            Fault::from_element(&doc.root)
        });
        Ok(PyFault {
            inner: r.or_raise(py)?,
        })
    }

    /// The Fault element in ``soap_version`` (UTF-8 bytes).
    #[pyo3(signature = (soap_version = SoapArg(SoapVersion::Soap12)), text_signature = "($self, soap_version='1.2')")]
    fn to_xml<'py>(&self, py: Python<'py>, soap_version: SoapArg) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.to_xml(soap_version.0).as_bytes())
    }

    /// A fault message: an :class:`Envelope` in ``soap_version`` with this fault as its
    /// Body (see :meth:`Envelope.wrap` for the addressing arguments; the action defaults
    /// to the WS-Addressing fault action).
    #[pyo3(signature = (soap_version = SoapArg(SoapVersion::Soap12), addressing = None, action = None, relates_to = None), text_signature = "($self, soap_version='1.2', addressing=None, action=None, relates_to=None)")]
    fn to_envelope(
        &self,
        py: Python<'_>,
        soap_version: SoapArg,
        addressing: Option<WsaArg>,
        action: Option<String>,
        relates_to: Option<String>,
    ) -> PyResult<PyEnvelope> {
        let a = addressing
            .map(|w| {
                let act = action.unwrap_or_else(|| w.0.fault_action().to_string());
                build_addressing(w.0, Some(act), None, relates_to, false)
            })
            .transpose()
            .or_raise(py)?;
        Ok(PyEnvelope {
            inner: self.inner.to_envelope(soap_version.0, a),
        })
    }

    /// The :class:`WssxError` this fault stands for (an instance, to raise): the class of
    /// the spec code's kind (``RequestFailedError`` for foreign codes), the reason as
    /// message, path ``"Fault"``.
    fn to_error(&self, py: Python<'_>) -> Py<PyAny> {
        to_py(py, self.inner.to_error()).into_value(py).into_any()
    }

    /// The error kind name of the fault code (``"BadContextToken"``; ``"RequestFailed"``
    /// for codes that are not WS-Trust / WS-SC ones).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.error_kind().name()
    }

    /// The SOAP-level code, SOAP 1.2 spelling: ``"Sender"``, ``"Receiver"``,
    /// ``"MustUnderstand"``, ``"VersionMismatch"`` or ``"DataEncodingUnknown"``.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code.local(SoapVersion::Soap12)
    }

    /// The spec fault code as ``(namespace, local name)`` (SOAP 1.2 Subcode, SOAP 1.1
    /// faultcode), or ``None``.
    #[getter]
    fn subcode(&self) -> Option<(String, String)> {
        self.inner
            .subcode
            .as_ref()
            .map(|q| (q.ns.clone(), q.local.clone()))
    }

    /// The reason text.
    #[getter]
    fn reason(&self) -> &str {
        &self.inner.reason
    }

    /// ``xml:lang`` of the reason, if given.
    #[getter]
    fn lang(&self) -> Option<&str> {
        self.inner.lang.as_deref()
    }

    /// SOAP 1.1 faultactor / SOAP 1.2 Role.
    #[getter]
    fn role(&self) -> Option<&str> {
        self.inner.role.as_deref()
    }

    /// SOAP 1.2 Node.
    #[getter]
    fn node(&self) -> Option<&str> {
        self.inner.node.as_deref()
    }

    /// The detail elements, as XML.
    #[getter]
    fn detail<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.detail.iter().map(xml_str))
    }

    /// A JSON description.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string_compact()
    }

    /// :meth:`to_json`, decoded.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.to_json())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Fault({}, code={}, reason={})",
            PyString::new(py, self.kind()).repr()?,
            PyString::new(py, self.code()).repr()?,
            PyString::new(py, &self.inner.reason).repr()?,
        ))
    }
}

// ------------------------------------------------------------------------------------------
// inspect

/// Parse whatever ``xml`` holds (a SOAP envelope with its trust messages and security
/// tokens, a WS-Trust message, or a token) and describe it as a JSON string;
/// ``wssx.trust_inspect`` returns it decoded.
#[pyfunction]
pub fn trust_inspect_json(py: Python<'_>, xml: BytesArg<'_>) -> PyResult<String> {
    py.detach(|| wssx::inspect::inspect(&xml).map(|j| j.to_string_compact()))
        .or_raise(py)
}
