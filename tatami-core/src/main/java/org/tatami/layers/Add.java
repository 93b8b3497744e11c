package org.tatami.layers;

import org.tatami.config.Fields;

/** Adds its inputs value by value, as Keras's Add, broadcasting axes of size 1. */
public final class Add extends ElementWise {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Add fromConfig(Fields c) {
        return new Add();
    }

    @Override
    public String className() {
        return "Add";
    }

    @Override
    protected String baseName() {
        return "add";
    }

    @Override
    void combine(float[] a, float[] b, float[] out, int len) {
        sum(a, b, out, len);
    }

    @Override
    void gradient(float[][] xs, int i, float[] dy, float[] g, int len) {
        System.arraycopy(dy, 0, g, 0, len);
    }
}
