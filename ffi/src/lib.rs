//! C ABI for wssx.
//!
//! Conventions, shared by every export (the header `include/wssx.h` is generated from
//! this crate by cbindgen; regenerate it with `ffi/gen-header.sh`):
//!
//! - Every function that can fail returns a `wssx_status`; outputs go through
//!   out-pointers. On failure `wssx_last_error()` describes what went wrong and the
//!   out-pointers hold NULL / {NULL, 0}.
//! - A NULL pointer where a value is required gives `WSSX_NULL_ARGUMENT`, never a crash.
//!   Inputs are `(pointer, length)` pairs; a NULL pointer with length 0 is an empty input.
//!   Strings are UTF-8 with explicit lengths (`WSSX_INVALID_UTF8` otherwise), no NUL
//!   terminator needed.
//! - Owned byte outputs are `wssx_buf`s, released with `wssx_buf_free`; tokens, trust
//!   messages, envelopes, faults, verify reports and the protocol objects (requestor,
//!   pending request, challenge, negotiation, context, store, service) are opaque handles released
//!   with their `_free` function. Inputs are only borrowed for the call.
//! - Enum arguments are plain ints checked on entry (`WSSX_INVALID_ARGUMENT` otherwise).
//! - Callbacks are a function pointer plus a `void *user_data`; a callback's failure is
//!   `WSSX_CALLBACK`.
//! - A panic inside wssx is caught at the boundary and reported as `WSSX_PANIC`.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)] // the contract of each export is in its doc comment
#![warn(missing_docs)]

// Declaration order is the order of the header (cbindgen.toml: sort_by = "None"); the
// blank lines keep rustfmt from sorting them.
pub mod status;

pub mod buf;

pub mod args;

pub mod derive;

pub mod sct;

pub mod dkt;

pub mod inspect;

pub mod protect;

pub mod verify;

pub mod c14n;

pub mod versions;

pub mod params;

pub mod rst;

pub mod rstr;

pub mod soap;

pub mod requestor;

pub mod store;

pub mod service;

pub mod negotiate;

pub use crate::args::wssx_sc_version;
pub use crate::buf::wssx_buf;
pub use crate::derive::wssx_derive_options;
pub use crate::dkt::wssx_dkt;
pub use crate::negotiate::{wssx_exchange_handler, wssx_negotiation};
pub use crate::protect::{wssx_protect_options, wssx_qname};
pub use crate::requestor::{
    wssx_challenge, wssx_context, wssx_pending, wssx_requestor, wssx_requestor_config,
};
pub use crate::rst::wssx_rst;
pub use crate::rstr::{wssx_rstr, wssx_rstrc};
pub use crate::sct::wssx_sct;
pub use crate::service::{wssx_service, wssx_service_policy};
pub use crate::soap::{wssx_envelope, wssx_fault};
pub use crate::status::wssx_status;
pub use crate::store::{wssx_store, wssx_store_callbacks, wssx_stored_context};
pub use crate::verify::{wssx_verify_options, wssx_verify_report};
pub use crate::versions::{wssx_soap_version, wssx_trust_version, wssx_wsa_version};

/// Compile-time check of what the handle docs promise: handles may move between threads
/// (`Send`) and be read from several at once (`Sync`).
#[allow(dead_code)]
fn handles_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<wssx_sct>();
    check::<wssx_dkt>();
    check::<wssx_verify_report>();
    check::<wssx_rst>();
    check::<wssx_rstr>();
    check::<wssx_rstrc>();
    check::<wssx_envelope>();
    check::<wssx_fault>();
    check::<wssx_requestor>();
    check::<wssx_pending>();
    check::<wssx_challenge>();
    check::<wssx_context>();
    check::<wssx_store>();
    check::<wssx_service>();
    // A negotiation holds a C exchange handler: it may move between threads, but is never
    // shared.
    fn check_send<T: Send>() {}
    check_send::<crate::negotiate::wssx_negotiation>();
}
