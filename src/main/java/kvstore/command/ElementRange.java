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

    /** Elements {@code from <= element < to} of the range in order (null bounds are open), prefix removed. */
    void forEach(byte[] from, byte[] to, Keyspace.ElementVisitor visitor);
}
