package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ObjectCommandTest {
    private static String enc(String v) {
        return ObjectCommand.stringEncoding(v.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void encodesStringsAsRedisDoes() {
        assertEquals("int", enc("0"));
        assertEquals("int", enc("-1"));
        assertEquals("int", enc("9223372036854775807"));
        assertEquals("int", enc("-9223372036854775808"));
        assertEquals("embstr", enc("9223372036854775808"));
        assertEquals("embstr", enc("01"));
        assertEquals("embstr", enc("+1"));
        assertEquals("embstr", enc(""));
        assertEquals("embstr", enc("x".repeat(44)));
        assertEquals("raw", enc("x".repeat(45)));
    }
}
