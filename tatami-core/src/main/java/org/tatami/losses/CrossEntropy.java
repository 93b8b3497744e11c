package org.tatami.losses;

/** The per-row cross-entropy arithmetic shared by the sparse and one-hot losses, for one class label. */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * -log(p[label] / sum(p)) with the ratio clipped as Keras does; adds nothing to the gradient where
     * the clip is active (its derivative is zero there).
     */
    static double probabilities(float[] p, int o, int width, int label, float[] grad, float scale) {
        double sum = 0;
        for (int j = 0; j < width; j++) {
            sum += p[o + j];
        }
        double q = p[o + label] / sum;
        double clipped = Math.min(Math.max(q, Loss.EPSILON), 1 - Loss.EPSILON);
        if (grad != null) {
            boolean active = q > Loss.EPSILON && q < 1 - Loss.EPSILON;
            for (int j = 0; j < width; j++) {
                double d = active ? 1 / sum - (j == label ? 1 / (double) p[o + label] : 0) : 0;
                grad[o + j] = (float) (d * scale);
            }
        }
        return -Math.log(clipped);
    }

    /** logsumexp(z) - z[label], stable; gradient softmax(z) - onehot(label). */
    static double logits(float[] z, int o, int width, int label, float[] grad, float scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            max = Math.max(max, z[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < width; j++) {
            sum += Math.exp(z[o + j] - max);
        }
        double lse = max + Math.log(sum);
        if (grad != null) {
            for (int j = 0; j < width; j++) {
                double s = Math.exp(z[o + j] - lse);
                grad[o + j] = (float) ((s - (j == label ? 1 : 0)) * scale);
            }
        }
        return lse - z[o + label];
    }
}
