package org.tatami.models;

import java.util.SplittableRandom;

/** The batches of arrays: the first {@code samples} rows, in an order shuffled every epoch if asked. */
final class ArrayBatches extends Batches {
    private final int samples;
    private final int batch;
    private final int[] targetSizes;
    private final SplittableRandom shuffle;
    private int next;

    /** {@code shuffle}: the generator that reorders the samples every epoch, or null to keep them in order. */
    ArrayBatches(float[][] xs, float[][] ys, float[] weights, int[] targetSizes, int samples, int batchSize,
                 SplittableRandom shuffle) {
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
    void startEpoch() {
        if (shuffle != null) {
            EpochOrder.shuffle(order, shuffle);
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
