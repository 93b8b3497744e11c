package org.tatami.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tatami.tensor.Tensor;

/** Normalization against the examples of Keras's documentation, adapt's statistics, and gradients. */
class NormalizationTest {
    private static final Tensor ADAPT = Tensor.of(new float[] {0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6}, 4, 3);

    @Test
    void adaptedPerFeatureAsInKerasDocs() {
        Normalization norm = new Normalization();
        norm.adapt(ADAPT);
        assertArrayEquals(new float[] {1, 8, 5}, norm.getWeights().get(0).data());
        assertArrayEquals(new float[] {1, 1, 1}, norm.getWeights().get(1).data());
        assertArrayEquals(new float[] {0}, norm.getWeights().get(2).data());
        assertEquals(7, norm.countParams());
        assertEquals(0, norm.countTrainableParams());
        assertArrayEquals(new float[] {-1, -1, -1}, norm.call(Tensor.of(new float[] {0, 7, 4}, 1, 3)).data());
        Normalization inverse = new Normalization().invert(true);
        inverse.adapt(ADAPT);
        assertArrayEquals(new float[] {2, 10, 8}, inverse.call(Tensor.of(new float[] {1, 2, 3}, 1, 3)).data());
    }

    @Test
    void oneStatisticForAllValuesOrGiven() {
        Normalization all = new Normalization().axis();
        all.adapt(Tensor.of(new float[] {1, 2, 3, 4, 5}, 5, 1));
        float[] expected = {-1.4142135f, -0.70710677f, 0f};
        assertArrayEquals(expected, all.call(Tensor.of(new float[] {1, 2, 3}, 3, 1)).data(), 1e-6f);
        assertArrayEquals(new int[0], all.parameters().get(0).value().shape());
        Normalization given = new Normalization().mean(3).variance(2);
        assertArrayEquals(expected, given.call(Tensor.of(new float[] {1, 2, 3}, 3, 1)).data(), 1e-6f);
        assertEquals(0, given.countParams());
        // A variance of 0 divides by 1e-7, as Keras's epsilon.
        assertArrayEquals(new float[] {1e7f}, new Normalization().mean(0).variance(0)
                .call(Tensor.of(new float[] {1}, 1, 1)).data());
    }

    /** Statistics per channel of images: mean and variance over the batch, height and width. */
    @Test
    void perChannelStatisticsOfImagesInDouble() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 7;
        float[] x = GradientCheckTest.uniform(r, n * 4 * 5 * 3, -2, 9);
        Normalization norm = new Normalization();
        norm.adapt(Tensor.of(x, n, 4, 5, 3));
        for (int ch = 0; ch < 3; ch++) {
            double sum = 0;
            for (int i = ch; i < x.length; i += 3) {
                sum += x[i];
            }
            double mean = sum / (x.length / 3);
            double sq = 0;
            for (int i = ch; i < x.length; i += 3) {
                sq += (x[i] - mean) * (x[i] - mean);
            }
            assertEquals((float) mean, norm.getWeights().get(0).data()[ch]);
            assertEquals((float) (sq / (x.length / 3)), norm.getWeights().get(1).data()[ch]);
        }
        // Kept axes 1 and 3 (rows and channels): 4 x 3 statistics.
        Normalization rows = new Normalization().axis(1, -1);
        rows.adapt(Tensor.of(x, n, 4, 5, 3));
        assertArrayEquals(new int[] {4, 3}, rows.getWeights().get(0).shape());
        double sum = 0;
        for (int b = 0; b < n; b++) {
            for (int col = 0; col < 5; col++) {
                sum += x[((b * 4 + 2) * 5 + col) * 3 + 1];
            }
        }
        assertEquals((float) (sum / (n * 5)), rows.getWeights().get(0).data()[2 * 3 + 1]);
    }

    @Test
    void gradients() {
        for (boolean invert : new boolean[] {false, true}) {
            Normalization norm = new Normalization().invert(invert);
            SplittableRandom r = new SplittableRandom(5);
            norm.adapt(Tensor.of(GradientCheckTest.uniform(r, 60, -3, 3), 5, 3, 2, 2));
            float[] x = GradientCheckTest.uniform(r, 24, -1, 1);
            GradientCheck check = new GradientCheck(norm, 2, x, GradientCheckTest.uniform(r, 24, -1, 1), true, 0);
            GradientCheck.Result result = check.run();
            assertTrue(result.passed(), result.where());
        }
    }

    @Test
    void badSettingsNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Normalization().mean(1).name("n").build(3))
                .getMessage().contains("give both mean and variance"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Normalization().axis(0).name("n").build(3))
                .getMessage().contains("axis 0 on input (None, 3) is the batch axis"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Normalization().mean(1, 2).variance(1, 2)
                .name("n").build(3)).getMessage().contains("mean has 2 values; the kept axes (3,) take 1 or 3"));
        Normalization given = new Normalization().mean(1).variance(1);
        assertThrows(IllegalStateException.class, () -> given.adapt(ADAPT));
        Normalization built = new Normalization();
        built.build(4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> built.adapt(ADAPT)).getMessage()
                .contains("built for input shape (None, 4), adapt got (4, 3)"));
        assertEquals(List.of(-1), new Normalization().config().get("axis"));
    }
}
