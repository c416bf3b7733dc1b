//! [`Layout`]: the order in which a typed element's children were read.
//!
//! Typed structs hold their children in named fields, which loses the order they came
//! in. The specs give the RST/RSTR, the SOAP header and the endpoint reference an open
//! content model with no fixed order, and peers differ (ADFS writes Lifetime first, WCF
//! KeySize before KeyType), so writing a parsed message back in one fixed order would
//! change its canonical form. A `Layout` records the order as read; writers follow it for
//! every field that is still set, then write fields set since (in the spec's order), then
//! any extensions not yet written. Built messages have an empty layout and come out in the
//! spec's order.
//!
//! A layout is a serialization hint, not part of a message's meaning, so `==` ignores it:
//! two messages that differ only in child order compare equal.

/// The order children were read in, as slots of type `S` (a field name or an extension
/// index). Ignored by `==`.
#[derive(Debug, Clone)]
pub struct Layout<S>(pub Vec<S>);

impl<S> Default for Layout<S> {
    fn default() -> Self {
        Layout(Vec::new())
    }
}

impl<S> PartialEq for Layout<S> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<S> Eq for Layout<S> {}

impl<S> Layout<S> {
    /// Record that the next child read was `slot`.
    pub fn push(&mut self, slot: S) {
        self.0.push(slot);
    }

    /// Forget the recorded order (the next write uses the spec's order).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The recorded slots.
    pub fn slots(&self) -> &[S] {
        &self.0
    }
}
