/*
 * Wss4jPeer -- Apache WSS4J 1.6 (Debian libwss4j-java) as a WS-SecureConversation message
 * protection peer for wssx: sign / encrypt / verify SOAP envelopes with a
 * SecurityContextToken + DerivedKeyTokens.
 *
 * Usage (envelope on stdin, result on stdout, diagnostics on stderr):
 *   sign         <secretB64> <identifier> <2005|1.3> <id|identifier> [opts]
 *   encrypt      <secretB64> <identifier> <2005|1.3> <id|identifier> [opts]
 *   sign-encrypt <secretB64> <identifier> <2005|1.3> <id|identifier> [opts] [--encrypt-then-sign]
 *     opts: --label L          label the DKTs with L (see "Labels" below)
 *           --length N         signature DKT length in bytes (default: WSS4J's, i.e. the
 *                              HMAC's key length: 20 for HMAC-SHA1, 32 for HMAC-SHA256)
 *           --sha256           HMAC-SHA256 + SHA-256 digests (default HMAC-SHA1 + SHA-1)
 *           --aes128           AES-128-CBC (default AES-256-CBC)
 *           --enc-length N     encryption DKT length (default: the AES key size)
 *           --no-timestamp     no wsu:Timestamp (default: one, signed with the Body)
 *           --sct-id ID        wsu:Id of the SCT (default "SCT-<random>", written for both
 *                              reference styles: WSS4J's receiver needs it, see NOTES.md)
 *           --value-type       refStyle id: also put ValueType=".../sct" on the DKT's
 *                              Reference (WSS4J's default is no ValueType and a
 *                              wsse11:TokenType="...#EncryptedKey" on the STR)
 *   verify       <secretB64> [identifier]
 *       WSSecurityEngine.processSecurityHeader; the CallbackHandler answers every
 *       WSPasswordCallback (SECURITY_CONTEXT_TOKEN, SECRET_KEY, ...) for `identifier`
 *       (any identifier when omitted) with the secret. Prints one line per result and per
 *       protected element; exit 0 iff the SOAP Body (the element itself, compared by
 *       identity) was signed or decrypted, 1 if not or when WSS4J rejects the message,
 *       2 on usage errors / unparsable input.
 *   batch
 *       many jobs in one JVM: stdin lines "jobId TAB inFile TAB outFile TAB mode TAB args...",
 *       prints "jobId TAB exitCode" per job (stdout to outFile, stderr to outFile.err)
 *   bench-sign N / bench-verify N [bodyBytes]
 *       parse + secure (SCT + DKT + HMAC-SHA1 over Body and Timestamp) + serialize a fixed
 *       envelope N times in-process after a warm-up (>= 3 s); verify = parse +
 *       processSecurityHeader of one signed message N times. The envelope is the one of
 *       core/benches/message.rs (default body 300 bytes: 4 m:Item children). Prints
 *       "wss4j <sign|verify> N <rate> msgs/s (...)".
 *
 * Labels: WSS4J's sender (WSSecDerivedKeyBase.prepare) derives with clientLabel+serviceLabel
 * but never writes a <wsc:Label>. With --label L this peer sets clientLabel=L, serviceLabel=""
 * and inserts <wsc:Label>L</wsc:Label> into each DKT itself (before <wsc:Nonce>, schema
 * order), so the message is self-describing. The DKTs are not signed, so this is safe.
 */
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.ws.security.WSConstants;
import org.apache.ws.security.WSDataRef;
import org.apache.ws.security.WSEncryptionPart;
import org.apache.ws.security.WSPasswordCallback;
import org.apache.ws.security.WSSConfig;
import org.apache.ws.security.WSSecurityEngine;
import org.apache.ws.security.WSSecurityEngineResult;
import org.apache.ws.security.conversation.ConversationConstants;
import org.apache.ws.security.message.WSSecDKEncrypt;
import org.apache.ws.security.message.WSSecDKSign;
import org.apache.ws.security.message.WSSecDerivedKeyBase;
import org.apache.ws.security.message.WSSecHeader;
import org.apache.ws.security.message.WSSecSecurityContextToken;
import org.apache.ws.security.message.WSSecTimestamp;
import org.apache.ws.security.message.token.SecurityContextToken;
import org.apache.ws.security.util.WSSecurityUtil;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

public final class Wss4jPeer {
    private static final SecureRandom RNG = new SecureRandom();
    /** One config for the process (WSSConfig.getNewInstance() per message costs ~10%). */
    private static WSSConfig CONFIG;

    /** Exit 2: usage / malformed input. */
    static final class Usage extends Exception {
        Usage(String m) { super(m); }
    }

    static final class Opts {
        byte[] secret;
        String identifier;
        int version = ConversationConstants.VERSION_05_02;
        boolean byIdentifier;
        String label;
        int length = 0;
        boolean sha256;
        boolean aes128;
        int encLength = 0;
        boolean timestamp = true;
        String sctId;
        boolean encryptThenSign;
        boolean valueType;
    }

    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null); // no "[Fatal Error]" lines on stderr; the exception says it
            return b;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    });

    static Document parse(byte[] xml) throws Exception {
        return BUILDER.get().parse(new ByteArrayInputStream(xml));
    }

    private static final ThreadLocal<Transformer> TRANSFORMER = ThreadLocal.withInitial(() -> {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            return t;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    });

    static String serialize(Document doc) throws Exception {
        Transformer t = TRANSFORMER.get();
        StringWriter w = new StringWriter();
        t.transform(new DOMSource(doc), new StreamResult(w));
        return w.toString();
    }

    static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
        return out.toByteArray();
    }

    static byte[] b64(String s) throws Usage {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new Usage("bad base64 secret: " + e.getMessage());
        }
    }

    static int num(String s, String what) throws Usage {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new Usage(what + " needs a number, got '" + s + "'");
        }
    }

    static String hex(int n) {
        byte[] b = new byte[n];
        RNG.nextBytes(b);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    static Opts parseSecureArgs(String[] a) throws Usage {
        if (a.length < 5) throw new Usage(a[0] + " needs <secretB64> <identifier> <2005|1.3> <id|identifier>");
        Opts o = new Opts();
        o.secret = b64(a[1]);
        o.identifier = a[2];
        switch (a[3]) {
            case "2005": case "2005/02": o.version = ConversationConstants.VERSION_05_02; break;
            case "1.3": case "2005/12": o.version = ConversationConstants.VERSION_05_12; break;
            default: throw new Usage("wscVersion must be 2005 or 1.3, got '" + a[3] + "'");
        }
        switch (a[4]) {
            case "id": o.byIdentifier = false; break;
            case "identifier": o.byIdentifier = true; break;
            default: throw new Usage("refStyle must be id or identifier, got '" + a[4] + "'");
        }
        for (int i = 5; i < a.length; i++) {
            String f = a[i];
            switch (f) {
                case "--label": o.label = need(a, ++i, f); break;
                case "--length": o.length = num(need(a, ++i, f), f); break;
                case "--enc-length": o.encLength = num(need(a, ++i, f), f); break;
                case "--sct-id": o.sctId = need(a, ++i, f); break;
                case "--sha256": o.sha256 = true; break;
                case "--aes128": o.aes128 = true; break;
                case "--aes256": o.aes128 = false; break;
                case "--no-timestamp": o.timestamp = false; break;
                case "--encrypt-then-sign": o.encryptThenSign = true; break;
                case "--value-type": o.valueType = true; break;
                default: throw new Usage("unknown option '" + f + "'");
            }
        }
        return o;
    }

    static String need(String[] a, int i, String f) throws Usage {
        if (i >= a.length) throw new Usage(f + " needs a value");
        return a[i];
    }

    /** Reference the SCT either by #wsu:Id or by its Identifier (+ ValueType .../sct). */
    static void keyFrom(WSSecDerivedKeyBase b, Opts o, WSSecSecurityContextToken sct) throws Exception {
        b.setWscVersion(o.version);
        if (o.byIdentifier) {
            b.setExternalKey(o.secret, sct.getIdentifier());
            b.setTokenIdDirectId(true);
            b.setCustomValueType(ConversationConstants.getWSCNs(o.version)
                + ConversationConstants.TOKEN_TYPE_SECURITY_CONTEXT_TOKEN);
        } else {
            b.setExternalKey(o.secret, sct.getSctId());
            if (o.valueType) {
                b.setCustomValueType(ConversationConstants.getWSCNs(o.version)
                    + ConversationConstants.TOKEN_TYPE_SECURITY_CONTEXT_TOKEN);
            }
        }
        if (o.label != null) {
            b.setClientLabel(o.label);
            b.setServiceLabel("");
        }
    }

    /** WSS4J never writes <wsc:Label>: put it in, before <wsc:Nonce> (schema order). */
    static void writeLabel(WSSecDerivedKeyBase b, Opts o) throws Exception {
        if (o.label == null) return;
        Element dkt = b.getdktElement();
        String ns = ConversationConstants.getWSCNs(o.version);
        Element label = dkt.getOwnerDocument().createElementNS(ns, prefixOf(dkt, "wsc") + ":Label");
        label.setTextContent(o.label);
        Node nonce = null;
        for (Node n = dkt.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && "Nonce".equals(n.getLocalName()) && ns.equals(n.getNamespaceURI())) {
                nonce = n;
            }
        }
        dkt.insertBefore(label, nonce);
    }

    static String prefixOf(Element e, String dflt) {
        return e.getPrefix() != null ? e.getPrefix() : dflt;
    }

    /** The secured document (in place). Header order is WSS4J's (see NOTES.md). */
    static Document secure(Document doc, Opts o, boolean sign, boolean encrypt) throws Exception {
        WSSConfig cfg = CONFIG;
        WSSecHeader secHeader = new WSSecHeader();
        secHeader.setMustUnderstand(true);
        secHeader.insertSecurityHeader(doc);

        WSSecTimestamp ts = null;
        if (o.timestamp && sign) {
            ts = new WSSecTimestamp(cfg);
            ts.setTimeToLive(300);
            ts.prepare(doc);
            ts.prependToHeader(secHeader);
        }

        WSSecSecurityContextToken sct = new WSSecSecurityContextToken();
        sct.setWscVersion(o.version);
        sct.setIdentifier(o.identifier);
        // Always a wsu:Id, even when referenced by Identifier: WSS4J 1.6.19's own
        // SecurityContextTokenProcessor crashes (charAt(0) on "") on an SCT without one.
        sct.setSctId(o.sctId != null ? o.sctId : "SCT-" + hex(8));
        sct.prepare(doc, null);

        if (sign && encrypt && o.encryptThenSign) {
            doEncrypt(doc, secHeader, o, sct, cfg);
            doSign(doc, secHeader, o, sct, cfg, ts, true);
        } else {
            if (sign) doSign(doc, secHeader, o, sct, cfg, ts, false);
            if (encrypt) doEncrypt(doc, secHeader, o, sct, cfg);
        }
        sct.prependSCTElementToHeader(doc, secHeader);
        return doc;
    }

    static void doSign(Document doc, WSSecHeader secHeader, Opts o, WSSecSecurityContextToken sct,
                       WSSConfig cfg, WSSecTimestamp ts, boolean bodyEncrypted) throws Exception {
        WSSecDKSign s = new WSSecDKSign(cfg);
        keyFrom(s, o, sct);
        if (o.sha256) {
            s.setSignatureAlgorithm(WSConstants.HMAC_SHA256);
            s.setDigestAlgorithm(WSConstants.SHA256);
        } else {
            s.setSignatureAlgorithm(WSConstants.HMAC_SHA1);
        }
        if (o.length > 0) s.setDerivedKeyLength(o.length);
        String soapNs = WSSecurityUtil.getSOAPNamespace(doc.getDocumentElement());
        List<WSEncryptionPart> parts = new ArrayList<>();
        parts.add(new WSEncryptionPart(WSConstants.ELEM_BODY, soapNs, "Content"));
        if (ts != null) parts.add(new WSEncryptionPart(ts.getId()));
        s.setParts(parts);
        s.build(doc, secHeader);
        writeLabel(s, o);
    }

    static void doEncrypt(Document doc, WSSecHeader secHeader, Opts o, WSSecSecurityContextToken sct,
                          WSSConfig cfg) throws Exception {
        WSSecDKEncrypt e = new WSSecDKEncrypt(cfg);
        keyFrom(e, o, sct);
        e.setSymmetricEncAlgorithm(o.aes128 ? WSConstants.AES_128 : WSConstants.AES_256);
        if (o.encLength > 0) e.setDerivedKeyLength(o.encLength);
        String soapNs = WSSecurityUtil.getSOAPNamespace(doc.getDocumentElement());
        List<WSEncryptionPart> parts = new ArrayList<>();
        parts.add(new WSEncryptionPart(WSConstants.ELEM_BODY, soapNs, "Content"));
        e.setParts(parts);
        e.build(doc, secHeader);
        writeLabel(e, o);
    }

    // ------------------------------------------------------------------------ verify

    static CallbackHandler handler(final byte[] secret, final String identifier) {
        return callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof WSPasswordCallback) {
                    WSPasswordCallback pc = (WSPasswordCallback) c;
                    String id = pc.getIdentifier();
                    if (identifier == null || identifier.equals(id)
                        || (id != null && id.startsWith("#") && identifier.equals(id.substring(1)))) {
                        pc.setKey(secret);
                    }
                    if (System.getenv("WSS4J_PEER_DEBUG") != null) {
                        System.err.println("callback usage=" + pc.getUsage() + " id=" + id
                            + " type=" + pc.getType() + (pc.getKey() != null ? " -> key" : " -> none"));
                    }
                }
            }
        };
    }

    static String actionName(int a) {
        switch (a) {
            case WSConstants.SIGN: return "signature";
            case WSConstants.ENCR: return "decryption";
            case WSConstants.TS: return "timestamp";
            case WSConstants.SCT: return "sct";
            case WSConstants.DKT: return "dkt";
            default: return "action-" + a;
        }
    }

    /** Returns "signed"/"decrypted" bits: 1 = Body signed, 2 = Body decrypted. */
    static int verify(Document doc, byte[] secret, String identifier, StringBuilder out) throws Exception {
        WSSecurityEngine engine = new WSSecurityEngine();
        engine.setWssConfig(CONFIG);
        List<WSSecurityEngineResult> results =
            engine.processSecurityHeader(doc, null, handler(secret, identifier), null);
        Element body = WSSecurityUtil.findBodyElement(doc);
        int bodyBits = 0;
        if (results == null) {
            if (out != null) out.append("no security header\n");
            return 0;
        }
        for (WSSecurityEngineResult r : results) {
            int action = (Integer) r.get(WSSecurityEngineResult.TAG_ACTION);
            if (out != null) {
                out.append(actionName(action));
                Object id = r.get(WSSecurityEngineResult.TAG_ID);
                if (id != null) out.append(" id=").append(id);
                if (action == WSConstants.SCT) {
                    SecurityContextToken sct = (SecurityContextToken) r.get(WSSecurityEngineResult.TAG_SECURITY_CONTEXT_TOKEN);
                    if (sct != null) out.append(" identifier=").append(sct.getIdentifier());
                }
                if (action == WSConstants.SIGN) {
                    Object m = r.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD);
                    if (m != null) out.append(" method=").append(m);
                }
                out.append('\n');
            }
            @SuppressWarnings("unchecked")
            List<WSDataRef> refs = (List<WSDataRef>) r.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
            if (refs == null) continue;
            for (WSDataRef ref : refs) {
                Element pe = ref.getProtectedElement();
                boolean isBody = pe != null && pe == body;
                QName qn = ref.getName();
                if (out != null) {
                    out.append("  ").append(action == WSConstants.SIGN ? "signed" : "decrypted")
                       .append(' ').append(qn != null ? qn.getLocalPart() : "?")
                       .append(" wsuId=").append(ref.getWsuId());
                    if (ref.isContent()) out.append(" content");
                    if (isBody) out.append(" [Body]");
                    out.append('\n');
                }
                if (isBody) bodyBits |= (action == WSConstants.SIGN) ? 1 : (action == WSConstants.ENCR ? 2 : 0);
            }
        }
        return bodyBits;
    }

    // ------------------------------------------------------------------------ bench

    /** The envelope of core/benches/message.rs (wsa:Action header, m:Item children). */
    static byte[] benchEnvelope(int bodyBytes) {
        String item = "<m:Item>The quick brown fox jumps over the lazy dog 0123456789</m:Item>";
        int n = Math.max(1, bodyBytes / item.length());
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < n; i++) items.append(item);
        String env = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header>"
            + "<wsa:Action xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">urn:example:Echo</wsa:Action>"
            + "</soap:Header><soap:Body><m:Echo xmlns:m=\"urn:example\">" + items
            + "</m:Echo></soap:Body></soap:Envelope>";
        return env.getBytes(StandardCharsets.UTF_8);
    }

    static void bench(String mode, int n, int bodyBytes) throws Exception {
        byte[] env = benchEnvelope(bodyBytes);
        byte[] secret = new byte[32];
        RNG.nextBytes(secret);
        Opts o = new Opts();
        o.secret = secret;
        o.identifier = "urn:uuid:" + java.util.UUID.randomUUID();
        String signed = serialize(secure(parse(env), o, true, false));
        byte[] signedBytes = signed.getBytes(StandardCharsets.UTF_8);
        Runnable sign = () -> {
            try {
                String s = serialize(secure(parse(env), o, true, false));
                if (s.length() < 10) throw new IllegalStateException();
            } catch (Exception e) { throw new RuntimeException(e); }
        };
        Runnable verify = () -> {
            try {
                if ((verify(parse(signedBytes), secret, null, null) & 1) == 0) throw new IllegalStateException("body not signed");
            } catch (Exception e) { throw new RuntimeException(e); }
        };
        Runnable op = mode.equals("bench-sign") ? sign : verify;
        // warm-up: at least 3 s or 20000 operations, so that C2 has compiled the hot paths
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 20000 && System.nanoTime() < warmEnd; i++) op.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) op.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("wss4j %s %d %.0f msgs/s (body %d B, envelope %d B signed)%n",
            mode.substring(6), n, n / secs, bodyBytes, signedBytes.length);
    }

    // ------------------------------------------------------------------------ main

    public static void main(String[] args) {
        int rc;
        if (args.length >= 1 && args[0].equals("batch")) {
            rc = batch();
        } else {
            rc = runOne(args, null, System.out, System.err);
        }
        System.out.flush();
        System.exit(rc);
    }

    /** One job; input == null reads System.in. Returns the exit code. */
    static int runOne(String[] args, byte[] input, PrintStream out, PrintStream err) {
        try {
            return run(args, input, out);
        } catch (Usage u) {
            err.println("wss4j-peer: " + u.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("wss4j-peer: " + e);
            if (System.getenv("WSS4J_PEER_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * batch: one JVM for many jobs (a JVM start costs about a second). Each stdin line is
     * TAB-separated: jobId, inputFile, outputFile, mode, args... The job's stdout goes to
     * outputFile, its stderr to outputFile + ".err"; "jobId TAB exitCode" is printed per job.
     */
    static int batch() {
        java.io.BufferedReader r = new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                if (f.length < 4) {
                    System.out.println((f.length > 0 ? f[0] : "?") + "\t2");
                    continue;
                }
                String[] args = java.util.Arrays.copyOfRange(f, 3, f.length);
                int rc;
                try (PrintStream out = new PrintStream(new java.io.FileOutputStream(f[2]), false, "UTF-8");
                     PrintStream err = new PrintStream(new java.io.FileOutputStream(f[2] + ".err"), false, "UTF-8")) {
                    byte[] in = f[1].isEmpty() ? new byte[0] : java.nio.file.Files.readAllBytes(java.nio.file.Paths.get(f[1]));
                    rc = runOne(args, in, out, err);
                } catch (java.io.IOException e) {
                    System.err.println("wss4j-peer batch: " + e);
                    rc = 2;
                }
                System.out.println(f[0] + "\t" + rc);
                System.out.flush();
            }
        } catch (java.io.IOException e) {
            System.err.println("wss4j-peer batch: " + e);
            return 2;
        }
        return 0;
    }

    static Document parseInput(byte[] input) throws Exception {
        try {
            return parse(input != null ? input : readAll(System.in));
        } catch (org.xml.sax.SAXException e) {
            throw new Usage("input is not XML: " + e.getMessage());
        }
    }

    static synchronized void initOnce() {
        if (CONFIG == null) {
            WSSConfig.init();
            CONFIG = WSSConfig.getNewInstance();
        }
    }

    static int run(String[] a, byte[] input, PrintStream stdout) throws Exception {
        if (a.length < 1) throw new Usage("usage: Wss4jPeer sign|encrypt|sign-encrypt|verify|bench-sign|bench-verify|batch ...");
        initOnce();
        switch (a[0]) {
            case "sign": case "encrypt": case "sign-encrypt": {
                Opts o = parseSecureArgs(a);
                Document doc = parseInput(input);
                boolean sign = !a[0].equals("encrypt");
                boolean enc = !a[0].equals("sign");
                stdout.print(serialize(secure(doc, o, sign, enc)));
                return 0;
            }
            case "verify": {
                if (a.length < 2 || a.length > 3) throw new Usage("verify <secretB64> [identifier]");
                byte[] secret = b64(a[1]);
                String identifier = a.length > 2 && !a[2].isEmpty() ? a[2] : null;
                Document doc = parseInput(input);
                StringBuilder out = new StringBuilder();
                int bits;
                try {
                    bits = verify(doc, secret, identifier, out);
                } catch (Exception e) {
                    stdout.print(out);
                    stdout.println("rejected: " + e.getMessage());
                    return 1;
                }
                stdout.print(out);
                Element body = WSSecurityUtil.findBodyElement(doc);
                if (body != null) {
                    // the (decrypted) Body text, so a driver can check the plaintext came back
                    String text = body.getTextContent().replaceAll("\\s+", " ").trim();
                    stdout.println("body-text: " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
                }
                if (bits == 0) {
                    stdout.println("rejected: Body neither signed nor decrypted");
                    return 1;
                }
                stdout.println("ok:" + ((bits & 1) != 0 ? " body-signed" : "") + ((bits & 2) != 0 ? " body-decrypted" : ""));
                return 0;
            }
            case "bench-sign": case "bench-verify": {
                if (a.length < 2) throw new Usage(a[0] + " N [bodyBytes]");
                bench(a[0], num(a[1], "N"), a.length > 2 ? num(a[2], "bodyBytes") : 300);
                return 0;
            }
            default:
                throw new Usage("unknown mode '" + a[0] + "'");
        }
    }
}
