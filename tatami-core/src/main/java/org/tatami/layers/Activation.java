package org.tatami.layers;

import java.util.Map;
import org.tatami.activations.ActivationFunction;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/** Applies an activation function on its own, as Keras's {@code Activation("relu")}. */
public final class Activation extends PassThrough {
    private final ActivationFunction function;

    public Activation(String name) {
        this(ActivationFunction.of(name));
    }

    public Activation(ActivationFunction function) {
        this.function = function;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Activation fromConfig(Fields c) {
        if (!c.has("activation")) {
            throw c.invalid("activation", "an activation name (a string)");
        }
        return new Activation(KerasValues.activation(c, "activation", null));
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
