#!/usr/bin/env bash
# Run the wssx Python tests against the wheel installed in a venv (bindings/python/build.sh).
#
#   tests/python/run.sh VENV_DIR [pytest args...]
set -uo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 VENV_DIR [pytest args...]" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(cd "$1" && pwd)" || exit 2
shift
# Run from the test directory so that `import wssx` can only find the installed package,
# never the source tree.
cd "$here" || exit 2
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$here" "$@"
exit $?
