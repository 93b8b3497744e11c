package org.tatami.layers;

import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.tensor.Shape;

/** What BatchNormalization and LayerNormalization check and write alike: epsilon, axis, gamma and beta options. */
final class NormalizationOptions {
    private NormalizationOptions() {
    }

    static float epsilon(String layerClass, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(layerClass + " epsilon must be a positive number, got " + value);
        }
        return (float) value;
    }

    /**
     * The length of the normalized axis, which must be the last: -1 or, counting the batch axis as
     * Keras does, the input's rank.
     */
    static int lastAxis(Layer layer, int axis, int[] in) {
        if (in.length < 1 || (axis != -1 && axis != in.length)) {
            throw new IllegalArgumentException(layer.name() + " (" + layer.className() + "): axis " + axis
                    + " on input " + Shape.withBatch(in) + ": tatami normalizes the last axis only (-1 or "
                    + in.length + ")");
        }
        return in[in.length - 1];
    }

    static void rejectRegularizersAndConstraints(Fields c) {
        c.expectNull("beta_regularizer", "tatami has no weight regularizers");
        c.expectNull("gamma_regularizer", "tatami has no weight regularizers");
        c.expectNull("beta_constraint", "tatami has no weight constraints");
        c.expectNull("gamma_constraint", "tatami has no weight constraints");
    }

    static void putNoRegularizersOrConstraints(Map<String, Object> c) {
        c.put("beta_regularizer", null);
        c.put("gamma_regularizer", null);
        c.put("beta_constraint", null);
        c.put("gamma_constraint", null);
    }
}
