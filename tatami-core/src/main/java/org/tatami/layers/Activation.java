package org.tatami.layers;

import java.util.Map;
import org.tatami.activations.ActivationFunction;

/** Applies an activation function on its own, as Keras's {@code Activation("relu")}. */
public final class Activation extends PassThrough {
    private final ActivationFunction function;

    public Activation(String name) {
        this(ActivationFunction.of(name));
    }

    public Activation(ActivationFunction function) {
        this.function = function;
    }

    @Override
    public String className() {
        return "Activation";
    }

    @Override
    protected String baseName() {
        return "activation";
    }

    @Override
    public ActivationFunction activation() {
        return function;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return inputShape;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("activation", function.kerasName());
        return c;
    }
}
