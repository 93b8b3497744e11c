package org.tatami.layers;

/**
 * The smallest of its inputs, value by value, as Keras's Minimum, broadcasting axes of size 1. On ties
 * the gradient goes to the first input holding the smallest value.
 */
public final class Minimum extends Extremum {
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
