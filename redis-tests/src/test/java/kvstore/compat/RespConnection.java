package kvstore.compat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A plain socket speaking RESP: sends commands as multibulk requests and reads raw replies. */
public final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespConnection(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static byte[] encode(List<byte[]> args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    public RespValue call(List<byte[]> args) throws IOException {
        send(encode(args));
        return RespValue.read(in);
    }

    public RespValue call(String... args) throws IOException {
        return call(java.util.Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.ISO_8859_1)).toList());
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public RespValue read() throws IOException {
        return RespValue.read(in);
    }

    /** Reads everything until the server closes the connection (bounded by the socket timeout). */
    public byte[] readUntilClosed() throws IOException {
        return in.readAllBytes();
    }

    /** Half-closes the connection: the server sees end of input, and may still reply. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
