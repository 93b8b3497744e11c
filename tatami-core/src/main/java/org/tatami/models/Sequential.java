package org.tatami.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.tatami.Tatami;
import org.tatami.layers.Layer;
import org.tatami.layers.Names;

/**
 * A plain stack of layers, each feeding the next, as Keras's {@code Sequential}. It is built as soon
 * as the input shape is known: from the first layer's {@code inputShape(...)}, from {@link #build},
 * or from the data given to {@code fit}/{@code predict}.
 */
public final class Sequential extends Model {
    private final List<Layer> layers = new ArrayList<>();
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
        for (Layer l : layers) {
            if (l == layer) {
                throw new IllegalArgumentException("layer " + layer.name() + " is already in model '" + name() + "'");
            }
            if (l.name().equals(layer.name())) {
                throw new IllegalArgumentException("model '" + name() + "' already has a layer named '"
                        + layer.name() + "': layer names must be unique");
            }
        }
        if (layers.isEmpty() && layer.declaredInputShape() != null) {
            inputShape = layer.declaredInputShape();
        } else if (!layers.isEmpty() && layer.declaredInputShape() != null) {
            throw new IllegalArgumentException(layer.name() + ": only the first layer of a Sequential model takes an"
                    + " input shape");
        }
        layers.add(layer);
        invalidate();
        if (inputShape != null) {
            buildChain(Tatami.newRandom());
        }
        return this;
    }

    @Override
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public int[] inputShape() {
        requireBuilt();
        return inputShape.clone();
    }

    @Override
    public void build(int... shape) {
        if (inputShape != null && isBuilt()) {
            if (!java.util.Arrays.equals(inputShape, shape)) {
                throw new IllegalArgumentException("model '" + name() + "' was built for input "
                        + org.tatami.tensor.Shape.withBatch(inputShape) + ", got "
                        + org.tatami.tensor.Shape.withBatch(shape));
            }
            return;
        }
        inputShape = shape.clone();
        buildChain(Tatami.newRandom());
    }

    private void buildChain(SplittableRandom random) {
        int[] shape = inputShape;
        for (Layer l : layers) {
            l.build(shape, random);
            shape = l.outputShape();
        }
    }
}
