#!/usr/bin/env bash
# build.sh OUTDIR -- builds the WS-Security message protection peers:
#   OUTDIR/java/Wss4jPeer.class  Apache WSS4J 1.6 peer (Debian jars only)
#   OUTDIR/java/classpath        its runtime classpath (includes OUTDIR/java)
#   OUTDIR/gsoap_peer            gSOAP 2.8 wsse-plugin peer
#   OUTDIR/gsoap-build/          soapcpp2-generated stubs and objects (never committed)
# Same conventions and shared steps as ../build.sh (see ../lib.sh).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
TAG="wss build"
. "$here/../lib.sh"

check_prereqs
build_java "$here/java" "$out/java" Wss4jPeer "WSS4J peer"
# wsse/ds/xenc/wsc/saml bindings + the one-operation echo service (ns__echo)
build_gsoap "$here/gsoap" wssx_echo.h gsoap_peer.c "$out/gsoap_peer" "$out/gsoap-build"

# ---------------------------------------------------------------- smoke test
secret=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
"$out/gsoap_peer" sign "$secret" urn:uuid:smoke --text smoke \
    | "$out/gsoap_peer" verify "$secret" urn:uuid:smoke >/dev/null \
    || die "gsoap_peer smoke test (sign | verify) failed"
echo "wss build: ok ($out)"
