"""wssx demo, Python face: make a context (SCT + secret) and a WCF-style DerivedKeyToken,
write them for the other faces, and derive the key the token names."""
import sys
import wssx

outdir = sys.argv[1]
secret = wssx.random_bytes(32)
sct = wssx.SecurityContextToken.generate(wssx.ScVersion.FEB2005)
sct.id = "sct-1"
sct.instance = "urn:uuid:00000000-0000-4000-8000-000000000001"
dkt = wssx.DerivedKeyToken.for_context(sct, length=24)
open(f"{outdir}/sct.xml", "wb").write(sct.to_xml())
open(f"{outdir}/dkt.xml", "wb").write(dkt.to_xml())
open(f"{outdir}/secret.hex", "w").write(secret.hex())
print("context  " + sct.identifier)
print("DKT      " + dkt.to_xml().decode())
key = dkt.derive(secret)
print("Python  " + key.hex())
print("Py-raw  " + wssx.derive_key(secret, wssx.DEFAULT_LABEL, dkt.nonce, 0, 24).hex())
try:
    wssx.derive_key(secret, wssx.DEFAULT_LABEL, dkt.nonce, 1 << 40, 32)
except wssx.LimitExceededError as e:
    print(f"Py-bad  offset 2^40 -> {e.kind}: {e}")
