"""The WS-Trust message model: RST, RSTR, RSTRC, SecurityTokenReference, Envelope, Fault,
TrustVersion and trust_inspect, against the spec and peer fixtures of core's test suite and
messages built from scratch."""

import glob
import os
import pickle
from datetime import datetime, timedelta, timezone

import pytest

import wssx

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "core", "tests", "fixtures", "trust"))
ALL_FIXTURES = sorted(glob.glob(os.path.join(FIXTURES, "*", "*.xml")))

FEB_NS = "http://schemas.xmlsoap.org/ws/2005/02/trust"
OASIS_NS = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
NS14 = "http://docs.oasis-open.org/ws-sx/ws-trust/200802"
SC_FEB = "http://schemas.xmlsoap.org/ws/2005/02/sc"
SC_13 = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
XENC = "http://www.w3.org/2001/04/xmlenc#"

CLASSES = {
    "RequestSecurityToken": wssx.RequestSecurityToken,
    "RequestSecurityTokenResponse": wssx.RequestSecurityTokenResponse,
    "RequestSecurityTokenResponseCollection": wssx.RequestSecurityTokenResponseCollection,
}
VERSIONS = ["2005/02", "1.3", "1.4"]


def load(rel):
    with open(os.path.join(FIXTURES, rel), "rb") as f:
        return f.read()


def fid(path):
    return os.path.relpath(path, FIXTURES)


def root_name(xml):
    """Local name of the document element (without a parser of our own)."""
    import xml.etree.ElementTree as ET

    tag = ET.fromstring(xml).tag
    return tag.split("}", 1)[1] if "}" in tag else tag


def strip_version(d):
    """A to_dict() without what conversion changes on purpose: the version keys, and the
    WS-SC namespace inside URIs kept as written (reference ValueTypes)."""
    if isinstance(d, dict):
        return {k: strip_version(v) for k, v in d.items() if k != "version"}
    if isinstance(d, list):
        return [strip_version(x) for x in d]
    if isinstance(d, str):
        return d.replace(SC_FEB, SC_13)
    return d


# ------------------------------------------------------------------------------------------
# Every fixture


def test_fixture_corpus_is_there():
    assert len(ALL_FIXTURES) >= 55, FIXTURES
    for sub in ("feb2005", "sc13", "peer"):
        assert any(fid(p).startswith(sub + os.sep) for p in ALL_FIXTURES), sub


def message_of(xml):
    """The typed message (or fault / other) of a fixture, by document element."""
    name = root_name(xml)
    if name in CLASSES:
        return CLASSES[name].from_xml(xml)
    assert name == "Envelope", name
    env = wssx.Envelope.from_xml(xml)
    if env.fault is not None:
        return env.fault
    try:
        return env.message()
    except wssx.InvalidRequestError:
        return None  # an envelope without a modeled trust message (IssuedTokens, app payload)


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=fid)
def test_fixture_parses_and_writes_back(path):
    with open(path, "rb") as f:
        xml = f.read()
    # inspect describes it whatever it is
    d = wssx.trust_inspect(xml)
    assert isinstance(d, dict) and d["type"]
    name = root_name(xml)
    if name == "Envelope":
        env = wssx.Envelope.from_xml(xml)
        written = env.to_xml()
        again = wssx.Envelope.from_xml(written)
        assert again.to_dict() == env.to_dict()
        # Kept XML carries its namespace declarations after the first write: from there on
        # the values are equal and the bytes stable.
        assert wssx.Envelope.from_xml(again.to_xml()) == again
        assert again.to_xml() == written, "writing is deterministic"
        assert again.headers == env.headers and again.body == env.body
        assert (again.action, again.message_id, again.to, again.relates_to) == (env.action, env.message_id, env.to, env.relates_to)
        assert env.soap_version == ("1.1" if SOAP11.encode() in xml[:300] else "1.2")
    m = message_of(xml)
    if m is None:
        return
    written = m.to_xml()
    back = type(m).from_xml(written)
    assert back.to_dict() == m.to_dict()
    assert type(m).from_xml(back.to_xml()) == back
    assert back.to_xml() == written
    if not isinstance(m, wssx.Fault):
        assert back.version == m.version
        # the typed values survive the trip (spot-check the shared parameters)
        if not isinstance(m, wssx.RequestSecurityTokenResponseCollection):
            for attr in ("context", "token_type", "key_size", "key_type", "lifetime", "entropy", "entropy_type",
                         "entropy_xml", "computed_key_algorithm", "applies_to", "claims", "claims_dialect", "extensions"):
                assert getattr(back, attr) == getattr(m, attr), attr


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=fid)
def test_fixture_converts_to_every_version_and_back(path):
    with open(path, "rb") as f:
        m = message_of(f.read())
    if m is None or isinstance(m, wssx.Fault):
        return
    home = m.version
    for v in VERSIONS:
        there = m.convert(v)
        assert there.version == wssx.TrustVersion(v)
        assert strip_version(there.to_dict()) == strip_version(m.to_dict())
        # through the wire form too
        wire = m.to_xml(v)
        parsed = type(m).from_xml(wire)
        if v == "2005/02" and home.value != "2005/02":
            assert FEB_NS.encode() in wire
        elif v != "2005/02" and home.value == "2005/02":
            assert OASIS_NS.encode() in wire and FEB_NS.encode() not in wire.split(b">", 1)[0]
        back = parsed.convert(home)
        assert strip_version(back.to_dict()) == strip_version(m.to_dict()), v
        assert back.convert(home).to_xml() == back.to_xml()


# ------------------------------------------------------------------------------------------
# Typed values of particular fixtures


def test_wcf_feb2005_request():
    rst = wssx.RequestSecurityToken.from_xml(load("peer/wcf-feb2005-sct-rst.xml"))
    assert rst.version is wssx.TrustVersion.FEB2005
    assert rst.request_type == "Issue"
    assert rst.request_type_uri == FEB_NS + "/Issue"
    assert rst.token_type == "SecurityContextToken"
    assert rst.token_type_uri == SC_FEB + "/sct"
    assert rst.key_size == 256
    assert rst.entropy_type == "Nonce" and len(rst.entropy) == 32
    assert rst.entropy_xml is None
    assert rst.context == "uuid-6f1b9c2e-3a4d-4e5f-9a7b-1c2d3e4f5a6b-1"
    assert rst.renew_target is None and rst.cancel_target is None
    # to 1.3: every URI maps
    r13 = rst.convert("1.3")
    assert r13.request_type_uri == OASIS_NS + "/Issue"
    assert r13.token_type_uri == SC_13 + "/sct"
    xml = r13.to_xml()
    assert OASIS_NS + "/Nonce" in xml.decode() and FEB_NS not in xml.decode()
    assert rst.to_xml("1.3") == xml


def test_wcf_feb2005_response():
    r = wssx.RequestSecurityTokenResponse.from_xml(load("peer/wcf-feb2005-sct-rstr.xml"))
    sct = r.requested_token
    assert isinstance(sct, wssx.SecurityContextToken)
    assert sct.identifier == "urn:uuid:3d7c2e1f-8b9a-4c5d-a6e7-f8091a2b3c4d"
    assert sct.version is wssx.ScVersion.FEB2005
    assert r.proof == "PSHA1" and r.proofs == ["PSHA1"]
    assert len(r.entropy) == 32 and r.entropy_type == "Nonce"
    created, expires = r.lifetime
    assert created == datetime(2026, 3, 1, 8, 15, 42, 227000, tzinfo=timezone.utc)
    assert expires - created == timedelta(hours=15)
    assert r.key_size == 256
    att, unatt = r.attached_reference, r.unattached_reference
    assert isinstance(att, wssx.SecurityTokenReference)
    assert att.uri == "#uuid-0aa1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b-6" and att.identifier is None
    assert unatt.identifier == sct.identifier and unatt.value_type == SC_FEB + "/sct"
    assert not r.cancelled and r.status is None
    # the typed SCT moves to WS-SC 1.3 with the message
    r13 = r.convert("1.3")
    assert r13.requested_token.version is wssx.ScVersion.V1_3
    assert r13.unattached_reference.value_type == SC_13 + "/sct"
    assert r13.to_dict()["requestedProofTokens"] == [{"type": "ComputedKey", "algorithm": "PSHA1"}]


def test_wcf_13_collection_and_secondary_parameters():
    c = wssx.RequestSecurityTokenResponseCollection.from_xml(load("peer/wcf-1.3-sct-rstrc.xml"))
    assert c.version is wssx.TrustVersion.V1_3 and len(c) == 1
    assert isinstance(c[0].requested_token, wssx.SecurityContextToken)
    assert [r.context for r in c] == [c[-1].context]
    rst = wssx.RequestSecurityToken.from_xml(load("peer/wcf-1.3-issue-rst-secondary-parameters.xml"))
    assert rst.applies_to == "https://service.example.org/Orders.svc"
    assert "EndpointReference" in rst.applies_to_xml
    assert rst.key_type == "SymmetricKey" and rst.key_type_uri == OASIS_NS + "/SymmetricKey"
    assert rst.claims_dialect == "http://schemas.xmlsoap.org/ws/2005/05/identity"
    assert rst.claims.count("ClaimType") == 2
    assert rst.computed_key_algorithm == "PSHA1"
    sp = rst.to_dict()["secondaryParameters"]
    assert sp["keyWrapAlgorithm"].endswith("rsa-oaep-mgf1p")
    assert wssx.RequestSecurityToken.from_xml(rst.to_xml("2005/02")).to_dict()["secondaryParameters"] == sp


def test_spec_examples():
    r = wssx.RequestSecurityTokenResponse.from_xml(load("feb2005/wst-06.2.6-rstr-unencrypted-secret.xml"))
    assert isinstance(r.proof, bytes) and len(r.proof) == 25
    r = wssx.RequestSecurityTokenResponse.from_xml(load("feb2005/wst-06.2.5-rstr-encrypted-secret.xml"))
    assert r.proof.startswith("<xenc:EncryptedKey") and XENC in r.proof
    assert r.requested_token.startswith("<xyz:CustomToken")
    c = wssx.RequestSecurityTokenResponseCollection.from_xml(load("feb2005/wst-06.3.2-rstrc-two-proofs.xml"))
    assert len(c) == 2 and c.version is wssx.TrustVersion.FEB2005
    r = wssx.RequestSecurityTokenResponse.from_xml(load("feb2005/wst-09-validate-status-response.xml"))
    assert r.status == ("valid", None) and r.token_type == "Status"
    assert r.status_uri == FEB_NS + "/status/valid"
    assert r.convert("1.3").status_uri == OASIS_NS + "/status/valid"
    env = wssx.Envelope.from_xml(load("feb2005/wst-08-cancel-response.xml"))
    assert env.message().cancelled
    rst = wssx.RequestSecurityToken.from_xml(load("feb2005/wst-08-cancel-request.xml"))
    assert rst.request_type == "Cancel" and rst.cancel_target is not None
    rst = wssx.RequestSecurityToken.from_xml(load("sc13/wsc-05-renew-request.xml"))
    assert rst.request_type == "Renew"
    assert isinstance(rst.renew_target, wssx.SecurityTokenReference) and rst.renew_target.uri == "#sct"
    assert rst.lifetime == (None, datetime(2006, 3, 1, 12, tzinfo=timezone.utc))
    env = wssx.Envelope.from_xml(load("sc13/wsc-05-renew-request.xml"))
    assert env.action == OASIS_NS + "/RST/SCT/Renew"
    assert any("Security" in h for h in env.headers)
    assert "securityTokens" in wssx.trust_inspect(load("sc13/wsc-05-renew-request.xml"))
    r = wssx.RequestSecurityToken.from_xml(load("peer/wif-1.4-actas-rst.xml"))
    assert r.version is wssx.TrustVersion.V1_4
    assert "actAs" in r.to_dict()
    # the 1.4 element stays in the 1.4 namespace in any version
    assert NS14 in r.to_xml("2005/02").decode()


def test_issued_tokens_header_is_described_not_modeled():
    xml = load("feb2005/wst-06.4-issued-tokens.xml")
    env = wssx.Envelope.from_xml(xml)
    with pytest.raises(wssx.InvalidRequestError, match="trust_inspect"):
        env.message()
    d = wssx.trust_inspect(xml)
    assert d["issuedTokens"][0]["type"] == "IssuedTokens"


# ------------------------------------------------------------------------------------------
# TrustVersion


def test_trust_version():
    tv = wssx.TrustVersion
    assert [m.value for m in (tv.FEB2005, tv.V1_3, tv.V1_4)] == VERSIONS
    for m in (tv.FEB2005, tv.V1_3, tv.V1_4):
        assert tv(m.value) is m and tv(m) is m and str(m) == m.value
        assert pickle.loads(pickle.dumps(m)) is m
        assert repr(m) == f"TrustVersion.{m.name}"
    assert tv("feb2005") is tv.FEB2005 and tv("200512") is tv.V1_3
    assert tv.V1_4.namespace == NS14 and tv.V1_4.core_namespace == OASIS_NS
    assert tv.FEB2005.sc_version is wssx.ScVersion.FEB2005 and tv.V1_4.sc_version is wssx.ScVersion.V1_3
    assert tv.FEB2005.action("RST/SCT") == FEB_NS + "/RST/SCT"
    assert tv.V1_3.action("RSTRC/IssueFinal") == OASIS_NS + "/RSTRC/IssueFinal"
    assert tv.V1_3.action("RST/SCT/Amend") == OASIS_NS + "/RST/SCT/Amend"
    with pytest.raises(ValueError, match="RST/SCT"):
        tv.V1_3.action("RST/Nope")
    with pytest.raises(ValueError):
        tv("2.0")
    with pytest.raises(TypeError):
        tv(13)
    assert len({tv.FEB2005, tv("2005/02"), tv.V1_3}) == 2


# ------------------------------------------------------------------------------------------
# Building messages from scratch


def test_build_issue_request_in_every_version():
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    for v in VERSIONS:
        rst = wssx.RequestSecurityToken(
            "Issue", version=v, context="ctx-1", token_type="SecurityContextToken", key_size=256,
            key_type="SymmetricKey", lifetime=(created, created + timedelta(hours=1)), entropy=b"e" * 32,
            computed_key_algorithm="PSHA1", applies_to="https://rp.example.org/",
            claims='<c:Claim xmlns:c="urn:claims">name</c:Claim><c:Claim xmlns:c="urn:claims">role</c:Claim>',
            claims_dialect="urn:dialect", extensions=['<x:Ext xmlns:x="urn:x" a="1"/>'],
        )
        assert rst.version.value == v and rst.entropy_type == "Nonce"
        xml = rst.to_xml()
        s = xml.decode()
        ns = FEB_NS if v == "2005/02" else OASIS_NS
        sc = SC_FEB if v == "2005/02" else SC_13
        assert f'xmlns:wst="{ns}"' in s
        for needle in (ns + "/Issue", sc + "/sct", ns + "/SymmetricKey", ns + "/CK/PSHA1", ns + "/Nonce",
                       "2026-01-02T03:04:05Z", "2026-01-02T04:04:05Z", "https://rp.example.org/", 'Dialect="urn:dialect"',
                       '<x:Ext xmlns:x="urn:x" a="1"/>', 'Context="ctx-1"'):
            assert needle in s, (v, needle)
        back = wssx.RequestSecurityToken.from_xml(xml)
        # a 1.4 message without 1.4 elements reads as 1.3 (same namespace)
        assert back.version.value == ("1.3" if v == "1.4" else v)
        assert back.convert(v) == rst and strip_version(back.to_dict()) == strip_version(rst.to_dict())
        assert back.lifetime == (created, created + timedelta(hours=1))
        assert back.claims.count("<c:Claim") == 2
        assert back.extensions == ['<x:Ext xmlns:x="urn:x" a="1"/>']
        assert back.applies_to == "https://rp.example.org/"
        wsa = "2004/08" if v == "2005/02" else "2005/08"
        assert ("http://schemas.xmlsoap.org/ws/2004/08/addressing" if wsa == "2004/08" else "http://www.w3.org/2005/08/addressing") in back.applies_to_xml


def test_setters_and_targets():
    rst = wssx.RequestSecurityToken("Renew", version="2005/02")
    sct = wssx.SecurityContextToken("urn:uuid:11111111-2222-4333-8444-555555555555", "2005/02")
    sct.instance = "urn:inst:1"
    # an identifier string becomes a reference by Identifier in the message's SC version
    rst.renew_target = sct.identifier
    t = rst.renew_target
    assert isinstance(t, wssx.SecurityTokenReference)
    assert t.identifier == sct.identifier and t.value_type == SC_FEB + "/sct" and t.instance is None
    # an SCT object
    rst.cancel_target = sct
    assert rst.cancel_target == sct
    # an STR object
    str_ = wssx.SecurityTokenReference.for_context(sct)
    assert str_.instance == "urn:inst:1"
    rst.validate_target = str_
    assert rst.validate_target == str_
    # XML
    rst.renew_target = b'<x:Token xmlns:x="urn:x">t</x:Token>'
    assert rst.renew_target == '<x:Token xmlns:x="urn:x">t</x:Token>'
    rst.renew_target = '<wsse:SecurityTokenReference xmlns:wsse="%s"><wsse:Reference URI="#a"/></wsse:SecurityTokenReference>' % WSSE
    assert rst.renew_target.uri == "#a"
    rst.renew_target = None
    assert rst.renew_target is None
    back = wssx.RequestSecurityToken.from_xml(rst.to_xml())
    assert back.cancel_target == sct and back.validate_target == str_
    # table names and URIs
    rst.request_type = OASIS_NS + "/Validate"
    assert rst.request_type == "Validate" and rst.request_type_uri == FEB_NS + "/Validate"
    rst.request_type = "urn:custom:op"
    assert rst.request_type == "urn:custom:op" and rst.request_type_uri == "urn:custom:op"
    rst.token_type = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0"
    assert rst.token_type.endswith("SAMLV2.0")
    rst.key_type = "Bearer"
    assert rst.key_type_uri == "http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey"
    assert rst.convert("1.3").key_type_uri == OASIS_NS + "/Bearer"
    for bad in ("request_type", "token_type", "key_type", "computed_key_algorithm", "entropy_type"):
        with pytest.raises(ValueError):
            setattr(rst, bad, "NotAName")
    with pytest.raises(ValueError, match="required"):
        rst.request_type = None
    # entropy forms
    with pytest.raises(ValueError, match="entropy"):
        rst.entropy_type = "Nonce"
    rst.entropy = bytearray(b"k" * 16)
    rst.entropy_type = "SymmetricKey"
    rst.entropy = b"j" * 16  # keeps the type
    assert rst.entropy_type == "SymmetricKey"
    rst.entropy_type = None
    assert rst.entropy_type is None and rst.entropy == b"j" * 16
    ek = f'<xenc:EncryptedKey xmlns:xenc="{XENC}"><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>'
    rst.entropy_xml = ek
    assert rst.entropy is None and rst.entropy_xml == ek
    assert wssx.RequestSecurityToken.from_xml(rst.to_xml()).entropy_xml == ek
    rst.entropy = None
    assert rst.entropy_xml is None
    # lifetime forms
    rst.lifetime = 3600
    c, e = rst.lifetime
    assert e - c == timedelta(hours=1) and abs(c - datetime.now(timezone.utc)) < timedelta(seconds=5)
    rst.lifetime = (None, 0)
    assert rst.lifetime == (None, datetime(1970, 1, 1, tzinfo=timezone.utc))
    rst.lifetime = (datetime(2026, 1, 1), None)  # naive = UTC
    assert rst.lifetime == (datetime(2026, 1, 1, tzinfo=timezone.utc), None)
    with pytest.raises(wssx.InvalidTimeRangeError):
        rst.lifetime = (10, 5)
    with pytest.raises(TypeError):
        rst.lifetime = "tomorrow"
    with pytest.raises(ValueError):
        rst.lifetime = (1, 2, 3)
    rst.lifetime = None
    assert rst.lifetime is None
    # claims and applies_to
    rst.claims_dialect = "urn:d"
    assert rst.claims == "" and rst.claims_dialect == "urn:d"
    rst.claims = b'<a xmlns="urn:a"/>'
    assert rst.claims == '<a xmlns="urn:a"/>' and rst.claims_dialect == "urn:d"
    rst.claims = None
    assert rst.claims is None and rst.claims_dialect is None
    with pytest.raises(ValueError, match="AppliesTo"):
        rst.applies_to_xml = "<x/>"
    rst.applies_to_xml = '<wsp:AppliesTo xmlns:wsp="http://www.w3.org/ns/ws-policy"><s:Scope xmlns:s="urn:s"/></wsp:AppliesTo>'
    assert rst.applies_to is None and "urn:s" in rst.applies_to_xml
    with pytest.raises(TypeError, match="list"):
        rst.extensions = "<x/>"
    with pytest.raises(TypeError):
        rst.renew_target = 42
    with pytest.raises(wssx.MalformedXmlError):
        rst.extensions = ["<unclosed>"]
    assert "RequestSecurityToken('urn:custom:op'" in repr(rst)


def test_build_response_forms():
    sct = wssx.SecurityContextToken.generate("1.3")
    sct.id = "sct-1"
    r = wssx.RequestSecurityTokenResponse(
        version="1.3", context="c", token_type="SecurityContextToken", requested_token=sct, proof="PSHA1",
        entropy=b"i" * 32, lifetime=600, key_size=256,
        attached_reference=wssx.SecurityTokenReference.for_context(sct, by="id"),
        unattached_reference=wssx.SecurityTokenReference.for_identifier(sct.identifier),
    )
    back = wssx.RequestSecurityTokenResponse.from_xml(r.to_xml())
    assert back.to_dict() == r.to_dict()
    assert wssx.RequestSecurityTokenResponse.from_xml(back.to_xml()) == back
    assert back.requested_token == sct and back.proof == "PSHA1"
    assert back.attached_reference.uri == "#sct-1" and back.unattached_reference.identifier == sct.identifier
    feb = wssx.RequestSecurityTokenResponse.from_xml(r.to_xml("2005/02"))
    assert feb.requested_token.version is wssx.ScVersion.FEB2005
    assert feb.unattached_reference.value_type == SC_FEB + "/sct"
    # proof forms
    r.proof = b"k" * 32
    assert r.proof == b"k" * 32 and "BinarySecret" in r.to_xml().decode()
    assert wssx.RequestSecurityTokenResponse.from_xml(r.to_xml()).proof == b"k" * 32
    ek = f'<xenc:EncryptedKey xmlns:xenc="{XENC}" Id="k"/>'
    r.proof = ek
    assert r.proof == ek
    r.proof = FEB_NS + "/CK/HASH"
    assert r.proof == "HASH"
    ref = wssx.SecurityTokenReference.for_id("proof-1")
    r.proof = ref
    assert r.proof == ref
    r.proof = f'<wst:BinarySecret xmlns:wst="{OASIS_NS}">AAECAwQFBgcICQoLDA0ODw==</wst:BinarySecret>'
    assert r.proof == bytes(range(16))
    r.proof = None
    assert r.proof is None and r.proofs == []
    with pytest.raises(ValueError):
        r.proof = "NOPE"
    with pytest.raises(TypeError):
        r.proof = 3
    # status and cancelled
    r.status = ("invalid", "expired")
    assert r.status == ("invalid", "expired") and r.status_uri == OASIS_NS + "/status/invalid"
    r.status = True
    assert r.status == ("valid", None)
    r.status = FEB_NS + "/status/invalid"
    assert r.status == ("invalid", None)
    r.status = None
    assert r.status is None
    r.cancelled = True
    assert "RequestedTokenCancelled" in r.to_xml().decode()
    assert "cancelled=True" in repr(r)
    # the collection is list-like
    a = wssx.RequestSecurityTokenResponse(context="a")
    b = wssx.RequestSecurityTokenResponse(context="b")
    c = wssx.RequestSecurityTokenResponseCollection([a])
    c.append(b)
    assert len(c) == 2 and [x.context for x in c] == ["a", "b"] and c[-1] == b
    c[0] = b
    assert c[0].context == "b"
    del c[0]
    assert len(c) == 1 and c.responses == [b]
    with pytest.raises(IndexError):
        c[5]
    parsed = wssx.RequestSecurityTokenResponseCollection.from_xml(c.to_xml())
    assert parsed == c and parsed.convert("2005/02").version is wssx.TrustVersion.FEB2005
    assert "RequestSecurityTokenResponseCollection" in c.to_xml().decode()
    assert wssx.RequestSecurityTokenResponseCollection([], version="2005/02").version is wssx.TrustVersion.FEB2005
    with pytest.raises(TypeError):
        wssx.RequestSecurityTokenResponseCollection([1])


def test_security_token_reference():
    s = wssx.SecurityTokenReference.for_identifier("urn:ctx", "urn:i", version="2005/02")
    assert (s.uri, s.instance, s.value_type) == ("urn:ctx", "urn:i", SC_FEB + "/sct")
    back = wssx.SecurityTokenReference.from_xml(s.to_xml())
    assert back == s and back.identifier == "urn:ctx"
    assert wssx.SecurityTokenReference.for_id("#x").uri == "#x"
    sct = wssx.SecurityContextToken.generate()
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.SecurityTokenReference.for_context(sct, by="id")
    with pytest.raises(ValueError):
        wssx.SecurityTokenReference.for_context(sct, by="name")
    assert '"type":"SecurityTokenReference"' in s.to_json()
    with pytest.raises(wssx.InvalidSecurityTokenError):
        wssx.SecurityTokenReference.from_xml(b"<x/>")


# ------------------------------------------------------------------------------------------
# Envelopes


@pytest.mark.parametrize("soap", ["1.1", "1.2"])
@pytest.mark.parametrize("v", ["2005/02", "1.3"])
def test_wrap_and_read_envelopes(soap, v):
    ns = FEB_NS if v == "2005/02" else OASIS_NS
    rst = wssx.RequestSecurityToken("Issue", version=v, token_type="SecurityContextToken")
    env = wssx.Envelope.wrap(rst, soap_version=soap, to="https://sts.example.org/")
    assert env.soap_version == soap and env.addressing == "2005/08"
    assert env.action == ns + "/RST/SCT" and env.to == "https://sts.example.org/"
    assert env.message_id.startswith("urn:uuid:") and env.reply_to == "http://www.w3.org/2005/08/addressing/anonymous"
    wire = env.to_xml()
    assert (SOAP11 if soap == "1.1" else SOAP12).encode() in wire
    if soap == "1.1":
        assert env.content_type == "text/xml; charset=utf-8" and env.soap_action == f'"{ns}/RST/SCT"'
    else:
        assert env.content_type == f'application/soap+xml; charset=utf-8; action="{ns}/RST/SCT"' and env.soap_action is None
    read = wssx.Envelope.from_xml(wire)
    assert read.to_dict() == env.to_dict() and read.message() == rst
    assert wssx.Envelope.from_xml(read.to_xml()) == read
    assert wssx.RequestSecurityToken.from_xml(wire) == rst
    # the generic binding's actions for other requests, SCT binding for SCT ones
    for rt, act in [("Renew", "/RST/SCT/Renew"), ("Cancel", "/RST/SCT/Cancel"), ("Validate", "/RST/Validate")]:
        e = wssx.Envelope.wrap(wssx.RequestSecurityToken(rt, version=v, token_type="SecurityContextToken"), soap_version=soap)
        assert e.action == ns + act and e.to is None
    e = wssx.Envelope.wrap(wssx.RequestSecurityToken("Renew", version=v), soap_version=soap)
    assert e.action == ns + "/RST/Renew"
    amend = wssx.Envelope.wrap(rst, action="RST/SCT/Amend", addressing="2004/08")
    assert amend.action == ns + "/RST/SCT/Amend" and amend.addressing == "2004/08"
    assert "http://schemas.xmlsoap.org/ws/2004/08/addressing" in amend.to_xml().decode()
    # responses relate to the request
    rstr = wssx.RequestSecurityTokenResponse(version=v, token_type="SecurityContextToken")
    reply = wssx.Envelope.wrap(rstr, soap_version=soap, relates_to=env.message_id)
    assert reply.action == ns + "/RSTR/SCT" and reply.relates_to == env.message_id and reply.reply_to is None
    assert wssx.Envelope.wrap(wssx.RequestSecurityTokenResponse(version=v, cancelled=True)).action == ns + "/RSTR/Cancel"
    assert wssx.Envelope.wrap(wssx.RequestSecurityTokenResponse(version=v, status=True)).action == ns + "/RSTR/Validate"
    coll = wssx.RequestSecurityTokenResponseCollection([rstr])
    want = OASIS_NS + "/RSTRC/IssueFinal" if v != "2005/02" else FEB_NS + "/RSTR/Issue"
    assert wssx.Envelope.wrap(coll).action == want
    assert isinstance(wssx.Envelope.wrap(coll).message(), wssx.RequestSecurityTokenResponseCollection)
    # written in another version on the way
    other = "1.3" if v == "2005/02" else "2005/02"
    e = wssx.Envelope.wrap(rst, version=other)
    assert e.message().version.value == other
    # no addressing
    bare = wssx.Envelope.wrap(rst, soap_version=soap, addressing=None)
    assert bare.addressing is None and bare.action is None and b"Header" not in bare.to_xml()


def test_envelope_editing():
    env = wssx.Envelope("1.1", body=['<m:Ping xmlns:m="urn:app">hi</m:Ping>'])
    assert env.addressing is None and env.body == ['<m:Ping xmlns:m="urn:app">hi</m:Ping>']
    env.action = "urn:ping"
    env.to = "https://svc/"
    env.message_id = "urn:uuid:1"
    env.relates_to = "urn:uuid:0"
    env.reply_to = "https://back/"
    env.headers = ['<h:H xmlns:h="urn:h">1</h:H>']
    assert env.addressing == "2005/08"
    back = wssx.Envelope.from_xml(env.to_xml())
    assert (back.action, back.to, back.message_id, back.relates_to, back.reply_to) == (
        "urn:ping", "https://svc/", "urn:uuid:1", "urn:uuid:0", "https://back/")
    assert back.headers == ['<h:H xmlns:h="urn:h">1</h:H>']
    env.addressing = "2004/08"
    assert b"http://schemas.xmlsoap.org/ws/2004/08/addressing" in env.to_xml()
    env.action = None
    env.to = None
    assert env.action is None and env.to is None
    env.addressing = None
    assert wssx.Envelope.from_xml(env.to_xml()).addressing is None
    with pytest.raises(wssx.InvalidRequestError):
        env.message()
    e12 = env.to_soap_version("1.2")
    assert e12.soap_version == "1.2" and SOAP12.encode() in e12.to_xml()
    assert e12.to_dict()["soap"] == "1.2"
    # plain bodies need an action to get addressing
    with pytest.raises(ValueError, match="action"):
        wssx.Envelope.wrap('<m:Ping xmlns:m="urn:app"/>')
    e = wssx.Envelope.wrap(b'<m:Ping xmlns:m="urn:app"/>', action="urn:ping", to="https://svc/")
    assert e.action == "urn:ping" and e.body == ['<m:Ping xmlns:m="urn:app"/>']
    with pytest.raises(ValueError):
        wssx.Envelope.wrap(wssx.RequestSecurityToken(), action="NotAnAction")
    with pytest.raises(ValueError):
        wssx.Envelope("1.3")
    with pytest.raises(ValueError):
        wssx.Envelope.wrap(wssx.RequestSecurityToken(), addressing="2006")
    assert "Envelope(soap_version='1.1'" in repr(env)


# ------------------------------------------------------------------------------------------
# Faults

KINDS = [k for k, _, _ in wssx._native.ERROR_KINDS]


@pytest.mark.parametrize("soap", ["1.1", "1.2"])
@pytest.mark.parametrize("tv", VERSIONS)
def test_faults_both_soap_versions(soap, tv):
    for kind in KINDS:
        f = wssx.Fault(kind, tv)
        spec, local = wssx.ERROR_CLASSES[kind].fault_code
        assert f.kind == local and f.code == "Sender"
        ns = {"wst": OASIS_NS if tv != "2005/02" else FEB_NS, "wsc": SC_13 if tv != "2005/02" else SC_FEB}[spec]
        assert f.subcode == (ns, local)
        xml = f.to_xml(soap)
        assert (SOAP11 if soap == "1.1" else SOAP12).encode() in xml
        back = wssx.Fault.from_xml(xml)
        assert back.subcode == f.subcode and back.reason == f.reason and back.kind == local
        env = f.to_envelope(soap, addressing="2005/08", relates_to="urn:uuid:req")
        wire = env.to_xml()
        read = wssx.Envelope.from_xml(wire)
        assert read.fault.kind == local and read.relates_to == "urn:uuid:req"
        assert read.action == "http://www.w3.org/2005/08/addressing/soap/fault"
        assert wssx.Fault.from_xml(wire).kind == local
        err_cls = wssx.ERROR_CLASSES[local]
        with pytest.raises(err_cls):
            read.message()
        with pytest.raises(err_cls):
            wssx.RequestSecurityTokenResponse.from_xml(wire)
        other = read.to_soap_version("1.2" if soap == "1.1" else "1.1")
        assert wssx.Envelope.from_xml(other.to_xml()).fault.kind == local


def test_fault_constructors():
    f = wssx.Fault.from_error(wssx.BadContextTokenError("secret detail"), "1.3")
    assert f.kind == "BadContextToken" and "secret detail" not in f.reason
    assert f.reason == "The requested context elements are insufficient or unsupported."
    assert wssx.Fault.from_error(wssx.RenewNeededError).subcode == (SC_13, "RenewNeeded")
    assert wssx.Fault.from_error("ExpiredDataError", "2005/02").subcode == (FEB_NS, "ExpiredData")
    assert wssx.Fault.from_error(KeyError("x")).kind == "RequestFailed"
    assert wssx.Fault.from_error(wssx.InvalidSignatureError()).kind == "FailedAuthentication"
    assert wssx.Fault().kind == "RequestFailed"
    f = wssx.Fault("InvalidRequest", reason="bad lifetime")
    assert f.reason == "bad lifetime"
    e = f.to_error()
    assert isinstance(e, wssx.InvalidRequestError) and e.message == "bad lifetime" and e.path == "Fault"
    with pytest.raises(wssx.InvalidRequestError):
        raise f.to_error()
    with pytest.raises(ValueError):
        wssx.Fault("NoSuchKind")
    with pytest.raises(TypeError):
        wssx.Fault(42)
    assert wssx.Fault("BadRequest") == wssx.Fault("BadRequest")
    d = wssx.Fault("BadRequest").to_dict()
    assert d["type"] == "Fault" and d["kind"] == "BadRequest"
    # a wrapped Fault defaults to the addressing fault action of its version
    env = wssx.Envelope.wrap(wssx.Fault("BadRequest"), soap_version="1.1", addressing="2004/08")
    assert env.action == "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"


def test_fault_fixtures_and_foreign_faults():
    for rel, soap, kind in [("sc13/wsc-09-fault-soap11.xml", "1.1", "BadContextToken"),
                            ("sc13/wsc-09-fault-soap12.xml", "1.2", "UnknownDerivationSource")]:
        env = wssx.Envelope.from_xml(load(rel))
        assert env.soap_version == soap and env.fault.kind == kind
        assert env.fault.subcode == (SC_13, kind)
        assert wssx.trust_inspect(load(rel))["body"][0]["kind"] == kind
        with pytest.raises(wssx.ERROR_CLASSES[kind]):
            env.message()
    foreign = f'<s:Fault xmlns:s="{SOAP11}"><faultcode>s:Server</faultcode><faultstring>boom</faultstring><faultactor>urn:a</faultactor><detail><d:D xmlns:d="urn:d"/></detail></s:Fault>'
    f = wssx.Fault.from_xml(foreign.encode())
    assert (f.kind, f.code, f.subcode, f.reason, f.role) == ("RequestFailed", "Receiver", None, "boom", "urn:a")
    assert f.detail == ['<d:D xmlns:d="urn:d"/>']
    with pytest.raises(wssx.InvalidRequestError, match="not a SOAP Fault"):
        wssx.Fault.from_xml(wssx.Envelope("1.2").to_xml())
    with pytest.raises(wssx.InvalidRequestError):
        wssx.Fault.from_xml(b"<x/>")


# ------------------------------------------------------------------------------------------
# Garbage


RST13 = f'<wst:RequestSecurityToken xmlns:wst="{OASIS_NS}" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">%s</wst:RequestSecurityToken>'
ISSUE = f"<wst:RequestType>{OASIS_NS}/Issue</wst:RequestType>"


@pytest.mark.parametrize("xml,err,path", [
    (b"", wssx.MalformedXmlError, None),
    (b"not xml at all", wssx.MalformedXmlError, None),
    (b"<a><b></a>", wssx.MalformedXmlError, None),
    (b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', wssx.MalformedXmlError, None),
    (b"<x/>", wssx.InvalidRequestError, None),
    (b'<wst:RequestSecurityToken xmlns:wst="urn:wrong"/>', wssx.InvalidRequestError, None),
    ((RST13 % "").encode(), wssx.InvalidRequestError, "wst:RequestSecurityToken"),
    ((RST13 % (ISSUE + ISSUE)).encode(), wssx.InvalidRequestError, "wst:RequestSecurityToken/wst:RequestType"),
    ((RST13 % (ISSUE + "<wst:KeySize>big</wst:KeySize>")).encode(), wssx.InvalidRequestError, "wst:RequestSecurityToken/wst:KeySize"),
    ((RST13 % (ISSUE + "<wst:Entropy><wst:BinarySecret>***</wst:BinarySecret></wst:Entropy>")).encode(), wssx.InvalidRequestError, "wst:RequestSecurityToken/wst:Entropy/wst:BinarySecret"),
    ((RST13 % (ISSUE + "<wst:Lifetime><wsu:Created>yesterday</wsu:Created></wst:Lifetime>")).encode(), wssx.InvalidRequestError, "wst:RequestSecurityToken/wst:Lifetime/wsu:Created"),
    ((RST13 % (ISSUE + "<wst:Lifetime><wsu:Created>2026-01-02T00:00:00Z</wsu:Created><wsu:Expires>2026-01-01T00:00:00Z</wsu:Expires></wst:Lifetime>")).encode(), wssx.InvalidTimeRangeError, "wst:RequestSecurityToken/wst:Lifetime"),
    (("<a>" * 1000 + "</a>" * 1000).encode(), wssx.LimitExceededError, None),
])
def test_garbage_is_a_typed_error(xml, err, path):
    with pytest.raises(err) as e:
        wssx.RequestSecurityToken.from_xml(xml)
    if path is not None:
        assert e.value.path == path
    with pytest.raises(wssx.WssxError):
        wssx.trust_inspect(xml)
    with pytest.raises(wssx.WssxError):
        wssx.Envelope.from_xml(xml)


def test_wrong_message_class():
    rstr = wssx.RequestSecurityTokenResponse().to_xml()
    with pytest.raises(wssx.InvalidRequestError, match="expected a RequestSecurityToken, found RequestSecurityTokenResponse"):
        wssx.RequestSecurityToken.from_xml(rstr)
    with pytest.raises(wssx.InvalidRequestError, match="Collection"):
        wssx.RequestSecurityTokenResponseCollection.from_xml(rstr)
    with pytest.raises(TypeError):
        wssx.RequestSecurityToken.from_xml("a str is not bytes")
    with pytest.raises(ValueError):
        wssx.RequestSecurityToken("Bogus")
    with pytest.raises(ValueError):
        wssx.RequestSecurityToken(version="3.0")
    with pytest.raises(wssx.InvalidRequestError):
        wssx.trust_inspect(b'<x:Thing xmlns:x="urn:x"/>')


def test_random_mutations_never_crash():
    import random

    rng = random.Random(1234)
    corpus = [open(p, "rb").read() for p in ALL_FIXTURES]
    for _ in range(400):
        doc = bytearray(rng.choice(corpus))
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(doc))
            doc[i] = rng.choice(b"<>/=\"' xX0:&;") if rng.random() < 0.7 else rng.randrange(256)
        for parse in (wssx.trust_inspect, wssx.Envelope.from_xml, wssx.RequestSecurityToken.from_xml,
                      wssx.RequestSecurityTokenResponse.from_xml, wssx.Fault.from_xml):
            try:
                parse(bytes(doc))
            except wssx.WssxError:
                pass


def test_to_dict_never_shows_secrets():
    r = wssx.RequestSecurityTokenResponse(proof=b"\x01" * 32, entropy=b"\x02" * 32)
    d = r.to_dict()
    assert d["requestedProofTokens"] == [{"type": "BinarySecret", "secretType": "SymmetricKey", "length": 32}]
    assert d["entropy"]["length"] == 32
    assert "AQEB" not in r.to_json() and "AgIC" not in r.to_json()
