package org.tatami.interop.keras;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tatami.layers.Layer;

/**
 * The keys under which Keras 3 stores each layer's variables in {@code model.weights.h5}
 * ({@code layers/<key>/vars}): not the layer's name, but its class name in snake case, numbered in
 * order of appearance within the model ({@code conv2d}, {@code conv2d_1}, {@code dense}, ...).
 */
final class KerasKeys {
    private KerasKeys() {
    }

    /** One key per layer, in the model's order. */
    static List<String> of(List<Layer> layers) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (Layer layer : layers) {
            String base = snakeCase(layer.className());
            int n = seen.merge(base, 1, Integer::sum) - 1;
            keys.add(n == 0 ? base : base + "_" + n);
        }
        return keys;
    }

    /** Keras's {@code naming.to_snake_case}: {@code MaxPooling2D} to {@code max_pooling2d}. */
    static String snakeCase(String className) {
        String s = className.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
        return s.toLowerCase(Locale.ROOT);
    }
}
