//! The protocols: RequestorConfig, Requestor, OutgoingRequest, Pending, Outcome,
//! SecurityContext, StoredContext, MemoryStore, the Python-backed context store and
//! TokenService with its ServiceResponse.
//!
//! Core runs with the GIL released. Python callbacks (a Python context store, the
//! authorizer, the reproof / add_claims / unwrap / transport callables) are called with the
//! GIL re-acquired, on the thread that made the call into core. An exception a callback
//! raises is kept in a per-thread slot while core unwinds (core sees a `Callback` error, or,
//! for a [`WssxError`] raised by a store or authorizer, an error of that kind) and decides
//! what the caller gets:
//!
//! - `TokenService.handle`: a WssxError from the store or authorizer becomes the SOAP fault
//!   of its kind (that is how an authorizer refuses); any other exception propagates out
//!   of `handle` unchanged, and no response is produced.
//! - `TokenService.verify_message` and every requestor call: the exception propagates
//!   unchanged.

use crate::convert::{BytesArg, Uint};
use crate::errors::OrRaise;
use crate::message::{protect_options, to_datetime, PyVerifyReport, Seconds, SuiteArg, When};
use crate::tokens::PySecurityContextToken;
use crate::trust::{
    sc_version_obj, soap_name, trust_version_obj, xml_bytes, PySecurityTokenReference,
    PyTrustVersion, SoapArg, TrustVersionArg,
};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyString};
use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wssx::binding::identity;
use wssx::binding::{
    AuthRequest, Authorizer, ContextStore, EntropyMode, ExchangeHandler, ExchangeStep, Lookup,
    MemoryStore, Negotiation, NegotiationStep, NegotiatorFactory, Operation, Outcome, Pending,
    Requestor, RequestorConfig, SecurityContext, ServicePolicy, ServiceResponse, StoredContext,
    TokenService,
};
use wssx::crypto::Secret;
use wssx::message::{AlgorithmSuite, SoapVersion};
use wssx::soap::WsaVersion;
use wssx::time::Instant;
use wssx::xml::Element;
use wssx::{ErrorKind, ScVersion, TrustVersion};

// ------------------------------------------------------------------------------------------
// Exceptions raised by callbacks while core runs

thread_local! {
    /// The first exception a Python callback raised during the current call into core on
    /// this thread.
    static RAISED: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

static WSSX_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn wssx_error_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    Ok(WSSX_ERROR
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py.import("wssx._errors")?.getattr("WssxError")?.unbind())
        })?
        .bind(py))
}

/// True when `e` is a WssxError (a refusal in core's terms).
fn is_wssx_error(py: Python<'_>, e: &PyErr) -> bool {
    wssx_error_class(py)
        .and_then(|c| e.value(py).is_instance(c))
        .unwrap_or(false)
}

/// Keep `e` for the caller and give core the error that stands for it: a WssxError's own
/// kind and message, `Callback` for anything else.
fn stash(py: Python<'_>, e: PyErr, what: &str) -> wssx::Error {
    let err = if is_wssx_error(py, &e) {
        let v = e.value(py);
        let kind = v
            .getattr("kind")
            .and_then(|k| k.extract::<String>())
            .ok()
            .and_then(|k| ErrorKind::from_name(&k))
            .unwrap_or(ErrorKind::RequestFailed);
        let msg = v
            .getattr("message")
            .and_then(|m| m.extract::<String>())
            .unwrap_or_default();
        wssx::Error::new(kind, msg)
    } else {
        wssx::Error::new(
            ErrorKind::Callback,
            format!("the {what} raised an exception"),
        )
    };
    RAISED.with(|r| {
        let mut r = r.borrow_mut();
        if r.is_none() {
            *r = Some(e);
        }
    });
    err
}

/// Run `f` (a call into core) with a fresh slot; return its result and what callbacks
/// raised meanwhile. Nested calls keep the outer call's slot.
fn with_stash<R>(f: impl FnOnce() -> R) -> (R, Option<PyErr>) {
    let saved = RAISED.with(|r| r.borrow_mut().take());
    let out = f();
    let raised = RAISED.with(|r| std::mem::replace(&mut *r.borrow_mut(), saved));
    (out, raised)
}

/// A Python callable `(bytes) -> bytes | str` as core's envelope callback.
fn envelope_callback<'a>(
    cb: &'a Option<Py<PyAny>>,
    what: &'a str,
) -> impl Fn(String) -> wssx::Result<String> + Sync + 'a {
    move |env: String| {
        Python::attach(|py| {
            let r = (|| -> PyResult<String> {
                let Some(cb) = cb else { return Ok(env.clone()) };
                let out = cb.bind(py).call1((PyBytes::new(py, env.as_bytes()),))?;
                String::from_utf8(xml_bytes(&out)?).map_err(|_| {
                    PyValueError::new_err(format!("the {what} returned bytes that are not UTF-8"))
                })
            })();
            r.map_err(|e| stash(py, e, what))
        })
    }
}

fn op_name(op: Operation) -> &'static str {
    match op {
        Operation::Issue => "issue",
        Operation::Renew => "renew",
        Operation::Amend => "amend",
        Operation::Cancel => "cancel",
        Operation::Validate => "validate",
        Operation::KeyExchange => "key_exchange",
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

// ------------------------------------------------------------------------------------------
// RequestorConfig

/// What a :class:`Requestor` sends.
///
/// ``to`` is the token service's address (wsa:To). ``trust_version`` (``"2005/02"`` for
/// WCF wsHttpBinding and ADFS, ``"1.3"`` for ws2007HttpBinding), ``soap_version``
/// (``"1.1"``, ``"1.2"``), ``addressing`` (``"auto"``: 2004/08 with Feb 2005, 2005/08
/// otherwise, as WCF pairs them; ``"2004/08"``, ``"2005/08"``, or ``None`` for no
/// addressing headers), ``key_size`` in bits, ``entropy`` (``"combined"``: send entropy
/// and expect a CK/PSHA1 computed key, WCF's default; ``"none"``: the issuer chooses the
/// key), ``lifetime`` (requested, seconds or timedelta; ``None`` = the service's policy),
/// ``applies_to`` (an address), ``service_certificate`` (the service's X.509 certificate,
/// PEM or DER bytes, e.g. :attr:`Outcome.certificate` of a key exchange token: the
/// requestor entropy is then encrypted for it, WS-SC Appendix A.1). The remaining options
/// are those of :func:`wssx.sign`: how
/// renew / amend / cancel requests are signed with the context key.
#[pyclass(name = "RequestorConfig", module = "wssx", frozen, skip_from_py_object)]
#[derive(Clone)]
pub struct PyRequestorConfig {
    pub inner: RequestorConfig,
}

#[pymethods]
impl PyRequestorConfig {
    #[new]
    #[pyo3(
        signature = (to, *, trust_version = TrustVersionArg(TrustVersion::V1_3), soap_version = SoapArg(SoapVersion::Soap12), addressing = Some(Cow::Borrowed("auto")), key_size = 256, entropy = Cow::Borrowed("combined"), lifetime = None, applies_to = None, suite = SuiteArg(AlgorithmSuite::Basic256), reference = Cow::Borrowed("id"), include_sct = true, reference_instance = true, derived_keys = true, label = None, nonce_length = Uint(wssx::token::DEFAULT_NONCE_LEN as u64), signature_key_length = None, encryption_key_length = None, offset = None, timestamp_ttl = Some(Seconds(Duration::from_secs(300))), signed_headers = None, encrypted_headers = None, order = Cow::Borrowed("sign-then-encrypt"), gcm = false, service_certificate = None),
        text_signature = "(to, *, trust_version='1.3', soap_version='1.2', addressing='auto', key_size=256, entropy='combined', lifetime=None, applies_to=None, suite='Basic256', reference='id', include_sct=True, reference_instance=True, derived_keys=True, label=None, nonce_length=16, signature_key_length=None, encryption_key_length=None, offset=None, timestamp_ttl=300, signed_headers=(), encrypted_headers=(), order='sign-then-encrypt', gcm=False, service_certificate=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        to: String,
        trust_version: TrustVersionArg,
        soap_version: SoapArg,
        addressing: Option<Cow<'_, str>>,
        key_size: u32,
        entropy: Cow<'_, str>,
        lifetime: Option<Seconds>,
        applies_to: Option<String>,
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
        signed_headers: Option<&Bound<'_, PyAny>>,
        encrypted_headers: Option<&Bound<'_, PyAny>>,
        order: Cow<'_, str>,
        gcm: bool,
        service_certificate: Option<BytesArg<'_>>,
    ) -> PyResult<Self> {
        let mut c = RequestorConfig::new(trust_version.0, to);
        if let Some(cert) = service_certificate {
            c.service_certificate = Some(Python::attach(|py| {
                identity::certificate(&cert).or_raise(py)
            })?);
        }
        c.soap_version = soap_version.0;
        c.addressing = match addressing.as_deref() {
            None => None,
            Some("auto") => c.addressing,
            Some(s) => Some(WsaVersion::from_short_name(s).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown WS-Addressing version {s:?}: use \"auto\", \"2004/08\", \"2005/08\" or None"
                ))
            })?),
        };
        if key_size == 0 || key_size % 8 != 0 {
            return Err(PyValueError::new_err(format!(
                "key_size must be a positive multiple of 8 bits, not {key_size}"
            )));
        }
        c.key_size = key_size;
        c.entropy = match &*entropy {
            "combined" => EntropyMode::Combined,
            "none" => EntropyMode::None,
            other => {
                return Err(PyValueError::new_err(format!(
                    "entropy must be 'combined' or 'none', not {other:?}"
                )))
            }
        };
        c.lifetime = lifetime.map(|l| l.0);
        c.applies_to = applies_to;
        c.protect = protect_options(
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
        Ok(PyRequestorConfig { inner: c })
    }

    /// The token service's address (wsa:To).
    #[getter]
    fn to(&self) -> &str {
        &self.inner.to
    }

    /// The WS-Trust version.
    #[getter]
    fn trust_version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTrustVersion>> {
        trust_version_obj(py, self.inner.trust_version)
    }

    /// ``"1.1"`` or ``"1.2"``.
    #[getter]
    fn soap_version(&self) -> &'static str {
        soap_name(self.inner.soap_version)
    }

    /// ``"2004/08"``, ``"2005/08"`` or ``None``.
    #[getter]
    fn addressing(&self) -> Option<&'static str> {
        self.inner.addressing.map(|a| a.short_name())
    }

    /// Requested key size in bits.
    #[getter]
    fn key_size(&self) -> u32 {
        self.inner.key_size
    }

    /// ``"combined"`` or ``"none"``.
    #[getter]
    fn entropy(&self) -> &'static str {
        match self.inner.entropy {
            EntropyMode::Combined => "combined",
            EntropyMode::None => "none",
        }
    }

    /// Requested lifetime in seconds, or ``None``.
    #[getter]
    fn lifetime(&self) -> Option<f64> {
        self.inner.lifetime.map(secs)
    }

    /// The AppliesTo address, or ``None``.
    #[getter]
    fn applies_to(&self) -> Option<&str> {
        self.inner.applies_to.as_deref()
    }

    /// The service's certificate (DER bytes) the requestor's entropy is encrypted for
    /// (WS-SC Appendix A.1), or ``None`` (entropy sent in the clear).
    #[getter]
    fn service_certificate<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        self.inner
            .service_certificate
            .as_ref()
            .map(|c| {
                Ok(PyBytes::new(
                    py,
                    &identity::certificate_der(c).or_raise(py)?,
                ))
            })
            .transpose()
    }

    /// The algorithm suite requests are signed with.
    #[getter]
    fn suite<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Bound<'py, crate::message::PyAlgorithmSuite>> {
        crate::message::suite_obj(py, self.inner.protect.suite)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "RequestorConfig({}, trust_version='{}', soap_version='{}', addressing={}, key_size={}, entropy='{}')",
            PyString::new(py, &self.inner.to).repr()?,
            self.inner.trust_version.short_name(),
            soap_name(self.inner.soap_version),
            match self.inner.addressing {
                Some(a) => format!("'{}'", a.short_name()),
                None => "None".into(),
            },
            self.inner.key_size,
            self.entropy(),
        ))
    }
}

// ------------------------------------------------------------------------------------------
// SecurityContext

/// An established security context as the requestor holds it: the SCT, its secret, its
/// lifetime and the references the issuer said to use.
///
/// Contexts come from :meth:`Requestor.obtain` / :meth:`Pending.finish` (or are built with
/// ``SecurityContext(sct, secret, ...)``). :meth:`sign`, :meth:`encrypt` and
/// :meth:`sign_and_encrypt` protect a SOAP envelope with it (the options are those of
/// :func:`wssx.sign`); :meth:`verify` checks a message protected with it. Once cancelled
/// (a successful :meth:`Requestor.cancel`, or ``cancelled = True``) it refuses to protect
/// anything: :class:`BadContextTokenError`.
#[pyclass(name = "SecurityContext", module = "wssx", skip_from_py_object)]
#[derive(Clone)]
pub struct PySecurityContext {
    pub inner: SecurityContext,
}

impl PySecurityContext {
    fn protect_via<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        envelope: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = self.inner.key().or_raise(py)?;
        let f = py.import("wssx._message")?.getattr(name)?;
        let sct = Bound::new(py, PySecurityContextToken { inner: key.sct })?;
        f.call(
            (envelope, sct, PyBytes::new(py, key.secret.expose())),
            options,
        )
    }
}

#[pymethods]
impl PySecurityContext {
    #[new]
    #[pyo3(signature = (sct, secret, *, trust_version = None, created = None, expires = None))]
    fn py_new(
        sct: PyRef<'_, PySecurityContextToken>,
        secret: BytesArg<'_>,
        trust_version: Option<TrustVersionArg>,
        created: Option<When>,
        expires: Option<When>,
    ) -> Self {
        PySecurityContext {
            inner: SecurityContext {
                trust_version: trust_version
                    .map(|v| v.0)
                    .unwrap_or(sct.inner.version.trust()),
                sct: sct.inner.clone(),
                secret: Secret::from_slice(&secret),
                created: created.map(|c| c.0),
                expires: expires.map(|e| e.0),
                attached_reference: None,
                unattached_reference: None,
                cancelled: false,
            },
        }
    }

    /// The security context token (a copy).
    #[getter]
    fn sct(&self) -> PySecurityContextToken {
        PySecurityContextToken {
            inner: self.inner.sct.clone(),
        }
    }

    /// The context's Identifier.
    #[getter]
    fn identifier(&self) -> &str {
        &self.inner.sct.identifier
    }

    /// The key instance (``wsc:Instance``), ``None`` for the first instance.
    #[getter]
    fn instance(&self) -> Option<&str> {
        self.inner.sct.instance.as_deref()
    }

    /// The context key.
    #[getter]
    fn secret<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.secret.expose())
    }

    /// wst:Lifetime Created (aware UTC datetime), if the issuer said.
    #[getter]
    fn created<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.created.map(|t| to_datetime(py, t)).transpose()
    }

    /// wst:Lifetime Expires (aware UTC datetime), if the issuer said.
    #[getter]
    fn expires<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.expires.map(|t| to_datetime(py, t)).transpose()
    }

    /// The WS-Trust version the context was obtained with.
    #[getter]
    fn trust_version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTrustVersion>> {
        trust_version_obj(py, self.inner.trust_version)
    }

    /// wst:RequestedAttachedReference, if the issuer gave one.
    #[getter]
    fn attached_reference(&self) -> Option<PySecurityTokenReference> {
        self.inner
            .attached_reference
            .clone()
            .map(|inner| PySecurityTokenReference { inner })
    }

    /// wst:RequestedUnattachedReference, if the issuer gave one.
    #[getter]
    fn unattached_reference(&self) -> Option<PySecurityTokenReference> {
        self.inner
            .unattached_reference
            .clone()
            .map(|inner| PySecurityTokenReference { inner })
    }

    /// True once the context was cancelled; it then refuses to protect messages.
    #[getter]
    fn cancelled(&self) -> bool {
        self.inner.cancelled
    }

    #[setter]
    fn set_cancelled(&mut self, value: Option<bool>) {
        self.inner.cancelled = value.unwrap_or(false);
    }

    /// True when a long-running client should renew now: less than ``margin`` (seconds or
    /// timedelta, default 300: WCF's key rollover) of the lifetime is left at ``now``
    /// (default: the system clock). False when the issuer gave no Expires.
    #[pyo3(signature = (margin = Seconds(Duration::from_secs(300)), *, now = None), text_signature = "($self, margin=300, *, now=None)")]
    fn should_renew(&self, margin: Seconds, now: Option<When>) -> bool {
        self.inner
            .should_renew(now.map(|n| n.0).unwrap_or_else(Instant::now), margin.0)
    }

    /// True when the context has expired at ``now`` (default: the system clock), allowing
    /// ``skew`` seconds.
    #[pyo3(signature = (*, now = None, skew = Seconds(Duration::ZERO)), text_signature = "($self, *, now=None, skew=0)")]
    fn is_expired(&self, now: Option<When>, skew: Seconds) -> bool {
        self.inner
            .is_expired(now.map(|n| n.0).unwrap_or_else(Instant::now), skew.0)
    }

    /// A new context created locally, the initiator of a direct key transfer: a fresh SCT
    /// (with a wsu:Id) and a random key of ``key_bits`` bits, valid for ``lifetime``
    /// (seconds or timedelta) from now.
    #[staticmethod]
    #[pyo3(signature = (trust_version = TrustVersionArg(TrustVersion::V1_3), key_bits = 256, lifetime = Seconds(Duration::from_secs(600))), text_signature = "(trust_version='1.3', key_bits=256, lifetime=600)")]
    fn create(
        py: Python<'_>,
        trust_version: TrustVersionArg,
        key_bits: u32,
        lifetime: Seconds,
    ) -> PyResult<Self> {
        if key_bits < 128 || key_bits % 8 != 0 {
            return Err(PyValueError::new_err(format!(
                "key_bits must be a multiple of 8 and at least 128, not {key_bits}"
            )));
        }
        let c = py
            .detach(|| SecurityContext::create(trust_version.0, key_bits, lifetime.0))
            .or_raise(py)?;
        Ok(PySecurityContext { inner: c })
    }

    /// Direct key transfer (WS-SC 3): the unsolicited RSTR (XML bytes) carrying this
    /// context's SCT and its key encrypted (RSA-OAEP) for ``certificate`` (PEM or DER
    /// bytes). Send it in the Body or a wst:IssuedTokens header of a message signed with
    /// this context; the recipient takes it with :meth:`TokenService.accept_unsolicited`.
    fn propagate<'py>(
        &self,
        py: Python<'py>,
        certificate: BytesArg<'_>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let cert = identity::certificate(&certificate).or_raise(py)?;
        let ctx = &self.inner;
        let xml = py
            .detach(|| ctx.propagate(&cert).map(|r| r.to_xml(ctx.trust_version)))
            .or_raise(py)?;
        Ok(PyBytes::new(py, xml.as_bytes()))
    }

    /// :func:`wssx.sign` with this context.
    #[pyo3(signature = (envelope, **options))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        envelope: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.protect_via(py, "sign", envelope, options)
    }

    /// :func:`wssx.encrypt` with this context.
    #[pyo3(signature = (envelope, **options))]
    fn encrypt<'py>(
        &self,
        py: Python<'py>,
        envelope: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.protect_via(py, "encrypt", envelope, options)
    }

    /// :func:`wssx.sign_and_encrypt` with this context.
    #[pyo3(signature = (envelope, **options))]
    fn sign_and_encrypt<'py>(
        &self,
        py: Python<'py>,
        envelope: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.protect_via(py, "sign_and_encrypt", envelope, options)
    }

    /// :func:`wssx.verify` with this context as the only known one (e.g. a service's
    /// response protected with the context); the options are verify's.
    #[pyo3(signature = (envelope, **options))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        envelope: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = self.inner.key().or_raise(py)?;
        let lookup = PyDict::new(py);
        let secret = PyBytes::new(py, key.secret.expose());
        lookup.set_item(&key.sct.identifier, &secret)?;
        if let Some(i) = &key.sct.instance {
            lookup.set_item((key.sct.identifier.as_str(), i.as_str()), &secret)?;
        }
        py.import("wssx._native")?
            .getattr("verify")?
            .call((envelope, lookup), options)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "SecurityContext({}, instance={}, expires={}, cancelled={})",
            PyString::new(py, &self.inner.sct.identifier).repr()?,
            match &self.inner.sct.instance {
                Some(i) => PyString::new(py, i).repr()?.to_cow()?.into_owned(),
                None => "None".into(),
            },
            self.inner
                .expires
                .map(|e| e.to_xsd())
                .unwrap_or_else(|| "None".into()),
            if self.inner.cancelled {
                "True"
            } else {
                "False"
            },
        ))
    }
}

// ------------------------------------------------------------------------------------------
// OutgoingRequest, Pending, Outcome

/// A request ready to send: POST :attr:`envelope` to the service with :attr:`headers`.
#[pyclass(name = "OutgoingRequest", module = "wssx", frozen, skip_from_py_object)]
pub struct PyOutgoingRequest {
    envelope: Vec<u8>,
    action: String,
    content_type: String,
    soap_action: Option<String>,
    operation: &'static str,
}

#[pymethods]
impl PyOutgoingRequest {
    /// The SOAP envelope (UTF-8 bytes).
    #[getter]
    fn envelope<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.envelope)
    }

    /// The WS-Addressing / SOAP action URI.
    #[getter]
    fn action(&self) -> &str {
        &self.action
    }

    /// The HTTP Content-Type (with the action for SOAP 1.2).
    #[getter]
    fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The SOAPAction HTTP header value (quoted) for SOAP 1.1; ``None`` for SOAP 1.2.
    #[getter]
    fn soap_action(&self) -> Option<&str> {
        self.soap_action.as_deref()
    }

    /// The operation: ``"issue"``, ``"renew"``, ``"amend"``, ``"cancel"``, ``"validate"``
    /// or ``"key_exchange"``.
    #[getter]
    fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP headers to send: ``Content-Type``, and ``SOAPAction`` for SOAP 1.1.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("Content-Type", &self.content_type)?;
        if let Some(a) = &self.soap_action {
            d.set_item("SOAPAction", a)?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "OutgoingRequest(operation='{}', action='{}', {} bytes)",
            self.operation,
            self.action,
            self.envelope.len()
        )
    }
}

/// What a completed exchange produced: :attr:`kind` is ``"issued"``, ``"renewed"``,
/// ``"amended"``, ``"cancelled"``, ``"validated"``, ``"challenge"`` (see
/// :attr:`challenge`) or ``"key_exchange_token"`` (see :attr:`certificate`); :attr:`context` the new context
/// (issued, renewed, amended) or the context the request was about (cancelled, now with
/// ``cancelled`` True; validated); :attr:`valid` and :attr:`reason` the validation status
/// (``None`` for other kinds).
#[pyclass(name = "Outcome", module = "wssx", frozen, skip_from_py_object)]
pub struct PyOutcome {
    kind: &'static str,
    context: Option<Py<PySecurityContext>>,
    valid: Option<bool>,
    reason: Option<String>,
    /// A service's challenge, taken once by `Requestor.answer_challenge`.
    challenge: Mutex<Option<wssx::binding::Challenge>>,
    challenge_text: Option<String>,
    /// The key exchange token (DER) when `kind` is "key_exchange_token".
    certificate: Option<Vec<u8>>,
}

impl PyOutcome {
    fn of(
        kind: &'static str,
        context: Option<Py<PySecurityContext>>,
        valid: Option<bool>,
        reason: Option<String>,
    ) -> Self {
        PyOutcome {
            kind,
            context,
            valid,
            reason,
            challenge: Mutex::new(None),
            challenge_text: None,
            certificate: None,
        }
    }
}

#[pymethods]
impl PyOutcome {
    /// ``"issued"``, ``"renewed"``, ``"amended"``, ``"cancelled"`` or ``"validated"``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// The :class:`SecurityContext` (see the class docstring).
    #[getter]
    fn context(&self, py: Python<'_>) -> Option<Py<PySecurityContext>> {
        self.context.as_ref().map(|c| c.clone_ref(py))
    }

    /// The validation result (``None`` unless validated).
    #[getter]
    fn valid(&self) -> Option<bool> {
        self.valid
    }

    /// The validation wst:Reason, if any.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The service's key exchange token, an X.509 certificate (DER bytes), when
    /// :attr:`kind` is ``"key_exchange_token"``; pass it as
    /// ``RequestorConfig(service_certificate=...)`` to encrypt entropy for the service.
    #[getter]
    fn certificate<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.certificate.as_deref().map(|c| PyBytes::new(py, c))
    }

    /// The service's wst:Challenge text when :attr:`kind` is ``"challenge"`` (answer it
    /// with :meth:`Requestor.answer_challenge`).
    #[getter]
    fn challenge(&self) -> Option<&str> {
        self.challenge_text.as_deref()
    }

    fn __repr__(&self) -> String {
        match self.valid {
            Some(v) => format!(
                "Outcome('{}', valid={})",
                self.kind,
                if v { "True" } else { "False" }
            ),
            None => format!("Outcome('{}')", self.kind),
        }
    }
}

/// A request that was sent and waits for its response: :meth:`finish` it with the
/// response bytes (once).
#[pyclass(name = "Pending", module = "wssx", frozen, skip_from_py_object)]
pub struct PyPending {
    inner: Mutex<Option<Pending>>,
    operation: &'static str,
    base: Option<Py<PySecurityContext>>,
    context_attribute: String,
}

impl PyPending {
    fn finish_impl(
        &self,
        py: Python<'_>,
        response: &[u8],
        unwrap: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyOutcome> {
        let pending = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this request was already finished"))?;
        let cb: Option<Py<PyAny>> = unwrap.filter(|u| !u.is_none()).map(|u| u.clone().unbind());
        let unwrapper = |el: &Element| -> wssx::Result<Secret> {
            Python::attach(|py| {
                let r = (|| -> PyResult<Secret> {
                    let Some(cb) = &cb else {
                        return Err(PyValueError::new_err("no unwrap callable"));
                    };
                    let out = cb.bind(py).call1((crate::trust::xml_str(el),))?;
                    let b: BytesArg<'_> = out.extract()?;
                    Ok(Secret::from_slice(&b))
                })();
                r.map_err(|e| stash(py, e, "unwrap callable"))
            })
        };
        let has_unwrap = cb.is_some();
        let (r, raised) = with_stash(|| {
            py.detach(|| {
                let u: Option<wssx::binding::KeyUnwrapper<'_>> =
                    if has_unwrap { Some(&unwrapper) } else { None };
                pending.finish_with(response, u)
            })
        });
        if let Some(e) = raised {
            return Err(e);
        }
        let outcome = r.or_raise(py)?;
        let new_ctx = |c: SecurityContext| Py::new(py, PySecurityContext { inner: c });
        let base = self.base.as_ref().map(|b| b.clone_ref(py));
        Ok(match outcome {
            Outcome::Issued(c) => PyOutcome::of("issued", Some(new_ctx(c)?), None, None),
            Outcome::Renewed(c) => PyOutcome::of("renewed", Some(new_ctx(c)?), None, None),
            Outcome::Amended(c) => PyOutcome::of("amended", Some(new_ctx(c)?), None, None),
            Outcome::Cancelled => {
                if let Some(b) = &base {
                    b.bind(py).try_borrow_mut()?.inner.cancelled = true;
                }
                PyOutcome::of("cancelled", base, None, None)
            }
            Outcome::Validated { valid, reason } => {
                PyOutcome::of("validated", base, Some(valid), reason)
            }
            Outcome::Challenge(c) => {
                let text = c.challenge.clone();
                let mut o = PyOutcome::of("challenge", None, None, None);
                o.challenge_text = Some(text);
                o.challenge = Mutex::new(Some(c));
                o
            }
            Outcome::KeyExchangeToken(c) => {
                let mut o = PyOutcome::of("key_exchange_token", None, None, None);
                o.certificate = Some(identity::certificate_der(&c).or_raise(py)?);
                o
            }
        })
    }
}

#[pymethods]
impl PyPending {
    /// Process the response envelope (bytes or str) into an :class:`Outcome`.
    ///
    /// A SOAP fault raises its typed error (:class:`BadContextTokenError`,
    /// :class:`InvalidRequestError`, ...); a response that does not fit the request (wrong
    /// @Context, a computed key without issuer entropy, a re-key without a new Instance)
    /// raises too. ``unwrap(encrypted_key_xml: str) -> bytes`` decrypts an
    /// ``xenc:EncryptedKey`` proof token or issuer entropy with the requestor's private key.
    /// A Pending can be finished once.
    #[pyo3(signature = (response, unwrap = None))]
    fn finish(
        &self,
        py: Python<'_>,
        response: &Bound<'_, PyAny>,
        unwrap: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyOutcome> {
        let bytes = xml_bytes(response)?;
        self.finish_impl(py, &bytes, unwrap)
    }

    /// The @Context the request carried (the response must echo it).
    #[getter]
    fn context_attribute(&self) -> &str {
        &self.context_attribute
    }

    /// The operation: ``"issue"``, ``"renew"``, ``"amend"``, ``"cancel"``, ``"validate"``
    /// or ``"key_exchange"``.
    #[getter]
    fn operation(&self) -> &'static str {
        self.operation
    }

    /// True once :meth:`finish` was called.
    #[getter]
    fn finished(&self) -> bool {
        self.inner.lock().map(|p| p.is_none()).unwrap_or(true)
    }

    fn __repr__(&self) -> String {
        format!(
            "Pending(operation='{}', context_attribute='{}')",
            self.operation, self.context_attribute
        )
    }
}

// ------------------------------------------------------------------------------------------
// Binary negotiation: Python handlers and the requestor's Negotiation

/// Core's `ExchangeHandler` over a Python object with a ``value_type`` str attribute and
/// ``step(incoming: bytes | None) -> (output: bytes | None, complete: bool, key: bytes |
/// None)``. `step` re-acquires the GIL; exceptions are kept for the caller.
struct PyHandler {
    obj: Py<PyAny>,
    value_type: String,
}

impl PyHandler {
    fn new(h: &Bound<'_, PyAny>) -> PyResult<Self> {
        let vt = h.getattr("value_type").map_err(|_| {
            PyTypeError::new_err("a negotiation handler needs a value_type attribute (the BinaryExchange ValueType URI)")
        })?;
        let value_type: String = vt.extract().map_err(|_| {
            PyTypeError::new_err("a negotiation handler's value_type must be a str")
        })?;
        if !(h.hasattr("step")? && h.getattr("step")?.is_callable()) {
            return Err(PyTypeError::new_err(
                "a negotiation handler needs a step(incoming) -> (output, complete, key) method",
            ));
        }
        Ok(PyHandler {
            obj: h.clone().unbind(),
            value_type,
        })
    }
}

impl ExchangeHandler for PyHandler {
    fn value_type(&self) -> &str {
        &self.value_type
    }

    fn step(&mut self, incoming: Option<&[u8]>) -> wssx::Result<ExchangeStep> {
        Python::attach(|py| {
            let r = (|| -> PyResult<ExchangeStep> {
                let arg = incoming.map(|b| PyBytes::new(py, b));
                let out = self.obj.bind(py).call_method1("step", (arg,))?;
                let (output, complete, key): (Option<BytesArg<'_>>, bool, Option<BytesArg<'_>>) =
                    out.extract().map_err(|_| {
                        PyTypeError::new_err(
                            "a negotiation handler's step() returns (output: bytes | None, complete: bool, key: bytes | None)",
                        )
                    })?;
                Ok(ExchangeStep {
                    output: output.map(|o| o.to_vec()),
                    complete,
                    key: key.map(|k| Secret::from_slice(&k)),
                })
            })();
            r.map_err(|e| stash(py, e, "negotiation handler"))
        })
    }
}

/// A binary negotiation under way (WS-Trust 8.4), from :meth:`Requestor.negotiate`:
/// send the request, then :meth:`step` with the service's response (once per object).
#[pyclass(name = "Negotiation", module = "wssx", frozen, skip_from_py_object)]
pub struct PyNegotiation {
    inner: Mutex<Option<Negotiation>>,
    context_attribute: String,
}

impl PyNegotiation {
    fn of(n: Negotiation) -> Self {
        PyNegotiation {
            context_attribute: n.context_attribute().to_string(),
            inner: Mutex::new(Some(n)),
        }
    }
}

fn outgoing(out: wssx::binding::OutgoingRequest, operation: &'static str) -> PyOutgoingRequest {
    PyOutgoingRequest {
        envelope: out.envelope.into_bytes(),
        action: out.action,
        content_type: out.content_type,
        soap_action: out.soap_action,
        operation,
    }
}

#[pymethods]
impl PyNegotiation {
    /// Process the service's response (bytes or str): ``("continue", OutgoingRequest,
    /// Negotiation)`` for another leg (send it and step the new Negotiation), or
    /// ``("done", SecurityContext)`` once the context is issued (its proof key unwrapped
    /// with the negotiated key, the Authenticator's CombinedHash checked). A fault raises
    /// its typed error; exceptions from the handler propagate unchanged.
    fn step<'py>(
        &self,
        py: Python<'py>,
        response: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes = xml_bytes(response)?;
        let n = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this negotiation step was already taken"))?;
        let (r, raised) = with_stash(|| py.detach(|| n.step(&bytes)));
        if let Some(e) = raised {
            return Err(e);
        }
        Ok(match r.or_raise(py)? {
            NegotiationStep::Continue(out, n) => (
                "continue",
                Bound::new(py, outgoing(out, "issue"))?,
                Bound::new(py, PyNegotiation::of(n))?,
            )
                .into_pyobject(py)?
                .into_any(),
            NegotiationStep::Done(c) => ("done", Bound::new(py, PySecurityContext { inner: c })?)
                .into_pyobject(py)?
                .into_any(),
        })
    }

    /// The @Context correlating the legs.
    #[getter]
    fn context_attribute(&self) -> &str {
        &self.context_attribute
    }

    /// True once :meth:`step` was called.
    #[getter]
    fn finished(&self) -> bool {
        self.inner.lock().map(|p| p.is_none()).unwrap_or(true)
    }

    fn __repr__(&self) -> String {
        format!(
            "Negotiation(context_attribute='{}')",
            self.context_attribute
        )
    }
}

// ------------------------------------------------------------------------------------------
// Requestor

/// The requestor (client) side of the SCT bindings: each operation returns
/// ``(OutgoingRequest, Pending)``; send the request yourself and pass the response bytes to
/// :meth:`Pending.finish`. Or hand :meth:`call` / :meth:`obtain` a ``transport``: any
/// callable ``transport(request: OutgoingRequest) -> bytes`` (an HTTP POST, or a function
/// calling :meth:`TokenService.handle` directly).
///
/// Renew, amend and cancel requests are signed with the context key (proof of
/// possession); renew with ``new_key`` sends fresh entropy and expects a new key and a new
/// ``wsc:Instance``. ``reproof`` / ``add_claims`` are callables ``(envelope: bytes) ->
/// bytes | str`` that may add their own tokens and signatures before the context
/// signature is applied. Exceptions from any callable propagate unchanged.
#[pyclass(name = "Requestor", module = "wssx", frozen, skip_from_py_object)]
pub struct PyRequestor {
    inner: Requestor,
}

type Started = (PyOutgoingRequest, PyPending);

impl PyRequestor {
    fn wrap(
        py: Python<'_>,
        r: wssx::Result<(wssx::binding::OutgoingRequest, Pending)>,
        raised: Option<PyErr>,
        operation: &'static str,
        base: Option<Py<PySecurityContext>>,
    ) -> PyResult<Started> {
        if let Some(e) = raised {
            return Err(e);
        }
        let (out, pending) = r.or_raise(py)?;
        Ok((
            PyOutgoingRequest {
                envelope: out.envelope.into_bytes(),
                action: out.action,
                content_type: out.content_type,
                soap_action: out.soap_action,
                operation,
            },
            PyPending {
                context_attribute: pending.context_attribute().to_string(),
                inner: Mutex::new(Some(pending)),
                operation,
                base,
            },
        ))
    }

    fn start(
        &self,
        py: Python<'_>,
        operation: &str,
        context: Option<&Bound<'_, PySecurityContext>>,
        new_key: bool,
        callback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Started> {
        let req = &self.inner;
        let op: &'static str = match operation {
            "issue" => "issue",
            "renew" => "renew",
            "amend" => "amend",
            "cancel" => "cancel",
            "validate" => "validate",
            other => {
                return Err(PyValueError::new_err(format!(
                    "operation must be 'issue', 'renew', 'amend', 'cancel' or 'validate', not {other:?}"
                )))
            }
        };
        if op == "issue" {
            let (r, raised) = with_stash(|| py.detach(|| req.issue()));
            return Self::wrap(py, r, raised, op, None);
        }
        let ctx_obj =
            context.ok_or_else(|| PyTypeError::new_err(format!("{op} needs a SecurityContext")))?;
        let ctx = ctx_obj.borrow().inner.clone();
        let cb: Option<Py<PyAny>> = callback
            .filter(|c| !c.is_none())
            .map(|c| c.clone().unbind());
        let what = if op == "renew" {
            "reproof callable"
        } else {
            "add_claims callable"
        };
        let f = envelope_callback(&cb, what);
        let has_cb = cb.is_some();
        let (r, raised) = with_stash(|| {
            py.detach(|| {
                let d: Option<&dyn Fn(String) -> wssx::Result<String>> =
                    if has_cb { Some(&f) } else { None };
                match op {
                    "renew" => req.renew(&ctx, new_key, d),
                    "amend" => req.amend(&ctx, d),
                    "cancel" => req.cancel(&ctx),
                    _ => req.validate(&ctx),
                }
            })
        });
        Self::wrap(py, r, raised, op, Some(ctx_obj.clone().unbind()))
    }
}

#[pymethods]
impl PyRequestor {
    #[new]
    fn py_new(config: PyRef<'_, PyRequestorConfig>) -> Self {
        PyRequestor {
            inner: Requestor::new(config.inner.clone()),
        }
    }

    /// The configuration (a copy).
    #[getter]
    fn config(&self) -> PyRequestorConfig {
        PyRequestorConfig {
            inner: self.inner.config.clone(),
        }
    }

    /// The same requestor speaking WS-Trust February 2005 (and WS-Addressing 2004/08), for
    /// services such as ADFS and WCF wsHttpBinding that answer 1.3 requests with a fault.
    fn fallback_feb2005(&self) -> Self {
        PyRequestor {
            inner: self.inner.fallback_feb2005(),
        }
    }

    /// Start obtaining a new context (WS-SC 3.1: RST/SCT).
    fn issue(&self, py: Python<'_>) -> PyResult<Started> {
        self.start(py, "issue", None, false, None)
    }

    /// Answer a service's challenge (an :class:`Outcome` of kind ``"challenge"``, WS-SC
    /// Appendix A.2 / B): the RSTR with the SignChallengeResponse passes through
    /// ``sign(envelope) -> envelope`` (your own credentials) before it is sent. Finishing
    /// the returned Pending gives the issued context.
    #[pyo3(signature = (outcome, sign = None))]
    fn answer_challenge(
        &self,
        py: Python<'_>,
        outcome: &Bound<'_, PyOutcome>,
        sign: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Started> {
        let c = outcome
            .get()
            .challenge
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| {
                PyValueError::new_err("this outcome carries no (unanswered) challenge")
            })?;
        let cb: Option<Py<PyAny>> = sign.filter(|c| !c.is_none()).map(|c| c.clone().unbind());
        let f = envelope_callback(&cb, "sign callable");
        let has_cb = cb.is_some();
        let req = &self.inner;
        let (r, raised) = with_stash(|| {
            py.detach(|| {
                let d: Option<&dyn Fn(String) -> wssx::Result<String>> =
                    if has_cb { Some(&f) } else { None };
                req.answer_challenge(c, d)
            })
        });
        Self::wrap(py, r, raised, "issue", None)
    }

    /// Start obtaining a context through a binary negotiation (WS-Trust 8.4, e.g. SPNEGO)
    /// driven by ``handler``: an object with ``value_type`` (the BinaryExchange ValueType
    /// URI) and ``step(incoming: bytes | None) -> (output: bytes | None, complete: bool,
    /// key: bytes | None)`` (called with ``None`` first; ``key`` is the negotiated key
    /// once complete). Returns ``(OutgoingRequest, Negotiation)``.
    fn negotiate(
        &self,
        py: Python<'_>,
        handler: &Bound<'_, PyAny>,
    ) -> PyResult<(PyOutgoingRequest, PyNegotiation)> {
        let h = PyHandler::new(handler)?;
        let req = &self.inner;
        let (r, raised) = with_stash(|| py.detach(|| req.negotiate(Box::new(h))));
        if let Some(e) = raised {
            return Err(e);
        }
        let (out, n) = r.or_raise(py)?;
        Ok((outgoing(out, "issue"), PyNegotiation::of(n)))
    }

    /// Ask the service for its key exchange token (RequestType KET): finishing the Pending
    /// gives an :class:`Outcome` of kind ``"key_exchange_token"`` whose
    /// :attr:`Outcome.certificate` is the service's certificate (DER). The request's
    /// operation is ``"key_exchange"``.
    fn key_exchange_token(&self, py: Python<'_>) -> PyResult<Started> {
        let req = &self.inner;
        let (r, raised) = with_stash(|| py.detach(|| req.key_exchange_token()));
        Self::wrap(py, r, raised, "key_exchange", None)
    }

    /// Start renewing ``context`` (WS-SC 5). With ``new_key`` fresh entropy is sent and the
    /// service re-keys (new Instance); ``reproof(envelope) -> envelope`` may re-prove the
    /// original claims before the context signature.
    #[pyo3(signature = (context, new_key = true, reproof = None))]
    fn renew(
        &self,
        py: Python<'_>,
        context: &Bound<'_, PySecurityContext>,
        new_key: bool,
        reproof: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Started> {
        self.start(py, "renew", Some(context), new_key, reproof)
    }

    /// Start amending ``context`` (WS-SC 4): ``add_claims(envelope) -> envelope`` adds the
    /// additional tokens (and their signatures) before the context signature.
    #[pyo3(signature = (context, add_claims = None))]
    fn amend(
        &self,
        py: Python<'_>,
        context: &Bound<'_, PySecurityContext>,
        add_claims: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Started> {
        self.start(py, "amend", Some(context), false, add_claims)
    }

    /// Start cancelling ``context`` (WS-SC 6). When the response confirms it, ``context``
    /// is marked cancelled and refuses further use.
    fn cancel(&self, py: Python<'_>, context: &Bound<'_, PySecurityContext>) -> PyResult<Started> {
        self.start(py, "cancel", Some(context), false, None)
    }

    /// Start asking whether ``context`` is still valid (WS-Trust 9).
    fn validate(
        &self,
        py: Python<'_>,
        context: &Bound<'_, PySecurityContext>,
    ) -> PyResult<Started> {
        self.start(py, "validate", Some(context), false, None)
    }

    /// Run one exchange through ``transport`` (``transport(OutgoingRequest) -> bytes``):
    /// ``operation`` is ``"issue"``, ``"renew"``, ``"amend"``, ``"cancel"`` or
    /// ``"validate"`` (all but issue need ``context``). Returns the :class:`Outcome`;
    /// faults raise their typed errors, transport exceptions propagate unchanged.
    #[pyo3(
        signature = (transport, operation = Cow::Borrowed("issue"), context = None, *, new_key = true, reproof = None, add_claims = None, unwrap = None),
        text_signature = "($self, transport, operation='issue', context=None, *, new_key=True, reproof=None, add_claims=None, unwrap=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        py: Python<'_>,
        transport: &Bound<'_, PyAny>,
        operation: Cow<'_, str>,
        context: Option<&Bound<'_, PySecurityContext>>,
        new_key: bool,
        reproof: Option<&Bound<'_, PyAny>>,
        add_claims: Option<&Bound<'_, PyAny>>,
        unwrap: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyOutcome> {
        let cb = if operation == "renew" {
            reproof
        } else {
            add_claims
        };
        let (out, pending) = self.start(py, &operation, context, new_key, cb)?;
        let out = Bound::new(py, out)?;
        let resp = transport.call1((&out,))?;
        let bytes = xml_bytes(&resp).map_err(|_| {
            PyTypeError::new_err("the transport must return the response envelope as bytes or str")
        })?;
        pending.finish_impl(py, &bytes, unwrap)
    }

    /// Obtain a new context through ``transport`` (:meth:`call` with ``"issue"``).
    #[pyo3(signature = (transport, *, unwrap = None))]
    fn obtain(
        &self,
        py: Python<'_>,
        transport: &Bound<'_, PyAny>,
        unwrap: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PySecurityContext>> {
        let o = self.call(
            py,
            transport,
            Cow::Borrowed("issue"),
            None,
            true,
            None,
            None,
            unwrap,
        )?;
        o.context
            .ok_or_else(|| PyRuntimeError::new_err("the issue exchange produced no context"))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Requestor({})", self.config().__repr__(py)?))
    }
}

// ------------------------------------------------------------------------------------------
// StoredContext

/// One key instance of a security context as a token service stores it (a plain,
/// mutable record; ``==`` compares every field).
///
/// ``StoredContext(identifier, secret, *, instance=None, version="1.3", created=now,
/// expires=created + 30 min, principal=None, amendments=())``.
#[pyclass(name = "StoredContext", module = "wssx", eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct PyStoredContext {
    pub inner: StoredContext,
}

#[pymethods]
impl PyStoredContext {
    #[new]
    #[pyo3(signature = (identifier, secret, *, instance = None, version = crate::convert::VersionArg(ScVersion::V1_3), created = None, expires = None, principal = None, amendments = None), text_signature = "(identifier, secret, *, instance=None, version='1.3', created=None, expires=None, principal=None, amendments=())")]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        identifier: String,
        secret: BytesArg<'_>,
        instance: Option<String>,
        version: crate::convert::VersionArg,
        created: Option<When>,
        expires: Option<When>,
        principal: Option<String>,
        amendments: Option<Vec<String>>,
    ) -> Self {
        let created = created.map(|c| c.0).unwrap_or_else(Instant::now);
        let expires = expires
            .map(|e| e.0)
            .unwrap_or_else(|| created.plus(Duration::from_secs(1800)));
        PyStoredContext {
            inner: StoredContext {
                identifier,
                instance,
                secret: Secret::from_slice(&secret),
                version: version.0,
                created,
                expires,
                principal,
                amendments: amendments.unwrap_or_default(),
            },
        }
    }

    /// wsc:Identifier.
    #[getter]
    fn identifier(&self) -> &str {
        &self.inner.identifier
    }

    #[setter]
    fn set_identifier(&mut self, value: String) {
        self.inner.identifier = value;
    }

    /// wsc:Instance (``None`` for a first instance written without one).
    #[getter]
    fn instance(&self) -> Option<&str> {
        self.inner.instance.as_deref()
    }

    #[setter]
    fn set_instance(&mut self, value: Option<String>) {
        self.inner.instance = value;
    }

    /// The context key (empty once cancelled in a MemoryStore).
    #[getter]
    fn secret<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.secret.expose())
    }

    #[setter]
    fn set_secret(&mut self, value: BytesArg<'_>) {
        self.inner.secret = Secret::from_slice(&value);
    }

    /// The WS-SC version the context was issued in.
    #[getter]
    fn version<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, crate::tokens::PyScVersion>> {
        sc_version_obj(py, self.inner.version)
    }

    #[setter]
    fn set_version(&mut self, value: crate::convert::VersionArg) {
        self.inner.version = value.0;
    }

    /// When this instance was created (aware UTC datetime).
    #[getter]
    fn created<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.inner.created)
    }

    #[setter]
    fn set_created(&mut self, value: When) {
        self.inner.created = value.0;
    }

    /// When it expires (aware UTC datetime).
    #[getter]
    fn expires<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.inner.expires)
    }

    #[setter]
    fn set_expires(&mut self, value: When) {
        self.inner.expires = value.0;
    }

    /// Who obtained the context (what the authorizer returned at issue).
    #[getter]
    fn principal(&self) -> Option<&str> {
        self.inner.principal.as_deref()
    }

    #[setter]
    fn set_principal(&mut self, value: Option<String>) {
        self.inner.principal = value;
    }

    /// Tokens (XML) added by amendments.
    #[getter]
    fn amendments(&self) -> Vec<String> {
        self.inner.amendments.clone()
    }

    #[setter]
    fn set_amendments(&mut self, value: Vec<String>) {
        self.inner.amendments = value;
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "StoredContext({}, instance={}, version='{}', expires={}, principal={})",
            PyString::new(py, &self.inner.identifier).repr()?,
            match &self.inner.instance {
                Some(i) => PyString::new(py, i).repr()?.to_cow()?.into_owned(),
                None => "None".into(),
            },
            self.inner.version.short_name(),
            self.inner.expires.to_xsd(),
            match &self.inner.principal {
                Some(p) => PyString::new(py, p).repr()?.to_cow()?.into_owned(),
                None => "None".into(),
            },
        ))
    }
}

fn lookup_py<'py>(py: Python<'py>, l: Lookup) -> PyResult<Bound<'py, PyAny>> {
    Ok(match l {
        Lookup::Found(c) => Bound::new(py, PyStoredContext { inner: c })?.into_any(),
        Lookup::Cancelled => PyString::new(py, "cancelled").into_any(),
        Lookup::Unknown => py.None().into_bound(py),
    })
}

fn lookup_arg(v: &Bound<'_, PyAny>) -> PyResult<Lookup> {
    if v.is_none() {
        return Ok(Lookup::Unknown);
    }
    if let Ok(c) = v.cast::<PyStoredContext>() {
        return Ok(Lookup::Found(c.borrow().inner.clone()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        if s.to_cow()? == "cancelled" {
            return Ok(Lookup::Cancelled);
        }
    }
    Err(PyTypeError::new_err(format!(
        "a context store's get() returns a StoredContext, None or \"cancelled\", not {}",
        v.repr()?
    )))
}

// ------------------------------------------------------------------------------------------
// MemoryStore and the Python-backed store

/// The embedded in-memory context store: safe under concurrent use, bounded to
/// ``max_contexts`` (a full store refuses new contexts with ``RequestFailed`` after purging
/// expired ones), keeps a renewed context's previous key instance usable for ``rollover``
/// seconds (WCF's 5 minutes), and answers cancelled contexts as ``"cancelled"`` (their key
/// dropped at once) until purged.
///
/// The methods are the context store protocol a Python store implements too:
///
/// - ``get(identifier, instance) -> StoredContext | None | "cancelled"``: the key instance
///   ``instance`` of the context while it is current or within the rollover window after a
///   renewal (``instance=None`` names the instance issued without a ``wsc:Instance``); when
///   no such instance is usable, ``None`` gives the current one and a named instance gives
///   ``None`` (unknown). A cancelled context answers ``"cancelled"``.
/// - ``insert(ctx)``: a new context, or a new key instance of a known one (a renewal: it
///   becomes current, the previous one stays usable for the rollover window).
/// - ``update(ctx)``: replace the stored instance ``ctx.instance`` (an amendment).
/// - ``cancel(identifier) -> bool``: refuse the context from now on; False when unknown.
/// - ``purge(now) -> int``: drop what expired before ``now`` (a datetime); how many went.
#[pyclass(name = "MemoryStore", module = "wssx", frozen, skip_from_py_object)]
pub struct PyMemoryStore {
    inner: Arc<MemoryStore>,
}

#[pymethods]
impl PyMemoryStore {
    #[new]
    #[pyo3(signature = (max_contexts = 100_000, *, rollover = Seconds(Duration::from_secs(300))), text_signature = "(max_contexts=100000, *, rollover=300)")]
    fn py_new(max_contexts: usize, rollover: Seconds) -> Self {
        PyMemoryStore {
            inner: Arc::new(MemoryStore::new(max_contexts).with_rollover(rollover.0)),
        }
    }

    /// The current instance of context ``identifier`` (or instance ``instance``):
    /// a :class:`StoredContext`, ``None`` when unknown, ``"cancelled"`` when cancelled.
    #[pyo3(signature = (identifier, instance = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        identifier: &str,
        instance: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s = &self.inner;
        let l = py.detach(|| s.get(identifier, instance)).or_raise(py)?;
        lookup_py(py, l)
    }

    /// Store a new context, or a new key instance of an existing one (renewal).
    fn insert(&self, py: Python<'_>, ctx: PyRef<'_, PyStoredContext>) -> PyResult<()> {
        let c = ctx.inner.clone();
        drop(ctx);
        let s = &self.inner;
        py.detach(|| s.insert(c)).or_raise(py)
    }

    /// Replace the current instance of a context (no re-keying).
    fn update(&self, py: Python<'_>, ctx: PyRef<'_, PyStoredContext>) -> PyResult<()> {
        let c = ctx.inner.clone();
        drop(ctx);
        let s = &self.inner;
        py.detach(|| s.update(c)).or_raise(py)
    }

    /// Cancel a context; False when it was unknown.
    fn cancel(&self, py: Python<'_>, identifier: &str) -> PyResult<bool> {
        let s = &self.inner;
        py.detach(|| s.cancel(identifier)).or_raise(py)
    }

    /// Drop what expired before ``now`` (default: the system clock), keeping cancelled
    /// contexts for an hour; returns how many entries went.
    #[pyo3(signature = (now = None))]
    fn purge(&self, py: Python<'_>, now: Option<When>) -> usize {
        let s = &self.inner;
        let t = now.map(|n| n.0).unwrap_or_else(Instant::now);
        py.detach(|| s.purge(t))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("MemoryStore(<{} contexts>)", self.inner.len())
    }
}

/// Core's `ContextStore` over a Python object with the store protocol. Each call
/// re-acquires the GIL; exceptions are kept for the caller (see the module docs).
struct PyStore {
    obj: Py<PyAny>,
}

impl PyStore {
    fn call<T>(
        &self,
        method: &str,
        f: impl FnOnce(Python<'_>, &Bound<'_, PyAny>) -> PyResult<T>,
    ) -> wssx::Result<T> {
        Python::attach(|py| {
            f(py, self.obj.bind(py))
                .map_err(|e| stash(py, e, &format!("context store's {method}()")))
        })
    }
}

impl ContextStore for PyStore {
    fn get(&self, identifier: &str, instance: Option<&str>) -> wssx::Result<Lookup> {
        self.call("get", |_, o| {
            lookup_arg(&o.call_method1("get", (identifier, instance))?)
        })
    }

    fn insert(&self, ctx: StoredContext) -> wssx::Result<()> {
        self.call("insert", |py, o| {
            o.call_method1("insert", (Py::new(py, PyStoredContext { inner: ctx })?,))?;
            Ok(())
        })
    }

    fn update(&self, ctx: StoredContext) -> wssx::Result<()> {
        self.call("update", |py, o| {
            o.call_method1("update", (Py::new(py, PyStoredContext { inner: ctx })?,))?;
            Ok(())
        })
    }

    fn cancel(&self, identifier: &str) -> wssx::Result<bool> {
        self.call("cancel", |_, o| {
            o.call_method1("cancel", (identifier,))?.is_truthy()
        })
    }

    fn purge(&self, now: Instant) -> usize {
        self.call("purge", |py, o| {
            let r = o.call_method1("purge", (to_datetime(py, now)?,))?;
            if r.is_none() {
                Ok(0)
            } else {
                r.extract::<usize>()
            }
        })
        .unwrap_or(0)
    }
}

const STORE_METHODS: [&str; 5] = ["get", "insert", "update", "cancel", "purge"];

// ------------------------------------------------------------------------------------------
// TokenService

/// A processed request: send :attr:`envelope` back with :attr:`status_code` and
/// :attr:`headers`.
#[pyclass(name = "ServiceResponse", module = "wssx", frozen, skip_from_py_object)]
pub struct PyServiceResponse {
    inner: ServiceResponse,
}

#[pymethods]
impl PyServiceResponse {
    /// The response envelope (UTF-8 bytes): an RSTR / RSTRC, or a SOAP fault.
    #[getter]
    fn envelope<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.envelope.as_bytes())
    }

    /// True when the envelope is a SOAP fault.
    #[getter]
    fn is_fault(&self) -> bool {
        self.inner.is_fault
    }

    /// The HTTP status to answer with: 500 for a fault, else 200.
    #[getter]
    fn status_code(&self) -> u16 {
        if self.inner.is_fault {
            500
        } else {
            200
        }
    }

    /// The response's wsa:Action, if any.
    #[getter]
    fn action(&self) -> Option<&str> {
        self.inner.action.as_deref()
    }

    /// The HTTP Content-Type.
    #[getter]
    fn content_type(&self) -> &str {
        &self.inner.content_type
    }

    /// The HTTP headers to answer with (``Content-Type``).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("Content-Type", &self.inner.content_type)?;
        Ok(d)
    }

    /// The operation, when the request was understood: ``"issue"``, ``"renew"``,
    /// ``"amend"``, ``"cancel"`` or ``"validate"``.
    #[getter]
    fn operation(&self) -> Option<&'static str> {
        self.inner.operation.map(op_name)
    }

    /// The Identifier of the context the request created or acted on.
    #[getter]
    fn context(&self) -> Option<&str> {
        self.inner.context.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "ServiceResponse(operation={}, is_fault={}, {} bytes)",
            self.inner
                .operation
                .map(|o| format!("'{}'", op_name(o)))
                .unwrap_or_else(|| "None".into()),
            if self.inner.is_fault { "True" } else { "False" },
            self.inner.envelope.len()
        )
    }
}

/// The token service (service side of the SCT bindings): turns RST envelopes into RSTR /
/// RSTRC envelopes or SOAP faults for issue, renew, amend, cancel and validate, keeping
/// contexts in ``store``.
///
/// ``store`` is a :class:`MemoryStore` (a new one when omitted) or any object with the
/// store protocol (``get(identifier, instance)``, ``insert(ctx)``, ``update(ctx)``,
/// ``cancel(identifier)``, ``purge(now)``; see :class:`MemoryStore`), called with the GIL
/// re-acquired on the thread that runs :meth:`handle` / :meth:`verify_message`; it must be
/// thread-safe when the service is used from several threads. ``authorizer(operation,
/// envelope, context) -> principal | None`` is consulted for every operation (``context``
/// is the :class:`StoredContext` concerned, ``None`` for issue); it refuses by raising a
/// :class:`WssxError` such as ``FailedAuthenticationError``; what it returns at issue is
/// recorded as the context's principal.
///
/// ``identity=(certificate, private_key)`` (PEM or DER bytes) is the service's X.509
/// identity: it decrypts requestor entropy encrypted for the certificate (WS-SC Appendix
/// A.1) and propagated context keys, and is the key exchange token it answers with.
/// ``accept_unsolicited`` allows :meth:`accept_unsolicited` (direct key transfer).
/// ``negotiator(value_type) -> handler | None`` makes a handler (see
/// :meth:`Requestor.negotiate`) for each binary negotiation a requestor starts; ``None``
/// refuses the type. Handlers are called with the GIL re-acquired and their WssxErrors
/// become faults like the authorizer's.
///
/// Errors: an exception from the store or authorizer that is a :class:`WssxError` becomes
/// the fault of its kind inside :meth:`handle`; any other exception propagates out of
/// :meth:`handle` unchanged (no response is produced: answer as your framework does, or
/// with ``Fault.from_error(exc)``). :meth:`verify_message` lets every store exception
/// propagate unchanged.
#[pyclass(name = "TokenService", module = "wssx", frozen, skip_from_py_object)]
pub struct PyTokenService {
    inner: TokenService,
    store: Py<PyAny>,
}

#[pymethods]
impl PyTokenService {
    #[new]
    #[pyo3(
        signature = (store = None, *, context_lifetime = Seconds(Duration::from_secs(1800)), default_key_size = 256, key_size_range = (128, 512), accept_requestor_entropy = true, renew_expired = false, clock_skew = Seconds(Duration::from_secs(300)), authorizer = None, challenge = false, issuer_entropy = true, identity = None, accept_unsolicited = false, negotiator = None),
        text_signature = "(store=None, *, context_lifetime=1800, default_key_size=256, key_size_range=(128, 512), accept_requestor_entropy=True, renew_expired=False, clock_skew=300, authorizer=None, challenge=False, issuer_entropy=True, identity=None, accept_unsolicited=False, negotiator=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        store: Option<&Bound<'_, PyAny>>,
        context_lifetime: Seconds,
        default_key_size: u32,
        key_size_range: (u32, u32),
        accept_requestor_entropy: bool,
        renew_expired: bool,
        clock_skew: Seconds,
        authorizer: Option<&Bound<'_, PyAny>>,
        challenge: bool,
        issuer_entropy: bool,
        identity: Option<(BytesArg<'_>, BytesArg<'_>)>,
        accept_unsolicited: bool,
        negotiator: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (core_store, store_obj): (Arc<dyn ContextStore>, Py<PyAny>) = match store
            .filter(|s| !s.is_none())
        {
            None => {
                let m = PyMemoryStore {
                    inner: Arc::new(MemoryStore::default()),
                };
                let a = m.inner.clone();
                (a, Py::new(py, m)?.into_any())
            }
            Some(s) => match s.cast::<PyMemoryStore>() {
                Ok(m) => (m.get().inner.clone(), s.clone().unbind()),
                Err(_) => {
                    for m in STORE_METHODS {
                        let ok = s.hasattr(m)? && s.getattr(m)?.is_callable();
                        if !ok {
                            return Err(PyTypeError::new_err(format!(
                                "a context store needs the methods get, insert, update, cancel and purge; {} has no {m}()",
                                s.get_type().name()?
                            )));
                        }
                    }
                    (
                        Arc::new(PyStore {
                            obj: s.clone().unbind(),
                        }),
                        s.clone().unbind(),
                    )
                }
            },
        };
        let (lo, hi) = key_size_range;
        if lo > hi || default_key_size < lo || default_key_size > hi {
            return Err(PyValueError::new_err(format!(
                "default_key_size {default_key_size} must lie within key_size_range ({lo}, {hi})"
            )));
        }
        let policy = ServicePolicy {
            context_lifetime: context_lifetime.0,
            default_key_size,
            key_size_range,
            accept_requestor_entropy,
            renew_expired,
            clock_skew: clock_skew.0,
            challenge,
            issuer_entropy,
            accept_unsolicited,
            ..ServicePolicy::default()
        };
        let mut svc = TokenService::new(core_store, policy);
        if let Some((cert, key)) = identity {
            svc = svc.with_keys(self::identity::identity(&cert, &key).or_raise(py)?);
        }
        if let Some(n) = negotiator.filter(|n| !n.is_none()) {
            if !n.is_callable() {
                return Err(PyTypeError::new_err(
                    "negotiator must be a callable (value_type) -> handler | None",
                ));
            }
            let cb = n.clone().unbind();
            let f: Box<NegotiatorFactory> =
                Box::new(move |vt: &str| -> Option<Box<dyn ExchangeHandler>> {
                    Python::attach(|py| {
                        let r = (|| -> PyResult<Option<Box<dyn ExchangeHandler>>> {
                            let h = cb.bind(py).call1((vt,))?;
                            if h.is_none() {
                                return Ok(None);
                            }
                            Ok(Some(Box::new(PyHandler::new(&h)?)))
                        })();
                        r.unwrap_or_else(|e| {
                            stash(py, e, "negotiator");
                            None
                        })
                    })
                });
            svc = svc.with_negotiation(f);
        }
        if let Some(a) = authorizer.filter(|a| !a.is_none()) {
            if !a.is_callable() {
                return Err(PyTypeError::new_err("authorizer must be a callable (operation, envelope, context) -> principal | None"));
            }
            let cb = a.clone().unbind();
            let f: Box<Authorizer> = Box::new(
                move |req: &AuthRequest<'_>| -> wssx::Result<Option<String>> {
                    Python::attach(|py| {
                        let r = (|| -> PyResult<Option<String>> {
                            let ctx = req
                                .context
                                .map(|c| Py::new(py, PyStoredContext { inner: c.clone() }))
                                .transpose()?;
                            let out = cb.bind(py).call1((
                                op_name(req.operation),
                                PyBytes::new(py, req.envelope),
                                ctx,
                            ))?;
                            if out.is_none() {
                                return Ok(None);
                            }
                            out.extract::<String>().map(Some).map_err(|_| {
                                PyTypeError::new_err(
                                    "the authorizer must return a principal str or None",
                                )
                            })
                        })();
                        r.map_err(|e| stash(py, e, "authorizer"))
                    })
                },
            );
            svc = svc.with_authorizer(f);
        }
        Ok(PyTokenService {
            inner: svc,
            store: store_obj,
        })
    }

    /// Process one request envelope (bytes or str) into a :class:`ServiceResponse`. Core
    /// runs with the GIL released. Errors of the request become version-correct SOAP
    /// faults (``is_fault``); see the class docstring for exceptions of the store and
    /// authorizer.
    fn handle(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<PyServiceResponse> {
        let req = xml_bytes(request)?;
        let svc = &self.inner;
        let (resp, raised) = with_stash(|| py.detach(|| svc.handle(&req)));
        if let Some(e) = raised {
            if !is_wssx_error(py, &e) {
                return Err(e);
            }
        }
        Ok(PyServiceResponse { inner: resp })
    }

    /// Verify an application message protected with a context this service issued (keys
    /// from the store): a :class:`VerifyReport`. An expired context raises
    /// :class:`RenewNeededError`, a cancelled or unknown one :class:`BadContextTokenError`;
    /// exceptions from a Python store propagate unchanged.
    fn verify_message(&self, py: Python<'_>, envelope: BytesArg<'_>) -> PyResult<PyVerifyReport> {
        let svc = &self.inner;
        let (r, raised) = with_stash(|| py.detach(|| svc.verify_message(&envelope)));
        if let Some(e) = raised {
            return Err(e);
        }
        Ok(PyVerifyReport {
            inner: r.or_raise(py)?,
        })
    }

    /// Accept a context a peer created and propagated (direct key transfer, WS-SC 3): the
    /// unsolicited RSTR in the Body or a wst:IssuedTokens header of ``envelope``, its key
    /// encrypted for this service's ``identity``. The message must be signed with the new
    /// context (unless ``require_signature`` is False) and the service built with
    /// ``accept_unsolicited=True`` (else :class:`UnsupportedContextTokenError`). The
    /// authorizer is asked as for an issue. Returns the stored :class:`StoredContext`.
    #[pyo3(signature = (envelope, require_signature = true))]
    fn accept_unsolicited(
        &self,
        py: Python<'_>,
        envelope: BytesArg<'_>,
        require_signature: bool,
    ) -> PyResult<PyStoredContext> {
        let svc = &self.inner;
        let (r, raised) =
            with_stash(|| py.detach(|| svc.accept_unsolicited(&envelope, require_signature)));
        if let Some(e) = raised {
            return Err(e);
        }
        Ok(PyStoredContext {
            inner: r.or_raise(py)?,
        })
    }

    /// The store (the object given, or the MemoryStore made for the service).
    #[getter]
    fn store(&self, py: Python<'_>) -> Py<PyAny> {
        self.store.clone_ref(py)
    }

    /// Lifetime of issued and renewed contexts, in seconds.
    #[getter]
    fn context_lifetime(&self) -> f64 {
        secs(self.inner.policy().context_lifetime)
    }

    /// Key size in bits when a request names none.
    #[getter]
    fn default_key_size(&self) -> u32 {
        self.inner.policy().default_key_size
    }

    /// ``(smallest, largest)`` key size accepted, in bits.
    #[getter]
    fn key_size_range(&self) -> (u32, u32) {
        self.inner.policy().key_size_range
    }

    /// Whether requestor entropy is combined into a CK/PSHA1 computed key.
    #[getter]
    fn accept_requestor_entropy(&self) -> bool {
        self.inner.policy().accept_requestor_entropy
    }

    /// Whether expired contexts may be renewed.
    #[getter]
    fn renew_expired(&self) -> bool {
        self.inner.policy().renew_expired
    }

    /// Allowed clock skew in seconds.
    #[getter]
    fn clock_skew(&self) -> f64 {
        secs(self.inner.policy().clock_skew)
    }

    fn __repr__(&self) -> String {
        let p = self.inner.policy();
        format!(
            "TokenService(context_lifetime={}, default_key_size={}, key_size_range=({}, {}))",
            secs(p.context_lifetime),
            p.default_key_size,
            p.key_size_range.0,
            p.key_size_range.1
        )
    }
}
