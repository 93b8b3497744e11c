package org.tatami.optimizers;

import org.tatami.optimizers.schedules.LearningRateSchedule;

/**
 * AdamW, as Keras 3: Adam with decoupled weight decay, {@code p -= p * weight_decay * lr} before each
 * Adam step; defaults lr 0.001, weight_decay 0.004, b1 0.9, b2 0.999, epsilon 1e-7.
 */
public final class AdamW extends Adam {
    public AdamW() {
        this(0.001);
    }

    public AdamW(double learningRate) {
        this(learningRate, 0.004);
    }

    public AdamW(LearningRateSchedule learningRate) {
        this();
        setLearningRate(learningRate);
    }

    public AdamW(double learningRate, double weightDecay) {
        this(learningRate, weightDecay, 0.9, 0.999, 1e-7);
    }

    public AdamW(double learningRate, double weightDecay, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
        weightDecay(weightDecay);
    }

    @Override
    public String className() {
        return "AdamW";
    }
}
