package org.tatami.layers;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tatami.config.Fields;

/**
 * Changes each image's contrast by a random factor while training, as Keras's RandomContrast: every
 * channel becomes {@code (x - mean) * f + mean} (mean over the image's pixels) with f drawn uniformly
 * from [1 - lower, 1 + upper], then is clipped to {@code value_range} (default [0, 255]). The identity
 * at inference. Linear in the input apart from the clipping, whose gradient is 0 where it clips.
 */
public final class RandomContrast extends RandomImageLayer<RandomContrast> {
    private final double lower;
    private final double upper;
    private final Object factorConfig;
    private float low = 0f;
    private float high = 255f;

    /** Factors in [1 - factor, 1 + factor], factor in [0, 1]. */
    public RandomContrast(double factor) {
        this(factor, factor, factor);
    }

    /** Factors in [1 - lower, 1 + upper], each in [0, 1]. */
    public RandomContrast(double lower, double upper) {
        this(lower, upper, List.of(lower, upper));
    }

    private RandomContrast(double lower, double upper, Object factorConfig) {
        if (!(lower >= 0 && lower <= 1 && upper >= 0 && upper <= 1)) {
            throw new IllegalArgumentException("RandomContrast factor must be a number or a pair of numbers in [0, 1],"
                    + " got " + factorConfig);
        }
        this.lower = lower;
        this.upper = upper;
        this.factorConfig = factorConfig;
    }

    /** The range the images' values lie in, which the output is clipped to: (0, 255) by default. */
    public RandomContrast valueRange(double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("RandomContrast value_range must be (low, high) with low < high, got ("
                    + min + ", " + max + ")");
        }
        this.low = (float) min;
        this.high = (float) max;
        return this;
    }

    /** The layer a Keras config describes, as Keras's {@code from_config}; {@link LayerRegistry} reads the options every layer has. */
    public static RandomContrast fromConfig(Fields c) {
        double[] factor = numbers(c, "factor", null);
        RandomContrast layer = factor.length == 1 ? new RandomContrast(factor[0]) : new RandomContrast(factor[0],
                factor[1]);
        double[] range = numbers(c, "value_range", new double[] {0, 255});
        if (range.length != 2) {
            throw c.invalid("value_range", "a list of two numbers");
        }
        return layer.valueRange(range[0], range[1]).readSeed(c);
    }

    /** A number (one value) or a list of two. */
    private static double[] numbers(Fields c, String key, double[] absent) {
        if (absent != null && c.isNull(key)) {
            c.take(key);
            return absent;
        }
        JsonElement e = c.take(key);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return new double[] {e.getAsDouble()};
        }
        if (e != null && e.isJsonArray() && e.getAsJsonArray().size() == 2) {
            JsonArray a = e.getAsJsonArray();
            if (a.get(0).isJsonPrimitive() && a.get(0).getAsJsonPrimitive().isNumber() && a.get(1).isJsonPrimitive()
                    && a.get(1).getAsJsonPrimitive().isNumber()) {
                return new double[] {a.get(0).getAsDouble(), a.get(1).getAsDouble()};
            }
        }
        throw c.invalid(key, "a number or a list of two numbers");
    }

    @Override
    public String className() {
        return "RandomContrast";
    }

    @Override
    protected String baseName() {
        return "random_contrast";
    }

    /** Scratch: each sample's factor and channel means in the last batch, and whether they were drawn. */
    private static final class Contrast {
        final float[] factors;
        final float[] means;
        boolean drawn;

        Contrast(int maxBatch, int channels) {
            factors = new float[maxBatch];
            means = new float[maxBatch * channels];
        }
    }

    @Override
    public Object createScratch(int maxBatch) {
        return new Contrast(maxBatch, channels);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Object scratch, boolean training, SplittableRandom random) {
        Contrast s = (Contrast) scratch;
        s.drawn = training;
        if (!training) {
            identity(x, y, n);
            return;
        }
        long key = drawKey(random);
        int positions = height * width;
        for (int b = 0; b < n; b++) {
            float f = (float) (1 - lower + uniform(key, b, 0) * (upper + lower));
            s.factors[b] = f;
            int base = b * inputSize();
            for (int ch = 0; ch < channels; ch++) {
                double sum = 0;
                for (int p = 0, i = base + ch; p < positions; p++, i += channels) {
                    sum += x[i];
                }
                float mean = (float) (sum / positions);
                s.means[b * channels + ch] = mean;
                for (int p = 0, i = base + ch; p < positions; p++, i += channels) {
                    y[i] = Math.min(Math.max((x[i] - mean) * f + mean, low), high);
                }
            }
        }
    }

    /**
     * dx = f g + (1 - f) / (h w) * sum(g) per channel, where g is dy with the clipped outputs' entries
     * set to 0: the mean moves every output of its channel.
     */
    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Object scratch, float[][] grads) {
        if (dx == null) {
            return;
        }
        Contrast s = (Contrast) scratch;
        if (!s.drawn) {
            identity(dy, dx, n);
            return;
        }
        int positions = height * width;
        for (int b = 0; b < n; b++) {
            float f = s.factors[b];
            int base = b * inputSize();
            for (int ch = 0; ch < channels; ch++) {
                float mean = s.means[b * channels + ch];
                double sum = 0;
                for (int p = 0, i = base + ch; p < positions; p++, i += channels) {
                    float g = inRange((x[i] - mean) * f + mean) ? dy[i] : 0f;
                    dx[i] = f * g;
                    sum += g;
                }
                float shared = (float) ((1 - f) * sum / positions);
                for (int p = 0, i = base + ch; p < positions; p++, i += channels) {
                    dx[i] += shared;
                }
            }
        }
    }

    /** Whether a value before clipping passes unchanged (its gradient flows). */
    private boolean inRange(float v) {
        return v >= low && v <= high;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("factor", factorConfig);
        c.put("value_range", List.of(Double.parseDouble(Float.toString(low)), Double.parseDouble(Float.toString(high))));
        putSeed(c);
        return c;
    }
}
