package org.tatami.initializers;

/**
 * Uniform in [-limit, limit] with limit = sqrt(6 / fan_in), as Keras's he_uniform.
 */
public final class HeUniform extends VarianceScaling {
    public HeUniform() {
        super("HeUniform", 2, "fan_in", "uniform");
    }
}
