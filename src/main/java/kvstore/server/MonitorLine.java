package kvstore.server;

import io.netty.buffer.Unpooled;
import kvstore.resp.Resp;

import java.time.Instant;

/** Formats what MONITOR shows for one command: +1339518083.107412 [0 127.0.0.1:60866] "keys" "*". */
final class MonitorLine {
    private MonitorLine() {
    }

    /** Sends one executed command to every monitor, with secrets redacted as Redis redacts them. */
    static void feed(ClientRegistry registry, ClientConnection client, byte[][] argv) {
        String line = format(client.db(), client.address(), kvstore.command.Redaction.redact(argv));
        for (ClientConnection m : registry.monitors()) {
            m.channel().writeAndFlush(Unpooled.wrappedBuffer(Resp.latin1(line)));
        }
    }

    static String format(int db, String address, byte[][] argv) {
        Instant now = Instant.now();
        StringBuilder sb = new StringBuilder(64);
        sb.append('+').append(now.getEpochSecond()).append('.');
        String frac = Integer.toString(now.getNano() / 1000);
        sb.append("0".repeat(6 - frac.length())).append(frac);
        sb.append(" [").append(db).append(' ').append(address).append(']');
        for (byte[] a : argv) {
            sb.append(' ');
            repr(sb, a);
        }
        return sb.append("\r\n").toString();
    }

    /** Redis's sdscatrepr: a quoted string with C-style escapes for what is not printable. */
    static void repr(StringBuilder sb, byte[] a) {
        sb.append('"');
        for (byte x : a) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        sb.append('"');
    }
}
