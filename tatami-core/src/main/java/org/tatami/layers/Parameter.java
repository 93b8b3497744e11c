package org.tatami.layers;

import org.tatami.tensor.Tensor;

/** A trainable tensor of a layer, e.g. {@code kernel} or {@code bias}; its full name is {@code layer/kernel}. */
public final class Parameter {
    private final String name;
    private final Tensor value;

    Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value;
    }

    /** The short name within the layer: {@code kernel}, {@code bias}. */
    public String name() {
        return name;
    }

    /** The live values: the optimizer updates this tensor in place. */
    public Tensor value() {
        return value;
    }
}
