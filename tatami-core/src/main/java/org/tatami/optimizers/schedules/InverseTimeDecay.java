package org.tatami.optimizers.schedules;

import org.tatami.config.Fields;

/**
 * Keras's InverseTimeDecay: {@code initial_learning_rate / (1 + decay_rate * step / decay_steps)},
 * {@code step / decay_steps} floored with {@code staircase}.
 */
public final class InverseTimeDecay extends RateDecay {
    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false, "InverseTimeDecay");
    }

    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase,
                            String name) {
        super(initialLearningRate, decaySteps, decayRate, staircase, name);
    }

    @Override
    public float call(long step) {
        return (float) (initialLearningRate / (1 + decayRate * progress(step)));
    }

    @Override
    public String className() {
        return "InverseTimeDecay";
    }

    static InverseTimeDecay fromConfig(Fields config) {
        Arguments a = Arguments.read(config, "InverseTimeDecay");
        return new InverseTimeDecay(a.initialLearningRate(), a.decaySteps(), a.decayRate(), a.staircase(), a.name());
    }
}
