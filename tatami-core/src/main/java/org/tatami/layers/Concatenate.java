package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * Joins its inputs along one axis, as Keras's Concatenate: all other axes must match. The axis counts
 * the batch axis as Keras does: the default -1 is the last (channels), 1 the first axis of a sample;
 * the batch axis 0 cannot be joined.
 */
public final class Concatenate extends Merge {
    private final int axis;
    /** Rows of a batch per sample: the product of the sizes before the axis. */
    private int outer;
    /** Values per row of each input: its size on the axis times the sizes after it. */
    private int[] widths;
    /** Values per row of the output. */
    private int width;

    /** Joins along the last axis. */
    public Concatenate() {
        this(-1);
    }

    public Concatenate(int axis) {
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Concatenate fromConfig(Fields c) {
        return new Concatenate(c.integer("axis", -1));
    }

    @Override
    public String className() {
        return "Concatenate";
    }

    @Override
    protected String baseName() {
        return "concatenate";
    }

    @Override
    int[] mergedShape(int[][] shapes) {
        int rank = shapes[0].length;
        // Without the batch axis: 1..rank and -rank..-1 name the axes of a sample.
        int a = axis < 0 ? rank + axis : axis - 1;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(label() + ": axis " + axis + (a == -1 ? " is the batch axis"
                    : " is out of range") + "; inputs " + describe(shapes)
                    + " can be joined along axis 1.." + rank + " or -" + rank + "..-1");
        }
        int[] out = shapes[0].clone();
        out[a] = 0;
        for (int[] s : shapes) {
            boolean match = s.length == rank;
            for (int d = 0; match && d < rank; d++) {
                match = d == a || s[d] == shapes[0][d];
            }
            if (!match) {
                throw new IllegalArgumentException(label() + ": inputs must have matching shapes except on the"
                        + " concatenation axis (axis=" + axis + "), got " + describe(shapes[0], s));
            }
            out[a] += s[a];
        }
        int rows = 1;
        for (int d = 0; d < a; d++) {
            rows *= out[d];
        }
        int inner = 1;
        for (int d = a + 1; d < rank; d++) {
            inner *= out[d];
        }
        int[] w = new int[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            w[i] = shapes[i][a] * inner;
        }
        outer = rows;
        widths = w;
        width = out[a] * inner;
        return out;
    }

    /** Each output row is the inputs' rows one after another. */
    @Override
    public void forward(float[][] xs, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int rows = n * outer;
        for (int r = 0; r < rows; r++) {
            int at = r * width;
            for (int i = 0; i < xs.length; i++) {
                System.arraycopy(xs[i], r * widths[i], y, at, widths[i]);
                at += widths[i];
            }
        }
    }

    @Override
    public void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch,
                         float[][] grads) {
        int rows = n * outer;
        for (int r = 0; r < rows; r++) {
            int at = r * width;
            for (int i = 0; i < dxs.length; i++) {
                if (dxs[i] != null) {
                    System.arraycopy(dy, at, dxs[i], r * widths[i], widths[i]);
                }
                at += widths[i];
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("axis", axis);
        return c;
    }
}
