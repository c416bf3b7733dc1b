//! [`XStr`]: the string type of the tree's names, namespace URIs, attribute values and text.
//!
//! Why not `String`: a SOAP message is dozens of elements whose names, prefixes and values
//! are short, and whose namespace URIs are a few dozen well-known constants. With `String`
//! each of them is a heap allocation on parse and a free on drop — measured as the largest
//! single cost of parsing and verifying a message. `XStr` keeps strings of up to 24 bytes
//! inline, refers to well-known URIs (namespaces, algorithms, token and value types) as
//! `&'static str` without copying them, and only allocates for the rest. It derefs to
//! `str`, so reading code is unchanged.
//!
//! The inline representation comes from `compact_str` (well kept, widely used): producing a
//! `&str` from inline bytes without re-validating them needs `unsafe`, which this crate
//! forbids in its own code.

use compact_str::CompactString;
use once_cell::sync::Lazy;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A string of the XML tree: inline when short, shared when well known, heap otherwise.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct XStr(CompactString);

/// Longest string kept inline (no allocation).
const INLINE: usize = std::mem::size_of::<String>();

impl XStr {
    /// The empty string.
    pub const EMPTY: XStr = XStr(CompactString::const_new(""));

    /// A string referring to `s` without copying it.
    pub const fn from_static(s: &'static str) -> Self {
        XStr(CompactString::const_new(s))
    }

    /// A string with the contents of `s`: inline when short, the shared constant when `s` is
    /// a well-known URI, a heap copy otherwise.
    pub fn new(s: &str) -> Self {
        if s.len() > INLINE {
            if let Some(k) = known(s) {
                return XStr::from_static(k);
            }
        }
        XStr(CompactString::new(s))
    }

    /// True when this is one of the crate's well-known URIs (shared, not copied). None of
    /// them holds a character XML escapes, so writers can copy them as they are.
    #[inline]
    pub fn is_well_known(&self) -> bool {
        self.0.as_static_str().is_some() && self.len() > INLINE
    }

    /// The contents.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The contents as an owned `String`.
    pub fn into_string(self) -> String {
        self.0.into_string()
    }

    /// Append `s`.
    pub fn push_str(&mut self, s: &str) {
        self.0.push_str(s)
    }
}

impl Deref for XStr {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for XStr {
    fn as_ref(&self) -> &str {
        self
    }
}

impl Borrow<str> for XStr {
    fn borrow(&self) -> &str {
        self
    }
}

impl fmt::Debug for XStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for XStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl From<&str> for XStr {
    fn from(s: &str) -> Self {
        XStr::new(s)
    }
}

impl From<&String> for XStr {
    fn from(s: &String) -> Self {
        XStr::new(s)
    }
}

impl From<&XStr> for XStr {
    fn from(s: &XStr) -> Self {
        s.clone()
    }
}

impl From<String> for XStr {
    fn from(s: String) -> Self {
        if s.len() > INLINE {
            if let Some(k) = known(&s) {
                return XStr::from_static(k);
            }
        }
        // Reuses the String's buffer when it is not short enough to inline.
        XStr(CompactString::from(s))
    }
}

impl From<std::borrow::Cow<'_, str>> for XStr {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        match s {
            std::borrow::Cow::Borrowed(b) => XStr::new(b),
            std::borrow::Cow::Owned(o) => XStr::from(o),
        }
    }
}

impl From<XStr> for String {
    fn from(s: XStr) -> Self {
        s.into_string()
    }
}

impl PartialEq<str> for XStr {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for XStr {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for XStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<XStr> for str {
    fn eq(&self, other: &XStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<XStr> for &str {
    fn eq(&self, other: &XStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<XStr> for String {
    fn eq(&self, other: &XStr) -> bool {
        self.as_str() == other.as_str()
    }
}

/// Well-known strings longer than [`INLINE`], by length: probing is an index and, for the
/// few URIs of the same length, a comparison starting at the tail (URIs of one family
/// share their head). No hashing: measured cheaper than a hash set for this table.
static KNOWN: Lazy<Vec<Vec<&'static str>>> = Lazy::new(|| {
    let mut by_len: Vec<Vec<&'static str>> = Vec::new();
    for s in crate::ns::known_uris() {
        if s.len() > INLINE {
            if by_len.len() <= s.len() {
                by_len.resize(s.len() + 1, Vec::new());
            }
            if !by_len[s.len()].contains(&s) {
                by_len[s.len()].push(s);
            }
        }
    }
    by_len
});

/// The shared constant equal to `s`, if `s` is a well-known URI (longer than 24 bytes).
#[inline]
pub(crate) fn known(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    KNOWN.get(b.len())?.iter().copied().find(|k| {
        let kb = k.as_bytes();
        // Builders pass the crate's own constants: the same pointer needs no comparison.
        std::ptr::eq(kb, b) || (kb[kb.len() - 8..] == b[b.len() - 8..] && kb == b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_uris_need_no_escaping() {
        for u in crate::ns::known_uris() {
            assert!(
                !u.contains(['&', '<', '>', '"', '\'', '\t', '\n', '\r']),
                "{u}"
            );
        }
        assert!(XStr::new(crate::ns::WSSE).is_well_known());
        assert!(!XStr::new("urn:example:a-long-unknown-namespace-uri").is_well_known());
        assert!(!XStr::new("short").is_well_known());
    }

    #[test]
    fn short_inline_known_static_other_heap() {
        let a = XStr::new("wsse");
        assert_eq!(a, "wsse");
        let u = XStr::new(crate::ns::WSU);
        assert_eq!(u.0.as_static_str(), Some(crate::ns::WSU));
        let o = XStr::from(String::from("urn:example:a-long-unknown-namespace-uri"));
        assert_eq!(o.0.as_static_str(), None);
        assert_eq!(o, "urn:example:a-long-unknown-namespace-uri");
        let mut t = XStr::new("ab");
        t.push_str("cd");
        assert_eq!(t.as_str(), "abcd");
        assert_eq!(format!("{t:?}"), "\"abcd\"");
        assert_eq!(String::from(t), "abcd");
    }
}
