#!/usr/bin/env bash
# xmlsec.sh <secretB64> <envelope.xml> -- verify the first ds:Signature of a WS-Security
# envelope signed with an SCT (+ DKT) with xmlsec1 (libxmlsec1 1.2, OpenSSL backend), as an
# independent third opinion on wssx's HMAC signatures.
#
# xmlsec1 knows nothing of WS-SecureConversation, so the key is worked out here:
#   - KeyInfo -> STR -> Reference to a wsc:DerivedKeyToken: the DKT is cut out of the
#     message (with the namespace declarations it inherits) and `$WSSX_CLI dkt-derive
#     <secret>` computes its key (the DKT's own Label/Nonce/Offset/Length);
#   - KeyInfo referencing the SCT itself (gSOAP, `wssx sign-sct --raw-key`): the secret.
# The key is handed over as a raw HMAC key file (--hmackey). xmlsec1 skips the
# wsse:SecurityTokenReference inside ds:KeyInfo (an unknown KeyInfo child is not an error
# by default) and uses the only key in its keys manager; no --enabled-key-data is needed.
# wsu:Id is not an ID attribute for libxml2, so every element carrying an Id attribute in
# the message is registered with --id-attr:Id <namespace>:<localName> (xmlsec1 splits
# at the last ':').
# Exit 0: signature and all references verified; 1: xmlsec1 says no; 2: usage / setup.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then
    echo "usage: $0 <secretB64> <envelope.xml>   (env WSSX_CLI = wssx, for DKT messages)" >&2
    exit 2
fi
secret=$1
msg=$2
command -v xmlsec1 >/dev/null 2>&1 || { echo "xmlsec.sh: xmlsec1 missing -- apt-get install xmlsec1" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$here/wsslib.py" key-token "$msg" > "$tmp/token" 2> "$tmp/err" \
    || { echo "xmlsec.sh: cannot find the signing token: $(cat "$tmp/err")" >&2; exit 2; }
kind=$(head -1 "$tmp/token")
case $kind in
    dkt)
        if [ -z "${WSSX_CLI:-}" ] || [ ! -x "$WSSX_CLI" ]; then
            echo "xmlsec.sh: the signature uses a DerivedKeyToken: set WSSX_CLI for dkt-derive" >&2
            exit 2
        fi
        tail -n +2 "$tmp/token" > "$tmp/dkt.xml"
        key=$("$WSSX_CLI" dkt-derive "$secret" < "$tmp/dkt.xml") \
            || { echo "xmlsec.sh: wssx dkt-derive failed on $(cat "$tmp/dkt.xml")" >&2; exit 2; }
        ;;
    sct) key=$secret ;;
    *) echo "xmlsec.sh: unexpected token kind '$kind'" >&2; exit 2 ;;
esac
printf '%s' "$key" | base64 -d > "$tmp/key.bin" || { echo "xmlsec.sh: bad key base64" >&2; exit 2; }

idargs=()
while IFS= read -r qn; do
    [ -n "$qn" ] && idargs+=("--id-attr:Id" "$qn")
done < <(python3 "$here/wsslib.py" id-attrs "$msg")

if xmlsec1 --verify --hmackey "$tmp/key.bin" "${idargs[@]}" "$msg" > "$tmp/out" 2>&1; then
    grep -i 'References' "$tmp/out" | head -1
    echo "xmlsec1: OK ($kind key, $(stat -c %s "$tmp/key.bin") bytes)"
    exit 0
fi
echo "xmlsec1: FAILED ($kind key): $(grep -v '^func=' "$tmp/out" | tr '\n' ' ' | tail -c 400)"
exit 1
