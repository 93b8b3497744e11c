package org.tatami.optimizers.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * Keras 3's CosineDecay, with its optional linear warm-up. Without {@code warmup_target}: the rate
 * falls from {@code initial_learning_rate} along half a cosine to {@code alpha} times it over
 * {@code decay_steps} steps, then stays there. With it: the rate first rises linearly from
 * {@code initial_learning_rate} to {@code warmup_target} over {@code warmup_steps} steps, then decays
 * from {@code warmup_target} the same way.
 */
public final class CosineDecay extends LearningRateSchedule {
    private final float initialLearningRate;
    private final double decaySteps;
    private final float alpha;
    /** Null: no warm-up, as Keras's None. */
    private final Float warmupTarget;
    private final double warmupSteps;

    public CosineDecay(double initialLearningRate, double decaySteps) {
        this(initialLearningRate, decaySteps, 0.0, "CosineDecay", null, 0);
    }

    /** With a warm-up: {@code warmupSteps} steps from {@code initialLearningRate} up to {@code warmupTarget}. */
    public CosineDecay(double initialLearningRate, double decaySteps, double alpha, double warmupTarget,
                       double warmupSteps) {
        this(initialLearningRate, decaySteps, alpha, "CosineDecay", warmupTarget, warmupSteps);
    }

    public CosineDecay(double initialLearningRate, double decaySteps, double alpha, String name, Double warmupTarget,
                       double warmupSteps) {
        super(name);
        this.initialLearningRate = (float) initialLearningRate;
        this.decaySteps = positiveSteps("decay_steps", decaySteps);
        this.alpha = (float) alpha;
        this.warmupTarget = warmupTarget == null ? null : (float) (double) warmupTarget;
        if (!(warmupSteps >= 0) || Double.isInfinite(warmupSteps)) {
            throw new IllegalArgumentException("warmup_steps must be >= 0, received: warmup_steps=" + warmupSteps);
        }
        this.warmupSteps = warmupSteps;
    }

    @Override
    public float call(long step) {
        if (warmupTarget == null) {
            return decayed(Math.min(step, decaySteps), initialLearningRate);
        }
        double s = Math.min(step, decaySteps + warmupSteps);
        if (s < warmupSteps) {
            return (float) ((warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate);
        }
        return decayed(s - warmupSteps, warmupTarget);
    }

    /** {@code from * ((1 - alpha) * 0.5 (1 + cos(pi s / decay_steps)) + alpha)}. */
    private float decayed(double s, float from) {
        double cosine = 0.5 * (1 + Math.cos(Math.PI * (s / decaySteps)));
        return (float) (from * ((1 - alpha) * cosine + alpha));
    }

    @Override
    public String className() {
        return "CosineDecay";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", decimal(initialLearningRate));
        c.put("decay_steps", steps(decaySteps));
        c.put("alpha", decimal(alpha));
        c.put("name", name());
        c.put("warmup_target", warmupTarget == null ? null : decimal(warmupTarget));
        c.put("warmup_steps", steps(warmupSteps));
        return c;
    }

    static CosineDecay fromConfig(Fields config) {
        Double warmupTarget = config.isNull("warmup_target") ? null : config.number("warmup_target");
        config.take("warmup_target");
        return new CosineDecay(config.number("initial_learning_rate"), config.number("decay_steps"),
                config.number("alpha", 0.0), config.string("name", "CosineDecay"), warmupTarget,
                config.number("warmup_steps", 0));
    }
}
