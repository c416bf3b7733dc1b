//! Where a token service keeps its security contexts.
//!
//! [`ContextStore`] is the seam for services that scale past one node: put contexts in a
//! shared database behind it and any node can verify, renew or cancel any context. The
//! embedded [`MemoryStore`] is safe under concurrent use, expires entries by lifetime,
//! keeps the previous key instance usable for a rollover window after a renewal, and
//! bounds its size.

use crate::crypto::Secret;
use crate::error::{Error, ErrorKind, Result};
use crate::time::Instant;
use crate::version::ScVersion;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// One key instance of a security context, as a service stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContext {
    /// wsc:Identifier.
    pub identifier: String,
    /// wsc:Instance (None for the first instance when the service writes none).
    pub instance: Option<String>,
    /// The context key.
    pub secret: Secret,
    /// The SC namespace version the context was issued in.
    pub version: ScVersion,
    /// When the context (this instance) was created.
    pub created: Instant,
    /// When it expires.
    pub expires: Instant,
    /// Who obtained it (whatever the service's authenticator said), for authorizing
    /// renew / amend / cancel.
    pub principal: Option<String>,
    /// Tokens (as XML) added by amendments (WS-SC 4).
    pub amendments: Vec<String>,
}

/// The answer of a store lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A usable (possibly expired: check `expires`) key instance.
    Found(StoredContext),
    /// The context was cancelled (WS-SC 6): it must be refused from now on.
    Cancelled,
    /// No such context or instance.
    Unknown,
}

/// Storage of security contexts. Implementations must be safe to share across threads.
pub trait ContextStore: Send + Sync {
    /// The instance `instance` of context `identifier` (None names the instance issued
    /// without a wsc:Instance) while it is current or within the rollover window after a
    /// renewal; when no such instance is usable, `instance` None gives the current one.
    fn get(&self, identifier: &str, instance: Option<&str>) -> Result<Lookup>;
    /// Store a new context, or a new key instance of an existing one (renewal): the new
    /// instance becomes current, the previous one stays usable for the rollover window.
    fn insert(&self, ctx: StoredContext) -> Result<()>;
    /// Replace the stored instance with `ctx.instance` of a context without re-keying
    /// (amendments).
    fn update(&self, ctx: StoredContext) -> Result<()>;
    /// Cancel a context: every later lookup answers `Cancelled`. Returns false when the
    /// context was unknown.
    fn cancel(&self, identifier: &str) -> Result<bool>;
    /// Drop everything that expired before `now` (less the grace the store keeps for
    /// answering cancelled contexts consistently). Returns how many entries went.
    fn purge(&self, now: Instant) -> usize;
}

struct Entry {
    current: StoredContext,
    previous: Vec<(StoredContext, Instant)>,
    cancelled: Option<Instant>,
}

/// An in-memory [`ContextStore`].
pub struct MemoryStore {
    map: Mutex<HashMap<String, Entry>>,
    max_contexts: usize,
    rollover: Duration,
    tombstone: Duration,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(100_000)
    }
}

impl MemoryStore {
    /// A store for at most `max_contexts` contexts, with WCF's 5-minute key rollover.
    pub fn new(max_contexts: usize) -> Self {
        MemoryStore {
            map: Mutex::new(HashMap::new()),
            max_contexts,
            rollover: Duration::from_secs(300),
            tombstone: Duration::from_secs(3600),
        }
    }

    /// How long a previous key instance stays usable after a renewal (default 5 min).
    pub fn with_rollover(mut self, d: Duration) -> Self {
        self.rollover = d;
        self
    }

    /// How many contexts are stored (cancelled ones included until purged).
    pub fn len(&self) -> usize {
        self.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Entry>>> {
        self.map
            .lock()
            .map_err(|_| Error::new(ErrorKind::RequestFailed, "context store lock poisoned"))
    }
}

impl ContextStore for MemoryStore {
    fn get(&self, identifier: &str, instance: Option<&str>) -> Result<Lookup> {
        let map = self.lock()?;
        let Some(e) = map.get(identifier) else {
            return Ok(Lookup::Unknown);
        };
        if e.cancelled.is_some() {
            return Ok(Lookup::Cancelled);
        }
        if e.current.instance.as_deref() == instance {
            return Ok(Lookup::Found(e.current.clone()));
        }
        let now = Instant::now();
        let previous = e
            .previous
            .iter()
            .find(|(c, until)| c.instance.as_deref() == instance && *until >= now);
        Ok(match (previous, instance) {
            (Some((c, _)), _) => Lookup::Found(c.clone()),
            (None, None) => Lookup::Found(e.current.clone()),
            (None, Some(_)) => Lookup::Unknown,
        })
    }

    fn insert(&self, ctx: StoredContext) -> Result<()> {
        let mut map = self.lock()?;
        if let Some(e) = map.get_mut(&ctx.identifier) {
            if e.cancelled.is_some() {
                return Err(Error::new(
                    ErrorKind::BadContextToken,
                    "the context was cancelled",
                ));
            }
            let until = Instant::now().plus(self.rollover);
            let old = std::mem::replace(&mut e.current, ctx);
            e.previous.retain(|(_, u)| *u >= Instant::now());
            e.previous.push((old, until));
            return Ok(());
        }
        if map.len() >= self.max_contexts {
            let now = Instant::now();
            let grace = self.tombstone;
            map.retain(|_, e| keep(e, now, grace));
            if map.len() >= self.max_contexts {
                return Err(Error::new(
                    ErrorKind::RequestFailed,
                    "the context store is full",
                ));
            }
        }
        map.insert(
            ctx.identifier.clone(),
            Entry {
                current: ctx,
                previous: Vec::new(),
                cancelled: None,
            },
        );
        Ok(())
    }

    fn update(&self, ctx: StoredContext) -> Result<()> {
        let mut map = self.lock()?;
        match map.get_mut(&ctx.identifier) {
            Some(e) if e.cancelled.is_none() => {
                if e.current.instance == ctx.instance {
                    e.current = ctx;
                } else if let Some((c, _)) = e
                    .previous
                    .iter_mut()
                    .find(|(c, _)| c.instance == ctx.instance)
                {
                    *c = ctx;
                } else {
                    return Err(Error::new(
                        ErrorKind::BadContextToken,
                        "unknown key instance",
                    ));
                }
                Ok(())
            }
            Some(_) => Err(Error::new(
                ErrorKind::BadContextToken,
                "the context was cancelled",
            )),
            None => Err(Error::new(ErrorKind::BadContextToken, "unknown context")),
        }
    }

    fn cancel(&self, identifier: &str) -> Result<bool> {
        let mut map = self.lock()?;
        match map.get_mut(identifier) {
            Some(e) => {
                if e.cancelled.is_none() {
                    e.cancelled = Some(Instant::now());
                    // The key material goes at once; only the tombstone stays.
                    e.current.secret = Secret::default();
                    e.previous.clear();
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn purge(&self, now: Instant) -> usize {
        let Ok(mut map) = self.lock() else { return 0 };
        let before = map.len();
        let grace = self.tombstone;
        map.retain(|_, e| keep(e, now, grace));
        before - map.len()
    }
}

fn keep(e: &Entry, now: Instant, grace: Duration) -> bool {
    match e.cancelled {
        Some(at) => at.plus(grace) >= now && e.current.expires >= now,
        None => e.current.expires.plus(grace) >= now,
    }
}
