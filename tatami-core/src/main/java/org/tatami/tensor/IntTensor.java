package org.tatami.tensor;

import java.util.Arrays;
import java.util.Objects;

/** A dense int32 n-dimensional array, row-major: class labels, argmax results, raw integer data. */
public final class IntTensor {
    private final int[] data;
    private final int[] shape;

    private IntTensor(int[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static IntTensor of(int[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        int n = Shape.size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Shape.toString(shape) + " needs " + n
                    + " elements, data has " + data.length);
        }
        return new IntTensor(data, shape.clone());
    }

    /** A 1-d tensor of the given values, e.g. labels. */
    public static IntTensor vector(int... values) {
        return new IntTensor(values.clone(), new int[] {values.length});
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

    /** The backing array (row-major). */
    public int[] data() {
        return data;
    }

    /** Element {@code i} of the flat data (for a label vector: the label of sample i). */
    public int get(int i) {
        return data[i];
    }

    public IntTensor reshape(int... newShape) {
        return new IntTensor(data, Shape.resolve(newShape, data.length));
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of axis 0, copied. */
    public IntTensor slice(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ":" + to + "] is out of bounds for shape "
                    + Shape.toString(shape));
        }
        int row = shape[0] == 0 ? 0 : data.length / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new IntTensor(Arrays.copyOfRange(data, from * row, to * row), s);
    }

    /** Rows of axis 0 picked by index, copied. */
    public IntTensor take(int[] indices) {
        int row = shape[0] == 0 ? 0 : data.length / shape[0];
        int[] out = new int[indices.length * row];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= shape[0]) {
                throw new IndexOutOfBoundsException("index " + indices[i] + " is out of bounds for axis 0 with size "
                        + shape[0]);
            }
            System.arraycopy(data, indices[i] * row, out, i * row, row);
        }
        int[] s = shape.clone();
        s[0] = indices.length;
        return new IntTensor(out, s);
    }

    /** The same values as float32 ({@code astype('float32')}). */
    public Tensor toFloat() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i];
        }
        return Tensor.of(out, shape);
    }

    /** {@link #toCategorical(int)} with as many classes as the largest label + 1, as Keras without num_classes. */
    public Tensor toCategorical() {
        return toCategorical(data.length == 0 ? 0 : max() + 1);
    }

    /**
     * One-hot rows of {@code numClasses} values, as Keras's {@code keras.utils.to_categorical(y, num_classes)}:
     * labels of shape (N,) (or (N, 1)) give a float tensor of shape (N, numClasses) with a 1 in column
     * {@code label} of each row; in general the shape is this one (a last axis of 1 dropped) plus numClasses.
     *
     * @throws IllegalArgumentException if a label is negative or not below {@code numClasses}
     */
    public Tensor toCategorical(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("num_classes must be at least 1, got " + numClasses);
        }
        int rank = shape.length > 1 && shape[shape.length - 1] == 1 ? shape.length - 1 : shape.length;
        int[] out = Arrays.copyOf(shape, rank + 1);
        out[rank] = numClasses;
        float[] oneHot = new float[Math.multiplyExact(data.length, numClasses)];
        for (int i = 0; i < data.length; i++) {
            if (data[i] < 0 || data[i] >= numClasses) {
                throw new IllegalArgumentException("label " + data[i] + " at index " + i + " is not a class in [0, "
                        + numClasses + ")");
            }
            oneHot[i * numClasses + data[i]] = 1;
        }
        return Tensor.of(oneHot, out);
    }

    public int min() {
        return Arrays.stream(data).min().orElseThrow(() -> new IllegalStateException("min of an empty tensor"));
    }

    public int max() {
        return Arrays.stream(data).max().orElseThrow(() -> new IllegalStateException("max of an empty tensor"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return ArrayFormat.format(shape, i -> Integer.toString(data[i]), data.length);
    }
}
