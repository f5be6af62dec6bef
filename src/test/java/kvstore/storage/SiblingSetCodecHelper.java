package kvstore.storage;

import kvstore.version.SiblingSetCodec;

final class SiblingSetCodecHelper {
    private SiblingSetCodecHelper() {
    }

    static byte[] encode(String v) {
        return SiblingSetCodec.encode(TestData.set(v));
    }
}
