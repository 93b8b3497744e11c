package org.tatami.initializers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Keras's VarianceScaling: values of variance {@code scale / n}, where n is the kernel's fan-in, its
 * fan-out or their mean ({@code mode}), drawn from a normal truncated at two standard deviations
 * (rescaled by 0.8796 so that the variance holds), an untruncated normal, or a uniform distribution.
 * Glorot, He and LeCun's initializers are its presets.
 */
public class VarianceScaling implements Initializer {
    // The standard deviation of a unit normal truncated to [-2, 2]: Keras divides by it.
    private static final double TRUNCATION_CORRECTION = 0.87962566103423978;

    private final String preset;
    private final double scale;
    private final String mode;
    private final String distribution;

    /**
     * @param mode         fan_in, fan_out or fan_avg
     * @param distribution truncated_normal, untruncated_normal (or normal) or uniform
     */
    public VarianceScaling(double scale, String mode, String distribution) {
        this(null, scale, mode, distribution);
    }

    /** A preset of Keras's, serialized under its own class name with only a seed in its config. */
    protected VarianceScaling(String preset, double scale, String mode, String distribution) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("VarianceScaling scale must be a positive number, got " + scale);
        }
        if (!mode.equals("fan_in") && !mode.equals("fan_out") && !mode.equals("fan_avg")) {
            throw new IllegalArgumentException("VarianceScaling mode must be fan_in, fan_out or fan_avg, got '" + mode
                    + "'");
        }
        String d = distribution.toLowerCase(Locale.ROOT);
        if (d.equals("normal")) {
            d = "untruncated_normal";
        }
        if (!d.equals("truncated_normal") && !d.equals("untruncated_normal") && !d.equals("uniform")) {
            throw new IllegalArgumentException("VarianceScaling distribution must be truncated_normal,"
                    + " untruncated_normal or uniform, got '" + distribution + "'");
        }
        this.preset = preset;
        this.scale = scale;
        this.mode = mode;
        this.distribution = d;
    }

    @Override
    public void fill(float[] data, int[] shape, SplittableRandom random) {
        int[] fans = Initializer.fans(shape);
        double n = switch (mode) {
            case "fan_in" -> fans[0];
            case "fan_out" -> fans[1];
            default -> (fans[0] + fans[1]) / 2.0;
        };
        n = Math.max(1, n);
        switch (distribution) {
            case "uniform" -> {
                // sqrt(3 scale / n) with one rounding before the root: glorot_uniform's sqrt(6 / (fan_in + fan_out)).
                double limit = Math.sqrt(3 * scale / n);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
                }
            }
            case "truncated_normal" -> Gaussian.fillTruncated(data, 0, Math.sqrt(scale / n) / TRUNCATION_CORRECTION, random);
            default -> Gaussian.fill(data, 0, Math.sqrt(scale / n), random);
        }
    }

    @Override
    public String className() {
        return preset != null ? preset : "VarianceScaling";
    }

    /** Keras's config, whose seed is null: tatami draws from {@code Tatami.newRandom()} instead. */
    @Override
    public Map<String, Object> config() {
        if (preset != null) {
            return Collections.singletonMap("seed", null);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("scale", scale);
        c.put("mode", mode);
        c.put("distribution", distribution);
        c.put("seed", null);
        return c;
    }
}
