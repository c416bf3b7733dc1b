//! The protocols: requestor and token service state machines for the
//! WS-SecureConversation bindings of WS-Trust (issue, renew, amend, cancel, validate), and
//! the context store a service keeps. Sans I/O: bytes in, bytes out; the caller moves them
//! over HTTP.

mod context;
pub mod identity;
mod negotiate;
mod proof;
mod requestor;
mod service;
mod store;

pub use context::SecurityContext;
pub use negotiate::{
    kw_uri, unwrap as unwrap_key, wrap as wrap_key, AuthHashOrder, ExchangeHandler, ExchangeStep,
    Transcript,
};
pub use proof::{proof_key, KeyUnwrapper};
pub use requestor::{
    response_rstr, Challenge, EntropyMode, Negotiation, NegotiationStep, Outcome, OutgoingRequest,
    Pending, Requestor, RequestorConfig,
};
pub use service::{
    AuthRequest, Authorizer, NegotiatorFactory, Operation, ServicePolicy, ServiceResponse,
    TokenService,
};
pub use store::{ContextStore, Lookup, MemoryStore, StoredContext};
