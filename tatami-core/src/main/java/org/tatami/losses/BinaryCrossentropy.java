package org.tatami.losses;

import java.util.Map;
import org.tatami.config.Fields;

/**
 * Binary cross-entropy between targets in [0, 1] and predicted probabilities (or logits with
 * {@code fromLogits}), averaged over the last axis, as Keras's {@code BinaryCrossentropy}
 * ({@code "binary_crossentropy"}). With {@code labelSmoothing} s, targets become {@code t (1 - s) + s / 2}.
 * Probabilities are clipped to [1e-7, 1 - 1e-7] (no gradient where the clip is active); logits use
 * the stable {@code max(z, 0) - z t + log(1 + exp(-|z|))}, gradient {@code sigmoid(z) - t}.
 */
public final class BinaryCrossentropy extends ElementwiseLoss {
    private final boolean fromLogits;
    private final float labelSmoothing;

    public BinaryCrossentropy() {
        this(false, 0);
    }

    public BinaryCrossentropy(boolean fromLogits) {
        this(fromLogits, 0);
    }

    public BinaryCrossentropy(boolean fromLogits, double labelSmoothing) {
        this.fromLogits = fromLogits;
        this.labelSmoothing = CategoricalCrossentropy.checkSmoothing(labelSmoothing);
    }

    @Override
    public boolean fromLogits() {
        return fromLogits;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    @Override
    public String name() {
        return "binary_crossentropy";
    }

    /** The target after Keras's label smoothing, {@code t (1 - s) + s / 2}. */
    private double smooth(float target) {
        return target * (1.0 - labelSmoothing) + 0.5 * labelSmoothing;
    }

    @Override
    double value(float pred, float target) {
        double t = smooth(target);
        if (fromLogits) {
            double z = pred;
            return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
        }
        float p = clip(pred);
        return -(t * Math.log(p) + (1 - t) * Math.log(1 - (double) p));
    }

    @Override
    double derivative(float pred, float target) {
        double t = smooth(target);
        if (fromLogits) {
            return 1 / (1 + Math.exp(-pred)) - t;
        }
        // The clip passes no gradient where it is active.
        return pred > EPSILON && pred < 1 - EPSILON ? (1 - t) / (1 - (double) pred) - t / pred : 0;
    }

    @Override
    public Map<String, Object> config() {
        return smoothedConfig(labelSmoothing);
    }

    static BinaryCrossentropy fromConfig(Fields c) {
        return new BinaryCrossentropy(c.bool("from_logits", false), labelSmoothing(c));
    }
}
