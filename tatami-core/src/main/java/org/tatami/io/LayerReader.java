package org.tatami.io;

import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.tatami.activations.ActivationFunction;
import org.tatami.initializers.Constant;
import org.tatami.initializers.GlorotUniform;
import org.tatami.initializers.Zeros;
import org.tatami.layers.Activation;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.DepthwiseConv2D;
import org.tatami.layers.DepthwiseLayer;
import org.tatami.layers.Dropout;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.KernelLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.Padding;
import org.tatami.layers.Pooling2D;
import org.tatami.layers.Reshape;
import org.tatami.layers.SeparableConv2D;

/** Reads one layer entry of a Keras model config into a tatami layer, checking every option. */
final class LayerReader {
    private static final JsonPrimitive TRUE = new JsonPrimitive(true);
    private static final JsonPrimitive FALSE = new JsonPrimitive(false);
    private static final int[] ONES = {1, 1};
    /**
     * The layer classes besides InputLayer, by Keras's class names (MaxPool2D, AvgPool2D and
     * GlobalAvgPool2D are Keras's aliases).
     */
    private static final Map<String, Function<Fields, Layer>> READERS = Map.ofEntries(
            Map.entry("Conv2D", LayerReader::conv2d),
            Map.entry("DepthwiseConv2D", LayerReader::depthwiseConv2d),
            Map.entry("SeparableConv2D", LayerReader::separableConv2d),
            Map.entry("MaxPooling2D", c -> pool(c, MaxPool2D::new)),
            Map.entry("MaxPool2D", c -> pool(c, MaxPool2D::new)),
            Map.entry("AveragePooling2D", c -> pool(c, AveragePooling2D::new)),
            Map.entry("AvgPool2D", c -> pool(c, AveragePooling2D::new)),
            Map.entry("GlobalAveragePooling2D", LayerReader::globalAveragePooling2d),
            Map.entry("GlobalAvgPool2D", LayerReader::globalAveragePooling2d),
            Map.entry("BatchNormalization", LayerReader::batchNormalization),
            Map.entry("Reshape", LayerReader::reshape),
            Map.entry("Flatten", LayerReader::flatten),
            Map.entry("Dense", LayerReader::dense),
            Map.entry("Activation", LayerReader::activation),
            Map.entry("Dropout", LayerReader::dropout));

    /**
     * One entry of the config's layer list.
     *
     * @param name            the name in the config, or null if it gives none
     * @param where           the source and the layer, for messages
     * @param layer           the layer, or null for an InputLayer
     * @param batchInputShape an InputLayer's shape, or a layer's Keras 2 {@code batch_input_shape}
     *                        (without the batch axis), or null
     * @param buildInputShape Keras 3's {@code build_config} input shape (without the batch axis), or null
     */
    record Entry(String name, String where, Layer layer, int[] batchInputShape, int[] buildInputShape) {
        boolean isInput() {
            return layer == null;
        }
    }

    private LayerReader() {
    }

    /**
     * @param entry  the entry ({@code class_name}, {@code config}, ...); the caller reads and checks
     *               the keys of Functional models ({@code name}, {@code inbound_nodes})
     * @param config the entry's config, its {@code name} already read
     * @param name   the layer's name, or null to let tatami name it
     */
    static Entry read(Fields entry, Fields config, String className, String name) {
        Function<Fields, Layer> reader = READERS.get(className);
        if (reader == null && !className.equals("InputLayer")) {
            throw entry.unsupported("class_name", "tatami reads the layers InputLayer, Conv2D, DepthwiseConv2D,"
                    + " SeparableConv2D, MaxPooling2D (MaxPool2D), AveragePooling2D (AvgPool2D),"
                    + " GlobalAveragePooling2D (GlobalAvgPool2D), BatchNormalization, Reshape, Flatten, Dense,"
                    + " Activation and Dropout");
        }
        KerasValues.requireKerasObject(entry, className);
        int[] buildShape = KerasValues.buildInputShape(entry);
        if (className.equals("InputLayer")) {
            int[] shape = inputShape(config);
            config.finish();
            return new Entry(name, entry.where(), null, shape, buildShape);
        }
        config.expect("trainable", TRUE, "tatami trains every layer");
        KerasValues.requireFloat32(config, "dtype");
        int[] batchInputShape = KerasValues.optionalBatchShape(config, "batch_input_shape");
        config.expectNull("activity_regularizer", "tatami has no activity regularizers");
        Layer layer;
        try {
            layer = reader.apply(config);
            if (name != null) {
                layer.name(name);
            }
        } catch (ModelConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // The layer's own check (e.g. a negative size): prefix the source and the layer.
            throw new ModelConfigException(entry.where() + ": " + e.getMessage(), e);
        }
        config.finish();
        return new Entry(name, entry.where(), layer, batchInputShape, buildShape);
    }

    /** Keras 3 writes {@code batch_shape}, Keras 2 {@code batch_input_shape}. */
    private static int[] inputShape(Fields config) {
        int[] shape = KerasValues.batchShape(config, config.has("batch_shape") ? "batch_shape" : "batch_input_shape");
        KerasValues.requireFloat32(config, "dtype");
        config.expect("sparse", FALSE, "tatami's inputs are dense");
        config.expect("ragged", FALSE, "tatami's inputs are dense");
        config.expect("optional", FALSE, "tatami models need their input");
        return shape;
    }

    private static Conv2D conv2d(Fields c) {
        int filters = c.integer("filters");
        int[] kernel = kernelSize(c);
        int[] strides = c.pair("strides", ONES);
        Padding padding = KerasValues.padding(c);
        KerasValues.requireChannelsLast(c);
        if (!Arrays.equals(c.pair("dilation_rate", ONES), ONES)) {
            throw c.unsupported("dilation_rate", "tatami's Conv2D has no dilation");
        }
        if (c.integer("groups", 1) != 1) {
            throw c.unsupported("groups", "tatami's Conv2D has no grouped convolution");
        }
        Conv2D conv = new Conv2D(filters, kernel[0], kernel[1]).strides(strides[0], strides[1]).padding(padding);
        kernelOptions(c, conv);
        return conv;
    }

    private static DepthwiseConv2D depthwiseConv2d(Fields c) {
        int[] kernel = kernelSize(c);
        // tf.keras 2 writes Conv2D's groups here too.
        if (c.integer("groups", 1) != 1) {
            throw c.unsupported("groups", "tatami's DepthwiseConv2D has no grouped convolution");
        }
        DepthwiseConv2D conv = new DepthwiseConv2D(kernel[0], kernel[1]);
        depthwiseOptions(c, conv);
        return conv;
    }

    private static SeparableConv2D separableConv2d(Fields c) {
        int filters = c.integer("filters");
        int[] kernel = kernelSize(c);
        SeparableConv2D conv = new SeparableConv2D(filters, kernel[0], kernel[1]);
        depthwiseOptions(c, conv);
        conv.pointwiseInitializer(KerasValues.initializer(c, "pointwise_initializer", new GlorotUniform()));
        c.expectNull("pointwise_regularizer", "tatami has no weight regularizers");
        c.expectNull("pointwise_constraint", "tatami has no weight constraints");
        return conv;
    }

    private static int[] kernelSize(Fields c) {
        int[] kernel = c.pair("kernel_size", null);
        if (kernel == null) {
            throw c.invalid("kernel_size", "a positive integer or two");
        }
        return kernel;
    }

    /** What DepthwiseConv2D and SeparableConv2D share, with Keras's defaults for the options left out. */
    private static void depthwiseOptions(Fields c, DepthwiseLayer<?> layer) {
        int[] strides = c.pair("strides", ONES);
        layer.strides(strides[0], strides[1]).padding(KerasValues.padding(c));
        KerasValues.requireChannelsLast(c);
        if (!Arrays.equals(c.pair("dilation_rate", ONES), ONES)) {
            throw c.unsupported("dilation_rate", "tatami's " + layer.className() + " has no dilation");
        }
        layer.depthMultiplier(c.integer("depth_multiplier", 1));
        layer.activation(KerasValues.activation(c, "activation", ActivationFunction.LINEAR));
        layer.useBias(c.bool("use_bias", true));
        layer.depthwiseInitializer(KerasValues.initializer(c, "depthwise_initializer", new GlorotUniform()));
        layer.biasInitializer(KerasValues.initializer(c, "bias_initializer", new Zeros()));
        c.expectNull("depthwise_regularizer", "tatami has no weight regularizers");
        c.expectNull("bias_regularizer", "tatami has no weight regularizers");
        c.expectNull("depthwise_constraint", "tatami has no weight constraints");
        c.expectNull("bias_constraint", "tatami has no weight constraints");
    }

    private static Dense dense(Fields c) {
        Dense dense = new Dense(c.integer("units"));
        kernelOptions(c, dense);
        c.expectNull("quantization_config", "tatami computes in float32 only");
        return dense;
    }

    /** What Conv2D and Dense share, with Keras's defaults for the options left out. */
    private static void kernelOptions(Fields c, KernelLayer<?> layer) {
        layer.activation(KerasValues.activation(c, "activation", ActivationFunction.LINEAR));
        layer.useBias(c.bool("use_bias", true));
        layer.kernelInitializer(KerasValues.initializer(c, "kernel_initializer", new GlorotUniform()));
        layer.biasInitializer(KerasValues.initializer(c, "bias_initializer", new Zeros()));
        c.expectNull("kernel_regularizer", "tatami has no weight regularizers");
        c.expectNull("bias_regularizer", "tatami has no weight regularizers");
        c.expectNull("kernel_constraint", "tatami has no weight constraints");
        c.expectNull("bias_constraint", "tatami has no weight constraints");
        c.expectNull("lora_rank", "tatami has no LoRA");
        c.expectNull("lora_alpha", "tatami has no LoRA");
    }

    private static Pooling2D<?> pool(Fields c, BiFunction<Integer, Integer, Pooling2D<?>> create) {
        int[] pool = c.pair("pool_size", new int[] {2, 2});
        // Keras's strides default (null) is the pool size.
        int[] strides = c.pair("strides", pool);
        Padding padding = KerasValues.padding(c);
        KerasValues.requireChannelsLast(c);
        return create.apply(pool[0], pool[1]).strides(strides[0], strides[1]).padding(padding.kerasName());
    }

    private static GlobalAveragePooling2D globalAveragePooling2d(Fields c) {
        KerasValues.requireChannelsLast(c);
        return new GlobalAveragePooling2D(c.bool("keepdims", false));
    }

    private static Reshape reshape(Fields c) {
        return new Reshape(c.integers("target_shape"));
    }

    /** Keras 3's options, and Keras 2's renormalization options, accepted only when off. */
    private static BatchNormalization batchNormalization(Fields c) {
        BatchNormalization bn = new BatchNormalization()
                .axis(c.integerOrSingleton("axis", -1))
                .momentum(c.number("momentum", 0.99))
                .epsilon(c.number("epsilon", 1e-3))
                .center(c.bool("center", true))
                .scale(c.bool("scale", true))
                .betaInitializer(KerasValues.initializer(c, "beta_initializer", new Zeros()))
                .gammaInitializer(KerasValues.initializer(c, "gamma_initializer", new Constant(1f)))
                .movingMeanInitializer(KerasValues.initializer(c, "moving_mean_initializer", new Zeros()))
                .movingVarianceInitializer(KerasValues.initializer(c, "moving_variance_initializer", new Constant(1f)));
        c.expectNull("beta_regularizer", "tatami has no weight regularizers");
        c.expectNull("gamma_regularizer", "tatami has no weight regularizers");
        c.expectNull("beta_constraint", "tatami has no weight constraints");
        c.expectNull("gamma_constraint", "tatami has no weight constraints");
        c.expect("synchronized", FALSE, "tatami trains on one machine");
        c.expect("renorm", FALSE, "tatami has no batch renormalization");
        c.expectNull("renorm_clipping", "tatami has no batch renormalization");
        // Only used with renorm, which is off.
        c.take("renorm_momentum");
        // Keras 2's choice of a fused kernel: the same computation either way.
        c.take("fused");
        c.expectNull("virtual_batch_size", "tatami normalizes over the whole batch");
        c.expectNull("adjustment", "tatami has no batch norm adjustment");
        return bn;
    }

    private static Flatten flatten(Fields c) {
        KerasValues.requireChannelsLast(c);
        return new Flatten();
    }

    private static Activation activation(Fields c) {
        if (!c.has("activation")) {
            throw c.invalid("activation", "an activation name (a string)");
        }
        return new Activation(KerasValues.activation(c, "activation", null));
    }

    private static Dropout dropout(Fields c) {
        Dropout dropout = new Dropout(c.number("rate"));
        c.expectNull("noise_shape", "tatami drops each value independently");
        c.expectNull("seed", "tatami draws dropout masks from Tatami.setRandomSeed's stream");
        return dropout;
    }
}
