package org.tatami.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One application of a layer in a graph: the layer, the tensors it was applied to, and the tensors it
 * produced. A layer applied twice (a shared layer) has two nodes and one set of weights.
 */
public final class Node {
    private final Layer layer;
    private final List<SymbolicTensor> inputs;
    private final List<SymbolicTensor> outputs;

    Node(Layer layer, List<SymbolicTensor> inputs, List<int[]> outputShapes) {
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
        List<SymbolicTensor> outs = new ArrayList<>();
        for (int i = 0; i < outputShapes.size(); i++) {
            outs.add(new SymbolicTensor(outputShapes.get(i), this, i));
        }
        this.outputs = Collections.unmodifiableList(outs);
    }

    /**
     * A node of a layer whose output shapes are computed elsewhere (a model applied as a layer): its
     * outputs have these shapes.
     */
    public static Node of(Layer layer, List<SymbolicTensor> inputs, List<int[]> outputShapes) {
        return new Node(layer, inputs, outputShapes);
    }

    public Layer layer() {
        return layer;
    }

    /** The tensors the layer was applied to; none for an input. */
    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    public List<SymbolicTensor> outputs() {
        return outputs;
    }
}
