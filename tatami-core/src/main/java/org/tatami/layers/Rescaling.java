package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.tensor.Shape;

/**
 * Multiplies the input by {@code scale} and adds {@code offset}, as Keras's Rescaling:
 * {@code Rescaling(1 / 255.0)} maps pixels to [0, 1], {@code Rescaling(1 / 127.5, -1)} to [-1, 1].
 * Any input shape.
 */
public final class Rescaling extends ChainedLayer<Rescaling> {
    private final float scale;
    private final float offset;
    private int size;

    public Rescaling(double scale) {
        this(scale, 0);
    }

    public Rescaling(double scale, double offset) {
        if (!Float.isFinite((float) scale) || !Float.isFinite((float) offset)) {
            throw new IllegalArgumentException("Rescaling scale and offset must be finite as float32, got " + scale
                    + " and " + offset);
        }
        this.scale = (float) scale;
        this.offset = (float) offset;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static Rescaling fromConfig(Fields c) {
        if (c.has("scale") && c.take("scale").isJsonArray()) {
            throw c.unsupported("scale", "tatami's Rescaling takes one number, not one per channel");
        }
        return new Rescaling(c.number("scale"), c.number("offset", 0));
    }

    public float scale() {
        return scale;
    }

    public float offset() {
        return offset;
    }

    @Override
    public String className() {
        return "Rescaling";
    }

    @Override
    protected String baseName() {
        return "rescaling";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        size = Shape.size(in);
        return in;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        for (int i = 0; i < n * size; i++) {
            y[i] = x[i] * scale + offset;
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        for (int i = 0; i < n * size; i++) {
            dx[i] = dy[i] * scale;
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        // The floats' shortest decimals, so that 0.5 is written as 0.5.
        c.put("scale", Double.parseDouble(Float.toString(scale)));
        c.put("offset", Double.parseDouble(Float.toString(offset)));
        return c;
    }
}
