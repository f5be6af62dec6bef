package kvstore.storage;

import kvstore.version.SiblingSet;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The memtable side of the engine, held on the heap. Keys are indexed twice: a hash map answers point
 * reads and overwrites with a couple of memory accesses, and a skip list keeps storage order for
 * range walks. Both point at the same cell, so overwriting a key never walks the skip list (a skip
 * list lookup over a keyspace bigger than the CPU caches costs a cache miss per level). On its own
 * it keeps nothing across restarts.
 */
public final class MemoryEngine implements Engine {
    /** The current value of one key, shared by both indexes. */
    private static final class Cell {
        volatile SiblingSet value;

        Cell(SiblingSet value) {
            this.value = value;
        }
    }

    /** A key as a hash map key: equality and hash by content. */
    private static final class HashKey {
        final byte[] bytes;
        final int hash;

        HashKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HashKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final ConcurrentHashMap<HashKey, Cell> index = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<byte[], Cell> order = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public SiblingSet get(byte[] key) {
        Cell c = index.get(new HashKey(key));
        return c == null ? null : c.value;
    }

    @Override
    public void put(byte[] key, SiblingSet value) {
        HashKey k = new HashKey(key);
        Cell c = index.get(k);
        if (c != null) {
            c.value = value;
            return;
        }
        c = new Cell(value);
        Cell raced = index.putIfAbsent(k, c);
        if (raced != null) {
            raced.value = value;
        } else {
            order.put(key, c);
        }
    }

    @Override
    public void remove(byte[] key) {
        Cell c = index.remove(new HashKey(key));
        if (c != null) {
            order.remove(key, c);
        }
    }

    @Override
    public EngineCursor range(byte[] from, byte[] to) {
        NavigableMap<byte[], Cell> sub = to == null ? order.tailMap(from, true) : order.subMap(from, true, to, false);
        Iterator<java.util.Map.Entry<byte[], Cell>> it = sub.entrySet().iterator();
        return new EngineCursor() {
            private byte[] key;
            private SiblingSet value;

            @Override
            public boolean next() {
                while (it.hasNext()) {
                    java.util.Map.Entry<byte[], Cell> e = it.next();
                    SiblingSet v = e.getValue().value;
                    if (v != null) {
                        key = e.getKey();
                        value = v;
                        return true;
                    }
                }
                key = null;
                value = null;
                return false;
            }

            @Override
            public byte[] key() {
                return key;
            }

            @Override
            public SiblingSet value() {
                return value;
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
        return index.size();
    }

    @Override
    public void close() {
    }
}
