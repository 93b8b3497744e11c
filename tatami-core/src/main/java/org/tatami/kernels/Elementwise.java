package org.tatami.kernels;

/** Element-wise passes over float arrays, SIMD when the Vector API is present. */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code v[i] = v[i] > 0 ? v[i] : 0} for i in [from, to). */
    public static void relu(float[] v, int from, int to) {
        if (Simd.ENABLED) {
            VectorElementwise.relu(v, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            v[i] = v[i] > 0f ? v[i] : 0f;
        }
    }

    /** {@code dy[i] = y[i] > 0 ? dy[i] : 0} for i in [from, to): the gradient through a ReLU. */
    public static void reluBackward(float[] y, float[] dy, int from, int to) {
        if (Simd.ENABLED) {
            VectorElementwise.reluBackward(y, dy, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            dy[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
