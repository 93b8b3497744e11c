package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;
import org.tatami.tensor.Shape;

/**
 * The mean of each channel over height and width, as Keras's GlobalAveragePooling2D: (h, w, c) to
 * (c), or to (1, 1, c) with {@code keepdims}.
 */
public final class GlobalAveragePooling2D extends Layer {
    private final boolean keepdims;
    private int positions;
    private int channels;

    public GlobalAveragePooling2D() {
        this(false);
    }

    public GlobalAveragePooling2D(boolean keepdims) {
        this.keepdims = keepdims;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static GlobalAveragePooling2D fromConfig(Fields c) {
        KerasValues.requireChannelsLast(c);
        return new GlobalAveragePooling2D(c.bool("keepdims", false));
    }

    @Override
    public String className() {
        return "GlobalAveragePooling2D";
    }

    @Override
    protected String baseName() {
        return "global_average_pooling2d";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(name() + " (GlobalAveragePooling2D) expects input of shape (height,"
                    + " width, channels), got " + Shape.withBatch(in));
        }
        positions = in[0] * in[1];
        channels = in[2];
        return keepdims ? new int[] {1, 1, channels} : new int[] {channels};
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        for (int b = 0; b < n; b++) {
            int xb = b * positions * channels;
            for (int ch = 0; ch < channels; ch++) {
                float sum = 0f;
                for (int p = 0; p < positions; p++) {
                    sum += x[xb + p * channels + ch];
                }
                y[b * channels + ch] = sum / positions;
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        for (int b = 0; b < n; b++) {
            int xb = b * positions * channels;
            for (int p = 0; p < positions; p++) {
                for (int ch = 0; ch < channels; ch++) {
                    dx[xb + p * channels + ch] = dy[b * channels + ch] / positions;
                }
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("data_format", "channels_last");
        c.put("keepdims", keepdims);
        return c;
    }
}
