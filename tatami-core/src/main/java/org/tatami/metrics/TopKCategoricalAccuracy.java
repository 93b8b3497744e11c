package org.tatami.metrics;

import org.tatami.tensor.Tensor;

import java.util.Map;

/**
 * How often the one-hot target's class is among the {@code k} largest predictions (5 by default), as
 * Keras's {@code TopKCategoricalAccuracy} ({@code "top_k_categorical_accuracy"}); ties count as in.
 */
public final class TopKCategoricalAccuracy extends MeanMetricWrapper {
    private final int k;

    public TopKCategoricalAccuracy() {
        this(5);
    }

    public TopKCategoricalAccuracy(int k) {
        super("top_k_categorical_accuracy");
        this.k = checkK(k);
    }

    static int checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        return k;
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] yPred, int p, int width) {
        return inTopK(yPred, p, width, Tensor.argmax(yTrue, t, width), k) ? 1 : 0;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireDense(this, trueWidth, width);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("k", k);
        return c;
    }
}
