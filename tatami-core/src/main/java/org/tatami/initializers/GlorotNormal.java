package org.tatami.initializers;

/**
 * Normal with standard deviation sqrt(2 / (fan_in + fan_out)), truncated at two standard deviations, as
 * Keras's glorot_normal.
 */
public final class GlorotNormal extends VarianceScaling {
    public GlorotNormal() {
        super("GlorotNormal", 1, "fan_avg", "truncated_normal");
    }
}
