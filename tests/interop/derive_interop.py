#!/usr/bin/env python3
"""derive_interop.py -- interop check of WS-SecureConversation key derivation.

Compares, byte for byte, wssx's P_SHA1 derived keys (DKT derivation and CK/PSHA1
computed keys) against two real peers and a third opinion:
  * Apache WSS4J 1.6 (java/DeriveOracle.java, WSS4J's P_SHA1 class)
  * gSOAP 2.8 (gsoap/psha1_oracle.c, soap_psha1 from the wsse plugin)
  * a tiny pure-Python P_SHA1 kept here (hmac + hashlib)
then wssx's Python face (wssx.derive_key / wssx.computed_key) and, with --cli,
about 50 vectors through the wssx CLI.

Usage: python derive_interop.py --oracles OUTDIR [--cli WSSX] [--count N] [--seed S]
                                [--max-label-bytes B] [--reference-only]
OUTDIR is what build.sh built. --reference-only skips wssx (tests the oracles).
N random derive vectors (plus 13 fixed edge cases) and max(10, N/10) computed-key
vectors. Labels longer than wssx's limit (B, default 128 UTF-8 bytes) are still
cross-checked between the peers, and wssx must refuse them.
Prints one line per disagreement and ends with "derive-interop: N passed, M failed".
"""
import argparse
import base64
import hashlib
import hmac
import os
import random
import subprocess
import sys

DEFAULT_LABEL = "WS-SecureConversationWS-SecureConversation"


def b64(data):
    return base64.b64encode(data).decode("ascii")


def p_sha1(secret, seed, n):
    """RFC 2246 section 5 P_hash with HMAC-SHA1, first n bytes."""
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha1).digest()
        out += hmac.new(secret, a + seed, hashlib.sha1).digest()
    return out[:n]


# ---------------------------------------------------------------- vectors

def random_text(rng, n):
    """Random Unicode text (no surrogates, no NUL): ASCII, Latin, Greek, CJK, emoji, combining."""
    ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x300, 0x36F), (0x4E00, 0x4FFF),
              (0x3040, 0x30FF), (0x1F300, 0x1F64F), (0x10000, 0x1007F), (0xFFF0, 0xFFFD)]
    chars = []
    for _ in range(n):
        if rng.random() < 0.03:
            chars.append(rng.choice("\t\n\r "))
        else:
            lo, hi = rng.choice(ranges)
            chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars)


def text_of_bytes(rng, nbytes):
    """Random Unicode text of exactly nbytes UTF-8 bytes."""
    text = random_text(rng, nbytes)
    while len(text.encode("utf-8")) > nbytes:
        text = text[:-1]
    return text + "x" * (nbytes - len(text.encode("utf-8")))


def random_label(rng):
    kind = rng.random()
    if kind < 0.12:
        return ""
    if kind < 0.40:
        return DEFAULT_LABEL
    if kind < 0.55:
        return rng.choice(["WS-SecureConversation", "MyLabel", "label", "ClientLabelServiceLabel"])
    if kind < 0.83:
        return random_text(rng, rng.randint(1, 30))
    if kind < 0.95:
        return text_of_bytes(rng, rng.randint(100, 128))  # long, up to wssx's default limit
    return random_text(rng, rng.randint(100, 1500))       # very long: beyond wssx's limit


def random_secret(rng):
    if rng.random() < 0.45:
        return rng.randbytes(rng.choice([16, 24, 32]))
    return rng.randbytes(rng.randint(1, 128))


def random_offset(rng):
    kind = rng.random()
    if kind < 0.25:
        return 0
    if kind < 0.40:
        return 20 * rng.randint(1, 15)                  # block boundaries
    if kind < 0.55:
        return rng.choice([1, 19, 21, 31, 32, 37, 39, 41, 64, 99, 255, 299, 300])
    return rng.randint(0, 300)


def random_length(rng):
    kind = rng.random()
    if kind < 0.30:
        return 32
    if kind < 0.45:
        return rng.choice([1, 16, 19, 20, 21, 24, 40, 64, 199, 200])
    return rng.randint(1, 200)


def fixed_vectors():
    """Always-run edge cases: block boundaries, default label, empty label/nonce."""
    secret, nonce = b"secret", bytes(range(16))
    return [(secret, DEFAULT_LABEL, nonce, off, n) for off, n in
            [(0, 32), (0, 20), (20, 20), (19, 2), (0, 1), (39, 1), (40, 41), (300, 200), (0, 200)]] + \
           [(secret, "", b"", 0, 32), (secret, "", nonce, 21, 37), (b"\x00", DEFAULT_LABEL, b"", 5, 16),
            (bytes(128), "WS-SecureConversation", nonce, 280, 64)]


def make_vectors(rng, count):
    derive = fixed_vectors()
    for _ in range(count):
        nonce = rng.randbytes(16) if rng.random() < 0.5 else rng.randbytes(rng.randint(0, 64))
        derive.append((random_secret(rng), random_label(rng), nonce,
                       random_offset(rng), random_length(rng)))
    ck = []
    for _ in range(max(10, count // 10)):
        req = rng.randbytes(rng.choice([16, 32, rng.randint(1, 128)]))
        iss = rng.randbytes(rng.choice([16, 32, rng.randint(1, 128)]))
        bits = rng.choice([128, 192, 256, 256, 512, 8 * rng.randint(1, 200)])
        ck.append((req, iss, bits))
    return derive, ck


def expected_derive(v):
    secret, label, nonce, offset, length = v
    return b64(p_sha1(secret, label.encode("utf-8") + nonce, offset + length)[offset:])


def expected_ck(v):
    req, iss, bits = v
    return b64(p_sha1(req, iss, bits // 8))


def tsv_derive(v):
    secret, label, nonce, offset, length = v
    return "\t".join([b64(secret), b64(label.encode("utf-8")), b64(nonce), str(offset), str(length)])


def tsv_ck(v):
    req, iss, bits = v
    return "\t".join([b64(req), b64(iss), str(bits)])


# ---------------------------------------------------------------- peers

def run_oracle(name, argv, lines):
    """Run one oracle process on the whole batch; returns its answers (one per line)."""
    try:
        res = subprocess.run(argv, input="\n".join(lines) + "\n", capture_output=True,
                             text=True, encoding="utf-8", timeout=600)
    except OSError as e:
        sys.exit(f"derive-interop: cannot run the {name} oracle {argv[0]}: {e} (run build.sh first)")
    out = res.stdout.split("\n")[:-1] if res.stdout.endswith("\n") else res.stdout.split("\n")
    if res.returncode != 0 or len(out) != len(lines):
        sys.exit(f"derive-interop: {name} oracle failed (exit {res.returncode}, "
                 f"{len(out)} answers for {len(lines)} vectors): {res.stderr.strip()[:2000]}")
    return out


def oracles(outdir, mode_args, lines):
    cp_file = os.path.join(outdir, "java", "classpath")
    gsoap = os.path.join(outdir, "psha1_oracle")
    for path in (cp_file, gsoap):
        if not os.path.exists(path):
            sys.exit(f"derive-interop: {path} missing: run tests/interop/build.sh {outdir}")
    with open(cp_file) as f:
        cp = f.read().strip()
    return {
        "wss4j": run_oracle("WSS4J", ["java", "-cp", cp, "DeriveOracle"] + mode_args, lines),
        "gsoap": run_oracle("gSOAP", [gsoap] + mode_args, lines),
    }


def import_wssx():
    try:
        import wssx
    except Exception as e:  # ImportError, or a broken extension module
        sys.exit(f"derive-interop: cannot import wssx ({type(e).__name__}: {e}); "
                 f"run with the venv that has the wssx Python face installed, "
                 f"or pass --reference-only")
    for fn in ("derive_key", "computed_key"):
        if not callable(getattr(wssx, fn, None)):
            sys.exit(f"derive-interop: wssx has no callable {fn}() (wssx from {wssx.__file__})")
    return wssx


def call(fn, *args):
    try:
        return b64(bytes(fn(*args)))
    except Exception as e:
        return f"EXCEPTION {type(e).__name__}: {e}"


def run_cli(cli, argv):
    try:
        res = subprocess.run([cli] + argv, capture_output=True, text=True,
                             encoding="utf-8", errors="replace", timeout=60)
    except OSError as e:
        sys.exit(f"derive-interop: cannot run wssx CLI {cli}: {e}")
    if res.returncode != 0:
        return f"EXIT {res.returncode}: {res.stderr.strip()[:300]}"
    return res.stdout.strip()


def cli_safe(v):
    """Labels that can travel as one argv word without looking like an option."""
    label = v[1]
    return "\0" not in label and not label.startswith("-")


# ---------------------------------------------------------------- main

def describe_derive(v):
    secret, label, nonce, offset, length = v
    shown = label if len(label) <= 60 else label[:57] + "..."
    return (f"derive secret={b64(secret)} label={shown!r} (utf8 {len(label.encode('utf-8'))} bytes) "
            f"nonce={b64(nonce)} offset={offset} length={length}")


def describe_ck(v):
    req, iss, bits = v
    return f"computed-key req={b64(req)} iss={b64(iss)} bits={bits}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--oracles", required=True, help="OUTDIR built by build.sh")
    ap.add_argument("--cli", help="path to the wssx binary (checks ~50 vectors through it)")
    ap.add_argument("--count", type=int, default=2000, help="number of derive vectors")
    ap.add_argument("--seed", type=int, default=20051202, help="RNG seed")
    ap.add_argument("--max-label-bytes", type=int, default=128,
                    help="wssx's label limit (DerivationLimits default 128, WCF's): wssx must "
                         "refuse longer labels, which the oracles still cross-check; 0 = no limit")
    ap.add_argument("--reference-only", action="store_true",
                    help="skip wssx: only oracles vs the built-in Python P_SHA1")
    args = ap.parse_args()

    wssx = None if args.reference_only else import_wssx()
    rng = random.Random(args.seed)
    derive, ck = make_vectors(rng, args.count)
    print(f"derive-interop: seed {args.seed}, {len(derive)} derive + {len(ck)} computed-key vectors"
          + (" (reference only)" if args.reference_only else ""))

    ans_d = oracles(args.oracles, [], [tsv_derive(v) for v in derive])
    ans_c = oracles(args.oracles, ["ck"], [tsv_ck(v) for v in ck])

    passed = failed = 0

    def judge(desc, answers, refuse=False):
        """The peers must agree; wssx (keys starting "wssx") must agree too, or
        refuse (exception / non-zero exit) when the vector is beyond its limits."""
        nonlocal passed, failed
        peers = {a for who, a in answers.items() if not who.startswith("wssx")}
        good = len(peers) == 1 and not next(iter(peers)).startswith("ERROR")
        for who, a in answers.items():
            if who.startswith("wssx"):
                good = good and (a.startswith(("EXCEPTION", "EXIT")) if refuse else a in peers)
        if good:
            passed += 1
        else:
            failed += 1
            print("MISMATCH " + desc + ("  [wssx must refuse: label over its limit]" if refuse else ""))
            for who, a in answers.items():
                print(f"    {who:>10}: {a}")

    def over_limit(v):
        return args.max_label_bytes > 0 and len(v[1].encode("utf-8")) > args.max_label_bytes

    for i, v in enumerate(derive):
        answers = {"reference": expected_derive(v), "wss4j": ans_d["wss4j"][i], "gsoap": ans_d["gsoap"][i]}
        if wssx:
            answers["wssx-py"] = call(wssx.derive_key, v[0], v[1], v[2], v[3], v[4])
        judge(describe_derive(v), answers, over_limit(v))
    for i, v in enumerate(ck):
        answers = {"reference": expected_ck(v), "wss4j": ans_c["wss4j"][i], "gsoap": ans_c["gsoap"][i]}
        if wssx:
            answers["wssx-py"] = call(wssx.computed_key, v[0], v[1], v[2])
        judge(describe_ck(v), answers)

    if args.cli and not args.reference_only:
        # ~50 vectors through the CLI: all kinds, the oracles' answers alongside
        idx = [i for i, v in enumerate(derive) if cli_safe(v)]
        for i in rng.sample(idx, min(42, len(idx))):
            s, label, nonce, off, length = derive[i]
            answers = {"reference": expected_derive(derive[i]), "wss4j": ans_d["wss4j"][i],
                       "wssx-cli": run_cli(args.cli, ["derive", b64(s), label, b64(nonce), str(off), str(length)])}
            judge("cli " + describe_derive(derive[i]), answers, over_limit(derive[i]))
        for i in rng.sample(range(len(ck)), min(8, len(ck))):
            req, iss, bits = ck[i]
            answers = {"reference": expected_ck(ck[i]), "wss4j": ans_c["wss4j"][i],
                       "wssx-cli": run_cli(args.cli, ["computed-key", b64(req), b64(iss), str(bits)])}
            judge("cli " + describe_ck(ck[i]), answers)

    print(f"derive-interop: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
