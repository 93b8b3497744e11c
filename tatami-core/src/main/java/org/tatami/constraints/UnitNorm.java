package org.tatami.constraints;

/** Scales each slice to an L2 norm of 1, as Keras's UnitNorm (default axis 0): {@code w / (1e-7 + norm)}. */
public final class UnitNorm extends NormConstraint {
    public UnitNorm(int... axis) {
        super(axis.length == 0 ? new int[] {0} : axis);
    }

    @Override
    float project(float weight, float norm) {
        return weight / (EPSILON + norm);
    }

    @Override
    public String className() {
        return "UnitNorm";
    }
}
