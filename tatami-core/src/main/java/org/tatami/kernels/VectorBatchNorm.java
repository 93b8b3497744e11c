package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD bodies of {@link BatchNorm}: whole vectors of channels, then the channels past the last
 * whole vector one by one, each with the same operations in the same order (so the same bits).
 */
final class VectorBatchNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorBatchNorm() {
    }

    static void sums(float[] x, int rows, int w, double[] sum, int off) {
        int whole = w - w % L;
        float[] block = new float[w];
        for (int r0 = 0; r0 < rows; r0 += BatchNorm.BLOCK) {
            java.util.Arrays.fill(block, 0f);
            for (int r = r0, end = Math.min(rows, r0 + BatchNorm.BLOCK); r < end; r++) {
                int o = r * w;
                for (int j = 0; j < whole; j += L) {
                    FloatVector.fromArray(S, block, j).add(FloatVector.fromArray(S, x, o + j)).intoArray(block, j);
                }
                for (int j = whole; j < w; j++) {
                    block[j] += x[o + j];
                }
            }
            BatchNorm.addBlock(block, 0, sum, off, w);
        }
    }

    static void squaredDeviations(float[] x, int rows, int w, float[] mean, double[] sum, int off) {
        int whole = w - w % L;
        float[] block = new float[w];
        for (int r0 = 0; r0 < rows; r0 += BatchNorm.BLOCK) {
            java.util.Arrays.fill(block, 0f);
            for (int r = r0, end = Math.min(rows, r0 + BatchNorm.BLOCK); r < end; r++) {
                int o = r * w;
                for (int j = 0; j < whole; j += L) {
                    FloatVector d = FloatVector.fromArray(S, x, o + j).sub(FloatVector.fromArray(S, mean, j));
                    FloatVector.fromArray(S, block, j).add(d.mul(d)).intoArray(block, j);
                }
                for (int j = whole; j < w; j++) {
                    float d = x[o + j] - mean[j];
                    block[j] += d * d;
                }
            }
            BatchNorm.addBlock(block, 0, sum, off, w);
        }
    }

    static void gradientSums(float[] x, float[] dy, int rows, int w, float[] mean, float[] invStd, double[] sum) {
        int whole = w - w % L;
        float[] block = new float[2 * w];
        for (int r0 = 0; r0 < rows; r0 += BatchNorm.BLOCK) {
            java.util.Arrays.fill(block, 0f);
            for (int r = r0, end = Math.min(rows, r0 + BatchNorm.BLOCK); r < end; r++) {
                int o = r * w;
                for (int j = 0; j < whole; j += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, o + j);
                    FloatVector xhat = FloatVector.fromArray(S, x, o + j).sub(FloatVector.fromArray(S, mean, j))
                            .mul(FloatVector.fromArray(S, invStd, j));
                    FloatVector.fromArray(S, block, j).add(g).intoArray(block, j);
                    FloatVector.fromArray(S, block, w + j).add(g.mul(xhat)).intoArray(block, w + j);
                }
                for (int j = whole; j < w; j++) {
                    block[j] += dy[o + j];
                    block[w + j] += dy[o + j] * ((x[o + j] - mean[j]) * invStd[j]);
                }
            }
            BatchNorm.addBlock(block, 0, sum, 0, 2 * w);
        }
    }

    static void scaleShift(float[] x, float[] y, int rows, int w, float[] factor, float[] shift) {
        int whole = w - w % L;
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, x, o + j).mul(FloatVector.fromArray(S, factor, j))
                        .add(FloatVector.fromArray(S, shift, j)).intoArray(y, o + j);
            }
            for (int j = whole; j < w; j++) {
                y[o + j] = x[o + j] * factor[j] + shift[j];
            }
        }
    }

    static void inputGradient(float[] x, float[] dy, float[] dx, int rows, int w, float[] mean, float[] invStd,
            float[] factor, float[] meanDy, float[] meanDyXhat) {
        int whole = w - w % L;
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            for (int j = 0; j < whole; j += L) {
                FloatVector xhat = FloatVector.fromArray(S, x, o + j).sub(FloatVector.fromArray(S, mean, j))
                        .mul(FloatVector.fromArray(S, invStd, j));
                FloatVector.fromArray(S, dy, o + j).sub(FloatVector.fromArray(S, meanDy, j))
                        .sub(xhat.mul(FloatVector.fromArray(S, meanDyXhat, j)))
                        .mul(FloatVector.fromArray(S, factor, j)).intoArray(dx, o + j);
            }
            for (int j = whole; j < w; j++) {
                float xhat = (x[o + j] - mean[j]) * invStd[j];
                dx[o + j] = factor[j] * (dy[o + j] - meanDy[j] - xhat * meanDyXhat[j]);
            }
        }
    }
}
