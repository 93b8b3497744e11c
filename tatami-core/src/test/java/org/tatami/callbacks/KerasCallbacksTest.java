package org.tatami.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Model;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Optimizer;
import org.tatami.optimizers.SGD;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/** EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger and LearningRateScheduler, as Keras 3's. */
class KerasCallbacksTest {
    private static final int SAMPLES = 48;

    @TempDir
    Path dir;

    private static Sequential model(double learningRate) {
        Tatami.setRandomSeed(0);
        Sequential m = new Sequential(new Dense(8).activation("relu").inputShape(4),
                new Dense(3).activation("softmax"));
        m.compile(new SGD(learningRate), new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    private static Tensor x() {
        float[] x = new float[SAMPLES * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 7 + 3);
        }
        return Tensor.of(x, SAMPLES, 4);
    }

    private static IntTensor y() {
        int[] y = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            y[i] = i % 3;
        }
        return IntTensor.of(y, SAMPLES);
    }

    private static History fit(Model m, int epochs, boolean validation, Callback... callbacks) {
        FitOptions o = new FitOptions().batchSize(16).epochs(epochs).verbose(0).shuffle(false).callbacks(callbacks);
        if (validation) {
            o.validationData(x(), y());
        }
        return m.fit(x(), y(), o);
    }

    /** Replaces the epoch's val_loss with scripted values, so that which epoch is best is known. */
    private static Callback scripted(String key, double... values) {
        return new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                logs.put(key, values[epoch]);
            }
        };
    }

    /** Keeps the weights at the end of each epoch. */
    private static final class WeightsPerEpoch implements Callback {
        final List<List<Tensor>> weights = new ArrayList<>();
        private TrainingControl model;

        @Override
        public void setModel(TrainingControl model) {
            this.model = model;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            weights.add(model.getWeights());
        }
    }

    /** A model stand-in for feeding logs directly. */
    private static final class Control implements TrainingControl {
        boolean stop;
        List<Tensor> weights = List.of(Tensor.vector(0));
        final Optimizer optimizer = new SGD(0.1);

        @Override
        public void stopTraining(boolean s) {
            stop = s;
        }

        @Override
        public boolean stopTraining() {
            return stop;
        }

        @Override
        public List<Tensor> getWeights() {
            return weights;
        }

        @Override
        public void setWeights(List<Tensor> w) {
            weights = w;
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }

        @Override
        public void save(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void saveWeights(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void requestBackup(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String restoreBackup(Path file) {
            throw new UnsupportedOperationException();
        }
    }

    /** Feeds {@code key} values epoch by epoch; returns the epoch (from 0) at which a stop was asked, or -1. */
    private static int feed(Callback c, Control control, String key, double... values) {
        c.setModel(control);
        c.onTrainBegin(values.length, 1, 1);
        for (int e = 0; e < values.length; e++) {
            c.onEpochBegin(e);
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put(key, values[e]);
            c.onEpochEnd(e, logs);
            if (control.stop) {
                return e;
            }
        }
        return -1;
    }

    private static float[] flat(List<Tensor> weights) {
        return weights.stream().map(Tensor::data).reduce(new float[0], (a, b) -> {
            float[] c = new float[a.length + b.length];
            System.arraycopy(a, 0, c, 0, a.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        });
    }

    // ---- EarlyStopping ----

    @Test
    void earlyStoppingWaitsPatienceEpochsWithoutImprovement() {
        assertEquals(3, feed(new EarlyStopping().patience(2), new Control(), "val_loss", 1.0, 0.8, 0.9, 0.85, 0.7));
        // patience 0 (the default) stops at the first epoch that is not better
        assertEquals(2, feed(new EarlyStopping(), new Control(), "val_loss", 1.0, 0.8, 0.9, 0.7));
        // min_delta: 0.75 is not better than 0.8 by more than 0.1
        assertEquals(2, feed(new EarlyStopping().minDelta(0.1), new Control(), "val_loss", 1.0, 0.8, 0.75, 0.1));
        assertEquals(-1, feed(new EarlyStopping(), new Control(), "val_loss", 1.0, 0.8, 0.75, 0.1));
        // mode "auto": AUC, precision and recall improve upwards, as Keras's metrics of direction "up".
        for (String metric : List.of("val_auc", "precision", "val_recall", "val_sparse_top_k_categorical_accuracy")) {
            assertEquals(-1, feed(new EarlyStopping().monitor(metric), new Control(), metric, 0.5, 0.6, 0.7), metric);
            assertEquals(1, feed(new EarlyStopping().monitor(metric), new Control(), metric, 0.7, 0.6, 0.5), metric);
        }
    }

    @Test
    void earlyStoppingModes() {
        // auto: accuracy is better larger
        assertEquals(-1, feed(new EarlyStopping().monitor("val_accuracy"), new Control(), "val_accuracy", 0.1, 0.5, 0.9));
        assertEquals(1, feed(new EarlyStopping().monitor("val_accuracy"), new Control(), "val_accuracy", 0.5, 0.4));
        assertEquals(1, feed(new EarlyStopping().monitor("score").mode("max"), new Control(), "score", 0.5, 0.4));
        assertEquals(-1, feed(new EarlyStopping().monitor("score").mode("min"), new Control(), "score", 0.5, 0.4));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().mode("maximum"));
    }

    @Test
    void earlyStoppingBaselineAndStartFromEpoch() {
        // Without baseline, 0.9 then 0.95 waits one epoch; a baseline of 0.5 never beaten counts epoch 0 too.
        assertEquals(-1, feed(new EarlyStopping().patience(2), new Control(), "val_loss", 0.9, 0.95));
        assertEquals(1, feed(new EarlyStopping().patience(2).baseline(0.5), new Control(), "val_loss", 0.9, 0.95));
        // Epochs before start_from_epoch are not watched.
        assertEquals(-1, feed(new EarlyStopping().startFromEpoch(2), new Control(), "val_loss", 0.1, 0.2, 0.3));
        assertEquals(3, feed(new EarlyStopping().startFromEpoch(2), new Control(), "val_loss", 0.1, 0.2, 0.3, 0.4));
    }

    @Test
    void earlyStoppingWithoutTheMonitorWarnsAndGoesOn() {
        StringWriter said = new StringWriter();
        assertEquals(-1, feed(new EarlyStopping().output(new PrintWriter(said)), new Control(), "loss", 1, 2, 3));
        assertTrue(said.toString().contains("`val_loss` which is not available"), said.toString());
    }

    @Test
    void earlyStoppingStopsAFitAndRestoresTheBestEpochsWeights() {
        Sequential m = model(0.05);
        WeightsPerEpoch seen = new WeightsPerEpoch();
        EarlyStopping stop = new EarlyStopping().patience(2).restoreBestWeights(true);
        History h = fit(m, 20, true, scripted("val_loss", 1.0, 0.5, 0.7, 0.8, 0.9, 0.1), seen, stop);
        assertEquals(4, h.epochs(), "best at epoch 1, no better at 2 and 3: stopped there");
        assertEquals(3, stop.stoppedEpoch());
        assertEquals(1, stop.bestEpoch());
        assertEquals(List.of(1.0, 0.5, 0.7, 0.8), h.get("val_loss"));
        assertArrayEquals(flat(seen.weights.get(1)), flat(m.getWeights()));
        assertFalse(java.util.Arrays.equals(flat(seen.weights.get(3)), flat(m.getWeights())));
    }

    @Test
    void withoutRestoreTheLastWeightsStay() {
        Sequential m = model(0.05);
        WeightsPerEpoch seen = new WeightsPerEpoch();
        fit(m, 20, true, scripted("val_loss", 1.0, 0.5, 0.7, 0.8), seen, new EarlyStopping().patience(2));
        assertArrayEquals(flat(seen.weights.get(3)), flat(m.getWeights()));
    }

    // ---- ModelCheckpoint ----

    @Test
    void checkpointFilePathsAreFormattedAsPythonDoes() {
        ModelCheckpoint c = new ModelCheckpoint("ckpt-{epoch:02d}-{val_loss:.2f}.tatami");
        assertEquals("ckpt-01-0.35.tatami", c.filePath(0, Map.of("val_loss", 0.3456)));
        assertEquals("ckpt-12-1.00.tatami", c.filePath(11, Map.of("val_loss", 0.999)));
        Map<String, Object> v = new LinkedHashMap<>(Map.of("epoch", 3L, "loss", 0.5, "lr", 1e-5, "acc", 0.25));
        assertEquals("3 0.5 1e-05 {x} 003 0.500 25.0% 2.500e-01",
                ModelCheckpoint.format("{epoch} {loss} {lr} {{x}} {epoch:03d} {loss:.3f} {acc:.1%} {acc:.3e}", v));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> c.filePath(0, Map.of("loss", 1.0)));
        assertTrue(missing.getMessage().contains("val_loss"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.format("{loss:02d}", v));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("model.keras").onTrainBegin(1, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelCheckpoint("w.tatami").saveWeightsOnly(true).onTrainBegin(1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> fit(model(0.1), 1, false, new ModelCheckpoint("w.h5")));
    }

    @Test
    void checkpointSavesEveryEpochUnderItsOwnName() throws IOException {
        Sequential m = model(0.05);
        String pattern = dir.resolve("run").resolve("ckpt-{epoch:02d}-{val_loss:.2f}.tatami").toString();
        History h = fit(m, 3, true, new ModelCheckpoint(pattern));
        try (Stream<Path> files = Files.list(dir.resolve("run"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            List<String> want = new ArrayList<>();
            for (int e = 0; e < 3; e++) {
                want.add(String.format(java.util.Locale.ROOT, "ckpt-%02d-%.2f.tatami", e + 1, h.get("val_loss").get(e)));
            }
            assertEquals(want, names);
        }
        Model last = Model.load(dir.resolve("run").resolve(
                String.format(java.util.Locale.ROOT, "ckpt-03-%.2f.tatami", h.get("val_loss").get(2))));
        assertArrayEquals(flat(m.getWeights()), flat(last.getWeights()));
    }

    /** save_freq=2 with 3 batches per epoch: batches counted across epochs, {batch} from 1, as Keras. */
    @Test
    void checkpointEveryNBatches() throws IOException {
        Sequential m = model(0.05);
        String pattern = dir.resolve("batches").resolve("w-{epoch}-{batch}.safetensors").toString();
        fit(m, 2, true, new ModelCheckpoint(pattern).saveWeightsOnly(true).saveFreq(2));
        try (Stream<Path> files = Files.list(dir.resolve("batches"))) {
            assertEquals(List.of("w-1-2.safetensors", "w-2-1.safetensors", "w-2-3.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Sequential other = model(0.05);
        other.loadWeights(dir.resolve("batches").resolve("w-2-3.safetensors"));
        assertArrayEquals(flat(m.getWeights()), flat(other.getWeights()));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("x.tatami").saveFreq("batch"));
        assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("x.tatami").saveFreq(0));
    }

    @Test
    void checkpointBestOnlyKeepsTheBestEpochsWeights() throws IOException {
        Sequential m = model(0.05);
        WeightsPerEpoch seen = new WeightsPerEpoch();
        Path file = dir.resolve("best.safetensors");
        ModelCheckpoint c = new ModelCheckpoint(file.toString()).saveBestOnly(true).saveWeightsOnly(true);
        fit(m, 4, true, scripted("val_loss", 1.0, 0.5, 0.7, 0.6), seen, c);
        assertEquals(0.5, c.best());
        Sequential other = model(0.05);
        other.loadWeights(file);
        assertArrayEquals(flat(seen.weights.get(1)), flat(other.getWeights()));
        assertNotEquals(java.util.Arrays.toString(flat(seen.weights.get(3))),
                java.util.Arrays.toString(flat(other.getWeights())));
        // mode max: the highest value is kept
        ModelCheckpoint max = new ModelCheckpoint(dir.resolve("max.safetensors")).monitor("val_loss")
                .saveBestOnly(true).saveWeightsOnly(true).mode("max");
        WeightsPerEpoch seen2 = new WeightsPerEpoch();
        Sequential m2 = model(0.05);
        fit(m2, 4, true, scripted("val_loss", 1.0, 0.5, 3.0, 0.6), seen2, max);
        other.loadWeights(dir.resolve("max.safetensors"));
        assertArrayEquals(flat(seen2.weights.get(2)), flat(other.getWeights()));
    }

    // ---- ReduceLROnPlateau ----

    @Test
    void reduceLrOnPlateauCutsTheRateAfterPatienceFlatEpochs() {
        Control c = new Control();
        ReduceLROnPlateau r = new ReduceLROnPlateau().factor(0.5).patience(2);
        feed(r, c, "val_loss", 1.0, 1.0, 1.0);
        assertEquals(0.05f, c.optimizer.learningRate());
        feed(r, c, "val_loss", 1.0, 0.99995, 1.0, 1.0, 1.0);
        assertEquals(0.0125f, c.optimizer.learningRate(), 1e-9, "a gain below min_delta 1e-4 is no gain");
        Control d = new Control();
        feed(new ReduceLROnPlateau().factor(0.5).patience(2).minLr(0.02), d, "val_loss", 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(0.02f, d.optimizer.learningRate());
        Control e = new Control();
        feed(new ReduceLROnPlateau().monitor("val_accuracy").patience(1), e, "val_accuracy", 0.1, 0.2, 0.3);
        assertEquals(0.1f, e.optimizer.learningRate(), "auto mode: accuracy going up is improving");
        feed(new ReduceLROnPlateau().monitor("val_accuracy").patience(1), e, "val_accuracy", 0.3, 0.2);
        assertEquals(0.01f, e.optimizer.learningRate(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().factor(1.0));
    }

    @Test
    void reduceLrOnPlateauCooldown() {
        Control c = new Control();
        // reduced at epoch 1; epoch 2 cools down; waiting counts again at epoch 3, as in Keras
        ReduceLROnPlateau cooling = new ReduceLROnPlateau().factor(0.5).patience(1).cooldown(2);
        feed(cooling, c, "val_loss", 1, 1, 1);
        assertEquals(0.05f, c.optimizer.learningRate());
        feed(cooling, c, "val_loss", 1, 1, 1, 1);
        assertEquals(0.0125f, c.optimizer.learningRate(), 1e-9);
        Control d = new Control();
        feed(new ReduceLROnPlateau().factor(0.5).patience(1), d, "val_loss", 1, 1, 1, 1);
        assertEquals(0.0125f, d.optimizer.learningRate(), 1e-9);
    }

    @Test
    void reduceLrOnPlateauInAFitPutsTheRateInTheHistory() {
        Sequential m = model(0.1);
        History h = fit(m, 4, true, scripted("val_loss", 1, 1, 1, 1),
                new ReduceLROnPlateau().factor(0.5).patience(1));
        // As Keras, the rate logged is the one the epoch ran with, before any reduction at its end.
        assertEquals(List.of((double) 0.1f, (double) 0.1f, (double) 0.05f, (double) 0.025f),
                h.get("learning_rate"));
        assertEquals(0.0125f, m.optimizer().learningRate(), 1e-9);
    }

    // ---- CSVLogger ----

    @Test
    void csvLoggerWritesSortedKeysAndWholeRowsAfterEachEpoch() throws IOException {
        Path file = dir.resolve("log.csv");
        List<String> afterEachEpoch = new ArrayList<>();
        Callback reader = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                try {
                    afterEachEpoch.add(Files.readString(file));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        };
        History h = fit(model(0.05), 2, true, new CSVLogger(file), reader);
        List<String> lines = Files.readAllLines(file);
        assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", lines.get(0));
        assertEquals(3, lines.size());
        assertEquals("0," + h.get("accuracy").get(0) + "," + h.get("loss").get(0) + ","
                + h.get("val_accuracy").get(0) + "," + h.get("val_loss").get(0), lines.get(1));
        assertEquals(2, afterEachEpoch.get(0).lines().count(), "the first row is on disk before epoch 2");
        assertTrue(afterEachEpoch.get(0).endsWith("\n"));
    }

    @Test
    void csvLoggerAppendsWithoutASecondHeaderAndUsesTheSeparator() throws IOException {
        Path file = dir.resolve("log.csv");
        Sequential m = model(0.05);
        fit(m, 2, false, new CSVLogger(file, ";", false));
        fit(m, 1, false, new CSVLogger(file, ";", true));
        List<String> lines = Files.readAllLines(file);
        assertEquals("epoch;accuracy;loss;val_accuracy;val_loss", lines.get(0), "Keras adds val_ columns");
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).startsWith("0;") && lines.get(3).endsWith(";NA;NA"), lines.get(3));
        fit(m, 1, false, new CSVLogger(file, ";", false));
        assertEquals(2, Files.readAllLines(file).size(), "without append the file starts over");
    }

    // ---- LearningRateScheduler ----

    @Test
    void learningRateSchedulerSetsTheRateAtEachEpochBegin() {
        Sequential m = model(0.1);
        List<Float> atBegin = new ArrayList<>();
        List<Integer> epochsAsked = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onEpochBegin(int epoch) {
                atBegin.add(m.optimizer().learningRate());
            }
        };
        History h = fit(m, 3, false, new LearningRateScheduler((epoch, lr) -> {
            epochsAsked.add(epoch);
            return epoch == 0 ? lr : lr * 0.5;
        }), recorder);
        assertEquals(List.of(0, 1, 2), epochsAsked);
        assertEquals(List.of(0.1f, 0.05f, 0.025f), atBegin);
        assertEquals(List.of((double) 0.1f, (double) 0.05f, (double) 0.025f), h.get("learning_rate"));
        assertThrows(IllegalArgumentException.class,
                () -> fit(m, 1, false, new LearningRateScheduler((epoch, lr) -> Double.NaN)));
    }
}
