"""The exception hierarchy, and hostile or broken input: always a WssxError, never a crash."""

import pickle
import random

import pytest

import wssx
from wssx import _native

SC13 = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"
SCT = (f'<wsc:SecurityContextToken xmlns:wsc="{SC13}" '
       'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" '
       'wsu:Id="c1"><wsc:Identifier>urn:uuid:1</wsc:Identifier><wsc:Instance>urn:i</wsc:Instance>'
       '</wsc:SecurityContextToken>').encode()
DKT = (f'<wsc:DerivedKeyToken xmlns:wsc="{SC13}" '
       'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
       '<wsse:SecurityTokenReference><wsse:Reference URI="#c1"/></wsse:SecurityTokenReference>'
       '<wsc:Offset>0</wsc:Offset><wsc:Length>24</wsc:Length><wsc:Nonce>AAECAw==</wsc:Nonce></wsc:DerivedKeyToken>').encode()

PARSERS = [wssx.SecurityContextToken.from_xml, wssx.DerivedKeyToken.from_xml, wssx.inspect]


# ------------------------------------------------------------------ hierarchy

def test_one_class_per_core_kind():
    kinds = [k for k, _, _ in _native.ERROR_KINDS]
    assert len(kinds) == len(set(kinds)) >= 20
    assert set(wssx.ERROR_CLASSES) == set(kinds)
    for kind in kinds:
        cls = wssx.ERROR_CLASSES[kind]
        name = kind if kind.endswith("Error") else kind + "Error"
        assert cls.__name__ == name and getattr(wssx, name) is cls and name in wssx.__all__
        assert issubclass(cls, wssx.WssxError) and issubclass(cls, Exception)
        assert cls.kind == kind and cls.__module__ == "wssx"
        assert cls.fault_code is None or cls.fault_code[0] in ("wst", "wsc")
    named = {"BadContextTokenError", "LimitExceededError", "MalformedXmlError", "InvalidSecurityTokenError",
             "UnknownDerivationSourceError", "InvalidArgumentError", "InvalidRequestError", "CryptoError"}
    assert named <= set(dir(wssx))
    assert wssx.WssxError.kind is None
    assert issubclass(wssx.InvalidArgumentError, ValueError)
    assert not issubclass(wssx.LimitExceededError, ValueError)
    assert wssx.BadContextTokenError.fault_code == ("wsc", "BadContextToken")
    assert wssx.MalformedXmlError.fault_code == ("wst", "InvalidRequest")


def test_error_attributes_and_pickle():
    with pytest.raises(wssx.WssxError) as ei:
        wssx.DerivedKeyToken.from_xml(f'<wsc:DerivedKeyToken xmlns:wsc="{SC13}"><wsc:Length>x</wsc:Length></wsc:DerivedKeyToken>'.encode())
    e = ei.value
    assert type(e) is wssx.InvalidSecurityTokenError
    assert e.kind == "InvalidSecurityToken"
    assert e.path == "wsc:DerivedKeyToken/wsc:Length"
    assert "not an unsigned integer" in e.message
    assert str(e) == f"{e.path}: {e.message}"
    assert e.args == (e.message,)
    assert repr(e).startswith("InvalidSecurityTokenError(")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is type(e) and (back.kind, back.path, back.message) == (e.kind, e.path, e.message)
    # without a path
    with pytest.raises(wssx.LimitExceededError) as ei:
        wssx.derive_key(b"k", length=5000)
    assert ei.value.path == "" and str(ei.value) == ei.value.message
    # user-constructed
    u = wssx.BadContextTokenError("unknown context", path="wsc:Identifier")
    assert (u.kind, u.path, u.message) == ("BadContextToken", "wsc:Identifier", "unknown context")
    assert str(wssx.WssxError("plain")) == "plain"


# ------------------------------------------------------------------ hostile input

@pytest.mark.parametrize("seed", range(200))
def test_random_bytes_are_malformed(seed):
    rng = random.Random(seed)
    data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 300)))
    if seed % 4 == 0:
        data = b"<" + data  # looks like a start of markup
    for parse in PARSERS:
        with pytest.raises(wssx.WssxError) as ei:
            parse(data)
        assert isinstance(ei.value, wssx.MalformedXmlError), (data, ei.value)


@pytest.mark.parametrize("seed", range(100))
def test_mutated_tokens_never_crash(seed):
    rng = random.Random(seed)
    data = bytearray(rng.choice([SCT, DKT]))
    for _ in range(rng.randrange(1, 8)):
        i = rng.randrange(len(data))
        op = rng.randrange(3)
        if op == 0:
            data[i] = rng.getrandbits(8)
        elif op == 1:
            del data[i]
        else:
            data.insert(i, rng.choice(b'<>/="&; \x00\xffa'))
    for parse in PARSERS:
        try:
            parse(bytes(data))
        except wssx.WssxError:
            pass


def test_truncated_xml():
    for doc in (SCT, DKT):
        for n in range(len(doc)):
            for parse in PARSERS:
                with pytest.raises(wssx.MalformedXmlError):
                    parse(doc[:n])
        assert wssx.inspect(doc)


def test_dtd_and_entities_refused():
    docs = [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<lolz>&lol2;</lolz>',
        b'<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<wsc:SecurityContextToken xmlns:wsc="' + SC13.encode() + b'"><wsc:Identifier>&xxe;</wsc:Identifier>'
        b'</wsc:SecurityContextToken>',
        b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
        b'<a>&undefined;</a>',
    ]
    for d in docs:
        for parse in PARSERS:
            with pytest.raises(wssx.MalformedXmlError):
                parse(d)


def test_deep_nesting():
    deep = b"<a>" * 500 + b"</a>" * 500
    for parse in PARSERS:
        with pytest.raises(wssx.LimitExceededError) as ei:
            parse(deep)
        assert ei.value.kind == "LimitExceeded"
    deep_in_sct = SCT.replace(b"</wsc:SecurityContextToken>", b"<x>" * 500 + b"</x>" * 500 + b"</wsc:SecurityContextToken>")
    with pytest.raises(wssx.LimitExceededError):
        wssx.SecurityContextToken.from_xml(deep_in_sct)
    # within the limit is fine
    ok = SCT.replace(b"</wsc:SecurityContextToken>", b"<x>" * 100 + b"</x>" * 100 + b"</wsc:SecurityContextToken>")
    assert wssx.SecurityContextToken.from_xml(ok).identifier == "urn:uuid:1"


def test_odd_but_not_crashing():
    for d in [b"\xef\xbb\xbf" + SCT, SCT + b"<!-- trailing comment -->", b"  \n" + SCT]:
        try:
            wssx.SecurityContextToken.from_xml(d)
        except wssx.WssxError:
            pass
    for d in [SCT + b"<second/>", SCT.replace(b"urn:uuid:1", b"\xff\xfe"), b"<a xmlns:p='urn:x'><q:b/></a>",
              SCT.replace(b'wsu:Id="c1"', b'wsu:Id="c1" wsu:Id="c2"')]:
        with pytest.raises(wssx.WssxError):
            wssx.inspect(d)
