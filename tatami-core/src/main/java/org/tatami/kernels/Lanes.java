package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;

/** Lane arithmetic the kernels share. */
final class Lanes {
    private Lanes() {
    }

    /** The lanes added one by one in lane order: the same sum on every JDK, whatever its reduction. */
    static float sum(FloatVector v) {
        return sum(v, 0f);
    }

    /** {@code start} plus the lanes, added one by one in lane order. */
    static float sum(FloatVector v, float start) {
        float s = start;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
