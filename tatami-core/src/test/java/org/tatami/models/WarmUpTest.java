package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** A warm-up changes nothing a run computes: not the model, not the random draws, not the names. */
class WarmUpTest {
    private static final int SAMPLES = 300;

    private record Run(History history, List<Tensor> weights, long nextDraw, String nextName) {
    }

    private static Run run(boolean warmUp) {
        Tatami.clearSession();
        Tatami.setRandomSeed(3);
        Sequential model = SeedModel.create();
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        if (warmUp) {
            List<Tensor> before = copies(model.getWeights());
            try (WarmUp w = WarmUp.start(model)) {
                awaitSteps(w, 2);
                assertNull(w.failure(), "the seed model warms up");
            }
            List<Tensor> after = model.getWeights();
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i).data(), after.get(i).data(), "weight " + i + " after the warm-up");
            }
            assertEquals(0, model.optimizer().iterations(), "the real optimizer took no step");
            assertNull(model.history(), "the real model has no history");
        }
        SplittableRandom data = new SplittableRandom(11);
        Tensor x = Tensor.zeros(SAMPLES, 28, 28, 1);
        float[] v = x.data();
        for (int i = 0; i < v.length; i++) {
            v[i] = data.nextFloat();
        }
        int[] labels = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i] = data.nextInt(10);
        }
        IntTensor y = IntTensor.of(labels, SAMPLES);
        History h = model.fit(x, y, new FitOptions().batchSize(128).epochs(2).verbose(0)
                .validationData(x.slice(0, 100), y.slice(0, 100)));
        return new Run(h, model.getWeights(), Tatami.newRandom().nextLong(), new Dense(1).name());
    }

    private static List<Tensor> copies(List<Tensor> tensors) {
        return tensors.stream().map(Tensor::copy).toList();
    }

    /** Waits for the warm-up to get going (compiling can take a while on a busy machine); no timing is checked. */
    private static void awaitSteps(WarmUp w, int steps) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (w.steps() < steps && w.failure() == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertTrue(w.steps() >= steps || w.failure() != null, "the warm-up never ran " + steps + " steps");
    }

    @Test
    void trainingAfterAWarmUpIsBitIdentical() {
        Run plain = run(false);
        Run warmed = run(true);
        assertEquals(plain.history().history(), warmed.history().history(), "history");
        for (int i = 0; i < plain.weights().size(); i++) {
            assertArrayEquals(plain.weights().get(i).data(), warmed.weights().get(i).data(), "weight " + i);
        }
        assertEquals(plain.nextDraw(), warmed.nextDraw(), "the session's random stream");
        assertEquals(plain.nextName(), warmed.nextName(), "the session's layer names");
    }

    @Test
    void runsOnOneThreadAndGivesTheCallersBack() {
        int threads = Tatami.threads();
        Sequential model = SeedModel.create();
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        try {
            Tatami.setThreads(2);
            try (WarmUp w = WarmUp.start(model)) {
                assertEquals(1, Tatami.threads(), "threads while warming up");
                awaitSteps(w, 1);
                w.finish(Duration.ofMillis(1));
                assertEquals(2, Tatami.threads(), "threads after finish");
            }
            assertEquals(2, Tatami.threads(), "threads after close");
        } finally {
            Tatami.setThreads(threads);
        }
    }

    @Test
    void needsABuiltCompiledModel() {
        Sequential unbuilt = new Sequential(new Dense(3));
        assertThrows(IllegalStateException.class, () -> WarmUp.start(unbuilt));
        Sequential uncompiled = SeedModel.create();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WarmUp.start(uncompiled));
        assertTrue(e.getMessage().contains("compiled"), e.getMessage());
    }

    /** A model the warm-up cannot feed (here: one-hot targets) is simply not warmed up. */
    @Test
    void aModelItCannotRunIsReportedNotThrown() {
        Sequential model = SeedModel.create();
        model.compile(new Adam(0.01), new org.tatami.losses.CategoricalCrossentropy(), "accuracy");
        try (WarmUp w = WarmUp.start(model)) {
            awaitSteps(w, 1);
            assertTrue(w.failure() != null, "one-hot targets are not made up");
            assertEquals(0, w.steps());
        }
    }
}
