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
public final class BinaryCrossentropy extends Loss {
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

    @Override
    public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
        double total = 0;
        double s = labelSmoothing;
        for (int r = 0; r < rows; r++) {
            double row = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                double t = yTrue[i] * (1 - s) + 0.5 * s;
                double d;
                if (fromLogits) {
                    double z = yPred[i];
                    row += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
                    d = 1 / (1 + Math.exp(-z)) - t;
                } else {
                    float p = clip(yPred[i]);
                    row -= t * Math.log(p) + (1 - t) * Math.log(1 - (double) p);
                    d = p > EPSILON && p < 1 - EPSILON ? (1 - t) / (1 - (double) p) - t / p : 0;
                }
                if (grad != null) {
                    grad[i] = (float) (d / width * scale);
                }
            }
            total += row / width;
        }
        return total;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("from_logits", fromLogits);
        c.put("label_smoothing", decimal(labelSmoothing));
        c.put("axis", -1);
        return c;
    }

    static BinaryCrossentropy fromConfig(Fields c) {
        lastAxis(c);
        return new BinaryCrossentropy(c.bool("from_logits", false), c.number("label_smoothing", 0));
    }
}
