package org.tatami.layers;

import org.tatami.config.Fields;

/**
 * The smallest of its inputs, value by value, as Keras's Minimum, broadcasting axes of size 1. On ties
 * the gradient goes to the first input holding the smallest value.
 */
public final class Minimum extends Extremum {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Minimum fromConfig(Fields c) {
        return new Minimum();
    }

    @Override
    public String className() {
        return "Minimum";
    }

    @Override
    protected String baseName() {
        return "minimum";
    }

    @Override
    void combine(float[] a, float[] b, float[] out, int len) {
        for (int j = 0; j < len; j++) {
            out[j] = Math.min(a[j], b[j]);
        }
    }

    @Override
    boolean beats(float a, float b) {
        return a < b;
    }
}
