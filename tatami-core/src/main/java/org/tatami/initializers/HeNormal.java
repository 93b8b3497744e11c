package org.tatami.initializers;

/**
 * Normal with standard deviation sqrt(2 / fan_in), truncated at two standard deviations, as Keras's he_normal.
 */
public final class HeNormal extends VarianceScaling {
    public HeNormal() {
        super("HeNormal", 2, "fan_in", "truncated_normal");
    }
}
