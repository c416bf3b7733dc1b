"""Binary negotiation (WS-Trust 8.4) with Python handler objects on both sides, through real
bytes: a toy key agreement (nonces hashed with a pre-shared secret, standing in for SPNEGO /
TLSNEGO) in two and three legs, every trust version; the Authenticator's CombinedHash is
checked by core. The Python twin of core/tests/binding_negotiate.rs."""

import hashlib
import os
import threading

import pytest

import wssx

VT = "urn:wssx:test:psk-nonce"
PSK = b"shared-secret-of-the-test"
APP = b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a/></s:Body></s:Envelope>'


def _key(a, b):
    return hashlib.sha256(PSK + a + b).digest()


class Client:
    value_type = VT

    def __init__(self, confirm=False):
        self.nonce = os.urandom(16)
        self.confirm = confirm
        self.key = None
        self.calls = []

    def step(self, incoming):
        self.calls.append(incoming)
        if self.key is not None:
            return None, True, self.key
        if incoming is None:
            return self.nonce, False, None
        self.key = _key(self.nonce, incoming)
        out = hashlib.sha256(self.key + b"confirm").digest() if self.confirm else None
        return out, True, self.key


class Server:
    value_type = VT

    def __init__(self, confirm=False):
        self.nonce = os.urandom(16)
        self.confirm = confirm
        self.key = None
        self.threads = set()

    def step(self, incoming):
        self.threads.add(threading.get_ident())
        if incoming is None:
            raise wssx.InvalidRequestError("no blob")
        if self.key is None:
            self.key = _key(incoming, self.nonce)
            if self.confirm:
                return self.nonce, False, None
            return self.nonce, True, self.key
        if incoming != hashlib.sha256(self.key + b"confirm").digest():
            raise wssx.FailedAuthenticationError("bad confirmation")
        return None, True, self.key


def _service(confirm, made=None):
    def negotiator(vt):
        if vt != VT:
            return None
        s = Server(confirm)
        if made is not None:
            made.append(s)
        return s

    return wssx.TokenService(negotiator=negotiator)


def _run(svc, req, handler):
    out, neg = req.negotiate(handler)
    assert out.operation == "issue" and neg.context_attribute and not neg.finished
    legs = 0
    while True:
        legs += 1
        r = svc.handle(out.envelope)
        assert not r.is_fault, r.envelope
        step = neg.step(r.envelope)
        assert neg.finished
        if step[0] == "done":
            return step[1], legs
        kind, out, neg = step
        assert kind == "continue" and isinstance(out, wssx.OutgoingRequest)
        assert legs < 5


@pytest.mark.parametrize("tv", ["2005/02", "1.3"])
@pytest.mark.parametrize("confirm", [False, True])
def test_negotiation_every_version(tv, confirm):
    made = []
    svc = _service(confirm, made)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version=tv))
    client = Client(confirm)
    ctx, legs = _run(svc, req, client)
    assert isinstance(ctx, wssx.SecurityContext)
    assert legs == (2 if confirm else 1)
    assert client.calls[0] is None and len(made) == 1
    assert svc.verify_message(ctx.sign(APP)).body_signed


def test_negotiation_refuses_tampering_and_unknown_types():
    svc = _service(False)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    out, neg = req.negotiate(Client())
    env = svc.handle(out.envelope).envelope
    i = env.index(b"CombinedHash>") + len(b"CombinedHash>")
    bad = env[:i] + (b"B" if env[i:i + 1] == b"A" else b"A") + env[i + 1:]
    with pytest.raises(wssx.FailedAuthenticationError):
        neg.step(bad)
    with pytest.raises(RuntimeError):
        neg.step(env)  # a Negotiation steps once

    class Other:
        value_type = "urn:other"

        def step(self, incoming):
            return b"\x01", False, None

    out, neg = req.negotiate(Other())
    r = svc.handle(out.envelope)
    assert r.is_fault
    with pytest.raises(wssx.WssxError) as e:
        neg.step(r.envelope)
    assert e.value.kind == "BadRequest"


def test_handler_errors():
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    with pytest.raises(TypeError):
        req.negotiate(object())

    class Boom:
        value_type = VT

        def step(self, incoming):
            raise KeyError("mine")

    with pytest.raises(KeyError):
        req.negotiate(Boom())

    class Wrong:
        value_type = VT

        def step(self, incoming):
            return "nope"

    with pytest.raises(TypeError):
        req.negotiate(Wrong())
    with pytest.raises(TypeError):
        wssx.TokenService(negotiator=42)

    # A server handler's WssxError becomes its fault; any other exception propagates out of
    # handle.
    class BadServer(Server):
        def step(self, incoming):
            raise wssx.FailedAuthenticationError("who are you?")

    svc = wssx.TokenService(negotiator=lambda vt: BadServer())
    out, neg = req.negotiate(Client())
    r = svc.handle(out.envelope)
    assert r.is_fault
    with pytest.raises(wssx.FailedAuthenticationError):
        neg.step(r.envelope)

    def exploding(vt):
        raise ZeroDivisionError

    svc = wssx.TokenService(negotiator=exploding)
    out, neg = req.negotiate(Client())
    with pytest.raises(ZeroDivisionError):
        svc.handle(out.envelope)


def test_negotiation_from_threads():
    svc = _service(True)
    errors = []

    def run():
        try:
            req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
            ctx, legs = _run(svc, req, Client(True))
            assert legs == 2 and svc.verify_message(ctx.sign(APP)).body_signed
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=run) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
