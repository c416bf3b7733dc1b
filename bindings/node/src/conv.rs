//! Conversions between JavaScript values and core types, and the one error mapping.
//!
//! Arguments arrive as [`Unknown`] and are checked here rather than by napi-rs's typed
//! conversions, for two reasons: napi-rs reports a wrong type with its own status string
//! (`StringExpected`, `InvalidArg`, ...) where this face promises a core
//! [`ErrorKind`] name, and its integer conversions silently truncate (`1.5` becomes 1, `-1`
//! wraps) where integers must be exact.

use napi::bindgen_prelude::{FromNapiValue, Object, ToNapiValue, Unknown};
use napi::{sys, Env, JsValue, Status, ValueType};
use wssx::json::Json;
use wssx::{ErrorKind, ScVersion};

/// Every failure of this face: a JS `Error` whose `code` is the core [`ErrorKind`] name and
/// whose message is the core error's `Kind: path: message`.
pub type JsError = napi::Error<String>;
/// Result of every exported function.
pub type Result<T> = std::result::Result<T, JsError>;

/// The JS error for a core error.
pub fn core_err(e: wssx::Error) -> JsError {
    napi::Error::new(e.kind().name().to_string(), e.to_string())
}

/// An InvalidArgument error about the argument (or option) `what`.
pub fn arg_err(what: &str, msg: impl Into<String>) -> JsError {
    core_err(wssx::Error::at(ErrorKind::InvalidArgument, what, msg))
}

/// A napi-rs failure while converting `what`. A JS exception already pending (an options
/// object whose getter threw, say) is left to propagate unchanged; anything else becomes
/// an InvalidArgument error.
pub fn napi_err(what: &str, e: napi::Error) -> JsError {
    if e.status == Status::PendingException {
        napi::Error::new(
            Status::PendingException.as_ref().to_string(),
            e.reason.clone(),
        )
    } else {
        arg_err(what, e.reason.clone())
    }
}

/// Lift a core result.
pub fn core<T>(r: wssx::Result<T>) -> Result<T> {
    r.map_err(core_err)
}

fn type_of(what: &str, v: &Unknown<'_>) -> Result<ValueType> {
    v.get_type().map_err(|e| napi_err(what, e))
}

fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

/// None for `undefined` / `null` (and for an absent argument).
pub fn present<'a>(what: &str, v: Option<Unknown<'a>>) -> Result<Option<Unknown<'a>>> {
    match v {
        None => Ok(None),
        Some(u) => match type_of(what, &u)? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            _ => Ok(Some(u)),
        },
    }
}

/// Bytes of a `Buffer` (or any `Uint8Array`), copied.
pub fn bytes(what: &str, v: Unknown<'_>) -> Result<Vec<u8>> {
    let t = type_of(what, &v)?;
    if t != ValueType::Object {
        return Err(arg_err(
            what,
            format!("expected a Buffer or Uint8Array, got {}", type_name(t)),
        ));
    }
    let raw = v.value();
    // SAFETY: env and value come from the live call; the slice is copied before returning.
    match unsafe { <&[u8]>::from_napi_value(raw.env, raw.value) } {
        Ok(s) => Ok(s.to_vec()),
        Err(_) => Err(arg_err(what, "expected a Buffer or Uint8Array")),
    }
}

/// A string argument.
pub fn string(what: &str, v: Unknown<'_>) -> Result<String> {
    let t = type_of(what, &v)?;
    if t != ValueType::String {
        return Err(arg_err(
            what,
            format!("expected a string, got {}", type_name(t)),
        ));
    }
    let raw = v.value();
    // SAFETY: env and value come from the live call and the value is a string.
    unsafe { String::from_napi_value(raw.env, raw.value) }.map_err(|e| napi_err(what, e))
}

/// XML input: a string (UTF-8 encoded here) or a Buffer / Uint8Array of the document bytes.
pub fn xml_input(what: &str, v: Unknown<'_>) -> Result<Vec<u8>> {
    match type_of(what, &v)? {
        ValueType::String => Ok(string(what, v)?.into_bytes()),
        ValueType::Object => {
            bytes(what, v).map_err(|_| arg_err(what, "expected a string, Buffer or Uint8Array"))
        }
        t => Err(arg_err(
            what,
            format!(
                "expected a string, Buffer or Uint8Array, got {}",
                type_name(t)
            ),
        )),
    }
}

/// A boolean argument.
pub fn boolean(what: &str, v: Unknown<'_>) -> Result<bool> {
    let t = type_of(what, &v)?;
    if t != ValueType::Boolean {
        return Err(arg_err(
            what,
            format!("expected a boolean, got {}", type_name(t)),
        ));
    }
    let raw = v.value();
    // SAFETY: env and value come from the live call and the value is a boolean.
    unsafe { bool::from_napi_value(raw.env, raw.value) }.map_err(|e| napi_err(what, e))
}

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A non-negative safe integer (`number`; no bigint, no fractions, no NaN / Infinity).
pub fn uint(what: &str, v: Unknown<'_>) -> Result<u64> {
    let t = type_of(what, &v)?;
    if t != ValueType::Number {
        return Err(arg_err(
            what,
            format!(
                "expected a non-negative integer number, got {}",
                type_name(t)
            ),
        ));
    }
    let raw = v.value();
    // SAFETY: env and value come from the live call and the value is a number.
    let f = unsafe { f64::from_napi_value(raw.env, raw.value) }.map_err(|e| napi_err(what, e))?;
    if !f.is_finite() || f.fract() != 0.0 || f < 0.0 || f > MAX_SAFE_INTEGER as f64 {
        return Err(arg_err(
            what,
            format!("expected a non-negative safe integer, got {f}"),
        ));
    }
    Ok(f as u64)
}

/// A `usize` (a size bound): a non-negative safe integer.
pub fn usize_of(what: &str, v: Unknown<'_>) -> Result<usize> {
    let n = uint(what, v)?;
    usize::try_from(n)
        .map_err(|_| arg_err(what, format!("{n} does not fit this platform's size type")))
}

/// A WS-SecureConversation version name (`"2005/02"` or `"1.3"`; core's aliases accepted).
pub fn sc_version(what: &str, v: Unknown<'_>) -> Result<ScVersion> {
    let s = string(what, v)?;
    ScVersion::from_short_name(&s).ok_or_else(|| {
        arg_err(
            what,
            format!("unknown WS-SecureConversation version '{s}' (use \"2005/02\" or \"1.3\")"),
        )
    })
}

/// An options object: `undefined` / `null` mean none; anything else must be an object.
pub fn options<'a>(what: &str, v: Option<Unknown<'a>>) -> Result<Option<Object<'a>>> {
    let Some(u) = present(what, v)? else {
        return Ok(None);
    };
    let t = type_of(what, &u)?;
    if t != ValueType::Object {
        return Err(arg_err(
            what,
            format!("expected an options object, got {}", type_name(t)),
        ));
    }
    let raw = u.value();
    if let Some(kind) = non_plain_kind(raw.env, raw.value) {
        return Err(arg_err(
            what,
            format!("expected an options object, got {kind}"),
        ));
    }
    // SAFETY: env and value come from the live call and the value is an object.
    unsafe { Object::from_napi_value(raw.env, raw.value) }
        .map(Some)
        .map_err(|e| napi_err(what, e))
}

/// The kind of object `v` is when it is one that cannot be an options object (an array, a
/// Date, binary data), so that such a mistake is an error rather than "no options".
fn non_plain_kind(env: sys::napi_env, v: sys::napi_value) -> Option<&'static str> {
    type Check = unsafe fn(sys::napi_env, sys::napi_value, *mut bool) -> sys::napi_status;
    let checks: [(Check, &'static str); 5] = [
        (sys::napi_is_array, "an array"),
        (sys::napi_is_date, "a Date"),
        (sys::napi_is_arraybuffer, "an ArrayBuffer"),
        (sys::napi_is_typedarray, "a typed array"),
        (sys::napi_is_dataview, "a DataView"),
    ];
    for (check, kind) in checks {
        let mut yes = false;
        // SAFETY: env and value come from the live call; the checks only inspect the value.
        if unsafe { check(env, v, &mut yes) } == sys::Status::napi_ok && yes {
            return Some(kind);
        }
    }
    None
}

/// Member `key` of an options object; None when absent, `undefined` or `null`.
pub fn member<'a>(obj: &Object<'a>, what: &str, key: &str) -> Result<Option<Unknown<'a>>> {
    let path = format!("{what}.{key}");
    let v: Option<Unknown<'a>> = obj.get(key).map_err(|e| napi_err(&path, e))?;
    present(&path, v)
}

/// A core JSON value as a plain JS value, exactly as `JSON.parse` of its text would give:
/// objects in insertion order, integers as numbers.
pub struct JsonValue(pub Json);

impl ToNapiValue for JsonValue {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.0 {
            Json::Null => unsafe {
                napi::bindgen_prelude::Null::to_napi_value(env, napi::bindgen_prelude::Null)
            },
            Json::Bool(b) => unsafe { bool::to_napi_value(env, b) },
            Json::Int(i) => unsafe { f64::to_napi_value(env, i as f64) },
            Json::Str(s) => unsafe { String::to_napi_value(env, s) },
            Json::Array(a) => unsafe {
                Vec::<JsonValue>::to_napi_value(env, a.into_iter().map(JsonValue).collect())
            },
            Json::Object(m) => {
                let env = Env::from_raw(env);
                let mut o = Object::new(&env)?;
                for (k, v) in m {
                    o.set(k, JsonValue(v))?;
                }
                unsafe { Object::to_napi_value(env.raw(), o) }
            }
        }
    }
}

/// The elements of a JS array (`Array.isArray`), in order.
pub fn array<'a>(what: &str, v: Unknown<'a>) -> Result<Vec<Unknown<'a>>> {
    let raw = v.value();
    let mut is_array = false;
    // SAFETY: env and value come from the live call; the check only inspects the value.
    if unsafe { sys::napi_is_array(raw.env, raw.value, &mut is_array) } != sys::Status::napi_ok
        || !is_array
    {
        let t = type_of(what, &v)?;
        let kind = match t {
            ValueType::Object => non_plain_kind(raw.env, raw.value).unwrap_or("an object"),
            t => type_name(t),
        };
        return Err(arg_err(what, format!("expected an array, got {kind}")));
    }
    let mut len = 0u32;
    // SAFETY: as above; the value is an array.
    let status = unsafe { sys::napi_get_array_length(raw.env, raw.value, &mut len) };
    if status != sys::Status::napi_ok {
        return Err(napi_err(
            what,
            napi::Error::from_status(Status::from(status)),
        ));
    }
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut el = std::ptr::null_mut();
        // SAFETY: as above. An element getter that throws leaves the exception pending.
        let status = unsafe { sys::napi_get_element(raw.env, raw.value, i, &mut el) };
        if status != sys::Status::napi_ok {
            return Err(napi_err(
                &format!("{what}[{i}]"),
                napi::Error::from_status(Status::from(status)),
            ));
        }
        // SAFETY: `el` is a live value of this call.
        out.push(unsafe { Unknown::from_raw_unchecked(raw.env, el) });
    }
    Ok(out)
}

/// An array of strings.
pub fn strings(what: &str, v: Unknown<'_>) -> Result<Vec<String>> {
    array(what, v)?
        .into_iter()
        .enumerate()
        .map(|(i, s)| string(&format!("{what}[{i}]"), s))
        .collect()
}

/// An instant in milliseconds since the epoch: a `Date` or a non-negative safe integer
/// number of milliseconds (what `Date.now()` returns).
pub fn millis(what: &str, v: Unknown<'_>) -> Result<i64> {
    let raw = v.value();
    let mut is_date = false;
    // SAFETY: env and value come from the live call; the check only inspects the value.
    if unsafe { sys::napi_is_date(raw.env, raw.value, &mut is_date) } == sys::Status::napi_ok
        && is_date
    {
        let mut ms = 0f64;
        // SAFETY: as above; the value is a Date.
        let status = unsafe { sys::napi_get_date_value(raw.env, raw.value, &mut ms) };
        if status != sys::Status::napi_ok {
            return Err(napi_err(
                what,
                napi::Error::from_status(Status::from(status)),
            ));
        }
        if !ms.is_finite() {
            return Err(arg_err(what, "expected a valid Date, got an Invalid Date"));
        }
        if ms < 0.0 {
            return Err(arg_err(
                what,
                format!("expected a Date after 1970, got {ms} ms since the epoch"),
            ));
        }
        return Ok(ms as i64);
    }
    match type_of(what, &v)? {
        ValueType::Number => Ok(uint(what, v)? as i64),
        t => Err(arg_err(
            what,
            format!(
                "expected a Date or a number of milliseconds, got {}",
                type_name(t)
            ),
        )),
    }
}

/// A JS `Date` for an instant in milliseconds since the epoch.
pub struct JsDate(pub i64);

impl ToNapiValue for JsDate {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut out = std::ptr::null_mut();
        // SAFETY: env is live; napi_create_date only writes `out`.
        let status = unsafe { sys::napi_create_date(env, val.0 as f64, &mut out) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_status(Status::from(status)));
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------
// Helpers shared by the trust model and the bindings
// ---------------------------------------------------------------------------------------

/// An optional string (`undefined` / `null` mean none).
pub fn opt_string(what: &str, v: Option<Unknown<'_>>) -> Result<Option<String>> {
    present(what, v)?.map(|v| string(what, v)).transpose()
}

/// Optional bytes.
pub fn opt_bytes(what: &str, v: Option<Unknown<'_>>) -> Result<Option<Vec<u8>>> {
    present(what, v)?.map(|v| bytes(what, v)).transpose()
}

/// A u32 (a key size in bits, say): a non-negative safe integer below 2^32.
pub fn u32_of(what: &str, v: Unknown<'_>) -> Result<u32> {
    let n = uint(what, v)?;
    u32::try_from(n).map_err(|_| arg_err(what, format!("{n} is too large (at most {})", u32::MAX)))
}

/// A duration in whole seconds.
pub fn seconds(what: &str, v: Unknown<'_>) -> Result<std::time::Duration> {
    Ok(std::time::Duration::from_secs(uint(what, v)?))
}

/// An instant: a `Date`, a number of milliseconds since the epoch, or an xsd:dateTime
/// string (any form core accepts; no zone means UTC).
pub fn instant(what: &str, v: Unknown<'_>) -> Result<wssx::time::Instant> {
    if type_of(what, &v)? == ValueType::String {
        let s = string(what, v)?;
        return wssx::time::Instant::parse(s.trim())
            .map_err(|e| arg_err(what, e.message().to_string()));
    }
    millis(what, v).map(wssx::time::Instant)
}

/// A copy of what `f` reads from the native object behind `v`, when `v` is an instance of
/// the napi class `T` (checked by its type tag, so another class or a look-alike plain
/// object gives None).
///
/// napi-rs hands out tracked `&T` only while it converts a function's own arguments; this
/// reads objects found elsewhere (inside arrays, option objects, `Unknown` arguments).
/// The reference lives only during `f`, runs no JavaScript, and every caller reads a
/// different class than the `&mut self` it may be called from, so it never aliases a
/// mutable borrow.
pub fn with_class<T, R>(v: &Unknown<'_>, f: impl FnOnce(&T) -> R) -> Option<R>
where
    T: napi::bindgen_prelude::TypeTag + 'static,
{
    if v.get_type().ok()? != ValueType::Object {
        return None;
    }
    let raw = v.value();
    let mut wrapped: *mut std::ffi::c_void = std::ptr::null_mut();
    // SAFETY: env and value come from the live call; napi_unwrap only reads the wrap.
    if unsafe { sys::napi_unwrap(raw.env, raw.value, &mut wrapped) } != sys::Status::napi_ok
        || wrapped.is_null()
    {
        return None;
    }
    // SAFETY: as above; the tag check proves the wrap holds a `T` (napi8 type tags).
    let tag =
        unsafe { napi::bindgen_prelude::validate_type_tag(raw.env, raw.value, &T::type_tag(), "") };
    if tag.is_err() {
        return None;
    }
    // SAFETY: the wrapped pointer is the `T` napi-rs allocated for this live object, which
    // the current call's arguments keep alive; see above for aliasing.
    Some(f(unsafe { &*wrapped.cast::<T>() }))
}

/// One XML element from a string or bytes (a standalone fragment: it must declare the
/// namespaces it uses).
pub fn xml_element(what: &str, v: Unknown<'_>) -> Result<wssx::xml::Element> {
    let b = xml_input(what, v)?;
    let doc = wssx::xml::parse(&b).map_err(|e| core_err(e.within(what)))?;
    Ok(doc.root)
}

/// The type of `v` (for the callers that branch on it).
pub fn value_type(what: &str, v: &Unknown<'_>) -> Result<ValueType> {
    type_of(what, v)
}

/// True when `v` is a `Promise` (callbacks must answer synchronously).
pub fn is_promise(env: sys::napi_env, v: sys::napi_value) -> bool {
    let mut yes = false;
    // SAFETY: env and value are live; the check only inspects the value.
    let status = unsafe { sys::napi_is_promise(env, v, &mut yes) };
    status == sys::Status::napi_ok && yes
}

/// A WS-Trust version name ("2005/02", "1.3", "1.4"; core's aliases accepted).
pub fn trust_version(what: &str, v: Unknown<'_>) -> Result<wssx::TrustVersion> {
    let s = string(what, v)?;
    wssx::TrustVersion::from_short_name(&s).ok_or_else(|| {
        arg_err(
            what,
            format!("unknown WS-Trust version '{s}' (use \"2005/02\", \"1.3\" or \"1.4\")"),
        )
    })
}

/// A SOAP version name ("1.1" or "1.2").
pub fn soap_version(what: &str, v: Unknown<'_>) -> Result<wssx::message::SoapVersion> {
    let s = string(what, v)?;
    match s.as_str() {
        "1.1" | "11" => Ok(wssx::message::SoapVersion::Soap11),
        "1.2" | "12" => Ok(wssx::message::SoapVersion::Soap12),
        _ => Err(arg_err(
            what,
            format!("unknown SOAP version '{s}' (use \"1.1\" or \"1.2\")"),
        )),
    }
}

/// The short name of a SOAP version.
pub fn soap_name(v: wssx::message::SoapVersion) -> &'static str {
    wssx::soap::soap_short_name(v)
}

/// A WS-Addressing version name ("2005/08" or "2004/08").
pub fn wsa_version(what: &str, v: Unknown<'_>) -> Result<wssx::soap::WsaVersion> {
    let s = string(what, v)?;
    wssx::soap::WsaVersion::from_short_name(&s).ok_or_else(|| {
        arg_err(
            what,
            format!("unknown WS-Addressing version '{s}' (use \"2005/08\" or \"2004/08\")"),
        )
    })
}

/// Member `key` of an options object, distinguishing absent / `undefined` (None) from
/// `null` (Some(None)): for options where null means "none" rather than "the default".
pub fn nullable_member<'a>(
    obj: &Object<'a>,
    what: &str,
    key: &str,
) -> Result<Option<Option<Unknown<'a>>>> {
    let path = format!("{what}.{key}");
    let v: Option<Unknown<'a>> = obj.get(key).map_err(|e| napi_err(&path, e))?;
    let Some(v) = v else { return Ok(None) };
    match type_of(&path, &v)? {
        ValueType::Undefined => Ok(None),
        ValueType::Null => Ok(Some(None)),
        _ => Ok(Some(Some(v))),
    }
}
