package org.tatami.optimizers.schedules;

import com.google.gson.JsonPrimitive;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tatami.config.Fields;
import org.tatami.config.ModelConfigException;

/**
 * A learning rate that changes with the optimizer's step, as Keras's
 * {@code keras.optimizers.schedules.LearningRateSchedule}: give it to an optimizer in place of a number
 * and each update uses {@code call(iterations)}, the number of updates made before it (0 for the first).
 */
public abstract class LearningRateSchedule {
    private final String name;

    protected LearningRateSchedule(String name) {
        this.name = name;
    }

    /** The learning rate at optimizer step {@code step} (updates made so far). */
    public abstract float call(long step);

    /** Keras's class name, e.g. {@code ExponentialDecay}. */
    public abstract String className();

    /** Keras's {@code name} argument; it names the schedule and changes nothing else. */
    public String name() {
        return name;
    }

    /** Keras's {@code get_config()}. */
    public abstract Map<String, Object> config();

    /** Keras's serialized form, as an optimizer's config holds it in {@code learning_rate}. */
    public Map<String, Object> serialize() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("module", "keras.optimizers.schedules");
        object.put("class_name", className());
        object.put("config", config());
        object.put("registered_name", null);
        return object;
    }

    /** Reads {@link #serialize()}'s form; an unknown class or option is an error naming it. */
    public static LearningRateSchedule deserialize(Fields object) {
        object.expect("module", new JsonPrimitive("keras.optimizers.schedules"),
                "schedules come from keras.optimizers.schedules");
        object.expectNull("registered_name", "custom schedules are not supported");
        String className = object.string("class_name");
        Fields config = object.object("config");
        LearningRateSchedule schedule = switch (className) {
            case "ExponentialDecay" -> ExponentialDecay.fromConfig(config);
            case "InverseTimeDecay" -> InverseTimeDecay.fromConfig(config);
            case "PiecewiseConstantDecay" -> PiecewiseConstantDecay.fromConfig(config);
            case "CosineDecay" -> CosineDecay.fromConfig(config);
            default -> throw new ModelConfigException(object.where() + ": unknown learning rate schedule '"
                    + className + "': expected ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay"
                    + " or CosineDecay");
        };
        config.finish();
        object.finish();
        return schedule;
    }

    /** Keras's positive {@code decay_steps}. */
    static double positiveSteps(String what, double steps) {
        if (!(steps > 0) || Double.isInfinite(steps)) {
            throw new IllegalArgumentException("Argument `" + what + "` must be > 0, received: " + what + "=" + steps);
        }
        return steps;
    }

    /** A step count as Keras writes it: 1000, not 1000.0, when it is whole. */
    static Object steps(double steps) {
        return steps == Math.rint(steps) ? (Object) (long) steps : (Object) steps;
    }

    /** A float as the shortest decimal that reads back to it: 0.01, not 0.009999999776482582. */
    static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }
}
