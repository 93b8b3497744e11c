package org.tatami.initializers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The initializers' statistics over large tensors, their bounds, orthogonality, and Keras's names. */
class InitializerTest {
    /** A Dense kernel: fan_in 200, fan_out 300; 60,000 values. */
    private static final int[] DENSE = {200, 300};
    /** A convolution kernel: fan_in 3 * 3 * 16 = 144, fan_out 3 * 3 * 32 = 288. */
    private static final int[] CONV = {3, 3, 16, 32};
    /** The variance of a unit normal truncated to [-2, 2]. */
    private static final double TRUNCATED_VARIANCE = 0.7737413;

    static Stream<Arguments> distributions() {
        return Stream.of(
                // name, shape, expected mean, expected variance, bound on |value - mean| (0 for none)
                Arguments.of("glorot_uniform", DENSE, 0, 2.0 / 500, Math.sqrt(6.0 / 500)),
                Arguments.of("glorot_normal", DENSE, 0, 2.0 / 500, 2 * Math.sqrt(2.0 / 500) / 0.8796256610342398),
                Arguments.of("he_normal", DENSE, 0, 2.0 / 200, 2 * Math.sqrt(2.0 / 200) / 0.8796256610342398),
                Arguments.of("he_uniform", DENSE, 0, 2.0 / 200, Math.sqrt(6.0 / 200)),
                Arguments.of("lecun_normal", DENSE, 0, 1.0 / 200, 2 * Math.sqrt(1.0 / 200) / 0.8796256610342398),
                Arguments.of("lecun_uniform", DENSE, 0, 1.0 / 200, Math.sqrt(3.0 / 200)),
                Arguments.of("he_uniform", CONV, 0, 2.0 / 144, Math.sqrt(6.0 / 144)),
                Arguments.of("glorot_normal", CONV, 0, 2.0 / (144 + 288), 2 * Math.sqrt(2.0 / 432) / 0.8796256610342398),
                Arguments.of("random_normal", DENSE, 0, 0.05 * 0.05, 0),
                Arguments.of("truncated_normal", DENSE, 0, 0.05 * 0.05 * TRUNCATED_VARIANCE, 0.1),
                Arguments.of("random_uniform", DENSE, 0, 0.1 * 0.1 / 12, 0.05));
    }

    /**
     * Mean and variance within 5 standard errors of the expected ones: the sample variance of N normal
     * draws has a standard error of var * sqrt(2 / N), about 0.6% for 60,000 and 2% for 4,608 (less
     * for truncated and uniform draws).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("distributions")
    void statisticsOverALargeTensor(String name, int[] shape, double mean, double variance, double bound) {
        float[] v = draw(Initializer.of(name), shape, 1);
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        double m = sum / v.length;
        double sq = 0;
        for (float x : v) {
            sq += (x - m) * (x - m);
            if (bound > 0) {
                assertTrue(Math.abs(x - mean) <= bound * (1 + 1e-6), name + ": " + x + " beyond " + bound);
            }
        }
        double var = sq / v.length;
        assertEquals(mean, m, 5 * Math.sqrt(variance / v.length), name + " mean");
        assertEquals(variance, var, 5 * variance * Math.sqrt(2.0 / v.length), name + " variance");
    }

    @Test
    void aRandomNormalOfItsOwnMeanAndDeviation() {
        float[] v = draw(new RandomNormal(1, 0.5), DENSE, 2);
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        assertEquals(1, sum / v.length, 0.01);
        assertEquals(Map.of("mean", 1.0, "stddev", 0.5), Map.of("mean", new RandomNormal(1, 0.5).config().get("mean"),
                "stddev", new RandomNormal(1, 0.5).config().get("stddev")));
    }

    /** Glorot uniform and He normal draw what they drew before they became VarianceScaling presets. */
    @Test
    void thePresetsKeepTheirDraws() {
        SplittableRandom r = new SplittableRandom(3);
        float[] glorot = new float[600];
        double limit = Math.sqrt(6.0 / (20 + 30));
        for (int i = 0; i < glorot.length; i++) {
            glorot[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
        }
        assertArrayEquals(glorot, draw(new GlorotUniform(), new int[] {20, 30}, 3));
        r = new SplittableRandom(4);
        float[] he = new float[600];
        double stddev = Math.sqrt(2.0 / 20) / 0.87962566103423978;
        for (int i = 0; i < he.length; i++) {
            double g;
            do {
                double u = 1.0 - r.nextDouble();
                g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
            } while (Math.abs(g) > 2);
            he[i] = (float) (g * stddev);
        }
        assertArrayEquals(he, draw(new HeNormal(), new int[] {20, 30}, 4));
    }

    @Test
    void orthogonalColumnsOrRowsAreOrthonormal() {
        // Tall (50 x 20): Q^T Q = I. Wide (20 x 50): Q Q^T = I. A kernel (3, 3, 4, 8) is 36 x 8. Gain 2: 4 I.
        assertGram(draw(new Orthogonal(), new int[] {50, 20}, 5), 50, 20, true, 1);
        assertGram(draw(new Orthogonal(), new int[] {20, 50}, 6), 20, 50, false, 1);
        assertGram(draw(new Orthogonal(), new int[] {3, 3, 4, 8}, 7), 36, 8, true, 1);
        assertGram(draw(new Orthogonal(2), new int[] {8, 8}, 8), 8, 8, true, 4);
        assertThrows(IllegalArgumentException.class, () -> draw(new Orthogonal(), new int[] {8}, 9));
    }

    /** The Gram matrix of the columns (or rows) of a rows x cols matrix is {@code diag} times I. */
    private static void assertGram(float[] q, int rows, int cols, boolean ofColumns, double diag) {
        int k = ofColumns ? cols : rows;
        int len = ofColumns ? rows : cols;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < len; i++) {
                    dot += ofColumns ? (double) q[i * cols + a] * q[i * cols + b] : (double) q[a * cols + i] * q[b * cols + i];
                }
                assertEquals(a == b ? diag : 0, dot, 1e-5, "(" + a + ", " + b + ")");
            }
        }
    }

    @Test
    void kerasNamesAndConfigs() {
        assertEquals("HeUniform", Initializer.of("he_uniform").className());
        assertEquals("RandomNormal", Initializer.of("normal").className());
        assertEquals("Zeros", Initializer.of("zero").className());
        assertEquals("TruncatedNormal", Initializer.of("TruncatedNormal").className());
        assertEquals(java.util.Collections.singletonMap("seed", null), new LecunNormal().config());
        VarianceScaling custom = new VarianceScaling(0.5, "fan_out", "normal");
        assertEquals("VarianceScaling", custom.className());
        assertEquals("untruncated_normal", custom.config().get("distribution"));
        assertEquals(1.0, new Orthogonal().config().get("gain"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializer.of("identity"));
        assertTrue(e.getMessage().contains("unknown initializer 'identity'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VarianceScaling(1, "fan_sum", "uniform"));
        assertThrows(IllegalArgumentException.class, () -> new RandomNormal(0, -1));
    }

    private static float[] draw(Initializer init, int[] shape, long seed) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        init.fill(v, shape, new SplittableRandom(seed));
        return v;
    }
}
