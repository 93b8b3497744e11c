package org.tatami.layers;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.config.ModelConfigException;

/**
 * The layer classes a model config may name, by Keras's class names, and how to make each from its
 * config: Keras's {@code custom_objects} / {@code register_keras_serializable}. The built-in classes
 * are registered (with Keras's aliases MaxPool1D, AvgPool1D, MaxPool2D, AvgPool2D, GlobalAvgPool2D and
 * GlobalMaxPool2D); a program adds its own layer classes with {@link #register}.
 *
 * <pre>{@code
 * LayerRegistry.register("Scale", c -> new Scale((float) c.number("factor")));
 * }</pre>
 */
public final class LayerRegistry {
    /** Makes a layer from the options of its config that are its own (Keras's {@code from_config}). */
    @FunctionalInterface
    public interface Factory {
        Layer fromConfig(Fields config);
    }

    private static final Map<String, Factory> BUILT_IN = Map.ofEntries(
            Map.entry("Conv1D", Conv1D::fromConfig),
            Map.entry("Conv2D", Conv2D::fromConfig),
            Map.entry("Conv2DTranspose", Conv2DTranspose::fromConfig),
            Map.entry("DepthwiseConv2D", DepthwiseConv2D::fromConfig),
            Map.entry("SeparableConv2D", SeparableConv2D::fromConfig),
            Map.entry("MaxPooling2D", MaxPool2D::fromConfig),
            Map.entry("MaxPool2D", MaxPool2D::fromConfig),
            Map.entry("AveragePooling2D", AveragePooling2D::fromConfig),
            Map.entry("AvgPool2D", AveragePooling2D::fromConfig),
            Map.entry("MaxPooling1D", MaxPooling1D::fromConfig),
            Map.entry("MaxPool1D", MaxPooling1D::fromConfig),
            Map.entry("AveragePooling1D", AveragePooling1D::fromConfig),
            Map.entry("AvgPool1D", AveragePooling1D::fromConfig),
            Map.entry("GlobalAveragePooling2D", GlobalAveragePooling2D::fromConfig),
            Map.entry("GlobalAvgPool2D", GlobalAveragePooling2D::fromConfig),
            Map.entry("ZeroPadding2D", ZeroPadding2D::fromConfig),
            Map.entry("Cropping2D", Cropping2D::fromConfig),
            Map.entry("UpSampling2D", UpSampling2D::fromConfig),
            Map.entry("GlobalMaxPooling2D", GlobalMaxPooling2D::fromConfig),
            Map.entry("GlobalMaxPool2D", GlobalMaxPooling2D::fromConfig),
            Map.entry("SpatialDropout2D", SpatialDropout2D::fromConfig),
            Map.entry("BatchNormalization", BatchNormalization::fromConfig),
            Map.entry("LayerNormalization", LayerNormalization::fromConfig),
            Map.entry("Reshape", Reshape::fromConfig),
            Map.entry("Flatten", Flatten::fromConfig),
            Map.entry("Dense", Dense::fromConfig),
            Map.entry("Embedding", Embedding::fromConfig),
            Map.entry("Activation", Activation::fromConfig),
            Map.entry("ReLU", ReLU::fromConfig),
            Map.entry("Dropout", Dropout::fromConfig),
            Map.entry("Rescaling", Rescaling::fromConfig),
            Map.entry("RandomFlip", RandomFlip::fromConfig),
            Map.entry("RandomCrop", RandomCrop::fromConfig),
            Map.entry("RandomRotation", RandomRotation::fromConfig),
            Map.entry("RandomZoom", RandomZoom::fromConfig),
            Map.entry("RandomTranslation", RandomTranslation::fromConfig),
            Map.entry("RandomContrast", RandomContrast::fromConfig),
            Map.entry("Resizing", Resizing::fromConfig),
            Map.entry("CenterCrop", CenterCrop::fromConfig),
            Map.entry("Normalization", Normalization::fromConfig),
            Map.entry("Add", Add::fromConfig),
            Map.entry("Subtract", Subtract::fromConfig),
            Map.entry("Multiply", Multiply::fromConfig),
            Map.entry("Average", Average::fromConfig),
            Map.entry("Maximum", Maximum::fromConfig),
            Map.entry("Minimum", Minimum::fromConfig),
            Map.entry("Concatenate", Concatenate::fromConfig));

    private static final Map<String, Factory> CUSTOM = new ConcurrentHashMap<>();

    private LayerRegistry() {
    }

    /**
     * Registers a layer class of the program's own under the class name its {@code className()}
     * returns and its configs carry. Configs then name it with any {@code module} and
     * {@code registered_name} (a custom class is never one of Keras's modules).
     *
     * @throws IllegalArgumentException if the name is a built-in class or registered already
     */
    public static void register(String className, Factory factory) {
        if (BUILT_IN.containsKey(className) || className.equals("InputLayer")) {
            throw new IllegalArgumentException("'" + className + "' is a built-in layer class; register a custom"
                    + " layer under its own class name");
        }
        if (CUSTOM.putIfAbsent(className, factory) != null) {
            throw new IllegalArgumentException("a layer class '" + className + "' is registered already");
        }
    }

    /** Whether a config may name this layer class (built-in or registered). */
    public static boolean contains(String className) {
        return BUILT_IN.containsKey(className) || CUSTOM.containsKey(className);
    }

    /**
     * Makes the layer of one entry of a model config: checks that the entry names a class this registry
     * knows (a built-in one only from Keras's own modules), then reads the options every layer has
     * ({@code trainable}, {@code dtype}, Keras 2's {@code batch_input_shape}) and lets the class read
     * the rest. The caller reads {@code name} and finishes {@code config}.
     *
     * @param entry  the entry, its {@code class_name} read
     * @param config the entry's {@code config}
     */
    public static Layer fromConfig(Fields entry, String className, Fields config) {
        Factory factory = BUILT_IN.get(className);
        if (factory != null) {
            KerasValues.requireKerasObject(entry, className);
        } else {
            factory = CUSTOM.get(className);
            if (factory == null) {
                throw entry.unsupported("class_name", "tatami reads the layers InputLayer, "
                        + String.join(", ", new TreeSet<>(BUILT_IN.keySet())) + (CUSTOM.isEmpty() ? ""
                        : " and the registered " + String.join(", ", new TreeSet<>(CUSTOM.keySet())))
                        + "; register a layer class of your own with LayerRegistry.register");
            }
            entry.string("module", null);
            entry.string("registered_name", null);
        }
        boolean trainable = config.bool("trainable", true);
        KerasValues.requireFloat32(config, "dtype");
        int[] batchInputShape = KerasValues.optionalBatchShape(config, "batch_input_shape");
        config.expectNull("activity_regularizer", "tatami has no activity regularizers");
        try {
            Layer layer = factory.fromConfig(config);
            layer.trainable(trainable);
            if (batchInputShape != null) {
                layer.inputShape(batchInputShape);
            }
            return layer;
        } catch (ModelConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // The layer's own check (e.g. a negative size): prefix the source and the layer.
            throw new ModelConfigException(entry.where() + ": " + e.getMessage(), e);
        }
    }
}
