//! Core errors to Python exceptions.
//!
//! The classes live in `wssx._errors` (pure Python, generated there from `ERROR_KINDS`, so a
//! new core kind gets its class without touching this file); this module looks them up by
//! kind name, once, and raises `cls(message, path=path)`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Bound<'_, PyDict>> {
    let d = CLASSES.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let m = py.import("wssx._errors")?;
        Ok(m.getattr("_BY_KIND")?.cast_into::<PyDict>()?.unbind())
    })?;
    Ok(d.bind(py))
}

fn build(py: Python<'_>, e: &wssx::Error) -> PyResult<PyErr> {
    let cls = classes(py)?.get_item(e.kind().name())?.ok_or_else(|| {
        PyRuntimeError::new_err(format!(
            "wssx: no exception class for error kind {}",
            e.kind()
        ))
    })?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("path", PyString::new(py, e.path()))?;
    let inst = cls.call((e.message(),), Some(&kwargs))?;
    Ok(PyErr::from_value(inst))
}

/// The Python exception for a core error.
pub fn to_py(py: Python<'_>, e: wssx::Error) -> PyErr {
    match build(py, &e) {
        Ok(err) => err,
        // Only when wssx._errors itself is broken: keep the core text.
        Err(inner) => {
            let err = PyRuntimeError::new_err(e.to_string());
            err.set_cause(py, Some(inner));
            err
        }
    }
}

/// `?`-friendly conversion of core results.
pub trait OrRaise<T> {
    /// Map a core error to its Python exception.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for wssx::Result<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}
