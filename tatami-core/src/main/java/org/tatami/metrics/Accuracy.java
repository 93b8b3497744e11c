package org.tatami.metrics;

import org.tatami.losses.Loss;
import org.tatami.losses.SparseCategoricalCrossentropy;

/**
 * Keras's {@code "accuracy"}, resolved from the loss as Keras does: sparse categorical accuracy for
 * integer labels, categorical accuracy for one-hot targets, binary accuracy for one output.
 */
public final class Accuracy {
    private final boolean sparse;

    private Accuracy(boolean sparse) {
        this.sparse = sparse;
    }

    public static Accuracy forLoss(Loss loss) {
        return new Accuracy(loss instanceof SparseCategoricalCrossentropy);
    }

    /** Number of correct rows among {@code rows}. */
    public int countCorrect(float[] yPred, float[] yTrue, int rows, int width) {
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            boolean hit;
            if (width == 1 && !sparse) {
                hit = (yPred[r] > 0.5f) == (yTrue[r] > 0.5f);
            } else {
                int predicted = argmax(yPred, o, width);
                int expected = sparse ? (int) yTrue[r] : argmax(yTrue, o, width);
                hit = predicted == expected;
            }
            if (hit) {
                correct++;
            }
        }
        return correct;
    }

    private static int argmax(float[] v, int o, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (v[o + j] > v[o + best]) {
                best = j;
            }
        }
        return best;
    }
}
