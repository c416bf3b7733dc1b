#!/usr/bin/env bash
# build.sh OUTDIR -- builds the WS-SecureConversation interop oracles:
#   OUTDIR/java/*.class       DeriveOracle + TokenFixtures (Apache WSS4J 1.6, Debian jars)
#   OUTDIR/java/classpath     runtime classpath (prefix it with nothing: it includes OUTDIR/java)
#   OUTDIR/psha1_oracle       gSOAP oracle (soap_psha1 from the wsse plugin)
#   OUTDIR/gsoap-build/       soapcpp2-generated stubs and objects (never committed)
# Only Debian packages are used (no Maven downloads). Each part is rebuilt only when its
# inputs (sources, compiler flags, package versions) changed, so a second run is instant.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
TAG="interop build"
. "$here/lib.sh"

check_prereqs
build_java "$here/java" "$out/java" DeriveOracle "DeriveOracle TokenFixtures"
# wsseapi.c needs the stubs for the wsse/ds/xenc/saml types: generated from #import "wsse.h"
build_gsoap "$here/gsoap" wsse_import.h psha1_oracle.c "$out/psha1_oracle" "$out/gsoap-build"

# ---------------------------------------------------------------- smoke test
# P_SHA1(secret="abc", seed="defg") first 32 bytes, checked against both oracles.
want="Nz3guxQJzmxjwkXGGR+Ql/+KOmBUlKQpqhlM7WmFHJw="
got_c=$(printf 'YWJj\tZGVmZw==\t256\n' | "$out/psha1_oracle" ck) || die "psha1_oracle does not run"
[ "$got_c" = "$want" ] || die "psha1_oracle smoke test: got '$got_c', want '$want'"
echo "interop build: ok ($out)"
