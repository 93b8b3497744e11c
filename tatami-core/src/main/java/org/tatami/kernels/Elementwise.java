package org.tatami.kernels;

/** Element-wise passes over float arrays, SIMD when the Vector API is present. */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code v[i] = v[i] > 0 ? v[i] : 0} for i in [from, to). */
    public static void relu(float[] v, int from, int to) {
        if (Simd.ENABLED) {
            VectorElementwise.relu(v, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            v[i] = v[i] > 0f ? v[i] : 0f;
        }
    }

    /** {@code y[r * w + j] += b[j]} for the rows r in [from, to) of a row-major (rows, w) array. */
    public static void addToRows(float[] y, int from, int to, int w, float[] b) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorElementwise.addToRows(y, from, to, w, b);
            return;
        }
        for (int r = from; r < to; r++) {
            int o = r * w;
            for (int j = 0; j < w; j++) {
                y[o + j] += b[j];
            }
        }
    }

    /** {@code sum[j] = x[0 * w + j] + x[1 * w + j] + ...} over {@code rows} rows, added in row order. */
    public static void sumRows(float[] x, int rows, int w, float[] sum) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorElementwise.sumRows(x, rows, w, sum);
            return;
        }
        java.util.Arrays.fill(sum, 0, w, 0f);
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            for (int j = 0; j < w; j++) {
                sum[j] += x[o + j];
            }
        }
    }

    /** {@code dst[dOff + i] += src[sOff + i]} for i in [0, length). */
    public static void addInto(float[] dst, int dOff, float[] src, int sOff, int length) {
        if (Simd.ENABLED && length >= Simd.lanes()) {
            VectorElementwise.addInto(dst, dOff, src, sOff, length);
            return;
        }
        for (int i = 0; i < length; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /** {@code dy[i] = y[i] > 0 ? dy[i] : 0} for i in [from, to): the gradient through a ReLU. */
    public static void reluBackward(float[] y, float[] dy, int from, int to) {
        if (Simd.ENABLED) {
            VectorElementwise.reluBackward(y, dy, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            dy[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
