package org.tatami.regularizers;

import java.util.Map;

/** {@code l2 * sum(w^2)}, as Keras's L2 (default l2 = 0.01). */
public final class L2 extends L1L2 {
    public L2() {
        this(0.01);
    }

    public L2(double l2) {
        super(0, l2);
    }

    @Override
    public String className() {
        return "L2";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("l2", decimal(l2()));
    }
}
