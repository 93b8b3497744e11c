package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix product behind {@link Gemm}: a register block of 4 rows by 2 vectors of C stays in
 * registers for the whole k loop, B rows stream through, A values are broadcast.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGemm() {
    }

    static int lanes() {
        return L;
    }

    /** Per-thread copies of B and C widened to whole vectors (grown as needed, never shrunk). */
    private static final ThreadLocal<float[][]> PACKS = ThreadLocal.withInitial(() -> new float[2][0]);

    static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                         int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int tail = n % L;
        if (tail == 0) {
            blocks(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        // A width that is not a whole number of vectors would leave its last columns to scalar loops,
        // 16 times slower per column: run on zero-padded copies instead. Each output is still the same
        // fused multiply-add chain over k, so the results are the same bits.
        int wide = n - tail + L;
        float[][] packs = PACKS.get();
        if (packs[0].length < k * wide) {
            packs[0] = new float[k * wide];
        }
        if (packs[1].length < m * wide) {
            packs[1] = new float[m * wide];
        }
        float[] bw = packs[0];
        float[] cw = packs[1];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, bw, p * wide, n);
            java.util.Arrays.fill(bw, p * wide + n, (p + 1) * wide, 0f);
        }
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(c, cOff + i * ldc, cw, i * wide, n);
            }
        }
        blocks(m, wide, k, a, aOff, aRow, aCol, bw, 0, wide, cw, 0, wide, accumulate);
        for (int i = 0; i < m; i++) {
            System.arraycopy(cw, i * wide, c, cOff + i * ldc, n);
        }
    }

    private static void blocks(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                               int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            rows4(i, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
        for (; i < m; i++) {
            row1(i, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    private static void rows4(int i, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                              int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int a0 = aOff + i * aRow;
        int a1 = a0 + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int c0 = cOff + i * ldc;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector s00 = load(c, c0 + j, accumulate);
            FloatVector s01 = load(c, c0 + j + L, accumulate);
            FloatVector s10 = load(c, c1 + j, accumulate);
            FloatVector s11 = load(c, c1 + j + L, accumulate);
            FloatVector s20 = load(c, c2 + j, accumulate);
            FloatVector s21 = load(c, c2 + j + L, accumulate);
            FloatVector s30 = load(c, c3 + j, accumulate);
            FloatVector s31 = load(c, c3 + j + L, accumulate);
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                int ap = p * aCol;
                FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
                s00 = v.fma(b0, s00);
                s01 = v.fma(b1, s01);
                v = FloatVector.broadcast(S, a[a1 + ap]);
                s10 = v.fma(b0, s10);
                s11 = v.fma(b1, s11);
                v = FloatVector.broadcast(S, a[a2 + ap]);
                s20 = v.fma(b0, s20);
                s21 = v.fma(b1, s21);
                v = FloatVector.broadcast(S, a[a3 + ap]);
                s30 = v.fma(b0, s30);
                s31 = v.fma(b1, s31);
            }
            s00.intoArray(c, c0 + j);
            s01.intoArray(c, c0 + j + L);
            s10.intoArray(c, c1 + j);
            s11.intoArray(c, c1 + j + L);
            s20.intoArray(c, c2 + j);
            s21.intoArray(c, c2 + j + L);
            s30.intoArray(c, c3 + j);
            s31.intoArray(c, c3 + j + L);
        }
        for (; j + L <= n; j += L) {
            FloatVector s0 = load(c, c0 + j, accumulate);
            FloatVector s1 = load(c, c1 + j, accumulate);
            FloatVector s2 = load(c, c2 + j, accumulate);
            FloatVector s3 = load(c, c3 + j, accumulate);
            for (int p = 0; p < k; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + j);
                int ap = p * aCol;
                s0 = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, s0);
                s1 = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, s1);
                s2 = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, s2);
                s3 = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, s3);
            }
            s0.intoArray(c, c0 + j);
            s1.intoArray(c, c1 + j);
            s2.intoArray(c, c2 + j);
            s3.intoArray(c, c3 + j);
        }
        // The last columns one by one: masked vector stores are not compiled to SIMD on every JDK.
        for (; j < n; j++) {
            float s0 = accumulate ? c[c0 + j] : 0f;
            float s1 = accumulate ? c[c1 + j] : 0f;
            float s2 = accumulate ? c[c2 + j] : 0f;
            float s3 = accumulate ? c[c3 + j] : 0f;
            for (int p = 0; p < k; p++) {
                float bv = b[bOff + p * ldb + j];
                int ap = p * aCol;
                s0 = Math.fma(a[a0 + ap], bv, s0);
                s1 = Math.fma(a[a1 + ap], bv, s1);
                s2 = Math.fma(a[a2 + ap], bv, s2);
                s3 = Math.fma(a[a3 + ap], bv, s3);
            }
            c[c0 + j] = s0;
            c[c1 + j] = s1;
            c[c2 + j] = s2;
            c[c3 + j] = s3;
        }
    }

    private static void row1(int i, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                             int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int a0 = aOff + i * aRow;
        int c0 = cOff + i * ldc;
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector s = load(c, c0 + j, accumulate);
            for (int p = 0; p < k; p++) {
                s = FloatVector.broadcast(S, a[a0 + p * aCol]).fma(FloatVector.fromArray(S, b, bOff + p * ldb + j), s);
            }
            s.intoArray(c, c0 + j);
        }
        for (; j < n; j++) {
            float s = accumulate ? c[c0 + j] : 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[a0 + p * aCol], b[bOff + p * ldb + j], s);
            }
            c[c0 + j] = s;
        }
    }

    /** A dot product of k floats: vector partial sums, then the lanes added in a fixed order. */
    static float dot(int k, float[] a, int aOff, float[] b, int bOff) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            s0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), s0);
            s1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, bOff + p + L), s1);
        }
        for (; p + L <= k; p += L) {
            s0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            s = Math.fma(a[aOff + p], b[bOff + p], s);
        }
        return s;
    }

    private static FloatVector load(float[] c, int off, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
    }

}
