#!/usr/bin/env bash
# run.sh [--peers-only] [--quiet] [--verbose] [--filter S] [--samples DIR]
#   WS-Security message protection interop: wssx vs Apache WSS4J 1.6 and gSOAP 2.8 (+ xmlsec1).
#   1. builds the peers into <repo>/target/interop/wss   (build.sh; a second run is instant)
#   2. wss_interop.py: every producer -> consumer case, tampering included (see its docstring)
# Environment:
#   WSSX_CLI   the wssx binary (default: target/release/wssx, else target/debug/wssx).
#              Missing: every wssx case is reported as FAILED (nothing is skipped silently).
#   PYTHON     python3 to use (default: python3; standard library only)
# Prints "wss-interop: N passed, M failed"; exits non-zero if anything failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$root/target/interop/wss
PYTHON=${PYTHON:-python3}
if [ -z "${WSSX_CLI:-}" ]; then
    for c in "$root/target/release/wssx" "$root/target/debug/wssx"; do
        [ -x "$c" ] && WSSX_CLI=$c && break
    done
fi
export WSSX_CLI=${WSSX_CLI:-}

bash "$here/build.sh" "$out" || { echo "wss-interop: building the peers failed"; echo "wss-interop: 0 passed, 1 failed"; exit 1; }
t0=$(date +%s)
"$PYTHON" "$here/wss_interop.py" --out "$out" ${WSSX_CLI:+--cli "$WSSX_CLI"} "$@"
rc=$?
echo "wss-interop: $(( $(date +%s) - t0 ))s"
exit $rc
