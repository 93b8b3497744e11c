package org.tatami.kernels;

/** The plain-Java matrix product behind {@link Gemm}, for JVMs without the Vector API. */
final class ScalarGemm {
    private ScalarGemm() {
    }

    static float dot(int k, float[] a, int aOff, float[] b, int bOff) {
        float s = 0f;
        for (int p = 0; p < k; p++) {
            s += a[aOff + p] * b[bOff + p];
        }
        return s;
    }

    /**
     * The first {@code whole} products of a dot product (a multiple of {@link VectorGemm#SPLIT}) in the
     * SIMD path's order, for vector widths it has no kernel for.
     */
    static float splitDot(int whole, float[] a, int aOff, float[] b, int bOff) {
        float[] partial = new float[VectorGemm.SPLIT];
        for (int p = 0; p < whole; p++) {
            partial[p % VectorGemm.SPLIT] = Math.fma(a[aOff + p], b[bOff + p], partial[p % VectorGemm.SPLIT]);
        }
        float s = 0f;
        for (float v : partial) {
            s += v;
        }
        return s;
    }

    static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                         int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            int ai = aOff + i * aRow;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p * aCol];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }
}
