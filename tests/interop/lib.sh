# lib.sh -- shared by build.sh (key-derivation oracles) and wss/build.sh (message peers):
# prerequisite checks and the two incremental builds (a WSS4J Java program on Debian jars,
# a gSOAP wsse-plugin C program). Source it after setting TAG (the message prefix).
# Each build is redone only when its inputs (sources, flags, package versions) change.

die() { echo "$TAG: $*" >&2; exit 1; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "missing '$1' -- apt-get install $2"; }
need_file() { [ -e "$1" ] || die "missing $1 -- apt-get install $2"; }

J=/usr/share/java

# check_prereqs: every command, jar and header both builds use.
check_prereqs() {
    need_cmd javac default-jdk
    need_cmd java default-jdk
    need_cmd soapcpp2 gsoap
    need_cmd cc build-essential
    need_cmd sha256sum coreutils
    need_file $J/wss4j.jar libwss4j-java
    need_file $J/xmlsec.jar libxml-security-java
    need_file $J/commons-logging.jar libcommons-logging-java
    need_file $J/slf4j-api.jar libslf4j-java
    need_file /usr/include/stdsoap2.h libgsoap-dev
    need_file /usr/share/gsoap/plugin/wsseapi.c gsoap
    need_file /usr/share/gsoap/import/wsse.h gsoap
    need_file /usr/include/openssl/evp.h libssl-dev
    need_file /usr/include/zlib.h zlib1g-dev   # stdsoap2.h includes zlib.h under WITH_GZIP
}

# Package versions are part of every build key: an upgraded WSS4J or gSOAP forces a rebuild.
pkgvers() {
    dpkg-query -W -f '${Package}=${Version}\n' libwss4j-java libxml-security-java \
        gsoap libgsoap-dev libssl-dev 2>/dev/null || true
}

# up_to_date STAMP KEY: true when STAMP holds KEY (then nothing to do)
up_to_date() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# build_java SRCDIR OUTDIR CHECK_CLASS LABEL: javac SRCDIR/*.java into OUTDIR, writing
# OUTDIR/classpath (the runtime classpath, OUTDIR included).
build_java() {
    local src=$1 jdir=$2 check=$3 label=$4
    local cp="$jdir:$J/wss4j.jar:$J/xmlsec.jar:$J/commons-logging.jar:$J/slf4j-api.jar"
    [ -e $J/slf4j-nop.jar ] && cp="$cp:$J/slf4j-nop.jar"   # silences xmlsec's logging
    local key
    key=$( { cat "$src"/*.java; echo "$cp"; pkgvers; javac -version 2>&1; } | sha256sum)
    if up_to_date "$jdir/.stamp" "$key" && [ -f "$jdir/$check.class" ]; then
        echo "$TAG: $label up to date"
        return
    fi
    echo "$TAG: javac $label -> $jdir"
    rm -rf "$jdir"
    mkdir -p "$jdir"
    javac -nowarn -d "$jdir" -cp "$cp" "$src"/*.java || die "javac failed"
    echo "$cp" > "$jdir/classpath"
    echo "$key" > "$jdir/.stamp"
}

# build_gsoap SRCDIR IMPORT_H MAIN_C BINARY GDIR: soapcpp2 IMPORT_H into GDIR, compile the
# wsse plugin sources with MAIN_C and link BINARY against Debian's libgsoapssl.
build_gsoap() {
    local src=$1 import_h=$2 main_c=$3 bin=$4 gdir=$5
    local plugin=/usr/share/gsoap/plugin gflags
    # Must match how Debian built libgsoapssl (struct soap layout depends on WITH_*).
    if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsoapssl; then
        gflags=$(pkg-config --cflags gsoapssl)
    else
        gflags="-DWITH_IPV6 -DWITH_OPENSSL -DWITH_GZIP -DWITH_DOM"
    fi
    local cflags="-O2 -w $gflags -I$gdir -I$plugin -I/usr/share/gsoap"
    local libs="-lgsoapssl -lssl -lcrypto -lz -lm -lpthread"
    # saml1/saml2 types (pulled in by wsse.h) use the struct timeval dateTime serializer
    local csrc="$plugin/wsseapi.c $plugin/smdevp.c $plugin/mecevp.c $plugin/threads.c /usr/share/gsoap/custom/struct_timeval.c"
    local key
    key=$( { cat "$src"/*.c "$src"/*.h $csrc; echo "$cflags $libs"; pkgvers; cc --version | head -1; } | sha256sum)
    if up_to_date "$gdir/.stamp" "$key" && [ -x "$bin" ]; then
        echo "$TAG: $(basename "$bin") up to date"
        return
    fi
    echo "$TAG: soapcpp2 + cc $(basename "$bin") -> $bin"
    rm -rf "$gdir"
    mkdir -p "$gdir"
    soapcpp2 -c -L -x -I/usr/share/gsoap/import:/usr/share/gsoap -d "$gdir" \
        "$src/$import_h" > "$gdir/soapcpp2.log" 2>&1 \
        || { cat "$gdir/soapcpp2.log" >&2; die "soapcpp2 failed"; }
    local objs=() s obj p rc=0
    for s in "$gdir/soapC.c" $csrc "$src/$main_c"; do
        obj="$gdir/$(basename "${s%.c}").o"
        cc $cflags -c "$s" -o "$obj" &
        objs+=("$obj")
    done
    for p in $(jobs -p); do wait "$p" || rc=1; done
    [ $rc -eq 0 ] || die "compiling $(basename "$bin") failed"
    cc -o "$bin" "${objs[@]}" $libs || die "linking $(basename "$bin") failed (need libgsoap-dev, libssl-dev, zlib1g-dev)"
    echo "$key" > "$gdir/.stamp"
}
