package org.tatami.serve;

import java.util.Arrays;

/**
 * A tensor written as JSON: a number, or lists nested to any depth (rectangular), read into one float
 * array in row-major order with its shape. Every element must be a finite float32 number; the message
 * of a refusal names the element ({@code instances[0][3][4][0] is NaN}).
 */
final class TensorReader {
    private static final int MAX_RANK = 16;

    private float[] data = new float[1024];
    private int size;
    /** The length of the lists at each depth, as the first complete list there found it; -1 before. */
    private final int[] dims = new int[MAX_RANK];
    private final int[] index = new int[MAX_RANK];
    /** The depth of the numbers, -1 until the first one. */
    private int leafDepth = -1;
    private int rankSeen;

    /** Reads one tensor; {@code field} names it in messages. Several calls append in order. */
    void read(JsonCursor in, String field) {
        value(in, field, 0);
    }

    /** Forgets the shape (not the data) before the next tensor of a list of tensors of one shape each. */
    void nextTensor() {
        Arrays.fill(dims, -1);
        leafDepth = -1;
        rankSeen = 0;
    }

    TensorReader() {
        nextTensor();
    }

    private void value(JsonCursor in, String field, int depth) {
        if (in.peek() == '[') {
            if (depth == MAX_RANK) {
                throw HttpError.badRequest(field + " is nested deeper than " + MAX_RANK + " lists");
            }
            in.consume('[');
            rankSeen = Math.max(rankSeen, depth + 1);
            int n = 0;
            if (!in.consume(']')) {
                do {
                    index[depth] = n;
                    value(in, field, depth + 1);
                    n++;
                } while (in.consume(','));
                if (!in.consume(']')) {
                    throw in.error("expected ']' or ',' in the list " + path(field, depth));
                }
            }
            if (leafDepth >= 0 && depth >= leafDepth) {
                throw HttpError.badRequest(path(field, depth) + " is a list where the first elements are numbers:"
                        + " the nested lists must be rectangular");
            }
            if (dims[depth] < 0) {
                dims[depth] = n;
            } else if (dims[depth] != n) {
                throw HttpError.badRequest(path(field, depth) + " has " + n + " elements where the lists before it at"
                        + " that depth have " + dims[depth] + ": the nested lists must be rectangular");
            }
            return;
        }
        if (leafDepth < 0) {
            leafDepth = depth;
        } else if (leafDepth != depth) {
            throw HttpError.badRequest(path(field, depth) + " is a number where the first elements are lists:"
                    + " the nested lists must be rectangular");
        }
        float v = in.float32(field);
        if (!Float.isFinite(v)) {
            throw HttpError.badRequest(path(field, depth) + " is " + JsonCursor.describe(v)
                    + ": inputs must be finite float32 numbers");
        }
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    private String path(String field, int depth) {
        StringBuilder s = new StringBuilder(field);
        for (int d = 0; d < depth; d++) {
            s.append('[').append(index[d]).append(']');
        }
        return s.toString();
    }

    /** The shape of the last tensor read ([] for a number); an empty list has a 0 in its shape. */
    int[] shape() {
        int rank = leafDepth >= 0 ? leafDepth : rankSeen;
        int[] s = new int[rank];
        for (int d = 0; d < rank; d++) {
            s[d] = Math.max(0, dims[d]);
        }
        return s;
    }

    /** The elements read so far, in order. */
    float[] data() {
        return data.length == size ? data : Arrays.copyOf(data, size);
    }

    int size() {
        return size;
    }
}
