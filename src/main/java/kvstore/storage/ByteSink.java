package kvstore.storage;

import java.util.Arrays;

/** A growable byte array with big-endian and LEB128 writers, used to build blocks and sections. */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    void reset() {
        size = 0;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + more);
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, want));
        }
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void u32(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    void u64(long v) {
        u32((int) (v >>> 32));
        u32((int) v);
    }

    void varLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }
}
