package kvstore.command;

import java.util.List;

/**
 * What server-level commands (CLIENT, INFO, SHUTDOWN, ...) may ask of the network server that runs
 * them. The server package implements it; commands never see Netty.
 */
public interface ServerControl {
    /** The port clients connect to. */
    int tcpPort();

    int connectedClients();

    /** CLIENT LIST lines (without the trailing newline) of every connection, in connection order. */
    List<String> clientList();

    /** The CLIENT INFO line of {@code session}. */
    String clientInfo(Session session);

    /** Closes the connection with {@code id} after its current reply; false if there is none. */
    boolean killClient(long id);

    /** The connection ids whose peer address ("ip:port") is {@code address}. */
    List<Long> clientsWithAddress(String address);

    /** Stops accepting work and exits the process once the current replies are written. */
    void shutdown();
}
