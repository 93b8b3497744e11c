package org.tatami.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * What Keras's ExponentialDecay and InverseTimeDecay share: an initial rate decayed by
 * {@code decay_rate} as a function of {@code step / decay_steps}, floored with {@code staircase}.
 */
abstract class RateDecay extends LearningRateSchedule {
    /** The arguments as a config holds them. */
    record Arguments(double initialLearningRate, double decaySteps, double decayRate, boolean staircase,
                     String name) {
        static Arguments read(Fields config, String defaultName) {
            return new Arguments(config.number("initial_learning_rate"), config.number("decay_steps"),
                    config.number("decay_rate"), config.bool("staircase", false),
                    config.string("name", defaultName));
        }
    }

    final float initialLearningRate;
    final double decaySteps;
    final float decayRate;
    final boolean staircase;

    RateDecay(double initialLearningRate, double decaySteps, double decayRate, boolean staircase, String name) {
        super(name);
        this.initialLearningRate = (float) initialLearningRate;
        this.decaySteps = positiveSteps("decay_steps", decaySteps);
        this.decayRate = (float) decayRate;
        this.staircase = staircase;
    }

    /** {@code step / decay_steps}, floored with staircase. */
    final double progress(long step) {
        double p = step / decaySteps;
        return staircase ? Math.floor(p) : p;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", decimal(initialLearningRate));
        c.put("decay_steps", steps(decaySteps));
        c.put("decay_rate", decimal(decayRate));
        c.put("staircase", staircase);
        c.put("name", name());
        return c;
    }
}
