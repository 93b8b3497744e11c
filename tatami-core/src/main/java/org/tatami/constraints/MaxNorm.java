package org.tatami.constraints;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scales each slice whose L2 norm exceeds {@code max_value} back to it, as Keras's MaxNorm (default
 * max_value 2, axis 0): {@code w * min(norm, max_value) / (1e-7 + norm)}.
 */
public final class MaxNorm extends NormConstraint {
    private final float maxValue;

    public MaxNorm() {
        this(2, 0);
    }

    public MaxNorm(double maxValue, int... axis) {
        super(axis.length == 0 ? new int[] {0} : axis);
        if (!(maxValue >= 0) || Double.isInfinite(maxValue)) {
            throw new IllegalArgumentException("MaxNorm max_value must be finite and >= 0, got " + maxValue);
        }
        this.maxValue = (float) maxValue;
    }

    @Override
    float project(float weight, float norm) {
        return weight * (Math.min(norm, maxValue) / (EPSILON + norm));
    }

    @Override
    public String className() {
        return "MaxNorm";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("max_value", Double.parseDouble(Float.toString(maxValue)));
        c.putAll(super.config());
        return c;
    }
}
