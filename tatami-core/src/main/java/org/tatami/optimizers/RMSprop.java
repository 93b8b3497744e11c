package org.tatami.optimizers;

import java.util.Map;

/**
 * RMSprop as Keras 3 computes it: {@code v = rho v + (1-rho) g^2}, {@code p -= lr g / sqrt(v + epsilon)};
 * defaults lr 0.001, rho 0.9, epsilon 1e-7.
 */
public final class RMSprop extends Optimizer {
    private final float rho;
    private final float epsilon;

    public RMSprop() {
        this(0.001);
    }

    public RMSprop(double learningRate) {
        this(learningRate, 0.9, 1e-7);
    }

    public RMSprop(double learningRate, double rho, double epsilon) {
        super((float) learningRate);
        if (!(rho >= 0 && rho < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("RMSprop needs 0 <= rho < 1 and epsilon >= 0, got rho=" + rho
                    + ", epsilon=" + epsilon);
        }
        this.rho = (float) rho;
        this.epsilon = (float) epsilon;
    }

    @Override
    protected float[][] newSlots(int size) {
        return new float[][] {new float[size]};
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, long step) {
        float[] v = state[0];
        float lr = learningRate();
        for (int i = 0; i < p.length; i++) {
            v[i] = rho * v[i] + (1f - rho) * g[i] * g[i];
            p[i] -= lr * g[i] / (float) Math.sqrt(v[i] + epsilon);
        }
    }

    @Override
    public String className() {
        return "RMSprop";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("rho", decimal(rho));
        c.put("epsilon", decimal(epsilon));
        return c;
    }
}
