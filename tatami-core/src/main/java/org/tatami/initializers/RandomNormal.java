package org.tatami.initializers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Normal values of a mean and standard deviation, as Keras's RandomNormal (by default mean 0, stddev
 * 0.05), or, truncated, Keras's TruncatedNormal: values beyond two standard deviations from the mean
 * are drawn again.
 */
public class RandomNormal implements Initializer {
    private final float mean;
    private final float stddev;
    private final boolean truncated;

    public RandomNormal() {
        this(0, 0.05);
    }

    public RandomNormal(double mean, double stddev) {
        this(mean, stddev, false);
    }

    RandomNormal(double mean, double stddev, boolean truncated) {
        if (!Double.isFinite(mean) || !(stddev >= 0) || Double.isInfinite(stddev)) {
            throw new IllegalArgumentException((truncated ? "TruncatedNormal" : "RandomNormal") + " needs a finite"
                    + " mean and a standard deviation >= 0, got " + mean + ", " + stddev);
        }
        this.mean = (float) mean;
        this.stddev = (float) stddev;
        this.truncated = truncated;
    }

    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        if (truncated) {
            Gaussian.fillTruncated(data, mean, stddev, random);
        } else {
            Gaussian.fill(data, mean, stddev, random);
        }
    }

    @Override
    public String className() {
        return "RandomNormal";
    }

    /** Keras's config, whose seed is null: tatami draws from {@code Tatami.newRandom()} instead. */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        // The floats' shortest decimals, so that 0.05 is written as 0.05.
        c.put("mean", Double.parseDouble(Float.toString(mean)));
        c.put("stddev", Double.parseDouble(Float.toString(stddev)));
        c.put("seed", null);
        return c;
    }
}
