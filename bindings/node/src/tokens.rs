//! The token classes: SecurityContextToken and DerivedKeyToken over the core types.

use crate::conv::{
    arg_err, boolean, bytes, core, member, napi_err, options, present, sc_version, string, uint,
    usize_of, xml_input, JsonValue, Result,
};
use napi::bindgen_prelude::{Buffer, Either, Object, Unknown};
use napi_derive::napi;
use wssx::token::DeriveOptions as CoreDeriveOptions;
use wssx::{
    DerivedKeyToken as CoreDkt, ScVersion as Sc, Secret, SecurityContextToken as CoreSct,
    SecurityTokenReference,
};

/// WS-SecureConversation versions by their short names. Wherever a version is accepted,
/// core's aliases ("2005", "feb2005", "1.4", "200512", ...) are accepted too.
#[napi(string_enum)]
pub enum ScVersion {
    /// February 2005 (`http://schemas.xmlsoap.org/ws/2005/02/sc`), WCF's wsHttpBinding.
    #[napi(value = "2005/02")]
    Feb2005,
    /// OASIS WS-SecureConversation 1.3 (`.../ws-sx/ws-secureconversation/200512`), also 1.4.
    #[napi(value = "1.3")]
    V1_3,
}

impl From<Sc> for ScVersion {
    fn from(v: Sc) -> Self {
        match v {
            Sc::Feb2005 => ScVersion::Feb2005,
            Sc::V1_3 => ScVersion::V1_3,
        }
    }
}

fn version_or(what: &str, v: Option<Unknown<'_>>, default: Sc) -> Result<Sc> {
    match present(what, v)? {
        Some(v) => sc_version(what, v),
        None => Ok(default),
    }
}

fn opt_string(what: &str, v: Option<Unknown<'_>>) -> Result<Option<String>> {
    present(what, v)?.map(|v| string(what, v)).transpose()
}

fn opt_uint(what: &str, v: Option<Unknown<'_>>) -> Result<Option<u64>> {
    present(what, v)?.map(|v| uint(what, v)).transpose()
}

fn opt_bytes(what: &str, v: Option<Unknown<'_>>) -> Result<Option<Vec<u8>>> {
    present(what, v)?.map(|v| bytes(what, v)).transpose()
}

/// Refuse option keys this face does not know: a misspelt limit must not pass unnoticed.
pub(crate) fn known_keys(obj: &Object<'_>, what: &str, allowed: &[&str]) -> Result<()> {
    let keys = Object::keys(obj).map_err(|e| napi_err(what, e))?;
    for k in keys {
        if !allowed.contains(&k.as_str()) {
            return Err(arg_err(
                what,
                format!("unknown option '{k}' (known: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

/// A u64 field as a JS number (exact up to `Number.MAX_SAFE_INTEGER`).
fn num(v: Option<u64>) -> Option<f64> {
    v.map(|v| v as f64)
}

// ---------------------------------------------------------------------------------------
// SecurityContextToken
// ---------------------------------------------------------------------------------------

/// A wsc:SecurityContextToken: the wire name of a security context (WS-SC section 2).
/// The secret is not part of the token.
#[napi]
pub struct SecurityContextToken {
    pub(crate) inner: CoreSct,
}

#[napi]
impl SecurityContextToken {
    /// A token for `identifier` (an absolute URI), written in `version` (default "1.3").
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "string")] identifier: Unknown<'_>,
        #[napi(ts_arg_type = "ScVersion | string")] version: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let identifier = string("identifier", identifier)?;
        let version = version_or("version", version, Sc::V1_3)?;
        Ok(SecurityContextToken {
            inner: core(CoreSct::new(version, identifier))?,
        })
    }

    /// A token with a fresh random `urn:uuid:` identifier (default version "1.3").
    #[napi(factory)]
    pub fn generate(
        #[napi(ts_arg_type = "ScVersion | string")] version: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let version = version_or("version", version, Sc::V1_3)?;
        Ok(SecurityContextToken {
            inner: core(CoreSct::generate(version))?,
        })
    }

    /// Parse a token from XML (a string, or the document's bytes). The version is taken from
    /// the namespace; unknown children and attributes are kept for the round trip.
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        let xml = xml_input("xml", xml)?;
        Ok(SecurityContextToken {
            inner: core(CoreSct::from_xml(&xml))?,
        })
    }

    /// The token as XML (UTF-8).
    #[napi]
    pub fn to_xml(&self) -> Buffer {
        self.inner.to_xml().into_bytes().into()
    }

    /// wsc:Identifier: the absolute URI naming the context.
    #[napi(getter)]
    pub fn identifier(&self) -> String {
        self.inner.identifier.clone()
    }

    /// wsc:Instance: names one key instance of the context; null when absent.
    #[napi(getter)]
    pub fn instance(&self) -> Option<String> {
        self.inner.instance.clone()
    }

    /// Set wsc:Instance; null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_instance(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.instance = opt_string("instance", value)?;
        Ok(())
    }

    /// wsu:Id, for local references (`#id`); null when absent.
    #[napi(getter)]
    pub fn id(&self) -> Option<String> {
        self.inner.id.clone()
    }

    /// Set wsu:Id; null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_id(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.id = opt_string("id", value)?;
        Ok(())
    }

    /// The namespace version the token is written in.
    #[napi(getter)]
    pub fn version(&self) -> ScVersion {
        self.inner.version.into()
    }

    /// Core's JSON description: `{type, version, identifier, instance, id, extensions}`.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        JsonValue(self.inner.to_json())
    }
}

// ---------------------------------------------------------------------------------------
// DerivedKeyToken
// ---------------------------------------------------------------------------------------

// ForContextOptions and DeriveOptions declare the option objects' TypeScript interfaces;
// the options themselves are read key by key (see `derive_options`) so that every bad
// value is an InvalidArgument error naming the option.

/// Options of `DerivedKeyToken.forContext`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct ForContextOptions {
    /// Reference the SCT by its wsu:Id (`#id`, the SCT must have one) or by its
    /// wsc:Identifier (with its wsc:Instance, if any). Default "id", as WCF references an
    /// SCT that travels in the same message.
    #[napi(ts_type = "'id' | 'identifier'")]
    pub by: Option<String>,
    /// Key length in bytes (default 32, which WCF leaves implicit).
    pub length: Option<f64>,
    /// Namespace version of the new token (default: the SCT's).
    #[napi(ts_type = "ScVersion | string")]
    pub version: Option<String>,
}

/// Options of `DerivedKeyToken.derive`: the receiver's defaults where the token is silent,
/// and the limits it enforces (core's DeriveOptions).
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct DeriveOptions {
    /// Label when the token gives none (default `DEFAULT_LABEL`).
    pub label: Option<String>,
    /// Key length in bytes when the token gives none (default 32).
    pub length: Option<f64>,
    /// Nonce when the token gives none (default: none, and such a token is refused).
    #[napi(ts_type = "Buffer | Uint8Array")]
    pub nonce: Option<Buffer>,
    /// Largest accepted offset in bytes, after Generation x Length (default 4096).
    pub max_offset: Option<f64>,
    /// Largest accepted key length in bytes (default 1024).
    pub max_length: Option<f64>,
    /// Largest accepted label in bytes of UTF-8 (default 128).
    pub max_label: Option<f64>,
    /// Largest accepted nonce in bytes (default 128).
    pub max_nonce: Option<f64>,
    /// Longest chain of DerivedKeyTokens derived from DerivedKeyTokens that `verify`
    /// follows (default 4).
    pub max_chain: Option<f64>,
    /// Accept a KeyIdentifier as the derivation source (default false).
    pub allow_key_identifier: Option<bool>,
}

/// wsc:Properties of a DerivedKeyToken: defaults for keys derived from this key.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct DktProperties {
    /// wsc:Name: a URI other DKTs can reference this key by.
    pub name: Option<String>,
    /// wsc:Label default.
    pub label: Option<String>,
    /// wsc:Nonce default.
    pub nonce: Option<Buffer>,
}

/// A wsc:DerivedKeyToken (WS-SC section 7): how to derive a key from a source secret.
#[napi]
pub struct DerivedKeyToken {
    pub(crate) inner: CoreDkt,
}

fn reference(d: &CoreDkt) -> Option<&wssx::token::Reference> {
    d.token_reference
        .as_ref()
        .and_then(|s| s.reference.as_ref())
}

#[napi]
impl DerivedKeyToken {
    /// Not for use: a DerivedKeyToken comes from `DerivedKeyToken.forContext` or
    /// `DerivedKeyToken.fromXml`. (Defined so that `new DerivedKeyToken()` fails with an
    /// InvalidArgument error like every other misuse.)
    #[napi(constructor, skip_typescript)]
    pub fn new() -> Result<Self> {
        Err(arg_err(
            "DerivedKeyToken",
            "no public constructor: use DerivedKeyToken.forContext() or DerivedKeyToken.fromXml()",
        ))
    }

    /// Parse a token from XML (a string, or the document's bytes).
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        let xml = xml_input("xml", xml)?;
        Ok(DerivedKeyToken {
            inner: core(CoreDkt::from_xml(&xml))?,
        })
    }

    /// A new token deriving from `sct`'s secret the way WCF writes one: a fresh 16-byte
    /// nonce, no Label, no Offset, Length only when it is not 32.
    #[napi(factory)]
    pub fn for_context(
        #[napi(ts_arg_type = "SecurityContextToken")] sct: Either<
            &SecurityContextToken,
            Unknown<'_>,
        >,
        #[napi(ts_arg_type = "ForContextOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let sct = security_context_token("sct", sct)?;
        let mut by_id = true;
        let mut length = wssx::crypto::DEFAULT_LENGTH as u64;
        let mut version = sct.version;
        if let Some(o) = options("opts", opts)? {
            known_keys(&o, "opts", &["by", "length", "version"])?;
            if let Some(b) = member(&o, "opts", "by")? {
                by_id = match string("opts.by", b)?.as_str() {
                    "id" => true,
                    "identifier" => false,
                    other => {
                        return Err(arg_err(
                            "opts.by",
                            format!("expected 'id' or 'identifier', got '{other}'"),
                        ))
                    }
                };
            }
            if let Some(l) = member(&o, "opts", "length")? {
                length = uint("opts.length", l)?;
            }
            if let Some(v) = member(&o, "opts", "version")? {
                version = sc_version("opts.version", v)?;
            }
        }
        let source = core(SecurityTokenReference::to_sct(sct, !by_id))?;
        Ok(DerivedKeyToken {
            inner: core(CoreDkt::generate(version, source, length))?,
        })
    }

    /// The token as XML (UTF-8).
    #[napi]
    pub fn to_xml(&self) -> Buffer {
        self.inner.to_xml().into_bytes().into()
    }

    /// The namespace version the token is written in.
    #[napi(getter)]
    pub fn version(&self) -> ScVersion {
        self.inner.version.into()
    }

    /// wsu:Id; null when absent.
    #[napi(getter)]
    pub fn id(&self) -> Option<String> {
        self.inner.id.clone()
    }

    /// Set wsu:Id; null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_id(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.id = opt_string("id", value)?;
        Ok(())
    }

    /// The Algorithm attribute (absent means P_SHA1); null when absent.
    #[napi(getter)]
    pub fn algorithm(&self) -> Option<String> {
        self.inner.algorithm.clone()
    }

    /// Set the Algorithm attribute; null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_algorithm(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.algorithm = opt_string("algorithm", value)?;
        Ok(())
    }

    /// wsc:Nonce (decoded); null when absent.
    #[napi(getter)]
    pub fn nonce(&self) -> Option<Buffer> {
        self.inner.nonce.clone().map(Into::into)
    }

    /// Set wsc:Nonce; null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_nonce(
        &mut self,
        #[napi(ts_arg_type = "Buffer | Uint8Array | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.nonce = opt_bytes("nonce", value)?;
        Ok(())
    }

    /// wsc:Label; null when absent.
    #[napi(getter)]
    pub fn label(&self) -> Option<String> {
        self.inner.label.clone()
    }

    /// Set wsc:Label; null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_label(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.label = opt_string("label", value)?;
        Ok(())
    }

    /// wsc:Offset in bytes; null when absent. (Values above Number.MAX_SAFE_INTEGER, which
    /// no derivation accepts, read as the nearest number.)
    #[napi(getter)]
    pub fn offset(&self) -> Option<f64> {
        num(self.inner.offset)
    }

    /// Set wsc:Offset (a non-negative safe integer); null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_offset(
        &mut self,
        #[napi(ts_arg_type = "number | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.offset = opt_uint("offset", value)?;
        Ok(())
    }

    /// wsc:Length in bytes; null when absent (then the receiver's default, 32, applies).
    #[napi(getter)]
    pub fn length(&self) -> Option<f64> {
        num(self.inner.length)
    }

    /// Set wsc:Length (a non-negative safe integer); null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_length(
        &mut self,
        #[napi(ts_arg_type = "number | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.length = opt_uint("length", value)?;
        Ok(())
    }

    /// wsc:Generation: the key is taken at offset generation x length; null when absent.
    #[napi(getter)]
    pub fn generation(&self) -> Option<f64> {
        num(self.inner.generation)
    }

    /// Set wsc:Generation (a non-negative safe integer); null (or undefined) removes it.
    #[napi(setter)]
    pub fn set_generation(
        &mut self,
        #[napi(ts_arg_type = "number | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.generation = opt_uint("generation", value)?;
        Ok(())
    }

    /// URI of the source reference (`#id` or an SCT Identifier); null when there is none.
    #[napi(getter)]
    pub fn reference_uri(&self) -> Option<String> {
        reference(&self.inner).map(|r| r.uri.clone())
    }

    /// ValueType of the source reference; null when absent.
    #[napi(getter)]
    pub fn reference_value_type(&self) -> Option<String> {
        reference(&self.inner).and_then(|r| r.value_type.clone())
    }

    /// wsc:Instance of the source reference; null when absent.
    #[napi(getter)]
    pub fn reference_instance(&self) -> Option<String> {
        reference(&self.inner).and_then(|r| r.instance.clone())
    }

    /// wsc:Properties; null when absent.
    #[napi(getter)]
    pub fn properties(&self) -> Option<DktProperties> {
        self.inner.properties.as_ref().map(|p| DktProperties {
            name: p.name.clone(),
            label: p.label.clone(),
            nonce: p.nonce.clone().map(Into::into),
        })
    }

    /// Derive this token's key from the source `secret`: P_SHA1 with the token's label,
    /// nonce, offset (or generation x length) and length, `opts` filling in what the token
    /// leaves out and bounding what it asks for.
    #[napi]
    pub fn derive(
        &self,
        #[napi(ts_arg_type = "Buffer | Uint8Array")] secret: Unknown<'_>,
        #[napi(ts_arg_type = "DeriveOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        let secret = Secret::new(bytes("secret", secret)?);
        let opts = derive_options("opts", opts)?;
        let key = core(self.inner.derive_with(secret.expose(), &opts))?;
        Ok(key.expose().to_vec().into())
    }

    /// Core's JSON description: type, version, id, algorithm, nonce (base64), label, offset,
    /// length, generation, reference and properties.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        JsonValue(self.inner.to_json())
    }
}

pub(crate) fn security_context_token<'a>(
    what: &str,
    v: Either<&'a SecurityContextToken, Unknown<'_>>,
) -> Result<&'a CoreSct> {
    match v {
        Either::A(t) => Ok(&t.inner),
        Either::B(_) => Err(arg_err(what, "expected a SecurityContextToken")),
    }
}

/// DeriveOptions read from the options object `opts` (named `what` in errors).
pub(crate) fn derive_options(what: &str, opts: Option<Unknown<'_>>) -> Result<CoreDeriveOptions> {
    let mut d = CoreDeriveOptions::default();
    let Some(o) = options(what, opts)? else {
        return Ok(d);
    };
    known_keys(
        &o,
        what,
        &[
            "label",
            "length",
            "nonce",
            "maxOffset",
            "maxLength",
            "maxLabel",
            "maxNonce",
            "maxChain",
            "allowKeyIdentifier",
        ],
    )?;
    if let Some(v) = member(&o, what, "label")? {
        d.label = string(&format!("{what}.label"), v)?;
    }
    if let Some(v) = member(&o, what, "length")? {
        d.length = uint(&format!("{what}.length"), v)?;
    }
    if let Some(v) = member(&o, what, "nonce")? {
        d.nonce = Some(bytes(&format!("{what}.nonce"), v)?);
    }
    if let Some(v) = member(&o, what, "maxOffset")? {
        d.limits.max_offset = uint(&format!("{what}.maxOffset"), v)?;
    }
    if let Some(v) = member(&o, what, "maxLength")? {
        d.limits.max_length = uint(&format!("{what}.maxLength"), v)?;
    }
    if let Some(v) = member(&o, what, "maxLabel")? {
        d.limits.max_label = usize_of(&format!("{what}.maxLabel"), v)?;
    }
    if let Some(v) = member(&o, what, "maxNonce")? {
        d.limits.max_nonce = usize_of(&format!("{what}.maxNonce"), v)?;
    }
    if let Some(v) = member(&o, what, "maxChain")? {
        d.limits.max_chain = usize_of(&format!("{what}.maxChain"), v)?;
    }
    if let Some(v) = member(&o, what, "allowKeyIdentifier")? {
        d.allow_key_identifier = boolean(&format!("{what}.allowKeyIdentifier"), v)?;
    }
    Ok(d)
}
