#!/usr/bin/env bash
# make demo: one SCT secret, one DerivedKeyToken, the same key from every face.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${TARGET:-$ROOT/target}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
WSSX=$TARGET/release/wssx
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "server did not start:"; cat "$1"; exit 1; }

echo "== 1. Python creates a security context and a WCF-style DerivedKeyToken (24-byte key)"
"$PYTHON" demo/derive.py "$work" | tee "$work/py.out"
secret=$(cat "$work/secret.hex")
echo
echo "== 2. C (libwssx + include/wssx.h) derives from the same token"
cc -std=c11 -Wall -O2 -Iinclude demo/derive.c -L"$TARGET/release" -lwssx -o "$work/derive_c"
LD_LIBRARY_PATH="$TARGET/release" "$work/derive_c" "$work/dkt.xml" "$secret" | tee "$work/c.out"
echo
echo "== 3. Node derives from the same token"
node demo/derive.mjs "$work/dkt.xml" "$secret" | tee "$work/node.out"
echo
echo "== 4. The CLI derives from the same token"
cli=$("$WSSX" dkt-derive "$(echo -n "$secret" | xxd -r -p | base64 -w0)" < "$work/dkt.xml" | base64 -d | xxd -p -c 256)
echo "CLI     $cli"
echo
keys=$( (grep -h -E '^(Python|Py-raw|C|C-raw|Node|Node-raw) ' "$work"/*.out | awk '{print $2}'; echo "$cli") | sort -u)
if [ "$(echo "$keys" | wc -l)" -eq 1 ]; then
  echo "== all faces agree: $keys"
else
  echo "== MISMATCH:"; echo "$keys"; exit 1
fi
echo
echo "== 5. Protect a SOAP message with the context (sign + encrypt) and verify it"
b64secret=$(echo -n "$secret" | xxd -r -p | base64 -w0)
ident=$(grep -o 'urn:uuid:[^<]*' "$work/sct.xml" | head -1)
envelope='<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:Transfer xmlns:m="urn:bank"><m:Amount>100</m:Amount></m:Transfer></s:Body></s:Envelope>'
echo "$envelope" | "$WSSX" sign-encrypt-sct "$b64secret" --identifier "$ident" --wsc 2005 > "$work/secured.xml"
echo "secured message: $(wc -c < "$work/secured.xml") bytes; Body content encrypted: $(grep -c 'm:Amount' "$work/secured.xml" || true) plaintext hits"
"$WSSX" verify-sct "$b64secret" --identifier "$ident" < "$work/secured.xml" | grep -E '"(bodySigned|bodyDecrypted)"'
# Flip one base64 character in the middle of the cipher text.
"$PYTHON" - "$work/secured.xml" <<'PY'
import sys, re
p = sys.argv[1]; s = open(p).read()
m = re.search(r"CipherValue>([^<]+)<", s); i = m.start(1) + len(m.group(1)) // 2
s = s[:i] + ("B" if s[i] != "B" else "C") + s[i + 1:]
open(p, "w").write(s)
PY
if "$WSSX" verify-sct "$b64secret" --identifier "$ident" < "$work/secured.xml" 2> "$work/err"; then
  echo "tampered message accepted!"; exit 1
else
  echo "tampered message refused: $(head -1 "$work/err")"
fi

echo
echo "== 6. A token service over HTTP (Python face, stdlib HTTP server) and clients in other faces"
port=$(free_port)
"$PYTHON" demo/sts_server.py "$port" > "$work/server.log" 2>&1 &
pids+=($!)
wait_ready "$work/server.log" ready
for client in demo/client.mjs demo/client_c; do
  case "$client" in
    *.mjs) [ -f "$client" ] || continue
           echo "-- Node client (WS-Trust 1.3)"; node "$client" "http://127.0.0.1:$port" 1.3 ;;
    *)     [ -f demo/client.c ] || continue
           echo "-- C client (WS-Trust Feb 2005)"
           cc -std=c11 -Wall -O2 -Iinclude demo/client.c -L"$TARGET/release" -lwssx -o "$work/client_c"
           LD_LIBRARY_PATH="$TARGET/release" "$work/client_c" 127.0.0.1 "$port" ;;
  esac
done
echo "-- Python client (WS-Trust Feb 2005)"
"$PYTHON" demo/client.py "http://127.0.0.1:$port" 2005/02
sleep 0.2
echo "-- what the token service saw:"
cat "$work/server.log" | grep -v '^ready$'

echo
echo "== 7. The CLI's own token service (wssx sts) answers the same clients"
port2=$(free_port)
"$WSSX" sts --listen "127.0.0.1:$port2" 2> "$work/cli-sts.log" &
pids+=($!)
wait_ready "$work/cli-sts.log" listening
"$PYTHON" - "http://127.0.0.1:$port2/sts" <<'PY'
import sys, urllib.request, urllib.error, wssx
url = sys.argv[1]
def post(out):
    req = urllib.request.Request(url, data=out.envelope, headers=out.headers, method="POST")
    try:
        with urllib.request.urlopen(req) as r: return r.read()
    except urllib.error.HTTPError as e: return e.read()
for v in ("2005/02", "1.3"):
    r = wssx.Requestor(wssx.RequestorConfig(to=url, trust_version=v))
    ctx = r.obtain(post)
    ok = r.call(post, "validate", ctx).valid
    r.call(post, "cancel", ctx)
    print(f"  [python client -> wssx sts] WS-Trust {v}: issued {ctx.identifier}, valid={ok}, cancelled")
PY
sleep 0.2
sed 's/^/  [wssx sts] /' "$work/cli-sts.log"
echo
echo "== demo complete"
