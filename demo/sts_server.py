"""wssx demo: a WS-SecureConversation token service and an application endpoint over HTTP
on loopback, written with the Python face and the standard library's threading HTTP server.

  POST /sts   WS-Trust (Feb 2005 or 1.3, SOAP 1.1 or 1.2): issue, renew, amend, cancel,
              validate security context tokens (wssx.TokenService over a MemoryStore)
  POST /app   an echo service: the request must be signed (and may be encrypted) with a
              context the token service issued; the reply is signed and encrypted with it

Run: python demo/sts_server.py PORT   (prints "ready" once it listens)
"""
import sys
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import wssx

store = wssx.MemoryStore()
service = wssx.TokenService(store, context_lifetime=600)


def log(msg: str) -> None:
    print(f"  [python sts] {msg}", flush=True)


def soap_version_of(body: bytes) -> str:
    return "1.2" if b"http://www.w3.org/2003/05/soap-envelope" in body else "1.1"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet default access log
        pass

    def reply(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        if length > 16 << 20:
            return self.reply(413, "text/plain", b"too large\n")
        body = self.rfile.read(length)
        if self.path.startswith("/sts"):
            resp = service.handle(body)
            what = resp.operation or "fault"
            log(f"{what:<9} -> HTTP {resp.status_code} {resp.action or ''} context={resp.context or '-'}")
            return self.reply(resp.status_code, resp.content_type, resp.envelope)
        if self.path.startswith("/app"):
            return self.app(body)
        self.reply(404, "text/plain", b"no such endpoint\n")

    def app(self, body: bytes) -> None:
        soap = soap_version_of(body)
        try:
            report = service.verify_message(body)
            if not report.body_signed:
                raise wssx.FailedAuthenticationError("the Body must be signed with a security context")
            identifier, instance = report.signer_of("Body")
            held = store.get(identifier, instance)
            text = re.search(rb"<m:Text>(.*?)</m:Text>", report.envelope)
            said = text.group(1).decode() if text else "?"
            log(f"app: verified and decrypted a message signed by {identifier} (instance {instance}): {said!r}")
            reply = (
                '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
                f'<m:EchoResponse xmlns:m="urn:wssx:demo"><m:Text>echo: {said}</m:Text></m:EchoResponse>'
                "</s:Body></s:Envelope>"
            ).encode()
            sct = wssx.SecurityContextToken(identifier, held.version)
            if instance:
                sct.instance = instance
            secured = wssx.sign_and_encrypt(reply, sct, held.secret)
            self.reply(200, "text/xml; charset=utf-8", secured)
        except wssx.WssxError as e:
            log(f"app: refused: {e.kind}: {e}")
            fault = wssx.Fault.from_error(e, "1.3").to_xml(soap)
            self.reply(500, "text/xml; charset=utf-8" if soap == "1.1" else "application/soap+xml", fault)


def main() -> None:
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
