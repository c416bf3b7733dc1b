#!/bin/sh
# Build the C library and run the C API tests against it.
#
#   tests/c/run.sh [TARGET_DIR]
#
# TARGET_DIR defaults to $CARGO_TARGET_DIR, else <repo>/target. Steps: build libwssx in
# release mode; check include/wssx.h is what cbindgen generates; compile the test with
# -Wall -Wextra -Werror -std=c11 against the shared library and run it, natively and under
# valgrind (leaks and memory errors fail); compile and run it once more against the static
# library. Environment: CC (default cc), VALGRIND=0 to skip valgrind (not for CI),
# CHECK_HEADER=0 to skip the header check (when cbindgen cannot be installed).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-${CARGO_TARGET_DIR:-"$root/target"}}
case $target in /*) ;; *) target=$(pwd)/$target ;; esac
export CARGO_TARGET_DIR="$target"
cc=${CC:-cc}
lib="$target/release"
out="$target/c-tests"
mkdir -p "$out"
start=$(date +%s)

step() { printf '\n== %s\n' "$*"; }

step "cargo build --release -p wssx-ffi (CARGO_TARGET_DIR=$target)"
(cd "$root" && cargo build --release -p wssx-ffi)

if [ "${CHECK_HEADER:-1}" != 0 ]; then
    step "include/wssx.h is fresh"
    "$root/ffi/check-header.sh"
fi

cflags="-Wall -Wextra -Werror -std=c11 -g -pthread -I$root/include"
# The trust message tests read the fixtures of the core crate.
fixtures="-DWSSX_TRUST_FIXTURES=\"$root/core/tests/fixtures/trust\""
# The X.509 binding tests read the key transport fixture pair (recipient-cert/key.pem).
fixtures="$fixtures -DWSSX_KEYTRANSPORT_FIXTURES=\"$root/core/tests/fixtures/keytransport\""
srcs="$root/tests/c/harness.c $root/tests/c/test_wssx.c $root/tests/c/test_message.c"
srcs="$srcs $root/tests/c/test_trust.c $root/tests/c/test_binding.c $root/tests/c/test_negotiate.c"

step "compile and run against the shared library"
# shellcheck disable=SC2086
$cc $cflags $fixtures -o "$out/test_wssx" $srcs -L"$lib" -lwssx
LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$out/test_wssx" >"$out/native.log" 2>&1 || {
    cat "$out/native.log"
    echo "run.sh: C API tests failed" >&2
    exit 1
}
tail -n 1 "$out/native.log"

if [ "${VALGRIND:-1}" != 0 ]; then
    step "run under valgrind"
    if ! LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" valgrind -q --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
        "$out/test_wssx" >"$out/valgrind.log" 2>&1; then
        cat "$out/valgrind.log"
        echo "run.sh: valgrind found errors or leaks" >&2
        exit 1
    fi
    tail -n 1 "$out/valgrind.log"
    echo "valgrind: no errors, no definite or indirect leaks"
fi

step "compile and run against the static library"
# shellcheck disable=SC2086
$cc $cflags $fixtures -o "$out/test_wssx_static" $srcs "$lib/libwssx.a" \
    -lssl -lcrypto -lpthread -ldl -lm
"$out/test_wssx_static" >"$out/static.log" 2>&1 || {
    cat "$out/static.log"
    echo "run.sh: C API tests failed (static library)" >&2
    exit 1
}
tail -n 1 "$out/static.log"

printf '\nrun.sh: all C API checks passed in %ss\n' "$(($(date +%s) - start))"
