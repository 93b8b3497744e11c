package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.callbacks.ProgressBar;
import org.tatami.kernels.Parallel;
import org.tatami.layers.Dense;
import org.tatami.layers.Input;
import org.tatami.layers.SymbolicTensor;
import org.tatami.losses.BinaryCrossentropy;
import org.tatami.losses.MeanSquaredError;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.metrics.AUC;
import org.tatami.metrics.Mean;
import org.tatami.metrics.MeanMetricWrapper;
import org.tatami.metrics.Metric;
import org.tatami.metrics.MetricRegistry;
import org.tatami.metrics.Precision;
import org.tatami.metrics.Recall;
import org.tatami.metrics.SparseTopKCategoricalAccuracy;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.Tensor;

/**
 * Metrics in compile, as Keras's: names and objects, Keras's keys in History and on the progress line,
 * per output for several outputs, the same figures as the metric on its own, whatever the threads, and
 * kept through save and load.
 */
class CompileMetricsTest {
    private static final int N = 150;

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static Tensor x() {
        SplittableRandom r = new SplittableRandom(8);
        float[] v = new float[N * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, N, 4);
    }

    private static Tensor binaryTargets(Tensor x) {
        float[] t = new float[N];
        for (int i = 0; i < N; i++) {
            t[i] = x.data()[i * 4] + 0.5f * x.data()[i * 4 + 1] > 0 ? 1 : 0;
        }
        return Tensor.of(t, N, 1);
    }

    private static Sequential binaryModel() {
        Tatami.setRandomSeed(4);
        Sequential m = new Sequential(new Dense(6).activation("relu").inputShape(4), new Dense(1).activation("sigmoid"));
        m.compile(new Adam(0.05), new BinaryCrossentropy(), "accuracy", new Precision(), new Recall(), new AUC());
        return m;
    }

    @Test
    void namesAndObjectsGiveKerassKeysAndTheMetricsOwnFigures() {
        Tensor x = x();
        Tensor y = binaryTargets(x);
        Sequential m = binaryModel();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        History h = m.fit(x, y, new FitOptions().batchSize(32).epochs(2).verbose(0).validationData(x, y)
                .callbacks(new ProgressBar(new PrintStream(printed, true, StandardCharsets.UTF_8), false)));
        assertEquals(List.of("loss", "accuracy", "precision", "recall", "auc", "val_loss", "val_accuracy",
                "val_precision", "val_recall", "val_auc", "learning_rate"), List.copyOf(h.history().keySet()));
        String line = printed.toString(StandardCharsets.UTF_8);
        assertTrue(line.contains(" - precision: ") && line.contains(" - val_auc: "), line);

        Map<String, Double> eval = m.evaluate(x, y);
        Tensor p = m.predict(x);
        for (Metric metric : List.<Metric>of(new Precision(), new Recall(), new AUC())) {
            metric.updateState(y, p);
            assertEquals(metric.result(), eval.get(metric.name()), 0.0, metric.name());
        }
        assertEquals(h.get("val_auc").get(1), eval.get("auc"), 0.0, "validation is an evaluation");
    }

    @Test
    void theFiguresDoNotDependOnTheThreads() {
        Tensor x = x();
        Tensor y = binaryTargets(x);
        Map<String, List<Double>> one = null;
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            History h = binaryModel().fit(x, y, new FitOptions().batchSize(100).epochs(2).verbose(0)
                    .validationData(x, y));
            if (one == null) {
                one = h.history();
            } else {
                assertEquals(one, h.history());
            }
        }
    }

    @Test
    void severalOutputsGetTheirOwnMetrics() throws IOException {
        Tatami.setRandomSeed(6);
        SymbolicTensor in = Input.of(4);
        SymbolicTensor hidden = new Dense(8).activation("relu").apply(in);
        SymbolicTensor classes = new Dense(3).activation("softmax").name("classes").apply(hidden);
        SymbolicTensor value = new Dense(1).name("value").apply(hidden);
        Model model = new Model(List.of(in), List.of(classes, value));
        Tensor x = x();
        float[] labels = new float[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 3;
        }
        List<Tensor> ys = List.of(Tensor.vector(labels), binaryTargets(x));
        Map<String, org.tatami.losses.Loss> losses = Map.of("classes", new SparseCategoricalCrossentropy(), "value",
                new MeanSquaredError());
        MetricRegistry.register("abs_error_for_tests", CompileMetricsTest::absError);
        model.compile(new Adam(0.01), losses, null, Map.of("classes", List.of("accuracy",
                new SparseTopKCategoricalAccuracy(2)), "value", List.of(absError())));
        History h = model.fit(List.of(x), ys, new FitOptions().batchSize(50).epochs(1).verbose(0));
        assertEquals(List.of("loss", "classes_loss", "value_loss", "classes_accuracy",
                "classes_sparse_top_k_categorical_accuracy", "value_abs_error_for_tests", "learning_rate"),
                List.copyOf(h.history().keySet()));

        // One list for every output: "accuracy" on the classifying one only, an object on both.
        model.compile(new Adam(0.01), losses, null, "accuracy", absError().name("abs"));
        Map<String, Double> eval = model.evaluate(List.of(x), ys);
        assertEquals(List.of("loss", "classes_loss", "value_loss", "classes_accuracy", "classes_abs", "value_abs"),
                List.copyOf(eval.keySet()));

        model.compile(new Adam(0.01), losses, null, Map.of("classes", List.of(new SparseTopKCategoricalAccuracy(1)
                .name("top1")), "value", List.of(absError(), new Precision().thresholds(0.3).name("p30"))));
        Path file = dir.resolve("two.tatami");
        model.save(file);
        Model back = Model.load(file);
        assertInstanceOf(Precision.class, back.metricsByOutput().get("value").get(1));
        assertEquals(List.of("loss", "classes_loss", "value_loss", "classes_top1", "value_abs_error_for_tests",
                "value_p30"), List.copyOf(back.evaluate(List.of(x), ys).keySet()));
        assertEquals(model.evaluate(List.of(x), ys), back.evaluate(List.of(x), ys));
    }

    private static Metric absError() {
        return new MeanMetricWrapper("abs_error_for_tests", (t, p) -> Math.abs(t[0] - p[0]));
    }

    @Test
    void compileRefusesWhatKerasWould() {
        Sequential m = binaryModel();
        assertThrows(IllegalArgumentException.class, () -> m.compile(new Adam(), new BinaryCrossentropy(), "f1"));
        assertThrows(IllegalArgumentException.class, () -> m.compile(new Adam(), new BinaryCrossentropy(), new Mean()));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> m.compile(new Adam(), new BinaryCrossentropy(), new AUC(), new AUC().curve("PR")));
        assertTrue(twice.getMessage().contains("two metrics are named 'auc'"), twice.getMessage());
        m.compile(new Adam(), new BinaryCrossentropy(), new AUC(), new AUC().curve("PR").name("pr_auc"));
        Sequential classes = new Sequential(new Dense(3).activation("softmax").inputShape(4));
        classes.compile(new Adam(), new SparseCategoricalCrossentropy(), "categorical_accuracy");
        IllegalArgumentException sparse = assertThrows(IllegalArgumentException.class,
                () -> classes.evaluate(x(), Tensor.of(new float[N], N)));
        assertTrue(sparse.getMessage().contains("use the 'sparse_' metric"), sparse.getMessage());
    }
}
