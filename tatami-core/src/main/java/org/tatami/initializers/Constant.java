package org.tatami.initializers;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/** Every value set to one constant ({@code ones} is {@code Constant(1)}). */
public final class Constant implements Initializer {
    private final float value;

    public Constant(float value) {
        this.value = value;
    }

    public float value() {
        return value;
    }

    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        Arrays.fill(data, value);
    }

    @Override
    public String className() {
        return value == 1f ? "Ones" : "Constant";
    }

    @Override
    public Map<String, Object> config() {
        // The float's shortest decimal, so that a value of 0.1 is written as 0.1.
        return value == 1f ? Map.of() : Map.of("value", Double.parseDouble(Float.toString(value)));
    }
}
