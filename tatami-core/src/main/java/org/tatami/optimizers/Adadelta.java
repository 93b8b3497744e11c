package org.tatami.optimizers;

import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * Adadelta, as Keras 3 computes it: {@code a = rho a + (1-rho) g^2},
 * {@code d = -sqrt(s + epsilon) g / sqrt(a + epsilon)}, {@code s = rho s + (1-rho) d^2}, {@code p += lr d};
 * defaults lr 0.001, rho 0.95, epsilon 1e-7.
 */
public final class Adadelta extends Optimizer {
    private final float rho;
    private final float epsilon;

    public Adadelta() {
        this(0.001);
    }

    public Adadelta(double learningRate) {
        this(learningRate, 0.95, 1e-7);
    }

    public Adadelta(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public Adadelta(double learningRate, double rho, double epsilon) {
        super((float) learningRate);
        if (!(rho >= 0 && rho < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adadelta needs 0 <= rho < 1 and epsilon >= 0, got rho=" + rho
                    + ", epsilon=" + epsilon);
        }
        this.rho = (float) rho;
        this.epsilon = (float) epsilon;
    }

    @Override
    public List<String> slotNames() {
        return List.of("accumulated_grad", "accumulated_delta_var");
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] a = state[0];
        float[] s = state[1];
        float c = 1f - rho;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            a[i] = rho * a[i] + c * gi * gi;
            float d = -((float) Math.sqrt(s[i] + epsilon) * gi) / (float) Math.sqrt(a[i] + epsilon);
            s[i] = rho * s[i] + c * d * d;
            p[i] += lr * d;
        }
    }

    @Override
    public String className() {
        return "Adadelta";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("rho", decimal(rho));
        c.put("epsilon", decimal(epsilon));
        return c;
    }

    static Adadelta fromConfig(Fields c) {
        return new Adadelta(0.001, c.number("rho", 0.95), c.number("epsilon", 1e-7));
    }
}
