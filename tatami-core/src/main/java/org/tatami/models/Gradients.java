package org.tatami.models;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What one training step computes before the optimizer moves anything ({@link Model#computeGradients}):
 * per output the summed loss and each metric's state (sums, see {@code Metric}), the samples they cover, and one
 * gradient array per trainable weight. The gradients of the shares of a batch, each computed with the
 * whole batch's size, add up ({@link #add}) to the batch's, which {@link Model#applyGradients} applies.
 * Serializable, so that the shares can be computed on other machines.
 */
public final class Gradients implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] lossSums;
    private final double[][][] metrics;
    private long samples;
    private final float[][] values;

    public Gradients(double[] lossSums, double[][][] metrics, long samples, float[][] values) {
        if (lossSums.length != metrics.length) {
            throw new IllegalArgumentException(lossSums.length + " loss sums but metric states of " + metrics.length
                    + " outputs");
        }
        this.lossSums = lossSums;
        this.metrics = metrics;
        this.samples = samples;
        this.values = values;
    }

    /** Per output, the loss summed over the samples (each sample's loss, not divided by anything). */
    public double[] lossSums() {
        return lossSums;
    }

    /** Per output and metric, the metric's state over the samples: {@code metrics()[output][metric]}. */
    public double[][][] metrics() {
        return metrics;
    }

    public long samples() {
        return samples;
    }

    /** One array per trainable weight, in the order {@link Model#applyGradients} takes them. */
    public float[][] values() {
        return values;
    }

    /**
     * Adds {@code other}'s figures and gradients to these, element by element. Float addition is not
     * associative: adding the same shares in the same order gives the same bits.
     */
    public Gradients add(Gradients other) {
        if (other.values.length != values.length || other.lossSums.length != lossSums.length) {
            throw new IllegalArgumentException("gradients of " + other.values.length + " weights and "
                    + other.lossSums.length + " outputs cannot be added to gradients of " + values.length
                    + " weights and " + lossSums.length + " outputs");
        }
        for (int k = 0; k < lossSums.length; k++) {
            lossSums[k] += other.lossSums[k];
            for (int m = 0; m < metrics[k].length; m++) {
                Engine.addInto(metrics[k][m], other.metrics[k][m]);
            }
        }
        samples += other.samples;
        for (int p = 0; p < values.length; p++) {
            float[] sum = values[p];
            float[] part = other.values[p];
            if (part.length != sum.length) {
                throw new IllegalArgumentException("gradient " + p + " has " + part.length + " values, expected "
                        + sum.length);
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += part[i];
            }
        }
        return this;
    }

    @Override
    public String toString() {
        return "Gradients[" + samples + " samples, loss sums " + Arrays.toString(lossSums) + ", " + values.length
                + " arrays]";
    }
}
