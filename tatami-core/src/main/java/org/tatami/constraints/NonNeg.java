package org.tatami.constraints;

import java.util.Map;

/** Sets negative weights to 0, as Keras's NonNeg. */
public final class NonNeg implements Constraint {
    @Override
    public void apply(float[] weights, int[] shape) {
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0) {
                weights[i] = 0f;
            }
        }
    }

    @Override
    public String className() {
        return "NonNeg";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }
}
