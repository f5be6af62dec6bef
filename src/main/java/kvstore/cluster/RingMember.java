package kvstore.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One node of a statically configured ring, as listed in {@code cluster-nodes}:
 * {@code name@host:port[:rack[:weight[:busport]]]}. The bus port defaults to the client port + 10000,
 * the rack to none ("") and the weight to 1. Host is a name or an IPv4 address.
 */
public record RingMember(String name, String host, int port, int busPort, String rack, int weight) {

    public RingMember {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty node name");
        }
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight of node " + name + " must be between 1 and 1000");
        }
        if (port < 0 || port > 65535 || busPort < 0 || busPort > 65535) {
            throw new IllegalArgumentException("port of node " + name + " out of range");
        }
    }

    /** Parses a whitespace- or comma-separated list of entries; names must be unique. */
    public static List<RingMember> parseList(String spec) {
        List<RingMember> out = new ArrayList<>();
        for (String entry : spec.trim().split("[\\s,]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            RingMember m = parse(entry);
            for (RingMember o : out) {
                if (o.name.equals(m.name)) {
                    throw new IllegalArgumentException("node " + m.name + " is listed twice");
                }
            }
            out.add(m);
        }
        return out;
    }

    public static RingMember parse(String entry) {
        int at = entry.indexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("'" + entry + "' is not name@host:port[:rack[:weight[:busport]]]");
        }
        String[] f = entry.substring(at + 1).split(":", -1);
        if (f.length < 2 || f.length > 5 || f[0].isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "' is not name@host:port[:rack[:weight[:busport]]]");
        }
        try {
            int port = Integer.parseInt(f[1]);
            String rack = f.length > 2 ? f[2] : "";
            int weight = f.length > 3 && !f[3].isEmpty() ? Integer.parseInt(f[3]) : 1;
            int bus = f.length > 4 && !f[4].isEmpty() ? Integer.parseInt(f[4]) : port + 10000;
            return new RingMember(entry.substring(0, at), f[0], port, bus, rack, weight);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + entry + "': port, weight and bus port must be integers");
        }
    }

    /** The entry in the form {@link #parse} reads. */
    public String spec() {
        return name + "@" + host + ":" + port + ":" + rack + ":" + weight + ":" + busPort;
    }
}
