#!/usr/bin/env bash
# build.sh OUTDIR -- builds the WS-Security message protection peers:
#   OUTDIR/java/Wss4jPeer.class  Apache WSS4J 1.6 peer (Debian jars only)
#   OUTDIR/java/classpath        its runtime classpath (includes OUTDIR/java)
#   OUTDIR/gsoap_peer            gSOAP 2.8 wsse-plugin peer
#   OUTDIR/gsoap-build/          soapcpp2-generated stubs and objects (never committed)
# Same conventions as ../build.sh (the key-derivation oracles): only Debian packages, and
# each part is rebuilt only when its inputs (sources, flags, package versions) changed.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

die() { echo "wss build: $*" >&2; exit 1; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "missing '$1' -- apt-get install $2"; }
need_file() { [ -e "$1" ] || die "missing $1 -- apt-get install $2"; }

need_cmd javac default-jdk
need_cmd java default-jdk
need_cmd soapcpp2 gsoap
need_cmd cc build-essential
need_cmd sha256sum coreutils
J=/usr/share/java
need_file $J/wss4j.jar libwss4j-java
need_file $J/xmlsec.jar libxml-security-java
need_file $J/commons-logging.jar libcommons-logging-java
need_file $J/slf4j-api.jar libslf4j-java
need_file /usr/include/stdsoap2.h libgsoap-dev
need_file /usr/share/gsoap/plugin/wsseapi.c gsoap
need_file /usr/share/gsoap/import/wsse.h gsoap
need_file /usr/include/openssl/evp.h libssl-dev
need_file /usr/include/zlib.h zlib1g-dev   # stdsoap2.h includes zlib.h under WITH_GZIP

pkgvers=$(dpkg-query -W -f '${Package}=${Version}\n' libwss4j-java libxml-security-java \
          gsoap libgsoap-dev libssl-dev 2>/dev/null || true)
up_to_date() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# ---------------------------------------------------------------- Java (WSS4J)
jdir=$out/java
cp="$jdir:$J/wss4j.jar:$J/xmlsec.jar:$J/commons-logging.jar:$J/slf4j-api.jar"
[ -e $J/slf4j-nop.jar ] && cp="$cp:$J/slf4j-nop.jar"   # silences xmlsec's logging
jkey=$( { cat "$here"/java/*.java; echo "$cp"; echo "$pkgvers"; javac -version 2>&1; } | sha256sum)
if up_to_date "$jdir/.stamp" "$jkey" && [ -f "$jdir/Wss4jPeer.class" ]; then
    echo "wss build: WSS4J peer up to date"
else
    echo "wss build: javac Wss4jPeer -> $jdir"
    rm -rf "$jdir"
    mkdir -p "$jdir"
    javac -nowarn -d "$jdir" -cp "$cp" "$here"/java/*.java || die "javac failed"
    echo "$cp" > "$jdir/classpath"
    echo "$jkey" > "$jdir/.stamp"
fi

# ---------------------------------------------------------------- C (gSOAP)
gdir=$out/gsoap-build
plugin=/usr/share/gsoap/plugin
# Must match how Debian built libgsoapssl (struct soap layout depends on WITH_*).
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsoapssl; then
    gflags=$(pkg-config --cflags gsoapssl)
else
    gflags="-DWITH_IPV6 -DWITH_OPENSSL -DWITH_GZIP -DWITH_DOM"
fi
cflags="-O2 -w $gflags -I$gdir -I$plugin -I/usr/share/gsoap"
libs="-lgsoapssl -lssl -lcrypto -lz -lm -lpthread"
csrc="$plugin/wsseapi.c $plugin/smdevp.c $plugin/mecevp.c $plugin/threads.c /usr/share/gsoap/custom/struct_timeval.c"
gkey=$( { cat "$here"/gsoap/*.c "$here"/gsoap/*.h $csrc; echo "$cflags $libs"; echo "$pkgvers"; cc --version | head -1; } | sha256sum)
if up_to_date "$gdir/.stamp" "$gkey" && [ -x "$out/gsoap_peer" ]; then
    echo "wss build: gSOAP peer up to date"
else
    echo "wss build: soapcpp2 + cc gsoap_peer -> $out/gsoap_peer"
    rm -rf "$gdir"
    mkdir -p "$gdir"
    # wsse/ds/xenc/wsc/saml bindings + the one-operation echo service (ns__echo)
    soapcpp2 -c -L -x -I/usr/share/gsoap/import:/usr/share/gsoap -d "$gdir" \
        "$here/gsoap/wssx_echo.h" > "$gdir/soapcpp2.log" 2>&1 \
        || { cat "$gdir/soapcpp2.log" >&2; die "soapcpp2 failed"; }
    objs=()
    for src in "$gdir/soapC.c" $csrc "$here/gsoap/gsoap_peer.c"; do
        obj="$gdir/$(basename "${src%.c}").o"
        cc $cflags -c "$src" -o "$obj" &
        objs+=("$obj")
    done
    wait_all() { local rc=0; for p in $(jobs -p); do wait "$p" || rc=1; done; return $rc; }
    wait_all || die "compiling the gSOAP peer failed"
    cc -o "$out/gsoap_peer" "${objs[@]}" $libs || die "linking the gSOAP peer failed (need libgsoap-dev, libssl-dev, zlib1g-dev)"
    echo "$gkey" > "$gdir/.stamp"
fi

# ---------------------------------------------------------------- smoke test
secret=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
"$out/gsoap_peer" sign "$secret" urn:uuid:smoke --text smoke \
    | "$out/gsoap_peer" verify "$secret" urn:uuid:smoke >/dev/null \
    || die "gsoap_peer smoke test (sign | verify) failed"
echo "wss build: ok ($out)"
