package org.tatami.layers;

import java.util.HashMap;
import java.util.Map;

/** Automatic names as Keras gives them: {@code dense}, {@code dense_1}, {@code dense_2}, ... */
public final class Names {
    private static final Map<String, Integer> COUNTS = new HashMap<>();

    private Names() {
    }

    public static synchronized String unique(String base) {
        int n = COUNTS.merge(base, 1, Integer::sum) - 1;
        return n == 0 ? base : base + "_" + n;
    }

    /** Starts naming afresh ({@code Tatami.clearSession()}). */
    public static synchronized void reset() {
        COUNTS.clear();
    }
}
