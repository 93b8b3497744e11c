package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * What the random image layers (RandomFlip, RandomCrop, RandomRotation, ...) share: Keras's
 * {@code seed} and the draws of a training step.
 *
 * <p>Draws are made only in training; at inference these layers are deterministic. Each forward takes
 * one number from the generator the engine hands it for the step and the chunk of samples, mixed with
 * the seed when there is one, and every sample derives its draws from that number and its position
 * ({@link #uniform}): the draws depend on the seeds, the step and the sample, never on the threads.
 */
abstract class RandomImageLayer<T extends RandomImageLayer<T>> extends ImageLayer<T> {
    private Integer seed;

    /** Keras's {@code seed}: mixed into the draws, so that two layers with different seeds draw differently. */
    public T seed(int value) {
        this.seed = value;
        return self();
    }

    /** The seed, or null when none was given. */
    public Integer seed() {
        return seed;
    }

    /** Reads Keras's {@code seed} (an integer or null) into the layer. */
    final T readSeed(Fields c) {
        if (c.isNull("seed")) {
            c.take("seed");
        } else {
            seed(c.integer("seed"));
        }
        return self();
    }

    /** The key of one forward's draws: one number of the step's generator, mixed with the seed. */
    final long drawKey(SplittableRandom random) {
        long key = random.nextLong();
        return seed == null ? key : key ^ mix(0x5DEECE66DL + seed);
    }

    /** Draw {@code k} (0 to 3) of sample {@code sample} under {@code key}: uniform in [0, 1). */
    static double uniform(long key, int sample, int k) {
        return (mix(key + 0x9E3779B97F4A7C15L * (4L * sample + k + 1)) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finalizer: nearby inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Puts {@code seed} where Keras's config has it. */
    final void putSeed(Map<String, Object> c) {
        c.put("seed", seed);
    }
}
