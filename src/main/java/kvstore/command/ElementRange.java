package kvstore.command;

import kvstore.keyspace.Keyspace;

/**
 * A collection's elements, or the sub-range of them under one prefix byte (a sorted set's members),
 * as scans ({@link ElementScan}) and samplers ({@link ElementSampler}) walk them.
 */
interface ElementRange {

    /** How many elements the range holds. */
    long count();

    /** True while the collection is in Redis's compact encoding (listpack, intset). */
    boolean compact();

    /**
     * Every {element, value} of a small range, possibly kept from an earlier walk, or null: then walk it.
     */
    default java.util.List<byte[][]> remembered() {
        return null;
    }

    /** Elements {@code from <= element < to} of the range in order (null bounds are open), prefix removed. */
    void forEach(byte[] from, byte[] to, Keyspace.ElementVisitor visitor);
}
