package org.tatami.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2x2, stride-2 max pooling of NHWC images whose channels fill whole vectors, with vectors along the
 * channels. A window's winner is chosen as MaxPool2D chooses it (top row first, left first, a later
 * value only if strictly greater) by lane-wise comparisons and blends, no branches; the backward pass
 * makes the same choice again from the input and its output, so nothing is stored in between.
 * Callers check {@link #fits} first.
 */
public final class MaxPool2x2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private MaxPool2x2() {
    }

    /** Whether {@code channels} fill whole vectors and the SIMD path is on. */
    public static boolean fits(int channels) {
        return Simd.ENABLED && channels % Simd.lanes() == 0;
    }

    /** {@code y} (n, h/2, w/2, c) from {@code x} (n, h, w, c); odd last rows and columns are dropped. */
    public static void forward(float[] x, int n, int h, int w, int c, float[] y) {
        int oh = h / 2;
        int ow = w / 2;
        int o = 0;
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                int top = ((b * h + 2 * oy) * w) * c;
                for (int ox = 0; ox < ow; ox++) {
                    int i = top + 2 * ox * c;
                    int j = i + w * c;
                    for (int ch = 0; ch < c; ch += L, o += L) {
                        FloatVector x0 = FloatVector.fromArray(S, x, i + ch);
                        FloatVector x1 = FloatVector.fromArray(S, x, i + c + ch);
                        FloatVector x2 = FloatVector.fromArray(S, x, j + ch);
                        FloatVector x3 = FloatVector.fromArray(S, x, j + c + ch);
                        FloatVector t = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
                        FloatVector u = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
                        t.blend(u, u.compare(VectorOperators.GT, t)).intoArray(y, o);
                    }
                }
            }
        }
    }

    /**
     * {@code dx} from the output's gradient {@code dy}: each window's gradient goes to its winner.
     * {@code throughRelu}: x is a ReLU's output and dx is wanted w.r.t. the ReLU's input, so a window
     * whose winner is not positive passes nothing (as the ReLU's derivative would then make of it).
     */
    public static void backward(float[] x, float[] dy, int n, int h, int w, int c, float[] dx, boolean throughRelu) {
        int oh = h / 2;
        int ow = w / 2;
        FloatVector zero = FloatVector.zero(S);
        int o = 0;
        for (int b = 0; b < n; b++) {
            // An odd last row or column is in no window: its gradient is 0.
            if (2 * oh < h) {
                java.util.Arrays.fill(dx, ((b * h + h - 1) * w) * c, (b + 1) * h * w * c, 0f);
            }
            for (int oy = 0; oy < oh; oy++) {
                int top = ((b * h + 2 * oy) * w) * c;
                if (2 * ow < w) {
                    java.util.Arrays.fill(dx, top + (w - 1) * c, top + w * c, 0f);
                    java.util.Arrays.fill(dx, top + (2 * w - 1) * c, top + 2 * w * c, 0f);
                }
                for (int ox = 0; ox < ow; ox++) {
                    int i = top + 2 * ox * c;
                    int j = i + w * c;
                    for (int ch = 0; ch < c; ch += L, o += L) {
                        FloatVector x0 = FloatVector.fromArray(S, x, i + ch);
                        FloatVector x1 = FloatVector.fromArray(S, x, i + c + ch);
                        FloatVector x2 = FloatVector.fromArray(S, x, j + ch);
                        FloatVector x3 = FloatVector.fromArray(S, x, j + c + ch);
                        VectorMask<Float> right = x1.compare(VectorOperators.GT, x0);
                        VectorMask<Float> bottomRight = x3.compare(VectorOperators.GT, x2);
                        FloatVector t = x0.blend(x1, right);
                        FloatVector u = x2.blend(x3, bottomRight);
                        VectorMask<Float> bottom = u.compare(VectorOperators.GT, t);
                        FloatVector g = FloatVector.fromArray(S, dy, o);
                        if (throughRelu) {
                            g = zero.blend(g, t.blend(u, bottom).compare(VectorOperators.GT, zero));
                        }
                        FloatVector gt = g.blend(zero, bottom);
                        FloatVector gb = zero.blend(g, bottom);
                        gt.blend(zero, right).intoArray(dx, i + ch);
                        zero.blend(gt, right).intoArray(dx, i + c + ch);
                        gb.blend(zero, bottomRight).intoArray(dx, j + ch);
                        zero.blend(gb, bottomRight).intoArray(dx, j + c + ch);
                    }
                }
            }
        }
    }
}
