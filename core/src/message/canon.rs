//! The message layer's view of exclusive c14n: canonicalize an element given its
//! ancestors (whose bindings matter only through the InclusiveNamespaces PrefixList).

use crate::xml::c14n::{self, C14nOptions, InScope};
use crate::xml::{Document, Element};

fn options(prefixes: &[String], comments: bool) -> C14nOptions {
    let mut o = C14nOptions::new().with_comments(comments);
    for p in prefixes {
        o.inclusive.add(p);
    }
    o
}

/// Exclusive c14n (no comments, no PrefixList) of an element built by the signer.
pub(crate) fn exc_c14n(el: &Element, prefixes: &[String], out: &mut Vec<u8>) {
    c14n::canonicalize_subtree(el, &InScope::new(), &options(prefixes, false), out);
}

/// Exclusive c14n of `el`, whose ancestors (outermost first) are `ancestors`.
pub(crate) fn exc_c14n_in<'a>(
    el: &'a Element,
    ancestors: &[&'a Element],
    prefixes: &[String],
    comments: bool,
    out: &mut Vec<u8>,
) {
    let scope = if prefixes.is_empty() {
        InScope::new()
    } else {
        InScope::of_ancestors(ancestors)
    };
    c14n::canonicalize_subtree(el, &scope, &options(prefixes, comments), out);
}

/// Exclusive c14n of a whole document.
pub(crate) fn document(doc: &Document, prefixes: &[String], comments: bool, out: &mut Vec<u8>) {
    c14n::canonicalize_document(doc, &options(prefixes, comments), out);
}
