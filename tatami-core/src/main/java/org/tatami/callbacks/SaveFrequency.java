package org.tatami.callbacks;

/**
 * Keras's {@code save_freq} of ModelCheckpoint and BackupAndRestore: {@code "epoch"} (at each epoch's end)
 * or a number of batches, counted across epochs.
 */
final class SaveFrequency {
    /** Batches between saves; 0 for "epoch". */
    private int batches;
    private int sinceSave;

    void set(String freq) {
        if (!freq.equals("epoch")) {
            throw new IllegalArgumentException("Invalid value for argument `save_freq`. Received: save_freq=" + freq
                    + ". Expected either 'epoch' or an integer value.");
        }
        batches = 0;
    }

    void set(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("save_freq must be 'epoch' or a number of batches >= 1, got " + every);
        }
        batches = every;
    }

    boolean perEpoch() {
        return batches == 0;
    }

    /** Starts counting again, as when training begins. */
    void reset(int since) {
        sinceSave = since;
    }

    int sinceSave() {
        return sinceSave;
    }

    /** Counts a batch; whether a save is due after it. */
    boolean batchEnded() {
        if (batches == 0 || ++sinceSave < batches) {
            return false;
        }
        sinceSave = 0;
        return true;
    }
}
