package org.tatami.metrics;

import org.tatami.tensor.Tensor;

/**
 * The (weighted) mean of the values given, as Keras's {@code Mean}: {@code updateState(values)} or
 * {@code updateState(values, sampleWeight)}; a sample with several values counts as their mean.
 *
 * <pre>{@code
 * Mean m = new Mean();
 * m.updateState(Tensor.vector(1, 3, 5, 7), Tensor.vector(1, 1, 0, 0));
 * m.result();   // 2.0
 * }</pre>
 *
 * As in Keras, it averages values, not a function of targets and predictions, so {@code compile}
 * refuses it: for that, use {@link MeanMetricWrapper}.
 */
public final class Mean extends MeanMetricWrapper {
    public Mean() {
        super("mean");
    }

    /** Adds {@code values}, the first axis being the samples. */
    public void updateState(Tensor values) {
        updateState(values, (Tensor) null);
    }

    /** Adds {@code values} with a weight per sample, as Keras's {@code update_state(values, sample_weight)}. */
    @Override
    public void updateState(Tensor values, Tensor sampleWeight) {
        super.updateState(values, values, sampleWeight);
    }

    @Override
    protected double rowValue(float[] yTrue, int t, int trueWidth, float[] values, int p, int width) {
        double sum = 0;
        for (int j = 0; j < width; j++) {
            sum += values[p + j];
        }
        return sum / width;
    }
}
