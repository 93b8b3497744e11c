package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.tensor.Shape;

/**
 * Sets a fraction {@code rate} of inputs to zero while training and scales the rest by 1/(1-rate),
 * as Keras's Dropout; the identity at inference.
 */
public final class Dropout extends DropoutLayer {
    private int size;

    public Dropout(double rate) {
        super(rate);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Dropout fromConfig(Fields c) {
        Dropout dropout = new Dropout(readRate(c));
        c.expectNull("noise_shape", "tatami drops each value independently");
        return dropout;
    }

    @Override
    public String className() {
        return "Dropout";
    }

    @Override
    protected String baseName() {
        return "dropout";
    }

    @Override
    protected int[] computeOutputShape(int[] inputShape) {
        size = Shape.size(inputShape);
        return inputShape;
    }

    /** Scratch: the mask (0 or 1/(1-rate)) of the last batch. */
    @Override
    public Object createScratch(int maxBatch) {
        return new float[maxBatch * size];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int len = n * size;
        float[] mask = (float[]) scratch;
        if (!fillMask(mask, len, training, random)) {
            System.arraycopy(x, 0, y, 0, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            y[i] = x[i] * mask[i];
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        float[] mask = (float[]) scratch;
        for (int i = 0; i < n * size; i++) {
            dx[i] = dy[i] * mask[i];
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("noise_shape", null);
        return c;
    }
}
