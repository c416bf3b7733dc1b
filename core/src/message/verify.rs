//! Receiving side: process a wsse:Security header — resolve context tokens and derived
//! keys, decrypt, verify HMAC signatures, check the Timestamp — and report exactly which
//! elements were covered and by which context.
//!
//! Defences against signature wrapping: every ID in the message must be unique; references
//! must be same-document `#id` references; a soap:Body anywhere but as the Envelope's child
//! is refused; signed parts are reported by where they are, so "Body signed" means the
//! Body the application will read. HMAC and digest values are compared in constant time
//! and truncated HMACs (HMACOutputLength) are refused.

use super::algorithms::{
    DigestAlgorithm, EncryptionAlgorithm, SignatureAlgorithm, EXC_C14N, EXC_C14N_WITH_COMMENTS,
    XENC_CONTENT, XENC_ELEMENT,
};
use super::canon;
use super::cipher;
use super::envelope::{self, SoapVersion};
use super::locate::{self, IdIndex};
use super::options::VerifyOptions;
use super::protect::{digest, mac};
use super::report::{ContextId, DecryptedPart, Part, Processed, SignedPart, VerifyReport};
use crate::crypto::{ct_eq, Secret};
use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::time::Instant;
use crate::token::{
    DerivedKeyToken, KeySource, ReferenceTarget, SecurityContextToken, SecurityTokenReference,
};
use crate::xml::{self, ArenaEl, Doc, Document, ElementRef};

/// Where a receiver gets a context's secret from (a context store, a callback of a face).
/// Return `Ok(None)` for an unknown context.
pub trait SecretLookup {
    /// The secret of the context named by `id`.
    fn secret(&self, id: &ContextId) -> Result<Option<Secret>>;
}

impl<F: Fn(&ContextId) -> Result<Option<Secret>>> SecretLookup for F {
    fn secret(&self, id: &ContextId) -> Result<Option<Secret>> {
        self(id)
    }
}

/// Process the secured envelope `envelope`.
///
/// The message is read in a parsed arena ([`xml::Doc`]) borrowing `envelope`; the owned
/// tree of the processed envelope is made only if the caller asks the report for it.
pub fn verify(
    envelope: &[u8],
    lookup: &dyn SecretLookup,
    opts: &VerifyOptions,
) -> Result<VerifyReport> {
    let doc = xml::parse_doc_with(envelope, &opts.limits)?;
    let root = doc.root();
    let v = envelope::check_root(root)?;
    let envns = v.namespace();
    let header = root.elements().find(|e| e.is(envns, "Header"));
    let body = root
        .elements()
        .find(|e| e.is(envns, "Body"))
        .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, "no Body"))?;
    let header = header.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidSecurityToken,
            "the message has no SOAP Header",
        )
    })?;
    let sec = header
        .elements()
        .find(|e| {
            e.is(ns::WSSE, "Security")
                && e.attr(Some(envns), "actor").is_none()
                && e.attr(Some(envns), "role").is_none()
        })
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidSecurityToken,
                "the message has no wsse:Security header",
            )
        })?;
    let (header, body, sec) = (header.node_id(), body.node_id(), sec.node_id());
    let mut p = Processor {
        doc,
        v,
        lookup,
        opts,
        sec,
        header,
        body,
        ids: None,
        // Sized for the usual message (one context, one or two keys, two references).
        scts: Vec::with_capacity(1),
        dkts: Vec::with_capacity(2),
        eks: Vec::new(),
        signed: Vec::with_capacity(4),
        decrypted: Vec::new(),
        timestamp: None,
    };
    p.run()?;
    if opts.require_timestamp && p.timestamp.is_none() {
        return Err(Error::new(
            ErrorKind::InvalidSecurityToken,
            "a wsu:Timestamp is required",
        ));
    }
    let processed = if p.decrypted.is_empty() {
        Processed::received(envelope, opts.limits)
    } else {
        Processed::Tree(p.doc.to_document())
    };
    Ok(VerifyReport {
        soap_version: v,
        signed: p.signed,
        decrypted: p.decrypted,
        timestamp: p.timestamp,
        tokens: p.scts.into_iter().map(|(_, t)| t).collect(),
        processed,
    })
}

/// [`verify`] on an envelope already parsed into the owned tree (it is serialized and read
/// again: what is verified is what the tree says, as a peer would receive it).
pub fn verify_document(
    doc: Document,
    lookup: &dyn SecretLookup,
    opts: &VerifyOptions,
) -> Result<VerifyReport> {
    verify(xml::document_to_string(&doc).as_bytes(), lookup, opts)
}

struct Processor<'a, 'x> {
    doc: Doc<'x>,
    v: SoapVersion,
    lookup: &'a dyn SecretLookup,
    opts: &'a VerifyOptions,
    /// Node numbers of the processed Security header, the SOAP Header and the Body.
    sec: u32,
    header: u32,
    body: u32,
    ids: Option<IdIndex>,
    scts: Vec<(Option<String>, SecurityContextToken)>,
    dkts: Vec<DerivedKeyToken>,
    /// Decrypted xenc:EncryptedKey tokens: (Id, key, EncryptedKeySHA1).
    eks: Vec<(Option<String>, Secret, Vec<u8>)>,
    signed: Vec<SignedPart>,
    decrypted: Vec<DecryptedPart>,
    timestamp: Option<(Option<Instant>, Option<Instant>)>,
}

fn wrong(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidSignature, msg)
}

impl<'a, 'x> Processor<'a, 'x> {
    fn run(&mut self) -> Result<()> {
        let mut next = self
            .doc
            .element(self.sec)
            .and_then(|s| s.elements().next())
            .map(|e| e.node_id());
        while let Some(id) = next {
            let el = self
                .doc
                .element(id)
                .ok_or_else(|| wrong("Security header element vanished"))?;
            // Read what the element is while borrowing the document; act after the borrow.
            let step = if el.is(ns::WSU, "Timestamp") {
                Step::Timestamp(read_timestamp(el)?)
            } else if crate::token::sc_element(el, "SecurityContextToken").is_some() {
                Step::Sct(SecurityContextToken::read(el)?)
            } else if crate::token::sc_element(el, "DerivedKeyToken").is_some() {
                Step::Dkt(DerivedKeyToken::read(el)?)
            } else if el.is(ns::XENC, "EncryptedKey") {
                Step::EncryptedKey(super::keytransport::EncryptedKey::from_element(
                    &el.to_element(),
                )?)
            } else if el.is(ns::XENC, "ReferenceList") {
                let mut ids = Vec::new();
                for r in el.elements().filter(|r| r.is(ns::XENC, "DataReference")) {
                    let uri = r.attr(None, "URI").unwrap_or("");
                    let id = uri.strip_prefix('#').ok_or_else(|| {
                        wrong(format!(
                            "DataReference URI '{uri}' is not a same-document reference"
                        ))
                    })?;
                    ids.push(id.to_string());
                }
                Step::Decrypt(ids)
            } else if el.is(ns::DS, "Signature") {
                Step::Signature
            } else {
                Step::Skip
            };
            match step {
                Step::Timestamp(t) => self.check_timestamp(t)?,
                Step::Sct(t) => self.scts.push((t.id.clone(), t)),
                Step::Dkt(d) => self.dkts.push(d),
                Step::Decrypt(ids) => {
                    for id in ids {
                        self.decrypt(&id, None)?;
                    }
                }
                Step::EncryptedKey(ek) => {
                    let keys = self.opts.keys.as_ref().ok_or_else(|| {
                        Error::new(ErrorKind::InvalidSecurityToken, "an EncryptedKey is addressed to this receiver but no private key was given")
                    })?;
                    let secret = keys.decrypt(&ek)?;
                    let sha1 = ek.encrypted_key_sha1()?;
                    self.eks.push((ek.id.clone(), secret.clone(), sha1));
                    for uri in &ek.reference_list {
                        let id = uri.strip_prefix('#').ok_or_else(|| {
                            wrong(format!(
                                "DataReference URI '{uri}' is not a same-document reference"
                            ))
                        })?;
                        self.decrypt(id, Some(secret.clone()))?;
                    }
                }
                Step::Signature => {
                    self.ids()?;
                    self.verify_signature(id)?;
                }
                Step::Skip => {}
            }
            // The next sibling element, read after the step: a decryption may have put
            // new elements after this one.
            next = self.next_element(id);
        }
        Ok(())
    }

    /// The element after node `id` among its siblings.
    fn next_element(&self, id: u32) -> Option<u32> {
        let mut at = self.doc.next_sibling(id);
        while let Some(n) = at {
            if self.doc.element(n).is_some() {
                return Some(n);
            }
            at = self.doc.next_sibling(n);
        }
        None
    }

    fn ids(&mut self) -> Result<&IdIndex> {
        let ids = match self.ids.take() {
            Some(ids) => ids,
            None => IdIndex::build(&self.doc)?,
        };
        Ok(self.ids.insert(ids))
    }

    /// The element whose ID is `id` (the index must be built).
    fn by_id(&self, id: &str) -> Option<ArenaEl<'_, 'x>> {
        let n = self.ids.as_ref()?.get(&self.doc, id)?;
        self.doc.element(n)
    }

    fn now(&self) -> Instant {
        self.opts.now.unwrap_or_else(Instant::now)
    }

    fn check_timestamp(
        &mut self,
        (created, expires): (Option<Instant>, Option<Instant>),
    ) -> Result<()> {
        if self.timestamp.is_some() {
            return Err(Error::at(
                ErrorKind::InvalidSecurityToken,
                "wsu:Timestamp",
                "more than one Timestamp",
            ));
        }
        let now = self.now();
        let skew = self.opts.clock_skew;
        if let Some(c) = created {
            if c > now.plus(skew) {
                return Err(Error::at(
                    ErrorKind::InvalidTimeRange,
                    "wsu:Timestamp/wsu:Created",
                    format!("{c} is in the future"),
                ));
            }
        }
        if let Some(e) = expires {
            if e < now.minus(skew) {
                return Err(Error::at(
                    ErrorKind::ExpiredData,
                    "wsu:Timestamp/wsu:Expires",
                    format!("the message expired at {e}"),
                ));
            }
            if let Some(c) = created {
                if e < c {
                    return Err(Error::at(
                        ErrorKind::InvalidTimeRange,
                        "wsu:Timestamp",
                        "Expires is before Created",
                    ));
                }
            }
        }
        self.timestamp = Some((created, expires));
        Ok(())
    }

    // ---- keys -----------------------------------------------------------------------

    fn context_secret(&self, id: &ContextId) -> Result<Secret> {
        self.lookup.secret(id)?.ok_or_else(|| {
            Error::new(
                ErrorKind::BadContextToken,
                format!("unknown security context {}", id.identifier),
            )
        })
    }

    fn sct_by_local_id(&self, id: &str) -> Option<&SecurityContextToken> {
        self.scts
            .iter()
            .find(|(i, _)| i.as_deref() == Some(id))
            .map(|(_, t)| t)
    }

    fn dkt_by_local_id(&self, id: &str) -> Option<&DerivedKeyToken> {
        self.dkts.iter().find(|d| d.id.as_deref() == Some(id))
    }

    /// What a reference names: a context (with the instance it asks for) or a DKT.
    fn resolve_ref(&self, s: &SecurityTokenReference) -> Result<Source> {
        if s.nonce.is_some() {
            let dkt = s
                .implied_derived_key()
                .ok_or_else(|| wrong("bad implied derived key"))?;
            return Ok(Source::Dkt(Box::new(dkt)));
        }
        if let Some(k) = &s.key_identifier {
            if k.value_type.as_deref() == Some(super::keytransport::ENCRYPTED_KEY_SHA1) {
                let want = xml::decode_base64(&k.value)
                    .map_err(|m| Error::new(ErrorKind::InvalidSecurityToken, m))?;
                return self
                    .eks
                    .iter()
                    .find(|(_, _, sha)| ct_eq(sha, &want))
                    .map(|(_, key, _)| Source::Key(key.clone()))
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::UnknownDerivationSource,
                            "no EncryptedKey with that EncryptedKeySHA1",
                        )
                    });
            }
        }
        let Some(r) = &s.reference else {
            return Err(Error::new(
                ErrorKind::UnknownDerivationSource,
                "the token reference has no wsse:Reference (KeyIdentifiers cannot name a context key)",
            ));
        };
        match r.target() {
            ReferenceTarget::Local(id) => {
                if let Some((_, key, _)) =
                    self.eks.iter().find(|(i, _, _)| i.as_deref() == Some(id))
                {
                    return Ok(Source::Key(key.clone()));
                }
                if let Some(d) = self.dkt_by_local_id(id) {
                    return Ok(Source::Dkt(Box::new(d.clone())));
                }
                if let Some(t) = self.sct_by_local_id(id) {
                    return Ok(Source::Context(ContextId {
                        identifier: t.identifier.clone(),
                        instance: r.instance.clone().or_else(|| t.instance.clone()),
                    }));
                }
                Err(Error::new(
                    ErrorKind::UnknownDerivationSource,
                    format!("no token with wsu:Id '{id}' in the Security header"),
                ))
            }
            ReferenceTarget::Uri(uri) => {
                if let Some(d) = self
                    .dkts
                    .iter()
                    .find(|d| d.properties.as_ref().and_then(|p| p.name.as_deref()) == Some(uri))
                {
                    return Ok(Source::Dkt(Box::new(d.clone())));
                }
                let carried = self
                    .scts
                    .iter()
                    .find(|(_, t)| t.identifier == uri)
                    .map(|(_, t)| t);
                Ok(Source::Context(ContextId {
                    identifier: uri.to_string(),
                    instance: r
                        .instance
                        .clone()
                        .or_else(|| carried.and_then(|t| t.instance.clone())),
                }))
            }
        }
    }

    /// The key a ds:KeyInfo names, and the context it comes from.
    fn key_for(&self, key_info: Option<ArenaEl<'_, 'x>>) -> Result<(Secret, Option<ContextId>)> {
        let s = key_info
            .and_then(|k| k.find(ns::WSSE, "SecurityTokenReference"))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidSecurityToken,
                    "KeyInfo has no wsse:SecurityTokenReference",
                )
            })?;
        let s = SecurityTokenReference::read(s)?;
        match self.resolve_ref(&s)? {
            Source::Context(id) => Ok((self.context_secret(&id)?, Some(id))),
            Source::Key(k) => Ok((k, None)),
            Source::Dkt(d) => {
                let mut ctx: Option<ContextId> = None;
                let key = {
                    let mut resolve = |r: Option<&SecurityTokenReference>| -> Result<KeySource> {
                        let src = match r {
                            Some(r) => self.resolve_ref(r)?,
                            None => match self.scts.as_slice() {
                                [(_, only)] => Source::Context(ContextId {
                                    identifier: only.identifier.clone(),
                                    instance: only.instance.clone(),
                                }),
                                _ => {
                                    return Err(Error::new(
                                        ErrorKind::UnknownDerivationSource,
                                        "a DerivedKeyToken without a reference, and no single context in the message",
                                    ))
                                }
                            },
                        };
                        match src {
                            Source::Context(id) => {
                                let secret = self.context_secret(&id)?;
                                ctx = Some(id);
                                Ok(KeySource::Secret(secret))
                            }
                            Source::Dkt(d) => Ok(KeySource::DerivedKey(d)),
                            Source::Key(k) => Ok(KeySource::Secret(k)),
                        }
                    };
                    // DKTs may name an EncryptedKey by EncryptedKeySHA1 (WCF does in replies).
                    let by_ek_sha1 = d
                        .token_reference
                        .as_ref()
                        .and_then(|s| s.key_identifier.as_ref())
                        .and_then(|k| k.value_type.as_deref())
                        == Some(super::keytransport::ENCRYPTED_KEY_SHA1);
                    if by_ek_sha1 {
                        let o = crate::token::DeriveOptions {
                            allow_key_identifier: true,
                            ..self.opts.derive.clone()
                        };
                        d.derive_chain(&mut resolve, &o)?
                    } else {
                        d.derive_chain(&mut resolve, &self.opts.derive)?
                    }
                };
                Ok((key, ctx))
            }
        }
    }

    // ---- signatures -----------------------------------------------------------------

    /// Verify the ds:Signature with node number `sig` (the ID index must be built),
    /// recording what it covered.
    fn verify_signature(&mut self, sig: u32) -> Result<()> {
        let sig = self
            .doc
            .element(sig)
            .ok_or_else(|| wrong("signature vanished"))?;
        let si = sig
            .find(ns::DS, "SignedInfo")
            .ok_or_else(|| wrong("ds:Signature has no SignedInfo"))?;
        let (comments, prefixes) = c14n_method(si.find(ns::DS, "CanonicalizationMethod"))?;
        let sm = si
            .find(ns::DS, "SignatureMethod")
            .ok_or_else(|| wrong("no SignatureMethod"))?;
        if sm.elements().any(|c| c.local() == "HMACOutputLength") {
            return Err(wrong("HMACOutputLength (truncated HMAC) is refused"));
        }
        let alg = SignatureAlgorithm::from_uri(sm.attr(None, "Algorithm").unwrap_or(""))?;
        let value = sig
            .find(ns::DS, "SignatureValue")
            .ok_or_else(|| wrong("no SignatureValue"))
            .and_then(|e| xml::base64_of(e).map_err(|_| wrong("SignatureValue is not base64")))?;
        if value.len() != alg.output_len() {
            return Err(wrong(format!(
                "SignatureValue is {} bytes; {} makes {}",
                value.len(),
                alg.uri(),
                alg.output_len()
            )));
        }
        let (key, ctx) = self.key_for(sig.find(ns::DS, "KeyInfo"))?;
        if key.len() < self.opts.min_key_len {
            return Err(wrong(format!(
                "a {}-byte signature key is shorter than the {} bytes required",
                key.len(),
                self.opts.min_key_len
            )));
        }
        let mut buf = Vec::with_capacity(1024);
        canon::exc_c14n_at(si, &prefixes, comments, &mut buf);
        let expect = mac(alg, key.expose(), &buf)?;
        if !ct_eq(&expect, &value) {
            return Err(wrong("the signature value does not match"));
        }
        let mut parts = Vec::with_capacity(4);
        for r in si.elements().filter(|e| e.is(ns::DS, "Reference")) {
            parts.push(self.verify_reference(r, alg, &ctx, &mut buf)?);
        }
        if parts.is_empty() {
            return Err(wrong("the signature has no references"));
        }
        self.signed.append(&mut parts);
        Ok(())
    }

    fn verify_reference(
        &self,
        r: ArenaEl<'_, 'x>,
        alg: SignatureAlgorithm,
        ctx: &Option<ContextId>,
        buf: &mut Vec<u8>,
    ) -> Result<SignedPart> {
        let uri = r.attr(None, "URI").unwrap_or("");
        let id = uri
            .strip_prefix('#')
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                wrong(format!(
                    "reference URI '{uri}' is not a same-document #id reference"
                ))
            })?;
        let mut transforms = r
            .find(ns::DS, "Transforms")
            .into_iter()
            .flat_map(|t| t.elements())
            .filter(|e| e.is(ns::DS, "Transform"));
        let (Some(transform), None) = (transforms.next(), transforms.next()) else {
            return Err(wrong(format!(
                "reference #{id}: exactly one exclusive c14n transform is supported"
            )));
        };
        let (comments, prefixes) = c14n_method(Some(transform))?;
        let dm = r
            .find(ns::DS, "DigestMethod")
            .ok_or_else(|| wrong("no DigestMethod"))?;
        let dalg = DigestAlgorithm::from_uri(dm.attr(None, "Algorithm").unwrap_or(""))?;
        let dv = r
            .find(ns::DS, "DigestValue")
            .ok_or_else(|| wrong("no DigestValue"))
            .and_then(|e| xml::base64_of(e).map_err(|_| wrong("DigestValue is not base64")))?;
        let target = self
            .by_id(id)
            .ok_or_else(|| wrong(format!("reference #{id} names no element of the message")))?;
        let part = self.classify(target)?;
        buf.clear();
        canon::exc_c14n_at(target, &prefixes, comments, buf);
        let d = digest(dalg, buf)?;
        if !ct_eq(&d, &dv) {
            return Err(wrong(format!("the digest of #{id} does not match")));
        }
        Ok(SignedPart {
            part,
            id: id.to_string(),
            context: ctx.clone(),
            signature: alg,
            digest: dalg,
        })
    }

    /// Where `el` is; refuses a Body that is not the envelope's own.
    fn classify(&self, el: ArenaEl<'_, 'x>) -> Result<Part> {
        let envns = self.v.namespace();
        let id = el.node_id();
        if id == self.body {
            return Ok(Part::Body);
        }
        if el.is(envns, "Body") || el.is(envns, "Envelope") || el.is(envns, "Header") {
            return Err(wrong(format!(
                "a signed {} outside its place in the envelope (signature wrapping)",
                el.local()
            )));
        }
        let parent = el.parent().map(|p| p.node_id());
        if parent == Some(self.sec) {
            if el.is(ns::WSU, "Timestamp") {
                return Ok(Part::Timestamp);
            }
            return Ok(Part::SecurityHeaderElement {
                local: el.local().to_string(),
            });
        }
        let ancestors = locate::ancestors(el);
        if ancestors.iter().any(|a| a.node_id() == self.sec) {
            return Ok(Part::SecurityHeaderElement {
                local: el.local().to_string(),
            });
        }
        if parent == Some(self.header) {
            return Ok(Part::Header {
                ns: el.ns().map(str::to_string),
                local: el.local().to_string(),
            });
        }
        let names: Vec<&str> = ancestors
            .iter()
            .map(|e| e.local())
            .chain([el.local()])
            .collect();
        Ok(Part::Other {
            path: names.join("/"),
        })
    }

    // ---- decryption -----------------------------------------------------------------

    /// Decrypt the EncryptedData `#id`, with `preset` (from an EncryptedKey's own
    /// ReferenceList) or the key its KeyInfo names.
    fn decrypt(&mut self, id: &str, preset: Option<Secret>) -> Result<()> {
        self.ids()?;
        let ed = self.by_id(id).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidSecurityToken,
                format!("DataReference #{id} names no element"),
            )
        })?;
        if !ed.is(ns::XENC, "EncryptedData") {
            return Err(Error::new(
                ErrorKind::InvalidSecurityToken,
                format!("#{id} is not an xenc:EncryptedData"),
            ));
        }
        let alg = EncryptionAlgorithm::from_uri(
            ed.find(ns::XENC, "EncryptionMethod")
                .and_then(|m| m.attr(None, "Algorithm"))
                .unwrap_or(""),
        )?;
        let (key, ctx) = match preset {
            Some(k) if ed.find(ns::DS, "KeyInfo").is_none() => (k, None),
            _ => self.key_for(ed.find(ns::DS, "KeyInfo"))?,
        };
        if key.len() < self.opts.min_key_len {
            return Err(Error::new(
                ErrorKind::Crypto,
                format!("a {}-byte encryption key is too short", key.len()),
            ));
        }
        let cv = ed
            .find(ns::XENC, "CipherData")
            .and_then(|c| c.find(ns::XENC, "CipherValue"))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidSecurityToken,
                    "EncryptedData has no CipherValue",
                )
            })?;
        let ct = xml::base64_of(cv)?;
        let plain = cipher::decrypt(alg, key.expose(), &ct)?;
        let content = match ed.attr(None, "Type") {
            Some(XENC_CONTENT) => true,
            Some(XENC_ELEMENT) | None => false,
            Some(t) => {
                return Err(Error::new(
                    ErrorKind::InvalidSecurityToken,
                    format!("unsupported EncryptedData Type {t}"),
                ))
            }
        };
        let parent = ed
            .parent()
            .ok_or_else(|| wrong("the document element cannot be EncryptedData"))?;
        let scope = locate::in_scope(parent);
        let wrapper_is_eh = parent.is(ns::WSSE11, "EncryptedHeader");
        let (ed_id, parent_id) = (ed.node_id(), parent.node_id());
        // Plaintext that is not well-formed XML means a wrong key or a tampered cipher text
        // (CBC padding checks catch only most of those): a decryption failure.
        // Every failure here is one kind, whatever the garbage looked like (no oracle).
        let as_crypto = |e: Error| {
            if e.kind() == ErrorKind::LimitExceeded {
                e
            } else {
                Error::new(
                    ErrorKind::Crypto,
                    "cannot decrypt: wrong key or tampered cipher text",
                )
            }
        };
        let wrapped = wrap_fragment(&plain, &scope).map_err(as_crypto)?;
        let fragment =
            xml::parse_doc_with(wrapped.as_bytes(), &self.opts.limits).map_err(as_crypto)?;
        let elements = fragment.root().elements().count();
        if !content && elements != 1 {
            return Err(Error::new(
                ErrorKind::InvalidSecurityToken,
                "an encrypted element must decrypt to one element",
            ));
        }
        let replaced_at = if wrapper_is_eh {
            // Replace the whole wsse11:EncryptedHeader by the header it wraps (it is not
            // the document element: that is the checked Envelope).
            let new = self
                .doc
                .replace(parent_id, &fragment)
                .ok_or_else(|| wrong("bad EncryptedHeader position"))?;
            self.first_element(&new)
                .ok_or_else(|| wrong("empty header"))?
        } else {
            let new = self
                .doc
                .replace(ed_id, &fragment)
                .ok_or_else(|| wrong("the document element cannot be EncryptedData"))?;
            match self.first_element(&new) {
                Some(e) if !content => e,
                _ => parent_id,
            }
        };
        self.ids = None;
        self.ids()?; // duplicate IDs introduced by plaintext are refused here
        let el = self
            .doc
            .element(replaced_at)
            .ok_or_else(|| wrong("decrypted element vanished"))?;
        let part = self.classify(el)?;
        self.decrypted.push(DecryptedPart {
            part,
            content,
            context: ctx,
            algorithm: alg,
        });
        Ok(())
    }

    /// The first element among the nodes `ids`.
    fn first_element(&self, ids: &[u32]) -> Option<u32> {
        ids.iter().copied().find(|&n| self.doc.element(n).is_some())
    }
}

enum Source {
    Context(ContextId),
    Dkt(Box<DerivedKeyToken>),
    /// A key from an xenc:EncryptedKey (not a security context).
    Key(Secret),
}

/// What one child of the Security header asks the processor to do.
enum Step {
    Timestamp((Option<Instant>, Option<Instant>)),
    Sct(SecurityContextToken),
    Dkt(DerivedKeyToken),
    Decrypt(Vec<String>),
    EncryptedKey(super::keytransport::EncryptedKey),
    Signature,
    Skip,
}

fn read_timestamp<'d, E: ElementRef<'d>>(el: E) -> Result<(Option<Instant>, Option<Instant>)> {
    let read = |local: &str| -> Result<Option<Instant>> {
        match el.find(ns::WSU, local) {
            Some(c) => Instant::parse(&c.text()).map(Some).map_err(|e| {
                Error::at(
                    ErrorKind::InvalidSecurityToken,
                    format!("wsu:Timestamp/wsu:{local}"),
                    e.message(),
                )
            }),
            None => Ok(None),
        }
    };
    Ok((read("Created")?, read("Expires")?))
}

/// Exclusive c14n method (or transform) → (with comments, inclusive prefixes).
fn c14n_method<'d, E: ElementRef<'d>>(el: Option<E>) -> Result<(bool, Vec<String>)> {
    let el = el.ok_or_else(|| wrong("no CanonicalizationMethod"))?;
    let comments = match el.attr(None, "Algorithm").unwrap_or("") {
        EXC_C14N => false,
        EXC_C14N_WITH_COMMENTS => true,
        other => {
            return Err(wrong(format!(
                "unsupported canonicalization / transform {other}"
            )))
        }
    };
    let prefixes = el
        .find(EXC_C14N, "InclusiveNamespaces")
        .and_then(|i| i.attr(None, "PrefixList"))
        .map(|l| l.split_ascii_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    Ok((comments, prefixes))
}

/// Decrypted plaintext as content of an element whose in-scope namespaces are `scope`:
/// wrapped in an element that declares them, ready to parse.
fn wrap_fragment(plain: &[u8], scope: &[(String, String)]) -> Result<String> {
    let text = std::str::from_utf8(plain)
        .map_err(|_| Error::new(ErrorKind::MalformedXml, "decrypted content is not UTF-8"))?;
    if text.contains("<!DOCTYPE") || text.contains("<?xml") {
        return Err(Error::new(
            ErrorKind::MalformedXml,
            "decrypted content carries a DTD or XML declaration",
        ));
    }
    let mut w = String::with_capacity(text.len() + 256);
    w.push_str("<wssx-fragment");
    for (p, u) in scope {
        if p.is_empty() && u.is_empty() {
            continue;
        }
        w.push_str(if p.is_empty() { " xmlns" } else { " xmlns:" });
        w.push_str(p);
        w.push_str("=\"");
        xml::write::escape_attr(u, &mut w);
        w.push('"');
    }
    w.push('>');
    w.push_str(text);
    w.push_str("</wssx-fragment>");
    Ok(w)
}
