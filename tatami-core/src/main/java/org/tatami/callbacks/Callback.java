package org.tatami.callbacks;

import java.util.Map;

/** Hooks into {@code fit}, as Keras's callbacks. Logs map metric names (loss, accuracy, ...) to values. */
public interface Callback {
    /** Called first, with the model being trained, as Keras's {@code set_model}; a callback may keep it. */
    default void setModel(TrainingControl model) {
    }

    /**
     * Called once before the first epoch with the run's size: the last epoch's number + 1, and the steps and
     * samples per epoch, each -1 when not known (a Dataset of unknown size).
     */
    default void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
    }

    /** {@code epoch} counts from 0. */
    default void onEpochBegin(int epoch) {
    }

    /** After each batch; {@code step} counts from 1; logs hold the running means of the epoch so far. */
    default void onBatchEnd(int step, Map<String, Double> logs) {
    }

    /** After the epoch's validation; logs hold the epoch's final figures. */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    default void onTrainEnd() {
    }

    /**
     * What a backup must keep of this callback for a resumed run to go on exactly (see
     * {@link BackupAndRestore}); null, the default, for a callback with nothing that matters.
     */
    default CallbackState state() {
        return null;
    }

    /**
     * Takes back the state that {@link #state()} gave when the backup was written. A resumed fit calls it
     * after every callback's {@code onTrainBegin}, so it overrides what that reset.
     */
    default void restoreState(CallbackState state) {
    }
}
