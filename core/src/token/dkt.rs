//! wsc:DerivedKeyToken (WS-SC section 7) and key derivation through it.
//!
//! Interop notes, from the peers' code:
//! - WCF omits Offset and Length when the length is 32 and sends a 16-byte Nonce and no
//!   Label: absent Length means [`DeriveOptions::length`] (32), absent Offset means 0.
//! - Generation means offset = generation x length, as the spec and WCF compute it.
//!   WSS4J (1.6 and current) and Metro ignore Generation; wssx follows the spec.
//! - A DKT may derive from another DKT (by `#Id` or by its Properties/Name); the source's
//!   Properties/Label and Properties/Nonce are then the defaults (spec 7.2).

use super::{once, other_attrs, SecurityTokenReference};
use crate::crypto::{DerivationLimits, PSha1, Secret, DEFAULT_LABEL, DEFAULT_LENGTH};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::version::ScVersion;
use crate::xml::build::{self, Build};
use crate::xml::{self, Attribute, Element, ElementRef};

/// Nonce length wssx generates (WCF's choice).
pub const DEFAULT_NONCE_LEN: usize = 16;

/// wsc:Properties of a DKT: defaults for keys derived from this key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DktProperties {
    /// wsc:Name: a URI other DKTs can reference this key by.
    pub name: Option<String>,
    /// wsc:Label default.
    pub label: Option<String>,
    /// wsc:Nonce default.
    pub nonce: Option<Vec<u8>>,
    /// Other properties, kept.
    pub extensions: Vec<Element>,
}

/// A derived key token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedKeyToken {
    /// Namespace version.
    pub version: ScVersion,
    /// wsu:Id.
    pub id: Option<String>,
    /// Algorithm attribute (absent = P_SHA1).
    pub algorithm: Option<String>,
    /// The derivation source; absent means "known from the message context".
    pub token_reference: Option<SecurityTokenReference>,
    /// wsc:Properties.
    pub properties: Option<DktProperties>,
    /// wsc:Generation.
    pub generation: Option<u64>,
    /// wsc:Offset.
    pub offset: Option<u64>,
    /// wsc:Length.
    pub length: Option<u64>,
    /// wsc:Label.
    pub label: Option<String>,
    /// wsc:Nonce (decoded).
    pub nonce: Option<Vec<u8>>,
    /// Other attributes, kept.
    pub other_attributes: Vec<Attribute>,
    /// Other children, kept.
    pub extensions: Vec<Element>,
}

/// What the receiver assumes where a DKT is silent, and the bounds it enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeriveOptions {
    /// Bounds on offset, length, label and nonce sizes and chain depth.
    pub limits: DerivationLimits,
    /// Label when the token (and its source's Properties) give none: client label + service
    /// label. Default "WS-SecureConversationWS-SecureConversation".
    pub label: String,
    /// Key length when the token gives none. Default 32.
    pub length: u64,
    /// Nonce when the token gives none (the spec allows a nonce known from policy); by
    /// default there is none and such a token is refused.
    pub nonce: Option<Vec<u8>>,
    /// Accept a KeyIdentifier as the derivation source. WS-SC 7 says DKT references MUST use
    /// an Id or the SCT Identifier, so this is off by default; WCF references an
    /// EncryptedKey by EncryptedKeySHA1 in some non-SC bindings, which needs it on.
    pub allow_key_identifier: bool,
}

impl Default for DeriveOptions {
    fn default() -> Self {
        DeriveOptions {
            limits: DerivationLimits::default(),
            label: DEFAULT_LABEL.to_string(),
            length: DEFAULT_LENGTH as u64,
            nonce: None,
            allow_key_identifier: false,
        }
    }
}

/// The source a DKT's reference resolves to, as returned by a caller's resolver.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// The shared secret itself (an SCT's key, a proof key).
    Secret(Secret),
    /// Another derived key token, whose key is the source (spec 7.2 chains).
    DerivedKey(Box<DerivedKeyToken>),
}

/// The effective derivation parameters of one DKT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivationParams {
    /// Label (UTF-8).
    pub label: String,
    /// Nonce bytes.
    pub nonce: Vec<u8>,
    /// Byte offset.
    pub offset: u64,
    /// Key length in bytes.
    pub length: u64,
}

fn bad(path: &str, msg: impl Into<String>) -> Error {
    Error::at(ErrorKind::InvalidSecurityToken, path, msg)
}

impl DerivedKeyToken {
    /// An empty DKT referencing `source` (set nonce / length / label as needed).
    pub fn new(version: ScVersion, source: SecurityTokenReference) -> Self {
        DerivedKeyToken {
            version,
            id: None,
            algorithm: None,
            token_reference: Some(source),
            properties: None,
            generation: None,
            offset: None,
            length: None,
            label: None,
            nonce: None,
            other_attributes: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// A DKT the way WCF writes one: a fresh 16-byte nonce, no Label, Length only when it
    /// is not 32, no Offset.
    pub fn generate(
        version: ScVersion,
        source: SecurityTokenReference,
        length: u64,
    ) -> Result<Self> {
        DerivationLimits::default().check(b"", b"", 0, length)?;
        let mut d = Self::new(version, source);
        d.nonce = Some(crate::crypto::random_bytes(DEFAULT_NONCE_LEN)?);
        if length != DEFAULT_LENGTH as u64 {
            d.length = Some(length);
        }
        Ok(d)
    }

    /// Parse from XML bytes.
    pub fn from_xml(bytes: &[u8]) -> Result<Self> {
        let doc = xml::parse(bytes)?;
        Self::from_element(&doc.root)
    }

    /// Read from an element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// Read from an element of the owned tree or of a parsed [`xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        let version = super::sc_element(el, "DerivedKeyToken")
            .ok_or_else(|| {
                bad(
                    &el.qname(),
                    format!(
                        "expected wsc:DerivedKeyToken in a WS-SecureConversation namespace, found {{{}}}{}",
                        el.ns().unwrap_or(""),
                        el.local()
                    ),
                )
            })?;
        let path = el.lazy_qname();
        let scns = version.namespace();
        let mut d = DerivedKeyToken::new(version, SecurityTokenReference::default());
        d.token_reference = None;
        d.id = el.attr(Some(ns::WSU), "Id").map(str::to_string);
        d.algorithm = el.attr(None, "Algorithm").map(str::to_string);
        d.other_attributes = other_attrs(el, &[(Some(ns::WSU), "Id"), (None, "Algorithm")]);
        for c in el.elements() {
            let here = || format!("{path}/{}", c.qname());
            if c.is(ns::WSSE, "SecurityTokenReference") {
                once(&d.token_reference, c).map_err(|e| e.within(&path))?;
                d.token_reference =
                    Some(SecurityTokenReference::read(c).map_err(|e| e.within(&path))?);
                continue;
            }
            if !c.in_ns(scns) {
                d.extensions.push(c.to_element());
                continue;
            }
            match c.local() {
                "Properties" => {
                    once(&d.properties, c).map_err(|e| e.within(&path))?;
                    d.properties = Some(read_properties(c, scns).map_err(|e| e.within(&path))?);
                }
                "Generation" => {
                    once(&d.generation, c).map_err(|e| e.within(&path))?;
                    d.generation = Some(xml::u64_of(c).map_err(|e| bad(&here(), e.message()))?);
                }
                "Offset" => {
                    once(&d.offset, c).map_err(|e| e.within(&path))?;
                    d.offset = Some(xml::u64_of(c).map_err(|e| bad(&here(), e.message()))?);
                }
                "Length" => {
                    once(&d.length, c).map_err(|e| e.within(&path))?;
                    d.length = Some(xml::u64_of(c).map_err(|e| bad(&here(), e.message()))?);
                }
                "Label" => {
                    once(&d.label, c).map_err(|e| e.within(&path))?;
                    d.label = Some(c.text().into_owned());
                }
                "Nonce" => {
                    once(&d.nonce, c).map_err(|e| e.within(&path))?;
                    d.nonce = Some(xml::base64_of(c).map_err(|e| bad(&here(), e.message()))?);
                }
                _ => d.extensions.push(c.to_element()),
            }
        }
        if d.generation.is_some() && d.offset.is_some() {
            return Err(bad(
                &path,
                "wsc:Generation and wsc:Offset must not both be present",
            ));
        }
        Ok(d)
    }

    /// Build the element (prefix `wsc`), children in schema order.
    pub fn to_element(&self) -> Element {
        build::tree(|b| self.write(b))
    }

    /// Serialize to XML.
    pub fn to_xml(&self) -> String {
        build::text(512, |b| self.write(b))
    }

    /// Write the element (prefix `wsc`, children in schema order) into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B) {
        let scns = self.version.namespace();
        b.open_declared(scns, "wsc", "DerivedKeyToken");
        if let Some(id) = &self.id {
            b.attr_ns(ns::WSU, "wsu", "Id", id);
        }
        if let Some(a) = &self.algorithm {
            b.attr("Algorithm", a);
        }
        b.attrs(&self.other_attributes);
        if let Some(s) = &self.token_reference {
            s.write(b);
        }
        if let Some(p) = &self.properties {
            b.open(scns, "wsc", "Properties");
            if let Some(n) = &p.name {
                b.leaf(scns, "wsc", "Name", n);
            }
            if let Some(l) = &p.label {
                b.leaf(scns, "wsc", "Label", l);
            }
            if let Some(n) = &p.nonce {
                build::with_base64(n, |t| b.leaf(scns, "wsc", "Nonce", t));
            }
            for x in &p.extensions {
                b.element(x);
            }
            b.close();
        }
        let number = |b: &mut B, name: &'static str, n: u64| {
            build::with_decimal(n, |t| b.leaf(scns, "wsc", name, t));
        };
        if let Some(g) = self.generation {
            number(b, "Generation", g);
        }
        if let Some(o) = self.offset {
            number(b, "Offset", o);
        }
        if let Some(l) = self.length {
            number(b, "Length", l);
        }
        if let Some(l) = &self.label {
            b.leaf(scns, "wsc", "Label", l);
        }
        if let Some(n) = &self.nonce {
            build::with_base64(n, |t| b.leaf(scns, "wsc", "Nonce", t));
        }
        for x in &self.extensions {
            b.element(x);
        }
        b.close();
    }

    /// The effective label, nonce, offset and length, applying (in order) this token's own
    /// elements, its Properties, the Properties `inherited` from a source DKT, then `opts`.
    pub fn params(
        &self,
        inherited: Option<&DktProperties>,
        opts: &DeriveOptions,
    ) -> Result<DerivationParams> {
        let path = "wsc:DerivedKeyToken";
        if let Some(a) = &self.algorithm {
            if !ScVersion::is_p_sha1(a) {
                return Err(bad(
                    path,
                    format!("unsupported key derivation algorithm {a}"),
                ));
            }
        }
        let props = self.properties.as_ref();
        let label = self
            .label
            .clone()
            .or_else(|| props.and_then(|p| p.label.clone()))
            .or_else(|| inherited.and_then(|p| p.label.clone()))
            .unwrap_or_else(|| opts.label.clone());
        let nonce = self
            .nonce
            .clone()
            .or_else(|| props.and_then(|p| p.nonce.clone()))
            .or_else(|| inherited.and_then(|p| p.nonce.clone()))
            .or_else(|| opts.nonce.clone())
            .ok_or_else(|| bad(path, "no wsc:Nonce: the nonce seed is required"))?;
        let length = self.length.unwrap_or(opts.length);
        let offset = match (self.generation, self.offset) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    path,
                    "wsc:Generation and wsc:Offset must not both be present",
                ))
            }
            (Some(g), None) => g.checked_mul(length).ok_or_else(|| {
                Error::at(
                    ErrorKind::LimitExceeded,
                    format!("{path}/wsc:Generation"),
                    "generation x length overflows",
                )
            })?,
            (None, o) => o.unwrap_or(0),
        };
        opts.limits
            .check(label.as_bytes(), &nonce, offset, length)
            .map_err(|e| e.within(path))?;
        Ok(DerivationParams {
            label,
            nonce,
            offset,
            length,
        })
    }

    /// Derive this token's key from the source `secret` under the default options.
    pub fn derive(&self, secret: &[u8]) -> Result<Secret> {
        self.derive_with(secret, &DeriveOptions::default())
    }

    /// Derive this token's key from the source `secret` under `opts`.
    pub fn derive_with(&self, secret: &[u8], opts: &DeriveOptions) -> Result<Secret> {
        self.check_source(opts)?;
        self.derive_inheriting(secret, None, opts)
    }

    /// WS-SC 7: a DKT's source must be named by an Id or an Identifier, not a KeyIdentifier
    /// (unless the options allow it for EncryptedKeySHA1 interop).
    fn check_source(&self, opts: &DeriveOptions) -> Result<()> {
        if let Some(s) = &self.token_reference {
            if s.reference.is_none() && s.key_identifier.is_some() && !opts.allow_key_identifier {
                return Err(Error::at(
                    ErrorKind::UnknownDerivationSource,
                    "wsc:DerivedKeyToken/wsse:SecurityTokenReference",
                    "a KeyIdentifier cannot name a derivation source (WS-SC 7: use an Id or the SCT Identifier)",
                ));
            }
        }
        Ok(())
    }

    fn derive_inheriting(
        &self,
        secret: &[u8],
        inherited: Option<&DktProperties>,
        opts: &DeriveOptions,
    ) -> Result<Secret> {
        let p = self.params(inherited, opts)?;
        Ok(PSha1::new(secret).derive(
            p.label.as_bytes(),
            &p.nonce,
            p.offset as usize,
            p.length as usize,
        ))
    }

    /// Derive through a chain: `resolve` maps this token's reference (None when it has none)
    /// to a secret or to another DKT, whose key is then derived the same way, up to
    /// `opts.limits.max_chain` links. A resolver that cannot find the source should return
    /// an [`ErrorKind::UnknownDerivationSource`] error.
    pub fn derive_chain(
        &self,
        resolve: &mut dyn FnMut(Option<&SecurityTokenReference>) -> Result<KeySource>,
        opts: &DeriveOptions,
    ) -> Result<Secret> {
        self.chain_link(resolve, opts, 0)
    }

    fn chain_link(
        &self,
        resolve: &mut dyn FnMut(Option<&SecurityTokenReference>) -> Result<KeySource>,
        opts: &DeriveOptions,
        depth: usize,
    ) -> Result<Secret> {
        if depth > opts.limits.max_chain {
            return Err(Error::at(
                ErrorKind::LimitExceeded,
                "wsc:DerivedKeyToken",
                format!(
                    "derived key chain longer than {} links",
                    opts.limits.max_chain
                ),
            ));
        }
        self.check_source(opts)?;
        match resolve(self.token_reference.as_ref())? {
            KeySource::Secret(secret) => self.derive_inheriting(secret.expose(), None, opts),
            KeySource::DerivedKey(src) => {
                let base = src.chain_link(resolve, opts, depth + 1)?;
                self.derive_inheriting(base.expose(), src.properties.as_ref(), opts)
            }
        }
    }
}

fn read_properties<'d, E: ElementRef<'d>>(el: E, scns: &str) -> Result<DktProperties> {
    let mut p = DktProperties::default();
    for c in el.elements() {
        if !c.in_ns(scns) {
            p.extensions.push(c.to_element());
            continue;
        }
        match c.local() {
            "Name" => {
                once(&p.name, c)?;
                p.name = Some(c.text().trim().to_string());
            }
            "Label" => {
                once(&p.label, c)?;
                p.label = Some(c.text().into_owned());
            }
            "Nonce" => {
                once(&p.nonce, c)?;
                p.nonce = Some(xml::base64_of(c).map_err(|e| bad(&c.qname(), e.message()))?);
            }
            _ => p.extensions.push(c.to_element()),
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::p_sha1;

    fn wsc(v: ScVersion) -> String {
        format!(
            r#"xmlns:wsc="{}" xmlns:wsse="{}" xmlns:wsu="{}""#,
            v.namespace(),
            ns::WSSE,
            ns::WSU
        )
    }

    fn psha1(secret: &[u8], label: &str, nonce: &[u8], off: usize, len: usize) -> Vec<u8> {
        let mut seed = label.as_bytes().to_vec();
        seed.extend_from_slice(nonce);
        p_sha1(secret, &seed, off, len).expose().to_vec()
    }

    #[test]
    fn wcf_style_defaults() {
        // WCF: Nonce only, no Label / Length / Offset => default label, 32 bytes at 0.
        let x = format!(
            r##"<wsc:DerivedKeyToken {} wsu:Id="dk1"><wsse:SecurityTokenReference><wsse:Reference URI="#ctx"/></wsse:SecurityTokenReference><wsc:Nonce>AAECAwQFBgcICQoLDA0ODw==</wsc:Nonce></wsc:DerivedKeyToken>"##,
            wsc(ScVersion::Feb2005)
        );
        let d = DerivedKeyToken::from_xml(x.as_bytes()).unwrap();
        assert_eq!(d.version, ScVersion::Feb2005);
        let nonce: Vec<u8> = (0..16).collect();
        let k = d.derive(b"secret-secret-secret").unwrap();
        assert_eq!(
            k.expose(),
            &psha1(b"secret-secret-secret", DEFAULT_LABEL, &nonce, 0, 32)[..]
        );
        assert_eq!(DerivedKeyToken::from_xml(d.to_xml().as_bytes()).unwrap(), d);
    }

    #[test]
    fn generation_is_offset_times_length() {
        let mut d =
            DerivedKeyToken::new(ScVersion::V1_3, SecurityTokenReference::to_id("ctx", None));
        d.nonce = Some(vec![9; 16]);
        d.generation = Some(2);
        d.length = Some(24);
        d.label = Some("custom".into());
        let k = d.derive(b"s").unwrap();
        assert_eq!(k.expose(), &psha1(b"s", "custom", &[9; 16], 48, 24)[..]);
        d.offset = Some(1);
        assert_eq!(
            d.derive(b"s").unwrap_err().kind(),
            ErrorKind::InvalidSecurityToken
        );
    }

    #[test]
    fn limits_and_missing_nonce() {
        let mut d =
            DerivedKeyToken::new(ScVersion::V1_3, SecurityTokenReference::to_id("ctx", None));
        assert_eq!(
            d.derive(b"s").unwrap_err().kind(),
            ErrorKind::InvalidSecurityToken
        );
        d.nonce = Some(vec![1; 16]);
        d.offset = Some(u64::MAX);
        assert_eq!(d.derive(b"s").unwrap_err().kind(), ErrorKind::LimitExceeded);
        d.offset = None;
        d.generation = Some(u64::MAX);
        assert_eq!(d.derive(b"s").unwrap_err().kind(), ErrorKind::LimitExceeded);
        d.generation = None;
        d.length = Some(1 << 40);
        assert_eq!(d.derive(b"s").unwrap_err().kind(), ErrorKind::LimitExceeded);
        d.length = Some(0);
        assert_eq!(
            d.derive(b"s").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        d.length = None;
        d.algorithm = Some("urn:other".into());
        assert_eq!(
            d.derive(b"s").unwrap_err().kind(),
            ErrorKind::InvalidSecurityToken
        );
    }

    #[test]
    fn spec_chain_example() {
        // Spec 7.2: a base DKT named by Properties/Name with Label and Nonce properties,
        // 4th generation; a new key derived from it, 1st generation, inheriting its
        // properties.
        let x = format!(
            r#"<r {}><wsc:DerivedKeyToken><wsc:Properties><wsc:Name>urn:derivedKeySource</wsc:Name><wsc:Label>NewLabel</wsc:Label><wsc:Nonce>FHFE</wsc:Nonce></wsc:Properties><wsc:Generation>3</wsc:Generation></wsc:DerivedKeyToken><wsc:DerivedKeyToken wsu:Id="newKey"><wsse:SecurityTokenReference><wsse:Reference URI="urn:derivedKeySource"/></wsse:SecurityTokenReference><wsc:Generation>0</wsc:Generation></wsc:DerivedKeyToken></r>"#,
            wsc(ScVersion::V1_3)
        );
        let doc = xml::parse(x.as_bytes()).unwrap();
        let toks: Vec<DerivedKeyToken> = doc
            .root
            .elements()
            .map(|e| DerivedKeyToken::from_element(e).unwrap())
            .collect();
        let (base, new) = (&toks[0], &toks[1]);
        let ctx = b"context secret";
        let mut resolve = |r: Option<&SecurityTokenReference>| -> Result<KeySource> {
            match r.and_then(|s| s.reference.as_ref()).map(|r| r.uri.as_str()) {
                None => Ok(KeySource::Secret(Secret::from_slice(ctx))),
                Some("urn:derivedKeySource") => Ok(KeySource::DerivedKey(Box::new(base.clone()))),
                Some(u) => Err(Error::new(
                    ErrorKind::UnknownDerivationSource,
                    u.to_string(),
                )),
            }
        };
        let k = new
            .derive_chain(&mut resolve, &DeriveOptions::default())
            .unwrap();
        let nonce = xml::decode_base64("FHFE").unwrap();
        let base_key = psha1(ctx, "NewLabel", &nonce, 96, 32);
        assert_eq!(k.expose(), &psha1(&base_key, "NewLabel", &nonce, 0, 32)[..]);

        // A cycle is cut by the chain limit.
        let mut cyc = |_: Option<&SecurityTokenReference>| -> Result<KeySource> {
            Ok(KeySource::DerivedKey(Box::new(new.clone())))
        };
        assert_eq!(
            new.derive_chain(&mut cyc, &DeriveOptions::default())
                .unwrap_err()
                .kind(),
            ErrorKind::LimitExceeded
        );
    }

    #[test]
    fn key_identifier_source_refused() {
        let x = format!(
            r#"<wsc:DerivedKeyToken {}><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType="urn:x">abc</wsse:KeyIdentifier></wsse:SecurityTokenReference><wsc:Nonce>AAAA</wsc:Nonce></wsc:DerivedKeyToken>"#,
            wsc(ScVersion::V1_3)
        );
        let d = DerivedKeyToken::from_xml(x.as_bytes()).unwrap();
        let mut r =
            |_: Option<&SecurityTokenReference>| Ok(KeySource::Secret(Secret::from_slice(b"k")));
        let e = d
            .derive_chain(&mut r, &DeriveOptions::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownDerivationSource);
        let opts = DeriveOptions {
            allow_key_identifier: true,
            ..Default::default()
        };
        assert!(d.derive_chain(&mut r, &opts).is_ok());
    }

    #[test]
    fn malformed_fields() {
        for bad in [
            "<wsc:Offset>-1</wsc:Offset>",
            "<wsc:Length>x</wsc:Length>",
            "<wsc:Nonce>!!</wsc:Nonce>",
            "<wsc:Generation>1</wsc:Generation><wsc:Offset>2</wsc:Offset>",
            "<wsc:Nonce>AA==</wsc:Nonce><wsc:Nonce>AA==</wsc:Nonce>",
        ] {
            let x = format!(
                r#"<wsc:DerivedKeyToken {}>{bad}</wsc:DerivedKeyToken>"#,
                wsc(ScVersion::V1_3)
            );
            let e = DerivedKeyToken::from_xml(x.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidSecurityToken, "{bad}: {e}");
            assert!(e.path().starts_with("wsc:DerivedKeyToken"), "{e}");
        }
    }
}
