#!/usr/bin/env python3
"""tokens_interop.py -- interop check of wssx against SCT/DKT XML written by Apache WSS4J.

Reads the fixtures java/TokenFixtures.java wrote (sct-<n>.xml/.json, dkt-<n>.xml/.json/
.expected) and checks, for every token:
  * derive   (DKTs): `wssx dkt-derive <secretB64>` with the DKT on stdin prints the key
                     WSS4J derived (or, where WSS4J departs from WS-SC - it ignores
                     Generation - the spec key on the .expected "spec" line)
  * inspect:         `wssx inspect` with the token on stdin prints JSON holding the
                     fields WSS4J wrote (.json sidecar)
  * roundtrip:       wssx.SecurityContextToken / DerivedKeyToken .from_xml(bytes).to_xml()
                     is equivalent to the WSS4J original under `xmllint --exc-c14n`

Usage: python tokens_interop.py --fixtures DIR --cli WSSX [--no-python]
Ends with "tokens-interop: N passed, M failed"; exit status 1 if M > 0.
"""
import argparse
import base64
import binascii
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

passed = failed = 0


def ok():
    global passed
    passed += 1


def fail(name, check, *details):
    global failed
    failed += 1
    print(f"FAIL {name} {check}")
    for d in details:
        print("    " + str(d))


def run_cli(cli, argv, stdin):
    try:
        return subprocess.run([cli] + argv, input=stdin, capture_output=True, timeout=60)
    except OSError as e:
        sys.exit(f"tokens-interop: cannot run wssx CLI {cli}: {e}")


def b64bytes(s):
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, TypeError, ValueError):
        return None


# ---------------------------------------------------------------- checks

def check_derive(cli, name, xml, expected_path):
    with open(expected_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    secret, wss4j_key = lines[0].strip(), lines[1].strip()
    want, why = wss4j_key, None
    spec = [l.split() for l in lines[2:] if l.startswith("spec ")]
    if spec:
        want, why = spec[0][1], spec[0][2] if len(spec[0]) > 2 else "spec"
    res = run_cli(cli, ["dkt-derive", secret], xml)
    got = res.stdout.decode("utf-8", "replace").strip()
    if res.returncode == 0 and got == want:
        ok()
        if why:
            print(f"note {name}: {why}: WSS4J derived {wss4j_key}, wssx and WS-SC give {want}")
        return
    details = [f"secret    {secret}", f"expected  {want}" + (f"  ({why})" if why else ""),
               f"WSS4J     {wss4j_key}",
               f"wssx      {got!r} (exit {res.returncode}) {res.stderr.decode('utf-8', 'replace').strip()[:300]}"]
    if why and got == wss4j_key:
        details.append("wssx matches WSS4J's non-conformant key, not the WS-SC spec key")
    fail(name, "dkt-derive", *details)


def same_value(key, want, got):
    if key == "nonce" and want is not None and got is not None:
        return b64bytes(want) is not None and b64bytes(want) == b64bytes(got)
    if isinstance(want, dict):
        return isinstance(got, dict) and all(same_value(k, v, got.get(k)) for k, v in want.items())
    return want == got


def check_inspect(cli, name, xml, json_path):
    with open(json_path, encoding="utf-8") as f:
        want = json.load(f)
    res = run_cli(cli, ["inspect"], xml)
    out = res.stdout.decode("utf-8", "replace")
    try:
        got = json.loads(out)
    except ValueError as e:
        fail(name, "inspect", f"not JSON ({e}), exit {res.returncode}: {out.strip()[:300]!r}",
             res.stderr.decode("utf-8", "replace").strip()[:300])
        return
    if not isinstance(got, dict):
        fail(name, "inspect", f"JSON is not an object: {out.strip()[:300]}")
        return
    bad = [f"{k}: WSS4J wrote {v!r}, wssx says {got.get(k, '<missing>')!r}"
           for k, v in want.items() if not same_value(k, v, got.get(k)) or k not in got]
    if bad:
        fail(name, "inspect", *bad)
    else:
        ok()


def c14n(path):
    res = subprocess.run(["xmllint", "--exc-c14n", path], capture_output=True)
    if res.returncode != 0:
        return None, res.stderr.decode("utf-8", "replace").strip()[:300]
    return res.stdout, None


def check_roundtrip(cls, name, xml, tmp):
    try:
        out = cls.from_xml(xml).to_xml()
        if isinstance(out, str):
            out = out.encode("utf-8")
        out = bytes(out)
    except Exception as e:
        fail(name, "roundtrip", f"{cls.__name__}.from_xml(...).to_xml() raised {type(e).__name__}: {e}")
        return
    orig_path, rt_path = os.path.join(tmp, name + ".orig.xml"), os.path.join(tmp, name + ".rt.xml")
    with open(orig_path, "wb") as f:
        f.write(xml)
    with open(rt_path, "wb") as f:
        f.write(out)
    a, err_a = c14n(orig_path)
    b, err_b = c14n(rt_path)
    if a is None or b is None:
        fail(name, "roundtrip", f"xmllint --exc-c14n failed: {err_a or ''} {err_b or ''}",
             f"wssx wrote: {out[:500]!r}")
    elif a != b:
        fail(name, "roundtrip", "exc-c14n differs", f"WSS4J: {a.decode('utf-8', 'replace')}",
             f"wssx:  {b.decode('utf-8', 'replace')}")
    else:
        ok()


# ---------------------------------------------------------------- main

def natural(path):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", os.path.basename(path))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", required=True, help="directory written by TokenFixtures")
    ap.add_argument("--cli", required=True, help="path to the wssx binary")
    ap.add_argument("--no-python", action="store_true", help="skip the Python round-trip checks")
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.fixtures, "sct-*.xml")), key=natural) + \
        sorted(glob.glob(os.path.join(args.fixtures, "dkt-*.xml")), key=natural)
    if not files:
        sys.exit(f"tokens-interop: no sct-*.xml / dkt-*.xml in {args.fixtures}: run TokenFixtures first")
    if not (os.path.isfile(args.cli) and os.access(args.cli, os.X_OK)) and not shutil.which(args.cli):
        sys.exit(f"tokens-interop: wssx CLI {args.cli} not found or not executable")
    if shutil.which("xmllint") is None:
        sys.exit("tokens-interop: xmllint missing -- apt-get install libxml2-utils")

    wssx = None
    if not args.no_python:
        try:
            import wssx
        except Exception as e:
            sys.exit(f"tokens-interop: cannot import wssx ({type(e).__name__}: {e}); run with the venv "
                     f"that has the wssx Python face installed, or pass --no-python")
        for cls in ("SecurityContextToken", "DerivedKeyToken"):
            if not hasattr(getattr(wssx, cls, None), "from_xml"):
                sys.exit(f"tokens-interop: wssx.{cls}.from_xml missing (wssx from {wssx.__file__})")

    print(f"tokens-interop: {len(files)} WSS4J tokens from {args.fixtures}")
    with tempfile.TemporaryDirectory(prefix="tokens-interop-") as tmp:
        for path in files:
            name = os.path.basename(path)[:-4]
            base = path[:-4]
            with open(path, "rb") as f:
                xml = f.read()
            is_dkt = name.startswith("dkt-")
            if is_dkt:
                check_derive(args.cli, name, xml, base + ".expected")
            check_inspect(args.cli, name, xml, base + ".json")
            if wssx:
                cls = wssx.DerivedKeyToken if is_dkt else wssx.SecurityContextToken
                check_roundtrip(cls, name, xml, tmp)

    print(f"tokens-interop: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
