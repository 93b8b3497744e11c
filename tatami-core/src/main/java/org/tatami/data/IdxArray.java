package org.tatami.data;

import java.nio.ByteBuffer;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Limits;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/**
 * The contents of an IDX file: element type, shape and values (row-major).
 *
 * <p>The values are kept as the file's own big-endian bytes, the most compact exact form for every type
 * (MNIST's 60000 training images take 47 MB), and are converted on {@link #toTensor()} or
 * {@link #toIntTensor()}; each call returns a new tensor.
 */
public final class IdxArray {
    private final IdxType type;
    private final int[] shape;
    private final byte[] data;

    IdxArray(IdxType type, int[] shape, byte[] data) {
        this.type = type;
        this.shape = shape.clone();
        this.data = data;
    }

    public IdxType type() {
        return type;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return data.length / type.itemSize();
    }

    /**
     * The values as float32, as NumPy's {@code astype('float32')}: unsigned bytes become 0..255; ints beyond
     * 2^24 and doubles round to the nearest float (doubles beyond float's range become infinities).
     */
    public Tensor toTensor() {
        return toTensor(0, shape.length == 0 ? 1 : shape[0]);
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} (exclusive) along the first axis, as {@link #toTensor()}
     * converts them: for a reader that needs a part of a large file.
     */
    public Tensor toTensor(int from, int to) {
        int rows = shape.length == 0 ? 1 : shape[0];
        if (from < 0 || to < from || to > rows) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") are outside the " + rows
                    + " rows of IDX data of shape " + Shape.toString(shape));
        }
        int row = rows == 0 ? 0 : size() / rows;
        int[] outShape = shape.clone();
        if (outShape.length > 0) {
            outShape[0] = to - from;
        }
        int length = (to - from) * row;
        float[] out = Limits.allocate(4L * length, "IDX data of shape " + Shape.toString(outShape) + " as float32",
                () -> new float[length]);
        int first = from * row;
        ByteBuffer buf = ByteBuffer.wrap(data); // big-endian, as IDX
        switch (type) {
            case UINT8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = data[first + i] & 0xFF;
                }
            }
            case INT8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = data[first + i];
                }
            }
            case INT16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = buf.getShort(2 * (first + i));
                }
            }
            case INT32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = buf.getInt(4 * (first + i));
                }
            }
            case FLOAT32 -> buf.position(4 * first).asFloatBuffer().get(out);
            case FLOAT64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) buf.getDouble(8 * (first + i));
                }
            }
        }
        return Tensor.of(out, outShape);
    }

    /**
     * The values as int32, exactly; unsigned bytes become 0..255.
     *
     * @throws IllegalStateException for float or double data, which has no exact int form
     */
    public IntTensor toIntTensor() {
        if (!type.isInteger()) {
            throw new IllegalStateException("toIntTensor() needs integer IDX data, this array holds "
                    + type.description() + " values; use toTensor()");
        }
        int[] out = Limits.allocate(4L * size(), "IDX data of shape " + Shape.toString(shape()) + " as int32",
                () -> new int[size()]);
        ByteBuffer buf = ByteBuffer.wrap(data); // big-endian, as IDX
        switch (type) {
            case UINT8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = data[i] & 0xFF;
                }
            }
            case INT8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = data[i];
                }
            }
            case INT16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = buf.getShort(2 * i);
                }
            }
            case INT32 -> buf.asIntBuffer().get(out);
        }
        return IntTensor.of(out, shape);
    }

    @Override
    public String toString() {
        return "IdxArray(" + type.description() + ", shape " + Shape.toString(shape) + ")";
    }
}
