package org.tatami.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tatami.Tatami;
import org.tatami.data.Dataset;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * A run that crashes and is started again with BackupAndRestore ends as a run never stopped: the same
 * weights bit for bit, the same History, the same CSV log, with shuffling, dropout, BatchNormalization,
 * the optimizer's moving average of the weights, EarlyStopping and ReduceLROnPlateau. ({@code BackupAndRestoreKillTest} kills a real process.)
 */
class BackupAndRestoreTest {
    private static final int EPOCHS = 6;
    private static final Tensor X = images(60);
    private static final IntTensor Y = IntTensor.vector(labels(60));

    @TempDir
    Path dir;

    private static Tensor images(int n) {
        SplittableRandom r = new SplittableRandom(21);
        float[] v = new float[n * 6 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Tensor.of(v, n, 6, 6, 1);
    }

    private static int[] labels(int n) {
        int[] l = new int[n];
        Arrays.setAll(l, i -> i % 3);
        return l;
    }

    private static Sequential model() {
        Tatami.clearSession();
        Tatami.setRandomSeed(7);
        Sequential m = new Sequential(new Conv2D(4, 3).activation("relu").inputShape(6, 6, 1),
                new BatchNormalization(), new Flatten(), new Dropout(0.25), new Dense(3).activation("softmax"));
        m.compile(new Adam(0.01).useEma(true).emaOverwriteFrequency(10), new SparseCategoricalCrossentropy(), "accuracy");
        return m;
    }

    /** What a run leaves: weights, figures, the CSV log and the early stopping's verdict. */
    private record Outcome(List<Tensor> weights, Map<String, List<Double>> history, int epochs, String csv,
                           int bestEpoch, float learningRate) {
    }

    private Outcome run(BackupAndRestore backup, Callback crash) throws IOException {
        Sequential m = model();
        EarlyStopping early = new EarlyStopping().monitor("val_loss").patience(2).restoreBestWeights(true);
        Path csv = dir.resolve("log.csv");
        List<Callback> callbacks = new ArrayList<>(List.of(backup, early,
                new ReduceLROnPlateau().monitor("loss").patience(1).factor(0.5), new CSVLogger(csv)));
        if (crash != null) {
            callbacks.add(crash);
        }
        History h = m.fit(X, Y, new FitOptions().batchSize(8).epochs(EPOCHS).verbose(0).validationData(X, Y)
                .callbacks(callbacks.toArray(new Callback[0])));
        return new Outcome(m.getWeights(), h.history(), h.epochs(), Files.readString(csv), early.bestEpoch(),
                m.optimizer().learningRate());
    }

    /** Throws at batch {@code step} (from 1) of epoch {@code epoch}, as a process that dies there. */
    private static Callback crashAt(int epoch, int step) {
        return new Callback() {
            private int current;

            @Override
            public void onEpochBegin(int e) {
                current = e;
            }

            @Override
            public void onBatchEnd(int s, Map<String, Double> logs) {
                if (current == epoch && s == step) {
                    throw new IllegalStateException("crash");
                }
            }
        };
    }

    private static void assertSameOutcome(Outcome expected, Outcome actual) {
        assertEquals(expected.weights.size(), actual.weights.size());
        for (int i = 0; i < expected.weights.size(); i++) {
            assertArrayEquals(expected.weights.get(i).data(), actual.weights.get(i).data(), "weight " + i);
        }
        assertEquals(expected.history, actual.history, "history");
        assertEquals(expected.epochs, actual.epochs, "epochs");
        assertEquals(expected.csv, actual.csv, "CSV log");
        assertEquals(expected.bestEpoch, actual.bestEpoch, "best epoch");
        assertEquals(expected.learningRate, actual.learningRate, "learning rate");
    }

    @Test
    void aRunCrashedMidEpochResumesAtTheNextBatchAndEndsBitIdentical() throws IOException {
        Outcome straight = run(new BackupAndRestore(dir.resolve("straight")).saveFreq(3), null);
        assertFalse(Files.exists(dir.resolve("straight")), "the backup is deleted when training ends");

        // 8 batches per epoch; backups after batches 3, 6, 9, ...: the last before the crash is epoch 2, batch 2.
        BackupAndRestore backup = new BackupAndRestore(dir.resolve("backup")).saveFreq(3);
        assertThrows(IllegalStateException.class, () -> run(backup, crashAt(2, 5)));
        assertTrue(Files.isRegularFile(backup.file()), "a crash leaves the backup");
        List<Integer> resumedAt = new ArrayList<>();
        BackupAndRestore again = new BackupAndRestore(dir.resolve("backup")).saveFreq(3);
        Outcome resumed = run(again, new Callback() {
            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                resumedAt.add(step);
            }
        });
        assertEquals(3, resumedAt.get(0), "the first batch run again is epoch 3's third");
        assertEquals("epoch 3, after batch 2 of 8", again.resumedAt());
        assertSameOutcome(straight, resumed);
    }

    @Test
    void aRunCrashedAfterAnEpochBackupResumesAtTheNextEpoch() throws IOException {
        Outcome straight = run(new BackupAndRestore(dir.resolve("straight")), null);
        BackupAndRestore backup = new BackupAndRestore(dir.resolve("backup"));
        assertThrows(IllegalStateException.class, () -> run(backup, crashAt(3, 4)));
        assertSameOutcome(straight, run(new BackupAndRestore(dir.resolve("backup")), null));
    }

    /** A Dataset's epoch resumes at the batch after the backup's: its first batches are read again and skipped. */
    @Test
    void aDatasetRunResumesAtTheNextBatch() {
        Dataset data = Dataset.fromTensorSlices(X, Y).batch(8);
        Sequential straight = model();
        straight.fit(data, new FitOptions().epochs(3).verbose(0)
                .callbacks(new BackupAndRestore(dir.resolve("straight")).saveFreq(3)));
        BackupAndRestore backup = new BackupAndRestore(dir.resolve("backup")).saveFreq(3);
        assertThrows(IllegalStateException.class, () -> model().fit(data, new FitOptions().epochs(3).verbose(0)
                .callbacks(backup, crashAt(1, 7))));
        Sequential resumed = model();
        BackupAndRestore again = new BackupAndRestore(dir.resolve("backup")).saveFreq(3);
        resumed.fit(data, new FitOptions().epochs(3).verbose(0).callbacks(again));
        assertEquals("epoch 2, after batch 4 of 8", again.resumedAt());
        for (int i = 0; i < straight.getWeights().size(); i++) {
            assertArrayEquals(straight.getWeights().get(i).data(), resumed.getWeights().get(i).data(), "weight " + i);
        }
    }

    @Test
    void aBackupOfAnotherRunIsRefusedBeforeAnythingChanges() {
        BackupAndRestore backup = new BackupAndRestore(dir.resolve("backup")).saveFreq(2);
        assertThrows(IllegalStateException.class, () -> run(backup, crashAt(1, 1)));
        Sequential m = model();
        List<Tensor> before = m.getWeights();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> m.fit(X, Y, new FitOptions()
                .batchSize(10).epochs(1).verbose(0).callbacks(new BackupAndRestore(dir.resolve("backup")))));
        assertTrue(e.getMessage().contains("batch_size is 8, this fit's 10"), e.getMessage());
        assertArrayEquals(before.get(0).data(), m.getWeights().get(0).data());

        UncheckedIOException other = assertThrows(UncheckedIOException.class, () -> model().fit(X, Y,
                new FitOptions().batchSize(8).epochs(1).verbose(0).callbacks(
                        new BackupAndRestore(dir.resolve("backup")), new CSVLogger(dir.resolve("other.csv")))));
        assertTrue(other.getMessage().contains("callback 2, org.tatami.callbacks.EarlyStopping"), other.getMessage());
    }

    @Test
    void keepsTheBackupWhenAsked() throws IOException {
        BackupAndRestore backup = new BackupAndRestore(dir.resolve("kept")).deleteCheckpoint(false);
        run(backup, null);
        assertTrue(Files.isRegularFile(backup.file()));
        assertThrows(IllegalArgumentException.class, () -> backup.saveFreq(0));
        assertThrows(IllegalArgumentException.class, () -> backup.saveFreq("batch"));
    }
}
