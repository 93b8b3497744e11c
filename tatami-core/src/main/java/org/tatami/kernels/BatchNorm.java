package org.tatami.kernels;

/**
 * The passes of batch normalization over a row-major (rows, w) array, one row per pixel and one
 * column per channel, SIMD when the Vector API is present.
 *
 * <p>Per-channel sums are taken in blocks of {@link #BLOCK} rows: each block's sum is added up in float,
 * row after row, then added to a double total. Every channel is summed in that order whatever the
 * vector width, so the results are the same bits at every width and on the plain-Java path (no
 * multiply-add is fused), while the float blocks let whole vectors of channels be added at once.
 */
public final class BatchNorm {
    /** Rows summed in float before their sum joins the double total. */
    public static final int BLOCK = 32;

    private BatchNorm() {
    }

    /** {@code sum[off + j] += x[0 * w + j] + x[1 * w + j] + ...} over {@code rows} rows. */
    public static void sums(float[] x, int rows, int w, double[] sum, int off) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorBatchNorm.sums(x, rows, w, sum, off);
            return;
        }
        float[] block = new float[w];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            java.util.Arrays.fill(block, 0f);
            for (int r = r0, end = Math.min(rows, r0 + BLOCK); r < end; r++) {
                for (int j = 0; j < w; j++) {
                    block[j] += x[r * w + j];
                }
            }
            addBlock(block, 0, sum, off, w);
        }
    }

    /** {@code sum[off + j] += (x[r * w + j] - mean[j])^2} over {@code rows} rows. */
    public static void squaredDeviations(float[] x, int rows, int w, float[] mean, double[] sum, int off) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorBatchNorm.squaredDeviations(x, rows, w, mean, sum, off);
            return;
        }
        float[] block = new float[w];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            java.util.Arrays.fill(block, 0f);
            for (int r = r0, end = Math.min(rows, r0 + BLOCK); r < end; r++) {
                for (int j = 0; j < w; j++) {
                    float d = x[r * w + j] - mean[j];
                    block[j] += d * d;
                }
            }
            addBlock(block, 0, sum, off, w);
        }
    }

    /**
     * {@code sum[j] += dy} and {@code sum[w + j] += dy * xhat} over {@code rows} rows, with
     * {@code xhat = (x - mean[j]) * invStd[j]}: the gradients of beta and gamma.
     */
    public static void gradientSums(float[] x, float[] dy, int rows, int w, float[] mean, float[] invStd,
            double[] sum) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorBatchNorm.gradientSums(x, dy, rows, w, mean, invStd, sum);
            return;
        }
        float[] block = new float[2 * w];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            java.util.Arrays.fill(block, 0f);
            for (int r = r0, end = Math.min(rows, r0 + BLOCK); r < end; r++) {
                for (int j = 0; j < w; j++) {
                    int i = r * w + j;
                    block[j] += dy[i];
                    block[w + j] += dy[i] * ((x[i] - mean[j]) * invStd[j]);
                }
            }
            addBlock(block, 0, sum, 0, 2 * w);
        }
    }

    /** {@code y[r * w + j] = x[r * w + j] * factor[j] + shift[j]} over {@code rows} rows. */
    public static void scaleShift(float[] x, float[] y, int rows, int w, float[] factor, float[] shift) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorBatchNorm.scaleShift(x, y, rows, w, factor, shift);
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < w; j++) {
                y[r * w + j] = x[r * w + j] * factor[j] + shift[j];
            }
        }
    }

    /**
     * The input gradient in training, {@code dx = factor * (dy - meanDy - xhat * meanDyXhat)} with
     * {@code xhat = (x - mean) * invStd}, per channel j.
     */
    public static void inputGradient(float[] x, float[] dy, float[] dx, int rows, int w, float[] mean,
            float[] invStd, float[] factor, float[] meanDy, float[] meanDyXhat) {
        if (Simd.ENABLED && w >= Simd.lanes()) {
            VectorBatchNorm.inputGradient(x, dy, dx, rows, w, mean, invStd, factor, meanDy, meanDyXhat);
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < w; j++) {
                int i = r * w + j;
                float xhat = (x[i] - mean[j]) * invStd[j];
                dx[i] = factor[j] * (dy[i] - meanDy[j] - xhat * meanDyXhat[j]);
            }
        }
    }

    /** {@code sum[off + j] += block[from + j]} for j in [0, length). */
    static void addBlock(float[] block, int from, double[] sum, int off, int length) {
        for (int j = 0; j < length; j++) {
            sum[off + j] += block[from + j];
        }
    }
}
