package org.tatami.interop.onnx;

/** Index arithmetic for moving tensors between axis orders (NCHW and NHWC, ONNX and Keras kernels). */
final class Layouts {
    private Layouts() {
    }

    /**
     * For a tensor of {@code shape} whose axes are rearranged so that source axis {@code k} becomes
     * destination axis {@code axes[k]}, the destination flat index of each source flat index.
     */
    static int[] order(int[] shape, int[] axes) {
        int rank = shape.length;
        int[] dstShape = new int[rank];
        for (int k = 0; k < rank; k++) {
            dstShape[axes[k]] = shape[k];
        }
        int[] dstStride = new int[rank];
        int s = 1;
        for (int k = rank - 1; k >= 0; k--) {
            dstStride[k] = s;
            s *= dstShape[k];
        }
        int[] order = new int[s];
        int[] index = new int[rank];
        for (int i = 0; i < s; i++) {
            int d = 0;
            for (int k = 0; k < rank; k++) {
                d += index[k] * dstStride[axes[k]];
            }
            order[i] = d;
            for (int k = rank - 1; k >= 0 && ++index[k] == shape[k]; k--) {
                index[k] = 0;
            }
        }
        return order;
    }

    /** {@code shape} with its axes rearranged as in {@link #order}. */
    static int[] moved(int[] shape, int[] axes) {
        int[] out = new int[shape.length];
        for (int k = 0; k < shape.length; k++) {
            out[axes[k]] = shape[k];
        }
        return out;
    }

    /**
     * Padding before and after one axis as TensorFlow (and so Keras) splits it for {@code same}:
     * output = ceil(input / stride), the odd extra one at the end.
     */
    static int[] samePads(int input, int window, int stride) {
        int output = (input + stride - 1) / stride;
        int total = Math.max((output - 1) * stride + window - input, 0);
        return new int[] {total / 2, total - total / 2};
    }
}
