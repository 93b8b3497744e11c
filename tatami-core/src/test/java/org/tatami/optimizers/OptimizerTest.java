package org.tatami.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;
import org.tatami.optimizers.schedules.CosineDecay;
import org.tatami.optimizers.schedules.ExponentialDecay;

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

    @Test
    void rmspropCenteredWithMomentum() {
        // Keras 3: v = rho v + (1-rho) g², a = rho a + (1-rho) g, d = lr g / sqrt(v - a² + eps),
        // m = momentum m + d, p -= m.
        double rho = 0.8f;
        double momentum = 0.5f;
        double eps = 1e-6f;
        double[] p = toDouble(P0);
        double[] v = new double[4];
        double[] a = new double[4];
        double[] m = new double[4];
        for (float[] g : new float[][] {G1, G2}) {
            for (int i = 0; i < 4; i++) {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                a[i] = rho * a[i] + (1 - rho) * g[i];
                m[i] = momentum * m[i] + 0.05 * g[i] / Math.sqrt(v[i] - a[i] * a[i] + eps);
                p[i] -= m[i];
            }
        }
        RMSprop rms = new RMSprop(0.05, 0.8, 0.5, 1e-6, true);
        assertClose(p, steps(rms, G1, G2));
        assertEquals(List.of("velocity", "momentum", "average_gradient"), rms.slotNames());
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

    @Test
    void nadamTwoSteps() {
        // u_t = b1 (1 - 0.5 * 0.96^t); m_hat = u_{t+1} m / (1 - u_1..u_{t+1}) + (1 - u_t) g / (1 - u_1..u_t);
        // v_hat = v / (1 - b2^t); p -= lr m_hat / (sqrt(v_hat) + eps).
        double lr = 0.1f;
        double b1 = 0.8f;
        double b2 = 0.99f;
        double eps = 1e-7f;
        double[] p = toDouble(P0);
        double[] m = new double[4];
        double[] v = new double[4];
        double product = 1;
        float[][] grads = {G1, G2};
        for (int t = 1; t <= 2; t++) {
            double ut = b1 * (1 - 0.5 * Math.pow(0.96, t));
            double ut1 = b1 * (1 - 0.5 * Math.pow(0.96, t + 1));
            product *= ut;
            for (int i = 0; i < 4; i++) {
                double g = grads[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = ut1 * m[i] / (1 - product * ut1) + (1 - ut) * g / (1 - product);
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        assertClose(p, steps(new Nadam(0.1, 0.8, 0.99, 1e-7), G1, G2));
    }

    @Test
    void adamaxTwoSteps() {
        // m = b1 m + (1-b1) g, u = max(b2 u, |g|), p -= lr m / ((1 - b1^t) (u + eps)).
        double[] p = toDouble(P0);
        double[] m = new double[4];
        double[] u = new double[4];
        double b1 = 0.9f;
        double b2 = 0.999f;
        float[][] grads = {G1, G2};
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 4; i++) {
                double g = grads[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                u[i] = Math.max(b2 * u[i], Math.abs(g));
                p[i] -= 0.01 * m[i] / ((1 - Math.pow(b1, t)) * (u[i] + 1e-7f));
            }
        }
        assertClose(p, steps(new Adamax(0.01), G1, G2));
    }

    @Test
    void adagradTwoSteps() {
        // The accumulator starts at 0.1: step 1 with lr 0.1 moves g = -2 by 0.2 / sqrt(4.1 + 1e-7) = 0.09877295.
        float[] one = P0.clone();
        new Adagrad(0.1).apply(List.of(one), List.of(G1.clone()));
        assertEquals(0.5 + 0.2 / Math.sqrt(4.1 + 1e-7), one[2], 1e-7);
        double[] p = toDouble(P0);
        double[] a = {0.1f, 0.1f, 0.1f, 0.1f};
        for (float[] g : new float[][] {G1, G2}) {
            for (int i = 0; i < 4; i++) {
                a[i] += (double) g[i] * g[i];
                p[i] -= 0.1 * g[i] / Math.sqrt(a[i] + 1e-7f);
            }
        }
        assertClose(p, steps(new Adagrad(0.1), G1, G2));
    }

    @Test
    void adadeltaTwoSteps() {
        // a = rho a + (1-rho) g², d = -sqrt(s + eps) g / sqrt(a + eps), s = rho s + (1-rho) d², p += lr d.
        double rho = 0.95f;
        double eps = 1e-7f;
        double[] p = toDouble(P0);
        double[] a = new double[4];
        double[] s = new double[4];
        for (float[] g : new float[][] {G1, G2}) {
            for (int i = 0; i < 4; i++) {
                a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
                double d = -Math.sqrt(s[i] + eps) * g[i] / Math.sqrt(a[i] + eps);
                s[i] = rho * s[i] + (1 - rho) * d * d;
                p[i] += 1.0 * d;
            }
        }
        assertClose(p, steps(new Adadelta(1.0), G1, G2));
    }

    @Test
    void adamwDecaysBeforeTheAdamStep() {
        // p -= p * wd * lr, then Adam's step from the decayed p: with lr 0.1 and wd 0.5, p * 0.95 first.
        double[] decayed = toDouble(P0);
        for (int i = 0; i < 4; i++) {
            decayed[i] *= 1 - 0.5 * 0.1f;
        }
        float[] start = new float[4];
        for (int i = 0; i < 4; i++) {
            start[i] = (float) decayed[i];
        }
        float[] p = P0.clone();
        new AdamW(0.1, 0.5).apply(List.of(p), List.of(G1.clone()));
        assertClose(adam(start, 0.1f, 0.9f, 0.999f, 1e-7f, G1), p);
        assertEquals(0.004f, new AdamW().weightDecay());
        assertEquals("AdamW", Optimizer.of("adamw").className());
    }

    @Test
    void weightDecayOnAnyOptimizer() {
        // SGD with lr 0.1, weight_decay 0.5, zero gradient: p -= p * 0.05.
        float[] p = {1f, -2f};
        new SGD(0.1).weightDecay(0.5).apply(List.of(p), List.of(new float[2]));
        assertEquals(0.95f, p[0]);
        assertEquals(-1.9f, p[1]);
    }

    @Test
    void clipping() {
        // Gradients {3, 4} (norm 5) and {12} (norm 12); together norm 13. SGD with lr 1 moves p by -g.
        assertArrayEquals(new float[] {-1.56f, -2.08f, -2.6f}, clippedStep(new SGD(1).clipnorm(2.6)), 1e-6f);
        assertArrayEquals(new float[] {-0.6f, -0.8f, -2.4f}, clippedStep(new SGD(1).globalClipnorm(2.6)), 1e-6f);
        assertArrayEquals(new float[] {-3f, -3f, -3f}, clippedStep(new SGD(1).clipvalue(3)), 0f);
        // Under the limit nothing changes; 0 means no clipping, as in Keras.
        assertArrayEquals(new float[] {-3f, -4f, -12f}, clippedStep(new SGD(1).globalClipnorm(13.5)), 0f);
        assertArrayEquals(new float[] {-3f, -4f, -12f}, clippedStep(new SGD(1).clipnorm(0)), 0f);
        assertThrows(IllegalArgumentException.class, () -> new SGD().clipnorm(1).clipvalue(1));
        assertThrows(IllegalArgumentException.class, () -> new SGD().clipnorm(-1));
    }

    private static float[] clippedStep(Optimizer opt) {
        float[] a = new float[2];
        float[] b = new float[1];
        opt.apply(List.of(a, b), List.of(new float[] {3f, 4f}, new float[] {12f}));
        return new float[] {a[0], a[1], b[0]};
    }

    @Test
    void aScheduleIsReadAtTheStepCountBeforeEachUpdate() {
        // lr 0.1 * 0.5^(step / 1): the first update uses 0.1, the second 0.05.
        SGD sgd = new SGD(new ExponentialDecay(0.1, 1, 0.5));
        float[] p = {0f};
        sgd.apply(List.of(p), List.of(new float[] {1f}));
        sgd.apply(List.of(p), List.of(new float[] {1f}));
        assertEquals(-0.15f, p[0], 1e-7f);
        assertEquals(0.025f, sgd.learningRate());
        assertThrows(IllegalStateException.class, () -> sgd.setLearningRate(0.1f));
    }

    /** Keras 3's config keys, and every optimizer reads back what it writes. */
    @Test
    void configsRoundTrip() {
        Gson gson = new GsonBuilder().serializeNulls().create();
        for (String name : List.of("adam", "adamw", "sgd", "rmsprop", "nadam", "adamax", "adagrad", "adadelta")) {
            Optimizer o = Optimizer.of(name).clipnorm(0.5);
            o.setLearningRate(new CosineDecay(0.01, 100, 0.1, 0.02, 10));
            JsonElement json = gson.toJsonTree(o.config());
            Optimizer back = Optimizer.fromConfig(o.className(), Fields.of("test", "", "config", json));
            assertEquals(gson.toJson(o.config()), gson.toJson(back.config()), name);
            assertEquals(0.5f, back.clipnorm());
            assertEquals(0.02f, back.schedule().call(10), name);
        }
        Map<String, Object> adam = new Adam().config();
        assertEquals(List.of("name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
                "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                "gradient_accumulation_steps", "beta_1", "beta_2", "epsilon", "amsgrad"), List.copyOf(adam.keySet()));
        assertEquals("SGD", new SGD().config().get("name"));
        Optimizer withEma = new Adam().useEma(true).emaMomentum(0.95).emaOverwriteFrequency(7);
        Optimizer emaBack = Optimizer.fromConfig("Adam", Fields.of("t", "", "c", gson.toJsonTree(withEma.config())));
        assertTrue(emaBack.useEma());
        assertEquals(0.95f, emaBack.emaMomentum());
        assertEquals(7, emaBack.emaOverwriteFrequency());
        // Options tatami does not implement are refused, not dropped.
        JsonObject scaled = gson.toJsonTree(new Adam().config()).getAsJsonObject();
        scaled.addProperty("loss_scale_factor", 128);
        assertThrows(ModelConfigException.class, () -> Optimizer.fromConfig("Adam", Fields.of("t", "", "c", scaled)));
        JsonObject noDecay = gson.toJsonTree(new AdamW().config()).getAsJsonObject();
        noDecay.add("weight_decay", JsonNull.INSTANCE);
        assertThrows(ModelConfigException.class, () -> Optimizer.fromConfig("AdamW", Fields.of("t", "", "c", noDecay)));
    }

    /**
     * Keras's use_ema, by hand with SGD(0.1), gradient 1, momentum 0.9 and an overwrite every 3 steps: the
     * average is the weight after the first step (momentum 0 there), then 0.9 average + 0.1 weight.
     * Steps: weight 0.9, 0.8, 0.7, average 0.9, 0.89, 0.871 (and the weight becomes 0.871 at step 3);
     * step 4: weight 0.771, average 0.9 * 0.871 + 0.1 * 0.771 = 0.861, which fit's end puts in place.
     */
    @Test
    void emaFollowsTheWeightsAsKeras() {
        float[] p = {1f};
        Optimizer sgd = new SGD(0.1).useEma(true).emaMomentum(0.9).emaOverwriteFrequency(3);
        double[] weights = {0.9, 0.8, 0.871, 0.771};
        double[] averages = {0.9, 0.89, 0.871, 0.861};
        for (int step = 0; step < 4; step++) {
            sgd.apply(List.of(p), List.of(new float[] {1f}));
            assertEquals(weights[step], p[0], 1e-6, "weight after step " + (step + 1));
            assertEquals(List.of("average"), sgd.stateNames());
            assertEquals(averages[step], sgd.state(p)[0][0], 1e-6, "average after step " + (step + 1));
        }
        sgd.finalizeVariableValues(List.of(p));
        assertEquals(0.861, p[0], 1e-6);
        float[] q = {1f};
        Optimizer plain = new SGD(0.1);
        plain.apply(List.of(q), List.of(new float[] {1f}));
        plain.finalizeVariableValues(List.of(q));
        assertEquals(0.9f, q[0], "without use_ema nothing is swapped in");
        assertThrows(IllegalArgumentException.class, () -> new SGD().emaMomentum(1.5));
        assertThrows(IllegalArgumentException.class, () -> new SGD().emaOverwriteFrequency(0));
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

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
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
