//! [`Secret`]: key material that is zeroized on drop, compared in constant time and never
//! printed.

use std::fmt;
use zeroize::Zeroizing;

/// Secret bytes: SCT secrets, derived keys, proof keys, entropy.
///
/// The bytes are wiped when the value is dropped, `==` runs in time independent of the
/// contents (OpenSSL's `CRYPTO_memcmp`), and `Debug` prints only the length.
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Take ownership of `bytes` (the vector itself is zeroized when dropped).
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    /// Copy `bytes` into a new secret.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Secret::new(bytes.to_vec())
    }

    /// `len` bytes from OpenSSL's CSPRNG.
    pub fn random(len: usize) -> crate::Result<Self> {
        Ok(Secret::new(super::random_bytes(len)?))
    }

    /// The secret bytes. Keep the borrow short; do not copy them into unmanaged memory.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for an empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Constant-time comparison with raw bytes (lengths are not secret).
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        ct_eq(&self.0, other)
    }
}

/// Constant-time equality of two byte strings; different lengths compare unequal at once.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a, b)
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        ct_eq(&self.0, &other.0)
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(v: Vec<u8>) -> Self {
        Secret::new(v)
    }
}

impl From<&[u8]> for Secret {
    fn from(v: &[u8]) -> Self {
        Secret::from_slice(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_bytes() {
        let s = Secret::from_slice(b"topsecret");
        assert_eq!(format!("{s:?}"), "Secret(9 bytes)");
    }

    #[test]
    fn equality() {
        assert_eq!(Secret::from_slice(b"abc"), Secret::from_slice(b"abc"));
        assert_ne!(Secret::from_slice(b"abc"), Secret::from_slice(b"abd"));
        assert_ne!(Secret::from_slice(b"abc"), Secret::from_slice(b"ab"));
        assert!(Secret::random(16).unwrap().len() == 16);
    }
}
