package org.tatami.losses;

/**
 * Cross-entropy between target distributions (one-hot rows) and predicted probabilities (or logits
 * with {@code fromLogits}), as Keras's {@code categorical_crossentropy}.
 */
public final class CategoricalCrossentropy extends Loss {
    private final boolean fromLogits;

    public CategoricalCrossentropy() {
        this(false);
    }

    public CategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
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
    private static double probabilities(float[] p, float[] t, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += p[o + j];
            }
            for (int j = 0; j < width; j++) {
                double q = p[o + j] / sum;
                total -= t[o + j] * Math.log(Math.min(Math.max(q, EPSILON), 1 - EPSILON));
            }
            if (grad != null) {
                // Only unclipped terms contribute; each adds t_j / sum(p) to every output.
                double shared = 0;
                for (int j = 0; j < width; j++) {
                    if (active(p[o + j] / sum)) {
                        shared += t[o + j] / sum;
                    }
                }
                for (int j = 0; j < width; j++) {
                    double own = active(p[o + j] / sum) ? t[o + j] / p[o + j] : 0;
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
    private static double logits(float[] z, float[] t, int rows, int width, float[] grad, float scale) {
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
                tSum += t[o + j];
                total -= t[o + j] * (z[o + j] - lse);
            }
            if (grad != null) {
                for (int j = 0; j < width; j++) {
                    grad[o + j] = (float) ((Math.exp(z[o + j] - lse) * tSum - t[o + j]) * scale);
                }
            }
        }
        return total;
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
                tSum += t[o + j];
                total -= t[o + j] * Math.log(clip(probs[o + j]));
            }
            if (gradLogits != null) {
                for (int j = 0; j < width; j++) {
                    gradLogits[o + j] = (float) ((probs[o + j] * tSum - t[o + j]) * scale);
                }
            }
        }
        return total;
    }
}
