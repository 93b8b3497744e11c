package org.tatami.layers;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tatami.tensor.Shape;

/**
 * A merge layer that combines its inputs value by value, with Keras's broadcasting: the inputs have
 * the same rank, and on each axis their sizes are equal or 1; the output takes the largest. (Keras 3
 * also takes inputs of lower rank, inserting axes of size 1 after the batch axis; not supported here.)
 *
 * <p>When all shapes are equal, forward and backward are flat loops over the arrays. Otherwise each
 * broadcast input is first expanded to the output's shape in scratch memory, and the gradient of a
 * broadcast input is summed over the axes it was repeated along.
 */
abstract class ElementWise extends Merge {
    /** Values per sample of the output. */
    private int outSize;
    /** Values per sample of each input. */
    private int[] inSizes;
    /**
     * For each input that is broadcast, the index within its sample that each output value reads (one
     * int per output value, so that expanding and summing need no index arithmetic); null for inputs of
     * the output's shape.
     */
    private int[][] sources;
    /** Whether some input is broadcast: the general path. */
    private boolean broadcasting;

    /** {@code out[j] = a[j] op b[j]} for {@code j < len}; {@code out} may be {@code a}. */
    abstract void combine(float[] a, float[] b, float[] out, int len);

    /** {@code out[j] = a[j] + b[j]}: Add's and Average's combination. */
    static void sum(float[] a, float[] b, float[] out, int len) {
        for (int j = 0; j < len; j++) {
            out[j] = a[j] + b[j];
        }
    }

    /** Completes the output once all inputs are combined (Average divides by their number). */
    void finish(float[] y, int len, int inputs) {
    }

    /**
     * Writes into {@code g} the gradient w.r.t. input {@code i}: {@code dy} times the derivative of the
     * output by that input, for arrays of the output's shape ({@code xs} are the inputs, expanded).
     */
    abstract void gradient(float[][] xs, int i, float[] dy, float[] g, int len);

    @Override
    final int[] mergedShape(int[][] shapes) {
        int rank = shapes[0].length;
        for (int[] s : shapes) {
            if (s.length != rank) {
                throw new IllegalArgumentException(label() + ": inputs must have the same rank, got "
                        + describe(shapes[0], s));
            }
        }
        int[] out = new int[rank];
        for (int axis = 0; axis < rank; axis++) {
            // The first input whose size on this axis is not 1 sets it; any other such size conflicts.
            int setBy = -1;
            for (int i = 0; i < shapes.length; i++) {
                int d = shapes[i][axis];
                if (d == 1) {
                    continue;
                }
                if (setBy < 0) {
                    setBy = i;
                } else if (d != shapes[setBy][axis]) {
                    throw new IllegalArgumentException(label() + ": inputs have incompatible shapes "
                            + describe(shapes[setBy], shapes[i]));
                }
            }
            out[axis] = setBy < 0 ? 1 : shapes[setBy][axis];
        }
        int[] sizes = new int[shapes.length];
        int[][] from = new int[shapes.length][];
        boolean any = false;
        for (int i = 0; i < shapes.length; i++) {
            sizes[i] = Shape.size(shapes[i]);
            if (!Arrays.equals(shapes[i], out)) {
                from[i] = sourceIndices(shapes[i], out);
                any = true;
            }
        }
        outSize = Shape.size(out);
        inSizes = sizes;
        sources = from;
        broadcasting = any;
        return out;
    }

    /** For each value of a sample of shape {@code out}, in row-major order, its index in {@code in}. */
    private static int[] sourceIndices(int[] in, int[] out) {
        int rank = out.length;
        // Strides of the input, 0 on the axes it is repeated along.
        int[] strides = new int[rank];
        for (int axis = rank - 1, s = 1; axis >= 0; s *= in[axis], axis--) {
            strides[axis] = in[axis] == 1 ? 0 : s;
        }
        int[] index = new int[Shape.size(out)];
        int[] position = new int[rank];
        int source = 0;
        for (int j = 0; j < index.length; j++) {
            index[j] = source;
            // Advance the position like an odometer, keeping the source index in step.
            for (int axis = rank - 1; axis >= 0; axis--) {
                source += strides[axis];
                if (++position[axis] < out[axis]) {
                    break;
                }
                source -= strides[axis] * out[axis];
                position[axis] = 0;
            }
        }
        return index;
    }

    /** Working memory of the broadcasting path: the inputs at the output's shape, and one gradient. */
    private record Scratch(float[][] views, float[][] expanded, float[] gradient) {
    }

    /** Null when no input is broadcast: the flat path needs no memory. */
    @Override
    public Object createScratch(int maxBatch) {
        requireBuilt();
        if (!broadcasting) {
            return null;
        }
        float[][] expanded = new float[sources.length][];
        for (int i = 0; i < sources.length; i++) {
            expanded[i] = sources[i] == null ? null : new float[maxBatch * outSize];
        }
        return new Scratch(new float[sources.length][], expanded, new float[maxBatch * outSize]);
    }

    /** The inputs at the output's shape: {@code xs} itself unless some input is broadcast. */
    private float[][] views(float[][] xs, int n, Object scratch) {
        if (!broadcasting) {
            return xs;
        }
        Scratch s = (Scratch) scratch;
        for (int i = 0; i < xs.length; i++) {
            if (sources[i] == null) {
                s.views[i] = xs[i];
                continue;
            }
            int[] from = sources[i];
            float[] x = xs[i];
            float[] e = s.expanded[i];
            for (int b = 0; b < n; b++) {
                int in = b * inSizes[i];
                int out = b * outSize;
                for (int j = 0; j < outSize; j++) {
                    e[out + j] = x[in + from[j]];
                }
            }
            s.views[i] = e;
        }
        return s.views;
    }

    @Override
    public final void forward(float[][] xs, float[] y, int n, Object scratch, boolean training,
                              SplittableRandom random) {
        float[][] v = views(xs, n, scratch);
        int len = n * outSize;
        combine(v[0], v[1], y, len);
        for (int i = 2; i < v.length; i++) {
            combine(y, v[i], y, len);
        }
        finish(y, len, v.length);
    }

    @Override
    public final void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch,
                               float[][] grads) {
        // Expanded anew rather than trusting forward to have left them in scratch.
        float[][] v = views(xs, n, scratch);
        int len = n * outSize;
        for (int i = 0; i < dxs.length; i++) {
            if (dxs[i] == null) {
                continue;
            }
            if (sources[i] == null) {
                gradient(v, i, dy, dxs[i], len);
                continue;
            }
            float[] g = ((Scratch) scratch).gradient;
            gradient(v, i, dy, g, len);
            // Each input value fed every output value that read it: sum their gradients.
            int[] from = sources[i];
            float[] dx = dxs[i];
            Arrays.fill(dx, 0, n * inSizes[i], 0f);
            for (int b = 0; b < n; b++) {
                int in = b * inSizes[i];
                int out = b * outSize;
                for (int j = 0; j < outSize; j++) {
                    dx[in + from[j]] += g[out + j];
                }
            }
        }
    }
}
