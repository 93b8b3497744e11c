package org.tatami.layers;

import org.tatami.config.Fields;

/**
 * Subtracts its second input from its first, value by value, as Keras's Subtract, broadcasting axes of
 * size 1. Takes exactly 2 inputs.
 */
public final class Subtract extends ElementWise {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Subtract fromConfig(Fields c) {
        return new Subtract();
    }

    @Override
    public String className() {
        return "Subtract";
    }

    @Override
    protected String baseName() {
        return "subtract";
    }

    @Override
    int maxInputs() {
        return 2;
    }

    @Override
    void combine(float[] a, float[] b, float[] out, int len) {
        for (int j = 0; j < len; j++) {
            out[j] = a[j] - b[j];
        }
    }

    @Override
    void gradient(float[][] xs, int i, float[] dy, float[] g, int len) {
        if (i == 0) {
            System.arraycopy(dy, 0, g, 0, len);
            return;
        }
        for (int j = 0; j < len; j++) {
            g[j] = -dy[j];
        }
    }
}
