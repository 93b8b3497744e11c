package org.tatami.layers;

import org.tatami.constraints.Constraint;
import org.tatami.regularizers.Regularizer;
import org.tatami.tensor.Tensor;

/**
 * A tensor of a layer, e.g. {@code kernel} or {@code bias}; its full name is {@code layer/kernel}.
 * A non-trainable one (BatchNormalization's moving statistics) is saved and loaded like the others,
 * but the layer updates it itself: it gets no gradient and the optimizer leaves it alone.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final boolean trainable;
    private Regularizer regularizer;
    private Constraint constraint;

    Parameter(String name, Tensor value, boolean trainable) {
        this.name = name;
        this.value = value;
        this.trainable = trainable;
    }

    /** The short name within the layer: {@code kernel}, {@code bias}. */
    public String name() {
        return name;
    }

    /** The live values: the optimizer updates this tensor in place. */
    public Tensor value() {
        return value;
    }

    /** Whether the optimizer trains it from its gradient. */
    public boolean trainable() {
        return trainable;
    }

    /** The penalty training adds to the loss for this tensor, or null. */
    public Regularizer regularizer() {
        return regularizer;
    }

    void regularizer(Regularizer r) {
        this.regularizer = r;
    }

    /** The projection applied to this tensor after each optimizer step, or null. */
    public Constraint constraint() {
        return constraint;
    }

    void constraint(Constraint c) {
        this.constraint = c;
    }
}
