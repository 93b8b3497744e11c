package org.tatami.optimizers;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, one step per batch, as Keras's optimizers. State (momenta)
 * is kept per parameter array.
 */
public abstract class Optimizer {
    private float learningRate;
    private long iterations;
    /** State per parameter array, so that freezing or unfreezing layers between fits keeps each one's. */
    private final Map<float[], float[][]> slots = new IdentityHashMap<>();

    protected Optimizer(float learningRate) {
        setLearningRate(learningRate);
    }

    public float learningRate() {
        return learningRate;
    }

    public void setLearningRate(float rate) {
        if (!(rate > 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + rate);
        }
        this.learningRate = rate;
    }

    /** Steps taken so far. */
    public long iterations() {
        return iterations;
    }

    /** One update: {@code params.get(i)} moves along {@code grads.get(i)}. */
    public void apply(List<float[]> params, List<float[]> grads) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradients");
        }
        iterations++;
        for (int i = 0; i < params.size(); i++) {
            float[] p = params.get(i);
            update(p, grads.get(i), slots.computeIfAbsent(p, k -> newSlots(k.length)), iterations);
        }
    }

    /** Per-parameter state arrays (e.g. Adam's m and v), zero at the start. */
    protected abstract float[][] newSlots(int size);

    /** Updates {@code param} in place; {@code step} counts from 1. */
    protected abstract void update(float[] param, float[] grad, float[][] state, long step);

    /** Keras's class name: {@code Adam}, {@code SGD}, {@code RMSprop}. */
    public abstract String className();

    /** Keras's config of this optimizer. */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", className().toLowerCase(java.util.Locale.ROOT));
        c.put("learning_rate", decimal(learningRate));
        return c;
    }

    /** A float as the shortest decimal that reads back to it: 0.01, not 0.009999999776482582. */
    protected static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    /** The optimizers Keras names by string, with Keras's default settings. */
    public static Optimizer of(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "adam" -> new Adam();
            case "sgd" -> new SGD();
            case "rmsprop" -> new RMSprop();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name
                    + "': expected adam, sgd or rmsprop");
        };
    }
}
