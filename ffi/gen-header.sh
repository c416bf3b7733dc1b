#!/bin/sh
# Regenerate include/wssx.h from the ffi crate with cbindgen.
#   ffi/gen-header.sh [OUTPUT]     (default: include/wssx.h at the repository root)
# Install cbindgen with: cargo install cbindgen --locked
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../include/wssx.h"}
if ! command -v cbindgen >/dev/null 2>&1; then
    echo "gen-header.sh: cbindgen not found; install it with: cargo install cbindgen --locked" >&2
    exit 2
fi
mkdir -p "$(dirname "$out")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$here"
if ! cbindgen --config cbindgen.toml --crate wssx-ffi --output "$out" 2>"$log"; then
    cat "$log" >&2
    exit 1
fi
# The *Arg int aliases are excluded on purpose (see [export] in cbindgen.toml): their
# "Can't find" notices are expected; show anything else.
grep -v "Can't find \(ScVersionArg\|StatusArg\|ProtectionArg\|SuiteArg\|TokenReferenceArg\|ProtectionOrderArg\|TrustVersionArg\|SoapVersionArg\|WsaVersionArg\|BinarySecretTypeArg\|RequestTypeArg\|TargetKindArg\|ValidityArg\|EntropyModeArg\)\." "$log" >&2 || true
