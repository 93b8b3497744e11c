package org.tatami.models;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.config.ModelConfigException;
import org.tatami.layers.Activation;
import org.tatami.layers.Dropout;
import org.tatami.layers.GlobalAveragePooling2D;
import org.tatami.layers.GlobalMaxPooling2D;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.Node;
import org.tatami.layers.Pooling1D;
import org.tatami.layers.Pooling2D;
import org.tatami.layers.ReLU;
import org.tatami.layers.SpatialDropout2D;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Limits;

/**
 * Converts between tatami models and Keras's model JSON, the text of Keras's {@code model.to_json()}
 * and {@code keras.models.model_from_json(...)}.
 *
 * <p>{@link #toJson} writes Keras 3's format: a Sequential config for a {@link Sequential}, a
 * Functional one (layers with their calls, input and output layers) for any other model, nested
 * models as layer entries whose config is the nested model's. {@link #fromJson} reads Keras 3's and
 * Keras 2's (tf.keras 2.x) formats of both. Every option is checked: one tatami does not support
 * (dilation, groups, channels_first, regularizers, constraints, an unknown layer, activation or
 * initializer, ...) is an error, never dropped, so that a model read is the model that was written.
 */
public final class ModelConfig {
    /**
     * The Keras release whose {@code to_json()} output {@link #toJson} reproduces. Its form (dtypes as
     * plain strings, InputLayer with batch_shape, dtype, sparse and name only) is one that every
     * Keras 3 release reads, where later releases' additions (dtype policy objects, ragged) are not.
     */
    private static final String KERAS_VERSION = "3.3.3";

    private static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    private ModelConfig() {
    }

    /**
     * The model's architecture as Keras 3's {@code model.to_json()} writes it (pretty-printed). A
     * Sequential model's layers start with an InputLayer when the input shape is known. Weights and
     * compile settings are not part of it.
     */
    public static String toJson(Model model) {
        Map<String, Object> doc = modelObject(model);
        doc.put("keras_version", KERAS_VERSION);
        doc.put("backend", "tensorflow");
        return GSON.toJson(doc);
    }

    /**
     * Reads a model from Keras's model JSON (Keras 2 or 3; Sequential or Functional, with branches,
     * merges, shared layers and nested models), with its layers' names and trainable flags. A
     * Functional model is built; a Sequential one when the JSON states the input shape (an
     * InputLayer, {@code batch_input_shape} or {@code build_config}). Weights are freshly initialized;
     * compile settings in the JSON are not read.
     *
     * @param sourceName names the JSON (e.g. its file) in error messages
     * @throws ModelConfigException if the text is not JSON, a value has the wrong type, or the model
     *                              uses anything tatami does not support; the message names the
     *                              source, the layer, its class, the option and the value
     */
    public static Model fromJson(String json, String sourceName) {
        return new ModelConfigReader(sourceName).read(json);
    }

    /**
     * {@link #fromJson} of a file, named by its file name in messages; a file larger than
     * {@link Limits#maxJsonBytes()} is refused before it is read.
     */
    public static Model read(Path file) throws IOException {
        String name = file.getFileName().toString();
        long size = Files.size(file);
        if (size > Limits.maxJsonBytes()) {
            throw new ModelConfigException(name + ": " + Limits.bytes(size) + ", more than the limit of "
                    + Limits.bytes(Limits.maxJsonBytes()) + " for a model config (-D" + Limits.MAX_JSON_BYTES
                    + "=N raises it)");
        }
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), name);
    }

    /** A model as Keras serializes it: module, class_name, config, registered_name, build_config. */
    private static Map<String, Object> modelObject(Model model) {
        if (model instanceof Sequential s) {
            return sequential(s);
        }
        Map<String, Object> doc = kerasObject("keras.src.models.functional", "Functional", functional(model));
        doc.put("registered_name", "Functional");
        // Keras writes no input shape for a Functional model: its InputLayers state them.
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("input_shape", null);
        doc.put("build_config", build);
        return doc;
    }

    private static Map<String, Object> sequential(Sequential model) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.name());
        config.put("trainable", model.trainable());
        config.put("dtype", "float32");
        List<Object> layers = new ArrayList<>();
        boolean built = model.isBuilt();
        if (built) {
            layers.add(inputLayer(model.inputShape()));
        }
        for (Layer layer : model.layers()) {
            layers.add(layerEntry(layer, built));
        }
        config.put("layers", layers);
        if (built) {
            config.put("build_input_shape", batchShape(model.inputShape()));
        }
        Map<String, Object> doc = kerasObject("keras", "Sequential", config);
        if (built) {
            doc.put("build_config", Map.of("input_shape", batchShape(model.inputShape())));
        }
        return doc;
    }

    /**
     * A Functional model's config: each layer once, in the order of {@link Model#layers()}, with the
     * calls it makes in this model; then the references of the inputs and outputs.
     */
    private static Map<String, Object> functional(Model model) {
        Map<Node, Integer> index = new IdentityHashMap<>();
        Map<Layer, List<Node>> calls = new IdentityHashMap<>();
        for (Node node : model.nodes()) {
            List<Node> own = calls.computeIfAbsent(node.layer(), l -> new ArrayList<>());
            index.put(node, own.size() + FunctionalReader.nodeOffset(node.layer(), false));
            own.add(node);
        }
        List<Object> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            Map<String, Object> entry = layer instanceof InputLayer ? kerasObject("keras.layers", "InputLayer",
                    layer.config()) : layerEntry(layer, true);
            entry.put("name", layer.name());
            List<Object> inbound = new ArrayList<>();
            for (Node node : calls.getOrDefault(layer, List.of())) {
                if (!node.inputs().isEmpty()) {
                    inbound.add(call(node, index));
                }
            }
            entry.put("inbound_nodes", inbound);
            layers.add(entry);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.name());
        config.put("trainable", model.trainable());
        config.put("layers", layers);
        config.put("input_layers", endpoints(model.inputs(), index));
        config.put("output_layers", endpoints(model.outputs(), index));
        return config;
    }

    /** One call: {@code {"args": [tensor]}} for one input, {@code {"args": [[tensors]]}} for several. */
    private static Map<String, Object> call(Node node, Map<Node, Integer> index) {
        List<Object> tensors = new ArrayList<>();
        for (SymbolicTensor t : node.inputs()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("shape", batchShape(t.shape()));
            c.put("dtype", "float32");
            c.put("keras_history", reference(t, index));
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("class_name", "__keras_tensor__");
            tensor.put("config", c);
            tensors.add(tensor);
        }
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("args", tensors.size() == 1 ? tensors : List.of(tensors));
        call.put("kwargs", Map.of());
        return call;
    }

    /** Keras 3 writes a single reference for one tensor, a list of references for several. */
    private static Object endpoints(List<SymbolicTensor> tensors, Map<Node, Integer> index) {
        if (tensors.size() == 1) {
            return reference(tensors.get(0), index);
        }
        return tensors.stream().map(t -> reference(t, index)).toList();
    }

    private static List<Object> reference(SymbolicTensor t, Map<Node, Integer> index) {
        return List.of(t.layer().name(), index.get(t.node()), t.index());
    }

    private static Map<String, Object> inputLayer(int[] shape) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("batch_shape", batchShape(shape));
        c.put("dtype", "float32");
        c.put("sparse", false);
        c.put("name", "input_layer");
        return kerasObject("keras.layers", "InputLayer", c);
    }

    private static Map<String, Object> layerEntry(Layer layer, boolean built) {
        if (layer instanceof Model nested) {
            return modelObject(nested);
        }
        Map<String, Object> c = new LinkedHashMap<>(layer.config());
        // Keras 3 states the input shape in the InputLayer only, not on the first layer as Keras 2 did.
        c.remove("batch_input_shape");
        Map<String, Object> entry = kerasObject("keras.layers", layer.className(), c);
        // Keras builds these layers in their constructors, so to_json gives them no build_config.
        boolean builtAtInit = layer instanceof Pooling2D || layer instanceof Pooling1D<?>
                || layer instanceof GlobalAveragePooling2D
                || layer instanceof GlobalMaxPooling2D || layer instanceof Dropout || layer instanceof SpatialDropout2D
                || layer instanceof Activation || layer instanceof ReLU;
        if (built && !builtAtInit) {
            int[][] shapes = layer.inputShapes();
            entry.put("build_config", Map.of("input_shape", shapes.length == 1 ? batchShape(shapes[0])
                    : Arrays.stream(shapes).map(ModelConfig::batchShape).toList()));
        }
        return entry;
    }

    private static Map<String, Object> kerasObject(String module, String className, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", module);
        m.put("class_name", className);
        m.put("config", config);
        m.put("registered_name", null);
        return m;
    }

    /** Keras's shape with a free batch axis: {@code [null, 28, 28, 1]}. */
    private static List<Integer> batchShape(int[] shape) {
        List<Integer> out = new ArrayList<>();
        out.add(null);
        for (int d : shape) {
            out.add(d);
        }
        return out;
    }
}
