package kvstore.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments as Redis's sdssplitargs does, for inline commands and config files:
 * words separated by white space, "double quotes" with \n \r \t \b \a \xHH and \c escapes, and
 * 'single quotes' with only \' escaped. A closing quote must be followed by white space or the end.
 */
public final class SplitArgs {
    private SplitArgs() {
    }

    /** The arguments of {@code line[from, to)}, or null if the quotes are unbalanced. */
    public static List<byte[]> split(byte[] line, int from, int to) {
        List<byte[]> args = new ArrayList<>();
        int p = from;
        while (true) {
            while (p < to && isSpace(line[p])) {
                p++;
            }
            if (p >= to) {
                return args;
            }
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (p >= to) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 3 < to && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
                        cur.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
                        p += 3;
                    } else if (c == '\\' && p + 1 < to) {
                        p++;
                        byte e = line[p];
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (p + 1 < to && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (inSingle) {
                    if (p >= to) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 1 < to && line[p + 1] == '\'') {
                        p++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (p + 1 < to && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (p >= to) {
                        done = true;
                        continue;
                    }
                    byte c = line[p];
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inDouble = true;
                    } else if (c == '\'') {
                        inSingle = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (p < to) {
                    p++;
                }
            }
            args.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
