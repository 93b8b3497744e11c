package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.callbacks.ProgressBar;
import org.tatami.layers.Dense;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** fit's validation_split, class_weight, sample_weight and initial_epoch, as Keras defines them. */
class FitArgumentsTest {
    private static final int N = 150;
    private static final Tensor X;
    private static final IntTensor Y;

    static {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[N * 4];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) r.nextGaussian() + (j == y[i] ? 1.5f : 0f);
            }
        }
        X = Tensor.of(x, N, 4);
        Y = IntTensor.of(y, N);
    }

    private static Sequential model(long seed, double learningRate, boolean adam) {
        Tatami.setRandomSeed(seed);
        Sequential m = new Sequential(new Dense(8).activation("relu").inputShape(4),
                new Dense(3).activation("softmax"));
        m.compile(adam ? new Adam(learningRate) : new SGD(learningRate), new SparseCategoricalCrossentropy(),
                "accuracy");
        return m;
    }

    /** Keras takes the last fraction, before shuffling: the same run as training on the first 90%. */
    @Test
    void validationSplitTakesTheLastFraction() {
        Sequential split = model(1, 0.01, true);
        History h = split.fit(X, Y, new FitOptions().batchSize(16).epochs(3).verbose(0).validationSplit(0.1));
        Sequential explicit = model(1, 0.01, true);
        History e = explicit.fit(X.slice(0, 135), Y.slice(0, 135), new FitOptions().batchSize(16).epochs(3).verbose(0)
                .validationData(X.slice(135, N), Y.slice(135, N)));
        assertEquals(e.history(), h.history());
        assertWeightsEqual(explicit, split);
        assertEquals(split.evaluate(X.slice(135, N), Y.slice(135, N)).get("loss"), h.get("val_loss").get(2));
    }

    @Test
    void validationDataTakesPrecedenceOverTheSplit() {
        Sequential both = model(1, 0.01, true);
        History h = both.fit(X, Y, new FitOptions().batchSize(32).epochs(1).verbose(0).validationSplit(0.5)
                .validationData(X.slice(0, 10), Y.slice(0, 10)));
        Sequential plain = model(1, 0.01, true);
        plain.fit(X, Y, new FitOptions().batchSize(32).epochs(1).verbose(0));
        assertWeightsEqual(plain, both);
        assertEquals(both.evaluate(X.slice(0, 10), Y.slice(0, 10)).get("loss"), h.get("val_loss").get(0));
    }

    @Test
    void validationSplitThatLeavesNothingIsRefused() {
        Sequential m = model(1, 0.01, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(X.slice(0, 1), Y.slice(0, 1), new FitOptions().verbose(0).validationSplit(0.1)));
        assertEquals("validation_split=0.1 of 1 samples leaves none to train on: give more data or another"
                + " validation_split", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FitOptions().validationSplit(1.0));
    }

    /**
     * A class weight of 2 is the class's samples twice in the loss. Keras divides the weighted sum by the
     * batch size, so with one full batch of SGD the rate scales by the sizes: N' / N.
     */
    @Test
    void classWeightOfTwoIsDuplicatingTheClassSamples() {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(i);
            if (Y.get(i) == 0) {
                rows.add(i);
            }
        }
        int[] index = rows.stream().mapToInt(Integer::intValue).toArray();
        double rate = 0.5;
        Sequential weighted = model(3, rate, false);
        History hw = weighted.fit(X, Y, new FitOptions().batchSize(N).epochs(2).shuffle(false).verbose(0)
                .classWeight(Map.of(0, 2.0)));
        Sequential duplicated = model(3, rate * index.length / N, false);
        History hd = duplicated.fit(X.take(index), Y.take(index), new FitOptions().batchSize(index.length).epochs(2)
                .shuffle(false).verbose(0));
        assertWeightsClose(duplicated, weighted, 1e-5f);
        assertEquals(hd.get("loss").get(0) * index.length, hw.get("loss").get(0) * N, 1e-4);
        // Keras's compiled metrics are not weighted: accuracy counts samples, not weights.
        double correct = hw.get("accuracy").get(0) * N;
        assertEquals(Math.round(correct), correct, 1e-9);
    }

    /** Weight 0 removes a sample; weight 1 changes nothing, to the bit. */
    @Test
    void sampleWeightScalesEachSamplesLoss() {
        float[] halves = new float[N];
        int[] kept = new int[N / 2];
        for (int i = 0; i < N; i++) {
            halves[i] = i % 2 == 0 ? 1 : 0;
            if (i % 2 == 0) {
                kept[i / 2] = i;
            }
        }
        Sequential weighted = model(4, 0.4, false);
        History hw = weighted.fit(X, Y, new FitOptions().batchSize(N).epochs(2).shuffle(false).verbose(0)
                .sampleWeight(Tensor.of(halves, N)));
        Sequential half = model(4, 0.2, false);
        History hh = half.fit(X.take(kept), Y.take(kept), new FitOptions().batchSize(N / 2).epochs(2).shuffle(false)
                .verbose(0));
        assertWeightsClose(half, weighted, 1e-5f);
        assertEquals(hh.get("loss").get(1) / 2, hw.get("loss").get(1), 1e-6);

        Sequential ones = model(5, 0.01, true);
        History h1 = ones.fit(X, Y, new FitOptions().batchSize(32).epochs(2).verbose(0)
                .sampleWeight(Tensor.full(1f, N)));
        Sequential none = model(5, 0.01, true);
        History h0 = none.fit(X, Y, new FitOptions().batchSize(32).epochs(2).verbose(0));
        assertWeightsEqual(none, ones);
        assertEquals(h0.history(), h1.history());
    }

    /** As in Keras, validation_split splits sample_weight too and weighs val_loss with it; class_weight never. */
    @Test
    void validationLossIsWeightedBySampleWeightNotClassWeight() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = 0.5f + (i % 3);
        }
        Sequential m = model(6, 0.01, true);
        History h = m.fit(X, Y, new FitOptions().batchSize(32).epochs(1).verbose(0).validationSplit(0.2)
                .sampleWeight(Tensor.of(w, N)));
        double sum = 0;
        for (int i = 120; i < N; i++) {
            sum += w[i] * m.evaluate(X.slice(i, i + 1), Y.slice(i, i + 1)).get("loss");
        }
        assertEquals(sum / 30, h.get("val_loss").get(0), 1e-6);

        Sequential c = model(6, 0.01, true);
        History hc = c.fit(X, Y, new FitOptions().batchSize(32).epochs(1).verbose(0).validationSplit(0.2)
                .classWeight(Map.of(1, 3.0)));
        assertEquals(c.evaluate(X.slice(120, N), Y.slice(120, N)).get("loss"), hc.get("val_loss").get(0));
    }

    @Test
    void badWeightsAreRefused() {
        Sequential m = model(1, 0.01, true);
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> m.fit(X, Y,
                new FitOptions().verbose(0).classWeight(Map.of(0, 2.0)).sampleWeight(Tensor.full(1f, N))));
        assertEquals("give class_weight or sample_weight, not both", both.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> m.fit(X, Y,
                new FitOptions().verbose(0).sampleWeight(Tensor.full(1f, N - 1))));
        assertEquals("sample_weight has shape (149,): expected one weight per sample, shape (150,)",
                shape.getMessage());
        float[] nan = new float[N];
        nan[7] = Float.NaN;
        IllegalArgumentException notFinite = assertThrows(IllegalArgumentException.class, () -> m.fit(X, Y,
                new FitOptions().verbose(0).sampleWeight(Tensor.of(nan, N))));
        assertEquals("sample_weight of sample 7 is NaN: weights must be finite", notFinite.getMessage());
    }

    /**
     * Epochs are numbered from initial_epoch, and resuming there continues the run to the bit, shuffled:
     * the model's training streams count epochs and steps across fits.
     */
    @Test
    void initialEpochNumbersTheEpochsAndResumes() {
        Sequential straight = model(8, 0.01, true);
        History all = straight.fit(X, Y, new FitOptions().batchSize(32).epochs(3).verbose(0));

        Sequential resumed = model(8, 0.01, true);
        resumed.fit(X, Y, new FitOptions().batchSize(32).epochs(1).verbose(0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        History rest = resumed.fit(X, Y, new FitOptions().batchSize(32).epochs(3).initialEpoch(1)
                .verbose(0)
                .callbacks(new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)));
        assertWeightsEqual(straight, resumed);
        assertEquals(List.of(1, 2), rest.epoch());
        assertEquals(all.get("loss").subList(1, 3), rest.get("loss"));
        assertTrue(rest.toCsv().startsWith("epoch,loss,accuracy,learning_rate,seconds\n1,"), rest.toCsv());
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("Epoch 2/3\n") && printed.contains("\nEpoch 3/3\n"), printed);
        assertEquals(0, resumed.fit(X, Y, new FitOptions().epochs(3).initialEpoch(3).verbose(0)).epochs());
    }

    private static void assertWeightsEqual(Model expected, Model actual) {
        for (int i = 0; i < expected.getWeights().size(); i++) {
            assertArrayEquals(expected.getWeights().get(i).data(), actual.getWeights().get(i).data(), "weight " + i);
        }
    }

    private static void assertWeightsClose(Model expected, Model actual, float tolerance) {
        for (int i = 0; i < expected.getWeights().size(); i++) {
            assertArrayEquals(expected.getWeights().get(i).data(), actual.getWeights().get(i).data(), tolerance,
                    "weight " + i);
        }
    }
}
