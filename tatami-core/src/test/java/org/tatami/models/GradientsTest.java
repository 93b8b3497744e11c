package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.activations.ActivationFunction;
import org.tatami.data.Mnist;
import org.tatami.layers.Dense;
import org.tatami.layers.Input;
import org.tatami.layers.SymbolicTensor;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/** A training step in two halves (computeGradients, applyGradients): the step of fit, and shares that add up. */
class GradientsTest {
    private static final int N = 640;
    private static Tensor x;
    private static Tensor y;

    @BeforeAll
    static void load() throws Exception {
        Mnist.Split test = Mnist.load().test();
        x = test.images().slice(0, N).reshape(N, 28, 28, 1).div(255f);
        y = test.labels().slice(0, N).toFloat();
    }

    private static Model seedModel() {
        Tatami.setRandomSeed(3);
        Sequential model = SeedModel.create();
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        return model;
    }

    @Test
    void computeAndApplyAreFitsStep() {
        Model fitted = seedModel();
        History h = fitted.fit(x, y, new FitOptions().batchSize(N).epochs(1).shuffle(false).verbose(0));
        Model halves = seedModel();
        int[] all = new int[N];
        Arrays.setAll(all, i -> i);
        Gradients g = halves.computeGradients(List.of(x), List.of(y), all, N, 0);
        assertEquals(N, g.samples());
        // fit's History also has the epoch's learning rate, which no step computes.
        assertEquals(h.history().entrySet().stream().filter(e -> !e.getKey().equals("learning_rate"))
                        .map(e -> Map.entry(e.getKey(), e.getValue().get(0))).toList(),
                halves.logs(g.lossSums(), g.metrics(), g.samples()).entrySet().stream().toList());
        halves.applyGradients(g);
        for (int i = 0; i < fitted.getWeights().size(); i++) {
            assertArrayEquals(fitted.getWeights().get(i).data(), halves.getWeights().get(i).data(), "weight " + i);
        }
    }

    @Test
    void sharesOfABatchAddUpToItsGradient() {
        Model model = seedModel();
        int[] all = new int[N];
        Arrays.setAll(all, i -> i);
        Gradients whole = model.computeGradients(List.of(x), List.of(y), all, N, 0);
        // Odd and even samples: each share's loss divided by the whole batch's size.
        int[] even = new int[N / 2];
        int[] odd = new int[N / 2];
        Arrays.setAll(even, i -> 2 * i);
        Arrays.setAll(odd, i -> 2 * i + 1);
        Gradients sum = model.computeGradients(List.of(x), List.of(y), even, N, 0)
                .add(model.computeGradients(List.of(x), List.of(y), odd, N, 0));
        assertEquals(whole.samples(), sum.samples());
        assertArrayEquals(whole.metrics()[0][0], sum.metrics()[0][0], "the accuracy's counts");
        assertEquals(whole.lossSums()[0], sum.lossSums()[0], 1e-9 * whole.lossSums()[0]);
        for (int p = 0; p < whole.values().length; p++) {
            float[] a = whole.values()[p];
            float[] b = sum.values()[p];
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            // Another order of the same additions: float rounding, nothing more.
            assertTrue(diff <= 1e-5 * scale, "gradient " + p + ": " + diff + " of " + scale);
        }
    }

    @Test
    void trainableWeightsFollowTheGradientsAndSkipFrozenLayers() {
        Model model = seedModel();
        model.layers().get(0).trainable(false); // the Conv2D
        int[] some = {5, 1, 3};
        Gradients g = model.computeGradients(List.of(x), List.of(y), some, 3, 0);
        List<Tensor> weights = model.trainableWeights();
        assertEquals(4, weights.size());
        for (int i = 0; i < weights.size(); i++) {
            assertEquals(weights.get(i).size(), g.values()[i].length);
        }
        assertTrue(weights.get(0) == model.layers().get(3).parameters().get(0).value(), "the weight itself");
    }

    @Test
    void anEmptyShareHasZeroGradients() {
        Gradients g = seedModel().computeGradients(List.of(x), List.of(y), new int[0], 64, 0);
        assertEquals(0, g.samples());
        for (float[] v : g.values()) {
            assertTrue(Arrays.equals(v, new float[v.length]));
        }
    }

    @Test
    void badSharesAreRefused() {
        Model model = seedModel();
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
                () -> model.computeGradients(List.of(x), List.of(y), new int[] {0, N}, 8, 0));
        assertEquals("sample index 640 is outside x's 640 samples", index.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> model.computeGradients(List.of(x), List.of(y), new int[] {0, 1}, 1, 0));
        assertEquals("batchSize 1 is smaller than the 2 samples given", batch.getMessage());
        IllegalArgumentException apply = assertThrows(IllegalArgumentException.class,
                () -> model.applyGradients(new Gradients(new double[1], new double[1][0][], 1, new float[2][])));
        assertTrue(apply.getMessage().endsWith("has 6 trainable weight arrays, got 2 gradient arrays"),
                apply.getMessage());
    }

    @Test
    void outputActivationLooksInsideANestedModel() {
        SymbolicTensor in = Input.of(4);
        Model inner = new Model(in, new Dense(3).activation("softmax").apply(in));
        SymbolicTensor outer = Input.of(4);
        Model model = new Model(outer, inner.apply(outer));
        assertEquals(ActivationFunction.SOFTMAX, model.outputActivation(0));
        SymbolicTensor logits = Input.of(4);
        assertEquals(ActivationFunction.LINEAR, new Model(logits, new Dense(2).apply(logits)).outputActivation(0));
    }
}
