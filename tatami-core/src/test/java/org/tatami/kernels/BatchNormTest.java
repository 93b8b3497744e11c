package org.tatami.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNorm}'s passes against the arithmetic its documentation states, one float at a time, bit
 * for bit, for channel counts around whole vectors and row counts across a block boundary (the build
 * runs this at every vector width and on the plain-Java path).
 */
class BatchNormTest {
    private static final int ROWS = BatchNorm.BLOCK * 2 + 5;

    @Test
    void passesAreTheStatedArithmeticBitForBit() {
        SplittableRandom random = new SplittableRandom(7);
        for (int w = 1; w <= 3 * Simd.lanes() + 1; w++) {
            float[] x = random(random, ROWS * w);
            float[] dy = random(random, ROWS * w);
            float[] mean = random(random, w);
            float[] invStd = random(random, w);
            float[] factor = random(random, w);
            float[] shift = random(random, w);
            float[] meanDy = random(random, w);
            float[] meanDyXhat = random(random, w);

            double[] sums = new double[1 + 2 * w];
            BatchNorm.sums(x, ROWS, w, sums, 1);
            BatchNorm.squaredDeviations(x, ROWS, w, mean, sums, 1 + w);
            double[] gradientSums = new double[2 * w];
            BatchNorm.gradientSums(x, dy, ROWS, w, mean, invStd, gradientSums);
            double[] expectedSums = new double[1 + 2 * w];
            double[] expectedGradientSums = new double[2 * w];
            for (int j = 0; j < w; j++) {
                for (int r0 = 0; r0 < ROWS; r0 += BatchNorm.BLOCK) {
                    float sum = 0;
                    float squares = 0;
                    float sumDy = 0;
                    float sumDyXhat = 0;
                    for (int r = r0; r < Math.min(ROWS, r0 + BatchNorm.BLOCK); r++) {
                        int i = r * w + j;
                        sum += x[i];
                        float d = x[i] - mean[j];
                        squares += d * d;
                        sumDy += dy[i];
                        sumDyXhat += dy[i] * ((x[i] - mean[j]) * invStd[j]);
                    }
                    expectedSums[1 + j] += sum;
                    expectedSums[1 + w + j] += squares;
                    expectedGradientSums[j] += sumDy;
                    expectedGradientSums[w + j] += sumDyXhat;
                }
            }
            assertArrayEquals(expectedSums, sums, "sums and squared deviations, width " + w);
            assertArrayEquals(expectedGradientSums, gradientSums, "gradient sums, width " + w);

            float[] y = new float[ROWS * w];
            BatchNorm.scaleShift(x, y, ROWS, w, factor, shift);
            float[] dx = new float[ROWS * w];
            BatchNorm.inputGradient(x, dy, dx, ROWS, w, mean, invStd, factor, meanDy, meanDyXhat);
            float[] expectedY = new float[ROWS * w];
            float[] expectedDx = new float[ROWS * w];
            for (int i = 0; i < ROWS * w; i++) {
                int j = i % w;
                expectedY[i] = x[i] * factor[j] + shift[j];
                float xhat = (x[i] - mean[j]) * invStd[j];
                expectedDx[i] = factor[j] * (dy[i] - meanDy[j] - xhat * meanDyXhat[j]);
            }
            assertArrayEquals(expectedY, y, "scaleShift, width " + w);
            assertArrayEquals(expectedDx, dx, "inputGradient, width " + w);
        }
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
