package org.tatami.layers;

import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * The mean of each channel over height and width, as Keras's GlobalAveragePooling2D: (h, w, c) to
 * (c), or to (1, 1, c) with {@code keepdims}.
 */
public final class GlobalAveragePooling2D extends GlobalPooling2D {
    public GlobalAveragePooling2D() {
        this(false);
    }

    public GlobalAveragePooling2D(boolean keepdims) {
        super(keepdims);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static GlobalAveragePooling2D fromConfig(Fields c) {
        return new GlobalAveragePooling2D(readKeepdims(c));
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
}
