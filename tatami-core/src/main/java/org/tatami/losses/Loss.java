package org.tatami.losses;

import com.google.gson.JsonPrimitive;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tatami.config.Fields;

/**
 * A loss: the mean over samples of a per-sample value, and its gradient.
 *
 * <p>Targets are float rows: one class index per row for the sparse losses, one value per output
 * otherwise. Loss functions write gradients already multiplied by {@code scale} (1 / batch size), so
 * that per-chunk gradients of a batch add up to the gradient of the batch mean.
 */
public abstract class Loss {
    /** Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log, as Keras does. */
    public static final float EPSILON = 1e-7f;

    /** Keras's name, e.g. {@code sparse_categorical_crossentropy}. */
    public abstract String name();

    /** Whether the predictions are logits rather than probabilities (Keras's {@code from_logits}). */
    public boolean fromLogits() {
        return false;
    }

    /** Width of one target row for an output row of {@code outputWidth} values. */
    public int targetWidth(int outputWidth) {
        return outputWidth;
    }

    /**
     * Sum over {@code rows} rows of the loss of {@code yPred} against {@code yTrue}; if {@code grad}
     * is not null, writes {@code scale * d(loss)/d(yPred)} into it.
     */
    public abstract double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale);

    /**
     * Whether {@link #computeFromSoftmax} is available: cross-entropies after a softmax have the
     * simple, stable gradient {@code p - target} with respect to the softmax's input.
     */
    public boolean fusesWithSoftmax() {
        return false;
    }

    /** As {@link #compute} on softmax outputs, but writes the gradient w.r.t. the softmax's input. */
    public double computeFromSoftmax(float[] probs, float[] yTrue, int rows, int width, float[] gradLogits,
                                     float scale) {
        throw new UnsupportedOperationException(name() + " does not fuse with softmax");
    }

    /**
     * Checks all {@code rows} target rows up front, so that a bad target is reported with its index in
     * the caller's data (the loss itself only sees shuffled chunks); nothing to check by default.
     */
    public void checkTargets(float[] yTrue, int rows, int width) {
    }

    /**
     * Whether, among several outputs, {@code "accuracy"} is reported for an output with this loss: yes
     * but for the regression losses (squared and absolute error, Huber).
     */
    public boolean classifies() {
        return true;
    }

    /** Keras's class name: {@code CategoricalCrossentropy}, {@code Huber}, ... */
    public String className() {
        return getClass().getSimpleName();
    }

    /**
     * Keras's {@code get_config()}: the name Keras gives the loss object, the reduction (Keras's default,
     * the mean over the batch, the only one tatami has), and the loss's own options.
     */
    public Map<String, Object> config() {
        return baseConfig();
    }

    private Map<String, Object> baseConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("reduction", "sum_over_batch_size");
        return c;
    }

    /**
     * The loss as a saved compile config holds it: its name when Keras's string gives this loss (the
     * defaults, or a loss of one's own, found again in {@link LossRegistry}), else Keras's serialized
     * loss object ({@code class_name} and {@code config}, so that {@code from_logits} and the like survive).
     */
    public Object serialize() {
        Loss plain = LossRegistry.create(name());
        if (plain == null || plain.getClass() != getClass() || plain.config().equals(config())) {
            return name();
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("module", "keras.losses");
        object.put("class_name", className());
        object.put("config", config());
        object.put("registered_name", null);
        return object;
    }

    /** The losses Keras names by string, and those registered with {@link LossRegistry#register}. */
    public static Loss of(String name) {
        Loss loss = LossRegistry.create(name);
        if (loss == null) {
            throw new IllegalArgumentException("unknown loss '" + name + "': expected one of "
                    + String.join(", ", LossRegistry.BUILT_IN.keySet())
                    + (LossRegistry.names().isEmpty() ? "" : ", or a registered one: " + LossRegistry.names())
                    + "; register a loss of your own with LossRegistry.register");
        }
        return loss;
    }

    /** A loss Keras names by string, on logits when {@code fromLogits} (the cross-entropies only). */
    public static Loss of(String name, boolean fromLogits) {
        if (!fromLogits) {
            return of(name);
        }
        return switch (name) {
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy(true);
            case "categorical_crossentropy" -> new CategoricalCrossentropy(true);
            case "binary_crossentropy" -> new BinaryCrossentropy(true);
            default -> throw new IllegalArgumentException("loss '" + name + "' has no from_logits option");
        };
    }

    /**
     * A loss from Keras's class name and config (as {@link #config()} writes it, or Keras 3's
     * {@code get_config()}); an option tatami does not implement is an error naming it.
     */
    public static Loss fromConfig(String className, Fields config) {
        Loss loss = LossRegistry.fromConfig(className, config);
        config.string("name", loss.name());
        config.expect("reduction", new JsonPrimitive("sum_over_batch_size"),
                "tatami's losses are the mean over the batch (Keras's default)");
        if (!config.isNull("dtype")) {
            config.expect("dtype", new JsonPrimitive("float32"), "tatami computes losses from float32");
        }
        config.take("dtype");
        config.finish();
        return loss;
    }

    /** The config of a cross-entropy with Keras's from_logits, label_smoothing and axis (the last, -1). */
    Map<String, Object> smoothedConfig(float labelSmoothing) {
        Map<String, Object> c = baseConfig();
        c.put("from_logits", fromLogits());
        c.put("label_smoothing", decimal(labelSmoothing));
        c.put("axis", -1);
        return c;
    }

    /** Keras's label_smoothing of a cross-entropy's config, with its axis, which must be the last. */
    static double labelSmoothing(Fields config) {
        config.expect("axis", new JsonPrimitive(-1), "tatami's losses reduce over the last axis");
        return config.number("label_smoothing", 0);
    }

    /** A float as the shortest decimal that reads back to it (0.1, not 0.10000000149011612), for configs. */
    static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    static float clip(float p) {
        return Math.min(Math.max(p, EPSILON), 1f - EPSILON);
    }

    static int label(float[] yTrue, int row, int width) {
        float v = yTrue[row];
        int label = (int) v;
        if (label != v || label < 0 || label >= width) {
            throw new IllegalArgumentException("label " + v + " of sample " + row + " is not a class index in [0, "
                    + width + ")");
        }
        return label;
    }
}
