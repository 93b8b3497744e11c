package org.tatami.initializers;

import java.util.Collections;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Truncated normal with standard deviation sqrt(2 / fan_in), values beyond two standard deviations
 * redrawn, as Keras's he_normal (whose stddev is corrected by 0.8796 for the truncation).
 */
public final class HeNormal implements Initializer {
    // Keras divides by the standard deviation of a unit normal truncated to [-2, 2].
    private static final double TRUNCATION_CORRECTION = 0.87962566103423978;

    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        double stddev = Math.sqrt(2.0 / Math.max(1, Initializer.fans(shape)[0])) / TRUNCATION_CORRECTION;
        for (int i = 0; i < data.length; i++) {
            double g;
            do {
                g = gaussian(random);
            } while (Math.abs(g) > 2);
            data[i] = (float) (g * stddev);
        }
    }

    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public String className() {
        return "HeNormal";
    }

    /** Keras's config, whose seed is null: tatami draws from {@code Tatami.newRandom()} instead. */
    @Override
    public Map<String, Object> config() {
        return Collections.singletonMap("seed", null);
    }
}
