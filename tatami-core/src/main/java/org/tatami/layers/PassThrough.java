package org.tatami.layers;

import java.util.SplittableRandom;
import org.tatami.tensor.Shape;

/**
 * A layer whose values pass through unchanged (Flatten, Reshape, Activation, whose function the
 * engine applies): NHWC row-major data already has the order the new shape reads.
 */
abstract class PassThrough extends Layer {
    /** Values per sample, known once built. */
    private int size = -1;

    private int size() {
        if (size < 0) {
            size = Shape.size(outputShape());
        }
        return size;
    }

    @Override
    public final void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        System.arraycopy(x, 0, y, 0, n * size());
    }

    @Override
    public final void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx != null) {
            System.arraycopy(dy, 0, dx, 0, n * size());
        }
    }
}
