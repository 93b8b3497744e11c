package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;

/** Lane arithmetic the kernels share. */
final class Lanes {
    private Lanes() {
    }

    /** The lanes added one by one in lane order: the same sum on every JDK, whatever its reduction. */
    static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
