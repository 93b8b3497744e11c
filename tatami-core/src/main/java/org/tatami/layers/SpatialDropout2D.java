package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * Drops whole channels of each sample while training, as Keras's SpatialDropout2D: neighbouring pixels
 * are strongly correlated, so dropping single values would hardly regularize a convolution. Kept
 * channels are scaled by 1/(1-rate); the identity at inference.
 */
public final class SpatialDropout2D extends DropoutLayer {
    private int positions;
    private int channels;

    public SpatialDropout2D(double rate) {
        super(rate);
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static SpatialDropout2D fromConfig(Fields c) {
        SpatialDropout2D dropout = new SpatialDropout2D(readRate(c));
        KerasValues.requireChannelsLast(c);
        // tf.keras 2 writes Dropout's noise_shape too.
        c.expectNull("noise_shape", "SpatialDropout2D drops whole channels");
        return dropout;
    }

    @Override
    public String className() {
        return "SpatialDropout2D";
    }

    @Override
    protected String baseName() {
        return "spatial_dropout2d";
    }

    @Override
    protected int[] computeOutputShape(int[] in) {
        requireRank(in, "height, width, channels");
        positions = in[0] * in[1];
        channels = in[2];
        return in;
    }

    /** Scratch: the mask (0 or 1/(1-rate)) of each sample's channels in the last batch. */
    @Override
    public Object createScratch(int maxBatch) {
        return new float[maxBatch * channels];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        float[] mask = (float[]) scratch;
        if (!fillMask(mask, n * channels, training, random)) {
            System.arraycopy(x, 0, y, 0, n * positions * channels);
            return;
        }
        scale(x, y, mask, n);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx != null) {
            scale(dy, dx, (float[]) scratch, n);
        }
    }

    /** out = in times each sample's channel mask. */
    private void scale(float[] in, float[] out, float[] mask, int n) {
        for (int b = 0; b < n; b++) {
            int m = b * channels;
            for (int p = 0, i = b * positions * channels; p < positions; p++, i += channels) {
                for (int ch = 0; ch < channels; ch++) {
                    out[i + ch] = in[i + ch] * mask[m + ch];
                }
            }
        }
    }

    /** Keras's SpatialDropout2D takes no {@code trainable} or {@code noise_shape} argument: its config has neither. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.remove("trainable");
        c.put("data_format", "channels_last");
        return c;
    }
}
