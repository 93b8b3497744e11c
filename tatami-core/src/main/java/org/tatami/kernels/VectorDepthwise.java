package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The SIMD bodies of {@link Depthwise}, for at least one vector of channels. */
final class VectorDepthwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorDepthwise() {
    }

    /**
     * Four vectors of channels at a time are summed over the window in registers and stored once. The
     * window is walked by one flat loop: with a loop over columns nested in one over rows the JIT keeps
     * the sums in memory (boxes them), which made the forward pass six times slower. When d is not a
     * whole number of vectors the last vector ends at channel d and overlaps the one before it, whose
     * channels it computes again to the same bits: no masked (slow) operation, nothing past d touched.
     */
    static void windowSum(int d, int rows, int cols, float[] a, int a0, int aRow, int aCol, float[] b, int b0,
                          int bRow, int bCol, float[] init, float[] out, int o) {
        int taps = rows > 0 && cols > 0 ? rows * cols : 0;
        // The next position's offset is one column on, or at the end of a row the next row's first.
        int aWrap = aRow - (cols - 1) * aCol;
        int bWrap = bRow - (cols - 1) * bCol;
        int v = 0;
        for (; v + 4 * L <= d; v += 4 * L) {
            FloatVector s0 = start(init, v);
            FloatVector s1 = start(init, v + L);
            FloatVector s2 = start(init, v + 2 * L);
            FloatVector s3 = start(init, v + 3 * L);
            int ai = a0 + v;
            int bi = b0 + v;
            for (int t = 0, c = 0; t < taps; t++) {
                s0 = FloatVector.fromArray(S, a, ai).fma(FloatVector.fromArray(S, b, bi), s0);
                s1 = FloatVector.fromArray(S, a, ai + L).fma(FloatVector.fromArray(S, b, bi + L), s1);
                s2 = FloatVector.fromArray(S, a, ai + 2 * L).fma(FloatVector.fromArray(S, b, bi + 2 * L), s2);
                s3 = FloatVector.fromArray(S, a, ai + 3 * L).fma(FloatVector.fromArray(S, b, bi + 3 * L), s3);
                boolean wrap = ++c == cols;
                c = wrap ? 0 : c;
                ai += wrap ? aWrap : aCol;
                bi += wrap ? bWrap : bCol;
            }
            s0.intoArray(out, o + v);
            s1.intoArray(out, o + v + L);
            s2.intoArray(out, o + v + 2 * L);
            s3.intoArray(out, o + v + 3 * L);
        }
        for (; v < d; v += L) {
            int j = Math.min(v, d - L);
            FloatVector s = start(init, j);
            int ai = a0 + j;
            int bi = b0 + j;
            for (int t = 0, c = 0; t < taps; t++) {
                s = FloatVector.fromArray(S, a, ai).fma(FloatVector.fromArray(S, b, bi), s);
                boolean wrap = ++c == cols;
                c = wrap ? 0 : c;
                ai += wrap ? aWrap : aCol;
                bi += wrap ? bWrap : bCol;
            }
            s.intoArray(out, o + j);
        }
    }

    private static FloatVector start(float[] init, int j) {
        return init == null ? FloatVector.zero(S) : FloatVector.fromArray(S, init, j);
    }

    /**
     * Four vectors of channels at a time summed over the positions in registers, then added to acc.
     * Adding must not overlap: the channels past the last whole vector go one by one, with the same
     * fused multiply-adds.
     */
    static void sumProducts(int d, int count, float[] g, int g0, int gStep, float[] x, int x0, int xStep,
                            float[] acc, int a0) {
        int v = 0;
        for (; v + 4 * L <= d; v += 4 * L) {
            FloatVector s0 = FloatVector.fromArray(S, acc, a0 + v);
            FloatVector s1 = FloatVector.fromArray(S, acc, a0 + v + L);
            FloatVector s2 = FloatVector.fromArray(S, acc, a0 + v + 2 * L);
            FloatVector s3 = FloatVector.fromArray(S, acc, a0 + v + 3 * L);
            for (int p = 0, gi = g0 + v, xi = x0 + v; p < count; p++, gi += gStep, xi += xStep) {
                s0 = FloatVector.fromArray(S, g, gi).fma(FloatVector.fromArray(S, x, xi), s0);
                s1 = FloatVector.fromArray(S, g, gi + L).fma(FloatVector.fromArray(S, x, xi + L), s1);
                s2 = FloatVector.fromArray(S, g, gi + 2 * L).fma(FloatVector.fromArray(S, x, xi + 2 * L), s2);
                s3 = FloatVector.fromArray(S, g, gi + 3 * L).fma(FloatVector.fromArray(S, x, xi + 3 * L), s3);
            }
            s0.intoArray(acc, a0 + v);
            s1.intoArray(acc, a0 + v + L);
            s2.intoArray(acc, a0 + v + 2 * L);
            s3.intoArray(acc, a0 + v + 3 * L);
        }
        for (; v + L <= d; v += L) {
            FloatVector s = FloatVector.fromArray(S, acc, a0 + v);
            for (int p = 0, gi = g0 + v, xi = x0 + v; p < count; p++, gi += gStep, xi += xStep) {
                s = FloatVector.fromArray(S, g, gi).fma(FloatVector.fromArray(S, x, xi), s);
            }
            s.intoArray(acc, a0 + v);
        }
        for (; v < d; v++) {
            float s = acc[a0 + v];
            for (int p = 0, gi = g0 + v, xi = x0 + v; p < count; p++, gi += gStep, xi += xStep) {
                s = Math.fma(g[gi], x[xi], s);
            }
            acc[a0 + v] = s;
        }
    }
}
