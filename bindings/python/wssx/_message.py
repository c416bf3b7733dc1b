"""Message protection: :func:`sign`, :func:`encrypt` and :func:`sign_and_encrypt`.

Three thin wrappers over ``_native.protect`` (which converts the options and runs core's
``message::protect`` with the GIL released). They take the same options, so one dict of
options can be passed to any of them; an option that does not apply (``gcm`` when only
signing) is ignored. :func:`wssx.verify`, :class:`wssx.VerifyReport` and :func:`wssx.c14n`
come straight from the native module.
"""

from datetime import timedelta
from typing import Iterable, Literal, Optional, Tuple, Union

from . import _native
from ._native import AlgorithmSuite, SecurityContextToken

__all__ = ["sign", "encrypt", "sign_and_encrypt"]

_Bytes = Union[bytes, bytearray]
_Suite = Union[AlgorithmSuite, str]
_Seconds = Union[float, int, timedelta]
#: A SOAP header by name: ``(namespace, local name)`` or ``"{namespace}local"``.
HeaderName = Union[Tuple[str, str], str]
_Reference = Literal["id", "identifier"]
_Order = Literal["sign-then-encrypt", "encrypt-then-sign"]

_OPTIONS_DOC = """
    Options (keyword-only; the defaults are what WCF sends with an SCT on Basic256):

    - ``suite``: :class:`AlgorithmSuite` or its name (``"Basic128"``, ``"Basic256"``,
      ``"Basic256Sha256"``).
    - ``reference``: how keys point at the SCT: ``"id"`` (``#wsu:Id`` of the SCT carried in
      the header; needs ``include_sct``) or ``"identifier"`` (its Identifier URI, as WCF does
      once the context is established).
    - ``include_sct``: put the SCT in the Security header. ``reference_instance``: write
      ``wsc:Instance`` on references when the SCT has one.
    - ``derived_keys``: sign / encrypt with keys of new DerivedKeyTokens (True) or with the
      context secret itself (False, as gSOAP does; with encryption the secret's length
      picks the AES variant).
    - ``label``: a ``wsc:Label`` to write in (and derive with) each DerivedKeyToken (None:
      no Label, the default label). ``nonce_length``: nonce bytes per DerivedKeyToken.
      ``signature_key_length`` / ``encryption_key_length``: override the suite's derived key
      lengths (bytes). ``offset``: write an explicit ``wsc:Offset``.
    - ``timestamp_ttl``: add a ``wsu:Timestamp`` valid this long (seconds or a timedelta;
      None: no Timestamp).
    - ``signed_headers`` / ``encrypted_headers``: SOAP headers to sign too / to encrypt (as
      ``wsse11:EncryptedHeader``), each ``(namespace, local name)`` or
      ``"{namespace}local"``; headers not in the message are skipped.
    - ``gcm``: encrypt with AES-GCM (xmlenc 1.1) instead of the suite's CBC mode.

    Raises :class:`InvalidRequestError` when ``envelope`` is not a SOAP 1.1 / 1.2 envelope,
    :class:`MalformedXmlError` when it is not XML, :class:`LimitExceededError` or
    :class:`InvalidArgumentError` for options core refuses (``ValueError`` / ``TypeError``
    for values that are not options at all).
"""


def sign(
    envelope: _Bytes,
    sct: SecurityContextToken,
    secret: _Bytes,
    *,
    suite: _Suite = AlgorithmSuite.BASIC256,
    reference: _Reference = "id",
    include_sct: bool = True,
    reference_instance: bool = True,
    derived_keys: bool = True,
    label: Optional[str] = None,
    nonce_length: int = _native.DEFAULT_NONCE_LENGTH,
    signature_key_length: Optional[int] = None,
    encryption_key_length: Optional[int] = None,
    offset: Optional[int] = None,
    timestamp_ttl: Optional[_Seconds] = 300,
    signed_headers: Iterable[HeaderName] = (),
    encrypted_headers: Iterable[HeaderName] = (),
    gcm: bool = False,
) -> bytes:
    """Sign a SOAP envelope with a security context; return the secured envelope.

    Adds a ``wsse:Security`` header (Timestamp, the SCT, a DerivedKeyToken and one HMAC
    ``ds:Signature``) covering the Body, the Timestamp and ``signed_headers``. ``sct`` names
    the context, ``secret`` is its shared key. Runs with the GIL released.
    """
    return _native.protect(
        envelope, sct, secret, "sign",
        suite=suite, reference=reference, include_sct=include_sct,
        reference_instance=reference_instance, derived_keys=derived_keys, label=label,
        nonce_length=nonce_length, signature_key_length=signature_key_length,
        encryption_key_length=encryption_key_length, offset=offset,
        timestamp_ttl=timestamp_ttl, signed_headers=signed_headers,
        encrypted_headers=encrypted_headers, gcm=gcm,
    )


def encrypt(
    envelope: _Bytes,
    sct: SecurityContextToken,
    secret: _Bytes,
    *,
    suite: _Suite = AlgorithmSuite.BASIC256,
    reference: _Reference = "id",
    include_sct: bool = True,
    reference_instance: bool = True,
    derived_keys: bool = True,
    label: Optional[str] = None,
    nonce_length: int = _native.DEFAULT_NONCE_LENGTH,
    signature_key_length: Optional[int] = None,
    encryption_key_length: Optional[int] = None,
    offset: Optional[int] = None,
    timestamp_ttl: Optional[_Seconds] = 300,
    signed_headers: Iterable[HeaderName] = (),
    encrypted_headers: Iterable[HeaderName] = (),
    gcm: bool = False,
) -> bytes:
    """Encrypt a SOAP envelope with a security context; return the secured envelope.

    Encrypts the Body content and ``encrypted_headers``. Adds a ``wsse:Security`` header (Timestamp, the SCT, a DerivedKeyToken and an
    ``xenc:ReferenceList``) and replaces the Body content by an ``xenc:EncryptedData``.
    Runs with the GIL released.
    """
    return _native.protect(
        envelope, sct, secret, "encrypt",
        suite=suite, reference=reference, include_sct=include_sct,
        reference_instance=reference_instance, derived_keys=derived_keys, label=label,
        nonce_length=nonce_length, signature_key_length=signature_key_length,
        encryption_key_length=encryption_key_length, offset=offset,
        timestamp_ttl=timestamp_ttl, signed_headers=signed_headers,
        encrypted_headers=encrypted_headers, gcm=gcm,
    )


def sign_and_encrypt(
    envelope: _Bytes,
    sct: SecurityContextToken,
    secret: _Bytes,
    *,
    order: _Order = "sign-then-encrypt",
    suite: _Suite = AlgorithmSuite.BASIC256,
    reference: _Reference = "id",
    include_sct: bool = True,
    reference_instance: bool = True,
    derived_keys: bool = True,
    label: Optional[str] = None,
    nonce_length: int = _native.DEFAULT_NONCE_LENGTH,
    signature_key_length: Optional[int] = None,
    encryption_key_length: Optional[int] = None,
    offset: Optional[int] = None,
    timestamp_ttl: Optional[_Seconds] = 300,
    signed_headers: Iterable[HeaderName] = (),
    encrypted_headers: Iterable[HeaderName] = (),
    gcm: bool = False,
) -> bytes:
    """Sign and encrypt a SOAP envelope with a security context; return it secured.

    Signs as :func:`sign` does and encrypts as :func:`encrypt` does, with two
    DerivedKeyTokens. ``order`` is ``"sign-then-encrypt"`` (WCF's default: the signature covers the plaintext
    and the receiver decrypts first) or ``"encrypt-then-sign"`` (the signature covers the
    ciphertext). Runs with the GIL released.
    """
    return _native.protect(
        envelope, sct, secret, "sign-and-encrypt",
        order=order,
        suite=suite, reference=reference, include_sct=include_sct,
        reference_instance=reference_instance, derived_keys=derived_keys, label=label,
        nonce_length=nonce_length, signature_key_length=signature_key_length,
        encryption_key_length=encryption_key_length, offset=offset,
        timestamp_ttl=timestamp_ttl, signed_headers=signed_headers,
        encrypted_headers=encrypted_headers, gcm=gcm,
    )


# The options are documented once and appended to each docstring (None under -OO).
for _f in (sign, encrypt, sign_and_encrypt):
    if _f.__doc__:
        _f.__doc__ += _OPTIONS_DOC
del _f
