//! The WS-Trust message model (core `trust` and `soap`): `RequestSecurityToken`,
//! `RequestSecurityTokenResponse`, `RequestSecurityTokenResponseCollection`, `Envelope`
//! and `Fault`, and the `TrustVersion` names.
//!
//! Conventions of these classes (stated once here and in the generated index.d.ts):
//! - Each class wraps the core value, so everything core reads is kept and written back,
//!   including what the getters do not expose (unknown extension elements, Claims, ...).
//!   Getters return copies: `rst.lifetime.expires = ...` changes nothing; assign the whole
//!   value back (`rst.lifetime = {...}`).
//! - URI-valued fields from core's version table (request type, token type, key type,
//!   computed-key algorithm, binary secret type, status code, action) read as their short
//!   name ("Issue", "SecurityContextToken", "PSHA1", "Nonce", "valid", "RST/SCT") or, for a
//!   URI not in the table, the URI; they are set by name or URI, and written in whichever
//!   version the message is written in.
//! - Whole documents (`toXml()`) come out as UTF-8 Buffers; XML fragments held inside a
//!   message (tokens wssx does not type, encrypted key material, extension elements, header
//!   and body blocks) read as strings and are set as strings or bytes. Each fragment is
//!   standalone: it declares the namespaces it uses.
//! - `toJSON()` is core's JSON description (what `inspect` gives: secrets appear as type
//!   and length only). `toObject()` is a plain object of the getters' values (Buffers,
//!   Dates, SecurityContextToken objects) that `fromObject()` and the constructor accept.

use napi::bindgen_prelude::{Buffer, Either, Either3, Object, ToNapiValue, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use wssx::soap::{
    Addressing, EndpointReference, Envelope as CoreEnvelope, Fault as CoreFault, Header, RelatesTo,
    WsaVersion,
};
use wssx::trust::{
    Action, AppliesTo, BinarySecret, BinarySecretType, ComputedKeyAlgorithm, Entropy, KeyMaterial,
    KeyType, Lifetime, Params, ProofToken as CoreProof, RequestSecurityToken as CoreRst,
    RequestSecurityTokenResponse as CoreRstr, RequestSecurityTokenResponseCollection as CoreRstrc,
    RequestType, RequestedProofToken, RequestedReference, Status, StatusCode, TokenHolder,
    TokenRef, TokenType, TrustMessage,
};
use wssx::xml::{self, Element};
use wssx::{Error, ErrorKind, ScVersion as Sc, Secret, SecurityTokenReference, TrustVersion as Tv};

use crate::conv::{
    arg_err, array, boolean, bytes, core, core_err, instant, member, napi_err, nullable_member,
    opt_bytes, opt_string, options, present, soap_name, soap_version, string, trust_version,
    u32_of, value_type, with_class, wsa_version, xml_element, xml_input, JsDate, JsError,
    JsonValue, Result,
};
use crate::message::ContextId;
use crate::tokens::{known_keys, SecurityContextToken};

// ---------------------------------------------------------------------------------------
// Versions and small conversions
// ---------------------------------------------------------------------------------------

/// WS-Trust versions by their short names. Wherever a version is accepted, core's aliases
/// ("2005", "feb2005", "200512", "200802", ...) are accepted too.
#[napi(string_enum)]
pub enum TrustVersion {
    /// February 2005 (`http://schemas.xmlsoap.org/ws/2005/02/trust`): WCF wsHttpBinding, ADFS.
    #[napi(value = "2005/02")]
    Feb2005,
    /// OASIS WS-Trust 1.3 (`.../ws-sx/ws-trust/200512`): WCF ws2007HttpBinding.
    #[napi(value = "1.3")]
    V1_3,
    /// OASIS WS-Trust 1.4: the 1.3 namespace plus the 1.4 elements (ActAs).
    #[napi(value = "1.4")]
    V1_4,
}

impl From<Tv> for TrustVersion {
    fn from(v: Tv) -> Self {
        match v {
            Tv::Feb2005 => TrustVersion::Feb2005,
            Tv::V1_3 => TrustVersion::V1_3,
            Tv::V1_4 => TrustVersion::V1_4,
        }
    }
}

pub(crate) fn trust_version_or(what: &str, v: Option<Unknown<'_>>, default: Tv) -> Result<Tv> {
    match present(what, v)? {
        Some(v) => trust_version(what, v),
        None => Ok(default),
    }
}

/// A value of one of core's URI tables from its short name or a URI.
macro_rules! table {
    ($t:ident, $what:expr, $s:expr, $label:literal) => {{
        let s: String = $s;
        $t::from_name(s.trim()).ok_or_else(|| {
            let known: Vec<&str> = $t::KNOWN.iter().map(|k| k.name()).collect();
            arg_err(
                $what,
                format!(
                    concat!(
                        "unknown ",
                        $label,
                        " '{}' (use one of {} or an absolute URI)"
                    ),
                    s,
                    known.join(", ")
                ),
            )
        })
    }};
}

fn xml_string(el: &Element) -> String {
    xml::element_to_string(el)
}

fn set_on<V: ToNapiValue>(o: &mut Object<'_>, key: &str, v: V) -> Result<()> {
    o.set(key, v).map_err(|e| napi_err(key, e))
}

/// `[xml, ...]` of XML fragments (strings or bytes).
fn xml_elements(what: &str, v: Unknown<'_>) -> Result<Vec<Element>> {
    array(what, v)?
        .into_iter()
        .enumerate()
        .map(|(i, x)| xml_element(&format!("{what}[{i}]"), x))
        .collect()
}

/// Apply every own key of `init` through `set`, refusing keys it does not know.
fn apply_init(
    what: &str,
    init: &Object<'_>,
    skip: &[&str],
    set: &mut dyn FnMut(&str, Option<Unknown<'_>>) -> Result<bool>,
) -> Result<()> {
    let keys = Object::keys(init).map_err(|e| napi_err(what, e))?;
    for k in keys {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let v: Option<Unknown<'_>> = init
            .get(&k)
            .map_err(|e| napi_err(&format!("{what}.{k}"), e))?;
        if !set(&k, v)? {
            return Err(arg_err(what, format!("unknown field '{k}'")));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Plain-object shapes
// ---------------------------------------------------------------------------------------

/// wst:Lifetime: wsu:Created and wsu:Expires (null when that end is open).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct TokenLifetime {
    /// wsu:Created.
    #[napi(ts_type = "Date | null")]
    pub created: Option<JsDate>,
    /// wsu:Expires.
    #[napi(ts_type = "Date | null")]
    pub expires: Option<JsDate>,
}

/// A lifetime to set: each end a Date, milliseconds since the epoch or an xsd:dateTime
/// string; an absent or null end is open. Expires before Created is "InvalidTimeRange".
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct TokenLifetimeInit {
    /// wsu:Created.
    #[napi(ts_type = "Date | number | string | null")]
    pub created: Option<f64>,
    /// wsu:Expires.
    #[napi(ts_type = "Date | number | string | null")]
    pub expires: Option<f64>,
}

/// The content of a wst:RequestedProofToken. `kind` says which other fields are set:
/// "binarySecret" (`secret`, `secretType`), "computedKey" (`algorithm`: "PSHA1", ...),
/// "encryptedKey" (`xml`: the xenc:EncryptedKey), "reference" (`xml`: a
/// wsse:SecurityTokenReference) or "other" (`xml`).
#[napi(object, object_from_js = false)]
pub struct ProofToken {
    /// Which form the proof takes.
    #[napi(ts_type = "'binarySecret' | 'computedKey' | 'encryptedKey' | 'reference' | 'other'")]
    pub kind: String,
    /// The key bytes (binarySecret).
    #[napi(ts_type = "Buffer | Uint8Array")]
    pub secret: Option<Buffer>,
    /// The BinarySecret @Type ("SymmetricKey", "AsymmetricKey", "Nonce" or a URI; absent
    /// means SymmetricKey).
    pub secret_type: Option<String>,
    /// The computed-key algorithm (computedKey): "PSHA1", "HASH" or a URI.
    pub algorithm: Option<String>,
    /// The element (encryptedKey, reference, other).
    #[napi(ts_type = "string | Buffer")]
    pub xml: Option<String>,
}

/// wst:Status of a validation response.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct TrustStatus {
    /// wst:Code: "valid", "invalid" or a URI.
    pub code: String,
    /// wst:Reason.
    pub reason: Option<String>,
}

// The Fields interfaces declare what `toObject()` returns and what the constructors and
// `fromObject()` accept (every key optional); the values are read key by key.

/// The fields of a RequestSecurityToken (see the class's getters).
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct RequestSecurityTokenFields {
    /// The version to write by default (default "1.3").
    #[napi(ts_type = "TrustVersion | string")]
    pub version: Option<String>,
    /// @Context.
    #[napi(ts_type = "string | null")]
    pub context: Option<String>,
    /// wst:RequestType (default "Issue").
    pub request_type: Option<String>,
    /// wst:RenewTarget.
    #[napi(ts_type = "SecurityContextToken | TokenTargetReference | string | Buffer | null")]
    pub renew_target: Option<String>,
    /// wst:CancelTarget.
    #[napi(ts_type = "SecurityContextToken | TokenTargetReference | string | Buffer | null")]
    pub cancel_target: Option<String>,
    /// wst:ValidateTarget.
    #[napi(ts_type = "SecurityContextToken | TokenTargetReference | string | Buffer | null")]
    pub validate_target: Option<String>,
    /// The parameters RST and RSTR share.
    #[napi(ts_type = "string | null")]
    pub token_type: Option<String>,
    /// wst:KeyType.
    #[napi(ts_type = "string | null")]
    pub key_type: Option<String>,
    /// wst:KeySize in bits.
    #[napi(ts_type = "number | null")]
    pub key_size: Option<f64>,
    /// wst:Lifetime.
    #[napi(ts_type = "TokenLifetime | TokenLifetimeInit | null")]
    pub lifetime: Option<f64>,
    /// wst:Entropy/wst:BinarySecret bytes.
    #[napi(ts_type = "Buffer | Uint8Array | null")]
    pub entropy: Option<f64>,
    /// The BinarySecret @Type of the entropy.
    #[napi(ts_type = "string | null")]
    pub entropy_type: Option<String>,
    /// Encrypted entropy (xenc:EncryptedKey / EncryptedData), as XML.
    #[napi(ts_type = "string | Buffer | null")]
    pub entropy_xml: Option<String>,
    /// wst:ComputedKeyAlgorithm.
    #[napi(ts_type = "string | null")]
    pub computed_key_algorithm: Option<String>,
    /// wsp:AppliesTo endpoint address.
    #[napi(ts_type = "string | null")]
    pub applies_to: Option<String>,
    /// wst:KeyWrapAlgorithm.
    #[napi(ts_type = "string | null")]
    pub key_wrap_algorithm: Option<String>,
    /// wst:SignatureAlgorithm.
    #[napi(ts_type = "string | null")]
    pub signature_algorithm: Option<String>,
    /// wst:EncryptionAlgorithm.
    #[napi(ts_type = "string | null")]
    pub encryption_algorithm: Option<String>,
    /// wst:CanonicalizationAlgorithm.
    #[napi(ts_type = "string | null")]
    pub canonicalization_algorithm: Option<String>,
    /// wst:AuthenticationType.
    #[napi(ts_type = "string | null")]
    pub authentication_type: Option<String>,
    /// wst:SignWith.
    #[napi(ts_type = "string | null")]
    pub sign_with: Option<String>,
    /// wst:EncryptWith.
    #[napi(ts_type = "string | null")]
    pub encrypt_with: Option<String>,
    /// Extension elements, as XML.
    #[napi(ts_type = "Array<string | Buffer>")]
    pub extensions: Option<Vec<String>>,
}

/// The fields of a RequestSecurityTokenResponse (see the class's getters).
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct RequestSecurityTokenResponseFields {
    /// The version to write by default (default "1.3").
    #[napi(ts_type = "TrustVersion | string")]
    pub version: Option<String>,
    /// @Context.
    #[napi(ts_type = "string | null")]
    pub context: Option<String>,
    /// wst:RequestType, when echoed.
    #[napi(ts_type = "string | null")]
    pub request_type: Option<String>,
    /// wst:RequestedSecurityToken.
    #[napi(ts_type = "SecurityContextToken | string | Buffer | null")]
    pub requested_token: Option<String>,
    /// The first wst:RequestedProofToken.
    #[napi(ts_type = "ProofToken | null")]
    pub proof: Option<String>,
    /// Every wst:RequestedProofToken.
    #[napi(ts_type = "Array<ProofToken>")]
    pub proofs: Option<String>,
    /// wst:RequestedAttachedReference.
    #[napi(ts_type = "string | null")]
    pub attached_reference: Option<String>,
    /// wst:RequestedUnattachedReference.
    #[napi(ts_type = "string | null")]
    pub unattached_reference: Option<String>,
    /// wst:RequestedTokenCancelled.
    pub cancelled: Option<bool>,
    /// wst:Status.
    #[napi(ts_type = "{ code: string; reason?: string | null } | null")]
    pub status: Option<String>,
    /// The parameters RST and RSTR share.
    #[napi(ts_type = "string | null")]
    pub token_type: Option<String>,
    /// wst:KeyType.
    #[napi(ts_type = "string | null")]
    pub key_type: Option<String>,
    /// wst:KeySize in bits.
    #[napi(ts_type = "number | null")]
    pub key_size: Option<f64>,
    /// wst:Lifetime.
    #[napi(ts_type = "TokenLifetime | TokenLifetimeInit | null")]
    pub lifetime: Option<f64>,
    /// wst:Entropy/wst:BinarySecret bytes (issuer entropy).
    #[napi(ts_type = "Buffer | Uint8Array | null")]
    pub entropy: Option<f64>,
    /// The BinarySecret @Type of the entropy.
    #[napi(ts_type = "string | null")]
    pub entropy_type: Option<String>,
    /// Encrypted entropy, as XML.
    #[napi(ts_type = "string | Buffer | null")]
    pub entropy_xml: Option<String>,
    /// wst:ComputedKeyAlgorithm.
    #[napi(ts_type = "string | null")]
    pub computed_key_algorithm: Option<String>,
    /// wsp:AppliesTo endpoint address.
    #[napi(ts_type = "string | null")]
    pub applies_to: Option<String>,
    /// wst:KeyWrapAlgorithm.
    #[napi(ts_type = "string | null")]
    pub key_wrap_algorithm: Option<String>,
    /// wst:SignatureAlgorithm.
    #[napi(ts_type = "string | null")]
    pub signature_algorithm: Option<String>,
    /// wst:EncryptionAlgorithm.
    #[napi(ts_type = "string | null")]
    pub encryption_algorithm: Option<String>,
    /// wst:CanonicalizationAlgorithm.
    #[napi(ts_type = "string | null")]
    pub canonicalization_algorithm: Option<String>,
    /// wst:AuthenticationType.
    #[napi(ts_type = "string | null")]
    pub authentication_type: Option<String>,
    /// wst:SignWith.
    #[napi(ts_type = "string | null")]
    pub sign_with: Option<String>,
    /// wst:EncryptWith.
    #[napi(ts_type = "string | null")]
    pub encrypt_with: Option<String>,
    /// Extension elements, as XML.
    #[napi(ts_type = "Array<string | Buffer>")]
    pub extensions: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------------------
// Tokens held in messages
// ---------------------------------------------------------------------------------------

/// A token held by a target, OnBehalfOf etc. as JS: the SCT, a ContextId for a reference
/// (by Identifier, or by `#id` for a local reference), or the XML of anything else.
type HeldToken = Either3<SecurityContextToken, ContextId, String>;

fn held_token(t: &TokenRef, v: Tv) -> HeldToken {
    match t {
        TokenRef::SecurityContext(s) => Either3::A(SecurityContextToken { inner: s.clone() }),
        TokenRef::Reference(s) => match &s.reference {
            Some(r) => Either3::B(ContextId {
                identifier: r.uri.clone(),
                instance: r.instance.clone(),
            }),
            None => Either3::C(xml_string(&t.to_element(v))),
        },
        other => Either3::C(xml_string(&other.to_element(v))),
    }
}

/// A token argument: a SecurityContextToken, a `{identifier, instance?}` object or an
/// Identifier string (a reference by Identifier, with the SCT ValueType of `sc`), or XML
/// (a string beginning with '<', or bytes) of any token or reference.
fn token_arg(what: &str, v: Unknown<'_>, sc: Sc) -> Result<TokenRef> {
    if let Some(t) = with_class(&v, |t: &SecurityContextToken| t.inner.clone()) {
        return Ok(TokenRef::SecurityContext(t));
    }
    let expected = "expected a SecurityContextToken, an Identifier string, an {identifier, instance} object or XML";
    match value_type(what, &v)? {
        ValueType::String => {
            let s = string(what, v)?;
            let t = s.trim();
            if t.starts_with('<') {
                let doc = xml::parse(t.as_bytes()).map_err(|e| core_err(e.within(what)))?;
                return core(TokenRef::from_element(&doc.root).map_err(|e| e.within(what)));
            }
            if t.is_empty() {
                return Err(arg_err(what, "an empty context Identifier"));
            }
            Ok(TokenRef::Reference(SecurityTokenReference::to_identifier(
                sc, t, None,
            )))
        }
        ValueType::Object => {
            if let Ok(b) = bytes(what, Unknown::clone(&v)) {
                let doc = xml::parse(&b).map_err(|e| core_err(e.within(what)))?;
                return core(TokenRef::from_element(&doc.root).map_err(|e| e.within(what)));
            }
            let o = options(what, Some(v))
                .map_err(|_| arg_err(what, expected))?
                .ok_or_else(|| arg_err(what, expected))?;
            known_keys(&o, what, &["identifier", "instance"])?;
            let id = member(&o, what, "identifier")?
                .ok_or_else(|| arg_err(what, "the object has no identifier"))?;
            let id = string(&format!("{what}.identifier"), id)?;
            let instance = opt_string(&format!("{what}.instance"), member(&o, what, "instance")?)?;
            Ok(TokenRef::Reference(SecurityTokenReference::to_identifier(
                sc,
                &id,
                instance.as_deref(),
            )))
        }
        _ => Err(arg_err(what, expected)),
    }
}

fn holder_arg(what: &str, v: Option<Unknown<'_>>, version: Tv) -> Result<Option<TokenHolder>> {
    present(what, v)?
        .map(|v| token_arg(what, v, version.sc()).map(TokenHolder::new))
        .transpose()
}

fn proof_js(p: &CoreProof) -> ProofToken {
    let mut out = ProofToken {
        kind: String::new(),
        secret: None,
        secret_type: None,
        algorithm: None,
        xml: None,
    };
    match p {
        CoreProof::BinarySecret(b) => {
            out.kind = "binarySecret".into();
            out.secret = Some(b.secret.expose().to_vec().into());
            out.secret_type = b.secret_type.as_ref().map(|t| t.name().to_string());
        }
        CoreProof::ComputedKey(a) => {
            out.kind = "computedKey".into();
            out.algorithm = Some(a.name().to_string());
        }
        CoreProof::EncryptedKey(e) => {
            out.kind = "encryptedKey".into();
            out.xml = Some(xml_string(e));
        }
        CoreProof::Reference(_) => {
            out.kind = "reference".into();
            if let CoreProof::Reference(s) = p {
                out.xml = Some(s.to_xml());
            }
        }
        CoreProof::Other(e) => {
            out.kind = "other".into();
            out.xml = Some(xml_string(e));
        }
    }
    out
}

fn proof_arg(what: &str, v: Unknown<'_>) -> Result<CoreProof> {
    let o =
        options(what, Some(v))?.ok_or_else(|| arg_err(what, "expected a proof token object"))?;
    known_keys(
        &o,
        what,
        &["kind", "secret", "secretType", "algorithm", "xml"],
    )?;
    let kind =
        member(&o, what, "kind")?.ok_or_else(|| arg_err(what, "the proof token has no kind"))?;
    let kind = string(&format!("{what}.kind"), kind)?;
    let xml_of = |o: &Object<'_>| -> Result<Element> {
        let x = member(o, what, "xml")?
            .ok_or_else(|| arg_err(what, format!("a '{kind}' proof token needs xml")))?;
        xml_element(&format!("{what}.xml"), x)
    };
    Ok(match kind.as_str() {
        "binarySecret" => {
            let s = member(&o, what, "secret")?.ok_or_else(|| arg_err(what, "a binarySecret proof token needs secret"))?;
            let secret = Secret::new(bytes(&format!("{what}.secret"), s)?);
            let secret_type = opt_string(&format!("{what}.secretType"), member(&o, what, "secretType")?)?
                .map(|t| table!(BinarySecretType, &format!("{what}.secretType"), t, "binary secret type"))
                .transpose()?;
            CoreProof::BinarySecret(BinarySecret { secret_type, secret, other_attributes: Vec::new() })
        }
        "computedKey" => {
            let a = opt_string(&format!("{what}.algorithm"), member(&o, what, "algorithm")?)?
                .unwrap_or_else(|| "PSHA1".to_string());
            CoreProof::ComputedKey(table!(ComputedKeyAlgorithm, &format!("{what}.algorithm"), a, "computed key algorithm")?)
        }
        "encryptedKey" => CoreProof::EncryptedKey(xml_of(&o)?),
        "reference" => {
            let el = xml_of(&o)?;
            CoreProof::Reference(core(SecurityTokenReference::from_element(&el).map_err(|e| e.within(what)))?)
        }
        "other" => CoreProof::Other(xml_of(&o)?),
        other => {
            return Err(arg_err(
                &format!("{what}.kind"),
                format!("unknown proof token kind '{other}' (use 'binarySecret', 'computedKey', 'encryptedKey', 'reference' or 'other')"),
            ))
        }
    })
}

fn reference_js(r: &Option<RequestedReference>) -> Option<String> {
    r.as_ref().map(|r| match &r.reference.reference {
        Some(x) => x.uri.clone(),
        None => r.reference.to_xml(),
    })
}

/// A requested reference: "#id" (a local reference with the SCT ValueType), an Identifier
/// URI (a reference by Identifier), or XML of a wsse:SecurityTokenReference.
fn reference_arg(
    what: &str,
    v: Option<Unknown<'_>>,
    version: Tv,
) -> Result<Option<RequestedReference>> {
    let Some(v) = present(what, v)? else {
        return Ok(None);
    };
    let sc = version.sc();
    let s = match value_type(what, &v)? {
        ValueType::String => string(what, v)?,
        _ => String::from_utf8(xml_input(what, v)?)
            .map_err(|_| arg_err(what, "the XML is not UTF-8"))?,
    };
    let t = s.trim();
    let r = if t.starts_with('<') {
        let doc = xml::parse(t.as_bytes()).map_err(|e| core_err(e.within(what)))?;
        core(SecurityTokenReference::from_element(&doc.root).map_err(|e| e.within(what)))?
    } else if let Some(id) = t.strip_prefix('#') {
        let mut r = SecurityTokenReference::to_id(id, Some(sc.sct_token_type()));
        r.sc_version = Some(sc);
        r
    } else if t.is_empty() {
        return Err(arg_err(what, "an empty reference"));
    } else {
        SecurityTokenReference::to_identifier(sc, t, None)
    };
    Ok(Some(RequestedReference::new(r)))
}

// ---------------------------------------------------------------------------------------
// The parameters RST and RSTR share
// ---------------------------------------------------------------------------------------

fn lifetime_js(p: &Params) -> Option<TokenLifetime> {
    p.lifetime.as_ref().map(|l| TokenLifetime {
        created: l.created.map(|c| JsDate(c.millis())),
        expires: l.expires.map(|e| JsDate(e.millis())),
    })
}

fn lifetime_arg(what: &str, v: Option<Unknown<'_>>) -> Result<Option<Lifetime>> {
    let Some(o) = options(what, v)? else {
        return Ok(None);
    };
    known_keys(&o, what, &["created", "expires"])?;
    let end = |key: &str| -> Result<Option<wssx::time::Instant>> {
        member(&o, what, key)?
            .map(|x| instant(&format!("{what}.{key}"), x))
            .transpose()
    };
    let (created, expires) = (end("created")?, end("expires")?);
    Ok(Some(match (created, expires) {
        (Some(c), Some(e)) => core(
            Lifetime::between(c, e).map_err(|e| Error::at(e.kind(), what, e.message().to_string())),
        )?,
        (c, e) => Lifetime {
            created: c,
            expires: e,
            other_attributes: Vec::new(),
        },
    }))
}

fn entropy_js(p: &Params) -> Option<Buffer> {
    match p.entropy.as_ref().map(|e| &e.material) {
        Some(KeyMaterial::BinarySecret(b)) => Some(b.secret.expose().to_vec().into()),
        _ => None,
    }
}

fn set_entropy(p: &mut Params, what: &str, v: Option<Unknown<'_>>) -> Result<()> {
    let Some(b) = opt_bytes(what, v)? else {
        if matches!(
            p.entropy.as_ref().map(|e| &e.material),
            Some(KeyMaterial::BinarySecret(_))
        ) {
            p.entropy = None;
        }
        return Ok(());
    };
    let kind = match p.entropy.as_ref().map(|e| &e.material) {
        Some(KeyMaterial::BinarySecret(old)) => old.secret_type.clone(),
        _ => Some(BinarySecretType::Nonce),
    };
    let attrs = p
        .entropy
        .take()
        .map(|e| e.other_attributes)
        .unwrap_or_default();
    let bs = BinarySecret {
        secret_type: kind,
        secret: Secret::new(b),
        other_attributes: Vec::new(),
    };
    p.entropy = Some(Entropy {
        material: KeyMaterial::BinarySecret(bs),
        other_attributes: attrs,
    });
    Ok(())
}

fn entropy_type_js(p: &Params) -> Option<String> {
    match p.entropy.as_ref().map(|e| &e.material) {
        Some(KeyMaterial::BinarySecret(b)) => b.secret_type.as_ref().map(|t| t.name().to_string()),
        _ => None,
    }
}

fn set_entropy_type(p: &mut Params, what: &str, v: Option<Unknown<'_>>) -> Result<()> {
    let t = opt_string(what, v)?
        .map(|s| table!(BinarySecretType, what, s, "binary secret type"))
        .transpose()?;
    match p.entropy.as_mut().map(|e| &mut e.material) {
        Some(KeyMaterial::BinarySecret(b)) => {
            b.secret_type = t;
            Ok(())
        }
        _ if t.is_none() => Ok(()),
        _ => Err(arg_err(
            what,
            "set entropy (bytes) before its type: the message carries no BinarySecret entropy",
        )),
    }
}

fn entropy_xml_js(p: &Params) -> Option<String> {
    match p.entropy.as_ref().map(|e| &e.material) {
        Some(
            KeyMaterial::EncryptedKey(e) | KeyMaterial::EncryptedData(e) | KeyMaterial::Other(e),
        ) => Some(xml_string(e)),
        _ => None,
    }
}

fn set_entropy_xml(p: &mut Params, what: &str, v: Option<Unknown<'_>>) -> Result<()> {
    let Some(v) = present(what, v)? else {
        if !matches!(
            p.entropy.as_ref().map(|e| &e.material),
            Some(KeyMaterial::BinarySecret(_))
        ) {
            p.entropy = None;
        }
        return Ok(());
    };
    let el = xml_element(what, v)?;
    let material = if el.is(wssx::ns::XENC, "EncryptedKey") {
        KeyMaterial::EncryptedKey(el)
    } else if el.is(wssx::ns::XENC, "EncryptedData") {
        KeyMaterial::EncryptedData(el)
    } else {
        KeyMaterial::Other(el)
    };
    let attrs = p
        .entropy
        .take()
        .map(|e| e.other_attributes)
        .unwrap_or_default();
    p.entropy = Some(Entropy {
        material,
        other_attributes: attrs,
    });
    Ok(())
}

fn applies_to_js(p: &Params) -> Option<String> {
    p.applies_to
        .as_ref()
        .and_then(|a| a.endpoint_address())
        .map(str::to_string)
}

fn set_applies_to(p: &mut Params, version: Tv, what: &str, v: Option<Unknown<'_>>) -> Result<()> {
    p.applies_to = match opt_string(what, v)? {
        None => None,
        Some(a) => {
            let wsa = match version {
                Tv::Feb2005 => WsaVersion::V2004_08,
                _ => WsaVersion::V2005_08,
            };
            Some(AppliesTo::address(wsa, a))
        }
    };
    Ok(())
}

fn opt_text(p: &mut Option<String>, what: &str, v: Option<Unknown<'_>>) -> Result<()> {
    *p = opt_string(what, v)?;
    Ok(())
}

/// Set the shared parameter `key`; Ok(false) when `key` is not one.
fn set_param(p: &mut Params, version: Tv, key: &str, v: Option<Unknown<'_>>) -> Result<bool> {
    let what = key;
    match key {
        "tokenType" => {
            p.token_type = opt_string(what, v)?
                .map(|s| table!(TokenType, what, s, "token type"))
                .transpose()?
        }
        "keyType" => {
            p.key_type = opt_string(what, v)?
                .map(|s| table!(KeyType, what, s, "key type"))
                .transpose()?
        }
        "keySize" => p.key_size = present(what, v)?.map(|x| u32_of(what, x)).transpose()?,
        "lifetime" => p.lifetime = lifetime_arg(what, v)?,
        "entropy" => set_entropy(p, what, v)?,
        "entropyType" => set_entropy_type(p, what, v)?,
        "entropyXml" => set_entropy_xml(p, what, v)?,
        "computedKeyAlgorithm" => {
            p.computed_key_algorithm = opt_string(what, v)?
                .map(|s| table!(ComputedKeyAlgorithm, what, s, "computed key algorithm"))
                .transpose()?
        }
        "appliesTo" => set_applies_to(p, version, what, v)?,
        "keyWrapAlgorithm" => opt_text(&mut p.key_wrap_algorithm, what, v)?,
        "signatureAlgorithm" => opt_text(&mut p.signature_algorithm, what, v)?,
        "encryptionAlgorithm" => opt_text(&mut p.encryption_algorithm, what, v)?,
        "canonicalizationAlgorithm" => opt_text(&mut p.canonicalization_algorithm, what, v)?,
        "authenticationType" => opt_text(&mut p.authentication_type, what, v)?,
        "signWith" => opt_text(&mut p.sign_with, what, v)?,
        "encryptWith" => opt_text(&mut p.encrypt_with, what, v)?,
        "extensions" => {
            p.extensions = match present(what, v)? {
                None => Vec::new(),
                Some(x) => xml_elements(what, x)?,
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The shared parameters into a plain object.
fn params_into(p: &Params, o: &mut Object<'_>) -> Result<()> {
    set_on(
        o,
        "tokenType",
        p.token_type.as_ref().map(|t| t.name().to_string()),
    )?;
    set_on(
        o,
        "keyType",
        p.key_type.as_ref().map(|t| t.name().to_string()),
    )?;
    set_on(o, "keySize", p.key_size)?;
    set_on(o, "lifetime", lifetime_js(p))?;
    set_on(o, "entropy", entropy_js(p))?;
    set_on(o, "entropyType", entropy_type_js(p))?;
    set_on(o, "entropyXml", entropy_xml_js(p))?;
    set_on(
        o,
        "computedKeyAlgorithm",
        p.computed_key_algorithm
            .as_ref()
            .map(|a| a.name().to_string()),
    )?;
    set_on(o, "appliesTo", applies_to_js(p))?;
    set_on(o, "keyWrapAlgorithm", p.key_wrap_algorithm.clone())?;
    set_on(o, "signatureAlgorithm", p.signature_algorithm.clone())?;
    set_on(o, "encryptionAlgorithm", p.encryption_algorithm.clone())?;
    set_on(
        o,
        "canonicalizationAlgorithm",
        p.canonicalization_algorithm.clone(),
    )?;
    set_on(o, "authenticationType", p.authentication_type.clone())?;
    set_on(o, "signWith", p.sign_with.clone())?;
    set_on(o, "encryptWith", p.encrypt_with.clone())?;
    set_on(
        o,
        "extensions",
        p.extensions.iter().map(xml_string).collect::<Vec<_>>(),
    )?;
    Ok(())
}

/// Getters and setters of the parameters RST and RSTR share (`$t` has `inner.params` and
/// `inner.version`).
macro_rules! shared_params {
    ($t:ident) => {
        #[napi]
        impl $t {
            /// wst:TokenType: "SecurityContextToken", "DerivedKeyToken", "Status" or a URI;
            /// null when absent.
            #[napi(getter)]
            pub fn token_type(&self) -> Option<String> {
                self.inner
                    .params
                    .token_type
                    .as_ref()
                    .map(|t| t.name().to_string())
            }

            /// Set wst:TokenType (a name or a URI); null removes it.
            #[napi(setter)]
            pub fn set_token_type(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "tokenType",
                    value,
                )
                .map(drop)
            }

            /// wst:KeyType: "SymmetricKey", "PublicKey", "Bearer" or a URI; null when absent.
            #[napi(getter)]
            pub fn key_type(&self) -> Option<String> {
                self.inner
                    .params
                    .key_type
                    .as_ref()
                    .map(|t| t.name().to_string())
            }

            /// Set wst:KeyType (a name or a URI); null removes it.
            #[napi(setter)]
            pub fn set_key_type(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(&mut self.inner.params, self.inner.version, "keyType", value).map(drop)
            }

            /// wst:KeySize in bits; null when absent.
            #[napi(getter)]
            pub fn key_size(&self) -> Option<u32> {
                self.inner.params.key_size
            }

            /// Set wst:KeySize (bits); null removes it.
            #[napi(setter)]
            pub fn set_key_size(
                &mut self,
                #[napi(ts_arg_type = "number | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(&mut self.inner.params, self.inner.version, "keySize", value).map(drop)
            }

            /// wst:Lifetime; null when absent.
            #[napi(getter)]
            pub fn lifetime(&self) -> Option<TokenLifetime> {
                lifetime_js(&self.inner.params)
            }

            /// Set wst:Lifetime; null removes it. Expires before Created is "InvalidTimeRange".
            #[napi(setter)]
            pub fn set_lifetime(
                &mut self,
                #[napi(ts_arg_type = "TokenLifetime | TokenLifetimeInit | null")] value: Option<
                    Unknown<'_>,
                >,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "lifetime",
                    value,
                )
                .map(drop)
            }

            /// The bytes of wst:Entropy when it is a clear wst:BinarySecret; null otherwise.
            #[napi(getter)]
            pub fn entropy(&self) -> Option<Buffer> {
                entropy_js(&self.inner.params)
            }

            /// Set wst:Entropy to a BinarySecret of these bytes (its @Type stays, or is "Nonce"
            /// for new entropy); null removes BinarySecret entropy.
            #[napi(setter)]
            pub fn set_entropy(
                &mut self,
                #[napi(ts_arg_type = "Buffer | Uint8Array | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(&mut self.inner.params, self.inner.version, "entropy", value).map(drop)
            }

            /// The @Type of BinarySecret entropy: "Nonce", "SymmetricKey", "AsymmetricKey" or a
            /// URI; null when absent (which means SymmetricKey) or when there is no such entropy.
            #[napi(getter)]
            pub fn entropy_type(&self) -> Option<String> {
                entropy_type_js(&self.inner.params)
            }

            /// Set the @Type of the BinarySecret entropy (set `entropy` first); null removes it.
            #[napi(setter)]
            pub fn set_entropy_type(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "entropyType",
                    value,
                )
                .map(drop)
            }

            /// Encrypted entropy (xenc:EncryptedKey / xenc:EncryptedData, or any other
            /// element) as XML; null when the entropy is clear or absent.
            #[napi(getter)]
            pub fn entropy_xml(&self) -> Option<String> {
                entropy_xml_js(&self.inner.params)
            }

            /// Set the entropy to this element; null removes encrypted entropy.
            #[napi(setter)]
            pub fn set_entropy_xml(
                &mut self,
                #[napi(ts_arg_type = "string | Buffer | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "entropyXml",
                    value,
                )
                .map(drop)
            }

            /// wst:ComputedKeyAlgorithm: "PSHA1", "HASH" or a URI; null when absent.
            #[napi(getter)]
            pub fn computed_key_algorithm(&self) -> Option<String> {
                self.inner
                    .params
                    .computed_key_algorithm
                    .as_ref()
                    .map(|a| a.name().to_string())
            }

            /// Set wst:ComputedKeyAlgorithm (a name or a URI); null removes it.
            #[napi(setter)]
            pub fn set_computed_key_algorithm(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "computedKeyAlgorithm",
                    value,
                )
                .map(drop)
            }

            /// The address of the wsp:AppliesTo endpoint reference; null when absent.
            #[napi(getter)]
            pub fn applies_to(&self) -> Option<String> {
                applies_to_js(&self.inner.params)
            }

            /// Set wsp:AppliesTo to an endpoint reference with this address (WS-Addressing
            /// 2004/08 in a Feb 2005 message, else 2005/08); null removes it.
            #[napi(setter)]
            pub fn set_applies_to(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "appliesTo",
                    value,
                )
                .map(drop)
            }

            /// wst:KeyWrapAlgorithm (URI); null when absent.
            #[napi(getter)]
            pub fn key_wrap_algorithm(&self) -> Option<String> {
                self.inner.params.key_wrap_algorithm.clone()
            }

            /// Set wst:KeyWrapAlgorithm; null removes it.
            #[napi(setter)]
            pub fn set_key_wrap_algorithm(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "keyWrapAlgorithm",
                    value,
                )
                .map(drop)
            }

            /// wst:SignatureAlgorithm (URI); null when absent.
            #[napi(getter)]
            pub fn signature_algorithm(&self) -> Option<String> {
                self.inner.params.signature_algorithm.clone()
            }

            /// Set wst:SignatureAlgorithm; null removes it.
            #[napi(setter)]
            pub fn set_signature_algorithm(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "signatureAlgorithm",
                    value,
                )
                .map(drop)
            }

            /// wst:EncryptionAlgorithm (URI); null when absent.
            #[napi(getter)]
            pub fn encryption_algorithm(&self) -> Option<String> {
                self.inner.params.encryption_algorithm.clone()
            }

            /// Set wst:EncryptionAlgorithm; null removes it.
            #[napi(setter)]
            pub fn set_encryption_algorithm(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "encryptionAlgorithm",
                    value,
                )
                .map(drop)
            }

            /// wst:CanonicalizationAlgorithm (URI); null when absent.
            #[napi(getter)]
            pub fn canonicalization_algorithm(&self) -> Option<String> {
                self.inner.params.canonicalization_algorithm.clone()
            }

            /// Set wst:CanonicalizationAlgorithm; null removes it.
            #[napi(setter)]
            pub fn set_canonicalization_algorithm(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "canonicalizationAlgorithm",
                    value,
                )
                .map(drop)
            }

            /// wst:AuthenticationType (URI); null when absent.
            #[napi(getter)]
            pub fn authentication_type(&self) -> Option<String> {
                self.inner.params.authentication_type.clone()
            }

            /// Set wst:AuthenticationType; null removes it.
            #[napi(setter)]
            pub fn set_authentication_type(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "authenticationType",
                    value,
                )
                .map(drop)
            }

            /// wst:SignWith (URI); null when absent.
            #[napi(getter)]
            pub fn sign_with(&self) -> Option<String> {
                self.inner.params.sign_with.clone()
            }

            /// Set wst:SignWith; null removes it.
            #[napi(setter)]
            pub fn set_sign_with(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "signWith",
                    value,
                )
                .map(drop)
            }

            /// wst:EncryptWith (URI); null when absent.
            #[napi(getter)]
            pub fn encrypt_with(&self) -> Option<String> {
                self.inner.params.encrypt_with.clone()
            }

            /// Set wst:EncryptWith; null removes it.
            #[napi(setter)]
            pub fn set_encrypt_with(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "encryptWith",
                    value,
                )
                .map(drop)
            }

            /// Child elements wssx does not type, in order, as XML.
            #[napi(getter)]
            pub fn extensions(&self) -> Vec<String> {
                self.inner
                    .params
                    .extensions
                    .iter()
                    .map(xml_string)
                    .collect()
            }

            /// Replace the extension elements (XML strings or bytes); null removes them all.
            #[napi(setter)]
            pub fn set_extensions(
                &mut self,
                #[napi(ts_arg_type = "Array<string | Buffer> | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                set_param(
                    &mut self.inner.params,
                    self.inner.version,
                    "extensions",
                    value,
                )
                .map(drop)
            }

            /// The version the message was read in (1.4 for a 1.3-namespace message carrying
            /// 1.4 elements), and the one `toXml()` writes by default.
            #[napi(getter)]
            pub fn version(&self) -> TrustVersion {
                self.inner.version.into()
            }

            /// @Context: correlates a request with its responses; null when absent.
            #[napi(getter)]
            pub fn context(&self) -> Option<String> {
                self.inner.context.clone()
            }

            /// Set @Context; null removes it.
            #[napi(setter)]
            pub fn set_context(
                &mut self,
                #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
            ) -> Result<()> {
                self.inner.context = opt_string("context", value)?;
                Ok(())
            }

            /// The message as XML in `version` (default: its own), every versioned URI and
            /// namespace mapped.
            #[napi]
            pub fn to_xml(
                &self,
                #[napi(ts_arg_type = "TrustVersion | string")] version: Option<Unknown<'_>>,
            ) -> Result<Buffer> {
                let v = trust_version_or("version", version, self.inner.version)?;
                Ok(self.inner.to_xml(v).into_bytes().into())
            }

            /// The same message in another version (every URI and namespace mapped).
            #[napi]
            pub fn convert(
                &self,
                #[napi(ts_arg_type = "TrustVersion | string")] version: Unknown<'_>,
            ) -> Result<$t> {
                let v = trust_version("version", version)?;
                Ok($t {
                    inner: self.inner.convert(v),
                })
            }

            /// Core's JSON description (as `inspect` gives it; secrets as type and length only).
            #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
            pub fn to_json(&self) -> JsonValue {
                JsonValue(self.inner.to_json())
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// RequestSecurityToken
// ---------------------------------------------------------------------------------------

/// wst:RequestSecurityToken in WS-Trust February 2005, 1.3 or 1.4.
#[napi]
pub struct RequestSecurityToken {
    pub(crate) inner: CoreRst,
}

shared_params!(RequestSecurityToken);

fn parse_message(what: &str, xml: Unknown<'_>) -> Result<TrustMessage> {
    let b = xml_input(what, xml)?;
    core(TrustMessage::from_xml(&b))
}

fn message_name(m: &TrustMessage) -> &'static str {
    match m {
        TrustMessage::Request(_) => "RequestSecurityToken",
        TrustMessage::Response(_) => "RequestSecurityTokenResponse",
        TrustMessage::ResponseCollection(_) => "RequestSecurityTokenResponseCollection",
        TrustMessage::RequestCollection(_) => "RequestSecurityTokenCollection",
        TrustMessage::IssuedTokens(_) => "IssuedTokens",
    }
}

fn wrong_message(expected: &str, m: &TrustMessage) -> JsError {
    core_err(Error::at(
        ErrorKind::InvalidRequest,
        "xml",
        format!("expected a {expected}, found a {}", message_name(m)),
    ))
}

impl RequestSecurityToken {
    fn set_key(&mut self, key: &str, v: Option<Unknown<'_>>) -> Result<bool> {
        let version = self.inner.version;
        match key {
            "context" => self.inner.context = opt_string(key, v)?,
            "requestType" => {
                let s =
                    present(key, v)?.ok_or_else(|| arg_err(key, "wst:RequestType is required"))?;
                self.inner.request_type =
                    table!(RequestType, key, string(key, s)?, "request type")?;
            }
            "renewTarget" => self.inner.renew_target = holder_arg(key, v, version)?,
            "cancelTarget" => self.inner.cancel_target = holder_arg(key, v, version)?,
            "validateTarget" => self.inner.validate_target = holder_arg(key, v, version)?,
            _ => return set_param(&mut self.inner.params, version, key, v),
        }
        Ok(true)
    }

    fn from_init(init: Option<Unknown<'_>>) -> Result<Self> {
        let o = options("init", init)?;
        let version = match &o {
            Some(o) => trust_version_or("init.version", member(o, "init", "version")?, Tv::V1_3)?,
            None => Tv::V1_3,
        };
        let mut r = RequestSecurityToken {
            inner: CoreRst::new(version, RequestType::Issue),
        };
        if let Some(o) = o {
            apply_init("init", &o, &["version"], &mut |k, v| r.set_key(k, v))?;
        }
        Ok(r)
    }
}

#[napi]
impl RequestSecurityToken {
    /// A new request: `init` sets any of the fields `toObject()` gives (default version
    /// "1.3", request type "Issue"). Unknown keys are refused.
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "RequestSecurityTokenFields")] init: Option<Unknown<'_>>,
    ) -> Result<Self> {
        Self::from_init(init)
    }

    /// The same as `new RequestSecurityToken(fields)`.
    #[napi(factory)]
    pub fn from_object(
        #[napi(ts_arg_type = "RequestSecurityTokenFields")] fields: Unknown<'_>,
    ) -> Result<Self> {
        Self::from_init(Some(fields))
    }

    /// Parse a wst:RequestSecurityToken of any version, standalone or as the body of a
    /// SOAP envelope. Malformed input is "MalformedXml"; a wrong or incomplete message
    /// "InvalidRequest" (an inverted Lifetime "InvalidTimeRange"), with the path at fault.
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        match parse_message("xml", xml)? {
            TrustMessage::Request(r) => Ok(RequestSecurityToken { inner: r }),
            other => Err(wrong_message("RequestSecurityToken", &other)),
        }
    }

    /// wst:RequestType: "Issue", "Renew", "Cancel", "Validate", "KET", "STSCancel" or a URI.
    /// (An SCT Amend is an Issue sent with the RST/SCT/Amend action.)
    #[napi(getter)]
    pub fn request_type(&self) -> String {
        self.inner.request_type.name().to_string()
    }

    /// Set wst:RequestType (a name or a URI; required).
    #[napi(setter)]
    pub fn set_request_type(
        &mut self,
        #[napi(ts_arg_type = "string")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("requestType", value).map(drop)
    }

    /// wst:RenewTarget: the SecurityContextToken, a ContextId for a reference (by
    /// Identifier, or `#id` for a local reference), or the XML of any other token; null when
    /// absent.
    #[napi(
        getter,
        ts_return_type = "SecurityContextToken | ContextId | string | null"
    )]
    pub fn renew_target(&self) -> Option<HeldToken> {
        self.inner
            .renew_target
            .as_ref()
            .map(|h| held_token(&h.token, self.inner.version))
    }

    /// Set wst:RenewTarget: a SecurityContextToken, an Identifier string or
    /// `{identifier, instance?}` (a reference by Identifier), or XML; null removes it.
    #[napi(setter)]
    pub fn set_renew_target(
        &mut self,
        #[napi(
            ts_arg_type = "SecurityContextToken | TokenTargetReference | string | Buffer | null"
        )]
        value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("renewTarget", value).map(drop)
    }

    /// wst:CancelTarget (as `renewTarget`); null when absent.
    #[napi(
        getter,
        ts_return_type = "SecurityContextToken | ContextId | string | null"
    )]
    pub fn cancel_target(&self) -> Option<HeldToken> {
        self.inner
            .cancel_target
            .as_ref()
            .map(|h| held_token(&h.token, self.inner.version))
    }

    /// Set wst:CancelTarget (as `renewTarget`); null removes it.
    #[napi(setter)]
    pub fn set_cancel_target(
        &mut self,
        #[napi(
            ts_arg_type = "SecurityContextToken | TokenTargetReference | string | Buffer | null"
        )]
        value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("cancelTarget", value).map(drop)
    }

    /// wst:ValidateTarget (as `renewTarget`; WS-Trust 1.3+); null when absent.
    #[napi(
        getter,
        ts_return_type = "SecurityContextToken | ContextId | string | null"
    )]
    pub fn validate_target(&self) -> Option<HeldToken> {
        self.inner
            .validate_target
            .as_ref()
            .map(|h| held_token(&h.token, self.inner.version))
    }

    /// Set wst:ValidateTarget (as `renewTarget`); null removes it.
    #[napi(setter)]
    pub fn set_validate_target(
        &mut self,
        #[napi(
            ts_arg_type = "SecurityContextToken | TokenTargetReference | string | Buffer | null"
        )]
        value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("validateTarget", value).map(drop)
    }

    /// The fields as a plain object (the getters' values), which the constructor and
    /// `fromObject` accept back. Elements no getter exposes are not included: use
    /// `toXml()` to keep everything.
    #[napi(ts_return_type = "RequestSecurityTokenFields")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let mut o = Object::new(env).map_err(|e| napi_err("toObject", e))?;
        set_on(&mut o, "version", TrustVersion::from(self.inner.version))?;
        set_on(&mut o, "context", self.inner.context.clone())?;
        set_on(&mut o, "requestType", self.request_type())?;
        set_on(&mut o, "renewTarget", self.renew_target())?;
        set_on(&mut o, "cancelTarget", self.cancel_target())?;
        set_on(&mut o, "validateTarget", self.validate_target())?;
        params_into(&self.inner.params, &mut o)?;
        Ok(o)
    }
}

// ---------------------------------------------------------------------------------------
// RequestSecurityTokenResponse
// ---------------------------------------------------------------------------------------

/// wst:RequestSecurityTokenResponse in WS-Trust February 2005, 1.3 or 1.4.
#[napi]
pub struct RequestSecurityTokenResponse {
    pub(crate) inner: CoreRstr,
}

shared_params!(RequestSecurityTokenResponse);

fn requested_token_arg(what: &str, v: Option<Unknown<'_>>) -> Result<Option<TokenHolder>> {
    let Some(v) = present(what, v)? else {
        return Ok(None);
    };
    if let Some(t) = with_class(&v, |t: &SecurityContextToken| t.inner.clone()) {
        return Ok(Some(TokenHolder::new(TokenRef::SecurityContext(t))));
    }
    let el = xml_element(what, v).map_err(|e| {
        if e.status == "InvalidArgument" {
            arg_err(what, "expected a SecurityContextToken or XML")
        } else {
            e
        }
    })?;
    Ok(Some(TokenHolder::new(core(
        TokenRef::from_element(&el).map_err(|e| e.within(what)),
    )?)))
}

impl RequestSecurityTokenResponse {
    fn set_key(&mut self, key: &str, v: Option<Unknown<'_>>) -> Result<bool> {
        let version = self.inner.version;
        match key {
            "context" => self.inner.context = opt_string(key, v)?,
            "requestType" => {
                self.inner.request_type = opt_string(key, v)?
                    .map(|s| table!(RequestType, key, s, "request type"))
                    .transpose()?
            }
            "requestedToken" => self.inner.requested_security_token = requested_token_arg(key, v)?,
            "proof" => {
                self.inner.requested_proof_tokens = match present(key, v)? {
                    None => Vec::new(),
                    Some(p) => vec![RequestedProofToken::new(proof_arg(key, p)?)],
                }
            }
            "proofs" => {
                self.inner.requested_proof_tokens = match present(key, v)? {
                    None => Vec::new(),
                    Some(a) => array(key, a)?
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| {
                            proof_arg(&format!("{key}[{i}]"), p).map(RequestedProofToken::new)
                        })
                        .collect::<Result<_>>()?,
                }
            }
            "attachedReference" => {
                self.inner.requested_attached_reference = reference_arg(key, v, version)?
            }
            "unattachedReference" => {
                self.inner.requested_unattached_reference = reference_arg(key, v, version)?
            }
            "cancelled" => {
                self.inner.requested_token_cancelled = match present(key, v)? {
                    None => false,
                    Some(b) => boolean(key, b)?,
                }
            }
            "status" => {
                self.inner.status = match options(key, v)? {
                    None => None,
                    Some(o) => {
                        known_keys(&o, key, &["code", "reason"])?;
                        let code = member(&o, key, "code")?
                            .ok_or_else(|| arg_err(key, "a status needs a code"))?;
                        let code = table!(
                            StatusCode,
                            "status.code",
                            string("status.code", code)?,
                            "status code"
                        )?;
                        let reason = opt_string("status.reason", member(&o, key, "reason")?)?;
                        Some(Status { code, reason })
                    }
                }
            }
            _ => return set_param(&mut self.inner.params, version, key, v),
        }
        Ok(true)
    }

    fn from_init(init: Option<Unknown<'_>>) -> Result<Self> {
        let o = options("init", init)?;
        let version = match &o {
            Some(o) => trust_version_or("init.version", member(o, "init", "version")?, Tv::V1_3)?,
            None => Tv::V1_3,
        };
        let mut r = RequestSecurityTokenResponse {
            inner: CoreRstr::new(version),
        };
        if let Some(o) = o {
            apply_init("init", &o, &["version"], &mut |k, v| r.set_key(k, v))?;
        }
        Ok(r)
    }
}

#[napi]
impl RequestSecurityTokenResponse {
    /// A new, empty response: `init` sets any of the fields `toObject()` gives (default
    /// version "1.3"). Unknown keys are refused.
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "RequestSecurityTokenResponseFields")] init: Option<Unknown<'_>>,
    ) -> Result<Self> {
        Self::from_init(init)
    }

    /// The same as `new RequestSecurityTokenResponse(fields)`.
    #[napi(factory)]
    pub fn from_object(
        #[napi(ts_arg_type = "RequestSecurityTokenResponseFields")] fields: Unknown<'_>,
    ) -> Result<Self> {
        Self::from_init(Some(fields))
    }

    /// Parse a wst:RequestSecurityTokenResponse of any version, standalone or as the body of
    /// a SOAP envelope (a Fault body throws the fault's error, e.g. "BadContextToken").
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        match parse_message("xml", xml)? {
            TrustMessage::Response(r) => Ok(RequestSecurityTokenResponse { inner: r }),
            other => Err(wrong_message("RequestSecurityTokenResponse", &other)),
        }
    }

    /// wst:RequestType, when the issuer echoes it (name or URI); null when absent.
    #[napi(getter)]
    pub fn request_type(&self) -> Option<String> {
        self.inner
            .request_type
            .as_ref()
            .map(|t| t.name().to_string())
    }

    /// Set wst:RequestType; null removes it.
    #[napi(setter)]
    pub fn set_request_type(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("requestType", value).map(drop)
    }

    /// wst:RequestedSecurityToken: the SecurityContextToken, or the XML of any other token
    /// (a SAML assertion, a reference, ...); null when absent.
    #[napi(getter, ts_return_type = "SecurityContextToken | string | null")]
    pub fn requested_token(&self) -> Option<Either<SecurityContextToken, String>> {
        self.inner
            .requested_security_token
            .as_ref()
            .map(|h| match &h.token {
                TokenRef::SecurityContext(s) => {
                    Either::A(SecurityContextToken { inner: s.clone() })
                }
                other => Either::B(xml_string(&other.to_element(self.inner.version))),
            })
    }

    /// Set wst:RequestedSecurityToken: a SecurityContextToken (written in the SC version that
    /// goes with the message's trust version) or XML of any token; null removes it.
    #[napi(setter)]
    pub fn set_requested_token(
        &mut self,
        #[napi(ts_arg_type = "SecurityContextToken | string | Buffer | null")] value: Option<
            Unknown<'_>,
        >,
    ) -> Result<()> {
        self.set_key("requestedToken", value).map(drop)
    }

    /// The first wst:RequestedProofToken; null when there is none.
    #[napi(getter)]
    pub fn proof(&self) -> Option<ProofToken> {
        self.inner
            .requested_proof_tokens
            .first()
            .map(|p| proof_js(&p.token))
    }

    /// Set the proof token (replacing all of them); null removes them.
    #[napi(setter)]
    pub fn set_proof(
        &mut self,
        #[napi(ts_arg_type = "ProofToken | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("proof", value).map(drop)
    }

    /// Every wst:RequestedProofToken, in order (WS-Trust 10.7 shows a response with two).
    #[napi(getter)]
    pub fn proofs(&self) -> Vec<ProofToken> {
        self.inner
            .requested_proof_tokens
            .iter()
            .map(|p| proof_js(&p.token))
            .collect()
    }

    /// Set the proof tokens.
    #[napi(setter)]
    pub fn set_proofs(
        &mut self,
        #[napi(ts_arg_type = "Array<ProofToken>")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("proofs", value).map(drop)
    }

    /// The URI of wst:RequestedAttachedReference ("#id" for the SCT in the same message), or
    /// the XML of the reference when it holds no wsse:Reference; null when absent.
    #[napi(getter)]
    pub fn attached_reference(&self) -> Option<String> {
        reference_js(&self.inner.requested_attached_reference)
    }

    /// Set wst:RequestedAttachedReference: "#id", an Identifier URI, or XML of a
    /// wsse:SecurityTokenReference; null removes it.
    #[napi(setter)]
    pub fn set_attached_reference(
        &mut self,
        #[napi(ts_arg_type = "string | Buffer | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("attachedReference", value).map(drop)
    }

    /// The URI of wst:RequestedUnattachedReference (the context Identifier), or its XML;
    /// null when absent.
    #[napi(getter)]
    pub fn unattached_reference(&self) -> Option<String> {
        reference_js(&self.inner.requested_unattached_reference)
    }

    /// Set wst:RequestedUnattachedReference (as `attachedReference`); null removes it.
    #[napi(setter)]
    pub fn set_unattached_reference(
        &mut self,
        #[napi(ts_arg_type = "string | Buffer | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("unattachedReference", value).map(drop)
    }

    /// True when the response carries wst:RequestedTokenCancelled (a cancel succeeded).
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.inner.requested_token_cancelled
    }

    /// Set wst:RequestedTokenCancelled.
    #[napi(setter)]
    pub fn set_cancelled(
        &mut self,
        #[napi(ts_arg_type = "boolean")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_key("cancelled", value).map(drop)
    }

    /// wst:Status of a validation: code "valid", "invalid" or a URI, and the reason; null
    /// when absent.
    #[napi(getter)]
    pub fn status(&self) -> Option<TrustStatus> {
        self.inner.status.as_ref().map(|s| TrustStatus {
            code: s.code.name().to_string(),
            reason: s.reason.clone(),
        })
    }

    /// Set wst:Status; null removes it.
    #[napi(setter)]
    pub fn set_status(
        &mut self,
        #[napi(ts_arg_type = "{ code: string; reason?: string | null } | null")] value: Option<
            Unknown<'_>,
        >,
    ) -> Result<()> {
        self.set_key("status", value).map(drop)
    }

    /// The fields as a plain object (the getters' values; the proof tokens as `proofs`),
    /// which the constructor and `fromObject` accept back. Use `toXml()` to keep
    /// everything.
    #[napi(ts_return_type = "RequestSecurityTokenResponseFields")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let mut o = Object::new(env).map_err(|e| napi_err("toObject", e))?;
        set_on(&mut o, "version", TrustVersion::from(self.inner.version))?;
        set_on(&mut o, "context", self.inner.context.clone())?;
        set_on(&mut o, "requestType", self.request_type())?;
        set_on(&mut o, "requestedToken", self.requested_token())?;
        set_on(&mut o, "proofs", self.proofs())?;
        set_on(&mut o, "attachedReference", self.attached_reference())?;
        set_on(&mut o, "unattachedReference", self.unattached_reference())?;
        set_on(&mut o, "cancelled", self.cancelled())?;
        set_on(&mut o, "status", self.status())?;
        params_into(&self.inner.params, &mut o)?;
        Ok(o)
    }
}

// ---------------------------------------------------------------------------------------
// RequestSecurityTokenResponseCollection
// ---------------------------------------------------------------------------------------

/// wst:RequestSecurityTokenResponseCollection (WS-Trust 1.3+: what a 1.3 issuer answers).
#[napi]
pub struct RequestSecurityTokenResponseCollection {
    pub(crate) inner: CoreRstrc,
}

fn rstr_list(what: &str, v: Unknown<'_>) -> Result<Vec<CoreRstr>> {
    array(what, v)?
        .into_iter()
        .enumerate()
        .map(|(i, x)| {
            with_class(&x, |r: &RequestSecurityTokenResponse| r.inner.clone()).ok_or_else(|| {
                arg_err(
                    &format!("{what}[{i}]"),
                    "expected a RequestSecurityTokenResponse",
                )
            })
        })
        .collect()
}

#[napi]
impl RequestSecurityTokenResponseCollection {
    /// A collection of `responses` (copied) in `version` (default "1.3"). A collection must
    /// hold at least one response to be read back.
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "Array<RequestSecurityTokenResponse>")] responses: Option<Unknown<'_>>,
        #[napi(ts_arg_type = "TrustVersion | string")] version: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let v = trust_version_or("version", version, Tv::V1_3)?;
        let items = match present("responses", responses)? {
            Some(r) => rstr_list("responses", r)?,
            None => Vec::new(),
        };
        Ok(RequestSecurityTokenResponseCollection {
            inner: CoreRstrc::new(v, items),
        })
    }

    /// Parse a collection, standalone or as the body of a SOAP envelope.
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        match parse_message("xml", xml)? {
            TrustMessage::ResponseCollection(c) => {
                Ok(RequestSecurityTokenResponseCollection { inner: c })
            }
            other => Err(wrong_message(
                "RequestSecurityTokenResponseCollection",
                &other,
            )),
        }
    }

    /// The version read (1.4 when a member is), and the one `toXml()` writes by default.
    #[napi(getter)]
    pub fn version(&self) -> TrustVersion {
        self.inner.version.into()
    }

    /// The responses, in order (copies).
    #[napi(getter)]
    pub fn responses(&self) -> Vec<RequestSecurityTokenResponse> {
        self.inner
            .responses
            .iter()
            .map(|r| RequestSecurityTokenResponse { inner: r.clone() })
            .collect()
    }

    /// Replace the responses (copied).
    #[napi(setter)]
    pub fn set_responses(
        &mut self,
        #[napi(ts_arg_type = "Array<RequestSecurityTokenResponse>")] value: Unknown<'_>,
    ) -> Result<()> {
        self.inner.responses = rstr_list("responses", value)?;
        Ok(())
    }

    /// The collection as XML in `version` (default: its own).
    #[napi]
    pub fn to_xml(
        &self,
        #[napi(ts_arg_type = "TrustVersion | string")] version: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        let v = trust_version_or("version", version, self.inner.version)?;
        Ok(self.inner.to_xml(v).into_bytes().into())
    }

    /// The same collection in another version.
    #[napi]
    pub fn convert(
        &self,
        #[napi(ts_arg_type = "TrustVersion | string")] version: Unknown<'_>,
    ) -> Result<RequestSecurityTokenResponseCollection> {
        let v = trust_version("version", version)?;
        Ok(RequestSecurityTokenResponseCollection {
            inner: self.inner.convert(v),
        })
    }

    /// Core's JSON description.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        JsonValue(self.inner.to_json())
    }
}

// ---------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------

/// Options of `Envelope.wrap`.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct WrapOptions {
    /// The WS-Trust version to write the message in (default: the message's own; 1.3 for
    /// XML and faults, which only use it for the default addressing).
    #[napi(ts_type = "TrustVersion | string")]
    pub version: Option<String>,
    /// SOAP version (default "1.2").
    #[napi(ts_type = "'1.1' | '1.2'")]
    pub soap_version: Option<String>,
    /// WS-Addressing version of the headers, or null for none (default: "2004/08" with
    /// WS-Trust Feb 2005, as WCF pairs them, else "2005/08").
    #[napi(ts_type = "'2005/08' | '2004/08' | null")]
    pub addressing: Option<String>,
    /// wsa:Action, a name ("RST/SCT", "RSTR/SCT/Cancel", ...) or a URI; the name is written
    /// in the message's version. Default: the binding's action for the message (the SCT
    /// binding for SCT requests; RSTRC/IssueFinal for a collection; the WS-Addressing fault
    /// action for a fault). Required for other XML bodies when addressing is on.
    pub action: Option<String>,
    /// wsa:To (default: none).
    pub to: Option<String>,
    /// wsa:MessageID (default: a fresh urn:uuid).
    pub message_id: Option<String>,
    /// wsa:RelatesTo: makes the envelope a reply (no ReplyTo is written). Without it the
    /// envelope is a request with an anonymous ReplyTo.
    pub relates_to: Option<String>,
}

/// A SOAP 1.1 / 1.2 envelope with typed WS-Addressing headers (2004/08 or 2005/08), for
/// callers without a SOAP stack. Header blocks and body children other than those are kept
/// as XML.
#[napi]
pub struct Envelope {
    pub(crate) inner: CoreEnvelope,
}

fn derive_action(m: &TrustMessage, v: Tv) -> Option<Action> {
    let sct = |t: Option<&TokenType>, token: Option<&TokenRef>| {
        matches!(t, Some(TokenType::SecurityContext))
            || matches!(token, Some(TokenRef::SecurityContext(_)))
    };
    let of = |rt: &RequestType, is_sct: bool| {
        if is_sct {
            Action::for_sct_request(rt).or_else(|| Action::for_request(rt))
        } else {
            Action::for_request(rt)
        }
    };
    match m {
        TrustMessage::Request(r) => of(&r.request_type, sct(r.params.token_type.as_ref(), None)),
        TrustMessage::Response(r) => {
            let rt = r
                .request_type
                .clone()
                .unwrap_or(if r.requested_token_cancelled {
                    RequestType::Cancel
                } else if r.status.is_some() {
                    RequestType::Validate
                } else {
                    RequestType::Issue
                });
            of(&rt, sct(r.params.token_type.as_ref(), r.token())).and_then(|a| a.response())
        }
        TrustMessage::ResponseCollection(_) if v != Tv::Feb2005 => Some(Action::RstrcIssueFinal),
        _ => None,
    }
}

enum Wrapped {
    Message(Box<TrustMessage>),
    Fault(CoreFault),
    Xml(Element),
}

fn wrapped_arg(v: Unknown<'_>) -> Result<Wrapped> {
    if let Some(r) = with_class(&v, |r: &RequestSecurityToken| r.inner.clone()) {
        return Ok(Wrapped::Message(Box::new(TrustMessage::Request(r))));
    }
    if let Some(r) = with_class(&v, |r: &RequestSecurityTokenResponse| r.inner.clone()) {
        return Ok(Wrapped::Message(Box::new(TrustMessage::Response(r))));
    }
    if let Some(r) = with_class(&v, |r: &RequestSecurityTokenResponseCollection| {
        r.inner.clone()
    }) {
        return Ok(Wrapped::Message(Box::new(
            TrustMessage::ResponseCollection(r),
        )));
    }
    if let Some(f) = with_class(&v, |f: &Fault| f.inner.clone()) {
        return Ok(Wrapped::Fault(f));
    }
    xml_element("message", v).map(Wrapped::Xml).map_err(|e| {
        if e.status == "InvalidArgument" {
            arg_err(
                "message",
                "expected a RequestSecurityToken, RequestSecurityTokenResponse, RequestSecurityTokenResponseCollection, Fault or XML",
            )
        } else {
            e
        }
    })
}

impl Envelope {
    fn addressing_mut(&mut self) -> &mut Addressing {
        self.inner
            .addressing
            .get_or_insert_with(|| Addressing::new(WsaVersion::V2005_08))
    }

    fn set_text_header(&mut self, which: &str, v: Option<Unknown<'_>>) -> Result<()> {
        let value = opt_string(which, v)?;
        if value.is_none() && self.inner.addressing.is_none() {
            return Ok(());
        }
        let a = self.addressing_mut();
        let slot = match which {
            "action" => &mut a.action,
            "messageId" => &mut a.message_id,
            _ => &mut a.to,
        };
        match (value, slot.as_mut()) {
            (None, _) => *slot = None,
            (Some(s), Some(h)) => h.value = s,
            (Some(s), None) => {
                *slot = Some(if which == "messageId" {
                    Header::new(s)
                } else {
                    Header::required(s)
                });
            }
        }
        Ok(())
    }
}

#[napi]
impl Envelope {
    /// An empty envelope (no headers, empty Body) in `soapVersion` (default "1.2").
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "'1.1' | '1.2'")] soap_version: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let v = match present("soapVersion", soap_version)? {
            Some(v) => crate::conv::soap_version("soapVersion", v)?,
            None => wssx::message::SoapVersion::Soap12,
        };
        Ok(Envelope {
            inner: CoreEnvelope::new(v),
        })
    }

    /// Parse a SOAP 1.1 or 1.2 envelope. Not an Envelope (or not one Header then one Body)
    /// is "InvalidRequest".
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        let b = xml_input("xml", xml)?;
        Ok(Envelope {
            inner: core(CoreEnvelope::from_xml(&b))?,
        })
    }

    /// An envelope whose body is `message` (a trust message, a Fault, or any element as XML)
    /// with WS-Addressing headers: by default a request (Action, a fresh MessageID, an
    /// anonymous ReplyTo, To when given), or a reply when `opts.relatesTo` is given.
    #[napi(factory)]
    pub fn wrap(
        #[napi(
            ts_arg_type = "RequestSecurityToken | RequestSecurityTokenResponse | RequestSecurityTokenResponseCollection | Fault | string | Buffer"
        )]
        message: Unknown<'_>,
        #[napi(ts_arg_type = "WrapOptions")] opts: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let message = wrapped_arg(message)?;
        let own = match &message {
            Wrapped::Message(m) => m.version(),
            _ => Tv::V1_3,
        };
        let o = options("opts", opts)?;
        let mut version = own;
        let mut soap = wssx::message::SoapVersion::Soap12;
        let mut wsa: Option<Option<WsaVersion>> = None;
        let (mut action, mut to, mut message_id, mut relates_to) = (None, None, None, None);
        if let Some(o) = &o {
            known_keys(
                o,
                "opts",
                &[
                    "version",
                    "soapVersion",
                    "addressing",
                    "action",
                    "to",
                    "messageId",
                    "relatesTo",
                ],
            )?;
            version = trust_version_or("opts.version", member(o, "opts", "version")?, own)?;
            if let Some(s) = member(o, "opts", "soapVersion")? {
                soap = soap_version("opts.soapVersion", s)?;
            }
            if let Some(a) = nullable_member(o, "opts", "addressing")? {
                wsa = Some(a.map(|a| wsa_version("opts.addressing", a)).transpose()?);
            }
            action = opt_string("opts.action", member(o, "opts", "action")?)?;
            to = opt_string("opts.to", member(o, "opts", "to")?)?;
            message_id = opt_string("opts.messageId", member(o, "opts", "messageId")?)?;
            relates_to = opt_string("opts.relatesTo", member(o, "opts", "relatesTo")?)?;
        }
        let wsa = wsa.unwrap_or(Some(match version {
            Tv::Feb2005 => WsaVersion::V2004_08,
            _ => WsaVersion::V2005_08,
        }));
        let addressing = match wsa {
            None => None,
            Some(wsa) => {
                let action_uri = match (&action, &message) {
                    (Some(a), _) => {
                        let act = Action::from_name(a.trim()).ok_or_else(|| {
                            arg_err(
                                "opts.action",
                                format!(
                                    "unknown action '{a}' (use a name such as 'RST/SCT' or a URI)"
                                ),
                            )
                        })?;
                        act.uri(version).to_string()
                    }
                    (None, Wrapped::Message(m)) => derive_action(m, version)
                        .map(|a| a.uri(version).to_string())
                        .ok_or_else(|| {
                            arg_err(
                                "opts.action",
                                "no default action for this message: give opts.action",
                            )
                        })?,
                    (None, Wrapped::Fault(_)) => wsa.fault_action().to_string(),
                    (None, Wrapped::Xml(_)) => {
                        return Err(arg_err(
                            "opts.action",
                            "an XML body needs opts.action (or addressing: null)",
                        ))
                    }
                };
                let mut a = Addressing::new(wsa);
                a.action = Some(Header::required(action_uri));
                a.message_id = Some(Header::new(match message_id {
                    Some(m) => m,
                    None => core(wssx::crypto::random_uuid_urn())?,
                }));
                match relates_to {
                    Some(r) => a.relates_to.push(Header::new(RelatesTo {
                        message_id: r,
                        relationship: None,
                    })),
                    None => a.reply_to = Some(Header::new(EndpointReference::anonymous(wsa))),
                }
                if let Some(t) = to {
                    a.to = Some(Header::required(t));
                }
                Some(a)
            }
        };
        let inner = match message {
            Wrapped::Message(m) => m.to_envelope(version, soap, addressing),
            Wrapped::Fault(f) => f.to_envelope(soap, addressing),
            Wrapped::Xml(el) => CoreEnvelope::with_body(soap, addressing, el),
        };
        Ok(Envelope { inner })
    }

    /// The envelope as XML (UTF-8).
    #[napi]
    pub fn to_xml(&self) -> Buffer {
        self.inner.to_xml().into_bytes().into()
    }

    /// SOAP version: "1.1" or "1.2".
    #[napi(getter, ts_return_type = "'1.1' | '1.2'")]
    pub fn soap_version(&self) -> &'static str {
        soap_name(self.inner.version)
    }

    /// Re-write the envelope in another SOAP version (mustUnderstand flags and a Fault body
    /// are converted).
    #[napi(setter)]
    pub fn set_soap_version(
        &mut self,
        #[napi(ts_arg_type = "'1.1' | '1.2'")] value: Unknown<'_>,
    ) -> Result<()> {
        let v = soap_version("soapVersion", value)?;
        self.inner = core(self.inner.to_soap_version(v))?;
        Ok(())
    }

    /// The WS-Addressing version of the headers ("2005/08" or "2004/08"); null when the
    /// envelope has no addressing headers.
    #[napi(getter, ts_return_type = "'2005/08' | '2004/08' | null")]
    pub fn addressing(&self) -> Option<&'static str> {
        self.inner
            .addressing
            .as_ref()
            .map(|a| a.version.short_name())
    }

    /// Move the addressing headers to another version; null removes them all.
    #[napi(setter)]
    pub fn set_addressing(
        &mut self,
        #[napi(ts_arg_type = "'2005/08' | '2004/08' | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.addressing = match present("addressing", value)? {
            None => None,
            Some(v) => {
                let v = wsa_version("addressing", v)?;
                Some(match &self.inner.addressing {
                    Some(a) => a.to_version(v),
                    None => Addressing::new(v),
                })
            }
        };
        Ok(())
    }

    /// wsa:Action; null when absent.
    #[napi(getter)]
    pub fn action(&self) -> Option<String> {
        self.inner.action().map(str::to_string)
    }

    /// Set wsa:Action (a URI, mustUnderstand); null removes it. Without addressing headers,
    /// WS-Addressing 2005/08 ones are started.
    #[napi(setter)]
    pub fn set_action(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_text_header("action", value)
    }

    /// wsa:MessageID; null when absent.
    #[napi(getter)]
    pub fn message_id(&self) -> Option<String> {
        self.inner
            .addressing
            .as_ref()
            .and_then(|a| a.message_id())
            .map(str::to_string)
    }

    /// Set wsa:MessageID; null removes it.
    #[napi(setter)]
    pub fn set_message_id(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_text_header("messageId", value)
    }

    /// wsa:To; null when absent.
    #[napi(getter)]
    pub fn to(&self) -> Option<String> {
        self.inner
            .addressing
            .as_ref()
            .and_then(|a| a.to())
            .map(str::to_string)
    }

    /// Set wsa:To (mustUnderstand); null removes it.
    #[napi(setter)]
    pub fn set_to(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.set_text_header("to", value)
    }

    /// The MessageID this envelope replies to (wsa:RelatesTo of the reply type); null when
    /// absent.
    #[napi(getter)]
    pub fn relates_to(&self) -> Option<String> {
        self.inner
            .addressing
            .as_ref()
            .and_then(|a| a.relates_to())
            .map(str::to_string)
    }

    /// Set wsa:RelatesTo (replacing any); null removes them.
    #[napi(setter)]
    pub fn set_relates_to(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        let value = opt_string("relatesTo", value)?;
        if value.is_none() && self.inner.addressing.is_none() {
            return Ok(());
        }
        let a = self.addressing_mut();
        a.relates_to = value
            .map(|m| {
                Header::new(RelatesTo {
                    message_id: m,
                    relationship: None,
                })
            })
            .into_iter()
            .collect();
        Ok(())
    }

    /// The wsa:ReplyTo address; null when absent.
    #[napi(getter)]
    pub fn reply_to(&self) -> Option<String> {
        self.inner
            .addressing
            .as_ref()
            .and_then(|a| a.reply_to())
            .map(str::to_string)
    }

    /// Set wsa:ReplyTo to an endpoint with this address; null removes it.
    #[napi(setter)]
    pub fn set_reply_to(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        let value = opt_string("replyTo", value)?;
        if value.is_none() && self.inner.addressing.is_none() {
            return Ok(());
        }
        let a = self.addressing_mut();
        a.reply_to = value.map(|s| Header::new(EndpointReference::new(a.version, s)));
        Ok(())
    }

    /// The header blocks other than the typed addressing headers (wsse:Security,
    /// wst:IssuedTokens, ...), in order, as XML.
    #[napi(getter)]
    pub fn headers(&self) -> Vec<String> {
        self.inner.headers.iter().map(xml_string).collect()
    }

    /// Replace those header blocks (XML strings or bytes).
    #[napi(setter)]
    pub fn set_headers(
        &mut self,
        #[napi(ts_arg_type = "Array<string | Buffer>")] value: Unknown<'_>,
    ) -> Result<()> {
        self.inner.headers = xml_elements("headers", value)?;
        Ok(())
    }

    /// The first Body child (the payload) as XML; null for an empty Body.
    #[napi(getter)]
    pub fn body(&self) -> Option<String> {
        self.inner.body_element().map(xml_string)
    }

    /// Replace the Body content with this element; null empties the Body.
    #[napi(setter)]
    pub fn set_body(
        &mut self,
        #[napi(ts_arg_type = "string | Buffer | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.body = match present("body", value)? {
            None => Vec::new(),
            Some(v) => vec![xml_element("body", v)?],
        };
        Ok(())
    }

    /// HTTP Content-Type for this envelope (SOAP 1.2 with the action parameter).
    #[napi(getter)]
    pub fn content_type(&self) -> String {
        self.inner.content_type()
    }

    /// The SOAPAction HTTP header value for SOAP 1.1 (quoted action); null for SOAP 1.2.
    #[napi(getter)]
    pub fn soap_action(&self) -> Option<String> {
        self.inner.soap_action()
    }

    /// The Body's SOAP Fault; null when the body is not a fault.
    #[napi(getter)]
    pub fn fault(&self) -> Result<Option<Fault>> {
        self.inner
            .fault()
            .map(|f| core(f).map(|inner| Fault { inner }))
            .transpose()
    }

    /// The WS-Trust message in the Body: a RequestSecurityToken,
    /// RequestSecurityTokenResponse or RequestSecurityTokenResponseCollection; null when the
    /// Body holds none. A Fault body throws the fault's error (its code the fault's kind,
    /// e.g. "BadContextToken"); a malformed message throws its error.
    #[napi(
        ts_return_type = "RequestSecurityToken | RequestSecurityTokenResponse | RequestSecurityTokenResponseCollection | null"
    )]
    pub fn message(
        &self,
    ) -> Result<
        Option<
            Either3<
                RequestSecurityToken,
                RequestSecurityTokenResponse,
                RequestSecurityTokenResponseCollection,
            >,
        >,
    > {
        if let Some(f) = self.inner.fault() {
            return Err(core_err(match f {
                Ok(f) => f.to_error(),
                Err(e) => e,
            }));
        }
        let Some(b) = self
            .inner
            .body_element()
            .filter(|b| TrustMessage::is_trust_element(b))
        else {
            return Ok(None);
        };
        let path = format!("{}:Envelope/{}:Body", self.inner.prefix, self.inner.prefix);
        let m = core(TrustMessage::from_element(b).map_err(|e| e.within(&path)))?;
        Ok(Some(match m {
            TrustMessage::Request(r) => Either3::A(RequestSecurityToken { inner: r }),
            TrustMessage::Response(r) => Either3::B(RequestSecurityTokenResponse { inner: r }),
            TrustMessage::ResponseCollection(c) => {
                Either3::C(RequestSecurityTokenResponseCollection { inner: c })
            }
            other => {
                return Err(core_err(Error::at(
                    ErrorKind::InvalidRequest,
                    path,
                    format!(
                        "the Node face does not expose {}; use toJSON()",
                        message_name(&other)
                    ),
                )))
            }
        }))
    }

    /// The RSTRs of the wst:IssuedTokens header blocks (tokens issued alongside a message,
    /// WS-Trust 6.4), in order; empty when there are none.
    #[napi(getter)]
    pub fn issued_tokens(&self) -> Result<Vec<RequestSecurityTokenResponse>> {
        let mut out = Vec::new();
        for h in self
            .inner
            .headers
            .iter()
            .filter(|h| h.local == "IssuedTokens" && TrustMessage::is_trust_element(h))
        {
            if let TrustMessage::IssuedTokens(t) = core(TrustMessage::from_element(h))? {
                out.extend(
                    t.responses
                        .into_iter()
                        .map(|r| RequestSecurityTokenResponse { inner: r }),
                );
            }
        }
        Ok(out)
    }

    /// Core's JSON description (what `inspect` gives): the addressing headers, the trust
    /// messages of the body and of IssuedTokens headers in full, a fault, and the tokens of
    /// the Security header.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        let j = wssx::inspect::inspect_element(&self.inner.to_element());
        JsonValue(j.unwrap_or_else(|_| wssx::trust::envelope_json(&self.inner)))
    }
}

// ---------------------------------------------------------------------------------------
// Fault
// ---------------------------------------------------------------------------------------

/// A SOAP fault carrying a WS-Trust / WS-SecureConversation fault code, independent of the
/// SOAP version it is written in: one value writes the SOAP 1.1 form (faultcode =
/// `wst:InvalidRequest`) and the SOAP 1.2 form (Code Sender, Subcode the spec's QName),
/// and reading either gives it back.
#[napi]
pub struct Fault {
    pub(crate) inner: CoreFault,
}

fn error_kind_arg(what: &str, v: Unknown<'_>) -> Result<ErrorKind> {
    let code = match value_type(what, &v)? {
        ValueType::String => string(what, v)?,
        ValueType::Object => {
            let o = v.coerce_to_object().map_err(|e| napi_err(what, e))?;
            let c: Option<Unknown<'_>> = o
                .get("code")
                .map_err(|e| napi_err(&format!("{what}.code"), e))?;
            match present(what, c)? {
                Some(c) if value_type(what, &c)? == ValueType::String => string(what, c)?,
                _ => {
                    return Err(arg_err(
                        what,
                        "expected an error code or an Error with a string code",
                    ))
                }
            }
        }
        _ => {
            return Err(arg_err(
                what,
                "expected an error code or an Error with a string code",
            ))
        }
    };
    ErrorKind::from_name(&code).ok_or_else(|| {
        arg_err(
            what,
            format!("'{code}' is not a wssx error code (see errorCodes())"),
        )
    })
}

#[napi]
impl Fault {
    /// The fault a token service returns for an error: `code` is an error code (one of
    /// `errorCodes()`) or an Error carrying one (what this module throws). The spec fault
    /// code of that kind is written in the namespace of `trustVersion` (default "1.3") or
    /// of its WS-SecureConversation version, with the spec's reason text: the error's own
    /// message is not copied (the specs warn that detail helps an attacker; set `reason`
    /// to send it deliberately). Codes without a spec fault map as core does (MalformedXml
    /// to InvalidRequest, InvalidSignature to FailedAuthentication, ...).
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "string | Error")] code: Unknown<'_>,
        #[napi(ts_arg_type = "TrustVersion | string")] trust_version: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let kind = error_kind_arg("code", code)?;
        let v = trust_version_or("trustVersion", trust_version, Tv::V1_3)?;
        Ok(Fault {
            inner: CoreFault::from_error(&Error::new(kind, ""), v),
        })
    }

    /// The same as `new Fault(code, trustVersion)`.
    #[napi(factory)]
    pub fn from_error(
        #[napi(ts_arg_type = "string | Error")] code: Unknown<'_>,
        #[napi(ts_arg_type = "TrustVersion | string")] trust_version: Option<Unknown<'_>>,
    ) -> Result<Self> {
        Self::new(code, trust_version)
    }

    /// Parse a Fault element of either SOAP version, or an envelope whose body is one.
    #[napi(factory)]
    pub fn from_xml(
        #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
    ) -> Result<Self> {
        let b = xml_input("xml", xml)?;
        let doc = core(xml::parse(&b))?;
        let root = &doc.root;
        if root.local == "Envelope"
            && root
                .ns
                .as_deref()
                .and_then(wssx::message::SoapVersion::from_namespace)
                .is_some()
        {
            let env = core(CoreEnvelope::from_element(root))?;
            return match env.fault() {
                Some(f) => Ok(Fault { inner: core(f)? }),
                None => Err(core_err(Error::at(
                    ErrorKind::InvalidRequest,
                    "xml",
                    "the envelope's Body is not a Fault",
                ))),
            };
        }
        Ok(Fault {
            inner: core(CoreFault::from_element(root))?,
        })
    }

    /// The error code this fault stands for (a wst / wsc fault of any version gives its
    /// kind; anything else "RequestFailed"): what a requestor throws on receiving it.
    #[napi(getter)]
    pub fn kind(&self) -> &'static str {
        self.inner.error_kind().name()
    }

    /// The SOAP-level code: "Sender", "Receiver", "MustUnderstand", "VersionMismatch" or
    /// "DataEncodingUnknown" (SOAP 1.2 names; SOAP 1.1 writes Client / Server).
    #[napi(getter)]
    pub fn code(&self) -> &'static str {
        self.inner.code.local(wssx::message::SoapVersion::Soap12)
    }

    /// The spec fault code as `{namespace}localName` (SOAP 1.2 Subcode, SOAP 1.1 faultcode);
    /// null when the fault has none.
    #[napi(getter)]
    pub fn subcode(&self) -> Option<String> {
        self.inner.subcode.as_ref().map(|q| q.to_string())
    }

    /// The reason text (faultstring / Reason/Text).
    #[napi(getter)]
    pub fn reason(&self) -> String {
        self.inner.reason.clone()
    }

    /// Set the reason text.
    #[napi(setter)]
    pub fn set_reason(&mut self, #[napi(ts_arg_type = "string")] value: Unknown<'_>) -> Result<()> {
        self.inner.reason = string("reason", value)?;
        Ok(())
    }

    /// xml:lang of the reason; null when absent (written as "en" in SOAP 1.2).
    #[napi(getter)]
    pub fn lang(&self) -> Option<String> {
        self.inner.lang.clone()
    }

    /// Set xml:lang of the reason; null removes it.
    #[napi(setter)]
    pub fn set_lang(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.lang = opt_string("lang", value)?;
        Ok(())
    }

    /// SOAP 1.1 faultactor / SOAP 1.2 Role; null when absent.
    #[napi(getter)]
    pub fn role(&self) -> Option<String> {
        self.inner.role.clone()
    }

    /// Set the role; null removes it.
    #[napi(setter)]
    pub fn set_role(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.role = opt_string("role", value)?;
        Ok(())
    }

    /// SOAP 1.2 Node (not written in SOAP 1.1); null when absent.
    #[napi(getter)]
    pub fn node(&self) -> Option<String> {
        self.inner.node.clone()
    }

    /// Set the node; null removes it.
    #[napi(setter)]
    pub fn set_node(
        &mut self,
        #[napi(ts_arg_type = "string | null")] value: Option<Unknown<'_>>,
    ) -> Result<()> {
        self.inner.node = opt_string("node", value)?;
        Ok(())
    }

    /// The detail entries, as XML.
    #[napi(getter)]
    pub fn detail(&self) -> Vec<String> {
        self.inner.detail.iter().map(xml_string).collect()
    }

    /// Replace the detail entries (XML strings or bytes).
    #[napi(setter)]
    pub fn set_detail(
        &mut self,
        #[napi(ts_arg_type = "Array<string | Buffer>")] value: Unknown<'_>,
    ) -> Result<()> {
        self.inner.detail = xml_elements("detail", value)?;
        Ok(())
    }

    /// The Fault element in `soapVersion` (default "1.2"), as XML.
    #[napi]
    pub fn to_xml(
        &self,
        #[napi(ts_arg_type = "'1.1' | '1.2'")] soap_version: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        let v = match present("soapVersion", soap_version)? {
            Some(v) => crate::conv::soap_version("soapVersion", v)?,
            None => wssx::message::SoapVersion::Soap12,
        };
        Ok(self.inner.to_xml(v).into_bytes().into())
    }

    /// A whole fault message: an envelope in `soapVersion` (default "1.2") with this fault as
    /// its body and no headers (`Envelope.wrap(fault, opts)` adds addressing headers).
    #[napi]
    pub fn to_envelope(
        &self,
        #[napi(ts_arg_type = "'1.1' | '1.2'")] soap_version: Option<Unknown<'_>>,
    ) -> Result<Envelope> {
        let v = match present("soapVersion", soap_version)? {
            Some(v) => crate::conv::soap_version("soapVersion", v)?,
            None => wssx::message::SoapVersion::Soap12,
        };
        Ok(Envelope {
            inner: self.inner.to_envelope(v, None),
        })
    }

    /// The error a requestor raises for this fault, not thrown: an Error whose `code` is
    /// `kind` and whose message is "Kind: Fault: reason".
    #[napi(ts_return_type = "Error & { code: string }")]
    pub fn to_error<'env>(&self, env: &'env Env) -> Unknown<'env> {
        napi::JsError::from(core_err(self.inner.to_error())).into_unknown(*env)
    }

    /// Core's JSON description.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsonValue {
        JsonValue(self.inner.to_json())
    }
}

/// Describe any document wssx reads as core's JSON (what `wssx inspect` prints): a SOAP
/// envelope (with its addressing headers, trust messages, fault and the tokens of its
/// Security header), a WS-Trust message (RST, RSTR, RSTRC, RSTC, IssuedTokens), or a
/// token (SecurityContextToken, DerivedKeyToken, SecurityTokenReference). Anything else is
/// "InvalidRequest"; input that is not XML "MalformedXml".
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn inspect(
    #[napi(ts_arg_type = "Buffer | Uint8Array | string")] xml: Unknown<'_>,
) -> Result<JsonValue> {
    let xml = xml_input("xml", xml)?;
    Ok(JsonValue(core(wssx::inspect::inspect(&xml))?))
}

/// What a target (renewTarget, cancelTarget, validateTarget) is set from: a
/// SecurityContextToken, a context Identifier (reference by Identifier), a ContextId-like
/// object, or XML of a token or reference (a string beginning with '<', or bytes).
#[allow(dead_code)]
#[napi(object, object_to_js = false, js_name = "TokenTargetReference")]
pub struct TokenTargetReference {
    /// wsc:Identifier of the context.
    pub identifier: String,
    /// wsc:Instance, when one key instance is meant.
    #[napi(ts_type = "string | null")]
    pub instance: Option<String>,
}
