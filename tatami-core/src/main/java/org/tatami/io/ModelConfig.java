package org.tatami.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.layers.Activation;
import org.tatami.layers.Dropout;
import org.tatami.layers.Layer;
import org.tatami.layers.Pooling2D;
import org.tatami.models.Model;
import org.tatami.models.Sequential;

/**
 * Converts between tatami models and Keras's model JSON, the text of Keras's {@code model.to_json()}
 * and {@code keras.models.model_from_json(...)}.
 *
 * <p>{@link #toJson} writes Keras 3's format. {@link #fromJson} reads Keras 3's and Keras 2's
 * (tf.keras 2.x) formats, for Sequential models and for Functional models whose layers form a chain.
 * Every option is checked: one tatami does not support (dilation, groups, channels_first,
 * regularizers, constraints, an unknown layer, activation or initializer, ...) is an error, never
 * dropped, so that a model read is the model that was written.
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
     * The model's architecture as Keras 3's {@code model.to_json()} writes it (pretty-printed): a
     * Sequential config whose layers start with an InputLayer when the input shape is known.
     * Weights and compile settings are not part of it.
     */
    public static String toJson(Model model) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", model.name());
        config.put("trainable", true);
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
        doc.put("keras_version", KERAS_VERSION);
        doc.put("backend", "tensorflow");
        return GSON.toJson(doc);
    }

    /**
     * Reads a model from Keras's model JSON (Keras 2 or 3; Sequential, or Functional as a chain of
     * layers), with its layers' names. The model is built when the JSON states the input shape (an
     * InputLayer, {@code batch_input_shape} or {@code build_config}); its weights are freshly
     * initialized. Compile settings in the JSON are not read.
     *
     * @param sourceName names the JSON (e.g. its file) in error messages
     * @throws ModelConfigException if the text is not JSON, a value has the wrong type, or the model
     *                              uses anything tatami does not support; the message names the
     *                              source, the layer, its class, the option and the value
     */
    public static Sequential fromJson(String json, String sourceName) {
        return new ModelConfigReader(sourceName).read(json);
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
        Map<String, Object> c = new LinkedHashMap<>(layer.config());
        // Keras 3 states the input shape in the InputLayer only, not on the first layer as Keras 2 did.
        c.remove("batch_input_shape");
        Map<String, Object> entry = kerasObject("keras.layers", layer.className(), c);
        // Keras builds these layers in their constructors, so to_json gives them no build_config.
        boolean builtAtInit = layer instanceof Pooling2D || layer instanceof Dropout || layer instanceof Activation;
        if (built && !builtAtInit) {
            entry.put("build_config", Map.of("input_shape", batchShape(layer.inputShape())));
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
