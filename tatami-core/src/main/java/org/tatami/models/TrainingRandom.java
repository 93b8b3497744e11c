package org.tatami.models;

import java.util.SplittableRandom;

/**
 * The random draws of a model's training, derived from one seed and two counters rather than from a
 * generator's hidden state, so that a saved model or a backup can carry them and a resumed run draws
 * what an uninterrupted one would: each epoch's shuffle comes from (seed, epochs started), each step's
 * dropout and other training noise from (seed, steps taken). {@code Model.trainingRandom()} gives a
 * model's; training spread over machines draws from it as {@code fit} does.
 */
public final class TrainingRandom {
    private static final long SHUFFLE = 0x5DEECE66DL;
    private static final long STEP = 0x632BE59BD9B4E019L;

    long seed;
    /** Epochs started by the model, over all its fits: the next epoch's shuffle. */
    long epochs;
    /** Training steps taken by the model, over all its fits: the next step's noise. */
    long steps;

    TrainingRandom(long seed, long epochs, long steps) {
        restore(seed, epochs, steps);
    }

    /** Takes the seed and counters a backup holds, in place: whoever holds this object draws on from there. */
    void restore(long newSeed, long newEpochs, long newSteps) {
        if (newEpochs < 0 || newSteps < 0) {
            throw new IllegalArgumentException("epochs and steps must be >= 0, got " + newEpochs + " and " + newSteps);
        }
        seed = newSeed;
        epochs = newEpochs;
        steps = newSteps;
    }

    /** Counts an epoch as started; returns its number, whose shuffle {@link #shuffle} draws. */
    public long startEpoch() {
        return epochs++;
    }

    /** Sets {@code order} to a permutation of 0..n-1 for epoch {@code epoch} (Fisher-Yates). */
    public void shuffle(int[] order, long epoch) {
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
    public long nextStepSeed() {
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
