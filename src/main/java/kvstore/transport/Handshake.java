package kvstore.transport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The authentication messages and their proofs. The exchange, D the dialer and A the acceptor:
 * <pre>
 *  1 D->A HANDSHAKE      [version][name D][name D expects A to have][nonce D]
 *  2 A->D HANDSHAKE      [version][name A][""][nonce A]
 *  3 D->A HANDSHAKE_ACK  [proof D]            A verifies; on failure ERROR AUTH_FAILED and close
 *  4 A->D HANDSHAKE_ACK  [verdict][proof A]   D verifies; verdict ACCEPTED or DUPLICATE
 * </pre>
 * proof = HMAC-SHA256(secret, "kvstore-peer-v1" | role | name D | name A | nonce D | nonce A), every
 * field length-prefixed and role 'D' or 'A', so a proof cannot be replayed in another connection
 * (fresh nonces from both sides), reflected back (role) or moved to other nodes (names). The secret
 * never crosses the wire, and the acceptor proves nothing before the dialer has proven itself.
 */
final class Handshake {
    static final int VERSION = 1;
    static final int NONCE = 32;
    static final int PROOF = 32;
    static final byte ACCEPTED = 0;
    static final byte DUPLICATE = 1;
    private static final byte[] LABEL = "kvstore-peer-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    record Hello(int version, String name, String expected, byte[] nonce) {
    }

    private Handshake() {
    }

    static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    static byte[] hello(String name, String expected, byte[] nonce) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] e = expected.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + n.length + 2 + e.length + NONCE);
        b.put((byte) VERSION).putShort((short) n.length).put(n).putShort((short) e.length).put(e).put(nonce);
        return b.array();
    }

    /** Parses a hello; throws IllegalArgumentException when malformed. */
    static Hello parseHello(byte[] payload) {
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int version = b.get() & 0xff;
            String name = string(b);
            String expected = string(b);
            byte[] nonce = new byte[NONCE];
            b.get(nonce);
            if (b.hasRemaining() || name.isEmpty()) {
                throw new IllegalArgumentException("malformed hello");
            }
            return new Hello(version, name, expected, nonce);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed hello", e);
        }
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getShort() & 0xffff];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    static byte[] proof(byte[] secret, char role, String dialer, String acceptor, byte[] dialerNonce,
                        byte[] acceptorNonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            field(mac, LABEL);
            field(mac, new byte[] {(byte) role});
            field(mac, dialer.getBytes(StandardCharsets.UTF_8));
            field(mac, acceptor.getBytes(StandardCharsets.UTF_8));
            field(mac, dialerNonce);
            field(mac, acceptorNonce);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static void field(Mac mac, byte[] value) {
        mac.update(ByteBuffer.allocate(4).putInt(value.length).array());
        mac.update(value);
    }

    /** Constant-time comparison, so timing does not leak how much of a proof was right. */
    static boolean verify(byte[] expected, byte[] actual) {
        return actual.length == expected.length && MessageDigest.isEqual(expected, actual);
    }
}
