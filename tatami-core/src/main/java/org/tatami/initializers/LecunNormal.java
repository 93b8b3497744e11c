package org.tatami.initializers;

/**
 * Normal with standard deviation sqrt(1 / fan_in), truncated at two standard deviations, as Keras's
 * lecun_normal (for selu).
 */
public final class LecunNormal extends VarianceScaling {
    public LecunNormal() {
        super("LecunNormal", 1, "fan_in", "truncated_normal");
    }
}
