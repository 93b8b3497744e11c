package org.tatami.optimizers;

import java.util.List;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * Adamax (Adam with the infinity norm), as Keras 3 computes it: {@code m = b1 m + (1-b1) g},
 * {@code u = max(b2 u, |g|)}, {@code p -= lr m / ((1 - b1^t) (u + epsilon))}; defaults lr 0.001,
 * b1 0.9, b2 0.999, epsilon 1e-7.
 */
public final class Adamax extends MomentOptimizer {

    public Adamax() {
        this(0.001);
    }

    public Adamax(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    public Adamax(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public Adamax(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
    }

    @Override
    public List<String> slotNames() {
        return List.of("momentum", "norm");
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] m = state[0];
        float[] u = state[1];
        float correction = (float) (1 - Math.pow(beta1, step));
        float c1 = 1f - beta1;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            m[i] += (gi - m[i]) * c1;
            u[i] = Math.max(beta2 * u[i], Math.abs(gi));
            p[i] -= lr * m[i] / (correction * (u[i] + epsilon));
        }
    }

    @Override
    public String className() {
        return "Adamax";
    }

    static Adamax fromConfig(Fields c) {
        return new Adamax(0.001, c.number("beta_1", 0.9), c.number("beta_2", 0.999), c.number("epsilon", 1e-7));
    }
}
