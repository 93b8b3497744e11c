package org.tatami.tensor;

import java.util.Arrays;

/** Helpers for shapes: int arrays, row-major, batch first. */
public final class Shape {
    private Shape() {
    }

    /** Number of elements of a shape; fails on negative dimensions or overflow past int. */
    public static int size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    /** Keras's notation, e.g. {@code (None, 26, 26, 3)} for a batch-free shape {26, 26, 3}. */
    public static String withBatch(int[] shape) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : shape) {
            sb.append(", ").append(d);
        }
        return sb.append(')').toString();
    }

    /** NumPy's notation: {@code (60000, 28, 28)}, {@code (3,)}, {@code ()}. */
    public static String toString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** Resolves a single {@code -1} in a requested shape against an element count, as NumPy's reshape. */
    static int[] resolve(int[] requested, int size) {
        int[] shape = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("can only specify one unknown dimension (-1), got "
                            + toString(requested));
                }
                unknown = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + toString(requested));
            } else {
                known *= shape[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape array of size " + size + " into shape "
                        + toString(requested));
            }
            shape[unknown] = (int) (size / known);
        } else if (known != size) {
            throw new IllegalArgumentException("cannot reshape array of size " + size + " into shape "
                    + toString(requested));
        }
        return shape;
    }
}
