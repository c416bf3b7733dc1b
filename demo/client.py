"""wssx demo client (Python face): obtain a context from the HTTP token service, talk to
the application endpoint with it, renew, amend and cancel it."""
import sys
import urllib.request
import urllib.error
import wssx

base = sys.argv[1]


def post(url, request):
    req = urllib.request.Request(url, data=request.envelope, headers=request.headers, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.read()
    except urllib.error.HTTPError as e:  # SOAP faults come with HTTP 500
        return e.read()


def app_call(ctx, text):
    env = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<m:Echo xmlns:m="urn:wssx:demo"><m:Text>{text}</m:Text></m:Echo></s:Body></s:Envelope>'
    ).encode()
    secured = ctx.sign_and_encrypt(env)
    req = urllib.request.Request(base + "/app", data=secured, headers={"Content-Type": "text/xml"}, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            reply = r.read()
    except urllib.error.HTTPError as e:
        raise wssx.Fault.from_xml(e.read()).to_error()
    report = ctx.verify(reply)
    return report


requestor = wssx.Requestor(wssx.RequestorConfig(to=base + "/sts", trust_version=sys.argv[2] if len(sys.argv) > 2 else "2005/02"))
transport = lambda out: post(base + "/sts", out)
ctx = requestor.obtain(transport)
print(f"  [python client] issued {ctx.identifier}, {len(ctx.secret) * 8}-bit key, expires {ctx.expires}")
r = app_call(ctx, "hello")
print(f"  [python client] reply verified: body signed={r.body_signed} decrypted={r.body_decrypted}")
out = requestor.call(transport, "renew", ctx)
ctx = out.context
print(f"  [python client] renewed: new instance {ctx.instance}")
app_call(ctx, "after renewal")
requestor.call(transport, "amend", ctx)
print("  [python client] amended")
# Keep a copy of the key: after the cancel, send with it anyway to show the service refuses.
stale = wssx.SecurityContext(ctx.sct, ctx.secret, trust_version=ctx.trust_version)
requestor.call(transport, "cancel", ctx)
print("  [python client] cancelled")
try:
    app_call(stale, "after cancel")
    print("  [python client] ERROR: cancelled context accepted")
    sys.exit(1)
except wssx.WssxError as e:
    print(f"  [python client] cancelled context refused: {e.kind}")
