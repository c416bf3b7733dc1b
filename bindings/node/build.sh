#!/usr/bin/env bash
# Build the wssx Node.js addon.
#
#   bindings/node/build.sh            npm install, release-build the crate, place
#                                     bindings/node/wssx.node, regenerate index.d.ts
#   bindings/node/build.sh --check    the same, and fail when the regenerated index.d.ts
#                                     differs from the one in the tree (which is kept)
#   bindings/node/build.sh --debug    a debug build (faster to compile)
#
# Cargo's target directory is $CARGO_TARGET_DIR when set, else <repo>/target. The build is
# done by @napi-rs/cli (`napi build`), a devDependency pinned in package-lock.json: it runs
# `cargo build`, copies lib<crate>.so to wssx.node and writes index.d.ts from the type
# definitions napi-derive emits while compiling.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

check=0
profile=(--release)
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --debug) profile=() ;;
    -h | --help)
      sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

echo "build.sh: npm install (bindings/node)" >&2
npm install --no-audit --no-fund --loglevel=error

napi="$here/node_modules/.bin/napi"
if [[ ! -x "$napi" ]]; then
  echo "build.sh: $napi missing after npm install" >&2
  exit 1
fi

committed=""
if ((check)); then
  if [[ ! -f index.d.ts ]]; then
    echo "build.sh --check: bindings/node/index.d.ts is missing (run build.sh and commit it)" >&2
    exit 1
  fi
  committed="$(mktemp)"
  trap 'rm -f "$committed"' EXIT
  cp index.d.ts "$committed"
fi

echo "build.sh: napi build ${profile[*]} (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >&2
# --no-js: index.js is our own loader. Enums are emitted as runtime enums (`export declare
# enum`) because the addon exports the ScVersion object at run time.
"$napi" build "${profile[@]}" \
  --manifest-path "$here/Cargo.toml" \
  --package-json-path "$here/package.json" \
  --target-dir "$CARGO_TARGET_DIR" \
  --output-dir "$here" \
  --no-js \
  --no-const-enum --runtime-string-enum \
  --dts index.d.ts

if [[ ! -f "$here/wssx.node" ]]; then
  echo "build.sh: napi build did not produce bindings/node/wssx.node" >&2
  exit 1
fi

if ((check)); then
  if ! diff -u "$committed" index.d.ts >&2; then
    cp "$committed" index.d.ts
    echo "build.sh --check: the regenerated index.d.ts differs from the committed one (diff above);" >&2
    echo "  run bindings/node/build.sh and commit bindings/node/index.d.ts" >&2
    exit 1
  fi
  echo "build.sh --check: index.d.ts is up to date" >&2
fi

node -e "const w = require('$here'); if (typeof w.deriveKey !== 'function') process.exit(1)" ||
  { echo "build.sh: the built addon does not load" >&2; exit 1; }
echo "build.sh: built $here/wssx.node" >&2
