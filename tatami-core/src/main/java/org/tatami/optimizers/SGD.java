package org.tatami.optimizers;

import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

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

    public SGD(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public SGD(double learningRate, double momentum, boolean nesterov) {
        super((float) learningRate);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1], got " + momentum);
        }
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    /** Keras keeps a momentum only when there is one. */
    @Override
    public List<String> slotNames() {
        return momentum == 0f ? List.of() : List.of("momentum");
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
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
    protected String name() {
        return "SGD";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("momentum", decimal(momentum));
        c.put("nesterov", nesterov);
        return c;
    }

    static SGD fromConfig(Fields c) {
        return new SGD(0.01, c.number("momentum", 0.0), c.bool("nesterov", false));
    }
}
