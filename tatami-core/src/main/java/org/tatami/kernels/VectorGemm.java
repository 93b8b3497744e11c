package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix product behind {@link Gemm}: a register block of {@value #ROWS} rows by up to 4
 * vectors of C stays in registers while k runs, A values are broadcast and B rows are read in place.
 *
 * <p>Every element of C is the same chain of fused multiply-adds over k in ascending order, started
 * from 0 or from C, however the product is blocked: k runs in passes of at most {@value #DEPTH} steps,
 * and each pass resumes from the partial sums the previous one stored in C (storing a float loses
 * nothing). Results are therefore the same bits for any blocking and any split of the rows.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Rows per register block: 6 rows by 4 vectors of C are 24 accumulators, which with 4 vectors of B
     * and one broadcast A value fit the 32 vector registers of AVX-512.
     */
    private static final int ROWS = 6;
    /**
     * Steps of k per pass. A pass reads a panel of at most DEPTH rows by 4 vectors of B (32 KB with
     * 16 lanes), which stays in L1 while every row block of C uses it.
     */
    static final int DEPTH = 128;

    private VectorGemm() {
    }

    static int lanes() {
        return L;
    }

    /** Per-thread copies of B and C widened to one vector (grown as needed, never shrunk). */
    private static final ThreadLocal<float[][]> PACKS = ThreadLocal.withInitial(() -> new float[2][0]);

    static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                         int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (n < L) {
            narrow(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int vectors = (n + L - 1) / L;
        int p0 = 0;
        do {
            int kc = Math.min(DEPTH, k - p0);
            boolean fromC = accumulate || p0 > 0;
            for (int v = 0; v < vectors; ) {
                // Panels of 4 vectors; when there are several, the last holds at least 2 (5 = 3 + 2) for
                // the overlap below.
                int left = vectors - v;
                int nv = left <= 4 ? left : left == 5 ? 3 : 4;
                int j = v * L;
                // The last vector of the last panel ends at column n: when n is not a whole number of
                // vectors it overlaps the vector before it in the same register block, so both start
                // each pass from the same values of C and compute the shared columns to the same bits,
                // and no column past n is read or written.
                int last = v + nv == vectors ? n - L - j : (nv - 1) * L;
                for (int i = 0; i < m; i += ROWS) {
                    int rows = Math.min(ROWS, m - i);
                    int ai = aOff + i * aRow + p0 * aCol;
                    int bj = bOff + p0 * ldb + j;
                    int ci = cOff + i * ldc + j;
                    switch (nv) {
                        case 4 -> block4(rows, kc, a, ai, aRow, aCol, b, bj, ldb, c, ci, ldc, last, fromC);
                        case 3 -> block3(rows, kc, a, ai, aRow, aCol, b, bj, ldb, c, ci, ldc, last, fromC);
                        case 2 -> block2(rows, kc, a, ai, aRow, aCol, b, bj, ldb, c, ci, ldc, last, fromC);
                        default -> block1(rows, kc, a, ai, aRow, aCol, b, bj, ldb, c, ci, ldc, last, fromC);
                    }
                }
                v += nv;
            }
            p0 += kc;
        } while (p0 < k);
    }

    /**
     * A product narrower than one vector runs on copies of B and C zero-padded to one vector: masked
     * loads and stores are not compiled to SIMD on JDK 17. The padded columns are computed and dropped.
     */
    private static void narrow(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                               int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] packs = PACKS.get();
        if (packs[0].length < k * L) {
            packs[0] = new float[k * L];
        }
        if (packs[1].length < m * L) {
            packs[1] = new float[m * L];
        }
        float[] bw = packs[0];
        float[] cw = packs[1];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, bw, p * L, n);
            java.util.Arrays.fill(bw, p * L + n, (p + 1) * L, 0f);
        }
        if (accumulate) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(c, cOff + i * ldc, cw, i * L, n);
            }
        }
        multiply(m, L, k, a, aOff, aRow, aCol, bw, 0, L, cw, 0, L, accumulate);
        for (int i = 0; i < m; i++) {
            System.arraycopy(cw, i * L, c, cOff + i * ldc, n);
        }
    }

    /**
     * Row r of a block with {@code rows} real rows. Rows past the last real one repeat it: they compute
     * its values again and store them to the same place, so a short block needs no code of its own.
     */
    private static int row(int r, int rows) {
        return Math.min(r, rows - 1);
    }

    // One kernel per panel width: 6 rows by 4, 3, 2 or 1 vectors of C. `last` is the column offset of
    // the panel's last vector; `fromC` starts the sums from C instead of 0.

    private static void block4(int rows, int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, int last, boolean fromC) {
        int a0 = aOff;
        int c0 = cOff;
        int a1 = aOff + row(1, rows) * aRow;
        int a2 = aOff + row(2, rows) * aRow;
        int a3 = aOff + row(3, rows) * aRow;
        int a4 = aOff + row(4, rows) * aRow;
        int a5 = aOff + row(5, rows) * aRow;
        int c1 = cOff + row(1, rows) * ldc;
        int c2 = cOff + row(2, rows) * ldc;
        int c3 = cOff + row(3, rows) * ldc;
        int c4 = cOff + row(4, rows) * ldc;
        int c5 = cOff + row(5, rows) * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + 2 * L, fromC);
        FloatVector s03 = load(c, c0 + last, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + 2 * L, fromC);
        FloatVector s13 = load(c, c1 + last, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + 2 * L, fromC);
        FloatVector s23 = load(c, c2 + last, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + 2 * L, fromC);
        FloatVector s33 = load(c, c3 + last, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + 2 * L, fromC);
        FloatVector s43 = load(c, c4 + last, fromC);
        FloatVector s50 = load(c, c5, fromC);
        FloatVector s51 = load(c, c5 + L, fromC);
        FloatVector s52 = load(c, c5 + 2 * L, fromC);
        FloatVector s53 = load(c, c5 + last, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + last);
            int ap = p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + ap]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + ap]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + ap]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[a4 + ap]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
            x = FloatVector.broadcast(S, a[a5 + ap]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            s52 = x.fma(b2, s52);
            s53 = x.fma(b3, s53);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + last);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + last);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + last);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + last);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + last);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s52.intoArray(c, c5 + 2 * L);
        s53.intoArray(c, c5 + last);
    }

    private static void block3(int rows, int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, int last, boolean fromC) {
        int a0 = aOff;
        int c0 = cOff;
        int a1 = aOff + row(1, rows) * aRow;
        int a2 = aOff + row(2, rows) * aRow;
        int a3 = aOff + row(3, rows) * aRow;
        int a4 = aOff + row(4, rows) * aRow;
        int a5 = aOff + row(5, rows) * aRow;
        int c1 = cOff + row(1, rows) * ldc;
        int c2 = cOff + row(2, rows) * ldc;
        int c3 = cOff + row(3, rows) * ldc;
        int c4 = cOff + row(4, rows) * ldc;
        int c5 = cOff + row(5, rows) * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + L, fromC);
        FloatVector s02 = load(c, c0 + last, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + L, fromC);
        FloatVector s12 = load(c, c1 + last, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + L, fromC);
        FloatVector s22 = load(c, c2 + last, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + L, fromC);
        FloatVector s32 = load(c, c3 + last, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + L, fromC);
        FloatVector s42 = load(c, c4 + last, fromC);
        FloatVector s50 = load(c, c5, fromC);
        FloatVector s51 = load(c, c5 + L, fromC);
        FloatVector s52 = load(c, c5 + last, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + last);
            int ap = p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            x = FloatVector.broadcast(S, a[a1 + ap]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            x = FloatVector.broadcast(S, a[a2 + ap]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            x = FloatVector.broadcast(S, a[a3 + ap]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            x = FloatVector.broadcast(S, a[a4 + ap]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            x = FloatVector.broadcast(S, a[a5 + ap]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            s52 = x.fma(b2, s52);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + last);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + last);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + last);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + last);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + last);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s52.intoArray(c, c5 + last);
    }

    private static void block2(int rows, int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, int last, boolean fromC) {
        int a0 = aOff;
        int c0 = cOff;
        int a1 = aOff + row(1, rows) * aRow;
        int a2 = aOff + row(2, rows) * aRow;
        int a3 = aOff + row(3, rows) * aRow;
        int a4 = aOff + row(4, rows) * aRow;
        int a5 = aOff + row(5, rows) * aRow;
        int c1 = cOff + row(1, rows) * ldc;
        int c2 = cOff + row(2, rows) * ldc;
        int c3 = cOff + row(3, rows) * ldc;
        int c4 = cOff + row(4, rows) * ldc;
        int c5 = cOff + row(5, rows) * ldc;
        FloatVector s00 = load(c, c0, fromC);
        FloatVector s01 = load(c, c0 + last, fromC);
        FloatVector s10 = load(c, c1, fromC);
        FloatVector s11 = load(c, c1 + last, fromC);
        FloatVector s20 = load(c, c2, fromC);
        FloatVector s21 = load(c, c2 + last, fromC);
        FloatVector s30 = load(c, c3, fromC);
        FloatVector s31 = load(c, c3 + last, fromC);
        FloatVector s40 = load(c, c4, fromC);
        FloatVector s41 = load(c, c4 + last, fromC);
        FloatVector s50 = load(c, c5, fromC);
        FloatVector s51 = load(c, c5 + last, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + last);
            int ap = p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a1 + ap]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a2 + ap]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a3 + ap]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, a[a4 + ap]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(S, a[a5 + ap]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + last);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + last);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + last);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + last);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + last);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + last);
    }

    private static void block1(int rows, int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, int last, boolean fromC) {
        int a0 = aOff;
        int c0 = cOff;
        int a1 = aOff + row(1, rows) * aRow;
        int a2 = aOff + row(2, rows) * aRow;
        int a3 = aOff + row(3, rows) * aRow;
        int a4 = aOff + row(4, rows) * aRow;
        int a5 = aOff + row(5, rows) * aRow;
        int c1 = cOff + row(1, rows) * ldc;
        int c2 = cOff + row(2, rows) * ldc;
        int c3 = cOff + row(3, rows) * ldc;
        int c4 = cOff + row(4, rows) * ldc;
        int c5 = cOff + row(5, rows) * ldc;
        FloatVector s00 = load(c, c0 + last, fromC);
        FloatVector s10 = load(c, c1 + last, fromC);
        FloatVector s20 = load(c, c2 + last, fromC);
        FloatVector s30 = load(c, c3 + last, fromC);
        FloatVector s40 = load(c, c4 + last, fromC);
        FloatVector s50 = load(c, c5 + last, fromC);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp + last);
            int ap = p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
            s00 = x.fma(b0, s00);
            x = FloatVector.broadcast(S, a[a1 + ap]);
            s10 = x.fma(b0, s10);
            x = FloatVector.broadcast(S, a[a2 + ap]);
            s20 = x.fma(b0, s20);
            x = FloatVector.broadcast(S, a[a3 + ap]);
            s30 = x.fma(b0, s30);
            x = FloatVector.broadcast(S, a[a4 + ap]);
            s40 = x.fma(b0, s40);
            x = FloatVector.broadcast(S, a[a5 + ap]);
            s50 = x.fma(b0, s50);
        }
        s00.intoArray(c, c0 + last);
        s10.intoArray(c, c1 + last);
        s20.intoArray(c, c2 + last);
        s30.intoArray(c, c3 + last);
        s40.intoArray(c, c4 + last);
        s50.intoArray(c, c5 + last);
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

    private static FloatVector load(float[] c, int off, boolean fromC) {
        return fromC ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
    }
}
