package org.tatami.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tatami.Tatami;
import org.tatami.activations.ActivationFunction;
import org.tatami.config.ModelConfigException;
import org.tatami.layers.Concatenate;
import org.tatami.layers.Conv2D;
import org.tatami.layers.Dense;
import org.tatami.layers.Flatten;
import org.tatami.layers.Input;
import org.tatami.layers.Layer;
import org.tatami.layers.LayerRegistry;
import org.tatami.layers.ReLU;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Shape;
import org.tatami.tensor.Tensor;

/** Functional model configs: written as Keras 3 writes them, read back (and from Keras 2's dialect) as graphs. */
class FunctionalConfigTest {
    @BeforeEach
    void freshNames() {
        Tatami.clearSession();
    }

    /** Writes the model's config, reads it back, copies the weights and checks that both compute the same bits. */
    static Model roundTrip(Model model, List<Tensor> inputs) {
        Model loaded = ModelConfig.fromJson(ModelConfig.toJson(model), "test.json");
        assertEquals(ModelConfig.toJson(model), ModelConfig.toJson(loaded));
        assertEquals(model.layers().stream().map(Layer::name).toList(),
                loaded.layers().stream().map(Layer::name).toList());
        loaded.setWeights(model.getWeights());
        List<Tensor> expected = model.predict(inputs);
        List<Tensor> actual = loaded.predict(inputs);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "output " + i);
        }
        return loaded;
    }

    static Tensor random(long seed, int... shape) {
        return FunctionalModelTest.randomTensor(seed, shape);
    }

    private static JsonObject json(Model model) {
        return JsonParser.parseString(ModelConfig.toJson(model)).getAsJsonObject();
    }

    /** The entry of config.layers with this name. */
    private static JsonObject entry(JsonObject doc, String name) {
        for (var e : doc.getAsJsonObject("config").getAsJsonArray("layers")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no layer " + name);
    }

    /** The keras_history of each tensor of a layer's call. */
    private static List<String> history(JsonObject entry, int call) {
        JsonArray args = entry.getAsJsonArray("inbound_nodes").get(call).getAsJsonObject().getAsJsonArray("args");
        JsonArray tensors = args.get(0).isJsonArray() ? args.get(0).getAsJsonArray() : args;
        return tensors.asList().stream().map(t -> t.getAsJsonObject().getAsJsonObject("config")
                .get("keras_history").toString()).toList();
    }

    @Test
    void writesAResidualModelAsKeras3DoesAndReadsItBack() {
        Model model = FunctionalModelTest.residualModel("relu");
        JsonObject doc = json(model);
        assertEquals("Functional", doc.get("class_name").getAsString());
        assertEquals("keras.src.models.functional", doc.get("module").getAsString());
        assertEquals("Functional", doc.get("registered_name").getAsString());
        JsonObject config = doc.getAsJsonObject("config");
        assertEquals(List.of("name", "trainable", "layers", "input_layers", "output_layers"),
                List.copyOf(config.keySet()));
        assertEquals("[\"input_layer\",0,0]", config.get("input_layers").toString());
        assertEquals("[\"dense\",0,0]", config.get("output_layers").toString());
        JsonObject input = entry(doc, "input_layer");
        assertEquals(0, input.getAsJsonArray("inbound_nodes").size());
        JsonObject add = entry(doc, "add");
        assertEquals(List.of("module", "class_name", "config", "registered_name", "build_config", "name",
                "inbound_nodes"), List.copyOf(add.keySet()));
        // A merge takes its inputs as one list argument, and was built for both shapes.
        assertEquals(List.of("[\"batch_normalization_1\",0,0]", "[\"conv2d_2\",0,0]"), history(add, 0));
        assertEquals("[[null,8,8,4],[null,8,8,4]]", add.getAsJsonObject("build_config").get("input_shape").toString());

        roundTrip(model, List.of(random(1, 5, 8, 8, 2)));
    }

    @Test
    void twoInputsAreListedInOrderAndRoundTrip() {
        SymbolicTensor a = Input.of("image", 6, 6, 1);
        SymbolicTensor b = Input.of("extra", 3);
        SymbolicTensor x = new Flatten().apply(new Conv2D(2, 3).activation("relu").apply(a));
        SymbolicTensor out = new Dense(4).activation("softmax").apply(new Concatenate().apply(x, b));
        Model model = new Model("two_inputs", List.of(a, b), List.of(out));
        JsonObject config = json(model).getAsJsonObject("config");
        assertEquals("[[\"image\",0,0],[\"extra\",0,0]]", config.get("input_layers").toString());

        Model loaded = roundTrip(model, List.of(random(2, 3, 6, 6, 1), random(3, 3, 3)));
        assertEquals(List.of("image", "extra"), loaded.inputNames());
    }

    @Test
    void aSharedLayerHasOneEntryWithACallPerUse() {
        SymbolicTensor a = Input.of("left", 5);
        SymbolicTensor b = Input.of("right", 5);
        Dense shared = new Dense(3).activation("tanh");
        SymbolicTensor out = new Dense(2).apply(new Concatenate().apply(shared.apply(a), shared.apply(b)));
        Model model = new Model("siamese", List.of(a, b), List.of(out));
        JsonObject dense = entry(json(model), shared.name());
        assertEquals(2, dense.getAsJsonArray("inbound_nodes").size());
        assertEquals(List.of("[\"dense\",0,0]", "[\"dense\",1,0]"), history(entry(json(model), "concatenate"), 0));

        Model loaded = roundTrip(model, List.of(random(4, 3, 5), random(5, 3, 5)));
        assertEquals(2, loaded.nodes().stream().filter(n -> n.layer().name().equals("dense")).count());
        assertEquals(5 * 3 + 3 + 6 * 2 + 2, loaded.countParams());
    }

    /** An inner Functional model and an inner Sequential one, both called by an outer model. */
    private static Model nestedModel() {
        SymbolicTensor innerIn = Input.of("inner_in", 4);
        Model inner = new Model("inner", List.of(innerIn), List.of(new Dense(3).activation("relu").apply(innerIn)));
        Sequential tail = new Sequential("tail", new Dense(2).inputShape(3));
        SymbolicTensor in = Input.of("outer_in", 4);
        SymbolicTensor out = tail.apply(inner.apply(in));
        return new Model("outer", List.of(in), List.of(out));
    }

    @Test
    void aNestedModelIsAnEntryHoldingItsOwnConfig() {
        Model model = nestedModel();
        JsonObject doc = json(model);
        JsonObject inner = entry(doc, "inner");
        assertEquals("Functional", inner.get("class_name").getAsString());
        assertEquals("inner", inner.getAsJsonObject("config").get("name").getAsString());
        assertTrue(inner.getAsJsonObject("config").has("output_layers"));
        // Keras counts a nested Functional model's calls from 1 (its call 0 is its own graph), a Sequential's from 0.
        assertEquals(List.of("[\"inner\",1,0]"), history(entry(doc, "tail"), 0));
        assertEquals("[\"tail\",0,0]", doc.getAsJsonObject("config").get("output_layers").toString());

        Model loaded = roundTrip(model, List.of(random(6, 4, 4)));
        assertTrue(loaded.getLayer("inner") instanceof Model);
        assertTrue(loaded.getLayer("tail") instanceof Sequential);
        assertEquals(List.of("inner_in", "dense", "dense_1"),
                loaded.leafLayers().stream().map(Layer::name).toList().subList(1, 4));
    }

    @Test
    void trainableFlagsRoundTrip() {
        Model model = FunctionalModelTest.residualModel("relu");
        model.getLayer("conv2d").trainable(false);
        model.getLayer("batch_normalization").trainable(false);
        Model loaded = ModelConfig.fromJson(ModelConfig.toJson(model), "test.json");
        for (Layer l : model.layers()) {
            assertEquals(l.trainable(), loaded.getLayer(l.name()).trainable(), l.name());
        }
        assertFalse(loaded.getLayer("conv2d").trainable());

        Model frozen = nestedModel();
        frozen.trainable(false);
        Model frozenLoaded = ModelConfig.fromJson(ModelConfig.toJson(frozen), "test.json");
        assertTrue(frozenLoaded.leafLayers().stream().noneMatch(Layer::trainable));
    }

    /**
     * tf.keras 2.x's form of a graph with a projection shortcut merged by Add, a layer shared by two
     * calls and a nested Functional model (whose first call Keras 2 numbers 1).
     */
    private static final String KERAS2_GRAPH = """
            {"class_name": "Functional", "config": {"name": "graph", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 2], "dtype": "float32",
               "sparse": false, "ragged": false, "name": "image"}, "name": "image", "inbound_nodes": []},
              {"class_name": "Conv2D", "config": {"name": "conv", "trainable": true, "dtype": "float32",
               "filters": 4, "kernel_size": [3, 3], "padding": "same", "activation": "relu",
               "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null, "dtype": "float32"}},
               "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}}},
               "name": "conv", "inbound_nodes": [[["image", 0, 0, {}]]]},
              {"class_name": "Conv2D", "config": {"name": "project", "trainable": false, "dtype": "float32",
               "filters": 4, "kernel_size": [1, 1]}, "name": "project", "inbound_nodes": [[["image", 0, 0, {}]]]},
              {"class_name": "Add", "config": {"name": "add", "trainable": true, "dtype": "float32"},
               "name": "add", "inbound_nodes": [[["conv", 0, 0, {}], ["project", 0, 0, {}]]]},
              {"class_name": "Functional", "config": {"name": "head", "layers": [
                 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 4], "dtype": "float32",
                  "sparse": false, "ragged": false, "name": "head_in"}, "name": "head_in", "inbound_nodes": []},
                 {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "trainable": true,
                  "dtype": "float32", "data_format": "channels_last", "keepdims": false}, "name": "gap",
                  "inbound_nodes": [[["head_in", 0, 0, {}]]]}],
                "input_layers": [["head_in", 0, 0]], "output_layers": [["gap", 0, 0]]},
               "name": "head", "inbound_nodes": [[["add", 0, 0, {}]]]},
              {"class_name": "Dense", "config": {"name": "shared", "trainable": true, "dtype": "float32",
               "units": 4, "activation": "tanh"}, "name": "shared",
               "inbound_nodes": [[["head", 1, 0, {}]], [["shared", 0, 0, {}]]]},
              {"class_name": "Dense", "config": {"name": "out", "trainable": true, "dtype": "float32",
               "units": 3, "activation": "softmax"}, "name": "out", "inbound_nodes": [[["shared", 1, 0, {}]]]}],
             "input_layers": [["image", 0, 0]], "output_layers": [["out", 0, 0]]},
             "keras_version": "2.12.0", "backend": "tensorflow"}
            """;

    @Test
    void readsKeras2GraphsWithMergesSharedLayersAndNestedModels() {
        Model m = ModelConfig.fromJson(KERAS2_GRAPH, "keras2.json");
        assertEquals(List.of("image", "conv", "project", "add", "head", "shared", "out"),
                m.layers().stream().map(Layer::name).toList());
        assertEquals(2, m.nodes().stream().filter(n -> n.layer().name().equals("shared")).count());
        Layer add = m.getLayer("add");
        assertSame(m.getLayer("conv"), m.nodes().stream().filter(n -> n.layer() == add).findFirst().orElseThrow()
                .inputs().get(0).layer());
        assertTrue(m.getLayer("head") instanceof Model);
        assertFalse(m.getLayer("project").trainable());
        assertEquals("(None, 3)", Shape.withBatch(m.outputShape()));
        assertEquals(4 * 9 * 2 + 4 + 2 * 4 + 4 + 4 * 4 + 4 + 4 * 3 + 3, m.countParams());
        // And the graph tatami writes for it reads back to the same bits.
        roundTrip(m, List.of(random(7, 2, 6, 6, 2)));
    }

    /** tf.keras 2.x numbers a nested Sequential model's calls from 1 too, when it has an input shape. */
    @Test
    void readsAKeras2NestedSequentialModel() {
        String json = """
                {"class_name": "Functional", "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "name": "in"},
                   "name": "in", "inbound_nodes": []},
                  {"class_name": "Sequential", "config": {"name": "seq", "layers": [
                     {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "name": "seq_in"}},
                     {"class_name": "Dense", "config": {"name": "inner", "units": 4}}]},
                   "name": "seq", "inbound_nodes": [[["in", 0, 0, {}]]]},
                  {"class_name": "Dense", "config": {"name": "out", "units": 2}, "name": "out",
                   "inbound_nodes": [[["seq", 1, 0, {}]]]}],
                 "input_layers": [["in", 0, 0]], "output_layers": [["out", 0, 0]]}}
                """;
        Model m = ModelConfig.fromJson(json, "keras2.json");
        assertTrue(m.getLayer("seq") instanceof Sequential);
        assertEquals(List.of("in", "inner", "out"), m.leafLayers().stream().map(Layer::name).toList());
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> ModelConfig.fromJson(json.replace("[\"seq\", 1, 0, {}]", "[\"seq\", 0, 0, {}]"), "k.json"));
        assertTrue(e.getMessage().contains("layer 'out' (Dense)") && e.getMessage().contains("[\"seq\", 0, 0]"),
                e.getMessage());
    }

    @Test
    void aCallMayTakeTheOutputOfALayerListedLater() {
        // "early" is listed first but its call takes the output of "late": Keras writes such configs for
        // shared layers, and reads them by waiting for the inputs.
        String json = """
                {"class_name": "Functional", "config": {"name": "m", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "name": "in"},
                   "name": "in", "inbound_nodes": []},
                  {"class_name": "Dense", "config": {"name": "early", "units": 2}, "name": "early",
                   "inbound_nodes": [[["late", 0, 0, {}]]]},
                  {"class_name": "Dense", "config": {"name": "late", "units": 5}, "name": "late",
                   "inbound_nodes": [[["in", 0, 0, {}]]]}],
                 "input_layers": [["in", 0, 0]], "output_layers": [["early", 0, 0]]}}
                """;
        Model m = ModelConfig.fromJson(json, "later.json");
        assertEquals(List.of("in", "late", "early"), m.layers().stream().map(Layer::name).toList());
        assertArrayEquals(new int[] {5, 2}, m.getLayer("early").getWeights().get(0).shape());
    }

    /** A layer class of a program's own: doubles its input. */
    static final class Doubler extends Layer {
        @Override
        public String className() {
            return "Doubler";
        }

        @Override
        protected String baseName() {
            return "doubler";
        }

        @Override
        protected int[] computeOutputShape(int[] inputShape) {
            return inputShape;
        }

        @Override
        public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
            for (int i = 0; i < n * Shape.size(outputShape()); i++) {
                y[i] = 2 * x[i];
            }
        }

        @Override
        public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
            for (int i = 0; dx != null && i < n * Shape.size(outputShape()); i++) {
                dx[i] = 2 * dy[i];
            }
        }
    }

    @Test
    void customLayerClassesAreReadOnceRegistered() {
        SymbolicTensor in = Input.of(3);
        Model model = new Model(in, new Dense(2).apply(new Doubler().apply(in)));
        String json = ModelConfig.toJson(model);
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfig.fromJson(json, "c.json"));
        assertTrue(e.getMessage().contains("layer 'doubler' (Doubler)") && e.getMessage().contains("\"Doubler\"")
                && e.getMessage().contains("LayerRegistry.register"), e.getMessage());

        LayerRegistry.register("Doubler", c -> new Doubler());
        roundTrip(model, List.of(random(8, 4, 3)));
        assertThrows(IllegalArgumentException.class, () -> LayerRegistry.register("Dense", c -> new Doubler()));
        assertThrows(IllegalArgumentException.class, () -> LayerRegistry.register("Doubler", c -> new Doubler()));
    }

    @Test
    void reluLayersComputeAndRoundTripWithTheirCap() {
        Tensor x = Tensor.of(new float[] {-1, 0.5f, 7}, 1, 3);
        assertArrayEquals(new float[] {0, 0.5f, 7}, new ReLU().call(x).data());
        assertArrayEquals(new float[] {0, 0.5f, 6}, ReLU.relu6().call(x).data());
        SymbolicTensor in = Input.of(3);
        Model model = new Model(in, ReLU.relu6().apply(new ReLU().apply(in)));
        Model loaded = roundTrip(model, List.of(random(11, 2, 3)));
        assertEquals(ActivationFunction.RELU6, loaded.getLayer("re_lu_1").activation());

        String json = ModelConfig.toJson(model);
        for (String[] bad : new String[][] {{"\"max_value\": 6.0", "\"max_value\": 3.0"},
                {"\"negative_slope\": 0.0", "\"negative_slope\": 0.1"}, {"\"threshold\": 0.0", "\"threshold\": 1.0"}}) {
            ModelConfigException e = assertThrows(ModelConfigException.class,
                    () -> ModelConfig.fromJson(json.replaceFirst(bad[0], bad[1]), "relu.json"));
            assertTrue(e.getMessage().contains("(ReLU)") && e.getMessage().contains(bad[1].split("\"")[1] + " = "),
                    e.getMessage());
        }
    }

    @Test
    void mergeLayersRoundTripWithTheirOptions() {
        SymbolicTensor a = Input.of("a", 2, 3);
        SymbolicTensor b = Input.of("b", 2, 3);
        SymbolicTensor joined = new Concatenate(1).apply(a, b);
        SymbolicTensor mixed = new org.tatami.layers.Subtract().apply(new org.tatami.layers.Multiply().apply(a, b),
                new org.tatami.layers.Maximum().apply(a, b));
        SymbolicTensor avg = new org.tatami.layers.Average().apply(mixed, new org.tatami.layers.Minimum().apply(a, b));
        Model model = new Model("merges", List.of(a, b), List.of(joined, avg));
        Model loaded = roundTrip(model, List.of(random(9, 4, 2, 3), random(10, 4, 2, 3)));
        assertEquals(1, ((Concatenate) loaded.getLayer("concatenate")).axis());
        assertArrayEquals(new int[] {4, 3}, loaded.getLayer("concatenate").outputShape());
    }
}
