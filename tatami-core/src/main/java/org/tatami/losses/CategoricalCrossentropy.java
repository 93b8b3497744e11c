package org.tatami.losses;

import java.util.Map;
import org.tatami.config.Fields;

/**
 * Cross-entropy between target distributions (one-hot rows) and predicted probabilities (or logits
 * with {@code fromLogits}), as Keras's {@code CategoricalCrossentropy} ({@code "categorical_crossentropy"}).
 * With {@code labelSmoothing} s, a row of {@code n} targets becomes {@code t (1 - s) + s / n}.
 */
public final class CategoricalCrossentropy extends Loss {
    private final boolean fromLogits;
    private final float labelSmoothing;

    public CategoricalCrossentropy() {
        this(false);
    }

    public CategoricalCrossentropy(boolean fromLogits) {
        this(fromLogits, 0);
    }

    public CategoricalCrossentropy(boolean fromLogits, double labelSmoothing) {
        this.fromLogits = fromLogits;
        this.labelSmoothing = checkSmoothing(labelSmoothing);
    }

    static float checkSmoothing(double s) {
        if (!(s >= 0 && s <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + s);
        }
        return (float) s;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    /** The target after Keras's label smoothing: {@code t (1 - s) + s / width}; t itself without. */
    private double smooth(float t, int width) {
        return labelSmoothing == 0 ? t : t * (1.0 - labelSmoothing) + (double) labelSmoothing / width;
    }

    @Override
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    @Override
    public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
        return fromLogits ? logits(yPred, yTrue, rows, width, grad, scale)
                : probabilities(yPred, yTrue, rows, width, grad, scale);
    }

    // -sum_j t_j log(clip(p_j / sum p)); d/dp_j = -t_j / p_j + sum(t) / sum(p) where unclipped.
    private double probabilities(float[] p, float[] t, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += p[o + j];
            }
            for (int j = 0; j < width; j++) {
                double q = p[o + j] / sum;
                total -= smooth(t[o + j], width) * Math.log(Math.min(Math.max(q, EPSILON), 1 - EPSILON));
            }
            if (grad != null) {
                // Only unclipped terms contribute; each adds t_j / sum(p) to every output.
                double shared = 0;
                for (int j = 0; j < width; j++) {
                    if (active(p[o + j] / sum)) {
                        shared += smooth(t[o + j], width) / sum;
                    }
                }
                for (int j = 0; j < width; j++) {
                    double own = active(p[o + j] / sum) ? smooth(t[o + j], width) / p[o + j] : 0;
                    grad[o + j] = (float) ((shared - own) * scale);
                }
            }
        }
        return total;
    }

    private static boolean active(double q) {
        return q > EPSILON && q < 1 - EPSILON;
    }

    // logsumexp(z) * sum(t) - t . z; gradient softmax(z) * sum(t) - t.
    private double logits(float[] z, float[] t, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            double lse = max + Math.log(sum);
            double tSum = 0;
            for (int j = 0; j < width; j++) {
                tSum += smooth(t[o + j], width);
                total -= smooth(t[o + j], width) * (z[o + j] - lse);
            }
            if (grad != null) {
                for (int j = 0; j < width; j++) {
                    grad[o + j] = (float) ((Math.exp(z[o + j] - lse) * tSum - smooth(t[o + j], width)) * scale);
                }
            }
        }
        return total;
    }

    @Override
    public Map<String, Object> config() {
        return smoothedConfig(labelSmoothing);
    }

    static CategoricalCrossentropy fromConfig(Fields c) {
        return new CategoricalCrossentropy(c.bool("from_logits", false), labelSmoothing(c));
    }

    @Override
    public boolean fusesWithSoftmax() {
        return !fromLogits;
    }

    @Override
    public double computeFromSoftmax(float[] probs, float[] t, int rows, int width, float[] gradLogits,
                                     float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double tSum = 0;
            for (int j = 0; j < width; j++) {
                tSum += smooth(t[o + j], width);
                total -= smooth(t[o + j], width) * Math.log(clip(probs[o + j]));
            }
            if (gradLogits != null) {
                for (int j = 0; j < width; j++) {
                    gradLogits[o + j] = (float) ((probs[o + j] * tSum - smooth(t[o + j], width)) * scale);
                }
            }
        }
        return total;
    }
}
