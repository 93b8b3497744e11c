package org.tatami.losses;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The losses that {@link Loss#of} (and so a saved model's compile settings) may name besides Keras's
 * built-in ones: Keras's {@code custom_objects} for losses. A program registers its own loss under
 * the name its {@link Loss#name()} returns, before loading a model compiled with it.
 *
 * <pre>{@code
 * LossRegistry.register("huber", Huber::new);
 * }</pre>
 */
public final class LossRegistry {
    private static final Map<String, Supplier<Loss>> CUSTOM = new ConcurrentHashMap<>();

    private LossRegistry() {
    }

    /**
     * @throws IllegalArgumentException if the name is a built-in loss or registered already
     */
    public static void register(String name, Supplier<Loss> factory) {
        if (Loss.isBuiltIn(name)) {
            throw new IllegalArgumentException("'" + name + "' is a built-in loss; register a custom loss under its"
                    + " own name");
        }
        if (CUSTOM.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("a loss '" + name + "' is registered already");
        }
    }

    /** A new instance of a registered loss, or null if none has this name. */
    static Loss create(String name) {
        Supplier<Loss> factory = CUSTOM.get(name);
        return factory == null ? null : factory.get();
    }

    /** The registered names, sorted, for messages. */
    static TreeSet<String> names() {
        return new TreeSet<>(CUSTOM.keySet());
    }
}
