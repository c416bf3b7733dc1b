//! Per-thread spare buffers: vectors a hot path empties and hands back, so that the next
//! call on the same thread reuses their allocations (the canonicalizer's stacks, a parsed
//! document's node vectors). A receiver processes one message after another; allocating
//! and freeing the same few kilobytes each time was a measured share of its time (large
//! blocks also make glibc consolidate its small free lists on every message).

use std::cell::RefCell;
use std::thread::LocalKey;

/// Buffers holding more than this many entries are dropped rather than kept.
pub(crate) const LIMIT: usize = 4096;

/// This thread's spare value in `key`, or a fresh one when it is in use (a caller
/// re-entering from a callback) or gone (thread teardown).
pub(crate) fn take<T: Default>(key: &'static LocalKey<RefCell<T>>) -> T {
    key.try_with(|s| {
        s.try_borrow_mut()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    })
    .unwrap_or_default()
}

/// Store `value` as this thread's spare in `key`, unless one of its buffers has grown
/// past [`LIMIT`] (`capacities`: theirs) or the key is in use or gone: then it is dropped.
pub(crate) fn keep<T>(key: &'static LocalKey<RefCell<T>>, value: T, capacities: &[usize]) {
    if capacities.iter().any(|&c| c > LIMIT) {
        return;
    }
    let _ = key.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = value;
        }
    });
}

/// An empty vector of another element type, reusing `v`'s allocation: the standard
/// library collects a `vec::IntoIter` in place when the layouts match, as they do for the
/// same type at another lifetime. (Were that optimization ever dropped, this would
/// allocate anew, nothing worse.) No element is converted: the iterator yields none.
pub(crate) fn relabel<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}
