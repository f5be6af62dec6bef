package kvstore.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The memtable's ordered index: a B+tree from key bytes (unsigned lexicographic order) to
 * {@link MemCell}, changed by one writer at a time (callers hold the engine's write lock; calls never
 * overlap) and walked by any number of readers on other threads without locks.
 *
 * <p><b>Why not a {@code ConcurrentSkipListMap}.</b> Inserting or removing a key in a skip list of a
 * memtable bigger than the CPU caches waits on a chain of cache misses on every level (index node,
 * node, key array): 1,900-2,900 ns per insertion or removal at 100,000 entries in
 * {@code MemtableWriteBenchmark}, which dominated ZADD, SPOP, ZPOPMIN and every first write of a key
 * after a flush. Here a search reads three nodes (at that size), each a few arrays whose cache lines
 * it reads in order: 940-1,100 ns in the same benchmark, of which about 400 ns is the rest of the
 * memtable's work (its hash index, the cell, hashing the key; measured with the tree's calls left
 * out). Walks of 100 entries from a random key ({@code MemtableScanBenchmark}) measured alike either
 * way, 2,900-4,900 ns, most of it reading the cells. (Figures from a 2-core AMD EPYC virtual machine,
 * JDK 17, parallel GC, shared with other work, hence the ranges.)
 *
 * <p><b>Layout.</b> A node holds up to {@link #MAX_ENTRIES} entries: its keys packed one after another
 * into one {@code byte[]} with an {@code int[]} of offsets, a slot per key (a {@link MemCell} in a
 * leaf, a child in an inner node), and per key its <i>head</i>: the 8 bytes that follow the prefix all
 * the node's keys share, in a {@code long[]}. A search compares heads, which lie in a few consecutive
 * cache lines, and looks at a key's bytes only when heads tie, so it misses the cache about once per
 * array instead of once per comparison; the prefix makes heads tell keys apart when they share a long
 * start (a sorted set's index keys share the set's key). An inner node's key {@code i} is the smallest
 * key its child {@code i} may hold (key 0 is empty, never compared); a leaf's split puts above it the
 * shortest prefix of the right half's first key that still exceeds the left half's last. A node also
 * splits once its keys pass {@link #MAX_BYTES}, which bounds the bytes an insertion shifts when keys
 * are long. A leaf is built with room for {@code MAX_ENTRIES} entries and a quarter more key bytes
 * than it holds, so most insertions and removals shift bytes within it; one that does not fit builds
 * a new leaf (or two). The whole memtable takes 120-136 bytes of heap per entry beyond the key and
 * value bytes, against 142-154 with the skip list (see {@link Memtable#ENTRY_OVERHEAD}).
 *
 * <p><b>Concurrency.</b> Inner nodes are copied on write: once published they never change but for a
 * slot set to a new child of the same key range, one reference store with release semantics, and a
 * split, merge or rebalance builds new nodes up to the first ancestor whose entries did not change (a
 * new root goes to a volatile field). Leaves change in place under a sequence lock ({@code version}):
 * the writer makes it odd, shifts the entries, makes it even again; a reader copies the entries it
 * needs out of the leaf and retries if the version was odd or moved meanwhile. Every index a reader
 * computes from what it read is checked against the array lengths first, so a reader that races the
 * writer gets a wrong answer at worst, which the version check discards: it never throws, and it
 * waits only while the writer is changing that very leaf. A leaf replaced by new ones (a split, a
 * merge, one that ran out of room) is left as it was; a reader that still reaches it reads a
 * consistent, older leaf.
 *
 * <p>Why not copy on write throughout, which needs no version checks: copying the leaf on every
 * insertion or removal measured 1,650-1,800 ns per operation in {@code MemtableWriteBenchmark} (2,540
 * bytes allocated per operation, against 220 with leaves changed in place), since the copy writes a
 * few kilobytes of fresh memory and leaves live leaves strewn over the young generation among the
 * garbage. Changing a leaf in place keeps it where the caches have it. Copy on write stays for inner
 * nodes, which change once every few dozen writes, so that readers need no version checks above the
 * leaves. (A leaf that appends a new key's bytes wherever it has room, so that a write shifts no key
 * bytes, measured the same as shifting them, and was not kept.)
 *
 * <p><b>Removal.</b> A node left with fewer than a quarter of {@code MAX_ENTRIES} entries (and fewer
 * than a quarter of {@code MAX_BYTES} key bytes) is merged with a sibling, or shares their entries
 * evenly if they do not fit in one node, and a root with a single child gives way to it. Every node but
 * the root thus holds a quarter of the maximum at least, so searches stay O(log n) and memory stays
 * proportional to the entries: a tree whose entries were all removed is one empty leaf again.
 *
 * <p><b>Walks</b> ({@link Cursor}) are weakly consistent, as the skip list's were: a walk never
 * returns a key twice or out of order, returns only keys present at some point during the walk, and
 * returns every key present throughout. It copies the part of a leaf it needs, then steps to the next
 * leaf through the inner nodes it came down by (see {@link Cursor}); each leaf's range starts where the
 * previous one's ended.
 */
final class CellTree {
    /**
     * Entries per node at most. Between 16 and 128 the write benchmark measured within its noise
     * (900-1,100 ns); 64 makes the tree three levels deep at 100,000 entries, and its leaves are
     * what a walk copies at a time.
     */
    static final int MAX_ENTRIES = 64;
    /** Key bytes per node at most (a soft limit: a node that cannot be cut well, a few huge keys, may exceed it). */
    static final int MAX_BYTES = 4096;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle VERSION;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(Node.class, "version", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int maxEntries;
    private final int maxBytes;
    private final int minLeaf;
    private final int minInner;
    private volatile Node root;
    private volatile int size;

    // Writer only: the path of the last descent (the inner node at each level above the leaf and
    // the index of the child taken), and scratch space for splits and merges.
    private final Path path = new Path(8);
    private final Run run = new Run();

    CellTree() {
        this(MAX_ENTRIES, MAX_BYTES);
    }

    /** A tree with other node limits: small ones let tests reach deep trees with few keys. */
    CellTree(int maxEntries, int maxBytes) {
        if (maxEntries < 4 || maxBytes < 1) {
            throw new IllegalArgumentException("maxEntries=" + maxEntries + " maxBytes=" + maxBytes);
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.minLeaf = Math.max(1, maxEntries / 4);
        this.minInner = Math.max(2, maxEntries / 4);
        this.root = leafOf(0, 0);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Writer: maps {@code key} to {@code cell}, replacing the cell it had. The tree keeps a copy of the
     * key's bytes.
     */
    void put(byte[] key, MemCell cell) {
        Node leaf = descend(key);
        int i = leaf.lowerBound(leaf.count, leaf.prefix, key, 0, key.length);
        if (i < leaf.count && leaf.compare(i, key, 0, key.length) == 0) {
            SLOTS.setRelease(leaf.slots, i, cell); // one reference: a reader sees the old cell or the new
            return;
        }
        if (leaf.hasRoom(key.length)) {
            leaf.insert(i, key, cell);
        } else {
            insert(path.depth, leaf, i, key, 0, key.length, cell, null);
        }
        size = size + 1;
    }

    /** Writer: removes {@code key} if it maps to {@code cell} (the very object); true if it did. */
    boolean remove(byte[] key, MemCell cell) {
        Node leaf = descend(key);
        int n = leaf.count;
        int i = leaf.lowerBound(n, leaf.prefix, key, 0, key.length);
        if (i == n || leaf.slots[i] != cell || leaf.compare(i, key, 0, key.length) != 0) {
            return false;
        }
        int bytes = leaf.bytes() - (leaf.offs[i + 1] - leaf.offs[i]);
        if (path.depth == 0 || !underfull(true, n - 1, bytes)) {
            leaf.remove(i);
        } else {
            run.clear();
            run.addAll(leaf, 0, i);
            run.addAll(leaf, i + 1, n);
            shrunk(path.depth, leafOf(0, run.count));
        }
        size = size - 1;
        return true;
    }

    /**
     * A walk over the keys in {@code [from, to)} in order ({@code null} bounds are open); empty if
     * {@code from >= to}.
     */
    Cursor cursor(byte[] from, byte[] to) {
        return new Cursor(from == null ? new byte[0] : from, to);
    }

    /** Writer: the leaf whose range holds {@code key}, recording the path to it. */
    private Node descend(byte[] key) {
        Node n = root;
        path.depth = 0;
        while (!n.leaf) {
            int i = n.childIndex(key, 0, key.length);
            path.push(n, i);
            n = (Node) n.slots[i]; // the writer's own stores: no ordering needed
        }
        return n;
    }

    /** Writer: makes {@code n} the node at level {@code d} of the last descent, in place of the one there. */
    private void publish(int d, Node n) {
        if (d == 0) {
            root = n;
        } else {
            SLOTS.setRelease(path.nodes[d - 1].slots, path.index[d - 1], n);
        }
    }

    private boolean underfull(boolean leaf, int count, int bytes) {
        return count < (leaf ? minLeaf : minInner) && bytes < maxBytes / 4;
    }

    /**
     * Writer: inserts entry {@code (k[from, to), slot)} at index {@code i} of {@code n}, the node at
     * level {@code d} of the last descent, by replacing {@code n} with a new node, or two if it
     * overflows (then inserting the second into the parent); if {@code left} is not null it replaces
     * slot {@code i - 1} (the two halves of a split child).
     */
    private void insert(int d, Node n, int i, byte[] k, int from, int to, Object slot, Node left) {
        run.clear();
        run.addAll(n, 0, i);
        run.add(k, from, to, slot);
        run.addAll(n, i, n.count);
        if (left != null) {
            run.slots[i - 1] = left;
        }
        int m = cut(n.leaf, i == n.count);
        if (m < 0) {
            publish(d, nodeOf(n.leaf, 0, run.count));
            return;
        }
        Node l = nodeOf(n.leaf, 0, m);
        Node r = nodeOf(n.leaf, m, run.count);
        byte[] separator = run.separator(n.leaf, m);
        if (d == 0) {
            run.clear();
            run.add(separator, 0, 0, l); // an inner node's key 0 is never compared
            run.add(separator, 0, separator.length, r);
            root = nodeOf(false, 0, 2);
        } else {
            insert(d - 1, path.nodes[d - 1], path.index[d - 1] + 1, separator, 0, separator.length, r, l);
        }
    }

    /**
     * Writer: puts {@code n}, a new node for level {@code d} of the last descent that has one entry
     * less than the one there, in its place; an underfull one is merged with a sibling, or shares their
     * entries, which changes the parent in turn.
     */
    private void shrunk(int d, Node n) {
        if (d == 0) {
            root = !n.leaf && n.count == 1 ? (Node) n.slots[0] : n;
            return;
        }
        if (!underfull(n.leaf, n.count, n.bytes())) {
            publish(d, n);
            return;
        }
        Node p = path.nodes[d - 1];
        int c = path.index[d - 1];
        int a = c + 1 < p.count ? c : c - 1; // the pair is children a and a + 1
        Node left = a == c ? n : (Node) p.slots[a];
        Node right = a == c ? (Node) p.slots[a + 1] : n;
        run.clear();
        run.addAll(left, 0, left.count);
        if (n.leaf) {
            run.addAll(right, 0, right.count);
        } else {
            // the right node's first child gets the parent's separator, its empty key 0 being a stand-in
            run.add(p.keys, p.offs[a + 1], p.offs[a + 2], right.slots[0]);
            run.addAll(right, 1, right.count);
        }
        int m = cut(n.leaf, false);
        if (m < 0) {
            Node merged = nodeOf(n.leaf, 0, run.count);
            run.clear();
            run.addAll(p, 0, a + 1);
            run.addAll(p, a + 2, p.count);
            run.slots[a] = merged;
        } else {
            Node l = nodeOf(n.leaf, 0, m);
            Node r = nodeOf(n.leaf, m, run.count);
            byte[] separator = run.separator(n.leaf, m);
            run.clear();
            run.addAll(p, 0, a + 1);
            run.add(separator, 0, separator.length, r);
            run.addAll(p, a + 2, p.count);
            run.slots[a] = l;
        }
        shrunk(d - 1, nodeOf(false, 0, run.count));
    }

    /**
     * Writer: where to cut the run into two nodes, or -1 to keep it one. It is cut if it has too many
     * entries or key bytes, among the cuts that leave neither half with too many entries nor underfull:
     * where the halves' key bytes are closest (so that both have room alike), or, if the run grew at its end
     * ({@code appended}), as far right as it may, since keys written in order (a list's new tail, a
     * counter, a timestamp) would otherwise leave every node half full. A run of too many bytes that has
     * no such cut (a few huge keys) stays one node; a run of too many entries always has one (its
     * middle), since the minimum is a quarter of the maximum.
     */
    private int cut(boolean leaf, boolean appended) {
        int n = run.count;
        int total = run.bytes();
        if (n <= maxEntries && total <= maxBytes) {
            return -1;
        }
        int[] offs = run.offs;
        int best = -1;
        long bestGap = Long.MAX_VALUE;
        for (int m = Math.max(1, n - maxEntries); m <= Math.min(n - 1, maxEntries); m++) {
            // an inner run's key 0 is empty, and its key m moves up to the parent
            int leftBytes = offs[m];
            int rightBytes = total - offs[leaf ? m : m + 1];
            long gap = appended ? n - m : Math.abs((long) leftBytes - rightBytes);
            if (gap < bestGap && !underfull(leaf, m, leftBytes) && !underfull(leaf, n - m, rightBytes)) {
                best = m;
                bestGap = gap;
            }
        }
        return best >= 0 || n <= maxEntries ? best : n / 2;
    }

    /** Writer: a node of the run's entries {@code [from, to)}. */
    private Node nodeOf(boolean leaf, int from, int to) {
        return leaf ? leafOf(from, to) : run.inner(from, to);
    }

    /**
     * Writer: a leaf of the run's entries {@code [from, to)}, with room for {@code maxEntries} and a
     * quarter as many key bytes again as it holds, so that most insertions change it in place.
     */
    private Node leafOf(int from, int to) {
        int bytes = run.offs[to] - run.offs[from];
        int room = Math.min(Math.max(maxBytes, bytes), bytes + bytes / 4 + 64);
        return run.leaf(from, to, maxEntries, room);
    }

    /** For tests: the number of nodes (walks the whole tree; writer or quiescent tree only). */
    int nodeCount() {
        return nodeCount(root);
    }

    private static int nodeCount(Node n) {
        int c = 1;
        if (!n.leaf) {
            for (int i = 0; i < n.count; i++) {
                c += nodeCount((Node) n.slots[i]);
            }
        }
        return c;
    }

    /** For tests: the number of levels. */
    int height() {
        int h = 1;
        for (Node n = root; !n.leaf; n = (Node) n.slots[0]) {
            h++;
        }
        return h;
    }

    /**
     * For tests (writer or quiescent tree only): checks the tree's invariants (order, separators
     * bounding their subtrees, node limits, prefixes and heads, equal leaf depth, the size counter) and
     * throws {@link IllegalStateException} on a violation.
     */
    void check() {
        int[] leafDepth = {-1};
        int entries = check(root, null, null, true, 0, leafDepth);
        if (entries != size) {
            throw new IllegalStateException("size " + size + " but " + entries + " entries");
        }
    }

    private int check(Node n, byte[] lo, byte[] hi, boolean isRoot, int level, int[] leafDepth) {
        if (n.count > maxEntries || n.count > n.slots.length || n.offs.length != n.slots.length + 1
                || n.heads.length != n.slots.length || n.bytes() > n.keys.length
                || !isRoot && underfull(n.leaf, n.count, n.bytes()) || !isRoot && !n.leaf && n.count < 2) {
            throw new IllegalStateException("node of " + n.count + " entries, " + n.bytes() + " bytes");
        }
        int first = n.leaf ? 0 : 1;
        for (int i = first; i < n.count; i++) {
            byte[] k = n.key(i);
            boolean ordered = (i == first || Arrays.compareUnsigned(n.key(i - 1), k) < 0)
                    && (lo == null || Arrays.compareUnsigned(lo, k) <= 0)
                    && (hi == null || Arrays.compareUnsigned(k, hi) < 0);
            if (!ordered) {
                throw new IllegalStateException("key out of order or out of its node's range");
            }
            if (k.length < n.prefix || !Arrays.equals(k, 0, n.prefix, n.key(first), 0, n.prefix)
                    || n.heads[i] != KeyBytes.head(k, n.prefix, k.length)) {
                throw new IllegalStateException("key not matching its node's prefix or its head");
            }
        }
        for (int i = n.count; i < n.slots.length; i++) {
            if (n.slots[i] != null) {
                throw new IllegalStateException("a slot past the count holds on to an object");
            }
        }
        if (n.leaf) {
            if (leafDepth[0] >= 0 && leafDepth[0] != level) {
                throw new IllegalStateException("leaves at depths " + leafDepth[0] + " and " + level);
            }
            leafDepth[0] = level;
            return n.count;
        }
        if (n.offs[1] != 0) {
            throw new IllegalStateException("inner node with a key 0");
        }
        int entries = 0;
        for (int i = 0; i < n.count; i++) {
            entries += check((Node) n.slots[i], i == 0 ? lo : n.key(i), i + 1 < n.count ? n.key(i + 1) : hi,
                    false, level + 1, leafDepth);
        }
        return entries;
    }

    /**
     * A node: {@code count} keys packed in {@code keys}, a slot per key, and per key its head for
     * searching. An inner node never changes once published but for a slot set to a new child of the
     * same range. A leaf has room to grow and the writer changes it in place inside a write of
     * {@link #version}; its readers copy what they need and check the version did not move.
     */
    private static final class Node {
        final boolean leaf;
        final byte[] keys;
        /** Offsets into {@code keys}: key {@code i} is {@code keys[offs[i], offs[i + 1])}. */
        final int[] offs;
        /** Per key, its 8 bytes after the prefix (see {@link #head}); a search compares these first. */
        final long[] heads;
        /** A {@link MemCell} per key in a leaf, a child {@code Node} per key in an inner node; null past the count. */
        final Object[] slots;
        int count;
        /** The length of a prefix all keys share (not necessarily the longest: in a leaf it only shrinks). */
        int prefix;
        /** Leaves: a sequence lock over the fields above, odd while the writer changes them. */
        int version;

        Node(boolean leaf, int count, byte[] keys, int[] offs, Object[] slots) {
            this.leaf = leaf;
            this.count = count;
            this.keys = keys;
            this.offs = offs;
            this.slots = slots;
            this.heads = new long[slots.length];
            int first = leaf ? 0 : 1;
            if (count - first == 1) {
                prefix = offs[first + 1] - offs[first];
            } else if (count - first > 1) {
                prefix = KeyBytes.commonPrefix(keys, offs[first], offs[first + 1], keys, offs[count - 1], offs[count]);
            }
            computeHeads();
        }

        private void computeHeads() {
            for (int i = leaf ? 0 : 1; i < count; i++) {
                heads[i] = KeyBytes.head(keys, offs[i] + prefix, offs[i + 1]);
            }
        }

        int bytes() {
            return offs[count];
        }

        byte[] key(int i) {
            return Arrays.copyOfRange(keys, offs[i], offs[i + 1]);
        }

        /*
         * The searches below index no array out of its bounds whatever count, prefix and offsets they
         * read, so that a reader racing the writer on a leaf gets a wrong answer at worst, which its
         * check of the version then throws away.
         */

        /** Key {@code i} against {@code k[from, to)} (0 for torn offsets). */
        int compare(int i, byte[] k, int from, int to) {
            int s = offs[i];
            int e = offs[i + 1];
            if (s < 0 || e < s || e > keys.length) {
                return 0;
            }
            return Arrays.compareUnsigned(keys, s, e, k, from, to);
        }

        /**
         * Where {@code k[from, to)} stands against the prefix the keys from index {@code first} share:
         * 0 if it starts with it, negative if it sorts before every key, positive if after every key.
         */
        private int againstPrefix(int first, int prefix, byte[] k, int from, int to) {
            int s = offs[first];
            int n = Math.min(prefix, to - from);
            if (prefix == 0 || s < 0 || s + n > keys.length) {
                return 0;
            }
            int m = Arrays.mismatch(k, from, from + n, keys, s, s + n);
            if (m < 0) {
                return n == prefix ? 0 : -1; // a shorter k is a prefix of every key
            }
            return Byte.compareUnsigned(k[from + m], keys[s + m]);
        }

        /**
         * The first index below {@code count} whose key is at least {@code k[from, to)}, or
         * {@code count}; {@code count} and {@code prefix} are as the caller read them. The heads are
         * scanned in order rather than bisected: a scan's loads do not wait on one another, and it
         * measured no slower than bisection over 64 entries, ties (equal heads) being simpler to step
         * through.
         */
        int lowerBound(int count, int prefix, byte[] k, int from, int to) {
            int against = againstPrefix(0, prefix, k, from, to);
            if (count == 0 || against != 0) {
                return against < 0 ? 0 : count;
            }
            long head = KeyBytes.head(k, from + prefix, to);
            int i = 0;
            while (i < count && heads[i] < head) {
                i++;
            }
            while (i < count && heads[i] == head && compare(i, k, from, to) < 0) {
                i++;
            }
            return i;
        }

        /** Inner node: the child whose range holds {@code k[from, to)}. */
        int childIndex(byte[] k, int from, int to) {
            int against = againstPrefix(1, prefix, k, from, to);
            if (against != 0) {
                return against < 0 ? 0 : count - 1;
            }
            long head = KeyBytes.head(k, from + prefix, to);
            int i = 1;
            while (i < count && heads[i] < head) {
                i++;
            }
            while (i < count && heads[i] == head && compare(i, k, from, to) <= 0) {
                i++;
            }
            return i - 1;
        }

        /** Writer, leaf: true if a key of {@code length} bytes fits in place. */
        boolean hasRoom(int length) {
            return count < slots.length && bytes() + length <= keys.length;
        }

        /** Writer, leaf with room for it ({@link #hasRoom}): inserts {@code (k, slot)} at index {@code i} in place. */
        void insert(int i, byte[] k, Object slot) {
            int n = count;
            int len = k.length;
            int at = offs[i];
            int p = prefix;
            if (n == 0) {
                p = len;
            } else if (i == 0 || i == n) {
                // a new first or last key may share less with the rest (a key between two shares their prefix)
                int neighbour = i == 0 ? 0 : n - 1;
                p = Math.min(p, KeyBytes.commonPrefix(k, 0, len, keys, offs[neighbour], offs[neighbour + 1]));
            }
            beginWrite();
            System.arraycopy(keys, at, keys, at + len, offs[n] - at);
            System.arraycopy(k, 0, keys, at, len);
            for (int j = n; j >= i; j--) {
                offs[j + 1] = offs[j] + len;
            }
            System.arraycopy(slots, i, slots, i + 1, n - i);
            slots[i] = slot;
            System.arraycopy(heads, i, heads, i + 1, n - i);
            count = n + 1;
            if (p != prefix) {
                prefix = p;
                computeHeads();
            } else {
                heads[i] = KeyBytes.head(k, p, len);
            }
            endWrite();
        }

        /** Writer, leaf: removes entry {@code i} in place (the keys left still share the prefix). */
        void remove(int i) {
            int n = count;
            int at = offs[i];
            int len = offs[i + 1] - at;
            beginWrite();
            System.arraycopy(keys, at + len, keys, at, offs[n] - at - len);
            for (int j = i + 1; j < n; j++) {
                offs[j] = offs[j + 1] - len;
            }
            System.arraycopy(slots, i + 1, slots, i, n - i - 1);
            slots[n - 1] = null; // hold on to no removed cell
            System.arraycopy(heads, i + 1, heads, i, n - i - 1);
            count = n - 1;
            endWrite();
        }

        private void beginWrite() {
            VERSION.setOpaque(this, version + 1);
            VarHandle.storeStoreFence(); // the odd version before any change
        }

        private void endWrite() {
            VERSION.setRelease(this, version + 1); // every change before the even version
        }
    }

    /** The inner nodes a descent went through, root first, and the index of the child taken in each. */
    private static final class Path {
        Node[] nodes;
        int[] index;
        int depth;

        Path(int capacity) {
            nodes = new Node[capacity];
            index = new int[capacity];
        }

        void push(Node n, int i) {
            if (depth == nodes.length) {
                nodes = Arrays.copyOf(nodes, depth * 2);
                index = Arrays.copyOf(index, depth * 2);
            }
            nodes[depth] = n;
            index[depth] = i;
            depth++;
        }
    }

    /** Writer scratch: a run of entries gathered from nodes, to be cut into new nodes. */
    private static final class Run {
        byte[] bytes = new byte[2 * MAX_BYTES];
        int[] offs = new int[2 * MAX_ENTRIES + 2];
        Object[] slots = new Object[2 * MAX_ENTRIES + 1];
        int count;

        void clear() {
            Arrays.fill(slots, 0, count, null); // hold on to no removed cell or node
            count = 0;
        }

        int bytes() {
            return offs[count];
        }

        void add(byte[] k, int from, int to, Object slot) {
            int len = to - from;
            int at = offs[count];
            if (count + 1 == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                offs = Arrays.copyOf(offs, offs.length * 2);
            }
            if (at + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + len));
            }
            System.arraycopy(k, from, bytes, at, len);
            slots[count++] = slot;
            offs[count] = at + len;
        }

        void addAll(Node n, int from, int to) {
            for (int i = from; i < to; i++) {
                add(n.keys, n.offs[i], n.offs[i + 1], n.slots[i]);
            }
        }

        /**
         * The key separating the halves cut at {@code m}: for an inner node the first key of the right
         * half (it moves up), for leaves the shortest prefix of that key above the left half's last.
         */
        byte[] separator(boolean leaf, int m) {
            int start = offs[m];
            int end = offs[m + 1];
            if (leaf) {
                int mismatch = Arrays.mismatch(bytes, offs[m - 1], start, bytes, start, end);
                end = start + mismatch + 1; // keys are distinct and ordered, so mismatch < end - start
            }
            return Arrays.copyOfRange(bytes, start, end);
        }

        /** A leaf of entries {@code [from, to)} with room for {@code capacity} entries and {@code room} key bytes. */
        Node leaf(int from, int to, int capacity, int room) {
            int start = offs[from];
            int[] os = new int[capacity + 1];
            for (int j = 0; j <= to - from; j++) {
                os[j] = offs[from + j] - start;
            }
            byte[] ks = new byte[room];
            System.arraycopy(bytes, start, ks, 0, offs[to] - start);
            Object[] ss = new Object[capacity];
            System.arraycopy(slots, from, ss, 0, to - from);
            return new Node(true, to - from, ks, os, ss);
        }

        /** An inner node of entries {@code [from, to)}, sized exactly; it drops the first key (its key 0 is empty). */
        Node inner(int from, int to) {
            int n = to - from;
            int start = offs[from + 1];
            int[] os = new int[n + 1];
            for (int j = 1; j <= n; j++) {
                os[j] = offs[from + j] - start;
            }
            return new Node(false, n, Arrays.copyOfRange(bytes, start, offs[to]), os,
                    Arrays.copyOfRange(slots, from, to));
        }
    }

    /**
     * A walk over {@code [from, to)}: {@link #next()} steps to each key in turn. Holds a copy of the
     * rest of the leaf it is walking, and the inner nodes it went through to reach that leaf, from
     * which it steps to the next leaf without descending from the root again. Those nodes may have
     * been replaced since, which is fine: a replaced node keeps the children it had when it was
     * replaced, so each leaf the walk reaches was in the tree at some instant of the walk, and holds
     * every key of its range that was present throughout.
     */
    final class Cursor {
        private final byte[] to;
        /** The entries copied from the current leaf: keys packed in {@code keys}, cells in {@code cells}. */
        private byte[] keys;
        private int[] offs;
        private Object[] cells;
        private int count;
        /** How many of the copied entries lie before the range's end: found once per leaf, not per step. */
        private int limit;
        private int pos;
        /** The inner nodes above the current leaf, root first, and the index of the child taken in each. */
        private final Path path = new Path(4);
        private boolean done;

        private Cursor(byte[] from, byte[] to) {
            this.to = to;
            if (to == null || Arrays.compareUnsigned(from, to) < 0) {
                Node leaf = descend(root, from);
                while (!copy(leaf, from)) {
                    Thread.onSpinWait();
                }
            } else {
                done = true;
            }
        }

        /**
         * The leaf under {@code n} whose range holds {@code k} (the leftmost if {@code k} is null),
         * pushing the inner nodes on the way onto the path.
         */
        private Node descend(Node n, byte[] k) {
            while (!n.leaf) {
                int i = k == null ? 0 : n.childIndex(k, 0, k.length);
                path.push(n, i);
                n = (Node) SLOTS.getAcquire(n.slots, i);
            }
            return n;
        }

        /**
         * One try at copying the leaf's entries at least {@code k} (all of them if {@code k} is null):
         * false if the writer was changing the leaf.
         */
        private boolean copy(Node leaf, byte[] k) {
            int v = (int) VERSION.getAcquire(leaf);
            if ((v & 1) != 0) {
                return false;
            }
            int n = Math.min(leaf.count, leaf.slots.length);
            int p = k == null ? 0 : leaf.lowerBound(n, leaf.prefix, k, 0, k.length);
            int start = leaf.offs[p];
            int end = leaf.offs[n];
            if (start < 0 || end < start || end > leaf.keys.length) {
                return false; // torn
            }
            int c = n - p;
            if (offs == null || offs.length <= c) {
                offs = new int[c + 1];
                cells = new Object[c];
            }
            if (keys == null || keys.length < end - start) {
                keys = new byte[end - start];
            }
            System.arraycopy(leaf.offs, p, offs, 0, c + 1);
            System.arraycopy(leaf.slots, p, cells, 0, c);
            System.arraycopy(leaf.keys, start, keys, 0, end - start);
            VarHandle.loadLoadFence();
            if ((int) VERSION.getOpaque(leaf) != v) {
                return false;
            }
            for (int j = 0; j <= c; j++) {
                offs[j] -= start;
            }
            count = c;
            limit = c == 0 || to == null || beforeEnd(c - 1) ? c : firstAtOrAfterEnd(c - 1);
            pos = 0;
            return true;
        }

        /** True if copied key {@code i} lies before the range's end. */
        private boolean beforeEnd(int i) {
            return Arrays.compareUnsigned(keys, offs[i], offs[i + 1], to, 0, to.length) < 0;
        }

        /** The first copied key at or after the range's end, key {@code last} being one. */
        private int firstAtOrAfterEnd(int last) {
            int lo = 0;
            int hi = last;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (beforeEnd(mid)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /**
         * Moves to the leaf after the current one: up the path to the first node with a child to the
         * right, then down that child's leftmost side. False if there is none, or it starts at or
         * beyond the end of the range.
         */
        private boolean nextLeaf() {
            while (path.depth > 0) {
                Node n = path.nodes[path.depth - 1];
                int i = path.index[path.depth - 1] + 1;
                if (i < n.count) {
                    // the separator bounding the next subtree from below: past the range's end, the walk is over
                    if (to != null && Arrays.compareUnsigned(n.keys, n.offs[i], n.offs[i + 1], to, 0, to.length) >= 0) {
                        return false;
                    }
                    path.index[path.depth - 1] = i;
                    Node leaf = descend((Node) SLOTS.getAcquire(n.slots, i), null);
                    while (!copy(leaf, null)) {
                        Thread.onSpinWait();
                    }
                    return true;
                }
                path.depth--;
            }
            return false;
        }

        /** Steps to the next key: false at the end of the range. */
        boolean next() {
            while (!done) {
                if (pos < limit) {
                    pos++;
                    return true;
                }
                if (limit < count || !nextLeaf()) {
                    break; // the range ends within this leaf, or no leaf is left
                }
            }
            done = true;
            count = 0;
            return false;
        }

        /** The current key (a copy). */
        byte[] key() {
            return Arrays.copyOfRange(keys, offs[pos - 1], offs[pos]);
        }

        /** The current key's cell (it may have been removed since: then its value is null). */
        MemCell cell() {
            return (MemCell) cells[pos - 1];
        }
    }
}
