package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD bodies of {@link Elementwise}; the same selections, lane by lane. */
final class VectorElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorElementwise() {
    }

    static void relu(float[] v, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, v, i);
            zero.blend(x, x.compare(VectorOperators.GT, 0f)).intoArray(v, i);
        }
        for (; i < to; i++) {
            v[i] = v[i] > 0f ? v[i] : 0f;
        }
    }

    static void reluBackward(float[] y, float[] dy, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dy, i);
            zero.blend(d, FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f)).intoArray(dy, i);
        }
        for (; i < to; i++) {
            dy[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
