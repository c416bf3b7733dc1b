//! SOAP envelopes, WS-Addressing headers and SOAP faults, sans I/O.
//!
//! For callers without a SOAP stack (Python tooling, Node services, the CLI): read an
//! envelope from bytes into an [`Envelope`] with typed [`Addressing`] headers, build one
//! and write it back, and turn a typed [`crate::Error`] into a version-correct [`Fault`]
//! (and a received fault back into an error). Sending the bytes is the caller's business.

mod addressing;
mod envelope;
mod epr;
mod fault;
mod order;
pub(crate) mod read;

pub use crate::message::SoapVersion;
pub use addressing::{Addressing, AddressingHeader, Header, RelatesTo};
pub use envelope::{soap_short_name, Envelope, HeaderSlot};
pub use epr::{EndpointReference, WsaVersion};
pub use fault::{default_reason, Fault, QName, SoapCode};
pub use order::Layout;
