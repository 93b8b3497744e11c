package org.tatami.initializers;

import java.util.SplittableRandom;

/** Normal draws for the initializers (SplittableRandom has no nextGaussian on Java 17). */
final class Gaussian {
    private Gaussian() {
    }

    /** A unit normal by Box-Muller, from two uniforms. */
    static double next(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Normal values of the given mean and standard deviation. */
    static void fill(float[] data, double mean, double stddev, SplittableRandom random) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (mean + next(random) * stddev);
        }
    }

    /** Normal values, those beyond two standard deviations redrawn, as Keras's truncated normal. */
    static void fillTruncated(float[] data, double mean, double stddev, SplittableRandom random) {
        for (int i = 0; i < data.length; i++) {
            double g;
            do {
                g = next(random);
            } while (Math.abs(g) > 2);
            data[i] = (float) (mean + g * stddev);
        }
    }
}
