#!/usr/bin/env bash
# Build the wssx wheel (abi3, release) with maturin and install it into a venv.
#
#   bindings/python/build.sh VENV_DIR
#
# VENV_DIR must have maturin and pip (python3 -m venv VENV && VENV/bin/pip install maturin
# pytest). The wheel is left in bindings/python/dist/. CARGO_TARGET_DIR is honoured (the
# workspace target/ otherwise).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 VENV_DIR" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(cd "$1" && pwd)"
py="$venv/bin/python"
[ -x "$py" ] || { echo "build.sh: no python in $venv/bin" >&2; exit 2; }
if [ -x "$venv/bin/maturin" ]; then
    maturin=("$venv/bin/maturin")
else
    maturin=("$py" -m maturin)
fi

dist="$here/dist"
rm -rf "$dist"
mkdir -p "$dist"

start=$(date +%s)
# --compatibility linux: a local wheel (libssl comes from the system, as for the rest of
# the workspace); no manylinux audit or repair.
"${maturin[@]}" build --release --strip --compatibility linux \
    --manifest-path "$here/Cargo.toml" --interpreter "$py" --out "$dist"

wheels=("$dist"/wssx-*.whl)
[ -f "${wheels[0]}" ] || { echo "build.sh: maturin wrote no wheel to $dist" >&2; exit 1; }
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "${wheels[0]}"
echo "build.sh: installed $(basename "${wheels[0]}") into $venv ($(( $(date +%s) - start ))s)"
