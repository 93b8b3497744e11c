package org.tatami.kernels;

/**
 * Single-threaded matrix products on row-major float arrays: {@code C (+)= op(A) * B}.
 *
 * <p>{@code A} is addressed by a row stride and a column stride, so one kernel serves both
 * {@code A * B} ({@link #nn}) and {@code A^T * B} ({@link #tn}). Each element of C is a sum over k in
 * ascending order, so results do not depend on how callers split the work; on the SIMD path it is a
 * chain of fused multiply-adds, the same bits at every vector width. The SIMD path (Vector API) is used
 * when the {@code jdk.incubator.vector} module is present; the scalar path gives the same results within
 * float rounding.
 */
public final class Gemm {
    private Gemm() {
    }

    /** {@code C[m,n] (+)= A[m,k] * B[k,n]}. */
    public static void nn(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** {@code C[m,n] (+)= A^T * B} where A is stored as [k,m]. */
    public static void tn(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * {@code C[m,n] (+)= A * B^T} where B is stored as [n,k]: dot products along k, for products whose
     * n is too small to fill a vector (the weight gradient of a convolution with few filters). The SIMD
     * path sums each in an order fixed whatever the vector width ({@code VectorGemm.dot}).
     */
    public static void nt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float dot = Simd.ENABLED ? VectorGemm.dot(k, a, aOff + i * lda, b, bOff + j * ldb)
                        : ScalarGemm.dot(k, a, aOff + i * lda, b, bOff + j * ldb);
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + dot : dot;
            }
        }
    }

    /**
     * A (k, n) B packed once for many products {@code A * B} with it (a layer's kernel over the blocks of
     * a chunk): the panels the SIMD kernels read, which {@link #nn(int, int, int, float[], int, int,
     * PackedB, float[], int, int, boolean)} would otherwise pack again on every call. B must not change
     * while its packed copy is in use (the plain-Java path reads B itself).
     */
    public static final class PackedB {
        private final int k;
        private final int n;
        private final float[] b;
        private final int bOff;
        private final int ldb;
        private final float[] panels;

        private PackedB(int k, int n, float[] b, int bOff, int ldb, float[] panels) {
            this.k = k;
            this.n = n;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.panels = panels;
        }

        /** The panels as {@code VectorGemm.packAll} wrote them (null on the plain-Java path). */
        float[] panels() {
            return panels;
        }
    }

    /** B [k,n] packed for {@code nn} products; {@code reuse} (or null) lends its memory when large enough. */
    public static PackedB pack(int k, int n, float[] b, int bOff, int ldb, PackedB reuse) {
        if (!Simd.ENABLED) {
            return new PackedB(k, n, b, bOff, ldb, null);
        }
        int size = VectorGemm.packedSize(k, n);
        float[] panels = reuse != null && reuse.panels != null && reuse.panels.length >= size ? reuse.panels
                : new float[size];
        VectorGemm.packAll(k, n, b, bOff, ldb, panels);
        return new PackedB(k, n, b, bOff, ldb, panels);
    }

    /** {@code C[m,n] (+)= A[m,k] * B[k,n]} with B packed by {@link #pack}: the same bits as packing it here. */
    public static void nn(int m, int n, int k, float[] a, int aOff, int lda, PackedB b, float[] c, int cOff, int ldc,
                          boolean accumulate) {
        if (b.k != k || b.n != n) {
            throw new IllegalArgumentException("packed B is " + b.k + "x" + b.n + ", the product needs " + k + "x" + n);
        }
        if (Simd.ENABLED) {
            VectorGemm.multiplyPacked(m, n, k, a, aOff, lda, b.panels, c, cOff, ldc, accumulate);
        } else {
            ScalarGemm.multiply(m, n, k, a, aOff, lda, 1, b.b, b.bOff, b.ldb, c, cOff, ldc, accumulate);
        }
    }

    static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                         int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (Simd.ENABLED) {
            VectorGemm.multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            ScalarGemm.multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }
}
