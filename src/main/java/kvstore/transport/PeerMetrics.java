package kvstore.transport;

import java.net.InetSocketAddress;

/**
 * A snapshot of the transport's view of one peer, for INFO cluster.
 *
 * @param address          the configured bus address, or null for a peer that dialled in unannounced
 * @param connected        an authenticated connection is up
 * @param bytesIn          wire bytes received from the peer since this transport started
 * @param bytesOut         wire bytes sent to the peer
 * @param requestsInFlight requests sent to the peer and not yet answered
 * @param queuedBytes      bytes waiting to be written to the peer
 * @param connections      authenticated connections established so far
 * @param reconnects       connections established after an earlier one was lost
 * @param lastError        why the last dial or connection failed, or null
 */
public record PeerMetrics(String peer, InetSocketAddress address, boolean connected, long bytesIn, long bytesOut,
                          int requestsInFlight, long queuedBytes, long connections, long reconnects, String lastError) {
}
