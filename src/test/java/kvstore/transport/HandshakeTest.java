package kvstore.transport;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeTest {
    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

    @Test
    void helloRoundTrips() {
        byte[] nonce = Handshake.nonce();
        Handshake.Hello h = Handshake.parseHello(Handshake.hello("node-1", "node-2", nonce));
        assertEquals(Handshake.VERSION, h.version());
        assertEquals("node-1", h.name());
        assertEquals("node-2", h.expected());
        assertArrayEquals(nonce, h.nonce());
    }

    @Test
    void malformedHelloIsRejected() {
        byte[] ok = Handshake.hello("n", "m", Handshake.nonce());
        assertThrows(IllegalArgumentException.class, () -> Handshake.parseHello(new byte[] {1, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> Handshake.parseHello(java.util.Arrays.copyOf(ok, ok.length - 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Handshake.parseHello(java.util.Arrays.copyOf(ok, ok.length + 1)));
        assertThrows(IllegalArgumentException.class, () -> Handshake.parseHello(Handshake.hello("", "m", Handshake.nonce())));
    }

    @Test
    void proofBindsSecretRoleNamesAndBothNonces() {
        byte[] n1 = Handshake.nonce();
        byte[] n2 = Handshake.nonce();
        byte[] p = Handshake.proof(SECRET, 'D', "a", "b", n1, n2);
        assertEquals(32, p.length);
        assertTrue(Handshake.verify(p, Handshake.proof(SECRET, 'D', "a", "b", n1, n2)));
        assertFalse(Handshake.verify(p, Handshake.proof("other".getBytes(), 'D', "a", "b", n1, n2)));
        assertFalse(Handshake.verify(p, Handshake.proof(SECRET, 'A', "a", "b", n1, n2)));
        assertFalse(Handshake.verify(p, Handshake.proof(SECRET, 'D', "b", "a", n1, n2)));
        assertFalse(Handshake.verify(p, Handshake.proof(SECRET, 'D', "a", "b", n2, n1)));
        // length prefixes keep ("ab","c") and ("a","bc") apart
        assertFalse(Handshake.verify(Handshake.proof(SECRET, 'D', "ab", "c", n1, n2),
                Handshake.proof(SECRET, 'D', "a", "bc", n1, n2)));
        assertFalse(Handshake.verify(p, new byte[31]));
    }
}
