"""wssx: WS-Trust and WS-SecureConversation for Python.

A thin face over the wssx Rust core: security context tokens, derived key tokens, the
key derivations of WS-SecureConversation (P_SHA1) and WS-Trust (CK/PSHA1 computed keys),
and WS-Security message protection with context keys, in both the OASIS 1.3/1.4 and the
February 2005 (WCF) namespaces. Bytes in, bytes out; derivations, parsing, signing and
verification release the GIL.

Keys::

    >>> import wssx
    >>> key = wssx.derive_key(secret, wssx.DEFAULT_LABEL, nonce, offset=0, length=32)
    >>> proof = wssx.computed_key(client_entropy, server_entropy, 256)

Tokens::

    >>> sct = wssx.SecurityContextToken.generate(wssx.ScVersion.FEB2005)
    >>> sct.id = "uuid-1"
    >>> dkt = wssx.DerivedKeyToken.for_context(sct)          # WCF-style: 16-byte nonce
    >>> signing_key = dkt.derive(context_secret)
    >>> wire = dkt.to_xml()
    >>> wssx.DerivedKeyToken.from_xml(wire).derive(context_secret) == signing_key
    True

Messages (sign / encrypt a SOAP envelope with a context, verify on the other side)::

    >>> sct = wssx.SecurityContextToken.generate(wssx.ScVersion.V1_3)
    >>> secret = wssx.random_bytes(32)
    >>> wire = wssx.sign_and_encrypt(envelope, sct, secret, suite="Basic256Sha256")
    >>> report = wssx.verify(wire, {sct.identifier: secret})
    >>> report.body_signed, report.body_decrypted
    (True, True)
    >>> report.signer_of("Body") == (sct.identifier, None)
    True
    >>> plain = report.envelope                  # the decrypted envelope

``verify`` also takes a callable ``lookup(identifier, instance) -> bytes | None`` (a
context store); unknown contexts raise :class:`BadContextTokenError`, bad signatures
:class:`InvalidSignatureError`, stale Timestamps :class:`ExpiredDataError`.
``wssx.c14n(xml, id)`` gives the exclusive canonical form a signature reference digests.

WS-Trust messages (Feb 2005, 1.3, 1.4) as classes with properties, read and written in
any version::

    >>> rst = wssx.RequestSecurityToken.from_xml(wire)       # bare, or inside an envelope
    >>> rst.version, rst.request_type, rst.key_size, rst.lifetime
    (TrustVersion.FEB2005, 'Issue', 256, None)
    >>> rst.convert("1.3").to_xml()                          # every URI mapped
    >>> env = wssx.Envelope.wrap(rst, soap_version="1.1", to="https://sts.example.org/")
    >>> wssx.Fault.from_error(wssx.BadContextTokenError(), "1.3").to_xml("1.2")
    >>> wssx.trust_inspect(any_xml)                          # a dict describing it

Protocols (sans I/O: a transport is any callable sending an OutgoingRequest and returning
the response bytes)::

    >>> service = wssx.TokenService(wssx.MemoryStore())
    >>> requestor = wssx.Requestor(wssx.RequestorConfig("https://sts.example.org/", trust_version="2005/02"))
    >>> transport = lambda out: service.handle(out.envelope).envelope   # or an HTTP POST
    >>> ctx = requestor.obtain(transport)
    >>> report = service.verify_message(ctx.sign(envelope))
    >>> ctx = requestor.call(transport, "renew", ctx).context         # new key, new Instance
    >>> requestor.call(transport, "cancel", ctx).kind
    'cancelled'

Errors are :class:`WssxError` subclasses, one per core error kind (``e.kind`` is the kind
name, ``e.path`` the element at fault), e.g. :class:`LimitExceededError`,
:class:`MalformedXmlError`, :class:`BadContextTokenError`.
"""

import json as _json
from typing import Any, Dict, Union

from . import _native
from ._errors import *  # noqa: F401,F403  (WssxError, ERROR_CLASSES and one class per kind)
from ._errors import __all__ as _error_names
from ._message import encrypt, sign, sign_and_encrypt
from ._native import (
    DEFAULT_LABEL,
    DEFAULT_LENGTH,
    DEFAULT_NONCE_LENGTH,
    AlgorithmSuite,
    DecryptedPart,
    DerivedKeyToken,
    Envelope,
    Fault,
    MemoryStore,
    Negotiation,
    Outcome,
    OutgoingRequest,
    Pending,
    RequestSecurityToken,
    RequestSecurityTokenResponse,
    RequestSecurityTokenResponseCollection,
    Requestor,
    RequestorConfig,
    ScVersion,
    SecurityContext,
    SecurityContextToken,
    SecurityTokenReference,
    ServiceResponse,
    SignedPart,
    StoredContext,
    TokenService,
    TrustVersion,
    VerifyReport,
    __version__,
    c14n,
    computed_key,
    derive_key,
    p_sha1,
    random_bytes,
    verify,
)


def inspect(xml: Union[bytes, bytearray]) -> Dict[str, Any]:
    """Parse whichever token ``xml`` holds and describe it as a dict.

    Reads a ``wsc:SecurityContextToken``, a ``wsc:DerivedKeyToken`` or a
    ``wsse:SecurityTokenReference``; the dict's ``"type"`` says which, ``"version"`` is
    ``"2005/02"`` or ``"1.3"``, and binary fields (nonces) are base64 strings. Raises a
    :class:`WssxError` subclass (e.g. :class:`MalformedXmlError`,
    :class:`InvalidSecurityTokenError`) for anything else.
    """
    result: Dict[str, Any] = _json.loads(_native.inspect_json(xml))
    return result


def trust_inspect(xml: Union[bytes, bytearray]) -> Dict[str, Any]:
    """Parse whatever ``xml`` holds and describe it as a dict.

    Reads a SOAP 1.1 / 1.2 envelope (its WS-Addressing headers, the trust messages of its
    Body and IssuedTokens headers described in full, the security tokens of its
    ``wsse:Security`` header, or its Fault), any WS-Trust message (RST, RSTR, RSTRC, RSTC,
    IssuedTokens; Feb 2005, 1.3, 1.4) or a token. Table URIs appear by name
    (``"requestType": "Issue"``); secrets only by type and length. Raises a
    :class:`WssxError` subclass (:class:`MalformedXmlError`, :class:`InvalidRequestError`,
    ...) for anything else.
    """
    result: Dict[str, Any] = _json.loads(_native.trust_inspect_json(xml))
    return result


__all__ = [
    "DEFAULT_LABEL",
    "DEFAULT_LENGTH",
    "DEFAULT_NONCE_LENGTH",
    "AlgorithmSuite",
    "DecryptedPart",
    "DerivedKeyToken",
    "Envelope",
    "Fault",
    "MemoryStore",
    "Negotiation",
    "Outcome",
    "OutgoingRequest",
    "Pending",
    "RequestSecurityToken",
    "RequestSecurityTokenResponse",
    "RequestSecurityTokenResponseCollection",
    "Requestor",
    "RequestorConfig",
    "ScVersion",
    "SecurityContext",
    "SecurityContextToken",
    "SecurityTokenReference",
    "ServiceResponse",
    "SignedPart",
    "StoredContext",
    "TokenService",
    "TrustVersion",
    "VerifyReport",
    "__version__",
    "c14n",
    "computed_key",
    "derive_key",
    "encrypt",
    "inspect",
    "p_sha1",
    "random_bytes",
    "sign",
    "sign_and_encrypt",
    "trust_inspect",
    "verify",
    *_error_names,
]
