package org.tatami.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * RMSprop as Keras 3 computes it: {@code v = rho v + (1-rho) g^2}, {@code d = lr g / sqrt(v + epsilon)}
 * (centered: {@code a = rho a + (1-rho) g}, {@code d = lr g / sqrt(v - a^2 + epsilon)}), then
 * {@code p -= d}, or with momentum {@code m = momentum m + d}, {@code p -= m}; defaults lr 0.001,
 * rho 0.9, momentum 0, epsilon 1e-7, not centered.
 */
public final class RMSprop extends Optimizer {
    private final float rho;
    private final float momentum;
    private final float epsilon;
    private final boolean centered;
    /** Keras's variables in its order: velocity, then momentum and average_gradient when used. */
    private final List<String> slotNames = new ArrayList<>();

    public RMSprop() {
        this(0.001);
    }

    public RMSprop(double learningRate) {
        this(learningRate, 0.9, 1e-7);
    }

    public RMSprop(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public RMSprop(double learningRate, double rho, double epsilon) {
        this(learningRate, rho, 0.0, epsilon, false);
    }

    public RMSprop(double learningRate, double rho, double momentum, double epsilon, boolean centered) {
        super((float) learningRate);
        if (!(rho >= 0 && rho < 1) || !(momentum >= 0 && momentum < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("RMSprop needs 0 <= rho, momentum < 1 and epsilon >= 0, got rho=" + rho
                    + ", momentum=" + momentum + ", epsilon=" + epsilon);
        }
        this.rho = (float) rho;
        this.momentum = (float) momentum;
        this.epsilon = (float) epsilon;
        this.centered = centered;
        slotNames.add("velocity");
        if (this.momentum > 0) {
            slotNames.add("momentum");
        }
        if (centered) {
            slotNames.add("average_gradient");
        }
    }

    @Override
    public List<String> slotNames() {
        return List.copyOf(slotNames);
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] v = state[0];
        float[] m = momentum > 0 ? state[1] : null;
        float[] a = centered ? state[state.length - 1] : null;
        float c = 1f - rho;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            v[i] = rho * v[i] + c * gi * gi;
            float denominator;
            if (a != null) {
                a[i] = rho * a[i] + c * gi;
                denominator = v[i] - a[i] * a[i] + epsilon;
            } else {
                denominator = v[i] + epsilon;
            }
            float increment = lr * gi / (float) Math.sqrt(denominator);
            if (m != null) {
                m[i] = momentum * m[i] + increment;
                p[i] -= m[i];
            } else {
                p[i] -= increment;
            }
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
        c.put("momentum", decimal(momentum));
        c.put("epsilon", decimal(epsilon));
        c.put("centered", centered);
        return c;
    }

    static RMSprop fromConfig(Fields c) {
        return new RMSprop(0.001, c.number("rho", 0.9), c.number("momentum", 0.0), c.number("epsilon", 1e-7),
                c.bool("centered", false));
    }
}
