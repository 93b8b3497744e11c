package org.tatami.layers;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * The largest value of each channel over height and width, as Keras's GlobalMaxPooling2D: (h, w, c)
 * to (c), or to (1, 1, c) with {@code keepdims}. As TensorFlow's reduce_max, positions that tie for the
 * maximum share its gradient equally.
 */
public final class GlobalMaxPooling2D extends GlobalPooling2D {
    public GlobalMaxPooling2D() {
        this(false);
    }

    public GlobalMaxPooling2D(boolean keepdims) {
        super(keepdims);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static GlobalMaxPooling2D fromConfig(Fields c) {
        return new GlobalMaxPooling2D(readKeepdims(c));
    }

    @Override
    public String className() {
        return "GlobalMaxPooling2D";
    }

    @Override
    protected String baseName() {
        return "global_max_pooling2d";
    }

    /** Scratch: per channel, how many positions hold the maximum. */
    @Override
    public Object createScratch(int maxBatch) {
        return new float[channels];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        for (int b = 0; b < n; b++) {
            int xb = b * positions * channels;
            int yb = b * channels;
            System.arraycopy(x, xb, y, yb, channels);
            // Positions outer, channels inner: the reads run along memory.
            for (int p = 1; p < positions; p++) {
                int xp = xb + p * channels;
                for (int ch = 0; ch < channels; ch++) {
                    y[yb + ch] = Math.max(y[yb + ch], x[xp + ch]);
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        float[] ties = (float[]) scratch;
        for (int b = 0; b < n; b++) {
            int xb = b * positions * channels;
            int yb = b * channels;
            Arrays.fill(ties, 0f);
            for (int p = 0; p < positions; p++) {
                int xp = xb + p * channels;
                for (int ch = 0; ch < channels; ch++) {
                    ties[ch] += x[xp + ch] == y[yb + ch] ? 1f : 0f;
                }
            }
            for (int p = 0; p < positions; p++) {
                int xp = xb + p * channels;
                for (int ch = 0; ch < channels; ch++) {
                    dx[xp + ch] = x[xp + ch] == y[yb + ch] ? dy[yb + ch] / ties[ch] : 0f;
                }
            }
        }
    }
}
