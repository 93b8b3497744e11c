package org.tatami.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One and two steps of each optimizer against Keras's update rules evaluated in double.
 *
 * <p>Hyperparameters are float32, as the optimizers hold them (and as Keras casts them to the
 * variable's dtype): beta_2 = 0.999f, so 1 - beta_2 = 9.9998713e-4 rather than 1e-3, which moves
 * epsilon-dominated Adam steps by ~1e-5 relative; the references use the same float values. The
 * parameters move in float32, so results then match to float rounding, ~1e-7 relative; the
 * tolerance is 1e-6 relative. The gradients include 1e-6, where epsilon dominates the denominator:
 * there the formulas that differ only in where epsilon goes (textbook Adam's bias-corrected
 * epsilon, Keras 2's RMSprop {@code sqrt(v) + eps}) disagree by far more than that, as the tests show.
 */
class OptimizerTest {
    private static final float[] P0 = {0.01f, -0.02f, 0.5f, 0f};
    private static final float[] G1 = {1e-6f, 0.5f, -2f, 0f};
    private static final float[] G2 = {3e-6f, -0.25f, -1f, 0.1f};

    @Test
    void adamFirstStep() {
        // Step 1 with lr 0.1, c1 = 1 - b1, c2 = 1 - b2: m = c1 g, v = c2 g², alpha = 0.1 sqrt(c2) / c1,
        // so p -= 0.1 g / (|g| + eps / sqrt(c2)), and eps / sqrt(c2) = 1e-7 / sqrt(9.9998713e-4) = 3.16229805e-6
        // (float32 values: 0.01f, -0.02f, 1e-6f, 1e-7f, 0.999f):
        //   g = 1e-6:  0.01  - 0.1 / 4.16229805      = -0.01402519015571859
        //   g = 0.5:  -0.02  - 0.1 * 0.5 / 0.50000316 = -0.11999936858746113
        //   g = -2:    0.5   + 0.1 * 2 / 2.00000316   =  0.5999998433754611
        //   g = 0:     unchanged.
        float[] p = P0.clone();
        Adam adam = new Adam(0.1);
        adam.apply(List.of(p), List.of(G1.clone()));
        assertClose(new double[] {-0.01402519015571859, -0.11999936858746113, 0.5999998433754611, 0}, p);
        assertEquals(1, adam.iterations());
        // Textbook Adam, lr m̂ / (sqrt(v̂) + eps), would give 0.01 - 0.1 / 1.1 = -0.0809 for g = 1e-6.
        assertTrue(Math.abs(p[0] - (0.01 - 0.1 * 1e-6 / (1e-6 + 1e-7))) > 0.05);
    }

    @Test
    void adamTwoSteps() {
        float[] p = P0.clone();
        Adam adam = new Adam(0.1, 0.8, 0.99, 1e-7);
        adam.apply(List.of(p), List.of(G1.clone()));
        adam.apply(List.of(p), List.of(G2.clone()));
        assertClose(adam(P0, 0.1f, 0.8f, 0.99f, 1e-7f, G1, G2), p);
        assertClose(adam(P0, 0.001f, 0.9f, 0.999f, 1e-7f, G1, G2), steps(new Adam(), G1, G2));
    }

    @Test
    void sgdPlain() {
        // p -= 0.1 g: 0.01 - 1e-7, -0.02 - 0.05, 0.5 + 0.2, 0.
        float[] p = P0.clone();
        SGD sgd = new SGD(0.1);
        sgd.apply(List.of(p), List.of(G1.clone()));
        assertClose(new double[] {0.0099999, -0.07, 0.7, 0}, p);
        double[] two = new double[4];
        for (int i = 0; i < 4; i++) {
            two[i] = P0[i] - 0.1 * (double) G1[i] - 0.1 * (double) G2[i];
        }
        assertClose(two, steps(new SGD(0.1), G1, G2));
    }

    @Test
    void sgdMomentum() {
        // v1 = -0.1 g1, p1 = p0 + v1; v2 = 0.9 v1 - 0.1 g2, p2 = p1 + v2.
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            double v1 = -0.1 * G1[i];
            double v2 = 0.9 * v1 - 0.1 * G2[i];
            expected[i] = P0[i] + v1 + v2;
        }
        assertClose(expected, steps(new SGD(0.1, 0.9, false), G1, G2));
    }

    @Test
    void sgdNesterov() {
        // p += momentum v - lr g with the new v: p1 = p0 - 0.19 g1; p2 = p1 + 0.9 v2 - 0.1 g2.
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            double v1 = -0.1 * G1[i];
            double p1 = P0[i] + 0.9 * v1 - 0.1 * G1[i];
            double v2 = 0.9 * v1 - 0.1 * G2[i];
            expected[i] = p1 + 0.9 * v2 - 0.1 * G2[i];
        }
        float[] p = steps(new SGD(0.1, 0.9, true), G1, G2);
        assertClose(expected, p);
        // Plain momentum ends elsewhere: the two must not be confused.
        assertTrue(Math.abs(p[2] - steps(new SGD(0.1, 0.9, false), G1, G2)[2]) > 0.1);
    }

    @Test
    void rmsprop() {
        // Keras 3: v = 0.9 v + 0.1 g², p -= lr g / sqrt(v + 1e-7). Step 1 with lr 0.01:
        //   g = 1e-6:  0.01 - 0.01e-6 / sqrt(1e-13 + 1e-7)  = 0.009968377239209692
        //   g = 0.5:  -0.02 - 0.005 / sqrt(0.025 + 1e-7)   = -0.05162271335632032
        //   g = -2:    0.5  + 0.02 / sqrt(0.4 + 1e-7)      = 0.5316227726488375
        float[] p = P0.clone();
        RMSprop rms = new RMSprop(0.01);
        rms.apply(List.of(p), List.of(G1.clone()));
        assertClose(new double[] {0.009968377239209692, -0.05162271335632032, 0.5316227726488375, 0}, p);
        // Keras 2's sqrt(v) + eps would move the first parameter to -0.014.
        assertTrue(Math.abs(p[0] - (0.01 - 0.01 * 1e-6 / (Math.sqrt(1e-13) + 1e-7))) > 0.01);

        double lr = 0.05f;
        double rho = 0.8f;
        double eps = 1e-6f;
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            double v1 = (1 - rho) * G1[i] * G1[i];
            double p1 = P0[i] - lr * G1[i] / Math.sqrt(v1 + eps);
            double v2 = rho * v1 + (1 - rho) * G2[i] * G2[i];
            expected[i] = p1 - lr * G2[i] / Math.sqrt(v2 + eps);
        }
        assertClose(expected, steps(new RMSprop(0.05, 0.8, 1e-6), G1, G2));
    }

    /** State is per parameter: two parameters of different sizes do not share momenta. */
    @Test
    void statePerParameter() {
        float[] a = {1f, 2f};
        float[] b = {3f};
        Adam adam = new Adam(0.1);
        adam.apply(List.of(a, b), List.of(new float[] {0.5f, 0.5f}, new float[] {-1f}));
        adam.apply(List.of(a, b), List.of(new float[] {0.5f, 0.5f}, new float[] {-1f}));
        float[] alone = {3f};
        Adam single = new Adam(0.1);
        single.apply(List.of(alone), List.of(new float[] {-1f}));
        single.apply(List.of(alone), List.of(new float[] {-1f}));
        assertEquals(alone[0], b[0]);
        assertEquals(a[0] - 1f, a[1] - 2f, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> adam.apply(List.of(a), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SGD(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1.0, 0.999, 1e-7));
    }

    // ---- references in double ----

    /**
     * Keras's Adam: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g², alpha = lr sqrt(1 - b2^t) / (1 - b1^t),
     * p -= alpha m / (sqrt(v) + eps); in double, from the float32 hyperparameters.
     */
    private static double[] adam(float[] p0, float lr, float b1, float b2, float eps, float[]... grads) {
        double[] p = new double[p0.length];
        double[] m = new double[p0.length];
        double[] v = new double[p0.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = p0[i];
        }
        int t = 0;
        for (float[] g : grads) {
            t++;
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < p.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * (double) g[i] * g[i];
                p[i] -= alpha * m[i] / (Math.sqrt(v[i]) + eps);
            }
        }
        return p;
    }

    private static float[] steps(Optimizer opt, float[]... grads) {
        float[] p = P0.clone();
        for (float[] g : grads) {
            opt.apply(List.of(p), List.of(g.clone()));
        }
        return p;
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]) + 1e-9, "parameter " + i);
        }
    }
}
