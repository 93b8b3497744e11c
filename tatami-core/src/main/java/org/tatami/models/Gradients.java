package org.tatami.models;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What one training step computes before the optimizer moves anything ({@link Model#computeGradients}):
 * per output the summed loss and the count of correct predictions, the samples they cover, and one
 * gradient array per trainable weight. The gradients of the shares of a batch, each computed with the
 * whole batch's size, add up ({@link #add}) to the batch's, which {@link Model#applyGradients} applies.
 * Serializable, so that the shares can be computed on other machines.
 */
public final class Gradients implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] lossSums;
    private final long[] correct;
    private long samples;
    private final float[][] values;

    public Gradients(double[] lossSums, long[] correct, long samples, float[][] values) {
        if (lossSums.length != correct.length) {
            throw new IllegalArgumentException(lossSums.length + " loss sums but " + correct.length + " correct counts");
        }
        this.lossSums = lossSums;
        this.correct = correct;
        this.samples = samples;
        this.values = values;
    }

    /** Per output, the loss summed over the samples (each sample's loss, not divided by anything). */
    public double[] lossSums() {
        return lossSums;
    }

    /** Per output, the correct predictions among the samples (0 without an accuracy metric). */
    public long[] correct() {
        return correct;
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
            correct[k] += other.correct[k];
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
