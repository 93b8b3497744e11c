package org.tatami.layers;

/**
 * Keras's {@code keras.Input(shape)}: the start of a Functional model.
 *
 * <pre>{@code
 * SymbolicTensor inputs = Input.of(28, 28, 1);
 * SymbolicTensor x = new Conv2D(32, 3).activation("relu").apply(inputs);
 * }</pre>
 */
public final class Input {
    private Input() {
    }

    /** An input of samples of this shape (no batch axis). */
    public static SymbolicTensor of(int... shape) {
        return new InputLayer(checked(shape)).output();
    }

    /** A named input: the name is the key of this input in {@code fit}'s and {@code predict}'s maps. */
    public static SymbolicTensor of(String name, int... shape) {
        InputLayer layer = new InputLayer(checked(shape));
        layer.name(name);
        return layer.output();
    }

    private static int[] checked(int[] shape) {
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("Input shape dimensions must be positive, got "
                        + org.tatami.tensor.Shape.withBatch(shape));
            }
        }
        return shape;
    }
}
