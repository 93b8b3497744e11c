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
public class Adam extends MomentOptimizer {

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
        super(learningRate, beta1, beta2, epsilon);
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
