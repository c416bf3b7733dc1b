#!/usr/bin/env python3
"""WS-Security message protection interop: wssx vs Apache WSS4J 1.6 and gSOAP 2.8.

Every case is "producer -> consumer, expected exit code":
  (a) WSS4J signs / encrypts (SCT + DKTs)           -> wssx verify-sct          exit 0
  (b) wssx sign-sct / encrypt-sct / sign-encrypt-sct -> WSS4J WSSecurityEngine   exit 0
  (c) encryption and sign + encrypt, both orders, both directions
  (d) gSOAP raw-key sign -> wssx; wssx --raw-key     -> gSOAP verify            exit 0
  (e) xmlsec1 on wssx (and peer) HMAC signatures     (xmlsec.sh)               exit 0
  (f) tampering (signed bytes, digests, key, nonce, element order, signature wrapping,
      duplicate Ids, HMAC truncation, dropped signature, wrong identifier)
      -> wssx verify-sct exit 1, and the producing peer as a control          exit 1
  (g) the committed samples/ (real WSS4J and gSOAP messages) -> wssx       exit 0
Each producer and consumer also runs against its own kind (WSS4J -> WSS4J, gSOAP -> gSOAP,
wssx -> wssx), so a broken peer shows up as such.

Phases: produce everything (one JVM for all WSS4J jobs), tamper, consume (one more JVM).
Prints one PASS/FAIL line per check and "wss-interop: N passed, M failed".
--peers-only: only the peers (no wssx, no xmlsec on DKT messages) -- for developing them.
"""
import argparse
import base64
import os
import shutil
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wsslib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = "hello world"

ENV11 = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/>'
         '<soap:Body><ns:echo xmlns:ns="urn:wssx:echo"><ns:text>%s</ns:text><ns:n>42</ns:n>'
         '</ns:echo></soap:Body></soap:Envelope>' % MARK)
ENV12 = ('<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">'
         '<env:Body><ns:echo xmlns:ns="urn:wssx:echo"><ns:text>%s</ns:text><ns:n>42</ns:n>'
         '</ns:echo></env:Body></env:Envelope>' % MARK)

SECRET = base64.b64encode(os.urandom(32)).decode()
OTHER_SECRET = base64.b64encode(os.urandom(32)).decode()


class Artifact:
    def __init__(self, name, tool, args, inp, signed=True, encrypted=False, timestamp=True, ident=None,
                 base=None, tamper=None):
        self.name, self.tool, self.args, self.inp = name, tool, args, inp
        self.signed, self.encrypted, self.timestamp, self.ident = signed, encrypted, timestamp, ident
        self.base, self.tamper = base, tamper     # derived by tampering with another artifact
        self.path = None
        self.rc = None
        self.err = ""


class Check:
    def __init__(self, name, art, tool, args, expect, contains=(), absent=()):
        self.name, self.art, self.tool, self.args = name, art, tool, args
        self.expect, self.contains, self.absent = expect, contains, absent
        self.rc = None
        self.out = ""
        self.err = ""


class Suite:
    def __init__(self, opts):
        self.o = opts
        self.work = os.path.join(opts.out, "work")
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.env11 = self._write("env11.xml", ENV11)
        self.env12 = self._write("env12.xml", ENV12)
        self.arts = {}
        self.checks = []
        self.passed = 0
        self.failed = 0
        self.java_cp = open(os.path.join(opts.out, "java", "classpath")).read().strip()
        self.gsoap = os.path.join(opts.out, "gsoap_peer")
        self.cli = opts.cli

    def _write(self, name, text):
        p = os.path.join(self.work, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def uses(self, tool):
        return not (self.o.peers_only and tool in ("wssx", "xmlsec"))

    # -------------------------------------------------------------- declaring cases
    def art(self, name, tool, args, inp=None, **kw):
        a = Artifact(name, tool, args, inp, **kw)
        self.arts[name] = a
        return a

    def check(self, name, art, tool, args, expect, contains=(), absent=()):
        if not self.uses(tool) or not self.uses(art.tool) or (art.base and not self.uses(art.base.tool)):
            return
        self.checks.append(Check(name, art, tool, args, expect, contains, absent))

    def consumers_ok(self, a):
        """The normal consumers of a good artifact: all must accept it."""
        ident = a.ident
        body = (MARK,) if a.encrypted else ()
        ts_w = ("signed Timestamp",) if a.signed and a.timestamp else ()
        ts_x = ("Timestamp",) if a.signed and a.timestamp else ()
        if a.tool in ("wss4j", "wssx"):
            self.check("%s -> wss4j" % a.name, a, "wss4j", ["verify", SECRET, ident], 0, body + ts_w)
        if a.tool in ("wss4j", "wssx", "gsoap"):
            self.check("%s -> wssx" % a.name, a, "wssx",
                       ["verify-sct", SECRET, "--identifier", ident] + (["--print-envelope"] if a.encrypted else []),
                       0, body + ts_x)
        if a.tool == "gsoap" or (a.tool == "wssx" and "--raw-key" in a.args):
            self.check("%s -> gsoap" % a.name, a, "gsoap", ["verify", SECRET, ident], 0)
        if a.signed and not a.encrypted:
            self.check("%s -> xmlsec1" % a.name, a, "xmlsec", [SECRET], 0)

    def declare(self):
        env = {"11": self.env11, "12": self.env12}
        # ---------------------------------------------------------- (a) WSS4J produces
        wss4j_variants = [
            ("default", [], "11"),
            ("label+len24", ["--label", "custom label", "--length", "24"], "11"),
            ("len16", ["--length", "16"], "11"),
            ("sha256", ["--sha256", "--length", "32"], "11"),
            ("soap12", [], "12"),
            ("no-ts", ["--no-timestamp"], "11"),
        ]
        wss4j_enc = [
            ("enc-aes256", "encrypt", []),
            ("enc-aes128", "encrypt", ["--aes128"]),
            ("enc-label+len", "encrypt", ["--label", "enc label", "--enc-length", "32"]),
            ("sign-then-encrypt", "sign-encrypt", []),
            ("encrypt-then-sign", "sign-encrypt", ["--encrypt-then-sign"]),
            ("sign-encrypt-aes128+label", "sign-encrypt", ["--aes128", "--label", "L2", "--length", "16"]),
        ]
        for v in ("2005", "1.3"):
            for r in ("id", "identifier"):
                for tag, extra, e in wss4j_variants:
                    ident = "urn:uuid:%s" % uuid.uuid4()
                    a = self.art("wss4j-sign[%s,%s,%s]" % (v, r, tag), "wss4j",
                                 ["sign", SECRET, ident, v, r] + extra, env[e], ident=ident,
                                 timestamp="--no-timestamp" not in extra)
                    self.consumers_ok(a)
                if r == "id":
                    ident = "urn:uuid:%s" % uuid.uuid4()
                    a = self.art("wss4j-sign[%s,id,valuetype]" % v, "wss4j",
                                 ["sign", SECRET, ident, v, r, "--value-type"], self.env11, ident=ident)
                    self.consumers_ok(a)
                for tag, mode, extra in wss4j_enc:
                    ident = "urn:uuid:%s" % uuid.uuid4()
                    a = self.art("wss4j-%s[%s,%s]" % (tag, v, r), "wss4j", [mode, SECRET, ident, v, r] + extra,
                                 self.env11, ident=ident, signed=(mode != "encrypt"), encrypted=True)
                    self.consumers_ok(a)

        # ---------------------------------------------------------- (b) wssx produces
        wssx_variants = [
            ("default", "sign-sct", [], "11"),
            ("Basic128", "sign-sct", ["--suite", "Basic128"], "11"),
            ("Basic256", "sign-sct", ["--suite", "Basic256"], "11"),
            ("Basic256Sha256", "sign-sct", ["--suite", "Basic256Sha256"], "11"),
            ("label+nonce32+key32", "sign-sct", ["--label", "custom label", "--nonce-len", "32",
                                                 "--sig-key-len", "32"], "11"),
            ("no-ts", "sign-sct", ["--no-timestamp"], "11"),
            ("soap12", "sign-sct", [], "12"),
            ("enc-Basic256", "encrypt-sct", ["--suite", "Basic256"], "11"),
            ("enc-Basic128", "encrypt-sct", ["--suite", "Basic128"], "11"),
            ("enc-label", "encrypt-sct", ["--label", "enc label"], "11"),
            ("sign-then-encrypt", "sign-encrypt-sct", [], "11"),
            ("encrypt-then-sign", "sign-encrypt-sct", ["--encrypt-then-sign"], "11"),
            ("sign-encrypt-Basic128", "sign-encrypt-sct", ["--suite", "Basic128"], "11"),
            ("sign-encrypt-soap12", "sign-encrypt-sct", [], "12"),
        ]
        for v in ("2005", "1.3"):
            for r in ("id", "identifier"):
                for tag, cmd, extra, e in wssx_variants:
                    ident = "urn:uuid:%s" % uuid.uuid4()
                    a = self.art("wssx-%s[%s,%s,%s]" % (cmd.replace("-sct", ""), v, r, tag), "wssx",
                                 [cmd, SECRET, "--identifier", ident, "--wsc", v, "--by", r] + extra, env[e],
                                 ident=ident, signed=(cmd != "encrypt-sct"), encrypted=(cmd != "sign-sct"),
                                 timestamp="--no-timestamp" not in extra)
                    self.consumers_ok(a)

        # ---------------------------------------------------------- (d) gSOAP, raw key
        for v in ("2005", "1.3"):
            for tag, extra in (("default", []), ("no-ts", ["--no-timestamp"]), ("soap12", ["--soap12"]),
                               ("sha256", ["--sha256"])):
                ident = "urn:uuid:%s" % uuid.uuid4()
                a = self.art("gsoap-sign[%s,%s]" % (v, tag), "gsoap",
                             ["sign", SECRET, ident, "--wsc", v, "--text", MARK] + extra, None, ident=ident,
                             timestamp="--no-timestamp" not in extra)
                self.consumers_ok(a)
            for r in ("id", "identifier"):
                for tag, extra, e in (("raw-key", [], "11"), ("raw-key,no-ts", ["--no-timestamp"], "11"),
                                      ("raw-key,soap12", [], "12")):
                    ident = "urn:uuid:%s" % uuid.uuid4()
                    a = self.art("wssx-sign[%s,%s,%s]" % (v, r, tag), "wssx",
                                 ["sign-sct", SECRET, "--identifier", ident, "--wsc", v, "--by", r,
                                  "--raw-key"] + extra, env[e], ident=ident,
                                 timestamp="--no-timestamp" not in extra)
                    self.consumers_ok(a)

        # ---------------------------------------------------------- (f) tampering
        bases = ["wss4j-sign[2005,id,default]", "wss4j-sign[1.3,identifier,label+len24]",
                 "wss4j-sign-then-encrypt[2005,id]", "wss4j-enc-aes256[1.3,id]",
                 "wssx-sign-encrypt[2005,id,sign-then-encrypt]", "wssx-sign-encrypt[1.3,identifier,encrypt-then-sign]",
                 "wssx-encrypt[1.3,identifier,enc-Basic128]",
                 "wssx-sign[2005,id,default]", "wssx-sign[1.3,identifier,Basic128]",
                 "wssx-sign[2005,id,raw-key]", "gsoap-sign[2005,default]", "gsoap-sign[1.3,default]"]
        for bname in bases:
            b = self.arts[bname]
            ops = list(wsslib.TAMPER_OPS)
            if b.encrypted:
                ops = (["digest", "sigvalue", "drop-sig"] if b.signed else []) + ["wrap"] + list(wsslib.CIPHER_OPS)
            if "--raw-key" in b.args or b.tool == "gsoap":
                ops = [o for o in ops if o != "nonce"]    # no DKT
            if b.tool == "gsoap":
                ops = [o for o in ops if o != "reorder"]  # one-child Body
            for op in ops:
                t = self.art("%s~%s" % (bname, op), b.tool, None, None, base=b, tamper=op, ident=b.ident,
                             signed=b.signed, encrypted=b.encrypted)
                if op == "drop-sig" and b.encrypted:
                    # still decrypts (exit 0), but nobody may claim the Body is signed
                    self.check("%s -> wssx" % t.name, t, "wssx", ["verify-sct", SECRET, "--identifier", b.ident],
                               0, (), ('"bodySigned": true',))
                    self.check("%s -> wss4j (control)" % t.name, t, "wss4j", ["verify", SECRET, b.ident], 0,
                               ("body-decrypted",), ("body-signed",))
                    continue
                self.check("%s -> wssx" % t.name, t, "wssx", ["verify-sct", SECRET, "--identifier", b.ident], 1)
                if b.tool == "wss4j" or (b.tool == "wssx" and "--raw-key" not in b.args):
                    self.check("%s -> wss4j (control)" % t.name, t, "wss4j", ["verify", SECRET, b.ident], 1)
                if b.tool == "gsoap" or "--raw-key" in (b.args or []):
                    self.check("%s -> gsoap (control)" % t.name, t, "gsoap", ["verify", SECRET, b.ident], 1)
                if op in ("body-text", "digest") and not b.encrypted:
                    self.check("%s -> xmlsec1 (control)" % t.name, t, "xmlsec", [SECRET], 1)
            # the key: another secret, and another context identifier
            self.check("%s, wrong secret -> wssx" % bname, b, "wssx", ["verify-sct", OTHER_SECRET], 1)
            self.check("%s, unknown identifier -> wssx" % bname, b, "wssx",
                       ["verify-sct", SECRET, "--identifier", "urn:uuid:not-this-context"], 1)
            if b.tool in ("wss4j", "wssx") and "--raw-key" not in b.args:
                self.check("%s, wrong secret -> wss4j (control)" % bname, b, "wss4j", ["verify", OTHER_SECRET], 1)
            if b.tool == "gsoap" or "--raw-key" in b.args:
                self.check("%s, wrong secret -> gsoap (control)" % bname, b, "gsoap", ["verify", OTHER_SECRET], 1)
        # the committed real messages (samples/): wssx must keep accepting them (expired
        # Timestamps: a ten-year skew)
        sfile = os.path.join(HERE, "samples", "SECRETS.txt")
        if os.path.exists(sfile):
            for ln in open(sfile):
                if ln.startswith("#") or not ln.strip():
                    continue
                fname, secret, ident = ln.rstrip("\n").split("\t")
                a = self.art("sample %s" % fname, "file", None, None, ident=ident)
                a.path, a.rc = os.path.join(HERE, "samples", fname), 0
                self.check("samples/%s -> wssx" % fname, a, "wssx",
                           ["verify-sct", secret, "--identifier", ident, "--skew", "315360000"], 0)
        # malformed input: usage error, not a verification verdict
        bad = self.art("truncated-envelope", "wssx", None, None, base=self.arts["wssx-sign[2005,id,default]"],
                       tamper="truncate", ident="x")
        self.check("truncated envelope -> wssx (exit 2)", bad, "wssx", ["verify-sct", SECRET], 2)

    # -------------------------------------------------------------- running
    def run_java_batch(self, jobs):
        """jobs: list of (jobId, inFile, outFile, args). Returns {jobId: rc}."""
        if not jobs:
            return {}
        lines = "".join("\t".join([j, i or "", o] + a) + "\n" for j, i, o, a in jobs)
        p = subprocess.run(["java", "-cp", self.java_cp, "Wss4jPeer", "batch"], input=lines.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rcs = {}
        for ln in p.stdout.decode().splitlines():
            if "\t" in ln:
                j, rc = ln.rsplit("\t", 1)
                rcs[j] = int(rc)
        if p.returncode != 0 or len(rcs) != len(jobs):
            sys.stderr.write("wss-interop: WSS4J batch exited %d after %d/%d jobs: %s\n"
                             % (p.returncode, len(rcs), len(jobs), p.stderr.decode()[-2000:]))
        return rcs

    def command(self, tool, args):
        if tool == "wssx":
            return [self.cli] + args if self.cli else None
        if tool == "gsoap":
            return [self.gsoap] + args
        if tool == "xmlsec":
            return ["bash", os.path.join(HERE, "xmlsec.sh")] + args
        raise ValueError(tool)

    def run_proc(self, tool, args, inp_path, out_path):
        cmd = self.command(tool, args)
        if cmd is None:
            with open(out_path + ".err", "w") as f:
                f.write("no wssx CLI (set WSSX_CLI)\n")
            open(out_path, "w").close()
            return 127
        env = dict(os.environ)
        if self.cli:
            env["WSSX_CLI"] = self.cli
        if tool == "xmlsec":
            cmd = cmd + [inp_path]
            stdin = subprocess.DEVNULL
        else:
            stdin = open(inp_path, "rb") if inp_path else subprocess.DEVNULL
        with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
            try:
                return subprocess.run(cmd, stdin=stdin, stdout=out, stderr=err, env=env, timeout=120).returncode
            except (OSError, subprocess.TimeoutExpired) as e:
                err.write(str(e).encode())
                return 127
            finally:
                if stdin not in (subprocess.DEVNULL, None):
                    stdin.close()

    def produce(self):
        needed = {c.art.name for c in self.checks}
        needed |= {c.art.base.name for c in self.checks if c.art.base}
        todo = [a for a in self.arts.values() if a.name in needed and a.base is None and a.tool != "file"]
        for i, a in enumerate(todo):
            a.path = os.path.join(self.work, "p%03d.xml" % i)
        jobs = [(a.name, a.inp, a.path, a.args) for a in todo if a.tool == "wss4j"]
        rcs = self.run_java_batch(jobs)
        for a in todo:
            if a.tool == "wss4j":
                a.rc = rcs.get(a.name, 127)
            else:
                a.rc = self.run_proc(a.tool, a.args, a.inp, a.path)
            a.err = _read(a.path + ".err")
        # tampered copies
        for i, a in enumerate(x for x in self.arts.values() if x.base is not None and x.name in needed):
            a.path = os.path.join(self.work, "t%03d.xml" % i)
            if a.base.rc != 0:
                a.rc, a.err = 1, "base message %s was not produced" % a.base.name
                continue
            src = open(a.base.path, "rb").read()
            try:
                data = src[: len(src) // 2] if a.tamper == "truncate" else wsslib.tamper(a.tamper, src)
                open(a.path, "wb").write(data)
                a.rc = 0
            except wsslib.TamperError as e:
                a.rc, a.err = 1, "cannot tamper: %s" % e

    def consume(self):
        ready = [c for c in self.checks if c.art.rc == 0]
        for i, c in enumerate(ready):
            c.out_path = os.path.join(self.work, "c%03d.txt" % i)
        rcs = self.run_java_batch([("c%d" % i, c.art.path, c.out_path, c.args)
                                   for i, c in enumerate(ready) if c.tool == "wss4j"])
        for i, c in enumerate(ready):
            if c.tool == "wss4j":
                c.rc = rcs.get("c%d" % i, 127)
            else:
                c.rc = self.run_proc(c.tool, c.args, c.art.path, c.out_path)
            c.out = _read(c.out_path)
            c.err = _read(c.out_path + ".err")

    def report(self):
        produced_fail = set()
        for a in self.arts.values():
            if a.tool == "file":
                continue
            if a.base is None and a.rc not in (None, 0):
                produced_fail.add(a.name)
                self.fail("produce %s" % a.name, "exit %s: %s" % (a.rc, _tail(a.err)),
                          "%s %s" % (a.tool, " ".join(a.args)))
            elif a.base is None and a.rc == 0:
                self.ok("produce %s" % a.name)
        for c in self.checks:
            if c.art.rc != 0:
                why = "not produced" if c.art.name in produced_fail or (c.art.base and c.art.base.name in produced_fail) \
                    else _tail(c.art.err)
                self.fail(c.name, why)
                continue
            missing = [s for s in c.contains if s not in c.out]
            missing += ["no %s" % s for s in c.absent if s in c.out]
            if c.rc != c.expect:
                self.fail(c.name, "exit %d, want %d: %s" % (c.rc, c.expect, _tail(c.err or c.out)),
                          "%s %s < %s" % (c.tool, " ".join(c.args), c.art.path))
            elif missing:
                self.fail(c.name, "output lacks %r: %s" % (missing, _tail(c.out)),
                          "%s %s < %s" % (c.tool, " ".join(c.args), c.art.path))
            else:
                self.ok(c.name)

    def ok(self, name):
        self.passed += 1
        if not self.o.quiet:
            print("PASS %s" % name)

    def fail(self, name, why, how=None):
        self.failed += 1
        print("FAIL %s -- %s" % (name, why))
        if how and self.o.verbose:
            print("     reproduce: %s" % how)

    def write_samples(self, d):
        """Copy one message per peer and SC version (+ the secret) into d."""
        os.makedirs(d, exist_ok=True)
        picks = {
            "wss4j-sign-2005-id.xml": "wss4j-sign[2005,id,default]",
            "wss4j-sign-1.3-id.xml": "wss4j-sign[1.3,id,default]",
            "wss4j-sign-2005-identifier-label.xml": "wss4j-sign[2005,identifier,label+len24]",
            "wss4j-sign-1.3-identifier.xml": "wss4j-sign[1.3,identifier,default]",
            "wss4j-sign-1.3-id-valuetype.xml": "wss4j-sign[1.3,id,valuetype]",
            "wss4j-sign-1.3-soap12.xml": "wss4j-sign[1.3,id,soap12]",
            "wss4j-sign-2005-sha256.xml": "wss4j-sign[2005,id,sha256]",
            "wss4j-encrypt-2005-aes256.xml": "wss4j-enc-aes256[2005,id]",
            "wss4j-encrypt-1.3-aes128.xml": "wss4j-enc-aes128[1.3,id]",
            "wss4j-sign-then-encrypt-2005.xml": "wss4j-sign-then-encrypt[2005,id]",
            "wss4j-encrypt-then-sign-1.3.xml": "wss4j-encrypt-then-sign[1.3,id]",
            "gsoap-sign-2005.xml": "gsoap-sign[2005,default]",
            "gsoap-sign-1.3.xml": "gsoap-sign[1.3,default]",
            "gsoap-sign-1.3-soap12.xml": "gsoap-sign[1.3,soap12]",
            "gsoap-sign-2005-sha256.xml": "gsoap-sign[2005,sha256]",
        }
        with open(os.path.join(d, "SECRETS.txt"), "w") as f:
            f.write("# secret (base64) and wsc:Identifier of each sample; verify with e.g.\n"
                    "#   wssx verify-sct <secret> --identifier <identifier> < sample.xml\n"
                    "# (the wsu:Timestamps expire 5 minutes after creation: use a generous --skew)\n")
            for fname, aname in sorted(picks.items()):
                a = self.arts.get(aname)
                if a and a.rc == 0:
                    shutil.copy(a.path, os.path.join(d, fname))
                    f.write("%s\t%s\t%s\n" % (fname, SECRET, a.ident))


def _read(p):
    try:
        with open(p, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _tail(s, n=300):
    s = " ".join(s.split())
    return s if len(s) <= n else "..." + s[-n:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="build dir of build.sh (peers), work files go to OUT/work")
    ap.add_argument("--cli", default=os.environ.get("WSSX_CLI"), help="wssx binary")
    ap.add_argument("--peers-only", action="store_true", help="only WSS4J and gSOAP against themselves")
    ap.add_argument("--quiet", action="store_true", help="print failures only")
    ap.add_argument("--verbose", action="store_true", help="print a reproducing command for failures")
    ap.add_argument("--samples", help="also copy sample messages into this directory")
    ap.add_argument("--filter", help="only checks whose name contains this string")
    o = ap.parse_args()
    o.out = os.path.abspath(o.out)
    if o.cli:
        o.cli = os.path.abspath(o.cli)
    if not o.peers_only and (not o.cli or not os.access(o.cli, os.X_OK)):
        print("wss-interop: no wssx CLI (WSSX_CLI=%r): every wssx case will FAIL" % o.cli)
        o.cli = None
    s = Suite(o)
    s.declare()
    if o.filter:
        s.checks = [c for c in s.checks if o.filter in c.name]
    s.produce()
    s.consume()
    s.report()
    if o.samples:
        s.write_samples(o.samples)
    print("wss-interop: %d passed, %d failed" % (s.passed, s.failed))
    return 1 if s.failed else 0


if __name__ == "__main__":
    sys.exit(main())
