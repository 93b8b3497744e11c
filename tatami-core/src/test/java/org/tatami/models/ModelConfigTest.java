package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tatami.Tatami;
import org.tatami.activations.ActivationFunction;
import org.tatami.constraints.MaxNorm;
import org.tatami.initializers.Constant;
import org.tatami.initializers.Orthogonal;
import org.tatami.initializers.RandomUniform;
import org.tatami.initializers.TruncatedNormal;
import org.tatami.initializers.VarianceScaling;
import org.tatami.layers.Activation;
import org.tatami.layers.AveragePooling1D;
import org.tatami.layers.AveragePooling2D;
import org.tatami.layers.BatchNormalization;
import org.tatami.layers.Conv1D;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Conv2DTranspose;
import org.tatami.layers.Cropping2D;
import org.tatami.layers.Dense;
import org.tatami.layers.DepthwiseConv2D;
import org.tatami.layers.Dropout;
import org.tatami.layers.Embedding;
import org.tatami.layers.Flatten;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.GlobalMaxPooling2D;
import org.tatami.layers.Layer;
import org.tatami.layers.LayerNormalization;
import org.tatami.layers.MaxPool2D;
import org.tatami.layers.MaxPooling1D;
import org.tatami.layers.Rescaling;
import org.tatami.layers.Reshape;
import org.tatami.layers.SeparableConv2D;
import org.tatami.layers.SpatialDropout2D;
import org.tatami.layers.UpSampling2D;
import org.tatami.layers.ZeroPadding2D;
import org.tatami.config.ModelConfigException;
import org.tatami.regularizers.L1;
import org.tatami.regularizers.L1L2;
import org.tatami.regularizers.L2;

class ModelConfigTest {
    @BeforeEach
    void freshNames() {
        Tatami.clearSession();
    }

    /** The seed tutorial's CNN. */
    private static Sequential seedModel() {
        return new Sequential(
                new Conv2D(3, 3).activation("relu").inputShape(28, 28, 1),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(100).activation("relu"),
                new Dense(10).activation("softmax"));
    }

    private static void assertSameModel(Model expected, Model actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.layers().size(), actual.layers().size());
        assertEquals(expected.isBuilt(), actual.isBuilt());
        for (int i = 0; i < expected.layers().size(); i++) {
            Layer e = expected.layers().get(i);
            Layer a = actual.layers().get(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.className(), a.className());
            assertEquals(e.config(), a.config(), e.name());
            if (e.isBuilt()) {
                assertArrayEquals(e.inputShape(), a.inputShape(), e.name());
                assertArrayEquals(e.outputShape(), a.outputShape(), e.name());
                assertEquals(e.countParams(), a.countParams(), e.name());
            }
        }
        if (expected.isBuilt()) {
            assertEquals(expected.countParams(), actual.countParams());
        }
    }

    /** Asserts the seed model's layers, shapes and parameter count, whatever the JSON named it. */
    private static void assertSeedModel(Model m, String... names) {
        assertEquals(List.of(names), m.layers().stream().map(Layer::name).toList());
        assertEquals(List.of("Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"),
                m.layers().stream().map(Layer::className).toList());
        assertArrayEquals(new int[] {28, 28, 1}, m.inputShape());
        assertArrayEquals(new int[] {26, 26, 3}, m.layers().get(0).outputShape());
        assertArrayEquals(new int[] {507}, m.layers().get(2).outputShape());
        assertArrayEquals(new int[] {10}, m.outputShape());
        assertEquals(51_840, m.countParams());
        assertEquals(ActivationFunction.RELU, m.layers().get(0).activation());
        assertEquals(ActivationFunction.SOFTMAX, m.layers().get(4).activation());
    }

    private static ModelConfigException rejected(String json, String... fragments) {
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfig.fromJson(json, "test.json"));
        assertTrue(e.getMessage().startsWith("test.json: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        return e;
    }

    /** The seed model's Keras 3 JSON, with its default names, changed by {@code edit}. */
    private static String seedJsonWith(Consumer<JsonObject> edit) {
        Tatami.clearSession();
        JsonObject doc = JsonParser.parseString(ModelConfig.toJson(seedModel())).getAsJsonObject();
        edit.accept(doc);
        return doc.toString();
    }

    /** {@code text} with {@code from} replaced, which must occur in it. */
    private static String swap(String text, String from, String to) {
        assertTrue(text.contains(from), from);
        return text.replace(from, to);
    }

    private static JsonArray layers(JsonObject doc) {
        return doc.getAsJsonObject("config").getAsJsonArray("layers");
    }

    /** Entry i of config.layers: 0 is the InputLayer, 1 conv2d, 2 max_pooling2d, 3 flatten, 4 dense, 5 dense_1. */
    private static JsonObject layerConfig(JsonObject doc, int i) {
        return layers(doc).get(i).getAsJsonObject().getAsJsonObject("config");
    }

    // ---- writing ----

    private static final String SEED_KERAS3 = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true,
             "dtype": "float32", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 28, 28, 1],
               "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true,
               "dtype": "float32", "filters": 3, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
               "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
               "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
               "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
               "bias_constraint": null}, "registered_name": null, "build_config": {"input_shape": [null, 28, 28, 1]}},
              {"module": "keras.layers", "class_name": "MaxPooling2D", "config": {"name": "max_pooling2d",
               "trainable": true, "dtype": "float32", "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
               "data_format": "channels_last"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten", "trainable": true,
               "dtype": "float32", "data_format": "channels_last"}, "registered_name": null,
               "build_config": {"input_shape": [null, 13, 13, 3]}},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true,
               "dtype": "float32", "units": 100, "activation": "relu", "use_bias": true,
               "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
               "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
               "registered_name": null, "build_config": {"input_shape": [null, 507]}},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1", "trainable": true,
               "dtype": "float32", "units": 10, "activation": "softmax", "use_bias": true,
               "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
               "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null},
               "registered_name": null, "build_config": {"input_shape": [null, 100]}}],
             "build_input_shape": [null, 28, 28, 1]},
             "registered_name": null, "build_config": {"input_shape": [null, 28, 28, 1]},
             "keras_version": "3.3.3", "backend": "tensorflow"}
            """;

    @Test
    void writesTheSeedModelAsKeras3DoesKeyForKey() {
        String json = ModelConfig.toJson(seedModel());
        // Re-printing the expected text the same way compares values and key order alike.
        String expected = new GsonBuilder().serializeNulls().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(JsonParser.parseString(SEED_KERAS3));
        assertEquals(expected, json);
        assertTrue(json.contains("\n  \"config\": {\n"), "pretty-printed");
    }

    @Test
    void writesAnUnbuiltModelWithoutInputLayerOrBuildConfig() {
        Sequential model = new Sequential(new Dense(4).activation("relu"), new Dense(2));
        JsonObject doc = JsonParser.parseString(ModelConfig.toJson(model)).getAsJsonObject();
        assertEquals(2, layers(doc).size());
        assertEquals("Dense", layers(doc).get(0).getAsJsonObject().get("class_name").getAsString());
        assertFalse(doc.has("build_config"));
        assertFalse(doc.getAsJsonObject("config").has("build_input_shape"));
        assertFalse(layers(doc).get(0).getAsJsonObject().has("build_config"));
    }

    // ---- round trips ----

    @Test
    void seedModelRoundTrips() {
        Sequential model = seedModel();
        Model read = ModelConfig.fromJson(ModelConfig.toJson(model), "seed.json");
        assertSameModel(model, read);
        assertSeedModel(read, "conv2d", "max_pooling2d", "flatten", "dense", "dense_1");
    }

    @Test
    void everyLayerAndOptionRoundTrips() {
        Sequential model = new Sequential("options",
                new Conv2D(8, 5, 3).strides(2, 1).padding("same").activation("tanh").kernelInitializer("he_normal")
                        .biasInitializer(new Constant(0.1f)).name("features").inputShape(20, 18, 2),
                new MaxPool2D(3, 2).strides(1, 2).padding("same"),
                new Dropout(0.15),
                new Flatten(),
                new Dense(16).useBias(false).activation("sigmoid").kernelInitializer("zeros"),
                new Activation("softmax"));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"rate\": 0.15,"), "a float rate is written as its decimal");
        assertTrue(json.contains("\"value\": 0.1\n"), "a float constant is written as its decimal");
        assertSameModel(model, ModelConfig.fromJson(json, "options.json"));
    }

    @Test
    void poolingNormalizationAndReshapeLayersRoundTrip() {
        Sequential model = new Sequential("more",
                new Conv2D(4, 3).padding("same").inputShape(8, 8, 2),
                new BatchNormalization().momentum(0.9).epsilon(1e-5).center(false),
                new AveragePooling2D(3).strides(2, 2).padding("same"),
                new Reshape(2, 8, -1),
                new GlobalAveragePooling2D(true),
                new Flatten(),
                new BatchNormalization().axis(1).scale(false).gammaInitializer(new Constant(0.5f)),
                new Dense(3));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"momentum\": 0.9,") && json.contains("\"epsilon\": 1.0E-5,"), json);
        assertSameModel(model, ModelConfig.fromJson(json, "more.json"));
        assertEquals(3 * 3 * 2 * 4 + 4 + 4 * 3 + 4 * 3 + 4 * 3 + 3, model.countParams());
    }

    @Test
    void paddingCroppingUpSamplingAndSpatialDropoutRoundTrip() {
        Sequential model = new Sequential("resize",
                new ZeroPadding2D(1, 2, 0, 3).inputShape(6, 5, 2),
                new Conv2D(4, 3),
                new SpatialDropout2D(0.25),
                new UpSampling2D(2, 3),
                new Cropping2D(1, 0, 2, 1),
                new GlobalMaxPooling2D(true),
                new GlobalMaxPooling2D());
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"padding\": [\n") && json.contains("\"cropping\": ["), json);
        Model read = ModelConfig.fromJson(json, "resize.json");
        assertSameModel(model, read);
        assertArrayEquals(new int[] {4}, read.outputShape());
        assertArrayEquals(new int[] {13, 15, 4}, read.layers().get(4).outputShape());
        // Keras's SpatialDropout2D takes no trainable argument: its config must not carry one.
        assertFalse(model.layers().get(2).config().containsKey("trainable"));
    }

    @Test
    void conv2dTransposeRoundTripsAndReadsTfKeras2() {
        Sequential model = new Sequential("decoder",
                new Conv2DTranspose(8, 3, 2).strides(2, 1).padding("same").activation("relu")
                        .kernelInitializer("he_normal").inputShape(4, 5, 3),
                new Conv2DTranspose(2, 4).useBias(false),
                new Conv2D(3, 3, 2).dilationRate(2, 3).padding("same"));
        String json = ModelConfig.toJson(model);
        Model read = ModelConfig.fromJson(json, "decoder.json");
        assertSameModel(model, read);
        assertArrayEquals(new int[] {11, 8, 3}, read.outputShape());
        assertEquals(List.of(2, 3), read.layers().get(2).config().get("dilation_rate"));
        assertArrayEquals(new int[] {3, 2, 8, 3}, read.layers().get(0).getWeights().get(0).shape());
        String keras2 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "Conv2DTranspose", "config": {"name": "t", "trainable": true, "dtype": "float32",
                   "batch_input_shape": [null, 4, 4, 2], "filters": 3, "kernel_size": [3, 3], "strides": [2, 2],
                   "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                   "activation": "linear", "use_bias": true,
                   "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
                   "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
                   "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
                   "bias_constraint": null, "output_padding": null}}]}}
                """;
        assertArrayEquals(new int[] {8, 8, 3}, ModelConfig.fromJson(keras2, "t.json").outputShape());
        rejected(swap(keras2, "\"output_padding\": null", "\"output_padding\": [1, 1]"),
                "layer 't' (Conv2DTranspose)", "output_padding");
        assertArrayEquals(new int[] {8, 8, 3}, ModelConfig.fromJson(swap(keras2, "\"dilation_rate\": [1, 1]",
                "\"dilation_rate\": [2, 2]").replace("\"strides\": [2, 2]", "\"strides\": [1, 1]")
                .replace("\"same\"", "\"valid\""), "t.json").outputShape());
        rejected(swap(keras2, "\"dilation_rate\": [1, 1]", "\"dilation_rate\": [2, 2]"),
                "layer 't' (Conv2DTranspose)", "strides (2, 2) and dilation_rate (2, 2) cannot both exceed 1");
    }

    @Test
    void conv1dRoundTripsAndReadsKeras3() {
        Sequential model = new Sequential("sequence",
                new Conv1D(8, 5).strides(2).padding("causal").activation("relu").inputShape(20, 3),
                new Conv1D(4, 3).padding("same").useBias(false),
                new Flatten(),
                new Dense(2));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"kernel_size\": [\n") && json.contains("\"padding\": \"causal\""), json);
        Model read = ModelConfig.fromJson(json, "sequence.json");
        assertSameModel(model, read);
        assertArrayEquals(new int[] {10, 4}, read.layers().get(1).outputShape());
        String keras3 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 12, 2], "name": "in"}},
                  {"class_name": "Conv1D", "config": {"name": "c", "filters": 3, "kernel_size": 4, "strides": [1],
                   "padding": "valid", "data_format": "channels_last", "dilation_rate": [1], "groups": 1,
                   "activation": "linear", "use_bias": true}}]}}
                """;
        Model m = ModelConfig.fromJson(keras3, "c.json");
        assertArrayEquals(new int[] {9, 3}, m.outputShape());
        assertArrayEquals(new int[] {4, 2, 3}, m.layers().get(0).getWeights().get(0).shape());
        assertArrayEquals(new int[] {6, 3}, ModelConfig.fromJson(swap(keras3, "\"dilation_rate\": [1]",
                "\"dilation_rate\": [2]"), "c.json").outputShape());
        rejected(swap(keras3, "\"dilation_rate\": [1]", "\"dilation_rate\": [0]"), "layer 'c' (Conv1D)",
                "dilation_rate");
        rejected(swap(keras3, "\"padding\": \"valid\"", "\"padding\": \"full\""), "layer 'c' (Conv1D)", "padding");
        rejected(swap(keras3, "\"strides\": [1]", "\"strides\": [1, 1]"), "layer 'c' (Conv1D)", "strides");
    }

    @Test
    void pooling1dRoundTripsAndReadsKeras3() {
        Sequential model = new Sequential("pool1d",
                new Conv1D(4, 3).inputShape(20, 2),
                new MaxPooling1D(3).strides(2).padding("same"),
                new AveragePooling1D(),
                new Flatten());
        String json = ModelConfig.toJson(model);
        Model read = ModelConfig.fromJson(json, "pool1d.json");
        assertSameModel(model, read);
        assertArrayEquals(new int[] {16}, read.outputShape());
        // Keras builds poolings at construction: no build_config for them.
        JsonObject doc = JsonParser.parseString(json).getAsJsonObject();
        assertTrue(layers(doc).get(1).getAsJsonObject().has("build_config"));
        assertFalse(layers(doc).get(2).getAsJsonObject().has("build_config"));
        assertFalse(layers(doc).get(3).getAsJsonObject().has("build_config"));
        String keras3 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 9, 2], "name": "in"}},
                  {"class_name": "MaxPool1D", "config": {"name": "m", "pool_size": [2], "padding": "valid",
                   "strides": null, "data_format": "channels_last"}},
                  {"class_name": "AveragePooling1D", "config": {"name": "a", "pool_size": 2, "strides": [1]}}]}}
                """;
        Model m = ModelConfig.fromJson(keras3, "p.json");
        assertEquals("MaxPooling1D", m.layers().get(0).className());
        assertArrayEquals(new int[] {3, 2}, m.outputShape());
        rejected(swap(keras3, "\"pool_size\": [2]", "\"pool_size\": [2, 2]"), "layer 'm' (MaxPool1D)",
                "pool_size");
    }

    @Test
    void embeddingRoundTripsAndReadsKeras2() {
        Sequential model = new Sequential("text",
                new Embedding(100, 8).embeddingsInitializer(new RandomUniform(-1, 0.5)).inputShape(12),
                new Conv1D(4, 3),
                new Flatten(),
                new Dense(1));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"minval\": -1.0,") && json.contains("\"maxval\": 0.5,"), json);
        assertSameModel(model, ModelConfig.fromJson(json, "text.json"));
        String keras2 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "Embedding", "config": {"name": "e", "trainable": true, "dtype": "float32",
                   "batch_input_shape": [null, 5], "input_dim": 20, "output_dim": 3,
                   "embeddings_initializer": {"class_name": "RandomUniform",
                   "config": {"minval": -0.05, "maxval": 0.05, "seed": null}},
                   "embeddings_regularizer": null, "activity_regularizer": null, "embeddings_constraint": null,
                   "mask_zero": false, "input_length": 5}}]}}
                """;
        Model m = ModelConfig.fromJson(keras2, "e.json");
        assertArrayEquals(new int[] {5, 3}, m.outputShape());
        assertEquals(List.of("e/embeddings"), List.copyOf(m.namedWeights().keySet()));
        rejected(swap(keras2, "\"mask_zero\": false", "\"mask_zero\": true"), "layer 'e' (Embedding)", "mask_zero");
        rejected(swap(keras2, "\"seed\": null", "\"seed\": 3"), "layer 'e' (Embedding)", "seed");
    }

    /** Keras accepts one size for all sides, one per axis, or a pair per axis; the alias GlobalMaxPool2D. */
    @Test
    void readsKerasFormsOfPaddingAndCropping() {
        String json = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 1], "name": "in"}},
                  {"class_name": "ZeroPadding2D", "config": {"name": "p1", "padding": 2}},
                  {"class_name": "ZeroPadding2D", "config": {"name": "p2", "padding": [1, 3]}},
                  {"class_name": "Cropping2D", "config": {"name": "c1", "cropping": [[1, 0], [2, 1]]}},
                  {"class_name": "UpSampling2D", "config": {"name": "u", "size": 2, "interpolation": "nearest"}},
                  {"class_name": "GlobalMaxPool2D", "config": {"name": "g"}}]}}
                """;
        Model m = ModelConfig.fromJson(json, "forms.json");
        assertArrayEquals(new int[] {12, 12, 1}, m.layers().get(0).outputShape());
        assertArrayEquals(new int[] {14, 18, 1}, m.layers().get(1).outputShape());
        assertArrayEquals(new int[] {13, 15, 1}, m.layers().get(2).outputShape());
        assertArrayEquals(new int[] {26, 30, 1}, m.layers().get(3).outputShape());
        assertEquals("GlobalMaxPooling2D", m.layers().get(4).className());
        rejected(swap(json, "\"interpolation\": \"nearest\"", "\"interpolation\": \"bilinear\""),
                "layer 'u' (UpSampling2D)", "interpolation", "bilinear");
        rejected(swap(json, "\"padding\": [1, 3]", "\"padding\": [1, -3]"), "layer 'p2' (ZeroPadding2D)",
                "padding must be a non-negative integer, two, or two pairs");
        rejected(swap(json, "[[1, 0], [2, 1]]", "[[1, 0, 2]]"), "layer 'c1' (Cropping2D)", "cropping");
        rejected(swap(json, "[[1, 0], [2, 1]]", "[[8, 6], [0, 0]]"), "layer 'c1' (Cropping2D)",
                "removes (8, 6) rows");
    }

    @Test
    void layerNormalizationRoundTripsAndReadsKeras3() {
        Sequential model = new Sequential("ln",
                new Dense(6).inputShape(4),
                new LayerNormalization().epsilon(1e-5).center(false),
                new LayerNormalization().axis(1).gammaInitializer(new Constant(0.5f)),
                new Dense(2));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"epsilon\": 1.0E-5,"), json);
        assertSameModel(model, ModelConfig.fromJson(json, "ln.json"));
        assertEquals(4 * 6 + 6 + 6 + 12 + 6 * 2 + 2, model.countParams());
        String keras3 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 3, 4], "name": "in"}},
                  {"module": "keras.layers", "class_name": "LayerNormalization", "config": {"name": "ln",
                   "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                   "config": {"name": "float32"}, "registered_name": null}, "axis": [-1], "epsilon": 0.001,
                   "center": true, "scale": true, "rms_scaling": false,
                   "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                   "registered_name": null},
                   "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones", "config": {},
                   "registered_name": null},
                   "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
                   "gamma_constraint": null}, "registered_name": null,
                   "build_config": {"input_shape": [null, 3, 4]}}]}}
                """;
        Model m = ModelConfig.fromJson(keras3, "ln3.json");
        assertEquals(List.of("ln/gamma", "ln/beta"), List.copyOf(m.namedWeights().keySet()));
        rejected(swap(keras3, "\"rms_scaling\": false", "\"rms_scaling\": true"), "layer 'ln' (LayerNormalization)",
                "rms_scaling");
        rejected(swap(keras3, "\"axis\": [-1]", "\"axis\": [1]"), "layer 'ln' (LayerNormalization)", "axis 1");
    }

    @Test
    void augmentationLayersRoundTripAndReadKeras3() {
        Sequential model = AugmentationTrainingTest.augmentedModel();
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"factor\": [\n") && json.contains("\"mode\": \"horizontal\""), json);
        assertSameModel(model, ModelConfig.fromJson(json, "augmented.json"));
        String keras3 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 32, 32, 3], "name": "in"}},
                  {"module": "keras.layers", "class_name": "Rescaling", "config": {"name": "rescaling",
                   "trainable": true, "dtype": "float32", "scale": 0.00392156862745098, "offset": 0.0},
                   "registered_name": null, "build_config": {"input_shape": [null, 32, 32, 3]}},
                  {"module": "keras.layers", "class_name": "RandomFlip", "config": {"name": "flip", "trainable": true,
                   "dtype": "float32", "seed": null, "mode": "horizontal", "data_format": "channels_last"},
                   "registered_name": null},
                  {"module": "keras.layers", "class_name": "RandomRotation", "config": {"name": "rot",
                   "trainable": true, "dtype": "float32", "factor": [-0.1, 0.1], "data_format": "channels_last",
                   "fill_mode": "reflect", "fill_value": 0.0, "interpolation": "bilinear", "seed": null}},
                  {"module": "keras.layers", "class_name": "RandomZoom", "config": {"name": "zoom", "trainable": true,
                   "dtype": "float32", "height_factor": 0.1, "width_factor": null, "fill_mode": "reflect",
                   "interpolation": "bilinear", "seed": null, "fill_value": 0.0, "data_format": "channels_last"}},
                  {"module": "keras.layers", "class_name": "RandomTranslation", "config": {"name": "shift",
                   "trainable": true, "dtype": "float32", "height_factor": [-0.2, 0.3], "width_factor": 0.1,
                   "fill_mode": "constant", "interpolation": "nearest", "seed": 1337, "fill_value": 0.5,
                   "data_format": "channels_last"}},
                  {"module": "keras.layers", "class_name": "RandomCrop", "config": {"name": "crop", "trainable": true,
                   "dtype": "float32", "height": 24, "width": 28, "seed": 812734, "data_format": "channels_last"}}
                ]}}
                """;
        Model m = ModelConfig.fromJson(keras3, "aug3.json");
        assertArrayEquals(new int[] {24, 28, 3}, m.outputShape());
        assertEquals(0, m.countParams());
        assertEquals(1 / 255f, ((Rescaling) m.layers().get(0)).scale());
        assertEquals(List.of(-0.2, 0.3), m.layers().get(4).config().get("height_factor"));
        assertEquals(1337, m.layers().get(4).config().get("seed"));
        rejected(swap(keras3, "\"mode\": \"horizontal\"", "\"mode\": \"diagonal\""), "layer 'flip' (RandomFlip)",
                "horizontal, vertical or horizontal_and_vertical");
        rejected(swap(keras3, "\"factor\": [-0.1, 0.1]", "\"factor\": [-0.1, 2]"), "layer 'rot' (RandomRotation)",
                "[-1, 1], got 2");
        rejected(swap(keras3, "\"fill_mode\": \"constant\"", "\"fill_mode\": \"mirror\""),
                "layer 'shift' (RandomTranslation)", "fill_mode 'mirror'");
        rejected(swap(keras3, "\"height_factor\": 0.1", "\"height_factor\": \"big\""), "layer 'zoom' (RandomZoom)",
                "height_factor must be a number or a list of two numbers");
        rejected(swap(keras3, "\"scale\": 0.00392156862745098", "\"scale\": [0.5, 0.5, 0.5]"),
                "layer 'rescaling' (Rescaling)", "one number, not one per channel");
        rejected(swap(keras3, "\"seed\": 1337,", "\"seed\": 1337, \"bounding_box_format\": \"xyxy\","),
                "layer 'shift' (RandomTranslation)", "unknown option bounding_box_format");
    }

    @Test
    void preprocessingLayersRoundTripAndReadKeras3() {
        Sequential model = AugmentationTrainingTest.preprocessingModel(FunctionalModelTest.randomTensor(1, 4, 8, 8, 1));
        Model read = ModelConfig.fromJson(ModelConfig.toJson(model), "pre.json");
        assertSameModel(model, read);
        String keras3 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 30, 40, 3], "name": "in"}},
                  {"module": "keras.layers", "class_name": "Resizing", "config": {"name": "resize", "trainable": true,
                   "dtype": "float32", "height": 20, "width": 20, "interpolation": "bilinear",
                   "crop_to_aspect_ratio": true, "pad_to_aspect_ratio": false, "fill_mode": "constant",
                   "fill_value": 0.0, "data_format": "channels_last"}},
                  {"module": "keras.layers", "class_name": "CenterCrop", "config": {"name": "centre", "trainable": true,
                   "dtype": "float32", "height": 16, "width": 18, "data_format": "channels_last"}},
                  {"module": "keras.layers", "class_name": "RandomContrast", "config": {"name": "contrast",
                   "trainable": true, "dtype": "float32", "factor": [0.0, 0.2], "value_range": [0, 1],
                   "seed": null}},
                  {"module": "keras.layers", "class_name": "Normalization", "config": {"name": "norm",
                   "trainable": true, "dtype": "float32", "axis": [-1], "invert": false, "mean": null,
                   "variance": null}, "build_config": {"input_shape": [null, 16, 18, 3]}},
                  {"module": "keras.layers", "class_name": "Normalization", "config": {"name": "given",
                   "trainable": true, "dtype": "float32", "axis": [-1], "invert": true,
                   "mean": [0.485, 0.456, 0.406], "variance": [0.052, 0.050, 0.051]}}
                ]}}
                """;
        Model m = ModelConfig.fromJson(keras3, "pre3.json");
        assertArrayEquals(new int[] {16, 18, 3}, m.outputShape());
        // Keras counts the adapted layer's mean, variance and count.
        assertEquals(3 + 3 + 1, m.countParams());
        assertEquals(List.of("norm/mean", "norm/variance", "norm/count"), List.copyOf(m.namedWeights().keySet()));
        rejected(swap(keras3, "\"pad_to_aspect_ratio\": false", "\"pad_to_aspect_ratio\": true"),
                "layer 'resize' (Resizing)", "does not pad");
        rejected(swap(keras3, "\"interpolation\": \"bilinear\"", "\"interpolation\": \"lanczos3\""),
                "layer 'resize' (Resizing)", "bilinear or nearest");
        rejected(swap(keras3, "\"variance\": [0.052, 0.050, 0.051]", "\"variance\": [0.052, 0.050]"),
                "layer 'given' (Normalization)", "variance has 2 values");
        rejected(swap(keras3, "\"value_range\": [0, 1]", "\"value_range\": [1, 0]"),
                "layer 'contrast' (RandomContrast)", "low < high");
    }

    @Test
    void initializersRoundTripAndReadAsKerasWritesThem() {
        Sequential model = new Sequential("inits",
                new Dense(8).kernelInitializer("he_uniform").biasInitializer("random_normal").inputShape(4),
                new Dense(8).kernelInitializer("glorot_normal").biasInitializer(new TruncatedNormal(0.5, 0.1)),
                new Dense(8).kernelInitializer("lecun_normal").biasInitializer("lecun_uniform"),
                new Dense(8).kernelInitializer(new Orthogonal(1.5)),
                new Dense(2).kernelInitializer(new VarianceScaling(2, "fan_out", "uniform")));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"class_name\": \"HeUniform\"") && json.contains("\"gain\": 1.5"), json);
        assertSameModel(model, ModelConfig.fromJson(json, "inits.json"));
        String keras3 = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}},
                  {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 3,
                   "kernel_initializer": {"module": "keras.initializers", "class_name": "VarianceScaling",
                   "config": {"scale": 2.0, "mode": "fan_in", "distribution": "untruncated_normal", "seed": null},
                   "registered_name": null},
                   "bias_initializer": {"module": "keras.initializers", "class_name": "RandomNormal",
                   "config": {"mean": 0.0, "stddev": 0.01, "seed": null}, "registered_name": null}}},
                  {"module": "keras.layers", "class_name": "Dense", "config": {"name": "e", "units": 3,
                   "kernel_initializer": "orthogonal", "bias_initializer": "he_normal"}}
                ]}}
                """;
        Model m = ModelConfig.fromJson(keras3, "inits3.json");
        assertEquals(3 * 4 + 3 + 3 * 3 + 3, m.countParams());
        rejected(swap(keras3, "\"mode\": \"fan_in\"", "\"mode\": \"fan_sum\""), "layer 'd' (Dense)",
                "kernel_initializer", "fan_in, fan_out or fan_avg");
        rejected(swap(keras3, "\"stddev\": 0.01, \"seed\": null", "\"stddev\": 0.01, \"seed\": 3"), "layer 'd' (Dense)",
                "seed");
        // Orthogonal needs a matrix: a bias is refused, naming the layer.
        rejected(swap(keras3, "\"bias_initializer\": \"he_normal\"", "\"bias_initializer\": \"orthogonal\""),
                "layer 'e' (Dense)", "at least 2 axes");
    }

    @Test
    void regularizersAndConstraintsRoundTripAndReadAsKerasWritesThem() {
        Sequential model = new Sequential("reg",
                new Conv2D(4, 3).kernelRegularizer("l2").biasRegularizer(new L1(0.001))
                        .kernelConstraint(new MaxNorm(3, 0, 1, 2)).inputShape(6, 6, 1),
                new Flatten(),
                new Dense(2).kernelRegularizer(new L1L2(0.01, 0.02)).kernelConstraint("unit_norm")
                        .biasConstraint("non_neg"));
        String json = ModelConfig.toJson(model);
        assertTrue(json.contains("\"module\": \"keras.regularizers\"") && json.contains("\"class_name\": \"MaxNorm\""),
                json);
        assertSameModel(model, ModelConfig.fromJson(json, "reg.json"));
        String keras = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}},
                  {"module": "keras.layers", "class_name": "Dense", "config": {"name": "keras3", "units": 3,
                   "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                   "config": {"l2": 0.009999999776482582}, "registered_name": null},
                   "bias_regularizer": "l1",
                   "kernel_constraint": {"module": "keras.constraints", "class_name": "MaxNorm",
                   "config": {"max_value": 2, "axis": 0}, "registered_name": null},
                   "bias_constraint": {"module": "keras.constraints", "class_name": "NonNeg", "config": {},
                   "registered_name": null}}},
                  {"class_name": "Dense", "config": {"name": "keras2", "units": 3,
                   "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}},
                   "kernel_constraint": {"class_name": "UnitNorm", "config": {"axis": [0]}}}}
                ]}}
                """;
        Model m = ModelConfig.fromJson(keras, "reg3.json");
        assertEquals(0.01f, ((L2) m.getLayer("keras3").parameters().get(0).regularizer()).l2());
        rejected(swap(keras, "\"l2\": 0.009999999776482582", "\"l2\": -1"), "layer 'keras3' (Dense)",
                "kernel_regularizer", "finite and >= 0");
        rejected(swap(keras, "\"axis\": [0]", "\"axis\": [0], \"rate\": 1"), "layer 'keras2' (Dense)",
                "kernel_constraint.config.rate");
    }

    @Test
    void newActivationsRoundTrip() {
        Sequential model = new Sequential("acts",
                new Dense(8).activation("elu").inputShape(4),
                new Dense(8).activation("selu"),
                new Reshape(4, 2),
                new Conv1D(2, 3).activation("leaky_relu"),
                new Activation("softplus"),
                new Activation("hard_sigmoid"),
                new Dense(3).activation("gelu"),
                new Activation("swish"));
        String json = ModelConfig.toJson(model);
        // Keras 3 serializes swish by its function's name, silu.
        assertTrue(json.contains("\"activation\": \"silu\""), json);
        Model read = ModelConfig.fromJson(json, "acts.json");
        assertSameModel(model, read);
        assertEquals(ActivationFunction.HARD_SIGMOID, read.layers().get(5).activation());
        assertEquals(ActivationFunction.GELU, read.layers().get(6).activation());
    }

    /** tf.keras 2 writes BatchNormalization's axis as a list and adds its renormalization options. */
    @Test
    void readsKeras2BatchNormalization() {
        String json = """
                {"class_name": "Sequential", "config": {"name": "s", "layers": [
                  {"class_name": "BatchNormalization", "config": {"name": "bn", "trainable": true, "dtype": "float32",
                   "batch_input_shape": [null, 4, 4, 3], "axis": [3], "momentum": 0.99, "epsilon": 0.001,
                   "center": true, "scale": true, "beta_initializer": {"class_name": "Zeros", "config": {}},
                   "gamma_initializer": {"class_name": "Ones", "config": {}},
                   "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
                   "moving_variance_initializer": {"class_name": "Ones", "config": {}},
                   "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
                   "gamma_constraint": null, "renorm": false, "renorm_clipping": null, "renorm_momentum": 0.99,
                   "fused": null, "virtual_batch_size": null, "adjustment": null}}]}}
                """;
        Model m = ModelConfig.fromJson(json, "bn.json");
        assertEquals(List.of("bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"),
                List.copyOf(m.namedWeights().keySet()));
        rejected(json.replace("\"renorm\": false", "\"renorm\": true"), "layer 'bn' (BatchNormalization)", "renorm",
                "true");
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> ModelConfig.fromJson(json.replace("[3]", "[1]"), "bn.json"));
        assertTrue(e.getMessage().contains("bn.json: layer 'bn' (BatchNormalization)")
                && e.getMessage().contains("axis 1"), e.getMessage());
    }

    @Test
    void unbuiltModelRoundTripsUnbuilt() {
        Sequential model = new Sequential(new Dense(4).activation("relu"), new Dropout(0.5), new Dense(2));
        Model read = ModelConfig.fromJson(ModelConfig.toJson(model), "unbuilt.json");
        assertFalse(read.isBuilt());
        assertSameModel(model, read);
    }

    // ---- DepthwiseConv2D and SeparableConv2D ----

    /** MobileNet's building blocks as Keras 3 writes them. */
    private static final String DEPTHWISE_KERAS3 = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "blocks", "trainable": true,
             "dtype": "float32", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 4],
               "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "DepthwiseConv2D", "config": {"name": "dw", "trainable": true,
               "dtype": "float32", "depth_multiplier": 2, "kernel_size": [3, 3], "strides": [2, 2],
               "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "relu",
               "use_bias": false, "depthwise_initializer": {"module": "keras.initializers", "class_name": "HeNormal",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "depthwise_regularizer": null,
               "bias_regularizer": null, "activity_regularizer": null, "depthwise_constraint": null,
               "bias_constraint": null}, "registered_name": null, "build_config": {"input_shape": [null, 8, 8, 4]}},
              {"module": "keras.layers", "class_name": "SeparableConv2D", "config": {"name": "sep", "trainable": true,
               "dtype": "float32", "depth_multiplier": 1, "filters": 16, "kernel_size": [3, 2], "strides": [1, 1],
               "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear",
               "use_bias": true, "depthwise_initializer": {"module": "keras.initializers",
               "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
               "pointwise_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
               "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Constant", "config": {"value": 0.1}, "registered_name": null},
               "depthwise_regularizer": null, "pointwise_regularizer": null, "bias_regularizer": null,
               "activity_regularizer": null, "depthwise_constraint": null, "pointwise_constraint": null,
               "bias_constraint": null}, "registered_name": null, "build_config": {"input_shape": [null, 4, 4, 8]}}],
             "build_input_shape": [null, 8, 8, 4]},
             "registered_name": null, "build_config": {"input_shape": [null, 8, 8, 4]},
             "keras_version": "3.3.3", "backend": "tensorflow"}
            """;

    @Test
    void readsAndWritesDepthwiseAndSeparableAsKeras3KeyForKey() {
        Model m = ModelConfig.fromJson(DEPTHWISE_KERAS3, "blocks.json");
        assertEquals(List.of("DepthwiseConv2D", "SeparableConv2D"), m.layers().stream().map(Layer::className).toList());
        DepthwiseConv2D dw = (DepthwiseConv2D) m.getLayer("dw");
        SeparableConv2D sep = (SeparableConv2D) m.getLayer("sep");
        assertEquals(2, dw.depthMultiplier());
        assertFalse(dw.useBias());
        assertEquals(ActivationFunction.RELU, dw.activation());
        assertEquals(16, sep.filters());
        assertArrayEquals(new int[] {4, 4, 8}, dw.outputShape());
        assertArrayEquals(new int[] {2, 3, 16}, sep.outputShape());
        assertEquals(3 * 3 * 4 * 2 + (3 * 2 * 8 + 8 * 16 + 16), m.countParams());
        assertEquals(0.1f, sep.getWeights().get(2).data()[0]);
        assertEquals(0f, sep.getWeights().get(1).data()[5]);
        String expected = new GsonBuilder().serializeNulls().setPrettyPrinting().disableHtmlEscaping().create()
                .toJson(JsonParser.parseString(DEPTHWISE_KERAS3));
        assertEquals(expected, ModelConfig.toJson(m));
    }

    @Test
    void depthwiseAndSeparableOptionsRoundTrip() {
        Sequential model = new Sequential("mobile",
                new DepthwiseConv2D(3, 5).strides(1, 2).padding("same").depthMultiplier(3).activation("tanh")
                        .biasInitializer("ones").inputShape(9, 10, 2),
                new SeparableConv2D(6, 2).strides(2).depthMultiplier(2).useBias(false).activation("relu")
                        .depthwiseInitializer("zeros").pointwiseInitializer("he_normal"),
                new SeparableConv2D(4, 1),
                new GlobalAveragePooling2D(),
                new Dense(3).activation("softmax"));
        assertSameModel(model, ModelConfig.fromJson(ModelConfig.toJson(model), "mobile.json"));
        Sequential unbuilt = new Sequential(new SeparableConv2D(4, 3).depthMultiplier(2), new DepthwiseConv2D(2));
        assertSameModel(unbuilt, ModelConfig.fromJson(ModelConfig.toJson(unbuilt), "unbuilt.json"));
    }

    /**
     * As tf.keras writes them: DepthwiseConv2D with Conv2D's groups, initializers as VarianceScaling
     * and, from tf.keras 1.x, with a dtype in their config; options left out take Keras's defaults.
     */
    @Test
    void readsTfKerasDepthwiseAndSeparable() {
        String json = """
                {"class_name": "Sequential", "config": {"name": "tf1", "layers": [
                  {"class_name": "DepthwiseConv2D", "config": {"name": "dw", "trainable": true, "dtype": "float32",
                   "batch_input_shape": [null, 7, 7, 3], "kernel_size": [3, 3], "strides": [1, 1],
                   "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                   "activation": "linear", "use_bias": true, "bias_initializer": {"class_name": "Zeros",
                   "config": {"dtype": "float32"}}, "bias_regularizer": null, "activity_regularizer": null,
                   "bias_constraint": null, "depth_multiplier": 1, "depthwise_initializer": {"class_name":
                   "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform",
                   "seed": null, "dtype": "float32"}}, "depthwise_regularizer": null, "depthwise_constraint": null}},
                  {"class_name": "SeparableConv2D", "config": {"name": "sep", "trainable": true, "dtype": "float32",
                   "filters": 5, "kernel_size": 3, "padding": "same", "depth_multiplier": 2,
                   "pointwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": null,
                   "dtype": "float32"}}}}]},
                 "keras_version": "2.1.6-tf", "backend": "tensorflow"}
                """;
        Model m = ModelConfig.fromJson(json, "tf1.json");
        assertEquals(List.of("dw/depthwise_kernel", "dw/bias", "sep/depthwise_kernel", "sep/pointwise_kernel",
                "sep/bias"), List.copyOf(m.namedWeights().keySet()));
        assertArrayEquals(new int[] {5, 5, 3}, m.getLayer("dw").outputShape());
        assertArrayEquals(new int[] {5, 5, 5}, m.outputShape());
        assertEquals(3 * 3 * 3 + 3 + 3 * 3 * 3 * 2 + 6 * 5 + 5, m.countParams());
        rejected(swap(json, "\"groups\": 1", "\"groups\": 3"), "layer 'dw' (DepthwiseConv2D)", "groups", "3");
        rejected(swap(json, "\"seed\": null, \"dtype\": \"float32\"}}, \"depthwise_regularizer\"",
                "\"seed\": null, \"dtype\": \"float64\"}}, \"depthwise_regularizer\""),
                "layer 'dw' (DepthwiseConv2D)", "depthwise_initializer.config.dtype", "float64");
    }

    @ParameterizedTest(name = "{1} = {2} on layer {0}")
    @CsvSource(delimiter = '|', value = {
        "1 | dilation_rate         | [2,2]",
        "2 | dilation_rate         | 2",
        "1 | data_format           | \"channels_first\"",
        "2 | data_format           | \"channels_first\"",
        "1 | padding               | \"causal\"",
        "1 | depthwise_regularizer | {\"class_name\":\"L2\",\"config\":{\"l2\":0.01}}",
        "2 | pointwise_regularizer | {\"class_name\":\"L2\",\"config\":{\"l2\":0.01}}",
        "2 | bias_regularizer      | {\"class_name\":\"L1\",\"config\":{\"l1\":0.01}}",
        "1 | activity_regularizer  | {\"class_name\":\"L2\",\"config\":{\"l2\":0.01}}",
        "1 | depthwise_constraint  | {\"class_name\":\"MaxNorm\",\"config\":{\"max_value\":2,\"axis\":0}}",
        "2 | pointwise_constraint  | {\"class_name\":\"NonNeg\",\"config\":{}}",
        "2 | bias_constraint       | {\"class_name\":\"NonNeg\",\"config\":{}}",
        "2 | groups                | 1",
        "1 | kernel_initializer    | \"zeros\"",
        "2 | activation            | \"mish\"",
        "2 | pointwise_initializer | \"identity\"",
        "1 | depthwise_initializer | {\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":3}}",
    })
    void rejectsUnsupportedDepthwiseOptions(int layer, String option, String value) {
        JsonElement v = JsonParser.parseString(value);
        JsonObject doc = JsonParser.parseString(DEPTHWISE_KERAS3).getAsJsonObject();
        layerConfig(doc, layer).add(option, v);
        rejected(doc.toString(), layer == 1 ? "layer 'dw' (DepthwiseConv2D)" : "layer 'sep' (SeparableConv2D)", option);
    }

    @Test
    void rejectsDepthwiseValuesTheLayersRefuse() {
        JsonObject doc = JsonParser.parseString(DEPTHWISE_KERAS3).getAsJsonObject();
        layerConfig(doc, 1).addProperty("depth_multiplier", 0);
        ModelConfigException e = rejected(doc.toString(), "layer 'dw' (DepthwiseConv2D)", "depth_multiplier must be"
                + " positive");
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        rejected(swap(DEPTHWISE_KERAS3, "\"filters\": 16", "\"filters\": \"16\""), "layer 'sep' (SeparableConv2D)",
                "filters must be an integer");
        rejected(swap(DEPTHWISE_KERAS3, "[null, 8, 8, 4]", "[null, 2, 8, 4]").replace("\"padding\": \"same\"",
                "\"padding\": \"valid\""), "layer 'dw' (DepthwiseConv2D)", "smaller than the window");
    }

    // ---- reading what Keras writes ----

    /** As tf.keras 2.x writes it: an InputLayer, and batch_input_shape again on the first layer. */
    private static final String SEED_TF_KERAS2 = """
            {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1], "dtype": "float32",
               "sparse": false, "ragged": false, "name": "conv2d_input"}},
              {"class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true, "dtype": "float32",
               "batch_input_shape": [null, 28, 28, 1], "filters": 3, "kernel_size": [3, 3], "strides": [1, 1],
               "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
               "activation": "relu", "use_bias": true,
               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
               "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
               "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
               "bias_constraint": null}},
              {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d", "trainable": true, "dtype": "float32",
               "pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
              {"class_name": "Flatten", "config": {"name": "flatten", "trainable": true, "dtype": "float32",
               "data_format": "channels_last"}},
              {"class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 100,
               "activation": "relu", "use_bias": true,
               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
               "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
               "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
               "bias_constraint": null}},
              {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": "float32",
               "units": 10, "activation": "softmax", "use_bias": true,
               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
               "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
               "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
               "bias_constraint": null}}]},
             "keras_version": "2.12.0", "backend": "tensorflow"}
            """;

    @Test
    void readsTfKeras2Json() {
        Model m = ModelConfig.fromJson(SEED_TF_KERAS2, "tf2.json");
        assertEquals("sequential", m.name());
        assertSeedModel(m, "conv2d", "max_pooling2d", "flatten", "dense", "dense_1");
        assertSameModel(seedModel(), m);
    }

    @Test
    void readsKeras2JsonWithTheInputShapeOnTheFirstLayerOnly() {
        // Keras 2 without an InputLayer, with the MaxPool2D alias, initializers by name and own layer names.
        String json = """
                {"class_name": "Sequential", "config": {"name": "digits", "layers": [
                  {"class_name": "Conv2D", "config": {"name": "features", "trainable": true,
                   "batch_input_shape": [null, 28, 28, 1], "dtype": "float32", "filters": 3, "kernel_size": [3, 3],
                   "strides": [1, 1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1],
                   "activation": "relu", "use_bias": true, "kernel_initializer": "he_normal",
                   "bias_initializer": {"class_name": "Constant", "config": {"value": 0.5}},
                   "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
                   "kernel_constraint": null, "bias_constraint": null}},
                  {"class_name": "MaxPool2D", "config": {"name": "pool", "trainable": true, "dtype": "float32",
                   "pool_size": [2, 2], "padding": "valid", "strides": null, "data_format": "channels_last"}},
                  {"class_name": "Flatten", "config": {"name": "flat", "trainable": true, "dtype": "float32"}},
                  {"class_name": "Dense", "config": {"name": "hidden", "trainable": true, "dtype": "float32",
                   "units": 100, "activation": "relu"}},
                  {"class_name": "Dense", "config": {"name": "out", "trainable": true, "dtype": "float32",
                   "units": 10, "activation": "softmax"}}]},
                 "keras_version": "2.2.4", "backend": "tensorflow"}
                """;
        Model m = ModelConfig.fromJson(json, "keras2.json");
        assertEquals("digits", m.name());
        assertSeedModel(m, "features", "pool", "flat", "hidden", "out");
        Conv2D conv = (Conv2D) m.getLayer("features");
        assertEquals("HeNormal", ((java.util.Map<?, ?>) conv.config().get("kernel_initializer")).get("class_name"));
        assertEquals(0.5f, conv.getWeights().get(1).data()[0]);
        assertEquals(List.of(2, 2), m.getLayer("pool").config().get("strides"));
    }

    /** As recent Keras 3 releases write it: dtype policy objects, ragged on the InputLayer, a compile_config. */
    private static final String SEED_KERAS3_POLICIES = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true,
             "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
             "registered_name": null}, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 28, 28, 1],
               "dtype": "float32", "sparse": false, "ragged": false, "name": "input_layer"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv2d", "trainable": true,
               "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
               "registered_name": null}, "filters": 3, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
               "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": "relu",
               "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
               "bias_regularizer": null, "activity_regularizer": null, "kernel_constraint": null,
               "bias_constraint": null}, "registered_name": null, "build_config": {"input_shape": [null, 28, 28, 1]}},
              {"module": "keras.layers", "class_name": "MaxPooling2D", "config": {"name": "max_pooling2d",
               "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
               "config": {"name": "float32"}, "registered_name": null}, "pool_size": [2, 2], "padding": "valid",
               "strides": [2, 2], "data_format": "channels_last"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flatten", "trainable": true,
               "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
               "registered_name": null}, "data_format": "channels_last"}, "registered_name": null,
               "build_config": {"input_shape": [null, 13, 13, 3]}},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true,
               "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
               "registered_name": null}, "units": 100, "activation": "relu", "use_bias": true,
               "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
               "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null,
               "quantization_config": null}, "registered_name": null, "build_config": {"input_shape": [null, 507]}},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1", "trainable": true,
               "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
               "registered_name": null}, "units": 10, "activation": "softmax", "use_bias": true,
               "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
               "config": {"seed": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers",
               "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null,
               "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null,
               "quantization_config": null}, "registered_name": null, "build_config": {"input_shape": [null, 100]}}],
             "build_input_shape": [null, 28, 28, 1]}, "registered_name": null,
             "build_config": {"input_shape": [null, 28, 28, 1]},
             "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam",
              "config": {"name": "adam", "learning_rate": 0.001}, "registered_name": null},
              "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}
            """;

    @Test
    void readsKeras3JsonWithDtypePolicies() {
        Model m = ModelConfig.fromJson(SEED_KERAS3_POLICIES, "keras3.json");
        assertSeedModel(m, "conv2d", "max_pooling2d", "flatten", "dense", "dense_1");
        assertSameModel(seedModel(), m);
    }

    /** A Keras 3 Functional chain: Input > Conv2D > MaxPooling2D > Flatten > Dropout > Dense > Activation. */
    private static final String FUNCTIONAL_KERAS3 = """
            {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "chain",
             "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 28, 28, 1],
               "dtype": "float32", "sparse": false, "name": "image"}, "registered_name": null, "name": "image",
               "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "conv", "trainable": true,
               "dtype": "float32", "filters": 3, "kernel_size": [3, 3], "activation": "relu"},
               "registered_name": null, "build_config": {"input_shape": [null, 28, 28, 1]}, "name": "conv",
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 28, 28, 1],
               "dtype": "float32", "keras_history": ["image", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "MaxPooling2D", "config": {"name": "pool", "trainable": true,
               "dtype": "float32", "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
               "data_format": "channels_last"}, "registered_name": null, "name": "pool",
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 26, 26, 3],
               "dtype": "float32", "keras_history": ["conv", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "flat", "trainable": true,
               "dtype": "float32", "data_format": "channels_last"}, "registered_name": null, "name": "flat",
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 13, 13, 3],
               "dtype": "float32", "keras_history": ["pool", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dropout", "config": {"name": "drop", "trainable": true,
               "dtype": "float32", "rate": 0.25, "seed": null, "noise_shape": null}, "registered_name": null,
               "name": "drop", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
               "config": {"shape": [null, 507], "dtype": "float32", "keras_history": ["flat", 0, 0]}}],
               "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "logits", "trainable": true,
               "dtype": "float32", "units": 10}, "registered_name": null, "build_config": {"input_shape": [null, 507]},
               "name": "logits", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
               "config": {"shape": [null, 507], "dtype": "float32", "keras_history": ["drop", 0, 0]}}],
               "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Activation", "config": {"name": "probs", "trainable": true,
               "dtype": "float32", "activation": "softmax"}, "registered_name": null, "name": "probs",
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 10],
               "dtype": "float32", "keras_history": ["logits", 0, 0]}}], "kwargs": {}}]}],
             "input_layers": ["image", 0, 0], "output_layers": ["probs", 0, 0]},
             "registered_name": "Functional", "keras_version": "3.3.3", "backend": "jax"}
            """;

    /** A Functional config reads as a Functional model: its layers start with the InputLayer, as in Keras. */
    private static void assertFunctionalChain(Model m) {
        assertEquals("chain", m.name());
        assertEquals("Functional", m.className());
        assertEquals(List.of("image", "conv", "pool", "flat", "drop", "logits", "probs"),
                m.layers().stream().map(Layer::name).toList());
        assertEquals(List.of("InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense", "Activation"),
                m.layers().stream().map(Layer::className).toList());
        assertArrayEquals(new int[] {28, 28, 1}, m.inputShape());
        assertArrayEquals(new int[] {10}, m.outputShape());
        assertEquals(30 + 5_080, m.countParams());
        assertEquals(0.25f, ((Dropout) m.getLayer("drop")).rate());
        assertEquals(ActivationFunction.SOFTMAX, m.getLayer("probs").activation());
        assertEquals(ActivationFunction.LINEAR, m.getLayer("logits").activation());
    }

    @Test
    void readsKeras3FunctionalChain() {
        assertFunctionalChain(ModelConfig.fromJson(FUNCTIONAL_KERAS3, "functional.json"));
    }

    /** The same chain as tf.keras 2.x writes it. */
    private static final String FUNCTIONAL_KERAS2 = """
            {"class_name": "Functional", "config": {"name": "chain", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 28, 28, 1], "dtype": "float32",
               "sparse": false, "ragged": false, "name": "image"}, "name": "image", "inbound_nodes": []},
              {"class_name": "Conv2D", "config": {"name": "conv", "trainable": true, "dtype": "float32",
               "filters": 3, "kernel_size": [3, 3], "activation": "relu"}, "name": "conv",
               "inbound_nodes": [[["image", 0, 0, {}]]]},
              {"class_name": "MaxPooling2D", "config": {"name": "pool", "trainable": true, "dtype": "float32",
               "pool_size": [2, 2]}, "name": "pool", "inbound_nodes": [[["conv", 0, 0, {}]]]},
              {"class_name": "Flatten", "config": {"name": "flat", "trainable": true, "dtype": "float32"},
               "name": "flat", "inbound_nodes": [[["pool", 0, 0, {}]]]},
              {"class_name": "Dropout", "config": {"name": "drop", "trainable": true, "dtype": "float32",
               "rate": 0.25, "noise_shape": null, "seed": null}, "name": "drop",
               "inbound_nodes": [[["flat", 0, 0, {}]]]},
              {"class_name": "Dense", "config": {"name": "logits", "trainable": true, "dtype": "float32",
               "units": 10, "activation": "linear"}, "name": "logits", "inbound_nodes": [[["drop", 0, 0, {}]]]},
              {"class_name": "Activation", "config": {"name": "probs", "trainable": true, "dtype": "float32",
               "activation": "softmax"}, "name": "probs", "inbound_nodes": [[["logits", 0, 0, {}]]]}],
             "input_layers": [["image", 0, 0]], "output_layers": [["probs", 0, 0]]},
             "keras_version": "2.12.0", "backend": "tensorflow"}
            """;

    @Test
    void readsKeras2FunctionalChain() {
        assertFunctionalChain(ModelConfig.fromJson(FUNCTIONAL_KERAS2, "functional2.json"));
    }

    // ---- references between layers ----

    @Test
    void rejectsReferencesToLayersOrCallsThatDoNotExist() {
        rejected(swap(FUNCTIONAL_KERAS3, "\"keras_history\": [\"drop\", 0, 0]", "\"keras_history\": [\"dropp\", 0, 0]"),
                "layer 'logits' (Dense)", "inbound_nodes[0]", "[\"dropp\", 0, 0]", "no layer named 'dropp'");
        rejected(swap(FUNCTIONAL_KERAS3, "\"keras_history\": [\"drop\", 0, 0]", "\"keras_history\": [\"drop\", 1, 0]"),
                "layer 'logits' (Dense)", "inbound_nodes[0]", "[\"drop\", 1, 0]", "no call in the config produces");
        rejected(swap(FUNCTIONAL_KERAS2, "[[[\"drop\", 0, 0, {}]]]", "[[[\"drop\", \"0\", 0, {}]]]"),
                "layer 'logits' (Dense)", "inbound_nodes must be a layer reference");
        rejected(swap(FUNCTIONAL_KERAS3, "\"output_layers\": [\"probs\", 0, 0]", "\"output_layers\": [\"prob\", 0, 0]"),
                "output_layers", "[\"prob\", 0, 0]", "names no tensor");
    }

    @Test
    void rejectsACycle() {
        // conv takes the output of pool, which takes conv's: neither call can ever be made.
        rejected(swap(FUNCTIONAL_KERAS2, "[[[\"image\", 0, 0, {}]]]", "[[[\"pool\", 0, 0, {}]]]"),
                "layer 'conv' (Conv2D)", "[\"pool\", 0, 0]", "a cycle");
    }

    @Test
    void rejectsCallsALayerCannotTake() {
        rejected(swap(FUNCTIONAL_KERAS2, "[[[\"drop\", 0, 0, {}]]]", "[[[\"drop\", 0, 0, {}], [\"flat\", 0, 0, {}]]]"),
                "layer 'logits' (Dense)", "inbound_nodes[0]", "takes 1 input, got 2");
    }

    @Test
    void readsALayerCalledTwiceAsASharedLayer() {
        String json = swap(FUNCTIONAL_KERAS2, "[[[\"drop\", 0, 0, {}]]]", "[[[\"drop\", 0, 0, {}]], [[\"flat\", 0, 0, {}]]]");
        json = swap(json, "\"output_layers\": [[\"probs\", 0, 0]]", "\"output_layers\": [[\"probs\", 0, 0], [\"logits\", 1, 0]]");
        Model m = ModelConfig.fromJson(json, "shared.json");
        assertEquals(2, m.nodes().stream().filter(n -> n.layer().name().equals("logits")).count());
        assertEquals(List.of("probs", "logits"), m.outputNames());
    }

    @Test
    void readsOutputsOfAnyLayer() {
        Model one = ModelConfig.fromJson(swap(FUNCTIONAL_KERAS3, "\"output_layers\": [\"probs\", 0, 0]",
                "\"output_layers\": [\"logits\", 0, 0]"), "test.json");
        assertEquals(List.of("logits"), one.outputNames());
        Model two = ModelConfig.fromJson(swap(FUNCTIONAL_KERAS2, "\"output_layers\": [[\"probs\", 0, 0]]",
                "\"output_layers\": [[\"probs\", 0, 0], [\"logits\", 0, 0]]"), "test.json");
        assertEquals(List.of("probs", "logits"), two.outputNames());
    }

    @Test
    void rejectsCallArguments() {
        rejected(swap(FUNCTIONAL_KERAS2, "[[[\"flat\", 0, 0, {}]]]", "[[[\"flat\", 0, 0, {\"training\": true}]]]"),
                "layer 'drop' (Dropout)", "inbound_nodes", "training");
        JsonObject doc = JsonParser.parseString(FUNCTIONAL_KERAS3).getAsJsonObject();
        layers(doc).get(4).getAsJsonObject().getAsJsonArray("inbound_nodes").get(0).getAsJsonObject()
                .getAsJsonObject("kwargs").addProperty("training", true);
        rejected(doc.toString(), "layer 'drop' (Dropout)", "kwargs.training", "true");
    }

    // ---- unsupported options ----

    @ParameterizedTest(name = "{1} = {2} on layer {0}")
    @CsvSource(delimiter = '|', value = {
        "1 | groups              | 3",
        "1 | data_format         | \"channels_first\"",
        "2 | data_format         | \"channels_first\"",
        "3 | data_format         | \"channels_first\"",
        "1 | padding             | \"causal\"",
        "1 | kernel_regularizer  | {\"module\":\"keras.regularizers\",\"class_name\":\"OrthogonalRegularizer\",\"config\":{\"factor\":0.01,\"mode\":\"rows\"},\"registered_name\":null}",
        "4 | bias_regularizer    | {\"class_name\":\"L1\",\"config\":{\"l1\":-0.01}}",
        "4 | activity_regularizer | {\"class_name\":\"L2\",\"config\":{\"l2\":0.01}}",
        "4 | kernel_constraint   | {\"class_name\":\"MinMaxNorm\",\"config\":{\"min_value\":0,\"max_value\":1,\"rate\":1,\"axis\":0}}",
        "1 | bias_constraint     | {\"class_name\":\"RadialConstraint\",\"config\":{}}",
        "4 | activation          | \"mish\"",
        "1 | kernel_initializer  | {\"module\":\"keras.initializers\",\"class_name\":\"Identity\",\"config\":{\"gain\":1.0},\"registered_name\":null}",
        "5 | bias_initializer    | \"identity\"",
        "4 | dtype               | \"float16\"",
        "5 | dtype               | {\"module\":\"keras\",\"class_name\":\"DTypePolicy\",\"config\":{\"name\":\"mixed_float16\"},\"registered_name\":null}",
        "4 | lora_rank           | 4",
        "4 | quantization_config | {\"mode\":\"int8\"}",
        "2 | pool_size_typo      | 2",
        "0 | sparse              | true",
        "0 | batch_shape         | [32,28,28,1]",
        "0 | batch_shape         | [null,null,null,1]",
    })
    void rejectsUnsupportedOptions(int layer, String option, String value) {
        JsonElement v = JsonParser.parseString(value);
        String json = seedJsonWith(doc -> layerConfig(doc, layer).add(option, v));
        String[] names = {"'input_layer' (InputLayer)", "'conv2d' (Conv2D)", "'max_pooling2d' (MaxPooling2D)",
            "'flatten' (Flatten)", "'dense' (Dense)", "'dense_1' (Dense)"};
        rejected(json, "layer " + names[layer], option, v.toString());
    }

    @Test
    void rejectsInitializerSeedsAndDropoutSeeds() {
        rejected(seedJsonWith(doc -> layerConfig(doc, 1).getAsJsonObject("kernel_initializer")
                        .getAsJsonObject("config").addProperty("seed", 42)),
                "layer 'conv2d' (Conv2D)", "kernel_initializer.config.seed", "42");
        rejected(swap(FUNCTIONAL_KERAS2, "\"rate\": 0.25, \"noise_shape\": null, \"seed\": null",
                "\"rate\": 0.25, \"noise_shape\": null, \"seed\": 7"), "layer 'drop' (Dropout)", "seed", "7");
        rejected(swap(FUNCTIONAL_KERAS2, "\"noise_shape\": null", "\"noise_shape\": [null, 1]"),
                "layer 'drop' (Dropout)", "noise_shape", "[null,1]");
    }

    @Test
    void rejectsCustomClasses() {
        rejected(seedJsonWith(doc -> layers(doc).get(4).getAsJsonObject().addProperty("module", "my_package.layers")),
                "layer 'dense' (Dense)", "module", "my_package.layers");
        rejected(seedJsonWith(doc -> layers(doc).get(4).getAsJsonObject()
                        .addProperty("registered_name", "my_package>Dense")),
                "layer 'dense' (Dense)", "registered_name", "my_package>Dense");
    }

    @Test
    void rejectsUnknownLayerClasses() {
        JsonObject lstm = JsonParser.parseString("""
                {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "lstm", "trainable": true,
                 "dtype": "float32", "units": 32}, "registered_name": null}
                """).getAsJsonObject();
        rejected(seedJsonWith(doc -> layers(doc).set(4, lstm)), "layer 'lstm' (LSTM)", "class_name", "\"LSTM\"");
    }

    @Test
    void rejectsUnknownModelClasses() {
        rejected(swap(SEED_KERAS3, "\"class_name\": \"Sequential\"", "\"class_name\": \"MyModel\""),
                "class_name", "\"MyModel\"");
    }

    // ---- inconsistent shapes ----

    @Test
    void rejectsInputShapesThatDisagree() {
        rejected(seedJsonWith(doc -> doc.getAsJsonObject("config").add("build_input_shape",
                JsonParser.parseString("[null, 32, 32, 1]"))), "(None, 28, 28, 1)", "(None, 32, 32, 1)",
                "build_input_shape");
        rejected(swap(SEED_TF_KERAS2, "\"batch_input_shape\": [null, 28, 28, 1], \"filters\"",
                "\"batch_input_shape\": [null, 28, 28, 3], \"filters\""), "(None, 28, 28, 1)", "(None, 28, 28, 3)");
    }

    @Test
    void rejectsABuildShapeThatDisagreesWithTheLayersInput() {
        rejected(seedJsonWith(doc -> layers(doc).get(4).getAsJsonObject().add("build_config",
                JsonParser.parseString("{\"input_shape\": [null, 500]}"))),
                "layer 'dense' (Dense)", "(None, 500)", "(None, 507)");
    }

    @Test
    void rejectsShapesTheLayersCannotTake() {
        rejected(swap(SEED_TF_KERAS2, "[null, 28, 28, 1]", "[null, 2, 2, 1]"), "layer 'conv2d' (Conv2D)",
                "smaller than the window");
    }

    @Test
    void rejectsDuplicateLayerNames() {
        rejected(seedJsonWith(doc -> layerConfig(doc, 5).addProperty("name", "dense")), "layer 'dense' (Dense)",
                "already has a layer named 'dense'");
    }

    // ---- malformed JSON and wrong types ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"class_name\": \"Sequential\", \"config\": {",
        "{'class_name': 'Sequential', 'config': {}}",
        "{\"class_name\": \"Sequential\"} trailing",
    })
    void rejectsMalformedJson(String text) {
        ModelConfigException e = rejected(text, "not valid JSON", "at line 1 column");
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void rejectsEmptyTextAndNonObjects() {
        rejected("  ", "empty");
        rejected("[1, 2]", "the model config must be a JSON object", "[1,2]");
        rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": \"conv2d\"}}", "config.layers",
                "a JSON array", "\"conv2d\"");
        rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": [5]}}", "config.layers[0]", "5");
        rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}", "config.layers is empty");
        rejected("{\"config\": {\"layers\": []}}", "class_name", "missing");
    }

    @ParameterizedTest(name = "{1} = {2} on layer {0}")
    @CsvSource(delimiter = '|', value = {
        "1 | filters     | \"3\"         | an integer",
        "1 | filters     | 2.5           | an integer",
        "1 | kernel_size | [3,\"3\"]     | two positive integers",
        "1 | kernel_size | [3,3,3]       | two positive integers",
        "1 | strides     | 0             | a positive integer",
        "2 | pool_size   | \"2\"         | a positive integer",
        "4 | units       | 2.5           | an integer",
        "4 | units       | null          | an integer",
        "4 | use_bias    | \"yes\"       | true or false",
        "4 | activation  | 3             | an activation name",
        "4 | kernel_initializer | 5      | an initializer",
        "4 | name        | 5             | a string",
        "1 | padding     | 1             | a string",
        "0 | batch_shape | \"28x28\"     | a batch shape",
        "0 | batch_shape | [null,28,-1,1] | a batch shape",
    })
    void rejectsWrongTypes(int layer, String option, String value, String expected) {
        JsonElement v = JsonParser.parseString(value);
        String json = seedJsonWith(doc -> layerConfig(doc, layer).add(option, v));
        ModelConfigException e = rejected(json, option, "must be " + expected, "got " + v);
        // Until the name is known to be a string, the layer is named by its place in the list.
        assertTrue(e.getMessage().contains(option.equals("name") ? "config.layers[4]" : "(" + List.of(
                "InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense").get(layer) + ")"), e.getMessage());
    }

    @Test
    void rejectsAMissingRequiredOption() {
        rejected(seedJsonWith(doc -> layerConfig(doc, 4).remove("units")), "layer 'dense' (Dense)", "units",
                "missing");
        rejected(seedJsonWith(doc -> layerConfig(doc, 1).remove("kernel_size")), "layer 'conv2d' (Conv2D)",
                "kernel_size", "missing");
    }

    @Test
    void rejectsLayerValuesTheLayerItselfRefuses() {
        ModelConfigException e = rejected(seedJsonWith(doc -> layerConfig(doc, 4).addProperty("units", 0)),
                "layer 'dense' (Dense)", "units must be positive");
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }
}
