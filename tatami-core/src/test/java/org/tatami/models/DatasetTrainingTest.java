package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.callbacks.ProgressBar;
import org.tatami.data.Dataset;
import org.tatami.kernels.Parallel;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.MaxPool2D;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** fit, evaluate and predict on a Dataset: the same as on arrays where they should be, and reproducible. */
class DatasetTrainingTest {
    private static final int N = 300;
    private static final Tensor X;
    private static final IntTensor Y;

    static {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[N * 8 * 8];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(4);
            for (int p = 0; p < 64; p++) {
                // class k brightens quadrant k
                int quadrant = (p / 8 >= 4 ? 2 : 0) + (p % 8 >= 4 ? 1 : 0);
                x[i * 64 + p] = (float) (r.nextDouble() + (quadrant == y[i] ? 0.8 : 0));
            }
        }
        X = Tensor.of(x, N, 8, 8, 1);
        Y = IntTensor.of(y, N);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static Sequential model(long seed, boolean dropout) {
        Tatami.setRandomSeed(seed);
        Sequential m = dropout
                ? new Sequential(new Conv2D(4, 3).activation("relu").inputShape(8, 8, 1), new MaxPool2D(2),
                        new Flatten(), new Dropout(0.3), new Dense(4).activation("softmax"))
                : new Sequential(new Flatten().inputShape(8, 8, 1), new Dense(16).activation("relu"),
                        new Dense(4).activation("softmax"));
        m.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    /** A Dataset in order, batched as fit batches arrays without shuffling: the same training, to the bit. */
    @Test
    void aDatasetOfTheArraysTrainsAsTheArrays() {
        Sequential arrays = model(1, false);
        History ha = arrays.fit(X.slice(0, 250), Y.slice(0, 250), new FitOptions().batchSize(32).epochs(3)
                .shuffle(false).verbose(0).validationData(X.slice(250, N), Y.slice(250, N)));
        Sequential dataset = model(1, false);
        History hd = dataset.fit(Dataset.fromTensorSlices(X, Y).take(250).batch(32), new FitOptions().epochs(3)
                .verbose(0).validationData(Dataset.fromTensorSlices(X, Y).skip(250).batch(64)));
        assertWeightsEqual(arrays, dataset);
        assertEquals(ha.get("loss"), hd.get("loss"));
        assertEquals(ha.get("accuracy"), hd.get("accuracy"));
        assertEquals(ha.get("val_accuracy"), hd.get("val_accuracy"));
        for (int e = 0; e < 3; e++) {
            assertEquals(ha.get("val_loss").get(e), hd.get("val_loss").get(e), 1e-12);
        }
    }

    @Test
    void evaluateAndPredictTakeADataset() {
        Sequential m = model(2, false);
        m.fit(X, Y, new FitOptions().batchSize(32).epochs(1).verbose(0));
        Map<String, Double> arrays = m.evaluate(X, Y);
        Map<String, Double> batches = m.evaluate(Dataset.fromTensorSlices(X, Y).batch(50));
        assertEquals(arrays.get("accuracy"), batches.get("accuracy"));
        assertEquals(arrays.get("loss"), batches.get("loss"), 1e-12);
        Tensor predicted = m.predict(Dataset.fromTensorSlices(X, Y).batch(7));
        assertEquals(m.predict(X), predicted, "targets are ignored; one row per sample, in order");
        assertEquals(m.predict(X), m.predict(Dataset.fromTensorSlices(X).batch(64)));
    }

    /**
     * Shuffling, mapping, batching and prefetching on another thread, with dropout in the model: the same
     * seed gives the same weights with 1 or 2 threads, and with or without prefetch.
     */
    @Test
    void pipelineTrainingIsBitIdenticalWhateverTheThreads() {
        List<Tensor> one = trainPipeline(1, true);
        List<Tensor> two = trainPipeline(2, true);
        List<Tensor> noPrefetch = trainPipeline(2, false);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i).data(), two.get(i).data(), "weight " + i + ", 1 vs 2 threads");
            assertArrayEquals(one.get(i).data(), noPrefetch.get(i).data(), "weight " + i + ", without prefetch");
        }
        List<Tensor> otherSeed = trainPipelineSeeded(2, true, 5);
        assertTrue(!java.util.Arrays.equals(one.get(0).data(), otherSeed.get(0).data()), "the seed matters");
    }

    private static List<Tensor> trainPipeline(int threads, boolean prefetch) {
        return trainPipelineSeeded(threads, prefetch, 4);
    }

    private static List<Tensor> trainPipelineSeeded(int threads, boolean prefetch, long seed) {
        Parallel.setThreads(threads);
        Sequential m = model(seed, true);
        Dataset d = Dataset.fromTensorSlices(X, Y).shuffle(100).map(e -> e.withX(e.x().mul(0.5f))).batch(100);
        if (prefetch) {
            d = d.prefetch(2);
        }
        m.fit(d, new FitOptions().epochs(2).verbose(0));
        return m.getWeights();
    }

    /** A generator's size is not known: "n/Unknown" while the first epoch runs, the count learnt after it. */
    @Test
    void progressBarOfAnUnknownSize() {
        Sequential m = model(3, false);
        Dataset generated = Dataset.fromGenerator(() -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < N;
            }

            @Override
            public Dataset.Element next() {
                return Dataset.Element.of(X.get(i), Y.get(i++));
            }
        }).batch(64);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.fit(generated, new FitOptions().epochs(2).verbose(0)
                .callbacks(new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true)));
        String[] epochs = bytes.toString(StandardCharsets.UTF_8).split("Epoch 2/2\n");
        assertTrue(epochs[0].contains("\r1/Unknown - ") && epochs[0].contains("\r4/Unknown - "), epochs[0]);
        assertTrue(epochs[0].contains("\r5/5 [==============================] - "), epochs[0]);
        assertTrue(epochs[1].contains("\r1/5 [=====>........................] - ETA: "), epochs[1]);

        bytes.reset();
        m.fit(Dataset.fromTensorSlices(X, Y).batch(64), new FitOptions().epochs(1).verbose(0)
                .callbacks(new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true)));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("\r1/5 [=====>"), "a known cardinality");
    }

    /** class_weight and sample weights in the elements weigh the loss as they do with arrays. */
    @Test
    void weightsWorkAsWithArrays() {
        Sequential arrays = model(6, false);
        arrays.fit(X, Y, new FitOptions().batchSize(40).epochs(1).shuffle(false).verbose(0)
                .classWeight(Map.of(2, 3.0)));
        Sequential dataset = model(6, false);
        dataset.fit(Dataset.fromTensorSlices(X, Y).batch(40), new FitOptions().epochs(1).verbose(0)
                .classWeight(Map.of(2, 3.0)));
        assertWeightsEqual(arrays, dataset);

        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = (i % 5) / 2f;
        }
        Tensor weights = Tensor.of(w, N);
        Sequential weighted = model(7, false);
        History hw = weighted.fit(X, Y, new FitOptions().batchSize(40).epochs(1).shuffle(false).verbose(0)
                .sampleWeight(weights));
        Sequential elements = model(7, false);
        History he = elements.fit(Dataset.fromTensorSlices(List.of(X), List.of(Y.toFloat()), weights).batch(40),
                new FitOptions().epochs(1).verbose(0));
        assertWeightsEqual(weighted, elements);
        assertEquals(hw.get("loss"), he.get("loss"));
    }

    @Test
    void mistakesAreNamed() {
        Sequential m = model(8, false);
        IllegalArgumentException unbatched = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Dataset.fromTensorSlices(X, Y), new FitOptions().verbose(0)));
        assertEquals("dataset x has shape (8, 8, 1), model 'sequential' expects batches (None, 8, 8, 1): batch the"
                + " Dataset, e.g. dataset.batch(32)",
                unbatched.getMessage().replaceAll("sequential_\\d+", "sequential"));
        IllegalArgumentException unlabelled = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Dataset.fromTensorSlices(X).batch(8), new FitOptions().verbose(0)));
        assertEquals("dataset: the elements have no targets (y), which training and evaluating need",
                unlabelled.getMessage());
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Dataset.fromTensorSlices(X, Y).batch(8), new FitOptions().validationSplit(0.1)));
        assertTrue(split.getMessage().startsWith("validation_split is for arrays"), split.getMessage());
        IllegalArgumentException weights = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Dataset.fromTensorSlices(X, Y).batch(8), new FitOptions().sampleWeight(Tensor.full(1, N))));
        assertTrue(weights.getMessage().startsWith("sample_weight is for arrays"), weights.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Dataset.fromTensorSlices(X, Y).take(0).batch(8), new FitOptions().verbose(0)));
        assertEquals("the training Dataset gave no batch: it is empty", empty.getMessage());
    }

    /** A failure while reading ahead stops fit with that exception, and the reading thread is stopped. */
    @Test
    void aFailingSourceStopsFitAndItsThread() {
        AtomicBoolean closed = new AtomicBoolean();
        class Failing implements Iterator<Dataset.Element>, AutoCloseable {
            private int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Dataset.Element next() {
                if (i == 100) {
                    throw new IllegalStateException("sensor 100 unreadable");
                }
                return Dataset.Element.of(X.get(i), Y.get(i++));
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
        Sequential m = model(9, false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.fit(
                Dataset.fromGenerator(Failing::new).batch(16).prefetch(2), new FitOptions().verbose(0)));
        assertEquals("sensor 100 unreadable", e.getMessage());
        assertTrue(closed.get());
    }

    private static void assertWeightsEqual(Model expected, Model actual) {
        for (int i = 0; i < expected.getWeights().size(); i++) {
            assertArrayEquals(expected.getWeights().get(i).data(), actual.getWeights().get(i).data(), "weight " + i);
        }
    }
}
