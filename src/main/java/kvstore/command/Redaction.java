package kvstore.command;

import java.nio.charset.StandardCharsets;

/** Replaces secrets in a request with "(redacted)" before MONITOR or SLOWLOG show it, as Redis 7 does. */
public final class Redaction {
    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private Redaction() {
    }

    /** {@code argv} itself when it holds no secret, else a redacted copy. */
    public static byte[][] redact(byte[][] argv) {
        if (argv.length >= 2 && Args.is(argv[0], "auth")) {
            byte[][] out = argv.clone();
            for (int i = 1; i < out.length && i <= 2; i++) {
                out[i] = REDACTED;
            }
            return out;
        }
        if (argv.length < 3 || !Args.is(argv[0], "hello")) {
            return argv;
        }
        byte[][] out = argv.clone();
        for (int i = 2; i < out.length; i++) {
            int more = out.length - 1 - i;
            if (Args.is(out[i], "auth") && more >= 2) {
                out[i + 1] = REDACTED;
                out[i + 2] = REDACTED;
                i += 2;
            } else if (Args.is(out[i], "setname") && more >= 1) {
                i++;
            } else {
                break;
            }
        }
        return out;
    }
}
