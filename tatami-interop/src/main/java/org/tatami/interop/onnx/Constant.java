package org.tatami.interop.onnx;

import java.util.Arrays;
import org.tatami.tensor.Shape;

/**
 * A tensor whose value is known when the file is read (an initializer, a Constant node, or a value
 * folded from them): float weights, or integers such as a Reshape's target shape. Exactly one of
 * {@code floats} and {@code longs} is set.
 */
record Constant(int[] shape, float[] floats, long[] longs) {

    static Constant ofFloats(int[] shape, float[] values) {
        return new Constant(shape, values, null);
    }

    static Constant ofLongs(int[] shape, long[] values) {
        return new Constant(shape, null, values);
    }

    int rank() {
        return shape.length;
    }

    int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** The float values, or an exception naming {@code what} needs them. */
    float[] floats(String what) throws OnnxFormatException {
        if (floats == null) {
            throw new OnnxFormatException(what + " must be a float tensor, got integers of shape " + describeShape());
        }
        return floats;
    }

    /** The integer values, or an exception naming {@code what} needs them. */
    long[] longs(String what) throws OnnxFormatException {
        if (longs == null) {
            throw new OnnxFormatException(what + " must be an integer tensor, got floats of shape " + describeShape());
        }
        return longs;
    }

    /** The same values with another shape of the same size. */
    Constant reshape(int[] newShape) {
        return new Constant(newShape, floats, longs);
    }

    /** Element {@code i} of the source order moves to position {@code order[i]} of the result. */
    Constant permute(int[] newShape, int[] order) {
        if (floats != null) {
            float[] out = new float[floats.length];
            for (int i = 0; i < order.length; i++) {
                out[order[i]] = floats[i];
            }
            return ofFloats(newShape, out);
        }
        long[] out = new long[longs.length];
        for (int i = 0; i < order.length; i++) {
            out[order[i]] = longs[i];
        }
        return ofLongs(newShape, out);
    }

    String describeShape() {
        return Shape.toString(shape);
    }

    /** Values {@code from} to {@code to} (exclusive) of a vector. */
    Constant range(int from, int to) {
        int[] shape = {to - from};
        return floats != null ? ofFloats(shape, Arrays.copyOfRange(floats, from, to))
                : ofLongs(shape, Arrays.copyOfRange(longs, from, to));
    }

    /** This vector followed by {@code next}, of the same kind (floats or integers). */
    Constant append(Constant next, String node) throws OnnxFormatException {
        if ((floats == null) != (next.floats == null)) {
            throw new OnnxFormatException(node + ": joins float and integer values");
        }
        int[] shape = {size() + next.size()};
        if (floats != null) {
            float[] out = Arrays.copyOf(floats, shape[0]);
            System.arraycopy(next.floats, 0, out, floats.length, next.floats.length);
            return ofFloats(shape, out);
        }
        long[] out = Arrays.copyOf(longs, shape[0]);
        System.arraycopy(next.longs, 0, out, longs.length, next.longs.length);
        return ofLongs(shape, out);
    }
}
