package org.tatami.optimizers;

import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, as Keras:
 * {@code v = momentum v - lr g}; {@code p += v}, or {@code p += momentum v - lr g} with Nesterov.
 */
public final class SGD extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    public SGD() {
        this(0.01);
    }

    public SGD(double learningRate) {
        this(learningRate, 0, false);
    }

    public SGD(double learningRate, double momentum, boolean nesterov) {
        super((float) learningRate);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1], got " + momentum);
        }
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected float[][] newSlots(int size) {
        return new float[][] {new float[size]};
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, long step) {
        float lr = learningRate();
        if (momentum == 0f) {
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * g[i];
            }
            return;
        }
        float[] v = state[0];
        for (int i = 0; i < p.length; i++) {
            v[i] = momentum * v[i] - lr * g[i];
            p[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
        }
    }

    @Override
    public String className() {
        return "SGD";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("momentum", decimal(momentum));
        c.put("nesterov", nesterov);
        return c;
    }
}
