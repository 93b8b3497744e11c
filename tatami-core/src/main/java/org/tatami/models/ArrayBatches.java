package org.tatami.models;

/** The batches of arrays: the first {@code samples} rows, in an order shuffled every epoch if asked. */
final class ArrayBatches extends Batches {
    private final int samples;
    private final int batch;
    private final int[] targetSizes;
    private final TrainingRandom shuffle;
    private int next;

    /** {@code shuffle}: the random streams that reorder the samples every epoch, or null to keep them in order. */
    ArrayBatches(float[][] xs, float[][] ys, float[] weights, int[] targetSizes, int samples, int batchSize,
                 TrainingRandom shuffle) {
        this.xs = xs;
        this.ys = ys;
        this.weights = weights;
        this.targetSizes = targetSizes;
        this.samples = samples;
        this.batch = Math.min(batchSize, Math.max(samples, 1));
        this.shuffle = shuffle;
        order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
    }

    @Override
    int steps() {
        return (samples + batch - 1) / batch;
    }

    @Override
    int samples() {
        return samples;
    }

    @Override
    int[] targetSizes() {
        return targetSizes;
    }

    @Override
    void startEpoch(long epoch) {
        if (shuffle != null) {
            shuffle.shuffle(order, epoch);
        }
        next = 0;
    }

    @Override
    boolean next() {
        if (next >= samples) {
            return false;
        }
        from = next;
        count = Math.min(batch, samples - from);
        next += count;
        return true;
    }
}
