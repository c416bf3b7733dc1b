"""SecurityContextToken, DerivedKeyToken, ScVersion and inspect."""

import base64
import json
import pickle

import pytest

import wssx
from refimpl import DEFAULT_LABEL, derive

WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
SC13 = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"
SC05 = "http://schemas.xmlsoap.org/ws/2005/02/sc"

# WS-SecureConversation 1.3, section 3 (with a foreign extension element kept verbatim).
SPEC_SCT = f"""<wsc:SecurityContextToken wsu:Id="SecurityToken-1" xmlns:wsc="{SC13}" xmlns:wsu="{WSU}">
  <wsc:Identifier>uuid:91f50600-c3ef-4c33-9f34-03d6bd1c3b41</wsc:Identifier>
  <x:Extra xmlns:x="urn:example:ext" a="1">keep<x:deep/></x:Extra>
</wsc:SecurityContextToken>""".encode()

# What WCF (wsHttpBinding, Feb 2005) sends: prefixes c/u, an Instance and its cookie.
WCF_SCT = f"""<c:SecurityContextToken u:Id="uuid-5a7c9b01-7bb7-4c1a-9e4e-0ec4f1f0c6e1-3" xmlns:c="{SC05}" xmlns:u="{WSU}"><c:Identifier>urn:uuid:7f2c8a9e-3f52-4d26-8d7c-2b7e5c1a9f00</c:Identifier><c:Instance>urn:uuid:1b0ba1a4-6d89-4b1e-9b0c-3f4e5d6c7b8a</c:Instance><dnse:Cookie xmlns:dnse="http://schemas.microsoft.com/ws/2006/05/security">AQAAANCMnd8BFdERjHoAwE/Cl+s=</dnse:Cookie></c:SecurityContextToken>""".encode()

# What WCF sends for a derived key: Nonce only (defaults: Offset 0, Length 32, default label).
WCF_DKT = f"""<c:DerivedKeyToken u:Id="_0" xmlns:c="{SC05}" xmlns:u="{WSU}"><o:SecurityTokenReference xmlns:o="{WSSE}"><o:Reference URI="#uuid-5a7c9b01-7bb7-4c1a-9e4e-0ec4f1f0c6e1-3" ValueType="http://schemas.xmlsoap.org/ws/2005/02/sc/sct"/></o:SecurityTokenReference><c:Nonce>AAECAwQFBgcICQoLDA0ODw==</c:Nonce></c:DerivedKeyToken>""".encode()

WCF_DKT_24 = f"""<c:DerivedKeyToken u:Id="_1" xmlns:c="{SC05}" xmlns:u="{WSU}"><o:SecurityTokenReference xmlns:o="{WSSE}"><o:Reference URI="#ctx" ValueType="http://schemas.xmlsoap.org/ws/2005/02/sc/sct"/></o:SecurityTokenReference><c:Offset>0</c:Offset><c:Length>24</c:Length><c:Nonce>EBESExQVFhcYGRobHB0eHw==</c:Nonce></c:DerivedKeyToken>""".encode()

# WS-SecureConversation 1.3, section 7: every field, Generation form.
SPEC_DKT = f"""<wsc:DerivedKeyToken wsu:Id="dk1" Algorithm="{SC13}/dk/p_sha1" xmlns:wsc="{SC13}" xmlns:wsu="{WSU}" xmlns:wsse="{WSSE}">
  <wsse:SecurityTokenReference>
    <wsse:Reference URI="uuid:91f50600-c3ef-4c33-9f34-03d6bd1c3b41" ValueType="{SC13}/sct" wsc:Instance="urn:instance:2"/>
  </wsse:SecurityTokenReference>
  <wsc:Properties>
    <wsc:Name>urn:derivedKeySource</wsc:Name>
    <wsc:Label>NewLabel</wsc:Label>
    <wsc:Nonce>FHFE</wsc:Nonce>
  </wsc:Properties>
  <wsc:Generation>3</wsc:Generation>
  <wsc:Length>16</wsc:Length>
  <wsc:Label>WSSecureConversationWSSecureConversation</wsc:Label>
  <wsc:Nonce>ylN9WZh3lMfn5hbxeF7TXg==</wsc:Nonce>
</wsc:DerivedKeyToken>""".encode()


# ------------------------------------------------------------------ ScVersion

def test_sc_version():
    V = wssx.ScVersion
    assert V.FEB2005 != V.V1_3
    assert V("2005/02") is V.FEB2005 and V("1.3") is V.V1_3 and V("1.4") is V.V1_3
    assert V(V.V1_3) is V.V1_3
    assert V.FEB2005.value == "2005/02" and V.V1_3.value == "1.3"
    assert V.V1_3.name == "V1_3" and V.FEB2005.name == "FEB2005"
    assert str(V.V1_3) == "1.3" and repr(V.FEB2005) == "ScVersion.FEB2005"
    assert V.FEB2005.namespace == SC05 and V.V1_3.namespace == SC13
    assert V.V1_3.sct_token_type == SC13 + "/sct"
    assert V.FEB2005.dk_token_type == SC05 + "/dk"
    assert V.V1_3.p_sha1_algorithm == SC13 + "/dk/p_sha1"
    assert len({V.FEB2005, V.V1_3, V("1.3")}) == 2
    assert pickle.loads(pickle.dumps(V.FEB2005)) is V.FEB2005
    assert V.V1_3 != "1.3"
    with pytest.raises(ValueError):
        V("2099")
    with pytest.raises(TypeError):
        V(13)


# ------------------------------------------------------------------ SecurityContextToken

def test_sct_spec_example_round_trip():
    t = wssx.SecurityContextToken.from_xml(SPEC_SCT)
    assert t.version is wssx.ScVersion.V1_3
    assert t.identifier == "uuid:91f50600-c3ef-4c33-9f34-03d6bd1c3b41"
    assert t.id == "SecurityToken-1"
    assert t.instance is None
    out = t.to_xml()
    assert isinstance(out, bytes)
    assert b'<x:Extra xmlns:x="urn:example:ext" a="1">keep<x:deep/></x:Extra>' in out
    again = wssx.SecurityContextToken.from_xml(out)
    assert again == t and again.to_xml() == out


def test_sct_wcf_feb2005_with_instance():
    t = wssx.SecurityContextToken.from_xml(WCF_SCT)
    assert t.version is wssx.ScVersion.FEB2005
    assert t.identifier == "urn:uuid:7f2c8a9e-3f52-4d26-8d7c-2b7e5c1a9f00"
    assert t.instance == "urn:uuid:1b0ba1a4-6d89-4b1e-9b0c-3f4e5d6c7b8a"
    assert t.id == "uuid-5a7c9b01-7bb7-4c1a-9e4e-0ec4f1f0c6e1-3"
    out = t.to_xml()
    assert SC05.encode() in out and b"AQAAANCMnd8BFdERjHoAwE/Cl+s=" in out
    assert wssx.SecurityContextToken.from_xml(out) == t
    j = json.loads(t.to_json())
    assert j["type"] == "SecurityContextToken" and j["version"] == "2005/02"
    assert j["instance"] == t.instance and len(j["extensions"]) == 1
    assert wssx.inspect(WCF_SCT) == j
    # bytearray input too
    assert wssx.SecurityContextToken.from_xml(bytearray(WCF_SCT)) == t


@pytest.mark.parametrize("version", [wssx.ScVersion.FEB2005, wssx.ScVersion.V1_3, "2005/02", "1.3"])
def test_sct_build_both_namespaces(version):
    t = wssx.SecurityContextToken("urn:uuid:00000000-0000-4000-8000-000000000001", version)
    v = wssx.ScVersion(version)
    assert t.version is v and t.instance is None and t.id is None
    t.instance = "urn:instance:1"
    t.id = "sct-1"
    out = t.to_xml()
    assert v.namespace.encode() in out
    back = wssx.SecurityContextToken.from_xml(out)
    assert back == t
    assert (back.identifier, back.instance, back.id, back.version) == (t.identifier, "urn:instance:1", "sct-1", v)
    t.instance = None
    t.id = None
    assert b"Instance" not in t.to_xml() and b"wsu:Id" not in t.to_xml()
    assert t != back
    other = t.to_version("2005/02" if v is wssx.ScVersion.V1_3 else "1.3")
    assert other.version is not v and other.identifier == t.identifier


def test_sct_generate_repr_eq():
    a = wssx.SecurityContextToken.generate()
    b = wssx.SecurityContextToken.generate(version=wssx.ScVersion.FEB2005)
    assert a.identifier.startswith("urn:uuid:") and len(a.identifier) == 45
    assert a.identifier != b.identifier
    assert a.version is wssx.ScVersion.V1_3 and b.version is wssx.ScVersion.FEB2005
    assert repr(a) == f"SecurityContextToken('{a.identifier}', version=ScVersion.V1_3, instance=None, id=None)"
    c = wssx.SecurityContextToken(a.identifier)
    assert c == a and c != b and a != "not a token"
    with pytest.raises(AttributeError):
        a.identifier = "urn:other"


def test_sct_errors():
    with pytest.raises(wssx.InvalidArgumentError) as ei:
        wssx.SecurityContextToken("not a uri")
    assert ei.value.kind == "InvalidArgument" and isinstance(ei.value, ValueError)
    assert ei.value.path == "wsc:Identifier"
    with pytest.raises(TypeError):
        wssx.SecurityContextToken(42)
    with pytest.raises(TypeError):
        wssx.SecurityContextToken.from_xml(SPEC_SCT.decode())
    with pytest.raises(ValueError):
        wssx.SecurityContextToken("urn:x", "2099")
    with pytest.raises(TypeError):
        wssx.SecurityContextToken("urn:x", 1.3)
    missing = f'<wsc:SecurityContextToken xmlns:wsc="{SC13}"/>'.encode()
    with pytest.raises(wssx.BadContextTokenError) as ei:
        wssx.SecurityContextToken.from_xml(missing)
    assert ei.value.kind == "BadContextToken"
    assert ei.value.fault_code == ("wsc", "BadContextToken")
    assert "SecurityContextToken" in ei.value.path
    wrong_ns = b'<wsc:SecurityContextToken xmlns:wsc="urn:wrong"><wsc:Identifier>urn:a</wsc:Identifier></wsc:SecurityContextToken>'
    with pytest.raises(wssx.BadContextTokenError):
        wssx.SecurityContextToken.from_xml(wrong_ns)
    dup = f'<wsc:SecurityContextToken xmlns:wsc="{SC13}"><wsc:Identifier>urn:a</wsc:Identifier><wsc:Identifier>urn:b</wsc:Identifier></wsc:SecurityContextToken>'.encode()
    with pytest.raises(wssx.InvalidSecurityTokenError):
        wssx.SecurityContextToken.from_xml(dup)
    with pytest.raises(wssx.BadContextTokenError):
        wssx.SecurityContextToken.from_xml(WCF_DKT)


# ------------------------------------------------------------------ DerivedKeyToken

def test_dkt_wcf_defaults_and_derive():
    d = wssx.DerivedKeyToken.from_xml(WCF_DKT)
    assert d.version is wssx.ScVersion.FEB2005
    assert d.id == "_0" and d.algorithm is None and d.label is None
    assert d.nonce == bytes(range(16))
    assert (d.offset, d.length, d.generation) == (None, None, None)
    assert d.reference_uri == "#uuid-5a7c9b01-7bb7-4c1a-9e4e-0ec4f1f0c6e1-3"
    assert d.reference_value_type == SC05 + "/sct"
    assert d.reference_instance is None and d.properties is None
    secret = bytes(range(100, 132))
    assert d.derive(secret) == derive(secret, DEFAULT_LABEL, bytes(range(16)), 0, 32)
    back = wssx.DerivedKeyToken.from_xml(d.to_xml())
    assert back == d and back.derive(secret) == d.derive(secret)

    d24 = wssx.DerivedKeyToken.from_xml(WCF_DKT_24)
    assert (d24.offset, d24.length) == (0, 24)
    assert d24.derive(secret) == derive(secret, DEFAULT_LABEL, bytes(range(16, 32)), 0, 24)


def test_dkt_spec_example():
    d = wssx.DerivedKeyToken.from_xml(SPEC_DKT)
    assert d.version is wssx.ScVersion.V1_3 and d.id == "dk1"
    assert d.algorithm == SC13 + "/dk/p_sha1"
    assert (d.generation, d.offset, d.length) == (3, None, 16)
    assert d.label == "WSSecureConversationWSSecureConversation"
    assert d.reference_uri == "uuid:91f50600-c3ef-4c33-9f34-03d6bd1c3b41"
    assert d.reference_instance == "urn:instance:2"
    assert d.properties == {"name": "urn:derivedKeySource", "label": "NewLabel", "nonce": base64.b64decode("FHFE")}
    nonce = base64.b64decode("ylN9WZh3lMfn5hbxeF7TXg==")
    assert d.nonce == nonce
    secret = b"spec secret"
    # Generation: offset = generation * length
    assert d.derive(secret) == derive(secret, d.label, nonce, 3 * 16, 16)
    assert wssx.DerivedKeyToken.from_xml(d.to_xml()) == d
    j = wssx.inspect(SPEC_DKT)
    assert j["type"] == "DerivedKeyToken" and j["generation"] == 3 and j["nonce"] == "ylN9WZh3lMfn5hbxeF7TXg=="
    assert j["reference"]["instance"] == "urn:instance:2" and j["properties"]["name"] == "urn:derivedKeySource"
    assert json.loads(d.to_json()) == j


@pytest.mark.parametrize("generation,length", [(0, 32), (1, 32), (2, 24), (5, 20), (7, 17), (100, 40)])
def test_dkt_generation(generation, length):
    sct = wssx.SecurityContextToken("urn:uuid:gen")
    sct.id = "ctx"
    d = wssx.DerivedKeyToken.for_context(sct, length=length)
    d.generation = generation
    secret = b"generation secret"
    want = derive(secret, DEFAULT_LABEL, d.nonce, generation * length, length)
    assert d.derive(secret) == want
    back = wssx.DerivedKeyToken.from_xml(d.to_xml())
    assert back.generation == generation and back.derive(secret) == want
    d.offset = 1  # Generation and Offset together are refused
    with pytest.raises(wssx.InvalidSecurityTokenError):
        d.derive(secret)


@pytest.mark.parametrize("version", ["2005/02", "1.3"])
def test_dkt_for_context(version):
    sct = wssx.SecurityContextToken.generate(version)
    v = sct.version
    with pytest.raises(ValueError):
        wssx.DerivedKeyToken.for_context(sct)  # no wsu:Id to reference
    sct.id = "ctx-1"
    sct.instance = "urn:instance:7"
    d = wssx.DerivedKeyToken.for_context(sct)
    assert d.version is v
    assert d.reference_uri == "#ctx-1" and d.reference_value_type == v.sct_token_type
    assert len(d.nonce) == wssx.DEFAULT_NONCE_LENGTH
    assert d.length is None and d.offset is None and d.label is None  # WCF omits Length 32
    e = wssx.DerivedKeyToken.for_context(sct, by="identifier", length=24)
    assert e.reference_uri == sct.identifier and e.reference_instance == "urn:instance:7"
    assert e.length == 24 and e.nonce != d.nonce
    f = wssx.DerivedKeyToken.for_context(sct, version=wssx.ScVersion.V1_3)
    assert f.version is wssx.ScVersion.V1_3
    for tok in (d, e, f):
        back = wssx.DerivedKeyToken.from_xml(tok.to_xml())
        assert back == tok
        secret = b"ctx secret"
        assert back.derive(secret) == derive(secret, DEFAULT_LABEL, tok.nonce, 0, tok.length or 32)
    with pytest.raises(ValueError):
        wssx.DerivedKeyToken.for_context(sct, by="name")
    with pytest.raises(TypeError):
        wssx.DerivedKeyToken.for_context("not an sct")
    with pytest.raises(TypeError):
        wssx.DerivedKeyToken.for_context(sct, "identifier")  # by is keyword-only


def test_dkt_setters_and_repr():
    d = wssx.DerivedKeyToken.from_xml(WCF_DKT)
    d.label = "custom"
    d.nonce = bytearray(b"\x01\x02")
    d.offset = 40
    d.length = 21
    d.id = "dk-9"
    d.algorithm = SC05 + "/dk/p_sha1"
    assert (d.label, d.nonce, d.offset, d.length, d.id) == ("custom", b"\x01\x02", 40, 21, "dk-9")
    assert d.derive(b"s") == derive(b"s", "custom", b"\x01\x02", 40, 21)
    back = wssx.DerivedKeyToken.from_xml(d.to_xml())
    assert back == d
    assert repr(d) == ("DerivedKeyToken(id='dk-9', version=ScVersion.FEB2005, "
                       "reference='#uuid-5a7c9b01-7bb7-4c1a-9e4e-0ec4f1f0c6e1-3', label='custom', "
                       "offset=40, length=21, generation=None)")
    for name in ("label", "nonce", "offset", "length", "id", "algorithm", "generation"):
        setattr(d, name, None)
        assert getattr(d, name) is None
    with pytest.raises(wssx.InvalidSecurityTokenError):
        d.derive(b"s")  # no nonce at all
    assert d.derive(b"s", nonce=b"policy nonce") == derive(b"s", DEFAULT_LABEL, b"policy nonce", 0, 32)
    with pytest.raises(ValueError):
        d.offset = -1
    with pytest.raises(OverflowError):
        d.length = 2**64
    with pytest.raises(TypeError):
        d.generation = "3"
    with pytest.raises(TypeError):
        d.nonce = "text"
    with pytest.raises(TypeError):
        d.label = b"bytes"
    with pytest.raises(AttributeError):
        d.reference_uri = "#other"


def test_dkt_derive_options():
    d = wssx.DerivedKeyToken.from_xml(WCF_DKT)
    s = b"secret"
    n = bytes(range(16))
    # receiver defaults apply only where the token is silent
    assert d.derive(s, label="L", length=48) == derive(s, "L", n, 0, 48)
    assert d.derive(s, nonce=b"ignored: the token has one") == derive(s, DEFAULT_LABEL, n, 0, 32)
    # limits
    d.offset = 5000
    with pytest.raises(wssx.LimitExceededError) as ei:
        d.derive(s)
    assert ei.value.kind == "LimitExceeded" and "wsc:DerivedKeyToken" in ei.value.path
    assert d.derive(s, max_offset=5000) == derive(s, DEFAULT_LABEL, n, 5000, 32)
    d.offset = 0
    with pytest.raises(wssx.LimitExceededError):
        d.derive(s, max_length=31)
    with pytest.raises(wssx.LimitExceededError):
        d.derive(s, max_nonce=15)
    with pytest.raises(wssx.LimitExceededError):
        d.derive(s, max_label=10)
    assert d.derive(s, max_label=42) == derive(s, DEFAULT_LABEL, n, 0, 32)
    d.length = 2000
    with pytest.raises(wssx.LimitExceededError):
        d.derive(s)
    assert len(d.derive(s, max_length=2000)) == 2000
    d.length = 0
    with pytest.raises(wssx.InvalidArgumentError):
        d.derive(s)
    d.length = None
    d.offset = None
    d.generation = 2**63  # generation * length overflows
    with pytest.raises(wssx.LimitExceededError):
        d.derive(s)
    d.generation = None
    d.offset = 2**64 - 1
    with pytest.raises(wssx.LimitExceededError):
        d.derive(s)
    d.offset = None
    d.algorithm = "urn:not-p_sha1"
    with pytest.raises(wssx.InvalidSecurityTokenError):
        d.derive(s)
    with pytest.raises(TypeError):
        d.derive("secret")
    with pytest.raises(TypeError):
        d.derive(s, 32)  # options are keyword-only
    with pytest.raises(ValueError):
        d.derive(s, max_offset=-1)


def test_dkt_key_identifier_source():
    x = f"""<wsc:DerivedKeyToken xmlns:wsc="{SC13}" xmlns:wsse="{WSSE}"><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKeySHA1">c2hhMQ==</wsse:KeyIdentifier></wsse:SecurityTokenReference><wsc:Nonce>AAAA</wsc:Nonce></wsc:DerivedKeyToken>""".encode()
    d = wssx.DerivedKeyToken.from_xml(x)
    assert d.reference_uri is None
    with pytest.raises(wssx.UnknownDerivationSourceError) as ei:
        d.derive(b"k")
    assert ei.value.fault_code == ("wsc", "UnknownDerivationSource")
    assert d.derive(b"k", allow_key_identifier=True) == derive(b"k", DEFAULT_LABEL, b"\0\0\0", 0, 32)
    assert wssx.inspect(x)["reference"] is None


def test_dkt_malformed_fields():
    for bad in ["<wsc:Offset>-1</wsc:Offset>", "<wsc:Length>x</wsc:Length>", "<wsc:Nonce>!!</wsc:Nonce>",
                "<wsc:Generation>1</wsc:Generation><wsc:Offset>2</wsc:Offset>",
                "<wsc:Nonce>AA==</wsc:Nonce><wsc:Nonce>AA==</wsc:Nonce>",
                "<wsc:Offset>99999999999999999999999</wsc:Offset>"]:
        x = f'<wsc:DerivedKeyToken xmlns:wsc="{SC13}">{bad}</wsc:DerivedKeyToken>'.encode()
        with pytest.raises(wssx.InvalidSecurityTokenError) as ei:
            wssx.DerivedKeyToken.from_xml(x)
        assert ei.value.path.startswith("wsc:DerivedKeyToken"), bad
        assert str(ei.value).startswith(ei.value.path + ": ")
    with pytest.raises(wssx.InvalidSecurityTokenError):
        wssx.DerivedKeyToken.from_xml(SPEC_SCT)


# ------------------------------------------------------------------ inspect

def test_inspect_reference():
    x = f"""<wsse:SecurityTokenReference xmlns:wsse="{WSSE}" xmlns:wsc="{SC05}" wsc:Nonce="AAECAw==" wsc:Length="24"><wsse:Reference URI="urn:uuid:ctx" ValueType="{SC05}/sct"/></wsse:SecurityTokenReference>""".encode()
    j = wssx.inspect(x)
    assert j["type"] == "SecurityTokenReference"
    assert j["reference"]["uri"] == "urn:uuid:ctx" and j["nonce"] == "AAECAw==" and j["length"] == 24


def test_inspect_errors():
    with pytest.raises(wssx.InvalidSecurityTokenError):
        wssx.inspect(b"<notatoken/>")
    with pytest.raises(wssx.MalformedXmlError):
        wssx.inspect(b"")
    with pytest.raises(TypeError):
        wssx.inspect("<str/>")
