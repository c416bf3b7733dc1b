//! Message protection: AlgorithmSuite, protect (behind wssx.sign / encrypt /
//! sign_and_encrypt), verify and its VerifyReport, c14n.
//!
//! `verify` runs core with the GIL released; the secret lookup re-attaches to call the
//! Python callable (or mapping), and an exception it raises is kept and re-raised as itself
//! once core has returned, instead of core's `Callback` error.

use crate::convert::{BytesArg, Uint};
use crate::errors::OrRaise;
use crate::tokens::PySecurityContextToken;
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use std::borrow::Cow;
use std::sync::Mutex;
use std::time::Duration;
use wssx::crypto::Secret;
use wssx::message::{
    self, AlgorithmSuite, ContextId, ContextKey, DecryptedPart, Part, ProtectOptions, Protection,
    ProtectionOrder, SignedPart, TokenReference, VerifyOptions, VerifyReport,
};
use wssx::time::Instant;

// ------------------------------------------------------------------------------------------
// AlgorithmSuite

/// A WS-SecurityPolicy algorithm suite for symmetric (security context) keys.
///
/// ``BASIC128``: HMAC-SHA1, SHA-1, AES-128-CBC, 16-byte keys. ``BASIC256`` (WCF's default):
/// HMAC-SHA1, SHA-1, AES-256-CBC, 24-byte signature and 32-byte encryption keys.
/// ``BASIC256_SHA256``: as Basic256 with HMAC-SHA256 and SHA-256. Wherever wssx takes a
/// suite it also accepts its name as a string (``"Basic256"``, ``"basic256sha256"``,
/// ``"BASIC256_SHA256"``); ``AlgorithmSuite("Basic128")`` converts one.
#[pyclass(
    name = "AlgorithmSuite",
    module = "wssx",
    eq,
    hash,
    frozen,
    skip_from_py_object
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PyAlgorithmSuite {
    /// Basic128: HMAC-SHA1, SHA-1, AES-128-CBC; 16-byte keys.
    #[pyo3(name = "BASIC128")]
    Basic128,
    /// Basic256: HMAC-SHA1, SHA-1, AES-256-CBC; 24-byte signature, 32-byte encryption key.
    #[pyo3(name = "BASIC256")]
    Basic256,
    /// Basic256Sha256: HMAC-SHA256, SHA-256, AES-256-CBC; 24 / 32-byte keys.
    #[pyo3(name = "BASIC256_SHA256")]
    Basic256Sha256,
}

impl PyAlgorithmSuite {
    fn core(self) -> AlgorithmSuite {
        match self {
            PyAlgorithmSuite::Basic128 => AlgorithmSuite::Basic128,
            PyAlgorithmSuite::Basic256 => AlgorithmSuite::Basic256,
            PyAlgorithmSuite::Basic256Sha256 => AlgorithmSuite::Basic256Sha256,
        }
    }

    fn from_core(s: AlgorithmSuite) -> Self {
        match s {
            AlgorithmSuite::Basic128 => PyAlgorithmSuite::Basic128,
            AlgorithmSuite::Basic256 => PyAlgorithmSuite::Basic256,
            AlgorithmSuite::Basic256Sha256 => PyAlgorithmSuite::Basic256Sha256,
        }
    }

    fn member_name(self) -> &'static str {
        match self {
            PyAlgorithmSuite::Basic128 => "BASIC128",
            PyAlgorithmSuite::Basic256 => "BASIC256",
            PyAlgorithmSuite::Basic256Sha256 => "BASIC256_SHA256",
        }
    }

    fn policy_name(self) -> &'static str {
        match self {
            PyAlgorithmSuite::Basic128 => "Basic128",
            PyAlgorithmSuite::Basic256 => "Basic256",
            PyAlgorithmSuite::Basic256Sha256 => "Basic256Sha256",
        }
    }
}

/// A suite argument: an `AlgorithmSuite` member or a suite name (policy spelling, any case,
/// underscores ignored, so the member names work too).
#[derive(Clone, Copy, Debug)]
pub struct SuiteArg(pub AlgorithmSuite);

impl<'a, 'py> FromPyObject<'a, 'py> for SuiteArg {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(v) = ob.cast::<PyAlgorithmSuite>() {
            return Ok(SuiteArg(v.get().core()));
        }
        if let Ok(s) = ob.cast::<PyString>() {
            let s = s.to_cow()?;
            return AlgorithmSuite::from_name(&s.replace('_', ""))
                .map(SuiteArg)
                .ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "unknown algorithm suite {s:?}: use \"Basic128\", \"Basic256\" or \"Basic256Sha256\""
                    ))
                });
        }
        Err(PyTypeError::new_err(format!(
            "expected an AlgorithmSuite or a suite name such as \"Basic256\", got {}",
            ob.get_type().name()?
        )))
    }
}

#[pymethods]
impl PyAlgorithmSuite {
    /// `AlgorithmSuite("Basic256")`: the member for a suite name (or member); members are
    /// singletons.
    #[new]
    fn py_new(py: Python<'_>, value: SuiteArg) -> PyResult<Py<Self>> {
        Ok(suite_obj(py, value.0)?.unbind())
    }

    /// The member name: ``"BASIC128"``, ``"BASIC256"`` or ``"BASIC256_SHA256"``.
    #[getter]
    fn name(&self) -> &'static str {
        self.member_name()
    }

    /// The WS-SecurityPolicy name: ``"Basic128"``, ``"Basic256"`` or ``"Basic256Sha256"``.
    #[getter]
    fn value(&self) -> &'static str {
        self.policy_name()
    }

    /// URI of the signature (HMAC) algorithm.
    #[getter]
    fn signature_algorithm(&self) -> &'static str {
        self.core().signature().uri()
    }

    /// URI of the digest algorithm of signature references.
    #[getter]
    fn digest_algorithm(&self) -> &'static str {
        self.core().digest().uri()
    }

    /// URI of the (CBC) encryption algorithm.
    #[getter]
    fn encryption_algorithm(&self) -> &'static str {
        self.core().encryption().uri()
    }

    /// Length in bytes of a derived signature key.
    #[getter]
    fn signature_key_length(&self) -> u64 {
        self.core().signature_key_len()
    }

    /// Length in bytes of a derived encryption key.
    #[getter]
    fn encryption_key_length(&self) -> u64 {
        self.core().encryption_key_len()
    }

    fn __str__(&self) -> &'static str {
        self.policy_name()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        PyTuple::new(
            py,
            [
                py.get_type::<Self>().into_any(),
                PyTuple::new(py, [slf.get().policy_name()])?.into_any(),
            ],
        )
    }
}

pub(crate) fn suite_obj(
    py: Python<'_>,
    s: AlgorithmSuite,
) -> PyResult<Bound<'_, PyAlgorithmSuite>> {
    Ok(py
        .get_type::<PyAlgorithmSuite>()
        .getattr(PyAlgorithmSuite::from_core(s).member_name())?
        .cast_into::<PyAlgorithmSuite>()?)
}

// ------------------------------------------------------------------------------------------
// Argument conversions

/// A duration argument: seconds as an int or float, or a `datetime.timedelta`. Negative,
/// NaN and infinite values are a `ValueError`.
pub struct Seconds(pub Duration);

impl<'a, 'py> FromPyObject<'a, 'py> for Seconds {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let secs: f64 = if ob.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(
                "expected seconds (int, float or timedelta), got bool",
            ));
        } else if ob.is_instance_of::<PyInt>() || ob.is_instance_of::<PyFloat>() {
            ob.extract()?
        } else if ob.is_instance(&datetime_attr(ob.py(), "timedelta")?)? {
            ob.call_method0("total_seconds")?.extract()?
        } else {
            return Err(PyTypeError::new_err(format!(
                "expected seconds (int, float or timedelta), got {}",
                ob.get_type().name()?
            )));
        };
        Duration::try_from_secs_f64(secs).map(Seconds).map_err(|_| {
            PyValueError::new_err(format!(
                "expected a non-negative, finite number of seconds, got {secs}"
            ))
        })
    }
}

static DATETIME_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static MILLISECOND: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

pub(crate) fn datetime_attr<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let m =
        DATETIME_MODULE.get_or_try_init(py, || Ok::<_, PyErr>(py.import("datetime")?.unbind()))?;
    m.bind(py).getattr(name)
}

pub(crate) fn utc(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    datetime_attr(py, "timezone")?.getattr("utc")
}

/// 1970-01-01T00:00:00Z as an aware datetime.
fn epoch(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let e = EPOCH.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let kw = pyo3::types::PyDict::new(py);
        kw.set_item("tzinfo", utc(py)?)?;
        Ok(datetime_attr(py, "datetime")?
            .call((1970, 1, 1), Some(&kw))?
            .unbind())
    })?;
    Ok(e.bind(py).clone())
}

fn millisecond(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let m = MILLISECOND.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let kw = pyo3::types::PyDict::new(py);
        kw.set_item("milliseconds", 1)?;
        Ok(datetime_attr(py, "timedelta")?
            .call((), Some(&kw))?
            .unbind())
    })?;
    Ok(m.bind(py).clone())
}

/// A point in time: an aware `datetime`, a naive one (taken as UTC, as xsd:dateTime
/// without a zone is), or Unix seconds as an int or float.
pub struct When(pub Instant);

impl<'a, 'py> FromPyObject<'a, 'py> for When {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = ob.py();
        if ob.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(
                "expected a datetime or Unix seconds, got bool",
            ));
        }
        if ob.is_instance_of::<PyInt>() || ob.is_instance_of::<PyFloat>() {
            let secs: f64 = ob.extract()?;
            let ms = (secs * 1000.0).round();
            if !ms.is_finite() || ms.abs() >= 9.0e18 {
                return Err(PyValueError::new_err(format!(
                    "{secs} is not a usable Unix time"
                )));
            }
            return Ok(When(Instant(ms as i64)));
        }
        if ob.is_instance(&datetime_attr(py, "datetime")?)? {
            let aware = if ob.call_method0("utcoffset")?.is_none() {
                let kw = pyo3::types::PyDict::new(py);
                kw.set_item("tzinfo", utc(py)?)?;
                ob.call_method("replace", (), Some(&kw))?
            } else {
                ob.to_owned()
            };
            let ms: i64 = aware
                .sub(epoch(py)?)?
                .floor_div(millisecond(py)?)?
                .extract()?;
            return Ok(When(Instant(ms)));
        }
        Err(PyTypeError::new_err(format!(
            "expected a datetime or Unix seconds, got {}",
            ob.get_type().name()?
        )))
    }
}

/// An aware UTC datetime for an instant; instants beyond `datetime`'s range (years 1 to
/// 9999) are clamped to `datetime.min` / `datetime.max` (in UTC).
pub(crate) fn to_datetime(py: Python<'_>, t: Instant) -> PyResult<Bound<'_, PyAny>> {
    let r = millisecond(py)?
        .mul(t.millis())
        .and_then(|d| epoch(py)?.add(d));
    match r {
        Ok(dt) => Ok(dt),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(py) => {
            let bound = datetime_attr(py, "datetime")?.getattr(if t.millis() < 0 {
                "min"
            } else {
                "max"
            })?;
            let kw = pyo3::types::PyDict::new(py);
            kw.set_item("tzinfo", utc(py)?)?;
            bound.call_method("replace", (), Some(&kw))
        }
        Err(e) => Err(e),
    }
}

/// A header name: a `(namespace, local name)` tuple or a Clark-notation string
/// `"{namespace}local"`.
pub struct QName(pub (String, String));

impl<'a, 'py> FromPyObject<'a, 'py> for QName {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(s) = ob.cast::<PyString>() {
            let s = s.to_cow()?;
            if let Some((ns, local)) = s.strip_prefix('{').and_then(|r| r.split_once('}')) {
                if !local.is_empty() {
                    return Ok(QName((ns.to_string(), local.to_string())));
                }
            }
            return Err(PyValueError::new_err(format!(
                "a header name is (namespace, local name) or \"{{namespace}}local\", not {s:?}"
            )));
        }
        if let Ok(t) = ob.cast::<PyTuple>() {
            if let Ok(pair) = t.extract::<(String, String)>() {
                return Ok(QName(pair));
            }
        }
        Err(PyTypeError::new_err(format!(
            "a header name is a (namespace, local name) tuple of str or a \"{{namespace}}local\" string, got {}",
            ob.get_type().name()?
        )))
    }
}

/// A sequence of header names (never a single string).
fn qnames(ob: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(ob) = ob else { return Ok(Vec::new()) };
    if ob.is_none() {
        return Ok(Vec::new());
    }
    if ob.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "expected a sequence of header names, got a single str (wrap it in a list)",
        ));
    }
    ob.try_iter()?
        .map(|item| Ok(item?.extract::<QName>()?.0))
        .collect()
}

fn protection_arg(s: &str) -> PyResult<Protection> {
    match s {
        "sign" => Ok(Protection::Sign),
        "encrypt" => Ok(Protection::Encrypt),
        "sign-and-encrypt" => Ok(Protection::SignAndEncrypt),
        other => Err(PyValueError::new_err(format!(
            "protection must be 'sign', 'encrypt' or 'sign-and-encrypt', not {other:?}"
        ))),
    }
}

fn reference_arg(s: &str) -> PyResult<TokenReference> {
    match s {
        "id" => Ok(TokenReference::ById),
        "identifier" => Ok(TokenReference::ByIdentifier),
        other => Err(PyValueError::new_err(format!(
            "reference must be 'id' or 'identifier', not {other:?}"
        ))),
    }
}

fn order_arg(s: &str) -> PyResult<ProtectionOrder> {
    match s {
        "sign-then-encrypt" => Ok(ProtectionOrder::SignThenEncrypt),
        "encrypt-then-sign" => Ok(ProtectionOrder::EncryptThenSign),
        other => Err(PyValueError::new_err(format!(
            "order must be 'sign-then-encrypt' or 'encrypt-then-sign', not {other:?}"
        ))),
    }
}

// ------------------------------------------------------------------------------------------
// protect

/// Add a ``wsse:Security`` header protecting the SOAP ``envelope`` with the security
/// context ``sct`` / ``secret``; return the secured envelope (UTF-8 bytes).
///
/// The engine behind :func:`wssx.sign`, :func:`wssx.encrypt` and
/// :func:`wssx.sign_and_encrypt` (use those): ``protection`` is ``"sign"``, ``"encrypt"``
/// or ``"sign-and-encrypt"``; the options are theirs.
#[pyfunction]
#[pyo3(
    signature = (envelope, sct, secret, protection, *, suite = SuiteArg(AlgorithmSuite::Basic256), reference = Cow::Borrowed("id"), include_sct = true, reference_instance = true, derived_keys = true, label = None, nonce_length = Uint(wssx::token::DEFAULT_NONCE_LEN as u64), signature_key_length = None, encryption_key_length = None, offset = None, timestamp_ttl = Some(Seconds(Duration::from_secs(300))), signed_headers = None, encrypted_headers = None, order = Cow::Borrowed("sign-then-encrypt"), gcm = false),
    text_signature = "(envelope, sct, secret, protection, *, suite='Basic256', reference='id', include_sct=True, reference_instance=True, derived_keys=True, label=None, nonce_length=16, signature_key_length=None, encryption_key_length=None, offset=None, timestamp_ttl=300, signed_headers=(), encrypted_headers=(), order='sign-then-encrypt', gcm=False)"
)]
#[allow(clippy::too_many_arguments)]
pub fn protect<'py>(
    py: Python<'py>,
    envelope: BytesArg<'_>,
    sct: PyRef<'_, PySecurityContextToken>,
    secret: BytesArg<'_>,
    protection: Cow<'_, str>,
    suite: SuiteArg,
    reference: Cow<'_, str>,
    include_sct: bool,
    reference_instance: bool,
    derived_keys: bool,
    label: Option<String>,
    nonce_length: Uint,
    signature_key_length: Option<Uint>,
    encryption_key_length: Option<Uint>,
    offset: Option<Uint>,
    timestamp_ttl: Option<Seconds>,
    signed_headers: Option<&Bound<'py, PyAny>>,
    encrypted_headers: Option<&Bound<'py, PyAny>>,
    order: Cow<'_, str>,
    gcm: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let what = protection_arg(&protection)?;
    let opts = protect_options(
        suite,
        &reference,
        include_sct,
        reference_instance,
        derived_keys,
        label,
        nonce_length,
        signature_key_length,
        encryption_key_length,
        offset,
        timestamp_ttl,
        signed_headers,
        encrypted_headers,
        &order,
        gcm,
    )?;
    let ctx = ContextKey {
        sct: sct.inner.clone(),
        secret: Secret::from_slice(&secret),
    };
    drop(sct);
    let out = py
        .detach(|| message::protect(&envelope, &ctx, what, &opts))
        .or_raise(py)?;
    Ok(PyBytes::new(py, out.as_bytes()))
}

/// The core options of the protect keyword arguments (shared by :func:`protect` and
/// ``RequestorConfig``).
#[allow(clippy::too_many_arguments)]
pub(crate) fn protect_options(
    suite: SuiteArg,
    reference: &str,
    include_sct: bool,
    reference_instance: bool,
    derived_keys: bool,
    label: Option<String>,
    nonce_length: Uint,
    signature_key_length: Option<Uint>,
    encryption_key_length: Option<Uint>,
    offset: Option<Uint>,
    timestamp_ttl: Option<Seconds>,
    signed_headers: Option<&Bound<'_, PyAny>>,
    encrypted_headers: Option<&Bound<'_, PyAny>>,
    order: &str,
    gcm: bool,
) -> PyResult<ProtectOptions> {
    Ok(ProtectOptions {
        suite: suite.0,
        reference: reference_arg(reference)?,
        include_sct,
        reference_instance,
        derived_keys,
        label,
        nonce_len: nonce_length.usize(),
        signature_key_len: signature_key_length.map(|x| x.0),
        encryption_key_len: encryption_key_length.map(|x| x.0),
        offset: offset.map(|x| x.0),
        timestamp_ttl: timestamp_ttl.map(|t| t.0),
        signed_headers: qnames(signed_headers)?,
        encrypted_headers: qnames(encrypted_headers)?,
        order: order_arg(order)?,
        gcm,
    })
}

// ------------------------------------------------------------------------------------------
// verify

/// Where the secrets come from.
enum Lookup {
    /// A mapping: `m[(identifier, instance)]` (when there is an instance), else
    /// `m[identifier]`; a missing key is an unknown context.
    Mapping(Py<PyAny>),
    /// A callable `(identifier, instance) -> bytes | None`.
    Callable(Py<PyAny>),
}

impl Lookup {
    fn new(ob: &Bound<'_, PyAny>) -> PyResult<Self> {
        if ob.cast::<PyMapping>().is_ok() {
            Ok(Lookup::Mapping(ob.clone().unbind()))
        } else if ob.is_callable() {
            Ok(Lookup::Callable(ob.clone().unbind()))
        } else {
            Err(PyTypeError::new_err(format!(
                "lookup must be a mapping {{identifier: secret}} or a callable (identifier, instance) -> secret, got {}",
                ob.get_type().name()?
            )))
        }
    }

    /// The secret for `id`, with the GIL held.
    fn secret<'py>(&self, py: Python<'py>, id: &ContextId) -> PyResult<Option<Secret>> {
        let found = match self {
            Lookup::Callable(f) => f
                .bind(py)
                .call1((id.identifier.as_str(), id.instance.as_deref()))?,
            Lookup::Mapping(m) => {
                let m = m.bind(py);
                let get = |key: Bound<'py, PyAny>| -> PyResult<Option<Bound<'py, PyAny>>> {
                    match m.get_item(key) {
                        Ok(v) => Ok(Some(v)),
                        Err(e) if e.is_instance_of::<PyKeyError>(py) => Ok(None),
                        Err(e) => Err(e),
                    }
                };
                let mut v = None;
                if let Some(inst) = &id.instance {
                    v = get(PyTuple::new(py, [id.identifier.as_str(), inst.as_str()])?.into_any())?;
                }
                if v.is_none() {
                    v = get(PyString::new(py, &id.identifier).into_any())?;
                }
                match v {
                    Some(v) => v,
                    None => return Ok(None),
                }
            }
        };
        if found.is_none() {
            return Ok(None);
        }
        match found.extract::<BytesArg<'_>>() {
            Ok(b) => Ok(Some(Secret::from_slice(&b))),
            Err(_) => Err(PyTypeError::new_err(format!(
                "the secret lookup returned {} for {:?}; expected bytes, bytearray or None",
                found.get_type().name()?,
                id.identifier
            ))),
        }
    }
}

/// Decrypt and verify a secured SOAP envelope; return a :class:`VerifyReport`.
///
/// ``lookup`` supplies context secrets: a mapping ``{identifier: secret}`` (a key
/// ``(identifier, instance)`` wins over ``identifier`` when the message names a key
/// instance) or a callable ``lookup(identifier, instance) -> bytes | None`` (``instance`` is
/// ``None`` when the message names none). It may be called several times per message.
/// ``None`` (or a missing key) means an unknown context: :class:`BadContextTokenError`.
/// An exception raised by the callable propagates unchanged. The verification runs with
/// the GIL released; the lookup is called with it held.
///
/// What is checked: every signature and digest (HMAC-SHA1/-SHA256, exclusive c14n; a
/// wrong value is :class:`InvalidSignatureError`, as is any sign of signature wrapping),
/// decryption (:class:`CryptoError`), and the ``wsu:Timestamp`` against ``now`` (a
/// ``datetime`` (naive = UTC) or Unix seconds; default the system clock) give or take
/// ``clock_skew`` seconds (expired: :class:`ExpiredDataError`; created in the future:
/// :class:`InvalidTimeRangeError`). ``require_timestamp`` refuses a message without one.
/// Keys shorter than ``min_key_length`` bytes are refused.
///
/// What the report says is *what* was covered: check ``report.body_signed`` (and
/// ``report.signed``) before trusting the message.
///
/// ``label``, ``length`` and ``nonce`` are assumed for DerivedKeyTokens that omit them
/// (defaults: the default label, 32, none); ``max_offset``, ``max_length``, ``max_label``,
/// ``max_nonce``, ``max_chain`` and ``allow_key_identifier`` are the derivation limits of
/// :meth:`DerivedKeyToken.derive`; ``max_xml_*`` the XML parser's (size 64 MiB, depth 128,
/// 1,000,000 elements, 256 attributes per element, 64 MiB per text node).
#[pyfunction]
#[pyo3(
    signature = (envelope, lookup, *, clock_skew = Seconds(Duration::from_secs(300)), require_timestamp = false, now = None, min_key_length = Uint(16), label = None, length = None, nonce = None, max_offset = None, max_length = None, max_label = None, max_nonce = None, max_chain = None, allow_key_identifier = false, max_xml_size = None, max_xml_depth = None, max_xml_elements = None, max_xml_attributes = None, max_xml_text = None),
    text_signature = "(envelope, lookup, *, clock_skew=300, require_timestamp=False, now=None, min_key_length=16, label=None, length=None, nonce=None, max_offset=None, max_length=None, max_label=None, max_nonce=None, max_chain=None, allow_key_identifier=False, max_xml_size=None, max_xml_depth=None, max_xml_elements=None, max_xml_attributes=None, max_xml_text=None)"
)]
#[allow(clippy::too_many_arguments)]
pub fn verify(
    py: Python<'_>,
    envelope: BytesArg<'_>,
    lookup: &Bound<'_, PyAny>,
    clock_skew: Seconds,
    require_timestamp: bool,
    now: Option<When>,
    min_key_length: Uint,
    label: Option<String>,
    length: Option<Uint>,
    nonce: Option<BytesArg<'_>>,
    max_offset: Option<Uint>,
    max_length: Option<Uint>,
    max_label: Option<Uint>,
    max_nonce: Option<Uint>,
    max_chain: Option<Uint>,
    allow_key_identifier: bool,
    max_xml_size: Option<Uint>,
    max_xml_depth: Option<Uint>,
    max_xml_elements: Option<Uint>,
    max_xml_attributes: Option<Uint>,
    max_xml_text: Option<Uint>,
) -> PyResult<PyVerifyReport> {
    let lookup = Lookup::new(lookup)?;
    let mut opts = VerifyOptions {
        clock_skew: clock_skew.0,
        require_timestamp,
        now: now.map(|w| w.0),
        min_key_len: min_key_length.usize(),
        ..VerifyOptions::default()
    };
    let d = &mut opts.derive;
    d.allow_key_identifier = allow_key_identifier;
    if let Some(l) = label {
        d.label = l;
    }
    if let Some(l) = length {
        d.length = l.0;
    }
    d.nonce = nonce.map(|n| n.0.into_owned());
    let dl = &mut d.limits;
    if let Some(x) = max_offset {
        dl.max_offset = x.0;
    }
    if let Some(x) = max_length {
        dl.max_length = x.0;
    }
    if let Some(x) = max_label {
        dl.max_label = x.usize();
    }
    if let Some(x) = max_nonce {
        dl.max_nonce = x.usize();
    }
    if let Some(x) = max_chain {
        dl.max_chain = x.usize();
    }
    let xl = &mut opts.limits;
    for (field, v) in [
        (&mut xl.max_size, max_xml_size),
        (&mut xl.max_depth, max_xml_depth),
        (&mut xl.max_elements, max_xml_elements),
        (&mut xl.max_attributes, max_xml_attributes),
        (&mut xl.max_text, max_xml_text),
    ] {
        if let Some(v) = v {
            *field = v.usize();
        }
    }

    // The first exception the lookup raised (core stops at the first failure).
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let r = py.detach(|| {
        let find = |id: &ContextId| -> wssx::Result<Option<Secret>> {
            Python::attach(|py| match lookup.secret(py, id) {
                Ok(s) => Ok(s),
                Err(e) => {
                    let mut slot = raised.lock().unwrap_or_else(|p| p.into_inner());
                    slot.get_or_insert(e);
                    Err(wssx::Error::new(
                        wssx::ErrorKind::Callback,
                        format!(
                            "the secret lookup raised an exception for {}",
                            id.identifier
                        ),
                    ))
                }
            })
        };
        message::verify(&envelope, &find, &opts)
    });
    // An exception from the lookup is never lost, and wins over what core made of it.
    if let Some(e) = raised.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    Ok(PyVerifyReport {
        inner: r.or_raise(py)?,
    })
}

// ------------------------------------------------------------------------------------------
// VerifyReport

/// The name of a part as the report writes it. Core's `Part::label` is private; this is the
/// same mapping (tests/python checks it against `to_json()`).
fn part_label(part: &Part) -> String {
    match part {
        Part::Body => "Body".into(),
        Part::Timestamp => "Timestamp".into(),
        Part::Header { ns, local } => format!("Header {{{}}}{local}", ns.as_deref().unwrap_or("")),
        Part::SecurityHeaderElement { local } => format!("Security/{local}"),
        Part::Other { path } => path.clone(),
    }
}

type PyContext = Option<(String, Option<String>)>;

fn context(c: &Option<ContextId>) -> PyContext {
    c.as_ref()
        .map(|c| (c.identifier.clone(), c.instance.clone()))
}

/// One verified signature reference of a :class:`VerifyReport`.
///
/// ``part`` names the element covered by where it is: ``"Body"`` (the envelope's Body),
/// ``"Timestamp"`` (the Security header's), ``"Header {namespace}local"`` (a SOAP header),
/// ``"Security/local"`` (a token in the Security header) or a path of local names.
/// ``context`` is ``(identifier, instance)`` of the security context whose key signed it
/// (``None`` when the key came from no context).
#[pyclass(
    name = "SignedPart",
    module = "wssx",
    frozen,
    eq,
    hash,
    get_all,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PySignedPart {
    /// Where the covered element is (see the class docstring).
    part: String,
    /// The ID the reference named it by (without ``#``).
    id: String,
    /// ``(identifier, instance)`` of the signing context, or ``None``.
    context: PyContext,
    /// URI of the signature (HMAC) algorithm.
    signature_algorithm: &'static str,
    /// URI of the reference's digest algorithm.
    digest_algorithm: &'static str,
}

impl PySignedPart {
    fn new(s: &SignedPart) -> Self {
        PySignedPart {
            part: part_label(&s.part),
            id: s.id.clone(),
            context: context(&s.context),
            signature_algorithm: s.signature.uri(),
            digest_algorithm: s.digest.uri(),
        }
    }
}

#[pymethods]
impl PySignedPart {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "SignedPart(part={}, id={}, context={})",
            PyString::new(py, &self.part).repr()?,
            PyString::new(py, &self.id).repr()?,
            self.context.clone().into_pyobject(py)?.repr()?,
        ))
    }
}

/// One decrypted element of a :class:`VerifyReport`: ``part`` (named as for
/// :class:`SignedPart`), ``content`` (True when the element's content was encrypted, as
/// for the Body; False for a whole element, as for an encrypted header), ``context``
/// (``(identifier, instance)`` or ``None``) and ``algorithm`` (URI).
#[pyclass(
    name = "DecryptedPart",
    module = "wssx",
    frozen,
    eq,
    hash,
    get_all,
    skip_from_py_object
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyDecryptedPart {
    /// Where the plaintext now is.
    part: String,
    /// True when the content (not the whole element) was encrypted.
    content: bool,
    /// ``(identifier, instance)`` of the decrypting context, or ``None``.
    context: PyContext,
    /// URI of the encryption algorithm.
    algorithm: &'static str,
}

impl PyDecryptedPart {
    fn new(d: &DecryptedPart) -> Self {
        PyDecryptedPart {
            part: part_label(&d.part),
            content: d.content,
            context: context(&d.context),
            algorithm: d.algorithm.uri(),
        }
    }
}

#[pymethods]
impl PyDecryptedPart {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "DecryptedPart(part={}, content={}, context={})",
            PyString::new(py, &self.part).repr()?,
            if self.content { "True" } else { "False" },
            self.context.clone().into_pyobject(py)?.repr()?,
        ))
    }
}

/// What :func:`verify` established about a secured message.
///
/// ``body_signed`` / ``body_decrypted`` answer the usual question; ``signed`` and
/// ``decrypted`` list every covered element with the context that covered it;
/// ``envelope`` is the message after decryption (what the application should read).
#[pyclass(name = "VerifyReport", module = "wssx", frozen, skip_from_py_object)]
pub struct PyVerifyReport {
    pub(crate) inner: VerifyReport,
}

#[pymethods]
impl PyVerifyReport {
    /// True when the envelope's own Body was covered by a verified signature.
    #[getter]
    fn body_signed(&self) -> bool {
        self.inner.body_signed()
    }

    /// True when the Body's content was decrypted.
    #[getter]
    fn body_decrypted(&self) -> bool {
        self.inner.body_decrypted()
    }

    /// Every verified signature reference, in processing order (a list of
    /// :class:`SignedPart`).
    #[getter]
    fn signed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.signed.iter().map(PySignedPart::new))
    }

    /// Every decrypted element, in processing order (a list of :class:`DecryptedPart`).
    #[getter]
    fn decrypted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.inner.decrypted.iter().map(PyDecryptedPart::new))
    }

    /// ``(created, expires)`` of the ``wsu:Timestamp`` as aware UTC datetimes (either may
    /// be ``None``; instants beyond datetime's years 1-9999 are clamped), or ``None`` when
    /// the message has no Timestamp.
    #[getter]
    fn timestamp<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let Some((c, e)) = self.inner.timestamp else {
            return Ok(None);
        };
        let conv = |t: Option<Instant>| -> PyResult<Bound<'py, PyAny>> {
            match t {
                Some(t) => to_datetime(py, t),
                None => Ok(py.None().into_bound(py)),
            }
        };
        Ok(Some(PyTuple::new(py, [conv(c)?, conv(e)?])?))
    }

    /// The SecurityContextTokens carried in the Security header.
    #[getter]
    fn tokens(&self) -> Vec<PySecurityContextToken> {
        self.inner
            .tokens
            .iter()
            .map(|t| PySecurityContextToken { inner: t.clone() })
            .collect()
    }

    /// SOAP version of the envelope: ``"1.1"`` or ``"1.2"``.
    #[getter]
    fn soap_version(&self) -> &'static str {
        match self.inner.soap_version {
            message::SoapVersion::Soap11 => "1.1",
            message::SoapVersion::Soap12 => "1.2",
        }
    }

    /// The envelope after decryption, as UTF-8 XML bytes.
    #[getter]
    fn envelope<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let inner = &self.inner;
        let s = py.detach(|| inner.envelope_xml());
        PyBytes::new(py, s.as_bytes())
    }

    /// True when the part named ``part`` (``"Body"``, ``"Timestamp"``,
    /// ``"Header {namespace}local"``, ...) was covered by a verified signature.
    fn is_signed(&self, part: &str) -> bool {
        self.inner
            .signed
            .iter()
            .any(|s| part_label(&s.part) == part)
    }

    /// ``(identifier, instance)`` of the context that signed ``part`` (the first signature
    /// covering it), or ``None`` when it was not signed or not by a context key.
    fn signer_of(&self, part: &str) -> PyContext {
        self.inner
            .signed
            .iter()
            .find(|s| part_label(&s.part) == part)
            .and_then(|s| context(&s.context))
    }

    /// A JSON summary (bodySigned, bodyDecrypted, signed, decrypted, timestamp); without
    /// the envelope.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string_compact()
    }

    fn __repr__(&self) -> String {
        let b = |x: bool| if x { "True" } else { "False" };
        format!(
            "VerifyReport(body_signed={}, body_decrypted={}, signed={}, decrypted={})",
            b(self.inner.body_signed()),
            b(self.inner.body_decrypted()),
            self.inner.signed.len(),
            self.inner.decrypted.len(),
        )
    }
}

// ------------------------------------------------------------------------------------------
// c14n

/// Exclusive XML canonicalization 1.0 of the document ``xml``, or, with ``id``, of its
/// element whose ID (``wsu:Id``, ``Id``, ``ID`` or ``xml:id``) is ``id`` (without ``#``):
/// exactly the bytes a ``ds:Reference URI="#id"`` digests.
///
/// ``with_comments`` selects ``xml-exc-c14n#WithComments``; ``prefixes`` is the
/// InclusiveNamespaces PrefixList, as a sequence of prefixes or one space-separated string
/// (``"#default"`` for the default namespace). Raises :class:`MalformedXmlError` for bytes
/// that are not XML, :class:`InvalidArgumentError` when no element has ID ``id`` and
/// :class:`InvalidSignatureError` when several do.
#[pyfunction]
#[pyo3(
    signature = (xml, id = None, *, with_comments = false, prefixes = None),
    text_signature = "(xml, id=None, *, with_comments=False, prefixes=())"
)]
pub fn c14n<'py>(
    py: Python<'py>,
    xml: BytesArg<'_>,
    id: Option<String>,
    with_comments: bool,
    prefixes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let prefixes: Vec<String> = match prefixes {
        None => Vec::new(),
        Some(p) if p.is_none() => Vec::new(),
        Some(p) => match p.cast::<PyString>() {
            Ok(s) => s
                .to_cow()?
                .split_ascii_whitespace()
                .map(str::to_string)
                .collect(),
            Err(_) => p
                .try_iter()?
                .map(|x| x?.extract::<String>())
                .collect::<PyResult<_>>()?,
        },
    };
    let out = py
        .detach(|| {
            let doc = wssx::xml::parse(&xml)?;
            message::canonical_form(&doc, id.as_deref(), with_comments, &prefixes)
        })
        .or_raise(py)?;
    Ok(PyBytes::new(py, &out))
}
