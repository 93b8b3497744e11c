package org.tatami.layers;

import org.tatami.config.Fields;

/** The mean of its inputs, value by value, as Keras's Average, broadcasting axes of size 1. */
public final class Average extends ElementWise {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Average fromConfig(Fields c) {
        return new Average();
    }

    @Override
    public String className() {
        return "Average";
    }

    @Override
    protected String baseName() {
        return "average";
    }

    @Override
    void combine(float[] a, float[] b, float[] out, int len) {
        sum(a, b, out, len);
    }

    /** Divides the sum, as Keras does, rather than multiplying by a rounded reciprocal. */
    @Override
    void finish(float[] y, int len, int inputs) {
        float k = inputs;
        for (int j = 0; j < len; j++) {
            y[j] /= k;
        }
    }

    @Override
    void gradient(float[][] xs, int i, float[] dy, float[] g, int len) {
        float k = xs.length;
        for (int j = 0; j < len; j++) {
            g[j] = dy[j] / k;
        }
    }
}
