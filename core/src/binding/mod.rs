//! The protocols: requestor and token service state machines for the
//! WS-SecureConversation bindings of WS-Trust (issue, renew, amend, cancel, validate), and
//! the context store a service keeps. Sans I/O: bytes in, bytes out; the caller moves them
//! over HTTP.

mod context;
mod proof;
mod requestor;
mod service;
mod store;

pub use context::SecurityContext;
pub use proof::{proof_key, KeyUnwrapper};
pub use requestor::{response_rstr, EntropyMode, Outcome, OutgoingRequest, Pending, Requestor, RequestorConfig};
pub use service::{AuthRequest, Authorizer, Operation, ServicePolicy, ServiceResponse, TokenService};
pub use store::{ContextStore, Lookup, MemoryStore, StoredContext};
