package org.tatami.models;

/**
 * Where {@code fit} takes its batches from, one epoch after another: slices of arrays ({@link ArrayBatches})
 * or a Dataset's elements. The current batch is samples {@code order[from .. from+count)} of the arrays
 * {@code xs} (one per input), {@code ys} (one per output) and {@code weights} (one per sample, or null).
 */
abstract class Batches implements AutoCloseable {
    float[][] xs;
    float[][] ys;
    float[] weights;
    int[] order;
    int from;
    int count;

    /** Steps per epoch, or -1 when not known before the epoch ends. */
    abstract int steps();

    /** Samples per epoch, or -1 when not known. */
    abstract int samples();

    /** Target values per sample of each output. */
    abstract int[] targetSizes();

    /**
     * Starts an epoch: shuffles into the order the training's random streams give epoch {@code shuffle},
     * or opens the data set again.
     */
    abstract void startEpoch(long shuffle);

    /** Moves to the epoch's next batch; false when the epoch has no more. */
    abstract boolean next();

    /**
     * Passes over the epoch's first {@code batches} batches, as a fit resumed in the middle of an epoch
     * does: arrays jump there; a Dataset reads them (its own shuffling counts passes from the restart).
     */
    void skip(int batches) {
        for (int i = 0; i < batches; i++) {
            if (!next()) {
                throw new IllegalStateException("the data ran out after " + i + " batches of the " + batches
                        + " the backup had done in this epoch");
            }
        }
    }

    /** Releases what an epoch holds open (a background reader); nothing by default. */
    @Override
    public void close() {
    }
}
