package org.tatami.metrics;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The metrics of one's own that a saved model's compile settings may name: Keras's {@code custom_objects}
 * for metrics. A model compiled with a {@link MeanMetricWrapper} of one's own saves it by name; register
 * a factory under that name before loading the model.
 *
 * <pre>{@code
 * MetricRegistry.register("abs_error", () -> new MeanMetricWrapper("abs_error", (t, p) -> Math.abs(t[0] - p[0])));
 * }</pre>
 */
public final class MetricRegistry {
    private static final Map<String, Supplier<Metric>> CUSTOM = new ConcurrentHashMap<>();

    private MetricRegistry() {
    }

    /** @throws IllegalArgumentException if the name is registered already */
    public static void register(String name, Supplier<Metric> factory) {
        if (CUSTOM.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("a metric '" + name + "' is registered already");
        }
    }

    /** A new instance of a registered metric, or null if none has this name. */
    static Metric create(String name) {
        Supplier<Metric> factory = CUSTOM.get(name);
        return factory == null ? null : factory.get();
    }

    /** The registered names, sorted, for messages. */
    static TreeSet<String> names() {
        return new TreeSet<>(CUSTOM.keySet());
    }
}
