package org.tatami.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tatami.tensor.Shape;

/**
 * A layer that combines several inputs into one output, as Keras's merge layers: {@link Add},
 * {@link Subtract}, {@link Multiply}, {@link Average}, {@link Maximum}, {@link Minimum} and
 * {@link Concatenate}. It has no parameters and takes at least 2 inputs.
 *
 * <pre>{@code
 * SymbolicTensor y = new Add().apply(x, shortcut);
 * }</pre>
 */
public abstract class Merge extends Layer {
    Merge() {
    }

    /** The most inputs the layer takes; {@link Subtract} takes exactly 2. */
    int maxInputs() {
        return Integer.MAX_VALUE;
    }

    /** Checks the shapes of at least 2 inputs and returns the output shape. */
    abstract int[] mergedShape(int[][] shapes);

    @Override
    protected final int[] computeOutputShape(int[][] shapes) {
        if (shapes.length < 2 || shapes.length > maxInputs()) {
            throw new IllegalArgumentException(label() + " needs " + (maxInputs() == 2 ? "exactly" : "at least")
                    + " 2 inputs, got " + shapes.length);
        }
        return mergedShape(shapes);
    }

    @Override
    protected final int[] computeOutputShape(int[] inputShape) {
        return computeOutputShape(new int[][] {inputShape});
    }

    /** The layer as messages name it: {@code add (Add)}. */
    final String label() {
        return name() + " (" + className() + ")";
    }

    /** Shapes as messages list them: {@code (None, 4, 3), (None, 4, 3) and (None, 4, 1)}. */
    static String describe(int[]... shapes) {
        List<String> parts = new ArrayList<>();
        for (int[] s : shapes) {
            parts.add(Shape.withBatch(s));
        }
        int last = parts.size() - 1;
        return last == 0 ? parts.get(0) : String.join(", ", parts.subList(0, last)) + " and " + parts.get(last);
    }

    @Override
    public final void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        throw new IllegalStateException(label() + " runs on several inputs, not one");
    }

    @Override
    public final void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        throw new IllegalStateException(label() + " runs on several inputs, not one");
    }

    @Override
    public abstract void forward(float[][] xs, float[] y, int n, Object scratch, boolean training,
                                 SplittableRandom random);

    @Override
    public abstract void backward(float[][] xs, float[] y, float[] dy, float[][] dxs, int n, Object scratch,
                                  float[][] grads);
}
