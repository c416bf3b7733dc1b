"""Message protection: sign / encrypt / sign_and_encrypt, verify and its report, c14n."""

import base64
import concurrent.futures
import hashlib
import json
import pickle
import random
import re
import shutil
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import pytest

import wssx

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DS = "http://www.w3.org/2000/09/xmldsig#"
PAYLOAD = "hi-secret-payload"
SUITES = [wssx.AlgorithmSuite.BASIC128, wssx.AlgorithmSuite.BASIC256, wssx.AlgorithmSuite.BASIC256_SHA256]
VERSIONS = [wssx.ScVersion.FEB2005, wssx.ScVersion.V1_3]
MODES = ["sign", "encrypt", "sign-then-encrypt", "encrypt-then-sign"]


def envelope(soap=SOAP11, body=None, header=""):
    body = body if body is not None else (
        f'<m:Order xmlns:m="urn:example:shop" m:currency="EUR"><m:Item qty="2">{PAYLOAD}</m:Item>'
        '<m:Note>a &amp; b &lt; c</m:Note></m:Order>')
    return (f'<s:Envelope xmlns:s="{soap}"><s:Header>'
            f'<a:To xmlns:a="{WSA}">urn:example:service</a:To><a:Action xmlns:a="{WSA}">urn:example:order</a:Action>'
            f'{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>').encode()


def protect(mode, env, sct, secret, **kw):
    if mode == "sign":
        return wssx.sign(env, sct, secret, **kw)
    if mode == "encrypt":
        return wssx.encrypt(env, sct, secret, **kw)
    return wssx.sign_and_encrypt(env, sct, secret, order=mode, **kw)


def body_of(xml):
    """The Body's children, re-serialized by ElementTree (prefix-independent)."""
    root = ET.fromstring(xml)
    body = next(c for c in root if c.tag.endswith("}Body"))
    return [ET.tostring(c) for c in body]


def context_of(sct):
    return (sct.identifier, sct.instance)


@pytest.fixture
def sct():
    return wssx.SecurityContextToken.generate()


@pytest.fixture
def secret():
    return wssx.random_bytes(32)


# ------------------------------------------------------------------ round trips

@pytest.mark.parametrize("soap", [SOAP11, SOAP12], ids=["soap11", "soap12"])
@pytest.mark.parametrize("version", VERSIONS, ids=str)
@pytest.mark.parametrize("suite", SUITES, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_round_trip(soap, version, suite, mode):
    sct = wssx.SecurityContextToken.generate(version)
    secret = wssx.random_bytes(32)
    env = envelope(soap)
    wire = protect(mode, env, sct, secret, suite=suite)
    assert isinstance(wire, bytes)
    signs, encrypts = mode != "encrypt", mode != "sign"
    assert (PAYLOAD.encode() in wire) == (not encrypts)
    assert version.namespace.encode() in wire

    r = wssx.verify(wire, {sct.identifier: secret})
    assert isinstance(r, wssx.VerifyReport)
    assert r.body_signed is signs and r.body_decrypted is encrypts
    assert r.soap_version == ("1.1" if soap == SOAP11 else "1.2")
    assert body_of(r.envelope) == body_of(env)
    assert PAYLOAD.encode() in r.envelope
    assert r.tokens == [wssx.SecurityContextToken.from_xml(t.to_xml()) for t in r.tokens]
    assert [t.identifier for t in r.tokens] == [sct.identifier]
    assert r.tokens[0].version is version
    if signs:
        assert [s.part for s in r.signed] == ["Timestamp", "Body"]
        assert r.is_signed("Body") and r.is_signed("Timestamp") and not r.is_signed("Header {%s}To" % WSA)
        for s in r.signed:
            assert s.context == context_of(sct)
            assert s.signature_algorithm == suite.signature_algorithm
            assert s.digest_algorithm == suite.digest_algorithm
    else:
        assert r.signed == [] and not r.is_signed("Body") and r.signer_of("Body") is None
    if encrypts:
        [d] = r.decrypted
        assert (d.part, d.content, d.context) == ("Body", True, context_of(sct))
        assert d.algorithm == suite.encryption_algorithm
    else:
        assert r.decrypted == []
    created, expires = r.timestamp
    assert created.tzinfo is not None and expires - created == timedelta(seconds=300)
    assert abs(created - datetime.now(timezone.utc)) < timedelta(seconds=60)
    # The JSON summary says the same (and its part names are the report's).
    j = json.loads(r.to_json())
    assert j["bodySigned"] is signs and j["bodyDecrypted"] is encrypts
    assert [p["part"] for p in j["signed"]] == [s.part for s in r.signed]
    assert [p["part"] for p in j["decrypted"]] == [d.part for d in r.decrypted]
    assert [p["id"] for p in j["signed"]] == [s.id for s in r.signed]


KEY_OPTIONS = [
    dict(reference="id"),
    dict(reference="identifier"),
    dict(reference="identifier", include_sct=False),
    dict(reference="id", derived_keys=False),
    dict(reference="identifier", include_sct=False, derived_keys=False),
    dict(reference="id", label="MyLabel", nonce_length=24, offset=32,
         signature_key_length=32, encryption_key_length=16),
]


@pytest.mark.parametrize("options", KEY_OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("gcm", [False, True], ids=["cbc", "gcm"])
def test_round_trip_key_options(options, mode, gcm):
    sct = wssx.SecurityContextToken.generate(wssx.ScVersion.FEB2005)
    secret = wssx.random_bytes(32)
    wire = protect(mode, envelope(), sct, secret, gcm=gcm, **options)
    text = wire.decode()
    assert ("SecurityContextToken" in text) == options.get("include_sct", True)
    assert ("DerivedKeyToken" in text) == options.get("derived_keys", True)
    if options.get("label"):
        assert "<c:Label>MyLabel</c:Label>" in text or ">MyLabel<" in text
    r = wssx.verify(wire, lambda ident, inst: secret if ident == sct.identifier else None)
    assert r.body_signed is (mode != "encrypt") and r.body_decrypted is (mode != "sign")
    assert body_of(r.envelope) == body_of(envelope())
    assert all(s.context == context_of(sct) for s in r.signed)
    for d in r.decrypted:
        assert d.context == context_of(sct)
        assert ("xmlenc11#aes" in d.algorithm and d.algorithm.endswith("-gcm")) == gcm
        if options.get("encryption_key_length") == 16:
            assert "aes128" in d.algorithm


def test_raw_key_length_picks_the_aes_variant(sct):
    for n, alg in [(16, "aes128-cbc"), (24, "aes192-cbc"), (32, "aes256-cbc")]:
        k = wssx.random_bytes(n)
        r = wssx.verify(wssx.encrypt(envelope(), sct, k, derived_keys=False), {sct.identifier: k})
        assert r.decrypted[0].algorithm.endswith(alg)
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.encrypt(envelope(), sct, wssx.random_bytes(20), derived_keys=False)


def test_instance_is_reported_and_looked_up(secret):
    sct = wssx.SecurityContextToken("urn:uuid:0f8a8ac5-6a47-4d5c-8d43-36c0df4bd4b1", "1.3")
    sct.instance = "urn:instance:2"
    other = wssx.random_bytes(32)
    for reference in ("id", "identifier"):
        wire = wssx.sign_and_encrypt(envelope(), sct, secret, reference=reference)
        seen = []

        def lookup(identifier, instance):
            seen.append((identifier, instance))
            return secret

        r = wssx.verify(wire, lookup)
        assert set(seen) == {(sct.identifier, "urn:instance:2")}
        assert r.signer_of("Body") == (sct.identifier, "urn:instance:2")
        assert r.decrypted[0].context == (sct.identifier, "urn:instance:2")
        # A mapping: the (identifier, instance) key wins over the identifier key.
        assert wssx.verify(wire, {(sct.identifier, sct.instance): secret, sct.identifier: other}).body_signed
        assert wssx.verify(wire, {sct.identifier: secret}).body_signed
        with pytest.raises(wssx.InvalidSignatureError):
            wssx.verify(wssx.sign(envelope(), sct, secret, reference=reference),
                        {(sct.identifier, sct.instance): other, sct.identifier: secret})
    # Without reference_instance the message names no instance.
    wire = wssx.sign(envelope(), sct, secret, reference="identifier", include_sct=False, reference_instance=False)
    assert wssx.verify(wire, {sct.identifier: secret}).signer_of("Body") == (sct.identifier, None)


def test_signed_and_encrypted_headers(sct, secret):
    hdr = f'<x:Secret xmlns:x="urn:example:hdr">pin=1234</x:Secret>'
    env = envelope(header=hdr)
    wire = wssx.sign_and_encrypt(env, sct, secret, signed_headers=[(WSA, "To"), f"{{{WSA}}}Action", (WSA, "Absent")],
                                 encrypted_headers=[("urn:example:hdr", "Secret")])
    assert b"pin=1234" not in wire and b"EncryptedHeader" in wire
    r = wssx.verify(wire, {sct.identifier: secret})
    assert r.is_signed(f"Header {{{WSA}}}To") and r.is_signed(f"Header {{{WSA}}}Action")
    assert not r.is_signed(f"Header {{{WSA}}}Absent")
    assert {(d.part, d.content) for d in r.decrypted} == {("Body", True), ("Header {urn:example:hdr}Secret", False)}
    assert b"pin=1234" in r.envelope and b"EncryptedHeader" not in r.envelope
    assert r.signer_of(f"Header {{{WSA}}}To") == context_of(sct)
    assert r.signer_of("no such part") is None and not r.is_signed("no such part")


def test_timestamp_options(sct, secret):
    r = wssx.verify(wssx.sign(envelope(), sct, secret, timestamp_ttl=timedelta(minutes=1)), {sct.identifier: secret})
    created, expires = r.timestamp
    assert expires - created == timedelta(minutes=1)
    r = wssx.verify(wssx.sign(envelope(), sct, secret, timestamp_ttl=2.5), {sct.identifier: secret})
    assert r.timestamp[1] - r.timestamp[0] == timedelta(seconds=2.5)
    wire = wssx.sign(envelope(), sct, secret, timestamp_ttl=None)
    assert b"Timestamp" not in wire
    r = wssx.verify(wire, {sct.identifier: secret})
    assert r.timestamp is None and [s.part for s in r.signed] == ["Body"]
    with pytest.raises(wssx.InvalidSecurityTokenError):
        wssx.verify(wire, {sct.identifier: secret}, require_timestamp=True)


def test_bytearray_inputs(sct, secret):
    wire = wssx.sign(bytearray(envelope()), sct, bytearray(secret))
    assert wssx.verify(bytearray(wire), {sct.identifier: bytearray(secret)}).body_signed
    assert wssx.verify(wire, lambda i, n: bytearray(secret)).body_signed


def test_docstring_example():
    # The "Messages" example of the package docstring, run as written.
    doc = wssx.__doc__
    block = doc[doc.index("Messages ("):doc.index("``verify`` also takes")]
    ns = {"wssx": wssx, "envelope": envelope(SOAP12)}
    lines = [l.strip()[4:] for l in block.splitlines() if l.strip().startswith(">>> ")]
    expected = [l.strip() for l in block.splitlines() if l.strip() and not l.strip().startswith(">>>")][1:]
    outputs = []
    for line in lines:
        try:
            outputs.append(repr(eval(line, ns)))
        except SyntaxError:
            exec(line, ns)
    assert outputs == expected
    assert PAYLOAD.encode() in ns["plain"]


# ------------------------------------------------------------------ two contexts

def test_context_attribution_with_two_contexts():
    a, b = wssx.SecurityContextToken.generate(), wssx.SecurityContextToken.generate("2005/02")
    ka, kb = wssx.random_bytes(32), wssx.random_bytes(24)
    # A signs Body + Timestamp; B then adds its own signature over Body and wsa:To.
    once = wssx.sign(envelope(), a, ka)
    twice = wssx.sign(once, b, kb, timestamp_ttl=None, signed_headers=[(WSA, "To")])
    store = {a.identifier: ka, b.identifier: kb}
    r = wssx.verify(twice, store)
    assert r.signer_of(f"Header {{{WSA}}}To") == context_of(b)
    # Each protection step prepends its header items (WS-Security 1.1 section 5), so the
    # receiver processes B's later signature first; B also signs the Timestamp A put there
    # (one Timestamp per Security header).
    assert [s.context for s in r.signed if s.part == "Body"] == [context_of(b), context_of(a)]
    assert [s.context for s in r.signed if s.part == "Timestamp"] == [context_of(b), context_of(a)]
    assert r.signer_of("Timestamp") == context_of(b)
    assert {t.identifier for t in r.tokens} == {a.identifier, b.identifier}
    # Each context's own messages, against the same store.
    for sct, key in [(a, ka), (b, kb)]:
        r = wssx.verify(wssx.sign_and_encrypt(envelope(), sct, key, reference="identifier"), store)
        assert r.signer_of("Body") == context_of(sct) and r.decrypted[0].context == context_of(sct)
    # Secrets swapped, or one missing.
    with pytest.raises(wssx.InvalidSignatureError):
        wssx.verify(twice, {a.identifier: ka, b.identifier: ka[:24]})
    with pytest.raises(wssx.BadContextTokenError):
        wssx.verify(twice, {a.identifier: ka})
    with pytest.raises(wssx.BadContextTokenError):
        wssx.verify(twice, {b.identifier: kb})


# ------------------------------------------------------------------ tampering

@pytest.fixture
def signed(sct, secret):
    return sct, secret, wssx.sign(envelope(), sct, secret, signed_headers=[(WSA, "To")])


def _sub_first(pattern, repl, text):
    out, n = re.subn(pattern, repl, text, count=1)
    assert n == 1, pattern
    return out


def test_untouched_message_verifies(signed):
    sct, secret, wire = signed
    assert wssx.verify(wire, {sct.identifier: secret}).body_signed


def test_tampered_body_byte(signed):
    sct, secret, wire = signed
    for bad in [wire.replace(PAYLOAD.encode(), PAYLOAD.upper().encode()),
                wire.replace(b'qty="2"', b'qty="3"'),
                wire.replace(b"a &amp; b", b"a &amp; c"),
                wire.replace(b">urn:example:service<", b">urn:example:evil<")]:
        assert bad != wire
        with pytest.raises(wssx.InvalidSignatureError):
            wssx.verify(bad, {sct.identifier: secret})


def _flip_b64(value):
    raw = bytearray(base64.b64decode(value))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_tampered_digest_and_signature_value(signed):
    sct, secret, wire = signed
    text = wire.decode()
    for tag in ["DigestValue", "SignatureValue"]:
        m = re.search(rf"<ds:{tag}>([^<]+)</ds:{tag}>", text)
        bad = text[:m.start(1)] + _flip_b64(m.group(1)) + text[m.end(1):]
        with pytest.raises(wssx.InvalidSignatureError):
            wssx.verify(bad.encode(), {sct.identifier: secret})
    # Truncated signature value, and a dropped reference.
    m = re.search(r"<ds:SignatureValue>([^<]+)</ds:SignatureValue>", text)
    short = text[:m.start(1)] + base64.b64encode(base64.b64decode(m.group(1))[:10]).decode() + text[m.end(1):]
    with pytest.raises(wssx.InvalidSignatureError):
        wssx.verify(short.encode(), {sct.identifier: secret})
    dropped = _sub_first(r"<ds:Reference URI=\"#H-[^\"]+\">.*?</ds:Reference>", "", text)
    with pytest.raises(wssx.InvalidSignatureError):
        wssx.verify(dropped.encode(), {sct.identifier: secret})


def test_wrong_secret(sct, secret):
    wrong = bytes(b ^ 0x55 for b in secret)
    for mode in ["sign", "encrypt-then-sign"]:
        with pytest.raises(wssx.InvalidSignatureError):
            wssx.verify(protect(mode, envelope(), sct, secret), {sct.identifier: wrong})
    # Decryption first (sign-then-encrypt, encrypt): GCM's tag check refuses the key; CBC
    # fails on the padding or on what the garbage decrypts to, always as one error kind (no
    # padding oracle in the kind or fault code).
    for mode in ["encrypt", "sign-then-encrypt"]:
        with pytest.raises(wssx.CryptoError):
            wssx.verify(protect(mode, envelope(), sct, secret, gcm=True), {sct.identifier: wrong})
        for _ in range(40):
            with pytest.raises(wssx.CryptoError) as ei:
                wssx.verify(protect(mode, envelope(), sct, secret), {sct.identifier: wssx.random_bytes(32)})
            assert ei.value.fault_code == ("wst", "RequestFailed")


def test_unknown_context(signed):
    sct, secret, wire = signed
    other = wssx.SecurityContextToken.generate()
    for lookup in [{}, {other.identifier: secret}, lambda i, n: None, {sct.identifier: None}]:
        with pytest.raises(wssx.BadContextTokenError) as ei:
            wssx.verify(wire, lookup)
        assert ei.value.fault_code == ("wsc", "BadContextToken")


def test_expired_and_future_timestamps(signed):
    sct, secret, wire = signed
    store = {sct.identifier: secret}
    soon = time.time() + 3600
    for now in [soon, datetime.now(timezone.utc) + timedelta(hours=1),
                datetime.now(timezone(timedelta(hours=-7))) + timedelta(hours=1),
                datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=1)]:
        with pytest.raises(wssx.ExpiredDataError):
            wssx.verify(wire, store, now=now)
    with pytest.raises(wssx.InvalidTimeRangeError):
        wssx.verify(wire, store, now=time.time() - 3600)
    # Within the clock skew (as seconds or a timedelta), it passes.
    assert wssx.verify(wire, store, now=soon, clock_skew=3600).body_signed
    assert wssx.verify(wire, store, now=soon, clock_skew=timedelta(hours=2)).body_signed
    assert wssx.verify(wire, store, now=time.time() + 200, clock_skew=0).body_signed
    with pytest.raises(wssx.ExpiredDataError):
        wssx.verify(wire, store, now=time.time() + 400, clock_skew=0)


def test_timestamp_datetimes_are_clamped(sct, secret):
    # An unsigned Timestamp with instants beyond datetime's range: reported, clamped.
    wire = wssx.sign(envelope(), sct, secret, timestamp_ttl=None).decode()
    ts = (f'<wsu:Timestamp xmlns:wsu="{WSU}"><wsu:Created>-0044-03-15T00:00:00Z</wsu:Created>'
          '<wsu:Expires>99999-01-01T00:00:00Z</wsu:Expires></wsu:Timestamp>')
    wire = _sub_first(r"(<wsse:Security[^>]*>)", lambda m: m.group(1) + ts, wire)
    r = wssx.verify(wire.encode(), {sct.identifier: secret})
    created, expires = r.timestamp
    assert created == datetime.min.replace(tzinfo=timezone.utc)
    assert expires == datetime.max.replace(tzinfo=timezone.utc)
    assert not r.is_signed("Timestamp")
    assert json.loads(r.to_json())["timestamp"]["expires"].startswith("99999-")


def test_min_key_length(sct, secret):
    wire = wssx.sign(envelope(), sct, secret, signature_key_length=16)
    assert wssx.verify(wire, {sct.identifier: secret}).body_signed
    with pytest.raises(wssx.InvalidSignatureError):
        wssx.verify(wire, {sct.identifier: secret}, min_key_length=24)
    wire = wssx.encrypt(envelope(), sct, secret, encryption_key_length=16)
    with pytest.raises(wssx.CryptoError):
        wssx.verify(wire, {sct.identifier: secret}, min_key_length=32)


def test_derivation_limits_apply(sct, secret):
    wire = wssx.sign(envelope(), sct, secret, nonce_length=64)
    assert wssx.verify(wire, {sct.identifier: secret}).body_signed
    with pytest.raises(wssx.LimitExceededError):
        wssx.verify(wire, {sct.identifier: secret}, max_nonce=32)
    wire = wssx.sign(envelope(), sct, secret, offset=64)
    with pytest.raises(wssx.LimitExceededError):
        wssx.verify(wire, {sct.identifier: secret}, max_offset=32)


# ------------------------------------------------------------------ signature wrapping

def _body_span(text):
    m = re.search(r"<s:Body\b.*</s:Body>", text, re.S)
    assert m
    return m


EVIL_BODY = '<s:Body><m:Order xmlns:m="urn:example:shop"><m:Item qty="999">evil</m:Item></m:Order></s:Body>'


@pytest.mark.parametrize("mode", ["sign", "sign-then-encrypt", "encrypt-then-sign"])
def test_signature_wrapping(sct, secret, mode):
    text = protect(mode, envelope(), sct, secret).decode()
    store = {sct.identifier: secret}
    m = _body_span(text)
    signed_body = m.group(0)
    body_id = re.search(r'wsu:Id="([^"]+)"', signed_body).group(1)
    attacks = {
        # The signed Body wrapped in a header, a new Body in its place.
        "wrapped": text[:m.start()] + EVIL_BODY + text[m.end():],
        # ... the same with the new Body claiming the signed Body's ID.
        "same-id": text[:m.start()] + EVIL_BODY.replace("<s:Body>", f'<s:Body xmlns:wsu="{WSU}" wsu:Id="{body_id}">')
        + text[m.end():],
    }
    wrapper = f'<w:Wrapper xmlns:w="urn:evil">{signed_body}</w:Wrapper>'
    attacks = {k: v.replace("</s:Header>", wrapper + "</s:Header>") for k, v in attacks.items()}
    # ... and the signed Body moved straight under the Header.
    attacks["bare"] = (text[:m.start()] + EVIL_BODY + text[m.end():]).replace("</s:Header>", signed_body + "</s:Header>")
    # ... and inside the Security header itself.
    attacks["in-security"] = (text[:m.start()] + EVIL_BODY + text[m.end():]).replace(
        "</wsse:Security>", wrapper + "</wsse:Security>")
    for name, attack in attacks.items():
        assert "evil" in attack
        with pytest.raises(wssx.WssxError) as ei:
            r = wssx.verify(attack.encode(), store)
            pytest.fail(f"{name}: accepted, body_signed={r.body_signed}")
        assert isinstance(ei.value, wssx.InvalidSignatureError), (name, ei.value)


def test_wrapping_never_reports_the_wrong_body(sct, secret):
    # Whatever core accepts, "Body signed" always means the Body the application reads.
    wire = wssx.sign(envelope(), sct, secret)
    r = wssx.verify(wire, {sct.identifier: secret})
    assert r.body_signed and PAYLOAD.encode() in r.envelope


# ------------------------------------------------------------------ the lookup callable

def test_lookup_exception_propagates(signed):
    sct, secret, wire = signed
    err = ValueError("boom from the context store")

    def lookup(identifier, instance):
        raise err

    with pytest.raises(ValueError) as ei:
        wssx.verify(wire, lookup)
    assert ei.value is err
    assert not isinstance(ei.value, wssx.WssxError)


@pytest.mark.parametrize("exc", [KeyError("k"), RuntimeError("r"), wssx.BadContextTokenError("mine"),
                                 KeyboardInterrupt(), SystemExit(3)])
def test_lookup_exceptions_of_any_kind_propagate(signed, exc):
    sct, secret, wire = signed

    def lookup(identifier, instance):
        raise exc

    with pytest.raises(type(exc)) as ei:
        wssx.verify(wire, lookup)
    assert ei.value is exc


def test_lookup_exception_in_the_middle(sct, secret):
    # Two keys per message (sign and encrypt): the second lookup raises.
    wire = wssx.sign_and_encrypt(envelope(), sct, secret)
    calls = []

    def lookup(identifier, instance):
        calls.append(identifier)
        if len(calls) == 2:
            raise ValueError("second")
        return secret

    with pytest.raises(ValueError, match="second"):
        wssx.verify(wire, lookup)
    assert len(calls) == 2


class StrictStore(Mapping):
    def __init__(self, d, fail=False):
        self.d, self.fail = d, fail

    def __getitem__(self, key):
        if self.fail:
            raise RuntimeError("store offline")
        return self.d[key]

    def __iter__(self):
        return iter(self.d)

    def __len__(self):
        return len(self.d)


def test_mapping_lookups(signed):
    sct, secret, wire = signed
    assert wssx.verify(wire, StrictStore({sct.identifier: secret})).body_signed
    with pytest.raises(wssx.BadContextTokenError):
        wssx.verify(wire, StrictStore({}))
    with pytest.raises(RuntimeError, match="store offline"):
        wssx.verify(wire, StrictStore({sct.identifier: secret}, fail=True))
    from types import MappingProxyType
    assert wssx.verify(wire, MappingProxyType({sct.identifier: secret})).body_signed


def test_lookup_bad_returns_and_types(signed):
    sct, secret, wire = signed
    for bad in [42, "secret", [1, 2], object()]:
        with pytest.raises(TypeError, match="lookup returned"):
            wssx.verify(wire, lambda i, n, bad=bad: bad)
    with pytest.raises(TypeError):
        wssx.verify(wire, {sct.identifier: "not bytes"})
    for bad in [42, None, [secret], "str"]:
        with pytest.raises(TypeError, match="lookup must be"):
            wssx.verify(wire, bad)
    with pytest.raises(TypeError):
        wssx.verify(wire, lambda: secret)  # wrong arity: the TypeError of the call


def test_lookup_is_called_with_identifier_and_instance(signed):
    sct, secret, wire = signed
    calls = []
    r = wssx.verify(wire, lambda *a: calls.append(a) or secret)
    assert r.body_signed and calls and set(calls) == {(sct.identifier, None)}


# ------------------------------------------------------------------ threads and the GIL

def test_concurrent_verify_with_callbacks():
    contexts = [(wssx.SecurityContextToken.generate(), wssx.random_bytes(32)) for _ in range(4)]
    store = {s.identifier: k for s, k in contexts}
    wires = [(s, wssx.sign_and_encrypt(envelope(), s, k)) for s, k in contexts]
    lock = threading.Lock()
    calls = [0]

    def lookup(identifier, instance):
        with lock:  # a shared Python lock taken inside the callback, from many threads
            calls[0] += 1
        time.sleep(0.0005)
        return store.get(identifier)

    def nested(identifier, instance):
        # Re-entering wssx from inside a callback: another sign and verify.
        inner_sct, inner_key = contexts[0]
        inner = wssx.sign(envelope(), inner_sct, inner_key)
        assert wssx.verify(inner, lookup).body_signed
        return store.get(identifier)

    def work(i):
        sct, wire = wires[i % len(wires)]
        for j in range(15):
            r = wssx.verify(wire, nested if j % 5 == 0 else lookup)
            assert r.body_signed and r.body_decrypted and r.signer_of("Body") == (sct.identifier, None)
        return i

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(work, i) for i in range(16)]
        done, pending = concurrent.futures.wait(futures, timeout=120)
        assert not pending, "verify deadlocked"
        assert sorted(f.result() for f in done) == list(range(16))
    assert calls[0] >= 16 * 15 * 2


def test_callback_blocking_on_another_thread():
    # Each verify's callback waits until the other thread's callback has run: both verify
    # calls must be inside wssx at the same time, calling back into Python.
    a, b = wssx.SecurityContextToken.generate(), wssx.SecurityContextToken.generate()
    ka, kb = wssx.random_bytes(32), wssx.random_bytes(32)
    wa, wb = wssx.sign(envelope(), a, ka), wssx.sign(envelope(), b, kb)
    barrier = threading.Barrier(2, timeout=30)

    def lookup(key):
        def f(identifier, instance):
            barrier.wait()
            return key
        return f

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        fa = pool.submit(wssx.verify, wa, lookup(ka))
        fb = pool.submit(wssx.verify, wb, lookup(kb))
        assert fa.result(timeout=60).body_signed and fb.result(timeout=60).body_signed


@pytest.mark.parametrize("lookup_kind", ["mapping", "callable"])
def test_verify_releases_the_gil(lookup_kind):
    # While one thread verifies a large message, the main thread keeps running Python code
    # all along, not only once verify has returned (with the GIL held through the parse and
    # digests, it would make no progress at all in the first half of the call).
    sct, key = wssx.SecurityContextToken.generate(), wssx.random_bytes(32)
    big = envelope(body='<m:Bulk xmlns:m="urn:m">' + "<m:i a='1'>x</m:i>" * 80000 + "</m:Bulk>")
    wire = wssx.sign(big, sct, key)
    lookup = {sct.identifier: key} if lookup_kind == "mapping" else (lambda i, n: key)
    span = []

    def work():
        span.append(time.monotonic())
        assert wssx.verify(wire, lookup).body_signed
        span.append(time.monotonic())

    t = threading.Thread(target=work)
    ticks, last = [], 0.0
    t.start()
    while t.is_alive():
        now = time.monotonic()
        if now - last > 0.001:
            ticks.append(now)
            last = now
    t.join()
    start, end = span
    lo, hi = start + 0.2 * (end - start), start + 0.5 * (end - start)
    assert any(lo < x < hi for x in ticks), f"no progress during {lo - start:.3f}s..{hi - start:.3f}s of {end - start:.3f}s"


def test_concurrent_sign_and_c14n():
    sct, key = wssx.SecurityContextToken.generate(), wssx.random_bytes(32)
    big = envelope(body='<m:Bulk xmlns:m="urn:m">' + "<m:i>x</m:i>" * 20000 + "</m:Bulk>")

    def work(_):
        w = wssx.sign_and_encrypt(big, sct, key)
        c = wssx.c14n(big)
        return wssx.verify(w, {sct.identifier: key}).body_signed and len(c) > 100000

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(work, range(8), timeout=120))


# ------------------------------------------------------------------ report objects

def test_report_objects(signed):
    sct, secret, wire = signed
    r = wssx.verify(wire, {sct.identifier: secret})
    assert repr(r) == "VerifyReport(body_signed=True, body_decrypted=False, signed=3, decrypted=0)"
    s = r.signed[-1]
    assert s == r.signed[-1] and hash(s) == hash(r.signed[-1]) and s != r.signed[0]
    assert repr(s).startswith("SignedPart(part='Body', id=") and sct.identifier in repr(s)
    assert s.id.startswith("Body-") and isinstance(s.context, tuple)
    with pytest.raises(AttributeError):
        s.part = "Timestamp"
    with pytest.raises(AttributeError):
        r.body_signed = False
    with pytest.raises(TypeError):
        wssx.VerifyReport()
    with pytest.raises(TypeError):
        wssx.SignedPart()
    # The signed Body's canonical form is what the reference digested.
    d = re.search(rf'<ds:Reference URI="#{s.id}">.*?<ds:DigestValue>([^<]+)<', wire.decode()).group(1)
    assert base64.b64encode(hashlib.sha1(wssx.c14n(wire, s.id)).digest()).decode() == d

    r = wssx.verify(wssx.encrypt(envelope(), sct, secret, gcm=True), {sct.identifier: secret})
    d = r.decrypted[0]
    assert repr(d) == f"DecryptedPart(part='Body', content=True, context=({sct.identifier!r}, None))"
    assert d.algorithm == "http://www.w3.org/2009/xmlenc11#aes256-gcm"
    assert d == r.decrypted[0] and hash(d) == hash(r.decrypted[0])


def test_digest_matches_c14n_for_sha256(sct, secret):
    wire = wssx.sign(envelope(SOAP12), sct, secret, suite="Basic256Sha256", signed_headers=[(WSA, "To")])
    text = wire.decode()
    for uri, value in re.findall(r'<ds:Reference URI="#([^"]+)">.*?<ds:DigestValue>([^<]+)<', text):
        assert base64.b64encode(hashlib.sha256(wssx.c14n(wire, uri)).digest()).decode() == value


def test_algorithm_suite():
    S = wssx.AlgorithmSuite
    assert S("Basic256") is S.BASIC256 and S("basic128") is S.BASIC128
    assert S("Basic256Sha256") is S.BASIC256_SHA256 and S("BASIC256_SHA256") is S.BASIC256_SHA256
    assert S(S.BASIC128) is S.BASIC128
    assert S.BASIC256.name == "BASIC256" and S.BASIC256.value == "Basic256" and str(S.BASIC256_SHA256) == "Basic256Sha256"
    assert repr(S.BASIC128) == "AlgorithmSuite.BASIC128"
    assert S.BASIC256_SHA256.signature_algorithm == "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
    assert S.BASIC256_SHA256.digest_algorithm == "http://www.w3.org/2001/04/xmlenc#sha256"
    assert S.BASIC128.encryption_algorithm == "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
    assert (S.BASIC128.signature_key_length, S.BASIC128.encryption_key_length) == (16, 16)
    assert (S.BASIC256.signature_key_length, S.BASIC256.encryption_key_length) == (24, 32)
    assert len({S.BASIC128, S.BASIC256, S.BASIC256_SHA256, S("Basic256")}) == 3
    assert pickle.loads(pickle.dumps(S.BASIC256_SHA256)) is S.BASIC256_SHA256
    assert S.BASIC256 != "Basic256"
    with pytest.raises(ValueError):
        S("Basic512")
    with pytest.raises(TypeError):
        S(256)


def test_suite_strings_are_accepted(sct, secret):
    for name in ["Basic128", "basic256", "Basic256Sha256", "BASIC256_SHA256"]:
        r = wssx.verify(wssx.sign(envelope(), sct, secret, suite=name), {sct.identifier: secret})
        assert r.signed[0].signature_algorithm == wssx.AlgorithmSuite(name).signature_algorithm


# ------------------------------------------------------------------ bad arguments and garbage

def test_bad_protect_arguments(sct, secret):
    env = envelope()
    value_errors = [dict(suite="Basic512"), dict(reference="uri"), dict(timestamp_ttl=-1),
                    dict(timestamp_ttl=float("nan")), dict(timestamp_ttl=float("inf")), dict(nonce_length=-1),
                    dict(signed_headers=["To"]), dict(signed_headers=["{urn:x}"])]
    for kw in value_errors:
        with pytest.raises(ValueError):
            wssx.sign(env, sct, secret, **kw)
    type_errors = [dict(suite=1), dict(timestamp_ttl="300"), dict(timestamp_ttl=True), dict(signed_headers="{a}b"),
                   dict(signed_headers=[("a",)]), dict(signed_headers=[(1, 2)]), dict(signed_headers=5),
                   dict(label=b"x"), dict(offset="1")]
    for kw in type_errors:
        with pytest.raises(TypeError):
            wssx.sign(env, sct, secret, **kw)
    with pytest.raises(ValueError):
        wssx.sign_and_encrypt(env, sct, secret, order="both")
    with pytest.raises(ValueError):
        wssx._native.protect(env, sct, secret, "sign-twice")
    with pytest.raises(TypeError):
        wssx.sign(env, "not an sct", secret)
    with pytest.raises(TypeError):
        wssx.sign(env.decode(), sct, secret)
    with pytest.raises(TypeError):
        wssx.sign(env, sct, secret, "Basic256")  # options are keyword-only
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.sign(env, sct, secret, reference="id", include_sct=False)
    with pytest.raises(wssx.LimitExceededError):
        wssx.sign(env, sct, secret, signature_key_length=1 << 40)
    with pytest.raises(wssx.LimitExceededError):
        wssx.sign(env, sct, secret, label="L" * 1000)
    with pytest.raises(wssx.WssxError):
        wssx.sign(env, sct, secret, nonce_length=1 << 62)
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.encrypt(env, sct, secret, encryption_key_length=20)


def test_bad_verify_arguments(signed):
    sct, secret, wire = signed
    store = {sct.identifier: secret}
    for now in ["2020-01-01", b"1", [1], datetime.now().date(), True]:
        with pytest.raises(TypeError):
            wssx.verify(wire, store, now=now)
    for now in [float("nan"), float("inf"), 1e300]:
        with pytest.raises(ValueError):
            wssx.verify(wire, store, now=now)
    for skew in [-1, float("nan")]:
        with pytest.raises(ValueError):
            wssx.verify(wire, store, clock_skew=skew)
    with pytest.raises(ValueError):
        wssx.verify(wire, store, min_key_length=-1)
    with pytest.raises(TypeError):
        wssx.verify(wire.decode(), store)
    with pytest.raises(wssx.LimitExceededError):
        wssx.verify(wire, store, max_xml_size=100)
    with pytest.raises(wssx.LimitExceededError):
        wssx.verify(wire, store, max_xml_depth=3)


NOT_MESSAGES = [
    b"", b"\x00", b"<", b"not xml", b"<a/>", b"<?xml version='1.0'?><a/>",
    b'<!DOCTYPE s [<!ENTITY x "y">]><s/>',
    f'<s:Envelope xmlns:s="{SOAP11}"/>'.encode(),
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/></s:Envelope>'.encode(),
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/><s:Body/></s:Envelope>'.encode(),
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/><s:Header/></s:Envelope>'.encode(),
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Header/><s:Body/></s:Envelope>'.encode(),
    f'<s:Envelope xmlns:s="{SOAP11}"><s:Header><wsse:Security xmlns:wsse="x"/></s:Header><s:Body/></s:Envelope>'.encode(),
    b"<a>" * 10000 + b"</a>" * 10000,
    "<\u00e9/>".encode("latin-1"),
]


@pytest.mark.parametrize("data", NOT_MESSAGES, ids=range(len(NOT_MESSAGES)))
def test_not_messages(sct, secret, data):
    for call in [lambda: wssx.verify(data, {sct.identifier: secret}),
                 lambda: wssx.sign(data, sct, secret),
                 lambda: wssx.sign_and_encrypt(data, sct, secret)]:
        try:
            call()
        except wssx.WssxError:
            pass
    try:
        wssx.c14n(data)
    except wssx.WssxError:
        pass
    with pytest.raises(wssx.WssxError):
        wssx.verify(data, {sct.identifier: secret})


def test_garbage_never_crashes(sct, secret):
    rng = random.Random(0x5eed)
    store = {sct.identifier: secret}
    wires = [protect(m, envelope(), sct, secret, signed_headers=[(WSA, "To")]) for m in MODES]
    accepted = 0
    for i in range(600):
        wire = bytearray(rng.choice(wires))
        kind = i % 4
        if kind == 0:
            for _ in range(rng.randint(1, 4)):
                wire[rng.randrange(len(wire))] = rng.randrange(256)
        elif kind == 1:
            wire = wire[: rng.randrange(len(wire))]
        elif kind == 2:
            a = rng.randrange(len(wire))
            b = rng.randrange(a, min(len(wire), a + 200))
            del wire[a:b]
        else:
            a, b = sorted(rng.randrange(len(wire)) for _ in range(2))
            wire[a:a] = wire[a:b]
        try:
            r = wssx.verify(bytes(wire), store)
        except wssx.WssxError:
            continue
        accepted += 1
        # A mutation that still verifies never changed what was covered.
        if r.body_signed:
            assert PAYLOAD.encode() in r.envelope
        try:
            wssx.c14n(bytes(wire))
        except wssx.WssxError:
            pass
    for _ in range(200):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        for call in [lambda: wssx.verify(blob, store), lambda: wssx.c14n(blob), lambda: wssx.sign(blob, sct, secret)]:
            with pytest.raises(wssx.WssxError):
                call()
    assert accepted < 600


# ------------------------------------------------------------------ c14n

XMLLINT = shutil.which("xmllint")
needs_xmllint = pytest.mark.skipif(XMLLINT is None, reason="xmllint (libxml2-utils) is not installed")

C14N_DOCS = [
    # attribute and namespace ordering, redundant and unused declarations, empty elements
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- head -->\n<r xmlns="http://d.example/" xmlns:b="http://b.example/" '
    b'xmlns:a="http://a.example/" z="1" a:y="2" b:x="3" ><a:e b:k="v"   a="x"/><e xmlns="http://d.example/"><!-- in -->'
    b'<f xmlns=""/></e><?pi data?></r>\n<!-- tail -->\n',
    # escaping and white space, character references, CDATA
    b'<doc attr="&lt;&amp;&quot;&#9;&#10;&#13;&gt;">  text &amp; &lt;more&gt; &#xD; \r\n<![CDATA[<cdata> & ]]>'
    b'<x a="&#x20AC;">\xe2\x82\xac</x>\t</doc>',
    # a SOAP envelope with prefixes used only in attributes, and xml:* attributes
    f'<soap:Envelope xmlns:soap="{SOAP12}" xmlns:wsu="{WSU}" xmlns:unused="http://unused.example/">'
    f'<soap:Header><h:T xmlns:h="http://h.example/" soap:mustUnderstand="true" xml:lang="en">t</h:T></soap:Header>'
    f'<soap:Body wsu:Id="B1"><p:Ping xmlns:p="http://p.example/" xml:space="preserve"> x </p:Ping></soap:Body>'
    '</soap:Envelope>'.encode(),
    # redeclared and undeclared default namespaces
    b'<a xmlns="http://one.example/"><b xmlns="http://two.example/"><c xmlns="http://one.example/"/></b>'
    b'<d xmlns=""><e/></d></a>',
]


def _xmllint(doc):
    out = subprocess.run([XMLLINT, "--exc-c14n", "-"], input=doc, capture_output=True, check=True, timeout=60)
    return out.stdout


def _strip_comments(doc):
    return re.sub(rb"<!--.*?-->", b"", doc, flags=re.S)


@needs_xmllint
@pytest.mark.parametrize("doc", C14N_DOCS, ids=range(len(C14N_DOCS)))
def test_c14n_matches_xmllint(doc):
    assert wssx.c14n(doc, with_comments=True) == _xmllint(doc)
    assert wssx.c14n(doc) == _xmllint(_strip_comments(doc))
    assert wssx.c14n(bytearray(doc)) == wssx.c14n(doc)


@needs_xmllint
def test_c14n_of_a_signed_envelope_matches_xmllint(sct, secret):
    wire = wssx.sign_and_encrypt(envelope(SOAP12), sct, secret, signed_headers=[(WSA, "To")])
    assert wssx.c14n(wire) == _xmllint(wire)


@needs_xmllint
def test_c14n_subset_matches_xmllint_of_the_standalone_element():
    # Exclusive c14n of an element = exclusive c14n of that element written as its own
    # document with only the declarations it uses (the ancestors' others are dropped).
    doc = (f'<r xmlns="http://d.example/" xmlns:a="http://a.example/" xmlns:u="{WSU}" xmlns:x="http://x.example/">'
           '<mid x:attr="1"><a:t u:Id="T1" z="2" a:y="3"><inner>v<a:k/></inner><!-- c --></a:t></mid></r>').encode()
    alone = (f'<a:t xmlns="http://d.example/" xmlns:a="http://a.example/" xmlns:u="{WSU}" u:Id="T1" z="2" a:y="3">'
             '<inner>v<a:k/></inner><!-- c --></a:t>').encode()
    assert wssx.c14n(doc, "T1", with_comments=True) == _xmllint(alone)
    assert wssx.c14n(doc, "T1") == _xmllint(_strip_comments(alone))
    assert b"http://x.example/" not in wssx.c14n(doc, "T1")


def test_c14n_inclusive_prefixes():
    doc = ('<r xmlns="http://d.example/" xmlns:a="http://a.example/" xmlns:b="http://b.example/" '
           f'xmlns:u="{WSU}"><e u:Id="E">t</e></r>').encode()
    plain = wssx.c14n(doc, "E")
    assert plain == f'<e xmlns="http://d.example/" xmlns:u="{WSU}" u:Id="E">t</e>'.encode()
    with_a = wssx.c14n(doc, "E", prefixes=["a"])
    assert b'xmlns:a="http://a.example/"' in with_a and b"xmlns:b" not in with_a
    assert wssx.c14n(doc, "E", prefixes="a b") == wssx.c14n(doc, "E", prefixes=("b", "a"))
    assert b'xmlns:b="http://b.example/"' in wssx.c14n(doc, "E", prefixes="a b")
    assert wssx.c14n(doc, "E", prefixes=["#default"]) == plain  # already visibly used
    assert wssx.c14n(doc, "E", prefixes=["nope"]) == plain and wssx.c14n(doc, "E", prefixes=None) == plain


def test_c14n_errors():
    doc = f'<r xmlns:u="{WSU}"><a u:Id="x"/><c Id="y"/></r>'.encode()
    assert wssx.c14n(doc, "y") == b'<c Id="y"></c>'
    with pytest.raises(wssx.InvalidArgumentError) as ei:
        wssx.c14n(doc, "missing")
    assert isinstance(ei.value, ValueError)
    # Duplicate IDs anywhere make every ID ambiguous (as for a signature reference).
    dup = f'<r xmlns:u="{WSU}"><a u:Id="x"/><b u:Id="x"/><c Id="y"/></r>'.encode()
    for id in ["x", "y"]:
        with pytest.raises(wssx.InvalidSignatureError):
            wssx.c14n(dup, id)
    assert wssx.c14n(dup) == b'<r><a xmlns:u="%s" u:Id="x"></a><b xmlns:u="%s" u:Id="x"></b><c Id="y"></c></r>' % (
        WSU.encode(), WSU.encode())
    for bad in [b"", b"<a>", b"<a></b>", b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>']:
        with pytest.raises(wssx.MalformedXmlError):
            wssx.c14n(bad)
    with pytest.raises(TypeError):
        wssx.c14n("<a/>")
    with pytest.raises(TypeError):
        wssx.c14n(b"<a/>", prefixes=[1])
    with pytest.raises(TypeError):
        wssx.c14n(b"<a/>", None, True)  # with_comments is keyword-only
