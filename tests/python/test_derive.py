"""Key derivation: derive_key, p_sha1, computed_key, random_bytes, limits and threads."""

import hashlib
import hmac
import random
import sys
import threading
import time

import pytest

import wssx
from refimpl import DEFAULT_LABEL, derive, p_sha1


def test_default_label():
    assert wssx.DEFAULT_LABEL == DEFAULT_LABEL == "WS-SecureConversation" * 2
    assert wssx.DEFAULT_LENGTH == 32
    assert wssx.DEFAULT_NONCE_LENGTH == 16


def test_p_sha1_first_block_by_hand():
    # P_SHA1 block 1 = HMAC(secret, A(1) + seed), A(1) = HMAC(secret, seed).
    secret, seed = b"secret", b"seed"
    a1 = hmac.new(secret, seed, hashlib.sha1).digest()
    block1 = hmac.new(secret, a1 + seed, hashlib.sha1).digest()
    assert wssx.p_sha1(secret, seed, 20) == block1
    assert wssx.p_sha1(secret, seed, 7, offset=3) == block1[3:10]


@pytest.mark.parametrize("seed", range(300))
def test_derive_key_matches_reference(seed):
    rng = random.Random(seed)
    secret = rng.randbytes(rng.choice([1, 16, 20, 24, 32, 64, 65, 200])) if hasattr(rng, "randbytes") else bytes(
        rng.getrandbits(8) for _ in range(rng.choice([1, 16, 20, 24, 32, 64, 65, 200])))
    label = rng.choice([DEFAULT_LABEL, "", "WS-SecureConversation", "custom label", "ключ-ラベル", "x" * 128])
    nonce = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 16, 32, 128])))
    # offsets past the first block, lengths that are not multiples of 20
    offset = rng.choice([0, 1, 19, 20, 21, 39, 40, 41, 64, 99, 1000, rng.randrange(0, 4097)])
    length = rng.choice([1, 16, 19, 20, 21, 24, 32, 33, 61, 100, 256, rng.randrange(1, 1025)])
    want = derive(secret, label, nonce, offset, length)
    # the fixed positional order secret, label, nonce, offset, length (interop driver)
    assert wssx.derive_key(secret, label, nonce, offset, length) == want
    assert wssx.derive_key(secret=secret, label=label, nonce=nonce, offset=offset, length=length) == want
    assert wssx.p_sha1(secret, label.encode() + nonce, length, offset) == want


def test_derive_key_defaults():
    secret = b"\x01" * 32
    assert wssx.derive_key(secret) == derive(secret, DEFAULT_LABEL, b"", 0, 32)
    assert len(wssx.derive_key(secret, length=24)) == 24
    assert wssx.derive_key(bytearray(secret), nonce=bytearray(b"n")) == derive(secret, DEFAULT_LABEL, b"n", 0, 32)


def test_derive_key_slices_agree():
    secret, nonce = b"s" * 20, b"nonce-nonce-1234"
    full = wssx.derive_key(secret, DEFAULT_LABEL, nonce, 0, 1024)
    for off in (0, 5, 20, 21, 100, 999):
        for ln in (1, 19, 20, 21, 24):
            if off + ln <= 1024:
                assert wssx.derive_key(secret, DEFAULT_LABEL, nonce, off, ln) == full[off:off + ln]


def test_derive_key_limits():
    s = b"secret"
    assert len(wssx.derive_key(s, "x" * 128, b"\0" * 128, 4096, 1024)) == 1024  # all at the limit
    cases = [
        dict(offset=4097),
        dict(offset=10**30),  # beyond 64 bits: still a LimitExceededError, not OverflowError
        dict(length=1025),
        dict(length=2**64),
        dict(label="x" * 129),
        dict(label="й" * 65),  # 130 UTF-8 bytes
        dict(nonce=b"\0" * 129),
    ]
    for kw in cases:
        with pytest.raises(wssx.LimitExceededError) as ei:
            wssx.derive_key(s, **kw)
        e = ei.value
        assert isinstance(e, wssx.WssxError)
        assert e.kind == "LimitExceeded"
        assert e.fault_code == ("wst", "InvalidRequest")
        assert "limit" in e.message
    with pytest.raises(wssx.InvalidArgumentError) as ei:
        wssx.derive_key(s, length=0)
    assert ei.value.kind == "InvalidArgument"
    assert isinstance(ei.value, ValueError)


def test_derive_key_type_errors():
    with pytest.raises(TypeError):
        wssx.derive_key("secret")
    with pytest.raises(TypeError):
        wssx.derive_key([1, 2, 3])
    with pytest.raises(TypeError):
        wssx.derive_key(b"s", b"bytes label")
    with pytest.raises(TypeError):
        wssx.derive_key(b"s", nonce="str nonce")
    with pytest.raises(TypeError):
        wssx.derive_key(b"s", offset=1.5)
    with pytest.raises(TypeError):
        wssx.derive_key(b"s", length="32")
    with pytest.raises(TypeError):
        wssx.derive_key(b"s", DEFAULT_LABEL, b"", 0, 32, 99)
    with pytest.raises(TypeError):
        wssx.derive_key()
    with pytest.raises(ValueError):
        wssx.derive_key(b"s", offset=-1)
    with pytest.raises(ValueError):
        wssx.derive_key(b"s", length=-32)


def test_p_sha1_limits_and_types():
    assert len(wssx.p_sha1(b"k", b"seed", 1024, 4096)) == 1024
    with pytest.raises(wssx.LimitExceededError):
        wssx.p_sha1(b"k", b"seed", 32, 4097)
    with pytest.raises(wssx.LimitExceededError):
        wssx.p_sha1(b"k", b"seed", 1025)
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.p_sha1(b"k", b"seed", 0)
    with pytest.raises(TypeError):
        wssx.p_sha1(b"k", "seed", 20)


@pytest.mark.parametrize("bits", [8, 128, 192, 256, 512, 1000, 8192])
def test_computed_key(bits):
    rng = random.Random(bits)
    req = bytes(rng.getrandbits(8) for _ in range(32))
    iss = bytes(rng.getrandbits(8) for _ in range(rng.choice([16, 32, 64])))
    assert wssx.computed_key(req, iss, bits) == p_sha1(req, iss, bits // 8)


def test_computed_key_errors():
    for bits in (0, 12, 257):
        with pytest.raises(wssx.InvalidArgumentError):
            wssx.computed_key(b"a", b"b", bits)
    for bits in (8200, 2**20, 2**40, 10**30):
        with pytest.raises(wssx.LimitExceededError):
            wssx.computed_key(b"a", b"b", bits)
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.computed_key(b"", b"b", 128)
    with pytest.raises(wssx.InvalidArgumentError):
        wssx.computed_key(b"a", b"", 128)
    with pytest.raises(ValueError):
        wssx.computed_key(b"a", b"b", -256)
    with pytest.raises(TypeError):
        wssx.computed_key("a", b"b", 256)
    with pytest.raises(TypeError):
        wssx.computed_key(b"a", b"b", 256.0)


def test_random_bytes():
    assert wssx.random_bytes(0) == b""
    a, b = wssx.random_bytes(32), wssx.random_bytes(32)
    assert isinstance(a, bytes) and len(a) == 32 and a != b
    assert len(wssx.random_bytes(100_000)) == 100_000
    with pytest.raises(ValueError):
        wssx.random_bytes(-1)
    with pytest.raises(ValueError):
        wssx.random_bytes(2**40)
    with pytest.raises(TypeError):
        wssx.random_bytes("16")


def test_random_bytes_differ_after_fork():
    # Small requests come from a per-thread block; a forked child must not repeat the
    # parent's next bytes (the block is dropped when the process id changes).
    import os

    wssx.random_bytes(16)  # fill the parent's block
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(w, wssx.random_bytes(16) + wssx.random_bytes(16))
        os._exit(0)
    os.close(w)
    child = b""
    while len(child) < 32:
        chunk = os.read(r, 32 - len(child))
        if not chunk:
            break
        child += chunk
    os.close(r)
    os.waitpid(pid, 0)
    parent = wssx.random_bytes(16) + wssx.random_bytes(16)
    assert len(child) == 32
    assert child[:16] != parent[:16] and child[16:] != parent[16:]
    # Distinct draws within one thread, across many block refills.
    seen = {wssx.random_bytes(16) for _ in range(5000)}
    assert len(seen) == 5000


def test_derivations_in_threads():
    rng = random.Random(7)
    jobs = []
    for _ in range(200):
        secret = bytes(rng.getrandbits(8) for _ in range(32))
        nonce = bytes(rng.getrandbits(8) for _ in range(16))
        jobs.append((secret, DEFAULT_LABEL, nonce, rng.randrange(0, 4000), rng.randrange(1, 1025)))
    want = [derive(*j) for j in jobs]
    results = {}
    errors = []

    def work(i):
        try:
            for _ in range(5):
                got = [wssx.derive_key(*j) for j in jobs]
                results.setdefault(i, got)
                assert got == want
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r == want for r in results.values())


def _long_dkt():
    sct = wssx.SecurityContextToken("urn:uuid:gil-test")
    sct.id = "ctx"
    dkt = wssx.DerivedKeyToken.for_context(sct)
    dkt.offset = 20_000_000  # a million HMAC blocks skipped: tens of milliseconds
    return dkt


def test_large_offset_matches_reference():
    dkt = _long_dkt()
    dkt.offset = 200_000
    secret = b"k" * 32
    want = p_sha1(secret, DEFAULT_LABEL.encode() + dkt.nonce, 32, 200_000)
    assert dkt.derive(secret, max_offset=200_000) == want
    with pytest.raises(wssx.LimitExceededError):
        dkt.derive(secret, max_offset=199_999)


def _runs_without_the_gil(fn):
    """True when the main thread gets to run while ``fn`` is still running in a worker.

    With the switch interval raised out of reach the interpreter never forces a GIL
    hand-off, so the main thread (waiting for the worker to start) can only resume while
    ``fn`` runs if ``fn`` itself released the GIL; otherwise it resumes after ``fn`` is done.
    """
    started = threading.Event()
    out = []

    def worker():
        started.set()
        out.append(fn())

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        t = threading.Thread(target=worker)
        t.start()
        started.wait()
        running = not out
        t.join()
    finally:
        sys.setswitchinterval(old)
    return running, out[0]


def test_long_work_releases_the_gil():
    dkt = _long_dkt()
    secret = b"k" * 32
    t0 = time.perf_counter()
    expected = dkt.derive(secret, max_offset=10**8)
    if time.perf_counter() - t0 < 0.005:
        pytest.skip("derivation too fast to observe")
    running, got = _runs_without_the_gil(lambda: dkt.derive(secret, max_offset=10**8))
    assert running and got == expected
    # parsing a big document too (a 16 MiB extension inside an SCT)
    big = (b'<wsc:SecurityContextToken xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512">'
           b'<wsc:Identifier>urn:x</wsc:Identifier><x:Blob xmlns:x="urn:x">' + b"A" * (16 << 20) +
           b'</x:Blob></wsc:SecurityContextToken>')
    running, sct = _runs_without_the_gil(lambda: wssx.SecurityContextToken.from_xml(big))
    assert running and sct.identifier == "urn:x"
    # the control: work that holds the GIL is caught
    assert _runs_without_the_gil(lambda: sum(range(3_000_000)))[0] is False
