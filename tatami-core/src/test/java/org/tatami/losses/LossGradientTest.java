package org.tatami.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tatami.activations.ActivationFunction;
import org.tatami.layers.Dense;
import org.tatami.models.FitOptions;
import org.tatami.models.Sequential;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * Loss values against hand-computed numbers (probabilities chosen as exact binary fractions), and
 * gradients against central finite differences.
 *
 * <p>The cross-entropies compute in double from float inputs, so their finite differences carry no
 * float32 noise (MSE is the exception, see its test): with h = 1e-4 the error is the truncation h²/6 * |f'''|, at most 1e-8/6 * 2/p³ ~ 3e-6 for
 * probabilities p >= 0.1, i.e. ~3e-7 relative to gradients of size 1/p; the analytic gradient is
 * rounded to float (6e-8 relative). Tolerance 1e-5 relative + 1e-6: a hundred times the error, and
 * far below what a wrong term (the 1/sum(p) of the normalisation, the sum of soft targets, the
 * 2/width of MSE) would be off by.
 */
class LossGradientTest {
    private static final double H = 1e-4;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    // ---- values ----

    @Test
    void sparseFromProbabilities() {
        Loss loss = new SparseCategoricalCrossentropy();
        float[] p = {0.125f, 0.625f, 0.25f, 0.5f, 0.25f, 0.25f};
        // -ln(0.625) + -ln(0.25) = 0.4700036292457356 + 1.3862943611198906
        assertEquals(1.856297990365626, loss.compute(p, new float[] {1, 2}, 2, 3, null, 1f), 1e-12);
        // Keras divides by the row sum first: [1, 2, 1] is [0.25, 0.5, 0.25]; -ln(0.5) = ln 2.
        assertEquals(Math.log(2), loss.compute(new float[] {1, 2, 1}, new float[] {1}, 1, 3, null, 1f), 1e-12);
        assertEquals(1, loss.targetWidth(10));
    }

    @Test
    void sparseFromLogits() {
        Loss loss = new SparseCategoricalCrossentropy(true);
        // logsumexp(1, 2, 3) = 3.40760596444438; minus z[0] = 1, and minus z[2] = 3.
        float[] z = {1, 2, 3, 1, 2, 3};
        assertEquals(2.8152119288887603, loss.compute(z, new float[] {0, 2}, 2, 3, null, 1f), 1e-12);
        // Large logits stay finite (the maximum is subtracted first).
        assertEquals(1000.0, loss.compute(new float[] {1000, 0}, new float[] {1}, 1, 2, null, 1f), 1e-9);
    }

    @Test
    void categoricalFromProbabilities() {
        Loss loss = new CategoricalCrossentropy();
        float[] p = {0.125f, 0.625f, 0.25f, 0.5f, 0.25f, 0.25f};
        assertEquals(1.856297990365626, loss.compute(p, new float[] {0, 1, 0, 0, 0, 1}, 2, 3, null, 1f), 1e-12);
        // Soft targets: -(0.25 ln 0.125 + 0.75 ln 0.625).
        assertEquals(0.8723631073542606, loss.compute(new float[] {0.125f, 0.625f, 0.25f},
                new float[] {0.25f, 0.75f, 0}, 1, 3, null, 1f), 1e-12);
    }

    @Test
    void categoricalFromLogits() {
        Loss loss = new CategoricalCrossentropy(true);
        float[] z = {1, 2, 3, 1, 2, 3};
        assertEquals(2.8152119288887603, loss.compute(z, new float[] {1, 0, 0, 0, 0, 1}, 2, 3, null, 1f), 1e-12);
        // Targets summing to 1.25: 1.25 logsumexp(z) - t.z = 1.25 * 3.40760596444438 - 2.75.
        assertEquals(1.5095074555554753, loss.compute(new float[] {1, 2, 3}, new float[] {0.25f, 0.5f, 0.5f}, 1, 3,
                null, 1f), 1e-12);
    }

    @Test
    void meanSquaredError() {
        Loss loss = new MeanSquaredError();
        // Mean over the row, summed over rows: (0.25 + 0 + 4)/3 + (1 + 0.25 + 4)/3.
        float[] pred = {1, 2, 3, -1, 0.5f, 2};
        float[] target = {1.5f, 2, 1, 0, 0, 0};
        assertEquals(3.166666666666667, loss.compute(pred, target, 2, 3, null, 1f), 1e-12);
    }

    @Test
    void binaryCrossentropy() {
        // -ln(0.75) per element, averaged over the row.
        float[] p = {0.25f, 0.75f};
        assertEquals(0.2876820724517809, new BinaryCrossentropy().compute(p, new float[] {0, 1}, 1, 2, null, 1f), 1e-12);
        // Smoothing 0.2: targets 0.1 and 0.9; each element -(0.1 ln 0.25 + 0.9 ln 0.75) (0.2 is held as the
        // float32 0.2000000030, as Keras holds it: 2e-9 off).
        assertEquals(0.3975433013185919, new BinaryCrossentropy(false, 0.2).compute(p, new float[] {0, 1}, 1, 2, null,
                1f), 1e-8);
        // Keras's documented example: bce([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], from_logits) = 0.865, and
        // the same over two rows of two is 0.865 per row.
        float[] z = {-18.6f, 0.51f, 2.94f, -12.8f};
        assertEquals(0.865, new BinaryCrossentropy(true).compute(z, new float[] {0, 1, 0, 0}, 1, 4, null, 1f), 5e-4);
        assertEquals(2 * 0.865, new BinaryCrossentropy(true).compute(z, new float[] {0, 1, 0, 0}, 2, 2, null, 1f), 1e-3);
        // Large logits stay finite.
        assertEquals(1000.0, new BinaryCrossentropy(true).compute(new float[] {-1000}, new float[] {1}, 1, 1, null, 1f),
                1e-9);
    }

    @Test
    void categoricalLabelSmoothing() {
        // Smoothing 0.3 over 3 classes: [0, 1, 0] becomes [0.1, 0.8, 0.1];
        // -(0.1 ln 0.125 + 0.8 ln 0.625 + 0.1 ln 0.25).
        float[] p = {0.125f, 0.625f, 0.25f};
        assertEquals(0.7225764936765611, new CategoricalCrossentropy(false, 0.3).compute(p, new float[] {0, 1, 0}, 1, 3,
                null, 1f), 1e-7);
        assertEquals(new CategoricalCrossentropy(false, 0.3).compute(p, new float[] {0, 1, 0}, 1, 3, null, 1f),
                new CategoricalCrossentropy().compute(p, new float[] {0.1f, 0.8f, 0.1f}, 1, 3, null, 1f), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> new CategoricalCrossentropy(false, 1.5));
    }

    @Test
    void huberAndMeanAbsoluteError() {
        // Errors 0.5, 3, -2 with delta 1: 0.125, 3 - 0.5, 2 - 0.5; mean 1.375.
        assertEquals(1.375, new Huber().compute(new float[] {0.5f, 3, -2}, new float[3], 1, 3, null, 1f), 1e-12);
        // Keras's documented example: 0.155.
        float[] pred = {0.6f, 0.4f, 0.4f, 0.6f};
        float[] target = {0, 1, 0, 0};
        assertEquals(2 * 0.155, new Huber().compute(pred, target, 2, 2, null, 1f), 1e-7);
        // delta 2, error 5: 2 * 5 - 2.
        assertEquals(8.0, new Huber(2).compute(new float[] {5}, new float[] {0}, 1, 1, null, 1f), 1e-12);
        // Keras's documented example for mae: [[0, 1], [0, 0]] against [[1, 1], [1, 0]] is 0.5 per row.
        assertEquals(1.0, new MeanAbsoluteError().compute(new float[] {1, 1, 1, 0}, target, 2, 2, null, 1f), 1e-12);
    }

    /** Keras clips probabilities to [1e-7, 1 - 1e-7]; where the clip is active the gradient is zero. */
    @Test
    void clippedProbabilities() {
        float[] p = {0, 1, 0};
        float[] grad = new float[3];
        double v = new SparseCategoricalCrossentropy().compute(p, new float[] {0}, 1, 3, grad, 1f);
        assertEquals(-Math.log(Loss.EPSILON), v, 1e-9);
        assertEquals(16.118095639272223, v, 1e-9);
        assertArrayEquals(new float[3], grad);
        double c = new CategoricalCrossentropy().compute(p, new float[] {1, 0, 0}, 1, 3, grad, 1f);
        assertEquals(v, c, 1e-12);
        assertArrayEquals(new float[3], grad);
    }

    // ---- gradients ----

    @Test
    void sparseGradients() {
        SplittableRandom rnd = new SplittableRandom(1);
        float[] labels = {2, 0, 3};
        // Unnormalised probabilities: the gradient includes the 1/sum term.
        checkGradient(new SparseCategoricalCrossentropy(), probabilities(rnd, 12), labels, 3, 4, H);
        checkGradient(new SparseCategoricalCrossentropy(true), uniform(rnd, 12, -3, 3), labels, 3, 4, H);
    }

    @Test
    void categoricalGradients() {
        SplittableRandom rnd = new SplittableRandom(2);
        // One-hot rows, and soft rows whose sum is not 1.
        float[] targets = {0, 0, 1, 0, 0.25f, 0.5f, 0, 0.5f, 0.1f, 0.2f, 0.3f, 0.2f};
        checkGradient(new CategoricalCrossentropy(), probabilities(rnd, 12), targets, 3, 4, H);
        checkGradient(new CategoricalCrossentropy(true), uniform(rnd, 12, -3, 3), targets, 3, 4, H);
    }

    @Test
    void binaryAndSmoothedGradients() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] targets = {0, 1, 1, 0, 0.25f, 0.5f, 0, 0.5f, 1, 0, 0.3f, 1};
        // Within [0.1, 0.9]: -ln(1 - p) curves as sharply near 1 as -ln(p) near 0.
        checkGradient(new BinaryCrossentropy(), uniform(rnd, 12, 0.1, 0.9), targets, 3, 4, H);
        checkGradient(new BinaryCrossentropy(false, 0.1), uniform(rnd, 12, 0.1, 0.9), targets, 3, 4, H);
        checkGradient(new BinaryCrossentropy(true, 0.2), uniform(rnd, 12, -3, 3), targets, 3, 4, H);
        float[] oneHot = {0, 0, 1, 0, 1, 0, 0, 0, 0, 0.5f, 0.5f, 0};
        checkGradient(new CategoricalCrossentropy(false, 0.1), probabilities(rnd, 12), oneHot, 3, 4, H);
        checkGradient(new CategoricalCrossentropy(true, 0.25), uniform(rnd, 12, -3, 3), oneHot, 3, 4, H);
        float[] z = uniform(rnd, 12, -2, 2);
        checkFused(new CategoricalCrossentropy(false, 0.2), z, oneHot);
    }

    /**
     * Huber and MAE are piecewise quadratic and linear: central differences with h = 0.01 are exact
     * but for float rounding of the shifted predictions, provided no kink (|e| = delta, e = 0) lies within
     * h; the errors here stay 0.05 away from them.
     */
    @Test
    void huberAndAbsoluteErrorGradients() {
        float[] pred = {0.3f, -0.4f, 2.5f, -1.7f, 0.9f, 1.2f};
        float[] target = {0, 0, 0, 0.2f, 0.1f, -1};
        checkGradient(new Huber(), pred, target, 2, 3, 0.01);
        checkGradient(new Huber(0.5), pred, target, 2, 3, 0.01);
        checkGradient(new MeanAbsoluteError(), pred, target, 2, 3, 0.01);
    }

    /**
     * MSE takes pred - target in float (6e-8 relative), which h = 1e-4 would amplify past the
     * tolerance; being quadratic, its central differences are exact for any h, so h = 0.5.
     */
    @Test
    void meanSquaredErrorGradient() {
        SplittableRandom rnd = new SplittableRandom(3);
        checkGradient(new MeanSquaredError(), uniform(rnd, 12, -1, 1), uniform(rnd, 12, -1, 1), 3, 4, 0.5);
    }

    /**
     * The fused path against finite differences of {@code compute(softmax(z))} in z, softmax in
     * float32 as the engine runs it. Float rounding of p (6e-8 relative) makes the loss noisy by
     * ~1e-7, so h = 1e-2 here: noise 1e-7/2h = 5e-6, truncation h²/6 * |f'''| < 2e-5 (softmax and
     * log are smooth at these z); tolerance 1e-3 relative + 1e-4.
     */
    @Test
    void fusedSoftmaxGradients() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] z = uniform(rnd, 12, -2, 2);
        checkFused(new SparseCategoricalCrossentropy(), z, new float[] {1, 3, 0});
        checkFused(new CategoricalCrossentropy(), z, new float[] {0, 1, 0, 0, 0.25f, 0, 0.5f, 0.5f, 0.3f, 0.2f, 0, 0});
        assertTrue(new SparseCategoricalCrossentropy().fusesWithSoftmax());
        assertTrue(!new SparseCategoricalCrossentropy(true).fusesWithSoftmax());
        assertThrows(UnsupportedOperationException.class,
                () -> new MeanSquaredError().computeFromSoftmax(z, z, 3, 4, null, 1f));
    }

    private static void checkFused(Loss loss, float[] z, float[] targets) {
        int rows = 3;
        int width = 4;
        float scale = 0.5f;
        float[] p = softmax(z, rows, width);
        float[] grad = new float[z.length];
        double fused = loss.computeFromSoftmax(p, targets, rows, width, grad, scale);
        assertEquals(loss.compute(p, targets, rows, width, null, 1f), fused, 1e-6, "fused value");
        double h = 1e-2;
        for (int i = 0; i < z.length; i++) {
            float[] zp = z.clone();
            float[] zm = z.clone();
            zp[i] = (float) (z[i] + h);
            zm[i] = (float) (z[i] - h);
            double numeric = (loss.compute(softmax(zp, rows, width), targets, rows, width, null, 1f)
                    - loss.compute(softmax(zm, rows, width), targets, rows, width, null, 1f))
                    / ((double) zp[i] - zm[i]);
            double analytic = grad[i] / scale;
            assertEquals(numeric, analytic, 1e-3 * Math.abs(numeric) + 1e-4, loss.name() + " logit " + i);
        }
    }

    // ---- labels ----

    @Test
    void badLabelsNameTheSample() {
        Loss sparse = new SparseCategoricalCrossentropy();
        float[] p = new float[30];
        java.util.Arrays.fill(p, 0.1f);
        assertBadLabel("label 10.0 of sample 2", () -> sparse.compute(p, new float[] {0, 9, 10}, 3, 10, null, 1f));
        assertBadLabel("label 1.5 of sample 0", () -> sparse.compute(p, new float[] {1.5f, 1, 1}, 3, 10, null, 1f));
        assertBadLabel("label -1.0 of sample 1", () -> new SparseCategoricalCrossentropy(true)
                .compute(p, new float[] {0, -1, 1}, 3, 10, new float[30], 1f));
        assertBadLabel("label NaN of sample 1", () -> sparse.compute(p, new float[] {0, Float.NaN, 1}, 3, 10,
                null, 1f));
        assertBadLabel("label 10.0 of sample 1", () -> sparse.computeFromSoftmax(p, new float[] {3, 10, 1}, 3, 10,
                new float[30], 1f));
    }

    /**
     * Through a model, the loss sees shuffled chunks of 64 samples; the labels are checked before
     * training starts, so the message gives the sample's index in the data and no step is taken.
     */
    @Test
    void badLabelsInModelDataNameTheirIndexInTheData() {
        Sequential model = new Sequential(new Dense(3).activation("softmax").inputShape(2));
        model.compile("adam", "sparse_categorical_crossentropy");
        int[] labels = new int[100];
        labels[70] = 3;
        Tensor x = Tensor.full(1f, 100, 2);
        IntTensor y = IntTensor.of(labels, 100);
        List<Tensor> before = model.getWeights();
        assertBadLabel("label 3.0 of sample 70", () -> model.fit(x, y, new FitOptions().epochs(1).verbose(0)));
        assertEquals(before, model.getWeights());
        assertBadLabel("label 3.0 of sample 70", () -> model.evaluate(x, y));
        new SparseCategoricalCrossentropy().checkTargets(new float[] {0, 2, 1}, 3, 3);
        assertBadLabel("label 3.0 of sample 2", () -> new SparseCategoricalCrossentropy()
                .checkTargets(new float[] {0, 2, 3}, 3, 3));
    }

    private static void assertBadLabel(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    // ---- helpers ----

    /** Analytic gradient (written with scale 0.25) against central differences of the summed loss. */
    private static void checkGradient(Loss loss, float[] pred, float[] targets, int rows, int width, double h) {
        float scale = 0.25f;
        float[] grad = new float[pred.length];
        java.util.Arrays.fill(grad, Float.NaN);
        double value = loss.compute(pred, targets, rows, width, grad, scale);
        assertEquals(value, loss.compute(pred, targets, rows, width, null, 0f), 0.0, "value without gradient");
        for (int i = 0; i < pred.length; i++) {
            float[] plus = pred.clone();
            float[] minus = pred.clone();
            plus[i] = (float) (pred[i] + h);
            minus[i] = (float) (pred[i] - h);
            double numeric = (loss.compute(plus, targets, rows, width, null, 1f)
                    - loss.compute(minus, targets, rows, width, null, 1f)) / ((double) plus[i] - minus[i]);
            double analytic = grad[i] / (double) scale;
            double tol = REL * Math.max(Math.abs(numeric), Math.abs(analytic)) + ABS;
            assertEquals(numeric, analytic, tol, loss.name() + " element " + i);
        }
    }

    private static float[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(lo, hi);
        }
        return v;
    }

    /** Positive values in [0.1, 1): far from the clip, and rows deliberately not summing to 1. */
    private static float[] probabilities(SplittableRandom rnd, int n) {
        return uniform(rnd, n, 0.1, 1);
    }

    private static float[] softmax(float[] z, int rows, int width) {
        float[] p = z.clone();
        ActivationFunction.SOFTMAX.forward(p, 0, rows, width);
        return p;
    }
}
