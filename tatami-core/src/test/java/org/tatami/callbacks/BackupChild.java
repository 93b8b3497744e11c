package org.tatami.callbacks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.layers.Dense;
import org.tatami.layers.Dropout;
import org.tatami.losses.SparseCategoricalCrossentropy;
import org.tatami.models.FitOptions;
import org.tatami.models.History;
import org.tatami.models.Sequential;
import org.tatami.optimizers.Adam;
import org.tatami.tensor.IntTensor;
import org.tatami.tensor.Tensor;

/**
 * The training run that {@code BackupAndRestoreKillTest} starts in a JVM of its own: a small model with
 * dropout, shuffled every epoch, backed up every 7 batches. Prints {@code batch <epoch> <step>} after each
 * batch (then sleeps {@code millis}, so that it can be killed mid-epoch), and at the end writes the
 * weights and the History's figures.
 * Arguments: backup folder, weights file, history file, milliseconds per batch.
 */
public final class BackupChild {
    private BackupChild() {
    }

    public static void main(String[] args) throws Exception {
        Path backupDir = Path.of(args[0]);
        Path weights = Path.of(args[1]);
        Path history = Path.of(args[2]);
        long millis = Long.parseLong(args[3]);
        Tatami.setThreads(1);
        Tatami.setRandomSeed(42);
        int n = 400;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n * 16];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
            for (int j = 0; j < 16; j++) {
                x[i * 16 + j] = (float) r.nextGaussian() + (j % 4 == y[i] ? 1f : 0f);
            }
        }
        Sequential model = new Sequential(new Dense(32).activation("relu").inputShape(16), new Dropout(0.3),
                new Dense(4).activation("softmax"));
        model.compile(new Adam(0.01), new SparseCategoricalCrossentropy(), "accuracy");
        Callback progress = new Callback() {
            private int epoch;

            @Override
            public void onEpochBegin(int e) {
                epoch = e;
            }

            @Override
            public void onBatchEnd(int step, Map<String, Double> logs) {
                System.out.println("batch " + epoch + " " + step);
                System.out.flush();
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        History h = model.fit(Tensor.of(x, n, 16), IntTensor.vector(y), new FitOptions().batchSize(20).epochs(5)
                .verbose(0).callbacks(new BackupAndRestore(backupDir).saveFreq(7), progress));
        model.saveWeights(weights);
        Files.writeString(history, h.history().toString(), StandardCharsets.UTF_8);
        System.out.println("done");
    }
}
