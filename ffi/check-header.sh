#!/bin/sh
# Fail (exit 1) when the committed include/wssx.h is not what cbindgen generates from the
# ffi crate now; exit 2 when cbindgen is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
header="$here/../include/wssx.h"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/gen-header.sh" "$tmp/wssx.h"
if ! diff -u "$header" "$tmp/wssx.h" >"$tmp/diff" 2>&1; then
    echo "include/wssx.h is stale: regenerate it with ffi/gen-header.sh ($(cbindgen --version))" >&2
    head -n 40 "$tmp/diff" >&2
    exit 1
fi
echo "include/wssx.h is up to date"
