package org.tatami.optimizers;

import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * Adam, as Keras computes it: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code p -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon)}; defaults lr 0.001, b1 0.9,
 * b2 0.999, epsilon 1e-7.
 */
public class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;

    public Adam() {
        this(0.001f);
    }

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    public Adam(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super((float) learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException(className() + " needs 0 <= beta_1, beta_2 < 1 and epsilon >= 0, got"
                    + " beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon);
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
    }

    @Override
    public List<String> slotNames() {
        return List.of("momentum", "velocity");
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] m = state[0];
        float[] v = state[1];
        double b1t = Math.pow(beta1, step);
        double b2t = Math.pow(beta2, step);
        float alpha = (float) (lr * Math.sqrt(1 - b2t) / (1 - b1t));
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

    /** Adam's own keys; AdamW has the same ones, and its weight_decay is read with the base keys. */
    static Adam fromConfig(Fields c, boolean decoupled) {
        double b1 = c.number("beta_1", 0.9);
        double b2 = c.number("beta_2", 0.999);
        double eps = c.number("epsilon", 1e-7);
        c.expect("amsgrad", new JsonPrimitive(false), "tatami's Adam has no AMSGrad variant");
        return decoupled ? new AdamW(0.001, 0.004, b1, b2, eps) : new Adam(0.001, b1, b2, eps);
    }
}
