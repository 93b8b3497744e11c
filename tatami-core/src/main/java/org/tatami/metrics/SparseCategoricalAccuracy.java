package org.tatami.metrics;

import org.tatami.tensor.Tensor;

/**
 * How often the largest prediction is the class index given, as Keras's
 * {@code SparseCategoricalAccuracy} ({@code "sparse_categorical_accuracy"}); ties go to the first class.
 */
public final class SparseCategoricalAccuracy extends MeanMetricWrapper {
    public SparseCategoricalAccuracy() {
        super("sparse_categorical_accuracy");
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] yPred, int p, int width) {
        return Tensor.argmax(yPred, p, width) == yTrue[t] ? 1 : 0;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireSparse(this, trueWidth);
    }
}
