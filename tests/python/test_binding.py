"""The protocols through real bytes: Requestor against TokenService (memory store and a
Python dict-backed store), in WS-Trust Feb 2005 and 1.3, SOAP 1.1 and 1.2; the transport is
a plain function calling TokenService.handle."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import wssx

APP = b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:Ping xmlns:m="urn:app">hello</m:Ping></s:Body></s:Envelope>'
APP11 = b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:Ping xmlns:m="urn:app">hello</m:Ping></s:Body></s:Envelope>'
FEB_NS = "http://schemas.xmlsoap.org/ws/2005/02/trust"
OASIS_NS = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"


class DictStore:
    """A context store in a Python dict: the protocol of wssx.MemoryStore (current instance,
    previous instances kept for rollover, cancelled tombstones), thread-safe, recording the
    threads it is called from."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = {}  # identifier -> {"current": StoredContext, "previous": [...], "cancelled": bool}
        self.threads = set()
        self.calls = []

    def _note(self, name):
        self.threads.add(threading.get_ident())
        self.calls.append(name)

    def get(self, identifier, instance):
        self._note("get")
        with self.lock:
            e = self.entries.get(identifier)
            if e is None:
                return None
            if e["cancelled"]:
                return "cancelled"
            if e["current"].instance == instance:
                return e["current"]
            for p in e["previous"]:
                if p.instance == instance:
                    return p
            return e["current"] if instance is None else None

    def insert(self, ctx):
        self._note("insert")
        with self.lock:
            e = self.entries.get(ctx.identifier)
            if e is None:
                self.entries[ctx.identifier] = {"current": ctx, "previous": [], "cancelled": False}
            elif e["cancelled"]:
                raise wssx.BadContextTokenError("the context was cancelled")
            else:
                e["previous"].append(e["current"])
                e["current"] = ctx

    def update(self, ctx):
        self._note("update")
        with self.lock:
            e = self.entries.get(ctx.identifier)
            if e is None or e["cancelled"]:
                raise wssx.BadContextTokenError("unknown or cancelled context")
            if e["current"].instance == ctx.instance:
                e["current"] = ctx
            else:
                e["previous"] = [ctx if p.instance == ctx.instance else p for p in e["previous"]]

    def cancel(self, identifier):
        self._note("cancel")
        with self.lock:
            e = self.entries.get(identifier)
            if e is None:
                return False
            e["cancelled"] = True
            e["previous"] = []
            return True

    def purge(self, now):
        self._note("purge")
        with self.lock:
            gone = [k for k, e in self.entries.items() if e["current"].expires < now]
            for k in gone:
                del self.entries[k]
            return len(gone)


def transport_for(service, log=None):
    """A transport: a plain function handing the request to the service."""

    def transport(out):
        assert isinstance(out, wssx.OutgoingRequest)
        resp = service.handle(out.envelope)
        if log is not None:
            log.append((out, resp))
        return resp.envelope

    return transport


def make_store(kind):
    return wssx.MemoryStore() if kind == "memory" else DictStore()


def app_envelope(soap):
    return APP11 if soap == "1.1" else APP


# ------------------------------------------------------------------------------------------
# The full lifecycle


@pytest.mark.parametrize("store_kind", ["memory", "python"])
@pytest.mark.parametrize("soap", ["1.1", "1.2"])
@pytest.mark.parametrize("tv", ["2005/02", "1.3"])
def test_full_lifecycle(tv, soap, store_kind):
    store = make_store(store_kind)
    service = wssx.TokenService(store)
    assert service.store is store
    config = wssx.RequestorConfig("http://localhost/sts", trust_version=tv, soap_version=soap)
    requestor = wssx.Requestor(config)
    log = []
    transport = transport_for(service, log)
    ns = FEB_NS if tv == "2005/02" else OASIS_NS

    # Issue.
    ctx = requestor.obtain(transport)
    out, resp = log[-1]
    assert out.operation == "issue" and out.action == ns + "/RST/SCT"
    assert resp.operation == "issue" and not resp.is_fault and resp.status_code == 200
    assert resp.context == ctx.identifier
    assert resp.action == ns + "/RSTR/SCT"
    # 1.3 answers with a collection, Feb 2005 with a bare RSTR
    body = wssx.Envelope.from_xml(resp.envelope).message()
    assert isinstance(body, wssx.RequestSecurityTokenResponseCollection if tv == "1.3" else wssx.RequestSecurityTokenResponse)
    assert wssx.Envelope.from_xml(resp.envelope).soap_version == soap
    assert len(ctx.secret) == 32
    assert ctx.sct.version is wssx.TrustVersion(tv).sc_version and ctx.trust_version.value == tv
    assert ctx.instance is None and not ctx.cancelled
    assert ctx.expires - ctx.created == timedelta(minutes=30)
    assert ctx.attached_reference is not None and ctx.unattached_reference.identifier == ctx.identifier
    stored = store.get(ctx.identifier, None)
    assert isinstance(stored, wssx.StoredContext) and stored.secret == ctx.secret
    assert stored.version is ctx.sct.version

    # Sign / verify through the service.
    for protect in (ctx.sign, ctx.encrypt, ctx.sign_and_encrypt):
        report = service.verify_message(protect(app_envelope(soap)))
        assert report.soap_version == soap
    report = service.verify_message(ctx.sign_and_encrypt(app_envelope(soap), suite="Basic256Sha256", reference="identifier"))
    assert report.body_signed and report.body_decrypted
    assert report.signer_of("Body") == (ctx.identifier, None)
    assert b"hello" in report.envelope

    # Renew with a new key: a new Instance and a new key; both work during the rollover.
    outcome = requestor.call(transport, "renew", ctx)
    assert outcome.kind == "renewed" and outcome.valid is None
    renewed = outcome.context
    assert log[-1][0].action == ns + "/RST/SCT/Renew" and log[-1][1].operation == "renew"
    assert renewed.identifier == ctx.identifier
    assert renewed.instance is not None and renewed.instance != ctx.instance
    assert renewed.secret != ctx.secret and len(renewed.secret) == 32
    assert service.verify_message(renewed.sign(app_envelope(soap))).signer_of("Body") == (renewed.identifier, renewed.instance)
    assert service.verify_message(ctx.sign(app_envelope(soap))).signer_of("Body") == (ctx.identifier, None)

    # Amend: same key, same instance.
    outcome = requestor.call(transport, "amend", renewed)
    assert outcome.kind == "amended"
    assert log[-1][0].action == ns + "/RST/SCT/Amend" and log[-1][1].operation == "amend"
    amended = outcome.context
    assert amended.secret == renewed.secret and amended.instance == renewed.instance

    # Validate.
    outcome = requestor.call(transport, "validate", amended)
    assert (outcome.kind, outcome.valid, outcome.reason) == ("validated", True, None)
    assert outcome.context is amended

    # Cancel: the context is unusable at once, locally and at the service.
    signed_before = amended.sign(app_envelope(soap))
    out, pending = requestor.cancel(amended)
    cancel_bytes = out.envelope
    outcome = pending.finish(service.handle(cancel_bytes).envelope)
    assert outcome.kind == "cancelled" and outcome.context is amended and amended.cancelled
    assert store.get(ctx.identifier, None) == "cancelled"
    with pytest.raises(wssx.BadContextTokenError):
        amended.sign(app_envelope(soap))
    with pytest.raises(wssx.BadContextTokenError):
        service.verify_message(signed_before)
    with pytest.raises(wssx.BadContextTokenError):
        service.verify_message(wssx.sign(app_envelope(soap), amended.sct, amended.secret))
    with pytest.raises(wssx.BadContextTokenError):
        service.verify_message(ctx.sign(app_envelope(soap)))  # the first instance too
    # a replayed cancel is answered consistently
    for _ in range(2):
        replay = service.handle(cancel_bytes)
        assert replay.is_fault and replay.status_code == 500 and replay.operation is None
        fault = wssx.Envelope.from_xml(replay.envelope).fault
        assert fault.kind == "BadContextToken"
        with pytest.raises(wssx.BadContextTokenError):
            wssx.Envelope.from_xml(replay.envelope).message()
    # validation now says invalid; renewal faults
    outcome = requestor.call(transport, "validate", amended)
    assert outcome.valid is False and "cancel" in outcome.reason
    renewed.cancelled = False  # a stale copy of the context still tries
    with pytest.raises(wssx.BadContextTokenError):
        requestor.call(transport, "renew", renewed)
    if store_kind == "python":
        assert {"get", "insert", "update", "cancel"} <= set(store.calls)


@pytest.mark.parametrize("tv", ["2005/02", "1.3"])
def test_issuer_chosen_key_and_requested_lifetime(tv):
    service = wssx.TokenService(context_lifetime=3600)
    requestor = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version=tv, entropy="none", key_size=128,
                                                    lifetime=timedelta(minutes=10), applies_to="https://rp/"))
    log = []
    ctx = requestor.obtain(transport_for(service, log))
    rst = wssx.RequestSecurityToken.from_xml(log[-1][0].envelope)
    assert rst.entropy is None and rst.key_size == 128 and rst.applies_to == "https://rp/"
    assert rst.lifetime[1] - rst.lifetime[0] == timedelta(minutes=10)
    rstr = wssx.Envelope.from_xml(log[-1][1].envelope).message()
    if isinstance(rstr, wssx.RequestSecurityTokenResponseCollection):
        rstr = rstr[0]
    assert isinstance(rstr.proof, bytes) and rstr.proof == ctx.secret and len(ctx.secret) == 16
    assert timedelta(minutes=9) < ctx.expires - ctx.created <= timedelta(minutes=10)
    # renew without requestor key material: the request carries no entropy, the service
    # still re-keys (its own key, a new Instance)
    log.clear()
    again = requestor.call(transport_for(service, log), "renew", ctx, new_key=False).context
    assert wssx.RequestSecurityToken.from_xml(log[-1][0].envelope).entropy is None
    # (the request still names the requestor's KeySize, so the new key has that size)
    assert again.instance and again.secret != ctx.secret and len(again.secret) == 128 // 8


def test_requests_without_addressing_and_fallback():
    service = wssx.TokenService()
    cfg = wssx.RequestorConfig("x:sts", addressing=None)
    assert cfg.addressing is None
    requestor = wssx.Requestor(cfg)
    out, pending = requestor.issue()
    assert wssx.Envelope.from_xml(out.envelope).addressing is None
    resp = service.handle(out.envelope)
    assert not resp.is_fault and resp.action is None
    assert pending.finish(resp.envelope).kind == "issued"
    fb = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version="1.3")).fallback_feb2005()
    assert fb.config.trust_version is wssx.TrustVersion.FEB2005 and fb.config.addressing == "2004/08"
    ctx = fb.obtain(transport_for(service))
    assert ctx.sct.version is wssx.ScVersion.FEB2005
    c = wssx.RequestorConfig("x:sts", trust_version="2005/02", soap_version="1.1", addressing="2005/08", suite="Basic128")
    assert (c.addressing, c.soap_version, c.suite, c.key_size, c.entropy, c.lifetime) == (
        "2005/08", "1.1", wssx.AlgorithmSuite.BASIC128, 256, "combined", None)
    assert "RequestorConfig('x:sts'" in repr(c)


def test_outgoing_request_and_pending():
    service = wssx.TokenService()
    r11 = wssx.Requestor(wssx.RequestorConfig("x:sts", soap_version="1.1", trust_version="2005/02"))
    out, pending = r11.issue()
    assert out.content_type == "text/xml; charset=utf-8"
    assert out.soap_action == f'"{FEB_NS}/RST/SCT"'
    assert out.headers == {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": out.soap_action}
    assert pending.operation == "issue" and not pending.finished
    assert pending.context_attribute.startswith("urn:uuid:")
    assert wssx.RequestSecurityToken.from_xml(out.envelope).context == pending.context_attribute
    resp = service.handle(out.envelope.decode())  # str works too
    outcome = pending.finish(resp.envelope.decode())
    assert outcome.kind == "issued" and pending.finished
    with pytest.raises(RuntimeError, match="already finished"):
        pending.finish(resp.envelope)
    r12 = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    out, pending = r12.issue()
    assert out.soap_action is None and out.headers == {"Content-Type": out.content_type}
    assert out.content_type == f'application/soap+xml; charset=utf-8; action="{OASIS_NS}/RST/SCT"'
    # a response to another request is refused
    _, other = r12.issue()
    with pytest.raises(wssx.InvalidRequestError, match="Context"):
        other.finish(service.handle(out.envelope).envelope)
    with pytest.raises(TypeError, match="SecurityContext"):
        r12.call(transport_for(service), "renew")
    with pytest.raises(ValueError, match="operation"):
        r12.call(transport_for(service), "steal")
    assert "Outcome('issued')" == repr(outcome)


def test_callbacks_see_and_change_the_envelope():
    service = wssx.TokenService()
    requestor = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    transport = transport_for(service)
    ctx = requestor.obtain(transport)
    seen = []

    def reproof(env):
        assert isinstance(env, bytes)
        seen.append(env)
        e = wssx.Envelope.from_xml(env)
        e.headers = e.headers + ['<x:Reproof xmlns:x="urn:x">me</x:Reproof>']
        return e.to_xml().decode()

    out, pending = requestor.renew(ctx, reproof=reproof)
    assert seen and b"RenewTarget" in seen[0] and b"Signature" not in seen[0]
    assert b"urn:x" in out.envelope and b"Signature" in out.envelope
    assert pending.finish(service.handle(out.envelope).envelope).kind == "renewed"

    class Boom(Exception):
        pass

    boom = Boom("no")

    def bad(env):
        raise boom

    with pytest.raises(Boom) as e:
        requestor.amend(ctx, add_claims=bad)
    assert e.value is boom
    with pytest.raises(TypeError):
        requestor.renew(ctx, reproof=lambda env: 42)

    def failing_transport(out):
        raise boom

    with pytest.raises(Boom) as e:
        requestor.obtain(failing_transport)
    assert e.value is boom
    with pytest.raises(TypeError, match="transport"):
        requestor.obtain(lambda out: None)


def test_finish_a_hand_built_response_with_an_encrypted_proof():
    # A service this face does not run: its response is built with the trust model.
    req = wssx.Requestor(wssx.RequestorConfig("x:sts", entropy="none"))
    ek = ('<xenc:EncryptedKey xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:CipherData>'
          "<xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>")
    sct = wssx.SecurityContextToken.generate("1.3")
    key = wssx.random_bytes(32)

    def response(pending):
        rstr = wssx.RequestSecurityTokenResponse(
            context=pending.context_attribute, token_type="SecurityContextToken", requested_token=sct, proof=ek,
            lifetime=3600)
        return wssx.Envelope.wrap(wssx.RequestSecurityTokenResponseCollection([rstr])).to_xml()

    seen = []

    def unwrap(xml):
        seen.append(xml)
        return key

    _, pending = req.issue()
    ctx = pending.finish(response(pending), unwrap=unwrap).context
    assert ctx.secret == key and ctx.sct == sct and seen == [ek]
    _, pending = req.issue()
    with pytest.raises(wssx.InvalidRequestError, match="private key"):
        pending.finish(response(pending))
    _, pending = req.issue()
    with pytest.raises(ZeroDivisionError):
        pending.finish(response(pending), unwrap=lambda xml: 1 / 0)
    _, pending = req.issue()
    with pytest.raises(TypeError):
        pending.finish(response(pending), unwrap=lambda xml: "not bytes")
    # a fault response raises its kind
    _, pending = req.issue()
    fault = wssx.Fault("InvalidScope", "1.3").to_envelope("1.2", addressing="2005/08")
    with pytest.raises(wssx.InvalidScopeError):
        pending.finish(fault.to_xml())


# ------------------------------------------------------------------------------------------
# Service policy and faults


def test_faults_come_back_typed():
    service = wssx.TokenService(key_size_range=(128, 256))
    r = service.handle(b"<not-soap/>")
    assert r.is_fault and r.operation is None
    with pytest.raises(wssx.InvalidRequestError):
        wssx.Envelope.from_xml(r.envelope).message()
    # out-of-policy key size
    req = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version="2005/02", key_size=512))
    with pytest.raises(wssx.InvalidRequestError):
        req.obtain(transport_for(service))
    # renewing a context the service never issued
    other = wssx.Requestor(wssx.RequestorConfig("x:sts")).obtain(transport_for(wssx.TokenService()))
    with pytest.raises(wssx.BadContextTokenError):
        wssx.Requestor(wssx.RequestorConfig("x:sts")).call(transport_for(service), "renew", other)
    # a renew for one context signed with another
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    a = req.obtain(transport_for(service))
    b = req.obtain(transport_for(service))
    forged = wssx.SecurityContext(a.sct, b.secret)
    with pytest.raises(wssx.WssxError):
        req.call(transport_for(service), "renew", forged)
    # policy getters
    assert (service.context_lifetime, service.default_key_size, service.key_size_range, service.clock_skew) == (1800.0, 256, (128, 256), 300.0)
    assert service.accept_requestor_entropy and not service.renew_expired
    with pytest.raises(ValueError):
        wssx.TokenService(default_key_size=1024)
    with pytest.raises(ValueError):
        wssx.RequestorConfig("x", entropy="some")
    with pytest.raises(ValueError):
        wssx.RequestorConfig("x", addressing="2006/01")
    with pytest.raises(ValueError):
        wssx.RequestorConfig("x", key_size=100)


def test_expired_contexts_need_renewal():
    service = wssx.TokenService(context_lifetime=0.05, clock_skew=0)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    ctx = req.obtain(transport_for(service))
    assert ctx.should_renew(margin=300) and not ctx.should_renew(margin=0, now=ctx.created)
    time.sleep(0.15)
    assert ctx.is_expired()
    assert not ctx.is_expired(now=ctx.created)
    with pytest.raises(wssx.RenewNeededError):
        service.verify_message(ctx.sign(APP))
    with pytest.raises(wssx.UnableToRenewError):
        req.call(transport_for(service), "renew", ctx)
    lenient = wssx.TokenService(context_lifetime=0.05, clock_skew=0, renew_expired=True)
    ctx = req.obtain(transport_for(lenient))
    time.sleep(0.15)
    renewed = req.call(transport_for(lenient), "renew", ctx).context
    assert renewed.instance and renewed.secret != ctx.secret


def test_authorizer_records_principal_and_refuses():
    seen = []

    def authorizer(operation, envelope, context):
        seen.append((operation, context.principal if context else None))
        assert isinstance(envelope, bytes) and b"RequestSecurityToken" in envelope
        if operation == "cancel":
            raise wssx.FailedAuthenticationError("no cancelling here")
        return "alice" if operation == "issue" else None

    store = wssx.MemoryStore()
    service = wssx.TokenService(store, authorizer=authorizer)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    ctx = req.obtain(transport_for(service))
    assert store.get(ctx.identifier).principal == "alice"
    req.call(transport_for(service), "validate", ctx)
    with pytest.raises(wssx.FailedAuthenticationError):
        req.call(transport_for(service), "cancel", ctx)
    assert not ctx.cancelled
    assert seen == [("issue", None), ("validate", "alice"), ("cancel", "alice")]

    class Oops(Exception):
        pass

    def broken(operation, envelope, context):
        raise Oops("bug")

    service = wssx.TokenService(authorizer=broken)
    out, _ = req.issue()
    with pytest.raises(Oops):
        service.handle(out.envelope)
    service = wssx.TokenService(authorizer=lambda *a: 7)
    with pytest.raises(TypeError, match="principal"):
        service.handle(out.envelope)
    with pytest.raises(TypeError):
        wssx.TokenService(authorizer=42)


# ------------------------------------------------------------------------------------------
# Stores


def test_memory_store_api():
    s = wssx.MemoryStore(2, rollover=60)
    now = datetime.now(timezone.utc)
    a = wssx.StoredContext("urn:a", b"k" * 32, created=now, expires=now + timedelta(hours=1), principal="p")
    assert s.get("urn:a") is None and len(s) == 0
    s.insert(a)
    assert s.get("urn:a") == a and len(s) == 1
    a2 = wssx.StoredContext("urn:a", b"n" * 32, instance="urn:i2", created=now, expires=now + timedelta(hours=1))
    s.insert(a2)
    # during the rollover, no instance names the first one (issued without wsc:Instance)
    assert s.get("urn:a") == a
    assert s.get("urn:a", "urn:i2") == a2
    assert s.get("urn:a", "urn:nope") is None
    a2.amendments = ["<x/>"]
    s.update(a2)
    assert s.get("urn:a", "urn:i2").amendments == ["<x/>"]
    s.insert(wssx.StoredContext("urn:b", b"k" * 32))
    with pytest.raises(wssx.RequestFailedError, match="full"):
        s.insert(wssx.StoredContext("urn:c", b"k" * 32))
    assert s.cancel("urn:a") and not s.cancel("urn:zzz")
    assert s.get("urn:a") == "cancelled"
    with pytest.raises(wssx.BadContextTokenError):
        s.update(a2)
    assert s.purge(now + timedelta(days=1)) == 2 and len(s) == 0
    assert s.purge() == 0
    # StoredContext is a plain record
    c = wssx.StoredContext("urn:x", b"s" * 16, version="2005/02", created=0, expires=60)
    assert c.version is wssx.ScVersion.FEB2005
    assert c.created == datetime(1970, 1, 1, tzinfo=timezone.utc) and c.expires - c.created == timedelta(minutes=1)
    c.principal = "bob"
    c.secret = bytearray(b"t" * 16)
    c.version = "1.3"
    c.instance = "urn:i"
    assert (c.principal, c.secret, c.instance) == ("bob", b"t" * 16, "urn:i")
    assert "s" * 16 not in repr(c) and "StoredContext('urn:x'" in repr(c)
    d = wssx.StoredContext("urn:y", b"s" * 16)
    assert d.expires - d.created == timedelta(minutes=30)


def test_memory_store_bound_is_a_fault():
    service = wssx.TokenService(wssx.MemoryStore(1))
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    req.obtain(transport_for(service))
    with pytest.raises(wssx.RequestFailedError):
        req.obtain(transport_for(service))


class Boom(Exception):
    pass


class FailingStore(DictStore):
    def __init__(self):
        super().__init__()
        self.fail = {}

    def _check(self, name):
        exc = self.fail.get(name)
        if exc is not None:
            raise exc

    def get(self, identifier, instance):
        self._check("get")
        return super().get(identifier, instance)

    def insert(self, ctx):
        self._check("insert")
        super().insert(ctx)

    def cancel(self, identifier):
        self._check("cancel")
        return super().cancel(identifier)


def test_exceptions_from_a_python_store():
    store = FailingStore()
    service = wssx.TokenService(store)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    transport = transport_for(service)
    ctx = req.obtain(transport)

    # Any non-wssx exception propagates out of handle unchanged (the very object).
    boom = Boom("database down")
    store.fail["get"] = boom
    out, pending = req.renew(ctx)
    with pytest.raises(Boom) as e:
        service.handle(out.envelope)
    assert e.value is boom
    with pytest.raises(Boom) as e:
        service.verify_message(ctx.sign(APP))
    assert e.value is boom
    store.fail.clear()
    # ... and leaves nothing behind: the next requests work
    assert service.verify_message(ctx.sign(APP)).body_signed
    assert pending.finish(service.handle(out.envelope).envelope).kind == "renewed"

    store.fail["insert"] = KeyError("slot")
    issue_out, _ = req.issue()
    with pytest.raises(KeyError):
        service.handle(issue_out.envelope)
    store.fail.clear()

    # A wssx error raised by the store is a refusal: a fault of its kind inside handle, the
    # exception itself from verify_message.
    refusal = wssx.UnsupportedContextTokenError("not on this node")
    store.fail["get"] = refusal
    out, pending = req.validate(ctx)
    resp = service.handle(out.envelope)
    assert resp.is_fault
    with pytest.raises(wssx.UnsupportedContextTokenError):
        pending.finish(resp.envelope)
    with pytest.raises(wssx.UnsupportedContextTokenError) as e:
        service.verify_message(ctx.sign(APP))
    assert e.value is refusal
    store.fail.clear()

    # A store answering nonsense is a TypeError for the caller.
    class Nonsense(DictStore):
        def get(self, identifier, instance):
            return 42

    service2 = wssx.TokenService(Nonsense())
    with pytest.raises(TypeError, match="StoredContext"):
        service2.verify_message(ctx.sign(APP))
    # a store without the protocol is refused up front
    with pytest.raises(TypeError, match="purge"):
        wssx.TokenService(type("NoPurge", (), {"get": 1, "insert": 1, "update": 1, "cancel": 1})())
    with pytest.raises(TypeError):
        wssx.TokenService({})


def test_python_store_is_called_on_the_handling_thread():
    store = DictStore()
    service = wssx.TokenService(store)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    results = {}

    def worker():
        results["ctx"] = req.obtain(transport_for(service))
        results["ident"] = threading.get_ident()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert store.threads == {results["ident"]}
    assert store.get(results["ctx"].identifier, None).secret == results["ctx"].secret


# ------------------------------------------------------------------------------------------
# Concurrency


@pytest.mark.parametrize("store_kind", ["memory", "python"])
def test_eight_threads_issue_and_cancel(store_kind):
    store = make_store(store_kind)
    service = wssx.TokenService(store)
    per_thread = 12
    errors = []
    issued = [[] for _ in range(8)]
    barrier = threading.Barrier(8)

    def worker(n):
        try:
            tv = "2005/02" if n % 2 == 0 else "1.3"
            soap = "1.1" if n % 4 < 2 else "1.2"
            req = wssx.Requestor(wssx.RequestorConfig("x:sts", trust_version=tv, soap_version=soap))
            transport = transport_for(service)
            barrier.wait()
            for _ in range(per_thread):
                ctx = req.obtain(transport)
                issued[n].append(ctx.identifier)
                assert service.verify_message(ctx.sign(app_envelope(soap))).signer_of("Body") == (ctx.identifier, None)
                outcome = req.call(transport, "cancel", ctx)
                assert outcome.kind == "cancelled" and ctx.cancelled
                try:
                    service.verify_message(wssx.sign(app_envelope(soap), ctx.sct, ctx.secret))
                except wssx.BadContextTokenError:
                    pass
                else:
                    raise AssertionError("a cancelled context was accepted")
                assert store.get(ctx.identifier, None) == "cancelled"
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    ids = [i for per in issued for i in per]
    assert len(ids) == len(set(ids)) == 8 * per_thread
    # nothing lost, nothing resurrected
    assert all(store.get(i, None) == "cancelled" for i in ids)
    if store_kind == "memory":
        assert len(store) == 8 * per_thread


def test_a_blocked_store_call_does_not_block_the_service():
    # While one request waits inside a Python store call, the same service answers others
    # from other threads (core holds no lock of its own across store calls).
    gate = threading.Event()
    release = threading.Event()
    first = [True]

    class SlowStore(DictStore):
        def insert(self, ctx):
            if first[0]:
                first[0] = False
                gate.set()
                assert release.wait(5)
            super().insert(ctx)

    store = SlowStore()
    service = wssx.TokenService(store)
    req = wssx.Requestor(wssx.RequestorConfig("x:sts"))
    out, pending = req.issue()
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("r", service.handle(out.envelope)))
    t.start()
    assert gate.wait(5)
    other = req.obtain(transport_for(service))
    assert service.verify_message(other.sign(APP)).body_signed
    release.set()
    t.join(5)
    ctx = pending.finish(box["r"].envelope).context
    assert store.get(ctx.identifier, None).secret == ctx.secret


def test_long_work_releases_the_gil():
    from test_derive import _runs_without_the_gil

    blob = '<x:Blob xmlns:x="urn:x">' + "A" * (16 << 20) + "</x:Blob>"
    rst = wssx.RequestSecurityToken(token_type="SecurityContextToken", extensions=[blob])
    request = wssx.Envelope.wrap(rst).to_xml()
    service = wssx.TokenService()
    running, resp = _runs_without_the_gil(lambda: service.handle(request))
    assert running and not resp.is_fault and resp.operation == "issue"
    running, parsed = _runs_without_the_gil(lambda: wssx.RequestSecurityToken.from_xml(request))
    assert running and len(parsed.extensions[0]) == len(blob)
    ctx = wssx.Requestor(wssx.RequestorConfig("x:sts")).obtain(transport_for(service))
    big_app = APP.replace(b"hello", b"A" * (16 << 20))
    signed = ctx.sign(big_app)
    running, report = _runs_without_the_gil(lambda: service.verify_message(signed))
    assert running and report.body_signed


# ------------------------------------------------------------------------------------------
# SecurityContext


def test_security_context_object():
    sct = wssx.SecurityContextToken.generate("2005/02")
    sct.id = "sct-1"
    ctx = wssx.SecurityContext(sct, b"k" * 32, expires=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert ctx.trust_version is wssx.TrustVersion.FEB2005 and ctx.created is None
    assert ctx.sct == sct and ctx.identifier == sct.identifier
    assert not ctx.should_renew(now=datetime(2029, 12, 31, 23, 0, tzinfo=timezone.utc))
    assert ctx.should_renew(3601, now=datetime(2029, 12, 31, 23, 0, tzinfo=timezone.utc))
    assert ctx.should_renew(timedelta(hours=2), now=datetime(2029, 12, 31, 23, 0, tzinfo=timezone.utc))
    assert not ctx.is_expired() and ctx.is_expired(now=datetime(2031, 1, 1))
    assert ctx.is_expired(now=datetime(2030, 1, 1, 0, 0, 1), skew=0) and not ctx.is_expired(now=datetime(2030, 1, 1, 0, 0, 1), skew=5)
    signed = ctx.sign(APP, timestamp_ttl=None, suite="Basic128")
    report = ctx.verify(signed)
    assert report.body_signed and report.timestamp is None
    assert wssx.verify(signed, {sct.identifier: b"k" * 32}).body_signed
    assert ctx.verify(ctx.encrypt(APP, gcm=True)).body_decrypted
    with pytest.raises(TypeError):
        ctx.sign(APP, colour="blue")
    ctx.cancelled = True
    for f in (ctx.sign, ctx.encrypt, ctx.sign_and_encrypt, ctx.verify):
        with pytest.raises(wssx.BadContextTokenError):
            f(APP)
    assert "k" * 32 not in repr(ctx) and "cancelled=True" in repr(ctx)
    nokey = wssx.SecurityContext(wssx.SecurityContextToken.generate(), b"k" * 32)
    assert not nokey.should_renew() and not nokey.is_expired()


def test_challenge_then_token_wssc_a2():
    import wssx

    svc = wssx.TokenService(wssx.MemoryStore(), challenge=True)
    req = wssx.Requestor(wssx.RequestorConfig(to="x:sts", trust_version="2005/02"))
    out, pending = req.issue()
    outcome = pending.finish(svc.handle(out.envelope).envelope)
    assert outcome.kind == "challenge" and outcome.challenge
    out2, pending2 = req.answer_challenge(outcome, sign=lambda env: env)
    done = pending2.finish(svc.handle(out2.envelope).envelope)
    assert done.kind == "issued" and len(done.context.secret) == 32
    import pytest

    with pytest.raises(ValueError):
        req.answer_challenge(outcome)  # a challenge is answered once
