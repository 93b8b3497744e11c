package org.tatami.optimizers;

import java.util.Map;

/**
 * Adam, as Keras computes it: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code p -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon)}; defaults lr 0.001, b1 0.9,
 * b2 0.999, epsilon 1e-7.
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;

    public Adam() {
        this(0.001f);
    }

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super((float) learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adam needs 0 <= beta_1, beta_2 < 1 and epsilon >= 0, got beta_1="
                    + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon);
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
    }

    @Override
    protected float[][] newSlots(int size) {
        return new float[][] {new float[size], new float[size]};
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, long step) {
        float[] m = state[0];
        float[] v = state[1];
        double b1t = Math.pow(beta1, step);
        double b2t = Math.pow(beta2, step);
        float alpha = (float) (learningRate() * Math.sqrt(1 - b2t) / (1 - b1t));
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            m[i] += (gi - m[i]) * c1;
            v[i] += (gi * gi - v[i]) * c2;
            p[i] -= m[i] * alpha / ((float) Math.sqrt(v[i]) + epsilon);
        }
    }

    @Override
    public String className() {
        return "Adam";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("beta_1", decimal(beta1));
        c.put("beta_2", decimal(beta2));
        c.put("epsilon", decimal(epsilon));
        c.put("amsgrad", false);
        return c;
    }
}
