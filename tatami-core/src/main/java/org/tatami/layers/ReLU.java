package org.tatami.layers;

import java.util.Map;
import org.tatami.activations.ActivationFunction;
import org.tatami.config.Fields;

/**
 * The rectifier as a layer of its own, as Keras's {@code ReLU()}: the same function as
 * {@code Activation("relu")}, or with {@code max_value} 6 as {@code Activation("relu6")}, under the
 * class name Keras models (residual blocks, MobileNets) often use.
 */
public final class ReLU extends PassThrough {
    private final ActivationFunction function;

    /** The plain rectifier, max(x, 0). */
    public ReLU() {
        this(ActivationFunction.RELU);
    }

    private ReLU(ActivationFunction function) {
        this.function = function;
    }

    /** The rectifier capped at 6, min(max(x, 0), 6), as Keras's {@code ReLU(max_value=6)}. */
    public static ReLU relu6() {
        return new ReLU(ActivationFunction.RELU6);
    }

    /** The layer a Keras config describes: no cap or a cap of 6, no negative slope, threshold 0. */
    public static ReLU fromConfig(Fields c) {
        ReLU layer;
        if (c.isNull("max_value")) {
            c.take("max_value");
            layer = new ReLU();
        } else if (c.number("max_value") == 6) {
            layer = relu6();
        } else {
            throw c.unsupported("max_value", "tatami's ReLU caps at 6 (relu6) or not at all");
        }
        if (c.number("negative_slope", 0) != 0) {
            throw c.unsupported("negative_slope", "tatami's ReLU is zero below its threshold");
        }
        if (c.number("threshold", 0) != 0) {
            throw c.unsupported("threshold", "tatami's ReLU has its threshold at zero");
        }
        return layer;
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
        return function;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return inputShape;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("max_value", function == ActivationFunction.RELU6 ? 6.0 : null);
        c.put("negative_slope", 0.0);
        c.put("threshold", 0.0);
        return c;
    }
}
