package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.tensor.Shape;

/** Flattens each sample to one axis in row-major (NHWC) order, as Keras's Flatten. */
public final class Flatten extends Layer {
    private int size;

    @Override
    public String className() {
        return "Flatten";
    }

    @Override
    protected String baseName() {
        return "flatten";
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        size = Shape.size(inputShape);
        return new int[] {size};
    }

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
        c.put("data_format", "channels_last");
        return c;
    }
}
