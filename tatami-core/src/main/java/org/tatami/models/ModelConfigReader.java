package org.tatami.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.config.ModelConfigException;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.LayerRegistry;
import org.tatami.tensor.Shape;

/**
 * Reads Keras's model JSON, as Keras 2 and Keras 3 write it: a Sequential config, or a Functional one
 * (see {@link FunctionalReader}); models nested among the layers of either are read the same way.
 */
final class ModelConfigReader {
    /** Where messages say the config is: the source, and for a nested model the layer entry that holds it. */
    private final String source;

    /**
     * One layer entry of a config, read.
     *
     * @param layer       the layer (a nested model for a model entry)
     * @param where       the source and the layer, for messages
     * @param buildShapes Keras 3's {@code build_config} input shapes (without the batch axis), or null
     */
    record Entry(Layer layer, String where, int[][] buildShapes) {
    }

    /** An entry of a config's layer list and its config, with messages naming the layer. */
    record Raw(Fields entry, Fields config) {
    }

    /** A place that states the input shape; every place that does must agree. */
    private record ShapeSource(String what, int[] shape) {
    }

    ModelConfigReader(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    Model read(String json) {
        Fields top = Fields.of(source, "", "the model config", parse(json));
        String className = top.string("class_name");
        if (!isModel(className)) {
            throw top.unsupported("class_name", "tatami reads Sequential and Functional models");
        }
        top.string("keras_version", null);
        top.string("backend", null);
        // Training settings, not architecture: a tatami model gets them from compile(...).
        top.take("compile_config");
        int[][] buildShapes = KerasValues.buildInputShapes(top);
        Model model = model(top, className, top.object("config"), buildShapes);
        top.finish();
        return model;
    }

    static boolean isModel(String className) {
        return className.equals("Sequential") || className.equals("Functional") || className.equals("Model");
    }

    /**
     * A model from its entry ({@code class_name} and {@code build_config} read by the caller) and its
     * config, which this finishes.
     */
    private Model model(Fields entry, String className, Fields config, int[][] buildShapes) {
        KerasValues.requireKerasObject(entry, className);
        Model model;
        if (className.equals("Sequential")) {
            model = sequential(config, buildShapes == null ? null : single(entry, buildShapes));
        } else {
            model = new FunctionalReader(this, config).read();
            checkBuildShapes(new Entry(model, source, buildShapes));
        }
        config.finish();
        return model;
    }

    private static int[] single(Fields entry, int[][] shapes) {
        if (shapes.length != 1) {
            throw entry.unsupported("build_config", "a Sequential model takes one input");
        }
        return shapes[0];
    }

    private JsonElement parse(String json) {
        if (json == null || json.isBlank()) {
            throw new ModelConfigException(source + ": no JSON: the text is empty");
        }
        JsonReader reader = new JsonReader(new StringReader(json));
        // Python's json module writes strict JSON; leniency would let corrupt text through.
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new ModelConfigException(source + ": not valid JSON: text follows the end of the document at "
                        + reader.getPath());
            }
            return root;
        } catch (JsonParseException | IOException e) {
            // Gson wraps the reader's error; its first line says what and where, and its advice to parse
            // leniently does not apply here.
            Throwable cause = e instanceof JsonParseException && e.getCause() != null ? e.getCause() : e;
            String detail = String.valueOf(cause.getMessage()).lines().findFirst().orElse("")
                    .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed");
            throw new ModelConfigException(source + ": not valid JSON: " + detail, e);
        }
    }

    /**
     * Entry {@code i} of a config's layer list, its class name and config, with messages naming the
     * layer once its name is read. A Functional entry states its name beside the config, which must agree.
     */
    Raw entry(JsonArray list, int i, boolean functional) {
        Fields entry = Fields.of(source + ": config.layers[" + i + "]", "", "each entry of config.layers", list.get(i));
        String className = entry.string("class_name");
        Fields config = Fields.of(entry.where(), "", "config", entry.take("config"));
        String name = config.string("name", null);
        if (functional) {
            String entryName = entry.string("name");
            if (name != null && !name.equals(entryName)) {
                throw entry.invalid("name", "the name in its config, \"" + Fields.shorten(name) + "\"");
            }
            name = entryName;
        }
        String where = source + ": layer " + (name == null ? "#" + i : "'" + Fields.shorten(name) + "'") + " ("
                + Fields.shorten(className) + ")";
        return new Raw(entry.at(where), config.at(where));
    }

    /**
     * The layer of an entry other than an InputLayer: a nested model or a layer class of
     * {@link LayerRegistry}, named {@code name} unless it is null. Finishes the config, not the entry.
     */
    Entry layer(Fields entry, Fields config) {
        String className = entry.string("class_name");
        String name = config.string("name", null);
        if (entry.has("name")) {
            name = entry.string("name");
        }
        int[][] buildShapes = KerasValues.buildInputShapes(entry);
        Layer layer;
        if (isModel(className)) {
            layer = new ModelConfigReader(entry.where()).model(entry, className, config, null);
        } else {
            layer = LayerRegistry.fromConfig(entry, className, config);
            config.finish();
        }
        if (name != null) {
            try {
                layer.name(name);
            } catch (IllegalArgumentException e) {
                throw new ModelConfigException(entry.where() + ": " + e.getMessage(), e);
            }
        }
        return new Entry(layer, entry.where(), buildShapes);
    }

    /** An entry's build_config must state the input its layer gets in the model. */
    static void checkBuildShapes(Entry e) {
        if (e.buildShapes() == null) {
            return;
        }
        int[][] actual = e.layer().inputShapes();
        if (!Arrays.deepEquals(e.buildShapes(), actual)) {
            throw new ModelConfigException(e.where() + ": build_config.input_shape " + describe(e.buildShapes())
                    + " disagrees with the input the layer gets, " + describe(actual));
        }
    }

    private static String describe(int[][] shapes) {
        List<String> parts = new ArrayList<>();
        for (int[] s : shapes) {
            parts.add(Shape.withBatch(s));
        }
        return shapes.length == 1 ? parts.get(0) : parts.toString();
    }

    /**
     * A Sequential config: its layers in order, the input shape from wherever the config states it (an
     * InputLayer first, the first layer's {@code batch_input_shape} or build_config, the config's
     * {@code build_input_shape}, the model's build_config), all of which must agree.
     */
    private Sequential sequential(Fields config, int[] modelBuildShape) {
        String name = config.string("name", null);
        boolean trainable = config.bool("trainable", true);
        KerasValues.requireFloat32(config, "dtype");
        int[] buildInputShape = KerasValues.optionalBatchShape(config, "build_input_shape");
        JsonArray list = config.array("layers");
        if (list.isEmpty()) {
            throw new ModelConfigException(source + ": config.layers is empty: the model has no layers");
        }
        List<ShapeSource> shapes = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Raw raw = entry(list, i, false);
            Fields entry = raw.entry();
            if (entry.string("class_name").equals("InputLayer")) {
                if (i > 0) {
                    throw new ModelConfigException(entry.where() + ": an InputLayer can only come first");
                }
                KerasValues.requireKerasObject(entry, "InputLayer");
                KerasValues.buildInputShapes(entry);
                shapes.add(new ShapeSource("the InputLayer's batch shape", InputLayer.fromConfig(raw.config()).outputShape()));
                raw.config().finish();
            } else {
                entries.add(layer(entry, raw.config()));
            }
            entry.finish();
        }
        if (entries.isEmpty()) {
            throw new ModelConfigException(source + ": the model has no layers besides its InputLayer");
        }
        Entry first = entries.get(0);
        shapes.add(new ShapeSource("the first layer's batch_input_shape", first.layer().declaredInputShape()));
        shapes.add(new ShapeSource("the first layer's build_config",
                first.buildShapes() == null ? null : first.buildShapes()[0]));
        shapes.add(new ShapeSource("config.build_input_shape", buildInputShape));
        shapes.add(new ShapeSource("the model's build_config", modelBuildShape));
        Sequential model = build(name, entries, inputShape(shapes));
        if (!trainable) {
            model.trainable(false);
        }
        return model;
    }

    /** The input shape all sources agree on, or null if none states one (the model is built later). */
    private int[] inputShape(List<ShapeSource> shapes) {
        ShapeSource chosen = null;
        for (ShapeSource s : shapes) {
            if (s.shape() == null) {
                continue;
            }
            if (chosen == null) {
                chosen = s;
            } else if (!Arrays.equals(chosen.shape(), s.shape())) {
                throw new ModelConfigException(source + ": the input shape " + Shape.withBatch(chosen.shape())
                        + " from " + chosen.what() + " disagrees with " + Shape.withBatch(s.shape()) + " from "
                        + s.what());
            }
        }
        return chosen == null ? null : chosen.shape();
    }

    private Sequential build(String name, List<Entry> entries, int[] inputShape) {
        Sequential model = name == null ? new Sequential() : new Sequential(name);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            try {
                if (i == 0 && inputShape != null && !(e.layer() instanceof Model)) {
                    e.layer().inputShape(inputShape);
                }
                model.add(e.layer());
            } catch (IllegalArgumentException ex) {
                throw new ModelConfigException(e.where() + ": " + ex.getMessage(), ex);
            }
        }
        if (inputShape != null && !model.isBuilt()) {
            model.build(inputShape);
        }
        if (model.isBuilt()) {
            entries.forEach(ModelConfigReader::checkBuildShapes);
        }
        return model;
    }
}
