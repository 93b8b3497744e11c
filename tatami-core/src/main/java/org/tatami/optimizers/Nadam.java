package org.tatami.optimizers;

import java.util.List;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * Nadam (Adam with Nesterov momentum), as Keras 3 computes it, with the momentum schedule
 * {@code u_t = b1 (1 - 0.5 * 0.96^t)}: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code m_hat = u_{t+1} m / (1 - prod u_1..u_{t+1}) + (1 - u_t) g / (1 - prod u_1..u_t)},
 * {@code v_hat = v / (1 - b2^t)}, {@code p -= lr m_hat / (sqrt(v_hat) + epsilon)}; defaults lr 0.001,
 * b1 0.9, b2 0.999, epsilon 1e-7.
 */
public final class Nadam extends MomentOptimizer {
    /** {@code prod u_1..u_productStep}: a function of the step, so a restored optimizer recomputes it. */
    private long productStep;
    private double product = 1;

    public Nadam() {
        this(0.001);
    }

    public Nadam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    public Nadam(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public Nadam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
    }

    private double u(long t) {
        return beta1 * (1 - 0.5 * Math.pow(0.96, t));
    }

    /** {@code prod u_1..u_t}, extended by one factor per step, recomputed from 1 after a jump (a restore). */
    private double uProduct(long t) {
        if (t < productStep) {
            productStep = 0;
            product = 1;
        }
        while (productStep < t) {
            product *= u(++productStep);
        }
        return product;
    }

    @Override
    public List<String> slotNames() {
        return List.of("momentum", "velocity");
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] m = state[0];
        float[] v = state[1];
        double ut = u(step);
        double ut1 = u(step + 1);
        double productT = uProduct(step);
        float cm = (float) (ut1 / (1 - productT * ut1));
        float cg = (float) ((1 - ut) / (1 - productT));
        float cv = (float) (1 / (1 - Math.pow(beta2, step)));
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            m[i] += (gi - m[i]) * c1;
            v[i] += (gi * gi - v[i]) * c2;
            float mHat = cm * m[i] + cg * gi;
            p[i] -= mHat * lr / ((float) Math.sqrt(v[i] * cv) + epsilon);
        }
    }

    @Override
    public String className() {
        return "Nadam";
    }

    static Nadam fromConfig(Fields c) {
        return new Nadam(0.001, c.number("beta_1", 0.9), c.number("beta_2", 0.999), c.number("epsilon", 1e-7));
    }
}
