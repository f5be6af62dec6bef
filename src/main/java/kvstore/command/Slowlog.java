package kvstore.command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The SLOWLOG: the last slowlog-max-len commands that took longer than slowlog-log-slower-than µs. */
public final class Slowlog {
    /** One slow command, as SLOWLOG GET reports it (arguments already trimmed as Redis trims them). */
    public record Item(long id, long unixSeconds, long micros, List<byte[]> args, String address, String clientName) {
    }

    private final Deque<Item> items = new ArrayDeque<>();
    private long nextId;

    public synchronized void add(long micros, byte[][] argv, String address, String clientName, int maxLen) {
        argv = Redaction.redact(argv);
        List<byte[]> args = new ArrayList<>();
        int shown = Math.min(argv.length, 32);
        for (int i = 0; i < shown; i++) {
            if (shown < argv.length && i == shown - 1) {
                args.add(("... (" + (argv.length - shown + 1) + " more arguments)").getBytes());
                break;
            }
            byte[] a = argv[i];
            if (a.length > 128) {
                byte[] t = new byte[128];
                System.arraycopy(a, 0, t, 0, 128);
                String more = "... (" + (a.length - 128) + " more bytes)";
                byte[] m = more.getBytes();
                byte[] joined = new byte[128 + m.length];
                System.arraycopy(t, 0, joined, 0, 128);
                System.arraycopy(m, 0, joined, 128, m.length);
                a = joined;
            }
            args.add(a);
        }
        items.addFirst(new Item(nextId++, System.currentTimeMillis() / 1000, micros, args, address,
                clientName == null ? "" : clientName));
        while (items.size() > maxLen) {
            items.removeLast();
        }
    }

    /** The newest {@code count} entries, newest first; count < 0 means all. */
    public synchronized List<Item> newest(long count) {
        List<Item> out = new ArrayList<>();
        for (Item i : items) {
            if (count >= 0 && out.size() >= count) {
                break;
            }
            out.add(i);
        }
        return out;
    }

    public synchronized int size() {
        return items.size();
    }

    public synchronized void reset() {
        items.clear();
    }
}
