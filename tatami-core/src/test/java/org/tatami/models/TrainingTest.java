package org.tatami.models;

import org.tatami.kernels.CpuOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.data.Mnist;
import org.tatami.kernels.Parallel;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** Short versions of the seed workload: it learns, and it is reproducible at any thread count. */
class TrainingTest {
    private static Tensor xTrain;
    private static IntTensor tTrain;
    private static Tensor xTest;
    private static IntTensor tTest;

    @BeforeAll
    static void loadData() throws Exception {
        Mnist.Data mnist = Mnist.load();
        xTrain = mnist.train().images().reshape(60000, 28, 28, 1).div(255f);
        tTrain = mnist.train().labels();
        xTest = mnist.test().images().reshape(10000, 28, 28, 1).div(255f);
        tTest = mnist.test().labels();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static History train(Sequential model, int samples, int batch, int epochs) {
        model.compile(new Adam(0.01), new org.tatami.losses.SparseCategoricalCrossentropy(), "accuracy");
        return model.fit(xTrain.slice(0, samples), tTrain.slice(0, samples), new FitOptions()
                .batchSize(batch).epochs(epochs).verbose(0).validationData(xTest.slice(0, 2000), tTest.slice(0, 2000)));
    }

    @Test
    void seedModelLearnsMnist() {
        Tatami.setRandomSeed(0);
        Sequential model = SeedModel.create();
        History h = train(model, 20000, 512, 2);
        // Chance is 0.10; the seed notebook passes 0.89 after its first epoch on all 60k samples.
        double val = h.get("val_accuracy").get(1);
        assertTrue(val > 0.90, "val_accuracy after 2 epochs on 20k samples: " + val);
        assertTrue(h.get("loss").get(1) < h.get("loss").get(0), "loss did not fall: " + h.get("loss"));
        Map<String, Double> eval = model.evaluate(xTest.slice(0, 2000), tTest.slice(0, 2000).toFloat());
        assertEquals(val, eval.get("accuracy"), 1e-12, "evaluate agrees with the last validation");
    }

    @Test
    void sameSeedGivesIdenticalWeightsWithOneOrTwoThreads() {
        Run one = run(1);
        Run two = run(2);
        Run oneAgain = run(1);
        assertEquals(one.history, two.history, "history, 1 vs 2 threads");
        assertEquals(one.history, oneAgain.history, "history, 1 thread twice");
        for (int i = 0; i < one.weights.size(); i++) {
            assertArrayEquals(one.weights.get(i).data(), two.weights.get(i).data(), "weight " + i + ", 1 vs 2 threads");
            assertArrayEquals(one.weights.get(i).data(), oneAgain.weights.get(i).data(), "weight " + i + ", twice");
        }
    }

    /**
     * The seed's Conv2D + MaxPool2D run as one fused step: the same predictions as the layers one by
     * one, and (gradients summed in another order) the same training to four decimals.
     */
    @Test
    void fusedConvolutionAndPoolingTrainAsTheLayers() {
        Tensor x = xTest.slice(0, 500);
        Run fused = run(2);
        Tatami.setRandomSeed(0);
        float[] fusedPredictions = SeedModel.create().predict(x).data();
        Run layered;
        float[] layeredPredictions;
        CpuOptions before = CpuOptions.current();
        CpuOptions.set(new CpuOptions(false, "auto"));
        try {
            layered = run(2);
            Tatami.setRandomSeed(0);
            layeredPredictions = SeedModel.create().predict(x).data();
        } finally {
            CpuOptions.set(before);
        }
        assertArrayEquals(layeredPredictions, fusedPredictions, "predictions");
        for (String key : layered.history.keySet()) {
            for (int e = 0; e < layered.history.get(key).size(); e++) {
                assertEquals(layered.history.get(key).get(e), fused.history.get(key).get(e), 1e-4, key + " epoch " + e);
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentWeights() {
        Run a = run(2);
        Tatami.setRandomSeed(1);
        Sequential model = SeedModel.create();
        train(model, 300, 100, 1);
        assertTrue(!java.util.Arrays.equals(a.weights.get(0).data(), model.getWeights().get(0).data()));
    }

    private record Run(Map<String, List<Double>> history, List<Tensor> weights) {
    }

    private static Run run(int threads) {
        Parallel.setThreads(threads);
        Tatami.setRandomSeed(0);
        Sequential model = SeedModel.create();
        // 300 samples in batches of 100 cut into uneven chunks, and 2 epochs of shuffling.
        History h = train(model, 300, 100, 2);
        return new Run(h.history(), model.getWeights());
    }
}
