package org.tatami.callbacks;

/**
 * What a callback may ask of the model it watches during {@code fit}: Keras's {@code model.stop_training}.
 * A model hands itself to each callback through {@link Callback#setModel}.
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
}
