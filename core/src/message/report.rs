//! What a receiver learned from a wsse:Security header.

use super::algorithms::{DigestAlgorithm, EncryptionAlgorithm, SignatureAlgorithm};
use super::envelope::SoapVersion;
use crate::json::Json;
use crate::time::Instant;
use crate::token::SecurityContextToken;
use crate::xml::Document;

/// Names a security context: Identifier plus the key Instance, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextId {
    /// wsc:Identifier.
    pub identifier: String,
    /// wsc:Instance.
    pub instance: Option<String>,
}

/// Which element of the envelope a signature or encryption covered, identified by where it
/// is (not by its ID string).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// The envelope's own Body (the direct child of the Envelope).
    Body,
    /// The wsu:Timestamp that is a direct child of the processed Security header.
    Timestamp,
    /// A direct child of the SOAP Header.
    Header {
        /// Namespace URI.
        ns: Option<String>,
        /// Local name.
        local: String,
    },
    /// A token or other element inside the processed Security header.
    SecurityHeaderElement {
        /// Local name.
        local: String,
    },
    /// Anything else (a Body child, a nested header element), by path of local names.
    Other {
        /// Slash-separated path from the Envelope.
        path: String,
    },
}

impl Part {
    /// A short stable label: `Body`, `Timestamp`, `Header {ns}local`, `Security/local`, or
    /// the path of local names for other elements. The faces show parts by this label.
    pub fn label(&self) -> String {
        match self {
            Part::Body => "Body".into(),
            Part::Timestamp => "Timestamp".into(),
            Part::Header { ns, local } => {
                format!("Header {{{}}}{local}", ns.as_deref().unwrap_or(""))
            }
            Part::SecurityHeaderElement { local } => format!("Security/{local}"),
            Part::Other { path } => path.clone(),
        }
    }
}

/// One verified signature reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPart {
    /// The element covered.
    pub part: Part,
    /// The ID it was referenced by.
    pub id: String,
    /// The context whose key made the signature (None when the key did not come from a
    /// security context).
    pub context: Option<ContextId>,
    /// MAC algorithm.
    pub signature: SignatureAlgorithm,
    /// Digest algorithm of the reference.
    pub digest: DigestAlgorithm,
}

/// One decrypted element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecryptedPart {
    /// Where the plaintext now is.
    pub part: Part,
    /// True when the content of `part` was encrypted (xenc#Content), false for the element.
    pub content: bool,
    /// The context whose key decrypted it.
    pub context: Option<ContextId>,
    /// Algorithm.
    pub algorithm: EncryptionAlgorithm,
}

/// The result of processing a secured message.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// SOAP version of the envelope.
    pub soap_version: SoapVersion,
    /// Every verified signature reference, in processing order.
    pub signed: Vec<SignedPart>,
    /// Every decrypted element, in processing order.
    pub decrypted: Vec<DecryptedPart>,
    /// wsu:Timestamp Created / Expires, when present.
    pub timestamp: Option<(Option<Instant>, Option<Instant>)>,
    /// SCTs carried in the header.
    pub tokens: Vec<SecurityContextToken>,
    /// The envelope after decryption: see [`VerifyReport::document`].
    pub(crate) processed: Processed,
}

/// The processed envelope, kept in the cheapest form that can give the owned tree.
///
/// When nothing was decrypted it is the received text, parsed into the tree only if asked:
/// a receiver that reads its Body with its own SOAP stack (or only wants the verdict)
/// does not pay for a second representation of the message.
#[derive(Debug, Clone)]
pub(crate) enum Processed {
    /// The envelope as received, and its tree once made.
    Received {
        text: Box<[u8]>,
        limits: crate::xml::Limits,
        tree: once_cell::sync::OnceCell<Document>,
    },
    /// The envelope after decryption.
    Tree(Document),
}

impl Processed {
    pub(crate) fn received(text: &[u8], limits: crate::xml::Limits) -> Self {
        Processed::Received {
            text: text.into(),
            limits,
            tree: once_cell::sync::OnceCell::new(),
        }
    }
}

impl VerifyReport {
    /// True when the envelope's Body was covered by a verified signature.
    pub fn body_signed(&self) -> bool {
        self.is_signed(&Part::Body)
    }

    /// True when the envelope's Body content was decrypted.
    pub fn body_decrypted(&self) -> bool {
        self.decrypted.iter().any(|d| d.part == Part::Body)
    }

    /// True when `part` was covered by a verified signature.
    pub fn is_signed(&self, part: &Part) -> bool {
        self.signed.iter().any(|s| &s.part == part)
    }

    /// The context that signed `part`, if it was signed.
    pub fn signer_of(&self, part: &Part) -> Option<&ContextId> {
        self.signed
            .iter()
            .find(|s| &s.part == part)
            .and_then(|s| s.context.as_ref())
    }

    /// The processed (decrypted) envelope as a tree. The first call on a message that had
    /// nothing encrypted parses the received text again (it parsed once, so it parses the
    /// same way; the error case is there for the type, not for a real input).
    pub fn document(&self) -> crate::Result<&Document> {
        match &self.processed {
            Processed::Tree(d) => Ok(d),
            Processed::Received { text, limits, tree } => {
                tree.get_or_try_init(|| crate::xml::parse_with(text, limits))
            }
        }
    }

    /// The processed (decrypted) envelope as XML.
    pub fn envelope_xml(&self) -> String {
        match (self.document(), &self.processed) {
            (Ok(d), _) => crate::xml::document_to_string(d),
            (Err(_), Processed::Received { text, .. }) => {
                String::from_utf8_lossy(text).into_owned()
            }
            (Err(_), Processed::Tree(d)) => crate::xml::document_to_string(d),
        }
    }

    /// JSON summary (without the document).
    pub fn to_json(&self) -> Json {
        let ctx = |c: &Option<ContextId>| match c {
            Some(c) => Json::object()
                .with("identifier", c.identifier.as_str())
                .with("instance", c.instance.as_deref()),
            None => Json::Null,
        };
        let signed: Vec<Json> = self
            .signed
            .iter()
            .map(|s| {
                Json::object()
                    .with("part", s.part.label())
                    .with("id", s.id.as_str())
                    .with("context", ctx(&s.context))
                    .with("signature", s.signature.uri())
                    .with("digest", s.digest.uri())
            })
            .collect();
        let decrypted: Vec<Json> = self
            .decrypted
            .iter()
            .map(|d| {
                Json::object()
                    .with("part", d.part.label())
                    .with("content", d.content)
                    .with("context", ctx(&d.context))
                    .with("algorithm", d.algorithm.uri())
            })
            .collect();
        let ts = match &self.timestamp {
            Some((c, e)) => Json::object()
                .with("created", c.map(|i| i.to_xsd()))
                .with("expires", e.map(|i| i.to_xsd())),
            None => Json::Null,
        };
        Json::object()
            .with("bodySigned", self.body_signed())
            .with("bodyDecrypted", self.body_decrypted())
            .with("signed", Json::Array(signed))
            .with("decrypted", Json::Array(decrypted))
            .with("timestamp", ts)
    }
}

/// A wsse:SecurityTokenReference outside the Security header that names the context an
/// action uses (WS-SC section 8: a message may carry several SCTs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    /// The Body or header that carries the reference.
    pub part: Part,
    /// The context it names.
    pub context: ContextId,
    /// True when that part was signed with that context's key.
    pub covered: bool,
}

impl VerifyReport {
    /// Every context named by a token reference in the Body or a (non-Security) header,
    /// with whether the naming part was signed by that very context — what an
    /// application checks before acting on behalf of the context it names.
    pub fn associations(&self) -> Vec<Association> {
        let v = self.soap_version;
        let Ok(doc) = self.document() else {
            return Vec::new();
        };
        let root = &doc.root;
        let mut out = Vec::new();
        let mut scan = |el: &crate::xml::Element, part: Part| {
            el.walk(&mut |e| {
                if !e.is(crate::ns::WSSE, "SecurityTokenReference") {
                    return;
                }
                let Ok(s) = crate::token::SecurityTokenReference::from_element(e) else {
                    return;
                };
                let Some(r) = &s.reference else { return };
                let context = match r.target() {
                    crate::token::ReferenceTarget::Local(id) => {
                        match self.tokens.iter().find(|t| t.id.as_deref() == Some(id)) {
                            Some(t) => ContextId {
                                identifier: t.identifier.clone(),
                                instance: r.instance.clone().or_else(|| t.instance.clone()),
                            },
                            None => return,
                        }
                    }
                    crate::token::ReferenceTarget::Uri(u) => ContextId {
                        identifier: u.to_string(),
                        instance: r.instance.clone(),
                    },
                };
                let covered = self.signed.iter().any(|p| {
                    p.part == part
                        && p.context.as_ref().map(|c| &c.identifier) == Some(&context.identifier)
                });
                out.push(Association {
                    part: part.clone(),
                    context,
                    covered,
                });
            })
        };
        for c in root.elements() {
            if c.is(v.namespace(), "Body") {
                scan(c, Part::Body);
            } else if c.is(v.namespace(), "Header") {
                for h in c.elements().filter(|h| !h.is(crate::ns::WSSE, "Security")) {
                    scan(
                        h,
                        Part::Header {
                            ns: h.ns.as_deref().map(str::to_string),
                            local: h.local.to_string(),
                        },
                    );
                }
            }
        }
        out
    }
}
