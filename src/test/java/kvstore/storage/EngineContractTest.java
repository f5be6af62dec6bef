package kvstore.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.s;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same assertions against every Engine: MemoryEngine, and LsmEngine in memtable-only and table-heavy setups. */
class EngineContractTest {
    @TempDir
    Path dir;
    private Engine engine;

    private Engine open(String kind) {
        engine = switch (kind) {
            case "memory" -> new MemoryEngine();
            case "lsm" -> new LsmEngine(dir, LsmOptions.defaults());
            case "lsm-small" -> new LsmEngine(dir, TestData.small());
            default -> throw new IllegalArgumentException(kind);
        };
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static List<String> keys(Engine e, byte[] from, byte[] to) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = e.range(from, to)) {
            while (c.next()) {
                out.add(s(c.key()) + "=" + value(c.value()));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "lsm", "lsm-small"})
    void getPutRemove(String kind) {
        Engine e = open(kind);
        assertNull(e.get(b("a")));
        e.put(b("a"), set("1"));
        assertEquals("1", value(e.get(b("a"))));
        e.put(b("a"), set("2"));
        assertEquals("2", value(e.get(b("a"))));
        e.remove(b("a"));
        assertNull(e.get(b("a")));
        e.remove(b("never"));
        assertNull(e.get(b("never")));
        e.put(b(""), set(""));
        assertEquals("", value(e.get(b(""))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "lsm", "lsm-small"})
    void rangeIsOrderedByUnsignedBytes(String kind) {
        Engine e = open(kind);
        for (String k : new String[] {"b", "\u00ff", "a", "\u0000", "\u0080x", "ab", "c"}) {
            e.put(b(k), set("v" + k));
        }
        e.remove(b("ab"));
        e.sync();
        assertEquals(List.of("\u0000=v\u0000", "a=va", "b=vb", "c=vc", "\u0080x=v\u0080x", "\u00ff=v\u00ff"),
                keys(e, new byte[0], null));
        assertEquals(List.of("a=va", "b=vb"), keys(e, b("a"), b("c")));
        assertEquals(List.of("b=vb", "c=vc"), keys(e, b("aa"), b("\u0080")));
        assertEquals(List.of(), keys(e, b("d"), b("e")));
        if (!kind.equals("memory")) {
            assertEquals(List.of(), keys(e, b("c"), b("a")), "inverted range");
            assertEquals(List.of(), keys(e, b("b"), b("b")), "empty range");
        }
        assertTrue(e.approximateSize() >= 6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "lsm", "lsm-small"})
    void randomWorkloadMatchesAModel(String kind) {
        Engine e = open(kind);
        TreeMap<byte[], String> model = new TreeMap<>(Arrays::compareUnsigned);
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] k = b("key" + r.nextInt(3000));
            if (r.nextInt(5) == 0) {
                e.remove(k);
                model.remove(k);
            } else {
                String v = "v" + i + "-" + "x".repeat(r.nextInt(40));
                e.put(k, set(v));
                model.put(k, v);
            }
        }
        for (int i = 0; i < 3000; i++) {
            byte[] k = b("key" + i);
            assertEquals(model.get(k), value(e.get(k)), "key" + i);
        }
        List<String> expected = new ArrayList<>();
        model.forEach((k, v) -> expected.add(s(k) + "=" + v));
        assertEquals(expected, keys(e, new byte[0], null));
        byte[] from = b("key1");
        byte[] to = b("key2");
        List<String> sub = new ArrayList<>();
        model.subMap(from, true, to, false).forEach((k, v) -> sub.add(s(k) + "=" + v));
        assertEquals(sub, keys(e, from, to));
        long size = e.approximateSize();
        assertTrue(size >= model.size(), "size " + size + " < " + model.size());
        if (kind.equals("memory")) {
            assertEquals(model.size(), size);
        }
        assertFalse(keys(e, b("key"), null).isEmpty());
    }
}
