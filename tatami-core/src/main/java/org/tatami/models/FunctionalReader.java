package org.tatami.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.config.ModelConfigException;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.Names;
import org.tatami.layers.SymbolicTensor;
import org.tatami.models.ModelConfigReader.Entry;
import org.tatami.models.ModelConfigReader.Raw;

/**
 * Reads the graph of a Functional model config: each layer entry lists its calls
 * ({@code inbound_nodes}), each call the tensors it takes, by reference {@code [layer, node_index,
 * tensor_index]}. Keras 3 writes a call as {@code {"args": [tensor or [tensors]], "kwargs": {}}} with
 * tensors {@code {"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}}; Keras 2 as
 * {@code [[name, node_index, tensor_index, {}], ...]}. Layers are applied in the order of the config;
 * a call whose inputs come from a later entry waits until they exist, as Keras's reader does.
 */
final class FunctionalReader {
    private final ModelConfigReader reader;
    private final Fields config;
    private final String source;
    /** Whether the calls are written in Keras 2's dialect, which counts a nested Sequential's calls from 1. */
    private boolean keras2;

    /** A reference to a tensor: the layer, which of its calls, which output; {@code keras2}: the dialect. */
    private record Ref(String layer, int node, int tensor, boolean keras2) {
        @Override
        public String toString() {
            return "[\"" + Fields.shorten(layer) + "\", " + node + ", " + tensor + "]";
        }
    }

    /** A layer entry with its calls, of which the first {@code done} are applied. */
    private static final class Pending {
        final Entry entry;
        final List<List<Ref>> calls;
        int done;

        Pending(Entry entry, List<List<Ref>> calls) {
            this.entry = entry;
            this.calls = calls;
        }
    }

    FunctionalReader(ModelConfigReader reader, Fields config) {
        this.reader = reader;
        this.config = config;
        this.source = reader.source();
    }

    Model read() {
        String name = config.string("name", null);
        boolean trainable = config.bool("trainable", true);
        KerasValues.requireFloat32(config, "dtype");
        JsonArray list = config.array("layers");
        if (list.isEmpty()) {
            throw new ModelConfigException(source + ": config.layers is empty: the model has no layers");
        }
        Map<String, List<List<SymbolicTensor>>> produced = new HashMap<>();
        Map<String, Pending> pending = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Raw raw = reader.entry(list, i, true);
            Fields entry = raw.entry();
            String layerName = entry.string("name");
            if (produced.containsKey(layerName) || pending.containsKey(layerName)) {
                throw new ModelConfigException(entry.where() + ": a layer named '" + layerName + "' comes earlier in"
                        + " config.layers: layer names must be unique");
            }
            JsonArray nodes = entry.array("inbound_nodes");
            if (entry.string("class_name").equals("InputLayer")) {
                if (!nodes.isEmpty()) {
                    throw entry.unsupported("inbound_nodes", "an InputLayer takes no inputs");
                }
                KerasValues.requireKerasObject(entry, "InputLayer");
                KerasValues.buildInputShapes(entry);
                InputLayer input = InputLayer.fromConfig(raw.config());
                raw.config().finish();
                name(entry, input, layerName);
                produced.put(layerName, new ArrayList<>(List.of(List.of(input.output()))));
            } else {
                Entry e = reader.layer(entry, raw.config());
                List<List<Ref>> calls = new ArrayList<>();
                for (int k = 0; k < nodes.size(); k++) {
                    calls.add(call(entry, k, nodes.get(k)));
                }
                if (calls.isEmpty()) {
                    throw entry.unsupported("inbound_nodes", "the layer is never called: tatami builds a model"
                            + " from the calls of its layers");
                }
                produced.put(layerName, new ArrayList<>());
                pending.put(layerName, new Pending(e, calls));
            }
            entry.finish();
        }
        applyAll(pending, produced);
        List<SymbolicTensor> inputs = endpoints("input_layers", produced);
        List<SymbolicTensor> outputs = endpoints("output_layers", produced);
        for (int i = 0; i < inputs.size(); i++) {
            if (!(inputs.get(i).layer() instanceof InputLayer)) {
                throw config.unsupported("input_layers", "input " + i + " is the output of '"
                        + inputs.get(i).layer().name() + "', not an InputLayer");
            }
        }
        Model model;
        try {
            model = new Model(name == null ? Names.unique("functional") : name, inputs, outputs);
        } catch (IllegalArgumentException e) {
            throw new ModelConfigException(source + ": " + e.getMessage(), e);
        }
        if (!trainable) {
            model.trainable(false);
        }
        for (Pending p : pending.values()) {
            ModelConfigReader.checkBuildShapes(p.entry);
        }
        return model;
    }

    private static void name(Fields entry, Layer layer, String name) {
        try {
            layer.name(name);
        } catch (IllegalArgumentException e) {
            throw new ModelConfigException(entry.where() + ": " + e.getMessage(), e);
        }
    }

    /** Applies the calls in config order, each as soon as the tensors it takes exist. */
    private void applyAll(Map<String, Pending> pending, Map<String, List<List<SymbolicTensor>>> produced) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Pending p : pending.values()) {
                while (p.done < p.calls.size()) {
                    List<SymbolicTensor> args = resolve(p.calls.get(p.done), produced);
                    if (args == null) {
                        break;
                    }
                    try {
                        produced.get(p.entry.layer().name()).add(p.entry.layer().applyAll(
                                args.toArray(new SymbolicTensor[0])));
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        throw new ModelConfigException(p.entry.where() + ": inbound_nodes[" + p.done + "]: "
                                + e.getMessage(), e);
                    }
                    p.done++;
                    progress = true;
                }
            }
        }
        for (Pending p : pending.values()) {
            if (p.done < p.calls.size()) {
                for (Ref r : p.calls.get(p.done)) {
                    if (!produced.containsKey(r.layer())) {
                        throw new ModelConfigException(p.entry.where() + ": inbound_nodes[" + p.done + "] takes "
                                + r + ", but config.layers has no layer named '" + Fields.shorten(r.layer()) + "'");
                    }
                }
                throw new ModelConfigException(p.entry.where() + ": inbound_nodes[" + p.done + "] takes "
                        + p.calls.get(p.done) + ", which no call in the config produces (a reference to a call"
                        + " that does not exist, or a cycle)");
            }
        }
    }

    /** The tensors a call takes, or null if one of them does not exist yet. */
    private static List<SymbolicTensor> resolve(List<Ref> refs, Map<String, List<List<SymbolicTensor>>> produced) {
        List<SymbolicTensor> out = new ArrayList<>();
        for (Ref r : refs) {
            SymbolicTensor t = tensor(r, produced);
            if (t == null) {
                return null;
            }
            out.add(t);
        }
        return out;
    }

    /**
     * The tensor a reference names, or null if its call is not made yet. Keras counts a nested
     * Functional model's calls from 1 (its call 0 is its own graph), as Keras 2 does for a nested
     * Sequential one.
     */
    private static SymbolicTensor tensor(Ref r, Map<String, List<List<SymbolicTensor>>> produced) {
        List<List<SymbolicTensor>> calls = produced.get(r.layer());
        if (calls == null || calls.isEmpty()) {
            return null;
        }
        Layer layer = calls.get(0).get(0).layer();
        int node = r.node() - nodeOffset(layer, r.keras2());
        if (node < 0 || node >= calls.size() || r.tensor() >= calls.get(node).size()) {
            return null;
        }
        return calls.get(node).get(r.tensor());
    }

    /** Where Keras starts counting a layer's calls in a config. */
    static int nodeOffset(Layer layer, boolean keras2) {
        if (!(layer instanceof Model)) {
            return 0;
        }
        return layer instanceof Sequential && !keras2 ? 0 : 1;
    }

    /** One call's tensor references, in either dialect. */
    private List<Ref> call(Fields entry, int k, JsonElement node) {
        String key = "inbound_nodes[" + k + "]";
        if (node.isJsonObject()) {
            Fields call = Fields.of(entry.where(), key + ".", key, node);
            JsonArray args = call.array("args");
            Fields kwargs = call.objectOrEmpty("kwargs");
            // Keras 3 passes the mask argument of layers that take one; none is set in a model config.
            kwargs.expectNull("mask", "tatami layers take no masks");
            kwargs.finish();
            call.finish();
            JsonArray tensors = args;
            if (args.size() == 1 && args.get(0).isJsonArray()) {
                tensors = args.get(0).getAsJsonArray();
            } else if (args.size() != 1) {
                throw entry.unsupported("inbound_nodes", "call " + k + " passes " + args.size() + " arguments;"
                        + " tatami layers take one tensor or one list of tensors");
            }
            List<Ref> refs = new ArrayList<>();
            for (int i = 0; i < tensors.size(); i++) {
                Fields tensor = Fields.of(entry.where(), key + ".args[" + i + "].", "a call argument", tensors.get(i));
                if (!tensor.string("class_name").equals("__keras_tensor__")) {
                    throw tensor.unsupported("class_name", "tatami layers take tensors of the model only");
                }
                Fields c = tensor.object("config");
                // The shape and dtype describe the tensor; the layers' own configs decide both.
                c.take("shape");
                KerasValues.requireFloat32(c, "dtype");
                refs.add(ref(c, "keras_history", c.array("keras_history"), 3, false));
                c.finish();
                tensor.finish();
            }
            return refs;
        }
        String example = "Keras's inbound nodes, e.g. [[[\"conv2d\", 0, 0, {}]]]";
        if (!node.isJsonArray() || node.getAsJsonArray().isEmpty()) {
            throw entry.invalid("inbound_nodes", example);
        }
        keras2 = true;
        List<Ref> refs = new ArrayList<>();
        for (JsonElement t : node.getAsJsonArray()) {
            if (!t.isJsonArray()) {
                throw entry.invalid("inbound_nodes", example);
            }
            JsonArray a = t.getAsJsonArray();
            if (a.size() == 4) {
                if (!a.get(3).isJsonObject()) {
                    throw entry.invalid("inbound_nodes", example);
                }
                if (!a.get(3).getAsJsonObject().isEmpty()) {
                    throw entry.unsupported("inbound_nodes", "call arguments: tatami calls each layer on its inputs"
                            + " only");
                }
            }
            refs.add(ref(entry, "inbound_nodes", a, a.size() == 4 ? 4 : 3, true));
        }
        return refs;
    }

    /** A reference {@code [name, node_index, tensor_index]} ({@code size} 4 with Keras 2's kwargs). */
    private static Ref ref(Fields f, String key, JsonArray a, int size, boolean keras2) {
        if (a.size() != size || !Fields.isString(a.get(0)) || !isIndex(a.get(1)) || !isIndex(a.get(2))) {
            throw f.invalid(key, "a layer reference [name, node_index, tensor_index]");
        }
        return new Ref(a.get(0).getAsString(), a.get(1).getAsInt(), a.get(2).getAsInt(), keras2);
    }

    private static boolean isIndex(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() >= 0
                && e.getAsDouble() == Math.rint(e.getAsDouble()) && e.getAsDouble() < Integer.MAX_VALUE;
    }

    /**
     * The tensors {@code input_layers} or {@code output_layers} name: Keras 3 writes one reference
     * {@code ["name", 0, 0]} for a model of one input (output), otherwise and in Keras 2 a list of them.
     */
    private List<SymbolicTensor> endpoints(String key, Map<String, List<List<SymbolicTensor>>> produced) {
        JsonArray a = config.array(key);
        List<JsonArray> refs = new ArrayList<>();
        if (!a.isEmpty() && !a.get(0).isJsonArray()) {
            refs.add(a);
        } else {
            for (JsonElement e : a) {
                if (!e.isJsonArray()) {
                    throw config.invalid(key, "a layer reference [name, node_index, tensor_index] or a list of them");
                }
                refs.add(e.getAsJsonArray());
            }
        }
        if (refs.isEmpty()) {
            throw config.invalid(key, "a layer reference [name, node_index, tensor_index] or a list of them");
        }
        List<SymbolicTensor> out = new ArrayList<>();
        for (JsonArray r : refs) {
            Ref ref = ref(config, key, r, 3, keras2);
            SymbolicTensor t = tensor(ref, produced);
            if (t == null) {
                throw config.unsupported(key, ref + " names no tensor the config's layers produce");
            }
            out.add(t);
        }
        return out;
    }
}
