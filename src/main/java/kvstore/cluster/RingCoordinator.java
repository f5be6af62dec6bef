package kvstore.cluster;

import kvstore.keyspace.CounterKind;
import kvstore.keyspace.Entry;
import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.Pace;
import kvstore.keyspace.Siblings;
import kvstore.keyspace.UnavailableException;
import kvstore.keyspace.ValueType;
import kvstore.keyspace.WouldWaitException;
import kvstore.transport.PeerTransport;
import kvstore.transport.PeerUnavailableException;
import kvstore.version.ContextCodec;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import kvstore.version.Version;
import kvstore.version.VersionVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The coordinator of a ring of several nodes: implements the keyspace with N replicas per key, tunable
 * read and write quorums, dotted-version-vector siblings and read repair.
 *
 * <ul>
 * <li><b>Writes</b> are coordinated by a replica of the key: this node if it is one, else the first
 * replica in the preference list that answers (forwarded with {@link ReplicaMessages#COORDINATE}).
 * The coordinator makes the new dot with its own actor, stores it, sends the resulting sibling set to
 * the other N-1 replicas ({@code MERGE}) and succeeds after W acknowledgements, its own included.
 * A write that fails its quorum may still have been stored by some replicas (as in Dynamo).</li>
 * <li><b>Reads</b> ask all N replicas ({@code READ}; this node's own copy directly) and answer once R
 * have replied, with the merge of the replies. When every replica has answered or timed out, the
 * replicas whose set differs from the merge of all replies are sent that merge (read repair).</li>
 * <li><b>Contexts:</b> the dispatcher opens a scope per command ({@link #beginCommand}); the set read
 * by {@link #get} is kept there and a later write of the same key in the same command supersedes what
 * that read saw (read-modify-write). A write with no read uses the coordinating replica's own current
 * context, as a plain Redis write. A write updates the scope with the set it made.</li>
 * <li><b>Timeouts:</b> {@code -NOREPLICAS Not enough good replicas to write. (answered: x of W)} and
 * {@code -NOREPLICAS Not enough good replicas to read. (answered: x of R)}, where x counts the replicas
 * that answered in time.</li>
 * </ul>
 *
 * Calls block the calling thread until the quorum answers, so commands on a ring run off the Netty
 * event loops (see the server's ClientHandler); peer answers arrive on the transport's event loops
 * and only complete futures there. Keyspace-wide calls (size, scan, keys, randomkey, flush) walk the
 * ring slot range by slot range, unless this node holds every slot.
 */
public final class RingCoordinator implements Keyspace, Topology {
    private static final Logger log = LoggerFactory.getLogger(RingCoordinator.class);

    private final Membership membership;
    private final RingMember self;
    private final LocalReplica replica;
    private final PeerTransport transport;
    private final Duration timeout;
    private final int defaultR;
    private final int defaultW;
    private final ExecutorService background;
    private final KeyLocks commandLocks = new KeyLocks();
    private final ThreadLocal<Scope> scopes = ThreadLocal.withInitial(Scope::new);
    private final Gossiper gossiper;
    private final HintedHandoff handoff;
    private final AntiEntropy antiEntropy;
    private final Transfers transfers;
    private final MembershipChanges membershipChanges;
    private final boolean sloppyQuorum;
    private volatile int readRepairPercent = 10;
    private final AtomicLong readRepairs = new AtomicLong();
    private final AtomicLong forwardedWrites = new AtomicLong();
    private final AtomicLong readFailures = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final RingElements elements = new RingElements(this);

    /** The parts of a ring node the coordinator works with besides its replica. */
    public record Parts(PeerTransport transport, Gossiper gossiper, HintedHandoff handoff, AntiEntropy antiEntropy,
                        Transfers transfers) {
    }

    public RingCoordinator(Membership membership, RingMember self, LocalReplica replica, Parts parts,
                           boolean sloppyQuorum, Duration timeout, int defaultR, int defaultW, ExecutorService background) {
        this.membership = membership;
        this.self = self;
        this.replica = replica;
        this.transport = parts.transport();
        this.gossiper = parts.gossiper();
        this.handoff = parts.handoff();
        this.antiEntropy = parts.antiEntropy();
        this.transfers = parts.transfers();
        this.membershipChanges = new MembershipChanges(membership, self, parts.transport(), parts.transfers(), timeout);
        this.sloppyQuorum = sloppyQuorum;
        this.timeout = timeout;
        int n = ring().replicationFactor();
        this.defaultR = Math.max(1, Math.min(defaultR, n));
        this.defaultW = Math.max(1, Math.min(defaultW, n));
        this.background = background;
        new ReplicaService(replica, this).register(transport);
    }

    public LocalReplica replica() {
        return replica;
    }

    HintedHandoff handoff() {
        return handoff;
    }

    Transfers transfers() {
        return transfers;
    }

    // ---- per-command scope

    /** The connection's quorums and the sets read or written by the current command, per key. */
    private static final class Scope {
        /** Storage keys a scope remembers at most; later ones are read again if written. */
        static final int REMEMBERED = 4096;
        boolean open;
        int r;
        int w;
        /** Unless WAIT, the command's writes go on without waiting for W; their acknowledgements wait here. */
        Pace pace = Pace.WAIT;
        /** The command stored something (a NEVER_WAIT command can then no longer stop and run again). */
        boolean wrote;
        final List<CompletableFuture<SiblingSet>> unacknowledged = new ArrayList<>();
        /**
         * By storage key (a key's or an element's); values are Optional-like holders: an entry read as
         * absent maps to a holder of null.
         */
        final Map<ByteBuffer, SiblingSet[]> seen = new java.util.HashMap<>();

        SiblingSet[] find(byte[] sk) {
            return seen.isEmpty() ? null : seen.get(ByteBuffer.wrap(sk));
        }

        void remember(byte[] sk, SiblingSet set) {
            // bounded: a walk of a big collection does not keep every element it read
            if (open && (seen.size() < REMEMBERED || seen.containsKey(ByteBuffer.wrap(sk)))) {
                seen.put(ByteBuffer.wrap(sk), new SiblingSet[] {set});
            }
        }
    }

    @Override
    public void beginCommand(int readQuorum, int writeQuorum, Pace pace) {
        Scope s = scopes.get();
        s.open = true;
        s.r = readQuorum;
        s.w = writeQuorum;
        s.pace = pace;
        s.wrote = false;
        s.seen.clear();
        s.unacknowledged.clear();
    }

    @Override
    public CompletableFuture<Void> endCommand() {
        Scope s = scopes.get();
        s.open = false;
        s.seen.clear();
        List<CompletableFuture<SiblingSet>> acks = s.unacknowledged;
        CompletableFuture<Void> all = switch (acks.size()) {
            case 0 -> null;
            case 1 -> acks.get(0).thenApply(x -> null);
            default -> CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]));
        };
        acks.clear();
        return all;
    }

    /**
     * Called where the current command is about to wait for other nodes. A command that must never
     * wait stops here with {@link WouldWaitException}, unless it already stored something: then it
     * cannot run again, and waits where it is (no command is known to write before it reads).
     */
    private void aboutToWait() {
        Scope s = scopes.get();
        if (s.open && s.pace == Pace.NEVER_WAIT && !s.wrote) {
            throw WouldWaitException.INSTANCE;
        }
    }

    private int readQuorum(int n) {
        Scope s = scopes.get();
        int r = s.open && s.r > 0 ? s.r : defaultR;
        return Math.min(r, n);
    }

    private int writeQuorum(int n) {
        Scope s = scopes.get();
        int w = s.open && s.w > 0 ? s.w : defaultW;
        return Math.min(w, n);
    }

    // ---- reads

    /** The merged set of {@code key} as read at R (or as the current command already saw it). */
    private SiblingSet readSet(int db, byte[] key) {
        return readSet(LocalReplica.storageKey(db, key));
    }

    /** The merged set of a storage key (a key's or an element's) as read at R, or as the command saw it. */
    SiblingSet readSet(byte[] sk) {
        Scope s = scopes.get();
        if (s.open) {
            SiblingSet[] seen = s.find(sk);
            if (seen != null) {
                return seen[0];
            }
        }
        aboutToWait();
        ReadRound round = startRead(sk, true);
        SiblingSet set;
        try {
            set = round.quorum.get(timeout.toMillis() + 50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("NOREPLICAS Not enough good replicas to read. (interrupted)");
        } catch (ExecutionException | TimeoutException e) {
            throw readFailed(round);
        }
        s.remember(sk, set);
        return set;
    }

    private UnavailableException readFailed(ReadRound round) {
        readFailures.incrementAndGet();
        return new UnavailableException("NOREPLICAS Not enough good replicas to read. (answered: "
                + round.answered() + " of " + round.r + ")");
    }

    /**
     * Asks the replicas of {@code sk} for their sets (this node's own answered at once): all of them
     * for a read the command does not wait for (later commands of the connection run meanwhile, and a
     * replica asked after they wrote could answer with their writes), R of them otherwise, or all for
     * read-repair-percent of reads.
     */
    private ReadRound startRead(byte[] sk, boolean waited) {
        int slot = kvstore.storage.StorageKey.slot(sk);
        return startRead(sk, slot, ring().preferenceList(slot), waited);
    }

    private ReadRound startRead(byte[] sk, int slot, List<RingMember> replicas, boolean waited) {
        int r = readQuorum(replicas.size());
        ReadRound round = new ReadRound(this, sk, withStandIns(slot, replicas, r), r);
        int percent = readRepairPercent;
        round.start(transfers.ready(slot) ? replica : null, !waited
                || percent > 0 && java.util.concurrent.ThreadLocalRandom.current().nextInt(100) < percent);
        return round;
    }

    /**
     * The share of reads, in percent, that ask every replica rather than R of them, so that read
     * repair reaches each (CONFIG SET read-repair-percent); anti-entropy repairs the rest.
     */
    public void setReadRepairPercent(int percent) {
        this.readRepairPercent = percent;
    }

    RingMember self() {
        return self;
    }

    /** Sends {@code merged} to replica {@code m}, whose copy of {@code sk} a read found different. */
    void readRepair(RingMember m, byte[] sk, SiblingSet merged) {
        readRepairs.incrementAndGet();
        if (m.equals(self)) {
            background.execute(() -> replica.merge(sk, merged));
        } else {
            request(m, ReplicaMessages.MERGE, ReplicaMessages.merge(sk, merged), timeout);
        }
    }

    /**
     * The replicas to ask for a read: the preference list, or, with a sloppy quorum and fewer than R of
     * its members up, the list with its down members replaced by live fallbacks, which answer from the
     * hints they hold for them.
     */
    private List<RingMember> withStandIns(int slot, List<RingMember> replicas, int r) {
        if (!sloppyQuorum) {
            return replicas;
        }
        int live = 0;
        for (RingMember m : replicas) {
            live += isUp(m) ? 1 : 0;
        }
        if (live >= r) {
            return replicas;
        }
        List<RingMember> fallbacks = liveFallbacks(slot);
        List<RingMember> asked = new ArrayList<>(replicas);
        for (int i = 0; i < asked.size() && !fallbacks.isEmpty(); i++) {
            if (!isUp(asked.get(i))) {
                asked.set(i, fallbacks.remove(0));
            }
        }
        return asked;
    }

    /**
     * True if both sets hold the same versions under the same clock. Enough to compare clocks and sizes
     * for a set and a merge that includes it: with equal clocks the merge keeps only common versions.
     */
    static boolean sameSet(SiblingSet a, SiblingSet b) {
        if (a == b) {
            return true;
        }
        if (!a.clock().equals(b.clock()) || a.size() != b.size()) {
            return false;
        }
        for (Version v : a.versions()) {
            if (!b.contains(v.dot())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Entry get(int db, byte[] key) {
        SiblingSet set = readSet(db, key);
        Entry e = entryOf(set);
        if (e == null && set != null) {
            reclaimIfExpired(db, key, set);
        }
        return e;
    }

    @Override
    public CompletableFuture<Entry> getLater(int db, byte[] key) {
        Scope s = scopes.get();
        byte[] sk = LocalReplica.storageKey(db, key);
        int slot = kvstore.storage.StorageKey.slot(sk);
        // not waited for only where this node's copy answers first and holds the connection's writes:
        // elsewhere a later write coordinated by another node could reach a replica before this read
        List<RingMember> replicas = ring().preferenceList(slot);
        if (!s.open || s.pace == Pace.WAIT || !transfers.ready(slot) || !replicas.contains(self)) {
            return CompletableFuture.completedFuture(get(db, key));
        }
        ReadRound round = startRead(sk, slot, replicas, false);
        return round.quorum.handle((set, e) -> {
            if (e != null) {
                throw readFailed(round);
            }
            Entry entry = entryOf(set);
            if (entry == null && set != null) {
                // not on the thread that completed the read (a transport's event loop): it takes locks
                background.execute(() -> reclaimIfExpired(db, key, set));
            }
            return entry;
        });
    }

    /** As Redis deletes an expired key on access: out of this replica's counts (DBSIZE) at once. */
    private void reclaimIfExpired(int db, byte[] key, SiblingSet set) {
        long now = System.currentTimeMillis();
        Version v = RingElements.readWinner(set, now);
        if (!v.isTombstone() && v.isExpiredAt(now)) {
            byte[] sk = LocalReplica.storageKey(db, key);
            if (ring().preferenceList(kvstore.storage.StorageKey.slot(sk)).contains(self)) {
                replica.reclaimIfExpired(db, key, sk);
            }
        }
    }

    /** The value a set's winner shows, or null: none, deleted or expired. */
    private static Entry entryOf(SiblingSet set) {
        if (set == null) {
            return null;
        }
        long now = System.currentTimeMillis();
        Version v = RingElements.readWinner(set, now);
        if (v.isTombstone() || v.isExpiredAt(now)) {
            return null;
        }
        if (v.type() == Counters.TYPE) {
            return new Entry(ValueType.STRING, Counters.render(set, v), v.expireAt(), v.timestamp());
        }
        ValueType type = ValueType.byId(v.type());
        byte[] value = type == ValueType.STRING ? v.value() : RingElements.metadataOf(set, v);
        return new Entry(type, value, v.expireAt(), v.timestamp());
    }

    @Override
    public Siblings siblings(int db, byte[] key) {
        SiblingSet set = readSet(db, key);
        return set == null ? null : siblingsOf(set);
    }

    /** SIBLINGS's view of a set: its clock as a client context and each value (null: deleted or expired). */
    static Siblings siblingsOf(SiblingSet set) {
        long now = System.currentTimeMillis();
        List<byte[]> values = new ArrayList<>(set.size());
        for (Version v : set.versions()) {
            values.add(v.isTombstone() || v.isExpiredAt(now) ? null
                    : v.type() == Counters.TYPE ? Counters.decode(v.value()).display() : v.value());
        }
        return new Siblings(ContextCodec.toClient(set.clock()), values);
    }

    // ---- writes

    @Override
    public void put(int db, byte[] key, Entry entry) {
        byte[] sk = LocalReplica.storageKey(db, key);
        byte type = entry.type().id();
        // a plain SET does not read the key first; what it replaces is only known if the command read it
        SiblingSet[] seen = scopes.get().open ? scopes.get().find(sk) : null;
        if (seen != null && entry.type() == ValueType.STRING) {
            elements.beforeStringWrite(sk, seen[0], System.currentTimeMillis());
        }
        write(sk, contextSeen(sk), entry.expireAt(), type, entry.value());
    }

    @Override
    public boolean delete(int db, byte[] key) {
        SiblingSet set = readSet(db, key);
        if (set == null) {
            return false;
        }
        long now = System.currentTimeMillis();
        if (RingElements.holdsCollection(set)) {
            elements.removeAll(LocalReplica.storageKey(db, key), Long.MAX_VALUE);
        }
        Version v = RingElements.readWinner(set, now);
        boolean existed = !v.isTombstone() && !v.isExpiredAt(now);
        // a delete supersedes every live version read, also the siblings of a winner that is itself a
        // delete, so that a value written concurrently with an earlier delete does not linger
        if (existed || hasLiveVersion(set, now)) {
            write(db, key, set.clock(), Version.NO_EXPIRY, ValueType.STRING.id(), null);
        }
        return existed;
    }

    private static boolean hasLiveVersion(SiblingSet set, long now) {
        for (Version v : set.versions()) {
            if (!v.isTombstone() && !v.isExpiredAt(now)) {
                return true;
            }
        }
        return false;
    }

    /** INCR and friends: an increment of a per-replica counter (see {@link Counters}). */
    @Override
    public void increment(int db, byte[] key, Entry after, java.math.BigDecimal before, java.math.BigDecimal delta,
                          CounterKind kind) {
        byte[] sk = LocalReplica.storageKey(db, key);
        SiblingSet seen = readSet(sk);
        long now = System.currentTimeMillis();
        Version winner = seen == null ? null : RingElements.readWinner(seen, now);
        if (winner != null && winner.isExpiredAt(now)) {
            winner = null;
        }
        write(sk, seen == null ? VersionVector.EMPTY : seen.clock(), after.expireAt(), Counters.OP,
                Counters.op(seen, winner, kind, before, delta, after.value()));
    }

    @Override
    public void incrementElement(int db, byte[] key, byte[] element, byte[] after, java.math.BigDecimal before,
                                 java.math.BigDecimal delta, CounterKind kind) {
        elements.increment(db, key, element, after, before, delta, kind);
    }

    // ---- elements of collections ({@link RingElements})

    @Override
    public byte[] element(int db, byte[] key, byte[] element) {
        return elements.get(db, key, element);
    }

    @Override
    public void putElement(int db, byte[] key, byte[] element, byte[] value) {
        elements.put(db, key, element, value);
    }

    @Override
    public void insertElement(int db, byte[] key, byte[] element, byte[] value) {
        elements.insert(db, key, element, value);
    }

    @Override
    public boolean removeElement(int db, byte[] key, byte[] element) {
        return elements.remove(db, key, element);
    }

    @Override
    public void elements(int db, byte[] key, byte[] from, byte[] to, ElementVisitor visitor) {
        elements.walk(db, key, from, to, visitor);
    }

    @Override
    public boolean replicated() {
        return true;
    }

    @Override
    public void clearLeftovers(int db, byte[] key) {
        byte[] sk = LocalReplica.storageKey(db, key);
        SiblingSet old = readSet(sk);
        if (old != null) {
            elements.clearLeftovers(sk, old, System.currentTimeMillis());
        }
    }

    @Override
    public void elementValues(int db, byte[] key, ElementValuesVisitor visitor) {
        elements.walkValues(db, key, visitor);
    }

    /** A quorum range read within {@code slot}, at the command's R. */
    RangeRead rangeRead(int slot) {
        aboutToWait();
        List<RingMember> replicas = ring().preferenceList(slot);
        int r = readQuorum(replicas.size());
        return new RangeRead(withStandIns(slot, replicas, r), replicas, self, transfers.ready(slot), r, replica, this,
                timeout, background, readRepairs::incrementAndGet);
    }

    /** Remembers a set the command read through a range, so a later write of it supersedes it. */
    void remember(byte[] sk, SiblingSet set) {
        scopes.get().remember(sk, set);
    }

    @Override
    public void putWithContext(int db, byte[] key, Entry entry, byte[] context) {
        VersionVector ctx = ContextCodec.fromClient(context);
        if (entry == null) {
            write(db, key, ctx, Version.NO_EXPIRY, ValueType.STRING.id(), null);
        } else {
            write(db, key, ctx, entry.expireAt(), entry.type().id(), entry.value());
        }
    }

    /** The clock of what the current command read of {@code key}, or null (use the coordinator's). */
    private VersionVector contextSeen(int db, byte[] key) {
        return contextSeen(LocalReplica.storageKey(db, key));
    }

    /** The clock of what the current command read of a storage key, or null (use the coordinator's). */
    VersionVector contextSeen(byte[] sk) {
        Scope s = scopes.get();
        if (!s.open) {
            return null;
        }
        SiblingSet[] seen = s.find(sk);
        if (seen == null) {
            return null;
        }
        return seen[0] == null ? VersionVector.EMPTY : seen[0].clock();
    }

    private void write(int db, byte[] key, VersionVector context, long expireAt, byte type, byte[] value) {
        write(LocalReplica.storageKey(db, key), context, expireAt, type, value);
    }

    /** Writes a new version of a storage key (a key's or an element's) at W, through a replica. */
    void write(byte[] sk, VersionVector context, long expireAt, byte type, byte[] value) {
        List<RingMember> prefs = ring().preferenceList(kvstore.storage.StorageKey.slot(sk));
        int w = writeQuorum(prefs.size());
        ReplicaMessages.Write write = new ReplicaMessages.Write(sk, context, w, expireAt, type, value);
        commandLocks.changed(LocalReplica.stripeOf(sk)); // see Keyspace#writesThrough
        Scope s = scopes.get();
        // deferred only where this node's copy is read first: the connection's next command sees it
        boolean defer = s.open && s.pace != Pace.WAIT && prefs.contains(self)
                && transfers.ready(kvstore.storage.StorageKey.slot(sk));
        if (!defer) {
            aboutToWait();
        }
        s.wrote = true;
        SiblingSet written;
        if (prefs.contains(self)) {
            java.util.concurrent.atomic.AtomicInteger acks = new java.util.concurrent.atomic.AtomicInteger();
            Coordinated c = coordinate(write, acks);
            CompletableFuture<SiblingSet> acked = c.acked();
            if (defer && !acked.isDone()) {
                written = c.written();
                s.unacknowledged.add(acked.whenComplete((x, e) -> {
                    if (e != null) {
                        writeFailures.incrementAndGet();
                    }
                }));
            } else {
                written = await(acked, timeout.toMillis() + 100, w, acks);
            }
        } else {
            written = forward(write, prefs);
        }
        s.remember(sk, written);
    }

    private SiblingSet await(CompletableFuture<SiblingSet> f, long ms, int w, java.util.concurrent.atomic.AtomicInteger acks) {
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("NOREPLICAS Not enough good replicas to write. (interrupted)");
        } catch (ExecutionException e) {
            writeFailures.incrementAndGet();
            throw e.getCause() instanceof UnavailableException u ? u
                    : new UnavailableException("NOREPLICAS Not enough good replicas to write. (" + e.getCause() + ")");
        } catch (TimeoutException e) {
            writeFailures.incrementAndGet();
            throw new UnavailableException("NOREPLICAS Not enough good replicas to write. (answered: " + acks.get() + " of " + w + ")");
        }
    }

    /**
     * Coordinates a write on this node, a replica of the key: stores the new version, replicates it
     * and completes with the written set after W acknowledgements.
     */
    CompletableFuture<SiblingSet> coordinate(ReplicaMessages.Write write) {
        return coordinate(write, new java.util.concurrent.atomic.AtomicInteger()).acked();
    }

    /** A write stored here: the set now held, and what completes with it at W acknowledgements. */
    private record Coordinated(SiblingSet written, CompletableFuture<SiblingSet> acked) {
    }

    /** As {@link #coordinate(ReplicaMessages.Write)}, counting acknowledgements in {@code acks}. */
    private Coordinated coordinate(ReplicaMessages.Write write, java.util.concurrent.atomic.AtomicInteger acks) {
        byte[] sk = write.sk();
        List<RingMember> prefs = ring().preferenceList(kvstore.storage.StorageKey.slot(sk));
        int w = Math.max(1, Math.min(write.w(), prefs.size()));
        SiblingSet next = replica.write(sk, write.context(), write.expireAt(), write.type(), write.value());
        acks.set(1);
        CompletableFuture<SiblingSet> result = new CompletableFuture<>();
        if (w == 1) {
            result.complete(next);
        }
        int others = prefs.size() - 1;
        if (others == 0) {
            return new Coordinated(next, result);
        }
        byte[] payload = ReplicaMessages.merge(sk, next);
        int[] counts = {1, 0}; // acks (this node's included), failures
        java.util.function.BiConsumer<Object, Throwable> answered = (x, e) -> {
            boolean succeed = false;
            boolean fail = false;
            int acked;
            synchronized (counts) {
                if (e == null) {
                    counts[0]++;
                    acks.set(counts[0]);
                    succeed = counts[0] == w;
                } else {
                    counts[1]++;
                }
                // fail once every replica has answered or timed out, so the error counts them all
                if (counts[0] + counts[1] == prefs.size() && counts[0] < w) {
                    fail = true;
                }
                acked = counts[0];
            }
            if (succeed) {
                result.complete(next);
            } else if (fail) {
                result.completeExceptionally(new UnavailableException(
                        "NOREPLICAS Not enough good replicas to write. (answered: " + acked + " of " + w + ")"));
            }
        };
        List<RingMember> fallbacks = null;
        for (RingMember m : prefs) {
            if (m.equals(self)) {
                continue;
            }
            if (!isUp(m)) {
                // the replica is down: a hint here for it, and with a sloppy quorum one on the next
                // healthy node beyond the preference list, whose acknowledgement counts toward W
                handoff.hint(m.name(), sk, next, false);
                if (fallbacks == null) {
                    fallbacks = sloppyQuorum ? liveFallbacks(kvstore.storage.StorageKey.slot(sk)) : new ArrayList<>();
                }
                if (fallbacks.isEmpty()) {
                    answered.accept(null, new PeerUnavailableException(m.name(), "down"));
                } else {
                    RingMember f = fallbacks.remove(0);
                    request(f, ReplicaMessages.HINT, ReplicaMessages.hint(m.name(), payload), timeout)
                            .whenComplete(answered);
                }
                continue;
            }
            request(m, ReplicaMessages.MERGE, payload, timeout).whenComplete((x, e) -> {
                if (e != null) { // handed over once it answers again
                    background.execute(() -> handoff.hint(m.name(), sk, next, false));
                }
                answered.accept(x, e);
            });
        }
        return new Coordinated(next, result);
    }

    /** The live nodes beyond the preference list of {@code slot}, clockwise (sloppy quorum). */
    private List<RingMember> liveFallbacks(int slot) {
        List<RingMember> out = new ArrayList<>();
        for (RingMember m : ring().fallbacks(slot)) {
            if (isUp(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Hands a write to the first replica of the key that answers. */
    private SiblingSet forward(ReplicaMessages.Write write, List<RingMember> prefs) {
        forwardedWrites.incrementAndGet();
        byte[] payload = write.encode();
        Duration wait = timeout.multipliedBy(2);
        List<RingMember> order = new ArrayList<>(prefs);
        order.sort(java.util.Comparator.comparing(m -> !isUp(m))); // live replicas first
        for (RingMember m : order) {
            byte[] answer;
            try {
                answer = transport.request(m.name(), ReplicaMessages.COORDINATE, payload, wait)
                        .get(wait.toMillis() + 100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("NOREPLICAS Not enough good replicas to write. (interrupted)");
            } catch (ExecutionException | TimeoutException e) {
                continue; // try the next replica
            }
            if (answer.length > 0 && answer[0] == 0) {
                return SiblingSetCodec.read(ByteBuffer.wrap(answer, 1, answer.length - 1));
            }
            writeFailures.incrementAndGet();
            throw new UnavailableException(new String(answer, 1, answer.length - 1, StandardCharsets.UTF_8));
        }
        writeFailures.incrementAndGet();
        throw new UnavailableException("NOREPLICAS Not enough good replicas to write. (answered: 0 of "
                + write.w() + ")");
    }

    /** False if the failure detector has convicted {@code m}. */
    boolean isUp(RingMember m) {
        return m.equals(self) || gossiper.isUp(m.name());
    }

    /** A request to a peer; fails at once, without waiting for the timeout, if the peer is down. */
    CompletableFuture<byte[]> request(RingMember m, int type, byte[] payload, Duration wait) {
        return isUp(m) ? transport.request(m.name(), type, payload, wait)
                : CompletableFuture.failedFuture(new PeerUnavailableException(m.name(), "down"));
    }

    /** As {@link #request(RingMember, int, byte[], Duration)}, running {@code onSlow} if no answer came within {@code slowMs}. */
    CompletableFuture<byte[]> request(RingMember m, int type, byte[] payload, long slowMs, Runnable onSlow) {
        return isUp(m) ? transport.request(m.name(), type, payload, timeout, Duration.ofMillis(slowMs), onSlow)
                : CompletableFuture.failedFuture(new PeerUnavailableException(m.name(), "down"));
    }

    // ---- keyspace-wide views

    public int expireCycle(long budgetNanos) {
        return replica.expireCycle(budgetNanos);
    }

    /** True if this node is a replica of every slot (N = number of nodes): its own views are complete. */
    private boolean holdsEverything() {
        return ring().replicationFactor() == ring().members().size();
    }

    /**
     * DBSIZE: this node's count when it holds every slot; otherwise an estimate, the sum of every
     * node's count divided by N (exact when every replica holds every key it should; nodes that do
     * not answer in time are left out).
     */
    @Override
    public long size(int db) {
        if (holdsEverything()) {
            return replica.size(db);
        }
        aboutToWait();
        long sum = replica.size(db);
        byte[] payload = ByteBuffer.allocate(4).putInt(db).array();
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (RingMember m : ring().members()) {
            if (!m.equals(self)) {
                answers.add(request(m, ReplicaMessages.SIZE, payload, timeout));
            }
        }
        for (CompletableFuture<byte[]> f : answers) {
            try {
                sum += ByteBuffer.wrap(f.get(timeout.toMillis() + 50, TimeUnit.MILLISECONDS)).getLong();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                // left out of the estimate
            }
        }
        return Math.round((double) sum / ring().replicationFactor());
    }

    @Override
    public long expiresCount(int db) {
        return replica.expiresCount(db);
    }

    @Override
    public long averageTtl(int db) {
        return replica.averageTtl(db);
    }

    /**
     * SCAN over the ring: the cursor is a slot. Each owner's slot range is read from one replica of it
     * (this node when it is one, else the first that answers), so a key its other replicas hold but
     * that one missed may be skipped (a read at R=1).
     */
    @Override
    public ScanPage scan(int db, long cursor, int count) {
        aboutToWait();
        List<byte[]> keys = new ArrayList<>();
        if (holdsEverything()) {
            return new ScanPage(replica.scan(db, cursor, count, keys), keys);
        }
        int slot = (int) cursor;
        while (slot < KeySlot.SLOTS && keys.size() < count) {
            int end = ring().slotRange(ring().owner(slot).name())[1] + 1;
            slot = scanRange(db, slot, end, count, keys);
        }
        return new ScanPage(slot >= KeySlot.SLOTS ? 0 : slot, keys);
    }

    /** Keys of slots [from, to) (one owner's range) from one replica; returns the slot to go on from. */
    private int scanRange(int db, int from, int to, int count, List<byte[]> keys) {
        List<RingMember> prefs = ring().preferenceList(from);
        if (prefs.contains(self)) {
            return replica.scanRange(db, from, to, count, keys);
        }
        byte[] payload = ByteBuffer.allocate(16).putInt(db).putInt(from).putInt(to).putInt(count - keys.size()).array();
        for (RingMember m : prefs) {
            try {
                ByteBuffer b = ByteBuffer.wrap(request(m, ReplicaMessages.SCAN, payload, timeout)
                        .get(timeout.toMillis() + 50, TimeUnit.MILLISECONDS));
                int next = b.getInt();
                int n = b.getInt();
                for (int i = 0; i < n; i++) {
                    keys.add(ReplicaMessages.bytes(b, b.getInt()));
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
            }
        }
        throw new UnavailableException("NOREPLICAS Not enough good replicas to read. (answered: 0 of 1)");
    }

    @Override
    public void forEachKey(int db, Consumer<byte[]> action) {
        aboutToWait();
        if (holdsEverything()) {
            replica.forEachKey(db, action);
            return;
        }
        long cursor = 0;
        do {
            ScanPage page = scan(db, cursor, 1000);
            page.keys().forEach(action);
            cursor = page.cursor();
        } while (cursor != 0);
    }

    @Override
    public byte[] randomKey(int db) {
        aboutToWait();
        if (holdsEverything()) {
            return replica.randomKey(db);
        }
        // from a random slot to the end, then from the start: the first key found
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(KeySlot.SLOTS);
        for (int[] span : new int[][] {{start, KeySlot.SLOTS}, {0, start}}) {
            int slot = span[0];
            List<byte[]> keys = new ArrayList<>(1);
            while (slot < span[1] && keys.isEmpty()) {
                int end = Math.min(span[1], ring().slotRange(ring().owner(slot).name())[1] + 1);
                slot = scanRange(db, slot, end, 1, keys);
            }
            if (!keys.isEmpty()) {
                return keys.get(0);
            }
        }
        return null;
    }

    /** FLUSHDB/FLUSHALL: deletes, through the ring, every key a walk of the ring finds. */
    @Override
    public void flush(int db) {
        aboutToWait();
        // not remembered in the command's scope (it may be huge)
        Scope s = scopes.get();
        boolean open = s.open;
        s.open = false;
        try {
            if (holdsEverything()) {
                for (byte[] key : replica.storedKeys(db)) {
                    delete(db, key);
                }
                return;
            }
            List<byte[]> all = new ArrayList<>();
            forEachKey(db, all::add);
            for (byte[] key : all) {
                delete(db, key);
            }
        } finally {
            s.open = open;
        }
    }

    @Override
    public void sync() {
        replica.sync();
    }

    @Override
    public KeyLocks locks() {
        return commandLocks;
    }

    @Override
    public void setActiveExpire(boolean enabled) {
        replica.setActiveExpire(enabled);
    }

    @Override
    public long expiredKeys() {
        return replica.expiredKeys();
    }

    @Override
    public long actorId() {
        return replica.actor();
    }

    // ---- topology

    @Override
    public String nodeName() {
        return self.name();
    }

    @Override
    public Ring ring() {
        return membership.ring();
    }

    @Override
    public int defaultReadQuorum() {
        return defaultR;
    }

    @Override
    public int defaultWriteQuorum() {
        return defaultW;
    }

    @Override
    public String state(String member) {
        return member.equals(self.name()) ? "myself" : gossiper.isUp(member) ? "up" : "down";
    }

    @Override
    public boolean linked(String member) {
        kvstore.transport.PeerMetrics m = transport.metrics(member);
        return m != null && m.connected();
    }

    @Override
    public double phi(String member) {
        return gossiper.phi(member);
    }

    // ---- membership changes ({@link MembershipChanges})

    @Override
    public String join() {
        aboutToWait();
        return membershipChanges.join();
    }

    /** A member's side of a join (the JOIN message). */
    byte[] admit(String spec) {
        return membershipChanges.admit(spec);
    }

    @Override
    public String leave() {
        aboutToWait();
        return membershipChanges.leave();
    }

    @Override
    public String forget(String node) {
        aboutToWait();
        return membershipChanges.forget(node);
    }

    @Override
    public int slotsReceiving() {
        return transfers.pending();
    }

    @Override
    public String repair(int slot) {
        aboutToWait();
        AntiEntropy.Result r = antiEntropy.repairAll(slot);
        return "slots compared: " + r.slotsCompared() + ", differing: " + r.slotsDiffering() + ", entries repaired: "
                + r.entriesRepaired() + ", bytes: " + r.bytes();
    }

    @Override
    public boolean setLinkCut(String peer, boolean cut) {
        if (peer.equals(self.name()) || ring().member(peer) == null) {
            return false;
        }
        if (cut) {
            transport.faults().drop(peer);
        } else {
            transport.faults().heal(peer);
        }
        return true;
    }

    @Override
    public List<String> infoFields() {
        List<String> out = new ArrayList<>(List.of("ring_read_repairs:" + readRepairs.get(),
                "ring_forwarded_writes:" + forwardedWrites.get(),
                "ring_read_quorum_failures:" + readFailures.get(),
                "ring_write_quorum_failures:" + writeFailures.get(),
                "ring_sloppy_quorum:" + (sloppyQuorum ? "yes" : "no"),
                "ring_membership_version:" + membership.version(),
                "ring_slots_receiving:" + transfers.pending(),
                "ring_slots_releasing:" + transfers.releasing()));
        out.addAll(handoff.infoFields());
        out.addAll(antiEntropy.infoFields());
        return out;
    }

    @Override
    public void endOfBatch() {
        replica.flushWrites();
    }

    @Override
    public java.util.Map<String, String> storageInfo() {
        return replica.engineInfo();
    }
}
