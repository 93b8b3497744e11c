package org.tatami.losses;

import java.util.Map;
import org.tatami.config.Fields;

/**
 * Cross-entropy between integer class labels and predicted class probabilities (or logits with
 * {@code fromLogits}), as Keras's {@code sparse_categorical_crossentropy}.
 */
public final class SparseCategoricalCrossentropy extends Loss {
    private final boolean fromLogits;

    public SparseCategoricalCrossentropy() {
        this(false);
    }

    public SparseCategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    @Override
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public String name() {
        return "sparse_categorical_crossentropy";
    }

    @Override
    public int targetWidth(int outputWidth) {
        return 1;
    }

    @Override
    public double compute(float[] yPred, float[] yTrue, int rows, int width, float[] grad, float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            int label = label(yTrue, r, width);
            if (fromLogits) {
                total += CrossEntropy.logits(yPred, o, width, label, grad, scale);
            } else {
                total += CrossEntropy.probabilities(yPred, o, width, label, grad, scale);
            }
        }
        return total;
    }

    @Override
    public void checkTargets(float[] yTrue, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            label(yTrue, r, width);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("from_logits", fromLogits);
        c.put("ignore_class", null);
        return c;
    }

    static SparseCategoricalCrossentropy fromConfig(Fields c) {
        c.expectNull("ignore_class", "tatami counts every class");
        return new SparseCategoricalCrossentropy(c.bool("from_logits", false));
    }

    @Override
    public boolean fusesWithSoftmax() {
        return !fromLogits;
    }

    @Override
    public double computeFromSoftmax(float[] probs, float[] yTrue, int rows, int width, float[] gradLogits,
                                     float scale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            int label = label(yTrue, r, width);
            total -= Math.log(clip(probs[o + label]));
            if (gradLogits != null) {
                for (int j = 0; j < width; j++) {
                    gradLogits[o + j] = (probs[o + j] - (j == label ? 1f : 0f)) * scale;
                }
            }
        }
        return total;
    }
}
