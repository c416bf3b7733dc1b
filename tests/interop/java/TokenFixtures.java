/*
 * TokenFixtures -- Apache WSS4J 1.6 oracle for WS-SecureConversation token XML
 * (SecurityContextToken, DerivedKeyToken) and for DerivedKeyToken key derivation.
 *
 * Usage: java TokenFixtures OUTDIR [seed]
 *
 * For both SC versions (2005/02 and 1.3 = 2005/12) it builds tokens with WSS4J's
 * DOM classes, serializes each with javax.xml.transform and writes:
 *   sct-<n>.xml, sct-<n>.json       token, and the fields `wssx inspect` must report
 *   dkt-<n>.xml, dkt-<n>.json       idem for DerivedKeyTokens
 *   dkt-<n>.expected                line 1: secret (base64)
 *                                   line 2: WSS4J's derived key (base64), computed by
 *                                           re-parsing the written XML with
 *                                           new DerivedKeyToken(Element) and calling
 *                                           deriveKey(getLength(), secret) exactly like
 *                                           WSS4J's DerivedKeyTokenProcessor does
 *                                   line 3 (only where WSS4J departs from the spec):
 *                                           "spec <base64> <reason>" - the key per
 *                                           WS-SecureConversation, still computed with
 *                                           WSS4J's P_SHA1 class
 * Every token is parsed back with WSS4J and its getters are checked against what
 * was set; any mismatch aborts with a non-zero exit. Secrets and nonces come from
 * a seeded RNG (seed defaults to the current time); WSS4J's own UUIDs stay random.
 */
import java.io.File;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.ws.security.conversation.ConversationConstants;
import org.apache.ws.security.conversation.dkalgo.P_SHA1;
import org.apache.ws.security.message.token.DerivedKeyToken;
import org.apache.ws.security.message.token.Reference;
import org.apache.ws.security.message.token.SecurityContextToken;
import org.apache.ws.security.message.token.SecurityTokenReference;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

public final class TokenFixtures {
    private static final String DEFAULT_LABEL = "WS-SecureConversationWS-SecureConversation";
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final File dir;
    private final Random rng;
    private final DocumentBuilder builder;
    private final Transformer transformer;
    private int sctCount = 0;
    private int dktCount = 0;

    /** What the fixtures know about one written SCT, for the DKTs that reference it. */
    private static final class Sct {
        final int version; final String identifier; final String id;
        Sct(int version, String identifier, String id) {
            this.version = version; this.identifier = identifier; this.id = id;
        }
    }

    /** Parameters of one DKT; null = element not written. */
    private static final class DktSpec {
        String refUri; boolean withValueType = true;
        Integer offset, generation, length; String label; int nonceLen = 16; String id;
    }

    private TokenFixtures(File dir, long seed) throws Exception {
        this.dir = dir;
        this.rng = new Random(seed);
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        this.builder = dbf.newDocumentBuilder();
        this.transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java TokenFixtures OUTDIR [seed]");
            System.exit(2);
        }
        File dir = new File(args[0]);
        if (!dir.isDirectory() && !dir.mkdirs()) throw new IllegalStateException("cannot create " + dir);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        TokenFixtures fx = new TokenFixtures(dir, seed);
        fx.generate(ConversationConstants.VERSION_05_02);
        fx.generate(ConversationConstants.VERSION_05_12);
        System.out.println("TokenFixtures: wrote " + fx.sctCount + " SCTs and " + fx.dktCount
                           + " DKTs to " + dir + " (seed " + seed + ")");
    }

    private void generate(int version) throws Exception {
        // SCT with WSS4J's generated uuid: Identifier and wsu:Id "sctId-..."
        Sct auto = writeSct(version, null, null, false, null);
        // explicit Identifier, no wsu:Id
        Sct plain = writeSct(version, "urn:uuid:" + java.util.UUID.randomUUID(), null, false, null);
        // explicit Identifier + wsu:Id (wsu namespace declared via addWSUNamespace)
        Sct withId = writeSct(version, "urn:wssx:interop:" + rng.nextInt(1 << 30), "sct-" + rng.nextInt(1 << 30), true, null);
        // Identifier that needs XML escaping
        writeSct(version, "urn:wssx:a&b<c>\"q\"", "SCT-esc", true, null);
        if (version == ConversationConstants.VERSION_05_12) {
            // Instance exists only in WS-SC 1.3; WSS4J 1.6 has no API for it (added via DOM)
            writeSct(version, "urn:uuid:" + java.util.UUID.randomUUID(), "sct-inst", true, "instance-" + rng.nextInt(1000));
        }

        DktSpec d;
        // 1. WSS4J builder style (WSSecDerivedKeyBase): #wsu:Id reference, Offset 0, Length, Nonce
        d = new DktSpec(); d.refUri = "#" + auto.id; d.offset = 0; d.length = 32; d.id = "DK-" + rng.nextInt(1 << 20);
        writeDkt(version, d);
        // 2. reference by Identifier URI, custom label, offset past the first block, odd length
        d = new DktSpec(); d.refUri = plain.identifier; d.offset = 37; d.length = 24; d.label = "MyLabel"; d.nonceLen = 32;
        writeDkt(version, d);
        // 3. Unicode label, no ValueType on the Reference, large offset, length not a multiple of 20
        d = new DktSpec(); d.refUri = "#" + withId.id; d.withValueType = false; d.offset = 300; d.length = 57;
        d.label = "Ünïcødé ラベル ✓ 🔑"; d.id = "dkt-uni";
        writeDkt(version, d);
        // 4. only Nonce: default Label, default Length (32), no Offset
        d = new DktSpec(); d.refUri = withId.identifier;
        writeDkt(version, d);
        // 5. explicit default label, 1-byte nonce, length 1
        d = new DktSpec(); d.refUri = "#" + withId.id; d.label = DEFAULT_LABEL; d.nonceLen = 1; d.offset = 19; d.length = 1;
        writeDkt(version, d);
        // 6. Generation 0 (same key as offset 0)
        d = new DktSpec(); d.refUri = plain.identifier; d.generation = 0; d.length = 32; d.label = "gen0";
        writeDkt(version, d);
        // 7. Generation 3 with Length 16: spec offset = 48, WSS4J 1.6 ignores Generation
        d = new DktSpec(); d.refUri = "#" + auto.id; d.generation = 3; d.length = 16; d.id = "dkt-gen3";
        writeDkt(version, d);
        // 8. long multi-byte label of exactly 128 UTF-8 bytes (wssx's default label limit),
        //    64-byte nonce, length 200
        StringBuilder lab = new StringBuilder();
        while (lab.toString().getBytes(StandardCharsets.UTF_8).length + 5 <= 128) lab.append("é✓");  // 5 bytes
        while (lab.toString().getBytes(StandardCharsets.UTF_8).length < 128) lab.append('.');
        d = new DktSpec(); d.refUri = plain.identifier; d.offset = 21; d.length = 200; d.label = lab.toString(); d.nonceLen = 64;
        writeDkt(version, d);
    }

    // ---------------------------------------------------------------- SCT

    private Sct writeSct(int version, String identifier, String id, boolean addWsu, String instance) throws Exception {
        Document doc = builder.newDocument();
        SecurityContextToken sct = identifier == null
            ? new SecurityContextToken(version, doc)          // uuid Identifier + wsu:Id
            : new SecurityContextToken(version, doc, identifier);
        if (id != null) sct.setID(id);
        if (addWsu || identifier == null) sct.addWSUNamespace();
        if (instance != null) {
            Element inst = doc.createElementNS(ConversationConstants.getWSCNs(version), "wsc:Instance");
            inst.appendChild(doc.createTextNode(instance));
            sct.getElement().appendChild(inst);
        }
        doc.appendChild(sct.getElement());
        String xml = serialize(doc);

        // read back with WSS4J
        SecurityContextToken back = new SecurityContextToken(parse(xml));
        String ident = sct.getIdentifier();
        String wsuId = sct.getID().isEmpty() ? null : sct.getID();
        check("SCT identifier", ident, back.getIdentifier());
        check("SCT wsu:Id", wsuId == null ? "" : wsuId, back.getID());

        Map<String, Object> j = new LinkedHashMap<>();
        j.put("type", "SecurityContextToken");
        j.put("version", versionName(version));
        j.put("identifier", ident);
        j.put("instance", instance);
        j.put("id", wsuId);
        int n = ++sctCount;
        write("sct-" + n + ".xml", xml);
        write("sct-" + n + ".json", json(j) + "\n");
        return new Sct(version, ident, wsuId);
    }

    // ---------------------------------------------------------------- DKT

    private void writeDkt(int version, DktSpec s) throws Exception {
        Document doc = builder.newDocument();
        DerivedKeyToken dkt = new DerivedKeyToken(version, doc);
        String valueType = ConversationConstants.getWSCNs(version) + ConversationConstants.TOKEN_TYPE_SECURITY_CONTEXT_TOKEN;

        SecurityTokenReference str = new SecurityTokenReference(doc);
        str.addWSSENamespace();
        Reference ref = new Reference(doc);
        ref.setURI(s.refUri);
        if (s.withValueType) ref.setValueType(valueType);
        str.setReference(ref);
        dkt.setSecurityTokenReference(str);
        if (s.offset != null) dkt.setOffset(s.offset);
        if (s.generation != null) dkt.setGeneration(s.generation);
        if (s.length != null) dkt.setLength(s.length);
        if (s.label != null) dkt.setLabel(s.label);
        byte[] nonce = randomBytes(s.nonceLen);
        dkt.setNonce(B64.encodeToString(nonce));
        if (s.id != null) { dkt.setID(s.id); dkt.addWSUNamespace(); }
        doc.appendChild(dkt.getElement());
        String xml = serialize(doc);

        // read back with WSS4J and derive as DerivedKeyTokenProcessor does
        DerivedKeyToken back = new DerivedKeyToken(parse(xml));
        byte[] secret = randomBytes(new int[] {16, 24, 32, 20, 48, 1, 128}[rng.nextInt(7)]);
        byte[] key = back.deriveKey(back.getLength(), secret);

        int len = s.length == null ? 32 : s.length;
        check("DKT length", String.valueOf(len), String.valueOf(back.getLength()));
        check("DKT offset", String.valueOf(s.offset == null ? 0 : s.offset), String.valueOf(back.getOffset()));
        check("DKT generation", String.valueOf(s.generation == null ? -1 : s.generation), String.valueOf(back.getGeneration()));
        check("DKT label", s.label, back.getLabel());
        check("DKT nonce", B64.encodeToString(nonce), back.getNonce());
        check("DKT wsu:Id", s.id == null ? "" : s.id, back.getID());
        check("DKT reference URI", s.refUri, back.getSecurityTokenReference().getReference().getURI());
        check("DKT key length", String.valueOf(len), String.valueOf(key.length));

        StringBuilder expected = new StringBuilder();
        expected.append(B64.encodeToString(secret)).append('\n');
        expected.append(B64.encodeToString(key)).append('\n');
        if (s.generation != null && s.generation > 0) {
            // WS-SC: offset = Generation * Length. WSS4J 1.6 ignores Generation (offset 0).
            byte[] label = (s.label == null || s.label.isEmpty() ? DEFAULT_LABEL : s.label).getBytes(StandardCharsets.UTF_8);
            byte[] seed = new byte[label.length + nonce.length];
            System.arraycopy(label, 0, seed, 0, label.length);
            System.arraycopy(nonce, 0, seed, label.length, nonce.length);
            byte[] spec = new P_SHA1().createKey(secret, seed, s.generation * len, len);
            expected.append("spec ").append(B64.encodeToString(spec))
                    .append(" WSS4J-1.6-ignores-Generation\n");
        }

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uri", s.refUri);
        r.put("valueType", s.withValueType ? valueType : null);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("type", "DerivedKeyToken");
        j.put("version", versionName(version));
        j.put("id", s.id);
        j.put("nonce", B64.encodeToString(nonce));
        j.put("label", s.label);
        j.put("offset", s.offset);
        j.put("length", s.length);
        j.put("generation", s.generation);
        j.put("reference", r);

        int n = ++dktCount;
        write("dkt-" + n + ".xml", xml);
        write("dkt-" + n + ".json", json(j) + "\n");
        write("dkt-" + n + ".expected", expected.toString());
    }

    // ---------------------------------------------------------------- helpers

    private static String versionName(int version) {
        return version == ConversationConstants.VERSION_05_02 ? "2005/02" : "1.3";
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rng.nextBytes(b);
        return b;
    }

    private String serialize(Document doc) throws Exception {
        StringWriter w = new StringWriter();
        transformer.transform(new DOMSource(doc), new StreamResult(w));
        return w.toString();
    }

    private Element parse(String xml) throws Exception {
        return builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }

    private void write(String name, String text) throws Exception {
        Files.write(new File(dir, name).toPath(), text.getBytes(StandardCharsets.UTF_8));
    }

    private static void check(String what, String want, String got) {
        if (want == null ? got != null : !want.equals(got))
            throw new IllegalStateException(what + ": set " + want + " but WSS4J read back " + got);
    }

    /** Minimal JSON writer for String / Integer / null / nested Map values. */
    @SuppressWarnings("unchecked")
    private static String json(Object v) {
        if (v == null) return "null";
        if (v instanceof Integer) return v.toString();
        if (v instanceof Map) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                if (b.length() > 1) b.append(',');
                b.append(json(e.getKey())).append(':').append(json(e.getValue()));
            }
            return b.append('}').toString();
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
