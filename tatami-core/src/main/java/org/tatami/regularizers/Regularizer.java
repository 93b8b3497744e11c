package org.tatami.regularizers;

import java.util.Map;

/**
 * A penalty on a weight tensor that training adds to the loss, as Keras's {@code kernel_regularizer}
 * and {@code bias_regularizer}: the reported loss includes it, and its gradient joins the weights'.
 */
public interface Regularizer {
    /** The penalty of these weights, summed in double in index order. */
    double penalty(float[] weights);

    /** Adds the penalty's gradient with respect to each weight to {@code gradient}. */
    void addGradient(float[] weights, float[] gradient);

    /** Keras's class name: {@code L1}, {@code L2} or {@code L1L2}. */
    String className();

    /** Keras's config, e.g. {@code {"l2": 0.01}}. */
    Map<String, Object> config();

    /** Keras's names with their default factors: l1, l2 (0.01 each) and l1_l2 (0 and 0), and the class names. */
    static Regularizer of(String name) {
        return switch (name) {
            case "l1", "L1" -> new L1();
            case "l2", "L2" -> new L2();
            case "l1_l2", "l1l2", "L1L2" -> new L1L2(0, 0);
            default -> throw new IllegalArgumentException("unknown regularizer '" + name + "': expected l1, l2 or"
                    + " l1_l2");
        };
    }
}
