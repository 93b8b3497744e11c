package org.tatami.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.Node;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Shape;

/**
 * Keras's {@code model.summary()} table, in the layout of the Keras 2 releases the seed tutorial
 * printed ({@code print_summary}). A Sequential model, or a graph that is a plain chain, gets the short
 * table: 65 columns, fields cut at columns 29 and 55. Any other graph gets the wide one with a
 * {@code Connected to} column: 98 columns cut at 32, 53 and 65 ({@code int(98 * p)} for Keras's
 * positions .33, .55 and .67). A rule separates layers; the totals follow.
 */
final class Summary {
    private static final int[] SHORT = {29, 55, 65};
    private static final int[] WIDE = {32, 53, 65, 98};

    private Summary() {
    }

    static String of(Model model) {
        boolean chain = model instanceof Sequential || isChain(model);
        int[] positions = chain ? SHORT : WIDE;
        int line = positions[positions.length - 1];
        StringBuilder b = new StringBuilder();
        b.append("Model: \"").append(model.name()).append("\"\n");
        b.append("_".repeat(line)).append('\n');
        if (chain) {
            row(b, positions, "Layer (type)", "Output Shape", "Param #");
        } else {
            row(b, positions, "Layer (type)", "Output Shape", "Param #", "Connected to");
        }
        b.append("=".repeat(line)).append('\n');
        Map<Node, Integer> nodeIndex = chain ? Map.of() : nodeIndices(model);
        int n = model.layers().size();
        for (int i = 0; i < n; i++) {
            Layer l = model.layers().get(i);
            String name = l.name() + " (" + l.className() + ")";
            String params = l.isBuilt() ? String.valueOf(l.countParams()) : "0 (unbuilt)";
            if (chain) {
                row(b, positions, name, outputShape(l), params);
            } else {
                List<String> connections = connections(model, l, nodeIndex);
                row(b, positions, name, outputShape(l), params, connections.isEmpty() ? "" : connections.get(0));
                for (int k = 1; k < connections.size(); k++) {
                    row(b, positions, "", "", "", connections.get(k));
                }
            }
            b.append((i == n - 1 ? "=" : "_").repeat(line)).append('\n');
        }
        if (n == 0) {
            b.append("=".repeat(line)).append('\n');
        }
        long total = model.isBuilt() ? model.countParams() : 0;
        long trainable = model.isBuilt() ? model.countTrainableParams() : 0;
        b.append(String.format(Locale.US, "Total params: %,d%n", total));
        b.append(String.format(Locale.US, "Trainable params: %,d%n", trainable));
        b.append(String.format(Locale.US, "Non-trainable params: %,d%n", total - trainable));
        b.append("_".repeat(line)).append('\n');
        return b.toString();
    }

    /**
     * Keras's {@code sequential_like} test: one node per depth, none with several inputs, no layer
     * applied twice. Since every node leads to an output, that is a chain from a single input in which
     * no tensor feeds two nodes.
     */
    private static boolean isChain(Model model) {
        if (model.inputs().size() != 1) {
            return false;
        }
        Set<Layer> applied = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> consumed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node node : model.nodes()) {
            if (node.inputs().size() > 1 || !applied.add(node.layer())) {
                return false;
            }
            for (SymbolicTensor t : node.inputs()) {
                if (!consumed.add(t.node())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Keras's {@code layer.output_shape}: an InputLayer's node lists its one output, other nodes give a
     * single output bare; a layer never built shows {@code multiple}.
     */
    private static String outputShape(Layer l) {
        if (!l.isBuilt()) {
            return "multiple";
        }
        if (l instanceof InputLayer) {
            return "[" + Shape.withBatch(l.outputShape()) + "]";
        }
        if (l instanceof Model m && m.outputs().size() > 1) {
            List<String> shapes = new ArrayList<>();
            for (int[] s : m.outputShapes()) {
                shapes.add(Shape.withBatch(s));
            }
            return "[" + String.join(", ", shapes) + "]";
        }
        return Shape.withBatch(l.outputShape());
    }

    /**
     * The index Keras gives each node among its layer's nodes: the n-th application of a layer in this
     * model is node n. A nested Functional model (or a Sequential whose first layer declared its input
     * shape) counts from 1, because Keras gives such a model a node of its own when it is constructed.
     */
    private static Map<Node, Integer> nodeIndices(Model model) {
        Map<Node, Integer> index = new IdentityHashMap<>();
        Map<Layer, Integer> count = new IdentityHashMap<>();
        for (Node node : model.nodes()) {
            Layer l = node.layer();
            int first = l instanceof Model m && constructedWithGraph(m) ? 1 : 0;
            index.put(node, count.merge(l, 1, Integer::sum) - 1 + first);
        }
        return index;
    }

    private static boolean constructedWithGraph(Model m) {
        return !(m instanceof Sequential) || m.layers().get(0).declaredInputShape() != null;
    }

    /** {@code producer[node][tensor]} for every input of every node of the layer, in node order. */
    private static List<String> connections(Model model, Layer l, Map<Node, Integer> nodeIndex) {
        List<String> out = new ArrayList<>();
        for (Node node : model.nodes()) {
            if (node.layer() != l) {
                continue;
            }
            for (SymbolicTensor t : node.inputs()) {
                out.add(t.layer().name() + "[" + nodeIndex.get(t.node()) + "][" + t.index() + "]");
            }
        }
        return out;
    }

    // Keras's print_row: each field starts where the previous column ends (its last character replaced
    // by a space) and is cut at its own column's end.
    private static void row(StringBuilder b, int[] positions, String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.setLength(line.length() - 1);
                line.append(' ');
            }
            line.append(fields[i]);
            line.setLength(Math.min(line.length(), positions[i]));
            line.append(" ".repeat(positions[i] - line.length()));
        }
        b.append(line).append('\n');
    }
}
