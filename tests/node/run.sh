#!/usr/bin/env bash
# Run the Node face's test suite (node --test) and exit with its status.
# Needs bindings/node/wssx.node: build it first with bindings/node/build.sh.
# Extra arguments go to `node --test` (e.g. --test-reporter=spec).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
addon="$here/../../bindings/node/wssx.node"
if [[ ! -f "$addon" ]]; then
  echo "tests/node/run.sh: bindings/node/wssx.node is missing; run bindings/node/build.sh first" >&2
  exit 1
fi

shopt -s nullglob
files=("$here"/*.test.mjs)
if ((${#files[@]} == 0)); then
  echo "tests/node/run.sh: no tests found in $here" >&2
  exit 1
fi

cd "$here"
exec node --test "$@" "${files[@]}"
