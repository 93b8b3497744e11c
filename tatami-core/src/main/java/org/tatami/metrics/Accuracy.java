package org.tatami.metrics;


/**
 * Keras's {@code "accuracy"}, resolved from the targets' shape as Keras does: sparse categorical
 * accuracy for integer labels (one target per row of several outputs), categorical accuracy for
 * one-hot targets, binary accuracy for one output.
 */
public final class Accuracy {
    private final boolean sparse;

    private Accuracy(boolean sparse) {
        this.sparse = sparse;
    }

    /** The accuracy for rows of {@code outputWidth} outputs scored against {@code targetWidth} targets each. */
    public static Accuracy forTargets(int targetWidth, int outputWidth) {
        return new Accuracy(targetWidth == 1 && outputWidth > 1);
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

    /** The class a row of {@code width} scores from {@code o} picks: the first of the largest. */
    public static int argmax(float[] v, int o, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (v[o + j] > v[o + best]) {
                best = j;
            }
        }
        return best;
    }
}
