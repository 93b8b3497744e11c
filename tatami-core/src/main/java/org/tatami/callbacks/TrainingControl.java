package org.tatami.callbacks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tatami.optimizers.Optimizer;
import org.tatami.tensor.Tensor;

/**
 * What a callback may ask of the model it watches during {@code fit}: Keras's {@code model.stop_training},
 * its weights, its optimizer and its save methods. A model hands itself to each callback through
 * {@link Callback#setModel}.
 */
public interface TrainingControl {
    /**
     * With {@code true}, asks {@code fit} to stop before its next batch. {@code fit} clears the request when
     * it starts, and returns the History of the epochs that finished; an epoch cut short is not in it.
     * Safe to call from any thread (a signal handler, for one).
     */
    void stopTraining(boolean stop);

    /** Whether a stop has been asked for since {@code fit} started. */
    boolean stopTraining();

    /** Every weight, in layer order, as Keras's {@code model.get_weights()}: copies the caller may keep. */
    List<Tensor> getWeights();

    /** Sets every weight, in the order {@link #getWeights()} gives them. */
    void setWeights(List<Tensor> weights);

    /** The optimizer given to {@code compile}. */
    Optimizer optimizer();

    /** Saves the whole model as a {@code .tatami} file (atomic). */
    void save(Path file) throws IOException;

    /** Saves the weights as a safetensors file (atomic). */
    void saveWeights(Path file) throws IOException;

    /**
     * Asks the running {@code fit} to write a backup of the run to {@code file} (atomically) as soon as
     * every callback has seen the current batch or epoch end: everything a resumed run needs to end
     * with the same bits as one never stopped (see {@link BackupAndRestore}).
     */
    void requestBackup(Path file);

    /**
     * Restores a backup written by {@link #requestBackup} into the {@code fit} that is starting (call it
     * from {@code onTrainBegin}): the weights, the optimizer's state and the random streams at once; the
     * epoch and batch to go on from, the figures of the epoch so far, the History and the callbacks'
     * states when the callbacks have begun.
     *
     * @return where the run goes on: {@code epoch 3, after batch 8 of 20} or {@code the start of epoch 4}
     *     (epochs and batches from 1)
     * @throws IOException if the file cannot be read, is not a backup, or was written by another run
     *     (other data size, model, metrics or callbacks)
     */
    String restoreBackup(Path file) throws IOException;
}
