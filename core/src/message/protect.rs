//! Sending side: add a wsse:Security header that signs and/or encrypts a SOAP envelope
//! with keys of a security context.

use super::algorithms::{
    DigestAlgorithm, SignatureAlgorithm, EXC_C14N, XENC_CONTENT, XENC_ELEMENT,
};
use super::canon;
use super::cipher;
use super::envelope::{self, SoapVersion};
use super::options::{ContextKey, ProtectOptions, ProtectionOrder, TokenReference};
use crate::crypto::{random_bytes, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::time::Instant;
use crate::token::{DerivedKeyToken, SecurityTokenReference};
use crate::xml::{self, Document, Element, Node};

/// The shortest nonce the sender writes in a new DKT (WCF and WSS4J use 16).
pub const MIN_NONCE_LEN: usize = 8;

/// The shortest context secret a sender uses (receivers refuse keys under 16 bytes too).
pub const MIN_SECRET_LEN: usize = 16;

/// The longest Timestamp validity a sender writes.
pub const MAX_TIMESTAMP_TTL: std::time::Duration = std::time::Duration::from_secs(366 * 24 * 3600);

/// What to do to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Sign Body, Timestamp and the chosen headers.
    Sign,
    /// Encrypt the Body content and the chosen headers.
    Encrypt,
    /// Both, in `ProtectOptions::order`.
    SignAndEncrypt,
}

/// Protect the SOAP envelope `envelope` with `ctx` and return the secured envelope.
pub fn protect(
    envelope: &[u8],
    ctx: &ContextKey,
    what: Protection,
    opts: &ProtectOptions,
) -> Result<String> {
    let mut doc = xml::parse(envelope)?;
    protect_document(&mut doc, ctx, what, opts)?;
    // The security header adds 2-3 KB; sizing once saves regrowing (copying) the output.
    let mut out = String::with_capacity(envelope.len() + envelope.len() / 3 + 3072);
    xml::write::write_document(&doc, &mut out);
    Ok(out)
}

/// [`protect`] on an already parsed envelope, in place.
pub fn protect_document(
    doc: &mut Document,
    ctx: &ContextKey,
    what: Protection,
    opts: &ProtectOptions,
) -> Result<()> {
    let v = envelope::check_envelope(doc)?;
    if opts.derived_keys && opts.nonce_len < MIN_NONCE_LEN {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "a {}-byte nonce would repeat derived keys; use at least {MIN_NONCE_LEN}",
                opts.nonce_len
            ),
        ));
    }
    if ctx.secret.len() < MIN_SECRET_LEN {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "a {}-byte context secret is too short; at least {MIN_SECRET_LEN} bytes",
                ctx.secret.len()
            ),
        ));
    }
    if opts.timestamp_ttl.is_some_and(|t| t > MAX_TIMESTAMP_TTL) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "a Timestamp may be valid for at most one year",
        ));
    }
    if opts.reference == TokenReference::ById && !opts.include_sct {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "a reference by wsu:Id needs the SCT in the message",
        ));
    }
    let b = Builder {
        ctx,
        opts,
        v,
        sc: ctx.sct.version,
        header_items: Vec::new(),
        sct_id: None,
        ids: Ids::with_nonce(if opts.derived_keys { opts.nonce_len } else { 0 })?,
        ek: None,
    };
    run(doc, b, what)
}

/// Protect `envelope` for the holder of `recipient`'s private key without a security
/// context: a fresh random key travels in an xenc:EncryptedKey (RSA-OAEP) in the Security
/// header, and DKTs (or the key itself) sign / encrypt — WCF's symmetric binding with an
/// X.509 protection token, and key exchange pattern 4. Returns the secured envelope and
/// the key, which a reply may be protected with.
pub fn protect_for_recipient(
    envelope: &[u8],
    recipient: &openssl::x509::X509Ref,
    version: crate::version::ScVersion,
    what: Protection,
    opts: &ProtectOptions,
) -> Result<(String, Secret)> {
    use super::keytransport::{EncryptedKey, KeyTransportAlgorithm, ReferenceKind};
    let mut doc = xml::parse(envelope)?;
    let v = envelope::check_envelope(&doc)?;
    let secret = Secret::random(32)?;
    let mut ek = EncryptedKey::encrypt_key(
        &secret,
        recipient,
        KeyTransportAlgorithm::RsaOaepMgf1p,
        ReferenceKind::Thumbprint,
    )?;
    let ids = Ids::new()?;
    let ek_id = ids.id("EK");
    ek.id = Some(ek_id.clone());
    // The token is a placeholder the builder never writes: keys come from the EncryptedKey.
    let ctx = ContextKey {
        sct: crate::token::SecurityContextToken::new(version, "urn:wssx:ephemeral-key")?,
        secret: secret.clone(),
    };
    let o = ProtectOptions {
        include_sct: false,
        reference: TokenReference::ByIdentifier,
        ..opts.clone()
    };
    let b = Builder {
        ctx: &ctx,
        opts: &o,
        v,
        sc: version,
        header_items: vec![ek.to_element()],
        sct_id: None,
        ids,
        ek: Some(ek_id),
    };
    run(&mut doc, b, what)?;
    Ok((xml::document_to_string(&doc), secret))
}

fn run(doc: &mut Document, mut b: Builder<'_>, what: Protection) -> Result<()> {
    let (v, opts) = (b.v, b.opts);
    b.prepare_sct();
    // One Timestamp per Security header: a second protection step signs the one there.
    let existing_ts = envelope::header(doc, v)
        .and_then(|h| h.elements().find(|e| e.is(ns::WSSE, "Security")))
        .and_then(|s| s.find(ns::WSU, "Timestamp"))
        .cloned();
    let ts = match existing_ts {
        Some(t) => Some(t),
        None => {
            let t = opts.timestamp_ttl.map(|ttl| b.timestamp(ttl));
            if let Some(t) = &t {
                b.header_items.push(t.clone());
            }
            t
        }
    };
    if let Some(sct) = b.sct_element() {
        b.header_items.push(sct);
    }
    let (sign, encrypt) = match what {
        Protection::Sign => (true, false),
        Protection::Encrypt => (false, true),
        Protection::SignAndEncrypt => (true, true),
    };
    // Key material first (DKT elements go before the Signature / ReferenceList).
    let sig_key = if sign {
        Some(
            b.key(
                opts.signature_key_len
                    .unwrap_or(opts.suite.signature_key_len()),
            )?,
        )
    } else {
        None
    };
    let enc_key = if encrypt {
        let len = opts
            .encryption_key_len
            .unwrap_or(opts.suite.encryption_key_len());
        Some(b.key(len)?)
    } else {
        None
    };
    let mut tail: Vec<Element> = Vec::new();
    match (sig_key, enc_key) {
        (Some(sk), None) => tail.push(b.sign(doc, &sk, ts.as_ref())?),
        (None, Some(ek)) => tail.push(b.encrypt(doc, &ek)?),
        (Some(sk), Some(ek)) => match opts.order {
            ProtectionOrder::SignThenEncrypt => {
                let sig = b.sign(doc, &sk, ts.as_ref())?;
                let refs = b.encrypt(doc, &ek)?;
                tail.push(refs);
                tail.push(sig);
            }
            ProtectionOrder::EncryptThenSign => {
                let refs = b.encrypt(doc, &ek)?;
                let sig = b.sign(doc, &sk, ts.as_ref())?;
                tail.push(sig);
                tail.push(refs);
            }
        },
        (None, None) => {}
    }
    let mut items = std::mem::take(&mut b.header_items);
    items.extend(tail);
    // A receiver processes the header in order, so what this step adds goes before what an
    // earlier step put there (WS-Security 1.1 section 5: prepend), e.g. sign with one
    // context, then encrypt with another.
    let sec = security_header(v, doc);
    let at = sec
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(_)))
        .unwrap_or(sec.children.len());
    sec.children
        .splice(at..at, items.into_iter().map(Node::Element));
    Ok(())
}

/// A key ready for use: the secret, and the KeyInfo reference that names it.
struct Key {
    secret: Secret,
    key_info: SecurityTokenReference,
}

struct Builder<'a> {
    ctx: &'a ContextKey,
    opts: &'a ProtectOptions,
    v: SoapVersion,
    sc: crate::version::ScVersion,
    header_items: Vec<Element>,
    sct_id: Option<String>,
    ids: Ids,
    /// wsu:Id of the xenc:EncryptedKey the keys come from, instead of the SCT.
    ek: Option<String>,
}

/// IDs for the elements one message adds: a random per-message stem (so they cannot
/// collide with IDs the caller's envelope already has) and a counter. WCF writes `_0`,
/// WSS4J `id-…`; only uniqueness within the message matters.
struct Ids {
    stem: String,
    next: std::cell::Cell<u32>,
    /// Random bytes drawn with the stem for the message's first DKT nonce: one draw per
    /// message instead of two (each draw checks the process id, a system call).
    nonce: std::cell::RefCell<Option<Vec<u8>>>,
}

impl Ids {
    fn new() -> Result<Self> {
        Self::with_nonce(0)
    }

    /// Ids plus `nonce_len` random bytes kept for [`Ids::take_nonce`].
    fn with_nonce(nonce_len: usize) -> Result<Self> {
        // Only a nonce the per-thread block serves is drawn here; an unusual length (up to
        // an absurd one the key step refuses with LimitExceeded) is drawn there.
        let nonce_len = if nonce_len <= crate::crypto::POOLED - 6 {
            nonce_len
        } else {
            0
        };
        let mut r = random_bytes(6 + nonce_len)?;
        let nonce = (nonce_len > 0).then(|| r.split_off(6));
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let stem: String = r
            .iter()
            .flat_map(|b| {
                [
                    HEX[usize::from(b >> 4)] as char,
                    HEX[usize::from(b & 15)] as char,
                ]
            })
            .collect();
        Ok(Ids {
            stem,
            next: std::cell::Cell::new(1),
            nonce: std::cell::RefCell::new(nonce),
        })
    }

    /// The nonce drawn with the stem, once, if it has `len` bytes.
    fn take_nonce(&self, len: usize) -> Option<Vec<u8>> {
        let mut n = self.nonce.borrow_mut();
        if n.as_ref().is_some_and(|v| v.len() == len) {
            n.take()
        } else {
            None
        }
    }

    fn id(&self, prefix: &str) -> String {
        let n = self.next.get();
        self.next.set(n + 1);
        format!("{prefix}-{}-{n}", self.stem)
    }
}

impl<'a> Builder<'a> {
    fn prepare_sct(&mut self) {
        if self.opts.include_sct && self.ek.is_none() {
            self.sct_id = Some(
                self.ctx
                    .sct
                    .id
                    .clone()
                    .unwrap_or_else(|| self.ids.id("sct")),
            );
        }
    }

    fn sct_element(&self) -> Option<Element> {
        let id = self.sct_id.as_ref()?;
        let mut sct = self.ctx.sct.clone();
        sct.id = Some(id.clone());
        Some(sct.to_element())
    }

    /// The reference to the SCT, per the options.
    fn sct_reference(&self) -> SecurityTokenReference {
        if let Some(ek) = &self.ek {
            let mut s =
                SecurityTokenReference::to_id(ek, Some(super::keytransport::ENCRYPTED_KEY_TOKEN));
            s.token_type = Some(super::keytransport::ENCRYPTED_KEY_TOKEN.to_string());
            return s;
        }
        let instance = if self.opts.reference_instance {
            self.ctx.sct.instance.as_deref()
        } else {
            None
        };
        match (self.opts.reference, &self.sct_id) {
            (TokenReference::ById, Some(id)) => {
                let mut s = SecurityTokenReference::to_id(id, Some(self.sc.sct_token_type()));
                s.sc_version = Some(self.sc);
                if let Some(r) = s.reference.as_mut() {
                    r.instance = instance.map(str::to_string);
                }
                s
            }
            _ => SecurityTokenReference::to_identifier(self.sc, &self.ctx.sct.identifier, instance),
        }
    }

    fn timestamp(&self, ttl: std::time::Duration) -> Element {
        let now = Instant::now();
        let mut ts = Element::new_static(ns::WSU, "wsu", "Timestamp");
        ts.set_attr_ns_static(ns::WSU, "wsu", "Id", self.ids.id("TS"));
        ts.push(Element::child_of_static(ns::WSU, "wsu", "Created").with_text(now.to_xsd()));
        ts.push(
            Element::child_of_static(ns::WSU, "wsu", "Expires").with_text(now.plus(ttl).to_xsd()),
        );
        ts
    }

    /// A key of `len` bytes: a new DKT (added to the header) or the raw context secret.
    fn key(&mut self, len: u64) -> Result<Key> {
        if !self.opts.derived_keys {
            return Ok(Key {
                secret: self.ctx.secret.clone(),
                key_info: self.sct_reference(),
            });
        }
        let mut dkt = DerivedKeyToken::new(self.sc, self.sct_reference());
        dkt.id = Some(self.ids.id("DK"));
        dkt.nonce = Some(match self.ids.take_nonce(self.opts.nonce_len) {
            Some(n) => n,
            None => random_bytes(self.opts.nonce_len)?,
        });
        dkt.label = self.opts.label.clone();
        dkt.offset = self.opts.offset;
        // WCF omits Length when it is the default 32; WSS4J always writes it. Both read it.
        if len != crate::crypto::DEFAULT_LENGTH as u64 || self.opts.offset.is_some() {
            dkt.length = Some(len);
        }
        let opts = crate::token::DeriveOptions {
            length: len,
            ..Default::default()
        };
        let secret = dkt.derive_with(self.ctx.secret.expose(), &opts)?;
        let id = dkt.id.clone().unwrap_or_default();
        self.header_items.push(dkt.to_element());
        let mut key_info = SecurityTokenReference::to_id(&id, Some(self.sc.dk_token_type()));
        key_info.sc_version = Some(self.sc);
        Ok(Key { secret, key_info })
    }

    fn sign(&self, doc: &mut Document, key: &Key, ts: Option<&Element>) -> Result<Element> {
        let sig_alg = self.opts.suite.signature();
        let dig_alg = self.opts.suite.digest();
        let mut refs: Vec<(String, Vec<u8>)> = Vec::new();
        let mut buf = Vec::with_capacity(1024);
        // Timestamp (built here, not yet in the document).
        if let Some(t) = ts {
            buf.clear();
            canon::exc_c14n(t, &[], &mut buf);
            refs.push((
                t.id().unwrap_or_default().to_string(),
                digest(dig_alg, &buf)?,
            ));
        }
        // Chosen headers, then the Body.
        let envns = self.v.namespace();
        for (hns, hlocal) in &self.opts.signed_headers {
            if let Some(h) = envelope::header_mut(doc, self.v)
                .elements_mut()
                .find(|e| e.is(hns, hlocal))
            {
                let id = ensure_id(h, || self.ids.id("H"));
                buf.clear();
                canon::exc_c14n(h, &[], &mut buf);
                refs.push((id, digest(dig_alg, &buf)?));
            }
        }
        let body = doc
            .root
            .find_mut(envns, "Body")
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no Body"))?;
        let id = ensure_id(body, || self.ids.id("Body"));
        buf.clear();
        canon::exc_c14n(body, &[], &mut buf);
        refs.push((id, digest(dig_alg, &buf)?));

        let si = signed_info(sig_alg, dig_alg, &refs);
        buf.clear();
        canon::exc_c14n(&si, &[], &mut buf);
        let value = mac(sig_alg, key.secret.expose(), &buf)?;
        let mut sig = Element::new_static(ns::DS, "ds", "Signature");
        sig.set_attr_static("Id", self.ids.id("SIG"));
        sig.push(si);
        sig.push(
            Element::child_of_static(ns::DS, "ds", "SignatureValue")
                .with_text(xml::encode_base64(&value)),
        );
        let mut ki = Element::child_of_static(ns::DS, "ds", "KeyInfo");
        ki.push(key.key_info.to_element());
        sig.push(ki);
        Ok(sig)
    }

    /// Encrypt the Body content and the chosen headers; return the ReferenceList.
    fn encrypt(&self, doc: &mut Document, key: &Key) -> Result<Element> {
        let alg = match (self.opts.gcm, self.opts.suite.encryption().key_len()) {
            (true, 16) => super::algorithms::EncryptionAlgorithm::Aes128Gcm,
            (true, _) => super::algorithms::EncryptionAlgorithm::Aes256Gcm,
            (false, _) => self.opts.suite.encryption(),
        };
        let alg = if key.secret.len() != alg.key_len() {
            // A key length chosen by the caller decides the AES variant.
            match (key.secret.len(), self.opts.gcm) {
                (16, false) => super::algorithms::EncryptionAlgorithm::Aes128Cbc,
                (24, false) => super::algorithms::EncryptionAlgorithm::Aes192Cbc,
                (32, false) => super::algorithms::EncryptionAlgorithm::Aes256Cbc,
                (16, true) => super::algorithms::EncryptionAlgorithm::Aes128Gcm,
                (32, true) => super::algorithms::EncryptionAlgorithm::Aes256Gcm,
                (n, _) => {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!("no AES variant takes a {n}-byte key"),
                    ))
                }
            }
        } else {
            alg
        };
        let mut reflist = Element::new_static(ns::XENC, "xenc", "ReferenceList");
        let envns = self.v.namespace();
        // Headers become wsse11:EncryptedHeader wrapping an EncryptedData of Type Element.
        if !self.opts.encrypted_headers.is_empty() {
            let header = envelope::header_mut(doc, self.v);
            for i in 0..header.children.len() {
                let Node::Element(h) = &header.children[i] else {
                    continue;
                };
                if !self.opts.encrypted_headers.iter().any(|(n, l)| h.is(n, l)) {
                    continue;
                }
                let plain = xml::element_to_string(h);
                let ed_id = self.ids.id("ED");
                let ed = encrypted_data(
                    &ed_id,
                    XENC_ELEMENT,
                    alg,
                    &key.key_info,
                    &cipher::encrypt(alg, key.secret.expose(), plain.as_bytes())?,
                );
                let mut eh = Element::new_static(ns::WSSE11, "wsse11", "EncryptedHeader");
                eh.set_attr_ns_static(ns::WSU, "wsu", "Id", self.ids.id("EH"));
                eh.push(ed);
                header.children[i] = Node::Element(eh);
                reflist.push(data_reference(&ed_id));
            }
        }
        let body = doc
            .root
            .find_mut(envns, "Body")
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no Body"))?;
        let mut plain = String::new();
        for c in &body.children {
            match c {
                Node::Element(e) => xml::write::write_element(e, &mut plain),
                Node::Text(t) => xml::write::escape_text(t, &mut plain),
                Node::Comment(_) | Node::Pi { .. } => {}
            }
        }
        let ed_id = self.ids.id("ED");
        let ct = cipher::encrypt(alg, key.secret.expose(), plain.as_bytes())?;
        body.children = vec![Node::Element(encrypted_data(
            &ed_id,
            XENC_CONTENT,
            alg,
            &key.key_info,
            &ct,
        ))];
        reflist.push(data_reference(&ed_id));
        Ok(reflist)
    }
}

fn data_reference(id: &str) -> Element {
    let mut r = Element::child_of_static(ns::XENC, "xenc", "DataReference");
    r.set_attr_static("URI", format!("#{id}"));
    r
}

fn encrypted_data(
    id: &str,
    ty: &str,
    alg: super::algorithms::EncryptionAlgorithm,
    key_info: &SecurityTokenReference,
    ct: &[u8],
) -> Element {
    let mut ed = Element::new_static(ns::XENC, "xenc", "EncryptedData");
    ed.set_attr_static("Id", id.to_string());
    ed.set_attr_static("Type", ty.to_string());
    let mut m = Element::child_of_static(ns::XENC, "xenc", "EncryptionMethod");
    m.set_attr_static("Algorithm", alg.uri());
    ed.push(m);
    let mut ki = Element::new_static(ns::DS, "ds", "KeyInfo");
    ki.push(key_info.to_element());
    ed.push(ki);
    let cv =
        Element::child_of_static(ns::XENC, "xenc", "CipherValue").with_text(xml::encode_base64(ct));
    ed.push(Element::child_of_static(ns::XENC, "xenc", "CipherData").with_child(cv));
    ed
}

/// The element's ID, adding a wsu:Id when it has none.
fn ensure_id(el: &mut Element, make: impl FnOnce() -> String) -> String {
    if let Some(id) = el.id() {
        return id.to_string();
    }
    let id = make();
    el.set_attr_ns_static(ns::WSU, "wsu", "Id", id.clone());
    id
}

fn signed_info(
    sig: SignatureAlgorithm,
    dig: DigestAlgorithm,
    refs: &[(String, Vec<u8>)],
) -> Element {
    let mut si = Element::child_of_static(ns::DS, "ds", "SignedInfo");
    let mut cm = Element::child_of_static(ns::DS, "ds", "CanonicalizationMethod");
    cm.set_attr_static("Algorithm", EXC_C14N);
    si.push(cm);
    let mut sm = Element::child_of_static(ns::DS, "ds", "SignatureMethod");
    sm.set_attr_static("Algorithm", sig.uri());
    si.push(sm);
    for (id, d) in refs {
        let mut r = Element::child_of_static(ns::DS, "ds", "Reference");
        r.set_attr_static("URI", format!("#{id}"));
        let mut t = Element::child_of_static(ns::DS, "ds", "Transform");
        t.set_attr_static("Algorithm", EXC_C14N);
        r.push(Element::child_of_static(ns::DS, "ds", "Transforms").with_child(t));
        let mut dm = Element::child_of_static(ns::DS, "ds", "DigestMethod");
        dm.set_attr_static("Algorithm", dig.uri());
        r.push(dm);
        r.push(
            Element::child_of_static(ns::DS, "ds", "DigestValue").with_text(xml::encode_base64(d)),
        );
        si.push(r);
    }
    si
}

/// The wsse:Security header of the envelope (created, mustUnderstand, when absent).
fn security_header(v: SoapVersion, doc: &mut Document) -> &mut Element {
    let env_prefix = doc
        .root
        .prefix
        .clone()
        .unwrap_or_else(|| "soap".to_string().into());
    let header = envelope::header_mut(doc, v);
    let pos = header.children.iter().position(
        |n| matches!(n, Node::Element(e) if e.is(ns::WSSE, "Security") && e.attr(Some(v.namespace()), "actor").is_none() && e.attr(Some(v.namespace()), "role").is_none()),
    );
    let pos = match pos {
        Some(p) => p,
        None => {
            let mut sec = Element::new_static(ns::WSSE, "wsse", "Security");
            sec.set_attr_ns(
                v.namespace(),
                &env_prefix,
                "mustUnderstand",
                v.must_understand_true(),
            );
            header.children.push(Node::Element(sec));
            header.children.len() - 1
        }
    };
    match &mut header.children[pos] {
        Node::Element(e) => e,
        _ => unreachable!("position found an element"),
    }
}

pub(crate) fn digest(alg: DigestAlgorithm, data: &[u8]) -> Result<Vec<u8>> {
    match alg {
        DigestAlgorithm::Sha1 => Ok(crate::crypto::hmac_sha1::sha1(data).to_vec()),
        DigestAlgorithm::Sha256 => {
            Ok(openssl::hash::hash(openssl::hash::MessageDigest::sha256(), data)?.to_vec())
        }
    }
}

pub(crate) fn mac(alg: SignatureAlgorithm, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    match alg {
        SignatureAlgorithm::HmacSha1 => Ok(crate::crypto::hmac_sha1::HmacSha1Key::new(key)
            .mac(&[data])
            .to_vec()),
        SignatureAlgorithm::HmacSha256 => {
            let k = openssl::pkey::PKey::hmac(key)?;
            let mut s = openssl::sign::Signer::new(alg.digest(), &k)?;
            s.update(data)?;
            Ok(s.sign_to_vec()?)
        }
    }
}
