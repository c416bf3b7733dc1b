/*
 * DeriveOracle -- Apache WSS4J 1.6 oracle for WS-SecureConversation P_SHA1.
 *
 * Computes keys with WSS4J's own derivation class
 * (org.apache.ws.security.conversation.dkalgo.AlgoFactory -> P_SHA1.createKey),
 * so wssx can be compared byte-for-byte against a real Java peer.
 *
 *   java DeriveOracle       stdin:  secretB64 TAB labelB64 TAB nonceB64 TAB offset TAB length
 *                           stdout: base64(P_SHA1(secret, label||nonce)[offset .. offset+length])
 *   java DeriveOracle ck    stdin:  reqEntropyB64 TAB issuerEntropyB64 TAB keySizeBits
 *                           stdout: base64(P_SHA1(reqEntropy, issuerEntropy)[0 .. bits/8])
 *
 * The ck mode mirrors how the WSS4J-based STS and client (Apache CXF) compute
 * a CK/PSHA1 key: new P_SHA1().createKey(requestorEntropy, issuerEntropy, 0, keySize / 8).
 * A bad input line yields "ERROR <why>" so output stays line-aligned.
 */
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.ws.security.conversation.ConversationConstants;
import org.apache.ws.security.conversation.dkalgo.AlgoFactory;
import org.apache.ws.security.conversation.dkalgo.DerivationAlgorithm;
import org.apache.ws.security.conversation.dkalgo.P_SHA1;

public final class DeriveOracle {
    private static final Base64.Decoder DEC = Base64.getDecoder();
    private static final Base64.Encoder ENC = Base64.getEncoder();

    public static void main(String[] args) throws Exception {
        boolean ck = args.length > 0 && args[0].equals("ck");
        if (args.length > 1 || (args.length == 1 && !ck)) {
            System.err.println("usage: java DeriveOracle [ck] < tsv");
            System.exit(2);
        }
        // The algorithm WSS4J picks for a DerivedKeyToken's (default) Algorithm URI.
        DerivationAlgorithm dk = AlgoFactory.getInstance(
            ConversationConstants.WSC_NS_05_12 + "/dk/p_sha1");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split("\t", -1);
            try {
                byte[] key;
                if (ck) {
                    if (f.length != 3) throw new IllegalArgumentException("expected 3 fields");
                    int bits = Integer.parseInt(f[2]);
                    key = new P_SHA1().createKey(DEC.decode(f[0]), DEC.decode(f[1]), 0, bits / 8);
                } else {
                    if (f.length != 5) throw new IllegalArgumentException("expected 5 fields");
                    byte[] label = DEC.decode(f[1]);
                    byte[] nonce = DEC.decode(f[2]);
                    byte[] seed = new byte[label.length + nonce.length];
                    System.arraycopy(label, 0, seed, 0, label.length);
                    System.arraycopy(nonce, 0, seed, label.length, nonce.length);
                    key = dk.createKey(DEC.decode(f[0]), seed,
                                       Integer.parseInt(f[3]), Long.parseLong(f[4]));
                }
                out.write(ENC.encodeToString(key));
            } catch (Exception e) {
                out.write("ERROR " + e.toString().replace('\n', ' '));
            }
            out.write('\n');
        }
        out.flush();
    }
}
