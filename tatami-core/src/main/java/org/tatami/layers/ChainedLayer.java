package org.tatami.layers;

/**
 * A layer whose setters return its own type, so that Keras-style settings chain in any order:
 * {@code new Dense(10).inputShape(784).activation("relu")}.
 *
 * @param <T> the concrete layer class
 */
public abstract class ChainedLayer<T extends ChainedLayer<T>> extends Layer {
    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    @Override
    public T inputShape(int... shape) {
        super.inputShape(shape);
        return self();
    }

    @Override
    public T name(String newName) {
        super.name(newName);
        return self();
    }
}
