package org.tatami.metrics;

import org.tatami.tensor.Tensor;

/**
 * Keras's {@code "accuracy"} in {@code compile}, resolved from the targets' shape as Keras does: sparse
 * categorical accuracy for class indices (one target per row of several outputs), categorical
 * accuracy for one-hot rows, and for one output a hit when prediction and target fall on the same
 * side of 0.5. Made by {@link Metric#of(String)}.
 */
final class Accuracy extends MeanMetricWrapper {
    Accuracy() {
        super("accuracy");
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] yPred, int p, int width) {
        if (width == 1 && trueWidth == 1) {
            return (yPred[p] > 0.5f) == (yTrue[t] > 0.5f) ? 1 : 0;
        }
        int expected = trueWidth == 1 ? (int) yTrue[t] : Tensor.argmax(yTrue, t, width);
        return Tensor.argmax(yPred, p, width) == expected ? 1 : 0;
    }

    /** Saved as Keras saves it: the string, resolved again from the targets when the model is loaded. */
    @Override
    public Object serialize() {
        return name();
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        if (trueWidth != 1 && trueWidth != width) {
            requireDense(this, trueWidth, width);
        }
    }
}
