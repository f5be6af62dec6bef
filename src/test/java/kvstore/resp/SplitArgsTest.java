package kvstore.resp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SplitArgsTest {
    private static List<String> split(String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> args = SplitArgs.split(b, 0, b.length);
        return args == null ? null : args.stream().map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void splitsWordsAndQuotes() {
        assertEquals(List.of("set", "k", "a b"), split("set k \"a b\""));
        assertEquals(List.of("set", "k", "it's"), split("set k 'it\\'s'"));
        assertEquals(List.of("x", "\n\u0001A"), split("x \"\\n\\x01\\x41\""));
        assertEquals(List.of("foobar baz"), split("foo\"bar baz\""));
        assertEquals(List.of("", "a"), split("\"\" a"));
        assertEquals(List.of(), split("   "));
    }

    @Test
    void rejectsUnbalancedQuotes() {
        assertNull(split("set k \"abc"));
        assertNull(split("set k 'abc"));
        assertNull(split("set k \"abc\"def"));
    }
}
