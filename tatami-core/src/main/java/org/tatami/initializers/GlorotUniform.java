package org.tatami.initializers;

/**
 * Uniform in [-limit, limit] with limit = sqrt(6 / (fan_in + fan_out)): Keras's default for kernels.
 */
public final class GlorotUniform extends VarianceScaling {
    public GlorotUniform() {
        super("GlorotUniform", 1, "fan_avg", "uniform");
    }
}
