package org.tatami.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;

/**
 * The graph of a Functional model config, accepted only when it is a chain: an InputLayer, then
 * each layer called once on the output of the layer listed before it, the last one the output. Such
 * a model is a Sequential one written in another form.
 */
final class FunctionalChain {
    private FunctionalChain() {
    }

    /**
     * Checks a layer entry's {@code inbound_nodes}: none for the input layer ({@code previous} null),
     * otherwise one call on {@code previous}'s output.
     */
    static void checkInbound(Fields entry, String previous) {
        JsonArray nodes = entry.array("inbound_nodes");
        if (previous == null) {
            if (!nodes.isEmpty()) {
                throw entry.unsupported("inbound_nodes", "the first layer of a Functional model must be its"
                        + " InputLayer, which takes no inputs");
            }
            return;
        }
        if (nodes.size() != 1) {
            throw entry.unsupported("inbound_nodes", "the layer is called " + nodes.size() + " times; tatami reads"
                    + " a Functional model only if it is a chain, each layer called once");
        }
        String from = inboundLayer(entry, nodes.get(0));
        if (!from.equals(previous)) {
            throw entry.unsupported("inbound_nodes", "the layer takes the output of '" + from + "', but tatami reads a"
                    + " Functional model only if it is a chain, each layer taking the output of the layer listed"
                    + " before it ('" + previous + "')");
        }
    }

    /**
     * The one layer whose output a call (node) takes. Keras 3 writes a node as
     * {@code {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}],
     * "kwargs": {}}}, Keras 2 as {@code [[name, 0, 0, {}]]}.
     */
    private static String inboundLayer(Fields entry, JsonElement node) {
        String notChain = "tatami reads a Functional model only if it is a chain, each layer taking one input";
        if (node.isJsonObject()) {
            Fields call = Fields.of(entry.where(), "inbound_nodes[0].", "inbound_nodes[0]", node);
            JsonArray args = call.array("args");
            Fields kwargs = call.objectOrEmpty("kwargs");
            kwargs.finish();
            call.finish();
            if (args.size() != 1 || !args.get(0).isJsonObject()) {
                throw entry.unsupported("inbound_nodes", notChain);
            }
            Fields tensor = Fields.of(entry.where(), "inbound_nodes[0].args[0].", "a call argument", args.get(0));
            if (!tensor.string("class_name").equals("__keras_tensor__")) {
                throw entry.unsupported("inbound_nodes", notChain);
            }
            Fields config = tensor.object("config");
            // The shape and dtype describe the tensor; the layers' own configs decide both.
            config.take("shape");
            KerasValues.requireFloat32(config, "dtype");
            String from = history(config, "keras_history", config.array("keras_history"), 3);
            config.finish();
            tensor.finish();
            return from;
        }
        if (!node.isJsonArray() || node.getAsJsonArray().size() != 1) {
            throw entry.unsupported("inbound_nodes", notChain);
        }
        JsonElement tensor = node.getAsJsonArray().get(0);
        if (!tensor.isJsonArray()) {
            throw entry.invalid("inbound_nodes", "Keras's inbound nodes, e.g. [[[\"conv2d\", 0, 0, {}]]]");
        }
        JsonArray t = tensor.getAsJsonArray();
        if (t.size() == 4) {
            JsonElement kwargs = t.get(3);
            if (!kwargs.isJsonObject()) {
                throw entry.invalid("inbound_nodes", "Keras's inbound nodes, e.g. [[[\"conv2d\", 0, 0, {}]]]");
            }
            if (!kwargs.getAsJsonObject().isEmpty()) {
                throw entry.unsupported("inbound_nodes", "call arguments: tatami calls each layer on its input only");
            }
        }
        return history(entry, "inbound_nodes", t, t.size() == 4 ? 4 : 3);
    }

    /**
     * The layer named by a reference {@code [name, node_index, tensor_index]} ({@code size} 4 with
     * Keras 2's kwargs), which must point at the layer's only call and output.
     */
    private static String history(Fields f, String key, JsonArray ref, int size) {
        if (ref.size() != size || !Fields.isString(ref.get(0)) || !isInteger(ref.get(1)) || !isInteger(ref.get(2))) {
            throw f.invalid(key, "a layer reference [name, node_index, tensor_index]");
        }
        if (ref.get(1).getAsDouble() != 0 || ref.get(2).getAsDouble() != 0) {
            throw f.unsupported(key, "a reference to a layer's later call or other output: tatami reads a Functional"
                    + " model only if it is a chain, each layer called once with one output");
        }
        return ref.get(0).getAsString();
    }

    private static boolean isInteger(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() == Math.rint(e.getAsDouble());
    }

    /**
     * The one layer named by {@code input_layers} or {@code output_layers}: Keras 3 writes a single
     * {@code ["name", 0, 0]}, Keras 2 a list of them.
     */
    static String endpoint(Fields config, String key) {
        JsonArray a = config.array(key);
        if (a.size() == 1 && a.get(0).isJsonArray()) {
            a = a.get(0).getAsJsonArray();
        } else if (!a.isEmpty() && a.get(0).isJsonArray()) {
            throw config.unsupported(key, "tatami models have one input and one output");
        }
        return history(config, key, a, 3);
    }
}
