package org.tatami.metrics;

import org.tatami.tensor.Tensor;

/**
 * How often the largest prediction is where the one-hot target's largest value is, as Keras's
 * {@code CategoricalAccuracy} ({@code "categorical_accuracy"}); ties go to the first class.
 */
public final class CategoricalAccuracy extends MeanMetricWrapper {
    public CategoricalAccuracy() {
        super("categorical_accuracy");
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] yPred, int p, int width) {
        return Tensor.argmax(yPred, p, width) == Tensor.argmax(yTrue, t, width) ? 1 : 0;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireDense(this, trueWidth, width);
    }
}
