package org.tatami.optimizers;

import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

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

    public RMSprop(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
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
    public List<String> slotNames() {
        return List.of("velocity");
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] v = state[0];
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
        c.put("momentum", 0.0);
        c.put("epsilon", decimal(epsilon));
        c.put("centered", false);
        return c;
    }

    static RMSprop fromConfig(Fields c) {
        c.expect("momentum", new JsonPrimitive(0.0), "tatami's RMSprop has no momentum");
        c.expect("centered", new JsonPrimitive(false), "tatami's RMSprop is not centered");
        return new RMSprop(0.001, c.number("rho", 0.9), c.number("epsilon", 1e-7));
    }
}
