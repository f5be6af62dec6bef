package kvstore.storage;

import kvstore.version.Dot;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Helpers shared by the storage tests. */
final class TestData {
    private TestData() {
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    static SiblingSet set(byte[] value) {
        return set(value, 0);
    }

    static SiblingSet set(byte[] value, long expireAt) {
        return new SiblingSet(VersionVector.of(new long[] {1}, new long[] {1}),
                List.of(new Version(new Dot(1, 1), 1000, expireAt, (byte) 0, value)));
    }

    static SiblingSet set(String value) {
        return set(b(value));
    }

    static SiblingSet tombstoneSet() {
        return new SiblingSet(VersionVector.of(new long[] {1}, new long[] {2}),
                List.of(new Version(new Dot(1, 2), 1000, 0, (byte) 0, null)));
    }

    /** The plain-read value of a stored set, as a string, or null. */
    static String value(SiblingSet s) {
        return s == null ? null : s(s.winner().value());
    }

    static LsmOptions small() {
        return LsmOptions.defaults().withMemtableSize(64 * 1024).withBlockSize(1024)
                .withLevels(256 * 1024, 4, 4).withTargetTableSize(64 * 1024).withSegmentSize(256 * 1024);
    }
}
