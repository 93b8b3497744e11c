package org.tatami.layers;

import org.tatami.config.Fields;

/**
 * Average pooling over windows of steps, as Keras's AveragePooling1D (strides default to the pool
 * size); with padding "same" a window at the end averages only the steps it covers.
 */
public final class AveragePooling1D extends Pooling1D<AveragePooling1D> {
    /** Windows of 2 steps, Keras's default. */
    public AveragePooling1D() {
        this(2);
    }

    public AveragePooling1D(int poolSize) {
        super(poolSize);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static AveragePooling1D fromConfig(Fields c) {
        return readPoolOptions(c, AveragePooling1D::new);
    }

    @Override
    public String className() {
        return "AveragePooling1D";
    }

    @Override
    protected String baseName() {
        return "average_pooling1d";
    }

    @Override
    protected Pooling2D<?> imagePooling(int poolSize) {
        return new AveragePooling2D(1, poolSize);
    }
}
