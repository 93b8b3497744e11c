package org.tatami.layers;

import org.tatami.config.Fields;

/** Max pooling over windows of steps, as Keras's MaxPooling1D (strides default to the pool size). */
public final class MaxPooling1D extends Pooling1D<MaxPooling1D> {
    /** Windows of 2 steps, Keras's default. */
    public MaxPooling1D() {
        this(2);
    }

    public MaxPooling1D(int poolSize) {
        super(poolSize);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static MaxPooling1D fromConfig(Fields c) {
        return readPoolOptions(c, MaxPooling1D::new);
    }

    @Override
    public String className() {
        return "MaxPooling1D";
    }

    @Override
    protected String baseName() {
        return "max_pooling1d";
    }

    @Override
    protected Pooling2D<?> imagePooling(int poolSize) {
        return new MaxPool2D(1, poolSize);
    }
}
