package org.tatami;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.tatami.kernels.Parallel;
import org.tatami.layers.Names;

/**
 * Session-wide settings: the random seed, the number of threads, and layer naming.
 *
 * <p>Every random draw in tatami (weight init, shuffling, dropout) comes from a generator handed out
 * by {@link #newRandom()}, so {@code Tatami.setRandomSeed(0)} makes a whole run reproducible, as the
 * seed notebook's {@code reset_seed(0)}.
 */
public final class Tatami {
    private static final AtomicLong SEEDS = new AtomicLong(System.nanoTime());
    /** Set on a thread inside {@link #withPrivateRandom}: that thread's draws come from here instead. */
    private static final ThreadLocal<AtomicLong> PRIVATE_SEEDS = new ThreadLocal<>();

    private Tatami() {
    }

    /** Fixes every later random draw, as Keras's {@code keras.utils.set_random_seed}. */
    public static void setRandomSeed(long seed) {
        SEEDS.set(seed);
    }

    /**
     * A new generator for one consumer (a layer's initializer, a model's shuffling). Consumers that
     * ask in the same order after the same {@link #setRandomSeed} get the same streams.
     */
    public static SplittableRandom newRandom() {
        AtomicLong seeds = PRIVATE_SEEDS.get();
        // A SplitMix64 step on the shared counter: successive streams are well separated.
        long z = (seeds != null ? seeds : SEEDS).getAndAdd(0x9E3779B97F4A7C15L) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    /**
     * Runs {@code body} with this thread's random draws coming from a counter of its own, started at
     * {@code seed}: the session's draws are neither used nor advanced, whatever other threads do meanwhile.
     * For throwaway models (a warm-up run) next to a run that must stay reproducible.
     */
    public static void withPrivateRandom(long seed, Runnable body) {
        AtomicLong previous = PRIVATE_SEEDS.get();
        PRIVATE_SEEDS.set(new AtomicLong(seed));
        try {
            body.run();
        } finally {
            PRIVATE_SEEDS.set(previous);
        }
    }

    /**
     * Uses {@code threads} worker threads for training and inference (default: all cores).
     *
     * @throws IllegalArgumentException below 1 or above 8 per core
     */
    public static void setThreads(int threads) {
        Parallel.setThreads(threads);
    }

    public static int threads() {
        return Parallel.threads();
    }

    /** Forgets the automatic layer names used so far, so the next Dense is {@code dense} again. */
    public static void clearSession() {
        Names.reset();
    }
}
