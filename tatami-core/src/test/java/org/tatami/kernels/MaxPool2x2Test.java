package org.tatami.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link MaxPool2x2} against MaxPool2D's rule applied one float at a time, bit for bit: even and odd
 * sizes (an odd last row or column is in no window, and its gradient must be 0 whatever the buffer
 * held), ties between small integers, with and without the ReLU's gate.
 */
class MaxPool2x2Test {

    @ParameterizedTest(name = "{0}x{1}, through a ReLU {2}")
    @CsvSource({"4, 6, false", "5, 7, false", "5, 7, true", "6, 3, true", "3, 4, false"})
    void poolsAsMaxPool2D(int h, int w, boolean throughRelu) {
        int c = 2 * Simd.lanes();
        assumeTrue(MaxPool2x2.fits(c), "the vector path is off");
        int n = 2;
        int oh = h / 2;
        int ow = w / 2;
        SplittableRandom random = new SplittableRandom(h * 10 + w);
        float[] x = new float[n * h * w * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(5) - 2;
        }
        float[] dy = new float[n * oh * ow * c];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) random.nextGaussian();
        }
        float[] y = new float[dy.length];
        float[] expectedY = new float[dy.length];
        float[] dx = new float[x.length];
        Arrays.fill(dx, Float.NaN);
        float[] expectedDx = new float[x.length];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        int best = -1;
                        for (int ky = 0; ky < 2; ky++) {
                            for (int kx = 0; kx < 2; kx++) {
                                int i = ((b * h + 2 * oy + ky) * w + 2 * ox + kx) * c + ch;
                                if (best < 0 || x[i] > x[best]) {
                                    best = i;
                                }
                            }
                        }
                        int o = ((b * oh + oy) * ow + ox) * c + ch;
                        expectedY[o] = x[best];
                        expectedDx[best] = throughRelu && x[best] <= 0 ? 0f : dy[o];
                    }
                }
            }
        }
        MaxPool2x2.forward(x, n, h, w, c, y);
        MaxPool2x2.backward(x, dy, n, h, w, c, dx, throughRelu);
        assertArrayEquals(expectedY, y, "pooled");
        assertArrayEquals(expectedDx, dx, "input gradient");
    }
}
