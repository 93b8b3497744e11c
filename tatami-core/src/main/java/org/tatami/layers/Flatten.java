package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.tensor.Shape;

/** Flattens each sample to one axis in row-major (NHWC) order, as Keras's Flatten. */
public final class Flatten extends PassThrough {
    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Flatten fromConfig(Fields c) {
        KerasValues.requireChannelsLast(c);
        return new Flatten();
    }

    @Override
    public String className() {
        return "Flatten";
    }

    @Override
    protected String baseName() {
        return "flatten";
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        return new int[] {Shape.size(inputShape)};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("data_format", "channels_last");
        return c;
    }
}
