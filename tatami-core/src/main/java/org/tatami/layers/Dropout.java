package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.tensor.Shape;

/**
 * Sets a fraction {@code rate} of inputs to zero while training and scales the rest by 1/(1-rate),
 * as Keras's Dropout; the identity at inference.
 */
public final class Dropout extends Layer {
    private final float rate;
    private int size;

    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = (float) rate;
    }

    public float rate() {
        return rate;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Dropout fromConfig(Fields c) {
        Dropout dropout = new Dropout(c.number("rate"));
        c.expectNull("noise_shape", "tatami drops each value independently");
        c.expectNull("seed", "tatami draws dropout masks from Tatami.setRandomSeed's stream");
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

    /** Scratch: the mask (0 or 1/(1-rate)) of the last training batch. */
    @Override
    public Object createScratch(int maxBatch) {
        return new float[maxBatch * size];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        int len = n * size;
        if (!training || rate == 0f) {
            System.arraycopy(x, 0, y, 0, len);
            if (scratch != null) {
                java.util.Arrays.fill((float[]) scratch, 0, len, 1f);
            }
            return;
        }
        float[] mask = (float[]) scratch;
        float keep = 1f / (1f - rate);
        for (int i = 0; i < len; i++) {
            mask[i] = random.nextFloat() < rate ? 0f : keep;
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
        // The float's shortest decimal, so that a rate of 0.15 is written as 0.15.
        c.put("rate", Double.parseDouble(Float.toString(rate)));
        c.put("seed", null);
        c.put("noise_shape", null);
        return c;
    }
}
