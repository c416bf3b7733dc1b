"""An independent P_SHA1 for cross-checking wssx: RFC 2246 section 5, on hmac + hashlib."""

import hashlib
import hmac

DEFAULT_LABEL = "WS-SecureConversationWS-SecureConversation"


def p_sha1(secret: bytes, seed: bytes, length: int, offset: int = 0) -> bytes:
    """P_SHA1(secret, seed)[offset:offset + length], computed the slow and obvious way."""
    out = bytearray()
    a = seed
    produced = 0  # bytes of P_SHA1 output passed so far (blocks before offset are skipped)
    while produced < offset + length:
        a = hmac.new(secret, a, hashlib.sha1).digest()  # A(i) = HMAC(secret, A(i-1))
        if produced + 20 > offset:
            out += hmac.new(secret, a + seed, hashlib.sha1).digest()
        produced += 20
    start = offset % 20
    return bytes(out[start:start + length])


def derive(secret: bytes, label: str, nonce: bytes, offset: int, length: int) -> bytes:
    """WS-SecureConversation section 7: P_SHA1(secret, utf8(label) + nonce)."""
    return p_sha1(secret, label.encode("utf-8") + nonce, length, offset)
