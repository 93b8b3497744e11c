package org.tatami.layers;

import org.tatami.config.Fields;

/** Multiplies its inputs value by value, as Keras's Multiply, broadcasting axes of size 1. */
public final class Multiply extends ElementWise {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Multiply fromConfig(Fields c) {
        return new Multiply();
    }

    @Override
    public String className() {
        return "Multiply";
    }

    @Override
    protected String baseName() {
        return "multiply";
    }

    @Override
    void combine(float[] a, float[] b, float[] out, int len) {
        for (int j = 0; j < len; j++) {
            out[j] = a[j] * b[j];
        }
    }

    /** dy times the product of the other inputs (not y / x_i, which fails where x_i is 0). */
    @Override
    void gradient(float[][] xs, int i, float[] dy, float[] g, int len) {
        int first = i == 0 ? 1 : 0;
        for (int j = 0; j < len; j++) {
            g[j] = dy[j] * xs[first][j];
        }
        for (int m = first + 1; m < xs.length; m++) {
            if (m == i) {
                continue;
            }
            float[] x = xs[m];
            for (int j = 0; j < len; j++) {
                g[j] *= x[j];
            }
        }
    }
}
