package org.tatami.models;

import java.util.SplittableRandom;

/**
 * The random draws of training, derived from one seed and two counters rather than from a generator's
 * hidden state, so that a saved model or a backup can carry them and a resumed run draws what an
 * uninterrupted one would: each epoch's shuffle comes from (seed, epochs started), each step's dropout
 * and other training noise from (seed, steps taken).
 */
final class TrainingRandom {
    private static final long SHUFFLE = 0x5DEECE66DL;
    private static final long STEP = 0x632BE59BD9B4E019L;

    final long seed;
    /** Epochs started by this model, over all its fits: the next epoch's shuffle. */
    long epochs;
    /** Training steps taken by this model, over all its fits: the next step's noise. */
    long steps;

    TrainingRandom(long seed, long epochs, long steps) {
        if (epochs < 0 || steps < 0) {
            throw new IllegalArgumentException("epochs and steps must be >= 0, got " + epochs + " and " + steps);
        }
        this.seed = seed;
        this.epochs = epochs;
        this.steps = steps;
    }

    /** Sets {@code order} to a permutation of 0..n-1 for epoch {@code epoch} (Fisher-Yates). */
    void shuffle(int[] order, long epoch) {
        identity(order);
        SplittableRandom random = new SplittableRandom(mix(seed ^ SHUFFLE, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    static void identity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** The seed of the next training step's noise (dropout masks); counts the step. */
    long nextStepSeed() {
        return mix(seed ^ STEP, steps++);
    }

    /** SplitMix64's finalizer over seed and counter: well separated streams for neighbouring counters. */
    private static long mix(long seed, long counter) {
        long z = seed + 0x9E3779B97F4A7C15L * (counter + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
