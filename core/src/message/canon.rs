//! The message layer's view of exclusive c14n: canonicalize an element given its
//! ancestors (whose bindings matter only through the InclusiveNamespaces PrefixList).

use crate::xml::c14n::{self, C14nOptions, InScope};
use crate::xml::{ArenaEl, Document, Element, ElementRef};

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
pub(crate) fn exc_c14n_in<'a, E: ElementRef<'a>>(
    el: E,
    ancestors: &[E],
    prefixes: &[String],
    comments: bool,
    out: &mut Vec<u8>,
) {
    let scope = if prefixes.is_empty() {
        InScope::new()
    } else {
        InScope::of_ancestors(ancestors)
    };
    exc_c14n_scoped(el, &scope, prefixes, comments, out);
}

/// Exclusive c14n of `el` inheriting the bindings `scope`.
pub(crate) fn exc_c14n_scoped<'a, E: ElementRef<'a>>(
    el: E,
    scope: &InScope<'a>,
    prefixes: &[String],
    comments: bool,
    out: &mut Vec<u8>,
) {
    c14n::canonicalize_subtree(el, scope, &options(prefixes, comments), out);
}

/// Exclusive c14n of an element of a received message (its ancestors come from the
/// document; they matter only through the PrefixList).
pub(crate) fn exc_c14n_at(
    el: ArenaEl<'_, '_>,
    prefixes: &[String],
    comments: bool,
    out: &mut Vec<u8>,
) {
    let ancestors = if prefixes.is_empty() {
        Vec::new()
    } else {
        super::locate::ancestors(el)
    };
    exc_c14n_in(el, &ancestors, prefixes, comments, out);
}

/// Exclusive c14n of a whole document.
pub(crate) fn document(doc: &Document, prefixes: &[String], comments: bool, out: &mut Vec<u8>) {
    c14n::canonicalize_document(doc, &options(prefixes, comments), out);
}
