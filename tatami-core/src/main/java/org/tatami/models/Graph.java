package org.tatami.models;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tatami.layers.InputLayer;
import org.tatami.layers.Layer;
import org.tatami.layers.Node;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Shape;

/**
 * A model's graph as the engine runs it: the nodes of nested models inlined, in topological order, each
 * reading and writing numbered values. Values {@code 0 .. inputs-1} are the model's inputs; op i
 * writes value {@code inputs + i}.
 */
final class Graph {
    /** One layer application: the values it reads and the value it writes. */
    record Op(Layer layer, int[] inputs, int output) {
    }

    final int inputs;
    final List<Op> ops = new ArrayList<>();
    /** Per-sample shape of each value. */
    final List<int[]> shapes = new ArrayList<>();
    /** The values that are the model's outputs, in order. */
    final int[] outputs;
    /** The distinct layers that own parameters, in the order of their first op. */
    final List<Layer> layers;

    Graph(Model model) {
        List<SymbolicTensor> in = model.inputs();
        inputs = in.size();
        Map<SymbolicTensor, Integer> values = new IdentityHashMap<>();
        for (SymbolicTensor t : in) {
            values.put(t, shapes.size());
            shapes.add(t.shape());
        }
        outputs = inline(model, values);
        Map<Layer, Boolean> distinct = new LinkedHashMap<>();
        for (Op op : ops) {
            distinct.put(op.layer(), true);
        }
        layers = List.copyOf(distinct.keySet());
    }

    /** Adds the ops of {@code model}, whose inputs already map to values; returns its output values. */
    private int[] inline(Model model, Map<SymbolicTensor, Integer> values) {
        for (Node node : model.nodes()) {
            if (node.layer() instanceof InputLayer) {
                continue;
            }
            int[] args = new int[node.inputs().size()];
            for (int i = 0; i < args.length; i++) {
                Integer v = values.get(node.inputs().get(i));
                if (v == null) {
                    throw new IllegalStateException("model '" + model.name() + "': " + node.layer().name()
                            + " reads a tensor that is not computed from the model's inputs");
                }
                args[i] = v;
            }
            if (node.layer() instanceof Model inner) {
                Map<SymbolicTensor, Integer> innerValues = new IdentityHashMap<>();
                List<SymbolicTensor> innerInputs = inner.inputs();
                for (int i = 0; i < args.length; i++) {
                    innerValues.put(innerInputs.get(i), args[i]);
                }
                int[] outs = inline(inner, innerValues);
                for (int i = 0; i < outs.length; i++) {
                    values.put(node.outputs().get(i), outs[i]);
                }
                continue;
            }
            values.put(node.outputs().get(0), shapes.size());
            ops.add(new Op(node.layer(), args, shapes.size()));
            shapes.add(node.outputs().get(0).shape());
        }
        List<SymbolicTensor> outs = model.outputs();
        int[] result = new int[outs.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(outs.get(i));
        }
        return result;
    }

    int values() {
        return shapes.size();
    }

    int size(int value) {
        return Shape.size(shapes.get(value));
    }

    /** The op that writes {@code value}, or -1 for an input. */
    int producer(int value) {
        return value - inputs;
    }
}
