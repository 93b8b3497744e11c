package org.tatami.initializers;

/**
 * Uniform in [-limit, limit] with limit = sqrt(3 / fan_in), as Keras's lecun_uniform.
 */
public final class LecunUniform extends VarianceScaling {
    public LecunUniform() {
        super("LecunUniform", 1, "fan_in", "uniform");
    }
}
