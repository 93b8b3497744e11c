package org.tatami.metrics;

/**
 * The share of positive targets predicted positive, {@code tp / (tp + fn)}, as Keras's {@code Recall}
 * ({@code "recall"}); 0 while no target is positive. Options as Keras's:
 * {@code new Recall().thresholds(0.7)}, {@code .topK(2)}, {@code .classId(3)}.
 */
public final class Recall extends ThresholdCounts<Recall> {
    public Recall() {
        super("recall");
    }

    @Override
    boolean countsFalsePositives() {
        return false;
    }
}
