#!/usr/bin/env bash
# Install the Debian packages given as arguments that are not installed yet.
# Runs apt-get update only when something is missing (it is slow and needs the network).
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm may come from outside Debian (the image ships them): accept the commands.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 || filtered+=("$p") ;;
    npm)    command -v npm  >/dev/null 2>&1 || filtered+=("$p") ;;
    *)      filtered+=("$p") ;;
  esac
done
if [ ${#filtered[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${filtered[*]}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
