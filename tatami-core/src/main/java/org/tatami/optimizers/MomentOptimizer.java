package org.tatami.optimizers;

import java.util.Map;

/**
 * What the Adam family (Adam, AdamW, Adamax, Nadam) shares: the decay rates of the first and second
 * moment estimates, {@code beta_1} and {@code beta_2}, and the {@code epsilon} that keeps the step finite.
 */
public abstract class MomentOptimizer extends Optimizer {
    protected final float beta1;
    protected final float beta2;
    protected final float epsilon;

    protected MomentOptimizer(double learningRate, double beta1, double beta2, double epsilon) {
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
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("beta_1", decimal(beta1));
        c.put("beta_2", decimal(beta2));
        c.put("epsilon", decimal(epsilon));
        return c;
    }
}
