package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.activations.ActivationFunction;
import org.tatami.tensor.Shape;

/** Applies an activation function on its own, as Keras's {@code Activation("relu")}. */
public final class Activation extends Layer {
    private final ActivationFunction function;
    private int size;

    public Activation(String name) {
        this(ActivationFunction.of(name));
    }

    public Activation(ActivationFunction function) {
        this.function = function;
    }

    @Override
    public String className() {
        return "Activation";
    }

    @Override
    protected String baseName() {
        return "activation";
    }

    @Override
    public ActivationFunction activation() {
        return function;
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        size = Shape.size(inputShape);
        return inputShape;
    }

    // The engine applies the function; the layer itself is the identity.
    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        System.arraycopy(x, 0, y, 0, n * size);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx != null) {
            System.arraycopy(dy, 0, dx, 0, n * size);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("activation", function.kerasName());
        return c;
    }
}
