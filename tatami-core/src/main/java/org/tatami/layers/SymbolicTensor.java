package org.tatami.layers;

import org.tatami.tensor.Shape;

/**
 * A tensor of the Functional API, as Keras's {@code KerasTensor}: it holds no values, only the shape of
 * a sample (no batch axis) and the node that produces it. {@link Input#of} makes one; applying a layer
 * to some makes more; {@code new Model(inputs, outputs)} turns the graph between them into a model.
 */
public final class SymbolicTensor {
    private final int[] shape;
    private final Node node;
    private final int index;

    SymbolicTensor(int[] shape, Node node, int index) {
        this.shape = shape.clone();
        this.node = node;
        this.index = index;
    }

    /** The shape of one sample, without the batch axis. */
    public int[] shape() {
        return shape.clone();
    }

    /** The node that produces this tensor. */
    public Node node() {
        return node;
    }

    /** Which of the node's outputs this is. */
    public int index() {
        return index;
    }

    /** The layer that produces this tensor. */
    public Layer layer() {
        return node.layer();
    }

    @Override
    public String toString() {
        return "<SymbolicTensor shape=" + Shape.withBatch(shape) + ", from " + node.layer().name() + ">";
    }
}
