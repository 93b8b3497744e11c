package org.tatami.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 n-dimensional array, row-major, batch first (NHWC for images).
 *
 * <p>The data array is exposed for kernels and bulk copies; shape-changing views ({@link #reshape})
 * share it, every arithmetic operation returns a new tensor.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int n = Shape.size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Shape.toString(shape) + " needs " + n
                    + " elements, data has " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.size(shape)], shape.clone());
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** A scalar-free 1-d tensor of the given values. */
    public static Tensor vector(float... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    public int[] shape() {
        return shape.clone();
    }

    public int shape(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    /** The backing array (row-major). Writes are visible through every view of this tensor. */
    public float[] data() {
        return data;
    }

    public float get(int... index) {
        return data[offset(index)];
    }

    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    private int offset(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " axes, tensor of shape " + Shape.toString(shape) + " has " + shape.length);
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + index[i] + " is out of bounds for axis " + i
                        + " with size " + shape[i]);
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** The same data seen with another shape; one dimension may be -1 (inferred), as NumPy's reshape. */
    public Tensor reshape(int... newShape) {
        return new Tensor(data, Shape.resolve(newShape, data.length));
    }

    /** Adds an axis of length 1 at {@code axis} (0 makes a batch of one, as {@code np.array([x])}). */
    public Tensor expandDims(int axis) {
        int a = axis < 0 ? shape.length + 1 + axis : axis;
        if (a < 0 || a > shape.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + shape.length);
        }
        int[] s = new int[shape.length + 1];
        System.arraycopy(shape, 0, s, 0, a);
        s[a] = 1;
        System.arraycopy(shape, a, s, a + 1, shape.length - a);
        return new Tensor(data, s);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of axis 0, copied: {@code x[from:to]}. */
    public Tensor slice(int from, int to) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("cannot slice a scalar");
        }
        if (from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ":" + to + "] is out of bounds for axis 0 with size "
                    + shape[0]);
        }
        int row = shape[0] == 0 ? 0 : data.length / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(Arrays.copyOfRange(data, from * row, to * row), s);
    }

    /** Item {@code i} of axis 0 without that axis, copied: {@code x[i]}. */
    public Tensor get(int i) {
        if (shape.length > 0 && (i < 0 || i >= shape[0])) {
            throw new IndexOutOfBoundsException("index " + i + " is out of bounds for axis 0 with size " + shape[0]);
        }
        Tensor t = slice(i, i + 1);
        return new Tensor(t.data, Arrays.copyOfRange(shape, 1, shape.length));
    }

    /** Rows of axis 0 picked by index, copied: {@code x[indices]}. */
    public Tensor take(int[] indices) {
        int row = shape[0] == 0 ? 0 : data.length / shape[0];
        float[] out = new float[indices.length * row];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= shape[0]) {
                throw new IndexOutOfBoundsException("index " + indices[i] + " is out of bounds for axis 0 with size "
                        + shape[0]);
            }
            System.arraycopy(data, indices[i] * row, out, i * row, row);
        }
        int[] s = shape.clone();
        s[0] = indices.length;
        return new Tensor(out, s);
    }

    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    /** Element-wise division (exactly rounded, as NumPy's {@code x / 255}), into a new tensor. */
    public Tensor div(float divisor) {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i] / divisor;
        }
        return new Tensor(out, shape.clone());
    }

    /**
     * {@link #div} in place, as PyTorch's {@code div_}: the same values without a second array (for
     * large inputs such as MNIST's images). Tensors sharing this one's data (reshapes) see the change.
     */
    public Tensor divInPlace(float divisor) {
        for (int i = 0; i < data.length; i++) {
            data[i] /= divisor;
        }
        return this;
    }

    public Tensor mul(float factor) {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i] * factor;
        }
        return new Tensor(out, shape.clone());
    }

    public Tensor add(float value) {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i] + value;
        }
        return new Tensor(out, shape.clone());
    }

    public float min() {
        requireNonEmpty("min");
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    public float max() {
        requireNonEmpty("max");
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    public double sum() {
        double s = 0;
        for (float v : data) {
            s += v;
        }
        return s;
    }

    private void requireNonEmpty(String op) {
        if (data.length == 0) {
            throw new IllegalStateException(op + " of an empty tensor of shape " + Shape.toString(shape));
        }
    }

    /** Index of the largest value along the last axis (first one on ties), as {@code np.argmax(x, -1)}. */
    public IntTensor argmax() {
        if (shape.length == 0 || shape[shape.length - 1] == 0) {
            throw new IllegalStateException("argmax of a tensor of shape " + Shape.toString(shape));
        }
        int k = shape[shape.length - 1];
        int rows = data.length / k;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = argmax(data, r * k, k);
        }
        return IntTensor.of(out, Arrays.copyOf(shape, shape.length - 1));
    }

    /**
     * The index of the largest of {@code v[offset .. offset + width)}, the first one on ties: the rule every
     * prediction, metric and score in tatami picks its class by.
     */
    public static int argmax(float[] v, int offset, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Bit-for-bit equality of shape and values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** NumPy-style text; large tensors are abbreviated with "..." (3 items at each end of an axis). */
    @Override
    public String toString() {
        return ArrayFormat.format(shape, i -> ArrayFormat.formatFloat(data[i]), data.length);
    }
}
