package org.tatami.optimizers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * Adagrad, as Keras 3 computes it: {@code a += g^2}, {@code p -= lr g / sqrt(a + epsilon)}, the
 * accumulator starting at {@code initial_accumulator_value}; defaults lr 0.001, initial accumulator 0.1,
 * epsilon 1e-7.
 */
public final class Adagrad extends Optimizer {
    private final float initialAccumulatorValue;
    private final float epsilon;

    public Adagrad() {
        this(0.001);
    }

    public Adagrad(double learningRate) {
        this(learningRate, 0.1, 1e-7);
    }

    public Adagrad(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public Adagrad(double learningRate, double initialAccumulatorValue, double epsilon) {
        super((float) learningRate);
        if (!(initialAccumulatorValue >= 0) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adagrad needs initial_accumulator_value >= 0 and epsilon >= 0, got "
                    + "initial_accumulator_value=" + initialAccumulatorValue + ", epsilon=" + epsilon);
        }
        this.initialAccumulatorValue = (float) initialAccumulatorValue;
        this.epsilon = (float) epsilon;
    }

    @Override
    public List<String> slotNames() {
        return List.of("accumulator");
    }

    @Override
    protected float[][] newSlots(int size) {
        float[] a = new float[size];
        Arrays.fill(a, initialAccumulatorValue);
        return new float[][] {a};
    }

    @Override
    protected void update(float[] p, float[] g, float[][] state, float lr, long step) {
        float[] a = state[0];
        for (int i = 0; i < p.length; i++) {
            a[i] += g[i] * g[i];
            p[i] -= lr * g[i] / (float) Math.sqrt(a[i] + epsilon);
        }
    }

    @Override
    public String className() {
        return "Adagrad";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("initial_accumulator_value", decimal(initialAccumulatorValue));
        c.put("epsilon", decimal(epsilon));
        return c;
    }

    static Adagrad fromConfig(Fields c) {
        return new Adagrad(0.001, c.number("initial_accumulator_value", 0.1), c.number("epsilon", 1e-7));
    }
}
