//! Algorithm URIs and WS-SecurityPolicy algorithm suites for symmetric-key protection.

use crate::error::{Error, ErrorKind, Result};

/// Exclusive c14n 1.0 without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Exclusive c14n 1.0 with comments.
pub const EXC_C14N_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
/// xenc Type of an EncryptedData replacing an element's content.
pub const XENC_CONTENT: &str = "http://www.w3.org/2001/04/xmlenc#Content";
/// xenc Type of an EncryptedData replacing a whole element.
pub const XENC_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";

/// Signature (MAC) algorithm of a ds:SignatureMethod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// HMAC-SHA1 (`xmldsig#hmac-sha1`).
    HmacSha1,
    /// HMAC-SHA256 (`xmldsig-more#hmac-sha256`).
    HmacSha256,
}

impl SignatureAlgorithm {
    /// The algorithm URI.
    pub const fn uri(self) -> &'static str {
        match self {
            SignatureAlgorithm::HmacSha1 => "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            SignatureAlgorithm::HmacSha256 => "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
        }
    }

    /// Parse a URI.
    pub fn from_uri(uri: &str) -> Result<Self> {
        [SignatureAlgorithm::HmacSha1, SignatureAlgorithm::HmacSha256]
            .into_iter()
            .find(|a| a.uri() == uri)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidSignature,
                    format!("unsupported signature method {uri}"),
                )
            })
    }

    pub(crate) fn digest(self) -> openssl::hash::MessageDigest {
        match self {
            SignatureAlgorithm::HmacSha1 => openssl::hash::MessageDigest::sha1(),
            SignatureAlgorithm::HmacSha256 => openssl::hash::MessageDigest::sha256(),
        }
    }

    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            SignatureAlgorithm::HmacSha1 => 20,
            SignatureAlgorithm::HmacSha256 => 32,
        }
    }
}

/// Digest algorithm of a ds:Reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl DigestAlgorithm {
    /// The algorithm URI.
    pub const fn uri(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
            DigestAlgorithm::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
        }
    }

    /// Parse a URI.
    pub fn from_uri(uri: &str) -> Result<Self> {
        [DigestAlgorithm::Sha1, DigestAlgorithm::Sha256]
            .into_iter()
            .find(|a| a.uri() == uri)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidSignature,
                    format!("unsupported digest method {uri}"),
                )
            })
    }
}

/// Block encryption algorithm of an xenc:EncryptionMethod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncryptionAlgorithm {
    /// AES-128 in CBC mode (xmlenc).
    Aes128Cbc,
    /// AES-192 in CBC mode (xmlenc).
    Aes192Cbc,
    /// AES-256 in CBC mode (xmlenc).
    Aes256Cbc,
    /// AES-128 in GCM mode (xmlenc 1.1).
    Aes128Gcm,
    /// AES-256 in GCM mode (xmlenc 1.1).
    Aes256Gcm,
}

impl EncryptionAlgorithm {
    const ALL: [EncryptionAlgorithm; 5] = [
        EncryptionAlgorithm::Aes128Cbc,
        EncryptionAlgorithm::Aes192Cbc,
        EncryptionAlgorithm::Aes256Cbc,
        EncryptionAlgorithm::Aes128Gcm,
        EncryptionAlgorithm::Aes256Gcm,
    ];

    /// The algorithm URI.
    pub const fn uri(self) -> &'static str {
        match self {
            EncryptionAlgorithm::Aes128Cbc => "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            EncryptionAlgorithm::Aes192Cbc => "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
            EncryptionAlgorithm::Aes256Cbc => "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
            EncryptionAlgorithm::Aes128Gcm => "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            EncryptionAlgorithm::Aes256Gcm => "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        }
    }

    /// Parse a URI.
    pub fn from_uri(uri: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.uri() == uri)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Crypto,
                    format!("unsupported encryption method {uri}"),
                )
            })
    }

    /// Key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            EncryptionAlgorithm::Aes128Cbc | EncryptionAlgorithm::Aes128Gcm => 16,
            EncryptionAlgorithm::Aes192Cbc => 24,
            EncryptionAlgorithm::Aes256Cbc | EncryptionAlgorithm::Aes256Gcm => 32,
        }
    }

    /// True for the GCM (authenticated) modes.
    pub const fn is_gcm(self) -> bool {
        matches!(
            self,
            EncryptionAlgorithm::Aes128Gcm | EncryptionAlgorithm::Aes256Gcm
        )
    }

    pub(crate) fn cipher(self) -> openssl::symm::Cipher {
        use openssl::symm::Cipher;
        match self {
            EncryptionAlgorithm::Aes128Cbc => Cipher::aes_128_cbc(),
            EncryptionAlgorithm::Aes192Cbc => Cipher::aes_192_cbc(),
            EncryptionAlgorithm::Aes256Cbc => Cipher::aes_256_cbc(),
            EncryptionAlgorithm::Aes128Gcm => Cipher::aes_128_gcm(),
            EncryptionAlgorithm::Aes256Gcm => Cipher::aes_256_gcm(),
        }
    }
}

/// WS-SecurityPolicy algorithm suites, as far as symmetric context keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlgorithmSuite {
    /// Basic128: HMAC-SHA1, SHA-1, AES-128; 16-byte signature and encryption keys.
    Basic128,
    /// Basic256 (WCF's default): HMAC-SHA1, SHA-1, AES-256; 24-byte signature key, 32-byte
    /// encryption key.
    Basic256,
    /// Basic256Sha256: HMAC-SHA256, SHA-256, AES-256; 24-byte signature key, 32-byte
    /// encryption key.
    Basic256Sha256,
}

impl AlgorithmSuite {
    /// Signature algorithm.
    pub const fn signature(self) -> SignatureAlgorithm {
        match self {
            AlgorithmSuite::Basic256Sha256 => SignatureAlgorithm::HmacSha256,
            _ => SignatureAlgorithm::HmacSha1,
        }
    }

    /// Digest algorithm.
    pub const fn digest(self) -> DigestAlgorithm {
        match self {
            AlgorithmSuite::Basic256Sha256 => DigestAlgorithm::Sha256,
            _ => DigestAlgorithm::Sha1,
        }
    }

    /// Encryption algorithm.
    pub const fn encryption(self) -> EncryptionAlgorithm {
        match self {
            AlgorithmSuite::Basic128 => EncryptionAlgorithm::Aes128Cbc,
            _ => EncryptionAlgorithm::Aes256Cbc,
        }
    }

    /// Derived signature key length in bytes.
    pub const fn signature_key_len(self) -> u64 {
        match self {
            AlgorithmSuite::Basic128 => 16,
            _ => 24,
        }
    }

    /// Derived encryption key length in bytes.
    pub const fn encryption_key_len(self) -> u64 {
        match self {
            AlgorithmSuite::Basic128 => 16,
            _ => 32,
        }
    }

    /// Parse a suite name (`Basic128`, `Basic256`, `Basic256Sha256`, case-insensitive).
    pub fn from_name(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "basic128" => Some(AlgorithmSuite::Basic128),
            "basic256" => Some(AlgorithmSuite::Basic256),
            "basic256sha256" => Some(AlgorithmSuite::Basic256Sha256),
            _ => None,
        }
    }
}
