package org.tatami.layers;

import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;
import org.tatami.config.KerasValues;

/**
 * Flips each image with probability 1/2 while training, as Keras 3's RandomFlip: left-right
 * ({@code "horizontal"}), top-bottom ({@code "vertical"}), or, with the default
 * {@code "horizontal_and_vertical"}, both at once on one draw (Keras 3 flips both axes or neither).
 * The identity at inference. A flip only moves values, so its gradient is the same flip.
 */
public final class RandomFlip extends RandomImageLayer<RandomFlip> {
    private final boolean horizontal;
    private final boolean vertical;

    /** Keras's default mode, {@code "horizontal_and_vertical"}. */
    public RandomFlip() {
        this("horizontal_and_vertical");
    }

    /** {@code "horizontal"}, {@code "vertical"} or {@code "horizontal_and_vertical"}. */
    public RandomFlip(String mode) {
        switch (mode) {
            case "horizontal" -> {
                horizontal = true;
                vertical = false;
            }
            case "vertical" -> {
                horizontal = false;
                vertical = true;
            }
            case "horizontal_and_vertical" -> {
                horizontal = true;
                vertical = true;
            }
            default -> throw new IllegalArgumentException("RandomFlip mode must be horizontal, vertical or"
                    + " horizontal_and_vertical, got '" + mode + "'");
        }
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static RandomFlip fromConfig(Fields c) {
        RandomFlip flip = new RandomFlip(c.string("mode", "horizontal_and_vertical"));
        KerasValues.requireChannelsLast(c);
        return flip.readSeed(c);
    }

    public String mode() {
        return horizontal && vertical ? "horizontal_and_vertical" : horizontal ? "horizontal" : "vertical";
    }

    @Override
    public String className() {
        return "RandomFlip";
    }

    @Override
    protected String baseName() {
        return "random_flip";
    }

    /** Scratch: whether each sample of the last batch was flipped. */
    @Override
    public Object createScratch(int maxBatch) {
        return new boolean[maxBatch];
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        boolean[] flipped = (boolean[]) scratch;
        long key = training ? drawKey(random) : 0;
        for (int b = 0; b < n; b++) {
            flipped[b] = training && uniform(key, b, 0) <= 0.5;
        }
        flip(x, y, n, flipped);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx != null) {
            flip(dy, dx, n, (boolean[]) scratch);
        }
    }

    /** out = in, with the flipped samples' rows and/or columns reversed (its own inverse). */
    private void flip(float[] in, float[] out, int n, boolean[] flipped) {
        int row = width * channels;
        for (int b = 0; b < n; b++) {
            int base = b * height * row;
            if (!flipped[b]) {
                System.arraycopy(in, base, out, base, height * row);
                continue;
            }
            for (int r = 0; r < height; r++) {
                int from = base + (vertical ? height - 1 - r : r) * row;
                int to = base + r * row;
                if (!horizontal) {
                    System.arraycopy(in, from, out, to, row);
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    int src = from + (width - 1 - k) * channels;
                    int dst = to + k * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        out[dst + ch] = in[src + ch];
                    }
                }
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        putSeed(c);
        c.put("mode", mode());
        c.put("data_format", "channels_last");
        return c;
    }
}
