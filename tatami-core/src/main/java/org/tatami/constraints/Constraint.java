package org.tatami.constraints;

import java.util.Map;

/**
 * A projection applied to a weight tensor after every optimizer step, as Keras's
 * {@code kernel_constraint} and {@code bias_constraint}.
 */
public interface Constraint {
    /** Projects the weights, of Keras shape {@code shape}, in place. */
    void apply(float[] weights, int[] shape);

    /** Keras's class name: {@code MaxNorm}, {@code NonNeg} or {@code UnitNorm}. */
    String className();

    /** Keras's config, e.g. {@code {"max_value": 2, "axis": 0}}. */
    Map<String, Object> config();

    /** Keras's names with their default settings: max_norm, non_neg, unit_norm (and maxnorm, nonneg, unitnorm, the class names). */
    static Constraint of(String name) {
        return switch (name) {
            case "max_norm", "maxnorm", "MaxNorm" -> new MaxNorm();
            case "non_neg", "nonneg", "NonNeg" -> new NonNeg();
            case "unit_norm", "unitnorm", "UnitNorm" -> new UnitNorm();
            default -> throw new IllegalArgumentException("unknown constraint '" + name + "': expected max_norm, non_neg"
                    + " or unit_norm");
        };
    }
}
