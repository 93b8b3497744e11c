package org.tatami.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tatami.io.LayerReader.Entry;
import org.tatami.models.Sequential;
import org.tatami.tensor.Shape;

/**
 * Reads Keras's model JSON, as Keras 2 and Keras 3 write it, into a Sequential model: a Sequential
 * config, or a Functional one whose graph is a chain.
 */
final class ModelConfigReader {
    private static final JsonPrimitive TRUE = new JsonPrimitive(true);

    private final String source;

    /** A place that states the input shape; every place that does must agree. */
    private record ShapeSource(String what, int[] shape) {
    }

    ModelConfigReader(String source) {
        this.source = source;
    }

    Sequential read(String json) {
        Fields top = Fields.of(source, "", "the model config", parse(json));
        String className = top.string("class_name");
        boolean functional = switch (className) {
            case "Sequential" -> false;
            case "Functional", "Model" -> true;
            default -> throw top.unsupported("class_name", "tatami reads Sequential models, and Functional ones"
                    + " whose layers form a chain");
        };
        KerasValues.requireKerasObject(top, className);
        top.string("keras_version", null);
        top.string("backend", null);
        // Training settings, not architecture: a tatami model gets them from compile(...).
        top.take("compile_config");
        int[] topBuildShape = KerasValues.buildInputShape(top);

        Fields config = top.object("config");
        String name = config.string("name", null);
        config.expect("trainable", TRUE, "tatami trains every layer");
        KerasValues.requireFloat32(config, "dtype");
        int[] buildInputShape = functional ? null : KerasValues.optionalBatchShape(config, "build_input_shape");
        List<Entry> entries = readLayers(config.array("layers"), functional);
        if (functional) {
            checkEndpoint(config, "input_layers", entries.get(0));
            checkEndpoint(config, "output_layers", entries.get(entries.size() - 1));
        }
        config.finish();
        top.finish();

        List<ShapeSource> shapes = new ArrayList<>();
        List<Entry> layers = new ArrayList<>();
        for (Entry e : entries) {
            if (e.isInput()) {
                shapes.add(new ShapeSource("the InputLayer's batch shape", e.batchInputShape()));
            } else {
                layers.add(e);
            }
        }
        if (layers.isEmpty()) {
            throw new ModelConfigException(source + ": the model has no layers besides its InputLayer");
        }
        Entry first = layers.get(0);
        shapes.add(new ShapeSource("the first layer's batch_input_shape", first.batchInputShape()));
        shapes.add(new ShapeSource("the first layer's build_config", first.buildInputShape()));
        shapes.add(new ShapeSource("config.build_input_shape", buildInputShape));
        shapes.add(new ShapeSource("the model's build_config", topBuildShape));
        return build(name, layers, inputShape(shapes));
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

    /** The entries of config.layers; a Functional model's must form a chain from its InputLayer. */
    private List<Entry> readLayers(JsonArray list, boolean functional) {
        if (list.isEmpty()) {
            throw new ModelConfigException(source + ": config.layers is empty: the model has no layers");
        }
        List<Entry> entries = new ArrayList<>();
        String previous = null;
        for (int i = 0; i < list.size(); i++) {
            Fields entry = Fields.of(source + ": config.layers[" + i + "]", "", "each entry of config.layers",
                    list.get(i));
            String className = entry.string("class_name");
            Fields config = Fields.of(entry.where(), "", "config", entry.take("config"));
            String name = config.string("name", null);
            if (functional) {
                String entryName = entry.string("name");
                if (name != null && !name.equals(entryName)) {
                    throw entry.invalid("name", "the name in its config, \"" + name + "\"");
                }
                name = entryName;
            }
            String where = source + ": layer " + (name == null ? "#" + i : "'" + name + "'") + " (" + className + ")";
            entry = entry.at(where);
            config = config.at(where);
            if (functional) {
                FunctionalChain.checkInbound(entry, previous);
            }
            Entry e = LayerReader.read(entry, config, className, name);
            entry.finish();
            if (e.isInput() && i > 0) {
                throw new ModelConfigException(where + ": an InputLayer can only come first");
            }
            if (functional && i == 0 && !e.isInput()) {
                throw new ModelConfigException(where + ": a Functional model's first layer must be its InputLayer");
            }
            previous = name;
            entries.add(e);
        }
        return entries;
    }

    /** input_layers must name the chain's first layer, output_layers its last. */
    private static void checkEndpoint(Fields config, String key, Entry expected) {
        if (!FunctionalChain.endpoint(config, key).equals(expected.name())) {
            throw config.unsupported(key, "tatami reads a Functional model only if it is a chain from its first"
                    + " layer ('" + expected.name() + "') to its last");
        }
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

    private Sequential build(String name, List<Entry> layers, int[] inputShape) {
        Sequential model = name == null ? new Sequential() : new Sequential(name);
        for (int i = 0; i < layers.size(); i++) {
            Entry e = layers.get(i);
            if (i > 0 && e.batchInputShape() != null) {
                throw new ModelConfigException(e.where() + ": batch_input_shape is given, but only the first layer"
                        + " takes an input shape");
            }
            try {
                if (i == 0 && inputShape != null) {
                    e.layer().inputShape(inputShape);
                }
                model.add(e.layer());
            } catch (IllegalArgumentException ex) {
                throw new ModelConfigException(e.where() + ": " + ex.getMessage(), ex);
            }
        }
        if (model.isBuilt()) {
            for (Entry e : layers) {
                int[] actual = e.layer().inputShape();
                if (e.buildInputShape() != null && !Arrays.equals(e.buildInputShape(), actual)) {
                    throw new ModelConfigException(e.where() + ": build_config.input_shape "
                            + Shape.withBatch(e.buildInputShape()) + " disagrees with the input the layer gets, "
                            + Shape.withBatch(actual));
                }
            }
        }
        return model;
    }
}
