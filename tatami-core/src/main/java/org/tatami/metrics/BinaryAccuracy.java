package org.tatami.metrics;

import java.util.Map;

/**
 * How often a prediction above {@code threshold} (0.5 by default) meets a target of 1, and one at or
 * below it a target of 0, as Keras's {@code BinaryAccuracy} ({@code "binary_accuracy"}): each output of
 * a row counts, averaged over the row. Targets are compared exactly, as Keras does (0.7 is neither).
 */
public final class BinaryAccuracy extends MeanMetricWrapper {
    private final float threshold;

    public BinaryAccuracy() {
        this(0.5);
    }

    public BinaryAccuracy(double threshold) {
        super("binary_accuracy");
        this.threshold = (float) threshold;
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] yPred, int p, int width) {
        int hits = 0;
        for (int j = 0; j < width; j++) {
            hits += yTrue[t + j] == (yPred[p + j] > threshold ? 1f : 0f) ? 1 : 0;
        }
        return (double) hits / width;
    }

    @Override
    public void checkShapes(int trueWidth, int width) {
        requireDense(this, trueWidth, width);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("threshold", (double) threshold);
        return c;
    }
}
