package org.tatami.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.layers.Input;
import org.tatami.layers.Layer;
import org.tatami.layers.Names;
import org.tatami.layers.SymbolicTensor;
import org.tatami.tensor.Shape;

/**
 * A plain stack of layers, each feeding the next, as Keras's {@code Sequential}: a model whose graph
 * is a chain. It is built as soon as the input shape is known: from the first layer's
 * {@code inputShape(...)}, from {@link #build}, or from the data given to {@code fit}/{@code predict}.
 */
public final class Sequential extends Model {
    private final List<Layer> stack = new ArrayList<>();
    private int[] inputShape;

    public Sequential(Layer... layers) {
        this(Names.unique("sequential"), layers);
    }

    public Sequential(String name, Layer... layers) {
        super(name);
        for (Layer l : layers) {
            add(l);
        }
    }

    /** Appends a layer; builds it right away when the model's input shape is already known. */
    public Sequential add(Layer layer) {
        for (Layer l : stack) {
            if (l == layer) {
                throw new IllegalArgumentException("layer " + layer.name() + " is already in model '" + name() + "'");
            }
            if (l.name().equals(layer.name())) {
                throw new IllegalArgumentException("model '" + name() + "' already has a layer named '"
                        + layer.name() + "': layer names must be unique");
            }
        }
        if (stack.isEmpty() && layer.declaredInputShape() != null) {
            inputShape = layer.declaredInputShape();
        } else if (!stack.isEmpty() && layer.declaredInputShape() != null) {
            throw new IllegalArgumentException(layer.name() + ": only the first layer of a Sequential model takes an"
                    + " input shape");
        }
        stack.add(layer);
        invalidate();
        if (inputShape != null) {
            buildChain(Tatami.newRandom());
        }
        return this;
    }

    /** The layers, without the InputLayer, as Keras's {@code Sequential.layers}. */
    @Override
    public List<Layer> layers() {
        return Collections.unmodifiableList(stack);
    }

    @Override
    public String className() {
        return "Sequential";
    }

    @Override
    protected String baseName() {
        return "sequential";
    }

    @Override
    public boolean isBuilt() {
        return inputShape != null && !stack.isEmpty() && super.isBuilt();
    }

    @Override
    public void build(int[][] shapes, SplittableRandom random) {
        if (shapes.length != 1) {
            throw new IllegalArgumentException("model '" + name() + "' (Sequential) takes 1 input, got " + shapes.length);
        }
        if (inputShape != null && isBuilt()) {
            if (!Arrays.equals(inputShape, shapes[0])) {
                throw new IllegalArgumentException("model '" + name() + "' was built for input "
                        + Shape.withBatch(inputShape) + ", got " + Shape.withBatch(shapes[0]));
            }
            return;
        }
        if (stack.isEmpty()) {
            throw new IllegalStateException("model '" + name() + "' has no layers");
        }
        inputShape = shapes[0].clone();
        buildChain(random == null ? Tatami.newRandom() : random);
    }

    /** Builds the layers one after the other and makes the chain the model's graph. */
    private void buildChain(SplittableRandom random) {
        SymbolicTensor in = Input.of(stack.get(0).name() + "_input", inputShape);
        SymbolicTensor x = in;
        for (Layer l : stack) {
            if (!l.isBuilt()) {
                if (l instanceof Model) {
                    l.build(new int[][] {x.shape()}, random);
                } else {
                    l.build(x.shape(), random);
                }
            }
            x = l.apply(x);
        }
        setGraph(List.of(in), List.of(x));
    }
}
