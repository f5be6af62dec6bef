package kvstore.storage;

import kvstore.version.SiblingSet;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The memtable side of the engine: a concurrent sorted map held on the heap. It is what the LSM
 * engine's memtable will be; on its own it keeps nothing across restarts.
 */
public final class MemoryEngine implements Engine {
    private final ConcurrentSkipListMap<byte[], SiblingSet> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public SiblingSet get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, SiblingSet value) {
        map.put(key, value);
    }

    @Override
    public void remove(byte[] key) {
        map.remove(key);
    }

    @Override
    public EngineCursor range(byte[] from, byte[] to) {
        NavigableMap<byte[], SiblingSet> sub = to == null ? map.tailMap(from, true) : map.subMap(from, true, to, false);
        Iterator<Map.Entry<byte[], SiblingSet>> it = sub.entrySet().iterator();
        return new EngineCursor() {
            private Map.Entry<byte[], SiblingSet> current;

            @Override
            public boolean next() {
                current = it.hasNext() ? it.next() : null;
                return current != null;
            }

            @Override
            public byte[] key() {
                return current.getKey();
            }

            @Override
            public SiblingSet value() {
                return current.getValue();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void sync() {
    }

    @Override
    public long approximateSize() {
        return map.size();
    }

    @Override
    public void close() {
    }
}
