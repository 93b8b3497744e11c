package org.tatami.optimizers.schedules;

import org.tatami.config.Fields;

/**
 * Keras's ExponentialDecay: {@code initial_learning_rate * decay_rate ^ (step / decay_steps)}, the
 * exponent floored with {@code staircase}.
 */
public final class ExponentialDecay extends RateDecay {
    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false, "ExponentialDecay");
    }

    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase,
                            String name) {
        super(initialLearningRate, decaySteps, decayRate, staircase, name);
    }

    @Override
    public float call(long step) {
        return (float) (initialLearningRate * Math.pow(decayRate, progress(step)));
    }

    @Override
    public String className() {
        return "ExponentialDecay";
    }

    static ExponentialDecay fromConfig(Fields config) {
        Arguments a = Arguments.read(config, "ExponentialDecay");
        return new ExponentialDecay(a.initialLearningRate(), a.decaySteps(), a.decayRate(), a.staircase(), a.name());
    }
}
