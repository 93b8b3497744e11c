package org.tatami.initializers;

import java.util.Collections;
import java.util.Map;
import java.util.SplittableRandom;

/** Uniform in [-limit, limit] with limit = sqrt(6 / (fan_in + fan_out)): Keras's default for kernels. */
public final class GlorotUniform implements Initializer {
    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        int[] fans = Initializer.fans(shape);
        double limit = Math.sqrt(6.0 / Math.max(1, fans[0] + fans[1]));
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
    }

    @Override
    public String className() {
        return "GlorotUniform";
    }

    /** Keras's config, whose seed is null: tatami draws from {@code Tatami.newRandom()} instead. */
    @Override
    public Map<String, Object> config() {
        return Collections.singletonMap("seed", null);
    }
}
