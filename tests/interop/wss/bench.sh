#!/usr/bin/env bash
# bench.sh [--sizes] -- message protection throughput, wssx vs the peers, in one script:
#   WSS4J 1.6   java Wss4jPeer bench-sign/bench-verify N   SCT + DKT + HMAC-SHA1, parse +
#               sign + serialize / parse + WSSecurityEngine, in-process, after a JIT warm-up
#   gSOAP 2.8   gsoap_peer bench N                         SCT raw key (no DKT: the plugin has
#               none) + HMAC-SHA1, serialize + sign into memory / parse + verify from memory
#   wssx        cargo bench -p wssx --bench message -- --quick   (core/benches/message.rs)
# and prints msgs/s with the ratios wssx/WSS4J and wssx/gSOAP. Every process is pinned to
# one CPU (taskset -c $BENCH_CPU, default 0; BENCH_CPU=none to not pin).
# --sizes: also the peers at 3 kB, 30 kB, 300 kB and 1 MB bodies (wssx's bench does those
#          sizes itself), for the scaling table.
# Environment: WSS4J_N (default 20000), GSOAP_N (default 20000), WSSX_BENCH_OUTPUT (a file
#          with the output of the wssx bench, instead of running cargo).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$root/target/interop/wss
sizes=0
[ "${1:-}" = "--sizes" ] && sizes=1

bash "$here/build.sh" "$out" >/dev/null || { echo "bench: building the peers failed" >&2; exit 1; }
pin=()
if [ "${BENCH_CPU:-0}" != none ] && command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c "${BENCH_CPU:-0}")
fi
cp=$(cat "$out/java/classpath")
WSS4J_N=${WSS4J_N:-20000}
GSOAP_N=${GSOAP_N:-20000}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# rate LINE-PREFIX: the number before " msgs/s" on the first line starting with the prefix
rate() { grep -m1 "^$1" "$log" | sed -E 's/.* ([0-9.]+) msgs\/s.*/\1/'; }

echo "bench: WSS4J 1.6 (N=$WSS4J_N, ~300 B body)..." >&2
"${pin[@]}" java -cp "$cp" Wss4jPeer bench-sign "$WSS4J_N" 300 >> "$log" 2>&1
"${pin[@]}" java -cp "$cp" Wss4jPeer bench-verify "$WSS4J_N" 300 >> "$log" 2>&1
echo "bench: gSOAP 2.8 (N=$GSOAP_N, ~300 B body)..." >&2
"${pin[@]}" "$out/gsoap_peer" bench "$GSOAP_N" 240 >> "$log" 2>&1
w_sign=$(rate "wss4j sign"); w_ver=$(rate "wss4j verify")
g_sign=$(rate "gsoap sign"); g_ver=$(rate "gsoap verify")

x_sign=""; x_ver=""
if [ -n "${WSSX_BENCH_OUTPUT:-}" ]; then
    cp "$WSSX_BENCH_OUTPUT" "$log.wssx"
elif [ -f "$root/core/benches/message.rs" ]; then
    echo "bench: wssx (cargo bench -p wssx --bench message -- --quick)..." >&2
    (cd "$root" && "${pin[@]}" cargo bench -q -p wssx --bench message -- --quick) > "$log.wssx" 2>&1 \
        || { echo "bench: cargo bench failed:" >&2; tail -20 "$log.wssx" >&2; }
else
    echo "bench: core/benches/message.rs does not exist yet: no wssx numbers" >&2
    : > "$log.wssx"
fi
# "message-bench: small body sign 123/s verify 456/s ..." or the table rows for a 300 B body
line=$(grep -m1 '^message-bench: small body' "$log.wssx" || true)
if [ -n "$line" ]; then
    x_sign=$(sed -E 's/.* sign ([0-9.]+)\/s.*/\1/' <<< "$line")
    x_ver=$(sed -E 's/.* verify ([0-9.]+)\/s.*/\1/' <<< "$line")
else
    x_sign=$(grep -m1 '^sign .*, 300 B body' "$log.wssx" | awk '{ for (i = 1; i <= NF; i++) if ($i == "body") { print $(i+1); exit } }')
    x_ver=$(grep -m1 '^verify, 300 B body' "$log.wssx" | awk '{ for (i = 1; i <= NF; i++) if ($i == "body") { print $(i+1); exit } }')
fi

ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; else echo "-"; fi; }
num() { [ -n "$1" ] && printf "%.0f" "$1" || echo "n/a"; }

echo
echo "message protection, ~300-byte body, one core (${pin[*]:-unpinned})"
printf "%-44s %14s %14s\n" "" "sign msgs/s" "verify msgs/s"
printf "%-44s %14s %14s\n" "wssx (SCT + DKT + HMAC-SHA1)" "$(num "$x_sign")" "$(num "$x_ver")"
printf "%-44s %14s %14s\n" "WSS4J 1.6.19 (SCT + DKT + HMAC-SHA1)" "$(num "$w_sign")" "$(num "$w_ver")"
printf "%-44s %14s %14s\n" "gSOAP 2.8.124 (SCT raw key + HMAC-SHA1)" "$(num "$g_sign")" "$(num "$g_ver")"
printf "%-44s %14s %14s\n" "wssx / WSS4J" "$(ratio "$x_sign" "$w_sign")" "$(ratio "$x_ver" "$w_ver")"
printf "%-44s %14s %14s\n" "wssx / gSOAP" "$(ratio "$x_sign" "$g_sign")" "$(ratio "$x_ver" "$g_ver")"
echo "(targets from issue 5: wssx >= 100000 msgs/s for sign and for verify)"

if [ $sizes = 1 ]; then
    echo
    echo "scaling with body size (msgs/s)"
    printf "%-10s %12s %12s %12s %12s %12s %12s\n" "body" "wssx sign" "wssx verify" "WSS4J sign" "WSS4J verif" "gSOAP sign" "gSOAP verif"
    for size in 300 3000 30000 300000 1000000; do
        n=$(( size >= 300000 ? 40 : (size >= 30000 ? 400 : 4000) ))
        : > "$log"
        if [ $size = 300 ]; then
            ws=$w_sign; wv=$w_ver; gs=$g_sign; gv=$g_ver
        else
            "${pin[@]}" java -cp "$cp" Wss4jPeer bench-sign $n $size >> "$log" 2>&1
            "${pin[@]}" java -cp "$cp" Wss4jPeer bench-verify $n $size >> "$log" 2>&1
            "${pin[@]}" "$out/gsoap_peer" bench $((n * 4)) $size >> "$log" 2>&1
            ws=$(rate "wss4j sign"); wv=$(rate "wss4j verify"); gs=$(rate "gsoap sign"); gv=$(rate "gsoap verify")
        fi
        xs=$(grep -m1 "^sign .*, $size B body" "$log.wssx" | awk '{ for (i = 1; i <= NF; i++) if ($i == "body") { print $(i+1); exit } }')
        xv=$(grep -m1 "^verify, $size B body" "$log.wssx" | awk '{ for (i = 1; i <= NF; i++) if ($i == "body") { print $(i+1); exit } }')
        printf "%-10s %12s %12s %12s %12s %12s %12s\n" "$size B" "$(num "$xs")" "$(num "$xv")" "$(num "$ws")" "$(num "$wv")" "$(num "$gs")" "$(num "$gv")"
    done
fi
rm -f "$log.wssx"
