package org.tatami.regularizers;

import java.util.Map;

/** {@code l1 * sum(|w|)}, as Keras's L1 (default l1 = 0.01). */
public final class L1 extends L1L2 {
    public L1() {
        this(0.01);
    }

    public L1(double l1) {
        super(l1, 0);
    }

    @Override
    public String className() {
        return "L1";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("l1", decimal(l1()));
    }
}
