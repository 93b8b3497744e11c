package org.tatami.layers;

/**
 * The largest of its inputs, value by value, as Keras's Maximum, broadcasting axes of size 1. On ties
 * the gradient goes to the first input holding the largest value.
 */
public final class Maximum extends Extremum {
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
