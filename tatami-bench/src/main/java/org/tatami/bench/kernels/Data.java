package org.tatami.bench.kernels;

import java.util.SplittableRandom;

/** Benchmark inputs: fixed pseudo-random values, so every run times the same data. */
final class Data {
    private Data() {
    }

    /** {@code size} values uniform in [-1, 1). */
    static float[] uniform(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }
}
