package org.tatami.metrics;

import java.util.Map;

/**
 * How often the class index given is among the {@code k} largest predictions (5 by default), as Keras's
 * {@code SparseTopKCategoricalAccuracy} ({@code "sparse_top_k_categorical_accuracy"}); a class tied
 * with the k-th largest counts as in, as in TensorFlow's {@code in_top_k}.
 */
public final class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
    private final int k;

    public SparseTopKCategoricalAccuracy() {
        this(5);
    }

    public SparseTopKCategoricalAccuracy(int k) {
        super("sparse_top_k_categorical_accuracy");
        this.k = TopKCategoricalAccuracy.checkK(k);
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] yPred, int p, int width) {
        int label = (int) yTrue[t];
        return label == yTrue[t] && inTopK(yPred, p, width, label, k) ? 1 : 0;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireSparse(this, trueWidth);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("k", k);
        return c;
    }
}
