package kvstore.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Every open client connection, by id (ids grow, so iteration is in connection order), and the monitors. */
final class ClientRegistry {
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentSkipListMap<Long, ClientConnection> clients = new ConcurrentSkipListMap<>();
    private final List<ClientConnection> monitors = new CopyOnWriteArrayList<>();

    long newId() {
        return nextId.getAndIncrement();
    }

    void add(ClientConnection c) {
        clients.put(c.id(), c);
    }

    void remove(ClientConnection c) {
        clients.remove(c.id());
        monitors.remove(c);
    }

    int size() {
        return clients.size();
    }

    ClientConnection get(long id) {
        return clients.get(id);
    }

    List<ClientConnection> all() {
        return new ArrayList<>(clients.values());
    }

    void addMonitor(ClientConnection c) {
        if (!monitors.contains(c)) {
            monitors.add(c);
        }
    }

    void removeMonitor(ClientConnection c) {
        monitors.remove(c);
    }

    List<ClientConnection> monitors() {
        return monitors;
    }
}
