package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD bodies of {@link Elementwise}; the same selections, lane by lane. */
final class VectorElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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

    // Whole vectors along a row, then the floats past the last whole vector one by one (the same
    // additions, so the same bits); sumRows covers them with a last vector that ends at w and overlaps
    // the one before it, computing the overlapped sums again, to the same bits.

    static void addToRows(float[] y, int from, int to, int w, float[] b) {
        int whole = w - w % L;
        for (int r = from; r < to; r++) {
            int o = r * w;
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, y, o + j).add(FloatVector.fromArray(S, b, j)).intoArray(y, o + j);
            }
            for (int j = whole; j < w; j++) {
                y[o + j] += b[j];
            }
        }
    }

    static void sumRows(float[] x, int rows, int w, float[] sum) {
        int j0 = 0;
        // Four vectors of columns at a time: four independent chains of additions, and each row's
        // floats there read in one go (a vector at a time went over the whole array once per vector).
        for (; j0 + 4 * L <= w; j0 += 4 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int r = 0, o = j0; r < rows; r++, o += w) {
                s0 = s0.add(FloatVector.fromArray(S, x, o));
                s1 = s1.add(FloatVector.fromArray(S, x, o + L));
                s2 = s2.add(FloatVector.fromArray(S, x, o + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, x, o + 3 * L));
            }
            s0.intoArray(sum, j0);
            s1.intoArray(sum, j0 + L);
            s2.intoArray(sum, j0 + 2 * L);
            s3.intoArray(sum, j0 + 3 * L);
        }
        for (; j0 < w; j0 += L) {
            int j = Math.min(j0, w - L);
            FloatVector s = FloatVector.zero(S);
            for (int r = 0, o = j; r < rows; r++, o += w) {
                s = s.add(FloatVector.fromArray(S, x, o));
            }
            s.intoArray(sum, j);
        }
    }

    static void addInto(float[] dst, int dOff, float[] src, int sOff, int length) {
        int whole = length - length % L;
        for (int i = 0; i < whole; i += L) {
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        }
        for (int i = whole; i < length; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }
}
