"""X.509 features through real bytes: WS-SC Appendix A.1 (requestor entropy encrypted for
the service's certificate, both issuer_entropy variations), the key exchange token then
encrypted entropy, and direct key transfer (a locally created context propagated in a
wst:IssuedTokens header of a message signed with it). Python twins of
core/tests/binding_patterns.rs, with the keytransport fixture pair."""

import os

import pytest

import wssx

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "tests", "fixtures", "keytransport")
APP = b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body><m:Order xmlns:m="urn:shop">42 widgets</m:Order></s:Body></s:Envelope>'
TRUST_NS = {"2005/02": "http://schemas.xmlsoap.org/ws/2005/02/trust", "1.3": "http://docs.oasis-open.org/ws-sx/ws-trust/200512"}


def _read(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


CERT = _read("recipient-cert.pem")
KEY = _read("recipient-key.pem")


def _der(pem):
    import base64

    body = b"".join(l for l in pem.splitlines() if l and not l.startswith(b"-----"))
    return base64.b64decode(body)


def _issue(svc, req):
    out, pending = req.issue()
    r = svc.handle(out.envelope)
    assert not r.is_fault, r.envelope
    o = pending.finish(r.envelope)
    assert o.kind == "issued"
    return o.context


@pytest.mark.parametrize("tv", ["2005/02", "1.3"])
@pytest.mark.parametrize("issuer_entropy", [True, False])
def test_appendix_a1_encrypted_entropy(tv, issuer_entropy):
    svc = wssx.TokenService(identity=(CERT, KEY), issuer_entropy=issuer_entropy)
    cfg = wssx.RequestorConfig("http://sts.example/", trust_version=tv, service_certificate=CERT)
    assert cfg.service_certificate == _der(CERT)
    req = wssx.Requestor(cfg)
    out, pending = req.issue()
    # The requestor's key material is not in the clear.
    assert b"EncryptedKey" in out.envelope and b"BinarySecret" not in out.envelope
    r = svc.handle(out.envelope)
    assert not r.is_fault, r.envelope
    assert (b"RequestedProofToken" in r.envelope) == issuer_entropy
    ctx = pending.finish(r.envelope).context
    assert svc.verify_message(ctx.sign_and_encrypt(APP)).body_signed
    # Renewal with fresh (encrypted) entropy re-keys consistently.
    out, pending = req.renew(ctx)
    ctx2 = pending.finish(svc.handle(out.envelope).envelope).context
    assert ctx2.secret != ctx.secret
    assert svc.verify_message(ctx2.sign(APP)).body_signed


def test_encrypted_entropy_without_service_key_is_a_typed_fault():
    svc = wssx.TokenService()
    req = wssx.Requestor(wssx.RequestorConfig("x:sts", service_certificate=_der(CERT)))
    out, pending = req.issue()
    with pytest.raises(wssx.InvalidRequestError):
        pending.finish(svc.handle(out.envelope).envelope)


def test_bad_certificate_and_identity_bytes():
    with pytest.raises(wssx.WssxError) as e:
        wssx.RequestorConfig("x:sts", service_certificate=b"nope")
    assert e.value.kind == "InvalidArgument"
    with pytest.raises(wssx.WssxError):
        wssx.TokenService(identity=(CERT, b"not a key"))
    assert wssx.RequestorConfig("x:sts").service_certificate is None


@pytest.mark.parametrize("tv", ["2005/02", "1.3"])
def test_key_exchange_token_then_encrypted_entropy(tv):
    svc = wssx.TokenService(identity=(_der(CERT), KEY))
    req = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version=tv))
    out, pending = req.key_exchange_token()
    assert out.operation == "key_exchange"
    r = svc.handle(out.envelope)
    assert not r.is_fault, r.envelope
    o = pending.finish(r.envelope)
    assert o.kind == "key_exchange_token" and o.context is None
    assert o.certificate == _der(CERT)
    req2 = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version=tv, service_certificate=o.certificate))
    ctx = _issue(svc, req2)
    assert svc.verify_message(ctx.sign(APP)).body_signed
    # The ordinary outcomes carry no certificate.
    assert wssx.Requestor(wssx.RequestorConfig("x:sts")).issue()[0].operation == "issue"


def test_key_exchange_token_from_a_service_without_certificate():
    out, pending = wssx.Requestor(wssx.RequestorConfig("x:sts")).key_exchange_token()
    with pytest.raises(wssx.WssxError) as e:
        pending.finish(wssx.TokenService().handle(out.envelope).envelope)
    assert e.value.kind == "BadRequest"


def _propagating(ctx, rstr):
    ns = ctx.trust_version.namespace
    assert ns == TRUST_NS[ctx.trust_version.value]
    header = b'<wst:IssuedTokens xmlns:wst="' + ns.encode() + b'">' + rstr + b"</wst:IssuedTokens>"
    return ctx.sign(APP.replace(b"<s:Header/>", b"<s:Header>" + header + b"</s:Header>"))


@pytest.mark.parametrize("tv", ["2005/02", "1.3"])
def test_direct_key_transfer(tv):
    svc = wssx.TokenService(identity=(CERT, KEY), accept_unsolicited=True)
    ctx = wssx.SecurityContext.create(trust_version=tv, key_bits=256, lifetime=600)
    assert len(ctx.secret) == 32 and ctx.expires is not None and ctx.sct.id
    rstr = ctx.propagate(CERT)
    import base64

    assert base64.b64encode(ctx.secret) not in rstr and b"EncryptedKey" in rstr
    msg = _propagating(ctx, rstr)
    stored = svc.accept_unsolicited(msg)
    assert isinstance(stored, wssx.StoredContext)
    assert stored.secret == ctx.secret and stored.identifier == ctx.identifier
    report = svc.verify_message(ctx.sign(APP))
    assert report.body_signed
    # A replay is refused (the context exists).
    with pytest.raises(wssx.BadContextTokenError):
        svc.accept_unsolicited(msg)
    # A propagation not signed with the new context is refused.
    other = wssx.SecurityContext.create(trust_version=tv)
    with pytest.raises(wssx.FailedAuthenticationError):
        svc.accept_unsolicited(_propagating(ctx, other.propagate(_der(CERT))))


def test_direct_key_transfer_refused_by_policy_and_unsigned():
    strict = wssx.TokenService(identity=(CERT, KEY))
    ctx = wssx.SecurityContext.create()
    msg = _propagating(ctx, ctx.propagate(CERT))
    with pytest.raises(wssx.WssxError) as e:
        strict.accept_unsolicited(msg)
    assert e.value.kind == "UnsupportedContextToken"
    # require_signature=False accepts a bare propagation.
    svc = wssx.TokenService(identity=(CERT, KEY), accept_unsolicited=True)
    bare = APP.replace(b"<s:Header/>", b'<s:Header><wst:IssuedTokens xmlns:wst="' + TRUST_NS["1.3"].encode() + b'">' + ctx.propagate(CERT) + b"</wst:IssuedTokens></s:Header>")
    assert svc.accept_unsolicited(bare, require_signature=False).secret == ctx.secret
    with pytest.raises(ValueError):
        wssx.SecurityContext.create(key_bits=100)


def test_accept_unsolicited_consults_the_authorizer():
    seen = []

    def authorizer(op, envelope, context):
        seen.append(op)
        raise wssx.FailedAuthenticationError("nobody")

    svc = wssx.TokenService(identity=(CERT, KEY), accept_unsolicited=True, authorizer=authorizer)
    ctx = wssx.SecurityContext.create()
    with pytest.raises(wssx.FailedAuthenticationError):
        svc.accept_unsolicited(_propagating(ctx, ctx.propagate(CERT)))
    assert seen == ["issue"]
