"""Helpers for the WS-Security interop drivers (wss_interop.py, xmlsec.sh).

Everything here works on the raw bytes of an envelope where it changes it (tampering),
so that the rest of the message keeps its exact serialization: re-serializing a signed
document with a DOM library would change prefixes/whitespace and break every signature.
Reading (which token signs, which elements carry an Id) uses xml.dom.minidom.
"""
import base64
import re
import sys
from xml.dom import minidom

NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
NS_WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
NS_WSC = ("http://schemas.xmlsoap.org/ws/2005/02/sc",
          "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512")
NS_SOAP = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")


class TamperError(Exception):
    """The tampering cannot be applied to this message."""


# ------------------------------------------------------------------------------ reading

def _elements(node):
    for c in node.childNodes:
        if c.nodeType == c.ELEMENT_NODE:
            yield c
            yield from _elements(c)


def _id_of(el):
    for ns, name in ((NS_WSU, "Id"), (None, "Id"), (None, "ID"), (None, "id")):
        v = el.getAttributeNS(ns, name) if ns else el.getAttribute(name)
        if v:
            return v
    return None


def signing_key_token(xml_bytes):
    """Which token keys the first ds:Signature: ("dkt", self-contained DKT XML),
    ("sct", identifier) for a raw SCT key, or raise ValueError."""
    doc = minidom.parseString(xml_bytes)
    els = list(_elements(doc))
    by_id = {}
    for e in els:
        i = _id_of(e)
        if i:
            by_id.setdefault(i, e)
    sig = next((e for e in els if e.namespaceURI == NS_DS and e.localName == "Signature"), None)
    if sig is None:
        raise ValueError("no ds:Signature")
    ki = next((e for e in _elements(sig) if e.namespaceURI == NS_DS and e.localName == "KeyInfo"), None)
    ref = None
    if ki is not None:
        ref = next((e for e in _elements(ki) if e.namespaceURI == NS_WSSE and e.localName == "Reference"), None)
    if ref is None:
        raise ValueError("signature KeyInfo has no wsse:SecurityTokenReference/wsse:Reference")
    uri = ref.getAttribute("URI")
    target = by_id.get(uri[1:]) if uri.startswith("#") else None
    if target is None:
        # reference by SCT Identifier
        for e in els:
            if e.namespaceURI in NS_WSC and e.localName == "SecurityContextToken":
                ident = next((c for c in _elements(e) if c.localName == "Identifier"), None)
                if ident is not None and ident.firstChild is not None and ident.firstChild.data.strip() == uri:
                    return ("sct", uri)
        raise ValueError("KeyInfo reference %r resolves to nothing in the message" % uri)
    if target.namespaceURI in NS_WSC and target.localName == "SecurityContextToken":
        ident = next((c for c in _elements(target) if c.localName == "Identifier"), None)
        return ("sct", ident.firstChild.data.strip() if ident is not None and ident.firstChild else "")
    if target.namespaceURI in NS_WSC and target.localName == "DerivedKeyToken":
        # copy the inherited xmlns declarations onto the token so it parses on its own
        inherited = {}
        p = target.parentNode
        while p is not None and p.nodeType == p.ELEMENT_NODE:
            for k, v in p.attributes.items():
                if (k == "xmlns" or k.startswith("xmlns:")) and k not in inherited:
                    inherited[k] = v
            p = p.parentNode
        clone = target.cloneNode(True)
        for k, v in inherited.items():
            if not clone.hasAttribute(k):
                clone.setAttribute(k, v)
        return ("dkt", clone.toxml())
    raise ValueError("KeyInfo references a %s, not an SCT or DKT" % target.localName)


def id_elements(xml_bytes):
    """Sorted (namespace, localName) of the elements that carry an Id attribute."""
    doc = minidom.parseString(xml_bytes)
    out = set()
    for e in _elements(doc):
        if _id_of(e):
            out.add((e.namespaceURI or "", e.localName))
    return sorted(out)


# ------------------------------------------------------------------------------ tampering

_BODY_OPEN = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?Body(?=[\s>/])[^>]*>")


def _body_span(s):
    """(start of <Body ...>, end of the start tag, start of </Body>, end of </Body>)."""
    m = None
    for cand in _BODY_OPEN.finditer(s):
        prefix = cand.group(1)
        # the SOAP Body: its prefix must be bound to a SOAP envelope namespace somewhere
        if prefix is None or any((b'xmlns:' + prefix + b'="' + ns.encode() + b'"') in s for ns in NS_SOAP):
            m = cand
    if m is None:
        raise TamperError("no SOAP Body")
    prefix = m.group(1)
    close = b"</" + (prefix + b":" if prefix else b"") + b"Body>"
    end = s.rfind(close)
    if end < m.end():
        raise TamperError("no </Body>")
    return m.start(), m.end(), end, end + len(close)


def _flip_b64(s, tag):
    """Flip one bit of the first <*:tag> base64 value."""
    m = re.search(rb"(<(?:[\w.-]+:)?" + tag + rb"(?:\s[^>]*)?>)\s*([A-Za-z0-9+/=\s]+?)\s*(</)", s)
    if not m:
        raise TamperError("no %s" % tag.decode())
    raw = bytearray(base64.b64decode(re.sub(rb"\s+", b"", m.group(2))))
    raw[len(raw) // 2] ^= 0x01
    return s[:m.start(2)] + base64.b64encode(bytes(raw)) + s[m.end(2):]


def tamper(op, s):
    """Return a tampered copy of envelope bytes s. Ops:
      body-text     change one character of the first text in the Body
      ts-text       change one digit of the signed Timestamp's Expires
      digest        flip a bit of the first ds:DigestValue
      sigvalue      flip a bit of ds:SignatureValue
      nonce         flip a bit of the first wsc:Nonce (derives another key)
      reorder       swap the first two child elements of the Body's first element
      wrap          signature wrapping: the signed Body moves into a header, an unsigned
                    Body with other content takes its place
      wrap-dup      a copy of the signed Body (same Id) goes into a header and the real Body
                    is changed (duplicate Ids)
      drop-sig      remove ds:Signature (nothing is signed any more)
      hmac-trunc    ds:HMACOutputLength 80 and a SignatureValue truncated to 10 bytes
      cipher-iv     flip the top bit of byte 1 of the first CipherValue's IV (valid padding,
                    plaintext no longer UTF-8)
      cipher-block  flip a bit in the second ciphertext block (valid padding, garbage block)
    """
    if op == "body-text":
        _, bs, be, _ = _body_span(s)
        m = re.search(rb">([^<]*[A-Za-z0-9][^<]*)<", s[bs - 1:be + 1])
        if not m:
            raise TamperError("Body has no text")
        pos = bs - 1 + m.start(1)
        text = m.group(1)
        k = next(i for i, c in enumerate(text) if chr(c).isalnum())
        c = text[k:k + 1]
        rep = c.swapcase() if c.isalpha() and c.swapcase() != c else (b"7" if c != b"7" else b"8")
        return s[:pos + k] + rep + s[pos + k + 1:]
    if op == "ts-text":
        m = re.search(rb"<(?:[\w.-]+:)?Expires>(\d{4})", s)
        if not m:
            raise TamperError("no Timestamp/Expires")
        year = int(m.group(1)) + 1
        return s[:m.start(1)] + str(year).encode() + s[m.end(1):]
    if op == "digest":
        return _flip_b64(s, b"DigestValue")
    if op == "sigvalue":
        return _flip_b64(s, b"SignatureValue")
    if op == "nonce":
        return _flip_b64(s, b"Nonce")
    if op == "reorder":
        _, bs, be, _ = _body_span(s)
        body = s[bs:be]
        # first element child of the Body, then its first two element children
        m = re.match(rb"\s*<([\w.:-]+)[^>]*>", body)
        if not m:
            raise TamperError("empty Body")
        inner_start = m.end()
        kids = []
        pos = inner_start
        for _ in range(2):
            km = re.compile(rb"\s*<([\w.:-]+)(?:\s[^>]*)?>").match(body, pos)
            if not km or km.group(0).rstrip().endswith(b"/>"):
                raise TamperError("Body element has fewer than two simple children")
            name = km.group(1)
            close = body.find(b"</" + name + b">", km.end())
            if close < 0:
                raise TamperError("cannot find </%s>" % name.decode())
            kids.append((km.start(), close + len(name) + 3))
            pos = close + len(name) + 3
        (a0, a1), (b0, b1) = kids
        new = body[:a0] + body[b0:b1] + body[a1:b0] + body[a0:a1] + body[b1:]
        return s[:bs] + new + s[be:]
    if op in ("wrap", "wrap-dup"):
        b0, bs, be, b1 = _body_span(s)
        signed_body = s[b0:b1]
        start_tag = s[b0:bs]
        # where to put the copy: a header element of our own, inside the SOAP Header
        hm = re.search(rb"<((?:[\w.-]+:)?)Header(\s[^>]*)?(/?)>", s)
        if not hm:
            raise TamperError("no SOAP Header")
        env_prefix = hm.group(1)
        # the moved Body needs its SOAP prefix bound where it lands
        ns_decl = b""
        pm = _BODY_OPEN.match(s, b0)
        if pm.group(1):
            for ns in NS_SOAP:
                if (b'xmlns:' + pm.group(1) + b'="' + ns.encode() + b'"') in s:
                    ns_decl = b' xmlns:' + pm.group(1) + b'="' + ns.encode() + b'"'
        wrapper = b'<atk:Wrapper xmlns:atk="urn:wssx:attack"' + ns_decl + b'>' + signed_body + b'</atk:Wrapper>'
        if op == "wrap":
            # unsigned Body: no Id attribute, attacker content
            tag = re.sub(rb'\s[\w.-]*:?Id="[^"]*"', b"", start_tag)
            new_body = tag + b'<atk:Evil xmlns:atk="urn:wssx:attack">transfer all funds</atk:Evil>' + s[be:b1]
        else:
            # same Id, different content: the real Body is changed, the copy is the original
            t = tamper("body-text", s)
            tb0, _, _, tb1 = _body_span(t)
            new_body = t[tb0:tb1]
        body_replaced = s[:b0] + new_body + s[b1:]
        hm = re.search(rb"<((?:[\w.-]+:)?)Header(\s[^>]*)?(/?)>", body_replaced)
        if hm.group(3):  # <Header/>
            tag = hm.group(0)[:-2] + b">"
            return body_replaced[:hm.start()] + tag + wrapper + b"</" + env_prefix + b"Header>" + body_replaced[hm.end():]
        return body_replaced[:hm.end()] + wrapper + body_replaced[hm.end():]
    if op in ("cipher-iv", "cipher-block"):
        m = re.search(rb"(<(?:[\w.-]+:)?CipherValue(?:\s[^>]*)?>)\s*([A-Za-z0-9+/=\s]+?)\s*(</)", s)
        if not m:
            raise TamperError("no CipherValue")
        raw = bytearray(base64.b64decode(re.sub(rb"\s+", b"", m.group(2))))
        if len(raw) < 64:
            raise TamperError("ciphertext too short (%d bytes)" % len(raw))
        if op == "cipher-iv":
            # CBC: P1 = D(C1) xor IV, so this sets the top bit of plaintext byte 1 (an ASCII
            # character of the first element's tag): same padding, invalid UTF-8 / XML
            raw[1] ^= 0x80
        else:
            # a byte of the second ciphertext block: that plaintext block becomes random, the
            # next one changes predictably; the padding (last block) is untouched
            raw[16 + 16 + 3] ^= 0x01
        return s[:m.start(2)] + base64.b64encode(bytes(raw)) + s[m.end(2):]
    if op == "drop-sig":
        m = re.search(rb"<([\w.-]+:)?Signature[\s>].*?</\1?Signature>", s, re.S)
        if not m:
            raise TamperError("no Signature")
        return s[:m.start()] + s[m.end():]
    if op == "hmac-trunc":
        m = re.search(rb"(<([\w.-]+:)?SignatureMethod\s[^>]*?)(/>|>\s*</\2?SignatureMethod>)", s)
        if not m:
            raise TamperError("no SignatureMethod")
        p = m.group(2) or b""
        new_sm = m.group(1) + b"><" + p + b"HMACOutputLength>80</" + p + b"HMACOutputLength></" + p + b"SignatureMethod>"
        s2 = s[:m.start()] + new_sm + s[m.end():]
        v = re.search(rb"(<(?:[\w.-]+:)?SignatureValue(?:\s[^>]*)?>)\s*([A-Za-z0-9+/=\s]+?)\s*(</)", s2)
        raw = base64.b64decode(re.sub(rb"\s+", b"", v.group(2)))
        return s2[:v.start(2)] + base64.b64encode(raw[:10]) + s2[v.end(2):]
    raise ValueError("unknown tamper op %r" % op)


TAMPER_OPS = ("body-text", "ts-text", "digest", "sigvalue", "nonce", "reorder",
              "wrap", "wrap-dup", "drop-sig", "hmac-trunc")
CIPHER_OPS = ("cipher-iv", "cipher-block")


def main(argv):
    """CLI for xmlsec.sh and debugging:
       wsslib.py key-token FILE   -> "dkt" + DKT XML on the next lines, or "sct IDENTIFIER"
       wsslib.py id-attrs FILE    -> one "--id-attr:Id NS:NAME" argument pair per line
       wsslib.py tamper OP FILE   -> tampered envelope on stdout"""
    if len(argv) >= 2 and argv[0] == "key-token":
        kind, val = signing_key_token(open(argv[1], "rb").read())
        sys.stdout.write(kind + "\n" + val + "\n")
        return 0
    if len(argv) >= 2 and argv[0] == "id-attrs":
        for ns, name in id_elements(open(argv[1], "rb").read()):
            sys.stdout.write("%s:%s\n" % (ns, name) if ns else name + "\n")
        return 0
    if len(argv) >= 3 and argv[0] == "tamper":
        sys.stdout.buffer.write(tamper(argv[1], open(argv[2], "rb").read()))
        return 0
    sys.stderr.write(main.__doc__ + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
