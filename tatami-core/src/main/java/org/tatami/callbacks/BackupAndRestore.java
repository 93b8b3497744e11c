package org.tatami.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keras's {@code BackupAndRestore}: backs the run up to {@code backup_dir} at the end of each epoch (or
 * every {@code save_freq} batches), and when {@code fit} starts with a backup there, goes on from it, so
 * that a run killed at any point and started again with the same data, model, compile settings and
 * callbacks ends with the same weights, bit for bit, as a run never stopped.
 *
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(30).callbacks(new BackupAndRestore(Path.of("backup")).saveFreq(100)));
 * }</pre>
 *
 * A backup holds the weights, the optimizer's state (step count, moments, learning rate), the random
 * streams (each epoch's shuffle, each step's dropout), the epoch and batch reached with the epoch's
 * figures so far, the History, and the state of the callbacks that have one
 * ({@link Callback#state()}: EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, CSVLogger). It is one
 * file, written atomically: a kill during a write leaves the previous backup. Unlike Keras, which
 * starts the interrupted epoch again, a backup written mid-epoch resumes at the next batch. When
 * training ends (all epochs, or a callback's stop), the backup is deleted unless
 * {@code delete_checkpoint} is false.
 */
public final class BackupAndRestore implements Callback {
    /** The backup's file in {@code backup_dir}. */
    public static final String FILE = "latest.backup";

    private final Path backupDir;
    private final SaveFrequency saveFreq = new SaveFrequency();
    private boolean deleteCheckpoint = true;

    private TrainingControl model;
    private String resumedAt;

    /** Keras's {@code backup_dir}: where the backup is kept (created when first needed). */
    public BackupAndRestore(Path backupDir) {
        this.backupDir = backupDir;
    }

    /** Keras's {@code save_freq="epoch"}, the default: a backup at the end of each epoch. */
    public BackupAndRestore saveFreq(String freq) {
        saveFreq.set(freq);
        return this;
    }

    /** Keras's {@code save_freq=n}: a backup every {@code n} batches, counted across epochs. */
    public BackupAndRestore saveFreq(int batches) {
        saveFreq.set(batches);
        return this;
    }

    /** Keras's {@code delete_checkpoint}: delete the backup when training ends (true by default). */
    public BackupAndRestore deleteCheckpoint(boolean on) {
        this.deleteCheckpoint = on;
        return this;
    }

    /** The backup's file: {@code backup_dir/latest.backup}. */
    public Path file() {
        return backupDir.resolve(FILE);
    }

    /**
     * Where the last fit went on from a backup ({@code epoch 3, after batch 8 of 20}, {@code the start of epoch
     * 4}), or null if it started afresh.
     */
    public String resumedAt() {
        return resumedAt;
    }

    @Override
    public void setModel(TrainingControl model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        // A backup is written when the count comes round, so a resumed run starts counting from 0 too.
        saveFreq.reset(0);
        resumedAt = null;
        if (Files.exists(file())) {
            try {
                resumedAt = model.restoreBackup(file());
            } catch (IOException e) {
                throw new UncheckedIOException("BackupAndRestore could not resume from " + file() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public void onBatchEnd(int step, Map<String, Double> logs) {
        if (saveFreq.batchEnded()) {
            model.requestBackup(file());
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (saveFreq.perEpoch()) {
            model.requestBackup(file());
        }
    }

    @Override
    public void onTrainEnd() {
        if (!deleteCheckpoint) {
            return;
        }
        try {
            Files.deleteIfExists(file());
            Files.deleteIfExists(backupDir);
        } catch (DirectoryNotEmptyException kept) {
            // The folder holds files of someone else's: only the backup was ours to delete.
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore could not delete " + file() + ": " + e.getMessage(), e);
        }
    }
}
