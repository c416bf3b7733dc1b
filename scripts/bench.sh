#!/usr/bin/env bash
# Run every benchmark binary of the core in quick mode. Each prints rates *and* ratios
# against a baseline measured in the same run; nothing here asserts on a bare time.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in core/benches/*.rs; do
  name=$(basename "$b" .rs)
  echo "== bench $name"
  cargo bench --quiet -p wssx --bench "$name" -- --quick
done
