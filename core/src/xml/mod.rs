//! A small namespace-aware XML layer: parsing under limits into an arena ([`Doc`]) or the
//! owned tree ([`Element`]), read access to either ([`ElementRef`]), writing into either
//! ([`build::Build`]), exclusive c14n, and helpers for typed readers.

pub mod arena;
pub mod build;
pub mod c14n;
pub mod parse;
mod scan;
mod spare;
pub mod tree;
pub mod view;
pub mod write;
pub mod xstr;

pub use arena::{ArenaEl, Doc};
pub use c14n::{C14nOptions, InScope, PrefixList};
pub use parse::{parse, parse_doc, parse_doc_with, parse_with, Limits};
pub use tree::{is_whitespace, Attribute, Document, Element, Node, NsDecl};
pub use view::{same_uri, AttrRef, ElementRef, LazyQName, NodeRef};
pub use write::{document_to_string, element_to_string};
pub use xstr::XStr;

use crate::error::{Error, ErrorKind, Result};
use base64::Engine;

/// Decode base64 text as found in XML (white space inside is allowed and ignored).
pub fn decode_base64(text: &str) -> std::result::Result<Vec<u8>, String> {
    let cleaned: String;
    let t = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        cleaned = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        &cleaned
    } else {
        text
    };
    base64::engine::general_purpose::STANDARD
        .decode(t)
        .map_err(|e| format!("bad base64: {e}"))
}

/// Encode bytes as base64 (standard alphabet, padded, no line breaks).
pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Read an element's text as base64, with a typed error naming the element.
pub fn base64_of<'d, E: ElementRef<'d>>(el: E) -> Result<Vec<u8>> {
    decode_base64(&el.text()).map_err(|m| Error::at(ErrorKind::InvalidRequest, el.qname(), m))
}

/// Read an element's trimmed text as an unsigned integer, with a typed error.
pub fn u64_of<'d, E: ElementRef<'d>>(el: E) -> Result<u64> {
    let t = el.text();
    t.trim().parse::<u64>().map_err(|_| {
        Error::at(
            ErrorKind::InvalidRequest,
            el.qname(),
            format!("'{}' is not an unsigned integer", t.trim()),
        )
    })
}
