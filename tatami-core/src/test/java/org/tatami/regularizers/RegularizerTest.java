package org.tatami.regularizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** L1, L2 and L1L2: penalties and gradients by hand, gradients against central differences, Keras's names. */
class RegularizerTest {
    private static final float[] W = {0.5f, -2f, 0f, 1.25f};

    @Test
    void penaltiesAndGradientsByHand() {
        assertEquals(0.01 * (0.5 + 2 + 0 + 1.25), new L1().penalty(W), 1e-8);
        assertEquals(0.01 * (0.25 + 4 + 0 + 1.5625), new L2().penalty(W), 1e-8);
        assertEquals(0.1 * 3.75 + 0.2 * 5.8125, new L1L2(0.1, 0.2).penalty(W), 1e-7);
        float[] g = {1, 1, 1, 1};
        new L1L2(0.1, 0.2).addGradient(W, g);
        // l1 sign(w) + 2 l2 w, sign(0) = 0: added to what was there.
        assertArrayEquals(new float[] {1 + 0.1f + 0.2f, 1 - 0.1f - 0.8f, 1, 1 + 0.1f + 0.5f}, g, 1e-6f);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        float[] w = {0.3f, -0.7f, 1.1f, -0.05f, 2.2f};
        for (Regularizer r : new Regularizer[] {new L1(0.3), new L2(0.7), new L1L2(0.2, 0.4)}) {
            float[] g = new float[w.length];
            r.addGradient(w, g);
            for (int i = 0; i < w.length; i++) {
                float saved = w[i];
                w[i] = saved + 0.01f;
                double plus = r.penalty(w);
                w[i] = saved - 0.01f;
                double minus = r.penalty(w);
                w[i] = saved;
                assertEquals((plus - minus) / 0.02, g[i], 1e-4, r.className() + " weight " + i);
            }
        }
    }

    @Test
    void kerasNamesDefaultsAndConfigs() {
        assertEquals(Map.of("l2", 0.01), Regularizer.of("l2").config());
        assertEquals(Map.of("l1", 0.01), Regularizer.of("L1").config());
        assertEquals(0.0, Regularizer.of("l1_l2").config().get("l1"));
        assertEquals("L1L2", Regularizer.of("l1_l2").className());
        assertEquals(Map.of("l2", 0.001), new L2(0.001).config());
        assertThrows(IllegalArgumentException.class, () -> Regularizer.of("orthogonal_regularizer"));
        assertThrows(IllegalArgumentException.class, () -> new L1(-0.1));
    }
}
