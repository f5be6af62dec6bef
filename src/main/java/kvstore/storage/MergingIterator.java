package kvstore.storage;

import java.util.Arrays;
import java.util.List;

/**
 * Merges sorted sources into one walk in key order (a heap merge). When several sources hold a key,
 * the one listed first (the newest) wins and the others' entries for that key are skipped.
 *
 * <p>The heap is kept by hand over parallel arrays, each source's current key cached next to it: a
 * step replaces the top's key and sifts it down once, where a general priority queue would remove
 * the top and insert it again (two sifts, each comparison calling back into the sources). Keys are
 * cached and compared only while two sources or more are left: one alone needs no ordering, and is
 * asked for its key only when the caller asks. The current entry is the top source's, which stays on
 * it until the next step: its value is read from the source only if asked for. So a walk that needs
 * the winning version alone, or skips tombstones, copies neither the key nor the whole encoded set
 * out of the memtable.
 */
final class MergingIterator implements InternalIterator {
    private final InternalIterator[] sources;
    private final int[] ranks;
    /** The sources' current keys while two or more are left; then keys[0] is null once the last one stepped. */
    private final byte[][] keys;
    private int size;

    MergingIterator(List<InternalIterator> newestFirst) {
        int n = newestFirst.size();
        sources = new InternalIterator[n];
        ranks = new int[n];
        keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            InternalIterator it = newestFirst.get(i);
            if (it.valid()) {
                sources[size] = it;
                ranks[size] = i;
                size++;
            }
        }
        if (size > 1) {
            for (int i = 0; i < size; i++) {
                keys[i] = sources[i].key();
            }
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(i);
            }
        }
    }

    /** Moves the top source to its next entry and restores the heap. */
    private void stepTop() {
        InternalIterator top = sources[0];
        top.next();
        if (top.valid()) {
            keys[0] = size > 1 ? top.key() : null;
        } else {
            size--;
            sources[0] = sources[size];
            ranks[0] = ranks[size];
            keys[0] = keys[size];
            sources[size] = null;
            keys[size] = null;
        }
        if (size > 1) {
            siftDown(0);
        }
    }

    private void siftDown(int i) {
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < size && less(left, smallest)) {
                smallest = left;
            }
            if (right < size && less(right, smallest)) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private boolean less(int a, int b) {
        int c = Arrays.compareUnsigned(keys[a], keys[b]);
        return c < 0 || c == 0 && ranks[a] < ranks[b];
    }

    private void swap(int a, int b) {
        InternalIterator s = sources[a];
        sources[a] = sources[b];
        sources[b] = s;
        int r = ranks[a];
        ranks[a] = ranks[b];
        ranks[b] = r;
        byte[] k = keys[a];
        keys[a] = keys[b];
        keys[b] = k;
    }

    @Override
    public boolean valid() {
        return size > 0;
    }

    @Override
    public byte[] key() {
        if (size == 0) {
            return null;
        }
        byte[] k = keys[0];
        return k != null ? k : sources[0].key();
    }

    @Override
    public byte[] value() {
        return sources[0].value();
    }

    @Override
    public boolean tombstone() {
        return sources[0].tombstone();
    }

    @Override
    public byte[] winnerValue() {
        return sources[0].winnerValue();
    }

    /** Steps past the current entry, skipping the older sources' entries for its key. */
    @Override
    public void next() {
        InternalIterator passed = sources[0];
        byte[] previous = keys[0]; // null when one source is left: it holds each key once
        stepTop();
        // a source on top again after the step is past the key: only another can hold it
        while (previous != null && size > 0 && sources[0] != passed && Arrays.equals(keys[0], previous)) {
            stepTop();
        }
    }
}
