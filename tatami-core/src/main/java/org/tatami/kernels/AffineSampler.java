package org.tatami.kernels;

/**
 * Samples an image through an affine map, as Keras's {@code ops.image.affine_transform}: output pixel
 * (column x, row y) reads the input at {@code (a0 x + a1 y + a2, b0 x + b1 y + b2)}, between pixels
 * by the {@link Interpolation} and beyond the edges by the {@link FillMode}. Images are (h, w, c),
 * channels last; a transform is the six coefficients {@code a0 a1 a2 b0 b1 b2}.
 *
 * <p>The output is linear in the input, so its gradient is the adjoint: each output value's gradient
 * goes back to the pixels it read, with the weights it read them with ({@link #sampleAdjoint}).
 * Bilinear reads weigh the four pixels around the point, each index mapped by the fill mode, as
 * TensorFlow's kernel does for reflect, nearest and constant; wrap interpolates across the seam.
 */
public final class AffineSampler {
    /** Coefficients per transform: a0, a1, a2, b0, b1, b2. */
    public static final int COEFFICIENTS = 6;

    private AffineSampler() {
    }

    /** Writes the (h, w, c) image at {@code yOff} of y from the one at {@code xOff} of x through transform t[tOff..]. */
    public static void sample(float[] x, int xOff, float[] y, int yOff, int h, int w, int c, float[] t, int tOff,
                              Interpolation interpolation, FillMode mode, float fillValue) {
        run(false, x, xOff, y, yOff, h, w, c, t, tOff, interpolation, mode, fillValue);
    }

    /**
     * Adds to the image at {@code xOff} of dx the gradient of {@link #sample} for the output gradient at
     * {@code yOff} of dy (the fill value has none).
     */
    public static void sampleAdjoint(float[] dy, int yOff, float[] dx, int xOff, int h, int w, int c, float[] t,
                                     int tOff, Interpolation interpolation, FillMode mode) {
        run(true, dx, xOff, dy, yOff, h, w, c, t, tOff, interpolation, mode, 0f);
    }

    /** Forward: y from x. Adjoint: x (the input gradient) gains from y (the output gradient). */
    private static void run(boolean adjoint, float[] x, int xOff, float[] y, int yOff, int h, int w, int c, float[] t,
                            int tOff, Interpolation interpolation, FillMode mode, float fill) {
        float a0 = t[tOff];
        float a1 = t[tOff + 1];
        float a2 = t[tOff + 2];
        float b0 = t[tOff + 3];
        float b1 = t[tOff + 4];
        float b2 = t[tOff + 5];
        int o = yOff;
        for (int oy = 0; oy < h; oy++) {
            for (int ox = 0; ox < w; ox++, o += c) {
                float inX = a0 * ox + a1 * oy + a2;
                float inY = b0 * ox + b1 * oy + b2;
                if (!adjoint) {
                    for (int ch = 0; ch < c; ch++) {
                        y[o + ch] = 0f;
                    }
                }
                if (interpolation == Interpolation.NEAREST) {
                    tap(adjoint, x, xOff, y, o, roundHalfAway(inY), roundHalfAway(inX), 1f, h, w, c, mode, fill);
                    continue;
                }
                float fy = (float) Math.floor(inY);
                float fx = (float) Math.floor(inX);
                int row = (int) fy;
                int col = (int) fx;
                float dy = inY - fy;
                float dx = inX - fx;
                tap(adjoint, x, xOff, y, o, row, col, (1f - dy) * (1f - dx), h, w, c, mode, fill);
                tap(adjoint, x, xOff, y, o, row, col + 1, (1f - dy) * dx, h, w, c, mode, fill);
                tap(adjoint, x, xOff, y, o, row + 1, col, dy * (1f - dx), h, w, c, mode, fill);
                tap(adjoint, x, xOff, y, o, row + 1, col + 1, dy * dx, h, w, c, mode, fill);
            }
        }
    }

    /** One read of the input pixel (row, col), weighed: into y at o (forward), or back into x (adjoint). */
    private static void tap(boolean adjoint, float[] x, int xOff, float[] y, int o, int row, int col, float weight,
                            int h, int w, int c, FillMode mode, float fill) {
        if (weight == 0f) {
            return;
        }
        int r = mode.map(row, h);
        int k = mode.map(col, w);
        if (r < 0 || k < 0) {
            if (!adjoint) {
                for (int ch = 0; ch < c; ch++) {
                    y[o + ch] += weight * fill;
                }
            }
            return;
        }
        int i = xOff + (r * w + k) * c;
        if (adjoint) {
            for (int ch = 0; ch < c; ch++) {
                x[i + ch] += weight * y[o + ch];
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                y[o + ch] += weight * x[i + ch];
            }
        }
    }

    /** C's {@code round}, as TensorFlow's nearest reads: halves away from zero. */
    private static int roundHalfAway(float v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5f) : Math.floor(v + 0.5f));
    }
}
