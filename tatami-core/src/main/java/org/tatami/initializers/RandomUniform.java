package org.tatami.initializers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Uniform in [minval, maxval), as Keras's RandomUniform (by default [-0.05, 0.05), Embedding's default). */
public final class RandomUniform implements Initializer {
    private final float minval;
    private final float maxval;

    public RandomUniform() {
        this(-0.05, 0.05);
    }

    public RandomUniform(double minval, double maxval) {
        if (!(minval < maxval) || Double.isInfinite(minval) || Double.isInfinite(maxval)) {
            throw new IllegalArgumentException("RandomUniform needs finite minval < maxval, got " + minval + ", "
                    + maxval);
        }
        this.minval = (float) minval;
        this.maxval = (float) maxval;
    }

    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (minval + random.nextDouble() * ((double) maxval - minval));
        }
    }

    @Override
    public String className() {
        return "RandomUniform";
    }

    /** Keras's config, whose seed is null: tatami draws from {@code Tatami.newRandom()} instead. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        // The floats' shortest decimals, so that -0.05 is written as -0.05.
        c.put("minval", Double.parseDouble(Float.toString(minval)));
        c.put("maxval", Double.parseDouble(Float.toString(maxval)));
        c.put("seed", null);
        return c;
    }
}
