package org.tatami.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code Gemm.nn} and {@code Gemm.tn}, and both paths behind them (scalar, and SIMD when the Vector
 * API is present), against a double-precision triple loop.
 *
 * <p>Operands sit at offsets inside larger arrays with leading dimensions wider than a row; every
 * unused cell of A and B is NaN (reading one poisons the result) and every cell of C outside the
 * block is a sentinel that must survive. Without {@code accumulate} the block of C starts as NaN,
 * so it must be overwritten, not read.
 *
 * <p>Tolerance: the classic bound for a float32 sum of k products onto c0, |error| <= (k+1) u
 * (|c0| + sum |a b|) with u = 2^-24, with one extra u of slack for the rounding of the reference;
 * it holds for fused and unfused multiply-adds alike, so it never flakes, and any indexing mistake
 * is off by whole products, far outside it.
 */
class GemmTest {
    private static final float OUTSIDE = -12345.5f;

    /** A matrix product implementation under test: one of the paths, or the public dispatch. */
    @FunctionalInterface
    interface Kernel {
        void multiply(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                      int ldb, float[] c, int cOff, int ldc, boolean accumulate);
    }

    private static final Kernel PUBLIC = (t, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, acc) -> {
        if (t) {
            Gemm.tn(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, acc);
        } else {
            Gemm.nn(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, acc);
        }
    };

    private static final Kernel SCALAR = (t, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, acc) ->
            ScalarGemm.multiply(m, n, k, a, ao, t ? 1 : lda, t ? lda : 1, b, bo, ldb, c, co, ldc, acc);

    private static final Kernel VECTOR = (t, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, acc) ->
            VectorGemm.multiply(m, n, k, a, ao, t ? 1 : lda, t ? lda : 1, b, bo, ldb, c, co, ldc, acc);

    /** The paths; the public entry points are one of them, checked on their own in {@link #namedSizes}. */
    private static List<Kernel> paths() {
        List<Kernel> out = new ArrayList<>(List.of(SCALAR));
        if (Simd.ENABLED) {
            out.add(VECTOR);
        }
        return out;
    }

    @Test
    void namedSizes() {
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 100, 507}, {4, 16, 8}, {5, 2, 3}, {1, 67, 2},
            {67, 1, 5}, {2, 3, 0}};
        SplittableRandom rnd = new SplittableRandom(1);
        List<Kernel> kernels = new ArrayList<>(paths());
        kernels.add(PUBLIC);
        for (Kernel kernel : kernels) {
            for (int[] s : sizes) {
                for (boolean transA : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        // The largest size once per layout and path: before the JIT has compiled the SIMD
                        // kernel it runs slowly, and this size would dominate the test's time.
                        if (s[2] < 500 || acc == transA && kernel != PUBLIC) {
                            check(kernel, transA, s[0], s[1], s[2], acc, rnd);
                        }
                    }
                }
            }
        }
    }

    /** Every row count up to a 6-row block and into the next, every width up to 6 vectors. */
    @Test
    void allSmallShapes() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (Kernel kernel : paths()) {
            for (int m = 1; m <= 8; m++) {
                for (int n = 1; n <= Math.max(5 * Simd.lanes(), 10) + 1; n++) {
                    check(kernel, m % 2 == 0, m, n, 1 + (m + n) % 4, n % 3 == 0, rnd);
                }
            }
        }
    }

    /**
     * Each element of C is summed over k in ascending order whatever block it falls in, so computing
     * C row by row gives the same bits as in one call: the engine's results must not depend on how
     * a batch is cut into chunks.
     */
    @Test
    void splittingTheRowsChangesNoBits() {
        int m = 13;
        int n = 2 * Simd.lanes() + 5;
        int k = 29;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        for (Kernel kernel : paths()) {
            for (boolean transA : new boolean[] {false, true}) {
                int lda = transA ? m : k;
                float[] whole = new float[m * n];
                kernel.multiply(transA, m, n, k, a, 0, lda, b, 0, n, whole, 0, n, false);
                float[] rows = new float[m * n];
                for (int i = 0; i < m; i++) {
                    kernel.multiply(transA, 1, n, k, a, transA ? i : i * k, lda, b, 0, n, rows, i * n, n, false);
                }
                assertArrayEquals(whole, rows);
            }
        }
    }

    /**
     * A B packed once by {@link Gemm#pack} gives the bits of packing it in each product, for shapes
     * across every packing boundary (partial column panels, B wider than a packed block, k across
     * passes of both depths), with an offset B and C, and accumulating; a packed B of another shape is
     * refused.
     */
    @Test
    void packedBGivesTheBitsOfPackingEachTime() {
        SplittableRandom rnd = new SplittableRandom(4);
        int[][] sizes = {{7, 3, 5}, {12, 2 * Simd.lanes() + 3, 40}, {11, 64, VectorGemm.LONG_DEPTH + 7},
            {6, 65, VectorGemm.DEPTH + 9}, {6, 100, VectorGemm.LONG_DEPTH + 9}, {5, VectorGemm.WIDTH + 19, 33}};
        Gemm.PackedB reuse = null;
        for (int[] size : sizes) {
            int m = size[0];
            int n = size[1];
            int k = size[2];
            float[] a = random(rnd, m * k);
            float[] b = random(rnd, 3 + k * n);
            float[] expected = random(rnd, 2 + m * n);
            float[] c = expected.clone();
            Gemm.nn(m, n, k, a, 0, k, b, 3, n, expected, 2, n, true);
            reuse = Gemm.pack(k, n, b, 3, n, reuse);
            Gemm.nn(m, n, k, a, 0, k, reuse, c, 2, n, true);
            assertArrayEquals(expected, c, m + "x" + n + "x" + k);
        }
        Gemm.PackedB packed = reuse;
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.nn(1, 2, 3, new float[3], 0, 3, packed, new float[2], 0, 2, false));
    }

    /**
     * The SIMD path computes each element of C as one chain of fused multiply-adds over k in ascending
     * order, whatever block of rows, columns and k it falls in: its results are the bits of that chain
     * worked out element by element, for shapes that leave partial blocks everywhere (rows past a
     * block, widths between whole vectors, k across passes) with a strided A for both layouts.
     */
    @Test
    void simdPathIsTheFmaChainBitForBit() {
        assumeTrue(Simd.ENABLED);
        int l = Simd.lanes();
        int depth = VectorGemm.DEPTH;
        int[] ms = {1, 5, 7, 13};
        int[] ns = {1, l - 1, l, l + 1, 2 * l + 3, 4 * l + 5, 5 * l + 3, 6 * l + 4, 8 * l + 1, 9 * l + 7};
        int[] ks = {0, 2, depth + 3, 2 * depth + 1, VectorGemm.LONG_DEPTH + 7};
        SplittableRandom rnd = new SplittableRandom(4);
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    for (boolean transA : new boolean[] {false, true}) {
                        for (boolean acc : new boolean[] {false, true}) {
                            checkExact(transA, m, n, k, acc, rnd);
                        }
                    }
                }
            }
        }
    }

    /**
     * A dot product on the SIMD path sums its products in 32 partial sums (product p into sum p mod 32),
     * adds them in order, then the last k mod 32 products one by one: the bits of that order worked out
     * here one product at a time, which names no vector width, so every width must give them.
     */
    @Test
    void simdDotIsTheFixedSplitOrderBitForBit() {
        assumeTrue(Simd.ENABLED);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int k : new int[] {0, 1, 31, 32, 33, 64, 100, 507, 43_264 + 7}) {
            float[] a = random(rnd, k + 3);
            float[] b = random(rnd, k + 5);
            float[] partial = new float[VectorGemm.SPLIT];
            int whole = k - k % VectorGemm.SPLIT;
            for (int p = 0; p < whole; p++) {
                partial[p % 32] = Math.fma(a[3 + p], b[5 + p], partial[p % 32]);
            }
            float expected = 0f;
            for (float v : partial) {
                expected += v;
            }
            for (int p = whole; p < k; p++) {
                expected = Math.fma(a[3 + p], b[5 + p], expected);
            }
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(VectorGemm.dot(k, a, 3, b, 5)),
                    "dot of " + k);
        }
    }

    @Test
    void handExample() {
        // [1 2 3; 4 5 6] * [1 0; 0 1; 1 1] = [4 5; 10 11]; the same A stored transposed gives the same.
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] at = {1, 4, 2, 5, 3, 6};
        float[] b = {1, 0, 0, 1, 1, 1};
        float[] c = new float[4];
        Gemm.nn(2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[] {4, 5, 10, 11}, c);
        Gemm.tn(2, 2, 3, at, 0, 2, b, 0, 2, c, 0, 2, true);
        assertArrayEquals(new float[] {8, 10, 20, 22}, c);
    }

    private static void check(Kernel kernel, boolean transA, int m, int n, int k, boolean accumulate,
                              SplittableRandom rnd) {
        String what = (transA ? "tn " : "nn ") + m + "x" + n + "x" + k + (accumulate ? " accumulate" : "");
        // A is [m,k] (nn) or stored as [k,m] (tn), with 2 spare columns per row.
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int aOff = 3;
        int lda = aCols + 2;
        float[] a = filled(aOff + aRows * lda + 4, Float.NaN);
        int bOff = 5;
        int ldb = n + 3;
        float[] b = filled(bOff + k * ldb + 4, Float.NaN);
        for (int r = 0; r < aRows; r++) {
            for (int s = 0; s < aCols; s++) {
                a[aOff + r * lda + s] = (float) rnd.nextDouble(-1, 1);
            }
        }
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                b[bOff + p * ldb + j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        int cOff = 7;
        int ldc = n + 4;
        float[] c = filled(cOff + m * ldc + 6, OUTSIDE);
        float[] c0 = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c0[i * n + j] = (float) rnd.nextDouble(-1, 1);
                c[cOff + i * ldc + j] = accumulate ? c0[i * n + j] : Float.NaN;
            }
        }

        kernel.multiply(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);

        double u = Math.ulp(1f) / 2;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double start = accumulate ? c0[i * n + j] : 0;
                double sum = start;
                double abs = Math.abs(start);
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double prod = av * b[bOff + p * ldb + j];
                    sum += prod;
                    abs += Math.abs(prod);
                }
                double bound = (k + 2) * u * abs;
                float got = c[cOff + i * ldc + j];
                assertTrue(Math.abs(got - sum) <= bound, what + " C[" + i + "," + j + "] = " + got + ", expected "
                        + sum + " within " + bound);
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertEquals(OUTSIDE, c[idx], what + ": C[" + idx + "] outside the block was written");
            }
        }
    }

    private static void checkExact(boolean transA, int m, int n, int k, boolean accumulate, SplittableRandom rnd) {
        int lda = (transA ? m : k) + 3;
        int aOff = 2;
        float[] a = filled(aOff + (transA ? k : m) * lda, Float.NaN);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                a[aOff + (transA ? p * lda + i : i * lda + p)] = (float) rnd.nextDouble(-1, 1);
            }
        }
        int ldb = n + 1;
        int bOff = 3;
        float[] b = filled(bOff + k * ldb, Float.NaN);
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                b[bOff + p * ldb + j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        int ldc = n + 2;
        int cOff = 1;
        float[] c = filled(cOff + m * ldc + 1, OUTSIDE);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = accumulate ? (float) rnd.nextDouble(-1, 1) : Float.NaN;
            }
        }
        float[] expected = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = accumulate ? c[cOff + i * ldc + j] : 0f;
                for (int p = 0; p < k; p++) {
                    float av = a[aOff + (transA ? p * lda + i : i * lda + p)];
                    s = Math.fma(av, b[bOff + p * ldb + j], s);
                }
                expected[cOff + i * ldc + j] = s;
            }
        }
        VECTOR.multiply(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        assertArrayEquals(expected, c, (transA ? "tn " : "nn ") + m + "x" + n + "x" + k
                + (accumulate ? " accumulate" : ""));
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }
}
