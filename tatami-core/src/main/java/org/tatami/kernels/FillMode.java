package org.tatami.kernels;

import java.util.Locale;

/**
 * How an image is extended beyond its edges when a transform reads outside it, as Keras's
 * {@code fill_mode}: for the row {@code a b c d}, reflect reads {@code (d c b a | a b c d | d c b a)},
 * wrap {@code (a b c d | a b c d | a b c d)}, nearest {@code (a a a a | a b c d | d d d d)} and
 * constant {@code (k k k k | a b c d | k k k k)} with the fill value k.
 */
public enum FillMode {
    REFLECT, WRAP, CONSTANT, NEAREST;

    /** Keras's name: {@code reflect}, {@code wrap}, {@code constant} or {@code nearest}. */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of a Keras name. */
    public static FillMode of(String name) {
        for (FillMode m : values()) {
            if (m.kerasName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fill_mode '" + name + "': expected reflect, wrap, constant or"
                + " nearest");
    }

    /** The index that index {@code i} (any integer) reads on an axis of length {@code n}, or -1 for the fill value. */
    int map(int i, int n) {
        if (i >= 0 && i < n) {
            return i;
        }
        return switch (this) {
            case REFLECT -> {
                // Mirrored about the outer edge of the last pixel: a period of 2n, the second half reversed.
                int m = Math.floorMod(i, 2 * n);
                yield m < n ? m : 2 * n - 1 - m;
            }
            case WRAP -> Math.floorMod(i, n);
            case NEAREST -> i < 0 ? 0 : n - 1;
            case CONSTANT -> -1;
        };
    }
}
