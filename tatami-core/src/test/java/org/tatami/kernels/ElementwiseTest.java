package org.tatami.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row passes of {@link Elementwise} against the same additions done one float at a time, bit for
 * bit, for row widths around whole vectors (the build runs this at every vector width and on the
 * plain-Java path).
 */
class ElementwiseTest {
    private static final int ROWS = 7;

    @Test
    void rowPassesAreTheScalarAdditionsBitForBit() {
        SplittableRandom random = new SplittableRandom(6);
        for (int w = 1; w <= 9 * Simd.lanes() + 1; w++) {
            float[] x = random(random, ROWS * w + 3);
            float[] b = random(random, w);

            float[] sum = new float[w];
            Elementwise.sumRows(x, ROWS, w, sum);
            float[] expected = new float[w];
            for (int r = 0; r < ROWS; r++) {
                for (int j = 0; j < w; j++) {
                    expected[j] += x[r * w + j];
                }
            }
            assertArrayEquals(expected, sum, "sumRows, width " + w);

            float[] y = x.clone();
            Elementwise.addToRows(y, 2, ROWS, w, b);
            expected = x.clone();
            for (int r = 2; r < ROWS; r++) {
                for (int j = 0; j < w; j++) {
                    expected[r * w + j] += b[j];
                }
            }
            assertArrayEquals(expected, y, "addToRows, width " + w);

            float[] dst = x.clone();
            Elementwise.addInto(dst, 3, b, 0, w);
            expected = x.clone();
            for (int j = 0; j < w; j++) {
                expected[3 + j] += b[j];
            }
            assertArrayEquals(expected, dst, "addInto, length " + w);
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
