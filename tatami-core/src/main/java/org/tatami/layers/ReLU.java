package org.tatami.layers;

import java.util.Map;
import org.tatami.activations.ActivationFunction;
import org.tatami.config.Fields;

/**
 * The rectifier as a layer of its own, as Keras's {@code ReLU()}: the same function as
 * {@code Activation("relu")}, under the class name Keras models (residual blocks) often use.
 */
public final class ReLU extends PassThrough {
    /** The layer a Keras config describes; only Keras's plain rectifier (no cap, slope or threshold). */
    public static ReLU fromConfig(Fields c) {
        c.expectNull("max_value", "tatami's ReLU has no cap");
        if (c.number("negative_slope", 0) != 0) {
            throw c.unsupported("negative_slope", "tatami's ReLU is zero below its threshold");
        }
        if (c.number("threshold", 0) != 0) {
            throw c.unsupported("threshold", "tatami's ReLU has its threshold at zero");
        }
        return new ReLU();
    }

    @Override
    public String className() {
        return "ReLU";
    }

    @Override
    protected String baseName() {
        return "re_lu";
    }

    @Override
    public ActivationFunction activation() {
        return ActivationFunction.RELU;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return inputShape;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("max_value", null);
        c.put("negative_slope", 0.0);
        c.put("threshold", 0.0);
        return c;
    }
}
