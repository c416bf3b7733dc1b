#!/usr/bin/env bash
# run.sh -- WS-SecureConversation interop suite: wssx vs Apache WSS4J 1.6 and gSOAP 2.8.
#   1. builds the oracles into <repo>/target/interop     (build.sh)
#   2. writes WSS4J token fixtures                      (java TokenFixtures)
#   3. derive_interop.py: P_SHA1 / computed keys        (WSS4J, gSOAP, Python ref, wssx py + CLI)
#   4. tokens_interop.py: SCT/DKT XML written by WSS4J  (wssx CLI + py round trip)
# Environment:
#   PYTHON        python with the wssx package installed (default: python3)
#   WSSX_CLI      the wssx binary (default: target/release/wssx, else target/debug/wssx)
#   INTEROP_SEED  RNG seed for vectors and fixture secrets (default: fixed)
#   INTEROP_COUNT number of derive vectors (default 2000)
# Exits non-zero if anything fails.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/target/interop
PYTHON=${PYTHON:-python3}
SEED=${INTEROP_SEED:-20051202}
COUNT=${INTEROP_COUNT:-2000}
if [ -z "${WSSX_CLI:-}" ]; then
    for c in "$root/target/release/wssx" "$root/target/debug/wssx"; do
        [ -x "$c" ] && WSSX_CLI=$c && break
    done
fi
if [ -z "${WSSX_CLI:-}" ] || [ ! -x "$WSSX_CLI" ]; then
    echo "interop: WSSX_CLI not set and no target/{release,debug}/wssx binary found" >&2
    exit 2
fi

status=0
failed_steps=0
times=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() {  # step NAME CMD...: run, time, remember failures
    local name=$1 t0 t1 rc
    shift
    echo "== interop: $name"
    t0=$(date +%s.%N)
    "$@" 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
    t1=$(date +%s.%N)
    times+=("$(awk -v n="$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "%-15s %6.1fs", n, b - a }')$([ $rc -ne 0 ] && echo "  FAILED (exit $rc)")")
    [ $rc -ne 0 ] && status=1 && failed_steps=$((failed_steps + 1))
    return $rc
}

step build bash "$here/build.sh" "$out" || { echo "interop: oracle build failed" >&2; exit 1; }
rm -rf "$out/fixtures"
step fixtures java -cp "$(cat "$out/java/classpath")" TokenFixtures "$out/fixtures" "$SEED" \
    || { echo "interop: WSS4J fixture generation failed" >&2; exit 1; }
step derive-interop "$PYTHON" "$here/derive_interop.py" --oracles "$out" --cli "$WSSX_CLI" \
    --count "$COUNT" --seed "$SEED"
step tokens-interop "$PYTHON" "$here/tokens_interop.py" --fixtures "$out/fixtures" --cli "$WSSX_CLI"

echo "== interop timings:"
printf '   %s\n' "${times[@]}"
# one closing summary over both drivers (a driver that died early counts as one failure)
awk -v steps=$failed_steps '/^(derive|tokens)-interop: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
     END { if (f == 0 && steps > 0) f = steps; printf "interop: %d passed, %d failed\n", p, f }' "$log"
exit $status
