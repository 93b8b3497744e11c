package org.tatami.losses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;

/**
 * The losses {@link Loss#of} and a saved model's compile settings may name: Keras's strings for the
 * built-in losses ({@code "binary_crossentropy"}, {@code "huber"}, {@code "mae"}, ...), their class
 * names with configs, and the losses a program registers (Keras's {@code custom_objects} for losses),
 * under the name their {@link Loss#name()} returns, before loading a model compiled with them.
 *
 * <pre>{@code
 * LossRegistry.register("my_loss", MyLoss::new);
 * }</pre>
 */
public final class LossRegistry {
    /** Keras's strings, with Keras's defaults. */
    static final Map<String, Supplier<Loss>> BUILT_IN = new LinkedHashMap<>();
    /** Keras's class names, read from their configs. */
    private static final Map<String, Function<Fields, Loss>> CLASSES = new LinkedHashMap<>();
    private static final Map<String, Supplier<Loss>> CUSTOM = new ConcurrentHashMap<>();

    static {
        BUILT_IN.put("sparse_categorical_crossentropy", SparseCategoricalCrossentropy::new);
        BUILT_IN.put("categorical_crossentropy", CategoricalCrossentropy::new);
        BUILT_IN.put("binary_crossentropy", BinaryCrossentropy::new);
        BUILT_IN.put("mean_squared_error", MeanSquaredError::new);
        BUILT_IN.put("mse", MeanSquaredError::new);
        BUILT_IN.put("mean_absolute_error", MeanAbsoluteError::new);
        BUILT_IN.put("mae", MeanAbsoluteError::new);
        BUILT_IN.put("huber", Huber::new);
        CLASSES.put("SparseCategoricalCrossentropy", SparseCategoricalCrossentropy::fromConfig);
        CLASSES.put("CategoricalCrossentropy", CategoricalCrossentropy::fromConfig);
        CLASSES.put("BinaryCrossentropy", BinaryCrossentropy::fromConfig);
        CLASSES.put("MeanSquaredError", c -> new MeanSquaredError());
        CLASSES.put("MeanAbsoluteError", c -> new MeanAbsoluteError());
        CLASSES.put("Huber", Huber::fromConfig);
    }

    private LossRegistry() {
    }

    /**
     * @throws IllegalArgumentException if the name is a built-in loss or registered already
     */
    public static void register(String name, Supplier<Loss> factory) {
        if (BUILT_IN.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is a built-in loss; register a custom loss under its"
                    + " own name");
        }
        if (CUSTOM.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("a loss '" + name + "' is registered already");
        }
    }

    /** A new instance of the built-in or registered loss of this name, or null if none has it. */
    static Loss create(String name) {
        Supplier<Loss> factory = BUILT_IN.getOrDefault(name, CUSTOM.get(name));
        return factory == null ? null : factory.get();
    }

    /** A built-in loss from Keras's class name and config (its own options read; the base ones left). */
    static Loss fromConfig(String className, Fields config) {
        Function<Fields, Loss> reader = CLASSES.get(className);
        if (reader == null) {
            throw new ModelConfigException(config.where() + ": unknown loss class '" + className + "': expected one of "
                    + String.join(", ", CLASSES.keySet()));
        }
        return reader.apply(config);
    }

    /** The registered names, sorted, for messages. */
    static TreeSet<String> names() {
        return new TreeSet<>(CUSTOM.keySet());
    }
}
