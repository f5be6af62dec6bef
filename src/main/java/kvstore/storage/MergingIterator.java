package kvstore.storage;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges sorted sources into one walk in key order (a heap merge). When several sources hold a key,
 * the one listed first (the newest) wins and the others' entries for that key are skipped.
 */
final class MergingIterator implements InternalIterator {
    private record Source(int rank, InternalIterator it) {
    }

    private final PriorityQueue<Source> heap;
    private byte[] key;
    private byte[] value;

    MergingIterator(List<InternalIterator> newestFirst) {
        heap = new PriorityQueue<>(Math.max(1, newestFirst.size()), (a, b) -> {
            int c = Arrays.compareUnsigned(a.it.key(), b.it.key());
            return c != 0 ? c : Integer.compare(a.rank, b.rank);
        });
        for (int i = 0; i < newestFirst.size(); i++) {
            if (newestFirst.get(i).valid()) {
                heap.add(new Source(i, newestFirst.get(i)));
            }
        }
        advance();
    }

    private void advance() {
        Source top = heap.poll();
        if (top == null) {
            key = null;
            value = null;
            return;
        }
        key = top.it.key();
        value = top.it.value();
        top.it.next();
        if (top.it.valid()) {
            heap.add(top);
        }
        while (!heap.isEmpty() && Arrays.equals(heap.peek().it.key(), key)) {
            Source older = heap.poll();
            older.it.next();
            if (older.it.valid()) {
                heap.add(older);
            }
        }
    }

    @Override
    public boolean valid() {
        return key != null;
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public byte[] value() {
        return value;
    }

    @Override
    public void next() {
        advance();
    }
}
