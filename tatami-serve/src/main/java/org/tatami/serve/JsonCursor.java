package org.tatami.serve;

import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON request body byte by byte, numbers straight into floats: a body of a few thousand numbers is
 * read in microseconds, where building a tree of objects or decoding it into a String first costs several
 * times more than the model's answer. Strict: anything that is not JSON is a 400 naming the position.
 */
final class JsonCursor {
    /** Powers of ten exactly representable as doubles. */
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private final byte[] b;
    private final int end;
    private int pos;

    JsonCursor(byte[] body) {
        this.b = body;
        this.end = body.length;
    }

    /** The next byte that is not white space, without consuming it; 0 at the end. */
    int peek() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
            pos++;
        }
        return 0;
    }

    /** The first byte inside the list that comes next (a '[' must come next), without consuming anything. */
    int peekInside() {
        int at = pos;
        consume('[');
        int c = peek();
        pos = at;
        return c;
    }

    /** Consumes {@code c} if it comes next. */
    boolean consume(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c, String where) {
        if (!consume(c)) {
            throw error("expected '" + c + "' " + where);
        }
    }

    /** After the last value: nothing but white space may follow. */
    void expectEnd() {
        if (peek() != 0) {
            throw error("unexpected data after the JSON value");
        }
    }

    /**
     * The members of an object, one key at a time: call with the '{' next (or just read) and a member
     * read since; returns the next key with its ':' consumed, or null after the closing '}'.
     */
    String nextKey(boolean first, String where) {
        // Messages are built only for errors: this runs once per member of every request.
        if (first) {
            if (!consume('{')) {
                throw error("expected '{' at the start of " + where);
            }
            if (consume('}')) {
                return null;
            }
        } else if (!consume(',')) {
            if (!consume('}')) {
                throw error("expected '}' or ',' between the members of " + where);
            }
            return null;
        }
        String key = string(where);
        if (!consume(':')) {
            throw error("expected ':' after \"" + key + "\" in " + where);
        }
        return key;
    }

    /** A string; escapes are decoded. */
    String string(String where) {
        if (peek() != '"') {
            throw error("expected a string in " + where);
        }
        int start = ++pos;
        boolean escaped = false;
        while (pos < end && b[pos] != '"') {
            if (b[pos] == '\\') {
                escaped = true;
                pos++;
            }
            pos++;
        }
        if (pos >= end) {
            throw error("unterminated string in " + where);
        }
        String raw = new String(b, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return escaped ? unescape(raw, where) : raw;
    }

    private String unescape(String raw, String where) {
        StringBuilder s = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (i + 4 >= raw.length()) {
                        throw error("bad \\u escape in a string of " + where);
                    }
                    try {
                        s.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException bad) {
                        throw error("bad \\u escape in a string of " + where);
                    }
                    i += 4;
                }
                default -> throw error("bad escape '\\" + e + "' in a string of " + where);
            }
        }
        return s.toString();
    }

    /** A whole number (a shape's dimension, say). */
    long integer(String where) {
        int start = pos;
        double v = number(where);
        if (v != Math.rint(v) || Math.abs(v) > 1L << 53) {
            throw HttpError.badRequest(where + " must be a whole number, got "
                    + new String(b, start, pos - start, StandardCharsets.UTF_8).strip());
        }
        return (long) v;
    }

    /**
     * A number as a float32, rounded once from its decimal form (as {@link Float#parseFloat} does); also the
     * non-JSON tokens NaN, Infinity and -Infinity that some encoders write, and null, so that the caller can
     * say which element was not a finite number.
     */
    float float32(String where) {
        peek();
        int start = pos;
        boolean negative = pos < end && b[pos] == '-';
        int p = negative ? pos + 1 : pos;
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean fraction = false;
        boolean sawDigit = false;
        while (p < end) {
            byte c = b[p];
            if (c >= '0' && c <= '9') {
                sawDigit = true;
                if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                    if (fraction) {
                        scale--;
                    }
                } else if (!fraction) {
                    scale++;
                }
                p++;
            } else if (c == '.' && !fraction) {
                fraction = true;
                p++;
            } else {
                break;
            }
        }
        if (!sawDigit) {
            if (p != (negative ? pos + 1 : pos)) {
                throw error("malformed number in " + where);
            }
            return special(negative, where);
        }
        boolean exact = digits < 18;
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean negExp = p < end && b[p] == '-';
            if (p < end && (b[p] == '-' || b[p] == '+')) {
                p++;
            }
            int exp = 0;
            int expStart = p;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                exp = Math.min(exp * 10 + (b[p] - '0'), 100_000);
                p++;
            }
            if (p == expStart) {
                throw error("malformed number in " + where);
            }
            scale += negExp ? -exp : exp;
        }
        // The decimal as a double: exactly rounded when the digits fit 53 bits and the power of ten is exact,
        // else within a few units in the last place (the digits past 18 are dropped, two roundings). Rounding
        // that double to float gives the float nearest the decimal unless the double lies that close to the
        // midpoint between two floats, where the decimal may lie on either side: then the JDK decides.
        if (scale >= -22 && scale <= 22) {
            double d = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
            if (d == 0 || (d >= 0x1p-126 && d < 0x1p127)) {
                long distance = Math.abs((Double.doubleToRawLongBits(d) & 0x1FFF_FFFFL) - 0x1000_0000L);
                if (exact && mantissa < 1L << 53 ? distance != 0 : distance > 3) {
                    pos = p;
                    float f = (float) d;
                    return negative ? -f : f;
                }
            }
        }
        pos = p;
        String text = new String(b, start, p - start, StandardCharsets.US_ASCII);
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw error("malformed number '" + text + "' in " + where);
        }
    }

    private float special(boolean negative, String where) {
        int p = negative ? pos + 1 : pos;
        if (matches(p, "Infinity")) {
            pos = p + 8;
            return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        }
        if (!negative && matches(p, "NaN")) {
            pos = p + 3;
            return Float.NaN;
        }
        if (!negative && matches(p, "null")) {
            pos = p + 4;
            // Marked for the caller as a NaN with a payload of its own.
            return NULL;
        }
        throw error("expected a number in " + where);
    }

    /** What {@link #float32} returns for {@code null}: a NaN no arithmetic produces. */
    static final float NULL = Float.intBitsToFloat(0x7FC0_0BAD);

    static boolean isNull(float v) {
        return Float.floatToRawIntBits(v) == 0x7FC0_0BAD;
    }

    private double number(String where) {
        float f = float32(where);
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            throw HttpError.badRequest(where + " must be a number, got " + describe(f));
        }
        return f;
    }

    static String describe(float v) {
        return isNull(v) ? "null" : Float.toString(v);
    }

    private boolean matches(int p, String word) {
        if (p + word.length() > end) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[p + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Skips any JSON value (a member the server does not use). */
    void skipValue(String where) {
        int c = peek();
        if (c == '"') {
            string(where);
        } else if (c == '{') {
            for (String k = nextKey(true, where); k != null; k = nextKey(false, where)) {
                skipValue(where + "." + k);
            }
        } else if (c == '[') {
            pos++;
            if (!consume(']')) {
                do {
                    skipValue(where);
                } while (consume(','));
                expect(']', "or ',' in the list " + where);
            }
        } else if (matches(pos, "true")) {
            pos += 4;
        } else if (matches(pos, "false")) {
            pos += 5;
        } else {
            float32(where);
        }
    }

    HttpError error(String message) {
        return HttpError.badRequest("malformed JSON at byte " + pos + ": " + message);
    }
}
