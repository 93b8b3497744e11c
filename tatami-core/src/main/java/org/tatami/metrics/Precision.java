package org.tatami.metrics;

/**
 * The share of positive predictions that are right, {@code tp / (tp + fp)}, as Keras's {@code Precision}
 * ({@code "precision"}); 0 while nothing is predicted positive. Options as Keras's:
 * {@code new Precision().thresholds(0.7)}, {@code .topK(2)}, {@code .classId(3)}.
 */
public final class Precision extends ThresholdCounts<Precision> {
    public Precision() {
        super("precision");
    }

    @Override
    boolean countsFalsePositives() {
        return true;
    }
}
