//! # wssx
//!
//! WS-Trust and WS-SecureConversation (OASIS WS-SX 1.3/1.4 and the February 2005 versions
//! that WCF and many deployed services still speak): security context tokens, derived
//! keys, the trust message model and message protection, sans I/O.
//!
//! Layers, bottom up: [`xml`] and [`crypto`]; [`token`]; the faces (C, Python, Node, CLI)
//! are thin wrappers in other crates of the workspace.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod binding;
pub mod crypto;
pub mod error;
pub mod inspect;
pub mod json;
pub mod message;
pub mod ns;
pub mod soap;
pub mod time;
pub mod token;
pub mod trust;
pub mod version;
pub mod xml;

pub use crypto::{computed_key, derive_key, DerivationLimits, Secret};
pub use error::{Error, ErrorKind, FaultCode, FaultSpec, Result};

pub use token::{DerivedKeyToken, SecurityContextToken, SecurityTokenReference, Token};
pub use version::{ScVersion, TrustVersion};
