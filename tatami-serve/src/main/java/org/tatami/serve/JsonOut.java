package org.tatami.serve;

import java.nio.charset.StandardCharsets;

/** Writes the JSON of answers on the hot path (tensors of floats), without a tree of objects in between. */
final class JsonOut {
    private final StringBuilder s = new StringBuilder(256);

    JsonOut raw(String text) {
        s.append(text);
        return this;
    }

    JsonOut string(String text) {
        s.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
        return this;
    }

    /** A float32 in its shortest decimal form; JSON has no NaN or infinity, so those are null. */
    JsonOut number(float v) {
        if (Float.isFinite(v)) {
            s.append(v);
        } else {
            s.append("null");
        }
        return this;
    }

    JsonOut number(long v) {
        s.append(v);
        return this;
    }

    /** {@code values} from {@code offset} as lists nested by {@code shape} (a number for shape []). */
    JsonOut tensor(float[] values, int offset, int[] shape) {
        nested(values, offset, shape, 0);
        return this;
    }

    private int nested(float[] values, int at, int[] shape, int depth) {
        if (depth == shape.length) {
            number(values[at]);
            return at + 1;
        }
        s.append('[');
        for (int i = 0; i < shape[depth]; i++) {
            if (i > 0) {
                s.append(',');
            }
            at = nested(values, at, shape, depth + 1);
        }
        s.append(']');
        return at;
    }

    /** {@code n} values from {@code offset} as one flat list. */
    JsonOut flat(float[] values, int offset, int n) {
        s.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            number(values[offset + i]);
        }
        s.append(']');
        return this;
    }

    JsonOut shape(int[] shape) {
        s.append('[');
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(shape[i]);
        }
        s.append(']');
        return this;
    }

    byte[] bytes() {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"error": message}}, the error body of both protocols. */
    static byte[] error(String message) {
        return new JsonOut().raw("{\"error\":").string(message).raw("}").bytes();
    }
}
