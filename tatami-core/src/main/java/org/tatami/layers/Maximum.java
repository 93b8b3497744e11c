package org.tatami.layers;

import org.tatami.config.Fields;

/**
 * The largest of its inputs, value by value, as Keras's Maximum, broadcasting axes of size 1. On ties
 * the gradient goes to the first input holding the largest value.
 */
public final class Maximum extends Extremum {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Maximum fromConfig(Fields c) {
        return new Maximum();
    }

    @Override
    public String className() {
        return "Maximum";
    }

    @Override
    protected String baseName() {
        return "maximum";
    }

    @Override
    void combine(float[] a, float[] b, float[] out, int len) {
        for (int j = 0; j < len; j++) {
            out[j] = Math.max(a[j], b[j]);
        }
    }

    @Override
    boolean beats(float a, float b) {
        return a > b;
    }
}
