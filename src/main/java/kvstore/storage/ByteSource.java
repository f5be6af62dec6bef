package kvstore.storage;

/** Reads what {@link ByteSink} wrote; bounds are checked so corrupt input fails instead of misreading. */
final class ByteSource {
    final byte[] buf;
    int pos;
    final int end;

    ByteSource(byte[] buf, int pos, int end) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
    }

    boolean hasMore() {
        return pos < end;
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    int u32() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long u64() {
        return ((long) u32() << 32) | (u32() & 0xffffffffL);
    }

    long varLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint too long");
    }

    int varInt() {
        long v = varLong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalStateException("varint out of range");
        }
        return (int) v;
    }

    byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new IllegalStateException("truncated");
        }
    }
}
